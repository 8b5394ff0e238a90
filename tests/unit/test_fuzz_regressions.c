/* test_fuzz_regressions.c: every input the libFuzzer harnesses (fuzz/) found
 * a crash or a sanitizer report with, fed to the same decoder: each must get
 * an answer (an object or a message), never a crash. Run under `make
 * sanitize` these also catch the undefined behaviour the fix removed. One
 * test per finding, named after the harness and what it found. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "codec/json.h"
#include "codec/quantity.h"
#include "core/kapi.h"
#include "registry/continue_token.h"
#include "schema/protobuf.h"
#include "schema/schema.h"

static int setup(void **state)
{
    (void)state;
    return schema_load() == 0 ? 0 : -1;
}

/* fuzz/protobuf: an absent non-pointer sub-message (here every field of
 * TokenRequest's metadata and spec) was rendered from a NULL span, and
 * render_fields computed NULL + 0 (UBSan: "applying zero offset to null
 * pointer", schema/protobuf.c). The envelope names a kind of another group,
 * so only kind and apiVersion come back. */
static const unsigned char protobuf_absent_submessage[] = {
    0x6b, 0x38, 0x73, 0x00, 0x0a, 0x28, 0x0a, 0x18, 0x61, 0x75, 0x74, 0x68, 0x65, 0x6e,
    0x74, 0x69, 0x63, 0x61, 0x74, 0x69, 0x48, 0x6f, 0x72, 0x69, 0x7a, 0x6f, 0x6e, 0x74,
    0x61, 0x6c, 0x76, 0x31, 0x12, 0x0c, 0x54, 0x6f, 0x6b, 0x65, 0x6e, 0x52, 0x65, 0x71,
    0x75, 0x65, 0x73, 0x74, 0x12, 0x30, 0x0a, 0x10, 0x0a, 0x00, 0x12, 0x00, 0x1a, 0x00,
    0x22, 0x00, 0x2a, 0x00, 0x32, 0x00, 0x38, 0x00, 0x42, 0x00, 0x12, 0x16, 0x1a, 0x11,
    0x0a, 0x03, 0x50, 0x6f, 0x64, 0x12, 0x02, 0x76, 0x31, 0x1a, 0x01, 0x70, 0x22, 0x03,
    0x31, 0x32, 0x33, 0x20, 0x90, 0x1c, 0x12, 0x04, 0x0a, 0x00, 0x12, 0x00, 0x1a, 0x00,
    0x22, 0x00};

static void test_protobuf_absent_submessage(void **state)
{
    (void)state;
    char err[1400];
    cJSON *obj = protobuf_decode_body(protobuf_absent_submessage, sizeof protobuf_absent_submessage,
                                      "TokenRequest", err, sizeof err);
    assert_non_null(obj);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "kind")),
                        "TokenRequest");
    cJSON_Delete(obj);
}

/* The smallest form of the same finding: an empty Pod message, whose
 * metadata, spec and status are all absent, decodes to their empty forms. */
static void test_protobuf_empty_message(void **state)
{
    (void)state;
    char err[256];
    cJSON *obj = protobuf_decode_message(schema_kind_named("Pod"), "", 0, err, sizeof err);
    assert_non_null(obj);
    assert_true(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(obj, "metadata")));
    cJSON_Delete(obj);
}

/* fuzz/protobuf, the same undefined behaviour in render_special: a
 * Service whose spec holds one empty ServicePort, whose targetPort
 * (IntOrString) is absent, read from a NULL span. */
static void test_protobuf_absent_int_or_string(void **state)
{
    (void)state;
    static const unsigned char service[] = {0x12, 0x04, 0x0a, 0x00, 0x2c, 0x00};
    char err[256];
    cJSON *obj = protobuf_decode_message(schema_kind_named("Service"), service, sizeof service,
                                         err, sizeof err);
    if (obj) {
        assert_true(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(obj, "spec")));
        cJSON_Delete(obj);
    } else {
        assert_true(err[0] != 0);
    }
}

