/* decode_body.c: fuzzes a create/update body the way the verbs take it:
 * decode_body (schema/decode.c: JSON, YAML or protobuf by Content-Type)
 * into the kind's object, then the schema validator (schema/schema_check.c:
 * the strict decoder's unknown/duplicate fields and type errors) on the body
 * text and on the decoded tree, then pruning of unknown fields. The first
 * byte picks the kind and the media type, the rest is the body. */
#include "codec/json.h"
#include "fuzz.h"
#include "schema/decode.h"
#include "schema/protobuf.h"
#include "schema/schema_check.h"

static const char *const media_types[] = {"application/json", "application/yaml",
                                          PROTOBUF_MEDIA_TYPE, NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_schema_load();
    if (size < 1) return 0;
    const char *kind = fuzz_kinds[(data[0] >> 2) % FUZZ_N_KINDS];
    const char *ctype = media_types[data[0] & 3];
    const schema_type *t = schema_kind_named(kind);
    char *body = fuzz_cstring(data + 1, size - 1);
    kapi_pool *p = kapi_pool_new();
    kapi_request req = {.pool = p, .method = "POST", .path = "/api/v1/namespaces/default/x",
                        .query = "", .content_type = ctype, .body = body, .body_len = size - 1};
    cJSON *status = NULL;
    cJSON *obj = decode_body(&req, kind, &status);
    if (obj && t) {
        schema_problems probs;
        if (ctype && !strcmp(ctype, "application/json")) {
            schema_check_json(t, body, size - 1, 1, &probs);
            char msg[2048];
            schema_problems_strict_message(&probs, NULL, msg, sizeof msg);
            schema_problems_free(&probs);
        }
        schema_check_tree(t, obj, 1, &probs);
        schema_problems_free(&probs);
        cJSON *copy = cJSON_Duplicate(obj, 1);
        schema_prune_unknown(t, copy);
        cJSON_Delete(copy);
    }
    cJSON_Delete(status);
    kapi_pool_free(p);
    free(body);
    return 0;
}
