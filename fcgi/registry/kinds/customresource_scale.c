/* customresource_scale.c: the scale subresource of custom resources
 * (apiextensions-apiserver pkg/registry/customresource ScaleREST): an
 * autoscaling/v1 Scale read from the paths the CRD version's
 * subresources.scale names (specReplicasPath, statusReplicasPath,
 * labelSelectorPath), and a write of it (PUT, JSON or merge patch; no
 * strategic merge patch, as for the custom resource itself) that sets
 * specReplicasPath in the object through the object's update path. */
#include <stdio.h>
#include <string.h>
#include "codec/fielderr.h"
#include "codec/jsonpath.h"
#include "core/status.h"
#include "registry/kinds/customresources.h"
#include "registry/rest_internal.h"
#include "schema/decode.h"
#include "schema/field_validation.h"

/* The value at a simple JSON path (".spec.replicas"), or NULL. */
static const cJSON *at_path(const cJSON *obj, const char *path)
{
    if (!path || path[0] != '.') return NULL;
    return json_at(obj, path + 1);
}

/* Sets the number at a simple JSON path, making the objects on the way. */
static void set_at_path(cJSON *obj, const char *path, double value)
{
    char part[256];
    const char *p = path + 1;
    cJSON *cur = obj;
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        snprintf(part, sizeof part, "%.*s", (int)n, p);
        if (!dot) {
            cJSON_DeleteItemFromObjectCaseSensitive(cur, part);
            cJSON_AddNumberToObject(cur, part, value);
            return;
        }
        cur = json_object_member(cur, part);
        p = dot + 1;
    }
}

/* scaleFromCustomResource. NULL (with the 500 in *fail) when the spec
 * replicas path holds no integer. The pool keeps the result. */
static cJSON *scale_of(rest_call *c, const cJSON *scale_paths, const cJSON *obj, const char *rv,
                       rest_result *fail)
{
    const char *spec_path = json_str_at(scale_paths, "specReplicasPath", "");
    const cJSON *spec_replicas = at_path(obj, spec_path);
    if (!cJSON_IsNumber(spec_replicas)) {
        char msg[400];
        snprintf(msg, sizeof msg, "the spec replicas field \"%s\" does not exist", spec_path);
        *fail = rest_internal(c, msg);
        return NULL;
    }
    const cJSON *st = at_path(obj, json_str_at(scale_paths, "statusReplicasPath", ""));
    cJSON *scale = kapi_pool_keep_json(c->req->pool, rest_scale_new(obj, rv, json_str, spec_replicas->valuedouble,
                                                                     cJSON_IsNumber(st) ? st->valuedouble : 0));
    cJSON *status = cJSON_GetObjectItemCaseSensitive(scale, "status");
    const cJSON *sel = at_path(obj, json_str_at(scale_paths, "labelSelectorPath", ""));
    if (cJSON_IsString(sel) && *sel->valuestring) cJSON_AddStringToObject(status, "selector", sel->valuestring);
    return scale;
}

static cJSON *scaled_object(rest_call *c, const char *name, cJSON *old, int64_t rev, void *arg,
                            int64_t *expected, rest_result *fail)
{
    const cJSON *paths = arg;
    const char *rv = kapi_psprintf(c->req->pool, "%lld", (long long)rev);
    cJSON *current = scale_of(c, paths, old, rv, fail);
    if (!current) {
        /* a write may set a path that holds nothing yet */
        current = kapi_pool_keep_json(c->req->pool, cJSON_Parse("{\"kind\":\"Scale\",\"apiVersion\":\"autoscaling/v1\","
                                                                 "\"spec\":{\"replicas\":0}}"));
    }
    cJSON *scale = rest_requested_scale(c, current, 0, fail);
    if (!scale) return NULL;
    const cJSON *replicas = json_at(scale, "spec.replicas");
    field_errors *errs = kapi_palloc(c->req->pool, sizeof *errs);
    if (cJSON_IsNumber(replicas) && replicas->valuedouble < 0)
        field_error_add(errs, FIELD_INVALID, "spec.replicas", replicas, "should be a non-negative integer");
    if (errs->n) {
        *fail = rest_status(c, field_errors_status(errs, "autoscaling", "Scale", name), 0);
        return NULL;
    }
    *expected = rest_parse_rv(json_str_at(scale, "metadata.resourceVersion", ""));
    if (*expected < 0) *expected = 0;
    cJSON *obj = kapi_pool_keep_json(c->req->pool, cJSON_Duplicate(old, 1));
    set_at_path(obj, json_str_at(paths, "specReplicasPath", ".spec.replicas"),
                cJSON_IsNumber(replicas) ? replicas->valuedouble : 0);
    return obj;
}

static rest_result serve_scale(rest_call *c, const char *name, const cJSON *paths)
{
    const char *verb = c->info->verb;
    if (strcmp(verb, "get") && strcmp(verb, "update") && strcmp(verb, "patch")) return rest_method_not_allowed(c);
    rest_result fail;
    if (strcmp(verb, "get")) {
        rest_result parent = rest_guaranteed_update(c, name, 0, scaled_object, (void *)paths);
        if (parent.answer != REST_OBJECT) return parent;
        const char *rv = json_str_at(parent.body, "metadata.resourceVersion", NULL);
        cJSON *scale = scale_of(c, paths, parent.body, rv, &fail);
        return scale ? rest_object(c, 200, scale, NULL) : fail;
    }
    int64_t rev = 0;
    cJSON *old = rest_load_current(c, name, &rev, &fail);
    if (!old) return fail;
    const char *rv = kapi_psprintf(c->req->pool, "%lld", (long long)rev);
    cJSON *scale = scale_of(c, paths, old, rv, &fail);
    return scale ? rest_object(c, 200, scale, rv) : fail;
}

rest_result customresource_serve_subresource(rest_call *c, const char *subresource, const char *name)
{
    const cJSON *paths = crd_scale_of(c->r->group, c->r->version, c->r->plural);
    if (!strcmp(subresource, "scale") && paths && resource_subresource(c->r, "scale"))
        return serve_scale(c, name, paths);
    return rest_not_found_path(c);
}
