/* deployment.c: the Deployment controller (pkg/controller/deployment: sync.go,
 * rolling.go, recreate.go, progress.go, util/deployment_util.go). For each
 * Deployment: claim the ReplicaSets its selector matches (adopt orphans,
 * release those that stopped matching), find the new ReplicaSet (the one
 * whose template equals the Deployment's, pod-template-hash aside) or create
 * it as `<deployment>-<pod-template-hash>`, then scale (a replicas change,
 * proportionally across active ReplicaSets), roll out (RollingUpdate within
 * maxSurge and maxUnavailable, or Recreate), keep the revision annotations
 * (revision, revision-history, desired-replicas, max-replicas), clean up
 * history beyond revisionHistoryLimit, honour paused deployments and write
 * the status (replicas, updated, ready, available, unavailable,
 * observedGeneration, the Available and Progressing conditions with kube's
 * reasons and messages, the progress deadline). Events: ScalingReplicaSet. */
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

#define COMPONENT "deployment-controller"
#define REVISION "deployment.kubernetes.io/revision"
#define REVISION_HISTORY "deployment.kubernetes.io/revision-history"
#define DESIRED_REPLICAS "deployment.kubernetes.io/desired-replicas"
#define MAX_REPLICAS "deployment.kubernetes.io/max-replicas"
#define HASH_LABEL "pod-template-hash"
#define MAX_REV_HISTORY_CHARS 2000
#define SYNC_ATTEMPTS 4

typedef enum sync_rc { SYNC_OK = 0, SYNC_RETRY, SYNC_ERROR } sync_rc;

static const kapi_resource *deployments_res, *replicasets_res, *pods_res;

/* One Deployment being synced: a working copy of it and its ReplicaSets. */
typedef struct dsync {
    pass *p;
    strmap *orphans;          /* namespace -> obj_list* of ReplicaSets no controller owns */
    cJSON *d;                 /* working copy (what UpdateStatus sends) */
    obj_list rs;              /* claimed ReplicaSets (read e->obj each time) */
    time_t now;
} dsync;

/* Adds item (consumed) as the first member of obj, keeping Go's field order. */
static void add_first(cJSON *obj, const char *key, cJSON *item)
{
    if (!cJSON_IsObject(obj) || !item) { cJSON_Delete(item); return; }
    cJSON *tmp = cJSON_CreateObject();
    cJSON_AddItemToObject(tmp, key, item);
    while (obj->child) {
        cJSON *c = cJSON_DetachItemViaPointer(obj, obj->child);
        cJSON_AddItemToObject(tmp, c->string, c);
    }
    while (tmp->child) {
        cJSON *c = cJSON_DetachItemViaPointer(tmp, tmp->child);
        cJSON_AddItemToObject(obj, c->string, c);
    }
    cJSON_Delete(tmp);
}

/* The object member key of obj; a new one, put first, when it is missing or
 * not an object. */
static cJSON *object_member_first(cJSON *obj, const char *key)
{
    cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (cJSON_IsObject(m)) return m;
    cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
    m = cJSON_CreateObject();
    add_first(obj, key, m);
    return m;
}

/* ---- reading */

static int32_t replicas_of(const cJSON *obj)
{
    return (int32_t)obj_num(obj, "spec.replicas", 1);
}

static int32_t status_num(const cJSON *obj, const char *field)
{
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(obj, "status");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(st, field);
    return cJSON_IsNumber(v) ? (int32_t)v->valuedouble : 0;
}

/* strconv.ParseInt of the revision annotation: 0 when absent, -1 when not a
 * number. */
static long long revision_of(const cJSON *rs)
{
    const char *v = meta_annotation(rs, REVISION);
    if (!v) return 0;
    char *end;
    long long n = strtoll(v, &end, 10);
    return *v && !*end ? n : -1;
}

static const cJSON *spec_of(const cJSON *obj, const char *field)
{
    return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(obj, "spec"), field);
}

static int is_rolling_update(const cJSON *d)
{
    const char *t = obj_str(d, "spec.strategy.type");
    return t && !strcmp(t, "RollingUpdate");
}

/* intstr.GetScaledValueFromIntOrPercent */
static int32_t scaled_value(const cJSON *v, int32_t total, int round_up)
{
    if (cJSON_IsNumber(v)) return (int32_t)v->valuedouble;
    if (cJSON_IsString(v)) {
        size_t n = strlen(v->valuestring);
        if (n && v->valuestring[n - 1] == '%') {
            long long pct = atoll(v->valuestring), x = pct * total;
            /* math.Ceil / math.Floor of pct * total / 100 (both >= 0) */
            return (int32_t)(round_up ? (x + 99) / 100 : x / 100);
        }
        return (int32_t)atoi(v->valuestring);
    }
    return 0;
}

/* ResolveFenceposts */
static void fenceposts(const cJSON *d, int32_t *surge, int32_t *unavailable)
{
    int32_t desired = replicas_of(d);
    const cJSON *ru = spec_of(d, "strategy");
    ru = cJSON_GetObjectItemCaseSensitive(ru, "rollingUpdate");
    *surge = scaled_value(cJSON_GetObjectItemCaseSensitive(ru, "maxSurge"), desired, 1);
    *unavailable = scaled_value(cJSON_GetObjectItemCaseSensitive(ru, "maxUnavailable"), desired, 0);
    if (*surge == 0 && *unavailable == 0) *unavailable = 1;
}

static int32_t max_surge(const cJSON *d)
{
    if (!is_rolling_update(d)) return 0;
    int32_t s, u;
    fenceposts(d, &s, &u);
    return s;
}

static int32_t max_unavailable(const cJSON *d)
{
    if (!is_rolling_update(d) || replicas_of(d) == 0) return 0;
    int32_t s, u;
    fenceposts(d, &s, &u);
    return u > replicas_of(d) ? replicas_of(d) : u;
}

static int has_progress_deadline(const cJSON *d)
{
    const cJSON *v = spec_of(d, "progressDeadlineSeconds");
    return cJSON_IsNumber(v) && v->valuedouble != 2147483647.0;
}

/* ---- ReplicaSet lists */

static int compare_created(const cJSON *a, const cJSON *b)
{
    time_t ta = obj_created(a), tb = obj_created(b);
    if (ta != tb) return ta < tb ? -1 : 1;
    return strcmp(obj_name(a), obj_name(b));
}

static int by_creation(const void *x, const void *y)
{
    return compare_created((*(obj_entry *const *)x)->obj, (*(obj_entry *const *)y)->obj);
}

static int by_revision(const void *x, const void *y)
{
    const cJSON *a = (*(obj_entry *const *)x)->obj, *b = (*(obj_entry *const *)y)->obj;
    long long ra = revision_of(a), rb = revision_of(b);
    if (ra == rb) return compare_created(a, b);
    return ra < rb ? -1 : 1;
}

/* ReplicaSetsBySizeOlder (scaling down) / ReplicaSetsBySizeNewer (up). */
static int by_size_older(const void *x, const void *y)
{
    const cJSON *a = (*(obj_entry *const *)x)->obj, *b = (*(obj_entry *const *)y)->obj;
    if (replicas_of(a) == replicas_of(b)) return compare_created(a, b);
    return replicas_of(a) > replicas_of(b) ? -1 : 1;
}

