/* test_fairness.c: the worker's fairness gate (server/fairness.c): kube's
 * bootstrap flow schemas and priority levels as the classification, the
 * limits derived from the pool's options, seats shared fairly between
 * users (a freed seat goes to the user with the fewest executing), the
 * reserved share of the controller manager's level, exempt requests, full
 * queues and waits that end in a refusal (the 429s), and watch seats. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include "server/fairness.h"
#include "server/server.h"

static kapi_user user_in(const char *name, const char *group)
{
    kapi_user u = {.name = name};
    if (group) u.groups[u.n_groups++] = group;
    if (strcmp(name, "system:anonymous")) u.groups[u.n_groups++] = "system:authenticated";
    else u.groups[u.n_groups++] = "system:unauthenticated";
    return u;
}

static fair_class classify(const char *name, const char *group, const char *method, const char *path)
{
    kapi_user u = user_in(name, group);
    fair_class c;
    fair_classify(&u, method, path, &c);
    return c;
}

static void test_classification(void **state)
{
    (void)state;
    fair_class c = classify("admin", "system:masters", "POST", "/api/v1/namespaces");
    assert_string_equal(c.schema->name, "exempt");
    assert_string_equal(c.level->name, "exempt");
    assert_true(c.level->exempt);
    c = classify("system:anonymous", NULL, "GET", "/readyz");
    assert_string_equal(c.schema->name, "probes");
    assert_true(c.level->exempt);
    c = classify("system:anonymous", NULL, "POST", "/healthz");     /* probes are GETs */
    assert_string_equal(c.schema->name, "catch-all");
    assert_int_equal(c.kind, FAIR_MUTATING);
    c = classify("alice", "dev", "GET", "/api/v1/pods");
    assert_string_equal(c.schema->name, "global-default");
    assert_string_equal(c.level->name, "global-default");
    assert_string_equal(c.flow, "alice");
    assert_int_equal(c.kind, FAIR_READ);
    assert_int_equal(classify("alice", NULL, "HEAD", "/api").kind, FAIR_READ);
    assert_int_equal(classify("alice", NULL, "PATCH", "/api/v1/namespaces/x").kind, FAIR_MUTATING);
    c = classify("system:kube-controller-manager", NULL, "PUT", "/apis/apps/v1/x");
    assert_string_equal(c.schema->name, "kube-controller-manager");
    assert_string_equal(c.level->name, "workload-high");
    assert_string_equal(classify("system:kube-scheduler", NULL, "GET", "/api").schema->name, "kube-scheduler");
    c = classify("system:serviceaccount:ns:sa", "system:serviceaccounts", "GET", "/api");
    assert_string_equal(c.schema->name, "service-accounts");
    assert_string_equal(c.level->name, "workload-low");
    c = classify("system:serviceaccount:kube-system:x", "system:serviceaccounts:kube-system", "GET", "/api");
    assert_string_equal(c.schema->name, "kube-system-service-accounts");
    c = classify("system:node:n1", "system:nodes", "GET", "/api");
    assert_string_equal(c.level->name, "system");
    assert_string_equal(classify("system:anonymous", NULL, "GET", "/api").level->name, "catch-all");

    /* stable, distinct UUIDs */
    const char *uids[] = {
        classify("a", "system:masters", "GET", "/").schema->uid,
        classify("a", NULL, "GET", "/livez").schema->uid,
        classify("a", NULL, "GET", "/").schema->uid,
        classify("system:anonymous", NULL, "GET", "/").schema->uid,
        fair_level_of(FAIR_LEVEL_EXEMPT)->uid, fair_level_of(FAIR_LEVEL_GLOBAL_DEFAULT)->uid,
        fair_level_of(FAIR_LEVEL_CATCH_ALL)->uid,
    };
    size_t n = sizeof uids / sizeof *uids;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(strlen(uids[i]), 36);
        for (size_t j = i + 1; j < n; j++)
            assert_string_not_equal(uids[i], uids[j]);
    }
    assert_string_equal(fair_level_of(FAIR_LEVEL_GLOBAL_DEFAULT)->uid, "1b05fb1f-e072-52a6-93b0-7476aadb72fe");
}

