/* schema_check.h: checks a JSON document against a kind's field schema the
 * way kube-apiserver's strict decoder (sigs.k8s.io/json over Go structs)
 * does, and drops what that decoder would drop.
 *
 * Two kinds of problem:
 *  - strict errors, reported in document order, deduplicated, at most
 *    SCHEMA_MAX_STRICT: `unknown field "spec.foo"` and
 *    `duplicate field "metadata.name"`, paths joined with '.' and list
 *    indexes as [i] (map keys are path elements too);
 *  - the decoding error a Go decoder stops at: a value of the wrong JSON
 *    type (`json: cannot unmarshal number into Go struct field
 *    Container.spec.containers.image of type string`), an integer that
 *    does not fit, bad base64, a bad time or quantity. Go keeps the first
 *    such error, except that one raised by a type's own UnmarshalJSON (Time,
 *    Quantity, IntOrString) ends decoding at once and wins.
 * Strict errors count only when there is no decoding error. */
#ifndef KAPI_SCHEMA_CHECK_H
#define KAPI_SCHEMA_CHECK_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "schema/schema.h"

#define SCHEMA_MAX_STRICT 100

typedef struct schema_problems {
    char *strict[SCHEMA_MAX_STRICT];  /* owned; freed by schema_problems_free */
    int n_strict;
    char decode_error[1024];          /* "" when the document decodes */
} schema_problems;

/* Checks text[0..len), which must be valid JSON (the caller parsed it), as
 * an object of type t. strict = 0 skips unknown and duplicate fields (Go's
 * non-strict decoder) but still finds decoding errors. Fills *out (clean it
 * with schema_problems_free). */
void schema_check_json(const schema_type *t, const char *text, size_t len, int strict,
                       schema_problems *out);

/* The same for a tree (a YAML body, a patched object): printed as JSON and
 * checked; a tree has no duplicate keys. */
void schema_check_tree(const schema_type *t, const cJSON *obj, int strict, schema_problems *out);
/* The same for a member of an object: paths start with at ("metadata"). */
void schema_check_tree_at(const schema_type *t, const cJSON *obj, const char *at, int strict, schema_problems *out);

void schema_problems_free(schema_problems *p);

/* "strict decoding error: a, b" (what kube's StrictDecodingError prints),
 * into out. */
void schema_problems_strict_message(const schema_problems *p, const char *first, char *out, size_t n);

/* Removes from obj, recursively, every field its type does not declare (what
 * a Go decoder silently drops), through lists and maps of objects.
 * Preserved values (RawExtension, FieldsV1) are left alone. */
void schema_prune_unknown(const schema_type *t, cJSON *obj);

#endif
