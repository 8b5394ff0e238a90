/* fieldset.c: field path sets and the typed operations of server-side apply
 * (see fieldset.h), after sigs.k8s.io/structured-merge-diff v4: fieldpath
 * (Set, PathElement order, FieldsV1 serialization), typed (ToFieldSet,
 * Compare, Merge, RemoveItems). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/alloc.h"
#include "core/goquote.h"
#include "core/kapi.h"
#include "schema/fieldset.h"
#include "schema/structural_nodes.h"

#define SELF "."

/* ---- types ------------------------------------------------------------ */

typedef enum ft_kind { FT_UNTYPED, FT_SCALAR, FT_STRUCT, FT_MAP, FT_LIST } ft_kind;

typedef struct ftype {
    const schema_value *v;   /* a built-in value type, or NULL */
    const schema_field *f;   /* the field it is the type of (list and map semantics), or NULL */
    const snode *s;          /* a structural schema node, or NULL */
    int root;                /* a custom resource's root: metadata is ObjectMeta */
} ftype;

static const ftype untyped = {0};

static ft_kind ft_kind_of(const ftype *t)
{
    if (t->v) {
        switch (t->v->kind) {
        case SV_OBJECT: return FT_STRUCT;
        case SV_MAP: return FT_MAP;
        case SV_ARRAY: return FT_LIST;
        default: return FT_SCALAR;
        }
    }
    if (!t->s) return FT_UNTYPED;
    if (!strcmp(sn_type(t->s), "array")) return FT_LIST;
    if (!strcmp(sn_type(t->s), "object")) {
        if (sn_nprops(t->s) || t->root) return FT_STRUCT;
        if (sn_additional(t->s)) return FT_MAP;
        return FT_UNTYPED;
    }
    if (sn_int_or_string(t->s) || sn_type(t->s)[0]) return FT_SCALAR;
    return sn_preserve_unknown(t->s) ? FT_UNTYPED : FT_SCALAR;
}

static int ft_atomic_map(const ftype *t)
{
    if (t->v) {
        if (t->v->kind == SV_OBJECT) return t->v->type && (t->v->type->flags & ST_ATOMIC);
        return t->f && (t->f->flags & SF_MAP_ATOMIC);
    }
    if (t->s) return sn_map_atomic(t->s);
    return 0;
}