static int by_size_newer(const void *x, const void *y)
{
    const cJSON *a = (*(obj_entry *const *)x)->obj, *b = (*(obj_entry *const *)y)->obj;
    if (replicas_of(a) == replicas_of(b)) return -compare_created(a, b);
    return replicas_of(a) > replicas_of(b) ? -1 : 1;
}

static void sort_list(obj_list *l, int (*cmp)(const void *, const void *))
{
    if (l->n > 1) qsort(l->items, (size_t)l->n, sizeof *l->items, cmp);
}

static int32_t sum_spec_replicas(const obj_list *l)
{
    int32_t n = 0;
    for (int i = 0; i < l->n; i++) if (l->items[i]) n += replicas_of(l->items[i]->obj);
    return n;
}

static int32_t sum_status(const obj_list *l, const char *field)
{
    int32_t n = 0;
    for (int i = 0; i < l->n; i++) if (l->items[i]) n += status_num(l->items[i]->obj, field);
    return n;
}

static void active_only(const obj_list *in, obj_list *out)
{
    for (int i = 0; i < in->n; i++)
        if (in->items[i] && replicas_of(in->items[i]->obj) > 0) obj_list_add(out, in->items[i]);
}

/* EqualIgnoreHash */
static int equal_ignore_hash(const cJSON *t1, const cJSON *t2)
{
    cJSON *a = cJSON_Duplicate(t1, 1), *b = cJSON_Duplicate(t2, 1);
    cJSON_DeleteItemFromObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(obj_meta(a), "labels"), HASH_LABEL);
    cJSON_DeleteItemFromObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(obj_meta(b), "labels"), HASH_LABEL);
    int eq = json_semantic_equal(a, b);
    cJSON_Delete(a);
    cJSON_Delete(b);
    return eq;
}

/* FindNewReplicaSet: the oldest ReplicaSet with the Deployment's template. */
static obj_entry *find_new_rs(dsync *s)
{
    sort_list(&s->rs, by_creation);
    const cJSON *template = spec_of(s->d, "template");
    for (int i = 0; i < s->rs.n; i++)
        if (equal_ignore_hash(spec_of(s->rs.items[i]->obj, "template"), template)) return s->rs.items[i];
    return NULL;
}

static void old_rss(dsync *s, obj_entry *new_rs, obj_list *all_old)
{
    for (int i = 0; i < s->rs.n; i++)
        if (s->rs.items[i] != new_rs) obj_list_add(all_old, s->rs.items[i]);
}

/* ---- conditions */

static cJSON *status_of(cJSON *obj)
{
    return json_object_member(obj, "status");
}

static cJSON *new_condition(const char *type, const char *status, const char *reason, const char *message)
{
    char now[21];
    time_now(now);
    return condition_new(type, status, reason, message, now, 1);
}

/* ---- writes */

/* UpdateStatus of the working copy; the copy becomes the stored object. */
static sync_rc update_status(dsync *s, const char *why)
{
    api_result r = api_update(s->p, deployments_res, s->d, "status", why);
    if (r.status == 200 && r.entry) {
        cJSON_Delete(s->d);
        s->d = cJSON_Duplicate(r.entry->obj, 1);
        return SYNC_OK;
    }
    return r.status == 409 ? SYNC_RETRY : SYNC_ERROR;
}

/* SetReplicasAnnotations: 1 when changed. */
static int set_replicas_annotations(cJSON *rs, int32_t desired, int32_t max)
{
    char d[16], m[16];
    snprintf(d, sizeof d, "%d", desired);
    snprintf(m, sizeof m, "%d", max);
    int changed = 0;
    const char *cur = meta_annotation(rs, DESIRED_REPLICAS);
    if (!cur || strcmp(cur, d)) { meta_set_annotation(rs, DESIRED_REPLICAS, d); changed = 1; }
    cur = meta_annotation(rs, MAX_REPLICAS);
    if (!cur || strcmp(cur, m)) { meta_set_annotation(rs, MAX_REPLICAS, m); changed = 1; }
    return changed;
}

static int replicas_annotations_need_update(const cJSON *rs, int32_t desired, int32_t max)
{
    char d[16], m[16];
    snprintf(d, sizeof d, "%d", desired);
    snprintf(m, sizeof m, "%d", max);
    const char *cd = meta_annotation(rs, DESIRED_REPLICAS), *cm = meta_annotation(rs, MAX_REPLICAS);
    return !cd || strcmp(cd, d) || !cm || strcmp(cm, m);
}

/* scaleReplicaSet: spec.replicas and the replicas annotations; a size
 * change is a ScalingReplicaSet event on the Deployment. */
static sync_rc scale_rs(dsync *s, obj_entry *e, int32_t new_scale, int *scaled)
{
    const cJSON *rs = e->obj;
    int32_t old_scale = replicas_of(rs);
    int32_t desired = replicas_of(s->d), max = desired + max_surge(s->d);
    int size_needs_update = old_scale != new_scale;
    if (scaled) *scaled = 0;
    if (!size_needs_update && !replicas_annotations_need_update(rs, desired, max)) return SYNC_OK;
    cJSON *copy = cJSON_Duplicate(rs, 1);
    cJSON *spec = cJSON_GetObjectItemCaseSensitive(copy, "spec");
    if (cJSON_HasObjectItem(spec, "replicas"))
        cJSON_ReplaceItemInObjectCaseSensitive(spec, "replicas", cJSON_CreateNumber(new_scale));
    else
        add_first(spec, "replicas", cJSON_CreateNumber(new_scale));
    set_replicas_annotations(copy, desired, max);
    char why[200];
    snprintf(why, sizeof why, "scale to %d for deployment %s", new_scale, obj_name(s->d));
    api_result r = api_update(s->p, replicasets_res, copy, NULL, why);
    cJSON_Delete(copy);
    if (r.status != 200) return r.status == 409 ? SYNC_RETRY : SYNC_ERROR;
    if (size_needs_update) {
        if (scaled) *scaled = 1;
        record_event(s->p, s->d, deployments_res, "Normal", "ScalingReplicaSet", COMPONENT,
                     "Scaled %s replica set %s from %d to %d", old_scale < new_scale ? "up" : "down",
                     obj_name(r.entry->obj), old_scale, new_scale);
    }
    return SYNC_OK;
}

/* scaleReplicaSetAndRecordEvent */
static sync_rc scale_rs_if_needed(dsync *s, obj_entry *e, int32_t new_scale, int *scaled)
{
    if (scaled) *scaled = 0;
    if (replicas_of(e->obj) == new_scale) return SYNC_OK;
    return scale_rs(s, e, new_scale, scaled);
}

/* ---- revisions */

static const char *const annotations_to_skip[] = {
    "kubectl.kubernetes.io/last-applied-configuration", REVISION, REVISION_HISTORY, DESIRED_REPLICAS,
    MAX_REPLICAS, "deprecated.deployment.rollback.to", NULL};

static int skip_annotation(const char *key)
{
    for (int i = 0; annotations_to_skip[i]; i++) if (!strcmp(key, annotations_to_skip[i])) return 1;
    return 0;
}

