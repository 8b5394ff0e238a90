/* schema_check.c: walks a JSON text with a kind's schema the way
 * sigs.k8s.io/json decodes it into Go structs: unknown and duplicate fields
 * (strict errors, with their paths), the first value of the wrong type (Go's
 * wording, with the Go struct and field path), bad base64, times and
 * quantities. Also prunes what a Go decoder drops. The text was validated
 * by the JSON parser; the walker still bounds every step and never
 * recurses on anything but the schema's own (finite) nesting. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/json.h"
#include "core/alloc.h"
#include "core/base64.h"
#include "core/escape.h"
#include "core/goquote.h"
#include "core/hashmap.h"
#include "schema/scalars.h"
#include "schema/schema_check.h"

#define MAX_STRUCT_FIELDS 160

typedef struct walker {
    const char *p, *end;
    int strict;
    schema_problems *out;
    kapi_buf path;            /* strict path: spec.containers[0].ports */
    kapi_buf gpath;           /* Go's error context: field names joined by '.' */
    const char *gstruct;     /* Go's error context: the struct being decoded */
    kapi_buf scratch;         /* unescaped strings */
    int stopped;             /* an UnmarshalJSON error ended decoding */
    int broken;              /* the text is not what the parser promised */
} walker;

/* Cuts b back to its first len bytes (a path after leaving a member). */
static void buf_cut(kapi_buf *b, size_t len)
{
    if (len > b->len) return;
    b->len = len;
    if (b->data) b->data[len] = '\0';
}

/* ---- problems */

static void add_strict(walker *w, const char *what, const char *key, size_t klen)
{
    schema_problems *o = w->out;
    if (!w->strict || o->n_strict >= SCHEMA_MAX_STRICT) return;
    kapi_buf full;
    kapi_buf_init(&full);
    if (w->path.len) {
        kapi_buf_put(&full, w->path.data, w->path.len);
        kapi_buf_put(&full, ".", 1);
    }
    kapi_buf_put(&full, key, klen);
    char quoted[1200];
    go_quote_to(quoted, sizeof quoted, full.data ? full.data : "", full.len);
    kapi_buf_free(&full);
    char msg[1300];
    snprintf(msg, sizeof msg, "%s %s", what, quoted);
    for (int i = 0; i < o->n_strict; i++)
        if (!strcmp(o->strict[i], msg)) return;
    o->strict[o->n_strict++] = kapi_xstrdup(msg);
}

static void format_type_error(walker *w, const char *value, const char *gotype, char *out, size_t n)
{
    if (w->gstruct || w->gpath.len)
        snprintf(out, n, "json: cannot unmarshal %s into Go struct field %s.%s of type %s", value,
                 w->gstruct ? w->gstruct : "", w->gpath.data ? w->gpath.data : "", gotype);
    else
        snprintf(out, n, "json: cannot unmarshal %s into Go value of type %s", value, gotype);
}

/* Go's saveError: the first one is kept. */
static void save_error(walker *w, const char *msg)
{
    if (w->out->decode_error[0]) return;
    snprintf(w->out->decode_error, sizeof w->out->decode_error, "%s", msg);
}

static void save_type_error(walker *w, const char *value, const char *gotype)
{
    char msg[1024];
    if (w->out->decode_error[0]) return;
    format_type_error(w, value, gotype, msg, sizeof msg);
    save_error(w, msg);
}

/* An error returned by UnmarshalJSON: decoding stops and it wins. */
static void return_error(walker *w, const char *msg)
{
    snprintf(w->out->decode_error, sizeof w->out->decode_error, "%s", msg);
    w->stopped = 1;
}

static void return_type_error(walker *w, const char *value, const char *gotype)
{
    char msg[1024];
    format_type_error(w, value, gotype, msg, sizeof msg);
    return_error(w, msg);
}

/* ---- reading the text */

static void ws(walker *w)
{
    while (w->p < w->end && (*w->p == ' ' || *w->p == '\t' || *w->p == '\n' || *w->p == '\r')) w->p++;
}

static int at(walker *w, char c)
{
    return w->p < w->end && *w->p == c;
}

