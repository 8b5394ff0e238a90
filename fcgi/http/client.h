/* client.h: the one in-process client of the pipeline. Everything kapi asks
 * itself goes through here: the apiserver's bootstrap, the reconciler's
 * controllers, kapictl and the unit tests. A call is an ordinary request
 * through kapi_handle made as a given user (no certificate), so it is
 * authorized, defaulted, admitted and validated like anything kubectl
 * sends.
 *
 * Ownership, one rule: a reply owns everything it points to (text, parsed
 * body, headers) until kapi_reply_free; a caller that keeps the parsed body
 * takes it with kapi_reply_take_json and deletes it itself. Watches stream
 * and are not for this client. */
#ifndef KAPI_HTTP_CLIENT_H
#define KAPI_HTTP_CLIENT_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "core/kapi.h"

/* One request. Unset fields take the defaults noted. */
typedef struct kapi_call_request {
    const kapi_user *user;       /* who asks (required) */
    const char *method;          /* "GET", "POST", ... (required) */
    const char *path;            /* "/api/v1/...", may end in "?query" (required) */
    const char *query;           /* NULL: what follows '?' in path, else "" */
    const char *content_type;    /* NULL: application/json when there is a body */
    const char *accept;          /* NULL: application/json */
    const char *user_agent;      /* NULL: kube-apiserver's own ("kube-apiserver/v1.32.0 ...") */
    const char *body;            /* NULL: none */
    size_t body_len;             /* 0: strlen(body) */
    const kapi_header *headers;  /* lower-case names: "impersonate-user", ... */
    size_t n_headers;
} kapi_call_request;

/* The answer. */
typedef struct kapi_reply {
    int status;                  /* HTTP status; 500 when the call could not be made */
    const char *content_type;    /* of the body ("" for none) */
    const char *text;            /* the body as sent, NUL-terminated ("" for none) */
    size_t len;
    cJSON *json;                 /* the body parsed as JSON, or NULL */
    const kapi_header *headers;  /* response headers (Warning, ...) */
    int n_headers;
    kapi_pool *pool;             /* private: what the strings above live in */
} kapi_reply;

/* system:apiserver (groups system:masters, system:authenticated): who the
 * apiserver's own calls are made as (its bootstrap; the legacy tokens'
 * last-used labels), kube's loopback client. */
extern const kapi_user apiserver_user;

/* Makes the call and fills *reply (always; free it with kapi_reply_free).
 * Returns reply->status. */
int kapi_call(kapi_ctx *ctx, const kapi_call_request *rq, kapi_reply *reply);
void kapi_reply_free(kapi_reply *reply);
/* The parsed body, now the caller's to delete (NULL if none); the reply no
 * longer holds it. */
cJSON *kapi_reply_take_json(kapi_reply *reply);
/* The first response header called name (any case), or NULL. */
const char *kapi_reply_header(const kapi_reply *reply, const char *name);

/* The short form, JSON in and JSON out: method on path as user with body
 * (NULL: none) as application/json. Returns the parsed answer (the
 * caller's to delete; NULL when there is none) and the HTTP status in
 * *status (may be NULL). */
cJSON *kapi_call_json(kapi_ctx *ctx, const kapi_user *user, const char *method, const char *path,
                      const cJSON *body, int *status);

#endif
