/* tables_apps.c: server-side printing of the apps/v1 kinds (deployments,
 * replicasets): kube-apiserver's printDeployment and printReplicaSet
 * (pkg/printers/internalversion/printers.go, Kubernetes 1.32), whose column
 * descriptions come from the extensions/v1beta1 swagger docs. spec.replicas
 * reads as 1 when absent, as kube's decoding defaults it. */
#include <stdio.h>
#include "registry/tables.h"
#include "registry/tables_internal.h"

/* ---- deployments */

/* printDeployment's selector: LabelSelectorAsSelector's text, "<invalid>"
 * on error (not FormatLabelSelector's "<error>"/"<none>"). */
static void deployment_selector(cJSON *cells, const cJSON *d, const table_column *col, time_t now)
{
    kapi_buf sel;
    kapi_buf_init(&sel);
    if (label_selector_as_selector_string(json_at(d, "spec.selector"), &sel) < 0) {
        kapi_buf_free(&sel);
        kapi_buf_puts(&sel, "<invalid>");
    }
    cell_buf(cells, &sel);
}

static const table_column deployment_columns[] = {
    {NAME_CELL},
    {FN_CELL("Ready", "string", "Number of the pod with ready state", cell_ready_replicas)},
    {INT_CELL("Up-to-date", "string", "Total number of non-terminated pods targeted by this deployment that have the desired template spec.", "status.updatedReplicas", 0)},
    {INT_CELL("Available", "string", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.", "status.availableReplicas", 0)},
    {AGE_CELL},
    WIDE_CONTAINER_CELLS("spec.template.spec.containers"),
    {FN_CELL("Selector", "string", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.", deployment_selector), WIDE},
};

const table_def table_deployments = TABLE_OF(deployment_columns);

/* ---- replicasets */

static const table_column replicaset_columns[] = {
    {NAME_CELL},
    {INT_CELL("Desired", "integer", "Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller", "spec.replicas", 1)},
    {INT_CELL("Current", "integer", "Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller", "status.replicas", 0)},
    {INT_CELL("Ready", "integer", "The number of ready replicas for this replica set.", "status.readyReplicas", 0)},
    {AGE_CELL},
    WIDE_CONTAINER_CELLS("spec.template.spec.containers"),
    {SELECTOR_CELL("Selector", "Selector is a label query over pods that should match the replica count. If the selector is empty, it is defaulted to the labels present on the pod template. Label keys and values that must match in order to be controlled by this replica set. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors", "spec.selector"), WIDE},
};

const table_def table_replicasets = TABLE_OF(replicaset_columns);
