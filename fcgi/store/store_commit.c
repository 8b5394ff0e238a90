/* store_commit.c: the store's writes, by group commit. store_create, update
 * and delete serialize the caller's object in the caller's thread (with a
 * placeholder where the revision goes), queue the write and wait. One
 * committer thread per store handle takes every queued write (up to
 * STORE_BATCH_MAX), takes the cross-process writer lock (a blocking flock on
 * path-lock, shared with the other processes' committers), and applies them
 * in one transaction, each with its own precondition check inside its own
 * savepoint, assigning revisions in order. One COMMIT (one fsync) covers the
 * batch; then every caller wakes with its own result, and waiters in every
 * process hear of the commit (store_notify.c). Each history row names the
 * key's previous write (prev_rev); before a write changes a key whose
 * current row compaction dropped from the log, it copies that row back (the
 * history must hold each key's last write at or below the compacted
 * revision once a later one exists; see sql/schema.sql). A create or update
 * that passes its precondition is refused (STORE_NO_SPACE) when the quota
 * is reached or the disk is full (store_space.c); a batch that finds the
 * disk full gives the reserve up and commits its deletes again. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/jsonpath.h"
#include "core/alloc.h"
#include "core/thread.h"
#include "store/store_private.h"

/* Printed where the revision goes: cJSON escapes control characters in every
 * string and key, so a raw \x01 byte appears nowhere else in the text. */
static char revision_placeholder[] = "\x01";

/* ---- the caller's side ---- */

/* Where a write's revision goes in the caller's object, and how to put the
 * object back as it was if the write fails. */
typedef struct revision_slot {
    cJSON *metadata;
    int metadata_added;    /* the object had no metadata; store added one */
} revision_slot;

/* Prints obj (an object) with the placeholder as metadata.resourceVersion,
 * leaving obj as it was apart from an added empty metadata. Fills the text
 * fields of op; the caller frees op->text. Returns 0, or -1. */
static int print_with_placeholder(cJSON *obj, revision_slot *slot, write_op *op)
{
    memset(slot, 0, sizeof *slot);
    if (!cJSON_IsObject(obj)) return -1;
    slot->metadata = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    if (!slot->metadata) {
        slot->metadata = cJSON_AddObjectToObject(obj, "metadata");
        slot->metadata_added = 1;
    }
    if (!cJSON_IsObject(slot->metadata)) return -1;

    char *text;
    cJSON *item = cJSON_GetObjectItemCaseSensitive(slot->metadata, "resourceVersion");
    if (item) {
        /* Swap the placeholder in for the print only, keeping the field's place. */
        cJSON saved = *item;
        item->type = cJSON_Raw;
        item->valuestring = revision_placeholder;
        item->child = NULL;
        text = cJSON_PrintUnformatted(obj);
        item->type = saved.type;
        item->valuestring = saved.valuestring;
        item->child = saved.child;
    } else {
        item = cJSON_AddRawToObject(slot->metadata, "resourceVersion", revision_placeholder);
        if (!item) return -1;
        text = cJSON_PrintUnformatted(obj);
        cJSON_Delete(cJSON_DetachItemViaPointer(slot->metadata, item));
    }
    if (!text) return -1;
    size_t len = strlen(text);
    char *at = memchr(text, 1, len);
    if (!at || memchr(at + 1, 1, len - (size_t)(at - text) - 1)) {
        free(text);   /* a raw item of the caller's own holds the byte too */
        return -1;
    }
    op->text = text;
    op->text_len = len;
    op->placeholder_at = (size_t)(at - text);
    return 0;
}

/* Sets obj's metadata.resourceVersion to the string form of rev, in place. */
static void set_resource_version(cJSON *obj, int64_t rev)
{
    char digits[24];
    snprintf(digits, sizeof digits, "%lld", (long long)rev);
    cJSON *metadata = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    if (!metadata) metadata = cJSON_AddObjectToObject(obj, "metadata");
    if (!cJSON_IsObject(metadata)) return;
    json_set_str(metadata, "resourceVersion", digits);
}

