/* builtin_kinds.c: the kinds kapi serves out of the box, as data, one entry
 * each (kinds/resource.h describes the fields), registered into the kind
 * registry (kinds/kinds.h) when the program is loaded. Hooks: each kind's
 * strategy (registry/kinds/) and Table rows (registry/tables_*.c).
 * Facts: kube-apiserver 1.32 (discovery's short names, categories, verbs and
 * subresources; storage prefixes services/specs and minions; each kind's
 * field label conversion functions, pkg/apis/core/v1/conversion.go and
 * pkg/apis/apps/v1/conversion.go, and GetAttrs). The order is the groups'
 * discovery order: the core group, then each group where its first kind is. */
#include <stdlib.h>
#include "kinds/kinds.h"
#include "kinds/resource.h"
#include "registry/strategies.h"
#include "registry/tables.h"

extern const kapi_strategy strategy_priorityclasses;
extern const table_def table_priorityclasses;
/* the kinds added for API breadth (issue 14): hooks under registry/kinds/ */
extern const kapi_strategy strategy_jobs, strategy_cronjobs;
extern const table_def table_jobs, table_cronjobs;
extern const kapi_strategy strategy_statefulsets, strategy_daemonsets, strategy_controllerrevisions;
extern const table_def table_statefulsets, table_daemonsets, table_controllerrevisions;
extern const kapi_strategy strategy_persistentvolumeclaims, strategy_persistentvolumes,
    strategy_endpoints, strategy_podtemplates, strategy_limitranges, strategy_resourcequotas,
    strategy_poddisruptionbudgets, strategy_ingresses, strategy_ingressclasses,
    strategy_networkpolicies, strategy_horizontalpodautoscalers, strategy_storageclasses,
    strategy_runtimeclasses, strategy_horizontalpodautoscalers_v1;
extern const table_def table_persistentvolumeclaims, table_persistentvolumes, table_endpoints,
    table_podtemplates, table_resourcequotas, table_poddisruptionbudgets, table_ingresses,
    table_ingressclasses, table_networkpolicies, table_horizontalpodautoscalers,
    table_storageclasses, table_runtimeclasses;

/* the second part (hooks: registry/kinds/csi.c, endpointslices.c, events_v1.c,
 * componentstatuses.c, hpa_v1.c) */
extern const kapi_strategy strategy_csidrivers, strategy_csinodes, strategy_volumeattachments,
    strategy_csistoragecapacities, strategy_endpointslices, strategy_events_v1, strategy_componentstatuses;
extern const table_def table_csidrivers, table_csinodes, table_volumeattachments, table_csistoragecapacities,
    table_endpointslices, table_componentstatuses;

extern const kapi_strategy strategy_certificatesigningrequests;
extern const table_def table_certificatesigningrequests;

extern const kapi_strategy strategy_webhookconfigurations, strategy_validatingadmissionpolicies,
    strategy_validatingadmissionpolicybindings;
extern const table_def table_webhookconfigurations, table_validatingadmissionpolicies,
    table_validatingadmissionpolicybindings;

extern const kapi_strategy strategy_customresourcedefinitions;

#define STD VERBS_ALL
#define NO_DELETECOLLECTION (VERBS_ALL & ~VERB_DELETECOLLECTION)
#define STATUS_VERBS (VERB_GET | VERB_PATCH | VERB_UPDATE)
#define NAMES(...) ((const char *const[]){__VA_ARGS__, NULL})
#define STATUS {"status", STATUS_VERBS, NULL, NULL, NULL}
#define SCALE {"scale", STATUS_VERBS, "autoscaling", "v1", "Scale"}
#define PROXY_VERBS (VERB_CREATE | VERB_DELETE | VERB_GET | VERB_PATCH | VERB_UPDATE)
#define CONNECT_VERBS (VERB_CREATE | VERB_GET)
#define SUBRESOURCES(...) ((const kind_subresource[]){__VA_ARGS__, {NULL, 0, NULL, NULL, NULL}})
#define FIELDS(...) ((const selectable_field[]){__VA_ARGS__, {NULL, 0, NULL, NULL}})

