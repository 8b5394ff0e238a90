/* test_fcgi_adapter.c: unit tests of fcgi_parse_params(), the FastCGI
 * adapter's one parsing function (params array -> kapi_request), without a
 * FastCGI connection. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/kapi.h"
#include "server/fcgi_adapter.h"

typedef struct fx {
    kapi_pool *pool;
    kapi_request req;
    size_t clen;
    fcgi_parse_error err;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    f->pool = kapi_pool_new();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    kapi_pool_free(f->pool);
    free(f);
    return 0;
}

static int parse(fx *f, char **envp)
{
    memset(&f->err, 0, sizeof f->err);
    return fcgi_parse_params(f->pool, envp, &f->req, &f->clen, &f->err);
}

static void test_basic_get(void **state)
{
    fx *f = *state;
    char *env[] = {
        "REQUEST_METHOD=GET",
        "REQUEST_URI=/api/v1/namespaces/default/pods?limit=500&labelSelector=a%3Db",
        "QUERY_STRING=limit=500&labelSelector=a%3Db",
        "CONTENT_TYPE=",
        "CONTENT_LENGTH=",
        "HTTP_ACCEPT=application/json;as=Table;v=v1;g=meta.k8s.io,application/json",
        "HTTP_USER_AGENT=kubectl/v1.32.5 (linux/amd64) kubernetes/abc",
        "HTTP_HOST=127.0.0.1",
        "KAPI_CLIENT_VERIFY=SUCCESS",
        "KAPI_CLIENT_DN=CN=kubernetes-admin,O=system:masters",
        NULL,
    };
    assert_int_equal(parse(f, env), 0);
    assert_string_equal(f->req.method, "GET");
    assert_string_equal(f->req.path, "/api/v1/namespaces/default/pods");
    assert_string_equal(f->req.query, "limit=500&labelSelector=a%3Db");
    assert_null(f->req.content_type);
    assert_string_equal(f->req.accept, "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
    assert_string_equal(f->req.user_agent, "kubectl/v1.32.5 (linux/amd64) kubernetes/abc");
    assert_string_equal(f->req.client_verify, "SUCCESS");
    assert_string_equal(f->req.client_dn, "CN=kubernetes-admin,O=system:masters");
    assert_int_equal(f->req.authn_failed, 0);
    assert_null(f->req.body);
    assert_int_equal(f->clen, 0);
    assert_ptr_equal(f->req.pool, f->pool);
    assert_int_equal(f->req.n_headers, 3);
    assert_string_equal(f->req.headers[0].name, "accept");
    assert_string_equal(f->req.headers[1].name, "user-agent");
    assert_string_equal(f->req.headers[2].name, "host");
    assert_string_equal(f->req.headers[2].value, "127.0.0.1");
}

static void test_no_query(void **state)
{
    fx *f = *state;
    char *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", NULL };
    assert_int_equal(parse(f, env), 0);
    assert_string_equal(f->req.path, "/");
    assert_string_equal(f->req.query, "");
    assert_null(f->req.client_verify);
    assert_null(f->req.client_dn);
    assert_null(f->req.accept);
    assert_int_equal(f->req.n_headers, 0);
}

static void test_percent_decoding(void **state)
{
    fx *f = *state;
    char *env[] = { "REQUEST_METHOD=GET",
                    "REQUEST_URI=/api/v1/namespaces/a%2Db/configmaps/x+y%41?q=%zz", NULL };
    assert_int_equal(parse(f, env), 0);
    assert_string_equal(f->req.path, "/api/v1/namespaces/a-b/configmaps/x+yA");
    assert_string_equal(f->req.query, "q=%zz");    /* the query stays raw */
}

static void test_bad_escapes(void **state)
{
    fx *f = *state;
    const char *bad[] = { "/a%zz", "/a%4", "/a%", "/a%00b", "/%G1" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char uri[64];
        snprintf(uri, sizeof uri, "REQUEST_URI=%s", bad[i]);
        char *env[] = { "REQUEST_METHOD=GET", uri, NULL };
        assert_int_equal(parse(f, env), -1);
        assert_int_equal(f->err.status, 400);
        assert_int_equal(f->err.rc, KAPI_BAD_REQUEST);
        assert_non_null(f->err.message);
    }
}

static void test_missing_or_bad_method_and_uri(void **state)
{
    fx *f = *state;
    char *e1[] = { "REQUEST_URI=/", NULL };
    assert_int_equal(parse(f, e1), -1);
    assert_int_equal(f->err.status, 400);
    char *e2[] = { "REQUEST_METHOD=GET", NULL };
    assert_int_equal(parse(f, e2), -1);
    char *e3[] = { "REQUEST_METHOD=GET", "REQUEST_URI=http://x/", NULL };
    assert_int_equal(parse(f, e3), -1);
    char *e4[] = { "REQUEST_METHOD=get me", "REQUEST_URI=/", NULL };
    assert_int_equal(parse(f, e4), -1);
    assert_int_equal(fcgi_parse_params(f->pool, NULL, &f->req, &f->clen, &f->err), -1);
}

