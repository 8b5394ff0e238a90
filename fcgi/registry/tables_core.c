/* tables_core.c: server-side printing of the core/v1 kinds (namespaces,
 * pods, serviceaccounts, configmaps, secrets, services, events, nodes): the
 * columns and row functions of kube-apiserver's printers
 * (pkg/printers/internalversion/printers.go, Kubernetes 1.32). The server
 * always prints wide rows; kubectl hides priority-1 columns without -o wide.
 * Stored objects are read as kube reads them after decoding, so defaults
 * applied on decode (Namespace phase Active, Secret type Opaque, Service type
 * ClusterIP, port protocol TCP) show even when the stored JSON lacks them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "registry/tables.h"
#include "codec/conditions.h"
#include "registry/tables_internal.h"
#include "core/alloc.h"

/* ---- namespaces */

static const table_column namespace_columns[] = {
    {NAME_CELL},
    {TEXT_CELL("Status", "The status of the namespace", "status.phase", "Active")},
    {AGE_CELL},
};

const table_def table_namespaces = TABLE_OF(namespace_columns);

/* ---- pods */

static const table_column pod_columns[] = {
    {"Name", "string", "name", DOC_OBJECTMETA_NAME, 0},
    {"Ready", "string", "", "The aggregate readiness state of this pod for accepting traffic.", 0},
    {"Status", "string", "", "The aggregate status of the containers in this pod.", 0},
    {"Restarts", "string", "", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.", 0},
    {"Age", "string", "", DOC_OBJECTMETA_CREATION_TIMESTAMP, 0},
    {"IP", "string", "", "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.", 1},
    {"Node", "string", "", "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename", 1},
    {"Nominated Node", "string", "", "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.", 1},
    {"Readiness Gates", "string", "", "If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to \"True\" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates", 1},
};

static int compare_cstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int str_is(const char *s, const char *want)
{
    return s && !strcmp(s, want);
}

/* The first condition of the pod's status with this type, or NULL. */
/* The pod's status condition of type, or NULL (codec/conditions). */
static const cJSON *pod_condition(const cJSON *pod, const char *type)
{
    return condition_find(json_get(pod, "status"), type);
}

static int has_pod_ready_condition(const cJSON *pod)
{
    const cJSON *conds = json_array_at(pod, "status.conditions"), *c;
    if (!conds) return 0;
    cJSON_ArrayForEach(c, conds)
        if (str_is(json_str_at(c, "type", NULL), "Ready") && str_is(json_str_at(c, "status", NULL), "True")) return 1;
    return 0;
}

/* A sidecar: an init container with restartPolicy Always. */
static int is_restartable_init_container(const cJSON *pod, const char *name)
{
    const cJSON *inits = json_array_at(pod, "spec.initContainers"), *c;
    if (!inits || !name) return 0;
    cJSON_ArrayForEach(c, inits)
        if (str_is(json_str_at(c, "name", NULL), name)) return str_is(json_str_at(c, "restartPolicy", NULL), "Always");
    return 0;
}

/* Keeps the later of *latest and the container's last termination time. */
static void note_last_termination(const cJSON *status, kube_time *latest)
{
    if (!cJSON_IsObject(json_at(status, "lastState.terminated"))) return;
    kube_time finished = kube_time_at(status, "lastState.terminated.finishedAt");
    if (kube_time_before(*latest, finished)) *latest = finished;
}

/* "ExitCode:1", "Signal:9", with prefix "Init:" for init containers. */
static void terminated_reason(const cJSON *status, const char *prefix, char *out, size_t n)
{
    const char *r = json_str_at(status, "state.terminated.reason", NULL);
    long long signal = tj_int(status, "state.terminated.signal", 0);
    if (r && *r) snprintf(out, n, "%s%s", prefix, r);
    else if (signal != 0) snprintf(out, n, "%sSignal:%lld", prefix, signal);
    else snprintf(out, n, "%sExitCode:%lld", prefix, tj_int(status, "state.terminated.exitCode", 0));
}

static void pod_row(const cJSON *pod, cJSON *cells, time_t now)
{
    long long restarts = 0, restartable_init_restarts = 0;
    int total = cJSON_GetArraySize(json_array_at(pod, "spec.containers")), ready = 0;
    kube_time last_restart = {0, 0, 0}, last_restartable_init_restart = {0, 0, 0};
    const char *phase = tj_str_or(pod, "status.phase", "");
    const char *reason = phase;
    char reason_buf[320];
    const char *status_reason = json_str_at(pod, "status.reason", NULL);
    if (status_reason && *status_reason) reason = status_reason;

    const cJSON *conds = json_array_at(pod, "status.conditions"), *c;
    if (conds) {
        cJSON_ArrayForEach(c, conds)
            if (str_is(json_str_at(c, "type", NULL), "PodScheduled") &&
                str_is(json_str_at(c, "reason", NULL), "SchedulingGated"))
                reason = "SchedulingGated";
    }

    const cJSON *inits = json_array_at(pod, "spec.initContainers");
    int n_inits = inits ? cJSON_GetArraySize(inits) : 0;
    if (inits) {
        cJSON_ArrayForEach(c, inits)
            if (str_is(json_str_at(c, "restartPolicy", NULL), "Always")) total++;
    }

    int initializing = 0, i = 0;
    const cJSON *init_statuses = json_array_at(pod, "status.initContainerStatuses"), *cs;
    if (init_statuses) {
        cJSON_ArrayForEach(cs, init_statuses) {
            long long count = tj_int(cs, "restartCount", 0);
            int restartable = is_restartable_init_container(pod, json_str_at(cs, "name", NULL));
            restarts += count;
            note_last_termination(cs, &last_restart);
            if (restartable) {
                restartable_init_restarts += count;
                note_last_termination(cs, &last_restartable_init_restart);
            }
            int terminated = cJSON_IsObject(json_at(cs, "state.terminated"));
            const char *waiting = json_str_at(cs, "state.waiting.reason", NULL);
            if (terminated && tj_int(cs, "state.terminated.exitCode", 0) == 0) {
                i++;
                continue;
            } else if (restartable && json_true_at(cs, "started")) {
                if (json_true_at(cs, "ready")) ready++;
                i++;
                continue;
            } else if (terminated) {
                terminated_reason(cs, "Init:", reason_buf, sizeof reason_buf);
                reason = reason_buf;
            } else if (cJSON_IsObject(json_at(cs, "state.waiting")) && waiting && *waiting &&
                       strcmp(waiting, "PodInitializing") != 0) {
                snprintf(reason_buf, sizeof reason_buf, "Init:%s", waiting);
                reason = reason_buf;
            } else {
                snprintf(reason_buf, sizeof reason_buf, "Init:%d/%d", i, n_inits);
                reason = reason_buf;
            }
            initializing = 1;
            break;
        }
    }

    const cJSON *initialized = pod_condition(pod, "Initialized");
    if (!initializing || (initialized && str_is(json_str_at(initialized, "status", NULL), "True"))) {
        restarts = restartable_init_restarts;
        last_restart = last_restartable_init_restart;
        int has_running = 0;
        const cJSON *statuses = json_array_at(pod, "status.containerStatuses");
        int n = statuses ? cJSON_GetArraySize(statuses) : 0;
        for (int k = n - 1; k >= 0; k--) {
            cs = cJSON_GetArrayItem(statuses, k);
            restarts += tj_int(cs, "restartCount", 0);
            note_last_termination(cs, &last_restart);
            const char *waiting = json_str_at(cs, "state.waiting.reason", NULL);
            const char *term = json_str_at(cs, "state.terminated.reason", NULL);
            int terminated = cJSON_IsObject(json_at(cs, "state.terminated"));
            if (cJSON_IsObject(json_at(cs, "state.waiting")) && waiting && *waiting) {
                snprintf(reason_buf, sizeof reason_buf, "%s", waiting);
                reason = reason_buf;
            } else if (terminated && term && *term) {
                snprintf(reason_buf, sizeof reason_buf, "%s", term);
                reason = reason_buf;
            } else if (terminated) {
                terminated_reason(cs, "", reason_buf, sizeof reason_buf);
                reason = reason_buf;
            } else if (json_true_at(cs, "ready") && cJSON_IsObject(json_at(cs, "state.running"))) {
                has_running = 1;
                ready++;
            }
        }
        if (!strcmp(reason, "Completed") && has_running)
            reason = has_pod_ready_condition(pod) ? "Running" : "NotReady";
    }

    const cJSON *deletion = json_at(pod, "metadata.deletionTimestamp");
    if (deletion && !cJSON_IsNull(deletion)) {
        if (str_is(status_reason, "NodeLost")) reason = "Unknown";
        else if (strcmp(phase, "Succeeded") != 0 && strcmp(phase, "Failed") != 0)
            reason = "Terminating";
    }

    char text[96];
    cell_name(cells, pod);
    snprintf(text, sizeof text, "%d/%d", ready, total);
    cell_string(cells, text);
    cell_string(cells, reason);
    if (restarts != 0 && last_restart.set) {
        char ago[32];
        timestamp_since(last_restart, now, ago, sizeof ago);
        snprintf(text, sizeof text, "%lld (%s ago)", restarts, ago);
    } else {
        snprintf(text, sizeof text, "%lld", restarts);
    }
    cell_string(cells, text);
    cell_age(cells, pod, now);

    /* wide: IP, Node, Nominated Node, Readiness Gates */
    const char *ip = NULL;
    const cJSON *ips = json_array_at(pod, "status.podIPs");
    if (ips && cJSON_GetArraySize(ips) > 0) ip = json_str_at(cJSON_GetArrayItem(ips, 0), "ip", NULL);
    else ip = json_str_at(pod, "status.podIP", NULL);   /* v1 conversion fills podIPs from podIP */
    cell_string(cells, ip && *ip ? ip : "<none>");
    cell_string(cells, tj_str_or(pod, "spec.nodeName", "<none>"));
    cell_string(cells, tj_str_or(pod, "status.nominatedNodeName", "<none>"));
    const cJSON *gates = json_array_at(pod, "spec.readinessGates"), *g;
    if (gates && cJSON_GetArraySize(gates) > 0) {
        int true_conditions = 0;
        cJSON_ArrayForEach(g, gates) {
            const char *type = json_str_at(g, "conditionType", NULL);
            const cJSON *cond = type ? pod_condition(pod, type) : NULL;
            if (cond && str_is(json_str_at(cond, "status", NULL), "True")) true_conditions++;
        }
        snprintf(text, sizeof text, "%d/%d", true_conditions, cJSON_GetArraySize(gates));
        cell_string(cells, text);
    } else {
        cell_string(cells, "<none>");
    }
}

cJSON *pod_row_conditions(const cJSON *pod)
{
    const char *phase = json_str_at(pod, "status.phase", NULL), *message;
    if (str_is(phase, "Succeeded")) message = "The pod has completed successfully.";
    else if (str_is(phase, "Failed")) message = "The pod failed.";
    else return NULL;
    cJSON *conds = cJSON_CreateArray(), *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "type", "Completed");
    cJSON_AddStringToObject(c, "status", "True");
    cJSON_AddStringToObject(c, "reason", phase);
    cJSON_AddStringToObject(c, "message", message);
    cJSON_AddItemToArray(conds, c);
    return conds;
}

