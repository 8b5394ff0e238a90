/* store.c: the store handle and its reads. store_open/store_close (with the
 * close hooks), the connections (a thread holds a read connection from its
 * first read until it gives it back, when it asks or exits; given back, it
 * waits idle for the next thread, a few at most, and the store's close
 * closes them all; each caches its prepared statements), get, list, count, revision,
 * the event log for watches and a key's previous value. Writes go through
 * the committer (store_commit.c); compaction, history reads, maintenance,
 * change notification and space (quota, reserve) have files of their own. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include "core/alloc.h"
#include "store/store_private.h"

static const char *const statement_sql[STMT_COUNT] = {
    [STMT_BEGIN] = "BEGIN",
    [STMT_BEGIN_IMMEDIATE] = "BEGIN IMMEDIATE",
    [STMT_COMMIT] = "COMMIT",
    [STMT_ROLLBACK] = "ROLLBACK",
    [STMT_SAVEPOINT] = "SAVEPOINT write_op",
    [STMT_RELEASE] = "RELEASE write_op",
    [STMT_ROLLBACK_TO] = "ROLLBACK TO write_op",
    [STMT_META_GET] = "SELECT value FROM meta WHERE name = ?1",
    [STMT_META_SET] = "UPDATE meta SET value = ?2 WHERE name = ?1",
    [STMT_KV_GET] = "SELECT create_rev, mod_rev, value FROM kv WHERE key = ?1",
    [STMT_KV_MOD_REV] = "SELECT mod_rev FROM kv WHERE key = ?1",
    [STMT_KV_INSERT] = "INSERT INTO kv (key, create_rev, mod_rev, value) VALUES (?1, ?2, ?2, ?3)",
    [STMT_KV_UPDATE] = "UPDATE kv SET mod_rev = ?2, value = ?3 WHERE key = ?1",
    [STMT_KV_DELETE] = "DELETE FROM kv WHERE key = ?1",
    [STMT_KV_RANGE_FROM] = "SELECT key, value, mod_rev FROM kv"
                           " WHERE key >= ?1 AND key < ?2 ORDER BY key LIMIT ?3",
    [STMT_KV_RANGE_AFTER] = "SELECT key, value, mod_rev FROM kv"
                            " WHERE key > ?1 AND key < ?2 ORDER BY key LIMIT ?3",
    [STMT_KV_COUNT] = "SELECT count(*) FROM kv WHERE key >= ?1 AND key < ?2",
    [STMT_LOG_INSERT] = "INSERT INTO log (rev, key, type, value, prev_rev) VALUES (?1, ?2, ?3, ?4, ?5)",
    [STMT_LOG_SINCE] = "SELECT rev, type, key, value FROM log WHERE rev > ?1 ORDER BY rev LIMIT ?2",
    [STMT_LOG_HAS_REV] = "SELECT 1 FROM log WHERE rev = ?1",
    [STMT_LOG_COPY_CURRENT] = "INSERT OR IGNORE INTO log (rev, key, type, value, prev_rev)"
                              " SELECT mod_rev, key, CASE WHEN create_rev = mod_rev"
                              " THEN 'A' ELSE 'M' END, value, 0 FROM kv WHERE key = ?1",
    [STMT_LOG_PREV_REV] = "SELECT prev_rev FROM log WHERE rev = ?1",
    [STMT_LOG_CHUNK_END] = "SELECT rev FROM log WHERE rev > ?1 AND rev <= ?2"
                           " ORDER BY rev LIMIT 1 OFFSET ?3",
    [STMT_LOG_COMPACT_SUPERSEDED] = "DELETE FROM log WHERE rev IN (SELECT prev_rev FROM log"
                                    " WHERE rev > ?1 AND rev <= ?2 AND prev_rev > 0)",
    [STMT_LOG_COMPACT_CHUNK] = "DELETE FROM log WHERE rev > ?1 AND rev <= ?2 AND (type = 'D'"
                               " OR EXISTS (SELECT 1 FROM kv WHERE kv.key = log.key"
                               " AND kv.mod_rev = log.rev))",
    [STMT_HIST_CHANGES] = "SELECT key, prev_rev FROM log WHERE rev > ?3 AND key >= ?1 AND key < ?2"
                          " ORDER BY rev",
    [STMT_HIST_LOG_ROW] = "SELECT type, value FROM log WHERE rev = ?1",
    [STMT_HIST_LOG_TYPE] = "SELECT type FROM log WHERE rev = ?1",
    [STMT_HIST_KV_KEYS] = "SELECT key, mod_rev FROM kv WHERE key >= ?1 AND key < ?2 ORDER BY key",
    [STMT_KV_COUNT_FROM] = "SELECT count(*) FROM kv WHERE key >= ?1 AND key < ?2",
    [STMT_KV_COUNT_AFTER] = "SELECT count(*) FROM kv WHERE key > ?1 AND key < ?2",
    [STMT_PAGE_COUNT] = "PRAGMA page_count",
    [STMT_FREELIST_COUNT] = "PRAGMA freelist_count",
    [STMT_PAGE_SIZE] = "PRAGMA page_size",
};

/* ---- helpers shared with the committer ---- */

