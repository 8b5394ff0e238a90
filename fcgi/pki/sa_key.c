/* sa_key.c: loading the service-account key and describing its public half
 * (key id, JWK numbers). See sa_key.h. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include "core/base64.h"
#include "pki/sa_key.h"

/* An encrypted key is refused rather than asking for a passphrase. */
static int refuse_passphrase(char *buf, int size, int rwflag, void *arg)
{
    (void)buf; (void)size; (void)rwflag; (void)arg;
    return -1;
}

EVP_PKEY *pki_load_service_account_key(const char *state_dir, char *err, size_t errlen)
{
    char path[PATH_MAX];
    if ((size_t)snprintf(path, sizeof path, "%s/pki/sa.key", state_dir) >= sizeof path) {
        snprintf(err, errlen, "state directory path too long");
        return NULL;
    }
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot open %s", path);
        return NULL;
    }
    EVP_PKEY *key = PEM_read_PrivateKey(f, NULL, refuse_passphrase, NULL);
    fclose(f);
    if (!key) {
        snprintf(err, errlen, "%s is not a PEM private key", path);
        return NULL;
    }
    if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
        EVP_PKEY_free(key);
        snprintf(err, errlen, "%s is not an RSA key (tokens are RS256)", path);
        return NULL;
    }
    return key;
}

int pki_public_key_id(EVP_PKEY *key, char out[64])
{
    unsigned char *der = NULL;
    int n = i2d_PUBKEY(key, &der);
    if (n <= 0) return -1;
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(der, (size_t)n, digest);
    OPENSSL_free(der);
    char *id = base64url_encode(digest, sizeof digest);
    snprintf(out, 64, "%s", id);
    free(id);
    return 0;
}

static char *bignum_base64url(const BIGNUM *bn)
{
    int len = BN_num_bytes(bn);
    unsigned char *bytes = OPENSSL_malloc(len > 0 ? (size_t)len : 1);
    if (!bytes) return NULL;
    BN_bn2bin(bn, bytes);
    char *s = base64url_encode(bytes, (size_t)len);
    OPENSSL_free(bytes);
    return s;
}

int pki_rsa_public_numbers(EVP_PKEY *key, char **n, char **e)
{
    BIGNUM *bn_n = NULL, *bn_e = NULL;
    *n = *e = NULL;
    if (!EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &bn_n) ||
        !EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &bn_e)) {
        BN_free(bn_n);
        BN_free(bn_e);
        return -1;
    }
    *n = bignum_base64url(bn_n);
    *e = bignum_base64url(bn_e);
    BN_free(bn_n);
    BN_free(bn_e);
    if (!*n || !*e) {
        free(*n);
        free(*e);
        *n = *e = NULL;
        return -1;
    }
    return 0;
}

static BIGNUM *bignum_of_base64url(const char *s)
{
    kapi_buf b;
    kapi_buf_init(&b);
    BIGNUM *bn = NULL;
    if (base64url_decode(s, strlen(s), &b, NULL) == 0 && b.len > 0 && b.len <= 1024)
        bn = BN_bin2bn((const unsigned char *)b.data, (int)b.len, NULL);
    kapi_buf_free(&b);
    return bn;
}

EVP_PKEY *pki_rsa_from_jwk(const char *n, const char *e)
{
    BIGNUM *bn_n = bignum_of_base64url(n), *bn_e = bignum_of_base64url(e);
    EVP_PKEY *key = NULL;
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *pctx = NULL;
    if (bn_n && bn_e && bld && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) && (params = OSSL_PARAM_BLD_to_param(bld)) &&
        (pctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) && EVP_PKEY_fromdata_init(pctx) == 1 &&
        EVP_PKEY_fromdata(pctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1)
        key = NULL;
    EVP_PKEY_CTX_free(pctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(bn_n);
    BN_free(bn_e);
    return key;
}

EVP_PKEY *pki_ec_from_jwk(const char *crv, const char *x, const char *y)
{
    static const struct { const char *crv, *group; size_t size; } curves[] = {
        {"P-256", "prime256v1", 32}, {"P-384", "secp384r1", 48}, {"P-521", "secp521r1", 66}};
    int c = -1;
    for (int i = 0; i < 3; i++)
        if (crv && !strcmp(crv, curves[i].crv)) c = i;
    if (c < 0 || !x || !y) return NULL;
    kapi_buf bx, by;
    kapi_buf_init(&bx);
    kapi_buf_init(&by);
    EVP_PKEY *key = NULL;
    if (base64url_decode(x, strlen(x), &bx, NULL) == 0 && base64url_decode(y, strlen(y), &by, NULL) == 0 &&
        bx.len == curves[c].size && by.len == curves[c].size) {
        /* the uncompressed point: 0x04 || x || y */
        unsigned char point[1 + 2 * 66];
        point[0] = 4;
        memcpy(point + 1, bx.data, bx.len);
        memcpy(point + 1 + bx.len, by.data, by.len);
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)curves[c].group, 0),
            OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, 1 + 2 * curves[c].size),
            OSSL_PARAM_construct_end()};
        EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
        if (!pctx || EVP_PKEY_fromdata_init(pctx) != 1 || EVP_PKEY_fromdata(pctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1)
            key = NULL;
        EVP_PKEY_CTX_free(pctx);
    }
    kapi_buf_free(&bx);
    kapi_buf_free(&by);
    return key;
}
