/* oidc.c: JWT authenticators of external identity providers: kube's
 * --oidc-* flags (plugin/pkg/authenticator/token/oidc with go-oidc's
 * verifier) and its structured AuthenticationConfiguration (jwt issuers
 * with claim mappings and validation rules). See oidc.h. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "auth/authn.h"
#include "auth/jwks.h"
#include "auth/jwt.h"
#include "auth/oidc.h"
#include "cel/cel.h"
#include "codec/jsonpath.h"
#include "codec/yaml.h"
#include "core/alloc.h"

/* go-oidc's leeway on nbf */
#define NBF_LEEWAY_SECONDS (5 * 60)
#define MAX_RULES 16
#define MAX_AUDIENCES 16
/* a token signed by a key we do not hold refetches the set, at most this
 * often (go-oidc refetches on an unknown kid) */
#define REFETCH_SECONDS 10
#define FETCH_TIMEOUT_SECONDS 5

typedef struct mapping {
    char *claim, *prefix;        /* claim and prefix, or */
    cel_program *expr;           /* an expression over claims */
} mapping;

typedef struct rule {
    char *claim, *value;         /* claim must equal value, or */
    cel_program *expr;           /* expression must be true */
    char *message;
} rule;

typedef struct extra_mapping {
    char *key;
    cel_program *expr;
} extra_mapping;

typedef struct issuer {
    char *url, *discovery_url, *ca_pem;
    char *audiences[MAX_AUDIENCES];
    int n_audiences;
    unsigned algs;               /* JWT_ALG_BIT set */
    int email_default;           /* flags: username claim email, check email_verified */
    mapping username, groups, uid;
    extra_mapping extras[KAPI_MAX_EXTRA];
    int n_extras;
    rule claim_rules[MAX_RULES], user_rules[MAX_RULES];
    int n_claim_rules, n_user_rules;
    /* keys: a file's, or fetched (and refetched) from the provider */
    pthread_mutex_t keys_lock;
    jwks keys;
    int fetched;                 /* keys come from the provider */
    time_t fetched_at;
    int fetching;
} issuer;

static issuer *issuers;
static int n_issuers;
static int loaded;
static pthread_rwlock_t config_lock = PTHREAD_RWLOCK_INITIALIZER;

static void free_mapping(mapping *m)
{
    free(m->claim);
    free(m->prefix);
    cel_program_free(m->expr);
}

static void free_rule(rule *r)
{
    free(r->claim);
    free(r->value);
    free(r->message);
    cel_program_free(r->expr);
}

static void free_list(issuer *list, int n)
{
    for (int i = 0; i < n; i++) {
        issuer *s = &list[i];
        free(s->url);
        free(s->discovery_url);
        free(s->ca_pem);
        for (int j = 0; j < s->n_audiences; j++) free(s->audiences[j]);
        free_mapping(&s->username);
        free_mapping(&s->groups);
        free_mapping(&s->uid);
        for (int j = 0; j < s->n_extras; j++) { free(s->extras[j].key); cel_program_free(s->extras[j].expr); }
        for (int j = 0; j < s->n_claim_rules; j++) free_rule(&s->claim_rules[j]);
        for (int j = 0; j < s->n_user_rules; j++) free_rule(&s->user_rules[j]);
        jwks_free(&s->keys);
        pthread_mutex_destroy(&s->keys_lock);
    }
    free(list);
}

static issuer *new_issuer(issuer **list, int *n, const char *url)
{
    *list = kapi_xrealloc(*list, (size_t)(*n + 1) * sizeof **list);
    issuer *s = &(*list)[(*n)++];
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->keys_lock, NULL);
    s->url = kapi_xstrdup(url);
    s->algs = JWT_ALGS_ALL;
    return s;
}

static int compile(const char *expr, const char *var, cel_program **out, char *err, size_t errlen,
                   const char *field)
{
    const char *vars[] = {var};
    char *cerr = NULL;
    if (cel_compile_with(expr, vars, 1, out, &cerr) == 0) return 0;
    snprintf(err, errlen, "%s: Invalid value: \"%s\": compilation failed: %s", field, expr, cerr ? cerr : "");
    free(cerr);
    return -1;
}

