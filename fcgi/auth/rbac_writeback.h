/* rbac_writeback.h: writes the RBAC machinery makes on its own, through the
 * one pipeline (kapi_handle) as system:apiserver: the aggregated rules of
 * ClusterRoles (kube's clusterrole-aggregation controller) and the
 * bootstrap policy's objects. */
#ifndef KAPI_RBAC_WRITEBACK_H
#define KAPI_RBAC_WRITEBACK_H

#include <cjson/cJSON.h>
#include "auth/rbac_policy.h"
#include "core/kapi.h"

/* One in-process request as system:apiserver (group system:masters).
 * Returns the HTTP status; *reply (may be NULL) gets the parsed response
 * body, which the caller deletes. body may be NULL. */
int rbac_internal_call(kapi_ctx *ctx, const char *method, const char *path, const cJSON *body,
                       cJSON **reply);

/* Updates every stale aggregated ClusterRole of p to its aggregated rules
 * (optimistic concurrency: a conflict is left to the next rebuild).
 * Returns the number written. */
int rbac_write_aggregated_rules(kapi_ctx *ctx, const rbac_policy *p);

#endif