/* Queues op for the committer and waits for its result. */
static void submit_and_wait(store *s, write_op *op)
{
    op->done = 0;
    op->next = NULL;
    pthread_cond_init(&op->done_cond, NULL);
    pthread_mutex_lock(&s->queue_mutex);
    if (s->stopping) {
        op->rc = STORE_ERROR;
        op->done = 1;
    } else {
        if (s->queue_tail) s->queue_tail->next = op;
        else s->queue_head = op;
        s->queue_tail = op;
        pthread_cond_signal(&s->queue_cond);
    }
    while (!op->done) pthread_cond_wait(&op->done_cond, &s->queue_mutex);
    pthread_mutex_unlock(&s->queue_mutex);
    pthread_cond_destroy(&op->done_cond);
}

/* A create or update: the object's text goes to the committer, the revision
 * comes back into the object. */
static store_rc write_object(store *s, write_kind kind, const char *key, cJSON *obj,
                             int64_t expected_rev, int64_t *rev_out)
{
    if (rev_out) *rev_out = 0;
    if (!s || !key || !obj) return STORE_ERROR;
    write_op op = {.kind = kind, .key = key, .expected_rev = expected_rev};
    revision_slot slot;
    if (print_with_placeholder(obj, &slot, &op) < 0) {
        if (slot.metadata_added) cJSON_DeleteItemFromObjectCaseSensitive(obj, "metadata");
        return STORE_ERROR;
    }
    submit_and_wait(s, &op);
    free((char *)op.text);
    if (op.rc == STORE_OK) {
        set_resource_version(obj, op.rev);
        if (rev_out) *rev_out = op.rev;
    } else if (slot.metadata_added) {
        cJSON_DeleteItemFromObjectCaseSensitive(obj, "metadata");
    }
    return op.rc;
}

store_rc store_create(store *s, const char *key, cJSON *obj, int64_t *rev_out)
{
    double started = metrics_now();
    store_rc rc = write_object(s, WRITE_CREATE, key, obj, 0, rev_out);
    store_record_latency("create", key, started);
    return rc;
}

store_rc store_update_if_revision(store *s, const char *key, cJSON *obj,
                                  int64_t expected_rev, int64_t *rev_out)
{
    double started = metrics_now();
    store_rc rc = write_object(s, WRITE_UPDATE, key, obj, expected_rev, rev_out);
    store_record_latency("update", key, started);
    return rc;
}

store_rc store_delete_if_revision(store *s, const char *key, int64_t expected_rev,
                                  cJSON **old_out, int64_t *rev_out)
{
    if (old_out) *old_out = NULL;
    if (rev_out) *rev_out = 0;
    if (!s || !key) return STORE_ERROR;
    write_op op = {.kind = WRITE_DELETE, .key = key, .expected_rev = expected_rev,
                   .want_old = old_out != NULL};
    double started = metrics_now();
    submit_and_wait(s, &op);
    store_record_latency("delete", key, started);
    if (op.rc == STORE_OK) {
        if (old_out) *old_out = op.old;
        if (rev_out) *rev_out = op.rev;
    }
    return op.rc;
}

void store_stats(store *s, long *commits, long *writes)
{
    pthread_mutex_lock(&s->queue_mutex);
    if (commits) *commits = s->commits;
    if (writes) *writes = s->writes;
    pthread_mutex_unlock(&s->queue_mutex);
}

/* ---- the committer's side: everything below runs on the committer thread,
 * inside a transaction on s->writer, under the writer lock ---- */

/* op's text with the quoted revision in place of the placeholder, in the
 * committer's buffer (valid until the next call). */
static const char *splice_revision(store *s, const write_op *op, int64_t rev)
{
    size_t need = op->text_len + 24;
    if (need > s->value_cap) {
        char *grown = kapi_xrealloc(s->value_buf, need);
        s->value_buf = grown;
        s->value_cap = need;
    }
    size_t head = op->placeholder_at;
    memcpy(s->value_buf, op->text, head);
    int digits = snprintf(s->value_buf + head, 24, "\"%lld\"", (long long)rev);
    memcpy(s->value_buf + head + (size_t)digits, op->text + head + 1, op->text_len - head);
    return s->value_buf;   /* the copy above includes the text's NUL */
}

