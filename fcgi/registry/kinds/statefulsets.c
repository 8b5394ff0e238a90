/* statefulsets.c: apps/v1 StatefulSet, DaemonSet and ControllerRevision, as
 * kube-apiserver 1.32 serves them (pkg/apis/apps/v1/defaults.go, the
 * statefulset and daemonset strategies, pkg/apis/apps/validation,
 * printStatefulSet, printDaemonSet, printControllerRevision): defaults
 * (OrderedReady, RollingUpdate with partition 0, claim retention
 * Retain/Retain, volumeClaimTemplates as claims; a DaemonSet's RollingUpdate
 * with maxUnavailable 1 and maxSurge 0), selector and template rules, kube's
 * update rules. No controller runs them here. */
#include <stdio.h>
#include <string.h>
#include "codec/jsonpath.h"
#include "codec/labels.h"
#include "registry/kinds/pod.h"
#include "registry/kinds/workload.h"
#include "registry/rest_internal.h"
#include "registry/strategies.h"
#include "registry/tables_internal.h"

static const char *const always[] = {"Always", NULL};

/* kube's obj.Labels = Spec.Template.Labels when the object has none. */
static void labels_from_template(cJSON *obj)
{
    cJSON *meta = json_object_member(obj, "metadata");
    const cJSON *tlabels = json_at(obj, "spec.template.metadata.labels");
    if (cJSON_GetArraySize(json_get(meta, "labels")) == 0 && cJSON_IsObject(tlabels)) {
        cJSON_DeleteItemFromObjectCaseSensitive(meta, "labels");
        cJSON_AddItemToObject(meta, "labels", cJSON_Duplicate(tlabels, 1));
    }
}

/* SetDefaults_PersistentVolumeClaim for a claim template. */
void claim_set_defaults(cJSON *pvc)
{
    cJSON *spec = json_object_member(pvc, "spec");
    default_string(spec, "volumeMode", "Filesystem");
    default_string(json_object_member(pvc, "status"), "phase", "Pending");
}

static void statefulset_set_defaults(cJSON *sts)
{
    cJSON *spec = json_object_member(sts, "spec");
    default_string(spec, "podManagementPolicy", "OrderedReady");
    cJSON *us = json_object_member(spec, "updateStrategy");
    default_string(us, "type", "RollingUpdate");
    if (!strcmp(json_str(us, "type"), "RollingUpdate"))
        default_number(json_object_member(us, "rollingUpdate"), "partition", 0);
    cJSON *ret = json_object_member(spec, "persistentVolumeClaimRetentionPolicy");
    default_string(ret, "whenDeleted", "Retain");
    default_string(ret, "whenScaled", "Retain");
    labels_from_template(sts);
    default_number(spec, "replicas", 1);
    default_number(spec, "revisionHistoryLimit", 10);
    pod_template_set_defaults(json_object_member(spec, "template"));
    cJSON *c;
    cJSON_ArrayForEach(c, json_get(spec, "volumeClaimTemplates")) if (cJSON_IsObject(c)) claim_set_defaults(c);
    workload_normalize(sts);
}

