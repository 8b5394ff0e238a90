/* kapi.h: the types every stage of the request pipeline shares.
 *
 * A request arrives as a kapi_request (filled by the FastCGI adapter or by
 * the in-process client, http/client.h), goes through the pipeline
 * (kapi_handle, declared at the top, in http/handle.h), and leaves as a
 * kapi_response. Nothing below this header knows about FastCGI.
 * Every allocation a request makes is tied to its kapi_pool and freed in one
 * place, kapi_pool_free(), when the request ends. */
#ifndef KAPI_H
#define KAPI_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

/* ---- result codes: one small set, mapped to HTTP status + Status.reason in
 * exactly one place (core/result.c), like nginx's NGX_HTTP_* codes. */
typedef enum kapi_rc {
    KAPI_OK = 0,            /* 200 */
    KAPI_CREATED,           /* 201 */
    KAPI_BAD_REQUEST,       /* 400 BadRequest */
    KAPI_UNAUTHORIZED,      /* 401 Unauthorized */
    KAPI_FORBIDDEN,         /* 403 Forbidden */
    KAPI_NOT_FOUND,         /* 404 NotFound */
    KAPI_METHOD_NOT_ALLOWED,/* 405 MethodNotAllowed */
    KAPI_NOT_ACCEPTABLE,    /* 406 NotAcceptable */
    KAPI_ALREADY_EXISTS,    /* 409 AlreadyExists */
    KAPI_CONFLICT,          /* 409 Conflict */
    KAPI_GONE,              /* 410 Expired */
    KAPI_TOO_LARGE,         /* 413 RequestEntityTooLarge */
    KAPI_UNSUPPORTED_MEDIA, /* 415 UnsupportedMediaType */
    KAPI_INVALID,           /* 422 Invalid */
    KAPI_TOO_MANY,          /* 429 TooManyRequests */
    KAPI_INTERNAL,          /* 500 InternalError */
    KAPI_UNAVAILABLE,       /* 503 ServiceUnavailable */
    KAPI_RC_COUNT
} kapi_rc;

int kapi_rc_http_status(kapi_rc rc);
const char *kapi_rc_reason(kapi_rc rc);   /* "" for success codes */

/* ---- per-request memory (core/pool.c): an arena; everything allocated
 * from it or registered with it is freed together by kapi_pool_free().
 * Allocation never fails (core/alloc.h: out of memory aborts). */
