/* test_health.c: /healthz, /livez and /readyz as kube-apiserver's healthz
 * handlers answer them (fcgi/http/health.c): the checks of each, ?verbose,
 * ?exclude= and its warning, per-check paths, the post-start hooks before
 * the bootstrap and readyz's shutdown check; and a store out of space as
 * clients see it: /readyz failing its etcd checks, /readyz/etcd giving the
 * reason, and a create
 * refused with kube's 500 Status carrying etcd's "etcdserver: mvcc:
 * database space exceeded" and no reason. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "kapi_test.h"
#include "core/metrics.h"

static test_result get(kapi_ctx *ctx, const char *path)
{
    return test_call(ctx, (kapi_call_request){.method = "GET", .path = path});
}

/* Opens a store with the given space settings into ctx. */
static void open_store(kapi_ctx *ctx, char *dir, size_t n, long long quota, long long reserve)
{
    store_space_opts o = {.quota_bytes = quota, .reserve_bytes = reserve};
    store_set_space_defaults(&o);
    assert_int_equal(test_store_open(ctx, dir, n, "readyz"), 0);
}

static void close_store(kapi_ctx *ctx, const char *dir)
{
    assert_int_equal(test_store_remove(ctx, dir), 0);
    store_space_opts defaults = {0, 0};
    store_set_space_defaults(&defaults);
}

/* kube's post-start hooks kapi's bootstrap does the work of, in kube's order */
#define HOOKS(ok)                                                          \
    "[+]poststarthook/start-apiserver-admission-initializer " ok "\n"      \
    "[+]poststarthook/generic-apiserver-start-informers " ok "\n"          \
    "[+]poststarthook/priority-and-fairness-filter " ok "\n"               \
    "[+]poststarthook/start-apiextensions-informers " ok "\n"              \
    "[+]poststarthook/start-apiextensions-controllers " ok "\n"            \
    "[+]poststarthook/crd-informer-synced " ok "\n"                        \
    "[+]poststarthook/start-system-namespaces-controller " ok "\n"         \
    "[+]poststarthook/rbac/bootstrap-roles " ok "\n"                       \
    "[+]poststarthook/scheduling/bootstrap-system-priority-classes " ok "\n"

/* The store of the tests that need no space settings (cmocka setup and
 * teardown per test). */
static kapi_ctx plain;
static char plain_dir[128];

static int plain_open(void **state)
{
    (void)state;
    plain = (kapi_ctx){0};
    open_store(&plain, plain_dir, sizeof plain_dir, 0, 0);
    return 0;
}

static int plain_close(void **state)
{
    (void)state;
    close_store(&plain, plain_dir);
    return 0;
}

static void test_before_bootstrap(void **state)
{
    (void)state;
    kapi_ctx *ctx = &plain;
    /* nothing bootstrapped in this process yet: kube's "not finished" */
    test_result r = get(ctx, "/livez");
    assert_int_equal(r.status, 500);
    assert_non_null(strstr(r.text, "[-]poststarthook/rbac/bootstrap-roles failed: reason withheld\n"));
    assert_non_null(strstr(r.text, "livez check failed\n"));
    r = get(ctx, "/livez/poststarthook/rbac/bootstrap-roles");
    assert_int_equal(r.status, 500);
    assert_string_equal(r.text, "internal server error: not finished\n");
    metrics_flag_set(METRICS_BOOTSTRAPPED);
    r = get(ctx, "/livez/poststarthook/rbac/bootstrap-roles");
    assert_int_equal(r.status, 200);
    assert_string_equal(r.text, "ok");
}

