/* watch.c: WATCH on every list endpoint (?watch=true, and the legacy
 * /api/v1/watch/... paths), as kube-apiserver's watch cache serves it.
 *
 * The request's options are checked first (a failure is returned as any
 * verb's, and sent with its HTTP status);
 * from the subscription on, the answer is a 200 stream and every problem an
 * ERROR event. The start point:
 *   - resourceVersion unset or "0" (sendInitialEvents defaults to true, as
 *     in 1.32), or sendInitialEvents=true: ADDED events for the current
 *     state, then, with allowWatchBookmarks, a BOOKMARK annotated
 *     k8s.io/initial-events-end at that state's revision;
 *   - sendInitialEvents=false with "0" or unset: from now;
 *   - a resourceVersion: every event after it, or 410 Expired ("too old
 *     resource version: X (compacted)") when history no longer has them.
 * The watch reads history up to the revision the process's hub had reached
 * when it subscribed (watch/watch_hub.h), lets go of its database
 * connection, and then only takes events from its queue: each one exactly
 * once and in order. Label and field selectors filter as kube's cacher
 * does: an object that starts matching arrives as ADDED, one that stops
 * matching as DELETED (its previous state, at the event's revision).
 * Bookmarks (allowWatchBookmarks) every minute and 2 s before the watch's
 * end; a "\n" after 30 s of silence (1 s before the first byte, which
 * carries the response head over HTTP/2: FIRST_KEEPALIVE_MS), so nginx and the client see the stream
 * alive and a gone client is noticed; the stream ends cleanly at
 * timeoutSeconds (unset: 30 to 60 minutes, kube's --min-request-timeout
 * default times one plus a random fraction), when the worker stops, or when
 * the watch falls WATCH_QUEUE_MAX events behind (the client resumes from
 * the last resourceVersion it saw, as from kube's cacher).
 * KAPI_WATCH_HEARTBEAT and KAPI_WATCH_BOOKMARK (seconds, in the
 * environment) change the two intervals, for tests. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "codec/codec.h"
#include "core/metrics.h"
#include "core/status.h"
#include "registry/list_options.h"
#include "registry/rest_internal.h"
#include "registry/selection.h"
#include "registry/watch_stream.h"
#include "store/store.h"
#include "watch/watch_hub.h"

#define HEARTBEAT_MS 30000
/* The first keep-alive comes after this much silence from the start: over
 * HTTP/2, nginx 1.22 cannot send a response head without a body byte (it
 * stays in the TLS write buffer until a DATA frame flushes it; nginx 1.23.0
 * fixed it, ticket #1743), so a watch with no event to send yet (`kubectl
 * wait`, `rollout status` of what already holds) reaches its client with
 * this newline, not 30 s later. Not sooner: the stream's first line is an
 * event whenever one comes within a second, as before. */
#define FIRST_KEEPALIVE_MS 1000
/* A departed client is noticed within this long: the watch wakes this
 * often to probe its connection (nginx closes it when the client goes). */
#define LIVENESS_MS 1000
#define BOOKMARK_MS 60000
#define BOOKMARK_BEFORE_END_MS 2000
#define MIN_REQUEST_TIMEOUT_S 1800       /* kube-apiserver's --min-request-timeout */
#define HISTORY_BATCH 256
#define QUEUE_BATCH 64

typedef struct watch_call {
    rest_call *c;
    selection sel;
    const char *key;           /* subscription: key prefix, or the one key */
    int exact;
    watch_stream ws;
    int64_t delivered;         /* every event up to here was considered */
} watch_call;

static long interval_ms(const char *env, long fallback)
{
    const char *v = getenv(env);
    char *end;
    long s = v ? strtol(v, &end, 10) : 0;
    return v && *v && !*end && s > 0 && s < 86400 ? s * 1000 : fallback;
}

/* ---------------------------------------------------------------- events */

static int key_wanted(const watch_call *w, const char *key)
{
    if (w->exact) return strcmp(key, w->key) == 0;
    return strncmp(key, w->key, strlen(w->key)) == 0;
}

