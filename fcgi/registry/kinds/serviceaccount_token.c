/* serviceaccount_token.c: ServiceAccounts' strategy and their token
 * subresource, POST /api/v1/namespaces/<ns>/serviceaccounts/<name>/token
 * (kube's TokenREST, pkg/registry/core/serviceaccount/storage/token.go),
 * what `kubectl create token` calls. The body is an authentication.k8s.io/v1
 * TokenRequest; the answer (201) is the same TokenRequest with the spec
 * defaulted and status {token, expirationTimestamp}. Nothing is stored.
 *
 * kube's rules: expirationSeconds defaults to 3600, at least 600 and at
 * most 2^32 (ValidateTokenRequest, 422); audiences default to the API's
 * (the issuer); boundObjectRef may name a Pod (running as this
 * ServiceAccount; its node goes into the token too), a Secret or a Node
 * (v1), whose uid, when given, must match (409); the kubelet's 3607 s
 * pod-bound token lives a year and warns after 3607 s. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "auth/token.h"
#include "codec/jsonpath.h"
#include "core/gotime.h"
#include "core/status.h"
#include "registry/rest_internal.h"
#include "registry/strategies.h"
#include "schema/decode.h"

#define TOKEN_DEFAULT_SECONDS 3600
#define TOKEN_MIN_SECONDS (10 * 60)
#define TOKEN_MAX_SECONDS (1LL << 32)

/* A stored object of the core group, parsed into the pool; NULL with kube's
 * 404 (or the store's failure) in *fail. */
static cJSON *load_core_object(rest_call *c, const char *plural, const char *ns, const char *name,
                               rest_result *fail)
{
    return rest_load_object(c, resource_find("", "v1", plural), ns, name, NULL, fail);
}

/* The body: a TokenRequest of authentication.k8s.io/v1. */
static cJSON *decode_token_request(rest_call *c, rest_result *fail)
{
    cJSON *st = NULL;
    cJSON *tr = decode_body(c->req, "TokenRequest", &st);
    if (!tr) { *fail = rest_status(c, st, 0); return NULL; }
    const char *kind = json_str(tr, "kind"), *av = json_str(tr, "apiVersion");
    char msg[600];
    if (*kind && strcmp(kind, "TokenRequest")) {
        snprintf(msg, sizeof msg, "%.100s in version \"v1\" cannot be handled as a TokenRequest: no kind \"%.100s\" "
                 "is registered for version \"%.100s\" in scheme \"pkg/api/legacyscheme/scheme.go:30\"",
                 kind, kind, *av ? av : "authentication.k8s.io/v1");
        *fail = rest_bad_request(c, msg);
        return NULL;
    }
    if (*av && strcmp(av, "authentication.k8s.io/v1")) {
        snprintf(msg, sizeof msg, "the API version in the data (%.100s) does not match the expected API version "
                 "(authentication.k8s.io/v1)", av);
        *fail = rest_bad_request(c, msg);
        return NULL;
    }
    const cJSON *spec = cJSON_GetObjectItemCaseSensitive(tr, "spec");
    if (spec && !cJSON_IsObject(spec) && !cJSON_IsNull(spec)) {
        *fail = rest_bad_request(c, "TokenRequest in version \"v1\" cannot be handled as a TokenRequest: json: "
                                    "cannot unmarshal value into Go struct field TokenRequest.spec of type "
                                    "v1.TokenRequestSpec");
        return NULL;
    }
    return tr;
}

/* SetDefaults_TokenRequestSpec and ValidateTokenRequest: 0, or -1 with the
 * 422 in *fail. */