/* A member's type; *declared: a struct's own field (not a map key). */
static ftype ft_child(const ftype *t, const char *key, int *declared)
{
    ftype c = untyped;
    *declared = 0;
    if (t->v && t->v->kind == SV_OBJECT && t->v->type) {
        const schema_field *f = schema_field_named(t->v->type, key);
        if (f) { c.v = &f->value; c.f = f; *declared = 1; }
        return c;
    }
    if (t->v && t->v->kind == SV_MAP) { c.v = t->v->elem; return c; }
    if (t->s) {
        if (t->root && !strcmp(key, "metadata")) {
            static schema_value meta = {.kind = SV_OBJECT};
            if (!meta.type) meta.type = schema_type_named("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
            c.v = &meta;
            *declared = 1;
            return c;
        }
        if (t->root && (!strcmp(key, "apiVersion") || !strcmp(key, "kind"))) {
            static const schema_value str = {.kind = SV_STRING};
            c.v = &str;
            *declared = 1;
            return c;
        }
        const snode *p = sn_property(t->s, key);
        if (p) { c.s = p; *declared = 1; return c; }
        c.s = sn_additional(t->s);
    }
    return c;
}

static ftype ft_elem(const ftype *t)
{
    ftype c = untyped;
    if (t->v) c.v = t->v->elem;
    else if (t->s) c.s = sn_items(t->s);
    return c;
}

/* A list's semantics; for a map, its keys (NULL-terminated, at most 8). */
static schema_list_type ft_list(const ftype *t, const char *keys[9])
{
    keys[0] = NULL;
    if (t->v && t->f) {
        const schema_field *f = t->f;
        schema_list_type lt = f->list_type;
        int scalar = f->value.elem && f->value.elem->kind != SV_OBJECT;
        if (lt == LIST_NONE && f->patch_strategy && strstr(f->patch_strategy, "merge"))
            lt = f->patch_merge_key ? LIST_MAP : scalar ? LIST_SET : LIST_ATOMIC;
        if (lt == LIST_MAP) {
            int n = 0;
            if (f->list_map_keys)
                for (; f->list_map_keys[n] && n < 8; n++) keys[n] = f->list_map_keys[n];
            else if (f->patch_merge_key)
                keys[n++] = f->patch_merge_key;
            keys[n] = NULL;
        }
        return lt == LIST_NONE ? LIST_ATOMIC : lt;
    }
    if (t->s) {
        if (sn_list_type(t->s) == 1) return LIST_SET;
        if (sn_list_type(t->s) == 2) {
            int n = 0;
            const cJSON *k;
            cJSON_ArrayForEach(k, sn_list_map_keys(t->s))
                if (cJSON_IsString(k) && n < 8) keys[n++] = k->valuestring;
            keys[n] = NULL;
            return LIST_MAP;
        }
    }
    return LIST_ATOMIC;
}

/* A list-map key's default from the element's schema (protocol: "TCP"),
 * or NULL; caller frees. */
static cJSON *ft_key_default(const ftype *elem, const char *key)
{
    int declared;
    ftype k = ft_child(elem, key, &declared);
    if (k.f && k.f->default_json) return cJSON_Parse(k.f->default_json);
    if (k.s && sn_default(k.s)) return cJSON_Duplicate(sn_default(k.s), 1);
    return NULL;
}

/* ---- path elements ---------------------------------------------------- */

static int pe_rank(const char *pe)
{
    switch (pe[0]) {
    case 'f': return 0;
    case 'k': return 1;
    case 'v': return 2;
    default: return 3;
    }
}

static int json_type_rank(const cJSON *v)
{
    if (cJSON_IsNull(v)) return 0;
    if (cJSON_IsBool(v)) return 1;
    if (cJSON_IsNumber(v)) return 2;
    if (cJSON_IsString(v)) return 3;
    if (cJSON_IsArray(v)) return 4;
    return 5;
}

/* structured-merge-diff's value.Compare, for the scalars keys and sets hold */
static int value_compare(const cJSON *a, const cJSON *b)
{
    int ra = json_type_rank(a), rb = json_type_rank(b);
    if (ra != rb) return ra - rb;
    if (cJSON_IsNumber(a)) return a->valuedouble < b->valuedouble ? -1 : a->valuedouble > b->valuedouble;
    if (cJSON_IsString(a)) return strcmp(a->valuestring, b->valuestring);
    if (cJSON_IsBool(a)) return cJSON_IsTrue(a) - cJSON_IsTrue(b);
    char *sa = cJSON_PrintUnformatted(a), *sb = cJSON_PrintUnformatted(b);
    int c = strcmp(sa ? sa : "", sb ? sb : "");
    free(sa);
    free(sb);
    return c;
}

/* PathElement.Compare over the element strings */
static int pe_compare(const char *a, const char *b)
{
    int ra = pe_rank(a), rb = pe_rank(b);
    if (ra != rb) return ra - rb;
    if (ra == 0) return strcmp(a + 2, b + 2);
    if (ra == 3) {
        long ia = strtol(a + 2, NULL, 10), ib = strtol(b + 2, NULL, 10);
        return ia < ib ? -1 : ia > ib;
    }
    cJSON *ja = cJSON_Parse(a + 2), *jb = cJSON_Parse(b + 2);
    int c = 0;
    if (ra == 2) {
        c = value_compare(ja, jb);
    } else {
        /* FieldList.Compare: names, then values, field by field */
        const cJSON *x = ja ? ja->child : NULL, *y = jb ? jb->child : NULL;
        for (; !c; x = x->next, y = y->next) {
            if (!x || !y) { c = !x && !y ? 0 : !x ? -1 : 1; break; }
            c = strcmp(x->string, y->string);
            if (!c) c = value_compare(x, y);
        }
    }
    cJSON_Delete(ja);
    cJSON_Delete(jb);
    return c;
}

static int cmp_members(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    return pe_compare(x->string, y->string);
}

static int cmp_member_names(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    return strcmp(x->string, y->string);
}

/* "v:<json>" for a set element (caller frees) */
static char *pe_value(const cJSON *v)
{
    char *j = cJSON_PrintUnformatted(v);
    char *pe = kapi_xsprintf("v:%s", j ? j : "null");
    free(j);
    return pe;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "k:{...}" for a list-map element: its keys sorted by name, absent ones
 * from their defaults; NULL when a key has neither (caller frees). */
static char *pe_key(const cJSON *item, const char *const *keys, const ftype *elem)
{
    if (!cJSON_IsObject(item)) return NULL;
    const char *sorted[9];
    int n = 0;
    for (; keys[n]; n++) sorted[n] = keys[n];
    qsort(sorted, (size_t)n, sizeof *sorted, cmp_names);
    cJSON *k = cJSON_CreateObject();
    for (int i = 0; i < n; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(item, sorted[i]);
        cJSON *dv = v ? cJSON_Duplicate(v, 1) : ft_key_default(elem, sorted[i]);
        if (!dv) { cJSON_Delete(k); return NULL; }
        cJSON_AddItemToObject(k, sorted[i], dv);
    }
    char *j = cJSON_PrintUnformatted(k);
    cJSON_Delete(k);
    char *pe = kapi_xsprintf("k:%s", j);
    free(j);
    return pe;
}

/* The path element of a list's i-th item, or NULL when the list is atomic
 * or the item has no key (caller frees). */
static char *pe_item(const cJSON *item, int i, schema_list_type lt, const char *const *keys, const ftype *elem)
{
    if (lt == LIST_SET) return pe_value(item);
    if (lt == LIST_MAP) {
        if (!keys[0]) return cJSON_IsObject(item) ? kapi_xsprintf("i:%d", i) : pe_value(item);
        return pe_key(item, keys, elem);
    }
    return NULL;
}

/* Path.String() of one element, appended to b */
static void pe_string(kapi_buf *b, const char *pe)
{
    if (pe[0] == 'f') {
        kapi_buf_printf(b, ".%s", pe + 2);
        return;
    }
    if (pe[0] == 'i') {
        kapi_buf_printf(b, "[%s]", pe + 2);
        return;
    }
    cJSON *j = cJSON_Parse(pe + 2);
    kapi_buf_putc(b, '[');
    if (pe[0] == 'v') kapi_buf_putc(b, '=');
    const cJSON *kv = pe[0] == 'k' && j ? j->child : j;
    for (int first = 1; kv; kv = pe[0] == 'k' ? kv->next : NULL, first = 0) {
        if (!first) kapi_buf_putc(b, ',');
        if (pe[0] == 'k') kapi_buf_printf(b, "%s=", kv->string);
        if (cJSON_IsString(kv)) {
            go_quote(b, kv->valuestring);
        } else {
            char *s = cJSON_PrintUnformatted(kv);
            kapi_buf_printf(b, "%s", s ? s : "");
            free(s);
        }
    }
    kapi_buf_putc(b, ']');
    cJSON_Delete(j);
}

/* ---- sets -------------------------------------------------------------- */

cJSON *fieldset_new(void)
{
    return cJSON_CreateObject();
}

static cJSON *child_node(cJSON *node, const char *pe)
{
    cJSON *c = cJSON_GetObjectItemCaseSensitive(node, pe);
    if (!c) c = cJSON_AddObjectToObject(node, pe);
    return c;
}

static void mark(cJSON *node)
{
    if (!cJSON_GetObjectItemCaseSensitive(node, SELF)) cJSON_AddObjectToObject(node, SELF);
}

static int is_member(const cJSON *node)
{
    return cJSON_GetObjectItemCaseSensitive(node, SELF) != NULL;
}

int fieldset_empty(const cJSON *set)
{
    return !set || !set->child;
}

/* drops empty children (bottom up) */
static void prune_empty(cJSON *node)
{
    cJSON *c = node->child;
    while (c) {
        cJSON *next = c->next;
        if (strcmp(c->string, SELF)) {
            prune_empty(c);
            if (!c->child) cJSON_Delete(cJSON_DetachItemViaPointer(node, c));
        }
        c = next;
    }
}

static int decode_node(const cJSON *in, cJSON *out, int depth, char *err, size_t errlen)
{
    if (depth > 100) { snprintf(err, errlen, "field set nested too deeply"); return -1; }
    const cJSON *c;
    cJSON_ArrayForEach(c, in) {
        if (!cJSON_IsObject(c)) {
            snprintf(err, errlen, "expected an object for %s", c->string);
            return -1;
        }
        if (!strcmp(c->string, SELF)) {
            if (depth) mark(out);
            continue;
        }
        const char *k = c->string;
        char *pe = NULL;
        if ((k[0] == 'k' || k[0] == 'v') && k[1] == ':') {
            cJSON *j = cJSON_Parse(k + 2);
            if (!j || (k[0] == 'k' && !cJSON_IsObject(j))) {
                cJSON_Delete(j);
                snprintf(err, errlen, "parsing JSON: %.200s", k);
                return -1;
            }
            if (k[0] == 'k') {
                /* canonical: names sorted */
                int n = cJSON_GetArraySize(j);
                const cJSON **m = kapi_xmalloc(sizeof *m * (size_t)(n ? n : 1));
                int i = 0;
                for (const cJSON *x = j->child; x; x = x->next) m[i++] = x;
                qsort(m, (size_t)n, sizeof *m, cmp_member_names);
                cJSON *s = cJSON_CreateObject();
                for (i = 0; i < n; i++) cJSON_AddItemToObject(s, m[i]->string, cJSON_Duplicate(m[i], 1));
                free(m);
                char *t = cJSON_PrintUnformatted(s);
                pe = kapi_xsprintf("k:%s", t);
                free(t);
                cJSON_Delete(s);
            } else {
                pe = pe_value(j);
            }
            cJSON_Delete(j);
        } else if ((k[0] == 'f' || k[0] == 'i') && k[1] == ':') {
            pe = kapi_xstrdup(k);
        } else {
            snprintf(err, errlen, "unexpected path element %.200s", k);
            return -1;
        }
        cJSON *child = child_node(out, pe);
        free(pe);
        if (!c->child) mark(child);
        else if (decode_node(c, child, depth + 1, err, errlen)) return -1;
    }
    return 0;
}

cJSON *fieldset_decode(const cJSON *fields_v1, char *err, size_t errlen)
{
    if (!cJSON_IsObject(fields_v1)) {
        snprintf(err, errlen, "FieldsV1 must be an object");
        return NULL;
    }
    cJSON *set = fieldset_new();
    if (decode_node(fields_v1, set, 0, err, errlen)) {
        cJSON_Delete(set);
        return NULL;
    }
    prune_empty(set);
    return set;
}

static cJSON *encode_node(const cJSON *node, int include_self)
{
    cJSON *out = cJSON_CreateObject();
    int n = 0;
    for (const cJSON *c = node->child; c; c = c->next) n += strcmp(c->string, SELF) != 0;
    if (include_self && n) cJSON_AddObjectToObject(out, SELF);
    if (!n) return out;
    const cJSON **m = kapi_xmalloc(sizeof *m * (size_t)n);
    int i = 0;
    for (const cJSON *c = node->child; c; c = c->next)
        if (strcmp(c->string, SELF)) m[i++] = c;
    qsort(m, (size_t)n, sizeof *m, cmp_members);
    for (i = 0; i < n; i++) cJSON_AddItemToObject(out, m[i]->string, encode_node(m[i], is_member(m[i])));
    free(m);
    return out;
}

cJSON *fieldset_encode(const cJSON *set)
{
    return encode_node(set, 0);
}

void fieldset_union(cJSON *a, const cJSON *b)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, b) {
        if (!strcmp(c->string, SELF)) { mark(a); continue; }
        fieldset_union(child_node(a, c->string), c);
    }
}