/* mod_rev of key, 0 when absent, -1 on error. */
static int64_t current_mod_rev(store_conn *w, const char *key)
{
    sqlite3_stmt *st = conn_statement(w, STMT_KV_MOD_REV);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    int64_t rev = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : step == SQLITE_DONE ? 0 : -1;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rev;
}

/* Steps a write statement of w with its parameters bound; 0 when done. */
static int finish_write(store_conn *w, sqlite3_stmt *st)
{
    int step = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (step == SQLITE_FULL) w->saw_full = 1;
    return step == SQLITE_DONE ? 0 : -1;
}

/* One history row; prev_rev is the key's previous write (0: none). */
static int log_event(store_conn *w, int64_t rev, const char *key, const char *type,
                     const char *value, int64_t prev_rev)
{
    sqlite3_stmt *st = conn_statement(w, STMT_LOG_INSERT);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, rev);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, type, 1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, value, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, prev_rev);
    return finish_write(w, st);
}

/* Keeps the history whole before key's current row (at mod_rev) stops being
 * current: if compaction dropped it from the log, it goes back in. */
static int keep_current_in_history(store_conn *w, const char *key, int64_t mod_rev)
{
    sqlite3_stmt *has = conn_statement(w, STMT_LOG_HAS_REV);
    if (!has) return -1;
    sqlite3_bind_int64(has, 1, mod_rev);
    int step = sqlite3_step(has);
    sqlite3_reset(has);
    sqlite3_clear_bindings(has);
    if (step == SQLITE_ROW) return 0;
    if (step != SQLITE_DONE) return -1;
    sqlite3_stmt *copy = conn_statement(w, STMT_LOG_COPY_CURRENT);
    if (!copy) return -1;
    sqlite3_bind_text(copy, 1, key, -1, SQLITE_STATIC);
    return finish_write(w, copy);
}

/* The end of one write's savepoint: kept when ok, undone otherwise. */
static store_rc close_savepoint(store_conn *w, int ok)
{
    if (ok && conn_run(w, STMT_RELEASE) == 0) return STORE_OK;
    conn_run(w, STMT_ROLLBACK_TO);
    conn_run(w, STMT_RELEASE);
    return STORE_ERROR;
}

/* Whether a batch's creates and updates have room (store_space.c), found
 * out at its first create or update: a delete-only batch never asks. */
typedef struct batch_space {
    int checked;
    store_space_state state;
    long long room;          /* bytes left under the quota */
} batch_space;

/* 1 when op may write: the quota not reached, the disk not full. Like
 * etcd's, the check is made before the write, so the last write accepted
 * may take the pages in use past the quota. */
static int room_for(store *s, batch_space *space, const write_op *op)
{
    if (!space->checked) {
        space->state = space_evaluate(s, s->writer, &space->room);
        space->checked = 1;
    }
    if (space->state != STORE_SPACE_OK || space->room <= 0) return 0;
    space->room -= 2 * (long long)op->text_len;   /* the kv row and its history row */
    return 1;
}

static store_rc apply_create_or_update(store *s, write_op *op, int64_t rev, batch_space *space)
{
    store_conn *w = s->writer;
    int64_t mod_rev = current_mod_rev(w, op->key);
    if (mod_rev < 0) return STORE_ERROR;
    if (op->kind == WRITE_CREATE && mod_rev > 0) return STORE_EXISTS;
    if (op->kind == WRITE_UPDATE && mod_rev == 0) return STORE_NOT_FOUND;
    if (op->kind == WRITE_UPDATE && op->expected_rev != 0 && op->expected_rev != mod_rev)
        return STORE_CONFLICT;
    if (!room_for(s, space, op)) return STORE_NO_SPACE;

    const char *value = splice_revision(s, op, rev);
    sqlite3_stmt *st = conn_statement(w, op->kind == WRITE_CREATE ? STMT_KV_INSERT : STMT_KV_UPDATE);
    if (!value || !st || conn_run(w, STMT_SAVEPOINT) < 0) return STORE_ERROR;
    int ok = op->kind == WRITE_CREATE || keep_current_in_history(w, op->key, mod_rev) == 0;
    sqlite3_bind_text(st, 1, op->key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, rev);
    sqlite3_bind_text(st, 3, value, -1, SQLITE_STATIC);
    ok = ok && finish_write(w, st) == 0 &&
         log_event(w, rev, op->key, op->kind == WRITE_CREATE ? "A" : "M", value, mod_rev) == 0;
    if (!ok) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
    return close_savepoint(w, ok);
}

