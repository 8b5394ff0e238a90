/* client.c: the in-process client (see client.h): a kapi_call_request
 * becomes a kapi_request with internal_user set, goes through kapi_handle,
 * and the kapi_response becomes a kapi_reply that keeps the request's pool
 * (where the pipeline put the response headers and content type) alive
 * until the caller is done with it. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "http/client.h"
#include "http/handle.h"

const kapi_user apiserver_user = {
    .name = "system:apiserver",
    .groups = {"system:masters", "system:authenticated"},
    .n_groups = 2,
};

static void reply_failed(kapi_reply *reply)
{
    memset(reply, 0, sizeof *reply);
    reply->status = 500;
    reply->content_type = "";
    reply->text = "";
}

int kapi_call(kapi_ctx *ctx, const kapi_call_request *rq, kapi_reply *reply)
{
    assert(ctx && rq && reply);
    assert(rq->user && rq->method && rq->path);
    reply_failed(reply);
    kapi_pool *pool = kapi_pool_new();
    if (!pool) return reply->status;

    kapi_request req = {0};
    req.pool = pool;
    req.method = rq->method;
    const char *mark = strchr(rq->path, '?');
    assert(!(mark && rq->query));   /* the query goes in one place */
    req.path = mark ? kapi_pstrndup(pool, rq->path, (size_t)(mark - rq->path)) : rq->path;
    req.query = mark ? mark + 1 : rq->query ? rq->query : "";
    req.body = rq->body;
    req.body_len = rq->body ? (rq->body_len ? rq->body_len : strlen(rq->body)) : 0;
    req.content_type = rq->content_type ? rq->content_type : rq->body ? "application/json" : NULL;
    req.accept = rq->accept ? rq->accept : "application/json";
    /* kube-apiserver's loopback client names itself (its writes are
     * recorded in managedFields as kube-apiserver's) */
    req.user_agent = rq->user_agent ? rq->user_agent : "kube-apiserver/v1.32.0 (linux/amd64) kubernetes/kapi";
    req.internal_user = rq->user;
    req.headers = rq->headers;
    req.n_headers = rq->n_headers;

    kapi_response resp;
    kapi_response_init(&resp);
    kapi_handle(ctx, &req, &resp);
    assert(!resp.streamed);   /* no stream_write was given */

    reply->pool = pool;
    reply->status = resp.status;
    reply->content_type = resp.content_type ? resp.content_type : "";
    reply->len = resp.body.len;
    char *text = kapi_buf_steal(&resp.body);
    if (text) {
        kapi_pool_keep_ptr(pool, text);
        reply->text = text;
        if (reply->len) reply->json = cJSON_ParseWithLength(text, reply->len);
    } else {
        reply->len = 0;
    }
    kapi_header *headers = resp.n_headers ? kapi_palloc(pool, (size_t)resp.n_headers * sizeof *headers) : NULL;
    if (headers) {
        memcpy(headers, resp.headers, (size_t)resp.n_headers * sizeof *headers);
        reply->headers = headers;
        reply->n_headers = resp.n_headers;
    }
    kapi_response_free(&resp);
    return reply->status;
}

void kapi_reply_free(kapi_reply *reply)
{
    if (!reply) return;
    cJSON_Delete(reply->json);
    kapi_pool_free(reply->pool);
    reply_failed(reply);
}

cJSON *kapi_reply_take_json(kapi_reply *reply)
{
    cJSON *j = reply->json;
    reply->json = NULL;
    return j;
}

const char *kapi_reply_header(const kapi_reply *reply, const char *name)
{
    for (int i = 0; i < reply->n_headers; i++)
        if (!strcasecmp(reply->headers[i].name, name)) return reply->headers[i].value;
    return NULL;
}

cJSON *kapi_call_json(kapi_ctx *ctx, const kapi_user *user, const char *method, const char *path,
                      const cJSON *body, int *status)
{
    char *text = body ? cJSON_PrintUnformatted(body) : NULL;
    kapi_call_request rq = {.user = user, .method = method, .path = path, .body = text};
    kapi_reply reply;
    if (body && !text) reply_failed(&reply);   /* no memory to print the body */
    else kapi_call(ctx, &rq, &reply);
    cJSON_free(text);
    if (status) *status = reply.status;
    cJSON *out = kapi_reply_take_json(&reply);
    kapi_reply_free(&reply);
    return out;
}