/* a's paths that are (op 0) not in b, (op 1) also in b */
static void set_op(const cJSON *a, const cJSON *b, cJSON *out, int op)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, a) {
        const cJSON *bc = b ? cJSON_GetObjectItemCaseSensitive(b, c->string) : NULL;
        if (!strcmp(c->string, SELF)) {
            if ((bc != NULL) == op) mark(out);
            continue;
        }
        if (op && !bc) continue;
        cJSON *o = cJSON_AddObjectToObject(out, c->string);
        set_op(c, bc, o, op);
        if (!o->child) cJSON_Delete(cJSON_DetachItemViaPointer(out, o));
    }
}

cJSON *fieldset_difference(const cJSON *a, const cJSON *b)
{
    cJSON *out = fieldset_new();
    if (a) set_op(a, b, out, 0);
    return out;
}

cJSON *fieldset_intersection(const cJSON *a, const cJSON *b)
{
    cJSON *out = fieldset_new();
    if (a && b) set_op(a, b, out, 1);
    return out;
}

static void each_path(const cJSON *node, kapi_buf *prefix, void (*fn)(void *, const char *), void *arg)
{
    int n = 0;
    for (const cJSON *c = node->child; c; c = c->next) n += strcmp(c->string, SELF) != 0;
    if (!n) return;
    const cJSON **m = kapi_xmalloc(sizeof *m * (size_t)n);
    int i = 0;
    for (const cJSON *c = node->child; c; c = c->next)
        if (strcmp(c->string, SELF)) m[i++] = c;
    qsort(m, (size_t)n, sizeof *m, cmp_members);
    size_t len = prefix->len;
    /* Set.Iterate: the members, then the children's paths */
    for (int pass = 0; pass < 2; pass++)
        for (i = 0; i < n; i++) {
            int has_children = m[i]->child && (strcmp(m[i]->child->string, SELF) || m[i]->child->next);
            if (pass == 0 ? !is_member(m[i]) : !has_children) continue;
            pe_string(prefix, m[i]->string);
            if (pass == 0) fn(arg, prefix->data);
            else each_path(m[i], prefix, fn, arg);
            prefix->len = len;
            prefix->data[len] = '\0';
        }
    free(m);
}

