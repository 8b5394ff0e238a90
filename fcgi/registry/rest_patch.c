/* rest_patch.c: the one patch machinery of the REST verbs, as kube-apiserver's
 * PATCH handler applies a patch (staging/src/k8s.io/apiserver/pkg/endpoints/
 * handlers/patch.go): the Content-Type names the patch type (JSON patch,
 * merge patch, strategic merge patch), the body is decoded as that type and
 * applied to the current object. A kind and its subresources share it: a
 * PATCH of pods/status patches the Pod, one of deployments/scale the
 * autoscaling/v1 Scale (a built-in type, so strategic merge patch works on
 * it, as in kube). */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include "codec/codec.h"
#include "codec/json.h"
#include "codec/jsonpatch.h"
#include "codec/jsonpath.h"
#include "core/status.h"
#include "registry/rest_internal.h"
#include "schema/decode.h"
#include "schema/field_validation.h"
#include "schema/schema.h"
#include "schema/smpatch.h"

static patch_type patch_type_of(const char *media_type)
{
    if (!strcmp(media_type, "application/json-patch+json")) return PATCH_JSON;
    if (!strcmp(media_type, "application/merge-patch+json")) return PATCH_MERGE;
    if (!strcmp(media_type, "application/strategic-merge-patch+json")) return PATCH_STRATEGIC;
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

int rest_read_patch(rest_call *c, request_patch *p, rest_result *fail)
{
    p->doc = NULL;
    p->type = patch_type_of(request_media_type(c->req));
    if (p->type == PATCH_STRATEGIC && (c->r->flags & KIND_IS_CUSTOM)) {
        /* kube's patch handler for custom resources offers no strategic
         * merge patch (no Go struct, no patch strategies) */
        *fail = rest_error(c, KAPI_UNSUPPORTED_MEDIA,
            "the body of the request was in an unknown format - accepted media types include: "
            "application/json-patch+json, application/merge-patch+json");
        return -1;
    }
    if (p->type == PATCH_UNSUPPORTED) {
        *fail = rest_error(c, KAPI_UNSUPPORTED_MEDIA,
            "the body of the request was in an unknown format - accepted media types include: "
            "application/json-patch+json, application/merge-patch+json, "
            "application/strategic-merge-patch+json");
        return -1;
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
