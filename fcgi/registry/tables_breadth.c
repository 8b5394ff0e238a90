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

/* GetPersistentVolume(Claim)Class: the beta annotation, then the field. */
static const char *storage_class_of(const cJSON *obj, const char *field_path)
{
    const cJSON *ann = json_at(obj, "metadata.annotations");
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(ann, STORAGE_CLASS_ANNOTATION);
    if (cJSON_IsString(a)) return a->valuestring;
    return tj_str_or(obj, field_path, "");
}

static const char *unset_or(const cJSON *obj, const char *path)
{
    const cJSON *v = json_at(obj, path);
    return cJSON_IsString(v) ? v->valuestring : "<unset>";
}

/* A resource.Quantity's String(): stored quantities are canonical; a
 * missing one is "0". */
static const char *quantity_at(const cJSON *obj, const char *path)
{
    const cJSON *q = json_at(obj, path);
    return cJSON_IsString(q) ? q->valuestring : "0";
}

/* ---- persistentvolumeclaims */

static const table_column pvc_columns[] = {
    {"Name", "string", "name", DOC_OBJECTMETA_NAME, 0},
    {"Status", "string", "", "phase represents the current phase of PersistentVolumeClaim.", 0},
    {"Volume", "string", "", "volumeName is the binding reference to the PersistentVolume backing this claim.", 0},
    {"Capacity", "string", "", "capacity represents the actual resources of the underlying volume.", 0},
    {"Access Modes", "string", "", "accessModes contains the actual access modes the volume backing the PVC has. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1", 0},
    {"StorageClass", "string", "", "StorageClass of the pvc", 0},
    {"VolumeAttributesClass", "string", "", "VolumeAttributesClass of the pvc", 0},
    {"Age", "string", "", DOC_OBJECTMETA_CREATION_TIMESTAMP, 0},
    {"VolumeMode", "string", "", "volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.", 1},
};

static void pvc_row(const cJSON *pvc, cJSON *cells, time_t now)
{
    const char *phase = json_at(pvc, "metadata.deletionTimestamp") ? "Terminating" : tj_str_or(pvc, "status.phase", "");
    const char *volume = tj_str_or(pvc, "spec.volumeName", "");
    kapi_buf modes;
    kapi_buf_init(&modes);
    const char *capacity = "";
    if (*volume) {
        access_modes(json_at(pvc, "status.accessModes"), &modes);
        capacity = quantity_at(pvc, "status.capacity.storage");
    } else {
        kapi_buf_puts(&modes, "");
    }
    cell_name(cells, pvc);
    cell_string(cells, phase);
    cell_string(cells, volume);
    cell_string(cells, capacity);
    cell_buf(cells, &modes);
    cell_string(cells, storage_class_of(pvc, "spec.storageClassName"));
    cell_string(cells, unset_or(pvc, "spec.volumeAttributesClassName"));
    cell_age(cells, pvc, now);
    cell_string(cells, unset_or(pvc, "spec.volumeMode"));
}

const table_def table_persistentvolumeclaims = {pvc_columns, 9, pvc_row, NULL};

/* ---- persistentvolumes */

static const table_column pv_columns[] = {
    {"Name", "string", "name", DOC_OBJECTMETA_NAME, 0},
    {"Capacity", "string", "", "capacity is the description of the persistent volume's resources and capacity. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#capacity", 0},
    {"Access Modes", "string", "", "accessModes contains all ways the volume can be mounted. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes", 0},
    {"Reclaim Policy", "string", "", "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim. Valid options are Retain (default for manually created PersistentVolumes), Delete (default for dynamically provisioned PersistentVolumes), and Recycle (deprecated). Recycle must be supported by the volume plugin underlying this PersistentVolume. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#reclaiming", 0},
    {"Status", "string", "", "phase indicates if a volume is available, bound to a claim, or released by a claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#phase", 0},
    {"Claim", "string", "", "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding", 0},
    {"StorageClass", "string", "", "StorageClass of the pv", 0},
    {"VolumeAttributesClass", "string", "", "VolumeAttributesClass of the pv", 0},
    {"Reason", "string", "", "reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.", 0},
    {"Age", "string", "", DOC_OBJECTMETA_CREATION_TIMESTAMP, 0},
    {"VolumeMode", "string", "", "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state. Value of Filesystem is implied when not included in spec.", 1},
};

