/* eval.c: the tree-walking evaluator: identifiers and comprehension
 * variables, field selection and indexing (with the optional forms),
 * list and map literals, CEL's commutative && and || (false or true wins
 * over an error, whichever side it is on), the conditional, and the
 * macros. Every step is charged to the cost budget; once it is gone every
 * step stops at once and the result is kube's "operation cancelled:
 * actual cost limit exceeded". Functions are in functions.c. */
#include <math.h>
#include <string.h>
#include "core/kapi.h"
#include "cel/cel_int.h"

bool cel_charge(cel_ctx *c, int64_t amount)
{
    if (c->exceeded) return false;
    c->cost += amount;
    if (c->cost > c->budget) {
        c->exceeded = true;
        return false;
    }
    return true;
}

static cel_val cost_error(cel_ctx *c) { return cel_error(c, "operation cancelled: actual cost limit exceeded"); }

static const char *const type_names[] = {
    "int", "uint", "double", "bool", "string", "bytes", "list", "map", "null_type", "type",
    "google.protobuf.Duration", "google.protobuf.Timestamp", "optional_type", NULL,
};

static cel_val eval_ident(cel_ctx *c, const node *n)
{
    const char *name = n->name[0] == '.' ? n->name + 1 : n->name;
    if (n->name[0] != '.')
        for (size_t i = c->n_scopes; i-- > 0;)
            if (!strcmp(c->scopes[i].name, name)) return c->scopes[i].value;
    for (size_t i = 0; i < c->n_vars; i++)
        if (!strcmp(c->vars[i].name, name)) return c->vars[i].value;
    for (int i = 0; type_names[i]; i++)
        if (!strcmp(type_names[i], name)) return cel_type(type_names[i]);
    return cel_error(c, "no such attribute: %s", name);
}

static cel_val select_field(cel_ctx *c, const cel_val *t, const char *field)
{
    if (t->kind == CV_ERROR) return *t;
    if (t->kind != CV_MAP) return cel_error(c, "type '%s' does not support field selection", cel_type_name(t));
    cel_val key = cel_string_ref(field, strlen(field));
    const cel_val *v = cel_map_get(t->u.map, &key);
    if (!v) return cel_error(c, "no such key: %s", field);
    return *v;
}

/* An index usable on a list: int, uint, or a double with an integral value. */
static bool list_index(const cel_val *k, int64_t *i)
{
    if (k->kind == CV_INT) { *i = k->u.i; return true; }
    if (k->kind == CV_UINT) { *i = k->u.u > INT64_MAX ? INT64_MAX : (int64_t)k->u.u; return true; }
    if (k->kind == CV_DOUBLE && k->u.d == trunc(k->u.d) && fabs(k->u.d) < 9.2e18) { *i = (int64_t)k->u.d; return true; }
    return false;
}

/* t[k]; *found (when not NULL) says whether a missing key or index should
 * become optional.none() instead of an error. */
static cel_val index_value(cel_ctx *c, const cel_val *t, const cel_val *k, bool *found)
{
    if (t->kind == CV_ERROR) return *t;
    if (k->kind == CV_ERROR) return *k;
    if (t->kind == CV_LIST) {
        int64_t i;
        if (!list_index(k, &i)) return cel_no_overload(c, "_[_]");
        if (i < 0 || (uint64_t)i >= t->u.list->n) {
            if (found) { *found = false; return cel_null(); }
            return cel_error(c, "index out of bounds: %lld", (long long)i);
        }
        return t->u.list->items[i];
    }
    if (t->kind == CV_MAP) {
        if (k->kind != CV_STRING && k->kind != CV_INT && k->kind != CV_UINT && k->kind != CV_BOOL &&
            k->kind != CV_DOUBLE)
            return cel_no_overload(c, "_[_]");
        const cel_val *v = cel_map_get(t->u.map, k);
        if (!v) {
            if (found) { *found = false; return cel_null(); }
            return cel_error(c, "no such key: %s", cel_format_value(c, k));
        }
        return *v;
    }
    return cel_no_overload(c, "_[_]");
}