int run_constant_sql(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {}
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

sqlite3_stmt *conn_statement(store_conn *c, store_stmt_id id)
{
    if (!c->stmts[id] &&
        sqlite3_prepare_v3(c->db, statement_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                           &c->stmts[id], NULL) != SQLITE_OK) {
        c->stmts[id] = NULL;
        return NULL;
    }
    return c->stmts[id];
}

/* Readies a cached statement for its next use. */
void statement_done(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

store_rc kv_range_each(sqlite3_stmt *st, const char *from, const char *end, long limit,
                       store_list_fn fn, void *arg)
{
    sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, end, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, limit > 0 ? limit : -1);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (fn(arg, (const char *)sqlite3_column_text(st, 0),
               (const char *)sqlite3_column_text(st, 1), sqlite3_column_int64(st, 2)))
            break;
    }
    statement_done(st);
    return step != SQLITE_ROW && step != SQLITE_DONE ? STORE_ERROR : STORE_OK;
}

int conn_run(store_conn *c, store_stmt_id id)
{
    sqlite3_stmt *st = conn_statement(c, id);
    if (!st) return -1;
    int rc = sqlite3_step(st);
    statement_done(st);
    if (rc == SQLITE_FULL) c->saw_full = 1;
    return rc == SQLITE_DONE ? 0 : -1;
}

int conn_took_full(store_conn *c)
{
    int full = c->saw_full || sqlite3_errcode(c->db) == SQLITE_FULL;
    c->saw_full = 0;
    return full;
}

int64_t conn_meta_get(store_conn *c, const char *name)
{
    sqlite3_stmt *st = conn_statement(c, STMT_META_GET);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int64_t value = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    statement_done(st);
    return value;
}

int conn_meta_set(store_conn *c, const char *name, int64_t value)
{
    sqlite3_stmt *st = conn_statement(c, STMT_META_SET);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, value);
    int rc = sqlite3_step(st);
    int changed = sqlite3_changes(c->db);
    statement_done(st);
    if (rc == SQLITE_FULL) c->saw_full = 1;
    return rc == SQLITE_DONE && changed == 1 ? 0 : -1;
}

/* The cross-process writer lock: a blocking flock() on path-lock, so waiting
 * writers sleep in the kernel and wake as soon as the holder lets go. */
int writer_lock(int fd)
{
    while (flock(fd, LOCK_EX) < 0)
        if (errno != EINTR) return -1;
    return 0;
}

void writer_unlock(int fd)
{
    flock(fd, LOCK_UN);
}

int open_lock_file(const char *db_path, const char *suffix)
{
    size_t n = strlen(db_path), m = strlen(suffix);
    char *lock_path = kapi_xmalloc(n + m + 1);
    memcpy(lock_path, db_path, n);
    memcpy(lock_path + n, suffix, m + 1);
    int fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    free(lock_path);
    return fd;
}

