/* test_router_auth.c: request attributes from URLs (kube's RequestInfo),
 * the DN parser and authentication, the authorizer's denial messages, and
 * content negotiation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "codec/codec.h"
#include "http/router.h"
#include "auth/authn.h"
#include "auth/authz.h"

static kapi_request make_req(kapi_pool *p, const char *method, const char *path, const char *query)
{
    kapi_request r = {0};
    r.pool = p;
    r.method = method;
    r.path = path;
    r.query = query;
    return r;
}

static void info_for(const char *method, const char *path, const char *query, request_info *out, kapi_pool *p)
{
    kapi_request r = make_req(p, method, path, query);
    assert_int_equal(request_info_parse(&r, out), KAPI_OK);
}

static void test_request_info_resources(void **state)
{
    (void)state;
    kapi_pool *p = kapi_pool_new();
    request_info i;
    info_for("GET", "/api/v1/namespaces/default/pods", "", &i, p);
    assert_true(i.is_resource);
    assert_string_equal(i.verb, "list");
    assert_string_equal(i.namespace_, "default");
    assert_string_equal(i.resource, "pods");
    assert_string_equal(i.name, "");

    info_for("GET", "/api/v1/namespaces/default/pods/nginx", "", &i, p);
    assert_string_equal(i.verb, "get");
    assert_string_equal(i.name, "nginx");

    info_for("POST", "/api/v1/namespaces/default/pods/nginx/binding", "", &i, p);
    assert_string_equal(i.verb, "create");
    assert_string_equal(i.subresource, "binding");

    info_for("DELETE", "/apis/apps/v1/namespaces/ns1/deployments", "", &i, p);
    assert_string_equal(i.verb, "deletecollection");
    assert_string_equal(i.group, "apps");
    assert_string_equal(i.version, "v1");

    info_for("GET", "/api/v1/pods", "watch=true", &i, p);
    assert_string_equal(i.verb, "watch");
    assert_string_equal(i.namespace_, "");

    info_for("GET", "/api/v1/watch/namespaces/default/pods", "", &i, p);
    assert_string_equal(i.verb, "watch");
    assert_string_equal(i.resource, "pods");

    /* a namespace is itself the object */
    info_for("GET", "/api/v1/namespaces/kube-system", "", &i, p);
    assert_string_equal(i.resource, "namespaces");
    assert_string_equal(i.name, "kube-system");
    info_for("PUT", "/api/v1/namespaces/x/status", "", &i, p);
    assert_string_equal(i.resource, "namespaces");
    assert_string_equal(i.subresource, "status");
    assert_string_equal(i.verb, "update");

    /* a list restricted to one name authorizes as that name, dispatches as a list */
    info_for("GET", "/apis/apps/v1/namespaces/default/deployments", "fieldSelector=metadata.name%3Dtest", &i, p);
    assert_string_equal(i.verb, "list");
    assert_string_equal(i.name, "test");
    assert_string_equal(i.url_name, "");
    kapi_pool_free(p);
}

static void test_request_info_nonresource(void **state)
{
    (void)state;
    kapi_pool *p = kapi_pool_new();
    request_info i;
    const char *paths[] = {"/", "/api", "/api/v1", "/apis", "/apis/apps", "/apis/apps/v1", "/version", "/healthz", NULL};
    for (int k = 0; paths[k]; k++) {
        info_for("GET", paths[k], "", &i, p);
        assert_false(i.is_resource);
        assert_string_equal(i.verb, "get");
    }
    info_for("POST", "/version", "", &i, p);
    assert_string_equal(i.verb, "post");
    kapi_pool_free(p);
}

static void test_query_decoding(void **state)
{
    (void)state;
    kapi_pool *p = kapi_pool_new();
    kapi_request r = make_req(p, "GET", "/api/v1/pods", "labelSelector=run%3Dnginx&limit=500&x=a+b&flag");
    assert_string_equal(query_get(&r, "labelSelector"), "run=nginx");
    assert_string_equal(query_get(&r, "limit"), "500");
    assert_string_equal(query_get(&r, "x"), "a b");
    assert_string_equal(query_get(&r, "flag"), "");
    assert_null(query_get(&r, "missing"));
    kapi_request bad = make_req(p, "GET", "/", "a=%zz");
    assert_null(query_get(&bad, "a"));
    kapi_pool_free(p);
}

