/* test_client.c: the in-process client (http/client.h) over a real store in
 * a temporary directory: a call as a given user with its query in the path
 * or apart, the parsed body and who owns it, response headers (Warning),
 * request headers (impersonation), other media types, and the short JSON
 * form. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "core/kapi.h"
#include "http/client.h"
#include "server/bootstrap.h"
#include "kapi_test.h"

static char dir[256];
static kapi_ctx ctx;
static const kapi_user alice = {.name = "alice", .groups = {"system:authenticated"}, .n_groups = 1};

#define CMS "/api/v1/namespaces/default/configmaps"

TEST_GROUP_STORE("client")

static void test_call_and_reply(void **state)
{
    (void)state;
    kapi_call_request create = {.user = &admin, .method = "POST", .path = CMS,
                                .body = "{\"metadata\":{\"name\":\"one\"},\"data\":{\"a\":\"1\"},\"bogus\":1}"};
    kapi_reply reply;
    assert_int_equal(kapi_call(&ctx, &create, &reply), 201);
    assert_int_equal(reply.status, 201);
    assert_string_equal(reply.content_type, "application/json");
    assert_int_equal(reply.len, strlen(reply.text));
    /* fieldValidation Warn (the default): the unknown field is a Warning header */
    const char *warning = kapi_reply_header(&reply, "warning");
    assert_non_null(warning);
    assert_non_null(strstr(warning, "unknown field \\\"bogus\\\""));
    /* the parsed body, taken: the caller's from now on */
    cJSON *obj = kapi_reply_take_json(&reply);
    assert_null(reply.json);
    kapi_reply_free(&reply);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(obj, "kind")->valuestring, "ConfigMap");
    cJSON_Delete(obj);

    /* the query in the path, or apart: the same request */
    kapi_call_request list = {.user = &admin, .method = "GET", .path = CMS "?fieldSelector=metadata.name%3Done"};
    assert_int_equal(kapi_call(&ctx, &list, &reply), 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(reply.json, "items")), 1);
    kapi_reply_free(&reply);
    list.path = CMS;
    list.query = "fieldSelector=metadata.name%3Dother";
    assert_int_equal(kapi_call(&ctx, &list, &reply), 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(reply.json, "items")), 0);
    kapi_reply_free(&reply);

    /* another media type: the text as sent, no JSON */
    kapi_call_request yaml = {.user = &admin, .method = "GET", .path = CMS "/one", .accept = "application/yaml"};
    assert_int_equal(kapi_call(&ctx, &yaml, &reply), 200);
    assert_string_equal(reply.content_type, "application/yaml");
    assert_non_null(strstr(reply.text, "kind: ConfigMap\n"));
    assert_null(reply.json);
    kapi_reply_free(&reply);
}

static void test_users_and_headers(void **state)
{
    (void)state;
    kapi_reply reply;
    kapi_call_request get = {.user = &alice, .method = "GET", .path = CMS "/one"};
    assert_int_equal(kapi_call(&ctx, &get, &reply), 403);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(reply.json, "reason")->valuestring, "Forbidden");
    kapi_reply_free(&reply);
    /* the admin impersonating alice is alice */
    kapi_header as_alice[] = {{"impersonate-user", "alice"}};
    get.user = &admin;
    get.headers = as_alice;
    get.n_headers = 1;
    assert_int_equal(kapi_call(&ctx, &get, &reply), 403);
    assert_non_null(strstr(reply.text, "User \\\"alice\\\" cannot get resource \\\"configmaps\\\""));
    kapi_reply_free(&reply);
}

static void test_call_json(void **state)
{
    (void)state;
    int status = 0;
    cJSON *body = cJSON_Parse("{\"metadata\":{\"name\":\"two\"}}");
    cJSON *obj = kapi_call_json(&ctx, &admin, "POST", CMS, body, &status);
    assert_int_equal(status, 201);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(obj, "metadata"), "name")->valuestring, "two");
    cJSON_Delete(obj);
    obj = kapi_call_json(&ctx, &admin, "POST", CMS, body, &status);
    assert_int_equal(status, 409);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(obj, "reason")->valuestring, "AlreadyExists");
    cJSON_Delete(obj);
    cJSON_Delete(body);
    obj = kapi_call_json(&ctx, &admin, "DELETE", CMS "/two", NULL, &status);
    assert_int_equal(status, 200);
    cJSON_Delete(obj);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_call_and_reply),
        cmocka_unit_test(test_users_and_headers),
        cmocka_unit_test(test_call_json),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
