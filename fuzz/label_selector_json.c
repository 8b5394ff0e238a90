/* label_selector_json.c: fuzzes metav1.LabelSelector as it arrives in
 * request bodies (a Deployment's spec.selector, a PDB's selector) through
 * codec/labels.c: matching, the selector's text, LabelSelectorAsSelector's
 * checks and Go's %#v of it. Input: the selector's JSON. */
#include "codec/json.h"
#include "codec/labels.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static cJSON *labels;
    if (!labels) labels = cJSON_Parse("{\"app\":\"web\",\"tier\":\"1\"}");
    char err[256];
    cJSON *sel = json_parse_strict((const char *)data, size, err, sizeof err);
    if (!sel) return 0;
    label_selector_matches_labels(sel, labels);
    label_selector_is_empty(sel);
    kapi_buf out;
    kapi_buf_init(&out);
    label_selector_string(sel, &out);
    out.len = 0;
    label_selector_as_selector_string(sel, &out);
    out.len = 0;
    label_selector_go_syntax(sel, &out);
    out.len = 0;
    label_map_go_syntax(cJSON_GetObjectItemCaseSensitive(sel, "matchLabels"), &out);
    kapi_buf_free(&out);
    cJSON *canon = json_canonical_copy(sel);
    json_semantic_equal(sel, canon);
    cJSON_Delete(canon);
    cJSON_Delete(sel);
    return 0;
}
