/* json.c: the strict JSON parser and the Go-compatible JSON writer.
 *
 * The parser is one recursive-descent pass over a bounded byte range that
 * both validates (with the messages of Go's encoding/json scanner, which is
 * what kube-apiserver reports) and builds the cJSON tree. It differs from Go
 * only where kapi is stricter: invalid UTF-8 is rejected instead of being
 * replaced by U+FFFD, nesting stops at JSON_MAX_DEPTH (Go: 10000), and
 * "\u0000" is rejected because cJSON strings are NUL-terminated.
 *
 * The writer prints what json.Marshal / json.MarshalIndent(v, "", "  ") print
 * for the same tree: HTML-safe string escapes and Go's float formatting. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/alloc.h"
#include "codec/json.h"
#include "core/escape.h"
#include "core/hashmap.h"

/* ------------------------------------------------------------------ */
/* Parser state                                                        */

typedef struct json_parser {
    const unsigned char *p;      /* next byte to read */
    const unsigned char *end;    /* one past the last byte */
    char *err;
    size_t errlen;
    int failed;
    kapi_buf scratch;            /* decoded text of the current string */
    /* duplicate-key reporting (only when want_duplicate) */
    int want_duplicate;
    int found_duplicate;
    kapi_buf path;               /* path of the value being parsed */
    char *duplicate_path;
    size_t duplicate_pathlen;
} json_parser;

/* Go's quoteChar: how encoding/json shows an offending byte. */
static void quote_byte_like_go(unsigned char c, char *out, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    if (c == '\'') { snprintf(out, n, "'\\''"); return; }
    if (c == '"') { snprintf(out, n, "'\"'"); return; }
    if (c == '\\') { snprintf(out, n, "'\\\\'"); return; }
    if (c >= 0x20 && c < 0x7f) { snprintf(out, n, "'%c'", c); return; }
    switch (c) {
    case '\a': snprintf(out, n, "'\\a'"); return;
    case '\b': snprintf(out, n, "'\\b'"); return;
    case '\f': snprintf(out, n, "'\\f'"); return;
    case '\n': snprintf(out, n, "'\\n'"); return;
    case '\r': snprintf(out, n, "'\\r'"); return;
    case '\t': snprintf(out, n, "'\\t'"); return;
    case '\v': snprintf(out, n, "'\\v'"); return;
    default: break;
    }
    if (c < 0x80) { snprintf(out, n, "'\\x%c%c'", hex[c >> 4], hex[c & 15]); return; }
    /* Go quotes the byte as the rune U+0080..U+00FF: printable ones appear
     * as themselves (UTF-8), the others as \u00XX. */
    if (c < 0xa1 || c == 0xad) {
        snprintf(out, n, "'\\u00%c%c'", hex[c >> 4], hex[c & 15]);
        return;
    }
    snprintf(out, n, "'%c%c'", (char)(0xc0 | (c >> 6)), (char)(0x80 | (c & 0x3f)));
}

static void fail_with_message(json_parser *ps, const char *msg)
{
    if (ps->failed) return;
    ps->failed = 1;
    if (ps->err && ps->errlen) snprintf(ps->err, ps->errlen, "%s", msg);
}

static void fail_at_character(json_parser *ps, unsigned char c, const char *context)
{
    char q[16], msg[160];
    quote_byte_like_go(c, q, sizeof q);
    snprintf(msg, sizeof msg, "invalid character %s %s", q, context);
    fail_with_message(ps, msg);
}

static void fail_at_end_of_input(json_parser *ps)
{
    fail_with_message(ps, "unexpected end of JSON input");
}

