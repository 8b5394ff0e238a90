/* pod_update.c: ValidatePodUpdate (pkg/apis/core/validation, 1.32): what an
 * update of a Pod may change. Images of containers and init containers,
 * activeDeadlineSeconds (set, or lowered), additions to tolerations (and
 * their tolerationSeconds), removals of scheduling gates, additions to the
 * node selector of a gated pod, and terminationGracePeriodSeconds from a
 * negative value to 1. Anything else is refused with kube's Forbidden error
 * on "spec", whose detail ends with a go-cmp diff of the old spec and the new
 * one with the allowed changes undone. The new pod itself is validated like
 * a new one (pod_validate) by the caller. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/kapi.h"
#include "codec/jsonpath.h"
#include "registry/kinds/pod_internal.h"
#include "schema/schema.h"
#include "schema/schema_equal.h"

#define UPDATABLE_FIELDS                                                                        \
    "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"  \
    "`spec.tolerations` (only additions to existing tolerations),"                              \
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"

/* Convert_v1_PodSpec_To_core_PodSpec, as JSON: serviceAccount dropped (it
 * mirrors serviceAccountName), hostNetwork, hostPID, hostIPC,
 * shareProcessNamespace and hostUsers moved into the security context that
 * core.PodSpec always has (the schema lists them as internal-only fields of
 * PodSecurityContext). */
cJSON *pod_spec_internal_view(const cJSON *spec)
{
    cJSON *v = cJSON_IsObject(spec) ? cJSON_Duplicate(spec, 1) : cJSON_CreateObject();
    if (!v) return NULL;
    const cJSON *san = cJSON_GetObjectItemCaseSensitive(v, "serviceAccountName");
    const cJSON *sa = cJSON_GetObjectItemCaseSensitive(v, "serviceAccount");
    if ((!cJSON_IsString(san) || !*san->valuestring) && cJSON_IsString(sa)) {
        cJSON_DeleteItemFromObjectCaseSensitive(v, "serviceAccountName");
        cJSON_AddStringToObject(v, "serviceAccountName", sa->valuestring);
    }
    cJSON_DeleteItemFromObjectCaseSensitive(v, "serviceAccount");
    cJSON *sc = json_object_member(v, "securityContext");
    static const char *const host[] = {"hostNetwork", "hostPID", "hostIPC", "shareProcessNamespace",
                                       "hostUsers", NULL};
    for (int i = 0; sc && host[i]; i++) {
        cJSON_DeleteItemFromObjectCaseSensitive(sc, host[i]);
        cJSON *item = cJSON_DetachItemFromObjectCaseSensitive(v, host[i]);
        if (item) cJSON_AddItemToObject(sc, host[i], item);
    }
    return v;
}

/* ValidateContainerUpdates: 1 when the lists differ in length (stop). */
static int validate_container_updates(const cJSON *now, const cJSON *before, const char *path,
                                      field_errors *errs)
{
    if (cJSON_GetArraySize(now) != cJSON_GetArraySize(before)) {
        field_error_add(errs, FIELD_FORBIDDEN, path, NULL, "pod updates may not add or remove containers");
        return 1;
    }
    int i = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, now) {
        char fp[96];
        snprintf(fp, sizeof fp, "%s[%d].image", path, i++);
        const char *image = json_str(c, "image");
        size_t n = strlen(image);
        if (!n) field_error_add(errs, FIELD_REQUIRED, fp, NULL, NULL);
        if (n && (strchr(" \t\n\r\v\f", image[0]) || strchr(" \t\n\r\v\f", image[n - 1])))
            field_error_add_str(errs, FIELD_INVALID, fp, image, "must not have leading or trailing whitespace");
    }
    return 0;
}

static int tolerations_match_but_seconds(const cJSON *a, const cJSON *b)
{
    static const char *const keys[] = {"key", "operator", "value", "effect"};
    for (int i = 0; i < 4; i++) if (strcmp(json_str(a, keys[i]), json_str(b, keys[i]))) return 0;
    return 1;
}

