/* smpatch.c: strategic merge patch, following the semantics of
 * k8s.io/apimachinery/pkg/util/strategicpatch (mergeMap, mergeSlice):
 * objects merge key by key; a null deletes; lists whose field has patch
 * strategy "merge" merge by the patch merge key (lists of objects) or by
 * value (lists of scalars); other lists are replaced. Directives:
 *   {"$patch":"replace"} replace the object instead of merging it
 *   {"$patch":"delete"}  delete the object (or, in a list, the element
 *                        with the same merge key)
 *   "$setElementOrder/<list>": [...]     the order of the merged list
 *   "$deleteFromPrimitiveList/<list>": [...]  values removed from a set
 *   "$retainKeys": [...] keys that stay in an object (retainKeys strategy) */
#include <stdio.h>
#include <string.h>
#include "schema/smpatch.h"

#define MAX_DEPTH 200

typedef struct smp {
    kapi_rc rc;
    char *err;
    size_t errlen;
    int failed;
} smp;

static void fail(smp *s, kapi_rc rc, const char *msg)
{
    if (s->failed) return;
    s->failed = 1;
    s->rc = rc;
    snprintf(s->err, s->errlen, "%s", msg);
}

static int strategy_has(const schema_field *f, const char *what)
{
    return f && f->patch_strategy && strstr(f->patch_strategy, what);
}

