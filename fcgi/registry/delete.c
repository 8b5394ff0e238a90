/* delete.c: DELETE of one object, as kube-apiserver's generic registry does it
 * (staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go,
 * Delete and updateForGracefulDeletionAndFinalizers): DeleteOptions from the
 * body or the query (preconditions, propagationPolicy, orphanDependents,
 * dryRun); the garbage collector's finalizers (Orphan adds `orphan`,
 * Foreground adds `foregroundDeletion`, Background removes both); an object
 * left with finalizers is only marked (deletionTimestamp,
 * deletionGracePeriodSeconds 0) and answered with; otherwise it is removed.
 * Namespaces are marked Terminating instead (their registry's Delete) and go
 * once their spec finalizers are gone. Also the other half of finalization:
 * an update that leaves a marked object without finalizers removes it
 * (ShouldDeleteDuringUpdate). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "codec/jsonpath.h"
#include "admission/admission.h"
#include "codec/json.h"
#include "core/status.h"
#include "core/util.h"
#include "registry/kinds/customresources.h"
#include "registry/rest_internal.h"
#include "schema/decode.h"
#include "store/store.h"

#define FINALIZER_ORPHAN "orphan"
#define FINALIZER_FOREGROUND "foregroundDeletion"
#define DELETE_ATTEMPTS 5

typedef struct delete_options {
    const char *pre_uid, *pre_rv;   /* preconditions, NULL when unset */
    const char *propagation;        /* propagationPolicy, NULL when unset */
    int orphan_set, orphan;         /* orphanDependents (deprecated) */
} delete_options;

static int is_namespaces(const kapi_resource *r)
{
    return (r->flags & KIND_IS_NAMESPACE) != 0;
}

/* The kind a DeleteOptions body may state: kube decodes it with the
 * meta.k8s.io internal scheme, where DeleteOptions is an unversioned type,
 * so any apiVersion (v1, meta.k8s.io/v1, the resource's own group version,
 * as typed clients write it) is accepted, and no kind at all defaults to
 * DeleteOptions; another kind is not registered there. -1 with the 400 in
 * *fail. */
static int check_delete_options_kind(rest_call *c, const cJSON *opts, rest_result *fail)
{
    const char *kind = obj_string(opts, "kind"), *api = obj_string(opts, "apiVersion");
    if (!kind || !*kind || !strcmp(kind, "DeleteOptions")) return 0;
    char msg[600];
    snprintf(msg, sizeof msg,
             "no kind \"%.200s\" is registered for version \"%.200s\" in scheme "
             "\"k8s.io/apimachinery/pkg/apis/meta/internalversion/scheme/register.go:28\"",
             kind, api && *api ? api : "meta.k8s.io/v1");
    *fail = rest_bad_request(c, msg);
    return -1;
}

/* DeleteOptions from the body, or from the query when there is no body (the
 * handler decodes one or the other). The body goes through the one decode
 * path (schema/decode.c), so it may be JSON, YAML or protobuf (kubectl
 * 1.32+ drain sends `k8s\0` + {v1, DeleteOptions}). -1 with the 400/422 in
 * *fail. */
