/* rest_internal.h: what the REST verbs share (registry/rest.c, list.c and
 * the kinds' own subresources under registry/kinds/): the call being served,
 * the result every verb returns and its one encoder, kube's error answers,
 * object helpers and the patch machinery. */
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
#include "store/store.h"

/* One REST request being served. */
typedef struct rest_call {
    kapi_ctx *ctx;
    kapi_request *req;
    const request_info *info;
    const kapi_user *user;
    kapi_response *resp;   /* written once, by rest_write_result (watch: as it streams);
                              field validation adds its Warning headers as it goes */
    const kapi_resource *r;
    const char *ns;        /* namespace of the request ("" for cluster-scoped) */
    int dry_run;
    int crd_cleanup;       /* deleting a CRD's custom resources: the CRD's DELETE
                              finishes it, not crd_custom_resource_removed */
    int managed_done;      /* managedFields already recorded (server-side apply) */
} rest_call;

/* ---- what a verb answers
 *
 * Every verb and subresource computes a rest_result and returns it; the
 * request handler writes it with rest_write_result, the one place that
 * encodes an answer (JSON, YAML or a Table, pretty or not). Whatever a
 * result holds lives in the request's pool. Steps that may fail return 0,
 * or -1 with the failure in a rest_result *fail the caller passes on. */
typedef enum rest_answer {
    REST_NONE = 0,     /* a zero rest_result: no answer (never written) */
    REST_OBJECT,       /* body is an object: JSON, YAML, or a one-row Table */
    REST_LIST,         /* body is the items of a list: a <Kind>List, or a Table */
    REST_STATUS,       /* body is a v1 Status, in the error format (JSON or YAML) */
    REST_STREAMED      /* the answer has been streamed already (watch) */
} rest_answer;

typedef struct rest_result {
    rest_answer answer;
    int http;              /* the HTTP status; a failure Status's own code */
    cJSON *body;           /* see rest_answer */
    const char *rv;        /* an object's revision (a one-row Table's); a list's */
    const char *next;      /* a list's continue token, or NULL */
    long long remaining;   /* a list's remainingItemCount, or -1 */
    int no_table;          /* never a Table: 406 when only a Table is acceptable */
} rest_result;

rest_result rest_object(rest_call *c, int http, cJSON *obj, const char *rv);  /* obj: pool's */
/* An object that is not of the URL's kind's table (reviews): JSON or YAML. */
rest_result rest_plain_object(rest_call *c, int http, cJSON *obj);
rest_result rest_list_of(rest_call *c, cJSON *items, const char *rv, const char *next,
                         long long remaining, int table_ok);
/* A Status (taken over by the pool), sent with http, or its own code when 0. */
rest_result rest_status(rest_call *c, cJSON *status, int http);
rest_result rest_streamed(void);

/* Writes res into c->resp in the negotiated format: the one encoder of the
 * REST verbs. A Status goes in the error format (JSON or YAML, never a
 * Table); an object or list the client cannot accept becomes kube's 406. */
void rest_write_result(rest_call *c, const rest_result *res);

/* ---- failures worded as kube's apierrors */
const char *rest_qualified_resource(rest_call *c);   /* "pods", "deployments.apps" */
rest_result rest_not_found(rest_call *c, const char *name);
rest_result rest_already_exists(rest_call *c, const char *name);
rest_result rest_conflict(rest_call *c, const char *name, const char *why);
/* The conflict of a write whose revision precondition failed. */
rest_result rest_modified(rest_call *c, const char *name);
rest_result rest_bad_request(rest_call *c, const char *msg);
rest_result rest_internal(rest_call *c, const char *what);
rest_result rest_method_not_allowed(rest_call *c);
rest_result rest_not_found_path(rest_call *c);   /* "the server could not find the requested resource" */
rest_result rest_invalid(rest_call *c, const field_errors *errs, const char *name);
rest_result rest_error(rest_call *c, kapi_rc rc, const char *msg);    /* no details */
rest_result rest_not_acceptable(rest_call *c);
/* The one mapping of a store result (not STORE_OK) to kube's Status, as
 * kube's storage.Interpret*Error do it: NotFound and AlreadyExists of
 * resource/name, Conflict for a failed revision precondition, 410 for
 * compacted history, and otherwise a 500 "Internal error occurred: <what>"
 * ("reading from storage failed"). */