static cel_val eval_and_or(cel_ctx *c, const node *n, bool is_and)
{
    /* the value that decides: false for &&, true for || */
    bool decisive = !is_and;
    cel_val a = cel_eval_node(c, n->args[0]);
    if (a.kind == CV_BOOL && a.u.b == decisive) return a;
    cel_val b = cel_eval_node(c, n->args[1]);
    if (b.kind == CV_BOOL && b.u.b == decisive) return b;
    if (a.kind == CV_ERROR) return a;
    if (b.kind == CV_ERROR) return b;
    if (a.kind != CV_BOOL || b.kind != CV_BOOL) return cel_no_overload(c, is_and ? "_&&_" : "_||_");
    return cel_bool(!decisive);
}

static bool push_scope(cel_ctx *c, const char *name, cel_val v)
{
    if (c->n_scopes >= sizeof c->scopes / sizeof c->scopes[0]) return false;
    c->scopes[c->n_scopes].name = name;
    c->scopes[c->n_scopes].value = v;
    c->n_scopes++;
    return true;
}

/* all, exists, existsOne, transformList, transformMap with an index or
 * key (name) and an element or value (name2); an optional filter comes
 * before the transform. */
static cel_val eval_macro2(cel_ctx *c, const node *n, const cel_val *range)
{
    bool is_list = range->kind == CV_LIST;
    size_t count = is_list ? range->u.list->n : range->u.map->n;
    bool filtered = (n->macro == M2_TRANSFORM_LIST || n->macro == M2_TRANSFORM_MAP) && n->n_args == 4;
    cel_val out = {0}, err = {.kind = CV_NULL};
    size_t n_out = 0, matches = 0;
    if (n->macro == M2_TRANSFORM_LIST) out = cel_list_new(c, count);
    if (n->macro == M2_TRANSFORM_MAP) {
        out.kind = CV_MAP;
        out.u.map = kapi_palloc(c->pool, sizeof(cel_map));
        out.u.map->keys = kapi_palloc(c->pool, (count ? count : 1) * sizeof(cel_val));
        out.u.map->vals = kapi_palloc(c->pool, (count ? count : 1) * sizeof(cel_val));
    }
    for (size_t i = 0; i < count; i++) {
        if (!cel_charge(c, 1)) return cost_error(c);
        cel_val first = is_list ? cel_int((int64_t)i) : range->u.map->keys[i];
        cel_val second = is_list ? range->u.list->items[i] : range->u.map->vals[i];
        if (!push_scope(c, n->name, first) || !push_scope(c, n->name2, second))
            return cel_error(c, "comprehension nesting too deep");
        cel_val p = cel_eval_node(c, n->args[2]);
        if (filtered && p.kind == CV_BOOL && p.u.b) p = cel_eval_node(c, n->args[3]);
        else if (filtered && p.kind == CV_BOOL) { c->n_scopes -= 2; continue; }
        c->n_scopes -= 2;
        if (c->exceeded) return cost_error(c);
        switch (n->macro) {
        case M2_ALL: case M2_EXISTS: {
            bool decisive = n->macro == M2_EXISTS;
            if (p.kind == CV_BOOL && p.u.b == decisive) return p;
            if (p.kind == CV_ERROR) { if (err.kind != CV_ERROR) err = p; }
            else if (p.kind != CV_BOOL && err.kind != CV_ERROR) err = cel_no_overload(c, decisive ? "_||_" : "_&&_");
            break;
        }
        case M2_EXISTS_ONE:
            if (p.kind == CV_ERROR) return p;
            if (p.kind != CV_BOOL) return cel_no_overload(c, "existsOne");
            if (p.u.b) matches++;
            break;
        case M2_TRANSFORM_LIST:
            if (p.kind == CV_ERROR) return p;
            out.u.list->items[n_out++] = p;
            break;
        default:
            if (p.kind == CV_ERROR) return p;
            out.u.map->keys[n_out] = first;
            out.u.map->vals[n_out++] = p;
            break;
        }
    }
    switch (n->macro) {
    case M2_ALL: case M2_EXISTS: return err.kind == CV_ERROR ? err : cel_bool(n->macro == M2_ALL);
    case M2_EXISTS_ONE: return cel_bool(matches == 1);
    case M2_TRANSFORM_LIST: out.u.list->n = n_out; return out;
    default: out.u.map->n = n_out; return out;
    }
}

