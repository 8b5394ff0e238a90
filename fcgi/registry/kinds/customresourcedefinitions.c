/* customresourcedefinitions.c: apiextensions.k8s.io/v1
 * CustomResourceDefinition, as kube-apiserver 1.32 serves it
 * (apiextensions-apiserver pkg/apis/apiextensions/v1 defaults,
 * pkg/apis/apiextensions/validation with kube's messages, the default table
 * convertor), plus the status kube's naming and establishing controllers
 * write, set here by the server on every write: acceptedNames, the
 * NamesAccepted and Established conditions and storedVersions. A CRD whose
 * names clash with another CRD's of its group is NamesAccepted False
 * (kube's PluralConflict, ..., ListKindConflict) and not Established, so no kind is served for it
 * (registry/kinds/customresources_provider.c serves the Established ones).
 * Each version's openAPIV3Schema is compiled (schema/structural.h); its
 * errors make the CRD invalid. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "codec/conditions.h"
#include "codec/fielderr.h"
#include "codec/jsonpath.h"
#include "codec/validate_meta.h"
#include "core/alloc.h"
#include "core/goquote.h"
#include "core/gotime.h"
#include "kinds/kinds.h"
#include "registry/kinds/customresources.h"
#include "registry/rest_internal.h"
#include "store/store.h"
#include "registry/strategies.h"
#include "registry/tables_internal.h"
#include "schema/structural.h"

static const char *str_or(const cJSON *o, const char *path, const char *dflt)
{
    return json_str_at(o, path, dflt);
}

static void lower_into(char *out, size_t n, const char *s)
{
    size_t i = 0;
    for (; s[i] && i + 1 < n; i++) out[i] = (char)tolower((unsigned char)s[i]);
    out[i] = '\0';
}

/* SetDefaults_CustomResourceDefinition(Spec): singular, listKind,
 * conversion None; SetDefaults_ServiceReference's port 443. */
static void set_defaults(cJSON *crd)
{
    cJSON *spec = cJSON_GetObjectItemCaseSensitive(crd, "spec");
    if (!cJSON_IsObject(spec)) return;
    cJSON *names = cJSON_GetObjectItemCaseSensitive(spec, "names");
    if (cJSON_IsObject(names)) {
        const char *kind = json_str(names, "kind");
        if (kind && *kind) {
            const char *singular = json_str(names, "singular");
            if (!singular || !*singular) {
                char low[256];
                lower_into(low, sizeof low, kind);
                json_set_str(names, "singular", low);
            }
            const char *list_kind = json_str(names, "listKind");
            if (!list_kind || !*list_kind) {
                char lk[300];
                snprintf(lk, sizeof lk, "%sList", kind);
                json_set_str(names, "listKind", lk);
            }
        }
    }
    cJSON *conv = cJSON_GetObjectItemCaseSensitive(spec, "conversion");
    if (!cJSON_IsObject(conv)) {
        cJSON_DeleteItemFromObjectCaseSensitive(spec, "conversion");
        conv = cJSON_AddObjectToObject(spec, "conversion");
        cJSON_AddStringToObject(conv, "strategy", "None");
    }
    cJSON *svc = (cJSON *)json_object_at(conv, "webhook.clientConfig.service");
    if (svc && !cJSON_GetObjectItemCaseSensitive(svc, "port")) cJSON_AddNumberToObject(svc, "port", 443);
}

/* ---- validation */

/* One Invalid error whose detail is every message joined with ",", as
 * kube's strings.Join(errs, ","). */
static void invalid_joined(field_errors *errs, const char *field, const char *value,
                           const validation_messages *m, const char *prefix)
{
    if (m->n == 0) return;
    char detail[2048];
    size_t used = (size_t)snprintf(detail, sizeof detail, "%s", prefix ? prefix : "");
    for (int i = 0; i < m->n && used < sizeof detail; i++)
        used += (size_t)snprintf(detail + used, sizeof detail - used, "%s%s", i ? "," : "", m->text[i]);
    field_error_add_str(errs, FIELD_INVALID, field, value, detail);
}

static void dns1035(field_errors *errs, const char *field, const char *value, int lower, const char *prefix)
{
    char low[512];
    lower_into(low, sizeof low, value);
    validation_messages m = {0};
    is_dns1035_label(lower ? low : value, &m);
    invalid_joined(errs, field, value, &m, prefix);
}

