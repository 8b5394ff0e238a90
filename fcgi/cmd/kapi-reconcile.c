/* kapi-reconcile: the controller manager's job. cron runs one pass a minute
 * (--once); `make run` runs it in a loop (--interval SECONDS); --dry-run
 * prints what a pass would create, update and delete and changes nothing.
 * A pass is fcgi/controllers/pass.c: leader election with a Lease, then the
 * namespace, serviceaccount, root CA, deployment, replicaset, garbage
 * collection and clusterrole-aggregation controllers, all through the
 * in-process client (http/client.h) as system:kube-controller-manager. The bootstrap objects (namespaces, RBAC
 * policy) are the API server's: it puts them back at every start. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "registry/kinds/customresources.h"
#include "core/alloc.h"
#include "controllers/reconcile.h"
#include "core/kapi.h"
#include "store/store.h"

static volatile sig_atomic_t stopping;
static void on_signal(int sig) { (void)sig; stopping = 1; }

static void usage(FILE *f)
{
    fprintf(f, "usage: kapi-reconcile --state DIR (--once | --interval SECONDS) [--dry-run] [--verbose]\n"
               "  --state DIR         the state directory (database kapi.db, pki/ca.crt)\n"
               "  --once              one reconciliation pass, then exit\n"
               "  --interval SECONDS  a pass every SECONDS until SIGTERM\n"
               "  --dry-run           print what one pass would create, update and delete; change nothing\n"
               "  --verbose           print every write as it is made, and a summary\n"
               "  --workers N         objects synced at once (default 16)\n"
               "  --identity NAME     the leader Lease's holderIdentity (default hostname_pid)\n"
               "  --lease-seconds N   the Lease's leaseDurationSeconds (default 15)\n"
               "Exit status: 0 done (or another runner holds the lease), 1 errors, 2 usage.\n");
}

static int parse_number(const char *s, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || !*s || *end || v <= 0) return -1;
    *out = v;
    return 0;
}

static int run_pass(const char *state, const reconcile_options *o)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/kapi.db", state);
    if (access(path, R_OK | W_OK) != 0) {
        fprintf(stderr, "kapi-reconcile: %s: %s (run kapictl init first)\n", path, strerror(errno));
        return 1;
    }
    const char *err = NULL;
    store *s = store_open(path, STORE_SYNC_FULL, &err);
    if (!s) { fprintf(stderr, "kapi-reconcile: %s: %s\n", path, err ? err : "cannot open"); return 1; }
    kapi_ctx ctx = {.store = s, .state_dir = state};
    int rc = 0;   /* the bootstrap objects are the API server's, put back at its start */
    reconcile_stats stats;
    reconcile_result r = reconcile_pass(&ctx, o, &stats);
    if (r == RECONCILE_FAILED) rc = 1;
    if (r == RECONCILE_DONE && stats.errors) {
        fprintf(stderr, "kapi-reconcile: %ld write%s failed in this pass\n", stats.errors, stats.errors == 1 ? "" : "s");
        rc = 1;
    }
    store_close(s);
    return rc;
}

int main(int argc, char **argv)
{
    kapi_alloc_init();      /* the out-of-memory policy, cJSON included */
    crd_kinds_provider_register();   /* the kinds CustomResourceDefinitions define */
    const char *state = NULL;
    int once = 0;
    long interval = 0, workers = 0;
    reconcile_options o = {.out = stdout};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--state") && i + 1 < argc) state = argv[++i];
        else if (!strcmp(argv[i], "--once")) once = 1;
        else if (!strcmp(argv[i], "--interval") && i + 1 < argc) {
            if (parse_number(argv[++i], &interval)) { usage(stderr); return 2; }
        } else if (!strcmp(argv[i], "--dry-run")) o.dry_run = 1;
        else if (!strcmp(argv[i], "--verbose") || !strcmp(argv[i], "-v")) o.verbose = 1;
        else if (!strcmp(argv[i], "--workers") && i + 1 < argc) {
            if (parse_number(argv[++i], &workers)) { usage(stderr); return 2; }
            o.workers = (int)workers;
        } else if (!strcmp(argv[i], "--identity") && i + 1 < argc) o.identity = argv[++i];
        else if (!strcmp(argv[i], "--lease-seconds") && i + 1 < argc) {
            long n;
            if (parse_number(argv[++i], &n) || n > 3600) { usage(stderr); return 2; }
            o.lease_seconds = (int)n;
        }
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { usage(stdout); return 0; }
        else { usage(stderr); return 2; }
    }
    if (!state || (!once && interval <= 0) || (once && interval > 0)) { usage(stderr); return 2; }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (once || o.dry_run) return run_pass(state, &o);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    while (!stopping) {
        run_pass(state, &o);
        for (long t = 0; t < interval && !stopping; t++) sleep(1);
    }
    return 0;
}
