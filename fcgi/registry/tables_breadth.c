/* tables_breadth.c: server-side printing of the kinds added for API breadth
 * (registry/kinds/breadth.c): kube-apiserver 1.32's printPersistentVolume,
 * printPersistentVolumeClaim, printEndpoints, printPodTemplate,
 * printResourceQuota, printPodDisruptionBudget, printIngress,
 * printIngressClass, printNetworkPolicy, printHorizontalPodAutoscaler,
 * printStorageClass and printRuntimeClass (pkg/printers/internalversion/
 * printers.go). LimitRange has no printer in kube: the default Table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "registry/tables.h"
#include "registry/tables_internal.h"

#define STORAGE_CLASS_ANNOTATION "volume.beta.kubernetes.io/storage-class"
#define DEFAULT_CLASS_ANNOTATION "storageclass.kubernetes.io/is-default-class"
#define BETA_DEFAULT_CLASS_ANNOTATION "storageclass.beta.kubernetes.io/is-default-class"
#define LOAD_BALANCER_WIDTH 16

/* helper.GetAccessModesAsString: the short forms, in kube's order. */
static void access_modes(const cJSON *modes, kapi_buf *out)
{
    static const char *const longs[] = {"ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"};
    static const char *const shorts[] = {"RWO", "ROX", "RWX", "RWOP"};
    int n = 0;
    for (int i = 0; i < 4; i++) {
        const cJSON *m;
        cJSON_ArrayForEach(m, modes) {
            if (!cJSON_IsString(m) || strcmp(m->valuestring, longs[i])) continue;
            kapi_buf_printf(out, "%s%s", n++ ? "," : "", shorts[i]);
            break;
        }
    }
    if (!out->data) kapi_buf_puts(out, "");
}

/* GetPersistentVolume(Claim)Class: the beta annotation, then the field at
 * the column's path. */
static void storage_class_cell(cJSON *cells, const cJSON *obj, const table_column *col, time_t now)
{
    const cJSON *ann = json_at(obj, "metadata.annotations");
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(ann, STORAGE_CLASS_ANNOTATION);
    cell_string(cells, cJSON_IsString(a) ? a->valuestring : tj_str_or(obj, col->path, ""));
}

/* A resource.Quantity's String(): stored quantities are canonical; a
 * missing one is "0". */
static const char *quantity_at(const cJSON *obj, const char *path)
{
    const cJSON *q = json_at(obj, path);
    return cJSON_IsString(q) ? q->valuestring : "0";
}

static void quantity_cell(cJSON *cells, const cJSON *obj, const table_column *col, time_t now)
{
    cell_string(cells, quantity_at(obj, col->path));
}

static void access_modes_cell(cJSON *cells, const cJSON *obj, const table_column *col, time_t now)
{
    kapi_buf modes;
    kapi_buf_init(&modes);
    access_modes(json_at(obj, col->path), &modes);
    cell_buf(cells, &modes);
}

/* The phase at the column's path; "Terminating" once deletion started. */
static void phase_cell(cJSON *cells, const cJSON *obj, const table_column *col, time_t now)
{
    cell_string(cells, json_at(obj, "metadata.deletionTimestamp") ? "Terminating" : tj_str_or(obj, col->path, ""));
}

/* ---- persistentvolumeclaims */

/* A claim shows its capacity and access modes once it is bound. */
static void pvc_capacity(cJSON *cells, const cJSON *pvc, const table_column *col, time_t now)
{
    cell_string(cells, *tj_str_or(pvc, "spec.volumeName", "") ? quantity_at(pvc, "status.capacity.storage") : "");
}

static void pvc_access_modes(cJSON *cells, const cJSON *pvc, const table_column *col, time_t now)
{
    if (*tj_str_or(pvc, "spec.volumeName", "")) access_modes_cell(cells, pvc, col, now);
    else cell_string(cells, "");
}

