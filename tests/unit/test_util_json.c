/* test_util_json.c: the shared cJSON helpers of codec/: path readers
 * (jsonpath.c), metadata helpers (objmeta.c: annotations, finalizers,
 * owner references and the controllers' adopt/release patches) and status
 * conditions (conditions.c, SetDeploymentCondition's rules). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "codec/conditions.h"
#include "codec/jsonpath.h"
#include "codec/labels.h"
#include "codec/objmeta.h"
#include "codec/validate_meta.h"

static cJSON *parse(const char *text)
{
    cJSON *v = cJSON_Parse(text);
    assert_non_null(v);
    return v;
}

static void is_json(const cJSON *v, const char *want)
{
    char *got = cJSON_PrintUnformatted(v);
    assert_string_equal(got, want);
    free(got);
}

static void test_path_readers(void **state)
{
    (void)state;
    cJSON *o = parse("{\"metadata\":{\"name\":\"web\",\"generation\":3,\"labels\":{\"a.b/c\":\"d\"},"
                     "\"uid\":null},\"spec\":{\"paused\":true,\"list\":[1]},\"status\":7}");
    assert_ptr_equal(json_at(o, ""), o);
    assert_string_equal(json_str_at(o, "metadata.name", NULL), "web");
    assert_null(json_str_at(o, "metadata.generation", NULL));
    assert_string_equal(json_str_at(o, "metadata.missing", "dflt"), "dflt");
    assert_true(json_num_at(o, "metadata.generation", 0) == 3);
    assert_true(json_num_at(o, "metadata.name", -1) == -1);
    assert_true(json_true_at(o, "spec.paused"));
    assert_false(json_true_at(o, "spec.missing"));
    assert_non_null(json_array_at(o, "spec.list"));
    assert_null(json_object_at(o, "spec.list"));
    assert_null(json_at(o, "status.deeper"));            /* through a non-object */
    assert_true(cJSON_IsNull(json_at(o, "metadata.uid")));
    assert_null(json_get(json_at(o, "metadata"), "uid"));   /* null counts as absent */
    assert_string_equal(json_str(json_at(o, "metadata.labels"), "a.b/c"), "d");
    assert_string_equal(json_str(json_at(o, "metadata.labels"), "nope"), "");
    assert_null(json_get(NULL, "x"));
    cJSON *meta = json_object_member(o, "status");       /* replaces the number */
    json_set_str(meta, "phase", "Active");
    json_set_str(meta, "phase", "Terminating");
    is_json(json_at(o, "status"), "{\"phase\":\"Terminating\"}");
    cJSON_Delete(o);
}

static void test_metadata(void **state)
{
    (void)state;
    cJSON *o = parse("{\"metadata\":{\"resourceVersion\":\"12\",\"finalizers\":[\"a\",\"b\"],"
                     "\"annotations\":{\"x.io/one\":\"1\",\"two\":\"2\"},"
                     "\"ownerReferences\":[{\"uid\":\"u1\",\"name\":\"one\"},"
                     "{\"uid\":\"u2\",\"name\":\"two\",\"controller\":true}]}}");
    assert_string_equal(meta_annotation(o, "x.io/one"), "1");
    assert_null(meta_annotation(o, "x"));
    meta_set_annotation(o, "x.io/one", "uno");
    is_json(json_at(o, "metadata.annotations"), "{\"two\":\"2\",\"x.io/one\":\"uno\"}");
    assert_true(meta_has_finalizer(o, "b"));
    assert_false(meta_has_finalizer(o, "c"));
    assert_string_equal(json_str(owner_ref_with_uid(o, "u1"), "name"), "one");
    assert_null(owner_ref_with_uid(o, "u3"));
    assert_string_equal(json_str(owner_ref_controller(o), "name"), "two");
    assert_true(owner_ref_controlled_by(o, "u2"));
    assert_false(owner_ref_controlled_by(o, "u1"));

    const char *drop[] = {"u2"};
    cJSON *add = parse("{\"uid\":\"u9\"}");
    cJSON *patch = owner_refs_patch(o, drop, 1, add);
    is_json(patch, "{\"metadata\":{\"resourceVersion\":\"12\",\"ownerReferences\":"
                   "[{\"uid\":\"u1\",\"name\":\"one\"},{\"uid\":\"u9\"}]}}");
    cJSON_Delete(patch);
    const char *both[] = {"u1", "u2"};
    patch = owner_refs_patch(o, both, 2, NULL);
    is_json(patch, "{\"metadata\":{\"resourceVersion\":\"12\",\"ownerReferences\":null}}");
    cJSON_Delete(patch);
    patch = finalizer_removal_patch(o, "a");
    is_json(patch, "{\"metadata\":{\"resourceVersion\":\"12\",\"finalizers\":[\"b\"]}}");
    cJSON_Delete(patch);
    cJSON_Delete(add);

    cJSON *bare = parse("{}");
    meta_set_annotation(bare, "k", "v");
    is_json(bare, "{\"metadata\":{\"annotations\":{\"k\":\"v\"}}}");
    patch = finalizer_removal_patch(bare, "a");
    is_json(patch, "{\"metadata\":{\"finalizers\":null}}");
    cJSON_Delete(patch);
    cJSON_Delete(bare);
    cJSON_Delete(o);
}

