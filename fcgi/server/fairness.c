/* fairness.c: kube's API Priority and Fairness for one worker (see
 * fairness.h): the built-in flow schemas and priority levels, the
 * classification, and the gate that hands out seats fairly between flows.
 *
 * The gate is one mutex over small arrays (a worker has tens of seats and
 * queue places): the active flows (a flow exists while it has a request
 * executing, waiting or watching), and one FIFO of waiting requests, each
 * with its own condition variable. Every change that can free a seat runs
 * dispatch(), which seats waiting requests while one can start, always the
 * one whose flow has the fewest requests executing (the oldest among
 * equals): kube's fair queuing, with a request as the unit of work. */
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "server/fairness.h"

/* ---------------------------------------------------------------- the built-in configuration */

/* UIDs: UUIDv5 (URL namespace) of "https://kapi/flowcontrol/<kind>/<name>",
 * so they never change between starts, workers or versions. The guaranteed
 * seats are kube's at its 600 (400 + 200) seats: NominalCL =
 * ceil(600 * shares / 245) minus LendableCL = round(NominalCL * lendable%):
 * system 74 - 24, workload-high 98 - 49, workload-low 245 - 221,
 * global-default 49 - 25, catch-all 13 - 0. */
static const fair_level levels[FAIR_LEVEL_COUNT] = {
    [FAIR_LEVEL_EXEMPT] = {FAIR_LEVEL_EXEMPT, "exempt", "3b378176-39b3-50f3-8926-eeb28ad431a7", 1, 0},
    [FAIR_LEVEL_SYSTEM] = {FAIR_LEVEL_SYSTEM, "system", "9321890a-3008-5fdb-bb8c-a8a6b6315aab", 0, 50},
    [FAIR_LEVEL_WORKLOAD_HIGH] = {FAIR_LEVEL_WORKLOAD_HIGH, "workload-high",
                                  "58a011d4-8823-5e28-9cfa-06a825a9e1e9", 0, 49},
    [FAIR_LEVEL_WORKLOAD_LOW] = {FAIR_LEVEL_WORKLOAD_LOW, "workload-low",
                                 "673305bf-1d30-5f75-bf33-4418a56366a4", 0, 24},
    [FAIR_LEVEL_GLOBAL_DEFAULT] = {FAIR_LEVEL_GLOBAL_DEFAULT, "global-default",
                                   "1b05fb1f-e072-52a6-93b0-7476aadb72fe", 0, 24},
    [FAIR_LEVEL_CATCH_ALL] = {FAIR_LEVEL_CATCH_ALL, "catch-all", "7d5bd8d4-75ea-58af-8e8d-4db2cb73209b", 0, 13},
};

/* kube's bootstrap flow schemas: name, the UID kapi gives it, priority level. */
#define FLOW_SCHEMA(var, name, uid, level) static const fair_schema var = {name, uid, level}
FLOW_SCHEMA(schema_exempt, "exempt", "11e0a6c1-8765-5051-96e7-3f1a6e689dc9", FAIR_LEVEL_EXEMPT);
FLOW_SCHEMA(schema_probes, "probes", "7feb6e96-a22a-525b-af1c-b315c3f8e75e", FAIR_LEVEL_EXEMPT);
FLOW_SCHEMA(schema_system_nodes, "system-nodes", "030f4ad8-2250-5a7a-9d86-ef41d6756b66", FAIR_LEVEL_SYSTEM);
FLOW_SCHEMA(schema_kcm, "kube-controller-manager", "f473d062-2e85-56a0-8b73-997f7948447a", FAIR_LEVEL_WORKLOAD_HIGH);
FLOW_SCHEMA(schema_scheduler, "kube-scheduler", "52c5e511-6f78-502f-b649-579c94e049d6", FAIR_LEVEL_WORKLOAD_HIGH);
FLOW_SCHEMA(schema_kube_system_sa, "kube-system-service-accounts", "e4bfd54f-162c-51e8-ab05-07498390101e", FAIR_LEVEL_WORKLOAD_HIGH);
FLOW_SCHEMA(schema_service_accounts, "service-accounts", "35024f52-305d-554e-8499-5405dcf18536", FAIR_LEVEL_WORKLOAD_LOW);
FLOW_SCHEMA(schema_global_default, "global-default", "910c7305-3fb3-56c9-87d6-cf916430c83a", FAIR_LEVEL_GLOBAL_DEFAULT);
FLOW_SCHEMA(schema_catch_all, "catch-all", "09ef2d5a-8446-5c09-9c8f-6bfa05c53331", FAIR_LEVEL_CATCH_ALL);
#undef FLOW_SCHEMA

