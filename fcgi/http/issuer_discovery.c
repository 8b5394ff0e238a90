/* issuer_discovery.c: the OpenID Connect discovery document and the key set
 * of the ServiceAccount issuer, as kube-apiserver serves them: the
 * document's fields in kube's order (openidmetadata.go's struct), the keys
 * as go-jose writes a JSONWebKeySet, both with kube's Cache-Control.
 * jwks_uri: $KAPI_SERVICE_ACCOUNT_JWKS_URI (kube's --service-account-jwks-uri)
 * or, as kube builds it from its external address, the server URL of
 * DIR/admin.conf (kapictl init's, "https://127.0.0.1:PORT") + /openid/v1/jwks;
 * without that file, https://<the request's Host>/openid/v1/jwks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "auth/token.h"
#include "codec/codec.h"
#include "core/request.h"
#include "core/status.h"
#include "http/issuer_discovery.h"
#include "pki/pki.h"
#include "pki/sa_key.h"

#define CACHE_CONTROL "public, max-age=3600"

static void send_json(kapi_request *req, kapi_response *resp, cJSON *doc, const char *content_type)
{
    char *text = cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc);
    resp->status = 200;
    resp->content_type = content_type;
    kapi_response_add_header(resp, req->pool, "Cache-Control", CACHE_CONTROL);
    kapi_buf_puts(&resp->body, text);
    free(text);
}

static cJSON *string_list(const char *s)
{
    cJSON *a = cJSON_CreateArray();
    cJSON_AddItemToArray(a, cJSON_CreateString(s));
    return a;
}

/* kube's default jwks_uri: the API server's external address. */
static const char *default_jwks_uri(kapi_ctx *ctx, kapi_request *req)
{
    char path[4096], server[1024], err[256];
    if (ctx && ctx->state_dir && (size_t)snprintf(path, sizeof path, "%s/admin.conf", ctx->state_dir) < sizeof path &&
        pki_kubeconfig_server(path, server, sizeof server, err, sizeof err) == 0)
        return kapi_psprintf(req->pool, "%s%s", server, OIDC_JWKS_PATH);
    const char *host = request_header(req, "host");
    return kapi_psprintf(req->pool, "https://%s%s", host && *host ? host : "localhost", OIDC_JWKS_PATH);
}

static void serve_configuration(kapi_ctx *ctx, kapi_request *req, kapi_response *resp)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "issuer", sa_token_issuer());
    const char *jwks = getenv("KAPI_SERVICE_ACCOUNT_JWKS_URI");
    cJSON_AddStringToObject(doc, "jwks_uri", jwks && *jwks ? jwks : default_jwks_uri(ctx, req));
    cJSON_AddItemToObject(doc, "response_types_supported", string_list("id_token"));
    cJSON_AddItemToObject(doc, "subject_types_supported", string_list("public"));
    cJSON_AddItemToObject(doc, "id_token_signing_alg_values_supported", string_list("RS256"));
    send_json(req, resp, doc, "application/json");
}

static void serve_jwks(kapi_ctx *ctx, kapi_request *req, kapi_response *resp)
{
    char err[256];
    const sa_signing_key *k = sa_token_signing_key(ctx ? ctx->state_dir : NULL, err, sizeof err);
    char *n = NULL, *e = NULL;
    if (!k || pki_rsa_public_numbers(k->key, &n, &e) != 0) {
        respond_error(req, resp, KAPI_INTERNAL, "the service-account signing key cannot be read");
        return;
    }
    cJSON *doc = cJSON_CreateObject();
    cJSON *keys = cJSON_AddArrayToObject(doc, "keys");
    cJSON *key = cJSON_CreateObject();
    cJSON_AddStringToObject(key, "use", "sig");
    cJSON_AddStringToObject(key, "kty", "RSA");
    cJSON_AddStringToObject(key, "kid", k->kid);
    cJSON_AddStringToObject(key, "alg", "RS256");
    cJSON_AddStringToObject(key, "n", n);
    cJSON_AddStringToObject(key, "e", e);
    cJSON_AddItemToArray(keys, key);
    free(n);
    free(e);
    send_json(req, resp, doc, "application/jwk-set+json");
}

int issuer_discovery_serve(kapi_ctx *ctx, kapi_request *req, kapi_response *resp)
{
    if (!strcmp(req->path, OIDC_CONFIGURATION_PATH)) serve_configuration(ctx, req, resp);
    else if (!strcmp(req->path, OIDC_JWKS_PATH)) serve_jwks(ctx, req, resp);
    else return -1;
    return 0;
}
