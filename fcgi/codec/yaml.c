/* yaml.c: YAML <-> cJSON, matching what kube-apiserver does through
 * sigs.k8s.io/yaml and go-yaml v2.
 *
 * Reading: libyaml's event parser (go-yaml v2 is a Go port of it, so the
 * grammar, the problems and their marks are the same) feeds one builder that
 * resolves plain scalars with go-yaml v2's rules (resolve.go), expands
 * aliases with bounds on depth and total nodes, applies merge keys as v2
 * does, and turns non-string keys into strings as sigs.k8s.io/yaml does.
 *
 * Writing: libyaml's emitter (the C original of go-yaml v2's emitter, same
 * analysis, folding and indentation), fed with the events go-yaml v2's
 * encoder produces for the map[interface{}]interface{} that JSONToYAML
 * builds: keys sorted with go-yaml's keyList order, strings plain unless they
 * would resolve to another type, literal style for multi-line strings. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "codec/json.h"
#include "codec/yaml.h"
#include "core/base64.h"
#include "core/alloc.h"
#include "core/hashmap.h"

#define TAG_PREFIX "tag:yaml.org,2002:"

/* ================================================================== */
/* Scalar resolution (go-yaml v2 resolve.go), shared by both directions */

typedef enum scalar_tag {
    TAG_NONE,        /* no tag: resolve from the text */
    TAG_STR, TAG_BOOL, TAG_INT, TAG_FLOAT, TAG_NULL, TAG_TIMESTAMP,
    TAG_BINARY,      /* !!binary: base64 text, decoded */
    TAG_MERGE,       /* "<<" */
    TAG_OTHER        /* any other tag (local or "!"): the text as a string */
} scalar_tag;

typedef enum int_size { INT_SIGNED, INT_UNSIGNED, INT_BIG } int_size;

typedef struct resolved_scalar {
    scalar_tag tag;       /* TAG_STR, TAG_BOOL, TAG_INT, TAG_FLOAT, TAG_NULL, TAG_TIMESTAMP, TAG_MERGE */
    double number;        /* TAG_INT, TAG_FLOAT */
    long long integer;    /* TAG_INT with INT_SIGNED: the exact value */
    int_size int_size;    /* TAG_INT: which Go type go-yaml would pick */
    int boolean;          /* TAG_BOOL */
} resolved_scalar;

static const char *short_tag_name(scalar_tag t)
{
    switch (t) {
    case TAG_STR: return "!!str";
    case TAG_BOOL: return "!!bool";
    case TAG_INT: return "!!int";
    case TAG_FLOAT: return "!!float";
    case TAG_NULL: return "!!null";
    case TAG_TIMESTAMP: return "!!timestamp";
    case TAG_BINARY: return "!!binary";
    case TAG_MERGE: return "!!merge";
    default: return "!!str";
    }
}

static scalar_tag classify_tag(const char *tag)
{
    if (!tag) return TAG_NONE;
    if (strncmp(tag, TAG_PREFIX, strlen(TAG_PREFIX)) != 0) return TAG_OTHER;
    const char *t = tag + strlen(TAG_PREFIX);
    if (!strcmp(t, "str")) return TAG_STR;
    if (!strcmp(t, "bool")) return TAG_BOOL;
    if (!strcmp(t, "int")) return TAG_INT;
    if (!strcmp(t, "float")) return TAG_FLOAT;
    if (!strcmp(t, "null")) return TAG_NULL;
    if (!strcmp(t, "timestamp")) return TAG_TIMESTAMP;
    if (!strcmp(t, "binary")) return TAG_BINARY;
    if (!strcmp(t, "merge")) return TAG_MERGE;
    return TAG_OTHER;
}

static int text_is(const char *s, size_t n, const char *word)
{
    return strlen(word) == n && memcmp(s, word, n) == 0;
}

static int text_is_one_of(const char *s, size_t n, const char *const *words)
{
    for (; *words; words++)
        if (text_is(s, n, *words)) return 1;
    return 0;
}

/* go-yaml v2's resolveMap: the words resolved by a table lookup. */
static int resolve_by_table(const char *s, size_t n, resolved_scalar *r)
{
    static const char *const yes[] = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", NULL};
    static const char *const no[] = {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", NULL};
    static const char *const null[] = {"", "~", "null", "Null", "NULL", NULL};
    static const char *const nan[] = {".nan", ".NaN", ".NAN", NULL};
    static const char *const inf[] = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", NULL};
    static const char *const neginf[] = {"-.inf", "-.Inf", "-.INF", NULL};
    if (text_is_one_of(s, n, yes)) { r->tag = TAG_BOOL; r->boolean = 1; return 1; }
    if (text_is_one_of(s, n, no)) { r->tag = TAG_BOOL; r->boolean = 0; return 1; }
    if (text_is_one_of(s, n, null)) { r->tag = TAG_NULL; return 1; }
    if (text_is_one_of(s, n, nan)) { r->tag = TAG_FLOAT; r->number = NAN; return 1; }
    if (text_is_one_of(s, n, inf)) { r->tag = TAG_FLOAT; r->number = INFINITY; return 1; }
    if (text_is_one_of(s, n, neginf)) { r->tag = TAG_FLOAT; r->number = -INFINITY; return 1; }
    if (text_is(s, n, "<<")) { r->tag = TAG_MERGE; return 1; }
    return 0;
}

enum { PARSE_OK = 0, PARSE_SYNTAX = 1, PARSE_RANGE = 2 };

static int digit_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'z') return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
    return 99;
}

/* Go's strconv.ParseUint(s, base, 64) (base 0: 0x/0o/0b/0 prefixes), on a
 * text without underscores. *approx gets the value as a double even when it
 * overflows (for big integers). */
static int go_parse_uint(const char *s, size_t n, int base, uint64_t *out, double *approx)
{
    if (n == 0) return PARSE_SYNTAX;
    if (base == 0) {
        base = 10;
        if (s[0] == '0') {
            char p = n >= 3 ? (char)(s[1] | 0x20) : 0;
            if (p == 'b') { base = 2; s += 2; n -= 2; }
            else if (p == 'o') { base = 8; s += 2; n -= 2; }
            else if (p == 'x') { base = 16; s += 2; n -= 2; }
            else { base = 8; s += 1; n -= 1; }
        }
    }
    uint64_t v = 0;
    double d = 0;
    int overflow = 0;
    for (size_t i = 0; i < n; i++) {
        int dv = digit_value(s[i]);
        if (dv >= base) return overflow ? PARSE_RANGE : PARSE_SYNTAX;
        if (!overflow) {
            if (v > (UINT64_MAX - (uint64_t)dv) / (uint64_t)base) overflow = 1;
            else v = v * (uint64_t)base + (uint64_t)dv;
        }
        d = d * base + dv;
        /* Go stops at the first overflow with a range error; the syntax of
         * the rest is only checked by big.Int later, as here */
    }
    *out = v;
    if (approx) *approx = d;
    return overflow ? PARSE_RANGE : PARSE_OK;
}

