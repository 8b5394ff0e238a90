/* metrics.c: the pool's shared metric counters (see metrics.h). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include "core/metrics.h"

#define SERIES_MAX 4096                 /* power of two */
#define KEY_MAX    176
#define SUM_SCALE  1e6                  /* histogram sums kept in millionths */
#define SHARED     (-1)                 /* a series every worker adds to */

typedef struct series {
    _Atomic uint32_t state;             /* 0 empty, 1 being claimed, 2 ready */
    uint8_t family;
    int8_t worker;                      /* SHARED, or the worker slot of a gauge */
    char key[KEY_MAX];
    _Atomic uint64_t count;
    _Atomic int64_t gauge;
    _Atomic uint64_t sum;
    _Atomic uint64_t buckets[METRICS_MAX_BUCKETS + 1];
} series;

typedef struct region {
    pid_t master;
    double start_time;                  /* Unix seconds */
    _Atomic int flags[METRICS_FLAGS];
    _Atomic pid_t workers[METRICS_MAX_WORKERS];
    _Atomic uint64_t dead_cpu_us, dropped;
    _Atomic int64_t gauges[METRICS_MAX_WORKERS][MG_COUNT];
    series table[SERIES_MAX];
} region;

static region *g_region;
static int g_slot;                      /* this process's worker slot */
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static const double seconds_buckets[] = {0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25,
                                         1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60};
static const double batch_buckets[] = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512};

const double *metrics_bucket_bounds(metric_buckets b, int *n)
{
    if (b == MB_BATCH) {
        *n = (int)(sizeof batch_buckets / sizeof batch_buckets[0]);
        return batch_buckets;
    }
    *n = (int)(sizeof seconds_buckets / sizeof seconds_buckets[0]);
    return seconds_buckets;
}

static metric_buckets family_buckets(metric_family f)
{
    return f == MF_COMMIT_BATCH ? MB_BATCH : MB_SECONDS;
}

static region *map_region(void)
{
    void *p = mmap(NULL, sizeof(region), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
    region *r = p;                      /* anonymous memory is zeroed */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    r->master = getpid();
    r->start_time = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
    return r;
}

static void map_private(void)
{
    if (!g_region) g_region = map_region();
}

static region *reg(void)
{
    if (!g_region) pthread_once(&g_once, map_private);
    return g_region;
}

int metrics_init_shared(void)
{
    if (g_region) return 0;
    g_region = map_region();
    return g_region ? 0 : -1;
}

void metrics_worker_begin(int slot)
{
    region *r = reg();
    if (!r || slot < 0 || slot >= METRICS_MAX_WORKERS) return;
    g_slot = slot;
    for (int g = 0; g < MG_COUNT; g++) atomic_store(&r->gauges[slot][g], 0);
    for (int i = 0; i < SERIES_MAX; i++) {
        series *s = &r->table[i];
        if (atomic_load_explicit(&s->state, memory_order_acquire) == 2 && s->worker == slot)
            atomic_store(&s->gauge, 0);
    }
}

void metrics_set_worker_pid(int slot, pid_t pid)
{
    region *r = reg();
    if (r && slot >= 0 && slot < METRICS_MAX_WORKERS) atomic_store(&r->workers[slot], pid);
}

void metrics_add_dead_cpu_us(uint64_t us)
{
    region *r = reg();
    if (r) atomic_fetch_add_explicit(&r->dead_cpu_us, us, memory_order_relaxed);
}

void metrics_flag_set(metrics_flag f)
{
    region *r = reg();
    if (r) atomic_store(&r->flags[f], 1);
}

int metrics_flag_get(metrics_flag f)
{
    region *r = reg();
    return r && atomic_load(&r->flags[f]);
}

/* ---------------------------------------------------------------- series */

static uint64_t hash_key(int family, int worker, const char *key)
{
    uint64_t h = 1469598103934665603ULL;
    h = (h ^ (uint8_t)family) * 1099511628211ULL;
    h = (h ^ (uint8_t)worker) * 1099511628211ULL;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) h = (h ^ *p) * 1099511628211ULL;
    return h;
}

/* Joins values with '\x1f' into buf; -1 when they do not fit. */
static int join_key(char *buf, const char *const *values, int n)
{
    size_t len = 0;
    for (int i = 0; i < n; i++) {
        const char *v = values[i] ? values[i] : "";
        size_t vl = strlen(v);
        if (len + vl + 2 > KEY_MAX) return -1;
        if (i) buf[len++] = '\x1f';
        memcpy(buf + len, v, vl);
        len += vl;
    }
    buf[len] = '\0';
    return 0;
}

/* The series of (family, worker, label values), claimed if new; NULL when
 * the table is full or the values too long (counted as dropped). */
