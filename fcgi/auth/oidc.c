/* oidc.c: OIDC ID tokens (kube's plugin/pkg/authenticator/token/oidc with
 * the go-oidc verifier it uses). See oidc.h. */
#include <pthread.h>
#include <stdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "auth/jwt.h"
#include "auth/oidc.h"
#include "codec/jsonpath.h"
#include "core/alloc.h"
#include "pki/sa_key.h"

#define MAX_KEYS 16
/* go-oidc's leeway on nbf */
#define NBF_LEEWAY_SECONDS (5 * 60)

typedef struct oidc_state {
    int enabled;
    char *issuer, *client_id, *username_claim, *username_prefix, *groups_claim, *groups_prefix;
    EVP_PKEY *keys[MAX_KEYS];
    char *kids[MAX_KEYS];
    int n_keys;
} oidc_state;

static oidc_state state;
static int loaded;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static char *dup_or(const char *s, const char *dflt)
{
    return kapi_xstrdup(s && *s ? s : dflt);
}

static void clear_state(void)
{
    free(state.issuer); free(state.client_id); free(state.username_claim);
    free(state.username_prefix); free(state.groups_claim); free(state.groups_prefix);
    for (int i = 0; i < state.n_keys; i++) { EVP_PKEY_free(state.keys[i]); free(state.kids[i]); }
    memset(&state, 0, sizeof state);
}

static int configure(const oidc_options *o, char *err, size_t errlen)
{
    clear_state();
    if (!o || !o->issuer_url || !*o->issuer_url) return 0;
    if (!o->client_id || !*o->client_id) { snprintf(err, errlen, "oidc: a client id is required"); return -1; }
    cJSON *jwks = o->jwks_json ? cJSON_Parse(o->jwks_json) : NULL;
    const cJSON *k;
    cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(jwks, "keys")) {
        if (state.n_keys == MAX_KEYS) break;
        if (strcmp(json_str(k, "kty"), "RSA")) continue;
        const char *use = json_str(k, "use");
        if (*use && strcmp(use, "sig")) continue;
        EVP_PKEY *key = pki_rsa_from_jwk(json_str(k, "n"), json_str(k, "e"));
        if (!key) continue;
        state.kids[state.n_keys] = kapi_xstrdup(json_str(k, "kid"));
        state.keys[state.n_keys++] = key;
    }
    cJSON_Delete(jwks);
    if (!state.n_keys) { snprintf(err, errlen, "oidc: the key set holds no RSA signing key"); return -1; }
    state.issuer = kapi_xstrdup(o->issuer_url);
    state.client_id = kapi_xstrdup(o->client_id);
    state.username_claim = dup_or(o->username_claim, "sub");
    /* kube's default: claims other than email are prefixed by the issuer */
    if (o->username_prefix && *o->username_prefix)
        state.username_prefix = kapi_xstrdup(strcmp(o->username_prefix, "-") ? o->username_prefix : "");
    else if (strcmp(state.username_claim, "email")) state.username_prefix = kapi_xsprintf("%s#", state.issuer);
    else state.username_prefix = kapi_xstrdup("");
    state.groups_claim = dup_or(o->groups_claim, "");
    state.groups_prefix = dup_or(o->groups_prefix, "");
    state.enabled = 1;
    return 0;
}

int oidc_configure(const oidc_options *o, char *err, size_t errlen)
{
    pthread_mutex_lock(&lock);
    loaded = 1;
    int rc = configure(o, err, errlen);
    if (rc) clear_state();
    pthread_mutex_unlock(&lock);
    return rc;
}

