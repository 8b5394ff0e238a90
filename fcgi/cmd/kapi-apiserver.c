/* kapi-apiserver: the FastCGI worker pool behind nginx.
 *
 *   kapi-apiserver --state DIR [--socket PATH] [--watch-socket PATH]
 *                  [--workers N] [--threads N] [--watch-threads N]
 *                  [--pidfile FILE] [--sync full|normal]
 *                  [--socket-group GROUP] [--socket-mode OCTAL]
 *                  [--etcd-compaction-interval DURATION] [--max-history-revisions N]
 *                  [--max-requests-inflight N] [--max-mutating-requests-inflight N]
 *                  [--quota-backend-bytes N]
 *
 * Parses the options and hands over to the master (fcgi/server/master.c). */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <errno.h>

#include "auth/oidc.h"
#include "http/audit.h"
#include "registry/kinds/customresources.h"
#include "core/alloc.h"
#include "core/gotime.h"
#include "schema/schema.h"
#include "server/server.h"

static void usage(FILE *f)
{
    fputs("usage: kapi-apiserver --state DIR [options]\n"
          "  --state DIR            state directory (kapi.db, run/); created by `kapictl init`\n"
          "  --socket PATH          FastCGI socket for API requests (default DIR/run/api.sock)\n"
          "  --watch-socket PATH    FastCGI socket for watches (default DIR/run/watch.sock)\n"
          "  --workers N            worker processes (default 2)\n"
          "  --threads N            requests served at once per worker (default 16)\n"
          "  --watch-threads N      watches at once per worker (default 512; a watch holds a\n"
          "                         thread); one more gets 429 Too Many Requests at once\n"
          "  --max-requests-inflight N  read-only requests executing at once in the whole pool\n"
          "                         (default: 2/3 of workers x threads, kube's 400 of 600)\n"
          "  --max-mutating-requests-inflight N  mutating requests executing at once in the\n"
          "                         pool (default: the other 1/3, kube's 200 of 600); beyond\n"
          "                         the limits requests queue fairly per user, then get 429\n"
          "  --pidfile FILE         write the master's pid here\n"
          "  --sync full|normal     full (default): a write that returned survives power loss;\n"
          "                         normal: faster, the last commits may be lost on power loss\n"
          "  --socket-group GROUP   group of the sockets (e.g. the nginx worker's group)\n"
          "  --socket-mode OCTAL    permissions of the sockets (default 0660; the sockets\n"
          "                         carry trusted identity params: keep them private to nginx)\n"          "  --etcd-compaction-interval DURATION  history kept for watches and continue\n"
          "                         tokens: compacted every DURATION to the revision of one\n"
          "                         DURATION before (default 5m; 0 disables; e.g. 90s, 10m)\n"
          "  --max-history-revisions N  and at most N revisions (default 100000; 0: no cap)\n"
          "  --quota-backend-bytes N  storage quota, as etcd's: creates and updates are refused\n"
          "                         (\"etcdserver: mvcc: database space exceeded\") once the\n"
          "                         database's pages in use reach N bytes; deletes still work\n"
          "                         (default 2147483648, 2 GiB, etcd's default; 0: the default)\n"
          "SIGTERM or SIGINT stops the workers and exits 0.\n", f);
}

static int parse_int(const char *s, int lo, int hi, const char *what, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) {
        fprintf(stderr, "kapi-apiserver: %s must be an integer in %d..%d\n", what, lo, hi);
        return -1;
    }
    *out = (int)v;
    return 0;
}

/* A Go duration (time.ParseDuration: 1h, 5m, 90s, 500ms, 1m30s, 0) in
 * milliseconds; 0, or -1 when malformed, negative or above a day. */
static int parse_duration_ms(const char *s, long *out)
{
    int64_t ns;
    if (!duration_parse(s, strlen(s), &ns, NULL, 0) || ns < 0 || ns > 86400LL * 1000000000LL) return -1;
    *out = (long)(ns / 1000000);
    return 0;
}

