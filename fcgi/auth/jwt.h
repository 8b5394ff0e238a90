/* jwt.h: JSON Web Tokens signed RS256 (RFC 7519 / 7515 compact form), the
 * form of kube's ServiceAccount tokens: sign a claims object, and parse and
 * verify a token a client presents. Parsing is bounded (JWT_MAX_LEN) and
 * never trusts the header beyond "alg" being RS256. */
#ifndef KAPI_JWT_H
#define KAPI_JWT_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include <openssl/evp.h>

/* Longer tokens are refused before any decoding. */
#define JWT_MAX_LEN 16384

/* header.payload.signature with header {"alg":"RS256","kid":kid} and the
 * claims serialized as given (cJSON's unformatted print), signed with key.
 * Returns a malloc'd string, or NULL when OpenSSL fails. */
char *jwt_sign_rs256(EVP_PKEY *key, const char *kid, const cJSON *claims);

/* The JWS algorithms verified (go-jose's and go-oidc's names): RSA
 * PKCS #1 v1.5, RSA-PSS and ECDSA, each with SHA-256/384/512. */
typedef enum jwt_alg {
    JWT_ALG_NONE = 0,
    JWT_RS256, JWT_RS384, JWT_RS512,
    JWT_PS256, JWT_PS384, JWT_PS512,
    JWT_ES256, JWT_ES384, JWT_ES512,
    JWT_ALG_COUNT
} jwt_alg;
#define JWT_ALG_BIT(a) (1u << (a))
#define JWT_ALGS_ALL (((1u << JWT_ALG_COUNT) - 1) & ~1u)
/* The algorithm of a name ("ES256"), JWT_ALG_NONE when not one of them. */
jwt_alg jwt_alg_of(const char *name);
const char *jwt_alg_name(jwt_alg a);

/* The parts of a compact token, decoded but not verified. */
typedef struct jwt_parts {
    jwt_alg alg;
    cJSON *header;            /* a JSON object */
    cJSON *claims;            /* a JSON object */
    const char *signed_part;  /* header.payload, as in the token */
    size_t signed_len;
    unsigned char *signature; /* malloc'd */
    size_t signature_len;
} jwt_parts;

/* Splits and decodes token: exactly three base64url parts, header and
 * payload JSON objects, header "alg" "RS256". 0, or -1 with a reason in
 * *why (static text) and nothing to free. */
int jwt_parse(const char *token, jwt_parts *out, const char **why);
/* The same, taking the algorithms of the set allowed (JWT_ALG_BIT bits). */
int jwt_parse_algs(const char *token, unsigned allowed, jwt_parts *out, const char **why);
void jwt_parts_free(jwt_parts *p);

/* 1 when p's signature is key's RS256 signature of p's signed part, else 0. */
int jwt_verify_rs256(EVP_PKEY *key, const jwt_parts *p);
/* 1 when p's signature is key's signature of p's signed part with p's
 * algorithm: the key's type must be the algorithm's (RSA for RS and PS, an
 * EC key on the algorithm's curve for ES, whose signature is r || s). */
int jwt_verify(EVP_PKEY *key, const jwt_parts *p);

#endif
