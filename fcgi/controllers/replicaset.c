/* replicaset.c: the ReplicaSet controller (pkg/controller/replicaset/
 * replica_set.go, pkg/controller/controller_utils.go). For each ReplicaSet:
 * claim the active pods of its namespace (adopt orphans its selector
 * matches, release those that stopped matching), then create or delete
 * pods until spec.replicas are there: new pods from the template with
 * generateName `<replicaset>-`, its labels and a controller ownerReference,
 * in slow-start batches (1, 2, 4, ... stopping at the first failing batch);
 * surplus pods deleted in kube's order of preference (unscheduled, pending,
 * not ready, lower deletion cost, doubled up, ready for less time, more
 * restarts, newer). Then the status: replicas, fullyLabeledReplicas,
 * readyReplicas, availableReplicas, observedGeneration and a ReplicaFailure
 * condition while creating or deleting fails. Events: SuccessfulCreate,
 * SuccessfulDelete, FailedCreate, FailedDelete. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/alloc.h"
#include "controllers/controllers.h"
#include "codec/conditions.h"
#include "codec/jsonpath.h"
#include "codec/objmeta.h"
#include "codec/labels.h"
#include "core/util.h"
#include "codec/validate_meta.h"

#define COMPONENT "replicaset-controller"
#define BURST_REPLICAS 500
#define DELETION_COST "controller.kubernetes.io/pod-deletion-cost"
#define SYNC_ATTEMPTS 4

static const kapi_resource *replicasets_res, *pods_res;

typedef enum sync_rc { SYNC_OK = 0, SYNC_RETRY, SYNC_ERROR } sync_rc;

/* pods of a namespace that no controller owns, for adoption */
typedef struct rs_work {
    obj_list sets;
    strmap *orphans;      /* namespace -> obj_list* */
} rs_work;

