/* thread.h: starting kapi's background threads (the store's committer and
 * compactor, the watch hub's poller). Signals belong to the program's own
 * threads (the master's and workers' handlers), so a background thread is
 * started with every signal blocked. */
#ifndef KAPI_THREAD_H
#define KAPI_THREAD_H

#include <pthread.h>

/* pthread_create(t, NULL, fn, arg) with all signals blocked in the new
 * thread; the caller's mask is unchanged. Returns pthread_create's result. */
int thread_start_without_signals(pthread_t *t, void *(*fn)(void *), void *arg);

#endif
