/* strings.c: CEL's string functions: contains, startsWith, endsWith,
 * matches (regex.h), and the strings extension Kubernetes enables
 * (cel-go ext.Strings): charAt, indexOf, lastIndexOf, lowerAscii,
 * upperAscii, replace, split, substring, trim, join, reverse,
 * strings.quote, format. Indexes count Unicode code points, as CEL does. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/kapi.h"
#include "cel/cel_int.h"
#include "cel/regex.h"

char *cel_format_double(cel_ctx *c, double d);

static bool is_str(const cel_val *v) { return v->kind == CV_STRING; }

/* Byte offset of code point index cp in s, or -1 past the end. */
static long byte_offset(const char *p, size_t len, int64_t cp)
{
    if (cp < 0) return -1;
    size_t i = 0;
    int64_t k = 0;
    while (k < cp) {
        if (i >= len) return -1;
        i++;
        while (i < len && ((unsigned char)p[i] & 0xC0) == 0x80) i++;
        k++;
    }
    return (long)i;
}

static const char *find(const char *h, size_t hl, const char *n, size_t nl)
{
    if (nl == 0) return h;
    if (nl > hl) return NULL;
    return memmem(h, hl, n, nl);
}

static cel_val matches(cel_ctx *c, const cel_val *s, const cel_val *re)
{
    cel_val failed;
    const regex_t *rx = cel_regex_for_text(c, re, s->u.s.len, &failed);
    if (!rx) return failed;
    char *text = kapi_pstrndup(c->pool, s->u.s.p, s->u.s.len);
    return cel_bool(regexec(rx, text, 0, NULL, 0) == 0);
}

static cel_val index_of(cel_ctx *c, const cel_val *s, const cel_val *sub, const cel_val *start, bool last)
{
    size_t n_cp = cel_utf8_count(s->u.s.p, s->u.s.len);
    int64_t from = last ? (int64_t)n_cp : 0;
    if (start) {
        if (start->kind != CV_INT) return cel_no_overload(c, last ? "lastIndexOf" : "indexOf");
        from = start->u.i;
        if (from < 0 || (uint64_t)from > n_cp) return cel_error(c, "index out of range: %lld", (long long)from);
    }
    if (!cel_charge(c, (int64_t)s->u.s.len / 10)) return cel_error(c, "operation cancelled: actual cost limit exceeded");
    if (!last) {
        long off = byte_offset(s->u.s.p, s->u.s.len, from);
        const char *hit = find(s->u.s.p + off, s->u.s.len - (size_t)off, sub->u.s.p, sub->u.s.len);
        if (!hit) return cel_int(-1);
        return cel_int(from + (int64_t)cel_utf8_count(s->u.s.p + off, (size_t)(hit - (s->u.s.p + off))));
    }
    /* the last match starting at or before code point 'from' */
    long limit = byte_offset(s->u.s.p, s->u.s.len, from);
    if (limit < 0) limit = (long)s->u.s.len;
    for (long i = limit; i >= 0; i--) {
        if (i < (long)s->u.s.len && ((unsigned char)s->u.s.p[i] & 0xC0) == 0x80) continue;
        if ((size_t)i + sub->u.s.len <= s->u.s.len && !memcmp(s->u.s.p + i, sub->u.s.p, sub->u.s.len))
            return cel_int((int64_t)cel_utf8_count(s->u.s.p, (size_t)i));
    }
    return cel_int(-1);
}

static cel_val substring(cel_ctx *c, const cel_val *s, const cel_val *a, const cel_val *b)
{
    if (a->kind != CV_INT || (b && b->kind != CV_INT)) return cel_no_overload(c, "substring");
    size_t n_cp = cel_utf8_count(s->u.s.p, s->u.s.len);
    int64_t start = a->u.i, end = b ? b->u.i : (int64_t)n_cp;
    if (start < 0 || (uint64_t)start > n_cp) return cel_error(c, "index out of range: %lld", (long long)start);
    if (end < 0 || (uint64_t)end > n_cp) return cel_error(c, "index out of range: %lld", (long long)end);
    if (start > end) return cel_error(c, "invalid substring range. start: %lld, end: %lld", (long long)start, (long long)end);
    long bs = byte_offset(s->u.s.p, s->u.s.len, start), be = byte_offset(s->u.s.p, s->u.s.len, end);
    return cel_string(c, s->u.s.p + bs, (size_t)(be - bs));
}