/* ---------------------------------------------------------------- the flags */

/* "k=v,k2=v2" (kube's --oidc-required-claim, a map flag) */
static int add_required_claims(issuer *s, const char *spec, char *err, size_t errlen)
{
    if (!spec || !*spec) return 0;
    char *copy = kapi_xstrdup(spec), *save = NULL;
    for (char *kv = strtok_r(copy, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(kv, '=');
        if (!eq || eq == kv || s->n_claim_rules == MAX_RULES) {
            snprintf(err, errlen, "oidc: --oidc-required-claim: \"%s\" is not key=value", kv);
            free(copy);
            return -1;
        }
        *eq = '\0';
        rule *r = &s->claim_rules[s->n_claim_rules++];
        r->claim = kapi_xstrdup(kv);
        r->value = kapi_xstrdup(eq + 1);
    }
    free(copy);
    return 0;
}

static int configure_flags(const oidc_options *o, issuer **list, int *n, char *err, size_t errlen)
{
    if (!o->client_id || !*o->client_id) { snprintf(err, errlen, "oidc: a client id is required"); return -1; }
    issuer *s = new_issuer(list, n, o->issuer_url);
    s->audiences[s->n_audiences++] = kapi_xstrdup(o->client_id);
    /* --oidc-signing-algs, default RS256 */
    s->algs = 0;
    char *algs = kapi_xstrdup(o->signing_algs && *o->signing_algs ? o->signing_algs : "RS256"), *save = NULL;
    for (char *a = strtok_r(algs, ",", &save); a; a = strtok_r(NULL, ",", &save)) {
        jwt_alg alg = jwt_alg_of(a);
        if (!alg) {
            snprintf(err, errlen, "oidc: --oidc-signing-algs: unsupported algorithm \"%s\"", a);
            free(algs);
            return -1;
        }
        s->algs |= JWT_ALG_BIT(alg);
    }
    free(algs);
    const char *claim = o->username_claim && *o->username_claim ? o->username_claim : "sub";
    s->username.claim = kapi_xstrdup(claim);
    /* kube's default: claims other than email are prefixed by the issuer */
    if (o->username_prefix && *o->username_prefix)
        s->username.prefix = kapi_xstrdup(strcmp(o->username_prefix, "-") ? o->username_prefix : "");
    else if (strcmp(claim, "email")) s->username.prefix = kapi_xsprintf("%s#", o->issuer_url);
    else s->username.prefix = kapi_xstrdup("");
    s->email_default = 1;
    if (o->groups_claim && *o->groups_claim) {
        s->groups.claim = kapi_xstrdup(o->groups_claim);
        s->groups.prefix = kapi_xstrdup(o->groups_prefix ? o->groups_prefix : "");
    }
    if (add_required_claims(s, o->required_claims, err, errlen)) return -1;
    if (o->ca_pem) s->ca_pem = kapi_xstrdup(o->ca_pem);
    if (o->jwks_json) {
        if (jwks_parse(o->jwks_json, strlen(o->jwks_json), &s->keys) <= 0) {
            snprintf(err, errlen, "oidc: the key set holds no signing key");
            return -1;
        }
    } else {
        s->fetched = 1;   /* from the provider, on first use */
    }
    return 0;
}

/* ---------------------------------------------------------------- the file */

static const char *str_member(const cJSON *o, const char *key, const char *path, int *bad, char *err,
                              size_t errlen)
{
    const cJSON *v = json_get(o, key);
    if (!v) return NULL;
    if (!cJSON_IsString(v)) {
        snprintf(err, errlen, "%s.%s: must be a string", path, key);
        *bad = 1;
        return NULL;
    }
    return v->valuestring;
}

static int take_mapping(const cJSON *m, const char *path, int prefix_required, mapping *out, char *err,
                        size_t errlen)
{
    if (!m) return 0;
    int bad = 0;
    const char *claim = str_member(m, "claim", path, &bad, err, errlen);
    const char *expr = str_member(m, "expression", path, &bad, err, errlen);
    const cJSON *prefix = json_get(m, "prefix");
    if (bad) return -1;
    if (claim && *claim && expr && *expr) {
        snprintf(err, errlen, "%s: Invalid value: \"\": claim and expression can't both be set", path);
        return -1;
    }
    if (expr && *expr) {
        if (prefix) {
            snprintf(err, errlen, "%s.prefix: Invalid value: \"%s\": may not be specified when expression is set",
                     path, cJSON_IsString(prefix) ? prefix->valuestring : "");
            return -1;
        }
        return compile(expr, "claims", &out->expr, err, errlen, path);
    }
    if (claim && *claim) {
        if (prefix_required && !cJSON_IsString(prefix)) {
            snprintf(err, errlen, "%s.prefix: Required value: prefix is required when claim is set. It can be set "
                     "to an empty string to disable prefixing", path);
            return -1;
        }
        out->claim = kapi_xstrdup(claim);
        out->prefix = kapi_xstrdup(cJSON_IsString(prefix) ? prefix->valuestring : "");
    }
    return 0;
}

static int take_rules(const cJSON *list, const char *path, const char *var, rule *rules, int *n, char *err,
                      size_t errlen)
{
    const cJSON *r;
    int i = 0;
    cJSON_ArrayForEach(r, list) {
        char p[96];
        snprintf(p, sizeof p, "%s[%d]", path, i++);
        if (*n == MAX_RULES) { snprintf(err, errlen, "%s: too many rules", path); return -1; }
        int bad = 0;
        const char *claim = str_member(r, "claim", p, &bad, err, errlen);
        const char *value = str_member(r, "requiredValue", p, &bad, err, errlen);
        const char *expr = str_member(r, "expression", p, &bad, err, errlen);
        const char *message = str_member(r, "message", p, &bad, err, errlen);
        if (bad) return -1;
        rule *out = &rules[(*n)++];
        if (expr && *expr) {
            if (claim && *claim) {
                snprintf(err, errlen, "%s: Invalid value: \"\": claim and expression can't both be set", p);
                return -1;
            }
            if (compile(expr, var, &out->expr, err, errlen, p)) return -1;
            out->message = kapi_xstrdup(message ? message : "");
        } else if (claim && *claim && !strcmp(var, "claims")) {
            out->claim = kapi_xstrdup(claim);
            out->value = kapi_xstrdup(value ? value : "");
        } else {
            snprintf(err, errlen, "%s: Required value: %s", p,
                     !strcmp(var, "claims") ? "claim or expression is required" : "expression is required");
            return -1;
        }
    }
    return 0;
}

static int take_issuer(const cJSON *j, int idx, issuer **list, int *n, char *err, size_t errlen)
{
    char path[64];
    snprintf(path, sizeof path, "jwt[%d]", idx);
    const cJSON *iss = json_get(j, "issuer");
    int bad = 0;
    char ip[80];
    snprintf(ip, sizeof ip, "%s.issuer", path);
    const char *url = str_member(iss, "url", ip, &bad, err, errlen);
    if (bad) return -1;
    if (!url || strncmp(url, "https://", 8)) {
        snprintf(err, errlen, "%s.issuer.url: %s", path, url ? "Invalid value: \"" : "Required value");
        if (url) snprintf(err, errlen, "%s.issuer.url: Invalid value: \"%s\": URL scheme must be https", path, url);
        return -1;
    }
    for (int i = 0; i < *n; i++)
        if (!strcmp((*list)[i].url, url)) {
            snprintf(err, errlen, "%s.issuer.url: Duplicate value: \"%s\"", path, url);
            return -1;
        }
    issuer *s = new_issuer(list, n, url);
    s->fetched = 1;
    const char *disc = str_member(iss, "discoveryURL", ip, &bad, err, errlen);
    const char *ca = str_member(iss, "certificateAuthority", ip, &bad, err, errlen);
    const char *policy = str_member(iss, "audienceMatchPolicy", ip, &bad, err, errlen);
    if (bad) return -1;
    if (disc && *disc) s->discovery_url = kapi_xstrdup(disc);
    if (ca && *ca) s->ca_pem = kapi_xstrdup(ca);
    const cJSON *a;
    cJSON_ArrayForEach(a, json_get(iss, "audiences")) {
        if (!cJSON_IsString(a) || !*a->valuestring || s->n_audiences == MAX_AUDIENCES) {
            snprintf(err, errlen, "%s.issuer.audiences: Invalid value", path);
            return -1;
        }
        s->audiences[s->n_audiences++] = kapi_xstrdup(a->valuestring);
    }
    if (!s->n_audiences) {
        snprintf(err, errlen, "%s.issuer.audiences: Required value: at least one issuer.audiences is required", path);
        return -1;
    }
    if (s->n_audiences > 1 && (!policy || strcmp(policy, "MatchAny"))) {
        snprintf(err, errlen, "%s.issuer.audienceMatchPolicy: Invalid value: \"%s\": audienceMatchPolicy must be "
                 "MatchAny for multiple audiences", path, policy ? policy : "");
        return -1;
    }
    if (policy && *policy && strcmp(policy, "MatchAny")) {
        snprintf(err, errlen, "%s.issuer.audienceMatchPolicy: Unsupported value: \"%s\": supported values: "
                 "\"MatchAny\"", path, policy);
        return -1;
    }
    const cJSON *cm = json_get(j, "claimMappings");
    char mp[96];
    snprintf(mp, sizeof mp, "%s.claimMappings.username", path);
    if (take_mapping(json_get(cm, "username"), mp, 1, &s->username, err, errlen)) return -1;
    if (!s->username.claim && !s->username.expr) {
        snprintf(err, errlen, "%s: Required value: claim or expression is required", mp);
        return -1;
    }
    snprintf(mp, sizeof mp, "%s.claimMappings.groups", path);
    if (take_mapping(json_get(cm, "groups"), mp, 1, &s->groups, err, errlen)) return -1;
    snprintf(mp, sizeof mp, "%s.claimMappings.uid", path);
    if (take_mapping(json_get(cm, "uid"), mp, 0, &s->uid, err, errlen)) return -1;
    const cJSON *x;
    int xi = 0;
    cJSON_ArrayForEach(x, json_get(cm, "extra")) {
        snprintf(mp, sizeof mp, "%s.claimMappings.extra[%d]", path, xi++);
        const char *key = str_member(x, "key", mp, &bad, err, errlen);
        const char *expr = str_member(x, "valueExpression", mp, &bad, err, errlen);
        if (bad) return -1;
        if (!key || !*key || !expr || !*expr || s->n_extras == KAPI_MAX_EXTRA) {
            snprintf(err, errlen, "%s: Required value: key and valueExpression are required", mp);
            return -1;
        }
        extra_mapping *e = &s->extras[s->n_extras];
        if (compile(expr, "claims", &e->expr, err, errlen, mp)) return -1;
        e->key = kapi_xstrdup(key);
        s->n_extras++;
    }
    snprintf(mp, sizeof mp, "%s.claimValidationRules", path);
    if (take_rules(json_get(j, "claimValidationRules"), mp, "claims", s->claim_rules, &s->n_claim_rules, err, errlen))
        return -1;
    snprintf(mp, sizeof mp, "%s.userValidationRules", path);
    if (take_rules(json_get(j, "userValidationRules"), mp, "user", s->user_rules, &s->n_user_rules, err, errlen))
        return -1;
    return 0;
}

static int configure_file(const char *text, size_t len, issuer **list, int *n, char *err, size_t errlen)
{
    char yerr[256];
    cJSON *doc = yaml_parse(text, len, yerr, sizeof yerr);
    if (!doc) { snprintf(err, errlen, "%s", yerr); return -1; }
    int rc = -1;
    const char *api = json_str(doc, "apiVersion"), *kind = json_str(doc, "kind");
    if (strcmp(kind, "AuthenticationConfiguration") ||
        (strcmp(api, "apiserver.config.k8s.io/v1") && strcmp(api, "apiserver.config.k8s.io/v1beta1") &&
         strcmp(api, "apiserver.config.k8s.io/v1alpha1"))) {
        snprintf(err, errlen, "no kind \"%s\" is registered for version \"%s\"", kind, api);
        goto out;
    }
    const cJSON *j;
    int i = 0;
    cJSON_ArrayForEach(j, json_get(doc, "jwt")) {
        if (take_issuer(j, i++, list, n, err, errlen)) goto out;
    }
    rc = 0;
out:
    cJSON_Delete(doc);
    return rc;
}

/* ---------------------------------------------------------------- setup */

static int replace(int (*fn)(const void *, issuer **, int *, char *, size_t), const void *arg, char *err,
                   size_t errlen)
{
    issuer *list = NULL;
    int n = 0;
    int rc = arg ? fn(arg, &list, &n, err, errlen) : 0;
    if (rc) {
        /* nothing of a configuration that fails is kept: no issuer */
        free_list(list, n);
        list = NULL;
        n = 0;
    }
    pthread_rwlock_wrlock(&config_lock);
    free_list(issuers, n_issuers);
    issuers = list;
    n_issuers = n;
    loaded = 1;
    pthread_rwlock_unlock(&config_lock);
    return rc;
}

static int flags_fn(const void *arg, issuer **list, int *n, char *err, size_t errlen)
{
    const oidc_options *o = arg;
    if (!o->issuer_url || !*o->issuer_url) return 0;
    return configure_flags(o, list, n, err, errlen);
}

typedef struct text_arg { const char *text; size_t len; } text_arg;

static int file_fn(const void *arg, issuer **list, int *n, char *err, size_t errlen)
{
    const text_arg *t = arg;
    return configure_file(t->text, t->len, list, n, err, errlen);
}

int oidc_configure(const oidc_options *o, char *err, size_t errlen)
{
    return replace(flags_fn, o, err, errlen);
}

int oidc_configure_authentication(const char *text, size_t len, char *err, size_t errlen)
{
    text_arg t = {text, len};
    return replace(file_fn, &t, err, errlen);
}

static char *read_file(const char *path)
{
    kapi_buf b;
    kapi_buf_init(&b);
    if (kapi_buf_read_file(&b, path) != 0) { kapi_buf_free(&b); return NULL; }
    kapi_buf_putc(&b, '\0');
    return kapi_buf_steal(&b);
}

/* The configuration of the environment: 0, or -1 with the reason in
 * out (then no issuer is configured). */
static int load_env_into(char *out, size_t outlen)
{
    const char *cfg = getenv("KAPI_AUTHENTICATION_CONFIG");
    const char *url = getenv("KAPI_OIDC_ISSUER_URL");
    char err[600] = "";
    if (cfg && *cfg) {
        int rc = -1;
        char *text = NULL;
        if (url && *url)
            snprintf(out, outlen, "authentication-config file and oidc-* flags are mutually exclusive: "
                     "KAPI_AUTHENTICATION_CONFIG and KAPI_OIDC_*");
        else if (!(text = read_file(cfg)))
            snprintf(out, outlen, "cannot read KAPI_AUTHENTICATION_CONFIG %s", cfg);
        else if (oidc_configure_authentication(text, strlen(text), err, sizeof err))
            snprintf(out, outlen, "KAPI_AUTHENTICATION_CONFIG %s: %s", cfg, err);
        else
            rc = 0;
        if (rc) replace(flags_fn, NULL, err, sizeof err);
        free(text);
        return rc;
    }
    char *jwks_text = NULL, *ca = NULL;
    const char *file = getenv("KAPI_OIDC_JWKS_FILE"), *ca_file = getenv("KAPI_OIDC_CA_FILE");
    if (url && *url && file && *file) jwks_text = read_file(file);
    if (ca_file && *ca_file) ca = read_file(ca_file);
    oidc_options o = {.issuer_url = url, .client_id = getenv("KAPI_OIDC_CLIENT_ID"), .jwks_json = jwks_text,
                      .username_claim = getenv("KAPI_OIDC_USERNAME_CLAIM"),
                      .username_prefix = getenv("KAPI_OIDC_USERNAME_PREFIX"),
                      .groups_claim = getenv("KAPI_OIDC_GROUPS_CLAIM"),
                      .groups_prefix = getenv("KAPI_OIDC_GROUPS_PREFIX"),
                      .required_claims = getenv("KAPI_OIDC_REQUIRED_CLAIM"),
                      .signing_algs = getenv("KAPI_OIDC_SIGNING_ALGS"), .ca_pem = ca};
    int rc = 0;
    if (file && *file && !jwks_text) {
        snprintf(out, outlen, "oidc: cannot read the key set KAPI_OIDC_JWKS_FILE %s", file);
        replace(flags_fn, NULL, err, sizeof err);
        rc = -1;
    } else if (oidc_configure(&o, err, sizeof err)) {
        snprintf(out, outlen, "%s", err);
        rc = -1;
    }
    free(jwks_text);
    free(ca);
    return rc;
}

static void load_env(void)
{
    char err[700];
    if (load_env_into(err, sizeof err)) fprintf(stderr, "kapi: %s\n", err);
}

int oidc_load(char *err, size_t errlen)
{
    static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&load_lock);
    int rc = load_env_into(err, errlen);
    pthread_mutex_unlock(&load_lock);
    return rc;
}

