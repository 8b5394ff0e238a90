/* worker.c: one kapi-apiserver worker process.
 *
 * Opens its own store handle, then runs threads accepting on the api socket
 * and on the watch socket: as many as the worker's fairness gate
 * (server/fairness.h) has seats and queue places, plus a few spare ones, so
 * that a request beyond the limits is answered 429 at once instead of
 * waiting in the socket's backlog with no answer. Each
 * thread loops FCGX_Accept_r -> fcgi_serve_request -> FCGX_Finish_r on its
 * own FCGX_Request. No accept mutex: libfcgi 2.4.2 is built without
 * USE_LOCKING, and Linux lets any number of threads (and processes) block in
 * accept(2) on one listening socket, waking one per connection. (libfcgi's
 * threaded.c example serialises accept for platforms that need it.)
 *
 * Stopping (SIGTERM/SIGINT, read synchronously by the main thread): set the
 * stopping flag and FCGX_ShutdownPending(), then interrupt the threads that
 * are idle in accept with SIGUSR2 (a no-op handler without SA_RESTART plus
 * FCGI_FAIL_ACCEPT_ON_INTR make accept fail instead of restarting), repeating
 * until every thread has left, since a signal can land just before a thread
 * enters accept(2). Threads busy with a request finish it first; a streamed
 * (watch) response ends at its next write. We do not shutdown(2) the
 * listening sockets: they are shared with the master and the other workers,
 * and shutting one down would stop them all, not just this worker.
 * The master SIGKILLs a worker that has not stopped within its grace time.
 * Watches are told to end first (watch_hubs_shutdown), so their threads
 * leave at once, and so do requests waiting for a seat (fair_gate_close);
 * the store's compactor thread stops before the store closes. */
#include <errno.h>
#include <pthread.h>
#include <malloc.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>
#include <fcgiapp.h>

#include "core/alloc.h"
#include "core/kapi.h"
#include "core/metrics.h"
#include "server/fairness.h"
#include "server/fcgi_adapter.h"
#include "server/server.h"
#include "store/store.h"
#include "watch/watch_hub.h"

typedef struct thread_slot {
    pthread_t tid;
    int created;
    int listen_fd;
    const char *socket_kind;   /* "api" or "watch", for log lines */
    fcgi_socket socket;        /* which of the two sockets listen_fd is */
    kapi_ctx *ctx;
    fair_gate *gate;
    atomic_int in_accept;      /* idle in FCGX_Accept_r: safe to interrupt */
    atomic_int done;
} thread_slot;

static atomic_int g_stopping;  /* set once; read by threads and stream writes */
static atomic_int g_fatal;     /* a thread hit an unrecoverable accept error */

static void wake_handler(int sig)
{
    (void)sig;                 /* only interrupts accept(2) */
}

