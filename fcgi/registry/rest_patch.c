/* rest_patch.c: the one patch machinery of the REST verbs, as kube-apiserver's
 * PATCH handler applies a patch (staging/src/k8s.io/apiserver/pkg/endpoints/
 * handlers/patch.go): the Content-Type names the patch type (JSON patch,
 * merge patch, strategic merge patch), the body is decoded as that type and
 * applied to the current object; an apply patch (server-side apply,
 * registry/managed_fields.c) is merged by the field manager. A kind and its
 * subresources share it: a
 * PATCH of pods/status patches the Pod, one of deployments/scale the
 * autoscaling/v1 Scale (a built-in type, so strategic merge patch works on
 * it, as in kube). */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include "codec/codec.h"
#include "codec/json.h"
#include "codec/jsonpatch.h"
#include "codec/fielderr.h"
#include "codec/jsonpath.h"
#include "codec/yaml.h"
#include "registry/managed_fields.h"
#include "core/status.h"
#include "registry/rest_internal.h"
#include "schema/decode.h"
#include "schema/field_validation.h"
#include "schema/schema.h"
#include "schema/fieldset.h"
#include "schema/smpatch.h"

static patch_type patch_type_of(const char *media_type)
{
    if (!strcmp(media_type, "application/json-patch+json")) return PATCH_JSON;
    if (!strcmp(media_type, "application/merge-patch+json")) return PATCH_MERGE;
    if (!strcmp(media_type, "application/strategic-merge-patch+json")) return PATCH_STRATEGIC;
    /* application/apply-patch+cbor is kube 1.32's only behind the CBOR
     * feature gate, which is off: 415 as any other type */
    if (!strcmp(media_type, "application/apply-patch+yaml")) return PATCH_APPLY;
    return PATCH_UNSUPPORTED;
}

/* A merge or strategic merge patch's body: a JSON object (or null). NULL
 * with kube's 400 in *fail. */
static cJSON *decode_merge_patch(rest_call *c, rest_result *fail)
{
    char err[512];
    cJSON *patch = json_parse_strict(c->req->body ? c->req->body : "", c->req->body_len, err, sizeof err);
    if (!patch) {
        char msg[800];
        snprintf(msg, sizeof msg, "error decoding patch: %s", err);
        *fail = rest_bad_request(c, msg);
        return NULL;
    }
    kapi_pool_keep_json(c->req->pool, patch);
    if (!cJSON_IsObject(patch) && !cJSON_IsNull(patch)) {
        /* kube decodes a merge patch into map[string]interface{} first */
        char msg[300];
        snprintf(msg, sizeof msg, "error decoding patch: json: cannot unmarshal %s into Go value of type map[string]interface {}",
                 cJSON_IsArray(patch) ? "array" : cJSON_IsString(patch) ? "string" : cJSON_IsNumber(patch) ? "number" : "bool");
        *fail = rest_bad_request(c, msg);
        return NULL;
    }
    return patch;
}

/* PatchOptions as kube validates them (ValidatePatchOptions): force only
 * for apply, a fieldManager required for it. 0, or -1 with the 422. */
static int check_patch_options(rest_call *c, request_patch *p, rest_result *fail)
{
    const char *force = query_get(c->req, "force");
    const char *manager = query_get(c->req, "fieldManager");
    field_errors errs;
    memset(&errs, 0, sizeof errs);
    if (p->type != PATCH_APPLY) {
        if (force) field_error_add_str(&errs, FIELD_FORBIDDEN, "force", NULL, "may not be specified for non-apply patch");
    } else if (!manager || !*manager) {
        field_error_add_str(&errs, FIELD_REQUIRED, "fieldManager", NULL, "is required for apply patch");
    }
    if (!errs.n) {
        p->manager = manager;
        p->force = force && !strcmp(force, "true");
        return 0;
    }
    *fail = rest_status(c, field_errors_status(&errs, "meta.k8s.io", "PatchOptions", ""), 0);
    return -1;
}

/* An apply patch's body: YAML (JSON is YAML) holding an object of the
 * URL's version (kube's applyPatcher and structuredmerge's version check). */
static cJSON *decode_apply_patch(rest_call *c, rest_result *fail)
{
    char err[512];
    cJSON *doc = yaml_parse(c->req->body ? c->req->body : "", c->req->body_len, err, sizeof err);
    char msg[800];
    if (!doc) {
        snprintf(msg, sizeof msg, "error decoding YAML: %s", err);
        *fail = rest_bad_request(c, msg);
        return NULL;
    }
    kapi_pool_keep_json(c->req->pool, doc);
    if (!cJSON_IsObject(doc)) {
        snprintf(msg, sizeof msg, "error decoding YAML: json: cannot unmarshal %s into Go value of type map[string]interface {}",
                 cJSON_IsArray(doc) ? "array" : cJSON_IsString(doc) ? "string" : cJSON_IsNumber(doc) ? "number" : "bool");
        *fail = rest_bad_request(c, msg);
        return NULL;
    }
    const char *av = obj_string(doc, "apiVersion");
    const char *want = !strcmp(c->info->subresource, "scale") ? "autoscaling/v1"
                       : c->r->group[0] ? kapi_psprintf(c->req->pool, "%s/%s", c->r->group, c->r->version)
                                        : c->r->version;
    if (!av || strcmp(av, want)) {
        snprintf(msg, sizeof msg, "Incorrect version specified in apply patch. Specified patch version: %.200s, expected: %s",
                 av ? av : "", want);
        *fail = rest_bad_request(c, msg);
        return NULL;
    }
    return doc;
}

