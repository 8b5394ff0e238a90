/* scalars.c: Go's text forms of the API's special scalars, rewritten in C:
 * RFC 3339 times (format, and parse checks with time.Parse's messages),
 * resource.Quantity syntax, time.Duration text, base64. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "schema/scalars.h"

/* ---- quoting */

void scalar_go_time_quote(const char *s, size_t len, char *out, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    if (n < 3) { if (n) out[0] = '\0'; return; }
    out[o++] = '"';
    for (size_t i = 0; i < len && o + 6 < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80 || c < ' ') {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        } else {
            if (c == '"' || c == '\\') out[o++] = '\\';
            out[o++] = (char)c;
        }
    }
    out[o++] = '"';
    out[o] = '\0';
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static int utf8_len(const unsigned char *s, size_t len)
{
    if (s[0] < 0x80) return 1;
    int n = s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 && s[0] <= 0xDF ? 2 : 0;
    if (!n || (size_t)n > len) return 0;
    for (int i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    if (n == 3 && ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0))) return 0;
    if (n == 4 && ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90))) return 0;
    return n;
}

void scalar_go_quote(const char *s, size_t len, char *out, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    if (n < 3) { if (n) out[0] = '\0'; return; }
    out[o++] = '"';
    for (size_t i = 0; i < len && o + 8 < n;) {
        const unsigned char *c = (const unsigned char *)s + i;
        int ul = utf8_len(c, len - i);
        if (ul > 1) {
            memcpy(out + o, c, (size_t)ul);
            o += (size_t)ul;
            i += (size_t)ul;
            continue;
        }
        i++;
        if (ul == 0) {
            out[o++] = '\\'; out[o++] = 'x'; out[o++] = hex[*c >> 4]; out[o++] = hex[*c & 15];
            continue;
        }
        switch (*c) {
        case '\a': out[o++] = '\\'; out[o++] = 'a'; break;
        case '\b': out[o++] = '\\'; out[o++] = 'b'; break;
        case '\f': out[o++] = '\\'; out[o++] = 'f'; break;
        case '\n': out[o++] = '\\'; out[o++] = 'n'; break;
        case '\r': out[o++] = '\\'; out[o++] = 'r'; break;
        case '\t': out[o++] = '\\'; out[o++] = 't'; break;
        case '\v': out[o++] = '\\'; out[o++] = 'v'; break;
        case '"': out[o++] = '\\'; out[o++] = '"'; break;
        case '\\': out[o++] = '\\'; out[o++] = '\\'; break;
        default:
            if (*c < ' ' || *c == 0x7f) {
                out[o++] = '\\'; out[o++] = 'x'; out[o++] = hex[*c >> 4]; out[o++] = hex[*c & 15];
            } else {
                out[o++] = (char)*c;
            }
        }
    }
    out[o++] = '"';
    out[o] = '\0';
}

/* ---- time */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}

/* Civil date of a day count since 1970-01-01 (proleptic Gregorian). */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

char *scalar_format_time(int64_t sec, int64_t nsec, int micro, char *out, size_t n)
{
    if (nsec < 0 || nsec >= 1000000000) {
        int64_t q = nsec / 1000000000;
        sec += q;
        nsec -= q * 1000000000;
        if (nsec < 0) { nsec += 1000000000; sec--; }
    }
    int64_t days = floor_div(sec, 86400);
    int64_t rem = sec - days * 86400;
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    char year[32];
    if (y < 0) snprintf(year, sizeof year, "-%04lld", (long long)-y);
    else snprintf(year, sizeof year, "%04lld", (long long)y);
    if (micro)
        snprintf(out, n, "%s-%02d-%02dT%02d:%02d:%02d.%06dZ", year, m, d, (int)(rem / 3600),
                 (int)(rem / 60 % 60), (int)(rem % 60), (int)(nsec / 1000));
    else
        snprintf(out, n, "%s-%02d-%02dT%02d:%02d:%02dZ", year, m, d, (int)(rem / 3600),
                 (int)(rem / 60 % 60), (int)(rem % 60));
    return out;
}

