/* fairness.h: kube's API Priority and Fairness, in behaviour, for one
 * worker's threads. Built in (not configured by stored FlowSchema and
 * PriorityLevelConfiguration objects): kube's bootstrap flow schemas and
 * priority levels, by name, with stable UIDs.
 *
 * A request is classified (fair_classify) into a flow schema, the schema's
 * priority level and a flow (the user's name, kube's ByUser distinguisher).
 * Ordinary requests then ask the worker's gate for a seat (fair_admit):
 *   - exempt requests (system:masters; GET /healthz, /readyz, /livez) run
 *     at once and take no seat;
 *   - the others share the worker's seats: read-only requests at most
 *     read_seats at once, mutating ones at most mutating_seats (kube's
 *     --max-requests-inflight and --max-mutating-requests-inflight), and
 *     each priority level keeps a reserved share that the others cannot
 *     take (the rest is shared, borrowed by whoever needs it);
 *   - a request that cannot start waits in its flow's queue; each freed
 *     seat goes to the waiting flow with the fewest requests executing
 *     (oldest first among equals), so one user's flood cannot starve
 *     another user;
 *   - a request whose flow's queue, or the worker's, is full, or that
 *     waited wait_ms, is rejected: the caller answers 429 with Retry-After.
 * Watches take a watch seat (fair_admit_watch) for their whole life or are
 * rejected at once: there is no queue for a stream. */
#ifndef KAPI_FAIRNESS_H
#define KAPI_FAIRNESS_H

#include "core/kapi.h"

/* kube's response headers (flowcontrol.ResponseHeaderMatched*UID). */
#define FAIR_HEADER_FLOW_SCHEMA_UID    "X-Kubernetes-PF-FlowSchema-UID"
#define FAIR_HEADER_PRIORITY_LEVEL_UID "X-Kubernetes-PF-PriorityLevel-UID"
/* kube's maxinflight.go and the first value of APF's Retry-After tracker. */
#define FAIR_RETRY_AFTER_SECONDS 1
#define FAIR_TOO_MANY_MESSAGE "Too many requests, please try again later."

typedef enum fair_level_id {
    FAIR_LEVEL_EXEMPT,
    FAIR_LEVEL_SYSTEM,
    FAIR_LEVEL_WORKLOAD_HIGH,
    FAIR_LEVEL_WORKLOAD_LOW,
    FAIR_LEVEL_GLOBAL_DEFAULT,
    FAIR_LEVEL_CATCH_ALL,
    FAIR_LEVEL_COUNT
} fair_level_id;

typedef struct fair_level {
    fair_level_id id;
    const char *name;          /* kube's bootstrap PriorityLevelConfiguration name */
    const char *uid;           /* stable: UUIDv5 of the name */
    int exempt;
    int guaranteed_of_600;     /* kube's guaranteed seats (nominal - lendable) of 600 */
} fair_level;

typedef struct fair_schema {
    const char *name;          /* kube's bootstrap FlowSchema name */
    const char *uid;
    fair_level_id level;
} fair_schema;

typedef enum fair_kind { FAIR_READ, FAIR_MUTATING } fair_kind;

typedef struct fair_class {
    const fair_schema *schema;
    const fair_level *level;
    const char *flow;          /* the user's name: the flow distinguisher */
    fair_kind kind;
} fair_class;

/* Classifies a request of user (authenticated) by kube's bootstrap flow
 * schemas in matching precedence: exempt (system:masters), probes (GET
 * /healthz, /readyz, /livez), system-nodes (system:nodes),
 * kube-controller-manager, kube-scheduler, service-accounts
 * (system:serviceaccounts), global-default (system:authenticated),
 * catch-all. Mutating: every method but GET and HEAD (kube's verbs other
 * than get, list, watch). user->name is borrowed by out->flow. */
void fair_classify(const kapi_user *user, const char *method, const char *path,
                   fair_class *out);

const fair_level *fair_level_of(fair_level_id id);

/* Per-worker limits (fair_limits_for derives them from the pool's options). */
typedef struct fair_limits {
    int read_seats;            /* read-only requests executing at once */
    int mutating_seats;        /* mutating requests executing at once */
    int queue_per_flow;        /* requests of one flow waiting at once */
    int queue_total;           /* requests waiting at once */
    long wait_ms;              /* longest wait for a seat, then 429 */
    int watch_seats;           /* watches at once (the watch threads) */
    int watch_per_flow;        /* watches of one non-exempt flow */
    int watch_reserved;        /* watch seats only exempt requests may take */
} fair_limits;

/* Per-worker limits from the pool-wide ones (each divided by workers,
 * rounded up, at least 1), and the queues and watch shares they imply. */
void fair_limits_for(fair_limits *l, int workers, int max_requests_inflight,
                     int max_mutating_requests_inflight, int watch_threads);

/* Threads a worker runs on each socket for limits l: every seat, every
 * queue place and a few spare ones that take new connections (and answer
 * 429 or an exempt request) while everything else is busy. */
int fair_api_threads(const fair_limits *l);
int fair_watch_threads(const fair_limits *l);

/* The seats each level keeps for itself out of total (kube's guaranteed
 * concurrency scaled down, rounded down; workload-high, the controller
 * manager's and scheduler's level, at least 1 when total > 1). */
int fair_reserved_seats(fair_level_id id, int total);

typedef struct fair_gate fair_gate;
fair_gate *fair_gate_new(const fair_limits *l);
void fair_gate_free(fair_gate *g);

typedef enum fair_verdict { FAIR_REJECTED = 0, FAIR_ADMITTED = 1 } fair_verdict;

/* A request's place at the gate: on the caller's stack, from fair_admit
 * to fair_release. */
typedef struct fair_ticket {
    fair_class cls;
    int seated;                /* holds a seat (0 for exempt requests) */
    int watch;                 /* holds a watch seat */
} fair_ticket;

/* Waits for a seat for an ordinary request of class c (exempt: at once).
 * FAIR_ADMITTED: run it, then fair_release. FAIR_REJECTED: answer 429. */
fair_verdict fair_admit(fair_gate *g, fair_ticket *t, const fair_class *c);
/* A watch seat, or FAIR_REJECTED at once. */
fair_verdict fair_admit_watch(fair_gate *g, fair_ticket *t, const fair_class *c);
void fair_release(fair_gate *g, fair_ticket *t);
/* The worker stops: every waiting request is refused now (429), and so is
 * every later one that would have to wait. */
void fair_gate_close(fair_gate *g);

/* What the gate holds now (for tests and log lines). */
typedef struct fair_stats {
    int executing_read, executing_mutating, waiting, watches;
    long rejected;
} fair_stats;
void fair_gate_stats(fair_gate *g, fair_stats *s);

#endif
