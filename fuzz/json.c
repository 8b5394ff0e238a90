/* json.c: fuzzes the JSON codec every request body goes through
 * (codec/json.c): the strict parser, the duplicate-key finder, and the
 * writer on whatever the parser accepted, whose output must parse again. */
#include <assert.h>
#include "codec/json.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    char err[256], path[256], dup[256];
    cJSON *v = json_parse_strict_noting_duplicate(text, size, err, sizeof err, dup, sizeof dup);
    int found = json_find_duplicate_key(text, size, path, sizeof path);
    assert((v != NULL) == (found >= 0));
    if (v) {
        /* A duplicate of the root's key "" has the path "", which the API
         * also uses for "none" ({"":1,"":2}): only a named path is checked. */
        if (dup[0]) assert(found == 1);
        for (int pretty = 0; pretty <= 1; pretty++) {
            char *out = json_print(v, pretty);
            if (!out) continue;   /* a value JSON cannot carry */
            cJSON *again = json_parse_strict(out, strlen(out), err, sizeof err);
            assert(again);
            cJSON_Delete(again);
            free(out);
        }
        cJSON_Delete(v);
    }
    return 0;
}