static void validate_only_added_tolerations(const cJSON *now, const cJSON *before, field_errors *errs)
{
    const cJSON *o, *n;
    cJSON_ArrayForEach(o, before) {
        int found = 0;
        cJSON_ArrayForEach(n, now) if (tolerations_match_but_seconds(o, n)) { found = 1; break; }
        if (!found) {
            field_error_add(errs, FIELD_FORBIDDEN, "spec.tolerations", NULL,
                            "existing toleration can not be modified except its tolerationSeconds");
            return;
        }
    }
    pod_validate_tolerations(now, "spec.tolerations", errs);
}

static void validate_only_deleted_gates(const cJSON *now, const cJSON *before, field_errors *errs)
{
    int i = 0;
    const cJSON *g, *o;
    cJSON_ArrayForEach(g, now) {
        const char *name = json_str(g, "name");
        int existed = 0;
        cJSON_ArrayForEach(o, before) if (!strcmp(json_str(o, "name"), name)) existed = 1;
        if (!existed) {
            char fp[96], msg[600];
            snprintf(fp, sizeof fp, "spec.schedulingGates[%d].name", i);
            snprintf(msg, sizeof msg, "only deletion is allowed, but found new scheduling gate '%.500s'", name);
            field_error_add(errs, FIELD_FORBIDDEN, fp, NULL, msg);
        }
        i++;
    }
}

static void replace_or_drop(cJSON *obj, const char *key, const cJSON *value)
{
    cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
    if (value) cJSON_AddItemToObject(obj, key, cJSON_Duplicate(value, 1));
}

/* Undo the changes an update may make, so what remains is forbidden. */
static void munge_allowed_changes(cJSON *munged, const cJSON *old_spec)
{
    static const char *const lists[] = {"containers", "initContainers"};
    for (int l = 0; l < 2; l++) {
        cJSON *c = cJSON_GetObjectItemCaseSensitive(munged, lists[l]);
        const cJSON *oc = json_get(old_spec, lists[l]);
        int i = 0;
        cJSON *e;
        cJSON_ArrayForEach(e, c) {
            const cJSON *old_c = cJSON_GetArrayItem(oc, i++);
            if (cJSON_IsObject(e)) replace_or_drop(e, "image", json_get(old_c, "image"));
        }
    }
    replace_or_drop(munged, "activeDeadlineSeconds", json_get(old_spec, "activeDeadlineSeconds"));
    replace_or_drop(munged, "schedulingGates", json_get(old_spec, "schedulingGates"));
    replace_or_drop(munged, "tolerations", json_get(old_spec, "tolerations"));
    int64_t og, ng;
    if (pj_is_int(json_get(old_spec, "terminationGracePeriodSeconds"), &og) && og < 0 &&
        pj_is_int(json_get(munged, "terminationGracePeriodSeconds"), &ng) && ng == 1)
        replace_or_drop(munged, "terminationGracePeriodSeconds", json_get(old_spec, "terminationGracePeriodSeconds"));
}

