/* authn.c: client certificate identity from the front end's verification
 * result and subject DN. The DN counts only when the verification result is
 * exactly "SUCCESS" (nginx fills the DN in for failed certificates too). */
#include <string.h>
#include <strings.h>
#include <stdlib.h>
#include <time.h>
#include "auth/authn.h"
#include "auth/token.h"
#include "auth/oidc.h"
#include "auth/token_file.h"
#include "core/escape.h"

#define DN_MAX 4096

int dn_parse(const char *dn, dn_attr_fn fn, void *arg)
{
    size_t len = strlen(dn);
    if (len == 0 || len >= DN_MAX) return -1;
    char type[64], value[DN_MAX];
    size_t i = 0;
    while (i < len) {
        /* attribute type up to '=' */
        size_t t = 0;
        while (i < len && dn[i] != '=') {
            if (t + 1 >= sizeof type || dn[i] == ',' || dn[i] == '+' || dn[i] == '\\') return -1;
            type[t++] = dn[i++];
        }
        if (i >= len || t == 0) return -1;
        type[t] = '\0';
        i++; /* '=' */
        size_t v = 0;
        while (i < len && dn[i] != ',' && dn[i] != '+') {
            char c = dn[i];
            if (c == '\\') {
                if (i + 1 >= len) return -1;
                int h = hex_digit_value((unsigned char)dn[i + 1]);
                int l = i + 2 < len ? hex_digit_value((unsigned char)dn[i + 2]) : -1;
                if (h >= 0 && l >= 0) { c = (char)(h * 16 + l); i += 3; }
                else { c = dn[i + 1]; i += 2; }
            } else i++;
            if (c == '\0' || v + 1 >= sizeof value) return -1;
            value[v++] = c;
        }
        value[v] = '\0';
        fn(arg, type, value);
        if (i < len) {
            i++; /* ',' or '+' */
            if (i >= len) return -1; /* trailing separator */
        }
    }
    return 0;
}

typedef struct dn_collect {
    const char *cn;
    const char *orgs[KAPI_MAX_GROUPS];
    int n_orgs;
    char store[DN_MAX * 2];
    size_t used;
} dn_collect;

static const char *collect_copy(dn_collect *c, const char *s)
{
    size_t n = strlen(s) + 1;
    if (c->used + n > sizeof c->store) return NULL;
    char *d = c->store + c->used;
    memcpy(d, s, n);
    c->used += n;
    return d;
}

static void collect_attr(void *arg, const char *type, const char *value)
{
    dn_collect *c = arg;
    if (!strcmp(type, "CN")) {
        if (!c->cn) c->cn = collect_copy(c, value);
    } else if (!strcmp(type, "O")) {
        if (c->n_orgs < KAPI_MAX_GROUPS - 1) {
            const char *v = collect_copy(c, value);
            if (v) c->orgs[c->n_orgs++] = v;
        }
    }
}

static void set_anonymous(kapi_user *user)
{
    memset(user, 0, sizeof *user);
    user->name = "system:anonymous";
    user->groups[0] = "system:unauthenticated";
    user->n_groups = 1;
}

kapi_rc authenticate(const kapi_request *req, kapi_user *user)
{
    if (req->internal_user) {
        *user = *req->internal_user;
        return KAPI_OK;
    }
    if (req->authn_failed) return KAPI_UNAUTHORIZED;
    const char *verify = req->client_verify;
    if (!verify || !*verify || !strcmp(verify, "NONE")) {
        set_anonymous(user);
        return KAPI_OK;
    }
    if (strcmp(verify, "SUCCESS") != 0) return KAPI_UNAUTHORIZED;
    if (!req->client_dn) return KAPI_UNAUTHORIZED;

    dn_collect *c = kapi_palloc(req->pool, sizeof *c);
    if (dn_parse(req->client_dn, collect_attr, c) != 0) return KAPI_UNAUTHORIZED;
    if (!c->cn || !*c->cn) {
        /* kube's x509 authenticator ignores certificates without a CN */
        set_anonymous(user);
        return KAPI_OK;
    }
    memset(user, 0, sizeof *user);
    user->name = c->cn;
    /* nginx gives the most specific RDN first, so the O values arrive in the
     * reverse of the certificate's order: restore it. */
    for (int i = c->n_orgs - 1; i >= 0; i--) user->groups[user->n_groups++] = c->orgs[i];
    user->groups[user->n_groups++] = "system:authenticated";
    return KAPI_OK;
}

