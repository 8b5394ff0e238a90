/* client.c: the reconciler as a client of the API pipeline. Every read and
 * write is a request through the in-process client (http/client.h), made
 * as system:kube-controller-manager, so what the controllers write is
 * authorized, defaulted, admitted and validated like anything kubectl
 * sends. Successful answers keep the pass's cache current; a 409 Conflict
 * refreshes the object from the server so that the caller can decide again
 * on fresh data (it never overwrites).
 * In a dry run writes carry dryRun=All (the server checks them and stores
 * nothing) and are printed as the plan; objects that exist only in the plan
 * are changed in the cache alone. Also the event recorder and the pass's
 * parallel workers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "codec/jsonpatch.h"
#include "controllers/controllers.h"
#include "http/client.h"
#include "core/alloc.h"

/* Until RBAC evaluates the bootstrap policy (which gives
 * system:kube-controller-manager the role it needs), the interim authorizer
 * lets only system:masters write. 1: the reconciler acts in that group too.
 * Switch to 0 once RBAC is in. */
#define RECONCILER_ACTS_AS_SYSTEM_MASTERS 0

static const kapi_user controller_manager = {
    .name = "system:kube-controller-manager",
#if RECONCILER_ACTS_AS_SYSTEM_MASTERS
    .groups = {"system:masters", "system:authenticated"},
    .n_groups = 2,
#else
    .groups = {"system:authenticated"},
    .n_groups = 1,
#endif
};

#define USER_AGENT "kube-controller-manager/v1.32.0 (linux/amd64) kubernetes/kapi"

/* ---- paths */

static char *object_path(kapi_pool *pool, const kapi_resource *res, const char *ns, const char *name,
                         const char *sub)
{
    char base[160];
    if (res->group[0]) snprintf(base, sizeof base, "/apis/%s/%s", res->group, res->version);
    else snprintf(base, sizeof base, "/api/%s", res->version);
    const char *tail = sub && *sub ? sub : NULL;
    if (res->flags & KIND_IS_NAMESPACE)
        return name ? kapi_psprintf(pool, "%s/namespaces/%s%s%s", base, name, tail ? "/" : "", tail ? tail : "")
                    : kapi_psprintf(pool, "%s/namespaces", base);
    if (res->namespaced && ns && *ns) {
        if (!name) return kapi_psprintf(pool, "%s/namespaces/%s/%s", base, ns, res->plural);
        return kapi_psprintf(pool, "%s/namespaces/%s/%s/%s%s%s", base, ns, res->plural, name,
                             tail ? "/" : "", tail ? tail : "");
    }
    if (!name) return kapi_psprintf(pool, "%s/%s", base, res->plural);
    return kapi_psprintf(pool, "%s/%s/%s%s%s", base, res->plural, name, tail ? "/" : "", tail ? tail : "");
}

/* ---- one request */

/* Sends the request through the in-process client, with the pass's lock
 * let go while it runs. Returns the HTTP status; *out (may be NULL) gets
 * the parsed answer (caller frees). */
static int call(pass *p, const char *method, const char *path, const char *query, const char *ctype,
                const char *body, cJSON **out)
{
    kapi_call_request rq = {
        .user = &controller_manager,
        .method = method,
        .path = path,
        .query = query ? query : "",
        .content_type = ctype,
        .accept = "application/json",
        .user_agent = USER_AGENT,
        .body = body,
    };
    kapi_reply reply;
    pthread_mutex_unlock(&p->lock);
    kapi_call(p->ctx, &rq, &reply);
    pthread_mutex_lock(&p->lock);
    int status = reply.status;
    if (out) *out = kapi_reply_take_json(&reply);
    kapi_reply_free(&reply);
    return status;
}

int api_call(pass *p, const char *method, const char *path, const char *query, const char *body,
             cJSON **out)
{
    return call(p, method, path, query, body ? "application/json" : NULL, body, out);
}

static void fill_failure(api_result *r, const cJSON *st)
{
    const char *reason = obj_str(st, "reason"), *msg = obj_str(st, "message");
    snprintf(r->reason, sizeof r->reason, "%s", reason ? reason : "");
    snprintf(r->message, sizeof r->message, "%s", msg ? msg : "");
}

