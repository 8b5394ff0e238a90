/* jsonpatch.h: RFC 6902 JSON patch (application/json-patch+json), with the
 * one leniency kube-apiserver's library has: `replace` of a member missing
 * from an object acts like `add`; and RFC 7386 JSON merge patch
 * (application/merge-patch+json). */
#ifndef KAPI_JSONPATCH_H
#define KAPI_JSONPATCH_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "core/kapi.h"

/* The most operations kube accepts in one JSON patch. */
#define JSON_PATCH_MAX_OPERATIONS 10000

/* Applies the patch text to a copy of doc. Returns the patched document
 * (caller frees), or NULL with *rc (KAPI_BAD_REQUEST when the patch cannot
 * be decoded, KAPI_TOO_LARGE over JSON_PATCH_MAX_OPERATIONS, KAPI_INVALID
 * when it cannot be applied) and kube's message in err. */
cJSON *json_patch_apply(const cJSON *doc, const char *patch, size_t len, kapi_rc *rc, char *err,
                        size_t errlen);

/* RFC 7386 MergePatch(target, patch): target is consumed, the result
 * returned (a patch that is not an object replaces the target; null members
 * delete; objects merge recursively). NULL only when memory runs out. */
cJSON *json_merge_patch(cJSON *target, const cJSON *patch);

#endif
