/* test_jwt.c: RS256 JWTs (auth/jwt.c): signing, the bounded parser's
 * refusals, verification against the right and a wrong key; kube's key id
 * (pki/sa_key.c); ServiceAccount token claims and the bearer authenticator
 * (auth/token.c, auth/authn.c) against a bootstrapped store: the user and
 * groups, expiry and not-before with kube's leeway, audience, issuer, a
 * deleted ServiceAccount, and the Authorization header forms. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/stat.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include "kapi_test.h"
#include "auth/authn.h"
#include "auth/jwt.h"
#include "auth/token.h"
#include "auth/token_file.h"
#include "auth/oidc.h"
#include "core/alloc.h"
#include "core/base64.h"
#include "pki/pki.h"
#include "pki/sa_key.h"
#include "server/fcgi_adapter.h"
#include <openssl/ec.h>
#include <openssl/core_names.h>

static kapi_ctx ctx;
static char dir[256];
TEST_GROUP_STORE("jwt")

static EVP_PKEY *new_key(void)
{
    EVP_PKEY *k = EVP_RSA_gen(2048);
    assert_non_null(k);
    return k;
}

/* base64url of a text */
static char *b64(const char *s)
{
    return base64url_encode(s, strlen(s));
}

static void test_sign_parse_verify(void **state)
{
    (void)state;
    EVP_PKEY *k = new_key(), *other = new_key();
    cJSON *claims = cJSON_Parse("{\"sub\":\"x\",\"n\":1}");
    char *tok = jwt_sign_rs256(k, "kid1", claims);
    assert_non_null(tok);
    jwt_parts p;
    const char *why = NULL;
    assert_int_equal(jwt_parse(tok, &p, &why), 0);
    assert_string_equal(json_str(p.header, "alg"), "RS256");
    assert_string_equal(json_str(p.header, "kid"), "kid1");
    assert_string_equal(json_str(p.claims, "sub"), "x");
    assert_int_equal(p.signature_len, 256);
    assert_true(jwt_verify_rs256(k, &p));
    assert_false(jwt_verify_rs256(other, &p));
    jwt_parts_free(&p);
    /* the header is {"alg":"RS256","kid":...} as kube's go-jose writes it */
    char *h = b64("{\"alg\":\"RS256\",\"kid\":\"kid1\"}");
    assert_int_equal(strncmp(tok, h, strlen(h)), 0);
    free(h);

    /* claims changed after signing */
    char *dot1 = strchr(tok, '.'), *dot2 = strchr(dot1 + 1, '.');
    char *forged_claims = b64("{\"sub\":\"y\",\"n\":1}");
    char *forged = kapi_xsprintf("%.*s.%s%s", (int)(dot1 - tok), tok, forged_claims, dot2);
    assert_int_equal(jwt_parse(forged, &p, &why), 0);
    assert_false(jwt_verify_rs256(k, &p));
    jwt_parts_free(&p);
    free(forged);
    free(forged_claims);
    /* a signature cut short */
    char *cut = kapi_xstrndup(tok, strlen(tok) - 4);
    if (jwt_parse(cut, &p, &why) == 0) {
        assert_false(jwt_verify_rs256(k, &p));
        jwt_parts_free(&p);
    }
    free(cut);
    free(tok);
    cJSON_Delete(claims);
    EVP_PKEY_free(k);
    EVP_PKEY_free(other);
}

static void expect_refused(const char *token, const char *reason)
{
    jwt_parts p;
    const char *why = NULL;
    assert_int_equal(jwt_parse(token, &p, &why), -1);
    assert_non_null(why);
    assert_string_equal(why, reason);
    assert_null(p.header);
    assert_null(p.signature);
}

static void test_parse_refusals(void **state)
{
    (void)state;
    char *rs = b64("{\"alg\":\"RS256\"}"), *none = b64("{\"alg\":\"none\"}"), *hs = b64("{\"alg\":\"HS256\"}");
    char *obj = b64("{\"a\":1}"), *arr = b64("[1]");
    char buf[512];
    expect_refused("", "not a compact JWS (three dot-separated parts)");
    expect_refused("a.b", "not a compact JWS (three dot-separated parts)");
    snprintf(buf, sizeof buf, "%s.%s.c.d", rs, obj);
    expect_refused(buf, "not a compact JWS (three dot-separated parts)");
    snprintf(buf, sizeof buf, "%s.%s.", none, obj);
    expect_refused(buf, "unsupported signing algorithm");
    snprintf(buf, sizeof buf, "%s.%s.AAAA", hs, obj);
    expect_refused(buf, "unsupported signing algorithm");
    snprintf(buf, sizeof buf, "%s.%s.AAAA", arr, obj);
    expect_refused(buf, "malformed header");
    snprintf(buf, sizeof buf, "!!.%s.AAAA", obj);
    expect_refused(buf, "malformed header");
    snprintf(buf, sizeof buf, "%s.%s.AAAA", rs, arr);
    expect_refused(buf, "malformed payload");
    snprintf(buf, sizeof buf, "%s.%s.", rs, obj);
    expect_refused(buf, "malformed signature");
    snprintf(buf, sizeof buf, "%s.%s.A*A", rs, obj);
    expect_refused(buf, "malformed signature");
    char *huge = kapi_xmalloc(JWT_MAX_LEN + 2);
    memset(huge, 'A', JWT_MAX_LEN + 1);
    huge[JWT_MAX_LEN + 1] = '\0';
    expect_refused(huge, "token too long");
    free(huge);
    free(rs); free(none); free(hs); free(obj); free(arr);
}

