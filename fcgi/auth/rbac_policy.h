/* rbac_policy.h: the RBAC objects of the store, compiled for evaluation
 * (auth/rbac_policy.c) and cached per process (auth/rbac_cache.c).
 *
 * A snapshot is immutable once built and reference counted: a request takes
 * one, evaluates against it and gives it back, while another thread may
 * replace the cached one. ClusterRoles with an aggregationRule carry the
 * rules aggregated from the ClusterRoles their selectors pick (to a fixed
 * point), whatever their stored rules say: authorization does not wait for
 * kube's clusterrole-aggregation controller to write them. Nothing here
 * writes; `stale` tells the writers (controllers/clusterrole_aggregation.c)
 * which stored rules are out of date. */
#ifndef KAPI_RBAC_POLICY_H
#define KAPI_RBAC_POLICY_H

#include <stdint.h>
#include "auth/rbac.h"
#include "store/store.h"

typedef struct rbac_role {
    const char *ns;            /* "" for ClusterRoles */
    const char *name;
    rbac_rule *rules;          /* aggregated ones for aggregated ClusterRoles */
    int n_rules;
    rbac_rule *stored_rules;   /* as stored (differs when stale) */
    int n_stored_rules;
    const cJSON *labels;       /* in the snapshot's pool */
    const cJSON *selectors;    /* aggregationRule.clusterRoleSelectors (an
                                * array of metav1.LabelSelector), in the pool */
    int aggregated;            /* has an aggregationRule */
    int stale;                 /* aggregated rules differ from the stored ones */
    const char *resource_version;
} rbac_role;

typedef struct rbac_subject {
    const char *kind, *api_group, *name, *ns;
} rbac_subject;

typedef struct rbac_binding {
    const char *ns;            /* "" for ClusterRoleBindings */
    const char *name;
    const char *role_kind, *role_name;
    rbac_subject *subjects;
    int n_subjects;
} rbac_binding;

typedef struct rbac_policy {
    kapi_pool *pool;           /* everything below lives here */
    int refs;                  /* guarded by the cache's lock */
    int64_t revision;          /* the store revision it was read at */
    rbac_role *cluster_roles;  /* sorted by name */
    int n_cluster_roles;
    rbac_role *roles;          /* sorted by namespace, then name */
    int n_roles;
    rbac_binding *cluster_bindings;   /* in key order */
    int n_cluster_bindings;
    rbac_binding *bindings;    /* sorted by namespace, then name */
    int n_bindings;
    int n_stale;               /* aggregated ClusterRoles whose stored rules are stale */
} rbac_policy;

/* ---- building (auth/rbac_policy.c) */

/* An empty policy in a fresh pool. */
rbac_policy *rbac_policy_new(void);
void rbac_policy_free(rbac_policy *p);
/* Adds one stored object of the given kind ("ClusterRole", "Role",
 * "ClusterRoleBinding", "RoleBinding"); odd objects are skipped. */
void rbac_policy_add(rbac_policy *p, const char *kind, const cJSON *obj);
/* Sorts, and computes aggregated ClusterRoles; call once after adding. */
void rbac_policy_finish(rbac_policy *p);

/* Reads every RBAC object of the store into a new policy; NULL on a store
 * error. */
rbac_policy *rbac_policy_load(store *s);

/* ---- lookups */
const rbac_role *rbac_find_cluster_role(const rbac_policy *p, const char *name);
const rbac_role *rbac_find_role(const rbac_policy *p, const char *ns, const char *name);

/* Calls visit for each rule that applies to user in ns (ClusterRoleBindings
 * first, then the RoleBindings of ns), with the binding and subject it came
 * from; or with rule NULL and err set for a roleRef that does not resolve
 * (worded as the authorizer's listers, or as the registry when
 * registry_errors). visit returns 0 to stop. */
typedef int (*rbac_visit_fn)(void *arg, const rbac_binding *b, const rbac_subject *s,
                             const rbac_rule *rule, const char *err);
void rbac_visit_rules_for(const rbac_policy *p, kapi_pool *pool, const kapi_user *user,
                          const char *ns, int registry_errors, rbac_visit_fn visit, void *arg);

/* 1 if subject (of a binding in ns, "" for cluster bindings) names user. */
int rbac_subject_applies(const rbac_subject *s, const kapi_user *user, const char *ns);

/* "ClusterRoleBinding \"x\" of ClusterRole \"y\" to Group \"z\"" (pool). */
const char *rbac_describe_source(kapi_pool *pool, const rbac_binding *b, const rbac_subject *s);

/* ---- the per-process cache (auth/rbac_cache.c) */

/* The policy as of the store's current revision, with a reference the
 * caller gives back with rbac_policy_release. NULL if the store cannot be
 * read. Rebuilds only when RBAC objects changed since the cached one. */
rbac_policy *rbac_policy_acquire(kapi_ctx *ctx);
void rbac_policy_release(rbac_policy *p);
/* Forgets the cached policy (tests; another database in the same process). */
void rbac_cache_reset(void);

#endif
