/* test_watch_list.c: LIST as kube-apiserver answers it, in-process
 * (kapi_handle over a real store): limit/continue pages that read one
 * consistent snapshot while writes go on, remainingItemCount, kube's token
 * format and its errors, 410 with the inconsistent-continue token after
 * compaction, resourceVersion and resourceVersionMatch (Exact reads the
 * past, NotOlderThan and too-large versions, ListOptions validation),
 * per-kind field selectors, deletecollection with selectors, and the
 * continue token codec itself. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include "core/kapi.h"
#include "server/bootstrap.h"
#include "registry/continue_token.h"
#include "store/store.h"
#include "kapi_test.h"

static char dir[256];
static kapi_ctx ctx;

typedef test_result result;

static result call(const char *method, const char *path, const char *query, const char *body,
                   const char *accept)
{
    const char *ctype = body ? (strcmp(method, "PATCH") ? "application/json" : "application/merge-patch+json") : NULL;
    return test_call(&ctx, (kapi_call_request){.method = method, .path = path, .query = query,
                                               .content_type = ctype, .accept = accept, .body = body});
}

static void create_cm(const char *ns, const char *name, const char *label)
{
    char path[128], body[400];
    snprintf(path, sizeof path, "/api/v1/namespaces/%s/configmaps", ns);
    snprintf(body, sizeof body,
             "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"%s\",\"labels\":{\"tier\":\"%s\"}}}",
             name, label);
    result r = call("POST", path, NULL, body, NULL);
    assert_int_equal(r.status, 201);
    cJSON_Delete(r.body);
}

static void create_namespace(const char *ns)
{
    char body[200];
    snprintf(body, sizeof body, "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"%s\"}}", ns);
    result r = call("POST", "/api/v1/namespaces", NULL, body, NULL);
    assert_int_equal(r.status, 201);
    cJSON_Delete(r.body);
}

static int setup(void **state)
{
    (void)state;
    if (test_store_open(&ctx, dir, sizeof dir, "list")) return -1;
    if (bootstrap_ensure(&ctx)) return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return test_store_remove(&ctx, dir);
}

/* ---------------------------------------------------------------- tests */

static void test_pages_read_one_snapshot_while_writes_go_on(void **state)
{
    (void)state;
    create_namespace("p1");
    for (int i = 0; i < 25; i++) {
        char name[16];
        snprintf(name, sizeof name, "cm-%02d", i);
        create_cm("p1", name, i % 2 ? "odd" : "even");
    }
    char query[600] = "limit=10";
    int seen[25] = {0}, pages = 0, total = 0;
    const char *first_rv = NULL;
    char rv0[32] = "";
    for (;;) {
        result r = call("GET", "/api/v1/namespaces/p1/configmaps", query, NULL, NULL);
        assert_int_equal(r.status, 200);
        const cJSON *items = cJSON_GetObjectItem(r.body, "items");
        const cJSON *it;
        cJSON_ArrayForEach(it, items) {
            const char *name = json_str_at(it, "metadata.name", "");
            int i = atoi(name + 3);
            assert_true(i >= 0 && i < 25);
            seen[i]++;
            total++;
        }
        const char *rv = json_str_at(r.body, "metadata.resourceVersion", "");
        if (!first_rv) {
            snprintf(rv0, sizeof rv0, "%s", rv);
            first_rv = rv0;
        }
        assert_string_equal(rv, first_rv);              /* every page: the first page's revision */
        pages++;
        /* writes between pages: new names, deletions and changes stay out */
        char name[32];
        snprintf(name, sizeof name, "cm-%02d-new", pages);
        create_cm("p1", name, "even");
        const char *cont = json_str_at(r.body, "metadata.continue", "");
        const cJSON *rem = cJSON_GetObjectItem(cJSON_GetObjectItem(r.body, "metadata"), "remainingItemCount");
        if (!*cont) {
            assert_null(rem);
            cJSON_Delete(r.body);
            break;
        }
        assert_non_null(rem);
        assert_int_equal(rem->valueint, 25 - total);
        snprintf(query, sizeof query, "limit=10&continue=%s", cont);
        cJSON_Delete(r.body);
    }
    assert_int_equal(pages, 3);
    assert_int_equal(total, 25);
    for (int i = 0; i < 25; i++) assert_int_equal(seen[i], 1);

    /* with a selector: pages of matches, no remainingItemCount */
    result r = call("GET", "/api/v1/namespaces/p1/configmaps", "limit=5&labelSelector=tier%3Dodd", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r.body, "items")), 5);
    assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(r.body, "metadata"), "remainingItemCount"));
    assert_true(*json_str_at(r.body, "metadata.continue", ""));
    cJSON_Delete(r.body);

    /* resourceVersion=0 is served whole: the limit is ignored */
    r = call("GET", "/api/v1/namespaces/p1/configmaps", "limit=5&resourceVersion=0", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r.body, "items")), 28);
    assert_string_equal(json_str_at(r.body, "metadata.continue", ""), "");
    cJSON_Delete(r.body);
}