/* ---- connections ---- */

#define STORE_READER_CACHE_KIB "256"   /* a read connection's page cache, KiB */
#define STORE_IDLE_READERS_DEFAULT 8   /* idle read connections kept (store_set_idle_readers) */

/* Opens a connection to s's database with the store's settings. extra_flags
 * is SQLITE_OPEN_CREATE for the first connection, 0 otherwise. */
static store_conn *conn_open_flags(store *s, int extra_flags, const char **err)
{
    store_conn *c = kapi_xcalloc(1, sizeof *c);
    c->owner = s;
    if (sqlite3_open_v2(s->path, &c->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | extra_flags,
                        NULL) != SQLITE_OK) {
        *err = "cannot open the database";
        conn_close(c);
        return NULL;
    }
    sqlite3_busy_timeout(c->db, STORE_BUSY_TIMEOUT_MS);
    const char *sync_sql = s->sync == STORE_SYNC_NORMAL ? "PRAGMA synchronous = NORMAL"
                                                        : "PRAGMA synchronous = FULL";
    char limit_sql[64];
    snprintf(limit_sql, sizeof limit_sql, "PRAGMA journal_size_limit = %d", STORE_WAL_LIMIT_BYTES);
    if (run_constant_sql(c->db, sync_sql) < 0 || run_constant_sql(c->db, limit_sql) < 0) {
        *err = "cannot configure the database connection";
        conn_close(c);
        return NULL;
    }
    return c;
}

store_conn *conn_open(store *s, const char **err)
{
    return conn_open_flags(s, 0, err);
}

void conn_close(store_conn *c)
{
    if (!c) return;
    for (int i = 0; i < STMT_COUNT; i++) sqlite3_finalize(c->stmts[i]);
    sqlite3_close(c->db);
    free(c);
}

/* Forgets c (held by no thread) and closes it. */
static void reader_close(store_conn *c)
{
    store *s = c->owner;
    pthread_mutex_lock(&s->readers_mutex);
    if (c->prev) c->prev->next = c->next;
    else s->readers = c->next;
    if (c->next) c->next->prev = c->prev;
    pthread_mutex_unlock(&s->readers_mutex);
    conn_close(c);
}

/* Gives c, which its thread no longer holds, back to the store: it waits
 * among the idle readers for the next thread that reads, holding no page
 * cache, or is closed when enough wait already. Also the thread-exit
 * destructor of the reader key. */
static void reader_give_back(void *arg)
{
    store_conn *c = arg;
    store *s = c->owner;
    if (!sqlite3_get_autocommit(c->db)) {         /* a thread left inside a read */
        reader_close(c);
        return;
    }
    /* The cached pages go back to malloc now: an idle reader costs its
     * connection (schema, prepared statements), not its page cache. The
     * next reader finds the hot pages in the kernel's page cache. */
    sqlite3_db_release_memory(c->db);
    pthread_mutex_lock(&s->readers_mutex);
    int keep = s->n_idle_readers < s->idle_readers_max;
    if (keep) {
        c->idle_next = s->idle_readers;
        s->idle_readers = c;
        s->n_idle_readers++;
    }
    pthread_mutex_unlock(&s->readers_mutex);
    if (!keep) reader_close(c);
}

/* The calling thread's read connection: the one it holds, else an idle one,
 * else a new one. Never waits: a thread that reads always gets one, so an
 * in-process request nested in another (same thread) or a watch cannot
 * deadlock here; the number open follows the threads reading at once. */
