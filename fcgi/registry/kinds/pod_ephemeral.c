/* pod_ephemeral.c: pods/<name>/ephemeralcontainers (GET, PUT, PATCH), kube's
 * EphemeralContainersREST (pkg/registry/core/pod/storage) with
 * podEphemeralContainersStrategy: the answer is the Pod; a write changes
 * only spec.ephemeralContainers of the stored pod (dropNonEphemeralContainerUpdates:
 * metadata and the rest of spec and status stay), and is validated by
 * ValidatePodEphemeralContainersUpdate: existing ephemeral containers may
 * be neither removed nor changed, and each new one is checked as
 * validateEphemeralContainers does (name, uniqueness among every
 * container, image, targetContainerName). This is what `kubectl debug`
 * patches (a strategic merge patch). */
#include <stdio.h>
#include <string.h>
#include "codec/fielderr.h"
#include "registry/kinds/pod_internal.h"
#include "registry/rest_internal.h"
#include "schema/decode.h"
#include "schema/field_validation.h"
#include "store/store.h"

static int name_in(const cJSON *list, const char *name, const cJSON *except)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, list) if (c != except && !strcmp(json_str(c, "name"), name)) return 1;
    return 0;
}

/* ValidatePodEphemeralContainersUpdate's part 2, and the new containers'
 * own checks. */
static void validate_ephemeral_update(const cJSON *pod, const cJSON *old, field_errors *errs)
{
    const cJSON *spec = json_get(pod, "spec");
    const cJSON *eph = json_get(spec, "ephemeralContainers");
    const cJSON *old_eph = json_get(json_get(old, "spec"), "ephemeralContainers");
    int i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, eph) {
        char base[64], p[96];
        snprintf(base, sizeof base, "spec.ephemeralContainers[%d]", i++);
        const char *name = json_str(e, "name");
        if (name_in(old_eph, name, NULL)) continue;   /* compared below */
        if (!*name) {
            snprintf(p, sizeof p, "%s.name", base);
            field_error_add(errs, FIELD_REQUIRED, p, NULL, NULL);
        } else if (name_in(json_get(spec, "containers"), name, NULL) ||
                   name_in(json_get(spec, "initContainers"), name, NULL) || name_in(eph, name, e)) {
            snprintf(p, sizeof p, "%s.name", base);
            field_error_add_str(errs, FIELD_DUPLICATE, p, name, NULL);
        }
        if (!pj_has_str(e, "image")) {
            snprintf(p, sizeof p, "%s.image", base);
            field_error_add(errs, FIELD_REQUIRED, p, NULL, NULL);
        }
        static const char *const forbidden[] = {"ports", "livenessProbe", "readinessProbe", "startupProbe",
                                                "lifecycle", NULL};
        for (int f = 0; forbidden[f]; f++) {
            if (!json_get(e, forbidden[f])) continue;
            snprintf(p, sizeof p, "%s.%s", base, forbidden[f]);
            field_error_add(errs, FIELD_FORBIDDEN, p, NULL, "cannot be set for an Ephemeral Container");
        }
        const char *target = json_str(e, "targetContainerName");
        if (*target && !name_in(json_get(spec, "containers"), target, NULL) &&
            !name_in(json_get(spec, "initContainers"), target, NULL)) {
            snprintf(p, sizeof p, "%s.targetContainerName", base);
            field_error_add_str(errs, FIELD_NOT_FOUND, p, target, NULL);
        }
    }
    const cJSON *o;
    cJSON_ArrayForEach(o, old_eph) {
        const char *name = json_str(o, "name");
        const cJSON *now = NULL, *n;
        cJSON_ArrayForEach(n, eph) if (!strcmp(json_str(n, "name"), name)) { now = n; break; }
        char detail[600];
        if (!now) {
            snprintf(detail, sizeof detail, "existing ephemeral containers \"%.400s\" may not be removed\n", name);
            field_error_add(errs, FIELD_FORBIDDEN, "spec.ephemeralContainers", NULL, detail);
        } else if (!cJSON_Compare(o, now, 1)) {
            char p[600];
            snprintf(p, sizeof p, "spec.ephemeralContainers[%.400s]", name);
            snprintf(detail, sizeof detail, "existing ephemeral containers \"%.400s\" may not be changed\n", name);
            field_error_add(errs, FIELD_FORBIDDEN, p, NULL, detail);
        }
    }
}