const fair_level *fair_level_of(fair_level_id id)
{
    assert(id >= 0 && id < FAIR_LEVEL_COUNT);
    return &levels[id];
}

static int in_group(const kapi_user *u, const char *group)
{
    for (int i = 0; i < u->n_groups; i++)
        if (u->groups[i] && !strcmp(u->groups[i], group)) return 1;
    return 0;
}

static int user_is(const kapi_user *u, const char *name)
{
    return u->name && !strcmp(u->name, name);
}

static int is_probe_path(const char *path)
{
    return path && (!strcmp(path, "/healthz") || !strcmp(path, "/readyz") || !strcmp(path, "/livez"));
}

void fair_classify(const kapi_user *user, const char *method, const char *path, fair_class *out)
{
    const fair_schema *s;
    int get = method && !strcmp(method, "GET");
    if (in_group(user, "system:masters")) s = &schema_exempt;
    else if (get && is_probe_path(path)) s = &schema_probes;
    else if (in_group(user, "system:nodes")) s = &schema_system_nodes;
    else if (user_is(user, "system:kube-controller-manager")) s = &schema_kcm;
    else if (user_is(user, "system:kube-scheduler")) s = &schema_scheduler;
    else if (in_group(user, "system:serviceaccounts:kube-system")) s = &schema_kube_system_sa;
    else if (in_group(user, "system:serviceaccounts")) s = &schema_service_accounts;
    else if (in_group(user, "system:authenticated")) s = &schema_global_default;
    else s = &schema_catch_all;
    out->schema = s;
    out->level = &levels[s->level];
    out->flow = user->name ? user->name : "";
    out->kind = get || (method && !strcmp(method, "HEAD")) ? FAIR_READ : FAIR_MUTATING;
}

/* ---------------------------------------------------------------- limits */

#define WAIT_MS       15000   /* kube: a quarter of the 60 s request timeout */
#define SPARE_THREADS 4       /* take connections while every seat and queue place is busy */

static int per_worker(int pool_wide, int workers)
{
    int n = (pool_wide + workers - 1) / workers;
    return n < 1 ? 1 : n;
}

void fair_limits_for(fair_limits *l, int workers, int max_requests_inflight,
                     int max_mutating_requests_inflight, int watch_threads)
{
    assert(workers >= 1 && watch_threads >= 1);
    memset(l, 0, sizeof *l);
    l->read_seats = per_worker(max_requests_inflight, workers);
    l->mutating_seats = per_worker(max_mutating_requests_inflight, workers);
    int seats = l->read_seats + l->mutating_seats;
    l->queue_per_flow = seats;
    l->queue_total = 2 * seats;
    l->wait_ms = WAIT_MS;
    l->watch_seats = watch_threads;
    l->watch_reserved = watch_threads < 2 ? 0 : watch_threads / 8 > 1 ? watch_threads / 8 : 1;
    int shared = watch_threads - l->watch_reserved;
    l->watch_per_flow = shared > 1 ? (shared + 1) / 2 : 1;
}

int fair_api_threads(const fair_limits *l)
{
    return l->read_seats + l->mutating_seats + l->queue_total + SPARE_THREADS;
}

int fair_watch_threads(const fair_limits *l)
{
    return l->watch_seats + SPARE_THREADS;
}

int fair_reserved_seats(fair_level_id id, int total)
{
    const fair_level *lv = fair_level_of(id);
    if (lv->exempt) return 0;
    int n = (int)((long)total * lv->guaranteed_of_600 / 600);
    if (id == FAIR_LEVEL_WORKLOAD_HIGH && n < 1 && total > 1) n = 1;
    return n;
}

/* ---------------------------------------------------------------- the gate */

typedef struct flow {
    char *name;
    int executing, waiting, watches;
} flow;

typedef struct waiter {
    struct waiter *next;
    const fair_class *cls;
    flow *fl;
    int granted;
    int dropped;               /* taken off the queue by fair_gate_close */
    pthread_cond_t cond;
} waiter;

