/* test_rest_result.c: the answers of the REST verbs (registry/rest_result.c):
 * the one mapping of store results to kube's Status, and the one encoder
 * (JSON, YAML, Table, pretty, 406, Status in the error format, Warning
 * headers kept). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "codec/jsonpath.h"
#include "core/kapi.h"
#include "registry/rest_internal.h"

typedef struct fixture {
    kapi_request req;
    kapi_response resp;
    request_info info;
    rest_call c;
} fixture;

static void fixture_init(fixture *f, const char *group, const char *plural, const char *accept)
{
    memset(f, 0, sizeof *f);
    f->req.pool = kapi_pool_new();
    f->req.method = "GET";
    f->req.path = "/";
    f->req.query = "";
    f->req.accept = accept;
    kapi_response_init(&f->resp);
    f->c = (rest_call){.req = &f->req, .info = &f->info, .resp = &f->resp, .ns = "default"};
    f->c.r = resource_find(group, "v1", plural);
    assert_non_null(f->c.r);
}

static void fixture_free(fixture *f)
{
    kapi_response_free(&f->resp);
    kapi_pool_free(f->req.pool);
}

static const char *body_of(fixture *f)
{
    return kapi_psprintf(f->req.pool, "%.*s", (int)f->resp.body.len, f->resp.body.data ? f->resp.body.data : "");
}

static cJSON *parsed(fixture *f)
{
    return kapi_pool_keep_json(f->req.pool, cJSON_Parse(body_of(f)));
}

/* rest_store_failure, written: http status, reason and message */
static void expect_store_failure(const char *group, const char *plural, store_rc rc, int http,
                                 const char *reason, const char *message)
{
    fixture f;
    fixture_init(&f, group, plural, "application/json");
    rest_result r = rest_store_failure(&f.c, rc, "x", "writing to storage failed");
    assert_int_equal(r.answer, REST_STATUS);
    rest_write_result(&f.c, &r);
    assert_int_equal(f.resp.status, http);
    cJSON *st = parsed(&f);
    assert_string_equal(json_str(st, "kind"), "Status");
    assert_string_equal(json_str(st, "status"), "Failure");
    assert_string_equal(json_str(st, "reason"), reason);
    assert_string_equal(json_str(st, "message"), message);
    assert_int_equal((int)json_num_at(st, "code", -1), http);
    fixture_free(&f);
}

static void test_store_failures(void **state)
{
    (void)state;
    expect_store_failure("", "configmaps", STORE_NOT_FOUND, 404, "NotFound", "configmaps \"x\" not found");
    expect_store_failure("", "configmaps", STORE_EXISTS, 409, "AlreadyExists", "configmaps \"x\" already exists");
    expect_store_failure("apps", "deployments", STORE_CONFLICT, 409, "Conflict",
                         "Operation cannot be fulfilled on deployments.apps \"x\": the object has been modified; "
                         "please apply your changes to the latest version and try again");
    expect_store_failure("", "configmaps", STORE_COMPACTED, 410, "Expired",
                         "The resourceVersion for the provided list is too old.");
    expect_store_failure("", "configmaps", STORE_ERROR, 500, "InternalError",
                         "Internal error occurred: writing to storage failed");
}

static void test_not_found_details(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, "apps", "deployments", NULL);
    rest_result r = rest_not_found(&f.c, "web");
    rest_write_result(&f.c, &r);
    cJSON *d = cJSON_GetObjectItemCaseSensitive(parsed(&f), "details");
    assert_string_equal(json_str(d, "name"), "web");
    assert_string_equal(json_str(d, "group"), "apps");
    assert_string_equal(json_str(d, "kind"), "deployments");
    fixture_free(&f);
}

static cJSON *config_map(fixture *f)
{
    return kapi_pool_keep_json(f->req.pool, cJSON_Parse(
        "{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"cm\",\"namespace\":\"default\","
        "\"resourceVersion\":\"7\",\"creationTimestamp\":\"2024-01-01T00:00:00Z\"},\"data\":{\"a\":\"1\"}}"));
}