static void skip_whitespace(json_parser *ps)
{
    while (ps->p < ps->end &&
           (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

/* Length (1..4) of the well-formed UTF-8 sequence at p, 0 when ill-formed
 * (overlong forms, surrogates, code points above U+10FFFF, truncation). */
static size_t utf8_sequence_length(const unsigned char *p, const unsigned char *end)
{
    size_t avail = (size_t)(end - p);
    unsigned char c = p[0];
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf)
        return avail >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        if (avail < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80) return 0;
        if (c == 0xe0 && p[1] < 0xa0) return 0;     /* overlong */
        if (c == 0xed && p[1] > 0x9f) return 0;     /* surrogates */
        return 3;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        if (avail < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
            (p[3] & 0xc0) != 0x80) return 0;
        if (c == 0xf0 && p[1] < 0x90) return 0;     /* overlong */
        if (c == 0xf4 && p[1] > 0x8f) return 0;     /* above U+10FFFF */
        return 4;
    }
    return 0;
}

static int put_utf8(kapi_buf *b, unsigned cp)
{
    char s[4];
    size_t n;
    if (cp < 0x80) { s[0] = (char)cp; n = 1; }
    else if (cp < 0x800) { s[0] = (char)(0xc0 | (cp >> 6)); s[1] = (char)(0x80 | (cp & 0x3f)); n = 2; }
    else if (cp < 0x10000) {
        s[0] = (char)(0xe0 | (cp >> 12)); s[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        s[2] = (char)(0x80 | (cp & 0x3f)); n = 3;
    } else {
        s[0] = (char)(0xf0 | (cp >> 18)); s[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        s[2] = (char)(0x80 | ((cp >> 6) & 0x3f)); s[3] = (char)(0x80 | (cp & 0x3f)); n = 4;
    }
    return kapi_buf_put(b, s, n);
}

/* Reads the 4 hex digits after "\u" (ps->p points at them); -1 on error. */
static long read_four_hex_digits(json_parser *ps)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        if (ps->p >= ps->end) { fail_at_end_of_input(ps); return -1; }
        int h = hex_digit_value(*ps->p);
        if (h < 0) { fail_at_character(ps, *ps->p, "in \\u hexadecimal character escape"); return -1; }
        v = v * 16 + h;
        ps->p++;
    }
    return v;
}

/* Parses the string literal at ps->p (at its opening quote) into
 * ps->scratch, NUL-terminated. Returns 0, or -1 after failing. */
static int parse_string_literal(json_parser *ps)
{
    ps->scratch.len = 0;
    if (kapi_buf_put(&ps->scratch, "", 0)) goto no_memory;
    ps->p++;                                   /* opening quote */
    for (;;) {
        const unsigned char *run = ps->p;
        while (ps->p < ps->end && *ps->p >= 0x20 && *ps->p < 0x80 &&
               *ps->p != '"' && *ps->p != '\\')
            ps->p++;
        if (ps->p > run && kapi_buf_put(&ps->scratch, run, (size_t)(ps->p - run))) goto no_memory;
        if (ps->p >= ps->end) { fail_at_end_of_input(ps); return -1; }
        unsigned char c = *ps->p;
        if (c == '"') { ps->p++; return 0; }
        if (c < 0x20) { fail_at_character(ps, c, "in string literal"); return -1; }
        if (c >= 0x80) {
            size_t n = utf8_sequence_length(ps->p, ps->end);
            if (!n) { fail_with_message(ps, "invalid UTF-8 in string literal"); return -1; }
            if (kapi_buf_put(&ps->scratch, ps->p, n)) goto no_memory;
            ps->p += n;
            continue;
        }
        /* backslash escape */
        ps->p++;
        if (ps->p >= ps->end) { fail_at_end_of_input(ps); return -1; }
        c = *ps->p++;
        char simple = 0;
        switch (c) {
        case '"': simple = '"'; break;
        case '\\': simple = '\\'; break;
        case '/': simple = '/'; break;
        case 'b': simple = '\b'; break;
        case 'f': simple = '\f'; break;
        case 'n': simple = '\n'; break;
        case 'r': simple = '\r'; break;
        case 't': simple = '\t'; break;
        case 'u': break;
        default:
            fail_at_character(ps, c, "in string escape code");
            return -1;
        }
        if (simple) {
            if (kapi_buf_putc(&ps->scratch, simple)) goto no_memory;
            continue;
        }
        long cp = read_four_hex_digits(ps);
        if (cp < 0) return -1;
        if (cp >= 0xd800 && cp < 0xdc00 && ps->end - ps->p >= 2 &&
            ps->p[0] == '\\' && ps->p[1] == 'u') {
            /* a high surrogate: combine with a following low one, as Go does;
             * anything else makes it U+FFFD and is read on its own */
            const unsigned char *save = ps->p;
            ps->p += 2;
            long lo = read_four_hex_digits(ps);
            if (lo < 0) return -1;
            if (lo >= 0xdc00 && lo < 0xe000) {
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            } else {
                cp = 0xfffd;
                ps->p = save;
            }
        } else if (cp >= 0xd800 && cp < 0xe000) {
            cp = 0xfffd;
        }
        if (cp == 0) {
            fail_with_message(ps, "\\u0000 in string literal is not supported");
            return -1;
        }
        if (put_utf8(&ps->scratch, (unsigned)cp)) goto no_memory;
    }
no_memory:
    fail_with_message(ps, "out of memory");
    return -1;
}

/* Parses a number per Go's grammar -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static cJSON *parse_number(json_parser *ps)
{
    const unsigned char *start = ps->p;
    int is_integer = 1;
    if (*ps->p == '-') {
        ps->p++;
        if (ps->p >= ps->end) { fail_at_end_of_input(ps); return NULL; }
        if (*ps->p < '0' || *ps->p > '9') { fail_at_character(ps, *ps->p, "in numeric literal"); return NULL; }
    }
    if (*ps->p == '0') ps->p++;
    else while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') ps->p++;
    if (ps->p < ps->end && *ps->p == '.') {
        is_integer = 0;
        ps->p++;
        if (ps->p >= ps->end) { fail_at_end_of_input(ps); return NULL; }
        if (*ps->p < '0' || *ps->p > '9') {
            fail_at_character(ps, *ps->p, "after decimal point in numeric literal");
            return NULL;
        }
        while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') ps->p++;
    }
    if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
        is_integer = 0;
        ps->p++;
        if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-')) ps->p++;
        if (ps->p >= ps->end) { fail_at_end_of_input(ps); return NULL; }
        if (*ps->p < '0' || *ps->p > '9') {
            fail_at_character(ps, *ps->p, "in exponent of numeric literal");
            return NULL;
        }
        while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') ps->p++;
    }
    size_t n = (size_t)(ps->p - start);
    char small[64];
    char *text = n < sizeof small ? small : kapi_xmalloc(n + 1);
    if (!text) { fail_with_message(ps, "out of memory"); return NULL; }
    memcpy(text, start, n);
    text[n] = '\0';
    double v = strtod(text, NULL);
    if (!isfinite(v)) {
        char msg[160];
        snprintf(msg, sizeof msg, "json: cannot unmarshal number %.*s%s into Go value of type float64",
                 (int)(n > 64 ? 64 : n), text, n > 64 ? "..." : "");
        if (text != small) free(text);
        fail_with_message(ps, msg);
        return NULL;
    }
    if (text != small) free(text);
    if (is_integer && v == 0) v = 0;           /* "-0" is the integer 0 */
    cJSON *item = cJSON_CreateNumber(v);
    if (!item) fail_with_message(ps, "out of memory");
    return item;
}