static int pod_is_active(const cJSON *pod)
{
    const char *phase = obj_str(pod, "status.phase");
    if (phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed"))) return 0;
    return !obj_being_deleted(pod);
}

static const cJSON *labels_of(const cJSON *obj)
{
    return cJSON_GetObjectItemCaseSensitive(obj_meta(obj), "labels");
}

/* ---- claiming pods (PodControllerRefManager.ClaimPods) */

/* The active pods the ReplicaSet controls after claiming. */
static sync_rc claim_pods(pass *p, rs_work *w, const cJSON *rs, obj_list *out)
{
    const char *uid = obj_uid(rs), *ns = obj_namespace(rs);
    const cJSON *selector = json_at(rs, "spec.selector");
    int deleting = obj_being_deleted(rs), fresh_checked = 0;
    obj_list candidates = {0};
    const obj_list *deps = cache_dependents(p, pods_res, uid);
    for (int i = 0; i < deps->n; i++)
        if (!deps->items[i]->gone && owner_ref_controlled_by(deps->items[i]->obj, uid)) obj_list_add(&candidates, deps->items[i]);
    const obj_list *orphans = strmap_get(w->orphans, ns);
    for (int i = 0; orphans && i < orphans->n; i++)
        if (!orphans->items[i]->gone && !owner_ref_controller(orphans->items[i]->obj)) obj_list_add(&candidates, orphans->items[i]);
    sync_rc rc = SYNC_OK;
    for (int i = 0; i < candidates.n && !rc; i++) {
        obj_entry *e = candidates.items[i];
        if (!pod_is_active(e->obj)) continue;
        int matches = label_selector_matches_labels(selector, labels_of(e->obj));
        if (owner_ref_controller(e->obj)) {
            if (matches) { obj_list_add(out, e); continue; }
            if (deleting) continue;
            cJSON *patch = owner_refs_patch(e->obj, &uid, 1, NULL);
            char why[200];
            snprintf(why, sizeof why, "released by replicaset %s: labels no longer match", obj_name(rs));
            api_result r = api_patch(p, pods_res, ns, obj_name(e->obj), patch, why);
            cJSON_Delete(patch);
            if (r.status == 409) rc = SYNC_RETRY;
            continue;
        }
        if (deleting || !matches) continue;
        if (!fresh_checked) {
            /* canAdopt: the ReplicaSet as the server has it now */
            api_result g = api_get(p, replicasets_res, ns, obj_name(rs));
            if (g.status != 200 || strcmp(obj_uid(g.entry->obj), uid) || obj_being_deleted(g.entry->obj)) break;
            fresh_checked = 1;
        }
        cJSON *ref = controller_ref_to(rs, replicasets_res);
        cJSON *patch = owner_refs_patch(e->obj, NULL, 0, ref);
        cJSON_Delete(ref);
        char why[200];
        snprintf(why, sizeof why, "adopted by replicaset %s", obj_name(rs));
        api_result r = api_patch(p, pods_res, ns, obj_name(e->obj), patch, why);
        cJSON_Delete(patch);
        if (r.status == 200 && r.entry) obj_list_add(out, r.entry);
        else if (r.status == 409) rc = SYNC_RETRY;
    }
    obj_list_free(&candidates);
    return rc;
}

/* ---- creating pods (GetPodFromTemplate, CreatePods) */

static cJSON *pod_from_template(const cJSON *rs)
{
    const cJSON *template = json_at(rs, "spec.template");
    const cJSON *tmeta = cJSON_GetObjectItemCaseSensitive(template, "metadata");
    cJSON *pod = cJSON_CreateObject();
    cJSON_AddStringToObject(pod, "apiVersion", "v1");
    cJSON_AddStringToObject(pod, "kind", "Pod");
    cJSON *meta = cJSON_AddObjectToObject(pod, "metadata");
    /* getPodsPrefix: "<name>-" when that is a valid generateName */
    char prefix[300];
    snprintf(prefix, sizeof prefix, "%s-", obj_name(rs));
    validation_messages m = {0};
    name_is_dns1123_subdomain(prefix, 1, &m);
    if (m.n) snprintf(prefix, sizeof prefix, "%s", obj_name(rs));
    cJSON_AddStringToObject(meta, "generateName", prefix);
    cJSON_AddStringToObject(meta, "namespace", obj_namespace(rs));
    const char *const copied[] = {"labels", "annotations", "finalizers", NULL};
    for (int i = 0; copied[i]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(tmeta, copied[i]);
        if (v && !cJSON_IsNull(v)) cJSON_AddItemToObject(meta, copied[i], cJSON_Duplicate(v, 1));
    }
    cJSON_AddItemToArray(cJSON_AddArrayToObject(meta, "ownerReferences"), controller_ref_to(rs, replicasets_res));
    const cJSON *spec = cJSON_GetObjectItemCaseSensitive(template, "spec");
    cJSON_AddItemToObject(pod, "spec", spec ? cJSON_Duplicate(spec, 1) : cJSON_CreateObject());
    return pod;
}

/* One pod; on failure *err gets the message (as err.Error()). */
static int create_pod(pass *p, const cJSON *rs, char *err, size_t errlen)
{
    cJSON *pod = pod_from_template(rs);
    char why[200];
    snprintf(why, sizeof why, "pod of replicaset %s", obj_name(rs));
    api_result r = api_create(p, pods_res, obj_namespace(rs), pod, why);
    cJSON_Delete(pod);
    if (r.status == 201 && r.entry) {
        record_event(p, rs, replicasets_res, "Normal", "SuccessfulCreate", COMPONENT, "Created pod: %s",
                     obj_name(r.entry->obj));
        return 0;
    }
    if (r.status == 0) { snprintf(err, errlen, "%s", r.message); return -1; }
    /* a namespace being terminated fails every create: nothing to report */
    if (r.status == 403 && strstr(r.message, "because it is being terminated")) return 0;
    snprintf(err, errlen, "%s", r.message);
    record_event(p, rs, replicasets_res, "Warning", "FailedCreate", COMPONENT, "Error creating: %s", r.message);
    return -1;
}

/* slowStartBatch: batches of 1, 2, 4, ...; a batch with a failure ends it. */
static int create_pods(pass *p, const cJSON *rs, int count, char *err, size_t errlen)
{
    int remaining = count, failed = 0;
    for (int batch = remaining < 1 ? remaining : 1; batch > 0 && !failed && pass_may_write(p);
         batch = 2 * batch < remaining ? 2 * batch : remaining) {
        for (int i = 0; i < batch; i++)
            if (create_pod(p, rs, err, errlen)) failed = 1;
        remaining -= batch;
    }
    return failed ? -1 : 0;
}

/* ---- choosing pods to delete (getPodsToDelete, ActivePodsWithRanks) */

typedef struct ranked_pod {
    obj_entry *e;
    int rank;             /* ready related pods on the same node */
    time_t now;
} ranked_pod;

static int phase_ordinal(const cJSON *pod)
{
    const char *phase = obj_str(pod, "status.phase");
    if (!phase) return 0;
    if (!strcmp(phase, "Unknown")) return 1;
    if (!strcmp(phase, "Running")) return 2;
    return 0;
}

static long long deletion_cost(const cJSON *pod)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(obj_meta(pod), "annotations");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(a, DELETION_COST);
    return cJSON_IsString(v) ? atoll(v->valuestring) : 0;
}

