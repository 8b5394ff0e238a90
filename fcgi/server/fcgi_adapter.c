/* fcgi_adapter.c: the FastCGI adapter, the only file that knows FastCGI.
 *
 * One request: fcgi_parse_params() turns the params nginx sent into a
 * kapi_request (one bounded pass over the params array), the body is read
 * into pool memory, kapi_handle() fills a kapi_response, and the response is
 * written back as a CGI-style header block plus body, or streamed through
 * resp.stream_write for watches. Everything the request allocated is freed in
 * one place at the end of fcgi_serve_request().
 *
 * Before kapi_handle, the worker's fairness gate (server/fairness.h) seats
 * the request or refuses it with 429 (kube's APF filter, which runs after
 * authentication); the request then carries kube's X-Kubernetes-PF-*
 * headers.
 *
 * Identity comes only from params nginx sets itself with fastcgi_param
 * (KAPI_CLIENT_VERIFY, KAPI_CLIENT_DN, KAPI_AUTHN_FAILED, and the bearer
 * token's KAPI_AUTHORIZATION); request headers
 * arrive as HTTP_* params and can never collide with those names. */
#include <malloc.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcgiapp.h>
#include <cjson/cJSON.h>

#include "auth/authn.h"
#include "core/kapi.h"
#include "core/metrics.h"
#include "core/status.h"
#include "http/handle.h"
#include "http/metrics.h"
#include "http/router.h"
#include "server/fairness.h"
#include "server/fcgi_adapter.h"
#include "store/store.h"

/* Above this many bytes in or out, freed memory is returned to the system. */
#define LARGE_RESPONSE_BYTES (64 * 1024)

/* ---------------------------------------------------------------- parsing */

/* True if the param name [name, name+nlen) equals lit. */
static int name_is(const char *name, size_t nlen, const char *lit)
{
    size_t l = strlen(lit);
    return nlen == l && memcmp(name, lit, l) == 0;
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Percent-decodes s[0..n) into a pool string. NULL if an escape is not two
 * hex digits or decodes to NUL. '+' stays '+' (that is form encoding, not
 * URI path encoding). */
static char *percent_decode(kapi_pool *pool, const char *s, size_t n)
{
    char *out = kapi_palloc(pool, n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            if (i + 2 >= n) return NULL;        /* needs two more bytes */
            int hi = hexval((unsigned char)s[i + 1]);
            int lo = hexval((unsigned char)s[i + 2]);
            if (hi < 0 || lo < 0) return NULL;
            c = (unsigned char)(hi * 16 + lo);
            if (c == '\0') return NULL;
            i += 2;
        }
        out[o++] = (char)c;
    }
    out[o] = '\0';
    return out;
}

/* An HTTP method is a token; we accept upper-case letters only, as every
 * method kube serves is spelled that way. */
static int method_ok(const char *m)
{
    if (!*m || strlen(m) > 16) return 0;
    for (const char *p = m; *p; p++)
        if (*p < 'A' || *p > 'Z') return 0;
    return 1;
}

/* CONTENT_LENGTH: empty means 0; otherwise decimal digits only. Values above
 * limit are reported as limit + 1 (no overflow). */
static int parse_content_length(const char *v, size_t limit, size_t *out)
{
    size_t n = 0;
    if (!*v) { *out = 0; return 0; }
    for (const char *p = v; *p; p++) {
        if (*p < '0' || *p > '9') return -1;
        if (n <= limit) n = n * 10 + (size_t)(*p - '0');
    }
    *out = n > limit ? limit + 1 : n;
    return 0;
}

static int fail(fcgi_parse_error *err, kapi_rc rc, const char *msg)
{
    err->rc = rc;
    err->status = kapi_rc_http_status(rc);
    err->message = msg;
    return -1;
}

