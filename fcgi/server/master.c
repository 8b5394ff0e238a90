/* master.c: the kapi-apiserver master process.
 *
 * Owns the two FastCGI listening sockets (api and watch), runs the bootstrap
 * once (opening and CLOSING the store before any fork: SQLite handles and the
 * store's committer thread must not cross fork), writes the pidfile, then
 * forks the workers and respawns any that dies, with a growing back-off when
 * they die right after starting. SIGTERM/SIGINT: TERM the workers, KILL what
 * is left after a grace period, remove the sockets and the pidfile, exit 0.
 *
 * The master is single-threaded and takes its signals synchronously: SIGCHLD,
 * SIGTERM, SIGINT and SIGHUP stay blocked and are read with sigtimedwait().
 * Workers inherit TERM/INT/HUP blocked and read them the same way.
 *
 * Privileges: the master and workers keep the user they were started as.
 * They need no root; if started as root they stay root (a note for whoever
 * packages this: start it as an unprivileged user owning the state dir). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/kapi.h"
#include "core/metrics.h"
#include "server/bootstrap.h"
#include "server/server.h"
#include "store/store.h"

#define MAX_WORKERS        64
#define STOP_GRACE_MS      5000     /* TERM -> KILL */
#define QUICK_DEATH_MS     2000     /* a worker dying sooner counts as a failure */
#define BACKOFF_FIRST_MS   100
#define BACKOFF_MAX_MS     5000

typedef struct wslot {
    pid_t pid;             /* 0: not running */
    long long started_ms;  /* monotonic */
    long long due_ms;      /* when to (re)start it */
    int fails;             /* consecutive quick deaths */
} wslot;

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---------------------------------------------------------------- sockets */

/* Creates, binds and listens on the unix socket at path. A stale socket
 * file (nobody accepting) is replaced; a live one or a non-socket file is an
 * error. *ino gets the socket file's inode so that only our own file is
 * removed at exit. Returns the fd or -1. (Not FCGX_OpenSocket: it reads any
 * path with a ':' as host:port, exit()s the process when bind fails, and
 * would silently replace a live server's socket.) */
static int make_listener(const char *path, gid_t gid, mode_t mode, ino_t *ino)
{
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sa.sun_path) {
        srv_log("socket path too long (max %zu bytes): %s", sizeof sa.sun_path - 1, path);
        return -1;
    }
    memcpy(sa.sun_path, path, strlen(path));

    struct stat st;
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            srv_log("%s exists and is not a socket; not replacing it", path);
            return -1;
        }
        int c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (c >= 0 && connect(c, (struct sockaddr *)&sa, sizeof sa) == 0) {
            close(c);
            srv_log("another server is already listening on %s", path);
            return -1;
        }
        if (c >= 0) close(c);
        if (unlink(path) != 0 && errno != ENOENT) {
            srv_log("cannot remove stale socket %s: %s", path, strerror(errno));
            return -1;
        }
    }

    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        srv_log("socket: %s", strerror(errno));
        return -1;
    }
    /* Bind with a tight umask (single-threaded here), then widen to mode
     * once the group is right: the socket is never more open than asked. */
    mode_t old = umask(0177);
    int rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
    umask(old);
    if (rc != 0) {
        srv_log("bind %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if ((gid != (gid_t)-1 && chown(path, (uid_t)-1, gid) != 0) || chmod(path, mode) != 0) {
        srv_log("setting owner/permissions of %s: %s", path, strerror(errno));
        close(fd);
        unlink(path);
        return -1;
    }
    if (listen(fd, SOMAXCONN) != 0 || stat(path, &st) != 0) {
        srv_log("listen %s: %s", path, strerror(errno));
        close(fd);
        unlink(path);
        return -1;
    }
    *ino = st.st_ino;
    return fd;
}

/* Removes path only if it is still the socket file we created. */
static void remove_socket(const char *path, ino_t ino)
{
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_ino == ino)
        unlink(path);
}

/* ---------------------------------------------------------------- pidfile */

static int write_pidfile(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        srv_log("pidfile %s: %s", path, strerror(errno));
        return -1;
    }
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
    int rc = write(fd, buf, (size_t)n) == n ? 0 : -1;
    if (close(fd) != 0) rc = -1;
    if (rc != 0) srv_log("writing pidfile %s failed", path);
    return rc;
}

/* Removes the pidfile if it still names this process. */
static void remove_pidfile(const char *path)
{
    char buf[32] = {0};
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n > 0 && strtol(buf, NULL, 10) == (long)getpid())
        unlink(path);
}

/* ---------------------------------------------------------------- bootstrap */