typedef struct tparse {
    const char *v;        /* remaining value */
    size_t vlen;
    const char *all;      /* the whole value, for messages */
    size_t alen;
    const char *layout;
    char *err;
    size_t errlen;
} tparse;

static int is_digit_at(const char *s, size_t len, size_t i) { return i < len && s[i] >= '0' && s[i] <= '9'; }

/* "cannot parse <value> as <elem>" */
static int t_cannot(tparse *t, const char *value, size_t vlen, const char *elem)
{
    char qa[200], qv[200], ql[64], qe[32];
    scalar_go_time_quote(t->all, t->alen, qa, sizeof qa);
    scalar_go_time_quote(value, vlen, qv, sizeof qv);
    scalar_go_time_quote(t->layout, strlen(t->layout), ql, sizeof ql);
    scalar_go_time_quote(elem, strlen(elem), qe, sizeof qe);
    snprintf(t->err, t->errlen, "parsing time %s as %s: cannot parse %s as %s", qa, ql, qv, qe);
    return 0;
}

static int t_message(tparse *t, const char *msg)
{
    char qa[200];
    scalar_go_time_quote(t->all, t->alen, qa, sizeof qa);
    snprintf(t->err, t->errlen, "parsing time %s%s", qa, msg);
    return 0;
}

/* getnum: one or two digits (two when fixed). Returns -1 on errBad. */
static int t_getnum(tparse *t, int fixed)
{
    if (!is_digit_at(t->v, t->vlen, 0)) return -1;
    if (!is_digit_at(t->v, t->vlen, 1)) {
        if (fixed) return -1;
        int r = t->v[0] - '0';
        t->v++; t->vlen--;
        return r;
    }
    int r = (t->v[0] - '0') * 10 + (t->v[1] - '0');
    t->v += 2; t->vlen -= 2;
    return r;
}

static int t_literal(tparse *t, const char *lit)
{
    size_t l = strlen(lit);
    for (size_t i = 0; i < l; i++)
        if (i >= t->vlen || t->v[i] != lit[i]) return t_cannot(t, t->v + 0, t->vlen, lit);
    t->v += l;
    t->vlen -= l;
    return 1;
}

