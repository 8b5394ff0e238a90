/* services.c: the Service strategy's subresource services/proxy
 * (pkg/registry/core/service/proxy.go, ResourceLocation in
 * pkg/registry/core/service/storage): "name", "name:port" or
 * "scheme:name:port"; a port number must be one of the service's ports;
 * then the service's endpoints. A nodeless cluster's endpoints controller
 * gives a service with a selector an Endpoints object with no ready
 * address (503 `no endpoints available for service "x"`) and a service
 * without one none at all (404 `endpoints "x" not found`). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "admission/service_alloc.h"
#include "codec/jsonpath.h"
#include "core/goquote.h"
#include "core/status.h"
#include "registry/kinds/node_connect.h"
#include "registry/kinds/pod_internal.h"
#include "registry/rest_internal.h"
#include "registry/strategies.h"

static void clear_status(cJSON *obj)
{
    cJSON_DeleteItemFromObjectCaseSensitive(obj, "status");
}

static rest_result no_endpoints(rest_call *c, const char *name)
{
    return rest_status(c, status_new(KAPI_UNAVAILABLE, kapi_psprintf(c->req->pool,
                       "no endpoints available for service %s", connect_quote(c->req->pool, name))), 0);
}

static rest_result serve_service_proxy(rest_call *c, const char *id)
{
    rest_result fail;
    const char *scheme, *name, *port;
    if (connect_split_proxy_id(c, "service", id, &scheme, &name, &port, &fail)) return fail;
    char *end = NULL;
    long long num = *port ? strtoll(port, &end, 10) : 0;
    int numeric = *port && end && !*end;
    cJSON *svc = connect_load(c, "services", c->ns, name, &fail);
    if (numeric) {
        if (!svc) return fail;
        int found = 0;
        const cJSON *p;
        cJSON_ArrayForEach(p, json_get(json_get(svc, "spec"), "ports")) {
            int64_t v;
            if (pj_is_int(json_get(p, "port"), &v) && v == num) found = 1;
        }
        if (!found)
            return rest_status(c, status_new(KAPI_UNAVAILABLE, kapi_psprintf(c->req->pool,
                               "no service port %lld found for service %s", num, connect_quote(c->req->pool, name))), 0);
    }
    /* the Endpoints the endpoints controller keeps: none for a missing
     * service or one without a selector */
    if (!svc || !cJSON_GetArraySize(json_get(json_get(svc, "spec"), "selector"))) {
        const char *msg = kapi_psprintf(c->req->pool, "endpoints \"%s\" not found", name);
        return rest_status(c, status_new_details(KAPI_NOT_FOUND, msg, name, NULL, "endpoints"), 0);
    }
    return no_endpoints(c, name);
}

static rest_result service_serve_subresource(rest_call *c, const char *subresource, const char *name)
{
    if (!strcmp(subresource, "proxy")) return serve_service_proxy(c, name);
    return rest_not_found_path(c);
}

/* ---- SetDefaults_Service (pkg/apis/core/v1/defaults.go) */

static void default_str(cJSON *obj, const char *key, const char *value)
{
    if (!*json_str(obj, key)) json_set_str(obj, key, value);
}

