/* test_json.c: unit tests for the strict JSON parser and the Go-compatible
 * JSON writer (fcgi/api/json.c): accepted and rejected inputs with Go's
 * messages, UTF-8, depth, duplicates, number and string formatting, the
 * pretty layout, round trips and large inputs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/json.h"

/* ---- helpers */

static cJSON *parse_text(const char *text, char *err, size_t errlen)
{
    return json_parse_strict(text, strlen(text), err, errlen);
}

/* Parses text and writes it back (compact or pretty); caller frees. */
static char *rewrite(const char *text, int pretty)
{
    char err[256];
    cJSON *v = parse_text(text, err, sizeof err);
    if (!v) fail_msg("parse of %s failed: %s", text, err);
    char *out = json_print(v, pretty);
    cJSON_Delete(v);
    assert_non_null(out);
    return out;
}

static void assert_rewrites_to(const char *text, const char *expected)
{
    char *out = rewrite(text, 0);
    assert_string_equal(out, expected);
    free(out);
}

static void assert_rejected_with(const char *text, size_t len, const char *message)
{
    char err[256] = "unset";
    cJSON *v = json_parse_strict(text, len, err, sizeof err);
    if (v) {
        char *s = json_print(v, 0);
        cJSON_Delete(v);
        fail_msg("accepted %s as %s", text, s ? s : "?");
    }
    assert_string_equal(err, message);
}

static void assert_rejected(const char *text, const char *message)
{
    assert_rejected_with(text, strlen(text), message);
}

static char *nested(int depth, char open, char close)
{
    char *s = malloc((size_t)depth * 2 + 1);
    assert_non_null(s);
    memset(s, open, (size_t)depth);
    memset(s + depth, close, (size_t)depth);
    s[depth * 2] = '\0';
    return s;
}

/* ---- parsing: accepted inputs */

static void test_parse_accepts_every_kind_of_value(void **state)
{
    (void)state;
    char err[256];
    const char *text = " \t\r\n{\"s\":\"x\",\"n\":-12.5e1,\"t\":true,\"f\":false,\"z\":null,"
                       "\"a\":[1,[],{}],\"o\":{\"k\":\"v\"}} \n";
    cJSON *v = parse_text(text, err, sizeof err);
    assert_non_null(v);
    assert_string_equal(cJSON_GetObjectItem(v, "s")->valuestring, "x");
    assert_true(cJSON_GetObjectItem(v, "n")->valuedouble == -125.0);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(v, "t")));
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(v, "f")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(v, "z")));
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(v, "a")), 3);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(v, "o"), "k")->valuestring, "v");
    cJSON_Delete(v);

    const char *scalars[] = {"0", "-0", "1", "true", "false", "null", "\"\"", "[]", "{}", "1E+2", "0.5e-3"};
    for (size_t i = 0; i < sizeof scalars / sizeof *scalars; i++) {
        v = parse_text(scalars[i], err, sizeof err);
        if (!v) fail_msg("%s rejected: %s", scalars[i], err);
        cJSON_Delete(v);
    }
}

static void test_parse_does_not_need_a_terminator(void **state)
{
    (void)state;
    char err[128];
    const char text[] = {'[', '1', ',', '2', ']', 'x', 'y'};   /* only 5 bytes are the value */
    cJSON *v = json_parse_strict(text, 5, err, sizeof err);
    assert_non_null(v);
    assert_int_equal(cJSON_GetArraySize(v), 2);
    cJSON_Delete(v);
}

static void test_parse_decodes_escapes_and_surrogates(void **state)
{
    (void)state;
    char err[128];
    cJSON *v = parse_text("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\", \"\\u00e9\\u4e2d\", \"\\ud83d\\ude00\","
                          " \"\\ud800\", \"\\udc00x\", \"\\ud800\\u0041\"]", err, sizeof err);
    assert_non_null(v);
    assert_string_equal(cJSON_GetArrayItem(v, 0)->valuestring, "\"\\/\b\f\n\r\t");
    assert_string_equal(cJSON_GetArrayItem(v, 1)->valuestring, "\xc3\xa9\xe4\xb8\xad");
    assert_string_equal(cJSON_GetArrayItem(v, 2)->valuestring, "\xf0\x9f\x98\x80");
    /* lone surrogates become U+FFFD, as Go does */
    assert_string_equal(cJSON_GetArrayItem(v, 3)->valuestring, "\xef\xbf\xbd");
    assert_string_equal(cJSON_GetArrayItem(v, 4)->valuestring, "\xef\xbf\xbdx");
    assert_string_equal(cJSON_GetArrayItem(v, 5)->valuestring, "\xef\xbf\xbd" "A");
    cJSON_Delete(v);
}