static void validate_names(const cJSON *names, const char *at, field_errors *errs)
{
    char f[300];
    const char *plural = str_or(names, "plural", ""), *singular = str_or(names, "singular", "");
    const char *kind = str_or(names, "kind", ""), *list_kind = str_or(names, "listKind", "");
    const char *mixed = "may have mixed case, but should otherwise match: ";
    snprintf(f, sizeof f, "%s.plural", at);
    if (*plural) dns1035(errs, f, plural, 0, NULL);
    snprintf(f, sizeof f, "%s.singular", at);
    if (*singular) dns1035(errs, f, singular, 0, NULL);
    snprintf(f, sizeof f, "%s.kind", at);
    if (*kind) dns1035(errs, f, kind, 1, mixed);
    snprintf(f, sizeof f, "%s.listKind", at);
    if (*list_kind) dns1035(errs, f, list_kind, 1, mixed);
    int i = 0;
    const cJSON *s;
    cJSON_ArrayForEach(s, json_array_at(names, "shortNames")) {
        snprintf(f, sizeof f, "%s.shortNames[%d]", at, i++);
        if (cJSON_IsString(s)) dns1035(errs, f, s->valuestring, 0, NULL);
    }
    if (*kind && !strcmp(kind, list_kind)) {
        snprintf(f, sizeof f, "%s.listKind", at);
        field_error_add_str(errs, FIELD_INVALID, f, list_kind, "kind and listKind may not be the same");
    }
    i = 0;
    cJSON_ArrayForEach(s, json_array_at(names, "categories")) {
        snprintf(f, sizeof f, "%s.categories[%d]", at, i++);
        if (cJSON_IsString(s)) dns1035(errs, f, s->valuestring, 0, NULL);
    }
}

/* validateEnumStrings: Required when empty, else NotSupported. */
static void enum_string(field_errors *errs, const char *field, const char *value, const char *const *valid)
{
    if (!value || !*value) {
        field_error_add(errs, FIELD_REQUIRED, field, NULL, NULL);
        return;
    }
    for (int i = 0; valid[i]; i++)
        if (!strcmp(valid[i], value)) return;
    field_error_not_supported(errs, field, value, valid);
}

static void validate_columns(const cJSON *cols, const char *at, field_errors *errs)
{
    static const char *const types[] = {"integer", "number", "string", "boolean", "date", NULL};
    static const char *const formats[] = {"int32", "int64", "float", "double", "byte", "date",
                                          "date-time", "password", NULL};
    int i = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, cols) {
        char f[320];
        const char *name = str_or(c, "name", ""), *type = str_or(c, "type", "");
        const char *format = str_or(c, "format", ""), *path = str_or(c, "jsonPath", "");
        snprintf(f, sizeof f, "%s[%d].name", at, i);
        if (!*name) field_error_add(errs, FIELD_REQUIRED, f, NULL, NULL);
        snprintf(f, sizeof f, "%s[%d].type", at, i);
        if (!*type) field_error_add(errs, FIELD_REQUIRED, f, NULL, NULL);
        else enum_string(errs, f, type, types);
        snprintf(f, sizeof f, "%s[%d].format", at, i);
        if (*format) enum_string(errs, f, format, formats);
        snprintf(f, sizeof f, "%s[%d].jsonPath", at, i);
        if (!*path) field_error_add(errs, FIELD_REQUIRED, f, NULL, NULL);
        i++;
    }
}

/* A scale path: a simple JSON path under .spec (or .status). */
static void validate_scale_path(const cJSON *scale, const char *key, const char *at, const char *under,
                                int required, field_errors *errs)
{
    char f[320], detail[200];
    snprintf(f, sizeof f, "%s.%s", at, key);
    const char *p = str_or(scale, key, NULL);
    if (!p || !*p) {
        if (required) field_error_add(errs, FIELD_REQUIRED, f, NULL, NULL);
        return;
    }
    if (strchr(p, '[')) {
        field_error_add_str(errs, FIELD_INVALID, f, p, "must be a simple json path");
        return;
    }
    if (strncmp(p, under, strlen(under)) || !p[strlen(under)] || p[strlen(under)] != '.') {
        snprintf(detail, sizeof detail, "should be a json path under %s", under);
        field_error_add_str(errs, FIELD_INVALID, f, p, detail);
    }
}

/* Go's %#v of a pointer field: its type and address, or nil. Go prints the
 * pointer's address; the address of the JSON node is ours. */
