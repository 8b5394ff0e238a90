/* admissionregistration.c: admissionregistration.k8s.io/v1
 * ValidatingWebhookConfiguration, MutatingWebhookConfiguration,
 * ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding, stored
 * and validated as kube does (pkg/apis/admissionregistration/v1 defaults,
 * pkg/apis/admissionregistration/validation messages) with the Tables of
 * kube's printers. kapi calls no webhook; bound policies are evaluated
 * by admission/validating_policy.c. */
#include <stdio.h>
#include <string.h>
#include "codec/jsonpath.h"
#include "codec/labels.h"
#include "codec/validate_meta.h"
#include "core/goquote.h"
#include "registry/kinds/workload.h"
#include "registry/strategies.h"
#include "registry/tables_internal.h"

/* ---- defaults */

static void empty_selector(cJSON *parent, const char *key)
{
    if (!cJSON_IsObject(json_get(parent, key))) {
        cJSON_DeleteItemFromObjectCaseSensitive(parent, key);
        cJSON_AddObjectToObject(parent, key);
    }
}

/* SetDefaults_Rule on each rule of a list: scope "*" */
static void default_rules(cJSON *rules)
{
    cJSON *r;
    cJSON_ArrayForEach(r, rules) if (cJSON_IsObject(r)) default_string(r, "scope", "*");
}

static void default_match_resources(cJSON *m)
{
    if (!cJSON_IsObject(m)) return;
    empty_selector(m, "namespaceSelector");
    empty_selector(m, "objectSelector");
    default_string(m, "matchPolicy", "Equivalent");
    default_rules((cJSON *)json_get(m, "resourceRules"));
    default_rules((cJSON *)json_get(m, "excludeResourceRules"));
}

static void webhooks_set_defaults(cJSON *cfg)
{
    int mutating = !strcmp(json_str(cfg, "kind"), "MutatingWebhookConfiguration");
    cJSON *h;
    cJSON_ArrayForEach(h, json_get(cfg, "webhooks")) {
        if (!cJSON_IsObject(h)) continue;
        default_string(h, "failurePolicy", "Fail");
        default_string(h, "matchPolicy", "Equivalent");
        empty_selector(h, "namespaceSelector");
        empty_selector(h, "objectSelector");
        default_number(h, "timeoutSeconds", 10);
        if (mutating) default_string(h, "reinvocationPolicy", "Never");
        default_rules((cJSON *)json_get(h, "rules"));
        cJSON *svc = (cJSON *)json_at(h, "clientConfig.service");
        if (cJSON_IsObject(svc)) default_number(svc, "port", 443);
    }
}

static void policy_set_defaults(cJSON *vap)
{
    cJSON *spec = json_object_member(vap, "spec");
    default_string(spec, "failurePolicy", "Fail");
    default_match_resources((cJSON *)json_get(spec, "matchConstraints"));
}

static void binding_set_defaults(cJSON *b)
{
    cJSON *m = (cJSON *)json_at(b, "spec.matchResources");
    if (cJSON_IsObject(m)) default_match_resources(m);
}

/* ---- validation */

static void field_at(char *out, size_t n, const char *prefix, int i, const char *child)
{
    snprintf(out, n, "%s[%d]%s%s", prefix, i, *child ? "." : "", child);
}

/* A value of a closed set; "Unsupported value" otherwise. */
static void one_of(const cJSON *parent, const char *key, const char *field, const char *const *allowed,
                   field_errors *errs)
{
    const cJSON *v = json_get(parent, key);
    if (cJSON_IsString(v) && !value_supported(v->valuestring, allowed))
        field_error_not_supported(errs, field, v->valuestring, allowed);
}

/* Go's %#v of a string slice of the named type (field.Invalid's value) */
static cJSON *go_string_slice(const char *type, const cJSON *list)
{
    kapi_buf b;
    kapi_buf_init(&b);
    kapi_buf_printf(&b, "[]%s{", type);
    const cJSON *v;
    int n = 0;
    char q[300];
    cJSON_ArrayForEach(v, list) {
        go_quote_to(q, sizeof q, cJSON_IsString(v) ? v->valuestring : "", cJSON_IsString(v) ? strlen(v->valuestring) : 0);
        kapi_buf_printf(&b, "%s%s", n++ ? ", " : "", q);
    }
    kapi_buf_puts(&b, "}");
    kapi_buf_putc(&b, '\0');
    cJSON *raw = cJSON_CreateRaw(b.data);
    kapi_buf_free(&b);
    return raw;
}

