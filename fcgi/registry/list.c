/* list.c: LIST and DELETECOLLECTION as kube-apiserver serves them: label and
 * field selectors (registry/selection.c); resourceVersion and
 * resourceVersionMatch (unset: the latest state; "0": any, limit ignored, as
 * from kube's watch cache; NotOlderThan: the latest, waiting up to 3 s for
 * a newer revision; Exact, or a revision with a limit: the state as of that
 * revision); limit and continue over one consistent snapshot: the token
 * carries the revision of the first page and the last key, and later pages
 * read the state as of that revision (410 with kube's "inconsistent
 * continue" token once it is compacted); remainingItemCount without
 * selectors. Returns the items; registry/rest_result.c sends them as a
 * typed List or a Table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/codec.h"
#include "core/status.h"
#include "registry/kinds/customresources.h"
#include "registry/continue_token.h"
#include "registry/list_options.h"
#include "kinds/resource.h"
#include "registry/rest_internal.h"
#include "registry/selection.h"
#include "store/store.h"
#include "core/alloc.h"

/* kube's message for a compacted continue token (storage/etcd3/errors.go). */
#define CONTINUE_INCONSISTENT                                                                    \
    "The provided continue parameter is too old to display a consistent list result. You can " \
    "start a new list without the continue parameter, or use the continue token in this "      \
    "response to retrieve the remainder of the results. Continuing with the provided token "    \
    "results in an inconsistent list - objects that were created, modified, or deleted "        \
    "between the time the first chunk was returned and now may show up in the list."

/* How one LIST reads the store. */
typedef struct read_plan {
    const char *prefix;        /* the list's key prefix */
    int64_t at_rev;            /* 0: the latest state */
    int64_t min_rev;           /* NotOlderThan: the state must be at least this new */
    int wait_for_min;          /* served "from the cache": wait up to 3 s for min_rev */
    const char *from;          /* NULL, or the first key (absolute) */
    const char *start;         /* the continue token's start (relative), for a 410 */
    int after;                 /* start at the key after `from` */
    long limit;                /* 0: everything */
    int paging;                /* a continue token was given */
} read_plan;

/* Decides the plan from the options; -1 with the failure in *fail. */
static int plan_read(rest_call *c, const list_options *o, read_plan *p, rest_result *fail)
{
    memset(p, 0, sizeof *p);
    p->prefix = resource_key(c->req->pool, c->r, c->ns, NULL);
    p->limit = o->limit > 0 ? (long)o->limit : 0;
    char msg[600];
    if (*o->cont) {
        int64_t rev = 0;
        char *start = NULL, err[400];
        if (continue_token_decode(c->req->pool, o->cont, &rev, &start, &p->after, err, sizeof err)) {
            snprintf(msg, sizeof msg, "invalid continue token: %s", err);
            *fail = rest_bad_request(c, msg);
            return -1;
        }
        if (*o->rv_text && strcmp(o->rv_text, "0")) {
            *fail = rest_bad_request(c, "specifying resource version is not allowed when using continue");
            return -1;
        }
        p->at_rev = rev > 0 ? rev : 0;          /* -1: the latest */
        p->start = start;
        p->from = kapi_psprintf(c->req->pool, "%s%s", p->prefix, start);
        p->paging = 1;
        return 0;
    }
    if (!*o->rv_text) return 0;
    if (!o->rv_ok) {
        snprintf(msg, sizeof msg, "invalid resource version: %s", o->rv_error);
        *fail = rest_bad_request(c, msg);
        return -1;
    }
    int exact = !strcmp(o->match, "Exact") || (!*o->match && p->limit > 0 && o->rv > 0);
    if (exact) {
        p->at_rev = o->rv;
    } else {
        /* NotOlderThan, or a revision without a limit: the latest state, no
         * older than rv; from kube's watch cache unless a limit sends the
         * request to etcd. "0" is any state, and the cache ignores limits. */
        p->min_rev = o->rv;
        p->wait_for_min = !(p->limit > 0 && o->rv > 0);
        if (o->rv == 0) p->limit = 0;
    }
    return 0;
}

/* ---- collecting one page */

typedef struct page {
    const selection *sel;
    const kapi_resource *custom;   /* a custom resource's kind (read through customresource_read), else NULL */
    cJSON *items;
    long limit;
    long count;
    int has_more;              /* a key follows the last item */
    char *last_key;            /* of the last item (malloc) */
    int bad;
} page;

