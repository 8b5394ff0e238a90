/* hashmap.c: string-keyed open-addressing hash map (see hashmap.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/alloc.h"
#include "core/hashmap.h"

typedef struct slot {
    char *key;          /* NULL: empty; TOMBSTONE: removed */
    void *value;
} slot;

struct strmap {
    slot *slots;
    size_t cap;         /* a power of two */
    size_t used;        /* live and removed slots: probing stops only at empty ones */
    size_t live;
    int borrowing;      /* keys are the caller's, never copied or freed */
};

static char tombstone_key;
#define TOMBSTONE (&tombstone_key)

static uint32_t hash_string(const char *s)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) { h ^= *c; h *= 16777619u; }
    return h;
}

static strmap *new_map(int borrowing)
{
    strmap *m = kapi_xcalloc(1, sizeof *m);
    m->cap = 16;
    m->slots = kapi_xcalloc(m->cap, sizeof *m->slots);
    m->borrowing = borrowing;
    return m;
}

strmap *strmap_new(void) { return new_map(0); }
strmap *strmap_new_borrowing(void) { return new_map(1); }

void strmap_free(strmap *m, void (*free_value)(void *))
{
    if (!m) return;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slots[i].key || m->slots[i].key == TOMBSTONE) continue;
        if (free_value) free_value(m->slots[i].value);
        if (!m->borrowing) free(m->slots[i].key);
    }
    free(m->slots);
    free(m);
}

static slot *find_slot(const strmap *m, const char *key)
{
    size_t i = hash_string(key) & (m->cap - 1);
    for (;;) {
        slot *s = &m->slots[i];
        if (!s->key) return NULL;
        if (s->key != TOMBSTONE && !strcmp(s->key, key)) return s;
        i = (i + 1) & (m->cap - 1);
    }
}

void *strmap_get(const strmap *m, const char *key)
{
    if (!m || !key) return NULL;
    slot *s = find_slot(m, key);
    return s ? s->value : NULL;
}

/* Rehashes into a table twice as large when many slots are live, the same
 * size when most used slots are tombstones. */
static void grow(strmap *m)
{
    slot *old = m->slots;
    size_t old_cap = m->cap;
    size_t cap = m->live * 4 > old_cap ? old_cap * 2 : old_cap;
    m->slots = kapi_xcalloc(cap, sizeof *m->slots);
    m->cap = cap;
    m->used = m->live = 0;
    for (size_t i = 0; i < old_cap; i++) {
        if (!old[i].key || old[i].key == TOMBSTONE) continue;
        size_t j = hash_string(old[i].key) & (cap - 1);
        while (m->slots[j].key) j = (j + 1) & (cap - 1);
        m->slots[j] = old[i];
        m->used++;
        m->live++;
    }
    free(old);
}

int strmap_put(strmap *m, const char *key, void *value)
{
    if (!m || !key) return -1;
    slot *s = find_slot(m, key);
    if (s) { s->value = value; return 0; }
    if ((m->used + 1) * 2 > m->cap) grow(m);
    size_t i = hash_string(key) & (m->cap - 1);
    while (m->slots[i].key && m->slots[i].key != TOMBSTONE) i = (i + 1) & (m->cap - 1);
    if (!m->slots[i].key) m->used++;
    m->slots[i].key = m->borrowing ? (char *)key : kapi_xstrdup(key);
    m->slots[i].value = value;
    m->live++;
    return 0;
}

void *strmap_remove(strmap *m, const char *key)
{
    if (!m || !key) return NULL;
    slot *s = find_slot(m, key);
    if (!s) return NULL;
    void *v = s->value;
    if (!m->borrowing) free(s->key);
    s->key = TOMBSTONE;
    s->value = NULL;
    m->live--;
    return v;
}

size_t strmap_count(const strmap *m)
{
    return m ? m->live : 0;
}

void strmap_each(const strmap *m, void (*fn)(const char *key, void *value, void *arg), void *arg)
{
    if (!m) return;
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].key && m->slots[i].key != TOMBSTONE) fn(m->slots[i].key, m->slots[i].value, arg);
}
