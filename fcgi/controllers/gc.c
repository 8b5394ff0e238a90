/* gc.c: the garbage collector (pkg/controller/garbagecollector:
 * attemptToDeleteItem, processDeletingDependentsItem, orphanDependents),
 * working from the ownerReferences of every object of every kind:
 *   - an object all of whose owners are gone (absent, or another uid) is
 *     deleted, with the propagation its own finalizers ask for (Background
 *     by default); references to absent owners are dropped from objects
 *     that still have an owner;
 *   - an owner deleted in the Foreground (foregroundDeletion finalizer) has
 *     its dependents deleted (those with dependents of their own in the
 *     Foreground too), and loses the finalizer once no dependent with
 *     blockOwnerDeletion is left;
 *   - an owner deleted with Orphan (orphan finalizer) has its references
 *     removed from its dependents, then loses the finalizer.
 * An object gone from the API with Background propagation leaves its
 * dependents to the next round (or pass). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/alloc.h"
#include "controllers/controllers.h"
#include "codec/objmeta.h"

#define ORPHAN "orphan"
#define FOREGROUND "foregroundDeletion"

static int collectable(const kapi_resource *r)
{
    /* a kind served over another's objects (autoscaling/v1 HPAs, events.k8s.io
     * Events) is collected as that other kind */
    if (r->strategy && r->strategy->from_storage) return 0;
    return (r->verbs & VERB_LIST) && (r->verbs & VERB_DELETE);
}

/* Every dependent (of any kind) naming uid in its ownerReferences. */
static void dependents_of(pass *p, const char *uid, obj_list *out)
{
    for (int k = 0; k < kapi_n_resources; k++) {
        if (!collectable(&kapi_resources[k])) continue;
        const obj_list *l = cache_dependents(p, &kapi_resources[k], uid);
        for (int i = 0; i < l->n; i++) if (!l->items[i]->gone) obj_list_add(out, l->items[i]);
    }
}

/* Sends a merge patch of e's metadata (consumed). */
static api_result send_patch(pass *p, obj_entry *e, cJSON *patch, const char *why)
{
    char ns[256], name[300];
    snprintf(ns, sizeof ns, "%s", obj_namespace(e->obj));
    snprintf(name, sizeof name, "%s", obj_name(e->obj));
    api_result r = api_patch(p, e->res, ns, name, patch, why);
    cJSON_Delete(patch);
    return r;
}

/* A merge patch (conditional on resourceVersion) of metadata.finalizers
 * without f. */
static api_result remove_finalizer(pass *p, obj_entry *e, const char *f, const char *why)
{
    return send_patch(p, e, finalizer_removal_patch(e->obj, f), why);
}

/* A merge patch of ownerReferences without the references whose uid is in
 * drop (n of them). */
static api_result drop_owner_refs(pass *p, obj_entry *e, const char *const *drop, int n, const char *why)
{
    return send_patch(p, e, owner_refs_patch(e->obj, drop, n, NULL), why);
}

/* orphanDependents, then the orphan finalizer goes. */
static void orphan_dependents(pass *p, obj_entry *owner)
{
    char uid[64], desc[400];
    snprintf(uid, sizeof uid, "%s", obj_uid(owner->obj));
    snprintf(desc, sizeof desc, "%s %s", resource_qualified(owner->res), obj_name(owner->obj));
    obj_list deps = {0};
    dependents_of(p, uid, &deps);
    int failed = 0;
    const char *drop[1] = {uid};
    for (int i = 0; i < deps.n && pass_may_write(p); i++) {
        char why[500];
        snprintf(why, sizeof why, "orphaned: its owner %s is deleted with propagationPolicy Orphan", desc);
        api_result r = drop_owner_refs(p, deps.items[i], drop, 1, why);
        if (r.status != 200 && r.status != 404) failed = 1;
    }
    obj_list_free(&deps);
    if (!failed && !owner->gone && pass_may_write(p))
        remove_finalizer(p, owner, ORPHAN, "its dependents are orphaned");
}

/* processDeletingDependentsItem: the finalizer goes once no dependent
 * blocks it. Dependents are deleted by attempt_to_delete. */
static void process_deleting_dependents(pass *p, obj_entry *owner)
{
    char uid[64];
    snprintf(uid, sizeof uid, "%s", obj_uid(owner->obj));
    obj_list deps = {0};
    dependents_of(p, uid, &deps);
    int blocking = 0;
    for (int i = 0; i < deps.n; i++) {
        const cJSON *ref = owner_ref_with_uid(deps.items[i]->obj, uid);
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ref, "blockOwnerDeletion"))) blocking++;
    }
    obj_list_free(&deps);
    if (!blocking && pass_may_write(p))
        remove_finalizer(p, owner, FOREGROUND, "no dependent blocks its deletion any more");
}

typedef enum ref_class { REF_SOLID, REF_DANGLING, REF_WAITING, REF_UNKNOWN } ref_class;

