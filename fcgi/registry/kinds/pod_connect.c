/* pod_connect.c: the Pod subresources a kubelet serves (pods/log, exec,
 * attach, portforward, proxy), answered as kube-apiserver answers them when
 * no kubelet does (pkg/registry/core/pod/strategy.go LogLocation,
 * streamLocation, PortForwardLocation, ResourceLocation, validateContainer;
 * pkg/registry/core/pod/rest). A pod with no node: logs are an empty 204
 * (kube's LocationStreamer with no location), exec/attach/portforward 400
 * `pod x does not have a host assigned`. A pod on a node: the node's
 * address and kubelet port, then the dial kube would make and the error it
 * gives when nothing answers. kapi never upgrades a connection (SPDY,
 * WebSocket): every answer is an ordinary HTTP response, which kubectl
 * reads as kube's error. */
#include <stdio.h>
#include <string.h>
#include "core/status.h"
#include "registry/kinds/node_connect.h"
#include "registry/kinds/pod_internal.h"
#include "registry/rest_internal.h"

/* validateContainer: the named container (any kind of container), or the
 * only one of spec.containers; NULL with kube's 400 in *fail. */
static const char *pod_container(rest_call *c, const cJSON *pod, const char *name, rest_result *fail)
{
    const char *pod_name = json_str(json_get(pod, "metadata"), "name");
    const cJSON *spec = json_get(pod, "spec");
    static const char *const lists[] = {"initContainers", "containers", "ephemeralContainers"};
    char msg[2048];
    if (!name || !*name) {
        const cJSON *containers = json_get(spec, "containers");
        int n = cJSON_GetArraySize(containers);
        if (n == 1) return json_str(cJSON_GetArrayItem(containers, 0), "name");
        if (n == 0) {
            snprintf(msg, sizeof msg, "a container name must be specified for pod %s", pod_name);
        } else {
            kapi_buf b;
            kapi_buf_init(&b);
            for (int l = 0; l < 3; l++) {
                const cJSON *ct;
                cJSON_ArrayForEach(ct, json_get(spec, lists[l]))
                    kapi_buf_printf(&b, "%s%s", b.len ? " " : "", json_str(ct, "name"));
            }
            snprintf(msg, sizeof msg, "a container name must be specified for pod %s, choose one of: [%.*s]",
                     pod_name, (int)b.len, b.data ? b.data : "");
            kapi_buf_free(&b);
        }
        *fail = rest_bad_request(c, msg);
        return NULL;
    }
    for (int l = 0; l < 3; l++) {
        const cJSON *ct;
        cJSON_ArrayForEach(ct, json_get(spec, lists[l])) if (!strcmp(json_str(ct, "name"), name)) return name;
    }
    snprintf(msg, sizeof msg, "container %.600s is not valid for pod %.600s", name, pod_name);
    *fail = rest_bad_request(c, msg);
    return NULL;
}

/* GET pods/<name>/log */
static rest_result serve_log(rest_call *c, const char *name)
{
    if (strcmp(c->info->verb, "get")) return rest_method_not_allowed(c);
    rest_result fail;
    cJSON *pod = connect_load(c, "pods", c->ns, name, &fail);
    if (!pod) return fail;
    const char *container = pod_container(c, pod, query_get(c->req, "container"), &fail);
    if (!container) return fail;
    const char *node = json_str(json_get(pod, "spec"), "nodeName");
    if (!*node) {
        /* no location: kube's StreamObject answers 204 with no body */
        c->resp->status = 204;
        c->resp->content_type = NULL;
        return rest_streamed();
    }
    const char *host;
    int port;
    if (node_connection_info(c, node, &host, &port, &fail)) return fail;
    const char *err = connect_dial_error(c->req->pool, host, port);
    if (!err) err = "kapi-apiserver has no kubelet client";
    /* url.Values.Encode: keys sorted */
    static const char *const params[] = {"follow", "limitBytes", "previous", "sinceSeconds", "sinceTime",
                                         "tailLines", "timestamps", NULL};
    kapi_buf q;
    kapi_buf_init(&q);
    for (int i = 0; params[i]; i++) {
        const char *v = query_get(c->req, params[i]);
        if (!v || !*v) continue;
        int is_bool = !strcmp(params[i], "follow") || !strcmp(params[i], "previous") || !strcmp(params[i], "timestamps");
        if (is_bool && !query_bool(c->req, params[i])) continue;
        kapi_buf_printf(&q, "%c%s=%s", q.len ? '&' : '?', params[i], is_bool ? "true" : v);
    }
    char portstr[16];
    snprintf(portstr, sizeof portstr, "%d", port);
    const char *msg = kapi_psprintf(c->req->pool, "Get \"https://%s/containerLogs/%s/%s/%s%.*s\": %s",
                                    connect_join_host_port(c->req->pool, host, portstr), c->ns, name, container,
                                    (int)q.len, q.data ? q.data : "", err);
    kapi_buf_free(&q);
    return connect_plain_error(c, 500, msg);
}