int fcgi_parse_params(kapi_pool *pool, char *const *envp, kapi_request *req,
                      size_t *content_length, fcgi_parse_error *err)
{
    const char *method = NULL, *uri = NULL, *clen = NULL;
    const char *ctype = NULL, *accept = NULL, *ua = NULL;
    const char *verify = NULL, *dn = NULL, *authn_failed = NULL, *authorization = NULL, *remote = NULL;
    size_t n_params = 0, n_headers = 0;

    memset(req, 0, sizeof *req);
    req->pool = pool;
    *content_length = 0;
    if (!envp) return fail(err, KAPI_BAD_REQUEST, "missing request parameters");

    /* Pass 1: find the params we use, count headers, check bounds. The
     * first occurrence of a non-header param wins (as FCGX_GetParam). */
    for (char *const *e = envp; *e; e++) {
        if (++n_params > KAPI_FCGI_MAX_PARAMS)
            return fail(err, KAPI_BAD_REQUEST, "too many request parameters");
        const char *p = *e;
        size_t len = strnlen(p, KAPI_FCGI_MAX_PARAM_LEN + 1);
        if (len > KAPI_FCGI_MAX_PARAM_LEN)
            return fail(err, KAPI_BAD_REQUEST, "request header too large");
        const char *eq = memchr(p, '=', len);
        if (!eq) continue;
        size_t nlen = (size_t)(eq - p);
        const char *v = eq + 1;
        if (nlen > 5 && memcmp(p, "HTTP_", 5) == 0) {
            if (++n_headers > KAPI_FCGI_MAX_HEADERS)
                return fail(err, KAPI_BAD_REQUEST, "too many request headers");
            if (!accept && name_is(p, nlen, "HTTP_ACCEPT")) accept = v;
            else if (!ua && name_is(p, nlen, "HTTP_USER_AGENT")) ua = v;
            continue;
        }
#define TAKE(var, lit) if (!(var) && name_is(p, nlen, lit)) { (var) = v; continue; }
        TAKE(method, "REQUEST_METHOD");
        TAKE(uri, "REQUEST_URI");
        TAKE(clen, "CONTENT_LENGTH");
        TAKE(ctype, "CONTENT_TYPE");
        TAKE(verify, "KAPI_CLIENT_VERIFY");
        TAKE(dn, "KAPI_CLIENT_DN");
        TAKE(authn_failed, "KAPI_AUTHN_FAILED");
        TAKE(authorization, "KAPI_AUTHORIZATION");
        TAKE(remote, "REMOTE_ADDR");
#undef TAKE
    }

    if (!method || !method_ok(method))
        return fail(err, KAPI_BAD_REQUEST, "invalid or missing request method");
    if (!uri || uri[0] != '/')
        return fail(err, KAPI_BAD_REQUEST, "invalid request URI: the path must begin with \"/\"");

    /* REQUEST_URI is the raw request target: path[?query]. */
    const char *q = strchr(uri, '?');
    size_t plen = q ? (size_t)(q - uri) : strlen(uri);
    char *path = percent_decode(pool, uri, plen);
    if (!path)
        return fail(err, KAPI_BAD_REQUEST, "invalid request URI: malformed percent-encoding in the path");

    size_t cl = 0;
    if (clen && parse_content_length(clen, KAPI_FCGI_MAX_BODY, &cl) != 0)
        return fail(err, KAPI_BAD_REQUEST, "invalid Content-Length");

    req->method = kapi_pstrdup(pool, method);
    req->path = path;
    req->query = kapi_pstrdup(pool, q ? q + 1 : "");
    req->content_type = ctype && *ctype ? kapi_pstrdup(pool, ctype) : NULL;
    req->accept = accept && *accept ? kapi_pstrdup(pool, accept) : NULL;
    req->user_agent = ua && *ua ? kapi_pstrdup(pool, ua) : NULL;
    req->client_verify = verify && *verify ? kapi_pstrdup(pool, verify) : NULL;
    req->client_dn = dn && *dn ? kapi_pstrdup(pool, dn) : NULL;
    req->authn_failed = authn_failed && *authn_failed ? 1 : 0;
    req->authorization = authorization && *authorization ? kapi_pstrdup(pool, authorization) : NULL;
    req->request_uri = kapi_pstrdup(pool, uri);
    req->remote_addr = remote && *remote ? kapi_pstrdup(pool, remote) : NULL;

    /* Pass 2: every HTTP_* param becomes a header, repeated ones kept in
     * order: HTTP_IMPERSONATE_GROUP -> "impersonate-group". */
    kapi_header *hs = n_headers ? kapi_palloc(pool, n_headers * sizeof *hs) : NULL;
    size_t h = 0;
    for (char *const *e = envp; *e && h < n_headers; e++) {
        const char *p = *e;
        size_t len = strnlen(p, KAPI_FCGI_MAX_PARAM_LEN + 1);
        const char *eq = memchr(p, '=', len);
        if (!eq) continue;
        size_t nlen = (size_t)(eq - p);
        if (nlen <= 5 || memcmp(p, "HTTP_", 5) != 0) continue;
        char *name = kapi_pstrndup(pool, p + 5, nlen - 5);
        for (char *c = name; *c; c++) {
            if (*c == '_') *c = '-';
            else if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
        }
        hs[h].name = name;
        hs[h].value = kapi_pstrdup(pool, eq + 1);
        h++;
    }
    req->headers = hs;
    req->n_headers = h;

    if (cl > KAPI_FCGI_MAX_BODY) {
        *content_length = cl;
        return fail(err, KAPI_TOO_LARGE, "Request entity too large: limit is 3145728");
    }
    *content_length = cl;
    return 0;
}

