/* test_store.c: unit tests of the registry store (fcgi/store): writes and
 * their preconditions, revisions and resourceVersion, prefix lists and
 * pagination, the event log and compaction, reads of past states (checked
 * against a model of every revision, across compactions), a key's previous
 * value, change notification across threads and processes, the background
 * compactor keeping the files bounded, group commit under many threads,
 * several processes writing one file, data surviving a reopen, and the
 * migration of a version 1 database. Each test works in its own temporary
 * directory under /tmp. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <sqlite3.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "store/store.h"

typedef struct fixture {
    char dir[64];
    char path[128];
    store *s;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f) return -1;
    strcpy(f->dir, "/tmp/kapi-store-XXXXXX");
    if (!mkdtemp(f->dir)) return -1;
    snprintf(f->path, sizeof f->path, "%s/kapi.db", f->dir);
    const char *err = NULL;
    f->s = store_open(f->path, STORE_SYNC_FULL, &err);
    if (!f->s) {
        fprintf(stderr, "store_open: %s\n", err);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    store_close(f->s);
    const char *suffixes[] = {"", "-wal", "-shm", "-lock", "-notify", "-compactor"};
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        char file[160];
        snprintf(file, sizeof file, "%s%s", f->path, suffixes[i]);
        unlink(file);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

/* A ConfigMap named name, in namespace default. */
static cJSON *new_object(const char *name)
{
    cJSON *obj = cJSON_CreateObject();
    cJSON_AddStringToObject(obj, "apiVersion", "v1");
    cJSON_AddStringToObject(obj, "kind", "ConfigMap");
    cJSON *meta = cJSON_AddObjectToObject(obj, "metadata");
    cJSON_AddStringToObject(meta, "name", name);
    cJSON_AddStringToObject(meta, "namespace", "default");
    cJSON *data = cJSON_AddObjectToObject(obj, "data");
    cJSON_AddStringToObject(data, "note", "a \"quoted\" \x01 control byte");
    return obj;
}

/* metadata.resourceVersion of obj as a number; -1 when absent or not a string. */
static int64_t resource_version_of(const cJSON *obj)
{
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    const cJSON *rv = cJSON_GetObjectItemCaseSensitive(meta, "resourceVersion");
    return cJSON_IsString(rv) ? atoll(rv->valuestring) : -1;
}

static int64_t resource_version_in_text(const char *json)
{
    cJSON *obj = cJSON_Parse(json);
    int64_t rv = resource_version_of(obj);
    cJSON_Delete(obj);
    return rv;
}

/* Creates key with a fresh object; returns the revision. */
static int64_t create_key(store *s, const char *key)
{
    cJSON *obj = new_object(strrchr(key, '/') + 1);
    int64_t rev = 0;
    assert_int_equal(store_create(s, key, obj, &rev), STORE_OK);
    cJSON_Delete(obj);
    return rev;
}

/* Creates key in a forked child, where cmocka's asserts must not run. */
static int create_key_in_child(store *s, const char *key)
{
    cJSON *obj = new_object(strrchr(key, '/') + 1);
    int ok = store_create(s, key, obj, NULL) == STORE_OK;
    cJSON_Delete(obj);
    return ok;
}

static void test_create_then_get(void **state)
{
    fixture *f = *state;
    cJSON *obj = new_object("one");
    int64_t rev = 0;
    assert_int_equal(store_create(f->s, "/registry/configmaps/default/one", obj, &rev), STORE_OK);
    assert_true(rev > 0);
    assert_int_equal(resource_version_of(obj), rev);

    store_kv kv;
    assert_int_equal(store_get(f->s, "/registry/configmaps/default/one", &kv), STORE_OK);
    assert_string_equal(kv.key, "/registry/configmaps/default/one");
    assert_int_equal(kv.create_rev, rev);
    assert_int_equal(kv.mod_rev, rev);
    assert_int_equal(resource_version_in_text(kv.value), rev);
    char *printed = cJSON_PrintUnformatted(obj);
    assert_string_equal(kv.value, printed);       /* the caller's obj is what was stored */
    free(printed);
    store_kv_free(&kv);
    cJSON_Delete(obj);

    assert_int_equal(store_get(f->s, "/registry/configmaps/default/none", &kv), STORE_NOT_FOUND);
}

static void test_create_existing_key_is_refused(void **state)
{
    fixture *f = *state;
    int64_t first = create_key(f->s, "/registry/configmaps/default/dup");
    cJSON *obj = new_object("dup");
    int64_t rev = 77;
    assert_int_equal(store_create(f->s, "/registry/configmaps/default/dup", obj, &rev), STORE_EXISTS);
    assert_int_equal(rev, 0);
    assert_int_equal(resource_version_of(obj), -1);   /* obj left as it was */
    assert_int_equal(store_revision(f->s), first);    /* no revision taken */
    cJSON_Delete(obj);
}

static void test_create_adds_metadata_and_refuses_non_objects(void **state)
{
    fixture *f = *state;
    cJSON *bare = cJSON_Parse("{\"kind\":\"Thing\"}");
    int64_t rev;
    assert_int_equal(store_create(f->s, "/registry/things/bare", bare, &rev), STORE_OK);
    assert_int_equal(resource_version_of(bare), rev);
    cJSON_Delete(bare);

    cJSON *array = cJSON_Parse("[1,2]");
    assert_int_equal(store_create(f->s, "/registry/things/array", array, &rev), STORE_ERROR);
    cJSON_Delete(array);

    /* A resourceVersion of another type is replaced in place, order kept. */
    cJSON *odd = cJSON_Parse("{\"metadata\":{\"resourceVersion\":{\"x\":1},\"name\":\"odd\"}}");
    assert_int_equal(store_create(f->s, "/registry/things/odd", odd, &rev), STORE_OK);
    store_kv kv;
    assert_int_equal(store_get(f->s, "/registry/things/odd", &kv), STORE_OK);
    char expected[128];
    snprintf(expected, sizeof expected,
             "{\"metadata\":{\"resourceVersion\":\"%lld\",\"name\":\"odd\"}}", (long long)rev);
    assert_string_equal(kv.value, expected);
    store_kv_free(&kv);
    cJSON_Delete(odd);
}

