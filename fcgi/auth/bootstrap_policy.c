/* bootstrap_policy.c: the data of kube-apiserver 1.32's bootstrap RBAC
 * policy (bootstrappolicy/policy.go, as its testdata/cluster-roles.yaml and
 * cluster-role-bindings.yaml record it), verbs and resources sorted as
 * kube's rule builder sorts them. The system:controller:* roles are left
 * out: kapi's reconciler runs as one identity, system:kube-controller-manager,
 * whose role here adds to kube's rules those of the controllers kapi runs
 * (deployment, replicaset, garbage collector, serviceaccount, namespace,
 * root-ca-cert-publisher, clusterrole-aggregation) and its leader-election
 * Lease. */
#include <string.h>
#include "auth/bootstrap_policy.h"
#include "auth/rbac.h"

#define L(...) ((const char *const[]){__VA_ARGS__, NULL})
#define RULE(v, g, r) {.verbs = (v), .api_groups = (g), .resources = (r)}
#define NAMED(v, g, r, n) {.verbs = (v), .api_groups = (g), .resources = (r), .resource_names = (n)}
#define URLS(v, u) {.verbs = (v), .urls = (u)}

#define READ L("get", "list", "watch")
#define WRITE L("create", "delete", "deletecollection", "patch", "update")
#define READ_WRITE L("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
#define CORE L("")
#define EVENTS_RULE RULE(L("create", "patch", "update"), L("", "events.k8s.io"), L("events"))

static const rbac_rule cluster_admin[] = {
    RULE(L("*"), L("*"), L("*")),
    URLS(L("*"), L("*")),
};

static const rbac_rule aggregate_to_admin[] = {
    RULE(L("create"), L("authorization.k8s.io"), L("localsubjectaccessreviews")),
    RULE(READ_WRITE, L("rbac.authorization.k8s.io"), L("rolebindings", "roles")),
};

static const rbac_rule aggregate_to_edit[] = {
    RULE(READ, CORE, L("pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets",
                       "services/proxy")),
    RULE(L("impersonate"), CORE, L("serviceaccounts")),
    RULE(WRITE, CORE, L("pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy")),
    RULE(L("create"), CORE, L("pods/eviction")),
    RULE(WRITE, CORE, L("configmaps", "events", "persistentvolumeclaims", "replicationcontrollers",
                        "replicationcontrollers/scale", "secrets", "serviceaccounts", "services",
                        "services/proxy")),
    RULE(L("create"), CORE, L("serviceaccounts/token")),
    RULE(WRITE, L("apps"), L("daemonsets", "deployments", "deployments/rollback", "deployments/scale",
                             "replicasets", "replicasets/scale", "statefulsets",
                             "statefulsets/scale")),
    RULE(WRITE, L("autoscaling"), L("horizontalpodautoscalers")),
    RULE(WRITE, L("batch"), L("cronjobs", "jobs")),
    RULE(WRITE, L("extensions"), L("daemonsets", "deployments", "deployments/rollback",
                                   "deployments/scale", "ingresses", "networkpolicies", "replicasets",
                                   "replicasets/scale", "replicationcontrollers/scale")),
    RULE(WRITE, L("policy"), L("poddisruptionbudgets")),
    RULE(WRITE, L("networking.k8s.io"), L("ingresses", "networkpolicies")),
    RULE(READ_WRITE, L("coordination.k8s.io"), L("leases")),
};

