/* generic.c: strategies for kinds whose rules are only the generic ones:
 * object metadata, and for kinds with a status, a status that users set
 * through the status subresource only. */
#include "registry/strategies.h"

static void clear_status(cJSON *obj)
{
    cJSON_DeleteItemFromObjectCaseSensitive(obj, "status");
}

const kapi_strategy strategy_generic = {
    .names = NAME_DNS1123_SUBDOMAIN,
};

const kapi_strategy strategy_with_status = {
    .names = NAME_DNS1123_SUBDOMAIN,
    .has_status = 1,
    .prepare_for_create = clear_status,
};
