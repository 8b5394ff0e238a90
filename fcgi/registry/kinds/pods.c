/* pods.c: the Pod strategy (pkg/registry/core/pod/strategy.go): a new pod's
 * status is Pending; status changes only through pods/status; DELETE answers
 * with the pod. Defaulting, admission and ValidatePod deepen this. */
#include "registry/strategies.h"

static void pod_prepare_for_create(cJSON *obj)
{
    cJSON_DeleteItemFromObjectCaseSensitive(obj, "status");
    cJSON *status = cJSON_AddObjectToObject(obj, "status");
    cJSON_AddStringToObject(status, "phase", "Pending");
}

const kapi_strategy strategy_pods = {
    .names = NAME_DNS1123_SUBDOMAIN,
    .has_status = 1,
    .return_deleted_object = 1,
    .prepare_for_create = pod_prepare_for_create,
};