static const table_column pvc_columns[] = {
    {NAME_CELL},
    {FN_AT_CELL("Status", "string", "phase represents the current phase of PersistentVolumeClaim.", phase_cell, "status.phase")},
    {TEXT_CELL("Volume", "volumeName is the binding reference to the PersistentVolume backing this claim.", "spec.volumeName", "")},
    {FN_CELL("Capacity", "string", "capacity represents the actual resources of the underlying volume.", pvc_capacity)},
    {FN_AT_CELL("Access Modes", "string", "accessModes contains the actual access modes the volume backing the PVC has. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1", pvc_access_modes, "status.accessModes")},
    {FN_AT_CELL("StorageClass", "string", "StorageClass of the pvc", storage_class_cell, "spec.storageClassName")},
    {OPTIONAL_CELL("VolumeAttributesClass", "VolumeAttributesClass of the pvc", "spec.volumeAttributesClassName", "<unset>")},
    {AGE_CELL},
    {OPTIONAL_CELL("VolumeMode", "volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.", "spec.volumeMode", "<unset>"), WIDE},
};

const table_def table_persistentvolumeclaims = TABLE_OF(pvc_columns);

/* ---- persistentvolumes */

static void pv_claim(cJSON *cells, const cJSON *pv, const table_column *col, time_t now)
{
    char claim[512] = "";
    const cJSON *ref = json_at(pv, "spec.claimRef");
    if (cJSON_IsObject(ref))
        snprintf(claim, sizeof claim, "%s/%s", tj_str_or(ref, "namespace", ""), tj_str_or(ref, "name", ""));
    cell_string(cells, claim);
}

static const table_column pv_columns[] = {
    {NAME_CELL},
    {FN_AT_CELL("Capacity", "string", "capacity is the description of the persistent volume's resources and capacity. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#capacity", quantity_cell, "spec.capacity.storage")},
    {FN_AT_CELL("Access Modes", "string", "accessModes contains all ways the volume can be mounted. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes", access_modes_cell, "spec.accessModes")},
    {TEXT_CELL("Reclaim Policy", "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim. Valid options are Retain (default for manually created PersistentVolumes), Delete (default for dynamically provisioned PersistentVolumes), and Recycle (deprecated). Recycle must be supported by the volume plugin underlying this PersistentVolume. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#reclaiming", "spec.persistentVolumeReclaimPolicy", "")},
    {FN_AT_CELL("Status", "string", "phase indicates if a volume is available, bound to a claim, or released by a claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#phase", phase_cell, "status.phase")},
    {FN_CELL("Claim", "string", "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding", pv_claim)},
    {FN_AT_CELL("StorageClass", "string", "StorageClass of the pv", storage_class_cell, "spec.storageClassName")},
    {OPTIONAL_CELL("VolumeAttributesClass", "VolumeAttributesClass of the pv", "spec.volumeAttributesClassName", "<unset>")},
    {TEXT_CELL("Reason", "reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.", "status.reason", "")},
    {AGE_CELL},
    {OPTIONAL_CELL("VolumeMode", "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state. Value of Filesystem is implied when not included in spec.", "spec.volumeMode", "<unset>"), WIDE},
};

const table_def table_persistentvolumes = TABLE_OF(pv_columns);

/* ---- endpoints: formatEndpoints (at most 3 addresses, "+ N more...") */

static void endpoints_cell(cJSON *cells, const cJSON *ep, const table_column *col, time_t now);

static const table_column endpoints_columns[] = {
    {NAME_CELL},
    {FN_CELL("Endpoints", "string", "The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service.", endpoints_cell)},
    {AGE_CELL},
};

static void endpoints_cell(cJSON *cells, const cJSON *ep, const table_column *col, time_t now)
{
    const cJSON *subsets = json_get(ep, "subsets"), *ss;
    kapi_buf b;
    kapi_buf_init(&b);
    const int max = 3;
    int listed = 0, count = 0, more = 0;
    if (cJSON_GetArraySize(subsets) == 0) kapi_buf_puts(&b, "<none>");
    cJSON_ArrayForEach(ss, subsets) {
        const cJSON *addrs = json_get(ss, "addresses"), *ports = json_get(ss, "ports"), *a, *p;
        if (cJSON_GetArraySize(ports) == 0) {
            count += cJSON_GetArraySize(addrs);
            cJSON_ArrayForEach(a, addrs) {
                if (listed == max) { more = 1; break; }
                kapi_buf_printf(&b, "%s%s", listed++ ? "," : "", json_str(a, "ip"));
            }
            continue;
        }
        cJSON_ArrayForEach(p, ports) {
            count += cJSON_GetArraySize(addrs);
            cJSON_ArrayForEach(a, addrs) {
                if (listed == max) { more = 1; break; }
                const char *ip = json_str(a, "ip");
                /* net.JoinHostPort: brackets around an IPv6 address */
                if (strchr(ip, ':')) kapi_buf_printf(&b, "%s[%s]:%lld", listed++ ? "," : "", ip, tj_int(p, "port", 0));
                else kapi_buf_printf(&b, "%s%s:%lld", listed++ ? "," : "", ip, tj_int(p, "port", 0));
            }
        }
    }
    if (more) kapi_buf_printf(&b, " + %d more...", count - max);
    cell_buf(cells, &b);
}

