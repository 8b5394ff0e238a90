/* tables_internal.h: what the per-kind printers (tables_*.c) share: safe
 * readers of stored objects (a missing or wrongly-typed field reads as
 * absent), kube's time formatting (duration.HumanDuration,
 * translateTimestampSince), label and selector formatting, and the column
 * descriptions kube takes from its types' swagger docs. Private to
 * registry/tables*.c and their unit tests. */
#ifndef KAPI_TABLES_INTERNAL_H
#define KAPI_TABLES_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <cjson/cJSON.h>
#include "codec/jsonpath.h"
#include "codec/labels.h"
#include "core/gotime.h"
#include "core/kapi.h"
#include "registry/tables.h"

/* ---- reading stored objects: codec/jsonpath's readers (json_at,
 * json_str_at, ...), plus the printers' defaults. Anything missing or of the
 * wrong type is absent. */
/* The string at path, or dflt when absent or empty. */
const char *tj_str_or(const cJSON *obj, const char *path, const char *dflt);
/* The int32 at path (kube's counters and ports are int32), or dflt when
 * absent, not an integer or out of range. */
long long tj_int(const cJSON *obj, const char *path, long long dflt);

/* ---- cells */
void cell_string(cJSON *cells, const char *s);   /* NULL gives "" */
void cell_integer(cJSON *cells, long long v);
/* metadata.name, and the AGE column (translateTimestampSince of
 * creationTimestamp): the cells every printer starts and ends with. */
void cell_name(cJSON *cells, const cJSON *obj);
void cell_age(cJSON *cells, const cJSON *obj, time_t now);
/* kube's listWithMoreString: the first max items ","-joined, then
 * " + N more..." for the rest; "<unset>" when there are none. */
void cell_list_with_more(cJSON *cells, const char *const *items, int count, int max);
/* Takes ownership of a kapi_buf's text and appends it as a string cell. */
void cell_buf(cJSON *cells, kapi_buf *b);

/* ---- time. A parsed metav1.Time: seconds since the epoch plus nanoseconds;
 * zero is Go's zero time (0001-01-01T00:00:00Z), which kube treats as unset. */
typedef struct kube_time {
    int64_t sec;
    int32_t nsec;
    int set;          /* 0: missing, unparseable or Go's zero time */
} kube_time;
/* Parses RFC 3339 ("2024-05-01T10:00:00Z", fractions and offsets allowed). */
kube_time kube_time_parse(const char *s);
kube_time kube_time_at(const cJSON *obj, const char *path);
/* Go's t1.Before(t2) */
int kube_time_before(kube_time a, kube_time b);
/* translateTimestampSince: "<unknown>" when unset, else HumanDuration(now - t). */
void timestamp_since(kube_time t, time_t now, char *out, size_t n);
/* t.UTC().Format(time.RFC3339); Go's zero time when unset. */
void timestamp_rfc3339(kube_time t, char *out, size_t n);

/* ---- labels and selectors */
/* labels.FormatLabels: "a=1,b=2" sorted by key, "<none>" when empty. */
void format_labels(const cJSON *map, kapi_buf *out);
/* metav1.FormatLabelSelector: "<error>" on error, "<none>" when empty. */
void format_label_selector(const cJSON *selector, kapi_buf *out);
/* format_label_selector's text as a cell (the wide Selector column). */
void cell_label_selector(cJSON *cells, const cJSON *selector);
/* layoutContainerCells: names and images of a container list, ","-joined. */
void container_cells(const cJSON *containers, cJSON *cells);

/* ---- column descriptions (kube's swagger docs, Kubernetes 1.32) */
extern const char DOC_OBJECTMETA_NAME[];
extern const char DOC_OBJECTMETA_CREATION_TIMESTAMP[];
extern const char DOC_CONTAINERS[];
extern const char DOC_IMAGES[];

