/* tables.c: server-side printing, the part every kind shares. Builds the
 * meta.k8s.io Table that `kubectl get` asks for (kube-apiserver's
 * endpoints/handlers asTable + pkg/printers TableGenerator), formats ages the
 * way kube does (apimachinery util/duration.HumanDuration), and holds the
 * default printer that kube gives kinds without their own (apiserver
 * registry/rest.defaultTableConvertor: Name and Created At). The per-kind
 * printers live in tables_core.c, tables_apps.c, tables_rbac.c and
 * tables_coordination.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/jsonpath.h"
#include "codec/labels.h"
#include "core/gotime.h"
#include "registry/tables.h"
#include "registry/tables_internal.h"
#include "core/alloc.h"

/* ---- column descriptions kube takes from swagger docs (k8s.io/api 1.32) */

const char DOC_OBJECTMETA_NAME[] =
    "Name must be unique within a namespace. Is required when creating resources, although "
    "some resources may allow a client to request the generation of an appropriate name "
    "automatically. Name is primarily intended for creation idempotence and configuration "
    "definition. Cannot be updated. More info: "
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
const char DOC_OBJECTMETA_CREATION_TIMESTAMP[] =
    "CreationTimestamp is a timestamp representing the server time when this object was "
    "created. It is not guaranteed to be set in happens-before order across separate "
    "operations. Clients may not set this value. It is represented in RFC3339 form and is in "
    "UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: "
    "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const char DOC_CONTAINERS[] = "Names of each container in the template.";
const char DOC_IMAGES[] = "Images referenced by each container in the template.";

/* ---- reading stored objects (codec/jsonpath reads; these add kube's
 * printers' defaults) */

const char *tj_str_or(const cJSON *obj, const char *path, const char *dflt)
{
    const char *s = json_str_at(obj, path, NULL);
    return s && *s ? s : dflt;
}

long long tj_int(const cJSON *obj, const char *path, long long dflt)
{
    const cJSON *v = json_at(obj, path);
    if (!cJSON_IsNumber(v)) return dflt;
    double d = v->valuedouble;
    /* kube's counters and ports are int32: Go rejects anything else */
    if (!(d >= -2147483648.0 && d <= 2147483647.0) || d != (double)(long long)d) return dflt;
    return (long long)d;
}

/* ---- cells */

void cell_string(cJSON *cells, const char *s)
{
    cJSON_AddItemToArray(cells, cJSON_CreateString(s ? s : ""));
}

void cell_integer(cJSON *cells, long long v)
{
    cJSON_AddItemToArray(cells, cJSON_CreateNumber((double)v));
}

void cell_name(cJSON *cells, const cJSON *obj)
{
    cell_string(cells, json_str_at(obj, "metadata.name", NULL));
}

void cell_age(cJSON *cells, const cJSON *obj, time_t now)
{
    char age[32];
    table_age(obj, now, age, sizeof age);
    cell_string(cells, age);
}

void cell_list_with_more(cJSON *cells, const char *const *items, int count, int max)
{
    kapi_buf b;
    kapi_buf_init(&b);
    for (int i = 0; i < count && i < max; i++) kapi_buf_printf(&b, "%s%s", i ? "," : "", items[i]);
    if (count > max) kapi_buf_printf(&b, " + %d more...", count - max);
    else if (!count) kapi_buf_puts(&b, "<unset>");
    cell_buf(cells, &b);
}

void cell_buf(cJSON *cells, kapi_buf *b)
{
    cell_string(cells, b->data ? b->data : "");
    kapi_buf_free(b);
}

/* ---- time */

kube_time kube_time_parse(const char *s)
{
    kube_time t = {0, 0, 0};
    int64_t sec, nsec;
    if (!s || !rfc3339_parse(s, strlen(s), 0, &sec, &nsec, NULL, 0)) return t;
    t.sec = sec;
    t.nsec = (int32_t)nsec;
    t.set = !(t.sec == GO_ZERO_TIME_UNIX_SECONDS && t.nsec == 0);
    return t;
}

