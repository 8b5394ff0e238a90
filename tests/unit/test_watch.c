/* test_watch.c: watches in-process (kapi_handle over a real store in a
 * temporary directory, each watch on its own thread with a stream_write that
 * collects the lines): events in order and exactly once from a
 * resourceVersion, initial events and the initial-events-end bookmark,
 * 410 for a compacted revision, selectors turning updates into ADDED and
 * DELETED, a watch of one name, Table events, timeouts, bookmarks and
 * heartbeats, option errors, the hub's bounded queue, and shutdown. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "codec/jsonpath.h"
#include "core/kapi.h"
#include "server/bootstrap.h"
#include "store/store.h"
#include "http/handle.h"
#include "kapi_test.h"
#include "watch/watch_hub.h"

static char dir[256];
static kapi_ctx ctx;

/* ---------------------------------------------------------------- helpers */

/* One watch running on its own thread. */
typedef struct watch_run {
    char path[256], query[512], accept[160];
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cond;
    kapi_buf data;            /* everything streamed */
    int head_sent, status, done, stop;
    char ctype[160];
    int writes;
} watch_run;

static int capture(void *arg, const char *data, size_t n, int flush)
{
    (void)flush;
    watch_run *w = arg;
    pthread_mutex_lock(&w->mu);
    int stop = w->stop;
    if (!stop) kapi_buf_put(&w->data, data, n);
    w->writes++;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->mu);
    return stop ? -1 : 0;
}

typedef struct stream_ctx {
    watch_run *w;
    kapi_response *resp;
} stream_ctx;

static int capture_head(void *arg, const char *data, size_t n, int flush)
{
    stream_ctx *s = arg;
    pthread_mutex_lock(&s->w->mu);
    if (!s->w->head_sent) {
        s->w->head_sent = 1;
        s->w->status = s->resp->status;
        snprintf(s->w->ctype, sizeof s->w->ctype, "%s", s->resp->content_type ? s->resp->content_type : "");
    }
    pthread_mutex_unlock(&s->w->mu);
    return capture(s->w, data, n, flush);
}

static void *run_watch(void *arg)
{
    watch_run *w = arg;
    kapi_request req = {0};
    kapi_response resp;
    req.pool = kapi_pool_new();
    req.method = "GET";
    req.path = w->path;
    req.query = w->query;
    req.accept = w->accept[0] ? w->accept : "application/json";
    req.internal_user = &admin;
    kapi_response_init(&resp);
    stream_ctx sc = {.w = w, .resp = &resp};
    resp.stream_write = capture_head;
    resp.stream_ctx = &sc;
    kapi_handle(&ctx, &req, &resp);
    pthread_mutex_lock(&w->mu);
    if (!w->head_sent) {                       /* an ordinary (error) answer */
        w->status = resp.status;
        kapi_buf_put(&w->data, resp.body.data ? resp.body.data : "", resp.body.len);
    }
    w->done = 1;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->mu);
    kapi_response_free(&resp);
    kapi_pool_free(req.pool);
    return NULL;
}

static watch_run *watch_start(const char *path, const char *query, const char *accept)
{
    watch_run *w = calloc(1, sizeof *w);
    snprintf(w->path, sizeof w->path, "%s", path);
    snprintf(w->query, sizeof w->query, "%s", query);
    if (accept) snprintf(w->accept, sizeof w->accept, "%s", accept);
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cond, NULL);
    kapi_buf_init(&w->data);
    assert_int_equal(pthread_create(&w->thread, NULL, run_watch, w), 0);
    return w;
}

static int count_lines(const char *s, size_t n)
{
    int lines = 0;
    for (size_t i = 0; i < n; i++) lines += s[i] == '\n' && i > 0 && s[i - 1] == '}';
    return lines;
}

/* Waits until the watch has sent `lines` events (or ended); returns how many. */
static int wait_lines(watch_run *w, int lines, int timeout_ms)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) { until.tv_sec++; until.tv_nsec -= 1000000000L; }
    pthread_mutex_lock(&w->mu);
    int n;
    while ((n = count_lines(w->data.data ? w->data.data : "", w->data.len)) < lines && !w->done)
        if (pthread_cond_timedwait(&w->cond, &w->mu, &until) != 0) break;
    pthread_mutex_unlock(&w->mu);
    return n;
}

