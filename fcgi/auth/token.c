/* token.c: ServiceAccount tokens: kube's claims (pkg/serviceaccount/claims.go),
 * issuing with the state directory's sa.key, and the bearer-token
 * authenticator (kube's jwt.go tokenAuthenticator + claims.go validator).
 * See token.h. */
#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "auth/jwt.h"
#include "auth/token.h"
#include "codec/jsonpath.h"
#include "core/alloc.h"
#include "core/base64.h"
#include "core/gotime.h"
#include "core/util.h"
#include "kinds/resource.h"
#include "pki/sa_key.h"
#include "store/store.h"

const char *sa_token_issuer(void)
{
    const char *iss = getenv("KAPI_SERVICE_ACCOUNT_ISSUER");
    return iss && *iss ? iss : SA_TOKEN_DEFAULT_ISSUER;
}

/* ------------------------------------------------------------ the key */

/* Keys loaded so far, one per state directory (a process has one; the unit
 * tests several). Never freed: tokens are signed and checked for the
 * process's life. */
typedef struct loaded_key {
    struct loaded_key *next;
    char *state_dir;
    sa_signing_key k;
} loaded_key;
static loaded_key *loaded_keys;
static pthread_mutex_t loaded_keys_lock = PTHREAD_MUTEX_INITIALIZER;

const sa_signing_key *sa_token_signing_key(const char *state_dir, char *err, size_t errlen)
{
    if (!state_dir) {
        snprintf(err, errlen, "no state directory");
        return NULL;
    }
    pthread_mutex_lock(&loaded_keys_lock);
    loaded_key *l = loaded_keys;
    while (l && strcmp(l->state_dir, state_dir)) l = l->next;
    if (!l) {
        EVP_PKEY *key = pki_load_service_account_key(state_dir, err, errlen);
        char kid[64];
        if (key && pki_public_key_id(key, kid) == 0) {
            l = kapi_xcalloc(1, sizeof *l);
            l->state_dir = kapi_xstrdup(state_dir);
            l->k.key = key;
            memcpy(l->k.kid, kid, sizeof kid);
            l->next = loaded_keys;
            loaded_keys = l;
        } else if (key) {
            EVP_PKEY_free(key);
            snprintf(err, errlen, "cannot derive the service-account key id");
        }
    }
    pthread_mutex_unlock(&loaded_keys_lock);
    return l ? &l->k : NULL;
}

/* ------------------------------------------------------------ issuing */

static void add_ref(cJSON *parent, const char *member, const cJSON *obj)
{
    cJSON *ref = cJSON_AddObjectToObject(parent, member);
    const char *name = json_str_at(obj, "metadata.name", "");
    const char *uid = json_str_at(obj, "metadata.uid", "");
    if (*name) cJSON_AddStringToObject(ref, "name", name);   /* omitempty */
    if (*uid) cJSON_AddStringToObject(ref, "uid", uid);
}

cJSON *sa_token_claims_json(const sa_token_claims *c, const char *jti)
{
    const char *ns = json_str_at(c->service_account, "metadata.namespace", "");
    const char *name = json_str_at(c->service_account, "metadata.name", "");
    cJSON *claims = cJSON_CreateObject();
    cJSON *aud = cJSON_AddArrayToObject(claims, "aud");
    const cJSON *a;
    cJSON_ArrayForEach(a, c->audiences)
        if (cJSON_IsString(a)) cJSON_AddItemToArray(aud, cJSON_CreateString(a->valuestring));
    cJSON_AddNumberToObject(claims, "exp", (double)(c->now + c->expiration_seconds));
    cJSON_AddNumberToObject(claims, "iat", (double)c->now);
    cJSON_AddStringToObject(claims, "iss", sa_token_issuer());
    if (jti) cJSON_AddStringToObject(claims, "jti", jti);
    cJSON *k8s = cJSON_AddObjectToObject(claims, "kubernetes.io");
    if (*ns) cJSON_AddStringToObject(k8s, "namespace", ns);
    /* the node of a pod-bound token is informational (ServiceAccountTokenPodNodeInfo) */
    if (c->node) add_ref(k8s, "node", c->node);
    if (c->pod) add_ref(k8s, "pod", c->pod);
    else if (c->secret) add_ref(k8s, "secret", c->secret);
    add_ref(k8s, "serviceaccount", c->service_account);
    if (c->warn_after_seconds) cJSON_AddNumberToObject(k8s, "warnafter", (double)(c->now + c->warn_after_seconds));
    cJSON_AddNumberToObject(claims, "nbf", (double)c->now);
    char *sub = kapi_xsprintf("system:serviceaccount:%s:%s", ns, name);
    cJSON_AddStringToObject(claims, "sub", sub);
    free(sub);
    return claims;
}

