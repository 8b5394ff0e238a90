/* test_util_time.c: core/gotime.c against Go's time package: RFC 3339
 * formatting and time.Parse (values and error messages), Time.String(),
 * time.Duration's String() and time.ParseDuration. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "core/gotime.h"

static void test_rfc3339_format(void **state)
{
    (void)state;
    char out[64];
    assert_string_equal(rfc3339_format(0, 0, 0, out, sizeof out), "1970-01-01T00:00:00Z");
    assert_string_equal(rfc3339_format(1677042257, 0, 0, out, sizeof out), "2023-02-22T05:04:17Z");
    assert_string_equal(rfc3339_format(1, 123456789, 1, out, sizeof out), "1970-01-01T00:00:01.123456Z");
    assert_string_equal(rfc3339_format(0, -1, 1, out, sizeof out), "1969-12-31T23:59:59.999999Z");
    assert_string_equal(rfc3339_format(GO_ZERO_TIME_UNIX_SECONDS, 0, 0, out, sizeof out),
                        "0001-01-01T00:00:00Z");
    char t[21];
    time_rfc3339(1677042257, t);
    assert_string_equal(t, "2023-02-22T05:04:17Z");
}

static void parses(const char *s, int micro, int64_t want_sec, int64_t want_nsec)
{
    int64_t sec = -1, nsec = -1;
    char err[256] = "";
    if (!rfc3339_parse(s, strlen(s), micro, &sec, &nsec, err, sizeof err)) fail_msg("%s: %s", s, err);
    assert_int_equal(sec, want_sec);
    assert_int_equal(nsec, want_nsec);
}

static void fails(const char *s, int micro, const char *want)
{
    char err[256] = "";
    assert_int_equal(rfc3339_parse(s, strlen(s), micro, NULL, NULL, err, sizeof err), 0);
    assert_string_equal(err, want);
}

static void test_rfc3339_parse(void **state)
{
    (void)state;
    parses("2023-02-22T05:04:17Z", 0, 1677042257, 0);
    parses("2023-02-22T06:04:17+01:00", 0, 1677042257, 0);
    parses("2023-02-22T05:04:17.5Z", 0, 1677042257, 500000000);
    parses("2023-02-22T05:04:17.123456Z", 1, 1677042257, 123456000);
    parses("0001-01-01T00:00:00Z", 0, GO_ZERO_TIME_UNIX_SECONDS, 0);
    fails("x", 0, "parsing time \"x\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"x\" as \"2006\"");
    fails("2023-13-01T00:00:00Z", 0, "parsing time \"2023-13-01T00:00:00Z\": month out of range");
    fails("2023-02-30T00:00:00Z", 0, "parsing time \"2023-02-30T00:00:00Z\": day out of range");
    fails("2023-02-22T05:04:17Zjunk", 0, "parsing time \"2023-02-22T05:04:17Zjunk\": extra text: \"junk\"");
    fails("2023-02-22 05:04:17Z", 0,
          "parsing time \"2023-02-22 05:04:17Z\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \" 05:04:17Z\" as \"T\"");
    fails("2023-02-22T05:04:17Z", 1,
          "parsing time \"2023-02-22T05:04:17Z\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \"Z\" as \".000000\"");
    assert_int_equal(time_parse_rfc3339("2023-02-22T05:04:17Z"), 1677042257);
    assert_int_equal(time_parse_rfc3339("2023-02-22T05:04:17.9Z"), 1677042257);
    assert_int_equal(time_parse_rfc3339("nope"), -1);
    assert_int_equal(time_parse_rfc3339(NULL), -1);
}

static void test_go_time_string(void **state)
{
    (void)state;
    char out[64];
    go_time_string(0, 500000000, out, sizeof out);
    assert_string_equal(out, "1970-01-01 00:00:00.5 +0000 UTC");
    go_time_string(1677042257, 0, out, sizeof out);
    assert_string_equal(out, "2023-02-22 05:04:17 +0000 UTC");
    go_time_string(GO_ZERO_TIME_UNIX_SECONDS, 0, out, sizeof out);
    assert_string_equal(out, "0001-01-01 00:00:00 +0000 UTC");
}

static void test_duration_format(void **state)
{
    (void)state;
    char out[40];
    assert_string_equal(duration_format(0, out, sizeof out), "0s");
    assert_string_equal(duration_format(1, out, sizeof out), "1ns");
    assert_string_equal(duration_format(-1000, out, sizeof out), "-1\xc2\xb5s");
    assert_string_equal(duration_format(350000000, out, sizeof out), "350ms");
    assert_string_equal(duration_format(1500000000, out, sizeof out), "1.5s");
    assert_string_equal(duration_format(7384000000000LL, out, sizeof out), "2h3m4s");
    assert_string_equal(duration_format(INT64_MIN, out, sizeof out), "-2562047h47m16.854775808s");
}

static void duration_is(const char *s, int64_t want)
{
    int64_t ns = -1;
    char err[128] = "";
    if (!duration_parse(s, strlen(s), &ns, err, sizeof err)) fail_msg("%s: %s", s, err);
    assert_int_equal(ns, want);
}

static void duration_fails(const char *s, const char *want)
{
    char err[128] = "";
    assert_int_equal(duration_parse(s, strlen(s), NULL, err, sizeof err), 0);
    assert_string_equal(err, want);
}

static void test_duration_parse(void **state)
{
    (void)state;
    duration_is("0", 0);
    duration_is("-0", 0);
    duration_is("5s", 5000000000LL);
    duration_is("+5s", 5000000000LL);
    duration_is("1h30m", 5400000000000LL);
    duration_is("1.5s", 1500000000LL);
    duration_is(".5m", 30000000000LL);
    duration_is("-2m", -120000000000LL);
    duration_is("10us", 10000);
    duration_is("10\xc2\xb5s", 10000);
    duration_is("9223372036854775807ns", INT64_MAX);
    duration_is("-9223372036854775808ns", INT64_MIN);
    duration_fails("", "time: invalid duration \"\"");
    duration_fails("1", "time: missing unit in duration \"1\"");
    duration_fails("1d", "time: unknown unit \"d\" in duration \"1d\"");
    duration_fails(".s", "time: invalid duration \".s\"");
    duration_fails("-", "time: invalid duration \"-\"");
    duration_fails("9223372036854775808ns", "time: invalid duration \"9223372036854775808ns\"");
    duration_fails("3000000h", "time: invalid duration \"3000000h\"");
}

/* kube's duration_test.go cases for HumanDuration */
static void test_duration_human(void **state)
{
    (void)state;
    static const struct { int64_t s; const char *want; } cases[] = {
        {1, "1s"}, {70, "70s"}, {190, "3m10s"}, {70 * 60, "70m"}, {47 * 3600, "47h"},
        {49 * 3600, "2d1h"}, {(8 * 24 + 2) * 3600, "8d"}, {367 * 24 * 3600LL, "367d"},
        {(365 * 2 * 24 + 25) * 3600LL, "2y1d"}, {(365 * 8 * 24 + 2) * 3600LL, "8y"},
        {0, "0s"}, {-1, "0s"}, {-2, "<invalid>"},
    };
    char out[32];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        duration_human(cases[i].s * 1000000000LL, out, sizeof out);
        assert_string_equal(out, cases[i].want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc3339_format),
        cmocka_unit_test(test_rfc3339_parse),
        cmocka_unit_test(test_go_time_string),
        cmocka_unit_test(test_duration_format),
        cmocka_unit_test(test_duration_parse),
        cmocka_unit_test(test_duration_human),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
