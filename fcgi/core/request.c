/* request.c: query parameters (decoded as Go's url.Values) and headers of a
 * kapi_request. */
#include <string.h>
#include "core/request.h"

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes a query component ('+' is a space) into the pool; NULL if malformed. */
static char *query_unescape(kapi_pool *p, const char *s, size_t n)
{
    char *out = kapi_palloc(p, n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') out[o++] = ' ';
        else if (s[i] == '%') {
            if (i + 2 >= n) return NULL;
            int h = hexval((unsigned char)s[i + 1]), l = hexval((unsigned char)s[i + 2]);
            if (h < 0 || l < 0) return NULL;
            out[o++] = (char)(h * 16 + l);
            i += 2;
        } else out[o++] = s[i];
    }
    out[o] = '\0';
    return out;
}

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
        char *key = query_unescape(req->pool, q, klen);
        if (key && strlen(key) == nl && !memcmp(key, name, nl)) {
            if (!eq) return "";
            return query_unescape(req->pool, eq + 1, seg - klen - 1);
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

