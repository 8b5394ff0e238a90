/* jsonpatch.h: RFC 6902 JSON patch (application/json-patch+json), with the
 * one leniency kube-apiserver's library has: `replace` of a member missing
 * from an object acts like `add`. */
#ifndef KAPI_JSONPATCH_H
#define KAPI_JSONPATCH_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "core/kapi.h"

/* Applies the patch text to a copy of doc. Returns the patched document
 * (caller frees), or NULL with *rc (KAPI_BAD_REQUEST when the patch cannot
 * be decoded, KAPI_INVALID when it cannot be applied) and kube's message in
 * err. */
cJSON *json_patch_apply(const cJSON *doc, const char *patch, size_t len, kapi_rc *rc, char *err,
                        size_t errlen);

#endif