/* How this watch sees e (kube's cacheWatcher.convertToWatchEvent). */
static watch_view view_of(watch_call *w, watch_event *e)
{
    const selection *sel = &w->sel;
    if (sel->empty) return watch_event_natural_view(e);
    const cJSON *obj = watch_event_object(e);
    if (!sel->changeable) {
        /* only name and namespace: a write cannot change the answer */
        return selection_matches(sel, obj) ? watch_event_natural_view(e) : VIEW_NONE;
    }
    int now = e->type != 'D' && selection_matches(sel, obj);
    int before = 0;
    if (e->type == 'D') before = selection_matches(sel, obj);   /* the object as deleted */
    else if (e->type == 'M') before = selection_matches(sel, watch_event_prev_object(e));
    if (now && !before) return VIEW_ADDED;
    if (now && before) return VIEW_MODIFIED;
    if (before) return e->type == 'D' ? VIEW_DELETED : VIEW_LEFT;
    return VIEW_NONE;
}

/* Sends e if this watch sees it, and moves past it. */
static int consider(watch_call *w, watch_event *e)
{
    if (e->rev <= w->delivered) return 0;
    w->delivered = e->rev;
    if (!key_wanted(w, e->key)) return 0;
    watch_view v = view_of(w, e);
    return v == VIEW_NONE ? 0 : watch_stream_event(&w->ws, e, v);
}

static void send_error(watch_call *w, cJSON *status)
{
    watch_stream_error(&w->ws, status);
    watch_stream_flush(&w->ws);
}

static void send_too_old(watch_call *w, int64_t asked, int64_t compacted)
{
    char msg[128];
    snprintf(msg, sizeof msg, "too old resource version: %lld (%lld)", (long long)asked,
             (long long)compacted);
    send_error(w, status_new(KAPI_GONE, msg));
}

/* ---------------------------------------------------------------- start */

static int collect_initial(void *arg, const char *key, const char *value, int64_t mod_rev)
{
    watch_call *w = arg;
    if (!key_wanted(w, key)) return 0;
    watch_event *e = watch_event_new(mod_rev, 'A', key, value, NULL);
    if (!e) return 1;
    int rc = 0;
    if (selection_matches(&w->sel, watch_event_object(e)))
        rc = watch_stream_event(&w->ws, e, VIEW_ADDED);
    watch_event_unref(e);
    /* long initial lists go out as they are read */
    if (rc == 0 && w->ws.out.len > 65536) rc = watch_stream_flush(&w->ws);
    return rc != 0;
}

/* The current state as ADDED events; *rev gets its revision. -1: ended. */
static int send_initial_events(watch_call *w, const list_options *o, int64_t *rev)
{
    if (o->rv > 0) {
        int64_t current = list_wait_for_revision(w->c, o->rv);
        if (current >= 0 && current < o->rv) {
            send_error(w, list_too_large_status(o->rv, current, 1));   /* as kube's watch cache */
            return -1;
        }
    }
    store_range q = {.prefix = w->key};
    store_rc rc = store_list_range(w->c->ctx->store, &q, collect_initial, w, rev, NULL);
    if (rc != STORE_OK) {
        send_error(w, status_new(KAPI_INTERNAL, "Internal error occurred: listing from storage failed"));
        return -1;
    }
    return watch_stream_flush(&w->ws);
}

typedef struct history {
    watch_call *w;
    watch_event *ev[HISTORY_BATCH];
    int n;
    int64_t upto;
    int64_t last;              /* the newest event read, wanted or not */
    int failed;
} history;

static int collect_history(void *arg, int64_t rev, char type, const char *key, const char *value)
{
    history *h = arg;
    if (rev > h->upto) return 1;
    if (key_wanted(h->w, key)) {                  /* others are only skipped over */
        watch_event *e = watch_event_new(rev, type, key, value, h->w->c->ctx->store);
        if (!e) {
            h->failed = 1;
            return 1;
        }
        h->ev[h->n++] = e;
    }
    h->last = rev;
    return h->n >= HISTORY_BATCH;
}

/* Events after w->delivered up to upto, read from the store. -1: ended. */
static int send_history(watch_call *w, int64_t upto, int64_t asked)
{
    store *s = w->c->ctx->store;
    while (w->delivered < upto) {
        history h = {.w = w, .n = 0, .upto = upto, .last = 0};
        store_rc rc = store_events_since(s, w->delivered, 0, collect_history, &h);
        int failed = h.failed;
        for (int i = 0; i < h.n; i++) {
            if (!failed && consider(w, h.ev[i]) != 0) failed = 1;
            watch_event_unref(h.ev[i]);
        }
        if (rc == STORE_COMPACTED) {
            send_too_old(w, asked, store_compacted_revision(s));
            return -1;
        }
        if (rc != STORE_OK || failed) {
            send_error(w, status_new(KAPI_INTERNAL, "Internal error occurred: reading the event log failed"));
            return -1;
        }
        if (watch_stream_flush(&w->ws) < 0) return -1;
        if (h.last <= w->delivered) break;            /* nothing more up to upto */
        w->delivered = h.last;
    }
    return 0;
}

