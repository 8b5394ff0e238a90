/* protobuf.c: fuzzes the Kubernetes protobuf body decoder
 * (schema/protobuf.c, application/vnd.kubernetes.protobuf): the first byte
 * picks the kind the URL expects (0xcd: CustomResourceDefinition, whose
 * JSONSchemaProps unions have their own messages), the rest is the body
 * (magic, envelope, message) and also one bare message of that kind; what
 * decodes is encoded again. */
#include "fuzz.h"
#include "schema/protobuf.h"
#include "schema/schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_schema_load();
    if (size < 1) return 0;
    const char *kind = data[0] == 0xcd ? "CustomResourceDefinition" : fuzz_kinds[data[0] % FUZZ_N_KINDS];
    const schema_type *t = schema_kind_named(kind);
    char err[1400];
    cJSON *obj = protobuf_decode_body(data + 1, size - 1, kind, err, sizeof err);
    cJSON_Delete(obj);
    if (!t) return 0;
    obj = protobuf_decode_message(t, data + 1, size - 1, err, sizeof err);
    if (obj) {
        kapi_buf out;
        kapi_buf_init(&out);
        protobuf_encode_message(t, obj, &out, err, sizeof err);
        kapi_buf_free(&out);
        cJSON_Delete(obj);
    }
    return 0;
}
