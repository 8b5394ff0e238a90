/* storage_protection.c: the StorageObjectInUseProtection plugin
 * (plugin/pkg/admission/storage/storageobjectinuseprotection): a
 * PersistentVolumeClaim is created with the kubernetes.io/pvc-protection
 * finalizer and a PersistentVolume with kubernetes.io/pv-protection, so
 * neither goes while in use (the protection controllers remove them). */
#include <string.h>
#include "admission/admission.h"
#include "codec/objmeta.h"

static cJSON *protect(const admission_attrs *a)
{
    if (a->op != ADMIT_CREATE || !cJSON_IsObject(a->obj)) return NULL;
    const char *finalizer = admission_is(a, "", "persistentvolumeclaims") ? "kubernetes.io/pvc-protection"
                          : admission_is(a, "", "persistentvolumes")      ? "kubernetes.io/pv-protection"
                                                                          : NULL;
    if (finalizer) meta_add_finalizer(a->obj, finalizer);
    return NULL;
}

const admission_plugin admission_storage_object_in_use_protection = {
    .name = "StorageObjectInUseProtection",
    .mutate = protect,
};
