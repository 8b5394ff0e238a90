/* clusterrole_aggregation.h: the computation of kube's clusterrole-
 * aggregation controller, shared by its two writers: the controller in
 * each reconcile pass (controllers/clusterrole_aggregation.c) and the
 * apiserver's bootstrap at start (server/bootstrap.c). */
#ifndef KAPI_CONTROLLERS_CLUSTERROLE_AGGREGATION_H
#define KAPI_CONTROLLERS_CLUSTERROLE_AGGREGATION_H

#include <cjson/cJSON.h>

/* Given every ClusterRole (a JSON array of objects as the API returns
 * them), the ClusterRoles to write: for each one with an aggregationRule
 * whose stored rules differ from the union of the rules of the ClusterRoles
 * its selectors match (to a fixed point: admin picks edit picks view), a
 * copy with that union as its rules. A new array (maybe empty) the caller
 * deletes; NULL when out of memory. */
cJSON *aggregated_cluster_roles_to_write(const cJSON *cluster_roles);

#endif
