/* test_metrics.c: the pool's shared counters (core/metrics.c): counters and
 * histograms seen across processes, per-worker gauges summed and zeroed
 * when a worker slot restarts; kube's label values (verb, scope, dry_run);
 * Go's float format; /metrics through the pipeline counting requests by
 * kube's labels, in the text format and OpenMetrics; query_get_all. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kapi_test.h"
#include "core/alloc.h"
#include "core/metrics.h"
#include "http/metrics.h"

static kapi_ctx ctx;
static char dir[128];
TEST_GROUP_STORE("metrics")

typedef struct wanted {
    const char *key;
    metric_sample sample;
} wanted;

static int find_key(void *arg, const metric_sample *s)
{
    wanted *w = arg;
    if (strcmp(s->key, w->key)) return 0;
    w->sample = *s;
    return 1;
}

/* The series of f with these joined label values (zero when none). */
static metric_sample sample_of(metric_family f, const char *key)
{
    wanted w = {.key = key};
    metrics_each(f, find_key, &w);
    return w.sample;
}

static void test_counter_shared_across_fork(void **state)
{
    (void)state;
    const char *labels[] = {"get", "widgets"};
    metrics_counter_add(MF_WATCH_EVENTS, labels, 2, 2);
    assert_int_equal(sample_of(MF_WATCH_EVENTS, "get\x1fwidgets").count, 2);
    pid_t pid = fork();
    if (pid == 0) {                          /* a worker: adds to the same series */
        metrics_counter_add(MF_WATCH_EVENTS, labels, 2, 5);
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    assert_int_equal(sample_of(MF_WATCH_EVENTS, "get\x1fwidgets").count, 7);
}

static void test_histogram_buckets(void **state)
{
    (void)state;
    const char *labels[] = {"observe", "things"};
    double values[] = {0.001, 0.005, 0.03, 0.7, 100};   /* 0.005 is in the le="0.005" bucket */
    for (size_t i = 0; i < 5; i++) metrics_observe(MF_STORAGE_DURATION, labels, 2, values[i]);
    metric_sample s = sample_of(MF_STORAGE_DURATION, "observe\x1fthings");
    assert_int_equal(s.count, 5);
    assert_int_equal(s.buckets[0], 2);       /* <= 0.005 */
    assert_int_equal(s.buckets[1], 0);       /* <= 0.025 */
    assert_int_equal(s.buckets[2], 1);       /* <= 0.05 */
    assert_int_equal(s.buckets[7], 1);       /* <= 0.8 */
    int nb;
    metrics_bucket_bounds(MB_SECONDS, &nb);
    assert_int_equal(nb, 23);                /* kube's 23 bounds, then +Inf */
    assert_int_equal(s.buckets[nb], 1);
    assert_true(s.sum > 100.73 && s.sum < 100.74);
}

static int64_t gauge_value(const char *key)
{
    return sample_of(MF_WATCHERS, key).gauge;
}

static void test_gauges_per_worker(void **state)
{
    (void)state;
    const char *gvk[] = {"apps", "Deployment", "v1"};
    metrics_worker_begin(1);
    metrics_gauge_add(MF_WATCHERS, gvk, 3, 3);
    metrics_fixed_gauge_add(MG_INFLIGHT_MUTATING, 4);
    metrics_worker_begin(2);
    metrics_gauge_add(MF_WATCHERS, gvk, 3, 2);
    metrics_fixed_gauge_add(MG_INFLIGHT_MUTATING, 1);
    assert_int_equal(gauge_value("apps\x1f" "Deployment\x1fv1"), 5);   /* one series, summed */
    assert_int_equal(metrics_fixed_gauge(MG_INFLIGHT_MUTATING), 5);
    metrics_worker_begin(1);                 /* slot 1's worker restarted: its share is gone */
    assert_int_equal(gauge_value("apps\x1f" "Deployment\x1fv1"), 2);
    assert_int_equal(metrics_fixed_gauge(MG_INFLIGHT_MUTATING), 1);
    metrics_worker_begin(2);
    metrics_worker_begin(0);
}

static void test_float_format(void **state)
{
    (void)state;
    static const struct { double v; const char *go; } cases[] = {
        {0.005, "0.005"}, {10, "10"}, {60, "60"}, {1.25, "1.25"}, {0, "0"}, {123456, "123456"},
        {1e6, "1e+06"}, {1234567, "1.234567e+06"}, {0.0001, "0.0001"}, {0.00001, "1e-05"},
        {0.1 + 0.2, "0.30000000000000004"}, {-2.5, "-2.5"}};
    char buf[64];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        metrics_format_float(buf, sizeof buf, cases[i].v);
        assert_string_equal(buf, cases[i].go);
    }
}

