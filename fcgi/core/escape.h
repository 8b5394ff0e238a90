/* escape.h: hexadecimal digits, percent-decoding (Go's url.QueryUnescape
 * and url.PathUnescape), the forms request paths, query strings and
 * impersonation header names arrive in, and percent-encoding. */
#ifndef KAPI_ESCAPE_H
#define KAPI_ESCAPE_H

#include <stddef.h>
#include "core/kapi.h"

/* The value of a hexadecimal digit (either case), or -1. */
int hex_digit_value(int c);

/* How percent_decode treats its input. */
enum {
    PERCENT_PLUS_IS_SPACE = 1,    /* query component: '+' means ' ' */
    PERCENT_REJECT_NUL = 2,       /* "%00" makes the text malformed */
};

/* Decodes s[0..n) into a new pool string; NULL when an escape is not '%'
 * and two hexadecimal digits (or, with PERCENT_REJECT_NUL, decodes to NUL). */
char *percent_decode(kapi_pool *p, const char *s, size_t n, int flags);

/* s percent-encoded into a new pool string: every byte but RFC 3986's
 * unreserved characters (letters, digits, - . _ ~) becomes %XX. */
char *percent_encode(kapi_pool *p, const char *s);

#endif