static time_t ready_since(const cJSON *pod)
{
    const cJSON *ready = condition_find(json_get(pod, "status"), "Ready");
    if (ready) {
        time_t v = time_parse_rfc3339(json_str_at(ready, "lastTransitionTime", NULL));
        return v < 0 ? 0 : v;
    }
    return 0;
}

static int max_restarts(const cJSON *pod)
{
    int max = 0;
    const char *const lists[] = {"containerStatuses", "initContainerStatuses", NULL};
    for (int i = 0; lists[i]; i++) {
        const cJSON *l = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(pod, "status"), lists[i]), *c;
        cJSON_ArrayForEach(c, l) {
            int n = (int)obj_num(c, "restartCount", 0);
            if (n > max) max = n;
        }
    }
    return max;
}

/* floor(log2(now - t)) in nanoseconds, -1 when not in the past */
static int log_age(time_t t, time_t now)
{
    long long d = ((long long)now - (long long)t) * 1000000000LL;
    if (d <= 0) return -1;
    return 63 - __builtin_clzll((unsigned long long)d);
}

/* afterOrZero: a zero time is smaller, then the later one */
static int after_or_zero(time_t a, time_t b)
{
    if (!a || !b) return !a;
    return a > b;
}

/* Newer first, by the log of the age (ties broken by uid); a zero time is
 * newest; 0 when both times are the same. */
static int compare_ages(time_t ta, time_t tb, time_t now, const cJSON *pa, const cJSON *pb)
{
    if (ta == tb) return 0;
    if (!ta || !tb) return after_or_zero(ta, tb) ? -1 : 1;
    int diff = log_age(ta, now) - log_age(tb, now);
    if (diff == 0) return strcmp(obj_uid(pa), obj_uid(pb)) < 0 ? -1 : 1;
    return diff < 0 ? -1 : 1;
}

/* -1 when a goes first (is deleted first), 1 when b does, 0 when equal. */
static int compare_ranked(const void *x, const void *y)
{
    const ranked_pod *a = x, *b = y;
    const cJSON *pa = a->e->obj, *pb = b->e->obj;
    const char *na = obj_str(pa, "spec.nodeName"), *nb = obj_str(pb, "spec.nodeName");
    na = na ? na : "";
    nb = nb ? nb : "";
    if (strcmp(na, nb) && (!*na || !*nb)) return !*na ? -1 : 1;
    int oa = phase_ordinal(pa), ob = phase_ordinal(pb);
    if (oa != ob) return oa < ob ? -1 : 1;
    int ra = pod_is_ready(pa), rb = pod_is_ready(pb);
    if (ra != rb) return !ra ? -1 : 1;
    long long ca = deletion_cost(pa), cb = deletion_cost(pb);
    if (ca != cb) return ca < cb ? -1 : 1;
    if (a->rank != b->rank) return a->rank > b->rank ? -1 : 1;
    if (ra && rb) {
        int by_age = compare_ages(ready_since(pa), ready_since(pb), a->now, pa, pb);
        if (by_age) return by_age;
    }
    int xa = max_restarts(pa), xb = max_restarts(pb);
    if (xa != xb) return xa > xb ? -1 : 1;
    int by_age = compare_ages(obj_created(pa), obj_created(pb), a->now, pa, pb);
    if (by_age) return by_age;
    return 0;
}

/* Ranks by the active pods of the ReplicaSets that share this one's
 * controller (getIndirectlyRelatedPods) on the same node. */
static void rank_pods(pass *p, const cJSON *rs, ranked_pod *pods, int n)
{
    strmap *on_node = strmap_new();
    if (!on_node) return;
    const cJSON *owner = owner_ref_controller(rs);
    obj_list sets = {0};
    if (owner && obj_str(owner, "uid")) {
        const obj_list *siblings = cache_dependents(p, replicasets_res, obj_str(owner, "uid"));
        for (int i = 0; i < siblings->n; i++) if (!siblings->items[i]->gone) obj_list_add(&sets, siblings->items[i]);
    } else {
        obj_entry *self = cache_by_uid(p, replicasets_res, obj_uid(rs));
        if (self) obj_list_add(&sets, self);
    }
    long *counts = kapi_xcalloc(4096, sizeof *counts);
    int used = 0;
    for (int s = 0; s < sets.n; s++) {
        const obj_list *deps = cache_dependents(p, pods_res, obj_uid(sets.items[s]->obj));
        for (int i = 0; i < deps->n; i++) {
            const cJSON *pod = deps->items[i]->obj;
            if (deps->items[i]->gone || !pod_is_active(pod)) continue;
            const char *node = obj_str(pod, "spec.nodeName");
            long *c = strmap_get(on_node, node ? node : "");
            if (!c) {
                if (used >= 4096) continue;
                c = &counts[used++];
                *c = 0;
                strmap_put(on_node, node ? node : "", c);
            }
            (*c)++;
        }
    }
    for (int i = 0; i < n; i++) {
        const char *node = obj_str(pods[i].e->obj, "spec.nodeName");
        long *c = strmap_get(on_node, node ? node : "");
        pods[i].rank = c ? (int)*c : 0;
    }
    strmap_free(on_node, NULL);
    free(counts);
    obj_list_free(&sets);
}

