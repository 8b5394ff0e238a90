/* store.h: the registry store. Objects are JSON values under kube-apiserver's
 * etcd keys (/registry/pods/default/nginx), with one global, strictly
 * increasing revision like etcd's; every write appends to an event log that
 * watches read from.
 *
 * Reads use a connection the calling thread holds while it reads (see
 * store_release_thread_connection). Writes from every
 * thread of a process are queued to one committer that batches them into a
 * single transaction and a single fsync (group commit); committers of
 * different processes take turns through a blocking file lock, never a
 * sleeping back-off. The interface is small (get, list, create, update with
 * compare-and-swap on revision, delete, events since) so that another engine
 * could stand behind it. */
#ifndef KAPI_STORE_H
#define KAPI_STORE_H

#include <stdint.h>
#include <cjson/cJSON.h>

typedef struct store store;

typedef enum store_rc {
    STORE_OK = 0,
    STORE_NOT_FOUND,
    STORE_EXISTS,
    STORE_CONFLICT,       /* revision precondition failed */
    STORE_COMPACTED,      /* asked for history that is gone */
    STORE_ERROR,
    STORE_FUTURE,         /* asked for a revision the store has not reached yet */
    STORE_NO_SPACE        /* a write refused for space: the quota is reached or the disk
                             is full (etcd's "mvcc: database space exceeded") */
} store_rc;

typedef enum store_sync {
    STORE_SYNC_FULL = 0,  /* default: a returned write survives power loss */
    STORE_SYNC_NORMAL     /* faster: the last commits may be lost on power loss */
} store_sync;

/* Opens (creating if needed) the database at path and applies sql/schema.
 * Returns NULL and sets *err (static string) on failure. A handle belongs to
 * the process that opened it (it runs a committer thread): open it after
 * fork(), in each worker, and close it before forking. Besides path, the
 * store uses path-wal, path-shm and path-lock (the writers' lock file).
 * store_close waits for queued writes; no other call may run during it. */
store *store_open(const char *path, store_sync sync, const char **err);
void store_close(store *s);

/* One stored value. value is a NUL-terminated JSON text with
 * metadata.resourceVersion equal to mod_rev. Free with store_kv_free. */
typedef struct store_kv {
    char *key;
    char *value;
    int64_t create_rev;
    int64_t mod_rev;
} store_kv;
void store_kv_free(store_kv *kv);

store_rc store_get(store *s, const char *key, store_kv *out);

/* Calls fn for each key under prefix (prefix should end with '/'), in key
 * order, from one consistent snapshot; *rev gets the store's revision at that
 * snapshot. fn returns non-zero to stop. If start_after is non-NULL only keys
 * greater than it are visited; limit > 0 bounds the count visited. */
typedef int (*store_list_fn)(void *arg, const char *key, const char *value, int64_t mod_rev);
store_rc store_list(store *s, const char *prefix, const char *start_after, long limit,
                    store_list_fn fn, void *arg, int64_t *rev);
store_rc store_count(store *s, const char *prefix, long *count);

/* A range of keys read as of one revision (lists with limit/continue,
 * exact-revision lists). The store keeps the state at every revision from
 * the compacted one on: every later write is in the log, plus each key's
 * last write at or below the compacted revision while a later write exists. */
typedef struct store_range {
    const char *prefix;      /* keys under this prefix (ending in '/') */
    const char *from;        /* NULL, or the first key to visit */
    int from_exclusive;      /* 1: start after `from` instead of at it */
    int64_t at_rev;          /* 0: the current state; else the state as of this revision */
} store_range;
/* Calls fn for each key of the range in key order, as of q->at_rev, from
 * one consistent snapshot, until fn returns non-zero. *rev (may be NULL)
 * gets the revision the state was read at; *total (may be NULL) the number
 * of keys in the range at that revision (counted also past where fn
 * stopped). STORE_COMPACTED when at_rev is below the compacted revision,
 * STORE_FUTURE when it is beyond the current one. */
store_rc store_list_range(store *s, const store_range *q, store_list_fn fn, void *arg,
                          int64_t *rev, long *total);