/* Scans a string at w->p ('"'); gives its raw content. */
static int scan_string(walker *w, const char **raw, size_t *rawlen)
{
    if (!at(w, '"')) { w->broken = 1; return -1; }
    const char *s = ++w->p;
    while (w->p < w->end && *w->p != '"') {
        if (*w->p == '\\') w->p++;
        w->p++;
    }
    if (w->p >= w->end) { w->broken = 1; return -1; }
    *raw = s;
    *rawlen = (size_t)(w->p - s);
    w->p++;
    return 0;
}

static unsigned read_u4(const char *s)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) v = v << 4 | (unsigned)hex_digit_value((unsigned char)s[i]);
    return v;
}

static void put_utf8(kapi_buf *b, unsigned cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) { u[0] = (char)cp; n = 1; }
    else if (cp < 0x800) { u[0] = (char)(0xC0 | cp >> 6); u[1] = (char)(0x80 | (cp & 63)); n = 2; }
    else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | cp >> 12); u[1] = (char)(0x80 | (cp >> 6 & 63)); u[2] = (char)(0x80 | (cp & 63)); n = 3;
    } else {
        u[0] = (char)(0xF0 | cp >> 18); u[1] = (char)(0x80 | (cp >> 12 & 63));
        u[2] = (char)(0x80 | (cp >> 6 & 63)); u[3] = (char)(0x80 | (cp & 63)); n = 4;
    }
    kapi_buf_put(b, u, n);
}

/* The unescaped string into w->scratch (valid until the next call). */
static const char *unescape(walker *w, const char *raw, size_t n, size_t *outlen)
{
    kapi_buf *b = &w->scratch;
    b->len = 0;
    for (size_t i = 0; i < n;) {
        if (raw[i] != '\\') {
            size_t j = i;
            while (j < n && raw[j] != '\\') j++;
            kapi_buf_put(b, raw + i, j - i);
            i = j;
            continue;
        }
        if (i + 1 >= n) break;
        char e = raw[i + 1];
        i += 2;
        switch (e) {
        case 'b': kapi_buf_put(b, "\b", 1); break;
        case 'f': kapi_buf_put(b, "\f", 1); break;
        case 'n': kapi_buf_put(b, "\n", 1); break;
        case 'r': kapi_buf_put(b, "\r", 1); break;
        case 't': kapi_buf_put(b, "\t", 1); break;
        case 'u': {
            if (i + 4 > n) { i = n; break; }
            unsigned cp = read_u4(raw + i);
            i += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && i + 6 <= n && raw[i] == '\\' && raw[i + 1] == 'u') {
                unsigned lo = read_u4(raw + i + 2);
                if (lo >= 0xDC00 && lo < 0xE000) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    i += 6;
                }
            }
            if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD;
            put_utf8(b, cp);
            break;
        }
        default: kapi_buf_put(b, &e, 1); break;
        }
    }
    *outlen = b->len;
    return b->data ? b->data : "";
}

static void scan_literal(walker *w, const char **s, size_t *n)
{
    *s = w->p;
    while (w->p < w->end && (strchr("0123456789+-.eE", *w->p) || (*w->p >= 'a' && *w->p <= 'z'))) w->p++;
    *n = (size_t)(w->p - *s);
    if (!*n) { w->broken = 1; if (w->p < w->end) w->p++; }
}

/* Skips any value without recursion. */
static void skip_value(walker *w)
{
    size_t depth = 0;
    do {
        ws(w);
        if (w->p >= w->end) { w->broken = 1; return; }
        char c = *w->p;
        if (c == '"') {
            const char *r;
            size_t n;
            if (scan_string(w, &r, &n)) return;
        } else if (c == '{' || c == '[') {
            depth++;
            w->p++;
            continue;
        } else if (c == '}' || c == ']') {
            if (depth == 0) { w->broken = 1; return; }
            depth--;
            w->p++;
        } else if (c == ',' || c == ':') {
            w->p++;
            continue;
        } else {
            const char *s;
            size_t n;
            scan_literal(w, &s, &n);
            if (w->broken) return;
        }
    } while (depth > 0);
}

/* What Go calls the JSON value in type errors. */
static const char *token_desc(char c)
{
    switch (c) {
    case '"': return "string";
    case '{': return "object";
    case '[': return "array";
    case 't':
    case 'f': return "bool";
    default: return "number";
    }
}

