/* jsonpatch.c: RFC 6902 JSON patch. Not implemented yet: every patch is
 * refused, so nothing is applied wrongly. */
#include <stdio.h>
#include "api/jsonpatch.h"

cJSON *json_patch_apply(const cJSON *doc, const char *patch, size_t len, kapi_rc *rc, char *err,
                        size_t errlen)
{
    (void)doc; (void)patch; (void)len;
    *rc = KAPI_UNSUPPORTED_MEDIA;
    snprintf(err, errlen, "JSON patch is not supported yet");
    return NULL;
}
