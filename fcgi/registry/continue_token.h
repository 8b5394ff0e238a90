/* continue_token.h: kube-apiserver's list continue tokens
 * (staging/src/k8s.io/apiserver/pkg/storage/continue.go): unpadded base64url
 * of {"v":"meta.k8s.io/v1","rv":N,"start":"<key after the list prefix>"},
 * where start is the last returned key followed by a NUL byte ("\u0000"),
 * so the next page starts right after it. rv -1 means "the latest
 * revision" (the token kube hands out with a 410 for an expired one). */
#ifndef KAPI_CONTINUE_TOKEN_H
#define KAPI_CONTINUE_TOKEN_H

#include <stddef.h>
#include <stdint.h>
#include "core/kapi.h"

/* The token for a page read at rev whose next key comes after start
 * (after != 0: start + "\0") or at start (after == 0). A pool string. */
char *continue_token_encode(kapi_pool *p, int64_t rev, const char *start, int after);

/* Decodes token: *rev, *start (a pool string, relative to the list prefix)
 * and *after (it ended in "\0"). 0, or -1 with kube's reason in err (the
 * caller prefixes "invalid continue token: "). */
int continue_token_decode(kapi_pool *p, const char *token, int64_t *rev, char **start,
                          int *after, char *err, size_t errlen);

#endif