const table_def table_pods = {pod_columns, 9, pod_row, pod_row_conditions};

/* ---- serviceaccounts */

static const table_column serviceaccount_columns[] = {
    {NAME_CELL},
    {COUNT_CELL("Secrets", "string", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use. Pods are only limited to this list if this service account has a \"kubernetes.io/enforce-mountable-secrets\" annotation set to \"true\". The \"kubernetes.io/enforce-mountable-secrets\" annotation is deprecated since v1.32. Prefer separate namespaces to isolate access to mounted secrets. This field should not be used to find auto-generated service account token secrets for use outside of pods. Instead, tokens can be requested directly using the TokenRequest API, or service account token secrets can be manually created. More info: https://kubernetes.io/docs/concepts/configuration/secret", "secrets")},
    {AGE_CELL},
};

const table_def table_serviceaccounts = TABLE_OF(serviceaccount_columns);

/* ---- configmaps */

static void configmap_data(cJSON *cells, const cJSON *cm, const table_column *col, time_t now)
{
    cell_integer(cells, cJSON_GetArraySize(json_object_at(cm, "data")) + cJSON_GetArraySize(json_object_at(cm, "binaryData")));
}

static const table_column configmap_columns[] = {
    {NAME_CELL},
    {FN_CELL("Data", "string", "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.", configmap_data)},
    {AGE_CELL},
};