typedef struct attrs { char buf[10][128]; int n; } attrs;
static void collect(void *arg, const char *type, const char *value)
{
    attrs *a = arg;
    if (a->n < 10) snprintf(a->buf[a->n++], 128, "%s=%s", type, value);
}

static void test_dn_parse(void **state)
{
    (void)state;
    attrs a = {0};
    assert_int_equal(dn_parse("CN=alice,O=ops,O=dev", collect, &a), 0);
    assert_int_equal(a.n, 3);
    assert_string_equal(a.buf[0], "CN=alice");
    assert_string_equal(a.buf[2], "O=dev");
    memset(&a, 0, sizeof a);
    assert_int_equal(dn_parse("CN=carol,OU=team1+O=dev", collect, &a), 0);
    assert_int_equal(a.n, 3);
    assert_string_equal(a.buf[2], "O=dev");
    memset(&a, 0, sizeof a);
    assert_int_equal(dn_parse("CN=Jos\\C3\\A9,O=a\\,b", collect, &a), 0);
    assert_string_equal(a.buf[0], "CN=Jos\xc3\xa9");
    assert_string_equal(a.buf[1], "O=a,b");
    assert_int_equal(dn_parse("", collect, &a), -1);
    assert_int_equal(dn_parse("CN=x,", collect, &a), -1);
    assert_int_equal(dn_parse("novalue", collect, &a), -1);
    assert_int_equal(dn_parse("CN=a\\00b", collect, &a), -1);
}

static void test_authenticate(void **state)
{
    (void)state;
    kapi_pool *p = kapi_pool_new();
    kapi_request r = make_req(p, "GET", "/", "");
    kapi_user u;
    assert_int_equal(authenticate(&r, &u), KAPI_OK);
    assert_string_equal(u.name, "system:anonymous");
    assert_string_equal(u.groups[0], "system:unauthenticated");

    r.client_verify = "SUCCESS";
    r.client_dn = "CN=alice,O=ops,O=dev";
    assert_int_equal(authenticate(&r, &u), KAPI_OK);
    assert_string_equal(u.name, "alice");
    assert_int_equal(u.n_groups, 3);
    assert_string_equal(u.groups[0], "dev");   /* the certificate's order */
    assert_string_equal(u.groups[1], "ops");
    assert_string_equal(u.groups[2], "system:authenticated");

    /* the DN of a certificate that failed verification is never trusted */
    r.client_verify = "FAILED:unsuitable certificate purpose";
    r.client_dn = "CN=kubernetes-admin,O=system:masters";
    assert_int_equal(authenticate(&r, &u), KAPI_UNAUTHORIZED);
    r.client_verify = "success";
    assert_int_equal(authenticate(&r, &u), KAPI_UNAUTHORIZED);
    r.client_verify = NULL;
    r.authn_failed = 1;
    assert_int_equal(authenticate(&r, &u), KAPI_UNAUTHORIZED);
    kapi_pool_free(p);
}

static const char *status_message(cJSON *st)
{
    return cJSON_GetObjectItemCaseSensitive(st, "message")->valuestring;
}

