/* test_jsonpatch.c: api/jsonpatch.c: the examples of RFC 6902 appendix A,
 * the leniencies of kube's evanphx/json-patch v4 (replace of a missing
 * member, negative indexes, copy of a missing member, "" paths), kube's
 * decode errors and limits; and the examples of RFC 7386 for merge patch. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "codec/jsonpatch.h"

/* Applies patch to doc and compares the result with want (JSON texts). */
static void patch_gives(const char *doc, const char *patch, const char *want)
{
    cJSON *d = cJSON_Parse(doc), *w = cJSON_Parse(want);
    assert_non_null(d);
    assert_non_null(w);
    kapi_rc rc = KAPI_OK;
    char err[512] = "";
    cJSON *out = json_patch_apply(d, patch, strlen(patch), &rc, err, sizeof err);
    if (!out) fail_msg("%s on %s failed: %s", patch, doc, err);
    if (!cJSON_Compare(out, w, 1)) {
        char *text = cJSON_PrintUnformatted(out);
        fail_msg("%s on %s gave %s, want %s", patch, doc, text, want);
    }
    cJSON_Delete(out);
    cJSON_Delete(d);
    cJSON_Delete(w);
}

static void patch_fails(const char *doc, const char *patch, kapi_rc want_rc, const char *want_err)
{
    cJSON *d = cJSON_Parse(doc);
    assert_non_null(d);
    kapi_rc rc = KAPI_OK;
    char err[512] = "";
    cJSON *out = json_patch_apply(d, patch, strlen(patch), &rc, err, sizeof err);
    if (out) {
        char *text = cJSON_PrintUnformatted(out);
        fail_msg("%s on %s succeeded: %s", patch, doc, text);
    }
    assert_int_equal(rc, want_rc);
    if (want_err && strcmp(err, want_err)) fail_msg("%s: got \"%s\", want \"%s\"", patch, err, want_err);
    cJSON_Delete(d);
}

#define APPLY_FAILED "the server rejected our request due to an error in our request"

static void test_rfc6902_appendix_a(void **state)
{
    (void)state;
    /* A.1 - A.8, A.10, A.11, A.14, A.16 */
    patch_gives("{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\"}]",
                "{\"baz\":\"qux\",\"foo\":\"bar\"}");
    patch_gives("{\"foo\":[\"bar\",\"baz\"]}", "[{\"op\":\"add\",\"path\":\"/foo/1\",\"value\":\"qux\"}]",
                "{\"foo\":[\"bar\",\"qux\",\"baz\"]}");
    patch_gives("{\"baz\":\"qux\",\"foo\":\"bar\"}", "[{\"op\":\"remove\",\"path\":\"/baz\"}]", "{\"foo\":\"bar\"}");
    patch_gives("{\"foo\":[\"bar\",\"qux\",\"baz\"]}", "[{\"op\":\"remove\",\"path\":\"/foo/1\"}]",
                "{\"foo\":[\"bar\",\"baz\"]}");
    patch_gives("{\"baz\":\"qux\",\"foo\":\"bar\"}", "[{\"op\":\"replace\",\"path\":\"/baz\",\"value\":\"boo\"}]",
                "{\"baz\":\"boo\",\"foo\":\"bar\"}");
    patch_gives("{\"foo\":{\"bar\":\"baz\",\"waldo\":\"fred\"},\"qux\":{\"corge\":\"grault\"}}",
                "[{\"op\":\"move\",\"from\":\"/foo/waldo\",\"path\":\"/qux/thud\"}]",
                "{\"foo\":{\"bar\":\"baz\"},\"qux\":{\"corge\":\"grault\",\"thud\":\"fred\"}}");
    patch_gives("{\"foo\":[\"all\",\"grass\",\"cows\",\"eat\"]}", "[{\"op\":\"move\",\"from\":\"/foo/1\",\"path\":\"/foo/3\"}]",
                "{\"foo\":[\"all\",\"cows\",\"eat\",\"grass\"]}");
    patch_gives("{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}",
                "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"qux\"},{\"op\":\"test\",\"path\":\"/foo/1\",\"value\":2}]",
                "{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}");
    patch_gives("{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/child\",\"value\":{\"grandchild\":{}}}]",
                "{\"foo\":\"bar\",\"child\":{\"grandchild\":{}}}");
    patch_gives("{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\",\"xyz\":123}]",
                "{\"foo\":\"bar\",\"baz\":\"qux\"}");
    patch_gives("{\"/\":9,\"~1\":10}", "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":10}]", "{\"/\":9,\"~1\":10}");
    patch_gives("{\"foo\":[\"bar\"]}", "[{\"op\":\"add\",\"path\":\"/foo/-\",\"value\":[\"abc\",\"def\"]}]",
                "{\"foo\":[\"bar\",[\"abc\",\"def\"]]}");
    /* A.9 test failure, A.12 add to a missing target, A.13 (duplicate "op":
     * the last wins, a remove of a missing member), A.15 string vs number */
    patch_fails("{\"baz\":\"qux\"}", "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"bar\"}]", KAPI_INVALID, APPLY_FAILED);
    patch_fails("{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz/bat\",\"value\":\"qux\"}]", KAPI_INVALID, APPLY_FAILED);
    patch_fails("{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\",\"op\":\"remove\"}]", KAPI_INVALID, APPLY_FAILED);
    patch_fails("{\"/\":9,\"~1\":10}", "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":\"10\"}]", KAPI_INVALID, APPLY_FAILED);
}

