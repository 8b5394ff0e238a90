/* openapi_crd.c: the OpenAPI schema of a custom resource, as kube's
 * apiextensions-apiserver builds it (pkg/controller/openapi/builder): the
 * version's openAPIV3Schema under the name <reversed group>.<version>.<Kind>
 * ("com.example.stable.v1.CronTab"), with apiVersion, kind and metadata
 * (ObjectMeta) added to its properties and x-kubernetes-group-version-kind,
 * so `kubectl explain <plural>.spec` reads it. */
#include <stdio.h>
#include <string.h>
#include "codec/jsonpath.h"
#include "http/openapi_crd.h"
#include "registry/kinds/customresources.h"

void openapi_custom_resource_name(const kapi_resource *r, char *out, size_t n)
{
    /* the group's labels reversed */
    size_t o = 0;
    const char *end = r->group + strlen(r->group);
    while (end > r->group && o + 1 < n) {
        const char *start = end;
        while (start > r->group && start[-1] != '.') start--;
        o += (size_t)snprintf(out + o, n - o, "%.*s.", (int)(end - start), start);
        if (o >= n) break;
        end = start > r->group ? start - 1 : r->group;
    }
    if (o < n) snprintf(out + o, n - o, "%s.%s", r->version, r->kind);
}

static cJSON *string_property(const char *description)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "description", description);
    cJSON_AddStringToObject(p, "type", "string");
    return p;
}

cJSON *openapi_custom_resource_schema(const kapi_resource *r, openapi_dialect d)
{
    if (!(r->flags & KIND_IS_CUSTOM)) return NULL;
    const cJSON *src = crd_openapi_schema_of(r->group, r->version, r->plural);
    cJSON *s = src ? cJSON_Duplicate(src, 1) : cJSON_CreateObject();
    if (!cJSON_GetObjectItemCaseSensitive(s, "type")) cJSON_AddStringToObject(s, "type", "object");
    cJSON *props = json_object_member(s, "properties");
    cJSON_DeleteItemFromObjectCaseSensitive(props, "apiVersion");
    cJSON_DeleteItemFromObjectCaseSensitive(props, "kind");
    cJSON_DeleteItemFromObjectCaseSensitive(props, "metadata");
    openapi_add_sorted(props, "apiVersion", string_property(
        "APIVersion defines the versioned schema of this representation of an object. Servers should convert "
        "recognized schemas to the latest internal value, and may reject unrecognized values. More info: "
        "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources"));
    openapi_add_sorted(props, "kind", string_property(
        "Kind is a string value representing the REST resource this object represents. Servers may infer this "
        "from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: "
        "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds"));
    cJSON *meta = cJSON_CreateObject();
    cJSON *ref = openapi_ref(d, "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
    if (d == OPENAPI_V3) {
        cJSON *all = cJSON_AddArrayToObject(meta, "allOf");
        cJSON_AddItemToArray(all, ref);
    } else {
        cJSON *target = cJSON_DetachItemFromObjectCaseSensitive(ref, "$ref");
        cJSON_AddItemToObject(meta, "$ref", target);
        cJSON_Delete(ref);
    }
    cJSON_AddStringToObject(meta, "description",
        "Standard object's metadata. More info: "
        "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata");
    openapi_add_sorted(props, "metadata", meta);
    cJSON_DeleteItemFromObjectCaseSensitive(s, "x-kubernetes-group-version-kind");
    cJSON *gvks = cJSON_CreateArray();
    cJSON_AddItemToArray(gvks, openapi_gvk(r->group, r->version, r->kind));
    openapi_add_sorted(s, "x-kubernetes-group-version-kind", gvks);
    return s;
}

int openapi_add_custom_resource(cJSON *schemas, cJSON *paths, const kapi_resource *r, openapi_dialect d)
{
    cJSON *s = openapi_custom_resource_schema(r, d);
    if (!s) return 0;
    char name[400], list_name[420];
    openapi_custom_resource_name(r, name, sizeof name);
    snprintf(list_name, sizeof list_name, "%sList", name);
    openapi_add_sorted(schemas, name, s);
    if (!cJSON_GetObjectItemCaseSensitive(schemas, list_name))
        openapi_add_sorted(schemas, list_name, openapi_list_schema_named(r, name, d));
    openapi_add_resource_paths_named(paths, r, d, name);
    return 1;
}