/* strconv.ParseInt(s, 10, 64) and the target's range. */
static int integer_fits(const char *s, size_t n, int bits)
{
    char buf[64];
    if (n == 0 || n >= sizeof buf) return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    size_t i = buf[0] == '-' || buf[0] == '+';
    if (i == n) return 0;
    for (size_t k = i; k < n; k++)
        if (buf[k] < '0' || buf[k] > '9') return 0;
    errno = 0;
    char *end;
    long long v = strtoll(buf, &end, 10);
    if (errno || *end) return 0;
    if (bits == 32 && (v < INT32_MIN || v > INT32_MAX)) return 0;
    if (bits == 8 && (v < 0 || v > 255)) return 0;
    return 1;
}

/* The Go type of an element of a list or map whose own Go type is given. */
static const char *elem_go_type(const char *container, const schema_value *elem, char *buf, size_t n)
{
    if (!strncmp(container, "[]", 2)) {
        snprintf(buf, n, "%s", container + 2);
        return buf;
    }
    if (!strncmp(container, "map[", 4)) {
        const char *close = strchr(container, ']');
        if (close) {
            snprintf(buf, n, "%s", close + 1);
            return buf;
        }
    }
    return schema_go_type(NULL, elem, buf, n);
}

/* ---- the walk */

static void walk_value(walker *w, const schema_value *v, const char *gotype);

static void walk_struct(walker *w, const schema_type *t)
{
    const schema_field *seen[MAX_STRUCT_FIELDS];
    int n_seen = 0;
    size_t plen0 = w->path.len, glen0 = w->gpath.len;
    const char *gs0 = w->gstruct;
    w->p++;   /* '{' */
    ws(w);
    if (at(w, '}')) { w->p++; return; }
    for (;;) {
        ws(w);
        const char *raw;
        size_t rawlen, klen;
        if (scan_string(w, &raw, &rawlen)) return;
        const char *key = unescape(w, raw, rawlen, &klen);
        const schema_field *f = schema_field_named(t, key);
        ws(w);
        if (!at(w, ':')) { w->broken = 1; return; }
        w->p++;
        ws(w);
        if (f) {
            int dup = 0;
            for (int i = 0; i < n_seen; i++) dup |= seen[i] == f;
            if (dup) add_strict(w, "duplicate field", f->name, strlen(f->name));
            else if (n_seen < MAX_STRUCT_FIELDS) seen[n_seen++] = f;
            if (w->path.len) kapi_buf_put(&w->path, ".", 1);
            kapi_buf_put(&w->path, f->name, strlen(f->name));
            if (w->gpath.len) kapi_buf_put(&w->gpath, ".", 1);
            kapi_buf_put(&w->gpath, f->name, strlen(f->name));
            w->gstruct = t->short_name;
            char gotype[256];
            schema_go_type(f, NULL, gotype, sizeof gotype);
            walk_value(w, &f->value, gotype);
            buf_cut(&w->path, plen0);
            buf_cut(&w->gpath, glen0);
            w->gstruct = gs0;
        } else {
            add_strict(w, "unknown field", key, klen);
            skip_value(w);
        }
        if (w->stopped || w->broken) return;
        ws(w);
        if (at(w, ',')) { w->p++; continue; }
        if (at(w, '}')) { w->p++; return; }
        w->broken = 1;
        return;
    }
}

static void walk_array(walker *w, const schema_value *elem, const char *gotype)
{
    char egotype[256];
    elem_go_type(gotype, elem, egotype, sizeof egotype);
    size_t plen0 = w->path.len;
    w->p++;   /* '[' */
    ws(w);
    if (at(w, ']')) { w->p++; return; }
    for (long i = 0;; i++) {
        char idx[32];
        int n = snprintf(idx, sizeof idx, "[%ld]", i);
        kapi_buf_put(&w->path, idx, (size_t)n);
        ws(w);
        walk_value(w, elem, egotype);
        buf_cut(&w->path, plen0);
        if (w->stopped || w->broken) return;
        ws(w);
        if (at(w, ',')) { w->p++; continue; }
        if (at(w, ']')) { w->p++; return; }
        w->broken = 1;
        return;
    }
}