/* ---------------------------------------------------------------- writing */

const char *fcgi_status_text(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Request Entity Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default:  return "Unknown";
    }
}

/* Writes all n bytes; -1 if the connection to nginx failed. */
static int put_all(FCGX_Stream *out, const char *s, size_t n)
{
    while (n > 0) {
        int chunk = n > (1u << 20) ? (1 << 20) : (int)n;
        if (FCGX_PutStr(s, chunk, out) != chunk) return -1;
        s += chunk;
        n -= (size_t)chunk;
    }
    return FCGX_GetError(out) ? -1 : 0;
}

/* A header name or value must not break the header block. */
static int header_text_ok(const char *s)
{
    return s && !strpbrk(s, "\r\n");
}

static int header_name_ok(const char *s)
{
    if (!s || !*s) return 0;
    for (; *s; s++)
        if (*s <= ' ' || *s == ':' || *s >= 0x7f) return 0;
    return 1;
}

/* Appends "Status", "Content-Type" and resp's own headers (except the ones
 * the adapter owns) to hb. */
static int build_headers(kapi_buf *hb, const kapi_response *resp, const char *ctype)
{
    int st = resp->status >= 100 && resp->status <= 999 ? resp->status : 500;
    int rc = kapi_buf_printf(hb, "Status: %d %s\r\n", st, fcgi_status_text(st));
    if (ctype && header_text_ok(ctype))
        rc |= kapi_buf_printf(hb, "Content-Type: %s\r\n", ctype);
    for (int i = 0; i < resp->n_headers && i < KAPI_MAX_RESP_HEADERS; i++) {
        const char *n = resp->headers[i].name, *v = resp->headers[i].value;
        if (!header_name_ok(n) || !header_text_ok(v)) continue;
        if (!strcasecmp(n, "Status") || !strcasecmp(n, "Content-Length") ||
            !strcasecmp(n, "Content-Type"))
            continue;
        rc |= kapi_buf_printf(hb, "%s: %s\r\n", n, v);
    }
    return rc;
}

static const char *response_ctype(const kapi_response *resp)
{
    if (resp->content_type) return resp->content_type;
    for (int i = 0; i < resp->n_headers && i < KAPI_MAX_RESP_HEADERS; i++)
        if (resp->headers[i].name && !strcasecmp(resp->headers[i].name, "Content-Type"))
            return resp->headers[i].value;
    return resp->body.len ? "application/json" : NULL;
}

/* The whole response: headers, Content-Length, body. */
static int write_response(FCGX_Request *fr, const kapi_response *resp)
{
    kapi_buf hb;
    kapi_buf_init(&hb);
    int rc = build_headers(&hb, resp, response_ctype(resp));
    /* Content-Length via snprintf-based formatting: FCGX_FPrintF has no %zu. */
    rc |= kapi_buf_printf(&hb, "Content-Length: %zu\r\n\r\n", resp->body.len);
    if (rc == 0) rc = put_all(fr->out, hb.data, hb.len);
    if (rc == 0 && resp->body.len) rc = put_all(fr->out, resp->body.data, resp->body.len);
    kapi_buf_free(&hb);
    return rc;
}

/* Writes Status st (consumed) as resp's JSON body and sends resp, with the
 * headers it already has. */
static void write_status(FCGX_Request *fr, kapi_response *resp, cJSON *st)
{
    resp->status = (int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(st, "code"));
    resp->content_type = "application/json";
    char *text = st ? cJSON_PrintUnformatted(st) : NULL;
    if (text) {
        kapi_buf_puts(&resp->body, text);
        kapi_buf_putc(&resp->body, '\n');
    }
    free(text);
    cJSON_Delete(st);
    write_response(fr, resp);
}

