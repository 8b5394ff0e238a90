/* openapi_v2_pb.h: a swagger 2.0 document (JSON) as the protobuf message
 * kube-apiserver serves on /openapi/v2 for Accept
 * application/com.github.proto-openapi.spec.v2@v1.0+protobuf: gnostic's
 * openapi.v2.Document (github.com/google/gnostic, openapiv2/OpenAPIv2.proto),
 * which kube-openapi makes from the JSON (ToProtoBinary) and kubectl 1.27
 * and 1.28 parse for validation, apply and explain. */
#ifndef KAPI_OPENAPI_V2_PB_H
#define KAPI_OPENAPI_V2_PB_H

#include <cjson/cJSON.h>
#include "core/kapi.h"

/* Appends to out the Document message of the swagger document doc, as Go's
 * proto.Marshal writes gnostic's message: fields in number order, proto3
 * zero values left out, maps as repeated Named* pairs in the document's key
 * order, and every value gnostic keeps as an Any (vendor extensions,
 * defaults, enums, examples) as YAML text (written as JSON, which YAML
 * reads). Members the message has no field for, and oauth2 security
 * definitions, are left out. */
void openapi_v2_to_protobuf(const cJSON *doc, kapi_buf *out);

#endif