static int parse_delete_options(rest_call *c, delete_options *o, rest_result *fail)
{
    memset(o, 0, sizeof *o);
    if (c->req->body_len > 0) {
        cJSON *st = NULL;
        cJSON *opts = decode_body(c->req, "DeleteOptions", &st);
        if (!opts) {
            *fail = rest_status(c, st, 0);
            return -1;
        }
        if (check_delete_options_kind(c, opts, fail)) return -1;
        cJSON *pre = cJSON_GetObjectItemCaseSensitive(opts, "preconditions");
        o->pre_uid = obj_string(pre, "uid");
        o->pre_rv = obj_string(pre, "resourceVersion");
        o->propagation = obj_string(opts, "propagationPolicy");
        cJSON *orphan = cJSON_GetObjectItemCaseSensitive(opts, "orphanDependents");
        if (cJSON_IsBool(orphan)) { o->orphan_set = 1; o->orphan = cJSON_IsTrue(orphan); }
        cJSON *dr = cJSON_GetObjectItemCaseSensitive(opts, "dryRun");
        if (cJSON_IsArray(dr) && cJSON_GetArraySize(dr) > 0) c->dry_run = 1;
    } else {
        o->propagation = query_get(c->req, "propagationPolicy");
        if (o->propagation && !*o->propagation) o->propagation = NULL;
        const char *orphan = query_get(c->req, "orphanDependents");
        if (orphan && *orphan) { o->orphan_set = 1; o->orphan = query_bool(c->req, "orphanDependents"); }
    }
    /* ValidateDeleteOptions */
    field_errors *errs = kapi_palloc(c->req->pool, sizeof *errs);
    if (o->orphan_set && o->propagation)
        field_error_add_str(errs, FIELD_INVALID, "propagationPolicy", o->propagation,
                            "orphanDependents and deletionPropagation cannot be both set");
    if (o->propagation && strcmp(o->propagation, "Foreground") && strcmp(o->propagation, "Background") &&
        strcmp(o->propagation, "Orphan")) {
        static const char *const supported[] = {"Foreground", "Background", "Orphan", "nil", NULL};
        field_error_not_supported(errs, "propagationPolicy", o->propagation, supported);
    }
    if (errs->n) {
        *fail = rest_status(c, field_errors_status(errs, "meta.k8s.io", "DeleteOptions", ""), 0);
        return -1;
    }
    return 0;
}

static int has_finalizer(const cJSON *meta, const char *f)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(meta, "finalizers"), *e;
    cJSON_ArrayForEach(e, list) if (cJSON_IsString(e) && !strcmp(e->valuestring, f)) return 1;
    return 0;
}

static int finalizer_count(const cJSON *meta)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(meta, "finalizers");
    return cJSON_IsArray(list) ? cJSON_GetArraySize(list) : 0;
}

/* The first of the two GC finalizers on meta (NULL: neither): the one a
 * deletion without options follows. */
static const char *first_gc_finalizer(const cJSON *meta)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(meta, "finalizers"))
        if (cJSON_IsString(e) && (!strcmp(e->valuestring, FINALIZER_ORPHAN) ||
                                  !strcmp(e->valuestring, FINALIZER_FOREGROUND)))
            return e->valuestring;
    return NULL;
}

/* shouldOrphanDependents / shouldDeleteDependents: an explicit option wins,
 * then a finalizer already on the object; the default (Background) neither. */
static int should_orphan(const delete_options *o, const cJSON *meta)
{
    if (o->orphan_set) return o->orphan;
    if (o->propagation) return !strcmp(o->propagation, "Orphan");
    const char *f = first_gc_finalizer(meta);
    return f && !strcmp(f, FINALIZER_ORPHAN);
}

static int should_delete_dependents(const delete_options *o, const cJSON *meta)
{
    if (o->orphan_set) return 0;
    if (o->propagation) return !strcmp(o->propagation, "Foreground");
    const char *f = first_gc_finalizer(meta);
    return f && !strcmp(f, FINALIZER_FOREGROUND);
}

/* deletionFinalizersForGarbageCollection, applied to meta: both GC
 * finalizers removed, then added back as the options say. Returns 1 if the
 * set of finalizers changed. */
static int apply_gc_finalizers(const delete_options *o, cJSON *meta)
{
    int orphan = should_orphan(o, meta), foreground = should_delete_dependents(o, meta);
    int had_orphan = has_finalizer(meta, FINALIZER_ORPHAN);
    int had_foreground = has_finalizer(meta, FINALIZER_FOREGROUND);
    if (orphan == had_orphan && foreground == had_foreground) return 0;
    cJSON *list = cJSON_GetObjectItemCaseSensitive(meta, "finalizers");
    cJSON *kept = cJSON_CreateArray();
    const cJSON *e;
    cJSON_ArrayForEach(e, list) {
        if (cJSON_IsString(e) && (!strcmp(e->valuestring, FINALIZER_ORPHAN) ||
                                  !strcmp(e->valuestring, FINALIZER_FOREGROUND)))
            continue;
        cJSON_AddItemToArray(kept, cJSON_Duplicate(e, 1));
    }
    if (orphan) cJSON_AddItemToArray(kept, cJSON_CreateString(FINALIZER_ORPHAN));
    if (foreground) cJSON_AddItemToArray(kept, cJSON_CreateString(FINALIZER_FOREGROUND));
    cJSON_DeleteItemFromObjectCaseSensitive(meta, "finalizers");
    if (cJSON_GetArraySize(kept) > 0) cJSON_AddItemToObject(meta, "finalizers", kept);
    else cJSON_Delete(kept);
    return 1;
}