/* kube's bearertoken.AuthenticateRequest: the token of "Bearer <token>"
 * (scheme case-insensitive, the header trimmed, split on single spaces),
 * or NULL when the header holds none. */
static const char *bearer_token(kapi_pool *pool, const char *header)
{
    while (*header == ' ' || *header == '\t') header++;
    size_t n = strlen(header);
    while (n && (header[n - 1] == ' ' || header[n - 1] == '\t')) n--;
    if (n < 7 || strncasecmp(header, "bearer ", 7)) return NULL;
    const char *t = header + 7;
    const char *end = memchr(t, ' ', (size_t)(header + n - t));
    size_t len = end ? (size_t)(end - t) : (size_t)(header + n - t);
    if (len == 0) return NULL;   /* kube: an empty bearer token is no credential */
    return kapi_pstrndup(pool, t, len);
}

kapi_rc authenticate_request(kapi_ctx *ctx, const kapi_request *req, kapi_user *user)
{
    kapi_rc rc = authenticate(req, user);
    if (rc != KAPI_OK || req->internal_user || !req->authorization) return rc;
    /* a verified certificate is the user (kube's x509 authenticator runs
     * before the token authenticators); only an anonymous request reads the
     * token */
    if (strcmp(user->name, "system:anonymous")) return KAPI_OK;
    const char *token = bearer_token(req->pool, req->authorization);
    if (!token) return KAPI_OK;
    /* kube's token authenticators: the static token file, ServiceAccount
     * tokens, OIDC; each issuer's tokens are its own */
    if (token_file_authenticate(token, user)) return KAPI_OK;
    const char *why = NULL;
    int oidc = oidc_authenticate(req->pool, token, time(NULL), user, &why);
    if (oidc) return oidc > 0 ? KAPI_OK : KAPI_UNAUTHORIZED;
    return sa_token_authenticate(ctx, req->pool, token, time(NULL), user, &why);
}

cJSON *user_info_json(const kapi_user *u)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "username", u->name ? u->name : "");
    if (u->uid && *u->uid) cJSON_AddStringToObject(o, "uid", u->uid);
    if (u->n_groups > 0) {
        cJSON *g = cJSON_AddArrayToObject(o, "groups");
        for (int i = 0; i < u->n_groups && i < KAPI_MAX_GROUPS; i++)
            if (u->groups[i]) cJSON_AddItemToArray(g, cJSON_CreateString(u->groups[i]));
    }
    if (u->n_extra > 0) {
        cJSON *x = cJSON_AddObjectToObject(o, "extra");
        for (int i = 0; i < u->n_extra && i < KAPI_MAX_EXTRA; i++) {
            cJSON *vals = cJSON_GetObjectItemCaseSensitive(x, u->extra_keys[i]);
            if (!vals) vals = cJSON_AddArrayToObject(x, u->extra_keys[i]);
            cJSON_AddItemToArray(vals, cJSON_CreateString(u->extra_values[i]));
        }
    }
    return o;
}

kapi_rc authenticate_request_once(kapi_ctx *ctx, kapi_request *req, kapi_user *user)
{
    if (!req->authn) {
        struct kapi_authn_result *r = kapi_palloc(req->pool, sizeof *r);
        r->rc = authenticate_request(ctx, req, &r->user);
        req->authn = r;
    }
    *user = req->authn->user;
    return req->authn->rc;
}
