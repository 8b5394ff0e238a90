/* test_selector.c: label and field selector parsing and matching. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "codec/selector.h"

static int labels_match(const char *sel_text, const char *labels_json)
{
    kapi_pool *p = kapi_pool_new();
    selector s;
    char err[256];
    int rc = label_selector_parse(p, sel_text, &s, err, sizeof err);
    assert_int_equal(rc, 0);
    cJSON *labels = cJSON_Parse(labels_json);
    int m = label_selector_matches(&s, labels);
    cJSON_Delete(labels);
    kapi_pool_free(p);
    return m;
}

static void test_label_operators(void **state)
{
    (void)state;
    const char *l = "{\"app\":\"web\",\"tier\":\"front\",\"n\":\"5\"}";
    assert_true(labels_match("", l));
    assert_true(labels_match("app=web", l));
    assert_true(labels_match("app==web", l));
    assert_false(labels_match("app=db", l));
    assert_true(labels_match("app!=db", l));
    assert_true(labels_match("missing!=x", l));
    assert_true(labels_match("app in (db, web)", l));
    assert_false(labels_match("app notin (db,web)", l));
    assert_true(labels_match("tier", l));
    assert_false(labels_match("!tier", l));
    assert_true(labels_match("!other", l));
    assert_true(labels_match("app=web,tier=front", l));
    assert_false(labels_match("app=web,tier=back", l));
    assert_true(labels_match("n>4", l));
    assert_false(labels_match("n<4", l));
    assert_false(labels_match("app=web", "null"));
}

static void test_label_errors(void **state)
{
    (void)state;
    const char *bad[] = {"app in db", "app in (a", "=x", "app ~ x", "!app=x", "n>x", NULL};
    for (int i = 0; bad[i]; i++) {
        kapi_pool *p = kapi_pool_new();
        selector s;
        char err[256] = "";
        assert_int_equal(label_selector_parse(p, bad[i], &s, err, sizeof err), -1);
        assert_true(err[0] != '\0');
        kapi_pool_free(p);
    }
}

static void test_field_selectors(void **state)
{
    (void)state;
    kapi_pool *p = kapi_pool_new();
    cJSON *pod = cJSON_Parse("{\"metadata\":{\"name\":\"nginx\",\"namespace\":\"default\"},"
                             "\"spec\":{\"nodeName\":\"n1\"},\"status\":{\"phase\":\"Pending\"}}");
    selector s;
    char err[256];
    assert_int_equal(field_selector_parse(p, "metadata.name=nginx", &s, err, sizeof err), 0);
    assert_true(field_selector_matches(&s, pod));
    assert_int_equal(field_selector_parse(p, "status.phase!=Running,spec.nodeName==n1", &s, err, sizeof err), 0);
    assert_int_equal(s.n, 2);
    assert_true(field_selector_matches(&s, pod));
    assert_int_equal(field_selector_parse(p, "spec.nodeName=", &s, err, sizeof err), 0);
    assert_false(field_selector_matches(&s, pod));
    assert_int_equal(field_selector_parse(p, "spec.missing=", &s, err, sizeof err), 0);
    assert_true(field_selector_matches(&s, pod));
    assert_int_equal(field_selector_parse(p, "metadata.name", &s, err, sizeof err), -1);
    cJSON_Delete(pod);
    kapi_pool_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_label_operators),
        cmocka_unit_test(test_label_errors),
        cmocka_unit_test(test_field_selectors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
