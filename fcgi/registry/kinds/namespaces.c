/* namespaces.c: the Namespace strategy (pkg/registry/core/namespace): names
 * are DNS labels; a new namespace is Active, carries the kubernetes
 * finalizer and the kubernetes.io/metadata.name label (SetDefaults_Namespace);
 * spec.finalizers change only through the finalize subresource (the
 * namespace controller's last step). DELETE marks a namespace Terminating:
 * registry/delete.c. */
#include <stdio.h>
#include <string.h>
#include "codec/jsonpath.h"
#include "registry/rest_internal.h"
#include "registry/strategies.h"
#include "schema/decode.h"

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
    cJSON *fin = json_array_member(spec, "finalizers");
    int has = 0;
    const cJSON *f;
    cJSON_ArrayForEach(f, fin) if (cJSON_IsString(f) && !strcmp(f->valuestring, "kubernetes")) has = 1;
    if (!has) cJSON_AddItemToArray(fin, cJSON_CreateString("kubernetes"));
}

/* SetDefaults_Namespace: the kubernetes.io/metadata.name label, on every
 * write (a default: what the writer's managedFields entry owns) */
static void namespace_set_defaults(cJSON *obj)
{
    cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(meta, "name");
    if (cJSON_IsObject(meta) && cJSON_IsString(name)) {
        cJSON *labels = json_object_member(meta, "labels");
        cJSON_DeleteItemFromObjectCaseSensitive(labels, "kubernetes.io/metadata.name");
        cJSON_AddStringToObject(labels, "kubernetes.io/metadata.name", name->valuestring);
    }
}

/* An ordinary update may not change spec.finalizers: only the finalize
 * subresource does (the namespace controller, when the content is gone). */
static void namespace_prepare_for_update(cJSON *obj, const cJSON *old)
{
    cJSON *spec = cJSON_GetObjectItemCaseSensitive(obj, "spec");
    const cJSON *ospec = cJSON_GetObjectItemCaseSensitive(old, "spec");
    const cJSON *ofin = cJSON_GetObjectItemCaseSensitive(ospec, "finalizers");
    if (!cJSON_IsObject(spec)) {
        if (!ofin) return;
        cJSON_DeleteItemFromObjectCaseSensitive(obj, "spec");
        spec = cJSON_CreateObject();
        cJSON *status = cJSON_DetachItemFromObjectCaseSensitive(obj, "status");
        cJSON_AddItemToObject(obj, "spec", spec);
        if (status) cJSON_AddItemToObject(obj, "status", status);
    }
    cJSON_DeleteItemFromObjectCaseSensitive(spec, "finalizers");
    if (ofin) cJSON_AddItemToObject(spec, "finalizers", cJSON_Duplicate(ofin, 1));
}

/* ValidateNamespaceFinalizeUpdate: each finalizer is the standard one
 * ("kubernetes") or a qualified name with a '/'. */
static void validate_finalize(const cJSON *obj, const cJSON *old, field_errors *errs)
{
    (void)old;
    const cJSON *fin = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(obj, "spec"), "finalizers");
    const cJSON *f;
    int i = 0;
    cJSON_ArrayForEach(f, fin) {
        char field[64];
        snprintf(field, sizeof field, "spec.finalizers[%d]", i++);
        const char *name = cJSON_IsString(f) ? f->valuestring : "";
        validation_messages m = {0};
        is_qualified_name(name, &m);
        add_invalid_value_for_each_message(errs, field, name, &m);
        if (!m.n && strcmp(name, "kubernetes") && !strchr(name, '/'))
            field_error_add_str(errs, FIELD_INVALID, field, name,
                                "name is neither a standard finalizer name nor is it fully qualified");
    }
}

/* The finalize strategy: the whole namespace may change but its status. */
static const kapi_strategy strategy_namespace_finalize = {
    .names = NAME_DNS1123_LABEL, .has_status = 1, .return_deleted_object = 1,
    .validate_update = validate_finalize,
};

/* PUT /api/v1/namespaces/NAME/finalize */
static rest_result namespace_serve_subresource(rest_call *c, const char *subresource, const char *name)
{
    if (strcmp(subresource, "finalize")) return rest_not_found_path(c);
    if (strcmp(c->info->verb, "update")) return rest_method_not_allowed(c);
    rest_result fail;
    cJSON *st = NULL;
    cJSON *obj = decode_body(c->req, c->r->kind, &st);
    if (!obj) return rest_status(c, st, 0);
    if (rest_check_type_meta(c, obj, &fail)) return fail;
    cJSON *meta = obj_metadata(obj);
    if (rest_check_name(c, meta, name, &fail)) return fail;
    /* the same resource, with the finalize strategy */
    kapi_resource finalize = *c->r;
    finalize.strategy = &strategy_namespace_finalize;
    const kapi_resource *r = c->r;
    c->r = &finalize;
    rest_result res = rest_guaranteed_update(c, name, 0, rest_body_object, obj);
    c->r = r;
    return res;
}

const kapi_strategy strategy_namespaces = {
    .names = NAME_DNS1123_LABEL, .has_status = 1, .return_deleted_object = 1,
    .set_defaults = namespace_set_defaults,
    .prepare_for_create = namespace_prepare_for_create, .prepare_for_update = namespace_prepare_for_update,
    .serve_subresource = namespace_serve_subresource,
};