static void test_parse_keeps_integers_exact_to_2_pow_53(void **state)
{
    (void)state;
    char err[128];
    cJSON *v = parse_text("[9007199254740992,-9007199254740992,1234567890123,-0]", err, sizeof err);
    assert_non_null(v);
    assert_true(cJSON_GetArrayItem(v, 0)->valuedouble == 9007199254740992.0);
    assert_true(cJSON_GetArrayItem(v, 1)->valuedouble == -9007199254740992.0);
    assert_true(cJSON_GetArrayItem(v, 2)->valuedouble == 1234567890123.0);
    assert_false(signbit(cJSON_GetArrayItem(v, 3)->valuedouble));   /* the integer -0 is 0 */
    cJSON_Delete(v);
    assert_rewrites_to("[9007199254740992,-9007199254740992,1234567890123,-0,-0.0]",
                       "[9007199254740992,-9007199254740992,1234567890123,0,-0]");
}

/* ---- parsing: rejected inputs with Go's messages */

static void test_parse_rejects_with_go_messages(void **state)
{
    (void)state;
    static const struct { const char *in, *msg; } cases[] = {
        {"", "unexpected end of JSON input"},
        {"   \n", "unexpected end of JSON input"},
        {"{\"a\":", "unexpected end of JSON input"},
        {"{\"a\"", "unexpected end of JSON input"},
        {"[1,", "unexpected end of JSON input"},
        {"\"abc", "unexpected end of JSON input"},
        {"tru", "unexpected end of JSON input"},
        {"-", "unexpected end of JSON input"},
        {"1.", "unexpected end of JSON input"},
        {"1e+", "unexpected end of JSON input"},
        {"{x}", "invalid character 'x' looking for beginning of object key string"},
        {"{\"a\":1,}", "invalid character '}' looking for beginning of object key string"},
        {"{\"a\" 1}", "invalid character '1' after object key"},
        {"{\"a\":1 \"b\":2}", "invalid character '\"' after object key:value pair"},
        {"[1 2]", "invalid character '2' after array element"},
        {"[1,]", "invalid character ']' looking for beginning of value"},
        {"{}x", "invalid character 'x' after top-level value"},
        {"1 2", "invalid character '2' after top-level value"},
        {"01", "invalid character '1' after top-level value"},
        {"[01]", "invalid character '1' after array element"},
        {"-a", "invalid character 'a' in numeric literal"},
        {"1.a", "invalid character 'a' after decimal point in numeric literal"},
        {"1ex", "invalid character 'x' in exponent of numeric literal"},
        {"trux", "invalid character 'x' in literal true (expecting 'e')"},
        {"fals", "unexpected end of JSON input"},
        {"fxlse", "invalid character 'x' in literal false (expecting 'a')"},
        {"nul1", "invalid character '1' in literal null (expecting 'l')"},
        {"'a'", "invalid character '\\'' looking for beginning of value"},
        {"\"a\tb\"", "invalid character '\\t' in string literal"},
        {"\"a\nb\"", "invalid character '\\n' in string literal"},
        {"\"\x01\"", "invalid character '\\x01' in string literal"},
        {"\"\\x\"", "invalid character 'x' in string escape code"},
        {"\"\\u12g4\"", "invalid character 'g' in \\u hexadecimal character escape"},
        {"\"\\u12", "unexpected end of JSON input"},
        {"\"\\u0000\"", "\\u0000 in string literal is not supported"},
        {"+1", "invalid character '+' looking for beginning of value"},
        {"NaN", "invalid character 'N' looking for beginning of value"},
        {".5", "invalid character '.' looking for beginning of value"},
        {"\\", "invalid character '\\\\' looking for beginning of value"},
        {"\x7f", "invalid character '\\x7f' looking for beginning of value"},
        /* a byte >= 0x80 is shown as Go shows it: the rune U+00XX */
        {"\xef\xbb\xbf{}", "invalid character '\xc3\xaf' looking for beginning of value"},
        {"\x80", "invalid character '\\u0080' looking for beginning of value"},
        {"[1e400]", "json: cannot unmarshal number 1e400 into Go value of type float64"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_rejected(cases[i].in, cases[i].msg);
}

static void test_parse_rejects_nul_bytes(void **state)
{
    (void)state;
    assert_rejected_with("\0", 1, "invalid character '\\x00' looking for beginning of value");
    assert_rejected_with("{}\0", 3, "invalid character '\\x00' after top-level value");
    assert_rejected_with("\"a\0b\"", 5, "invalid character '\\x00' in string literal");
    assert_rejected_with("{\"a\"\0:1}", 8, "invalid character '\\x00' after object key");
    assert_rejected_with("[1\0]", 4, "invalid character '\\x00' after array element");
}

static void test_parse_rejects_invalid_utf8(void **state)
{
    (void)state;
    static const char *bad[] = {
        "\"\xff\"", "\"\xfe\"", "\"\xc3\x28\"", "\"\xc0\xaf\"",          /* overlong */
        "\"\xe0\x80\xaf\"", "\"\xed\xa0\x80\"",                          /* overlong, surrogate */
        "\"\xf4\x90\x80\x80\"", "\"\xf8\x88\x80\x80\x80\"",              /* > U+10FFFF */
        "\"abc\xe2\x82\"", "{\"k\xff\":1}", "[\"ok\",\"\x80\"]", "\"\xe2\x82",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_rejected(bad[i], "invalid UTF-8 in string literal");
    /* outside strings every byte >= 0x80 is an invalid character */
    assert_rejected("[\xc3\xa9]", "invalid character '\xc3\x83' looking for beginning of value");
    /* valid multi-byte text passes through unchanged */
    assert_rewrites_to("\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\"",
                       "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\"");
}

static void test_parse_limits_nesting_depth(void **state)
{
    (void)state;
    char err[256];
    int depths[] = {999, 1000};
    for (int i = 0; i < 2; i++) {
        char *arrays = nested(depths[i], '[', ']');
        cJSON *v = parse_text(arrays, err, sizeof err);
        if (!v) fail_msg("depth %d rejected: %s", depths[i], err);
        char *back = json_print(v, 0);
        assert_string_equal(back, arrays);
        free(back);
        cJSON_Delete(v);
        free(arrays);
    }
    char *arrays = nested(1001, '[', ']');
    assert_rejected(arrays, "invalid character '[' exceeded max depth");
    free(arrays);

    /* objects count the same way: 1001 levels of {"a":...} */
    kapi_buf b;
    kapi_buf_init(&b);
    for (int i = 0; i < 1001; i++) kapi_buf_puts(&b, "{\"a\":");
    kapi_buf_puts(&b, "1");
    for (int i = 0; i < 1001; i++) kapi_buf_putc(&b, '}');
    assert_rejected(b.data, "invalid character '{' exceeded max depth");
    /* ... and 1000 levels parse */
    cJSON *v = json_parse_strict(b.data + 5, b.len - 6, err, sizeof err);
    assert_non_null(v);
    cJSON_Delete(v);
    kapi_buf_free(&b);

    /* a very deep input fails fast without exhausting the stack */
    char *deep = nested(200000, '[', ']');
    assert_rejected(deep, "invalid character '[' exceeded max depth");
    free(deep);
}

static void test_parse_error_buffer_is_optional_and_bounded(void **state)
{
    (void)state;
    assert_null(json_parse_strict("{x}", 3, NULL, 0));
    char small[12];
    memset(small, 'Z', sizeof small);
    assert_null(json_parse_strict("{x}", 3, small, sizeof small));
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_null(json_parse_strict(NULL, 0, small, sizeof small));
}

/* ---- duplicate keys */

static void test_duplicate_keys_keep_the_last_value(void **state)
{
    (void)state;
    assert_rewrites_to("{\"a\":1,\"b\":2,\"a\":3}", "{\"a\":3,\"b\":2}");
    assert_rewrites_to("{\"a\":1,\"a\":2,\"a\":{\"x\":1}}", "{\"a\":{\"x\":1}}");
    assert_rewrites_to("{\"a\":1,\"b\":2,\"b\":3,\"c\":4}", "{\"a\":1,\"b\":3,\"c\":4}");
    assert_rewrites_to("{\"a\":1,\"b\":2,\"b\":3}", "{\"a\":1,\"b\":3}");
    /* after a replacement the list stays well formed: appending still works */
    char err[64];
    cJSON *v = parse_text("{\"a\":1,\"a\":2}", err, sizeof err);
    assert_non_null(v);
    cJSON_AddNumberToObject(v, "z", 9);
    char *s = json_print(v, 0);
    assert_string_equal(s, "{\"a\":2,\"z\":9}");
    free(s);
    cJSON_Delete(v);
    v = parse_text("{\"a\":1,\"b\":1,\"b\":2}", err, sizeof err);
    cJSON_AddNumberToObject(v, "z", 9);
    s = json_print(v, 0);
    assert_string_equal(s, "{\"a\":1,\"b\":2,\"z\":9}");
    free(s);
    cJSON_Delete(v);
}

static void test_duplicate_keys_are_found_with_their_path(void **state)
{
    (void)state;
    char path[128];
    const char *doc = "{\"metadata\":{\"name\":\"a\",\"labels\":{\"x\":\"1\"},\"name\":\"b\"}}";
    assert_int_equal(json_find_duplicate_key(doc, strlen(doc), path, sizeof path), 1);
    assert_string_equal(path, "metadata.name");

    doc = "{\"spec\":{\"containers\":[{\"name\":\"a\"},{\"name\":\"b\",\"image\":\"x\",\"name\":\"c\"}]}}";
    assert_int_equal(json_find_duplicate_key(doc, strlen(doc), path, sizeof path), 1);
    assert_string_equal(path, "spec.containers[1].name");

    /* the first in text order: the outer key comes before the inner one */
    doc = "{\"a\":1,\"a\":{\"b\":1,\"b\":2}}";
    assert_int_equal(json_find_duplicate_key(doc, strlen(doc), path, sizeof path), 1);
    assert_string_equal(path, "a");

    doc = "[[{\"k\":1,\"k\":1}]]";
    assert_int_equal(json_find_duplicate_key(doc, strlen(doc), path, sizeof path), 1);
    assert_string_equal(path, "[0][0].k");

    doc = "{\"a\":[1,{\"b\":{\"c\":1}}],\"b\":{\"c\":1,\"d\":1}}";
    assert_int_equal(json_find_duplicate_key(doc, strlen(doc), path, sizeof path), 0);
    assert_string_equal(path, "");

    doc = "{\"a\":1";
    assert_int_equal(json_find_duplicate_key(doc, strlen(doc), path, sizeof path), -1);

    /* a small path buffer truncates safely */
    char tiny[5];
    doc = "{\"metadata\":{\"name\":1,\"name\":2}}";
    assert_int_equal(json_find_duplicate_key(doc, strlen(doc), tiny, sizeof tiny), 1);
    assert_string_equal(tiny, "meta");
    assert_int_equal(json_find_duplicate_key(doc, strlen(doc), NULL, 0), 1);
}

static void test_parse_noting_duplicate_gives_tree_and_path(void **state)
{
    (void)state;
    char err[128], dup[128];
    const char *doc = "{\"a\":{\"b\":1,\"b\":2}}";
    cJSON *v = json_parse_strict_noting_duplicate(doc, strlen(doc), err, sizeof err, dup, sizeof dup);
    assert_non_null(v);
    assert_string_equal(dup, "a.b");
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(v, "a"), "b")->valueint, 2);
    cJSON_Delete(v);
    doc = "{\"a\":{\"b\":1,\"c\":2}}";
    v = json_parse_strict_noting_duplicate(doc, strlen(doc), err, sizeof err, dup, sizeof dup);
    assert_non_null(v);
    assert_string_equal(dup, "");
    cJSON_Delete(v);
    doc = "{\"a\":{\"b\":1,\"b\":";
    assert_null(json_parse_strict_noting_duplicate(doc, strlen(doc), err, sizeof err, dup, sizeof dup));
    assert_string_equal(err, "unexpected end of JSON input");
}

static void test_objects_with_many_keys_stay_fast(void **state)
{
    (void)state;
    kapi_buf b;
    kapi_buf_init(&b);
    kapi_buf_putc(&b, '{');
    for (int i = 0; i < 200000; i++) kapi_buf_printf(&b, "%s\"key%d\":%d", i ? "," : "", i, i);
    kapi_buf_puts(&b, ",\"key77\":\"again\",\"key199999\":\"last\"}");
    char err[128], path[64];
    cJSON *v = json_parse_strict(b.data, b.len, err, sizeof err);
    assert_non_null(v);
    assert_int_equal(cJSON_GetArraySize(v), 200000);
    assert_string_equal(cJSON_GetObjectItem(v, "key77")->valuestring, "again");
    assert_string_equal(cJSON_GetObjectItem(v, "key199999")->valuestring, "last");
    assert_int_equal(cJSON_GetObjectItem(v, "key123456")->valueint, 123456);
    /* order kept: key77 still sits at index 77 */
    assert_string_equal(cJSON_GetArrayItem(v, 77)->string, "key77");
    cJSON_Delete(v);
    assert_int_equal(json_find_duplicate_key(b.data, b.len, path, sizeof path), 1);
    assert_string_equal(path, "key77");
    kapi_buf_free(&b);
}

/* ---- writing */

static void test_write_compact_like_go(void **state)
{
    (void)state;
    assert_rewrites_to("{ \"a\" : 1 , \"b\" : [ 1 , 2 ] }", "{\"a\":1,\"b\":[1,2]}");
    assert_rewrites_to("[ ]", "[]");
    assert_rewrites_to("{ }", "{}");
    assert_rewrites_to("[null,true,false,\"\"]", "[null,true,false,\"\"]");
    assert_rewrites_to("{\"z\":1,\"a\":2}", "{\"z\":1,\"a\":2}");   /* the tree's order */
}

static void test_write_escapes_strings_like_go(void **state)
{
    (void)state;
    cJSON *v = cJSON_CreateString("q\" b\\ n\n r\r t\t b\b f\f c\x01\x1f del\x7f <>& \xe2\x80\xa8\xe2\x80\xa9 \xc3\xa9 \xf0\x9f\x98\x80 /");
    char *s = json_print(v, 0);
    assert_string_equal(s, "\"q\\\" b\\\\ n\\n r\\r t\\t b\\b f\\f c\\u0001\\u001f del\x7f \\u003c\\u003e\\u0026 "
                           "\\u2028\\u2029 \xc3\xa9 \xf0\x9f\x98\x80 /\"");
    free(s);
    cJSON_Delete(v);

    /* invalid UTF-8 in a tree built elsewhere becomes \ufffd, as Go does */
    v = cJSON_CreateObject();
    cJSON_AddStringToObject(v, "k\xff", "a\xc3\x28z\xed\xa0\x80");
    s = json_print(v, 0);
    assert_string_equal(s, "{\"k\\ufffd\":\"a\\ufffd(z\\ufffd\\ufffd\\ufffd\"}");
    free(s);
    cJSON_Delete(v);
}

static void test_write_numbers_like_go(void **state)
{
    (void)state;
    static const struct { double v; const char *json, *g; } cases[] = {
        {0, "0", "0"},
        {1, "1", "1"},
        {-1, "-1", "-1"},
        {100, "100", "100"},
        {0.5, "0.5", "0.5"},
        {0.1, "0.1", "0.1"},
        {1.5e300, "1.5e+300", "1.5e+300"},
        {1e21, "1e+21", "1e+21"},
        {1e20, "100000000000000000000", "1e+20"},
        {123456789, "123456789", "1.23456789e+08"},
        {1234567.5, "1234567.5", "1.2345675e+06"},
        {123456.5, "123456.5", "123456.5"},
        {1e-6, "0.000001", "1e-06"},
        {1e-7, "1e-7", "1e-07"},
        {0.0001, "0.0001", "0.0001"},
        {0.00001, "0.00001", "1e-05"},
        {1.23e-10, "1.23e-10", "1.23e-10"},
        {-2.5e-8, "-2.5e-8", "-2.5e-08"},
        {9007199254740993.0, "9007199254740992", "9.007199254740992e+15"},
        {18446744073709551615.0, "18446744073709552000", "1.8446744073709552e+19"},
        {3.141592653589793, "3.141592653589793", "3.141592653589793"},
        {5e-324, "5e-324", "5e-324"},
        {1.7976931348623157e308, "1.7976931348623157e+308", "1.7976931348623157e+308"},
    };
    char buf[64];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        assert_true(json_format_number(buf, sizeof buf, cases[i].v) > 0);
        assert_string_equal(buf, cases[i].json);
        assert_true(json_format_float_g(buf, sizeof buf, cases[i].v, 64) > 0);
        assert_string_equal(buf, cases[i].g);
    }
    json_format_number(buf, sizeof buf, -0.0);
    assert_string_equal(buf, "-0");
    json_format_float_g(buf, sizeof buf, 3.14159265, 32);
    assert_string_equal(buf, "3.1415927");
    json_format_float_g(buf, sizeof buf, 0.1, 32);
    assert_string_equal(buf, "0.1");
    json_format_float_g(buf, sizeof buf, 1e10, 32);
    assert_string_equal(buf, "1e+10");
    assert_int_equal(json_format_number(buf, sizeof buf, NAN), -1);
    assert_int_equal(json_format_number(buf, sizeof buf, INFINITY), -1);
    json_format_float_g(buf, sizeof buf, -INFINITY, 64);
    assert_string_equal(buf, "-Inf");

    /* through the writer */
    assert_rewrites_to("[1.0,1.50,1e2,1E-7,12345678901234567890,0.000001]",
                       "[1,1.5,100,1e-7,12345678901234567000,0.000001]");
}