static const rbac_rule aggregate_to_view[] = {
    RULE(READ, CORE, L("configmaps", "endpoints", "persistentvolumeclaims",
                       "persistentvolumeclaims/status", "pods", "replicationcontrollers",
                       "replicationcontrollers/scale", "serviceaccounts", "services",
                       "services/status")),
    RULE(READ, CORE, L("bindings", "events", "limitranges", "namespaces/status", "pods/log",
                       "pods/status", "replicationcontrollers/status", "resourcequotas",
                       "resourcequotas/status")),
    RULE(READ, CORE, L("namespaces")),
    RULE(READ, L("discovery.k8s.io"), L("endpointslices")),
    RULE(READ, L("apps"), L("controllerrevisions", "daemonsets", "daemonsets/status", "deployments",
                            "deployments/scale", "deployments/status", "replicasets",
                            "replicasets/scale", "replicasets/status", "statefulsets",
                            "statefulsets/scale", "statefulsets/status")),
    RULE(READ, L("autoscaling"), L("horizontalpodautoscalers", "horizontalpodautoscalers/status")),
    RULE(READ, L("batch"), L("cronjobs", "cronjobs/status", "jobs", "jobs/status")),
    RULE(READ, L("extensions"), L("daemonsets", "daemonsets/status", "deployments", "deployments/scale",
                                  "deployments/status", "ingresses", "ingresses/status",
                                  "networkpolicies", "replicasets", "replicasets/scale",
                                  "replicasets/status", "replicationcontrollers/scale")),
    RULE(READ, L("policy"), L("poddisruptionbudgets", "poddisruptionbudgets/status")),
    RULE(READ, L("networking.k8s.io"), L("ingresses", "ingresses/status", "networkpolicies")),
};

static const rbac_rule auth_delegator[] = {
    RULE(L("create"), L("authentication.k8s.io"), L("tokenreviews")),
    RULE(L("create"), L("authorization.k8s.io"), L("subjectaccessreviews")),
};

static const rbac_rule basic_user[] = {
    RULE(L("create"), L("authorization.k8s.io"), L("selfsubjectaccessreviews", "selfsubjectrulesreviews")),
    RULE(L("create"), L("authentication.k8s.io"), L("selfsubjectreviews")),
};

static const rbac_rule csr_nodeclient[] = {
    RULE(L("create"), L("certificates.k8s.io"), L("certificatesigningrequests/nodeclient")),
};
static const rbac_rule csr_selfnodeclient[] = {
    RULE(L("create"), L("certificates.k8s.io"), L("certificatesigningrequests/selfnodeclient")),
};
static const rbac_rule approver_client[] = {
    NAMED(L("approve"), L("certificates.k8s.io"), L("signers"), L("kubernetes.io/kube-apiserver-client")),
};
static const rbac_rule approver_client_kubelet[] = {
    NAMED(L("approve"), L("certificates.k8s.io"), L("signers"),
          L("kubernetes.io/kube-apiserver-client-kubelet")),
};
static const rbac_rule approver_kubelet_serving[] = {
    NAMED(L("approve"), L("certificates.k8s.io"), L("signers"), L("kubernetes.io/kubelet-serving")),
};
static const rbac_rule approver_legacy_unknown[] = {
    NAMED(L("approve"), L("certificates.k8s.io"), L("signers"), L("kubernetes.io/legacy-unknown")),
};

static const rbac_rule discovery[] = {
    URLS(L("get"), L("/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi",
                     "/openapi/*", "/readyz", "/version", "/version/")),
};

static const rbac_rule heapster[] = {
    RULE(READ, CORE, L("events", "namespaces", "nodes", "pods")),
    RULE(READ, L("extensions"), L("deployments")),
};

static const rbac_rule kube_aggregator[] = {
    RULE(READ, CORE, L("endpoints", "services")),
};