static void test_copy_and_escapes(void **state)
{
    (void)state;
    patch_gives("{\"a\":{\"b\":[1,2]}}", "[{\"op\":\"copy\",\"from\":\"/a/b\",\"path\":\"/c\"}]",
                "{\"a\":{\"b\":[1,2]},\"c\":[1,2]}");
    patch_gives("{\"a/b\":1}", "[{\"op\":\"move\",\"from\":\"/a~1b\",\"path\":\"/c~0d\"}]", "{\"c~d\":1}");
    /* a patch applies in order: later operations see earlier ones */
    patch_gives("{}", "[{\"op\":\"add\",\"path\":\"/x\",\"value\":{}},{\"op\":\"add\",\"path\":\"/x/y\",\"value\":1}]",
                "{\"x\":{\"y\":1}}");
    patch_gives("{\"a\":1}", "[]", "{\"a\":1}");
    patch_gives("{\"a\":1}", "null", "{\"a\":1}");
}

static void test_kube_leniencies(void **state)
{
    (void)state;
    /* the seed's patch: replace of a missing member acts like add */
    patch_gives("{\"spec\":{\"containers\":[]}}", "[{\"op\":\"replace\",\"path\":\"/spec/nodeName\",\"value\":\"node-1\"}]",
                "{\"spec\":{\"containers\":[],\"nodeName\":\"node-1\"}}");
    /* but a missing array index still fails */
    patch_fails("{\"a\":[1]}", "[{\"op\":\"replace\",\"path\":\"/a/1\",\"value\":2}]", KAPI_INVALID, APPLY_FAILED);
    patch_fails("{\"a\":[1]}", "[{\"op\":\"remove\",\"path\":\"/a/1\"}]", KAPI_INVALID, APPLY_FAILED);
    patch_fails("{\"a\":[1]}", "[{\"op\":\"add\",\"path\":\"/a/2\",\"value\":2}]", KAPI_INVALID, APPLY_FAILED);
    patch_fails("{\"a\":[1]}", "[{\"op\":\"add\",\"path\":\"/a/x\",\"value\":2}]", KAPI_INVALID, APPLY_FAILED);
    /* negative indexes count from the end */
    patch_gives("{\"a\":[1,2,3]}", "[{\"op\":\"remove\",\"path\":\"/a/-1\"}]", "{\"a\":[1,2]}");
    patch_gives("{\"a\":[1,2,3]}", "[{\"op\":\"replace\",\"path\":\"/a/-3\",\"value\":0}]", "{\"a\":[0,2,3]}");
    patch_gives("{\"a\":[1,2]}", "[{\"op\":\"add\",\"path\":\"/a/-1\",\"value\":3}]", "{\"a\":[1,2,3]}");
    patch_fails("{\"a\":[1,2,3]}", "[{\"op\":\"remove\",\"path\":\"/a/-4\"}]", KAPI_INVALID, APPLY_FAILED);
    /* copy of a missing member copies null; test treats missing as null */
    patch_gives("{\"a\":1}", "[{\"op\":\"copy\",\"from\":\"/nope\",\"path\":\"/b\"}]", "{\"a\":1,\"b\":null}");
    patch_gives("{\"a\":1}", "[{\"op\":\"test\",\"path\":\"/nope\",\"value\":null}]", "{\"a\":1}");
    patch_fails("{\"a\":1}", "[{\"op\":\"move\",\"from\":\"/nope\",\"path\":\"/b\"}]", KAPI_INVALID, APPLY_FAILED);
    /* "" paths: replace the whole document, test it */
    patch_gives("{\"a\":1}", "[{\"op\":\"replace\",\"path\":\"\",\"value\":{\"b\":2}}]", "{\"b\":2}");
    patch_gives("{\"a\":1}", "[{\"op\":\"test\",\"path\":\"\",\"value\":{\"a\":1}}]", "{\"a\":1}");
    patch_fails("{\"a\":1}", "[{\"op\":\"add\",\"path\":\"\",\"value\":{}}]", KAPI_INVALID, APPLY_FAILED);
    /* a missing value is null */
    patch_gives("{\"a\":1}", "[{\"op\":\"add\",\"path\":\"/b\"}]", "{\"a\":1,\"b\":null}");
    /* traversing through a scalar, unknown ops, missing fields */
    patch_fails("{\"a\":1}", "[{\"op\":\"add\",\"path\":\"/a/b\",\"value\":2}]", KAPI_INVALID, APPLY_FAILED);
    patch_fails("{\"a\":1}", "[{\"op\":\"frobnicate\",\"path\":\"/a\"}]", KAPI_INVALID, APPLY_FAILED);
    patch_fails("{\"a\":1}", "[{\"path\":\"/a\"}]", KAPI_INVALID, APPLY_FAILED);
    patch_fails("{\"a\":1}", "[{\"op\":\"remove\"}]", KAPI_INVALID, APPLY_FAILED);
    patch_fails("{\"a\":1}", "[null]", KAPI_INVALID, APPLY_FAILED);
}

