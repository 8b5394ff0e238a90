/* apps.c: the Deployment and ReplicaSet strategies (pkg/registry/apps/
 * deployment and replicaset, pkg/apis/apps/v1/defaults.go,
 * pkg/apis/apps/validation): defaults (replicas 1; for Deployments the
 * RollingUpdate strategy with maxSurge and maxUnavailable 25%,
 * revisionHistoryLimit 10, progressDeadlineSeconds 600), a selector that is
 * required, not empty, matches the template's labels and never changes, the
 * generation (bumped by spec changes, and for Deployments by annotation
 * changes too), the status subresource (which may also change annotations,
 * as the Deployment controller's revision bookkeeping needs) and the scale
 * subresource: an autoscaling/v1 Scale read from and written back to
 * spec.replicas, with GET, PUT and JSON, merge or strategic merge patch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/json.h"
#include "codec/jsonpath.h"
#include "codec/labels.h"
#include "codec/validate_meta.h"
#include "core/status.h"
#include "registry/kinds/pod.h"
#include "registry/rest_internal.h"
#include "registry/strategies.h"
#include "registry/kinds/workload.h"
#include "schema/decode.h"
#include "schema/field_validation.h"

#define PERCENT_MESSAGE "a valid percent string must be a numeric string followed by an ending '%' " \
    "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"

/* ---- small JSON helpers */

static int is_unset(const cJSON *parent, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(parent, key);
    return !v || cJSON_IsNull(v);
}

static void set_number(cJSON *parent, const char *key, double v)
{
    cJSON_DeleteItemFromObjectCaseSensitive(parent, key);
    cJSON_AddNumberToObject(parent, key, v);
}

/* Moves the listed keys, where present, to the front in this order (Go's
 * struct order); others keep their place after them. */
static void order_keys(cJSON *obj, const char *const *keys)
{
    if (!cJSON_IsObject(obj)) return;
    cJSON *rest = cJSON_CreateObject();
    while (obj->child) {
        cJSON *c = cJSON_DetachItemViaPointer(obj, obj->child);
        cJSON_AddItemToObject(rest, c->string, c);
    }
    for (int i = 0; keys[i]; i++) {
        cJSON *c = cJSON_DetachItemFromObjectCaseSensitive(rest, keys[i]);
        if (c) cJSON_AddItemToObject(obj, keys[i], c);
    }
    while (rest->child) {
        cJSON *c = cJSON_DetachItemViaPointer(rest, rest->child);
        cJSON_AddItemToObject(obj, c->string, c);
    }
    cJSON_Delete(rest);
}

static const char *const deployment_spec_order[] = {
    "replicas", "selector", "template", "strategy", "minReadySeconds", "revisionHistoryLimit",
    "paused", "progressDeadlineSeconds", NULL};
static const char *const deployment_status_order[] = {
    "observedGeneration", "replicas", "updatedReplicas", "readyReplicas", "availableReplicas",
    "unavailableReplicas", "terminatingReplicas", "conditions", "collisionCount", NULL};
static const char *const replicaset_spec_order[] = {
    "replicas", "minReadySeconds", "selector", "template", NULL};
static const char *const replicaset_status_order[] = {
    "replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas",
    "terminatingReplicas", "observedGeneration", "conditions", NULL};
static const char *const condition_order[] = {
    "type", "status", "lastUpdateTime", "lastTransitionTime", "reason", "message", NULL};
static const char *const top_order[] = {"kind", "apiVersion", "metadata", "spec", "status", NULL};

/* The object's members in kube's order: its own, its status's and its
 * conditions'. */
static void order_object(cJSON *obj, const char *const *status_order)
{
    order_keys(obj, top_order);
    cJSON *status = cJSON_GetObjectItemCaseSensitive(obj, "status");
    order_keys(status, status_order);
    cJSON *conds = cJSON_GetObjectItemCaseSensitive(status, "conditions"), *c;
    cJSON_ArrayForEach(c, conds) order_keys(c, condition_order);
}

/* ---- defaults (SetDefaults_Deployment, SetDefaults_ReplicaSet) */

