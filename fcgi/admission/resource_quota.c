/* resource_quota.c: the ResourceQuota plugin (plugin/pkg/admission/
 * resourcequota, pkg/quota/v1/evaluator/core), the last of the chain.
 *
 * A create in a namespace with ResourceQuotas is measured against each
 * quota whose spec.hard names something the object uses: object counts
 * (count/<resource>[.<group>] and the legacy pods, services, configmaps,
 * secrets, persistentvolumeclaims, replicationcontrollers,
 * resourcequotas, services.nodeports, services.loadbalancers), a pod's
 * compute resources (cpu, memory, requests.*, limits.*: its containers'
 * sum, raised to any init container's) and a claim's requests.storage.
 * A quota of cpu or memory needs every container to state it (403 `failed
 * quota: q: must specify limits.cpu for: c`); usage past hard is 403
 * `exceeded quota: q, requested: ..., used: ..., limited: ...`.
 *
 * Usage: kapi runs no quota controller, so status.used is computed here
 * from the namespace's stored objects each time a quota is consulted, plus
 * the object being admitted, and written to the quota (with status.hard
 * copied from spec.hard) with compare-and-swap on its resourceVersion
 * before the object is stored, as kube's admission updates the quota
 * optimistically; a lost swap starts again. A ResourceQuota's own create
 * or update gets its status computed the same way, and a delete has the
 * quotas that counted the object recounted without it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "admission/admission.h"
#include "codec/jsonpath.h"
#include "codec/quantity.h"
#include "core/status.h"
#include "kinds/kinds.h"
#include "store/store.h"

#define QUOTA_ATTEMPTS 10

static const char *const legacy_counts[] = {"pods", "services", "configmaps", "secrets", "persistentvolumeclaims",
                                             "replicationcontrollers", "resourcequotas", NULL};

static int is_terminal_pod(const cJSON *pod)
{
    const char *phase = json_str_at(pod, "status.phase", "");
    return !strcmp(phase, "Succeeded") || !strcmp(phase, "Failed");
}

/* The kind a quota resource name measures (its group and plural). */
static void resource_of_name(const char *name, const char **group, const char **plural, kapi_pool *p)
{
    *group = "";
    if (!strncmp(name, "count/", 6)) {
        const char *rest = name + 6, *dot = strchr(rest, '.');
        *plural = dot ? kapi_pstrndup(p, rest, (size_t)(dot - rest)) : rest;
        *group = dot ? dot + 1 : "";
        return;
    }
    for (int i = 0; legacy_counts[i]; i++)
        if (!strcmp(name, legacy_counts[i])) { *plural = legacy_counts[i]; return; }
    if (!strncmp(name, "services.", 9)) *plural = "services";
    else if (!strcmp(name, "requests.storage") || strstr(name, ".storageclass.storage.k8s.io/")) *plural = "persistentvolumeclaims";
    else *plural = "pods";
}

/* How much of quota resource name object obj of resource r uses: 0 and q,
 * or -1 when it uses none of it. */
static int usage_of(kapi_pool *p, const kapi_resource *r, const cJSON *obj, const char *name, quantity *q)
{
    const char *group, *plural;
    resource_of_name(name, &group, &plural, p);
    memset(q, 0, sizeof *q);
    if (strcmp(r->group, group) || strcmp(r->plural, plural)) return -1;
    const char *err;
    int core = !group[0];
    if (!strncmp(name, "count/", 6) || !strcmp(name, plural)) {
        if (core && !strcmp(plural, "pods") && is_terminal_pod(obj)) return 0;
        q->mant = 1;
        return 0;
    }
    const cJSON *spec = json_get(obj, "spec");
    if (core && !strcmp(plural, "services")) {
        const char *type = json_str(spec, "type");
        int lb = !strcmp(type, "LoadBalancer");
        if (!strcmp(name, "services.loadbalancers")) q->mant = lb;
        else if (!strcmp(name, "services.nodeports")) q->mant = lb || !strcmp(type, "NodePort") ? cJSON_GetArraySize(json_get(spec, "ports")) : 0;
        else return -1;
        return 0;
    }
    if (core && !strcmp(plural, "persistentvolumeclaims")) {
        const char *cls = json_str(spec, "storageClassName");
        const char *slash = strstr(name, ".storageclass.storage.k8s.io/");
        if (slash && (strncmp(name, cls, (size_t)(slash - name)) || strlen(cls) != (size_t)(slash - name))) return 0;
        const char *what = slash ? slash + strlen(".storageclass.storage.k8s.io/") : name;
        if (!strcmp(what, "persistentvolumeclaims")) { q->mant = 1; return 0; }
        if (strcmp(what, "requests.storage")) return -1;
        const cJSON *v = json_at(spec, "resources.requests");
        if (json_get(v, "storage")) quantity_from_json(json_get(v, "storage"), q, &err);
        return 0;
    }
    if (core && !strcmp(plural, "pods")) {
        if (is_terminal_pod(obj)) return 0;
        const char *which = "requests", *res = name;
        if (!strncmp(name, "requests.", 9)) res = name + 9;
        else if (!strncmp(name, "limits.", 7)) { which = "limits"; res = name + 7; }
        const cJSON *total = admission_pod_total(p, spec, which);
        const cJSON *v = json_get(total, res);
        if (v) quantity_from_json(v, q, &err);
        return 0;
    }
    return -1;
}

