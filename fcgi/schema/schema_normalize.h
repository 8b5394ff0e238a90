/* schema_normalize.h: the JSON a trip through kube's Go types produces
 * (decode into the v1 struct, encode back), for an object of any schema
 * type: what kube-apiserver stores and answers after it has decoded a body. */
#ifndef KAPI_SCHEMA_NORMALIZE_H
#define KAPI_SCHEMA_NORMALIZE_H

#include <cjson/cJSON.h>
#include "schema/schema.h"

/* Rewrites obj (an object of type t), recursively, as Go's encoding/json
 * would after decoding it:
 *  - fields the type does not declare are dropped;
 *  - null, and the zero value of an omitempty scalar, list or map, are
 *    dropped; a scalar without omitempty is written even when zero ("" / 0 /
 *    false); a null pointer without omitempty stays null; an absent
 *    pointer, list or map stays absent (Go would write null for the last
 *    two without omitempty; kube's objects always carry the ones that
 *    matter);
 *  - struct values are always present ("resources": {}), as are non-pointer
 *    quantities ("0"), times (null) and int-or-strings (0);
 *  - null list elements of struct type become {}, null map values "" or "0";
 *  - quantities are written in canonical form ("1000m" -> "1");
 *  - keys are in the type's field order (Go struct order).
 * RawExtension and FieldsV1 values are left as they are. */
void schema_normalize(const schema_type *t, cJSON *obj);

#endif
