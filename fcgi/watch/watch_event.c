/* watch_event.c: the shared, reference-counted event record (see
 * watch_event.h): lazy parsing, the previous object, and the encoded lines
 * kept once per view. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/json.h"
#include "codec/jsonpath.h"
#include "core/alloc.h"
#include "watch/watch_event.h"

watch_event *watch_event_new(int64_t rev, char type, const char *key, const char *value,
                             store *from)
{
    watch_event *e = kapi_xcalloc(1, sizeof *e);
    e->key = kapi_xstrdup(key ? key : "");
    e->value = kapi_xstrdup(value ? value : "");
    atomic_init(&e->refs, 1);
    e->rev = rev;
    e->type = type;
    e->from = from;
    pthread_mutex_init(&e->mu, NULL);
    for (int v = 0; v < VIEW_COUNT; v++) {
        kapi_buf_init(&e->lines[v]);
        atomic_init(&e->line_done[v], 0);
    }
    return e;
}

void watch_event_ref(watch_event *e)
{
    atomic_fetch_add(&e->refs, 1);
}

void watch_event_unref(watch_event *e)
{
    if (!e || atomic_fetch_sub(&e->refs, 1) != 1) return;
    cJSON_Delete(e->obj);
    cJSON_Delete(e->prev_obj);
    free(e->prev_value);
    for (int v = 0; v < VIEW_COUNT; v++) kapi_buf_free(&e->lines[v]);
    pthread_mutex_destroy(&e->mu);
    free(e->key);
    free(e->value);
    free(e);
}

/* Both below run with e->mu held. */
static const cJSON *object_locked(watch_event *e)
{
    if (!e->parsed) {
        e->obj = cJSON_Parse(e->value);
        e->parsed = 1;
    }
    return e->obj;
}

static const cJSON *prev_locked(watch_event *e)
{
    if (!e->prev_loaded) {
        e->prev_loaded = 1;
        if (e->type == 'M' && !e->prev_value && e->from) {
            char *text = NULL;
            if (store_value_before(e->from, e->key, e->rev, &text) == STORE_OK) e->prev_value = text;
            else free(text);
        }
        if (e->prev_value) e->prev_obj = cJSON_Parse(e->prev_value);
    }
    return e->prev_obj;
}

const cJSON *watch_event_object(watch_event *e)
{
    pthread_mutex_lock(&e->mu);
    const cJSON *o = object_locked(e);
    pthread_mutex_unlock(&e->mu);
    return o;
}

const cJSON *watch_event_prev_object(watch_event *e)
{
    pthread_mutex_lock(&e->mu);
    const cJSON *o = e->type == 'M' ? prev_locked(e) : NULL;
    pthread_mutex_unlock(&e->mu);
    return o;
}

void watch_event_set_prev(watch_event *e, const char *prev_value)
{
    pthread_mutex_lock(&e->mu);
    if (!e->prev_loaded && !e->prev_value && prev_value) e->prev_value = kapi_xstrdup(prev_value);
    pthread_mutex_unlock(&e->mu);
}

const char *watch_view_type(watch_view v)
{
    switch (v) {
    case VIEW_ADDED: return "ADDED";
    case VIEW_MODIFIED: return "MODIFIED";
    default: return "DELETED";
    }
}

/* Sets obj's metadata.resourceVersion to rev (a string, as kube writes it). */
static void set_resource_version(cJSON *obj, int64_t rev)
{
    cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    if (!cJSON_IsObject(meta)) return;
    char digits[24];
    snprintf(digits, sizeof digits, "%lld", (long long)rev);
    json_set_str(meta, "resourceVersion", digits);
}

/* The view's object with e->mu held, as a new tree. */
static cJSON *view_object_locked(watch_event *e, watch_view v)
{
    if (v == VIEW_LEFT) {
        const cJSON *prev = prev_locked(e);
        cJSON *copy = prev ? cJSON_Duplicate(prev, 1) : NULL;
        if (copy) set_resource_version(copy, e->rev);
        return copy;
    }
    const cJSON *o = object_locked(e);
    return o ? cJSON_Duplicate(o, 1) : NULL;
}

cJSON *watch_event_view_object(watch_event *e, watch_view v)
{
    if (v <= VIEW_NONE || v >= VIEW_COUNT) return NULL;
    pthread_mutex_lock(&e->mu);
    cJSON *o = view_object_locked(e, v);
    pthread_mutex_unlock(&e->mu);
    return o;
}

/* Encodes the line of view v into e->lines[v]; e->mu held. */
static int encode_line_locked(watch_event *e, watch_view v)
{
    kapi_buf *b = &e->lines[v];
    const cJSON *obj = v == VIEW_LEFT ? NULL : object_locked(e);
    cJSON *owned = NULL;
    if (v == VIEW_LEFT) obj = owned = view_object_locked(e, v);
    if (!obj) return -1;
    int rc = kapi_buf_printf(b, "{\"type\":\"%s\",\"object\":", watch_view_type(v));
    if (rc == 0) rc = json_write(b, obj, 0);
    if (rc == 0) rc = kapi_buf_puts(b, "}\n");
    cJSON_Delete(owned);
    if (rc != 0) b->len = 0;
    return rc;
}

/* Makes lines[v] final; 0, or -1. */
static int ensure_line(watch_event *e, watch_view v)
{
    if (atomic_load_explicit(&e->line_done[v], memory_order_acquire)) return 0;
    pthread_mutex_lock(&e->mu);
    int rc = 0;
    if (!atomic_load_explicit(&e->line_done[v], memory_order_relaxed)) {
        rc = encode_line_locked(e, v);
        if (rc == 0) atomic_store_explicit(&e->line_done[v], 1, memory_order_release);
    }
    pthread_mutex_unlock(&e->mu);
    return rc;
}

int watch_event_append_line(watch_event *e, watch_view v, kapi_buf *out)
{
    if (v <= VIEW_NONE || v >= VIEW_COUNT) return -1;
    if (ensure_line(e, v) != 0) return -1;
    /* final: shared by every watcher without a lock */
    return kapi_buf_put(out, e->lines[v].data, e->lines[v].len);
}

void watch_event_prepare_line(watch_event *e, watch_view v)
{
    if (v > VIEW_NONE && v < VIEW_COUNT) (void)ensure_line(e, v);
}

watch_view watch_event_natural_view(const watch_event *e)
{
    return e->type == 'A' ? VIEW_ADDED : e->type == 'M' ? VIEW_MODIFIED : VIEW_DELETED;
}
