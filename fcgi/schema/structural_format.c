/* structural_format.c: the string formats kube-apiserver checks in custom
 * resources (kube-openapi's strfmt default registry, limited to the
 * formats apiextensions keeps): byte, date, date-time, duration, uuid
 * (and uuid3/4/5), email, hostname, ipv4, ipv6, cidr, mac, uri,
 * bsonobjectid, hexcolor, rgbcolor. Unknown formats (and password) pass,
 * as kube strips them. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "schema/structural_internal.h"

static bool all_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i])) return false;
    return true;
}

/* base64 as Go's StdEncoding decodes it (padding required). */
static bool is_base64(const char *s)
{
    size_t n = strlen(s);
    if (n % 4) return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isalnum(c) || c == '+' || c == '/') continue;
        if (c == '=' && (i == n - 1 || (i == n - 2 && s[n - 1] == '='))) continue;
        return false;
    }
    return true;
}

static bool digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i])) return false;
    return true;
}

static bool valid_date(int y, int m, int d)
{
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > days[m - 1]) return false;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100) || y % 400 == 0)) return false;
    return true;
}

static bool is_date(const char *s)
{
    if (strlen(s) != 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' || !digits(s + 8, 2))
        return false;
    return valid_date(atoi(s), atoi(s + 5), atoi(s + 8));
}

/* RFC 3339 date-time (strfmt also takes a space or lowercase t). */
static bool is_date_time(const char *s)
{
    if (strlen(s) < 19) return false;
    char date[11];
    memcpy(date, s, 10);
    date[10] = 0;
    if (!is_date(date)) return false;
    if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return false;
    const char *t = s + 11;
    if (!digits(t, 2) || t[2] != ':' || !digits(t + 3, 2) || t[5] != ':' || !digits(t + 6, 2)) return false;
    if (atoi(t) > 23 || atoi(t + 3) > 59 || atoi(t + 6) > 60) return false;
    t += 8;
    if (*t == '.') {
        t++;
        if (!isdigit((unsigned char)*t)) return false;
        while (isdigit((unsigned char)*t)) t++;
    }
    if (*t == 'Z' || *t == 'z') return t[1] == 0;
    if ((*t == '+' || *t == '-') && digits(t + 1, 2) && t[3] == ':' && digits(t + 4, 2) && t[6] == 0)
        return atoi(t + 1) <= 23 && atoi(t + 4) <= 59;
    return false;
}

/* strfmt's duration: Go's time.ParseDuration, or numbers with units
 * (ns, us, µs, ms, s, m, h, d, w and their long names) and optional
 * spaces, as "3 days" or "1h30m". */
static bool is_duration(const char *s)
{
    static const char *const units[] = {"nanoseconds", "nanosecond", "ns", "microseconds", "microsecond", "us", "µs",
                                        "milliseconds", "millisecond", "ms", "seconds", "second", "sec", "s",
                                        "minutes", "minute", "min", "m", "hours", "hour", "hr", "h", "days", "day",
                                        "d", "weeks", "week", "wk", "w", NULL};
    const char *p = s;
    if (*p == '+' || *p == '-') p++;
    if (!strcmp(p, "0")) return true;
    bool any = false;
    while (*p) {
        if (!isdigit((unsigned char)*p) && *p != '.') return false;
        while (isdigit((unsigned char)*p) || *p == '.') p++;
        while (*p == ' ') p++;
        size_t best = 0;
        for (int i = 0; units[i]; i++) {
            size_t l = strlen(units[i]);
            if (l > best && !strncmp(p, units[i], l)) best = l;
        }
        if (!best) return false;
        p += best;
        while (*p == ' ') p++;
        any = true;
    }
    return any;
}

static bool is_uuid(const char *s, char version)
{
    if (strlen(s) != 36) return false;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-') return false;
        } else if (!isxdigit((unsigned char)s[i])) return false;
    }
    if (version && s[14] != version) return false;
    if (version == '4' && !strchr("89abAB", s[19])) return false;
    return true;
}

/* RFC 1123 host name: labels of letters, digits and hyphens. */
static bool is_hostname(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 255) return false;
    const char *label = s;
    for (const char *p = s;; p++) {
        if (*p == '.' || *p == 0) {
            size_t l = (size_t)(p - label);
            if (l == 0 ? *p != 0 || p == s : l > 63) return false;
            if (l && (label[0] == '-' || label[l - 1] == '-')) return false;
            if (*p == 0) break;
            label = p + 1;
        } else if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_') {
            return false;
        }
    }
    return true;
}

