/* server.h: kapi-apiserver's process side: the master that owns the FastCGI
 * listening sockets and supervises a pool of forked workers, and the worker
 * that serves requests on a fixed set of threads. */
#ifndef KAPI_SERVER_H
#define KAPI_SERVER_H

#include <stdatomic.h>
#include <sys/types.h>
#include "store/store.h"

typedef struct kapi_server_opts {
    const char *state_dir;     /* DIR: kapi.db lives here */
    const char *api_socket;    /* unix socket for ordinary requests */
    const char *watch_socket;  /* unix socket for watches (long streams) */
    const char *pidfile;       /* master's pid, or NULL */
    const char *socket_group;  /* chgrp the sockets to this group, or NULL */
    mode_t socket_mode;        /* permission bits of the sockets */
    int workers;               /* worker processes */
    int threads;               /* api-socket threads per worker */
    int watch_threads;         /* watch-socket threads per worker */
    store_sync sync;
    long compaction_interval_ms;   /* history kept at least this long (0: no time-based compaction) */
    long max_history_revisions;    /* and at most this many revisions (0: no cap) */
} kapi_server_opts;

/* Runs the master until SIGTERM/SIGINT: creates the sockets, bootstraps the
 * store, forks and supervises the workers. Returns the process exit status. */
int kapi_server_run(const kapi_server_opts *o);

/* Runs one worker (called in the forked child). Returns its exit status. */
int kapi_worker_run(const kapi_server_opts *o, int api_fd, int watch_fd, pid_t master);

/* One log line on stderr, written with a single write(2):
 * "2024-01-02T03:04:05Z kapi-apiserver[pid]: message". */
void srv_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
