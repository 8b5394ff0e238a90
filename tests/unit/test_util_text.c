/* test_util_text.c: the shared text utilities of core/: Go's base64
 * (StdEncoding and RawURLEncoding, with Go's corrupt-input offsets),
 * hexadecimal digits and percent-decoding, strconv.Quote and the time
 * package's quote. Expected values are what Go prints. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "core/base64.h"
#include "core/escape.h"
#include "core/goquote.h"

static void encodes(const char *in, const char *want)
{
    char *got = base64_encode(in, strlen(in));
    assert_string_equal(got, want);
    free(got);
}

static void test_base64_encode(void **state)
{
    (void)state;
    encodes("", "");
    encodes("f", "Zg==");
    encodes("fo", "Zm8=");
    encodes("foo", "Zm9v");
    encodes("foob", "Zm9vYg==");
    encodes("fooba", "Zm9vYmE=");
    encodes("foobar", "Zm9vYmFy");
    assert_int_equal(base64_encoded_len(4), 8);
    const unsigned char bytes[] = {0xfb, 0xff};
    char *std = base64_encode(bytes, 2), *url = base64url_encode(bytes, 2);
    assert_string_equal(std, "+/8=");
    assert_string_equal(url, "-_8");
    free(std);
    free(url);
}

/* StdEncoding.DecodeString: "" when it fails at want_bad. */
static void decodes(const char *in, const char *want, long want_bad)
{
    kapi_buf out;
    kapi_buf_init(&out);
    size_t bad = 0;
    int rc = base64_decode(in, strlen(in), &out, &bad);
    if (want) {
        assert_int_equal(rc, 0);
        assert_int_equal(out.len, strlen(want));
        assert_memory_equal(out.data, want, out.len);
        assert_int_equal(base64_error_offset(in, strlen(in)), -1);
    } else {
        assert_int_equal(rc, -1);
        assert_int_equal((long)bad, want_bad);
        assert_int_equal(base64_error_offset(in, strlen(in)), want_bad);
    }
    kapi_buf_free(&out);
}

static void test_base64_decode(void **state)
{
    (void)state;
    decodes("", "", 0);
    decodes("Zm9vYmFy", "foobar", 0);
    decodes("Zm9vYg==", "foob", 0);
    decodes("Zm9vYmE=", "fooba", 0);
    decodes("Zm9v\r\nYmFy", "foobar", 0);     /* newlines are skipped */
    decodes("Zm9v!", NULL, 4);
    decodes("Zg", NULL, 0);                  /* padding is required */
    decodes("Zg=", NULL, 3);
    decodes("Z", NULL, 0);
    decodes("Zg==Zg==", NULL, 4);            /* nothing after padding */
    decodes("=", NULL, 0);
    assert_int_equal(base64_decoded_len("Zm9vYg=="), 4);
    assert_int_equal(base64_decoded_len("Zm9vYmFy"), 6);
}

static void test_base64url_decode(void **state)
{
    (void)state;
    kapi_buf out;
    kapi_buf_init(&out);
    size_t bad = 0;
    assert_int_equal(base64url_decode("-_8", 3, &out, &bad), 0);
    assert_int_equal(out.len, 2);
    assert_int_equal((unsigned char)out.data[0], 0xfb);
    assert_int_equal((unsigned char)out.data[1], 0xff);
    kapi_buf_free(&out);
    assert_int_equal(base64url_decode("Zg==", 4, &out, &bad), -1);
    assert_int_equal(bad, 2);                /* no padding in the raw encoding */
    assert_int_equal(base64url_decode("Zm9vY", 5, &out, &bad), -1);
    assert_int_equal(bad, 4);
    assert_int_equal(base64url_decode("a+b", 3, &out, &bad), -1);
    assert_int_equal(bad, 1);
    kapi_buf_free(&out);
}

static void test_hex_and_percent(void **state)
{
    (void)state;
    assert_int_equal(hex_digit_value('0'), 0);
    assert_int_equal(hex_digit_value('a'), 10);
    assert_int_equal(hex_digit_value('F'), 15);
    assert_int_equal(hex_digit_value('g'), -1);
    assert_int_equal(hex_digit_value(-61), -1);
    kapi_pool *p = kapi_pool_new();
    assert_string_equal(percent_decode(p, "a%20b+c", 7, PERCENT_PLUS_IS_SPACE), "a b c");
    assert_string_equal(percent_decode(p, "a%20b+c", 7, 0), "a b+c");
    assert_string_equal(percent_decode(p, "%2Bx%2f", 7, PERCENT_PLUS_IS_SPACE), "+x/");
    assert_string_equal(percent_decode(p, "abcdef", 3, 0), "abc");
    assert_null(percent_decode(p, "%zz", 3, 0));
    assert_null(percent_decode(p, "ab%4", 4, 0));
    assert_null(percent_decode(p, "%00", 3, PERCENT_REJECT_NUL));
    const char *nul = percent_decode(p, "x%00", 4, 0);
    assert_non_null(nul);
    assert_int_equal(nul[0], 'x');
    assert_int_equal(nul[1], '\0');
    kapi_pool_free(p);
}

static void quotes(const char *in, size_t n, const char *want)
{
    kapi_buf b;
    kapi_buf_init(&b);
    go_quote_n(&b, in, n);
    assert_string_equal(b.data, want);
    kapi_buf_free(&b);
    char small[256];
    go_quote_to(small, sizeof small, in, n);
    assert_string_equal(small, want);
}

static void test_go_quote(void **state)
{
    (void)state;
    quotes("plain", 5, "\"plain\"");
    quotes("", 0, "\"\"");
    quotes("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
    quotes("\a\b\f\n\r\t\v", 7, "\"\\a\\b\\f\\n\\r\\t\\v\"");
    quotes("\x01\x7f", 2, "\"\\x01\\x7f\"");
    quotes("a\0b", 3, "\"a\\x00b\"");
    quotes("h\xc3\xa9llo \xe2\x98\x83", 10, "\"h\xc3\xa9llo \xe2\x98\x83\"");   /* héllo ☃ */
    quotes("\xff", 1, "\"\\xff\"");                     /* invalid UTF-8 */
    quotes("\xc2\xa0", 2, "\"\\u00a0\"");               /* no-break space */
    quotes("\xe2\x80\x8b", 3, "\"\\u200b\"");           /* zero width space */
    kapi_buf b;
    kapi_buf_init(&b);
    go_quote(&b, NULL);
    kapi_buf_putc(&b, ' ');
    const char *list[] = {"a", "b c", NULL};
    go_quote_list(&b, list);
    assert_string_equal(b.data, "\"\" [\"a\" \"b c\"]");
    kapi_buf_free(&b);
    /* a fixed buffer keeps whole escapes and the closing quote */
    char out[8];
    go_quote_to(out, sizeof out, "abcdefghij", 10);
    assert_string_equal(out, "\"abcde\"");
    go_quote_to(out, sizeof out, "a\nbcdef", 7);
    assert_string_equal(out, "\"a\\nbc\"");
}

static void test_go_time_quote(void **state)
{
    (void)state;
    char out[64];
    go_time_quote_to(out, sizeof out, "x\"\xc3\xa9\t", 5);
    assert_string_equal(out, "\"x\\\"\\xc3\\xa9\\x09\"");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base64_encode),
        cmocka_unit_test(test_base64_decode),
        cmocka_unit_test(test_base64url_decode),
        cmocka_unit_test(test_hex_and_percent),
        cmocka_unit_test(test_go_quote),
        cmocka_unit_test(test_go_time_quote),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
