/* test_util_memory.c: the request pool (core/pool.c: arena allocation,
 * cleanup hooks run in reverse order, cJSON trees and buffers that die
 * with the pool), kapi_buf_read_file, the allocation wrappers
 * (core/alloc.c) and the string map (core/hashmap.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "core/alloc.h"
#include "core/hashmap.h"
#include "core/kapi.h"

static void test_pool_allocations(void **state)
{
    (void)state;
    kapi_pool *p = kapi_pool_new();
    for (size_t n = 0; n < 3000; n += 7) {
        unsigned char *m = kapi_palloc(p, n);
        assert_int_equal((uintptr_t)m % _Alignof(max_align_t), 0);
        for (size_t i = 0; i < n; i++) assert_int_equal(m[i], 0);   /* zeroed */
        memset(m, 0xab, n);
    }
    unsigned char *big = kapi_palloc(p, 1 << 20);                    /* a block of its own */
    assert_int_equal(big[0] | big[(1 << 20) - 1], 0);
    memset(big, 1, 1 << 20);
    char *small = kapi_palloc(p, 16);                                  /* still from the arena */
    assert_int_equal(small[0], 0);
    assert_string_equal(kapi_pstrdup(p, "hello"), "hello");
    assert_null(kapi_pstrdup(p, NULL));
    assert_string_equal(kapi_pstrndup(p, "hello", 3), "hel");
    assert_string_equal(kapi_psprintf(p, "%s-%d", "a", 7), "a-7");
    char longer[1000];
    memset(longer, 'x', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    char *s = kapi_psprintf(p, "<%s>", longer);
    assert_int_equal(strlen(s), 1001);
    assert_int_equal(s[1000], '>');
    kapi_pool_free(p);
    kapi_pool_free(NULL);
}

static char order[16];
static size_t order_len;

static void note(void *arg)
{
    order[order_len++] = *(const char *)arg;
}

static void test_pool_cleanup_hooks(void **state)
{
    (void)state;
    order_len = 0;
    kapi_pool *p = kapi_pool_new();
    static const char a = 'a', b = 'b', c = 'c';
    kapi_pool_on_cleanup(p, note, (void *)&a);
    kapi_pool_on_cleanup(p, note, (void *)&b);
    /* a tree, a malloc'd string and a buffer die with the pool (the test
     * runs under the sanitizers' leak check in `make sanitize`) */
    cJSON *tree = kapi_pool_keep_json(p, cJSON_Parse("{\"a\":[1,2,3]}"));
    assert_non_null(tree);
    kapi_pool_keep_ptr(p, kapi_xstrdup("owned"));
    kapi_buf *buf = kapi_pool_buf(p);
    kapi_buf_puts(buf, "some text");
    assert_string_equal(buf->data, "some text");
    kapi_pool_on_cleanup(p, note, (void *)&c);
    assert_int_equal(order_len, 0);
    kapi_pool_free(p);
    assert_int_equal(order_len, 3);
    assert_memory_equal(order, "cba", 3);        /* reverse order of registration */
}

/* kapi_buf_read_file appends a whole file, one larger than its 4 KiB read
 * included; a missing file and a directory are -1. */
static void test_buf_read_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/kapi-buf-read-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    kapi_buf b;
    kapi_buf_init(&b);

    snprintf(path, sizeof path, "%s/missing", dir);
    assert_int_equal(kapi_buf_read_file(&b, path), -1);
    assert_int_equal(b.len, 0);

    snprintf(path, sizeof path, "%s/empty", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(kapi_buf_read_file(&b, path), 0);
    assert_int_equal(b.len, 0);

    /* 10000 bytes: two full reads and a short one; appended after "<" */
    kapi_buf_puts(&b, "<");
    snprintf(path, sizeof path, "%s/large", dir);
    f = fopen(path, "wb");
    assert_non_null(f);
    for (int i = 0; i < 10000; i++) fputc('a' + i % 26, f);
    fclose(f);
    assert_int_equal(kapi_buf_read_file(&b, path), 0);
    assert_int_equal(b.len, 10001);
    assert_int_equal(b.data[0], '<');
    for (int i = 0; i < 10000; i++) assert_int_equal(b.data[1 + i], 'a' + i % 26);
    assert_int_equal(unlink(path), 0);

    assert_int_equal(kapi_buf_read_file(&b, dir), -1);   /* fopen succeeds, the read fails (EISDIR) */
    assert_int_equal(b.len, 10001);

    kapi_buf_free(&b);
    snprintf(path, sizeof path, "%s/empty", dir);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
}