/* kube's key id: base64url(sha256(DER SubjectPublicKeyInfo)) */
static void test_key_id_and_numbers(void **state)
{
    (void)state;
    EVP_PKEY *k = new_key();
    char kid[64];
    assert_int_equal(pki_public_key_id(k, kid), 0);
    unsigned char *der = NULL;
    int n = i2d_PUBKEY(k, &der);
    unsigned char d[32];
    SHA256(der, (size_t)n, d);
    OPENSSL_free(der);
    char *want = base64url_encode(d, sizeof d);
    assert_string_equal(kid, want);
    assert_int_equal(strlen(kid), 43);
    free(want);
    char *nn, *e;
    assert_int_equal(pki_rsa_public_numbers(k, &nn, &e), 0);
    assert_string_equal(e, "AQAB");
    assert_int_equal(strlen(nn), 342);   /* 256 bytes, no padding */
    free(nn);
    free(e);
    EVP_PKEY_free(k);
}

static cJSON *create(const char *path, const char *body)
{
    test_result r = test_call(&ctx, (kapi_call_request){.method = "POST", .path = path, .body = body});
    assert_int_equal(r.status, 201);
    return r.body;
}

/* The claims as kube's Claims() makes them, in its order. */
static void test_claims_json(void **state)
{
    (void)state;
    cJSON *sa = cJSON_Parse("{\"metadata\":{\"name\":\"x\",\"namespace\":\"ns\",\"uid\":\"u1\"}}");
    cJSON *pod = cJSON_Parse("{\"metadata\":{\"name\":\"p\",\"uid\":\"u2\"}}");
    cJSON *aud = cJSON_Parse("[\"a\",\"b\"]");
    sa_token_claims c = {.service_account = sa, .pod = pod, .audiences = aud, .expiration_seconds = 3600,
                         .warn_after_seconds = 3607, .now = 1000};
    cJSON *j = sa_token_claims_json(&c, "id");
    char *s = cJSON_PrintUnformatted(j);
    assert_string_equal(s, "{\"aud\":[\"a\",\"b\"],\"exp\":4600,\"iat\":1000,"
                           "\"iss\":\"https://kubernetes.default.svc.cluster.local\",\"jti\":\"id\","
                           "\"kubernetes.io\":{\"namespace\":\"ns\",\"pod\":{\"name\":\"p\",\"uid\":\"u2\"},"
                           "\"serviceaccount\":{\"name\":\"x\",\"uid\":\"u1\"},\"warnafter\":4607},"
                           "\"nbf\":1000,\"sub\":\"system:serviceaccount:ns:x\"}");
    free(s);
    cJSON_Delete(j);
    cJSON_Delete(sa);
    cJSON_Delete(pod);
    cJSON_Delete(aud);
}

static kapi_rc auth_token(const char *token, time_t now, kapi_user *u, kapi_pool *p)
{
    const char *why = NULL;
    kapi_rc rc = sa_token_authenticate(&ctx, p, token, now, u, &why);
    if (rc != KAPI_OK) assert_non_null(why);
    return rc;
}

static char *issue(const cJSON *sa, const char *aud, int64_t seconds, time_t now)
{
    cJSON *auds = cJSON_CreateArray();
    cJSON_AddItemToArray(auds, cJSON_CreateString(aud));
    sa_token_claims c = {.service_account = sa, .audiences = auds, .expiration_seconds = seconds, .now = now};
    char err[256];
    char *t = sa_token_issue(ctx.state_dir, &c, err, sizeof err);
    assert_non_null(t);
    cJSON_Delete(auds);
    return t;
}

