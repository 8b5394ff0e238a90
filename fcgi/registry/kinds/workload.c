/* workload.c: helpers the breadth kinds' strategies share (see workload.h),
 * with kube's messages (pkg/apis/apps/validation, pkg/apis/batch/validation,
 * apimachinery's ValidateImmutableField). */
#include <stdio.h>
#include <string.h>
#include "codec/json.h"
#include "codec/jsonpath.h"
#include "codec/labels.h"
#include "codec/validate_meta.h"
#include "registry/kinds/pod.h"
#include "registry/kinds/workload.h"
#include "schema/schema.h"
#include "schema/schema_normalize.h"

static int unset(const cJSON *parent, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(parent, key);
    return !v || cJSON_IsNull(v);
}

void default_number(cJSON *parent, const char *key, double v)
{
    if (!cJSON_IsObject(parent) || !unset(parent, key)) return;
    cJSON_DeleteItemFromObjectCaseSensitive(parent, key);
    cJSON_AddNumberToObject(parent, key, v);
}

void default_string(cJSON *parent, const char *key, const char *v)
{
    if (!cJSON_IsObject(parent)) return;
    const cJSON *cur = cJSON_GetObjectItemCaseSensitive(parent, key);
    if (cJSON_IsString(cur) && cur->valuestring[0]) return;
    cJSON_DeleteItemFromObjectCaseSensitive(parent, key);
    cJSON_AddStringToObject(parent, key, v);
}

void default_bool(cJSON *parent, const char *key, int v)
{
    if (!cJSON_IsObject(parent) || !unset(parent, key)) return;
    cJSON_DeleteItemFromObjectCaseSensitive(parent, key);
    cJSON_AddBoolToObject(parent, key, v);
}

static cJSON *raw_of(kapi_buf *b)
{
    cJSON *raw = cJSON_CreateRaw(b->data ? b->data : "");
    kapi_buf_free(b);
    return raw;
}

void validate_workload_template(const cJSON *template, const char *path,
                                const char *const *restart_policies, field_errors *errs)
{
    char field[200];
    if (!cJSON_IsObject(template)) {
        field_error_add(errs, FIELD_REQUIRED, path, NULL, NULL);
        return;
    }
    const cJSON *tmeta = cJSON_GetObjectItemCaseSensitive(template, "metadata");
    /* ValidatePodTemplateSpec: kube's paths for these skip "metadata" */
    snprintf(field, sizeof field, "%s.labels", path);
    validate_labels(cJSON_GetObjectItemCaseSensitive(tmeta, "labels"), field, errs);
    snprintf(field, sizeof field, "%s.annotations", path);
    validate_annotations(cJSON_GetObjectItemCaseSensitive(tmeta, "annotations"), field, errs);
    pod_template_validate_spec(template, path, errs);
    const cJSON *pspec = cJSON_GetObjectItemCaseSensitive(template, "spec");
    if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(pspec, "ephemeralContainers")) > 0) {
        snprintf(field, sizeof field, "%s.spec.ephemeralContainers", path);
        field_error_add(errs, FIELD_FORBIDDEN, field, NULL, "ephemeral containers not allowed in pod template");
    }
    const char *rp = json_str(pspec, "restartPolicy");
    int ok = 0;
    for (int i = 0; restart_policies[i]; i++) ok |= !strcmp(rp, restart_policies[i]);
    if (!ok && *rp) {
        snprintf(field, sizeof field, "%s.spec.restartPolicy", path);
        field_error_not_supported(errs, field, rp, restart_policies);
    }
}

void validate_workload_selector_and_template(const cJSON *spec, const char *prefix, const char *what,
                                             const char *const *restart_policies, field_errors *errs)
{
    char field[200], tpath[200];
    const cJSON *sel = cJSON_GetObjectItemCaseSensitive(spec, "selector");
    const cJSON *template = cJSON_GetObjectItemCaseSensitive(spec, "template");
    const cJSON *tlabels = json_at(template, "metadata.labels");
    snprintf(field, sizeof field, "%s.selector", prefix);
    int selector_ok = 0;
    if (!cJSON_IsObject(sel)) {
        field_error_add(errs, FIELD_REQUIRED, field, NULL, NULL);
    } else {
        label_selector_validate(sel, field, errs);
        kapi_buf b;
        kapi_buf_init(&b);
        if (label_selector_is_empty(sel)) {
            label_selector_go_syntax(sel, &b);
            cJSON *raw = raw_of(&b);
            char detail[64];
            snprintf(detail, sizeof detail, "empty selector is invalid for %s", what);
            field_error_add(errs, FIELD_INVALID, field, raw, detail);
            cJSON_Delete(raw);
        } else if (label_selector_string(sel, &b) < 0) {
            kapi_buf_free(&b);
            label_selector_go_syntax(sel, &b);
            cJSON *raw = raw_of(&b);
            field_error_add(errs, FIELD_INVALID, field, raw, "invalid label selector");
            cJSON_Delete(raw);
        } else {
            kapi_buf_free(&b);
            selector_ok = 1;
        }
    }
    snprintf(tpath, sizeof tpath, "%s.template", prefix);
    if (selector_ok && cJSON_IsObject(template) && !label_selector_matches_labels(sel, tlabels)) {
        kapi_buf b;
        kapi_buf_init(&b);
        label_map_go_syntax(tlabels, &b);
        cJSON *raw = raw_of(&b);
        snprintf(field, sizeof field, "%s.template.metadata.labels", prefix);
        field_error_add(errs, FIELD_INVALID, field, raw, "`selector` does not match template `labels`");
        cJSON_Delete(raw);
    }
    validate_workload_template(template, tpath, restart_policies, errs);
}

