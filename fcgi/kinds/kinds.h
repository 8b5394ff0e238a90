/* kinds.h: the kind registry. The kinds kapi serves form an immutable,
 * reference-counted snapshot (kinds_set); adding, changing or removing a
 * kind builds a new set and publishes it atomically, and a request takes
 * one set at its start (kapi_handle) and uses it to the end, so it sees one
 * version of the kinds from start to finish.
 *
 * Two sources make a set:
 *   - the base: kinds registered in the process (the built-in table, at
 *     load: registry/builtin_kinds.c; kinds_register / kinds_unregister);
 *   - providers: callbacks registered by higher layers that build run-time
 *     kinds from stored objects under a key prefix (the CRD issue will add
 *     CustomResourceDefinitions this way). Every worker process derives them
 *     from the same store, so the set is the same in every process: each
 *     kinds_acquire(ctx) checks the set against ctx->revision (the request's,
 *     read once by kapi_handle; read here when ctx has none); when it moved,
 *     one scan of the event log since the set's revision says whether a key
 *     under a provider's prefix changed, and only then are the providers
 *     run again (as auth/rbac_cache.c does for RBAC).
 * A set derived from a store is kept per store handle (per worker process,
 * shared by its threads). */
#ifndef KAPI_KINDS_H
#define KAPI_KINDS_H

#include <stdint.h>
#include "core/kapi.h"

struct kapi_resource;
struct kapi_group;

typedef struct kinds_set {
    const struct kapi_resource *kinds;  /* n descriptions, in registration order */
    int n;
    const struct kapi_group *groups;    /* n_groups, "" first, then in order of first use */
    int n_groups;
    uint64_t id;                        /* unique per set: caches key on it */
    int64_t revision;                   /* store revision the providers were read at (0: none) */
} kinds_set;

/* The set to serve a request with: ctx's store's current set (providers
 * re-run when the store shows their prefix changed), or with ctx NULL (or
 * no store) the base set. Never NULL (an empty set at worst). Release it. */
const kinds_set *kinds_acquire(kapi_ctx *ctx);
void kinds_release(const kinds_set *s);

/* The set the calling thread works with: the one kinds_enter installed
 * (the request's), else the base set (valid for the process's life: a
 * replaced base is kept). */
const kinds_set *kinds_current(void);
/* Makes s the calling thread's current set until kinds_leave(saved); returns
 * what was current before (NULL: nothing), to hand to kinds_leave. */
const kinds_set *kinds_enter(const kinds_set *s);
void kinds_leave(const kinds_set *saved);

/* A request's set: the set the thread already works in when a request runs
 * inside another (an in-process call keeps its caller's view), else
 * kinds_acquire(ctx); either way held and made current until kinds_end. */
const kinds_set *kinds_begin(kapi_ctx *ctx, const kinds_set **saved);
void kinds_end(const kinds_set *s, const kinds_set *saved);

/* Lookups in a set; NULL when absent. */
const struct kapi_resource *kinds_find(const kinds_set *s, const char *group, const char *version,
                                       const char *plural);
/* By group and plural, any version (the first registered). */
const struct kapi_resource *kinds_find_plural(const kinds_set *s, const char *group, const char *plural);
/* The first kind with every bit of flags (KIND_IS_NAMESPACE, ...). */
const struct kapi_resource *kinds_find_flagged(const kinds_set *s, unsigned flags);
/* By apiVersion ("apps/v1", "v1") and kind. */
const struct kapi_resource *kinds_find_kind(const kinds_set *s, const char *api_version, const char *kind);
const struct kapi_group *kinds_find_group(const kinds_set *s, const char *name);
/* 1 when group g serves version. */
int kinds_group_serves(const struct kapi_group *g, const char *version);

/* ---- the base (process-local kinds) */

/* Adds a kind, or replaces the one of the same group, version and plural;
 * the description is copied. 0, or -1 when it is incomplete or memory ran
 * out. kinds_register_table adds n at once (one new set). */
int kinds_register(const struct kapi_resource *r);
int kinds_register_table(const struct kapi_resource *table, int n);
/* Removes a kind; 0, or -1 when there is none. */
int kinds_unregister(const char *group, const char *version, const char *plural);

/* ---- providers of run-time kinds */

typedef struct kinds_builder kinds_builder;
/* Adds a description (copied) to the set being built. A kind that collides
 * with an earlier one (group, version, plural) is skipped; returns 0 when
 * added, -1 otherwise. */
int kinds_builder_add(kinds_builder *b, const struct kapi_resource *r);
/* The store the providers read (a provider lists its prefix from it). */
store *kinds_builder_store(kinds_builder *b);

/* Builds kinds from the objects stored under key_prefix: reads them from
 * kinds_builder_store(b) and adds a description per kind. Returns 0, or -1
 * when it could not read the store (the previous set stays in use and the
 * build is tried again on the next acquire). */
typedef int (*kinds_provider_fn)(void *arg, kinds_builder *b);
/* Registers a provider (kept until kinds_remove_provider): every
 * store-derived set is rebuilt on its next acquire. */
int kinds_add_provider(const char *key_prefix, kinds_provider_fn fn, void *arg);
void kinds_remove_provider(kinds_provider_fn fn, void *arg);

/* ---- data derived from a set (OpenAPI documents, ...), built once per set
 * and freed with it. key identifies the kind of data (the address of a
 * static object of the caller's); build returns the data (NULL: not kept,
 * built again next time). The result lives as long as the set. */
typedef struct kinds_derived_key {
    void *(*build)(const kinds_set *s);
    void (*free)(void *data);
} kinds_derived_key;
void *kinds_derived(const kinds_set *s, const kinds_derived_key *key);

#endif