static void wait_done(watch_run *w, int timeout_ms)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += timeout_ms / 1000 + 1;
    pthread_mutex_lock(&w->mu);
    while (!w->done)
        if (pthread_cond_timedwait(&w->cond, &w->mu, &until) != 0) break;
    int done = w->done;
    pthread_mutex_unlock(&w->mu);
    assert_true(done);
}

/* Ends the watch (its next write fails, as for a gone client) and frees it. */
static void watch_finish(watch_run *w)
{
    pthread_mutex_lock(&w->mu);
    w->stop = 1;
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    kapi_buf_free(&w->data);
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->mu);
    free(w);
}

/* The i-th event (0-based) of the stream, parsed; NULL if absent. */
static cJSON *event_at(watch_run *w, int i)
{
    pthread_mutex_lock(&w->mu);
    char *copy = strndup(w->data.data ? w->data.data : "", w->data.len);
    pthread_mutex_unlock(&w->mu);
    cJSON *found = NULL;
    int k = 0;
    for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] != '{') continue;
        if (k++ == i) {
            found = cJSON_Parse(line);
            break;
        }
    }
    free(copy);
    return found;
}

/* Checks event i's type and object name; returns its resourceVersion. */
static long long expect_event(watch_run *w, int i, const char *type, const char *name)
{
    cJSON *e = event_at(w, i);
    assert_non_null(e);
    assert_string_equal(json_str_at(e, "type", ""), type);
    if (name) assert_string_equal(json_str_at(e, "object.metadata.name", ""), name);
    long long rv = atoll(json_str_at(e, "object.metadata.resourceVersion", ""));
    cJSON_Delete(e);
    return rv;
}

typedef test_result result;

static result call(const char *method, const char *path, const char *query, const char *body)
{
    const char *ctype = body ? (strcmp(method, "PATCH") ? "application/json" : "application/merge-patch+json") : NULL;
    return test_call(&ctx, (kapi_call_request){.method = method, .path = path, .query = query,
                                               .content_type = ctype, .body = body});
}

/* Creates ConfigMap name in ns with a label app=label ("" for none);
 * returns its resourceVersion. */
static long long create_cm(const char *ns, const char *name, const char *label)
{
    char path[128], body[512];
    snprintf(path, sizeof path, "/api/v1/namespaces/%s/configmaps", ns);
    snprintf(body, sizeof body,
             "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"%s\"%s%s%s},"
             "\"data\":{\"k\":\"<v>\"}}",
             name, *label ? ",\"labels\":{\"app\":\"" : "", label, *label ? "\"}" : "");
    result r = call("POST", path, NULL, body);
    assert_int_equal(r.status, 201);
    long long rv = atoll(json_str_at(r.body, "metadata.resourceVersion", ""));
    cJSON_Delete(r.body);
    return rv;
}

static long long patch_cm(const char *ns, const char *name, const char *patch)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/namespaces/%s/configmaps/%s", ns, name);
    result r = call("PATCH", path, NULL, patch);
    assert_int_equal(r.status, 200);
    long long rv = atoll(json_str_at(r.body, "metadata.resourceVersion", ""));
    cJSON_Delete(r.body);
    return rv;
}

static void delete_cm(const char *ns, const char *name)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/namespaces/%s/configmaps/%s", ns, name);
    result r = call("DELETE", path, NULL, NULL);
    assert_int_equal(r.status, 200);
    cJSON_Delete(r.body);
}

static void create_namespace(const char *ns)
{
    char body[200];
    snprintf(body, sizeof body, "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"%s\"}}", ns);
    result r = call("POST", "/api/v1/namespaces", NULL, body);
    assert_int_equal(r.status, 201);
    cJSON_Delete(r.body);
}

static int setup(void **state)
{
    (void)state;
    /* a finished watch notices its gone client at its next write */
    setenv("KAPI_WATCH_HEARTBEAT", "1", 1);
    if (test_store_open(&ctx, dir, sizeof dir, "watch")) return -1;
    return bootstrap_ensure(&ctx);
}

static int teardown(void **state)
{
    (void)state;
    return test_store_remove(&ctx, dir);
}

/* ---------------------------------------------------------------- tests */

