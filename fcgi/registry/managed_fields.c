/* managed_fields.c: kube-apiserver's field manager (see managed_fields.h),
 * the layers of k8s.io/apimachinery/pkg/util/managedfields/internal in one
 * place: the request's managedFields decoded or reset, the manager's name
 * (BuildManagerInfo), the metadata kube never tracks (StripMeta) and the
 * fields a subresource resets, an Update taking what it changed from the
 * other managers (structuredmerge.Update, ManagedFieldsUpdater's
 * timestamps), at most 10 Update entries (capManagersManager), the
 * before-first-apply entry, apply's merge, prune and
 * conflict check (structured-merge-diff's Updater.Apply), and the entries
 * encoded and sorted as kube writes them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/alloc.h"
#include "core/goquote.h"
#include "core/gotime.h"
#include "core/status.h"
#include "codec/jsonpath.h"
#include "codec/labels.h"
#include "registry/kinds/customresources.h"
#include "registry/managed_fields.h"
#include "schema/fieldset.h"

#define MAX_ENTRIES 64
#define MAX_UPDATE_MANAGERS 10   /* kube's DefaultMaxUpdateManagers */

typedef struct mf_entry {
    char *manager, *operation, *api_version, *time, *subresource;
    cJSON *set;
} mf_entry;

typedef struct mf_list {
    mf_entry e[MAX_ENTRIES];
    int n;
} mf_list;

static void list_free(mf_list *l)
{
    for (int i = 0; i < l->n; i++) {
        free(l->e[i].manager);
        free(l->e[i].operation);
        free(l->e[i].api_version);
        free(l->e[i].time);
        free(l->e[i].subresource);
        cJSON_Delete(l->e[i].set);
    }
    l->n = 0;
}

static void free_list_hook(void *arg)
{
    list_free(arg);
}

static mf_list *list_new(rest_call *c)
{
    mf_list *l = kapi_palloc(c->req->pool, sizeof *l);
    l->n = 0;
    kapi_pool_on_cleanup(c->req->pool, free_list_hook, l);
    return l;
}

static char *dup_or_empty(const char *s)
{
    return kapi_xstrdup(s ? s : "");
}

/* the entry of this identity (BuildManagerIdentifier: an Apply's API version
 * does not count), or -1 */
static int find(const mf_list *l, const char *manager, const char *op, const char *api_version, const char *sub)
{
    for (int i = 0; i < l->n; i++) {
        const mf_entry *e = &l->e[i];
        if (strcmp(e->manager, manager) || strcmp(e->operation, op) || strcmp(e->subresource, sub)) continue;
        if (!strcmp(op, "Update") && strcmp(e->api_version, api_version)) continue;
        return i;
    }
    return -1;
}

static mf_entry *add(mf_list *l, const char *manager, const char *op, const char *api_version, const char *sub,
                     cJSON *set)
{
    if (l->n >= MAX_ENTRIES) {   /* kube caps Update managers at 10 by merging; we keep the newest */
        cJSON_Delete(set);
        return NULL;
    }
    mf_entry *e = &l->e[l->n++];
    e->manager = dup_or_empty(manager);
    e->operation = dup_or_empty(op);
    e->api_version = dup_or_empty(api_version);
    e->subresource = dup_or_empty(sub);
    e->time = NULL;
    e->set = set;
    return e;
}

static void drop(mf_list *l, int i)
{
    mf_entry gone = l->e[i];
    l->e[i] = l->e[--l->n];
    mf_list one = {.n = 1};
    one.e[0] = gone;
    list_free(&one);
}

static void drop_empty(mf_list *l)
{
    for (int i = l->n - 1; i >= 0; i--)
        if (fieldset_empty(l->e[i].set)) drop(l, i);
}

/* Is every entry {}? (isResetManagedFields) */
static int is_reset(const cJSON *mf)
{
    if (!cJSON_IsArray(mf) || !mf->child) return 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, mf)
        if (!cJSON_IsObject(e) || e->child) return 0;
    return 1;
}