const table_def table_configmaps = TABLE_OF(configmap_columns);

/* ---- secrets */


static void secret_data(cJSON *cells, const cJSON *secret, const table_column *col, time_t now)
{
    /* decoding merges stringData into data, so count the union of keys */
    const cJSON *data = json_at(secret, "data"), *string_data = json_at(secret, "stringData"), *e;
    int n = cJSON_GetArraySize(json_object_at(secret, "data"));
    if (cJSON_IsObject(string_data)) {
        cJSON_ArrayForEach(e, string_data)
            if (e->string && !(cJSON_IsObject(data) &&
                               cJSON_GetObjectItemCaseSensitive(data, e->string)))
                n++;
    }
    cell_integer(cells, n);
}

static const table_column secret_columns[] = {
    {NAME_CELL},
    {TEXT_CELL("Type", "Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types", "type", "Opaque")},
    {FN_CELL("Data", "string", "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4", secret_data)},
    {AGE_CELL},
};

const table_def table_secrets = TABLE_OF(secret_columns);

/* ---- services */


/* Appends the strings of arr to out, ","-separated (a leading "," when
 * already > 0); returns how many it wrote. */
static int join_strings(const cJSON *arr, kapi_buf *out, int already)
{
    const cJSON *e;
    int n = 0;
    if (!cJSON_IsArray(arr)) return 0;
    cJSON_ArrayForEach(e, arr) {
        if (!cJSON_IsString(e) || !e->valuestring) continue;
        if (already + n) kapi_buf_putc(out, ',');
        kapi_buf_puts(out, e->valuestring);
        n++;
    }
    return n;
}