int oidc_set_issuer_keys(const char *url, const char *jwks_json)
{
    jwks k;
    if (jwks_parse(jwks_json, strlen(jwks_json), &k) <= 0) { jwks_free(&k); return -1; }
    pthread_rwlock_rdlock(&config_lock);
    int rc = -1;
    for (int i = 0; i < n_issuers; i++) {
        if (strcmp(issuers[i].url, url)) continue;
        pthread_mutex_lock(&issuers[i].keys_lock);
        jwks_free(&issuers[i].keys);
        issuers[i].keys = k;
        issuers[i].fetched = 0;
        pthread_mutex_unlock(&issuers[i].keys_lock);
        rc = 0;
        break;
    }
    pthread_rwlock_unlock(&config_lock);
    if (rc) jwks_free(&k);
    return rc;
}

/* ---------------------------------------------------------------- tokens */

static int verify_with(const jwks *k, const jwt_parts *p, int *kid_known)
{
    const char *kid = json_str(p->header, "kid");
    for (int i = 0; i < k->n; i++) {
        if (*kid && *k->kids[i] && strcmp(kid, k->kids[i])) continue;
        if (*kid && !strcmp(kid, k->kids[i])) *kid_known = 1;
        if (jwt_verify(k->keys[i], p)) return 1;
    }
    return 0;
}