void fieldset_each_path(const cJSON *set, void (*fn)(void *arg, const char *path), void *arg)
{
    kapi_buf b;
    kapi_buf_init(&b);
    kapi_buf_putc(&b, '\0');
    b.len = 0;
    each_path(set, &b, fn, arg);
    kapi_buf_free(&b);
}

/* ---- typed operations -------------------------------------------------- */

static ftype root_type(const fieldset_schema *sc)
{
    ftype t = untyped;
    if (sc && sc->builtin) {
        static _Thread_local schema_value v;
        v.kind = SV_OBJECT;
        v.type = sc->builtin;
        v.elem = NULL;
        t.v = &v;
    } else if (sc && sc->crd) {
        t.s = sn_root(sc->crd);
        t.root = 1;
    }
    return t;
}

/* How a value is walked: by its type where the JSON agrees with it. */
static ft_kind walk_kind(const ftype *t, const cJSON *v)
{
    ft_kind k = ft_kind_of(t);
    if (cJSON_IsObject(v)) return k == FT_STRUCT || k == FT_MAP || k == FT_UNTYPED ? k : FT_SCALAR;
    if (cJSON_IsArray(v)) return k == FT_LIST ? FT_LIST : FT_SCALAR;   /* untyped lists are atomic */
    return FT_SCALAR;
}