static int default_and_validate(rest_call *c, cJSON *spec, int64_t *seconds, rest_result *fail)
{
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(spec, "expirationSeconds");
    if (!exp || cJSON_IsNull(exp)) {
        cJSON_DeleteItemFromObjectCaseSensitive(spec, "expirationSeconds");
        cJSON_AddNumberToObject(spec, "expirationSeconds", TOKEN_DEFAULT_SECONDS);
        exp = cJSON_GetObjectItemCaseSensitive(spec, "expirationSeconds");
    }
    if (!cJSON_IsNumber(exp)) {
        *fail = rest_bad_request(c, "TokenRequest in version \"v1\" cannot be handled as a TokenRequest: json: cannot "
                                    "unmarshal value into Go struct field TokenRequestSpec.spec.expirationSeconds of "
                                    "type int64");
        return -1;
    }
    *seconds = (int64_t)exp->valuedouble;
    field_errors *errs = kapi_palloc(c->req->pool, sizeof *errs);
    if (*seconds < TOKEN_MIN_SECONDS)
        field_error_add_int(errs, FIELD_INVALID, "spec.expirationSeconds", *seconds,
                            "may not specify a duration less than 10 minutes");
    if (*seconds > TOKEN_MAX_SECONDS)
        field_error_add_int(errs, FIELD_INVALID, "spec.expirationSeconds", *seconds,
                            "may not specify a duration larger than 2^32 seconds");
    if (!errs->n) return 0;
    *fail = rest_status(c, field_errors_status(errs, "authentication.k8s.io", "TokenRequest", ""), 0);
    return -1;
}

/* The bound object of spec.boundObjectRef into claims; 0, or -1 with kube's
 * 400/404/409 in *fail. */
static int load_bound_object(rest_call *c, const char *sa_name, const cJSON *ref, sa_token_claims *claims,
                             rest_result *fail)
{
    const char *kind = json_str(ref, "kind"), *av = json_str(ref, "apiVersion");
    const char *name = json_str(ref, "name"), *want_uid = json_str(ref, "uid");
    char msg[900];
    /* schema.FromAPIVersionAndKind: an apiVersion without a group ("v1",
     * or none) is the core group */
    int core = !strchr(av, '/');
    const cJSON *obj = NULL;
    if (core && !strcmp(kind, "Pod")) {
        cJSON *pod = load_core_object(c, "pods", c->ns, name, fail);
        if (!pod) return -1;
        if (strcmp(sa_name, json_str_at(pod, "spec.serviceAccountName", ""))) {
            snprintf(msg, sizeof msg, "cannot bind token for serviceaccount \"%.300s\" to pod running with different "
                     "serviceaccount name.", sa_name);
            *fail = rest_bad_request(c, msg);
            return -1;
        }
        claims->pod = obj = pod;
        /* ServiceAccountTokenPodNodeInfo: the pod's node, when it is there */
        const char *node = json_str_at(pod, "spec.nodeName", "");
        if (*node) {
            rest_result ignored;
            claims->node = load_core_object(c, "nodes", "", node, &ignored);
        }
    } else if (core && !strcmp(kind, "Secret")) {
        if (!(obj = load_core_object(c, "secrets", c->ns, name, fail))) return -1;
        claims->secret = obj;
    } else if (core && !strcmp(kind, "Node")) {
        if (!(obj = load_core_object(c, "nodes", "", name, fail))) return -1;
        claims->node = obj;
    } else {
        /* GroupVersionKind.String(): "group/version, Kind=kind" */
        snprintf(msg, sizeof msg, "cannot bind token to object of type %s%.200s, Kind=%.200s",
                 core ? "/" : "", av, kind);
        *fail = rest_bad_request(c, msg);
        return -1;
    }
    const char *uid = json_str_at(obj, "metadata.uid", "");
    if (*want_uid && strcmp(want_uid, uid)) {
        snprintf(msg, sizeof msg, "Operation cannot be fulfilled on %s \"%.200s\": the UID in the bound object reference "
                 "(%.100s) does not match the UID in record. The object might have been deleted and then recreated",
                 kind, name, want_uid);
        *fail = rest_status(c, status_new_details(KAPI_CONFLICT, msg, name, "", kind), 0);
        return -1;
    }
    return 0;
}