/* Opens the store, ensures the bootstrap objects, closes it again. */
static int bootstrap_store(const kapi_server_opts *o)
{
    char db[4096];
    if ((size_t)snprintf(db, sizeof db, "%s/kapi.db", o->state_dir) >= sizeof db) {
        srv_log("state directory path too long");
        return -1;
    }
    const char *err = NULL;
    store *st = store_open(db, o->sync, &err);
    if (!st) {
        srv_log("opening %s: %s", db, err ? err : "failed");
        return -1;
    }
    kapi_ctx ctx = { .store = st, .state_dir = o->state_dir };
    int rc = bootstrap_ensure(&ctx);
    /* Out of space (a restart on a full disk, the quota reached): what is
     * stored is still served, reads and deletes, rather than nothing. */
    store_space_state space = rc != 0 ? store_space(st, NULL) : STORE_SPACE_OK;
    if (space != STORE_SPACE_OK) {
        srv_log("bootstrap incomplete: %s; serving reads and deletes", store_space_describe(space));
        rc = 0;
    }
    if (rc != 0) srv_log("bootstrap failed (see above)");
    store_close(st);
    return rc;
}

/* ---------------------------------------------------------------- workers */

static pid_t spawn_worker(const kapi_server_opts *o, int slot, int api_fd, int watch_fd)
{
    pid_t master = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        srv_log("fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        /* TERM/INT/HUP stay blocked: the worker reads them with sigtimedwait. */
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGCHLD);
        sigprocmask(SIG_UNBLOCK, &s, NULL);
        metrics_worker_begin(slot);
        _exit(kapi_worker_run(o, api_fd, watch_fd, master));
    }
    return pid;
}

static void describe_exit(int status, char *buf, size_t n)
{
    if (WIFEXITED(status)) snprintf(buf, n, "exited with status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status)) snprintf(buf, n, "was killed by signal %d (%s)",
                                           WTERMSIG(status), strsignal(WTERMSIG(status)));
    else snprintf(buf, n, "stopped (status 0x%x)", status);
}

/* Reaps every exited child; schedules restarts unless stopping. */
static void reap(wslot *w, int n, int stopping)
{
    int status;
    pid_t pid;
    struct rusage ru;
    while ((pid = wait4(-1, &status, WNOHANG, &ru)) > 0) {
        /* process_cpu_seconds_total keeps what the dead worker used */
        metrics_add_dead_cpu_us((uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000u +
                                (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec));
        for (int i = 0; i < n; i++) {
            if (w[i].pid != pid) continue;
            metrics_set_worker_pid(i, 0);
            long long now = now_ms();
            char how[96];
            describe_exit(status, how, sizeof how);
            w[i].pid = 0;
            if (stopping) {
                if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0))
                    srv_log("worker %ld %s while stopping", (long)pid, how);
                break;
            }
            if (now - w[i].started_ms < QUICK_DEATH_MS) w[i].fails++;
            else w[i].fails = 0;
            long long delay = 0;
            if (w[i].fails > 0) {
                delay = BACKOFF_FIRST_MS;
                for (int k = 1; k < w[i].fails && delay < BACKOFF_MAX_MS; k++) delay *= 2;
                if (delay > BACKOFF_MAX_MS) delay = BACKOFF_MAX_MS;
            }
            w[i].due_ms = now + delay;
            srv_log("worker %ld %s; restarting it in %lld ms", (long)pid, how, delay);
            break;
        }
    }
}

static int count_running(const wslot *w, int n)
{
    int c = 0;
    for (int i = 0; i < n; i++) c += w[i].pid > 0;
    return c;
}

static void stop_workers(wslot *w, int n, const sigset_t *chld)
{
    for (int i = 0; i < n; i++)
        if (w[i].pid > 0) kill(w[i].pid, SIGTERM);
    long long deadline = now_ms() + STOP_GRACE_MS;
    while (count_running(w, n) > 0) {
        long long left = deadline - now_ms();
        if (left <= 0) break;
        if (left > 200) left = 200;
        struct timespec ts = { .tv_sec = 0, .tv_nsec = (long)left * 1000000L };
        sigtimedwait(chld, NULL, &ts);
        reap(w, n, 1);
    }
    for (int i = 0; i < n; i++) {
        if (w[i].pid <= 0) continue;
        srv_log("worker %ld did not stop within %d ms; killing it", (long)w[i].pid, STOP_GRACE_MS);
        kill(w[i].pid, SIGKILL);
        waitpid(w[i].pid, NULL, 0);
        w[i].pid = 0;
    }
}

/* ---------------------------------------------------------------- limits */

/* kube-apiserver's defaults, --max-requests-inflight 400 and
 * --max-mutating-requests-inflight 200, are for a server whose concurrency
 * is otherwise unbounded; the pool serves workers x threads requests at
 * once, so the defaults keep kube's 2:1 split of those seats. */
static int default_read_seats(int threads)
{
    int r = (threads * 2 + 1) / 3;            /* round(threads * 400 / 600) */
    return r < 1 ? 1 : r;
}