int rest_read_patch(rest_call *c, request_patch *p, rest_result *fail)
{
    p->doc = NULL;
    p->manager = NULL;
    p->force = 0;
    p->type = patch_type_of(request_media_type(c->req));
    if (p->type == PATCH_STRATEGIC && (c->r->flags & KIND_IS_CUSTOM)) {
        /* kube's patch handler for custom resources offers no strategic
         * merge patch (no Go struct, no patch strategies) */
        *fail = rest_error(c, KAPI_UNSUPPORTED_MEDIA,
            "the body of the request was in an unknown format - accepted media types include: "
            "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
        return -1;
    }
    if (p->type == PATCH_UNSUPPORTED) {
        *fail = rest_error(c, KAPI_UNSUPPORTED_MEDIA,
            (c->r->flags & KIND_IS_CUSTOM)
                ? "the body of the request was in an unknown format - accepted media types include: "
                  "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"
                : "the body of the request was in an unknown format - accepted media types include: "
                  "application/json-patch+json, application/merge-patch+json, "
                  "application/strategic-merge-patch+json, application/apply-patch+yaml");
        return -1;
    }
    if (check_patch_options(c, p, fail)) return -1;
    if (p->type == PATCH_APPLY) {
        p->doc = decode_apply_patch(c, fail);
        return p->doc ? 0 : -1;
    }
    if (p->type == PATCH_JSON) return 0;   /* read as it is applied */
    p->doc = decode_merge_patch(c, fail);
    return p->doc ? 0 : -1;
}

cJSON *rest_apply_patch(rest_call *c, const request_patch *p, const cJSON *current, const char *group,
                        const char *version, const char *kind, rest_result *fail)
{
    char err[512];
    kapi_rc prc = KAPI_INTERNAL;
    cJSON *obj = NULL;
    if (p->type == PATCH_JSON) {
        obj = json_patch_apply(current, c->req->body ? c->req->body : "", c->req->body_len, &prc, err, sizeof err);
    } else if (p->type == PATCH_APPLY && strcmp(kind, c->r->kind)) {
        /* the scale subresource: the configuration merged into the Scale;
         * the parent's write records the manager (as an Update through
         * the subresource) */
        fieldset_schema sc = {.builtin = schema_load() == 0 ? schema_kind(group, version, kind) : NULL};
        obj = fieldset_merge(current, p->doc, &sc);
    } else if (p->type == PATCH_APPLY) {
        c->managed_done = 1;
        return managed_fields_apply(c, current, p->doc, p->manager, p->force, fail);
    } else if (p->type == PATCH_MERGE) {
        obj = json_merge_patch(cJSON_Duplicate(current, 1), p->doc);
    } else {
        assert(p->type == PATCH_STRATEGIC);
        const schema_type *t = schema_load() == 0 ? schema_kind(group, version, kind) : NULL;
        obj = strategic_merge_patch(current, p->doc, t, &prc, err, sizeof err);
    }
    if (!obj) {
        *fail = rest_status(c, status_new_details(prc, err, NULL, NULL, NULL), 0);
        return NULL;
    }
    kapi_pool_keep_json(c->req->pool, obj);
    if (!cJSON_IsObject(obj)) {
        *fail = rest_bad_request(c, "the patch does not produce an object");
        return NULL;
    }
    return obj;
}

cJSON *rest_apply_create(rest_call *c, const request_patch *p, rest_result *fail)
{
    c->managed_done = 1;
    return managed_fields_apply(c, NULL, p->doc, p->manager, p->force, fail);
}

cJSON *rest_requested_scale(rest_call *c, const cJSON *current, int strict, rest_result *fail)
{
    cJSON *st = NULL;
    if (!strcmp(c->info->verb, "update")) {
        cJSON *scale = decode_body(c->req, "Scale", &st);
        if (!scale) { *fail = rest_status(c, st, 0); return NULL; }
        const char *av = json_str_at(scale, "apiVersion", NULL);
        if (strict && av && *av && strcmp(av, "autoscaling/v1")) {
            char msg[300];
            snprintf(msg, sizeof msg, "the API version in the data (%.100s) does not match the expected API version (autoscaling/v1)", av);
            *fail = rest_bad_request(c, msg);
            return NULL;
        }
        if (field_validation_check_body(c->req, c->resp, "autoscaling", "v1", "Scale", FV_UPDATE, scale, &st)) {
            *fail = rest_status(c, st, 0);
            return NULL;
        }
        return scale;
    }
    request_patch patch;
    if (rest_read_patch(c, &patch, fail)) return NULL;
    cJSON *scale = rest_apply_patch(c, &patch, current, "autoscaling", "v1", "Scale", fail);
    if (strict && scale && field_validation_check_patch(c->req, c->resp, "autoscaling", "v1", "Scale", scale, &st)) {
        *fail = rest_status(c, st, 0);
        return NULL;
    }
    return scale;
}

cJSON *rest_scale_new(const cJSON *obj, const char *rv, const char *(*get)(const cJSON *, const char *),
                      double spec_replicas, double status_replicas)
{
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    cJSON *scale = cJSON_CreateObject();
    cJSON_AddStringToObject(scale, "kind", "Scale");
    cJSON_AddStringToObject(scale, "apiVersion", "autoscaling/v1");
    cJSON *m = cJSON_AddObjectToObject(scale, "metadata");
    const char *const keys[] = {"name", "namespace", "uid", "resourceVersion", "creationTimestamp", NULL};
    for (int i = 0; keys[i]; i++) {
        const char *v = !strcmp(keys[i], "resourceVersion") && rv ? rv : get(meta, keys[i]);
        if (v) cJSON_AddStringToObject(m, keys[i], v);
    }
    cJSON_AddNumberToObject(cJSON_AddObjectToObject(scale, "spec"), "replicas", spec_replicas);
    cJSON_AddNumberToObject(cJSON_AddObjectToObject(scale, "status"), "replicas", status_replicas);
    return scale;
}
