/* kube.c: the CEL libraries Kubernetes adds (k8s.io/apiserver/pkg/cel/
 * library): lists (isSorted, sum, min, max, indexOf, lastIndexOf),
 * regex (find, findAll), and cel-go's sets extension kube enables
 * (sets.contains, sets.equivalent, sets.intersects). */
#include <string.h>
#include "core/kapi.h"
#include "cel/cel_int.h"
#include "cel/regex.h"

static cel_val list_fold(cel_ctx *c, const char *fn, const cel_list *l)
{
    if (!cel_charge(c, (int64_t)l->n)) return cel_error(c, "operation cancelled: actual cost limit exceeded");
    if (!strcmp(fn, "isSorted")) {
        for (size_t i = 1; i < l->n; i++) {
            bool ok;
            int r = cel_compare(&l->items[i - 1], &l->items[i], &ok);
            if (!ok) return cel_no_overload(c, "isSorted");
            if (r > 0) return cel_bool(false);
        }
        return cel_bool(true);
    }
    if (!strcmp(fn, "sum")) {
        if (l->n == 0) return cel_int(0);
        cel_val acc = l->items[0];
        for (size_t i = 1; i < l->n; i++) {
            acc = cel_binary(c, OP_ADD, &acc, &l->items[i]);
            if (acc.kind == CV_ERROR) return acc;
        }
        return acc;
    }
    /* min, max */
    if (l->n == 0) return cel_error(c, "%s called on empty list", fn);
    cel_val best = l->items[0];
    for (size_t i = 1; i < l->n; i++) {
        bool ok;
        int r = cel_compare(&l->items[i], &best, &ok);
        if (!ok) return cel_no_overload(c, fn);
        if ((fn[1] == 'i' && r < 0) || (fn[1] == 'a' && r > 0)) best = l->items[i];
    }
    return best;
}

static cel_val regex_find(cel_ctx *c, const cel_val *s, const cel_val *re, int64_t limit, bool all)
{
    cel_val failed;
    const regex_t *rx = cel_regex_for_text(c, re, s->u.s.len, &failed);
    if (!rx) return failed;
    char *text = kapi_pstrndup(c->pool, s->u.s.p, s->u.s.len);
    cel_val out = cel_list_new(c, s->u.s.len + 1);
    size_t n = 0, at = 0;
    while (at <= s->u.s.len && (limit < 0 || (int64_t)n < limit)) {
        regmatch_t m;
        if (regexec(rx, text + at, 1, &m, at ? REG_NOTBOL : 0)) break;
        out.u.list->items[n++] = cel_string(c, text + at + m.rm_so, (size_t)(m.rm_eo - m.rm_so));
        size_t next = at + (size_t)m.rm_eo;
        at = m.rm_eo == m.rm_so ? next + 1 : next;
        if (!all) break;
    }
    if (!all) return n ? out.u.list->items[0] : cel_string_ref("", 0);
    out.u.list->n = n;
    return out;
}

/* cel-go's sets extension, which kube enables: every element of b in a. */
static bool list_contains_all(const cel_list *a, const cel_list *b)
{
    for (size_t i = 0; i < b->n; i++) {
        bool hit = false;
        for (size_t j = 0; j < a->n && !hit; j++) hit = cel_equal_bool(&a->items[j], &b->items[i]);
        if (!hit) return false;
    }
    return true;
}

cel_val cel_call_kube(cel_ctx *c, const char *fn, const cel_val *t, const cel_val *a, size_t n, bool *found)
{
    *found = true;
    if (!t && n == 2 && !strncmp(fn, "sets.", 5)) {
        if (a[0].kind != CV_LIST || a[1].kind != CV_LIST) return cel_no_overload(c, fn);
        const cel_list *x = a[0].u.list, *y = a[1].u.list;
        if (!cel_charge(c, (int64_t)(x->n * y->n) / 10 + 1)) return cel_error(c, "operation cancelled: actual cost limit exceeded");
        if (!strcmp(fn, "sets.contains")) return cel_bool(list_contains_all(x, y));
        if (!strcmp(fn, "sets.equivalent")) return cel_bool(list_contains_all(x, y) && list_contains_all(y, x));
        if (!strcmp(fn, "sets.intersects")) {
            for (size_t i = 0; i < y->n; i++)
                for (size_t j = 0; j < x->n; j++)
                    if (cel_equal_bool(&x->items[j], &y->items[i])) return cel_bool(true);
            return cel_bool(false);
        }
    }
    if (t && t->kind == CV_LIST && n == 0 &&
        (!strcmp(fn, "isSorted") || !strcmp(fn, "sum") || !strcmp(fn, "min") || !strcmp(fn, "max")))
        return list_fold(c, fn, t->u.list);
    if (t && t->kind == CV_LIST && n == 1 && (!strcmp(fn, "indexOf") || !strcmp(fn, "lastIndexOf"))) {
        const cel_list *l = t->u.list;
        if (!cel_charge(c, (int64_t)l->n)) return cel_error(c, "operation cancelled: actual cost limit exceeded");
        if (fn[0] == 'i') {
            for (size_t i = 0; i < l->n; i++)
                if (cel_equal_bool(&l->items[i], &a[0])) return cel_int((int64_t)i);
        } else {
            for (size_t i = l->n; i-- > 0;)
                if (cel_equal_bool(&l->items[i], &a[0])) return cel_int((int64_t)i);
        }
        return cel_int(-1);
    }
    if (t && t->kind == CV_STRING && n >= 1 && a[0].kind == CV_STRING) {
        if (!strcmp(fn, "find") && n == 1) return regex_find(c, t, &a[0], 1, false);
        if (!strcmp(fn, "findAll") && n == 1) return regex_find(c, t, &a[0], -1, true);
        if (!strcmp(fn, "findAll") && n == 2 && a[1].kind == CV_INT) return regex_find(c, t, &a[0], a[1].u.i, true);
    }
    *found = false;
    return cel_null();
}
