/* base64.h: Go's encoding/base64, StdEncoding (RFC 4648 section 4, padded)
 * and RawURLEncoding (section 5, no padding), the two kube uses: Secret
 * data and []byte fields, kubeconfig certificates, YAML !!binary, continue
 * tokens. Decoders follow Go's rules and report the offset Go's
 * CorruptInputError names ("illegal base64 data at input byte N"). */
#ifndef KAPI_BASE64_H
#define KAPI_BASE64_H

#include <stddef.h>
#include "core/kapi.h"

/* Length of the padded standard encoding of n bytes (no NUL). */
size_t base64_encoded_len(size_t n);

/* StdEncoding.EncodeToString: a new NUL-terminated string (free() it). */
char *base64_encode(const void *data, size_t n);
/* RawURLEncoding.EncodeToString, the same way. */
char *base64url_encode(const void *data, size_t n);

/* StdEncoding.DecodeString of s[0..n) appended to out: -1 when the text is
 * not base64 (padding is required; \r and \n are skipped, as Go does), and
 * then *bad (when not NULL) is the offset of the first corrupt byte. */
int base64_decode(const char *s, size_t n, kapi_buf *out, size_t *bad);
/* RawURLEncoding.DecodeString of s[0..n): no padding, '-' and '_'. */
int base64url_decode(const char *s, size_t n, kapi_buf *out, size_t *bad);

/* Only the check: -1 when s[0..n) is valid standard base64, otherwise the
 * offset Go's CorruptInputError gives. */
long base64_error_offset(const char *s, size_t n);

/* The decoded length of a valid padded standard encoding of length n that
 * ends in pad '=' characters (0, 1 or 2). */
size_t base64_decoded_len(const char *s);

#endif
