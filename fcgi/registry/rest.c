/* rest.c: the generic REST verbs of every kind. Each verb follows
 * kube-apiserver's generic registry: decode, set system fields, the kind's
 * strategy (prepare, validate), admission (namespace lifecycle), then one
 * store operation with optimistic concurrency, then encode. Dry run stops
 * before the store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "api/codec.h"
#include "api/fielderr.h"
#include "api/json.h"
#include "api/selector.h"
#include "core/status.h"
#include "core/util.h"
#include "registry/resource.h"
#include "registry/rest.h"
#include "registry/tables.h"
#include "registry/validate_meta.h"
#include "store/store.h"

#define GENERATE_NAME_ATTEMPTS 8

typedef struct rest_call {
    kapi_ctx *ctx;
    kapi_request *req;
    const request_info *info;
    const kapi_user *user;
    kapi_response *resp;
    const kapi_resource *r;
    const char *ns;        /* namespace of the request ("" for cluster-scoped) */
    int dry_run;
} rest_call;

/* ---- errors worded as kube's apierrors */

static const char *qualified_resource(rest_call *c)
{
    if (!c->r->group[0]) return c->r->plural;
    return kapi_psprintf(c->req->pool, "%s.%s", c->r->plural, c->r->group);
}

static void fail_not_found(rest_call *c, const char *name)
{
    char msg[600];
    snprintf(msg, sizeof msg, "%s \"%s\" not found", qualified_resource(c), name);
    respond_status(c->req, c->resp,
                   status_new_details(KAPI_NOT_FOUND, msg, name, c->r->group, c->r->plural));
}

static void fail_already_exists(rest_call *c, const char *name)
{
    char msg[600];
    snprintf(msg, sizeof msg, "%s \"%s\" already exists", qualified_resource(c), name);
    respond_status(c->req, c->resp,
                   status_new_details(KAPI_ALREADY_EXISTS, msg, name, c->r->group, c->r->plural));
}

static void fail_conflict(rest_call *c, const char *name, const char *why)
{
    char msg[1200];
    snprintf(msg, sizeof msg, "Operation cannot be fulfilled on %s \"%s\": %s",
             qualified_resource(c), name, why);
    respond_status(c->req, c->resp,
                   status_new_details(KAPI_CONFLICT, msg, name, c->r->group, c->r->plural));
}

static void fail_bad_request(rest_call *c, const char *msg)
{
    respond_status(c->req, c->resp, status_new_details(KAPI_BAD_REQUEST, msg, NULL, NULL, NULL));
}

static void fail_internal(rest_call *c, const char *what)
{
    char msg[600];
    snprintf(msg, sizeof msg, "Internal error occurred: %s", what);
    respond_status(c->req, c->resp, status_new_details(KAPI_INTERNAL, msg, NULL, NULL, NULL));
}

static void fail_method_not_allowed(rest_call *c)
{
    respond_status(c->req, c->resp,
                   status_new_details(KAPI_METHOD_NOT_ALLOWED,
                                      "the server does not allow this method on the requested resource",
                                      NULL, NULL, NULL));
}

static void fail_invalid(rest_call *c, const field_errors *errs, const char *name)
{
    respond_status(c->req, c->resp, field_errors_status(errs, c->r->group, c->r->kind, name));
}

/* ---- object helpers */

static cJSON *metadata_of(cJSON *obj)
{
    cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    if (!cJSON_IsObject(m)) {
        cJSON_DeleteItemFromObjectCaseSensitive(obj, "metadata");
        m = cJSON_AddObjectToObject(obj, "metadata");
    }
    return m;
}

static const char *string_at(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void set_string(cJSON *obj, const char *key, const char *value)
{
    cJSON *v = cJSON_CreateString(value);
    if (cJSON_GetObjectItemCaseSensitive(obj, key)) cJSON_ReplaceItemInObjectCaseSensitive(obj, key, v);
    else cJSON_AddItemToObject(obj, key, v);
}

static void move_to_end(cJSON *obj, const char *key)
{
    cJSON *v = cJSON_DetachItemFromObjectCaseSensitive(obj, key);
    if (v) cJSON_AddItemToObject(obj, key, v);
}

/* kube's field order: kind, apiVersion, metadata first; ObjectMeta's fields
 * in their struct order. */
static void canonicalize_order(cJSON *obj)
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
        for (int i = 0; meta_order[i]; i++) move_to_end(m, meta_order[i]);
    }
}

static name_validator validator_for(const kapi_resource *r)
{
    switch (r->strategy ? r->strategy->names : NAME_DNS1123_SUBDOMAIN) {
    case NAME_DNS1123_LABEL: return name_is_dns1123_label;
    case NAME_DNS1035_LABEL: return name_is_dns1035_label;
    case NAME_PATH_SEGMENT: return name_is_rbac_name;
    default: return name_is_dns1123_subdomain;
    }
}

static int64_t parse_rv(const char *s)
{
    if (!s || !*s) return 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*end || v <= 0) return -1;
    return v;
}

static cJSON *parse_stored(rest_call *c, const char *text)
{
    cJSON *obj = cJSON_Parse(text);
    return kapi_pool_keep_json(c->req->pool, obj);
}