static void service_defaults(cJSON *obj)
{
    cJSON *spec = json_object_member(obj, "spec");
    default_str(spec, "sessionAffinity", "None");
    if (!strcmp(json_str(spec, "sessionAffinity"), "ClientIP") && !json_at(spec, "sessionAffinityConfig.clientIP.timeoutSeconds")) {
        cJSON *ip = json_object_member(json_object_member(spec, "sessionAffinityConfig"), "clientIP");
        cJSON_AddNumberToObject(ip, "timeoutSeconds", 10800);
    }
    default_str(spec, "type", "ClusterIP");
    const char *type = json_str(spec, "type");
    cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(spec, "ports")) {
        if (!cJSON_IsObject(p)) continue;
        default_str(p, "protocol", "TCP");
        const cJSON *tp = json_get(p, "targetPort"), *port = json_get(p, "port");
        int unset = !tp || (cJSON_IsNumber(tp) && tp->valuedouble == 0) || (cJSON_IsString(tp) && !*tp->valuestring);
        if (unset && cJSON_IsNumber(port)) {
            cJSON_DeleteItemFromObjectCaseSensitive(p, "targetPort");
            cJSON_AddNumberToObject(p, "targetPort", port->valuedouble);
        }
    }
    int node_ports = !strcmp(type, "NodePort") || !strcmp(type, "LoadBalancer");
    if (node_ports) default_str(spec, "externalTrafficPolicy", "Cluster");
    if (strcmp(type, "ExternalName")) default_str(spec, "internalTrafficPolicy", "Cluster");
    if (!strcmp(type, "LoadBalancer") && !json_get(spec, "allocateLoadBalancerNodePorts"))
        cJSON_AddTrueToObject(spec, "allocateLoadBalancerNodePorts");
    const char *ip = json_str(spec, "clusterIP");
    if (*ip && !cJSON_GetArraySize(json_get(spec, "clusterIPs"))) {
        cJSON_DeleteItemFromObjectCaseSensitive(spec, "clusterIPs");
        cJSON_AddItemToArray(cJSON_AddArrayToObject(spec, "clusterIPs"), cJSON_CreateString(ip));
    }
}

/* ---- allocation (pkg/registry/core/service/storage/alloc.go) */

static int needs_node_ports(const cJSON *spec)
{
    const char *t = json_str(spec, "type");
    return !strcmp(t, "NodePort") || !strcmp(t, "LoadBalancer");
}

static int has_cluster_ip(const cJSON *spec)
{
    const char *ip = json_str(spec, "clusterIP");
    return strcmp(json_str(spec, "type"), "ExternalName") && *ip && strcmp(ip, "None");
}

static int node_port_of(const cJSON *port)
{
    int64_t v;
    return pj_is_int(json_get(port, "nodePort"), &v) && v > 0 && v < 65536 ? (int)v : 0;
}

static int holds_port(const cJSON *spec, int np)
{
    if (!spec || !needs_node_ports(spec)) return 0;
    const cJSON *p;
    cJSON_ArrayForEach(p, json_get(spec, "ports")) if (node_port_of(p) == np) return 1;
    return 0;
}

static void service_release_held(rest_call *c, const cJSON *held, const cJSON *keep)
{
    const cJSON *hs = json_get(held, "spec"), *ks = keep ? json_get(keep, "spec") : NULL;
    if (has_cluster_ip(hs) && !(ks && has_cluster_ip(ks) && !strcmp(json_str(ks, "clusterIP"), json_str(hs, "clusterIP"))))
        svc_ip_release(c->ctx->store, c->req->pool, json_str(hs, "clusterIP"));
    if (!needs_node_ports(hs)) return;
    const cJSON *p;
    cJSON_ArrayForEach(p, json_get(hs, "ports")) {
        int np = node_port_of(p);
        if (np && !holds_port(ks, np)) svc_port_release(c->ctx->store, c->req->pool, np);
    }
}

typedef struct claims {
    const char *ip;
    int ports[64];
    int n_ports;
} claims;

static void undo(rest_call *c, const claims *cl)
{
    if (c->dry_run) return;
    if (cl->ip) svc_ip_release(c->ctx->store, c->req->pool, cl->ip);
    for (int i = 0; i < cl->n_ports; i++) svc_port_release(c->ctx->store, c->req->pool, cl->ports[i]);
}

static int alloc_failed(rest_call *c, const claims *cl, field_errors *errs, const cJSON *obj, rest_result *fail)
{
    undo(c, cl);
    *fail = rest_invalid(c, errs, json_str_at(obj, "metadata.name", ""));
    return -1;
}

static int internal_failure(rest_call *c, const claims *cl, const char *msg, rest_result *fail)
{
    undo(c, cl);
    *fail = rest_status(c, status_new(KAPI_INTERNAL, kapi_psprintf(c->req->pool, "Internal error occurred: %s", msg)), 0);
    return -1;
}

