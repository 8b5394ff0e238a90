/* metrics.c: /metrics and the request metrics (see metrics.h).
 *
 * Names, HELP texts, types, labels and buckets are kube-apiserver 1.32's
 * (k8s.io/apiserver/pkg/endpoints/metrics, storage/etcd3/metrics,
 * prometheus/client_golang's process collector) where the meaning is the
 * same; kapi's own carry the kapi_ prefix. Families are written in name
 * order and labels in name order, as client_golang writes them; a family
 * with no series is left out. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include "codec/codec.h"
#include "core/kapi.h"
#include "http/metrics.h"
#include "kinds/kinds.h"
#include "kinds/resource.h"
#include "store/store.h"

/* ---------------------------------------------------------------- recording */

const char *metrics_scope(const request_info *info)
{
    if (!info->is_resource) return "";
    if ((info->name && *info->name) || !strcmp(info->verb, "create")) return "resource";
    if (info->namespace_ && *info->namespace_) return "namespace";
    return "cluster";
}

const char *metrics_verb(const kapi_request *req, const request_info *info, const char *scope)
{
    const char *m = req->method ? req->method : "";
    if (info->is_resource && !strcmp(info->verb, "watch")) return "WATCH";
    if (!strcmp(m, "GET") || !strcmp(m, "HEAD"))
        return *scope && strcmp(scope, "resource") ? "LIST" : "GET";
    if (!strcmp(m, "PATCH") && req->content_type &&
        !strncmp(req->content_type, "application/apply-patch", 23))
        return "APPLY";
    static const char *const methods[] = {"POST", "PUT", "PATCH", "DELETE", "CONNECT"};
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (!strcmp(m, methods[i])) return methods[i];
    return "other";
}

const char *metrics_dry_run(const kapi_request *req)
{
    if (!req->query || !strstr(req->query, "dryRun")) return "";
    int n = 0;
    const char **values = query_get_all(req, "dryRun", &n);
    if (n == 0) return "";
    for (int i = 0; i < n; i++)
        if (strcmp(values[i], "All")) return "invalid";   /* kube's ValidateDryRun */
    return "All";
}

static int health_root(const char *path)
{
    return path && (!strcmp(path, "/healthz") || !strcmp(path, "/livez") || !strcmp(path, "/readyz"));
}

/* kube's label values of a request's apiserver_request_total series, in
 * the order of the label names, without code (values[0]); -1 for a request
 * kube does not count. */
static int request_labels_of(const kapi_request *req, const request_info *info, const char **values)
{
    const char *component, *group = "", *version = "", *resource = "", *subresource;
    if (info->is_resource) {
        component = "apiserver";
        group = info->group;
        version = info->version;
        resource = info->resource;
        subresource = info->subresource;
    } else if (health_root(req->path)) {
        component = "";                  /* kube's healthz InstrumentHandlerFunc */
        subresource = req->path;
    } else {
        return -1;
    }
    const char *scope = metrics_scope(info);
    const char *labels[] = {NULL, component, metrics_dry_run(req), group, resource, scope, subresource,
                            metrics_verb(req, info, scope), version};
    memcpy(values, labels, sizeof labels);
    return 0;
}

void metrics_record_request(const kapi_request *req, const request_info *info, int code, double seconds)
{
    const char *values[9];
    if (request_labels_of(req, info, values) != 0) return;
    char code_text[16];
    snprintf(code_text, sizeof code_text, "%d", code);
    values[0] = code_text;
    metrics_counter_add(MF_REQUEST_TOTAL, values, 9, 1);
    metrics_observe(MF_REQUEST_DURATION, values + 1, 8, seconds);
}

void metrics_record_dropped(const kapi_request *req, const request_info *info)
{
    const char *values[9];
    if (request_labels_of(req, info, values) != 0) return;
    values[0] = "429";
    metrics_counter_add(MF_REQUEST_TOTAL, values, 9, 1);
}

void metrics_longrunning(const kapi_request *req, const request_info *info, int delta)
{
    const char *scope = metrics_scope(info);
    const char *labels[] = {"apiserver", info->group, info->resource, scope, info->subresource,
                            metrics_verb(req, info, scope), info->version};
    metrics_gauge_add(MF_LONGRUNNING, labels, 7, delta);
}

/* ---------------------------------------------------------------- writing */