/* ---------------------------------------------------------------- the stream */

/* Takes events from the queue until the watch ends. */
static void stream_events(watch_call *w, watch_hub *hub, watch_sub *sub, int bookmarks,
                          long long end_ms)
{
    long heartbeat = interval_ms("KAPI_WATCH_HEARTBEAT", HEARTBEAT_MS);
    long bookmark_every = interval_ms("KAPI_WATCH_BOOKMARK", BOOKMARK_MS);
    long long next_bookmark = 0;
    if (bookmarks) {
        /* kube's nextBookmarkTime: a minute from now, or 2 s before the end
         * if that comes first; none if that is already past */
        long long now = watch_now_ms();
        next_bookmark = now + bookmark_every;
        if (next_bookmark > end_ms - BOOKMARK_BEFORE_END_MS) next_bookmark = end_ms - BOOKMARK_BEFORE_END_MS;
        if (next_bookmark <= now) next_bookmark = 0;
    }
    int64_t known = w->delivered;        /* a revision every event up to is sent */
    watch_event *batch[QUEUE_BATCH];
    for (;;) {
        long keepalive = heartbeat;
        if (!w->ws.body_started && keepalive > FIRST_KEEPALIVE_MS) keepalive = FIRST_KEEPALIVE_MS;
        long long wake = end_ms;
        if (w->ws.last_write_ms + keepalive < wake) wake = w->ws.last_write_ms + keepalive;
        if (next_bookmark && next_bookmark < wake) wake = next_bookmark;
        long long probe = watch_now_ms() + LIVENESS_MS;
        if (probe < wake) wake = probe;
        size_t n = 0;
        int64_t hub_rev = 0;
        watch_wait_result r = watch_next(hub, sub, batch, QUEUE_BATCH, &n, wake, &hub_rev);
        int failed = 0;
        for (size_t i = 0; i < n; i++) {
            if (!failed && consider(w, batch[i]) != 0) failed = 1;
            watch_event_unref(batch[i]);
        }
        if (failed) {
            send_error(w, status_new(KAPI_INTERNAL, "Internal error occurred: encoding a watch event failed"));
            return;
        }
        if (n > 0 && watch_stream_flush(&w->ws) < 0) return;
        if (hub_rev > known) known = hub_rev;
        if (w->delivered > known) known = w->delivered;
        if (r == WATCH_END_COMPACTED) {
            send_too_old(w, w->delivered, store_compacted_revision(w->c->ctx->store));
            return;
        }
        if (r == WATCH_END_STOPPING || r == WATCH_END_OVERFLOW) return;
        long long now = watch_now_ms();
        if (now >= end_ms) return;
        if (r == WATCH_TIMED_OUT && next_bookmark && now >= next_bookmark) {
            if (watch_stream_bookmark(&w->ws, known, 0) != 0 || watch_stream_flush(&w->ws) < 0) return;
            /* kube: every minute, and once 2 s before the end */
            next_bookmark = now + bookmark_every;
            if (next_bookmark > end_ms - BOOKMARK_BEFORE_END_MS) {
                next_bookmark = end_ms - BOOKMARK_BEFORE_END_MS;
                if (next_bookmark <= now) next_bookmark = 0;
            }
        }
        if (now - w->ws.last_write_ms >= keepalive && watch_stream_heartbeat(&w->ws) < 0) return;
        if (r == WATCH_TIMED_OUT && watch_stream_alive(&w->ws) < 0) return;
    }
}

/* When the watch ends (kube's timeoutSeconds, or a random 30-60 minutes). */
static long long watch_end_ms(const list_options *o)
{
    long long now = watch_now_ms();
    if (o->has_timeout && o->timeout_seconds < 0) return now;
    if (o->has_timeout && o->timeout_seconds > 0) {
        long long s = o->timeout_seconds > 86400LL * 365 ? 86400LL * 365 : o->timeout_seconds;
        return now + s * 1000;
    }
    /* spread, so that watches started together do not all end together */
    unsigned seed = (unsigned)now ^ (unsigned)(uintptr_t)o ^ (unsigned)getpid();
    return now + (MIN_REQUEST_TIMEOUT_S + rand_r(&seed) % MIN_REQUEST_TIMEOUT_S) * 1000LL;
}

/* Options, selectors and the name from a legacy /watch/.../name path.
 * Returns 0, or -1 with the failure in *fail. */