int pass_may_write(pass *p)
{
    return !p->aborted;
}

/* The plan (dry run) or the log (verbose): one line per write. */
static void note(pass *p, const char *verb, const kapi_resource *res, const char *ns, const char *name,
                 const char *sub, const char *why, int status)
{
    if (!p->o->dry_run && !p->o->verbose) return;
    if (res->flags & KIND_IS_EVENT) return;   /* record_event says it */
    FILE *f = p->o->out ? p->o->out : stdout;
    char target[400];
    snprintf(target, sizeof target, "%s %s%s%s%s%s", resource_qualified(res), ns && *ns ? ns : "",
             ns && *ns ? "/" : "", name ? name : "", sub ? "/" : "", sub ? sub : "");
    fprintf(f, "%-7s %s", verb, target);
    if (why && *why) fprintf(f, "  # %s", why);
    if (status && (status < 200 || status > 299)) fprintf(f, "  (HTTP %d)", status);
    fputc('\n', f);
}

static const char *write_query(pass *p)
{
    return p->o->dry_run ? "dryRun=All" : "";
}

static void count_write(pass *p, const kapi_resource *res, long *counter)
{
    if (res->flags & KIND_IS_EVENT) p->stats->events++;
    else {
        (*counter)++;
        p->writes_this_round++;
    }
}

/* A write about to be made: renews the lease when due; 0 if the pass may
 * not write any more. */
static int before_write(pass *p, api_result *r)
{
    memset(r, 0, sizeof *r);
    if (!p->o->dry_run) lease_renew_if_due(p);
    if (p->aborted) {
        snprintf(r->message, sizeof r->message, "the lease was lost; no more writes in this pass");
        return 0;
    }
    return 1;
}

cJSON *api_list(pass *p, const kapi_resource *res, int *status)
{
    kapi_pool *pool = kapi_pool_new();
    if (!pool) { *status = 0; return NULL; }
    cJSON *body = NULL;
    *status = call(p, "GET", object_path(pool, res, NULL, NULL, NULL), "", NULL, NULL, &body);
    kapi_pool_free(pool);
    if (*status != 200 || !body) { cJSON_Delete(body); return NULL; }
    cJSON *items = cJSON_DetachItemFromObjectCaseSensitive(body, "items");
    cJSON_Delete(body);
    if (!items) items = cJSON_CreateArray();
    return items;
}

api_result api_get(pass *p, const kapi_resource *res, const char *ns, const char *name)
{
    api_result r = {0};
    kapi_pool *pool = kapi_pool_new();
    if (!pool) return r;
    cJSON *body = NULL;
    r.status = call(p, "GET", object_path(pool, res, ns, name, NULL), "", NULL, NULL, &body);
    kapi_pool_free(pool);
    if (r.status == 200 && body) {
        r.entry = cache_put(p, res, body);
        return r;
    }
    fill_failure(&r, body);
    cJSON_Delete(body);
    if (r.status == 404) {
        obj_entry *e = cache_get(p, res, ns, name);
        /* a planned object is not on the server: it stays in the plan */
        if (e && !e->planned) cache_remove(p, e);
    }
    return r;
}

api_result api_create(pass *p, const kapi_resource *res, const char *ns, const cJSON *obj, const char *why)
{
    api_result r;
    if (!before_write(p, &r)) return r;
    kapi_pool *pool = kapi_pool_new();
    char *text = cJSON_PrintUnformatted(obj);
    if (!pool || !text) { kapi_pool_free(pool); free(text); return r; }
    cJSON *body = NULL;
    r.status = call(p, "POST", object_path(pool, res, ns, NULL, NULL), write_query(p), "application/json", text, &body);
    free(text);
    kapi_pool_free(pool);
    const char *name = obj_name(obj);
    if (r.status == 201 && body) {
        r.entry = cache_put(p, res, body);
        if (r.entry) {
            r.entry->planned = p->o->dry_run;
            name = obj_name(r.entry->obj);
        }
        count_write(p, res, &p->stats->creates);
        note(p, "create", res, ns, *name ? name : obj_str(obj, "metadata.generateName"), NULL, why, r.status);
        return r;
    }
    fill_failure(&r, body);
    cJSON_Delete(body);
    if (r.status != 409) p->stats->errors++;
    note(p, "create", res, ns, *name ? name : obj_str(obj, "metadata.generateName"), NULL, why, r.status);
    if (r.status != 409 && (p->o->verbose || p->o->dry_run))
        fprintf(p->o->out ? p->o->out : stdout, "        # %s\n", r.message);
    return r;
}

