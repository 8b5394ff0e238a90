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
#include "registry/tables.h"
#include "registry/tables_internal.h"

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

/* ---- reading stored objects */

const cJSON *tj_get(const cJSON *obj, const char *path)
{
    const cJSON *cur = obj;
    char key[128];
    while (cur && path && *path) {
        const char *dot = strchr(path, '.');
        size_t len = dot ? (size_t)(dot - path) : strlen(path);
        if (!cJSON_IsObject(cur) || len == 0 || len >= sizeof key) return NULL;
        memcpy(key, path, len);
        key[len] = '\0';
        cur = cJSON_GetObjectItemCaseSensitive(cur, key);
        path = dot ? dot + 1 : NULL;
    }
    return cur;
}

const char *tj_str(const cJSON *obj, const char *path)
{
    const cJSON *v = tj_get(obj, path);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

const char *tj_str_or(const cJSON *obj, const char *path, const char *dflt)
{
    const char *s = tj_str(obj, path);
    return s && *s ? s : dflt;
}

long long tj_int(const cJSON *obj, const char *path, long long dflt)
{
    const cJSON *v = tj_get(obj, path);
    if (!cJSON_IsNumber(v)) return dflt;
    double d = v->valuedouble;
    /* kube's counters and ports are int32: Go rejects anything else */
    if (!(d >= -2147483648.0 && d <= 2147483647.0) || d != (double)(long long)d) return dflt;
    return (long long)d;
}

int tj_true(const cJSON *obj, const char *path)
{
    return cJSON_IsTrue(tj_get(obj, path));
}

const cJSON *tj_array(const cJSON *obj, const char *path)
{
    const cJSON *v = tj_get(obj, path);
    return cJSON_IsArray(v) ? v : NULL;
}

int tj_object_size(const cJSON *obj, const char *path)
{
    const cJSON *v = tj_get(obj, path);
    return cJSON_IsObject(v) ? cJSON_GetArraySize(v) : 0;
}

int tj_array_size(const cJSON *obj, const char *path)
{
    const cJSON *v = tj_array(obj, path);
    return v ? cJSON_GetArraySize(v) : 0;
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

void cell_buf(cJSON *cells, kapi_buf *b)
{
    cell_string(cells, b->data ? b->data : "");
    kapi_buf_free(b);
}

/* ---- time */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* Seconds from the epoch to Go's zero time, 0001-01-01T00:00:00Z. */
#define GO_ZERO_TIME_SEC (-62135596800LL)

static int read_digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9') return -1;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

kube_time kube_time_parse(const char *s)
{
    kube_time t = {0, 0, 0};
    int year, mon, day, hour, min, sec;
    if (!s) return t;
    const char *p = s;
    if (read_digits(&p, 4, &year) || *p++ != '-' || read_digits(&p, 2, &mon) || *p++ != '-' ||
        read_digits(&p, 2, &day) || (*p != 'T' && *p != 't') || !*p++ ||
        read_digits(&p, 2, &hour) || *p++ != ':' || read_digits(&p, 2, &min) || *p++ != ':' ||
        read_digits(&p, 2, &sec))
        return t;
    if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 59) return t;
    int32_t nsec = 0;
    if (*p == '.' || *p == ',') {
        p++;
        int digits = 0;
        while (*p >= '0' && *p <= '9') {
            if (digits < 9) nsec = nsec * 10 + (*p - '0');
            digits++;
            p++;
        }
        if (digits == 0) return t;
        for (int i = digits; i < 9; i++) nsec *= 10;
    }
    int64_t offset = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1, oh, om;
        if (read_digits(&p, 2, &oh) || *p++ != ':' || read_digits(&p, 2, &om) || oh > 23 || om > 59)
            return t;
        offset = sign * (oh * 3600 + om * 60);
    } else {
        return t;
    }
    if (*p) return t;
    t.sec = days_from_civil(year, (unsigned)mon, (unsigned)day) * 86400 + hour * 3600 + min * 60 +
            sec - offset;
    t.nsec = nsec;
    t.set = !(t.sec == GO_ZERO_TIME_SEC && t.nsec == 0);
    return t;
}

kube_time kube_time_at(const cJSON *obj, const char *path)
{
    return kube_time_parse(tj_str(obj, path));
}

int kube_time_before(kube_time a, kube_time b)
{
    /* unset times are Go's zero time, earlier than every set one */
    int64_t as = a.set ? a.sec : GO_ZERO_TIME_SEC, bs = b.set ? b.sec : GO_ZERO_TIME_SEC;
    int32_t an = a.set ? a.nsec : 0, bn = b.set ? b.nsec : 0;
    return as < bs || (as == bs && an < bn);
}

