/* pod_diff.c: cmp.Diff(oldPod.Spec, newPod.Spec) as github.com/google/go-cmp
 * prints it in kube's "pod updates may not change fields other than ..."
 * error: Go field names in core.PodSpec order (both from the field schema:
 * schema_type.internal_fields, schema_field.go_name), runs of identical fields
 * summarised ("... // 9 identical fields") with two records of context,
 * changed leaves shown as a "-" and a "+" line, changed structs, lists and
 * maps opened up, values printed the way cmp prints Go values ("", nil, &{},
 * &30, {Name: "x"}, []core.Toleration{...}). The structure follows go-cmp's
 * report (report_compare.go, report_reflect.go, report_text.go) closely; the
 * bytes are not guaranteed identical (cmp randomises its own whitespace).
 *
 * Memory: every node lives in one kapi_pool freed before returning. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/alloc.h"
#include "core/goquote.h"
#include "core/kapi.h"
#include "codec/quantity.h"
#include "registry/kinds/pod_internal.h"
#include "schema/schema.h"
#include "schema/schema_equal.h"

/* ---- values as the diff sees them: a schema field of kube's internal type
 * reduced to how cmp prints it */

typedef enum dkind {
    PK_STRING, PK_BOOL, PK_INT32, PK_INT64,
    PK_PSTRING, PK_PBOOL, PK_PINT32, PK_PINT64,   /* pointers: nil differs from zero */
    PK_STRUCT,        /* a struct value (JSON object) */
    PK_PSTRUCT,       /* a pointer to a struct */
    PK_INLINE,        /* an embedded struct whose fields sit in the parent's JSON object */
    PK_LIST_STRUCT, PK_LIST_STRING, PK_LIST_INT64,
    PK_MAP_STRING,    /* map[string]string */
    PK_RESOURCE_LIST, /* map[ResourceName]resource.Quantity */
    PK_QUANTITY, PK_PQUANTITY,
    PK_INT_OR_STRING,
    PK_TIME, PK_PTIME, /* metav1.Time (RFC 3339 string) */
    PK_ANY            /* raw JSON (RawExtension) */
} dkind;

typedef struct dfield {
    const char *go;                 /* the Go field name ("" for elements) */
    const char *json;               /* its JSON name */
    dkind kind;
    const schema_type *type;        /* struct kinds and lists of structs */
    const schema_value *value;      /* for semantic equality */
    unsigned flags;                 /* SF_* of the field (0 for elements) */
} dfield;

static dkind kind_of(const schema_value *v, unsigned flags)
{
    int ptr = (flags & SF_POINTER) && !(flags & SF_INTERNAL_VALUE);
    if (flags & SF_INLINE) return PK_INLINE;
    switch (v->kind) {
    case SV_STRING: case SV_BYTES: case SV_DURATION: return ptr ? PK_PSTRING : PK_STRING;
    case SV_BOOL: return ptr ? PK_PBOOL : PK_BOOL;
    case SV_INT32: return ptr ? PK_PINT32 : PK_INT32;
    case SV_INT64: case SV_DOUBLE: return ptr ? PK_PINT64 : PK_INT64;
    case SV_TIME: case SV_MICROTIME: return ptr ? PK_PTIME : PK_TIME;
    case SV_QUANTITY: return ptr ? PK_PQUANTITY : PK_QUANTITY;
    case SV_INT_OR_STRING: return PK_INT_OR_STRING;
    case SV_OBJECT: return ptr ? PK_PSTRUCT : PK_STRUCT;
    case SV_ARRAY:
        if (v->elem->kind == SV_OBJECT) return PK_LIST_STRUCT;
        if (v->elem->kind == SV_INT32 || v->elem->kind == SV_INT64) return PK_LIST_INT64;
        return PK_LIST_STRING;
    case SV_MAP: return v->elem->kind == SV_QUANTITY ? PK_RESOURCE_LIST : PK_MAP_STRING;
    default: return PK_ANY;
    }
}

static dfield field_of(const schema_field *f)
{
    return (dfield){f->go_name, f->name, kind_of(&f->value, f->flags),
                    f->value.kind == SV_ARRAY ? f->value.elem->type : f->value.type, &f->value, f->flags};
}

/* A list element or map value of f. */
static dfield elem_of(const dfield *f)
{
    const schema_value *e = f->value->elem;
    return (dfield){"", NULL, kind_of(e, 0), e->type, e, 0};
}

/* The package of kube's internal types: core, apps, rbac (meta types are
 * used as they are: v1). */