/* A write the server answered 409 to: the cached object is refreshed, so
 * the next decision is made on what the server has now. */
static void after_conflict(pass *p, const kapi_resource *res, const char *ns, const char *name)
{
    p->stats->conflicts++;
    api_get(p, res, ns, name);
}

/* An update of an object being deleted may have removed it (its last
 * finalizer gone); the answer is the object as it was stored, so ask. */
static void confirm_if_deleting(pass *p, const kapi_resource *res, const char *ns, const char *name,
                                api_result *r, int leaves_no_finalizers)
{
    if (!r->entry || !obj_being_deleted(r->entry->obj)) return;
    if (p->o->dry_run) {
        /* the server answers a dry run with the object as stored */
        if (leaves_no_finalizers) { cache_remove(p, r->entry); r->entry = NULL; }
        return;
    }
    api_result g = api_get(p, res, ns, name);
    r->entry = g.status == 200 ? g.entry : NULL;
}

static int empty_list(const cJSON *v)
{
    return !v || cJSON_IsNull(v) || (cJSON_IsArray(v) && !v->child);
}

/* 1 when obj (an object, or a merge patch with is_patch) leaves no
 * finalizer: metadata's, and for namespaces spec's too. */
static int leaves_no_finalizers(const kapi_resource *res, const cJSON *obj, int is_patch)
{
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    const cJSON *fin = cJSON_GetObjectItemCaseSensitive(meta, "finalizers");
    if (is_patch && !cJSON_HasObjectItem(meta, "finalizers")) return 0;
    if (!empty_list(fin)) return 0;
    if (res->flags & KIND_IS_NAMESPACE) {
        const cJSON *spec = cJSON_GetObjectItemCaseSensitive(obj, "spec");
        if (is_patch) return 0;
        return empty_list(cJSON_GetObjectItemCaseSensitive(spec, "finalizers"));
    }
    return 1;
}

/* A dry run cannot send writes for objects that exist only in the plan:
 * those change in the cache alone. */
static obj_entry *planned_entry(pass *p, const kapi_resource *res, const char *ns, const char *name)
{
    if (!p->o->dry_run) return NULL;
    obj_entry *e = cache_get(p, res, ns, name);
    return e && e->planned ? e : NULL;
}

static void report_failure(pass *p, api_result *r)
{
    if (r->status == 409 || r->status == 404) return;
    p->stats->errors++;
    if (p->o->verbose || p->o->dry_run)
        fprintf(p->o->out ? p->o->out : stdout, "        # %s\n", r->message);
    else
        fprintf(stderr, "kapi-reconcile: HTTP %d: %s\n", r->status, r->message);
}

/* The answer to an update or merge patch (written is what was sent, a patch
 * when is_patch): a 200 goes into the cache (confirmed when it may have
 * been the last finalizer), anything else is reported; a conflict or a 404
 * refreshes the cached copy. Takes body. */
static void after_write(pass *p, const kapi_resource *res, const char *ns, const char *name, api_result *r,
                        cJSON *body, const cJSON *written, int is_patch)
{
    if (r->status == 200 && body) {
        r->entry = cache_put(p, res, body);
        count_write(p, res, &p->stats->updates);
        confirm_if_deleting(p, res, ns, name, r, leaves_no_finalizers(res, written, is_patch));
    } else {
        fill_failure(r, body);
        cJSON_Delete(body);
        if (r->status == 409) after_conflict(p, res, ns, name);
        else if (r->status == 404) api_get(p, res, ns, name);
        report_failure(p, r);
    }
}

/* A write to an object that exists only in the plan: the new object (owned)
 * goes into the cache as planned. */
