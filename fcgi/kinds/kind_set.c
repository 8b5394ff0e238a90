/* kind_set.c: one kinds_set: built from descriptions that are copied into
 * the set's own memory (so a provider may free its own), completed (api
 * versions, key prefixes, indexes, the group list), looked up, reference
 * counted, and carrying the data other layers derive from it (OpenAPI
 * documents), freed with it. */
#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kinds/kinds_internal.h"
#include "core/alloc.h"

#define DERIVED_SLOTS 8

/* ---- the set's memory: every allocation of a set, freed together */

typedef struct arena_node {
    struct arena_node *next;
    max_align_t data[];
} arena_node;

typedef struct kind_arena {
    arena_node *nodes;
} kind_arena;

static void *arena_alloc(kinds_builder *b, size_t n)
{
    arena_node *node = kapi_xcalloc(1, sizeof *node + n);
    if (!node) {
        b->failed = 1;
        return NULL;
    }
    node->next = b->arena->nodes;
    b->arena->nodes = node;
    return node->data;
}

static void arena_free(kind_arena *a)
{
    if (!a) return;
    for (arena_node *n = a->nodes, *next; n; n = next) {
        next = n->next;
        free(n);
    }
    free(a);
}

static char *copy_str(kinds_builder *b, const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    char *d = arena_alloc(b, n);
    if (d) memcpy(d, s, n);
    return d;
}

/* A copy in the arena of an array of n-byte elements ended by one whose
 * first member, a string, is NULL (the end is the arena's zeroes), with the
 * strings at the given offsets in each element copied too. NULL for NULL. */
static void *copy_array(kinds_builder *b, const void *array, size_t size, const size_t *strings,
                        size_t n_strings)
{
    if (!array) return NULL;
    const char *from = array;
    size_t n = 0;
    while (*(const char *const *)(from + n * size)) n++;
    char *to = arena_alloc(b, (n + 1) * size);
    if (!to) return NULL;
    memcpy(to, from, n * size);
    for (size_t i = 0; i < n; i++)
        for (size_t s = 0; s < n_strings; s++)
            *(const char **)(to + i * size + strings[s]) =
                copy_str(b, *(const char *const *)(from + i * size + strings[s]));
    return to;
}

/* A name list; never NULL in a set (an empty list instead). */
static const char *const *copy_strv(kinds_builder *b, const char *const *v)
{
    static const char *const none[] = {NULL};
    static const size_t strings[] = {0};
    return v ? copy_array(b, v, sizeof *v, strings, 1) : none;
}

#define N_OF(a) (sizeof (a) / sizeof (a)[0])

static const kind_subresource *copy_subresources(kinds_builder *b, const kind_subresource *s)
{
    static const size_t strings[] = {
        offsetof(kind_subresource, name), offsetof(kind_subresource, kind_group),
        offsetof(kind_subresource, kind_version), offsetof(kind_subresource, kind)};
    static_assert(offsetof(kind_subresource, name) == 0, "copy_array ends at a NULL first member");
    return copy_array(b, s, sizeof *s, strings, N_OF(strings));
}

static const selectable_field *copy_fields(kinds_builder *b, const selectable_field *f)
{
    static const size_t strings[] = {offsetof(selectable_field, name), offsetof(selectable_field, path),
                                     offsetof(selectable_field, fallback)};
    static_assert(offsetof(selectable_field, name) == 0, "copy_array ends at a NULL first member");
    return copy_array(b, f, sizeof *f, strings, N_OF(strings));
}

static const printer_column *copy_columns(kinds_builder *b, const printer_column *c)
{
    static const size_t strings[] = {
        offsetof(printer_column, name), offsetof(printer_column, type), offsetof(printer_column, format),
        offsetof(printer_column, description), offsetof(printer_column, json_path)};
    static_assert(offsetof(printer_column, name) == 0, "copy_array ends at a NULL first member");
    return copy_array(b, c, sizeof *c, strings, N_OF(strings));
}

/* ---- building */

kinds_builder *kinds_builder_new(store *st)
{
    kinds_builder *b = kapi_xcalloc(1, sizeof *b);
    if (!b) return NULL;
    b->arena = kapi_xcalloc(1, sizeof *b->arena);
    if (!b->arena) {
        free(b);
        return NULL;
    }
    b->store = st;
    return b;
}

void kinds_builder_free(kinds_builder *b)
{
    if (!b) return;
    arena_free(b->arena);
    free(b->kinds);
    free(b);
}

store *kinds_builder_store(kinds_builder *b)
{
    return b->store;
}

static int same_resource(const kapi_resource *r, const char *group, const char *version,
                         const char *plural)
{
    return !strcmp(r->group, group) && !strcmp(r->version, version) && !strcmp(r->plural, plural);
}

static int complete(const kapi_resource *r)
{
    return r && r->group && r->version && *r->version && r->kind && *r->kind && r->plural &&
           *r->plural;
}