static void go_pointer(kapi_buf *b, const char *type, const cJSON *v)
{
    if (!v || cJSON_IsNull(v)) kapi_buf_printf(b, "(*%s)(nil)", type);
    else kapi_buf_printf(b, "(*%s)(%p)", type, (const void *)v);
}

static void go_field_str(kapi_buf *b, const char *name, const cJSON *obj, const char *key)
{
    kapi_buf_printf(b, "%s:", name);
    go_quote(b, str_or(obj, key, ""));
}

/* Go's %#v of a []apiextensions.<type>: (nil), or each element's fields. */
static void go_slice(kapi_buf *b, const char *type, const cJSON *items, void (*fields)(kapi_buf *, const cJSON *))
{
    kapi_buf_printf(b, "[]apiextensions.%s", type);
    if (!items) {
        kapi_buf_puts(b, "(nil)");
        return;
    }
    kapi_buf_putc(b, '{');
    int j = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, items) {
        kapi_buf_printf(b, "%sapiextensions.%s{", j++ ? ", " : "", type);
        fields(b, it);
        kapi_buf_putc(b, '}');
    }
    kapi_buf_putc(b, '}');
}

static void go_column(kapi_buf *b, const cJSON *col)
{
    go_field_str(b, "Name", col, "name");
    go_field_str(b, ", Type", col, "type");
    go_field_str(b, ", Format", col, "format");
    go_field_str(b, ", Description", col, "description");
    const cJSON *prio = json_get(col, "priority");
    kapi_buf_printf(b, ", Priority:%d, ", cJSON_IsNumber(prio) ? (int)prio->valuedouble : 0);
    go_field_str(b, "JSONPath", col, "jsonPath");
}

static void go_selectable_field(kapi_buf *b, const cJSON *sel)
{
    go_field_str(b, "JSONPath", sel, "jsonPath");
}

/* Go's %#v of the internal []apiextensions.CustomResourceDefinitionVersion,
 * the bad value kube prints for spec.versions. */
static char *go_versions_value(const cJSON *versions)
{
    kapi_buf b;
    kapi_buf_init(&b);
    kapi_buf_puts(&b, "[]apiextensions.CustomResourceDefinitionVersion{");
    const cJSON *v;
    int i = 0;
    cJSON_ArrayForEach(v, versions) {
        if (i++) kapi_buf_puts(&b, ", ");
        kapi_buf_puts(&b, "apiextensions.CustomResourceDefinitionVersion{");
        go_field_str(&b, "Name", v, "name");
        kapi_buf_printf(&b, ", Served:%s, Storage:%s, Deprecated:%s, DeprecationWarning:",
                        json_true_at(v, "served") ? "true" : "false", json_true_at(v, "storage") ? "true" : "false",
                        json_true_at(v, "deprecated") ? "true" : "false");
        go_pointer(&b, "string", json_get(v, "deprecationWarning"));
        kapi_buf_puts(&b, ", Schema:");
        go_pointer(&b, "apiextensions.CustomResourceValidation", json_get(v, "schema"));
        kapi_buf_puts(&b, ", Subresources:");
        go_pointer(&b, "apiextensions.CustomResourceSubresources", json_get(v, "subresources"));
        kapi_buf_puts(&b, ", AdditionalPrinterColumns:");
        go_slice(&b, "CustomResourceColumnDefinition", json_array_at(v, "additionalPrinterColumns"), go_column);
        kapi_buf_puts(&b, ", SelectableFields:");
        go_slice(&b, "SelectableField", json_array_at(v, "selectableFields"), go_selectable_field);
        kapi_buf_putc(&b, '}');
    }
    kapi_buf_putc(&b, '}');
    return kapi_buf_steal(&b);
}

/* An Invalid error on spec.versions with the versions as its bad value. */
static void invalid_versions(field_errors *errs, const cJSON *versions, const char *detail)
{
    char *printed = go_versions_value(versions);
    cJSON *raw = cJSON_CreateRaw(printed);
    field_error_add(errs, FIELD_INVALID, "spec.versions", raw, detail);
    cJSON_Delete(raw);
    free(printed);
}

