/* jwks.h: an identity provider's signing keys (a JSON Web Key Set): read
 * from its JSON, or fetched as kube's go-oidc fetches them, over HTTPS from
 * the issuer's discovery document (ISSUER/.well-known/openid-configuration,
 * or a configured discovery URL) and then its jwks_uri. */
#ifndef KAPI_JWKS_H
#define KAPI_JWKS_H

#include <stddef.h>
#include <openssl/evp.h>

#define JWKS_MAX_KEYS 16

typedef struct jwks {
    EVP_PKEY *keys[JWKS_MAX_KEYS];
    char *kids[JWKS_MAX_KEYS];
    int n;
} jwks;

/* The signing keys of a key set's JSON text: RSA (n, e) and EC (P-256,
 * P-384, P-521) keys whose use is absent or "sig". The number of keys, or
 * -1 when the text is not a key set. */
int jwks_parse(const char *text, size_t len, jwks *out);
void jwks_free(jwks *k);

/* Fetches the key set: the discovery document at discovery_url (NULL:
 * issuer + "/.well-known/openid-configuration"), whose "issuer" must be
 * issuer (go-oidc's check), then its jwks_uri. ca_pem (NULL: the system's
 * roots) is the PEM the server's certificate must chain to. Each request
 * times out after timeout_s seconds; answers over 1 MiB are refused. 0, or
 * -1 with the reason in err. */
int jwks_fetch(const char *issuer, const char *discovery_url, const char *ca_pem, long timeout_s, jwks *out,
               char *err, size_t errlen);

#endif
