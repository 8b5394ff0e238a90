/* watch_hub.c: the per-process poller and fan-out of watch events (see
 * watch_hub.h). The hub's mutex guards its list of subscriptions; each
 * subscription has its own mutex for its queue and a condition variable its
 * watch thread waits on, signalled only when an event for it arrives or the
 * watch must end, so hundreds of watch threads never contend for one lock.
 * Lock order: the hub's, then a subscription's. The hub's revision and its
 * stopping flags are atomics that a watch reads under its own lock only. */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/alloc.h"
#include "core/metrics.h"
#include "core/thread.h"
#include "watch/watch_hub.h"

#define POLL_MS 250               /* longest sleep between two revision checks */
#define COALESCE_MS 10            /* in a burst of writes, gather this long before reading */
#define BURST_MS 50               /* events this soon after the last ones: a burst */
#define BATCH_EVENTS 512          /* events read per query */
#define QUEUE_FIRST_CAP 64

struct watch_sub {
    pthread_mutex_t mu;           /* guards everything below but the list links */
    char *prefix;
    size_t prefix_len;
    int exact;
    int needs_prev;
    watch_event **ring;
    size_t cap, head, count, max;
    int overflow;                 /* an event did not fit: end after the queue */
    int compacted;                /* the hub lost events to compaction */
    int waiting;
    int woken_due;                /* events were queued since the last signal */
    int deferred;                 /* poller only: busy in the first pass of a batch */
    pthread_cond_t cond;
    struct watch_sub *prev, *next;
};

struct watch_hub {
    store *s;
    pthread_mutex_t mu;
    pthread_cond_t idle;          /* the poller waits here while nobody watches */
    pthread_cond_t drained;       /* stopping waits here for the last subscription */
    watch_sub *subs;
    int n_subs;
    _Atomic int64_t rev;          /* events up to here were handed out (release
                                     after the pushes, so a watch that sees it
                                     with an empty queue has them all) */
    atomic_int stopping;          /* the store is closing */
    atomic_int ending;            /* the process is stopping: every watch ends */
    pthread_t poller;
    struct watch_hub *next_hub;
};

static pthread_mutex_t g_hubs_mu = PTHREAD_MUTEX_INITIALIZER;
static watch_hub *g_hubs;
static atomic_int g_ending;

long long watch_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void monotonic_cond_init(pthread_cond_t *c)
{
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(c, &attr);
    pthread_condattr_destroy(&attr);
}

static struct timespec timespec_at(long long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    return ts;
}

/* ---------------------------------------------------------------- queues */

static int sub_wants(const watch_sub *sub, const char *key)
{
    if (sub->exact) return strcmp(key, sub->prefix) == 0;
    return strncmp(key, sub->prefix, sub->prefix_len) == 0;
}

/* Appends e to sub's queue (taking a reference); marks overflow when full.
 * sub->mu held. */
static void sub_push(watch_sub *sub, watch_event *e)
{
    if (sub->overflow || sub->compacted) return;
    if (sub->count == sub->cap) {
        size_t cap = sub->cap ? sub->cap * 2 : QUEUE_FIRST_CAP;
        if (cap > sub->max) cap = sub->max;
        watch_event **grown = cap > sub->cap ? kapi_xmalloc(cap * sizeof *grown) : NULL;
        if (!grown) {
            sub->overflow = 1;
            if (sub->waiting) pthread_cond_signal(&sub->cond);
            return;
        }
        for (size_t i = 0; i < sub->count; i++) grown[i] = sub->ring[(sub->head + i) % sub->cap];
        free(sub->ring);
        sub->ring = grown;
        sub->cap = cap;
        sub->head = 0;
    }
    watch_event_ref(e);
    sub->ring[(sub->head + sub->count) % sub->cap] = e;
    sub->count++;
    metrics_fixed_gauge_add(MG_WATCH_QUEUED, 1);     /* kapi_watch_queued_events */
    sub->woken_due = 1;           /* signalled once per batch, in dispatch */
}

static void sub_clear(watch_sub *sub)
{
    while (sub->count > 0) {
        watch_event_unref(sub->ring[sub->head]);
        sub->head = (sub->head + 1) % sub->cap;
        sub->count--;
        metrics_fixed_gauge_add(MG_WATCH_QUEUED, -1);
    }
}

/* ---------------------------------------------------------------- poller */

