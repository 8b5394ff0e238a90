/* request.c: query parameters (decoded as Go's url.Values) and headers of a
 * kapi_request. */
#include <string.h>
#include "core/escape.h"
#include "core/request.h"

const char *query_get(const kapi_request *req, const char *name)
{
    const char *q = req->query;
    if (!q || !*q) return NULL;
    size_t nl = strlen(name);
    while (*q) {
        const char *amp = strchr(q, '&');
        size_t seg = amp ? (size_t)(amp - q) : strlen(q);
        const char *eq = memchr(q, '=', seg);
        size_t klen = eq ? (size_t)(eq - q) : seg;
        char *key = percent_decode(req->pool, q, klen, PERCENT_PLUS_IS_SPACE);
        if (key && strlen(key) == nl && !memcmp(key, name, nl)) {
            if (!eq) return "";
            return percent_decode(req->pool, eq + 1, seg - klen - 1, PERCENT_PLUS_IS_SPACE);
        }
        if (!amp) break;
        q = amp + 1;
    }
    return NULL;
}

int query_bool(const kapi_request *req, const char *name)
{
    const char *v = query_get(req, name);
    if (!v) return 0;
    return !strcmp(v, "1") || !strcmp(v, "t") || !strcmp(v, "T") || !strcmp(v, "true") ||
           !strcmp(v, "TRUE") || !strcmp(v, "True");
}

const char *request_header(const kapi_request *req, const char *name)
{
    for (size_t i = 0; i < req->n_headers; i++)
        if (!strcmp(req->headers[i].name, name)) return req->headers[i].value;
    return NULL;
}

