/* alloc.h: the one out-of-memory policy (as Redis's zmalloc has it).
 *
 * kapi does not try to carry on when the C library cannot give it memory: a
 * half-built response or a partly applied update is worse than a worker
 * that stops (the master starts another). Every direct allocation goes
 * through these wrappers, which never return NULL: on failure they print
 * "kapi: out of memory allocating N bytes" to stderr and abort(). cJSON
 * allocates through them too once kapi_alloc_init() has run, so no cJSON
 * call returns NULL for want of memory either. Callers therefore need no
 * "if (!p)" branch after an allocation. */
#ifndef KAPI_ALLOC_H
#define KAPI_ALLOC_H

#include <stddef.h>

void *kapi_xmalloc(size_t n);                 /* n == 0 allocates 1 byte */
void *kapi_xcalloc(size_t count, size_t size); /* zeroed; aborts on overflow too */
void *kapi_xrealloc(void *p, size_t n);
char *kapi_xstrdup(const char *s);             /* NULL for NULL */
char *kapi_xstrndup(const char *s, size_t n);  /* the first n bytes (or up to a NUL) */
char *kapi_xsprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Reports the failure and aborts; for the rare allocator kapi does not own
 * (vasprintf, open_memstream, OpenSSL) whose failure means the same. */
_Noreturn void kapi_out_of_memory(size_t n);

/* Points cJSON's allocation hooks at kapi_xmalloc/free. Each program calls
 * it once at start, before any thread runs. */
void kapi_alloc_init(void);

#endif