static void test_authenticate_service_account(void **state)
{
    (void)state;
    char err[256], pki_dir[300];
    snprintf(pki_dir, sizeof pki_dir, "%s/pki", ctx.state_dir);
    assert_int_equal(mkdir(pki_dir, 0700), 0);
    assert_int_equal(pki_ensure_service_account_keys(ctx.state_dir, NULL, NULL, err, sizeof err), 0);
    cJSON *sa = create("/api/v1/namespaces/default/serviceaccounts", "{\"metadata\":{\"name\":\"robot\"}}");
    time_t now = time(NULL);
    kapi_pool *p = kapi_pool_new();
    kapi_user u;
    char *tok = issue(sa, SA_TOKEN_DEFAULT_ISSUER, 3600, now);
    assert_int_equal(auth_token(tok, now, &u, p), KAPI_OK);
    assert_string_equal(u.name, "system:serviceaccount:default:robot");
    assert_string_equal(u.uid, test_str_at(sa, "metadata.uid"));
    assert_int_equal(u.n_groups, 3);
    assert_string_equal(u.groups[0], "system:serviceaccounts");
    assert_string_equal(u.groups[1], "system:serviceaccounts:default");
    assert_string_equal(u.groups[2], "system:authenticated");
    /* expiry with kube's one-minute leeway */
    assert_int_equal(auth_token(tok, now + 3600 + 60, &u, p), KAPI_OK);
    assert_int_equal(auth_token(tok, now + 3600 + 61, &u, p), KAPI_UNAUTHORIZED);
    /* not before (iat and nbf are now), with the leeway */
    assert_int_equal(auth_token(tok, now - 60, &u, p), KAPI_OK);
    assert_int_equal(auth_token(tok, now - 61, &u, p), KAPI_UNAUTHORIZED);
    /* another audience */
    char *other = issue(sa, "https://vault.example", 3600, now);
    assert_int_equal(auth_token(other, now, &u, p), KAPI_UNAUTHORIZED);
    free(other);

    /* through the request: Authorization forms (kube's bearertoken) */
    kapi_request req = {.pool = p, .method = "GET", .path = "/api", .query = ""};
    req.authorization = kapi_psprintf(p, "Bearer %s", tok);
    assert_int_equal(authenticate_request(&ctx, &req, &u), KAPI_OK);
    assert_string_equal(u.name, "system:serviceaccount:default:robot");
    req.authorization = kapi_psprintf(p, "  bEaReR %s  ", tok);
    assert_int_equal(authenticate_request(&ctx, &req, &u), KAPI_OK);
    assert_string_equal(u.name, "system:serviceaccount:default:robot");
    req.authorization = kapi_psprintf(p, "Bearer  %s", tok);   /* empty token: no credential */
    assert_int_equal(authenticate_request(&ctx, &req, &u), KAPI_OK);
    assert_string_equal(u.name, "system:anonymous");
    req.authorization = "Basic YWRtaW46YWRtaW4=";
    assert_int_equal(authenticate_request(&ctx, &req, &u), KAPI_OK);
    assert_string_equal(u.name, "system:anonymous");
    req.authorization = "Bearer not.a.jwt";
    assert_int_equal(authenticate_request(&ctx, &req, &u), KAPI_UNAUTHORIZED);
    /* a verified certificate wins over the token */
    req.client_verify = "SUCCESS";
    req.client_dn = "CN=alice,O=dev";
    assert_int_equal(authenticate_request(&ctx, &req, &u), KAPI_OK);
    assert_string_equal(u.name, "alice");
    req.client_verify = NULL;
    req.client_dn = NULL;

    /* the ServiceAccount deleted, then recreated with another uid */
    test_result r = test_call(&ctx, (kapi_call_request){.method = "DELETE",
                                                        .path = "/api/v1/namespaces/default/serviceaccounts/robot"});
    assert_int_equal(r.status, 200);
    cJSON_Delete(r.body);
    assert_int_equal(auth_token(tok, now, &u, p), KAPI_UNAUTHORIZED);
    cJSON *again = create("/api/v1/namespaces/default/serviceaccounts", "{\"metadata\":{\"name\":\"robot\"}}");
    assert_int_equal(auth_token(tok, now, &u, p), KAPI_UNAUTHORIZED);
    char *fresh = issue(again, SA_TOKEN_DEFAULT_ISSUER, 3600, now);
    assert_int_equal(auth_token(fresh, now, &u, p), KAPI_OK);
    free(fresh);
    cJSON_Delete(again);
    free(tok);
    kapi_pool_free(p);
    cJSON_Delete(sa);
}

/* Legacy tokens (the token controller's): valid while their Secret holds
 * exactly them and the ServiceAccount keeps its uid. */
