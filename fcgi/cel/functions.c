/* functions.c: CEL's operators and standard functions: arithmetic with
 * overflow errors (int and uint checked, double IEEE), comparison across
 * numeric types, 'in', size, type, dyn, the conversions int() uint()
 * double() string() bytes() bool() with their range errors, and the
 * optional-type functions; string, time and Kubernetes functions are in
 * strings.c, time.c and kube.c. cel_call is the one dispatcher. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/kapi.h"
#include "cel/cel_int.h"

static cel_val overflow(cel_ctx *c) { return cel_error(c, "integer overflow"); }
static cel_val uoverflow(cel_ctx *c) { return cel_error(c, "unsigned integer overflow"); }

static cel_val add_list(cel_ctx *c, const cel_list *a, const cel_list *b)
{
    /* one unit per element: memory a rule can build stays bounded by the budget */
    if (!cel_charge(c, (int64_t)(a->n + b->n))) return cel_error(c, "operation cancelled: actual cost limit exceeded");
    cel_val l = cel_list_new(c, a->n + b->n);
    if (a->n) memcpy(l.u.list->items, a->items, a->n * sizeof(cel_val));
    if (b->n) memcpy(l.u.list->items + a->n, b->items, b->n * sizeof(cel_val));
    return l;
}

static cel_val check_timestamp(cel_ctx *c, int64_t sec, int64_t nsec)
{
    if (nsec < 0) { sec--; nsec += 1000000000; }
    if (nsec >= 1000000000) { sec++; nsec -= 1000000000; }
    if (sec < CEL_TS_MIN || sec > CEL_TS_MAX) return cel_error(c, "timestamp overflow");
    cel_val v = {.kind = CV_TIMESTAMP};
    v.u.ts.sec = sec;
    v.u.ts.nsec = (int32_t)nsec;
    return v;
}

static cel_val duration(int64_t ns) { cel_val v = {.kind = CV_DURATION}; v.u.dur = ns; return v; }

static cel_val arith(cel_ctx *c, cel_op op, const cel_val *a, const cel_val *b)
{
    static const char *const names[] = {[OP_ADD] = "_+_", [OP_SUB] = "_-_", [OP_MUL] = "_*_", [OP_DIV] = "_/_", [OP_MOD] = "_%_"};
    if (a->kind == CV_INT && b->kind == CV_INT) {
        int64_t x = a->u.i, y = b->u.i, r;
        switch (op) {
        case OP_ADD: if (__builtin_add_overflow(x, y, &r)) return overflow(c); return cel_int(r);
        case OP_SUB: if (__builtin_sub_overflow(x, y, &r)) return overflow(c); return cel_int(r);
        case OP_MUL: if (__builtin_mul_overflow(x, y, &r)) return overflow(c); return cel_int(r);
        case OP_DIV:
            if (y == 0) return cel_error(c, "division by zero");
            if (x == INT64_MIN && y == -1) return overflow(c);
            return cel_int(x / y);
        case OP_MOD:
            if (y == 0) return cel_error(c, "modulus by zero");
            if (x == INT64_MIN && y == -1) return overflow(c);
            return cel_int(x % y);
        default: break;
        }
    }
    if (a->kind == CV_UINT && b->kind == CV_UINT) {
        uint64_t x = a->u.u, y = b->u.u, r;
        switch (op) {
        case OP_ADD: if (__builtin_add_overflow(x, y, &r)) return uoverflow(c); return cel_uint(r);
        case OP_SUB: if (__builtin_sub_overflow(x, y, &r)) return uoverflow(c); return cel_uint(r);
        case OP_MUL: if (__builtin_mul_overflow(x, y, &r)) return uoverflow(c); return cel_uint(r);
        case OP_DIV: if (y == 0) return cel_error(c, "division by zero"); return cel_uint(x / y);
        case OP_MOD: if (y == 0) return cel_error(c, "modulus by zero"); return cel_uint(x % y);
        default: break;
        }
    }
    if (a->kind == CV_DOUBLE && b->kind == CV_DOUBLE) {
        double x = a->u.d, y = b->u.d;
        switch (op) {
        case OP_ADD: return cel_double(x + y);
        case OP_SUB: return cel_double(x - y);
        case OP_MUL: return cel_double(x * y);
        case OP_DIV: return cel_double(x / y);
        default: break;
        }
    }
    if (op == OP_ADD && a->kind == b->kind && (a->kind == CV_STRING || a->kind == CV_BYTES)) {
        if (!cel_charge(c, (int64_t)(a->u.s.len + b->u.s.len) / 10))
            return cel_error(c, "operation cancelled: actual cost limit exceeded");
        char *p = kapi_palloc(c->pool, a->u.s.len + b->u.s.len + 1);
        if (a->u.s.len) memcpy(p, a->u.s.p, a->u.s.len);
        if (b->u.s.len) memcpy(p + a->u.s.len, b->u.s.p, b->u.s.len);
        cel_val v = cel_string_ref(p, a->u.s.len + b->u.s.len);
        v.kind = a->kind;
        return v;
    }
    if (op == OP_ADD && a->kind == CV_LIST && b->kind == CV_LIST) return add_list(c, a->u.list, b->u.list);
    if (a->kind == CV_DURATION && b->kind == CV_DURATION && (op == OP_ADD || op == OP_SUB)) {
        int64_t r;
        if (op == OP_ADD ? __builtin_add_overflow(a->u.dur, b->u.dur, &r) : __builtin_sub_overflow(a->u.dur, b->u.dur, &r))
            return overflow(c);
        return duration(r);
    }
    if (a->kind == CV_TIMESTAMP && b->kind == CV_DURATION && (op == OP_ADD || op == OP_SUB)) {
        int64_t d = op == OP_ADD ? b->u.dur : -b->u.dur;
        return check_timestamp(c, a->u.ts.sec + d / 1000000000, a->u.ts.nsec + d % 1000000000);
    }
    if (a->kind == CV_DURATION && b->kind == CV_TIMESTAMP && op == OP_ADD)
        return check_timestamp(c, b->u.ts.sec + a->u.dur / 1000000000, b->u.ts.nsec + a->u.dur % 1000000000);
    if (a->kind == CV_TIMESTAMP && b->kind == CV_TIMESTAMP && op == OP_SUB) {
        int64_t s, r;
        if (__builtin_sub_overflow(a->u.ts.sec, b->u.ts.sec, &s) || __builtin_mul_overflow(s, 1000000000LL, &r) ||
            __builtin_add_overflow(r, (int64_t)a->u.ts.nsec - b->u.ts.nsec, &r))
            return overflow(c);
        return duration(r);
    }
    return cel_no_overload(c, names[op]);
}

