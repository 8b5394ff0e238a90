/* breadth.c: the other kinds a realistic set of manifests uses, as
 * kube-apiserver 1.32 serves them: core/v1 PersistentVolumeClaim,
 * PersistentVolume, Endpoints, PodTemplate, LimitRange, ResourceQuota;
 * policy/v1 PodDisruptionBudget; networking.k8s.io/v1 Ingress, IngressClass,
 * NetworkPolicy; autoscaling/v2 HorizontalPodAutoscaler; storage.k8s.io/v1
 * StorageClass; node.k8s.io/v1 RuntimeClass. Each: kube's defaults
 * (pkg/apis/<group>/v1/defaults.go), its main validation rules with kube's
 * messages, and its printer's columns (pkg/printers/internalversion). No
 * controller or admission plugin acts on them here. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/jsonpath.h"
#include "codec/validate_meta.h"
#include "codec/labels.h"
#include "codec/objmeta.h"
#include "registry/kinds/pod.h"
#include "registry/kinds/workload.h"
#include "registry/kinds/conversion.h"
#include "registry/rest_internal.h"
#include "registry/strategies.h"
#include "registry/tables_internal.h"

void claim_set_defaults(cJSON *pvc);   /* statefulsets.c */

/* A quantity below zero (ValidateNonnegativeQuantity): stored quantities
 * are canonical strings, negative ones start with '-'. */
static int quantity_negative(const cJSON *q)
{
    return cJSON_IsString(q) ? q->valuestring[0] == '-' && strcmp(q->valuestring, "-0")
                             : cJSON_IsNumber(q) && q->valuedouble < 0;
}

/* ValidateResourceQuantityValue over a ResourceList at field ("spec.hard"):
 * "<field>[<name>]: Invalid value: \"-1\": must be greater than or equal to 0". */
static void validate_resource_list(const cJSON *list, const char *field, field_errors *errs)
{
    const cJSON *q;
    char path[256];
    cJSON_ArrayForEach(q, list) {
        if (!quantity_negative(q)) continue;
        snprintf(path, sizeof path, "%s[%s]", field, q->string);
        field_error_add(errs, FIELD_INVALID, path, q, "must be greater than or equal to 0");
    }
}

/* ---- PersistentVolumeClaim */

static void validate_pvc(const cJSON *pvc, field_errors *errs)
{
    const cJSON *spec = json_get(pvc, "spec");
    if (cJSON_GetArraySize(json_get(spec, "accessModes")) == 0)
        field_error_add(errs, FIELD_REQUIRED, "spec.accessModes", NULL, "at least 1 access mode is required");
    if (!json_at(spec, "resources.requests.storage"))
        field_error_add(errs, FIELD_REQUIRED, "spec.resources[storage]", NULL, NULL);
}

static void validate_pvc_update(const cJSON *pvc, const cJSON *old, field_errors *errs)
{
    static const char *const mutable[] = {"resources", "volumeAttributesClassName", "volumeName", NULL};
    if (!spec_equal_except(pvc, old, mutable))
        field_error_add(errs, FIELD_FORBIDDEN, "spec", NULL,
                        "spec is immutable after creation except resources.requests and "
                        "volumeAttributesClassName for bound claims");
}

static void pvc_set_defaults(cJSON *pvc)
{
    claim_set_defaults(pvc);
    workload_normalize(pvc);
}

static void pvc_prepare_for_create(cJSON *pvc)
{
    cJSON_DeleteItemFromObjectCaseSensitive(pvc, "status");
    cJSON_AddObjectToObject(pvc, "status");
    pvc_set_defaults(pvc);
}

/* ---- the storage protection finalizers (StorageObjectInUseProtection
 * adds them; kube's pvc-protection and pv-protection controllers take them
 * away from an object being deleted that nothing uses: done here, at the
 * DELETE) */

static void drop_finalizer(cJSON *obj, const char *f)
{
    cJSON *list = cJSON_GetObjectItemCaseSensitive(json_object_member(obj, "metadata"), "finalizers");
    for (int i = cJSON_GetArraySize(list) - 1; i >= 0; i--) {
        const cJSON *e = cJSON_GetArrayItem(list, i);
        if (cJSON_IsString(e) && !strcmp(e->valuestring, f)) cJSON_DeleteItemFromArray(list, i);
    }
}

