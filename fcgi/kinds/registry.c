/* registry.c: publishing kind sets (see kinds.h). The base set holds the
 * kinds registered in the process; each store handle with providers gets
 * its own set, the base plus the providers' kinds, rebuilt when the store
 * shows a key under a provider's prefix changed (one store_revision() per
 * acquire, then one scan of the event log since the set's revision, as
 * auth/rbac_cache.c does). Publishing swaps a pointer under the lock; a
 * request keeps the set it acquired until it releases it. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "kinds/kinds_internal.h"
#include "store/store.h"
#include "core/alloc.h"

#define EVENT_SCAN_LIMIT 5000
#define MAX_PROVIDERS 8

typedef struct provider {
    char *prefix;
    kinds_provider_fn fn;
    void *arg;
} provider;

/* A store handle's set. */
typedef struct store_state {
    store *st;
    const kinds_set *set;       /* one reference; NULL until built */
    uint64_t base_id;           /* the base it was built on */
    uint64_t providers_gen;     /* the providers it was built with */
    int64_t revision;           /* the store revision it reflects */
    struct store_state *next;
} store_state;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
/* The base: kinds_current() reads it without the lock. A replaced base is
 * kept (its reference never dropped), so a pointer kinds_current() gave
 * stays valid; the base changes only while the program starts (and in
 * tests). */
static _Atomic(const kinds_set *) base;
typedef struct retired_base {
    const kinds_set *set;
    struct retired_base *next;
} retired_base;
static retired_base *retired;     /* replaced bases, kept (see above) */
static provider providers[MAX_PROVIDERS];
static int n_providers;
static uint64_t providers_gen;
static store_state *states;

static _Thread_local const kinds_set *thread_set;

/* ---- the thread's set */

const kinds_set *kinds_current(void)
{
    if (thread_set) return thread_set;
    const kinds_set *b = atomic_load(&base);
    return b ? b : kinds_empty_set();
}

const kinds_set *kinds_enter(const kinds_set *s)
{
    const kinds_set *saved = thread_set;
    thread_set = s;
    return saved;
}

void kinds_leave(const kinds_set *saved)
{
    thread_set = saved;
}

const kinds_set *kinds_begin(kapi_ctx *ctx, const kinds_set **saved)
{
    const kinds_set *s;
    if (thread_set) {
        s = thread_set;
        kinds_set_ref(s);
    } else {
        s = kinds_acquire(ctx);
    }
    *saved = kinds_enter(s);
    return s;
}

void kinds_end(const kinds_set *s, const kinds_set *saved)
{
    kinds_leave(saved);
    kinds_release(s);
}

/* ---- the base */

static void publish_base_locked(const kinds_set *s)
{
    /* the old base keeps its reference: see `base` */
    const kinds_set *old = atomic_load(&base);
    retired_base *r = old ? kapi_xmalloc(sizeof *r) : NULL;
    if (r) {
        *r = (retired_base){old, retired};
        retired = r;
    }
    atomic_store(&base, s);
}

static int replaced(const kapi_resource *r, const kapi_resource *add, int n_add)
{
    for (int i = 0; i < n_add; i++)
        if (!strcmp(r->group, add[i].group) && !strcmp(r->version, add[i].version) &&
            !strcmp(r->plural, add[i].plural))
            return 1;
    return 0;
}

/* A new base: the old one without the kind skip_* names and without the
 * kinds add replaces (same group, version, plural), then add. */
static int rebuild_base(const kapi_resource *add, int n_add, const char *skip_group,
                        const char *skip_version, const char *skip_plural)
{
    for (int i = 0; i < n_add; i++)
        if (!add[i].group || !add[i].version || !add[i].plural) return -1;
    pthread_mutex_lock(&lock);
    const kinds_set *old = atomic_load(&base);
    kinds_builder *b = kinds_builder_new(NULL);
    int rc = b ? 0 : -1;
    for (int i = 0; old && b && i < old->n; i++) {
        const kapi_resource *r = &old->kinds[i];
        if (skip_plural && !strcmp(r->group, skip_group) && !strcmp(r->version, skip_version) &&
            !strcmp(r->plural, skip_plural))
            continue;
        if (replaced(r, add, n_add)) continue;
        if (kinds_builder_add(b, r)) rc = -1;
    }
    for (int i = 0; b && i < n_add; i++)
        if (kinds_builder_add(b, &add[i])) rc = -1;
    const kinds_set *s = NULL;
    if (rc == 0) s = kinds_builder_finish(b, 0);
    else kinds_builder_free(b);
    if (s) publish_base_locked(s);
    pthread_mutex_unlock(&lock);
    return s ? 0 : -1;
}

int kinds_register(const kapi_resource *r)
{
    return rebuild_base(r, 1, NULL, NULL, NULL);
}

int kinds_register_table(const kapi_resource *table, int n)
{
    return rebuild_base(table, n, NULL, NULL, NULL);
}

int kinds_unregister(const char *group, const char *version, const char *plural)
{
    if (!kinds_find(atomic_load(&base), group, version, plural)) return -1;
    return rebuild_base(NULL, 0, group, version, plural);
}

