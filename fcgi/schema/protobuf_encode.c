/* protobuf_encode.c: writes an object (JSON tree of a schema type) as the
 * Kubernetes protobuf message a Go client would send: gogo-protobuf's
 * rules (fields by number; non-pointer scalars and structs always written,
 * pointers and lists only when set; map entries by sorted key). The
 * decoder's inverse: tests and the fuzzer use it to make bodies, and
 * protobuf responses could use it later. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/json.h"
#include "schema/protobuf.h"
#include "schema/scalars.h"
#include "codec/protowire.h"
#include "core/alloc.h"

typedef struct enc {
    char *err;
    size_t errlen;
    int failed;
} enc;

static int enc_fail(enc *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int enc_fail(enc *e, const char *fmt, ...)
{
    if (!e->failed) {
        e->failed = 1;
        va_list ap;
        va_start(ap, fmt);
        if (e->err && e->errlen) vsnprintf(e->err, e->errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int put_varint(enc *e, kapi_buf *b, uint64_t v)
{
    (void)e;
    protowire_put_varint(b, v);
    return 0;
}

static int put_tag(enc *e, kapi_buf *b, int num, int wt)
{
    (void)e;
    protowire_put_tag(b, num, wt);
    return 0;
}

static int put_bytes(enc *e, kapi_buf *b, int num, const void *d, size_t n)
{
    (void)e;
    protowire_put_len(b, num, d, n);
    return 0;
}

/* A sub-message: encoded into its own buffer, then written with its length. */
static int put_message(enc *e, kapi_buf *b, int num, kapi_buf *sub)
{
    int rc = put_bytes(e, b, num, sub->data ? sub->data : "", sub->len);
    kapi_buf_free(sub);
    return rc;
}

static int encode_fields(enc *e, const schema_type *t, const cJSON *obj, kapi_buf *out, int depth);

static int int_of(enc *e, const cJSON *j, const char *name, int64_t *v)
{
    if (!j || cJSON_IsNull(j)) { *v = 0; return 0; }
    if (cJSON_IsBool(j)) { *v = cJSON_IsTrue(j); return 0; }
    if (!cJSON_IsNumber(j) || j->valuedouble != floor(j->valuedouble) || fabs(j->valuedouble) > 9.2e18)
        return enc_fail(e, "%s: not an integer", name);
    *v = (int64_t)j->valuedouble;
    return 0;
}

static const char *str_of(const cJSON *j) { return cJSON_IsString(j) ? j->valuestring : ""; }

static int base64_decode(const char *s, kapi_buf *out)
{
    unsigned v = 0;
    int bits = 0;
    for (; *s; s++) {
        int c = *s;
        int d = c >= 'A' && c <= 'Z' ? c - 'A' : c >= 'a' && c <= 'z' ? c - 'a' + 26
              : c >= '0' && c <= '9' ? c - '0' + 52 : c == '+' ? 62 : c == '/' ? 63 : -1;
        if (d < 0) continue;
        v = v << 6 | (unsigned)d;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            char ch = (char)(v >> bits & 0xff);
            if (kapi_buf_put(out, &ch, 1)) return -1;
        }
    }
    return 0;
}

/* One JSONSchemaProps as message field num of out. */
static int encode_schema_props(enc *e, const cJSON *j, int num, kapi_buf *out, int depth)
{
    const schema_type *t = schema_type_named(SCHEMA_JSON_SCHEMA_PROPS);
    if (!t) return enc_fail(e, "JSONSchemaProps: no schema");
    kapi_buf sub;
    kapi_buf_init(&sub);
    if (encode_fields(e, t, j, &sub, depth + 1)) {
        kapi_buf_free(&sub);
        return -1;
    }
    return put_message(e, out, num, &sub);
}