static void of_value(const cJSON *v, const ftype *t, cJSON *node)
{
    ft_kind k = walk_kind(t, v);
    if (k == FT_SCALAR) { mark(node); return; }
    if (k == FT_LIST) {
        const char *keys[9];
        schema_list_type lt = ft_list(t, keys);
        if (lt == LIST_ATOMIC) { mark(node); return; }
        ftype et = ft_elem(t);
        int i = 0;
        const cJSON *item;
        cJSON_ArrayForEach(item, v) {
            char *pe = pe_item(item, i++, lt, keys, &et);
            if (!pe) continue;
            cJSON *c = child_node(node, pe);
            free(pe);
            of_value(item, &et, c);
            mark(c);
        }
        return;
    }
    if (k != FT_UNTYPED && ft_atomic_map(t)) { mark(node); return; }
    const cJSON *m;
    cJSON_ArrayForEach(m, v) {
        int declared;
        ftype ct = ft_child(t, m->string, &declared);
        char *pe = kapi_xsprintf("f:%s", m->string);
        cJSON *c = child_node(node, pe);
        free(pe);
        of_value(m, &ct, c);
        if (cJSON_IsNull(m) || (cJSON_IsObject(m) && !m->child) || !declared) mark(c);
    }
}

cJSON *fieldset_of(const cJSON *obj, const fieldset_schema *sc)
{
    cJSON *set = fieldset_new();
    ftype t = root_type(sc);
    if (cJSON_IsObject(obj)) of_value(obj, &t, set);
    cJSON_DeleteItemFromObjectCaseSensitive(set, SELF);
    prune_empty(set);
    return set;
}