static void test_forbidden_messages(void **state)
{
    (void)state;
    kapi_pool *p = kapi_pool_new();
    kapi_user alice = {.name = "alice", .groups = {"system:authenticated"}, .n_groups = 1};
    kapi_user anon = {.name = "system:anonymous", .groups = {"system:unauthenticated"}, .n_groups = 1};
    request_info i;
    const char *reason;

    info_for("GET", "/", "", &i, p);
    assert_false(authorize(NULL, &anon, &i, &reason));
    cJSON *st = forbidden_status(&anon, &i, reason);
    assert_string_equal(status_message(st), "forbidden: User \"system:anonymous\" cannot get path \"/\"");
    cJSON_Delete(st);

    info_for("GET", "/api/v1/namespaces/default/pods", "", &i, p);
    assert_false(authorize(NULL, &alice, &i, &reason));
    st = forbidden_status(&alice, &i, reason);
    assert_string_equal(status_message(st),
        "pods is forbidden: User \"alice\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"");
    cJSON_Delete(st);

    info_for("DELETE", "/api/v1/namespaces/default/pods/nginx", "", &i, p);
    st = forbidden_status(&alice, &i, NULL);
    assert_string_equal(status_message(st),
        "pods \"nginx\" is forbidden: User \"alice\" cannot delete resource \"pods\" in API group \"\" in the namespace \"default\"");
    cJSON_Delete(st);

    info_for("GET", "/api/v1/namespaces/default/pods/nginx/log", "", &i, p);
    st = forbidden_status(&alice, &i, NULL);
    assert_string_equal(status_message(st),
        "pods \"nginx\" is forbidden: User \"alice\" cannot get resource \"pods/log\" in API group \"\" in the namespace \"default\"");
    cJSON_Delete(st);

    info_for("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles", "", &i, p);
    st = forbidden_status(&alice, &i, NULL);
    assert_string_equal(status_message(st),
        "clusterroles.rbac.authorization.k8s.io is forbidden: User \"alice\" cannot list resource \"clusterroles\" in API group \"rbac.authorization.k8s.io\" at the cluster scope");
    cJSON_Delete(st);

    /* public info for everyone, discovery for the authenticated, all for masters */
    info_for("GET", "/healthz", "", &i, p);
    assert_true(authorize(NULL, &anon, &i, &reason));
    info_for("GET", "/api", "", &i, p);
    assert_false(authorize(NULL, &anon, &i, &reason));
    assert_true(authorize(NULL, &alice, &i, &reason));
    kapi_user admin = {.name = "kubernetes-admin", .groups = {"system:masters", "system:authenticated"}, .n_groups = 2};
    info_for("DELETE", "/api/v1/namespaces/default/pods/nginx", "", &i, p);
    assert_true(authorize(NULL, &admin, &i, &reason));
    kapi_pool_free(p);
}

static void test_negotiation(void **state)
{
    (void)state;
    kapi_pool *p = kapi_pool_new();
    kapi_request r = make_req(p, "GET", "/api/v1/pods", "");
    output_format f;
    r.accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
    assert_int_equal(negotiate_output(&r, ALLOW_TABLE, &f), KAPI_OK);
    assert_int_equal(f.kind, OUTPUT_TABLE);
    assert_string_equal(f.version, "v1");
    assert_int_equal(negotiate_output(&r, 0, &f), KAPI_OK);
    assert_int_equal(f.kind, OUTPUT_JSON);
    r.accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
    assert_int_equal(negotiate_output(&r, ALLOW_DISCOVERY, &f), KAPI_OK);
    assert_int_equal(f.kind, OUTPUT_DISCOVERY);
    assert_string_equal(f.version, "v2");
    r.accept = "application/yaml";
    assert_int_equal(negotiate_output(&r, 0, &f), KAPI_OK);
    assert_int_equal(f.kind, OUTPUT_YAML);
    r.accept = "application/vnd.kubernetes.protobuf";
    assert_int_equal(negotiate_output(&r, 0, &f), KAPI_NOT_ACCEPTABLE);
    r.accept = "application/vnd.kubernetes.protobuf,application/json";
    assert_int_equal(negotiate_output(&r, 0, &f), KAPI_OK);
    assert_int_equal(f.kind, OUTPUT_JSON);
    r.accept = "application/json, */*";
    r.user_agent = "curl/7.88.1";
    assert_int_equal(negotiate_output(&r, 0, &f), KAPI_OK);
    assert_true(f.pretty);
    r.user_agent = "kubectl/v1.32.4";
    assert_int_equal(negotiate_output(&r, 0, &f), KAPI_OK);
    assert_false(f.pretty);
    kapi_pool_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_info_resources),
        cmocka_unit_test(test_request_info_nonresource),
        cmocka_unit_test(test_query_decoding),
        cmocka_unit_test(test_dn_parse),
        cmocka_unit_test(test_authenticate),
        cmocka_unit_test(test_forbidden_messages),
        cmocka_unit_test(test_negotiation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