static void test_update_checks_the_revision(void **state)
{
    fixture *f = *state;
    const char *key = "/registry/configmaps/default/up";
    int64_t created = create_key(f->s, key);

    cJSON *obj = new_object("up");
    int64_t rev = 0;
    assert_int_equal(store_update_if_revision(f->s, key, obj, created, &rev), STORE_OK);
    assert_true(rev > created);
    assert_int_equal(resource_version_of(obj), rev);

    /* stale: obj keeps the resourceVersion it had */
    int64_t stale_rev = 0;
    assert_int_equal(store_update_if_revision(f->s, key, obj, created, &stale_rev), STORE_CONFLICT);
    assert_int_equal(stale_rev, 0);
    assert_int_equal(resource_version_of(obj), rev);

    int64_t unconditional = 0;
    assert_int_equal(store_update_if_revision(f->s, key, obj, 0, &unconditional), STORE_OK);
    assert_true(unconditional > rev);

    store_kv kv;
    assert_int_equal(store_get(f->s, key, &kv), STORE_OK);
    assert_int_equal(kv.create_rev, created);
    assert_int_equal(kv.mod_rev, unconditional);
    assert_int_equal(resource_version_in_text(kv.value), unconditional);
    store_kv_free(&kv);

    assert_int_equal(store_update_if_revision(f->s, "/registry/configmaps/default/missing", obj, 0, NULL),
                     STORE_NOT_FOUND);
    cJSON_Delete(obj);
}

static void test_delete_checks_the_revision(void **state)
{
    fixture *f = *state;
    const char *key = "/registry/configmaps/default/del";
    int64_t created = create_key(f->s, key);
    cJSON *old = NULL;
    int64_t rev = 0;
    assert_int_equal(store_delete_if_revision(f->s, key, created + 100, &old, &rev), STORE_CONFLICT);
    assert_null(old);
    assert_int_equal(store_delete_if_revision(f->s, "/registry/configmaps/default/nope", 0, &old, &rev),
                     STORE_NOT_FOUND);
    assert_int_equal(store_delete_if_revision(f->s, key, created, &old, &rev), STORE_OK);
    assert_true(rev > created);
    assert_non_null(old);
    assert_int_equal(resource_version_of(old), rev);   /* as a watch shows it */
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(old, "metadata"), "name")->valuestring, "del");
    cJSON_Delete(old);

    store_kv kv;
    assert_int_equal(store_get(f->s, key, &kv), STORE_NOT_FOUND);
    assert_int_equal(store_delete_if_revision(f->s, key, 0, NULL, NULL), STORE_NOT_FOUND);

    /* Unconditional delete without asking for the old object. */
    create_key(f->s, key);
    assert_int_equal(store_delete_if_revision(f->s, key, 0, NULL, NULL), STORE_OK);
}

typedef struct collected {
    char keys[64][64];
    int64_t revs[64];
    int n;
    int stop_after;   /* 0: never */
} collected;

static int collect_key(void *arg, const char *key, const char *value, int64_t mod_rev)
{
    collected *c = arg;
    assert_int_equal(resource_version_in_text(value), mod_rev);
    snprintf(c->keys[c->n], sizeof c->keys[c->n], "%s", key);
    c->revs[c->n] = mod_rev;
    c->n++;
    return c->stop_after && c->n >= c->stop_after;
}

static void test_list_stays_inside_the_prefix(void **state)
{
    fixture *f = *state;
    const char *keys[] = {"/registry/pods/ab/x", "/registry/pods/a/y", "/registry/pods/a",
                          "/registry/pods/a/x", "/registry/pods/b/z", "/registry/pods/a0",
                          "/registry/podsecurity/a/x", "/registry/pods/a/x/deeper"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) create_key(f->s, keys[i]);

    collected c = {0};
    int64_t rev = -1;
    assert_int_equal(store_list(f->s, "/registry/pods/a/", NULL, 0, collect_key, &c, &rev), STORE_OK);
    assert_int_equal(rev, store_revision(f->s));
    assert_int_equal(c.n, 3);
    assert_string_equal(c.keys[0], "/registry/pods/a/x");
    assert_string_equal(c.keys[1], "/registry/pods/a/x/deeper");
    assert_string_equal(c.keys[2], "/registry/pods/a/y");
    long count = -1;
    assert_int_equal(store_count(f->s, "/registry/pods/a/", &count), STORE_OK);
    assert_int_equal(count, 3);

    memset(&c, 0, sizeof c);
    assert_int_equal(store_list(f->s, "/registry/pods/", NULL, 0, collect_key, &c, NULL), STORE_OK);
    assert_int_equal(c.n, 7);
    for (int i = 1; i < c.n; i++) assert_true(strcmp(c.keys[i - 1], c.keys[i]) < 0);
    assert_int_equal(store_count(f->s, "/registry/pods/", &count), STORE_OK);
    assert_int_equal(count, 7);

    memset(&c, 0, sizeof c);
    assert_int_equal(store_list(f->s, "/registry/nothing/", NULL, 0, collect_key, &c, NULL), STORE_OK);
    assert_int_equal(c.n, 0);
    assert_int_equal(store_count(f->s, "", &count), STORE_OK);
    assert_int_equal(count, 8);
}

static void test_list_pages_with_start_after_and_limit(void **state)
{
    fixture *f = *state;
    for (int i = 9; i >= 0; i--) {
        char key[64];
        snprintf(key, sizeof key, "/registry/secrets/ns/s%02d", i);
        create_key(f->s, key);
    }
    create_key(f->s, "/registry/secrets/other/s00");

    char after[64] = "";
    int seen = 0, pages = 0;
    for (;;) {
        collected c = {0};
        int64_t rev;
        assert_int_equal(store_list(f->s, "/registry/secrets/ns/", seen ? after : NULL, 3,
                                    collect_key, &c, &rev), STORE_OK);
        if (c.n == 0) break;
        pages++;
        assert_true(c.n <= 3);
        for (int i = 0; i < c.n; i++) {
            char want[64];
            snprintf(want, sizeof want, "/registry/secrets/ns/s%02d", seen + i);
            assert_string_equal(c.keys[i], want);
        }
        seen += c.n;
        snprintf(after, sizeof after, "%s", c.keys[c.n - 1]);
    }
    assert_int_equal(seen, 10);
    assert_int_equal(pages, 4);

    /* The callback can stop the walk; start_after below the prefix is the prefix. */
    collected c = {.stop_after = 2};
    assert_int_equal(store_list(f->s, "/registry/secrets/ns/", "/registry/a", 0, collect_key, &c, NULL),
                     STORE_OK);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.keys[0], "/registry/secrets/ns/s00");
}