static const char *const failure_policies[] = {"Fail", "Ignore", NULL};
static const char *const match_policies[] = {"Equivalent", "Exact", NULL};
static const char *const operations[] = {"*", "CONNECT", "CREATE", "DELETE", "UPDATE", NULL};
static const char *const scopes[] = {"*", "Cluster", "Namespaced", NULL};

/* "Required value" at prefix[i].key when the item's member (a string or a
 * list) is missing or empty. */
static void required_member(const cJSON *item, const char *key, const char *prefix, int i, field_errors *errs)
{
    const cJSON *v = json_get(item, key);
    if ((cJSON_IsString(v) && *v->valuestring) || cJSON_GetArraySize(v) > 0) return;
    char field[200];
    field_at(field, sizeof field, prefix, i, key);
    field_error_add(errs, FIELD_REQUIRED, field, NULL, "");
}

static void validate_rules(const cJSON *rules, const char *prefix, field_errors *errs)
{
    const cJSON *r;
    int i = 0;
    char field[160];
    static const char *const lists[] = {"operations", "apiGroups", "apiVersions", "resources", NULL};
    cJSON_ArrayForEach(r, rules) {
        for (int l = 0; lists[l]; l++) required_member(r, lists[l], prefix, i, errs);
        field_at(field, sizeof field, prefix, i, "operations");
        validate_each_supported(json_get(r, "operations"), field, operations, errs);
        field_at(field, sizeof field, prefix, i++, "scope");
        one_of(r, "scope", field, scopes, errs);
    }
}

static void validate_match_conditions(const cJSON *conds, const char *prefix, field_errors *errs)
{
    const cJSON *c;
    int i = 0;
    char field[160];
    cJSON_ArrayForEach(c, conds) {
        required_member(c, "name", prefix, i, errs);
        const char *name = json_str(c, "name");
        validation_messages m = {0};
        if (*name) is_qualified_name(name, &m);
        field_at(field, sizeof field, prefix, i, "name");
        add_invalid_value_for_each_message(errs, field, name, &m);
        required_member(c, "expression", prefix, i++, errs);
    }
}

