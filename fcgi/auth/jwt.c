/* jwt.c: RS256 JSON Web Tokens in compact form: signing and a bounded
 * parser and verifier. See jwt.h. */
#include <stdlib.h>
#include <string.h>
#include "auth/jwt.h"
#include "core/alloc.h"
#include "core/base64.h"

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

int jwt_parse(const char *token, jwt_parts *out, const char **why)
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
    if (!cJSON_IsString(alg) || strcmp(alg->valuestring, "RS256")) {
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

int jwt_verify_rs256(EVP_PKEY *key, const jwt_parts *p)
{
    /* An RS256 signature is exactly the modulus's length. */
    if (!p->signature || p->signature_len != (size_t)EVP_PKEY_get_size(key)) return 0;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = md && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
             EVP_DigestVerify(md, p->signature, p->signature_len, (const unsigned char *)p->signed_part,
                              p->signed_len) == 1;
    EVP_MD_CTX_free(md);
    return ok;
}