kube_time kube_time_at(const cJSON *obj, const char *path)
{
    return kube_time_parse(json_str_at(obj, path, NULL));
}

int kube_time_before(kube_time a, kube_time b)
{
    /* unset times are Go's zero time, earlier than every set one */
    int64_t as = a.set ? a.sec : GO_ZERO_TIME_UNIX_SECONDS, bs = b.set ? b.sec : GO_ZERO_TIME_UNIX_SECONDS;
    int32_t an = a.set ? a.nsec : 0, bn = b.set ? b.nsec : 0;
    return as < bs || (as == bs && an < bn);
}

void timestamp_since(kube_time t, time_t now, char *out, size_t n)
{
    if (!t.set) {
        snprintf(out, n, "<unknown>");
        return;
    }
    /* time.Since saturates at the limits of a Duration (about 292 years) */
    const int64_t limit = INT64_MAX / 1000000000LL - 1;
    int64_t dsec = (int64_t)now - t.sec, d;   /* both well inside int64 */
    if (dsec > limit) d = INT64_MAX;
    else if (dsec < -limit) d = INT64_MIN;
    else d = dsec * 1000000000LL - t.nsec;
    duration_human(d, out, n);
}

void timestamp_rfc3339(kube_time t, char *out, size_t n)
{
    rfc3339_format(t.set ? t.sec : GO_ZERO_TIME_UNIX_SECONDS, 0, 0, out, n);
}

/* ---- labels and selectors */

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void format_labels(const cJSON *map, kapi_buf *out)
{
    int n = cJSON_IsObject(map) ? cJSON_GetArraySize(map) : 0;
    const char **keys = n ? kapi_xcalloc((size_t)n, sizeof *keys) : NULL;
    int k = 0;
    if (keys) {
        const cJSON *e;
        cJSON_ArrayForEach(e, map)
            if (e->string && k < n) keys[k++] = e->string;
        qsort(keys, (size_t)k, sizeof *keys, compare_strings);
    }
    for (int i = 0; i < k; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(map, keys[i]);
        kapi_buf_printf(out, "%s%s=%s", i ? "," : "", keys[i],
                        cJSON_IsString(v) && v->valuestring ? v->valuestring : "");
    }
    free(keys);
    if (k == 0) kapi_buf_puts(out, "<none>");
}

void cell_label_selector(cJSON *cells, const cJSON *selector)
{
    kapi_buf b;
    kapi_buf_init(&b);
    format_label_selector(selector, &b);
    cell_buf(cells, &b);
}

void format_label_selector(const cJSON *selector, kapi_buf *out)
{
    kapi_buf b;
    kapi_buf_init(&b);
    if (label_selector_as_selector_string(selector, &b) < 0) kapi_buf_puts(out, "<error>");
    else if (b.len == 0) kapi_buf_puts(out, "<none>");
    else kapi_buf_put(out, b.data, b.len);
    kapi_buf_free(&b);
}

/* One member (name or image) of each container, ","-joined. */
static void container_member_cell(cJSON *cells, const cJSON *containers, const char *member)
{
    kapi_buf b;
    kapi_buf_init(&b);
    const cJSON *c;
    int i = 0;
    if (cJSON_IsArray(containers))
        cJSON_ArrayForEach(c, containers) kapi_buf_printf(&b, "%s%s", i++ ? "," : "", tj_str_or(c, member, ""));
    cell_buf(cells, &b);
}

void container_cells(const cJSON *containers, cJSON *cells)
{
    container_member_cell(cells, containers, "name");
    container_member_cell(cells, containers, "image");
}

/* ---- cells as data */