struct fair_gate {
    pthread_mutex_t mu;
    fair_limits lim;
    int seats;                             /* read + mutating */
    int reserve[FAIR_LEVEL_COUNT];
    int in_use[FAIR_LEVEL_COUNT];
    int executing[2];                      /* by fair_kind */
    int waiting, watches;
    int limited_watches;                   /* watches of non-exempt requests */
    int closed;                            /* the worker stops: nobody waits */
    long rejected;
    waiter *head, *tail;
    flow **flows;
    int n_flows, cap_flows;
};

fair_gate *fair_gate_new(const fair_limits *l)
{
    fair_gate *g = kapi_xcalloc(1, sizeof *g);
    pthread_mutex_init(&g->mu, NULL);
    g->lim = *l;
    g->seats = l->read_seats + l->mutating_seats;
    for (int i = 0; i < FAIR_LEVEL_COUNT; i++) g->reserve[i] = fair_reserved_seats((fair_level_id)i, g->seats);
    return g;
}

void fair_gate_free(fair_gate *g)
{
    if (!g) return;
    assert(!g->head);                      /* nobody may still wait */
    for (int i = 0; i < g->n_flows; i++) {
        free(g->flows[i]->name);
        free(g->flows[i]);
    }
    free(g->flows);
    pthread_mutex_destroy(&g->mu);
    free(g);
}

/* The flow named name, made when absent. Under the lock. */
static flow *flow_get(fair_gate *g, const char *name)
{
    for (int i = 0; i < g->n_flows; i++)
        if (!strcmp(g->flows[i]->name, name)) return g->flows[i];
    if (g->n_flows == g->cap_flows) {
        g->cap_flows = g->cap_flows ? 2 * g->cap_flows : 16;
        g->flows = kapi_xrealloc(g->flows, (size_t)g->cap_flows * sizeof *g->flows);
    }
    flow *f = kapi_xcalloc(1, sizeof *f);
    f->name = kapi_xstrdup(name);
    g->flows[g->n_flows++] = f;
    return f;
}

/* Forgets f once nothing of it is left. Under the lock. */
static void flow_put(fair_gate *g, flow *f)
{
    if (f->executing || f->waiting || f->watches) return;
    for (int i = 0; i < g->n_flows; i++) {
        if (g->flows[i] != f) continue;
        g->flows[i] = g->flows[--g->n_flows];
        free(f->name);
        free(f);
        return;
    }
    assert(!"flow not in the gate");
}

static int kind_limit(const fair_gate *g, fair_kind k)
{
    return k == FAIR_READ ? g->lim.read_seats : g->lim.mutating_seats;
}

/* A request of class c may start now: within its level's reserve, or on a
 * shared seat (one no other level keeps for itself) within its kind's limit. */
static int can_start(const fair_gate *g, const fair_class *c)
{
    fair_level_id id = c->level->id;
    if (g->in_use[id] < g->reserve[id]) return 1;
    if (g->executing[c->kind] >= kind_limit(g, c->kind)) return 0;
    int taken = 0;
    for (int i = 0; i < FAIR_LEVEL_COUNT; i++)
        taken += g->in_use[i] > g->reserve[i] ? g->in_use[i] : g->reserve[i];
    return taken < g->seats;
}

static void seat(fair_gate *g, const fair_class *c, flow *f)
{
    g->in_use[c->level->id]++;
    g->executing[c->kind]++;
    f->executing++;
}

static void unlink_waiter(fair_gate *g, waiter *w)
{
    waiter **pp = &g->head, *prev = NULL;
    while (*pp && *pp != w) {
        prev = *pp;
        pp = &(*pp)->next;
    }
    assert(*pp == w);
    *pp = w->next;
    if (g->tail == w) g->tail = prev;
    w->next = NULL;
    g->waiting--;
    w->fl->waiting--;
}

/* Seats waiting requests while one can start: the one whose flow has the
 * fewest executing, the oldest among equals. Under the lock. */
static void dispatch(fair_gate *g)
{
    for (;;) {
        waiter *best = NULL;
        for (waiter *w = g->head; w; w = w->next)
            if (can_start(g, w->cls) && (!best || w->fl->executing < best->fl->executing)) best = w;
        if (!best) return;
        unlink_waiter(g, best);
        seat(g, best->cls, best->fl);
        best->granted = 1;
        pthread_cond_signal(&best->cond);
    }
}

