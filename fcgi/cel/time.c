/* time.c: CEL's timestamp and duration: timestamp() and duration()
 * from strings (RFC 3339, Go's duration syntax, via core/gotime.h), their
 * printed forms, and the accessors getFullYear ... getMilliseconds, in UTC
 * a fixed offset ("+05:30") or an IANA zone ("America/New_York", read
 * from /usr/share/zoneinfo). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/gotime.h"
#include "core/kapi.h"
#include "cel/cel_int.h"

int cel_parse_duration(const char *p, size_t len, int64_t *ns)
{
    return duration_parse(p, len, ns, NULL, 0) ? 0 : -1;
}

int cel_parse_timestamp(const char *p, size_t len, int64_t *sec, int32_t *nsec)
{
    int64_t s, n;
    if (!rfc3339_parse(p, len, 0, &s, &n, NULL, 0)) return -1;
    *sec = s;
    *nsec = (int32_t)n;
    return 0;
}

char *cel_format_duration(cel_ctx *c, int64_t ns)
{
    uint64_t mag = ns < 0 ? (uint64_t)-(ns + 1) + 1 : (uint64_t)ns;
    char frac[16] = "";
    unsigned f = (unsigned)(mag % 1000000000u);
    if (f) {
        snprintf(frac, sizeof frac, ".%09u", f);
        size_t k = strlen(frac);
        while (frac[k - 1] == '0') frac[--k] = 0;
    }
    return kapi_psprintf(c->pool, "%s%llu%ss", ns < 0 ? "-" : "", (unsigned long long)(mag / 1000000000u), frac);
}

char *cel_format_timestamp(cel_ctx *c, int64_t sec, int32_t nsec)
{
    char buf[64];
    rfc3339_format(sec, 0, 0, buf, sizeof buf);   /* ...:05Z */
    size_t k = strlen(buf);
    if (nsec && k && buf[k - 1] == 'Z') {
        char frac[16];
        snprintf(frac, sizeof frac, ".%09d", nsec);
        size_t f = strlen(frac);
        while (frac[f - 1] == '0') frac[--f] = 0;
        buf[k - 1] = 0;
        return kapi_psprintf(c->pool, "%s%sZ", buf, frac);
    }
    return kapi_pstrdup(c->pool, buf);
}