/* A v1 Status answer from the adapter itself (malformed request, too large). */
static void write_error(FCGX_Request *fr, kapi_rc rc, const char *message)
{
    kapi_response resp;
    kapi_response_init(&resp);
    write_status(fr, &resp, status_new(rc, message));
    kapi_response_free(&resp);
}

/* The fairness gate's refusal: 429 with Retry-After (kube's
 * tooManyRequests, whose message this is) as a v1 Status with
 * details.retryAfterSeconds (apierrors.NewTooManyRequests' form). resp
 * already carries the X-Kubernetes-PF-* headers. */
static void write_too_many(FCGX_Request *fr, kapi_response *resp, kapi_pool *pool)
{
    char secs[16];
    snprintf(secs, sizeof secs, "%d", FAIR_RETRY_AFTER_SECONDS);
    kapi_response_add_header(resp, pool, "Retry-After", secs);
    cJSON *st = status_new(KAPI_TOO_MANY, FAIR_TOO_MANY_MESSAGE);
    cJSON *details = cJSON_AddObjectToObject(st, "details");
    cJSON_AddNumberToObject(details, "retryAfterSeconds", FAIR_RETRY_AFTER_SECONDS);
    status_reorder_code_last(st);
    write_status(fr, resp, st);
}

/* ---------------------------------------------------------------- streaming */

typedef struct stream_state {
    FCGX_Request *fr;
    kapi_response *resp;
    const atomic_int *stopping;
    int failed;              /* the client (or nginx) went away */
} stream_state;

/* nginx closes the FastCGI connection when the client goes away: the
 * socket then polls as hung up (POLLRDHUP), whatever is still unread in it. */
static int connection_gone(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLRDHUP};
    if (poll(&p, 1, 0) <= 0) return 0;
    return (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

/* resp.stream_write: the first call sends the headers (no Content-Length, so
 * nginx streams chunked / HTTP/2 DATA frames), then data; flush pushes it to
 * nginx at once. Returns -1 once the client is gone or the worker stops, and
 * from then on. n == 0 with flush != 0 is a cheap liveness check; n == 0
 * without flush only probes the connection (writes nothing, not even the
 * headers), so a watch notices a departed client without writing to it. */
static int stream_write(void *ctx, const char *data, size_t n, int flush)
{
    stream_state *s = ctx;
    if (s->failed) return -1;
    if (s->stopping && atomic_load(s->stopping)) {
        s->failed = 1;
        return -1;
    }
    if (n == 0 && !flush) {
        if (connection_gone(s->fr->ipcFd)) s->failed = 1;
        return s->failed ? -1 : 0;
    }
    if (!s->resp->streamed) {
        kapi_buf hb;
        kapi_buf_init(&hb);
        int rc = build_headers(&hb, s->resp, response_ctype(s->resp));
        int has_cc = 0;
        for (int i = 0; i < s->resp->n_headers && i < KAPI_MAX_RESP_HEADERS; i++)
            if (s->resp->headers[i].name && !strcasecmp(s->resp->headers[i].name, "Cache-Control"))
                has_cc = 1;
        if (!has_cc) rc |= kapi_buf_puts(&hb, "Cache-Control: no-cache, private\r\n");
        rc |= kapi_buf_puts(&hb, "X-Accel-Buffering: no\r\n\r\n");
        if (rc == 0) rc = put_all(s->fr->out, hb.data, hb.len);
        kapi_buf_free(&hb);
        s->resp->streamed = 1;
        if (rc != 0) { s->failed = 1; return -1; }
    }
    if (n && put_all(s->fr->out, data, n) != 0) { s->failed = 1; return -1; }
    if (flush && FCGX_FFlush(s->fr->out) != 0) { s->failed = 1; return -1; }
    return 0;
}

/* ---------------------------------------------------------------- one request */

/* Reads exactly n body bytes; returns how many arrived. */
static size_t read_body(FCGX_Stream *in, char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        size_t want = n - got;
        int chunk = want > (1u << 20) ? (1 << 20) : (int)want;
        int r = FCGX_GetStr(buf + got, chunk, in);
        if (r <= 0) break;
        got += (size_t)r;
    }
    return got;
}

