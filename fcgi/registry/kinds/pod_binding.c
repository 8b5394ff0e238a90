/* pod_binding.c: POST /api/v1/namespaces/<ns>/pods/<name>/binding, the call
 * kube-scheduler makes to place a Pod (pkg/registry/core/pod/storage
 * BindingREST): the Binding must name the pod and a target Node; the pod
 * gets spec.nodeName and the condition PodScheduled=True, its annotations
 * gain the Binding's. A pod already bound, being deleted or still gated is
 * refused with 409. The answer is 201 with a Status Success. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "admission/admission.h"
#include "core/status.h"
#include "core/util.h"
#include "codec/jsonpath.h"
#include "registry/kinds/pod_internal.h"
#include "registry/rest_internal.h"
#include "store/store.h"
#include "schema/decode.h"

#define BIND_ATTEMPTS 5

/* apierrors.NewConflict for pods/binding */
static rest_result binding_conflict(rest_call *c, const char *name, const char *why)
{
    char msg[1200];
    snprintf(msg, sizeof msg, "Operation cannot be fulfilled on pods/binding \"%s\": %s", name, why);
    return rest_status(c, status_new_details(KAPI_CONFLICT, msg, name, NULL, "pods/binding"), 0);
}

/* A plain error kube's handler cannot map: 500, no reason. */
static rest_result unknown_error(rest_call *c, const char *msg)
{
    cJSON *st = status_new(KAPI_INTERNAL, msg);
    cJSON_DeleteItemFromObjectCaseSensitive(st, "reason");
    return rest_status(c, st, 0);
}

/* ValidatePodBinding, aggregated as errs.ToAggregate() prints it; -1 with
 * the failure in *fail. */
static int validate_binding(rest_call *c, const cJSON *binding, rest_result *fail)
{
    const cJSON *target = json_get(binding, "target");
    const char *kind = json_str(target, "kind");
    field_errors *errs = kapi_palloc(c->req->pool, sizeof *errs);
    if (*kind && strcmp(kind, "Node")) {
        static const char *const valid[] = {"Node", "<empty>", NULL};
        field_error_not_supported(errs, "target.kind", kind, valid);
    }
    if (!pj_has_str(target, "name")) field_error_add(errs, FIELD_REQUIRED, "target.name", NULL, NULL);
    if (!errs->n) return 0;
    kapi_buf msg;
    kapi_buf_init(&msg);
    if (errs->n > 1) kapi_buf_putc(&msg, '[');
    for (int i = 0; i < errs->n; i++) {
        char one[1400];
        field_error_string(&errs->e[i], one, sizeof one);
        if (i) kapi_buf_puts(&msg, ", ");
        kapi_buf_puts(&msg, one);
    }
    if (errs->n > 1) kapi_buf_putc(&msg, ']');
    *fail = unknown_error(c, msg.data ? msg.data : "invalid binding");
    kapi_buf_free(&msg);
    return -1;
}

/* Decoding checks: the Binding's kind, name and namespace; -1 with the 400
 * in *fail. */
static int check_binding(rest_call *c, cJSON *binding, const char *name, rest_result *fail)
{
    char msg[800];
    const cJSON *k = cJSON_GetObjectItemCaseSensitive(binding, "kind");
    const cJSON *av = cJSON_GetObjectItemCaseSensitive(binding, "apiVersion");
    if ((k && !cJSON_IsString(k)) || (av && !cJSON_IsString(av))) {
        *fail = rest_bad_request(c, "the object provided is unrecognized (must be of type Binding): couldn't get "
                                 "version/kind; json parse error: json: cannot unmarshal value into Go struct "
                                 "field .kind of type string");
        return -1;
    }
    const char *kind = cJSON_IsString(k) ? k->valuestring : "";
    const char *version = cJSON_IsString(av) ? av->valuestring : "";
    if (*kind && strcmp(kind, "Binding")) {
        snprintf(msg, sizeof msg,
                 "%.100s in version \"%.50s\" cannot be handled as a Binding: no kind \"%.100s\" is registered for "
                 "version \"%.50s\" in scheme \"pkg/api/legacyscheme/scheme.go:30\"",
                 kind, *version ? version : "v1", kind, *version ? version : "v1");
        *fail = rest_bad_request(c, msg);
        return -1;
    }
    if (*version && strcmp(version, "v1")) {
        snprintf(msg, sizeof msg, "the API version in the data (%.100s) does not match the expected API version (v1)", version);
        *fail = rest_bad_request(c, msg);
        return -1;
    }
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(binding, "metadata");
    if (meta && !cJSON_IsObject(meta) && !cJSON_IsNull(meta)) {
        *fail = rest_bad_request(c, "Binding in version \"v1\" cannot be handled as a Binding: json: cannot unmarshal "
                                 "value into Go struct field Binding.metadata of type v1.ObjectMeta");
        return -1;
    }
    const cJSON *target = cJSON_GetObjectItemCaseSensitive(binding, "target");
    if (target && !cJSON_IsObject(target) && !cJSON_IsNull(target)) {
        *fail = rest_bad_request(c, "Binding in version \"v1\" cannot be handled as a Binding: json: cannot unmarshal "
                                 "value into Go struct field Binding.target of type v1.ObjectReference");
        return -1;
    }
    cJSON *m = obj_metadata(binding);
    if (rest_check_namespace(c, m, fail)) return -1;
    if (strcmp(json_str(m, "name"), name)) {
        *fail = rest_bad_request(c, "name in URL does not match name in Binding object");
        return -1;
    }
    return 0;
}

