/* kapi_test.h: what the unit tests that run the whole pipeline in-process
 * share, instead of a copy in each: a store in a temporary directory (its
 * space -reserve file too), the admin user (kubectl's
 * kubernetes-admin, group system:masters), and one
 * call helper over the in-process client (http/client.h) that keeps an
 * answer's status, text, parsed body and Warning headers, and readers of
 * an answer's values by codec/jsonpath's indexed paths. Header only:
 * each test is one program. */
#ifndef KAPI_TEST_H
#define KAPI_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include "codec/jsonpath.h"
#include "core/kapi.h"
#include "http/client.h"
#include "server/bootstrap.h"
#include "store/store.h"

static const kapi_user admin = {.name = "kubernetes-admin",
                                .groups = {"system:masters", "system:authenticated"},
                                .n_groups = 2};

/* ---- a store in a temporary directory */

/* The space reserve a store at <dir>/kapi.db keeps while reserve_bytes > 0
 * (store/store_space.c): <dir>/kapi.db-reserve, that much allocated disk. */
static inline void test_store_reserve_path(char *out, size_t out_size, const char *dir)
{
    snprintf(out, out_size, "%s/kapi.db-reserve", dir);
}

/* Makes /tmp/kapi-test-<name>-XXXXXX (into dir) and puts the store's path
 * there, <dir>/kapi.db, into path. Returns 0, or -1. */
static inline int test_store_dir_make(char *dir, size_t dir_size, const char *name, char *path, size_t path_size)
{
    if ((size_t)snprintf(dir, dir_size, "/tmp/kapi-test-%s-XXXXXX", name) >= dir_size || !mkdtemp(dir)) return -1;
    return (size_t)snprintf(path, path_size, "%s/kapi.db", dir) < path_size ? 0 : -1;
}

/* Removes dir with a closed store's files in it (kapi.db, -wal, -shm, the
 * lock files, the -reserve) and whatever else a test put there (a pki/),
 * and puts the process's space defaults back (no quota, no reserve) for the
 * next store a test opens. Returns 0, or -1. */
static inline int test_store_dir_remove(const char *dir)
{
    store_space_opts defaults = {0, 0};
    store_set_space_defaults(&defaults);
    char cmd[600];
    if ((size_t)snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir) >= sizeof cmd) return -1;
    return system(cmd) == 0 ? 0 : -1;
}

/* Makes /tmp/kapi-test-<name>-XXXXXX (into dir), opens kapi.db there and
 * points ctx at both. Returns 0, or -1. */
static inline int test_store_open(kapi_ctx *ctx, char *dir, size_t dir_size, const char *name)
{
    char path[600];
    if (test_store_dir_make(dir, dir_size, name, path, sizeof path)) return -1;
    const char *err;
    ctx->store = store_open(path, STORE_SYNC_NORMAL, &err);
    ctx->state_dir = dir;
    return ctx->store ? 0 : -1;
}

/* Closes the store and removes its files and the directory. Returns 0, or -1. */
static inline int test_store_remove(kapi_ctx *ctx, const char *dir)
{
    store_close(ctx->store);
    ctx->store = NULL;
    return test_store_dir_remove(dir);
}

/* cmocka's group setup and teardown of a suite that runs against one
 * bootstrapped store (the program's static ctx and dir) from start to end:
 * setup opens it in /tmp/kapi-test-<name>-XXXXXX and bootstraps it,
 * teardown removes it. */
#define TEST_GROUP_STORE(name)                                                   \
    static int setup(void **state)                                               \
    {                                                                            \
        (void)state;                                                             \
        if (test_store_open(&ctx, dir, sizeof dir, name)) return -1;             \
        return bootstrap_ensure(&ctx);                                           \
    }                                                                            \
    static int teardown(void **state)                                            \
    {                                                                            \
        (void)state;                                                             \
        return test_store_remove(&ctx, dir);                                     \
    }

/* ---- one request */

typedef struct test_result {
    int status;
    cJSON *body;             /* the answer parsed, or NULL: the test deletes it */
    char text[16384];        /* the answer as sent (cut at 16 KiB) */
    char warnings[4096];     /* the Warning headers, one a line */
    int n_warnings;
} test_result;

/* Sends rq (its user defaults to admin) through the in-process client. */
static inline test_result test_call(kapi_ctx *ctx, kapi_call_request rq)
{
    test_result r = {0};
    if (!rq.user) rq.user = &admin;
    kapi_reply reply;
    r.status = kapi_call(ctx, &rq, &reply);
    snprintf(r.text, sizeof r.text, "%.*s", (int)reply.len, reply.text);
    r.body = kapi_reply_take_json(&reply);
    size_t o = 0;
    for (int i = 0; i < reply.n_headers; i++)
        if (!strcasecmp(reply.headers[i].name, "Warning") && o < sizeof r.warnings) {
            o += (size_t)snprintf(r.warnings + o, sizeof r.warnings - o, "%s\n", reply.headers[i].value);
            r.n_warnings++;
        }
    kapi_reply_free(&reply);
    return r;
}

/* ---- reading an answer: paths as codec/jsonpath's json_at_indexed reads
 * them ("spec.containers[0].image") */

/* The string at path, or "" when it is not a string. */
static inline const char *test_str_at(const cJSON *v, const char *path)
{
    const cJSON *s = json_at_indexed(v, path);
    return cJSON_IsString(s) ? s->valuestring : "";
}

/* The number at path, or absent when it is not a number. */
static inline double test_num_at(const cJSON *v, const char *path, double absent)
{
    const cJSON *n = json_at_indexed(v, path);
    return cJSON_IsNumber(n) ? n->valuedouble : absent;
}

#endif