static store_rc apply_delete(store *s, write_op *op, int64_t rev)
{
    store_conn *w = s->writer;
    sqlite3_stmt *get = conn_statement(w, STMT_KV_GET);
    sqlite3_stmt *del = conn_statement(w, STMT_KV_DELETE);
    if (!get || !del) return STORE_ERROR;
    sqlite3_bind_text(get, 1, op->key, -1, SQLITE_STATIC);
    int step = sqlite3_step(get);
    store_rc rc = STORE_OK;
    char *last_text = NULL;     /* the object as the D event shows it */
    cJSON *last = NULL;
    int64_t mod_rev = 0;
    if (step == SQLITE_DONE) rc = STORE_NOT_FOUND;
    else if (step != SQLITE_ROW) rc = STORE_ERROR;
    else if (op->expected_rev != 0 && op->expected_rev != sqlite3_column_int64(get, 1))
        rc = STORE_CONFLICT;
    else {
        mod_rev = sqlite3_column_int64(get, 1);
        const char *stored = (const char *)sqlite3_column_text(get, 2);
        last = stored ? cJSON_Parse(stored) : NULL;
        if (cJSON_IsObject(last)) {
            set_resource_version(last, rev);
            last_text = cJSON_PrintUnformatted(last);
        } else {
            last_text = stored ? kapi_xstrdup(stored) : NULL;   /* not an object: log it as stored */
        }
        if (!last_text) rc = STORE_ERROR;
    }
    sqlite3_reset(get);
    sqlite3_clear_bindings(get);

    if (rc == STORE_OK) {
        if (conn_run(w, STMT_SAVEPOINT) < 0) {
            rc = STORE_ERROR;
        } else {
            int ok = keep_current_in_history(w, op->key, mod_rev) == 0;
            sqlite3_bind_text(del, 1, op->key, -1, SQLITE_STATIC);
            ok = ok && finish_write(w, del) == 0 && log_event(w, rev, op->key, "D", last_text, mod_rev) == 0;
            if (!ok) {
                sqlite3_reset(del);
                sqlite3_clear_bindings(del);
            }
            rc = close_savepoint(w, ok);
        }
    }
    free(last_text);
    if (rc == STORE_OK && op->want_old && cJSON_IsObject(last)) op->old = last;
    else cJSON_Delete(last);
    return rc;
}

/* Marks ops[0..n) failed with rc, dropping what a successful delete returned. */
static void fail_writes(write_op **ops, int n, store_rc rc)
{
    for (int i = 0; i < n; i++) {
        ops[i]->rc = rc;
        ops[i]->rev = 0;
        cJSON_Delete(ops[i]->old);
        ops[i]->old = NULL;
    }
}

/* Applies ops[0..n) in one transaction; returns how many were written.
 * *full is set when it failed for a full disk (the writes that failed for
 * it then say STORE_NO_SPACE). */
static int commit_batch(store *s, write_op **ops, int n, int *full)
{
    store_conn *w = s->writer;
    *full = 0;
    (void)conn_took_full(w);
    if (writer_lock(s->lock_fd) < 0) {
        fail_writes(ops, n, STORE_ERROR);
        return 0;
    }
    if (conn_run(w, STMT_BEGIN_IMMEDIATE) < 0) {
        writer_unlock(s->lock_fd);
        fail_writes(ops, n, STORE_ERROR);
        return 0;
    }
    int64_t rev = conn_meta_get(w, "revision");
    int written = 0;
    batch_space space = {0};
    for (int i = 0; i < n && rev >= 0; i++) {
        write_op *op = ops[i];
        op->rc = op->kind == WRITE_DELETE ? apply_delete(s, op, rev + 1)
                                          : apply_create_or_update(s, op, rev + 1, &space);
        if (op->rc == STORE_OK) {
            op->rev = ++rev;
            written++;
        }
        if (sqlite3_get_autocommit(w->db)) rev = -1;   /* SQLite rolled it all back */
    }
    int committed = rev >= 0 && written > 0 && conn_meta_set(w, "revision", rev) == 0 &&
                    conn_run(w, STMT_COMMIT) == 0;
    if (!committed && !sqlite3_get_autocommit(w->db)) conn_run(w, STMT_ROLLBACK);
    writer_unlock(s->lock_fd);
    *full = conn_took_full(w);
    store_rc failed = *full ? STORE_NO_SPACE : STORE_ERROR;
    if (rev < 0) {
        fail_writes(ops, n, failed);
        return 0;
    }
    if (!committed && written > 0) {
        for (int i = 0; i < n; i++)
            if (ops[i]->rc == STORE_OK) fail_writes(&ops[i], 1, failed);
        return 0;
    }
    return written;
}

