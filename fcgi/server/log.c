/* log.c: the apiserver's log lines (stderr, one write(2) per line so lines
 * from the master, the workers and their threads never interleave). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "core/gotime.h"
#include "server/server.h"

void srv_log(const char *fmt, ...)
{
    char line[1024];
    char stamp[21];
    time_rfc3339(time(NULL), stamp);
    size_t n = 0;
    int k = snprintf(line, sizeof line, "%s kapi-apiserver[%ld]: ", stamp, (long)getpid());
    if (k > 0) n += (size_t)k;
    if (n >= sizeof line - 2) n = sizeof line - 2;

    va_list ap;
    va_start(ap, fmt);
    k = vsnprintf(line + n, sizeof line - n - 1, fmt, ap);   /* keep room for '\n' */
    va_end(ap);
    if (k > 0) n += (size_t)k < sizeof line - n - 1 ? (size_t)k : sizeof line - n - 2;
    line[n++] = '\n';

    const char *p = line;
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, p, n);
        if (w <= 0) break;
        p += w;
        n -= (size_t)w;
    }
}
