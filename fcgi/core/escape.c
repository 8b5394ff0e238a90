/* escape.c: hexadecimal digits, percent-decoding and -encoding (see escape.h). */
#include <string.h>
#include "core/escape.h"

int hex_digit_value(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

char *percent_decode(kapi_pool *p, const char *s, size_t n, int flags)
{
    char *out = kapi_palloc(p, n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '+' && (flags & PERCENT_PLUS_IS_SPACE)) c = ' ';
        else if (c == '%') {
            if (i + 2 >= n) return NULL;           /* needs two more bytes */
            int hi = hex_digit_value((unsigned char)s[i + 1]);
            int lo = hex_digit_value((unsigned char)s[i + 2]);
            if (hi < 0 || lo < 0) return NULL;
            c = (unsigned char)(hi * 16 + lo);
            if (c == '\0' && (flags & PERCENT_REJECT_NUL)) return NULL;
            i += 2;
        }
        out[o++] = (char)c;
    }
    out[o] = '\0';
    return out;
}

char *percent_encode(kapi_pool *p, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *out = kapi_palloc(p, 3 * n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            *o++ = (char)c;
        } else {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    *o = '\0';
    return out;
}
