/* alloc.c: allocation wrappers that abort on failure (see alloc.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include "core/alloc.h"

_Noreturn void kapi_out_of_memory(size_t n)
{
    /* No stdio buffers: they may need the memory that just ran out. */
    char msg[80];
    int len = snprintf(msg, sizeof msg, "kapi: out of memory allocating %zu bytes\n", n);
    if (len > 0) {
        ssize_t w = write(STDERR_FILENO, msg, (size_t)len);
        (void)w;
    }
    abort();
}

void *kapi_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) kapi_out_of_memory(n);
    return p;
}

void *kapi_xcalloc(size_t count, size_t size)
{
    if (size && count > (size_t)-1 / size) kapi_out_of_memory((size_t)-1);
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) kapi_out_of_memory(count * size);
    return p;
}

void *kapi_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) kapi_out_of_memory(n);
    return q;
}

char *kapi_xstrndup(const char *s, size_t n)
{
    if (!s) return NULL;
    const char *nul = memchr(s, '\0', n);
    size_t len = nul ? (size_t)(nul - s) : n;
    char *d = kapi_xmalloc(len + 1);
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

char *kapi_xstrdup(const char *s)
{
    return s ? kapi_xstrndup(s, strlen(s)) : NULL;
}

char *kapi_xsprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0) kapi_out_of_memory(0);
    return s;
}

void kapi_alloc_init(void)
{
    cJSON_Hooks hooks = {.malloc_fn = kapi_xmalloc, .free_fn = free};
    cJSON_InitHooks(&hooks);
}
