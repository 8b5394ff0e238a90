/* tables_apps.c: server-side printing of the apps/v1 kinds (deployments,
 * replicasets): kube-apiserver's printDeployment and printReplicaSet
 * (pkg/printers/internalversion/printers.go, Kubernetes 1.32), whose column
 * descriptions come from the extensions/v1beta1 swagger docs. spec.replicas
 * reads as 1 when absent, as kube's decoding defaults it. */
#include <stdio.h>
#include "registry/tables.h"
#include "registry/tables_internal.h"

/* ---- deployments */

static const table_column deployment_columns[] = {
    {"Name", "string", "name", DOC_OBJECTMETA_NAME, 0},
    {"Ready", "string", "", "Number of the pod with ready state", 0},
    {"Up-to-date", "string", "", "Total number of non-terminated pods targeted by this deployment that have the desired template spec.", 0},
    {"Available", "string", "", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.", 0},
    {"Age", "string", "", DOC_OBJECTMETA_CREATION_TIMESTAMP, 0},
    {"Containers", "string", "", DOC_CONTAINERS, 1},
    {"Images", "string", "", DOC_IMAGES, 1},
    {"Selector", "string", "", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.", 1},
};

static void deployment_row(const cJSON *d, cJSON *cells, time_t now)
{
    char ready[64];
    snprintf(ready, sizeof ready, "%lld/%lld", tj_int(d, "status.readyReplicas", 0),
             tj_int(d, "spec.replicas", 1));
    cell_name(cells, d);
    cell_string(cells, ready);
    cell_integer(cells, tj_int(d, "status.updatedReplicas", 0));
    cell_integer(cells, tj_int(d, "status.availableReplicas", 0));
    cell_age(cells, d, now);
    container_cells(json_at(d, "spec.template.spec.containers"), cells);
    kapi_buf sel;
    kapi_buf_init(&sel);
    if (label_selector_as_selector_string(json_at(d, "spec.selector"), &sel) < 0) {
        kapi_buf_free(&sel);
        kapi_buf_puts(&sel, "<invalid>");
    }
    cell_buf(cells, &sel);
}

const table_def table_deployments = {deployment_columns, 8, deployment_row, NULL};

/* ---- replicasets */

static const table_column replicaset_columns[] = {
    {"Name", "string", "name", DOC_OBJECTMETA_NAME, 0},
    {"Desired", "integer", "", "Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller", 0},
    {"Current", "integer", "", "Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller", 0},
    {"Ready", "integer", "", "The number of ready replicas for this replica set.", 0},
    {"Age", "string", "", DOC_OBJECTMETA_CREATION_TIMESTAMP, 0},
    {"Containers", "string", "", DOC_CONTAINERS, 1},
    {"Images", "string", "", DOC_IMAGES, 1},
    {"Selector", "string", "", "Selector is a label query over pods that should match the replica count. If the selector is empty, it is defaulted to the labels present on the pod template. Label keys and values that must match in order to be controlled by this replica set. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors", 1},
};

static void replicaset_row(const cJSON *rs, cJSON *cells, time_t now)
{
    cell_name(cells, rs);
    cell_integer(cells, tj_int(rs, "spec.replicas", 1));
    cell_integer(cells, tj_int(rs, "status.replicas", 0));
    cell_integer(cells, tj_int(rs, "status.readyReplicas", 0));
    cell_age(cells, rs, now);
    container_cells(json_at(rs, "spec.template.spec.containers"), cells);
    cell_label_selector(cells, json_at(rs, "spec.selector"));
}

const table_def table_replicasets = {replicaset_columns, 8, replicaset_row, NULL};