static series *find_series(region *r, metric_family f, int worker, const char *const *values, int n)
{
    char key[KEY_MAX];
    if (join_key(key, values, n) != 0) goto dropped;
    uint64_t h = hash_key((int)f, worker, key);
    for (int probe = 0; probe < SERIES_MAX; probe++) {
        series *s = &r->table[(h + (uint64_t)probe) & (SERIES_MAX - 1)];
        uint32_t st = atomic_load_explicit(&s->state, memory_order_acquire);
        if (st == 0) {
            uint32_t expected = 0;
            if (atomic_compare_exchange_strong(&s->state, &expected, 1)) {
                s->family = (uint8_t)f;
                s->worker = (int8_t)worker;
                memcpy(s->key, key, strlen(key) + 1);
                atomic_store_explicit(&s->state, 2, memory_order_release);
                return s;
            }
            st = expected;
        }
        /* Claimed by another thread a moment ago: its key is being written.
         * (Bounded: a process killed inside these few stores leaves the slot
         * unusable, not the caller spinning.) */
        for (long spin = 0; st == 1 && spin < 1000000; spin++)
            st = atomic_load_explicit(&s->state, memory_order_acquire);
        if (st == 2 && s->family == (uint8_t)f && s->worker == worker && !strcmp(s->key, key)) return s;
    }
dropped:
    atomic_fetch_add_explicit(&r->dropped, 1, memory_order_relaxed);
    return NULL;
}

void metrics_counter_add(metric_family f, const char *const *values, int n, uint64_t by)
{
    region *r = reg();
    series *s = r ? find_series(r, f, SHARED, values, n) : NULL;
    if (s) atomic_fetch_add_explicit(&s->count, by, memory_order_relaxed);
}

void metrics_observe(metric_family f, const char *const *values, int n, double value)
{
    region *r = reg();
    series *s = r ? find_series(r, f, SHARED, values, n) : NULL;
    if (!s) return;
    int nb;
    const double *bounds = metrics_bucket_bounds(family_buckets(f), &nb);
    int b = 0;
    while (b < nb && value > bounds[b]) b++;
    atomic_fetch_add_explicit(&s->buckets[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->sum, (uint64_t)(value < 0 ? 0 : value * SUM_SCALE + 0.5),
                              memory_order_relaxed);
    atomic_fetch_add_explicit(&s->count, 1, memory_order_relaxed);
}

void metrics_gauge_add(metric_family f, const char *const *values, int n, int64_t by)
{
    region *r = reg();
    series *s = r ? find_series(r, f, g_slot, values, n) : NULL;
    if (s) atomic_fetch_add_explicit(&s->gauge, by, memory_order_relaxed);
}

void metrics_fixed_gauge_add(metric_gauge g, int64_t by)
{
    region *r = reg();
    if (r) atomic_fetch_add_explicit(&r->gauges[g_slot][g], by, memory_order_relaxed);
}

/* ---------------------------------------------------------------- reading */

static void read_series(const series *s, metric_sample *out)
{
    out->key = s->key;
    out->count = atomic_load_explicit(&s->count, memory_order_relaxed);
    out->gauge = atomic_load_explicit(&s->gauge, memory_order_relaxed);
    out->sum = (double)atomic_load_explicit(&s->sum, memory_order_relaxed) / SUM_SCALE;
    for (int b = 0; b <= METRICS_MAX_BUCKETS; b++)
        out->buckets[b] = atomic_load_explicit(&s->buckets[b], memory_order_relaxed);
}

void metrics_each(metric_family f, int (*fn)(void *arg, const metric_sample *s), void *arg)
{
    region *r = reg();
    if (!r) return;
    for (int i = 0; i < SERIES_MAX; i++) {
        const series *s = &r->table[i];
        if (atomic_load_explicit(&s->state, memory_order_acquire) != 2 || s->family != (uint8_t)f) continue;
        metric_sample m;
        read_series(s, &m);
        if (s->worker != SHARED) {
            /* A per-worker gauge: the first series of its label set sums
             * the others; later ones were counted there. */
            int seen = 0;
            for (int j = 0; j < i && !seen; j++) {
                const series *o = &r->table[j];
                seen = atomic_load_explicit(&o->state, memory_order_acquire) == 2 &&
                       o->family == s->family && o->worker != SHARED && !strcmp(o->key, s->key);
            }
            if (seen) continue;
            for (int j = i + 1; j < SERIES_MAX; j++) {
                const series *o = &r->table[j];
                if (atomic_load_explicit(&o->state, memory_order_acquire) == 2 && o->family == s->family &&
                    o->worker != SHARED && !strcmp(o->key, s->key))
                    m.gauge += atomic_load_explicit(&o->gauge, memory_order_relaxed);
            }
        }
        if (fn(arg, &m)) return;
    }
}

int64_t metrics_fixed_gauge(metric_gauge g)
{
    region *r = reg();
    int64_t sum = 0;
    if (!r) return 0;
    for (int w = 0; w < METRICS_MAX_WORKERS; w++) sum += atomic_load(&r->gauges[w][g]);
    return sum;
}

void metrics_pool_read(metrics_pool_info *out)
{
    memset(out, 0, sizeof *out);
    region *r = reg();
    if (!r) return;
    out->master = r->master;
    out->start_time = r->start_time;
    out->dead_cpu_us = atomic_load(&r->dead_cpu_us);
    out->dropped = atomic_load(&r->dropped);
    for (int i = 0; i < METRICS_MAX_WORKERS; i++) out->workers[i] = atomic_load(&r->workers[i]);
}

double metrics_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