static const char *internal_package(const schema_type *t, char *buf, size_t n)
{
    const char *prefix = "io.k8s.api.";
    if (!t || strncmp(t->name, prefix, strlen(prefix))) return t ? t->go_package : "";
    const char *start = t->name + strlen(prefix), *dot = strchr(start, '.');
    snprintf(buf, n, "%.*s", dot ? (int)(dot - start) : (int)strlen(start), start);
    return buf;
}

/* ---- text nodes (go-cmp's textLine, textWrap, textList) */

typedef struct trec trec;
typedef struct tnode {
    const char *text;           /* a single line, when !is_wrap */
    int is_wrap;
    const char *prefix, *suffix;
    trec *recs;
    int n, cap;
} tnode;

struct trec {
    char diff;                  /* 0, '-' or '+' */
    const char *key;            /* "" for list elements */
    tnode *value;
    const char *comment;        /* "9 identical fields" on an ellipsis */
    int ellipsis;
};

static tnode *tline(kapi_pool *a, const char *s)
{
    tnode *t = kapi_palloc(a, sizeof *t);
    if (t) t->text = kapi_pstrdup(a, s ? s : "");
    return t;
}

static tnode *twrap(kapi_pool *a, const char *prefix, const char *suffix)
{
    tnode *t = kapi_palloc(a, sizeof *t);
    if (!t) return NULL;
    t->is_wrap = 1;
    t->prefix = kapi_pstrdup(a, prefix);
    t->suffix = suffix;
    return t;
}

static trec *trec_add(kapi_pool *a, tnode *w, char diff, const char *key, tnode *value)
{
    if (!w || !value) return NULL;
    if (w->n == w->cap) {
        int cap = w->cap ? w->cap * 2 : 8;
        trec *r = kapi_palloc(a, (size_t)cap * sizeof *r);
        if (!r) return NULL;
        if (w->n) memcpy(r, w->recs, (size_t)w->n * sizeof *r);
        w->recs = r;
        w->cap = cap;
    }
    trec *r = &w->recs[w->n++];
    r->diff = diff;
    r->key = key ? key : "";
    r->value = value;
    return r;
}

static void trec_ellipsis(kapi_pool *a, tnode *w, const char *comment)
{
    trec *r = trec_add(a, w, 0, "", tline(a, "..."));
    if (!r) return;
    r->ellipsis = 1;
    r->comment = comment ? kapi_pstrdup(a, comment) : NULL;
}

/* ---- rendering */

static int compactable(const tnode *t)
{
    if (!t->is_wrap) return 1;
    for (int i = 0; i < t->n; i++) {
        if (t->recs[i].diff || t->recs[i].comment || !compactable(t->recs[i].value)) return 0;
    }
    return 1;
}

static void render_compact(kapi_buf *b, const tnode *t)
{
    if (!t->is_wrap) { kapi_buf_puts(b, t->text); return; }
    kapi_buf_puts(b, t->prefix);
    for (int i = 0; i < t->n; i++) {
        const trec *r = &t->recs[i];
        if (i) kapi_buf_puts(b, ", ");
        if (*r->key) kapi_buf_printf(b, "%s: ", r->key);
        render_compact(b, r->value);
    }
    kapi_buf_puts(b, t->suffix);
}

static void indent(kapi_buf *b, char diff, int depth)
{
    kapi_buf_puts(b, diff == '-' ? "- " : diff == '+' ? "+ " : "  ");
    for (int i = 0; i < depth; i++) kapi_buf_putc(b, '\t');
}

static void render_expanded(kapi_buf *b, const tnode *t, char d, int depth)
{
    kapi_buf_puts(b, t->prefix);
    /* key alignment: groups of single-line records that have a key */
    int *pad = kapi_xcalloc((size_t)(t->n ? t->n : 1), sizeof *pad);
    if (pad) {
        int start = 0, maxlen = 0;
        for (int i = 0; i <= t->n; i++) {
            int skip = i == t->n || !*t->recs[i].key || !compactable(t->recs[i].value);
            if (skip) {
                for (int j = start; j < i; j++) pad[j] = maxlen - (int)strlen(t->recs[j].key);
                start = i + 1;
                maxlen = 0;
                continue;
            }
            int l = (int)strlen(t->recs[i].key);
            if (l > maxlen) maxlen = l;
        }
    }
    for (int i = 0; i < t->n; i++) {
        const trec *r = &t->recs[i];
        char rd = d ? d : r->diff;
        kapi_buf_putc(b, '\n');
        indent(b, rd, depth + 1);
        if (*r->key) kapi_buf_printf(b, "%s: ", r->key);
        for (int k = 0; pad && k < pad[i]; k++) kapi_buf_putc(b, ' ');
        if (compactable(r->value)) render_compact(b, r->value);
        else render_expanded(b, r->value, rd, depth + 1);
        if (!r->ellipsis) kapi_buf_putc(b, ',');
        if (r->comment) kapi_buf_printf(b, " // %s", r->comment);
    }
    free(pad);
    kapi_buf_putc(b, '\n');
    indent(b, d, depth);
    kapi_buf_puts(b, t->suffix);
}