static const rbac_rule kube_controller_manager[] = {
    /* kube's own */
    EVENTS_RULE,
    RULE(L("create"), L("coordination.k8s.io"), L("leases")),
    NAMED(L("get", "update"), L("coordination.k8s.io"), L("leases"), L("kube-controller-manager")),
    RULE(L("create"), CORE, L("secrets", "serviceaccounts")),
    RULE(L("delete"), CORE, L("secrets")),
    RULE(L("get"), CORE, L("configmaps", "namespaces", "secrets", "serviceaccounts")),
    RULE(L("update"), CORE, L("secrets", "serviceaccounts")),
    RULE(L("create"), L("authentication.k8s.io"), L("tokenreviews")),
    RULE(L("create"), L("authorization.k8s.io"), L("subjectaccessreviews")),
    RULE(L("list", "watch"), L("*"), L("*")),
    RULE(L("create"), CORE, L("serviceaccounts/token")),
    /* kapi: its reconciler's leader-election Lease, whatever its name */
    RULE(L("delete", "get", "patch", "update"), L("coordination.k8s.io"), L("leases")),
    /* kapi: system:controller:deployment-controller */
    RULE(L("get", "list", "update", "watch"), L("extensions", "apps"), L("deployments")),
    RULE(L("patch", "update"), L("extensions", "apps"), L("deployments/finalizers", "deployments/status")),
    RULE(L("create", "delete", "get", "list", "patch", "update", "watch"), L("apps", "extensions"),
         L("replicasets")),
    RULE(L("get", "list", "update", "watch"), CORE, L("pods")),
    /* kapi: system:controller:replicaset-controller */
    RULE(L("patch", "update"), L("apps", "extensions"), L("replicasets/finalizers", "replicasets/status")),
    RULE(L("create", "delete", "list", "patch", "watch"), CORE, L("pods")),
    /* kapi: system:controller:generic-garbage-collector */
    RULE(L("delete", "get", "list", "patch", "update", "watch"), L("*"), L("*")),
    /* kapi: system:controller:service-account-controller */
    RULE(L("create"), CORE, L("serviceaccounts")),
    /* kapi: system:controller:namespace-controller */
    RULE(L("delete", "get", "list", "watch"), CORE, L("namespaces")),
    RULE(L("update"), CORE, L("namespaces/finalize", "namespaces/status")),
    RULE(L("delete", "deletecollection", "get", "list", "watch"), L("*"), L("*")),
    /* kapi: system:controller:root-ca-cert-publisher */
    RULE(L("create", "update"), CORE, L("configmaps")),
    /* kapi: system:controller:clusterrole-aggregation-controller */
    RULE(L("escalate", "get", "list", "patch", "update", "watch"), L("rbac.authorization.k8s.io"),
         L("clusterroles")),
};

static const rbac_rule kube_dns[] = {
    RULE(L("list", "watch"), CORE, L("endpoints", "services")),
};

static const rbac_rule kube_scheduler[] = {
    EVENTS_RULE,
    RULE(L("create"), L("coordination.k8s.io"), L("leases")),
    NAMED(L("get", "update"), L("coordination.k8s.io"), L("leases"), L("kube-scheduler")),
    RULE(READ, CORE, L("nodes")),
    RULE(L("delete", "get", "list", "watch"), CORE, L("pods")),
    RULE(L("create"), CORE, L("bindings", "pods/binding")),
    RULE(L("patch", "update"), CORE, L("pods/status")),
    RULE(READ, CORE, L("replicationcontrollers", "services")),
    RULE(READ, L("apps", "extensions"), L("replicasets")),
    RULE(READ, L("apps"), L("statefulsets")),
    RULE(READ, L("policy"), L("poddisruptionbudgets")),
    RULE(READ, CORE, L("persistentvolumeclaims", "persistentvolumes")),
    RULE(L("create"), L("authentication.k8s.io"), L("tokenreviews")),
    RULE(L("create"), L("authorization.k8s.io"), L("subjectaccessreviews")),
    RULE(READ, L("storage.k8s.io"), L("csinodes")),
    RULE(READ, CORE, L("namespaces")),
    RULE(READ, L("storage.k8s.io"), L("csidrivers")),
    RULE(READ, L("storage.k8s.io"), L("csistoragecapacities")),
};

static const rbac_rule kubelet_api_admin[] = {
    RULE(READ, CORE, L("nodes")),
    RULE(L("proxy"), CORE, L("nodes")),
    RULE(L("*"), CORE, L("nodes/log", "nodes/metrics", "nodes/proxy", "nodes/stats")),
};

