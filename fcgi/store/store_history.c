/* store_history.c: reading a range of keys as of one revision
 * (store_list_range), for lists with limit/continue and exact-revision
 * lists. At the current revision it reads kv. At a past revision X (not
 * below the compacted one) it undoes what happened since: for each key of
 * the range written after X, the row its first write after X names in
 * prev_rev is its state at X (none or a deletion: absent); every other key
 * is as kv holds it. The writes after X are read once, by revision (the
 * primary key), into a list sorted by key, then merged with kv's keys in
 * key order. See sql/schema.sql for why those rows are all there. */
#include <stdlib.h>
#include <string.h>
#include "core/alloc.h"
#include "store/store_private.h"

/* A key written after the revision read at, with what it was then. */
typedef struct changed {
    char *key;
    int64_t prev_rev;          /* its state at the revision: this row (0: absent) */
    size_t order;              /* read order: the first write after the revision first */
} changed;

typedef struct changes {
    changed *v;
    size_t n, cap;
} changes;

static int cmp_changed(const void *a, const void *b)
{
    const changed *x = a, *y = b;
    int k = strcmp(x->key, y->key);
    if (k) return k;
    return x->order < y->order ? -1 : x->order > y->order;
}

static void changes_free(changes *ch)
{
    for (size_t i = 0; i < ch->n; i++) free(ch->v[i].key);
    free(ch->v);
}

/* The keys of [start, end) written after at_rev, each with the prev_rev of
 * its first write after at_rev, sorted by key. 0, or -1. */
static int read_changes(store_conn *c, const char *start, const char *end, int64_t at_rev,
                        changes *ch)
{
    sqlite3_stmt *st = conn_statement(c, STMT_HIST_CHANGES);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, start, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, end, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, at_rev);
    int step, rc = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(st, 0);
        if (!key) continue;
        if (ch->n == ch->cap) {
            size_t cap = ch->cap ? ch->cap * 2 : 64;
            changed *grown = kapi_xrealloc(ch->v, cap * sizeof *grown);
            ch->v = grown;
            ch->cap = cap;
        }
        changed *e = &ch->v[ch->n];
        e->key = kapi_xstrdup(key);
        e->prev_rev = sqlite3_column_int64(st, 1);
        e->order = ch->n;
        ch->n++;
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE) rc = -1;
    statement_done(st);
    if (rc < 0) return -1;
    if (ch->n > 1) qsort(ch->v, ch->n, sizeof *ch->v, cmp_changed);
    size_t out = 0;                               /* the first write of each key stays */
    for (size_t i = 0; i < ch->n; i++) {
        if (out > 0 && !strcmp(ch->v[out - 1].key, ch->v[i].key)) {
            free(ch->v[i].key);
            continue;
        }
        ch->v[out++] = ch->v[i];
    }
    ch->n = out;
    return 0;
}

/* The log row at rev: 1 when it is a live object (its value in *value when
 * asked, valid until *held is reset), 0 when it is a deletion, -1 when it is
 * missing or on error. */
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
    char *end = prefix_end_new(q->prefix);
    sqlite3_stmt *kv_st = conn_statement(c, STMT_HIST_KV_KEYS);
    if (!end || !kv_st) {
        free(end);
        return STORE_ERROR;
    }
    const char *start = q->prefix, *skip = NULL;
    if (q->from && strcmp(q->from, q->prefix) > 0) {
        start = q->from;
        if (q->from_exclusive) skip = q->from;
    }
    changes ch = {0};
    if (read_changes(c, start, end, at_rev, &ch) < 0) {
        changes_free(&ch);
        free(end);
        return STORE_ERROR;
    }
    sqlite3_bind_text(kv_st, 1, start, -1, SQLITE_STATIC);
    sqlite3_bind_text(kv_st, 2, end, -1, SQLITE_STATIC);
    store_rc rc = STORE_OK;
    int visiting = 1, kv_live = 0;
    char *kv_key = NULL;
    int64_t kv_rev = 0;
    size_t ci = 0;
    long count = 0;
    /* kv's keys, in order, each copied out before the statement steps on */
    #define KV_NEXT()                                                                   \
        do {                                                                            \
            free(kv_key);                                                               \
            kv_key = NULL;                                                              \
            kv_live = 0;                                                                \
            int step_ = sqlite3_step(kv_st);                                            \
            if (step_ == SQLITE_ROW) {                                                  \
                const char *k_ = (const char *)sqlite3_column_text(kv_st, 0);           \
                kv_rev = sqlite3_column_int64(kv_st, 1);                                \
                kv_key = k_ ? kapi_xstrdup(k_) : NULL;                                        \
                kv_live = kv_key != NULL;                                               \
                if (!kv_live) rc = STORE_ERROR;                                         \
            } else if (step_ != SQLITE_DONE) {                                          \
                rc = STORE_ERROR;                                                       \
            }                                                                           \
        } while (0)
    KV_NEXT();
    while (rc == STORE_OK && (kv_live || ci < ch.n)) {
        int cmp = !kv_live ? 1 : ci == ch.n ? -1 : strcmp(kv_key, ch.v[ci].key);
        const char *key = cmp <= 0 ? kv_key : ch.v[ci].key;
        const char *value = NULL;
        sqlite3_stmt *held = NULL;
        int64_t rev = 0;
        int live;
        if (skip && !strcmp(key, skip)) {
            live = 0;
        } else if (cmp < 0) {
            /* not written since at_rev: as kv holds it */
            live = 1;
            rev = kv_rev;
            if (visiting && !(value = kv_value(c, key, &held))) rc = STORE_ERROR;
        } else {
            /* written since: the row its first later write names */
            rev = ch.v[ci].prev_rev;
            live = rev > 0 ? log_row(c, rev, visiting ? &value : NULL, &held) : 0;
            if (live < 0) rc = STORE_ERROR;   /* a row history should hold is gone */
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
        if (cmp >= 0) ci++;
        if (cmp <= 0) KV_NEXT();
    }
    #undef KV_NEXT
    statement_done(kv_st);
    free(kv_key);
    changes_free(&ch);
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
    store_rc rc = kv_range_each(st, start, end, -1, fn, arg);
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

static store_rc list_range_impl(store *s, const store_range *q, store_list_fn fn, void *arg,
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

store_rc store_list_range(store *s, const store_range *q, store_list_fn fn, void *arg,
                          int64_t *rev, long *total)
{
    double started = metrics_now();
    store_rc rc = list_range_impl(s, q, fn, arg, rev, total);
    store_record_latency("list", q ? q->prefix : NULL, started);
    return rc;
}
