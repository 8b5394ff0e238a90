/* util.c: identifiers and random name suffixes. Randomness comes
 * from the kernel (getrandom), never from rand(). */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include "core/util.h"

static void random_bytes(unsigned char *b, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = getrandom(b + got, n - got, 0);
        if (r > 0) got += (size_t)r;
    }
}

void uuid_v4(char out[37])
{
    unsigned char b[16];
    random_bytes(b, sizeof b);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
             b[13], b[14], b[15]);
}

void random_suffix(char *out, size_t n)
{
    static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    unsigned char b[64];
    if (n > sizeof b) n = sizeof b;
    random_bytes(b, n);
    for (size_t i = 0; i < n; i++) out[i] = alphabet[b[i] % (sizeof alphabet - 1)];
    out[n] = '\0';
}