static void set_string_list(cJSON *spec, const char *key, const char *a, const char *b)
{
    cJSON_DeleteItemFromObjectCaseSensitive(spec, key);
    cJSON *l = cJSON_AddArrayToObject(spec, key);
    cJSON_AddItemToArray(l, cJSON_CreateString(a));
    if (b) cJSON_AddItemToArray(l, cJSON_CreateString(b));
}

/* initIPFamilyFields on a single-stack IPv4 cluster (errors into errs) */
static void init_ip_families(cJSON *spec, const cJSON *old_spec, field_errors *errs)
{
    int headless_selectorless = !strcmp(json_str(spec, "clusterIP"), "None") &&
                                !cJSON_GetArraySize(json_get(spec, "selector"));
    if (!*json_str(spec, "ipFamilyPolicy")) {
        if (old_spec && *json_str(old_spec, "ipFamilyPolicy"))
            json_set_str(spec, "ipFamilyPolicy", json_str(old_spec, "ipFamilyPolicy"));
        else json_set_str(spec, "ipFamilyPolicy", headless_selectorless ? "RequireDualStack" : "SingleStack");
    }
    const char *policy = json_str(spec, "ipFamilyPolicy");
    if (!cJSON_GetArraySize(json_get(spec, "ipFamilies")) && old_spec && cJSON_GetArraySize(json_get(old_spec, "ipFamilies")))
        cJSON_ReplaceItemInObjectCaseSensitive(spec, "ipFamilies", cJSON_Duplicate(json_get(old_spec, "ipFamilies"), 1));
    if (headless_selectorless) {
        if (!cJSON_GetArraySize(json_get(spec, "ipFamilies")))
            set_string_list(spec, "ipFamilies", "IPv4", strcmp(policy, "SingleStack") ? "IPv6" : NULL);
        return;
    }
    if (!strcmp(policy, "RequireDualStack"))
        field_error_add_str(errs, FIELD_INVALID, "spec.ipFamilyPolicy", policy, "this cluster is not configured for dual-stack services");
    int i = 0;
    const cJSON *f;
    cJSON_ArrayForEach(f, json_get(spec, "ipFamilies")) {
        if (!cJSON_IsString(f) || strcmp(f->valuestring, "IPv4")) {
            char path[48];
            snprintf(path, sizeof path, "spec.ipFamilies[%d]", i);
            field_error_add_str(errs, FIELD_INVALID, path, cJSON_IsString(f) ? f->valuestring : "", "not configured on this cluster");
        }
        i++;
    }
    if (!cJSON_GetArraySize(json_get(spec, "ipFamilies"))) set_string_list(spec, "ipFamilies", "IPv4", NULL);
}

/* kube's patchAllocatedValues: an update that leaves out what was
 * allocated keeps it (a PUT of a manifest without clusterIP or nodePort). */
static void keep_allocated(cJSON *spec, const cJSON *old_spec)
{
    if (has_cluster_ip(old_spec) && strcmp(json_str(spec, "type"), "ExternalName") && !*json_str(spec, "clusterIP")) {
        json_set_str(spec, "clusterIP", json_str(old_spec, "clusterIP"));
        cJSON_ReplaceItemInObjectCaseSensitive(spec, "clusterIPs", cJSON_Duplicate(json_get(old_spec, "clusterIPs"), 1));
        if (!json_get(spec, "clusterIPs")) set_string_list(spec, "clusterIPs", json_str(old_spec, "clusterIP"), NULL);
    }
    if (!needs_node_ports(old_spec) || !needs_node_ports(spec)) return;
    cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(spec, "ports")) {
        if (node_port_of(p)) continue;
        const cJSON *op;
        cJSON_ArrayForEach(op, json_get(old_spec, "ports")) {
            int np = node_port_of(op);
            if (!np || strcmp(json_str(op, "name"), json_str(p, "name")) || holds_port(spec, np)) continue;
            cJSON_DeleteItemFromObjectCaseSensitive(p, "nodePort");
            cJSON_AddNumberToObject(p, "nodePort", np);
            break;
        }
    }
}