static void test_events_from_a_revision_in_order(void **state)
{
    (void)state;
    create_namespace("w1");
    create_namespace("w2");
    long long r0 = create_cm("w1", "before", "");
    char q[128];
    snprintf(q, sizeof q, "watch=true&resourceVersion=%lld", r0);
    watch_run *w = watch_start("/api/v1/namespaces/w1/configmaps", q, NULL);
    usleep(100000);
    long long r1 = create_cm("w1", "a", "");
    long long r2 = patch_cm("w1", "a", "{\"data\":{\"k\":\"2\"}}");
    create_cm("w2", "x", "");                           /* another namespace: not seen */
    delete_cm("w1", "a");
    assert_int_equal(wait_lines(w, 3, 5000), 3);
    assert_int_equal(w->status, 200);
    assert_string_equal(w->ctype, "application/json");
    assert_int_equal(expect_event(w, 0, "ADDED", "a"), r1);
    assert_int_equal(expect_event(w, 1, "MODIFIED", "a"), r2);
    long long r3 = expect_event(w, 2, "DELETED", "a");
    assert_true(r3 > r2);
    cJSON *e = event_at(w, 0);
    assert_string_equal(json_str_at(e, "object.kind", ""), "ConfigMap");
    assert_string_equal(json_str_at(e, "object.apiVersion", ""), "v1");
    assert_string_equal(json_str_at(e, "object.data.k", ""), "<v>");
    cJSON_Delete(e);
    /* Go's encoder escapes < and > in strings */
    pthread_mutex_lock(&w->mu);
    assert_non_null(strstr(w->data.data, "\\u003cv\\u003e"));
    pthread_mutex_unlock(&w->mu);
    usleep(200000);
    assert_int_equal(wait_lines(w, 4, 100), 3);          /* nothing else */
    watch_finish(w);

    /* the same watch again, from r0: every event after it, none before */
    w = watch_start("/api/v1/namespaces/w1/configmaps", q, NULL);
    assert_int_equal(wait_lines(w, 3, 5000), 3);
    assert_int_equal(expect_event(w, 0, "ADDED", "a"), r1);
    assert_int_equal(expect_event(w, 1, "MODIFIED", "a"), r2);
    assert_int_equal(expect_event(w, 2, "DELETED", "a"), r3);
    watch_finish(w);
}

static int setenv_ok(const char *k, const char *v)
{
    return setenv(k, v, 1);
}

static void test_initial_events_then_bookmark_then_changes(void **state)
{
    (void)state;
    create_namespace("w3");
    create_cm("w3", "one", "");
    create_cm("w3", "two", "");
    watch_run *w = watch_start("/api/v1/namespaces/w3/configmaps", "watch=1&allowWatchBookmarks=true", NULL);
    assert_int_equal(wait_lines(w, 3, 5000), 3);
    expect_event(w, 0, "ADDED", "one");
    expect_event(w, 1, "ADDED", "two");
    cJSON *b = event_at(w, 2);
    assert_string_equal(json_str_at(b, "type", ""), "BOOKMARK");
    assert_string_equal(json_str_at(b, "object.kind", ""), "ConfigMap");
    const cJSON *ann = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(b, "object"), "metadata"), "annotations");
    assert_string_equal(cJSON_GetObjectItem(ann, "k8s.io/initial-events-end")->valuestring, "true");
    cJSON_Delete(b);
    create_cm("w3", "three", "");
    assert_int_equal(wait_lines(w, 4, 5000), 4);
    expect_event(w, 3, "ADDED", "three");
    watch_finish(w);

    /* without bookmarks: no bookmark; sendInitialEvents=false: no initial state */
    w = watch_start("/api/v1/namespaces/w3/configmaps", "watch=true", NULL);
    assert_int_equal(wait_lines(w, 3, 5000), 3);
    expect_event(w, 1, "ADDED", "three");              /* in key order, as kube lists */
    expect_event(w, 2, "ADDED", "two");
    watch_finish(w);
    w = watch_start("/api/v1/namespaces/w3/configmaps",
                    "watch=true&sendInitialEvents=false&resourceVersionMatch=NotOlderThan", NULL);
    usleep(100000);
    create_cm("w3", "four", "");
    assert_int_equal(wait_lines(w, 1, 5000), 1);
    expect_event(w, 0, "ADDED", "four");
    watch_finish(w);
}

