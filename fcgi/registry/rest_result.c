/* rest_result.c: the answers of the REST verbs. Verbs build a rest_result
 * (an object, a list, a Status) and return it; rest_write_result is the one
 * place that encodes it into the response in the negotiated format (JSON,
 * YAML or a Table, pretty for curl), and rest_store_failure the one place a
 * store result becomes kube's Status. The failures are worded as kube's
 * apierrors (staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go). */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "codec/codec.h"
#include "core/status.h"
#include "registry/rest_internal.h"
#include "registry/tables.h"

/* kube's message for a list whose revision is compacted (storage/etcd3/errors.go) */
#define LIST_EXPIRED "The resourceVersion for the provided list is too old."
/* etcd's rpctypes.ErrNoSpace, the write refused past the space quota */
#define ETCD_NO_SPACE "etcdserver: mvcc: database space exceeded"
/* registry.Store's conflict for a failed revision precondition */
#define OBJECT_MODIFIED "the object has been modified; please apply your changes to the latest version and try again"

/* ---- results */

rest_result rest_object(rest_call *c, int http, cJSON *obj, const char *rv)
{
    (void)c;
    assert(obj);
    return (rest_result){.answer = REST_OBJECT, .http = http, .body = obj, .rv = rv, .remaining = -1};
}

rest_result rest_plain_object(rest_call *c, int http, cJSON *obj)
{
    rest_result r = rest_object(c, http, obj, NULL);
    r.no_table = 1;
    return r;
}

rest_result rest_list_of(rest_call *c, cJSON *items, const char *rv, const char *next,
                         long long remaining, int table_ok)
{
    (void)c;
    assert(cJSON_IsArray(items));
    return (rest_result){.answer = REST_LIST, .http = 200, .body = items, .rv = rv, .next = next,
                         .remaining = remaining, .no_table = !table_ok};
}

rest_result rest_status(rest_call *c, cJSON *status, int http)
{
    assert(status);
    kapi_pool_keep_json(c->req->pool, status);
    if (!http) {
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(status, "code");
        http = cJSON_IsNumber(code) ? code->valueint : 500;
    }
    return (rest_result){.answer = REST_STATUS, .http = http, .body = status, .remaining = -1};
}

rest_result rest_streamed(void)
{
    return (rest_result){.answer = REST_STREAMED, .remaining = -1};
}

/* ---- failures worded as kube's apierrors */

const char *rest_qualified_resource(rest_call *c)
{
    if (!c->r->group[0]) return c->r->plural;
    return kapi_psprintf(c->req->pool, "%s.%s", c->r->plural, c->r->group);
}

rest_result rest_not_found(rest_call *c, const char *name)
{
    char msg[600];
    snprintf(msg, sizeof msg, "%s \"%s\" not found", rest_qualified_resource(c), name);
    return rest_status(c, status_new_details(KAPI_NOT_FOUND, msg, name, c->r->group, c->r->plural), 0);
}

rest_result rest_already_exists(rest_call *c, const char *name)
{
    char msg[600];
    snprintf(msg, sizeof msg, "%s \"%s\" already exists", rest_qualified_resource(c), name);
    return rest_status(c, status_new_details(KAPI_ALREADY_EXISTS, msg, name, c->r->group, c->r->plural), 0);
}

rest_result rest_conflict(rest_call *c, const char *name, const char *why)
{
    char msg[1200];
    snprintf(msg, sizeof msg, "Operation cannot be fulfilled on %s \"%s\": %s",
             rest_qualified_resource(c), name, why);
    return rest_status(c, status_new_details(KAPI_CONFLICT, msg, name, c->r->group, c->r->plural), 0);
}

rest_result rest_modified(rest_call *c, const char *name)
{
    return rest_conflict(c, name, OBJECT_MODIFIED);
}

rest_result rest_bad_request(rest_call *c, const char *msg)
{
    return rest_status(c, status_new_details(KAPI_BAD_REQUEST, msg, NULL, NULL, NULL), 0);
}

rest_result rest_internal(rest_call *c, const char *what)
{
    char msg[600];
    snprintf(msg, sizeof msg, "Internal error occurred: %s", what);
    return rest_status(c, status_new_details(KAPI_INTERNAL, msg, NULL, NULL, NULL), 0);
}

rest_result rest_method_not_allowed(rest_call *c)
{
    return rest_status(c, status_new_details(KAPI_METHOD_NOT_ALLOWED,
                                             "the server does not allow this method on the requested resource",
                                             NULL, NULL, NULL), 0);
}

rest_result rest_not_found_path(rest_call *c)
{
    return rest_status(c, status_new_details(KAPI_NOT_FOUND, "the server could not find the requested resource",
                                             NULL, NULL, NULL), 0);
}

rest_result rest_invalid(rest_call *c, const field_errors *errs, const char *name)
{
    return rest_status(c, field_errors_status(errs, c->r->group, c->r->kind, name), 0);
}

rest_result rest_error(rest_call *c, kapi_rc rc, const char *msg)
{
    return rest_status(c, status_new(rc, msg), 0);
}

