/* rbac.c: the strategies of rbac.authorization.k8s.io/v1 Role, ClusterRole,
 * RoleBinding and ClusterRoleBinding: Go decoding's type errors, kube's
 * defaults (roleRef and subject apiGroups), field order, and the
 * validation of pkg/apis/rbac/validation (policy rules, aggregation rules,
 * roleRefs, subjects of kind User, Group and ServiceAccount, roleRef
 * immutable), with kube's messages. */
#include <stdio.h>
#include <string.h>
#include "codec/fielderr.h"
#include "registry/strategies.h"
#include "codec/validate_meta.h"
#include "codec/json.h"
#include "codec/jsonpath.h"
#include "core/goquote.h"

#define RBAC_GROUP "rbac.authorization.k8s.io"

/* ---------------------------------------------------------------- types */

/* "json: cannot unmarshal <type> into Go struct field <Struct>.<path> of type <go>" */
static int type_error(char *err, size_t n, const cJSON *v, const char *strct, const char *path,
                      const char *go_type)
{
    snprintf(err, n, "json: cannot unmarshal %s into Go struct field %s.%s of type %s", json_go_type_name(v),
             strct, path, go_type);
    return -1;
}

static int check_string(const cJSON *o, const char *key, const char *strct, const char *path,
                        char *err, size_t n)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v || cJSON_IsNull(v) || cJSON_IsString(v)) return 0;
    return type_error(err, n, v, strct, path, "string");
}

static int check_strings(const cJSON *o, const char *key, const char *strct, const char *path,
                         char *err, size_t n)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v || cJSON_IsNull(v)) return 0;
    if (!cJSON_IsArray(v)) return type_error(err, n, v, strct, path, "[]string");
    const cJSON *e;
    cJSON_ArrayForEach(e, v)
        if (!cJSON_IsString(e) && !cJSON_IsNull(e)) return type_error(err, n, e, strct, path, "string");
    return 0;
}

/* An array of objects (or null); fn checks each object. */
static int check_objects(const cJSON *o, const char *key, const char *strct, const char *go_type,
                         int (*fn)(const cJSON *, char *, size_t), char *err, size_t n)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v || cJSON_IsNull(v)) return 0;
    char arr_type[64];
    snprintf(arr_type, sizeof arr_type, "[]%s", go_type);
    if (!cJSON_IsArray(v)) return type_error(err, n, v, strct, key, arr_type);
    const cJSON *e;
    cJSON_ArrayForEach(e, v) {
        if (cJSON_IsNull(e)) continue;
        if (!cJSON_IsObject(e)) return type_error(err, n, e, strct, key, go_type);
        if (fn && fn(e, err, n)) return -1;
    }
    return 0;
}

typedef int member_check(const cJSON *o, const char *key, const char *strct, const char *path, char *err, size_t n);

/* Each of keys of o (a strct in the list named list) through check. */
static int check_members(const cJSON *o, const char *const *keys, member_check *check, const char *strct,
                         const char *list, char *err, size_t n)
{
    for (int i = 0; keys[i]; i++) {
        char path[64];
        snprintf(path, sizeof path, "%s.%s", list, keys[i]);
        if (check(o, keys[i], strct, path, err, n)) return -1;
    }
    return 0;
}

static int check_rule(const cJSON *r, char *err, size_t n)
{
    static const char *const keys[] = {"verbs", "apiGroups", "resources", "resourceNames",
                                       "nonResourceURLs", NULL};
    return check_members(r, keys, check_strings, "PolicyRule", "rules", err, n);
}

static int check_role_types(const cJSON *obj, const char *kind, char *err, size_t n)
{
    return check_objects(obj, "rules", kind, "v1.PolicyRule", check_rule, err, n);
}

static int role_check_types(const cJSON *obj, char *err, size_t n)
{
    return check_role_types(obj, "Role", err, n);
}