static void test_decode_errors(void **state)
{
    (void)state;
    patch_fails("{}", "{\"op\":\"add\"}", KAPI_BAD_REQUEST,
                "error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp");
    patch_fails("{}", "[\"add\"]", KAPI_BAD_REQUEST,
                "error decoding patch: json: cannot unmarshal string into Go value of type handlers.jsonPatchOp");
    patch_fails("{}", "[{\"op\":1,\"path\":\"/a\"}]", KAPI_BAD_REQUEST,
                "error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string");
    patch_fails("{}", "[{\"op\":\"add\",\"path\":[\"a\"]}]", KAPI_BAD_REQUEST,
                "error decoding patch: json: cannot unmarshal array into Go struct field jsonPatchOp.path of type string");
    patch_fails("{}", "[{\"op\":", KAPI_BAD_REQUEST, "error decoding patch: unexpected end of JSON input");
    patch_fails("{}", "", KAPI_BAD_REQUEST, "error decoding patch: unexpected end of JSON input");
    /* over 10000 operations: 413 */
    size_t n = JSON_PATCH_MAX_OPERATIONS + 1, len = 0;
    char *big = malloc(n * 40 + 16);
    assert_non_null(big);
    big[len++] = '[';
    for (size_t i = 0; i < n; i++) len += (size_t)sprintf(big + len, "%s{\"op\":\"test\",\"path\":\"\"}", i ? "," : "");
    big[len++] = ']';
    big[len] = '\0';
    patch_fails("{}", big, KAPI_TOO_LARGE, "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001");
    free(big);
}

/* ---- RFC 7386 */

static void merge_gives(const char *target, const char *patch, const char *want)
{
    cJSON *t = cJSON_Parse(target), *p = cJSON_Parse(patch), *w = cJSON_Parse(want);
    assert_non_null(t);
    assert_non_null(p);
    assert_non_null(w);
    cJSON *out = json_merge_patch(t, p);
    if (!cJSON_Compare(out, w, 1)) {
        char *text = cJSON_PrintUnformatted(out);
        fail_msg("merge %s into %s gave %s, want %s", patch, target, text, want);
    }
    cJSON_Delete(out);
    cJSON_Delete(p);
    cJSON_Delete(w);
}

static void test_rfc7386_examples(void **state)
{
    (void)state;
    merge_gives("{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}");
    merge_gives("{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}");
    merge_gives("{\"a\":\"b\"}", "{\"a\":null}", "{}");
    merge_gives("{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}");
    merge_gives("{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}");
    merge_gives("{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}");
    merge_gives("{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}", "{\"a\":{\"b\":\"d\"}}");
    merge_gives("{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}");
    merge_gives("[\"a\",\"b\"]", "[\"c\",\"d\"]", "[\"c\",\"d\"]");
    merge_gives("{\"a\":\"b\"}", "[\"c\"]", "[\"c\"]");
    merge_gives("{\"a\":\"foo\"}", "null", "null");
    merge_gives("{\"a\":\"foo\"}", "\"bar\"", "\"bar\"");
    merge_gives("{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}");
    merge_gives("[1,2]", "{\"a\":\"b\",\"c\":null}", "{\"a\":\"b\"}");
    merge_gives("{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}");
    /* the RFC's worked example */
    merge_gives("{\"title\":\"Goodbye!\",\"author\":{\"givenName\":\"John\",\"familyName\":\"Doe\"},"
                "\"tags\":[\"example\",\"sample\"],\"content\":\"This will be unchanged\"}",
                "{\"title\":\"Hello!\",\"phoneNumber\":\"+01-123-456-7890\",\"author\":{\"familyName\":null},\"tags\":[\"example\"]}",
                "{\"title\":\"Hello!\",\"author\":{\"givenName\":\"John\"},\"tags\":[\"example\"],"
                "\"content\":\"This will be unchanged\",\"phoneNumber\":\"+01-123-456-7890\"}");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc6902_appendix_a),
        cmocka_unit_test(test_copy_and_escapes),
        cmocka_unit_test(test_kube_leniencies),
        cmocka_unit_test(test_decode_errors),
        cmocka_unit_test(test_rfc7386_examples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
