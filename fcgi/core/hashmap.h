/* hashmap.h: the one hash map: C strings to pointers (open addressing,
 * linear probing, tombstones, FNV-1a). Used for the controllers' informer
 * indexes and for the member and anchor indexes of the JSON and YAML
 * decoders. Allocation never fails (core/alloc.h). Not thread-safe: a map
 * belongs to one thread at a time. */
#ifndef KAPI_HASHMAP_H
#define KAPI_HASHMAP_H

#include <stddef.h>

typedef struct strmap strmap;

/* A map that keeps its own copy of every key. */
strmap *strmap_new(void);
/* A map that keeps the caller's key pointers: each key must stay valid and
 * unchanged while it is in the map (a cJSON member's name, say). */
strmap *strmap_new_borrowing(void);
/* Frees the map, calling free_value (when not NULL) on every value. */
void strmap_free(strmap *m, void (*free_value)(void *));

void *strmap_get(const strmap *m, const char *key);       /* NULL when absent */
int strmap_put(strmap *m, const char *key, void *value);  /* adds or replaces; 0, -1 for a NULL map or key */
void *strmap_remove(strmap *m, const char *key);          /* the value, or NULL */
size_t strmap_count(const strmap *m);

/* Calls fn on every entry, in no particular order; the map must not change
 * meanwhile. */
void strmap_each(const strmap *m, void (*fn)(const char *key, void *value, void *arg), void *arg);

#endif