static void validate_webhook(const cJSON *h, const char *prefix, int i, int mutating, field_errors *errs)
{
    char field[160];
    const char *name = json_str(h, "name");
    field_at(field, sizeof field, prefix, i, "name");
    validation_messages m = {0};
    is_dns1123_subdomain(name, &m);
    add_invalid_value_for_each_message(errs, field, name, &m);
    int dots = 0;
    for (const char *p = name; *p; p++) dots += *p == '.';
    if (dots < 2) field_error_add_str(errs, FIELD_INVALID, field, name, "should be a domain with at least three segments separated by dots");
    field_at(field, sizeof field, prefix, i, "rules");
    validate_rules(json_get(h, "rules"), field, errs);
    field_at(field, sizeof field, prefix, i, "failurePolicy");
    one_of(h, "failurePolicy", field, failure_policies, errs);
    field_at(field, sizeof field, prefix, i, "matchPolicy");
    one_of(h, "matchPolicy", field, match_policies, errs);
    static const char *const side_effects[] = {"None", "NoneOnDryRun", NULL};
    field_at(field, sizeof field, prefix, i, "sideEffects");
    if (!json_get(h, "sideEffects") || cJSON_IsNull(json_get(h, "sideEffects")))
        field_error_add(errs, FIELD_REQUIRED, field, NULL, "must specify one of None, NoneOnDryRun");
    else one_of(h, "sideEffects", field, side_effects, errs);
    const cJSON *timeout = json_get(h, "timeoutSeconds");
    field_at(field, sizeof field, prefix, i, "timeoutSeconds");
    if (cJSON_IsNumber(timeout) && (timeout->valuedouble < 1 || timeout->valuedouble > 30))
        field_error_add(errs, FIELD_INVALID, field, timeout, "the timeout value must be between 1 and 30 seconds");
    field_at(field, sizeof field, prefix, i, "admissionReviewVersions");
    const cJSON *versions = json_get(h, "admissionReviewVersions"), *v;
    int known = 0;
    cJSON_ArrayForEach(v, versions) known |= cJSON_IsString(v) && (!strcmp(v->valuestring, "v1") || !strcmp(v->valuestring, "v1beta1"));
    if (cJSON_GetArraySize(versions) == 0)
        field_error_add(errs, FIELD_REQUIRED, field, NULL, "must specify one of v1, v1beta1");
    else if (!known) {
        cJSON *value = go_string_slice("string", versions);
        field_error_add(errs, FIELD_INVALID, field, value, "must include at least one of v1, v1beta1");
        cJSON_Delete(value);
    }
    if (mutating) {
        static const char *const reinvocation[] = {"IfNeeded", "Never", NULL};
        field_at(field, sizeof field, prefix, i, "reinvocationPolicy");
        one_of(h, "reinvocationPolicy", field, reinvocation, errs);
    }
    field_at(field, sizeof field, prefix, i, "clientConfig");
    const cJSON *url = json_at(h, "clientConfig.url"), *svc = json_at(h, "clientConfig.service");
    int has_url = cJSON_IsString(url), has_svc = cJSON_IsObject(svc);
    if (has_url == has_svc) {
        field_error_add(errs, FIELD_REQUIRED, field, NULL, "exactly one of url or service is required");
    } else if (has_url) {
        snprintf(field + strlen(field), sizeof field - strlen(field), ".url");
        if (strncmp(url->valuestring, "https://", 8))
            field_error_add_str(errs, FIELD_INVALID, field, url->valuestring, "'https' is the only allowed URL scheme");
    } else {
        char f[200];
        snprintf(f, sizeof f, "%s.service.name", field);
        if (!*json_str(svc, "name")) field_error_add(errs, FIELD_REQUIRED, f, NULL, "service name is required");
        snprintf(f, sizeof f, "%s.service.namespace", field);
        if (!*json_str(svc, "namespace")) field_error_add(errs, FIELD_REQUIRED, f, NULL, "service namespace is required");
    }
    field_at(field, sizeof field, prefix, i, "matchConditions");
    validate_match_conditions(json_get(h, "matchConditions"), field, errs);
    static const char *const selectors[] = {"namespaceSelector", "objectSelector", NULL};
    for (int s = 0; selectors[s]; s++) {
        field_at(field, sizeof field, prefix, i, selectors[s]);
        if (json_get(h, selectors[s])) label_selector_validate(json_get(h, selectors[s]), field, errs);
    }
}

static void validate_webhooks(const cJSON *cfg, field_errors *errs)
{
    int mutating = !strcmp(json_str(cfg, "kind"), "MutatingWebhookConfiguration");
    const cJSON *hooks = json_get(cfg, "webhooks"), *h, *prev;
    int i = 0;
    char field[96];
    cJSON_ArrayForEach(h, hooks) {
        for (prev = hooks->child; prev != h; prev = prev->next)
            if (!strcmp(json_str(prev, "name"), json_str(h, "name"))) {
                field_at(field, sizeof field, "webhooks", i, "name");
                field_error_add_str(errs, FIELD_DUPLICATE, field, json_str(h, "name"), NULL);
                break;
            }
        validate_webhook(h, "webhooks", i++, mutating, errs);
    }
}

const kapi_strategy strategy_webhookconfigurations = {
    .names = NAME_DNS1123_SUBDOMAIN, .has_generation = 1,
    .set_defaults = webhooks_set_defaults, .validate = validate_webhooks,
};

static void validate_match_resources(const cJSON *m, const char *prefix, int rules_required, field_errors *errs)
{
    char field[160];
    snprintf(field, sizeof field, "%s.resourceRules", prefix);
    if (rules_required && cJSON_GetArraySize(json_get(m, "resourceRules")) == 0)
        field_error_add(errs, FIELD_REQUIRED, field, NULL, "");
    validate_rules(json_get(m, "resourceRules"), field, errs);
    snprintf(field, sizeof field, "%s.excludeResourceRules", prefix);
    validate_rules(json_get(m, "excludeResourceRules"), field, errs);
    snprintf(field, sizeof field, "%s.matchPolicy", prefix);
    one_of(m, "matchPolicy", field, match_policies, errs);
}