cel_val cel_binary(cel_ctx *c, cel_op op, const cel_val *a, const cel_val *b)
{
    switch (op) {
    case OP_EQ: return cel_equals(c, a, b);
    case OP_NE: { cel_val r = cel_equals(c, a, b); if (r.kind == CV_BOOL) r.u.b = !r.u.b; return r; }
    case OP_LT: case OP_LE: case OP_GT: case OP_GE: {
        bool ok;
        int r = cel_compare(a, b, &ok);
        if (!ok) {
            static const char *const names[] = {[OP_LT] = "_<_", [OP_LE] = "_<=_", [OP_GT] = "_>_", [OP_GE] = "_>=_"};
            return cel_no_overload(c, names[op]);
        }
        if (r == 2) return cel_bool(false);   /* NaN */
        return cel_bool(op == OP_LT ? r < 0 : op == OP_LE ? r <= 0 : op == OP_GT ? r > 0 : r >= 0);
    }
    case OP_IN:
        if (b->kind == CV_LIST) {
            if (!cel_charge(c, (int64_t)b->u.list->n / 10)) return cel_error(c, "operation cancelled: actual cost limit exceeded");
            for (size_t i = 0; i < b->u.list->n; i++)
                if (cel_equal_bool(a, &b->u.list->items[i])) return cel_bool(true);
            return cel_bool(false);
        }
        if (b->kind == CV_MAP) return cel_bool(cel_map_get(b->u.map, a) != NULL);
        return cel_no_overload(c, "@in");
    default: return arith(c, op, a, b);
    }
}

/* ---- conversions */

/* Go's strconv.FormatFloat(d, 'g', -1, 64): the shortest digits that read
 * back as d, in exponent form when the exponent is < -4 or >= 6 (as
 * cel-go prints doubles). */
char *cel_format_double(cel_ctx *c, double d);
char *cel_format_double(cel_ctx *c, double d)
{
    if (isnan(d)) return "NaN";
    if (isinf(d)) return d > 0 ? "+Inf" : "-Inf";
    char buf[64];
    int prec;
    for (prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*e", prec - 1, d);
        if (strtod(buf, NULL) == d) break;
    }
    int exp = atoi(strchr(buf, 'e') + 1);
    if (exp < -4 || exp >= 6) {
        /* Go writes e+06 as e+06 and e+100 as e+100: the same as C */
        return kapi_pstrdup(c->pool, buf);
    }
    int decimals = prec - 1 - exp;
    snprintf(buf, sizeof buf, "%.*f", decimals > 0 ? decimals : 0, d);
    return kapi_pstrdup(c->pool, buf);
}

/* The string value v as C text in buf (cap bytes) for strtoll and its
 * kin; false when it is empty, too long, or starts with a space or one of
 * the signs in refused_signs (CEL's int("+1") is an error, strtoll's not). */