/* SetNewReplicaSetAnnotations: 1 when rs's annotations changed. */
static int set_new_rs_annotations(const cJSON *d, cJSON *rs, long long new_revision, int exists)
{
    int changed = 0;
    const cJSON *da = cJSON_GetObjectItemCaseSensitive(obj_meta(d), "annotations"), *a;
    cJSON_ArrayForEach(a, da) {
        if (!a->string || !cJSON_IsString(a) || skip_annotation(a->string)) continue;
        const char *cur = meta_annotation(rs, a->string);
        if (cur && !strcmp(cur, a->valuestring)) continue;
        meta_set_annotation(rs, a->string, a->valuestring);
        changed = 1;
    }
    const char *old = meta_annotation(rs, REVISION);
    long long old_rev = 0;
    if (old) {
        char *end;
        old_rev = strtoll(old, &end, 10);
        if (!*old || *end) return changed;    /* not a number: left alone */
    }
    if (old_rev < new_revision) {
        char *old_copy = old ? kapi_xstrdup(old) : NULL;
        char nr[24];
        snprintf(nr, sizeof nr, "%lld", new_revision);
        meta_set_annotation(rs, REVISION, nr);
        changed = 1;
        if (old_copy) {
            /* rolled back to this ReplicaSet: its old revision goes to the history */
            const char *hist = meta_annotation(rs, REVISION_HISTORY);
            if (!hist || !*hist) {
                meta_set_annotation(rs, REVISION_HISTORY, old_copy);
            } else {
                size_t total = strlen(hist) + strlen(old_copy) + 1;
                const char *start = hist;
                while (total > MAX_REV_HISTORY_CHARS && start) {
                    const char *comma = strchr(start, ',');
                    total -= (comma ? (size_t)(comma - start) : strlen(start)) + 1;
                    start = comma ? comma + 1 : NULL;
                }
                if (total <= MAX_REV_HISTORY_CHARS) {
                    char *joined = kapi_xmalloc(strlen(hist) + strlen(old_copy) + 2);
                    if (start && *start) sprintf(joined, "%s,%s", start, old_copy);
                    else sprintf(joined, "%s", old_copy);
                    meta_set_annotation(rs, REVISION_HISTORY, joined);
                    free(joined);
                }
            }
        }
        free(old_copy);
    }
    if (!exists) {
        int32_t desired = replicas_of(d);
        if (set_replicas_annotations(rs, desired, desired + max_surge(d))) changed = 1;
    }
    return changed;
}

static int set_deployment_revision(cJSON *d, const char *revision)
{
    const char *cur = meta_annotation(d, REVISION);
    if (cur && revision && !strcmp(cur, revision)) return 0;
    meta_set_annotation(d, REVISION, revision ? revision : "");
    return 1;
}

static long long max_revision(const obj_list *l)
{
    long long max = 0;
    for (int i = 0; i < l->n; i++) {
        long long v = revision_of(l->items[i]->obj);
        if (v > max) max = v;
    }
    return max;
}

/* NewRSNewReplicas */
static int32_t new_rs_new_replicas(const cJSON *d, const obj_list *all, int32_t new_rs_replicas)
{
    int32_t desired = replicas_of(d);
    if (!is_rolling_update(d)) return desired;
    int32_t current = sum_spec_replicas(all);
    int32_t max_total = desired + max_surge(d);
    if (current >= max_total) return new_rs_replicas;
    int32_t up = max_total - current;
    if (up > desired - new_rs_replicas) up = desired - new_rs_replicas;
    return new_rs_replicas + up;
}

/* getNewReplicaSet: the existing new ReplicaSet brought up to date, or
 * (create) a new one. *out is NULL when there is none (yet). */