/* big.Int's SetString(s, 0) syntax for an unsigned text: an optional
 * 0b/0o/0x/0 prefix and at least one digit, all valid for the base. */
static int is_big_integer_text(const char *s, size_t n)
{
    int base = 10;
    if (n >= 2 && s[0] == '0') {
        char p = (char)(s[1] | 0x20);
        if (p == 'b') { base = 2; s += 2; n -= 2; }
        else if (p == 'o') { base = 8; s += 2; n -= 2; }
        else if (p == 'x') { base = 16; s += 2; n -= 2; }
        else base = 8;
    }
    if (n == 0) return 0;
    for (size_t i = 0; i < n; i++)
        if (digit_value(s[i]) >= base) return 0;
    return 1;
}

/* Go's strconv.ParseInt(s, base, 64). */
static int go_parse_int(const char *s, size_t n, int base, int64_t *out)
{
    int neg = 0;
    if (n && (s[0] == '+' || s[0] == '-')) { neg = s[0] == '-'; s++; n--; }
    uint64_t u;
    double d;
    int rc = go_parse_uint(s, n, base, &u, &d);
    if (rc != PARSE_OK) return rc == PARSE_RANGE ? PARSE_RANGE : PARSE_SYNTAX;
    if (!neg && u > (uint64_t)INT64_MAX) return PARSE_RANGE;
    if (neg && u > (uint64_t)INT64_MAX + 1) return PARSE_RANGE;
    *out = neg ? (int64_t)(0 - u) : (int64_t)u;
    return PARSE_OK;
}

/* go-yaml v2's yamlStyleFloat: ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ */
static int matches_yaml_style_float(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    if (i < n && s[i] == '.') {
        i++;
        size_t st = i;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
        if (i == st) return 0;
    } else {
        size_t st = i;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
        if (i == st) return 0;
        if (i < n && s[i] == '.') {
            i++;
            while (i < n && s[i] >= '0' && s[i] <= '9') i++;
        }
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        size_t st = i;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
        if (i == st) return 0;
    }
    return i == n;
}

/* strtod on a bounded text; 0 when the value overflows (Go's ErrRange). */
static int parse_finite_double(const char *s, size_t n, double *out)
{
    char small[64];
    char *t = n < sizeof small ? small : kapi_xmalloc(n + 1);
    memcpy(t, s, n);
    t[n] = '\0';
    double v = strtod(t, NULL);
    if (t != small) free(t);
    if (!isfinite(v)) return 0;
    *out = v;
    return 1;
}

/* Go's time.Parse for go-yaml v2's allowedTimestampFormats:
 *   2006-1-2T15:4:5.999999999Z07:00 (also with 't'), 2006-1-2 15:4:5.999999999, 2006-1-2 */
static int read_one_or_two_digits(const char *s, size_t n, size_t *i, int *v)
{
    if (*i >= n || s[*i] < '0' || s[*i] > '9') return 0;
    *v = s[(*i)++] - '0';
    if (*i < n && s[*i] >= '0' && s[*i] <= '9') *v = *v * 10 + (s[(*i)++] - '0');
    return 1;
}

static int days_in_month(int month, int year)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) return 29;
    return days[month - 1];
}

static int is_go_yaml_timestamp(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    if (i != 4 || i == n || s[i] != '-') return 0;
    int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int month, day;
    i = 5;
    if (!read_one_or_two_digits(s, n, &i, &month)) return 0;
    if (i >= n || s[i] != '-') return 0;
    i++;
    if (!read_one_or_two_digits(s, n, &i, &day)) return 0;
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(month, year)) return 0;
    if (i == n) return 1;                                /* 2006-1-2 */
    int with_zone;
    if (s[i] == 'T' || s[i] == 't') { with_zone = 1; i++; }
    else if (s[i] == ' ') {                              /* a layout space matches a run of spaces */
        with_zone = 0;
        while (i < n && s[i] == ' ') i++;
    } else return 0;
    int hour, minute, second;
    if (!read_one_or_two_digits(s, n, &i, &hour) || hour > 23) return 0;
    if (i >= n || s[i] != ':') return 0;
    i++;
    if (!read_one_or_two_digits(s, n, &i, &minute) || minute > 59) return 0;
    if (i >= n || s[i] != ':') return 0;
    i++;
    if (!read_one_or_two_digits(s, n, &i, &second) || second > 59) return 0;
    if (i + 1 < n && (s[i] == '.' || s[i] == ',') && s[i + 1] >= '0' && s[i + 1] <= '9') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    }
    if (!with_zone) return i == n;
    if (i < n && s[i] == 'Z') return i + 1 == n;
    if (n - i != 6 || (s[i] != '+' && s[i] != '-') || s[i + 3] != ':') return 0;
    for (size_t k = i + 1; k < n; k++)
        if (k != i + 3 && (s[k] < '0' || s[k] > '9')) return 0;
    int zh = (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
    int zm = (s[i + 4] - '0') * 10 + (s[i + 5] - '0');
    return zh <= 24 && zm <= 60;
}

/* go-yaml v2's isBase60Float: ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$ */
static int is_base60_float(const char *s, size_t n)
{
    size_t i = 0;
    if (n == 0 || !memchr(s, ':', n)) return 0;
    if (s[i] == '+' || s[i] == '-') i++;
    if (i >= n || s[i] < '0' || s[i] > '9') return 0;
    i++;
    while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_')) i++;
    int groups = 0;
    while (i < n && s[i] == ':') {
        i++;
        if (i + 1 < n && s[i] >= '0' && s[i] <= '5' && s[i + 1] >= '0' && s[i + 1] <= '9') i += 2;
        else if (i < n && s[i] >= '0' && s[i] <= '9') i += 1;
        else return 0;
        groups++;
    }
    if (!groups) return 0;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_')) i++;
    }
    return i == n;
}

/* go-yaml v2's resolve(tag, in) for the resolvable tags (TAG_NONE, TAG_STR,
 * TAG_BOOL, TAG_INT, TAG_FLOAT, TAG_NULL, TAG_TIMESTAMP): fills r with the
 * resolved type and value. Never fails; the caller checks the type against
 * an explicit tag. */