static store_conn *reader_of_this_thread(store *s)
{
    store_conn *c = pthread_getspecific(s->reader_key);
    if (c) return c;
    pthread_mutex_lock(&s->readers_mutex);
    c = s->idle_readers;
    if (c) {
        s->idle_readers = c->idle_next;
        s->n_idle_readers--;
        c->idle_next = NULL;
    }
    pthread_mutex_unlock(&s->readers_mutex);
    if (!c) {
        const char *err;
        c = conn_open(s, &err);
        if (!c) return NULL;
        /* A worker runs dozens of request threads (seats, queue places,
         * watches), and a burst can have many reading at once: SQLite's
         * default 2 MiB page cache each would keep tens of MiB per worker.
         * A smaller cache per reader leaves the rest to the kernel's page
         * cache, which all of them share. */
        if (run_constant_sql(c->db, "PRAGMA cache_size = -" STORE_READER_CACHE_KIB) < 0) {
            conn_close(c);
            return NULL;
        }
        pthread_mutex_lock(&s->readers_mutex);
        c->next = s->readers;
        if (s->readers) s->readers->prev = c;
        s->readers = c;
        pthread_mutex_unlock(&s->readers_mutex);
    }
    if (pthread_setspecific(s->reader_key, c) != 0) {
        reader_give_back(c);
        return NULL;
    }
    return c;
}

void store_set_idle_readers(store *s, int max)
{
    assert(max >= 0);
    pthread_mutex_lock(&s->readers_mutex);
    s->idle_readers_max = max;
    store_conn *extra = NULL;
    while (s->n_idle_readers > max) {
        store_conn *c = s->idle_readers;
        s->idle_readers = c->idle_next;
        s->n_idle_readers--;
        c->idle_next = extra;
        extra = c;
    }
    pthread_mutex_unlock(&s->readers_mutex);
    while (extra) {
        store_conn *next = extra->idle_next;
        reader_close(extra);
        extra = next;
    }
}

void store_reader_stats(store *s, int *open, int *idle)
{
    pthread_mutex_lock(&s->readers_mutex);
    int n = 0;
    for (store_conn *c = s->readers; c; c = c->next) n++;
    *open = n;
    *idle = s->n_idle_readers;
    pthread_mutex_unlock(&s->readers_mutex);
}

/* A read connection that is not already inside a read transaction (a
 * store_list or store_events_since callback may not start another one). */
store_conn *idle_reader_of_this_thread(store *s)
{
    store_conn *c = reader_of_this_thread(s);
    return c && sqlite3_get_autocommit(c->db) ? c : NULL;
}

/* Ends a read transaction, whatever happened inside it. */
void end_read(store_conn *c)
{
    if (!sqlite3_get_autocommit(c->db) && conn_run(c, STMT_COMMIT) < 0)
        conn_run(c, STMT_ROLLBACK);
}

/* ---- open / close ---- */

static int set_wal_mode(sqlite3 *db)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &st, NULL) != SQLITE_OK)
        return -1;
    int ok = sqlite3_step(st) == SQLITE_ROW &&
             sqlite3_stricmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
    sqlite3_finalize(st);
    return ok ? 0 : -1;
}

/* Frees whatever store_open got to set up. */
static void store_destroy(store *s, int key_created)
{
    if (key_created) pthread_key_delete(s->reader_key);
    pthread_mutex_lock(&s->readers_mutex);
    store_conn *c = s->readers;
    s->readers = NULL;
    s->idle_readers = NULL;
    s->n_idle_readers = 0;
    pthread_mutex_unlock(&s->readers_mutex);
    while (c) {
        store_conn *next = c->next;
        conn_close(c);
        c = next;
    }
    conn_close(s->writer);
    notify_close(s);
    space_close(s);
    if (s->lock_fd >= 0) close(s->lock_fd);
    pthread_mutex_destroy(&s->readers_mutex);
    pthread_mutex_destroy(&s->queue_mutex);
    pthread_cond_destroy(&s->queue_cond);
    free(s->value_buf);
    free(s->path);
    free(s);
}