static void test_ready_store(void **state)
{
    (void)state;
    kapi_ctx *ctx = &plain;

    test_result r = get(ctx, "/readyz");
    assert_int_equal(r.status, 200);
    assert_string_equal(r.text, "ok");
    r = get(ctx, "/readyz?verbose");
    assert_int_equal(r.status, 200);
    assert_string_equal(r.text, "[+]ping ok\n[+]log ok\n[+]etcd ok\n[+]etcd-readiness ok\n" HOOKS("ok")
                                "[+]shutdown ok\nreadyz check passed\n");
    r = get(ctx, "/livez?verbose");
    assert_string_equal(r.text, "[+]ping ok\n[+]log ok\n[+]etcd ok\n" HOOKS("ok") "livez check passed\n");
    r = get(ctx, "/healthz?verbose");
    assert_string_equal(r.text, "[+]ping ok\n[+]log ok\n[+]etcd ok\n" HOOKS("ok") "healthz check passed\n");
    r = get(ctx, "/healthz");
    assert_string_equal(r.text, "ok");
    r = get(ctx, "/readyz?verbose&exclude=etcd&exclude=shutdown");
    assert_string_equal(r.text, "[+]ping ok\n[+]log ok\n[+]etcd excluded: ok\n[+]etcd-readiness ok\n"
                                HOOKS("ok") "[+]shutdown excluded: ok\nreadyz check passed\n");
    /* the names that match nothing: once each, sorted, quoted as Go's %q */
    r = get(ctx, "/livez?verbose&exclude=zz&exclude=shutdown&exclude=a%22b&exclude=zz&exclude=ping");
    assert_string_equal(r.text, "[+]ping excluded: ok\n[+]log ok\n[+]etcd ok\n" HOOKS("ok")
                                "warn: some health checks cannot be excluded: no matches for "
                                "\"a\\\"b\",\"shutdown\",\"zz\"\n"
                                "livez check passed\n");
    r = get(ctx, "/readyz?exclude=nope");
    assert_string_equal(r.text, "ok");
    r = get(ctx, "/readyz/etcd");
    assert_int_equal(r.status, 200);
    assert_string_equal(r.text, "ok");
    r = get(ctx, "/readyz/shutdown");
    assert_string_equal(r.text, "ok");
    r = get(ctx, "/readyz/nope");
    assert_int_equal(r.status, 404);
    cJSON_Delete(r.body);
    r = get(ctx, "/livez/shutdown");               /* readyz's check only */
    assert_int_equal(r.status, 404);
    cJSON_Delete(r.body);
}

static void test_shutting_down(void **state)
{
    (void)state;
    kapi_ctx *ctx = &plain;
    metrics_flag_set(METRICS_SHUTTING_DOWN);
    test_result r = get(ctx, "/readyz");
    assert_int_equal(r.status, 500);
    assert_string_equal(r.text, "[+]ping ok\n[+]log ok\n[+]etcd ok\n[+]etcd-readiness ok\n" HOOKS("ok")
                                "[-]shutdown failed: reason withheld\nreadyz check failed\n");
    r = get(ctx, "/readyz/shutdown");
    assert_int_equal(r.status, 500);
    assert_string_equal(r.text, "internal server error: process is shutting down\n");
    r = get(ctx, "/livez");                         /* alive while it drains */
    assert_int_equal(r.status, 200);
}

static void test_full_disk_fails_the_etcd_check(void **state)
{
    (void)state;
    kapi_ctx ctx = {0};
    char dir[128];
    open_store(&ctx, dir, sizeof dir, 0, 1LL << 60);   /* a reserve no disk can hold */

    test_result r = get(&ctx, "/readyz");
    assert_int_equal(r.status, 500);
    assert_string_equal(r.text, "[+]ping ok\n[+]log ok\n[-]etcd failed: reason withheld\n"
                                "[-]etcd-readiness failed: reason withheld\n" HOOKS("ok")
                                "[+]shutdown ok\nreadyz check failed\n");
    r = get(&ctx, "/readyz?exclude=etcd&exclude=etcd-readiness");
    assert_int_equal(r.status, 200);
    r = get(&ctx, "/readyz/etcd");
    assert_int_equal(r.status, 500);
    assert_string_equal(r.text, "internal server error: etcdserver: mvcc: database space exceeded "
                                "(the disk is full)\n");
    close_store(&ctx, dir);
}

static void test_quota_refusal_as_kube_passes_it(void **state)
{
    (void)state;
    kapi_ctx ctx = {0};
    char dir[128];
    open_store(&ctx, dir, sizeof dir, 1, 0);          /* a quota of one byte */

    test_result r = test_call(&ctx, (kapi_call_request){
        .method = "POST", .path = "/api/v1/namespaces",
        .body = "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"a\"}}"});
    assert_int_equal(r.status, 500);
    assert_string_equal(r.text, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
                                "\"status\":\"Failure\",\"message\":\"etcdserver: mvcc: database "
                                "space exceeded\",\"code\":500}");
    cJSON_Delete(r.body);
    r = get(&ctx, "/readyz/etcd");
    assert_string_equal(r.text, "internal server error: etcdserver: mvcc: database space exceeded "
                                "(the storage quota is reached)\n");
    close_store(&ctx, dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_before_bootstrap, plain_open, plain_close),
        cmocka_unit_test_setup_teardown(test_ready_store, plain_open, plain_close),
        cmocka_unit_test(test_full_disk_fails_the_etcd_check),
        cmocka_unit_test(test_quota_refusal_as_kube_passes_it),
        cmocka_unit_test_setup_teardown(test_shutting_down, plain_open, plain_close),      /* last: the flag stays set */
    };
    return cmocka_run_group_tests_name("health", tests, NULL, NULL);
}
