/* controllers.h: what the controllers of a pass share (private to
 * fcgi/controllers/): the pass (its options, its lock, its counters), the
 * object cache every controller reads (the informers' job: one LIST per
 * kind per pass through the API, kept current with the answers of the
 * pass's own writes), the API client (reads and writes through the
 * in-process client, http/client.h; conflicts refreshed from the server,
 * dry run as a plan), the event recorder, parallel syncs, and small
 * helpers on objects.
 *
 * Concurrency: controller code runs holding the pass's lock; the client
 * lets go of it only while a request is inside the pipeline, so several
 * syncs can wait on the store's group commit at once while the cache is
 * only ever touched by one thread. A cached object is never modified in
 * place: a write replaces it, and the old tree stays valid until the pass
 * ends. */
#ifndef KAPI_CONTROLLERS_H
#define KAPI_CONTROLLERS_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>
#include <cjson/cJSON.h>
#include "codec/jsonpath.h"
#include "codec/objmeta.h"
#include "controllers/reconcile.h"
#include "core/hashmap.h"   /* strmap: the informer indexes */
#include "core/kapi.h"
#include "kinds/resource.h"

/* ---- the object cache */

typedef struct obj_entry {
    cJSON *obj;                   /* the object as last read or written */
    const kapi_resource *res;
    int gone;                     /* deleted (stays allocated until the pass ends) */
    int planned;                  /* dry run: exists only in the plan */
    struct obj_entry *next_all;   /* every entry of the pass, for freeing */
} obj_entry;

typedef struct obj_list {
    obj_entry **items;
    int n, cap;
} obj_list;

typedef struct kind_cache {
    const kapi_resource *res;
    int loaded;
    int loading;                  /* a thread is listing it (the lock is let go meanwhile) */
    obj_list all;                 /* in the order listed, then created */
    strmap *by_key;               /* "ns/name" -> entry */
    strmap *by_uid;               /* uid -> entry */
    strmap *by_owner;             /* owner uid -> obj_list* of dependents */
} kind_cache;

typedef struct pass pass;

/* ---- the pass */

struct pass {
    kapi_ctx *ctx;
    const reconcile_options *o;
    reconcile_stats *stats;
    pthread_mutex_t lock;         /* held by controller code; see above */
    pthread_cond_t loaded;        /* a kind finished loading */
    const kinds_set *kinds_set;   /* the kinds this pass works with (held) */
    kind_cache *kinds;            /* one per kind of kinds_set */
    obj_entry *entries;           /* all entries, freed at the end */
    cJSON *garbage;               /* replaced trees, freed at the end */
    long writes_this_round;
    int aborted;                  /* leadership lost: no more writes */
    /* leader election */
    char identity[160];
    int lease_seconds;
    time_t lease_renewed;
    int holding_lease;
    int renewing;                 /* a renewal is under way (another thread) */
    /* events already recorded, for aggregation: "ns\x1fuid\x1freason\x1fmsg" -> entry */
    strmap *events;
    int events_loaded;
    /* the cluster CA for the root CA publisher */
    char *root_ca;
};

/* ---- objects */
cJSON *obj_meta(const cJSON *obj);                  /* metadata or NULL */
/* codec/jsonpath.h json_str_at / json_num_at: dotted path; NULL if not a string */
const char *obj_str(const cJSON *obj, const char *path);
double obj_num(const cJSON *obj, const char *path, double dflt);
const char *obj_name(const cJSON *obj);
const char *obj_namespace(const cJSON *obj);       /* "" for none */
const char *obj_uid(const cJSON *obj);              /* "" for none */
int obj_being_deleted(const cJSON *obj);            /* deletionTimestamp set */
/* finalizers and the controller reference: codec/objmeta.h's
 * meta_has_finalizer and owner_ref_controller. */
/* {"apiVersion","kind","name","uid","controller":true,"blockOwnerDeletion":true} */
cJSON *controller_ref_to(const cJSON *owner, const kapi_resource *res);
/* "deployments.apps" / "pods" */
const char *resource_qualified(const kapi_resource *res);
const kapi_resource *resource_by_plural(const char *group, const char *plural);
const kapi_resource *resource_by_kind(const char *api_version, const char *kind);
/* creationTimestamp in seconds (0 when missing) */
time_t obj_created(const cJSON *obj);
/* metav1.Time now ("2024-05-01T10:00:00Z") and MicroTime now
 * ("2024-05-01T10:00:00.123456Z"). */
void time_now(char out[21]);
void microtime_now(char out[32]);

/* ---- lists */
void obj_list_add(obj_list *l, obj_entry *e);
void obj_list_free(obj_list *l);

/* ---- the cache */
/* Every object of the kind (loaded by one LIST on first use). NULL when the
 * list could not be read. Entries may be gone: check e->gone. */
