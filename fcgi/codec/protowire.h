/* protowire.h: protobuf's wire format for writers (varints, tags, length-
 * delimited fields), shared by the encoders of kube's protobuf bodies
 * (schema/protobuf_encode.c) and of the OpenAPI v2 document
 * (http/openapi_v2_pb.c). Appending to a kapi_buf cannot fail (the one
 * out-of-memory policy). */
#ifndef KAPI_PROTOWIRE_H
#define KAPI_PROTOWIRE_H

#include <stddef.h>
#include <stdint.h>
#include "core/kapi.h"

enum { PROTOWIRE_VARINT = 0, PROTOWIRE_FIXED64 = 1, PROTOWIRE_LEN = 2, PROTOWIRE_FIXED32 = 5 };

void protowire_put_varint(kapi_buf *b, uint64_t v);
/* The key of field num with the wire type. */
void protowire_put_tag(kapi_buf *b, int num, int wire_type);
/* A length-delimited field: tag, length, bytes. */
void protowire_put_len(kapi_buf *b, int num, const void *data, size_t n);

#endif
