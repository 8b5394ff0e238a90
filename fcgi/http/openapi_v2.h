/* openapi_v2.h: /openapi/v2, the swagger 2.0 document kube-apiserver
 * serves beside the v3 ones: every kind's paths and every type's definition
 * in one document, generated from the same field schema as v3
 * (http/openapi_schema.c, http/openapi_paths.c), as JSON and as gnostic's
 * protobuf message (http/openapi_v2_pb.c), which kubectl 1.27 and 1.28 read
 * before validating, applying or explaining. Built once per kind set. */
#ifndef KAPI_OPENAPI_V2_H
#define KAPI_OPENAPI_V2_H

#include <stddef.h>
#include "core/kapi.h"
#include "http/openapi.h"

/* The document of the calling thread's current kind set, or NULL when the
 * field schema cannot be loaded: json/len/hash as openapi_doc; the
 * protobuf bytes beside. Lives as long as that set (the request's). */
typedef struct openapi_v2_doc {
    openapi_doc json;      /* the JSON text and its SHA-512: the ETag of both forms */
    const char *pb;        /* gnostic's openapi.v2.Document */
    size_t pb_len;
    char last_modified[40]; /* when it was built, as an HTTP date */
} openapi_v2_doc;

const openapi_v2_doc *openapi_v2_document(void);

/* Answers GET /openapi/v2 as kube-openapi's handler does: the first Accept
 * clause (by q) that names application/json (or a wildcard) gets the JSON,
 * one that names the protobuf type (either spelling) the protobuf with
 * Content-Type application/com.github.proto-openapi.spec.v2.v1.0+protobuf;
 * none: 406. ETag (the JSON's hash, quoted), Vary: Accept, Last-Modified;
 * 304 when If-None-Match names the ETag. */
void openapi_v2_serve(const kapi_request *req, kapi_response *resp);

#endif
