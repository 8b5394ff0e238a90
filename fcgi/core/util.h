/* util.h: small helpers: identifiers and random name suffixes (and, through
 * core/gotime.h, the RFC 3339 timestamps callers used to find here). */
#ifndef KAPI_UTIL_H
#define KAPI_UTIL_H

#include <stddef.h>
#include <time.h>
#include "core/gotime.h"

/* A random (version 4) UUID, 36 characters + NUL. */
void uuid_v4(char out[37]);
/* n random characters from kube's alphabet "bcdfghjklmnpqrstvwxz2456789". */
void random_suffix(char *out, size_t n);

#endif
