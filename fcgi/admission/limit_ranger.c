/* limit_ranger.c: the LimitRanger plugin (plugin/pkg/admission/limitranger)
 * over the LimitRanges of the request's namespace, for pods on create and
 * PersistentVolumeClaims on create and update. Mutating: each container
 * (and init container) without a limit or request the Container items
 * default gets it, and the pod the kubernetes.io/limit-ranger annotation
 * naming what was set. Validating: the Container, Pod and
 * PersistentVolumeClaim items' min, max and maxLimitRequestRatio, with
 * kube's messages ("maximum cpu usage per Container is 1, but limit is 2"),
 * refused as admission.NewForbidden: 403 `pods "x" is forbidden: ...`. */
#include <stdio.h>
#include <string.h>
#include "admission/admission.h"
#include "codec/jsonpath.h"
#include "codec/objmeta.h"
#include "codec/quantity.h"
#include "core/status.h"
#include "store/store.h"

static int collect(void *arg, const char *key, const char *value, int64_t rev)
{
    (void)key, (void)rev;
    cJSON *o = cJSON_Parse(value);
    if (o) cJSON_AddItemToArray(arg, o);
    else cJSON_Delete(o);
    return 0;
}

/* The LimitRanges of the namespace (the pool's), NULL when unreadable. */
static cJSON *limit_ranges(const admission_attrs *a)
{
    cJSON *list = kapi_pool_keep_json(a->pool, cJSON_CreateArray());
    int64_t rev;
    if (store_list(a->ctx->store, kapi_psprintf(a->pool, "/registry/limitranges/%s/", a->ns), NULL, 0, collect, list,
                   &rev) != STORE_OK)
        return NULL;
    return list;
}

static int applies(const admission_attrs *a)
{
    if (!a->ns[0] || !cJSON_IsObject(a->obj)) return 0;
    if (admission_is(a, "", "pods")) return a->op == ADMIT_CREATE;
    if (admission_is(a, "", "persistentvolumeclaims")) return a->op == ADMIT_CREATE || a->op == ADMIT_UPDATE;
    return 0;
}

/* mergeContainerResources: the defaults a container lacks; appends to note */
static void merge_defaults(cJSON *container, const cJSON *item, const char *what, kapi_buf *note)
{
    cJSON *res = json_object_member(container, "resources");
    const char *const lists[] = {"defaultRequest", "default"}, *const into[] = {"requests", "limits"};
    const char *const words[] = {"request", "limit"};
    for (int l = 0; l < 2; l++) {
        const cJSON *defs = json_get(item, lists[l]);
        if (!cJSON_GetArraySize(defs)) continue;
        cJSON *have = json_object_member(res, into[l]);
        /* the names set, sorted as kube sorts them */
        const char *set[32];
        int n = 0;
        const cJSON *d;
        cJSON_ArrayForEach(d, defs) {
            if (json_get(have, d->string) || n >= 32) continue;
            cJSON_AddItemToObject(have, d->string, cJSON_Duplicate(d, 1));
            int k = n++;
            while (k > 0 && strcmp(set[k - 1], d->string) > 0) { set[k] = set[k - 1]; k--; }
            set[k] = d->string;
        }
        if (!cJSON_GetArraySize(have)) cJSON_DeleteItemFromObjectCaseSensitive(res, into[l]);
        if (!n) continue;
        if (note->len) kapi_buf_puts(note, "; ");
        for (int i = 0; i < n; i++) kapi_buf_printf(note, "%s%s", i ? ", " : "", set[i]);
        kapi_buf_printf(note, " %s for %s %s", words[l], what, json_str(container, "name"));
    }
}

static cJSON *limit_ranger_mutate(const admission_attrs *a)
{
    if (!applies(a) || !admission_is(a, "", "pods")) return NULL;
    cJSON *ranges = limit_ranges(a);
    if (!ranges) return status_new(KAPI_INTERNAL, "Internal error occurred: reading LimitRanges failed");
    kapi_buf *note = kapi_pool_buf(a->pool);
    const cJSON *lr;
    cJSON_ArrayForEach(lr, ranges) {
        const cJSON *item;
        cJSON_ArrayForEach(item, json_at(lr, "spec.limits")) {
            if (strcmp(json_str(item, "type"), "Container")) continue;
            cJSON *spec = json_object_member(a->obj, "spec");
            cJSON *c;
            cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(spec, "containers"))
                if (cJSON_IsObject(c)) merge_defaults(c, item, "container", note);
            cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(spec, "initContainers"))
                if (cJSON_IsObject(c)) merge_defaults(c, item, "init container", note);
        }
    }
    if (note->len) {
        kapi_buf_putc(note, '\0');
        meta_set_annotation(a->obj, "kubernetes.io/limit-ranger", kapi_psprintf(a->pool, "LimitRanger plugin set: %s", note->data));
    }
    return NULL;
}

/* ---- validation */

typedef struct amount { int exists; quantity q; const char *text; } amount;

static amount amount_of(kapi_pool *p, const cJSON *list, const char *name)
{
    amount m = {0};
    const cJSON *v = json_get(list, name);
    const char *err;
    if (v && !quantity_from_json(v, &m.q, &err)) {
        char t[64];
        quantity_format_canonical(&m.q, t, sizeof t);
        m.text = kapi_pstrdup(p, t);
        m.exists = 1;
    }
    return m;
}