static int delete_pods(pass *p, const cJSON *rs, const obj_list *filtered, int diff, char *err, size_t errlen)
{
    int n = filtered->n, failed = 0;
    ranked_pod *pods = kapi_xcalloc((size_t)(n ? n : 1), sizeof *pods);
    if (!pods) return -1;
    time_t now = time(NULL);
    for (int i = 0; i < n; i++) { pods[i].e = filtered->items[i]; pods[i].now = now; }
    if (diff < n) {
        rank_pods(p, rs, pods, n);
        qsort(pods, (size_t)n, sizeof *pods, compare_ranked);
    }
    /* the pods to delete are copied: deleting changes the cache */
    obj_entry **victims = kapi_xcalloc((size_t)(diff ? diff : 1), sizeof *victims);
    for (int i = 0; victims && i < diff && i < n; i++) victims[i] = pods[i].e;
    free(pods);
    if (!victims) return -1;
    for (int i = 0; i < diff && i < n && pass_may_write(p); i++) {
        char name[300];
        snprintf(name, sizeof name, "%s", obj_name(victims[i]->obj));
        char why[200];
        snprintf(why, sizeof why, "surplus pod of replicaset %s", obj_name(rs));
        api_result r = api_delete(p, pods_res, obj_namespace(rs), name, NULL, NULL, why);
        if (r.status == 200 || r.status == 202) {
            record_event(p, rs, replicasets_res, "Normal", "SuccessfulDelete", COMPONENT, "Deleted pod: %s", name);
        } else if (r.status != 404) {
            snprintf(err, errlen, "%s", r.message);
            record_event(p, rs, replicasets_res, "Warning", "FailedDelete", COMPONENT, "Error deleting: %s", r.message);
            failed = 1;
        }
    }
    free(victims);
    return failed ? -1 : 0;
}

/* ---- status (calculateStatus, updateReplicaSetStatus) */

static cJSON *calculate_status(const cJSON *rs, const obj_list *pods, int manage_failed, int diff, const char *err)
{
    const cJSON *old = cJSON_GetObjectItemCaseSensitive(rs, "status");
    const cJSON *template_labels = json_at(rs, "spec.template.metadata.labels");
    double min_ready = obj_num(rs, "spec.minReadySeconds", 0);
    time_t now = time(NULL);
    int fully = 0, ready = 0, available = 0;
    for (int i = 0; i < pods->n; i++) {
        const cJSON *pod = pods->items[i]->obj;
        /* the template's labels as a selector (AsSelectorPreValidated) */
        int all = 1;
        const cJSON *l;
        cJSON_ArrayForEach(l, template_labels) {
            const cJSON *have = cJSON_GetObjectItemCaseSensitive(labels_of(pod), l->string);
            if (!cJSON_IsString(l) || !cJSON_IsString(have) || strcmp(have->valuestring, l->valuestring)) { all = 0; break; }
        }
        if (all) fully++;
        if (pod_is_ready(pod)) {
            ready++;
            if (pod_is_available(pod, min_ready, now)) available++;
        }
    }
    cJSON *st = cJSON_CreateObject();
    cJSON_AddNumberToObject(st, "replicas", pods->n);
    if (fully) cJSON_AddNumberToObject(st, "fullyLabeledReplicas", fully);
    if (ready) cJSON_AddNumberToObject(st, "readyReplicas", ready);
    if (available) cJSON_AddNumberToObject(st, "availableReplicas", available);
    cJSON_AddNumberToObject(st, "observedGeneration", obj_num(rs, "metadata.generation", 0));
    const cJSON *conds = cJSON_GetObjectItemCaseSensitive(old, "conditions");
    cJSON *failure = condition_find(old, "ReplicaFailure");
    cJSON *new_conds = cJSON_CreateArray();
    const cJSON *c;
    cJSON_ArrayForEach(c, conds) {
        if (c == failure && !manage_failed) continue;     /* RemoveCondition */
        cJSON_AddItemToArray(new_conds, cJSON_Duplicate(c, 1));
    }
    if (manage_failed && !failure) {
        char now_s[21];
        time_now(now_s);
        const char *reason = diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : "";
        cJSON_AddItemToArray(new_conds, condition_new("ReplicaFailure", "True", reason, err, now_s, 0));
    }
    if (new_conds->child) cJSON_AddItemToObject(st, "conditions", new_conds);
    else cJSON_Delete(new_conds);
    return st;
}