/* the item of a list whose path element is pe, or NULL */
static cJSON *find_item(const cJSON *list, const char *pe, schema_list_type lt, const char *const *keys,
                        const ftype *et, int *index)
{
    int i = 0;
    cJSON *item;
    cJSON_ArrayForEach(item, list) {
        char *p = pe_item(item, i, lt, keys, et);
        int hit = p && !strcmp(p, pe);
        free(p);
        if (hit) {
            if (index) *index = i;
            return item;
        }
        i++;
    }
    return NULL;
}

/* a list or map that merges item by item (not atomic) */
static int granular(const ftype *t, ft_kind k)
{
    if (k == FT_LIST) {
        const char *keys[9];
        return ft_list(t, keys) != LIST_ATOMIC;
    }
    return k == FT_UNTYPED || ((k == FT_STRUCT || k == FT_MAP) && !ft_atomic_map(t));
}

/* One walk of n against o: (added) n's paths that o lacks, an added member
 * with everything it sets (o null counts as an empty list or map); or (not
 * added) the leaves of both whose values differ. */
static void diff_walk(const cJSON *o, const cJSON *n, const ftype *t, cJSON *node, int added)
{
    ft_kind k = walk_kind(t, n), ok = walk_kind(t, o);
    if (added) {
        if (!granular(t, k) || (!cJSON_IsNull(o) && ok != k)) return;
    } else {
        if ((cJSON_IsNull(o) && granular(t, k)) || (cJSON_IsNull(n) && granular(t, ok))) return;
        if (k != ok || !granular(t, k)) {
            if (!cJSON_Compare(o, n, 1)) mark(node);
            return;
        }
    }
    const char *keys[9];
    schema_list_type lt = LIST_ATOMIC;
    ftype et = untyped;
    if (k == FT_LIST) {
        lt = ft_list(t, keys);
        et = ft_elem(t);
    }
    int i = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, n) {
        ftype ct = et;
        const cJSON *om;
        char *pe;
        if (k == FT_LIST) {
            if (!(pe = pe_item(m, i++, lt, keys, &et))) continue;
            om = cJSON_IsArray(o) ? find_item(o, pe, lt, keys, &et, NULL) : NULL;
        } else {
            int declared;
            ct = ft_child(t, m->string, &declared);
            pe = kapi_xsprintf("f:%s", m->string);
            om = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, m->string) : NULL;
        }
        if (om) {
            diff_walk(om, m, &ct, child_node(node, pe), added);
        } else if (added) {
            cJSON *c = child_node(node, pe);
            of_value(m, &ct, c);
            mark(c);
        }
        free(pe);
    }
}

static void finish(cJSON *set)
{
    cJSON_DeleteItemFromObjectCaseSensitive(set, SELF);
    prune_empty(set);
}

void fieldset_compare(const cJSON *old, const cJSON *new_, const fieldset_schema *sc, cJSON **added,
                      cJSON **removed, cJSON **modified)
{
    ftype t = root_type(sc);
    cJSON *empty = cJSON_CreateObject();
    const cJSON *o = cJSON_IsObject(old) ? old : empty, *n = cJSON_IsObject(new_) ? new_ : empty;
    *added = fieldset_new();
    *removed = fieldset_new();
    *modified = fieldset_new();
    diff_walk(o, n, &t, *added, 1);
    diff_walk(n, o, &t, *removed, 1);
    diff_walk(o, n, &t, *modified, 0);
    finish(*added);
    finish(*removed);
    finish(*modified);
    cJSON_Delete(empty);
}

/* Go's zero value of a type as encoding/json writes it: structs always,
 * fields without omitempty (nil slices and maps as null) */