/* ---- values as cmp prints them */

typedef enum mode { M_IDENTICAL, M_REMOVED, M_INSERTED, M_UNKNOWN } mode;

static const cJSON *present(const cJSON *v) { return v && !cJSON_IsNull(v) ? v : NULL; }

static const cJSON *member(const cJSON *obj, const char *key)
{
    return cJSON_IsObject(obj) && key ? present(cJSON_GetObjectItemCaseSensitive(obj, key)) : NULL;
}

static tnode *quoted(kapi_pool *a, const char *s)
{
    kapi_buf b;
    kapi_buf_init(&b);
    go_quote(&b, s);
    tnode *t = tline(a, b.data ? b.data : "\"\"");
    kapi_buf_free(&b);
    return t;
}

static tnode *number_line(kapi_pool *a, const cJSON *v, const char *prefix)
{
    char buf[64];
    double d = cJSON_IsNumber(v) ? v->valuedouble : 0;
    snprintf(buf, sizeof buf, "%s%lld", prefix, (long long)d);
    return tline(a, buf);
}

static const char *type_name(kapi_pool *a, const dfield *f)
{
    char buf[128], pkg[64];
    const char *n = f->type ? f->type->short_name : "";
    const char *p = internal_package(f->type, pkg, sizeof pkg);
    switch (f->kind) {
    case PK_LIST_STRUCT: snprintf(buf, sizeof buf, "[]%s.%s", p, n); break;
    case PK_LIST_STRING: return "[]string";
    case PK_LIST_INT64: return "[]int64";
    case PK_MAP_STRING: return "map[string]string";
    case PK_RESOURCE_LIST: return "core.ResourceList";
    default: snprintf(buf, sizeof buf, "%s.%s", p, n); break;
    }
    return kapi_pstrdup(a, buf);
}

/* IsZero of the Go value the JSON stands for. */
static int is_zero(const dfield *f, const cJSON *v);

static int struct_is_zero(const schema_type *t, const cJSON *obj)
{
    if (!cJSON_IsObject(obj)) return 1;
    if (!t) return obj->child == NULL;
    for (int i = 0; i < t->n_internal; i++) {
        dfield f = field_of(t->internal_fields[i]);
        const cJSON *v = f.kind == PK_INLINE ? obj : member(obj, f.json);
        if (!is_zero(&f, v)) return 0;
    }
    return 1;
}

static int is_zero(const dfield *f, const cJSON *v)
{
    v = present(v);
    if (!v) return 1;
    switch (f->kind) {
    case PK_STRING: case PK_TIME: return cJSON_IsString(v) && !*v->valuestring;
    case PK_BOOL: return !cJSON_IsTrue(v);
    case PK_INT32: case PK_INT64: return cJSON_IsNumber(v) && v->valuedouble == 0;
    case PK_STRUCT: case PK_INLINE: return struct_is_zero(f->type, v);
    case PK_ANY: return cJSON_IsObject(v) && !v->child;
    case PK_INT_OR_STRING: return cJSON_IsNumber(v) && v->valuedouble == 0;
    default: return 0;   /* pointers, lists and maps: only nil is zero */
    }
}

static tnode *format_unified(kapi_pool *a, const dfield *f, const cJSON *v, mode m, int top_type);

static tnode *format_quantity(kapi_pool *a, const cJSON *v)
{
    quantity q;
    const char *err;
    char canon[64], buf[256];
    if (quantity_from_json(v, &q, &err)) return quoted(a, cJSON_IsString(v) ? v->valuestring : "");
    quantity_format_canonical(&q, canon, sizeof canon);
    static const char *const formats[] = {"DecimalSI", "BinarySI", "DecimalExponent"};
    char inner[96];
    if (q.mant == 0) snprintf(inner, sizeof inner, "{}");
    else if (q.scale == 0) snprintf(inner, sizeof inner, "{value: %lld}", (long long)q.mant);
    else snprintf(inner, sizeof inner, "{value: %lld, scale: %d}", (long long)q.mant, (int)q.scale);
    snprintf(buf, sizeof buf, "{i: %s, s: \"%s\", Format: \"%s\"}", inner, canon, formats[q.format]);
    return tline(a, buf);
}

/* Lists, structs and maps show at most 4 records when identical and 16 when
 * removed or inserted (go-cmp's verbosity presets), then "...". */
