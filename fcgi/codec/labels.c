/* labels.c: metav1.LabelSelector matching, its String() form, Go's %#v of
 * selectors and label maps, and the semantic JSON equality and canonical form
 * the Deployment controller compares and hashes pod templates with. */
#include <stdlib.h>
#include <string.h>
#include "core/alloc.h"
#include "codec/labels.h"
#include "codec/validate_meta.h"
#include "core/goquote.h"

/* ---- one requirement, as labels.Requirement */

typedef enum req_op { REQ_EQUALS, REQ_IN, REQ_NOT_IN, REQ_EXISTS, REQ_DOES_NOT_EXIST } req_op;

typedef struct requirement {
    const char *key;
    req_op op;
    const cJSON *values;     /* array of strings (In, NotIn) */
    const char *value;       /* Equals */
} requirement;

static int value_in(const cJSON *values, const char *v)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, values) if (cJSON_IsString(e) && !strcmp(e->valuestring, v)) return 1;
    return 0;
}

static int requirement_matches(const requirement *r, const cJSON *labels)
{
    const cJSON *l = cJSON_IsObject(labels) ? cJSON_GetObjectItemCaseSensitive(labels, r->key) : NULL;
    const char *have = cJSON_IsString(l) ? l->valuestring : NULL;
    switch (r->op) {
    case REQ_EQUALS: return have && !strcmp(have, r->value);
    case REQ_IN: return have && value_in(r->values, have);
    case REQ_NOT_IN: return !have || !value_in(r->values, have);
    case REQ_EXISTS: return have != NULL;
    case REQ_DOES_NOT_EXIST: return have == NULL;
    }
    return 0;
}

/* 1 when every value of an In/NotIn requirement is a valid label value
 * (labels.NewRequirement's check); at least one is needed. */
static int values_are_valid(const cJSON *values)
{
    if (!cJSON_IsArray(values) || !values->child) return 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, values) {
        if (!cJSON_IsString(v)) return 0;
        validation_messages m = {0};
        is_valid_label_value(v->valuestring, &m);
        if (m.n) return 0;
    }
    return 1;
}

/* labels.NewRequirement's checks: a qualified-name key, valid values, In and
 * NotIn with values, Exists and DoesNotExist without. */
static int requirement_is_valid(const requirement *r)
{
    validation_messages m = {0};
    is_qualified_name(r->key, &m);
    if (m.n) return 0;
    switch (r->op) {
    case REQ_EQUALS:
        is_valid_label_value(r->value, &m);
        return m.n == 0;
    case REQ_IN:
    case REQ_NOT_IN: return values_are_valid(r->values);
    case REQ_EXISTS:
    case REQ_DOES_NOT_EXIST: return !r->values || !r->values->child;
    }
    return 0;
}

/* The requirements of a selector; returns the count, or -1 if malformed
 * (with strict, also when labels.NewRequirement would refuse one, as
 * LabelSelectorAsSelector does). *out is malloc'd (caller frees). */
static int requirements_of(const cJSON *selector, requirement **out, int strict)
{
    *out = NULL;
    const cJSON *ml = cJSON_GetObjectItemCaseSensitive(selector, "matchLabels");
    const cJSON *me = cJSON_GetObjectItemCaseSensitive(selector, "matchExpressions");
    if (ml && !cJSON_IsObject(ml) && !cJSON_IsNull(ml)) return -1;
    if (me && !cJSON_IsArray(me) && !cJSON_IsNull(me)) return -1;
    int n = (cJSON_IsObject(ml) ? cJSON_GetArraySize(ml) : 0) + (cJSON_IsArray(me) ? cJSON_GetArraySize(me) : 0);
    if (n == 0) return 0;
    requirement *r = kapi_xcalloc((size_t)n, sizeof *r);
    int k = 0;
    const cJSON *e;
    if (cJSON_IsObject(ml)) {
        cJSON_ArrayForEach(e, ml) {
            if (!cJSON_IsString(e) || !e->string) { free(r); return -1; }
            r[k].key = e->string;
            r[k].op = REQ_EQUALS;
            r[k].value = e->valuestring;
            k++;
        }
    }
    if (cJSON_IsArray(me)) {
        cJSON_ArrayForEach(e, me) {
            const cJSON *key = cJSON_GetObjectItemCaseSensitive(e, "key");
            const cJSON *op = cJSON_GetObjectItemCaseSensitive(e, "operator");
            const cJSON *vals = cJSON_GetObjectItemCaseSensitive(e, "values");
            if (!cJSON_IsString(key) || !cJSON_IsString(op)) { free(r); return -1; }
            if (vals && !cJSON_IsArray(vals) && !cJSON_IsNull(vals)) { free(r); return -1; }
            r[k].key = key->valuestring;
            r[k].values = cJSON_IsArray(vals) ? vals : NULL;
            if (!strcmp(op->valuestring, "In")) r[k].op = REQ_IN;
            else if (!strcmp(op->valuestring, "NotIn")) r[k].op = REQ_NOT_IN;
            else if (!strcmp(op->valuestring, "Exists")) r[k].op = REQ_EXISTS;
            else if (!strcmp(op->valuestring, "DoesNotExist")) r[k].op = REQ_DOES_NOT_EXIST;
            else { free(r); return -1; }
            k++;
        }
    }
    for (int i = 0; strict && i < k; i++)
        if (!requirement_is_valid(&r[i])) { free(r); return -1; }
    *out = r;
    return k;
}

