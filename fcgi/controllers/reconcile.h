/* reconcile.h: one pass of the controller manager's job, as kapi-reconcile
 * runs it (once from cron, or in a loop). A pass elects itself leader with a
 * coordination.k8s.io/v1 Lease, then runs the controllers in rounds until
 * nothing changes: namespace, serviceaccount, root-ca-cert-publisher,
 * deployment, replicaset, garbage collector, clusterrole-aggregation. Every
 * read and write is a request through the in-process client
 * (http/client.h) as system:kube-controller-manager. */
#ifndef KAPI_CONTROLLERS_RECONCILE_H
#define KAPI_CONTROLLERS_RECONCILE_H

#include <stdio.h>
#include "core/kapi.h"

typedef struct reconcile_options {
    int dry_run;            /* plan only: writes are sent with dryRun=All */
    int verbose;            /* print every write as it is made */
    int workers;            /* objects synced at once (0: the default) */
    const char *identity;   /* the Lease's holderIdentity (NULL: hostname_pid) */
    int lease_seconds;      /* leaseDurationSeconds (0: the default, 15) */
    FILE *out;              /* where the plan, the log and the summary go */
} reconcile_options;

typedef struct reconcile_stats {
    long creates, updates, deletes, events;   /* writes made (or planned) */
    long conflicts;                           /* 409s retried on fresh data */
    long errors;                              /* writes that failed otherwise */
    int rounds;
    double seconds;
} reconcile_stats;

typedef enum reconcile_result {
    RECONCILE_DONE = 0,       /* the pass ran (errors, if any, are counted) */
    RECONCILE_NOT_LEADER,     /* another runner holds the lease: nothing done */
    RECONCILE_FAILED          /* the pass could not run (no store, no lease) */
} reconcile_result;

/* One pass against the server context ctx (its store and state_dir). */
reconcile_result reconcile_pass(kapi_ctx *ctx, const reconcile_options *o, reconcile_stats *stats);

#endif