static int days_in(int month, int64_t year)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) return 29;
    return dm[month - 1];
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int scalar_parse_time(const char *s, size_t len, int micro, int64_t *out_sec, int64_t *out_nsec,
                      char *err, size_t errlen)
{
    int64_t nsec = 0, offset = 0;
    char dummy[8];
    tparse t = {s, len, s, len, micro ? "2006-01-02T15:04:05.000000Z07:00" : "2006-01-02T15:04:05Z07:00",
                err ? err : dummy, err ? errlen : sizeof dummy};
    /* year "2006" */
    if (t.vlen < 4 || !is_digit_at(t.v, t.vlen, 0)) return t_cannot(&t, t.v, t.vlen, "2006");
    int64_t year = 0;
    for (int i = 0; i < 4; i++) {
        if (!is_digit_at(t.v, t.vlen, (size_t)i)) return t_cannot(&t, t.v, t.vlen, "2006");
        year = year * 10 + (t.v[i] - '0');
    }
    t.v += 4; t.vlen -= 4;
    if (!t_literal(&t, "-")) return 0;
    const char *hold = t.v;
    size_t holdlen = t.vlen;
    int month = t_getnum(&t, 1);
    if (month < 0) return t_cannot(&t, hold, holdlen, "01");
    if (month < 1 || month > 12) return t_message(&t, ": month out of range");
    if (!t_literal(&t, "-")) return 0;
    hold = t.v; holdlen = t.vlen;
    int day = t_getnum(&t, 1);
    if (day < 0) return t_cannot(&t, hold, holdlen, "02");
    if (!t_literal(&t, "T")) return 0;
    hold = t.v; holdlen = t.vlen;
    int hour = t_getnum(&t, 0);
    if (hour < 0) return t_cannot(&t, hold, holdlen, "15");
    if (hour >= 24) return t_message(&t, ": hour out of range");
    if (!t_literal(&t, ":")) return 0;
    hold = t.v; holdlen = t.vlen;
    int min = t_getnum(&t, 1);
    if (min < 0) return t_cannot(&t, hold, holdlen, "04");
    if (min >= 60) return t_message(&t, ": minute out of range");
    if (!t_literal(&t, ":")) return 0;
    hold = t.v; holdlen = t.vlen;
    int sec = t_getnum(&t, 1);
    if (sec < 0) return t_cannot(&t, hold, holdlen, "05");
    if (sec >= 60) return t_message(&t, ": second out of range");
    if (micro) {
        hold = t.v; holdlen = t.vlen;
        if (t.vlen < 7 || (t.v[0] != '.' && t.v[0] != ',')) return t_cannot(&t, hold, holdlen, ".000000");
        for (int i = 1; i < 7; i++) {
            if (!is_digit_at(t.v, t.vlen, (size_t)i)) return t_cannot(&t, hold, holdlen, ".000000");
            nsec = nsec * 10 + (t.v[i] - '0');
        }
        nsec *= 1000;
        t.v += 7; t.vlen -= 7;
    } else if (t.vlen >= 2 && (t.v[0] == '.' || t.v[0] == ',') && is_digit_at(t.v, t.vlen, 1)) {
        /* a fraction the layout does not name is accepted after the seconds */
        size_t nd = 1;
        int64_t scale = 100000000;
        while (is_digit_at(t.v, t.vlen, nd)) {
            nsec += (t.v[nd] - '0') * scale;
            scale /= 10;
            nd++;
        }
        t.v += nd; t.vlen -= nd;
    }
    /* zone "Z07:00" */
    hold = t.v; holdlen = t.vlen;
    if (t.vlen >= 1 && t.v[0] == 'Z') {
        t.v++; t.vlen--;
    } else {
        if (t.vlen < 6 || t.v[3] != ':') return t_cannot(&t, hold, holdlen, "Z07:00");
        if (!is_digit_at(t.v, t.vlen, 1) || !is_digit_at(t.v, t.vlen, 2) ||
            !is_digit_at(t.v, t.vlen, 4) || !is_digit_at(t.v, t.vlen, 5))
            return t_cannot(&t, hold, holdlen, "Z07:00");
        int hr = (t.v[1] - '0') * 10 + (t.v[2] - '0');
        int mm = (t.v[4] - '0') * 10 + (t.v[5] - '0');
        char sign = t.v[0];
        t.v += 6; t.vlen -= 6;
        if (hr > 24) return t_message(&t, ": time zone offset hour out of range");
        if (mm > 60) return t_message(&t, ": time zone offset minute out of range");
        if (sign != '+' && sign != '-') return t_cannot(&t, hold, holdlen, "Z07:00");
        offset = (hr * 60 + mm) * 60 * (sign == '-' ? -1 : 1);
    }
    if (t.vlen) {
        char qv[200], msg[256];
        scalar_go_time_quote(t.v, t.vlen, qv, sizeof qv);
        snprintf(msg, sizeof msg, ": extra text: %s", qv);
        return t_message(&t, msg);
    }
    if (day < 1 || day > days_in(month, year)) return t_message(&t, ": day out of range");
    if (out_sec)
        *out_sec = days_from_civil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec - offset;
    if (out_nsec) *out_nsec = nsec;
    return 1;
}

int scalar_check_time(const char *s, size_t len, int micro, char *err, size_t errlen)
{
    return scalar_parse_time(s, len, micro, NULL, NULL, err, errlen);
}

/* ---- quantity */

static const char quantity_format_msg[] =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

static int quantity_fail(char *err, size_t errlen, const char *msg)
{
    if (err && errlen) snprintf(err, errlen, "%s", msg);
    return 0;
}

static int valid_suffix(const char *s, size_t n)
{
    static const char *const named[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n", "u", "m",
                                        "k", "M", "G", "T", "P", "E"};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (strlen(named[i]) == n && !strncmp(named[i], s, n)) return 1;
    /* a decimal exponent: e or E, an optional sign, digits */
    if (n >= 2 && (s[0] == 'e' || s[0] == 'E')) {
        size_t i = 1;
        if (s[i] == '+' || s[i] == '-') i++;
        if (i == n) return 0;
        for (; i < n; i++)
            if (s[i] < '0' || s[i] > '9') return 0;
        return n < 12;   /* strconv.ParseInt(.., 10, 32) must not overflow */
    }
    return 0;
}