static int cluster_role_check_types(const cJSON *obj, char *err, size_t n)
{
    if (check_role_types(obj, "ClusterRole", err, n)) return -1;
    const cJSON *agg = cJSON_GetObjectItemCaseSensitive(obj, "aggregationRule");
    if (!agg || cJSON_IsNull(agg)) return 0;
    if (!cJSON_IsObject(agg))
        return type_error(err, n, agg, "ClusterRole", "aggregationRule", "v1.AggregationRule");
    const cJSON *sels = cJSON_GetObjectItemCaseSensitive(agg, "clusterRoleSelectors");
    if (!sels || cJSON_IsNull(sels)) return 0;
    if (!cJSON_IsArray(sels))
        return type_error(err, n, sels, "AggregationRule", "aggregationRule.clusterRoleSelectors",
                          "[]v1.LabelSelector");
    const cJSON *s;
    cJSON_ArrayForEach(s, sels) {
        if (cJSON_IsNull(s)) continue;
        if (!cJSON_IsObject(s))
            return type_error(err, n, s, "AggregationRule", "aggregationRule.clusterRoleSelectors",
                              "v1.LabelSelector");
        const cJSON *ml = cJSON_GetObjectItemCaseSensitive(s, "matchLabels");
        if (ml && !cJSON_IsNull(ml) && !cJSON_IsObject(ml))
            return type_error(err, n, ml, "LabelSelector",
                              "aggregationRule.clusterRoleSelectors.matchLabels", "map[string]string");
        const cJSON *v;
        if (cJSON_IsObject(ml))
            cJSON_ArrayForEach(v, ml)
                if (!cJSON_IsString(v) && !cJSON_IsNull(v))
                    return type_error(err, n, v, "LabelSelector",
                                      "aggregationRule.clusterRoleSelectors.matchLabels", "string");
        const cJSON *me = cJSON_GetObjectItemCaseSensitive(s, "matchExpressions");
        if (me && !cJSON_IsNull(me) && !cJSON_IsArray(me))
            return type_error(err, n, me, "LabelSelector",
                              "aggregationRule.clusterRoleSelectors.matchExpressions",
                              "[]v1.LabelSelectorRequirement");
        const cJSON *e;
        if (cJSON_IsArray(me))
            cJSON_ArrayForEach(e, me) {
                if (!cJSON_IsObject(e))
                    return type_error(err, n, e, "LabelSelector",
                                      "aggregationRule.clusterRoleSelectors.matchExpressions",
                                      "v1.LabelSelectorRequirement");
                const char *p = "aggregationRule.clusterRoleSelectors.matchExpressions";
                char kp[128], op[128], vp[128];
                snprintf(kp, sizeof kp, "%s.key", p);
                snprintf(op, sizeof op, "%s.operator", p);
                snprintf(vp, sizeof vp, "%s.values", p);
                if (check_string(e, "key", "LabelSelectorRequirement", kp, err, n) ||
                    check_string(e, "operator", "LabelSelectorRequirement", op, err, n) ||
                    check_strings(e, "values", "LabelSelectorRequirement", vp, err, n))
                    return -1;
            }
    }
    return 0;
}

static int check_subject(const cJSON *s, char *err, size_t n)
{
    static const char *const keys[] = {"kind", "apiGroup", "name", "namespace", NULL};
    return check_members(s, keys, check_string, "Subject", "subjects", err, n);
}

static int check_binding_types(const cJSON *obj, const char *kind, char *err, size_t n)
{
    if (check_objects(obj, "subjects", kind, "v1.Subject", check_subject, err, n)) return -1;
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(obj, "roleRef");
    if (!ref || cJSON_IsNull(ref)) return 0;
    if (!cJSON_IsObject(ref)) return type_error(err, n, ref, kind, "roleRef", "v1.RoleRef");
    return check_string(ref, "apiGroup", "RoleRef", "roleRef.apiGroup", err, n) ||
           check_string(ref, "kind", "RoleRef", "roleRef.kind", err, n) ||
           check_string(ref, "name", "RoleRef", "roleRef.name", err, n);
}

static int role_binding_check_types(const cJSON *obj, char *err, size_t n)
{
    return check_binding_types(obj, "RoleBinding", err, n);
}

static int cluster_role_binding_check_types(const cJSON *obj, char *err, size_t n)
{
    return check_binding_types(obj, "ClusterRoleBinding", err, n);
}

/* ---------------------------------------------------------------- defaults */

static void move_to_end(cJSON *o, const char *key)
{
    cJSON *v = cJSON_DetachItemFromObjectCaseSensitive(o, key);
    if (v) cJSON_AddItemToObject(o, key, v);
}