static void deadline_after(struct timespec *ts, long ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

fair_verdict fair_admit(fair_gate *g, fair_ticket *t, const fair_class *c)
{
    memset(t, 0, sizeof *t);
    t->cls = *c;
    if (c->level->exempt) return FAIR_ADMITTED;

    waiter w = {.cls = &t->cls};
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w.cond, &ca);
    pthread_condattr_destroy(&ca);

    pthread_mutex_lock(&g->mu);
    w.fl = flow_get(g, c->flow);
    /* Queued behind whoever waits already; dispatch decides who goes. */
    if (g->tail) g->tail->next = &w;
    else g->head = &w;
    g->tail = &w;
    g->waiting++;
    w.fl->waiting++;
    dispatch(g);
    if (!w.granted && (g->closed || w.fl->waiting > g->lim.queue_per_flow ||
                       g->waiting > g->lim.queue_total)) {
        unlink_waiter(g, &w);              /* no place in the queue: 429 at once */
    } else if (!w.granted) {
        struct timespec until;
        deadline_after(&until, g->lim.wait_ms);
        while (!w.granted && !w.dropped) {
            int rc = pthread_cond_timedwait(&w.cond, &g->mu, &until);
            if (rc == ETIMEDOUT && !w.granted && !w.dropped) {
                unlink_waiter(g, &w);
                break;
            }
        }
    }
    fair_verdict v = w.granted ? FAIR_ADMITTED : FAIR_REJECTED;
    if (v == FAIR_REJECTED) {
        g->rejected++;
        flow_put(g, w.fl);
    }
    pthread_mutex_unlock(&g->mu);
    pthread_cond_destroy(&w.cond);
    t->seated = v == FAIR_ADMITTED;
    return v;
}

void fair_gate_close(fair_gate *g)
{
    pthread_mutex_lock(&g->mu);
    g->closed = 1;
    while (g->head) {
        waiter *w = g->head;
        unlink_waiter(g, w);
        w->dropped = 1;
        pthread_cond_signal(&w->cond);
    }
    pthread_mutex_unlock(&g->mu);
}

fair_verdict fair_admit_watch(fair_gate *g, fair_ticket *t, const fair_class *c)
{
    memset(t, 0, sizeof *t);
    t->cls = *c;
    pthread_mutex_lock(&g->mu);
    flow *f = flow_get(g, c->flow);
    int ok = c->level->exempt
                 ? g->watches < g->lim.watch_seats
                 : g->watches < g->lim.watch_seats &&
                       g->limited_watches < g->lim.watch_seats - g->lim.watch_reserved &&
                       f->watches < g->lim.watch_per_flow;
    if (ok) {
        g->watches++;
        if (!c->level->exempt) g->limited_watches++;
        f->watches++;
        t->watch = 1;
    } else {
        g->rejected++;
        flow_put(g, f);
    }
    pthread_mutex_unlock(&g->mu);
    return ok ? FAIR_ADMITTED : FAIR_REJECTED;
}

void fair_release(fair_gate *g, fair_ticket *t)
{
    if (!t->seated && !t->watch) return;
    pthread_mutex_lock(&g->mu);
    flow *f = flow_get(g, t->cls.flow);
    if (t->seated) {
        assert(g->in_use[t->cls.level->id] > 0 && g->executing[t->cls.kind] > 0 && f->executing > 0);
        g->in_use[t->cls.level->id]--;
        g->executing[t->cls.kind]--;
        f->executing--;
    }
    if (t->watch) {
        assert(g->watches > 0 && f->watches > 0);
        g->watches--;
        if (!t->cls.level->exempt) g->limited_watches--;
        f->watches--;
    }
    flow_put(g, f);
    dispatch(g);
    pthread_mutex_unlock(&g->mu);
    t->seated = t->watch = 0;
}

void fair_gate_stats(fair_gate *g, fair_stats *s)
{
    pthread_mutex_lock(&g->mu);
    s->executing_read = g->executing[FAIR_READ];
    s->executing_mutating = g->executing[FAIR_MUTATING];
    s->waiting = g->waiting;
    s->watches = g->watches;
    s->rejected = g->rejected;
    pthread_mutex_unlock(&g->mu);
}
