/* smpatch.h: strategic merge patch (application/strategic-merge-patch+json),
 * driven by the field schema: lists merge by their patch merge key where the
 * schema says so, and the directives kubectl emits are honoured: $patch
 * (replace, delete, merge), $setElementOrder/<list>,
 * $deleteFromPrimitiveList/<list> and $retainKeys. */
#ifndef KAPI_SMPATCH_H
#define KAPI_SMPATCH_H

#include <cjson/cJSON.h>
#include "core/kapi.h"
#include "schema/schema.h"

/* Applies patch to a copy of original, whose type is t (NULL: fields are
 * merged as a JSON merge patch would). Returns the result (caller frees),
 * or NULL with *rc and a message in err. */
cJSON *strategic_merge_patch(const cJSON *original, const cJSON *patch, const schema_type *t,
                             kapi_rc *rc, char *err, size_t errlen);

#endif
