/* gotime.c: Go's time text, rewritten in C (see gotime.h): RFC 3339 with
 * time.Parse's error wording, time.Duration's String and ParseDuration.
 * Dates are proleptic Gregorian day counts (Howard Hinnant's civil-date
 * algorithms), so years before 1970 and after 2038 work on every libc. */
#include <stdio.h>
#include <string.h>
#include "core/goquote.h"
#include "core/gotime.h"

/* ---- RFC 3339 */

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, int m, int d);

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

char *rfc3339_format(int64_t sec, int64_t nsec, int micro, char *out, size_t n)
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
    go_time_quote_to(qa, sizeof qa, t->all, t->alen);
    go_time_quote_to(qv, sizeof qv, value, vlen);
    go_time_quote_to(ql, sizeof ql, t->layout, strlen(t->layout));
    go_time_quote_to(qe, sizeof qe, elem, strlen(elem));
    snprintf(t->err, t->errlen, "parsing time %s as %s: cannot parse %s as %s", qa, ql, qv, qe);
    return 0;
}

static int t_message(tparse *t, const char *msg)
{
    char qa[200];
    go_time_quote_to(qa, sizeof qa, t->all, t->alen);
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

int rfc3339_parse(const char *s, size_t len, int micro, int64_t *out_sec, int64_t *out_nsec,
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
        go_time_quote_to(qv, sizeof qv, t.v, t.vlen);
        snprintf(msg, sizeof msg, ": extra text: %s", qv);
        return t_message(&t, msg);
    }
    if (day < 1 || day > days_in(month, year)) return t_message(&t, ": day out of range");
    if (out_sec)
        *out_sec = days_from_civil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec - offset;
    if (out_nsec) *out_nsec = nsec;
    return 1;
}

void go_time_string(int64_t sec, int64_t nsec, char *out, size_t n)
{
    int64_t days = floor_div(sec, 86400), rest = sec - days * 86400, y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    char fraction[16] = "";
    if (nsec) {
        snprintf(fraction, sizeof fraction, ".%09d", (int)nsec);
        size_t l = strlen(fraction);
        while (l > 1 && fraction[l - 1] == '0') fraction[--l] = '\0';
    }
    snprintf(out, n, "%04lld-%02d-%02d %02lld:%02lld:%02lld%s +0000 UTC", (long long)y, m, d,
             (long long)(rest / 3600), (long long)(rest / 60 % 60), (long long)(rest % 60), fraction);
}

void time_rfc3339(time_t t, char out[21])
{
    rfc3339_format((int64_t)t, 0, 0, out, 21);
}