/* The signature, with the keys held, or with the provider's keys fetched
 * again when the token names a key not held (at most every
 * REFETCH_SECONDS; one thread fetches, the others go on with what is held:
 * a request never waits for another's fetch). */
static int signature_valid(issuer *s, const jwt_parts *p, const char **why)
{
    pthread_mutex_lock(&s->keys_lock);
    int known = 0, ok = verify_with(&s->keys, p, &known);
    time_t now = time(NULL);
    int fetch = !ok && s->fetched && !s->fetching && (!s->keys.n || (!known && now - s->fetched_at >= REFETCH_SECONDS));
    if (fetch) s->fetching = 1;
    pthread_mutex_unlock(&s->keys_lock);
    if (!fetch) {
        if (!ok) *why = s->keys.n ? "oidc: failed to verify signature" : "oidc: the provider's keys are not loaded";
        return ok;
    }
    jwks fresh;
    char err[400];
    int rc = jwks_fetch(s->url, s->discovery_url, s->ca_pem, FETCH_TIMEOUT_SECONDS, &fresh, err, sizeof err);
    if (rc) fprintf(stderr, "kapi: oidc: %s\n", err);
    pthread_mutex_lock(&s->keys_lock);
    s->fetching = 0;
    s->fetched_at = now;
    if (rc == 0) {
        jwks_free(&s->keys);
        s->keys = fresh;
    }
    known = 0;
    ok = verify_with(&s->keys, p, &known);
    pthread_mutex_unlock(&s->keys_lock);
    if (!ok) *why = "oidc: failed to verify signature";
    return ok;
}

