/* decode.h: a request body decoded by its media type (JSON, YAML, or
 * kube's protobuf through the field schema) into a cJSON object. */
#ifndef KAPI_DECODE_H
#define KAPI_DECODE_H

#include <cjson/cJSON.h>
#include "core/kapi.h"

/* Decodes the request body (application/json, application/yaml, or
 * application/vnd.kubernetes.protobuf through schema/protobuf.c; no
 * Content-Type at all is JSON, as kube's NegotiateInputSerializer says) into
 * an object of expected_kind. On failure returns NULL with *status set to the
 * Status to answer with (415 unknown media type, 400 malformed). The object
 * is owned by the request's pool. */
cJSON *decode_body(const kapi_request *req, const char *expected_kind, cJSON **status);

#endif