static void test_compacted_revision_is_an_error_event(void **state)
{
    (void)state;
    create_namespace("w4");
    long long r1 = create_cm("w4", "old", "");
    patch_cm("w4", "old", "{\"data\":{\"k\":\"2\"}}");
    int64_t now = store_revision(ctx.store);
    assert_int_equal(store_compact(ctx.store, now), STORE_OK);
    char q[128];
    snprintf(q, sizeof q, "watch=true&resourceVersion=%lld", r1);
    watch_run *w = watch_start("/api/v1/namespaces/w4/configmaps", q, NULL);
    assert_int_equal(wait_lines(w, 1, 5000), 1);
    wait_done(w, 2000);
    assert_int_equal(w->status, 200);
    cJSON *e = event_at(w, 0);
    assert_string_equal(json_str_at(e, "type", ""), "ERROR");
    assert_string_equal(json_str_at(e, "object.kind", ""), "Status");
    assert_string_equal(json_str_at(e, "object.reason", ""), "Expired");
    char msg[128];
    snprintf(msg, sizeof msg, "too old resource version: %lld (%lld)", r1, (long long)now);
    assert_string_equal(json_str_at(e, "object.message", ""), msg);
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(e, "object"), "code")->valueint, 410);
    cJSON_Delete(e);
    watch_finish(w);

    /* from the compacted revision itself: fine */
    snprintf(q, sizeof q, "watch=true&resourceVersion=%lld&timeoutSeconds=1", (long long)now);
    w = watch_start("/api/v1/namespaces/w4/configmaps", q, NULL);
    wait_done(w, 3000);
    assert_int_equal(count_lines(w->data.data ? w->data.data : "", w->data.len), 0);
    watch_finish(w);
}

static void test_selectors_turn_updates_into_added_and_deleted(void **state)
{
    (void)state;
    create_namespace("w5");
    create_cm("w5", "a", "web");
    char q[200];
    snprintf(q, sizeof q, "watch=true&labelSelector=app%%3Dweb&resourceVersion=%lld",
             (long long)store_revision(ctx.store));
    watch_run *w = watch_start("/api/v1/namespaces/w5/configmaps", q, NULL);
    usleep(100000);
    long long r1 = patch_cm("w5", "a", "{\"metadata\":{\"labels\":{\"app\":\"db\"}}}");   /* leaves */
    patch_cm("w5", "a", "{\"data\":{\"k\":\"x\"}}");                                  /* unseen */
    long long r3 = patch_cm("w5", "a", "{\"metadata\":{\"labels\":{\"app\":\"web\"}}}");  /* returns */
    long long r4 = patch_cm("w5", "a", "{\"data\":{\"k\":\"y\"}}");
    create_cm("w5", "other", "db");                                                    /* unseen */
    assert_int_equal(wait_lines(w, 3, 5000), 3);
    cJSON *e = event_at(w, 0);
    assert_string_equal(json_str_at(e, "type", ""), "DELETED");
    /* the object as it was before it stopped matching, at the event's revision */
    assert_string_equal(json_str_at(e, "object.metadata.labels.app", ""), "web");
    assert_int_equal(atoll(json_str_at(e, "object.metadata.resourceVersion", "")), r1);
    cJSON_Delete(e);
    assert_int_equal(expect_event(w, 1, "ADDED", "a"), r3);
    assert_int_equal(expect_event(w, 2, "MODIFIED", "a"), r4);
    usleep(200000);
    assert_int_equal(wait_lines(w, 4, 100), 3);
    watch_finish(w);

    /* one name, by field selector (kubectl get cm a -w) and by legacy path */
    snprintf(q, sizeof q, "watch=true&fieldSelector=metadata.name%%3Da&resourceVersion=%lld",
             (long long)store_revision(ctx.store));
    w = watch_start("/api/v1/namespaces/w5/configmaps", q, NULL);
    watch_run *legacy = watch_start("/api/v1/watch/namespaces/w5/configmaps/a", q + strlen("watch=true&fieldSelector=metadata.name%3Da&"), NULL);
    usleep(100000);
    patch_cm("w5", "other", "{\"data\":{\"k\":\"z\"}}");
    long long r5 = patch_cm("w5", "a", "{\"data\":{\"k\":\"z\"}}");
    assert_int_equal(wait_lines(w, 1, 5000), 1);
    assert_int_equal(expect_event(w, 0, "MODIFIED", "a"), r5);
    assert_int_equal(wait_lines(legacy, 1, 5000), 1);
    assert_int_equal(expect_event(legacy, 0, "MODIFIED", "a"), r5);
    usleep(100000);
    assert_int_equal(wait_lines(w, 2, 100), 1);
    watch_finish(w);
    watch_finish(legacy);

    /* a field selector that disagrees with the path's name */
    w = watch_start("/api/v1/watch/namespaces/w5/configmaps/a", "fieldSelector=metadata.name%3Db", NULL);
    wait_done(w, 2000);
    assert_int_equal(w->status, 400);
    assert_non_null(strstr(w->data.data, "fieldSelector metadata.name doesn't match requested name"));
    watch_finish(w);
}