static api_result write_planned(pass *p, api_result r, const kapi_resource *res, cJSON *obj, const char *verb,
                                const char *ns, const char *name, const char *sub, const char *why)
{
    r.status = 200;
    r.entry = cache_put(p, res, obj);
    if (r.entry) r.entry->planned = 1;
    count_write(p, res, &p->stats->updates);
    note(p, verb, res, ns, name, sub, why, 0);
    return r;
}

/* PUT of an object or merge PATCH (is_patch) through the API. */
static api_result write_through_api(pass *p, api_result r, const kapi_resource *res, const cJSON *written,
                                    int is_patch, const char *ns, const char *name, const char *sub,
                                    const char *why)
{
    kapi_pool *pool = kapi_pool_new();
    char *text = cJSON_PrintUnformatted(written);
    if (!pool || !text) { kapi_pool_free(pool); free(text); return r; }
    char *nsc = kapi_pstrdup(pool, ns), *namec = kapi_pstrdup(pool, name);
    cJSON *body = NULL;
    r.status = call(p, is_patch ? "PATCH" : "PUT", object_path(pool, res, nsc, namec, sub), write_query(p),
                    is_patch ? "application/merge-patch+json" : "application/json", text, &body);
    free(text);
    note(p, is_patch ? "patch" : "update", res, nsc, namec, sub, why, r.status);
    after_write(p, res, nsc, namec, &r, body, written, is_patch);
    kapi_pool_free(pool);
    return r;
}

api_result api_update(pass *p, const kapi_resource *res, const cJSON *obj, const char *sub, const char *why)
{
    api_result r;
    if (!before_write(p, &r)) return r;
    const char *ns = obj_namespace(obj), *name = obj_name(obj);
    if (planned_entry(p, res, ns, name))
        return write_planned(p, r, res, cJSON_Duplicate(obj, 1), "update", ns, name, sub, why);
    return write_through_api(p, r, res, obj, 0, ns, name, sub, why);
}

api_result api_patch(pass *p, const kapi_resource *res, const char *ns, const char *name, const cJSON *patch,
                     const char *why)
{
    api_result r;
    if (!before_write(p, &r)) return r;
    obj_entry *planned = planned_entry(p, res, ns, name);
    if (planned) {
        cJSON *copy = cJSON_Duplicate(planned->obj, 1);
        cJSON *m = cJSON_GetObjectItemCaseSensitive(patch, "metadata");
        cJSON *pcopy = cJSON_Duplicate(patch, 1);
        /* the resourceVersion precondition means nothing for a planned object */
        if (m) cJSON_DeleteItemFromObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(pcopy, "metadata"), "resourceVersion");
        copy = json_merge_patch(copy, pcopy);   /* RFC 7386 */
        cJSON_Delete(pcopy);
        return write_planned(p, r, res, copy, "patch", ns, name, NULL, why);
    }
    return write_through_api(p, r, res, patch, 1, ns, name, NULL, why);
}

/* 1 when a DELETE answer shows the object still there: marked, waiting
 * for finalizers. */
static int still_there(const kapi_resource *res, const cJSON *body)
{
    if (!body || !obj_being_deleted(body)) return 0;
    if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(obj_meta(body), "finalizers")) > 0) return 1;
    if (res->flags & KIND_IS_NAMESPACE)
        return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
                   cJSON_GetObjectItemCaseSensitive(body, "spec"), "finalizers")) > 0;
    return 0;
}

