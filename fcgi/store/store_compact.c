/* store_compact.c: compaction of the history (store_compact). Records the
 * new compacted revision, then deletes log rows at or below it in short
 * transactions of at most COMPACT_CHUNK_ROWS rows, each under the writer
 * lock (through a lock file descriptor of its own: flock() locks belong to
 * the open file, which the committer shares), so writers wait at most one
 * chunk. A row goes when a later write of its key at or below the compacted
 * revision supersedes it, when it is a deletion (its key's earlier rows go
 * with it), or when it is its key's current value (kv holds that; the
 * committer copies it back before changing the key). What stays is exactly
 * what reading the state at a revision from the compacted one on needs. */
#include <stdlib.h>
#include <unistd.h>
#include "store/store_private.h"

#define COMPACT_CHUNK_ROWS 1000   /* log rows examined per transaction, at most */

/* Runs under the writer lock: records rev as the compacted revision unless a
 * later one is recorded; *target gets the revision to compact up to. */
static store_rc compact_record(store_conn *c, int64_t rev, int64_t *target)
{
    if (conn_run(c, STMT_BEGIN_IMMEDIATE) < 0) return STORE_ERROR;
    int64_t current = conn_meta_get(c, "revision");
    int64_t compacted = conn_meta_get(c, "compacted");
    store_rc rc = STORE_OK;
    if (current < 0 || compacted < 0 || rev > current) rc = STORE_ERROR;
    else if (rev > compacted && conn_meta_set(c, "compacted", rev) < 0) rc = STORE_ERROR;
    *target = rev > compacted ? rev : compacted;
    if (rc == STORE_OK && conn_run(c, STMT_COMMIT) == 0) return STORE_OK;
    conn_run(c, STMT_ROLLBACK);
    return STORE_ERROR;
}

/* Runs under the writer lock: one chunk of rows in (*done, target]; moves
 * *done past it and sets *finished when the range is covered. */
static store_rc compact_chunk(store_conn *c, int64_t target, int64_t *done, int *finished)
{
    sqlite3_stmt *end_st = conn_statement(c, STMT_LOG_CHUNK_END);
    sqlite3_stmt *del_st = conn_statement(c, STMT_LOG_COMPACT_CHUNK);
    if (!end_st || !del_st || conn_run(c, STMT_BEGIN_IMMEDIATE) < 0) return STORE_ERROR;
    /* The chunk ends at the COMPACT_CHUNK_ROWS-th row after *done, or at target. */
    sqlite3_bind_int64(end_st, 1, *done);
    sqlite3_bind_int64(end_st, 2, target);
    sqlite3_bind_int64(end_st, 3, COMPACT_CHUNK_ROWS - 1);
    int step = sqlite3_step(end_st);
    int64_t upto = step == SQLITE_ROW ? sqlite3_column_int64(end_st, 0) : target;
    statement_done(end_st);
    store_rc rc = STORE_ERROR;
    if (step == SQLITE_ROW || step == SQLITE_DONE) {
        sqlite3_bind_int64(del_st, 1, *done);
        sqlite3_bind_int64(del_st, 2, upto);
        sqlite3_bind_int64(del_st, 3, target);
        step = sqlite3_step(del_st);
        statement_done(del_st);
        if (step == SQLITE_DONE) rc = STORE_OK;
    }
    if (rc == STORE_OK && conn_run(c, STMT_COMMIT) == 0) {
        *done = upto;
        *finished = upto >= target;
        return STORE_OK;
    }
    conn_run(c, STMT_ROLLBACK);
    return STORE_ERROR;
}

store_rc store_compact(store *s, int64_t rev)
{
    store_conn *c = idle_reader_of_this_thread(s);
    if (!c) return STORE_ERROR;
    int lock_fd = open_lock_file(s->path, "-lock");
    if (lock_fd < 0) return STORE_ERROR;
    int64_t target = 0;
    store_rc rc = STORE_ERROR;
    if (writer_lock(lock_fd) == 0) {
        rc = compact_record(c, rev, &target);
        writer_unlock(lock_fd);
    }
    /* Every row at or below target is looked at, the oldest first: rows kept
     * by an earlier compaction may be superseded by now. */
    int64_t done = 0;
    int finished = target <= 0;
    while (rc == STORE_OK && !finished) {
        if (writer_lock(lock_fd) < 0) {
            rc = STORE_ERROR;
            break;
        }
        rc = compact_chunk(c, target, &done, &finished);
        writer_unlock(lock_fd);
    }
    close(lock_fd);
    return rc;
}