static void test_legacy_token(void **state)
{
    (void)state;
    char err[256], pki_dir[300];
    snprintf(pki_dir, sizeof pki_dir, "%s/pki", ctx.state_dir);
    mkdir(pki_dir, 0700);   /* made already when the test before ran */
    assert_int_equal(pki_ensure_service_account_keys(ctx.state_dir, NULL, NULL, err, sizeof err), 0);
    cJSON *sa = create("/api/v1/namespaces/default/serviceaccounts", "{\"metadata\":{\"name\":\"legacy\"}}");
    char *tok = sa_token_issue_legacy(ctx.state_dir, sa, "legacy-token", err, sizeof err);
    assert_non_null(tok);
    jwt_parts p;
    const char *why;
    assert_int_equal(jwt_parse(tok, &p, &why), 0);
    char *text = cJSON_PrintUnformatted(p.claims);
    char *want = kapi_xsprintf("{\"iss\":\"kubernetes/serviceaccount\","
                               "\"kubernetes.io/serviceaccount/namespace\":\"default\","
                               "\"kubernetes.io/serviceaccount/secret.name\":\"legacy-token\","
                               "\"kubernetes.io/serviceaccount/service-account.name\":\"legacy\","
                               "\"kubernetes.io/serviceaccount/service-account.uid\":\"%s\","
                               "\"sub\":\"system:serviceaccount:default:legacy\"}",
                               test_str_at(sa, "metadata.uid"));
    assert_string_equal(text, want);
    free(text);
    free(want);
    jwt_parts_free(&p);
    kapi_pool *pool = kapi_pool_new();
    kapi_user u;
    /* no Secret yet */
    assert_int_equal(auth_token(tok, time(NULL), &u, pool), KAPI_UNAUTHORIZED);
    char *b = base64_encode(tok, strlen(tok));
    char *body = kapi_xsprintf("{\"metadata\":{\"name\":\"legacy-token\",\"annotations\":"
                               "{\"kubernetes.io/service-account.name\":\"legacy\"}},"
                               "\"type\":\"kubernetes.io/service-account-token\",\"data\":{\"token\":\"%s\"}}", b);
    cJSON_Delete(create("/api/v1/namespaces/default/secrets", body));
    assert_int_equal(auth_token(tok, time(NULL), &u, pool), KAPI_OK);
    assert_string_equal(u.name, "system:serviceaccount:default:legacy");
    /* another token for the same Secret is not the server's copy */
    char *other = sa_token_issue_legacy(ctx.state_dir, sa, "legacy-token", err, sizeof err);
    /* (RS256 is deterministic: the same claims give the same token) */
    assert_string_equal(other, tok);
    free(other);
    cJSON *renamed = cJSON_Duplicate(sa, 1);
    cJSON_ReplaceItemInObject(cJSON_GetObjectItem(renamed, "metadata"), "uid", cJSON_CreateString("other"));
    other = sa_token_issue_legacy(ctx.state_dir, renamed, "legacy-token", err, sizeof err);
    assert_int_equal(auth_token(other, time(NULL), &u, pool), KAPI_UNAUTHORIZED);
    free(other);
    cJSON_Delete(renamed);
    free(body);
    free(b);
    free(tok);
    kapi_pool_free(pool);
    cJSON_Delete(sa);
}

/* kube's --token-auth-file CSV */
static void test_token_file(void **state)
{
    (void)state;
    char err[600];
    assert_int_equal(token_file_load_text("f", "t1,alice,u1\n\n"
                                                "t2,bob,u2,\"ops,dev\",extra\r\n"
                                                ",empty,u3\n"
                                                "t1,carol,u4,\"a \"\"q\"\"\"\n", err, sizeof err), 2);
    kapi_user u;
    assert_true(token_file_authenticate("t2", &u));
    assert_string_equal(u.name, "bob");
    assert_string_equal(u.uid, "u2");
    assert_int_equal(u.n_groups, 3);
    assert_string_equal(u.groups[0], "ops");
    assert_string_equal(u.groups[1], "dev");
    assert_string_equal(u.groups[2], "system:authenticated");
    assert_true(token_file_authenticate("t1", &u));      /* a later duplicate wins */
    assert_string_equal(u.name, "carol");
    assert_string_equal(u.groups[0], "a \"q\"");
    assert_false(token_file_authenticate("", &u));
    assert_false(token_file_authenticate("t3", &u));
    assert_int_equal(token_file_load_text("f", "t1,alice\n", err, sizeof err), -1);
    assert_string_equal(err, "token file 'f' must have at least 3 columns (token, user name, user uid), found 2");
    assert_false(token_file_authenticate("t2", &u));
    assert_int_equal(token_file_load_text("f", "t1,al\"ice,u\n", err, sizeof err), -1);
    /* through the request: the file before ServiceAccount tokens */
    assert_int_equal(token_file_load_text("f", "s3cret,script,u9,ci\n", err, sizeof err), 1);
    kapi_pool *p = kapi_pool_new();
    kapi_request req = {.pool = p, .method = "GET", .path = "/api", .query = "", .authorization = "Bearer s3cret"};
    assert_int_equal(authenticate_request(&ctx, &req, &u), KAPI_OK);
    assert_string_equal(u.name, "script");
    assert_string_equal(u.groups[0], "ci");
    assert_int_equal(token_file_load_text("f", "", err, sizeof err), 0);
    assert_int_equal(authenticate_request(&ctx, &req, &u), KAPI_UNAUTHORIZED);
    kapi_pool_free(p);
}