/* A list callback may read (same snapshot) but not start another list. */
static int read_inside_list(void *arg, const char *key, const char *value, int64_t mod_rev)
{
    store *s = arg;
    store_kv kv;
    assert_int_equal(store_get(s, key, &kv), STORE_OK);
    assert_int_equal(kv.mod_rev, mod_rev);
    store_kv_free(&kv);
    collected c = {0};
    assert_int_equal(store_list(s, "/", NULL, 0, collect_key, &c, NULL), STORE_ERROR);
    return 0;
}

static void test_list_callback_may_read(void **state)
{
    fixture *f = *state;
    create_key(f->s, "/registry/x/one");
    create_key(f->s, "/registry/x/two");
    assert_int_equal(store_list(f->s, "/registry/x/", NULL, 0, read_inside_list, f->s, NULL), STORE_OK);
}

static void test_revisions_increase_and_match_resource_version(void **state)
{
    fixture *f = *state;
    int64_t previous = store_revision(f->s);
    assert_int_equal(previous, 0);
    for (int i = 0; i < 20; i++) {
        char key[64];
        snprintf(key, sizeof key, "/registry/configmaps/default/r%d", i % 5);
        cJSON *obj = new_object("r");
        int64_t rev = 0;
        store_rc rc = i < 5 ? store_create(f->s, key, obj, &rev)
                            : store_update_if_revision(f->s, key, obj, 0, &rev);
        assert_int_equal(rc, STORE_OK);
        assert_int_equal(rev, previous + 1);
        previous = rev;
        store_kv kv;
        assert_int_equal(store_get(f->s, key, &kv), STORE_OK);
        assert_int_equal(kv.mod_rev, rev);
        assert_int_equal(resource_version_in_text(kv.value), kv.mod_rev);
        store_kv_free(&kv);
        cJSON_Delete(obj);
    }
    assert_int_equal(store_revision(f->s), previous);
}

typedef struct event_list {
    int64_t revs[64];
    char types[64];
    char keys[64][64];
    int64_t value_rvs[64];
    int n;
} event_list;

static int collect_event(void *arg, int64_t rev, char type, const char *key, const char *value)
{
    event_list *e = arg;
    e->revs[e->n] = rev;
    e->types[e->n] = type;
    snprintf(e->keys[e->n], sizeof e->keys[e->n], "%s", key);
    e->value_rvs[e->n] = resource_version_in_text(value);
    e->n++;
    return 0;
}

static void test_events_since_in_order_with_deletes(void **state)
{
    fixture *f = *state;
    const char *a = "/registry/configmaps/default/a", *b = "/registry/configmaps/default/b";
    int64_t r1 = create_key(f->s, a);
    cJSON *obj = new_object("a");
    int64_t r2, r3, r4;
    assert_int_equal(store_update_if_revision(f->s, a, obj, r1, &r2), STORE_OK);
    r3 = create_key(f->s, b);
    assert_int_equal(store_delete_if_revision(f->s, a, 0, NULL, &r4), STORE_OK);
    cJSON_Delete(obj);

    event_list e = {0};
    assert_int_equal(store_events_since(f->s, 0, 0, collect_event, &e), STORE_OK);
    assert_int_equal(e.n, 4);
    int64_t revs[] = {r1, r2, r3, r4};
    const char types[] = "AMAD";
    const char *keys[] = {a, a, b, a};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(e.revs[i], revs[i]);
        assert_int_equal(e.types[i], types[i]);
        assert_string_equal(e.keys[i], keys[i]);
        assert_int_equal(e.value_rvs[i], revs[i]);   /* D shows the deletion's revision */
    }

    memset(&e, 0, sizeof e);
    assert_int_equal(store_events_since(f->s, r2, 0, collect_event, &e), STORE_OK);
    assert_int_equal(e.n, 2);
    assert_int_equal(e.revs[0], r3);

    memset(&e, 0, sizeof e);
    assert_int_equal(store_events_since(f->s, 0, 2, collect_event, &e), STORE_OK);
    assert_int_equal(e.n, 2);
    assert_int_equal(e.revs[1], r2);

    memset(&e, 0, sizeof e);
    assert_int_equal(store_events_since(f->s, r4, 0, collect_event, &e), STORE_OK);
    assert_int_equal(e.n, 0);
}

