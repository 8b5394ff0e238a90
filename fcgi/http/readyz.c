/* readyz.c: /readyz in the format of kube-apiserver's healthz handler
 * (k8s.io/apiserver/pkg/server/healthz, handleRootHealth): one line per
 * check, "[+]name ok", "[+]name excluded: ok" or "[-]name failed: reason
 * withheld" (the reason goes to the log only: the endpoint is public),
 * then "readyz check passed" or "readyz check failed". A pass prints just
 * "ok" unless ?verbose is given; a failure is always verbose, with 500 and
 * a trailing newline, as Go's http.Error writes it. kapi's checks are
 * ping, log (the process answers) and etcd (the store: readable, and not
 * refusing writes for space). */
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

void readyz_serve(kapi_ctx *ctx, kapi_request *req, kapi_response *resp)
{
    const char *excluded = query_get(req, "exclude");
    kapi_buf out;
    kapi_buf_init(&out);
    int failed = 0, exclusion_matched = 0;
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
        const readyz_check *c = &checks[i];
        char line[160];
        if (excluded && !strcmp(excluded, c->name)) {
            exclusion_matched = 1;
            snprintf(line, sizeof line, "[+]%s excluded: ok\n", c->name);
        } else if (c->failure(ctx)) {
            failed = 1;
            snprintf(line, sizeof line, "[-]%s failed: reason withheld\n", c->name);
        } else {
            snprintf(line, sizeof line, "[+]%s ok\n", c->name);
        }
        kapi_buf_puts(&out, line);
    }
    if (excluded && !exclusion_matched) {
        kapi_buf_puts(&out, "warn: some health checks cannot be excluded: no matches for \"");
        kapi_buf_puts(&out, excluded);
        kapi_buf_puts(&out, "\"\n");
    }
    if (failed) kapi_buf_puts(&out, "readyz check failed\n");
    else kapi_buf_puts(&out, "readyz check passed\n");
    int verbose = query_get(req, "verbose") != NULL;
    respond_text(resp, failed ? 500 : 200, failed || verbose ? out.data : "ok");
    kapi_buf_free(&out);
    kapi_response_add_header(resp, req->pool, "X-Content-Type-Options", "nosniff");
}