int label_selector_matches_labels(const cJSON *selector, const cJSON *labels)
{
    if (!cJSON_IsObject(selector)) return 0;
    requirement *r;
    int n = requirements_of(selector, &r, 0);
    if (n < 0) return 0;
    int ok = 1;
    for (int i = 0; i < n && ok; i++) ok = requirement_matches(&r[i], labels);
    free(r);
    return ok;
}

int label_selector_is_empty(const cJSON *selector)
{
    const cJSON *ml = cJSON_GetObjectItemCaseSensitive(selector, "matchLabels");
    const cJSON *me = cJSON_GetObjectItemCaseSensitive(selector, "matchExpressions");
    return (!cJSON_IsObject(ml) || !ml->child) && (!cJSON_IsArray(me) || !me->child);
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "(a,b)" with the values sorted, as Requirement.String() writes them. */
static void put_value_set(kapi_buf *out, const cJSON *values)
{
    int n = cJSON_IsArray(values) ? cJSON_GetArraySize(values) : 0;
    const char **v = n ? kapi_xcalloc((size_t)n, sizeof *v) : NULL;
    int k = 0;
    const cJSON *e;
    if (n) cJSON_ArrayForEach(e, values) if (cJSON_IsString(e)) v[k++] = e->valuestring;
    if (k) qsort(v, (size_t)k, sizeof *v, compare_strings);
    kapi_buf_putc(out, '(');
    for (int i = 0; i < k; i++) {
        if (i) kapi_buf_putc(out, ',');
        kapi_buf_puts(out, v[i]);
    }
    kapi_buf_putc(out, ')');
    free(v);
}

/* Sorts by key, keeping requirements of one key in their given order (as
 * Go's sort of a short ByKey slice does). */
static void sort_by_key(requirement *r, int n)
{
    for (int i = 1; i < n; i++) {
        requirement x = r[i];
        int j = i - 1;
        while (j >= 0 && strcmp(r[j].key, x.key) > 0) {
            r[j + 1] = r[j];
            j--;
        }
        r[j + 1] = x;
    }
}

static int print_selector(const cJSON *selector, kapi_buf *out, int strict)
{
    if (!cJSON_IsObject(selector)) return 0;
    requirement *r;
    int n = requirements_of(selector, &r, strict);
    if (n < 0) return -1;
    sort_by_key(r, n);
    for (int i = 0; i < n; i++) {
        if (i) kapi_buf_putc(out, ',');
        switch (r[i].op) {
        case REQ_EQUALS: kapi_buf_printf(out, "%s=%s", r[i].key, r[i].value); break;
        case REQ_IN: kapi_buf_printf(out, "%s in ", r[i].key); put_value_set(out, r[i].values); break;
        case REQ_NOT_IN: kapi_buf_printf(out, "%s notin ", r[i].key); put_value_set(out, r[i].values); break;
        case REQ_EXISTS: kapi_buf_puts(out, r[i].key); break;
        case REQ_DOES_NOT_EXIST: kapi_buf_printf(out, "!%s", r[i].key); break;
        }
    }
    free(r);
    return 0;
}

int label_selector_string(const cJSON *selector, kapi_buf *out)
{
    return print_selector(selector, out, 0);
}

int label_selector_as_selector_string(const cJSON *selector, kapi_buf *out)
{
    return print_selector(selector, out, 1);
}

/* ---- Go's %#v */

void label_map_go_syntax(const cJSON *labels, kapi_buf *out)
{
    if (!cJSON_IsObject(labels)) { kapi_buf_puts(out, "map[string]string(nil)"); return; }
    int n = cJSON_GetArraySize(labels);
    const cJSON **items = n ? kapi_xcalloc((size_t)n, sizeof *items) : NULL;
    int k = 0;
    const cJSON *e;
    if (n) cJSON_ArrayForEach(e, labels) if (e->string) items[k++] = e;
    /* fmt prints map keys sorted */
    for (int i = 1; i < k; i++)
        for (int j = i; j > 0 && strcmp(items[j - 1]->string, items[j]->string) > 0; j--) {
            const cJSON *t = items[j]; items[j] = items[j - 1]; items[j - 1] = t;
        }
    kapi_buf_puts(out, "map[string]string{");
    for (int i = 0; i < k; i++) {
        if (i) kapi_buf_puts(out, ", ");
        go_quote(out, items[i]->string);
        kapi_buf_putc(out, ':');
        go_quote(out, cJSON_IsString(items[i]) ? items[i]->valuestring : "");
    }
    kapi_buf_putc(out, '}');
    free(items);
}

void label_selector_go_syntax(const cJSON *selector, kapi_buf *out)
{
    const cJSON *ml = cJSON_GetObjectItemCaseSensitive(selector, "matchLabels");
    const cJSON *me = cJSON_GetObjectItemCaseSensitive(selector, "matchExpressions");
    kapi_buf_puts(out, "v1.LabelSelector{MatchLabels:");
    label_map_go_syntax(ml, out);
    kapi_buf_puts(out, ", MatchExpressions:");
    if (!cJSON_IsArray(me)) {
        kapi_buf_puts(out, "[]v1.LabelSelectorRequirement(nil)}");
        return;
    }
    kapi_buf_puts(out, "[]v1.LabelSelectorRequirement{");
    const cJSON *e;
    int i = 0;
    cJSON_ArrayForEach(e, me) {
        if (i++) kapi_buf_puts(out, ", ");
        const cJSON *key = cJSON_GetObjectItemCaseSensitive(e, "key");
        const cJSON *op = cJSON_GetObjectItemCaseSensitive(e, "operator");
        const cJSON *vals = cJSON_GetObjectItemCaseSensitive(e, "values");
        kapi_buf_puts(out, "v1.LabelSelectorRequirement{Key:");
        go_quote(out, cJSON_IsString(key) ? key->valuestring : "");
        kapi_buf_puts(out, ", Operator:");
        go_quote(out, cJSON_IsString(op) ? op->valuestring : "");
        kapi_buf_puts(out, ", Values:");
        if (!cJSON_IsArray(vals)) kapi_buf_puts(out, "[]string(nil)");
        else {
            kapi_buf_puts(out, "[]string{");
            const cJSON *v;
            int j = 0;
            cJSON_ArrayForEach(v, vals) {
                if (j++) kapi_buf_puts(out, ", ");
                go_quote(out, cJSON_IsString(v) ? v->valuestring : "");
            }
            kapi_buf_putc(out, '}');
        }
        kapi_buf_putc(out, '}');
    }
    kapi_buf_puts(out, "}}");
}

/* ---- semantic equality and the canonical form */

/* A member that omitempty would drop after decoding. */
static int counts_as_absent(const cJSON *v)
{
    if (!v || cJSON_IsNull(v)) return 1;
    if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
        for (const cJSON *c = v->child; c; c = c->next)
            if (!counts_as_absent(c) || cJSON_IsArray(v)) return 0;
        return 1;
    }
    return 0;
}

