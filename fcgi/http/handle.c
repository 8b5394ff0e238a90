/* handle.c: kapi_handle, the one request pipeline. Its stages run in one
 * clear order: authenticate, authorize, then route to the non-resource
 * endpoints (/, /version, health, discovery) or to the REST verbs of a
 * resource, which decode, mutate, validate, admit, store and encode. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "codec/codec.h"
#include "http/audit.h"
#include "http/browser.h"
#include "http/discovery.h"
#include "http/handle.h"
#include "http/issuer_discovery.h"
#include "http/openapi.h"
#include "http/openapi_v2.h"
#include "http/health.h"
#include "http/metrics.h"
#include "http/router.h"
#include "auth/authn.h"
#include "auth/authz.h"
#include "auth/impersonate.h"
#include "auth/token.h"
#include "core/alloc.h"
#include "http/client.h"
#include "core/status.h"
#include "kinds/resource.h"
#include "registry/rest.h"
#include "store/store.h"

#define WATCH_ON_ORDINARY_SOCKET                                                        \
    "watch requests must spell the watch parameter as clients send it (watch=true, "    \
    "unencoded) or use a /watch/ path: this one reached the handler of ordinary requests"

static int path_is(const char *path, const char *p)
{
    size_t n = strlen(p);
    if (strncmp(path, p, n)) return 0;
    return path[n] == '\0' || (path[n] == '/' && path[n + 1] == '\0');
}

static void respond_document(kapi_request *req, kapi_response *resp, cJSON *doc,
                             const output_format *fmt)
{
    if (!doc) { respond_not_found_path(req, resp); return; }
    respond_object(req, resp, 200, doc, fmt);
    cJSON_Delete(doc);
}

/* /api, /apis: aggregated discovery when the client asks for it. */
static void handle_discovery_root(kapi_request *req, kapi_response *resp, int core)
{
    output_format fmt;
    if (negotiate_output(req, ALLOW_DISCOVERY, &fmt) != KAPI_OK) {
        respond_error(req, resp, KAPI_NOT_ACCEPTABLE,
                      "only the following media types are accepted: application/json, "
                      "application/yaml");
        return;
    }
    if (fmt.kind == OUTPUT_DISCOVERY) {
        const char *v = !strcmp(fmt.version, "v2") ? "apidiscovery.k8s.io/v2"
                                                   : "apidiscovery.k8s.io/v2beta1";
        respond_document(req, resp, discovery_aggregated(core, v), &fmt);
        return;
    }
    respond_document(req, resp, core ? discovery_api_versions() : discovery_api_group_list(), &fmt);
}

/* /openapi/v3 (the index) and /openapi/v3/<group-version>: static per
 * process, served with their hash as ETag; a request that names the current
 * hash may be cached for good, as kube-apiserver allows. */
static void handle_openapi_v3(kapi_request *req, kapi_response *resp, const char *gv)
{
    const openapi_doc *d = *gv ? openapi_v3_document(gv) : openapi_v3_index();
    if (!d) { respond_not_found_path(req, resp); return; }
    char etag[160];
    snprintf(etag, sizeof etag, "\"%s\"", d->hash);
    kapi_response_add_header(resp, req->pool, "ETag", etag);
    const char *want = query_get(req, "hash");
    if (want && !strcmp(want, d->hash))
        kapi_response_add_header(resp, req->pool, "Cache-Control", "public, immutable");
    else
        kapi_response_add_header(resp, req->pool, "Cache-Control", "no-cache, private");
    const char *inm = request_header(req, "if-none-match");
    resp->content_type = "application/json";
    if (inm && !strcmp(inm, etag)) {
        resp->status = 304;
        return;
    }
    resp->status = 200;
    kapi_buf_put(&resp->body, d->json, d->len);
}