/* loadBalancerStatusStringer (wide): ingress IPs, else hostnames, sorted and unique. */
static int load_balancer_ingress(const cJSON *svc, kapi_buf *out)
{
    const cJSON *ingress = json_array_at(svc, "status.loadBalancer.ingress"), *e;
    int n = ingress ? cJSON_GetArraySize(ingress) : 0, k = 0;
    if (n == 0) return 0;
    const char **addrs = kapi_xcalloc((size_t)n, sizeof *addrs);
    if (!addrs) return 0;
    cJSON_ArrayForEach(e, ingress) {
        const char *ip = json_str_at(e, "ip", NULL), *host = json_str_at(e, "hostname", NULL);
        const char *a = ip && *ip ? ip : host && *host ? host : NULL;
        if (a && k < n) addrs[k++] = a;
    }
    qsort(addrs, (size_t)k, sizeof *addrs, compare_cstr);
    int written = 0;
    for (int i = 0; i < k; i++) {
        if (i > 0 && !strcmp(addrs[i], addrs[i - 1])) continue;
        if (written) kapi_buf_putc(out, ',');
        kapi_buf_puts(out, addrs[i]);
        written++;
    }
    free(addrs);
    return written;
}

static void service_cluster_ip(cJSON *cells, const cJSON *svc, const table_column *col, time_t now)
{
    const char *cluster_ip = NULL;
    const cJSON *ips = json_array_at(svc, "spec.clusterIPs");
    if (ips && cJSON_GetArraySize(ips) > 0) {
        const cJSON *first = cJSON_GetArrayItem(ips, 0);
        cluster_ip = cJSON_IsString(first) ? first->valuestring : "";
    } else {
        cluster_ip = json_str_at(svc, "spec.clusterIP", NULL);   /* defaulting fills clusterIPs from it */
        if (cluster_ip && !*cluster_ip) cluster_ip = NULL;
    }
    cell_string(cells, cluster_ip ? cluster_ip : "<none>");
}

