/* test_store_space.c: unit tests of the store's space handling
 * (fcgi/store/store_space.c): the quota refuses creates and updates with
 * STORE_NO_SPACE after their preconditions, reads and deletes go on, and
 * deletes plus compaction and vacuum bring writes back; the reserve file is
 * held, refilled when taken away, and a reserve that cannot be held (more
 * than the disk has) counts as a full disk, with deletes still committing.
 * The full disk itself (a small tmpfs) is tests/e2e/test_full_disk.sh. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kapi_test.h"
#include "store/store.h"

typedef struct fixture {
    char dir[64];
    char path[128];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f) return -1;
    *state = f;
    return test_store_dir_make(f->dir, sizeof f->dir, "space", f->path, sizeof f->path);
}

/* The store is closed by each test; its files (the -reserve too) and the
 * space defaults the test set go here. */
static int teardown(void **state)
{
    fixture *f = *state;
    int rc = test_store_dir_remove(f->dir);
    free(f);
    return rc;
}

static store *open_with(fixture *f, long long quota, long long reserve)
{
    store_space_opts o = {.quota_bytes = quota, .reserve_bytes = reserve};
    store_set_space_defaults(&o);
    const char *err = NULL;
    store *s = store_open(f->path, STORE_SYNC_NORMAL, &err);
    if (!s) fprintf(stderr, "store_open: %s\n", err);
    assert_non_null(s);
    return s;
}

/* A ConfigMap named name with bytes bytes of data. */
static cJSON *object_of_size(const char *name, size_t bytes)
{
    cJSON *obj = cJSON_CreateObject();
    cJSON_AddStringToObject(obj, "kind", "ConfigMap");
    cJSON *meta = cJSON_AddObjectToObject(obj, "metadata");
    cJSON_AddStringToObject(meta, "name", name);
    char *data = malloc(bytes + 1);
    assert_non_null(data);
    memset(data, 'x', bytes);
    data[bytes] = '\0';
    cJSON_AddStringToObject(cJSON_AddObjectToObject(obj, "data"), "d", data);
    free(data);
    return obj;
}

static store_rc create_sized(store *s, int i, size_t bytes)
{
    char key[64], name[32];
    snprintf(name, sizeof name, "cm-%d", i);
    snprintf(key, sizeof key, "/registry/configmaps/default/%s", name);
    cJSON *obj = object_of_size(name, bytes);
    store_rc rc = store_create(s, key, obj, NULL);
    cJSON_Delete(obj);
    return rc;
}

static store_rc update_sized(store *s, int i, size_t bytes, int64_t expected_rev)
{
    char key[64], name[32];
    snprintf(name, sizeof name, "cm-%d", i);
    snprintf(key, sizeof key, "/registry/configmaps/default/%s", name);
    cJSON *obj = object_of_size(name, bytes);
    store_rc rc = store_update_if_revision(s, key, obj, expected_rev, NULL);
    cJSON_Delete(obj);
    return rc;
}

static store_rc delete_one(store *s, int i)
{
    char key[64];
    snprintf(key, sizeof key, "/registry/configmaps/default/cm-%d", i);
    return store_delete_if_revision(s, key, 0, NULL, NULL);
}

