/* rest_helpers.c: what every REST verb shares: small object helpers,
 * decoding checks (kind, apiVersion, namespace, name), validation of
 * metadata and the kind's rules, and the read of the stored object. The
 * answers themselves are registry/rest_result.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "codec/codec.h"
#include "codec/fielderr.h"
#include "codec/json.h"
#include "codec/jsonpath.h"
#include "codec/selector.h"
#include "core/status.h"
#include "core/util.h"
#include "kinds/resource.h"
#include "registry/kinds/customresources.h"
#include "registry/rest_internal.h"
#include "registry/tables.h"
#include "codec/validate_meta.h"
#include "store/store.h"

/* ---- object helpers */

cJSON *obj_metadata(cJSON *obj)
{
    cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    if (!cJSON_IsObject(m)) {
        cJSON_DeleteItemFromObjectCaseSensitive(obj, "metadata");
        m = cJSON_AddObjectToObject(obj, "metadata");
    }
    return m;
}

const char *obj_string(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

void obj_set_string(cJSON *obj, const char *key, const char *value)
{
    cJSON *v = cJSON_CreateString(value);
    if (cJSON_GetObjectItemCaseSensitive(obj, key)) cJSON_ReplaceItemInObjectCaseSensitive(obj, key, v);
    else cJSON_AddItemToObject(obj, key, v);
}

void obj_move_to_end(cJSON *obj, const char *key)
{
    cJSON *v = cJSON_DetachItemFromObjectCaseSensitive(obj, key);
    if (v) cJSON_AddItemToObject(obj, key, v);
}

/* kube's field order: kind, apiVersion, metadata first; ObjectMeta's fields
 * in their struct order. */
void obj_canonicalize_order(cJSON *obj)
{
    static const char *const meta_order[] = {
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
        "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels",
        "annotations", "ownerReferences", "finalizers", "managedFields", NULL};
    cJSON *rest = cJSON_CreateObject();
    cJSON *item;
    const char *const top[] = {"kind", "apiVersion", "metadata"};
    for (int i = 0; i < 3; i++) {
        item = cJSON_DetachItemFromObjectCaseSensitive(obj, top[i]);
        if (item) cJSON_AddItemToObject(rest, top[i], item);
    }
    while (obj->child) {
        item = obj->child;
        cJSON_DetachItemViaPointer(obj, item);
        cJSON_AddItemToObject(rest, item->string, item);
    }
    /* move everything back into obj */
    while (rest->child) {
        item = rest->child;
        cJSON_DetachItemViaPointer(rest, item);
        cJSON_AddItemToObject(obj, item->string, item);
    }
    cJSON_Delete(rest);
    cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    if (cJSON_IsObject(m)) {
        for (int i = 0; meta_order[i]; i++) obj_move_to_end(m, meta_order[i]);
    }
}

name_validator rest_name_validator(const kapi_resource *r)
{
    switch (r->strategy ? r->strategy->names : NAME_DNS1123_SUBDOMAIN) {
    case NAME_DNS1123_LABEL: return name_is_dns1123_label;
    case NAME_DNS1035_LABEL: return name_is_dns1035_label;
    case NAME_PATH_SEGMENT: return name_is_rbac_name;
    default: return name_is_dns1123_subdomain;
    }
}

int64_t rest_parse_rv(const char *s)
{
    if (!s || !*s) return 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*end || v <= 0) return -1;
    return v;
}

cJSON *rest_parse_stored(rest_call *c, const char *text)
{
    cJSON *obj = cJSON_Parse(text);
    /* a custom resource is read in the request's version, defaulted */
    if (obj && c->r && (c->r->flags & KIND_IS_CUSTOM)) customresource_read(c->r, obj);
    return kapi_pool_keep_json(c->req->pool, obj);
}

cJSON *rest_served_form(rest_call *c, cJSON *obj)
{
    const kapi_strategy *s = c->r ? c->r->strategy : NULL;
    if (!obj || !s || !s->from_storage) return obj;
    cJSON *copy = kapi_pool_keep_json(c->req->pool, cJSON_Duplicate(obj, 1));
    s->from_storage(copy);
    return copy;
}

void rest_storage_version(rest_call *c, cJSON *obj, int storing)
{
    const kapi_resource *r = c->r;
    if (!r || !(r->flags & KIND_IS_CUSTOM) || !r->storage_version || !strcmp(r->storage_version, r->version)) return;
    if (storing) json_set_str(obj, "apiVersion", kapi_psprintf(c->req->pool, "%s/%s", r->group, r->storage_version));
    else json_set_str(obj, "apiVersion", resource_api_version(r));
}

/* ---- decoding checks shared by create and update */

/* Checks kind/apiVersion against the URL (filling them in when absent, as
 * kube's decoder defaults them). Returns 0, or -1 with the 400 in *fail. */
