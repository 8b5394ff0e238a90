/* scalars.h: the special scalars of the Kubernetes API as Go writes and
 * reads them: metav1.Time and MicroTime (RFC 3339, with Go's time.Parse
 * error wording), resource.Quantity's syntax (ParseQuantity's errors),
 * metav1.Duration's text, base64 for []byte. Used by the protobuf decoder
 * (to write JSON) and by field validation (to read it). */
#ifndef KAPI_SCALARS_H
#define KAPI_SCALARS_H

#include <stddef.h>
#include <stdint.h>

#include "core/gotime.h"   /* GO_ZERO_TIME_UNIX_SECONDS */

/* Writes the instant sec (+ nsec, normalized like time.Unix) in UTC as
 * RFC 3339 into out: "2006-01-02T15:04:05Z", or with micro = 1
 * "2006-01-02T15:04:05.000000Z" (microseconds, truncated). Years outside
 * 0..9999 print as Go prints them. Returns out. */
char *scalar_format_time(int64_t sec, int64_t nsec, int micro, char *out, size_t n);

/* Checks s against Go's time.Parse with layout RFC3339 (micro = 0) or
 * "2006-01-02T15:04:05.000000Z07:00" (micro = 1). Returns 1 when it parses;
 * else 0 with Go's message in err ("parsing time \"x\" as
 * \"2006-01-02T15:04:05Z07:00\": cannot parse \"x\" as \"2006\""). */
int scalar_check_time(const char *s, size_t len, int micro, char *err, size_t errlen);
/* The same, also giving the instant (Unix seconds and nanoseconds). */
int scalar_parse_time(const char *s, size_t len, int micro, int64_t *sec, int64_t *nsec,
                      char *err, size_t errlen);

/* Checks the syntax resource.ParseQuantity accepts. Returns 1, or 0 with
 * its message in err ("quantities must match the regular expression ...",
 * "unable to parse quantity's suffix", "unable to parse numeric part of
 * quantity"). */
int scalar_check_quantity(const char *s, size_t len, char *err, size_t errlen);

/* time.Duration(ns).String(): "0s", "1.5s", "2h3m4s", "350ms", "-1µs". */
char *scalar_format_duration(int64_t ns, char *out, size_t n);
/* time.ParseDuration's syntax; 1, or 0 with Go's message in err. */
int scalar_check_duration(const char *s, size_t len, char *err, size_t errlen);

/* Base64 (encoding and corrupt-input offsets) and Go quoting: core/base64.h
 * (base64_encode, base64_error_offset) and core/goquote.h (go_quote_to, go_time_quote_to). */

#endif
