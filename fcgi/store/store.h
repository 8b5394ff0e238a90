/* store.h: the registry store. Objects are JSON values under kube-apiserver's
 * etcd keys (/registry/pods/default/nginx), with one global, strictly
 * increasing revision like etcd's; every write appends to an event log that
 * watches read from.
 *
 * Reads use a connection of the calling thread's own. Writes from every
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
    STORE_ERROR
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
int64_t store_compacted_revision(store *s);
/* Drops events at or below rev (keeps current values). STORE_ERROR if rev is
 * beyond the current revision. Runs in short batches under the writer lock. */
store_rc store_compact(store *s, int64_t rev);

/* Group-commit counters of this handle since store_open: transactions
 * committed, and writes they carried (writes / commits > 1 means batching). */
void store_stats(store *s, long *commits, long *writes);

#endif