static void validate_policy(const cJSON *vap, field_errors *errs)
{
    const cJSON *spec = json_get(vap, "spec");
    const cJSON *mc = json_get(spec, "matchConstraints");
    if (!cJSON_IsObject(mc)) field_error_add(errs, FIELD_REQUIRED, "spec.matchConstraints", NULL, "");
    else validate_match_resources(mc, "spec.matchConstraints", 1, errs);
    const cJSON *validations = json_get(spec, "validations"), *v;
    if (cJSON_GetArraySize(validations) == 0 && cJSON_GetArraySize(json_get(spec, "auditAnnotations")) == 0)
        field_error_add(errs, FIELD_REQUIRED, "spec.validations", NULL,
                        "validations or auditAnnotations must contain at least one item");
    int i = 0;
    char field[96];
    static const char *const reasons[] = {"Forbidden", "Invalid", "RequestEntityTooLarge", "Unauthorized", NULL};
    cJSON_ArrayForEach(v, validations) {
        field_at(field, sizeof field, "spec.validations", i, "expression");
        if (!*json_str(v, "expression")) field_error_add(errs, FIELD_REQUIRED, field, NULL, "");
        field_at(field, sizeof field, "spec.validations", i++, "reason");
        one_of(v, "reason", field, reasons, errs);
    }
    one_of(spec, "failurePolicy", "spec.failurePolicy", failure_policies, errs);
    validate_match_conditions(json_get(spec, "matchConditions"), "spec.matchConditions", errs);
    const cJSON *pk = json_get(spec, "paramKind");
    if (cJSON_IsObject(pk)) {
        if (!*json_str(pk, "kind")) field_error_add(errs, FIELD_REQUIRED, "spec.paramKind.kind", NULL, "");
        if (!*json_str(pk, "apiVersion")) field_error_add(errs, FIELD_REQUIRED, "spec.paramKind.apiVersion", NULL, "");
    }
}

const kapi_strategy strategy_validatingadmissionpolicies = {
    .names = NAME_DNS1123_SUBDOMAIN, .has_status = 1, .has_generation = 1,
    .prepare_for_create = workload_clear_status, .prepare_for_status_update = workload_keep_spec,
    .set_defaults = policy_set_defaults, .validate = validate_policy,
};

static void validate_binding(const cJSON *b, field_errors *errs)
{
    const cJSON *spec = json_get(b, "spec");
    validate_required_string(spec, "policyName", "spec.policyName", "", errs);
    const cJSON *actions = json_get(spec, "validationActions"), *a, *prev;
    static const char *const supported[] = {"Audit", "Deny", "Warn", NULL};
    if (cJSON_GetArraySize(actions) == 0)
        field_error_add(errs, FIELD_REQUIRED, "spec.validationActions", NULL, "at least one validation action is required");
    int i = 0, deny = 0, warn = 0;
    char field[64];
    cJSON_ArrayForEach(a, actions) {
        const char *v = cJSON_IsString(a) ? a->valuestring : "";
        snprintf(field, sizeof field, "spec.validationActions[%d]", i++);
        if (!value_supported(v, supported)) field_error_not_supported(errs, field, v, supported);
        for (prev = actions->child; prev != a; prev = prev->next)
            if (cJSON_IsString(prev) && !strcmp(prev->valuestring, v)) {
                field_error_add_str(errs, FIELD_DUPLICATE, field, v, NULL);
                break;
            }
        deny |= !strcmp(v, "Deny");
        warn |= !strcmp(v, "Warn");
    }
    if (deny && warn) {
        cJSON *value = go_string_slice("admissionregistration.ValidationAction", actions);
        field_error_add(errs, FIELD_INVALID, "spec.validationActions", value, "must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)");
        cJSON_Delete(value);
    }
    const cJSON *pr = json_get(spec, "paramRef");
    if (cJSON_IsObject(pr)) {
        int has_name = *json_str(pr, "name") != 0, has_sel = cJSON_IsObject(json_get(pr, "selector"));
        if (has_name && has_sel)
            field_error_add(errs, FIELD_FORBIDDEN, "spec.paramRef.name", NULL, "name and selector are mutually exclusive");
        else if (!has_name && !has_sel)
            field_error_add(errs, FIELD_REQUIRED, "spec.paramRef", NULL, "one of name or selector must be specified");
        static const char *const actions_nf[] = {"Allow", "Deny", NULL};
        if (!json_get(pr, "parameterNotFoundAction"))
            field_error_add(errs, FIELD_REQUIRED, "spec.paramRef.parameterNotFoundAction", NULL, "");
        else one_of(pr, "parameterNotFoundAction", "spec.paramRef.parameterNotFoundAction", actions_nf, errs);
    }
    const cJSON *m = json_get(spec, "matchResources");
    if (cJSON_IsObject(m)) validate_match_resources(m, "spec.matchResources", 0, errs);
}