int rest_check_type_meta(rest_call *c, cJSON *obj, rest_result *fail)
{
    const char *api = resource_api_version(c->r);
    const char *kind = obj_string(obj, "kind");
    const char *av = obj_string(obj, "apiVersion");
    cJSON *k = cJSON_GetObjectItemCaseSensitive(obj, "kind");
    cJSON *a = cJSON_GetObjectItemCaseSensitive(obj, "apiVersion");
    char msg[1000];
    if ((k && !cJSON_IsString(k)) || (a && !cJSON_IsString(a))) {
        snprintf(msg, sizeof msg,
                 "the object provided is unrecognized (must be of type %s): couldn't get "
                 "version/kind; json parse error: json: cannot unmarshal %s into Go struct field "
                 ".%s of type string",
                 c->r->kind, (k && !cJSON_IsString(k)) ? "value" : "value",
                 (k && !cJSON_IsString(k)) ? "kind" : "apiVersion");
        *fail = rest_bad_request(c, msg);
        return -1;
    }
    if (kind && *kind && strcmp(kind, c->r->kind)) {
        snprintf(msg, sizeof msg,
                 "%s in version \"%s\" cannot be handled as a %s: no kind \"%s\" is registered "
                 "for version \"%s\" in scheme \"pkg/api/legacyscheme/scheme.go:30\"",
                 kind, c->r->version, c->r->kind, kind, av && *av ? av : api);
        *fail = rest_bad_request(c, msg);
        return -1;
    }
    if (av && *av && strcmp(av, api)) {
        snprintf(msg, sizeof msg,
                 "the API version in the data (%s) does not match the expected API version (%s)",
                 av, api);
        *fail = rest_bad_request(c, msg);
        return -1;
    }
    if (!kind || !*kind) obj_set_string(obj, "kind", c->r->kind);
    if (!av || !*av) obj_set_string(obj, "apiVersion", api);
    cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    if (m && !cJSON_IsObject(m) && !cJSON_IsNull(m)) {
        snprintf(msg, sizeof msg,
                 "%s in version \"%s\" cannot be handled as a %s: json: cannot unmarshal %s into "
                 "Go struct field %s.metadata of type v1.ObjectMeta",
                 c->r->kind, c->r->version, c->r->kind, cJSON_IsArray(m) ? "array" :
                 cJSON_IsString(m) ? "string" : cJSON_IsNumber(m) ? "number" : "bool", c->r->kind);
        *fail = rest_bad_request(c, msg);
        return -1;
    }
    const kapi_strategy *s = c->r->strategy;
    if (s && s->check_types) {
        char err[600];
        if (s->check_types(obj, err, sizeof err)) {
            snprintf(msg, sizeof msg, "%s in version \"%s\" cannot be handled as a %s: %s",
                     c->r->kind, c->r->version, c->r->kind, err);
            *fail = rest_bad_request(c, msg);
            return -1;
        }
    }
    return 0;
}

/* EnsureObjectNamespaceMatchesRequestNamespace */
int rest_check_namespace(rest_call *c, cJSON *meta, rest_result *fail)
{
    const char *ons = obj_string(meta, "namespace");
    if (!c->r->namespaced) {
        if (ons) cJSON_DeleteItemFromObjectCaseSensitive(meta, "namespace");
        return 0;
    }
    if (!ons || !*ons) { obj_set_string(meta, "namespace", c->ns); return 0; }
    if (strcmp(ons, c->ns)) {
        *fail = rest_bad_request(c, "the namespace of the provided object does not match the namespace sent on the request");
        return -1;
    }
    return 0;
}

int rest_check_name(rest_call *c, const cJSON *meta, const char *name, rest_result *fail)
{
    const char *oname = obj_string(meta, "name");
    if (oname && !strcmp(oname, name)) return 0;
    char msg[700];
    snprintf(msg, sizeof msg, "the name of the object (%s) does not match the name on the URL (%s)",
             oname ? oname : "", name);
    *fail = rest_bad_request(c, msg);
    return -1;
}

void rest_validate(rest_call *c, const cJSON *obj, int creating, field_errors *errs)
{
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    validate_object_meta(meta, c->r->namespaced, rest_name_validator(c->r), errs);
    const kapi_strategy *s = c->r->strategy;
    if (!s) return;
    if (creating && s->validate_create) s->validate_create(obj, errs);
    else if (s->validate) s->validate(obj, errs);
}


cJSON *rest_load_object(rest_call *c, const kapi_resource *r, const char *ns, const char *name,
                        int64_t *rev, rest_result *fail)
{
    store_kv kv;
    store_rc rc = store_get(c->ctx->store, resource_key(c->req->pool, r, ns, name), &kv);
    if (rc == STORE_NOT_FOUND && r != c->r) {
        /* another kind's object (a pod's node, a token's bound secret) */
        char msg[600];
        if (*r->group) snprintf(msg, sizeof msg, "%s.%s \"%.400s\" not found", r->plural, r->group, name);
        else snprintf(msg, sizeof msg, "%s \"%.400s\" not found", r->plural, name);
        *fail = rest_status(c, status_new_details(KAPI_NOT_FOUND, msg, name, r->group, r->plural), 0);
        return NULL;
    }
    if (rc != STORE_OK) {
        *fail = rest_store_failure(c, rc, name, "reading from storage failed");
        return NULL;
    }
    if (rev) *rev = kv.mod_rev;
    cJSON *obj = rest_parse_stored(c, kv.value);
    store_kv_free(&kv);
    if (!obj) *fail = rest_internal(c, "stored object is corrupt");
    return obj;
}

cJSON *rest_load_current(rest_call *c, const char *name, int64_t *rev, rest_result *fail)
{
    return rest_load_object(c, c->r, c->ns, name, rev, fail);
}