static void test_compaction_drops_old_events_only(void **state)
{
    fixture *f = *state;
    /* Enough events for several compaction chunks; NORMAL sync keeps it quick. */
    store_close(f->s);
    f->s = store_open(f->path, STORE_SYNC_NORMAL, NULL);
    assert_non_null(f->s);
    create_key(f->s, "/registry/leases/ns/l");
    cJSON *obj = new_object("l");
    for (int i = 0; i < 2499; i++)
        assert_int_equal(store_update_if_revision(f->s, "/registry/leases/ns/l", obj, 0, NULL), STORE_OK);
    cJSON_Delete(obj);
    create_key(f->s, "/registry/leases/ns/m");
    assert_int_equal(store_revision(f->s), 2501);

    assert_int_equal(store_compact(f->s, 9999), STORE_ERROR);   /* the future */
    assert_int_equal(store_compacted_revision(f->s), 0);
    assert_int_equal(store_compact(f->s, 2400), STORE_OK);
    assert_int_equal(store_compacted_revision(f->s), 2400);

    event_list e = {0};
    assert_int_equal(store_events_since(f->s, 0, 0, collect_event, &e), STORE_COMPACTED);
    assert_int_equal(store_events_since(f->s, 2399, 0, collect_event, &e), STORE_COMPACTED);
    assert_int_equal(e.n, 0);
    assert_int_equal(store_events_since(f->s, 2400, 10, collect_event, &e), STORE_OK);
    assert_int_equal(e.n, 10);
    assert_int_equal(e.revs[0], 2401);

    /* An older revision changes nothing; current values stay. */
    assert_int_equal(store_compact(f->s, 100), STORE_OK);
    assert_int_equal(store_compacted_revision(f->s), 2400);
    long count;
    assert_int_equal(store_count(f->s, "/registry/leases/", &count), STORE_OK);
    assert_int_equal(count, 2);
    store_kv kv;
    assert_int_equal(store_get(f->s, "/registry/leases/ns/l", &kv), STORE_OK);
    assert_int_equal(kv.create_rev, 1);
    assert_int_equal(kv.mod_rev, 2500);
    store_kv_free(&kv);

    /* Everything, up to the current revision: the log is empty, writes go on. */
    assert_int_equal(store_compact(f->s, 2501), STORE_OK);
    memset(&e, 0, sizeof e);
    assert_int_equal(store_events_since(f->s, 2501, 0, collect_event, &e), STORE_OK);
    assert_int_equal(e.n, 0);
    int64_t next = create_key(f->s, "/registry/leases/ns/n");
    assert_int_equal(next, 2502);
    assert_int_equal(store_events_since(f->s, 2501, 0, collect_event, &e), STORE_OK);
    assert_int_equal(e.n, 1);

    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM log", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 1);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* ---- history: the state as of past revisions ---- */

#define MODEL_KEYS 6
#define MODEL_OPS 400

/* What each key held after each revision: 0 = absent, else the revision of
 * the write whose object it held (objects carry that as resourceVersion). */
typedef struct model {
    int64_t held[MODEL_OPS + 2][MODEL_KEYS];
    int64_t rev;
} model;

typedef struct seen_range {
    int64_t held[MODEL_KEYS];
    int n;
    int stop_after;
} seen_range;

static const char *model_key(int i)
{
    static const char *const keys[MODEL_KEYS] = {
        "/registry/leases/a/k0", "/registry/leases/a/k1", "/registry/leases/a/k2",
        "/registry/leases/b/k3", "/registry/leases/b/k4", "/registry/leases/c/k5"};
    return keys[i];
}

static int collect_range(void *arg, const char *key, const char *value, int64_t mod_rev)
{
    seen_range *r = arg;
    int i = -1;
    for (int k = 0; k < MODEL_KEYS; k++)
        if (!strcmp(model_key(k), key)) i = k;
    assert_true(i >= 0);
    assert_int_equal(resource_version_in_text(value), mod_rev);
    r->held[i] = mod_rev;
    r->n++;
    return r->stop_after && r->n >= r->stop_after;
}

/* Reads the whole prefix as of rev and compares it with the model. */
static void expect_state_at(store *s, const model *m, int64_t rev)
{
    seen_range r = {0};
    store_range q = {.prefix = "/registry/leases/", .at_rev = rev};
    int64_t read_at = 0;
    long total = -1;
    assert_int_equal(store_list_range(s, &q, collect_range, &r, &read_at, &total), STORE_OK);
    assert_int_equal(read_at, rev);
    long live = 0;
    for (int k = 0; k < MODEL_KEYS; k++) {
        assert_int_equal(r.held[k], m->held[rev][k]);
        live += m->held[rev][k] != 0;
    }
    assert_int_equal(total, live);
}

/* Random creates, updates, deletes and compactions; after each step, the
 * state at every revision not compacted away reads back as it was. */
static void test_past_states_read_back_across_compactions(void **state)
{
    fixture *f = *state;
    store_close(f->s);
    f->s = store_open(f->path, STORE_SYNC_NORMAL, NULL);
    assert_non_null(f->s);
    static model m;
    memset(&m, 0, sizeof m);
    srand(7);
    int64_t compacted = 0;
    for (int op = 0; op < MODEL_OPS; op++) {
        int k = rand() % MODEL_KEYS;
        int64_t rev = 0;
        memcpy(m.held[m.rev + 1], m.held[m.rev], sizeof m.held[0]);
        if (m.held[m.rev][k] == 0) {
            cJSON *obj = new_object("x");
            assert_int_equal(store_create(f->s, model_key(k), obj, &rev), STORE_OK);
            cJSON_Delete(obj);
            m.held[m.rev + 1][k] = rev;
        } else if (rand() % 4 == 0) {
            assert_int_equal(store_delete_if_revision(f->s, model_key(k), 0, NULL, &rev), STORE_OK);
            m.held[m.rev + 1][k] = 0;
        } else {
            cJSON *obj = new_object("x");
            assert_int_equal(store_update_if_revision(f->s, model_key(k), obj, 0, &rev), STORE_OK);
            cJSON_Delete(obj);
            m.held[m.rev + 1][k] = rev;
        }
        assert_int_equal(rev, m.rev + 1);
        m.rev = rev;
        if (rand() % 25 == 0) {
            int64_t to = compacted + rand() % (m.rev - compacted + 1);
            assert_int_equal(store_compact(f->s, to), STORE_OK);
            compacted = to;
        }
        if (op % 20 == 19 || op == MODEL_OPS - 1) {
            for (int64_t at = compacted > 0 ? compacted : 1; at <= m.rev; at++)
                expect_state_at(f->s, &m, at);
        }
    }
    /* Below the compacted revision, and beyond the current one. */
    assert_int_equal(store_compact(f->s, m.rev - 5), STORE_OK);
    seen_range r = {0};
    store_range q = {.prefix = "/registry/leases/", .at_rev = m.rev - 6};
    assert_int_equal(store_list_range(f->s, &q, collect_range, &r, NULL, NULL), STORE_COMPACTED);
    q.at_rev = m.rev + 1;
    assert_int_equal(store_list_range(f->s, &q, collect_range, &r, NULL, NULL), STORE_FUTURE);
    expect_state_at(f->s, &m, m.rev - 5);
    /* compacted to now, no history row is left (kv holds the state) */
    assert_int_equal(store_compact(f->s, m.rev), STORE_OK);
    store_file_stats st;
    assert_int_equal(store_stat_files(f->s, &st), STORE_OK);
    assert_int_equal(st.log_rows, 0);
    expect_state_at(f->s, &m, m.rev);
}

/* A key whose current row compaction dropped still reads as of a revision
 * between the compaction and its next write; its previous value too. */
static void test_history_keeps_a_compacted_current_row_once_rewritten(void **state)
{
    fixture *f = *state;
    const char *key = "/registry/configmaps/default/x";
    int64_t r1 = create_key(f->s, key);
    int64_t r2 = create_key(f->s, "/registry/configmaps/default/y");
    assert_int_equal(store_compact(f->s, r2), STORE_OK);
    cJSON *obj = new_object("x");
    int64_t r3 = 0;
    assert_int_equal(store_update_if_revision(f->s, key, obj, r1, &r3), STORE_OK);
    cJSON_Delete(obj);

    collected c = {0};
    store_range q = {.prefix = "/registry/configmaps/default/", .at_rev = r2};
    long total = 0;
    assert_int_equal(store_list_range(f->s, &q, collect_key, &c, NULL, &total), STORE_OK);
    assert_int_equal(c.n, 2);
    assert_int_equal(total, 2);
    assert_string_equal(c.keys[0], key);
    assert_int_equal(c.revs[0], r1);            /* the old object, not r3 */

    char *before = NULL;
    assert_int_equal(store_value_before(f->s, key, r3, &before), STORE_OK);
    assert_int_equal(resource_version_in_text(before), r1);
    free(before);
    assert_int_equal(store_value_before(f->s, key, r1, &before), STORE_COMPACTED);
    assert_null(before);

    /* deleted, then asked about the write after the deletion */
    int64_t r4 = 0, r5;
    assert_int_equal(store_delete_if_revision(f->s, key, 0, NULL, &r4), STORE_OK);
    r5 = create_key(f->s, key);
    assert_int_equal(store_value_before(f->s, key, r5, &before), STORE_NOT_FOUND);
    assert_int_equal(store_value_before(f->s, key, r4, &before), STORE_OK);
    assert_int_equal(resource_version_in_text(before), r3);
    free(before);
}

/* Pages of a range: from a key (inclusive or not), counting what is left. */
static void test_list_range_pages_and_counts(void **state)
{
    fixture *f = *state;
    for (int i = 0; i < 10; i++) {
        char key[64];
        snprintf(key, sizeof key, "/registry/secrets/ns/s%02d", i);
        create_key(f->s, key);
    }
    int64_t at = store_revision(f->s);
    /* later writes do not show in reads as of `at` */
    create_key(f->s, "/registry/secrets/ns/s10");
    assert_int_equal(store_delete_if_revision(f->s, "/registry/secrets/ns/s03", 0, NULL, NULL), STORE_OK);
    for (int historical = 0; historical < 2; historical++) {
        collected c = {.stop_after = 3};
        store_range q = {.prefix = "/registry/secrets/ns/", .from = "/registry/secrets/ns/s02",
                         .at_rev = historical ? at : 0};
        long total = 0;
        assert_int_equal(store_list_range(f->s, &q, collect_key, &c, NULL, &total), STORE_OK);
        assert_int_equal(c.n, 3);
        assert_string_equal(c.keys[0], "/registry/secrets/ns/s02");
        assert_string_equal(c.keys[1], historical ? "/registry/secrets/ns/s03" : "/registry/secrets/ns/s04");
        assert_int_equal(total, historical ? 8 : 8);   /* s02..s09, or s02,s04..s10 */
        collected d = {0};
        q.from_exclusive = 1;
        assert_int_equal(store_list_range(f->s, &q, collect_key, &d, NULL, &total), STORE_OK);
        assert_string_equal(d.keys[0], historical ? "/registry/secrets/ns/s03" : "/registry/secrets/ns/s04");
        assert_int_equal(total, 7);
        assert_int_equal(d.n, 7);
    }
}

/* ---- change notification ---- */

typedef struct waiter {
    store *s;
    uint32_t seen;
    int changed;
    double waited_ms;
} waiter;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void *wait_for_change(void *arg)
{
    waiter *w = arg;
    double t0 = now_ms();
    w->changed = store_wait_for_change(w->s, w->seen, 5000);
    w->waited_ms = now_ms() - t0;
    return NULL;
}

static void test_change_notification_wakes_waiters(void **state)
{
    fixture *f = *state;
    /* nothing happens: the wait times out */
    uint32_t seen = store_change_counter(f->s);
    double t0 = now_ms();
    assert_int_equal(store_wait_for_change(f->s, seen, 50), 0);
    assert_true(now_ms() - t0 >= 45);

    /* a commit in this process wakes a waiting thread at once */
    waiter w = {.s = f->s, .seen = store_change_counter(f->s)};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, wait_for_change, &w), 0);
    usleep(50000);
    create_key(f->s, "/registry/namespaces/n1");
    pthread_join(t, NULL);
    assert_int_equal(w.changed, 1);
    assert_true(w.waited_ms < 2000);

    /* a commit seen before waiting returns at once */
    seen = store_change_counter(f->s);
    create_key(f->s, "/registry/namespaces/n2");
    assert_int_equal(store_wait_for_change(f->s, seen, 5000), 1);

    /* a commit in another process (its own handle) wakes us too */
    w = (waiter){.s = f->s, .seen = store_change_counter(f->s)};
    assert_int_equal(pthread_create(&t, NULL, wait_for_change, &w), 0);
    usleep(50000);
    pid_t pid = fork();
    if (pid == 0) {
        store *other = store_open(f->path, STORE_SYNC_FULL, NULL);
        int ok = other && create_key_in_child(other, "/registry/namespaces/n3");
        store_close(other);
        _exit(ok ? 0 : 1);
    }
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    pthread_join(t, NULL);
    assert_int_equal(w.changed, 1);
    assert_true(w.waited_ms < 2000);
}

