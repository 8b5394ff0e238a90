/* bootstrap.h: the objects a new cluster starts with, put in place at init
 * and checked again at every start, by the apiserver itself through the
 * in-process client (http/client.h) as system:apiserver. */
#ifndef KAPI_BOOTSTRAP_H
#define KAPI_BOOTSTRAP_H

#include "core/kapi.h"
#include "http/client.h"   /* apiserver_user: who the bootstrap writes as */

/* Creates what is missing: the namespaces default, kube-system, kube-public
 * and kube-node-lease, and the RBAC bootstrap policy; then writes the
 * aggregated rules of ClusterRoles whose stored ones are out of date (what
 * the reconciler's clusterrole-aggregation controller does, done once here
 * so that they are stored as soon as the apiserver serves). Returns 0, or
 * -1 with a message on stderr. */
int bootstrap_ensure(kapi_ctx *ctx);

/* kube's reconciliation of the bootstrap RBAC policy
 * (pkg/registry/rbac/reconciliation), in its union mode: missing objects
 * are created; existing ones not annotated autoupdate "false" get the
 * missing labels, annotations, rules, aggregation selectors and subjects
 * added; a binding whose roleRef differs is recreated
 * (server/bootstrap_reconcile.c). Returns 0, or -1 with messages on
 * stderr. */
int bootstrap_policy_ensure(kapi_ctx *ctx);

#endif