static void validate_statefulset(const cJSON *sts, field_errors *errs)
{
    const cJSON *spec = json_get(sts, "spec");
    validate_nonnegative(spec, "replicas", "spec.replicas", errs);
    validate_nonnegative(spec, "minReadySeconds", "spec.minReadySeconds", errs);
    const char *pmp = json_str(spec, "podManagementPolicy");
    static const char *const pmps[] = {"OrderedReady", "Parallel", NULL};
    if (!*pmp) field_error_add(errs, FIELD_REQUIRED, "spec.podManagementPolicy", NULL, "");
    else if (strcmp(pmp, pmps[0]) && strcmp(pmp, pmps[1]))
        field_error_not_supported(errs, "spec.podManagementPolicy", pmp, pmps);
    const char *ut = json_str(json_get(spec, "updateStrategy"), "type");
    static const char *const uts[] = {"OnDelete", "RollingUpdate", NULL};
    if (*ut && strcmp(ut, uts[0]) && strcmp(ut, uts[1]))
        field_error_not_supported(errs, "spec.updateStrategy.type", ut, uts);
    validate_nonnegative(json_at(spec, "updateStrategy.rollingUpdate"), "partition",
                         "spec.updateStrategy.rollingUpdate.partition", errs);
    /* the pods mount their claims as volumes named after the templates
     * (kube validates the template with them) */
    cJSON *with_claims = cJSON_Duplicate(spec, 1);
    cJSON *pspec = json_object_member(json_object_member(with_claims, "template"), "spec");
    cJSON *vols = json_array_member(pspec, "volumes");
    const cJSON *claim;
    cJSON_ArrayForEach(claim, json_get(spec, "volumeClaimTemplates")) {
        const char *name = json_str(json_get(claim, "metadata"), "name");
        cJSON *v = cJSON_CreateObject();
        cJSON_AddStringToObject(v, "name", name);
        cJSON_AddStringToObject(cJSON_AddObjectToObject(v, "persistentVolumeClaim"), "claimName", name);
        cJSON_AddItemToArray(vols, v);
    }
    validate_workload_selector_and_template(with_claims, "spec", "statefulset", always, errs);
    cJSON_Delete(with_claims);
}

/* ValidateStatefulSetUpdate: only these spec fields may change. */
static void validate_statefulset_update(const cJSON *sts, const cJSON *old, field_errors *errs)
{
    static const char *const mutable[] = {"replicas", "ordinals", "template", "updateStrategy",
                                          "persistentVolumeClaimRetentionPolicy", "minReadySeconds", NULL};
    if (!spec_equal_except(sts, old, mutable))
        field_error_add(errs, FIELD_FORBIDDEN, "spec", NULL,
                        "updates to statefulset spec for fields other than 'replicas', 'ordinals', "
                        "'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and "
                        "'minReadySeconds' are forbidden");
}

const kapi_strategy strategy_statefulsets = {
    .names = NAME_DNS1123_SUBDOMAIN, .has_status = 1, .has_generation = 1,
    .set_defaults = statefulset_set_defaults, .prepare_for_create = workload_clear_status,
    .validate = validate_statefulset, .validate_update = validate_statefulset_update,
    .prepare_for_status_update = workload_keep_spec, .serve_subresource = apps_serve_subresource,
};

/* ---- DaemonSet */

static void daemonset_set_defaults(cJSON *ds)
{
    cJSON *spec = json_object_member(ds, "spec");
    labels_from_template(ds);
    cJSON *us = json_object_member(spec, "updateStrategy");
    default_string(us, "type", "RollingUpdate");
    if (!strcmp(json_str(us, "type"), "RollingUpdate")) {
        cJSON *ru = json_object_member(us, "rollingUpdate");
        default_number(ru, "maxUnavailable", 1);
        default_number(ru, "maxSurge", 0);
    }
    default_number(spec, "revisionHistoryLimit", 10);
    pod_template_set_defaults(json_object_member(spec, "template"));
    workload_normalize(ds);
}

static void validate_daemonset(const cJSON *ds, field_errors *errs)
{
    const cJSON *spec = json_get(ds, "spec");
    validate_nonnegative(spec, "minReadySeconds", "spec.minReadySeconds", errs);
    const char *ut = json_str(json_get(spec, "updateStrategy"), "type");
    static const char *const uts[] = {"OnDelete", "RollingUpdate", NULL};
    if (*ut && strcmp(ut, uts[0]) && strcmp(ut, uts[1]))
        field_error_not_supported(errs, "spec.updateStrategy.type", ut, uts);
    validate_workload_selector_and_template(spec, "spec", "daemonset", always, errs);
}

static void validate_daemonset_update(const cJSON *ds, const cJSON *old, field_errors *errs)
{
    validate_selector_immutable(ds, old, errs);
}