/* markAsDeleting: deletionTimestamp (kept if already set), a grace period of
 * 0, and for kinds with a generation one more. */
static void mark_as_deleting(cJSON *meta)
{
    const cJSON *dt = cJSON_GetObjectItemCaseSensitive(meta, "deletionTimestamp");
    if (!cJSON_IsString(dt)) {
        cJSON *g = cJSON_GetObjectItemCaseSensitive(meta, "generation");
        if (cJSON_IsNumber(g) && g->valuedouble > 0) cJSON_SetNumberValue(g, g->valuedouble + 1);
        char ts[21];
        time_rfc3339(time(NULL), ts);
        obj_set_string(meta, "deletionTimestamp", ts);
    }
    cJSON_DeleteItemFromObjectCaseSensitive(meta, "deletionGracePeriodSeconds");
    cJSON_AddNumberToObject(meta, "deletionGracePeriodSeconds", 0);
}

/* The checks of BeforeDelete against the stored object; -1 with the 409 in
 * *fail. */
static int check_preconditions(rest_call *c, const char *name, const delete_options *o,
                               const cJSON *meta, int64_t rev, rest_result *fail)
{
    const char *uid = obj_string(meta, "uid");
    if (o->pre_uid && (!uid || strcmp(o->pre_uid, uid))) {
        char why[300];
        snprintf(why, sizeof why, "Precondition failed: UID in precondition: %s, UID in object meta: %s",
                 o->pre_uid, uid ? uid : "");
        *fail = rest_conflict(c, name, why);
        return -1;
    }
    if (o->pre_rv && rest_parse_rv(o->pre_rv) != rev) {
        char why[300];
        snprintf(why, sizeof why,
                 "Precondition failed: ResourceVersion in precondition: %s, ResourceVersion in object meta: %lld",
                 o->pre_rv, (long long)rev);
        *fail = rest_conflict(c, name, why);
        return -1;
    }
    return 0;
}

/* The object is gone: the answer is the object (kinds that say so) or a
 * Status Success. */
static rest_result answer_removed(rest_call *c, const char *name, cJSON *deleted, const char *uid)
{
    const kapi_strategy *s = c->r->strategy;
    if (s && s->return_deleted_object) return rest_object(c, 200, deleted, NULL);
    return rest_status(c, status_success(name, c->r->group, c->r->plural, uid), 200);
}

/* The object stays (finalizers, or a namespace being terminated): the
 * answer is the object as it now is; 202 when the client asked for
 * cascading deletion with orphanDependents=false, as the handler does. */
static rest_result answer_marked(rest_call *c, cJSON *obj, const char *rv, const delete_options *o)
{
    return rest_object(c, o->orphan_set && !o->orphan ? 202 : 200, obj, kapi_pstrdup(c->req->pool, rv));
}

/* The object left the store: what it held outside itself goes back. */
static void release_held(rest_call *c, const cJSON *gone)
{
    const kapi_strategy *s = c->r->strategy;
    if (s && s->release_held) s->release_held(c, gone, NULL);
}

static int admit_delete(rest_call *c, const char *name, const cJSON *old, rest_result *fail)
{
    admission_attrs a = {.ctx = c->ctx, .pool = c->req->pool, .user = c->user, .resource = c->r,
                         .subresource = c->info->subresource, .ns = c->ns, .name = name,
                         .op = ADMIT_DELETE, .obj = NULL, .old = old, .dry_run = c->dry_run,
                         .req = c->req, .resp = c->resp};
    cJSON *st = admission_mutate(&a);
    if (!st) st = admission_validate(&a);
    if (!st) return 0;
    *fail = rest_status(c, st, 0);
    return -1;
}

