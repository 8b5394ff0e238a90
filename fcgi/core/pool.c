/* pool.c: per-request memory (kapi_pool), the growable buffer (kapi_buf)
 * and the response object. A request's allocations come from its pool, and
 * what else it owns (cJSON trees, buffers) is registered there with a
 * cleanup hook; kapi_pool_free() releases all of it when the request ends. */
#include <assert.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/alloc.h"
#include "core/kapi.h"

/* Memory comes from blocks carved front to back (an arena): an allocation
 * is a pointer bump, and the pool ends by freeing its blocks. Anything else
 * that must die with the request (a cJSON tree, a malloc'd string, a
 * buffer, a statement) registers a cleanup hook; the hooks run in reverse
 * order of registration, before the blocks go. */
#define POOL_BLOCK_SIZE 8192                 /* a typical request fits in one */
#define POOL_ALIGN _Alignof(max_align_t)

typedef struct pool_block {
    struct pool_block *next;
    size_t used, size;
    _Alignas(max_align_t) unsigned char data[];
} pool_block;

typedef struct pool_cleanup {
    struct pool_cleanup *next;
    void (*fn)(void *arg);
    void *arg;
} pool_cleanup;

struct kapi_pool {
    pool_block *blocks;       /* the current block first */
    pool_cleanup *cleanups;   /* the latest first */
};

kapi_pool *kapi_pool_new(void)
{
    return kapi_xcalloc(1, sizeof(kapi_pool));
}

void kapi_pool_free(kapi_pool *p)
{
    if (!p) return;
    /* Hooks may read pool memory (a hook's argument often lives there), so
     * they all run before any block is freed. */
    while (p->cleanups) {
        pool_cleanup *c = p->cleanups;
        p->cleanups = c->next;
        c->fn(c->arg);
    }
    pool_block *b = p->blocks;
    while (b) {
        pool_block *next = b->next;
        free(b);
        b = next;
    }
    free(p);
}

static pool_block *pool_new_block(size_t size)
{
    pool_block *b = kapi_xmalloc(sizeof *b + size);
    b->used = 0;
    b->size = size;
    return b;
}

void *kapi_palloc(kapi_pool *p, size_t n)
{
    assert(p);
    size_t need = (n ? n : 1) + POOL_ALIGN - 1;
    if (need < n) kapi_out_of_memory(n);
    need -= need % POOL_ALIGN;
    pool_block *b = p->blocks;
    if (!b || b->size - b->used < need) {
        if (need > POOL_BLOCK_SIZE / 4) {
            /* A large allocation gets a block of its own, kept behind the
             * current one so that the current one's free space stays used. */
            pool_block *big = pool_new_block(need);
            big->used = need;
            if (b) { big->next = b->next; b->next = big; }
            else { big->next = NULL; p->blocks = big; }
            memset(big->data, 0, need);
            return big->data;
        }
        b = pool_new_block(POOL_BLOCK_SIZE);
        b->next = p->blocks;
        p->blocks = b;
    }
    void *m = b->data + b->used;
    b->used += need;
    memset(m, 0, need);
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
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) kapi_out_of_memory(0);
    char *s = kapi_palloc(p, (size_t)n + 1);
    if ((size_t)n < sizeof small) {
        memcpy(s, small, (size_t)n + 1);
    } else {
        va_start(ap, fmt);
        vsnprintf(s, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    return s;
}

void kapi_pool_on_cleanup(kapi_pool *p, void (*fn)(void *arg), void *arg)
{
    assert(p && fn);
    pool_cleanup *c = kapi_palloc(p, sizeof *c);
    c->fn = fn;
    c->arg = arg;
    c->next = p->cleanups;
    p->cleanups = c;
}

static void delete_json(void *j) { cJSON_Delete(j); }

cJSON *kapi_pool_keep_json(kapi_pool *p, cJSON *j)
{
    if (j) kapi_pool_on_cleanup(p, delete_json, j);
    return j;
}

void kapi_pool_keep_ptr(kapi_pool *p, void *ptr)
{
    if (ptr) kapi_pool_on_cleanup(p, free, ptr);
}

static void free_buf(void *b) { kapi_buf_free(b); }

kapi_buf *kapi_pool_buf(kapi_pool *p)
{
    kapi_buf *b = kapi_palloc(p, sizeof *b);
    kapi_buf_init(b);
    kapi_pool_on_cleanup(p, free_buf, b);
    return b;
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
    if (b->len + extra + 1 < extra) kapi_out_of_memory(extra);
    if (b->len + extra + 1 <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1) cap *= 2;
    b->data = kapi_xrealloc(b->data, cap);
    b->cap = cap;
    return 0;
}

int kapi_buf_put(kapi_buf *b, const void *data, size_t n)
{
    if (buf_reserve(b, n)) return -1;
    if (n) memcpy(b->data + b->len, data, n);   /* data may be NULL when n is 0 */
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

int kapi_buf_read_file(kapi_buf *b, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) kapi_buf_put(b, chunk, n);
    int failed = ferror(f);
    fclose(f);
    return failed ? -1 : 0;
}