int kinds_builder_add(kinds_builder *b, const kapi_resource *r)
{
    if (!complete(r)) return -1;
    for (int i = 0; i < b->n; i++)
        if (same_resource(&b->kinds[i], r->group, r->version, r->plural)) return -1;
    if (b->n == b->cap) {
        int cap = b->cap ? b->cap * 2 : 32;
        kapi_resource *k = kapi_xrealloc(b->kinds, (size_t)cap * sizeof *k);
        if (!k) {
            b->failed = 1;
            return -1;
        }
        b->kinds = k;
        b->cap = cap;
    }
    kapi_resource *d = &b->kinds[b->n++];
    *d = *r;
    /* the description's own strings, copied into the set's arena */
    static const size_t strings[] = {
        offsetof(kapi_resource, group),  offsetof(kapi_resource, version),  offsetof(kapi_resource, storage_version),
        offsetof(kapi_resource, kind),   offsetof(kapi_resource, plural),   offsetof(kapi_resource, singular),
        offsetof(kapi_resource, key_prefix), offsetof(kapi_resource, schema_type)};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
        const char **member = (const char **)((char *)d + strings[i]);
        *member = copy_str(b, *member);
    }
    d->short_names = copy_strv(b, r->short_names);
    d->categories = copy_strv(b, r->categories);
    d->subresources = copy_subresources(b, r->subresources);
    d->selectable_fields = copy_fields(b, r->selectable_fields);
    d->columns = copy_columns(b, r->columns);
    d->api_version = NULL;   /* filled by finish */
    return b->failed ? -1 : 0;
}

int kinds_builder_add_set(kinds_builder *b, const kinds_set *s, const char *skip_group,
                          const char *skip_version, const char *skip_plural)
{
    for (int i = 0; s && i < s->n; i++) {
        const kapi_resource *r = &s->kinds[i];
        if (skip_plural && same_resource(r, skip_group, skip_version, skip_plural)) continue;
        if (kinds_builder_add(b, r) && b->failed) return -1;
    }
    return 0;
}

/* ---- a finished set */

typedef struct set_impl {
    kinds_set pub;                  /* first: a kinds_set * is a set_impl * */
    atomic_long refs;
    kind_arena *arena;
    kapi_resource *kinds;
    kapi_group *groups;
    pthread_mutex_t derived_lock;
    struct {
        const kinds_derived_key *key;
        void *data;
    } derived[DERIVED_SLOTS];
} set_impl;

static atomic_uint_fast64_t next_set_id = 1;

static void fill_derived_fields(kinds_builder *b)
{
    for (int i = 0; i < b->n; i++) {
        kapi_resource *r = &b->kinds[i];
        r->index = i;
        size_t n = strlen(r->group) + strlen(r->version) + 2;
        char *av = arena_alloc(b, n);
        if (av) snprintf(av, n, r->group[0] ? "%s/%s" : "%.0s%s", r->group, r->version);
        r->api_version = av;
        if (!r->key_prefix) {
            size_t k = strlen(r->group) + strlen(r->plural) + 2;
            char *prefix = arena_alloc(b, k);
            if (prefix) snprintf(prefix, k, r->group[0] ? "%s/%s" : "%.0s%s", r->group, r->plural);
            r->key_prefix = prefix;
        }
    }
}

/* The versions of group, in order of first use. */
static const char *const *group_versions(kinds_builder *b, const char *group)
{
    const char **v = arena_alloc(b, ((size_t)b->n + 1) * sizeof *v);
    int n = 0;
    if (!v) return NULL;
    for (int i = 0; i < b->n; i++) {
        const kapi_resource *r = &b->kinds[i];
        if (strcmp(r->group, group)) continue;
        int seen = 0;
        for (int k = 0; k < n && !seen; k++) seen = !strcmp(v[k], r->version);
        if (!seen) v[n++] = r->version;
    }
    return v;
}

/* The groups in discovery order: the core group first, then each named
 * group in the order its first kind was registered; a group's preferred
 * version is its first kind's. */
static kapi_group *derive_groups(kinds_builder *b, int *n_groups)
{
    kapi_group *g = arena_alloc(b, ((size_t)b->n + 1) * sizeof *g);
    int n = 0;
    if (!g) return NULL;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < b->n; i++) {
            const kapi_resource *r = &b->kinds[i];
            if ((pass == 0) != (r->group[0] == '\0')) continue;
            int seen = 0;
            for (int k = 0; k < n && !seen; k++) seen = !strcmp(g[k].name, r->group);
            if (!seen) g[n++] = (kapi_group){r->group, r->version, group_versions(b, r->group)};
        }
    *n_groups = n;
    return g;
}