static cel_val replace(cel_ctx *c, const cel_val *s, const cel_val *old, const cel_val *new, int64_t limit)
{
    if (!cel_charge(c, (int64_t)s->u.s.len / 10)) return cel_error(c, "operation cancelled: actual cost limit exceeded");
    kapi_buf *b = kapi_pool_buf(c->pool);
    const char *p = s->u.s.p, *end = p + s->u.s.len;
    int64_t done = 0;
    if (old->u.s.len == 0) {
        /* Go's strings.Replace with an empty old: insert before each code point and at the end */
        while (limit < 0 || done < limit) {
            kapi_buf_put(b, new->u.s.p, new->u.s.len);
            done++;
            if (p >= end) break;
            const char *q = p + 1;
            while (q < end && ((unsigned char)*q & 0xC0) == 0x80) q++;
            kapi_buf_put(b, p, (size_t)(q - p));
            p = q;
            if (!cel_charge(c, (int64_t)new->u.s.len / 10)) return cel_error(c, "operation cancelled: actual cost limit exceeded");
        }
        kapi_buf_put(b, p, (size_t)(end - p));
        return cel_string(c, b->data ? b->data : "", b->len);
    }
    while (limit < 0 || done < limit) {
        const char *hit = find(p, (size_t)(end - p), old->u.s.p, old->u.s.len);
        if (!hit) break;
        kapi_buf_put(b, p, (size_t)(hit - p));
        kapi_buf_put(b, new->u.s.p, new->u.s.len);
        p = hit + old->u.s.len;
        done++;
        if (!cel_charge(c, (int64_t)new->u.s.len / 10)) return cel_error(c, "operation cancelled: actual cost limit exceeded");
    }
    kapi_buf_put(b, p, (size_t)(end - p));
    return cel_string(c, b->data ? b->data : "", b->len);
}

static cel_val split(cel_ctx *c, const cel_val *s, const cel_val *sep, int64_t limit)
{
    if (limit == 0) return cel_list_new(c, 0);
    if (!cel_charge(c, (int64_t)s->u.s.len / 10)) return cel_error(c, "operation cancelled: actual cost limit exceeded");
    size_t cap = s->u.s.len + 2;
    cel_val l = cel_list_new(c, cap);
    size_t n = 0;
    const char *p = s->u.s.p, *end = p + s->u.s.len;
    if (sep->u.s.len == 0) {   /* one string per code point */
        while (p < end) {
            if (limit > 0 && (int64_t)n == limit - 1) { l.u.list->items[n++] = cel_string(c, p, (size_t)(end - p)); p = end; break; }
            const char *q = p + 1;
            while (q < end && ((unsigned char)*q & 0xC0) == 0x80) q++;
            l.u.list->items[n++] = cel_string(c, p, (size_t)(q - p));
            p = q;
        }
        l.u.list->n = n;
        return l;
    }
    for (;;) {
        const char *hit = (limit > 0 && (int64_t)n == limit - 1) ? NULL : find(p, (size_t)(end - p), sep->u.s.p, sep->u.s.len);
        if (!hit) { l.u.list->items[n++] = cel_string(c, p, (size_t)(end - p)); break; }
        l.u.list->items[n++] = cel_string(c, p, (size_t)(hit - p));
        p = hit + sep->u.s.len;
    }
    l.u.list->n = n;
    return l;
}

static cel_val join(cel_ctx *c, const cel_val *l, const cel_val *sep)
{
    kapi_buf *b = kapi_pool_buf(c->pool);
    for (size_t i = 0; i < l->u.list->n; i++) {
        const cel_val *e = &l->u.list->items[i];
        if (e->kind != CV_STRING) return cel_no_overload(c, "join");
        if (i && sep) kapi_buf_put(b, sep->u.s.p, sep->u.s.len);
        kapi_buf_put(b, e->u.s.p, e->u.s.len);
    }
    if (!cel_charge(c, (int64_t)b->len / 10)) return cel_error(c, "operation cancelled: actual cost limit exceeded");
    return cel_string(c, b->data ? b->data : "", b->len);
}

/* Unicode White_Space, as Go's strings.TrimSpace trims. */
static size_t space_at(const unsigned char *p, size_t left)
{
    if (left >= 1 && (*p == ' ' || (*p >= 9 && *p <= 13))) return 1;
    if (left >= 2 && p[0] == 0xC2 && (p[1] == 0x85 || p[1] == 0xA0)) return 2;
    if (left >= 3 && p[0] == 0xE1 && p[1] == 0x9A && p[2] == 0x80) return 3;
    if (left >= 3 && p[0] == 0xE2 && p[1] == 0x80 && ((p[2] >= 0x80 && p[2] <= 0x8A) || p[2] == 0xA8 || p[2] == 0xA9 || p[2] == 0xAF)) return 3;
    if (left >= 3 && p[0] == 0xE2 && p[1] == 0x81 && p[2] == 0x9F) return 3;
    if (left >= 3 && p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) return 3;
    return 0;
}

