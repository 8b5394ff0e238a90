/* test_handle.c: the whole pipeline in-process (kapi_handle over a real
 * store in a temporary directory): authentication outcomes, the REST verbs
 * and their Status answers, dry run, and that failed writes store nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "core/kapi.h"
#include "server/bootstrap.h"
#include "store/store.h"
#include "http/handle.h"
#include "kapi_test.h"

static char dir[256];
static kapi_ctx ctx;

typedef test_result result;

static result call(const char *method, const char *path, const char *query, const char *ctype,
                   const char *body, const kapi_user *user)
{
    return test_call(&ctx, (kapi_call_request){.user = user, .method = method, .path = path, .query = query,
                                               .content_type = ctype, .body = body});
}

TEST_GROUP_STORE("handle")

#define CM(name) "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" name "\"},\"data\":{\"a\":\"1\"}}"

static void test_anonymous_and_failed_certificates(void **state)
{
    (void)state;
    kapi_request req = {0};
    kapi_response resp;
    req.pool = kapi_pool_new();
    req.method = "GET";
    req.path = "/";
    req.query = "";
    req.user_agent = "curl/7.88.1";
    kapi_response_init(&resp);
    kapi_handle(&ctx, &req, &resp);
    assert_int_equal(resp.status, 403);
    assert_string_equal(resp.body.data,
        "{\n  \"kind\": \"Status\",\n  \"apiVersion\": \"v1\",\n  \"metadata\": {},\n"
        "  \"status\": \"Failure\",\n"
        "  \"message\": \"forbidden: User \\\"system:anonymous\\\" cannot get path \\\"/\\\"\",\n"
        "  \"reason\": \"Forbidden\",\n  \"details\": {},\n  \"code\": 403\n}\n");
    kapi_response_free(&resp);
    req.client_verify = "FAILED:unsuitable certificate purpose";
    req.client_dn = "CN=kube-apiserver";
    req.authn = NULL;   /* another request: its authentication is its own */
    kapi_response_init(&resp);
    kapi_handle(&ctx, &req, &resp);
    assert_int_equal(resp.status, 401);
    assert_string_equal(resp.body.data,
        "{\n  \"kind\": \"Status\",\n  \"apiVersion\": \"v1\",\n  \"metadata\": {},\n"
        "  \"status\": \"Failure\",\n  \"message\": \"Unauthorized\",\n"
        "  \"reason\": \"Unauthorized\",\n  \"code\": 401\n}\n");
    kapi_response_free(&resp);
    kapi_pool_free(req.pool);
}

/* A browser's navigation (Accept: text/html first) to an API path: 302 to
 * the web view's page, whoever asks; anything else is served as before. */
static const char *browser_location(const char *method, const char *path, const char *accept,
                                    int *status)
{
    static char loc[512];
    kapi_request req = {0};
    kapi_response resp;
    req.pool = kapi_pool_new();
    req.method = method;
    req.path = path;
    req.query = "";
    req.accept = accept;
    req.user_agent = "Mozilla/5.0";
    kapi_response_init(&resp);
    kapi_handle(&ctx, &req, &resp);
    *status = resp.status;
    loc[0] = '\0';
    for (int i = 0; i < resp.n_headers; i++)
        if (!strcmp(resp.headers[i].name, "Location")) snprintf(loc, sizeof loc, "%s", resp.headers[i].value);
    kapi_response_free(&resp);
    kapi_pool_free(req.pool);
    return loc;
}

static void test_browser_redirect(void **state)
{
    (void)state;
    const char *html = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    static const struct { const char *path, *location; } cases[] = {
        {"/api/v1/namespaces/default/pods", "/ui/#/ns/default/pods"},
        {"/api/v1/namespaces/default/pods/web-1/log", "/ui/#/ns/default/pods/web-1"},
        {"/apis/apps/v1/namespaces/team-a/deployments/web", "/ui/#/ns/team-a/deployments.v1.apps/web"},
        {"/apis/apps/v1/deployments", "/ui/#/cluster/deployments.v1.apps"},
        {"/api/v1/nodes/n1", "/ui/#/cluster/nodes/n1"},
        {"/api/v1/namespaces", "/ui/#/namespaces"},
        {"/api/v1/namespaces/kube-system", "/ui/#/ns/kube-system"},
        {"/api/v1/watch/namespaces/default/pods", "/ui/#/ns/default/pods"},
        {"/apis/rbac.authorization.k8s.io/v1/clusterroles/system:basic-user",
         "/ui/#/cluster/clusterroles.v1.rbac.authorization.k8s.io/system%3Abasic-user"},
        {"/api", "/ui/#/kinds"},
        {"/apis/apps/v1", "/ui/#/kinds"},
        {"/", "/ui/#/"},
    };
    int status;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_string_equal(browser_location("GET", cases[i].path, html, &status), cases[i].location);
        assert_int_equal(status, 302);
    }
    /* Not a browser's navigation, or not an API path: no redirect. */
    assert_string_equal(browser_location("GET", "/api/v1/namespaces", "application/json, text/html", &status), "");
    assert_int_equal(status, 403);
    assert_string_equal(browser_location("GET", "/api/v1/namespaces", "text/html;q=0, */*", &status), "");
    assert_string_equal(browser_location("GET", "/api/v1/namespaces", "*/*", &status), "");
    assert_string_equal(browser_location("GET", "/api/v1/namespaces", NULL, &status), "");
    assert_string_equal(browser_location("GET", "/api/v1/namespaces",
        "application/json;as=Table;v=v1;g=meta.k8s.io,application/json", &status), "");
    assert_string_equal(browser_location("DELETE", "/api/v1/namespaces/default", html, &status), "");
    assert_string_equal(browser_location("GET", "/version", html, &status), "");
    assert_int_equal(status, 200);
    assert_string_equal(browser_location("GET", "/healthz", html, &status), "");
}

