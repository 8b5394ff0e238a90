/* schema_internal.h: what the schema's own files share: the embedded
 * sources and the parser entry point tests use on text of their own. */
#ifndef KAPI_SCHEMA_INTERNAL_H
#define KAPI_SCHEMA_INTERNAL_H

#include <stddef.h>
#include "schema/schema.h"

typedef struct schema_source {
    const char *file;   /* for messages: "schema/core_v1.schema" */
    const char *text;   /* NUL-terminated */
} schema_source;

extern const schema_source schema_sources[];
extern const int schema_n_sources;

/* A parsed set of types (schema_load() keeps one for the program). */
typedef struct schema_set schema_set;

/* Parses and resolves sources[0..n) into a new set, or returns NULL and
 * writes "file:line: what is wrong" into err. */
schema_set *schema_set_parse(const schema_source *sources, int n, char *err, size_t errlen);
void schema_set_free(schema_set *s);
const schema_type *schema_set_type(const schema_set *s, const char *name);
const schema_type *schema_set_kind(const schema_set *s, const char *group, const char *version,
                                   const char *kind);
const schema_type *const *schema_set_types(const schema_set *s, int *n);

#endif
