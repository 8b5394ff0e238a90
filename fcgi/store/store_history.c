/* store_history.c: reading a range of keys as of one revision
 * (store_list_range), for lists with limit/continue and exact-revision
 * lists. At the current revision it reads kv; at a past one (not below the
 * compacted revision) it merges two cursors in key order: each key's newest
 * log row at or below the revision (a deletion means absent), and kv rows
 * not changed since that revision, for keys the log no longer holds. See
 * sql/schema.sql for why that is the whole state. */
#include <stdlib.h>
#include <string.h>
#include "store/store_private.h"

/* One cursor of the merge: a statement returning (key, revision) rows in
 * key order, with the current row's key copied out (the statement's own
 * text is gone once it steps again). */
typedef struct cursor {
    sqlite3_stmt *st;
    char *key;
    size_t cap;
    int64_t rev;
    int live;          /* a row is current */
    int failed;
} cursor;

/* Steps to the next row, skipping `skip` (the exclusive start key). */
static void cursor_next(cursor *cu, const char *skip)
{
    for (;;) {
        int step = sqlite3_step(cu->st);
        if (step != SQLITE_ROW) {
            cu->live = 0;
            cu->failed = step != SQLITE_DONE;
            return;
        }
        const char *k = (const char *)sqlite3_column_text(cu->st, 0);
        if (!k || (skip && !strcmp(k, skip))) continue;
        size_t n = strlen(k) + 1;
        if (n > cu->cap) {
            char *grown = realloc(cu->key, n);
            if (!grown) {
                cu->live = 0;
                cu->failed = 1;
                return;
            }
            cu->key = grown;
            cu->cap = n;
        }
        memcpy(cu->key, k, n);
        cu->rev = sqlite3_column_int64(cu->st, 1);
        cu->live = 1;
        return;
    }
}

static void cursor_open(cursor *cu, sqlite3_stmt *st, const char *start, const char *end,
                        int64_t at_rev, const char *skip)
{
    memset(cu, 0, sizeof *cu);
    cu->st = st;
    sqlite3_bind_text(st, 1, start, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, end, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, at_rev);
    cursor_next(cu, skip);
}

static void cursor_close(cursor *cu)
{
    statement_done(cu->st);
    free(cu->key);
}

/* The log row at rev: 1 when it is a live object (its value in *value when
 * asked, valid until the statement is reused), 0 when it is a deletion, -1
 * on error. */
static int log_row(store_conn *c, int64_t rev, const char **value, sqlite3_stmt **held)
{
    sqlite3_stmt *st = conn_statement(c, value ? STMT_HIST_LOG_ROW : STMT_HIST_LOG_TYPE);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, rev);
    if (sqlite3_step(st) != SQLITE_ROW) {
        statement_done(st);
        return -1;
    }
    const char *type = (const char *)sqlite3_column_text(st, 0);
    int live = !(type && type[0] == 'D');
    if (value) {
        *value = (const char *)sqlite3_column_text(st, 1);
        *held = st;                       /* the caller resets it after use */
    } else {
        statement_done(st);
    }
    return live;
}

/* The kv value of key (the caller resets *held after use); NULL on error. */
static const char *kv_value(store_conn *c, const char *key, sqlite3_stmt **held)
{
    sqlite3_stmt *st = conn_statement(c, STMT_KV_GET);
    if (!st) return NULL;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW) {
        statement_done(st);
        return NULL;
    }
    *held = st;
    return (const char *)sqlite3_column_text(st, 2);
}