/* A watch on the ordinary socket (nginx routes by the raw query, the worker
 * decodes it) is refused at once; what is not a watch is served there. */
static int ordinary_socket_status(const char *query, const char **reason)
{
    kapi_request req = {0};
    kapi_response resp;
    req.pool = kapi_pool_new();
    req.method = "GET";
    req.path = "/api/v1/namespaces/default/configmaps";
    req.query = query;
    req.internal_user = &admin;
    req.on_ordinary_socket = 1;
    kapi_response_init(&resp);
    kapi_handle(&ctx, &req, &resp);
    int status = resp.status;
    static char why[64];
    cJSON *body = resp.body.data ? cJSON_Parse(resp.body.data) : NULL;
    snprintf(why, sizeof why, "%s", json_str_at(body, "reason", ""));
    *reason = why;
    cJSON_Delete(body);
    kapi_response_free(&resp);
    kapi_pool_free(req.pool);
    return status;
}

static void test_watch_on_ordinary_socket_refused(void **state)
{
    (void)state;
    const char *refused[] = {"watch=1", "%77atch=1", "w%61tch", "watc%68=true", "%77atch=1&watch=0",
                             "limit=1&%77%61%74%63%68="};
    const char *served[] = {"", "watch=0", "watch=false&watch=1", "watch=0&%77atch=1", "%57atch=1", "Watch=1"};
    const char *reason;
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        assert_int_equal(ordinary_socket_status(refused[i], &reason), 400);
        assert_string_equal(reason, "BadRequest");
    }
    for (size_t i = 0; i < sizeof served / sizeof *served; i++)
        assert_int_equal(ordinary_socket_status(served[i], &reason), 200);
}

static void test_configmap_lifecycle(void **state)
{
    (void)state;
    result r = call("POST", "/api/v1/namespaces/default/configmaps", NULL, "application/json", CM("one"), &admin);
    assert_int_equal(r.status, 201);
    assert_string_equal(json_str_at(r.body, "metadata.namespace", ""), "default");
    assert_int_equal(strlen(json_str_at(r.body, "metadata.uid", "")), 36);
    char rv[32];
    snprintf(rv, sizeof rv, "%s", json_str_at(r.body, "metadata.resourceVersion", ""));
    assert_true(atoi(rv) > 0);
    cJSON_Delete(r.body);

    r = call("POST", "/api/v1/namespaces/default/configmaps", NULL, "application/json", CM("one"), &admin);
    assert_int_equal(r.status, 409);
    assert_string_equal(json_str_at(r.body, "reason", ""), "AlreadyExists");
    assert_string_equal(json_str_at(r.body, "message", ""), "configmaps \"one\" already exists");
    cJSON_Delete(r.body);

    r = call("GET", "/api/v1/namespaces/default/configmaps/one", NULL, NULL, NULL, &admin);
    assert_int_equal(r.status, 200);
    assert_string_equal(json_str_at(r.body, "kind", ""), "ConfigMap");
    cJSON_Delete(r.body);

    char body[400];
    snprintf(body, sizeof body, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"one\",\"resourceVersion\":\"%s\"},\"data\":{\"a\":\"2\"}}", rv);
    r = call("PUT", "/api/v1/namespaces/default/configmaps/one", NULL, "application/json", body, &admin);
    assert_int_equal(r.status, 200);
    assert_true(atoi(json_str_at(r.body, "metadata.resourceVersion", "")) > atoi(rv));
    cJSON_Delete(r.body);
    r = call("PUT", "/api/v1/namespaces/default/configmaps/one", NULL, "application/json", body, &admin);
    assert_int_equal(r.status, 409);
    assert_string_equal(json_str_at(r.body, "message", ""),
        "Operation cannot be fulfilled on configmaps \"one\": the object has been modified; please apply your changes to the latest version and try again");
    cJSON_Delete(r.body);

    r = call("PATCH", "/api/v1/namespaces/default/configmaps/one", NULL, "application/merge-patch+json",
             "{\"metadata\":{\"labels\":{\"x\":\"y\"}},\"data\":{\"a\":null,\"b\":\"3\"}}", &admin);
    assert_int_equal(r.status, 200);
    assert_string_equal(json_str_at(r.body, "data.b", ""), "3");
    assert_null(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r.body, "data"), "a"));
    cJSON_Delete(r.body);

    r = call("DELETE", "/api/v1/namespaces/default/configmaps/one", NULL, NULL, NULL, &admin);
    assert_int_equal(r.status, 200);
    assert_string_equal(json_str_at(r.body, "status", ""), "Success");
    cJSON_Delete(r.body);
    r = call("GET", "/api/v1/namespaces/default/configmaps/one", NULL, NULL, NULL, &admin);
    assert_int_equal(r.status, 404);
    assert_string_equal(json_str_at(r.body, "message", ""), "configmaps \"one\" not found");
    cJSON_Delete(r.body);
}