static void deployment_set_defaults(cJSON *obj)
{
    cJSON *spec = json_object_member(obj, "spec");
    if (is_unset(spec, "replicas")) set_number(spec, "replicas", 1);
    cJSON *strategy = json_object_member(spec, "strategy");
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(strategy, "type");
    if (!cJSON_IsString(type) || !type->valuestring[0]) obj_set_string(strategy, "type", "RollingUpdate");
    type = cJSON_GetObjectItemCaseSensitive(strategy, "type");
    if (!strcmp(type->valuestring, "RollingUpdate")) {
        cJSON *ru = json_object_member(strategy, "rollingUpdate");
        if (is_unset(ru, "maxUnavailable")) obj_set_string(ru, "maxUnavailable", "25%");
        if (is_unset(ru, "maxSurge")) obj_set_string(ru, "maxSurge", "25%");
        static const char *const ru_order[] = {"maxUnavailable", "maxSurge", NULL};
        order_keys(ru, ru_order);
    }
    static const char *const strategy_order[] = {"type", "rollingUpdate", NULL};
    order_keys(strategy, strategy_order);
    if (is_unset(spec, "revisionHistoryLimit")) set_number(spec, "revisionHistoryLimit", 10);
    if (is_unset(spec, "progressDeadlineSeconds")) set_number(spec, "progressDeadlineSeconds", 600);
    pod_template_set_defaults(json_object_member(spec, "template"));
    order_keys(spec, deployment_spec_order);
    order_object(obj, deployment_status_order);
}

static void replicaset_set_defaults(cJSON *obj)
{
    cJSON *spec = json_object_member(obj, "spec");
    if (is_unset(spec, "replicas")) set_number(spec, "replicas", 1);
    pod_template_set_defaults(json_object_member(spec, "template"));
    order_keys(spec, replicaset_spec_order);
    order_object(obj, replicaset_status_order);
}

/* ---- create and update (PrepareForCreate, PrepareForUpdate) */

static void clear_status(cJSON *obj)
{
    cJSON_DeleteItemFromObjectCaseSensitive(obj, "status");
    cJSON_AddObjectToObject(obj, "status");
}

/* Annotations are copied from a Deployment to its ReplicaSets, so changing
 * them bumps the generation too (once, with a spec change or without). */
static void deployment_prepare_for_update(cJSON *obj, const cJSON *old)
{
    cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    const cJSON *old_meta = cJSON_GetObjectItemCaseSensitive(old, "metadata");
    if (json_semantic_equal(cJSON_GetObjectItemCaseSensitive(meta, "annotations"),
                            cJSON_GetObjectItemCaseSensitive(old_meta, "annotations")))
        return;
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(meta, "generation");
    const cJSON *og = cJSON_GetObjectItemCaseSensitive(old_meta, "generation");
    double old_gen = cJSON_IsNumber(og) ? og->valuedouble : 0;
    if (!cJSON_IsNumber(g) || g->valuedouble <= old_gen) set_number(meta, "generation", old_gen + 1);
    obj_canonicalize_order(obj);
}

/* The status strategies: spec (and for Deployments the labels) stay as
 * stored; status and the rest of metadata (annotations) may change. */
static void keep_member(cJSON *obj, const cJSON *old, const char *key)
{
    cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
    const cJSON *ov = cJSON_GetObjectItemCaseSensitive(old, key);
    if (ov) cJSON_AddItemToObject(obj, key, cJSON_Duplicate(ov, 1));
}

static void deployment_prepare_for_status_update(cJSON *obj, const cJSON *old)
{
    keep_member(obj, old, "spec");
    keep_member(cJSON_GetObjectItemCaseSensitive(obj, "metadata"),
                cJSON_GetObjectItemCaseSensitive(old, "metadata"), "labels");
    order_object(obj, deployment_status_order);
}

static void replicaset_prepare_for_status_update(cJSON *obj, const cJSON *old)
{
    keep_member(obj, old, "spec");
    order_object(obj, replicaset_status_order);
}

/* ---- validation (ValidateDeploymentSpec, ValidateReplicaSetSpec) */