rest_result rest_store_failure(rest_call *c, store_rc rc, const char *name, const char *what);

/* ---- objects */
cJSON *obj_metadata(cJSON *obj);                     /* metadata, created if missing */
const char *obj_string(const cJSON *obj, const char *key);  /* NULL unless a string */
void obj_set_string(cJSON *obj, const char *key, const char *value);
void obj_move_to_end(cJSON *obj, const char *key);
void obj_canonicalize_order(cJSON *obj);             /* kube's field order */
name_validator rest_name_validator(const kapi_resource *r);
int64_t rest_parse_rv(const char *s);                /* 0 empty, -1 malformed */
cJSON *rest_parse_stored(rest_call *c, const char *text);   /* owned by the pool */
/* Kinds served in another form than stored (kapi_strategy's to_storage,
 * from_storage): a pool-owned copy of a stored object in the form the
 * request's kind serves, or obj itself when there is no conversion. */
cJSON *rest_served_form(rest_call *c, cJSON *obj);
/* A custom resource is stored in its CRD's storage version (conversion
 * None: only apiVersion changes): storing 1 sets obj's apiVersion to it
 * before a store write, storing 0 gives obj the request's version back
 * after. Other kinds are left alone. */
void rest_storage_version(rest_call *c, cJSON *obj, int storing);
/* The stored object and its revision; NULL with the failure (404/500) in *fail. */
cJSON *rest_load_current(rest_call *c, const char *name, int64_t *rev, rest_result *fail);
/* The stored object of kind r (any kind, not only the request's) at ns/name,
 * parsed into the pool, its revision in *rev (rev may be NULL); NULL with
 * kube's 404 for r, or the store's failure, in *fail. */
cJSON *rest_load_object(rest_call *c, const kapi_resource *r, const char *ns, const char *name,
                        int64_t *rev, rest_result *fail);

/* ---- decoding and validation: 0, or -1 with the failure in *fail */
int rest_check_type_meta(rest_call *c, cJSON *obj, rest_result *fail);
int rest_check_namespace(rest_call *c, cJSON *meta, rest_result *fail);
/* The name the object carries is the URL's (kube's checkName). */
int rest_check_name(rest_call *c, const cJSON *meta, const char *name, rest_result *fail);
/* ObjectMeta's and the kind's validation; creating picks the strategy's
 * validate_create where it has one. */
void rest_validate(rest_call *c, const cJSON *obj, int creating, field_errors *errs);

/* ---- patches (registry/rest_patch.c): the one patch machinery of a kind and
 * its subresources, by Content-Type: JSON patch, merge patch or strategic
 * merge patch (the unsupported ones 415, as kube answers them). */
typedef enum patch_type { PATCH_UNSUPPORTED, PATCH_JSON, PATCH_MERGE, PATCH_STRATEGIC, PATCH_APPLY } patch_type;
typedef struct request_patch {
    patch_type type;
    cJSON *doc;            /* a merge patch's object (or null), an apply patch's configuration;
                              NULL for a JSON patch */
    const char *manager;   /* apply: ?fieldManager */
    int force;             /* apply: ?force=true */
} request_patch;
/* The request's patch: its type and, for the merge patches, the decoded
 * body. -1 with the failure (415, 400) in *fail. */
int rest_read_patch(rest_call *c, request_patch *p, rest_result *fail);
/* p applied to current, an object of group/version/kind (the kind's, or a
 * subresource's such as autoscaling/v1 Scale: strategic merge patch follows
 * its schema). Returns the patched object (the pool's), or NULL with the
 * failure in *fail. */
cJSON *rest_apply_patch(rest_call *c, const request_patch *p, const cJSON *current, const char *group,
                        const char *version, const char *kind, rest_result *fail);
/* The autoscaling/v1 Scale a write of a scale subresource asks for: a
 * PUT's body (checked as ?fieldValidation says), or current patched through
 * the patch machinery. strict also refuses a PUT body of another apiVersion
 * (kube's 400) and checks the patched Scale's fields (the built-in kinds;
 * custom resources take neither). NULL with the failure in *fail. */