static void test_write_refuses_what_json_cannot_carry(void **state)
{
    (void)state;
    kapi_buf b;
    kapi_buf_init(&b);
    cJSON *v = cJSON_CreateArray();
    cJSON_AddItemToArray(v, cJSON_CreateNumber(NAN));
    assert_int_equal(json_write(&b, v, 0), -1);
    assert_null(json_print(v, 1));
    cJSON_Delete(v);
    kapi_buf_free(&b);
    assert_int_equal(json_write(&b, NULL, 0), -1);
    kapi_buf_free(&b);
}

static void test_write_pretty_like_marshal_indent(void **state)
{
    (void)state;
    char *s = rewrite("{\"a\":1,\"b\":[1,2,[],{}],\"c\":{},\"d\":{\"e\":null,\"f\":[{\"g\":\"h\"}]}}", 1);
    assert_string_equal(s,
        "{\n"
        "  \"a\": 1,\n"
        "  \"b\": [\n"
        "    1,\n"
        "    2,\n"
        "    [],\n"
        "    {}\n"
        "  ],\n"
        "  \"c\": {},\n"
        "  \"d\": {\n"
        "    \"e\": null,\n"
        "    \"f\": [\n"
        "      {\n"
        "        \"g\": \"h\"\n"
        "      }\n"
        "    ]\n"
        "  }\n"
        "}");
    free(s);
    s = rewrite("[]", 1);
    assert_string_equal(s, "[]");
    free(s);
    s = rewrite("\"x\"", 1);
    assert_string_equal(s, "\"x\"");
    free(s);
}