/* ---- output */

static table_include include_mode(rest_call *c)
{
    const char *inc = query_get(c->req, "includeObject");
    if (inc && !strcmp(inc, "None")) return INCLUDE_NONE;
    if (inc && !strcmp(inc, "Object")) return INCLUDE_OBJECT;
    return INCLUDE_METADATA;
}

static int negotiate(rest_call *c, output_format *fmt, int table_ok)
{
    if (negotiate_output(c->req, table_ok ? ALLOW_TABLE : 0, fmt) != KAPI_OK) {
        respond_error(c->req, c->resp, KAPI_NOT_ACCEPTABLE,
                      "only the following media types are accepted: application/json, "
                      "application/yaml");
        return -1;
    }
    return 0;
}

static void respond_with_object(rest_call *c, int http, cJSON *obj, const char *rv)
{
    output_format fmt;
    if (negotiate(c, &fmt, 1)) return;
    if (fmt.kind == OUTPUT_TABLE) {
        cJSON *items = cJSON_CreateArray();
        cJSON_AddItemReferenceToArray(items, obj);
        const char *api = !strcmp(fmt.version, "v1") ? "meta.k8s.io/v1" : "meta.k8s.io/v1beta1";
        cJSON *t = table_build(c->r, items, include_mode(c), api, rv ? rv : "", NULL, time(NULL));
        cJSON_Delete(items);
        respond_object(c->req, c->resp, http, t, &fmt);
        cJSON_Delete(t);
        return;
    }
    respond_object(c->req, c->resp, http, obj, &fmt);
}

/* ---- admission: namespace lifecycle */

static int admit_namespace_lifecycle(rest_call *c, const char *name)
{
    if (!c->r->namespaced) return 0;
    store_kv kv;
    char *key = kapi_psprintf(c->req->pool, "/registry/namespaces/%s", c->ns);
    store_rc rc = store_get(c->ctx->store, key, &kv);
    if (rc == STORE_NOT_FOUND) {
        char msg[400];
        snprintf(msg, sizeof msg, "namespaces \"%s\" not found", c->ns);
        respond_status(c->req, c->resp,
                       status_new_details(KAPI_NOT_FOUND, msg, c->ns, NULL, "namespaces"));
        return -1;
    }
    if (rc != STORE_OK) { fail_internal(c, "reading the namespace failed"); return -1; }
    cJSON *ns = parse_stored(c, kv.value);
    store_kv_free(&kv);
    cJSON *st = cJSON_GetObjectItemCaseSensitive(ns, "status");
    const char *phase = string_at(st, "phase");
    if (phase && !strcmp(phase, "Terminating")) {
        char msg[800];
        snprintf(msg, sizeof msg,
                 "%s \"%s\" is forbidden: unable to create new content in namespace %s because it is being terminated",
                 qualified_resource(c), name, c->ns);
        respond_status(c->req, c->resp,
                       status_new_details(KAPI_FORBIDDEN, msg, name, c->r->group, c->r->plural));
        return -1;
    }
    return 0;
}

/* ---- decoding checks shared by create and update */

/* Checks kind/apiVersion against the URL (filling them in when absent, as
 * kube's decoder defaults them). Returns 0 or answers and returns -1. */
static int check_type_meta(rest_call *c, cJSON *obj)
{
    const char *api = resource_api_version(c->r);
    const char *kind = string_at(obj, "kind");
    const char *av = string_at(obj, "apiVersion");
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
        fail_bad_request(c, msg);
        return -1;
    }
    if (kind && *kind && strcmp(kind, c->r->kind)) {
        snprintf(msg, sizeof msg,
                 "%s in version \"%s\" cannot be handled as a %s: no kind \"%s\" is registered "
                 "for version \"%s\" in scheme \"pkg/api/legacyscheme/scheme.go:30\"",
                 kind, c->r->version, c->r->kind, kind, av && *av ? av : api);
        fail_bad_request(c, msg);
        return -1;
    }
    if (av && *av && strcmp(av, api)) {
        snprintf(msg, sizeof msg,
                 "the API version in the data (%s) does not match the expected API version (%s)",
                 av, api);
        fail_bad_request(c, msg);
        return -1;
    }
    if (!kind || !*kind) set_string(obj, "kind", c->r->kind);
    if (!av || !*av) set_string(obj, "apiVersion", api);
    cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    if (m && !cJSON_IsObject(m) && !cJSON_IsNull(m)) {
        snprintf(msg, sizeof msg,
                 "%s in version \"%s\" cannot be handled as a %s: json: cannot unmarshal %s into "
                 "Go struct field %s.metadata of type v1.ObjectMeta",
                 c->r->kind, c->r->version, c->r->kind, cJSON_IsArray(m) ? "array" :
                 cJSON_IsString(m) ? "string" : cJSON_IsNumber(m) ? "number" : "bool", c->r->kind);
        fail_bad_request(c, msg);
        return -1;
    }
    const kapi_strategy *s = c->r->strategy;
    if (s && s->check_types) {
        char err[600];
        if (s->check_types(obj, err, sizeof err)) {
            snprintf(msg, sizeof msg, "%s in version \"%s\" cannot be handled as a %s: %s",
                     c->r->kind, c->r->version, c->r->kind, err);
            fail_bad_request(c, msg);
            return -1;
        }
    }
    return 0;
}

