/* sqlite-commit.c: the write baseline for `make bench`: SQLite's rate of
 * single-row commits at kapi's durability setting (journal_mode=WAL,
 * synchronous=FULL: every commit fsyncs the WAL), one thread, 1 KiB values,
 * one INSERT per transaction, into a table shaped like kapi's kv table.
 *
 *   sqlite-commit DB-PATH [SECONDS] [VALUE-BYTES]
 *
 * The database (and its -wal/-shm) is created fresh and removed at the end;
 * put it on the filesystem kapi's state is on. Prints one line:
 *   commits=N seconds=S rate=R p50_ms=X p99_ms=Y */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void rm_db(const char *path)
{
    char p[4200];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path); unlink(p);
    snprintf(p, sizeof p, "%s-shm", path); unlink(p);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: sqlite-commit DB-PATH [SECONDS] [VALUE-BYTES]\n");
        return 2;
    }
    const char *path = argv[1];
    double secs = argc > 2 ? atof(argv[2]) : 5;
    int vlen = argc > 3 ? atoi(argv[3]) : 1024;
    if (secs <= 0 || vlen < 1) return 2;
    rm_db(path);
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK) {
        fprintf(stderr, "sqlite-commit: %s: %s\n", path, sqlite3_errmsg(db));
        return 1;
    }
    char *err = NULL;
    if (sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                         "CREATE TABLE kv (key TEXT PRIMARY KEY, create_rev INTEGER NOT NULL,"
                         " mod_rev INTEGER NOT NULL, value TEXT NOT NULL);",
                     NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "sqlite-commit: %s\n", err);
        return 1;
    }
    sqlite3_stmt *ins, *begin, *commit;
    sqlite3_prepare_v2(db, "INSERT INTO kv (key, create_rev, mod_rev, value) VALUES (?, ?, ?, ?)",
                       -1, &ins, NULL);
    sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, NULL);
    sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL);
    char *value = malloc((size_t)vlen + 1);
    for (int i = 0; i < vlen; i++) value[i] = (char)('a' + i % 26);
    value[vlen] = 0;

    size_t cap = 1 << 16, n = 0;
    double *lat = malloc(cap * sizeof *lat);
    double t0 = now(), t = t0;
    while (t - t0 < secs) {
        char key[96];
        snprintf(key, sizeof key, "/registry/configmaps/bench/cm-%09zu", n);
        double s = t;
        sqlite3_step(begin); sqlite3_reset(begin);
        sqlite3_bind_text(ins, 1, key, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 2, (sqlite3_int64)n + 1);
        sqlite3_bind_int64(ins, 3, (sqlite3_int64)n + 1);
        sqlite3_bind_text(ins, 4, value, vlen, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            fprintf(stderr, "sqlite-commit: insert: %s\n", sqlite3_errmsg(db));
            return 1;
        }
        sqlite3_reset(ins);
        if (sqlite3_step(commit) != SQLITE_DONE) {
            fprintf(stderr, "sqlite-commit: commit: %s\n", sqlite3_errmsg(db));
            return 1;
        }
        sqlite3_reset(commit);
        t = now();
        if (n == cap) lat = realloc(lat, (cap *= 2) * sizeof *lat);
        lat[n++] = t - s;
    }
    double el = t - t0;
    qsort(lat, n, sizeof *lat, cmp);
    printf("commits=%zu seconds=%.2f rate=%.1f p50_ms=%.3f p99_ms=%.3f\n", n, el, (double)n / el,
           lat[n / 2] * 1e3, lat[(size_t)((double)n * 0.99)] * 1e3);
    sqlite3_finalize(ins); sqlite3_finalize(begin); sqlite3_finalize(commit);
    sqlite3_close(db);
    rm_db(path);
    free(lat); free(value);
    return 0;
}