/* OIDC: an identity provider's ID tokens, verified with its JWKS */
static void test_oidc(void **state)
{
    (void)state;
    EVP_PKEY *idp = new_key(), *other = new_key();
    char *n, *e, err[300];
    assert_int_equal(pki_rsa_public_numbers(idp, &n, &e), 0);
    char *jwks = kapi_xsprintf("{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k1\",\"use\":\"sig\",\"n\":\"%s\",\"e\":\"%s\"}]}", n, e);
    oidc_options o = {.issuer_url = "https://idp.example", .client_id = "kapi", .jwks_json = jwks,
                      .groups_claim = "groups", .groups_prefix = "oidc:"};
    assert_int_equal(oidc_configure(&o, err, sizeof err), 0);
    time_t now = 1700000000;
    kapi_pool *p = kapi_pool_new();
    kapi_user u;
    const char *why;
#define CLAIMS(extra) "{\"iss\":\"https://idp.example\",\"aud\":\"kapi\",\"sub\":\"alice\",\"exp\":1700003600" extra "}"
    struct { const char *claims; EVP_PKEY *key; int want; } cases[] = {
        {CLAIMS(",\"groups\":[\"dev\",\"ops\"]"), idp, 1},
        {CLAIMS(",\"groups\":\"dev\""), idp, 1},
        {CLAIMS(""), other, -1},                                           /* another key */
        {"{\"iss\":\"https://idp.example\",\"aud\":[\"x\"],\"sub\":\"a\",\"exp\":1700003600}", idp, -1},
        {"{\"iss\":\"https://idp.example\",\"aud\":\"kapi\",\"sub\":\"a\",\"exp\":1699999999}", idp, -1},
        {CLAIMS(",\"nbf\":1700000301"), idp, -1},                         /* nbf beyond 5 minutes */
        {CLAIMS(",\"nbf\":1700000300"), idp, 1},
        {CLAIMS(",\"groups\":[1]"), idp, -1},
        {"{\"iss\":\"https://other.example\",\"aud\":\"kapi\",\"sub\":\"a\",\"exp\":1700003600}", idp, 0},
        {"{\"iss\":\"https://idp.example\",\"aud\":\"kapi\",\"exp\":1700003600}", idp, -1},   /* no sub */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *c = cJSON_Parse(cases[i].claims);
        assert_non_null(c);
        char *tok = jwt_sign_rs256(cases[i].key, "k1", c);
        int rc = oidc_authenticate(p, tok, now, &u, &why);
        if (rc != cases[i].want) fail_msg("case %zu: %d, want %d (%s)", i, rc, cases[i].want, why ? why : "");
        if (i == 0) {
            assert_string_equal(u.name, "https://idp.example#alice");
            assert_int_equal(u.n_groups, 3);
            assert_string_equal(u.groups[0], "oidc:dev");
            assert_string_equal(u.groups[1], "oidc:ops");
            assert_string_equal(u.groups[2], "system:authenticated");
        }
        free(tok);
        cJSON_Delete(c);
    }
    /* the email claim: no prefix by default, email_verified must not be false */
    o.username_claim = "email";
    assert_int_equal(oidc_configure(&o, err, sizeof err), 0);
    cJSON *c = cJSON_Parse(CLAIMS(",\"email\":\"a@example.com\",\"email_verified\":true"));
    char *tok = jwt_sign_rs256(idp, "k1", c);
    assert_int_equal(oidc_authenticate(p, tok, now, &u, &why), 1);
    assert_string_equal(u.name, "a@example.com");
    free(tok);
    cJSON_Delete(c);
    c = cJSON_Parse(CLAIMS(",\"email\":\"a@example.com\",\"email_verified\":false"));
    tok = jwt_sign_rs256(idp, "k1", c);
    assert_int_equal(oidc_authenticate(p, tok, now, &u, &why), -1);
    free(tok);
    cJSON_Delete(c);
    o.username_claim = NULL;
    o.username_prefix = "-";
    assert_int_equal(oidc_configure(&o, err, sizeof err), 0);
    c = cJSON_Parse(CLAIMS(""));
    tok = jwt_sign_rs256(idp, NULL, c);   /* no kid: every key is tried */
    assert_int_equal(oidc_authenticate(p, tok, now, &u, &why), 1);
    assert_string_equal(u.name, "alice");
    free(tok);
    cJSON_Delete(c);
#undef CLAIMS
    o.jwks_json = "{\"keys\":[]}";
    assert_int_equal(oidc_configure(&o, err, sizeof err), -1);
    assert_int_equal(oidc_configure(NULL, err, sizeof err), 0);   /* off again */
    kapi_pool_free(p);
    free(jwks);
    free(n);
    free(e);
    EVP_PKEY_free(idp);
    EVP_PKEY_free(other);
}

/* The token comes only from the param nginx sets (KAPI_AUTHORIZATION); a
 * client's header (HTTP_AUTHORIZATION, or one named like the param) is not it. */