static cJSON *parse_literal(json_parser *ps, const char *word, cJSON *(*make)(void))
{
    /* word is "true", "false" or "null"; the first byte already matched */
    for (size_t i = 1; word[i]; i++) {
        ps->p++;
        if (ps->p >= ps->end) { fail_at_end_of_input(ps); return NULL; }
        if (*ps->p != (unsigned char)word[i]) {
            char context[64];
            snprintf(context, sizeof context, "in literal %s (expecting '%c')", word, word[i]);
            fail_at_character(ps, *ps->p, context);
            return NULL;
        }
    }
    ps->p++;
    cJSON *item = make();
    if (!item) fail_with_message(ps, "out of memory");
    return item;
}

static cJSON *make_true(void) { return cJSON_CreateTrue(); }
static cJSON *make_false(void) { return cJSON_CreateFalse(); }
static cJSON *make_null(void) { return cJSON_CreateNull(); }

/* ---- object members: keep-last duplicates with a hash index (core's
 * strmap, keyed by the members' own names) for large objects, so that an
 * object with many keys stays linear. */

#define MEMBER_INDEX_FROM 16

/* An index of every member of object, for lookups by name. */
static strmap *member_index_of(const cJSON *object)
{
    strmap *ix = strmap_new_borrowing();
    for (cJSON *c = object->child; c; c = c->next) strmap_put(ix, c->string, c);
    return ix;
}