static void validate_versions(const cJSON *versions, field_errors *errs)
{
    int n = cJSON_GetArraySize(versions), storage = 0, served = 0, unique = 1, i = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, versions) {
        char at[64], f[160];
        snprintf(at, sizeof at, "spec.versions[%d]", i);
        const char *name = str_or(v, "name", "");
        storage += json_true_at(v, "storage");
        served += json_true_at(v, "served");
        int j = 0;
        const cJSON *w;
        cJSON_ArrayForEach(w, versions) {
            if (j++ >= i) break;
            if (!strcmp(str_or(w, "name", ""), name)) unique = 0;
        }
        snprintf(f, sizeof f, "%s.name", at);
        dns1035(errs, f, name, 0, NULL);
        if (json_str_at(v, "deprecationWarning", NULL) && !json_true_at(v, "deprecated")) {
            snprintf(f, sizeof f, "%s.deprecationWarning", at);
            field_error_add(errs, FIELD_INVALID, f, json_at(v, "deprecationWarning"),
                            "can only be set for deprecated versions");
        }
        const cJSON *scale = json_object_at(v, "subresources.scale");
        if (scale) {
            snprintf(f, sizeof f, "%s.subresources.scale", at);
            validate_scale_path(scale, "specReplicasPath", f, ".spec", 1, errs);
            validate_scale_path(scale, "statusReplicasPath", f, ".status", 1, errs);
            if (json_str_at(scale, "labelSelectorPath", NULL) &&
                strncmp(json_str_at(scale, "labelSelectorPath", ""), ".status.", 8))
                validate_scale_path(scale, "labelSelectorPath", f, ".spec", 0, errs);
        }
        snprintf(f, sizeof f, "%s.additionalPrinterColumns", at);
        validate_columns(json_array_at(v, "additionalPrinterColumns"), f, errs);
        const cJSON *schema = json_object_at(v, "schema.openAPIV3Schema");
        if (schema) {
            snprintf(f, sizeof f, "%s.schema.openAPIV3Schema", at);
            structural_schema *s = structural_compile(schema, f, errs);
            if (s) structural_check_costs(s, f, errs);
            if (s) structural_free(s);
        }
        i++;
    }
    /* kube prints the versions with Go's %#v */
    if (n > 0 && served == 0) invalid_versions(errs, versions, "must have at least one version marked as served");
    if (!unique) invalid_versions(errs, versions, "must contain unique version names");
    if (storage != 1) invalid_versions(errs, versions, "must have exactly one version marked as storage version");
}

/* ValidateCustomResourceDefinition: the name rule, then the spec. */
static void validate(const cJSON *crd, field_errors *errs)
{
    const char *name = str_or(crd, "metadata.name", "");
    const char *group = str_or(crd, "spec.group", ""), *plural = str_or(crd, "spec.names.plural", "");
    char want[600];
    snprintf(want, sizeof want, "%s.%s", plural, group);
    if (*name && strcmp(name, want))
        field_error_add_str(errs, FIELD_INVALID, "metadata.name", name, "must be spec.names.plural+\".\"+spec.group");

    if (!*group) {
        field_error_add(errs, FIELD_REQUIRED, "spec.group", NULL, NULL);
    } else {
        validation_messages m = {0};
        is_dns1123_subdomain(group, &m);
        if (m.n) invalid_joined(errs, "spec.group", group, &m, NULL);
        else if (!strchr(group, '.'))
            field_error_add_str(errs, FIELD_INVALID, "spec.group", group, "should be a domain with at least one dot");
    }
    static const char *const scopes[] = {"Cluster", "Namespaced", NULL};
    enum_string(errs, "spec.scope", str_or(crd, "spec.scope", ""), scopes);
    const cJSON *versions = json_array_at(crd, "spec.versions");
    validate_versions(versions, errs);

    static const char *const strategies[] = {"None", "Webhook", NULL};
    const cJSON *conv = json_object_at(crd, "spec.conversion");
    if (conv) enum_string(errs, "spec.conversion.strategy", str_or(conv, "strategy", ""), strategies);

    const cJSON *names = json_object_at(crd, "spec.names");
    if (!*plural) field_error_add(errs, FIELD_REQUIRED, "spec.names.plural", NULL, NULL);
    if (!*str_or(names, "singular", "")) field_error_add(errs, FIELD_REQUIRED, "spec.names.singular", NULL, NULL);
    if (!*str_or(names, "kind", "")) field_error_add(errs, FIELD_REQUIRED, "spec.names.kind", NULL, NULL);
    if (!*str_or(names, "listKind", "")) field_error_add(errs, FIELD_REQUIRED, "spec.names.listKind", NULL, NULL);
    validate_names(names, "spec.names", errs);
}

static int established(const cJSON *crd)
{
    const cJSON *c = condition_find(json_get(crd, "status"), "Established");
    return c && !strcmp(str_or(c, "status", ""), "True");
}