static void test_token_is_kubes_and_bad_ones_are_refused(void **state)
{
    (void)state;
    create_namespace("p2");
    create_cm("p2", "a", "x");
    create_cm("p2", "b", "x");
    result r = call("GET", "/api/v1/namespaces/p2/configmaps", "limit=1", NULL, NULL);
    const char *cont = json_str_at(r.body, "metadata.continue", "");
    kapi_pool *p = kapi_pool_new();
    int64_t rev;
    char *start;
    int after;
    char err[300];
    assert_int_equal(continue_token_decode(p, cont, &rev, &start, &after, err, sizeof err), 0);
    assert_string_equal(start, "a");
    assert_int_equal(after, 1);
    assert_int_equal(rev, atoll(json_str_at(r.body, "metadata.resourceVersion", "")));
    /* exactly kube's JSON, base64url without padding */
    char *again = continue_token_encode(p, rev, "a", 1);
    assert_string_equal(again, cont);
    char want[128];
    snprintf(want, sizeof want, "{\"v\":\"meta.k8s.io/v1\",\"rv\":%lld,\"start\":\"a\\u0000\"}", (long long)rev);
    char std[256];
    size_t n = strlen(cont);
    assert_true(n < sizeof std - 4);
    for (size_t i = 0; i < n; i++) std[i] = cont[i] == '-' ? '+' : cont[i] == '_' ? '/' : cont[i];
    while (n % 4) std[n++] = '=';
    std[n] = '\0';
    unsigned char plain[256];
    int got = EVP_DecodeBlock(plain, (const unsigned char *)std, (int)n);
    assert_true(got > 0);
    while (got > 0 && plain[got - 1] == '\0' && got > (int)strlen(want)) got--;
    assert_int_equal(got, (int)strlen(want));
    assert_memory_equal(plain, want, strlen(want));
    cJSON_Delete(r.body);

    struct { const char *token; const char *message; } bad[] = {
        {"!!!", "invalid continue token: continue key is not valid: illegal base64 data at input byte 0"},
        /* {"v":"meta.k8s.io/v2","rv":1,"start":"a"} */
        {"eyJ2IjoibWV0YS5rOHMuaW8vdjIiLCJydiI6MSwic3RhcnQiOiJhIn0",
         "invalid continue token: continue key is not valid: server does not recognize this encoded version meta.k8s.io/v2"},
        /* {"v":"meta.k8s.io/v1","rv":0,"start":"a"} */
        {"eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MCwic3RhcnQiOiJhIn0",
         "invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)"},
        /* {"v":"meta.k8s.io/v1","rv":1,"start":""} */
        {"eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MSwic3RhcnQiOiIifQ",
         "invalid continue token: continue key is not valid: encoded start key empty (version meta.k8s.io/v1)"},
        /* {"v":"meta.k8s.io/v1","rv":1,"start":"../x"} */
        {"eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MSwic3RhcnQiOiIuLi94In0",
         "invalid continue token: continue key is not valid: ../x"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char q[300];
        snprintf(q, sizeof q, "limit=1&continue=%s", bad[i].token);
        r = call("GET", "/api/v1/namespaces/p2/configmaps", q, NULL, NULL);
        assert_int_equal(r.status, 400);
        assert_string_equal(json_str_at(r.body, "message", ""), bad[i].message);
        cJSON_Delete(r.body);
    }
    /* a continue with a resourceVersion */
    char q[300];
    snprintf(q, sizeof q, "limit=1&resourceVersion=5&continue=%s", again);
    r = call("GET", "/api/v1/namespaces/p2/configmaps", q, NULL, NULL);
    assert_int_equal(r.status, 400);
    assert_string_equal(json_str_at(r.body, "message", ""), "specifying resource version is not allowed when using continue");
    cJSON_Delete(r.body);
    kapi_pool_free(p);
}

static void test_compacted_continue_is_410_with_a_fresh_token(void **state)
{
    (void)state;
    create_namespace("p3");
    for (int i = 0; i < 4; i++) {
        char name[16];
        snprintf(name, sizeof name, "c%d", i);
        create_cm("p3", name, "x");
    }
    result r = call("GET", "/api/v1/namespaces/p3/configmaps", "limit=2", NULL, NULL);
    char cont[512];
    snprintf(cont, sizeof cont, "%s", json_str_at(r.body, "metadata.continue", ""));
    cJSON_Delete(r.body);
    create_cm("p3", "c9", "x");
    assert_int_equal(store_compact(ctx.store, store_revision(ctx.store)), STORE_OK);
    char q[600];
    snprintf(q, sizeof q, "limit=2&continue=%s", cont);
    r = call("GET", "/api/v1/namespaces/p3/configmaps", q, NULL, NULL);
    assert_int_equal(r.status, 410);
    assert_string_equal(json_str_at(r.body, "reason", ""), "Expired");
    assert_string_equal(json_str_at(r.body, "message", ""),
        "The provided continue parameter is too old to display a consistent list result. You can start "
        "a new list without the continue parameter, or use the continue token in this response to "
        "retrieve the remainder of the results. Continuing with the provided token results in an "
        "inconsistent list - objects that were created, modified, or deleted between the time the "
        "first chunk was returned and now may show up in the list.");
    const char *fresh = json_str_at(r.body, "metadata.continue", "");
    kapi_pool *p = kapi_pool_new();
    int64_t rev;
    char *start;
    int after;
    char err[200];
    assert_int_equal(continue_token_decode(p, fresh, &rev, &start, &after, err, sizeof err), 0);
    assert_int_equal(rev, -1);
    assert_string_equal(start, "c1");
    /* the fresh token continues at the latest revision: c2, c3, c9 */
    snprintf(q, sizeof q, "continue=%s", fresh);
    cJSON_Delete(r.body);
    r = call("GET", "/api/v1/namespaces/p3/configmaps", q, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r.body, "items")), 3);
    cJSON_Delete(r.body);
    kapi_pool_free(p);
}