/* The backend of an upgraded stream could not be reached: kube's
 * UpgradeAwareHandler "error dialing backend" (500, no reason), or its 400
 * for a request that is not an upgrade. */
static rest_result stream_to_node(rest_call *c, const char *node)
{
    rest_result fail;
    const char *host;
    int port;
    if (node_connection_info(c, node, &host, &port, &fail)) return fail;
    if (!connect_is_upgrade(c)) return rest_bad_request(c, "Upgrade request required");
    const char *err = connect_dial_error(c->req->pool, host, port);
    if (!err) err = "kapi-apiserver has no kubelet client";
    return connect_plain_error(c, 500, kapi_psprintf(c->req->pool, "error dialing backend: %s", err));
}

/* GET or POST pods/<name>/exec, attach, portforward */
static rest_result serve_stream(rest_call *c, const char *subresource, const char *name)
{
    const char *verb = c->info->verb;
    if (strcmp(verb, "get") && strcmp(verb, "create")) return rest_method_not_allowed(c);
    if (c->dry_run) return rest_bad_request(c, "dryRun is not supported");
    rest_result fail;
    cJSON *pod = connect_load(c, "pods", c->ns, name, &fail);
    if (!pod) return fail;
    if (strcmp(subresource, "portforward") && !pod_container(c, pod, query_get(c->req, "container"), &fail))
        return fail;
    const char *node = json_str(json_get(pod, "spec"), "nodeName");
    if (!*node) {
        char msg[600];
        snprintf(msg, sizeof msg, "pod %.400s does not have a host assigned", name);
        return rest_bad_request(c, msg);
    }
    return stream_to_node(c, node);
}

const char *connect_proxy_subpath(rest_call *c)
{
    const char *p = c->info->path;
    const char *needle = kapi_psprintf(c->req->pool, "/%s/proxy", c->info->url_name);
    const char *at = strstr(p, needle);
    if (!at) return "";
    return at + strlen(needle);
}

rest_result connect_proxy_to(rest_call *c, const char *host, const char *port)
{
    int n = 0;
    sscanf(port, "%d", &n);
    if (n <= 0) n = 80;
    if (connect_is_upgrade(c)) {
        const char *err = connect_dial_error(c->req->pool, host, n);
        if (!err) err = "kapi-apiserver does not proxy connections";
        return connect_plain_error(c, 500, kapi_psprintf(c->req->pool, "error dialing backend: %s", err));
    }
    const char *sub = connect_proxy_subpath(c);
    const char *method = c->req->method;
    if (!*sub && (!strcmp(method, "GET") || !strcmp(method, "HEAD"))) {
        const char *q = c->req->query && *c->req->query ? kapi_psprintf(c->req->pool, "?%s", c->req->query) : "";
        kapi_response_add_header(c->resp, c->req->pool, "Location",
                                 kapi_psprintf(c->req->pool, "%s/%s", c->info->path, q));
        c->resp->status = 301;
        c->resp->content_type = NULL;
        return rest_streamed();
    }
    const char *err = connect_dial_error(c->req->pool, host, n);
    if (!err) err = "kapi-apiserver does not proxy connections";
    return rest_status(c, status_new(KAPI_UNAVAILABLE,
                       kapi_psprintf(c->req->pool, "error trying to reach service: %s", err)), 0);
}

/* pods/<name>[:port]/proxy[/path]: ResourceLocation needs the pod's IP */
static rest_result serve_proxy(rest_call *c, const char *id)
{
    rest_result fail;
    const char *scheme, *name, *port;
    if (connect_split_proxy_id(c, "pod", id, &scheme, &name, &port, &fail)) return fail;
    cJSON *pod = connect_load(c, "pods", c->ns, name, &fail);
    if (!pod) return fail;
    if (!*port) {
        const cJSON *ct;
        cJSON_ArrayForEach(ct, json_get(json_get(pod, "spec"), "containers")) {
            const cJSON *p0 = cJSON_GetArrayItem(json_get(ct, "ports"), 0);
            int64_t v;
            if (p0 && pj_is_int(json_get(p0, "containerPort"), &v)) {
                port = kapi_psprintf(c->req->pool, "%lld", (long long)v);
                break;
            }
        }
    }
    const char *ip = json_str(cJSON_GetArrayItem(json_get(json_get(pod, "status"), "podIPs"), 0), "ip");
    const char *why;
    if (!*ip || connect_proxyable_host(c->req->pool, ip, &why)) return rest_bad_request(c, "address not allowed");
    return connect_proxy_to(c, ip, *port ? port : "80");
}

rest_result pod_serve_connect(rest_call *c, const char *subresource, const char *name)
{
    if (!strcmp(subresource, "log")) return serve_log(c, name);
    if (!strcmp(subresource, "exec") || !strcmp(subresource, "attach") || !strcmp(subresource, "portforward"))
        return serve_stream(c, subresource, name);
    if (!strcmp(subresource, "proxy")) return serve_proxy(c, name);
    return rest_not_found_path(c);
}