static void service_external_ip(cJSON *cells, const cJSON *svc, const table_column *col, time_t now)
{
    const char *type = tj_str_or(svc, "spec.type", "ClusterIP");
    kapi_buf ext;
    kapi_buf_init(&ext);
    const cJSON *external_ips = json_array_at(svc, "spec.externalIPs");
    if (!strcmp(type, "ClusterIP") || !strcmp(type, "NodePort")) {
        if (!join_strings(external_ips, &ext, 0)) kapi_buf_puts(&ext, "<none>");
    } else if (!strcmp(type, "LoadBalancer")) {
        int n = load_balancer_ingress(svc, &ext);
        if (external_ips && cJSON_GetArraySize(external_ips) > 0) join_strings(external_ips, &ext, n);
        else if (n == 0) kapi_buf_puts(&ext, "<pending>");
    } else if (!strcmp(type, "ExternalName")) {
        kapi_buf_puts(&ext, tj_str_or(svc, "spec.externalName", ""));
    } else {
        kapi_buf_puts(&ext, "<unknown>");
    }
    cell_buf(cells, &ext);
}

static void service_ports(cJSON *cells, const cJSON *svc, const table_column *col, time_t now)
{
    kapi_buf ports;
    kapi_buf_init(&ports);
    const cJSON *port_list = json_array_at(svc, "spec.ports"), *p;
    int i = 0;
    if (port_list) {
        cJSON_ArrayForEach(p, port_list) {
            const char *proto = tj_str_or(p, "protocol", "TCP");
            long long port = tj_int(p, "port", 0), node_port = tj_int(p, "nodePort", 0);
            if (i++) kapi_buf_putc(&ports, ',');
            if (node_port > 0) kapi_buf_printf(&ports, "%lld:%lld/%s", port, node_port, proto);
            else kapi_buf_printf(&ports, "%lld/%s", port, proto);
        }
    }
    if (ports.len == 0) kapi_buf_puts(&ports, "<none>");
    cell_buf(cells, &ports);
}

static const table_column service_columns[] = {
    {NAME_CELL},
    {TEXT_CELL("Type", "type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer. \"ClusterIP\" allocates a cluster-internal IP address for load-balancing to endpoints. Endpoints are determined by the selector or if that is not specified, by manual construction of an Endpoints object or EndpointSlice objects. If clusterIP is \"None\", no virtual IP is allocated and the endpoints are published as a set of endpoints rather than a virtual IP. \"NodePort\" builds on ClusterIP and allocates a port on every node which routes to the same endpoints as the clusterIP. \"LoadBalancer\" builds on NodePort and creates an external load-balancer (if supported in the current cloud) which routes to the same endpoints as the clusterIP. \"ExternalName\" aliases this service to the specified externalName. Several other fields do not apply to ExternalName services. More info: https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types", "spec.type", "ClusterIP")},
    {FN_CELL("Cluster-IP", "string", "clusterIP is the IP address of the service and is usually assigned randomly. If an address is specified manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; otherwise creation of the service will fail. This field may not be changed through updates unless the type field is also being changed to ExternalName (which requires this field to be blank) or the type field is being changed from ExternalName (in which case this field may optionally be specified, as describe above).  Valid values are \"None\", empty string (\"\"), or a valid IP address. Setting this to \"None\" makes a \"headless service\" (no virtual IP), which is useful when direct endpoint connections are preferred and proxying is not required.  Only applies to types ClusterIP, NodePort, and LoadBalancer. If this field is specified when creating a Service of type ExternalName, creation will fail. This field will be wiped when updating a Service to type ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies", service_cluster_ip)},
    {FN_CELL("External-IP", "string", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.  These IPs are not managed by Kubernetes.  The user is responsible for ensuring that traffic arrives at a node with this IP.  A common example is external load-balancers that are not part of the Kubernetes system.", service_external_ip)},
    {FN_CELL("Port(s)", "string", "The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies", service_ports)},
    {AGE_CELL},
    {LABELS_CELL("Selector", "Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/", "spec.selector"), WIDE},
};

const table_def table_services = TABLE_OF(service_columns);

/* ---- events */


/* strings.TrimSpace for ASCII white space */
static void trimmed(const char *s, kapi_buf *out)
{
    if (!s) return;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\v' || *s == '\f') s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ||
                     s[n - 1] == '\r' || s[n - 1] == '\v' || s[n - 1] == '\f'))
        n--;
    kapi_buf_put(out, s, n);
}

/* When the event was first seen: firstTimestamp, else eventTime. */
static void event_first_seen(const cJSON *ev, time_t now, char *out, size_t n)
{
    kube_time first_ts = kube_time_at(ev, "firstTimestamp");
    timestamp_since(first_ts.set ? first_ts : kube_time_at(ev, "eventTime"), now, out, n);
}