static void test_repeated_headers_kept(void **state)
{
    fx *f = *state;
    char *env[] = {
        "REQUEST_METHOD=GET", "REQUEST_URI=/api",
        "HTTP_IMPERSONATE_USER=alice",
        "HTTP_IMPERSONATE_GROUP=dev",
        "HTTP_IMPERSONATE_GROUP=ops",
        "HTTP_IMPERSONATE_EXTRA_SCOPES=view",
        NULL,
    };
    assert_int_equal(parse(f, env), 0);
    assert_int_equal(f->req.n_headers, 4);
    assert_string_equal(f->req.headers[0].name, "impersonate-user");
    assert_string_equal(f->req.headers[1].name, "impersonate-group");
    assert_string_equal(f->req.headers[1].value, "dev");
    assert_string_equal(f->req.headers[2].name, "impersonate-group");
    assert_string_equal(f->req.headers[2].value, "ops");
    assert_string_equal(f->req.headers[3].name, "impersonate-extra-scopes");
}

/* Headers a client sends can never become identity params. */
static void test_forged_identity_headers(void **state)
{
    fx *f = *state;
    char *env[] = {
        "REQUEST_METHOD=GET", "REQUEST_URI=/",
        "HTTP_KAPI_CLIENT_VERIFY=SUCCESS",
        "HTTP_X_CLIENT_DN=CN=kubernetes-admin,O=system:masters",
        "HTTP_KAPI_AUTHN_FAILED=x",
        "KAPI_CLIENT_VERIFY=NONE",
        "KAPI_CLIENT_DN=",
        NULL,
    };
    assert_int_equal(parse(f, env), 0);
    assert_string_equal(f->req.client_verify, "NONE");
    assert_null(f->req.client_dn);
    assert_int_equal(f->req.authn_failed, 0);
    assert_int_equal(f->req.n_headers, 3);
    assert_string_equal(f->req.headers[0].name, "kapi-client-verify");
}

static void test_authn_failed(void **state)
{
    fx *f = *state;
    char *env[] = {
        "REQUEST_METHOD=GET", "REQUEST_URI=/",
        "KAPI_CLIENT_VERIFY=FAILED:unsuitable certificate purpose",
        "KAPI_CLIENT_DN=CN=kube-apiserver",
        "KAPI_AUTHN_FAILED=FAILED:unsuitable certificate purpose",
        NULL,
    };
    assert_int_equal(parse(f, env), 0);
    assert_int_equal(f->req.authn_failed, 1);
    assert_string_equal(f->req.client_verify, "FAILED:unsuitable certificate purpose");
    char *env2[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", "KAPI_AUTHN_FAILED=", NULL };
    assert_int_equal(parse(f, env2), 0);
    assert_int_equal(f->req.authn_failed, 0);
}

static void test_content_length(void **state)
{
    fx *f = *state;
    char *ok[] = { "REQUEST_METHOD=PATCH", "REQUEST_URI=/api/v1/namespaces/default",
                   "CONTENT_TYPE=application/merge-patch+json; charset=utf-8",
                   "CONTENT_LENGTH=3145728", NULL };
    assert_int_equal(parse(f, ok), 0);
    assert_int_equal(f->clen, 3145728);
    assert_string_equal(f->req.method, "PATCH");
    assert_string_equal(f->req.content_type, "application/merge-patch+json; charset=utf-8");

    char *big[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/api/v1/namespaces",
                    "CONTENT_LENGTH=99999999999999999999999999", NULL };
    assert_int_equal(parse(f, big), -1);
    assert_int_equal(f->err.status, 413);
    assert_int_equal(f->err.rc, KAPI_TOO_LARGE);
    assert_string_equal(f->err.message, "Request entity too large: limit is 3145728");

    char *bad[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/", "CONTENT_LENGTH=12a", NULL };
    assert_int_equal(parse(f, bad), -1);
    assert_int_equal(f->err.status, 400);
    char *neg[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/", "CONTENT_LENGTH=-1", NULL };
    assert_int_equal(parse(f, neg), -1);
}

static void test_bounds(void **state)
{
    fx *f = *state;
    /* too many headers */
    size_t n = KAPI_FCGI_MAX_HEADERS + 3;
    char **env = calloc(n + 1, sizeof *env);
    env[0] = "REQUEST_METHOD=GET";
    env[1] = "REQUEST_URI=/";
    for (size_t i = 2; i < n; i++) env[i] = "HTTP_X_A=1";
    assert_int_equal(parse(f, env), -1);
    assert_int_equal(f->err.status, 400);
    free(env);

    /* one enormous param */
    char *huge = malloc(KAPI_FCGI_MAX_PARAM_LEN + 32);
    memcpy(huge, "HTTP_X_BIG=", 11);
    memset(huge + 11, 'a', KAPI_FCGI_MAX_PARAM_LEN + 10);
    huge[KAPI_FCGI_MAX_PARAM_LEN + 21] = '\0';
    char *env2[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", huge, NULL };
    assert_int_equal(parse(f, env2), -1);
    free(huge);

    /* params without '=' are ignored */
    char *env3[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/x", "GARBAGE", "HTTP_", NULL };
    assert_int_equal(parse(f, env3), 0);
    assert_string_equal(f->req.path, "/x");
}

static void test_status_text(void **state)
{
    (void)state;
    assert_string_equal(fcgi_status_text(200), "OK");
    assert_string_equal(fcgi_status_text(413), "Request Entity Too Large");
    assert_string_equal(fcgi_status_text(422), "Unprocessable Entity");
    assert_string_equal(fcgi_status_text(299), "Unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_basic_get, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_query, setup, teardown),
        cmocka_unit_test_setup_teardown(test_percent_decoding, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_escapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_or_bad_method_and_uri, setup, teardown),
        cmocka_unit_test_setup_teardown(test_repeated_headers_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forged_identity_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_authn_failed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_content_length, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bounds, setup, teardown),
        cmocka_unit_test(test_status_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