/* DecodeManagedFields; -1 when an entry does not decode */
static int decode(const cJSON *mf, mf_list *l)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, mf) {
        const char *ft = json_str(e, "fieldsType");
        if (ft && *ft && strcmp(ft, "FieldsV1")) goto bad;
        char err[200];
        const cJSON *fv = cJSON_GetObjectItemCaseSensitive(e, "fieldsV1");
        cJSON *set = fv ? fieldset_decode(fv, err, sizeof err) : fieldset_new();
        if (!set) goto bad;
        mf_entry *m = add(l, json_str(e, "manager"), json_str(e, "operation"), json_str(e, "apiVersion"),
                          json_str(e, "subresource"), set);
        const char *t = obj_string(e, "time");
        if (m && t && *t) m->time = kapi_xstrdup(t);
    }
    return 0;
bad:
    list_free(l);
    return -1;
}

static int cmp_entries(const void *a, const void *b)
{
    const mf_entry *p = a, *q = b;
    int c = strcmp(p->operation, q->operation);
    if (c) return c;
    /* RFC 3339 in UTC with whole seconds sorts as text; none is the zero time */
    c = strcmp(p->time ? p->time : "", q->time ? q->time : "");
    if (c) return c;
    if ((c = strcmp(p->manager, q->manager))) return c;
    if ((c = strcmp(p->api_version, q->api_version))) return c;
    return strcmp(p->subresource, q->subresource);
}