int main(int argc, char **argv)
{
    kapi_alloc_init();      /* the out-of-memory policy, cJSON included */
    crd_kinds_provider_register();   /* the kinds CustomResourceDefinitions define */
    enum { O_STATE = 1, O_SOCKET, O_WATCH, O_WORKERS, O_THREADS, O_WTHREADS,
           O_PIDFILE, O_SYNC, O_GROUP, O_MODE, O_COMPACTION, O_HISTORY,
           O_MAX_INFLIGHT, O_MAX_MUTATING, O_QUOTA, O_HELP };
    static const struct option longopts[] = {
        { "state", required_argument, NULL, O_STATE },
        { "socket", required_argument, NULL, O_SOCKET },
        { "watch-socket", required_argument, NULL, O_WATCH },
        { "workers", required_argument, NULL, O_WORKERS },
        { "threads", required_argument, NULL, O_THREADS },
        { "watch-threads", required_argument, NULL, O_WTHREADS },
        { "pidfile", required_argument, NULL, O_PIDFILE },
        { "sync", required_argument, NULL, O_SYNC },
        { "socket-group", required_argument, NULL, O_GROUP },
        { "socket-mode", required_argument, NULL, O_MODE },
        { "etcd-compaction-interval", required_argument, NULL, O_COMPACTION },
        { "max-history-revisions", required_argument, NULL, O_HISTORY },
        { "max-requests-inflight", required_argument, NULL, O_MAX_INFLIGHT },
        { "max-mutating-requests-inflight", required_argument, NULL, O_MAX_MUTATING },
        { "quota-backend-bytes", required_argument, NULL, O_QUOTA },
        { "help", no_argument, NULL, O_HELP },
        { NULL, 0, NULL, 0 },
    };
    kapi_server_opts o = {
        .workers = 2, .threads = 16, .watch_threads = 512,
        .compaction_interval_ms = 300000, .max_history_revisions = 100000,
        .sync = STORE_SYNC_FULL, .socket_mode = 0660,
    };
    /* The store's space: the quota, and a reserve so that deletes commit
     * on a full disk (fcgi/store/store_space.c). */
    store_space_opts space = {.quota_bytes = STORE_DEFAULT_QUOTA_BYTES,
                              .reserve_bytes = STORE_DEFAULT_RESERVE_BYTES};
    const char *state = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case O_STATE: state = optarg; break;
        case O_SOCKET: o.api_socket = optarg; break;
        case O_WATCH: o.watch_socket = optarg; break;
        case O_WORKERS: if (parse_int(optarg, 1, 64, "--workers", &o.workers)) return 2; break;
        case O_THREADS: if (parse_int(optarg, 1, 1024, "--threads", &o.threads)) return 2; break;
        case O_WTHREADS: if (parse_int(optarg, 1, 4096, "--watch-threads", &o.watch_threads)) return 2; break;
        case O_PIDFILE: o.pidfile = optarg; break;
        case O_SYNC:
            if (!strcmp(optarg, "full")) o.sync = STORE_SYNC_FULL;
            else if (!strcmp(optarg, "normal")) o.sync = STORE_SYNC_NORMAL;
            else { fprintf(stderr, "kapi-apiserver: --sync must be full or normal\n"); return 2; }
            break;
        case O_GROUP: o.socket_group = optarg; break;
        case O_MODE: {
            char *end;
            long m = strtol(optarg, &end, 8);
            if (end == optarg || *end || m < 0 || m > 0777) {
                fprintf(stderr, "kapi-apiserver: --socket-mode must be octal, e.g. 0660\n");
                return 2;
            }
            o.socket_mode = (mode_t)m;
            break;
        }
        case O_COMPACTION:
            if (parse_duration_ms(optarg, &o.compaction_interval_ms)) {
                fprintf(stderr, "kapi-apiserver: --etcd-compaction-interval must be a duration such as 5m, 90s or 0\n");
                return 2;
            }
            break;
        case O_HISTORY: {
            int n;
            if (parse_int(optarg, 0, 2000000000, "--max-history-revisions", &n)) return 2;
            o.max_history_revisions = n;
            break;
        }
        case O_MAX_INFLIGHT:
            if (parse_int(optarg, 1, 100000, "--max-requests-inflight", &o.max_requests_inflight)) return 2;
            break;
        case O_MAX_MUTATING:
            if (parse_int(optarg, 1, 100000, "--max-mutating-requests-inflight",
                          &o.max_mutating_requests_inflight)) return 2;
            break;
        case O_QUOTA: {
            char *end;
            errno = 0;
            long long q = strtoll(optarg, &end, 10);
            if (errno || end == optarg || *end || q < 0) {
                fprintf(stderr, "kapi-apiserver: --quota-backend-bytes must be a number of bytes (0: the default)\n");
                return 2;
            }
            space.quota_bytes = q;
            break;
        }
        case O_HELP: usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc || !state) {
        usage(stderr);
        return 2;
    }

    /* Absolute state path: the workers and log lines use it as given. */
    char *abs = realpath(state, NULL);
    if (!abs) {
        fprintf(stderr, "kapi-apiserver: state directory %s: %s (run `kapictl init` first)\n",
                state, strerror(errno));
        return 1;
    }
    o.state_dir = abs;

    char *api = NULL, *watch = NULL;
    if (!o.api_socket || !o.watch_socket) {
        char run[PATH_MAX];
        if ((size_t)snprintf(run, sizeof run, "%s/run", abs) >= sizeof run) return 1;
        if (mkdir(run, 0755) != 0 && errno != EEXIST) {
            fprintf(stderr, "kapi-apiserver: mkdir %s: %s\n", run, strerror(errno));
            return 1;
        }
        if (!o.api_socket) {
            api = kapi_xsprintf("%s/api.sock", run);
            o.api_socket = api;
        }
        if (!o.watch_socket) {
            watch = kapi_xsprintf("%s/watch.sock", run);
            o.watch_socket = watch;
        }
    }
    if (!strcmp(o.api_socket, o.watch_socket)) {
        fprintf(stderr, "kapi-apiserver: --socket and --watch-socket must differ\n");
        return 2;
    }

    /* The field schema (protobuf bodies, field validation): parsed once
     * here, before the workers fork, so they share it and a broken schema
     * stops the server at start-up. */
    if (schema_load()) {
        fprintf(stderr, "kapi-apiserver: the built-in field schema does not load\n");
        return 1;
    }

    /* The audit policy (KAPI_AUDIT_*): loaded once here, before the workers
     * fork; one that does not load stops the server, as kube's. */
    char aerr[640];
    int rc = 1;
    if (audit_configure(aerr, sizeof aerr) ||
        /* OIDC issuers (KAPI_AUTHENTICATION_CONFIG or KAPI_OIDC_*), likewise */
        oidc_load(aerr, sizeof aerr)) {
        fprintf(stderr, "kapi-apiserver: %s\n", aerr);
    } else {
        store_set_space_defaults(&space);   /* every store the master and workers open */
        rc = kapi_server_run(&o);
    }
    free(api);
    free(watch);
    free(abs);
    return rc;
}