kinds_set *kinds_builder_finish(kinds_builder *b, int64_t revision)
{
    set_impl *s = kapi_xcalloc(1, sizeof *s);
    if (!s) b->failed = 1;
    fill_derived_fields(b);
    int n_groups = 0;
    kapi_group *groups = derive_groups(b, &n_groups);
    if (b->failed) {
        free(s);
        kinds_builder_free(b);
        return NULL;
    }
    s->arena = b->arena;
    s->kinds = b->kinds;
    s->groups = groups;
    s->pub.kinds = s->kinds;
    s->pub.n = b->n;
    s->pub.groups = groups;
    s->pub.n_groups = n_groups;
    s->pub.id = atomic_fetch_add(&next_set_id, 1);
    s->pub.revision = revision;
    atomic_init(&s->refs, 1);
    pthread_mutex_init(&s->derived_lock, NULL);
    free(b);   /* its arena and kinds now belong to the set */
    return &s->pub;
}

void kinds_set_ref(const kinds_set *s)
{
    set_impl *impl = (set_impl *)s;
    long before = atomic_fetch_add(&impl->refs, 1);
    assert(before > 0);
    (void)before;
}

int kinds_set_unref(const kinds_set *s)
{
    set_impl *impl = (set_impl *)s;
    long before = atomic_fetch_sub(&impl->refs, 1);
    assert(before > 0);
    return before == 1;
}

void kinds_set_free(const kinds_set *s)
{
    if (!s) return;
    set_impl *impl = (set_impl *)s;
    for (int i = 0; i < DERIVED_SLOTS; i++)
        if (impl->derived[i].key && impl->derived[i].data && impl->derived[i].key->free)
            impl->derived[i].key->free(impl->derived[i].data);
    pthread_mutex_destroy(&impl->derived_lock);
    arena_free(impl->arena);
    free(impl->kinds);
    free(impl);
}

static set_impl empty_impl = {.pub = {.kinds = NULL, .n = 0, .groups = NULL, .n_groups = 0},
                              .refs = 1,
                              .derived_lock = PTHREAD_MUTEX_INITIALIZER};

const kinds_set *kinds_empty_set(void)
{
    return &empty_impl.pub;
}

void *kinds_derived(const kinds_set *s, const kinds_derived_key *key)
{
    set_impl *impl = (set_impl *)s;
    void *data = NULL;
    pthread_mutex_lock(&impl->derived_lock);
    int free_slot = -1;
    for (int i = 0; i < DERIVED_SLOTS; i++) {
        if (impl->derived[i].key == key) {
            data = impl->derived[i].data;
            break;
        }
        if (!impl->derived[i].key && free_slot < 0) free_slot = i;
    }
    if (!data) {
        /* built under the set's lock: one build per set, others wait for it */
        data = key->build(s);
        if (data && free_slot >= 0) {
            impl->derived[free_slot].key = key;
            impl->derived[free_slot].data = data;
        } else if (data && free_slot < 0) {
            assert(!"more derived data kinds than DERIVED_SLOTS");
        }
    }
    pthread_mutex_unlock(&impl->derived_lock);
    return data;
}

/* ---- lookups */

const kapi_resource *kinds_find(const kinds_set *s, const char *group, const char *version,
                                const char *plural)
{
    if (!s || !group || !version || !plural) return NULL;
    for (int i = 0; i < s->n; i++)
        if (same_resource(&s->kinds[i], group, version, plural)) return &s->kinds[i];
    return NULL;
}

/* The first kind whose two string members (at offsets a_off and b_off of
 * kapi_resource) equal a and b. */
static const kapi_resource *find_by_two(const kinds_set *s, size_t a_off, const char *a, size_t b_off,
                                        const char *b)
{
    if (!s || !a || !b) return NULL;
    for (int i = 0; i < s->n; i++) {
        const char *base = (const char *)&s->kinds[i];
        const char *ma = *(const char *const *)(base + a_off), *mb = *(const char *const *)(base + b_off);
        if (ma && mb && !strcmp(ma, a) && !strcmp(mb, b)) return &s->kinds[i];
    }
    return NULL;
}

const kapi_resource *kinds_find_plural(const kinds_set *s, const char *group, const char *plural)
{
    return find_by_two(s, offsetof(kapi_resource, group), group, offsetof(kapi_resource, plural), plural);
}

const kapi_resource *kinds_find_flagged(const kinds_set *s, unsigned flags)
{
    for (int i = 0; s && i < s->n; i++)
        if ((s->kinds[i].flags & flags) == flags) return &s->kinds[i];
    return NULL;
}

const kapi_resource *kinds_find_kind(const kinds_set *s, const char *api_version, const char *kind)
{
    return find_by_two(s, offsetof(kapi_resource, kind), kind, offsetof(kapi_resource, api_version), api_version);
}

int kinds_group_serves(const kapi_group *g, const char *version)
{
    for (int i = 0; g && version && g->versions && g->versions[i]; i++)
        if (!strcmp(g->versions[i], version)) return 1;
    return 0;
}

const kapi_group *kinds_find_group(const kinds_set *s, const char *name)
{
    if (!s || !name) return NULL;
    for (int i = 0; i < s->n_groups; i++)
        if (!strcmp(s->groups[i].name, name)) return &s->groups[i];
    return NULL;
}
