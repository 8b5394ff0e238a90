/* test_managed_fields.c: the field manager through the pipeline (in-process
 * client, a bootstrapped store): Update entries by fieldManager and by the
 * User-Agent's prefix, apply's create, conflicts (kube's message and
 * causes, one manager and several), force, removal of unapplied fields,
 * list-map merges with ownership per item, status apply, reset rules. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "core/alloc.h"
#include "core/kapi.h"
#include "http/client.h"
#include "server/bootstrap.h"
#include "kapi_test.h"

static char dir[256];
static kapi_ctx ctx;

TEST_GROUP_STORE("managed-fields")

#define CMS "/api/v1/namespaces/default/configmaps"
#define DEPLOYS "/apis/apps/v1/namespaces/default/deployments"
#define APPLY "application/apply-patch+yaml"

static test_result req(const char *method, const char *path, const char *type, const char *ua, const char *body)
{
    return test_call(&ctx, (kapi_call_request){.method = method, .path = path, .body = body, .content_type = type,
                                               .user_agent = ua});
}

/* "manager/operation[/subresource]" of each entry, ';'-separated */
static const char *managers(const cJSON *obj)
{
    static char buf[1024];
    size_t o = 0;
    buf[0] = '\0';
    const cJSON *e;
    cJSON_ArrayForEach(e, json_at(obj, "metadata.managedFields")) {
        const char *sub = test_str_at(e, "subresource");
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%s/%s%s%s;", test_str_at(e, "manager"),
                              test_str_at(e, "operation"), *sub ? "/" : "", sub);
    }
    return buf;
}

/* the fields of manager's entry (entries sort by time, then manager: the
 * tests do not depend on the order) */
static const char *fields_of(const cJSON *obj, const char *manager)
{
    static char buf[4096];
    const cJSON *e = NULL, *x;
    cJSON_ArrayForEach(x, json_at(obj, "metadata.managedFields"))
        if (!strcmp(test_str_at(x, "manager"), manager)) e = x;
    char *s = cJSON_PrintUnformatted(cJSON_GetObjectItem(e, "fieldsV1"));
    snprintf(buf, sizeof buf, "%s", s ? s : "");
    free(s);
    return buf;
}

static void test_update_managers(void **state)
{
    (void)state;
    test_result r = req("POST", CMS, NULL, "kubectl/v1.32.0 (linux/amd64) kubernetes/abc",
                        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"u\"},\"data\":{\"a\":\"1\"}}");
    assert_int_equal(r.status, 201);
    /* kube takes the User-Agent up to its first '/' */
    assert_string_equal(managers(r.body), "kubectl/Update;");
    assert_string_equal(fields_of(r.body, "kubectl"), "{\"f:data\":{\".\":{},\"f:a\":{}}}");
    assert_string_equal(test_str_at(r.body, "metadata.managedFields[0].apiVersion"), "v1");
    assert_string_equal(test_str_at(r.body, "metadata.managedFields[0].fieldsType"), "FieldsV1");
    assert_true(strlen(test_str_at(r.body, "metadata.managedFields[0].time")) == 20);
    cJSON_Delete(r.body);
    /* another manager changes a and adds b: it takes a */
    r = req("PATCH", CMS "/u?fieldManager=editor", "application/merge-patch+json", NULL,
            "{\"data\":{\"a\":\"2\",\"b\":\"1\"}}");
    assert_int_equal(r.status, 200);
    /* kubectl keeps only the map itself */
    assert_string_equal(fields_of(r.body, "kubectl"), "{\"f:data\":{}}");
    assert_string_equal(fields_of(r.body, "editor"), "{\"f:data\":{\"f:a\":{},\"f:b\":{}}}");
    cJSON_Delete(r.body);
    /* [] keeps, [{}] clears, then updates record nothing */
    r = req("PATCH", CMS "/u?fieldManager=x", "application/merge-patch+json", NULL,
            "{\"metadata\":{\"managedFields\":[{}]},\"data\":{\"c\":\"1\"}}");
    assert_int_equal(r.status, 200);
    assert_null(json_at(r.body, "metadata.managedFields"));
    cJSON_Delete(r.body);
    r = req("PATCH", CMS "/u?fieldManager=x", "application/merge-patch+json", NULL, "{\"data\":{\"d\":\"1\"}}");
    assert_null(json_at(r.body, "metadata.managedFields"));
    cJSON_Delete(r.body);
}