typedef struct claim_use { const char *claim; int used; } claim_use;

static int pod_uses_claim(void *arg, const char *key, const char *value, int64_t rev)
{
    (void)key, (void)rev;
    claim_use *u = arg;
    cJSON *pod = cJSON_Parse(value);
    const char *phase = json_str_at(pod, "status.phase", "");
    if (strcmp(phase, "Succeeded") && strcmp(phase, "Failed")) {
        const cJSON *v;
        cJSON_ArrayForEach(v, json_at(pod, "spec.volumes"))
            if (!strcmp(json_str_at(v, "persistentVolumeClaim.claimName", ""), u->claim)) u->used = 1;
    }
    cJSON_Delete(pod);
    return u->used;   /* stop at the first user */
}

static void pvc_release_finalizers(rest_call *c, cJSON *pvc)
{
    claim_use u = {.claim = json_str_at(pvc, "metadata.name", "")};
    int64_t rev;
    store_rc rc = store_list(c->ctx->store, kapi_psprintf(c->req->pool, "/registry/pods/%s/", c->ns), NULL, 0,
                             pod_uses_claim, &u, &rev);
    if (rc == STORE_OK && !u.used) drop_finalizer(pvc, "kubernetes.io/pvc-protection");
}

/* A pod is gone: each claim it named that is being deleted and that no
 * other pod uses loses its protection finalizer, and goes when that was
 * its last (kube's pvc-protection controller, on the pod's deletion). */
void pvc_release_after_pod(rest_call *c, const cJSON *pod)
{
    const cJSON *v;
    cJSON_ArrayForEach(v, json_at(pod, "spec.volumes")) {
        const char *claim = json_str_at(v, "persistentVolumeClaim.claimName", "");
        if (!*claim) continue;
        const char *key = kapi_psprintf(c->req->pool, "/registry/persistentvolumeclaims/%s/%s", c->ns, claim);
        store_kv kv;
        if (store_get(c->ctx->store, key, &kv) != STORE_OK) continue;
        cJSON *pvc = kapi_pool_keep_json(c->req->pool, cJSON_Parse(kv.value));
        int64_t rev = kv.mod_rev, nrev;
        store_kv_free(&kv);
        if (!json_get(json_get(pvc, "metadata"), "deletionTimestamp") ||
            !meta_has_finalizer(pvc, "kubernetes.io/pvc-protection"))
            continue;
        claim_use u = {.claim = claim};
        if (store_list(c->ctx->store, kapi_psprintf(c->req->pool, "/registry/pods/%s/", c->ns), NULL, 0, pod_uses_claim,
                       &u, &nrev) != STORE_OK || u.used)
            continue;
        drop_finalizer(pvc, "kubernetes.io/pvc-protection");
        if (cJSON_GetArraySize(json_at(pvc, "metadata.finalizers"))) store_update_if_revision(c->ctx->store, key, pvc, rev, &nrev);
        else store_delete_if_revision(c->ctx->store, key, rev, NULL, &nrev);
    }
}

/* a volume not bound to a claim is free to go */
static void pv_release_finalizers(rest_call *c, cJSON *pv)
{
    (void)c;
    if (strcmp(json_str_at(pv, "status.phase", ""), "Bound")) drop_finalizer(pv, "kubernetes.io/pv-protection");
}

const kapi_strategy strategy_persistentvolumeclaims = {
    .release_finalizers = pvc_release_finalizers,
    .names = NAME_DNS1123_SUBDOMAIN, .has_status = 1,
    .set_defaults = pvc_set_defaults, .prepare_for_create = pvc_prepare_for_create,
    .validate = validate_pvc, .validate_update = validate_pvc_update,
    .prepare_for_status_update = workload_keep_spec,
};

/* ---- PersistentVolume */

static void pv_set_defaults(cJSON *pv)
{
    cJSON *spec = json_object_member(pv, "spec");
    default_string(spec, "persistentVolumeReclaimPolicy", "Retain");
    default_string(spec, "volumeMode", "Filesystem");
    default_string(json_object_member(pv, "status"), "phase", "Pending");
    workload_normalize(pv);
}

