/* store_private.h: what the store's own files share and nobody else sees:
 * the store handle, a connection with its cache of prepared statements, the
 * queued write operation, and the helpers that run constant SQL and take the
 * cross-process writer lock. */
#ifndef KAPI_STORE_PRIVATE_H
#define KAPI_STORE_PRIVATE_H

#include <pthread.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include "core/metrics.h"
#include "store/store.h"

#define STORE_SCHEMA_VERSION 2
#define STORE_BATCH_MAX 512               /* writes per group commit, at most */
#define STORE_BUSY_TIMEOUT_MS 10000       /* safety net only: writers queue on the lock file */
#define STORE_CHECKPOINT_PAGES 1000       /* passive checkpoint once the WAL has this many pages;
                                             journal_size_limit (STORE_WAL_LIMIT_BYTES) trims it after */
#define STORE_WAL_LIMIT_BYTES 8388608     /* journal_size_limit: the WAL file is cut back to this */
#define STORE_MAX_CLOSE_HOOKS 4

/* Every SQL statement the store runs, prepared once per connection on first
 * use (see conn_statement). */
typedef enum store_stmt_id {
    STMT_BEGIN,
    STMT_BEGIN_IMMEDIATE,
    STMT_COMMIT,
    STMT_ROLLBACK,
    STMT_SAVEPOINT,
    STMT_RELEASE,
    STMT_ROLLBACK_TO,
    STMT_META_GET,
    STMT_META_SET,
    STMT_KV_GET,
    STMT_KV_MOD_REV,
    STMT_KV_INSERT,
    STMT_KV_UPDATE,
    STMT_KV_DELETE,
    STMT_KV_RANGE_FROM,
    STMT_KV_RANGE_AFTER,
    STMT_KV_COUNT,
    STMT_LOG_INSERT,
    STMT_LOG_SINCE,
    STMT_LOG_HAS_REV,
    STMT_LOG_COPY_CURRENT,
    STMT_LOG_PREV_REV,
    STMT_LOG_CHUNK_END,
    STMT_LOG_COMPACT_SUPERSEDED,
    STMT_LOG_COMPACT_CHUNK,
    STMT_HIST_CHANGES,
    STMT_HIST_LOG_ROW,
    STMT_HIST_LOG_TYPE,
    STMT_HIST_KV_KEYS,
    STMT_KV_COUNT_FROM,
    STMT_KV_COUNT_AFTER,
    STMT_PAGE_COUNT,
    STMT_FREELIST_COUNT,
    STMT_PAGE_SIZE,
    STMT_COUNT
} store_stmt_id;

/* One SQLite connection, used by one thread at a time. */
typedef struct store_conn {
    sqlite3 *db;
    sqlite3_stmt *stmts[STMT_COUNT];
    struct store *owner;
    struct store_conn *prev, *next;       /* in owner->readers */
    struct store_conn *idle_next;         /* in owner->idle_readers while no thread holds it */
    int saw_full;                         /* a step returned SQLITE_FULL (disk full);
                                             whoever acts on it clears it */
} store_conn;

typedef enum write_kind { WRITE_CREATE, WRITE_UPDATE, WRITE_DELETE } write_kind;

/* One queued write. It lives on the caller's stack while the caller waits;
 * the committer fills in the result and sets done. */
typedef struct write_op {
    write_kind kind;
    const char *key;
    const char *text;             /* create/update: the JSON, with one \x01 byte
                                     where the quoted revision goes */
    size_t text_len;
    size_t placeholder_at;        /* offset of that \x01 byte */
    int64_t expected_rev;         /* update/delete precondition, 0: none */
    int want_old;                 /* delete: the caller wants the old object */

    store_rc rc;                  /* results */
    int64_t rev;
    cJSON *old;                   /* delete: old object, resourceVersion = rev */

    int done;
    pthread_cond_t done_cond;
    struct write_op *next;
} write_op;

struct store {
    char *path;
    store_sync sync;
    int lock_fd;                   /* path-lock: flock()ed by whoever writes */

    /* readers: a thread holds one from its first read until it gives it back
     * (store_release_thread_connection, thread exit); given back, it waits in
     * idle_readers for the next thread (at most idle_readers_max of them, the
     * rest are closed). readers lists every one, held or idle. */
    pthread_key_t reader_key;
    pthread_mutex_t readers_mutex;
    store_conn *readers;
    store_conn *idle_readers;      /* under readers_mutex */
    int n_idle_readers;            /* under readers_mutex */
    int idle_readers_max;          /* under readers_mutex */

