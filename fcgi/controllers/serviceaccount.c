/* serviceaccount.c: the ServiceAccount controller
 * (pkg/controller/serviceaccount/serviceaccounts_controller.go): every
 * active namespace has a ServiceAccount named `default`. It runs before the
 * ReplicaSet controller in every round, since the ServiceAccount admission
 * refuses pods in a namespace without one. */
#include <stdio.h>
#include <string.h>
#include "controllers/controllers.h"

static void ensure_default(pass *p, const kapi_resource *accounts, const char *name, void *arg)
{
    if (cache_get(p, accounts, name, "default")) return;
    cJSON *sa = cJSON_CreateObject();
    cJSON_AddStringToObject(sa, "apiVersion", "v1");
    cJSON_AddStringToObject(sa, "kind", "ServiceAccount");
    cJSON *meta = cJSON_AddObjectToObject(sa, "metadata");
    cJSON_AddStringToObject(meta, "name", "default");
    cJSON_AddStringToObject(meta, "namespace", name);
    api_result r = api_create(p, accounts, name, sa, "every namespace has a default ServiceAccount");
    cJSON_Delete(sa);
    /* 409: another writer made it; it is there either way */
    if (r.status == 409) api_get(p, accounts, name, "default");
}

void serviceaccount_controller(pass *p)
{
    each_active_namespace(p, resource_by_plural("", "serviceaccounts"), ensure_default, NULL);
}