static cJSON *zero_of(const schema_type *t, int depth)
{
    cJSON *o = cJSON_CreateObject();
    if (!t || depth > 20) return o;
    for (int i = 0; i < t->n_fields; i++) {
        const schema_field *f = &t->fields[i];
        if (f->flags & SF_INLINE) {
            cJSON *in = zero_of(f->value.type, depth + 1);
            cJSON *m;
            while ((m = in->child)) cJSON_AddItemToObject(o, m->string, cJSON_DetachItemViaPointer(in, m));
            cJSON_Delete(in);
            continue;
        }
        if (f->flags & SF_POINTER) continue;
        if (f->value.kind == SV_TIME) {   /* a struct: omitempty does not omit it */
            cJSON_AddNullToObject(o, f->name);
            continue;
        }
        if (f->value.kind == SV_OBJECT) {
            cJSON_AddItemToObject(o, f->name, zero_of(f->value.type, depth + 1));
            continue;
        }
        if (f->flags & SF_OMITEMPTY) continue;
        switch (f->value.kind) {
        case SV_STRING: case SV_BYTES: case SV_QUANTITY: case SV_DURATION:
            cJSON_AddStringToObject(o, f->name, "");
            break;
        case SV_BOOL: cJSON_AddFalseToObject(o, f->name); break;
        case SV_INT32: case SV_INT64: case SV_DOUBLE: case SV_INT_OR_STRING:
            cJSON_AddNumberToObject(o, f->name, 0);
            break;
        default: cJSON_AddNullToObject(o, f->name); break;
        }
    }
    return o;
}

cJSON *fieldset_zero(const fieldset_schema *sc)
{
    return zero_of(sc ? sc->builtin : NULL, 0);
}

static cJSON *merge_value(const cJSON *l, const cJSON *r, const ftype *t);

typedef struct pe_list {
    char **pe;
    const cJSON **item;
    int n;
} pe_list;

static pe_list index_items(const cJSON *list, schema_list_type lt, const char *const *keys, const ftype *et)
{
    pe_list p = {0};
    int n = cJSON_GetArraySize(list);
    p.pe = kapi_xcalloc((size_t)(n ? n : 1), sizeof *p.pe);
    p.item = kapi_xcalloc((size_t)(n ? n : 1), sizeof *p.item);
    const cJSON *item;
    cJSON_ArrayForEach(item, list) {
        p.pe[p.n] = pe_item(item, p.n, lt, keys, et);
        if (!p.pe[p.n]) p.pe[p.n] = kapi_xsprintf("i:%d", p.n);
        p.item[p.n++] = item;
    }
    return p;
}

static void pe_list_free(pe_list *p)
{
    for (int i = 0; i < p->n; i++) free(p->pe[i]);
    free(p->pe);
    free(p->item);
}

static const cJSON *pe_find(const pe_list *p, const char *pe)
{
    for (int i = 0; i < p->n; i++)
        if (!strcmp(p->pe[i], pe)) return p->item[i];
    return NULL;
}

static int pe_in(char **done, int n, const char *pe)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(done[i], pe)) return 1;
    return 0;
}

/* mergingWalker.visitListItems: rhs's order, with lhs-only items kept where
 * they were */
static cJSON *merge_list(const cJSON *l, const cJSON *r, const ftype *t, schema_list_type lt, const char *const *keys)
{
    ftype et = ft_elem(t);
    pe_list lp = index_items(l, lt, keys, &et), rp = index_items(r, lt, keys, &et);
    cJSON *out = cJSON_CreateArray();
    char **merged = kapi_xcalloc((size_t)(rp.n + 1), sizeof *merged);
    int nmerged = 0;
    /* the shared items, in rhs's order */
    int *shared = kapi_xcalloc((size_t)(rp.n + 1), sizeof *shared);
    int nshared = 0, si = 0;
    for (int i = 0; i < rp.n; i++)
        if (pe_find(&lp, rp.pe[i])) shared[nshared++] = i;
    const char *next_shared = si < nshared ? rp.pe[shared[si++]] : NULL;
    for (int li = 0, ri = 0; li < lp.n || ri < rp.n;) {
        if (li < lp.n && ri < rp.n) {
            if (!strcmp(lp.pe[li], rp.pe[ri])) {
                merged[nmerged++] = rp.pe[ri];
                cJSON_AddItemToArray(out, merge_value(lp.item[li], rp.item[ri], &et));
                li++, ri++;
                next_shared = si < nshared ? rp.pe[shared[si++]] : NULL;
                continue;
            }
            if (pe_find(&rp, lp.pe[li]) && next_shared && strcmp(next_shared, lp.pe[li])) {
                li++;
                continue;
            }
        }
        if (li < lp.n) {
            if (!pe_find(&rp, lp.pe[li])) {
                cJSON_AddItemToArray(out, cJSON_Duplicate(lp.item[li], 1));
                li++;
                continue;
            }
            if (pe_in(merged, nmerged, lp.pe[li])) {
                li++;
                continue;
            }
        }
        if (ri < rp.n) {
            const char *pe = rp.pe[ri];
            if (!pe_in(merged, nmerged, pe)) {
                merged[nmerged++] = rp.pe[ri];
                cJSON_AddItemToArray(out, merge_value(pe_find(&lp, pe), rp.item[ri], &et));
            }
            ri++;
            if (next_shared && !strcmp(next_shared, pe))
                next_shared = si < nshared ? rp.pe[shared[si++]] : NULL;
        }
    }
    free(shared);
    free(merged);
    pe_list_free(&lp);
    pe_list_free(&rp);
    return out;
}

