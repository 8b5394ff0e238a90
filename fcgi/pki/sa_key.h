/* sa_key.h: the service-account signing key (DIR/pki/sa.key, made by
 * pki_ensure_service_account_keys) as the token code uses it: loaded once,
 * its key id as kube derives it, and its public numbers for the JWKS. */
#ifndef KAPI_SA_KEY_H
#define KAPI_SA_KEY_H

#include <stddef.h>
#include <openssl/evp.h>

/* The RSA key of DIR/pki/sa.key, or NULL with a message in err. The caller
 * frees it (EVP_PKEY_free). */
EVP_PKEY *pki_load_service_account_key(const char *state_dir, char *err, size_t errlen);

/* kube's keyIDFromPublicKey: base64url (no padding) of the SHA-256 of the
 * public key's DER SubjectPublicKeyInfo; 43 characters + NUL. 0 or -1. */
int pki_public_key_id(EVP_PKEY *key, char out[64]);

/* The RSA modulus and public exponent, big-endian without leading zeros,
 * base64url without padding (JWK's "n" and "e"), malloc'd. 0 or -1. */
int pki_rsa_public_numbers(EVP_PKEY *key, char **n, char **e);

/* The RSA public key of a JWK's "n" and "e" (base64url, no padding), or
 * NULL when they are not that. The caller frees it. */
EVP_PKEY *pki_rsa_from_jwk(const char *n, const char *e);
/* An EC public key from a JWK's crv ("P-256", "P-384", "P-521") and its
 * base64url x and y (each the curve's size); NULL when they are not one. */
EVP_PKEY *pki_ec_from_jwk(const char *crv, const char *x, const char *y);

#endif