typedef struct batch {
    watch_event *ev[BATCH_EVENTS];
    int n;
    store *s;
} batch;

static int collect_event(void *arg, int64_t rev, char type, const char *key, const char *value)
{
    batch *b = arg;
    watch_event *e = watch_event_new(rev, type, key, value, b->s);
    if (!e) return 1;                     /* out of memory: read the rest next time */
    b->ev[b->n++] = e;
    return b->n >= BATCH_EVENTS;
}

/* Hands every event of b newer than h->rev to the subscriptions wanting it:
 * each subscription is locked once per batch and woken once (not per event).
 * h->mu held. */
static void dispatch(watch_hub *h, batch *b)
{
    int64_t after = atomic_load(&h->rev);
    int first = 0;
    while (first < b->n && b->ev[first]->rev <= after) first++;
    if (first == b->n) return;
    /* What the takers of each event need, done once here in the poller (so
     * that watch threads need no database) and only for events someone
     * takes: the previous object for watches with selectors, and the line
     * most watches send. */
    for (int i = first; i < b->n; i++) {
        watch_event *e = b->ev[i];
        int taken = 0, prev = 0;
        for (watch_sub *sub = h->subs; sub && !(taken && prev); sub = sub->next) {
            if (!sub_wants(sub, e->key)) continue;
            taken = 1;
            prev |= sub->needs_prev && e->type == 'M';
        }
        if (prev) {
            char *text = NULL;
            if (store_value_before(h->s, e->key, e->rev, &text) == STORE_OK) watch_event_set_prev(e, text);
            free(text);
        }
        if (taken) watch_event_prepare_line(e, watch_event_natural_view(e));
    }
    /* Two passes: a subscription whose watch is taking events right now is
     * left for the second, instead of the poller sleeping on its lock. */
    for (int pass = 0; pass < 2; pass++) {
        int deferred = 0;
        for (watch_sub *sub = h->subs; sub; sub = sub->next) {
            if (pass == 1 && !sub->deferred) continue;
            sub->deferred = 0;
            int locked = 0;
            for (int i = first; i < b->n; i++) {
                if (!sub_wants(sub, b->ev[i]->key)) continue;
                if (!locked) {
                    if (pass == 0 && pthread_mutex_trylock(&sub->mu) != 0) {
                        sub->deferred = 1;
                        deferred = 1;
                        break;
                    }
                    if (pass == 1) pthread_mutex_lock(&sub->mu);
                    locked = 1;
                }
                sub_push(sub, b->ev[i]);
            }
            if (!locked) continue;
            int wake = sub->woken_due && sub->waiting;
            sub->woken_due = 0;
            pthread_mutex_unlock(&sub->mu);
            /* signalled after unlocking, so the watch does not wake only to
             * wait for the lock (the subscription stays while h->mu is held) */
            if (wake) pthread_cond_signal(&sub->cond);
        }
        if (!deferred) break;
    }
    /* after the pushes: a watch that sees this revision with an empty queue
     * has had every event up to it */
    atomic_store(&h->rev, b->ev[b->n - 1]->rev);
}

/* Every watch loses events it can no longer get: each ends with 410.
 * h->mu held. */
static void mark_compacted(watch_hub *h, int64_t current)
{
    for (watch_sub *sub = h->subs; sub; sub = sub->next) {
        pthread_mutex_lock(&sub->mu);
        sub->compacted = 1;
        if (sub->waiting) pthread_cond_signal(&sub->cond);
        pthread_mutex_unlock(&sub->mu);
    }
    atomic_store(&h->rev, current);
}

/* Wakes every watch of h so that it sees the hub's flags. h->mu held. */
static void wake_all(watch_hub *h)
{
    for (watch_sub *sub = h->subs; sub; sub = sub->next) {
        pthread_mutex_lock(&sub->mu);
        pthread_cond_signal(&sub->cond);
        pthread_mutex_unlock(&sub->mu);
    }
}

/* Reads and hands out the events after h->rev, up to `current`. Called and
 * returns with h->mu held; drops it while reading. */