static cJSON *merge_value(const cJSON *l, const cJSON *r, const ftype *t)
{
    if (!l || !r) return cJSON_Duplicate(l ? l : r, 1);
    ft_kind k = walk_kind(t, r);
    if (k != walk_kind(t, l) || k == FT_SCALAR || (k != FT_LIST && k != FT_UNTYPED && ft_atomic_map(t)))
        return cJSON_Duplicate(r, 1);
    if (k == FT_LIST) {
        const char *keys[9];
        schema_list_type lt = ft_list(t, keys);
        if (lt == LIST_ATOMIC) return cJSON_Duplicate(r, 1);
        return merge_list(l, r, t, lt, keys);
    }
    cJSON *out = cJSON_Duplicate(l, 1);
    const cJSON *m;
    cJSON_ArrayForEach(m, r) {
        int declared;
        ftype ct = ft_child(t, m->string, &declared);
        const cJSON *lm = cJSON_GetObjectItemCaseSensitive(l, m->string);
        cJSON *v = merge_value(lm, m, &ct);
        if (lm) cJSON_ReplaceItemInObjectCaseSensitive(out, m->string, v);
        else cJSON_AddItemToObject(out, m->string, v);
    }
    return out;
}

cJSON *fieldset_merge(const cJSON *live, const cJSON *config, const fieldset_schema *sc)
{
    ftype t = root_type(sc);
    return merge_value(live, config, &t);
}

static int owns_any(const cJSON *owned)
{
    return owned && owned->child;
}

static void remove_walk(cJSON *v, const cJSON *remove, const cJSON *owned, const ftype *t)
{
    ft_kind k = walk_kind(t, v);
    const char *keys[9];
    schema_list_type lt = LIST_ATOMIC;
    ftype et = untyped;
    if (k == FT_LIST) {
        lt = ft_list(t, keys);
        if (lt == LIST_ATOMIC) return;
        et = ft_elem(t);
    } else if (k == FT_SCALAR) {
        return;
    }
    const cJSON *c;
    cJSON_ArrayForEach(c, remove) {
        if (!strcmp(c->string, SELF)) continue;
        const cJSON *oc = owned ? cJSON_GetObjectItemCaseSensitive(owned, c->string) : NULL;
        cJSON *item;
        ftype ct;
        int index = -1;
        if (k == FT_LIST) {
            item = find_item(v, c->string, lt, keys, &et, &index);
            ct = et;
        } else {
            if (strncmp(c->string, "f:", 2)) continue;
            item = cJSON_GetObjectItemCaseSensitive(v, c->string + 2);
            int declared;
            ct = ft_child(t, c->string + 2, &declared);
        }
        if (!item) continue;
        int drop = is_member(c) && !owns_any(oc);
        if (!drop) {
            remove_walk(item, c, oc, &ct);
            drop = (cJSON_IsObject(item) || cJSON_IsArray(item)) && !item->child && !owns_any(oc) &&
                   c->child && strcmp(c->child->string, SELF);
        }
        if (drop) cJSON_Delete(cJSON_DetachItemViaPointer(v, item));
    }
}

void fieldset_remove(cJSON *obj, const cJSON *remove, const cJSON *owned, const fieldset_schema *sc)
{
    ftype t = root_type(sc);
    if (cJSON_IsObject(obj) && remove) remove_walk(obj, remove, owned, &t);
}