static cel_val eval_macro(cel_ctx *c, const node *n)
{
    if (n->macro == M_HAS) {
        const node *sel = n->args[0];
        cel_val t = cel_eval_node(c, sel->target);
        if (t.kind == CV_ERROR) return t;
        if (t.kind == CV_OPTIONAL) {   /* has(a.?b.c): false when a.?b is none */
            if (!t.u.opt) return cel_bool(false);
            t = *t.u.opt;
        }
        if (t.kind != CV_MAP) return cel_error(c, "invalid type for field selection: %s", cel_type_name(&t));
        cel_val key = cel_string_ref(sel->name, strlen(sel->name));
        return cel_bool(cel_map_get(t.u.map, &key) != NULL);
    }
    cel_val range = cel_eval_node(c, n->target);
    if (range.kind == CV_ERROR) return range;
    if (n->macro == M_OPT_MAP || n->macro == M_OPT_FLAT_MAP) {
        if (range.kind != CV_OPTIONAL) return cel_no_overload(c, n->macro == M_OPT_MAP ? "optMap" : "optFlatMap");
        if (!range.u.opt) return range;
        if (!push_scope(c, n->name, *range.u.opt)) return cel_error(c, "comprehension nesting too deep");
        cel_val r = cel_eval_node(c, n->args[1]);
        c->n_scopes--;
        if (r.kind == CV_ERROR) return r;
        if (n->macro == M_OPT_MAP) return cel_optional(c, &r);
        if (r.kind != CV_OPTIONAL) return cel_no_overload(c, "optFlatMap");
        return r;
    }
    if (n->macro >= M2_ALL) {
        if (range.kind != CV_LIST && range.kind != CV_MAP)
            return cel_error(c, "expression of type '%s' cannot be range of a comprehension (must be list, map, or dynamic)",
                             cel_type_name(&range));
        return eval_macro2(c, n, &range);
    }
    size_t count;
    const cel_val *items;
    if (range.kind == CV_LIST) { count = range.u.list->n; items = range.u.list->items; }
    else if (range.kind == CV_MAP) { count = range.u.map->n; items = range.u.map->keys; }
    else return cel_error(c, "expression of type '%s' cannot be range of a comprehension (must be list, map, or dynamic)",
                          cel_type_name(&range));
    cel_val result = cel_bool(n->macro == M_ALL);
    cel_val err = {.kind = CV_NULL};
    size_t matches = 0;
    cel_val out = {0};
    size_t n_out = 0;
    if (n->macro == M_MAP || n->macro == M_MAP3 || n->macro == M_FILTER) out = cel_list_new(c, count);
    for (size_t i = 0; i < count; i++) {
        if (!cel_charge(c, 1)) return cost_error(c);
        if (!push_scope(c, n->name, items[i])) return cel_error(c, "comprehension nesting too deep");
        cel_val p = cel_eval_node(c, n->args[1]);
        if (n->macro == M_MAP3 && p.kind == CV_BOOL && p.u.b) p = cel_eval_node(c, n->args[2]);
        else if (n->macro == M_MAP3 && p.kind == CV_BOOL) { c->n_scopes--; continue; }
        c->n_scopes--;
        if (c->exceeded) return cost_error(c);
        switch (n->macro) {
        case M_ALL: case M_EXISTS: {
            bool decisive = n->macro == M_EXISTS;
            if (p.kind == CV_BOOL && p.u.b == decisive) return p;
            if (p.kind == CV_ERROR) { if (err.kind != CV_ERROR) err = p; }
            else if (p.kind != CV_BOOL && err.kind != CV_ERROR) err = cel_no_overload(c, n->macro == M_ALL ? "_&&_" : "_||_");
            break;
        }
        case M_EXISTS_ONE:
            if (p.kind == CV_ERROR) return p;
            if (p.kind != CV_BOOL) return cel_no_overload(c, "exists_one");
            if (p.u.b) matches++;
            break;
        case M_MAP: case M_MAP3:
            if (p.kind == CV_ERROR) return p;
            out.u.list->items[n_out++] = p;
            break;
        case M_FILTER:
            if (p.kind == CV_ERROR) return p;
            if (p.kind != CV_BOOL) return cel_no_overload(c, "filter");
            if (p.u.b) out.u.list->items[n_out++] = items[i];
            break;
        default: break;
        }
    }
    switch (n->macro) {
    case M_ALL: case M_EXISTS: return err.kind == CV_ERROR ? err : result;
    case M_EXISTS_ONE: return cel_bool(matches == 1);
    default: out.u.list->n = n_out; return out;
    }
}