/* EnsureObjectNamespaceMatchesRequestNamespace */
static int check_namespace(rest_call *c, cJSON *meta)
{
    const char *ons = string_at(meta, "namespace");
    if (!c->r->namespaced) {
        if (ons) cJSON_DeleteItemFromObjectCaseSensitive(meta, "namespace");
        return 0;
    }
    if (!ons || !*ons) { set_string(meta, "namespace", c->ns); return 0; }
    if (strcmp(ons, c->ns)) {
        fail_bad_request(c, "the namespace of the provided object does not match the namespace sent on the request");
        return -1;
    }
    return 0;
}

static void validate_all(rest_call *c, const cJSON *obj, field_errors *errs)
{
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    validate_object_meta(meta, c->r->namespaced, validator_for(c->r), errs);
    if (c->r->strategy && c->r->strategy->validate) c->r->strategy->validate(obj, errs);
}

/* ---- verbs */

static void rest_get(rest_call *c, const char *name)
{
    store_kv kv;
    store_rc rc = store_get(c->ctx->store, resource_key(c->req->pool, c->r, c->ns, name), &kv);
    if (rc == STORE_NOT_FOUND) { fail_not_found(c, name); return; }
    if (rc != STORE_OK) { fail_internal(c, "reading from storage failed"); return; }
    cJSON *obj = parse_stored(c, kv.value);
    char rv[32];
    snprintf(rv, sizeof rv, "%lld", (long long)kv.mod_rev);
    store_kv_free(&kv);
    if (!obj) { fail_internal(c, "stored object is corrupt"); return; }
    respond_with_object(c, 200, obj, rv);
}

/* Fields each kind can be selected by, besides metadata.name and
 * metadata.namespace (kube's field label conversion functions). */
static const struct { const char *plural; const char *fields[10]; } selectable_fields[] = {
    {"pods", {"spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
              "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName", NULL}},
    {"secrets", {"type", NULL}},
    {"namespaces", {"status.phase", NULL}},
    {"nodes", {"spec.unschedulable", NULL}},
    {"replicasets", {"status.replicas", NULL}},
    {"services", {"spec.clusterIP", "spec.type", NULL}},
    {"events", {"involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
                "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
                "involvedObject.fieldPath", "reason", "reportingComponent", "type"}},
};

static int field_is_selectable(const kapi_resource *r, const char *field)
{
    if (!strcmp(field, "metadata.name") || !strcmp(field, "metadata.namespace")) return 1;
    for (size_t i = 0; i < sizeof selectable_fields / sizeof selectable_fields[0]; i++) {
        if (strcmp(selectable_fields[i].plural, r->plural) || r->group[0]) continue;
        for (int j = 0; j < 10 && selectable_fields[i].fields[j]; j++)
            if (!strcmp(selectable_fields[i].fields[j], field)) return 1;
    }
    return 0;
}

/* Parses labelSelector and fieldSelector; answers 400 and returns -1 on error. */
static int parse_selectors(rest_call *c, selector *labels, selector *fields)
{
    char err[512];
    if (label_selector_parse(c->req->pool, query_get(c->req, "labelSelector"), labels, err, sizeof err)) {
        fail_bad_request(c, err);
        return -1;
    }
    if (field_selector_parse(c->req->pool, query_get(c->req, "fieldSelector"), fields, err, sizeof err)) {
        fail_bad_request(c, err);
        return -1;
    }
    for (int i = 0; i < fields->n; i++) {
        if (!field_is_selectable(c->r, fields->reqs[i].key)) {
            snprintf(err, sizeof err, "field label not supported: %s", fields->reqs[i].key);
            fail_bad_request(c, err);
            return -1;
        }
    }
    return 0;
}

typedef struct list_acc {
    cJSON *items;
    const selector *labels, *fields;
    long limit;        /* stop after limit + 1 matches (0: all) */
    long count;
    int bad;
} list_acc;