typedef struct usage_sum {
    kapi_pool *pool;
    const kapi_resource *r;
    const char *name;
    const char *skip_key;   /* the object being replaced, not counted */
    quantity total;
} usage_sum;

static int add_usage(void *arg, const char *key, const char *value, int64_t rev)
{
    (void)rev;
    usage_sum *u = arg;
    if (u->skip_key && !strcmp(key, u->skip_key)) return 0;
    cJSON *o = cJSON_Parse(value);
    quantity q;
    if (o && !json_get(json_get(o, "metadata"), "deletionTimestamp") && usage_of(u->pool, u->r, o, u->name, &q) == 0)
        quantity_add(&u->total, &q);
    cJSON_Delete(o);
    return 0;
}

/* What the namespace's stored objects use of name: 0, or -1 when the store
 * fails. */
static int stored_usage(const admission_attrs *a, const char *name, quantity *out)
{
    const char *group, *plural;
    resource_of_name(name, &group, &plural, a->pool);
    memset(out, 0, sizeof *out);
    const kapi_resource *r = kinds_find_plural(kinds_current(), group, plural);
    if (!r || !r->namespaced) return 0;
    usage_sum u = {.pool = a->pool, .r = r, .name = name};
    if ((a->op == ADMIT_UPDATE || a->op == ADMIT_DELETE) && a->resource == r)
        u.skip_key = resource_key(a->pool, r, a->ns, a->name);
    int64_t rev;
    if (store_list(a->ctx->store, resource_key(a->pool, r, a->ns, NULL), NULL, 0, add_usage, &u, &rev) != STORE_OK)
        return -1;
    *out = u.total;
    return 0;
}

static void set_quantity(cJSON *list, const char *key, const quantity *q)
{
    char t[64];
    quantity_format_canonical(q, t, sizeof t);
    cJSON_DeleteItemFromObjectCaseSensitive(list, key);
    cJSON_AddStringToObject(list, key, t);
}

/* Recomputes status (hard from spec.hard, used) into quota, adding what
 * obj (of a->resource, may be NULL) uses. 0, or -1 on a store failure. */
static int compute_status(const admission_attrs *a, cJSON *quota, const cJSON *obj, cJSON **requested)
{
    cJSON *status = json_object_member(quota, "status");
    const cJSON *hard = json_at(quota, "spec.hard");
    cJSON_DeleteItemFromObjectCaseSensitive(status, "hard");
    cJSON_AddItemToObject(status, "hard", hard ? cJSON_Duplicate(hard, 1) : cJSON_CreateObject());
    cJSON *used = cJSON_CreateObject();
    if (requested) *requested = kapi_pool_keep_json(a->pool, cJSON_CreateObject());
    const cJSON *h;
    cJSON_ArrayForEach(h, hard) {
        quantity total, mine;
        if (stored_usage(a, h->string, &total)) { cJSON_Delete(used); return -1; }
        if (obj && usage_of(a->pool, a->resource, obj, h->string, &mine) == 0) {
            quantity_add(&total, &mine);
            if (requested) set_quantity(*requested, h->string, &mine);
        }
        set_quantity(used, h->string, &total);
    }
    cJSON_DeleteItemFromObjectCaseSensitive(status, "used");
    cJSON_AddItemToObject(status, "used", used);
    return 0;
}

/* The pod evaluator's Constraints: with cpu or memory quota'd, each
 * container states it. "" when none is missing. */