char *sa_token_issue(const char *state_dir, const sa_token_claims *c, char *err, size_t errlen)
{
    const sa_signing_key *k = sa_token_signing_key(state_dir, err, errlen);
    if (!k) return NULL;
    char jti[37];
    uuid_v4(jti);
    cJSON *claims = sa_token_claims_json(c, jti);
    char *token = jwt_sign_rs256(k->key, k->kid, claims);
    cJSON_Delete(claims);
    if (!token) snprintf(err, errlen, "signing failed");
    return token;
}

#define LEGACY_NAMESPACE "kubernetes.io/serviceaccount/namespace"
#define LEGACY_SECRET "kubernetes.io/serviceaccount/secret.name"
#define LEGACY_SA_NAME "kubernetes.io/serviceaccount/service-account.name"
#define LEGACY_SA_UID "kubernetes.io/serviceaccount/service-account.uid"

char *sa_token_issue_legacy(const char *state_dir, const cJSON *sa, const char *secret_name, char *err,
                            size_t errlen)
{
    const sa_signing_key *k = sa_token_signing_key(state_dir, err, errlen);
    if (!k) return NULL;
    const char *ns = json_str_at(sa, "metadata.namespace", ""), *name = json_str_at(sa, "metadata.name", "");
    /* go-jose's sorted keys */
    cJSON *claims = cJSON_CreateObject();
    cJSON_AddStringToObject(claims, "iss", SA_TOKEN_LEGACY_ISSUER);
    cJSON_AddStringToObject(claims, LEGACY_NAMESPACE, ns);
    cJSON_AddStringToObject(claims, LEGACY_SECRET, secret_name);
    cJSON_AddStringToObject(claims, LEGACY_SA_NAME, name);
    cJSON_AddStringToObject(claims, LEGACY_SA_UID, json_str_at(sa, "metadata.uid", ""));
    char *sub = kapi_xsprintf("system:serviceaccount:%s:%s", ns, name);
    cJSON_AddStringToObject(claims, "sub", sub);
    free(sub);
    char *token = jwt_sign_rs256(k->key, k->kid, claims);
    cJSON_Delete(claims);
    if (!token) snprintf(err, errlen, "signing failed");
    return token;
}

/* ------------------------------------------------------------ authenticating */

/* The stored object plural/ns/name, parsed (the caller deletes it), or NULL. */
static cJSON *load_object(kapi_ctx *ctx, kapi_pool *pool, const char *plural, const char *ns, const char *name)
{
    const kapi_resource *r = resource_find("", "v1", plural);
    assert(r);
    if (!ctx || !ctx->store || !*name) return NULL;
    store_kv kv;
    if (store_get(ctx->store, resource_key(pool, r, ns, name), &kv) != STORE_OK) return NULL;
    cJSON *obj = cJSON_Parse(kv.value);
    store_kv_free(&kv);
    return obj;
}

/* kube's "deleted prior to now()-leeway" */
static int deleted_before(const cJSON *obj, time_t limit)
{
    const char *ts = json_str_at(obj, "metadata.deletionTimestamp", NULL);
    if (!ts) return 0;
    time_t t = time_parse_rfc3339(ts);
    return t >= 0 && t < limit;
}

/* The reference member of kubernetes.io, or NULL; *bad set when it is
 * there but not an object of strings. */
static const cJSON *claim_ref(const cJSON *k8s, const char *member, int *bad)
{
    const cJSON *ref = json_get(k8s, member);
    if (!ref) return NULL;
    if (!cJSON_IsObject(ref)) { *bad = 1; return NULL; }
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(ref, "name");
    const cJSON *u = cJSON_GetObjectItemCaseSensitive(ref, "uid");
    if ((n && !cJSON_IsString(n)) || (u && !cJSON_IsString(u))) { *bad = 1; return NULL; }
    return ref;
}

/* The bound object of ref still stored with the token's uid, and not deleted. */
static int bound_object_valid(kapi_ctx *ctx, kapi_pool *pool, const char *plural, const char *ns,
                              const cJSON *ref, time_t now)
{
    cJSON *obj = load_object(ctx, pool, plural, ns, json_str(ref, "name"));
    int ok = obj && !deleted_before(obj, now - SA_TOKEN_LEEWAY_SECONDS) &&
             !strcmp(json_str_at(obj, "metadata.uid", ""), json_str(ref, "uid"));
    cJSON_Delete(obj);
    return ok;
}

/* A numeric date claim: 1 with *out set, 0 when absent, -1 when not a number. */
static int numeric_date(const cJSON *claims, const char *name, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(claims, name);
    if (!v) return 0;
    if (!cJSON_IsNumber(v)) return -1;
    *out = v->valuedouble;
    return 1;
}