static const rbac_rule monitoring[] = {
    URLS(L("get"), L("/healthz", "/healthz/*", "/livez", "/livez/*", "/metrics", "/metrics/slis",
                     "/readyz", "/readyz/*")),
};

static const rbac_rule node[] = {
    RULE(L("create"), L("authentication.k8s.io"), L("tokenreviews")),
    RULE(L("create"), L("authorization.k8s.io"), L("localsubjectaccessreviews", "subjectaccessreviews")),
    RULE(READ, CORE, L("services")),
    RULE(L("create", "get", "list", "watch"), CORE, L("nodes")),
    RULE(L("patch", "update"), CORE, L("nodes/status")),
    RULE(L("patch", "update"), CORE, L("nodes")),
    RULE(L("create", "patch", "update"), CORE, L("events")),
    RULE(READ, CORE, L("pods")),
    RULE(L("create", "delete"), CORE, L("pods")),
    RULE(L("patch", "update"), CORE, L("pods/status")),
    RULE(L("create"), CORE, L("pods/eviction")),
    RULE(READ, CORE, L("configmaps", "secrets")),
    RULE(L("get"), CORE, L("persistentvolumeclaims", "persistentvolumes")),
    RULE(L("get"), CORE, L("endpoints")),
    RULE(L("create", "get", "list", "watch"), L("certificates.k8s.io"), L("certificatesigningrequests")),
    RULE(L("create", "delete", "get", "patch", "update"), L("coordination.k8s.io"), L("leases")),
    RULE(L("get"), L("storage.k8s.io"), L("volumeattachments")),
    RULE(L("create"), CORE, L("serviceaccounts/token")),
    RULE(L("get", "patch", "update"), CORE, L("persistentvolumeclaims/status")),
    RULE(READ, L("storage.k8s.io"), L("csidrivers")),
    RULE(L("create", "delete", "get", "patch", "update"), L("storage.k8s.io"), L("csinodes")),
    RULE(READ, L("node.k8s.io"), L("runtimeclasses")),
};

static const rbac_rule node_bootstrapper[] = {
    RULE(L("create", "get", "list", "watch"), L("certificates.k8s.io"), L("certificatesigningrequests")),
};

static const rbac_rule node_problem_detector[] = {
    RULE(L("get"), CORE, L("nodes")),
    RULE(L("patch"), CORE, L("nodes/status")),
    EVENTS_RULE,
};

static const rbac_rule node_proxier[] = {
    RULE(L("list", "watch"), CORE, L("endpoints", "services")),
    RULE(READ, CORE, L("nodes")),
    EVENTS_RULE,
    RULE(L("list", "watch"), L("discovery.k8s.io"), L("endpointslices")),
};

static const rbac_rule pv_provisioner[] = {
    RULE(L("create", "delete", "get", "list", "watch"), CORE, L("persistentvolumes")),
    RULE(L("get", "list", "update", "watch"), CORE, L("persistentvolumeclaims")),
    RULE(READ, L("storage.k8s.io"), L("storageclasses")),
    RULE(L("watch"), CORE, L("events")),
    EVENTS_RULE,
};

static const rbac_rule public_info_viewer[] = {
    URLS(L("get"), L("/healthz", "/livez", "/readyz", "/version", "/version/")),
};

static const rbac_rule sa_issuer_discovery[] = {
    URLS(L("get"), L("/.well-known/openid-configuration", "/openid/v1/jwks")),
};

static const rbac_rule volume_scheduler[] = {
    RULE(L("get", "list", "patch", "update", "watch"), CORE, L("persistentvolumes")),
    RULE(READ, L("storage.k8s.io"), L("storageclasses")),
    RULE(L("get", "list", "patch", "update", "watch"), CORE, L("persistentvolumeclaims")),
};

typedef struct policy_role {
    const char *name;
    const char *label;          /* an extra "<label>": "true", or NULL */
    const char *aggregate_from; /* aggregationRule matchLabels "<key>": "true", or NULL */
    const rbac_rule *rules;
    int n_rules;
} policy_role;

