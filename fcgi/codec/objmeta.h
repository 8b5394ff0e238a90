/* objmeta.h: an object's metadata as the controllers and strategies read
 * and change it: annotations, owner references (metav1.OwnerReference,
 * GetControllerOf, the ControllerRefManager's adopt/release patches) and
 * finalizers. Objects are cJSON trees in their JSON form. */
#ifndef KAPI_OBJMETA_H
#define KAPI_OBJMETA_H

#include <cjson/cJSON.h>

/* metadata.annotations[key] when it is a string, else NULL. */
const char *meta_annotation(const cJSON *obj, const char *key);
/* Sets metadata.annotations[key] = value (as the last member), creating
 * what is missing. */
void meta_set_annotation(cJSON *obj, const char *key, const char *value);

/* 1 when metadata.finalizers holds f. */
int meta_has_finalizer(const cJSON *obj, const char *f);
/* Appends f to metadata.finalizers unless it is there. obj must be an object. */
void meta_add_finalizer(cJSON *obj, const char *f);

/* The ownerReference whose uid is uid, or NULL. */
const cJSON *owner_ref_with_uid(const cJSON *obj, const char *uid);
/* The ownerReference with controller: true (GetControllerOf), or NULL. */
const cJSON *owner_ref_controller(const cJSON *obj);
/* 1 when obj's controller reference has uid uid. */
int owner_ref_controlled_by(const cJSON *obj, const char *uid);

/* A merge patch of obj's metadata, conditional on its resourceVersion:
 * ownerReferences without those whose uid is one of the n in drop, with add
 * (when not NULL) appended; null when none is left. Caller frees. */
cJSON *owner_refs_patch(const cJSON *obj, const char *const *drop, int n, const cJSON *add);
/* The same for metadata.finalizers without f. */
cJSON *finalizer_removal_patch(const cJSON *obj, const char *f);

#endif
