/* metrics.h: the pool's shared metric counters (core/metrics.c).
 *
 * One shared memory region, mapped by kapi-apiserver's master before it
 * forks (MAP_SHARED | MAP_ANONYMOUS, inherited by every worker), holds
 * every counter, gauge and histogram of the pool, so that one scrape of
 * /metrics by any worker sees the whole pool. Writers update it with
 * relaxed atomic adds: recording a request costs a table lookup and a few
 * atomic increments, no lock and no system call. Counters live in the
 * region, not in a worker, so they never go backwards when a worker is
 * restarted; gauges are kept per worker slot and zeroed when the slot's
 * new worker starts (what the dead one held is gone with it).
 *
 * A series is a family and its label values (joined with '\x1f'), in a
 * fixed open-addressed table; a label set that does not fit (table full,
 * values too long) is counted in metrics_dropped and not recorded.
 * A process that never called metrics_init_shared (unit tests, kapictl,
 * the reconciler) gets a private region on first use. */
#ifndef KAPI_METRICS_H
#define KAPI_METRICS_H

#include <stdint.h>
#include <sys/types.h>

typedef enum metric_family {
    MF_REQUEST_TOTAL,          /* counter: verb dry_run group version resource subresource scope component code */
    MF_REQUEST_DURATION,       /* histogram (seconds): the same without code */
    MF_LONGRUNNING,            /* gauge per worker: verb group version resource subresource scope component */
    MF_WATCH_EVENTS,           /* counter: group version kind */
    MF_WATCHERS,               /* gauge per worker: group version kind */
    MF_STORAGE_DURATION,       /* histogram (seconds): operation type */
    MF_COMMIT_BATCH,           /* histogram (writes per transaction) */
    MF_COUNT
} metric_family;

/* Histogram bucket sets (upper bounds; +Inf is implied). */
typedef enum metric_buckets { MB_SECONDS, MB_BATCH } metric_buckets;
#define METRICS_MAX_BUCKETS 24
const double *metrics_bucket_bounds(metric_buckets b, int *n);

/* Per-worker gauges with fixed labels. */
typedef enum metric_gauge {
    MG_INFLIGHT_READONLY,      /* apiserver_current_inflight_requests{request_kind="readOnly"} */
    MG_INFLIGHT_MUTATING,      /* {request_kind="mutating"} */
    MG_THREADS_BUSY_API,       /* kapi_worker_threads_busy{socket="api"} */
    MG_THREADS_BUSY_WATCH,     /* {socket="watch"} */
    MG_THREADS_API,            /* kapi_worker_threads{socket="api"} */
    MG_THREADS_WATCH,          /* {socket="watch"} */
    MG_WATCH_QUEUED,           /* kapi_watch_queued_events: events queued to watches, not yet sent */
    MG_COUNT
} metric_gauge;

#define METRICS_MAX_WORKERS 64

/* The master, before forking: maps the shared region (fresh, zeroed) and
 * records its start time. 0 or -1. */
int metrics_init_shared(void);
/* A worker, first thing after fork: which slot it fills (0..63); zeroes the
 * slot's gauges (its predecessor's). */
void metrics_worker_begin(int slot);
/* The master: the pid running in a worker slot (0: none). */
void metrics_set_worker_pid(int slot, pid_t pid);
/* The master, reaping a worker: the CPU time it used (microseconds), kept
 * so that process_cpu_seconds_total does not go backwards. */
void metrics_add_dead_cpu_us(uint64_t us);
/* Lifecycle flags of the pool, read by /readyz; set once, never cleared. */
typedef enum metrics_flag {
    METRICS_BOOTSTRAPPED,      /* the bootstrap has run: kube's post-start hooks done */
    METRICS_SHUTTING_DOWN,     /* the master is stopping the pool */
    METRICS_FLAGS
} metrics_flag;
void metrics_flag_set(metrics_flag f);
int metrics_flag_get(metrics_flag f);

/* Recording. Label values are given in the family's order; n must match. */
void metrics_counter_add(metric_family f, const char *const *values, int n, uint64_t by);
void metrics_observe(metric_family f, const char *const *values, int n, double value);
void metrics_gauge_add(metric_family f, const char *const *values, int n, int64_t by);
void metrics_fixed_gauge_add(metric_gauge g, int64_t by);

/* Reading (the scrape). */
typedef struct metric_sample {
    const char *key;           /* label values joined with '\x1f' */
    uint64_t count;            /* counter value, histogram count */
    int64_t gauge;             /* gauge value summed over the workers */
    double sum;                /* histogram sum */
    uint64_t buckets[METRICS_MAX_BUCKETS + 1];   /* per bucket, not cumulative; last: +Inf */
} metric_sample;
/* Calls fn for each series of family f (per-worker gauges summed: one call
 * per label set); stops when fn returns non-zero. */
void metrics_each(metric_family f, int (*fn)(void *arg, const metric_sample *s), void *arg);
int64_t metrics_fixed_gauge(metric_gauge g);
/* The pool as the region knows it. */
typedef struct metrics_pool_info {
    pid_t master;                          /* the process that mapped the region */
    pid_t workers[METRICS_MAX_WORKERS];    /* by slot; 0: none running */
    double start_time;                     /* the master's start, Unix seconds */
    uint64_t dead_cpu_us;                  /* CPU time of the reaped workers */
    uint64_t dropped;                      /* samples that found no series */
} metrics_pool_info;
void metrics_pool_read(metrics_pool_info *out);

/* Monotonic seconds, for timing what is recorded. */
double metrics_now(void);

#endif
