/* default_storage_class.c: the DefaultStorageClass plugin
 * (plugin/pkg/admission/storage/storageclass/setdefault): a
 * PersistentVolumeClaim created without spec.storageClassName (absent, not
 * "") and without the beta volume.beta.kubernetes.io/storage-class
 * annotation gets the default StorageClass, the one annotated
 * storageclass.kubernetes.io/is-default-class=true (or the beta
 * annotation); of several, the newest. No default: nothing changes. */
#include "admission/admission.h"

static cJSON *set_default_class(const admission_attrs *a)
{
    return admission_set_default_class(a, "", "persistentvolumeclaims", "storageClassName",
                                       "volume.beta.kubernetes.io/storage-class", "/registry/storageclasses/",
                                       "storageclass.kubernetes.io/is-default-class",
                                       "storageclass.beta.kubernetes.io/is-default-class", "StorageClass");
}

const admission_plugin admission_default_storage_class = {
    .name = "DefaultStorageClass",
    .mutate = set_default_class,
};