store *store_open(const char *path, store_sync sync, const char **err)
{
    const char *ignored;
    if (!err) err = &ignored;
    store *s = kapi_xcalloc(1, sizeof *s);
    s->path = kapi_xstrdup(path);
    s->sync = sync;
    s->notify_fd = -1;
    s->reserve_fd = -1;
    s->idle_readers_max = STORE_IDLE_READERS_DEFAULT;
    pthread_mutex_init(&s->readers_mutex, NULL);
    pthread_mutex_init(&s->queue_mutex, NULL);
    pthread_cond_init(&s->queue_cond, NULL);

    s->lock_fd = open_lock_file(path, "-lock");
    if (s->lock_fd < 0) {
        *err = "cannot open the database's lock file";
        store_destroy(s, 0);
        return NULL;
    }
    space_open(s);     /* first: on a full disk it makes the room opening needs */
    s->writer = conn_open_flags(s, SQLITE_OPEN_CREATE, err);
    if (!s->writer) {
        store_destroy(s, 0);
        return NULL;
    }
    /* Switching to WAL and creating the schema are writes: take turns with
     * other processes opening or writing the same file. */
    if (writer_lock(s->lock_fd) < 0) {
        *err = "cannot lock the database's lock file";
        store_destroy(s, 0);
        return NULL;
    }
    /* Incremental auto-vacuum (the compactor gives pages back) can only be
     * chosen before the file has its first page: before WAL mode too. On an
     * existing file this does nothing. */
    (void)run_constant_sql(s->writer->db, "PRAGMA auto_vacuum = INCREMENTAL");
    int ready = set_wal_mode(s->writer->db) == 0;
    if (!ready) *err = "cannot switch the database to WAL mode";
    else ready = schema_apply(s->writer->db, err) == 0;
    writer_unlock(s->lock_fd);
    if (!ready) {
        store_destroy(s, 0);
        return NULL;
    }
    if (pthread_key_create(&s->reader_key, reader_give_back) != 0) {
        *err = "cannot create a thread key";
        store_destroy(s, 0);
        return NULL;
    }
    notify_open(s);
    if (committer_start(s, err) < 0) {
        store_destroy(s, 1);
        return NULL;
    }
    return s;
}

int store_on_close(store *s, void (*fn)(void *arg), void *arg)
{
    pthread_mutex_lock(&s->readers_mutex);
    int rc = -1;
    if (s->n_close_hooks < STORE_MAX_CLOSE_HOOKS) {
        s->close_hooks[s->n_close_hooks] = fn;
        s->close_hook_args[s->n_close_hooks] = arg;
        s->n_close_hooks++;
        rc = 0;
    }
    pthread_mutex_unlock(&s->readers_mutex);
    return rc;
}

void store_close(store *s)
{
    if (!s) return;
    for (;;) {
        pthread_mutex_lock(&s->readers_mutex);
        int i = --s->n_close_hooks;
        void (*fn)(void *) = i >= 0 ? s->close_hooks[i] : NULL;
        void *arg = i >= 0 ? s->close_hook_args[i] : NULL;
        pthread_mutex_unlock(&s->readers_mutex);
        if (!fn) break;
        fn(arg);
    }
    committer_stop(s);
    store_destroy(s, 1);
}

void store_release_thread_connection(store *s)
{
    store_conn *c = pthread_getspecific(s->reader_key);
    if (!c || !sqlite3_get_autocommit(c->db)) return;   /* none, or inside a read */
    pthread_setspecific(s->reader_key, NULL);
    reader_give_back(c);
}

/* ---- reads ---- */

void store_kv_free(store_kv *kv)
{
    if (!kv) return;
    free(kv->key);
    free(kv->value);
    memset(kv, 0, sizeof *kv);
}

static store_rc get_impl(store *s, const char *key, store_kv *out)
{
    memset(out, 0, sizeof *out);
    store_conn *c = reader_of_this_thread(s);
    sqlite3_stmt *st = c ? conn_statement(c, STMT_KV_GET) : NULL;
    if (!st) return STORE_ERROR;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    store_rc rc;
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        out->create_rev = sqlite3_column_int64(st, 0);
        out->mod_rev = sqlite3_column_int64(st, 1);
        const char *value = (const char *)sqlite3_column_text(st, 2);
        out->key = kapi_xstrdup(key);
        out->value = value ? kapi_xstrdup(value) : NULL;
        rc = out->key && out->value ? STORE_OK : STORE_ERROR;
        if (rc != STORE_OK) store_kv_free(out);
    } else {
        rc = step == SQLITE_DONE ? STORE_NOT_FOUND : STORE_ERROR;
    }
    statement_done(st);
    return rc;
}