static void pv_prepare_for_create(cJSON *pv)
{
    cJSON_DeleteItemFromObjectCaseSensitive(pv, "status");
    pv_set_defaults(pv);
}

static void validate_pv(const cJSON *pv, field_errors *errs)
{
    const cJSON *spec = json_get(pv, "spec");
    if (cJSON_GetArraySize(json_get(spec, "accessModes")) == 0)
        field_error_add(errs, FIELD_REQUIRED, "spec.accessModes", NULL, NULL);
    const cJSON *capacity = json_get(spec, "capacity");
    if (cJSON_GetArraySize(capacity) == 0) field_error_add(errs, FIELD_REQUIRED, "spec.capacity", NULL, NULL);
    if (!json_get(capacity, "storage") || cJSON_GetArraySize(capacity) > 1) {
        /* field.NotSupported of the whole ResourceList, printed as Go does */
        cJSON *raw = cJSON_CreateRaw(cJSON_GetArraySize(capacity) == 0 ? "core.ResourceList(nil)"
                                                                       : "core.ResourceList{...}");
        field_error_add(errs, FIELD_NOT_SUPPORTED, "spec.capacity", raw, "supported values: \"storage\"");
        cJSON_Delete(raw);
    }
    validate_resource_list(capacity, "spec.capacity", errs);
    static const char *const sources[] = {"gcePersistentDisk", "awsElasticBlockStore", "hostPath", "nfs", "fc",
        "flocker", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "portworxVolume",
        "local", "csi", NULL};
    int n = 0;
    for (int i = 0; sources[i]; i++) n += cJSON_IsObject(json_get(spec, sources[i]));
    if (n == 0) field_error_add(errs, FIELD_REQUIRED, "spec", NULL, "must specify a volume type");
    const char *rp = json_str(spec, "persistentVolumeReclaimPolicy");
    static const char *const rps[] = {"Delete", "Recycle", "Retain", NULL};
    if (*rp && strcmp(rp, "Delete") && strcmp(rp, "Recycle") && strcmp(rp, "Retain"))
        field_error_not_supported(errs, "spec.persistentVolumeReclaimPolicy", rp, rps);
}

const kapi_strategy strategy_persistentvolumes = {
    .release_finalizers = pv_release_finalizers,
    .names = NAME_DNS1123_SUBDOMAIN, .has_status = 1,
    .set_defaults = pv_set_defaults, .prepare_for_create = pv_prepare_for_create,
    .validate = validate_pv, .prepare_for_status_update = workload_keep_spec,
};

/* ---- Endpoints, PodTemplate, LimitRange, ResourceQuota */

static void endpoints_set_defaults(cJSON *ep)
{
    cJSON *s, *p;
    cJSON_ArrayForEach(s, json_get(ep, "subsets"))
        cJSON_ArrayForEach(p, json_get(s, "ports")) default_string(p, "protocol", "TCP");
}

/* validation.IsValidIP */
static int is_valid_ip(const char *ip)
{
    unsigned char buf[16];
    return inet_pton(AF_INET, ip, buf) == 1 || inet_pton(AF_INET6, ip, buf) == 1;
}