static void test_write_appends_to_the_buffer(void **state)
{
    (void)state;
    kapi_buf b;
    kapi_buf_init(&b);
    kapi_buf_puts(&b, "prefix:");
    cJSON *v = cJSON_CreateObject();
    cJSON_AddStringToObject(v, "k", "v");
    assert_int_equal(json_write(&b, v, 0), 0);
    assert_string_equal(b.data, "prefix:{\"k\":\"v\"}");
    cJSON_Delete(v);
    kapi_buf_free(&b);
}

static void test_round_trips(void **state)
{
    (void)state;
    static const char *docs[] = {
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"nginx\",\"namespace\":\"default\","
        "\"labels\":{\"run\":\"nginx\"},\"creationTimestamp\":\"2023-02-22T05:04:17Z\"},\"spec\":{\"containers\":"
        "[{\"name\":\"nginx\",\"image\":\"nginx\",\"resources\":{},\"ports\":[{\"containerPort\":80}]}]},\"status\":{}}",
        "[1,-2,3.5,1e+21,1e-7,true,false,null,\"\",\"\\u003chtml\\u003e\",[],{},[[[]]]]",
        "\"\\u0001\\u001f\\\"\\\\\\n\\r\\t\\b\\f\\u2028\xc3\xa9\"",
        "{\"\":\"\",\"a b\":{\"c\":[{\"d\":{}}]}}",
    };
    char err[128];
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
        char *compact = rewrite(docs[i], 0);
        assert_string_equal(compact, docs[i]);
        /* pretty parses back to the same tree */
        char *pretty = rewrite(docs[i], 1);
        cJSON *a = parse_text(docs[i], err, sizeof err);
        cJSON *b = parse_text(pretty, err, sizeof err);
        assert_non_null(b);
        assert_true(cJSON_Compare(a, b, 1));
        cJSON_Delete(a);
        cJSON_Delete(b);
        free(compact);
        free(pretty);
    }
}