static bool number_text(const cel_val *v, char *buf, size_t cap, const char *refused_signs)
{
    if (v->u.s.len == 0 || v->u.s.len >= cap) return false;
    memcpy(buf, v->u.s.p, v->u.s.len);
    buf[v->u.s.len] = 0;
    return buf[0] != ' ' && !strchr(refused_signs, buf[0]);
}

static cel_val to_int(cel_ctx *c, const cel_val *v)
{
    switch (v->kind) {
    case CV_INT: return *v;
    case CV_UINT: if (v->u.u > INT64_MAX) return cel_error(c, "range error converting %llu to int", (unsigned long long)v->u.u);
        return cel_int((int64_t)v->u.u);
    case CV_DOUBLE:
        if (isnan(v->u.d) || v->u.d <= -9223372036854775808.0 || v->u.d >= 9223372036854775807.0)
            return cel_error(c, "range error converting %g to int", v->u.d);
        return cel_int((int64_t)v->u.d);
    case CV_STRING: {
        char buf[64], *end;
        if (!number_text(v, buf, sizeof buf, "+")) return cel_error(c, "type conversion error from 'string' to 'int'");
        errno = 0;
        long long r = strtoll(buf, &end, 10);
        if (*end || errno) return cel_error(c, "type conversion error from 'string' to 'int'");
        return cel_int(r);
    }
    case CV_TIMESTAMP: return cel_int(v->u.ts.sec);
    case CV_DURATION: return cel_int(v->u.dur);
    default: return cel_no_overload(c, "int");
    }
}

static cel_val to_uint(cel_ctx *c, const cel_val *v)
{
    switch (v->kind) {
    case CV_UINT: return *v;
    case CV_INT: if (v->u.i < 0) return cel_error(c, "range error converting %lld to uint", (long long)v->u.i);
        return cel_uint((uint64_t)v->u.i);
    case CV_DOUBLE:
        if (isnan(v->u.d) || v->u.d < 0 || v->u.d >= 18446744073709551615.0)
            return cel_error(c, "range error converting %g to uint", v->u.d);
        return cel_uint((uint64_t)v->u.d);
    case CV_STRING: {
        char buf[64], *end;
        if (!number_text(v, buf, sizeof buf, "+-")) return cel_error(c, "type conversion error from 'string' to 'uint'");
        errno = 0;
        unsigned long long r = strtoull(buf, &end, 10);
        if (*end || errno) return cel_error(c, "type conversion error from 'string' to 'uint'");
        return cel_uint(r);
    }
    default: return cel_no_overload(c, "uint");
    }
}

static cel_val to_double(cel_ctx *c, const cel_val *v)
{
    switch (v->kind) {
    case CV_DOUBLE: return *v;
    case CV_INT: return cel_double((double)v->u.i);
    case CV_UINT: return cel_double((double)v->u.u);
    case CV_STRING: {
        char buf[400], *end;
        if (!number_text(v, buf, sizeof buf, "")) return cel_error(c, "type conversion error from 'string' to 'double'");
        double d = strtod(buf, &end);
        if (*end) return cel_error(c, "type conversion error from 'string' to 'double'");
        return cel_double(d);
    }
    default: return cel_no_overload(c, "double");
    }
}

static cel_val to_string(cel_ctx *c, const cel_val *v)
{
    char buf[64];
    const char *s;
    switch (v->kind) {
    case CV_STRING: return *v;
    case CV_INT: snprintf(buf, sizeof buf, "%lld", (long long)v->u.i); s = buf; break;
    case CV_UINT: snprintf(buf, sizeof buf, "%llu", (unsigned long long)v->u.u); s = buf; break;
    case CV_DOUBLE: s = cel_format_double(c, v->u.d); break;
    case CV_BOOL: s = v->u.b ? "true" : "false"; break;
    case CV_BYTES:
        if (!cel_utf8_valid(v->u.s.p, v->u.s.len)) return cel_error(c, "invalid UTF-8 in bytes, cannot convert to string");
        return cel_string_ref(v->u.s.p, v->u.s.len);
    case CV_TIMESTAMP: s = cel_format_timestamp(c, v->u.ts.sec, v->u.ts.nsec); break;
    case CV_DURATION: s = cel_format_duration(c, v->u.dur); break;
    case CV_NULL: s = "null"; break;
    case CV_TYPE: s = v->u.type; break;
    case CV_OBJECT: s = cel_object_string(c, v); if (!s) return cel_no_overload(c, "string"); break;
    default: return cel_no_overload(c, "string");
    }
    return cel_string(c, s, strlen(s));
}

