/* rbac_cache.c: the RBAC policy cached per process. Authorization runs on
 * every request, so the stored RBAC objects are read once and kept as a
 * compiled snapshot. The store's revision is read once a request (by
 * kapi_handle, into its kapi_ctx; here when the caller has none), and when
 * it moved past the cached one, one scan of the event log since the cached
 * revision (indexed by revision) tells whether any Role, ClusterRole or
 * binding changed. Only then is the policy read again. The cache only
 * reads: aggregated ClusterRoles are evaluated with the rules the snapshot
 * computes for them (auth/rbac_policy.c), and writing those rules into the
 * store is the clusterrole-aggregation controller's job
 * (controllers/clusterrole_aggregation.c, and the apiserver's bootstrap at
 * start). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "auth/rbac_policy.h"

#define EVENT_SCAN_LIMIT 5000

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static rbac_policy *cached;             /* holds one reference */
static const store *cached_store;
static char cached_state_dir[1024];

static int same_database(const kapi_ctx *ctx)
{
    const char *dir = ctx->state_dir ? ctx->state_dir : "";
    return cached && cached_store == ctx->store && !strcmp(cached_state_dir, dir);
}

/* 1 if an RBAC object may have changed after revision `after`. */
static int rbac_changed_since(store *st, int64_t after)
{
    static const char *const prefixes[] = {"/registry/clusterroles/", "/registry/roles/",
                                           "/registry/clusterrolebindings/",
                                           "/registry/rolebindings/"};
    return store_prefixes_changed_since(st, after, prefixes, 4, EVENT_SCAN_LIMIT);
}

static void drop_locked(rbac_policy *p)
{
    if (p && --p->refs == 0) rbac_policy_free(p);
}

rbac_policy *rbac_policy_acquire(kapi_ctx *ctx)
{
    int64_t rev = ctx->revision ? ctx->revision : store_revision(ctx->store);
    if (rev < 0) return NULL;
    pthread_mutex_lock(&cache_lock);
    if (same_database(ctx) && cached->revision >= rev) {
        /* as new as the request's revision, or newer (another thread moved it) */
        cached->refs++;
        rbac_policy *p = cached;
        pthread_mutex_unlock(&cache_lock);
        return p;
    }
    if (same_database(ctx) && rev > cached->revision &&
        !rbac_changed_since(ctx->store, cached->revision)) {
        cached->revision = rev;
        cached->refs++;
        rbac_policy *p = cached;
        pthread_mutex_unlock(&cache_lock);
        return p;
    }
    rbac_policy *p = rbac_policy_load(ctx->store);
    if (!p) {
        pthread_mutex_unlock(&cache_lock);
        return NULL;
    }
    p->refs = 2;   /* the cache's and the caller's */
    drop_locked(cached);
    cached = p;
    cached_store = ctx->store;
    snprintf(cached_state_dir, sizeof cached_state_dir, "%s", ctx->state_dir ? ctx->state_dir : "");
    pthread_mutex_unlock(&cache_lock);
    return p;
}

void rbac_policy_release(rbac_policy *p)
{
    if (!p) return;
    pthread_mutex_lock(&cache_lock);
    drop_locked(p);
    pthread_mutex_unlock(&cache_lock);
}

void rbac_cache_reset(void)
{
    pthread_mutex_lock(&cache_lock);
    drop_locked(cached);
    cached = NULL;
    cached_store = NULL;
    cached_state_dir[0] = '\0';
    pthread_mutex_unlock(&cache_lock);
}