static void catch_up(watch_hub *h, int64_t current)
{
    while (!h->stopping && h->n_subs > 0 && atomic_load(&h->rev) < current) {
        int64_t from = atomic_load(&h->rev);
        pthread_mutex_unlock(&h->mu);
        batch b = {.n = 0, .s = h->s};
        store_rc rc = store_events_since(h->s, from, BATCH_EVENTS, collect_event, &b);
        pthread_mutex_lock(&h->mu);
        if (rc == STORE_COMPACTED) mark_compacted(h, current);
        else if (rc == STORE_OK) dispatch(h, &b);
        for (int i = 0; i < b.n; i++) watch_event_unref(b.ev[i]);
        if (rc != STORE_OK || b.n == 0) break;   /* errors: try again at the next poll */
    }
}

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

static void *poller_main(void *arg)
{
    watch_hub *h = arg;
    long long last_events_ms = 0;
    pthread_mutex_lock(&h->mu);
    while (!h->stopping) {
        if (h->n_subs == 0) {
            pthread_cond_wait(&h->idle, &h->mu);
            continue;
        }
        pthread_mutex_unlock(&h->mu);
        uint32_t seen = store_change_counter(h->s);
        int64_t current = store_revision(h->s);
        if (current > atomic_load(&h->rev) && watch_now_ms() - last_events_ms < BURST_MS) {
            /* writes keep coming: let a few more commits join this batch, so
             * that each watch wakes once for many events */
            sleep_ms(COALESCE_MS);
            int64_t later = store_revision(h->s);
            if (later > current) current = later;
        }
        pthread_mutex_lock(&h->mu);
        if (current > atomic_load(&h->rev)) {
            catch_up(h, current);
            last_events_ms = watch_now_ms();
        }
        if (h->stopping || h->n_subs == 0) continue;
        pthread_mutex_unlock(&h->mu);
        store_wait_for_change(h->s, seen, POLL_MS);
        pthread_mutex_lock(&h->mu);
    }
    pthread_mutex_unlock(&h->mu);
    store_release_thread_connection(h->s);
    return NULL;
}

/* ---------------------------------------------------------------- hubs */

static void hub_stop(void *arg)
{
    watch_hub *h = arg;
    pthread_mutex_lock(&g_hubs_mu);
    for (watch_hub **p = &g_hubs; *p; p = &(*p)->next_hub)
        if (*p == h) {
            *p = h->next_hub;
            break;
        }
    pthread_mutex_unlock(&g_hubs_mu);

    pthread_mutex_lock(&h->mu);
    atomic_store(&h->stopping, 1);
    pthread_cond_broadcast(&h->idle);
    wake_all(h);
    while (h->n_subs > 0) pthread_cond_wait(&h->drained, &h->mu);
    pthread_mutex_unlock(&h->mu);
    pthread_join(h->poller, NULL);
    pthread_cond_destroy(&h->idle);
    pthread_cond_destroy(&h->drained);
    pthread_mutex_destroy(&h->mu);
    free(h);
}

static watch_hub *hub_start(store *s)
{
    watch_hub *h = kapi_xcalloc(1, sizeof *h);
    h->s = s;
    pthread_mutex_init(&h->mu, NULL);
    pthread_cond_init(&h->idle, NULL);
    pthread_cond_init(&h->drained, NULL);
    atomic_init(&h->rev, 0);
    atomic_init(&h->stopping, 0);
    atomic_init(&h->ending, atomic_load(&g_ending));
    int rc = thread_start_without_signals(&h->poller, poller_main, h);
    if (rc != 0) {
        pthread_cond_destroy(&h->idle);
        pthread_cond_destroy(&h->drained);
        pthread_mutex_destroy(&h->mu);
        free(h);
        return NULL;
    }
    return h;
}

watch_hub *watch_hub_of(store *s)
{
    if (!s) return NULL;
    pthread_mutex_lock(&g_hubs_mu);
    watch_hub *h = g_hubs;
    while (h && h->s != s) h = h->next_hub;
    if (!h && (h = hub_start(s))) {
        if (store_on_close(s, hub_stop, h) == 0) {
            h->next_hub = g_hubs;
            g_hubs = h;
        } else {
            pthread_mutex_lock(&h->mu);
            atomic_store(&h->stopping, 1);
            pthread_cond_broadcast(&h->idle);
            pthread_mutex_unlock(&h->mu);
            pthread_join(h->poller, NULL);
            free(h);
            h = NULL;
        }
    }
    pthread_mutex_unlock(&g_hubs_mu);
    return h;
}