/* The member of a small (unindexed) object named key, or NULL. */
static cJSON *find_member(const cJSON *object, const char *key)
{
    for (cJSON *c = object->child; c; c = c->next)
        if (strcmp(c->string, key) == 0) return c;
    return NULL;
}

static void note_duplicate(json_parser *ps)
{
    if (!ps->want_duplicate || ps->found_duplicate) return;
    ps->found_duplicate = 1;
    if (ps->duplicate_path && ps->duplicate_pathlen)
        snprintf(ps->duplicate_path, ps->duplicate_pathlen, "%s", ps->path.data ? ps->path.data : "");
}

static cJSON *parse_value(json_parser *ps, int depth);

static int path_push_key(json_parser *ps, const char *key)
{
    if (ps->path.len && kapi_buf_putc(&ps->path, '.')) return -1;
    return kapi_buf_puts(&ps->path, key);
}

static void path_pop_to(json_parser *ps, size_t len)
{
    ps->path.len = len;
    if (ps->path.data) ps->path.data[len] = '\0';
}

static cJSON *parse_object(json_parser *ps, int depth)
{
    cJSON *object = cJSON_CreateObject();
    strmap *ix = NULL;          /* built once the object has MEMBER_INDEX_FROM members */
    size_t members = 0;
    int tracking_path = ps->want_duplicate && !ps->found_duplicate;
    size_t path_len = ps->path.len;
    if (!object) { fail_with_message(ps, "out of memory"); return NULL; }
    ps->p++;                                   /* '{' */
    skip_whitespace(ps);
    if (ps->p >= ps->end) { fail_at_end_of_input(ps); goto fail; }
    if (*ps->p == '}') { ps->p++; return object; }
    for (;;) {
        if (*ps->p != '"') { fail_at_character(ps, *ps->p, "looking for beginning of object key string"); goto fail; }
        if (parse_string_literal(ps)) goto fail;
        size_t keylen = ps->scratch.len;
        char *key = cJSON_malloc(keylen + 1);
        if (!key) { fail_with_message(ps, "out of memory"); goto fail; }
        memcpy(key, ps->scratch.data, keylen + 1);
        skip_whitespace(ps);
        if (ps->p >= ps->end) { cJSON_free(key); fail_at_end_of_input(ps); goto fail; }
        if (*ps->p != ':') { cJSON_free(key); fail_at_character(ps, *ps->p, "after object key"); goto fail; }
        ps->p++;
        if (tracking_path && path_push_key(ps, key)) {
            cJSON_free(key);
            fail_with_message(ps, "out of memory");
            goto fail;
        }
        /* look the key up before its value is parsed, so that the first
         * duplicate in text order is the one reported */
        cJSON *existing = ix ? strmap_get(ix, key) : find_member(object, key);
        if (existing) note_duplicate(ps);
        cJSON *value = parse_value(ps, depth);
        if (!value) { cJSON_free(key); goto fail; }
        if (existing) {
            cJSON_free(key);
            value->string = existing->string;   /* keep the first one's name */
            existing->string = NULL;
            cJSON_ReplaceItemViaPointer(object, existing, value);
            if (ix) strmap_put(ix, value->string, value);   /* the same name string */
        } else {
            value->string = key;
            cJSON_AddItemToArray(object, value);
            members++;
            if (ix) strmap_put(ix, key, value);
            else if (members >= MEMBER_INDEX_FROM) ix = member_index_of(object);
        }
        if (tracking_path) path_pop_to(ps, path_len);
        tracking_path = ps->want_duplicate && !ps->found_duplicate;
        skip_whitespace(ps);
        if (ps->p >= ps->end) { fail_at_end_of_input(ps); goto fail; }
        if (*ps->p == '}') { ps->p++; break; }
        if (*ps->p != ',') { fail_at_character(ps, *ps->p, "after object key:value pair"); goto fail; }
        ps->p++;
        skip_whitespace(ps);
        if (ps->p >= ps->end) { fail_at_end_of_input(ps); goto fail; }
    }
    strmap_free(ix, NULL);
    return object;
fail:
    strmap_free(ix, NULL);
    cJSON_Delete(object);
    return NULL;
}