void metrics_format_float(char *buf, size_t n, double v)
{
    if (isnan(v)) { snprintf(buf, n, "NaN"); return; }
    if (isinf(v)) { snprintf(buf, n, v > 0 ? "+Inf" : "-Inf"); return; }
    if (v == 0) { snprintf(buf, n, "0"); return; }
    /* the fewest significant digits that read back as v */
    int digits = 1;
    char e[40];
    for (; digits < 17; digits++) {
        snprintf(e, sizeof e, "%.*e", digits - 1, v);
        if (strtod(e, NULL) == v) break;
    }
    snprintf(e, sizeof e, "%.*e", digits - 1, v);
    int exp = atoi(strchr(e, 'e') + 1);
    /* Go's 'g' with the shortest precision: %e when the exponent is below
     * -4 or at least 6 (strconv's eprec = 6 when shortest) */
    if (exp < -4 || exp >= 6) {
        snprintf(buf, n, "%s", e);
        return;
    }
    int decimals = digits - 1 - exp;
    snprintf(buf, n, "%.*f", decimals > 0 ? decimals : 0, v);
}

typedef struct writer {
    kapi_buf *out;
    int om;                  /* OpenMetrics */
} writer;

static void put_label_value(kapi_buf *b, const char *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = v[i];
        if (c == '\\') kapi_buf_puts(b, "\\\\");
        else if (c == '"') kapi_buf_puts(b, "\\\"");
        else if (c == '\n') kapi_buf_puts(b, "\\n");
        else kapi_buf_put(b, &c, 1);
    }
}

/* {name="value",...} from a key of values joined with '\x1f', plus one
 * more label (le) when extra_name is set. */
static void put_labels(kapi_buf *b, const char *const *names, int n, const char *key,
                       const char *extra_name, const char *extra_value)
{
    if (n == 0 && !extra_name) return;
    kapi_buf_puts(b, "{");
    const char *v = key ? key : "";
    for (int i = 0; i < n; i++) {
        size_t len = strcspn(v, "\x1f");
        kapi_buf_printf(b, "%s%s=\"", i ? "," : "", names[i]);
        put_label_value(b, v, len);
        kapi_buf_puts(b, "\"");
        v += len;
        if (*v) v++;
    }
    if (extra_name) {
        kapi_buf_printf(b, "%s%s=\"", n ? "," : "", extra_name);
        put_label_value(b, extra_value, strlen(extra_value));
        kapi_buf_puts(b, "\"");
    }
    kapi_buf_puts(b, "}");
}

/* # HELP and # TYPE; OpenMetrics names a counter's family without _total. */
static void put_header(writer *w, const char *name, const char *type, const char *help)
{
    size_t n = strlen(name);
    if (w->om && !strcmp(type, "counter") && n > 6 && !strcmp(name + n - 6, "_total")) n -= 6;
    kapi_buf_printf(w->out, "# HELP %.*s %s\n# TYPE %.*s %s\n", (int)n, name, help, (int)n, name, type);
}

static void put_value_line(kapi_buf *b, const char *name, const char *suffix, const char *const *labels,
                           int n, const char *key, const char *extra_name, const char *extra_value,
                           const char *value)
{
    kapi_buf_printf(b, "%s%s", name, suffix);
    put_labels(b, labels, n, key, extra_name, extra_value);
    kapi_buf_printf(b, " %s\n", value);
}

/* One family of the shared table. */
typedef struct family_desc {
    metric_family f;
    const char *name, *type, *help;
    const char *const *labels;
    int n_labels;
} family_desc;

typedef struct family_walk {
    writer *w;
    const family_desc *d;
    kapi_buf body;
} family_walk;

