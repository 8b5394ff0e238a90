/* schema_equal.h: apiequality.Semantic.DeepEqual of two JSON values as
 * kube's internal Go types hold them, driven by the field schema. */
#ifndef KAPI_SCHEMA_EQUAL_H
#define KAPI_SCHEMA_EQUAL_H

#include <cjson/cJSON.h>
#include "schema/schema.h"

/* Two values of type v held by a field with flags (SF_*; 0 for list
 * elements and map values). Missing, null and the zero value are one for
 * value fields; nil and empty lists and maps are equal; a nil pointer
 * differs from a pointer to zero; quantities compare by value
 * (resource.Quantity.Cmp); structs compare field by field over the type's
 * internal fields (schema_type.internal_fields), so v1-only fields do not
 * count. With SF_INLINE, a and b are the objects holding the inlined
 * fields. */
int schema_equal(const schema_value *v, unsigned flags, const cJSON *a, const cJSON *b);

/* The same for two objects of type t. */
int schema_objects_equal(const schema_type *t, const cJSON *a, const cJSON *b);

#endif