/* commit_batch, and on a full disk: creates and updates are refused (and
 * go on being refused: the alarm), while the deletes get the reserve and
 * are tried again, so space can be freed through the API. */
static int commit_batch_or_make_room(store *s, write_op **ops, int n)
{
    int full;
    int written = commit_batch(s, ops, n, &full);
    if (!full) return written;
    space_raise_alarm(s, STORE_SPACE_DISK);
    write_op *deletes[STORE_BATCH_MAX];
    int k = 0;
    for (int i = 0; i < n; i++)
        if (ops[i]->kind == WRITE_DELETE && ops[i]->rc == STORE_NO_SPACE) deletes[k++] = ops[i];
    if (k > 0 && space_release_reserve(s, "deletes")) written += commit_batch(s, deletes, k, &full);
    return written;
}

/* sqlite3_wal_hook: remembers the WAL's size after each commit, so the
 * committer can checkpoint after letting go of the writer lock. */
static int remember_wal_size(void *arg, sqlite3 *db, const char *name, int pages)
{
    store *s = arg;
    s->wal_pages = pages;
    return SQLITE_OK;
}

static void *committer_main(void *arg)
{
    store *s = arg;
    write_op *batch[STORE_BATCH_MAX];
    for (;;) {
        pthread_mutex_lock(&s->queue_mutex);
        while (!s->queue_head && !s->stopping) pthread_cond_wait(&s->queue_cond, &s->queue_mutex);
        if (!s->queue_head) {          /* stopping, and every write is done */
            pthread_mutex_unlock(&s->queue_mutex);
            return NULL;
        }
        int n = 0;
        while (s->queue_head && n < STORE_BATCH_MAX) {
            batch[n++] = s->queue_head;
            s->queue_head = s->queue_head->next;
        }
        if (!s->queue_head) s->queue_tail = NULL;
        pthread_mutex_unlock(&s->queue_mutex);

        int written = commit_batch_or_make_room(s, batch, n);
        metrics_observe(MF_COMMIT_BATCH, NULL, 0, n);     /* kapi_store_commit_batch_size */
        if (written > 0) notify_post(s);

        pthread_mutex_lock(&s->queue_mutex);
        s->writes += written;
        if (written > 0) s->commits++;
        for (int i = 0; i < n; i++) {
            batch[i]->done = 1;
            pthread_cond_signal(&batch[i]->done_cond);
        }
        pthread_mutex_unlock(&s->queue_mutex);

        /* Passive: copies what it can without waiting for readers or writers
         * (of this or any process), so nobody waits for it. */
        if (s->wal_pages >= STORE_CHECKPOINT_PAGES) {
            sqlite3_wal_checkpoint_v2(s->writer->db, "main", SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
            s->wal_pages = 0;
        }
    }
}

int committer_start(store *s, const char **err)
{
    sqlite3_wal_hook(s->writer->db, remember_wal_size, s);
    int rc = thread_start_without_signals(&s->committer, committer_main, s);
    if (rc != 0) {
        *err = "cannot start the store's committer thread";
        return -1;
    }
    return 0;
}

void committer_stop(store *s)
{
    pthread_mutex_lock(&s->queue_mutex);
    s->stopping = 1;
    pthread_cond_broadcast(&s->queue_cond);
    pthread_mutex_unlock(&s->queue_mutex);
    pthread_join(s->committer, NULL);
}