api_result api_delete(pass *p, const kapi_resource *res, const char *ns, const char *name,
                      const char *propagation, const char *uid, const char *why)
{
    api_result r;
    if (!before_write(p, &r)) return r;
    obj_entry *planned = planned_entry(p, res, ns, name);
    if (planned) {
        r.status = 200;
        cache_remove(p, planned);
        count_write(p, res, &p->stats->deletes);
        note(p, "delete", res, ns, name, NULL, why, 0);
        return r;
    }
    cJSON *opts = cJSON_CreateObject();
    if (propagation) cJSON_AddStringToObject(opts, "propagationPolicy", propagation);
    if (uid) cJSON_AddStringToObject(cJSON_AddObjectToObject(opts, "preconditions"), "uid", uid);
    char *text = cJSON_PrintUnformatted(opts);
    cJSON_Delete(opts);
    kapi_pool *pool = kapi_pool_new();
    if (!pool || !text) { kapi_pool_free(pool); free(text); return r; }
    char *nsc = kapi_pstrdup(pool, ns), *namec = kapi_pstrdup(pool, name);
    cJSON *body = NULL;
    r.status = call(p, "DELETE", object_path(pool, res, nsc, namec, NULL), write_query(p), "application/json", text, &body);
    free(text);
    note(p, "delete", res, nsc, namec, NULL, why, r.status);
    if (r.status == 200 || r.status == 202) {
        count_write(p, res, &p->stats->deletes);
        if (still_there(res, body)) {
            r.entry = cache_put(p, res, body);
        } else {
            cJSON_Delete(body);
            obj_entry *e = cache_get(p, res, nsc, namec);
            if (e) cache_remove(p, e);
        }
    } else {
        fill_failure(&r, body);
        cJSON_Delete(body);
        if (r.status == 404) {
            obj_entry *e = cache_get(p, res, nsc, namec);
            if (e) cache_remove(p, e);
        } else if (r.status == 409) {
            after_conflict(p, res, nsc, namec);
        }
        report_failure(p, &r);
    }
    kapi_pool_free(pool);
    return r;
}

/* ---- events: client-go's recorder (makeEvent) with the correlator's
 * aggregation of identical events into one whose count grows. */

static const kapi_resource *events_resource(void)
{
    return resource_by_plural("", "events");   /* the pass's set: never cached across passes */
}

static char *event_key(const char *ns, const char *uid, const char *type, const char *reason,
                       const char *component, const char *message)
{
    size_t n = strlen(ns) + strlen(uid) + strlen(type) + strlen(reason) + strlen(component) + strlen(message) + 8;
    char *k = kapi_xmalloc(n);
    if (k) snprintf(k, n, "%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s", ns, uid, type, reason, component, message);
    return k;
}

void events_prepare(pass *p)
{
    if (p->events_loaded) return;
    p->events_loaded = 1;
    p->events = strmap_new();
    kind_cache *k = cache_kind(p, events_resource());
    if (!k || !p->events) return;
    for (int i = 0; i < k->all.n; i++) {
        obj_entry *e = k->all.items[i];
        if (e->gone) continue;
        const char *component = obj_str(e->obj, "source.component");
        if (!component) continue;
        char *key = event_key(obj_namespace(e->obj), obj_str(e->obj, "involvedObject.uid") ? obj_str(e->obj, "involvedObject.uid") : "",
                              obj_str(e->obj, "type") ? obj_str(e->obj, "type") : "",
                              obj_str(e->obj, "reason") ? obj_str(e->obj, "reason") : "", component,
                              obj_str(e->obj, "message") ? obj_str(e->obj, "message") : "");
        if (key) strmap_put(p->events, key, e);
        free(key);
    }
}