/* The smallest string greater than every string that starts with prefix
 * (the prefix with its last byte below 0xff incremented); caller frees. */
char *prefix_end_new(const char *prefix)
{
    size_t n = strlen(prefix);
    while (n > 0 && (unsigned char)prefix[n - 1] == 0xff) n--;
    if (n == 0) return kapi_xstrdup("\xff\xff\xff\xff");   /* above any UTF-8 key */
    char *end = kapi_xmalloc(n + 1);
    memcpy(end, prefix, n);
    end[n - 1] = (char)((unsigned char)end[n - 1] + 1);
    end[n] = '\0';
    return end;
}

static store_rc list_impl(store *s, const char *prefix, const char *start_after, long limit,
                         store_list_fn fn, void *arg, int64_t *rev)
{
    store_conn *c = idle_reader_of_this_thread(s);
    if (!c) return STORE_ERROR;
    int after = start_after && strcmp(start_after, prefix) >= 0;
    sqlite3_stmt *st = conn_statement(c, after ? STMT_KV_RANGE_AFTER : STMT_KV_RANGE_FROM);
    char *end = prefix_end_new(prefix);
    if (!st || !end || conn_run(c, STMT_BEGIN) < 0) {
        free(end);
        return STORE_ERROR;
    }
    store_rc rc = STORE_OK;
    int64_t snapshot_rev = conn_meta_get(c, "revision");   /* opens the snapshot */
    if (snapshot_rev < 0) rc = STORE_ERROR;
    if (rc == STORE_OK) rc = kv_range_each(st, after ? start_after : prefix, end, limit, fn, arg);
    end_read(c);
    free(end);
    if (rc == STORE_OK && rev) *rev = snapshot_rev;
    return rc;
}

store_rc store_get(store *s, const char *key, store_kv *out)
{
    double started = metrics_now();
    store_rc rc = get_impl(s, key, out);
    store_record_latency("get", key, started);
    return rc;
}

store_rc store_list(store *s, const char *prefix, const char *start_after, long limit,
                    store_list_fn fn, void *arg, int64_t *rev)
{
    double started = metrics_now();
    store_rc rc = list_impl(s, prefix, start_after, limit, fn, arg, rev);
    store_record_latency("list", prefix, started);
    return rc;
}

/* etcd_request_duration_seconds{operation,type}: type is the key's resource
 * prefix under /registry/ ("configmaps", "deployments", and for a custom
 * resource "<group>/<plural>"). */
void store_record_latency(const char *operation, const char *key, double started)
{
    double took = metrics_now() - started;
    char type[128] = "";
    const char *p = key && !strncmp(key, "/registry/", 10) ? key + 10 : "";
    size_t n = strcspn(p, "/");
    if (memchr(p, '.', n) && p[n] == '/') n += 1 + strcspn(p + n + 1, "/");   /* a group: one more */
    if (n < sizeof type) {
        memcpy(type, p, n);
        type[n] = '\0';
    }
    const char *labels[] = {operation, type};
    metrics_observe(MF_STORAGE_DURATION, labels, 2, took);
}

store_rc store_count(store *s, const char *prefix, long *count)
{
    store_conn *c = reader_of_this_thread(s);
    sqlite3_stmt *st = c ? conn_statement(c, STMT_KV_COUNT) : NULL;
    char *end = prefix_end_new(prefix);
    if (!st || !end) {
        free(end);
        return STORE_ERROR;
    }
    sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, end, -1, SQLITE_STATIC);
    store_rc rc = STORE_ERROR;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *count = (long)sqlite3_column_int64(st, 0);
        rc = STORE_OK;
    }
    statement_done(st);
    free(end);
    return rc;
}

