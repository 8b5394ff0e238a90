/* fcgi_adapter.h: the one place that knows FastCGI. Turns the params and body
 * of a FastCGI request into a kapi_request, runs kapi_handle(), and writes the
 * kapi_response back (whole, or streamed for watches).
 *
 * The parsing half is a pure function over a NULL-terminated "NAME=value"
 * array, so it is unit-tested without a FastCGI connection. */
#ifndef KAPI_FCGI_ADAPTER_H
#define KAPI_FCGI_ADAPTER_H

#include <stdatomic.h>
#include <stddef.h>
#include "core/kapi.h"
#include "server/fairness.h"

/* kube-apiserver's request body limit (3 MiB), as nginx enforces it with
 * client_max_body_size 3m; the worker's own check is a backstop a little
 * above it, so that the two never disagree about a body nginx let through. */
#define KAPI_FCGI_BODY_LIMIT    3145728u
#define KAPI_FCGI_MAX_BODY      (KAPI_FCGI_BODY_LIMIT + 65536u)

/* Bounds on what one request's params may hold; nginx's own header limits
 * are far below these, so only a broken or hostile front end reaches them. */
#define KAPI_FCGI_MAX_PARAMS    1024     /* params looked at */
#define KAPI_FCGI_MAX_HEADERS   256      /* HTTP_* params kept as headers */
#define KAPI_FCGI_MAX_PARAM_LEN 65536    /* bytes of one "NAME=value" */

/* Why a request was refused before kapi_handle saw it. */
typedef struct fcgi_parse_error {
    int status;            /* 400 or 413 */
    kapi_rc rc;            /* KAPI_BAD_REQUEST or KAPI_TOO_LARGE */
    const char *message;   /* static or pool string */
} fcgi_parse_error;

/* Fills req (method, path, query, content type, accept, user agent,
 * identity params, headers) from envp; strings are pool copies, req->pool is
 * set to pool. *content_length gets CONTENT_LENGTH (0 when absent). Does not
 * read the body. Returns 0, or -1 with *err saying what to answer. */
int fcgi_parse_params(kapi_pool *pool, char *const *envp, kapi_request *req,
                      size_t *content_length, fcgi_parse_error *err);

/* The pool's two FastCGI sockets: nginx sends watches to the watch socket,
 * everything else to the ordinary one, whose threads must never be held. */
typedef enum fcgi_socket { FCGI_SOCKET_ORDINARY, FCGI_SOCKET_WATCH } fcgi_socket;

/* Answers one accepted FastCGI request (an FCGX_Request *, kept opaque here
 * so this header needs no libfcgi): parses, reads the body, calls
 * kapi_handle, writes the response, frees the request's memory. A streamed
 * response stops (its write callback fails) once *stopping is non-zero.
 * A request on FCGI_SOCKET_ORDINARY that turns out to be long-running (a
 * watch nginx did not recognise, e.g. a percent-encoded "watch" parameter)
 * is refused by kapi_handle instead of being served there.
 * gate (may be NULL: no limits) seats the request first, or refuses it
 * with 429 (server/fairness.h); a watch holds its watch seat until it ends.
 * A streamed response also ends when nginx closes the connection (the
 * client went away), noticed at the watch's next probe, within a second. */
void fcgi_serve_request(kapi_ctx *ctx, void *fcgx_request, fcgi_socket socket,
                        fair_gate *gate, const atomic_int *stopping);

/* The reason phrase for an HTTP status ("Not Found"); "Unknown" if unlisted. */
const char *fcgi_status_text(int status);

#endif
