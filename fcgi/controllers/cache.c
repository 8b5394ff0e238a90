/* cache.c: the objects a pass works from, as a controller manager's
 * informers keep them: each kind listed once through the API on first use,
 * indexed by namespace/name, by uid and by owner uid, and kept current with
 * the answers to the pass's own writes (the indexes are core/hashmap.c's
 * string maps). Also small readers of objects. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "controllers/controllers.h"
#include "core/gotime.h"
#include "core/util.h"
#include "core/alloc.h"

/* ---- readers of objects */

cJSON *obj_meta(const cJSON *obj)
{
    cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    return cJSON_IsObject(m) ? m : NULL;
}

const char *obj_str(const cJSON *obj, const char *path)
{
    return json_str_at(obj, path, NULL);
}

double obj_num(const cJSON *obj, const char *path, double dflt)
{
    return json_num_at(obj, path, dflt);
}

const char *obj_name(const cJSON *obj)
{
    const char *s = obj_str(obj, "metadata.name");
    return s ? s : "";
}

const char *obj_namespace(const cJSON *obj)
{
    const char *s = obj_str(obj, "metadata.namespace");
    return s ? s : "";
}

const char *obj_uid(const cJSON *obj)
{
    const char *s = obj_str(obj, "metadata.uid");
    return s ? s : "";
}

int obj_being_deleted(const cJSON *obj)
{
    return obj_str(obj, "metadata.deletionTimestamp") != NULL;
}

cJSON *controller_ref_to(const cJSON *owner, const kapi_resource *res)
{
    cJSON *ref = cJSON_CreateObject();
    cJSON_AddStringToObject(ref, "apiVersion", resource_api_version(res));
    cJSON_AddStringToObject(ref, "kind", res->kind);
    cJSON_AddStringToObject(ref, "name", obj_name(owner));
    cJSON_AddStringToObject(ref, "uid", obj_uid(owner));
    cJSON_AddTrueToObject(ref, "controller");
    cJSON_AddTrueToObject(ref, "blockOwnerDeletion");
    return ref;
}

/* "plural.group" of every kind of a set, built once per set. */
static void *build_qualified_names(const kinds_set *s)
{
    char **names = kapi_xcalloc((size_t)s->n + 1, sizeof *names);
    for (int i = 0; names && i < s->n; i++) {
        const kapi_resource *r = &s->kinds[i];
        size_t n = strlen(r->plural) + strlen(r->group) + 2;
        names[i] = kapi_xmalloc(n);
        if (names[i]) snprintf(names[i], n, r->group[0] ? "%s.%s" : "%s", r->plural, r->group);
    }
    return names;
}

static void free_qualified_names(void *data)
{
    char **names = data;
    for (int i = 0; names[i]; i++) free(names[i]);
    free(names);
}

static const kinds_derived_key qualified_names_key = {build_qualified_names, free_qualified_names};

/* The position of res in set s, or -1 when res is not one of its kinds. */
static int index_in(const kinds_set *s, const kapi_resource *res)
{
    if (res->index >= 0 && res->index < s->n && &s->kinds[res->index] == res) return res->index;
    const kapi_resource *same = kinds_find(s, res->group, res->version, res->plural);
    return same ? same->index : -1;
}

const char *resource_qualified(const kapi_resource *res)
{
    const kinds_set *s = kinds_current();
    int idx = index_in(s, res);
    char **names = idx >= 0 ? kinds_derived(s, &qualified_names_key) : NULL;
    return names && names[idx] ? names[idx] : res->plural;
}

const kapi_resource *resource_by_plural(const char *group, const char *plural)
{
    return kinds_find_plural(kinds_current(), group, plural);
}

const kapi_resource *resource_by_kind(const char *api_version, const char *kind)
{
    return kinds_find_kind(kinds_current(), api_version, kind);
}

time_t obj_created(const cJSON *obj)
{
    const char *ts = obj_str(obj, "metadata.creationTimestamp");
    time_t t = ts ? time_parse_rfc3339(ts) : -1;
    return t < 0 ? 0 : t;
}

void time_now(char out[21])
{
    time_rfc3339(time(NULL), out);
}

void microtime_now(char out[32])
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    rfc3339_format(ts.tv_sec, ts.tv_nsec, 1, out, 32);
}

/* ---- lists */

void obj_list_add(obj_list *l, obj_entry *e)
{
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 8;
        obj_entry **items = kapi_xrealloc(l->items, (size_t)cap * sizeof *items);
        if (!items) return;
        l->items = items;
        l->cap = cap;
    }
    l->items[l->n++] = e;
}

