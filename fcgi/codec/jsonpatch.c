/* jsonpatch.c: RFC 6902 JSON patch as kube-apiserver applies it
 * (gopkg.in/evanphx/json-patch.v4 v4.12 behind
 * staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go), and RFC
 * 7386 merge patch.
 *
 * Decoding: the body must be a JSON array of objects whose op, path and
 * from are strings (otherwise 400 "error decoding patch: <Go's json error>"),
 * with at most 10000 operations (413).
 * Applying, with the library's semantics: paths are JSON pointers (~1 is
 * '/', ~0 is '~'; the text before the first '/' is ignored); array indexes
 * are strconv.Atoi numbers, negative ones count from the end, "-" appends
 * on add; `replace` of a member missing from an object sets it (the
 * leniency the seed's `replace /spec/nodeName` relies on) while a missing
 * array index fails; `replace` of "" replaces the whole document with an
 * object or array; `copy` of a missing member copies null; `test` treats a
 * missing member and null alike. Any failure is kube's 422 "the server
 * rejected our request due to an error in our request" (kube does not pass
 * the library's message on). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/alloc.h"
#include "codec/json.h"
#include "codec/jsonpatch.h"

#define APPLY_FAILED "the server rejected our request due to an error in our request"

/* ---- decoding (kjson.UnmarshalStrict into []handlers.jsonPatchOp) */

static int decode_error(kapi_rc *rc, char *err, size_t errlen, const char *what)
{
    *rc = KAPI_BAD_REQUEST;
    snprintf(err, errlen, "error decoding patch: %s", what);
    return -1;
}

static int check_operations(const cJSON *ops, kapi_rc *rc, char *err, size_t errlen)
{
    char msg[300];
    if (cJSON_IsNull(ops)) return 0;
    if (!cJSON_IsArray(ops)) {
        snprintf(msg, sizeof msg, "json: cannot unmarshal %s into Go value of type []handlers.jsonPatchOp", json_go_type_name(ops));
        return decode_error(rc, err, errlen, msg);
    }
    const cJSON *op;
    cJSON_ArrayForEach(op, ops) {
        if (cJSON_IsNull(op)) continue;
        if (!cJSON_IsObject(op)) {
            snprintf(msg, sizeof msg, "json: cannot unmarshal %s into Go value of type handlers.jsonPatchOp", json_go_type_name(op));
            return decode_error(rc, err, errlen, msg);
        }
        static const char *const strings[] = {"op", "path", "from"};
        for (int i = 0; i < 3; i++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(op, strings[i]);
            if (v && !cJSON_IsNull(v) && !cJSON_IsString(v)) {
                snprintf(msg, sizeof msg, "json: cannot unmarshal %s into Go struct field jsonPatchOp.%s of type string",
                         json_go_type_name(v), strings[i]);
                return decode_error(rc, err, errlen, msg);
            }
        }
    }
    int n = cJSON_GetArraySize(ops);
    if (n > JSON_PATCH_MAX_OPERATIONS) {
        *rc = KAPI_TOO_LARGE;
        snprintf(err, errlen, "Request entity too large: The allowed maximum operations in a JSON patch is %d, got %d",
                 JSON_PATCH_MAX_OPERATIONS, n);
        return -1;
    }
    return 0;
}

/* ---- JSON pointers and containers (findObject, partialDoc, partialArray) */

/* strconv.Atoi: an optional sign and decimal digits, nothing else. */
static int go_atoi(const char *s, long *out)
{
    const char *p = s;
    int neg = 0;
    if (*p == '+' || *p == '-') { neg = *p == '-'; p++; }
    if (!*p) return -1;
    long v = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9') return -1;
        if (v > 100000000L) return -1;   /* far beyond any array */
        v = v * 10 + (*p - '0');
    }
    *out = neg ? -v : v;
    return 0;
}

/* decodePatchKey: ~1 then ~0. Returns a new string the caller frees. */
static char *decode_key(const char *s, size_t n)
{
    char *out = kapi_xmalloc(n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '~' && i + 1 < n && s[i + 1] == '1') { out[o++] = '/'; i++; }
        else out[o++] = s[i];
    }
    out[o] = '\0';
    /* a second pass for ~0, as strings.Replace runs twice */
    size_t w = 0;
    for (size_t i = 0; i < o; i++) {
        if (out[i] == '~' && i + 1 < o && out[i + 1] == '0') { out[w++] = '~'; i++; }
        else out[w++] = out[i];
    }
    out[w] = '\0';
    return out;
}

/* An array index for get, set and remove: negatives count from the end. */
static int array_index(const cJSON *ary, const char *key, int allow_len, long *idx)
{
    long n = cJSON_GetArraySize(ary), i;
    if (go_atoi(key, &i)) return -1;
    long size = allow_len ? n + 1 : n;
    if (i >= size) return -1;
    if (i < 0) {
        if (i < -size) return -1;
        i += size;
    }
    *idx = i;
    return 0;
}