static cJSON *parse_array(json_parser *ps, int depth)
{
    cJSON *array = cJSON_CreateArray();
    size_t path_len = ps->path.len;
    size_t index = 0;
    if (!array) { fail_with_message(ps, "out of memory"); return NULL; }
    ps->p++;                                   /* '[' */
    skip_whitespace(ps);
    if (ps->p >= ps->end) { fail_at_end_of_input(ps); goto fail; }
    if (*ps->p == ']') { ps->p++; return array; }
    for (;;) {
        int tracking_path = ps->want_duplicate && !ps->found_duplicate;
        if (tracking_path && kapi_buf_printf(&ps->path, "[%zu]", index)) {
            fail_with_message(ps, "out of memory");
            goto fail;
        }
        cJSON *value = parse_value(ps, depth);
        if (!value) goto fail;
        if (tracking_path) path_pop_to(ps, path_len);
        cJSON_AddItemToArray(array, value);
        index++;
        skip_whitespace(ps);
        if (ps->p >= ps->end) { fail_at_end_of_input(ps); goto fail; }
        if (*ps->p == ']') { ps->p++; break; }
        if (*ps->p != ',') { fail_at_character(ps, *ps->p, "after array element"); goto fail; }
        ps->p++;
    }
    return array;
fail:
    cJSON_Delete(array);
    return NULL;
}

/* Parses one value; depth is the number of containers around it. */
static cJSON *parse_value(json_parser *ps, int depth)
{
    skip_whitespace(ps);
    if (ps->p >= ps->end) { fail_at_end_of_input(ps); return NULL; }
    unsigned char c = *ps->p;
    switch (c) {
    case '{':
    case '[':
        if (depth + 1 > JSON_MAX_DEPTH) { fail_at_character(ps, c, "exceeded max depth"); return NULL; }
        return c == '{' ? parse_object(ps, depth + 1) : parse_array(ps, depth + 1);
    case '"': {
        if (parse_string_literal(ps)) return NULL;
        cJSON *s = cJSON_CreateString(ps->scratch.data);
        if (!s) fail_with_message(ps, "out of memory");
        return s;
    }
    case 't': return parse_literal(ps, "true", make_true);
    case 'f': return parse_literal(ps, "false", make_false);
    case 'n': return parse_literal(ps, "null", make_null);
    default:
        if (c == '-' || (c >= '0' && c <= '9')) return parse_number(ps);
        fail_at_character(ps, c, "looking for beginning of value");
        return NULL;
    }
}

