/* conversion.c: fuzzes the conversions of kinds served in another form
 * than stored (registry/kinds/hpa_v1.c, events_v1.c), as a request body
 * arrives: the JSON object (first byte even: an autoscaling/v1
 * HorizontalPodAutoscaler, with kube's round-trip annotations holding JSON
 * of their own; odd: an events.k8s.io/v1 Event) converted to the stored
 * form and back. */
#include "codec/json.h"
#include "registry/kinds/conversion.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    char err[128];
    cJSON *obj = json_parse_strict((const char *)data + 1, size - 1, err, sizeof err);
    if (!cJSON_IsObject(obj)) {
        cJSON_Delete(obj);
        return 0;
    }
    if (data[0] % 2 == 0) {
        hpa_v1_to_storage(obj);
        hpa_v1_from_storage(obj);
        hpa_v1_to_storage(obj);
    } else {
        event_v1_to_storage(obj);
        event_v1_from_storage(obj);
    }
    cJSON_Delete(obj);
    return 0;
}
