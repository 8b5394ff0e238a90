/* request.c: query parameters (decoded as Go's url.Values) and headers of a
 * kapi_request. */
#include <string.h>
#include "core/escape.h"
#include "core/request.h"

/* Calls fn with each decoded value of parameter name, in order (NULL for
 * one that is not valid percent-encoding), until it returns non-zero. */
static void query_each(const kapi_request *req, const char *name,
                       int (*fn)(void *arg, const char *value), void *arg)
{
    const char *q = req->query;
    if (!q || !*q) return;
    size_t nl = strlen(name);
    while (*q) {
        const char *amp = strchr(q, '&');
        size_t seg = amp ? (size_t)(amp - q) : strlen(q);
        const char *eq = memchr(q, '=', seg);
        size_t klen = eq ? (size_t)(eq - q) : seg;
        char *key = percent_decode(req->pool, q, klen, PERCENT_PLUS_IS_SPACE);
        if (key && strlen(key) == nl && !memcmp(key, name, nl)) {
            const char *v = eq ? percent_decode(req->pool, eq + 1, seg - klen - 1, PERCENT_PLUS_IS_SPACE) : "";
            if (fn(arg, v)) return;
        }
        if (!amp) break;
        q = amp + 1;
    }
}

static int take_first(void *arg, const char *value)
{
    *(const char **)arg = value;
    return 1;
}

const char *query_get(const kapi_request *req, const char *name)
{
    const char *first = NULL;
    query_each(req, name, take_first, &first);
    return first;
}

typedef struct value_list {
    kapi_pool *pool;
    const char **values;
    int n, cap;
} value_list;

static int take_each(void *arg, const char *value)
{
    value_list *l = arg;
    if (!value) return 0;
    if (l->n + 1 >= l->cap) {
        int cap = l->cap ? l->cap * 2 : 4;
        const char **grown = kapi_palloc(l->pool, (size_t)cap * sizeof *grown);
        if (l->n) memcpy(grown, l->values, (size_t)l->n * sizeof *grown);
        l->values = grown;
        l->cap = cap;
    }
    l->values[l->n++] = value;
    l->values[l->n] = NULL;
    return 0;
}

const char **query_get_all(const kapi_request *req, const char *name, int *n)
{
    value_list l = {.pool = req->pool};
    query_each(req, name, take_each, &l);
    *n = l.n;
    return l.values;
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