/* A set of map keys, for duplicates: open addressing on FNV-1a. */
/* 1 when key (n bytes) is already in seen, 0 when added. A key holding a
 * NUL byte is never a duplicate (it cannot be a C string key). */
static int seen_before(strmap *seen, const char *key, size_t n)
{
    if (memchr(key, '\0', n)) return 0;
    char *k = kapi_xstrndup(key, n);
    int dup = strmap_get(seen, k) != NULL;
    if (!dup) strmap_put(seen, k, (void *)1);
    free(k);
    return dup;
}

static void walk_map(walker *w, const schema_value *elem, const char *gotype)
{
    char egotype[256];
    elem_go_type(gotype, elem, egotype, sizeof egotype);
    size_t plen0 = w->path.len;
    w->p++;   /* '{' */
    ws(w);
    if (at(w, '}')) { w->p++; return; }
    strmap *seen = w->strict ? strmap_new() : NULL;   /* keys met so far */
    for (;;) {
        ws(w);
        const char *raw;
        size_t rawlen, klen;
        if (scan_string(w, &raw, &rawlen)) break;
        const char *key = unescape(w, raw, rawlen, &klen);
        if (w->strict && seen_before(seen, key, klen)) add_strict(w, "duplicate field", key, klen);
        if (w->path.len) kapi_buf_put(&w->path, ".", 1);
        kapi_buf_put(&w->path, key, klen);
        ws(w);
        if (!at(w, ':')) { w->broken = 1; break; }
        w->p++;
        ws(w);
        walk_value(w, elem, egotype);
        buf_cut(&w->path, plen0);
        if (w->stopped || w->broken) break;
        ws(w);
        if (at(w, ',')) { w->p++; continue; }
        if (at(w, '}')) { w->p++; break; }
        w->broken = 1;
        break;
    }
    strmap_free(seen, NULL);
}

static int at_null(walker *w)
{
    if (w->end - w->p >= 4 && !memcmp(w->p, "null", 4)) {
        w->p += 4;
        return 1;
    }
    return 0;
}

/* []byte: a base64 string, or a list of numbers 0..255. */
static void walk_bytes(walker *w, const char *gotype)
{
    char c = *w->p;
    if (c == '"') {
        const char *raw;
        size_t rawlen, n;
        if (scan_string(w, &raw, &rawlen)) return;
        const char *s = unescape(w, raw, rawlen, &n);
        long off = base64_error_offset(s, n);
        if (off >= 0) {
            char msg[80];
            snprintf(msg, sizeof msg, "illegal base64 data at input byte %ld", off);
            save_error(w, msg);
        }
        return;
    }
    if (c == '[') {
        w->p++;
        ws(w);
        if (at(w, ']')) { w->p++; return; }
        for (;;) {
            ws(w);
            if (w->p >= w->end) { w->broken = 1; return; }
            char e = *w->p;
            if (e == '-' || (e >= '0' && e <= '9')) {
                const char *s;
                size_t n;
                scan_literal(w, &s, &n);
                if (!integer_fits(s, n, 8)) {
                    char value[96];
                    snprintf(value, sizeof value, "number %.*s", (int)(n > 60 ? 60 : n), s);
                    save_type_error(w, value, "uint8");
                }
            } else if (!at_null(w)) {
                save_type_error(w, token_desc(e), "uint8");
                skip_value(w);
            }
            if (w->broken) return;
            ws(w);
            if (at(w, ',')) { w->p++; continue; }
            if (at(w, ']')) { w->p++; return; }
            w->broken = 1;
            return;
        }
    }
    save_type_error(w, token_desc(c), gotype);
    skip_value(w);
}

/* Time, MicroTime and Duration: UnmarshalJSON reads a JSON string first. */
static void walk_text_unmarshaler(walker *w, schema_value_kind k)
{
    char c = *w->p;
    if (c != '"') {
        skip_value(w);
        if (!w->broken) return_type_error(w, token_desc(c), "string");
        return;
    }
    const char *raw;
    size_t rawlen, n;
    if (scan_string(w, &raw, &rawlen)) return;
    const char *s = unescape(w, raw, rawlen, &n);
    char err[600];
    int ok = k == SV_DURATION ? scalar_check_duration(s, n, err, sizeof err)
                              : scalar_check_time(s, n, k == SV_MICROTIME, err, sizeof err);
    if (!ok) return_error(w, err);
}

