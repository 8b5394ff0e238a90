/* strategic_merge_patch.c: fuzzes strategic merge patch (schema/smpatch.c,
 * application/strategic-merge-patch+json) driven by a kind's schema: the
 * first byte picks the kind, the rest is "original NUL patch" (both JSON),
 * or a patch alone applied to an empty object of that kind. */
#include "codec/json.h"
#include "fuzz.h"
#include "schema/schema.h"
#include "schema/smpatch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_schema_load();
    if (size < 1) return 0;
    const schema_type *t = schema_kind_named(fuzz_kinds[data[0] % FUZZ_N_KINDS]);
    char *a, *b, err[1024];
    fuzz_split(data + 1, size - 1, &a, &b);
    const char *original_text = b ? a : "{}";
    const char *patch_text = b ? b : a;
    cJSON *original = json_parse_strict(original_text, strlen(original_text), err, sizeof err);
    cJSON *patch = json_parse_strict(patch_text, strlen(patch_text), err, sizeof err);
    if (original && patch) {
        kapi_rc rc;
        cJSON *out = strategic_merge_patch(original, patch, t, &rc, err, sizeof err);
        cJSON_Delete(out);
    }
    cJSON_Delete(original);
    cJSON_Delete(patch);
    free(a);
    free(b);
    return 0;
}