/* The member or element key names in con; NULL when absent or null. */
static cJSON *container_get(cJSON *con, const char *key, int *failed)
{
    *failed = 0;
    if (cJSON_IsObject(con)) {
        cJSON *v = cJSON_GetObjectItemCaseSensitive(con, key);
        return v && !cJSON_IsNull(v) ? v : NULL;
    }
    long idx;
    if (array_index(con, key, 0, &idx)) { *failed = 1; return NULL; }
    cJSON *v = cJSON_GetArrayItem(con, (int)idx);
    return v && !cJSON_IsNull(v) ? v : NULL;
}

/* findObject: the container holding the last token of path, and that token
 * (decoded, caller frees). NULL when the path does not lead anywhere. */
static cJSON *find_container(cJSON *root, const char *path, char **key_out)
{
    *key_out = NULL;
    const char *first = strchr(path, '/');
    if (!first) return NULL;
    const char *last = strrchr(path, '/');
    cJSON *doc = root;
    const char *p = first + 1;
    while (p <= last) {
        const char *slash = strchr(p, '/');
        if (!slash || slash > last) break;
        char *part = decode_key(p, (size_t)(slash - p));
        if (!part) return NULL;
        int failed;
        cJSON *next = container_get(doc, part, &failed);
        free(part);
        if (!next || failed || !(cJSON_IsObject(next) || cJSON_IsArray(next))) return NULL;
        doc = next;
        p = slash + 1;
    }
    *key_out = decode_key(last + 1, strlen(last + 1));
    return *key_out ? doc : NULL;
}

static int container_add(cJSON *con, const char *key, cJSON *val)
{
    if (cJSON_IsObject(con)) {
        if (cJSON_GetObjectItemCaseSensitive(con, key)) cJSON_ReplaceItemInObjectCaseSensitive(con, key, val);
        else cJSON_AddItemToObject(con, key, val);
        return 0;
    }
    if (!strcmp(key, "-")) { cJSON_AddItemToArray(con, val); return 0; }
    long idx;
    if (array_index(con, key, 1, &idx)) return -1;
    /* insert by moving the tail behind the new element (the system cJSON's
     * cJSON_InsertItemInArray cannot be relied on) */
    cJSON *tail = cJSON_CreateArray();
    if (!tail) return -1;
    while (cJSON_GetArraySize(con) > idx) {
        cJSON *last = cJSON_DetachItemFromArray(con, idx);
        cJSON_AddItemToArray(tail, last);
    }
    cJSON_AddItemToArray(con, val);
    while (tail->child) cJSON_AddItemToArray(con, cJSON_DetachItemFromArray(tail, 0));
    cJSON_Delete(tail);
    return 0;
}

static int container_remove(cJSON *con, const char *key)
{
    if (cJSON_IsObject(con)) {
        if (!cJSON_GetObjectItemCaseSensitive(con, key)) return -1;
        cJSON_DeleteItemFromObjectCaseSensitive(con, key);
        return 0;
    }
    long idx;
    if (array_index(con, key, 0, &idx)) return -1;
    cJSON_DeleteItemFromArray(con, (int)idx);
    return 0;
}

static int container_set(cJSON *con, const char *key, cJSON *val)
{
    if (cJSON_IsObject(con)) return container_add(con, key, val);
    long idx;
    if (array_index(con, key, 0, &idx)) return -1;
    return cJSON_ReplaceItemInArray(con, (int)idx, val) ? 0 : -1;
}

/* ---- the operations */