static kapi_request request(kapi_pool *p, const char *method, const char *query, const char *ctype)
{
    kapi_request r = {.pool = p, .method = method, .path = "/", .query = query, .content_type = ctype};
    return r;
}

static void test_kube_labels(void **state)
{
    (void)state;
    kapi_pool *p = kapi_pool_new();
    request_info named = {.is_resource = 1, .verb = "get", .namespace_ = "default", .name = "x",
                          .resource = "configmaps", .subresource = ""};
    request_info list = {.is_resource = 1, .verb = "list", .namespace_ = "default", .name = "",
                         .resource = "configmaps", .subresource = ""};
    request_info all = {.is_resource = 1, .verb = "list", .namespace_ = "", .name = "",
                        .resource = "configmaps", .subresource = ""};
    request_info create = {.is_resource = 1, .verb = "create", .namespace_ = "default", .name = "",
                           .resource = "configmaps", .subresource = ""};
    request_info watch = {.is_resource = 1, .verb = "watch", .namespace_ = "default", .name = "",
                          .resource = "configmaps", .subresource = ""};
    assert_string_equal(metrics_scope(&named), "resource");
    assert_string_equal(metrics_scope(&list), "namespace");
    assert_string_equal(metrics_scope(&all), "cluster");
    assert_string_equal(metrics_scope(&create), "resource");    /* kube: a create is "resource" */
    kapi_request get = request(p, "GET", "", NULL), head = request(p, "HEAD", "", NULL);
    assert_string_equal(metrics_verb(&get, &named, "resource"), "GET");
    assert_string_equal(metrics_verb(&head, &named, "resource"), "GET");
    assert_string_equal(metrics_verb(&get, &list, "namespace"), "LIST");
    assert_string_equal(metrics_verb(&get, &watch, "namespace"), "WATCH");
    kapi_request post = request(p, "POST", "", NULL), apply = request(p, "PATCH", "", "application/apply-patch+yaml");
    kapi_request patch = request(p, "PATCH", "", "application/merge-patch+json"), opts = request(p, "OPTIONS", "", NULL);
    assert_string_equal(metrics_verb(&post, &create, "resource"), "POST");
    assert_string_equal(metrics_verb(&apply, &named, "resource"), "APPLY");
    assert_string_equal(metrics_verb(&patch, &named, "resource"), "PATCH");
    assert_string_equal(metrics_verb(&opts, &named, "resource"), "other");
    kapi_request dry = request(p, "POST", "dryRun=All", NULL), twice = request(p, "POST", "dryRun=All&dryRun=All", NULL);
    kapi_request bad = request(p, "POST", "dryRun=x", NULL), none = request(p, "POST", "a=b", NULL);
    assert_string_equal(metrics_dry_run(&dry), "All");
    assert_string_equal(metrics_dry_run(&twice), "All");
    assert_string_equal(metrics_dry_run(&bad), "invalid");
    assert_string_equal(metrics_dry_run(&none), "");
    int n;
    kapi_request q = request(p, "GET", "exclude=a&x=1&exclude=b%2Fc&exclude&exclude=%zz", NULL);
    const char **v = query_get_all(&q, "exclude", &n);
    assert_int_equal(n, 3);                  /* the malformed escape is left out */
    assert_string_equal(v[0], "a");
    assert_string_equal(v[1], "b/c");
    assert_string_equal(v[2], "");
    assert_null(v[3]);
    assert_null(query_get_all(&q, "nope", &n));
    assert_int_equal(n, 0);
    kapi_pool_free(p);
}

/* GET /metrics as the admin; the whole text (test_call cuts at 16 KiB). */
static char *scrape(const char *accept, char *ctype, size_t n)
{
    kapi_call_request rq = {.user = &admin, .method = "GET", .path = "/metrics", .accept = accept};
    kapi_reply reply;
    assert_int_equal(kapi_call(&ctx, &rq, &reply), 200);
    snprintf(ctype, n, "%s", reply.content_type);
    char *text = kapi_xstrndup(reply.text, reply.len);
    kapi_reply_free(&reply);
    return text;
}