static void immutable(const cJSON *crd, const cJSON *old, const char *path, field_errors *errs)
{
    const char *now = str_or(crd, path, ""), *was = str_or(old, path, "");
    if (strcmp(now, was)) field_error_add_str(errs, FIELD_INVALID, path, now, "field is immutable");
}

static void validate_update(const cJSON *crd, const cJSON *old, field_errors *errs)
{
    if (established(old)) {
        immutable(crd, old, "spec.scope", errs);
        immutable(crd, old, "spec.names.kind", errs);
    }
    immutable(crd, old, "spec.group", errs);
    immutable(crd, old, "spec.names.plural", errs);
}

/* ---- status the server sets (kube's naming and establishing controllers) */

static int list_has(const cJSON *list, const char *s)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, list)
        if (cJSON_IsString(e) && !strcmp(e->valuestring, s)) return 1;
    return 0;
}

static int named(const char *const *list, const char *s)
{
    for (int i = 0; list && list[i]; i++)
        if (!strcmp(list[i], s)) return 1;
    return 0;
}

/* Whether r is another served CRD's kind of the group: not the one with
 * our own plural, nor gone (a CRD just deleted, still in this request's
 * set; NULL: none). */
static int other_kind_of_group(const kapi_resource *r, const char *group, const char *own_plural, const char *gone)
{
    return (r->flags & KIND_IS_CUSTOM) && !strcmp(r->group, group) && strcmp(r->plural, own_plural) &&
           !(gone && !strcmp(r->plural, gone));
}

/* Whether another served CRD of the group holds name (kube's naming
 * controller: plurals, singulars and short names in one set; with
 * kind_names, kinds and list kinds, the other set). */
static int name_used(const char *group, const char *own_plural, const char *gone, const char *name,
                     int kind_names)
{
    const kinds_set *set = kinds_current();
    for (int i = 0; i < set->n; i++) {
        const kapi_resource *r = &set->kinds[i];
        if (!other_kind_of_group(r, group, own_plural, gone)) continue;
        if (kind_names ? !strcmp(r->kind, name) || crd_is_list_kind_of(r, name)
                       : !strcmp(r->plural, name) || !strcmp(r->singular, name) || named(r->short_names, name))
            return 1;
    }
    return 0;
}

/* kube's calculateNamesAndConditions: each requested name checked in turn
 * (plural, singular, short names, kind, list kind); a name in use by
 * another CRD of the group is refused, "<name>" is already in use, with the
 * reason of the last refused one (PluralConflict, ..., ListKindConflict).
 * Returns that reason (NULL: no conflict) with its message in msg, and
 * takes the refused names out of accepted (a copy of the requested ones). */
static const char *name_conflict(cJSON *accepted, const char *group, const char *gone, char *msg, size_t n)
{
    const char *own = str_or(accepted, "plural", "");
    const char *reason = NULL;
    static const struct { const char *field, *reason; int kind; } checks[] = {
        {"plural", "PluralConflict", 0}, {"singular", "SingularConflict", 0},
        {"kind", "KindConflict", 1}, {"listKind", "ListKindConflict", 1}};
    for (int i = 0; i < 4; i++) {
        if (i == 2) {
            /* short names, between singular and kind: every refused one in
             * the message (an aggregate: "[a, b]" when several) */
            char all[512] = "";
            int refused = 0;
            const cJSON *sn;
            cJSON_ArrayForEach(sn, json_array_at(accepted, "shortNames"))
                if (cJSON_IsString(sn) && name_used(group, own, gone, sn->valuestring, 0)) {
                    size_t u = strlen(all);
                    snprintf(all + u, sizeof all - u, "%s\"%s\" is already in use", refused ? ", " : "",
                             sn->valuestring);
                    refused++;
                }
            if (refused) {
                reason = "ShortNamesConflict";
                if (refused == 1) snprintf(msg, n, "%s", all);
                else snprintf(msg, n, "[%s]", all);
                cJSON_DeleteItemFromObjectCaseSensitive(accepted, "shortNames");
            }
        }
        const char *name = str_or(accepted, checks[i].field, "");
        if (!*name) continue;
        int used = name_used(group, own, gone, name, checks[i].kind);
        if (!used) continue;
        reason = checks[i].reason;
        snprintf(msg, n, "\"%s\" is already in use", name);
        json_set_str(accepted, checks[i].field, "");
    }
    return reason;
}