static void test_apply_conflicts(void **state)
{
    (void)state;
    const char *cfg = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: \"1\"\n  b: \"1\"\n";
    test_result r = req("PATCH", CMS "/c", APPLY, NULL, cfg);
    assert_int_equal(r.status, 422);
    assert_string_equal(test_str_at(r.body, "message"),
                        "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
    cJSON_Delete(r.body);
    r = req("PATCH", CMS "/c?fieldManager=one", APPLY, NULL, cfg);
    assert_int_equal(r.status, 201);
    assert_string_equal(managers(r.body), "one/Apply;");
    cJSON_Delete(r.body);
    r = req("PATCH", CMS "/c?fieldManager=two", "application/merge-patch+json", NULL, "{\"data\":{\"a\":\"x\",\"b\":\"x\"}}");
    cJSON_Delete(r.body);
    r = req("PATCH", CMS "/c?fieldManager=three", "application/merge-patch+json", NULL, "{\"data\":{\"b\":\"y\"}}");
    cJSON_Delete(r.body);
    r = req("PATCH", CMS "/c?fieldManager=one", APPLY, NULL, cfg);
    assert_int_equal(r.status, 409);
    assert_string_equal(test_str_at(r.body, "reason"), "Conflict");
    assert_string_equal(test_str_at(r.body, "message"),
                        "Apply failed with 2 conflicts: conflicts with \"three\" using v1:\n- .data.b\n"
                        "conflicts with \"two\" using v1:\n- .data.a");
    assert_string_equal(test_str_at(r.body, "details.causes[0].reason"), "FieldManagerConflict");
    assert_string_equal(test_str_at(r.body, "details.causes[0].message"), "conflict with \"three\" using v1");
    assert_string_equal(test_str_at(r.body, "details.causes[0].field"), ".data.b");
    assert_int_equal((int)test_num_at(r.body, "code", 0), 409);
    cJSON_Delete(r.body);
    r = req("PATCH", CMS "/c?fieldManager=one&force=true", APPLY, NULL, cfg);
    assert_int_equal(r.status, 200);
    assert_string_equal(managers(r.body), "one/Apply;");
    assert_string_equal(test_str_at(r.body, "data.a"), "1");
    const char *rv = kapi_xstrdup(test_str_at(r.body, "metadata.resourceVersion"));
    cJSON_Delete(r.body);
    /* unchanged: nothing written */
    r = req("PATCH", CMS "/c?fieldManager=one", APPLY, NULL, cfg);
    assert_string_equal(test_str_at(r.body, "metadata.resourceVersion"), rv);
    free((void *)rv);
    cJSON_Delete(r.body);
    /* b no longer applied: removed */
    r = req("PATCH", CMS "/c?fieldManager=one", APPLY, NULL,
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: \"1\"\n");
    assert_null(json_at(r.body, "data.b"));
    cJSON_Delete(r.body);
}

static void test_apply_list_maps_and_status(void **state)
{
    (void)state;
    const char *d1 = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\"},\"spec\":{"
                     "\"selector\":{\"matchLabels\":{\"app\":\"d\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"d\"}},"
                     "\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"x\"}]}}}}";
    const char *d2 = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\"},\"spec\":{"
                     "\"template\":{\"spec\":{\"containers\":[{\"name\":\"b\",\"image\":\"y\"}]}}}}";
    test_result r = req("PATCH", DEPLOYS "/d?fieldManager=first", APPLY, NULL, d1);
    assert_int_equal(r.status, 201);
    cJSON_Delete(r.body);
    /* a second applier adds its own container: merged by name, each owns its item */
    r = req("PATCH", DEPLOYS "/d?fieldManager=second", APPLY, NULL, d2);
    assert_int_equal(r.status, 200);
    assert_string_equal(test_str_at(r.body, "spec.template.spec.containers[0].name"), "a");
    assert_string_equal(test_str_at(r.body, "spec.template.spec.containers[1].name"), "b");
    assert_string_equal(fields_of(r.body, "second"),
                        "{\"f:spec\":{\"f:template\":{\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"b\\\"}\":"
                        "{\".\":{},\"f:image\":{},\"f:name\":{}}}}}}}");
    cJSON_Delete(r.body);
    /* status through /status: its own entry */
    r = req("PATCH", DEPLOYS "/d/status?fieldManager=ctrl", APPLY, NULL,
            "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\"},\"status\":{\"replicas\":5}}");
    assert_int_equal(r.status, 200);
    assert_int_equal((int)test_num_at(r.body, "status.replicas", 0), 5);
    assert_non_null(strstr(managers(r.body), "ctrl/Apply/status;"));
    assert_string_equal(fields_of(r.body, "ctrl"), "{\"f:status\":{\"f:replicas\":{}}}");
    cJSON_Delete(r.body);
    /* the first applier drops its container: the second's stays */
    r = req("PATCH", DEPLOYS "/d?fieldManager=first", APPLY, NULL,
            "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\"},\"spec\":{"
            "\"selector\":{\"matchLabels\":{\"app\":\"d\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"d\"}}}}}");
    assert_int_equal(r.status, 200);
    assert_string_equal(test_str_at(r.body, "spec.template.spec.containers[0].name"), "b");
    assert_null(json_at_indexed(r.body, "spec.template.spec.containers[1]"));
    cJSON_Delete(r.body);
}

/* beyond 10 Update managers the oldest merge into ancient-changes (oldest
 * by time, then by name, as kube sorts them) */
static void test_cap_update_managers(void **state)
{
    (void)state;
    test_result r = req("POST", CMS "?fieldManager=m0", NULL, NULL,
                        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cap\"},\"data\":{\"k0\":\"v\"}}");
    assert_int_equal(r.status, 201);
    cJSON_Delete(r.body);
    for (int i = 1; i < 12; i++) {
        char path[128], body[128];
        snprintf(path, sizeof path, CMS "/cap?fieldManager=m%d", i);
        snprintf(body, sizeof body, "{\"data\":{\"k%d\":\"v\"}}", i);
        r = req("PATCH", path, "application/merge-patch+json", NULL, body);
        assert_int_equal(r.status, 200);
        if (i < 11) cJSON_Delete(r.body);
    }
    assert_int_equal(cJSON_GetArraySize(json_at(r.body, "metadata.managedFields")), 10);
    assert_non_null(strstr(managers(r.body), "ancient-changes/Update;"));
    assert_null(strstr(managers(r.body), "m0/"));
    assert_null(strstr(managers(r.body), "m1/"));
    assert_non_null(strstr(managers(r.body), "m11/Update;"));
    /* the bucket owns what the merged managers owned */
    const char *f = fields_of(r.body, "ancient-changes");
    assert_non_null(strstr(f, "\"f:k0\""));
    assert_non_null(strstr(f, "\"f:k1\""));
    cJSON_Delete(r.body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_update_managers),
        cmocka_unit_test(test_apply_conflicts),
        cmocka_unit_test(test_apply_list_maps_and_status),
        cmocka_unit_test(test_cap_update_managers),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