static void obj_list_remove(obj_list *l, obj_entry *e)
{
    for (int i = 0; i < l->n; i++)
        if (l->items[i] == e) {
            memmove(&l->items[i], &l->items[i + 1], (size_t)(l->n - i - 1) * sizeof *l->items);
            l->n--;
            return;
        }
}

void obj_list_free(obj_list *l)
{
    free(l->items);
    l->items = NULL;
    l->n = l->cap = 0;
}

static void free_obj_list(void *v)
{
    obj_list *l = v;
    if (l) obj_list_free(l);
    free(l);
}

/* ---- the cache */

static kind_cache *kind_of(pass *p, const kapi_resource *res)
{
    int idx = index_in(p->kinds_set, res);
    if (idx < 0) return NULL;
    kind_cache *k = &p->kinds[idx];
    k->res = res;
    return k;
}

/* What the controllers read of each kind (client-go's informer transform
 * functions, set by the controllers that read the kind): pods and secrets
 * are kept small (a pod's spec is its bulk; a secret's data is never
 * needed). Writes of such kinds are patches, never a PUT of the cached copy. */
static void keep_node_name_only(cJSON *pod)
{
    cJSON *spec = cJSON_GetObjectItemCaseSensitive(pod, "spec");
    if (cJSON_IsObject(spec)) {
        cJSON *node = cJSON_DetachItemFromObjectCaseSensitive(spec, "nodeName");
        while (spec->child) cJSON_Delete(cJSON_DetachItemViaPointer(spec, spec->child));
        if (node) cJSON_AddItemToObject(spec, "nodeName", node);
    }
}

static void drop_secret_data(cJSON *secret)
{
    cJSON_DeleteItemFromObjectCaseSensitive(secret, "data");
    cJSON_DeleteItemFromObjectCaseSensitive(secret, "stringData");
}

static const struct informer_transform {
    const char *group, *plural;
    void (*transform)(cJSON *obj);
} informer_transforms[] = {
    {"", "pods", keep_node_name_only},
    {"", "secrets", drop_secret_data},
};

static void trim(pass *p, const kapi_resource *res, cJSON *obj)
{
    for (size_t i = 0; i < sizeof informer_transforms / sizeof informer_transforms[0]; i++) {
        const struct informer_transform *t = &informer_transforms[i];
        const kapi_resource *of = kinds_find_plural(p->kinds_set, t->group, t->plural);
        if (of && index_in(p->kinds_set, res) == of->index) t->transform(obj);
    }
}

static char *key_of(const kapi_resource *res, const char *ns, const char *name, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%s", res->namespaced ? ns : "", name);
    return buf;
}

static void index_owners(kind_cache *k, obj_entry *e, int add)
{
    const cJSON *refs = cJSON_GetObjectItemCaseSensitive(obj_meta(e->obj), "ownerReferences"), *r;
    cJSON_ArrayForEach(r, refs) {
        const char *uid = obj_str(r, "uid");
        if (!uid) continue;
        obj_list *l = strmap_get(k->by_owner, uid);
        if (add) {
            if (!l) {
                l = kapi_xcalloc(1, sizeof *l);
                if (!l || strmap_put(k->by_owner, uid, l)) { free(l); continue; }
            }
            obj_list_add(l, e);
        } else if (l) {
            obj_list_remove(l, e);
        }
    }
}

static void index_entry(kind_cache *k, obj_entry *e)
{
    char key[600];
    strmap_put(k->by_key, key_of(k->res, obj_namespace(e->obj), obj_name(e->obj), key, sizeof key), e);
    const char *uid = obj_uid(e->obj);
    if (*uid) strmap_put(k->by_uid, uid, e);
    index_owners(k, e, 1);
}

static obj_entry *new_entry(pass *p, kind_cache *k, cJSON *obj)
{
    obj_entry *e = kapi_xcalloc(1, sizeof *e);
    if (!e) { cJSON_Delete(obj); return NULL; }
    e->obj = obj;
    e->res = k->res;
    e->next_all = p->entries;
    p->entries = e;
    obj_list_add(&k->all, e);
    index_entry(k, e);
    return e;
}

