/* store_compactor.c: the background compactor. One thread per store handle
 * (kapi-apiserver starts one in each worker); the one whose process holds
 * path-compactor's lock (a non-blocking flock, retried every tick, so another
 * worker takes over when the holder dies) does the work each tick:
 *   - time: every interval it compacts to the revision it saw one interval
 *     before, so history is kept between one and two intervals, like
 *     kube-apiserver's --etcd-compaction-interval against etcd;
 *   - revisions: when more than max_revisions (+10%) are kept, it compacts
 *     down to max_revisions at once;
 *   - files: a passive WAL checkpoint, a truncating one when the WAL file
 *     has grown past WAL_TRUNCATE_BYTES (readers get WAL_BUSY_MS to finish),
 *     and an incremental vacuum when more than a quarter of the file is free.
 * Compaction and vacuum run in short transactions, so writers wait at most
 * a few milliseconds at a time. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>
#include "core/alloc.h"
#include "core/thread.h"
#include "store/store_private.h"

#define WAL_TRUNCATE_BYTES (4LL << 20)
#define WAL_BUSY_MS 50
#define VACUUM_STEP_PAGES 1024

struct store_compactor {
    store *s;
    store_compactor_opts o;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cond;
    int stopping;
    int lock_fd;
    int leader;                /* holds path-compactor's lock */
    long long next_ms;         /* when the next time-based compaction is due */
    int64_t seen_rev;          /* the revision seen one interval ago */
};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Compacts to the revision due by time, and below the revision cap. */
static void compact_due(store_compactor *c, long long now)
{
    int64_t current = store_revision(c->s);
    int64_t compacted = store_compacted_revision(c->s);
    if (current < 0 || compacted < 0) return;
    int64_t target = compacted;
    if (c->o.interval_ms > 0 && now >= c->next_ms) {
        if (c->seen_rev > target) target = c->seen_rev;
        c->seen_rev = current;
        c->next_ms = now + c->o.interval_ms;
    }
    long cap = c->o.max_revisions;
    if (cap > 0 && current - compacted > cap + cap / 10 && current - cap > target)
        target = current - cap;
    if (target > compacted) (void)store_compact(c->s, target);
}

/* Gives free pages back, then checkpoints the WAL (the checkpoint is what
 * shortens the database file in WAL mode). */
static void tidy_files(store_compactor *c)
{
    store_file_stats st;
    if (store_stat_files(c->s, &st) != STORE_OK) return;
    long long spare = st.free_pages - st.pages / 8;
    if (st.free_pages > 256 && st.free_pages * 4 > st.pages && spare > 0)
        (void)store_vacuum(c->s, spare > VACUUM_STEP_PAGES ? VACUUM_STEP_PAGES : (long)spare);
    (void)store_checkpoint(c->s, st.wal_bytes > WAL_TRUNCATE_BYTES, WAL_BUSY_MS);
}

static void become_leader_if_free(store_compactor *c, long long now)
{
    if (c->leader || c->lock_fd < 0) return;
    if (flock(c->lock_fd, LOCK_EX | LOCK_NB) != 0) return;
    c->leader = 1;
    c->seen_rev = store_revision(c->s);
    c->next_ms = now + c->o.interval_ms;
}

static void *compactor_main(void *arg)
{
    store_compactor *c = arg;
    long tick = c->o.tick_ms > 0 ? c->o.tick_ms : 1000;
    pthread_mutex_lock(&c->mu);
    while (!c->stopping) {
        pthread_mutex_unlock(&c->mu);
        long long now = now_ms();
        become_leader_if_free(c, now);
        if (c->leader) {
            compact_due(c, now);
            tidy_files(c);
        }
        pthread_mutex_lock(&c->mu);
        if (c->stopping) break;
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += tick / 1000;
        until.tv_nsec += (tick % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        while (!c->stopping && pthread_cond_timedwait(&c->cond, &c->mu, &until) != ETIMEDOUT) {}
    }
    pthread_mutex_unlock(&c->mu);
    store_release_thread_connection(c->s);
    return NULL;
}

store_compactor *store_compactor_start(store *s, const store_compactor_opts *o)
{
    store_compactor *c = kapi_xcalloc(1, sizeof *c);
    c->s = s;
    c->o = *o;
    c->lock_fd = open_lock_file(s->path, "-compactor");
    pthread_mutex_init(&c->mu, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&c->cond, &attr);
    pthread_condattr_destroy(&attr);
    int rc = thread_start_without_signals(&c->thread, compactor_main, c);
    if (rc != 0) {
        if (c->lock_fd >= 0) close(c->lock_fd);
        pthread_cond_destroy(&c->cond);
        pthread_mutex_destroy(&c->mu);
        free(c);
        return NULL;
    }
    return c;
}

void store_compactor_stop(store_compactor *c)
{
    if (!c) return;
    pthread_mutex_lock(&c->mu);
    c->stopping = 1;
    pthread_cond_broadcast(&c->cond);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
    if (c->lock_fd >= 0) close(c->lock_fd);   /* lets another worker lead */
    pthread_cond_destroy(&c->cond);
    pthread_mutex_destroy(&c->mu);
    free(c);
}