/* validateEndpointSubsets: addresses' IPs, ports' numbers and protocols. */
static void validate_endpoints(const cJSON *ep, field_errors *errs)
{
    const cJSON *s, *a, *p;
    int i = 0;
    char field[128];
    static const char *const protocols[] = {"SCTP", "TCP", "UDP", NULL};
    cJSON_ArrayForEach(s, json_get(ep, "subsets")) {
        static const char *const lists[] = {"addresses", "notReadyAddresses", NULL};
        for (int l = 0; lists[l]; l++) {
            int j = 0;
            cJSON_ArrayForEach(a, json_get(s, lists[l])) {
                const cJSON *ip = json_get(a, "ip");
                snprintf(field, sizeof field, "subsets[%d].%s[%d].ip", i, lists[l], j++);
                if (!is_valid_ip(json_str(a, "ip"))) {
                    cJSON *v = cJSON_IsString(ip) ? NULL : cJSON_CreateString("");
                    field_error_add(errs, FIELD_INVALID, field, v ? v : ip,
                                    "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
                    cJSON_Delete(v);
                }
            }
        }
        int j = 0;
        cJSON_ArrayForEach(p, json_get(s, "ports")) {
            const cJSON *port = json_get(p, "port");
            long long n = cJSON_IsNumber(port) ? (long long)port->valuedouble : 0;
            if (n < 1 || n > 65535) {
                snprintf(field, sizeof field, "subsets[%d].ports[%d].port", i, j);
                cJSON *v = cJSON_CreateNumber((double)n);
                field_error_add(errs, FIELD_INVALID, field, v, "must be between 1 and 65535, inclusive");
                cJSON_Delete(v);
            }
            const char *proto = json_str(p, "protocol");
            if (strcmp(proto, "TCP") && strcmp(proto, "UDP") && strcmp(proto, "SCTP")) {
                snprintf(field, sizeof field, "subsets[%d].ports[%d].protocol", i, j);
                if (!*proto) field_error_add(errs, FIELD_REQUIRED, field, NULL, NULL);
                else field_error_not_supported(errs, field, proto, protocols);
            }
            j++;
        }
        i++;
    }
}

const kapi_strategy strategy_endpoints = {
    .names = NAME_DNS1123_SUBDOMAIN, .allows_create_on_update = 1,
    .set_defaults = endpoints_set_defaults, .validate = validate_endpoints,
};

static void podtemplate_set_defaults(cJSON *pt)
{
    pod_template_set_defaults(json_object_member(pt, "template"));
}

static void validate_podtemplate(const cJSON *pt, field_errors *errs)
{
    static const char *const any[] = {"Always", "OnFailure", "Never", NULL};
    validate_workload_template(json_get(pt, "template"), "template", any, errs);
}

const kapi_strategy strategy_podtemplates = {
    .names = NAME_DNS1123_SUBDOMAIN, .has_generation = 1,
    .set_defaults = podtemplate_set_defaults, .validate = validate_podtemplate,
};

/* ValidateLimitRange: each type once; quantities not negative. */
static void validate_limitrange(const cJSON *lr, field_errors *errs)
{
    const cJSON *item;
    int i = 0;
    char field[128];
    const char *seen[64];
    int n_seen = 0;
    cJSON_ArrayForEach(item, json_at(lr, "spec.limits")) {
        const char *type = json_str(item, "type");
        snprintf(field, sizeof field, "spec.limits[%d].type", i);
        for (int k = 0; k < n_seen; k++)
            if (!strcmp(seen[k], type)) field_error_add(errs, FIELD_DUPLICATE, field, json_get(item, "type"), NULL);
        if (n_seen < 64) seen[n_seen++] = type;
        static const char *const lists[] = {"max", "min", "default", "defaultRequest", "maxLimitRequestRatio", NULL};
        for (int l = 0; lists[l]; l++) {
            snprintf(field, sizeof field, "spec.limits[%d].%s", i, lists[l]);
            validate_resource_list(json_get(item, lists[l]), field, errs);
        }
        i++;
    }
}

/* SetDefaults_LimitRangeItem: a Container item's default limit is its
 * max, its default request its min, else its default limit. */
static void limitrange_set_defaults(cJSON *lr)
{
    cJSON *item;
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(json_object_member(lr, "spec"), "limits")) {
        if (!cJSON_IsObject(item) || strcmp(json_str(item, "type"), "Container")) continue;
        cJSON *def = json_object_member(item, "default"), *req = json_object_member(item, "defaultRequest");
        const cJSON *e;
        cJSON_ArrayForEach(e, json_get(item, "max"))
            if (!json_get(def, e->string)) cJSON_AddItemToObject(def, e->string, cJSON_Duplicate(e, 1));
        cJSON_ArrayForEach(e, def) {
            if (json_get(req, e->string)) continue;
            const cJSON *min = json_get(json_get(item, "min"), e->string);
            cJSON_AddItemToObject(req, e->string, cJSON_Duplicate(min ? min : e, 1));
        }
        if (!cJSON_GetArraySize(def)) cJSON_DeleteItemFromObjectCaseSensitive(item, "default");
        if (!cJSON_GetArraySize(req)) cJSON_DeleteItemFromObjectCaseSensitive(item, "defaultRequest");
    }
}