static void test_alloc_wrappers(void **state)
{
    (void)state;
    char *s = kapi_xstrndup("abcdef", 3);
    assert_string_equal(s, "abc");
    free(s);
    s = kapi_xstrndup("ab", 10);
    assert_string_equal(s, "ab");
    free(s);
    assert_null(kapi_xstrdup(NULL));
    s = kapi_xsprintf("%d-%s", 42, "x");
    assert_string_equal(s, "42-x");
    free(s);
    int *z = kapi_xcalloc(10, sizeof *z);
    for (int i = 0; i < 10; i++) assert_int_equal(z[i], 0);
    z = kapi_xrealloc(z, 1000 * sizeof *z);
    z[999] = 1;
    free(z);
    free(kapi_xmalloc(0));
    kapi_buf b;
    kapi_buf_init(&b);
    assert_int_equal(kapi_buf_printf(&b, "%0300d", 5), 0);
    assert_int_equal(b.len, 300);
    char *stolen = kapi_buf_steal(&b);
    assert_int_equal(strlen(stolen), 300);
    free(stolen);
    stolen = kapi_buf_steal(&b);                   /* an empty buffer steals as "" */
    assert_string_equal(stolen, "");
    free(stolen);
}

static void sum_values(const char *key, void *value, void *arg)
{
    (void)key;
    *(long *)arg += (long)(intptr_t)value;
}

static void test_strmap(void **state)
{
    (void)state;
    strmap *m = strmap_new();
    assert_null(strmap_get(m, "a"));
    assert_int_equal(strmap_put(m, "a", (void *)1), 0);
    assert_int_equal(strmap_put(m, "a", (void *)2), 0);          /* replaces */
    assert_ptr_equal(strmap_get(m, "a"), (void *)2);
    assert_int_equal(strmap_count(m), 1);
    char key[32];
    for (long i = 1; i <= 5000; i++) {
        snprintf(key, sizeof key, "key-%ld", i);
        strmap_put(m, key, (void *)(intptr_t)i);
    }
    assert_int_equal(strmap_count(m), 5001);
    for (long i = 1; i <= 5000; i += 2) {
        snprintf(key, sizeof key, "key-%ld", i);
        assert_ptr_equal(strmap_remove(m, key), (void *)(intptr_t)i);
    }
    assert_null(strmap_remove(m, "key-1"));
    assert_int_equal(strmap_count(m), 2501);
    for (long i = 1; i <= 5000; i++) {               /* tombstones are reused */
        snprintf(key, sizeof key, "key-%ld", i);
        if (i % 2) strmap_put(m, key, (void *)(intptr_t)i);
        assert_ptr_equal(strmap_get(m, key), (void *)(intptr_t)i);
    }
    long sum = 0;
    strmap_each(m, sum_values, &sum);
    assert_int_equal(sum, 5000L * 5001 / 2 + 2);
    assert_int_equal(strmap_put(NULL, "x", NULL), -1);
    assert_null(strmap_get(NULL, "x"));
    strmap_free(m, NULL);

    /* a borrowing map keeps the caller's key pointers; values are freed */
    strmap *b = strmap_new_borrowing();
    const char *name = "member";
    strmap_put(b, name, kapi_xstrdup("v1"));
    free(strmap_remove(b, "member"));
    strmap_put(b, name, kapi_xstrdup("v2"));
    assert_string_equal(strmap_get(b, "member"), "v2");
    strmap_free(b, free);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pool_allocations),
        cmocka_unit_test(test_pool_cleanup_hooks),
        cmocka_unit_test(test_buf_read_file),
        cmocka_unit_test(test_alloc_wrappers),
        cmocka_unit_test(test_strmap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
