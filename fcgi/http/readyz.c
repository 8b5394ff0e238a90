/* readyz.c: /readyz in the format of kube-apiserver's healthz handler
 * (k8s.io/apiserver/pkg/server/healthz, handleRootHealth): one line per
 * check, "[+]name ok", "[+]name excluded: ok" or "[-]name failed: reason
 * withheld" (the reason goes to the log only: the endpoint is public),
 * then "readyz check passed" or "readyz check failed". A pass prints just
 * "ok" unless ?verbose is given; a failure is always verbose, with 500 and
 * a trailing newline, as Go's http.Error writes it. kapi's checks are
 * ping, log (the process answers) and etcd (the store: readable, and not
 * refusing writes for space). /readyz/NAME answers one check with its
 * reason, as kube's per-check endpoints do. */
#include <stdio.h>
#include <string.h>
#include "codec/codec.h"
#include "core/kapi.h"
#include "core/request.h"
#include "http/readyz.h"
#include "store/store.h"

typedef struct readyz_check {
    const char *name;
    const char *(*failure)(kapi_ctx *ctx);   /* NULL when it passes, else why */
} readyz_check;

static const char *always_passes(kapi_ctx *ctx)
{
    (void)ctx;
    return NULL;
}

static const char *store_failure(kapi_ctx *ctx)
{
    if (store_revision(ctx->store) < 0) return "error getting data from the store";
    store_space_state space = store_space(ctx->store, NULL);
    return space == STORE_SPACE_OK ? NULL : store_space_describe(space);
}

static const readyz_check checks[] = {
    {"ping", always_passes},
    {"log", always_passes},
    {"etcd", store_failure},
};

/* /readyz/NAME: that check alone, with its reason (kube's
 * adaptCheckToHandler): "ok", or 500 "internal server error: <reason>". */
static int serve_one_check(kapi_ctx *ctx, const char *name, kapi_response *resp)
{
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
        if (strcmp(checks[i].name, name)) continue;
        const char *why = checks[i].failure(ctx);
        if (!why) {
            respond_text(resp, 200, "ok");
            return 0;
        }
        char text[300];
        snprintf(text, sizeof text, "internal server error: %s\n", why);
        respond_text(resp, 500, text);
        return 0;
    }
    return -1;
}

int readyz_serve(kapi_ctx *ctx, kapi_request *req, kapi_response *resp)
{
    const char *sub = req->path + strlen("/readyz");
    if (*sub == '/') sub++;
    if (*sub) {
        if (serve_one_check(ctx, sub, resp) < 0) return -1;
        kapi_response_add_header(resp, req->pool, "X-Content-Type-Options", "nosniff");
        return 0;
    }
    const char *excluded = query_get(req, "exclude");
    kapi_buf out;
    kapi_buf_init(&out);
    int failed = 0, exclusion_matched = 0;
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
        const readyz_check *c = &checks[i];
        if (excluded && !strcmp(excluded, c->name)) {
            exclusion_matched = 1;
            kapi_buf_printf(&out, "[+]%s excluded: ok\n", c->name);
        } else if (c->failure(ctx)) {
            failed = 1;
            kapi_buf_printf(&out, "[-]%s failed: reason withheld\n", c->name);
        } else {
            kapi_buf_printf(&out, "[+]%s ok\n", c->name);
        }
    }
    if (excluded && !exclusion_matched)
        kapi_buf_printf(&out, "warn: some health checks cannot be excluded: no matches for \"%s\"\n",
                        excluded);
    kapi_buf_puts(&out, failed ? "readyz check failed\n" : "readyz check passed\n");
    int verbose = query_get(req, "verbose") != NULL;
    respond_text(resp, failed ? 500 : 200, failed || verbose ? out.data : "ok");
    kapi_buf_free(&out);
    kapi_response_add_header(resp, req->pool, "X-Content-Type-Options", "nosniff");
    return 0;
}