const kapi_strategy strategy_validatingadmissionpolicybindings = {
    .names = NAME_DNS1123_SUBDOMAIN, .has_generation = 1,
    .set_defaults = binding_set_defaults, .validate = validate_binding,
};

/* ---- Tables: printMutatingWebhook, printValidatingWebhook,
 * printValidatingAdmissionPolicy, printValidatingAdmissionPolicyBinding */

static const table_column webhook_columns[] = {
    {NAME_CELL},
    {COUNT_CELL("Webhooks", "integer", "Webhooks indicates the number of webhooks registered in this configuration", "webhooks")},
    {AGE_CELL},
};

const table_def table_webhookconfigurations = TABLE_OF(webhook_columns);

static const table_column policy_columns[] = {
    {NAME_CELL},
    {"Validations", "integer", "", "Validations indicates the number of validation rules defined in this configuration", 0},
    {"ParamKind", "string", "", "ParamKind specifies the kind of resources used to parameterize this policy", 0},
    {AGE_CELL},
};

/* The paramKind or paramRef column's text ("<unset>" when there is none). */
static void param_text(const cJSON *obj, int binding, kapi_buf *out)
{
    const cJSON *p = json_at(obj, binding ? "spec.paramRef" : "spec.paramKind");
    if (!cJSON_IsObject(p)) kapi_buf_puts(out, "<unset>");
    else if (!binding) kapi_buf_printf(out, "%s/%s", json_str(p, "apiVersion"), json_str(p, "kind"));
    else if (*json_str(p, "name"))
        kapi_buf_printf(out, "%s/%s", *json_str(p, "namespace") ? json_str(p, "namespace") : "*", json_str(p, "name"));
    else if (json_get(p, "selector")) format_label_selector(json_get(p, "selector"), out);
    else kapi_buf_puts(out, "<unset>");
}

/* printValidatingAdmissionPolicy and printValidatingAdmissionPolicyBinding:
 * name, the validations' count or the policy name, the parameter, age */
static void policy_or_binding_row(const cJSON *obj, cJSON *cells, time_t now, int binding)
{
    kapi_buf param;
    kapi_buf_init(&param);
    param_text(obj, binding, &param);
    cell_name(cells, obj);
    if (binding) cell_string(cells, tj_str_or(obj, "spec.policyName", ""));
    else cell_integer(cells, cJSON_GetArraySize(json_at(obj, "spec.validations")));
    cell_buf(cells, &param);
    cell_age(cells, obj, now);
}

static void policy_row(const cJSON *vap, cJSON *cells, time_t now)
{
    policy_or_binding_row(vap, cells, now, 0);
}

const table_def table_validatingadmissionpolicies = {policy_columns, 4, policy_row, NULL};

static const table_column binding_columns[] = {
    {NAME_CELL},
    {"PolicyName", "string", "", "PolicyName references a ValidatingAdmissionPolicy name which the ValidatingAdmissionPolicyBinding binds to. If the referenced resource does not exist, this binding is considered invalid and will be ignored Required.", 0},
    {"ParamRef", "string", "", "paramRef specifies the parameter resource used to configure the admission control policy. It should point to a resource of the type specified in ParamKind of the bound ValidatingAdmissionPolicy. If the policy specifies a ParamKind and the resource referred to by ParamRef does not exist, this binding is considered mis-configured and the FailurePolicy of the ValidatingAdmissionPolicy applied. If the policy does not specify a ParamKind then this field is ignored, and the rules are evaluated without a param.", 0},
    {AGE_CELL},
};

static void binding_row(const cJSON *b, cJSON *cells, time_t now)
{
    policy_or_binding_row(b, cells, now, 1);
}

const table_def table_validatingadmissionpolicybindings = {binding_columns, 4, binding_row, NULL};