static int claim_cluster_ip(rest_call *c, cJSON *obj, cJSON *spec, claims *cl, field_errors *errs, rest_result *fail)
{
    const cJSON *ips = json_get(spec, "clusterIPs");
    const char *want = cJSON_IsString(cJSON_GetArrayItem(ips, 0)) ? cJSON_GetArrayItem(ips, 0)->valuestring
                                                                  : json_str(spec, "clusterIP");
    const char *ns = json_str_at(obj, "metadata.namespace", c->ns), *name = json_str_at(obj, "metadata.name", "");
    uint32_t parsed;
    if (*want && svc_ip_parse(want, &parsed)) {
        field_error_add_str(errs, FIELD_INVALID, "spec.clusterIPs[0]", want,
                            "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
        return alloc_failed(c, cl, errs, obj, fail);
    }
    char got[16];
    svc_alloc_rc rc = svc_ip_claim(c->ctx->store, c->req->pool, want, ns, name, c->dry_run, got);
    if (rc == SVC_ALLOC_OK) {
        cl->ip = kapi_pstrdup(c->req->pool, got);
        json_set_str(spec, "clusterIP", got);
        set_string_list(spec, "clusterIPs", got, NULL);
        return 0;
    }
    if (!*want || rc == SVC_ALLOC_ERROR)
        return internal_failure(c, cl, kapi_psprintf(c->req->pool, "failed to allocate a serviceIP: %s",
                                                    svc_alloc_error(c->req->pool, rc, 0, want)), fail);
    kapi_buf *v = kapi_pool_buf(c->req->pool);
    go_quote_json_strings(v, ips);
    kapi_buf_putc(v, '\0');
    field_error_add(errs, FIELD_INVALID, "spec.clusterIPs", kapi_pool_keep_json(c->req->pool, cJSON_CreateRaw(v->data)),
                    kapi_psprintf(c->req->pool, "failed to allocate IP %s: %s", want,
                                  svc_alloc_error(c->req->pool, rc, 0, want)));
    return alloc_failed(c, cl, errs, obj, fail);
}

/* initNodePorts / updateNodePorts: requested ports claimed (unless the old
 * object holds them), missing ones allocated; ports of the same number
 * share one node port. */
static int claim_node_ports(rest_call *c, cJSON *obj, cJSON *spec, const cJSON *old_spec, claims *cl,
                            field_errors *errs, rest_result *fail)
{
    const char *ns = json_str_at(obj, "metadata.namespace", c->ns), *name = json_str_at(obj, "metadata.name", "");
    int allocate = strcmp(json_str(spec, "type"), "LoadBalancer") || !cJSON_IsFalse(json_get(spec, "allocateLoadBalancerNodePorts"));
    int i = 0;
    cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(spec, "ports")) {
        int np = node_port_of(p), idx = i++;
        int64_t num = 0;
        pj_is_int(json_get(p, "port"), &num);
        if (!np && !allocate) continue;
        /* a port of the same number already has one */
        int shared = 0;
        for (cJSON *q = cJSON_GetObjectItemCaseSensitive(spec, "ports")->child; q && q != p; q = q->next) {
            int64_t qn;
            if (pj_is_int(json_get(q, "port"), &qn) && qn == num && node_port_of(q) && (!np || np == node_port_of(q))) {
                shared = node_port_of(q);
                break;
            }
        }
        if (shared) np = shared;
        else if (!np || !holds_port(old_spec, np)) {
            int requested = np, got = 0;
            svc_alloc_rc rc = svc_port_claim(c->ctx->store, c->req->pool, np, ns, name, c->dry_run, &got);
            if (rc != SVC_ALLOC_OK) {
                if (!requested || rc == SVC_ALLOC_ERROR)
                    return internal_failure(c, cl, kapi_psprintf(c->req->pool, "failed to allocate a nodePort: %s",
                                                                svc_alloc_error(c->req->pool, rc, 1, "")), fail);
                field_error_add_int(errs, FIELD_INVALID, kapi_psprintf(c->req->pool, "spec.ports[%d].nodePort", idx),
                                    requested, svc_alloc_error(c->req->pool, rc, 1, ""));
                return alloc_failed(c, cl, errs, obj, fail);
            }
            if (cl->n_ports < (int)(sizeof cl->ports / sizeof cl->ports[0])) cl->ports[cl->n_ports++] = got;
            np = got;
        }
        cJSON_DeleteItemFromObjectCaseSensitive(p, "nodePort");
        cJSON_AddNumberToObject(p, "nodePort", np);
    }
    return 0;
}