static void load_once(void)
{
    if (loaded) return;
    loaded = 1;
    const char *issuer = getenv("KAPI_OIDC_ISSUER_URL");
    if (!issuer || !*issuer) return;
    kapi_buf jwks;
    kapi_buf_init(&jwks);
    const char *file = getenv("KAPI_OIDC_JWKS_FILE");
    if (!file || kapi_buf_read_file(&jwks, file) != 0) {
        fprintf(stderr, "kapi: oidc: cannot read the key set KAPI_OIDC_JWKS_FILE\n");
        kapi_buf_free(&jwks);
        return;
    }
    oidc_options o = {.issuer_url = issuer, .client_id = getenv("KAPI_OIDC_CLIENT_ID"), .jwks_json = jwks.data,
                      .username_claim = getenv("KAPI_OIDC_USERNAME_CLAIM"),
                      .username_prefix = getenv("KAPI_OIDC_USERNAME_PREFIX"),
                      .groups_claim = getenv("KAPI_OIDC_GROUPS_CLAIM"),
                      .groups_prefix = getenv("KAPI_OIDC_GROUPS_PREFIX")};
    char err[300];
    if (configure(&o, err, sizeof err)) {
        fprintf(stderr, "kapi: %s\n", err);
        clear_state();
    }
    kapi_buf_free(&jwks);
}

static int signature_valid(const jwt_parts *p)
{
    const char *kid = json_str(p->header, "kid");
    for (int i = 0; i < state.n_keys; i++)
        if ((!*kid || !*state.kids[i] || !strcmp(kid, state.kids[i])) && jwt_verify_rs256(state.keys[i], p)) return 1;
    return 0;
}

static int audience_has(const cJSON *aud, const char *client_id)
{
    if (cJSON_IsString(aud)) return !strcmp(aud->valuestring, client_id);
    const cJSON *a;
    cJSON_ArrayForEach(a, aud) if (cJSON_IsString(a) && !strcmp(a->valuestring, client_id)) return 1;
    return 0;
}

static int validate(kapi_pool *pool, const jwt_parts *p, time_t now, kapi_user *user, const char **why)
{
    if (!signature_valid(p)) { *why = "oidc: failed to verify signature"; return -1; }
    const cJSON *c = p->claims;
    if (!audience_has(cJSON_GetObjectItemCaseSensitive(c, "aud"), state.client_id)) {
        *why = "oidc: expected audience not in the token's audiences";
        return -1;
    }
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(c, "exp"), *nbf = cJSON_GetObjectItemCaseSensitive(c, "nbf");
    if (!cJSON_IsNumber(exp) || (double)now > exp->valuedouble) { *why = "oidc: token is expired"; return -1; }
    if (nbf && (!cJSON_IsNumber(nbf) || (double)now + NBF_LEEWAY_SECONDS < nbf->valuedouble)) {
        *why = "oidc: current time before the nbf (not before) time";
        return -1;
    }
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(c, state.username_claim);
    if (!cJSON_IsString(name) || !*name->valuestring) { *why = "oidc: username claim not present"; return -1; }
    if (!strcmp(state.username_claim, "email")) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, "email_verified");
        if (v && !cJSON_IsTrue(v)) { *why = "oidc: email not verified"; return -1; }
    }
    memset(user, 0, sizeof *user);
    user->name = kapi_psprintf(pool, "%s%s", state.username_prefix, name->valuestring);
    if (*state.groups_claim) {
        const cJSON *g = cJSON_GetObjectItemCaseSensitive(c, state.groups_claim);
        if (cJSON_IsString(g)) user->groups[user->n_groups++] = kapi_psprintf(pool, "%s%s", state.groups_prefix, g->valuestring);
        else if (cJSON_IsArray(g)) {
            const cJSON *one;
            cJSON_ArrayForEach(one, g) {
                if (!cJSON_IsString(one)) { *why = "oidc: malformed groups claim"; return -1; }
                if (user->n_groups < KAPI_MAX_GROUPS - 1)
                    user->groups[user->n_groups++] = kapi_psprintf(pool, "%s%s", state.groups_prefix, one->valuestring);
            }
        } else if (g) { *why = "oidc: malformed groups claim"; return -1; }
    }
    user->groups[user->n_groups++] = "system:authenticated";
    return 1;
}

int oidc_authenticate(kapi_pool *pool, const char *token, time_t now, kapi_user *user, const char **why)
{
    pthread_mutex_lock(&lock);
    load_once();
    int rc = 0;
    jwt_parts p;
    /* not a JWT of the configured issuer: another authenticator's */
    if (state.enabled && jwt_parse(token, &p, why) == 0) {
        if (!strcmp(json_str(p.claims, "iss"), state.issuer)) rc = validate(pool, &p, now, user, why);
        jwt_parts_free(&p);
    }
    pthread_mutex_unlock(&lock);
    return rc;
}