static void nonnegative(const cJSON *parent, const char *key, const char *field, field_errors *errs)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(parent, key);
    if (cJSON_IsNumber(v) && v->valuedouble < 0)
        field_error_add(errs, FIELD_INVALID, field, v, "must be greater than or equal to 0");
}

static cJSON *raw_value(kapi_buf *b)
{
    cJSON *raw = cJSON_CreateRaw(b->data ? b->data : "");
    kapi_buf_free(b);
    return raw;
}

/* selector required and not empty; the template's labels match it. */
static void validate_selector_and_template(const cJSON *spec, const char *what, field_errors *errs)
{
    const cJSON *sel = cJSON_GetObjectItemCaseSensitive(spec, "selector");
    const cJSON *template = cJSON_GetObjectItemCaseSensitive(spec, "template");
    const cJSON *tmeta = cJSON_GetObjectItemCaseSensitive(template, "metadata");
    const cJSON *tlabels = cJSON_GetObjectItemCaseSensitive(tmeta, "labels");
    int selector_ok = 0;
    if (!cJSON_IsObject(sel)) {
        field_error_add(errs, FIELD_REQUIRED, "spec.selector", NULL, NULL);
    } else {
        label_selector_validate(sel, "spec.selector", errs);
        if (label_selector_is_empty(sel)) {
            kapi_buf b;
            kapi_buf_init(&b);
            label_selector_go_syntax(sel, &b);
            cJSON *raw = raw_value(&b);
            char detail[64];
            snprintf(detail, sizeof detail, "empty selector is invalid for %s", what);
            field_error_add(errs, FIELD_INVALID, "spec.selector", raw, detail);
            cJSON_Delete(raw);
        } else {
            kapi_buf text;
            kapi_buf_init(&text);
            if (label_selector_string(sel, &text) < 0) {
                kapi_buf b;
                kapi_buf_init(&b);
                label_selector_go_syntax(sel, &b);
                cJSON *raw = raw_value(&b);
                field_error_add(errs, FIELD_INVALID, "spec.selector", raw, "invalid label selector");
                cJSON_Delete(raw);
            } else {
                selector_ok = 1;
            }
            kapi_buf_free(&text);
        }
    }
    if (template && !cJSON_IsObject(template)) {
        field_error_add(errs, FIELD_REQUIRED, "spec.template", NULL, NULL);
        return;
    }
    if (selector_ok && !label_selector_matches_labels(sel, tlabels)) {
        kapi_buf b;
        kapi_buf_init(&b);
        label_map_go_syntax(tlabels, &b);
        cJSON *raw = raw_value(&b);
        field_error_add(errs, FIELD_INVALID, "spec.template.metadata.labels", raw,
                        "`selector` does not match template `labels`");
        cJSON_Delete(raw);
    }
    /* ValidatePodTemplateSpec: kube's paths for these skip "metadata" */
    validate_labels(tlabels, "spec.template.labels", errs);
    validate_annotations(cJSON_GetObjectItemCaseSensitive(tmeta, "annotations"), "spec.template.annotations", errs);
    pod_template_validate_spec(template, "spec.template", errs);
    const cJSON *pspec = cJSON_GetObjectItemCaseSensitive(template, "spec");
    if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(pspec, "ephemeralContainers")) > 0)
        field_error_add(errs, FIELD_FORBIDDEN, "spec.template.spec.ephemeralContainers", NULL,
                        "ephemeral containers not allowed in pod template");
    const char *rp = obj_string(pspec, "restartPolicy");
    if (rp && strcmp(rp, "Always")) {
        static const char *const always[] = {"Always", NULL};
        field_error_not_supported(errs, "spec.template.spec.restartPolicy", rp, always);
    }
    if (!is_unset(pspec, "activeDeadlineSeconds")) {
        field_error_add(errs, FIELD_FORBIDDEN, "spec.template.spec.activeDeadlineSeconds", NULL,
                        "activeDeadlineSeconds in ReplicaSet is not Supported");
    }
}