void record_event(pass *p, const cJSON *involved, const kapi_resource *res, const char *type,
                  const char *reason, const char *component, const char *fmt, ...)
{
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    const char *ns = obj_namespace(involved);
    if (!*ns) ns = "default";
    if (p->o->dry_run || p->o->verbose)
        fprintf(p->o->out ? p->o->out : stdout, "event   %s %s %s %s%s%s: %s\n", type, reason,
                resource_qualified(res), res->namespaced ? ns : "", res->namespaced ? "/" : "",
                obj_name(involved), message);
    if (p->o->dry_run) {
        p->stats->events++;
        return;
    }
    if (!pass_may_write(p)) return;
    events_prepare(p);
    char now[21];
    time_now(now);
    char *key = event_key(ns, obj_uid(involved), type, reason, component, message);
    obj_entry *seen = key ? strmap_get(p->events, key) : NULL;
    if (seen && !seen->gone) {
        /* the same event again: one more in its count */
        cJSON *ev = cJSON_Duplicate(seen->obj, 1);
        cJSON *count = cJSON_GetObjectItemCaseSensitive(ev, "count");
        double n = cJSON_IsNumber(count) ? count->valuedouble : 1;
        cJSON_DeleteItemFromObjectCaseSensitive(ev, "count");
        cJSON_AddNumberToObject(ev, "count", n + 1);
        cJSON_DeleteItemFromObjectCaseSensitive(ev, "lastTimestamp");
        cJSON_AddStringToObject(ev, "lastTimestamp", now);
        api_result r = api_update(p, events_resource(), ev, NULL, NULL);
        cJSON_Delete(ev);
        if (r.status == 200) { free(key); return; }
    }
    static unsigned long sequence;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    unsigned long long nanos = (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec + sequence++;
    cJSON *ev = cJSON_CreateObject();
    cJSON_AddStringToObject(ev, "kind", "Event");
    cJSON_AddStringToObject(ev, "apiVersion", "v1");
    cJSON *meta = cJSON_AddObjectToObject(ev, "metadata");
    char name[400];
    snprintf(name, sizeof name, "%s.%llx", obj_name(involved), nanos);
    cJSON_AddStringToObject(meta, "name", name);
    cJSON_AddStringToObject(meta, "namespace", ns);
    cJSON *io = cJSON_AddObjectToObject(ev, "involvedObject");
    cJSON_AddStringToObject(io, "kind", res->kind);
    if (res->namespaced) cJSON_AddStringToObject(io, "namespace", obj_namespace(involved));
    cJSON_AddStringToObject(io, "name", obj_name(involved));
    cJSON_AddStringToObject(io, "uid", obj_uid(involved));
    cJSON_AddStringToObject(io, "apiVersion", resource_api_version(res));
    const char *rv = obj_str(involved, "metadata.resourceVersion");
    if (rv) cJSON_AddStringToObject(io, "resourceVersion", rv);
    cJSON_AddStringToObject(ev, "reason", reason);
    cJSON_AddStringToObject(ev, "message", message);
    cJSON_AddStringToObject(cJSON_AddObjectToObject(ev, "source"), "component", component);
    cJSON_AddStringToObject(ev, "firstTimestamp", now);
    cJSON_AddStringToObject(ev, "lastTimestamp", now);
    cJSON_AddNumberToObject(ev, "count", 1);
    cJSON_AddStringToObject(ev, "type", type);
    cJSON_AddNullToObject(ev, "eventTime");
    cJSON_AddStringToObject(ev, "reportingComponent", component);
    cJSON_AddStringToObject(ev, "reportingInstance", "");
    api_result r = api_create(p, events_resource(), ns, ev, NULL);
    cJSON_Delete(ev);
    if (r.status == 201 && r.entry && key) strmap_put(p->events, key, r.entry);
    free(key);
}

/* ---- parallel syncs */

typedef struct parallel_job {
    pass *p;
    int n, next;
    void (*fn)(pass *p, int i, void *arg);
    void *arg;
} parallel_job;

static void *parallel_worker(void *arg)
{
    parallel_job *j = arg;
    const kinds_set *saved_kinds = kinds_enter(j->p->kinds_set);   /* the pass's kinds */
    pthread_mutex_lock(&j->p->lock);
    while (j->next < j->n) {
        int i = j->next++;
        j->fn(j->p, i, j->arg);
    }
    pthread_mutex_unlock(&j->p->lock);
    kinds_leave(saved_kinds);
    return NULL;
}

#define DEFAULT_WORKERS 16
#define MAX_WORKERS 256

void pass_parallel(pass *p, int n, void (*fn)(pass *p, int i, void *arg), void *arg)
{
    int workers = p->o->dry_run ? 1 : p->o->workers > 0 ? p->o->workers : DEFAULT_WORKERS;
    if (workers > MAX_WORKERS) workers = MAX_WORKERS;
    if (workers > n) workers = n;
    parallel_job job = {.p = p, .n = n, .fn = fn, .arg = arg};
    if (workers <= 1) {
        while (job.next < n) { int i = job.next++; fn(p, i, arg); }
        return;
    }
    pthread_t threads[MAX_WORKERS];
    int started = 0;
    pthread_mutex_unlock(&p->lock);
    for (int t = 0; t < workers; t++) {
        if (pthread_create(&threads[t], NULL, parallel_worker, &job) != 0) break;
        started++;
    }
    for (int t = 0; t < started; t++) pthread_join(threads[t], NULL);
    pthread_mutex_lock(&p->lock);
    /* no thread could start: do the work here */
    while (job.next < n) { int i = job.next++; fn(p, i, arg); }
}
