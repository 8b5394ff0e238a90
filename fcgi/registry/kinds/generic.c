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

/* Leases: kube's lease strategy refuses an update that names no
 * resourceVersion (AllowUnconditionalUpdate false), so that two candidates
 * of a leader election cannot both overwrite the lease blindly. */
const kapi_strategy strategy_leases = {
    .names = NAME_DNS1123_SUBDOMAIN,
    .requires_resource_version = 1,
};

const kapi_strategy strategy_with_status = {
    .names = NAME_DNS1123_SUBDOMAIN,
    .has_status = 1,
    .prepare_for_create = clear_status,
};
