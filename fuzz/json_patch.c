/* json_patch.c: fuzzes RFC 6902 JSON patch (codec/jsonpatch.c,
 * application/json-patch+json). Input: "document NUL patch", or a patch
 * alone applied to a small Deployment-like object. */
#include "codec/json.h"
#include "codec/jsonpatch.h"
#include "fuzz.h"

static const char default_doc[] =
    "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\","
    "\"labels\":{\"app\":\"x\"},\"annotations\":{\"a/b\":\"c\"}},\"spec\":{\"replicas\":1,"
    "\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\","
    "\"ports\":[{\"containerPort\":80}]}]}}}}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *a, *b, err[512];
    size_t alen = fuzz_split(data, size, &a, &b);
    const char *doc_text = b ? a : default_doc;
    const char *patch = b ? b : a;
    size_t patch_len = b ? size - alen - 1 : alen;
    cJSON *doc = json_parse_strict(doc_text, strlen(doc_text), err, sizeof err);
    if (doc) {
        kapi_rc rc;
        cJSON *out = json_patch_apply(doc, patch, patch_len, &rc, err, sizeof err);
        cJSON_Delete(out);
        cJSON_Delete(doc);
    }
    free(a);
    free(b);
    return 0;
}