static void test_limits(void **state)
{
    (void)state;
    /* the defaults: kube's 400:200 over workers x threads (2 x 16) */
    kapi_server_opts o = {.workers = 2, .threads = 16, .watch_threads = 512};
    fair_limits l;
    kapi_server_fair_limits(&o, &l);
    assert_int_equal(l.read_seats, 11);
    assert_int_equal(l.mutating_seats, 5);
    assert_int_equal(l.queue_per_flow, 16);
    assert_int_equal(l.queue_total, 32);
    assert_int_equal(l.watch_seats, 512);
    assert_int_equal(l.watch_reserved, 64);
    assert_int_equal(l.watch_per_flow, 224);
    assert_int_equal(fair_api_threads(&l), 16 + 32 + 4);
    assert_int_equal(fair_watch_threads(&l), 512 + 4);
    /* explicit pool-wide limits are shared among the workers, rounded up */
    o.max_requests_inflight = 400;
    o.max_mutating_requests_inflight = 201;
    kapi_server_fair_limits(&o, &l);
    assert_int_equal(l.read_seats, 200);
    assert_int_equal(l.mutating_seats, 101);
    /* a tiny pool still has one seat of each kind */
    kapi_server_opts tiny = {.workers = 1, .threads = 1, .watch_threads = 1};
    kapi_server_fair_limits(&tiny, &l);
    assert_int_equal(l.read_seats, 1);
    assert_int_equal(l.mutating_seats, 1);
    assert_int_equal(l.watch_reserved, 0);
    assert_int_equal(l.watch_per_flow, 1);
    /* reserved shares: kube's guaranteed seats of 600, scaled */
    assert_int_equal(fair_reserved_seats(FAIR_LEVEL_WORKLOAD_HIGH, 600), 49);
    assert_int_equal(fair_reserved_seats(FAIR_LEVEL_GLOBAL_DEFAULT, 600), 24);
    assert_int_equal(fair_reserved_seats(FAIR_LEVEL_WORKLOAD_HIGH, 6), 1);
    assert_int_equal(fair_reserved_seats(FAIR_LEVEL_GLOBAL_DEFAULT, 6), 0);
    assert_int_equal(fair_reserved_seats(FAIR_LEVEL_EXEMPT, 600), 0);
}

static fair_limits small_limits(void)
{
    fair_limits l = {.read_seats = 4, .mutating_seats = 2, .queue_per_flow = 2, .queue_total = 4,
                     .wait_ms = 5000, .watch_seats = 4, .watch_reserved = 1, .watch_per_flow = 2};
    return l;
}

/* ---- requests that wait, on threads of their own */

static atomic_int grant_order;

typedef struct waiting_request {
    fair_gate *g;
    fair_class cls;
    fair_ticket t;
    fair_verdict v;
    int order;                 /* 1 for the first one seated, ... */
    atomic_int done;
    pthread_t tid;
} waiting_request;

static void *wait_for_seat(void *arg)
{
    waiting_request *w = arg;
    w->v = fair_admit(w->g, &w->t, &w->cls);
    if (w->v == FAIR_ADMITTED) w->order = atomic_fetch_add(&grant_order, 1) + 1;
    atomic_store(&w->done, 1);
    return NULL;
}

static void start_waiting(waiting_request *w, fair_gate *g, fair_class c)
{
    memset(w, 0, sizeof *w);
    w->g = g;
    w->cls = c;
    pthread_create(&w->tid, NULL, wait_for_seat, w);
}

static void wait_until_waiting(fair_gate *g, int n)
{
    for (int i = 0; i < 5000; i++) {             /* up to 10 s: a loaded machine, a sanitizer build */
        fair_stats s;
        fair_gate_stats(g, &s);
        if (s.waiting == n) return;
        struct timespec ts = {0, 2000000};
        nanosleep(&ts, NULL);
    }
    fail_msg("never %d waiting", n);
}

static void test_fair_between_users(void **state)
{
    (void)state;
    fair_limits l = small_limits();
    fair_gate *g = fair_gate_new(&l);
    fair_class alice = classify("alice", NULL, "GET", "/api/v1/pods");
    fair_class bob = classify("bob", NULL, "GET", "/api/v1/pods");
    fair_ticket held[4];
    for (int i = 0; i < 4; i++) assert_int_equal(fair_admit(g, &held[i], &alice), FAIR_ADMITTED);

    /* alice floods: two of hers wait, the next is refused at once */
    waiting_request a1, a2, b1;
    start_waiting(&a1, g, alice);
    wait_until_waiting(g, 1);                   /* a1 queues first: the order is checked below */
    start_waiting(&a2, g, alice);
    wait_until_waiting(g, 2);
    fair_ticket refused;
    assert_int_equal(fair_admit(g, &refused, &alice), FAIR_REJECTED);
    /* bob arrives last, but gets the first freed seat: he has none */
    start_waiting(&b1, g, bob);
    wait_until_waiting(g, 3);
    fair_release(g, &held[0]);
    pthread_join(b1.tid, NULL);
    assert_int_equal(b1.v, FAIR_ADMITTED);
    assert_int_equal(b1.order, 1);
    assert_false(atomic_load(&a1.done) || atomic_load(&a2.done));
    fair_release(g, &held[1]);                  /* alice's, in her order */
    pthread_join(a1.tid, NULL);
    assert_int_equal(a1.v, FAIR_ADMITTED);
    assert_false(atomic_load(&a2.done));
    fair_release(g, &held[2]);
    pthread_join(a2.tid, NULL);
    assert_int_equal(a2.v, FAIR_ADMITTED);

    /* reads are full, a mutating request still has its own seats */
    fair_ticket m;
    fair_class carol_post = classify("carol", NULL, "POST", "/api/v1/namespaces/d/pods");
    assert_int_equal(fair_admit(g, &m, &carol_post), FAIR_ADMITTED);
    fair_release(g, &m);
    fair_stats s;
    fair_gate_stats(g, &s);
    assert_int_equal(s.executing_read, 4);
    assert_int_equal(s.waiting, 0);
    assert_int_equal(s.rejected, 1);
    fair_gate_stats(g, &s);
    /* a stopping worker refuses whoever waits, at once */
    waiting_request a3;
    start_waiting(&a3, g, alice);
    wait_until_waiting(g, 1);
    fair_gate_close(g);
    pthread_join(a3.tid, NULL);
    assert_int_equal(a3.v, FAIR_REJECTED);
    fair_ticket late;
    assert_int_equal(fair_admit(g, &late, &alice), FAIR_REJECTED);
    fair_release(g, &held[3]);
    fair_release(g, &a1.t);
    fair_release(g, &a2.t);
    fair_release(g, &b1.t);
    fair_gate_stats(g, &s);
    assert_int_equal(s.executing_read + s.executing_mutating, 0);
    fair_gate_free(g);
}

