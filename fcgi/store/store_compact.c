/* store_compact.c: compaction of the history (store_compact). Goes over the
 * rows written since the last compaction, up to the new compacted revision,
 * in short transactions of at most COMPACT_CHUNK_ROWS
 * rows, each under the writer lock (through a lock file descriptor of its
 * own: flock() locks belong to the open file, which the committer shares),
 * so writers wait at most one chunk, and each moving the compacted revision
 * to its end. For each row of a chunk, the row it
 * supersedes (its prev_rev, wherever it is) goes; the row itself goes when
 * it is a deletion or its key's current value (kv holds that; the committer
 * copies it back before changing the key). What stays at or below the
 * compacted revision is each key's last write there, while a later write of
 * the key exists: exactly what reading the state at a revision from the
 * compacted one on needs (see sql/schema.sql). On a full disk a chunk that
 * cannot commit gets the space reserve (store_space.c) and runs again. */
#include <stdlib.h>
#include <unistd.h>
#include "store/store_private.h"

#define COMPACT_CHUNK_ROWS 1000   /* log rows examined per transaction, at most */

/* Runs under the writer lock: one chunk of the rows after the compacted
 * revision, up to target, in one transaction that also moves the compacted
 * revision to the chunk's end (so a compaction cut short goes on from where
 * it was). *finished is set when the compacted revision reaches target;
 * STORE_ERROR when target is beyond the current revision. */
static store_rc compact_chunk(store_conn *c, int64_t target, int *finished)
{
    sqlite3_stmt *end_st = conn_statement(c, STMT_LOG_CHUNK_END);
    sqlite3_stmt *sup_st = conn_statement(c, STMT_LOG_COMPACT_SUPERSEDED);
    sqlite3_stmt *del_st = conn_statement(c, STMT_LOG_COMPACT_CHUNK);
    if (!end_st || !sup_st || !del_st || conn_run(c, STMT_BEGIN_IMMEDIATE) < 0) return STORE_ERROR;
    store_rc rc = STORE_ERROR;
    int64_t current = conn_meta_get(c, "revision");
    int64_t lo = conn_meta_get(c, "compacted");
    if (current < 0 || lo < 0 || target > current) goto out;
    if (target <= lo) {
        *finished = 1;
        rc = STORE_OK;
        goto out;
    }
    /* The chunk ends at the COMPACT_CHUNK_ROWS-th row after lo, or at target. */
    sqlite3_bind_int64(end_st, 1, lo);
    sqlite3_bind_int64(end_st, 2, target);
    sqlite3_bind_int64(end_st, 3, COMPACT_CHUNK_ROWS - 1);
    int step = sqlite3_step(end_st);
    int64_t upto = step == SQLITE_ROW ? sqlite3_column_int64(end_st, 0) : target;
    statement_done(end_st);
    if (step != SQLITE_ROW && step != SQLITE_DONE) goto out;
    /* first the rows these supersede, then deletions and current rows */
    sqlite3_bind_int64(sup_st, 1, lo);
    sqlite3_bind_int64(sup_st, 2, upto);
    step = sqlite3_step(sup_st);
    statement_done(sup_st);
    if (step != SQLITE_DONE) goto out;
    sqlite3_bind_int64(del_st, 1, lo);
    sqlite3_bind_int64(del_st, 2, upto);
    step = sqlite3_step(del_st);
    statement_done(del_st);
    if (step != SQLITE_DONE || conn_meta_set(c, "compacted", upto) < 0) goto out;
    *finished = upto >= target;
    rc = STORE_OK;
out:
    if (rc == STORE_OK && conn_run(c, STMT_COMMIT) == 0) return STORE_OK;
    conn_run(c, STMT_ROLLBACK);
    return STORE_ERROR;
}

store_rc store_compact(store *s, int64_t rev)
{
    store_conn *c = idle_reader_of_this_thread(s);
    if (!c) return STORE_ERROR;
    int lock_fd = open_lock_file(s->path, "-lock");
    if (lock_fd < 0) return STORE_ERROR;
    store_rc rc = STORE_OK;
    int finished = 0, made_room = 0;
    while (rc == STORE_OK && !finished) {
        if (writer_lock(lock_fd) < 0) {
            rc = STORE_ERROR;
            break;
        }
        (void)conn_took_full(c);
        rc = compact_chunk(c, rev, &finished);
        writer_unlock(lock_fd);
        /* Compaction frees space, but its own commit needs some: on a full
         * disk it gets the reserve, once. */
        if (rc == STORE_ERROR && conn_took_full(c) && !made_room) {
            made_room = 1;
            if (space_release_reserve(s, "compaction")) rc = STORE_OK;
        }
    }
    close(lock_fd);
    return rc;
}