static int collect(void *arg, const char *key, const char *value, int64_t mod_rev)
{
    (void)mod_rev;
    page *pg = arg;
    if (pg->limit > 0 && pg->count >= pg->limit) {
        pg->has_more = 1;
        return 1;
    }
    cJSON *obj = cJSON_Parse(value);
    if (!obj) {
        pg->bad = 1;
        return 1;
    }
    if (pg->custom) customresource_read(pg->custom, obj);
    if (!selection_matches(pg->sel, obj)) {
        cJSON_Delete(obj);
        return 0;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(obj, "kind");
    cJSON_DeleteItemFromObjectCaseSensitive(obj, "apiVersion");
    cJSON_AddItemToArray(pg->items, obj);
    pg->count++;
    free(pg->last_key);
    pg->last_key = kapi_xstrdup(key);
    if (!pg->last_key) {
        pg->bad = 1;
        return 1;
    }
    return 0;
}

/* A page's outcome, for the answer. */
typedef struct list_result {
    cJSON *items;
    char rv[24];
    const char *next;          /* continue token, or NULL */
    long long remaining;       /* remainingItemCount, or -1 */
} list_result;

/* The history a list needs is compacted: kube's 410, which for a later
 * page carries a token to go on with an inconsistent list. */
static rest_result compacted(rest_call *c, const read_plan *p)
{
    if (!p->paging) return rest_store_failure(c, STORE_COMPACTED, "", "listing from storage failed");
    cJSON *st = status_new(KAPI_GONE, CONTINUE_INCONSISTENT);
    cJSON *meta = cJSON_GetObjectItemCaseSensitive(st, "metadata");
    cJSON_AddStringToObject(meta, "continue",
                            continue_token_encode(c->req->pool, -1, p->start, p->after));
    return rest_status(c, st, 0);
}

/* Reads one page as planned; -1 with the failure in *fail. */
static int read_page(rest_call *c, const read_plan *p, const selection *sel, list_result *out,
                     rest_result *fail)
{
    store *s = c->ctx->store;
    if (p->min_rev > 0) {
        int64_t current = p->wait_for_min ? list_wait_for_revision(c, p->min_rev) : store_revision(s);
        if (current < 0) {
            *fail = rest_internal(c, "reading from storage failed");
            return -1;
        }
        if (current < p->min_rev) {
            *fail = rest_status(c, list_too_large_status(p->min_rev, current, p->wait_for_min ? 1 : 0), 0);
            return -1;
        }
    }
    page pg = {.sel = sel, .custom = c->r->flags & KIND_IS_CUSTOM ? c->r : NULL, .items = kapi_pool_keep_json(c->req->pool, cJSON_CreateArray()),
               .limit = p->limit};
    store_range q = {.prefix = p->prefix, .from = p->from, .from_exclusive = p->after,
                     .at_rev = p->at_rev};
    int64_t rev = 0;
    long total = 0;
    int want_total = p->limit > 0 && sel->empty;
    store_rc rc = store_list_range(s, &q, collect, &pg, &rev, want_total ? &total : NULL);
    if (rc == STORE_OK && pg.bad) rc = STORE_ERROR;
    if (rc != STORE_OK) {
        free(pg.last_key);
        if (rc == STORE_COMPACTED) *fail = compacted(c, p);
        else if (rc == STORE_FUTURE) *fail = rest_status(c, list_too_large_status(p->at_rev, store_revision(s), 0), 0);
        else *fail = rest_store_failure(c, rc, "", "listing from storage failed");
        return -1;
    }
    out->items = pg.items;
    snprintf(out->rv, sizeof out->rv, "%lld", (long long)rev);
    out->next = NULL;
    out->remaining = -1;
    if (pg.has_more && pg.last_key) {
        size_t pl = strlen(p->prefix);
        const char *rel = strncmp(pg.last_key, p->prefix, pl) ? pg.last_key : pg.last_key + pl;
        out->next = continue_token_encode(c->req->pool, rev, rel, 1);
        if (want_total) out->remaining = total - p->limit;
    }
    free(pg.last_key);
    return 0;
}

/* Options, selectors and plan, shared by LIST and DELETECOLLECTION; -1 with
 * the failure in *fail. */
static int read_request(rest_call *c, selection *sel, list_result *res, rest_result *fail)
{
    list_options o;
    if (list_options_parse(c, 0, &o, fail) || selection_parse(c, sel, fail)) return -1;
    read_plan p;
    if (plan_read(c, &o, &p, fail)) return -1;
    return read_page(c, &p, sel, res, fail);
}

/* The answer: a <Kind>List, or a Table (rest_write_result builds it). */
static rest_result list_answer(rest_call *c, const list_result *res, int table_ok)
{
    return rest_list_of(c, res->items, kapi_pstrdup(c->req->pool, res->rv), res->next, res->remaining, table_ok);
}

rest_result rest_list(rest_call *c)
{
    output_format fmt;
    rest_result fail;
    if (rest_negotiate(c, &fmt, 1, &fail)) return fail;   /* before anything is read */
    selection sel;
    list_result res;
    if (read_request(c, &sel, &res, &fail)) return fail;
    return list_answer(c, &res, 1);
}

/* kube's DeleteCollection: the objects a LIST with the same options returns
 * are deleted one by one as DELETE would delete each (one already gone is
 * skipped; one with finalizers is only marked), and that list is the
 * answer. */
rest_result rest_deletecollection(rest_call *c)
{
    output_format fmt;
    rest_result fail;
    if (rest_negotiate(c, &fmt, 0, &fail)) return fail;
    const delete_options *o = rest_delete_collection_options(c, &fail);
    if (!o) return fail;
    selection sel;
    list_result res;
    if (read_request(c, &sel, &res, &fail)) return fail;
    rest_result deleted = rest_delete_listed(c, res.items, o);
    if (deleted.answer != REST_NONE) return deleted;
    return list_answer(c, &res, 0);
}
