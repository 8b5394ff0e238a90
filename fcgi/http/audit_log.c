/* audit_log.c: appending audit records to one file from many processes,
 * and lumberjack's rotation (see audit_log.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "core/alloc.h"
#include "http/audit_log.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static int log_fd = -1;
static pid_t log_pid;           /* the process that opened log_fd: a forked
                                   worker must not share its lock */
static unsigned long dropped;

static void report(const char *what, const char *path, int err)
{
    /* one line per failure would flood stderr when the disk is full: the
     * first and then every 1000th */
    if (dropped++ % 1000 == 0)
        fprintf(stderr, "kapi: audit log %s: %s: %s (%lu record(s) dropped so far)\n",
                path, what, strerror(err), dropped);
}

void audit_log_backup_name(const char *path, long long sec, int msec, char *out, size_t n)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *ext = strrchr(base, '.');
    if (!ext || ext == base + strlen(base)) ext = base + strlen(base);
    time_t t = (time_t)sec;
    struct tm tm;
    gmtime_r(&t, &tm);
    char stamp[40];
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H-%M-%S", &tm);
    snprintf(out, n, "%.*s-%s.%03d%s", (int)(ext - path), path, stamp, msec, ext);
}

/* lumberjack's mill: among NAME-<stamp>.EXT backups, removes those past
 * max_backups (newest kept) and those older than max_age_days. */
static int cmp_desc(const void *a, const void *b)
{
    return strcmp(*(char *const *)b, *(char *const *)a);
}

static void prune_backups(const audit_log_config *c)
{
    if (c->max_backups <= 0 && c->max_age_days <= 0) return;
    const char *slash = strrchr(c->path, '/');
    char *dir = slash ? kapi_xstrndup(c->path, (size_t)(slash - c->path)) : kapi_xstrdup(".");
    if (!*dir) { free(dir); dir = kapi_xstrdup("/"); }
    const char *base = slash ? slash + 1 : c->path;
    const char *ext = strrchr(base, '.');
    if (!ext) ext = base + strlen(base);
    size_t plen = (size_t)(ext - base), elen = strlen(ext);
    DIR *d = opendir(dir);
    if (!d) { free(dir); return; }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    /* the stamp is fixed width: "2006-01-02T15-04-05.000" */
    const size_t stamp_len = 23;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l != plen + 1 + stamp_len + elen || strncmp(de->d_name, base, plen) || de->d_name[plen] != '-' ||
            strcmp(de->d_name + l - elen, ext))
            continue;
        if (n == cap) names = kapi_xrealloc(names, (cap = cap ? cap * 2 : 16) * sizeof *names);
        names[n++] = kapi_xstrdup(de->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_desc);   /* the stamps sort as text: newest first */
    char cutoff[64] = "";
    if (c->max_age_days > 0) {
        time_t t = time(NULL) - (time_t)c->max_age_days * 86400;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(cutoff, sizeof cutoff, "%Y-%m-%dT%H-%M-%S.000", &tm);
    }
    for (size_t i = 0; i < n; i++) {
        int remove = c->max_backups > 0 && i >= (size_t)c->max_backups;
        if (*cutoff && strncmp(names[i] + plen + 1, cutoff, stamp_len) < 0) remove = 1;
        if (remove) {
            char *full = kapi_xsprintf("%s/%s", dir, names[i]);
            unlink(full);
            free(full);
        }
        free(names[i]);
    }
    free(names);
    free(dir);
}

static int open_log(const char *path, mode_t mode)
{
    return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, mode);
}

/* Opens the file, locks it and makes sure the lock is on the file the path
 * names now (another process may have rotated it). 0 with log_fd locked. */
static int lock_current(const audit_log_config *c, struct stat *st)
{
    for (int tries = 0; tries < 8; tries++) {
        if (log_fd >= 0 && log_pid != getpid()) { close(log_fd); log_fd = -1; }
        if (log_fd < 0) {
            log_fd = open_log(c->path, 0600);
            if (log_fd < 0) { report("open", c->path, errno); return -1; }
            log_pid = getpid();
        }
        if (flock(log_fd, LOCK_EX) != 0) { report("lock", c->path, errno); return -1; }
        struct stat now;
        if (fstat(log_fd, st) == 0 && stat(c->path, &now) == 0 && now.st_ino == st->st_ino &&
            now.st_dev == st->st_dev)
            return 0;
        flock(log_fd, LOCK_UN);
        close(log_fd);
        log_fd = -1;
    }
    report("open", c->path, EAGAIN);
    return -1;
}

/* Renames the locked current file to its backup name and opens (and locks)
 * a new one in its place. */
static int rotate(const audit_log_config *c, struct stat *st)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    char backup[4096];
    audit_log_backup_name(c->path, (long long)ts.tv_sec, (int)(ts.tv_nsec / 1000000), backup, sizeof backup);
    if (rename(c->path, backup) != 0) { report("rotate", c->path, errno); return -1; }
    int fd = open_log(c->path, st->st_mode & 07777);
    if (fd < 0) { report("open", c->path, errno); return -1; }
    /* a writer in another process may have created and locked the new file
     * already: wait for it, then write after its record */
    flock(fd, LOCK_EX);
    flock(log_fd, LOCK_UN);
    close(log_fd);
    log_fd = fd;
    log_pid = getpid();
    fstat(log_fd, st);
    prune_backups(c);
    return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, data, len);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

int audit_log_append(const audit_log_config *c, const char *data, size_t len)
{
    if (!strcmp(c->path, "-")) {
        pthread_mutex_lock(&log_lock);
        int rc = write_all(STDOUT_FILENO, data, len);
        pthread_mutex_unlock(&log_lock);
        return rc;
    }
    long long max = (long long)(c->max_size_mb > 0 ? c->max_size_mb : 100) * 1024 * 1024;
    pthread_mutex_lock(&log_lock);
    struct stat st;
    int rc = -1;
    if (lock_current(c, &st) != 0) goto out;
    if ((long long)len > max) {
        /* lumberjack: "write length N exceeds maximum file size M" */
        report("record larger than --audit-log-maxsize", c->path, EFBIG);
        goto unlock;
    }
    if (S_ISREG(st.st_mode) && (long long)st.st_size + (long long)len > max && rotate(c, &st) != 0)
        goto unlock;
    off_t start = st.st_size;
    if (write_all(log_fd, data, len) != 0) {
        int err = errno;
        /* no half record stays behind for the next one to follow */
        if (S_ISREG(st.st_mode) && ftruncate(log_fd, start) != 0) { /* nothing more to do */ }
        report("write", c->path, err);
        goto unlock;
    }
    rc = 0;
unlock:
    if (log_fd >= 0) flock(log_fd, LOCK_UN);
out:
    pthread_mutex_unlock(&log_lock);
    return rc;
}