int64_t store_revision(store *s);

/* Writes. obj is the whole object; the store sets metadata.resourceVersion to
 * the revision of the write in obj itself before storing it, so the caller's
 * obj matches what was stored. *rev_out (may be NULL) gets that revision. */
store_rc store_create(store *s, const char *key, cJSON *obj, int64_t *rev_out);
/* expected_rev 0 means unconditional (the key must still exist). */
store_rc store_update_if_revision(store *s, const char *key, cJSON *obj,
                                  int64_t expected_rev, int64_t *rev_out);
/* Deletes key if its mod_rev equals expected_rev (0: any). *old_out (may be
 * NULL) gets the deleted object (caller frees with cJSON_Delete), with its
 * resourceVersion set to the deletion's revision, as a watch sees it. */
store_rc store_delete_if_revision(store *s, const char *key, int64_t expected_rev,
                                  cJSON **old_out, int64_t *rev_out);

/* The event log, for watch: calls fn for each event with revision > after,
 * in order, up to limit events. type is 'A'dded, 'M'odified or 'D'eleted.
 * STORE_COMPACTED if events after `after` are no longer all kept. */
typedef int (*store_event_fn)(void *arg, int64_t rev, char type, const char *key, const char *value);
store_rc store_events_since(store *s, int64_t after, long limit, store_event_fn fn, void *arg);
/* 1 when a key under one of the n prefixes may have been written after
 * revision `after`: a write seen in the log, or more than `limit` events to
 * look at, or history no longer kept (compacted) or unreadable; 0 when the
 * log shows no such write. */
int store_prefixes_changed_since(store *s, int64_t after, const char *const *prefixes, int n,
                                 long limit);
int64_t store_compacted_revision(store *s);
/* Compacts history up to rev: afterwards events at or below rev are gone
 * (store_events_since refuses them) while the state as of any revision from
 * rev on can still be read (store_list_range): a log row at or below rev
 * stays only while it is its key's last write at or below rev, is not a
 * deletion, and the key has been written again since. STORE_ERROR if rev is
 * beyond the current revision. Runs in short batches under the writer lock. */
store_rc store_compact(store *s, int64_t rev);

/* The object key held just before revision rev (a watch's "previous object"
 * of a MODIFIED event). STORE_OK with *value (caller frees), STORE_NOT_FOUND
 * when the key did not exist then, STORE_COMPACTED when rev - 1 is below the
 * compacted revision. */
store_rc store_value_before(store *s, const char *key, int64_t rev, char **value);

/* Change notification across every process that has this database open: a
 * counter that moves on each commit (a shared page, path-notify, with a
 * futex). Read the counter, read the store, then wait with what you read:
 * no commit can slip between. Returns 1 when the counter moved, 0 when
 * timeout_ms passed first. Without the shared page it just sleeps. */
uint32_t store_change_counter(store *s);
int store_wait_for_change(store *s, uint32_t seen, int timeout_ms);

/* Runs fn(arg) at the start of store_close, before anything is torn down,
 * in reverse order of registration (at most 4): a subsystem living on the
 * handle (the watch hub) stops its threads there. 0, or -1 when full. */
int store_on_close(store *s, void (*fn)(void *arg), void *arg);

/* Read connections. A thread takes one at its first read (an idle one, or
 * a new one: never waits) and holds it until it gives it back here, or
 * exits; nested reads of the same thread share it. Given back, with its
 * page cache freed, it waits idle for the next thread that reads; beyond
 * the idle limit it is closed. So the connections open follow the threads
 * reading at once, not the threads there are: a server thread gives its
 * connection back when each request ends (a queued request holds none), a
 * watch once it has read its history. Inside a read (a store_list callback)
 * this does nothing. */
void store_release_thread_connection(store *s);
/* How many given-back connections wait idle at most (default 8; a worker
 * sets its seats); extra ones are closed now. */
void store_set_idle_readers(store *s, int max);
/* Read connections open (held or idle) and idle now, for tests and logs. */
void store_reader_stats(store *s, int *open, int *idle);