cJSON *rest_requested_scale(rest_call *c, const cJSON *current, int strict, rest_result *fail);
/* A new autoscaling/v1 Scale of obj: kind, apiVersion, metadata (name,
 * namespace, uid, resourceVersion (rv when not NULL), creationTimestamp, each
 * read from obj's metadata with get and left out when get gives NULL),
 * spec.replicas and status.replicas; the caller adds status.selector. Caller
 * frees. */
cJSON *rest_scale_new(const cJSON *obj, const char *rv, const char *(*get)(const cJSON *, const char *),
                      double spec_replicas, double status_replicas);

/* Server-side apply's create: the object an apply patch makes when none
 * exists (the pool's), or NULL with the failure in *fail. */
cJSON *rest_apply_create(rest_call *c, const request_patch *p, rest_result *fail);

/* ---- encoding */
table_include rest_include_mode(rest_call *c);
/* The format of the answer; -1 with kube's 406 in *fail when the client
 * accepts none we can give (table_ok: a Table is one). */
int rest_negotiate(rest_call *c, output_format *fmt, int table_ok, rest_result *fail);

/* ---- verbs living outside rest.c */
rest_result rest_list(rest_call *c);
rest_result rest_deletecollection(rest_call *c);
/* registry/watch.c: streams through c->resp->stream_write; failures before
 * the stream starts are returned as any verb's. */
rest_result rest_watch(rest_call *c);
/* registry/list_options.c: GET's ?resourceVersion=X (an answer no older than
 * X: waits up to 3 s, then kube's 504); -1 with the failure in *fail. */
int rest_check_get_resource_version(rest_call *c, rest_result *fail);
/* registry/delete.c: DELETE of one object (finalizers, propagationPolicy,
 * namespaces marked Terminating), and the removal of a marked object whose
 * last finalizer an update takes away. */
rest_result rest_delete(rest_call *c, const char *name);
/* DELETECOLLECTION's DeleteOptions (body in any media type, or query),
 * decoded and validated as DELETE's, in the request's pool; dryRun sets
 * c->dry_run. NULL with the 400/422 in *fail. */
typedef struct delete_options delete_options;
const delete_options *rest_delete_collection_options(rest_call *c, rest_result *fail);
/* DeleteOptions with nothing set (no preconditions, the default
 * propagation), as a controller deleting objects sends them. */
const delete_options *rest_default_delete_options(rest_call *c);
/* DELETECOLLECTION after its LIST: each listed object deleted as a DELETE
 * of it with those options would (admission, preconditions, finalizers
 * that keep it marked, propagation); one already gone is skipped. A zero
 * result (REST_NONE) when all went, else the first failure. */
rest_result rest_delete_listed(rest_call *c, const cJSON *items, const delete_options *o);
int rest_should_delete_during_update(rest_call *c, const cJSON *obj, const cJSON *old);
rest_result rest_delete_during_update(rest_call *c, const char *name, cJSON *old, int64_t expected_rev);

/* What a write asks of the object on one try: the new object for current
 * (stored at rev), the pool's, with *expected set to the resourceVersion the
 * request names as its precondition (0: none); NULL with the failure in
 * *fail. Called again on each try, with the object as it then is. */
typedef cJSON *(*rest_updated_object_fn)(rest_call *c, const char *name, cJSON *current, int64_t rev,
                                         void *arg, int64_t *expected, rest_result *fail);
/* registry/rest.c: the one retry loop of PUT, every PATCH and the
 * subresources that write their parent, as kube's GuaranteedUpdate: read the
 * current object, ask updated_object for the new one, check the request's
 * precondition (a stale one: kube's 409), then rest_finish_update's path
 * (defaults, admission, validation) to a compare-and-swap; a swap lost to
 * another write tries again from the read, a bounded number of times. */
rest_result rest_guaranteed_update(rest_call *c, const char *name, int status_only,
                                   rest_updated_object_fn updated_object, void *arg);
/* The rest_updated_object_fn of a PUT: on each try a copy of the decoded
 * body (arg, a cJSON *), whose resourceVersion, when it names one, is the
 * precondition. */
cJSON *rest_body_object(rest_call *c, const char *name, cJSON *current, int64_t rev, void *arg,
                        int64_t *expected, rest_result *fail);

#endif
