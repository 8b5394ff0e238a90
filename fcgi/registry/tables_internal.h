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
void cell_bool(cJSON *cells, int v);
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
/* The Name and Age columns of kube's printers, with their cells as data. */
#define NAME_COLUMN {"Name", "string", "name", DOC_OBJECTMETA_NAME, 0}
#define AGE_COLUMN {"Age", "string", "", DOC_OBJECTMETA_CREATION_TIMESTAMP, 0}

/* ---- rows that are plain reads, as data: one spec a cell */
typedef enum table_cell {
    CELL_NAME,                /* metadata.name */
    CELL_AGE,                 /* translateTimestampSince(creationTimestamp) */
    CELL_STRING,              /* the string at path, else dflt ("" when NULL) */
    CELL_BOOL,                /* the boolean at path (false when missing) */
    CELL_COUNT,               /* the length of the list at path */
    CELL_JOINED               /* the list at path ","-joined (its strings, or each
                                 item's member), dflt when empty */
} table_cell;
typedef struct table_cell_spec {
    table_cell cell;
    const char *path;
    const char *dflt;
    const char *member;
} table_cell_spec;
void table_cells_row(const table_cell_spec *spec, int n, const cJSON *obj, cJSON *cells, time_t now);
extern const char DOC_CONTAINERS[];
extern const char DOC_IMAGES[];

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