static void test_metrics_endpoint(void **state)
{
    (void)state;
    for (int i = 0; i < 3; i++) {
        test_result r = test_call(&ctx, (kapi_call_request){.method = "GET",
                                                             .path = "/api/v1/namespaces/default/configmaps/nope"});
        assert_int_equal(r.status, 404);
        cJSON_Delete(r.body);
    }
    char ctype[128];
    char *text = scrape(NULL, ctype, sizeof ctype);
    assert_string_equal(ctype, "text/plain; version=0.0.4; charset=utf-8");
    assert_non_null(strstr(text, "# HELP apiserver_request_total [STABLE] Counter of apiserver requests "
                                 "broken out for each verb, dry run value, group, version, resource, "
                                 "scope, component, and HTTP response code.\n"
                                 "# TYPE apiserver_request_total counter\n"));
    assert_non_null(strstr(text, "\napiserver_request_total{code=\"404\",component=\"apiserver\","
                                 "dry_run=\"\",group=\"\",resource=\"configmaps\",scope=\"resource\","
                                 "subresource=\"\",verb=\"GET\",version=\"v1\"} 3\n"));
    assert_non_null(strstr(text, "\napiserver_request_duration_seconds_bucket{component=\"apiserver\","
                                 "dry_run=\"\",group=\"\",resource=\"configmaps\",scope=\"resource\","
                                 "subresource=\"\",verb=\"GET\",version=\"v1\",le=\"+Inf\"} 3\n"));
    assert_non_null(strstr(text, "\napiserver_storage_objects{resource=\"namespaces\"} 4\n"));
    assert_non_null(strstr(text, "\n# TYPE process_cpu_seconds_total counter\n"));
    const char *threads = strstr(text, "\nkapi_threads ");
    assert_non_null(threads);
    assert_true(atol(threads + 14) >= 1);      /* this process's own, at least */
    assert_null(strstr(text, "# EOF"));
    assert_null(strstr(text, "code=\"429\""));
    free(text);
    /* a refusal by the fairness gate (before kapi_handle): kube's
     * RecordDroppedRequest, the counter only */
    kapi_pool *p = kapi_pool_new();
    kapi_request req = {.pool = p, .method = "GET", .path = "/api/v1/namespaces/default/configmaps", .query = ""};
    request_info info = {.is_resource = 1, .verb = "list", .group = "", .version = "v1",
                         .namespace_ = "default", .name = "", .resource = "configmaps", .subresource = ""};
    metrics_record_dropped(&req, &info);
    metrics_record_dropped(&req, &info);
    kapi_pool_free(p);
    text = scrape(NULL, ctype, sizeof ctype);
    assert_non_null(strstr(text, "\napiserver_request_total{code=\"429\",component=\"apiserver\","
                                 "dry_run=\"\",group=\"\",resource=\"configmaps\",scope=\"namespace\","
                                 "subresource=\"\",verb=\"LIST\",version=\"v1\"} 2\n"));
    free(text);
    text = scrape("application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5", ctype, sizeof ctype);
    assert_string_equal(ctype, "application/openmetrics-text; version=1.0.0; charset=utf-8");
    assert_non_null(strstr(text, "\n# TYPE apiserver_request counter\n"));
    assert_non_null(strstr(text, "\n# TYPE process_cpu_seconds counter\n"));
    assert_non_null(strstr(text, ",le=\"60.0\"}"));
    size_t len = strlen(text);
    assert_true(len > 6 && !strcmp(text + len - 6, "# EOF\n"));
    free(text);
    /* the first type offered wins; q=0 refuses; anything else: the text format */
    static const struct { const char *accept, *ctype; } negotiation[] = {
        {"text/plain;version=0.0.4,application/openmetrics-text", "text/plain; version=0.0.4; charset=utf-8"},
        {"application/openmetrics-text;q=0,text/plain", "text/plain; version=0.0.4; charset=utf-8"},
        {"application/json, Application/OpenMetrics-Text; version=1.0.0",
         "application/openmetrics-text; version=1.0.0; charset=utf-8"},
        {"*/*", "text/plain; version=0.0.4; charset=utf-8"},
        {"application/json", "text/plain; version=0.0.4; charset=utf-8"}};
    for (size_t i = 0; i < sizeof negotiation / sizeof negotiation[0]; i++) {
        free(scrape(negotiation[i].accept, ctype, sizeof ctype));
        assert_string_equal(ctype, negotiation[i].ctype);
    }
}

int main(void)
{
    if (metrics_init_shared() != 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counter_shared_across_fork),
        cmocka_unit_test(test_histogram_buckets),
        cmocka_unit_test(test_gauges_per_worker),
        cmocka_unit_test(test_float_format),
        cmocka_unit_test(test_kube_labels),
        cmocka_unit_test(test_metrics_endpoint),
    };
    return cmocka_run_group_tests_name("metrics", tests, setup, teardown);
}