static int audience_ok(const issuer *s, const cJSON *aud)
{
    for (int i = 0; i < s->n_audiences; i++) {
        if (cJSON_IsString(aud) && !strcmp(aud->valuestring, s->audiences[i])) return 1;
        const cJSON *a;
        cJSON_ArrayForEach(a, aud) if (cJSON_IsString(a) && !strcmp(a->valuestring, s->audiences[i])) return 1;
    }
    return 0;
}

/* An expression over one variable: its JSON result (string, list, bool). */
static cJSON *eval(const cel_program *prog, const char *var, const cJSON *value, const char **why)
{
    const char *names[] = {var};
    const cJSON *values[] = {value};
    cel_result res;
    cJSON *out = NULL;
    cel_eval_with(prog, names, values, 1, CEL_PER_CALL_LIMIT, &res, &out);
    if (res.kind == CEL_RESULT_ERROR) { *why = "oidc: an expression failed"; cJSON_Delete(out); out = NULL; }
    free(res.text);
    return out;
}

/* A mapped value: the claim (a string, or for a list mapping a string or
 * a list of strings) with its prefix, or the expression's result. */
static cJSON *mapped(const mapping *m, const cJSON *claims, const char **why)
{
    if (m->expr) return eval(m->expr, "claims", claims, why);
    const cJSON *v = json_get(claims, m->claim);
    if (!v) return NULL;
    cJSON *out = cJSON_Duplicate(v, 1);
    if (*m->prefix) {
        cJSON *it;
        if (cJSON_IsString(out)) {
            char *s = kapi_xsprintf("%s%s", m->prefix, out->valuestring);
            cJSON_SetValuestring(out, s);
            free(s);
        } else cJSON_ArrayForEach(it, out) if (cJSON_IsString(it)) {
            char *s = kapi_xsprintf("%s%s", m->prefix, it->valuestring);
            cJSON_SetValuestring(it, s);
            free(s);
        }
    }
    return out;
}