rest_result rest_not_acceptable(rest_call *c)
{
    return rest_error(c, KAPI_NOT_ACCEPTABLE,
                      "only the following media types are accepted: application/json, application/yaml");
}

rest_result rest_store_failure(rest_call *c, store_rc rc, const char *name, const char *what)
{
    assert(rc != STORE_OK);
    switch (rc) {
    case STORE_NOT_FOUND: return rest_not_found(c, name);
    case STORE_EXISTS: return rest_already_exists(c, name);
    case STORE_CONFLICT: return rest_modified(c, name);
    case STORE_COMPACTED: return rest_status(c, status_new(KAPI_GONE, LIST_EXPIRED), 0);
    case STORE_NO_SPACE: {
        /* etcd's error, passed through as kube-apiserver passes it: a 500
         * Status with etcd's text and no reason (ErrorToAPIStatus). */
        cJSON *st = status_new(KAPI_INTERNAL, ETCD_NO_SPACE);
        cJSON_DeleteItemFromObjectCaseSensitive(st, "reason");
        return rest_status(c, st, 0);
    }
    default: return rest_internal(c, what);
    }
}

/* ---- the encoder */

table_include rest_include_mode(rest_call *c)
{
    const char *inc = query_get(c->req, "includeObject");
    if (inc && !strcmp(inc, "None")) return INCLUDE_NONE;
    if (inc && !strcmp(inc, "Object")) return INCLUDE_OBJECT;
    return INCLUDE_METADATA;
}

int rest_negotiate(rest_call *c, output_format *fmt, int table_ok, rest_result *fail)
{
    if (negotiate_output(c->req, table_ok ? ALLOW_TABLE : 0, fmt) == KAPI_OK) return 0;
    *fail = rest_not_acceptable(c);
    return -1;
}

static const char *table_api_version(const output_format *fmt)
{
    return !strcmp(fmt->version, "v1") ? "meta.k8s.io/v1" : "meta.k8s.io/v1beta1";
}

/* The document a list is sent as: a <Kind>List, or a Table. NULL if the
 * Table cannot be built. Caller frees. */
static cJSON *list_document(rest_call *c, const rest_result *res, const output_format *fmt)
{
    cJSON *doc;
    if (fmt->kind == OUTPUT_TABLE) {
        doc = table_build(c->r, res->body, rest_include_mode(c), table_api_version(fmt), res->rv,
                          res->next, time(NULL));
    } else {
        doc = cJSON_CreateObject();
        cJSON_AddStringToObject(doc, "kind", kapi_psprintf(c->req->pool, "%sList", c->r->kind));
        cJSON_AddStringToObject(doc, "apiVersion", resource_api_version(c->r));
        cJSON *meta = cJSON_AddObjectToObject(doc, "metadata");
        cJSON_AddStringToObject(meta, "resourceVersion", res->rv ? res->rv : "");
        if (res->next) cJSON_AddStringToObject(meta, "continue", res->next);
        cJSON_AddItemReferenceToObject(doc, "items", res->body);
        const kapi_strategy *st = c->r->strategy;
        cJSON *item;
        if (st && st->from_storage) cJSON_ArrayForEach(item, res->body) st->from_storage(item);
    }
    if (!doc) return NULL;
    cJSON *meta = cJSON_GetObjectItemCaseSensitive(doc, "metadata");
    if (res->remaining >= 0 && meta) cJSON_AddNumberToObject(meta, "remainingItemCount", (double)res->remaining);
    return doc;
}

/* An object as a one-row Table. Caller frees. */
static cJSON *object_table(rest_call *c, const rest_result *res, const output_format *fmt)
{
    cJSON *items = cJSON_CreateArray();
    cJSON_AddItemReferenceToArray(items, res->body);
    cJSON *t = table_build(c->r, items, rest_include_mode(c), table_api_version(fmt), res->rv ? res->rv : "",
                           NULL, time(NULL));
    cJSON_Delete(items);
    return t;
}

void rest_write_result(rest_call *c, const rest_result *res)
{
    assert(res->answer != REST_NONE);
    if (res->answer == REST_STREAMED) return;
    output_format fmt;
    if (res->answer == REST_STATUS) {
        error_format(c->req, &fmt);
        respond_object(c->req, c->resp, res->http, res->body, &fmt);
        return;
    }
    rest_result fail;
    if (rest_negotiate(c, &fmt, !res->no_table, &fail)) {
        rest_write_result(c, &fail);
        return;
    }
    if (res->answer == REST_OBJECT && fmt.kind != OUTPUT_TABLE) {
        /* the kind's own objects in its served form (not a subresource's) */
        cJSON *obj = res->no_table ? res->body : rest_served_form(c, res->body);
        respond_object(c->req, c->resp, res->http, obj, &fmt);
        return;
    }
    cJSON *doc = res->answer == REST_LIST ? list_document(c, res, &fmt) : object_table(c, res, &fmt);
    if (!doc) {
        rest_result broken = rest_internal(c, "encoding the list failed");
        rest_write_result(c, &broken);
        return;
    }
    respond_object(c->req, c->resp, res->http, doc, &fmt);
    cJSON_Delete(doc);
}