#define N(a) (int)(sizeof(a) / sizeof((a)[0]))
#define ROLE(name, rules) {name, NULL, NULL, rules, N(rules)}
#define TO_ADMIN "rbac.authorization.k8s.io/aggregate-to-admin"
#define TO_EDIT "rbac.authorization.k8s.io/aggregate-to-edit"
#define TO_VIEW "rbac.authorization.k8s.io/aggregate-to-view"

/* in the order of cluster-roles.yaml (by name) */
static const policy_role roles[] = {
    {"admin", NULL, TO_ADMIN, NULL, 0},
    ROLE("cluster-admin", cluster_admin),
    {"edit", TO_ADMIN, TO_EDIT, NULL, 0},
    {"system:aggregate-to-admin", TO_ADMIN, NULL, aggregate_to_admin, N(aggregate_to_admin)},
    {"system:aggregate-to-edit", TO_EDIT, NULL, aggregate_to_edit, N(aggregate_to_edit)},
    {"system:aggregate-to-view", TO_VIEW, NULL, aggregate_to_view, N(aggregate_to_view)},
    ROLE("system:auth-delegator", auth_delegator),
    ROLE("system:basic-user", basic_user),
    ROLE("system:certificates.k8s.io:certificatesigningrequests:nodeclient", csr_nodeclient),
    ROLE("system:certificates.k8s.io:certificatesigningrequests:selfnodeclient", csr_selfnodeclient),
    ROLE("system:certificates.k8s.io:kube-apiserver-client-approver", approver_client),
    ROLE("system:certificates.k8s.io:kube-apiserver-client-kubelet-approver", approver_client_kubelet),
    ROLE("system:certificates.k8s.io:kubelet-serving-approver", approver_kubelet_serving),
    ROLE("system:certificates.k8s.io:legacy-unknown-approver", approver_legacy_unknown),
    ROLE("system:discovery", discovery),
    ROLE("system:heapster", heapster),
    ROLE("system:kube-aggregator", kube_aggregator),
    ROLE("system:kube-controller-manager", kube_controller_manager),
    ROLE("system:kube-dns", kube_dns),
    ROLE("system:kube-scheduler", kube_scheduler),
    ROLE("system:kubelet-api-admin", kubelet_api_admin),
    ROLE("system:monitoring", monitoring),
    ROLE("system:node", node),
    ROLE("system:node-bootstrapper", node_bootstrapper),
    ROLE("system:node-problem-detector", node_problem_detector),
    ROLE("system:node-proxier", node_proxier),
    ROLE("system:persistent-volume-provisioner", pv_provisioner),
    ROLE("system:public-info-viewer", public_info_viewer),
    ROLE("system:service-account-issuer-discovery", sa_issuer_discovery),
    ROLE("system:volume-scheduler", volume_scheduler),
    {"view", TO_EDIT, TO_VIEW, NULL, 0},
};

typedef struct policy_subject {
    const char *kind, *name, *ns;
} policy_subject;

typedef struct policy_binding {
    const char *name;           /* also the ClusterRole's name */
    policy_subject subjects[2];
    int n_subjects;
} policy_binding;

static const policy_binding bindings[] = {
    {"cluster-admin", {{"Group", "system:masters", NULL}}, 1},
    {"system:basic-user", {{"Group", "system:authenticated", NULL}}, 1},
    {"system:discovery", {{"Group", "system:authenticated", NULL}}, 1},
    {"system:kube-controller-manager", {{"User", "system:kube-controller-manager", NULL}}, 1},
    {"system:kube-dns", {{"ServiceAccount", "kube-dns", "kube-system"}}, 1},
    {"system:kube-scheduler", {{"User", "system:kube-scheduler", NULL}}, 1},
    {"system:monitoring", {{"Group", "system:monitoring", NULL}}, 1},
    {"system:node", {{NULL, NULL, NULL}}, 0},
    {"system:node-proxier", {{"User", "system:kube-proxy", NULL}}, 1},
    {"system:public-info-viewer",
     {{"Group", "system:authenticated", NULL}, {"Group", "system:unauthenticated", NULL}}, 2},
    {"system:service-account-issuer-discovery", {{"Group", "system:serviceaccounts", NULL}}, 1},
    {"system:volume-scheduler", {{"User", "system:kube-scheduler", NULL}}, 1},
};

