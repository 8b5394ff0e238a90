/* thread.c: background threads that take no signals (see thread.h). */
#include <signal.h>
#include "core/thread.h"

int thread_start_without_signals(pthread_t *t, void *(*fn)(void *), void *arg)
{
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);   /* inherited by the new thread */
    int rc = pthread_create(t, NULL, fn, arg);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    return rc;
}