const kapi_strategy strategy_limitranges = {
    .names = NAME_DNS1123_SUBDOMAIN, .allows_create_on_update = 1, .validate = validate_limitrange,
    .set_defaults = limitrange_set_defaults,
};

static void validate_resourcequota(const cJSON *rq, field_errors *errs)
{
    validate_resource_list(json_at(rq, "spec.hard"), "spec.hard", errs);
    static const char *const scopes[] = {"Terminating", "NotTerminating", "BestEffort", "NotBestEffort",
                                         "PriorityClass", "CrossNamespacePodAffinity", NULL};
    const cJSON *s;
    cJSON_ArrayForEach(s, json_at(rq, "spec.scopes")) {
        int ok = 0;
        for (int i = 0; scopes[i]; i++) ok |= cJSON_IsString(s) && !strcmp(s->valuestring, scopes[i]);
        (void)scopes;
        if (!ok) field_error_add(errs, FIELD_INVALID, "spec.scopes", s, "unsupported scope");
    }
}

const kapi_strategy strategy_resourcequotas = {
    .names = NAME_DNS1123_SUBDOMAIN, .has_status = 1, .set_defaults = workload_normalize,
    .prepare_for_create = workload_clear_status,
    .validate = validate_resourcequota, .prepare_for_status_update = workload_keep_spec,
};

/* ---- PodDisruptionBudget */

/* ValidatePositiveIntOrPercent and IsNotMoreThan100Percent (apps
 * validation), as a budget's bounds use them. */
static void validate_int_or_percent(const cJSON *v, const char *field, field_errors *errs)
{
    if (!v || cJSON_IsNull(v)) return;
    if (cJSON_IsNumber(v)) {
        if (v->valuedouble < 0) field_error_add(errs, FIELD_INVALID, field, v, "must be greater than or equal to 0");
        return;
    }
    const char *s = cJSON_IsString(v) ? v->valuestring : "";
    size_t n = strlen(s);
    int ok = n >= 2 && s[n - 1] == '%';
    for (size_t i = 0; ok && i + 1 < n; i++) ok = s[i] >= '0' && s[i] <= '9';
    if (!ok) {
        field_error_add(errs, FIELD_INVALID, field, v,
                        "a valid percent string must be a numeric string followed by an ending '%' "
                        "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')");
        return;
    }
    if (atoi(s) > 100) field_error_add(errs, FIELD_INVALID, field, v, "must not be greater than 100%");
}

static void validate_pdb(const cJSON *pdb, field_errors *errs)
{
    const cJSON *spec = json_get(pdb, "spec");
    const cJSON *min = json_get(spec, "minAvailable"), *max = json_get(spec, "maxUnavailable");
    if (min && !cJSON_IsNull(min) && max && !cJSON_IsNull(max)) {
        /* kube prints the spec struct with %#v (pointers included); the
         * detail is kube's */
        cJSON *raw = cJSON_CreateRaw("policy.PodDisruptionBudgetSpec{...}");
        field_error_add(errs, FIELD_INVALID, "spec", raw, "minAvailable and maxUnavailable cannot be both set");
        cJSON_Delete(raw);
    }
    validate_int_or_percent(min, "spec.minAvailable", errs);
    validate_int_or_percent(max, "spec.maxUnavailable", errs);
    const char *policy = json_str(spec, "unhealthyPodEvictionPolicy");
    static const char *const policies[] = {"AlwaysAllow", "IfHealthyBudget", NULL};
    if (*policy && strcmp(policy, policies[0]) && strcmp(policy, policies[1]))
        field_error_not_supported(errs, "spec.unhealthyPodEvictionPolicy", policy, policies);
    const cJSON *sel = json_get(spec, "selector");
    if (cJSON_IsObject(sel)) label_selector_validate(sel, "spec.selector", errs);
}

const kapi_strategy strategy_poddisruptionbudgets = {
    .names = NAME_DNS1123_SUBDOMAIN, .has_status = 1, .has_generation = 1,
    .set_defaults = workload_normalize, .prepare_for_create = workload_clear_status, .validate = validate_pdb,
    .prepare_for_status_update = workload_keep_spec,
};