static void set_condition(cJSON *status, const char *type, const char *st, const char *reason,
                          const char *message, const char *now)
{
    cJSON *c = condition_find(status, type);
    if (c && !strcmp(str_or(c, "status", ""), st) && !strcmp(str_or(c, "reason", ""), reason) &&
        !strcmp(str_or(c, "message", ""), message))
        return;
    const char *was = c ? str_or(c, "status", "") : NULL;
    const char *since = c && was && !strcmp(was, st) ? str_or(c, "lastTransitionTime", now) : now;
    cJSON *fresh = condition_new(type, st, reason, message, since, 0);
    cJSON *list = json_array_member(status, "conditions");
    int i = 0;
    cJSON *e;
    cJSON_ArrayForEach(e, list) {
        if (!strcmp(str_or(e, "type", ""), type)) {
            cJSON_ReplaceItemInArray(list, i, fresh);
            return;
        }
        i++;
    }
    cJSON_AddItemToArray(list, fresh);
}

/* The storage version's name, or NULL. */
static const char *storage_version(const cJSON *crd)
{
    const cJSON *v;
    cJSON_ArrayForEach(v, json_array_at(crd, "spec.versions"))
        if (json_true_at(v, "storage")) return json_str(v, "name");
    return NULL;
}

/* The status kube's controllers write; gone: the plural of a CRD of the
 * group just deleted (its names are free), NULL: none. */
static void update_status(cJSON *crd, const char *gone)
{
    cJSON *status = json_object_member(crd, "status");
    if (!cJSON_IsObject(status)) {
        cJSON_DeleteItemFromObjectCaseSensitive(crd, "status");
        status = cJSON_AddObjectToObject(crd, "status");
    }
    char now[32], msg[600];
    time_rfc3339(time(NULL), now);
    const cJSON *names = json_object_at(crd, "spec.names");
    cJSON *accepted = names ? cJSON_Duplicate(names, 1) : cJSON_CreateObject();
    const char *conflict = name_conflict(accepted, str_or(crd, "spec.group", ""), gone, msg, sizeof msg);
    cJSON_DeleteItemFromObjectCaseSensitive(status, "acceptedNames");
    cJSON_AddItemToObject(status, "acceptedNames", accepted);
    if (conflict) {
        set_condition(status, "NamesAccepted", "False", conflict, msg, now);
        if (!established(crd)) set_condition(status, "Established", "False", "NotAccepted", "not all names are accepted", now);
    } else {
        set_condition(status, "NamesAccepted", "True", "NoConflicts", "no conflicts found", now);
        set_condition(status, "Established", "True", "InitialNamesAccepted", "the initial names have been accepted", now);
    }
    const char *sv = storage_version(crd);
    cJSON *stored = json_array_member(status, "storedVersions");
    if (sv && !list_has(stored, sv)) cJSON_AddItemToArray(stored, cJSON_CreateString(sv));
    /* kube's field order: conditions, acceptedNames, storedVersions */
    const char *order[] = {"conditions", "acceptedNames", "storedVersions"};
    for (int i = 0; i < 3; i++) {
        cJSON *item = cJSON_DetachItemFromObjectCaseSensitive(status, order[i]);
        if (item) cJSON_AddItemToObject(status, order[i], item);
    }
}

static void prepare_for_create(cJSON *crd)
{
    cJSON_DeleteItemFromObjectCaseSensitive(crd, "status");
    update_status(crd, NULL);
}

static void prepare_for_update(cJSON *crd, const cJSON *old)
{
    (void)old;
    update_status(crd, NULL);
}

/* ---- DELETE: the custom resources first (kube's
 * customresourcecleanup.apiextensions.k8s.io finalizer and its finalizing
 * controller, done in the request) */

#define CLEANUP_FINALIZER "customresourcecleanup.apiextensions.k8s.io"

static int collect_item(void *arg, const char *key, const char *value, int64_t mod_rev)
{
    (void)key, (void)mod_rev;
    cJSON *obj = cJSON_Parse(value);
    if (obj) cJSON_AddItemToArray(arg, obj);
    return 0;
}

/* The CRD marked as kube's Delete marks it on the first request: a
 * deletionTimestamp, the cleanup finalizer, the Terminating condition. */
