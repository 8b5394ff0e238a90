/* watch_hub.h: the one poller of a process's store that feeds every watch.
 *
 * Each process has at most one hub per store handle, made on the first
 * watch (watch_hub_of) and stopped when the store closes. Its poller thread
 * sleeps while no watch is subscribed; otherwise it waits for a commit in
 * any process (store_wait_for_change), or 250 ms at most, reads the store's
 * revision (one cheap query), and when it moved reads the new events once,
 * in batches, and hands each to the subscriptions whose keys it concerns:
 * a reference on a shared watch_event appended to the subscription's
 * bounded queue. An idle watch costs no query and holds no database lock
 * or connection; a watch that falls more than its queue behind is told to
 * end (after what it already has), never slowing writers or other watches.
 *
 * Hand-over without gaps: subscribing returns the hub's revision R, up to
 * which every event has been handed out; the queue receives every later
 * event for the subscription's keys, in order. The watch reads what it
 * needs up to R from the store itself and skips queued events it has
 * already sent. */
#ifndef KAPI_WATCH_HUB_H
#define KAPI_WATCH_HUB_H

#include <stddef.h>
#include <stdint.h>
#include "store/store.h"
#include "watch/watch_event.h"

typedef struct watch_hub watch_hub;
typedef struct watch_sub watch_sub;

#define WATCH_QUEUE_MAX 10000     /* events a watch may fall behind */

/* The hub of store s in this process, made (and its poller started) on first
 * use; NULL when out of resources. */
watch_hub *watch_hub_of(store *s);

/* Subscribes to events whose key starts with prefix (or, with exact, equals
 * it). needs_prev: the watch filters with selectors, so the poller loads
 * each MODIFIED event's previous object for it. *rev gets the revision up to
 * which events were handed out before this subscription. NULL when the hub
 * is stopping or out of memory. */
watch_sub *watch_subscribe(watch_hub *h, const char *prefix, int exact, int needs_prev,
                           size_t max_queue, int64_t *rev);
void watch_unsubscribe(watch_hub *h, watch_sub *sub);

/* Why watch_next returned no events. */
typedef enum watch_wait_result {
    WATCH_GOT_EVENTS = 0,
    WATCH_TIMED_OUT,          /* deadline reached, queue empty */
    WATCH_END_STOPPING,       /* the process is stopping */
    WATCH_END_OVERFLOW,       /* fell WATCH_QUEUE_MAX behind; queue drained */
    WATCH_END_COMPACTED       /* the hub fell behind compaction */
} watch_wait_result;

/* Takes up to max queued events (the caller unrefs each) into out, waiting
 * until there is one or until deadline_ms (CLOCK_MONOTONIC milliseconds).
 * *n gets the count; *hub_rev (may be NULL) the hub's revision when the
 * queue was left empty (0 if events remain), for bookmarks. */
watch_wait_result watch_next(watch_hub *h, watch_sub *sub, watch_event **out, size_t max,
                             size_t *n, long long deadline_ms, int64_t *hub_rev);

/* Every watch of every hub of this process ends at its next wait (the
 * worker calls this before joining its threads). */
void watch_hubs_shutdown(void);

/* Milliseconds on CLOCK_MONOTONIC, the clock of deadline_ms. */
long long watch_now_ms(void);

#endif