static void resolve_scalar(scalar_tag tag, const char *s, size_t n, resolved_scalar *r)
{
    memset(r, 0, sizeof *r);
    r->tag = TAG_STR;
    char hint = 'N';
    if (n) {
        unsigned char c = (unsigned char)s[0];
        if (c == '+' || c == '-') hint = 'S';
        else if (c >= '0' && c <= '9') hint = 'D';
        else if (strchr("yYnNtTfFoO~", c) && c) hint = 'M';
        else if (c == '.') hint = '.';
        else hint = 0;
    }
    if (!hint || tag == TAG_STR) return;
    if (resolve_by_table(s, n, r)) return;
    if (hint == '.') {
        /* strconv.ParseFloat of ".5", ".5e3", ... */
        if (matches_yaml_style_float(s, n) && parse_finite_double(s, n, &r->number)) r->tag = TAG_FLOAT;
        return;
    }
    if (hint != 'D' && hint != 'S') return;
    if ((tag == TAG_NONE || tag == TAG_TIMESTAMP) && is_go_yaml_timestamp(s, n)) {
        r->tag = TAG_TIMESTAMP;
        return;
    }
    char small[128];
    char *plain = n < sizeof small ? small : kapi_xmalloc(n + 1);
    size_t pn = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '_') plain[pn++] = s[i];
    plain[pn] = '\0';
    int64_t iv;
    uint64_t uv;
    double approx;
    int uint_rc;
    if (go_parse_int(plain, pn, 0, &iv) == PARSE_OK) {
        r->tag = TAG_INT; r->int_size = INT_SIGNED; r->number = (double)iv; r->integer = iv;
        goto done;
    }
    uint_rc = go_parse_uint(plain, pn, 0, &uv, &approx);
    if (uint_rc == PARSE_OK) {
        r->tag = TAG_INT; r->int_size = INT_UNSIGNED; r->number = (double)uv;
        goto done;
    }
    if (matches_yaml_style_float(plain, pn) && parse_finite_double(plain, pn, &r->number)) {
        r->tag = TAG_FLOAT;
        goto done;
    }
    if (pn >= 2 && plain[0] == '0' && plain[1] == 'b') {
        if (go_parse_int(plain + 2, pn - 2, 2, &iv) == PARSE_OK) {
            r->tag = TAG_INT; r->int_size = INT_SIGNED; r->number = (double)iv; r->integer = iv;
            goto done;
        }
        if (go_parse_uint(plain + 2, pn - 2, 2, &uv, NULL) == PARSE_OK) {
            r->tag = TAG_INT; r->int_size = INT_UNSIGNED; r->number = (double)uv;
            goto done;
        }
    } else if (pn >= 3 && plain[0] == '-' && plain[1] == '0' && plain[2] == 'b') {
        plain[2] = '-';       /* ParseInt("-" + plain[3:], 2, 64) */
        if (go_parse_int(plain + 2, pn - 2, 2, &iv) == PARSE_OK) {
            r->tag = TAG_INT; r->int_size = INT_SIGNED; r->number = (double)iv; r->integer = iv;
            goto done;
        }
    }
    if (uint_rc == PARSE_RANGE && is_big_integer_text(plain, pn)) {
        /* sigs.k8s.io's go-yaml v2 keeps integers beyond 64 bits as big.Int */
        {
            r->tag = TAG_INT;
            r->int_size = INT_BIG;
            int decimal = !(pn > 1 && plain[0] == '0');
            if (!decimal || !parse_finite_double(plain, pn, &r->number)) r->number = approx;
        }
    }
done:
    if (plain != small) free(plain);
}

/* ================================================================== */
/* Small helpers                                                        */

static size_t utf8_sequence_length(const unsigned char *p, const unsigned char *end)
{
    size_t avail = (size_t)(end - p);
    unsigned char c = p[0];
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) return avail >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        if (avail < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80) return 0;
        if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f)) return 0;
        return 3;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        if (avail < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80) return 0;
        if ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] > 0x8f)) return 0;
        return 4;
    }
    return 0;
}

static int is_valid_utf8(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        size_t k = utf8_sequence_length(p, end);
        if (!k) return 0;
        p += k;
    }
    return 1;
}

/* Decodes the code point at s[*i] (invalid bytes are U+FFFD, one byte each,
 * as Go's []rune conversion does) and advances *i. */
static uint32_t next_rune(const char *str, size_t n, size_t *i)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t k = utf8_sequence_length(s + *i, s + n);
    uint32_t r;
    switch (k) {
    case 1: r = s[*i]; break;
    case 2: r = ((uint32_t)(s[*i] & 0x1f) << 6) | (s[*i + 1] & 0x3f); break;
    case 3: r = ((uint32_t)(s[*i] & 0x0f) << 12) | ((uint32_t)(s[*i + 1] & 0x3f) << 6) | (s[*i + 2] & 0x3f); break;
    case 4: r = ((uint32_t)(s[*i] & 0x07) << 18) | ((uint32_t)(s[*i + 1] & 0x3f) << 12) |
                ((uint32_t)(s[*i + 2] & 0x3f) << 6) | (s[*i + 3] & 0x3f); break;
    default: r = 0xfffd; k = 1; break;
    }
    *i += k;
    return r;
}

/* ================================================================== */
/* Reading                                                              */

/* A mapping gets a member index (core's strmap, keyed by the members' own
 * names) once it has this many members. */
#define MEMBER_INDEX_FROM 16

typedef struct frame {
    cJSON *node;             /* the object or array being filled */
    int is_mapping;
    int have_key;            /* mapping: a key waits for its value */
    char *key;               /* cJSON_malloc'd */
    int key_is_merge;
    size_t key_line;         /* 0-based line of the key, for duplicates */
    int key_quoted;          /* the key came from a string (quote it in messages) */
    strmap *index;           /* NULL until the mapping grows large */
    size_t members;
    char *anchor;            /* malloc'd; registered when the node completes */
    unsigned long anchor_generation;   /* which definition of that name is ours */
    size_t nodes_at_start;
    int height;              /* container levels below this node */
} frame;

typedef struct anchor_entry {
    cJSON *node;             /* NULL while the anchored collection is open */
    char *key_text;          /* scalars: the text as a mapping key (NULL if none) */
    size_t nodes;
    int height;
    unsigned long generation;   /* bumped at each (re)definition of the name */
} anchor_entry;

typedef struct yaml_builder {
    frame *stack;
    int depth, cap;
    cJSON *root;
    int have_root;
    cJSON *graveyard;        /* replaced values anchors may still point into */
    strmap *anchors;         /* name -> anchor_entry; NULL until the first anchor */
    unsigned long anchor_generations;
    size_t nodes;
    int saw_alias;
    char *err;
    size_t errlen;
    int failed;
    char *dup;
    size_t duplen;
    int found_dup;
} yaml_builder;

#define ERR_PREFIX "error converting YAML to JSON: "

static void fail_with(yaml_builder *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail_with(yaml_builder *b, const char *fmt, ...)
{
    if (b->failed) return;
    b->failed = 1;
    if (!b->err || !b->errlen) return;
    int n = snprintf(b->err, b->errlen, "%s", ERR_PREFIX);
    if (n < 0 || (size_t)n >= b->errlen) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->err + n, b->errlen - (size_t)n, fmt, ap);
    va_end(ap);
}

static void fail_out_of_memory(yaml_builder *b)
{
    fail_with(b, "out of memory");
}