static void test_bad_input_stores_nothing(void **state)
{
    (void)state;
    const char *bodies[] = {
        "{\"apiVersion\":\"v1\",\"kind\":", "[]", "{\"kind\":\"Secret\",\"metadata\":{\"name\":\"bad1\"}}",
        "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"Bad_Name\"}}", "{\"kind\":\"ConfigMap\",\"metadata\":\"x\"}",
        "{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"bad2\"},\"data\":{\"k\":[1]}}", "\xff\xfe", "",
        NULL};
    int expected[] = {400, 400, 400, 422, 400, 400, 400, 400};
    for (int i = 0; bodies[i]; i++) {
        result r = call("POST", "/api/v1/namespaces/default/configmaps", NULL, "application/json", bodies[i], &admin);
        assert_int_equal(r.status, expected[i]);
        assert_string_equal(json_str_at(r.body, "kind", ""), "Status");
        assert_string_equal(json_str_at(r.body, "status", ""), "Failure");
        cJSON_Delete(r.body);
    }
    long n = -1;
    assert_int_equal(store_count(ctx.store, "/registry/configmaps/", &n), STORE_OK);
    assert_int_equal(n, 0);
    result r = call("POST", "/api/v1/namespaces/default/configmaps", NULL, "text/plain", "x", &admin);
    assert_int_equal(r.status, 415);
    cJSON_Delete(r.body);
}

static void test_dry_run_and_namespaces(void **state)
{
    (void)state;
    result r = call("POST", "/api/v1/namespaces/default/configmaps", "dryRun=All", "application/json", CM("dry"), &admin);
    assert_int_equal(r.status, 201);
    cJSON_Delete(r.body);
    r = call("GET", "/api/v1/namespaces/default/configmaps/dry", NULL, NULL, NULL, &admin);
    assert_int_equal(r.status, 404);
    cJSON_Delete(r.body);
    r = call("POST", "/api/v1/namespaces/nope/configmaps", NULL, "application/json", CM("x"), &admin);
    assert_int_equal(r.status, 404);
    assert_string_equal(json_str_at(r.body, "message", ""), "namespaces \"nope\" not found");
    cJSON_Delete(r.body);
    r = call("GET", "/api/v1/namespaces/kube-system", NULL, NULL, NULL, &admin);
    assert_int_equal(r.status, 200);
    assert_string_equal(json_str_at(r.body, "status.phase", ""), "Active");
    cJSON_Delete(r.body);
    r = call("GET", "/api/v1/namespaces", NULL, NULL, NULL, &admin);
    assert_int_equal(r.status, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r.body, "items")), 4);
    cJSON_Delete(r.body);
}

static void test_forbidden_for_other_users(void **state)
{
    (void)state;
    kapi_user alice = {.name = "alice", .groups = {"system:authenticated"}, .n_groups = 1};
    result r = call("GET", "/api/v1/namespaces/default/pods", NULL, NULL, NULL, &alice);
    assert_int_equal(r.status, 403);
    assert_string_equal(json_str_at(r.body, "message", ""),
        "pods is forbidden: User \"alice\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"");
    cJSON_Delete(r.body);
    r = call("GET", "/version", NULL, NULL, NULL, &alice);
    assert_int_equal(r.status, 200);
    assert_string_equal(json_str_at(r.body, "major", ""), "1");
    assert_string_equal(json_str_at(r.body, "minor", ""), "32");
    cJSON_Delete(r.body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_anonymous_and_failed_certificates),
        cmocka_unit_test(test_browser_redirect),
        cmocka_unit_test(test_watch_on_ordinary_socket_refused),
        cmocka_unit_test(test_configmap_lifecycle),
        cmocka_unit_test(test_bad_input_stores_nothing),
        cmocka_unit_test(test_dry_run_and_namespaces),
        cmocka_unit_test(test_forbidden_for_other_users),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
