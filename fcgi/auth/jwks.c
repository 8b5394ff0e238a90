/* jwks.c: key sets, parsed and fetched (see jwks.h). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include <cjson/cJSON.h>
#include "auth/jwks.h"
#include "codec/jsonpath.h"
#include "core/alloc.h"
#include "core/kapi.h"
#include "pki/sa_key.h"

#define MAX_ANSWER (1 << 20)

int jwks_parse(const char *text, size_t len, jwks *out)
{
    memset(out, 0, sizeof *out);
    cJSON *doc = cJSON_ParseWithLength(text, len);
    const cJSON *keys = json_get(doc, "keys");
    if (!cJSON_IsArray(keys)) { cJSON_Delete(doc); return -1; }
    const cJSON *k;
    cJSON_ArrayForEach(k, keys) {
        if (out->n == JWKS_MAX_KEYS) break;
        const char *use = json_str(k, "use"), *kty = json_str(k, "kty");
        if (*use && strcmp(use, "sig")) continue;
        EVP_PKEY *key = NULL;
        if (!strcmp(kty, "RSA")) key = pki_rsa_from_jwk(json_str(k, "n"), json_str(k, "e"));
        else if (!strcmp(kty, "EC")) key = pki_ec_from_jwk(json_str(k, "crv"), json_str(k, "x"), json_str(k, "y"));
        if (!key) continue;
        out->kids[out->n] = kapi_xstrdup(json_str(k, "kid"));
        out->keys[out->n++] = key;
    }
    cJSON_Delete(doc);
    return out->n;
}

void jwks_free(jwks *k)
{
    for (int i = 0; i < k->n; i++) {
        EVP_PKEY_free(k->keys[i]);
        free(k->kids[i]);
    }
    memset(k, 0, sizeof *k);
}

static size_t collect(char *data, size_t size, size_t n, void *arg)
{
    kapi_buf *b = arg;
    size_t len = size * n;
    if (b->len + len > MAX_ANSWER) return 0;   /* curl stops: too large */
    kapi_buf_put(b, data, len);
    return len;
}

static void global_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* GET url into a parsed JSON object. */
static cJSON *get_json(const char *url, const char *ca_pem, long timeout_s, char *err, size_t errlen)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, global_init);
    CURL *c = curl_easy_init();
    if (!c) { snprintf(err, errlen, "cannot start a request"); return NULL; }
    kapi_buf b;
    kapi_buf_init(&b);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
    curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_s);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
    if (ca_pem && *ca_pem) {
        struct curl_blob blob = {.data = (void *)ca_pem, .len = strlen(ca_pem), .flags = CURL_BLOB_COPY};
        curl_easy_setopt(c, CURLOPT_CAINFO_BLOB, &blob);
    }
    CURLcode rc = curl_easy_perform(c);
    cJSON *doc = NULL;
    if (rc != CURLE_OK) snprintf(err, errlen, "Get \"%s\": %s", url, curl_easy_strerror(rc));
    else if (!(doc = cJSON_ParseWithLength(b.data ? b.data : "", b.len)) || !cJSON_IsObject(doc)) {
        cJSON_Delete(doc);
        doc = NULL;
        snprintf(err, errlen, "%s: the answer is not a JSON object", url);
    }
    curl_easy_cleanup(c);
    kapi_buf_free(&b);
    return doc;
}

int jwks_fetch(const char *issuer, const char *discovery_url, const char *ca_pem, long timeout_s, jwks *out,
               char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    char *disc = discovery_url && *discovery_url ? kapi_xstrdup(discovery_url) : NULL;
    if (!disc) {
        size_t n = strlen(issuer);
        while (n && issuer[n - 1] == '/') n--;
        disc = kapi_xsprintf("%.*s/.well-known/openid-configuration", (int)n, issuer);
    }
    cJSON *doc = get_json(disc, ca_pem, timeout_s, err, errlen);
    free(disc);
    if (!doc) return -1;
    int rc = -1;
    const char *iss = json_str(doc, "issuer"), *uri = json_str(doc, "jwks_uri");
    if (strcmp(iss, issuer))
        snprintf(err, errlen, "oidc: issuer did not match the issuer returned by provider, expected \"%s\" got \"%s\"",
                 issuer, iss);
    else if (!*uri) snprintf(err, errlen, "oidc: the discovery document has no jwks_uri");
    else {
        cJSON *set = get_json(uri, ca_pem, timeout_s, err, errlen);
        if (set) {
            char *text = cJSON_PrintUnformatted(set);
            if (jwks_parse(text, strlen(text), out) > 0) rc = 0;
            else snprintf(err, errlen, "%s: no signing key in the key set", uri);
            free(text);
            cJSON_Delete(set);
        }
    }
    cJSON_Delete(doc);
    return rc;
}