/* go-yaml v2's parser.fail(): "yaml: line N: <problem>" */
static void fail_from_parser(yaml_builder *b, const yaml_parser_t *parser)
{
    size_t line = 0;
    if (parser->problem_mark.line != 0) {
        line = parser->problem_mark.line;
        if (parser->error == YAML_SCANNER_ERROR) line++;   /* scanner marks are 0-based */
    } else if (parser->context_mark.line != 0) {
        line = parser->context_mark.line;
    }
    const char *problem = parser->problem && *parser->problem ? parser->problem
                                                              : "unknown problem parsing YAML content";
    if (line) fail_with(b, "yaml: line %zu: %s", line, problem);
    else fail_with(b, "yaml: %s", problem);
}

/* ---- anchors: name -> anchor_entry (malloc'd), in core's strmap */

static anchor_entry *find_anchor(yaml_builder *b, const char *name)
{
    return strmap_get(b->anchors, name);
}

/* The entry for name, created (empty) when new. */
static anchor_entry *define_anchor(yaml_builder *b, const char *name)
{
    if (!b->anchors) b->anchors = strmap_new();
    anchor_entry *e = strmap_get(b->anchors, name);
    if (!e) {
        e = kapi_xcalloc(1, sizeof *e);
        strmap_put(b->anchors, name, e);
    }
    free(e->key_text);
    e->key_text = NULL;
    e->node = NULL;
    e->nodes = 0;
    e->height = 0;
    e->generation = ++b->anchor_generations;
    return e;
}

static void free_anchor(void *v)
{
    anchor_entry *e = v;
    free(e->key_text);
    free(e);
}

/* ---- mapping members (keep the last value, at the first one's place) */

/* An index of every member of object, for lookups by name. */
static strmap *member_index_of(const cJSON *object)
{
    strmap *ix = strmap_new_borrowing();
    for (cJSON *c = object->child; c; c = c->next) strmap_put(ix, c->string, c);
    return ix;
}

static cJSON *find_member(frame *f, const char *key)
{
    if (f->index) return strmap_get(f->index, key);
    for (cJSON *c = f->node->child; c; c = c->next)
        if (strcmp(c->string, key) == 0) return c;
    return NULL;
}

/* Sets object[key] = value (key is cJSON_malloc'd and taken over). A
 * replaced value goes to the graveyard, since an anchor may point at it. */
static int set_member(yaml_builder *b, frame *f, char *key, cJSON *value)
{
    cJSON *existing = find_member(f, key);
    if (existing) {
        /* splice value in where existing was; cJSON keeps the tail in
         * child->prev */
        value->string = key;
        value->next = existing->next;
        value->prev = existing->prev;
        if (f->node->child == existing) {
            f->node->child = value;
            if (existing->prev == existing) value->prev = value;
        } else {
            existing->prev->next = value;
        }
        if (value->next) value->next->prev = value;
        else f->node->child->prev = value;
        existing->next = existing->prev = NULL;
        cJSON_AddItemToArray(b->graveyard, existing);   /* keeps its name: the index's key */
        if (f->index) strmap_put(f->index, key, value);
        return 0;
    }
    value->string = key;
    cJSON_AddItemToArray(f->node, value);
    f->members++;
    if (f->index) strmap_put(f->index, key, value);
    else if (f->members >= MEMBER_INDEX_FROM) f->index = member_index_of(f->node);
    return 0;
}

/* ---- keys */

static char *copy_key(const char *s, size_t n)
{
    char *k = cJSON_malloc(n + 1);
    if (k) {
        memcpy(k, s, n);
        k[n] = '\0';
    }
    return k;
}

/* The JSON key sigs.k8s.io/yaml makes of a resolved scalar key; NULL with
 * the builder failed when the key cannot be a JSON key. */
static char *key_from_resolved(yaml_builder *b, const resolved_scalar *r, const char *text, size_t n)
{
    char buf[64];
    switch (r->tag) {
    case TAG_STR:
    case TAG_TIMESTAMP:
    case TAG_MERGE:
        break;
    case TAG_BOOL:
        return copy_key(r->boolean ? "true" : "false", r->boolean ? 4 : 5);
    case TAG_INT:
        if (r->int_size != INT_SIGNED) {
            fail_with(b, "unsupported map key of type: %s, key: %.*s",
                      r->int_size == INT_UNSIGNED ? "uint64" : "*big.Int", (int)(n > 64 ? 64 : n), text);
            return NULL;
        }
        snprintf(buf, sizeof buf, "%lld", r->integer);
        return copy_key(buf, strlen(buf));
    case TAG_FLOAT:
        json_format_float_g(buf, sizeof buf, r->number, 32);
        if (!strcmp(buf, "+Inf")) strcpy(buf, ".inf");
        else if (!strcmp(buf, "-Inf")) strcpy(buf, "-.inf");
        else if (!strcmp(buf, "NaN")) strcpy(buf, ".nan");
        return copy_key(buf, strlen(buf));
    case TAG_NULL:
    default:
        fail_with(b, "unsupported map key of type: %%!s(<nil>), key: <nil>");
        return NULL;
    }
    return copy_key(text, n);
}

/* ---- scalars */

/* Replaces invalid UTF-8 with U+FFFD, as json.Marshal does. */
static cJSON *string_from_bytes(const char *s, size_t n)
{
    if (is_valid_utf8(s, n)) {
        char *t = kapi_xmalloc(n + 1);
        memcpy(t, s, n);
        t[n] = '\0';
        cJSON *j = cJSON_CreateString(t);
        free(t);
        return j;
    }
    kapi_buf fixed;
    kapi_buf_init(&fixed);
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        size_t k = utf8_sequence_length(p, end);
        if (k) { if (kapi_buf_put(&fixed, p, k)) break; p += k; }
        else { if (kapi_buf_puts(&fixed, "\xef\xbf\xbd")) break; p++; }
    }
    cJSON *j = p == end && fixed.data ? cJSON_CreateString(fixed.data) : NULL;
    kapi_buf_free(&fixed);
    return j;
}

typedef struct scalar_value {
    resolved_scalar r;       /* tag TAG_STR when the value is a string */
    const char *text;        /* the string's bytes */
    size_t len;
    kapi_buf decoded;        /* !!binary: the decoded bytes */
} scalar_value;

/* Decides what a scalar event means, as go-yaml v2's decoder.scalar does.
 * Returns 0, or -1 with the builder failed. */