static cJSON *parse_document(json_parser *ps, const char *text, size_t len)
{
    ps->p = (const unsigned char *)(text ? text : "");
    ps->end = ps->p + (text ? len : 0);
    cJSON *root = parse_value(ps, 0);
    if (root) {
        skip_whitespace(ps);
        if (ps->p < ps->end) {
            fail_at_character(ps, *ps->p, "after top-level value");
            cJSON_Delete(root);
            root = NULL;
        }
    }
    kapi_buf_free(&ps->scratch);
    kapi_buf_free(&ps->path);
    return root;
}

cJSON *json_parse_strict(const char *text, size_t len, char *err, size_t errlen)
{
    json_parser ps = {0};
    ps.err = err;
    ps.errlen = errlen;
    if (err && errlen) err[0] = '\0';
    return parse_document(&ps, text, len);
}

cJSON *json_parse_strict_noting_duplicate(const char *text, size_t len,
                                          char *err, size_t errlen,
                                          char *dup_path, size_t dup_pathlen)
{
    json_parser ps = {0};
    ps.err = err;
    ps.errlen = errlen;
    ps.want_duplicate = 1;
    ps.duplicate_path = dup_path;
    ps.duplicate_pathlen = dup_pathlen;
    if (err && errlen) err[0] = '\0';
    if (dup_path && dup_pathlen) dup_path[0] = '\0';
    return parse_document(&ps, text, len);
}

int json_find_duplicate_key(const char *text, size_t len, char *path, size_t pathlen)
{
    json_parser ps = {0};
    ps.want_duplicate = 1;
    ps.duplicate_path = path;
    ps.duplicate_pathlen = pathlen;
    if (path && pathlen) path[0] = '\0';
    cJSON *root = parse_document(&ps, text, len);
    if (!root) {
        if (path && pathlen) path[0] = '\0';
        return -1;
    }
    cJSON_Delete(root);
    return ps.found_duplicate;
}

/* ------------------------------------------------------------------ */
/* Go's number formatting                                              */

/* The shortest decimal digits that read back as v (v finite and > 0; for
 * bits == 32, as the float32 nearest v). digits gets nd digits without
 * trailing zeros; the value is 0.digits x 10^dp, like Go's decimal. */
static void shortest_decimal(double v, int bits, char *digits, int *nd, int *dp)
{
    char buf[48];
    int max = bits == 32 ? 9 : 17;
    for (int prec = 1; prec <= max; prec++) {
        snprintf(buf, sizeof buf, "%.*e", prec - 1, v);
        if (bits == 32 ? strtof(buf, NULL) == (float)v : strtod(buf, NULL) == v) break;
    }
    /* buf is "d.ddde+XX" (the decimal point is locale-dependent: skip any
     * non-digit before the 'e') */
    int n = 0;
    const char *s = buf;
    for (; *s && *s != 'e'; s++)
        if (*s >= '0' && *s <= '9') digits[n++] = *s;
    int exp10 = *s == 'e' ? atoi(s + 1) : 0;
    while (n > 1 && digits[n - 1] == '0') n--;
    digits[n] = '\0';
    *nd = n;
    *dp = exp10 + 1;
}

/* Go's fmtF with shortest precision. */
static int format_fixed(char *out, size_t outlen, int neg, const char *d, int nd, int dp)
{
    char buf[400];
    size_t k = 0;
    if (neg) buf[k++] = '-';
    if (dp > 0) {
        for (int i = 0; i < dp; i++) buf[k++] = i < nd ? d[i] : '0';
    } else {
        buf[k++] = '0';
    }
    int frac = nd - dp > 0 ? nd - dp : 0;
    if (frac > 0) {
        buf[k++] = '.';
        for (int i = 0; i < frac; i++) {
            int j = dp + i;
            buf[k++] = j >= 0 && j < nd ? d[j] : '0';
        }
    }
    buf[k] = '\0';
    return snprintf(out, outlen, "%s", buf);
}

