/* util.h: small helpers: identifiers, timestamps, random name suffixes. */
#ifndef KAPI_UTIL_H
#define KAPI_UTIL_H

#include <stddef.h>
#include <time.h>

/* A random (version 4) UUID, 36 characters + NUL. */
void uuid_v4(char out[37]);
/* RFC 3339 UTC with seconds: "2023-02-22T05:04:17Z". */
void time_rfc3339(time_t t, char out[21]);
/* Parses that form (or with fractional seconds); -1 if malformed. */
time_t time_parse_rfc3339(const char *s);
/* n random characters from kube's alphabet "bcdfghjklmnpqrstvwxz2456789". */
void random_suffix(char *out, size_t n);

#endif