static int interpret_scalar(yaml_builder *b, const yaml_event_t *ev, scalar_value *sv)
{
    const char *text = (const char *)ev->data.scalar.value;
    size_t n = ev->data.scalar.length;
    scalar_tag tag = classify_tag((const char *)ev->data.scalar.tag);
    kapi_buf_init(&sv->decoded);
    sv->text = text;
    sv->len = n;
    memset(&sv->r, 0, sizeof sv->r);
    sv->r.tag = TAG_STR;
    if (tag == TAG_NONE && !ev->data.scalar.plain_implicit) return 0;   /* quoted, block */
    if (tag == TAG_BINARY) {
        if (base64_decode(text, n, &sv->decoded, NULL)) {
            fail_with(b, "yaml: !!binary value contains invalid base64 data");
            return -1;
        }
        sv->text = sv->decoded.data ? sv->decoded.data : "";
        sv->len = sv->decoded.len;
        return 0;
    }
    if (tag == TAG_OTHER || tag == TAG_MERGE) return 0;                 /* not resolvable */
    resolve_scalar(tag, text, n, &sv->r);
    if (tag == TAG_NONE || tag == TAG_STR || sv->r.tag == tag) return 0;
    if (tag == TAG_FLOAT && sv->r.tag == TAG_INT && sv->r.int_size == INT_SIGNED) {
        sv->r.tag = TAG_FLOAT;
        return 0;
    }
    fail_with(b, "yaml: cannot decode %s `%.*s` as a %s", short_tag_name(sv->r.tag),
              (int)(n > 200 ? 200 : n), text, short_tag_name(tag));
    return -1;
}

/* The cJSON value of an interpreted scalar; NULL with the builder failed. */
static cJSON *json_from_scalar(yaml_builder *b, const scalar_value *sv)
{
    cJSON *j = NULL;
    switch (sv->r.tag) {
    case TAG_NULL: j = cJSON_CreateNull(); break;
    case TAG_BOOL: j = cJSON_CreateBool(sv->r.boolean); break;
    case TAG_INT:
    case TAG_FLOAT:
        if (!isfinite(sv->r.number)) {
            fail_with(b, "json: unsupported value: %s",
                      isnan(sv->r.number) ? "NaN" : sv->r.number > 0 ? "+Inf" : "-Inf");
            return NULL;
        }
        j = cJSON_CreateNumber(sv->r.number == 0 && sv->r.tag == TAG_INT ? 0 : sv->r.number);
        break;
    default:
        if (memchr(sv->text, '\0', sv->len)) {
            fail_with(b, "yaml: a NUL character in a string is not supported");
            return NULL;
        }
        j = string_from_bytes(sv->text, sv->len);
        break;
    }
    if (!j) fail_out_of_memory(b);
    return j;
}

/* ---- the tree */

static void free_frame(frame *f)
{
    cJSON_free(f->key);
    free(f->anchor);
    strmap_free(f->index, NULL);
    cJSON_Delete(f->node);
    memset(f, 0, sizeof *f);
}

static void note_duplicate_key(yaml_builder *b, frame *f)
{
    if (b->found_dup) return;
    b->found_dup = 1;
    if (!b->dup || !b->duplen) return;
    kapi_buf q;
    kapi_buf_init(&q);
    if (f->key_quoted) {
        kapi_buf_putc(&q, '"');
        for (const unsigned char *s = (const unsigned char *)f->key; *s; s++) {
            if (*s == '"' || *s == '\\') kapi_buf_printf(&q, "\\%c", *s);
            else if (*s == '\n') kapi_buf_puts(&q, "\\n");
            else if (*s == '\t') kapi_buf_puts(&q, "\\t");
            else if (*s < 0x20 || *s == 0x7f) kapi_buf_printf(&q, "\\x%02x", *s);
            else kapi_buf_putc(&q, (char)*s);
        }
        kapi_buf_putc(&q, '"');
    } else {
        kapi_buf_puts(&q, f->key);
    }
    snprintf(b->dup, b->duplen, "line %zu: key %s already set in map", f->key_line + 1,
             q.data ? q.data : "");
    kapi_buf_free(&q);
}

/* A deep copy of node without the member name cJSON_Duplicate carries
 * over; NULL without memory. */
static cJSON *copy_without_name(const cJSON *node)
{
    cJSON *copy = cJSON_Duplicate(node, 1);
    if (copy && copy->string) {
        if (!(copy->type & cJSON_StringIsConst)) cJSON_free(copy->string);
        copy->string = NULL;
    }
    return copy;
}

static int merge_mapping_into(yaml_builder *b, frame *f, const cJSON *from)
{
    for (const cJSON *c = from->child; c; c = c->next) {
        cJSON *copy = copy_without_name(c);
        char *key = copy ? copy_key(c->string, strlen(c->string)) : NULL;
        if (!copy || !key) { cJSON_Delete(copy); fail_out_of_memory(b); return -1; }
        if (set_member(b, f, key, copy)) { fail_out_of_memory(b); return -1; }
    }
    return 0;
}

/* go-yaml v2's merge: the value of "<<" is a mapping, or a sequence of
 * mappings of which the earlier take precedence; its keys overwrite those
 * already set (v2 behaviour). value is consumed. */
static int merge_value(yaml_builder *b, frame *f, cJSON *value)
{
    int rc = 0;
    if (cJSON_IsObject(value)) {
        rc = merge_mapping_into(b, f, value);
    } else if (cJSON_IsArray(value)) {
        int n = cJSON_GetArraySize(value);
        cJSON **items = n ? kapi_xmalloc((size_t)n * sizeof *items) : NULL;
        int i = 0;
        for (cJSON *c = value->child; c; c = c->next) items[i++] = c;
        for (i = n - 1; i >= 0 && !rc; i--) {
            if (!cJSON_IsObject(items[i])) {
                fail_with(b, "yaml: map merge requires map or sequence of maps as the value");
                rc = -1;
            } else {
                rc = merge_mapping_into(b, f, items[i]);
            }
        }
        free(items);
    } else {
        fail_with(b, "yaml: map merge requires map or sequence of maps as the value");
        rc = -1;
    }
    cJSON_AddItemToArray(b->graveyard, value);
    return rc;
}

/* Puts a completed value into its parent (or makes it the root). value is
 * consumed. height: container levels in value; nodes: its expanded size. */
static int attach_value(yaml_builder *b, cJSON *value, int height)
{
    if (b->depth == 0) {
        b->root = value;
        b->have_root = 1;
        return 0;
    }
    frame *f = &b->stack[b->depth - 1];
    if (height > f->height) f->height = height;
    if (!f->is_mapping) {
        cJSON_AddItemToArray(f->node, value);
        return 0;
    }
    char *key = f->key;
    int is_merge = f->key_is_merge;
    f->key = NULL;
    f->have_key = 0;
    f->key_is_merge = 0;
    if (is_merge) {
        cJSON_free(key);
        return merge_value(b, f, value);
    }
    if (find_member(f, key) && !b->found_dup) {
        f->key = key;                      /* for the message */
        note_duplicate_key(b, f);
        f->key = NULL;
    }
    if (set_member(b, f, key, value)) { fail_out_of_memory(b); return -1; }
    return 0;
}