/* isDangling and the waitingForDependentsDeletion test of classifyReferences */
static ref_class classify(pass *p, const cJSON *item, const cJSON *ref)
{
    const kapi_resource *owner_res = resource_by_kind(obj_str(ref, "apiVersion"), obj_str(ref, "kind"));
    const char *name = obj_str(ref, "name"), *uid = obj_str(ref, "uid");
    if (!owner_res || !name || !uid || !collectable(owner_res)) return REF_UNKNOWN;
    const char *ns = owner_res->namespaced ? obj_namespace(item) : "";
    if (owner_res->namespaced && !*ns) return REF_UNKNOWN;   /* a cluster object cannot have a namespaced owner */
    if (!cache_kind(p, owner_res)) return REF_UNKNOWN;
    obj_entry *owner = cache_get(p, owner_res, ns, name);
    if (!owner || strcmp(obj_uid(owner->obj), uid)) return REF_DANGLING;
    if (obj_being_deleted(owner->obj) && meta_has_finalizer(owner->obj, FOREGROUND)) return REF_WAITING;
    return REF_SOLID;
}

/* attemptToDeleteItem for an object with ownerReferences. */
static void attempt_to_delete(pass *p, obj_entry *e)
{
    if (obj_being_deleted(e->obj)) return;      /* being deleted: nothing to do */
    const cJSON *refs = cJSON_GetObjectItemCaseSensitive(obj_meta(e->obj), "ownerReferences"), *r;
    int n = cJSON_GetArraySize(refs);
    if (n <= 0) return;
    const char **gone_or_waiting = kapi_xcalloc((size_t)n, sizeof *gone_or_waiting);
    int solid = 0, dangling = 0, waiting = 0, k = 0;
    cJSON_ArrayForEach(r, refs) {
        ref_class c = classify(p, e->obj, r);
        if (c == REF_SOLID || c == REF_UNKNOWN) { solid++; continue; }
        if (c == REF_DANGLING) dangling++;
        else waiting++;
        gone_or_waiting[k++] = obj_str(r, "uid");
    }
    char ns[256], name[300];
    snprintf(ns, sizeof ns, "%s", obj_namespace(e->obj));
    snprintf(name, sizeof name, "%s", obj_name(e->obj));
    char uid[64];
    snprintf(uid, sizeof uid, "%s", obj_uid(e->obj));
    if (solid) {
        /* owners remain: only the references to absent or deleting owners go */
        if (k) {
            char **copies = kapi_xcalloc((size_t)k, sizeof *copies);
            for (int i = 0; i < k; i++) copies[i] = kapi_xstrdup(gone_or_waiting[i] ? gone_or_waiting[i] : "");
            drop_owner_refs(p, e, (const char *const *)copies, k, "some of its owners are gone or being deleted");
            for (int i = 0; i < k; i++) free(copies[i]);
            free(copies);
        }
        free(gone_or_waiting);
        return;
    }
    free(gone_or_waiting);
    const char *policy;
    const char *why;
    obj_list deps = {0};
    if (waiting) dependents_of(p, uid, &deps);
    if (waiting && deps.n) {
        policy = "Foreground";      /* its owner waits for it, and it has dependents of its own */
        why = "its owner is deleted in the Foreground";
    } else if (meta_has_finalizer(e->obj, ORPHAN)) {
        policy = "Orphan";
        why = "all its owners are gone";
    } else if (meta_has_finalizer(e->obj, FOREGROUND)) {
        policy = "Foreground";
        why = "all its owners are gone";
    } else {
        policy = "Background";
        why = waiting ? "its owner is deleted in the Foreground" : "all its owners are gone";
    }
    obj_list_free(&deps);
    (void)dangling;
    api_delete(p, e->res, ns, name, policy, uid, why);
}

void garbage_collector(pass *p)
{
    /* every collectable kind, listed */
    for (int k = 0; k < kapi_n_resources; k++)
        if (collectable(&kapi_resources[k]) && !cache_kind(p, &kapi_resources[k])) return;
    /* owners being deleted with a garbage collector finalizer */
    for (int k = 0; k < kapi_n_resources && pass_may_write(p); k++) {
        if (!collectable(&kapi_resources[k])) continue;
        kind_cache *kc = cache_kind(p, &kapi_resources[k]);
        for (int i = 0; i < kc->all.n && pass_may_write(p); i++) {
            obj_entry *e = kc->all.items[i];
            if (e->gone || !obj_being_deleted(e->obj)) continue;
            if (meta_has_finalizer(e->obj, ORPHAN)) orphan_dependents(p, e);
            else if (meta_has_finalizer(e->obj, FOREGROUND)) process_deleting_dependents(p, e);
        }
    }
    /* dependents whose owners are gone or waiting for them */
    for (int k = 0; k < kapi_n_resources && pass_may_write(p); k++) {
        if (!collectable(&kapi_resources[k])) continue;
        kind_cache *kc = cache_kind(p, &kapi_resources[k]);
        for (int i = 0; i < kc->all.n && pass_may_write(p); i++) {
            obj_entry *e = kc->all.items[i];
            if (e->gone || !cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(obj_meta(e->obj), "ownerReferences"))) continue;
            attempt_to_delete(p, e);
        }
    }
}
