/* default_storage_class.c: the DefaultStorageClass plugin
 * (plugin/pkg/admission/storage/storageclass/setdefault): a
 * PersistentVolumeClaim created without spec.storageClassName (absent, not
 * "") and without the beta volume.beta.kubernetes.io/storage-class
 * annotation gets the default StorageClass, the one annotated
 * storageclass.kubernetes.io/is-default-class=true (or the beta
 * annotation); of several, the newest. No default: nothing changes. */
#include <string.h>
#include "admission/admission.h"
#include "codec/jsonpath.h"
#include "codec/objmeta.h"
#include "core/status.h"

static cJSON *set_default_class(const admission_attrs *a)
{
    if (a->op != ADMIT_CREATE || !admission_is(a, "", "persistentvolumeclaims") || !cJSON_IsObject(a->obj)) return NULL;
    cJSON *spec = json_object_member(a->obj, "spec");
    if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(spec, "storageClassName"))) return NULL;
    if (meta_annotation(a->obj, "volume.beta.kubernetes.io/storage-class")) return NULL;
    const char *name = admission_default_class(a, "/registry/storageclasses/", "storageclass.kubernetes.io/is-default-class",
                                               "storageclass.beta.kubernetes.io/is-default-class");
    if (!name) return status_new(KAPI_FORBIDDEN, "error finding default StorageClass: reading from storage failed");
    if (*name) json_set_str(spec, "storageClassName", name);
    return NULL;
}

const admission_plugin admission_default_storage_class = {
    .name = "DefaultStorageClass",
    .mutate = set_default_class,
};
