/* scalars.c: Go's text forms of the API's special scalars: resource.Quantity
 * syntax here; RFC 3339 times, time.Duration text, base64 and Go quoting
 * are the shared ones in core/ (gotime.c, base64.c, goquote.c), under the
 * names the schema code calls them by. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/base64.h"
#include "core/gotime.h"
#include "schema/scalars.h"

/* ---- quoting, time, duration, base64: the core utilities */

char *scalar_format_time(int64_t sec, int64_t nsec, int micro, char *out, size_t n)
{
    return rfc3339_format(sec, nsec, micro, out, n);
}

int scalar_parse_time(const char *s, size_t len, int micro, int64_t *out_sec, int64_t *out_nsec,
                      char *err, size_t errlen)
{
    return rfc3339_parse(s, len, micro, out_sec, out_nsec, err, errlen);
}

int scalar_check_time(const char *s, size_t len, int micro, char *err, size_t errlen)
{
    return rfc3339_parse(s, len, micro, NULL, NULL, err, errlen);
}

char *scalar_format_duration(int64_t ns, char *out, size_t n)
{
    return duration_format(ns, out, n);
}

int scalar_check_duration(const char *s, size_t len, char *err, size_t errlen)
{
    return duration_parse(s, len, NULL, err, errlen);
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