void validate_immutable(const cJSON *obj, const cJSON *old, const char *path, field_errors *errs)
{
    const cJSON *now = json_at(obj, path), *was = json_at(old, path);
    if (!now && !was) return;
    if (now && was && json_semantic_equal(now, was)) return;
    field_error_add(errs, FIELD_INVALID, path, now, "field is immutable");
}

void validate_selector_unchanged(const cJSON *obj, const cJSON *old, int presence_counts,
                                 const char *nil_value, field_errors *errs)
{
    const cJSON *sel = json_at(obj, "spec.selector"), *osel = json_at(old, "spec.selector");
    if (!(presence_counts && !sel != !osel) && json_semantic_equal(sel, osel)) return;
    kapi_buf b;
    kapi_buf_init(&b);
    if (cJSON_IsObject(sel)) label_selector_go_syntax(sel, &b);
    else kapi_buf_puts(&b, nil_value);
    cJSON *raw = raw_of(&b);
    field_error_add(errs, FIELD_INVALID, "spec.selector", raw, "field is immutable");
    cJSON_Delete(raw);
}

void validate_selector_immutable(const cJSON *obj, const cJSON *old, field_errors *errs)
{
    validate_selector_unchanged(obj, old, 1, "(*v1.LabelSelector)(nil)", errs);
}

int spec_equal_except(const cJSON *obj, const cJSON *old, const char *const *mutable_fields)
{
    cJSON *a = cJSON_Duplicate(json_get(obj, "spec"), 1), *b = cJSON_Duplicate(json_get(old, "spec"), 1);
    for (int i = 0; mutable_fields[i]; i++) {
        cJSON_DeleteItemFromObjectCaseSensitive(a, mutable_fields[i]);
        cJSON_DeleteItemFromObjectCaseSensitive(b, mutable_fields[i]);
    }
    int same = json_semantic_equal(a, b);
    cJSON_Delete(a);
    cJSON_Delete(b);
    return same;
}

void validate_nonnegative(const cJSON *parent, const char *key, const char *field, field_errors *errs)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(parent, key);
    if (cJSON_IsNumber(v) && v->valuedouble < 0)
        field_error_add(errs, FIELD_INVALID, field, v, "must be greater than or equal to 0");
}

void workload_normalize(cJSON *obj)
{
    const char *api = json_str(obj, "apiVersion"), *kind = json_str(obj, "kind");
    const char *slash = strchr(api, '/');
    char group[128] = "";
    if (slash) snprintf(group, sizeof group, "%.*s", (int)(slash - api), api);
    workload_normalize_as(obj, group, slash ? slash + 1 : api, kind);
}

void workload_normalize_as(cJSON *obj, const char *group, const char *version, const char *kind)
{
    const schema_type *t = schema_kind(group, version, kind);
    if (!t) return;
    static const char *const parts[] = {"spec", "status"};
    for (int i = 0; i < 2; i++) {
        const schema_field *f = schema_field_named(t, parts[i]);
        if (!f || !f->value.type) continue;
        cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, parts[i]);
        if (!cJSON_IsObject(v)) {
            cJSON_DeleteItemFromObjectCaseSensitive(obj, parts[i]);
            v = cJSON_AddObjectToObject(obj, parts[i]);
        }
        schema_normalize(f->value.type, v);
    }
}

void workload_clear_status(cJSON *obj)
{
    cJSON_DeleteItemFromObjectCaseSensitive(obj, "status");
    workload_normalize(obj);
}

void workload_keep_spec(cJSON *obj, const cJSON *old)
{
    cJSON_DeleteItemFromObjectCaseSensitive(obj, "spec");
    const cJSON *ov = cJSON_GetObjectItemCaseSensitive(old, "spec");
    if (ov) cJSON_AddItemToObject(obj, "spec", cJSON_Duplicate(ov, 1));
}

void validate_required_string(const cJSON *parent, const char *key, const char *field, const char *detail,
                              field_errors *errs)
{
    const char *v = json_str(parent, key);
    if (!*v) field_error_add(errs, FIELD_REQUIRED, field, NULL, detail);
}

int value_supported(const char *v, const char *const *supported)
{
    for (int i = 0; supported[i]; i++)
        if (!strcmp(v, supported[i])) return 1;
    return 0;
}

void validate_each_supported(const cJSON *list, const char *field, const char *const *supported, field_errors *errs)
{
    const cJSON *m;
    int i = 0;
    char path[160];
    cJSON_ArrayForEach(m, list) {
        const char *v = cJSON_IsString(m) ? m->valuestring : "";
        snprintf(path, sizeof path, "%s[%d]", field, i++);
        if (!value_supported(v, supported)) field_error_not_supported(errs, path, v, supported);
    }
}