/* shouldHaveOrphanFinalizer / shouldHaveDeleteDependentsFinalizer of the
 * namespace registry: without options, keep what the namespace has. */
static void namespace_gc_finalizers(const delete_options *o, cJSON *meta)
{
    int orphan = has_finalizer(meta, FINALIZER_ORPHAN), foreground = has_finalizer(meta, FINALIZER_FOREGROUND);
    if (o->orphan_set) { orphan = o->orphan; foreground = !o->orphan; }
    else if (o->propagation) {
        orphan = !strcmp(o->propagation, "Orphan");
        foreground = !strcmp(o->propagation, "Foreground");
    }
    if (orphan == has_finalizer(meta, FINALIZER_ORPHAN) && foreground == has_finalizer(meta, FINALIZER_FOREGROUND))
        return;
    delete_options explicit = {.propagation = orphan ? "Orphan" : foreground ? "Foreground" : "Background"};
    apply_gc_finalizers(&explicit, meta);
}

const delete_options *rest_delete_collection_options(rest_call *c, rest_result *fail)
{
    delete_options *o = kapi_palloc(c->req->pool, sizeof *o);
    return parse_delete_options(c, o, fail) ? NULL : o;
}

static rest_result delete_with_options(rest_call *c, const char *name, const delete_options *opts);

const delete_options *rest_default_delete_options(rest_call *c)
{
    return kapi_palloc(c->req->pool, sizeof(delete_options));   /* zeroed: nothing set */
}

rest_result rest_delete(rest_call *c, const char *name)
{
    delete_options o;
    rest_result fail;
    if (parse_delete_options(c, &o, &fail)) return fail;
    return delete_with_options(c, name, &o);
}

rest_result rest_delete_listed(rest_call *c, const cJSON *items, const delete_options *o)
{
    const char *request_ns = c->ns;
    rest_result res = {.answer = REST_NONE};
    const cJSON *item;
    cJSON_ArrayForEach(item, items) {
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(item, "metadata");
        const char *name = obj_string(m, "name"), *ns = obj_string(m, "namespace");
        if (!name) continue;
        c->ns = c->r->namespaced && ns ? ns : request_ns;
        rest_result one = delete_with_options(c, name, o);
        if (one.answer == REST_STATUS && one.http != 200 && one.http != 404) {
            res = one;
            break;
        }
    }
    c->ns = request_ns;
    return res;
}