static void test_resource_versions_and_matches(void **state)
{
    (void)state;
    create_namespace("p4");
    create_cm("p4", "a", "x");
    long long before = store_revision(ctx.store);
    create_cm("p4", "b", "x");
    long long now = store_revision(ctx.store);
    char q[200];

    /* Exact: the past */
    snprintf(q, sizeof q, "resourceVersion=%lld&resourceVersionMatch=Exact", before);
    result r = call("GET", "/api/v1/namespaces/p4/configmaps", q, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r.body, "items")), 1);
    assert_int_equal(atoll(json_str_at(r.body, "metadata.resourceVersion", "")), before);
    cJSON_Delete(r.body);
    /* a revision with a limit is exact too (kube's legacy rule) */
    snprintf(q, sizeof q, "resourceVersion=%lld&limit=10", before);
    r = call("GET", "/api/v1/namespaces/p4/configmaps", q, NULL, NULL);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r.body, "items")), 1);
    cJSON_Delete(r.body);
    /* NotOlderThan (or no match, no limit): the latest */
    snprintf(q, sizeof q, "resourceVersion=%lld&resourceVersionMatch=NotOlderThan", before);
    r = call("GET", "/api/v1/namespaces/p4/configmaps", q, NULL, NULL);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r.body, "items")), 2);
    assert_int_equal(atoll(json_str_at(r.body, "metadata.resourceVersion", "")), now);
    cJSON_Delete(r.body);

    /* too large: 504; Exact at once, NotOlderThan after waiting (retry 1 s) */
    snprintf(q, sizeof q, "resourceVersion=%lld&resourceVersionMatch=Exact", now + 100);
    r = call("GET", "/api/v1/namespaces/p4/configmaps", q, NULL, NULL);
    assert_int_equal(r.status, 504);
    char msg[160];
    snprintf(msg, sizeof msg, "Timeout: Too large resource version: %lld, current: %lld", now + 100, now);
    assert_string_equal(json_str_at(r.body, "message", ""), msg);
    assert_string_equal(json_str_at(r.body, "reason", ""), "Timeout");
    cJSON *cause = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(r.body, "details"), "causes"), 0);
    assert_string_equal(json_str_at(cause, "reason", ""), "ResourceVersionTooLarge");
    assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(r.body, "details"), "retryAfterSeconds"));
    cJSON_Delete(r.body);
    snprintf(q, sizeof q, "resourceVersion=%lld", now + 100);
    r = call("GET", "/api/v1/namespaces/p4/configmaps", q, NULL, NULL);
    assert_int_equal(r.status, 504);
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(r.body, "details"), "retryAfterSeconds")->valueint, 1);
    cJSON_Delete(r.body);

    /* GET: not older than the version asked for */
    snprintf(q, sizeof q, "resourceVersion=%lld", now);
    r = call("GET", "/api/v1/namespaces/p4/configmaps/a", q, NULL, NULL);
    assert_int_equal(r.status, 200);
    cJSON_Delete(r.body);
    snprintf(q, sizeof q, "resourceVersion=%lld", now + 5);
    r = call("GET", "/api/v1/namespaces/p4/configmaps/a", q, NULL, NULL);
    assert_int_equal(r.status, 504);
    cJSON_Delete(r.body);
    r = call("GET", "/api/v1/namespaces/p4/configmaps/a", "resourceVersion=x", NULL, NULL);
    assert_int_equal(r.status, 500);
    assert_string_equal(json_str_at(r.body, "message", ""),
                        "resourceVersion: Invalid value: \"x\": strconv.ParseUint: parsing \"x\": invalid syntax");
    assert_null(cJSON_GetObjectItem(r.body, "reason"));
    cJSON_Delete(r.body);

    /* compacted exact: 410 */
    assert_int_equal(store_compact(ctx.store, now), STORE_OK);
    snprintf(q, sizeof q, "resourceVersion=%lld&resourceVersionMatch=Exact", before);
    r = call("GET", "/api/v1/namespaces/p4/configmaps", q, NULL, NULL);
    assert_int_equal(r.status, 410);
    assert_string_equal(json_str_at(r.body, "message", ""), "The resourceVersion for the provided list is too old.");
    cJSON_Delete(r.body);

    /* validation (422) and decoding (400) */
    struct { const char *q; int status; const char *message; } bad[] = {
        {"resourceVersionMatch=Exact", 422,
         "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided"},
        {"resourceVersion=0&resourceVersionMatch=Exact", 422,
         "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""},
        {"resourceVersion=1&resourceVersionMatch=Newest", 422,
         "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Unsupported value: \"Newest\": supported values: \"Exact\", \"NotOlderThan\", \"\""},
        {"sendInitialEvents=true", 422,
         "ListOptions.meta.k8s.io \"\" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list"},
        {"limit=ten", 400, "strconv.ParseInt: parsing \"ten\": invalid syntax"},
        {"resourceVersion=x1", 400,
         "invalid resource version: resourceVersion: Invalid value: \"x1\": strconv.ParseUint: parsing \"x1\": invalid syntax"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = call("GET", "/api/v1/namespaces/p4/configmaps", bad[i].q, NULL, NULL);
        assert_int_equal(r.status, bad[i].status);
        assert_string_equal(json_str_at(r.body, "message", ""), bad[i].message);
        cJSON_Delete(r.body);
    }
}

static void test_field_selectors_of_kinds(void **state)
{
    (void)state;
    create_namespace("p5");
    result r = call("POST", "/api/v1/namespaces/p5/secrets", NULL,
                    "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s1\"},\"type\":\"kubernetes.io/tls\",\"data\":{\"tls.crt\":\"\",\"tls.key\":\"\"}}", NULL);
    assert_int_equal(r.status, 201);
    cJSON_Delete(r.body);
    r = call("POST", "/api/v1/namespaces/p5/secrets", NULL,
             "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s2\"}}", NULL);
    cJSON_Delete(r.body);
    r = call("GET", "/api/v1/namespaces/p5/secrets", "fieldSelector=type%3Dkubernetes.io%2Ftls", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r.body, "items")), 1);
    cJSON_Delete(r.body);
    r = call("GET", "/api/v1/namespaces/p5/secrets", "fieldSelector=type!%3DOpaque,metadata.name%3Ds1", NULL, NULL);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r.body, "items")), 1);
    cJSON_Delete(r.body);
    /* nodes take no namespace field; configmaps no type */
    r = call("GET", "/api/v1/nodes", "fieldSelector=metadata.namespace%3Dx", NULL, NULL);
    assert_int_equal(r.status, 400);
    assert_string_equal(json_str_at(r.body, "message", ""), "field label not supported: metadata.namespace");
    cJSON_Delete(r.body);
    r = call("GET", "/api/v1/namespaces/p5/configmaps", "fieldSelector=type%3Dx", NULL, NULL);
    assert_int_equal(r.status, 400);
    cJSON_Delete(r.body);
    /* a pod's spec.host is spec.nodeName; hostNetwork is "false" when unset */
    r = call("GET", "/api/v1/pods", "fieldSelector=spec.host%3D,spec.hostNetwork%3Dfalse", NULL, NULL);
    assert_int_equal(r.status, 200);
    cJSON_Delete(r.body);
}

