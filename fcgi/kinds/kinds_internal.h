/* kinds_internal.h: what kind_set.c (building, looking up and freeing one
 * set) and registry.c (publishing sets) share. Private to fcgi/kinds/. */
#ifndef KAPI_KINDS_INTERNAL_H
#define KAPI_KINDS_INTERNAL_H

#include "kinds/resource.h"

struct kinds_builder {
    kapi_resource *kinds;        /* descriptions copied into arena */
    int n, cap;
    struct kind_arena *arena;
    store *store;                /* for providers; NULL for the base */
    int failed;                  /* out of memory: the build is dropped */
};

/* A new empty builder; NULL when out of memory. */
kinds_builder *kinds_builder_new(store *st);
void kinds_builder_free(kinds_builder *b);
/* Every kind of s added to b (copied). */
int kinds_builder_add_set(kinds_builder *b, const kinds_set *s, const char *skip_group,
                          const char *skip_version, const char *skip_plural);
/* Turns b into a set with one reference (b is consumed either way): api
 * versions, key prefixes and indexes filled, groups derived. NULL when out
 * of memory. */
kinds_set *kinds_builder_finish(kinds_builder *b, int64_t revision);

/* Reference counting (the lock is the caller's: registry.c's). */
void kinds_set_ref(const kinds_set *s);
/* Drops one reference; returns 1 when it was the last (then free it with
 * kinds_set_free, outside any lock you like). */
int kinds_set_unref(const kinds_set *s);
void kinds_set_free(const kinds_set *s);

/* A set with no kinds (never freed): what kinds_current gives before
 * anything is registered. */
const kinds_set *kinds_empty_set(void);

#endif