static int max_records(mode m) { return m == M_IDENTICAL ? 4 : 16; }

static tnode *format_struct_unified(kapi_pool *a, const schema_type *t, const cJSON *obj, mode m,
                                    const char *type_prefix)
{
    char prefix[160];
    snprintf(prefix, sizeof prefix, "%s{", type_prefix ? type_prefix : "");
    tnode *w = twrap(a, prefix, "}");
    if (!w) return NULL;
    if (!t) {
        /* raw JSON: compactly */
        char *j = cJSON_PrintUnformatted(obj);
        tnode *line = tline(a, j ? j : "{}");
        cJSON_free(j);
        return line;
    }
    int shown = 0;
    for (int i = 0; i < t->n_internal; i++) {
        dfield f = field_of(t->internal_fields[i]);
        const cJSON *v = f.kind == PK_INLINE ? obj : member(obj, f.json);
        if (is_zero(&f, v)) continue;
        if (shown == max_records(m)) { trec_ellipsis(a, w, NULL); break; }
        trec_add(a, w, 0, f.go, format_unified(a, &f, v, m, 1));
        shown++;
    }
    return w;
}

/* FormatDiff of one side in identical, removed or inserted mode (types
 * shown except when identical; top_type 0 for list elements, whose type
 * cmp elides). */
static tnode *format_unified(kapi_pool *a, const dfield *f, const cJSON *v, mode m, int top_type)
{
    v = present(v);
    int show_type = top_type && m != M_IDENTICAL;
    switch (f->kind) {
    case PK_STRING: case PK_TIME: return quoted(a, cJSON_IsString(v) ? v->valuestring : "");
    case PK_BOOL: return tline(a, cJSON_IsTrue(v) ? "true" : "false");
    case PK_INT32: case PK_INT64: return number_line(a, v, "");
    case PK_PSTRING:
        if (!v) return tline(a, "nil");
        {
            kapi_buf b;
            kapi_buf_init(&b);
            kapi_buf_putc(&b, '&');
            go_quote(&b, cJSON_IsString(v) ? v->valuestring : "");
            tnode *t = tline(a, b.data);
            kapi_buf_free(&b);
            return t;
        }
    case PK_PBOOL: return tline(a, !v ? "nil" : cJSON_IsTrue(v) ? "&true" : "&false");
    case PK_PINT32: case PK_PINT64: return v ? number_line(a, v, "&") : tline(a, "nil");
    case PK_PTIME:
        if (!v) return tline(a, "nil");
        return quoted(a, cJSON_IsString(v) ? v->valuestring : "");
    case PK_QUANTITY: return format_quantity(a, v);
    case PK_PQUANTITY: {
        if (!v) return tline(a, "nil");
        tnode *q = format_quantity(a, v);
        char buf[300];
        snprintf(buf, sizeof buf, "&%s", q && q->text ? q->text : "");
        return tline(a, buf);
    }
    case PK_INT_OR_STRING: {
        char buf[600];
        if (cJSON_IsString(v)) {
            kapi_buf b;
            kapi_buf_init(&b);
            kapi_buf_puts(&b, show_type ? "intstr.IntOrString{Type: 1, StrVal: " : "{Type: 1, StrVal: ");
            go_quote(&b, v->valuestring);
            kapi_buf_putc(&b, '}');
            tnode *t = tline(a, b.data);
            kapi_buf_free(&b);
            return t;
        }
        long long n = cJSON_IsNumber(v) ? (long long)v->valuedouble : 0;
        if (n) snprintf(buf, sizeof buf, "%s{IntVal: %lld}", show_type ? "intstr.IntOrString" : "", n);
        else snprintf(buf, sizeof buf, "%s{}", show_type ? "intstr.IntOrString" : "");
        return tline(a, buf);
    }
    case PK_STRUCT: case PK_INLINE:
        return format_struct_unified(a, f->type, v, m, show_type ? type_name(a, f) : NULL);
    case PK_PSTRUCT: {
        if (!v) return tline(a, "nil");
        tnode *inner = format_struct_unified(a, f->type, v, m, m != M_IDENTICAL ? type_name(a, f) : NULL);
        if (!inner) return NULL;
        if (!inner->is_wrap) {
            char *s = kapi_xmalloc(strlen(inner->text) + 2);
            if (!s) return NULL;
            sprintf(s, "&%s", inner->text);
            tnode *t = tline(a, s);
            free(s);
            return t;
        }
        char prefix[200];
        snprintf(prefix, sizeof prefix, "&%s", inner->prefix);
        inner->prefix = kapi_pstrdup(a, prefix);
        return inner;
    }
    case PK_ANY:
        return format_struct_unified(a, f->type, v ? v : NULL, m, NULL);
    case PK_LIST_STRUCT: case PK_LIST_STRING: case PK_LIST_INT64: {
        if (!v || !cJSON_IsArray(v)) return tline(a, "nil");
        char prefix[160];
        snprintf(prefix, sizeof prefix, "%s{", show_type ? type_name(a, f) : "");
        tnode *w = twrap(a, prefix, "}");
        dfield elem = elem_of(f);
        int shown = 0;
        const cJSON *e;
        cJSON_ArrayForEach(e, v) {
            if (shown == max_records(m)) { trec_ellipsis(a, w, NULL); break; }
            trec_add(a, w, 0, "", format_unified(a, &elem, e, m, 0));
            shown++;
        }
        return w;
    }
    case PK_MAP_STRING: case PK_RESOURCE_LIST: {
        if (!v || !cJSON_IsObject(v)) return tline(a, "nil");
        char prefix[160];
        snprintf(prefix, sizeof prefix, "%s{", show_type ? type_name(a, f) : "");
        tnode *w = twrap(a, prefix, "}");
        /* entries in key order */
        int n = cJSON_GetArraySize(v), shown = 0;
        const cJSON **items = kapi_xcalloc((size_t)(n ? n : 1), sizeof *items);
        if (!items) return w;
        int k = 0;
        const cJSON *e;
        cJSON_ArrayForEach(e, v) items[k++] = e;
        for (int i = 1; i < k; i++)
            for (int j = i; j > 0 && strcmp(items[j - 1]->string, items[j]->string) > 0; j--) {
                const cJSON *tmp = items[j]; items[j] = items[j - 1]; items[j - 1] = tmp;
            }
        dfield val = elem_of(f);
        for (int i = 0; i < k; i++) {
            if (shown == max_records(m)) { trec_ellipsis(a, w, NULL); break; }
            kapi_buf kb;
            kapi_buf_init(&kb);
            go_quote(&kb, items[i]->string);
            trec_add(a, w, 0, kapi_pstrdup(a, kb.data ? kb.data : "\"\""), format_unified(a, &val, items[i], m, 0));
            kapi_buf_free(&kb);
            shown++;
        }
        free(items);
        return w;
    }
    }
    return tline(a, "?");
}

