/* quantity.c: fuzzes resource.Quantity parsing (codec/quantity.c), as
 * resources.requests/limits, ResourceQuota and LimitRange values arrive:
 * the string grammar, the canonical text (which must parse back to the
 * same value), arithmetic on it, and the JSON form. */
#include <assert.h>
#include "codec/json.h"
#include "codec/quantity.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstring(data, size);
    quantity q, again;
    const char *err;
    if (quantity_parse(text, &q, &err) == 0) {
        char canon[64];
        quantity_format_canonical(&q, canon, sizeof canon);
        assert(quantity_parse(canon, &again, &err) == 0);
        quantity_sign(&q);
        quantity_milli_value(&q);
        quantity sum = q;
        quantity_add(&sum, &again);
        quantity_round_up(&sum, -3);
        quantity_cmp(&q, &sum);
    }
    char jerr[128], out[64];
    cJSON *v = json_parse_strict((const char *)data, size, jerr, sizeof jerr);
    if (v) {
        quantity_canonical_json(v, out, sizeof out);
        cJSON_Delete(v);
    }
    free(text);
    return 0;
}