/* The public claims (jwt.Claims.ValidateWithLeeway, and the audiences). */
static int public_claims_valid(const cJSON *claims, time_t now, const char **why)
{
    const char *iss = json_str(claims, "iss");
    if (strcmp(iss, sa_token_issuer())) { *why = "not issued by this issuer"; return 0; }
    double exp = 0, nbf = 0, iat = 0;
    int has_exp = numeric_date(claims, "exp", &exp), has_nbf = numeric_date(claims, "nbf", &nbf),
        has_iat = numeric_date(claims, "iat", &iat);
    if (has_exp <= 0 || has_nbf < 0 || has_iat < 0) { *why = "malformed time claims"; return 0; }
    if ((double)now - SA_TOKEN_LEEWAY_SECONDS > exp) { *why = "Token has expired."; return 0; }
    if (has_nbf && (double)now + SA_TOKEN_LEEWAY_SECONDS < nbf) { *why = "token not valid yet"; return 0; }
    if (has_iat && (double)now + SA_TOKEN_LEEWAY_SECONDS < iat) { *why = "token issued in the future"; return 0; }
    /* aud: a string or an array of strings; one must be an API audience
     * (the issuer, as --api-audiences defaults to it) */
    const cJSON *aud = cJSON_GetObjectItemCaseSensitive(claims, "aud");
    int match = 0;
    if (cJSON_IsString(aud)) match = !strcmp(aud->valuestring, sa_token_issuer());
    else if (cJSON_IsArray(aud)) {
        const cJSON *a;
        cJSON_ArrayForEach(a, aud) if (cJSON_IsString(a) && !strcmp(a->valuestring, sa_token_issuer())) match = 1;
    }
    if (!match) { *why = "token audiences are invalid for the API's audiences"; return 0; }
    return 1;
}

static void fill_user(kapi_pool *pool, const char *ns, const char *name, const char *uid, kapi_user *user)
{
    memset(user, 0, sizeof *user);
    user->name = kapi_psprintf(pool, "system:serviceaccount:%s:%s", ns, name);
    user->uid = kapi_pstrdup(pool, uid);
    user->groups[0] = "system:serviceaccounts";
    user->groups[1] = kapi_psprintf(pool, "system:serviceaccounts:%s", ns);
    user->groups[2] = "system:authenticated";
    user->n_groups = 3;
}

static void add_extra(kapi_pool *pool, kapi_user *u, const char *key, const char *value)
{
    if (!value || !*value || u->n_extra >= KAPI_MAX_EXTRA) return;
    u->extra_keys[u->n_extra] = key;
    u->extra_values[u->n_extra++] = kapi_pstrdup(pool, value);
}

/* kube's ServiceAccountInfo.UserInfo extras, keys sorted: the token's id
 * (its jti) and the node and pod it is bound to. */
static void add_bound_extras(kapi_pool *pool, kapi_user *u, const char *jti, const cJSON *node, const cJSON *pod)
{
    if (jti && *jti) add_extra(pool, u, SA_EXTRA_CREDENTIAL_ID, kapi_psprintf(pool, "JTI=%s", jti));
    const char *node_name = json_str(node, "name");
    if (*node_name) {
        add_extra(pool, u, SA_EXTRA_NODE_NAME, node_name);
        add_extra(pool, u, SA_EXTRA_NODE_UID, json_str(node, "uid"));
    }
    if (*json_str(pod, "name") && *json_str(pod, "uid")) {
        add_extra(pool, u, SA_EXTRA_POD_NAME, json_str(pod, "name"));
        add_extra(pool, u, SA_EXTRA_POD_UID, json_str(pod, "uid"));
    }
}

static sa_legacy_used_fn legacy_used;

void sa_token_on_legacy_use(sa_legacy_used_fn fn)
{
    legacy_used = fn;
}

/* kube's legacyValidator (with lookup): the claims, the Secret holding
 * exactly this token, the ServiceAccount with its uid. */