const table_def table_endpoints = TABLE_OF(endpoints_columns);

/* ---- podtemplates */

static const table_column podtemplate_columns[] = {
    {NAME_CELL},
    {CONTAINERS_CELL(DOC_CONTAINERS, "template.spec.containers")},
    {IMAGES_CELL(DOC_IMAGES, "template.spec.containers")},
    {LABELS_CELL("Pod Labels", "The labels for the pod template.", "template.metadata.labels")},
};

const table_def table_podtemplates = TABLE_OF(podtemplate_columns);

/* ---- resourcequotas: "name: used/hard" for each hard resource, sorted;
 * the limits.* ones in the Limit column. */

static int by_string(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "name: used/hard" for the hard resources that are (limits) or are not
 * (requests) limits.*, sorted by name. */
static void quota_cell(cJSON *cells, const cJSON *rq, int limits)
{
    const cJSON *hard = json_at(rq, "status.hard"), *used = json_at(rq, "status.used"), *h;
    int n = cJSON_GetArraySize(hard), i = 0;
    const char **names = calloc((size_t)(n > 0 ? n : 1), sizeof *names);
    cJSON_ArrayForEach(h, hard) if (names) names[i++] = h->string;
    if (names) qsort(names, (size_t)i, sizeof *names, by_string);
    kapi_buf b;
    kapi_buf_init(&b);
    for (int k = 0; names && k < i; k++) {
        if ((strncmp(names[k], "limits.", 7) == 0) != limits) continue;
        const cJSON *u = cJSON_GetObjectItemCaseSensitive(used, names[k]);
        const cJSON *hv = cJSON_GetObjectItemCaseSensitive(hard, names[k]);
        kapi_buf_printf(&b, "%s%s: %s/%s", b.data && b.data[0] ? ", " : "", names[k],
                        cJSON_IsString(u) ? u->valuestring : "0", cJSON_IsString(hv) ? hv->valuestring : "0");
    }
    free(names);
    cell_buf(cells, &b);
}

static void quota_requests(cJSON *cells, const cJSON *rq, const table_column *col, time_t now)
{
    quota_cell(cells, rq, 0);
}

static void quota_limits(cJSON *cells, const cJSON *rq, const table_column *col, time_t now)
{
    quota_cell(cells, rq, 1);
}

static const table_column resourcequota_columns[] = {
    {NAME_CELL},
    {FN_CELL("Request", "string", "Request represents a minimum amount of cpu/memory that a container may consume.", quota_requests)},
    {FN_CELL("Limit", "string", "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.", quota_limits)},
    {AGE_CELL},
};

const table_def table_resourcequotas = TABLE_OF(resourcequota_columns);

/* ---- poddisruptionbudgets */

/* intstr.IntOrString's String() of the value at the column's path, "N/A"
 * when unset. */
static void intstr_cell(cJSON *cells, const cJSON *obj, const table_column *col, time_t now)
{
    const cJSON *v = json_at(obj, col->path);
    char buf[64];
    if (cJSON_IsNumber(v)) { snprintf(buf, sizeof buf, "%d", (int)v->valuedouble); cell_string(cells, buf); }
    else cell_string(cells, cJSON_IsString(v) ? v->valuestring : "N/A");
}

static const table_column pdb_columns[] = {
    {NAME_CELL},
    {FN_AT_CELL("Min Available", "string", "The minimum number of pods that must be available.", intstr_cell, "spec.minAvailable")},
    {FN_AT_CELL("Max Unavailable", "string", "The maximum number of pods that may be unavailable.", intstr_cell, "spec.maxUnavailable")},
    {INT_CELL("Allowed Disruptions", "integer", "Calculated number of pods that may be disrupted at this time.", "status.disruptionsAllowed", 0)},
    {AGE_CELL},
};

const table_def table_poddisruptionbudgets = TABLE_OF(pdb_columns);

/* ---- ingresses: formatHosts, ingressLoadBalancerStatusStringer, formatPorts */


static void ingress_hosts(cJSON *cells, const cJSON *ing, const table_column *col, time_t now)
{
    const cJSON *rules = json_at(ing, "spec.rules");
    kapi_buf hb, *b = &hb;
    kapi_buf_init(b);
    const int max = 3;
    int listed = 0, more = 0;
    const cJSON *r;
    cJSON_ArrayForEach(r, rules) {
        if (listed == max) more = 1;
        const char *host = json_str(r, "host");
        if (!more && *host) kapi_buf_printf(b, "%s%s", listed++ ? "," : "", host);
    }
    if (!listed) kapi_buf_puts(b, "*");
    else if (more) kapi_buf_printf(b, " + %d more...", cJSON_GetArraySize(rules) - max);
    cell_buf(cells, b);
}

/* the addresses as a sorted set, clipped to 16 bytes in the narrow form
 * (a Table is always the narrow form). */
static void ingress_address(cJSON *cells, const cJSON *ing, const table_column *col, time_t now)
{
    const cJSON *lbs = json_at(ing, "status.loadBalancer.ingress");
    kapi_buf ab, *b = &ab;
    kapi_buf_init(b);
    int n = cJSON_GetArraySize(lbs), k = 0;
    const char **addrs = calloc((size_t)(n > 0 ? n : 1), sizeof *addrs);
    const cJSON *lb;
    cJSON_ArrayForEach(lb, lbs) {
        const char *a = *json_str(lb, "ip") ? json_str(lb, "ip") : json_str(lb, "hostname");
        if (!*a || !addrs) continue;
        int dup = 0;
        for (int i = 0; i < k; i++) dup |= !strcmp(addrs[i], a);
        if (!dup) addrs[k++] = a;
    }
    if (addrs) qsort(addrs, (size_t)k, sizeof *addrs, by_string);
    kapi_buf all;
    kapi_buf_init(&all);
    for (int i = 0; i < k; i++) kapi_buf_printf(&all, "%s%s", i ? "," : "", addrs[i]);
    free(addrs);
    const char *s = all.data ? all.data : "";
    if (strlen(s) > LOAD_BALANCER_WIDTH) kapi_buf_printf(b, "%.*s...", LOAD_BALANCER_WIDTH - 3, s);
    else kapi_buf_puts(b, s);
    kapi_buf_free(&all);
    cell_buf(cells, b);
}

static void ingress_ports(cJSON *cells, const cJSON *ing, const table_column *col, time_t now)
{
    cell_string(cells, cJSON_GetArraySize(json_at(ing, "spec.tls")) ? "80, 443" : "80");
}

static const table_column ingress_columns[] = {
    {NAME_CELL},
    {OPTIONAL_CELL("Class", "The name of the IngressClass resource that should be used for additional configuration", "spec.ingressClassName", "<none>")},
    {FN_CELL("Hosts", "string", "Hosts that incoming requests are matched against before the ingress rule", ingress_hosts)},
    {FN_CELL("Address", "string", "Address is a list containing ingress points for the load-balancer", ingress_address)},
    {FN_CELL("Ports", "string", "Ports of TLS configurations that open", ingress_ports)},
    {AGE_CELL},
};

const table_def table_ingresses = TABLE_OF(ingress_columns);

/* ---- ingressclasses */

static void ingressclass_parameters(cJSON *cells, const cJSON *ic, const table_column *col, time_t now)
{
    char params[512] = "<none>";
    const cJSON *p = json_at(ic, "spec.parameters");
    if (cJSON_IsObject(p)) {
        const cJSON *g = json_get(p, "apiGroup");
        if (cJSON_IsString(g))
            snprintf(params, sizeof params, "%s.%s/%s", json_str(p, "kind"), g->valuestring, json_str(p, "name"));
        else snprintf(params, sizeof params, "%s/%s", json_str(p, "kind"), json_str(p, "name"));
    }
    cell_string(cells, params);
}

static const table_column ingressclass_columns[] = {
    {NAME_CELL},
    {TEXT_CELL("Controller", "Controller that is responsible for handling this class", "spec.controller", "")},
    {FN_CELL("Parameters", "string", "A reference to a resource with additional parameters", ingressclass_parameters)},
    {AGE_CELL},
};

const table_def table_ingressclasses = TABLE_OF(ingressclass_columns);

/* ---- networkpolicies */

/* FormatLabelSelector of spec.podSelector, a struct: absent is empty. */
static void networkpolicy_selector(cJSON *cells, const cJSON *np, const table_column *col, time_t now)
{
    const cJSON *sel = json_at(np, "spec.podSelector");
    cJSON *empty = NULL;
    if (!sel) sel = empty = cJSON_CreateObject();
    cell_label_selector(cells, sel);
    cJSON_Delete(empty);
}

static const table_column networkpolicy_columns[] = {
    {NAME_CELL},
    {FN_CELL("Pod-Selector", "string", "Selects the pods to which this NetworkPolicy object applies. The array of ingress rules is applied to any pods selected by this field. Multiple network policies can select the same set of pods. In this case, the ingress rules for each are combined additively. This field is NOT optional and follows standard label selector semantics. An empty podSelector matches all pods in this namespace.", networkpolicy_selector)},
    {AGE_CELL},
};

const table_def table_networkpolicies = TABLE_OF(networkpolicy_columns);

/* ---- horizontalpodautoscalers: formatHPAMetrics (at most 2) */


static void hpa_metric(const cJSON *spec, const cJSON *status, kapi_buf *b)
{
    const char *type = json_str(spec, "type");
    static const char *const members[] = {"External", "external", "Pods", "pods", "Object", "object",
                                          "Resource", "resource", "ContainerResource", "containerResource", NULL};
    const char *member = NULL;
    for (int i = 0; members[i]; i += 2) if (!strcmp(type, members[i])) member = members[i + 1];
    if (!member) { kapi_buf_puts(b, "<unknown type>"); return; }
    const cJSON *src = json_get(spec, member), *cur = json_get(status, member);
    const cJSON *target = json_get(src, "target");
    int has_cur = cJSON_IsObject(cur);
    const cJSON *current = json_get(cur, "current");
    if (!strcmp(member, "pods")) {
        kapi_buf_printf(b, "%s/%s", has_cur ? quantity_at(current, "averageValue") : "<unknown>",
                        quantity_at(target, "averageValue"));
        return;
    }
    if (!strcmp(member, "external") || !strcmp(member, "object")) {
        if (json_get(target, "averageValue")) {
            const char *c = has_cur && json_get(current, "averageValue") ? quantity_at(current, "averageValue") : "<unknown>";
            kapi_buf_printf(b, "%s/%s (avg)", c, quantity_at(target, "averageValue"));
        } else {
            kapi_buf_printf(b, "%s/%s", has_cur ? quantity_at(current, "value") : "<unknown>", quantity_at(target, "value"));
        }
        return;
    }
    const char *name = json_str(src, "name");
    if (json_get(target, "averageValue")) {
        kapi_buf_printf(b, "%s: %s/%s", name, has_cur ? quantity_at(current, "averageValue") : "<unknown>",
                        quantity_at(target, "averageValue"));
        return;
    }
    char c[32] = "<unknown>", t[32] = "<auto>";
    if (has_cur && cJSON_IsNumber(json_get(current, "averageUtilization")))
        snprintf(c, sizeof c, "%lld%%", tj_int(current, "averageUtilization", 0));
    if (cJSON_IsNumber(json_get(target, "averageUtilization")))
        snprintf(t, sizeof t, "%lld%%", tj_int(target, "averageUtilization", 0));
    kapi_buf_printf(b, "%s: %s/%s", name, c, t);
}

static void hpa_reference(cJSON *cells, const cJSON *hpa, const table_column *col, time_t now)
{
    char ref[512];
    snprintf(ref, sizeof ref, "%s/%s", tj_str_or(hpa, "spec.scaleTargetRef.kind", ""),
             tj_str_or(hpa, "spec.scaleTargetRef.name", ""));
    cell_string(cells, ref);
}

static void hpa_targets(cJSON *cells, const cJSON *hpa, const table_column *col, time_t now)
{
    const cJSON *specs = json_at(hpa, "spec.metrics"), *statuses = json_at(hpa, "status.currentMetrics"), *s;
    kapi_buf b;
    kapi_buf_init(&b);
    const int max = 2;
    int count = 0;
    if (cJSON_GetArraySize(specs) == 0) kapi_buf_puts(&b, "<none>");
    cJSON_ArrayForEach(s, specs) {
        if (count < max) {
            if (count) kapi_buf_puts(&b, ", ");
            hpa_metric(s, cJSON_GetArrayItem(statuses, count), &b);
        }
        count++;
    }
    if (count > max) kapi_buf_printf(&b, " + %d more...", count - max);
    cell_buf(cells, &b);
}

static void hpa_min_pods(cJSON *cells, const cJSON *hpa, const table_column *col, time_t now)
{
    char min[32] = "<unset>";
    if (cJSON_IsNumber(json_at(hpa, "spec.minReplicas")))
        snprintf(min, sizeof min, "%lld", tj_int(hpa, "spec.minReplicas", 0));
    cell_string(cells, min);
}

static const table_column hpa_columns[] = {
    {NAME_CELL},
    {FN_CELL("Reference", "string", "scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count.", hpa_reference)},
    {FN_CELL("Targets", "string", "metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used).  The desired replica count is calculated multiplying the ratio between the target value and the current value by the current number of pods.  Ergo, metrics used must decrease as the pod count is increased, and vice-versa.  See the individual metric source types for more information about how each type of metric must respond.", hpa_targets)},
    {FN_CELL("MinPods", "string", "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.  It defaults to 1 pod.  minReplicas is allowed to be 0 if the alpha feature gate HPAScaleToZero is enabled and at least one Object or External metric is configured.  Scaling is active as long as at least one metric value is available.", hpa_min_pods)},
    {INT_CELL("MaxPods", "string", "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up. It cannot be less that minReplicas.", "spec.maxReplicas", 0)},
    {INT_CELL("Replicas", "string", "currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.", "status.currentReplicas", 0)},
    {AGE_CELL},
};

const table_def table_horizontalpodautoscalers = TABLE_OF(hpa_columns);

/* ---- storageclasses */


/* storageutil.IsDefaultAnnotation */
static int is_default_class(const cJSON *sc)
{
    const cJSON *ann = json_at(sc, "metadata.annotations");
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(ann, DEFAULT_CLASS_ANNOTATION);
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(ann, BETA_DEFAULT_CLASS_ANNOTATION);
    return (cJSON_IsString(a) && !strcmp(a->valuestring, "true")) ||
           (cJSON_IsString(b) && !strcmp(b->valuestring, "true"));
}

static void storageclass_name(cJSON *cells, const cJSON *sc, const table_column *col, time_t now)
{
    char name[300];
    snprintf(name, sizeof name, "%s%s", tj_str_or(sc, "metadata.name", ""), is_default_class(sc) ? " (default)" : "");
    cell_string(cells, name);
}

static const table_column storageclass_columns[] = {
    {.name = "Name", .type = "string", .format = "name", .description = DOC_OBJECTMETA_NAME, .cell = CELL_FN, .fn = storageclass_name},
    {TEXT_CELL("Provisioner", "provisioner indicates the type of the provisioner.", "provisioner", "")},
    {TEXT_CELL("ReclaimPolicy", "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.", "reclaimPolicy", "Delete")},
    {TEXT_CELL("VolumeBindingMode", "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature.", "volumeBindingMode", "Immediate")},
    {BOOL_CELL("AllowVolumeExpansion", "string", "allowVolumeExpansion shows whether the storage class allow volume expand.", "allowVolumeExpansion")},
    {AGE_CELL},
};

const table_def table_storageclasses = TABLE_OF(storageclass_columns);

/* ---- runtimeclasses (kube's column description reads ObjectMeta's
 * "handler" doc, which does not exist: empty) */

static const table_column runtimeclass_columns[] = {
    {NAME_CELL},
    {TEXT_CELL("Handler", "", "handler", "")},
    {AGE_CELL},
};

const table_def table_runtimeclasses = TABLE_OF(runtimeclass_columns);