static int put_series(void *arg, const metric_sample *s)
{
    family_walk *fw = arg;
    const family_desc *d = fw->d;
    char num[64];
    if (!strcmp(d->type, "counter")) {
        snprintf(num, sizeof num, "%llu", (unsigned long long)s->count);
        put_value_line(&fw->body, d->name, "", d->labels, d->n_labels, s->key, NULL, NULL, num);
    } else if (!strcmp(d->type, "gauge")) {
        snprintf(num, sizeof num, "%lld", (long long)s->gauge);
        put_value_line(&fw->body, d->name, "", d->labels, d->n_labels, s->key, NULL, NULL, num);
    } else {
        int nb;
        const double *bounds = metrics_bucket_bounds(d->f == MF_COMMIT_BATCH ? MB_BATCH : MB_SECONDS, &nb);
        uint64_t cumulative = 0;
        for (int b = 0; b <= nb; b++) {
            char le[32];
            cumulative += s->buckets[b];
            if (b < nb) {
                metrics_format_float(le, sizeof le, bounds[b]);
                if (fw->w->om && !strpbrk(le, ".e")) strcat(le, ".0");
            } else {
                snprintf(le, sizeof le, "+Inf");
            }
            snprintf(num, sizeof num, "%llu", (unsigned long long)cumulative);
            put_value_line(&fw->body, d->name, "_bucket", d->labels, d->n_labels, s->key, "le", le, num);
        }
        metrics_format_float(num, sizeof num, s->sum);
        put_value_line(&fw->body, d->name, "_sum", d->labels, d->n_labels, s->key, NULL, NULL, num);
        snprintf(num, sizeof num, "%llu", (unsigned long long)cumulative);
        put_value_line(&fw->body, d->name, "_count", d->labels, d->n_labels, s->key, NULL, NULL, num);
    }
    return 0;
}

static void put_family(writer *w, const family_desc *d)
{
    family_walk fw = {.w = w, .d = d};
    kapi_buf_init(&fw.body);
    metrics_each(d->f, put_series, &fw);
    if (fw.body.len) {
        put_header(w, d->name, d->type, d->help);
        kapi_buf_put(w->out, fw.body.data, fw.body.len);
    }
    kapi_buf_free(&fw.body);
}

/* A family of one series without labels (or one fixed label). */
static void put_single(writer *w, const char *name, const char *type, const char *help, const char *value)
{
    put_header(w, name, type, help);
    kapi_buf_printf(w->out, "%s %s\n", name, value);
}

static void put_int(writer *w, const char *name, const char *type, const char *help, long long v)
{
    char num[32];
    snprintf(num, sizeof num, "%lld", v);
    put_single(w, name, type, help, num);
}

static void put_fixed_pair(writer *w, const char *name, const char *help, const char *label,
                           const char *a, metric_gauge ga, const char *b, metric_gauge gb)
{
    put_header(w, name, "gauge", help);
    kapi_buf_printf(w->out, "%s{%s=\"%s\"} %lld\n", name, label, a, (long long)metrics_fixed_gauge(ga));
    kapi_buf_printf(w->out, "%s{%s=\"%s\"} %lld\n", name, label, b, (long long)metrics_fixed_gauge(gb));
}

/* ---------------------------------------------------------------- storage */

typedef struct counted {
    const char *resource;
    long count;
} counted;

static int compare_counted(const void *a, const void *b)
{
    return strcmp(((const counted *)a)->resource, ((const counted *)b)->resource);
}

/* apiserver_storage_objects{resource}: each stored kind once ("configmaps",
 * "deployments.apps"), counted under its registry prefix; -1 when the
 * count fails, as kube's. */
static void put_storage_objects(writer *w, kapi_ctx *ctx, kapi_pool *pool)
{
    const kinds_set *set = kinds_current();
    if (!set || !ctx || !ctx->store) return;
    counted *rows = kapi_palloc(pool, (size_t)(set->n + 1) * sizeof *rows);
    int n = 0;
    for (int i = 0; i < set->n; i++) {
        const kapi_resource *r = &set->kinds[i];
        if (!(r->verbs & VERB_GET)) continue;       /* not stored: reviews */
        const char *name = *r->group ? kapi_psprintf(pool, "%s.%s", r->plural, r->group) : r->plural;
        int dup = 0;
        for (int j = 0; j < n && !dup; j++) dup = !strcmp(rows[j].resource, name);
        if (dup) continue;
        long count = 0;
        if (store_count(ctx->store, resource_key(pool, r, NULL, NULL), &count) != STORE_OK) count = -1;
        rows[n].resource = name;
        rows[n++].count = count;
    }
    if (!n) return;
    qsort(rows, (size_t)n, sizeof *rows, compare_counted);   /* client_golang's order */
    put_header(w, "apiserver_storage_objects", "gauge",
               "[STABLE] Number of stored objects at the time of last check split by kind. In case of a "
               "fetching error, the value will be -1.");
    for (int i = 0; i < n; i++) {
        kapi_buf_puts(w->out, "apiserver_storage_objects{resource=\"");
        put_label_value(w->out, rows[i].resource, strlen(rows[i].resource));
        kapi_buf_printf(w->out, "\"} %ld\n", rows[i].count);
    }
}