static kapi_rc legacy_authenticate(kapi_ctx *ctx, kapi_pool *pool, const char *token, const cJSON *claims,
                                   kapi_user *user, const char **why)
{
    const char *ns = json_str(claims, LEGACY_NAMESPACE), *secret_name = json_str(claims, LEGACY_SECRET);
    const char *sa_name = json_str(claims, LEGACY_SA_NAME), *sa_uid = json_str(claims, LEGACY_SA_UID);
    if (!*ns || !*secret_name || !*sa_name || !*sa_uid) { *why = "legacy claims missing"; return KAPI_UNAUTHORIZED; }
    const char *sub = json_str(claims, "sub");
    char *want = kapi_psprintf(pool, "system:serviceaccount:%s:%s", ns, sa_name);
    if (strcmp(sub, want)) { *why = "sub claim is invalid"; return KAPI_UNAUTHORIZED; }
    kapi_rc rc = KAPI_UNAUTHORIZED;
    cJSON *secret = load_object(ctx, pool, "secrets", ns, secret_name), *sa = NULL;
    const char *data = json_str_at(secret, "data.token", "");
    kapi_buf stored;
    kapi_buf_init(&stored);
    if (!secret || json_str_at(secret, "metadata.deletionTimestamp", NULL)) { *why = "Token has been invalidated"; goto out; }
    if (base64_decode(data, strlen(data), &stored, NULL) != 0 || stored.len != strlen(token) ||
        memcmp(stored.data, token, stored.len)) {
        *why = "Token does not match server's copy";
        goto out;
    }
    sa = load_object(ctx, pool, "serviceaccounts", ns, sa_name);
    if (!sa || json_str_at(sa, "metadata.deletionTimestamp", NULL)) { *why = "ServiceAccount has been deleted"; goto out; }
    if (strcmp(json_str_at(sa, "metadata.uid", ""), sa_uid)) { *why = "ServiceAccount UID does not match claim"; goto out; }
    /* kube's legacy token tracking: a Secret labelled invalid refuses its
     * token; a used one is labelled with the day (UTC) it was last used */
    const cJSON *labels = json_at(secret, "metadata.labels");
    const char *last_used = json_str(labels, SA_LEGACY_LAST_USED_LABEL);
    const char *invalid = json_str(labels, SA_LEGACY_INVALID_SINCE_LABEL);
    if (legacy_used) legacy_used(ctx, ns, secret_name, json_str_at(secret, "metadata.uid", ""), last_used);
    if (*invalid) { *why = "the token's Secret is marked invalid"; goto out; }
    fill_user(pool, ns, sa_name, sa_uid, user);
    rc = KAPI_OK;
out:
    kapi_buf_free(&stored);
    cJSON_Delete(secret);
    cJSON_Delete(sa);
    return rc;
}

kapi_rc sa_token_authenticate(kapi_ctx *ctx, kapi_pool *pool, const char *token, time_t now,
                              kapi_user *user, const char **why)
{
    char err[256];
    const sa_signing_key *k = sa_token_signing_key(ctx ? ctx->state_dir : NULL, err, sizeof err);
    if (!k) { *why = "no service-account key"; return KAPI_UNAUTHORIZED; }
    jwt_parts p;
    if (jwt_parse(token, &p, why) != 0) return KAPI_UNAUTHORIZED;
    kapi_rc rc = KAPI_UNAUTHORIZED;
    const cJSON *k8s = json_get(p.claims, "kubernetes.io");
    int bad = 0;
    const cJSON *saref = claim_ref(k8s, "serviceaccount", &bad);
    const cJSON *podref = claim_ref(k8s, "pod", &bad);
    const cJSON *secref = claim_ref(k8s, "secret", &bad);
    const cJSON *noderef = claim_ref(k8s, "node", &bad);
    const char *ns = json_str(k8s, "namespace");
    cJSON *sa = NULL;
    if (!jwt_verify_rs256(k->key, &p)) { *why = "invalid signature"; goto out; }
    if (!strcmp(json_str(p.claims, "iss"), SA_TOKEN_LEGACY_ISSUER)) {
        rc = legacy_authenticate(ctx, pool, token, p.claims, user, why);
        goto out;
    }
    if (!public_claims_valid(p.claims, now, why)) goto out;
    if (!cJSON_IsObject(k8s) || bad || !saref || !*ns) { *why = "malformed kubernetes.io claims"; goto out; }
    /* the ServiceAccount still exists, with the uid of the token */
    const char *sa_name = json_str(saref, "name"), *sa_uid = json_str(saref, "uid");
    sa = load_object(ctx, pool, "serviceaccounts", ns, sa_name);
    if (!sa) { *why = "ServiceAccount not found"; goto out; }
    if (deleted_before(sa, now - SA_TOKEN_LEEWAY_SECONDS)) { *why = "ServiceAccount has been deleted"; goto out; }
    if (strcmp(json_str_at(sa, "metadata.uid", ""), sa_uid)) { *why = "ServiceAccount UID does not match claim"; goto out; }
    if (secref && !bound_object_valid(ctx, pool, "secrets", ns, secref, now)) { *why = "Token has been invalidated"; goto out; }
    if (podref && !bound_object_valid(ctx, pool, "pods", ns, podref, now)) { *why = "Token has been invalidated"; goto out; }
    /* a node-bound token (no pod): the node must still be there */
    if (noderef && !podref && !bound_object_valid(ctx, pool, "nodes", "", noderef, now)) {
        *why = "Token has been invalidated";
        goto out;
    }
    fill_user(pool, ns, sa_name, sa_uid, user);
    add_bound_extras(pool, user, json_str(p.claims, "jti"), noderef, podref);
    rc = KAPI_OK;
out:
    cJSON_Delete(sa);
    jwt_parts_free(&p);
    return rc;
}