static void test_object_formats(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, "", "configmaps", "application/json");
    rest_result r = rest_object(&f.c, 201, config_map(&f), "7");
    rest_write_result(&f.c, &r);
    assert_int_equal(f.resp.status, 201);
    assert_string_equal(f.resp.content_type, "application/json");
    assert_string_equal(body_of(&f), "{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"cm\","
                        "\"namespace\":\"default\",\"resourceVersion\":\"7\",\"creationTimestamp\":\"2024-01-01T00:00:00Z\"},"
                        "\"data\":{\"a\":\"1\"}}");
    fixture_free(&f);

    fixture_init(&f, "", "configmaps", "application/yaml");
    r = rest_object(&f.c, 200, config_map(&f), "7");
    rest_write_result(&f.c, &r);
    assert_string_equal(f.resp.content_type, "application/yaml");
    assert_non_null(strstr(body_of(&f), "kind: ConfigMap\n"));
    fixture_free(&f);

    fixture_init(&f, "", "configmaps", "application/json;as=Table;v=v1;g=meta.k8s.io");
    r = rest_object(&f.c, 200, config_map(&f), "7");
    rest_write_result(&f.c, &r);
    assert_string_equal(f.resp.content_type, "application/json;as=Table;v=v1;g=meta.k8s.io");
    cJSON *t = parsed(&f);
    assert_string_equal(json_str(t, "kind"), "Table");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(t, "rows")), 1);
    assert_string_equal(json_str(cJSON_GetObjectItemCaseSensitive(t, "metadata"), "resourceVersion"), "7");
    fixture_free(&f);

    /* pretty: ?pretty=true */
    fixture_init(&f, "", "configmaps", "application/json");
    f.req.query = "pretty=true";
    r = rest_object(&f.c, 200, config_map(&f), "7");
    rest_write_result(&f.c, &r);
    assert_non_null(strstr(body_of(&f), "{\n  \"kind\": \"ConfigMap\",\n"));
    fixture_free(&f);
}

static void test_not_acceptable(void **state)
{
    (void)state;
    fixture f;
    /* an object that is never a Table, to a client that takes only Tables */
    fixture_init(&f, "", "configmaps", "application/json;as=Table;v=v1;g=meta.k8s.io");
    rest_result r = rest_plain_object(&f.c, 201, config_map(&f));
    rest_write_result(&f.c, &r);
    assert_int_equal(f.resp.status, 406);
    assert_string_equal(json_str(parsed(&f), "message"),
                        "only the following media types are accepted: application/json, application/yaml");
    fixture_free(&f);

    /* a Status goes out as JSON whatever the Accept header asks for */
    fixture_init(&f, "", "configmaps", "application/json;as=Table;v=v1;g=meta.k8s.io");
    r = rest_not_found(&f.c, "cm");
    rest_write_result(&f.c, &r);
    assert_int_equal(f.resp.status, 404);
    assert_string_equal(f.resp.content_type, "application/json");
    fixture_free(&f);
}

static void test_list(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, "", "configmaps", "application/json");
    cJSON *items = kapi_pool_keep_json(f.req.pool, cJSON_CreateArray());
    cJSON_AddItemToArray(items, cJSON_Duplicate(config_map(&f), 1));
    rest_result r = rest_list_of(&f.c, items, "9", "tok", 3, 1);
    rest_write_result(&f.c, &r);
    assert_int_equal(f.resp.status, 200);
    cJSON *l = parsed(&f);
    assert_string_equal(json_str(l, "kind"), "ConfigMapList");
    assert_string_equal(json_str(l, "apiVersion"), "v1");
    cJSON *m = cJSON_GetObjectItemCaseSensitive(l, "metadata");
    assert_string_equal(json_str(m, "resourceVersion"), "9");
    assert_string_equal(json_str(m, "continue"), "tok");
    assert_int_equal((int)json_num_at(m, "remainingItemCount", -1), 3);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(l, "items")), 1);
    fixture_free(&f);

    fixture_init(&f, "", "configmaps", "application/json;as=Table;v=v1beta1;g=meta.k8s.io");
    items = kapi_pool_keep_json(f.req.pool, cJSON_CreateArray());
    r = rest_list_of(&f.c, items, "9", NULL, -1, 1);
    rest_write_result(&f.c, &r);
    assert_string_equal(json_str(parsed(&f), "apiVersion"), "meta.k8s.io/v1beta1");
    fixture_free(&f);
}

static void test_warnings_kept(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, "", "configmaps", "application/json");
    kapi_response_add_header(&f.resp, f.req.pool, "Warning", "299 - \"unknown field \\\"x\\\"\"");
    rest_result r = rest_bad_request(&f.c, "no");
    rest_write_result(&f.c, &r);
    assert_int_equal(f.resp.status, 400);
    assert_int_equal(f.resp.n_headers, 1);
    assert_string_equal(f.resp.headers[0].name, "Warning");
    fixture_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_failures),
        cmocka_unit_test(test_not_found_details),
        cmocka_unit_test(test_object_formats),
        cmocka_unit_test(test_not_acceptable),
        cmocka_unit_test(test_list),
        cmocka_unit_test(test_warnings_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