/* ---- providers */

int kinds_add_provider(const char *key_prefix, kinds_provider_fn fn, void *arg)
{
    if (!key_prefix || !fn) return -1;
    pthread_mutex_lock(&lock);
    int rc = -1;
    if (n_providers < MAX_PROVIDERS) {
        char *prefix = kapi_xstrdup(key_prefix);
        if (prefix) {
            providers[n_providers++] = (provider){prefix, fn, arg};
            providers_gen++;
            rc = 0;
        }
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

void kinds_remove_provider(kinds_provider_fn fn, void *arg)
{
    pthread_mutex_lock(&lock);
    for (int i = 0; i < n_providers; i++)
        if (providers[i].fn == fn && providers[i].arg == arg) {
            free(providers[i].prefix);
            providers[i] = providers[--n_providers];
            providers_gen++;
            break;
        }
    pthread_mutex_unlock(&lock);
}

/* ---- sets derived from a store */

static void drop_set(const kinds_set *s)
{
    if (s && kinds_set_unref(s)) kinds_set_free(s);
}

/* store_close: the handle's set goes with it. */
static void forget_store(void *arg)
{
    store *st = arg;
    const kinds_set *dropped = NULL;
    pthread_mutex_lock(&lock);
    for (store_state **pp = &states; *pp; pp = &(*pp)->next)
        if ((*pp)->st == st) {
            store_state *gone = *pp;
            *pp = gone->next;
            dropped = gone->set;
            free(gone);
            break;
        }
    pthread_mutex_unlock(&lock);
    drop_set(dropped);
}

static store_state *state_of_locked(store *st)
{
    for (store_state *s = states; s; s = s->next)
        if (s->st == st) return s;
    store_state *s = kapi_xcalloc(1, sizeof *s);
    if (!s) return NULL;
    s->st = st;
    s->next = states;
    states = s;
    /* dropped when the store closes; should the handle have no room for
     * another close hook (it has four), the state stays until the process
     * ends, and a later handle at the same address rebuilds on its first
     * revision that differs */
    store_on_close(st, forget_store, st);
    return s;
}

/* 1 if a key under a provider's prefix may have changed after `after`. */
static int provided_changed_since(store *st, int64_t after)
{
    const char *prefixes[MAX_PROVIDERS];
    for (int i = 0; i < n_providers; i++) prefixes[i] = providers[i].prefix;
    return store_prefixes_changed_since(st, after, prefixes, n_providers, EVENT_SCAN_LIMIT);
}

/* Base plus every provider's kinds, read at revision rev or later. */
static const kinds_set *build_from_store_locked(store *st, int64_t rev)
{
    kinds_builder *b = kinds_builder_new(st);
    if (!b) return NULL;
    kinds_builder_add_set(b, atomic_load(&base), NULL, NULL, NULL);
    for (int i = 0; i < n_providers; i++)
        if (providers[i].fn(providers[i].arg, b)) {
            kinds_builder_free(b);
            return NULL;
        }
    return kinds_builder_finish(b, rev);
}

const kinds_set *kinds_acquire(kapi_ctx *ctx)
{
    const kinds_set *result;
    pthread_mutex_lock(&lock);
    if (!ctx || !ctx->store || n_providers == 0) {
        result = atomic_load(&base);
        if (!result) result = kinds_empty_set();
        kinds_set_ref(result);
        pthread_mutex_unlock(&lock);
        return result;
    }
    pthread_mutex_unlock(&lock);
    int64_t rev = ctx->revision ? ctx->revision : store_revision(ctx->store);
    pthread_mutex_lock(&lock);
    const kinds_set *b = atomic_load(&base);
    store_state *st = rev >= 0 ? state_of_locked(ctx->store) : NULL;
    if (!st || n_providers == 0) {
        /* the store cannot be read: serve what this handle had, else the base */
        result = st && st->set ? st->set : b ? b : kinds_empty_set();
        kinds_set_ref(result);
        pthread_mutex_unlock(&lock);
        return result;
    }
    int current = st->set && st->base_id == (b ? b->id : 0) && st->providers_gen == providers_gen;
    if (current && rev <= st->revision) {
        /* as new as the request's revision, or newer (another thread moved it) */
        result = st->set;
    } else if (current && rev > st->revision && !provided_changed_since(ctx->store, st->revision)) {
        st->revision = rev;
        result = st->set;
    } else {
        const kinds_set *fresh = build_from_store_locked(ctx->store, rev);
        if (fresh) {
            drop_set(st->set);
            st->set = fresh;
            st->base_id = b ? b->id : 0;
            st->providers_gen = providers_gen;
            st->revision = rev;
        }
        result = st->set ? st->set : b ? b : kinds_empty_set();
    }
    kinds_set_ref(result);
    pthread_mutex_unlock(&lock);
    return result;
}

void kinds_release(const kinds_set *s)
{
    drop_set(s);   /* the empty set's first reference is never dropped */
}
