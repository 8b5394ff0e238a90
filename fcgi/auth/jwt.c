/* jwt.c: RS256 JSON Web Tokens in compact form: signing and a bounded
 * parser and verifier. See jwt.h. */
#include <stdlib.h>
#include <string.h>
#include "auth/jwt.h"
#include "core/alloc.h"
#include "core/base64.h"
#include <openssl/ec.h>
#include <openssl/rsa.h>
#include <openssl/core_names.h>

char *jwt_sign_rs256(EVP_PKEY *key, const char *kid, const cJSON *claims)
{
    cJSON *header = cJSON_CreateObject();
    cJSON_AddStringToObject(header, "alg", "RS256");
    if (kid && *kid) cJSON_AddStringToObject(header, "kid", kid);
    char *h = cJSON_PrintUnformatted(header);
    char *c = cJSON_PrintUnformatted(claims);
    cJSON_Delete(header);
    char *h64 = base64url_encode(h, strlen(h));
    char *c64 = base64url_encode(c, strlen(c));
    free(h);
    free(c);
    char *signing_input = kapi_xsprintf("%s.%s", h64, c64);
    free(h64);
    free(c64);

    char *token = NULL;
    unsigned char *sig = NULL;
    size_t sig_len = 0;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (md && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
        EVP_DigestSign(md, NULL, &sig_len, (const unsigned char *)signing_input, strlen(signing_input)) == 1) {
        sig = kapi_xmalloc(sig_len);
        if (EVP_DigestSign(md, sig, &sig_len, (const unsigned char *)signing_input, strlen(signing_input)) == 1) {
            char *s64 = base64url_encode(sig, sig_len);
            token = kapi_xsprintf("%s.%s", signing_input, s64);
            free(s64);
        }
    }
    EVP_MD_CTX_free(md);
    free(sig);
    free(signing_input);
    return token;
}

/* base64url text of a part, decoded and parsed as a JSON object. */
static cJSON *decode_json_part(const char *s, size_t n)
{
    kapi_buf b;
    kapi_buf_init(&b);
    cJSON *obj = NULL;
    if (base64url_decode(s, n, &b, NULL) == 0 && b.len > 0) {
        obj = cJSON_ParseWithLength(b.data, b.len);
        if (obj && !cJSON_IsObject(obj)) {
            cJSON_Delete(obj);
            obj = NULL;
        }
    }
    kapi_buf_free(&b);
    return obj;
}

static const char *const alg_names[JWT_ALG_COUNT] = {
    "", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"};

jwt_alg jwt_alg_of(const char *name)
{
    for (int i = 1; i < JWT_ALG_COUNT; i++)
        if (name && !strcmp(name, alg_names[i])) return (jwt_alg)i;
    return JWT_ALG_NONE;
}

const char *jwt_alg_name(jwt_alg a)
{
    return (unsigned)a < JWT_ALG_COUNT ? alg_names[a] : "";
}

int jwt_parse(const char *token, jwt_parts *out, const char **why)
{
    return jwt_parse_algs(token, JWT_ALG_BIT(JWT_RS256), out, why);
}

int jwt_parse_algs(const char *token, unsigned allowed, jwt_parts *out, const char **why)
{
    memset(out, 0, sizeof *out);
    size_t len = strnlen(token, JWT_MAX_LEN + 1);
    if (len > JWT_MAX_LEN) { *why = "token too long"; return -1; }
    const char *dot1 = memchr(token, '.', len);
    const char *dot2 = dot1 ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token)) : NULL;
    if (!dot1 || !dot2 || memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - token))) {
        *why = "not a compact JWS (three dot-separated parts)";
        return -1;
    }
    cJSON *header = decode_json_part(token, (size_t)(dot1 - token));
    if (!header) { *why = "malformed header"; return -1; }
    const cJSON *alg = cJSON_GetObjectItemCaseSensitive(header, "alg");
    jwt_alg a = cJSON_IsString(alg) ? jwt_alg_of(alg->valuestring) : JWT_ALG_NONE;
    if (a == JWT_ALG_NONE || !(allowed & JWT_ALG_BIT(a))) {
        cJSON_Delete(header);
        *why = "unsupported signing algorithm";
        return -1;
    }
    cJSON *claims = decode_json_part(dot1 + 1, (size_t)(dot2 - dot1 - 1));
    if (!claims) {
        cJSON_Delete(header);
        *why = "malformed payload";
        return -1;
    }
    kapi_buf sig;
    kapi_buf_init(&sig);
    size_t sig_text = len - (size_t)(dot2 + 1 - token);
    if (sig_text == 0 || base64url_decode(dot2 + 1, sig_text, &sig, NULL) != 0) {
        kapi_buf_free(&sig);
        cJSON_Delete(header);
        cJSON_Delete(claims);
        *why = "malformed signature";
        return -1;
    }
    out->alg = a;
    out->header = header;
    out->claims = claims;
    out->signed_part = token;
    out->signed_len = (size_t)(dot2 - token);
    out->signature_len = sig.len;
    out->signature = (unsigned char *)kapi_buf_steal(&sig);
    return 0;
}