static const char *missing_constraints(const admission_attrs *a, const cJSON *hard)
{
    static const char *const checked[] = {"limits.cpu", "limits.memory", "requests.cpu", "requests.memory", NULL};
    kapi_buf *out = kapi_pool_buf(a->pool);
    for (int i = 0; checked[i]; i++) {
        const char *dot = strchr(checked[i], '.');
        const char *res = dot + 1, *which = kapi_pstrndup(a->pool, checked[i], (size_t)(dot - checked[i]));
        int wanted = json_get(hard, checked[i]) || (!strcmp(which, "requests") && json_get(hard, res));
        if (!wanted) continue;
        kapi_buf *names = kapi_pool_buf(a->pool);
        const char *const lists[] = {"containers", "initContainers"};
        /* container names, sorted (sets.String.List) */
        const char *sorted[64];
        int n = 0;
        for (int l = 0; l < 2; l++) {
            const cJSON *c;
            cJSON_ArrayForEach(c, json_at(a->obj, kapi_psprintf(a->pool, "spec.%s", lists[l]))) {
                if (json_get(json_at(c, kapi_psprintf(a->pool, "resources.%s", which)), res) || n >= 64) continue;
                const char *cn = json_str(c, "name");
                int k = n++;
                while (k > 0 && strcmp(sorted[k - 1], cn) > 0) { sorted[k] = sorted[k - 1]; k--; }
                sorted[k] = cn;
            }
        }
        if (!n) continue;
        for (int k = 0; k < n; k++)
            if (!k || strcmp(sorted[k], sorted[k - 1])) kapi_buf_printf(names, "%s%s", names->len ? "," : "", sorted[k]);
        kapi_buf_putc(names, '\0');
        kapi_buf_printf(out, "%s%s for: %s", out->len ? "; " : "", checked[i], names->data);
    }
    kapi_buf_putc(out, '\0');
    return out->data;
}

/* prettyPrint of list masked to the keys of mask */
static const char *pretty(kapi_pool *p, const cJSON *list, const cJSON *mask)
{
    const char *keys[64];
    int n = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, mask) {
        if (!json_get(list, e->string) || n >= 64) continue;
        int k = n++;
        while (k > 0 && strcmp(keys[k - 1], e->string) > 0) { keys[k] = keys[k - 1]; k--; }
        keys[k] = e->string;
    }
    kapi_buf *out = kapi_pool_buf(p);
    for (int i = 0; i < n; i++) {
        char t[64];
        quantity_canonical_json(json_get(list, keys[i]), t, sizeof t);
        kapi_buf_printf(out, "%s%s=%s", i ? "," : "", keys[i], t);
    }
    kapi_buf_putc(out, '\0');
    return out->data;
}

typedef struct quota_list { cJSON *items; } quota_list;

static int collect_quota(void *arg, const char *key, const char *value, int64_t rev)
{
    cJSON *o = cJSON_Parse(value);
    if (!o) return 0;
    cJSON_AddStringToObject(o, "\x01key", key);
    cJSON_AddNumberToObject(o, "\x01rev", (double)rev);
    cJSON_AddItemToArray(((quota_list *)arg)->items, o);
    return 0;
}

static cJSON *write_quota(const admission_attrs *a, cJSON *quota, int *retry)
{
    if (a->dry_run) return NULL;
    const char *key = kapi_pstrdup(a->pool, json_str(quota, "\x01key"));
    int64_t rev = (int64_t)json_num_at(quota, "\x01rev", 0), nrev;
    cJSON_DeleteItemFromObjectCaseSensitive(quota, "\x01key");
    cJSON_DeleteItemFromObjectCaseSensitive(quota, "\x01rev");
    store_rc rc = store_update_if_revision(a->ctx->store, key, quota, rev, &nrev);
    if (rc == STORE_CONFLICT || rc == STORE_NOT_FOUND) *retry = 1;
    else if (rc != STORE_OK) return status_new(KAPI_INTERNAL, "Internal error occurred: writing the quota failed");
    return NULL;
}