static void sleep_ms(long ms)
{
    struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

/* ---- giving back stack pages
 * A worker runs a thread per seat and queue place of its fairness gate,
 * and accept(2) hands connections to them in turn, so every thread serves
 * now and then. A deep request (a LIST encoded as a Table, a write through
 * admission and the schema) leaves the stack pages it touched resident for
 * good: some 100 KiB a thread, megabytes of RSS per worker at rest. So
 * after each request a thread gives back its stack below STACK_KEEP bytes
 * under its loop when the request went that deep. Whether it did is one
 * mincore(2) of the pages just under that line (they are not resident
 * after a trim); a shallow request (most GETs) costs nothing more. */
#define STACK_KEEP (32 * 1024)
#define STACK_PROBE_PAGES 16

typedef struct stack_trim {
    uintptr_t lo;       /* lowest usable stack address (page-aligned); 0: off */
    uintptr_t mark;     /* below this, pages go back after a deep request */
    size_t page;
} stack_trim;

static void stack_trim_init(stack_trim *s)
{
    memset(s, 0, sizeof *s);
    pthread_attr_t a;
    void *addr = NULL;
    size_t size = 0, guard = 0;
    if (pthread_getattr_np(pthread_self(), &a) != 0) return;
    int ok = pthread_attr_getstack(&a, &addr, &size) == 0 && pthread_attr_getguardsize(&a, &guard) == 0;
    pthread_attr_destroy(&a);
    long page = sysconf(_SC_PAGESIZE);
    if (!ok || !addr || page <= 0) return;
    char here;
    s->page = (size_t)page;
    s->lo = ((uintptr_t)addr + guard + s->page - 1) & ~(uintptr_t)(s->page - 1);
    s->mark = ((uintptr_t)&here - STACK_KEEP) & ~(uintptr_t)(s->page - 1);
    if (s->mark < s->lo + STACK_PROBE_PAGES * s->page) s->lo = 0;   /* a small stack: leave it */
}

static void stack_trim_after_request(const stack_trim *s)
{
    if (!s->lo) return;
    unsigned char resident[STACK_PROBE_PAGES];
    uintptr_t probe = s->mark - STACK_PROBE_PAGES * s->page;
    if (mincore((void *)probe, STACK_PROBE_PAGES * s->page, resident) != 0) return;
    int deep = 0;
    for (int i = 0; i < STACK_PROBE_PAGES; i++) deep |= resident[i] & 1;
    if (deep) madvise((void *)s->lo, s->mark - s->lo, MADV_DONTNEED);
}

static void *serve_loop(void *arg)
{
    thread_slot *t = arg;
    FCGX_Request r;
    stack_trim trim;
    stack_trim_init(&trim);
    if (FCGX_InitRequest(&r, t->listen_fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
        srv_log("FCGX_InitRequest failed");
        atomic_store(&g_fatal, 1);
        atomic_store(&t->done, 1);
        return NULL;
    }
    while (!atomic_load(&g_stopping)) {
        atomic_store(&t->in_accept, 1);
        if (atomic_load(&g_stopping)) break;
        int rc = FCGX_Accept_r(&r);
        atomic_store(&t->in_accept, 0);
        if (rc < 0) {
            if (atomic_load(&g_stopping)) break;
            int e = -rc;
            if (e == EINTR || e == ECONNABORTED || e == EAGAIN) continue;
            srv_log("accept on the %s socket failed: %s", t->socket_kind,
                    e > 0 && e < 4096 ? strerror(e) : "libfcgi error");
            if (e == EBADF || e == EINVAL || e == ENOTSOCK) {
                atomic_store(&g_fatal, 1);   /* the listening socket is unusable */
                break;
            }
            sleep_ms(100);                   /* EMFILE, ENOMEM, ...: do not spin */
            continue;
        }
        fcgi_serve_request(t->ctx, &r, t->socket, t->gate, &g_stopping);
        /* Between requests a thread holds no read connection: the next one
         * may wait for a seat, or for a connection, for a long time. */
        store_release_thread_connection(t->ctx->store);
        FCGX_Finish_r(&r);
        stack_trim_after_request(&trim);
    }
    atomic_store(&t->in_accept, 0);
    FCGX_Free(&r, 1);
    atomic_store(&t->done, 1);
    return NULL;
}

static int start_threads(thread_slot *slots, int from, int count, int fd,
                         fcgi_socket socket, kapi_ctx *ctx, fair_gate *gate)
{
    for (int i = from; i < from + count; i++) {
        thread_slot *t = &slots[i];
        t->listen_fd = fd;
        t->socket = socket;
        t->socket_kind = socket == FCGI_SOCKET_WATCH ? "watch" : "api";
        t->ctx = ctx;
        t->gate = gate;
        int e = pthread_create(&t->tid, NULL, serve_loop, t);
        if (e != 0) {
            srv_log("pthread_create: %s", strerror(e));
            return -1;
        }
        t->created = 1;
    }
    return 0;
}

/* Interrupts idle threads until all have left their loops, then joins them. */
static void stop_threads(thread_slot *slots, int n)
{
    atomic_store(&g_stopping, 1);
    FCGX_ShutdownPending();
    for (;;) {
        int alive = 0;
        for (int i = 0; i < n; i++) {
            if (!slots[i].created || atomic_load(&slots[i].done)) continue;
            alive++;
            if (atomic_load(&slots[i].in_accept)) pthread_kill(slots[i].tid, SIGUSR2);
        }
        if (!alive) break;
        sleep_ms(20);
    }
    for (int i = 0; i < n; i++)
        if (slots[i].created) pthread_join(slots[i].tid, NULL);
}

int kapi_worker_run(const kapi_server_opts *o, int api_fd, int watch_fd, pid_t master)
{
    /* Die with the master, even if it is SIGKILLed (TERM is blocked here and
     * read below, so this is an orderly stop). */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != master) return 0;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = wake_handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;                       /* no SA_RESTART: accept gets EINTR */
    sigaction(SIGUSR2, &sa, NULL);
    signal(SIGUSR1, SIG_IGN);              /* see master.c */

    /* glibc gives each thread its own malloc arena and keeps freed memory
     * in it: with 80 threads, a burst of large LISTs would leave the worker
     * holding hundreds of MB. A few shared arenas keep memory bounded. */
    mallopt(M_ARENA_MAX, 2);

    if (FCGX_Init() != 0) {
        srv_log("FCGX_Init failed");
        return 1;
    }
    /* libfcgi installs its handlers only over SIG_DFL; make sure of ours. */
    signal(SIGPIPE, SIG_IGN);

    char db[4096];
    if ((size_t)snprintf(db, sizeof db, "%s/kapi.db", o->state_dir) >= sizeof db) return 1;
    const char *err = NULL;
    store *st = store_open(db, o->sync, &err);
    if (!st) {
        srv_log("worker: opening %s: %s", db, err ? err : "failed");
        return 1;
    }
    kapi_ctx ctx = { .store = st, .state_dir = o->state_dir };

    fair_limits limits;
    kapi_server_fair_limits(o, &limits);
    fair_gate *gate = fair_gate_new(&limits);
    /* Read connections follow the requests reading at once (the seats, plus
     * exempt requests and watches reading their history); as many as there
     * are seats wait idle between bursts, the rest are closed. */
    store_set_idle_readers(st, limits.read_seats + limits.mutating_seats);
    int api_threads = fair_api_threads(&limits), watch_threads = fair_watch_threads(&limits);
    int n = api_threads + watch_threads;
    metrics_fixed_gauge_add(MG_THREADS_API, api_threads);       /* kapi_worker_threads */
    metrics_fixed_gauge_add(MG_THREADS_WATCH, watch_threads);
    thread_slot *slots = kapi_xcalloc((size_t)n, sizeof *slots);
    store_compactor_opts copts = {.interval_ms = o->compaction_interval_ms,
                                  .max_revisions = o->max_history_revisions};
    store_compactor *compactor = copts.interval_ms > 0 || copts.max_revisions > 0
                                     ? store_compactor_start(st, &copts) : NULL;
    int rc = 0;
    if (start_threads(slots, 0, api_threads, api_fd, FCGI_SOCKET_ORDINARY, &ctx, gate) != 0 ||
        start_threads(slots, api_threads, watch_threads, watch_fd, FCGI_SOCKET_WATCH, &ctx, gate) != 0) {
        rc = 1;
    } else {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGHUP);
        for (;;) {
            struct timespec ts = { .tv_sec = 1, .tv_nsec = 0 };
            int sig = sigtimedwait(&set, NULL, &ts);
            if (sig == SIGTERM || sig == SIGINT) break;
            if (atomic_load(&g_fatal)) {
                srv_log("worker stopping after a fatal error");
                rc = 1;
                break;
            }
            if (getppid() != master) break;  /* orphaned: the master is gone */
        }
    }
    watch_hubs_shutdown();
    fair_gate_close(gate);             /* queued requests leave at once, with 429 */
    stop_threads(slots, n);
    free(slots);
    fair_gate_free(gate);
    store_compactor_stop(compactor);
    store_close(st);
    return rc;
}
