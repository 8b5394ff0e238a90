/* pods.c: the Pod strategy (pkg/registry/core/pod/strategy.go) wired
 * together (Go's type errors come from the field schema, checked once by
 * schema/field_validation.c as the body is decoded): SetObjectDefaults_Pod, a new pod's
 * status (Pending, its QoS class, the SchedulingGated condition), kube's
 * JSON shape and order, ValidatePodCreate and ValidatePodUpdate, the
 * binding subresource; status changes only through pods/status and DELETE
 * answers with the pod. The pieces live in pod_*.c. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "core/util.h"
#include "registry/kinds/pod_internal.h"
#include "registry/rest_internal.h"
#include "registry/strategies.h"

/* Does any container of spec (containers and init containers) have key? */
static int containers_use(const cJSON *spec, const char *key, const char *inner)
{
    static const char *const lists[] = {"containers", "initContainers", "ephemeralContainers"};
    for (int l = 0; l < 3; l++) {
        const cJSON *c;
        cJSON_ArrayForEach(c, json_get(spec, lists[l])) {
            const cJSON *v = json_get(c, key);
            if (inner) v = json_get(v, inner);
            if (v) return 1;
        }
    }
    return 0;
}

static void containers_drop(cJSON *spec, const char *key, const char *inner)
{
    static const char *const lists[] = {"containers", "initContainers", "ephemeralContainers"};
    for (int l = 0; l < 3; l++) {
        cJSON *c;
        cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(spec, lists[l])) {
            cJSON *holder = inner ? cJSON_GetObjectItemCaseSensitive(c, key) : c;
            cJSON_DeleteItemFromObjectCaseSensitive(holder, inner ? inner : key);
        }
    }
}

static int volumes_use(const cJSON *spec, const char *key, int projected)
{
    const cJSON *v, *src;
    cJSON_ArrayForEach(v, json_get(spec, "volumes")) {
        if (!projected && json_get(v, key)) return 1;
        if (projected) cJSON_ArrayForEach(src, json_get(json_get(v, "projected"), "sources")) if (json_get(src, key)) return 1;
    }
    return 0;
}

/* DropDisabledPodFields: fields of features off by default in 1.32 are
 * dropped, unless the stored pod (old, NULL on create) already uses them:
 * PodLevelResources, InPlacePodVerticalScaling (resizePolicy),
 * DynamicResourceAllocation (resourceClaims), ImageVolume,
 * ClusterTrustBundleProjection, SupplementalGroupsPolicy,
 * SELinuxChangePolicy. */
static void drop_disabled_fields(cJSON *obj, const cJSON *old)
{
    cJSON *spec = cJSON_GetObjectItemCaseSensitive(obj, "spec");
    const cJSON *os = json_get(old, "spec");
    if (!cJSON_IsObject(spec)) return;
    if (!json_get(os, "resources")) cJSON_DeleteItemFromObjectCaseSensitive(spec, "resources");
    if (!containers_use(os, "resizePolicy", NULL)) containers_drop(spec, "resizePolicy", NULL);
    if (!json_get(os, "resourceClaims") && !containers_use(os, "resources", "claims")) {
        cJSON_DeleteItemFromObjectCaseSensitive(spec, "resourceClaims");
        containers_drop(spec, "resources", "claims");
        cJSON_DeleteItemFromObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(obj, "status"), "resourceClaimStatuses");
    }
    cJSON *v, *src;
    if (!volumes_use(os, "image", 0))
        cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(spec, "volumes")) cJSON_DeleteItemFromObjectCaseSensitive(v, "image");
    if (!volumes_use(os, "clusterTrustBundle", 1)) {
        cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(spec, "volumes")) {
            cJSON *projected = cJSON_GetObjectItemCaseSensitive(v, "projected");
            cJSON_ArrayForEach(src, cJSON_GetObjectItemCaseSensitive(projected, "sources"))
                cJSON_DeleteItemFromObjectCaseSensitive(src, "clusterTrustBundle");
        }
    }
    cJSON *sc = cJSON_GetObjectItemCaseSensitive(spec, "securityContext");
    const cJSON *osc = json_get(os, "securityContext");
    if (!json_get(osc, "supplementalGroupsPolicy")) cJSON_DeleteItemFromObjectCaseSensitive(sc, "supplementalGroupsPolicy");
    if (!json_get(osc, "seLinuxChangePolicy")) cJSON_DeleteItemFromObjectCaseSensitive(sc, "seLinuxChangePolicy");
}

/* PrepareForCreate: status = {phase: Pending, qosClass}; gated pods get
 * PodScheduled=False/SchedulingGated. */