static void pv_row(const cJSON *pv, cJSON *cells, time_t now)
{
    char claim[512] = "";
    const cJSON *ref = json_at(pv, "spec.claimRef");
    if (cJSON_IsObject(ref))
        snprintf(claim, sizeof claim, "%s/%s", tj_str_or(ref, "namespace", ""), tj_str_or(ref, "name", ""));
    kapi_buf modes;
    kapi_buf_init(&modes);
    access_modes(json_at(pv, "spec.accessModes"), &modes);
    const char *phase = json_at(pv, "metadata.deletionTimestamp") ? "Terminating" : tj_str_or(pv, "status.phase", "");
    cell_name(cells, pv);
    cell_string(cells, quantity_at(pv, "spec.capacity.storage"));
    cell_buf(cells, &modes);
    cell_string(cells, tj_str_or(pv, "spec.persistentVolumeReclaimPolicy", ""));
    cell_string(cells, phase);
    cell_string(cells, claim);
    cell_string(cells, storage_class_of(pv, "spec.storageClassName"));
    cell_string(cells, unset_or(pv, "spec.volumeAttributesClassName"));
    cell_string(cells, tj_str_or(pv, "status.reason", ""));
    cell_age(cells, pv, now);
    cell_string(cells, unset_or(pv, "spec.volumeMode"));
}

const table_def table_persistentvolumes = {pv_columns, 11, pv_row, NULL};

/* ---- endpoints: formatEndpoints (at most 3 addresses, "+ N more...") */

static const table_column endpoints_columns[] = {
    {"Name", "string", "name", DOC_OBJECTMETA_NAME, 0},
    {"Endpoints", "string", "", "The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service.", 0},
    {"Age", "string", "", DOC_OBJECTMETA_CREATION_TIMESTAMP, 0},
};

static void endpoints_row(const cJSON *ep, cJSON *cells, time_t now)
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
    if (!b.data) kapi_buf_puts(&b, "");
    cell_name(cells, ep);
    cell_buf(cells, &b);
    cell_age(cells, ep, now);
}

const table_def table_endpoints = {endpoints_columns, 3, endpoints_row, NULL};

/* ---- podtemplates */

static const table_column podtemplate_columns[] = {
    {"Name", "string", "name", DOC_OBJECTMETA_NAME, 0},
    {"Containers", "string", "", DOC_CONTAINERS, 0},
    {"Images", "string", "", DOC_IMAGES, 0},
    {"Pod Labels", "string", "", "The labels for the pod template.", 0},
};

static void podtemplate_row(const cJSON *pt, cJSON *cells, time_t now)
{
    cell_name(cells, pt);
    container_cells(json_at(pt, "template.spec.containers"), cells);
    kapi_buf b;
    kapi_buf_init(&b);
    format_labels(json_at(pt, "template.metadata.labels"), &b);
    cell_buf(cells, &b);
}

const table_def table_podtemplates = {podtemplate_columns, 4, podtemplate_row, NULL};

/* ---- resourcequotas: "name: used/hard" for each hard resource, sorted;
 * the limits.* ones in the Limit column. */

static const table_column resourcequota_columns[] = {
    {"Name", "string", "name", DOC_OBJECTMETA_NAME, 0},
    {"Request", "string", "", "Request represents a minimum amount of cpu/memory that a container may consume.", 0},
    {"Limit", "string", "", "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.", 0},
    {"Age", "string", "", DOC_OBJECTMETA_CREATION_TIMESTAMP, 0},
};