/* Strings of a mapped list value (a string is a list of one). -1 when it
 * holds anything else. */
static int add_strings(kapi_pool *pool, const cJSON *v, const char **out, int max, int *n)
{
    if (!v || cJSON_IsNull(v)) return 0;
    if (cJSON_IsString(v)) {
        if (*v->valuestring && *n < max) out[(*n)++] = kapi_pstrdup(pool, v->valuestring);
        return 0;
    }
    if (!cJSON_IsArray(v)) return -1;
    const cJSON *it;
    cJSON_ArrayForEach(it, v) {
        if (!cJSON_IsString(it)) return -1;
        if (*it->valuestring && *n < max) out[(*n)++] = kapi_pstrdup(pool, it->valuestring);
    }
    return 0;
}

static int rule_holds(const rule *r, const char *var, const cJSON *value, const char **why)
{
    if (r->expr) {
        cJSON *v = eval(r->expr, var, value, why);
        int ok = cJSON_IsTrue(v);
        cJSON_Delete(v);
        if (!ok) *why = "oidc: a validation rule failed";
        return ok;
    }
    const cJSON *c = json_get(value, r->claim);
    if (!cJSON_IsString(c) || strcmp(c->valuestring, r->value)) {
        *why = c ? "oidc: required claim value does not match" : "oidc: required claim not present in ID token";
        return 0;
    }
    return 1;
}

