/* resources.c: the resource table, one entry per kind kapi serves. It
 * drives routing (http/router.c), discovery (http/discovery.c), registry keys
 * (the key_prefix, with kube-apiserver's special prefixes: services/specs,
 * minions) and each kind's printing and strategy. */
#include <stdio.h>
#include <string.h>
#include "kinds/resource.h"
#include "registry/tables.h"
#include "registry/strategies.h"

#define STD VERBS_ALL

const kapi_resource kapi_resources[] = {
    /* core/v1 */
    {"", "v1", "Namespace", "namespaces", "namespace", "namespaces", {"ns"}, {NULL}, 0,
     VERB_GET | VERB_LIST | VERB_WATCH | VERB_CREATE | VERB_UPDATE | VERB_PATCH | VERB_DELETE,
     &table_namespaces, &strategy_namespaces},
    {"", "v1", "Pod", "pods", "pod", "pods", {"po"}, {"all"}, 1, STD, &table_pods, &strategy_pods},
    {"", "v1", "ServiceAccount", "serviceaccounts", "serviceaccount", "serviceaccounts", {"sa"},
     {NULL}, 1, STD, &table_serviceaccounts, &strategy_generic},
    {"", "v1", "ConfigMap", "configmaps", "configmap", "configmaps", {"cm"}, {NULL}, 1, STD,
     &table_configmaps, &strategy_configmaps},
    {"", "v1", "Secret", "secrets", "secret", "secrets", {NULL}, {NULL}, 1, STD, &table_secrets,
     &strategy_secrets},
    {"", "v1", "Service", "services", "service", "services/specs", {"svc"}, {"all"}, 1,
     VERB_GET | VERB_LIST | VERB_WATCH | VERB_CREATE | VERB_UPDATE | VERB_PATCH | VERB_DELETE |
         VERB_DELETECOLLECTION,
     &table_services, &strategy_with_status},
    {"", "v1", "Event", "events", "event", "events", {"ev"}, {NULL}, 1, STD, &table_events,
     &strategy_generic},
    {"", "v1", "Node", "nodes", "node", "minions", {"no"}, {NULL}, 0, STD, &table_nodes,
     &strategy_with_status},
    /* apps/v1 */
    {"apps", "v1", "Deployment", "deployments", "deployment", "deployments", {"deploy"}, {"all"}, 1,
     STD, &table_deployments, &strategy_deployments},
    {"apps", "v1", "ReplicaSet", "replicasets", "replicaset", "replicasets", {"rs"}, {"all"}, 1,
     STD, &table_replicasets, &strategy_replicasets},
    /* rbac.authorization.k8s.io/v1 */
    {"rbac.authorization.k8s.io", "v1", "Role", "roles", "role", "roles", {NULL}, {NULL}, 1, STD,
     &table_roles, &strategy_roles},
    {"rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", "rolebinding",
     "rolebindings", {NULL}, {NULL}, 1, STD, &table_rolebindings, &strategy_rolebindings},
    {"rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", "clusterrole",
     "clusterroles", {NULL}, {NULL}, 0, STD, &table_clusterroles, &strategy_clusterroles},
    {"rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings",
     "clusterrolebinding", "clusterrolebindings", {NULL}, {NULL}, 0, STD,
     &table_clusterrolebindings, &strategy_clusterrolebindings},
    /* authentication.k8s.io/v1, authorization.k8s.io/v1: create-only reviews */
    {"authentication.k8s.io", "v1", "SelfSubjectReview", "selfsubjectreviews", "selfsubjectreview",
     "selfsubjectreviews", {NULL}, {NULL}, 0, VERB_CREATE, &table_default, &strategy_selfsubjectreviews},
    {"authorization.k8s.io", "v1", "LocalSubjectAccessReview", "localsubjectaccessreviews",
     "localsubjectaccessreview", "localsubjectaccessreviews", {NULL}, {NULL}, 1, VERB_CREATE, &table_default,
     &strategy_localsubjectaccessreviews},
    {"authorization.k8s.io", "v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews",
     "selfsubjectaccessreview", "selfsubjectaccessreviews", {NULL}, {NULL}, 0, VERB_CREATE, &table_default,
     &strategy_selfsubjectaccessreviews},
    {"authorization.k8s.io", "v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews",
     "selfsubjectrulesreview", "selfsubjectrulesreviews", {NULL}, {NULL}, 0, VERB_CREATE, &table_default,
     &strategy_selfsubjectrulesreviews},
    {"authorization.k8s.io", "v1", "SubjectAccessReview", "subjectaccessreviews",
     "subjectaccessreview", "subjectaccessreviews", {NULL}, {NULL}, 0, VERB_CREATE, &table_default,
     &strategy_subjectaccessreviews},
    /* coordination.k8s.io/v1 */
    {"coordination.k8s.io", "v1", "Lease", "leases", "lease", "leases", {NULL}, {NULL}, 1, STD,
     &table_leases, &strategy_generic},
};
const int kapi_n_resources = sizeof kapi_resources / sizeof kapi_resources[0];

const kapi_group kapi_groups[] = {
    {"", "v1"},
    {"apps", "v1"},
    {"authentication.k8s.io", "v1"},
    {"authorization.k8s.io", "v1"},
    {"rbac.authorization.k8s.io", "v1"},
    {"coordination.k8s.io", "v1"},
};
const int kapi_n_groups = sizeof kapi_groups / sizeof kapi_groups[0];

const kapi_resource *resource_find(const char *group, const char *version, const char *plural)
{
    for (int i = 0; i < kapi_n_resources; i++) {
        const kapi_resource *r = &kapi_resources[i];
        if (!strcmp(r->group, group) && !strcmp(r->version, version) && !strcmp(r->plural, plural))
            return r;
    }
    return NULL;
}

/* "group/version" strings, built once at program load (before any thread). */
static char api_versions[64][96];

__attribute__((constructor)) static void build_api_versions(void)
{
    for (int i = 0; i < kapi_n_resources && i < 64; i++) {
        const kapi_resource *r = &kapi_resources[i];
        if (r->group[0]) snprintf(api_versions[i], sizeof api_versions[i], "%s/%s", r->group, r->version);
        else snprintf(api_versions[i], sizeof api_versions[i], "%s", r->version);
    }
}

const char *resource_api_version(const kapi_resource *r)
{
    int idx = (int)(r - kapi_resources);
    return idx >= 0 && idx < 64 ? api_versions[idx] : r->version;
}

char *resource_key(kapi_pool *p, const kapi_resource *r, const char *ns, const char *name)
{
    if (r->namespaced && ns && *ns)
        return name ? kapi_psprintf(p, "/registry/%s/%s/%s", r->key_prefix, ns, name)
                    : kapi_psprintf(p, "/registry/%s/%s/", r->key_prefix, ns);
    return name ? kapi_psprintf(p, "/registry/%s/%s", r->key_prefix, name)
                : kapi_psprintf(p, "/registry/%s/", r->key_prefix);
}
