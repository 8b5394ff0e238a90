/* load-objects.c: fills a kapi database with ConfigMaps fast, through the
 * store API (libkapi.a), for the memory benchmark of `make bench`. The
 * objects look like ones the API server stores for `kubectl create
 * configmap` (apiVersion, kind, metadata with namespace, uid,
 * creationTimestamp and a label, three data keys); the store assigns their
 * resourceVersions. It may run while kapi-apiserver serves the same database
 * (the store's writers share a lock file); the server reads them from SQLite
 * with no restart.
 *
 *   load-objects --db STATE/kapi.db --count N [--namespaces K]
 *                [--prefix NS-PREFIX] [--threads T] [--sync full|normal]
 *
 * Objects go to namespaces PREFIX-0 .. PREFIX-(K-1) (default bench-mem-*,
 * K = 100), named cm-NNNNNNN, round robin; the namespaces themselves must be
 * created by the caller (through the API). T threads (default 64) write at
 * once so that group commit batches them; --sync normal (the default here:
 * this is benchmark data) skips the fsync per commit. Existing keys are
 * skipped, so a rerun completes a partial load. Prints one summary line. */
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cjson/cJSON.h>

#include "core/util.h"
#include "store/store.h"

static store *g_store;
static long g_count, g_namespaces;
static const char *g_prefix = "bench-mem";
static atomic_long g_next, g_created, g_existing, g_failed;

static void *loader(void *arg)
{
    (void)arg;
    char ts[21];
    time_rfc3339(time(NULL), ts);
    for (;;) {
        long i = atomic_fetch_add(&g_next, 1);
        if (i >= g_count) break;
        char ns[128], name[64], key[256], uid[37], v[64];
        snprintf(ns, sizeof ns, "%s-%ld", g_prefix, i % g_namespaces);
        snprintf(name, sizeof name, "cm-%07ld", i);
        snprintf(key, sizeof key, "/registry/configmaps/%s/%s", ns, name);
        uuid_v4(uid);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "kind", "ConfigMap");
        cJSON_AddStringToObject(o, "apiVersion", "v1");
        cJSON *m = cJSON_AddObjectToObject(o, "metadata");
        cJSON_AddStringToObject(m, "name", name);
        cJSON_AddStringToObject(m, "namespace", ns);
        cJSON_AddStringToObject(m, "uid", uid);
        cJSON_AddStringToObject(m, "creationTimestamp", ts);
        cJSON *l = cJSON_AddObjectToObject(m, "labels");
        cJSON_AddStringToObject(l, "app", "bench");
        cJSON *d = cJSON_AddObjectToObject(o, "data");
        snprintf(v, sizeof v, "value-%ld", i);
        cJSON_AddStringToObject(d, "key", v);
        cJSON_AddStringToObject(d, "mode", "production");
        cJSON_AddStringToObject(d, "settings.properties",
                                "color.good=purple\ncolor.bad=yellow\nallow.textmode=true\n"
                                "how.nice.to.look=fairlyNice\n");
        store_rc rc = store_create(g_store, key, o, NULL);
        cJSON_Delete(o);
        if (rc == STORE_OK) atomic_fetch_add(&g_created, 1);
        else if (rc == STORE_EXISTS) atomic_fetch_add(&g_existing, 1);
        else atomic_fetch_add(&g_failed, 1);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    const char *db = NULL;
    int threads = 64;
    store_sync sync = STORE_SYNC_NORMAL;
    g_namespaces = 100;
    static const struct option lo[] = {
        { "db", required_argument, NULL, 'd' }, { "count", required_argument, NULL, 'c' },
        { "namespaces", required_argument, NULL, 'n' }, { "prefix", required_argument, NULL, 'p' },
        { "threads", required_argument, NULL, 't' }, { "sync", required_argument, NULL, 's' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'c': g_count = atol(optarg); break;
        case 'n': g_namespaces = atol(optarg); break;
        case 'p': g_prefix = optarg; break;
        case 't': threads = atoi(optarg); break;
        case 's': sync = strcmp(optarg, "full") ? STORE_SYNC_NORMAL : STORE_SYNC_FULL; break;
        default: return 2;
        }
    }
    if (!db || g_count < 0 || g_namespaces < 1 || threads < 1 || threads > 4096) {
        fprintf(stderr, "usage: load-objects --db PATH --count N [--namespaces K] [--prefix P] "
                        "[--threads T] [--sync full|normal]\n");
        return 2;
    }
    const char *err = NULL;
    g_store = store_open(db, sync, &err);
    if (!g_store) {
        fprintf(stderr, "load-objects: %s: %s\n", db, err ? err : "cannot open");
        return 1;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pthread_t *t = calloc((size_t)threads, sizeof *t);
    for (int i = 0; i < threads; i++) pthread_create(&t[i], NULL, loader, NULL);
    for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long commits = 0, writes = 0;
    store_stats(g_store, &commits, &writes);
    store_close(g_store);
    double el = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("load-objects: created=%ld existing=%ld failed=%ld seconds=%.1f rate=%.0f/s "
           "commits=%ld writes/commit=%.1f\n",
           atomic_load(&g_created), atomic_load(&g_existing), atomic_load(&g_failed), el,
           (double)atomic_load(&g_created) / (el > 0 ? el : 1), commits,
           commits ? (double)writes / (double)commits : 0.0);
    free(t);
    return atomic_load(&g_failed) ? 1 : 0;
}