static void order_fields(cJSON *o, const char *const *keys)
{
    if (!cJSON_IsObject(o)) return;
    for (int i = 0; keys[i]; i++) move_to_end(o, keys[i]);
}

static void role_defaults(cJSON *obj)
{
    static const char *const rule_order[] = {"verbs", "apiGroups", "resources", "resourceNames",
                                             "nonResourceURLs", NULL};
    static const char *const top[] = {"rules", "aggregationRule", NULL};
    cJSON *rules = cJSON_GetObjectItemCaseSensitive(obj, "rules");
    cJSON *r;
    if (cJSON_IsArray(rules)) cJSON_ArrayForEach(r, rules) order_fields(r, rule_order);
    order_fields(obj, top);
}

static void set_string(cJSON *o, const char *key, const char *value)
{
    cJSON *v = cJSON_CreateString(value);
    if (!v) return;
    if (cJSON_GetObjectItemCaseSensitive(o, key)) cJSON_ReplaceItemInObjectCaseSensitive(o, key, v);
    else cJSON_AddItemToObject(o, key, v);
}

static int string_empty(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return !cJSON_IsString(v) || !v->valuestring[0];
}

/* SetDefaults_RoleBinding, SetDefaults_Subject; kube's field order. */
static void binding_defaults(cJSON *obj)
{
    static const char *const subject_order[] = {"kind", "apiGroup", "name", "namespace", NULL};
    static const char *const ref_order[] = {"apiGroup", "kind", "name", NULL};
    static const char *const top[] = {"subjects", "roleRef", NULL};
    cJSON *ref = cJSON_GetObjectItemCaseSensitive(obj, "roleRef");
    if (cJSON_IsObject(ref) && string_empty(ref, "apiGroup")) set_string(ref, "apiGroup", RBAC_GROUP);
    order_fields(ref, ref_order);
    cJSON *subs = cJSON_GetObjectItemCaseSensitive(obj, "subjects"), *s;
    if (cJSON_IsArray(subs))
        cJSON_ArrayForEach(s, subs) {
            if (!cJSON_IsObject(s)) continue;
            const cJSON *kind = cJSON_GetObjectItemCaseSensitive(s, "kind");
            const char *k = cJSON_IsString(kind) ? kind->valuestring : "";
            if (string_empty(s, "apiGroup") && (!strcmp(k, "User") || !strcmp(k, "Group")))
                set_string(s, "apiGroup", RBAC_GROUP);
            order_fields(s, subject_order);
        }
    order_fields(obj, top);
}

/* ---------------------------------------------------------------- validation */

static int list_len(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsArray(v) ? cJSON_GetArraySize(v) : 0;
}

/* Go's %#v of a string and of a []string. */
/* An Invalid error whose bad value is already Go syntax. */
static void invalid_raw(field_errors *errs, const char *field, const char *value, const char *detail)
{
    char d[1100];
    snprintf(d, sizeof d, "%s: %s", value, detail);
    field_error_add(errs, FIELD_INVALID, field, NULL, d);
}

static void validate_rule(const cJSON *rule, int namespaced, const char *path, field_errors *errs)
{
    char f[160];
    if (list_len(rule, "verbs") == 0) {
        snprintf(f, sizeof f, "%s.verbs", path);
        field_error_add(errs, FIELD_REQUIRED, f, NULL, "verbs must contain at least one value");
    }
    if (list_len(rule, "nonResourceURLs") > 0) {
        kapi_buf v;
        kapi_buf_init(&v);
        go_quote_json_strings(&v, cJSON_GetObjectItemCaseSensitive(rule, "nonResourceURLs"));
        kapi_buf_putc(&v, '\0');
        snprintf(f, sizeof f, "%s.nonResourceURLs", path);
        if (namespaced) invalid_raw(errs, f, v.data, "namespaced rules cannot apply to non-resource URLs");
        if (list_len(rule, "apiGroups") || list_len(rule, "resources") || list_len(rule, "resourceNames"))
            invalid_raw(errs, f, v.data, "rules cannot apply to both regular resources and non-resource URLs");
        kapi_buf_free(&v);
        return;
    }
    if (list_len(rule, "apiGroups") == 0) {
        snprintf(f, sizeof f, "%s.apiGroups", path);
        field_error_add(errs, FIELD_REQUIRED, f, NULL, "resource rules must supply at least one api group");
    }
    if (list_len(rule, "resources") == 0) {
        snprintf(f, sizeof f, "%s.resources", path);
        field_error_add(errs, FIELD_REQUIRED, f, NULL, "resource rules must supply at least one resource");
    }
    if (list_len(rule, "resourceNames") > 0 && list_len(rule, "resources") > 1) {
        snprintf(f, sizeof f, "%s.resourceNames", path);
        field_error_add(errs, FIELD_REQUIRED, f, NULL, "resource names cannot apply to multiple resources");
    }
}