time_t time_parse_rfc3339(const char *s)
{
    int64_t sec;
    if (!s || !rfc3339_parse(s, strlen(s), 0, &sec, NULL, NULL, 0)) return (time_t)-1;
    return (time_t)sec;
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

char *duration_format(int64_t ns, char *out, size_t n)
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

/* Go's time.ParseDuration: [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+ or "0". Its
 * messages quote with strconv.Quote here, as kapi always has. */
int duration_parse(const char *s, size_t len, int64_t *out, char *err, size_t errlen)
{
    static const struct { const char *name; uint64_t ns; } units[] = {
        {"ns", 1}, {"us", 1000}, {"\xc2\xb5s", 1000}, {"\xce\xbcs", 1000}, {"ms", 1000000},
        {"s", 1000000000ULL}, {"m", 60000000000ULL}, {"h", 3600000000000ULL},
    };
    const uint64_t limit = 1ULL << 63;
    char q[200];
    size_t i = 0;
    int neg = 0;
    uint64_t d = 0;
    if (i < len && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
    if (len - i == 1 && s[i] == '0') { if (out) *out = 0; return 1; }
    if (i == len) goto invalid;
    while (i < len) {
        if (!(s[i] == '.' || (s[i] >= '0' && s[i] <= '9'))) goto invalid;
        uint64_t v = 0, f = 0;
        double scale = 1;
        size_t d0 = i;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
            if (v > limit / 10) goto invalid;           /* leadingInt overflows */
            v = v * 10 + (uint64_t)(s[i] - '0');
            if (v > limit) goto invalid;
        }
        int pre = i > d0, post = 0;
        if (i < len && s[i] == '.') {
            i++;
            size_t f0 = i;
            int overflow = 0;
            for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
                if (overflow) continue;
                if (f > (limit - 1) / 10) { overflow = 1; continue; }
                uint64_t y = f * 10 + (uint64_t)(s[i] - '0');
                if (y > limit) { overflow = 1; continue; }
                f = y;
                scale *= 10;
            }
            post = i > f0;
        }
        if (!pre && !post) goto invalid;
        size_t u0 = i;
        while (i < len && s[i] != '.' && (s[i] < '0' || s[i] > '9')) i++;
        if (u0 == i) {
            go_quote_to(q, sizeof q, s, len);
            if (err && errlen) snprintf(err, errlen, "time: missing unit in duration %s", q);
            return 0;
        }
        uint64_t unit = 0;
        for (size_t k = 0; k < sizeof units / sizeof units[0]; k++)
            if (strlen(units[k].name) == i - u0 && !strncmp(units[k].name, s + u0, i - u0)) unit = units[k].ns;
        if (!unit) {
            char qu[100];
            go_quote_to(qu, sizeof qu, s + u0, i - u0);
            go_quote_to(q, sizeof q, s, len);
            if (err && errlen) snprintf(err, errlen, "time: unknown unit %s in duration %s", qu, q);
            return 0;
        }
        if (v > limit / unit) goto invalid;
        v *= unit;
        if (f > 0) {
            v += (uint64_t)((double)f * ((double)unit / scale));
            if (v > limit) goto invalid;
        }
        d += v;
        if (d > limit) goto invalid;
    }
    if (!neg && d > limit - 1) goto invalid;
    if (out) *out = neg ? (int64_t)(0 - d) : (int64_t)d;
    return 1;
invalid:
    go_quote_to(q, sizeof q, s, len);
    if (err && errlen) snprintf(err, errlen, "time: invalid duration %s", q);
    return 0;
}

/* ---- duration.HumanDuration */

/* "<big><unit>" followed by "<small><subunit>" unless small is 0
 * (HumanDuration's "3m10s", "5h", "2y1d"). */
static void two_units(char *out, size_t n, int64_t big, char unit, int64_t small, char subunit)
{
    if (small == 0) snprintf(out, n, "%lld%c", (long long)big, unit);
    else snprintf(out, n, "%lld%c%lld%c", (long long)big, unit, (long long)small, subunit);
}

void duration_human(int64_t d, char *out, size_t n)
{
    const int64_t second = 1000000000LL, minute = 60 * second, hour = 60 * minute;
    int64_t seconds = d / second, minutes = d / minute, hours = d / hour;
    if (seconds < -1) snprintf(out, n, "<invalid>");
    else if (seconds < 0) snprintf(out, n, "0s");
    else if (seconds < 60 * 2) two_units(out, n, seconds, 's', 0, 0);
    else if (minutes < 10) two_units(out, n, minutes, 'm', seconds % 60, 's');
    else if (minutes < 60 * 3) two_units(out, n, minutes, 'm', 0, 0);
    else if (hours < 8) two_units(out, n, hours, 'h', minutes % 60, 'm');
    else if (hours < 48) two_units(out, n, hours, 'h', 0, 0);
    else if (hours < 24 * 8) two_units(out, n, hours / 24, 'd', hours % 24, 'h');
    else if (hours < 24 * 365 * 2) two_units(out, n, hours / 24, 'd', 0, 0);
    else if (hours < 24 * 365 * 8) two_units(out, n, hours / 24 / 365, 'y', (hours / 24) % 365, 'd');
    else two_units(out, n, hours / 24 / 365, 'y', 0, 0);
}
