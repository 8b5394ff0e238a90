/* store_space.c: running out of space the way etcd's space quota does.
 *
 * The quota: creates and updates are refused (STORE_NO_SPACE, kube's
 * "etcdserver: mvcc: database space exceeded") once the database's pages in
 * use, (page_count - freelist_count) x page_size, reach it, like etcd's
 * --quota-backend-bytes against its backend. Unlike etcd, whose NOSPACE
 * alarm stays until an operator disarms it, the refusal ends by itself
 * once deletes and compaction bring the pages in use back under the quota
 * (free pages inside the file count as free: SQLite reuses them).
 *
 * The reserve: a process that keeps one holds reserve_bytes allocated in
 * path-reserve. When a delete, a compaction or a vacuum finds the disk full
 * (SQLITE_FULL), the reserve is given back to the file system (all but its
 * last STORE_START_HEADROOM_BYTES, kept for a start-up on the full disk)
 * and the work is retried, so space can always be freed through the API. While the
 * reserve is not whole, creates and updates are refused; it is refilled as
 * soon as the disk has room for it and half of it again besides. Less
 * than half a reserve free besides the reserve counts as a full disk too.
 *
 * The alarm: a word shared by every process of the database (the notify
 * page) saying why writes are refused, raised by whichever process found
 * out and cleared when space is back, so /readyz in every worker agrees
 * with what the committers do. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>
#include "store/store_private.h"

static store_space_opts process_defaults = {STORE_DEFAULT_QUOTA_BYTES, 0};

void store_set_space_defaults(const store_space_opts *o)
{
    process_defaults.quota_bytes = o->quota_bytes > 0 ? o->quota_bytes : STORE_DEFAULT_QUOTA_BYTES;
    process_defaults.reserve_bytes = o->reserve_bytes > 0 ? o->reserve_bytes : 0;
}

const char *store_space_describe(store_space_state st)
{
    switch (st) {
    case STORE_SPACE_QUOTA: return "etcdserver: mvcc: database space exceeded (the storage quota is reached)";
    case STORE_SPACE_DISK: return "etcdserver: mvcc: database space exceeded (the disk is full)";
    default: return "ok";
    }
}

/* One line on stderr (the apiserver's log): the store has no logger of its own. */
__attribute__((format(printf, 1, 2)))
static void space_log(const char *fmt, ...)
{
    char line[512];
    char when[32] = "";
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm)) strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    int n = snprintf(line, sizeof line, "%s kapi-store[%ld]: ", when, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof line) return;
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    if (m < 0) return;
    size_t len = (size_t)n + (size_t)m;
    if (len > sizeof line - 2) len = sizeof line - 2;
    line[len++] = '\n';
    (void)!write(2, line, len);
}

static long long disk_free_bytes(int fd)
{
    struct statvfs v;
    if (fstatvfs(fd, &v) != 0) return -1;
    return (long long)v.f_bavail * (long long)v.f_frsize;
}

/* The reserve's size: its length, which only posix_fallocate grows (so it
 * is allocated: st_blocks lags on some file systems) and ftruncate shrinks. */
static long long reserve_size(store *s)
{
    struct stat st;
    return fstat(s->reserve_fd, &st) == 0 ? (long long)st.st_size : -1;
}

/* 1 when the reserve is whole, refilling it first when the disk has room
 * for it and half of it again; 1 as well when no reserve is kept. */
static int reserve_held(store *s)
{
    if (s->reserve_fd < 0) return 1;
    long long have = reserve_size(s);
    if (have >= s->reserve_bytes) return 1;
    long long free_bytes = disk_free_bytes(s->reserve_fd);
    if (have < 0 || free_bytes < (s->reserve_bytes - have) + s->reserve_bytes / 2) return 0;
    if (posix_fallocate(s->reserve_fd, 0, s->reserve_bytes) != 0) {
        (void)!ftruncate(s->reserve_fd, have);    /* no half reserve left behind */
        return 0;
    }
    space_log("holding a %lld-byte space reserve for deletes on a full disk", s->reserve_bytes);
    return 1;
}

int space_release_reserve(store *s, const char *for_what)
{
    if (s->reserve_fd < 0) return 0;
    long long have = reserve_size(s);
    long long keep = STORE_START_HEADROOM_BYTES;   /* for the next start-up only */
    if (have <= keep || ftruncate(s->reserve_fd, keep) != 0) return 0;
    space_raise_alarm(s, STORE_SPACE_DISK);
    space_log("disk full: gave up %lld bytes of the space reserve so that %s can commit",
              have - keep, for_what);
    return 1;
}