void human_duration(int64_t d, char *out, size_t n)
{
    const int64_t second = 1000000000LL, minute = 60 * second, hour = 60 * minute;
    int64_t seconds = d / second;
    if (seconds < -1) {
        snprintf(out, n, "<invalid>");
        return;
    } else if (seconds < 0) {
        snprintf(out, n, "0s");
        return;
    } else if (seconds < 60 * 2) {
        snprintf(out, n, "%llds", (long long)seconds);
        return;
    }
    int64_t minutes = d / minute;
    if (minutes < 10) {
        int64_t s = (d / second) % 60;
        if (s == 0) snprintf(out, n, "%lldm", (long long)minutes);
        else snprintf(out, n, "%lldm%llds", (long long)minutes, (long long)s);
        return;
    } else if (minutes < 60 * 3) {
        snprintf(out, n, "%lldm", (long long)minutes);
        return;
    }
    int64_t hours = d / hour;
    if (hours < 8) {
        int64_t m = (d / minute) % 60;
        if (m == 0) snprintf(out, n, "%lldh", (long long)hours);
        else snprintf(out, n, "%lldh%lldm", (long long)hours, (long long)m);
    } else if (hours < 48) {
        snprintf(out, n, "%lldh", (long long)hours);
    } else if (hours < 24 * 8) {
        int64_t h = hours % 24;
        if (h == 0) snprintf(out, n, "%lldd", (long long)(hours / 24));
        else snprintf(out, n, "%lldd%lldh", (long long)(hours / 24), (long long)h);
    } else if (hours < 24 * 365 * 2) {
        snprintf(out, n, "%lldd", (long long)(hours / 24));
    } else if (hours < 24 * 365 * 8) {
        int64_t dy = (hours / 24) % 365;
        if (dy == 0) snprintf(out, n, "%lldy", (long long)(hours / 24 / 365));
        else snprintf(out, n, "%lldy%lldd", (long long)(hours / 24 / 365), (long long)dy);
    } else {
        snprintf(out, n, "%lldy", (long long)(hours / 24 / 365));
    }
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
    human_duration(d, out, n);
}

void timestamp_rfc3339(kube_time t, char *out, size_t n)
{
    int64_t sec = t.set ? t.sec : GO_ZERO_TIME_SEC;
    int64_t days = sec / 86400, rem = sec % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    snprintf(out, n, "%04lld-%02u-%02uT%02d:%02d:%02dZ", (long long)y, m, d, (int)(rem / 3600),
             (int)(rem / 60 % 60), (int)(rem % 60));
}

/* ---- labels and selectors */

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void format_labels(const cJSON *map, kapi_buf *out)
{
    int n = cJSON_IsObject(map) ? cJSON_GetArraySize(map) : 0;
    const char **keys = n ? calloc((size_t)n, sizeof *keys) : NULL;
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

/* validation.IsQualifiedName / IsValidLabelValue, as labels.NewRequirement uses them. */
static int is_label_name_part(const char *s, size_t len)
{
    if (len == 0 || len > 63) return 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && !((c == '-' || c == '_' || c == '.') && i > 0 && i < len - 1)) return 0;
    }
    return 1;
}

static int is_dns1123_subdomain(const char *s, size_t len)
{
    if (len == 0 || len > 253) return 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || s[i] == '.') {
            size_t l = i - start;
            if (l == 0 || l > 63) return 0;
            for (size_t j = start; j < i; j++) {
                char c = s[j];
                int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                         (c == '-' && j > start && j < i - 1);
                if (!ok) return 0;
            }
            start = i + 1;
        }
    }
    return 1;
}

static int is_qualified_name(const char *s)
{
    const char *slash = strchr(s, '/');
    if (!slash) return is_label_name_part(s, strlen(s));
    if (strchr(slash + 1, '/')) return 0;
    return is_dns1123_subdomain(s, (size_t)(slash - s)) &&
           is_label_name_part(slash + 1, strlen(slash + 1));
}

static int is_label_value(const char *s)
{
    size_t len = strlen(s);
    return len == 0 || is_label_name_part(s, len);
}

typedef enum { OP_EQUALS, OP_IN, OP_NOT_IN, OP_EXISTS, OP_DOES_NOT_EXIST } selector_op;

typedef struct requirement {
    const char *key;
    selector_op op;
    const char **values;
    int n_values;
} requirement;

static int build_requirement(requirement *r, const char *key, selector_op op, const cJSON *values,
                             const char *single)
{
    r->key = key;
    r->op = op;
    r->values = NULL;
    r->n_values = 0;
    if (!is_qualified_name(key)) return -1;
    if (single) {
        if (!is_label_value(single)) return -1;
        r->values = malloc(sizeof *r->values);
        if (!r->values) return -1;
        r->values[0] = single;
        r->n_values = 1;
        return 0;
    }
    int n = cJSON_IsArray(values) ? cJSON_GetArraySize(values) : 0;
    if ((op == OP_IN || op == OP_NOT_IN) && n == 0) return -1;
    if ((op == OP_EXISTS || op == OP_DOES_NOT_EXIST) && n != 0) return -1;
    if (n == 0) return 0;
    r->values = calloc((size_t)n, sizeof *r->values);
    if (!r->values) return -1;
    const cJSON *v;
    cJSON_ArrayForEach(v, values) {
        if (!cJSON_IsString(v) || !v->valuestring || !is_label_value(v->valuestring)) return -1;
        r->values[r->n_values++] = v->valuestring;
    }
    qsort(r->values, (size_t)r->n_values, sizeof *r->values, compare_strings);
    return 0;
}