static void test_deletecollection_honours_selectors(void **state)
{
    (void)state;
    create_namespace("p6");
    create_cm("p6", "keep", "db");
    create_cm("p6", "go1", "web");
    create_cm("p6", "go2", "web");
    result r = call("DELETE", "/api/v1/namespaces/p6/configmaps", "labelSelector=tier%3Dweb", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(json_str_at(r.body, "kind", ""), "ConfigMapList");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r.body, "items")), 2);
    cJSON_Delete(r.body);
    r = call("GET", "/api/v1/namespaces/p6/configmaps", NULL, NULL, NULL);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r.body, "items")), 1);
    assert_string_equal(json_str_at(cJSON_GetArrayItem(cJSON_GetObjectItem(r.body, "items"), 0), "metadata.name", ""), "keep");
    cJSON_Delete(r.body);
}

static void test_table_lists_carry_the_continue_token(void **state)
{
    (void)state;
    result r = call("GET", "/api/v1/namespaces/p1/configmaps", "limit=3", NULL,
                    "application/json;as=Table;v=v1;g=meta.k8s.io");
    assert_int_equal(r.status, 200);
    assert_string_equal(json_str_at(r.body, "kind", ""), "Table");
    assert_true(*json_str_at(r.body, "metadata.continue", ""));
    assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(r.body, "metadata"), "remainingItemCount"));
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r.body, "rows")), 3);
    cJSON_Delete(r.body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pages_read_one_snapshot_while_writes_go_on),
        cmocka_unit_test(test_token_is_kubes_and_bad_ones_are_refused),
        cmocka_unit_test(test_compacted_continue_is_410_with_a_fresh_token),
        cmocka_unit_test(test_resource_versions_and_matches),
        cmocka_unit_test(test_field_selectors_of_kinds),
        cmocka_unit_test(test_deletecollection_honours_selectors),
        cmocka_unit_test(test_table_lists_carry_the_continue_token),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