int scalar_check_quantity(const char *s, size_t len, char *err, size_t errlen)
{
    if (len == 0) return quantity_fail(err, errlen, quantity_format_msg);
    if (len == 1 && s[0] == '0') return 1;
    size_t pos = 0;
    if (s[0] == '-' || s[0] == '+') pos++;
    while (pos < len && s[pos] == '0') pos++;
    if (pos >= len) return 1;                      /* all zeros */
    size_t num_start = pos;
    while (pos < len && s[pos] >= '0' && s[pos] <= '9') pos++;
    if (pos >= len) return 1;
    size_t num_len = pos - num_start, denom_len = 0;
    if (s[pos] == '.') {
        pos++;
        size_t d = pos;
        while (pos < len && s[pos] >= '0' && s[pos] <= '9') pos++;
        denom_len = pos - d;
        if (pos >= len) goto numeric;
    }
    size_t value_end = pos, suffix_start = pos;
    while (pos < len && strchr("eEinumkKMGTP", s[pos])) pos++;
    if (pos < len) {
        if (s[pos] == '-' || s[pos] == '+') pos++;
        while (pos < len && s[pos] >= '0' && s[pos] <= '9') pos++;
        if (pos < len) return quantity_fail(err, errlen, quantity_format_msg);
    }
    if (!valid_suffix(s + suffix_start, len - suffix_start))
        return quantity_fail(err, errlen, "unable to parse quantity's suffix");
    len = value_end;
numeric:
    /* inf.Dec must read the number: at least one digit */
    if (num_len + denom_len == 0) return quantity_fail(err, errlen, "unable to parse numeric part of quantity");
    (void)len;
    return 1;
}

/* ---- duration */

static size_t fmt_frac(char *buf, size_t w, uint64_t *v, int prec)
{
    int print = 0;
    for (int i = 0; i < prec; i++) {
        unsigned digit = (unsigned)(*v % 10);
        print = print || digit != 0;
        if (print) buf[--w] = (char)('0' + digit);
        *v /= 10;
    }
    if (print) buf[--w] = '.';
    return w;
}

static size_t fmt_int(char *buf, size_t w, uint64_t v)
{
    if (v == 0) {
        buf[--w] = '0';
        return w;
    }
    while (v > 0) {
        buf[--w] = (char)('0' + v % 10);
        v /= 10;
    }
    return w;
}

char *scalar_format_duration(int64_t ns, char *out, size_t n)
{
    char buf[40];
    size_t w = sizeof buf;
    uint64_t u = (uint64_t)ns;
    int neg = ns < 0;
    if (neg) u = -u;
    if (u < 1000000000ULL) {
        int prec;
        buf[--w] = 's';
        if (u == 0) {
            snprintf(out, n, "0s");
            return out;
        } else if (u < 1000ULL) {
            prec = 0;
            buf[--w] = 'n';
        } else if (u < 1000000ULL) {
            prec = 3;
            buf[--w] = (char)0xB5;   /* U+00B5 micro sign */
            buf[--w] = (char)0xC2;
        } else {
            prec = 6;
            buf[--w] = 'm';
        }
        w = fmt_frac(buf, w, &u, prec);
        w = fmt_int(buf, w, u);
    } else {
        buf[--w] = 's';
        w = fmt_frac(buf, w, &u, 9);
        w = fmt_int(buf, w, u % 60);
        u /= 60;
        if (u > 0) {
            buf[--w] = 'm';
            w = fmt_int(buf, w, u % 60);
            u /= 60;
            if (u > 0) {
                buf[--w] = 'h';
                w = fmt_int(buf, w, u);
            }
        }
    }
    if (neg) buf[--w] = '-';
    snprintf(out, n, "%.*s", (int)(sizeof buf - w), buf + w);
    return out;
}