static void handle_nonresource(kapi_ctx *ctx, kapi_request *req, const request_info *info,
                               kapi_response *resp)
{
    const char *path = req->path;
    if (strcmp(req->method, "GET") && strcmp(req->method, "HEAD")) {
        respond_not_found_path(req, resp);
        return;
    }
    if (health_serve(ctx, req, resp) == 0) return;
    if (path_is(path, "/metrics")) { metrics_serve(ctx, req, resp); return; }
    if (issuer_discovery_serve(ctx, req, resp) == 0) return;
    output_format fmt;
    if (negotiate_output(req, 0, &fmt) != KAPI_OK) fmt.kind = OUTPUT_JSON;
    if (!strcmp(path, "/")) { respond_document(req, resp, discovery_root_paths(), &fmt); return; }
    if (path_is(path, "/version")) { respond_document(req, resp, discovery_version(), &fmt); return; }
    if (!strcmp(path, "/api") || !strcmp(path, "/api/")) { handle_discovery_root(req, resp, 1); return; }
    if (!strcmp(path, "/apis") || !strcmp(path, "/apis/")) { handle_discovery_root(req, resp, 0); return; }
    if (path_is(path, "/openapi/v2")) { openapi_v2_serve(req, resp); return; }
    if (!strncmp(path, "/openapi/v3", 11) && (!path[11] || path[11] == '/')) {
        handle_openapi_v3(req, resp, path[11] ? path + 12 : "");
        return;
    }
    if (path_is(path, "/api/v1")) { respond_document(req, resp, discovery_resource_list("", "v1"), &fmt); return; }
    if (!strncmp(path, "/apis/", 6)) {
        /* /apis/<group> or /apis/<group>/<version> (longer paths are resource requests) */
        char group[128] = "", version[64] = "";
        const char *g = path + 6, *slash = strchr(g, '/');
        size_t gl = slash ? (size_t)(slash - g) : strlen(g);
        if (gl && gl < sizeof group) {
            memcpy(group, g, gl);
            group[gl] = '\0';
            if (!slash || !slash[1]) { respond_document(req, resp, discovery_api_group(group), &fmt); return; }
            const char *v = slash + 1, *vs = strchr(v, '/');
            size_t vl = vs ? (size_t)(vs - v) : strlen(v);
            if (vl < sizeof version && (!vs || !vs[1])) {
                memcpy(version, v, vl);
                version[vl] = '\0';
                respond_document(req, resp, discovery_resource_list(group, version), &fmt);
                return;
            }
        }
    }
    (void)info;
    respond_not_found_path(req, resp);
}

/* Fills *out and returns 1 once the request is authorized (what kube's
 * instrumented handlers see, so what /metrics counts); 0 before that. */
static int handle_authenticated(kapi_ctx *ctx, kapi_request *req, kapi_response *resp, kapi_user *u,
                                const request_info *parsed, audit_event *audit, request_info *out)
{
    kapi_user user = *u;
    /* 1b. impersonation (Impersonate-* headers, auth/impersonate.c) */
    if (impersonate(ctx, req, &user, resp)) return 0;
    if (request_header(req, "impersonate-user")) audit_impersonated(audit, &user);
    /* 2. authorize, on the attributes of the URL and method */
    if (!parsed) {
        respond_not_found_path(req, resp);
        return 0;
    }
    request_info info = *parsed;
    /* 2a. a browser navigating to an API path goes to the web view, whoever
     * it is (an anonymous one gets the view's how-to page) */
    if (browser_redirect(req, &info, resp)) return 0;
    const char *reason = NULL;
    int allowed = authorize(ctx, &user, &info, &reason);
    audit_authorized(audit, allowed, reason);
    if (!allowed) {
        respond_status(req, resp, forbidden_status(&user, &info, reason));
        return 0;
    }
    *out = info;
    /* 2b. long-running: decided here, once, from the decoded request (the
     * verb dispatch reads). kube's other long-running requests (proxy, exec,
     * attach, log, portforward) are answered at once here: no node. nginx
     * routes watches by the raw query, so one it missed (?%77atch=1) would
     * hold an ordinary thread: 400, as a retry would fail the same way. */
    if (req->on_ordinary_socket && !strcmp(info.verb, "watch")) {
        respond_error(req, resp, KAPI_BAD_REQUEST, WATCH_ON_ORDINARY_SOCKET);
        return 1;
    }
    /* 3. route: non-resource endpoints, or a resource's REST verbs */
    if (!info.is_resource) {
        handle_nonresource(ctx, req, &info, resp);
    } else if (!strcmp(info.verb, "watch")) {
        metrics_longrunning(req, &info, 1);     /* apiserver_longrunning_requests */
        rest_handle(ctx, req, &info, &user, resp);
        metrics_longrunning(req, &info, -1);
    } else {
        rest_handle(ctx, req, &info, &user, resp);
    }
    return 1;
}