static rest_result mark_terminating(rest_call *c, const char *name, cJSON *crd, int64_t rev)
{
    cJSON *obj = kapi_pool_keep_json(c->req->pool, cJSON_Duplicate(crd, 1));
    cJSON *meta = obj_metadata(obj);
    char now[32];
    time_rfc3339(time(NULL), now);
    if (!json_str_at(meta, "deletionTimestamp", NULL)) {
        obj_set_string(meta, "deletionTimestamp", now);
        cJSON_DeleteItemFromObjectCaseSensitive(meta, "deletionGracePeriodSeconds");
        cJSON_AddNumberToObject(meta, "deletionGracePeriodSeconds", 0);
    }
    cJSON *fins = json_array_member(meta, "finalizers");
    if (!list_has(fins, CLEANUP_FINALIZER)) cJSON_AddItemToArray(fins, cJSON_CreateString(CLEANUP_FINALIZER));
    cJSON *status = json_object_member(obj, "status");
    set_condition(status, "Terminating", "True", "InstanceDeletionInProgress",
                  "CustomResource deletion is in progress", now);
    obj_canonicalize_order(obj);
    if (c->dry_run || cJSON_Compare(obj, crd, 1)) return rest_object(c, 200, obj, NULL);
    int64_t nrev = 0;
    store_rc rc = store_update_if_revision(c->ctx->store, resource_key(c->req->pool, c->r, "", name), obj, rev, &nrev);
    if (rc != STORE_OK) return rest_store_failure(c, rc, name, "writing to storage failed");
    return rest_object(c, 200, obj, kapi_psprintf(c->req->pool, "%lld", (long long)nrev));
}

/* kube's naming controller requeues a group's CRDs when one goes: each
 * whose names were refused is checked again without the gone CRD's names,
 * and written when its status changes (NamesAccepted, then Established). */
static void recheck_group_names(rest_call *c, const char *group, const char *gone)
{
    cJSON *all = kapi_pool_keep_json(c->req->pool, cJSON_CreateArray());
    int64_t lrev;
    if (store_list(c->ctx->store, resource_key(c->req->pool, c->r, "", NULL), NULL, 0, collect_item, all, &lrev) !=
        STORE_OK)
        return;
    const cJSON *crd;
    cJSON_ArrayForEach(crd, all) {
        const cJSON *accepted = condition_find(json_get(crd, "status"), "NamesAccepted");
        if (strcmp(str_or(crd, "spec.group", ""), group) || !accepted || !strcmp(str_or(accepted, "status", ""), "True") ||
            json_str_at(crd, "metadata.deletionTimestamp", NULL))
            continue;
        cJSON *obj = kapi_pool_keep_json(c->req->pool, cJSON_Duplicate(crd, 1));
        update_status(obj, gone);
        obj_canonicalize_order(obj);
        if (cJSON_Compare(obj, crd, 1)) continue;
        const char *n = str_or(crd, "metadata.name", "");
        int64_t rev = rest_parse_rv(str_or(crd, "metadata.resourceVersion", ""));
        if (rev > 0) store_update_if_revision(c->ctx->store, resource_key(c->req->pool, c->r, "", n), obj, rev, NULL);
    }
}

/* The definition goes: our finalizer first (when a DELETE marked it), then
 * the generic delete (the request's options, or the defaults when the
 * server finishes it after its last custom resource went); once it is
 * gone, the group's refused names are checked again. */
static rest_result finish_crd(rest_call *c, const char *name, const cJSON *crd, int64_t rev, int default_options)
{
    const cJSON *fins = json_array_at(crd, "metadata.finalizers");
    if (list_has(fins, CLEANUP_FINALIZER) && !c->dry_run) {
        cJSON *obj = kapi_pool_keep_json(c->req->pool, cJSON_Duplicate(crd, 1));
        cJSON *nf = cJSON_GetObjectItemCaseSensitive(obj_metadata(obj), "finalizers");
        int i = 0;
        const cJSON *f;
        cJSON_ArrayForEach(f, nf) {
            if (cJSON_IsString(f) && !strcmp(f->valuestring, CLEANUP_FINALIZER)) break;
            i++;
        }
        cJSON_DeleteItemFromArray(nf, i);
        if (cJSON_GetArraySize(nf) == 0) cJSON_DeleteItemFromObjectCaseSensitive(obj_metadata(obj), "finalizers");
        store_rc rc = store_update_if_revision(c->ctx->store, resource_key(c->req->pool, c->r, "", name), obj, rev, NULL);
        if (rc != STORE_OK) return rest_store_failure(c, rc, name, "writing to storage failed");
    }
    rest_result res;
    if (default_options) {
        cJSON *items = kapi_pool_keep_json(c->req->pool, cJSON_CreateArray());
        cJSON_AddItemToArray(items, cJSON_Duplicate(crd, 1));
        res = rest_delete_listed(c, items, rest_default_delete_options(c));
    } else {
        res = rest_delete(c, name);
    }
    if (c->dry_run) return res;
    store_kv kv;
    store_rc rc = store_get(c->ctx->store, resource_key(c->req->pool, c->r, "", name), &kv);
    if (rc == STORE_OK) store_kv_free(&kv);
    if (rc == STORE_NOT_FOUND) {
        const char *plural = str_or(crd, "status.acceptedNames.plural", "");
        recheck_group_names(c, str_or(crd, "spec.group", ""), *plural ? plural : str_or(crd, "spec.names.plural", ""));
    }
    return res;
}