/* Go's %#v of an intstr.IntOrString. */
static cJSON *intstr_go_syntax(const cJSON *v)
{
    char buf[320];
    if (cJSON_IsString(v))
        snprintf(buf, sizeof buf, "intstr.IntOrString{Type:1, IntVal:0, StrVal:\"%.256s\"}", v->valuestring);
    else
        snprintf(buf, sizeof buf, "intstr.IntOrString{Type:0, IntVal:%d, StrVal:\"\"}",
                 cJSON_IsNumber(v) ? (int)v->valuedouble : 0);
    return cJSON_CreateRaw(buf);
}

static int is_valid_percent(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || s[n - 1] != '%') return 0;
    for (size_t i = 0; i + 1 < n; i++) if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

/* getIntOrPercentValue; *percent says whether it was a percentage. */
static int intstr_value(const cJSON *v, int *percent)
{
    *percent = 0;
    if (cJSON_IsNumber(v)) return (int)v->valuedouble;
    if (cJSON_IsString(v) && is_valid_percent(v->valuestring)) { *percent = 1; return atoi(v->valuestring); }
    return 0;
}

static void validate_int_or_percent(const cJSON *v, const char *field, field_errors *errs)
{
    if (cJSON_IsString(v)) {
        if (!is_valid_percent(v->valuestring)) {
            cJSON *raw = intstr_go_syntax(v);
            field_error_add(errs, FIELD_INVALID, field, raw, PERCENT_MESSAGE);
            cJSON_Delete(raw);
        }
    } else if (cJSON_IsNumber(v)) {
        if (v->valuedouble < 0) field_error_add(errs, FIELD_INVALID, field, v, "must be greater than or equal to 0");
    } else if (v && !cJSON_IsNull(v)) {
        cJSON *raw = intstr_go_syntax(v);
        field_error_add(errs, FIELD_INVALID, field, raw, "must be an integer or percentage (e.g '5%%')");
        cJSON_Delete(raw);
    }
}

static void validate_deployment_strategy(const cJSON *spec, field_errors *errs)
{
    const cJSON *strategy = cJSON_GetObjectItemCaseSensitive(spec, "strategy");
    const char *type = obj_string(strategy, "type");
    const cJSON *ru = cJSON_GetObjectItemCaseSensitive(strategy, "rollingUpdate");
    if (type && !strcmp(type, "Recreate")) {
        if (ru && !cJSON_IsNull(ru))
            field_error_add(errs, FIELD_FORBIDDEN, "spec.strategy.rollingUpdate", NULL,
                            "may not be specified when strategy `type` is 'Recreate'");
    } else if (type && !strcmp(type, "RollingUpdate")) {
        if (!cJSON_IsObject(ru)) {
            field_error_add(errs, FIELD_REQUIRED, "spec.strategy.rollingUpdate", NULL,
                            "this should be defaulted and never be nil");
            return;
        }
        const cJSON *mu = cJSON_GetObjectItemCaseSensitive(ru, "maxUnavailable");
        const cJSON *ms = cJSON_GetObjectItemCaseSensitive(ru, "maxSurge");
        validate_int_or_percent(mu, "spec.strategy.rollingUpdate.maxUnavailable", errs);
        validate_int_or_percent(ms, "spec.strategy.rollingUpdate.maxSurge", errs);
        int p1, p2;
        if (intstr_value(mu, &p1) == 0 && intstr_value(ms, &p2) == 0) {
            cJSON *raw = intstr_go_syntax(mu);
            field_error_add(errs, FIELD_INVALID, "spec.strategy.rollingUpdate.maxUnavailable", raw,
                            "may not be 0 when `maxSurge` is 0");
            cJSON_Delete(raw);
        }
        if (intstr_value(mu, &p1) > 100 && p1) {
            cJSON *raw = intstr_go_syntax(mu);
            field_error_add(errs, FIELD_INVALID, "spec.strategy.rollingUpdate.maxUnavailable", raw,
                            "must not be greater than 100%");
            cJSON_Delete(raw);
        }
    } else {
        static const char *const types[] = {"Recreate", "RollingUpdate", NULL};
        field_error_not_supported(errs, "spec.strategy", type ? type : "", types);
    }
}