kind_cache *cache_kind(pass *p, const kapi_resource *res)
{
    kind_cache *k = kind_of(p, res);
    if (!k) return NULL;
    /* another thread may be listing it: wait for that list */
    while (k->loading) pthread_cond_wait(&p->loaded, &p->lock);
    if (k->loaded) return k;
    if (!k->by_key) {
        k->by_key = strmap_new();
        k->by_uid = strmap_new();
        k->by_owner = strmap_new();
        if (!k->by_key || !k->by_uid || !k->by_owner) return NULL;
    }
    int status = 0;
    k->loading = 1;
    cJSON *items = api_list(p, res, &status);
    k->loading = 0;
    pthread_cond_broadcast(&p->loaded);
    if (!items) {
        fprintf(stderr, "kapi-reconcile: listing %s failed (HTTP %d)\n", resource_qualified(res), status);
        return NULL;
    }
    while (items->child) {
        cJSON *obj = cJSON_DetachItemViaPointer(items, items->child);
        if (!cJSON_IsObject(obj) || !*obj_name(obj)) { cJSON_Delete(obj); continue; }
        trim(p, res, obj);
        new_entry(p, k, obj);
    }
    cJSON_Delete(items);
    k->loaded = 1;
    return k;
}

obj_entry *cache_get(pass *p, const kapi_resource *res, const char *ns, const char *name)
{
    kind_cache *k = cache_kind(p, res);
    if (!k) return NULL;
    char key[600];
    obj_entry *e = strmap_get(k->by_key, key_of(res, ns, name, key, sizeof key));
    return e && !e->gone ? e : NULL;
}

obj_entry *cache_by_uid(pass *p, const kapi_resource *res, const char *uid)
{
    kind_cache *k = cache_kind(p, res);
    if (!k || !uid) return NULL;
    obj_entry *e = strmap_get(k->by_uid, uid);
    return e && !e->gone ? e : NULL;
}

const obj_list *cache_dependents(pass *p, const kapi_resource *res, const char *owner_uid)
{
    static const obj_list empty = {0};
    kind_cache *k = cache_kind(p, res);
    if (!k || !owner_uid) return &empty;
    const obj_list *l = strmap_get(k->by_owner, owner_uid);
    return l ? l : &empty;
}

obj_entry *cache_put(pass *p, const kapi_resource *res, cJSON *obj)
{
    kind_cache *k = cache_kind(p, res);
    if (!k || !obj) { cJSON_Delete(obj); return NULL; }
    trim(p, res, obj);
    cJSON_DeleteItemFromObjectCaseSensitive(obj, "kind");
    cJSON_DeleteItemFromObjectCaseSensitive(obj, "apiVersion");
    char key[600];
    obj_entry *e = strmap_get(k->by_key, key_of(res, obj_namespace(obj), obj_name(obj), key, sizeof key));
    if (e && !strcmp(obj_uid(e->obj), obj_uid(obj))) {
        /* a new version of the same object: the old tree lives on until
         * the pass ends, for whoever still reads it */
        index_owners(k, e, 0);
        cJSON_AddItemToArray(p->garbage, e->obj);
        e->obj = obj;
        e->gone = 0;
        index_owners(k, e, 1);
        return e;
    }
    if (e) cache_remove(p, e);   /* same name, another object */
    return new_entry(p, k, obj);
}

void cache_remove(pass *p, obj_entry *e)
{
    if (!e || e->gone) return;
    kind_cache *k = kind_of(p, e->res);
    if (!k) return;
    char key[600];
    key_of(e->res, obj_namespace(e->obj), obj_name(e->obj), key, sizeof key);
    if (strmap_get(k->by_key, key) == e) strmap_remove(k->by_key, key);
    const char *uid = obj_uid(e->obj);
    if (*uid && strmap_get(k->by_uid, uid) == e) strmap_remove(k->by_uid, uid);
    index_owners(k, e, 0);
    e->gone = 1;
}

void cache_free(pass *p)
{
    for (int i = 0; p->kinds_set && i < p->kinds_set->n && p->kinds; i++) {
        kind_cache *k = &p->kinds[i];
        obj_list_free(&k->all);
        strmap_free(k->by_key, NULL);
        strmap_free(k->by_uid, NULL);
        strmap_free(k->by_owner, free_obj_list);
    }
    free(p->kinds);
    p->kinds = NULL;
    obj_entry *e = p->entries;
    while (e) {
        obj_entry *next = e->next_all;
        cJSON_Delete(e->obj);
        free(e);
        e = next;
    }
    p->entries = NULL;
}

void each_active_namespace(pass *p, const kapi_resource *kind,
                           void (*fn)(pass *p, const kapi_resource *kind, const char *ns, void *arg), void *arg)
{
    kind_cache *ns = cache_kind(p, resource_by_plural("", "namespaces"));
    if (!ns || !cache_kind(p, kind)) return;
    for (int i = 0; i < ns->all.n && pass_may_write(p); i++) {
        obj_entry *e = ns->all.items[i];
        const char *phase = obj_str(e->obj, "status.phase");
        if (e->gone || !phase || strcmp(phase, "Active")) continue;
        fn(p, kind, obj_name(e->obj), arg);
    }
}