/* ---- the shape of cmp's value tree (NumChildren and MaxDepth) */

typedef struct shape { int children, depth; } shape;

static int values_equal(const dfield *f, const cJSON *x, const cJSON *y)
{
    return schema_equal(f->value, f->flags, x, y);
}

static shape shape_of(const dfield *f, const cJSON *x, const cJSON *y);

static void add_child(shape *s, shape c)
{
    s->children += 1 + c.children;
    if (c.depth + 1 > s->depth) s->depth = c.depth + 1;
}

static shape struct_shape(const schema_type *t, const cJSON *x, const cJSON *y)
{
    shape s = {0, 0};
    if (!t) return s;
    for (int i = 0; i < t->n_internal; i++) {
        dfield f = field_of(t->internal_fields[i]);
        const cJSON *a = f.kind == PK_INLINE ? x : member(x, f.json);
        const cJSON *b = f.kind == PK_INLINE ? y : member(y, f.json);
        add_child(&s, shape_of(&f, a, b));
    }
    return s;
}

static shape shape_of(const dfield *f, const cJSON *x, const cJSON *y)
{
    shape s = {0, 0};
    x = present(x);
    y = present(y);
    switch (f->kind) {
    case PK_STRUCT: case PK_INLINE:
        return struct_shape(f->type, x, y);
    case PK_PSTRUCT:
        if (!x || !y) return s;
        add_child(&s, struct_shape(f->type, x, y));
        return s;
    case PK_PSTRING: case PK_PBOOL: case PK_PINT32: case PK_PINT64:
        if (!x || !y) return s;
        add_child(&s, (shape){0, 0});
        return s;
    case PK_INT_OR_STRING:
        s.children = 3;
        s.depth = 1;
        return s;
    case PK_LIST_STRUCT: case PK_LIST_STRING: case PK_LIST_INT64: {
        if (!cJSON_IsArray(x) || !cJSON_IsArray(y)) return s;
        dfield elem = elem_of(f);
        int nx = cJSON_GetArraySize(x), ny = cJSON_GetArraySize(y);
        const cJSON *a = x->child, *b = y->child;
        for (int i = 0; i < nx || i < ny; i++) {
            add_child(&s, a && b ? shape_of(&elem, a, b) : (shape){0, 0});
            if (a) a = a->next;
            if (b) b = b->next;
        }
        return s;
    }
    case PK_MAP_STRING: case PK_RESOURCE_LIST: {
        if (!cJSON_IsObject(x) || !cJSON_IsObject(y)) return s;
        const cJSON *e;
        cJSON_ArrayForEach(e, x) add_child(&s, (shape){0, 0});
        cJSON_ArrayForEach(e, y) if (!cJSON_GetObjectItemCaseSensitive(x, e->string)) add_child(&s, (shape){0, 0});
        return s;
    }
    default:
        return s;
    }
}

