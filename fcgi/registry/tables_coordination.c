/* tables_coordination.c: server-side printing of coordination.k8s.io Leases
 * (kube-apiserver's printLease, Kubernetes 1.32): NAME, HOLDER, AGE. */
#include "registry/tables.h"
#include "registry/tables_internal.h"

static const table_column lease_columns[] = {
    {"Name", "string", "name", DOC_OBJECTMETA_NAME, 0},
    {"Holder", "string", "", "holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field.", 0},
    {"Age", "string", "", DOC_OBJECTMETA_CREATION_TIMESTAMP, 0},
};

static void lease_row(const cJSON *lease, cJSON *cells, time_t now)
{
    cell_name(cells, lease);
    cell_string(cells, json_str_at(lease, "spec.holderIdentity", NULL));
    cell_age(cells, lease, now);
}

const table_def table_leases = {lease_columns, 3, lease_row, NULL};