int format_label_selector_raw(const cJSON *selector, kapi_buf *out)
{
    if (!cJSON_IsObject(selector)) return 0;                       /* labels.Nothing() */
    const cJSON *labels = cJSON_GetObjectItemCaseSensitive(selector, "matchLabels");
    const cJSON *exprs = cJSON_GetObjectItemCaseSensitive(selector, "matchExpressions");
    int n_labels = cJSON_IsObject(labels) ? cJSON_GetArraySize(labels) : 0;
    int n_exprs = cJSON_IsArray(exprs) ? cJSON_GetArraySize(exprs) : 0;
    if (n_labels + n_exprs == 0) return 0;                         /* labels.Everything() */
    requirement *reqs = calloc((size_t)(n_labels + n_exprs), sizeof *reqs);
    if (!reqs) return -1;
    int n = 0, rc = 0;
    const cJSON *e;
    if (n_labels) {
        cJSON_ArrayForEach(e, labels) {
            if (!e->string) continue;
            const char *v = cJSON_IsString(e) && e->valuestring ? e->valuestring : "";
            if (build_requirement(&reqs[n++], e->string, OP_EQUALS, NULL, v)) { rc = -1; goto done; }
        }
    }
    if (n_exprs) {
        cJSON_ArrayForEach(e, exprs) {
            const char *key = tj_str(e, "key"), *op = tj_str(e, "operator");
            selector_op o;
            if (!key || !op) { rc = -1; goto done; }
            if (!strcmp(op, "In")) o = OP_IN;
            else if (!strcmp(op, "NotIn")) o = OP_NOT_IN;
            else if (!strcmp(op, "Exists")) o = OP_EXISTS;
            else if (!strcmp(op, "DoesNotExist")) o = OP_DOES_NOT_EXIST;
            else { rc = -1; goto done; }
            if (build_requirement(&reqs[n++], key, o, tj_get(e, "values"), NULL)) { rc = -1; goto done; }
        }
    }
    /* sort by key (insertion sort keeps equal keys in their given order) */
    for (int i = 1; i < n; i++) {
        requirement r = reqs[i];
        int j = i - 1;
        while (j >= 0 && strcmp(reqs[j].key, r.key) > 0) {
            reqs[j + 1] = reqs[j];
            j--;
        }
        reqs[j + 1] = r;
    }
    for (int i = 0; i < n; i++) {
        const requirement *r = &reqs[i];
        if (i) kapi_buf_putc(out, ',');
        if (r->op == OP_DOES_NOT_EXIST) kapi_buf_putc(out, '!');
        kapi_buf_puts(out, r->key);
        if (r->op == OP_EXISTS || r->op == OP_DOES_NOT_EXIST) continue;
        kapi_buf_puts(out, r->op == OP_EQUALS ? "=" : r->op == OP_IN ? " in (" : " notin (");
        for (int j = 0; j < r->n_values; j++) {
            if (j) kapi_buf_putc(out, ',');
            kapi_buf_puts(out, r->values[j]);
        }
        if (r->op != OP_EQUALS) kapi_buf_putc(out, ')');
    }
done:
    for (int i = 0; i < n_labels + n_exprs; i++) free(reqs[i].values);
    free(reqs);
    return rc;
}

void format_label_selector(const cJSON *selector, kapi_buf *out)
{
    kapi_buf b;
    kapi_buf_init(&b);
    if (format_label_selector_raw(selector, &b) < 0) kapi_buf_puts(out, "<error>");
    else if (b.len == 0) kapi_buf_puts(out, "<none>");
    else kapi_buf_put(out, b.data, b.len);
    kapi_buf_free(&b);
}

void container_cells(const cJSON *containers, cJSON *cells)
{
    kapi_buf names, images;
    kapi_buf_init(&names);
    kapi_buf_init(&images);
    int n = cJSON_IsArray(containers) ? cJSON_GetArraySize(containers) : 0, i = 0;
    const cJSON *c;
    if (n) {
        cJSON_ArrayForEach(c, containers) {
            kapi_buf_puts(&names, tj_str_or(c, "name", ""));
            kapi_buf_puts(&images, tj_str_or(c, "image", ""));
            if (i != n - 1) {
                kapi_buf_putc(&names, ',');
                kapi_buf_putc(&images, ',');
            }
            i++;
        }
    }
    cell_buf(cells, &names);
    cell_buf(cells, &images);
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
    cell_string(cells, tj_str(obj, "metadata.name"));
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
        const char *kind = tj_str(item, "kind"), *av = tj_str(item, "apiVersion");
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
    const cJSON *meta = tj_get(item, "metadata");
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
        else if (def->row) def->row(item, cells, now);
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