const kapi_strategy strategy_daemonsets = {
    .names = NAME_DNS1123_SUBDOMAIN, .has_status = 1, .has_generation = 1,
    .set_defaults = daemonset_set_defaults, .prepare_for_create = workload_clear_status,
    .validate = validate_daemonset, .validate_update = validate_daemonset_update,
    .prepare_for_status_update = workload_keep_spec,
};

/* ---- ControllerRevision: data and revision; data never changes. */

/* ValidateControllerRevision */
static void validate_controllerrevision(const cJSON *cr, field_errors *errs)
{
    const cJSON *data = json_get(cr, "data");
    if (!data || cJSON_IsNull(data)) field_error_add(errs, FIELD_REQUIRED, "data", NULL, "data is mandatory");
    const cJSON *rev = json_get(cr, "revision");
    if (cJSON_IsNumber(rev) && rev->valuedouble < 0)
        field_error_add(errs, FIELD_INVALID, "revision", rev, "must be greater than or equal to 0");
}

const kapi_strategy strategy_controllerrevisions = {
    .names = NAME_DNS1123_SUBDOMAIN,
    .validate = validate_controllerrevision, .immutable_fields = (const char *const[]){"data", NULL},
};

/* ---- Tables */

static const table_column statefulset_columns[] = {
    {NAME_CELL},
    {FN_CELL("Ready", "string", "Number of the pod with ready state", cell_ready_replicas)},
    {AGE_CELL},
    WIDE_CONTAINER_CELLS("spec.template.spec.containers"),
};

const table_def table_statefulsets = TABLE_OF(statefulset_columns);


static const table_column daemonset_columns[] = {
    {NAME_CELL},
    {INT_CELL("Desired", "integer", "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod). More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/", "status.desiredNumberScheduled", 0)},
    {INT_CELL("Current", "integer", "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/", "status.currentNumberScheduled", 0)},
    {INT_CELL("Ready", "integer", "numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.", "status.numberReady", 0)},
    {INT_CELL("Up-to-date", "integer", "The total number of nodes that are running updated daemon pod", "status.updatedNumberScheduled", 0)},
    {INT_CELL("Available", "integer", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)", "status.numberAvailable", 0)},
    {LABELS_CELL("Node Selector", "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/", "spec.template.spec.nodeSelector")},
    {AGE_CELL},
    WIDE_CONTAINER_CELLS("spec.template.spec.containers"),
    {SELECTOR_CELL("Selector", "A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors", "spec.selector"), WIDE},
};

const table_def table_daemonsets = TABLE_OF(daemonset_columns);


/* printControllerRevision: the controller owner as formatResourceName
 * writes it, the GroupKind lower-cased: "statefulset.apps/web". */
static void controllerrevision_controller(cJSON *cells, const cJSON *cr, const table_column *col, time_t now)
{
    char controller[400] = "<none>";
    const cJSON *o;
    cJSON_ArrayForEach(o, json_at(cr, "metadata.ownerReferences")) {
        if (!cJSON_IsTrue(json_get(o, "controller"))) continue;
        const char *av = json_str(o, "apiVersion"), *slash = strchr(av, '/');
        if (slash) snprintf(controller, sizeof controller, "%s.%.*s/%s", json_str(o, "kind"),
                            (int)(slash - av), av, json_str(o, "name"));
        else snprintf(controller, sizeof controller, "%s/%s", json_str(o, "kind"), json_str(o, "name"));
        for (char *p = controller; *p && *p != '/'; p++)
            if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
        break;
    }
    cell_string(cells, controller);
}

static void controllerrevision_revision(cJSON *cells, const cJSON *cr, const table_column *col, time_t now)
{
    cJSON_AddItemToArray(cells, cJSON_CreateNumber((double)(long long)json_num_at(cr, "revision", 0)));
}

static const table_column controllerrevision_columns[] = {
    {NAME_CELL},
    {FN_CELL("Controller", "string", "Controller of the object", controllerrevision_controller)},
    {FN_CELL("Revision", "string", "Revision indicates the revision of the state represented by Data.", controllerrevision_revision)},
    {AGE_CELL},
};

const table_def table_controllerrevisions = TABLE_OF(controllerrevision_columns);