/* ---- Ingress, IngressClass, NetworkPolicy */

/* validateIngressBackend */
static void validate_backend(const cJSON *b, const char *field, field_errors *errs)
{
    int svc = cJSON_IsObject(json_get(b, "service")), res = cJSON_IsObject(json_get(b, "resource"));
    cJSON *empty = cJSON_CreateString("");
    char path[200];
    if (svc && res) field_error_add(errs, FIELD_INVALID, field, empty, "cannot set both service and resource backends");
    else if (!svc && !res) field_error_add(errs, FIELD_INVALID, field, empty, "one backend must be specified");
    else if (svc) {
        const cJSON *service = json_get(b, "service");
        snprintf(path, sizeof path, "%s.service.name", field);
        validate_required_string(service, "name", path, NULL, errs);
        const cJSON *port = json_get(service, "port");
        int has_name = *json_str(port, "name") != 0, has_number = json_num_at(port, "number", 0) != 0;
        snprintf(path, sizeof path, "%s.service.port", field);
        if (has_name && has_number)
            field_error_add(errs, FIELD_INVALID, path, empty, "cannot set both port name & port number");
        else if (!has_name && !has_number)
            field_error_add(errs, FIELD_INVALID, path, empty, "port name or number is required");
    }
    cJSON_Delete(empty);
}

static void validate_ingress(const cJSON *ing, field_errors *errs)
{
    const cJSON *spec = json_get(ing, "spec"), *rule, *path;
    char field[160];
    const cJSON *db = json_get(spec, "defaultBackend");
    if (cJSON_IsObject(db)) validate_backend(db, "spec.defaultBackend", errs);
    if (!cJSON_IsObject(db) && cJSON_GetArraySize(json_get(spec, "rules")) == 0) {
        cJSON *raw = cJSON_CreateRaw("[]networking.IngressRule(nil)");
        field_error_add(errs, FIELD_INVALID, "spec", raw, "either `defaultBackend` or `rules` must be specified");
        cJSON_Delete(raw);
    }
    int i = 0;
    cJSON_ArrayForEach(rule, json_get(spec, "rules")) {
        int j = 0;
        cJSON_ArrayForEach(path, json_at(rule, "http.paths")) {
            const char *pt = json_str(path, "pathType");
            snprintf(field, sizeof field, "spec.rules[%d].http.paths[%d].pathType", i, j);
            static const char *const pts[] = {"Exact", "Prefix", "ImplementationSpecific", NULL};
            if (!*pt) field_error_add(errs, FIELD_REQUIRED, field, NULL, "pathType must be specified");
            else if (strcmp(pt, pts[0]) && strcmp(pt, pts[1]) && strcmp(pt, pts[2]))
                field_error_not_supported(errs, field, pt, pts);
            else if (strcmp(pt, "ImplementationSpecific") && json_str(path, "path")[0] != '/') {
                snprintf(field, sizeof field, "spec.rules[%d].http.paths[%d].path", i, j);
                cJSON *v = cJSON_CreateString(json_str(path, "path"));
                field_error_add(errs, FIELD_INVALID, field, v, "must be an absolute path");
                cJSON_Delete(v);
            }
            snprintf(field, sizeof field, "spec.rules[%d].http.paths[%d].backend", i, j);
            validate_backend(json_get(path, "backend"), field, errs);
            j++;
        }
        i++;
    }
}

const kapi_strategy strategy_ingresses = {
    .names = NAME_DNS1123_SUBDOMAIN, .has_status = 1, .has_generation = 1,
    .set_defaults = workload_normalize, .prepare_for_create = workload_clear_status, .validate = validate_ingress,
    .prepare_for_status_update = workload_keep_spec,
};

