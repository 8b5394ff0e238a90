/* objmeta.c: annotations, finalizers and owner references of an object
 * (see objmeta.h). */
#include <string.h>
#include "codec/jsonpath.h"
#include "codec/objmeta.h"

const char *meta_annotation(const cJSON *obj, const char *key)
{
    const cJSON *v = json_get(json_object_at(obj, "metadata.annotations"), key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

void meta_set_annotation(cJSON *obj, const char *key, const char *value)
{
    cJSON *a = json_object_member(json_object_member(obj, "metadata"), "annotations");
    cJSON_DeleteItemFromObjectCaseSensitive(a, key);      /* a changed key moves last */
    cJSON_AddStringToObject(a, key, value);
}

int meta_has_finalizer(const cJSON *obj, const char *f)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, json_array_at(obj, "metadata.finalizers"))
        if (cJSON_IsString(e) && !strcmp(e->valuestring, f)) return 1;
    return 0;
}

void meta_add_finalizer(cJSON *obj, const char *f)
{
    if (meta_has_finalizer(obj, f)) return;
    cJSON *meta = json_object_member(obj, "metadata");
    cJSON *list = cJSON_GetObjectItemCaseSensitive(meta, "finalizers");
    if (!cJSON_IsArray(list)) {
        cJSON_DeleteItemFromObjectCaseSensitive(meta, "finalizers");
        list = cJSON_AddArrayToObject(meta, "finalizers");
    }
    cJSON_AddItemToArray(list, cJSON_CreateString(f));
}

const cJSON *owner_ref_with_uid(const cJSON *obj, const char *uid)
{
    const cJSON *r;
    cJSON_ArrayForEach(r, json_array_at(obj, "metadata.ownerReferences")) {
        const char *u = json_str_at(r, "uid", NULL);
        if (u && uid && !strcmp(u, uid)) return r;
    }
    return NULL;
}

const cJSON *owner_ref_controller(const cJSON *obj)
{
    const cJSON *r;
    cJSON_ArrayForEach(r, json_array_at(obj, "metadata.ownerReferences"))
        if (json_true_at(r, "controller")) return r;
    return NULL;
}

int owner_ref_controlled_by(const cJSON *obj, const char *uid)
{
    const char *u = json_str_at(owner_ref_controller(obj), "uid", NULL);
    return u && uid && !strcmp(u, uid);
}

/* {"metadata":{"resourceVersion":rv, field: list or null}} (list consumed). */
static cJSON *metadata_list_patch(const cJSON *obj, const char *field, cJSON *list)
{
    cJSON *patch = cJSON_CreateObject();
    cJSON *meta = cJSON_AddObjectToObject(patch, "metadata");
    const char *rv = json_str_at(obj, "metadata.resourceVersion", NULL);
    if (rv) cJSON_AddStringToObject(meta, "resourceVersion", rv);
    if (list->child) {
        cJSON_AddItemToObject(meta, field, list);
    } else {
        cJSON_Delete(list);
        cJSON_AddNullToObject(meta, field);
    }
    return patch;
}

cJSON *owner_refs_patch(const cJSON *obj, const char *const *drop, int n, const cJSON *add)
{
    cJSON *refs = cJSON_CreateArray();
    const cJSON *r;
    cJSON_ArrayForEach(r, json_array_at(obj, "metadata.ownerReferences")) {
        const char *uid = json_str_at(r, "uid", NULL);
        int dropped = 0;
        for (int i = 0; i < n && uid; i++)
            if (drop[i] && !strcmp(drop[i], uid)) dropped = 1;
        if (!dropped) cJSON_AddItemToArray(refs, cJSON_Duplicate(r, 1));
    }
    if (add) cJSON_AddItemToArray(refs, cJSON_Duplicate(add, 1));
    return metadata_list_patch(obj, "ownerReferences", refs);
}

cJSON *finalizer_removal_patch(const cJSON *obj, const char *f)
{
    cJSON *kept = cJSON_CreateArray();
    const cJSON *x;
    cJSON_ArrayForEach(x, json_array_at(obj, "metadata.finalizers"))
        if (!cJSON_IsString(x) || strcmp(x->valuestring, f)) cJSON_AddItemToArray(kept, cJSON_Duplicate(x, 1));
    return metadata_list_patch(obj, "finalizers", kept);
}