static int count_nodes(yaml_builder *b, size_t more)
{
    if (b->nodes + more > YAML_MAX_NODES) {
        if (b->saw_alias) fail_with(b, "yaml: document contains excessive aliasing");
        else fail_with(b, "yaml: document has more than %d nodes", YAML_MAX_NODES);
        return -1;
    }
    b->nodes += more;
    return 0;
}

/* A key arrived for the mapping on top of the stack. */
static int take_key(frame *f, char *key, int is_merge, size_t line, int quoted)
{
    f->key = key;
    f->key_is_merge = is_merge;
    f->key_line = line;
    f->key_quoted = quoted;
    f->have_key = 1;
    return 0;
}

static int on_scalar(yaml_builder *b, const yaml_event_t *ev)
{
    if (count_nodes(b, 1)) return -1;
    scalar_value sv;
    if (interpret_scalar(b, ev, &sv)) { kapi_buf_free(&sv.decoded); return -1; }
    const char *anchor = (const char *)ev->data.scalar.anchor;
    frame *f = b->depth ? &b->stack[b->depth - 1] : NULL;
    int rc = 0;
    if (f && f->is_mapping && !f->have_key) {
        /* a key */
        int is_merge = text_is((const char *)ev->data.scalar.value, ev->data.scalar.length, "<<") &&
                       (ev->data.scalar.plain_implicit ||
                        classify_tag((const char *)ev->data.scalar.tag) == TAG_MERGE);
        char *key = NULL;
        if (!is_merge) {
            if (sv.r.tag == TAG_STR && memchr(sv.text, '\0', sv.len)) {
                fail_with(b, "yaml: a NUL character in a string is not supported");
                rc = -1;
            } else {
                key = key_from_resolved(b, &sv.r, sv.text, sv.len);
                if (!key) { if (!b->failed) fail_out_of_memory(b); rc = -1; }
            }
        }
        if (!rc) rc = take_key(f, key, is_merge, ev->start_mark.line, sv.r.tag == TAG_STR || sv.r.tag == TAG_TIMESTAMP);
        if (!rc && anchor) {
            /* an anchored key can be used later as a value or a key */
            cJSON *value = is_merge ? cJSON_CreateString("<<") : json_from_scalar(b, &sv);
            anchor_entry *e = value ? define_anchor(b, anchor) : NULL;
            if (!e) { cJSON_Delete(value); if (!b->failed) fail_out_of_memory(b); rc = -1; }
            else {
                cJSON_AddItemToArray(b->graveyard, value);
                e->node = value;
                e->nodes = 1;
                e->key_text = kapi_xstrdup(is_merge ? "<<" : key);
            }
        }
        kapi_buf_free(&sv.decoded);
        return rc;
    }
    cJSON *value = json_from_scalar(b, &sv);
    if (!value) {
        /* ".inf" and friends fail only as values; as keys they are fine */
        kapi_buf_free(&sv.decoded);
        return -1;
    }
    if (anchor) {
        anchor_entry *e = define_anchor(b, anchor);
        if (!e) { cJSON_Delete(value); kapi_buf_free(&sv.decoded); fail_out_of_memory(b); return -1; }
        e->node = value;
        e->nodes = 1;
        e->height = 0;
        if (sv.r.tag == TAG_STR || sv.r.tag == TAG_TIMESTAMP || sv.r.tag == TAG_BOOL ||
            (sv.r.tag == TAG_INT && sv.r.int_size == INT_SIGNED) || sv.r.tag == TAG_FLOAT) {
            char *k = key_from_resolved(b, &sv.r, sv.text, sv.len);
            if (!k) { cJSON_Delete(value); kapi_buf_free(&sv.decoded); return -1; }
            e->key_text = kapi_xstrdup(k);
            cJSON_free(k);
        }
    }
    kapi_buf_free(&sv.decoded);
    return attach_value(b, value, 0);
}

static int on_alias(yaml_builder *b, const yaml_event_t *ev)
{
    const char *name = (const char *)ev->data.alias.anchor;
    anchor_entry *e = find_anchor(b, name);
    b->saw_alias = 1;
    if (!e) { fail_with(b, "yaml: unknown anchor '%s' referenced", name); return -1; }
    if (!e->node) { fail_with(b, "yaml: anchor '%s' value contains itself", name); return -1; }
    frame *f = b->depth ? &b->stack[b->depth - 1] : NULL;
    if (f && f->is_mapping && !f->have_key) {
        if (!e->key_text) {
            if (cJSON_IsNull(e->node)) fail_with(b, "unsupported map key of type: %%!s(<nil>), key: <nil>");
            else if (cJSON_IsObject(e->node) || cJSON_IsArray(e->node))
                fail_with(b, "yaml: invalid map key: the alias '%s' is a %s", name,
                          cJSON_IsObject(e->node) ? "mapping" : "sequence");
            else fail_with(b, "unsupported map key: the alias '%s'", name);
            return -1;
        }
        if (count_nodes(b, 1)) return -1;
        char *key = copy_key(e->key_text, strlen(e->key_text));
        if (!key) { fail_out_of_memory(b); return -1; }
        return take_key(f, key, 0, ev->start_mark.line, cJSON_IsString(e->node));
    }
    if (count_nodes(b, e->nodes)) return -1;
    if (b->depth + e->height > YAML_MAX_DEPTH) {
        fail_with(b, "yaml: exceeded max depth of %d", YAML_MAX_DEPTH);
        return -1;
    }
    cJSON *copy = copy_without_name(e->node);
    if (!copy) { fail_out_of_memory(b); return -1; }
    return attach_value(b, copy, e->height);
}

static int on_collection_start(yaml_builder *b, const yaml_event_t *ev, int is_mapping)
{
    frame *parent = b->depth ? &b->stack[b->depth - 1] : NULL;
    if (parent && parent->is_mapping && !parent->have_key) {
        fail_with(b, "yaml: invalid map key: a %s cannot be a key", is_mapping ? "mapping" : "sequence");
        return -1;
    }
    if (b->depth + 1 > YAML_MAX_DEPTH) {
        fail_with(b, "yaml: exceeded max depth of %d", YAML_MAX_DEPTH);
        return -1;
    }
    if (count_nodes(b, 1)) return -1;
    if (b->depth == b->cap) {
        int cap = b->cap ? b->cap * 2 : 16;
        frame *s = kapi_xrealloc(b->stack, (size_t)cap * sizeof *s);
        b->stack = s;
        b->cap = cap;
    }
    frame *f = &b->stack[b->depth];
    memset(f, 0, sizeof *f);
    f->is_mapping = is_mapping;
    f->node = is_mapping ? cJSON_CreateObject() : cJSON_CreateArray();
    if (!f->node) { fail_out_of_memory(b); return -1; }
    f->nodes_at_start = b->nodes - 1;
    const char *anchor = (const char *)(is_mapping ? ev->data.mapping_start.anchor
                                                   : ev->data.sequence_start.anchor);
    b->depth++;
    if (anchor) {
        /* defined now, complete later: an alias inside refers to itself */
        anchor_entry *e = define_anchor(b, anchor);
        f->anchor = kapi_xstrdup(anchor);
        f->anchor_generation = e->generation;
    }
    return 0;
}

