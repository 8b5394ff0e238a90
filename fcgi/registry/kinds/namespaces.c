/* namespaces.c: the Namespace strategy (pkg/registry/core/namespace): names
 * are DNS labels; a new namespace is Active, carries the kubernetes
 * finalizer and the kubernetes.io/metadata.name label (SetDefaults_Namespace). */
#include <string.h>
#include "registry/strategies.h"

static void namespace_prepare_for_create(cJSON *obj)
{
    cJSON_DeleteItemFromObjectCaseSensitive(obj, "status");
    cJSON *status = cJSON_AddObjectToObject(obj, "status");
    cJSON_AddStringToObject(status, "phase", "Active");
    cJSON *spec = cJSON_GetObjectItemCaseSensitive(obj, "spec");
    if (!cJSON_IsObject(spec)) {
        cJSON_DeleteItemFromObjectCaseSensitive(obj, "spec");
        spec = cJSON_CreateObject();
        /* spec before status, as in the Go struct */
        cJSON_DetachItemViaPointer(obj, status);
        cJSON_AddItemToObject(obj, "spec", spec);
        cJSON_AddItemToObject(obj, "status", status);
    }
    cJSON *fin = cJSON_GetObjectItemCaseSensitive(spec, "finalizers");
    if (!cJSON_IsArray(fin)) {
        cJSON_DeleteItemFromObjectCaseSensitive(spec, "finalizers");
        fin = cJSON_AddArrayToObject(spec, "finalizers");
    }
    int has = 0;
    const cJSON *f;
    cJSON_ArrayForEach(f, fin) if (cJSON_IsString(f) && !strcmp(f->valuestring, "kubernetes")) has = 1;
    if (!has) cJSON_AddItemToArray(fin, cJSON_CreateString("kubernetes"));

    cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(meta, "name");
    if (cJSON_IsObject(meta) && cJSON_IsString(name)) {
        cJSON *labels = cJSON_GetObjectItemCaseSensitive(meta, "labels");
        if (!cJSON_IsObject(labels)) {
            cJSON_DeleteItemFromObjectCaseSensitive(meta, "labels");
            labels = cJSON_AddObjectToObject(meta, "labels");
        }
        cJSON_DeleteItemFromObjectCaseSensitive(labels, "kubernetes.io/metadata.name");
        cJSON_AddStringToObject(labels, "kubernetes.io/metadata.name", name->valuestring);
    }
}

const kapi_strategy strategy_namespaces = {
    .names = NAME_DNS1123_LABEL,
    .has_status = 1,
    .return_deleted_object = 1,
    .prepare_for_create = namespace_prepare_for_create,
};