static void validate_deployment(const cJSON *obj, field_errors *errs)
{
    const cJSON *spec = cJSON_GetObjectItemCaseSensitive(obj, "spec");
    nonnegative(spec, "replicas", "spec.replicas", errs);
    validate_selector_and_template(spec, "deployment", errs);
    validate_deployment_strategy(spec, errs);
    nonnegative(spec, "minReadySeconds", "spec.minReadySeconds", errs);
    nonnegative(spec, "revisionHistoryLimit", "spec.revisionHistoryLimit", errs);
    const cJSON *pds = cJSON_GetObjectItemCaseSensitive(spec, "progressDeadlineSeconds");
    if (cJSON_IsNumber(pds)) {
        nonnegative(spec, "progressDeadlineSeconds", "spec.progressDeadlineSeconds", errs);
        const cJSON *mrs = cJSON_GetObjectItemCaseSensitive(spec, "minReadySeconds");
        double min_ready = cJSON_IsNumber(mrs) ? mrs->valuedouble : 0;
        if (pds->valuedouble <= min_ready)
            field_error_add(errs, FIELD_INVALID, "spec.progressDeadlineSeconds", pds,
                            "must be greater than minReadySeconds");
    }
}

static void validate_replicaset(const cJSON *obj, field_errors *errs)
{
    const cJSON *spec = cJSON_GetObjectItemCaseSensitive(obj, "spec");
    nonnegative(spec, "replicas", "spec.replicas", errs);
    nonnegative(spec, "minReadySeconds", "spec.minReadySeconds", errs);
    /* kube's ReplicaSet validation says "for deployment" too */
    validate_selector_and_template(spec, "deployment", errs);
}

/* In apps/v1 the selector never changes. */
static void validate_selector_immutable_v1(const cJSON *obj, const cJSON *old, field_errors *errs)
{
    validate_selector_unchanged(obj, old, 0, "null", errs);
}

/* ---- the scale subresource (autoscaling/v1 Scale) */

static double spec_replicas(const cJSON *obj)
{
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(obj, "spec"), "replicas");
    return cJSON_IsNumber(r) ? r->valuedouble : 1;
}

/* scaleFromDeployment / scaleFromReplicaSet. Caller frees. */
static cJSON *scale_of(const cJSON *obj, const char *rv)
{
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(obj, "status"), "replicas");
    cJSON *scale = rest_scale_new(obj, rv, obj_string, spec_replicas(obj), cJSON_IsNumber(st) ? st->valuedouble : 0);
    cJSON *status = cJSON_GetObjectItemCaseSensitive(scale, "status");
    kapi_buf sel;
    kapi_buf_init(&sel);
    const cJSON *selector = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(obj, "spec"), "selector");
    if (label_selector_string(selector, &sel) == 0 && sel.len)
        cJSON_AddStringToObject(status, "selector", sel.data);
    kapi_buf_free(&sel);
    return scale;
}

/* The answer to a write of the scale: the parent's answer as a Scale. */
static rest_result scale_answer(rest_call *c, rest_result parent)
{
    if (parent.answer != REST_OBJECT) return parent;   /* a failure, passed on */
    const char *rv = obj_string(cJSON_GetObjectItemCaseSensitive(parent.body, "metadata"), "resourceVersion");
    cJSON *scale = kapi_pool_keep_json(c->req->pool, scale_of(parent.body, rv));
    return rest_object(c, 200, scale, NULL);
}

/* The parent a write of the scale asks for on one try (a
 * rest_updated_object_fn): the current parent with spec.replicas from the
 * requested Scale (kube's scaleUpdatedObjectInfo); the Scale's
 * resourceVersion, when it names one, is the precondition. */