/* Quantity.UnmarshalJSON: the raw bytes, quotes stripped, trimmed. */
static void walk_quantity(walker *w)
{
    const char *s = w->p;
    skip_value(w);
    if (w->broken) return;
    size_t n = (size_t)(w->p - s);
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        s++;
        n -= 2;
    }
    while (n && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\v' || *s == '\f')) { s++; n--; }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r')) n--;
    char err[300];
    if (!scalar_check_quantity(s, n, err, sizeof err)) return_error(w, err);
}

/* IntOrString.UnmarshalJSON: a string, or json.Unmarshal into int32. */
static void walk_int_or_string(walker *w)
{
    char c = *w->p;
    if (c == '"') {
        skip_value(w);
        return;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        const char *s;
        size_t n;
        scan_literal(w, &s, &n);
        if (!integer_fits(s, n, 32)) {
            char value[96];
            snprintf(value, sizeof value, "number %.*s", (int)(n > 60 ? 60 : n), s);
            return_type_error(w, value, "int32");
        }
        return;
    }
    skip_value(w);
    if (!w->broken) return_type_error(w, token_desc(c), "int32");
}

static void walk_value(walker *w, const schema_value *v, const char *gotype)
{
    ws(w);
    if (w->p >= w->end) { w->broken = 1; return; }
    char c = *w->p;
    if (v->kind == SV_RAW || v->kind == SV_FIELDS_V1) {
        skip_value(w);
        return;
    }
    if (c == 'n' && v->kind != SV_QUANTITY) {
        /* null is no value for every type here (UnmarshalJSON accepts it too) */
        if (at_null(w)) return;
    }
    switch (v->kind) {
    case SV_OBJECT:
        if (c == '{') walk_struct(w, v->type);
        else { save_type_error(w, token_desc(c), gotype); skip_value(w); }
        return;
    case SV_ARRAY:
        if (c == '[') walk_array(w, v->elem, gotype);
        else { save_type_error(w, token_desc(c), gotype); skip_value(w); }
        return;
    case SV_MAP:
        if (c == '{') walk_map(w, v->elem, gotype);
        else { save_type_error(w, token_desc(c), gotype); skip_value(w); }
        return;
    case SV_STRING:
        if (c != '"') save_type_error(w, token_desc(c), gotype);
        skip_value(w);
        return;
    case SV_BYTES:
        walk_bytes(w, gotype);
        return;
    case SV_BOOL:
        if (c != 't' && c != 'f') save_type_error(w, token_desc(c), gotype);
        skip_value(w);
        return;
    case SV_INT32:
    case SV_INT64:
    case SV_DOUBLE:
        if (c == '-' || (c >= '0' && c <= '9')) {
            const char *s;
            size_t n;
            scan_literal(w, &s, &n);
            int ok;
            if (v->kind == SV_DOUBLE) {
                char buf[400];
                snprintf(buf, sizeof buf, "%.*s", (int)(n < 399 ? n : 399), s);
                ok = isfinite(strtod(buf, NULL));
            } else {
                ok = integer_fits(s, n, v->kind == SV_INT32 ? 32 : 64);
            }
            if (!ok) {
                char value[96];
                snprintf(value, sizeof value, "number %.*s", (int)(n > 60 ? 60 : n), s);
                save_type_error(w, value, gotype);
            }
        } else {
            save_type_error(w, token_desc(c), gotype);
            skip_value(w);
        }
        return;
    case SV_TIME:
    case SV_MICROTIME:
    case SV_DURATION:
        walk_text_unmarshaler(w, v->kind);
        return;
    case SV_QUANTITY:
        if (at_null(w)) return;
        walk_quantity(w);
        return;
    case SV_INT_OR_STRING:
        walk_int_or_string(w);
        return;
    default:
        skip_value(w);
        return;
    }
}

static void check_json_at(const schema_type *t, const char *text, size_t len, const char *prefix, int strict,
                          schema_problems *out)
{
    memset(out, 0, sizeof *out);
    if (!t || !text) return;
    walker w = {0};
    if (prefix && *prefix) kapi_buf_puts(&w.path, prefix);
    w.p = text;
    w.end = text + len;
    w.strict = strict;
    w.out = out;
    ws(&w);
    if (at(&w, '{')) walk_struct(&w, t);
    kapi_buf_free(&w.path);
    kapi_buf_free(&w.gpath);
    kapi_buf_free(&w.scratch);
}