void cell_ready_replicas(cJSON *cells, const cJSON *obj, const table_column *col, time_t now)
{
    char ready[64];
    snprintf(ready, sizeof ready, "%lld/%lld", tj_int(obj, "status.readyReplicas", 0), tj_int(obj, "spec.replicas", 1));
    cell_string(cells, ready);
}

static void data_cell(const table_column *c, const cJSON *obj, cJSON *cells, time_t now)
{
    kapi_buf b;
    switch (c->cell) {
    case CELL_NAME: cell_name(cells, obj); return;
    case CELL_AGE: cell_age(cells, obj, now); return;
    case CELL_TEXT: cell_string(cells, tj_str_or(obj, c->path, c->text ? c->text : "")); return;
    case CELL_OPTIONAL: {
        const cJSON *v = json_at(obj, c->path);
        cell_string(cells, cJSON_IsString(v) ? v->valuestring : c->text);
        return;
    }
    case CELL_INT: cell_integer(cells, tj_int(obj, c->path, c->number)); return;
    case CELL_BOOL: cJSON_AddItemToArray(cells, cJSON_CreateBool(json_true_at(obj, c->path))); return;
    case CELL_COUNT: cell_integer(cells, cJSON_GetArraySize(json_at(obj, c->path))); return;
    case CELL_LABELS:
        kapi_buf_init(&b);
        format_labels(json_at(obj, c->path), &b);
        cell_buf(cells, &b);
        return;
    case CELL_SELECTOR: cell_label_selector(cells, json_at(obj, c->path)); return;
    case CELL_CONTAINERS: container_member_cell(cells, json_at(obj, c->path), "name"); return;
    case CELL_IMAGES: container_member_cell(cells, json_at(obj, c->path), "image"); return;
    case CELL_JOINED: {
        kapi_buf_init(&b);
        const cJSON *v;
        int n = 0;
        cJSON_ArrayForEach(v, json_array_at(obj, c->path)) {
            const char *s = c->member ? json_str(v, c->member) : cJSON_IsString(v) ? v->valuestring : "";
            kapi_buf_printf(&b, "%s%s", n++ ? "," : "", s);
        }
        if (!n) kapi_buf_puts(&b, c->text ? c->text : "");
        cell_buf(cells, &b);
        return;
    }
    case CELL_FN: if (c->fn) c->fn(cells, obj, c, now); return;
    case CELL_BY_ROW: return;
    }
}

void table_row(const table_def *def, const cJSON *obj, cJSON *cells, time_t now)
{
    if (def->row) {
        def->row(obj, cells, now);
        return;
    }
    for (int i = 0; i < def->n_columns; i++) data_cell(&def->columns[i], obj, cells, now);
}

/* ---- the default printer: kinds without one of their own (Roles and
 * ClusterRoles in kube) get Name and Created At (RFC 3339, UTC). */

static const table_column default_columns[] = {
    {"Name", "string", "name", DOC_OBJECTMETA_NAME, 0},
    {"Created At", "date", "", DOC_OBJECTMETA_CREATION_TIMESTAMP, 0},
};

static void default_row(const cJSON *obj, cJSON *cells, time_t now)
{
    char created[64];
    (void)now;
    cell_name(cells, obj);
    timestamp_rfc3339(kube_time_at(obj, "metadata.creationTimestamp"), created, sizeof created);
    cell_string(cells, created);
}

const table_def table_default = {default_columns, 2, default_row, NULL};
const table_def table_roles = {default_columns, 2, default_row, NULL};
const table_def table_clusterroles = {default_columns, 2, default_row, NULL};

/* ---- the Table */

void table_age(const cJSON *obj, time_t now, char *out, size_t n)
{
    if (!out || n == 0) return;
    timestamp_since(kube_time_at(obj, "metadata.creationTimestamp"), now, out, n);
}

static cJSON *column_definition(const table_column *c)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "name", c->name ? c->name : "");
    cJSON_AddStringToObject(d, "type", c->type ? c->type : "");
    cJSON_AddStringToObject(d, "format", c->format ? c->format : "");
    cJSON_AddStringToObject(d, "description", c->description ? c->description : "");
    cJSON_AddNumberToObject(d, "priority", c->priority);
    return d;
}

