/* jwt.c: fuzzes the bearer tokens clients send (Authorization: Bearer, as
 * nginx's KAPI_AUTHORIZATION param) through auth/jwt.c and auth/token.c.
 * The first input byte picks the form of the rest: even, a token as a
 * client sends it (jwt_parse, jwt_verify_rs256, then the whole
 * authenticator); odd, a claims document that the harness signs with the
 * state directory's key, so that the claims checks behind the signature
 * (times, audience, issuer, kubernetes.io references) are reached too.
 * The key is a fresh RSA key in a temporary state directory (no store: the
 * ServiceAccount lookup finds nothing). */
#include <stdio.h>
#include <unistd.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <sys/stat.h>
#include "auth/jwt.h"
#include "auth/token.h"
#include "fuzz.h"

static char state_dir[64];

static void remove_state_dir(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/pki/sa.key", state_dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/pki", state_dir);
    rmdir(path);
    rmdir(state_dir);
}

/* A state directory holding pki/sa.key (RSA 1024: signing every input
 * must stay fast), made once. */
static const char *fuzz_state_dir(void)
{
    if (state_dir[0]) return state_dir;
    snprintf(state_dir, sizeof state_dir, "/tmp/kapi-fuzz-jwt-XXXXXX");
    if (!mkdtemp(state_dir)) abort();
    char path[128];
    snprintf(path, sizeof path, "%s/pki", state_dir);
    if (mkdir(path, 0700)) abort();
    snprintf(path, sizeof path, "%s/pki/sa.key", state_dir);
    EVP_PKEY *key = EVP_RSA_gen(1024);
    FILE *f = fopen(path, "w");
    if (!key || !f || !PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL)) abort();
    fclose(f);
    EVP_PKEY_free(key);
    atexit(remove_state_dir);
    return state_dir;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    kapi_ctx ctx = {.store = NULL, .state_dir = fuzz_state_dir()};
    char err[256];
    const sa_signing_key *k = sa_token_signing_key(ctx.state_dir, err, sizeof err);
    if (!k) abort();
    char *text = fuzz_cstring(data + 1, size - 1);
    char *token = NULL;
    if (data[0] & 1) {
        cJSON *claims = cJSON_Parse(text);
        if (claims) token = jwt_sign_rs256(k->key, k->kid, claims);
        cJSON_Delete(claims);
    } else {
        token = kapi_xstrdup(text);
        jwt_parts p;
        const char *why = NULL;
        if (jwt_parse(token, &p, &why) == 0) {
            jwt_verify_rs256(k->key, &p);
            jwt_parts_free(&p);
        }
    }
    if (token) {
        kapi_pool *pool = kapi_pool_new();
        kapi_user user;
        const char *why = NULL;
        sa_token_authenticate(&ctx, pool, token, 1700000000, &user, &why);
        kapi_pool_free(pool);
    }
    free(token);
    free(text);
    return 0;
}