int scalar_check_duration(const char *s, size_t len, char *err, size_t errlen)
{
    static const char *const units[] = {"ns", "us", "\xc2\xb5s", "\xce\xbcs", "ms", "s", "m", "h"};
    char q[200];
    size_t i = 0;
    if (i < len && (s[i] == '-' || s[i] == '+')) i++;
    if (len - i == 1 && s[i] == '0') return 1;
    if (i == len) goto invalid;
    while (i < len) {
        size_t d0 = i;
        while (i < len && s[i] >= '0' && s[i] <= '9') i++;
        size_t lead = i - d0;
        size_t frac = 0;
        if (i < len && s[i] == '.') {
            i++;
            size_t f0 = i;
            while (i < len && s[i] >= '0' && s[i] <= '9') i++;
            frac = i - f0;
        }
        if (!lead && !frac) goto invalid;
        size_t u0 = i;
        while (i < len && s[i] != '.' && (s[i] < '0' || s[i] > '9')) i++;
        if (u0 == i) {
            scalar_go_quote(s, len, q, sizeof q);
            if (err && errlen) snprintf(err, errlen, "time: missing unit in duration %s", q);
            return 0;
        }
        int ok = 0;
        for (size_t k = 0; k < sizeof units / sizeof units[0]; k++)
            if (strlen(units[k]) == i - u0 && !strncmp(units[k], s + u0, i - u0)) ok = 1;
        if (!ok) {
            char qu[100];
            scalar_go_quote(s + u0, i - u0, qu, sizeof qu);
            scalar_go_quote(s, len, q, sizeof q);
            if (err && errlen) snprintf(err, errlen, "time: unknown unit %s in duration %s", qu, q);
            return 0;
        }
    }
    return 1;
invalid:
    scalar_go_quote(s, len, q, sizeof q);
    if (err && errlen) snprintf(err, errlen, "time: invalid duration %s", q);
    return 0;
}

/* ---- base64 */

char *scalar_base64_encode(const unsigned char *data, size_t len)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    if (len > (SIZE_MAX - 1) / 4 * 3 - 3) return NULL;
    size_t olen = (len + 2) / 3 * 4;
    char *out = malloc(olen + 1);
    if (!out) return NULL;
    size_t o = 0, i = 0;
    for (; i + 2 < len; i += 3) {
        unsigned v = (unsigned)data[i] << 16 | (unsigned)data[i + 1] << 8 | data[i + 2];
        out[o++] = tab[v >> 18 & 63];
        out[o++] = tab[v >> 12 & 63];
        out[o++] = tab[v >> 6 & 63];
        out[o++] = tab[v & 63];
    }
    if (i < len) {
        unsigned v = (unsigned)data[i] << 16 | (i + 1 < len ? (unsigned)data[i + 1] << 8 : 0);
        out[o++] = tab[v >> 18 & 63];
        out[o++] = tab[v >> 12 & 63];
        out[o++] = i + 1 < len ? tab[v >> 6 & 63] : '=';
        out[o++] = '=';
    }
    out[o] = '\0';
    return out;
}

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/* Go's decodeQuantum, over the whole input: the first corrupt offset. */
long scalar_base64_error_offset(const char *str, size_t len)
{
    const unsigned char *src = (const unsigned char *)str;
    size_t si = 0;
    while (si < len) {
        int j;
        for (j = 0; j < 4; j++) {
            if (si == len) {
                if (j == 0) return -1;
                return (long)(si - (size_t)j);    /* std encoding needs padding */
            }
            unsigned char in = src[si++];
            if (b64_value(in) >= 0) continue;
            if (in == '\n' || in == '\r') { j--; continue; }
            if (in != '=') return (long)(si - 1);
            if (j == 0 || j == 1) return (long)(si - 1);
            if (j == 2) {
                while (si < len && (src[si] == '\n' || src[si] == '\r')) si++;
                if (si == len) return (long)len;
                if (src[si] != '=') return (long)(si - 1);
                si++;
            }
            while (si < len && (src[si] == '\n' || src[si] == '\r')) si++;
            if (si < len) return (long)si;
            return -1;
        }
    }
    return -1;
}
