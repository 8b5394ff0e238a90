/* bootstrap.c: the objects a new cluster starts with. They are created
 * through kapi_handle as system:apiserver (group system:masters), so they
 * get the same defaults and validation as any object a client creates. */
#include <stdio.h>
#include <string.h>
#include "server/bootstrap.h"
#include "auth/bootstrap_policy.h"

static const kapi_user apiserver_user = {
    .name = "system:apiserver",
    .groups = {"system:masters", "system:authenticated"},
    .n_groups = 2,
};

/* POSTs body to path; 201 and 409 (already there) both count as done. */
static int ensure_object(kapi_ctx *ctx, const char *path, const char *body)
{
    kapi_request req = {0};
    kapi_response resp;
    req.pool = kapi_pool_new();
    req.method = "POST";
    req.path = path;
    req.query = "";
    req.content_type = "application/json";
    req.accept = "application/json";
    req.body = body;
    req.body_len = strlen(body);
    req.internal_user = &apiserver_user;
    kapi_response_init(&resp);
    kapi_handle(ctx, &req, &resp);
    int ok = resp.status == 201 || resp.status == 409;
    if (!ok)
        fprintf(stderr, "bootstrap: POST %s: %d %.*s\n", path, resp.status, (int)resp.body.len,
                resp.body.data ? resp.body.data : "");
    kapi_response_free(&resp);
    kapi_pool_free(req.pool);
    return ok ? 0 : -1;
}

int bootstrap_ensure(kapi_ctx *ctx)
{
    static const char *const namespaces[] = {"default", "kube-system", "kube-public",
                                             "kube-node-lease", NULL};
    int rc = 0;
    for (int i = 0; namespaces[i]; i++) {
        char body[256];
        snprintf(body, sizeof body,
                 "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"%s\"}}",
                 namespaces[i]);
        if (ensure_object(ctx, "/api/v1/namespaces", body)) rc = -1;
    }
    if (bootstrap_policy_ensure(ctx)) rc = -1;   /* the RBAC bootstrap policy */
    return rc;
}