static int on_collection_end(yaml_builder *b)
{
    frame *f = &b->stack[b->depth - 1];
    cJSON *node = f->node;
    int height = f->height + 1;
    size_t nodes = b->nodes - f->nodes_at_start;
    char *anchor = f->anchor;
    unsigned long generation = f->anchor_generation;
    f->node = NULL;
    f->anchor = NULL;
    strmap_free(f->index, NULL);
    f->index = NULL;
    cJSON_free(f->key);
    b->depth--;
    if (anchor) {
        anchor_entry *e = find_anchor(b, anchor);
        /* unless a node inside redefined the name, as go-yaml's map would */
        if (e && e->generation == generation) {
            e->node = node;            /* a reference: the graveyard keeps replaced nodes alive */
            e->nodes = nodes;
            e->height = height;
        }
        free(anchor);
    }
    return attach_value(b, node, height);
}

static void free_builder(yaml_builder *b)
{
    while (b->depth > 0) free_frame(&b->stack[--b->depth]);
    free(b->stack);
    strmap_free(b->anchors, free_anchor);
    cJSON_Delete(b->graveyard);
    cJSON_Delete(b->root);
}

static int is_empty_scalar(const yaml_event_t *ev)
{
    return ev->data.scalar.length == 0 && !ev->data.scalar.tag &&
           ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

static cJSON *parse_first_document(const char *text, size_t len, char *err, size_t errlen,
                                   char *dup, size_t duplen)
{
    yaml_builder b = {0};
    yaml_parser_t parser;
    yaml_event_t ev;
    b.err = err;
    b.errlen = errlen;
    b.dup = dup;
    b.duplen = duplen;
    if (err && errlen) err[0] = '\0';
    if (dup && duplen) dup[0] = '\0';
    if (!yaml_parser_initialize(&parser)) {
        fail_out_of_memory(&b);
        return NULL;
    }
    b.graveyard = cJSON_CreateArray();
    if (!b.graveyard) {
        yaml_parser_delete(&parser);
        fail_out_of_memory(&b);
        return NULL;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)(text ? text : ""), text ? len : 0);
    int in_document = 0, done = 0;
    while (!done && !b.failed) {
        if (!yaml_parser_parse(&parser, &ev)) {
            fail_from_parser(&b, &parser);
            break;
        }
        switch (ev.type) {
        case YAML_STREAM_START_EVENT:
            break;
        case YAML_DOCUMENT_START_EVENT:
            in_document = 1;
            break;
        case YAML_DOCUMENT_END_EVENT:
        case YAML_STREAM_END_EVENT:
            /* the first document ends: later ones are not read */
            if (!b.have_root) fail_with(&b, "empty YAML document");
            done = 1;
            break;
        case YAML_SCALAR_EVENT:
            if (in_document && b.depth == 0 && is_empty_scalar(&ev)) {
                fail_with(&b, "empty YAML document");
                break;
            }
            on_scalar(&b, &ev);
            break;
        case YAML_ALIAS_EVENT:
            on_alias(&b, &ev);
            break;
        case YAML_SEQUENCE_START_EVENT:
            on_collection_start(&b, &ev, 0);
            break;
        case YAML_MAPPING_START_EVENT:
            on_collection_start(&b, &ev, 1);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            on_collection_end(&b);
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    cJSON *root = NULL;
    if (!b.failed) {
        root = b.root;
        b.root = NULL;
    }
    free_builder(&b);
    return root;
}

cJSON *yaml_parse(const char *text, size_t len, char *err, size_t errlen)
{
    return parse_first_document(text, len, err, errlen, NULL, 0);
}

cJSON *yaml_parse_noting_duplicate(const char *text, size_t len, char *err, size_t errlen,
                                   char *dup, size_t duplen)
{
    return parse_first_document(text, len, err, errlen, dup, duplen);
}

/* ================================================================== */
/* Writing                                                              */

#define YAML_WRITE_MAX_DEPTH 10000

/* unicode.IsLetter, exact for ASCII and Latin-1, approximate beyond (every
 * code point from U+0100 counts as a letter except punctuation, symbol and
 * emoji blocks); Kubernetes keys are ASCII. */
static int rune_is_letter(uint32_t r)
{
    if (r < 0x80) return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z');
    if (r < 0x100) return r == 0xaa || r == 0xb5 || r == 0xba || (r >= 0xc0 && r != 0xd7 && r != 0xf7);
    if (r >= 0x2000 && r <= 0x2bff) return 0;         /* punctuation, symbols, arrows */
    if (r >= 0x3000 && r <= 0x303f) return 0;         /* CJK punctuation */
    if (r >= 0xfe00 && r <= 0xfe6f) return 0;
    if (r >= 0xff00 && r <= 0xff20) return 0;
    if (r == 0xfffd || r >= 0x1f000) return 0;        /* emoji and symbols */
    return 1;
}

static int byte_is_digit(char c) { return c >= '0' && c <= '9'; }

/* go-yaml v2's keyList.Less for two string keys. */
static int go_yaml_key_less(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), ia = 0, ib = 0;
    while (ia < la && ib < lb) {
        size_t na = ia, nb = ib;
        uint32_t ra = next_rune(a, la, &na), rb = next_rune(b, lb, &nb);
        if (ra == rb) { ia = na; ib = nb; continue; }
        int al = rune_is_letter(ra), bl = rune_is_letter(rb);
        if (al && bl) return ra < rb;
        if (al || bl) return bl;
        uint64_t an = 0, bn = 0;      /* Go's int64 arithmetic, wrapping */
        if (ra == '0' || rb == '0') {
            for (size_t j = ia; j-- > 0 && byte_is_digit(a[j]);) {
                if (a[j] != '0') { an = 1; bn = 1; break; }
            }
        }
        size_t ea = ia, eb = ib;
        while (ea < la && byte_is_digit(a[ea])) an = an * 10 + (uint64_t)(a[ea++] - '0');
        while (eb < lb && byte_is_digit(b[eb])) bn = bn * 10 + (uint64_t)(b[eb++] - '0');
        if (an != bn) return (int64_t)an < (int64_t)bn;
        if (ea - ia != eb - ib) return ea - ia < eb - ib;
        return ra < rb;
    }
    /* equal so far: the one with fewer runes first */
    return ia >= la && ib < lb;
}

static int compare_members(const void *x, const void *y)
{
    const cJSON *a = *(const cJSON *const *)x, *b = *(const cJSON *const *)y;
    const char *ka = a->string ? a->string : "", *kb = b->string ? b->string : "";
    if (go_yaml_key_less(ka, kb)) return -1;
    if (go_yaml_key_less(kb, ka)) return 1;
    return 0;
}

static int write_to_buf(void *data, unsigned char *buffer, size_t size)
{
    return kapi_buf_put(data, buffer, size) == 0;
}

static int emit_scalar(yaml_emitter_t *em, const char *tag, const char *text, size_t n,
                       yaml_scalar_style_t style)
{
    yaml_event_t ev;
    int implicit = tag == NULL;
    if (n > INT32_MAX) return -1;
    if (!yaml_scalar_event_initialize(&ev, NULL, (const yaml_char_t *)tag, (const yaml_char_t *)text,
                                      (int)n, implicit, implicit, style))
        return -1;
    return yaml_emitter_emit(em, &ev) ? 0 : -1;
}

/* go-yaml v2's encodeBase64: 70-column lines, each ending in \n when there
 * is more than one. */
static int encode_base64_lines(const unsigned char *s, size_t n, kapi_buf *out)
{
    char *text = base64_encode(s, n);
    size_t len = strlen(text);
    if (len < 70) {                      /* one line, no newline */
        kapi_buf_put(out, text, len);
    } else {
        for (size_t i = 0; i < len; i += 70) {
            kapi_buf_put(out, text + i, len - i < 70 ? len - i : 70);
            kapi_buf_putc(out, '\n');
        }
    }
    free(text);
    return kapi_buf_put(out, "", 0);
}

/* go-yaml v2's encoder.stringv. */
static int emit_string(yaml_emitter_t *em, const char *s)
{
    size_t n = strlen(s);
    if (!is_valid_utf8(s, n)) {
        kapi_buf b64;
        kapi_buf_init(&b64);
        int rc = encode_base64_lines((const unsigned char *)s, n, &b64);
        if (!rc) rc = emit_scalar(em, TAG_PREFIX "binary", b64.data, b64.len,
                                  memchr(b64.data, '\n', b64.len) ? YAML_LITERAL_SCALAR_STYLE
                                                                  : YAML_PLAIN_SCALAR_STYLE);
        kapi_buf_free(&b64);
        return rc;
    }
    resolved_scalar r;
    resolve_scalar(TAG_NONE, s, n, &r);
    int can_use_plain = r.tag == TAG_STR && !is_base60_float(s, n);
    yaml_scalar_style_t style = memchr(s, '\n', n) ? YAML_LITERAL_SCALAR_STYLE
                                : can_use_plain    ? YAML_PLAIN_SCALAR_STYLE
                                                   : YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    return emit_scalar(em, NULL, s, n, style);
}

/* A JSON number as go-yaml v2 prints what it reads back from the JSON text
 * kube-apiserver wrote: integers (int64, uint64 or big) as integers, every
 * other number with strconv.FormatFloat(f, 'g', -1, 64). */
static int emit_number(yaml_emitter_t *em, double v)
{
    char text[64];
    if (isnan(v)) return emit_scalar(em, NULL, ".nan", 4, YAML_PLAIN_SCALAR_STYLE);
    if (isinf(v)) return emit_scalar(em, NULL, v > 0 ? ".inf" : "-.inf", v > 0 ? 4 : 5, YAML_PLAIN_SCALAR_STYLE);
    json_format_number(text, sizeof text, v);
    int integer = !strpbrk(text, ".eE");
    if (integer && !strcmp(text, "-0")) strcpy(text, "0");
    if (integer && text[0] == '-') {
        /* below INT64_MIN go-yaml reads a float */
        size_t digits = strlen(text + 1);
        if (digits > 19 || (digits == 19 && strcmp(text + 1, "9223372036854775808") > 0)) integer = 0;
    }
    if (!integer) {
        json_format_float_g(text, sizeof text, v, 64);
    }
    return emit_scalar(em, NULL, text, strlen(text), YAML_PLAIN_SCALAR_STYLE);
}

static int emit_node(yaml_emitter_t *em, const cJSON *v, int depth)
{
    yaml_event_t ev;
    if (!v || depth > YAML_WRITE_MAX_DEPTH) return -1;
    switch (v->type & 0xff) {
    case cJSON_False: return emit_scalar(em, NULL, "false", 5, YAML_PLAIN_SCALAR_STYLE);
    case cJSON_True: return emit_scalar(em, NULL, "true", 4, YAML_PLAIN_SCALAR_STYLE);
    case cJSON_NULL: return emit_scalar(em, NULL, "null", 4, YAML_PLAIN_SCALAR_STYLE);
    case cJSON_Number: return emit_number(em, v->valuedouble);
    case cJSON_String:
    case cJSON_Raw:
        return emit_string(em, v->valuestring ? v->valuestring : "");
    case cJSON_Array: {
        if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE) ||
            !yaml_emitter_emit(em, &ev))
            return -1;
        for (const cJSON *c = v->child; c; c = c->next)
            if (emit_node(em, c, depth + 1)) return -1;
        if (!yaml_sequence_end_event_initialize(&ev) || !yaml_emitter_emit(em, &ev)) return -1;
        return 0;
    }
    case cJSON_Object: {
        size_t n = 0;
        for (const cJSON *c = v->child; c; c = c->next) n++;
        const cJSON **members = n ? kapi_xmalloc(n * sizeof *members) : NULL;
        n = 0;
        for (const cJSON *c = v->child; c; c = c->next) members[n++] = c;
        if (n > 1) qsort(members, n, sizeof *members, compare_members);
        int rc = 0;
        if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE) ||
            !yaml_emitter_emit(em, &ev))
            rc = -1;
        for (size_t i = 0; i < n && !rc; i++) {
            rc = emit_string(em, members[i]->string ? members[i]->string : "");
            if (!rc) rc = emit_node(em, members[i], depth + 1);
        }
        free(members);
        if (!rc && (!yaml_mapping_end_event_initialize(&ev) || !yaml_emitter_emit(em, &ev))) rc = -1;
        return rc;
    }
    default:
        return -1;
    }
}

int yaml_write(kapi_buf *out, const cJSON *v)
{
    yaml_emitter_t em;
    yaml_event_t ev;
    if (!v || !yaml_emitter_initialize(&em)) return -1;
    yaml_emitter_set_output(&em, write_to_buf, out);
    yaml_emitter_set_unicode(&em, 1);
    int rc = -1;
    if (yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) && yaml_emitter_emit(&em, &ev) &&
        yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) && yaml_emitter_emit(&em, &ev) &&
        emit_node(&em, v, 0) == 0 &&
        yaml_document_end_event_initialize(&ev, 1) && yaml_emitter_emit(&em, &ev)) {
        /* go-yaml's encoder.finish(): no "..." document end marker */
        em.open_ended = 0;
        if (yaml_stream_end_event_initialize(&ev) && yaml_emitter_emit(&em, &ev)) rc = 0;
    }
    yaml_emitter_delete(&em);
    return rc;
}