static rest_result delete_with_options(rest_call *c, const char *name, const delete_options *opts)
{
    delete_options o = *opts;   /* the namespace rules adjust their copy */
    rest_result fail;
    for (int attempt = 0;; attempt++) {
        int64_t rev = 0;
        cJSON *old = rest_load_current(c, name, &rev, &fail);
        if (!old) return fail;
        cJSON *meta = obj_metadata(old);
        if (check_preconditions(c, name, &o, meta, rev, &fail)) return fail;
        if (attempt == 0 && admit_delete(c, name, old, &fail)) return fail;
        const char *uid = obj_string(meta, "uid");
        const char *key = resource_key(c->req->pool, c->r, c->ns, name);
        char orv[32];
        snprintf(orv, sizeof orv, "%lld", (long long)rev);

        /* What the object becomes: marked, or nothing (removed). */
        cJSON *obj = kapi_pool_keep_json(c->req->pool, cJSON_Duplicate(old, 1));
        cJSON *nmeta = obj_metadata(obj);
        int keep = 0;
        if (is_namespaces(c->r)) {
            const cJSON *spec_fin = cJSON_GetObjectItemCaseSensitive(
                cJSON_GetObjectItemCaseSensitive(obj, "spec"), "finalizers");
            if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(nmeta, "deletionTimestamp"))) {
                /* first request: the namespace starts terminating */
                char ts[21];
                time_rfc3339(time(NULL), ts);
                obj_set_string(nmeta, "deletionTimestamp", ts);
                cJSON *status = json_object_member(obj, "status");
                obj_set_string(status, "phase", "Terminating");
                namespace_gc_finalizers(&o, nmeta);
                keep = 1;
            } else if (cJSON_IsArray(spec_fin) && cJSON_GetArraySize(spec_fin) > 0) {
                /* still being finalized: nothing changes yet */
                return answer_marked(c, old, orv, &o);
            }
        }
        if (!keep) {
            const kapi_strategy *s = c->r->strategy;
            if (s && s->release_finalizers) s->release_finalizers(c, obj);
            int changed = apply_gc_finalizers(&o, nmeta);
            if (finalizer_count(nmeta) > 0) {
                mark_as_deleting(nmeta);
                keep = 1;
            } else if (changed) {
                keep = 0;   /* the options removed the last finalizers: delete now */
            }
        }
        if (keep) {
            obj_canonicalize_order(obj);
            if (cJSON_Compare(obj, old, 1) || c->dry_run)
                return answer_marked(c, cJSON_Compare(obj, old, 1) ? old : obj, orv, &o);
            int64_t nrev = 0;
            rest_storage_version(c, obj, 1);
            store_rc rc = store_update_if_revision(c->ctx->store, key, obj, rev, &nrev);
            rest_storage_version(c, obj, 0);
            if (rc == STORE_CONFLICT && !o.pre_rv && attempt + 1 < DELETE_ATTEMPTS) continue;
            if (rc != STORE_OK) return rest_store_failure(c, rc, name, "writing to storage failed");
            char rv[32];
            snprintf(rv, sizeof rv, "%lld", (long long)nrev);
            return answer_marked(c, obj, rv, &o);
        }
        if (c->dry_run) return answer_removed(c, name, old, uid);
        cJSON *deleted = NULL;
        int64_t drev = 0;
        store_rc rc = store_delete_if_revision(c->ctx->store, key, rev, &deleted, &drev);
        if (rc == STORE_CONFLICT && !o.pre_rv && attempt + 1 < DELETE_ATTEMPTS) continue;
        if (rc != STORE_OK) return rest_store_failure(c, rc, name, "deleting from storage failed");
        kapi_pool_keep_json(c->req->pool, deleted);
        release_held(c, old);
        if (c->r->flags & KIND_IS_CUSTOM) crd_custom_resource_removed(c);
        return answer_removed(c, name, deleted ? deleted : old, uid);
    }
}

int rest_should_delete_during_update(rest_call *c, const cJSON *obj, const cJSON *old)
{
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    const cJSON *old_meta = cJSON_GetObjectItemCaseSensitive(old, "metadata");
    if (finalizer_count(meta) > 0) return 0;
    if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(old_meta, "deletionTimestamp"))) return 0;
    const cJSON *grace = cJSON_GetObjectItemCaseSensitive(old_meta, "deletionGracePeriodSeconds");
    if (cJSON_IsNumber(grace) && grace->valuedouble != 0) return 0;
    if (is_namespaces(c->r)) {
        const cJSON *spec_fin = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(obj, "spec"), "finalizers");
        if (cJSON_IsArray(spec_fin) && cJSON_GetArraySize(spec_fin) > 0) return 0;
    }
    return 1;
}

rest_result rest_delete_during_update(rest_call *c, const char *name, cJSON *old, int64_t expected_rev)
{
    const char *orv = kapi_psprintf(c->req->pool, "%lld", (long long)expected_rev);
    if (c->dry_run) return rest_object(c, 200, old, orv);
    cJSON *deleted = NULL;
    int64_t drev = 0;
    store_rc rc = store_delete_if_revision(c->ctx->store, resource_key(c->req->pool, c->r, c->ns, name),
                                           expected_rev, &deleted, &drev);
    /* several updates may race to remove the last finalizer: NotFound is fine */
    if (rc != STORE_OK && rc != STORE_NOT_FOUND) return rest_store_failure(c, rc, name, "deleting from storage failed");
    kapi_pool_keep_json(c->req->pool, deleted);
    if (rc == STORE_OK) release_held(c, old);
    if (rc == STORE_OK && (c->r->flags & KIND_IS_CUSTOM)) crd_custom_resource_removed(c);
    return rest_object(c, 200, deleted ? deleted : old, orv);
}
