/* store_changes.c: "did anything under these prefixes change since revision
 * N?", answered from the event log. Caches of objects derived from the
 * store (the RBAC policy, the run-time kinds) ask it when the revision
 * moved, so that a write elsewhere costs them one scan, not a rebuild. */
#include <string.h>
#include "store/store.h"

typedef struct prefix_scan {
    const char *const *prefixes;
    int n;
    long seen;
    int changed;
} prefix_scan;

static int scan_event(void *arg, int64_t rev, char type, const char *key, const char *value)
{
    (void)rev;
    (void)type;
    (void)value;
    prefix_scan *s = arg;
    s->seen++;
    for (int i = 0; key && i < s->n; i++)
        if (!strncmp(key, s->prefixes[i], strlen(s->prefixes[i]))) {
            s->changed = 1;
            return 1;
        }
    return 0;
}

int store_prefixes_changed_since(store *st, int64_t after, const char *const *prefixes, int n,
                                 long limit)
{
    prefix_scan s = {prefixes, n, 0, 0};
    if (store_events_since(st, after, limit, scan_event, &s) != STORE_OK)
        return 1;                    /* compacted or failed: assume a change */
    return s.changed || s.seen >= limit;
}
