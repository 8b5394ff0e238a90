/* watch_stream.c: encoding the events of one watch and writing them through
 * the response's stream_write (see watch_stream.h). Plain-JSON lines come
 * ready from the shared event (encoded once for every watcher); Tables,
 * bookmarks and errors are encoded here, per watch. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "codec/json.h"
#include "core/metrics.h"
#include "registry/kinds/customresources.h"
#include "registry/rest_internal.h"
#include "registry/watch_stream.h"
#include "watch/watch_hub.h"

void watch_stream_init(watch_stream *ws, rest_call *c, const output_format *fmt)
{
    memset(ws, 0, sizeof *ws);
    ws->c = c;
    ws->table = fmt->kind == OUTPUT_TABLE;
    ws->table_api = fmt->version && !strcmp(fmt->version, "v1beta1") ? "meta.k8s.io/v1beta1"
                                                                      : "meta.k8s.io/v1";
    ws->include = rest_include_mode(c);
    kapi_buf_init(&ws->out);
    ws->last_write_ms = watch_now_ms();
}

void watch_stream_free(watch_stream *ws)
{
    kapi_buf_free(&ws->out);
}

static int write_out(watch_stream *ws, const char *data, size_t n, int flush)
{
    kapi_response *resp = ws->c->resp;
    if (ws->failed || !resp->stream_write) return -1;
    if (resp->stream_write(resp->stream_ctx, data, n, flush) != 0) {
        ws->failed = 1;
        return -1;
    }
    ws->last_write_ms = watch_now_ms();
    if (n) ws->body_started = 1;
    return 0;
}

int watch_stream_begin(watch_stream *ws)
{
    kapi_response *resp = ws->c->resp;
    resp->status = 200;
    resp->content_type = "application/json";
    return write_out(ws, "", 0, 1);
}

int watch_stream_flush(watch_stream *ws)
{
    if (ws->failed) return -1;
    int rc = write_out(ws, ws->out.data ? ws->out.data : "", ws->out.len, 1);
    ws->out.len = 0;
    return rc;
}

int watch_stream_alive(watch_stream *ws)
{
    kapi_response *resp = ws->c->resp;
    if (ws->failed || !resp->stream_write) return -1;
    if (resp->stream_write(resp->stream_ctx, NULL, 0, 0) != 0) {  /* a probe: writes nothing */
        ws->failed = 1;
        return -1;
    }
    return 0;
}

int watch_stream_heartbeat(watch_stream *ws)
{
    if (watch_stream_flush(ws) < 0) return -1;
    return write_out(ws, "\n", 1, 1);
}

/* {"type":type,"object":obj}\n, obj not consumed. */
static int append_wrapped(watch_stream *ws, const char *type, const cJSON *obj)
{
    int rc = kapi_buf_printf(&ws->out, "{\"type\":\"%s\",\"object\":", type);
    if (rc == 0) rc = json_write(&ws->out, obj, 0);
    if (rc == 0) rc = kapi_buf_puts(&ws->out, "}\n");
    return rc;
}

/* obj as a one-row Table (kube's watch embedded encoder): the first Table
 * of the stream has columnDefinitions, the later ones null (NoHeaders). */
static int append_table(watch_stream *ws, const char *type, const cJSON *obj)
{
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    const cJSON *rv = cJSON_GetObjectItemCaseSensitive(meta, "resourceVersion");
    cJSON *t = table_build(ws->c->r, obj, ws->include, ws->table_api,
                           cJSON_IsString(rv) ? rv->valuestring : "", NULL, time(NULL));
    if (!t) return -1;
    if (ws->headers_sent)
        cJSON_ReplaceItemInObjectCaseSensitive(t, "columnDefinitions", cJSON_CreateNull());
    ws->headers_sent = 1;
    int rc = append_wrapped(ws, type, t);
    cJSON_Delete(t);
    return rc;
}

int watch_stream_event(watch_stream *ws, watch_event *e, watch_view v)
{
    const kapi_resource *r = ws->c->r;
    const char *gvk[] = {r->group, r->kind, r->version};
    metrics_counter_add(MF_WATCH_EVENTS, gvk, 3, 1);       /* apiserver_watch_events_total */
    int custom = (ws->c->r->flags & KIND_IS_CUSTOM) != 0;
    const kapi_strategy *s = ws->c->r->strategy;
    int convert = s && s->from_storage && !ws->table;
    if (!ws->table && !custom && !convert) return watch_event_append_line(e, v, &ws->out);
    cJSON *obj = watch_event_view_object(e, v);
    if (!obj) return -1;
    /* a custom resource in the watch's version, defaulted */
    if (custom) customresource_read(ws->c->r, obj);
    if (convert) s->from_storage(obj);   /* a kind served in another form than stored */
    int rc = ws->table ? append_table(ws, watch_view_type(v), obj) : append_wrapped(ws, watch_view_type(v), obj);
    cJSON_Delete(obj);
    return rc;
}

int watch_stream_bookmark(watch_stream *ws, int64_t rev, int initial_events_end)
{
    char digits[24];
    snprintf(digits, sizeof digits, "%lld", (long long)rev);
    cJSON *obj = cJSON_CreateObject();
    cJSON_AddStringToObject(obj, "kind", ws->c->r->kind);
    cJSON_AddStringToObject(obj, "apiVersion", resource_api_version(ws->c->r));
    cJSON *meta = cJSON_AddObjectToObject(obj, "metadata");
    cJSON_AddStringToObject(meta, "resourceVersion", digits);
    cJSON_AddNullToObject(meta, "creationTimestamp");
    if (initial_events_end) {
        cJSON *ann = cJSON_AddObjectToObject(meta, "annotations");
        cJSON_AddStringToObject(ann, "k8s.io/initial-events-end", "true");
    }
    int rc = ws->table ? append_table(ws, "BOOKMARK", obj) : append_wrapped(ws, "BOOKMARK", obj);
    cJSON_Delete(obj);
    return rc;
}

int watch_stream_error(watch_stream *ws, cJSON *status)
{
    if (!status) return -1;
    int rc = append_wrapped(ws, "ERROR", status);   /* a Status is never turned into a Table */
    cJSON_Delete(status);
    return rc;
}