static sync_rc get_new_rs(dsync *s, const obj_list *old, int create, obj_entry **out)
{
    *out = NULL;
    obj_entry *existing = find_new_rs(s);
    long long new_revision = max_revision(old) + 1;
    char nr[24];
    snprintf(nr, sizeof nr, "%lld", new_revision);
    if (existing) {
        cJSON *copy = cJSON_Duplicate(existing->obj, 1);
        int annotations_updated = set_new_rs_annotations(s->d, copy, new_revision, 1);
        double min_ready = obj_num(s->d, "spec.minReadySeconds", 0);
        int min_ready_needs_update = obj_num(copy, "spec.minReadySeconds", 0) != min_ready;
        if (annotations_updated || min_ready_needs_update) {
            cJSON *spec = cJSON_GetObjectItemCaseSensitive(copy, "spec");
            cJSON_DeleteItemFromObjectCaseSensitive(spec, "minReadySeconds");
            if (min_ready) cJSON_AddNumberToObject(spec, "minReadySeconds", min_ready);
            char why[200];
            snprintf(why, sizeof why, "revision %s of deployment %s", meta_annotation(copy, REVISION) ? meta_annotation(copy, REVISION) : "?",
                     obj_name(s->d));
            api_result r = api_update(s->p, replicasets_res, copy, NULL, why);
            cJSON_Delete(copy);
            if (r.status != 200) return r.status == 409 ? SYNC_RETRY : SYNC_ERROR;
            *out = r.entry;
            return SYNC_OK;
        }
        cJSON_Delete(copy);
        int needs_update = set_deployment_revision(s->d, meta_annotation(existing->obj, REVISION));
        cJSON *status = status_of(s->d);
        if (has_progress_deadline(s->d) && !condition_find(status, "Progressing")) {
            char msg[400];
            snprintf(msg, sizeof msg, "Found new replica set \"%s\"", obj_name(existing->obj));
            condition_set(status, new_condition("Progressing", "True", "FoundNewReplicaSet", msg));
            needs_update = 1;
        }
        *out = existing;
        if (needs_update) return update_status(s, "revision and progress of the deployment");
        return SYNC_OK;
    }
    if (!create) return SYNC_OK;

    /* a new ReplicaSet */
    const cJSON *template = spec_of(s->d, "template");
    char hash[16];
    pod_template_hash(template, cJSON_GetObjectItemCaseSensitive(status_of(s->d), "collisionCount"), hash);
    cJSON *rs_template = cJSON_Duplicate(template, 1);
    if (!cJSON_IsObject(rs_template)) { cJSON_Delete(rs_template); rs_template = cJSON_CreateObject(); }
    cJSON *tlabels = json_object_member(object_member_first(rs_template, "metadata"), "labels");
    cJSON_DeleteItemFromObjectCaseSensitive(tlabels, HASH_LABEL);
    cJSON_AddStringToObject(tlabels, HASH_LABEL, hash);
    cJSON *selector = cJSON_Duplicate(spec_of(s->d, "selector"), 1);
    if (!cJSON_IsObject(selector)) { cJSON_Delete(selector); selector = cJSON_CreateObject(); }
    cJSON *ml = object_member_first(selector, "matchLabels");
    cJSON_DeleteItemFromObjectCaseSensitive(ml, HASH_LABEL);
    cJSON_AddStringToObject(ml, HASH_LABEL, hash);

    cJSON *rs = cJSON_CreateObject();
    cJSON_AddStringToObject(rs, "apiVersion", "apps/v1");
    cJSON_AddStringToObject(rs, "kind", "ReplicaSet");
    cJSON *meta = cJSON_AddObjectToObject(rs, "metadata");
    char name[400];
    snprintf(name, sizeof name, "%s-%s", obj_name(s->d), hash);
    cJSON_AddStringToObject(meta, "name", name);
    cJSON_AddStringToObject(meta, "namespace", obj_namespace(s->d));
    cJSON_AddItemToObject(meta, "labels", cJSON_Duplicate(tlabels, 1));
    cJSON_AddItemToArray(cJSON_AddArrayToObject(meta, "ownerReferences"), controller_ref_to(s->d, deployments_res));
    cJSON *spec = cJSON_AddObjectToObject(rs, "spec");
    cJSON *replicas = cJSON_AddNumberToObject(spec, "replicas", 0);
    double min_ready = obj_num(s->d, "spec.minReadySeconds", 0);
    if (min_ready) cJSON_AddNumberToObject(spec, "minReadySeconds", min_ready);
    cJSON_AddItemToObject(spec, "selector", selector);
    cJSON_AddItemToObject(spec, "template", rs_template);

    obj_list all = {0};
    for (int i = 0; i < old->n; i++) obj_list_add(&all, old->items[i]);
    int32_t count = new_rs_new_replicas(s->d, &all, 0);
    obj_list_free(&all);
    cJSON_SetNumberValue(replicas, count);
    set_new_rs_annotations(s->d, rs, new_revision, 0);

    char why[300];
    snprintf(why, sizeof why, "new ReplicaSet of deployment %s, %d replicas, revision %lld", obj_name(s->d), count,
             new_revision);
    api_result r = api_create(s->p, replicasets_res, obj_namespace(s->d), rs, why);
    cJSON_Delete(rs);
    int already_exists = 0;
    obj_entry *created = r.entry;
    if (r.status == 409) {
        /* ours from an earlier pass, or a hash collision */
        already_exists = 1;
        api_result g = api_get(s->p, replicasets_res, obj_namespace(s->d), name);
        if (g.status != 200) return g.status == 404 ? SYNC_RETRY : SYNC_ERROR;
        const cJSON *ref = owner_ref_controller(g.entry->obj);
        if (ref && !strcmp(obj_str(ref, "uid") ? obj_str(ref, "uid") : "", obj_uid(s->d)) &&
            equal_ignore_hash(spec_of(s->d, "template"), spec_of(g.entry->obj, "template"))) {
            created = g.entry;
        } else {
            cJSON *status = status_of(s->d);
            cJSON *cc = cJSON_GetObjectItemCaseSensitive(status, "collisionCount");
            double n = cJSON_IsNumber(cc) ? cc->valuedouble : 0;
            cJSON_DeleteItemFromObjectCaseSensitive(status, "collisionCount");
            cJSON_AddNumberToObject(status, "collisionCount", n + 1);
            update_status(s, "hash collision: collisionCount + 1");
            return SYNC_RETRY;
        }
    } else if (r.status != 201) {
        if (r.status == 403 && strstr(r.message, "because it is being terminated")) return SYNC_ERROR;
        char msg[1000];
        snprintf(msg, sizeof msg, "Failed to create new replica set \"%.250s\": %.600s", name, r.message);
        if (has_progress_deadline(s->d)) {
            condition_set(status_of(s->d), new_condition("Progressing", "False", "ReplicaSetCreateError", msg));
            update_status(s, "replica set create error");
        }
        record_event(s->p, s->d, deployments_res, "Warning", "ReplicaSetCreateError", COMPONENT, "%s", msg);
        return SYNC_ERROR;
    }
    if (!already_exists && count > 0)
        record_event(s->p, s->d, deployments_res, "Normal", "ScalingReplicaSet", COMPONENT,
                     "Scaled up replica set %s from 0 to %d", obj_name(created->obj), count);
    int needs_update = set_deployment_revision(s->d, nr);
    if (!already_exists && has_progress_deadline(s->d)) {
        char msg[400];
        snprintf(msg, sizeof msg, "Created new replica set \"%s\"", obj_name(created->obj));
        condition_set(status_of(s->d), new_condition("Progressing", "True", "NewReplicaSetCreated", msg));
        needs_update = 1;
    }
    obj_list_add(&s->rs, created);
    *out = created;
    if (needs_update) return update_status(s, "new replica set");
    return SYNC_OK;
}

/* getAllReplicaSetsAndSyncRevision */
static sync_rc all_rss_and_sync_revision(dsync *s, int create, obj_entry **new_rs, obj_list *old)
{
    old->n = 0;
    obj_list all_old = {0};
    obj_entry *existing = find_new_rs(s);
    old_rss(s, existing, &all_old);
    sync_rc rc = get_new_rs(s, &all_old, create, new_rs);
    obj_list_free(&all_old);
    if (rc) return rc;
    old_rss(s, *new_rs, old);
    return SYNC_OK;
}

/* ---- status */

/* calculateStatus (caller frees) */
static cJSON *calculate_status(dsync *s, const obj_list *all, obj_entry *new_rs)
{
    int32_t available = sum_status(all, "availableReplicas");
    int32_t total = sum_spec_replicas(all);
    int32_t unavailable = total - available;
    if (unavailable < 0) unavailable = 0;
    obj_list just_new = {0};
    if (new_rs) obj_list_add(&just_new, new_rs);
    const cJSON *old_status = cJSON_GetObjectItemCaseSensitive(s->d, "status");
    cJSON *st = cJSON_CreateObject();
    cJSON_AddNumberToObject(st, "observedGeneration", obj_num(s->d, "metadata.generation", 0));
    int32_t replicas = sum_status(all, "replicas"), updated = sum_status(&just_new, "replicas");
    int32_t ready = sum_status(all, "readyReplicas");
    obj_list_free(&just_new);
    if (replicas) cJSON_AddNumberToObject(st, "replicas", replicas);
    if (updated) cJSON_AddNumberToObject(st, "updatedReplicas", updated);
    if (ready) cJSON_AddNumberToObject(st, "readyReplicas", ready);
    if (available) cJSON_AddNumberToObject(st, "availableReplicas", available);
    if (unavailable) cJSON_AddNumberToObject(st, "unavailableReplicas", unavailable);
    const cJSON *conds = cJSON_GetObjectItemCaseSensitive(old_status, "conditions");
    if (cJSON_IsArray(conds) && conds->child) cJSON_AddItemToObject(st, "conditions", cJSON_Duplicate(conds, 1));
    if (available >= replicas_of(s->d) - max_unavailable(s->d))
        condition_set(st, new_condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."));
    else
        condition_set(st, new_condition("Available", "False", "MinimumReplicasUnavailable",
                                        "Deployment does not have minimum availability."));
    const cJSON *cc = cJSON_GetObjectItemCaseSensitive(old_status, "collisionCount");
    if (cc) cJSON_AddItemToObject(st, "collisionCount", cJSON_Duplicate(cc, 1));
    return st;
}

static int status_counter(const cJSON *st, const char *f)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(st, f);
    return cJSON_IsNumber(v) ? (int)v->valuedouble : 0;
}