/* ---- close hooks and connections ---- */

static int hook_order[4], hook_calls;
static void record_hook(void *arg)
{
    hook_order[hook_calls++] = (int)(intptr_t)arg;
}

static void test_close_hooks_run_first_in_reverse_order(void **state)
{
    fixture *f = *state;
    hook_calls = 0;
    assert_int_equal(store_on_close(f->s, record_hook, (void *)1), 0);
    assert_int_equal(store_on_close(f->s, record_hook, (void *)2), 0);
    create_key(f->s, "/registry/namespaces/a");
    store_release_thread_connection(f->s);          /* reads reopen it */
    assert_true(store_revision(f->s) > 0);
    store_release_thread_connection(f->s);
    store_close(f->s);
    assert_int_equal(hook_calls, 2);
    assert_int_equal(hook_order[0], 2);
    assert_int_equal(hook_order[1], 1);
    f->s = store_open(f->path, STORE_SYNC_FULL, NULL);
    assert_non_null(f->s);
}

/* ---- the read-connection pool ---- */

typedef struct pool_reader {
    store *s;
    pthread_barrier_t *all_reading;
    int exit_holding;              /* 1: the thread's exit gives it back */
    int64_t rev;
} pool_reader;

/* Reads, waits until every reader holds a connection, gives it back. */
static void *read_then_give_back(void *arg)
{
    pool_reader *r = arg;
    r->rev = store_revision(r->s);
    pthread_barrier_wait(r->all_reading);
    if (!r->exit_holding) store_release_thread_connection(r->s);
    return NULL;
}

