/* browser.c: the redirect of a browser's navigation to the web view (see
 * browser.h). The view's routes (ui/js/app.js):
 *   #/                       who you are, namespaces
 *   #/kinds                  every kind discovery lists
 *   #/namespaces             the namespaces
 *   #/ns/NS                  a namespace: workloads, services, config, events
 *   #/ns/NS/RES[/NAME]       a kind's Table in NS, or one object's YAML
 *   #/cluster/RES[/NAME]     a cluster-scoped kind (or all namespaces)
 * where RES is the plural for the core group and plural.version.group
 * otherwise (kubectl's fully qualified form: deployments.v1.apps). */
#include <string.h>
#include "codec/codec.h"
#include "core/escape.h"
#include "http/browser.h"

#define UI_PREFIX "/ui/#/"

/* The view's page for a resource request: its fragment, in the pool. */
static const char *resource_page(kapi_pool *p, const request_info *info)
{
    const char *name = info->url_name && *info->url_name ? percent_encode(p, info->url_name) : NULL;
    const char *ns = *info->namespace_ ? percent_encode(p, info->namespace_) : NULL;
    int core = !*info->group;
    if (core && !strcmp(info->resource, "namespaces"))
        return name ? kapi_psprintf(p, "ns/%s", name) : "namespaces";
    const char *res = core ? percent_encode(p, info->resource)
                           : kapi_psprintf(p, "%s.%s.%s", percent_encode(p, info->resource),
                                           percent_encode(p, info->version),
                                           percent_encode(p, info->group));
    const char *page = ns ? kapi_psprintf(p, "ns/%s/%s", ns, res) : kapi_psprintf(p, "cluster/%s", res);
    return name ? kapi_psprintf(p, "%s/%s", page, name) : page;
}

int browser_redirect(const kapi_request *req, const request_info *info, kapi_response *resp)
{
    if (strcmp(req->method, "GET") || !accept_prefers_html(req)) return 0;
    const char *path = req->path, *page;
    if (info->is_resource) page = resource_page(req->pool, info);
    else if (!strcmp(path, "/")) page = "";
    else if (!strcmp(path, "/api") || !strncmp(path, "/api/", 5) ||
             !strcmp(path, "/apis") || !strncmp(path, "/apis/", 6)) page = "kinds";
    else return 0;
    resp->status = 302;
    resp->content_type = "text/plain; charset=utf-8";
    kapi_response_add_header(resp, req->pool, "Location",
                             kapi_psprintf(req->pool, UI_PREFIX "%s", page));
    return 1;
}