/* DeploymentComplete */
static int deployment_complete(const cJSON *d, const cJSON *st)
{
    int32_t want = replicas_of(d);
    return status_counter(st, "updatedReplicas") == want && status_counter(st, "replicas") == want &&
           status_counter(st, "availableReplicas") == want &&
           obj_num(st, "observedGeneration", 0) >= obj_num(d, "metadata.generation", 0);
}

/* DeploymentProgressing: against the status the Deployment has now. */
static int deployment_progressing(const cJSON *d, const cJSON *st)
{
    const cJSON *old = cJSON_GetObjectItemCaseSensitive(d, "status");
    int old_old = status_counter(old, "replicas") - status_counter(old, "updatedReplicas");
    int new_old = status_counter(st, "replicas") - status_counter(st, "updatedReplicas");
    return status_counter(st, "updatedReplicas") > status_counter(old, "updatedReplicas") || new_old < old_old ||
           status_counter(st, "readyReplicas") > status_counter(old, "readyReplicas") ||
           status_counter(st, "availableReplicas") > status_counter(old, "availableReplicas");
}

/* DeploymentTimedOut */
static int deployment_timed_out(dsync *s, const cJSON *st)
{
    if (!has_progress_deadline(s->d)) return 0;
    const cJSON *c = condition_find(st, "Progressing");
    if (!c) return 0;
    const char *reason = obj_str(c, "reason");
    if (reason && !strcmp(reason, "NewReplicaSetAvailable")) return 0;
    if (reason && !strcmp(reason, "ProgressDeadlineExceeded")) return 1;
    const char *from = obj_str(c, "lastUpdateTime");
    time_t t = from ? time_parse_rfc3339(from) : -1;
    if (t < 0) return 0;
    return t + (time_t)obj_num(s->d, "spec.progressDeadlineSeconds", 600) < s->now;
}

static sync_rc write_status_if_changed(dsync *s, cJSON *st, const char *why)
{
    if (json_semantic_equal(cJSON_GetObjectItemCaseSensitive(s->d, "status"), st)) {
        cJSON_Delete(st);
        return SYNC_OK;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(s->d, "status");
    cJSON_AddItemToObject(s->d, "status", st);
    return update_status(s, why);
}

/* syncDeploymentStatus */
static sync_rc sync_deployment_status(dsync *s, const obj_list *all, obj_entry *new_rs)
{
    return write_status_if_changed(s, calculate_status(s, all, new_rs), "status of the deployment");
}

/* syncRolloutStatus */
static sync_rc sync_rollout_status(dsync *s, const obj_list *all, obj_entry *new_rs)
{
    cJSON *st = calculate_status(s, all, new_rs);
    if (!has_progress_deadline(s->d)) condition_remove(st, "Progressing");
    const cJSON *cur = condition_find(cJSON_GetObjectItemCaseSensitive(s->d, "status"), "Progressing");
    const char *cur_reason = obj_str(cur, "reason");
    int complete_already = status_counter(st, "replicas") == status_counter(st, "updatedReplicas") && cur_reason &&
                           !strcmp(cur_reason, "NewReplicaSetAvailable");
    if (has_progress_deadline(s->d) && !complete_already) {
        char msg[400];
        const char *rs_name = new_rs ? obj_name(new_rs->obj) : NULL;
        if (deployment_complete(s->d, st)) {
            if (rs_name) snprintf(msg, sizeof msg, "ReplicaSet \"%s\" has successfully progressed.", rs_name);
            else snprintf(msg, sizeof msg, "Deployment \"%s\" has successfully progressed.", obj_name(s->d));
            condition_set(st, new_condition("Progressing", "True", "NewReplicaSetAvailable", msg));
        } else if (deployment_progressing(s->d, st)) {
            if (rs_name) snprintf(msg, sizeof msg, "ReplicaSet \"%s\" is progressing.", rs_name);
            else snprintf(msg, sizeof msg, "Deployment \"%s\" is progressing.", obj_name(s->d));
            cJSON *cond = new_condition("Progressing", "True", "ReplicaSetUpdated", msg);
            const cJSON *now_cond = condition_find(st, "Progressing");
            if (now_cond) {
                const char *status = obj_str(now_cond, "status"), *ltt = obj_str(now_cond, "lastTransitionTime");
                if (status && !strcmp(status, "True") && ltt) {
                    cJSON_ReplaceItemInObjectCaseSensitive(cond, "lastTransitionTime", cJSON_CreateString(ltt));
                }
                condition_remove(st, "Progressing");
            }
            condition_set(st, cond);
        } else if (deployment_timed_out(s, st)) {
            if (rs_name) snprintf(msg, sizeof msg, "ReplicaSet \"%s\" has timed out progressing.", rs_name);
            else snprintf(msg, sizeof msg, "Deployment \"%s\" has timed out progressing.", obj_name(s->d));
            condition_set(st, new_condition("Progressing", "False", "ProgressDeadlineExceeded", msg));
        }
    }
    /* ReplicaFailure conditions of the ReplicaSets, the new one's first */
    const cJSON *failure = NULL;
    if (new_rs) failure = condition_find(cJSON_GetObjectItemCaseSensitive(new_rs->obj, "status"), "ReplicaFailure");
    for (int i = 0; !failure && i < all->n; i++)
        if (all->items[i]) failure = condition_find(cJSON_GetObjectItemCaseSensitive(all->items[i]->obj, "status"), "ReplicaFailure");
    if (failure) {
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "type", "ReplicaFailure");
        cJSON_AddStringToObject(c, "status", obj_str(failure, "status") ? obj_str(failure, "status") : "True");
        const char *ltt = obj_str(failure, "lastTransitionTime");
        cJSON_AddStringToObject(c, "lastUpdateTime", ltt ? ltt : "");
        cJSON_AddStringToObject(c, "lastTransitionTime", ltt ? ltt : "");
        cJSON_AddStringToObject(c, "reason", obj_str(failure, "reason") ? obj_str(failure, "reason") : "");
        cJSON_AddStringToObject(c, "message", obj_str(failure, "message") ? obj_str(failure, "message") : "");
        condition_set(st, c);
    } else {
        condition_remove(st, "ReplicaFailure");
    }
    return write_status_if_changed(s, st, "rollout status of the deployment");
}

/* ---- history */

/* cleanupDeployment: old ReplicaSets beyond revisionHistoryLimit, the
 * oldest revisions first, only those fully scaled down. */
static sync_rc cleanup_deployment(dsync *s, const obj_list *old)
{
    const cJSON *limit = spec_of(s->d, "revisionHistoryLimit");
    if (!cJSON_IsNumber(limit)) return SYNC_OK;
    obj_list cleanable = {0};
    for (int i = 0; i < old->n; i++)
        if (old->items[i] && !old->items[i]->gone && !obj_being_deleted(old->items[i]->obj))
            obj_list_add(&cleanable, old->items[i]);
    int diff = cleanable.n - (int)limit->valuedouble;
    sort_list(&cleanable, by_revision);
    sync_rc rc = SYNC_OK;
    for (int i = 0; i < diff && i < cleanable.n; i++) {
        const cJSON *rs = cleanable.items[i]->obj;
        if (status_num(rs, "replicas") != 0 || replicas_of(rs) != 0 ||
            obj_num(rs, "metadata.generation", 0) > obj_num(rs, "status.observedGeneration", 0) || obj_being_deleted(rs))
            continue;
        char why[300];
        snprintf(why, sizeof why, "revision %s of deployment %s is beyond revisionHistoryLimit %d",
                 meta_annotation(rs, REVISION) ? meta_annotation(rs, REVISION) : "?", obj_name(s->d), (int)limit->valuedouble);
        api_result r = api_delete(s->p, replicasets_res, obj_namespace(rs), obj_name(rs), NULL, NULL, why);
        if (r.status != 200 && r.status != 404) { rc = SYNC_ERROR; break; }
    }
    obj_list_free(&cleanable);
    return rc;
}