/* kube's CEL `user`: username, uid, groups and extra, all present. */
static cJSON *user_info_for_rules(const kapi_user *u)
{
    cJSON *o = user_info_json(u);
    if (!json_get(o, "uid")) cJSON_AddStringToObject(o, "uid", "");
    if (!json_get(o, "groups")) cJSON_AddArrayToObject(o, "groups");
    if (!json_get(o, "extra")) cJSON_AddObjectToObject(o, "extra");
    return o;
}

static int extra_cmp(const void *a, const void *b)
{
    return strcmp(((const extra_mapping *)a)->key, ((const extra_mapping *)b)->key);
}

static int validate(kapi_pool *pool, issuer *s, const jwt_parts *p, time_t now, kapi_user *user, const char **why)
{
    if (!signature_valid(s, p, why)) return -1;
    const cJSON *c = p->claims;
    if (!audience_ok(s, json_get(c, "aud"))) { *why = "oidc: expected audience not in the token's audiences"; return -1; }
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(c, "exp"), *nbf = cJSON_GetObjectItemCaseSensitive(c, "nbf");
    if (!cJSON_IsNumber(exp) || (double)now > exp->valuedouble) { *why = "oidc: token is expired"; return -1; }
    if (nbf && (!cJSON_IsNumber(nbf) || (double)now + NBF_LEEWAY_SECONDS < nbf->valuedouble)) {
        *why = "oidc: current time before the nbf (not before) time";
        return -1;
    }
    for (int i = 0; i < s->n_claim_rules; i++)
        if (!rule_holds(&s->claim_rules[i], "claims", c, why)) return -1;
    memset(user, 0, sizeof *user);
    int rc = -1;
    cJSON *name = mapped(&s->username, c, why), *groups = NULL, *uid = NULL, *uobj = NULL;
    if (!cJSON_IsString(name) || !*name->valuestring) { *why = "oidc: username claim not present"; goto out; }
    if (s->username.claim && !strcmp(s->username.claim, "email")) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, "email_verified");
        if (v && !cJSON_IsTrue(v)) { *why = "oidc: email not verified"; goto out; }
    }
    user->name = kapi_pstrdup(pool, name->valuestring);
    if (s->groups.claim || s->groups.expr) {
        groups = mapped(&s->groups, c, why);
        if (add_strings(pool, groups, user->groups, KAPI_MAX_GROUPS - 1, &user->n_groups)) {
            *why = "oidc: malformed groups claim";
            goto out;
        }
    }
    if (s->uid.claim || s->uid.expr) {
        uid = mapped(&s->uid, c, why);
        if (uid && !cJSON_IsString(uid)) { *why = "oidc: malformed uid claim"; goto out; }
        if (uid) user->uid = kapi_pstrdup(pool, uid->valuestring);
    }
    /* extras, sorted by key as kube's user.Info map prints */
    extra_mapping sorted[KAPI_MAX_EXTRA];
    memcpy(sorted, s->extras, (size_t)s->n_extras * sizeof *sorted);
    qsort(sorted, (size_t)s->n_extras, sizeof *sorted, extra_cmp);
    for (int i = 0; i < s->n_extras; i++) {
        cJSON *v = eval(sorted[i].expr, "claims", c, why);
        const char *vals[KAPI_MAX_EXTRA];
        int nv = 0;
        int bad = add_strings(pool, v, vals, KAPI_MAX_EXTRA, &nv);
        cJSON_Delete(v);
        if (bad) { *why = "oidc: an extra mapping gave neither a string nor a list of strings"; goto out; }
        for (int k = 0; k < nv && user->n_extra < KAPI_MAX_EXTRA; k++) {
            user->extra_keys[user->n_extra] = sorted[i].key;
            user->extra_values[user->n_extra++] = vals[k];
        }
    }
    if (s->n_user_rules) {
        uobj = user_info_for_rules(user);
        for (int i = 0; i < s->n_user_rules; i++)
            if (!rule_holds(&s->user_rules[i], "user", uobj, why)) goto out;
    }
    user->groups[user->n_groups++] = "system:authenticated";
    rc = 1;