static cel_val to_bool(cel_ctx *c, const cel_val *v)
{
    if (v->kind == CV_BOOL) return *v;
    if (v->kind != CV_STRING) return cel_no_overload(c, "bool");
    static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True", NULL};
    static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False", NULL};
    for (int i = 0; yes[i]; i++)
        if (v->u.s.len == strlen(yes[i]) && !memcmp(v->u.s.p, yes[i], v->u.s.len)) return cel_bool(true);
    for (int i = 0; no[i]; i++)
        if (v->u.s.len == strlen(no[i]) && !memcmp(v->u.s.p, no[i], v->u.s.len)) return cel_bool(false);
    return cel_error(c, "type conversion error from 'string' to 'bool'");
}

static cel_val size_of(cel_ctx *c, const cel_val *v)
{
    switch (v->kind) {
    case CV_STRING: return cel_int((int64_t)cel_utf8_count(v->u.s.p, v->u.s.len));
    case CV_BYTES: return cel_int((int64_t)v->u.s.len);
    case CV_LIST: return cel_int((int64_t)v->u.list->n);
    case CV_MAP: return cel_int((int64_t)v->u.map->n);
    default: return cel_no_overload(c, "size");
    }
}

/* The zero value of each type, for optional.ofNonZeroValue. */
static bool is_zero(const cel_val *v)
{
    switch (v->kind) {
    case CV_NULL: return true;
    case CV_BOOL: return !v->u.b;
    case CV_INT: return v->u.i == 0;
    case CV_UINT: return v->u.u == 0;
    case CV_DOUBLE: return v->u.d == 0;
    case CV_STRING: case CV_BYTES: return v->u.s.len == 0;
    case CV_LIST: return v->u.list->n == 0;
    case CV_MAP: return v->u.map->n == 0;
    case CV_DURATION: return v->u.dur == 0;
    case CV_TIMESTAMP: return v->u.ts.sec == 0 && v->u.ts.nsec == 0;
    default: return false;
    }
}

static cel_val call_optional(cel_ctx *c, const char *fn, const cel_val *t, const cel_val *a, size_t n, bool *found)
{
    *found = true;
    if (!t && !strcmp(fn, "optional.of") && n == 1) return cel_optional(c, &a[0]);
    if (!t && !strcmp(fn, "optional.ofNonZeroValue") && n == 1) return cel_optional(c, is_zero(&a[0]) ? NULL : &a[0]);
    if (!t && !strcmp(fn, "optional.none") && n == 0) return cel_optional(c, NULL);
    if (t && t->kind == CV_OPTIONAL) {
        if (!strcmp(fn, "hasValue") && n == 0) return cel_bool(t->u.opt != NULL);
        if (!strcmp(fn, "value") && n == 0) return t->u.opt ? *t->u.opt : cel_error(c, "optional.none() dereference");
        if (!strcmp(fn, "orValue") && n == 1) return t->u.opt ? *t->u.opt : a[0];
        if (!strcmp(fn, "or") && n == 1) {
            if (a[0].kind != CV_OPTIONAL) return cel_no_overload(c, "or");
            return t->u.opt ? *t : a[0];
        }
    }
    *found = false;
    return cel_null();
}

cel_val cel_call(cel_ctx *c, const char *fn, const cel_val *t, const cel_val *a, size_t n)
{
    /* the global form f(x) and the method form x.f() of one-argument functions */
    const cel_val *x = t ? t : (n >= 1 ? &a[0] : NULL);
    size_t rest = t ? n : (n ? n - 1 : 0);
    if (x && rest == 0) {
        if (!strcmp(fn, "size")) return size_of(c, x);
        if (!t) {
            if (!strcmp(fn, "int")) return to_int(c, x);
            if (!strcmp(fn, "uint")) return to_uint(c, x);
            if (!strcmp(fn, "double")) return to_double(c, x);
            if (!strcmp(fn, "string")) return to_string(c, x);
            if (!strcmp(fn, "bool")) return to_bool(c, x);
            if (!strcmp(fn, "dyn")) return *x;
            if (!strcmp(fn, "type")) return x->kind == CV_TYPE ? cel_type("type") : cel_type(cel_type_name(x));
            if (!strcmp(fn, "bytes")) {
                if (x->kind == CV_BYTES) return *x;
                if (x->kind == CV_STRING) { cel_val v = *x; v.kind = CV_BYTES; return v; }
                return cel_no_overload(c, "bytes");
            }
        }
    }
    bool found;
    cel_val r = call_optional(c, fn, t, a, n, &found);
    if (found) return r;
    r = cel_call_string(c, fn, t, a, n, &found);
    if (found) return r;
    r = cel_call_time(c, fn, t, a, n, &found);
    if (found) return r;
    r = cel_call_kube(c, fn, t, a, n, &found);
    if (found) return r;
    r = cel_call_kube_types(c, fn, t, a, n, &found);
    if (found) return r;
    r = cel_call_kube_format(c, fn, t, a, n, &found);
    if (found) return r;
    return cel_error(c, "no such overload: %s", fn);
}
