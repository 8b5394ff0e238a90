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

/* Leases: kube's lease strategy refuses an update of an existing lease
 * that names no resourceVersion (AllowUnconditionalUpdate false), so that
 * two candidates of a leader election cannot both overwrite the lease
 * blindly; a PUT of a lease that does not exist creates it. */
const kapi_strategy strategy_leases = {
    .names = NAME_DNS1123_SUBDOMAIN,
    .requires_resource_version = 1,
    .allows_create_on_update = 1,
};

/* Events: metadata rules only; a PUT may create one (kube's event
 * strategy allows create on update, as event recorders rely on). */
const kapi_strategy strategy_events = {
    .names = NAME_DNS1123_SUBDOMAIN,
    .allows_create_on_update = 1,
};

const kapi_strategy strategy_with_status = {
    .names = NAME_DNS1123_SUBDOMAIN,
    .has_status = 1,
    .prepare_for_create = clear_status,
};
