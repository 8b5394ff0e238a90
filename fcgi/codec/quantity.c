/* quantity.c: kube's resource.Quantity: ParseQuantity's grammar and errors,
 * exact comparison, addition, rounding and the canonical String() text.
 * See quantity.h for the representation and its one limit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/alloc.h"
#include "codec/json.h"
#include "codec/quantity.h"

#define MAX_DIGITS 18
#define NANO_SCALE (-9)
/* The largest decimal exponent a suffix may carry ("1e100000"); beyond any
 * representable resource, it keeps the arithmetic in int32. A parsed
 * value's scale stays MAX_DIGITS + 2 below it, so that its canonical text
 * (up to MAX_DIGITS digits and an exponent) always parses back. */
#define MAX_EXPONENT 100000

static const int64_t pow10_table[19] = {
    1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL, 100000000LL,
    1000000000LL, 10000000000LL, 100000000000LL, 1000000000000LL, 10000000000000LL,
    100000000000000LL, 1000000000000000LL, 10000000000000000LL, 100000000000000000LL,
    1000000000000000000LL};

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* parseQuantityString: splits str into sign, numerator, denominator and
 * suffix exactly as kube does (including its leniencies: "-", ".", "1.G"). */
typedef struct parts {
    int positive;
    const char *num; size_t num_len;
    const char *den; size_t den_len;
    const char *suffix; size_t suffix_len;
} parts;

static int split_quantity(const char *s, size_t end, parts *p)
{
    size_t pos = 0;
    memset(p, 0, sizeof *p);
    p->positive = 1;
    if (pos < end && (s[0] == '-' || s[0] == '+')) {
        p->positive = s[0] == '+';
        pos++;
    }
    while (pos < end && s[pos] == '0') pos++;
    if (pos >= end) { p->num = "0"; p->num_len = 1; return 0; }
    size_t start = pos;
    while (pos < end && is_digit(s[pos])) pos++;
    p->num = s + start;
    p->num_len = pos - start;
    if (p->num_len == 0) { p->num = "0"; p->num_len = 1; }
    if (pos >= end) return 0;
    if (s[pos] == '.') {
        pos++;
        start = pos;
        while (pos < end && is_digit(s[pos])) pos++;
        p->den = s + start;
        p->den_len = pos - start;
        if (pos >= end) return 0;
    }
    size_t suffix_start = pos;
    while (pos < end && strchr("eEinumkKMGTP", s[pos])) pos++;
    if (pos < end && (s[pos] == '-' || s[pos] == '+')) pos++;
    while (pos < end && is_digit(s[pos])) pos++;
    if (pos < end) return -1;
    p->suffix = s + suffix_start;
    p->suffix_len = end - suffix_start;
    return 0;
}

static int suffix_is(const parts *p, const char *s)
{
    size_t n = strlen(s);
    return p->suffix_len == n && (n == 0 || !memcmp(p->suffix, s, n));
}

/* quantitySuffixer.interpret */
static int interpret_suffix(const parts *p, int *base, int32_t *exponent, quantity_format *fmt)
{
    static const struct { const char *s; int base, exp; quantity_format f; } table[] = {
        {"n", 10, -9, QUANTITY_DECIMAL_SI}, {"u", 10, -6, QUANTITY_DECIMAL_SI},
        {"m", 10, -3, QUANTITY_DECIMAL_SI}, {"", 10, 0, QUANTITY_DECIMAL_SI},
        {"k", 10, 3, QUANTITY_DECIMAL_SI}, {"M", 10, 6, QUANTITY_DECIMAL_SI},
        {"G", 10, 9, QUANTITY_DECIMAL_SI}, {"T", 10, 12, QUANTITY_DECIMAL_SI},
        {"P", 10, 15, QUANTITY_DECIMAL_SI}, {"E", 10, 18, QUANTITY_DECIMAL_SI},
        {"Ki", 2, 10, QUANTITY_BINARY_SI}, {"Mi", 2, 20, QUANTITY_BINARY_SI},
        {"Gi", 2, 30, QUANTITY_BINARY_SI}, {"Ti", 2, 40, QUANTITY_BINARY_SI},
        {"Pi", 2, 50, QUANTITY_BINARY_SI}, {"Ei", 2, 60, QUANTITY_BINARY_SI},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (!suffix_is(p, table[i].s)) continue;
        *base = table[i].base;
        *exponent = table[i].exp;
        *fmt = table[i].f;
        return 0;
    }
    if (p->suffix_len > 1 && (p->suffix[0] == 'e' || p->suffix[0] == 'E')) {
        /* strconv.ParseInt(suffix[1:], 10, 64) */
        size_t i = 1;
        int neg = 0;
        if (p->suffix[i] == '+' || p->suffix[i] == '-') { neg = p->suffix[i] == '-'; i++; }
        if (i >= p->suffix_len) return -1;
        int64_t v = 0;
        for (; i < p->suffix_len; i++) {
            if (!is_digit(p->suffix[i])) return -1;
            if (v > (INT64_MAX - 9) / 10) return -1;
            v = v * 10 + (p->suffix[i] - '0');
        }
        if (v > MAX_EXPONENT) return -1;
        *base = 10;
        *exponent = (int32_t)(neg ? -v : v);
        *fmt = QUANTITY_DECIMAL_EXPONENT;
        return 0;
    }
    return -1;
}