void pod_validate_update(const cJSON *pod, const cJSON *old, field_errors *errs)
{
    const cJSON *spec = json_get(pod, "spec"), *old_spec = json_get(old, "spec");
    /* ValidatePodSpecificAnnotationUpdates: the mirror pod annotation */
    const char *mirror = "kubernetes.io/config.mirror";
    const cJSON *na = json_get(json_get(pod, "metadata"), "annotations"), *oa = json_get(json_get(old, "metadata"), "annotations");
    const cJSON *nm = json_get(na, mirror), *om = json_get(oa, mirror);
    if (om && (!nm || !cJSON_Compare(nm, om, 1)))
        field_error_add(errs, FIELD_FORBIDDEN, "metadata.annotations[kubernetes.io/config.mirror]", NULL,
                        "may not remove or update mirror pod annotation");
    if (nm && !om)
        field_error_add(errs, FIELD_FORBIDDEN, "metadata.annotations[kubernetes.io/config.mirror]", NULL,
                        "may not add mirror pod annotation");

    if (validate_container_updates(json_get(spec, "containers"), json_get(old_spec, "containers"), "spec.containers", errs))
        return;
    if (validate_container_updates(json_get(spec, "initContainers"), json_get(old_spec, "initContainers"), "spec.initContainers", errs))
        return;
    const cJSON *nads = json_get(spec, "activeDeadlineSeconds"), *oads = json_get(old_spec, "activeDeadlineSeconds");
    int64_t nv = 0, ov = 0;
    if (nads) {
        pj_is_int(nads, &nv);
        if (nv < 0 || nv > 2147483647) {
            field_error_add_int(errs, FIELD_INVALID, "spec.activeDeadlineSeconds", nv, "must be between 0 and 2147483647, inclusive");
            return;
        }
        if (oads && pj_is_int(oads, &ov) && ov < nv) {
            field_error_add_int(errs, FIELD_INVALID, "spec.activeDeadlineSeconds", nv, "must be less than or equal to previous value");
            return;
        }
    } else if (oads) {
        cJSON null_value = {0};
        null_value.type = cJSON_NULL;
        field_error_add(errs, FIELD_INVALID, "spec.activeDeadlineSeconds", &null_value,
                        "must not update from a positive integer to nil value");
    }
    validate_only_added_tolerations(json_get(spec, "tolerations"), json_get(old_spec, "tolerations"), errs);
    validate_only_deleted_gates(json_get(spec, "schedulingGates"), json_get(old_spec, "schedulingGates"), errs);

    const schema_type *spec_type = schema_type_named("io.k8s.api.core.v1.PodSpec");
    cJSON *now = pod_spec_internal_view(spec), *before = pod_spec_internal_view(old_spec);
    if (!now || !before || !spec_type) goto out;
    if (schema_objects_equal(spec_type, now, before)) goto out;

    /* the QoS class is fixed at creation */
    const char *old_qos = json_str(json_get(old, "status"), "qosClass");
    if (!*old_qos) old_qos = pod_qos_class(old);
    if (strcmp(old_qos, pod_qos_class(pod))) {
        const char *shown = json_str(json_get(pod, "status"), "qosClass");
        field_error_add_str(errs, FIELD_INVALID, "metadata", shown, "Pod QOS is immutable");
    }

    munge_allowed_changes(now, before);
    /* a gated pod may gain node selector entries */
    if (cJSON_GetArraySize(json_get(before, "schedulingGates")) > 0) {
        const cJSON *ns = json_get(now, "nodeSelector"), *os = json_get(before, "nodeSelector"), *e;
        int removed_or_changed = 0;
        cJSON_ArrayForEach(e, os) {
            const cJSON *n = json_get(ns, e->string);
            if (!n || !cJSON_Compare(n, e, 1)) removed_or_changed = 1;
        }
        if (removed_or_changed)
            field_error_add(errs, FIELD_INVALID, "spec.nodeSelector", ns,
                            "only additions to spec.nodeSelector are allowed (no mutations or deletions)");
        replace_or_drop(now, "nodeSelector", os);
    }
    if (!schema_objects_equal(spec_type, now, before)) {
        char *diff = pod_spec_diff(before, now);
        kapi_buf msg;
        kapi_buf_init(&msg);
        kapi_buf_printf(&msg, "pod updates may not change fields other than %s\n%s", UPDATABLE_FIELDS, diff ? diff : "");
        free(diff);
        field_error_add(errs, FIELD_FORBIDDEN, "spec", NULL, msg.data ? msg.data : "");
        kapi_buf_free(&msg);
    }
out:
    cJSON_Delete(now);
    cJSON_Delete(before);
}
