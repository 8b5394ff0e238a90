/* test_smpatch.c: strategic merge patch over the real field schema: merge
 * keys (containers by name, ports by containerPort, env by name), scalar
 * sets (finalizers), replace lists, and each directive kubectl emits. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "codec/json.h"
#include "schema/smpatch.h"
#include "schema/schema.h"

static const schema_type *deployment, *pod;

static int setup(void **state)
{
    (void)state;
    if (schema_load() != 0) return -1;
    deployment = schema_kind("apps", "v1", "Deployment");
    pod = schema_kind("", "v1", "Pod");
    return deployment && pod ? 0 : -1;
}

/* Patches orig with patch (JSON texts) and compares with want. */
static void check(const schema_type *t, const char *orig, const char *patch, const char *want)
{
    cJSON *o = cJSON_Parse(orig), *p = cJSON_Parse(patch), *w = cJSON_Parse(want);
    assert_non_null(o); assert_non_null(p); assert_non_null(w);
    kapi_rc rc = KAPI_OK;
    char err[256] = "";
    cJSON *got = strategic_merge_patch(o, p, t, &rc, err, sizeof err);
    if (!got) fail_msg("patch failed: %s", err);
    char *gs = json_print(got, 0);
    char *ws = json_print(w, 0);
    if (!cJSON_Compare(got, w, 1)) fail_msg("got  %s\nwant %s", gs, ws);
    free(gs); free(ws);
    cJSON_Delete(got); cJSON_Delete(o); cJSON_Delete(p); cJSON_Delete(w);
}

static void test_containers_merge_by_name(void **state)
{
    (void)state;
    check(pod,
          "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"x:1\",\"env\":[{\"name\":\"K\",\"value\":\"1\"}]},{\"name\":\"b\",\"image\":\"y\"}]}}",
          "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"x:2\"}]}}",
          "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"x:2\",\"env\":[{\"name\":\"K\",\"value\":\"1\"}]},{\"name\":\"b\",\"image\":\"y\"}]}}");
    /* a new name is appended */
    check(pod, "{\"spec\":{\"containers\":[{\"name\":\"a\"}]}}",
          "{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"z\"}]}}",
          "{\"spec\":{\"containers\":[{\"name\":\"a\"},{\"name\":\"c\",\"image\":\"z\"}]}}");
}

static void test_ports_and_env(void **state)
{
    (void)state;
    check(pod, "{\"spec\":{\"containers\":[{\"name\":\"a\",\"ports\":[{\"containerPort\":80,\"name\":\"http\"}]}]}}",
          "{\"spec\":{\"containers\":[{\"name\":\"a\",\"ports\":[{\"containerPort\":80,\"protocol\":\"TCP\"},{\"containerPort\":443}]}]}}",
          "{\"spec\":{\"containers\":[{\"name\":\"a\",\"ports\":[{\"containerPort\":80,\"name\":\"http\",\"protocol\":\"TCP\"},{\"containerPort\":443}]}]}}");
}

static void test_patch_delete_and_order(void **state)
{
    (void)state;
    /* what kubectl apply sends when env A is removed from the file */
    check(deployment,
          "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"env\":[{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"B\",\"value\":\"2\"}]}]}}}}",
          "{\"spec\":{\"template\":{\"spec\":{\"$setElementOrder/containers\":[{\"name\":\"web\"}],\"containers\":[{\"$setElementOrder/env\":[{\"name\":\"B\"},{\"name\":\"C\"}],\"env\":[{\"$patch\":\"delete\",\"name\":\"A\"},{\"name\":\"C\",\"value\":\"3\"}],\"name\":\"web\"}]}}}}",
          "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"env\":[{\"name\":\"B\",\"value\":\"2\"},{\"name\":\"C\",\"value\":\"3\"}]}]}}}}");
    /* $setElementOrder puts the patch's order first */
    check(pod, "{\"spec\":{\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"}]}}",
          "{\"spec\":{\"$setElementOrder/containers\":[{\"name\":\"b\"},{\"name\":\"a\"}]}}",
          "{\"spec\":{\"containers\":[{\"name\":\"b\"},{\"name\":\"a\"}]}}");
}

static void test_replace_and_retain_keys(void **state)
{
    (void)state;
    /* $retainKeys: switching strategy type drops rollingUpdate */
    check(deployment,
          "{\"spec\":{\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxSurge\":\"25%\"}}}}",
          "{\"spec\":{\"strategy\":{\"$retainKeys\":[\"type\"],\"type\":\"Recreate\"}}}",
          "{\"spec\":{\"strategy\":{\"type\":\"Recreate\"}}}");
    /* $patch: replace on an object */
    check(deployment, "{\"spec\":{\"selector\":{\"matchLabels\":{\"a\":\"1\",\"b\":\"2\"}}}}",
          "{\"spec\":{\"selector\":{\"$patch\":\"replace\",\"matchLabels\":{\"c\":\"3\"}}}}",
          "{\"spec\":{\"selector\":{\"matchLabels\":{\"c\":\"3\"}}}}");
    /* lists without a merge strategy are replaced (args) */
    check(pod, "{\"spec\":{\"containers\":[{\"name\":\"a\",\"args\":[\"1\",\"2\"]}]}}",
          "{\"spec\":{\"containers\":[{\"name\":\"a\",\"args\":[\"3\"]}]}}",
          "{\"spec\":{\"containers\":[{\"name\":\"a\",\"args\":[\"3\"]}]}}");
}

static void test_maps_nulls_and_sets(void **state)
{
    (void)state;
    check(pod, "{\"metadata\":{\"labels\":{\"a\":\"1\",\"b\":\"2\"},\"finalizers\":[\"x\"]}}",
          "{\"metadata\":{\"labels\":{\"a\":null,\"c\":\"3\"},\"finalizers\":[\"y\"]}}",
          "{\"metadata\":{\"labels\":{\"b\":\"2\",\"c\":\"3\"},\"finalizers\":[\"x\",\"y\"]}}");
    check(pod, "{\"metadata\":{\"finalizers\":[\"x\",\"y\"]}}",
          "{\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":[\"x\"]}}",
          "{\"metadata\":{\"finalizers\":[\"y\"]}}");
}

static void test_errors(void **state)
{
    (void)state;
    const char *bad[] = {"[1]", "{\"spec\":{\"$patch\":\"explode\"}}",
                         "{\"spec\":{\"containers\":[{\"image\":\"no-name\"}]}}", "{\"$bogus\":1}", NULL};
    for (int i = 0; bad[i]; i++) {
        cJSON *o = cJSON_Parse("{\"spec\":{\"containers\":[{\"name\":\"a\"}]}}");
        cJSON *p = cJSON_Parse(bad[i]);
        kapi_rc rc = KAPI_OK;
        char err[256] = "";
        cJSON *got = strategic_merge_patch(o, p, pod, &rc, err, sizeof err);
        assert_null(got);
        assert_int_equal(rc, KAPI_BAD_REQUEST);
        assert_true(err[0] != '\0');
        cJSON_Delete(o); cJSON_Delete(p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_containers_merge_by_name),
        cmocka_unit_test(test_ports_and_env),
        cmocka_unit_test(test_patch_delete_and_order),
        cmocka_unit_test(test_replace_and_retain_keys),
        cmocka_unit_test(test_maps_nulls_and_sets),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
