/* bootstrap_policy.h: kube-apiserver's default RBAC policy (the ClusterRoles
 * and ClusterRoleBindings of plugin/pkg/auth/authorizer/rbac/bootstrappolicy
 * as Kubernetes 1.32 creates them, labelled kubernetes.io/bootstrapping=
 * rbac-defaults and annotated rbac.authorization.kubernetes.io/autoupdate),
 * as data. The apiserver's bootstrap puts it in the store at every start
 * (server/bootstrap_reconcile.c). */
#ifndef KAPI_BOOTSTRAP_POLICY_H
#define KAPI_BOOTSTRAP_POLICY_H

#include <cjson/cJSON.h>
#include "core/kapi.h"

/* Every object of the policy (ClusterRoles first, then ClusterRoleBindings)
 * as the JSON that is stored. Caller deletes the array. */
cJSON *bootstrap_policy_objects(void);

#endif