static void test_conditions(void **state)
{
    (void)state;
    cJSON *st = parse("{}");
    condition_set(st, condition_new("Available", "True", "Min", "ok", "T1", 1));
    condition_set(st, condition_new("Progressing", "True", "NewRS", "made", "T1", 1));
    is_json(condition_find(st, "Available"),
            "{\"type\":\"Available\",\"status\":\"True\",\"lastUpdateTime\":\"T1\","
            "\"lastTransitionTime\":\"T1\",\"reason\":\"Min\",\"message\":\"ok\"}");
    /* same status and reason: nothing changes */
    condition_set(st, condition_new("Available", "True", "Min", "other", "T2", 1));
    assert_string_equal(json_str(condition_find(st, "Available"), "message"), "ok");
    /* only the reason changes: the transition time stays, the condition moves last */
    condition_set(st, condition_new("Available", "True", "Other", "m", "T3", 1));
    is_json(json_at(st, "conditions"),
            "[{\"type\":\"Progressing\",\"status\":\"True\",\"lastUpdateTime\":\"T1\","
            "\"lastTransitionTime\":\"T1\",\"reason\":\"NewRS\",\"message\":\"made\"},"
            "{\"type\":\"Available\",\"status\":\"True\",\"lastUpdateTime\":\"T3\","
            "\"lastTransitionTime\":\"T1\",\"reason\":\"Other\",\"message\":\"m\"}]");
    /* the status changes: a new transition time */
    condition_set(st, condition_new("Available", "False", "Other", "m", "T4", 1));
    assert_string_equal(json_str(condition_find(st, "Available"), "lastTransitionTime"), "T4");
    condition_remove(st, "Available");
    assert_null(condition_find(st, "Available"));
    condition_remove(st, "Progressing");
    is_json(st, "{}");                                   /* an empty list goes */
    cJSON *c = condition_new("ReplicaFailure", "True", "FailedCreate", "quota", "T5", 0);
    is_json(c, "{\"type\":\"ReplicaFailure\",\"status\":\"True\",\"lastTransitionTime\":\"T5\","
               "\"reason\":\"FailedCreate\",\"message\":\"quota\"}");
    cJSON_Delete(c);
    cJSON_Delete(st);
}

static void selector_prints(const char *json, int want_rc, const char *want, int want_strict_rc)
{
    cJSON *sel = parse(json);
    kapi_buf b;
    kapi_buf_init(&b);
    assert_int_equal(label_selector_string(sel, &b), want_rc);
    if (!want_rc) assert_string_equal(b.data ? b.data : "", want);
    kapi_buf_free(&b);
    assert_int_equal(label_selector_as_selector_string(sel, &b), want_strict_rc);
    if (!want_strict_rc) assert_string_equal(b.data ? b.data : "", want);
    kapi_buf_free(&b);
    cJSON_Delete(sel);
}

static void test_label_selectors(void **state)
{
    (void)state;
    selector_prints("{}", 0, "", 0);
    selector_prints("{\"matchLabels\":{\"tier\":\"web\",\"app\":\"x\"}}", 0, "app=x,tier=web", 0);
    selector_prints("{\"matchLabels\":{\"app\":\"x\"},\"matchExpressions\":["
                    "{\"key\":\"env\",\"operator\":\"NotIn\",\"values\":[\"b\",\"a\"]},"
                    "{\"key\":\"app\",\"operator\":\"Exists\"},"
                    "{\"key\":\"gone\",\"operator\":\"DoesNotExist\"}]}",
                    0, "app=x,app,env notin (a,b),!gone", 0);
    /* malformed for both, and refused only by labels.NewRequirement's checks */
    selector_prints("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Near\"}]}", -1, "", -1);
    selector_prints("{\"matchLabels\":{\"bad key\":\"x\"}}", 0, "bad key=x", -1);
    selector_prints("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"In\",\"values\":[]}]}",
                    0, "a in ()", -1);
    cJSON *sel = parse("{\"matchLabels\":{\"app\":\"x\"}}"), *labels = parse("{\"app\":\"x\",\"b\":\"c\"}");
    assert_true(label_selector_matches_labels(sel, labels));
    assert_false(label_selector_matches_labels(NULL, labels));
    cJSON_Delete(sel);
    cJSON_Delete(labels);

    /* ValidateLabelSelector: labels first, then each expression */
    field_errors errs = {0};
    sel = parse("{\"matchLabels\":{\"a\":\"-bad\"},\"matchExpressions\":["
                "{\"key\":\"k\",\"operator\":\"In\"},{\"key\":\"k\",\"operator\":\"Exists\",\"values\":[\"v\"]},"
                "{\"key\":\"k\",\"operator\":\"Near\"}]}");
    label_selector_validate(sel, "spec.selector", &errs);
    assert_int_equal(errs.n, 4);
    assert_string_equal(errs.e[0].field, "spec.selector.matchLabels");
    assert_string_equal(errs.e[1].field, "spec.selector.matchExpressions[0].values");
    assert_string_equal(errs.e[1].body, "Required value: must be specified when `operator` is 'In' or 'NotIn'");
    assert_string_equal(errs.e[2].field, "spec.selector.matchExpressions[1].values");
    assert_string_equal(errs.e[3].field, "spec.selector.matchExpressions[2].operator");
    assert_string_equal(errs.e[3].body, "Invalid value: \"Near\": not a valid selector operator");
    cJSON_Delete(sel);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path_readers),
        cmocka_unit_test(test_metadata),
        cmocka_unit_test(test_conditions),
        cmocka_unit_test(test_label_selectors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