/* ---- scaling (sync.go scale) */

/* getReplicaSetFraction / GetReplicaSetProportion */
static int32_t rs_proportion(dsync *s, const cJSON *rs, int32_t to_add, int32_t added)
{
    if (replicas_of(rs) == 0 || to_add == 0 || to_add == added) return 0;
    int32_t fraction;
    int32_t desired = replicas_of(s->d);
    if (desired == 0) {
        fraction = -replicas_of(rs);
    } else {
        int32_t max_now = desired + max_surge(s->d);
        const char *a = meta_annotation(rs, MAX_REPLICAS);
        int32_t before = a ? atoi(a) : 0;
        if (before == 0) before = status_num(s->d, "replicas");
        if (before == 0) return 0;
        double size = (double)replicas_of(rs) * max_now / before;
        /* integer.RoundToInt32: math.Round, halves away from zero */
        fraction = (int32_t)(size >= 0 ? size + 0.5 : size - 0.5) - replicas_of(rs);
    }
    int32_t allowed = to_add - added;
    if (to_add > 0) return fraction < allowed ? fraction : allowed;
    return fraction > allowed ? fraction : allowed;
}

/* IsSaturated */
static int is_saturated(const cJSON *d, obj_entry *rs)
{
    if (!rs) return 0;
    const char *a = meta_annotation(rs->obj, DESIRED_REPLICAS);
    if (!a) return 0;
    int32_t want = replicas_of(d);
    return replicas_of(rs->obj) == want && atoi(a) == want && status_num(rs->obj, "availableReplicas") == want;
}

/* FindActiveOrLatest */
static obj_entry *active_or_latest(obj_entry *new_rs, obj_list *old)
{
    if (!new_rs && old->n == 0) return NULL;
    obj_list all = {0}, active = {0};
    sort_list(old, by_creation);
    for (int i = old->n - 1; i >= 0; i--) obj_list_add(&all, old->items[i]);   /* newest first */
    if (new_rs) obj_list_add(&all, new_rs);
    active_only(&all, &active);
    obj_entry *r = NULL;
    if (active.n == 0) r = new_rs ? new_rs : old->items[old->n - 1];
    else if (active.n == 1) r = active.items[0];
    obj_list_free(&all);
    obj_list_free(&active);
    return r;
}

static sync_rc scale(dsync *s, obj_entry *new_rs, obj_list *old)
{
    int32_t desired = replicas_of(s->d);
    obj_entry *one = active_or_latest(new_rs, old);
    if (one) {
        if (replicas_of(one->obj) == desired) return SYNC_OK;
        return scale_rs_if_needed(s, one, desired, NULL);
    }
    if (is_saturated(s->d, new_rs)) {
        obj_list active = {0};
        active_only(old, &active);
        sync_rc rc = SYNC_OK;
        for (int i = 0; i < active.n && !rc; i++) rc = scale_rs_if_needed(s, active.items[i], 0, NULL);
        obj_list_free(&active);
        return rc;
    }
    if (!is_rolling_update(s->d)) return SYNC_OK;
    obj_list all = {0}, active = {0};
    for (int i = 0; i < old->n; i++) obj_list_add(&all, old->items[i]);
    if (new_rs) obj_list_add(&all, new_rs);
    active_only(&all, &active);
    obj_list_free(&all);
    int32_t allowed = desired > 0 ? desired + max_surge(s->d) : 0;
    int32_t to_add = allowed - sum_spec_replicas(&active);
    if (to_add > 0) sort_list(&active, by_size_newer);
    else if (to_add < 0) sort_list(&active, by_size_older);
    int32_t *sizes = kapi_xcalloc((size_t)(active.n ? active.n : 1), sizeof *sizes);
    int32_t added = 0;
    for (int i = 0; i < active.n; i++) {
        const cJSON *rs = active.items[i]->obj;
        if (to_add != 0) {
            int32_t prop = rs_proportion(s, rs, to_add, added);
            sizes[i] = replicas_of(rs) + prop;
            added += prop;
        } else {
            sizes[i] = replicas_of(rs);
        }
    }
    sync_rc rc = SYNC_OK;
    for (int i = 0; i < active.n && !rc; i++) {
        if (i == 0 && to_add != 0) {
            sizes[0] += to_add - added;
            if (sizes[0] < 0) sizes[0] = 0;
        }
        rc = scale_rs(s, active.items[i], sizes[i], NULL);
    }
    free(sizes);
    obj_list_free(&active);
    return rc;
}

/* sync: scaling, and for paused deployments history cleanup. */
static sync_rc sync_scaling(dsync *s)
{
    obj_entry *new_rs = NULL;
    obj_list old = {0};
    sync_rc rc = all_rss_and_sync_revision(s, 0, &new_rs, &old);
    if (!rc) rc = scale(s, new_rs, &old);
    if (!rc && cJSON_IsTrue(spec_of(s->d, "paused"))) rc = cleanup_deployment(s, &old);
    if (!rc) {
        obj_list all = {0};
        for (int i = 0; i < old.n; i++) obj_list_add(&all, old.items[i]);
        if (new_rs) obj_list_add(&all, new_rs);
        rc = sync_deployment_status(s, &all, new_rs);
        obj_list_free(&all);
    }
    obj_list_free(&old);
    return rc;
}

/* isScalingEvent: an active ReplicaSet's desired-replicas differs. */
static sync_rc is_scaling_event(dsync *s, int *yes)
{
    *yes = 0;
    obj_entry *new_rs = NULL;
    obj_list old = {0}, all = {0}, active = {0};
    sync_rc rc = all_rss_and_sync_revision(s, 0, &new_rs, &old);
    if (!rc) {
        for (int i = 0; i < old.n; i++) obj_list_add(&all, old.items[i]);
        if (new_rs) obj_list_add(&all, new_rs);
        active_only(&all, &active);
        for (int i = 0; i < active.n; i++) {
            const char *a = meta_annotation(active.items[i]->obj, DESIRED_REPLICAS);
            if (a && atoi(a) != replicas_of(s->d)) { *yes = 1; break; }
        }
    }
    obj_list_free(&old);
    obj_list_free(&all);
    obj_list_free(&active);
    return rc;
}

/* ---- RollingUpdate (rolling.go) */

