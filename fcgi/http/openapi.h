/* openapi.h: the OpenAPI v3 documents kubectl downloads (/openapi/v3 and
 * one document per group-version), generated from the field schema
 * (schema/) and the calling thread's current kind set (kinds/kinds.h), once
 * per set, with the hash kubectl's cache keys on. A returned document lives
 * as long as that set (the request's). */
#ifndef KAPI_OPENAPI_H
#define KAPI_OPENAPI_H

#include <stddef.h>

typedef struct openapi_doc {
    const char *json;      /* the document's text */
    size_t len;
    const char *hash;      /* upper-case hex SHA-512 of json: the ?hash= and the ETag */
} openapi_doc;

/* The index {"paths":{"api/v1":{"serverRelativeURL":"/openapi/v3/api/v1?hash=..."},...}}. */
const openapi_doc *openapi_v3_index(void);
/* The document of "api/v1" or "apis/<group>/<version>", or NULL. */
const openapi_doc *openapi_v3_document(const char *gv_path);

#endif