static cel_val trim(cel_ctx *c, const cel_val *s)
{
    const unsigned char *p = (const unsigned char *)s->u.s.p;
    size_t a = 0, b = s->u.s.len, k;
    while (a < b && (k = space_at(p + a, b - a))) a += k;
    for (;;) {   /* from the end: find the code point that ends at b */
        if (a >= b) break;
        size_t start = b - 1;
        while (start > a && (p[start] & 0xC0) == 0x80) start--;
        if (space_at(p + start, b - start) != b - start) break;
        b = start;
    }
    return cel_string(c, s->u.s.p + a, b - a);
}

static cel_val change_case(cel_ctx *c, const cel_val *s, bool upper)
{
    cel_val r = cel_string(c, s->u.s.p, s->u.s.len);
    char *p = (char *)r.u.s.p;
    for (size_t i = 0; i < r.u.s.len; i++) {
        if (upper && p[i] >= 'a' && p[i] <= 'z') p[i] = (char)(p[i] - 32);
        if (!upper && p[i] >= 'A' && p[i] <= 'Z') p[i] = (char)(p[i] + 32);
    }
    return r;
}

static cel_val char_at(cel_ctx *c, const cel_val *s, const cel_val *i)
{
    if (i->kind != CV_INT) return cel_no_overload(c, "charAt");
    size_t n_cp = cel_utf8_count(s->u.s.p, s->u.s.len);
    if (i->u.i < 0 || (uint64_t)i->u.i > n_cp) return cel_error(c, "index out of range: %lld", (long long)i->u.i);
    if ((uint64_t)i->u.i == n_cp) return cel_string_ref("", 0);
    long a = byte_offset(s->u.s.p, s->u.s.len, i->u.i), b = byte_offset(s->u.s.p, s->u.s.len, i->u.i + 1);
    return cel_string(c, s->u.s.p + a, (size_t)(b - a));
}

static cel_val reverse(cel_ctx *c, const cel_val *s)
{
    char *out = kapi_palloc(c->pool, s->u.s.len + 1);
    const char *p = s->u.s.p;
    size_t n = s->u.s.len, w = n;
    for (size_t i = 0; i < n;) {
        size_t k = 1;
        while (i + k < n && ((unsigned char)p[i + k] & 0xC0) == 0x80) k++;
        w -= k;
        memcpy(out + w, p + i, k);
        i += k;
    }
    return cel_string_ref(out, n);
}

static cel_val quote(cel_ctx *c, const cel_val *s)
{
    kapi_buf *b = kapi_pool_buf(c->pool);
    kapi_buf_putc(b, '"');
    for (size_t i = 0; i < s->u.s.len; i++) {
        unsigned char ch = (unsigned char)s->u.s.p[i];
        switch (ch) {
        case '\a': kapi_buf_puts(b, "\\a"); break;
        case '\b': kapi_buf_puts(b, "\\b"); break;
        case '\f': kapi_buf_puts(b, "\\f"); break;
        case '\n': kapi_buf_puts(b, "\\n"); break;
        case '\r': kapi_buf_puts(b, "\\r"); break;
        case '\t': kapi_buf_puts(b, "\\t"); break;
        case '\v': kapi_buf_puts(b, "\\v"); break;
        case '\\': kapi_buf_puts(b, "\\\\"); break;
        case '"': kapi_buf_puts(b, "\\\""); break;
        default: kapi_buf_putc(b, (char)ch);
        }
    }
    kapi_buf_putc(b, '"');
    return cel_string(c, b->data, b->len);
}

static int compare_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A value as format's %s clause writes it: strings and bytes bare, lists
 * and maps with their elements the same way (map entries sorted). */
