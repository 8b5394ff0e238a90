/* protobuf.c: decodes Kubernetes protobuf request bodies through the field
 * schema into the JSON object Go's encoding/json would write for the same
 * struct (see protobuf.h for the rules). One careful reader: every varint
 * and length is bounds-checked, nesting is capped, and every problem ends in
 * a message worded like gogo-protobuf's. */
#include <assert.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/json.h"
#include "core/base64.h"
#include "schema/protobuf.h"
#include "schema/scalars.h"
#include "core/alloc.h"

enum { WT_VARINT = 0, WT_FIXED64 = 1, WT_BYTES = 2, WT_SGROUP = 3, WT_EGROUP = 4, WT_FIXED32 = 5 };

typedef struct pb_ctx {
    char *err;
    size_t errlen;
    int failed;
    const char *tm_kind, *tm_api;   /* the envelope's TypeMeta, for the top-level object */
} pb_ctx;

typedef struct rd {
    const unsigned char *p, *end;
} rd;

/* A reader over d[0..n). d is NULL (n 0) for an absent message, and NULL + 0
 * is undefined in C (UBSan, found by fuzz/protobuf), so end is then NULL. */
static rd rd_over(const unsigned char *d, size_t n)
{
    rd r = {d, d ? d + n : d};
    return r;
}

