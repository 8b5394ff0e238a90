/* health.c: /healthz, /livez and /readyz in the format of kube-apiserver's
 * healthz handlers (k8s.io/apiserver/pkg/server/healthz, handleRootHealth
 * and adaptCheckToHandler): one line per check, "[+]name ok", "[+]name
 * excluded: ok" or "[-]name failed: reason withheld" (the reason goes to
 * the log only: the endpoints are public), a "warn: some health checks
 * cannot be excluded: no matches for ..." line for ?exclude= names that
 * match nothing, then "readyz check passed" or "readyz check failed". A
 * pass prints just "ok" unless ?verbose is given; a failure is always
 * verbose, with 500 and a trailing newline, as Go's http.Error writes it.
 *
 * The checks, in kube's order: ping, log (the process answers), etcd (the
 * store: readable, and not refusing writes for space), etcd-readiness
 * (readyz only, the same store check), the post-start hooks of kube's that
 * kapi's bootstrap does the work of (done once the master's bootstrap has
 * run), and readyz's shutdown (fails once the master is stopping the
 * pool). /livez and /healthz have the same list without etcd-readiness
 * and shutdown, as kube's. /<endpoint>/NAME answers one check with its
 * reason. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/codec.h"
#include "core/goquote.h"
#include "core/kapi.h"
#include "core/metrics.h"
#include "core/request.h"
#include "http/health.h"
#include "store/store.h"

enum { HEALTHZ = 1, LIVEZ = 2, READYZ = 4, ALL = HEALTHZ | LIVEZ | READYZ };

typedef struct health_check {
    const char *name;
    const char *(*failure)(kapi_ctx *ctx);   /* NULL when it passes, else why */
    unsigned endpoints;
} health_check;

static const char *always_passes(kapi_ctx *ctx)
{
    (void)ctx;
    return NULL;
}

static const char *store_failure(kapi_ctx *ctx)
{
    if (!ctx || !ctx->store || store_revision(ctx->store) < 0) return "error getting data from the store";
    store_space_state space = store_space(ctx->store, NULL);
    return space == STORE_SPACE_OK ? NULL : store_space_describe(space);
}

/* kube's postStartHookHealthz: "not finished" until the hook has run. */
static const char *bootstrap_failure(kapi_ctx *ctx)
{
    (void)ctx;
    return metrics_flag_get(METRICS_BOOTSTRAPPED) ? NULL : "not finished";
}

static const char *shutdown_failure(kapi_ctx *ctx)
{
    (void)ctx;
    return metrics_flag_get(METRICS_SHUTTING_DOWN) ? "process is shutting down" : NULL;
}

static const health_check checks[] = {
    {"ping", always_passes, ALL},
    {"log", always_passes, ALL},
    {"etcd", store_failure, ALL},
    {"etcd-readiness", store_failure, READYZ},
    /* admission plugins, the watch hub, the fairness gate, CRDs: in place
     * once a worker serves; the rest are the bootstrap's objects */
    {"poststarthook/start-apiserver-admission-initializer", bootstrap_failure, ALL},
    {"poststarthook/generic-apiserver-start-informers", bootstrap_failure, ALL},
    {"poststarthook/priority-and-fairness-filter", bootstrap_failure, ALL},
    {"poststarthook/start-apiextensions-informers", bootstrap_failure, ALL},
    {"poststarthook/start-apiextensions-controllers", bootstrap_failure, ALL},
    {"poststarthook/crd-informer-synced", bootstrap_failure, ALL},
    {"poststarthook/start-system-namespaces-controller", bootstrap_failure, ALL},
    {"poststarthook/rbac/bootstrap-roles", bootstrap_failure, ALL},
    {"poststarthook/scheduling/bootstrap-system-priority-classes", bootstrap_failure, ALL},
    {"shutdown", shutdown_failure, READYZ},
};
#define N_CHECKS (sizeof checks / sizeof checks[0])

static void nosniff(kapi_request *req, kapi_response *resp)
{
    kapi_response_add_header(resp, req->pool, "X-Content-Type-Options", "nosniff");
}