static int release_inside_list(void *arg, const char *key, const char *value, int64_t mod_rev)
{
    (void)key; (void)value; (void)mod_rev;
    store *s = arg;
    store_release_thread_connection(s);               /* inside a read: does nothing */
    store_kv kv;
    assert_int_equal(store_get(s, "/registry/namespaces/a", &kv), STORE_OK);
    store_kv_free(&kv);
    return 0;
}

static void test_read_connections_are_given_back_and_reused(void **state)
{
    fixture *f = *state;
    int open, idle;
    create_key(f->s, "/registry/namespaces/a");        /* the committer's connection */
    store_reader_stats(f->s, &open, &idle);
    assert_int_equal(open, 0);
    assert_true(store_revision(f->s) > 0);             /* opens one */
    store_release_thread_connection(f->s);
    store_reader_stats(f->s, &open, &idle);
    assert_int_equal(open, 1);                         /* given back, kept idle */
    assert_int_equal(idle, 1);
    assert_true(store_revision(f->s) > 0);             /* takes the idle one */
    store_reader_stats(f->s, &open, &idle);
    assert_int_equal(open, 1);
    assert_int_equal(idle, 0);
    /* a list's callback reads on the connection the list holds, and giving
     * it back there is refused */
    int64_t rev = 0;
    assert_int_equal(store_list(f->s, "/registry/namespaces/", NULL, 0, release_inside_list, f->s, &rev),
                     STORE_OK);
    store_reader_stats(f->s, &open, &idle);
    assert_int_equal(open, 1);
    assert_int_equal(idle, 0);

    /* six threads reading at once take six connections (none waits); given
     * back (by three of them, by their exit for the others), only the idle
     * limit's worth stays open */
    store_set_idle_readers(f->s, 2);
    enum { READERS = 6 };
    pthread_barrier_t all_reading;
    pthread_barrier_init(&all_reading, NULL, READERS);
    pool_reader r[READERS];
    pthread_t t[READERS];
    for (int i = 0; i < READERS; i++) {
        r[i] = (pool_reader){.s = f->s, .all_reading = &all_reading, .exit_holding = i % 2};
        assert_int_equal(pthread_create(&t[i], NULL, read_then_give_back, &r[i]), 0);
    }
    for (int i = 0; i < READERS; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(r[i].rev, rev);
    }
    pthread_barrier_destroy(&all_reading);
    store_reader_stats(f->s, &open, &idle);
    assert_int_equal(idle, 2);
    assert_int_equal(open, 3);                         /* + the one this thread holds */

    /* a lower limit closes the idle ones at once */
    store_set_idle_readers(f->s, 0);
    store_reader_stats(f->s, &open, &idle);
    assert_int_equal(open, 1);
    assert_int_equal(idle, 0);
    store_release_thread_connection(f->s);
    store_reader_stats(f->s, &open, &idle);
    assert_int_equal(open, 0);
    assert_true(store_revision(f->s) > 0);             /* reads still open one */
}

/* ---- the background compactor ---- */

static void test_compactor_bounds_history_and_files(void **state)
{
    fixture *f = *state;
    store_close(f->s);
    f->s = store_open(f->path, STORE_SYNC_NORMAL, NULL);
    assert_non_null(f->s);
    store_compactor_opts o = {.interval_ms = 200, .max_revisions = 300, .tick_ms = 20};
    store_compactor *c = store_compactor_start(f->s, &o);
    assert_non_null(c);
    /* a second compactor on the same database stays idle (not the leader) */
    store *second = store_open(f->path, STORE_SYNC_NORMAL, NULL);
    store_compactor *c2 = store_compactor_start(second, &o);
    assert_non_null(c2);
    for (int i = 0; i < 20; i++) {
        char key[64];
        snprintf(key, sizeof key, "/registry/leases/ns/l%02d", i);
        create_key(f->s, key);
    }
    cJSON *obj = new_object("l");
    cJSON *data = cJSON_GetObjectItem(obj, "data");
    char big[2048];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    cJSON_AddStringToObject(data, "padding", big);
    for (int i = 0; i < 6000; i++) {
        char key[64];
        snprintf(key, sizeof key, "/registry/leases/ns/l%02d", i % 20);
        assert_int_equal(store_update_if_revision(f->s, key, obj, 0, NULL), STORE_OK);
    }
    cJSON_Delete(obj);
    /* a few ticks and an interval; on a loaded machine the compactor may
     * need longer: wait for it, up to 10 s, then judge */
    int64_t rev = 0, compacted = 0;
    store_file_stats st;
    for (int waited = 0; waited < 10000; waited += 100) {
        usleep(100000);
        rev = store_revision(f->s);
        compacted = store_compacted_revision(f->s);
        assert_int_equal(store_stat_files(f->s, &st), STORE_OK);
        if (waited >= 500 && rev - compacted <= 330 && st.log_rows <= 330 + 20 &&
            st.db_bytes < 4 * 1024 * 1024)
            break;
    }
    assert_true(rev - compacted <= 330);
    fprintf(stderr, "compactor: revision %lld, compacted %lld, %lld log rows, db %lld KiB, wal %lld KiB,"
            " %lld of %lld pages free\n", (long long)rev, (long long)compacted, st.log_rows,
            st.db_bytes / 1024, st.wal_bytes / 1024, st.free_pages, st.pages);
    assert_true(st.log_rows <= 330 + 20);
    /* 6000 writes of 2 KiB went through; about 350 rows and 20 objects stay */
    assert_true(st.db_bytes < 4 * 1024 * 1024);
    store_compactor_stop(c2);
    store_close(second);
    store_compactor_stop(c);
    /* time alone: after an interval without writes, history before it goes */
    store_compactor_opts timed = {.interval_ms = 100, .tick_ms = 10};
    c = store_compactor_start(f->s, &timed);
    create_key(f->s, "/registry/leases/ns/after");
    int64_t mark = store_revision(f->s);
    for (int waited = 0; waited < 10000 && store_compacted_revision(f->s) < mark; waited += 50)
        usleep(50000);                               /* an interval, or longer under load */
    assert_true(store_compacted_revision(f->s) >= mark);
    store_compactor_stop(c);
}