/* Go's fmtE with shortest precision: d[.ddd]e±XX, at least two exponent
 * digits. */
static int format_exponent(char *out, size_t outlen, int neg, const char *d, int nd, int dp)
{
    int exp10 = nd ? dp - 1 : 0;
    return snprintf(out, outlen, "%s%c%s%.*se%c%02d", neg ? "-" : "", d[0],
                    nd > 1 ? "." : "", nd > 1 ? nd - 1 : 0, d + 1,
                    exp10 < 0 ? '-' : '+', exp10 < 0 ? -exp10 : exp10);
}

int json_format_number(char *out, size_t outlen, double v)
{
    if (!isfinite(v)) return -1;
    if (v == 0) return snprintf(out, outlen, "%s", signbit(v) ? "-0" : "0");
    double a = v < 0 ? -v : v;      /* no libm: the Makefile does not link -lm */
    if (a < 9007199254740992.0 && v == (double)(long long)v)
        return snprintf(out, outlen, "%lld", (long long)v);
    char d[32];
    int nd, dp;
    shortest_decimal(a, 64, d, &nd, &dp);
    if (a < 1e-6 || a >= 1e21) {
        char buf[48];
        format_exponent(buf, sizeof buf, v < 0, d, nd, dp);
        /* encoding/json cleans up e-09 to e-9 */
        size_t n = strlen(buf);
        if (n >= 4 && buf[n - 4] == 'e' && buf[n - 3] == '-' && buf[n - 2] == '0') {
            buf[n - 2] = buf[n - 1];
            buf[n - 1] = '\0';
        }
        return snprintf(out, outlen, "%s", buf);
    }
    return format_fixed(out, outlen, v < 0, d, nd, dp);
}

int json_format_float_g(char *out, size_t outlen, double v, int bits)
{
    if (isnan(v)) return snprintf(out, outlen, "NaN");
    if (isinf(v)) return snprintf(out, outlen, "%s", v > 0 ? "+Inf" : "-Inf");
    if (bits == 32) {
        /* float32(v), without the undefined behaviour of an out-of-range
         * cast: beyond FLT_MAX plus half an ulp it rounds to infinity */
        double a = v < 0 ? -v : v;
        if (a >= 340282356779733661637539395458142568448.0)   /* 2^128 - 2^103 */
            return snprintf(out, outlen, "%s", v > 0 ? "+Inf" : "-Inf");
        v = (float)v;
    }
    if (v == 0) return snprintf(out, outlen, "%s", signbit(v) ? "-0" : "0");
    char d[32];
    int nd, dp;
    shortest_decimal(v < 0 ? -v : v, bits, d, &nd, &dp);
    int exp10 = dp - 1;
    if (exp10 < -4 || exp10 >= 6) return format_exponent(out, outlen, v < 0, d, nd, dp);
    return format_fixed(out, outlen, v < 0, d, nd, dp);
}

/* ------------------------------------------------------------------ */
/* Writer                                                              */

#define JSON_WRITE_MAX_DEPTH 10000

/* Appends s as a Go JSON string literal (HTML-safe; invalid UTF-8 becomes
 * \ufffd as Go does). */