/* encodeManagedFields, sorted as sortEncodedManagedFields sorts */
static cJSON *encode(mf_list *l)
{
    qsort(l->e, (size_t)l->n, sizeof l->e[0], cmp_entries);
    cJSON *arr = cJSON_CreateArray();
    for (int i = 0; i < l->n; i++) {
        const mf_entry *e = &l->e[i];
        cJSON *o = cJSON_CreateObject();
        if (*e->manager) cJSON_AddStringToObject(o, "manager", e->manager);
        if (*e->operation) cJSON_AddStringToObject(o, "operation", e->operation);
        if (*e->api_version) cJSON_AddStringToObject(o, "apiVersion", e->api_version);
        if (e->time) cJSON_AddStringToObject(o, "time", e->time);
        cJSON_AddStringToObject(o, "fieldsType", "FieldsV1");
        cJSON_AddItemToObject(o, "fieldsV1", fieldset_encode(e->set));
        if (*e->subresource) cJSON_AddStringToObject(o, "subresource", e->subresource);
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

static void set_managed(cJSON *obj, mf_list *l)
{
    cJSON *meta = obj_metadata(obj);
    cJSON_DeleteItemFromObjectCaseSensitive(meta, "managedFields");
    if (l->n) cJSON_AddItemToObject(meta, "managedFields", encode(l));
}

static void now_rfc3339(char out[21])
{
    time_rfc3339(time(NULL), out);
}

static const char *api_version(rest_call *c)
{
    return c->r->group[0] ? kapi_psprintf(c->req->pool, "%s/%s", c->r->group, c->r->version) : c->r->version;
}

static fieldset_schema schema_of(rest_call *c)
{
    fieldset_schema sc = {0};
    if (c->r->flags & KIND_IS_CUSTOM)
        sc.crd = crd_schema_of(c->r->group, c->r->version, c->r->plural);
    else if (schema_load() == 0)
        sc.builtin = schema_kind(c->r->group, c->r->version, c->r->kind);
    return sc;
}

/* The fields kube never tracks (StripMeta), and those the request's
 * subresource resets: the main resource does not own a status subresource's
 * status, /status owns only status. */
static void strip(rest_call *c, cJSON *set)
{
    cJSON_DeleteItemFromObjectCaseSensitive(set, "f:apiVersion");
    cJSON_DeleteItemFromObjectCaseSensitive(set, "f:kind");
    cJSON *meta = cJSON_GetObjectItemCaseSensitive(set, "f:metadata");
    if (meta) {
        static const char *const sys[] = {".", "f:name", "f:namespace", "f:creationTimestamp", "f:selfLink",
                                          "f:uid", "f:clusterName", "f:generation", "f:managedFields",
                                          "f:resourceVersion", "f:deletionTimestamp",
                                          "f:deletionGracePeriodSeconds", NULL};
        for (int i = 0; sys[i]; i++) cJSON_DeleteItemFromObjectCaseSensitive(meta, sys[i]);
        if (!meta->child) cJSON_DeleteItemFromObjectCaseSensitive(set, "f:metadata");
    }
    const char *sub = c->info->subresource;
    const kapi_strategy *s = c->r->strategy;
    int has_status = (s && s->has_status) || (c->r->flags & KIND_IS_CUSTOM);
    if (!strcmp(sub, "status")) {
        cJSON *st = cJSON_DetachItemFromObjectCaseSensitive(set, "f:status");
        while (set->child) cJSON_Delete(cJSON_DetachItemViaPointer(set, set->child));
        if (st) cJSON_AddItemToObject(set, "f:status", st);
    } else if (!sub[0] && has_status) {
        cJSON_DeleteItemFromObjectCaseSensitive(set, "f:status");
    }
}

const char *managed_fields_manager(rest_call *c)
{
    const char *m = query_get(c->req, "fieldManager");
    if (m && *m) return m;
    const char *ua = c->req->user_agent ? c->req->user_agent : "";
    size_t n = strcspn(ua, "/");
    char *out = kapi_palloc(c->req->pool, 129 + 4);
    size_t o = 0;
    for (size_t i = 0; i < n && o < 128; i++) {
        unsigned char ch = (unsigned char)ua[i];
        if (ch < 0x20 || ch == 0x7f) continue;   /* not printable */
        out[o++] = (char)ch;
    }
    out[o] = '\0';
    return out;
}

/* The managers of a write: the request's own managedFields unless empty
 * (decodeLiveOrNew); NULL after a reset. */
static mf_list *managers_of(rest_call *c, const cJSON *old, const cJSON *obj, int *reset)
{
    mf_list *l = list_new(c);
    const cJSON *mine = json_at(obj, "metadata.managedFields");
    *reset = is_reset(mine);
    if (*reset) return l;
    if (cJSON_IsArray(mine) && mine->child && decode(mine, l) == 0 && l->n) return l;
    list_free(l);
    if (old) decode(json_at(old, "metadata.managedFields"), l);
    return l;
}

static int cmp_update_age(const void *a, const void *b)
{
    const mf_entry *p = *(const mf_entry *const *)a, *q = *(const mf_entry *const *)b;
    int c = strcmp(p->time ? p->time : "", q->time ? q->time : "");
    return c ? c : strcmp(p->manager, q->manager);
}

/* capManagersManager: beyond 10 Update entries, the oldest of each API
 * version are merged into one "ancient-changes" entry (with the time of the
 * newest merged) */
static void cap_update_managers(mf_list *l)
{
    mf_entry *up[MAX_ENTRIES];
    int n = 0;
    for (int i = 0; i < l->n; i++)
        if (!strcmp(l->e[i].operation, "Update")) up[n++] = &l->e[i];
    if (n <= MAX_UPDATE_MANAGERS) return;
    qsort(up, (size_t)n, sizeof *up, cmp_update_age);
    mf_entry *first[MAX_ENTRIES];   /* the first entry seen of each version, or its bucket */
    int nfirst = 0;
    for (int i = 0, len = n; i < n && len > MAX_UPDATE_MANAGERS; i++) {
        mf_entry *e = up[i], *f = NULL;
        for (int k = 0; k < nfirst; k++)
            if (!strcmp(first[k]->api_version, e->api_version)) f = first[k];
        if (!f) {
            first[nfirst++] = e;
            continue;
        }
        if (strcmp(f->manager, "ancient-changes") || *f->subresource) {
            free(f->manager);
            f->manager = kapi_xstrdup("ancient-changes");
            free(f->subresource);
            f->subresource = kapi_xstrdup("");
        }
        fieldset_union(f->set, e->set);
        free(f->time);
        f->time = e->time ? kapi_xstrdup(e->time) : NULL;
        cJSON_Delete(e->set);
        e->set = fieldset_new();   /* dropped below */
        len--;
    }
    drop_empty(l);
}

/* What an Update does to the managers (structuredmerge.Update with kube's
 * "current-operation" and the timestamps of ManagedFieldsUpdater): every
 * manager loses what the write changed or removed; the writer owns what it
 * changed, from now. */
static void record_update(rest_call *c, mf_list *l, const cJSON *old, const cJSON *obj, const char *manager,
                          const char *sub)
{
    fieldset_schema sc = schema_of(c);
    cJSON *zero = old ? NULL : fieldset_zero(&sc);
    cJSON *added, *removed, *modified;
    fieldset_compare(old ? old : zero, obj, &sc, &added, &removed, &modified);
    cJSON_Delete(zero);
    fieldset_union(added, modified);
    strip(c, added);
    strip(c, removed);
    for (int i = 0; i < l->n; i++) {
        cJSON *a = fieldset_difference(l->e[i].set, added);
        cJSON *b = fieldset_difference(a, removed);
        cJSON_Delete(a);
        cJSON_Delete(l->e[i].set);
        l->e[i].set = b;
    }
    if (!fieldset_empty(added)) {
        const char *av = api_version(c);
        int i = find(l, manager, "Update", av, sub);
        mf_entry *e = i >= 0 ? &l->e[i] : add(l, manager, "Update", av, sub, fieldset_new());
        if (e) {
            fieldset_union(e->set, added);
            char ts[21];
            now_rfc3339(ts);
            free(e->time);
            e->time = kapi_xstrdup(ts);
        }
    }
    drop_empty(l);
    cap_update_managers(l);
    cJSON_Delete(added);
    cJSON_Delete(removed);
    cJSON_Delete(modified);
}

void managed_fields_update(rest_call *c, const cJSON *old, cJSON *obj)
{
    int reset;
    mf_list *l = managers_of(c, old, obj, &reset);
    /* an existing object without managers stays without (the first apply
     * starts tracking: skipNonAppliedManager) */
    if (reset || (old && !l->n)) {
        cJSON_DeleteItemFromObjectCaseSensitive(obj_metadata(obj), "managedFields");
        return;
    }
    record_update(c, l, old, obj, managed_fields_manager(c), c->info->subresource);
    set_managed(obj, l);
}

/* ---- apply ------------------------------------------------------------ */

typedef struct conflict {
    const char *manager;   /* printManager's text */
    const char *path;
} conflict;

typedef struct conflicts {
    rest_call *c;
    const char *manager;
    conflict *v;
    int n, cap;
} conflicts;

static void add_conflict(void *arg, const char *path)
{
    conflicts *cs = arg;
    if (cs->n == cs->cap) {
        int cap = cs->cap ? cs->cap * 2 : 8;
        conflict *v = kapi_palloc(cs->c->req->pool, sizeof *v * (size_t)cap);
        if (cs->n) memcpy(v, cs->v, sizeof *v * (size_t)cs->n);
        cs->v = v;
        cs->cap = cap;
    }
    cs->v[cs->n].manager = cs->manager;
    cs->v[cs->n++].path = kapi_pstrdup(cs->c->req->pool, path);
}

/* printManager: "name" [with subresource "s"] [using v1] */
static const char *print_manager(rest_call *c, const mf_entry *e)
{
    kapi_buf *b = kapi_pool_buf(c->req->pool);
    go_quote(b, e->manager);
    if (*e->subresource) {
        kapi_buf_puts(b, " with subresource ");
        go_quote(b, e->subresource);
    }
    if (!strcmp(e->operation, "Update")) kapi_buf_printf(b, " using %s", e->api_version);
    return b->data;
}

static int cmp_conflicts(const void *a, const void *b)
{
    return strcmp(((const conflict *)a)->manager, ((const conflict *)b)->manager);
}

/* kube's NewConflictError: 409 Conflict, one cause per path */
static rest_result conflict_status(rest_call *c, conflicts *cs)
{
    qsort(cs->v, (size_t)cs->n, sizeof *cs->v, cmp_conflicts);
    kapi_buf *msg = kapi_pool_buf(c->req->pool);
    if (cs->n == 1) {
        kapi_buf_printf(msg, "Apply failed with 1 conflict: conflict with %s: %s", cs->v[0].manager, cs->v[0].path);
    } else {
        kapi_buf_printf(msg, "Apply failed with %d conflicts: ", cs->n);
        for (int i = 0; i < cs->n; i++) {
            if (i == 0 || strcmp(cs->v[i].manager, cs->v[i - 1].manager))
                kapi_buf_printf(msg, "%sconflicts with %s:", i ? "\n" : "", cs->v[i].manager);
            kapi_buf_printf(msg, "\n- %s", cs->v[i].path);
        }
    }
    cJSON *st = status_new(KAPI_CONFLICT, msg->data);
    cJSON *details = cJSON_CreateObject(), *causes = cJSON_AddArrayToObject(details, "causes");
    for (int i = 0; i < cs->n; i++) {
        cJSON *cause = cJSON_CreateObject();
        cJSON_AddStringToObject(cause, "reason", "FieldManagerConflict");
        char *m = kapi_xsprintf("conflict with %s", cs->v[i].manager);
        cJSON_AddStringToObject(cause, "message", m);
        free(m);
        cJSON_AddStringToObject(cause, "field", cs->v[i].path);
        cJSON_AddItemToArray(causes, cause);
    }
    cJSON_AddItemToObject(st, "details", details);
    status_reorder_code_last(st);
    return rest_status(c, st, 0);
}

/* obj without managedFields, to tell whether apply changed anything */
static int same_object(const cJSON *a, const cJSON *b)
{
    cJSON *x = cJSON_Duplicate(a, 1), *y = cJSON_Duplicate(b, 1);
    cJSON_DeleteItemFromObjectCaseSensitive(obj_metadata(x), "managedFields");
    cJSON_DeleteItemFromObjectCaseSensitive(obj_metadata(y), "managedFields");
    int same = cJSON_Compare(x, y, 1);
    cJSON_Delete(x);
    cJSON_Delete(y);
    return same;
}

#define LAST_APPLIED "kubectl.kubernetes.io/last-applied-configuration"

/* lastAppliedUpdater: kubectl's server-side apply keeps a client-side
 * apply annotation the object has in step with what it applies (the
 * configuration without the annotation, as encoding/json writes a map:
 * keys sorted, a newline at the end). */
static void update_last_applied(const cJSON *live, const cJSON *config, cJSON *merged, const char *manager)
{
    if (strcmp(manager, "kubectl") || !obj_string(json_at(live, "metadata.annotations"), LAST_APPLIED)) return;
    cJSON *copy = cJSON_Duplicate(config, 1);
    cJSON *ann = cJSON_GetObjectItemCaseSensitive(obj_metadata(copy), "annotations");
    if (ann) cJSON_DeleteItemFromObjectCaseSensitive(ann, LAST_APPLIED);
    cJSON *sorted = json_canonical_copy(copy);
    char *text = cJSON_PrintUnformatted(sorted);
    cJSON *mann = cJSON_GetObjectItemCaseSensitive(obj_metadata(merged), "annotations");
    if (text && cJSON_IsObject(mann)) {
        char *line = kapi_xsprintf("%s\n", text);
        cJSON_ReplaceItemInObjectCaseSensitive(mann, LAST_APPLIED, cJSON_CreateString(line));
        free(line);
    }
    free(text);
    cJSON_Delete(sorted);
    cJSON_Delete(copy);
}

cJSON *managed_fields_apply(rest_call *c, const cJSON *live, const cJSON *config, const char *manager, int force,
                            rest_result *fail)
{
    if (json_at(config, "metadata.managedFields")) {
        *fail = rest_bad_request(c, "metadata.managedFields must be nil");
        return NULL;
    }
    const char *sub = c->info->subresource;
    fieldset_schema sc = schema_of(c);
    mf_list *l = list_new(c);
    if (live) decode(json_at(live, "metadata.managedFields"), l);
    /* an object nobody manages yet: what it has belongs to before-first-apply */
    if (live && !l->n) record_update(c, l, NULL, live, "before-first-apply", "");
    cJSON *empty = cJSON_CreateObject();
    cJSON *merged = kapi_pool_keep_json(c->req->pool, fieldset_merge(live ? live : empty, config, &sc));
    cJSON_Delete(empty);
    int i = find(l, manager, "Apply", "", sub);
    cJSON *last = i >= 0 ? cJSON_Duplicate(l->e[i].set, 1) : NULL;
    cJSON *applied = fieldset_of(config, &sc);
    strip(c, applied);
    if (i >= 0) {
        cJSON_Delete(l->e[i].set);
        l->e[i].set = applied;
        free(l->e[i].api_version);
        l->e[i].api_version = kapi_xstrdup(api_version(c));
    } else {
        add(l, manager, "Apply", api_version(c), sub, applied);
    }
    /* fields this manager applied before and no longer does go, unless
     * someone else owns them */
    if (last) {
        cJSON *gone = fieldset_difference(last, applied), *owned = fieldset_new();
        for (int k = 0; k < l->n; k++) fieldset_union(owned, l->e[k].set);
        fieldset_remove(merged, gone, owned, &sc);
        cJSON_Delete(gone);
        cJSON_Delete(owned);
        cJSON_Delete(last);
    }
    /* what the apply changes must not belong to another manager */
    cJSON *added, *removed, *modified;
    fieldset_compare(live, merged, &sc, &added, &removed, &modified);
    fieldset_union(modified, added);
    strip(c, modified);
    strip(c, removed);
    conflicts cs = {.c = c};
    for (int k = 0; k < l->n; k++) {
        mf_entry *e = &l->e[k];
        if (!strcmp(e->manager, manager) && !strcmp(e->operation, "Apply") && !strcmp(e->subresource, sub))
            continue;
        cJSON *x = fieldset_intersection(e->set, modified);
        if (!fieldset_empty(x)) {
            cs.manager = print_manager(c, e);
            fieldset_each_path(x, add_conflict, &cs);
        }
        cJSON *a = fieldset_difference(e->set, x), *b = fieldset_difference(a, removed);
        cJSON_Delete(a);
        cJSON_Delete(x);
        cJSON_Delete(e->set);
        e->set = b;
    }
    cJSON_Delete(added);
    cJSON_Delete(removed);
    cJSON_Delete(modified);
    if (live) update_last_applied(live, config, merged, manager);
    if (cs.n && !force) {
        *fail = conflict_status(c, &cs);
        return NULL;
    }
    drop_empty(l);
    cap_update_managers(l);
    if (!live || !same_object(live, merged)) {
        int k = find(l, manager, "Apply", "", sub);
        if (k >= 0) {
            char ts[21];
            now_rfc3339(ts);
            free(l->e[k].time);
            l->e[k].time = kapi_xstrdup(ts);
        }
    }
    set_managed(merged, l);
    return merged;
}