/* Civil date of a day count since 1970-01-01 (the proleptic Gregorian
 * calendar's arithmetic on 400-year eras). */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static bool leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static uint32_t be32(const unsigned char *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

/* The UTC offset of IANA zone name at instant t, from the system's
 * compiled zone files (/usr/share/zoneinfo, TZif version 2 or later: the
 * 64-bit section). After the last transition the last offset holds (the
 * files Debian ships list transitions up to 2037). */
static bool iana_offset(const char *name, int64_t t, int64_t *off)
{
    if (!*name || name[0] == '/' || strstr(name, "..") || strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+-/") != strlen(name))
        return false;
    char path[300];
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", name);
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    unsigned char buf[65536];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    if (n < 44 || memcmp(buf, "TZif", 4) || buf[4] < '2') return false;
    /* skip the version 1 section */
    uint32_t isut = be32(buf + 20), isstd = be32(buf + 24), leap = be32(buf + 28), times = be32(buf + 32),
             types = be32(buf + 36), chars = be32(buf + 40);
    size_t at = 44 + (size_t)times * 5 + (size_t)types * 6 + chars + (size_t)leap * 8 + isstd + isut;
    if (at + 44 > n || memcmp(buf + at, "TZif", 4)) return false;
    const unsigned char *h = buf + at;
    times = be32(h + 32);
    types = be32(h + 36);
    const unsigned char *trans = h + 44, *idx = trans + (size_t)times * 8, *ttinfo = idx + times;
    if ((size_t)(ttinfo - buf) + (size_t)types * 6 > n || types == 0) return false;
    size_t type = 0;   /* before the first transition: the first type */
    for (uint32_t i = 0; i < times; i++) {
        int64_t when = (int64_t)((uint64_t)be32(trans + 8 * i) << 32 | be32(trans + 8 * i + 4));
        if (when > t) break;
        type = idx[i];
    }
    if (type >= types) return false;
    *off = (int32_t)be32(ttinfo + 6 * type);
    return true;
}

/* The offset in seconds at instant t that a zone argument names: "UTC",
 * "+05:30", "-08:00", "05:30", or an IANA name ("America/New_York"). */
static bool zone_offset(const cel_val *z, int64_t t, int64_t *off)
{
    char buf[32];
    if (z->u.s.len >= sizeof buf) return false;
    memcpy(buf, z->u.s.p, z->u.s.len);
    buf[z->u.s.len] = 0;
    if (!strcmp(buf, "UTC") || !strcmp(buf, "Z") || !strcmp(buf, "Etc/UTC") || !strcmp(buf, "GMT")) { *off = 0; return true; }
    const char *p = buf;
    int sign = 1;
    if (*p == '+' || *p == '-') { sign = *p == '-' ? -1 : 1; p++; }
    int h, m;
    char extra;
    if (sscanf(p, "%2d:%2d%c", &h, &m, &extra) != 2) return iana_offset(buf, t, off);
    *off = sign * (int64_t)(h * 3600 + m * 60);
    return true;
}

static cel_val timestamp_part(cel_ctx *c, const char *fn, const cel_val *t, const cel_val *zone)
{
    int64_t off = 0;
    if (zone && !zone_offset(zone, t->u.ts.sec, &off))
        return cel_error(c, "unknown time zone %.*s", (int)zone->u.s.len, zone->u.s.p);
    int64_t s = t->u.ts.sec + off;
    int64_t days = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
    int64_t secs = s - days * 86400;
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    static const int cum[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    if (!strcmp(fn, "getFullYear")) return cel_int(y);
    if (!strcmp(fn, "getMonth")) return cel_int(m - 1);
    if (!strcmp(fn, "getDate")) return cel_int(d);
    if (!strcmp(fn, "getDayOfMonth")) return cel_int(d - 1);
    if (!strcmp(fn, "getDayOfYear")) return cel_int(cum[m - 1] + d - 1 + (m > 2 && leap(y)));
    if (!strcmp(fn, "getDayOfWeek")) return cel_int(((days % 7) + 11) % 7);   /* 1970-01-01 was a Thursday */
    if (!strcmp(fn, "getHours")) return cel_int(secs / 3600);
    if (!strcmp(fn, "getMinutes")) return cel_int(secs / 60 % 60);
    if (!strcmp(fn, "getSeconds")) return cel_int(secs % 60);
    if (!strcmp(fn, "getMilliseconds")) return cel_int(t->u.ts.nsec / 1000000);
    return cel_no_overload(c, fn);
}

static cel_val duration_part(cel_ctx *c, const char *fn, int64_t ns)
{
    if (!strcmp(fn, "getHours")) return cel_int(ns / 3600000000000LL);
    if (!strcmp(fn, "getMinutes")) return cel_int(ns / 60000000000LL);
    if (!strcmp(fn, "getSeconds")) return cel_int(ns / 1000000000LL);
    if (!strcmp(fn, "getMilliseconds")) return cel_int(ns / 1000000LL % 1000);
    return cel_no_overload(c, fn);
}

cel_val cel_call_time(cel_ctx *c, const char *fn, const cel_val *t, const cel_val *a, size_t n, bool *found)
{
    *found = true;
    if (!t && n == 1 && !strcmp(fn, "duration")) {
        if (a[0].kind == CV_DURATION) return a[0];
        if (a[0].kind != CV_STRING) return cel_no_overload(c, "duration");
        cel_val v = {.kind = CV_DURATION};
        if (cel_parse_duration(a[0].u.s.p, a[0].u.s.len, &v.u.dur))
            return cel_error(c, "type conversion error from 'string' to 'google.protobuf.Duration'");
        return v;
    }
    if (!t && n == 1 && !strcmp(fn, "timestamp")) {
        cel_val v = {.kind = CV_TIMESTAMP};
        if (a[0].kind == CV_TIMESTAMP) return a[0];
        if (a[0].kind == CV_INT) v.u.ts.sec = a[0].u.i;
        else if (a[0].kind != CV_STRING) return cel_no_overload(c, "timestamp");
        else if (cel_parse_timestamp(a[0].u.s.p, a[0].u.s.len, &v.u.ts.sec, &v.u.ts.nsec))
            return cel_error(c, "type conversion error from 'string' to 'google.protobuf.Timestamp'");
        if (v.u.ts.sec < CEL_TS_MIN || v.u.ts.sec > CEL_TS_MAX) return cel_error(c, "timestamp out of range");
        return v;
    }
    if (t && !strncmp(fn, "get", 3)) {
        if (t->kind == CV_TIMESTAMP && n == 0) return timestamp_part(c, fn, t, NULL);
        if (t->kind == CV_TIMESTAMP && n == 1 && a[0].kind == CV_STRING) return timestamp_part(c, fn, t, &a[0]);
        if (t->kind == CV_DURATION && n == 0) return duration_part(c, fn, t->u.dur);
    }
    *found = false;
    return cel_null();
}
