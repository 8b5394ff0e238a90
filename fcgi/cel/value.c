/* value.c: CEL values: constructors, conversion from JSON (a custom
 * resource's fields), type names, equality (heterogeneous, numbers equal
 * across int/uint/double as cel-spec says), ordering, map lookup, and the
 * printed form of a value. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "core/kapi.h"
#include "cel/cel_int.h"

cel_val cel_null(void) { cel_val v = {.kind = CV_NULL}; return v; }
cel_val cel_bool(bool b) { cel_val v = {.kind = CV_BOOL}; v.u.b = b; return v; }
cel_val cel_int(int64_t i) { cel_val v = {.kind = CV_INT}; v.u.i = i; return v; }
cel_val cel_uint(uint64_t u) { cel_val v = {.kind = CV_UINT}; v.u.u = u; return v; }
cel_val cel_double(double d) { cel_val v = {.kind = CV_DOUBLE}; v.u.d = d; return v; }
cel_val cel_type(const char *name) { cel_val v = {.kind = CV_TYPE}; v.u.type = name; return v; }

cel_val cel_string_ref(const char *p, size_t len)
{
    cel_val v = {.kind = CV_STRING};
    v.u.s.p = p;
    v.u.s.len = len;
    return v;
}

cel_val cel_string(cel_ctx *c, const char *p, size_t len)
{
    char *copy = kapi_palloc(c->pool, len + 1);
    if (len) memcpy(copy, p, len);
    return cel_string_ref(copy, len);
}

cel_val cel_bytes(cel_ctx *c, const char *p, size_t len)
{
    cel_val v = cel_string(c, p, len);
    v.kind = CV_BYTES;
    return v;
}

cel_val cel_error(cel_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char buf[512];
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    cel_val v = {.kind = CV_ERROR};
    v.u.err = kapi_pstrdup(c->pool, buf);
    return v;
}

cel_val cel_no_overload(cel_ctx *c, const char *fn)
{
    return cel_error(c, "no such overload: %s", fn);
}

cel_val cel_map_new(cel_ctx *c, size_t n)
{
    cel_val v = {.kind = CV_MAP};
    v.u.map = kapi_palloc(c->pool, sizeof(cel_map));
    v.u.map->keys = kapi_palloc(c->pool, (n ? n : 1) * sizeof(cel_val));
    v.u.map->vals = kapi_palloc(c->pool, (n ? n : 1) * sizeof(cel_val));
    return v;
}

cel_val cel_list_new(cel_ctx *c, size_t n)
{
    cel_val v = {.kind = CV_LIST};
    v.u.list = kapi_palloc(c->pool, sizeof(cel_list));
    v.u.list->n = n;
    v.u.list->items = kapi_palloc(c->pool, (n ? n : 1) * sizeof(cel_val));
    return v;
}

cel_val cel_optional(cel_ctx *c, const cel_val *inner)
{
    cel_val v = {.kind = CV_OPTIONAL};
    if (inner) {
        v.u.opt = kapi_palloc(c->pool, sizeof(cel_val));
        *v.u.opt = *inner;
    }
    return v;
}

/* JSON numbers: an integral value in int64's range is an int, anything
 * else a double (kube decides by the schema's type instead). */