static void test_huge_string_and_array(void **state)
{
    (void)state;
    size_t n = 3 * 1024 * 1024;
    char *text = malloc(n + 3);
    assert_non_null(text);
    text[0] = '"';
    for (size_t i = 0; i < n; i++) text[i + 1] = (char)('a' + i % 26);
    text[n + 1] = '"';
    text[n + 2] = '\0';
    char err[128];
    cJSON *v = json_parse_strict(text, n + 2, err, sizeof err);
    assert_non_null(v);
    assert_int_equal(strlen(v->valuestring), n);
    char *back = json_print(v, 0);
    assert_string_equal(back, text);
    free(back);
    cJSON_Delete(v);
    /* cut anywhere inside: a clean error */
    assert_null(json_parse_strict(text, n, err, sizeof err));
    assert_string_equal(err, "unexpected end of JSON input");
    free(text);

    kapi_buf b;
    kapi_buf_init(&b);
    kapi_buf_putc(&b, '[');
    for (int i = 0; i < 500000; i++) kapi_buf_printf(&b, "%s%d", i ? "," : "", i);
    kapi_buf_putc(&b, ']');
    v = json_parse_strict(b.data, b.len, err, sizeof err);
    assert_non_null(v);
    assert_int_equal(cJSON_GetArraySize(v), 500000);
    back = json_print(v, 0);
    assert_string_equal(back, b.data);
    free(back);
    cJSON_Delete(v);
    kapi_buf_free(&b);
}