static sync_rc cleanup_unhealthy_replicas(dsync *s, obj_list *old, int32_t max_cleanup, int32_t *cleaned)
{
    *cleaned = 0;
    sort_list(old, by_creation);
    for (int i = 0; i < old->n; i++) {
        if (*cleaned >= max_cleanup) break;
        const cJSON *rs = old->items[i]->obj;
        int32_t want = replicas_of(rs), avail = status_num(rs, "availableReplicas");
        if (want == 0 || want == avail) continue;
        int32_t down = max_cleanup - *cleaned;
        if (want - avail < down) down = want - avail;
        sync_rc rc = scale_rs_if_needed(s, old->items[i], want - down, NULL);
        if (rc) return rc;
        *cleaned += down;
    }
    return SYNC_OK;
}

static sync_rc scale_down_old_for_rolling_update(dsync *s, const obj_list *all, obj_list *old, int32_t *down_total)
{
    *down_total = 0;
    int32_t min_available = replicas_of(s->d) - max_unavailable(s->d);
    int32_t available = sum_status(all, "availableReplicas");
    if (available <= min_available) return SYNC_OK;
    int32_t to_scale_down = available - min_available;
    sort_list(old, by_creation);
    for (int i = 0; i < old->n; i++) {
        if (*down_total >= to_scale_down) break;
        const cJSON *rs = old->items[i]->obj;
        int32_t want = replicas_of(rs);
        if (want == 0) continue;
        int32_t down = want < to_scale_down - *down_total ? want : to_scale_down - *down_total;
        sync_rc rc = scale_rs_if_needed(s, old->items[i], want - down, NULL);
        if (rc) return rc;
        *down_total += down;
    }
    return SYNC_OK;
}

static sync_rc reconcile_old_rss(dsync *s, const obj_list *all, obj_list *old_active, obj_entry *new_rs, int *scaled)
{
    *scaled = 0;
    int32_t old_pods = sum_spec_replicas(old_active);
    if (old_pods == 0) return SYNC_OK;
    int32_t all_pods = sum_spec_replicas(all);
    int32_t min_available = replicas_of(s->d) - max_unavailable(s->d);
    int32_t new_unavailable = replicas_of(new_rs->obj) - status_num(new_rs->obj, "availableReplicas");
    int32_t max_scaled_down = all_pods - min_available - new_unavailable;
    if (max_scaled_down <= 0) return SYNC_OK;
    int32_t cleaned = 0, down = 0;
    if (cleanup_unhealthy_replicas(s, old_active, max_scaled_down, &cleaned)) return SYNC_OK;
    obj_list all_now = {0};
    for (int i = 0; i < old_active->n; i++) obj_list_add(&all_now, old_active->items[i]);
    obj_list_add(&all_now, new_rs);
    sync_rc rc = scale_down_old_for_rolling_update(s, &all_now, old_active, &down);
    obj_list_free(&all_now);
    (void)rc;
    *scaled = cleaned + down > 0;
    return SYNC_OK;
}

static sync_rc rollout_rolling(dsync *s)
{
    obj_entry *new_rs = NULL;
    obj_list old = {0}, all = {0}, old_active = {0};
    sync_rc rc = all_rss_and_sync_revision(s, 1, &new_rs, &old);
    if (rc || !new_rs) { obj_list_free(&old); return rc ? rc : SYNC_ERROR; }
    for (int i = 0; i < old.n; i++) obj_list_add(&all, old.items[i]);
    obj_list_add(&all, new_rs);
    /* reconcileNewReplicaSet: scale up if we can */
    int scaled = 0;
    int32_t want = replicas_of(s->d), have = replicas_of(new_rs->obj);
    if (have != want) {
        int32_t target = have > want ? want : new_rs_new_replicas(s->d, &all, have);
        rc = scale_rs_if_needed(s, new_rs, target, &scaled);
    }
    if (!rc && !scaled) {
        active_only(&old, &old_active);
        rc = reconcile_old_rss(s, &all, &old_active, new_rs, &scaled);
    }
    if (!rc && !scaled && deployment_complete(s->d, cJSON_GetObjectItemCaseSensitive(s->d, "status")))
        rc = cleanup_deployment(s, &old);
    if (!rc) rc = sync_rollout_status(s, &all, new_rs);
    obj_list_free(&old);
    obj_list_free(&all);
    obj_list_free(&old_active);
    return rc;
}

/* ---- Recreate (recreate.go) */

static int old_pods_running(dsync *s, obj_entry *new_rs, const obj_list *old)
{
    if (sum_status(old, "replicas") > 0) return 1;
    for (int i = 0; i < s->rs.n; i++) {
        obj_entry *rs = s->rs.items[i];
        if (rs == new_rs) continue;
        const obj_list *pods = cache_dependents(s->p, pods_res, obj_uid(rs->obj));
        for (int j = 0; j < pods->n; j++) {
            const cJSON *pod = pods->items[j]->obj;
            if (pods->items[j]->gone) continue;
            const cJSON *ref = owner_ref_controller(pod);
            if (!ref || strcmp(obj_str(ref, "uid") ? obj_str(ref, "uid") : "", obj_uid(rs->obj))) continue;
            const char *phase = obj_str(pod, "status.phase");
            if (phase && (!strcmp(phase, "Failed") || !strcmp(phase, "Succeeded"))) continue;
            return 1;
        }
    }
    return 0;
}

static sync_rc rollout_recreate(dsync *s)
{
    obj_entry *new_rs = NULL;
    obj_list old = {0}, active = {0}, all = {0};
    sync_rc rc = all_rss_and_sync_revision(s, 0, &new_rs, &old);
    if (rc) { obj_list_free(&old); return rc; }
    active_only(&old, &active);
    int scaled_down = 0;
    for (int i = 0; i < active.n && !rc; i++) {
        int scaled = 0;
        rc = scale_rs_if_needed(s, active.items[i], 0, &scaled);
        if (scaled) scaled_down = 1;
    }
    for (int i = 0; i < old.n; i++) obj_list_add(&all, old.items[i]);
    if (new_rs) obj_list_add(&all, new_rs);
    if (!rc && (scaled_down || old_pods_running(s, new_rs, &old))) {
        rc = sync_rollout_status(s, &all, new_rs);
        goto done;
    }
    if (!rc && !new_rs) {
        rc = all_rss_and_sync_revision(s, 1, &new_rs, &old);
        all.n = 0;
        for (int i = 0; i < old.n; i++) obj_list_add(&all, old.items[i]);
        if (new_rs) obj_list_add(&all, new_rs);
    }
    if (!rc && new_rs) rc = scale_rs_if_needed(s, new_rs, replicas_of(s->d), NULL);
    if (!rc && deployment_complete(s->d, cJSON_GetObjectItemCaseSensitive(s->d, "status")))
        rc = cleanup_deployment(s, &old);
    if (!rc) rc = sync_rollout_status(s, &all, new_rs);
done:
    obj_list_free(&old);
    obj_list_free(&active);
    obj_list_free(&all);
    return rc;
}

/* ---- claiming ReplicaSets (ReplicaSetControllerRefManager) */