void schema_check_json(const schema_type *t, const char *text, size_t len, int strict, schema_problems *out)
{
    check_json_at(t, text, len, NULL, strict, out);
}

void schema_check_tree_at(const schema_type *t, const cJSON *obj, const char *at, int strict, schema_problems *out)
{
    memset(out, 0, sizeof *out);
    if (!t || !obj) return;
    char *text = json_print(obj, 0);
    if (!text) return;
    check_json_at(t, text, strlen(text), at, strict, out);
    free(text);
}

void schema_check_tree(const schema_type *t, const cJSON *obj, int strict, schema_problems *out)
{
    schema_check_tree_at(t, obj, NULL, strict, out);
}

void schema_problems_free(schema_problems *p)
{
    for (int i = 0; i < p->n_strict; i++) free(p->strict[i]);
    p->n_strict = 0;
}

void schema_problems_strict_message(const schema_problems *p, const char *first, char *out, size_t n)
{
    if (!n) return;
    size_t o = (size_t)snprintf(out, n, "strict decoding error: ");
    int any = 0;
    if (first && *first && o < n) {
        o += (size_t)snprintf(out + o, n - o, "%s", first);
        any = 1;
    }
    for (int i = 0; i < p->n_strict && o < n; i++) {
        o += (size_t)snprintf(out + o, n - o, "%s%s", any ? ", " : "", p->strict[i]);
        any = 1;
    }
}

/* ---- pruning */

/* A []byte given as a list of numbers (Go accepts it) becomes the base64
 * string Go would write back. j is a child of parent. */
static void normalize_bytes(cJSON *parent, cJSON *j)
{
    if (!cJSON_IsArray(j)) return;
    const cJSON *e;
    cJSON_ArrayForEach(e, j)
        if (!cJSON_IsNumber(e)) return;   /* not Go's []byte form: the checker refused it */
    int n = cJSON_GetArraySize(j);
    unsigned char *raw = kapi_xmalloc((size_t)n + 1);
    if (!raw) return;
    int i = 0;
    cJSON_ArrayForEach(e, j) raw[i++] = (unsigned char)e->valueint;
    char *b64 = base64_encode(raw, (size_t)n);
    free(raw);
    if (!b64) return;
    cJSON *str = cJSON_CreateString(b64);
    free(b64);
    if (!str) return;
    if (cJSON_IsObject(parent) && j->string) cJSON_ReplaceItemInObjectCaseSensitive(parent, j->string, str);
    else cJSON_ReplaceItemViaPointer(parent, j, str);
}

static void prune_value(const schema_value *v, cJSON *parent, cJSON *j, int depth);

static void prune_struct(const schema_type *t, cJSON *obj, int depth)
{
    if (!cJSON_IsObject(obj) || depth > 64) return;
    cJSON *c = obj->child;
    while (c) {
        cJSON *next = c->next;
        const schema_field *f = c->string ? schema_field_named(t, c->string) : NULL;
        if (!f) cJSON_Delete(cJSON_DetachItemViaPointer(obj, c));
        else prune_value(&f->value, obj, c, depth + 1);
        c = next;
    }
}

static void prune_value(const schema_value *v, cJSON *parent, cJSON *j, int depth)
{
    switch (v->kind) {
    case SV_OBJECT:
        prune_struct(v->type, j, depth);
        break;
    case SV_BYTES:
        normalize_bytes(parent, j);
        break;
    case SV_ARRAY:
    case SV_MAP: {
        schema_value_kind ek = v->elem->kind;
        if (ek != SV_OBJECT && ek != SV_ARRAY && ek != SV_MAP && ek != SV_BYTES) break;
        if (!cJSON_IsArray(j) && !cJSON_IsObject(j)) break;
        cJSON *c = j->child;
        while (c) {
            cJSON *next = c->next;
            prune_value(v->elem, j, c, depth + 1);
            c = next;
        }
        break;
    }
    default:
        break;
    }
}

void schema_prune_unknown(const schema_type *t, cJSON *obj)
{
    if (t) prune_struct(t, obj, 0);
}