/* ---- the diff (formatDiffList) */

typedef struct drec {
    const char *key;
    const dfield *f;     /* the value's field description */
    const cJSON *x, *y;     /* NULL side: removed / inserted */
    int has_x, has_y;
    int equal;
} drec;

static tnode *format_diff(kapi_pool *a, const dfield *f, const cJSON *x, const cJSON *y, int show_type);

static const char *plural(kapi_pool *a, int n, const char *what, const char *name)
{
    char buf[96];
    if (n == 1) snprintf(buf, sizeof buf, "1 %s %s", what, name);
    else if (!strcmp(name, "entry")) snprintf(buf, sizeof buf, "%d %s entries", n, what);
    else snprintf(buf, sizeof buf, "%d %s %ss", n, what, name);
    return kapi_pstrdup(a, buf);
}

#define CONTEXT_RECORDS 2

static void emit_equal(kapi_pool *a, tnode *w, const drec *r)
{
    trec_add(a, w, 0, r->key, format_unified(a, r->f, r->x, M_IDENTICAL, 1));
}

static void emit_unequal(kapi_pool *a, tnode *w, const drec *r, int elem)
{
    if (r->has_x && r->has_y) {
        shape s = shape_of(r->f, r->x, r->y);
        if (s.children != s.depth) {
            trec_add(a, w, 0, r->key, format_diff(a, r->f, r->x, r->y, !elem));
            return;
        }
    }
    if (r->has_x) trec_add(a, w, '-', r->key, format_unified(a, r->f, r->x, M_REMOVED, !elem));
    if (r->has_y) trec_add(a, w, '+', r->key, format_unified(a, r->f, r->y, M_INSERTED, !elem));
}

/* Groups of equal and unequal records, equal runs cut down to two records of
 * context on each side of a change (none before the first change or after
 * the last), the rest summarised in an ellipsis. */
static void format_records(kapi_pool *a, tnode *w, const drec *recs, int n, const char *name, int elem)
{
    /* group boundaries */
    int groups = 0;
    for (int i = 0; i < n; i++)
        if (i == 0 || recs[i].equal != recs[i - 1].equal) groups++;
    int g = 0;
    for (int i = 0; i < n;) {
        int j = i;
        while (j < n && recs[j].equal == recs[i].equal) j++;
        if (!recs[i].equal) {
            for (int k = i; k < j; k++) emit_unequal(a, w, &recs[k], elem);
        } else {
            int num = j - i, lo = 0, hi = 0;
            while (lo < CONTEXT_RECORDS && lo + hi < num && g != 0) lo++;
            while (hi < CONTEXT_RECORDS && lo + hi < num && g != groups - 1) hi++;
            if (num - (lo + hi) == 1) hi++;   /* no ellipsis for a single record */
            for (int k = 0; k < lo; k++) emit_equal(a, w, &recs[i + k]);
            if (num > lo + hi) trec_ellipsis(a, w, plural(a, num - lo - hi, "identical", name));
            for (int k = num - hi; k < num; k++) emit_equal(a, w, &recs[i + k]);
        }
        g++;
        i = j;
    }
}

static tnode *diff_struct(kapi_pool *a, const schema_type *t, const cJSON *x, const cJSON *y, const char *prefix)
{
    tnode *w = twrap(a, prefix, "}");
    if (!w || !t || !t->n_internal) return w;
    drec *recs = kapi_xcalloc((size_t)t->n_internal, sizeof *recs);
    dfield *fields = kapi_palloc(a, sizeof *fields * (size_t)t->n_internal);
    if (!recs || !fields) { free(recs); return w; }
    int n = 0;
    for (int i = 0; i < t->n_internal; i++) {
        dfield *f = &fields[i];
        *f = field_of(t->internal_fields[i]);
        drec *r = &recs[n++];
        r->key = f->go;
        r->f = f;
        r->x = f->kind == PK_INLINE ? x : member(x, f->json);
        r->y = f->kind == PK_INLINE ? y : member(y, f->json);
        r->has_x = r->has_y = 1;
        r->equal = values_equal(f, r->x, r->y);
    }
    format_records(a, w, recs, n, "field", 0);
    free(recs);
    return w;
}