static rest_result serve_token(rest_call *c, const char *name)
{
    if (strcmp(c->info->verb, "create")) return rest_method_not_allowed(c);
    rest_result fail;
    cJSON *tr = decode_token_request(c, &fail);
    if (!tr) return fail;
    cJSON *spec = json_object_member(tr, "spec");
    int64_t seconds;
    if (default_and_validate(c, spec, &seconds, &fail)) return fail;
    cJSON *sa = load_core_object(c, "serviceaccounts", c->ns, name, &fail);
    if (!sa) return fail;

    sa_token_claims claims = {.service_account = sa, .now = time(NULL)};
    const cJSON *ref = json_get(spec, "boundObjectRef");
    if (ref && load_bound_object(c, name, ref, &claims, &fail)) return fail;
    const cJSON *auds = cJSON_GetObjectItemCaseSensitive(spec, "audiences");
    if (!cJSON_IsArray(auds) || !cJSON_GetArraySize(auds)) {
        cJSON_DeleteItemFromObjectCaseSensitive(spec, "audiences");
        cJSON *a = cJSON_CreateArray();
        cJSON_AddItemToArray(a, cJSON_CreateString(sa_token_issuer()));
        cJSON_AddItemToObject(spec, "audiences", a);
        auds = a;
    }
    claims.audiences = auds;
    claims.expiration_seconds = seconds;
    /* the kubelet's projected token: a year, warning after the hour asked */
    int kube_audience = cJSON_GetArraySize(auds) == 1 &&
                        !strcmp(cJSON_GetArrayItem(auds, 0)->valuestring ? cJSON_GetArrayItem(auds, 0)->valuestring : "",
                                sa_token_issuer());
    if (claims.pod && seconds == SA_TOKEN_WARN_ONLY_SECONDS && kube_audience) {
        claims.warn_after_seconds = seconds;
        claims.expiration_seconds = SA_TOKEN_EXTENDED_SECONDS;
    }
    char err[300];
    char *token = sa_token_issue(c->ctx->state_dir, &claims, err, sizeof err);
    if (!token) {
        char msg[400];
        snprintf(msg, sizeof msg, "failed to generate token: %s", err);
        cJSON *st = status_new(KAPI_INTERNAL, msg);
        cJSON_DeleteItemFromObjectCaseSensitive(st, "reason");
        return rest_status(c, st, 0);
    }
    /* the answer: the request with the namespace, the defaulted spec and the status */
    cJSON *meta = obj_metadata(tr);
    if (!cJSON_GetObjectItemCaseSensitive(meta, "namespace")) cJSON_AddStringToObject(meta, "namespace", c->ns);
    if (!cJSON_GetObjectItemCaseSensitive(meta, "creationTimestamp")) cJSON_AddNullToObject(meta, "creationTimestamp");
    obj_set_string(tr, "kind", "TokenRequest");
    obj_set_string(tr, "apiVersion", "authentication.k8s.io/v1");
    if (!json_get(spec, "boundObjectRef")) {
        cJSON_DeleteItemFromObjectCaseSensitive(spec, "boundObjectRef");
        cJSON_AddNullToObject(spec, "boundObjectRef");
    }
    cJSON_DeleteItemFromObjectCaseSensitive(tr, "status");
    cJSON *status = cJSON_AddObjectToObject(tr, "status");
    cJSON_AddStringToObject(status, "token", token);
    free(token);
    char when[21];
    time_rfc3339(claims.now + (time_t)seconds, when);
    cJSON_AddStringToObject(status, "expirationTimestamp", when);
    obj_canonicalize_order(tr);
    return rest_plain_object(c, 201, tr);
}

static rest_result serviceaccount_serve_subresource(rest_call *c, const char *subresource, const char *name)
{
    if (!strcmp(subresource, "token")) return serve_token(c, name);
    return rest_not_found_path(c);
}

const kapi_strategy strategy_serviceaccounts = {
    .names = NAME_DNS1123_SUBDOMAIN,
    .serve_subresource = serviceaccount_serve_subresource,
};