static int by_string(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void resourcequota_row(const cJSON *rq, cJSON *cells, time_t now)
{
    const cJSON *hard = json_at(rq, "status.hard"), *used = json_at(rq, "status.used"), *h;
    int n = cJSON_GetArraySize(hard), i = 0;
    const char **names = calloc((size_t)(n > 0 ? n : 1), sizeof *names);
    cJSON_ArrayForEach(h, hard) if (names) names[i++] = h->string;
    if (names) qsort(names, (size_t)i, sizeof *names, by_string);
    kapi_buf req, lim;
    kapi_buf_init(&req);
    kapi_buf_init(&lim);
    for (int k = 0; names && k < i; k++) {
        kapi_buf *w = !strncmp(names[k], "limits.", 7) ? &lim : &req;
        const cJSON *u = cJSON_GetObjectItemCaseSensitive(used, names[k]);
        const cJSON *hv = cJSON_GetObjectItemCaseSensitive(hard, names[k]);
        kapi_buf_printf(w, "%s%s: %s/%s", w->data && w->data[0] ? ", " : "", names[k],
                        cJSON_IsString(u) ? u->valuestring : "0", cJSON_IsString(hv) ? hv->valuestring : "0");
    }
    free(names);
    if (!req.data) kapi_buf_puts(&req, "");
    if (!lim.data) kapi_buf_puts(&lim, "");
    cell_name(cells, rq);
    cell_buf(cells, &req);
    cell_buf(cells, &lim);
    cell_age(cells, rq, now);
}

const table_def table_resourcequotas = {resourcequota_columns, 4, resourcequota_row, NULL};

/* ---- poddisruptionbudgets */

static const table_column pdb_columns[] = {
    {"Name", "string", "name", DOC_OBJECTMETA_NAME, 0},
    {"Min Available", "string", "", "The minimum number of pods that must be available.", 0},
    {"Max Unavailable", "string", "", "The maximum number of pods that may be unavailable.", 0},
    {"Allowed Disruptions", "integer", "", "Calculated number of pods that may be disrupted at this time.", 0},
    {"Age", "string", "", DOC_OBJECTMETA_CREATION_TIMESTAMP, 0},
};

/* intstr.IntOrString's String(), "N/A" when unset. */
static void intstr_cell(cJSON *cells, const cJSON *v)
{
    char buf[64];
    if (cJSON_IsNumber(v)) { snprintf(buf, sizeof buf, "%d", (int)v->valuedouble); cell_string(cells, buf); }
    else cell_string(cells, cJSON_IsString(v) ? v->valuestring : "N/A");
}

static void pdb_row(const cJSON *pdb, cJSON *cells, time_t now)
{
    cell_name(cells, pdb);
    intstr_cell(cells, json_at(pdb, "spec.minAvailable"));
    intstr_cell(cells, json_at(pdb, "spec.maxUnavailable"));
    cell_integer(cells, tj_int(pdb, "status.disruptionsAllowed", 0));
    cell_age(cells, pdb, now);
}

const table_def table_poddisruptionbudgets = {pdb_columns, 5, pdb_row, NULL};

/* ---- ingresses: formatHosts, ingressLoadBalancerStatusStringer, formatPorts */

static const table_column ingress_columns[] = {
    {"Name", "string", "name", DOC_OBJECTMETA_NAME, 0},
    {"Class", "string", "", "The name of the IngressClass resource that should be used for additional configuration", 0},
    {"Hosts", "string", "", "Hosts that incoming requests are matched against before the ingress rule", 0},
    {"Address", "string", "", "Address is a list containing ingress points for the load-balancer", 0},
    {"Ports", "string", "", "Ports of TLS configurations that open", 0},
    {"Age", "string", "", DOC_OBJECTMETA_CREATION_TIMESTAMP, 0},
};

static void ingress_hosts(const cJSON *rules, kapi_buf *b)
{
    const int max = 3;
    int listed = 0, more = 0;
    const cJSON *r;
    cJSON_ArrayForEach(r, rules) {
        if (listed == max) more = 1;
        const char *host = json_str(r, "host");
        if (!more && *host) kapi_buf_printf(b, "%s%s", listed++ ? "," : "", host);
    }
    if (!listed) { kapi_buf_puts(b, "*"); return; }
    if (more) kapi_buf_printf(b, " + %d more...", cJSON_GetArraySize(rules) - max);
}

/* the addresses as a sorted set, clipped to 16 bytes in the narrow form
 * (a Table is always the narrow form). */
static void ingress_address(const cJSON *lbs, kapi_buf *b)
{
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
}

static void ingress_row(const cJSON *ing, cJSON *cells, time_t now)
{
    const cJSON *cls = json_at(ing, "spec.ingressClassName");
    kapi_buf hosts, addr;
    kapi_buf_init(&hosts);
    kapi_buf_init(&addr);
    ingress_hosts(json_at(ing, "spec.rules"), &hosts);
    ingress_address(json_at(ing, "status.loadBalancer.ingress"), &addr);
    cell_name(cells, ing);
    cell_string(cells, cJSON_IsString(cls) ? cls->valuestring : "<none>");
    cell_buf(cells, &hosts);
    cell_buf(cells, &addr);
    cell_string(cells, cJSON_GetArraySize(json_at(ing, "spec.tls")) ? "80, 443" : "80");
    cell_age(cells, ing, now);
}

const table_def table_ingresses = {ingress_columns, 6, ingress_row, NULL};

/* ---- ingressclasses */

static const table_column ingressclass_columns[] = {
    {"Name", "string", "name", DOC_OBJECTMETA_NAME, 0},
    {"Controller", "string", "", "Controller that is responsible for handling this class", 0},
    {"Parameters", "string", "", "A reference to a resource with additional parameters", 0},
    {"Age", "string", "", DOC_OBJECTMETA_CREATION_TIMESTAMP, 0},
};

static void ingressclass_row(const cJSON *ic, cJSON *cells, time_t now)
{
    char params[512] = "<none>";
    const cJSON *p = json_at(ic, "spec.parameters");
    if (cJSON_IsObject(p)) {
        const cJSON *g = json_get(p, "apiGroup");
        if (cJSON_IsString(g))
            snprintf(params, sizeof params, "%s.%s/%s", json_str(p, "kind"), g->valuestring, json_str(p, "name"));
        else snprintf(params, sizeof params, "%s/%s", json_str(p, "kind"), json_str(p, "name"));
    }
    cell_name(cells, ic);
    cell_string(cells, tj_str_or(ic, "spec.controller", ""));
    cell_string(cells, params);
    cell_age(cells, ic, now);
}

const table_def table_ingressclasses = {ingressclass_columns, 4, ingressclass_row, NULL};

/* ---- networkpolicies */

static const table_column networkpolicy_columns[] = {
    {"Name", "string", "name", DOC_OBJECTMETA_NAME, 0},
    {"Pod-Selector", "string", "", "Selects the pods to which this NetworkPolicy object applies. The array of ingress rules is applied to any pods selected by this field. Multiple network policies can select the same set of pods. In this case, the ingress rules for each are combined additively. This field is NOT optional and follows standard label selector semantics. An empty podSelector matches all pods in this namespace.", 0},
    {"Age", "string", "", DOC_OBJECTMETA_CREATION_TIMESTAMP, 0},
};

static void networkpolicy_row(const cJSON *np, cJSON *cells, time_t now)
{
    kapi_buf b;
    kapi_buf_init(&b);
    const cJSON *sel = json_at(np, "spec.podSelector");
    cJSON *empty = NULL;
    if (!sel) sel = empty = cJSON_CreateObject();   /* a struct, never nil */
    format_label_selector(sel, &b);
    cJSON_Delete(empty);
    cell_name(cells, np);
    cell_buf(cells, &b);
    cell_age(cells, np, now);
}

const table_def table_networkpolicies = {networkpolicy_columns, 3, networkpolicy_row, NULL};

/* ---- horizontalpodautoscalers: formatHPAMetrics (at most 2) */

static const table_column hpa_columns[] = {
    {"Name", "string", "name", DOC_OBJECTMETA_NAME, 0},
    {"Reference", "string", "", "scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count.", 0},
    {"Targets", "string", "", "metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used).  The desired replica count is calculated multiplying the ratio between the target value and the current value by the current number of pods.  Ergo, metrics used must decrease as the pod count is increased, and vice-versa.  See the individual metric source types for more information about how each type of metric must respond.", 0},
    {"MinPods", "string", "", "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.  It defaults to 1 pod.  minReplicas is allowed to be 0 if the alpha feature gate HPAScaleToZero is enabled and at least one Object or External metric is configured.  Scaling is active as long as at least one metric value is available.", 0},
    {"MaxPods", "string", "", "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up. It cannot be less that minReplicas.", 0},
    {"Replicas", "string", "", "currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.", 0},
    {"Age", "string", "", DOC_OBJECTMETA_CREATION_TIMESTAMP, 0},
};

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

static void hpa_row(const cJSON *hpa, cJSON *cells, time_t now)
{
    char ref[512], min[32] = "<unset>";
    snprintf(ref, sizeof ref, "%s/%s", tj_str_or(hpa, "spec.scaleTargetRef.kind", ""),
             tj_str_or(hpa, "spec.scaleTargetRef.name", ""));
    if (cJSON_IsNumber(json_at(hpa, "spec.minReplicas")))
        snprintf(min, sizeof min, "%lld", tj_int(hpa, "spec.minReplicas", 0));
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
    cell_name(cells, hpa);
    cell_string(cells, ref);
    cell_buf(cells, &b);
    cell_string(cells, min);
    cell_integer(cells, tj_int(hpa, "spec.maxReplicas", 0));
    cell_integer(cells, tj_int(hpa, "status.currentReplicas", 0));
    cell_age(cells, hpa, now);
}

const table_def table_horizontalpodautoscalers = {hpa_columns, 7, hpa_row, NULL};

/* ---- storageclasses */

static const table_column storageclass_columns[] = {
    {"Name", "string", "name", DOC_OBJECTMETA_NAME, 0},
    {"Provisioner", "string", "", "provisioner indicates the type of the provisioner.", 0},
    {"ReclaimPolicy", "string", "", "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.", 0},
    {"VolumeBindingMode", "string", "", "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature.", 0},
    {"AllowVolumeExpansion", "string", "", "allowVolumeExpansion shows whether the storage class allow volume expand.", 0},
    {"Age", "string", "", DOC_OBJECTMETA_CREATION_TIMESTAMP, 0},
};

/* storageutil.IsDefaultAnnotation */
static int is_default_class(const cJSON *sc)
{
    const cJSON *ann = json_at(sc, "metadata.annotations");
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(ann, DEFAULT_CLASS_ANNOTATION);
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(ann, BETA_DEFAULT_CLASS_ANNOTATION);
    return (cJSON_IsString(a) && !strcmp(a->valuestring, "true")) ||
           (cJSON_IsString(b) && !strcmp(b->valuestring, "true"));
}

static void storageclass_row(const cJSON *sc, cJSON *cells, time_t now)
{
    char name[300];
    snprintf(name, sizeof name, "%s%s", tj_str_or(sc, "metadata.name", ""), is_default_class(sc) ? " (default)" : "");
    cell_string(cells, name);
    cell_string(cells, tj_str_or(sc, "provisioner", ""));
    cell_string(cells, tj_str_or(sc, "reclaimPolicy", "Delete"));
    cell_string(cells, tj_str_or(sc, "volumeBindingMode", "Immediate"));
    cJSON_AddItemToArray(cells, cJSON_CreateBool(json_true_at(sc, "allowVolumeExpansion")));
    cell_age(cells, sc, now);
}

const table_def table_storageclasses = {storageclass_columns, 6, storageclass_row, NULL};

/* ---- runtimeclasses (kube's column description reads ObjectMeta's
 * "handler" doc, which does not exist: empty) */

static const table_column runtimeclass_columns[] = {
    {"Name", "string", "name", DOC_OBJECTMETA_NAME, 0},
    {"Handler", "string", "", "", 0},
    {"Age", "string", "", DOC_OBJECTMETA_CREATION_TIMESTAMP, 0},
};

static void runtimeclass_row(const cJSON *rc, cJSON *cells, time_t now)
{
    cell_name(cells, rc);
    cell_string(cells, tj_str_or(rc, "handler", ""));
    cell_age(cells, rc, now);
}

const table_def table_runtimeclasses = {runtimeclass_columns, 3, runtimeclass_row, NULL};