/* /<endpoint>/NAME: that check alone, with its reason (kube's
 * adaptCheckToHandler): "ok", or 500 "internal server error: <reason>". */
static int serve_one_check(kapi_ctx *ctx, kapi_request *req, unsigned endpoint, const char *name,
                           kapi_response *resp)
{
    for (size_t i = 0; i < N_CHECKS; i++) {
        if (!(checks[i].endpoints & endpoint) || strcmp(checks[i].name, name)) continue;
        const char *why = checks[i].failure(ctx);
        if (!why) {
            respond_text(resp, 200, "ok");
            return 0;
        }
        char text[300];
        snprintf(text, sizeof text, "internal server error: %s\n", why);
        respond_text(resp, 500, text);
        nosniff(req, resp);
        return 0;
    }
    return -1;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* kube's handleRootHealth. */
static void serve_root(kapi_ctx *ctx, kapi_request *req, unsigned endpoint, const char *name,
                       kapi_response *resp)
{
    int n_excluded = 0;
    const char **excluded = query_get_all(req, "exclude", &n_excluded);
    char *matched = kapi_palloc(req->pool, (size_t)n_excluded + 1);
    memset(matched, 0, (size_t)n_excluded + 1);
    kapi_buf *out = kapi_pool_buf(req->pool);
    int failed = 0;
    for (size_t i = 0; i < N_CHECKS; i++) {
        const health_check *c = &checks[i];
        if (!(c->endpoints & endpoint)) continue;
        int skip = 0;
        for (int k = 0; k < n_excluded; k++)
            if (!strcmp(excluded[k], c->name)) skip = matched[k] = 1;
        if (skip) {
            kapi_buf_printf(out, "[+]%s excluded: ok\n", c->name);
        } else if (c->failure(ctx)) {
            failed = 1;
            kapi_buf_printf(out, "[-]%s failed: reason withheld\n", c->name);
        } else {
            kapi_buf_printf(out, "[+]%s ok\n", c->name);
        }
    }
    /* the names that matched nothing, as a sorted set, each quoted */
    const char **unmatched = kapi_palloc(req->pool, ((size_t)n_excluded + 1) * sizeof *unmatched);
    int n_unmatched = 0;
    for (int k = 0; k < n_excluded; k++) {
        int dup = 0;
        for (int j = 0; j < n_unmatched && !dup; j++) dup = !strcmp(unmatched[j], excluded[k]);
        if (!matched[k] && !dup) unmatched[n_unmatched++] = excluded[k];
    }
    if (n_unmatched) {
        qsort(unmatched, (size_t)n_unmatched, sizeof *unmatched, compare_strings);
        kapi_buf_puts(out, "warn: some health checks cannot be excluded: no matches for ");
        for (int k = 0; k < n_unmatched; k++) {
            if (k) kapi_buf_puts(out, ",");
            go_quote(out, unmatched[k]);
        }
        kapi_buf_puts(out, "\n");
    }
    kapi_buf_printf(out, "%s check %s\n", name, failed ? "failed" : "passed");
    int verbose = query_get(req, "verbose") != NULL;
    respond_text(resp, failed ? 500 : 200, failed || verbose ? out->data : "ok");
    nosniff(req, resp);
}

int health_serve(kapi_ctx *ctx, kapi_request *req, kapi_response *resp)
{
    static const struct { const char *name; unsigned endpoint; } endpoints[] = {
        {"healthz", HEALTHZ}, {"livez", LIVEZ}, {"readyz", READYZ}};
    const char *path = req->path;
    if (!path || path[0] != '/') return -1;
    for (size_t e = 0; e < sizeof endpoints / sizeof endpoints[0]; e++) {
        size_t n = strlen(endpoints[e].name);
        if (strncmp(path + 1, endpoints[e].name, n)) continue;
        const char *rest = path + 1 + n;
        if (!*rest) {
            serve_root(ctx, req, endpoints[e].endpoint, endpoints[e].name, resp);
            return 0;
        }
        if (*rest == '/' && rest[1])
            return serve_one_check(ctx, req, endpoints[e].endpoint, rest + 1, resp);
        return -1;
    }
    return -1;
}