typedef struct kapi_pool kapi_pool;
kapi_pool *kapi_pool_new(void);
void kapi_pool_free(kapi_pool *p);                  /* frees everything */
void *kapi_palloc(kapi_pool *p, size_t n);           /* zeroed, freed with the pool */
char *kapi_pstrdup(kapi_pool *p, const char *s);
char *kapi_pstrndup(kapi_pool *p, const char *s, size_t n);
char *kapi_psprintf(kapi_pool *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
cJSON *kapi_pool_keep_json(kapi_pool *p, cJSON *j);  /* cJSON_Delete at pool end; returns j */
void kapi_pool_keep_ptr(kapi_pool *p, void *ptr);    /* free() at pool end */
/* Runs fn(arg) when the pool ends; hooks run in reverse order of
 * registration, all of them before the pool's memory is released. */
void kapi_pool_on_cleanup(kapi_pool *p, void (*fn)(void *arg), void *arg);

/* ---- growable byte buffer (response bodies, encoders). */
typedef struct kapi_buf {
    char *data;
    size_t len, cap;
} kapi_buf;
void kapi_buf_init(kapi_buf *b);
void kapi_buf_free(kapi_buf *b);
int kapi_buf_put(kapi_buf *b, const void *data, size_t n);   /* 0 (out of memory aborts) */
int kapi_buf_puts(kapi_buf *b, const char *s);
int kapi_buf_putc(kapi_buf *b, char c);
int kapi_buf_printf(kapi_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *kapi_buf_steal(kapi_buf *b);                           /* NUL-terminated; caller frees */
/* Appends the whole file at path to b: 0, or -1 when it cannot be opened or read. */
int kapi_buf_read_file(kapi_buf *b, const char *path);
/* A new empty buffer whose memory is freed when the pool ends. */
typedef struct kapi_pool kapi_pool;
kapi_buf *kapi_pool_buf(kapi_pool *p);

/* ---- who is asking */
#define KAPI_MAX_GROUPS 32
#define KAPI_MAX_EXTRA 8
typedef struct kapi_user {
    const char *name;
    const char *uid;
    const char *groups[KAPI_MAX_GROUPS];
    int n_groups;
    /* user.Info's Extra: key/value pairs, sorted by key (a key given more
     * than once has several values, in order), e.g. a ServiceAccount
     * token's authentication.kubernetes.io/credential-id */
    const char *extra_keys[KAPI_MAX_EXTRA];
    const char *extra_values[KAPI_MAX_EXTRA];
    int n_extra;
} kapi_user;

/* ---- the request as the pipeline sees it */
typedef struct kapi_header {
    const char *name;   /* lower case, '-' separated: "impersonate-group" */
    const char *value;
} kapi_header;

typedef struct kapi_request {
    kapi_pool *pool;
    const char *method;        /* "GET", "POST", ... */
    const char *path;          /* percent-decoded path, no query */
    const char *query;         /* raw query string (may be "") */
    const char *content_type;  /* may be NULL */
    const char *accept;        /* may be NULL */
    const char *user_agent;    /* may be NULL */
    const char *body;          /* may be NULL */
    size_t body_len;
    /* Identity as the TLS front end established it (FastCGI params set by
     * nginx, never HTTP headers): */
    const char *client_verify; /* "SUCCESS", "NONE", "FAILED:..." or NULL */
    const char *client_dn;     /* RFC 2253 subject DN, trusted only on SUCCESS */
    int authn_failed;          /* the front end saw a certificate fail */
    const char *authorization; /* the Authorization header, as the front end's
                                  KAPI_AUTHORIZATION param (never HTTP_*) */
    /* In-process callers (the reconciler, kapictl) set this instead and skip
     * certificate authentication. */
    const kapi_user *internal_user;
    const kapi_header *headers; /* all request headers, repeated ones kept */
    size_t n_headers;
    /* Arrived on the pool's socket for ordinary requests, whose threads must
     * never be held: a long-running request (a watch) is refused there
     * (http/handle.c). 0 for the watch socket and in-process callers. */
    int on_ordinary_socket;
    /* For the audit log: the raw request target (path?query, as sent) and
     * the peer's address (REMOTE_ADDR); NULL for in-process callers. */
    const char *request_uri;
    const char *remote_addr;
    /* The result of authenticate_request, once it ran for this request
     * (the fairness gate's classification): the pipeline uses it rather
     * than verifying a bearer token a second time. */
    const struct kapi_authn_result *authn;
} kapi_request;

#define KAPI_MAX_RESP_HEADERS 16
typedef struct kapi_response {
    int status;                      /* HTTP status */
    const char *content_type;        /* static or pool string */
    kapi_buf body;                   /* freed by kapi_response_free */
    kapi_header headers[KAPI_MAX_RESP_HEADERS];
    int n_headers;
    /* Streaming responses (watch) write through this callback instead of
     * body; NULL for ordinary requests. */
    int (*stream_write)(void *ctx, const char *data, size_t n, int flush);
    void *stream_ctx;
    int streamed;                    /* set once headers were sent by stream */
} kapi_response;

void kapi_response_init(kapi_response *r);
void kapi_response_free(kapi_response *r);
void kapi_response_add_header(kapi_response *r, kapi_pool *p, const char *name, const char *value);

/* The server-wide context a worker handles requests with. kapi_handle
 * gives each request its own copy with `revision` set: the store's revision
 * read once as the request begins, which the kind registry and the RBAC
 * cache both check their snapshots against (0: not read, the callee reads
 * it; negative: the store could not be read). */
typedef struct store store;
typedef struct kapi_ctx {
    store *store;
    const char *state_dir;
    int64_t revision;
} kapi_ctx;

#endif
