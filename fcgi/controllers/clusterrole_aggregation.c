/* clusterrole_aggregation.c: kube's clusterrole-aggregation controller
 * (pkg/controller/clusterroleaggregation). A ClusterRole with an
 * aggregationRule gets, as its rules, the rules of the ClusterRoles its
 * selectors match (sorted by name, itself excluded, each rule once),
 * written through the API when they differ from the stored ones, so that
 * `kubectl get clusterrole admin -o yaml` shows them.
 *
 * The union is computed as the authorizer computes it for its snapshot
 * (auth/rbac_policy.c, to a fixed point), so what is stored is exactly what
 * authorization already uses: one pass writes each stale role once, and
 * the next round finds nothing to do. The apiserver's bootstrap runs the
 * same computation at start (server/bootstrap.c). */
#include <stdio.h>
#include "auth/rbac_policy.h"
#include "controllers/clusterrole_aggregation.h"
#include "controllers/controllers.h"

/* The aggregated rules as ClusterRole.rules holds them (null for none,
 * as a Go nil slice encodes). */
static cJSON *rules_json(const rbac_role *r)
{
    if (r->n_rules == 0) return cJSON_CreateNull();
    cJSON *rules = cJSON_CreateArray();
    for (int i = 0; rules && i < r->n_rules; i++) cJSON_AddItemToArray(rules, rbac_rule_to_json(&r->rules[i]));
    return rules;
}

static const char *name_of(const cJSON *obj)
{
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(obj, "metadata"), "name");
    return cJSON_IsString(name) ? name->valuestring : NULL;
}

cJSON *aggregated_cluster_roles_to_write(const cJSON *cluster_roles)
{
    rbac_policy *policy = rbac_policy_new();
    cJSON *out = cJSON_CreateArray();
    if (!policy || !out) {
        rbac_policy_free(policy);
        cJSON_Delete(out);
        return NULL;
    }
    const cJSON *obj;
    cJSON_ArrayForEach(obj, cluster_roles) rbac_policy_add(policy, "ClusterRole", obj);
    rbac_policy_finish(policy);
    cJSON_ArrayForEach(obj, cluster_roles) {
        const char *name = name_of(obj);
        const rbac_role *r = name ? rbac_find_cluster_role(policy, name) : NULL;
        if (!r || !r->stale) continue;
        cJSON *copy = cJSON_Duplicate(obj, 1);
        cJSON *rules = rules_json(r);
        if (!copy || !rules) {
            cJSON_Delete(copy);
            cJSON_Delete(rules);
            continue;
        }
        if (cJSON_HasObjectItem(copy, "rules")) cJSON_ReplaceItemInObjectCaseSensitive(copy, "rules", rules);
        else cJSON_AddItemToObject(copy, "rules", rules);
        cJSON_AddItemToArray(out, copy);
    }
    rbac_policy_free(policy);
    return out;
}

void clusterrole_aggregation_controller(pass *p)
{
    const kapi_resource *res = resource_by_plural("rbac.authorization.k8s.io", "clusterroles");
    kind_cache *k = res ? cache_kind(p, res) : NULL;
    if (!k) return;
    cJSON *roles = cJSON_CreateArray();
    if (!roles) return;
    for (int i = 0; i < k->all.n; i++)
        if (!k->all.items[i]->gone) cJSON_AddItemReferenceToArray(roles, k->all.items[i]->obj);
    cJSON *stale = aggregated_cluster_roles_to_write(roles);
    cJSON_Delete(roles);   /* references only: the cached objects stay */
    const cJSON *role;
    cJSON_ArrayForEach(role, stale)
        if (pass_may_write(p))
            api_update(p, res, role, NULL, "aggregated from the ClusterRoles its aggregationRule selects");
    cJSON_Delete(stale);
}