static void test_quota_refuses_creates_and_updates_not_reads_or_deletes(void **state)
{
    fixture *f = *state;
    store *s = open_with(f, 512 * 1024, 0);
    assert_int_equal(store_space(s, NULL), STORE_SPACE_OK);

    int created = 0;
    store_rc rc = STORE_OK;
    while (created < 100 && (rc = create_sized(s, created, 20000)) == STORE_OK) created++;
    assert_int_equal(rc, STORE_NO_SPACE);
    assert_true(created >= 5);      /* 2 x 20 kB a create: about 12 fit */
    long long used = 0;
    assert_int_equal(store_space(s, &used), STORE_SPACE_QUOTA);
    assert_true(used >= 512 * 1024);
    assert_string_equal(store_space_describe(STORE_SPACE_QUOTA),
                        "etcdserver: mvcc: database space exceeded (the storage quota is reached)");

    /* preconditions are answered first, as before */
    assert_int_equal(create_sized(s, 0, 10), STORE_EXISTS);
    assert_int_equal(update_sized(s, 0, 10, 999999), STORE_CONFLICT);
    assert_int_equal(update_sized(s, 999, 10, 0), STORE_NOT_FOUND);
    /* then the quota */
    assert_int_equal(update_sized(s, 0, 10, 0), STORE_NO_SPACE);

    store_kv kv;
    assert_int_equal(store_get(s, "/registry/configmaps/default/cm-0", &kv), STORE_OK);
    store_kv_free(&kv);
    for (int i = 0; i < created; i++) assert_int_equal(delete_one(s, i), STORE_OK);

    /* the deletions' history still holds the objects: compaction and
     * vacuum give the pages back, and writes are accepted again */
    assert_int_equal(store_compact(s, store_revision(s)), STORE_OK);
    assert_int_equal(store_vacuum(s, 100000), STORE_OK);
    assert_int_equal(store_space(s, NULL), STORE_SPACE_OK);
    assert_int_equal(create_sized(s, 1000, 20000), STORE_OK);
    store_close(s);
}

static void test_quota_applies_to_a_batch_as_it_goes(void **state)
{
    fixture *f = *state;
    store *s = open_with(f, 256 * 1024, 0);
    /* one write may take the pages in use past the quota (etcd checks
     * before the write); the next is refused */
    assert_int_equal(create_sized(s, 0, 200000), STORE_OK);
    assert_int_equal(create_sized(s, 1, 100), STORE_NO_SPACE);
    store_close(s);
}

static void test_reserve_is_held_and_refilled(void **state)
{
    fixture *f = *state;
    store *s = open_with(f, 0, 1 << 20);
    char reserve[160];
    test_store_reserve_path(reserve, sizeof reserve, f->dir);
    struct stat st;
    assert_int_equal(stat(reserve, &st), 0);
    assert_true((long long)st.st_blocks * 512 >= 1 << 20);   /* allocated, not sparse */
    assert_int_equal(store_space(s, NULL), STORE_SPACE_OK);

    /* taken away (as a full disk would): refilled at the next look */
    assert_int_equal(truncate(reserve, 0), 0);
    assert_int_equal(store_space(s, NULL), STORE_SPACE_OK);
    assert_int_equal(stat(reserve, &st), 0);
    assert_true((long long)st.st_blocks * 512 >= 1 << 20);
    assert_int_equal(create_sized(s, 0, 100), STORE_OK);
    store_close(s);
}

static void test_a_reserve_that_cannot_be_held_is_a_full_disk(void **state)
{
    fixture *f = *state;
    store *s = open_with(f, 0, 0);
    assert_int_equal(create_sized(s, 0, 100), STORE_OK);
    assert_int_equal(create_sized(s, 1, 100), STORE_OK);
    store_close(s);

    s = open_with(f, 0, 1LL << 60);       /* more than any disk has */
    assert_int_equal(store_space(s, NULL), STORE_SPACE_DISK);
    assert_string_equal(store_space_describe(STORE_SPACE_DISK),
                        "etcdserver: mvcc: database space exceeded (the disk is full)");
    assert_int_equal(create_sized(s, 2, 100), STORE_NO_SPACE);
    assert_int_equal(update_sized(s, 0, 100, 0), STORE_NO_SPACE);
    assert_int_equal(delete_one(s, 0), STORE_OK);
    store_kv kv;
    assert_int_equal(store_get(s, "/registry/configmaps/default/cm-1", &kv), STORE_OK);
    store_kv_free(&kv);
    assert_int_equal(store_compact(s, store_revision(s)), STORE_OK);
    store_close(s);

    /* the usual reserve again: writes are back */
    s = open_with(f, 0, 1 << 20);
    assert_int_equal(store_space(s, NULL), STORE_SPACE_OK);
    assert_int_equal(create_sized(s, 3, 100), STORE_OK);
    store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_quota_refuses_creates_and_updates_not_reads_or_deletes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quota_applies_to_a_batch_as_it_goes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reserve_is_held_and_refilled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_reserve_that_cannot_be_held_is_a_full_disk, setup, teardown),
    };
    return cmocka_run_group_tests_name("store_space", tests, NULL, NULL);
}