static void validate_rules(const cJSON *obj, int namespaced, field_errors *errs)
{
    const cJSON *rules = cJSON_GetObjectItemCaseSensitive(obj, "rules"), *r;
    int i = 0;
    if (cJSON_IsArray(rules))
        cJSON_ArrayForEach(r, rules) {
            char path[32];
            snprintf(path, sizeof path, "rules[%d]", i++);
            validate_rule(r, namespaced, path, errs);
        }
}

static void validate_role(const cJSON *obj, field_errors *errs)
{
    validate_rules(obj, 1, errs);
}

static void validate_cluster_role(const cJSON *obj, field_errors *errs)
{
    validate_rules(obj, 0, errs);
    const cJSON *agg = cJSON_GetObjectItemCaseSensitive(obj, "aggregationRule");
    if (!cJSON_IsObject(agg)) return;
    const cJSON *sels = cJSON_GetObjectItemCaseSensitive(agg, "clusterRoleSelectors"), *s;
    if (!cJSON_IsArray(sels) || cJSON_GetArraySize(sels) == 0)
        field_error_add(errs, FIELD_REQUIRED, "aggregationRule.clusterRoleSelectors", NULL,
                        "at least one clusterRoleSelector required if aggregationRule is non-nil");
    int i = 0;
    if (cJSON_IsArray(sels))
        cJSON_ArrayForEach(s, sels) {
            char path[80];
            snprintf(path, sizeof path, "aggregationRule.clusterRoleSelectors[%d]", i++);
            label_selector_validate(s, path, errs);   /* ValidateLabelSelector */
        }
}

static void validate_subject(const cJSON *s, int namespaced, int i, field_errors *errs)
{
    char f[80];
    const char *name = json_str(s, "name"), *kind = json_str(s, "kind"), *group = json_str(s, "apiGroup");
    if (!name[0]) {
        snprintf(f, sizeof f, "subjects[%d].name", i);
        field_error_add(errs, FIELD_REQUIRED, f, NULL, NULL);
    }
    static const char *const rbac_only[] = {RBAC_GROUP, NULL};
    if (!strcmp(kind, "ServiceAccount")) {
        if (name[0]) {
            validation_messages m = {0};
            is_dns1123_subdomain(name, &m);
            snprintf(f, sizeof f, "subjects[%d].name", i);
            add_invalid_value_for_each_message(errs, f, name, &m);
        }
        if (group[0]) {
            static const char *const none[] = {"", NULL};
            snprintf(f, sizeof f, "subjects[%d].apiGroup", i);
            field_error_not_supported(errs, f, group, none);
        }
        if (!namespaced && !json_str(s, "namespace")[0]) {
            snprintf(f, sizeof f, "subjects[%d].namespace", i);
            field_error_add(errs, FIELD_REQUIRED, f, NULL, NULL);
        }
    } else if (!strcmp(kind, "User") || !strcmp(kind, "Group")) {
        if (!name[0]) {
            snprintf(f, sizeof f, "subjects[%d].name", i);
            field_error_add_str(errs, FIELD_INVALID, f, name,
                                !strcmp(kind, "User") ? "user name cannot be empty"
                                                      : "group name cannot be empty");
        }
        if (strcmp(group, RBAC_GROUP)) {
            snprintf(f, sizeof f, "subjects[%d].apiGroup", i);
            field_error_not_supported(errs, f, group, rbac_only);
        }
    } else {
        static const char *const kinds[] = {"ServiceAccount", "User", "Group", NULL};
        snprintf(f, sizeof f, "subjects[%d].kind", i);
        field_error_not_supported(errs, f, kind, kinds);
    }
}