/* Fills *out and returns 1 once the request is authorized; 0 before. */
static int handle_request(kapi_ctx *ctx, kapi_request *req, kapi_response *resp, request_info *out)
{
    if (!req->path || !req->method) {
        respond_error(req, resp, KAPI_BAD_REQUEST, "malformed request");
        return 0;
    }
    audit_event *audit = audit_begin(req, resp);
    request_info info;
    int info_ok = request_info_parse(req, &info) == KAPI_OK;
    /* 1. authenticate (once: the fairness gate may have done it) */
    kapi_user user;
    if (authenticate_request_once(ctx, req, &user) != KAPI_OK) {
        audit_unauthenticated(audit, info_ok ? &info : NULL);
        respond_status(req, resp, status_new(KAPI_UNAUTHORIZED, "Unauthorized"));
        return 0;
    }
    /* the audit policy sees the authenticated user, before impersonation */
    audit_start(audit, &user, info_ok ? &info : NULL);
    int authorized = handle_authenticated(ctx, req, resp, &user, info_ok ? &info : NULL, audit, out);
    audit_finish(audit);
    return authorized;
}

/* kube's legacy token tracking: the day a legacy token was used, written
 * to its Secret's label by the apiserver itself (a merge patch naming the
 * Secret's uid), at most once a day. */
static void legacy_token_used(kapi_ctx *ctx, const char *ns, const char *name, const char *uid,
                              const char *last_used)
{
    time_t now = time(NULL), later = now + 86400;
    struct tm tm;
    char today[16], tomorrow[16];
    strftime(today, sizeof today, "%Y-%m-%d", gmtime_r(&now, &tm));
    strftime(tomorrow, sizeof tomorrow, "%Y-%m-%d", gmtime_r(&later, &tm));
    if (!strcmp(last_used, today) || !strcmp(last_used, tomorrow)) return;
    /* kube's apply configuration of the Secret, as a merge patch; name,
     * namespace and uid are a stored object's (DNS names, a UUID) */
    char *body = kapi_xsprintf("{\"kind\":\"Secret\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"%s\","
                               "\"namespace\":\"%s\",\"uid\":\"%s\",\"labels\":{\"" SA_LEGACY_LAST_USED_LABEL
                               "\":\"%s\"}}}", name, ns, uid, today);
    char *path = kapi_xsprintf("/api/v1/namespaces/%s/secrets/%s", ns, name);
    kapi_call_request rq = {.user = &apiserver_user, .method = "PATCH", .path = path,
                            .content_type = "application/merge-patch+json", .body = body};
    kapi_reply reply;
    if (kapi_call(ctx, &rq, &reply) != 200)
        fprintf(stderr, "kapi: failed to label legacy service account token %s/%s with last-used date: %d\n",
                name, ns, reply.status);
    kapi_reply_free(&reply);
    free(path);
    free(body);
}

static void register_hooks(void)
{
    sa_token_on_legacy_use(legacy_token_used);
}

/* The request sees one version of the kinds from start to end: the set it
 * takes here (kinds/kinds.h), current on this thread until it is done. The
 * store's revision is read once, here, into the request's copy of the
 * context: the kind registry and the RBAC cache check their snapshots
 * against it instead of reading it each. */
void kapi_handle(kapi_ctx *ctx, kapi_request *req, kapi_response *resp)
{
    kapi_ctx request_ctx;
    if (ctx) {
        request_ctx = *ctx;
        request_ctx.revision = ctx->store ? store_revision(ctx->store) : -1;   /* no store: none to read */
        ctx = &request_ctx;
    }
    static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;
    pthread_once(&hooks_once, register_hooks);
    const kinds_set *saved;
    const kinds_set *kinds = kinds_begin(ctx, &saved);
    double started = metrics_now();
    request_info info;
    if (handle_request(ctx, req, resp, &info))
        metrics_record_request(req, &info, resp->status, metrics_now() - started);
    kinds_end(kinds, saved);
}