static void test_authorization_param(void **state)
{
    (void)state;
    kapi_pool *p = kapi_pool_new();
    kapi_request req;
    size_t clen;
    fcgi_parse_error err;
    char *headers_only[] = {"REQUEST_METHOD=GET", "REQUEST_URI=/api", "HTTP_AUTHORIZATION=Bearer forged",
                            "HTTP_KAPI_AUTHORIZATION=Bearer forged", NULL};
    assert_int_equal(fcgi_parse_params(p, headers_only, &req, &clen, &err), 0);
    assert_null(req.authorization);
    char *with_param[] = {"REQUEST_METHOD=GET", "REQUEST_URI=/api", "HTTP_KAPI_AUTHORIZATION=Bearer forged",
                          "KAPI_AUTHORIZATION=Bearer abc", NULL};
    assert_int_equal(fcgi_parse_params(p, with_param, &req, &clen, &err), 0);
    assert_string_equal(req.authorization, "Bearer abc");
    kapi_pool_free(p);
}

/* A token signed with alg by key (RS*, PS*, ES*: r || s), for the tests. */
static char *sign_alg(EVP_PKEY *key, const char *alg, const char *kid, const char *claims)
{
    char *h = kid ? kapi_xsprintf("{\"alg\":\"%s\",\"kid\":\"%s\"}", alg, kid) : kapi_xsprintf("{\"alg\":\"%s\"}", alg);
    char *h64 = b64(h), *c64 = b64(claims);
    char *input = kapi_xsprintf("%s.%s", h64, c64);
    const EVP_MD *md = strstr(alg, "256") ? EVP_sha256() : strstr(alg, "384") ? EVP_sha384() : EVP_sha512();
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    assert_int_equal(EVP_DigestSignInit(ctx, &pctx, md, NULL, key), 1);
    if (alg[0] == 'P') {
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
    }
    size_t len = 0;
    assert_int_equal(EVP_DigestSign(ctx, NULL, &len, (unsigned char *)input, strlen(input)), 1);
    unsigned char *sig = kapi_xmalloc(len);
    assert_int_equal(EVP_DigestSign(ctx, sig, &len, (unsigned char *)input, strlen(input)), 1);
    EVP_MD_CTX_free(ctx);
    if (alg[0] == 'E') {   /* DER to r || s */
        const unsigned char *q = sig;
        ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &q, (long)len);
        int half = !strcmp(alg, "ES256") ? 32 : !strcmp(alg, "ES384") ? 48 : 66;
        unsigned char *raw = kapi_xmalloc((size_t)(2 * half));
        BN_bn2binpad(ECDSA_SIG_get0_r(es), raw, half);
        BN_bn2binpad(ECDSA_SIG_get0_s(es), raw + half, half);
        ECDSA_SIG_free(es);
        free(sig);
        sig = raw;
        len = (size_t)(2 * half);
    }
    char *s64 = base64url_encode(sig, len);
    char *tok = kapi_xsprintf("%s.%s", input, s64);
    free(h); free(h64); free(c64); free(input); free(sig); free(s64);
    return tok;
}

/* the JWK of an EC key: {"kty":"EC","crv":..,"x":..,"y":..} */
static char *ec_jwk(EVP_PKEY *k, const char *crv, const char *kid, size_t half)
{
    unsigned char pub[1 + 2 * 66];
    size_t len = 0;
    assert_int_equal(EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub, &len), 1);
    assert_int_equal(len, 1 + 2 * half);
    char *x = base64url_encode(pub + 1, half), *y = base64url_encode(pub + 1 + half, half);
    char *j = kapi_xsprintf("{\"kty\":\"EC\",\"kid\":\"%s\",\"crv\":\"%s\",\"x\":\"%s\",\"y\":\"%s\"}", kid, crv, x, y);
    free(x);
    free(y);
    return j;
}