cel_val cel_from_json(cel_ctx *c, const cJSON *j)
{
    if (!j || cJSON_IsNull(j)) return cel_null();
    if (cJSON_IsBool(j)) return cel_bool(cJSON_IsTrue(j));
    if (cJSON_IsNumber(j)) {
        double d = j->valuedouble;
        if (d == floor(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
            /* cJSON keeps only a double: reread the text for full precision
             * is not possible here, so large integers keep double's. */
            return cel_int((int64_t)d);
        }
        return cel_double(d);
    }
    if (cJSON_IsString(j)) return cel_string_ref(j->valuestring, strlen(j->valuestring));
    if (cJSON_IsArray(j)) {
        cel_val v = cel_list_new(c, (size_t)cJSON_GetArraySize(j));
        size_t i = 0;
        for (const cJSON *e = j->child; e; e = e->next) v.u.list->items[i++] = cel_from_json(c, e);
        return v;
    }
    if (cJSON_IsObject(j)) {
        size_t n = (size_t)cJSON_GetArraySize(j);
        cel_val v = cel_map_new(c, n);
        size_t i = 0;
        for (const cJSON *e = j->child; e; e = e->next, i++) {
            v.u.map->keys[i] = cel_string_ref(e->string, strlen(e->string));
            v.u.map->vals[i] = cel_from_json(c, e);
        }
        v.u.map->n = i;
        return v;
    }
    return cel_null();
}

const char *cel_type_name(const cel_val *v)
{
    switch (v->kind) {
    case CV_NULL: return "null_type";
    case CV_BOOL: return "bool";
    case CV_INT: return "int";
    case CV_UINT: return "uint";
    case CV_DOUBLE: return "double";
    case CV_STRING: return "string";
    case CV_BYTES: return "bytes";
    case CV_LIST: return "list";
    case CV_MAP: return "map";
    case CV_TYPE: return "type";
    case CV_DURATION: return "google.protobuf.Duration";
    case CV_TIMESTAMP: return "google.protobuf.Timestamp";
    case CV_OPTIONAL: return "optional_type";
    case CV_OBJECT: return v->u.obj.type;
    case CV_ERROR: return "error";
    }
    return "unknown";
}

static bool is_number(const cel_val *v) { return v->kind == CV_INT || v->kind == CV_UINT || v->kind == CV_DOUBLE; }

/* Compares two numbers of any numeric kinds exactly. 2 for NaN. */
static int compare_numbers(const cel_val *a, const cel_val *b)
{
    if (a->kind == b->kind) {
        switch (a->kind) {
        case CV_INT: return (a->u.i > b->u.i) - (a->u.i < b->u.i);
        case CV_UINT: return (a->u.u > b->u.u) - (a->u.u < b->u.u);
        default:
            if (isnan(a->u.d) || isnan(b->u.d)) return 2;
            return (a->u.d > b->u.d) - (a->u.d < b->u.d);
        }
    }
    if (a->kind == CV_DOUBLE || b->kind == CV_DOUBLE) {
        /* as cel-go does: the integer converted to double (lossy above 2^53) */
        double x = a->kind == CV_DOUBLE ? a->u.d : a->kind == CV_INT ? (double)a->u.i : (double)a->u.u;
        double y = b->kind == CV_DOUBLE ? b->u.d : b->kind == CV_INT ? (double)b->u.i : (double)b->u.u;
        if (isnan(x) || isnan(y)) return 2;
        return (x > y) - (x < y);
    }
    /* int against uint */
    if (a->kind == CV_INT) {
        if (a->u.i < 0) return -1;
        return ((uint64_t)a->u.i > b->u.u) - ((uint64_t)a->u.i < b->u.u);
    }
    if (b->u.i < 0) return 1;
    return (a->u.u > (uint64_t)b->u.i) - (a->u.u < (uint64_t)b->u.i);
}

static int compare_bytes(const cel_val *a, const cel_val *b)
{
    size_t n = a->u.s.len < b->u.s.len ? a->u.s.len : b->u.s.len;
    int r = n ? memcmp(a->u.s.p, b->u.s.p, n) : 0;
    if (r) return r < 0 ? -1 : 1;
    return (a->u.s.len > b->u.s.len) - (a->u.s.len < b->u.s.len);
}

int cel_compare(const cel_val *a, const cel_val *b, bool *ok)
{
    *ok = true;
    if (is_number(a) && is_number(b)) return compare_numbers(a, b);
    if (a->kind != b->kind) { *ok = false; return 2; }
    switch (a->kind) {
    case CV_BOOL: return (a->u.b > b->u.b) - (a->u.b < b->u.b);
    case CV_STRING: case CV_BYTES: return compare_bytes(a, b);
    case CV_DURATION: return (a->u.dur > b->u.dur) - (a->u.dur < b->u.dur);
    case CV_TIMESTAMP:
        if (a->u.ts.sec != b->u.ts.sec) return a->u.ts.sec < b->u.ts.sec ? -1 : 1;
        return (a->u.ts.nsec > b->u.ts.nsec) - (a->u.ts.nsec < b->u.ts.nsec);
    default: *ok = false; return 2;
    }
}

bool cel_equal_bool(const cel_val *a, const cel_val *b)
{
    if (is_number(a) && is_number(b)) return compare_numbers(a, b) == 0;
    if (a->kind != b->kind) return false;
    switch (a->kind) {
    case CV_NULL: return true;
    case CV_BOOL: return a->u.b == b->u.b;
    case CV_STRING: case CV_BYTES:
        return a->u.s.len == b->u.s.len && (!a->u.s.len || !memcmp(a->u.s.p, b->u.s.p, a->u.s.len));
    case CV_TYPE: return !strcmp(a->u.type, b->u.type);
    case CV_DURATION: return a->u.dur == b->u.dur;
    case CV_TIMESTAMP: return a->u.ts.sec == b->u.ts.sec && a->u.ts.nsec == b->u.ts.nsec;
    case CV_OPTIONAL:
        if (!a->u.opt || !b->u.opt) return !a->u.opt && !b->u.opt;
        return cel_equal_bool(a->u.opt, b->u.opt);
    case CV_OBJECT: return cel_object_equal(a, b);
    case CV_LIST:
        if (a->u.list->n != b->u.list->n) return false;
        for (size_t i = 0; i < a->u.list->n; i++)
            if (!cel_equal_bool(&a->u.list->items[i], &b->u.list->items[i])) return false;
        return true;
    case CV_MAP:
        if (a->u.map->n != b->u.map->n) return false;
        for (size_t i = 0; i < a->u.map->n; i++) {
            const cel_val *other = cel_map_get(b->u.map, &a->u.map->keys[i]);
            if (!other || !cel_equal_bool(&a->u.map->vals[i], other)) return false;
        }
        return true;
    default: return false;
    }
}

/* An error inside a list or map makes the comparison an error. */
static const cel_val *find_error(const cel_val *v)
{
    if (v->kind == CV_ERROR) return v;
    return NULL;
}

cel_val cel_equals(cel_ctx *c, const cel_val *a, const cel_val *b)
{
    (void)c;
    const cel_val *e = find_error(a);
    if (!e) e = find_error(b);
    if (e) return *e;
    return cel_bool(cel_equal_bool(a, b));
}

const cel_val *cel_map_get(const cel_map *m, const cel_val *key)
{
    for (size_t i = 0; i < m->n; i++)
        if (cel_equal_bool(&m->keys[i], key)) return &m->vals[i];
    return NULL;
}

bool cel_utf8_valid(const char *p, size_t len)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        size_t n;
        uint32_t cp;
        if (c < 0x80) { i++; continue; }
        else if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1F; }
        else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0F; }
        else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07; }
        else return false;
        if (i + n > len) return false;
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return false;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += n;
    }
    return true;
}