void jwt_parts_free(jwt_parts *p)
{
    cJSON_Delete(p->header);
    cJSON_Delete(p->claims);
    free(p->signature);
    memset(p, 0, sizeof *p);
}

/* The digest of an algorithm's family member. */
static const EVP_MD *alg_digest(jwt_alg a)
{
    switch (a) {
    case JWT_RS256: case JWT_PS256: case JWT_ES256: return EVP_sha256();
    case JWT_RS384: case JWT_PS384: case JWT_ES384: return EVP_sha384();
    default: return EVP_sha512();
    }
}

/* An ECDSA signature r || s (RFC 7518 3.4) as the DER ECDSA-Sig-Value
 * OpenSSL verifies; NULL when its length is not the curve's. */
static unsigned char *ecdsa_der(const jwt_parts *p, size_t half, int *der_len)
{
    if (p->signature_len != 2 * half) return NULL;
    ECDSA_SIG *sig = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(p->signature, (int)half, NULL), *s = BN_bin2bn(p->signature + half, (int)half, NULL);
    unsigned char *der = NULL;
    if (sig && r && s && ECDSA_SIG_set0(sig, r, s) == 1) {
        r = s = NULL;   /* the signature owns them */
        *der_len = i2d_ECDSA_SIG(sig, &der);
        if (*der_len <= 0) der = NULL;
    }
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return der;
}

int jwt_verify(EVP_PKEY *key, const jwt_parts *p)
{
    if (!p->signature || p->alg == JWT_ALG_NONE) return 0;
    int is_rsa = EVP_PKEY_is_a(key, "RSA"), is_ec = EVP_PKEY_is_a(key, "EC");
    int ec = p->alg >= JWT_ES256, pss = p->alg >= JWT_PS256 && p->alg <= JWT_PS512;
    if (ec ? !is_ec : !is_rsa) return 0;
    const unsigned char *sig = p->signature;
    size_t sig_len = p->signature_len;
    unsigned char *der = NULL;
    if (ec) {
        /* the curve must be the algorithm's: P-256, P-384, P-521 */
        static const char *const curves[] = {"prime256v1", "secp384r1", "secp521r1"};
        static const size_t halves[] = {32, 48, 66};
        int i = p->alg - JWT_ES256;
        char group[64] = "";
        size_t glen = 0;
        if (!EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof group, &glen) || strcmp(group, curves[i]))
            return 0;
        int der_len = 0;
        der = ecdsa_der(p, halves[i], &der_len);
        if (!der) return 0;
        sig = der;
        sig_len = (size_t)der_len;
    } else if (p->signature_len != (size_t)EVP_PKEY_get_size(key)) {
        return 0;   /* an RSA signature is exactly the modulus's length */
    }
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    int ok = md && EVP_DigestVerifyInit(md, &pctx, alg_digest(p->alg), NULL, key) == 1;
    if (ok && pss)
        ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1;
    ok = ok && EVP_DigestVerify(md, sig, sig_len, (const unsigned char *)p->signed_part, p->signed_len) == 1;
    EVP_MD_CTX_free(md);
    OPENSSL_free(der);
    return ok;
}

int jwt_verify_rs256(EVP_PKEY *key, const jwt_parts *p)
{
    return p->alg == JWT_RS256 && jwt_verify(key, p);
}