int64_t store_revision(store *s)
{
    store_conn *c = reader_of_this_thread(s);
    return c ? conn_meta_get(c, "revision") : -1;
}

int64_t store_compacted_revision(store *s)
{
    store_conn *c = reader_of_this_thread(s);
    return c ? conn_meta_get(c, "compacted") : -1;
}

store_rc store_events_since(store *s, int64_t after, long limit, store_event_fn fn, void *arg)
{
    store_conn *c = idle_reader_of_this_thread(s);
    sqlite3_stmt *st = c ? conn_statement(c, STMT_LOG_SINCE) : NULL;
    if (!st || conn_run(c, STMT_BEGIN) < 0) return STORE_ERROR;
    store_rc rc = STORE_OK;
    int64_t compacted = conn_meta_get(c, "compacted");     /* opens the snapshot */
    if (compacted < 0) rc = STORE_ERROR;
    else if (after < compacted) rc = STORE_COMPACTED;
    if (rc == STORE_OK) {
        sqlite3_bind_int64(st, 1, after);
        sqlite3_bind_int64(st, 2, limit > 0 ? limit : -1);
        int step;
        while ((step = sqlite3_step(st)) == SQLITE_ROW) {
            const char *type = (const char *)sqlite3_column_text(st, 1);
            if (fn(arg, sqlite3_column_int64(st, 0), type ? type[0] : '?',
                   (const char *)sqlite3_column_text(st, 2),
                   (const char *)sqlite3_column_text(st, 3)))
                break;
        }
        if (step != SQLITE_ROW && step != SQLITE_DONE) rc = STORE_ERROR;
        statement_done(st);
    }
    end_read(c);
    return rc;
}

/* The previous write's object: the log row that row rev's prev_rev names
 * (see sql/schema.sql for why it is there whenever rev - 1 is not compacted). */
store_rc store_value_before(store *s, const char *key, int64_t rev, char **value)
{
    (void)key;
    *value = NULL;
    store_conn *c = idle_reader_of_this_thread(s);
    sqlite3_stmt *prev_st = c ? conn_statement(c, STMT_LOG_PREV_REV) : NULL;
    sqlite3_stmt *row_st = c ? conn_statement(c, STMT_HIST_LOG_ROW) : NULL;
    if (!prev_st || !row_st || conn_run(c, STMT_BEGIN) < 0) return STORE_ERROR;
    store_rc rc = STORE_OK;
    int64_t compacted = conn_meta_get(c, "compacted");     /* opens the snapshot */
    int64_t prev = 0;
    if (compacted < 0) rc = STORE_ERROR;
    else if (rev - 1 < compacted) rc = STORE_COMPACTED;
    if (rc == STORE_OK) {
        sqlite3_bind_int64(prev_st, 1, rev);
        int step = sqlite3_step(prev_st);
        if (step == SQLITE_ROW) prev = sqlite3_column_int64(prev_st, 0);
        else rc = step == SQLITE_DONE ? STORE_COMPACTED : STORE_ERROR;
        statement_done(prev_st);
        if (rc == STORE_OK && prev <= 0) rc = STORE_NOT_FOUND;     /* a create */
    }
    if (rc == STORE_OK) {
        sqlite3_bind_int64(row_st, 1, prev);
        int step = sqlite3_step(row_st);
        if (step == SQLITE_ROW) {
            const char *type = (const char *)sqlite3_column_text(row_st, 0);
            const char *text = (const char *)sqlite3_column_text(row_st, 1);
            if (type && type[0] == 'D') rc = STORE_NOT_FOUND;
            else if (!text || !(*value = kapi_xstrdup(text))) rc = STORE_ERROR;
        } else {
            rc = step == SQLITE_DONE ? STORE_COMPACTED : STORE_ERROR;
        }
        statement_done(row_st);
    }
    end_read(c);
    return rc;
}
