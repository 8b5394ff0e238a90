/* nodes.c: the Node strategy (pkg/registry/core/node/strategy.go) and the
 * nodes/proxy subresource (pkg/registry/core/node/rest/proxy.go). A Node is
 * the one kind whose status may be set on create, as kubelets register
 * (PrepareForCreate drops only spec.configSource and status.config);
 * updates keep the stored status, /status keeps the spec. nodes/proxy goes
 * to the node's kubelet (or the port the name gives, "node:port"), which
 * kapi cannot reach: kube's answers for that (ResourceLocation's 400s, the
 * node's 404, the dial's 503). */
#include <string.h>
#include "registry/kinds/node_connect.h"
#include "registry/kinds/pod_internal.h"
#include "registry/rest_internal.h"
#include "registry/strategies.h"

static void node_prepare_for_create(cJSON *obj)
{
    cJSON_DeleteItemFromObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(obj, "spec"), "configSource");
    cJSON_DeleteItemFromObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(obj, "status"), "config");
}

/* ResourceLocation, then the proxy */
static rest_result serve_node_proxy(rest_call *c, const char *id)
{
    rest_result fail;
    const char *scheme, *name, *port;
    if (connect_split_proxy_id(c, "node", id, &scheme, &name, &port, &fail)) return fail;
    const char *host;
    int kubelet_port;
    if (node_connection_info(c, name, &host, &kubelet_port, &fail)) return fail;
    const char *why;
    if (connect_proxyable_host(c->req->pool, host, &why)) return rest_bad_request(c, why);
    const char *p = *port ? port : kapi_psprintf(c->req->pool, "%d", kubelet_port);
    return connect_proxy_to(c, host, p);
}

static rest_result node_serve_subresource(rest_call *c, const char *subresource, const char *name)
{
    if (!strcmp(subresource, "proxy")) return serve_node_proxy(c, name);
    return rest_not_found_path(c);
}

const kapi_strategy strategy_nodes = {
    .names = NAME_DNS1123_SUBDOMAIN, .has_status = 1,
    .prepare_for_create = node_prepare_for_create,
    .serve_subresource = node_serve_subresource,
};