static bool is_email(const char *s)
{
    const char *at = strrchr(s, '@');
    if (!at || at == s || !at[1]) return false;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == '(' || *p == ')' || *p == ',' || *p == ';' ||
            *p == '\\' || *p == '"')
            return false;
    return strchr(at + 1, '.') || is_hostname(at + 1);
}

static bool is_ipv4(const char *s)
{
    struct in_addr a;
    return inet_pton(AF_INET, s, &a) == 1;
}

static bool is_ipv6(const char *s)
{
    struct in6_addr a;
    return strchr(s, ':') && inet_pton(AF_INET6, s, &a) == 1;
}

static bool is_cidr(const char *s)
{
    const char *slash = strchr(s, '/');
    if (!slash || !slash[1] || strlen(slash + 1) > 3 || !digits(slash + 1, (int)strlen(slash + 1))) return false;
    char ip[64];
    size_t n = (size_t)(slash - s);
    if (n >= sizeof ip) return false;
    memcpy(ip, s, n);
    ip[n] = 0;
    int bits = atoi(slash + 1);
    if (is_ipv4(ip)) return bits <= 32;
    if (is_ipv6(ip)) return bits <= 128;
    return false;
}

/* Go's net.ParseMAC: 6, 8 or 20 octets, separated by ':' or '-', or dotted groups of four hex digits. */
static bool is_mac(const char *s)
{
    size_t n = strlen(s);
    if (n >= 14 && s[4] == '.') {
        if ((n + 1) % 5) return false;
        size_t groups = (n + 1) / 5;
        if (groups != 3 && groups != 4 && groups != 10) return false;
        for (size_t i = 0; i < n; i += 5)
            if (!all_hex(s + i, 4) || (i + 4 < n && s[i + 4] != '.')) return false;
        return true;
    }
    if (n < 17 || (n + 1) % 3) return false;
    size_t octets = (n + 1) / 3;
    if (octets != 6 && octets != 8 && octets != 20) return false;
    char sep = s[2];
    if (sep != ':' && sep != '-') return false;
    for (size_t i = 0; i < n; i += 3)
        if (!all_hex(s + i, 2) || (i + 2 < n && s[i + 2] != sep)) return false;
    return true;
}

/* Go's url.Parse accepts nearly anything; strfmt's uri requires that it parses. */
static bool is_uri(const char *s)
{
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < ' ' || *p == 0x7f) return false;
    const char *colon = strchr(s, ':');
    if (colon == s) return false;
    if (*s == 0) return false;
    for (const char *p = s; *p; p++)
        if (*p == '%' && !(isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2]))) return false;
    return true;
}

static bool is_hexcolor(const char *s)
{
    size_t n = strlen(s);
    return s[0] == '#' && (n == 4 || n == 7) && all_hex(s + 1, n - 1);
}

bool structural_format_ok(const char *format, const char *s)
{
    if (!strcmp(format, "byte")) return is_base64(s);
    if (!strcmp(format, "date")) return is_date(s);
    if (!strcmp(format, "date-time") || !strcmp(format, "datetime")) return is_date_time(s);
    if (!strcmp(format, "duration")) return is_duration(s);
    if (!strcmp(format, "uuid")) return is_uuid(s, 0);
    if (!strcmp(format, "uuid3")) return is_uuid(s, '3');
    if (!strcmp(format, "uuid4")) return is_uuid(s, '4');
    if (!strcmp(format, "uuid5")) return is_uuid(s, '5');
    if (!strcmp(format, "email")) return is_email(s);
    if (!strcmp(format, "hostname")) return is_hostname(s);
    if (!strcmp(format, "ipv4")) return is_ipv4(s);
    if (!strcmp(format, "ipv6")) return is_ipv6(s);
    if (!strcmp(format, "cidr")) return is_cidr(s);
    if (!strcmp(format, "mac")) return is_mac(s);
    if (!strcmp(format, "uri")) return is_uri(s);
    if (!strcmp(format, "bsonobjectid")) return strlen(s) == 24 && all_hex(s, 24);
    if (!strcmp(format, "hexcolor")) return is_hexcolor(s);
    return true;
}