static rest_result delete_crd(rest_call *c, const char *name)
{
    rest_result fail;
    int64_t rev = 0;
    cJSON *crd = rest_load_current(c, name, &rev, &fail);
    if (!crd) return fail;
    const char *plural = str_or(crd, "status.acceptedNames.plural", "");
    if (!*plural) plural = str_or(crd, "spec.names.plural", "");
    const kapi_resource *cr = kinds_find_plural(kinds_current(), str_or(crd, "spec.group", ""), plural);
    if (cr && (cr->flags & KIND_IS_CUSTOM)) {
        /* every custom resource, in every namespace, deleted as a DELETE
         * of it with default options would (finalizers keep one marked) */
        cJSON *items = kapi_pool_keep_json(c->req->pool, cJSON_CreateArray());
        int64_t lrev;
        store_rc rc = store_list(c->ctx->store, resource_key(c->req->pool, cr, "", NULL), NULL, 0, collect_item,
                                 items, &lrev);
        if (rc != STORE_OK) return rest_store_failure(c, rc, name, "reading from storage failed");
        if (cJSON_GetArraySize(items) > 0) {
            rest_call sub = *c;
            sub.r = cr;
            sub.ns = "";
            sub.crd_cleanup = 1;
            rest_result res = rest_delete_listed(&sub, items, rest_default_delete_options(&sub));
            if (res.answer == REST_STATUS) return res;
            cJSON *left = kapi_pool_keep_json(c->req->pool, cJSON_CreateArray());
            rc = store_list(c->ctx->store, resource_key(c->req->pool, cr, "", NULL), NULL, 1, collect_item, left,
                            &lrev);
            if (rc != STORE_OK) return rest_store_failure(c, rc, name, "reading from storage failed");
            /* some are kept by their finalizers: the CRD waits, marked */
            if (!c->dry_run && cJSON_GetArraySize(left) > 0) return mark_terminating(c, name, crd, rev);
        }
    }
    return finish_crd(c, name, crd, rev, 0);
}

void crd_custom_resource_removed(rest_call *c)
{
    if (c->dry_run || c->crd_cleanup || !(c->r->flags & KIND_IS_CUSTOM)) return;
    const kapi_resource *crds = kinds_find_plural(kinds_current(), "apiextensions.k8s.io", "customresourcedefinitions");
    if (!crds) return;
    rest_call sub = *c;
    sub.r = crds;
    sub.ns = "";
    const char *name = kapi_psprintf(c->req->pool, "%s.%s", c->r->plural, c->r->group);
    store_kv kv;
    if (store_get(c->ctx->store, resource_key(c->req->pool, crds, "", name), &kv) != STORE_OK) return;
    int64_t rev = kv.mod_rev;
    cJSON *crd = kapi_pool_keep_json(c->req->pool, cJSON_Parse(kv.value));
    store_kv_free(&kv);
    if (!json_str_at(crd, "metadata.deletionTimestamp", NULL) ||
        !list_has(json_array_at(crd, "metadata.finalizers"), CLEANUP_FINALIZER))
        return;
    long left = 0;
    if (store_count(c->ctx->store, resource_key(c->req->pool, c->r, "", NULL), &left) != STORE_OK || left > 0) return;
    /* a race with another worker's last removal loses on the revision */
    finish_crd(&sub, name, crd, rev, 1);
}

const kapi_strategy strategy_customresourcedefinitions = {
    .serve_delete = delete_crd,
    .names = NAME_DNS1123_SUBDOMAIN,
    .has_status = 1,
    .has_generation = 1,
    .set_defaults = set_defaults,
    .prepare_for_create = prepare_for_create,
    .prepare_for_update = prepare_for_update,
    .validate = validate,
    .validate_update = validate_update,
};