static int list_collect(void *arg, const char *key, const char *value, int64_t mod_rev)
{
    (void)mod_rev; (void)key;
    list_acc *a = arg;
    cJSON *obj = cJSON_Parse(value);
    if (!obj) { a->bad = 1; return 1; }
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    if (!label_selector_matches(a->labels, cJSON_GetObjectItemCaseSensitive(meta, "labels")) ||
        !field_selector_matches(a->fields, obj)) {
        cJSON_Delete(obj);
        return 0;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(obj, "kind");
    cJSON_DeleteItemFromObjectCaseSensitive(obj, "apiVersion");
    cJSON_AddItemToArray(a->items, obj);
    a->count++;
    return a->limit > 0 && a->count > a->limit;
}

static void rest_list(rest_call *c)
{
    output_format fmt;
    if (negotiate(c, &fmt, 1)) return;
    selector labels, fields;
    if (parse_selectors(c, &labels, &fields)) return;
    long limit = 0;
    const char *ls = query_get(c->req, "limit");
    if (ls && *ls) limit = strtol(ls, NULL, 10);
    if (limit < 0) limit = 0;
    const char *prefix = resource_key(c->req->pool, c->r, c->ns, NULL);
    /* continue token: the last key returned, relative to the list's prefix */
    const char *cont = query_get(c->req, "continue");
    const char *start_after = NULL;
    if (cont && *cont) {
        if (strstr(cont, "..") || cont[0] == '/') { fail_bad_request(c, "continue key is not valid"); return; }
        start_after = kapi_psprintf(c->req->pool, "%s%s", prefix, cont);
    }
    list_acc acc = {.items = kapi_pool_keep_json(c->req->pool, cJSON_CreateArray()),
                    .labels = &labels, .fields = &fields, .limit = limit};
    int64_t rev = 0;
    store_rc rc = store_list(c->ctx->store, prefix, start_after, 0, list_collect, &acc, &rev);
    if (rc != STORE_OK || acc.bad) { fail_internal(c, "listing from storage failed"); return; }
    char rv[32];
    snprintf(rv, sizeof rv, "%lld", (long long)rev);
    const char *next = NULL;
    if (limit > 0 && acc.count > limit) {
        /* one more than asked: there is a next page; drop it, point at the last kept */
        cJSON_Delete(cJSON_DetachItemFromArray(acc.items, (int)limit));
        cJSON *last = cJSON_GetArrayItem(acc.items, (int)limit - 1);
        cJSON *lm = cJSON_GetObjectItemCaseSensitive(last, "metadata");
        const char *lname = string_at(lm, "name"), *lns = string_at(lm, "namespace");
        if (c->r->namespaced && !c->ns[0] && lns)
            next = kapi_psprintf(c->req->pool, "%s/%s", lns, lname ? lname : "");
        else next = kapi_pstrdup(c->req->pool, lname ? lname : "");
    }
    if (fmt.kind == OUTPUT_TABLE) {
        const char *api = !strcmp(fmt.version, "v1") ? "meta.k8s.io/v1" : "meta.k8s.io/v1beta1";
        cJSON *t = table_build(c->r, acc.items, include_mode(c), api, rv, next, time(NULL));
        respond_object(c->req, c->resp, 200, t, &fmt);
        cJSON_Delete(t);
        return;
    }
    cJSON *list = cJSON_CreateObject();
    cJSON_AddStringToObject(list, "kind", kapi_psprintf(c->req->pool, "%sList", c->r->kind));
    cJSON_AddStringToObject(list, "apiVersion", resource_api_version(c->r));
    cJSON *lmeta = cJSON_AddObjectToObject(list, "metadata");
    cJSON_AddStringToObject(lmeta, "resourceVersion", rv);
    if (next) cJSON_AddStringToObject(lmeta, "continue", next);
    cJSON_AddItemReferenceToObject(list, "items", acc.items);
    respond_object(c->req, c->resp, 200, list, &fmt);
    cJSON_Delete(list);
}

static void rest_create(rest_call *c)
{
    cJSON *st = NULL;
    cJSON *obj = decode_body(c->req, c->r->kind, &st);
    if (!obj) { respond_status(c->req, c->resp, st); return; }
    if (check_type_meta(c, obj)) return;
    cJSON *meta = metadata_of(obj);
    if (check_namespace(c, meta)) return;
    const char *rvs = string_at(meta, "resourceVersion");
    if (rvs && *rvs) {
        respond_status(c->req, c->resp, status_new_details(KAPI_INTERNAL,
                       "resourceVersion should not be set on objects to be created", NULL, NULL, NULL));
        return;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(meta, "resourceVersion");
    /* system fields */
    char uid[37], ts[21];
    uuid_v4(uid);
    time_rfc3339(time(NULL), ts);
    set_string(meta, "uid", uid);
    set_string(meta, "creationTimestamp", ts);
    cJSON_DeleteItemFromObjectCaseSensitive(meta, "deletionTimestamp");
    cJSON_DeleteItemFromObjectCaseSensitive(meta, "deletionGracePeriodSeconds");
    cJSON_DeleteItemFromObjectCaseSensitive(meta, "selfLink");
    cJSON_DeleteItemFromObjectCaseSensitive(meta, "generation");
    const char *gen_name = string_at(meta, "generateName");
    const char *name = string_at(meta, "name");
    int generated = (!name || !*name) && gen_name && *gen_name;
    if (generated) {
        char suffix[6], base[64];
        random_suffix(suffix, 5);
        snprintf(base, sizeof base, "%.58s", gen_name);
        set_string(meta, "name", kapi_psprintf(c->req->pool, "%s%s", base, suffix));
    }
    const kapi_strategy *s = c->r->strategy;
    if (s && s->has_generation) cJSON_AddNumberToObject(meta, "generation", 1);
    if (s && s->prepare_for_create) s->prepare_for_create(obj);
    field_errors *errs = kapi_palloc(c->req->pool, sizeof *errs);
    validate_all(c, obj, errs);
    name = string_at(meta, "name");
    if (errs->n) { fail_invalid(c, errs, name ? name : ""); return; }
    if (admit_namespace_lifecycle(c, name)) return;
    canonicalize_order(obj);
    if (c->dry_run) {
        respond_with_object(c, 201, obj, NULL);
        return;
    }
    for (int attempt = 0;; attempt++) {
        int64_t rev = 0;
        store_rc rc = store_create(c->ctx->store, resource_key(c->req->pool, c->r, c->ns, name), obj, &rev);
        if (rc == STORE_OK) {
            char rv[32];
            snprintf(rv, sizeof rv, "%lld", (long long)rev);
            respond_with_object(c, 201, obj, rv);
            return;
        }
        if (rc == STORE_EXISTS && generated && attempt + 1 < GENERATE_NAME_ATTEMPTS) {
            char suffix[6], base[64];
            random_suffix(suffix, 5);
            snprintf(base, sizeof base, "%.58s", gen_name);
            name = kapi_psprintf(c->req->pool, "%s%s", base, suffix);
            set_string(meta, "name", name);
            continue;
        }
        if (rc == STORE_EXISTS) { fail_already_exists(c, name); return; }
        fail_internal(c, "writing to storage failed");
        return;
    }
}

/* Common tail of update and patch: obj is the new object for the stored
 * old one (at old_rev). expected_rev is the precondition (0: unconditional).
 * subresource "status" keeps everything but status from old. */
static void finish_update(rest_call *c, const char *name, cJSON *obj, cJSON *old, int64_t old_rev,
                          int64_t expected_rev, int status_only)
{
    cJSON *meta = metadata_of(obj);
    cJSON *old_meta = metadata_of(old);
    const kapi_strategy *s = c->r->strategy;
    if (status_only) {
        /* only status may change: start from old and take the new status */
        cJSON *ns = cJSON_DetachItemFromObjectCaseSensitive(obj, "status");
        cJSON *copy = kapi_pool_keep_json(c->req->pool, cJSON_Duplicate(old, 1));
        cJSON_DeleteItemFromObjectCaseSensitive(copy, "status");
        if (ns) cJSON_AddItemToObject(copy, "status", ns);
        cJSON *cm = metadata_of(copy);
        cJSON_DeleteItemFromObjectCaseSensitive(cm, "resourceVersion");
        obj = copy;
        meta = cm;
    } else {
        /* system fields come from the stored object */
        const char *uid = string_at(meta, "uid");
        if (!uid || !*uid) {
            const char *ou = string_at(old_meta, "uid");
            if (ou) set_string(meta, "uid", ou);
        }
        const char *octs = string_at(old_meta, "creationTimestamp");
        if (octs) set_string(meta, "creationTimestamp", octs);
        else cJSON_DeleteItemFromObjectCaseSensitive(meta, "creationTimestamp");
        cJSON_DeleteItemFromObjectCaseSensitive(meta, "selfLink");
        const char *const keep[] = {"deletionTimestamp", "deletionGracePeriodSeconds", "generation", NULL};
        for (int i = 0; keep[i]; i++) {
            cJSON_DeleteItemFromObjectCaseSensitive(meta, keep[i]);
            cJSON *ov = cJSON_GetObjectItemCaseSensitive(old_meta, keep[i]);
            if (ov) cJSON_AddItemToObject(meta, keep[i], cJSON_Duplicate(ov, 1));
        }
        if (s && s->has_status) {
            cJSON_DeleteItemFromObjectCaseSensitive(obj, "status");
            cJSON *os = cJSON_GetObjectItemCaseSensitive(old, "status");
            if (os) cJSON_AddItemToObject(obj, "status", cJSON_Duplicate(os, 1));
        }
        if (s && s->has_generation) {
            const cJSON *nspec = cJSON_GetObjectItemCaseSensitive(obj, "spec");
            const cJSON *ospec = cJSON_GetObjectItemCaseSensitive(old, "spec");
            if (!cJSON_Compare(nspec, ospec, 1)) {
                cJSON *g = cJSON_GetObjectItemCaseSensitive(meta, "generation");
                double gv = cJSON_IsNumber(g) ? g->valuedouble : 0;
                cJSON_DeleteItemFromObjectCaseSensitive(meta, "generation");
                cJSON_AddNumberToObject(meta, "generation", gv + 1);
            }
        }
        if (s && s->prepare_for_update) s->prepare_for_update(obj, old);
    }
    /* the revision this update is based on (kube fills it in for
     * unconditional updates) */
    char orv[32];
    snprintf(orv, sizeof orv, "%lld", (long long)old_rev);
    set_string(meta, "resourceVersion", orv);
    field_errors *errs = kapi_palloc(c->req->pool, sizeof *errs);
    validate_all(c, obj, errs);
    validate_object_meta_update(meta, old_meta, errs);
    if (s && s->validate_update) s->validate_update(obj, old, errs);
    if (errs->n) { fail_invalid(c, errs, name); return; }
    canonicalize_order(obj);
    /* an update that changes nothing is not written (kube's GuaranteedUpdate) */
    if (cJSON_Compare(obj, old, 1)) {
        respond_with_object(c, 200, old, orv);
        return;
    }
    if (c->dry_run) { respond_with_object(c, 200, obj, orv); return; }
    int64_t rev = 0;
    store_rc rc = store_update_if_revision(c->ctx->store, resource_key(c->req->pool, c->r, c->ns, name),
                                           obj, expected_rev ? expected_rev : old_rev, &rev);
    if (rc == STORE_CONFLICT) {
        fail_conflict(c, name, "the object has been modified; please apply your changes to the latest version and try again");
        return;
    }
    if (rc == STORE_NOT_FOUND) { fail_not_found(c, name); return; }
    if (rc != STORE_OK) { fail_internal(c, "writing to storage failed"); return; }
    char rv[32];
    snprintf(rv, sizeof rv, "%lld", (long long)rev);
    respond_with_object(c, 200, obj, rv);
}

/* Reads the stored object for an update; answers and returns NULL if gone. */
static cJSON *load_current(rest_call *c, const char *name, int64_t *rev)
{
    store_kv kv;
    store_rc rc = store_get(c->ctx->store, resource_key(c->req->pool, c->r, c->ns, name), &kv);
    if (rc == STORE_NOT_FOUND) { fail_not_found(c, name); return NULL; }
    if (rc != STORE_OK) { fail_internal(c, "reading from storage failed"); return NULL; }
    *rev = kv.mod_rev;
    cJSON *obj = parse_stored(c, kv.value);
    store_kv_free(&kv);
    if (!obj) fail_internal(c, "stored object is corrupt");
    return obj;
}

static void rest_update(rest_call *c, const char *name, int status_only)
{
    cJSON *st = NULL;
    cJSON *obj = decode_body(c->req, c->r->kind, &st);
    if (!obj) { respond_status(c->req, c->resp, st); return; }
    if (check_type_meta(c, obj)) return;
    cJSON *meta = metadata_of(obj);
    const char *oname = string_at(meta, "name");
    if (!oname || strcmp(oname, name)) {
        char msg[700];
        snprintf(msg, sizeof msg, "the name of the object (%s) does not match the name on the URL (%s)",
                 oname ? oname : "", name);
        fail_bad_request(c, msg);
        return;
    }
    if (check_namespace(c, meta)) return;
    int64_t expected = parse_rv(string_at(meta, "resourceVersion"));
    if (expected < 0) {
        field_errors *errs = kapi_palloc(c->req->pool, sizeof *errs);
        field_error_add_str(errs, FIELD_INVALID, "metadata.resourceVersion",
                            string_at(meta, "resourceVersion"), "must be specified for an update");
        fail_invalid(c, errs, name);
        return;
    }
    int64_t rev = 0;
    cJSON *old = load_current(c, name, &rev);
    if (!old) return;
    if (expected && expected != rev) {
        fail_conflict(c, name, "the object has been modified; please apply your changes to the latest version and try again");
        return;
    }
    finish_update(c, name, obj, old, rev, expected, status_only);
}

/* RFC 7386 JSON merge patch, applied in place; returns the new target. */
static cJSON *merge_patch(cJSON *target, const cJSON *patch)
{
    if (!cJSON_IsObject(patch)) {
        cJSON_Delete(target);
        return cJSON_Duplicate(patch, 1);
    }
    if (!cJSON_IsObject(target)) {
        cJSON_Delete(target);
        target = cJSON_CreateObject();
    }
    for (const cJSON *p = patch->child; p; p = p->next) {
        if (cJSON_IsNull(p)) {
            cJSON_DeleteItemFromObjectCaseSensitive(target, p->string);
            continue;
        }
        cJSON *cur = cJSON_DetachItemFromObjectCaseSensitive(target, p->string);
        cJSON *merged = merge_patch(cur, p);
        cJSON_AddItemToObject(target, p->string, merged);
    }
    return target;
}

static void rest_patch(rest_call *c, const char *name, int status_only)
{
    const char *mt = request_media_type(c->req);
    if (strcmp(mt, "application/merge-patch+json") != 0) {
        respond_status(c->req, c->resp, status_new(KAPI_UNSUPPORTED_MEDIA,
            "the body of the request was in an unknown format - accepted media types include: "
            "application/merge-patch+json"));
        return;
    }
    char err[512];
    cJSON *patch = json_parse_strict(c->req->body ? c->req->body : "", c->req->body_len, err, sizeof err);
    if (!patch) {
        char msg[800];
        snprintf(msg, sizeof msg, "error decoding patch: %s", err);
        fail_bad_request(c, msg);
        return;
    }
    kapi_pool_keep_json(c->req->pool, patch);
    int64_t rev = 0;
    cJSON *old = load_current(c, name, &rev);
    if (!old) return;
    cJSON *obj = merge_patch(cJSON_Duplicate(old, 1), patch);
    kapi_pool_keep_json(c->req->pool, obj);
    if (!cJSON_IsObject(obj) || check_type_meta(c, obj)) {
        if (!cJSON_IsObject(obj)) fail_bad_request(c, "the patch does not produce an object");
        return;
    }
    cJSON *meta = metadata_of(obj);
    const char *oname = string_at(meta, "name");
    if (!oname || strcmp(oname, name)) {
        char msg[700];
        snprintf(msg, sizeof msg, "the name of the object (%s) does not match the name on the URL (%s)",
                 oname ? oname : "", name);
        fail_bad_request(c, msg);
        return;
    }
    int64_t expected = parse_rv(string_at(meta, "resourceVersion"));
    if (expected < 0) expected = 0;
    if (expected && expected != rev) {
        fail_conflict(c, name, "the object has been modified; please apply your changes to the latest version and try again");
        return;
    }
    finish_update(c, name, obj, old, rev, expected, status_only);
}

static void rest_delete(rest_call *c, const char *name)
{
    /* DeleteOptions (optional body): preconditions and dryRun */
    const char *pre_uid = NULL, *pre_rv = NULL;
    if (c->req->body_len > 0) {
        char err[512];
        cJSON *opts = json_parse_strict(c->req->body, c->req->body_len, err, sizeof err);
        if (!opts) {
            char msg[800];
            snprintf(msg, sizeof msg, "the object provided is unrecognized (must be of type DeleteOptions): %s", err);
            fail_bad_request(c, msg);
            return;
        }
        kapi_pool_keep_json(c->req->pool, opts);
        cJSON *pre = cJSON_GetObjectItemCaseSensitive(opts, "preconditions");
        pre_uid = string_at(pre, "uid");
        pre_rv = string_at(pre, "resourceVersion");
        cJSON *dr = cJSON_GetObjectItemCaseSensitive(opts, "dryRun");
        if (cJSON_IsArray(dr) && cJSON_GetArraySize(dr) > 0) c->dry_run = 1;
    }
    int64_t rev = 0;
    cJSON *old = load_current(c, name, &rev);
    if (!old) return;
    cJSON *meta = metadata_of(old);
    const char *uid = string_at(meta, "uid");
    if (pre_uid && (!uid || strcmp(pre_uid, uid))) {
        char why[300];
        snprintf(why, sizeof why, "Precondition failed: UID in precondition: %s, UID in object meta: %s",
                 pre_uid, uid ? uid : "");
        fail_conflict(c, name, why);
        return;
    }
    if (pre_rv && parse_rv(pre_rv) != rev) {
        char why[300];
        snprintf(why, sizeof why,
                 "Precondition failed: ResourceVersion in precondition: %s, ResourceVersion in object meta: %lld",
                 pre_rv, (long long)rev);
        fail_conflict(c, name, why);
        return;
    }
    const kapi_strategy *s = c->r->strategy;
    if (c->r == resource_find("", "v1", "namespaces") &&
        (!strcmp(name, "default") || !strcmp(name, "kube-system") || !strcmp(name, "kube-public"))) {
        char msg[300];
        snprintf(msg, sizeof msg, "namespaces \"%s\" is forbidden: this namespace may not be deleted", name);
        respond_status(c->req, c->resp, status_new_details(KAPI_FORBIDDEN, msg, name, NULL, "namespaces"));
        return;
    }
    if (c->dry_run) {
        if (s && s->return_deleted_object) respond_with_object(c, 200, old, NULL);
        else respond_status(c->req, c->resp, status_success(name, c->r->group, c->r->plural, uid));
        return;
    }
    cJSON *deleted = NULL;
    int64_t drev = 0;
    store_rc rc = store_delete_if_revision(c->ctx->store, resource_key(c->req->pool, c->r, c->ns, name),
                                           rev, &deleted, &drev);
    if (rc == STORE_NOT_FOUND) { fail_not_found(c, name); return; }
    if (rc == STORE_CONFLICT) {
        fail_conflict(c, name, "the object has been modified; please apply your changes to the latest version and try again");
        return;
    }
    if (rc != STORE_OK) { fail_internal(c, "deleting from storage failed"); return; }
    kapi_pool_keep_json(c->req->pool, deleted);
    if (s && s->return_deleted_object) {
        respond_with_object(c, 200, deleted ? deleted : old, NULL);
        return;
    }
    cJSON *ok = status_success(name, c->r->group, c->r->plural, uid);
    output_format fmt;
    error_format(c->req, &fmt);
    respond_object(c->req, c->resp, 200, ok, &fmt);
    cJSON_Delete(ok);
}

static void rest_deletecollection(rest_call *c)
{
    output_format fmt;
    if (negotiate(c, &fmt, 0)) return;
    selector labels, fields;
    if (parse_selectors(c, &labels, &fields)) return;
    list_acc acc = {.items = kapi_pool_keep_json(c->req->pool, cJSON_CreateArray()),
                    .labels = &labels, .fields = &fields};
    int64_t rev = 0;
    const char *prefix = resource_key(c->req->pool, c->r, c->ns, NULL);
    if (store_list(c->ctx->store, prefix, NULL, 0, list_collect, &acc, &rev) != STORE_OK || acc.bad) {
        fail_internal(c, "listing from storage failed");
        return;
    }
    cJSON *deleted_items = kapi_pool_keep_json(c->req->pool, cJSON_CreateArray());
    cJSON *item;
    cJSON_ArrayForEach(item, acc.items) {
        cJSON *m = cJSON_GetObjectItemCaseSensitive(item, "metadata");
        const char *name = string_at(m, "name"), *ns = string_at(m, "namespace");
        if (!name) continue;
        if (c->dry_run) { cJSON_AddItemToArray(deleted_items, cJSON_Duplicate(item, 1)); continue; }
        cJSON *deleted = NULL;
        const char *key = resource_key(c->req->pool, c->r, ns ? ns : c->ns, name);
        if (store_delete_if_revision(c->ctx->store, key, 0, &deleted, NULL) == STORE_OK && deleted) {
            cJSON_DeleteItemFromObjectCaseSensitive(deleted, "kind");
            cJSON_DeleteItemFromObjectCaseSensitive(deleted, "apiVersion");
            cJSON_AddItemToArray(deleted_items, deleted);
        }
    }
    cJSON *list = cJSON_CreateObject();
    cJSON_AddStringToObject(list, "kind", kapi_psprintf(c->req->pool, "%sList", c->r->kind));
    cJSON_AddStringToObject(list, "apiVersion", resource_api_version(c->r));
    cJSON *lm = cJSON_AddObjectToObject(list, "metadata");
    cJSON_AddStringToObject(lm, "resourceVersion",
                            kapi_psprintf(c->req->pool, "%lld", (long long)store_revision(c->ctx->store)));
    cJSON_AddItemReferenceToObject(list, "items", deleted_items);
    respond_object(c->req, c->resp, 200, list, &fmt);
    cJSON_Delete(list);
}

static int verb_allowed(const kapi_resource *r, const char *verb)
{
    static const struct { const char *name; unsigned bit; } verbs[] = {
        {"get", VERB_GET}, {"list", VERB_LIST}, {"watch", VERB_WATCH}, {"create", VERB_CREATE},
        {"update", VERB_UPDATE}, {"patch", VERB_PATCH}, {"delete", VERB_DELETE},
        {"deletecollection", VERB_DELETECOLLECTION}};
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
        if (!strcmp(verbs[i].name, verb)) return (r->verbs & verbs[i].bit) != 0;
    return 0;
}

void rest_handle(kapi_ctx *ctx, kapi_request *req, const request_info *info,
                 const kapi_user *user, kapi_response *resp)
{
    rest_call c = {.ctx = ctx, .req = req, .info = info, .user = user, .resp = resp};
    c.r = resource_find(info->group, info->version, info->resource);
    if (!c.r || info->n_parts > 0) { respond_not_found_path(req, resp); return; }
    const char *name = info->url_name;
    int is_namespaces = !strcmp(c.r->plural, "namespaces") && !c.r->group[0];
    if (is_namespaces) {
        /* /api/v1/namespaces/<name>[/status]: the namespace is the object */
        c.ns = "";
        if (!name[0] && info->namespace_[0]) name = info->namespace_;
    } else if (c.r->namespaced) {
        c.ns = info->namespace_;
    } else {
        if (info->namespace_[0]) { respond_not_found_path(req, resp); return; }
        c.ns = "";
    }
    const char *dr = query_get(req, "dryRun");
    if (dr && *dr) {
        if (strcmp(dr, "All")) {
            char msg[300];
            snprintf(msg, sizeof msg, "Invalid dry run value: %.200s", dr);
            respond_status(req, resp, status_new_details(KAPI_BAD_REQUEST, msg, NULL, NULL, NULL));
            return;
        }
        c.dry_run = 1;
    }
    int status_only = 0;
    if (info->subresource[0]) {
        if (strcmp(info->subresource, "status") || !c.r->strategy || !c.r->strategy->has_status || !name[0]) {
            respond_not_found_path(req, resp);
            return;
        }
        status_only = 1;
    }
    const char *verb = info->verb;
    /* a name that can never be a storage key: kube's 400 */
    if (name[0]) {
        char msg[512];
        if (!name_is_valid_path_segment(name, msg, sizeof msg)) {
            fail_bad_request(&c, msg);
            return;
        }
    }
    if (status_only && (strcmp(verb, "get") && strcmp(verb, "update") && strcmp(verb, "patch"))) {
        fail_method_not_allowed(&c);
        return;
    }
    if (!status_only && !verb_allowed(c.r, verb)) { fail_method_not_allowed(&c); return; }
    if (c.r->namespaced && !c.ns[0] && !is_namespaces &&
        (!strcmp(verb, "create") || !strcmp(verb, "deletecollection") || name[0])) {
        fail_method_not_allowed(&c);
        return;
    }
    if (!strcmp(verb, "get")) rest_get(&c, name);
    else if (!strcmp(verb, "list")) rest_list(&c);
    else if (!strcmp(verb, "create")) {
        if (name[0]) fail_method_not_allowed(&c);
        else rest_create(&c);
    } else if (!strcmp(verb, "update")) rest_update(&c, name, status_only);
    else if (!strcmp(verb, "patch")) rest_patch(&c, name, status_only);
    else if (!strcmp(verb, "delete")) rest_delete(&c, name);
    else if (!strcmp(verb, "deletecollection")) rest_deletecollection(&c);
    else fail_method_not_allowed(&c);
}
