/* merge_patch.c: fuzzes RFC 7386 JSON merge patch (codec/jsonpatch.c's
 * json_merge_patch, application/merge-patch+json). Input: "target NUL
 * patch" (both JSON), or a patch alone merged into a small object. */
#include "codec/json.h"
#include "codec/jsonpatch.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *a, *b, err[512];
    fuzz_split(data, size, &a, &b);
    const char *target_text = b ? a : "{\"metadata\":{\"name\":\"x\",\"labels\":{\"a\":\"b\"}},\"spec\":{\"k\":[1,2]}}";
    const char *patch_text = b ? b : a;
    cJSON *target = json_parse_strict(target_text, strlen(target_text), err, sizeof err);
    cJSON *patch = json_parse_strict(patch_text, strlen(patch_text), err, sizeof err);
    if (target && patch) {
        cJSON *out = json_merge_patch(target, patch);
        target = NULL;   /* consumed */
        char *text = json_print(out, 0);
        free(text);
        cJSON_Delete(out);
    }
    cJSON_Delete(target);
    cJSON_Delete(patch);
    free(a);
    free(b);
    return 0;
}