static cJSON *scaled_parent(rest_call *c, const char *name, cJSON *old, int64_t rev, void *arg,
                            int64_t *expected, rest_result *fail)
{
    (void)arg;
    const char *rv = kapi_psprintf(c->req->pool, "%lld", (long long)rev);
    cJSON *current = kapi_pool_keep_json(c->req->pool, scale_of(old, rv));
    cJSON *scale = rest_requested_scale(c, current, 1, fail);
    if (!scale) return NULL;
    cJSON *smeta = cJSON_GetObjectItemCaseSensitive(scale, "metadata");
    const cJSON *replicas = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(scale, "spec"), "replicas");
    field_errors *errs = kapi_palloc(c->req->pool, sizeof *errs);
    if (replicas && !cJSON_IsNumber(replicas)) {
        *fail = rest_bad_request(c, "Scale in version \"v1\" cannot be handled as a Scale: json: cannot unmarshal "
                                    "value into Go struct field ScaleSpec.spec.replicas of type int32");
        return NULL;
    }
    if (cJSON_IsNumber(replicas) && replicas->valuedouble < 0)
        field_error_add(errs, FIELD_INVALID, "spec.replicas", replicas, "must be greater than or equal to 0");
    if (errs->n) {
        *fail = rest_status(c, field_errors_status(errs, "autoscaling", "Scale", name), 0);
        return NULL;
    }
    const char *suid = obj_string(smeta, "uid");
    const char *ouid = obj_string(cJSON_GetObjectItemCaseSensitive(old, "metadata"), "uid");
    if (suid && *suid && (!ouid || strcmp(suid, ouid))) {
        char why[300];
        snprintf(why, sizeof why, "Precondition failed: UID in precondition: %s, UID in object meta: %s",
                 suid, ouid ? ouid : "");
        *fail = rest_conflict(c, name, why);
        return NULL;
    }
    *expected = rest_parse_rv(obj_string(smeta, "resourceVersion"));
    if (*expected < 0) *expected = 0;
    /* the parent with spec.replicas from the Scale, through the update path */
    cJSON *obj = kapi_pool_keep_json(c->req->pool, cJSON_Duplicate(old, 1));
    cJSON *spec = json_object_member(obj, "spec");
    set_number(spec, "replicas", cJSON_IsNumber(replicas) ? replicas->valuedouble : 0);
    order_keys(spec, !strcmp(c->r->kind, "Deployment") ? deployment_spec_order : replicaset_spec_order);
    return obj;
}

/* GET, PUT and PATCH of deployments/scale and replicasets/scale: the Scale
 * is read from the parent, and a write goes through the parent's update
 * path (with its retry of a lost compare-and-swap). */
static rest_result serve_scale(rest_call *c, const char *name)
{
    const char *verb = c->info->verb;
    if (strcmp(verb, "get") && strcmp(verb, "update") && strcmp(verb, "patch"))
        return rest_method_not_allowed(c);
    if (strcmp(verb, "get")) return scale_answer(c, rest_guaranteed_update(c, name, 0, scaled_parent, NULL));
    rest_result fail;
    int64_t rev = 0;
    cJSON *old = rest_load_current(c, name, &rev, &fail);
    if (!old) return fail;
    const char *rv = kapi_psprintf(c->req->pool, "%lld", (long long)rev);
    return rest_object(c, 200, kapi_pool_keep_json(c->req->pool, scale_of(old, rv)), rv);
}

rest_result apps_serve_subresource(rest_call *c, const char *subresource, const char *name)
{
    if (!strcmp(subresource, "scale")) return serve_scale(c, name);
    return rest_not_found_path(c);
}

const kapi_strategy strategy_deployments = {
    .names = NAME_DNS1123_SUBDOMAIN, .has_status = 1, .has_generation = 1,
    .set_defaults = deployment_set_defaults, .prepare_for_create = clear_status, .prepare_for_update = deployment_prepare_for_update,
    .validate = validate_deployment, .validate_update = validate_selector_immutable_v1,
    .serve_subresource = apps_serve_subresource, .prepare_for_status_update = deployment_prepare_for_status_update,
};

const kapi_strategy strategy_replicasets = {
    .names = NAME_DNS1123_SUBDOMAIN, .has_status = 1, .has_generation = 1,
    .set_defaults = replicaset_set_defaults, .prepare_for_create = clear_status,
    .validate = validate_replicaset, .validate_update = validate_selector_immutable_v1,
    .serve_subresource = apps_serve_subresource, .prepare_for_status_update = replicaset_prepare_for_status_update,
};