static const char *op_string(const cJSON *op, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(op, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The operation's value, copied; a missing value is null. */
static cJSON *op_value(const cJSON *op)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(op, "value");
    return v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull();
}

/* lazyNode.equal, where a missing member and null are the same */
static int values_equal(const cJSON *a, const cJSON *b)
{
    int na = !a || cJSON_IsNull(a), nb = !b || cJSON_IsNull(b);
    if (na || nb) return na && nb;
    if (cJSON_IsObject(a) != cJSON_IsObject(b) || cJSON_IsArray(a) != cJSON_IsArray(b)) return 0;
    if (cJSON_IsObject(a)) {
        if (cJSON_GetArraySize(a) != cJSON_GetArraySize(b)) return 0;
        const cJSON *m;
        cJSON_ArrayForEach(m, a) {
            const cJSON *o = cJSON_GetObjectItemCaseSensitive(b, m->string);
            if (!o || !values_equal(m, o)) return 0;
        }
        return 1;
    }
    if (cJSON_IsArray(a)) {
        if (cJSON_GetArraySize(a) != cJSON_GetArraySize(b)) return 0;
        for (const cJSON *x = a->child, *y = b->child; x && y; x = x->next, y = y->next)
            if (!values_equal(x, y)) return 0;
        return 1;
    }
    return cJSON_Compare(a, b, 1);
}

/* Applies one operation to *doc (which "replace" of "" may swap); 0 or -1. */
static int apply_one(cJSON **doc, const cJSON *op)
{
    const char *kind = cJSON_IsObject(op) ? op_string(op, "op") : NULL;
    const char *path = cJSON_IsObject(op) ? op_string(op, "path") : NULL;
    if (!kind || !path) return -1;
    char *key = NULL, *from_key = NULL;
    int rc = -1;
    if (!strcmp(kind, "test")) {
        const cJSON *want = cJSON_GetObjectItemCaseSensitive(op, "value");
        if (!*path) { rc = values_equal(*doc, want) ? 0 : -1; goto out; }
        cJSON *con = find_container(*doc, path, &key);
        if (!con) goto out;
        int failed;
        cJSON *have = container_get(con, key, &failed);
        rc = !failed && values_equal(have, want) ? 0 : -1;
    } else if (!strcmp(kind, "add")) {
        cJSON *con = find_container(*doc, path, &key);
        if (!con) goto out;
        cJSON *val = op_value(op);
        if (!val) goto out;
        if (container_add(con, key, val)) { cJSON_Delete(val); goto out; }
        rc = 0;
    } else if (!strcmp(kind, "remove")) {
        cJSON *con = find_container(*doc, path, &key);
        if (!con) goto out;
        rc = container_remove(con, key);
    } else if (!strcmp(kind, "replace")) {
        if (!*path) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(op, "value");
            if (!cJSON_IsObject(v) && !cJSON_IsArray(v)) goto out;
            cJSON *copy = cJSON_Duplicate(v, 1);
            if (!copy) goto out;
            cJSON_Delete(*doc);
            *doc = copy;
            rc = 0;
            goto out;
        }
        cJSON *con = find_container(*doc, path, &key);
        if (!con) goto out;
        int failed;
        container_get(con, key, &failed);   /* a missing object member is fine */
        if (failed) goto out;
        cJSON *val = op_value(op);
        if (!val) goto out;
        if (container_set(con, key, val)) { cJSON_Delete(val); goto out; }
        rc = 0;
    } else if (!strcmp(kind, "move") || !strcmp(kind, "copy")) {
        const char *from = op_string(op, "from");
        if (!from) goto out;
        cJSON *src = find_container(*doc, from, &from_key);
        if (!src) goto out;
        int failed;
        cJSON *val = container_get(src, from_key, &failed);
        if (failed) goto out;
        cJSON *moved = val ? cJSON_Duplicate(val, 1) : cJSON_CreateNull();
        if (!moved) goto out;
        if (!strcmp(kind, "move") && container_remove(src, from_key)) { cJSON_Delete(moved); goto out; }
        cJSON *con = find_container(*doc, path, &key);
        if (!con) { cJSON_Delete(moved); goto out; }
        if (container_add(con, key, moved)) { cJSON_Delete(moved); goto out; }
        rc = 0;
    }
out:
    free(key);
    free(from_key);
    return rc;
}

cJSON *json_patch_apply(const cJSON *doc, const char *patch, size_t len, kapi_rc *rc, char *err,
                        size_t errlen)
{
    char perr[512];
    cJSON *ops = json_parse_strict(patch ? patch : "", len, perr, sizeof perr);
    if (!ops) {
        decode_error(rc, err, errlen, perr);
        return NULL;
    }
    if (check_operations(ops, rc, err, errlen)) {
        cJSON_Delete(ops);
        return NULL;
    }
    cJSON *out = cJSON_Duplicate(doc, 1);
    if (!out) {
        cJSON_Delete(ops);
        *rc = KAPI_INTERNAL;
        snprintf(err, errlen, "Internal error occurred: out of memory");
        return NULL;
    }
    const cJSON *op, *list = cJSON_IsArray(ops) ? ops : NULL;
    cJSON_ArrayForEach(op, list) {
        if (apply_one(&out, op)) {
            cJSON_Delete(out);
            cJSON_Delete(ops);
            *rc = KAPI_INVALID;
            snprintf(err, errlen, "%s", APPLY_FAILED);
            return NULL;
        }
    }
    cJSON_Delete(ops);
    return out;
}

cJSON *json_merge_patch(cJSON *target, const cJSON *patch)
{
    if (!cJSON_IsObject(patch)) {
        cJSON_Delete(target);
        return cJSON_Duplicate(patch, 1);
    }
    if (!cJSON_IsObject(target)) {
        cJSON_Delete(target);
        target = cJSON_CreateObject();
        if (!target) return NULL;
    }
    for (const cJSON *p = patch->child; p; p = p->next) {
        if (cJSON_IsNull(p)) {
            cJSON_DeleteItemFromObjectCaseSensitive(target, p->string);
            continue;
        }
        cJSON *cur = cJSON_DetachItemFromObjectCaseSensitive(target, p->string);
        cJSON *merged = json_merge_patch(cur, p);
        if (merged) cJSON_AddItemToObject(target, p->string, merged);
    }
    return target;
}
