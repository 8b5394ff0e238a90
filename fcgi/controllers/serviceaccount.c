/* serviceaccount.c: the ServiceAccount controller
 * (pkg/controller/serviceaccount/serviceaccounts_controller.go): every
 * active namespace has a ServiceAccount named `default`. It runs before the
 * ReplicaSet controller in every round, since the ServiceAccount admission
 * refuses pods in a namespace without one. */
#include <stdio.h>
#include <string.h>
#include "controllers/controllers.h"

void serviceaccount_controller(pass *p)
{
    const kapi_resource *namespaces = resource_by_plural("", "namespaces");
    const kapi_resource *accounts = resource_by_plural("", "serviceaccounts");
    kind_cache *ns = cache_kind(p, namespaces);
    if (!ns || !cache_kind(p, accounts)) return;
    for (int i = 0; i < ns->all.n && pass_may_write(p); i++) {
        obj_entry *e = ns->all.items[i];
        const char *phase = obj_str(e->obj, "status.phase");
        /* a namespace that is not Active gets nothing new */
        if (e->gone || !phase || strcmp(phase, "Active")) continue;
        const char *name = obj_name(e->obj);
        if (cache_get(p, accounts, name, "default")) continue;
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
}