    /* the committer and its queue */
    store_conn *writer;            /* used by the committer thread only */
    pthread_t committer;
    pthread_mutex_t queue_mutex;
    pthread_cond_t queue_cond;
    write_op *queue_head, *queue_tail;
    int stopping;
    long commits, writes;          /* under queue_mutex */
    int wal_pages;                 /* committer only: WAL size after its last commit */
    char *value_buf;               /* committer only: a value with its revision spliced in */
    size_t value_cap;

    /* change notification shared by every process of this database (store_notify.c) */
    int notify_fd;
    void *notify_map;              /* a page of path-notify, mapped shared; NULL: polling only */

    /* space (store_space.c) */
    long long quota_bytes;         /* creates and updates refused once the pages in use reach it */
    long long reserve_bytes;       /* size of path-reserve when whole; 0: no reserve kept */
    int reserve_fd;                /* path-reserve, or -1 */
    _Atomic unsigned space_alarm_local;   /* the alarm when there is no shared notify page */

    /* run first by store_close (store_on_close) */
    void (*close_hooks[STORE_MAX_CLOSE_HOOKS])(void *arg);
    void *close_hook_args[STORE_MAX_CLOSE_HOOKS];
    int n_close_hooks;             /* under readers_mutex */
};

/* store.c */
store_conn *conn_open(store *s, const char **err);
void conn_close(store_conn *c);
sqlite3_stmt *conn_statement(store_conn *c, store_stmt_id id);
int conn_run(store_conn *c, store_stmt_id id);        /* 0 ok, -1 error */
int run_constant_sql(sqlite3 *db, const char *sql);   /* 0 ok, -1 error */
int64_t conn_meta_get(store_conn *c, const char *name); /* -1 on error */
int conn_meta_set(store_conn *c, const char *name, int64_t value);
int writer_lock(int fd);
void writer_unlock(int fd);
int open_lock_file(const char *db_path, const char *suffix);   /* path + suffix, O_CLOEXEC */
store_conn *idle_reader_of_this_thread(store *s);
void statement_done(sqlite3_stmt *st);
/* Runs a kv range statement (key, value, mod_revision rows; parameters
 * from, end, limit with -1 for none), calling fn on each row until it
 * returns non-zero; resets the statement. STORE_OK or STORE_ERROR. */
store_rc kv_range_each(sqlite3_stmt *st, const char *from, const char *end, long limit,
                       store_list_fn fn, void *arg);
void end_read(store_conn *c);
char *prefix_end_new(const char *prefix);                     /* caller frees */

/* store_schema.c */
int schema_apply(sqlite3 *db, const char **err);

/* store_notify.c */
void notify_open(store *s);        /* best effort: without it, waiters poll */
void notify_close(store *s);
void notify_post(store *s);        /* after a commit */

/* store_history.c */
store_rc history_list(store_conn *c, const store_range *q, int64_t at_rev,
                      store_list_fn fn, void *arg, long *total);

/* store_notify.c: the space alarm word (a store_space_state), shared by every
 * process through the notify page when there is one. */
_Atomic unsigned *notify_space_alarm(store *s);

/* store_space.c */
void space_open(store *s);         /* takes the process defaults; holds the reserve */
void space_close(store *s);
/* Evaluates whether creates and updates may write, on connection c (inside
 * the committer's transaction, or a reader's), raising or clearing the
 * alarm; *room (may be NULL) gets the bytes left under the quota. */
store_space_state space_evaluate(store *s, store_conn *c, long long *room);
void space_raise_alarm(store *s, store_space_state st);
void space_clear_alarm(store *s);
/* Gives the reserve back to the file system so that a delete, compaction or
 * vacuum can commit on a full disk: 1 if there was something to give. */
int space_release_reserve(store *s, const char *for_what);
/* 1 when c's last failure was the disk being full; clears the mark. */
int conn_took_full(store_conn *c);

/* store_commit.c */
int committer_start(store *s, const char **err);
void committer_stop(store *s);

/* Records an operation's time in etcd_request_duration_seconds (store.c). */
void store_record_latency(const char *operation, const char *key, double started);

#endif