static sync_rc claim_replicasets(dsync *s)
{
    const char *ns = obj_namespace(s->d), *uid = obj_uid(s->d);
    const cJSON *selector = spec_of(s->d, "selector");
    int deleting = obj_being_deleted(s->d), fresh_checked = 0;
    s->rs.n = 0;
    /* those that name us as their controller, and orphans in our namespace */
    const obj_list *deps = cache_dependents(s->p, replicasets_res, uid);
    obj_list candidates = {0};
    for (int i = 0; i < deps->n; i++) if (!deps->items[i]->gone) obj_list_add(&candidates, deps->items[i]);
    const obj_list *orphans = strmap_get(s->orphans, ns);
    for (int i = 0; orphans && i < orphans->n; i++) {
        obj_entry *e = orphans->items[i];
        if (e->gone || owner_ref_controller(e->obj)) continue;   /* adopted since */
        obj_list_add(&candidates, e);
    }
    sync_rc rc = SYNC_OK;
    for (int i = 0; i < candidates.n && !rc; i++) {
        obj_entry *e = candidates.items[i];
        const cJSON *ref = owner_ref_controller(e->obj);
        int matches = label_selector_matches_labels(selector, cJSON_GetObjectItemCaseSensitive(obj_meta(e->obj), "labels"));
        if (ref) {
            const char *ruid = obj_str(ref, "uid");
            if (!ruid || strcmp(ruid, uid)) continue;
            if (matches) { obj_list_add(&s->rs, e); continue; }
            if (deleting) continue;
            cJSON *patch = owner_refs_patch(e->obj, &uid, 1, NULL);
            char why[200];
            snprintf(why, sizeof why, "released by deployment %s: labels no longer match", obj_name(s->d));
            api_result r = api_patch(s->p, replicasets_res, obj_namespace(e->obj), obj_name(e->obj), patch, why);
            cJSON_Delete(patch);
            if (r.status == 409) rc = SYNC_RETRY;
            continue;
        }
        if (deleting || !matches || obj_being_deleted(e->obj)) continue;
        if (!fresh_checked) {
            /* canAdopt: the Deployment as the server has it now, not being deleted */
            api_result g = api_get(s->p, deployments_res, ns, obj_name(s->d));
            if (g.status != 200 || strcmp(obj_uid(g.entry->obj), uid) || obj_being_deleted(g.entry->obj)) break;
            fresh_checked = 1;
        }
        cJSON *ref_new = controller_ref_to(s->d, deployments_res);
        cJSON *patch = owner_refs_patch(e->obj, NULL, 0, ref_new);
        cJSON_Delete(ref_new);
        char why[200];
        snprintf(why, sizeof why, "adopted by deployment %s", obj_name(s->d));
        api_result r = api_patch(s->p, replicasets_res, obj_namespace(e->obj), obj_name(e->obj), patch, why);
        cJSON_Delete(patch);
        if (r.status == 200 && r.entry) obj_list_add(&s->rs, r.entry);
        else if (r.status == 409) rc = SYNC_RETRY;
    }
    obj_list_free(&candidates);
    return rc;
}

/* ---- one Deployment (syncDeployment) */

static sync_rc sync_deployment(dsync *s)
{
    sync_rc rc = claim_replicasets(s);
    if (rc) return rc;
    const cJSON *selector = spec_of(s->d, "selector");
    if (cJSON_IsObject(selector) && label_selector_is_empty(selector)) {
        record_event(s->p, s->d, deployments_res, "Warning", "SelectingAll", COMPONENT,
                     "This deployment is selecting all pods. A non-empty selector is required.");
        if (obj_num(s->d, "status.observedGeneration", 0) < obj_num(s->d, "metadata.generation", 0)) {
            cJSON *st = status_of(s->d);
            cJSON_DeleteItemFromObjectCaseSensitive(st, "observedGeneration");
            cJSON_AddNumberToObject(st, "observedGeneration", obj_num(s->d, "metadata.generation", 0));
            return update_status(s, "observedGeneration");
        }
        return SYNC_OK;
    }
    if (obj_being_deleted(s->d)) {
        /* syncStatusOnly */
        obj_entry *new_rs = NULL;
        obj_list old = {0}, all = {0};
        rc = all_rss_and_sync_revision(s, 0, &new_rs, &old);
        for (int i = 0; i < old.n; i++) obj_list_add(&all, old.items[i]);
        if (new_rs) obj_list_add(&all, new_rs);
        if (!rc) rc = sync_deployment_status(s, &all, new_rs);
        obj_list_free(&old);
        obj_list_free(&all);
        return rc;
    }
    /* checkPausedConditions */
    if (has_progress_deadline(s->d)) {
        const cJSON *cond = condition_find(cJSON_GetObjectItemCaseSensitive(s->d, "status"), "Progressing");
        const char *reason = obj_str(cond, "reason");
        if (!reason || strcmp(reason, "ProgressDeadlineExceeded")) {
            int paused = cJSON_IsTrue(spec_of(s->d, "paused"));
            int paused_cond = reason && !strcmp(reason, "DeploymentPaused");
            if (paused && !paused_cond) {
                condition_set(status_of(s->d), new_condition("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused"));
                if ((rc = update_status(s, "deployment paused"))) return rc;
            } else if (!paused && paused_cond) {
                condition_set(status_of(s->d), new_condition("Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed"));
                if ((rc = update_status(s, "deployment resumed"))) return rc;
            }
        }
    }
    if (cJSON_IsTrue(spec_of(s->d, "paused"))) return sync_scaling(s);
    int scaling = 0;
    if ((rc = is_scaling_event(s, &scaling))) return rc;
    if (scaling) return sync_scaling(s);
    const char *type = obj_str(s->d, "spec.strategy.type");
    if (type && !strcmp(type, "Recreate")) return rollout_recreate(s);
    if (type && !strcmp(type, "RollingUpdate")) return rollout_rolling(s);
    return SYNC_ERROR;
}

typedef struct dwork {
    obj_list deployments;
    strmap *orphans;
} dwork;

static void sync_one(pass *p, int i, void *arg)
{
    dwork *w = arg;
    obj_entry *e = w->deployments.items[i];
    for (int attempt = 0; attempt < SYNC_ATTEMPTS && pass_may_write(p); attempt++) {
        if (e->gone) return;
        dsync s = {.p = p, .orphans = w->orphans, .d = cJSON_Duplicate(e->obj, 1), .now = time(NULL)};
        if (!s.d) return;
        sync_rc rc = sync_deployment(&s);
        cJSON_Delete(s.d);
        obj_list_free(&s.rs);
        if (rc != SYNC_RETRY) return;
        /* a conflict: the objects involved were refreshed; decide again */
        api_get(p, deployments_res, obj_namespace(e->obj), obj_name(e->obj));
    }
}

void deployment_controller(pass *p)
{
    deployments_res = resource_by_plural("apps", "deployments");
    replicasets_res = resource_by_plural("apps", "replicasets");
    pods_res = resource_by_plural("", "pods");
    kind_cache *k = cache_kind(p, deployments_res);
    if (!k || !cache_kind(p, replicasets_res) || !cache_kind(p, pods_res)) return;
    kind_cache *sets = cache_kind(p, replicasets_res);
    dwork w = {.orphans = orphans_by_namespace(sets, NULL)};
    for (int i = 0; i < k->all.n; i++) if (!k->all.items[i]->gone) obj_list_add(&w.deployments, k->all.items[i]);
    pass_parallel(p, w.deployments.n, sync_one, &w);
    obj_list_free(&w.deployments);
    orphans_free(w.orphans);
}