static cJSON *metadata(const char *name, const char *extra_label)
{
    cJSON *m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "name", name);
    cJSON *labels = cJSON_AddObjectToObject(m, "labels");
    cJSON_AddStringToObject(labels, "kubernetes.io/bootstrapping", "rbac-defaults");
    if (extra_label) cJSON_AddStringToObject(labels, extra_label, "true");
    cJSON *ann = cJSON_AddObjectToObject(m, "annotations");
    cJSON_AddStringToObject(ann, "rbac.authorization.kubernetes.io/autoupdate", "true");
    return m;
}

static cJSON *role_object(const policy_role *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", "ClusterRole");
    cJSON_AddStringToObject(o, "apiVersion", "rbac.authorization.k8s.io/v1");
    cJSON_AddItemToObject(o, "metadata", metadata(r->name, r->label));
    if (r->n_rules) {
        cJSON *rules = cJSON_AddArrayToObject(o, "rules");
        for (int i = 0; i < r->n_rules; i++) cJSON_AddItemToArray(rules, rbac_rule_to_json(&r->rules[i]));
    } else {
        cJSON_AddNullToObject(o, "rules");
    }
    if (r->aggregate_from) {
        cJSON *agg = cJSON_AddObjectToObject(o, "aggregationRule");
        cJSON *sels = cJSON_AddArrayToObject(agg, "clusterRoleSelectors");
        cJSON *sel = cJSON_CreateObject();
        cJSON *ml = cJSON_AddObjectToObject(sel, "matchLabels");
        cJSON_AddStringToObject(ml, r->aggregate_from, "true");
        cJSON_AddItemToArray(sels, sel);
    }
    return o;
}

static cJSON *binding_object(const policy_binding *b)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", "ClusterRoleBinding");
    cJSON_AddStringToObject(o, "apiVersion", "rbac.authorization.k8s.io/v1");
    cJSON_AddItemToObject(o, "metadata", metadata(b->name, NULL));
    if (b->n_subjects) {
        cJSON *subs = cJSON_AddArrayToObject(o, "subjects");
        for (int i = 0; i < b->n_subjects && i < 2; i++) {
            const policy_subject *s = &b->subjects[i];
            cJSON *so = cJSON_CreateObject();
            cJSON_AddStringToObject(so, "kind", s->kind);
            if (strcmp(s->kind, "ServiceAccount"))
                cJSON_AddStringToObject(so, "apiGroup", "rbac.authorization.k8s.io");
            cJSON_AddStringToObject(so, "name", s->name);
            if (s->ns) cJSON_AddStringToObject(so, "namespace", s->ns);
            cJSON_AddItemToArray(subs, so);
        }
    }
    cJSON *ref = cJSON_AddObjectToObject(o, "roleRef");
    cJSON_AddStringToObject(ref, "apiGroup", "rbac.authorization.k8s.io");
    cJSON_AddStringToObject(ref, "kind", "ClusterRole");
    cJSON_AddStringToObject(ref, "name", b->name);
    return o;
}

cJSON *bootstrap_policy_objects(void)
{
    cJSON *all = cJSON_CreateArray();
    if (!all) return NULL;
    for (int i = 0; i < N(roles); i++) cJSON_AddItemToArray(all, role_object(&roles[i]));
    for (int i = 0; i < N(bindings); i++) cJSON_AddItemToArray(all, binding_object(&bindings[i]));
    return all;
}