/* fuzz/quantity: "999999000000E100000" parsed (the suffix's exponent is
 * at the limit), and its canonical text "9999990e100005" (the exponent
 * moved up by the mantissa's digits) did not parse back. A value whose
 * canonical exponent would pass the limit is now refused; every accepted
 * value's canonical text parses back to the same value. */
static void test_quantity_canonical_exponent_past_limit(void **state)
{
    (void)state;
    static const char *const inputs[] = {"999999000000E100000", "1e100000", "123456789012345678e99970",
                                         "0.000000001e99990", "-999999999999999999e99982"};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        quantity q, again;
        const char *err;
        if (quantity_parse(inputs[i], &q, &err)) continue;
        char canon[64];
        quantity_format_canonical(&q, canon, sizeof canon);
        if (quantity_parse(canon, &again, &err)) fail_msg("%s: canonical %s does not parse: %s", inputs[i], canon, err);
        assert_int_equal(quantity_cmp(&q, &again), 0);
    }
}

/* fuzz/continue_token: a token whose start key is "/" decodes to the
 * beginning of the range (an empty start, as kube's path.Clean keeps "/"),
 * and encoding that empty start wrote "start":"", which decoding refuses
 * ("encoded start key empty"). An empty start is now written "/". */
static void test_continue_token_root_start(void **state)
{
    (void)state;
    kapi_pool *p = kapi_pool_new();
    int64_t rev, rev2;
    char *start, *start2, err[256];
    int after, after2;
    /* {"v":"meta.k8s.io/v1","rv":\r1,"start":"/"} */
    assert_int_equal(continue_token_decode(p, "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6DTEsInN0YXJ0IjoiLyJ9", &rev, &start,
                                           &after, err, sizeof err), 0);
    assert_string_equal(start, "");
    char *again = continue_token_encode(p, rev, start, after);
    if (continue_token_decode(p, again, &rev2, &start2, &after2, err, sizeof err)) fail_msg("%s", err);
    assert_int_equal(rev2, 1);
    assert_string_equal(start2, "");
    assert_int_equal(after2, 0);
    kapi_pool_free(p);
}

/* fuzz/continue_token: a 1,882-byte token whose start key is full of
 * characters Go's encoder escapes ('<', '>', tabs: 6 bytes each) decoded,
 * and its re-encoding (5,230 bytes) passed the token size limit, so our
 * own token was refused. Start keys are now bounded (500 bytes, more than
 * any namespace and name) so every accepted token re-encodes within it. */
static void test_continue_token_start_key_bound(void **state)
{
    (void)state;
    kapi_pool *p = kapi_pool_new();
    char start[501];
    memset(start, '<', 500);
    start[500] = 0;
    char *token = continue_token_encode(p, 7, start, 1);
    int64_t rev;
    char *got, err[256];
    int after;
    if (continue_token_decode(p, token, &rev, &got, &after, err, sizeof err)) fail_msg("%s", err);
    assert_int_equal(after, 1);
    assert_int_equal(strlen(got), 500);
    start[499] = 0;
    char *longer = kapi_psprintf(p, "%s<<", start);   /* 501 bytes */
    token = continue_token_encode(p, 7, longer, 0);
    assert_int_equal(continue_token_decode(p, token, &rev, &got, &after, err, sizeof err), -1);
    assert_string_equal(err, "continue key is not valid: encoded start key too long (version meta.k8s.io/v1)");
    kapi_pool_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_protobuf_absent_submessage),
        cmocka_unit_test(test_protobuf_empty_message),
        cmocka_unit_test(test_protobuf_absent_int_or_string),
        cmocka_unit_test(test_quantity_canonical_exponent_past_limit),
        cmocka_unit_test(test_continue_token_root_start),
        cmocka_unit_test(test_continue_token_start_key_bound),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
