/* yaml.c: fuzzes the YAML codec (codec/yaml.c, application/yaml bodies):
 * the parser with duplicate-key noting, then the writer on what it
 * accepted, whose output must read back as YAML. */
#include <assert.h>
#include "codec/yaml.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512], dup[256];
    cJSON *v = yaml_parse_noting_duplicate((const char *)data, size, err, sizeof err, dup, sizeof dup);
    if (!v) return 0;
    kapi_buf out;
    kapi_buf_init(&out);
    if (yaml_write(&out, v) == 0) {
        cJSON *again = yaml_parse(out.data, out.len, err, sizeof err);
        cJSON_Delete(again);
    }
    kapi_buf_free(&out);
    cJSON_Delete(v);
    return 0;
}