size_t cel_utf8_count(const char *p, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)p[i] & 0xC0) != 0x80) n++;
    return n;
}

static void append(kapi_buf *b, const char *s) { kapi_buf_puts(b, s); }

static void format_into(cel_ctx *c, kapi_buf *b, const cel_val *v)
{
    char tmp[64];
    switch (v->kind) {
    case CV_NULL: append(b, "null"); break;
    case CV_BOOL: append(b, v->u.b ? "true" : "false"); break;
    case CV_INT: snprintf(tmp, sizeof tmp, "%lld", (long long)v->u.i); append(b, tmp); break;
    case CV_UINT: snprintf(tmp, sizeof tmp, "%lluu", (unsigned long long)v->u.u); append(b, tmp); break;
    case CV_DOUBLE: snprintf(tmp, sizeof tmp, "%g", v->u.d); append(b, tmp); break;
    case CV_STRING:
    case CV_BYTES:
        append(b, v->kind == CV_BYTES ? "b\"" : "\"");
        kapi_buf_put(b, v->u.s.p, v->u.s.len);
        append(b, "\"");
        break;
    case CV_LIST:
        append(b, "[");
        for (size_t i = 0; i < v->u.list->n; i++) {
            if (i) append(b, ", ");
            format_into(c, b, &v->u.list->items[i]);
        }
        append(b, "]");
        break;
    case CV_MAP:
        append(b, "{");
        for (size_t i = 0; i < v->u.map->n; i++) {
            if (i) append(b, ", ");
            format_into(c, b, &v->u.map->keys[i]);
            append(b, ": ");
            format_into(c, b, &v->u.map->vals[i]);
        }
        append(b, "}");
        break;
    case CV_TYPE: append(b, v->u.type); break;
    case CV_DURATION: append(b, cel_format_duration(c, v->u.dur)); break;
    case CV_TIMESTAMP: append(b, cel_format_timestamp(c, v->u.ts.sec, v->u.ts.nsec)); break;
    case CV_OPTIONAL:
        if (!v->u.opt) { append(b, "optional.none()"); break; }
        append(b, "optional.of(");
        format_into(c, b, v->u.opt);
        append(b, ")");
        break;
    case CV_OBJECT: {
        const char *s = cel_object_string(c, v);
        append(b, s ? s : v->u.obj.type);
        break;
    }
    case CV_ERROR: append(b, v->u.err); break;
    }
}

char *cel_format_value(cel_ctx *c, const cel_val *v)
{
    kapi_buf *b = kapi_pool_buf(c->pool);
    format_into(c, b, v);
    return kapi_pstrndup(c->pool, b->data ? b->data : "", b->len);
}