static const char *qtext(kapi_pool *p, const cJSON *v)
{
    char t[64];
    if (quantity_canonical_json(v, t, sizeof t)) return "";
    return kapi_pstrdup(p, t);
}

/* minConstraint, maxConstraint (requests_only: maxRequestConstraint) and
 * limitRequestRatioConstraint; appends kube's message to errs. */
static void check_item_lists(kapi_pool *p, const cJSON *item, const char *type, const cJSON *requests,
                             const cJSON *limits, int requests_only, kapi_buf *errs, int *n)
{
#define FAIL(...) do { kapi_buf_puts(errs, (*n)++ ? ", " : ""); kapi_buf_printf(errs, __VA_ARGS__); } while (0)
    static const char *const bounds[] = {"min", "max", "maxLimitRequestRatio"};
    for (int b = 0; b < 3; b++) {
        const cJSON *e;
        cJSON_ArrayForEach(e, json_get(item, bounds[b])) {
            quantity bound;
            const char *err, *r = e->string;
            if (quantity_from_json(e, &bound, &err)) continue;
            amount req = amount_of(p, requests, r), lim = amount_of(p, limits, r);
            const char *mt = qtext(p, e);
            if (b == 0) {          /* minConstraint */
                if (!req.exists) FAIL("minimum %s usage per %s is %s.  No request is specified", r, type, mt);
                else if (quantity_cmp(&req.q, &bound) < 0) FAIL("minimum %s usage per %s is %s, but request is %s", r, type, mt, req.text);
                else if (lim.exists && quantity_cmp(&lim.q, &bound) < 0)
                    FAIL("minimum %s usage per %s is %s, but limit is %s", r, type, mt, lim.text);
            } else if (b == 1) {   /* maxConstraint, maxRequestConstraint */
                if (requests_only) {
                    if (req.exists && quantity_cmp(&req.q, &bound) > 0)
                        FAIL("maximum %s usage per %s is %s, but request is %s", r, type, mt, req.text);
                } else if (!lim.exists) FAIL("maximum %s usage per %s is %s.  No limit is specified", r, type, mt);
                else if (quantity_cmp(&lim.q, &bound) > 0) FAIL("maximum %s usage per %s is %s, but limit is %s", r, type, mt, lim.text);
                else if (req.exists && quantity_cmp(&req.q, &bound) > 0)
                    FAIL("maximum %s usage per %s is %s, but request is %s", r, type, mt, req.text);
            } else {               /* limitRequestRatioConstraint */
                int64_t rm = req.exists ? quantity_milli_value(&req.q) : 0, lm = lim.exists ? quantity_milli_value(&lim.q) : 0;
                double observed = rm && lm ? (double)lm / (double)rm : 0;
                if (!rm) FAIL("%s max limit to request ratio per %s is %s, but no request is specified or request is 0", r, type, mt);
                else if (!lm) FAIL("%s max limit to request ratio per %s is %s, but no limit is specified or limit is 0", r, type, mt);
                else if (observed * 1000 > (double)quantity_milli_value(&bound))
                    FAIL("%s max limit to request ratio per %s is %s, but provided ratio is %f", r, type, mt, observed);
            }
        }
    }
#undef FAIL
}

static cJSON *limit_ranger_validate(const admission_attrs *a)
{
    if (!applies(a)) return NULL;
    cJSON *ranges = limit_ranges(a);
    if (!ranges) return status_new(KAPI_INTERNAL, "Internal error occurred: reading LimitRanges failed");
    int is_pod = admission_is(a, "", "pods");
    const cJSON *spec = json_get(a->obj, "spec");
    kapi_buf *errs = kapi_pool_buf(a->pool);
    int n = 0;
    const cJSON *lr;
    cJSON_ArrayForEach(lr, ranges) {
        const cJSON *item;
        cJSON_ArrayForEach(item, json_at(lr, "spec.limits")) {
            const char *type = json_str(item, "type");
            if (is_pod && !strcmp(type, "Container")) {
                const char *const lists[] = {"initContainers", "containers"};
                for (int l = 0; l < 2; l++) {
                    const cJSON *c;
                    cJSON_ArrayForEach(c, json_get(spec, lists[l]))
                        check_item_lists(a->pool, item, type, json_at(c, "resources.requests"),
                                         json_at(c, "resources.limits"), 0, errs, &n);
                }
            } else if (is_pod && !strcmp(type, "Pod")) {
                check_item_lists(a->pool, item, type, admission_pod_total(a->pool, spec, "requests"),
                                 admission_pod_total(a->pool, spec, "limits"), 0, errs, &n);
            } else if (!is_pod && !strcmp(type, "PersistentVolumeClaim")) {
                check_item_lists(a->pool, item, type, json_at(spec, "resources.requests"),
                                 json_at(spec, "resources.limits"), 1, errs, &n);
            }
        }
    }
    if (!n) return NULL;
    kapi_buf_putc(errs, '\0');
    const char *why = n > 1 ? kapi_psprintf(a->pool, "[%s]", errs->data) : errs->data;
    return admission_forbidden(a, why);
}

const admission_plugin admission_limit_ranger = {
    .name = "LimitRanger",
    .mutate = limit_ranger_mutate,
    .validate = limit_ranger_validate,
};
