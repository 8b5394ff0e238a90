/* fieldset.h: sets of field paths as server-side apply keeps them
 * (sigs.k8s.io/structured-merge-diff's fieldpath.Set), the FieldsV1 form
 * managedFields store them in, and the schema-driven operations apply is
 * built from: the set of fields an object sets, the comparison of two
 * objects, the merge of an applied configuration into a live object, and
 * the removal of fields.
 *
 * A set is a cJSON trie (caller frees): each member is a path element
 * string as FieldsV1 writes them, "f:<name>" (a field or map key),
 * "k:{...}" (a list-map element by its keys, names sorted), "v:<json>" (a
 * set element), "i:<n>" (a list index); a node holding "." is itself in
 * the set. fieldset_encode writes kube's FieldsV1: elements in
 * structured-merge-diff's order (fields by name, then keys, values,
 * indices), "." first, a member without children as {}.
 *
 * Types come from the field schema (built-in kinds) or a custom resource's
 * structural schema: lists are atomic, sets or maps (x-kubernetes-list-type
 * and its keys; for built-ins without one, the patch strategy: merge with a
 * merge key is a map, merge of scalars a set, else atomic), maps and
 * structs granular unless atomic (+mapType / +structType /
 * x-kubernetes-map-type). Values without a type (preserved unknown fields)
 * are maps of undeclared keys with atomic lists. */
#ifndef KAPI_FIELDSET_H
#define KAPI_FIELDSET_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "schema/schema.h"
#include "schema/structural.h"

/* The type of a whole object: a built-in kind's, or a custom resource's
 * (whose metadata is ObjectMeta). Both NULL: untyped. */
typedef struct fieldset_schema {
    const schema_type *builtin;
    const structural_schema *crd;
} fieldset_schema;

cJSON *fieldset_new(void);
/* FieldsV1 JSON to a set; NULL with a message in err when it is not one. */
cJSON *fieldset_decode(const cJSON *fields_v1, char *err, size_t errlen);
/* The set as kube's FieldsV1 (caller frees). */
cJSON *fieldset_encode(const cJSON *set);
int fieldset_empty(const cJSON *set);
/* Adds b's paths to a. */
void fieldset_union(cJSON *a, const cJSON *b);
cJSON *fieldset_difference(const cJSON *a, const cJSON *b);
cJSON *fieldset_intersection(const cJSON *a, const cJSON *b);
/* Each path of the set in structured-merge-diff's Iterate order, written
 * as Path.String() does (".spec.replicas", `[name="web"]`, `[=value]`,
 * "[0]"). */
void fieldset_each_path(const cJSON *set, void (*fn)(void *arg, const char *path), void *arg);

/* The fields obj sets (typed.ToFieldSet). */
cJSON *fieldset_of(const cJSON *obj, const fieldset_schema *sc);
/* What changed from old to new (either may be NULL: {}): the paths only in
 * new (an added field or item is itself a member, as structured-merge-diff's
 * comparison reports it), only in old, and leaves in both whose values
 * differ; null counts as an empty list or map. */
void fieldset_compare(const cJSON *old, const cJSON *new_, const fieldset_schema *sc, cJSON **added,
                      cJSON **removed, cJSON **modified);
/* The object a kind's Go type has before anything is set (structs present,
 * nil slices and maps null; {} for a custom resource): what a create is
 * compared with (caller frees). */
cJSON *fieldset_zero(const fieldset_schema *sc);
/* live merged with an applied configuration (typed.Merge): config's values
 * win, granular maps and lists merge, atomic ones are replaced. Caller
 * frees. */
cJSON *fieldset_merge(const cJSON *live, const cJSON *config, const fieldset_schema *sc);
/* Removes from obj each path of remove that owned (may be NULL) holds
 * neither itself nor beneath it; a map or list left empty by it goes too. */
void fieldset_remove(cJSON *obj, const cJSON *remove, const cJSON *owned, const fieldset_schema *sc);

#endif