static cel_val eval_list(cel_ctx *c, const node *n)
{
    cel_val l = cel_list_new(c, n->n_args);
    size_t k = 0;
    for (size_t i = 0; i < n->n_args; i++) {
        cel_val v = cel_eval_node(c, n->args[i]);
        if (v.kind == CV_ERROR) return v;
        if (n->optional[i]) {
            if (v.kind != CV_OPTIONAL) return cel_no_overload(c, "optional list element");
            if (!v.u.opt) continue;
            v = *v.u.opt;
        }
        l.u.list->items[k++] = v;
    }
    l.u.list->n = k;
    return l;
}

static cel_val eval_map(cel_ctx *c, const node *n)
{
    size_t pairs = n->n_args / 2;
    cel_val m = {.kind = CV_MAP};
    m.u.map = kapi_palloc(c->pool, sizeof(cel_map));
    m.u.map->keys = kapi_palloc(c->pool, (pairs ? pairs : 1) * sizeof(cel_val));
    m.u.map->vals = kapi_palloc(c->pool, (pairs ? pairs : 1) * sizeof(cel_val));
    for (size_t i = 0; i < pairs; i++) {
        cel_val k = cel_eval_node(c, n->args[2 * i]);
        if (k.kind == CV_ERROR) return k;
        cel_val v = cel_eval_node(c, n->args[2 * i + 1]);
        if (v.kind == CV_ERROR) return v;
        if (k.kind != CV_STRING && k.kind != CV_INT && k.kind != CV_UINT && k.kind != CV_BOOL)
            return cel_error(c, "unsupported key type: %s", cel_type_name(&k));
        if (cel_map_get(m.u.map, &k)) return cel_error(c, "Failed with repeated key: %s", cel_format_value(c, &k));
        if (n->optional[2 * i]) {
            if (v.kind != CV_OPTIONAL) return cel_no_overload(c, "optional map entry");
            if (!v.u.opt) continue;
            v = *v.u.opt;
        }
        m.u.map->keys[m.u.map->n] = k;
        m.u.map->vals[m.u.map->n++] = v;
    }
    return m;
}

static cel_val eval_call(cel_ctx *c, const node *n)
{
    cel_val target, *args = NULL;
    if (n->target) {
        target = cel_eval_node(c, n->target);
        if (target.kind == CV_ERROR) return target;
    }
    if (n->n_args) args = kapi_palloc(c->pool, n->n_args * sizeof *args);
    for (size_t i = 0; i < n->n_args; i++) {
        args[i] = cel_eval_node(c, n->args[i]);
        if (args[i].kind == CV_ERROR) return args[i];
    }
    return cel_call(c, n->name, n->target ? &target : NULL, args, n->n_args);
}