/* The row's object as asTable sets it: the whole object (kind and apiVersion
 * first), its metadata as a PartialObjectMetadata, or null. */
static cJSON *row_object(const kapi_resource *r, const cJSON *item, table_include include,
                         const char *api_version)
{
    if (include == INCLUDE_NONE) return cJSON_CreateNull();
    if (include == INCLUDE_OBJECT) {
        cJSON *o = cJSON_CreateObject();
        const char *kind = json_str_at(item, "kind", NULL), *av = json_str_at(item, "apiVersion", NULL);
        cJSON_AddStringToObject(o, "kind", kind ? kind : r ? r->kind : "");
        cJSON_AddStringToObject(o, "apiVersion", av ? av : r ? resource_api_version(r) : "");
        const cJSON *f;
        cJSON_ArrayForEach(f, item) {
            if (!f->string || !strcmp(f->string, "kind") || !strcmp(f->string, "apiVersion"))
                continue;
            cJSON_AddItemToObject(o, f->string, cJSON_Duplicate(f, 1));
        }
        return o;
    }
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "kind", "PartialObjectMetadata");
    cJSON_AddStringToObject(p, "apiVersion", api_version);
    const cJSON *meta = json_at(item, "metadata");
    cJSON_AddItemToObject(p, "metadata",
                          cJSON_IsObject(meta) ? cJSON_Duplicate(meta, 1) : cJSON_CreateObject());
    return p;
}

cJSON *table_build(const kapi_resource *r, const cJSON *items, table_include include,
                   const char *api_version, const char *rv, const char *cont, time_t now)
{
    const table_def *def = r && r->table ? r->table : &table_default;
    int by_columns = r && !r->table && r->columns;   /* printer columns as data */
    int n_columns = by_columns ? table_columns_count(r) : def->n_columns;
    if (!api_version || !*api_version) api_version = "meta.k8s.io/v1";
    cJSON *t = cJSON_CreateObject();
    if (!t) return NULL;
    cJSON_AddStringToObject(t, "kind", "Table");
    cJSON_AddStringToObject(t, "apiVersion", api_version);
    cJSON *meta = cJSON_AddObjectToObject(t, "metadata");
    if (rv && *rv) cJSON_AddStringToObject(meta, "resourceVersion", rv);
    if (cont && *cont) cJSON_AddStringToObject(meta, "continue", cont);
    cJSON *cols = cJSON_AddArrayToObject(t, "columnDefinitions");
    if (by_columns) table_columns_definitions(r, cols);
    else
        for (int i = 0; i < def->n_columns; i++)
            cJSON_AddItemToArray(cols, column_definition(&def->columns[i]));
    cJSON *rows = cJSON_AddArrayToObject(t, "rows");

    const cJSON *item;
    const cJSON *single = cJSON_IsObject(items) ? items : NULL;   /* one object: one row */
    const cJSON *list = cJSON_IsArray(items) ? items : NULL;
    for (item = list ? list->child : single; item; item = list ? item->next : NULL) {
        if (!cJSON_IsObject(item)) continue;
        cJSON *row = cJSON_CreateObject();
        cJSON *cells = cJSON_AddArrayToObject(row, "cells");
        if (by_columns) table_columns_row(r, item, cells, now);
        else table_row(def, item, cells, now);
        while (cJSON_GetArraySize(cells) < n_columns) cell_string(cells, "");
        if (!by_columns && def->row_conditions) {
            cJSON *conds = def->row_conditions(item);
            if (conds) cJSON_AddItemToObject(row, "conditions", conds);
        }
        cJSON_AddItemToObject(row, "object", row_object(r, item, include, api_version));
        cJSON_AddItemToArray(rows, row);
    }
    return t;
}
