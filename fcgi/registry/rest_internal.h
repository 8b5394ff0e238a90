/* rest_internal.h: what the REST verbs share (registry/rest.c, list.c and
 * the kinds' own subresources under registry/kinds/): the call being served,
 * kube's error answers, object helpers and the encoder. */
#ifndef KAPI_REST_INTERNAL_H
#define KAPI_REST_INTERNAL_H

#include <stdint.h>
#include <cjson/cJSON.h>
#include "codec/codec.h"
#include "codec/fielderr.h"
#include "core/request.h"
#include "codec/selector.h"
#include "core/kapi.h"
#include "kinds/resource.h"
#include "registry/tables.h"
#include "codec/validate_meta.h"

/* One REST request being served. */
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

/* ---- answers worded as kube's apierrors (each sends the response) */
const char *rest_qualified_resource(rest_call *c);   /* "pods", "deployments.apps" */
void rest_fail_not_found(rest_call *c, const char *name);
void rest_fail_already_exists(rest_call *c, const char *name);
void rest_fail_conflict(rest_call *c, const char *name, const char *why);
void rest_fail_bad_request(rest_call *c, const char *msg);
void rest_fail_internal(rest_call *c, const char *what);
void rest_fail_method_not_allowed(rest_call *c);
void rest_fail_invalid(rest_call *c, const field_errors *errs, const char *name);

/* ---- objects */
cJSON *obj_metadata(cJSON *obj);                     /* metadata, created if missing */
const char *obj_string(const cJSON *obj, const char *key);  /* NULL unless a string */
void obj_set_string(cJSON *obj, const char *key, const char *value);
void obj_move_to_end(cJSON *obj, const char *key);
void obj_canonicalize_order(cJSON *obj);             /* kube's field order */
name_validator rest_name_validator(const kapi_resource *r);
int64_t rest_parse_rv(const char *s);                /* 0 empty, -1 malformed */
cJSON *rest_parse_stored(rest_call *c, const char *text);   /* owned by the pool */
/* The stored object and its revision; answers 404/500 and returns NULL. */
cJSON *rest_load_current(rest_call *c, const char *name, int64_t *rev);

/* ---- decoding and validation */
int rest_check_type_meta(rest_call *c, cJSON *obj);  /* 0, or answered 400 */
int rest_check_namespace(rest_call *c, cJSON *meta); /* 0, or answered 400 */
void rest_validate(rest_call *c, const cJSON *obj, field_errors *errs);
int rest_parse_selectors(rest_call *c, selector *labels, selector *fields);

/* ---- encoding */
table_include rest_include_mode(rest_call *c);
int rest_negotiate(rest_call *c, output_format *fmt, int table_ok);  /* 0, or answered 406 */
/* Sends obj (not consumed) as JSON, YAML or a one-row Table. */
void rest_respond_object(rest_call *c, int http, cJSON *obj, const char *rv);

/* ---- verbs living outside rest.c */
void rest_list(rest_call *c);
void rest_deletecollection(rest_call *c);
void rest_watch(rest_call *c);     /* registry/watch.c: streams through c->resp->stream_write */
/* registry/list_options.c: GET's ?resourceVersion=X (an answer no older than
 * X: waits up to 3 s, then kube's 504); answers and returns -1 on error. */
int rest_check_get_resource_version(rest_call *c);
/* registry/delete.c: DELETE of one object (finalizers, propagationPolicy,
 * namespaces marked Terminating), and the removal of a marked object whose
 * last finalizer an update takes away. */
void rest_delete(rest_call *c, const char *name);
int rest_should_delete_during_update(rest_call *c, const cJSON *obj, const cJSON *old);
void rest_delete_during_update(rest_call *c, const char *name, cJSON *old, int64_t expected_rev);

/* registry/rest.c: the common tail of update and patch (and of subresources
 * that update their parent, such as scale): obj replaces old, stored at
 * old_rev; expected_rev is the precondition (0: unconditional); status_only
 * for /status. Answers with the stored object or the error. */
void rest_finish_update(rest_call *c, const char *name, cJSON *obj, cJSON *old, int64_t old_rev,
                        int64_t expected_rev, int status_only);

#endif