/* podutil.UpdatePodCondition for PodScheduled=True. */
static void set_scheduled_condition(cJSON *pod)
{
    cJSON *status = json_object_member(pod, "status");
    cJSON *conds = json_array_member(status, "conditions");
    char now[21];
    time_rfc3339(time(NULL), now);
    cJSON *old = NULL, *e;
    cJSON_ArrayForEach(e, conds) if (!strcmp(json_str(e, "type"), "PodScheduled")) { old = e; break; }
    cJSON *cond = cJSON_CreateObject();
    if (!cond) return;
    cJSON_AddStringToObject(cond, "type", "PodScheduled");
    cJSON_AddStringToObject(cond, "status", "True");
    cJSON_AddNullToObject(cond, "lastProbeTime");
    const char *since = old && !strcmp(json_str(old, "status"), "True") && pj_has_str(old, "lastTransitionTime")
                            ? json_str(old, "lastTransitionTime") : now;
    cJSON_AddStringToObject(cond, "lastTransitionTime", since);
    if (old) cJSON_ReplaceItemViaPointer(conds, old, cond);
    else cJSON_AddItemToArray(conds, cond);
}

rest_result pod_serve_binding(rest_call *c, const char *name)
{
    if (strcmp(c->info->verb, "create")) return rest_method_not_allowed(c);
    rest_result fail;
    cJSON *st = NULL;
    cJSON *binding = decode_body(c->req, "Binding", &st);
    if (!binding) return rest_status(c, st, 0);
    if (!cJSON_IsObject(binding)) return rest_bad_request(c, "the object provided is unrecognized (must be of type Binding)");
    if (check_binding(c, binding, name, &fail) || validate_binding(c, binding, &fail)) return fail;
    admission_attrs a = {.ctx = c->ctx, .pool = c->req->pool, .user = c->user, .resource = c->r,
                         .subresource = "binding", .ns = c->ns, .name = name, .op = ADMIT_CREATE,
                         .obj = binding, .dry_run = c->dry_run};
    cJSON *rejected = admission_mutate(&a);
    if (!rejected) rejected = admission_validate(&a);
    if (rejected) return rest_status(c, rejected, 0);

    const cJSON *meta = json_get(binding, "metadata");
    const char *want_uid = json_str(meta, "uid"), *want_rv = json_str(meta, "resourceVersion");
    const char *node = json_str(json_get(binding, "target"), "name");
    const char *key = resource_key(c->req->pool, c->r, c->ns, name);
    for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
        int64_t rev = 0;
        cJSON *pod = rest_load_current(c, name, &rev, &fail);
        if (!pod) return fail;
        cJSON *pm = obj_metadata(pod);
        char why[900];
        if (*want_uid && strcmp(want_uid, json_str(pm, "uid"))) {
            snprintf(why, sizeof why,
                     "StorageError: invalid object, Code: 4, Key: %.300s, ResourceVersion: 0, AdditionalErrorMsg: "
                     "Precondition failed: UID in precondition: %.100s, UID in object meta: %.100s",
                     key, want_uid, json_str(pm, "uid"));
            return rest_conflict(c, name, why);
        }
        if (*want_rv && rest_parse_rv(want_rv) != rev) {
            snprintf(why, sizeof why,
                     "StorageError: invalid object, Code: 4, Key: %.300s, ResourceVersion: 0, AdditionalErrorMsg: "
                     "Precondition failed: ResourceVersion in precondition: %.100s, ResourceVersion in object meta: %lld",
                     key, want_rv, (long long)rev);
            return rest_conflict(c, name, why);
        }
        if (json_get(pm, "deletionTimestamp")) {
            snprintf(why, sizeof why, "pod %.300s is being deleted, cannot be assigned to a host", name);
            return binding_conflict(c, name, why);
        }
        cJSON *spec = json_object_member(pod, "spec");
        if (pj_has_str(spec, "nodeName")) {
            snprintf(why, sizeof why, "pod %.300s is already assigned to node \"%.300s\"", name, json_str(spec, "nodeName"));
            return binding_conflict(c, name, why);
        }
        if (cJSON_GetArraySize(json_get(spec, "schedulingGates")) > 0) {
            snprintf(why, sizeof why, "pod %.300s has non-empty .spec.schedulingGates", name);
            return binding_conflict(c, name, why);
        }
        json_set_str(spec, "nodeName", node);
        const cJSON *ann = json_get(meta, "annotations"), *e;
        if (cJSON_GetArraySize(ann) > 0) {
            cJSON *pa = json_object_member(pm, "annotations");
            cJSON_ArrayForEach(e, ann) {
                cJSON_DeleteItemFromObjectCaseSensitive(pa, e->string);
                cJSON_AddItemToObject(pa, e->string, cJSON_Duplicate(e, 1));
            }
        }
        set_scheduled_condition(pod);
        pod_normalize(pod);
        obj_canonicalize_order(pod);
        if (!c->dry_run) {
            int64_t new_rev = 0;
            store_rc rc = store_update_if_revision(c->ctx->store, key, pod, rev, &new_rev);
            if (rc == STORE_CONFLICT) continue;   /* GuaranteedUpdate tries again */
            if (rc != STORE_OK) return rest_store_failure(c, rc, name, "writing to storage failed");
        }
        cJSON *ok = cJSON_CreateObject();
        cJSON_AddStringToObject(ok, "kind", "Status");
        cJSON_AddStringToObject(ok, "apiVersion", "v1");
        cJSON_AddObjectToObject(ok, "metadata");
        cJSON_AddStringToObject(ok, "status", "Success");
        cJSON_AddNumberToObject(ok, "code", 201);
        return rest_status(c, ok, 201);
    }
    return rest_modified(c, name);
}