static const kapi_resource builtin_kinds[] = {
    /* core/v1 */
    {.group = "", .version = "v1", .kind = "Namespace", .plural = "namespaces",
     .singular = "namespace", .key_prefix = "namespaces", .short_names = NAMES("ns"),
     .verbs = NO_DELETECOLLECTION, .flags = KIND_IS_NAMESPACE,
     .subresources = SUBRESOURCES({"finalize", VERB_UPDATE, NULL, NULL, NULL}, STATUS),
     .selectable_fields = FIELDS({"status.phase", FIELD_STRING, NULL, NULL}),
     .table = &table_namespaces, .strategy = &strategy_namespaces},
    {.group = "", .version = "v1", .kind = "Pod", .plural = "pods", .singular = "pod",
     .key_prefix = "pods", .short_names = NAMES("po"), .categories = NAMES("all"),
     .namespaced = 1, .verbs = STD,
     .subresources = SUBRESOURCES({"attach", CONNECT_VERBS, NULL, NULL, "PodAttachOptions"},
                                  {"binding", VERB_CREATE, NULL, NULL, "Binding"},
                                  {"ephemeralcontainers", STATUS_VERBS, NULL, NULL, NULL},
                                  {"eviction", VERB_CREATE, "policy", "v1", "Eviction"},
                                  {"exec", CONNECT_VERBS, NULL, NULL, "PodExecOptions"},
                                  {"log", VERB_GET, NULL, NULL, NULL},
                                  {"portforward", CONNECT_VERBS, NULL, NULL, "PodPortForwardOptions"},
                                  {"proxy", PROXY_VERBS, NULL, NULL, "PodProxyOptions"}, STATUS),
     .selectable_fields = FIELDS(
         {"spec.nodeName", FIELD_STRING, NULL, NULL},
         {"spec.restartPolicy", FIELD_STRING, NULL, NULL},
         {"spec.schedulerName", FIELD_STRING, NULL, NULL},
         {"spec.serviceAccountName", FIELD_STRING, NULL, NULL},
         {"spec.hostNetwork", FIELD_BOOL, NULL, NULL},
         {"status.phase", FIELD_STRING, NULL, NULL},
         /* the first of status.podIPs (objects written before podIPs: podIP) */
         {"status.podIP", FIELD_STRING, "status.podIPs[0].ip", "status.podIP"},
         {"status.podIPs", FIELD_NO_VALUE, NULL, NULL},
         {"status.nominatedNodeName", FIELD_STRING, NULL, NULL},
         {"spec.host", FIELD_ALIAS, "spec.nodeName", NULL}),
     .table = &table_pods, .strategy = &strategy_pods},
    {.group = "", .version = "v1", .kind = "ServiceAccount", .plural = "serviceaccounts",
     .singular = "serviceaccount", .key_prefix = "serviceaccounts", .short_names = NAMES("sa"),
     .namespaced = 1, .verbs = STD,
     .subresources = SUBRESOURCES({"token", VERB_CREATE, "authentication.k8s.io", "v1", "TokenRequest"}),
     .table = &table_serviceaccounts, .strategy = &strategy_serviceaccounts},
    {.group = "", .version = "v1", .kind = "ConfigMap", .plural = "configmaps",
     .singular = "configmap", .key_prefix = "configmaps", .short_names = NAMES("cm"),
     .namespaced = 1, .verbs = STD, .table = &table_configmaps, .strategy = &strategy_configmaps},
    {.group = "", .version = "v1", .kind = "Secret", .plural = "secrets", .singular = "secret",
     .key_prefix = "secrets", .namespaced = 1, .verbs = STD,
     .selectable_fields = FIELDS({"type", FIELD_STRING, NULL, NULL}),
     .table = &table_secrets, .strategy = &strategy_secrets},
    {.group = "", .version = "v1", .kind = "Service", .plural = "services", .singular = "service",
     .key_prefix = "services/specs", .short_names = NAMES("svc"), .categories = NAMES("all"),
     .namespaced = 1, .verbs = STD,
     .subresources = SUBRESOURCES({"proxy", PROXY_VERBS, NULL, NULL, "ServiceProxyOptions"}, STATUS),
     .selectable_fields = FIELDS({"spec.clusterIP", FIELD_STRING, NULL, NULL},
                                 {"spec.type", FIELD_STRING, NULL, NULL}),
     .table = &table_services, .strategy = &strategy_services},
    {.group = "", .version = "v1", .kind = "Event", .plural = "events", .singular = "event",
     .key_prefix = "events", .short_names = NAMES("ev"), .namespaced = 1, .verbs = STD,
     .flags = KIND_IS_EVENT,
     .selectable_fields = FIELDS(
         {"involvedObject.kind", FIELD_STRING, NULL, NULL},
         {"involvedObject.namespace", FIELD_STRING, NULL, NULL},
         {"involvedObject.name", FIELD_STRING, NULL, NULL},
         {"involvedObject.uid", FIELD_STRING, NULL, NULL},
         {"involvedObject.apiVersion", FIELD_STRING, NULL, NULL},
         {"involvedObject.resourceVersion", FIELD_STRING, NULL, NULL},
         {"involvedObject.fieldPath", FIELD_STRING, NULL, NULL},
         {"reason", FIELD_STRING, NULL, NULL},
         {"reportingComponent", FIELD_STRING, NULL, NULL},
         {"source", FIELD_STRING, "source.component", NULL},
         {"type", FIELD_STRING, NULL, NULL}),
     .table = &table_events, .strategy = &strategy_events},
    {.group = "", .version = "v1", .kind = "Node", .plural = "nodes", .singular = "node",
     .key_prefix = "minions", .short_names = NAMES("no"), .verbs = STD,
     .subresources = SUBRESOURCES({"proxy", PROXY_VERBS, NULL, NULL, "NodeProxyOptions"}, STATUS),
     .selectable_fields = FIELDS({"spec.unschedulable", FIELD_BOOL, NULL, NULL}),
     .table = &table_nodes, .strategy = &strategy_nodes},
    /* core/v1 added for API breadth (hooks: registry/kinds/breadth.c) */
    {.group = "", .version = "v1", .kind = "Endpoints", .plural = "endpoints", .singular = "endpoints",
     .key_prefix = "services/endpoints", .short_names = NAMES("ep"), .namespaced = 1, .verbs = STD,
     .table = &table_endpoints, .strategy = &strategy_endpoints},
    {.group = "", .version = "v1", .kind = "LimitRange", .plural = "limitranges", .singular = "limitrange",
     .key_prefix = "limitranges", .short_names = NAMES("limits"), .namespaced = 1, .verbs = STD,
     .table = &table_default, .strategy = &strategy_limitranges},
    {.group = "", .version = "v1", .kind = "PersistentVolumeClaim", .plural = "persistentvolumeclaims",
     .singular = "persistentvolumeclaim", .key_prefix = "persistentvolumeclaims",
     .short_names = NAMES("pvc"), .namespaced = 1, .verbs = STD, .subresources = SUBRESOURCES(STATUS),
     .table = &table_persistentvolumeclaims, .strategy = &strategy_persistentvolumeclaims},
    {.group = "", .version = "v1", .kind = "PersistentVolume", .plural = "persistentvolumes",
     .singular = "persistentvolume", .key_prefix = "persistentvolumes", .short_names = NAMES("pv"),
     .verbs = STD, .subresources = SUBRESOURCES(STATUS),
     .table = &table_persistentvolumes, .strategy = &strategy_persistentvolumes},
    {.group = "", .version = "v1", .kind = "PodTemplate", .plural = "podtemplates", .singular = "podtemplate",
     .key_prefix = "podtemplates", .namespaced = 1, .verbs = STD,
     .table = &table_podtemplates, .strategy = &strategy_podtemplates},
    {.group = "", .version = "v1", .kind = "ResourceQuota", .plural = "resourcequotas",
     .singular = "resourcequota", .key_prefix = "resourcequotas", .short_names = NAMES("quota"),
     .namespaced = 1, .verbs = STD, .subresources = SUBRESOURCES(STATUS),
     .table = &table_resourcequotas, .strategy = &strategy_resourcequotas},
    {.group = "", .version = "v1", .kind = "ComponentStatus", .plural = "componentstatuses",
     .singular = "componentstatus", .key_prefix = "componentstatuses", .short_names = NAMES("cs"),
     .verbs = VERB_GET | VERB_LIST, .table = &table_componentstatuses, .strategy = &strategy_componentstatuses},
    /* apps/v1 */
    {.group = "apps", .version = "v1", .kind = "Deployment", .plural = "deployments",
     .singular = "deployment", .key_prefix = "deployments", .short_names = NAMES("deploy"),
     .categories = NAMES("all"), .namespaced = 1, .verbs = STD,
     .subresources = SUBRESOURCES(SCALE, STATUS),
     .table = &table_deployments, .strategy = &strategy_deployments},
    {.group = "apps", .version = "v1", .kind = "ReplicaSet", .plural = "replicasets",
     .singular = "replicaset", .key_prefix = "replicasets", .short_names = NAMES("rs"),
     .categories = NAMES("all"), .namespaced = 1, .verbs = STD,
     .subresources = SUBRESOURCES(SCALE, STATUS),
     .selectable_fields = FIELDS({"status.replicas", FIELD_INT, NULL, NULL}),
     .table = &table_replicasets, .strategy = &strategy_replicasets},
    /* apps/v1 added for API breadth (hooks: registry/kinds/statefulsets.c) */
    {.group = "apps", .version = "v1", .kind = "ControllerRevision", .plural = "controllerrevisions",
     .singular = "controllerrevision", .key_prefix = "controllerrevisions", .namespaced = 1,
     .verbs = STD, .table = &table_controllerrevisions, .strategy = &strategy_controllerrevisions},
    {.group = "apps", .version = "v1", .kind = "DaemonSet", .plural = "daemonsets",
     .singular = "daemonset", .key_prefix = "daemonsets", .short_names = NAMES("ds"),
     .categories = NAMES("all"), .namespaced = 1, .verbs = STD, .subresources = SUBRESOURCES(STATUS),
     .table = &table_daemonsets, .strategy = &strategy_daemonsets},
    {.group = "apps", .version = "v1", .kind = "StatefulSet", .plural = "statefulsets",
     .singular = "statefulset", .key_prefix = "statefulsets", .short_names = NAMES("sts"),
     .categories = NAMES("all"), .namespaced = 1, .verbs = STD,
     .subresources = SUBRESOURCES(SCALE, STATUS),
     .table = &table_statefulsets, .strategy = &strategy_statefulsets},
    /* authentication.k8s.io/v1, authorization.k8s.io/v1: create-only reviews */
    {.group = "authentication.k8s.io", .version = "v1", .kind = "SelfSubjectReview",
     .plural = "selfsubjectreviews", .singular = "selfsubjectreview",
     .key_prefix = "selfsubjectreviews", .verbs = VERB_CREATE, .table = &table_default,
     .strategy = &strategy_selfsubjectreviews},
    {.group = "authorization.k8s.io", .version = "v1", .kind = "LocalSubjectAccessReview",
     .plural = "localsubjectaccessreviews", .singular = "localsubjectaccessreview",
     .key_prefix = "localsubjectaccessreviews", .namespaced = 1, .verbs = VERB_CREATE,
     .table = &table_default, .strategy = &strategy_localsubjectaccessreviews},
    {.group = "authorization.k8s.io", .version = "v1", .kind = "SelfSubjectAccessReview",
     .plural = "selfsubjectaccessreviews", .singular = "selfsubjectaccessreview",
     .key_prefix = "selfsubjectaccessreviews", .verbs = VERB_CREATE, .table = &table_default,
     .strategy = &strategy_selfsubjectaccessreviews},
    {.group = "authorization.k8s.io", .version = "v1", .kind = "SelfSubjectRulesReview",
     .plural = "selfsubjectrulesreviews", .singular = "selfsubjectrulesreview",
     .key_prefix = "selfsubjectrulesreviews", .verbs = VERB_CREATE, .table = &table_default,
     .strategy = &strategy_selfsubjectrulesreviews},
    {.group = "authorization.k8s.io", .version = "v1", .kind = "SubjectAccessReview",
     .plural = "subjectaccessreviews", .singular = "subjectaccessreview",
     .key_prefix = "subjectaccessreviews", .verbs = VERB_CREATE, .table = &table_default,
     .strategy = &strategy_subjectaccessreviews},
    /* rbac.authorization.k8s.io/v1 */
    {.group = "rbac.authorization.k8s.io", .version = "v1", .kind = "Role", .plural = "roles",
     .singular = "role", .key_prefix = "roles", .namespaced = 1, .verbs = STD,
     .table = &table_roles, .strategy = &strategy_roles},
    {.group = "rbac.authorization.k8s.io", .version = "v1", .kind = "RoleBinding",
     .plural = "rolebindings", .singular = "rolebinding", .key_prefix = "rolebindings",
     .namespaced = 1, .verbs = STD, .table = &table_rolebindings,
     .strategy = &strategy_rolebindings},
    {.group = "rbac.authorization.k8s.io", .version = "v1", .kind = "ClusterRole",
     .plural = "clusterroles", .singular = "clusterrole", .key_prefix = "clusterroles",
     .verbs = STD, .table = &table_clusterroles, .strategy = &strategy_clusterroles},
    {.group = "rbac.authorization.k8s.io", .version = "v1", .kind = "ClusterRoleBinding",
     .plural = "clusterrolebindings", .singular = "clusterrolebinding",
     .key_prefix = "clusterrolebindings", .verbs = STD, .table = &table_clusterrolebindings,
     .strategy = &strategy_clusterrolebindings},
    /* coordination.k8s.io/v1 */
    {.group = "coordination.k8s.io", .version = "v1", .kind = "Lease", .plural = "leases",
     .singular = "lease", .key_prefix = "leases", .namespaced = 1, .verbs = STD,
     .table = &table_leases, .strategy = &strategy_leases},
    /* scheduling.k8s.io/v1 (hooks: registry/kinds/priorityclasses.c) */
    {.group = "scheduling.k8s.io", .version = "v1", .kind = "PriorityClass",
     .plural = "priorityclasses", .singular = "priorityclass", .key_prefix = "priorityclasses",
     .short_names = NAMES("pc"), .verbs = STD, .table = &table_priorityclasses,
     .strategy = &strategy_priorityclasses},
    /* batch/v1 (hooks: registry/kinds/batch.c) */
    {.group = "batch", .version = "v1", .kind = "CronJob", .plural = "cronjobs",
     .singular = "cronjob", .key_prefix = "cronjobs", .short_names = NAMES("cj"),
     .categories = NAMES("all"), .namespaced = 1, .verbs = STD, .subresources = SUBRESOURCES(STATUS),
     .table = &table_cronjobs, .strategy = &strategy_cronjobs},
    {.group = "batch", .version = "v1", .kind = "Job", .plural = "jobs", .singular = "job",
     .key_prefix = "jobs", .categories = NAMES("all"), .namespaced = 1, .verbs = STD,
     .subresources = SUBRESOURCES(STATUS),
     .selectable_fields = FIELDS({"status.successful", FIELD_INT, "status.succeeded", NULL}),
     .table = &table_jobs, .strategy = &strategy_jobs},
    /* autoscaling/v2, policy/v1, networking.k8s.io/v1, storage.k8s.io/v1,
     * node.k8s.io/v1 (hooks: registry/kinds/breadth.c) */
    {.group = "autoscaling", .version = "v2", .kind = "HorizontalPodAutoscaler",
     .plural = "horizontalpodautoscalers", .singular = "horizontalpodautoscaler",
     .key_prefix = "horizontalpodautoscalers", .short_names = NAMES("hpa"), .categories = NAMES("all"),
     .namespaced = 1, .verbs = STD, .subresources = SUBRESOURCES(STATUS),
     .table = &table_horizontalpodautoscalers, .strategy = &strategy_horizontalpodautoscalers},
    /* autoscaling/v1: the same stored objects, converted (registry/kinds/hpa_v1.c) */
    {.group = "autoscaling", .version = "v1", .storage_version = "v2", .kind = "HorizontalPodAutoscaler",
     .plural = "horizontalpodautoscalers", .singular = "horizontalpodautoscaler",
     .key_prefix = "horizontalpodautoscalers", .short_names = NAMES("hpa"), .categories = NAMES("all"),
     .namespaced = 1, .verbs = STD, .subresources = SUBRESOURCES(STATUS),
     .table = &table_horizontalpodautoscalers, .strategy = &strategy_horizontalpodautoscalers_v1},
    {.group = "policy", .version = "v1", .kind = "PodDisruptionBudget", .plural = "poddisruptionbudgets",
     .singular = "poddisruptionbudget", .key_prefix = "poddisruptionbudgets", .short_names = NAMES("pdb"),
     .namespaced = 1, .verbs = STD, .subresources = SUBRESOURCES(STATUS),
     .table = &table_poddisruptionbudgets, .strategy = &strategy_poddisruptionbudgets},
    {.group = "networking.k8s.io", .version = "v1", .kind = "IngressClass", .plural = "ingressclasses",
     .singular = "ingressclass", .key_prefix = "ingressclasses", .verbs = STD,
     .table = &table_ingressclasses, .strategy = &strategy_ingressclasses},
    {.group = "networking.k8s.io", .version = "v1", .kind = "Ingress", .plural = "ingresses",
     .singular = "ingress", .key_prefix = "ingress", .short_names = NAMES("ing"), .namespaced = 1,
     .verbs = STD, .subresources = SUBRESOURCES(STATUS),
     .table = &table_ingresses, .strategy = &strategy_ingresses},
    {.group = "networking.k8s.io", .version = "v1", .kind = "NetworkPolicy", .plural = "networkpolicies",
     .singular = "networkpolicy", .key_prefix = "networkpolicies", .short_names = NAMES("netpol"),
     .namespaced = 1, .verbs = STD, .table = &table_networkpolicies, .strategy = &strategy_networkpolicies},
    {.group = "storage.k8s.io", .version = "v1", .kind = "StorageClass", .plural = "storageclasses",
     .singular = "storageclass", .key_prefix = "storageclasses", .short_names = NAMES("sc"), .verbs = STD,
     .table = &table_storageclasses, .strategy = &strategy_storageclasses},
    {.group = "storage.k8s.io", .version = "v1", .kind = "CSIDriver", .plural = "csidrivers",
     .singular = "csidriver", .key_prefix = "csidrivers", .verbs = STD,
     .table = &table_csidrivers, .strategy = &strategy_csidrivers},
    {.group = "storage.k8s.io", .version = "v1", .kind = "CSINode", .plural = "csinodes",
     .singular = "csinode", .key_prefix = "csinodes", .verbs = STD,
     .table = &table_csinodes, .strategy = &strategy_csinodes},
    {.group = "storage.k8s.io", .version = "v1", .kind = "CSIStorageCapacity", .plural = "csistoragecapacities",
     .singular = "csistoragecapacity", .key_prefix = "csistoragecapacities", .namespaced = 1, .verbs = STD,
     .table = &table_csistoragecapacities, .strategy = &strategy_csistoragecapacities},
    {.group = "storage.k8s.io", .version = "v1", .kind = "VolumeAttachment", .plural = "volumeattachments",
     .singular = "volumeattachment", .key_prefix = "volumeattachments", .verbs = STD,
     .subresources = SUBRESOURCES(STATUS),
     .table = &table_volumeattachments, .strategy = &strategy_volumeattachments},
    {.group = "node.k8s.io", .version = "v1", .kind = "RuntimeClass", .plural = "runtimeclasses",
     .singular = "runtimeclass", .key_prefix = "runtimeclasses", .verbs = STD,
     .table = &table_runtimeclasses, .strategy = &strategy_runtimeclasses},
    /* certificates.k8s.io/v1 (hooks: registry/kinds/certificatesigningrequests.c;
     * signing: controllers/csrsigning.c) */
    {.group = "certificates.k8s.io", .version = "v1", .kind = "CertificateSigningRequest",
     .plural = "certificatesigningrequests", .singular = "certificatesigningrequest",
     .key_prefix = "certificatesigningrequests", .short_names = NAMES("csr"), .verbs = STD,
     .subresources = SUBRESOURCES({"approval", STATUS_VERBS, NULL, NULL, NULL}, STATUS),
     .selectable_fields = FIELDS({"spec.signerName", FIELD_STRING, NULL, NULL}),
     .table = &table_certificatesigningrequests, .strategy = &strategy_certificatesigningrequests},
    /* admissionregistration.k8s.io/v1 (hooks: registry/kinds/admissionregistration.c) */
    {.group = "admissionregistration.k8s.io", .version = "v1", .kind = "MutatingWebhookConfiguration",
     .plural = "mutatingwebhookconfigurations", .singular = "mutatingwebhookconfiguration",
     .key_prefix = "mutatingwebhookconfigurations", .categories = NAMES("api-extensions"), .verbs = STD,
     .table = &table_webhookconfigurations, .strategy = &strategy_webhookconfigurations},
    {.group = "admissionregistration.k8s.io", .version = "v1", .kind = "ValidatingAdmissionPolicy",
     .plural = "validatingadmissionpolicies", .singular = "validatingadmissionpolicy",
     .key_prefix = "validatingadmissionpolicies", .categories = NAMES("api-extensions"), .verbs = STD,
     .subresources = SUBRESOURCES(STATUS),
     .table = &table_validatingadmissionpolicies, .strategy = &strategy_validatingadmissionpolicies},
    {.group = "admissionregistration.k8s.io", .version = "v1", .kind = "ValidatingAdmissionPolicyBinding",
     .plural = "validatingadmissionpolicybindings", .singular = "validatingadmissionpolicybinding",
     .key_prefix = "validatingadmissionpolicybindings", .categories = NAMES("api-extensions"), .verbs = STD,
     .table = &table_validatingadmissionpolicybindings, .strategy = &strategy_validatingadmissionpolicybindings},
    {.group = "admissionregistration.k8s.io", .version = "v1", .kind = "ValidatingWebhookConfiguration",
     .plural = "validatingwebhookconfigurations", .singular = "validatingwebhookconfiguration",
     .key_prefix = "validatingwebhookconfigurations", .categories = NAMES("api-extensions"), .verbs = STD,
     .table = &table_webhookconfigurations, .strategy = &strategy_webhookconfigurations},
    /* discovery.k8s.io/v1 */
    {.group = "discovery.k8s.io", .version = "v1", .kind = "EndpointSlice", .plural = "endpointslices",
     .singular = "endpointslice", .key_prefix = "endpointslices", .namespaced = 1, .verbs = STD,
     .table = &table_endpointslices, .strategy = &strategy_endpointslices},
    /* events.k8s.io/v1: the core/v1 Events, converted (registry/kinds/events_v1.c) */
    {.group = "events.k8s.io", .version = "v1", .kind = "Event", .plural = "events", .singular = "event",
     .key_prefix = "events", .short_names = NAMES("ev"), .namespaced = 1, .verbs = STD,
     .table = &table_events, .strategy = &strategy_events_v1},

    /* apiextensions.k8s.io/v1 (hooks: registry/kinds/customresourcedefinitions.c;
     * the kinds CRDs define: registry/kinds/customresources_provider.c) */
    {.group = "apiextensions.k8s.io", .version = "v1", .kind = "CustomResourceDefinition",
     .plural = "customresourcedefinitions", .singular = "customresourcedefinition",
     .key_prefix = "apiextensions.k8s.io/customresourcedefinitions", .short_names = NAMES("crd", "crds"),
     .categories = NAMES("api-extensions"), .verbs = STD, .subresources = SUBRESOURCES(STATUS),
     .table = &table_default /* kube's default convertor: Name, Created At */, .strategy = &strategy_customresourcedefinitions},
};

/* At load, before main and before any thread: every program that links
 * this file serves these kinds. */
__attribute__((constructor)) static void register_builtin_kinds(void)
{
    if (kinds_register_table(builtin_kinds, (int)(sizeof builtin_kinds / sizeof builtin_kinds[0])))
        abort();   /* a duplicate or incomplete entry: a bug in the table above */
}

/* Here rather than in kinds/: a static library links an object only for a
 * symbol used, and every program that looks kinds up uses this one, so the
 * table above is always registered. */
const kapi_resource *resource_find(const char *group, const char *version, const char *plural)
{
    return kinds_find(kinds_current(), group, version, plural);
}