void watch_hubs_shutdown(void)
{
    atomic_store(&g_ending, 1);
    pthread_mutex_lock(&g_hubs_mu);
    for (watch_hub *h = g_hubs; h; h = h->next_hub) {
        pthread_mutex_lock(&h->mu);
        atomic_store(&h->ending, 1);
        wake_all(h);
        pthread_mutex_unlock(&h->mu);
    }
    pthread_mutex_unlock(&g_hubs_mu);
}

/* ---------------------------------------------------------------- watches */

watch_sub *watch_subscribe(watch_hub *h, const char *prefix, int exact, int needs_prev,
                           size_t max_queue, int64_t *rev)
{
    watch_sub *sub = kapi_xcalloc(1, sizeof *sub);
    sub->prefix = kapi_xstrdup(prefix ? prefix : "");
    sub->prefix_len = strlen(sub->prefix);
    sub->exact = exact;
    sub->needs_prev = needs_prev;
    sub->max = max_queue > 0 ? max_queue : WATCH_QUEUE_MAX;
    pthread_mutex_init(&sub->mu, NULL);
    monotonic_cond_init(&sub->cond);
    /* While nobody watched, the poller read nothing: start from now. */
    int64_t current = store_revision(h->s);
    pthread_mutex_lock(&h->mu);
    if (atomic_load(&h->stopping) || atomic_load(&h->ending)) {
        pthread_mutex_unlock(&h->mu);
        pthread_cond_destroy(&sub->cond);
        pthread_mutex_destroy(&sub->mu);
        free(sub->prefix);
        free(sub);
        return NULL;
    }
    if (h->n_subs == 0 && current > atomic_load(&h->rev)) atomic_store(&h->rev, current);
    sub->next = h->subs;
    if (h->subs) h->subs->prev = sub;
    h->subs = sub;
    h->n_subs++;
    *rev = atomic_load(&h->rev);
    pthread_cond_signal(&h->idle);
    pthread_mutex_unlock(&h->mu);
    return sub;
}

void watch_unsubscribe(watch_hub *h, watch_sub *sub)
{
    if (!sub) return;
    pthread_mutex_lock(&h->mu);
    if (sub->prev) sub->prev->next = sub->next;
    else h->subs = sub->next;
    if (sub->next) sub->next->prev = sub->prev;
    h->n_subs--;
    if (h->n_subs == 0) pthread_cond_broadcast(&h->drained);
    pthread_mutex_unlock(&h->mu);
    sub_clear(sub);                  /* nobody else can reach it now */
    pthread_cond_destroy(&sub->cond);
    pthread_mutex_destroy(&sub->mu);
    free(sub->ring);
    free(sub->prefix);
    free(sub);
}

watch_wait_result watch_next(watch_hub *h, watch_sub *sub, watch_event **out, size_t max,
                             size_t *n, long long deadline_ms, int64_t *hub_rev)
{
    *n = 0;
    if (hub_rev) *hub_rev = 0;
    pthread_mutex_lock(&sub->mu);
    watch_wait_result r;
    for (;;) {
        if (sub->count > 0 && max > 0) {
            while (sub->count > 0 && *n < max) {
                out[(*n)++] = sub->ring[sub->head];
                sub->head = (sub->head + 1) % sub->cap;
                sub->count--;
            }
            metrics_fixed_gauge_add(MG_WATCH_QUEUED, -(int64_t)*n);
            if (sub->count == 0 && hub_rev) *hub_rev = atomic_load(&h->rev);
            r = WATCH_GOT_EVENTS;
            break;
        }
        if (atomic_load(&h->stopping) || atomic_load(&h->ending)) { r = WATCH_END_STOPPING; break; }
        if (sub->compacted) { r = WATCH_END_COMPACTED; break; }
        if (sub->overflow) { r = WATCH_END_OVERFLOW; break; }
        if (watch_now_ms() >= deadline_ms) {
            if (hub_rev) *hub_rev = atomic_load(&h->rev);
            r = WATCH_TIMED_OUT;
            break;
        }
        struct timespec until = timespec_at(deadline_ms);
        sub->waiting = 1;
        int e = pthread_cond_timedwait(&sub->cond, &sub->mu, &until);
        sub->waiting = 0;
        if (e != 0 && e != ETIMEDOUT && e != EINTR) {
            r = WATCH_END_STOPPING;
            break;
        }
    }
    pthread_mutex_unlock(&sub->mu);
    return r;
}
