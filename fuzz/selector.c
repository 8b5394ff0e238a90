/* selector.c: fuzzes the labelSelector and fieldSelector query parameters
 * (codec/selector.c: labels.Parse and fields.ParseSelector grammars), and
 * matching what parses against a few labels and a small object. */
#include "codec/json.h"
#include "codec/selector.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static cJSON *labels, *obj;
    if (!labels) {
        labels = cJSON_Parse("{\"app\":\"web\",\"tier\":\"1\",\"x.io/y\":\"\"}");
        obj = cJSON_Parse("{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\",\"labels\":{\"app\":\"web\"}},"
                          "\"spec\":{\"nodeName\":\"n1\"},\"status\":{\"phase\":\"Running\"}}");
    }
    char *text = fuzz_cstring(data, size), err[512];
    kapi_pool *p = kapi_pool_new();
    selector sel;
    if (label_selector_parse(p, text, &sel, err, sizeof err) == 0) label_selector_matches(&sel, labels);
    if (field_selector_parse(p, text, &sel, err, sizeof err) == 0) field_selector_matches(&sel, obj);
    kapi_pool_free(p);
    free(text);
    return 0;
}
