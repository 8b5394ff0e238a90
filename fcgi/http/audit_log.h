/* audit_log.h: the audit log file (kube-apiserver's --audit-log-path log
 * backend, in blocking mode, with lumberjack's rotation:
 * --audit-log-maxsize MB (0: lumberjack's 100), --audit-log-maxbackup
 * files kept (0: all), --audit-log-maxage days (0: no limit)).
 *
 * Every worker process (and each of its threads) appends to the same file.
 * A record is written whole or not at all: the writer holds a process
 * mutex and an flock(LOCK_EX) on the file while it appends, so records of
 * any size never interleave (O_APPEND alone keeps a write() atomic only up
 * to what the kernel writes at once); a write that fails part-way (disk
 * full) is cut back with ftruncate to where the record began. Rotation
 * happens under the same lock: the file is renamed to
 * NAME-2006-01-02T15-04-05.000.EXT (UTC) and a new one created; a writer in
 * another process that holds the old file sees, once it has the lock, that
 * the path names another inode and opens the new file. A failed write is
 * reported on stderr and dropped: the request goes on (kube's audit
 * backends log their errors and carry on). */
#ifndef KAPI_AUDIT_LOG_H
#define KAPI_AUDIT_LOG_H

#include <stddef.h>

typedef struct audit_log_config {
    const char *path;          /* "-": standard output, no rotation */
    long max_size_mb;          /* 0: 100 (lumberjack's default) */
    int max_backups;           /* 0: keep all */
    int max_age_days;          /* 0: keep whatever age */
} audit_log_config;

/* Appends one record (a full line, newline included) as one unit.
 * 0, or -1 when it was not written (the reason on stderr). */
int audit_log_append(const audit_log_config *c, const char *data, size_t len);

/* The backup name lumberjack gives path at t (Unix seconds, milliseconds). */
void audit_log_backup_name(const char *path, long long sec, int msec, char *out, size_t n);

#endif