static void test_jwt_algorithms(void **state)
{
    (void)state;
    EVP_PKEY *rsa = new_key(), *p256 = EVP_EC_gen("P-256"), *p384 = EVP_EC_gen("P-384");
    const char *claims = "{\"sub\":\"x\"}";
    struct { EVP_PKEY *sign, *verify; const char *alg; int want; } cases[] = {
        {rsa, rsa, "RS256", 1}, {rsa, rsa, "RS384", 1}, {rsa, rsa, "RS512", 1},
        {rsa, rsa, "PS256", 1}, {rsa, rsa, "PS384", 1}, {rsa, rsa, "PS512", 1},
        {p256, p256, "ES256", 1}, {p384, p384, "ES384", 1},
        {p256, p384, "ES256", 0},   /* another curve's key */
        {p256, rsa, "ES256", 0},    /* an RSA key for an EC algorithm */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *tok = sign_alg(cases[i].sign, cases[i].alg, NULL, claims);
        jwt_parts p;
        const char *why = NULL;
        assert_int_equal(jwt_parse_algs(tok, JWT_ALGS_ALL, &p, &why), 0);
        assert_string_equal(jwt_alg_name(p.alg), cases[i].alg);
        if (jwt_verify(cases[i].verify, &p) != cases[i].want) fail_msg("case %zu (%s)", i, cases[i].alg);
        /* only the algorithms allowed parse */
        jwt_parts q;
        assert_int_equal(jwt_parse(tok, &q, &why), !strcmp(cases[i].alg, "RS256") ? 0 : -1);
        if (!strcmp(cases[i].alg, "RS256")) jwt_parts_free(&q);
        jwt_parts_free(&p);
        free(tok);
    }
    /* a JWK's EC key verifies what its private half signed */
    char *jwk = ec_jwk(p256, "P-256", "e1", 32);
    cJSON *j = cJSON_Parse(jwk);
    EVP_PKEY *pub = pki_ec_from_jwk(json_str(j, "crv"), json_str(j, "x"), json_str(j, "y"));
    assert_non_null(pub);
    char *tok = sign_alg(p256, "ES256", NULL, claims);
    jwt_parts p;
    const char *why;
    assert_int_equal(jwt_parse_algs(tok, JWT_ALGS_ALL, &p, &why), 0);
    assert_true(jwt_verify(pub, &p));
    jwt_parts_free(&p);
    assert_null(pki_ec_from_jwk("P-384", json_str(j, "x"), json_str(j, "y")));   /* wrong size */
    assert_null(pki_ec_from_jwk("P-256", json_str(j, "y"), json_str(j, "x")));   /* not on the curve */
    EVP_PKEY_free(pub);
    cJSON_Delete(j);
    free(jwk);
    free(tok);
    EVP_PKEY_free(rsa);
    EVP_PKEY_free(p256);
    EVP_PKEY_free(p384);
}

static void config_fails(const char *text, const char *want)
{
    char err[600];
    assert_int_equal(oidc_configure_authentication(text, strlen(text), err, sizeof err), -1);
    assert_string_equal(err, want);
}

/* kube's AuthenticationConfiguration: claim mappings, rules, algorithms */
static void test_authentication_config(void **state)
{
    (void)state;
    EVP_PKEY *ec = EVP_EC_gen("P-256");
    char *jwk = ec_jwk(ec, "P-256", "e1", 32);
    char *jwks = kapi_xsprintf("{\"keys\":[%s]}", jwk);
    const char *cfg =
        "apiVersion: apiserver.config.k8s.io/v1beta1\n"
        "kind: AuthenticationConfiguration\n"
        "jwt:\n"
        "- issuer:\n"
        "    url: https://idp.example\n"
        "    audiences: [kapi, other]\n"
        "    audienceMatchPolicy: MatchAny\n"
        "  claimValidationRules:\n"
        "  - claim: hd\n"
        "    requiredValue: example.com\n"
        "  - expression: 'claims.exp - claims.iat <= 86400'\n"
        "    message: tokens live a day at most\n"
        "  claimMappings:\n"
        "    username:\n"
        "      expression: 'claims.username + \":external\"'\n"
        "    groups:\n"
        "      claim: roles\n"
        "      prefix: 'idp:'\n"
        "    uid:\n"
        "      claim: sub\n"
        "    extra:\n"
        "    - key: example.com/tenant\n"
        "      valueExpression: claims.tenant\n"
        "  userValidationRules:\n"
        "  - expression: \"!user.username.startsWith('system:')\"\n"
        "    message: no system users\n";
    char err[600];
    if (oidc_configure_authentication(cfg, strlen(cfg), err, sizeof err)) fail_msg("%s", err);
    assert_int_equal(oidc_set_issuer_keys("https://idp.example", jwks), 0);
    time_t now = 1700000000;
    kapi_pool *p = kapi_pool_new();
    kapi_user u;
    const char *why = NULL;
#define C(aud, exp, hd, name) "{\"iss\":\"https://idp.example\",\"aud\":" aud ",\"sub\":\"u-1\",\"iat\":1700000000," \
             "\"exp\":" exp ",\"hd\":\"" hd "\",\"username\":\"" name "\",\"roles\":[\"dev\"],\"tenant\":\"t1\"}"
    char *tok = sign_alg(ec, "ES256", "e1", C("[\"other\"]", "1700003600", "example.com", "ann"));
    if (oidc_authenticate(p, tok, now, &u, &why) != 1) fail_msg("%s", why);
    assert_string_equal(u.name, "ann:external");
    assert_string_equal(u.uid, "u-1");
    assert_int_equal(u.n_groups, 2);
    assert_string_equal(u.groups[0], "idp:dev");
    assert_string_equal(u.groups[1], "system:authenticated");
    assert_int_equal(u.n_extra, 1);
    assert_string_equal(u.extra_keys[0], "example.com/tenant");
    assert_string_equal(u.extra_values[0], "t1");
    free(tok);
    const char *refused[] = {
        C("\"kapi\"", "1700003600", "evil.com", "ann"),          /* claim rule: hd */
        C("\"kapi\"", "1700090000", "example.com", "ann"),       /* expression rule: lives too long */
        C("\"kapi\"", "1700003600", "example.com", "system:x"),  /* user rule */
        C("\"nobody\"", "1700003600", "example.com", "ann"),     /* audience */
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        tok = sign_alg(ec, "ES256", "e1", refused[i]);
        if (oidc_authenticate(p, tok, now, &u, &why) != -1) fail_msg("case %zu was accepted", i);
        free(tok);
    }
#undef C
    /* the file's messages */
    config_fails("apiVersion: apiserver.config.k8s.io/v1beta1\nkind: AuthenticationConfiguration\njwt:\n"
                 "- issuer: {url: 'http://idp', audiences: [a]}\n  claimMappings: {username: {claim: sub, prefix: ''}}\n",
                 "jwt[0].issuer.url: Invalid value: \"http://idp\": URL scheme must be https");
    config_fails("apiVersion: apiserver.config.k8s.io/v1beta1\nkind: AuthenticationConfiguration\njwt:\n"
                 "- issuer: {url: 'https://idp', audiences: [a]}\n  claimMappings: {username: {claim: sub}}\n",
                 "jwt[0].claimMappings.username.prefix: Required value: prefix is required when claim is set. "
                 "It can be set to an empty string to disable prefixing");
    config_fails("apiVersion: apiserver.config.k8s.io/v1beta1\nkind: AuthenticationConfiguration\njwt:\n"
                 "- issuer: {url: 'https://idp', audiences: [a, b]}\n  claimMappings: {username: {claim: sub, prefix: ''}}\n",
                 "jwt[0].issuer.audienceMatchPolicy: Invalid value: \"\": audienceMatchPolicy must be MatchAny "
                 "for multiple audiences");
    config_fails("apiVersion: v1\nkind: Pod\n", "no kind \"Pod\" is registered for version \"v1\"");
    assert_int_equal(oidc_configure(NULL, err, sizeof err), 0);
    kapi_pool_free(p);
    free(jwk);
    free(jwks);
    EVP_PKEY_free(ec);
}

