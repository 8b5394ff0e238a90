/* store_notify.c: telling every process that has the database open that a
 * write committed, so that watch pollers wake at once instead of at their
 * next poll. A page of the file path-notify is mapped shared in each
 * process; its first word is a counter the committer bumps after each
 * commit, then wakes the waiters with a (process-shared) futex on that word.
 * A second word counts waiters, so a commit nobody waits for costs no
 * system call. Best effort: without the page, waiters just sleep their
 * timeout and poll. A third word is the space alarm (store_space.c), so
 * that every process refuses writes once one has found the disk full. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>
#include "store/store_private.h"

#define NOTIFY_PAGE 4096

typedef struct notify_page {
    _Atomic uint32_t counter;     /* bumped once per commit */
    _Atomic uint32_t waiters;     /* threads in store_wait_for_change, all processes */
    _Atomic unsigned space_alarm; /* a store_space_state: why writes are refused (store_space.c) */
} notify_page;

void notify_open(store *s)
{
    s->notify_map = NULL;
    s->notify_fd = open_lock_file(s->path, "-notify");
    if (s->notify_fd < 0) return;
    /* Allocated, not just sized: on a full disk a sparse page would kill
     * the process (SIGBUS) at its first touch; without room, waiters poll. */
    struct stat st;
    if (fstat(s->notify_fd, &st) != 0 ||
        (st.st_size < NOTIFY_PAGE && posix_fallocate(s->notify_fd, 0, NOTIFY_PAGE) != 0)) {
        close(s->notify_fd);
        s->notify_fd = -1;
        return;
    }
    void *map = mmap(NULL, NOTIFY_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, s->notify_fd, 0);
    if (map == MAP_FAILED) {
        close(s->notify_fd);
        s->notify_fd = -1;
        return;
    }
    s->notify_map = map;
}

_Atomic unsigned *notify_space_alarm(store *s)
{
    notify_page *p = s->notify_map;
    return p ? &p->space_alarm : &s->space_alarm_local;
}

void notify_close(store *s)
{
    if (s->notify_map) munmap(s->notify_map, NOTIFY_PAGE);
    if (s->notify_fd >= 0) close(s->notify_fd);
    s->notify_map = NULL;
    s->notify_fd = -1;
}

static long futex(_Atomic uint32_t *word, int op, uint32_t value, const struct timespec *timeout)
{
    return syscall(SYS_futex, (uint32_t *)word, op, value, timeout, NULL, 0);
}

void notify_post(store *s)
{
    notify_page *p = s->notify_map;
    if (!p) return;
    atomic_fetch_add(&p->counter, 1);
    if (atomic_load(&p->waiters) > 0) futex(&p->counter, FUTEX_WAKE, INT_MAX, NULL);
}

uint32_t store_change_counter(store *s)
{
    notify_page *p = s->notify_map;
    return p ? atomic_load(&p->counter) : 0;
}

int store_wait_for_change(store *s, uint32_t seen, int timeout_ms)
{
    if (timeout_ms < 0) timeout_ms = 0;
    struct timespec ts = {.tv_sec = timeout_ms / 1000, .tv_nsec = (long)(timeout_ms % 1000) * 1000000L};
    notify_page *p = s->notify_map;
    if (!p) {
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
        return 0;
    }
    /* Announce the wait before looking at the counter: a committer that bumps
     * it after our look sees us waiting and wakes us (both sides seq_cst). */
    atomic_fetch_add(&p->waiters, 1);
    int changed = atomic_load(&p->counter) != seen;
    if (!changed) {
        long r = futex(&p->counter, FUTEX_WAIT, seen, &ts);
        changed = r == 0 || (r < 0 && errno == EAGAIN);
        if (r == 0 && atomic_load(&p->counter) == seen) changed = 0;   /* spurious */
    }
    atomic_fetch_sub(&p->waiters, 1);
    return changed;
}
