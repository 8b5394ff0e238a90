/* serviceaccount_token.c: the legacy ServiceAccount token controller
 * (pkg/controller/serviceaccount/tokens_controller.go, TokensController):
 * a Secret of type kubernetes.io/service-account-token that names a
 * ServiceAccount (annotation kubernetes.io/service-account.name, and
 * .uid when set) gets the data kube puts there: token (a legacy token,
 * auth/token.h's sa_token_issue_legacy, signed with the state directory's
 * sa.key), ca.crt (the cluster CA) and namespace, and the ServiceAccount's
 * uid in its annotation. A token Secret whose ServiceAccount is gone (or
 * was recreated with another uid) is deleted, which also ends its token. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/jsonpath.h"
#include "auth/token.h"
#include "codec/objmeta.h"
#include "controllers/controllers.h"
#include "core/base64.h"

#define TOKEN_SECRET_TYPE "kubernetes.io/service-account-token"
#define SA_NAME_ANNOTATION "kubernetes.io/service-account.name"
#define SA_UID_ANNOTATION "kubernetes.io/service-account.uid"

/* data[key], base64 text, or NULL (keys with dots: not a path) */
static const char *data_of(const cJSON *secret, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(secret, "data"), key);
    return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

static void set_data(cJSON *secret, const char *key, const char *raw)
{
    cJSON *data = json_object_member(secret, "data");
    char *b64 = base64_encode(raw, strlen(raw));
    cJSON_DeleteItemFromObjectCaseSensitive(data, key);
    cJSON_AddStringToObject(data, key, b64);
    free(b64);
}

static void sync_secret(pass *p, const kapi_resource *secrets, const kapi_resource *accounts, obj_entry *e)
{
    const char *ns = obj_namespace(e->obj), *name = obj_name(e->obj);
    const char *sa_name = meta_annotation(e->obj, SA_NAME_ANNOTATION);
    const char *sa_uid = meta_annotation(e->obj, SA_UID_ANNOTATION);
    if (!sa_name || !*sa_name || obj_being_deleted(e->obj)) return;
    obj_entry *sa = cache_get(p, accounts, ns, sa_name);
    if (!sa || sa->gone || (sa_uid && *sa_uid && strcmp(sa_uid, obj_uid(sa->obj)))) {
        api_delete(p, secrets, ns, name, NULL, obj_uid(e->obj),
                   "the ServiceAccount of this token Secret no longer exists");
        return;
    }
    /* generateTokenIfNeeded */
    char *ca_b64 = p->root_ca ? base64_encode(p->root_ca, strlen(p->root_ca)) : NULL;
    const char *have_ca = data_of(e->obj, "ca.crt");
    int needs_ca = ca_b64 && (!have_ca || strcmp(have_ca, ca_b64));
    int needs_namespace = !data_of(e->obj, "namespace");
    int needs_token = !data_of(e->obj, "token");
    free(ca_b64);
    if (!needs_ca && !needs_namespace && !needs_token) return;
    cJSON *copy = cJSON_Duplicate(e->obj, 1);
    if (needs_ca) set_data(copy, "ca.crt", p->root_ca);
    if (needs_namespace) set_data(copy, "namespace", ns);
    if (needs_token) {
        char err[300];
        char *token = sa_token_issue_legacy(p->ctx->state_dir, sa->obj, name, err, sizeof err);
        if (!token) {
            fprintf(stderr, "kapi-reconcile: token for secret %s/%s: %s\n", ns, name, err);
            cJSON_Delete(copy);
            return;
        }
        set_data(copy, "token", token);
        free(token);
    }
    meta_set_annotation(copy, SA_NAME_ANNOTATION, obj_name(sa->obj));
    meta_set_annotation(copy, SA_UID_ANNOTATION, obj_uid(sa->obj));
    api_update(p, secrets, copy, NULL, "fill in the ServiceAccount token Secret");
    cJSON_Delete(copy);
}

void serviceaccount_token_controller(pass *p)
{
    const kapi_resource *secrets = resource_by_plural("", "secrets");
    const kapi_resource *accounts = resource_by_plural("", "serviceaccounts");
    kind_cache *sc = cache_kind(p, secrets);
    if (!sc || !cache_kind(p, accounts)) return;
    for (int i = 0; i < sc->all.n && pass_may_write(p); i++) {
        obj_entry *e = sc->all.items[i];
        const char *type = obj_str(e->obj, "type");
        if (e->gone || !type || strcmp(type, TOKEN_SECRET_TYPE)) continue;
        sync_secret(p, secrets, accounts, e);
    }
}