/* ---- columns whose cells are data (kinds/resource.h table_cell). Each
 * macro is a column's members, so a table reads
 *   {NAME_CELL}, {TEXT_CELL("Holder", doc, "spec.holderIdentity", "")}, {AGE_CELL},
 *   {CONTAINERS_CELL(DOC_CONTAINERS, "spec.template.spec.containers"), WIDE},
 * and TABLE_OF(columns) is its table_def, with no row function: table_row
 * builds every row from the columns. A cell the data cannot say is a
 * FN_CELL with a function that appends it (FN_AT_CELL: one that reads the
 * column's path, so that several columns can share it). */
#define NAME_CELL .name = "Name", .type = "string", .format = "name", \
    .description = DOC_OBJECTMETA_NAME, .cell = CELL_NAME
#define AGE_CELL .name = "Age", .type = "string", .format = "", \
    .description = DOC_OBJECTMETA_CREATION_TIMESTAMP, .cell = CELL_AGE
#define TEXT_CELL(n, doc, p, dflt) .name = n, .type = "string", .format = "", .description = doc, \
    .cell = CELL_TEXT, .path = p, .text = dflt
#define OPTIONAL_CELL(n, doc, p, dflt) .name = n, .type = "string", .format = "", .description = doc, \
    .cell = CELL_OPTIONAL, .path = p, .text = dflt
#define INT_CELL(n, t, doc, p, dflt) .name = n, .type = t, .format = "", .description = doc, \
    .cell = CELL_INT, .path = p, .number = dflt
#define BOOL_CELL(n, t, doc, p) .name = n, .type = t, .format = "", .description = doc, \
    .cell = CELL_BOOL, .path = p
#define COUNT_CELL(n, t, doc, p) .name = n, .type = t, .format = "", .description = doc, \
    .cell = CELL_COUNT, .path = p
#define LABELS_CELL(n, doc, p) .name = n, .type = "string", .format = "", .description = doc, \
    .cell = CELL_LABELS, .path = p
#define SELECTOR_CELL(n, doc, p) .name = n, .type = "string", .format = "", .description = doc, \
    .cell = CELL_SELECTOR, .path = p
#define CONTAINERS_CELL(doc, p) .name = "Containers", .type = "string", .format = "", \
    .description = doc, .cell = CELL_CONTAINERS, .path = p
#define IMAGES_CELL(doc, p) .name = "Images", .type = "string", .format = "", \
    .description = doc, .cell = CELL_IMAGES, .path = p
#define JOINED_CELL(n, doc, p, m, dflt) .name = n, .type = "string", .format = "", .description = doc, \
    .cell = CELL_JOINED, .path = p, .member = m, .text = dflt
#define FN_CELL(n, t, doc, f) .name = n, .type = t, .format = "", .description = doc, \
    .cell = CELL_FN, .fn = f
#define FN_AT_CELL(n, t, doc, f, p) FN_CELL(n, t, doc, f), .path = p
#define WIDE .priority = 1
/* A workload's wide Containers and Images columns, of the containers at p
 * (layoutContainerCells). */
#define WIDE_CONTAINER_CELLS(p) {CONTAINERS_CELL(DOC_CONTAINERS, p), WIDE}, {IMAGES_CELL(DOC_IMAGES, p), WIDE}
#define TABLE_OF(columns) {columns, (int)(sizeof columns / sizeof *columns), NULL, NULL}

/* A FN_CELL: "status.readyReplicas/spec.replicas", spec.replicas 1 when
 * absent (Deployments' and StatefulSets' Ready). */
void cell_ready_replicas(cJSON *cells, const cJSON *obj, const table_column *col, time_t now);

/* Appends obj's cells: def's row function, or each column's cell as data. */
void table_row(const table_def *def, const cJSON *obj, cJSON *cells, time_t now);

/* ---- printer columns as data (tables_columns.c): kinds without a
 * table_def whose description lists printer_columns get kube's custom
 * resource Table: Name, then each column's value at its JSON path. */
int table_columns_count(const kapi_resource *r);
void table_columns_definitions(const kapi_resource *r, cJSON *defs);
void table_columns_row(const kapi_resource *r, const cJSON *obj, cJSON *cells, time_t now);

/* Pod rows carry conditions for finished pods (printPod's row.Conditions);
 * NULL when the pod has none. Caller owns the result. */
cJSON *pod_row_conditions(const cJSON *pod);

#endif