/* IsDomainPrefixedPath: "<DNS subdomain>/<path>". */
static void validate_ingressclass(const cJSON *ic, field_errors *errs)
{
    const cJSON *c = json_at(ic, "spec.controller");
    const char *v = cJSON_IsString(c) ? c->valuestring : "";
    if (!*v) {
        field_error_add(errs, FIELD_REQUIRED, "spec.controller", NULL, NULL);
        return;
    }
    const char *slash = strchr(v, '/');
    if (!slash || slash == v) {
        field_error_add(errs, FIELD_INVALID, "spec.controller", c,
                        "must be a domain-prefixed path (such as \"acme.io/foo\")");
        return;
    }
    char host[256];
    snprintf(host, sizeof host, "%.*s", (int)(slash - v), v);
    validation_messages m = {0};
    is_dns1123_subdomain(host, &m);
    add_invalid_value_for_each_message(errs, "spec.controller", host, &m);
}

const kapi_strategy strategy_ingressclasses = {
    .names = NAME_DNS1123_SUBDOMAIN, .has_generation = 1, .set_defaults = workload_normalize,
    .validate = validate_ingressclass, .immutable_fields = (const char *const[]){"spec.controller", NULL},
};

/* SetDefaults_NetworkPolicyPort (TCP) and SetDefaults_NetworkPolicy
 * (policyTypes: Ingress, and Egress when egress rules are given). */
static void networkpolicy_set_defaults(cJSON *np)
{
    cJSON *spec = json_object_member(np, "spec");
    json_object_member(spec, "podSelector");
    static const char *const dirs[] = {"ingress", "egress", NULL};
    for (int d = 0; dirs[d]; d++) {
        cJSON *rule, *port;
        cJSON_ArrayForEach(rule, json_get(spec, dirs[d]))
            cJSON_ArrayForEach(port, json_get(rule, "ports")) default_string(port, "protocol", "TCP");
    }
    if (cJSON_GetArraySize(json_get(spec, "policyTypes")) == 0) {
        cJSON_DeleteItemFromObjectCaseSensitive(spec, "policyTypes");
        cJSON *types = cJSON_AddArrayToObject(spec, "policyTypes");
        cJSON_AddItemToArray(types, cJSON_CreateString("Ingress"));
        if (cJSON_GetArraySize(json_get(spec, "egress")) > 0)
            cJSON_AddItemToArray(types, cJSON_CreateString("Egress"));
    }
    workload_normalize(np);
}

static void validate_networkpolicy(const cJSON *np, field_errors *errs)
{
    static const char *const types[] = {"Ingress", "Egress", NULL};
    validate_each_supported(json_at(np, "spec.policyTypes"), "spec.policyTypes", types, errs);
    label_selector_validate(json_at(np, "spec.podSelector"), "spec.podSelector", errs);
}

const kapi_strategy strategy_networkpolicies = {
    .names = NAME_DNS1123_SUBDOMAIN, .has_generation = 1,
    .set_defaults = networkpolicy_set_defaults, .validate = validate_networkpolicy,
};

/* ---- HorizontalPodAutoscaler (autoscaling/v2) */

static void hpa_set_defaults(cJSON *hpa)
{
    cJSON *spec = json_object_member(hpa, "spec");
    default_number(spec, "minReplicas", 1);
    if (cJSON_GetArraySize(json_get(spec, "metrics")) == 0) {
        cJSON_DeleteItemFromObjectCaseSensitive(spec, "metrics");
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "type", "Resource");
        cJSON *r = cJSON_AddObjectToObject(m, "resource");
        cJSON_AddStringToObject(r, "name", "cpu");
        cJSON *t = cJSON_AddObjectToObject(r, "target");
        cJSON_AddStringToObject(t, "type", "Utilization");
        cJSON_AddNumberToObject(t, "averageUtilization", 80);
        cJSON_AddItemToArray(cJSON_AddArrayToObject(spec, "metrics"), m);
    }
    workload_normalize(hpa);
}

