/* pod_template.c: a pod template's defaults and validation, as the kinds
 * that embed one (Deployments, ReplicaSets) need them (see pod.h), through
 * the Pod strategy's own defaulting (pod_defaults.c) and validation
 * (pod_validate*.c). */
#include <stdio.h>
#include <string.h>
#include "registry/kinds/pod.h"
#include "registry/kinds/pod_internal.h"

/* What only SetDefaults_Pod does, for a Pod and not a template
 * (enableServiceLinks, requests copied from limits), is taken back. */
void pod_template_set_defaults(cJSON *template)
{
    if (!cJSON_IsObject(template)) return;
    cJSON *pspec = cJSON_DetachItemFromObjectCaseSensitive(template, "spec");
    if (!cJSON_IsObject(pspec)) { cJSON_Delete(pspec); pspec = cJSON_CreateObject(); }
    int had_links = cJSON_HasObjectItem(pspec, "enableServiceLinks");
    cJSON *saved = cJSON_CreateObject();
    static const char *const lists[] = {"containers", "initContainers", NULL};
    for (int l = 0; lists[l]; l++) {
        cJSON *arr = cJSON_CreateArray(), *c;
        cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(pspec, lists[l])) {
            const cJSON *r = cJSON_GetObjectItemCaseSensitive(c, "resources");
            cJSON_AddItemToArray(arr, r ? cJSON_Duplicate(r, 1) : cJSON_CreateNull());
        }
        cJSON_AddItemToObject(saved, lists[l], arr);
    }
    cJSON *pod = cJSON_CreateObject();
    cJSON_AddItemToObject(pod, "spec", pspec);
    pod_set_defaults(pod);
    pspec = cJSON_DetachItemFromObjectCaseSensitive(pod, "spec");
    cJSON_Delete(pod);
    if (!pspec) pspec = cJSON_CreateObject();
    if (!had_links) cJSON_DeleteItemFromObjectCaseSensitive(pspec, "enableServiceLinks");
    for (int l = 0; lists[l]; l++) {
        cJSON *c, *r = cJSON_GetObjectItemCaseSensitive(saved, lists[l])->child;
        cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(pspec, lists[l])) {
            if (!r) break;
            if (cJSON_IsNull(r)) cJSON_DeleteItemFromObjectCaseSensitive(c, "resources");
            else if (cJSON_HasObjectItem(c, "resources"))
                cJSON_ReplaceItemInObjectCaseSensitive(c, "resources", cJSON_Duplicate(r, 1));
            r = r->next;
        }
    }
    cJSON_Delete(saved);
    if (!cJSON_HasObjectItem(template, "metadata")) cJSON_AddObjectToObject(template, "metadata");
    cJSON_AddItemToObject(template, "spec", pspec);
}

/* The Pod strategy's validation writes paths from "spec." of a pod: here
 * they move under the template. */
void pod_template_validate_spec(const cJSON *template, const char *path, field_errors *errs)
{
    const cJSON *pspec = cJSON_GetObjectItemCaseSensitive(template, "spec");
    cJSON *empty = NULL;
    if (!cJSON_IsObject(pspec)) pspec = empty = cJSON_CreateObject();
    int first = errs->n;
    pod_validate_spec(pspec, cJSON_GetObjectItemCaseSensitive(template, "metadata"), errs);
    cJSON_Delete(empty);
    for (int i = first; i < errs->n; i++) {
        char field[sizeof errs->e[i].field];
        snprintf(field, sizeof field, "%s.%.230s", path, errs->e[i].field);
        memcpy(errs->e[i].field, field, sizeof field);
    }
}