out:
    cJSON_Delete(name);
    cJSON_Delete(groups);
    cJSON_Delete(uid);
    cJSON_Delete(uobj);
    return rc;
}

int oidc_authenticate(kapi_pool *pool, const char *token, time_t now, kapi_user *user, const char **why)
{
    pthread_rwlock_rdlock(&config_lock);
    if (!loaded) {
        pthread_rwlock_unlock(&config_lock);
        static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
        pthread_mutex_lock(&load_lock);
        if (!loaded) load_env();
        pthread_mutex_unlock(&load_lock);
        pthread_rwlock_rdlock(&config_lock);
    }
    int rc = 0;
    jwt_parts p;
    /* not a JWT of a configured issuer: another authenticator's */
    if (n_issuers && jwt_parse_algs(token, JWT_ALGS_ALL, &p, why) == 0) {
        const char *iss = json_str(p.claims, "iss");
        for (int i = 0; i < n_issuers; i++) {
            if (strcmp(iss, issuers[i].url)) continue;
            if (!(issuers[i].algs & JWT_ALG_BIT(p.alg))) {
                *why = "oidc: the token's signing algorithm is not allowed";
                rc = -1;
            } else {
                rc = validate(pool, &issuers[i], &p, now, user, why);
            }
            break;
        }
        jwt_parts_free(&p);
    }
    pthread_rwlock_unlock(&config_lock);
    return rc;
}