/* ---------------------------------------------------------------- process */

typedef struct proc_totals {
    double cpu_seconds;
    long long rss_bytes, vsize_bytes, open_fds, threads;
} proc_totals;

/* Adds pid's CPU time, memory and open files (from /proc) to t. */
static void add_process(proc_totals *t, pid_t pid)
{
    char path[64], text[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "re");
    if (!f) return;
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    const char *p = strrchr(text, ')');   /* the command may hold spaces */
    if (!p) return;
    unsigned long long utime = 0, stime = 0, vsize = 0;
    long long rss = 0, threads = 0;
    /* after ") ": state ppid pgrp session tty tpgid flags minflt cminflt
     * majflt cmajflt utime stime cutime cstime priority nice threads
     * itrealvalue starttime vsize rss */
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %lld %*d "
                      "%*u %llu %lld", &utime, &stime, &threads, &vsize, &rss) != 5)
        return;
    t->threads += threads;
    long hz = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
    t->cpu_seconds += (double)(utime + stime) / (double)(hz > 0 ? hz : 100);
    t->vsize_bytes += (long long)vsize;
    t->rss_bytes += rss * (page > 0 ? page : 4096);
    snprintf(path, sizeof path, "/proc/%ld/fd", (long)pid);
    DIR *d = opendir(path);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') t->open_fds++;
    closedir(d);
}

