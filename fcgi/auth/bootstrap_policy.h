/* bootstrap_policy.h: kube-apiserver's default RBAC policy (the ClusterRoles
 * and ClusterRoleBindings of plugin/pkg/auth/authorizer/rbac/bootstrappolicy
 * as Kubernetes 1.32 creates them, labelled kubernetes.io/bootstrapping=
 * rbac-defaults and annotated rbac.authorization.kubernetes.io/autoupdate),
 * and its reconciliation into the store at every start. */
#ifndef KAPI_BOOTSTRAP_POLICY_H
#define KAPI_BOOTSTRAP_POLICY_H

#include <cjson/cJSON.h>
#include "core/kapi.h"

/* Every object of the policy (ClusterRoles first, then ClusterRoleBindings)
 * as the JSON that is stored. Caller deletes the array. */
cJSON *bootstrap_policy_objects(void);

/* kube's reconciliation (pkg/registry/rbac/reconciliation), in its union
 * mode: missing objects are created; existing ones not annotated
 * autoupdate "false" get the missing labels, annotations, rules, aggregation
 * selectors and subjects added; a binding whose roleRef differs is
 * recreated. Then aggregated ClusterRoles get their rules. All writes go
 * through kapi_handle as system:apiserver. Returns 0, or -1 with messages
 * on stderr. */
int bootstrap_policy_ensure(kapi_ctx *ctx);

#endif
