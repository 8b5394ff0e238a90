/* protobuf.h: Kubernetes protobuf request bodies (Content-Type
 * application/vnd.kubernetes.protobuf), decoded through the field schema
 * into the same JSON object the request would carry as JSON.
 *
 * A body is the magic "k8s\0" and a runtime.Unknown message
 * {1 typeMeta {1 apiVersion, 2 kind}, 2 raw, 3 contentEncoding,
 * 4 contentType}; raw is the object's own message (k8s.io/api's
 * generated.proto numbers). The JSON produced is what Go's encoding/json
 * writes for the Go struct proto.Unmarshal fills: a pointer field only when
 * present (null when absent and not omitempty), a non-pointer struct
 * always ({} when empty; a zero metav1.Time as null), a non-pointer scalar
 * always unless omitempty drops its zero, a list or map only when it has
 * entries (null when empty and not omitempty), map keys sorted. Repeated
 * scalars may be packed or not; a repeated sub-message merges, as protobuf
 * says.
 *
 * The decoder is a network-facing parser: every varint and length is
 * bounds-checked, nesting is capped at PROTOBUF_MAX_DEPTH, and bad input
 * gets a message, never a crash. */
#ifndef KAPI_PROTOBUF_H
#define KAPI_PROTOBUF_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "core/kapi.h"
#include "schema/schema.h"

#define PROTOBUF_MEDIA_TYPE "application/vnd.kubernetes.protobuf"
#define PROTOBUF_MAX_DEPTH 64     /* nested messages, envelope included */

/* Decodes a whole request body for a kind the URL expects (expected_kind:
 * "ServiceAccount"). Returns a new object the caller frees with
 * cJSON_Delete, whose kind and apiVersion come from the envelope (left out
 * when the envelope has none, for the caller to default). When the
 * envelope names another kind, only kind and apiVersion are returned, for
 * the caller's kind check to reject. On failure returns NULL with
 * kube-apiserver's message in err:
 *   the object provided is unrecognized (must be of type ServiceAccount): unexpected EOF (6b38730a...)
 *   ServiceAccount in version "v1" cannot be handled as a ServiceAccount: proto: integer overflow */
cJSON *protobuf_decode_body(const void *body, size_t len, const char *expected_kind,
                            char *err, size_t errlen);

/* Decodes one message of type t (no magic, no envelope) into a new object
 * (kind and apiVersion are not filled in). NULL with a gogo-style message
 * ("unexpected EOF", "proto: wrong wireType = 0 for field name") on
 * failure. */
cJSON *protobuf_decode_message(const schema_type *t, const void *data, size_t len,
                               char *err, size_t errlen);

/* The inverse, as the Go client writes it: obj (JSON of type t) as t's
 * message, appended to out. Fields in protobuf number order; non-pointer
 * scalars and structs always written (an empty string as 0x12 0x00), maps
 * by sorted key. Returns 0, or -1 with a message in err (a value the
 * schema's type cannot hold). For tests and fuzzing. */
int protobuf_encode_message(const schema_type *t, const cJSON *obj, kapi_buf *out,
                            char *err, size_t errlen);
/* The magic, the envelope (kind and apiVersion from obj) and the message. */
int protobuf_encode_body(const schema_type *t, const cJSON *obj, kapi_buf *out,
                         char *err, size_t errlen);

#endif