static void validate_hpa(const cJSON *hpa, field_errors *errs)
{
    const cJSON *spec = json_get(hpa, "spec");
    const cJSON *ref = json_get(spec, "scaleTargetRef");
    validate_required_string(ref, "kind", "spec.scaleTargetRef.kind", NULL, errs);
    validate_required_string(ref, "name", "spec.scaleTargetRef.name", NULL, errs);
    const cJSON *min = json_get(spec, "minReplicas"), *max = json_get(spec, "maxReplicas");
    if (cJSON_IsNumber(min) && min->valuedouble < 1)
        field_error_add(errs, FIELD_INVALID, "spec.minReplicas", min, "must be greater than or equal to 1");
    cJSON *zero = cJSON_CreateNumber(0);
    const cJSON *maxv = cJSON_IsNumber(max) ? max : zero;
    if (maxv->valuedouble < 1) field_error_add(errs, FIELD_INVALID, "spec.maxReplicas", maxv, "must be greater than 0");
    if (cJSON_IsNumber(min) && min->valuedouble > maxv->valuedouble)
        field_error_add(errs, FIELD_INVALID, "spec.maxReplicas", maxv,
                        "must be greater than or equal to `minReplicas`");
    cJSON_Delete(zero);
}

#define HPA_STRATEGY \
    .names = NAME_DNS1123_SUBDOMAIN, .has_status = 1, .prepare_for_create = workload_clear_status, \
    .set_defaults = hpa_set_defaults, .validate = validate_hpa, .prepare_for_status_update = workload_keep_spec
const kapi_strategy strategy_horizontalpodautoscalers = {HPA_STRATEGY};
/* autoscaling/v1: the same rules, on the object converted to v2 (hpa_v1.c) */
const kapi_strategy strategy_horizontalpodautoscalers_v1 = {
    HPA_STRATEGY, .to_storage = hpa_v1_to_storage, .from_storage = hpa_v1_from_storage,
};

/* ---- StorageClass, RuntimeClass */

static void storageclass_set_defaults(cJSON *sc)
{
    default_string(sc, "reclaimPolicy", "Delete");
    default_string(sc, "volumeBindingMode", "Immediate");
}

static void validate_storageclass(const cJSON *sc, field_errors *errs)
{
    validate_required_string(sc, "provisioner", "provisioner", NULL, errs);
    const char *rp = json_str(sc, "reclaimPolicy");
    static const char *const rps[] = {"Delete", "Retain", NULL};
    if (*rp && strcmp(rp, rps[0]) && strcmp(rp, rps[1])) field_error_not_supported(errs, "reclaimPolicy", rp, rps);
    const char *vbm = json_str(sc, "volumeBindingMode");
    static const char *const vbms[] = {"Immediate", "WaitForFirstConsumer", NULL};
    if (*vbm && strcmp(vbm, vbms[0]) && strcmp(vbm, vbms[1]))
        field_error_not_supported(errs, "volumeBindingMode", vbm, vbms);
}

static void validate_storageclass_update(const cJSON *sc, const cJSON *old, field_errors *errs)
{
    if (!json_semantic_equal(json_get(sc, "parameters"), json_get(old, "parameters")))
        field_error_add(errs, FIELD_FORBIDDEN, "parameters", NULL, "updates to parameters are forbidden.");
    if (strcmp(json_str(sc, "provisioner"), json_str(old, "provisioner")))
        field_error_add(errs, FIELD_FORBIDDEN, "provisioner", NULL, "updates to provisioner are forbidden.");
    if (strcmp(json_str(sc, "reclaimPolicy"), json_str(old, "reclaimPolicy")))
        field_error_add(errs, FIELD_FORBIDDEN, "reclaimPolicy", NULL, "updates to reclaimPolicy are forbidden.");
}

const kapi_strategy strategy_storageclasses = {
    .names = NAME_DNS1123_SUBDOMAIN, .set_defaults = storageclass_set_defaults,
    .validate = validate_storageclass, .validate_update = validate_storageclass_update,
    .immutable_fields = (const char *const[]){"volumeBindingMode", NULL},
};

/* ValidateRuntimeClass: the handler is a DNS label. */
static void validate_runtimeclass(const cJSON *rc, field_errors *errs)
{
    const char *handler = json_str(rc, "handler");
    validation_messages m = {0};
    is_dns1123_label(handler, &m);
    add_invalid_value_for_each_message(errs, "handler", handler, &m);
}

const kapi_strategy strategy_runtimeclasses = {
    .names = NAME_DNS1123_SUBDOMAIN, .validate = validate_runtimeclass,
    .immutable_fields = (const char *const[]){"handler", NULL},
};