static void test_table_events_for_kubectl_get_watch(void **state)
{
    (void)state;
    create_namespace("w6");
    char q[128];
    snprintf(q, sizeof q, "watch=true&resourceVersion=%lld", (long long)store_revision(ctx.store));
    watch_run *w = watch_start("/api/v1/namespaces/w6/configmaps", q,
                               "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json");
    usleep(100000);
    long long r1 = create_cm("w6", "t", "");
    patch_cm("w6", "t", "{\"data\":{\"k\":\"2\",\"l\":\"3\"}}");
    assert_int_equal(wait_lines(w, 2, 5000), 2);
    assert_string_equal(w->ctype, "application/json");
    cJSON *e = event_at(w, 0);
    assert_string_equal(json_str_at(e, "type", ""), "ADDED");
    cJSON *t = cJSON_GetObjectItem(e, "object");
    assert_string_equal(json_str_at(t, "kind", ""), "Table");
    assert_string_equal(json_str_at(t, "apiVersion", ""), "meta.k8s.io/v1");
    assert_int_equal(atoll(json_str_at(t, "metadata.resourceVersion", "")), r1);
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(t, "columnDefinitions")));
    cJSON *row = cJSON_GetArrayItem(cJSON_GetObjectItem(t, "rows"), 0);
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(row, "cells"), 0)->valuestring, "t");
    assert_string_equal(json_str_at(row, "object.kind", ""), "PartialObjectMetadata");
    cJSON_Delete(e);
    e = event_at(w, 1);
    t = cJSON_GetObjectItem(e, "object");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(t, "columnDefinitions")));
    row = cJSON_GetArrayItem(cJSON_GetObjectItem(t, "rows"), 0);
    assert_int_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(row, "cells"), 1)->valueint, 2);
    cJSON_Delete(e);
    watch_finish(w);
}

static void test_timeout_bookmarks_and_heartbeats(void **state)
{
    (void)state;
    create_namespace("w7");
    setenv_ok("KAPI_WATCH_HEARTBEAT", "1");
    setenv_ok("KAPI_WATCH_BOOKMARK", "1");
    long long rv = store_revision(ctx.store);
    char q[160];
    snprintf(q, sizeof q, "watch=true&resourceVersion=%lld&allowWatchBookmarks=true&timeoutSeconds=4", rv);
    time_t t0 = time(NULL);
    watch_run *w = watch_start("/api/v1/namespaces/w7/configmaps", q, NULL);
    wait_done(w, 8000);
    time_t took = time(NULL) - t0;
    assert_true(took >= 3 && took <= 6);
    int n = count_lines(w->data.data, w->data.len);
    assert_true(n >= 2);                            /* every second, and 2 s before the end */
    for (int i = 0; i < n; i++) {
        cJSON *e = event_at(w, i);
        assert_string_equal(json_str_at(e, "type", ""), "BOOKMARK");
        assert_true(atoll(json_str_at(e, "object.metadata.resourceVersion", "")) >= rv);
        cJSON_Delete(e);
    }
    watch_finish(w);

    /* no bookmarks asked: only keep-alive newlines */
    snprintf(q, sizeof q, "watch=true&resourceVersion=%lld&timeoutSeconds=3", rv);
    w = watch_start("/api/v1/namespaces/w7/configmaps", q, NULL);
    wait_done(w, 6000);
    assert_int_equal(count_lines(w->data.data ? w->data.data : "", w->data.len), 0);
    assert_true(w->data.len >= 1);
    for (size_t i = 0; i < w->data.len; i++) assert_int_equal(w->data.data[i], '\n');
    watch_finish(w);
    unsetenv("KAPI_WATCH_BOOKMARK");
}