/* apiextensions' unions (schema.h): the JSON shape picks the member. */
static int encode_union(enc *e, schema_raw_union u, const cJSON *j, kapi_buf *sub, const char *name, int depth)
{
    const cJSON *it;
    switch (u) {
    case RAW_OR_ARRAY:   /* {1 schema, 2 repeated jSONSchemas} */
        if (cJSON_IsObject(j)) return encode_schema_props(e, j, 1, sub, depth);
        if (!cJSON_IsArray(j)) return enc_fail(e, "%s: not a schema or a list of schemas", name);
        cJSON_ArrayForEach(it, j)
            if (!cJSON_IsObject(it) || encode_schema_props(e, it, 2, sub, depth))
                return cJSON_IsObject(it) ? -1 : enc_fail(e, "%s: not a schema", name);
        return 0;
    case RAW_OR_BOOL:    /* {1 allows, 2 schema}: a schema allows */
        if (cJSON_IsBool(j)) return put_tag(e, sub, 1, 0) || put_varint(e, sub, cJSON_IsTrue(j) ? 1 : 0);
        if (!cJSON_IsObject(j)) return enc_fail(e, "%s: not a schema or a boolean", name);
        if (put_tag(e, sub, 1, 0) || put_varint(e, sub, 1)) return -1;
        return encode_schema_props(e, j, 2, sub, depth);
    case RAW_OR_STRING_ARRAY:   /* {1 schema, 2 repeated property} */
        if (cJSON_IsObject(j)) return encode_schema_props(e, j, 1, sub, depth);
        if (!cJSON_IsArray(j)) return enc_fail(e, "%s: not a schema or a list of strings", name);
        cJSON_ArrayForEach(it, j) {
            if (!cJSON_IsString(it)) return enc_fail(e, "%s: not a string", name);
            if (put_bytes(e, sub, 2, it->valuestring, strlen(it->valuestring))) return -1;
        }
        return 0;
    default:
        return enc_fail(e, "%s: unsupported union", name);
    }
}

/* A special type's message (Time, Quantity, ...) into sub. */
static int encode_special(enc *e, const schema_value *v, const cJSON *j, kapi_buf *sub, const char *name,
                          int depth)
{
    char err[300];
    switch (v->kind) {
    case SV_OBJECT:
        return encode_fields(e, v->type, cJSON_IsObject(j) ? j : NULL, sub, depth + 1);
    case SV_TIME:
    case SV_MICROTIME: {
        if (!cJSON_IsString(j)) return 0;                       /* zero: empty message */
        int64_t sec, nsec;
        const char *s = j->valuestring;
        if (!scalar_parse_time(s, strlen(s), v->kind == SV_MICROTIME, &sec, &nsec, err, sizeof err) &&
            !scalar_parse_time(s, strlen(s), 0, &sec, &nsec, err, sizeof err))
            return enc_fail(e, "%s: %s", name, err);
        if (put_tag(e, sub, 1, 0) || put_varint(e, sub, (uint64_t)sec)) return -1;
        return put_tag(e, sub, 2, 0) || put_varint(e, sub, (uint64_t)(int64_t)(int32_t)nsec);
    }
    case SV_QUANTITY: {
        char num[64];
        const char *s = "0";
        if (cJSON_IsString(j)) s = j->valuestring;
        else if (cJSON_IsNumber(j)) {
            json_format_number(num, sizeof num, j->valuedouble);
            s = num;
        }
        return put_bytes(e, sub, 1, s, strlen(s));
    }
    case SV_INT_OR_STRING: {
        int is_str = cJSON_IsString(j);
        int64_t iv = 0;
        if (!is_str && int_of(e, j, name, &iv)) return -1;
        if (put_tag(e, sub, 1, 0) || put_varint(e, sub, (uint64_t)is_str)) return -1;
        if (put_tag(e, sub, 2, 0) || put_varint(e, sub, (uint64_t)(int64_t)(int32_t)iv)) return -1;
        const char *s = is_str ? j->valuestring : "";
        return put_bytes(e, sub, 3, s, strlen(s));
    }
    case SV_RAW:
    case SV_FIELDS_V1: {
        if (!j || cJSON_IsNull(j)) return 0;
        if (v->kind == SV_RAW && v->raw_union) return encode_union(e, v->raw_union, j, sub, name, depth);
        char *text = json_print(j, 0);
        if (!text) return enc_fail(e, "%s: cannot print", name);
        int rc = put_bytes(e, sub, 1, text, strlen(text));
        free(text);
        return rc;
    }
    case SV_DURATION:
        if (j && !cJSON_IsNull(j)) return enc_fail(e, "%s: durations are not supported", name);
        return put_tag(e, sub, 1, 0) || put_varint(e, sub, 0);
    default:
        return enc_fail(e, "%s: unsupported type", name);
    }
}