/* The stored pod with want's spec.ephemeralContainers, validated and
 * stored (expected: the caller's resourceVersion precondition, 0 none). */
static rest_result write_ephemeral(rest_call *c, const char *name, const cJSON *want, cJSON *old, int64_t rev,
                                   int64_t expected)
{
    if (expected && expected != rev) return rest_modified(c, name);
    cJSON *obj = kapi_pool_keep_json(c->req->pool, cJSON_Duplicate(old, 1));
    cJSON *spec = json_object_member(obj, "spec");
    cJSON_DeleteItemFromObjectCaseSensitive(spec, "ephemeralContainers");
    const cJSON *eph = json_get(json_get(want, "spec"), "ephemeralContainers");
    if (eph) cJSON_AddItemToObject(spec, "ephemeralContainers", cJSON_Duplicate(eph, 1));
    const kapi_strategy *s = c->r->strategy;
    if (s->set_defaults) s->set_defaults(obj);
    if (s->prepare_for_update) s->prepare_for_update(obj, old);
    field_errors *errs = kapi_palloc(c->req->pool, sizeof *errs);
    validate_ephemeral_update(obj, old, errs);
    if (errs->n) return rest_invalid(c, errs, name);
    obj_canonicalize_order(obj);
    const char *old_rv = kapi_psprintf(c->req->pool, "%lld", (long long)rev);
    if (cJSON_Compare(obj, old, 1) || c->dry_run) return rest_object(c, 200, obj, old_rv);
    int64_t nrev = 0;
    store_rc rc = store_update_if_revision(c->ctx->store, resource_key(c->req->pool, c->r, c->ns, name), obj,
                                           rev, &nrev);
    if (rc != STORE_OK) return rest_store_failure(c, rc, name, "writing to storage failed");
    return rest_object(c, 200, obj, kapi_psprintf(c->req->pool, "%lld", (long long)nrev));
}

static rest_result update_ephemeral(rest_call *c, const char *name)
{
    rest_result fail;
    cJSON *st = NULL;
    cJSON *body = decode_body(c->req, "Pod", &st);
    if (!body) return rest_status(c, st, 0);
    if (rest_check_type_meta(c, body, &fail)) return fail;
    if (field_validation_check_body(c->req, c->resp, "", "v1", "Pod", FV_UPDATE, body, &st))
        return rest_status(c, st, 0);
    cJSON *meta = obj_metadata(body);
    if (rest_check_name(c, meta, name, &fail) || rest_check_namespace(c, meta, &fail)) return fail;
    int64_t expected = rest_parse_rv(obj_string(meta, "resourceVersion"));
    if (expected < 0) expected = 0;
    int64_t rev = 0;
    cJSON *old = rest_load_current(c, name, &rev, &fail);
    if (!old) return fail;
    return write_ephemeral(c, name, body, old, rev, expected);
}

static rest_result patch_ephemeral(rest_call *c, const char *name)
{
    rest_result fail;
    request_patch patch;
    if (rest_read_patch(c, &patch, &fail)) return fail;
    int64_t rev = 0;
    cJSON *old = rest_load_current(c, name, &rev, &fail);
    if (!old) return fail;
    cJSON *obj = rest_apply_patch(c, &patch, old, "", "v1", "Pod", &fail);
    if (!obj || rest_check_type_meta(c, obj, &fail)) return fail;
    cJSON *st = NULL;
    if (field_validation_check_patch(c->req, c->resp, "", "v1", "Pod", obj, &st)) return rest_status(c, st, 0);
    cJSON *meta = obj_metadata(obj);
    if (rest_check_name(c, meta, name, &fail)) return fail;
    int64_t expected = rest_parse_rv(obj_string(meta, "resourceVersion"));
    if (expected < 0) expected = 0;
    return write_ephemeral(c, name, obj, old, rev, expected);
}

rest_result pod_serve_ephemeral_containers(rest_call *c, const char *name)
{
    const char *verb = c->info->verb;
    if (!strcmp(verb, "get")) {
        rest_result fail;
        int64_t rev = 0;
        cJSON *pod = rest_load_current(c, name, &rev, &fail);
        if (!pod) return fail;
        return rest_object(c, 200, pod, kapi_psprintf(c->req->pool, "%lld", (long long)rev));
    }
    if (!strcmp(verb, "update")) return update_ephemeral(c, name);
    if (!strcmp(verb, "patch")) return patch_ephemeral(c, name);
    return rest_method_not_allowed(c);
}