static void test_every_truncation_fails_cleanly(void **state)
{
    (void)state;
    const char *doc = "{\"a\":[1,2.5e-3,{\"b\":\"c\\u00e9\\n\"}],\"t\":true,\"f\":false,\"n\":null,\"s\":\"\xc3\xa9\"}";
    size_t len = strlen(doc);
    char err[128];
    for (size_t i = 0; i < len; i++) {
        cJSON *v = json_parse_strict(doc, i, err, sizeof err);
        if (v) fail_msg("prefix of %zu bytes accepted", i);
        assert_true(strlen(err) > 0);
    }
    /* and every single-byte corruption either parses or fails with a message */
    char *copy = strdup(doc);
    for (size_t i = 0; i < len; i++) {
        for (int c = 0; c < 256; c += 7) {
            memcpy(copy, doc, len);
            copy[i] = (char)c;
            err[0] = '\0';
            cJSON *v = json_parse_strict(copy, len, err, sizeof err);
            if (v) cJSON_Delete(v);
            else assert_true(strlen(err) > 0);
        }
    }
    free(copy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_accepts_every_kind_of_value),
        cmocka_unit_test(test_parse_does_not_need_a_terminator),
        cmocka_unit_test(test_parse_decodes_escapes_and_surrogates),
        cmocka_unit_test(test_parse_keeps_integers_exact_to_2_pow_53),
        cmocka_unit_test(test_parse_rejects_with_go_messages),
        cmocka_unit_test(test_parse_rejects_nul_bytes),
        cmocka_unit_test(test_parse_rejects_invalid_utf8),
        cmocka_unit_test(test_parse_limits_nesting_depth),
        cmocka_unit_test(test_parse_error_buffer_is_optional_and_bounded),
        cmocka_unit_test(test_duplicate_keys_keep_the_last_value),
        cmocka_unit_test(test_duplicate_keys_are_found_with_their_path),
        cmocka_unit_test(test_parse_noting_duplicate_gives_tree_and_path),
        cmocka_unit_test(test_objects_with_many_keys_stay_fast),
        cmocka_unit_test(test_write_compact_like_go),
        cmocka_unit_test(test_write_escapes_strings_like_go),
        cmocka_unit_test(test_write_numbers_like_go),
        cmocka_unit_test(test_write_refuses_what_json_cannot_carry),
        cmocka_unit_test(test_write_pretty_like_marshal_indent),
        cmocka_unit_test(test_write_appends_to_the_buffer),
        cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_huge_string_and_array),
        cmocka_unit_test(test_every_truncation_fails_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
