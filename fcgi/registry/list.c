/* list.c: LIST and DELETECOLLECTION: label and field selectors, limit and
 * continue, answers as a typed List or a Table. */
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
#include "registry/rest_internal.h"
#include "registry/tables.h"
#include "registry/validate_meta.h"
#include "store/store.h"

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
int rest_parse_selectors(rest_call *c, selector *labels, selector *fields)
{
    char err[512];
    if (label_selector_parse(c->req->pool, query_get(c->req, "labelSelector"), labels, err, sizeof err)) {
        rest_fail_bad_request(c, err);
        return -1;
    }
    if (field_selector_parse(c->req->pool, query_get(c->req, "fieldSelector"), fields, err, sizeof err)) {
        rest_fail_bad_request(c, err);
        return -1;
    }
    for (int i = 0; i < fields->n; i++) {
        if (!field_is_selectable(c->r, fields->reqs[i].key)) {
            snprintf(err, sizeof err, "field label not supported: %s", fields->reqs[i].key);
            rest_fail_bad_request(c, err);
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

static int rest_list_collect(void *arg, const char *key, const char *value, int64_t mod_rev)
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

void rest_list(rest_call *c)
{
    output_format fmt;
    if (rest_negotiate(c, &fmt, 1)) return;
    selector labels, fields;
    if (rest_parse_selectors(c, &labels, &fields)) return;
    long limit = 0;
    const char *ls = query_get(c->req, "limit");
    if (ls && *ls) limit = strtol(ls, NULL, 10);
    if (limit < 0) limit = 0;
    const char *prefix = resource_key(c->req->pool, c->r, c->ns, NULL);
    /* continue token: the last key returned, relative to the list's prefix */
    const char *cont = query_get(c->req, "continue");
    const char *start_after = NULL;
    if (cont && *cont) {
        if (strstr(cont, "..") || cont[0] == '/') { rest_fail_bad_request(c, "continue key is not valid"); return; }
        start_after = kapi_psprintf(c->req->pool, "%s%s", prefix, cont);
    }
    list_acc acc = {.items = kapi_pool_keep_json(c->req->pool, cJSON_CreateArray()),
                    .labels = &labels, .fields = &fields, .limit = limit};
    int64_t rev = 0;
    store_rc rc = store_list(c->ctx->store, prefix, start_after, 0, rest_list_collect, &acc, &rev);
    if (rc != STORE_OK || acc.bad) { rest_fail_internal(c, "listing from storage failed"); return; }
    char rv[32];
    snprintf(rv, sizeof rv, "%lld", (long long)rev);
    const char *next = NULL;
    if (limit > 0 && acc.count > limit) {
        /* one more than asked: there is a next page; drop it, point at the last kept */
        cJSON_Delete(cJSON_DetachItemFromArray(acc.items, (int)limit));
        cJSON *last = cJSON_GetArrayItem(acc.items, (int)limit - 1);
        cJSON *lm = cJSON_GetObjectItemCaseSensitive(last, "metadata");
        const char *lname = obj_string(lm, "name"), *lns = obj_string(lm, "namespace");
        if (c->r->namespaced && !c->ns[0] && lns)
            next = kapi_psprintf(c->req->pool, "%s/%s", lns, lname ? lname : "");
        else next = kapi_pstrdup(c->req->pool, lname ? lname : "");
    }
    if (fmt.kind == OUTPUT_TABLE) {
        const char *api = !strcmp(fmt.version, "v1") ? "meta.k8s.io/v1" : "meta.k8s.io/v1beta1";
        cJSON *t = table_build(c->r, acc.items, rest_include_mode(c), api, rv, next, time(NULL));
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

void rest_deletecollection(rest_call *c)
{
    output_format fmt;
    if (rest_negotiate(c, &fmt, 0)) return;
    selector labels, fields;
    if (rest_parse_selectors(c, &labels, &fields)) return;
    list_acc acc = {.items = kapi_pool_keep_json(c->req->pool, cJSON_CreateArray()),
                    .labels = &labels, .fields = &fields};
    int64_t rev = 0;
    const char *prefix = resource_key(c->req->pool, c->r, c->ns, NULL);
    if (store_list(c->ctx->store, prefix, NULL, 0, rest_list_collect, &acc, &rev) != STORE_OK || acc.bad) {
        rest_fail_internal(c, "listing from storage failed");
        return;
    }
    cJSON *deleted_items = kapi_pool_keep_json(c->req->pool, cJSON_CreateArray());
    cJSON *item;
    cJSON_ArrayForEach(item, acc.items) {
        cJSON *m = cJSON_GetObjectItemCaseSensitive(item, "metadata");
        const char *name = obj_string(m, "name"), *ns = obj_string(m, "namespace");
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