static int service_begin_write(rest_call *c, cJSON *obj, const cJSON *old, rest_result *fail)
{
    cJSON *spec = json_object_member(obj, "spec");
    const cJSON *old_spec = old ? json_get(old, "spec") : NULL;
    field_errors *errs = kapi_palloc(c->req->pool, sizeof *errs);
    claims cl = {0};
    if (old_spec) keep_allocated(spec, old_spec);
    if (!strcmp(json_str(spec, "type"), "ExternalName")) return 0;
    init_ip_families(spec, old_spec, errs);
    if (errs->n) return alloc_failed(c, &cl, errs, obj, fail);
    if (old_spec && has_cluster_ip(old_spec)) {
        const char *was = json_str(old_spec, "clusterIP"), *now = json_str(spec, "clusterIP");
        if (strcmp(was, now)) {
            kapi_buf *v = kapi_pool_buf(c->req->pool);
            go_quote_json_strings(v, json_get(spec, "clusterIPs"));
            kapi_buf_putc(v, '\0');
            field_error_add(errs, FIELD_INVALID, "spec.clusterIPs[0]",
                            kapi_pool_keep_json(c->req->pool, cJSON_CreateRaw(v->data)), "may not change once set");
            return alloc_failed(c, &cl, errs, obj, fail);
        }
    } else {
        const cJSON *first = cJSON_GetArrayItem(json_get(spec, "clusterIPs"), 0);
        int headless = !strcmp(json_str(spec, "clusterIP"), "None") ||
                       (cJSON_IsString(first) && !strcmp(first->valuestring, "None"));
        if (!headless && claim_cluster_ip(c, obj, spec, &cl, errs, fail)) return -1;
    }
    if (needs_node_ports(spec) && claim_node_ports(c, obj, spec, old_spec, &cl, errs, fail)) return -1;
    return 0;
}

/* dropTypeDependentFields (pkg/registry/core/service/strategy.go): an
 * update that changes the type drops what only the old type used, when
 * the update left it as it was. */
static void service_prepare_for_update(cJSON *obj, const cJSON *old)
{
    cJSON *spec = json_object_member(obj, "spec");
    const cJSON *os = json_get(old, "spec");
    if (!strcmp(json_str(spec, "type"), "ExternalName") && strcmp(json_str(os, "type"), "ExternalName")) {
        const char *const drop[] = {"clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy", NULL};
        for (int i = 0; drop[i]; i++)
            if (cJSON_Compare(json_get(spec, drop[i]), json_get(os, drop[i]), 1))
                cJSON_DeleteItemFromObjectCaseSensitive(spec, drop[i]);
    }
    if (!needs_node_ports(spec) && needs_node_ports(os)) {
        cJSON *p;
        cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(spec, "ports"))
            if (node_port_of(p) && holds_port(os, node_port_of(p))) cJSON_DeleteItemFromObjectCaseSensitive(p, "nodePort");
        if (!strcmp(json_str(spec, "externalTrafficPolicy"), json_str(os, "externalTrafficPolicy")))
            cJSON_DeleteItemFromObjectCaseSensitive(spec, "externalTrafficPolicy");
    }
    if (strcmp(json_str(spec, "type"), "LoadBalancer") && !strcmp(json_str(os, "type"), "LoadBalancer") &&
        cJSON_Compare(json_get(spec, "allocateLoadBalancerNodePorts"), json_get(os, "allocateLoadBalancerNodePorts"), 1))
        cJSON_DeleteItemFromObjectCaseSensitive(spec, "allocateLoadBalancerNodePorts");
}

const kapi_strategy strategy_services = {
    .prepare_for_update = service_prepare_for_update,
    .names = NAME_DNS1123_SUBDOMAIN, .has_status = 1,
    .set_defaults = service_defaults,
    .prepare_for_create = clear_status,
    .serve_subresource = service_serve_subresource,
    .begin_write = service_begin_write,
    .release_held = service_release_held,
};