static int prepare(watch_call *w, list_options *o, output_format *fmt, rest_result *fail)
{
    rest_call *c = w->c;
    if (rest_negotiate(c, fmt, 1, fail)) return -1;
    if (fmt->kind == OUTPUT_YAML) {
        *fail = rest_error(c, KAPI_NOT_ACCEPTABLE,
                           "only the following media types are accepted: application/json, "
                           "application/json;stream=watch");
        return -1;
    }
    if (list_options_parse(c, 1, o, fail) || selection_parse(c, &w->sel, fail)) return -1;
    const char *name = c->info->url_name;
    if (name && *name) {
        const char *pinned = selection_pinned_name(&w->sel);
        if (w->sel.fields.n > 0 && (!pinned || strcmp(pinned, name))) {
            *fail = rest_bad_request(c, "fieldSelector metadata.name doesn't match requested name");
            return -1;
        }
        if (!pinned && w->sel.fields.n < SELECTOR_MAX_REQS) {
            sel_req *q = &w->sel.fields.reqs[w->sel.fields.n++];
            memset(q, 0, sizeof *q);
            q->key = "metadata.name";
            q->op = SEL_EQ;
            q->values[0] = name;
            q->n_values = 1;
            w->sel.empty = 0;
        }
    }
    if (!o->rv_ok) {
        /* kube's watch cache returns the parse error as is: a 500 without a reason */
        cJSON *st = status_new(KAPI_INTERNAL, o->rv_error);
        cJSON_DeleteItemFromObjectCaseSensitive(st, "reason");
        *fail = rest_status(c, st, 0);
        return -1;
    }
    if (!c->resp->stream_write) {
        *fail = rest_internal(c, "unable to start watch - can't get http.Flusher");
        return -1;
    }
    /* One object: its key alone. */
    const char *pinned = selection_pinned_name(&w->sel);
    const char *prefix = resource_key(c->req->pool, c->r, c->ns, NULL);
    if (pinned && (!c->r->namespaced || c->ns[0]) && !strchr(pinned, '/')) {
        w->key = resource_key(c->req->pool, c->r, c->ns, pinned);
        w->exact = 1;
    } else {
        w->key = prefix;
    }
    return 0;
}

rest_result rest_watch(rest_call *c)
{
    watch_call w;
    memset(&w, 0, sizeof w);
    w.c = c;
    list_options o;
    output_format fmt;
    rest_result fail;
    if (prepare(&w, &o, &fmt, &fail)) return fail;
    store *s = c->ctx->store;
    watch_hub *hub = watch_hub_of(s);
    int64_t hub_rev = 0;
    watch_sub *sub = hub ? watch_subscribe(hub, w.key, w.exact, w.sel.changeable, WATCH_QUEUE_MAX,
                                           &hub_rev) : NULL;
    if (!sub) return rest_error(c, KAPI_UNAVAILABLE, "the server is shutting down");
    const char *gvk[] = {c->r->group, c->r->kind, c->r->version};
    metrics_gauge_add(MF_WATCHERS, gvk, 3, 1);            /* apiserver_registered_watchers */
    long long end_ms = watch_end_ms(&o);
    watch_stream_init(&w.ws, c, &fmt);
    int ok = watch_stream_begin(&w.ws) == 0;
    if (ok && o.send_initial == 1) {
        int64_t snapshot = 0;
        ok = send_initial_events(&w, &o, &snapshot) == 0;
        w.delivered = snapshot;
        if (ok && o.bookmarks)
            ok = watch_stream_bookmark(&w.ws, snapshot, 1) == 0 && watch_stream_flush(&w.ws) == 0;
    } else if (ok && o.rv == 0) {
        int64_t current = store_revision(s);        /* sendInitialEvents=false: from now */
        w.delivered = current > 0 ? current : 0;
    } else if (ok) {
        int64_t compacted = store_compacted_revision(s);
        if (compacted > o.rv) {
            send_too_old(&w, o.rv, compacted);
            ok = 0;
        }
        w.delivered = o.rv;
    }
    if (ok && w.delivered < hub_rev) ok = send_history(&w, hub_rev, o.rv) == 0;
    store_release_thread_connection(s);             /* idle from here on: no connection held */
    if (ok) stream_events(&w, hub, sub, o.bookmarks, end_ms);
    watch_unsubscribe(hub, sub);
    metrics_gauge_add(MF_WATCHERS, gvk, 3, -1);
    watch_stream_free(&w.ws);
    return rest_streamed();
}
