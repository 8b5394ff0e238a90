/* pass.c: one pass of the reconciler. It takes the leader Lease (or says
 * who holds it and does nothing), then runs the controllers in rounds, in
 * an order where each one's writes are seen by the next (namespaces,
 * service accounts before the pods that need them, root CA, Deployments
 * before their ReplicaSets before their pods, garbage collection, the
 * aggregated ClusterRoles), until a round writes nothing; so one pass
 * converges. Then it gives the lease
 * back and reports what it did (in a dry run: what it would do). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "controllers/controllers.h"
#include "core/alloc.h"

#define MAX_ROUNDS 10
#define DEFAULT_LEASE_SECONDS 15

/* The cluster CA the root CA publisher puts in every namespace. */
static char *read_root_ca(const char *state_dir)
{
    if (!state_dir) return NULL;
    char path[4096];
    snprintf(path, sizeof path, "%s/pki/ca.crt", state_dir);
    kapi_buf b;
    kapi_buf_init(&b);
    if (kapi_buf_read_file(&b, path) != 0) {
        kapi_buf_free(&b);
        return NULL;
    }
    kapi_buf_putc(&b, '\0');
    return kapi_buf_steal(&b);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

reconcile_result reconcile_pass(kapi_ctx *ctx, const reconcile_options *o, reconcile_stats *stats)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    memset(stats, 0, sizeof *stats);
    FILE *out = o->out ? o->out : stdout;
    pass *p = kapi_xcalloc(1, sizeof *p);
    if (!p) return RECONCILE_FAILED;
    p->ctx = ctx;
    p->o = o;
    p->stats = stats;
    const kinds_set *saved_kinds;
    p->kinds_set = kinds_begin(ctx, &saved_kinds);
    p->kinds = kapi_xcalloc((size_t)p->kinds_set->n + 1, sizeof *p->kinds);
    p->garbage = cJSON_CreateArray();
    if (!p->kinds || !p->garbage) {
        free(p->kinds);
        cJSON_Delete(p->garbage);
        kinds_end(p->kinds_set, saved_kinds);
        free(p);
        return RECONCILE_FAILED;
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->loaded, NULL);
    if (o->identity && *o->identity) snprintf(p->identity, sizeof p->identity, "%s", o->identity);
    else {
        char host[128] = "localhost";
        gethostname(host, sizeof host - 1);
        host[sizeof host - 1] = '\0';
        snprintf(p->identity, sizeof p->identity, "%s_%ld", host, (long)getpid());
    }
    p->lease_seconds = o->lease_seconds > 0 ? o->lease_seconds : DEFAULT_LEASE_SECONDS;
    p->root_ca = read_root_ca(ctx->state_dir);
    pthread_mutex_lock(&p->lock);

    reconcile_result result = RECONCILE_DONE;
    char holder[160], until[32];
    lease_outcome lease = lease_acquire(p, holder, sizeof holder, until, sizeof until);
    if (lease == LEASE_TAKEN_BY_OTHER) {
        fprintf(out, "kapi-reconcile: the lease kube-system/kapi-reconcile is held by %s until %s: "
                     "another runner is at work, this one does nothing\n", holder, until);
        result = RECONCILE_NOT_LEADER;
    } else if (lease == LEASE_ERROR) {
        result = RECONCILE_FAILED;
    } else {
        if (o->dry_run) fprintf(out, "kapi-reconcile --dry-run: what one pass would do (nothing is changed):\n");
        else events_prepare(p);
        for (int round = 1; round <= MAX_ROUNDS && !p->aborted; round++) {
            p->writes_this_round = 0;
            stats->rounds = round;
            namespace_controller(p);
            serviceaccount_controller(p);
            serviceaccount_token_controller(p);
            root_ca_publisher(p);
            deployment_controller(p);
            replicaset_controller(p);
            garbage_collector(p);
            clusterrole_aggregation_controller(p);
            csr_signing_controller(p);
            if (p->writes_this_round == 0) break;
        }
        lease_release(p);
    }
    pthread_mutex_unlock(&p->lock);
    stats->seconds = seconds_since(&t0);
    if (result == RECONCILE_DONE && (o->dry_run || o->verbose)) {
        fprintf(out, "kapi-reconcile: %s%ld creates, %ld updates, %ld deletes, %ld events in %d round%s (%.2fs)%s\n",
                o->dry_run ? "plan: " : "", stats->creates, stats->updates, stats->deletes, stats->events,
                stats->rounds, stats->rounds == 1 ? "" : "s", stats->seconds,
                o->dry_run ? "; nothing was changed" : "");
        if (stats->conflicts) fprintf(out, "kapi-reconcile: %ld conflicts retried on fresh data\n", stats->conflicts);
    }
    if (p->aborted && result == RECONCILE_DONE) result = RECONCILE_FAILED;
    cache_free(p);
    kinds_end(p->kinds_set, saved_kinds);
    strmap_free(p->events, NULL);
    cJSON_Delete(p->garbage);
    free(p->root_ca);
    pthread_cond_destroy(&p->loaded);
    pthread_mutex_destroy(&p->lock);
    free(p);
    return result;
}