/* ---- one ReplicaSet (syncReplicaSet) */

static void collect_controlled(pass *p, const cJSON *rs, obj_list *out)
{
    const char *uid = obj_uid(rs);
    const cJSON *selector = json_at(rs, "spec.selector");
    const obj_list *deps = cache_dependents(p, pods_res, uid);
    for (int i = 0; i < deps->n; i++) {
        obj_entry *e = deps->items[i];
        if (e->gone || !owner_ref_controlled_by(e->obj, uid) || !pod_is_active(e->obj)) continue;
        if (!label_selector_matches_labels(selector, labels_of(e->obj))) continue;
        obj_list_add(out, e);
    }
}

static sync_rc sync_replicaset(pass *p, rs_work *w, obj_entry *entry)
{
    const cJSON *rs = entry->obj;
    obj_list pods = {0};
    sync_rc rc = claim_pods(p, w, rs, &pods);
    if (rc) { obj_list_free(&pods); return rc; }
    int manage_failed = 0, diff = pods.n - (int)obj_num(rs, "spec.replicas", 1);
    char err[600] = "";
    if (!obj_being_deleted(rs)) {
        if (diff < 0) {
            int n = -diff > BURST_REPLICAS ? BURST_REPLICAS : -diff;
            manage_failed = create_pods(p, rs, n, err, sizeof err) != 0;
        } else if (diff > 0) {
            int n = diff > BURST_REPLICAS ? BURST_REPLICAS : diff;
            manage_failed = delete_pods(p, rs, &pods, n, err, sizeof err) != 0;
        }
    }
    /* the status counts the pods as they are now, ours included */
    obj_list_free(&pods);
    rs = entry->obj;
    if (entry->gone) return SYNC_OK;
    collect_controlled(p, rs, &pods);
    cJSON *st = calculate_status(rs, &pods, manage_failed, diff, err);
    obj_list_free(&pods);
    if (json_semantic_equal(cJSON_GetObjectItemCaseSensitive(rs, "status"), st)) {
        cJSON_Delete(st);
        return SYNC_OK;
    }
    cJSON *copy = cJSON_Duplicate(rs, 1);
    cJSON_DeleteItemFromObjectCaseSensitive(copy, "status");
    cJSON_AddItemToObject(copy, "status", st);
    char why[120];
    snprintf(why, sizeof why, "%d pods", (int)obj_num(copy, "status.replicas", 0));
    api_result r = api_update(p, replicasets_res, copy, "status", why);
    cJSON_Delete(copy);
    if (r.status == 409) return SYNC_RETRY;
    return r.status == 200 ? SYNC_OK : SYNC_ERROR;
}

static void sync_one(pass *p, int i, void *arg)
{
    rs_work *w = arg;
    obj_entry *e = w->sets.items[i];
    for (int attempt = 0; attempt < SYNC_ATTEMPTS && pass_may_write(p) && !e->gone; attempt++) {
        if (sync_replicaset(p, w, e) != SYNC_RETRY) return;
        api_get(p, replicasets_res, obj_namespace(e->obj), obj_name(e->obj));
    }
}

void replicaset_controller(pass *p)
{
    replicasets_res = resource_by_plural("apps", "replicasets");
    pods_res = resource_by_plural("", "pods");
    kind_cache *sets = cache_kind(p, replicasets_res);
    kind_cache *pods = cache_kind(p, pods_res);
    if (!sets || !pods) return;
    rs_work w = {.orphans = orphans_by_namespace(pods, pod_is_active)};
    for (int i = 0; i < sets->all.n; i++) if (!sets->all.items[i]->gone) obj_list_add(&w.sets, sets->all.items[i]);
    pass_parallel(p, w.sets.n, sync_one, &w);
    obj_list_free(&w.sets);
    orphans_free(w.orphans);
}