static void event_first_seen_cell(cJSON *cells, const cJSON *ev, const table_column *col, time_t now)
{
    char first[32];
    event_first_seen(ev, now, first, sizeof first);
    cell_string(cells, first);
}

/* series.lastObservedTime, else lastTimestamp, else the first seen. */
static void event_last_seen(cJSON *cells, const cJSON *ev, const table_column *col, time_t now)
{
    char last[32];
    const cJSON *series = json_at(ev, "series");
    kube_time last_ts = kube_time_at(ev, "lastTimestamp");
    if (cJSON_IsObject(series)) timestamp_since(kube_time_at(series, "lastObservedTime"), now, last, sizeof last);
    else if (last_ts.set) timestamp_since(last_ts, now, last, sizeof last);
    else event_first_seen(ev, now, last, sizeof last);
    cell_string(cells, last);
}

static void event_count(cJSON *cells, const cJSON *ev, const table_column *col, time_t now)
{
    long long count = tj_int(ev, "count", 0);
    const cJSON *series = json_at(ev, "series");
    if (cJSON_IsObject(series)) count = tj_int(series, "count", 0);
    else if (count == 0) count = 1;   /* singleton events have no count in the new API */
    cell_integer(cells, count);
}

static void event_object(cJSON *cells, const cJSON *ev, const table_column *col, time_t now)
{
    kapi_buf target;
    kapi_buf_init(&target);
    const char *kind = tj_str_or(ev, "involvedObject.kind", ""), *name = json_str_at(ev, "involvedObject.name", NULL);
    for (const char *k = kind; *k; k++)
        kapi_buf_putc(&target, (char)((*k >= 'A' && *k <= 'Z') ? *k - 'A' + 'a' : *k));
    if (name && *name) kapi_buf_printf(&target, "/%s", name);
    cell_buf(cells, &target);
}

static void event_source(cJSON *cells, const cJSON *ev, const table_column *col, time_t now)
{
    kapi_buf source;
    kapi_buf_init(&source);
    const char *component = tj_str_or(ev, "source.component", tj_str_or(ev, "reportingComponent", ""));
    const char *instance = tj_str_or(ev, "source.host", tj_str_or(ev, "reportingInstance", ""));
    kapi_buf_puts(&source, component);
    if (*instance) kapi_buf_printf(&source, ", %s", instance);
    cell_buf(cells, &source);
}

static void event_message(cJSON *cells, const cJSON *ev, const table_column *col, time_t now)
{
    kapi_buf message;
    kapi_buf_init(&message);
    trimmed(json_str_at(ev, "message", NULL), &message);
    cell_buf(cells, &message);
}