void space_raise_alarm(store *s, store_space_state st)
{
    unsigned was = atomic_exchange(notify_space_alarm(s), (unsigned)st);
    if (was != (unsigned)st && st != STORE_SPACE_OK)
        space_log("refusing creates and updates: %s", store_space_describe(st));
}

void space_clear_alarm(store *s)
{
    _Atomic unsigned *alarm = notify_space_alarm(s);
    if (atomic_load(alarm) != STORE_SPACE_OK && atomic_exchange(alarm, STORE_SPACE_OK) != STORE_SPACE_OK)
        space_log("space is back: accepting creates and updates again");
}

/* One number a PRAGMA statement of c returns, or -1. */
static long long pragma_number(store_conn *c, store_stmt_id id)
{
    sqlite3_stmt *st = conn_statement(c, id);
    if (!st) return -1;
    long long v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    statement_done(st);
    return v;
}

static long long used_bytes(store_conn *c)
{
    long long pages = pragma_number(c, STMT_PAGE_COUNT);
    long long free_pages = pragma_number(c, STMT_FREELIST_COUNT);
    long long page_size = pragma_number(c, STMT_PAGE_SIZE);
    if (pages < 0 || free_pages < 0 || page_size <= 0) return -1;
    return (pages - free_pages) * page_size;
}

store_space_state space_evaluate(store *s, store_conn *c, long long *room)
{
    if (room) *room = 0;
    /* The disk counts as full while the reserve is not whole, or while
     * less than half a reserve is free besides it: before SQLite finds out
     * (a write may still fit in the WAL file's slack), and the same in
     * every process, whether it keeps the reserve or not. */
    long long low = (s->reserve_bytes > 0 ? s->reserve_bytes : STORE_DEFAULT_RESERVE_BYTES) / 2;
    long long free_bytes = disk_free_bytes(s->reserve_fd >= 0 ? s->reserve_fd : s->lock_fd);
    if (!reserve_held(s) || (free_bytes >= 0 && free_bytes < low)) {
        space_raise_alarm(s, STORE_SPACE_DISK);
        return STORE_SPACE_DISK;
    }
    long long used = used_bytes(c);
    if (used < 0) return STORE_SPACE_OK;   /* unreadable: the write itself will tell */
    if (used >= s->quota_bytes) {
        space_raise_alarm(s, STORE_SPACE_QUOTA);
        return STORE_SPACE_QUOTA;
    }
    space_clear_alarm(s);
    if (room) *room = s->quota_bytes - used;
    return STORE_SPACE_OK;
}

store_space_state store_space(store *s, long long *used)
{
    if (used) *used = -1;
    store_conn *c = idle_reader_of_this_thread(s);
    if (!c) return STORE_SPACE_OK;
    if (used) *used = used_bytes(c);
    return space_evaluate(s, c, NULL);
}

void space_open(store *s)
{
    s->quota_bytes = process_defaults.quota_bytes;
    s->reserve_bytes = process_defaults.reserve_bytes;
    s->reserve_fd = -1;
    if (s->reserve_bytes <= 0) return;
    s->reserve_fd = open_lock_file(s->path, "-reserve");
    if (s->reserve_fd < 0) return;
    /* Start-up headroom: opening needs a little room (SQLite's -shm file,
     * the notify page) and so do the pid files; a full disk gets it from
     * the reserve, which leaves writes refused until space is back. */
    long long free_bytes = disk_free_bytes(s->reserve_fd);
    long long have = reserve_size(s);
    if (free_bytes >= 0 && free_bytes < STORE_START_HEADROOM_BYTES && have > 0) {
        long long keep = have > STORE_START_HEADROOM_BYTES ? have - STORE_START_HEADROOM_BYTES : 0;
        if (ftruncate(s->reserve_fd, keep) == 0) {
            space_log("disk full at start: gave up %lld bytes of the reserve", have - keep);
        }
        return;
    }
    (void)reserve_held(s);
}

void space_close(store *s)
{
    if (s->reserve_fd >= 0) close(s->reserve_fd);
    s->reserve_fd = -1;
}