/* Divides |mant| by 10^d rounding away from zero. */
static int64_t divide_round_up(int64_t mant, int32_t d)
{
    if (mant == 0) return 0;
    int neg = mant < 0;
    uint64_t m = neg ? (uint64_t)0 - (uint64_t)mant : (uint64_t)mant;
    uint64_t r;
    if (d > 18) r = 1;
    else {
        uint64_t p = (uint64_t)pow10_table[d];
        r = m / p + (m % p ? 1 : 0);
    }
    return neg ? -(int64_t)r : (int64_t)r;
}

/* mant * 10^d with overflow detection; returns 0 on overflow. */
static int mul_pow10(int64_t mant, int32_t d, int64_t *out)
{
    if (mant == 0) { *out = 0; return 1; }
    if (d < 0 || d > 18) return 0;
    int64_t p = pow10_table[d];
    if (mant > 0 ? mant > INT64_MAX / p : mant < INT64_MIN / p) return 0;
    *out = mant * p;
    return 1;
}

static void normalize(quantity *q)
{
    if (q->mant == 0) { q->scale = 0; return; }
    while (q->mant % 10 == 0) { q->mant /= 10; q->scale++; }
}

int quantity_parse(const char *s, quantity *q, const char **err)
{
    size_t len = s ? strlen(s) : 0;
    if (len == 0) { *err = QUANTITY_ERR_FORMAT; return -1; }
    memset(q, 0, sizeof *q);
    q->format = QUANTITY_DECIMAL_SI;
    if (!strcmp(s, "0")) return 0;
    parts p;
    if (split_quantity(s, len, &p)) { *err = QUANTITY_ERR_FORMAT; return -1; }
    int base;
    int32_t exponent;
    quantity_format fmt;
    if (interpret_suffix(&p, &base, &exponent, &fmt)) { *err = QUANTITY_ERR_SUFFIX; return -1; }
    q->format = fmt;
    /* the digits num+den, at most MAX_DIGITS significant ones kept */
    int64_t mant = 0;
    int kept = 0, dropped_nonzero = 0;
    int32_t dropped = 0;
    int leading = 1;
    for (size_t i = 0; i < p.num_len + p.den_len; i++) {
        char c = i < p.num_len ? p.num[i] : p.den[i - p.num_len];
        if (leading && c == '0') continue;
        leading = 0;
        if (kept < MAX_DIGITS) { mant = mant * 10 + (c - '0'); kept++; }
        else { dropped++; if (c != '0') dropped_nonzero = 1; }
    }
    if (dropped_nonzero) mant++;
    int32_t scale = dropped - (int32_t)p.den_len;
    if (base == 10) {
        scale += exponent;
    } else {
        for (int32_t i = 0; i < exponent; i++) {
            if (mant > INT64_MAX / 2) { mant = INT64_MAX; scale = 0; break; }   /* kube caps BinarySI */
            mant *= 2;
        }
    }
    if (scale < NANO_SCALE) { mant = divide_round_up(mant, NANO_SCALE - scale); scale = NANO_SCALE; }
    q->mant = p.positive ? mant : -mant;
    q->scale = scale;
    normalize(q);
    if (q->scale > MAX_EXPONENT - MAX_DIGITS - 2) { *err = QUANTITY_ERR_SUFFIX; return -1; }
    return 0;
}

int quantity_from_json(const cJSON *v, quantity *q, const char **err)
{
    if (!v || cJSON_IsNull(v)) {
        memset(q, 0, sizeof *q);
        return 0;
    }
    char text[64];
    if (cJSON_IsString(v)) {
        const char *s = v->valuestring;
        size_t n = strlen(s);
        while (n && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) { s++; n--; }
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r')) n--;
        if (n >= sizeof text) {
            /* longer than any quantity worth keeping exact: parse a copy */
            char *copy = kapi_xstrndup(s, n);
            int rc = quantity_parse(copy, q, err);
            free(copy);
            return rc;
        }
        memcpy(text, s, n);
        text[n] = '\0';
        return quantity_parse(text, q, err);
    }
    if (cJSON_IsNumber(v)) {
        if (json_format_number(text, sizeof text, v->valuedouble) < 0) { *err = QUANTITY_ERR_FORMAT; return -1; }
        return quantity_parse(text, q, err);
    }
    *err = QUANTITY_ERR_FORMAT;
    return -1;
}

int quantity_sign(const quantity *q) { return q->mant > 0 ? 1 : q->mant < 0 ? -1 : 0; }

/* |mant| as decimal digits, trailing zeros removed into *exp. */
static int magnitude_digits(const quantity *q, char *out, size_t n, int32_t *exp)
{
    quantity c = *q;
    normalize(&c);
    uint64_t m = c.mant < 0 ? (uint64_t)0 - (uint64_t)c.mant : (uint64_t)c.mant;
    *exp = c.scale;
    return snprintf(out, n, "%llu", (unsigned long long)m);
}

