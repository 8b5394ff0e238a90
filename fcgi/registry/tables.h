/* tables.h: each kind's server-side printing (the columns kube-apiserver's
 * printers give `kubectl get`), and the builder of meta.k8s.io/v1 Tables. */
#ifndef KAPI_TABLES_H
#define KAPI_TABLES_H

#include <time.h>
#include "kinds/resource.h"

extern const table_def table_namespaces, table_pods, table_serviceaccounts, table_configmaps,
    table_secrets, table_services, table_events, table_nodes, table_deployments,
    table_replicasets, table_roles, table_rolebindings, table_clusterroles,
    table_clusterrolebindings, table_leases, table_default;

typedef enum table_include { INCLUDE_NONE, INCLUDE_METADATA, INCLUDE_OBJECT } table_include;

/* Builds a Table for items (a cJSON array of objects, not consumed) of
 * resource r: {"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":
 * {"resourceVersion":rv[,"continue":cont]},"columnDefinitions":[...],
 * "rows":[{"cells":[...],"object":{...}}]}. include chooses what each row's
 * object is: nothing, a PartialObjectMetadata (kubectl's default) or the
 * whole object. api_version is "meta.k8s.io/v1" or "meta.k8s.io/v1beta1".
 * Caller frees. */
cJSON *table_build(const kapi_resource *r, const cJSON *items, table_include include,
                   const char *api_version, const char *rv, const char *cont, time_t now);

/* kube's duration.HumanDuration of now - the object's creationTimestamp
 * ("5s", "3m20s", "2d3h", "<unknown>" when the timestamp is missing). */
void table_age(const cJSON *obj, time_t now, char *out, size_t n);

#endif
