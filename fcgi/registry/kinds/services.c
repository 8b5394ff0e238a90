/* services.c: the Service strategy's subresource services/proxy
 * (pkg/registry/core/service/proxy.go, ResourceLocation in
 * pkg/registry/core/service/storage): "name", "name:port" or
 * "scheme:name:port"; a port number must be one of the service's ports;
 * then the service's endpoints. A nodeless cluster's endpoints controller
 * gives a service with a selector an Endpoints object with no ready
 * address (503 `no endpoints available for service "x"`) and a service
 * without one none at all (404 `endpoints "x" not found`). */
#include <stdlib.h>
#include <string.h>
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
    const char *scheme, *name, *port;
    if (connect_split_scheme_name_port(c->req->pool, id, &scheme, &name, &port))
        return rest_bad_request(c, kapi_psprintf(c->req->pool, "invalid service request %s",
                                                 connect_quote(c->req->pool, id)));
    rest_result fail;
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

const kapi_strategy strategy_services = {
    .names = NAME_DNS1123_SUBDOMAIN, .has_status = 1,
    .prepare_for_create = clear_status,
    .serve_subresource = service_serve_subresource,
};
