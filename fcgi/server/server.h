/* server.h: kapi-apiserver's process side: the master that owns the FastCGI
 * listening sockets and supervises a pool of forked workers, and the worker
 * that serves requests on a fixed set of threads. */
#ifndef KAPI_SERVER_H
#define KAPI_SERVER_H

#include <stdatomic.h>
#include <sys/types.h>
#include "server/fairness.h"
#include "store/store.h"

typedef struct kapi_server_opts {
    const char *state_dir;     /* DIR: kapi.db lives here */
    const char *api_socket;    /* unix socket for ordinary requests */
    const char *watch_socket;  /* unix socket for watches (long streams) */
    const char *pidfile;       /* master's pid, or NULL */
    const char *socket_group;  /* chgrp the sockets to this group, or NULL */
    mode_t socket_mode;        /* permission bits of the sockets */
    int workers;               /* worker processes */
    int threads;               /* requests served at once per worker (the seats) */
    int watch_threads;         /* watches at once per worker (a watch holds a thread) */
    /* Pool-wide limits on requests executing at once (kube's
     * --max-requests-inflight and --max-mutating-requests-inflight); each
     * worker takes its share (server/fairness.h). 0: derived from threads. */
    int max_requests_inflight;
    int max_mutating_requests_inflight;
    store_sync sync;
    long compaction_interval_ms;   /* history kept at least this long (0: no time-based compaction) */
    long max_history_revisions;    /* and at most this many revisions (0: no cap) */
} kapi_server_opts;

/* Runs the master until SIGTERM/SIGINT: creates the sockets, bootstraps the
 * store, forks and supervises the workers. Returns the process exit status. */
int kapi_server_run(const kapi_server_opts *o);

/* The limits each worker's fairness gate enforces: the pool-wide options
 * (or, when 0, kube's 400:200 split of the pool's workers x threads seats)
 * shared among the workers. */
void kapi_server_fair_limits(const kapi_server_opts *o, fair_limits *l);

/* Runs one worker (called in the forked child). Returns its exit status. */
int kapi_worker_run(const kapi_server_opts *o, int api_fd, int watch_fd, pid_t master);

/* One log line on stderr, written with a single write(2):
 * "2024-01-02T03:04:05Z kapi-apiserver[pid]: message". */
void srv_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
