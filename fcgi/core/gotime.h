/* gotime.h: Go's text forms of instants and durations, the ones the
 * Kubernetes API reads and writes: metav1.Time and MicroTime (RFC 3339 in
 * UTC, with time.Parse's error wording), time.Duration's String() and
 * time.ParseDuration. */
#ifndef KAPI_GOTIME_H
#define KAPI_GOTIME_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Writes the instant sec (+ nsec, normalized like time.Unix) in UTC as
 * RFC 3339 into out: "2006-01-02T15:04:05Z", or with micro = 1
 * "2006-01-02T15:04:05.000000Z" (microseconds, truncated). Years outside
 * 0..9999 print as Go prints them. Returns out. */
char *rfc3339_format(int64_t sec, int64_t nsec, int micro, char *out, size_t n);

/* Go's time.Parse with layout RFC3339 (micro = 0: fractional seconds are
 * accepted after the seconds) or "2006-01-02T15:04:05.000000Z07:00"
 * (micro = 1). Returns 1 and the instant (Unix seconds and nanoseconds;
 * either pointer may be NULL), or 0 with Go's message in err (err may be
 * NULL): "parsing time \"x\" as \"2006-01-02T15:04:05Z07:00\": cannot
 * parse \"x\" as \"2006\"". */
int rfc3339_parse(const char *s, size_t len, int micro, int64_t *sec, int64_t *nsec,
                  char *err, size_t errlen);

/* Go's Time.String() of a UTC instant: "2024-01-02 03:04:05.5 +0000 UTC"
 * (fraction with trailing zeros trimmed), as kube prints times in field
 * errors. sec + nsec with 0 <= nsec < 1e9. */
void go_time_string(int64_t sec, int64_t nsec, char *out, size_t n);

/* Seconds of Go's zero time (January 1, year 1, UTC) relative to Unix. */
#define GO_ZERO_TIME_UNIX_SECONDS (-62135596800LL)

/* The common cases: "2023-02-22T05:04:17Z" for t, and the seconds of an
 * RFC 3339 text (any offset, fraction dropped) or -1 when malformed. */
void time_rfc3339(time_t t, char out[21]);
time_t time_parse_rfc3339(const char *s);

/* time.Duration(ns).String(): "0s", "1.5s", "2h3m4s", "350ms", "-1µs". */
char *duration_format(int64_t ns, char *out, size_t n);

/* k8s.io/apimachinery's duration.HumanDuration, as kubectl's AGE column
 * prints it: "45s", "3m10s", "70m", "5h2m", "2d1h", "367d", "2y1d", "8y";
 * "<invalid>" below -1s, "0s" for a small negative one. */
void duration_human(int64_t ns, char *out, size_t n);

/* time.ParseDuration(s[0..len)): 1 and the nanoseconds in *ns (may be
 * NULL), or 0 with Go's message in err ("time: invalid duration \"x\"",
 * "time: missing unit in duration \"1\"", "time: unknown unit \"d\" in
 * duration \"1d\""). */
int duration_parse(const char *s, size_t len, int64_t *ns, char *err, size_t errlen);

#endif
