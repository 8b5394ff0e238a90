/* kapi-reconcile: the controller manager's job, run by cron (--once) or in
 * a loop (--interval SECONDS). This first version only makes sure the
 * bootstrap objects exist; the Deployment, ReplicaSet, garbage collection,
 * ServiceAccount and namespace controllers come next. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/kapi.h"
#include "registry/bootstrap.h"
#include "store/store.h"

static volatile sig_atomic_t stopping;
static void on_signal(int sig) { (void)sig; stopping = 1; }

static void usage(FILE *f)
{
    fprintf(f, "usage: kapi-reconcile --state DIR (--once | --interval SECONDS)\n"
               "  --state DIR         the state directory (database kapi.db)\n"
               "  --once              one reconciliation pass, then exit\n"
               "  --interval SECONDS  a pass every SECONDS until SIGTERM\n");
}

static int run_pass(const char *state)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/kapi.db", state);
    const char *err = NULL;
    store *s = store_open(path, STORE_SYNC_FULL, &err);
    if (!s) { fprintf(stderr, "kapi-reconcile: %s: %s\n", path, err ? err : "cannot open"); return 1; }
    kapi_ctx ctx = {.store = s, .state_dir = state};
    int rc = bootstrap_ensure(&ctx) ? 1 : 0;
    store_close(s);
    return rc;
}

int main(int argc, char **argv)
{
    const char *state = NULL;
    int once = 0;
    long interval = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--state") && i + 1 < argc) state = argv[++i];
        else if (!strcmp(argv[i], "--once")) once = 1;
        else if (!strcmp(argv[i], "--interval") && i + 1 < argc) interval = strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { usage(stdout); return 0; }
        else { usage(stderr); return 2; }
    }
    if (!state || (!once && interval <= 0)) { usage(stderr); return 2; }
    if (once) return run_pass(state);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    while (!stopping) {
        run_pass(state);
        for (long t = 0; t < interval && !stopping; t++) sleep(1);
    }
    return 0;
}