static int pb_fail(pb_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int pb_fail(pb_ctx *c, const char *fmt, ...)
{
    if (!c->failed) {
        c->failed = 1;
        va_list ap;
        va_start(ap, fmt);
        if (c->err && c->errlen) vsnprintf(c->err, c->errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int oom(pb_ctx *c) { return pb_fail(c, "out of memory"); }

/* ---- the wire */

static int rd_varint(pb_ctx *c, rd *r, uint64_t *out)
{
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
        if (shift >= 64) return pb_fail(c, "proto: integer overflow");
        if (r->p >= r->end) return pb_fail(c, "unexpected EOF");
        unsigned char b = *r->p++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (b < 0x80) break;
    }
    *out = v;
    return 0;
}

static int rd_bytes(pb_ctx *c, rd *r, const unsigned char **data, size_t *n)
{
    uint64_t len;
    if (rd_varint(c, r, &len)) return -1;
    if (len > (uint64_t)INT64_MAX) return pb_fail(c, "proto: negative length found during unmarshaling");
    if (len > (uint64_t)(r->end - r->p)) return pb_fail(c, "unexpected EOF");
    *data = r->p;
    *n = (size_t)len;
    r->p += len;
    return 0;
}

static int rd_fixed(pb_ctx *c, rd *r, size_t n, uint64_t *out)
{
    if ((size_t)(r->end - r->p) < n) return pb_fail(c, "unexpected EOF");
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) v |= (uint64_t)r->p[i] << (8 * i);
    r->p += n;
    *out = v;
    return 0;
}

/* Reads a tag; wire type 4 and field numbers <= 0 are errors, as in gogo. */
static int rd_tag(pb_ctx *c, rd *r, const char *type, int32_t *num, int *wt)
{
    uint64_t v;
    if (rd_varint(c, r, &v)) return -1;
    *wt = (int)(v & 7);
    *num = (int32_t)(v >> 3);
    if (*wt == WT_EGROUP) return pb_fail(c, "proto: %s: wiretype end group for non-group", type);
    if (*num <= 0) return pb_fail(c, "proto: %s: illegal tag %d (wire type %d)", type, *num, *wt);
    return 0;
}

/* Skips the value of an unknown field (groups included, nesting bounded). */
static int rd_skip(pb_ctx *c, rd *r, int wt)
{
    int depth = 0;
    for (;;) {
        uint64_t v;
        const unsigned char *d;
        size_t n;
        switch (wt) {
        case WT_VARINT: if (rd_varint(c, r, &v)) return -1; break;
        case WT_FIXED64: if (rd_fixed(c, r, 8, &v)) return -1; break;
        case WT_BYTES: if (rd_bytes(c, r, &d, &n)) return -1; break;
        case WT_FIXED32: if (rd_fixed(c, r, 4, &v)) return -1; break;
        case WT_SGROUP:
            if (++depth > PROTOBUF_MAX_DEPTH) return pb_fail(c, "proto: groups nested too deeply");
            break;
        case WT_EGROUP:
            if (depth == 0) return pb_fail(c, "proto: unexpected end of group");
            depth--;
            break;
        default:
            return pb_fail(c, "proto: illegal wireType %d", wt);
        }
        if (depth == 0) return 0;
        if (rd_varint(c, r, &v)) return -1;
        wt = (int)(v & 7);
    }
}

static int wrong_wire(pb_ctx *c, int wt, const char *name)
{
    char go[64];
    snprintf(go, sizeof go, "%s", *name ? name : "Inline");
    if (go[0] >= 'a' && go[0] <= 'z') go[0] = (char)(go[0] - 'a' + 'A');
    return pb_fail(c, "proto: wrong wireType = %d for field %s", wt, go);
}

/* ---- scalar values */

/* A protobuf string as a JSON string: invalid UTF-8 becomes U+FFFD as Go's
 * encoder writes it; a NUL cannot be carried (as JSON bodies here). */
static cJSON *make_string(pb_ctx *c, const unsigned char *s, size_t n)
{
    char *buf = kapi_xmalloc(n * 3 + 1);
    if (!buf) { oom(c); return NULL; }
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned char b = s[i];
        if (b == 0) {
            free(buf);
            pb_fail(c, "proto: a string holds a NUL character, which kapi cannot store");
            return NULL;
        }
        int len = 0;
        if (b < 0x80) len = 1;
        else if (b >= 0xC2 && b <= 0xDF) len = 2;
        else if (b >= 0xE0 && b <= 0xEF) len = 3;
        else if (b >= 0xF0 && b <= 0xF4) len = 4;
        int ok = len > 0 && (size_t)len <= n - i;
        for (int k = 1; ok && k < len; k++) ok = (s[i + k] & 0xC0) == 0x80;
        if (ok && len == 3) ok = !(b == 0xE0 && s[i + 1] < 0xA0) && !(b == 0xED && s[i + 1] >= 0xA0);
        if (ok && len == 4) ok = !(b == 0xF0 && s[i + 1] < 0x90) && !(b == 0xF4 && s[i + 1] >= 0x90);
        if (ok) {
            memcpy(buf + o, s + i, (size_t)len);
            o += (size_t)len;
            i += (size_t)len;
        } else {
            memcpy(buf + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        }
    }
    buf[o] = '\0';
    cJSON *j = cJSON_CreateString(buf);
    free(buf);
    if (!j) oom(c);
    return j;
}

static cJSON *make_bytes(pb_ctx *c, const unsigned char *s, size_t n)
{
    char *b64 = base64_encode(s, n);
    if (!b64) { oom(c); return NULL; }
    cJSON *j = cJSON_CreateString(b64);
    free(b64);
    if (!j) oom(c);
    return j;
}

static cJSON *make_number(pb_ctx *c, double v)
{
    cJSON *j = cJSON_CreateNumber(v);
    if (!j) oom(c);
    return j;
}

static int is_varint_kind(schema_value_kind k) { return k == SV_BOOL || k == SV_INT32 || k == SV_INT64; }

static cJSON *varint_value(pb_ctx *c, schema_value_kind k, uint64_t v)
{
    if (k == SV_BOOL) {
        cJSON *j = cJSON_CreateBool(v != 0);
        if (!j) oom(c);
        return j;
    }
    if (k == SV_INT32) return make_number(c, (double)(int32_t)(uint32_t)v);
    return make_number(c, (double)(int64_t)v);
}

static cJSON *double_value(pb_ctx *c, uint64_t bits)
{
    double d;
    memcpy(&d, &bits, sizeof d);
    if (d != d || d > 1.7976931348623157e308 || d < -1.7976931348623157e308) {
        pb_fail(c, "json: unsupported value: %g", d);
        return NULL;
    }
    return make_number(c, d);
}

/* ---- accumulators: what one message said about each field */

typedef struct acc {
    int present;
    cJSON *value;                   /* scalars, lists, maps */
    const unsigned char *span;      /* a sub-message's bytes */
    size_t span_len;
    unsigned char *merged;          /* when a sub-message repeats: the concatenation */
} acc;

static int acc_add_span(pb_ctx *c, acc *a, const unsigned char *d, size_t n)
{
    if (!a->present) {
        a->present = 1;
        a->span = d;
        a->span_len = n;
        return 0;
    }
    unsigned char *m = kapi_xrealloc(a->merged, a->span_len + n + 1);
    if (!m) return oom(c);
    if (!a->merged) memcpy(m, a->span, a->span_len);
    memcpy(m + a->span_len, d, n);
    a->merged = m;
    a->span = m;
    a->span_len += n;
    return 0;
}

static void acc_set(acc *a, cJSON *v)
{
    cJSON_Delete(a->value);
    a->value = v;
    a->present = 1;
}

static int acc_append(pb_ctx *c, acc *a, cJSON *v)
{
    if (!v) return -1;
    if (!a->value) {
        a->value = cJSON_CreateArray();
        if (!a->value) { cJSON_Delete(v); return oom(c); }
    }
    cJSON_AddItemToArray(a->value, v);
    a->present = 1;
    return 0;
}

static int render_fields(pb_ctx *c, const schema_type *t, const unsigned char *data, size_t len,
                         cJSON *out, int depth);

/* ---- special types, from their message bytes (NULL/0: absent) */

/* One field of a small fixed message (Timestamp, Duration, Quantity,
 * IntOrString, RawExtension, FieldsV1): its number, the wire type it must
 * have, Go's field name for a wrong wire type, and its value once read (the
 * last occurrence wins, as in gogo). */
typedef struct small_field {
    int32_t num;
    int wt;                 /* WT_VARINT or WT_BYTES */
    const char *go_name;
    int seen;
    uint64_t varint;
    const unsigned char *bytes;
    size_t len;
} small_field;
#define SMALL_FIELD(number, wire_type, name) {.num = (number), .wt = (wire_type), .go_name = (name)}

/* Reads the message d[0..n) (d NULL for an absent one) into fields[]; a field
 * not listed is skipped. 0, or -1 with the error set. */
static int read_small_message(pb_ctx *c, const unsigned char *d, size_t n, const char *type,
                              small_field *fields, size_t nfields)
{
    rd r = rd_over(d, n);
    while (r.p < r.end) {
        int32_t num;
        int wt;
        if (rd_tag(c, &r, type, &num, &wt)) return -1;
        small_field *f = NULL;
        for (size_t i = 0; i < nfields && !f; i++)
            if (fields[i].num == num) f = &fields[i];
        if (!f) {
            if (rd_skip(c, &r, wt)) return -1;
            continue;
        }
        assert(f->wt == WT_VARINT || f->wt == WT_BYTES);
        if (wt != f->wt) return wrong_wire(c, wt, f->go_name);
        if (f->wt == WT_VARINT ? rd_varint(c, &r, &f->varint) : rd_bytes(c, &r, &f->bytes, &f->len)) return -1;
        f->seen = 1;
    }
    return 0;
}

static int read_time_message(pb_ctx *c, const unsigned char *d, size_t n, int64_t *sec, int64_t *nsec)
{
    small_field f[] = {SMALL_FIELD(1, WT_VARINT, "Seconds"), SMALL_FIELD(2, WT_VARINT, "Nanos")};
    if (read_small_message(c, d, n, "Timestamp", f, 2)) return -1;
    *sec = (int64_t)f[0].varint;
    *nsec = (int32_t)(uint32_t)f[1].varint;
    return 0;
}

/* One JSONSchemaProps message as a JSON object. */
static cJSON *render_schema_props(pb_ctx *c, const unsigned char *d, size_t n, int depth)
{
    const schema_type *t = schema_type_named(SCHEMA_JSON_SCHEMA_PROPS);
    cJSON *obj = cJSON_CreateObject();
    if (!t || !obj) {
        cJSON_Delete(obj);
        oom(c);
        return NULL;
    }
    if (render_fields(c, t, d, n, obj, depth + 1)) {
        cJSON_Delete(obj);
        return NULL;
    }
    return obj;
}

/* apiextensions' unions (schema.h) as their MarshalJSON writes them: a
 * list when it has items, else the schema, else false (OrBool without
 * allows), true or null. */
static cJSON *render_union(pb_ctx *c, schema_raw_union u, const unsigned char *d, size_t n, int depth)
{
    static const char *const names[] = {"", "JSONSchemaPropsOrArray", "JSONSchemaPropsOrBool",
                                        "JSONSchemaPropsOrStringArray"};
    int schema_num = u == RAW_OR_BOOL ? 2 : 1;
    const unsigned char *schema = NULL;
    size_t schema_len = 0;
    uint64_t allows = 0;
    cJSON *list = cJSON_CreateArray();
    if (!list) {
        oom(c);
        return NULL;
    }
    rd r = rd_over(d, n);
    while (d && r.p < r.end) {
        int32_t num;
        int wt;
        if (rd_tag(c, &r, names[u], &num, &wt)) goto fail;
        if (u == RAW_OR_BOOL && num == 1) {
            if (wt != WT_VARINT) { wrong_wire(c, wt, "Allows"); goto fail; }
            if (rd_varint(c, &r, &allows)) goto fail;
        } else if (num == schema_num || num == 2) {
            const unsigned char *b;
            size_t bl;
            if (wt != WT_BYTES) { wrong_wire(c, wt, num == schema_num ? "Schema" : "JSONSchemas"); goto fail; }
            if (rd_bytes(c, &r, &b, &bl)) goto fail;
            if (num == schema_num) {
                schema = b;   /* the last one wins, as in gogo */
                schema_len = bl;
                if (!schema) schema = (const unsigned char *)"";
            } else {
                cJSON *item = u == RAW_OR_ARRAY ? render_schema_props(c, b, bl, depth) : make_string(c, b, bl);
                if (!item) goto fail;
                cJSON_AddItemToArray(list, item);
            }
        } else if (rd_skip(c, &r, wt)) {
            goto fail;
        }
    }
    if (cJSON_GetArraySize(list) > 0) return list;
    cJSON_Delete(list);
    if (schema) return render_schema_props(c, schema, schema_len, depth);
    if (u == RAW_OR_BOOL) return cJSON_CreateBool(allows != 0);
    return cJSON_CreateNull();
fail:
    cJSON_Delete(list);
    return NULL;
}

static cJSON *render_special(pb_ctx *c, const schema_value *v, const unsigned char *d, size_t n,
                             int present, int depth)
{
    char buf[64];
    switch (v->kind) {
    case SV_OBJECT: {
        cJSON *o = cJSON_CreateObject();
        if (!o) { oom(c); return NULL; }
        if (render_fields(c, v->type, present ? d : NULL, present ? n : 0, o, depth + 1)) {
            cJSON_Delete(o);
            return NULL;
        }
        return o;
    }
    case SV_TIME:
    case SV_MICROTIME: {
        int64_t sec, nsec;
        if (!present || n == 0) return cJSON_CreateNull();
        if (read_time_message(c, d, n, &sec, &nsec)) return NULL;
        if (v->kind == SV_TIME) nsec = 0;
        if (sec == GO_ZERO_TIME_UNIX_SECONDS && nsec == 0) return cJSON_CreateNull();
        return cJSON_CreateString(scalar_format_time(sec, nsec, v->kind == SV_MICROTIME, buf, sizeof buf));
    }
    case SV_DURATION: {
        small_field f[] = {SMALL_FIELD(1, WT_VARINT, "Duration")};
        if (read_small_message(c, d, present ? n : 0, "Duration", f, 1)) return NULL;
        return cJSON_CreateString(scalar_format_duration((int64_t)f[0].varint, buf, sizeof buf));
    }
    case SV_QUANTITY: {
        small_field f[] = {SMALL_FIELD(1, WT_BYTES, "String_")};
        if (read_small_message(c, d, present ? n : 0, "Quantity", f, 1)) return NULL;
        if (!f[0].seen) return cJSON_CreateString("0");
        const unsigned char *s = f[0].bytes ? f[0].bytes : (const unsigned char *)"";
        size_t sl = f[0].len;
        char qerr[200];
        if (!scalar_check_quantity((const char *)s, sl, qerr, sizeof qerr)) {
            pb_fail(c, "%s", qerr);
            return NULL;
        }
        return make_string(c, s, sl);
    }
    case SV_INT_OR_STRING: {
        small_field f[] = {SMALL_FIELD(1, WT_VARINT, "Type"), SMALL_FIELD(2, WT_VARINT, "IntVal"),
                           SMALL_FIELD(3, WT_BYTES, "StrVal")};
        if (read_small_message(c, d, present ? n : 0, "IntOrString", f, 3)) return NULL;
        int64_t type = (int64_t)f[0].varint;
        int32_t ival = (int32_t)(uint32_t)f[1].varint;
        const unsigned char *s = f[2].bytes ? f[2].bytes : (const unsigned char *)"";
        size_t sl = f[2].len;
        if (type == 0) return make_number(c, ival);
        if (type == 1) return make_string(c, s, sl);
        pb_fail(c, "impossible IntOrString.Type");
        return NULL;
    }
    case SV_RAW:
    case SV_FIELDS_V1: {
        if (v->kind == SV_RAW && v->raw_union) return render_union(c, v->raw_union, present ? d : NULL, present ? n : 0, depth);
        small_field f[] = {SMALL_FIELD(1, WT_BYTES, "Raw")};
        if (read_small_message(c, d, present ? n : 0, v->kind == SV_RAW ? "RawExtension" : "FieldsV1", f, 1))
            return NULL;
        const unsigned char *raw = f[0].bytes;
        size_t rl = f[0].len;
        if (!raw || rl == 0) return cJSON_CreateNull();
        char jerr[256];
        cJSON *j = json_parse_strict((const char *)raw, rl, jerr, sizeof jerr);
        if (!j) pb_fail(c, "json: error calling MarshalJSON for type %s: %s",
                        v->kind == SV_RAW ? "runtime.RawExtension" : "*v1.FieldsV1", jerr);
        return j;
    }
    default:
        pb_fail(c, "proto: unsupported value kind");
        return NULL;
    }
}

/* ---- one field's wire value into its accumulator */

static int decode_scalar_elem(pb_ctx *c, const schema_value *ev, int wt, rd *r, acc *a, const char *name,
                              int depth);

static int decode_map_entry(pb_ctx *c, const schema_field *f, const unsigned char *d, size_t n,
                            acc *a, int depth)
{
    const schema_value *ev = f->value.elem;
    rd r = rd_over(d, n);
    const unsigned char *key = (const unsigned char *)"";
    size_t klen = 0;
    acc val = {0};
    int rc = 0;
    while (r.p < r.end && !rc) {
        int32_t num;
        int wt;
        if (rd_tag(c, &r, "MapEntry", &num, &wt)) { rc = -1; break; }
        if (num == 1) {
            if (wt != WT_BYTES) rc = wrong_wire(c, wt, "Key");
            else rc = rd_bytes(c, &r, &key, &klen);
        } else if (num == 2) {
            schema_value_kind k = ev->kind;
            if (k == SV_ARRAY || k == SV_OBJECT || k >= SV_TIME) {
                const unsigned char *sd;
                size_t sn;
                if (wt != WT_BYTES) rc = wrong_wire(c, wt, "Value");
                else if (!(rc = rd_bytes(c, &r, &sd, &sn))) rc = acc_add_span(c, &val, sd, sn);
            } else {
                rc = decode_scalar_elem(c, ev, wt, &r, &val, "Value", depth);
            }
        } else {
            rc = rd_skip(c, &r, wt);
        }
    }
    cJSON *value = NULL;
    if (!rc) {
        switch (ev->kind) {
        case SV_STRING: value = val.present ? (val.value ? cJSON_Duplicate(val.value, 1) : NULL) : cJSON_CreateString(""); break;
        case SV_BYTES: value = val.present ? cJSON_Duplicate(val.value, 1) : cJSON_CreateNull(); break;
        case SV_BOOL: value = val.present ? cJSON_Duplicate(val.value, 1) : cJSON_CreateFalse(); break;
        case SV_INT32:
        case SV_INT64:
        case SV_DOUBLE: value = val.present ? cJSON_Duplicate(val.value, 1) : cJSON_CreateNumber(0); break;
        case SV_ARRAY: {
            /* a list wrapped in a message {1 repeated items} (ExtraValue) */
            if (!(f->flags & SF_WRAPPED) || ev->elem->kind != SV_STRING) {
                rc = pb_fail(c, "proto: unsupported map value in field %s", f->name);
                break;
            }
            acc items = {0};
            if (!(items.value = cJSON_CreateArray())) { rc = oom(c); break; }
            rd ir = rd_over(val.span, val.present ? val.span_len : 0);
            while (ir.p < ir.end && !rc) {
                int32_t num;
                int wt;
                if (rd_tag(c, &ir, "ExtraValue", &num, &wt)) { rc = -1; break; }
                if (num == 1) rc = decode_scalar_elem(c, ev->elem, wt, &ir, &items, "Items", depth);
                else rc = rd_skip(c, &ir, wt);
            }
            if (!rc) {
                if (cJSON_GetArraySize(items.value) == 0) {
                    /* a list the message carried no items for is nil in Go */
                    cJSON_Delete(items.value);
                    items.value = NULL;
                }
                value = items.value ? items.value : cJSON_CreateNull();
                items.value = NULL;
            }
            cJSON_Delete(items.value);
            break;
        }
        default:
            value = render_special(c, ev, val.span, val.span_len, val.present, depth);
            break;
        }
        if (!rc && !value) rc = c->failed ? -1 : oom(c);
    }
    cJSON *k = NULL;
    if (!rc) {
        k = make_string(c, key, klen);
        if (!k) rc = -1;
    }
    if (!rc) {
        if (!a->value && !(a->value = cJSON_CreateObject())) rc = oom(c);
    }
    if (!rc) {
        cJSON_DeleteItemFromObjectCaseSensitive(a->value, k->valuestring);
        cJSON_AddItemToObject(a->value, k->valuestring, value);
        value = NULL;
        a->present = 1;
    }
    cJSON_Delete(k);
    cJSON_Delete(value);
    cJSON_Delete(val.value);
    free(val.merged);
    return rc;
}

/* One element of a list (or one scalar) of a scalar kind: appended to a
 * list accumulator when a->value is a list, else stored. Packed varints and
 * doubles are expanded. */
static int decode_scalar_elem(pb_ctx *c, const schema_value *ev, int wt, rd *r, acc *a, const char *name,
                              int depth)
{
    (void)depth;
    schema_value_kind k = ev->kind;
    int list = a->value ? cJSON_IsArray(a->value) : 0;
    uint64_t v = 0;
    const unsigned char *d;
    size_t n;
    if (is_varint_kind(k)) {
        if (wt != WT_VARINT) return wrong_wire(c, wt, name);
        if (rd_varint(c, r, &v)) return -1;
        cJSON *j = varint_value(c, k, v);
        if (!j) return -1;
        if (list) return acc_append(c, a, j);
        acc_set(a, j);
        return 0;
    }
    if (k == SV_DOUBLE) {
        if (wt != WT_FIXED64) return wrong_wire(c, wt, name);
        if (rd_fixed(c, r, 8, &v)) return -1;
        cJSON *j = double_value(c, v);
        if (!j) return -1;
        if (list) return acc_append(c, a, j);
        acc_set(a, j);
        return 0;
    }
    if (k == SV_STRING || k == SV_BYTES) {
        if (wt != WT_BYTES) return wrong_wire(c, wt, name);
        if (rd_bytes(c, r, &d, &n)) return -1;
        cJSON *j = k == SV_STRING ? make_string(c, d, n) : make_bytes(c, d, n);
        if (!j) return -1;
        if (list) return acc_append(c, a, j);
        acc_set(a, j);
        return 0;
    }
    return pb_fail(c, "proto: unsupported scalar in field %s", name);
}

static int decode_field(pb_ctx *c, const schema_field *f, int wt, rd *r, acc *a, int depth)
{
    const schema_value *v = &f->value;
    const unsigned char *d;
    size_t n;
    if (v->kind == SV_ARRAY) {
        const schema_value *ev = v->elem;
        if (!a->value && !(a->value = cJSON_CreateArray())) return oom(c);
        if (wt == WT_BYTES && (is_varint_kind(ev->kind) || ev->kind == SV_DOUBLE)) {
            /* packed */
            if (rd_bytes(c, r, &d, &n)) return -1;
            rd pr = rd_over(d, n);
            while (pr.p < pr.end)
                if (decode_scalar_elem(c, ev, ev->kind == SV_DOUBLE ? WT_FIXED64 : WT_VARINT, &pr, a,
                                       f->name, depth))
                    return -1;
            return 0;
        }
        if (ev->kind <= SV_DOUBLE) return decode_scalar_elem(c, ev, wt, r, a, f->name, depth);
        if (ev->kind == SV_ARRAY || ev->kind == SV_MAP)
            return pb_fail(c, "proto: unsupported nested list in field %s", f->name);
        if (wt != WT_BYTES) return wrong_wire(c, wt, f->name);
        if (rd_bytes(c, r, &d, &n)) return -1;
        cJSON *elem = render_special(c, ev, d, n, 1, depth);
        if (!elem) return c->failed ? -1 : oom(c);
        return acc_append(c, a, elem);
    }
    if (v->kind == SV_MAP) {
        if (wt != WT_BYTES) return wrong_wire(c, wt, f->name);
        if (rd_bytes(c, r, &d, &n)) return -1;
        return decode_map_entry(c, f, d, n, a, depth);
    }
    if (v->kind <= SV_DOUBLE) return decode_scalar_elem(c, v, wt, r, a, f->name, depth);
    /* a message: an object or a special type; repeats merge */
    if (wt != WT_BYTES) return wrong_wire(c, wt, f->name);
    if (rd_bytes(c, r, &d, &n)) return -1;
    return acc_add_span(c, a, d, n);
}

/* ---- rendering one message's fields as Go's encoder writes them */

static int cmp_keys(const void *x, const void *y)
{
    const cJSON *a = *(const cJSON *const *)x, *b = *(const cJSON *const *)y;
    return strcmp(a->string, b->string);
}

/* Go writes map keys sorted (byte order). */
static int sort_object(pb_ctx *c, cJSON *obj)
{
    int n = cJSON_GetArraySize(obj);
    if (n < 2) return 0;
    cJSON **items = kapi_xmalloc(sizeof *items * (size_t)n);
    if (!items) return oom(c);
    int i = 0;
    while (obj->child) items[i++] = cJSON_DetachItemViaPointer(obj, obj->child);
    qsort(items, (size_t)n, sizeof *items, cmp_keys);
    for (i = 0; i < n; i++) cJSON_AddItemToObject(obj, items[i]->string, items[i]);
    free(items);
    return 0;
}

static int is_zero_scalar(const cJSON *j)
{
    if (cJSON_IsString(j)) return j->valuestring[0] == '\0';
    if (cJSON_IsNumber(j)) return j->valuedouble == 0;
    if (cJSON_IsBool(j)) return cJSON_IsFalse(j);
    return 0;
}

static int add(pb_ctx *c, cJSON *out, const char *name, cJSON *v)
{
    if (!v) return c->failed ? -1 : oom(c);
    cJSON_AddItemToObject(out, name, v);
    return 0;
}

static int render_field(pb_ctx *c, const schema_field *f, acc *a, cJSON *out, int depth)
{
    unsigned fl = f->flags;
    int ptr = (fl & SF_POINTER) != 0, omit = (fl & SF_OMITEMPTY) != 0;
    const schema_value *v = &f->value;
    if (fl & SF_INLINE) {
        if (f->proto_number == 0) {
            /* TypeMeta: kind and apiVersion come from the envelope */
            if (depth == 0 && c->tm_kind) {
                if (c->tm_kind[0] && add(c, out, "kind", cJSON_CreateString(c->tm_kind))) return -1;
                if (c->tm_api && c->tm_api[0] && add(c, out, "apiVersion", cJSON_CreateString(c->tm_api)))
                    return -1;
                c->tm_kind = c->tm_api = NULL;
            }
            return 0;
        }
        return render_fields(c, v->type, a->present ? a->span : NULL, a->present ? a->span_len : 0, out,
                             depth + 1);
    }
    if (ptr && !a->present) return omit ? 0 : add(c, out, f->name, cJSON_CreateNull());
    switch (v->kind) {
    case SV_STRING:
    case SV_BOOL:
    case SV_INT32:
    case SV_INT64:
    case SV_DOUBLE: {
        cJSON *val = a->value;
        if (!a->present || !val) {
            val = v->kind == SV_STRING ? cJSON_CreateString("") : v->kind == SV_BOOL ? cJSON_CreateFalse()
                                                                                     : cJSON_CreateNumber(0);
            if (!val) return oom(c);
        } else {
            a->value = NULL;
        }
        if (!ptr && omit && is_zero_scalar(val)) {
            cJSON_Delete(val);
            return 0;
        }
        return add(c, out, f->name, val);
    }
    case SV_BYTES:
        if (!a->present || !a->value) return omit ? 0 : add(c, out, f->name, cJSON_CreateNull());
        if (omit && a->value->valuestring[0] == '\0') return 0;
        {
            cJSON *val = a->value;
            a->value = NULL;
            return add(c, out, f->name, val);
        }
    case SV_ARRAY:
    case SV_MAP:
        if (!a->value || !a->value->child) return omit ? 0 : add(c, out, f->name, cJSON_CreateNull());
        if (v->kind == SV_MAP && sort_object(c, a->value)) return -1;
        {
            cJSON *val = a->value;
            a->value = NULL;
            return add(c, out, f->name, val);
        }
    default:
        return add(c, out, f->name, render_special(c, v, a->span, a->span_len, a->present, depth));
    }
}

static int render_fields(pb_ctx *c, const schema_type *t, const unsigned char *data, size_t len,
                         cJSON *out, int depth)
{
    if (depth > PROTOBUF_MAX_DEPTH)
        return pb_fail(c, "proto: messages nested deeper than %d levels", PROTOBUF_MAX_DEPTH);
    acc *accs = kapi_xcalloc((size_t)t->n_fields + 1, sizeof *accs);
    if (!accs) return oom(c);
    rd r = rd_over(data, len);
    int rc = 0;
    while (data && r.p < r.end && !rc) {
        int32_t num;
        int wt;
        if (rd_tag(c, &r, t->short_name, &num, &wt)) { rc = -1; break; }
        int idx = -1;
        for (int i = 0; i < t->n_fields; i++)
            if (t->fields[i].proto_number == num) { idx = i; break; }
        if (idx < 0) rc = rd_skip(c, &r, wt);
        else rc = decode_field(c, &t->fields[idx], wt, &r, &accs[idx], depth);
    }
    for (int i = 0; i < t->n_fields && !rc; i++) rc = render_field(c, &t->fields[i], &accs[i], out, depth);
    for (int i = 0; i < t->n_fields; i++) {
        cJSON_Delete(accs[i].value);
        free(accs[i].merged);
    }
    free(accs);
    return rc;
}

cJSON *protobuf_decode_message(const schema_type *t, const void *data, size_t len, char *err, size_t errlen)
{
    pb_ctx c = {err, errlen, 0, NULL, NULL};
    if (err && errlen) err[0] = '\0';
    if (!t) {
        pb_fail(&c, "no schema for this kind");
        return NULL;
    }
    cJSON *obj = cJSON_CreateObject();
    if (!obj) { oom(&c); return NULL; }
    if (render_fields(&c, t, data ? data : (const void *)"", len, obj, 0)) {
        cJSON_Delete(obj);
        return NULL;
    }
    return obj;
}

/* ---- the envelope */

typedef struct unknown_msg {
    const unsigned char *api, *kind, *raw;
    size_t api_len, kind_len, raw_len;
} unknown_msg;

static int read_type_meta(pb_ctx *c, const unsigned char *d, size_t n, unknown_msg *u)
{
    rd r = rd_over(d, n);
    while (r.p < r.end) {
        int32_t num;
        int wt;
        if (rd_tag(c, &r, "TypeMeta", &num, &wt)) return -1;
        if (num == 1 || num == 2) {
            if (wt != WT_BYTES) return wrong_wire(c, wt, num == 1 ? "APIVersion" : "Kind");
            if (num == 1 ? rd_bytes(c, &r, &u->api, &u->api_len) : rd_bytes(c, &r, &u->kind, &u->kind_len))
                return -1;
        } else if (rd_skip(c, &r, wt)) {
            return -1;
        }
    }
    return 0;
}

static int read_unknown(pb_ctx *c, const unsigned char *d, size_t n, unknown_msg *u)
{
    rd r = rd_over(d, n);
    while (r.p < r.end) {
        int32_t num;
        int wt;
        const unsigned char *b;
        size_t bl;
        if (rd_tag(c, &r, "Unknown", &num, &wt)) return -1;
        if (num >= 1 && num <= 4) {
            static const char *const names[] = {"", "TypeMeta", "Raw", "ContentEncoding", "ContentType"};
            if (wt != WT_BYTES) return wrong_wire(c, wt, names[num]);
            if (rd_bytes(c, &r, &b, &bl)) return -1;
            if (num == 1 && read_type_meta(c, b, bl, u)) return -1;
            if (num == 2) {
                u->raw = b;
                u->raw_len = bl;
            }
        } else if (rd_skip(c, &r, wt)) {
            return -1;
        }
    }
    return 0;
}

/* kube's summarizeData for a body that does not start with '{': hex. */
static void summarize_hex(const unsigned char *b, size_t len, char *out, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    if (len == 0) {
        snprintf(out, n, "<empty>");
        return;
    }
    size_t m = len > 30 ? 30 : len, o = 0;
    for (size_t i = 0; i < m && o + 3 < n; i++) {
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 15];
    }
    out[o] = '\0';
    if (len > 30 && o + 5 < n) strcat(out, " ...");
}

static char *dup_text(const unsigned char *s, size_t n)
{
    char *d = kapi_xmalloc(n + 1);
    if (!d) return NULL;
    if (n) memcpy(d, s, n);
    d[n] = '\0';
    for (size_t i = 0; i < n; i++)
        if (!d[i]) d[i] = '?';
    return d;
}

cJSON *protobuf_decode_body(const void *body, size_t len, const char *expected_kind, char *err, size_t errlen)
{
    const unsigned char *b = body ? body : (const void *)"";
    char sum[80], inner[600];
    if (err && errlen) err[0] = '\0';
    if (!expected_kind) expected_kind = "";
    if (len == 0 || len < 4 || memcmp(b, "k8s\0", 4) || len == 4) {
        const char *why = len == 0 ? "empty data"
                          : len == 4 && !memcmp(b, "k8s\0", 4)
                              ? "empty body"
                              : "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]";
        summarize_hex(b, len, sum, sizeof sum);
        snprintf(err, errlen, "the object provided is unrecognized (must be of type %s): %s (%s)", expected_kind,
                 why, sum);
        return NULL;
    }
    pb_ctx c = {inner, sizeof inner, 0, NULL, NULL};
    unknown_msg u = {0};
    if (read_unknown(&c, b + 4, len - 4, &u)) {
        summarize_hex(b, len, sum, sizeof sum);
        snprintf(err, errlen, "the object provided is unrecognized (must be of type %s): %s (%s)", expected_kind,
                 inner, sum);
        return NULL;
    }
    char *kind = dup_text(u.kind, u.kind_len), *api = dup_text(u.api, u.api_len);
    cJSON *obj = NULL;
    if (!kind || !api) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    if (kind[0] && strcmp(kind, expected_kind)) {
        /* another kind: the caller's kind check words the refusal */
        obj = cJSON_CreateObject();
        if (obj) {
            cJSON_AddStringToObject(obj, "kind", kind);
            if (api[0]) cJSON_AddStringToObject(obj, "apiVersion", api);
        }
        goto done;
    }
    const char *use_kind = kind[0] ? kind : expected_kind;
    const schema_type *t = NULL;
    if (api[0]) {
        char group[256];
        const char *slash = strchr(api, '/');
        snprintf(group, sizeof group, "%.*s", slash ? (int)(slash - api) : 0, api);
        t = schema_kind(group, slash ? slash + 1 : api, use_kind);
    }
    if (!t) t = schema_kind_named(use_kind);
    const char *version = api[0] ? (strchr(api, '/') ? strchr(api, '/') + 1 : api) : t ? t->version : "";
    if (!t) {
        snprintf(err, errlen, "%s in version \"%s\" cannot be handled as a %s: no kind \"%s\" is registered",
                 use_kind, version, expected_kind, use_kind);
        goto done;
    }
    c.tm_kind = kind;
    c.tm_api = api;
    obj = cJSON_CreateObject();
    if (!obj) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    if (render_fields(&c, t, u.raw ? u.raw : (const unsigned char *)"", u.raw_len, obj, 0)) {
        snprintf(err, errlen, "%s in version \"%s\" cannot be handled as a %s: %s", use_kind, version,
                 expected_kind, inner);
        cJSON_Delete(obj);
        obj = NULL;
    }
done:
    free(kind);
    free(api);
    return obj;
}