static const cJSON *item_key(const cJSON *o, const char *key)
{
    return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

/* The element of list whose merge key equals that of probe. */
static cJSON *find_by_key(cJSON *list, const char *key, const cJSON *probe)
{
    const cJSON *want = item_key(probe, key);
    if (!want) return NULL;
    cJSON *e;
    cJSON_ArrayForEach(e, list) {
        const cJSON *have = item_key(e, key);
        if (have && cJSON_Compare(have, want, 1)) return e;
    }
    return NULL;
}

static cJSON *merge_value(smp *s, cJSON *orig, const cJSON *patch, const schema_field *f,
                          const schema_value *v, int depth);

static const schema_type *object_type(const schema_value *v)
{
    return v && v->kind == SV_OBJECT ? v->type : NULL;
}

/* Reorders list by the $setElementOrder entries (matched by merge key, or
 * by value for scalars); elements the order does not name keep their place
 * after the named ones. */
static void apply_element_order(cJSON *list, const cJSON *order, const char *key)
{
    if (!cJSON_IsArray(list) || !cJSON_IsArray(order)) return;
    cJSON *sorted = cJSON_CreateArray();
    const cJSON *o;
    cJSON_ArrayForEach(o, order) {
        cJSON *e = list->child, *hit = NULL;
        for (; e; e = e->next) {
            if (key ? (item_key(e, key) && item_key(o, key) &&
                       cJSON_Compare(item_key(e, key), item_key(o, key), 1))
                    : cJSON_Compare(e, o, 1)) { hit = e; break; }
        }
        if (hit) cJSON_AddItemToArray(sorted, cJSON_DetachItemViaPointer(list, hit));
    }
    while (list->child) cJSON_AddItemToArray(sorted, cJSON_DetachItemViaPointer(list, list->child));
    while (sorted->child) cJSON_AddItemToArray(list, cJSON_DetachItemViaPointer(sorted, sorted->child));
    cJSON_Delete(sorted);
}

static cJSON *merge_list(smp *s, cJSON *orig, const cJSON *patch, const schema_field *f, int depth)
{
    const schema_value *elem = f->value.elem;
    int by_key = strategy_has(f, "merge") && f->patch_merge_key && elem && elem->kind == SV_OBJECT;
    int as_set = strategy_has(f, "merge") && elem && elem->kind != SV_OBJECT;
    if (!by_key && !as_set) {
        /* replace, after dropping directive elements */
        cJSON_Delete(orig);
        return cJSON_Duplicate(patch, 1);
    }
    if (!cJSON_IsArray(orig)) {
        cJSON_Delete(orig);
        orig = cJSON_CreateArray();
    }
    const cJSON *p;
    /* a whole-list {"$patch":"replace"} element replaces the list */
    cJSON_ArrayForEach(p, patch) {
        const cJSON *d = item_key(p, "$patch");
        if (cJSON_IsString(d) && !strcmp(d->valuestring, "replace")) {
            cJSON *out = cJSON_CreateArray();
            const cJSON *q;
            cJSON_ArrayForEach(q, patch) if (q != p) cJSON_AddItemToArray(out, cJSON_Duplicate(q, 1));
            cJSON_Delete(orig);
            return out;
        }
    }
    cJSON_ArrayForEach(p, patch) {
        if (as_set) {
            cJSON *e, *hit = NULL;
            cJSON_ArrayForEach(e, orig) if (cJSON_Compare(e, p, 1)) { hit = e; break; }
            if (!hit) cJSON_AddItemToArray(orig, cJSON_Duplicate(p, 1));
            continue;
        }
        if (!cJSON_IsObject(p)) {
            fail(s, KAPI_BAD_REQUEST, "unable to find api field in struct for the merge key: list element is not an object");
            return orig;
        }
        if (!item_key(p, f->patch_merge_key)) {
            char msg[300];
            snprintf(msg, sizeof msg, "map: %s does not contain declared merge key: %s", "element", f->patch_merge_key);
            fail(s, KAPI_BAD_REQUEST, msg);
            return orig;
        }
        cJSON *hit = find_by_key(orig, f->patch_merge_key, p);
        const cJSON *d = item_key(p, "$patch");
        if (cJSON_IsString(d) && !strcmp(d->valuestring, "delete")) {
            if (hit) cJSON_Delete(cJSON_DetachItemViaPointer(orig, hit));
            continue;
        }
        if (hit) {
            /* merge in place: the element keeps its position */
            cJSON *merged = merge_value(s, cJSON_Duplicate(hit, 1), p, NULL, elem, depth + 1);
            if (merged) cJSON_ReplaceItemViaPointer(orig, hit, merged);
            else cJSON_Delete(cJSON_DetachItemViaPointer(orig, hit));
        } else {
            cJSON *added = merge_value(s, NULL, p, NULL, elem, depth + 1);
            if (added) cJSON_AddItemToArray(orig, added);
        }
    }
    return orig;
}

/* Merges patch object into orig object of type t. Returns the new value, or
 * NULL when a $patch: delete removes it. */
static cJSON *merge_object(smp *s, cJSON *orig, const cJSON *patch, const schema_type *t, int depth)
{
    if (depth > MAX_DEPTH) { fail(s, KAPI_BAD_REQUEST, "patch nesting is too deep"); return orig; }
    const cJSON *d = item_key(patch, "$patch");
    if (d) {
        if (!cJSON_IsString(d)) { fail(s, KAPI_BAD_REQUEST, "invalid $patch directive"); return orig; }
        if (!strcmp(d->valuestring, "delete")) { cJSON_Delete(orig); return NULL; }
        if (!strcmp(d->valuestring, "replace")) {
            cJSON_Delete(orig);
            cJSON *out = cJSON_Duplicate(patch, 1);
            cJSON_DeleteItemFromObjectCaseSensitive(out, "$patch");
            return out;
        }
        if (strcmp(d->valuestring, "merge")) {
            char msg[200];
            snprintf(msg, sizeof msg, "unknown patch type: %s in map: ...", d->valuestring);
            fail(s, KAPI_BAD_REQUEST, msg);
            return orig;
        }
    }
    if (!cJSON_IsObject(orig)) {
        cJSON_Delete(orig);
        orig = cJSON_CreateObject();
    }
    const cJSON *retain = item_key(patch, "$retainKeys");
    const cJSON *p;
    cJSON_ArrayForEach(p, patch) {
        const char *k = p->string;
        if (!strcmp(k, "$patch") || !strcmp(k, "$retainKeys")) continue;
        if (!strncmp(k, "$setElementOrder/", 17)) continue;   /* applied after the merge */
        if (!strncmp(k, "$deleteFromPrimitiveList/", 25)) {
            cJSON *list = cJSON_GetObjectItemCaseSensitive(orig, k + 25);
            const cJSON *v;
            if (cJSON_IsArray(list) && cJSON_IsArray(p))
                cJSON_ArrayForEach(v, p) {
                    cJSON *e = list->child;
                    while (e) {
                        cJSON *next = e->next;
                        if (cJSON_Compare(e, v, 1)) cJSON_Delete(cJSON_DetachItemViaPointer(list, e));
                        e = next;
                    }
                }
            continue;
        }
        if (k[0] == '$') {
            char msg[200];
            snprintf(msg, sizeof msg, "unknown directive %.100s", k);
            fail(s, KAPI_BAD_REQUEST, msg);
            return orig;
        }
        const schema_field *f = t ? schema_field_named(t, k) : NULL;
        if (cJSON_IsNull(p)) {
            cJSON_DeleteItemFromObjectCaseSensitive(orig, k);
            continue;
        }
        cJSON *cur = cJSON_DetachItemFromObjectCaseSensitive(orig, k);
        cJSON *merged = merge_value(s, cur, p, f, f ? &f->value : NULL, depth + 1);
        if (merged) cJSON_AddItemToObject(orig, k, merged);
        if (s->failed) return orig;
    }
    /* $setElementOrder after the merge */
    cJSON_ArrayForEach(p, patch) {
        if (strncmp(p->string, "$setElementOrder/", 17)) continue;
        const char *k = p->string + 17;
        const schema_field *f = t ? schema_field_named(t, k) : NULL;
        cJSON *list = cJSON_GetObjectItemCaseSensitive(orig, k);
        apply_element_order(list, p, f ? f->patch_merge_key : NULL);
    }
    if (cJSON_IsArray(retain)) {
        cJSON *e = orig->child;
        while (e) {
            cJSON *next = e->next;
            int keep = 0;
            const cJSON *r;
            cJSON_ArrayForEach(r, retain) if (cJSON_IsString(r) && !strcmp(r->valuestring, e->string)) keep = 1;
            if (!keep) cJSON_Delete(cJSON_DetachItemViaPointer(orig, e));
            e = next;
        }
    }
    return orig;
}

static cJSON *merge_value(smp *s, cJSON *orig, const cJSON *patch, const schema_field *f,
                          const schema_value *v, int depth)
{
    if (depth > MAX_DEPTH) { fail(s, KAPI_BAD_REQUEST, "patch nesting is too deep"); return orig; }
    if (cJSON_IsObject(patch)) {
        /* a map of values merges per key with no schema for the values'
         * own merging below it unless they are objects of a known type */
        if (v && v->kind == SV_MAP) {
            if (!cJSON_IsObject(orig)) { cJSON_Delete(orig); orig = cJSON_CreateObject(); }
            const cJSON *p;
            cJSON_ArrayForEach(p, patch) {
                if (cJSON_IsNull(p)) { cJSON_DeleteItemFromObjectCaseSensitive(orig, p->string); continue; }
                cJSON *cur = cJSON_DetachItemFromObjectCaseSensitive(orig, p->string);
                cJSON *m = merge_value(s, cur, p, NULL, v->elem, depth + 1);
                if (m) cJSON_AddItemToObject(orig, p->string, m);
            }
            return orig;
        }
        if (v && v->kind != SV_OBJECT && v->kind != SV_RAW && !(v->kind == SV_ARRAY)) {
            cJSON_Delete(orig);
            return cJSON_Duplicate(patch, 1);
        }
        return merge_object(s, orig, patch, object_type(v), depth);
    }
    if (cJSON_IsArray(patch) && f && f->value.kind == SV_ARRAY) return merge_list(s, orig, patch, f, depth);
    cJSON_Delete(orig);
    return cJSON_Duplicate(patch, 1);
}

cJSON *strategic_merge_patch(const cJSON *original, const cJSON *patch, const schema_type *t,
                             kapi_rc *rc, char *err, size_t errlen)
{
    smp s = {.rc = KAPI_OK, .err = err, .errlen = errlen};
    if (!cJSON_IsObject(patch)) {
        *rc = KAPI_BAD_REQUEST;
        snprintf(err, errlen, "json: cannot unmarshal %s into Go value of type map[string]interface {}",
                 cJSON_IsArray(patch) ? "array" : cJSON_IsString(patch) ? "string" : "number");
        return NULL;
    }
    cJSON *out = merge_object(&s, cJSON_Duplicate(original, 1), patch, t, 0);
    if (s.failed || !out) {
        cJSON_Delete(out);
        *rc = s.failed ? s.rc : KAPI_BAD_REQUEST;
        if (!s.failed) snprintf(err, errlen, "the patch deletes the whole object");
        return NULL;
    }
    return out;
}