/* Classifies the request and asks the gate for a seat (a watch seat on the
 * watch socket). 0: serve it (*t holds the seat, resp the PF headers); -1:
 * refused, 429 already written. A request that fails authentication passes
 * unclassified: kapi_handle answers it 401, before any fairness, as kube. */
static int take_seat(kapi_ctx *ctx, fair_gate *gate, FCGX_Request *fr, kapi_request *req, kapi_response *resp,
                     fcgi_socket socket, fair_ticket *t)
{
    memset(t, 0, sizeof *t);
    kapi_user user;
    if (!gate || authenticate_request_once(ctx, req, &user) != KAPI_OK) return 0;
    fair_class cls;
    fair_classify(&user, req->method, req->path, &cls);
    kapi_response_add_header(resp, req->pool, FAIR_HEADER_PRIORITY_LEVEL_UID, cls.level->uid);
    kapi_response_add_header(resp, req->pool, FAIR_HEADER_FLOW_SCHEMA_UID, cls.schema->uid);
    /* A token's check may have read the store: no read connection is held
     * while the request waits for its seat. */
    if (ctx && ctx->store) store_release_thread_connection(ctx->store);
    fair_verdict v = socket == FCGI_SOCKET_WATCH ? fair_admit_watch(gate, t, &cls)
                                                 : fair_admit(gate, t, &cls);
    if (v == FAIR_ADMITTED) return 0;
    request_info info;
    if (request_info_parse(req, &info) == KAPI_OK) metrics_record_dropped(req, &info);
    write_too_many(fr, resp, req->pool);
    return -1;
}

void fcgi_serve_request(kapi_ctx *ctx, void *fcgx_request, fcgi_socket socket,
                        fair_gate *gate, const atomic_int *stopping)
{
    FCGX_Request *fr = fcgx_request;
    kapi_pool *pool = kapi_pool_new();
    if (!pool) {
        write_error(fr, KAPI_INTERNAL, "out of memory");
        return;
    }
    kapi_request req;
    kapi_response resp;
    kapi_response_init(&resp);
    fcgi_parse_error perr;
    size_t clen = 0;
    fair_ticket ticket = {0};

    if (fcgi_parse_params(pool, fr->envp, &req, &clen, &perr) != 0) {
        write_error(fr, perr.rc, perr.message);
        goto done;
    }
    if (clen > 0) {
        char *body = kapi_palloc(pool, clen + 1);   /* NUL-terminated for convenience */
        if (read_body(fr->in, body, clen) != clen) {
            write_error(fr, KAPI_BAD_REQUEST, "unexpected end of request body");
            goto done;
        }
        req.body = body;
        req.body_len = clen;
    }

    if (take_seat(ctx, gate, fr, &req, &resp, socket, &ticket) != 0) goto done;
    req.on_ordinary_socket = socket == FCGI_SOCKET_ORDINARY;
    stream_state ss = { .fr = fr, .resp = &resp, .stopping = stopping, .failed = 0 };
    resp.stream_write = stream_write;
    resp.stream_ctx = &ss;
    /* apiserver_current_inflight_requests (ordinary requests, by kube's
     * read-only methods) and kapi_worker_threads_busy */
    metric_gauge busy = socket == FCGI_SOCKET_WATCH ? MG_THREADS_BUSY_WATCH : MG_THREADS_BUSY_API;
    metric_gauge inflight = MG_COUNT;
    if (socket == FCGI_SOCKET_ORDINARY)
        inflight = !strcmp(req.method, "GET") || !strcmp(req.method, "HEAD") || !strcmp(req.method, "OPTIONS")
                       ? MG_INFLIGHT_READONLY : MG_INFLIGHT_MUTATING;
    metrics_fixed_gauge_add(busy, 1);
    if (inflight != MG_COUNT) metrics_fixed_gauge_add(inflight, 1);
    kapi_handle(ctx, &req, &resp);
    if (inflight != MG_COUNT) metrics_fixed_gauge_add(inflight, -1);
    metrics_fixed_gauge_add(busy, -1);

    if (!resp.streamed)
        write_response(fr, &resp);
    else if (!ss.failed)
        FCGX_FFlush(fr->out);
done:
    if (gate) fair_release(gate, &ticket);
    size_t answered = resp.body.len + req.body_len;
    kapi_response_free(&resp);
    kapi_pool_free(pool);
    /* give the memory of a large request or answer back to the system */
    if (answered > LARGE_RESPONSE_BYTES) malloc_trim(0);
}