store_rc history_list(store_conn *c, const store_range *q, int64_t at_rev,
                      store_list_fn fn, void *arg, long *total)
{
    sqlite3_stmt *log_st = conn_statement(c, STMT_HIST_LOG_KEYS);
    sqlite3_stmt *kv_st = conn_statement(c, STMT_HIST_KV_KEYS);
    char *end = prefix_end_new(q->prefix);
    if (!log_st || !kv_st || !end) {
        free(end);
        return STORE_ERROR;
    }
    const char *start = q->prefix, *skip = NULL;
    if (q->from && strcmp(q->from, q->prefix) > 0) {
        start = q->from;
        if (q->from_exclusive) skip = q->from;
    }
    cursor lc, kc;
    cursor_open(&lc, log_st, start, end, at_rev, skip);
    cursor_open(&kc, kv_st, start, end, at_rev, skip);
    store_rc rc = STORE_OK;
    int visiting = 1;
    long count = 0;
    while ((lc.live || kc.live) && rc == STORE_OK) {
        int from_log = lc.live && (!kc.live || strcmp(lc.key, kc.key) <= 0);
        const char *key = from_log ? lc.key : kc.key;
        int64_t rev = from_log ? lc.rev : kc.rev;
        const char *value = NULL;
        sqlite3_stmt *held = NULL;
        int live = 1;
        if (from_log) {
            live = log_row(c, rev, visiting ? &value : NULL, &held);
            if (live < 0) rc = STORE_ERROR;
        } else if (visiting) {
            value = kv_value(c, key, &held);
            if (!value) rc = STORE_ERROR;
        }
        if (rc == STORE_OK && live > 0) {
            count++;
            if (visiting && fn(arg, key, value, rev)) {
                visiting = 0;
                if (!total) {
                    if (held) statement_done(held);
                    break;
                }
            }
        }
        if (held) statement_done(held);
        /* a key in both cursors: the log row is its state; drop the kv one */
        if (from_log && kc.live && !strcmp(lc.key, kc.key)) cursor_next(&kc, skip);
        cursor_next(from_log ? &lc : &kc, skip);
    }
    if (lc.failed || kc.failed) rc = STORE_ERROR;
    cursor_close(&lc);
    cursor_close(&kc);
    free(end);
    if (rc == STORE_OK && total) *total = count;
    return rc;
}

/* The current state: kv directly. */
static store_rc current_list(store_conn *c, const store_range *q, store_list_fn fn, void *arg,
                             long *total)
{
    int after = 0;
    const char *start = q->prefix;
    if (q->from && strcmp(q->from, q->prefix) >= 0) {
        start = q->from;
        after = q->from_exclusive;
    }
    sqlite3_stmt *st = conn_statement(c, after ? STMT_KV_RANGE_AFTER : STMT_KV_RANGE_FROM);
    sqlite3_stmt *count_st = total ? conn_statement(c, after ? STMT_KV_COUNT_AFTER
                                                             : STMT_KV_COUNT_FROM) : NULL;
    char *end = prefix_end_new(q->prefix);
    if (!st || !end || (total && !count_st)) {
        free(end);
        return STORE_ERROR;
    }
    store_rc rc = STORE_OK;
    sqlite3_bind_text(st, 1, start, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, end, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, -1);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (fn(arg, (const char *)sqlite3_column_text(st, 0),
               (const char *)sqlite3_column_text(st, 1), sqlite3_column_int64(st, 2)))
            break;
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE) rc = STORE_ERROR;
    statement_done(st);
    if (rc == STORE_OK && total) {
        sqlite3_bind_text(count_st, 1, start, -1, SQLITE_STATIC);
        sqlite3_bind_text(count_st, 2, end, -1, SQLITE_STATIC);
        if (sqlite3_step(count_st) == SQLITE_ROW) *total = (long)sqlite3_column_int64(count_st, 0);
        else rc = STORE_ERROR;
        statement_done(count_st);
    }
    free(end);
    return rc;
}

store_rc store_list_range(store *s, const store_range *q, store_list_fn fn, void *arg,
                          int64_t *rev, long *total)
{
    if (!q || !q->prefix || !fn) return STORE_ERROR;
    store_conn *c = idle_reader_of_this_thread(s);
    if (!c || conn_run(c, STMT_BEGIN) < 0) return STORE_ERROR;
    store_rc rc = STORE_OK;
    int64_t current = conn_meta_get(c, "revision");        /* opens the snapshot */
    int64_t compacted = conn_meta_get(c, "compacted");
    int64_t at = q->at_rev > 0 ? q->at_rev : current;
    if (current < 0 || compacted < 0) rc = STORE_ERROR;
    else if (at > current) rc = STORE_FUTURE;
    else if (at < compacted) rc = STORE_COMPACTED;
    else if (at == current) rc = current_list(c, q, fn, arg, total);
    else rc = history_list(c, q, at, fn, arg, total);
    end_read(c);
    if (rc == STORE_OK && rev) *rev = at;
    return rc;
}