void kapi_server_fair_limits(const kapi_server_opts *o, fair_limits *l)
{
    int read = default_read_seats(o->threads);
    int mutating = o->threads - read < 1 ? 1 : o->threads - read;
    int max_read = o->max_requests_inflight > 0 ? o->max_requests_inflight : o->workers * read;
    int max_mutating = o->max_mutating_requests_inflight > 0 ? o->max_mutating_requests_inflight
                                                             : o->workers * mutating;
    fair_limits_for(l, o->workers, max_read, max_mutating, o->watch_threads);
}

/* ---------------------------------------------------------------- master */

int kapi_server_run(const kapi_server_opts *o)
{
    if (o->workers < 1 || o->workers > MAX_WORKERS) {
        srv_log("--workers must be 1..%d", MAX_WORKERS);
        return 2;
    }

    /* Signals are taken synchronously; SIGPIPE never kills anyone. */
    sigset_t set, chld;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, NULL);
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    signal(SIGPIPE, SIG_IGN);
    /* A stray SIGUSR1/2 must not kill the master (default action). Workers
     * inherit SIGUSR1 ignored, which also keeps libfcgi from installing its
     * own SIGUSR1 handler (that one sets its shutdown flag behind our back). */
    signal(SIGUSR1, SIG_IGN);
    signal(SIGUSR2, SIG_IGN);

    gid_t gid = (gid_t)-1;
    if (o->socket_group) {
        struct group *g = getgrnam(o->socket_group);
        if (!g) {
            srv_log("unknown group %s", o->socket_group);
            return 1;
        }
        gid = g->gr_gid;
    }

    ino_t api_ino = 0, watch_ino = 0;
    int api_fd = make_listener(o->api_socket, gid, o->socket_mode, &api_ino);
    if (api_fd < 0) return 1;
    int watch_fd = make_listener(o->watch_socket, gid, o->socket_mode, &watch_ino);
    if (watch_fd < 0) {
        close(api_fd);
        remove_socket(o->api_socket, api_ino);
        return 1;
    }
    int rc = 1;
    if (o->pidfile && write_pidfile(o->pidfile) != 0) goto out;
    /* The counters every worker shares (/metrics), inherited across fork. */
    if (metrics_init_shared() != 0) srv_log("metrics: cannot map the shared counters; /metrics shows this process only");
    if (bootstrap_store(o) != 0) goto out;
    metrics_flag_set(METRICS_BOOTSTRAPPED);

    fair_limits lim;
    kapi_server_fair_limits(o, &lim);
    srv_log("listening on %s (api) and %s (watch); %d workers x (%d + %d watch) threads",
            o->api_socket, o->watch_socket, o->workers, fair_api_threads(&lim), fair_watch_threads(&lim));
    srv_log("per worker: %d read-only + %d mutating requests at once, %d waiting (%d per user), "
            "%d watches (%d per user); beyond that 429",
            lim.read_seats, lim.mutating_seats, lim.queue_total, lim.queue_per_flow,
            lim.watch_seats, lim.watch_per_flow);

    wslot w[MAX_WORKERS];
    memset(w, 0, sizeof w);
    int n = o->workers;
    for (;;) {
        long long now = now_ms(), wait = 1000;
        for (int i = 0; i < n; i++) {
            if (w[i].pid > 0) continue;
            if (w[i].due_ms <= now) {
                pid_t pid = spawn_worker(o, i, api_fd, watch_fd);
                if (pid > 0) {
                    w[i].pid = pid;
                    metrics_set_worker_pid(i, pid);
                    w[i].started_ms = now;
                } else {
                    w[i].due_ms = now + 1000;       /* fork failed: retry */
                }
            }
            if (w[i].pid <= 0 && w[i].due_ms - now < wait)
                wait = w[i].due_ms - now > 0 ? w[i].due_ms - now : 0;
        }
        struct timespec ts = { .tv_sec = wait / 1000, .tv_nsec = (long)(wait % 1000) * 1000000L };
        int sig = sigtimedwait(&set, NULL, &ts);
        reap(w, n, 0);
        if (sig == SIGTERM || sig == SIGINT) {
            srv_log("received %s; stopping the workers", sig == SIGTERM ? "SIGTERM" : "SIGINT");
            metrics_flag_set(METRICS_SHUTTING_DOWN);            /* /readyz: [-]shutdown */
            break;
        }
        if (sig == SIGHUP) srv_log("SIGHUP ignored");
    }
    stop_workers(w, n, &chld);
    rc = 0;
    srv_log("stopped");
out:
    close(api_fd);
    close(watch_fd);
    remove_socket(o->api_socket, api_ino);
    remove_socket(o->watch_socket, watch_ino);
    if (o->pidfile) remove_pidfile(o->pidfile);
    return rc;
}
