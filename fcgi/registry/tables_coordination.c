/* tables_coordination.c: server-side printing of coordination.k8s.io Leases
 * (kube-apiserver's printLease, Kubernetes 1.32): NAME, HOLDER, AGE. */
#include "registry/tables.h"
#include "registry/tables_internal.h"

static const table_column lease_columns[] = {
    {NAME_CELL},
    {TEXT_CELL("Holder", "holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field.", "spec.holderIdentity", "")},
    {AGE_CELL},
};

const table_def table_leases = TABLE_OF(lease_columns);