cel_val cel_eval_node(cel_ctx *c, const node *n)
{
    if (n->kind == N_LIT) return n->lit;
    if (!cel_charge(c, 1)) return cost_error(c);
    switch (n->kind) {
    case N_LIT: return n->lit;
    case N_IDENT: return eval_ident(c, n);
    case N_SELECT: {
        cel_val t = cel_eval_node(c, n->target);
        if (t.kind == CV_OPTIONAL) {   /* selecting on an optional keeps it optional */
            if (!t.u.opt) return t;
            if (t.u.opt->kind != CV_MAP) return select_field(c, t.u.opt, n->name);
            cel_val key = cel_string_ref(n->name, strlen(n->name));
            const cel_val *v = cel_map_get(t.u.opt->u.map, &key);
            return cel_optional(c, v);
        }
        return select_field(c, &t, n->name);
    }
    case N_OPT_SELECT: {
        cel_val t = cel_eval_node(c, n->target);
        if (t.kind == CV_ERROR) return t;
        if (t.kind == CV_OPTIONAL) {
            if (!t.u.opt) return t;
            t = *t.u.opt;
        }
        if (t.kind != CV_MAP) return cel_error(c, "type '%s' does not support field selection", cel_type_name(&t));
        cel_val key = cel_string_ref(n->name, strlen(n->name));
        return cel_optional(c, cel_map_get(t.u.map, &key));
    }
    case N_INDEX: case N_OPT_INDEX: {
        cel_val t = cel_eval_node(c, n->args[0]);
        cel_val k = cel_eval_node(c, n->args[1]);
        if (t.kind == CV_ERROR) return t;
        if (k.kind == CV_ERROR) return k;
        bool opt = n->kind == N_OPT_INDEX;
        if (t.kind == CV_OPTIONAL) {
            if (!t.u.opt) return t;
            t = *t.u.opt;
            opt = true;
        }
        if (!opt) return index_value(c, &t, &k, NULL);
        bool found = true;
        cel_val v = index_value(c, &t, &k, &found);
        if (v.kind == CV_ERROR) return v;
        return cel_optional(c, found ? &v : NULL);
    }
    case N_CALL: return eval_call(c, n);
    case N_LIST: return eval_list(c, n);
    case N_MAP: return eval_map(c, n);
    case N_STRUCT: return cel_error(c, "unknown type: %s", n->name);
    case N_UNARY: {
        cel_val a = cel_eval_node(c, n->args[0]);
        if (a.kind == CV_ERROR) return a;
        if (n->op == OP_NOT) {
            if (a.kind != CV_BOOL) return cel_no_overload(c, "!_");
            return cel_bool(!a.u.b);
        }
        if (a.kind == CV_INT) {
            if (a.u.i == INT64_MIN) return cel_error(c, "integer overflow");
            return cel_int(-a.u.i);
        }
        if (a.kind == CV_DOUBLE) return cel_double(-a.u.d);
        if (a.kind == CV_DURATION && a.u.dur != INT64_MIN) { a.u.dur = -a.u.dur; return a; }
        return cel_no_overload(c, "-_");
    }
    case N_BINARY: {
        cel_val a = cel_eval_node(c, n->args[0]);
        if (a.kind == CV_ERROR) return a;
        cel_val b = cel_eval_node(c, n->args[1]);
        if (b.kind == CV_ERROR) return b;
        return cel_binary(c, n->op, &a, &b);
    }
    case N_AND: return eval_and_or(c, n, true);
    case N_OR: return eval_and_or(c, n, false);
    case N_COND: {
        cel_val cond = cel_eval_node(c, n->args[0]);
        if (cond.kind == CV_ERROR) return cond;
        if (cond.kind != CV_BOOL) return cel_no_overload(c, "_?_:_");
        return cel_eval_node(c, n->args[cond.u.b ? 1 : 2]);
    }
    case N_MACRO: return eval_macro(c, n);
    }
    return cel_error(c, "internal error: unknown node");
}
