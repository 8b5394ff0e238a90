/* base64.c: Go's encoding/base64 StdEncoding and RawURLEncoding (see
 * base64.h). The decoder is Go's decodeQuantum loop, so the offsets of
 * corrupt input match Go's messages byte for byte. */
#include <string.h>
#include "core/alloc.h"
#include "core/base64.h"

static const char std_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char url_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t base64_encoded_len(size_t n)
{
    return (n + 2) / 3 * 4;
}

static char *encode(const unsigned char *in, size_t n, const char *tab, int pad)
{
    if (n > ((size_t)-1 - 1) / 4 * 3 - 3) kapi_out_of_memory(n);
    char *out = kapi_xmalloc(base64_encoded_len(n) + 1);
    size_t o = 0, i = 0;
    for (; i + 2 < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
        out[o++] = tab[v >> 18 & 63];
        out[o++] = tab[v >> 12 & 63];
        out[o++] = tab[v >> 6 & 63];
        out[o++] = tab[v & 63];
    }
    if (i < n) {
        unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0);
        out[o++] = tab[v >> 18 & 63];
        out[o++] = tab[v >> 12 & 63];
        if (i + 1 < n) out[o++] = tab[v >> 6 & 63];
        else if (pad) out[o++] = '=';
        if (pad) out[o++] = '=';
    }
    out[o] = '\0';
    return out;
}

char *base64_encode(const void *data, size_t n)
{
    return encode(data, n, std_alphabet, 1);
}

char *base64url_encode(const void *data, size_t n)
{
    return encode(data, n, url_alphabet, 0);
}

static int value_of(unsigned char c, int url)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == (url ? '-' : '+')) return 62;
    if (c == (url ? '_' : '/')) return 63;
    return -1;
}

/* Go's Encoding.decode: quanta of four characters, \r and \n skipped,
 * padding where the encoding has it. Writes to out when it is not NULL;
 * returns -1 or the offset of the first corrupt byte. */
static long decode(const char *str, size_t len, int url, kapi_buf *out)
{
    const unsigned char *src = (const unsigned char *)str;
    size_t si = 0;
    while (si < len) {
        unsigned char dbuf[4];
        int j;
        for (j = 0; j < 4; j++) {
            if (si == len) {
                if (j == 0) return -1;
                if (j == 1 || !url) return (long)(si - (size_t)j);
                break;                          /* a raw encoding's short tail */
            }
            unsigned char in = src[si++];
            int v = value_of(in, url);
            if (v >= 0) { dbuf[j] = (unsigned char)v; continue; }
            if (in == '\n' || in == '\r') { j--; continue; }
            if (url || in != '=') return (long)(si - 1);
            /* padding: only after two or three characters, then the end */
            if (j == 0 || j == 1) return (long)(si - 1);
            if (j == 2) {
                while (si < len && (src[si] == '\n' || src[si] == '\r')) si++;
                if (si == len) return (long)len;
                if (src[si] != '=') return (long)(si - 1);
                si++;
            }
            while (si < len && (src[si] == '\n' || src[si] == '\r')) si++;
            if (si < len) return (long)si;
            break;
        }
        unsigned v = 0;
        for (int k = 0; k < j; k++) v |= (unsigned)dbuf[k] << (18 - 6 * k);
        unsigned char bytes[3] = {(unsigned char)(v >> 16), (unsigned char)(v >> 8), (unsigned char)v};
        /* Go rejects a final quantum whose unused bits are not zero only in
         * strict mode; StdEncoding is not strict, so they are ignored. */
        if (out && j > 1) kapi_buf_put(out, bytes, (size_t)(j - 1));
        if (j < 4) break;
    }
    return -1;
}

static int decode_into(const char *s, size_t n, int url, kapi_buf *out, size_t *bad)
{
    long at = decode(s, n, url, NULL);
    if (at >= 0) {
        if (bad) *bad = (size_t)at;
        return -1;
    }
    decode(s, n, url, out);
    kapi_buf_put(out, "", 0);                   /* NUL-terminated, even when empty */
    return 0;
}

int base64_decode(const char *s, size_t n, kapi_buf *out, size_t *bad)
{
    return decode_into(s, n, 0, out, bad);
}

int base64url_decode(const char *s, size_t n, kapi_buf *out, size_t *bad)
{
    return decode_into(s, n, 1, out, bad);
}

long base64_error_offset(const char *s, size_t n)
{
    return decode(s, n, 0, NULL);
}

size_t base64_decoded_len(const char *s)
{
    size_t n = strlen(s), pad = 0;
    if (n >= 1 && s[n - 1] == '=') pad++;
    if (n >= 2 && s[n - 2] == '=') pad++;
    return n / 4 * 3 - pad;
}