static void test_option_errors_are_answers_not_streams(void **state)
{
    (void)state;
    struct { const char *query; int status; const char *message; } cases[] = {
        {"watch=true&resourceVersionMatch=Exact&resourceVersion=5", 422,
         "ListOptions.meta.k8s.io \"\" is invalid: [resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided, resourceVersionMatch: Unsupported value: \"Exact\": supported values: \"NotOlderThan\"]"},
        {"watch=true&sendInitialEvents=true&resourceVersion=5", 422,
         "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"},
        {"watch=true&timeoutSeconds=abc", 400, "strconv.ParseInt: parsing \"abc\": invalid syntax"},
        {"watch=true&resourceVersion=abc", 500,
         "resourceVersion: Invalid value: \"abc\": strconv.ParseUint: parsing \"abc\": invalid syntax"},
        {"watch=true&fieldSelector=spec.nope%3Dx", 400, "field label not supported: spec.nope"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        watch_run *w = watch_start("/api/v1/namespaces/default/configmaps", cases[i].query, NULL);
        wait_done(w, 3000);
        assert_int_equal(w->status, cases[i].status);
        cJSON *st = cJSON_ParseWithLength(w->data.data, w->data.len);
        assert_string_equal(json_str_at(st, "message", ""), cases[i].message);
        cJSON_Delete(st);
        watch_finish(w);
    }
}

static void test_hub_queue_is_bounded(void **state)
{
    (void)state;
    watch_hub *hub = watch_hub_of(ctx.store);
    assert_non_null(hub);
    int64_t rev = 0;
    watch_sub *sub = watch_subscribe(hub, "/registry/configmaps/w8/", 0, 0, 5, &rev);
    assert_non_null(sub);
    create_namespace("w8");
    for (int i = 0; i < 8; i++) {
        char name[16];
        snprintf(name, sizeof name, "c%d", i);
        create_cm("w8", name, "");
    }
    usleep(600000);                              /* the poller has seen them */
    watch_event *got[16];
    size_t n = 0;
    watch_wait_result r = watch_next(hub, sub, got, 16, &n, watch_now_ms() + 2000, NULL);
    assert_int_equal(r, WATCH_GOT_EVENTS);
    assert_int_equal(n, 5);                      /* the first five, in order */
    for (size_t i = 1; i < n; i++) assert_true(got[i]->rev > got[i - 1]->rev);
    for (size_t i = 0; i < n; i++) watch_event_unref(got[i]);
    r = watch_next(hub, sub, got, 16, &n, watch_now_ms() + 2000, NULL);
    assert_int_equal(r, WATCH_END_OVERFLOW);     /* then: end, the client resumes */
    assert_int_equal(n, 0);
    watch_unsubscribe(hub, sub);
}

static void test_watches_end_when_the_worker_stops(void **state)
{
    (void)state;
    watch_run *w = watch_start("/api/v1/namespaces/default/configmaps", "watch=true", NULL);
    usleep(200000);
    time_t t0 = time(NULL);
    watch_hubs_shutdown();
    wait_done(w, 3000);
    assert_true(time(NULL) - t0 <= 2);
    assert_int_equal(w->status, 200);
    watch_finish(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_events_from_a_revision_in_order),
        cmocka_unit_test(test_initial_events_then_bookmark_then_changes),
        cmocka_unit_test(test_compacted_revision_is_an_error_event),
        cmocka_unit_test(test_selectors_turn_updates_into_added_and_deleted),
        cmocka_unit_test(test_table_events_for_kubectl_get_watch),
        cmocka_unit_test(test_timeout_bookmarks_and_heartbeats),
        cmocka_unit_test(test_option_errors_are_answers_not_streams),
        cmocka_unit_test(test_hub_queue_is_bounded),
        cmocka_unit_test(test_watches_end_when_the_worker_stops),   /* last: ends every watch */
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