/* One scalar value with its tag. */
static int encode_scalar(enc *e, const schema_value *v, int num, const cJSON *j, kapi_buf *out,
                         const char *name)
{
    int64_t iv;
    switch (v->kind) {
    case SV_STRING: {
        const char *s = str_of(j);
        return put_bytes(e, out, num, s, strlen(s));
    }
    case SV_BYTES: {
        kapi_buf raw;
        kapi_buf_init(&raw);
        if (base64_decode(str_of(j), &raw)) {
            kapi_buf_free(&raw);
            return enc_fail(e, "out of memory");
        }
        int rc = put_bytes(e, out, num, raw.data ? raw.data : "", raw.len);
        kapi_buf_free(&raw);
        return rc;
    }
    case SV_BOOL:
        return put_tag(e, out, num, 0) || put_varint(e, out, cJSON_IsTrue(j) ? 1 : 0);
    case SV_INT32:
        if (int_of(e, j, name, &iv)) return -1;
        return put_tag(e, out, num, 0) || put_varint(e, out, (uint64_t)(int64_t)(int32_t)iv);
    case SV_INT64:
        if (int_of(e, j, name, &iv)) return -1;
        return put_tag(e, out, num, 0) || put_varint(e, out, (uint64_t)iv);
    case SV_DOUBLE: {
        double d = cJSON_IsNumber(j) ? j->valuedouble : 0;
        uint64_t bits;
        unsigned char le[8];
        memcpy(&bits, &d, sizeof bits);
        for (int i = 0; i < 8; i++) le[i] = (unsigned char)(bits >> (8 * i));
        if (put_tag(e, out, num, 1)) return -1;
        return kapi_buf_put(out, le, 8) ? enc_fail(e, "out of memory") : 0;
    }
    default: {
        kapi_buf sub;
        kapi_buf_init(&sub);
        if (encode_special(e, v, j, &sub, name, 0)) {
            kapi_buf_free(&sub);
            return -1;
        }
        return put_message(e, out, num, &sub);
    }
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int encode_map(enc *e, const schema_field *f, const cJSON *m, kapi_buf *out, int depth)
{
    int n = cJSON_GetArraySize(m);
    if (n == 0) return 0;
    const char **keys = kapi_xmalloc(sizeof *keys * (size_t)n);
    if (!keys) return enc_fail(e, "out of memory");
    int k = 0;
    for (const cJSON *c = m->child; c; c = c->next) keys[k++] = c->string;
    qsort(keys, (size_t)n, sizeof *keys, cmp_str);
    const schema_value *ev = f->value.elem;
    int rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        const cJSON *val = cJSON_GetObjectItemCaseSensitive(m, keys[i]);
        kapi_buf entry;
        kapi_buf_init(&entry);
        rc = put_bytes(e, &entry, 1, keys[i], strlen(keys[i]));
        if (!rc) {
            if (ev->kind == SV_ARRAY && (f->flags & SF_WRAPPED)) {
                kapi_buf sub;
                kapi_buf_init(&sub);
                const cJSON *it;
                cJSON_ArrayForEach(it, val)
                    if (!rc) rc = put_bytes(e, &sub, 1, str_of(it), strlen(str_of(it)));
                if (!rc && !cJSON_IsNull(val)) rc = put_message(e, &entry, 2, &sub);
                else kapi_buf_free(&sub);
            } else if (ev->kind == SV_BYTES && (!val || cJSON_IsNull(val))) {
                /* a nil []byte value is not written */
            } else {
                rc = encode_scalar(e, ev, 2, val, &entry, f->name);
            }
        }
        if (!rc) rc = put_message(e, out, f->proto_number, &entry);
        else kapi_buf_free(&entry);
    }
    (void)depth;
    free(keys);
    return rc;
}

static int encode_field(enc *e, const schema_field *f, const cJSON *obj, kapi_buf *out, int depth)
{
    const schema_value *v = &f->value;
    if (f->flags & SF_INLINE) {
        kapi_buf sub;
        kapi_buf_init(&sub);
        if (encode_fields(e, v->type, obj, &sub, depth + 1)) {
            kapi_buf_free(&sub);
            return -1;
        }
        return put_message(e, out, f->proto_number, &sub);
    }
    const cJSON *j = obj ? cJSON_GetObjectItemCaseSensitive(obj, f->name) : NULL;
    int set = j && !cJSON_IsNull(j);
    if ((f->flags & SF_POINTER) && !set) return 0;
    switch (v->kind) {
    case SV_ARRAY: {
        if (!set) return 0;
        if (!cJSON_IsArray(j)) return enc_fail(e, "%s: not a list", f->name);
        const cJSON *it;
        cJSON_ArrayForEach(it, j)
            if (encode_scalar(e, v->elem, f->proto_number, it, out, f->name)) return -1;
        return 0;
    }
    case SV_MAP:
        if (!set) return 0;
        if (!cJSON_IsObject(j)) return enc_fail(e, "%s: not an object", f->name);
        return encode_map(e, f, j, out, depth);
    case SV_BYTES:
        if (!set) return 0;   /* a nil []byte is not written */
        return encode_scalar(e, v, f->proto_number, j, out, f->name);
    default:
        return encode_scalar(e, v, f->proto_number, set ? j : NULL, out, f->name);
    }
}

static int by_number(const void *a, const void *b)
{
    const schema_field *x = *(const schema_field *const *)a, *y = *(const schema_field *const *)b;
    return x->proto_number - y->proto_number;
}

static int encode_fields(enc *e, const schema_type *t, const cJSON *obj, kapi_buf *out, int depth)
{
    if (depth > PROTOBUF_MAX_DEPTH) return enc_fail(e, "nesting too deep");
    const schema_field *order[160];
    int n = 0;
    for (int i = 0; i < t->n_fields && n < 160; i++)
        if (t->fields[i].proto_number > 0) order[n++] = &t->fields[i];
    qsort(order, (size_t)n, sizeof *order, by_number);
    for (int i = 0; i < n; i++)
        if (encode_field(e, order[i], obj, out, depth)) return -1;
    return 0;
}

int protobuf_encode_message(const schema_type *t, const cJSON *obj, kapi_buf *out, char *err, size_t errlen)
{
    enc e = {err, errlen, 0};
    if (err && errlen) err[0] = '\0';
    if (!t) return enc_fail(&e, "no schema for this kind");
    return encode_fields(&e, t, obj, out, 0);
}

int protobuf_encode_body(const schema_type *t, const cJSON *obj, kapi_buf *out, char *err, size_t errlen)
{
    enc e = {err, errlen, 0};
    if (err && errlen) err[0] = '\0';
    if (!t) return enc_fail(&e, "no schema for this kind");
    const char *api = str_of(cJSON_GetObjectItemCaseSensitive(obj, "apiVersion"));
    const char *kind = str_of(cJSON_GetObjectItemCaseSensitive(obj, "kind"));
    kapi_buf tm, raw;
    kapi_buf_init(&tm);
    kapi_buf_init(&raw);
    if (kapi_buf_put(out, "k8s\0", 4)) return enc_fail(&e, "out of memory");
    int rc = put_bytes(&e, &tm, 1, api, strlen(api));
    if (!rc) rc = put_bytes(&e, &tm, 2, kind, strlen(kind));
    if (!rc) rc = put_message(&e, out, 1, &tm);
    if (!rc) rc = encode_fields(&e, t, obj, &raw, 0);
    if (!rc) rc = put_message(&e, out, 2, &raw);
    if (!rc) rc = put_bytes(&e, out, 3, "", 0);
    if (!rc) rc = put_bytes(&e, out, 4, "", 0);
    kapi_buf_free(&tm);
    kapi_buf_free(&raw);
    return rc;
}
