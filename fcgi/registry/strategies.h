/* strategies.h: each kind's rules (kube-apiserver's strategy): what a create
 * or update may set, defaults, validation, update rules. One file per kind
 * under registry/kinds/. */
#ifndef KAPI_STRATEGIES_H
#define KAPI_STRATEGIES_H

#include "kinds/resource.h"

extern const kapi_strategy strategy_generic,  /* metadata only */
    strategy_with_status,                    /* status kept on update, cleared on create */
    strategy_leases,                         /* metadata only; a PUT must name resourceVersion */
    strategy_events,                         /* metadata only; a PUT may create */
    strategy_namespaces, strategy_pods, strategy_configmaps, strategy_secrets;

/* registry/kinds/nodes.c: status writable on create, nodes/proxy;
 * registry/kinds/services.c: services/proxy */
extern const kapi_strategy strategy_nodes, strategy_services;
/* registry/kinds/apps.c: Deployments and ReplicaSets (defaults, selector
 * rules, status and scale subresources) */
extern const kapi_strategy strategy_deployments, strategy_replicasets;
/* the scale subresource of apps kinds (spec.replicas), shared with StatefulSets */
struct rest_result apps_serve_subresource(struct rest_call *c, const char *subresource, const char *name);
/* registry/kinds/serviceaccount_token.c: serviceaccounts/token (TokenRequest) */
extern const kapi_strategy strategy_serviceaccounts;
/* registry/kinds/rbac.c: RBAC kinds with kube's validation */
extern const kapi_strategy strategy_roles, strategy_clusterroles, strategy_rolebindings,
    strategy_clusterrolebindings;
/* registry/kinds/reviews.c: access and subject reviews, answered, never stored */
extern const kapi_strategy strategy_selfsubjectaccessreviews, strategy_subjectaccessreviews,
    strategy_localsubjectaccessreviews, strategy_selfsubjectrulesreviews,
    strategy_selfsubjectreviews;

#endif