static void test_reserved_and_exempt(void **state)
{
    (void)state;
    fair_limits l = small_limits();               /* 6 seats; workload-high keeps 1 */
    fair_gate *g = fair_gate_new(&l);
    fair_class alice_get = classify("alice", NULL, "GET", "/api/v1/pods");
    fair_class alice_post = classify("alice", NULL, "POST", "/api/v1/namespaces/d/pods");
    fair_ticket t[6];
    for (int i = 0; i < 4; i++) assert_int_equal(fair_admit(g, &t[i], &alice_get), FAIR_ADMITTED);
    assert_int_equal(fair_admit(g, &t[4], &alice_post), FAIR_ADMITTED);
    /* the sixth seat is the controller manager's: alice waits for it in vain */
    fair_ticket w;
    l.wait_ms = 200;
    fair_gate *quick = fair_gate_new(&l);
    fair_ticket q[5];
    for (int i = 0; i < 4; i++) assert_int_equal(fair_admit(quick, &q[i], &alice_get), FAIR_ADMITTED);
    assert_int_equal(fair_admit(quick, &q[4], &alice_post), FAIR_ADMITTED);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(fair_admit(quick, &w, &alice_post), FAIR_REJECTED);   /* after its wait */
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    assert_true(ms >= 150 && ms < 2000);
    for (int i = 0; i < 5; i++) fair_release(quick, &q[i]);
    fair_gate_free(quick);

    fair_class kcm = classify("system:kube-controller-manager", NULL, "GET", "/api/v1/pods");
    assert_int_equal(fair_admit(g, &t[5], &kcm), FAIR_ADMITTED);          /* at once */
    fair_class admin = classify("admin", "system:masters", "DELETE", "/api/v1/namespaces/x");
    fair_class probe = classify("system:anonymous", NULL, "GET", "/livez");
    fair_ticket e1, e2;
    assert_int_equal(fair_admit(g, &e1, &admin), FAIR_ADMITTED);
    assert_int_equal(fair_admit(g, &e2, &probe), FAIR_ADMITTED);
    assert_false(e1.seated);
    fair_release(g, &e1);
    fair_release(g, &e2);
    for (int i = 0; i < 6; i++) fair_release(g, &t[i]);
    fair_gate_free(g);
}

static void test_watch_seats(void **state)
{
    (void)state;
    fair_limits l = small_limits();               /* 4 watches, 1 for exempt, 2 per user */
    fair_gate *g = fair_gate_new(&l);
    fair_class alice = classify("alice", NULL, "GET", "/api/v1/pods");
    fair_class bob = classify("bob", NULL, "GET", "/api/v1/pods");
    fair_class carol = classify("carol", NULL, "GET", "/api/v1/pods");
    fair_class admin = classify("admin", "system:masters", "GET", "/api/v1/pods");
    fair_ticket a1, a2, a3, b1, c1, c2, ad1, ad2;
    assert_int_equal(fair_admit_watch(g, &a1, &alice), FAIR_ADMITTED);
    assert_int_equal(fair_admit_watch(g, &a2, &alice), FAIR_ADMITTED);
    assert_int_equal(fair_admit_watch(g, &a3, &alice), FAIR_REJECTED);   /* her share */
    assert_int_equal(fair_admit_watch(g, &b1, &bob), FAIR_ADMITTED);
    assert_int_equal(fair_admit_watch(g, &c1, &carol), FAIR_REJECTED);   /* the reserve is left */
    assert_int_equal(fair_admit_watch(g, &ad1, &admin), FAIR_ADMITTED);
    assert_int_equal(fair_admit_watch(g, &ad2, &admin), FAIR_REJECTED);  /* capacity */
    fair_release(g, &a1);
    assert_int_equal(fair_admit_watch(g, &c2, &carol), FAIR_ADMITTED);
    fair_stats s;
    fair_gate_stats(g, &s);
    assert_int_equal(s.watches, 4);
    assert_int_equal(s.rejected, 3);
    fair_release(g, &a2);
    fair_release(g, &b1);
    fair_release(g, &c2);
    fair_release(g, &ad1);
    fair_release(g, &a3);                          /* a refused ticket holds nothing */
    fair_gate_stats(g, &s);
    assert_int_equal(s.watches, 0);
    fair_gate_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classification),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_fair_between_users),
        cmocka_unit_test(test_reserved_and_exempt),
        cmocka_unit_test(test_watch_seats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
