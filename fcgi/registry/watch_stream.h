/* watch_stream.h: the bytes of one watch response. Each event is one JSON
 * object on its own line, as kube's watch encoder writes them
 * ({"type":"ADDED","object":{...}}\n): the object as stored, or (for
 * `kubectl get -w`'s Accept) a one-row meta.k8s.io Table whose first one
 * carries the columnDefinitions and the later ones null; BOOKMARK events
 * carry only kind, apiVersion and metadata.resourceVersion (plus the
 * k8s.io/initial-events-end annotation after the initial events); ERROR
 * events carry a Status. Bytes collect until watch_stream_flush writes
 * them through the response's stream_write. */
#ifndef KAPI_WATCH_STREAM_H
#define KAPI_WATCH_STREAM_H

#include <stdint.h>
#include <cjson/cJSON.h>
#include "codec/codec.h"
#include "core/kapi.h"
#include "registry/tables.h"
#include "watch/watch_event.h"

struct rest_call;

typedef struct watch_stream {
    struct rest_call *c;
    int table;                 /* events are Tables */
    const char *table_api;     /* "meta.k8s.io/v1" or "meta.k8s.io/v1beta1" */
    table_include include;
    int headers_sent;          /* a Table went out with its columnDefinitions */
    kapi_buf out;              /* bytes not written yet */
    long long last_write_ms;   /* CLOCK_MONOTONIC, of the last write */
    int body_started;          /* a byte after the head went out */
    int failed;                /* the client is gone or the worker stops */
} watch_stream;

void watch_stream_init(watch_stream *ws, struct rest_call *c, const output_format *fmt);
void watch_stream_free(watch_stream *ws);

/* Sends the response head (200, Content-Type: application/json) at once, as
 * kube flushes it before the first event. 0, or -1 when the client is gone. */
int watch_stream_begin(watch_stream *ws);

/* Appends events (0, or -1 when out of memory). */
int watch_stream_event(watch_stream *ws, watch_event *e, watch_view v);
int watch_stream_bookmark(watch_stream *ws, int64_t rev, int initial_events_end);
int watch_stream_error(watch_stream *ws, cJSON *status);    /* consumes status */

/* Writes what collected and flushes it to the client. 0, or -1 once the
 * client is gone or the worker is stopping. */
int watch_stream_flush(watch_stream *ws);

/* A keep-alive newline (JSON stream decoders skip whitespace), flushed. */
int watch_stream_heartbeat(watch_stream *ws);
/* Whether the client is still there, writing nothing (stream_write with
 * n == 0 and no flush: the front end probes its connection). 0 or -1. */
int watch_stream_alive(watch_stream *ws);

#endif