int json_semantic_equal(const cJSON *a, const cJSON *b)
{
    int a_absent = counts_as_absent(a), b_absent = counts_as_absent(b);
    if (a_absent || b_absent) return a_absent && b_absent;
    if (cJSON_IsObject(a) && cJSON_IsObject(b)) {
        for (const cJSON *c = a->child; c; c = c->next) {
            if (!c->string) return 0;
            if (!json_semantic_equal(c, cJSON_GetObjectItemCaseSensitive(b, c->string))) return 0;
        }
        for (const cJSON *c = b->child; c; c = c->next) {
            if (!c->string) return 0;
            if (!cJSON_GetObjectItemCaseSensitive(a, c->string) && !counts_as_absent(c)) return 0;
        }
        return 1;
    }
    if (cJSON_IsArray(a) && cJSON_IsArray(b)) {
        const cJSON *x = a->child, *y = b->child;
        for (; x && y; x = x->next, y = y->next)
            if (!json_semantic_equal(x, y) && !(counts_as_absent(x) && counts_as_absent(y))) return 0;
        return !x && !y;
    }
    return cJSON_Compare(a, b, 1);
}

static int compare_members(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    return strcmp(x->string ? x->string : "", y->string ? y->string : "");
}

/* Drops absent members and sorts keys, in place. */
static void canonicalize(cJSON *v)
{
    if (cJSON_IsArray(v)) {
        for (cJSON *c = v->child; c; c = c->next) canonicalize(c);
        return;
    }
    if (!cJSON_IsObject(v)) return;
    cJSON *c = v->child;
    while (c) {
        cJSON *next = c->next;
        if (counts_as_absent(c)) cJSON_Delete(cJSON_DetachItemViaPointer(v, c));
        else canonicalize(c);
        c = next;
    }
    int n = cJSON_GetArraySize(v);
    if (n < 2) return;
    cJSON **items = kapi_xcalloc((size_t)n, sizeof *items);
    int k = 0;
    while (v->child) items[k++] = cJSON_DetachItemViaPointer(v, v->child);
    qsort(items, (size_t)k, sizeof *items, compare_members);
    for (int i = 0; i < k; i++) cJSON_AddItemToObject(v, items[i]->string, items[i]);
    free(items);
}

cJSON *json_canonical_copy(const cJSON *v)
{
    if (!v) return NULL;
    cJSON *copy = cJSON_Duplicate(v, 1);
    if (copy) canonicalize(copy);
    return copy;
}