static const char *format_s(cel_ctx *c, const cel_val *v)
{
    kapi_buf *b = kapi_pool_buf(c->pool);
    switch (v->kind) {
    case CV_STRING: case CV_BYTES: return kapi_pstrndup(c->pool, v->u.s.p, v->u.s.len);
    case CV_UINT: return kapi_psprintf(c->pool, "%llu", (unsigned long long)v->u.u);
    case CV_DOUBLE:
        if (isnan(v->u.d)) return "NaN";
        if (isinf(v->u.d)) return v->u.d > 0 ? "Infinity" : "-Infinity";
        return cel_format_double(c, v->u.d);
    case CV_LIST:
        kapi_buf_putc(b, '[');
        for (size_t i = 0; i < v->u.list->n; i++) {
            if (i) kapi_buf_puts(b, ", ");
            kapi_buf_puts(b, format_s(c, &v->u.list->items[i]));
        }
        kapi_buf_putc(b, ']');
        return kapi_pstrndup(c->pool, b->data, b->len);
    case CV_MAP: {
        size_t n = v->u.map->n;
        const char **entries = kapi_palloc(c->pool, (n ? n : 1) * sizeof *entries);
        for (size_t i = 0; i < n; i++)
            entries[i] = kapi_psprintf(c->pool, "%s: %s", format_s(c, &v->u.map->keys[i]), format_s(c, &v->u.map->vals[i]));
        qsort(entries, n, sizeof *entries, compare_text);
        kapi_buf_putc(b, '{');
        for (size_t i = 0; i < n; i++) {
            if (i) kapi_buf_puts(b, ", ");
            kapi_buf_puts(b, entries[i]);
        }
        kapi_buf_putc(b, '}');
        return kapi_pstrndup(c->pool, b->data, b->len);
    }
    default: {
        cel_val args1[1] = {*v};
        cel_val s = cel_call(c, "string", NULL, args1, 1);
        if (s.kind != CV_STRING) return cel_format_value(c, v);
        return kapi_pstrndup(c->pool, s.u.s.p, s.u.s.len);
    }
    }
}

/* cel-go's string.format: %s %d %f %e %x %X %o %b with an optional
 * precision for %f and %e (default 6), %% for a percent sign. */
