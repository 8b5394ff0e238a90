/* pool.c: per-request memory (kapi_pool), the growable buffer (kapi_buf)
 * and the response object. A request's allocations are registered with its
 * pool and released together by kapi_pool_free() when the request ends. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/kapi.h"

typedef struct pool_item {
    struct pool_item *next;
    enum { ITEM_MEM, ITEM_JSON, ITEM_PTR } type;
    void *ptr;
} pool_item;

struct kapi_pool {
    pool_item *items;
};

kapi_pool *kapi_pool_new(void)
{
    return calloc(1, sizeof(kapi_pool));
}

static void pool_track(kapi_pool *p, int type, void *ptr)
{
    pool_item *it = malloc(sizeof *it);
    if (!it) abort();
    it->type = type;
    it->ptr = ptr;
    it->next = p->items;
    p->items = it;
}

void kapi_pool_free(kapi_pool *p)
{
    if (!p) return;
    pool_item *it = p->items;
    while (it) {
        pool_item *next = it->next;
        if (it->type == ITEM_JSON) cJSON_Delete(it->ptr);
        else free(it->ptr);
        free(it);
        it = next;
    }
    free(p);
}

void *kapi_palloc(kapi_pool *p, size_t n)
{
    void *m = calloc(1, n ? n : 1);
    if (!m) abort();
    pool_track(p, ITEM_MEM, m);
    return m;
}

char *kapi_pstrndup(kapi_pool *p, const char *s, size_t n)
{
    char *d = kapi_palloc(p, n + 1);
    memcpy(d, s, n);
    return d;
}

char *kapi_pstrdup(kapi_pool *p, const char *s)
{
    return s ? kapi_pstrndup(p, s, strlen(s)) : NULL;
}

char *kapi_psprintf(kapi_pool *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0) abort();
    va_end(ap);
    pool_track(p, ITEM_PTR, s);
    return s;
}

cJSON *kapi_pool_keep_json(kapi_pool *p, cJSON *j)
{
    if (j) pool_track(p, ITEM_JSON, j);
    return j;
}

void kapi_pool_keep_ptr(kapi_pool *p, void *ptr)
{
    if (ptr) pool_track(p, ITEM_PTR, ptr);
}

/* ---- kapi_buf */

void kapi_buf_init(kapi_buf *b)
{
    b->data = NULL;
    b->len = b->cap = 0;
}

void kapi_buf_free(kapi_buf *b)
{
    free(b->data);
    kapi_buf_init(b);
}

static int buf_reserve(kapi_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1) cap *= 2;
    char *d = realloc(b->data, cap);
    if (!d) return -1;
    b->data = d;
    b->cap = cap;
    return 0;
}

int kapi_buf_put(kapi_buf *b, const void *data, size_t n)
{
    if (buf_reserve(b, n)) return -1;
    memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int kapi_buf_puts(kapi_buf *b, const char *s)
{
    return kapi_buf_put(b, s, strlen(s));
}

int kapi_buf_putc(kapi_buf *b, char c)
{
    return kapi_buf_put(b, &c, 1);
}

int kapi_buf_printf(kapi_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return -1;
    if ((size_t)n < sizeof small) return kapi_buf_put(b, small, (size_t)n);
    if (buf_reserve(b, (size_t)n)) return -1;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

char *kapi_buf_steal(kapi_buf *b)
{
    if (!b->data && buf_reserve(b, 0)) return NULL;
    if (b->data) b->data[b->len] = '\0';
    char *d = b->data;
    kapi_buf_init(b);
    return d;
}

/* ---- kapi_response */

void kapi_response_init(kapi_response *r)
{
    memset(r, 0, sizeof *r);
    r->status = 200;
    kapi_buf_init(&r->body);
}

void kapi_response_free(kapi_response *r)
{
    kapi_buf_free(&r->body);
}

void kapi_response_add_header(kapi_response *r, kapi_pool *p, const char *name, const char *value)
{
    if (r->n_headers >= KAPI_MAX_RESP_HEADERS) return;
    r->headers[r->n_headers].name = kapi_pstrdup(p, name);
    r->headers[r->n_headers].value = kapi_pstrdup(p, value);
    r->n_headers++;
}