/* One pass over the namespace's quotas; *retry when a swap was lost. */
static cJSON *check_quotas(const admission_attrs *a, int *retry)
{
    quota_list ql = {kapi_pool_keep_json(a->pool, cJSON_CreateArray())};
    int64_t rev;
    if (store_list(a->ctx->store, kapi_psprintf(a->pool, "/registry/resourcequotas/%s/", a->ns), NULL, 0, collect_quota,
                   &ql, &rev) != STORE_OK)
        return status_new(KAPI_INTERNAL, "Internal error occurred: reading ResourceQuotas failed");
    cJSON *quota;
    cJSON_ArrayForEach(quota, ql.items) {
        const cJSON *hard = json_at(quota, "spec.hard");
        /* the resources of this quota the object uses */
        int uses = 0;
        const cJSON *h;
        cJSON_ArrayForEach(h, hard) {
            quantity q;
            if (usage_of(a->pool, a->resource, a->obj, h->string, &q) == 0) uses = 1;
        }
        if (!uses) continue;
        const char *qname = json_str_at(quota, "metadata.name", "");
        if (admission_is(a, "", "pods")) {
            const char *missing = missing_constraints(a, hard);
            if (*missing) return admission_forbidden(a, kapi_psprintf(a->pool, "failed quota: %s: must specify %s", qname, missing));
        }
        cJSON *before = kapi_pool_keep_json(a->pool, cJSON_Duplicate(quota, 1));
        if (compute_status(a, before, NULL, NULL)) return status_new(KAPI_INTERNAL, "Internal error occurred: reading usage failed");
        cJSON *requested;
        if (compute_status(a, quota, a->obj, &requested)) return status_new(KAPI_INTERNAL, "Internal error occurred: reading usage failed");
        cJSON *exceeded = kapi_pool_keep_json(a->pool, cJSON_CreateObject());
        const cJSON *used = json_at(quota, "status.used");
        cJSON_ArrayForEach(h, hard) {
            quantity lim, u, req;
            const char *err;
            if (!json_get(requested, h->string) || quantity_from_json(h, &lim, &err) ||
                quantity_from_json(json_get(used, h->string), &u, &err))
                continue;
            quantity_from_json(json_get(requested, h->string), &req, &err);
            if (quantity_sign(&req) > 0 && quantity_cmp(&u, &lim) > 0) cJSON_AddTrueToObject(exceeded, h->string);
        }
        if (cJSON_GetArraySize(exceeded))
            return admission_forbidden(a, kapi_psprintf(a->pool, "exceeded quota: %s, requested: %s, used: %s, limited: %s", qname,
                                                        pretty(a->pool, requested, exceeded),
                                                        pretty(a->pool, json_at(before, "status.used"), exceeded),
                                                        pretty(a->pool, hard, exceeded)));
        cJSON *st = write_quota(a, quota, retry);
        if (st || *retry) return st;
    }
    return NULL;
}

/* A delete: the quotas that count the object get status.used recounted
 * without it (kube's quota controller does this on its resync); a failure
 * here never stops the delete. */
static void recount_after_delete(const admission_attrs *a)
{
    for (int attempt = 0; attempt < QUOTA_ATTEMPTS; attempt++) {
        quota_list ql = {kapi_pool_keep_json(a->pool, cJSON_CreateArray())};
        int64_t rev;
        if (store_list(a->ctx->store, kapi_psprintf(a->pool, "/registry/resourcequotas/%s/", a->ns), NULL, 0,
                       collect_quota, &ql, &rev) != STORE_OK)
            return;
        int retry = 0;
        cJSON *quota;
        cJSON_ArrayForEach(quota, ql.items) {
            if (admission_is(a, "", "resourcequotas") && !strcmp(json_str_at(quota, "metadata.name", ""), a->name)) continue;
            int counts = 0;
            const cJSON *h;
            cJSON_ArrayForEach(h, json_at(quota, "spec.hard")) {
                quantity q;
                if (usage_of(a->pool, a->resource, a->old, h->string, &q) == 0 && quantity_sign(&q) > 0) counts = 1;
            }
            if (!counts || compute_status(a, quota, NULL, NULL)) continue;
            cJSON_Delete(write_quota(a, quota, &retry));
            if (retry) break;
        }
        if (!retry) return;
    }
}

static cJSON *resource_quota_validate(const admission_attrs *a)
{
    if (a->op == ADMIT_DELETE && a->ns[0] && !a->subresource[0] && cJSON_IsObject(a->old) && !a->dry_run) {
        recount_after_delete(a);
        return NULL;
    }
    if (!a->ns[0] || !cJSON_IsObject(a->obj) || a->subresource[0]) return NULL;
    if (admission_is(a, "", "resourcequotas") && (a->op == ADMIT_CREATE || a->op == ADMIT_UPDATE)) {
        /* the quota's own status: what the namespace uses now */
        if (compute_status(a, a->obj, a->obj, NULL)) return status_new(KAPI_INTERNAL, "Internal error occurred: reading usage failed");
    }
    if (a->op != ADMIT_CREATE) return NULL;
    for (int attempt = 0; attempt < QUOTA_ATTEMPTS; attempt++) {
        int retry = 0;
        cJSON *st = check_quotas(a, &retry);
        if (st || !retry) return st;
    }
    return status_new(KAPI_INTERNAL, "Internal error occurred: resource quota evaluation timed out");
}

const admission_plugin admission_resource_quota = {
    .name = "ResourceQuota",
    .validate = resource_quota_validate,
};