static int write_string_literal(kapi_buf *out, const char *str)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    const unsigned char *end = s + strlen((const char *)s);
    const unsigned char *run = s;
    if (kapi_buf_putc(out, '"')) return -1;
    while (s < end) {
        unsigned char c = *s;
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&') {
            s++;
            continue;
        }
        if (c >= 0x80) {
            size_t n = utf8_sequence_length(s, end);
            if (n == 3 && s[0] == 0xe2 && s[1] == 0x80 && (s[2] == 0xa8 || s[2] == 0xa9)) {
                if (kapi_buf_put(out, run, (size_t)(s - run))) return -1;
                if (kapi_buf_puts(out, s[2] == 0xa8 ? "\\u2028" : "\\u2029")) return -1;
                s += 3;
                run = s;
                continue;
            }
            if (n) { s += n; continue; }
            if (kapi_buf_put(out, run, (size_t)(s - run)) || kapi_buf_puts(out, "\\ufffd")) return -1;
            s++;
            run = s;
            continue;
        }
        if (kapi_buf_put(out, run, (size_t)(s - run))) return -1;
        char esc[7];
        switch (c) {
        case '"': strcpy(esc, "\\\""); break;
        case '\\': strcpy(esc, "\\\\"); break;
        case '\n': strcpy(esc, "\\n"); break;
        case '\r': strcpy(esc, "\\r"); break;
        case '\t': strcpy(esc, "\\t"); break;
        case '\b': strcpy(esc, "\\b"); break;   /* Go 1.22+ */
        case '\f': strcpy(esc, "\\f"); break;   /* Go 1.22+ */
        default:
            esc[0] = '\\'; esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
            esc[4] = hex[c >> 4]; esc[5] = hex[c & 15]; esc[6] = '\0';
            break;
        }
        if (kapi_buf_puts(out, esc)) return -1;
        s++;
        run = s;
    }
    if (kapi_buf_put(out, run, (size_t)(s - run))) return -1;
    return kapi_buf_putc(out, '"');
}

static int write_newline_and_indent(kapi_buf *out, int level)
{
    if (kapi_buf_putc(out, '\n')) return -1;
    for (int i = 0; i < level; i++)
        if (kapi_buf_put(out, "  ", 2)) return -1;
    return 0;
}

static int write_json_value(kapi_buf *out, const cJSON *v, int pretty, int depth)
{
    if (!v || depth > JSON_WRITE_MAX_DEPTH) return -1;
    switch (v->type & 0xff) {
    case cJSON_False: return kapi_buf_puts(out, "false");
    case cJSON_True: return kapi_buf_puts(out, "true");
    case cJSON_NULL: return kapi_buf_puts(out, "null");
    case cJSON_Number: {
        char num[64];
        if (json_format_number(num, sizeof num, v->valuedouble) < 0) return -1;
        return kapi_buf_puts(out, num);
    }
    case cJSON_String: return write_string_literal(out, v->valuestring);
    case cJSON_Raw: return v->valuestring ? kapi_buf_puts(out, v->valuestring) : -1;
    case cJSON_Array:
    case cJSON_Object: {
        int is_object = (v->type & 0xff) == cJSON_Object;
        if (kapi_buf_putc(out, is_object ? '{' : '[')) return -1;
        const cJSON *c = v->child;
        for (; c; c = c->next) {
            if (c != v->child && kapi_buf_putc(out, ',')) return -1;
            if (pretty && write_newline_and_indent(out, depth + 1)) return -1;
            if (is_object) {
                if (write_string_literal(out, c->string)) return -1;
                if (kapi_buf_puts(out, pretty ? ": " : ":")) return -1;
            }
            if (write_json_value(out, c, pretty, depth + 1)) return -1;
        }
        if (pretty && v->child && write_newline_and_indent(out, depth)) return -1;
        return kapi_buf_putc(out, is_object ? '}' : ']');
    }
    default:
        return -1;
    }
}

int json_write(kapi_buf *out, const cJSON *v, int pretty)
{
    return write_json_value(out, v, pretty, 0);
}

char *json_print(const cJSON *v, int pretty)
{
    kapi_buf b;
    kapi_buf_init(&b);
    if (json_write(&b, v, pretty) || kapi_buf_put(&b, "", 0)) {
        kapi_buf_free(&b);
        return NULL;
    }
    return kapi_buf_steal(&b);
}

const char *json_go_type_name(const cJSON *v)
{
    if (cJSON_IsString(v)) return "string";
    if (cJSON_IsNumber(v)) return "number";
    if (cJSON_IsBool(v)) return "bool";
    if (cJSON_IsArray(v)) return "array";
    return "object";
}