static void validate_binding(const cJSON *obj, int namespaced, field_errors *errs)
{
    static const char *const rbac_only[] = {RBAC_GROUP, NULL};
    static const char *const role_kinds[] = {"Role", "ClusterRole", NULL};
    static const char *const cluster_kinds[] = {"ClusterRole", NULL};
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(obj, "roleRef");
    const char *group = json_str(ref, "apiGroup"), *kind = json_str(ref, "kind"), *name = json_str(ref, "name");
    if (strcmp(group, RBAC_GROUP)) field_error_not_supported(errs, "roleRef.apiGroup", group, rbac_only);
    int kind_ok = !strcmp(kind, "ClusterRole") || (namespaced && !strcmp(kind, "Role"));
    if (!kind_ok)
        field_error_not_supported(errs, "roleRef.kind", kind, namespaced ? role_kinds : cluster_kinds);
    if (!name[0]) {
        field_error_add(errs, FIELD_REQUIRED, "roleRef.name", NULL, NULL);
    } else {
        validation_messages m = {0};
        name_is_rbac_name(name, 0, &m);
        add_invalid_value_for_each_message(errs, "roleRef.name", name, &m);
    }
    const cJSON *subs = cJSON_GetObjectItemCaseSensitive(obj, "subjects"), *s;
    int i = 0;
    if (cJSON_IsArray(subs)) cJSON_ArrayForEach(s, subs) validate_subject(s, namespaced, i++, errs);
}

static void validate_role_binding(const cJSON *obj, field_errors *errs)
{
    validate_binding(obj, 1, errs);
}

static void validate_cluster_role_binding(const cJSON *obj, field_errors *errs)
{
    validate_binding(obj, 0, errs);
}

/* The roleRef of a binding cannot change; the value is printed as Go's %#v
 * of the internal rbac.RoleRef. */
static void validate_binding_update(const cJSON *obj, const cJSON *old, field_errors *errs)
{
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(obj, "roleRef");
    const cJSON *oref = cJSON_GetObjectItemCaseSensitive(old, "roleRef");
    if (!strcmp(json_str(ref, "apiGroup"), json_str(oref, "apiGroup")) && !strcmp(json_str(ref, "kind"), json_str(oref, "kind")) &&
        !strcmp(json_str(ref, "name"), json_str(oref, "name")))
        return;
    kapi_buf v;
    kapi_buf_init(&v);
    kapi_buf_puts(&v, "rbac.RoleRef{APIGroup:");
    go_quote(&v, json_str(ref, "apiGroup"));
    kapi_buf_puts(&v, ", Kind:");
    go_quote(&v, json_str(ref, "kind"));
    kapi_buf_puts(&v, ", Name:");
    go_quote(&v, json_str(ref, "name"));
    kapi_buf_puts(&v, "}");
    kapi_buf_putc(&v, '\0');
    invalid_raw(errs, "roleRef", v.data, "cannot change roleRef");
    kapi_buf_free(&v);
}

const kapi_strategy strategy_roles = {
    .names = NAME_PATH_SEGMENT, .allows_create_on_update = 1, .check_types = role_check_types,
    .set_defaults = role_defaults,
    .validate = validate_role,
};

const kapi_strategy strategy_clusterroles = {
    .names = NAME_PATH_SEGMENT, .allows_create_on_update = 1, .check_types = cluster_role_check_types,
    .set_defaults = role_defaults,
    .validate = validate_cluster_role,
};

const kapi_strategy strategy_rolebindings = {
    .names = NAME_PATH_SEGMENT, .allows_create_on_update = 1, .check_types = role_binding_check_types,
    .set_defaults = binding_defaults,
    .validate = validate_role_binding, .validate_update = validate_binding_update,
};

const kapi_strategy strategy_clusterrolebindings = {
    .names = NAME_PATH_SEGMENT, .allows_create_on_update = 1, .check_types = cluster_role_binding_check_types,
    .set_defaults = binding_defaults,
    .validate = validate_cluster_role_binding, .validate_update = validate_binding_update,
};