/* The edit script of two lists: equal elements matched by a longest common
 * subsequence; in each gap the first elements of both sides pair up as
 * modified, the rest are removed or inserted. */
static tnode *diff_list(kapi_pool *a, const dfield *f, const cJSON *x, const cJSON *y, const char *prefix)
{
    tnode *w = twrap(a, prefix, "}");
    if (!w) return NULL;
    dfield *elem = kapi_palloc(a, sizeof *elem);
    if (!elem) return w;
    *elem = elem_of(f);
    int nx = cJSON_GetArraySize(x), ny = cJSON_GetArraySize(y);
    if (nx > 512 || ny > 512) { trec_ellipsis(a, w, "list too long to compare"); return w; }
    const cJSON **xs = kapi_xcalloc((size_t)nx + 1, sizeof *xs), **ys = kapi_xcalloc((size_t)ny + 1, sizeof *ys);
    int *lcs = kapi_xcalloc((size_t)(nx + 1) * (size_t)(ny + 1), sizeof *lcs);
    drec *recs = kapi_xcalloc((size_t)(nx + ny) + 1, sizeof *recs);
    if (!xs || !ys || !lcs || !recs) goto out;
    int i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, x) xs[i++] = e;
    i = 0;
    cJSON_ArrayForEach(e, y) ys[i++] = e;
#define L(i, j) lcs[(size_t)(i) * (size_t)(ny + 1) + (size_t)(j)]
    for (int p = nx - 1; p >= 0; p--)
        for (int q = ny - 1; q >= 0; q--)
            L(p, q) = values_equal(elem, xs[p], ys[q]) ? L(p + 1, q + 1) + 1
                      : (L(p + 1, q) > L(p, q + 1) ? L(p + 1, q) : L(p, q + 1));
    int n = 0, p = 0, q = 0;
    while (p < nx || q < ny) {
        if (p < nx && q < ny && values_equal(elem, xs[p], ys[q]) && L(p, q) == L(p + 1, q + 1) + 1) {
            recs[n++] = (drec){"", elem, xs[p], ys[q], 1, 1, 1};
            p++; q++;
            continue;
        }
        /* a gap: up to the next match */
        int ep = p, eq = q;
        while (ep < nx || eq < ny) {
            if (ep < nx && eq < ny && values_equal(elem, xs[ep], ys[eq]) && L(ep, eq) == L(ep + 1, eq + 1) + 1) break;
            if (eq >= ny || (ep < nx && L(ep + 1, eq) >= L(ep, eq + 1))) ep++;
            else eq++;
        }
        int pairs = (ep - p) < (eq - q) ? ep - p : eq - q;
        for (int k = 0; k < pairs; k++) recs[n++] = (drec){"", elem, xs[p + k], ys[q + k], 1, 1, 0};
        for (int k = p + pairs; k < ep; k++) recs[n++] = (drec){"", elem, xs[k], NULL, 1, 0, 0};
        for (int k = q + pairs; k < eq; k++) recs[n++] = (drec){"", elem, NULL, ys[k], 0, 1, 0};
        p = ep;
        q = eq;
    }
#undef L
    format_records(a, w, recs, n, "element", 1);
out:
    free(xs);
    free(ys);
    free(lcs);
    free(recs);
    return w;
}

static int key_order(const void *p, const void *q)
{
    return strcmp(*(const char *const *)p, *(const char *const *)q);
}

static tnode *diff_map(kapi_pool *a, const dfield *f, const cJSON *x, const cJSON *y, const char *prefix)
{
    tnode *w = twrap(a, prefix, "}");
    if (!w) return NULL;
    int nx = cJSON_GetArraySize(x), ny = cJSON_GetArraySize(y);
    const char **keys = kapi_xcalloc((size_t)(nx + ny) + 1, sizeof *keys);
    drec *recs = kapi_xcalloc((size_t)(nx + ny) + 1, sizeof *recs);
    dfield *val = kapi_palloc(a, sizeof *val);
    if (!keys || !recs || !val) goto out;
    *val = elem_of(f);
    int k = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, x) keys[k++] = e->string;
    cJSON_ArrayForEach(e, y) if (!cJSON_GetObjectItemCaseSensitive(x, e->string)) keys[k++] = e->string;
    qsort(keys, (size_t)k, sizeof *keys, key_order);
    for (int i = 0; i < k; i++) {
        const cJSON *vx = cJSON_GetObjectItemCaseSensitive(x, keys[i]);
        const cJSON *vy = cJSON_GetObjectItemCaseSensitive(y, keys[i]);
        kapi_buf kb;
        kapi_buf_init(&kb);
        go_quote(&kb, keys[i]);
        recs[i] = (drec){kapi_pstrdup(a, kb.data ? kb.data : "\"\""), val, vx, vy, vx != NULL, vy != NULL,
                         vx && vy && values_equal(val, vx, vy)};
        kapi_buf_free(&kb);
    }
    format_records(a, w, recs, k, "entry", 1);