/* ---- migration ---- */

static void test_version_1_database_is_migrated(void **state)
{
    fixture *f = *state;
    store_close(f->s);
    const char *suffixes[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        char file[160];
        snprintf(file, sizeof file, "%s%s", f->path, suffixes[i]);
        unlink(file);
    }
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    const char *v1 =
        "PRAGMA journal_mode = WAL;"
        "CREATE TABLE kv (key TEXT PRIMARY KEY, create_rev INTEGER NOT NULL, mod_rev INTEGER NOT NULL, value TEXT NOT NULL);"
        "CREATE TABLE log (rev INTEGER PRIMARY KEY, key TEXT NOT NULL, type TEXT NOT NULL CHECK (type IN ('A','M','D')), value TEXT NOT NULL);"
        "CREATE TABLE meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);"
        "INSERT INTO meta VALUES ('revision', 7), ('compacted', 3);"
        "INSERT INTO kv VALUES ('/registry/namespaces/old', 2, 7, '{\"metadata\":{\"name\":\"old\",\"resourceVersion\":\"7\"}}');"
        "INSERT INTO log VALUES (7, '/registry/namespaces/old', 'M', '{\"metadata\":{\"name\":\"old\",\"resourceVersion\":\"7\"}}');"
        "PRAGMA user_version = 1;";
    assert_int_equal(sqlite3_exec(db, v1, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    f->s = store_open(f->path, STORE_SYNC_FULL, NULL);
    assert_non_null(f->s);
    assert_int_equal(store_revision(f->s), 7);
    assert_int_equal(store_compacted_revision(f->s), 7);   /* history starts now */
    store_kv kv;
    assert_int_equal(store_get(f->s, "/registry/namespaces/old", &kv), STORE_OK);
    store_kv_free(&kv);
    assert_int_equal(create_key(f->s, "/registry/namespaces/new"), 8);
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    sqlite3_stmt *st;
    /* the log rows name their predecessors; version 1's rows went */
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM pragma_table_info('log') WHERE name = 'prev_rev'",
                                        -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 1);
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*), max(prev_rev) FROM log", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 1);        /* the create at 8 only */
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 2);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* ---- concurrency ---- */

#define THREADS 16
#define CREATES_PER_THREAD 200

typedef struct writer_args {
    store *s;
    int id;
    int creates;
    int64_t *revs;
    int failures;
} writer_args;

static void *create_many(void *arg)
{
    writer_args *w = arg;
    for (int i = 0; i < w->creates; i++) {
        char key[80];
        snprintf(key, sizeof key, "/registry/configmaps/ns%d/cm%d", w->id, i);
        cJSON *obj = new_object("cm");
        int64_t rev = 0;
        if (store_create(w->s, key, obj, &rev) != STORE_OK || resource_version_of(obj) != rev)
            w->failures++;
        store_kv kv;   /* read back on this thread's own connection */
        if (store_get(w->s, key, &kv) != STORE_OK || kv.mod_rev != rev) w->failures++;
        store_kv_free(&kv);
        w->revs[i] = rev;
        cJSON_Delete(obj);
    }
    return NULL;
}