static const table_column event_columns[] = {
    {FN_CELL("Last Seen", "string", "The time at which the most recent occurrence of this event was recorded.", event_last_seen)},
    {TEXT_CELL("Type", "Type of this event (Normal, Warning), new types could be added in the future", "type", "")},
    {TEXT_CELL("Reason", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.", "reason", "")},
    {FN_CELL("Object", "string", "The object that this event is about.", event_object)},
    {TEXT_CELL("Subobject", "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: \"spec.containers{name}\" (where \"name\" refers to the name of the container that triggered the event) or if no container name is specified \"spec.containers[2]\" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.", "involvedObject.fieldPath", ""), WIDE},
    {FN_CELL("Source", "string", "The component reporting this event. Should be a short machine understandable string.", event_source), WIDE},
    {FN_CELL("Message", "string", "A human-readable description of the status of this operation.", event_message)},
    {FN_CELL("First Seen", "string", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)", event_first_seen_cell), WIDE},
    {FN_CELL("Count", "string", "The number of times this event has occurred.", event_count), WIDE},
    {NAME_CELL, WIDE},
};

const table_def table_events = TABLE_OF(event_columns);

/* ---- nodes */

#define DOC_NODE_ADDRESSES                                                                       \
    "List of addresses reachable to the node. Queried from cloud provider, if available. More "  \
    "info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is " \
    "declared as mergeable, but the merge key is not sufficiently unique, which can cause data " \
    "corruption when it is merged. Callers should instead use a full-replacement patch. See "    \
    "https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change " \
    "during the lifetime of a Node. However, there are some exceptions where this may not be "   \
    "possible, such as Pods that inherit a Node's address in its own status or consumers of the " \
    "downward API (status.hostIP)."


/* The first address of the column's type (its path names the type). */
static void node_address(cJSON *cells, const cJSON *node, const table_column *col, time_t now)
{
    const cJSON *addrs = json_array_at(node, "status.addresses"), *a;
    const char *found = "<none>";
    if (addrs) {
        cJSON_ArrayForEach(a, addrs)
            if (str_is(json_str_at(a, "type", NULL), col->path)) {
                found = tj_str_or(a, "address", "");
                break;
            }
    }
    cell_string(cells, found);
}

/* findNodeRoles: node-role.kubernetes.io/<role> labels and kubernetes.io/role=<role>. */
static void node_roles(cJSON *cells, const cJSON *node, const table_column *col, time_t now)
{
    kapi_buf text, *out = &text;
    kapi_buf_init(out);
    static const char prefix[] = "node-role.kubernetes.io/";
    const cJSON *labels = json_at(node, "metadata.labels"), *l;
    int n = cJSON_IsObject(labels) ? cJSON_GetArraySize(labels) : 0, k = 0;
    const char **roles = n ? kapi_xcalloc((size_t)n, sizeof *roles) : NULL;
    if (roles) {
        cJSON_ArrayForEach(l, labels) {
            if (!l->string || k >= n) continue;
            if (!strncmp(l->string, prefix, sizeof prefix - 1)) {
                if (l->string[sizeof prefix - 1]) roles[k++] = l->string + sizeof prefix - 1;
            } else if (!strcmp(l->string, "kubernetes.io/role") && cJSON_IsString(l) &&
                       l->valuestring && *l->valuestring) {
                roles[k++] = l->valuestring;
            }
        }
        qsort(roles, (size_t)k, sizeof *roles, compare_cstr);
    }
    int written = 0;
    for (int i = 0; i < k; i++) {
        if (i > 0 && !strcmp(roles[i], roles[i - 1])) continue;
        if (written++) kapi_buf_putc(out, ',');
        kapi_buf_puts(out, roles[i]);
    }
    free(roles);
    if (written == 0) kapi_buf_puts(out, "<none>");
    cell_buf(cells, out);
}

static void node_status(cJSON *cells, const cJSON *node, const table_column *col, time_t now)
{
    kapi_buf status;
    kapi_buf_init(&status);
    /* the last Ready condition wins, as in kube's map of conditions */
    const cJSON *conds = json_array_at(node, "status.conditions"), *c, *ready = NULL;
    if (conds) {
        cJSON_ArrayForEach(c, conds)
            if (str_is(json_str_at(c, "type", NULL), "Ready")) ready = c;
    }
    if (ready) kapi_buf_puts(&status, str_is(json_str_at(ready, "status", NULL), "True") ? "Ready" : "NotReady");
    else kapi_buf_puts(&status, "Unknown");
    if (json_true_at(node, "spec.unschedulable")) kapi_buf_puts(&status, ",SchedulingDisabled");
    cell_buf(cells, &status);
}

static const table_column node_columns[] = {
    {NAME_CELL},
    {FN_CELL("Status", "string", "The status of the node", node_status)},
    {FN_CELL("Roles", "string", "The roles of the node", node_roles)},
    {AGE_CELL},
    {TEXT_CELL("Version", "Kubelet Version reported by the node.", "status.nodeInfo.kubeletVersion", "")},
    {FN_AT_CELL("Internal-IP", "string", DOC_NODE_ADDRESSES, node_address, "InternalIP"), WIDE},
    {FN_AT_CELL("External-IP", "string", DOC_NODE_ADDRESSES, node_address, "ExternalIP"), WIDE},
    {TEXT_CELL("OS-Image", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).", "status.nodeInfo.osImage", "<unknown>"), WIDE},
    {TEXT_CELL("Kernel-Version", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", "status.nodeInfo.kernelVersion", "<unknown>"), WIDE},
    {TEXT_CELL("Container-Runtime", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).", "status.nodeInfo.containerRuntimeVersion", "<unknown>"), WIDE},
};

const table_def table_nodes = TABLE_OF(node_columns);
