/* watch_event.h: one write of the store as watches see it, shared by every
 * watcher it is handed to (reference counted), with what each of them would
 * otherwise compute again kept once: the object parsed, the object before
 * the write (for watches with selectors), and the encoded JSON lines
 * ({"type":"ADDED","object":{...}}\n). Everything lazy is filled under the
 * event's own mutex, so watcher threads may share an event freely. */
#ifndef KAPI_WATCH_EVENT_H
#define KAPI_WATCH_EVENT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "core/kapi.h"
#include "store/store.h"

/* How a watcher sees an event (kube's cacher: selectors turn a MODIFIED into
 * ADDED or DELETED when the object starts or stops matching). */
typedef enum watch_view {
    VIEW_NONE = -1,
    VIEW_ADDED = 0,      /* the new object */
    VIEW_MODIFIED,       /* the new object */
    VIEW_DELETED,        /* the object as deleted (resourceVersion: the deletion's) */
    VIEW_LEFT,           /* DELETED with the previous object, at this event's revision */
    VIEW_COUNT
} watch_view;

typedef struct watch_event {
    atomic_int refs;
    int64_t rev;
    char type;                 /* 'A', 'M' or 'D' (the store's log types) */
    char *key;
    char *value;               /* the object's JSON as stored */
    store *from;               /* where the previous object can be read, or NULL */

    pthread_mutex_t mu;        /* guards everything below */
    int parsed;
    cJSON *obj;                /* value parsed (NULL if it is not JSON) */
    int prev_loaded;
    char *prev_value;          /* M: the object before this write (NULL: none) */
    cJSON *prev_obj;
    kapi_buf lines[VIEW_COUNT];/* encoded plain-JSON lines, filled on demand */
    atomic_int line_done[VIEW_COUNT];   /* set (release) once lines[v] is final:
                                           read without the mutex from then on */
} watch_event;

/* A new event (one reference) holding copies of key and value; NULL when out
 * of memory. from may be NULL (the previous object is then only what
 * watch_event_set_prev gave). */
watch_event *watch_event_new(int64_t rev, char type, const char *key, const char *value,
                             store *from);
void watch_event_ref(watch_event *e);
void watch_event_unref(watch_event *e);

/* The object (parsed once; NULL if the stored text is not JSON). The tree
 * is shared: read it, never change it. */
const cJSON *watch_event_object(watch_event *e);
/* The object before this write, for 'M' events (NULL when there was none,
 * or it cannot be read). Loaded once, from the store if not set before. */
const cJSON *watch_event_prev_object(watch_event *e);
/* Sets the previous object's text (copied) before anyone asks for it: the
 * poller loads it in its own thread so watcher threads need no database. */
void watch_event_set_prev(watch_event *e, const char *prev_value);

/* Appends the plain-JSON line of this event as seen in view v to out:
 * {"type":"MODIFIED","object":<object as Go's encoder writes it>}\n.
 * Encoded once per view and shared. Returns 0, or -1. */
int watch_event_append_line(watch_event *e, watch_view v, kapi_buf *out);
/* Encodes the line of view v now (the poller does it for the view most
 * watchers need, before handing the event out). */
void watch_event_prepare_line(watch_event *e, watch_view v);
/* The view of e for a watch without selectors. */
watch_view watch_event_natural_view(const watch_event *e);

/* The object a view shows, as a new tree the caller frees (for encoders
 * that need to change it, e.g. into a Table); NULL when there is none. */
cJSON *watch_event_view_object(watch_event *e, watch_view v);

/* "ADDED", "MODIFIED", "DELETED" for a view. */
const char *watch_view_type(watch_view v);

#endif