kind_cache *cache_kind(pass *p, const kapi_resource *res);
obj_entry *cache_get(pass *p, const kapi_resource *res, const char *ns, const char *name);
obj_entry *cache_by_uid(pass *p, const kapi_resource *res, const char *uid);
/* The entries whose ownerReferences name owner_uid (any kind of theirs). */
const obj_list *cache_dependents(pass *p, const kapi_resource *res, const char *owner_uid);
/* Puts obj (consumed) in the cache as the current version; returns its entry. */
obj_entry *cache_put(pass *p, const kapi_resource *res, cJSON *obj);
void cache_remove(pass *p, obj_entry *e);
void cache_free(pass *p);                          /* at the end of the pass */
/* For controllers that keep an object of kind in every namespace (the
 * default ServiceAccount, the root CA ConfigMap): calls fn with each Active
 * namespace's name while the pass may write, once namespaces and kind are
 * both cached. A namespace that is not Active gets nothing new. */
void each_active_namespace(pass *p, const kapi_resource *kind,
                           void (*fn)(pass *p, const kapi_resource *kind, const char *ns, void *arg), void *arg);

/* ---- the API client: every call goes through the in-process client. */
typedef struct api_result {
    int status;                   /* HTTP status; 0 when not sent (aborted) */
    obj_entry *entry;             /* the cached object after a successful read or write */
    char reason[48];              /* Status.reason of a failure */
    char message[600];            /* Status.message of a failure */
} api_result;

/* merge patch (application/merge-patch+json) of the object; put
 * metadata.resourceVersion in the patch to make it conditional. */
api_result api_patch(pass *p, const kapi_resource *res, const char *ns, const char *name,
                     const cJSON *patch, const char *why);
/* One request as it is (no cache, no plan, no counting): the HTTP status,
 * and the parsed answer in *out (caller frees; out may be NULL). */
int api_call(pass *p, const char *method, const char *path, const char *query, const char *body,
             cJSON **out);
/* LIST every object of the kind (all namespaces): the items array (caller
 * frees), or NULL with the HTTP status in *status. */
cJSON *api_list(pass *p, const kapi_resource *res, int *status);
/* GET one object; refreshes the cache (a 404 marks the entry gone). */
api_result api_get(pass *p, const kapi_resource *res, const char *ns, const char *name);
/* POST obj (not consumed). why: the plan's comment. */
api_result api_create(pass *p, const kapi_resource *res, const char *ns, const cJSON *obj,
                      const char *why);
/* PUT obj (not consumed) to the object or its subresource ("status",
 * "finalize", NULL). A 409 refreshes the cached object from the server. */
api_result api_update(pass *p, const kapi_resource *res, const cJSON *obj, const char *subresource,
                      const char *why);
/* DELETE with propagationPolicy (NULL: the server's default) and a UID
 * precondition (NULL: none). */
api_result api_delete(pass *p, const kapi_resource *res, const char *ns, const char *name,
                      const char *propagation, const char *uid, const char *why);
/* 1 when the pass may still write (leadership held). */
int pass_may_write(pass *p);

/* ---- events (core/v1, as client-go's recorder with its aggregation of
 * identical events into a count) */
/* Loads what aggregation needs (the events already recorded); call before
 * syncs run in parallel. */
void events_prepare(pass *p);
void record_event(pass *p, const cJSON *involved, const kapi_resource *res, const char *type,
                  const char *reason, const char *component, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* ---- parallel syncs: fn(p, i, arg) for i in [0, n), on the pass's workers,
 * each call holding the lock. */
void pass_parallel(pass *p, int n, void (*fn)(pass *p, int i, void *arg), void *arg);

/* ---- leader election (leader.c) */
typedef enum lease_outcome { LEASE_HELD, LEASE_TAKEN_BY_OTHER, LEASE_ERROR } lease_outcome;
lease_outcome lease_acquire(pass *p, char *holder, size_t holder_len, char *until, size_t until_len);
void lease_renew_if_due(pass *p);
void lease_release(pass *p);

/* ---- the controllers, one file each; each returns after one sync of
 * everything it manages (writes are counted in the pass). */
void namespace_controller(pass *p);
void serviceaccount_controller(pass *p);
void serviceaccount_token_controller(pass *p);   /* legacy token Secrets */
void root_ca_publisher(pass *p);
void deployment_controller(pass *p);
void replicaset_controller(pass *p);
void garbage_collector(pass *p);
void clusterrole_aggregation_controller(pass *p);
void csr_signing_controller(pass *p);   /* certificates for approved client CSRs */

/* ---- shared by the apps controllers */
/* A pod is ready when its Ready condition is True; available when it has
 * been so for min_ready seconds. */
int pod_is_ready(const cJSON *pod);
int pod_is_available(const cJSON *pod, double min_ready, time_t now);
/* FNV-32a over the canonical JSON of the template (and collisionCount),
 * printed in decimal and mapped into kube's safe alphabet. */
void pod_template_hash(const cJSON *template, const cJSON *collision_count, char out[16]);
/* The live entries of k without a controller reference (and, when wanted
 * is not NULL, for which it returns 1), by namespace: ns -> obj_list *.
 * Free with orphans_free. */
strmap *orphans_by_namespace(const kind_cache *k, int (*wanted)(const cJSON *obj));
void orphans_free(strmap *orphans);

#endif