out:
    free(keys);
    free(recs);
    return w;
}

/* FormatDiff in diffUnknown mode for a composite value that differs. */
static tnode *format_diff(kapi_pool *a, const dfield *f, const cJSON *x, const cJSON *y, int show_type)
{
    x = present(x);
    y = present(y);
    char prefix[200];
    const char *tn = show_type ? type_name(a, f) : "";
    switch (f->kind) {
    case PK_STRUCT: case PK_INLINE:
        snprintf(prefix, sizeof prefix, "%s{", tn);
        return diff_struct(a, f->type, x, y, prefix);
    case PK_PSTRUCT:
        snprintf(prefix, sizeof prefix, "&%s{", type_name(a, f));
        return diff_struct(a, f->type, x, y, prefix);
    case PK_LIST_STRUCT: case PK_LIST_STRING: case PK_LIST_INT64:
        snprintf(prefix, sizeof prefix, "%s{", tn);
        return diff_list(a, f, x, y, prefix);
    case PK_MAP_STRING: case PK_RESOURCE_LIST:
        snprintf(prefix, sizeof prefix, "%s{", tn);
        return diff_map(a, f, x, y, prefix);
    case PK_INT_OR_STRING: {
        /* a three-field struct: Type, IntVal, StrVal */
        tnode *w = twrap(a, show_type ? "intstr.IntOrString{" : "{", "}");
        dfield fi = {"", NULL, PK_INT64, NULL, NULL, 0};
        cJSON *tx = cJSON_CreateNumber(cJSON_IsString(x) ? 1 : 0), *ty = cJSON_CreateNumber(cJSON_IsString(y) ? 1 : 0);
        if (tx && ty && tx->valuedouble != ty->valuedouble) {
            trec_add(a, w, '-', "Type", format_unified(a, &fi, tx, M_REMOVED, 0));
            trec_add(a, w, '+', "Type", format_unified(a, &fi, ty, M_INSERTED, 0));
        } else if (tx) trec_add(a, w, 0, "Type", format_unified(a, &fi, tx, M_IDENTICAL, 0));
        cJSON_Delete(tx);
        cJSON_Delete(ty);
        long long ix = cJSON_IsNumber(x) ? (long long)x->valuedouble : 0, iy = cJSON_IsNumber(y) ? (long long)y->valuedouble : 0;
        char bx[64], by[64];
        snprintf(bx, sizeof bx, "%lld", ix);
        snprintf(by, sizeof by, "%lld", iy);
        if (ix != iy) { trec_add(a, w, '-', "IntVal", tline(a, bx)); trec_add(a, w, '+', "IntVal", tline(a, by)); }
        else trec_add(a, w, 0, "IntVal", tline(a, bx));
        const char *sx = cJSON_IsString(x) ? x->valuestring : "", *sy = cJSON_IsString(y) ? y->valuestring : "";
        if (strcmp(sx, sy)) { trec_add(a, w, '-', "StrVal", quoted(a, sx)); trec_add(a, w, '+', "StrVal", quoted(a, sy)); }
        else trec_add(a, w, 0, "StrVal", quoted(a, sx));
        return w;
    }
    default: {
        /* a leaf: a "-" and a "+" line inside the type */
        tnode *w = twrap(a, "", "");
        trec_add(a, w, '-', "", format_unified(a, f, x, M_REMOVED, 0));
        trec_add(a, w, '+', "", format_unified(a, f, y, M_INSERTED, 0));
        return w;
    }
    }
}

char *pod_spec_diff(const cJSON *old_spec, const cJSON *new_spec)
{
    const schema_type *spec = schema_type_named("io.k8s.api.core.v1.PodSpec");
    if (!spec) return NULL;
    kapi_pool *a = kapi_pool_new();   /* every node of the diff */
    schema_value spec_value = {.kind = SV_OBJECT, .type = spec};
    dfield root = {"", "", PK_STRUCT, spec, &spec_value, 0};
    tnode *t = format_diff(a, &root, old_spec, new_spec, 1);
    kapi_buf b;
    kapi_buf_init(&b);
    if (t) {
        indent(&b, 0, 0);
        render_expanded(&b, t, 0, 0);
        kapi_buf_putc(&b, '\n');
    }
    kapi_pool_free(a);
    char *s = kapi_buf_steal(&b);
    kapi_buf_free(&b);
    return s;
}