static void pod_prepare_for_create(cJSON *obj)
{
    cJSON_DeleteItemFromObjectCaseSensitive(obj, "status");
    cJSON *status = cJSON_AddObjectToObject(obj, "status");
    if (!status) return;
    cJSON *spec = cJSON_GetObjectItemCaseSensitive(obj, "spec");
    drop_disabled_fields(obj, NULL);
    cJSON_AddStringToObject(status, "phase", "Pending");
    if (cJSON_GetArraySize(json_get(spec, "schedulingGates")) > 0) {
        cJSON *conds = cJSON_AddArrayToObject(status, "conditions");
        cJSON *c = cJSON_CreateObject();
        char now[21];
        time_rfc3339(time(NULL), now);
        cJSON_AddStringToObject(c, "type", "PodScheduled");
        cJSON_AddStringToObject(c, "status", "False");
        cJSON_AddNullToObject(c, "lastProbeTime");
        cJSON_AddStringToObject(c, "lastTransitionTime", now);
        cJSON_AddStringToObject(c, "reason", "SchedulingGated");
        cJSON_AddStringToObject(c, "message", "Scheduling is blocked due to non-empty scheduling gates");
        cJSON_AddItemToArray(conds, c);
    }
    cJSON_AddStringToObject(status, "qosClass", pod_qos_class(obj));
    pod_normalize(obj);
}

/* PrepareForUpdate: the status stays (rest.c keeps it); what is left is the
 * shape a trip through kube's types gives the new object. */
static void pod_prepare_for_update(cJSON *obj, const cJSON *old)
{
    drop_disabled_fields(obj, old);
    pod_normalize(obj);
}

/* podStatusStrategy.PrepareForUpdate: /status keeps the spec and the owner
 * references of the stored pod (labels and annotations may change); a status
 * without a QoS class keeps the stored one. */
static void pod_prepare_for_status_update(cJSON *obj, const cJSON *old)
{
    cJSON_DeleteItemFromObjectCaseSensitive(obj, "spec");
    const cJSON *old_spec = json_get(old, "spec");
    if (old_spec) cJSON_AddItemToObject(obj, "spec", cJSON_Duplicate(old_spec, 1));
    cJSON *meta = json_object_member(obj, "metadata");
    cJSON_DeleteItemFromObjectCaseSensitive(meta, "ownerReferences");
    const cJSON *refs = json_get(json_get(old, "metadata"), "ownerReferences");
    if (refs) cJSON_AddItemToObject(meta, "ownerReferences", cJSON_Duplicate(refs, 1));
    cJSON *status = json_object_member(obj, "status");
    const char *old_qos = json_str(json_get(old, "status"), "qosClass");
    if (!pj_has_str(status, "qosClass") && *old_qos) json_set_str(status, "qosClass", old_qos);
    pod_normalize(obj);
}

/* ValidatePodStatusUpdate's checks of the status (run for every update;
 * outside /status the status is the stored one). */
static void validate_status_update(const cJSON *obj, const cJSON *old, field_errors *errs)
{
    const cJSON *status = json_get(obj, "status"), *old_status = json_get(old, "status");
    int i = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, json_get(status, "conditions")) {
        const char *type = json_str(c, "type");
        if (strcmp(type, "PodScheduled") && strcmp(type, "Ready") && strcmp(type, "Initialized")) {
            char p[96];
            validation_messages m = {0};
            /* kube's path really starts at metadata here */
            snprintf(p, sizeof p, "metadata.conditions[%d].Type", i);
            is_qualified_name(type, &m);
            add_invalid_value_for_each_message(errs, p, type, &m);
        }
        i++;
    }
    const char *nominated = json_str(status, "nominatedNodeName");
    if (*nominated && strcmp(nominated, json_str(old_status, "nominatedNodeName"))) {
        validation_messages m = {0};
        name_is_dns1123_subdomain(nominated, 0, &m);
        add_invalid_value_for_each_message(errs, "status.nominatedNodeName", nominated, &m);
    }
    const char *nq = json_str(status, "qosClass"), *oq = json_str(old_status, "qosClass");
    if (strcmp(nq, oq)) field_error_add_str(errs, FIELD_INVALID, "status.qosClass", nq, "field is immutable");
}

static void pod_validate_update_rules(const cJSON *obj, const cJSON *old, field_errors *errs)
{
    pod_validate_update(obj, old, errs);
    validate_status_update(obj, old, errs);
}

static rest_result pod_serve_subresource(rest_call *c, const char *subresource, const char *name)
{
    if (!strcmp(subresource, "binding")) return pod_serve_binding(c, name);
    if (!strcmp(subresource, "eviction")) return pod_serve_eviction(c, name);
    if (!strcmp(subresource, "ephemeralcontainers")) return pod_serve_ephemeral_containers(c, name);
    return pod_serve_connect(c, subresource, name);
}

/* the strategy's release_held: only a deleted pod (keep NULL) frees claims */
static void pod_release_held(rest_call *c, const cJSON *held, const cJSON *keep)
{
    if (!keep) pvc_release_after_pod(c, held);
}

const kapi_strategy strategy_pods = {
    .release_held = pod_release_held,
    .names = NAME_DNS1123_SUBDOMAIN, .has_status = 1, .return_deleted_object = 1,
    .set_defaults = pod_set_defaults, .prepare_for_create = pod_prepare_for_create, .prepare_for_update = pod_prepare_for_update,
    .validate = pod_validate_on_update, .validate_create = pod_validate, .validate_update = pod_validate_update_rules,
    .serve_subresource = pod_serve_subresource, .prepare_for_status_update = pod_prepare_for_status_update,
};