/* Maintenance (store_maintenance.c), each under the writer lock:
 * store_checkpoint copies the WAL into the database (PASSIVE never waits;
 * truncate != 0 then also resets the WAL file to zero bytes when no reader
 * needs it, waiting at most busy_ms for readers); store_vacuum returns up
 * to max_pages free pages to the file system (incremental vacuum). */
store_rc store_checkpoint(store *s, int truncate, int busy_ms);
store_rc store_vacuum(store *s, long max_pages);
typedef struct store_file_stats {
    long long db_bytes, wal_bytes;   /* file sizes */
    long long pages, free_pages;     /* page_count, freelist_count */
    long long log_rows;              /* rows of the event log */
} store_file_stats;
store_rc store_stat_files(store *s, store_file_stats *out);

/* The background compactor (store_compactor.c): a thread that, in the one
 * process holding path-compactor's lock, keeps history for at least
 * interval_ms (compacting every interval to the revision seen one interval
 * before, as kube-apiserver's --etcd-compaction-interval does) and at most
 * max_revisions revisions, in short batches; checkpoints the WAL (passive,
 * then truncate when readers allow) and returns free pages to the file
 * system. Start it after fork, stop it before store_close. */
typedef struct store_compactor_opts {
    long interval_ms;        /* 0: no time-based compaction */
    long max_revisions;      /* 0: no revision cap */
    long tick_ms;            /* how often it looks (0: 1000) */
} store_compactor_opts;
typedef struct store_compactor store_compactor;
store_compactor *store_compactor_start(store *s, const store_compactor_opts *o);
void store_compactor_stop(store_compactor *c);

/* Space (store_space.c), degrading as etcd's space quota does. Creates and
 * updates are refused with STORE_NO_SPACE once the database's pages in use
 * reach the quota (etcd's --quota-backend-bytes), or while the disk is full;
 * deletes, compaction and vacuum still run, so space can be freed through
 * the API. A process that keeps a reserve (reserve_bytes > 0; the apiserver
 * does) holds that much disk space allocated in path-reserve and gives it
 * up (all but STORE_START_HEADROOM_BYTES) the moment a delete, a compaction
 * or a vacuum hits a full disk, so they can commit; while the reserve is
 * not whole (and cannot be refilled leaving half of it free besides),
 * creates and updates are refused. A store opened on a disk with less than
 * STORE_START_HEADROOM_BYTES free gives that much of its reserve up at
 * once, so that start-up (SQLite's shared-memory file, pid files) finds
 * room; scripts/kapi-stack does the same before it starts anything. The settings are process-wide defaults,
 * taken by every store opened afterwards. */
#define STORE_DEFAULT_QUOTA_BYTES (2LL << 30)        /* etcd's default: 2 GiB */
#define STORE_DEFAULT_RESERVE_BYTES (4LL << 20)
#define STORE_START_HEADROOM_BYTES (1LL << 20)
typedef struct store_space_opts {
    long long quota_bytes;     /* <= 0: STORE_DEFAULT_QUOTA_BYTES */
    long long reserve_bytes;   /* 0: keep no reserve (the default) */
} store_space_opts;
void store_set_space_defaults(const store_space_opts *o);

typedef enum store_space_state {
    STORE_SPACE_OK = 0,
    STORE_SPACE_QUOTA,         /* the pages in use reached the quota */
    STORE_SPACE_DISK           /* the disk is full (the reserve is given up or a write hit ENOSPC) */
} store_space_state;
/* Whether creates and updates are accepted now, as the committer decides it
 * (shared by every process of the database: a refusal anywhere shows here
 * until space is back). *used_bytes (may be NULL) gets the bytes of the
 * database's pages in use. */
store_space_state store_space(store *s, long long *used_bytes);
/* "etcdserver: mvcc: database space exceeded" and the like, for logs. */
const char *store_space_describe(store_space_state st);

/* Group-commit counters of this handle since store_open: transactions
 * committed, and writes they carried (writes / commits > 1 means batching). */
void store_stats(store *s, long *commits, long *writes);

#endif