static int compare_revs(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void test_concurrent_creates_are_batched(void **state)
{
    fixture *f = *state;
    static int64_t revs[THREADS * CREATES_PER_THREAD];
    pthread_t threads[THREADS];
    writer_args args[THREADS];
    for (int t = 0; t < THREADS; t++) {
        args[t] = (writer_args){.s = f->s, .id = t, .creates = CREATES_PER_THREAD,
                                .revs = revs + t * CREATES_PER_THREAD};
        assert_int_equal(pthread_create(&threads[t], NULL, create_many, &args[t]), 0);
    }
    for (int t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
        assert_int_equal(args[t].failures, 0);
    }
    int total = THREADS * CREATES_PER_THREAD;
    qsort(revs, (size_t)total, sizeof *revs, compare_revs);
    for (int i = 0; i < total; i++) assert_int_equal(revs[i], i + 1);   /* unique, no gaps */
    assert_int_equal(store_revision(f->s), total);
    long count;
    assert_int_equal(store_count(f->s, "/registry/configmaps/", &count), STORE_OK);
    assert_int_equal(count, total);

    long commits, writes;
    store_stats(f->s, &commits, &writes);
    printf("group commit: %ld writes in %ld commits (%.1f writes per commit)\n",
           writes, commits, (double)writes / (double)commits);
    assert_int_equal(writes, total);
    assert_true(commits < writes);
}

#define PROCESSES 4
#define PROCESS_THREADS 4
#define PROCESS_CREATES 100
#define PROCESS_INCREMENTS 25
#define COUNTER_KEY "/registry/configmaps/default/counter"

/* Adds one to the counter object's data.n by compare-and-swap, retrying on
 * conflict; returns 0, or -1 on an error. */
static int increment_counter(store *s)
{
    for (;;) {
        store_kv kv;
        if (store_get(s, COUNTER_KEY, &kv) != STORE_OK) return -1;
        cJSON *obj = cJSON_Parse(kv.value);
        cJSON *n = cJSON_GetObjectItem(cJSON_GetObjectItem(obj, "data"), "n");
        cJSON_SetNumberValue(n, n->valuedouble + 1);
        store_rc rc = store_update_if_revision(s, COUNTER_KEY, obj, kv.mod_rev, NULL);
        cJSON_Delete(obj);
        store_kv_free(&kv);
        if (rc == STORE_OK) return 0;
        if (rc != STORE_CONFLICT) return -1;
    }
}

static void *process_thread(void *arg)
{
    writer_args *w = arg;
    create_many(w);
    for (int i = 0; i < PROCESS_INCREMENTS; i++)
        if (increment_counter(w->s) < 0) w->failures++;
    return NULL;
}

/* One forked child: its own store handle, several threads; exits 0 when all
 * its writes succeeded. */
static void child_writes(const char *path, int child)
{
    store *s = store_open(path, STORE_SYNC_FULL, NULL);
    if (!s) _exit(2);
    pthread_t threads[PROCESS_THREADS];
    writer_args args[PROCESS_THREADS];
    int64_t revs[PROCESS_THREADS][PROCESS_CREATES];
    for (int t = 0; t < PROCESS_THREADS; t++) {
        args[t] = (writer_args){.s = s, .id = child * 100 + t, .creates = PROCESS_CREATES,
                                .revs = revs[t]};
        if (pthread_create(&threads[t], NULL, process_thread, &args[t]) != 0) _exit(3);
    }
    int failures = 0;
    for (int t = 0; t < PROCESS_THREADS; t++) {
        pthread_join(threads[t], NULL);
        failures += args[t].failures;
    }
    long commits, writes;
    store_stats(s, &commits, &writes);
    dprintf(STDOUT_FILENO, "process %d: %ld writes in %ld commits\n", child, writes, commits);
    store_close(s);
    _exit(failures ? 1 : 0);
}

static void test_processes_write_one_file(void **state)
{
    fixture *f = *state;
    cJSON *counter = cJSON_Parse("{\"metadata\":{\"name\":\"counter\"},\"data\":{\"n\":0}}");
    assert_int_equal(store_create(f->s, COUNTER_KEY, counter, NULL), STORE_OK);
    cJSON_Delete(counter);
    store_close(f->s);   /* no handle crosses fork() */
    f->s = NULL;

    pid_t children[PROCESSES];
    fflush(stdout);   /* or each child would inherit, and could print, the buffer */
    for (int p = 0; p < PROCESSES; p++) {
        children[p] = fork();
        assert_true(children[p] >= 0);
        if (children[p] == 0) child_writes(f->path, p);
    }
    for (int p = 0; p < PROCESSES; p++) {
        int status = -1;
        assert_int_equal(waitpid(children[p], &status, 0), children[p]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }

    f->s = store_open(f->path, STORE_SYNC_FULL, NULL);
    assert_non_null(f->s);
    long creates = PROCESSES * PROCESS_THREADS * PROCESS_CREATES;
    long increments = PROCESSES * PROCESS_THREADS * PROCESS_INCREMENTS;
    long count;
    assert_int_equal(store_count(f->s, "/registry/configmaps/", &count), STORE_OK);
    assert_int_equal(count, creates + 1);
    assert_int_equal(store_revision(f->s), 1 + creates + increments);

    store_kv kv;
    assert_int_equal(store_get(f->s, COUNTER_KEY, &kv), STORE_OK);
    cJSON *obj = cJSON_Parse(kv.value);
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(obj, "data"), "n")->valueint, increments);
    cJSON_Delete(obj);
    store_kv_free(&kv);

    /* The log holds every revision exactly once. */
    static event_list page;
    int64_t after = 0;
    for (;;) {
        memset(&page, 0, sizeof page);
        assert_int_equal(store_events_since(f->s, after, 64, collect_event, &page), STORE_OK);
        if (page.n == 0) break;
        for (int i = 0; i < page.n; i++) assert_int_equal(page.revs[i], after + 1 + i);
        after += page.n;
    }
    assert_int_equal(after, 1 + creates + increments);
}

static void test_reopen_finds_the_data(void **state)
{
    fixture *f = *state;
    int64_t rev = create_key(f->s, "/registry/namespaces/kept");
    store_close(f->s);
    f->s = store_open(f->path, STORE_SYNC_FULL, NULL);
    assert_non_null(f->s);
    store_kv kv;
    assert_int_equal(store_get(f->s, "/registry/namespaces/kept", &kv), STORE_OK);
    assert_int_equal(kv.mod_rev, rev);
    store_kv_free(&kv);
    assert_int_equal(store_revision(f->s), rev);
    assert_true(create_key(f->s, "/registry/namespaces/next") > rev);

    /* The schema version is recorded; the journal is a WAL. */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 2);
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA auto_vacuum", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 2);          /* incremental */
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void test_open_reports_errors(void **state)
{
    const char *err = NULL;
    assert_null(store_open("/nonexistent-dir/kapi.db", STORE_SYNC_FULL, &err));
    assert_non_null(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_then_get, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_existing_key_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_adds_metadata_and_refuses_non_objects, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_checks_the_revision, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_checks_the_revision, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_stays_inside_the_prefix, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_pages_with_start_after_and_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_callback_may_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_revisions_increase_and_match_resource_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_events_since_in_order_with_deletes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compaction_drops_old_events_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_past_states_read_back_across_compactions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_history_keeps_a_compacted_current_row_once_rewritten, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_range_pages_and_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_change_notification_wakes_waiters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_hooks_run_first_in_reverse_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_connections_are_given_back_and_reused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compactor_bounds_history_and_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_version_1_database_is_migrated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_creates_are_batched, setup, teardown),
        cmocka_unit_test_setup_teardown(test_processes_write_one_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reopen_finds_the_data, setup, teardown),
        cmocka_unit_test(test_open_reports_errors),
    };
    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
