/* store_maintenance.c: keeping the files small under constant writes. WAL
 * checkpoints (a passive one that never waits; then, when asked, a truncating
 * one under the writer lock, waiting a bounded time for readers, which resets
 * the WAL file to zero bytes), incremental vacuum (free pages back to the
 * file system), and the files' sizes. Each runs on the calling thread's read
 * connection; the writes take the cross-process writer lock through a lock
 * file descriptor of their own, as compaction does. On a full disk both
 * get the space reserve (store_space.c) to finish. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "store/store_private.h"

store_rc store_checkpoint(store *s, int truncate, int busy_ms)
{
    store_conn *c = idle_reader_of_this_thread(s);
    if (!c) return STORE_ERROR;
    int log_frames = -1, done_frames = -1;
    int rc = sqlite3_wal_checkpoint_v2(c->db, "main", SQLITE_CHECKPOINT_PASSIVE,
                                       &log_frames, &done_frames);
    /* Copying the WAL back may grow the database file: on a full disk the
     * reserve makes room (the WAL is what a vacuum's shrinking waits for). */
    if (rc == SQLITE_FULL && space_release_reserve(s, "a checkpoint"))
        rc = sqlite3_wal_checkpoint_v2(c->db, "main", SQLITE_CHECKPOINT_PASSIVE,
                                       &log_frames, &done_frames);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) return STORE_ERROR;
    if (!truncate || log_frames == 0) return STORE_OK;   /* nothing to reset */
    int lock_fd = open_lock_file(s->path, "-lock");
    if (lock_fd < 0) return STORE_ERROR;
    store_rc out = STORE_ERROR;
    if (writer_lock(lock_fd) == 0) {
        /* With the writer lock held no committer is inside a transaction,
         * so the checkpoint only waits (busy_ms at most) for readers. */
        sqlite3_busy_timeout(c->db, busy_ms > 0 ? busy_ms : 1);
        rc = sqlite3_wal_checkpoint_v2(c->db, "main", SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
        sqlite3_busy_timeout(c->db, STORE_BUSY_TIMEOUT_MS);
        writer_unlock(lock_fd);
        out = rc == SQLITE_OK || rc == SQLITE_BUSY ? STORE_OK : STORE_ERROR;
    }
    close(lock_fd);
    return out;
}

store_rc store_vacuum(store *s, long max_pages)
{
    store_conn *c = idle_reader_of_this_thread(s);
    if (!c || max_pages <= 0) return c ? STORE_OK : STORE_ERROR;
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA incremental_vacuum(%ld)", max_pages);
    int lock_fd = open_lock_file(s->path, "-lock");
    if (lock_fd < 0) return STORE_ERROR;
    store_rc rc = STORE_ERROR;
    if (writer_lock(lock_fd) == 0) {
        (void)conn_took_full(c);
        rc = run_constant_sql(c->db, sql) == 0 ? STORE_OK : STORE_ERROR;
        /* Vacuum gives space back, but its commit needs some first. */
        if (rc == STORE_ERROR && conn_took_full(c) && space_release_reserve(s, "a vacuum"))
            rc = run_constant_sql(c->db, sql) == 0 ? STORE_OK : STORE_ERROR;
        writer_unlock(lock_fd);
    }
    close(lock_fd);
    return rc;
}

static long long file_size(const char *path, const char *suffix)
{
    char name[4200];
    if ((size_t)snprintf(name, sizeof name, "%s%s", path, suffix) >= sizeof name) return -1;
    struct stat st;
    return stat(name, &st) == 0 ? (long long)st.st_size : 0;
}

static long long single_number(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
    long long v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return v;
}

store_rc store_stat_files(store *s, store_file_stats *out)
{
    memset(out, 0, sizeof *out);
    store_conn *c = idle_reader_of_this_thread(s);
    if (!c) return STORE_ERROR;
    out->db_bytes = file_size(s->path, "");
    out->wal_bytes = file_size(s->path, "-wal");
    out->pages = single_number(c->db, "PRAGMA page_count");
    out->free_pages = single_number(c->db, "PRAGMA freelist_count");
    out->log_rows = single_number(c->db, "SELECT count(*) FROM log");
    return out->db_bytes < 0 || out->pages < 0 || out->free_pages < 0 || out->log_rows < 0
               ? STORE_ERROR : STORE_OK;
}