int quantity_cmp(const quantity *a, const quantity *b)
{
    int sa = quantity_sign(a), sb = quantity_sign(b);
    if (sa != sb) return sa < sb ? -1 : 1;
    if (sa == 0) return 0;
    char da[32], db[32];
    int32_t ea, eb;
    int la = magnitude_digits(a, da, sizeof da, &ea);
    int lb = magnitude_digits(b, db, sizeof db, &eb);
    int64_t ma = (int64_t)la + ea, mb = (int64_t)lb + eb;   /* order of magnitude */
    int r;
    if (ma != mb) r = ma < mb ? -1 : 1;
    else {
        r = 0;
        for (int i = 0; i < la || i < lb; i++) {
            char ca = i < la ? da[i] : '0', cb = i < lb ? db[i] : '0';
            if (ca != cb) { r = ca < cb ? -1 : 1; break; }
        }
    }
    return sa > 0 ? r : -r;
}

void quantity_add(quantity *acc, const quantity *b)
{
    if (b->mant == 0) return;
    if (acc->mant == 0) { acc->mant = b->mant; acc->scale = b->scale; return; }
    int64_t x = acc->mant, y = b->mant;
    int32_t sx = acc->scale, sy = b->scale;
    int32_t s = sx < sy ? sx : sy;
    int64_t ax, ay;
    if (!mul_pow10(x, sx - s, &ax) || !mul_pow10(y, sy - s, &ay)) {
        /* too wide a range for int64: align to the coarser scale instead */
        s = sx > sy ? sx : sy;
        ax = sx == s ? x : divide_round_up(x, s - sx);
        ay = sy == s ? y : divide_round_up(y, s - sy);
    }
    if ((ay > 0 && ax > INT64_MAX - ay) || (ay < 0 && ax < INT64_MIN - ay)) {
        ax = divide_round_up(ax, 1);
        ay = divide_round_up(ay, 1);
        s++;
    }
    acc->mant = ax + ay;
    acc->scale = s;
    normalize(acc);
}

void quantity_round_up(quantity *q, int32_t scale)
{
    if (q->mant == 0 || q->scale >= scale) return;
    q->mant = divide_round_up(q->mant, scale - q->scale);
    q->scale = scale;
    normalize(q);
}

int64_t quantity_milli_value(const quantity *q)
{
    int32_t s = q->scale + 3;
    if (s >= 0) {
        int64_t out;
        if (mul_pow10(q->mant, s, &out)) return out;
        return q->mant > 0 ? INT64_MAX : INT64_MIN;
    }
    /* ceil toward +infinity */
    int64_t m = q->mant;
    if (-s > 18) return m > 0 ? 1 : 0;
    int64_t p = pow10_table[-s];
    int64_t r = m / p;
    if (m % p != 0 && m > 0) r++;
    return r;
}

static const char *decimal_suffix(int32_t exp)
{
    switch (exp) {
    case -9: return "n";
    case -6: return "u";
    case -3: return "m";
    case 0: return "";
    case 3: return "k";
    case 6: return "M";
    case 9: return "G";
    case 12: return "T";
    case 15: return "P";
    case 18: return "E";
    default: return NULL;
    }
}

void quantity_format_canonical(const quantity *q, char *out, size_t n)
{
    if (!n) return;
    if (q->mant == 0) { snprintf(out, n, "0"); return; }
    quantity c = *q;
    normalize(&c);
    quantity_format fmt = c.format;
    if (fmt == QUANTITY_BINARY_SI) {
        int64_t value = 0;
        int integral = c.scale >= 0 && mul_pow10(c.mant, c.scale, &value);
        if (!integral || (value > -1024 && value < 1024)) fmt = QUANTITY_DECIMAL_SI;
        else {
            static const char *const bin[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
            int k = 0;
            while (k < 6 && value % 1024 == 0) { value /= 1024; k++; }
            snprintf(out, n, "%lld%s", (long long)value, bin[k]);
            return;
        }
    }
    char digits[32];
    int32_t exp;
    magnitude_digits(&c, digits, sizeof digits, &exp);
    /* make the exponent a multiple of 3 by moving digits into the mantissa */
    int32_t r = ((exp % 3) + 3) % 3;
    size_t l = strlen(digits);
    for (int32_t i = 0; i < r && l + 1 < sizeof digits; i++) digits[l++] = '0';
    digits[l] = '\0';
    exp -= r;
    const char *sign = c.mant < 0 ? "-" : "";
    const char *suffix = fmt == QUANTITY_DECIMAL_SI ? decimal_suffix(exp) : NULL;
    if (suffix) snprintf(out, n, "%s%s%s", sign, digits, suffix);
    else if (exp == 0) snprintf(out, n, "%s%s", sign, digits);
    else snprintf(out, n, "%s%se%d", sign, digits, (int)exp);
}

int quantity_canonical_json(const cJSON *v, char *out, size_t n)
{
    quantity q;
    const char *err;
    if (quantity_from_json(v, &q, &err)) return -1;
    quantity_format_canonical(&q, out, n);
    return 0;
}