/* the flags: a required claim, and ES256 allowed by --oidc-signing-algs */
static void test_oidc_required_claim(void **state)
{
    (void)state;
    EVP_PKEY *ec = EVP_EC_gen("P-256");
    char *jwk = ec_jwk(ec, "P-256", "e1", 32);
    char *jwks = kapi_xsprintf("{\"keys\":[%s]}", jwk);
    oidc_options o = {.issuer_url = "https://idp.example", .client_id = "kapi", .jwks_json = jwks,
                      .required_claims = "tier=gold,env=prod"};
    char err[300];
    assert_int_equal(oidc_configure(&o, err, sizeof err), 0);
    kapi_pool *p = kapi_pool_new();
    kapi_user u;
    const char *why;
    const char *claims = "{\"iss\":\"https://idp.example\",\"aud\":\"kapi\",\"sub\":\"a\",\"exp\":1700003600,"
                         "\"tier\":\"gold\",\"env\":\"prod\"}";
    char *tok = sign_alg(ec, "ES256", "e1", claims);
    assert_int_equal(oidc_authenticate(p, tok, 1700000000, &u, &why), -1);   /* RS256 only by default */
    o.signing_algs = "RS256,ES256";
    assert_int_equal(oidc_configure(&o, err, sizeof err), 0);
    assert_int_equal(oidc_authenticate(p, tok, 1700000000, &u, &why), 1);
    free(tok);
    tok = sign_alg(ec, "ES256", "e1", "{\"iss\":\"https://idp.example\",\"aud\":\"kapi\",\"sub\":\"a\","
                                      "\"exp\":1700003600,\"tier\":\"gold\"}");
    assert_int_equal(oidc_authenticate(p, tok, 1700000000, &u, &why), -1);
    assert_string_equal(why, "oidc: required claim not present in ID token");
    free(tok);
    o.signing_algs = "HS256";
    assert_int_equal(oidc_configure(&o, err, sizeof err), -1);
    assert_int_equal(oidc_configure(NULL, err, sizeof err), 0);
    kapi_pool_free(p);
    free(jwk);
    free(jwks);
    EVP_PKEY_free(ec);
}

int main(void)
{
    kapi_alloc_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sign_parse_verify),
        cmocka_unit_test(test_parse_refusals),
        cmocka_unit_test(test_key_id_and_numbers),
        cmocka_unit_test(test_claims_json),
        cmocka_unit_test(test_authenticate_service_account),
        cmocka_unit_test(test_legacy_token),
        cmocka_unit_test(test_token_file),
        cmocka_unit_test(test_oidc),
        cmocka_unit_test(test_jwt_algorithms),
        cmocka_unit_test(test_authentication_config),
        cmocka_unit_test(test_oidc_required_claim),
        cmocka_unit_test(test_authorization_param),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