static cel_val format(cel_ctx *c, const cel_val *fmt, const cel_val *args)
{
    if (args->kind != CV_LIST) return cel_no_overload(c, "format");
    kapi_buf *b = kapi_pool_buf(c->pool);
    const char *p = fmt->u.s.p, *end = p + fmt->u.s.len;
    size_t argi = 0;
    while (p < end) {
        if (*p != '%') { kapi_buf_putc(b, *p++); continue; }
        p++;
        if (p < end && *p == '%') { kapi_buf_putc(b, '%'); p++; continue; }
        int prec = -1;
        if (p < end && *p == '.') {
            prec = 0;
            p++;
            while (p < end && *p >= '0' && *p <= '9') prec = prec * 10 + (*p++ - '0');
        }
        if (p >= end) return cel_error(c, "unexpected end of format string");
        char verb = *p++;
        if (argi >= args->u.list->n) return cel_error(c, "index %zu out of range", argi);
        const cel_val *a = &args->u.list->items[argi++];
        switch (verb) {
        case 's':
            if (a->kind == CV_STRING || a->kind == CV_BYTES) kapi_buf_put(b, a->u.s.p, a->u.s.len);
            else kapi_buf_puts(b, format_s(c, a));
            break;
        case 'd':
            if (a->kind == CV_INT) kapi_buf_printf(b, "%lld", (long long)a->u.i);
            else if (a->kind == CV_UINT) kapi_buf_printf(b, "%llu", (unsigned long long)a->u.u);
            else if (a->kind == CV_DOUBLE && (isnan(a->u.d) || isinf(a->u.d))) kapi_buf_puts(b, format_s(c, a));
            else return cel_error(c, "error during formatting: decimal clause can only be used on integers, was given %s", cel_type_name(a));
            break;
        case 'f': case 'e': {
            double d;
            if (a->kind == CV_DOUBLE) d = a->u.d;
            else if (a->kind == CV_INT) d = (double)a->u.i;
            else if (a->kind == CV_UINT) d = (double)a->u.u;
            else return cel_error(c, "error during formatting: fixed-point clause can only be used on doubles, was given %s", cel_type_name(a));
            if (isnan(d) || isinf(d)) { kapi_buf_puts(b, isnan(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity"); break; }
            kapi_buf_printf(b, verb == 'f' ? "%.*f" : "%.*e", prec < 0 ? 6 : prec, d);
            break;
        }
        case 'x': case 'X': case 'o': case 'b':
            if (a->kind == CV_INT || a->kind == CV_UINT || (verb == 'b' && a->kind == CV_BOOL)) {
                uint64_t u = a->kind == CV_BOOL ? a->u.b : a->kind == CV_INT ? (a->u.i < 0 ? (uint64_t)-(a->u.i + 1) + 1 : (uint64_t)a->u.i) : a->u.u;
                if (a->kind == CV_INT && a->u.i < 0) kapi_buf_putc(b, '-');
                if (verb == 'b') {
                    char bits[65];
                    int k = 64;
                    bits[k] = 0;
                    do { bits[--k] = (char)('0' + (u & 1)); u >>= 1; } while (u);
                    kapi_buf_puts(b, bits + k);
                } else {
                    kapi_buf_printf(b, verb == 'x' ? "%llx" : verb == 'X' ? "%llX" : "%llo", (unsigned long long)u);
                }
            } else if ((verb == 'x' || verb == 'X') && (a->kind == CV_STRING || a->kind == CV_BYTES)) {
                for (size_t i = 0; i < a->u.s.len; i++)
                    kapi_buf_printf(b, verb == 'x' ? "%02x" : "%02X", (unsigned char)a->u.s.p[i]);
            } else {
                return cel_error(c, "error during formatting: integer clause can only be used on integers, was given %s", cel_type_name(a));
            }
            break;
        default:
            return cel_error(c, "could not parse formatting clause: unrecognized formatting clause \"%c\"", verb);
        }
    }
    if (argi < args->u.list->n) return cel_error(c, "too many arguments supplied to string.format (expected %zu, got %zu)", argi, args->u.list->n);
    return cel_string(c, b->data ? b->data : "", b->len);
}

cel_val cel_call_string(cel_ctx *c, const char *fn, const cel_val *t, const cel_val *a, size_t n, bool *found)
{
    *found = true;
    if (!t && !strcmp(fn, "matches") && n == 2 && is_str(&a[0]) && is_str(&a[1])) return matches(c, &a[0], &a[1]);
    if (!t && !strcmp(fn, "strings.quote") && n == 1 && is_str(&a[0])) return quote(c, &a[0]);
    if (t && t->kind == CV_LIST && !strcmp(fn, "join")) {
        if (n == 0) return join(c, t, NULL);
        if (n == 1 && is_str(&a[0])) return join(c, t, &a[0]);
    }
    if (!t || !is_str(t)) { *found = false; return cel_null(); }
    for (size_t i = 0; i < n; i++)
        if (!is_str(&a[i]) && a[i].kind != CV_INT && a[i].kind != CV_LIST) return cel_no_overload(c, fn);
    if (n == 1 && is_str(&a[0])) {
        if (!strcmp(fn, "contains")) {
            if (!cel_charge(c, (int64_t)t->u.s.len / 10)) return cel_error(c, "operation cancelled: actual cost limit exceeded");
            return cel_bool(find(t->u.s.p, t->u.s.len, a[0].u.s.p, a[0].u.s.len) != NULL);
        }
        if (!strcmp(fn, "startsWith"))
            return cel_bool(a[0].u.s.len <= t->u.s.len && !memcmp(t->u.s.p, a[0].u.s.p, a[0].u.s.len));
        if (!strcmp(fn, "endsWith"))
            return cel_bool(a[0].u.s.len <= t->u.s.len &&
                            !memcmp(t->u.s.p + t->u.s.len - a[0].u.s.len, a[0].u.s.p, a[0].u.s.len));
        if (!strcmp(fn, "matches")) return matches(c, t, &a[0]);
        if (!strcmp(fn, "indexOf")) return index_of(c, t, &a[0], NULL, false);
        if (!strcmp(fn, "lastIndexOf")) return index_of(c, t, &a[0], NULL, true);
        if (!strcmp(fn, "split")) return split(c, t, &a[0], -1);
    }
    if (n == 2 && is_str(&a[0]) && a[1].kind == CV_INT) {
        if (!strcmp(fn, "indexOf")) return index_of(c, t, &a[0], &a[1], false);
        if (!strcmp(fn, "lastIndexOf")) return index_of(c, t, &a[0], &a[1], true);
        if (!strcmp(fn, "split")) return split(c, t, &a[0], a[1].u.i);
    }
    if (n == 0) {
        if (!strcmp(fn, "lowerAscii")) return change_case(c, t, false);
        if (!strcmp(fn, "upperAscii")) return change_case(c, t, true);
        if (!strcmp(fn, "trim")) return trim(c, t);
        if (!strcmp(fn, "reverse")) return reverse(c, t);
    }
    if (!strcmp(fn, "charAt") && n == 1) return char_at(c, t, &a[0]);
    if (!strcmp(fn, "substring") && (n == 1 || n == 2)) return substring(c, t, &a[0], n == 2 ? &a[1] : NULL);
    if (!strcmp(fn, "replace") && n >= 2 && n <= 3 && is_str(&a[0]) && is_str(&a[1])) {
        if (n == 3 && a[2].kind != CV_INT) return cel_no_overload(c, "replace");
        return replace(c, t, &a[0], &a[1], n == 3 ? a[2].u.i : -1);
    }
    if (!strcmp(fn, "format") && n == 1) return format(c, t, &a[0]);
    *found = false;
    return cel_null();
}
