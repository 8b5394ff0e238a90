/* rbac.h: role-based access control as kube-apiserver's RBAC authorizer
 * does it (plugin/pkg/auth/authorizer/rbac, pkg/registry/rbac/validation):
 * policy rules and how they match request attributes, which rules cover
 * which (escalation checks), the compact rule text of kube's messages, and
 * the authorizer over the stored Roles, ClusterRoles and their bindings.
 *
 * Rules are five NULL-terminated string lists (NULL is an empty list), so
 * static policy data and rules parsed from stored objects share one type. */
#ifndef KAPI_RBAC_H
#define KAPI_RBAC_H

#include <cjson/cJSON.h>
#include "core/goquote.h"  /* go_quote, go_quote_list: rbac messages quote with them */
#include "core/kapi.h"

typedef struct rbac_rule {
    const char *const *verbs;
    const char *const *api_groups;
    const char *const *resources;
    const char *const *resource_names;
    const char *const *urls;            /* nonResourceURLs */
} rbac_rule;

/* What is being asked, as kube's authorizer.Attributes. Strings are never
 * NULL ("" when absent). */
typedef struct rbac_attrs {
    const kapi_user *user;
    const char *verb;
    int is_resource;
    const char *api_group;
    const char *resource;
    const char *subresource;
    const char *ns;
    const char *name;
    const char *path;                   /* non-resource requests */
} rbac_attrs;

/* ---- rules (auth/rbac_rules.c) */

int rbac_list_len(const char *const *list);
int rbac_list_has(const char *const *list, const char *s);

/* RuleAllows: verb, group, resource ("pods/log", or "* /log" for any
 * resource's subresource), resourceNames; or verb and a nonResourceURL
 * (exact, "*", or a prefix ending in '*'). */
int rbac_rule_allows(const rbac_rule *rule, const rbac_attrs *a);
int rbac_rules_allow(const rbac_rule *rules, int n, const rbac_attrs *a);

/* Covers: 1 if owner rules cover every servant rule. The servant rules are
 * broken down to one verb, group, resource and name each; the ones no owner
 * rule covers go to *missing (pool memory, *n_missing of them) when missing
 * is not NULL. */
int rbac_covers(kapi_pool *p, const rbac_rule *owner, int n_owner, const rbac_rule *servant,
                int n_servant, rbac_rule **missing, int *n_missing);

/* CompactRules: rules with one group and one resource and nothing else
 * that differ only by verb become one rule. Returns the count in *out. */
int rbac_compact(kapi_pool *p, const rbac_rule *in, int n, rbac_rule **out);

/* rbacv1helpers.CompactString: {APIGroups:["apps"], Resources:["pods"], Verbs:["get"]}. */
void rbac_rule_compact_string(const rbac_rule *r, kapi_buf *out);

/* Semantic equality (empty and missing lists are equal). */
int rbac_rule_equal(const rbac_rule *a, const rbac_rule *b);


/* A PolicyRule object into r (strings in the pool); -1 if not an object. */
int rbac_rule_from_json(kapi_pool *p, const cJSON *obj, rbac_rule *r);
/* The rules array of a Role or ClusterRole (missing or null: none). */
int rbac_rules_from_json(kapi_pool *p, const cJSON *rules, rbac_rule **out);
/* A PolicyRule object in kube's field order. Caller owns it. */
cJSON *rbac_rule_to_json(const rbac_rule *r);

/* ---- the authorizer (auth/rbac.c) */

/* RBAC's decision for a: 1 allowed (with *reason "RBAC: allowed by ..."),
 * 0 no opinion (*reason empty, or "RBAC: <resolution errors>"). The reason
 * is in the pool. */
int rbac_authorize(kapi_ctx *ctx, kapi_pool *p, const rbac_attrs *a, const char **reason);

/* Every rule that applies to user in namespace ns ("" for cluster-wide
 * only), as RulesFor. registry_errors words missing roles as the registry
 * does ("roles.rbac.authorization.k8s.io") rather than as the authorizer's
 * listers ("role.rbac.authorization.k8s.io"). *errors (may be NULL) gets
 * the aggregated resolution errors or NULL. Returns the count, -1 if the
 * policy could not be read. */
int rbac_rules_for(kapi_ctx *ctx, kapi_pool *p, const kapi_user *user, const char *ns,
                   int registry_errors, rbac_rule **out, const char **errors);

/* The rules of a binding's roleRef (kind "Role" in ns, or "ClusterRole").
 * Returns the count, or -1 with kube's registry error in *err (a 404
 * `roles.rbac.authorization.k8s.io "x" not found`, *err_rc KAPI_NOT_FOUND). */
int rbac_role_ref_rules(kapi_ctx *ctx, kapi_pool *p, const char *kind, const char *name,
                        const char *ns, rbac_rule **out, const char **err, kapi_rc *err_rc);

/* 1 if user is in group. */
int user_in_group(const kapi_user *u, const char *group);

#endif