static void put_process(writer *w, const metrics_pool_info *pool)
{
    proc_totals t = {0};
    add_process(&t, pool->master ? pool->master : getpid());
    int workers = 0;
    for (int i = 0; i < METRICS_MAX_WORKERS; i++) {
        if (pool->workers[i] > 0) {
            add_process(&t, pool->workers[i]);
            workers++;
        }
    }
    t.cpu_seconds += (double)pool->dead_cpu_us / 1e6;
    char num[64];
    struct rlimit rl;
    long long max_fds = getrlimit(RLIMIT_NOFILE, &rl) == 0 ? (long long)rl.rlim_cur : -1;
    put_int(w, "kapi_threads", "gauge", "OS threads of the master and the workers (what go_goroutines "
            "counts for a Go server).", t.threads);
    put_int(w, "kapi_workers", "gauge", "Worker processes running in the pool.", workers);
    metrics_format_float(num, sizeof num, t.cpu_seconds);
    put_single(w, "process_cpu_seconds_total", "counter",
               "Total user and system CPU time spent in seconds.", num);
    put_int(w, "process_max_fds", "gauge", "Maximum number of open file descriptors.", max_fds);
    put_int(w, "process_open_fds", "gauge", "Number of open file descriptors.", t.open_fds);
    put_int(w, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", t.rss_bytes);
    metrics_format_float(num, sizeof num, (double)(long long)pool->start_time);
    put_single(w, "process_start_time_seconds", "gauge",
               "Start time of the process since unix epoch in seconds.", num);
    put_int(w, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", t.vsize_bytes);
}

/* ---------------------------------------------------------------- serve */

static const char *const request_labels[] = {"code", "component", "dry_run", "group", "resource",
                                             "scope", "subresource", "verb", "version"};
static const char *const longrunning_labels[] = {"component", "group", "resource", "scope",
                                                 "subresource", "verb", "version"};
static const char *const gvk_labels[] = {"group", "kind", "version"};
static const char *const storage_labels[] = {"operation", "type"};

/* The families of the shared table, by metric_family. */
static const family_desc families[MF_COUNT] = {
    [MF_LONGRUNNING] = {MF_LONGRUNNING, "apiserver_longrunning_requests", "gauge",
                        "[STABLE] Gauge of all active long-running apiserver requests broken out by "
                        "verb, group, version, resource, scope and component. Not all requests are "
                        "tracked this way.", longrunning_labels, 7},
    [MF_WATCHERS] = {MF_WATCHERS, "apiserver_registered_watchers", "gauge",
                     "[ALPHA] Number of currently registered watchers for a given resources", gvk_labels, 3},
    [MF_REQUEST_DURATION] = {MF_REQUEST_DURATION, "apiserver_request_duration_seconds", "histogram",
                             "[STABLE] Response latency distribution in seconds for each verb, dry run "
                             "value, group, version, resource, subresource, scope and component.",
                             request_labels + 1, 8},
    [MF_REQUEST_TOTAL] = {MF_REQUEST_TOTAL, "apiserver_request_total", "counter",
                          "[STABLE] Counter of apiserver requests broken out for each verb, dry run "
                          "value, group, version, resource, scope, component, and HTTP response code.",
                          request_labels, 9},
    [MF_WATCH_EVENTS] = {MF_WATCH_EVENTS, "apiserver_watch_events_total", "counter",
                         "[ALPHA] Number of events sent in watch clients", gvk_labels, 3},
    [MF_STORAGE_DURATION] = {MF_STORAGE_DURATION, "etcd_request_duration_seconds", "histogram",
                             "[ALPHA] Etcd request latency in seconds for each operation and object type.",
                             storage_labels, 2},
    [MF_COMMIT_BATCH] = {MF_COMMIT_BATCH, "kapi_store_commit_batch_size", "histogram",
                         "Writes per store transaction (group commit), over the pool.", NULL, 0},
};

void metrics_serve(kapi_ctx *ctx, kapi_request *req, kapi_response *resp)
{
    /* the text format unless OpenMetrics comes first (Prometheus lists it
     * first); the any-type range and an unknown type get the text format */
    static const char *const offered[] = {"text/plain", "application/openmetrics-text", NULL};
    const char *media = negotiate_media(req, offered);
    writer w = {.out = &resp->body, .om = media && !strcmp(media, offered[1])};
    resp->body.len = 0;
    put_fixed_pair(&w, "apiserver_current_inflight_requests",
                   "[STABLE] Maximal number of currently used inflight request limit of this apiserver "
                   "per request kind in last second.",
                   "request_kind", "mutating", MG_INFLIGHT_MUTATING, "readOnly", MG_INFLIGHT_READONLY);
    put_family(&w, &families[MF_LONGRUNNING]);
    put_family(&w, &families[MF_WATCHERS]);
    put_family(&w, &families[MF_REQUEST_DURATION]);
    put_family(&w, &families[MF_REQUEST_TOTAL]);
    put_storage_objects(&w, ctx, req->pool);
    store_file_stats fs = {0};
    int have_files = ctx && ctx->store && store_stat_files(ctx->store, &fs) == STORE_OK;
    if (have_files) {
        put_header(&w, "apiserver_storage_size_bytes", "gauge",
                   "[STABLE] Size of the storage database file physically allocated in bytes.");
        kapi_buf_printf(w.out, "apiserver_storage_size_bytes{storage_cluster_id=\"etcd-0\"} %lld\n",
                        fs.db_bytes);
    }
    put_family(&w, &families[MF_WATCH_EVENTS]);
    put_family(&w, &families[MF_STORAGE_DURATION]);
    metrics_pool_info pool;
    metrics_pool_read(&pool);
    put_int(&w, "kapi_metrics_dropped_series_total", "counter",
            "Samples not recorded because the shared metrics table was full or their labels too long.",
            (long long)pool.dropped);
    if (have_files) {
        put_int(&w, "kapi_sqlite_db_bytes", "gauge", "Size of the SQLite database file (kapi.db).", fs.db_bytes);
        put_int(&w, "kapi_sqlite_free_pages", "gauge", "Free pages in the SQLite database file.", fs.free_pages);
        put_int(&w, "kapi_sqlite_wal_bytes", "gauge", "Size of the SQLite write-ahead log (kapi.db-wal).",
                fs.wal_bytes);
    }
    put_family(&w, &families[MF_COMMIT_BATCH]);
    put_int(&w, "kapi_watch_queued_events", "gauge",
            "Events queued to watches and not yet sent, over the pool.",
            (long long)metrics_fixed_gauge(MG_WATCH_QUEUED));
    put_fixed_pair(&w, "kapi_worker_threads", "Server threads of the pool, by FastCGI socket.",
                   "socket", "api", MG_THREADS_API, "watch", MG_THREADS_WATCH);
    put_fixed_pair(&w, "kapi_worker_threads_busy", "Server threads handling a request, by FastCGI socket.",
                   "socket", "api", MG_THREADS_BUSY_API, "watch", MG_THREADS_BUSY_WATCH);
    put_process(&w, &pool);
    if (w.om) kapi_buf_puts(w.out, "# EOF\n");
    resp->status = 200;
    resp->content_type = w.om ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                              : "text/plain; version=0.0.4; charset=utf-8";
}
