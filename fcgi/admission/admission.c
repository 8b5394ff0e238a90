/* admission.c: the admission chains, in kube-apiserver's plugin order
 * (pkg/kubeapiserver/options/plugins.go: NamespaceLifecycle first). */
#include <stdlib.h>
#include <string.h>
#include "admission/admission.h"
#include "codec/jsonpath.h"
#include "core/alloc.h"
#include "codec/quantity.h"
#include "core/status.h"
#include "schema/field_validation.h"
#include "store/store.h"

/* kube's AllOrderedPlugins, those kapi runs (the webhook and policy
 * plugins, when they come, go before ResourceQuota, which stays last) */
static const admission_plugin *const plugins[] = {
    &admission_namespace_lifecycle,
    &admission_limit_ranger,
    &admission_service_account,
    &admission_pod_security,
    &admission_priority,
    &admission_default_toleration_seconds,
    &admission_default_storage_class,
    &admission_storage_object_in_use_protection,
    &admission_default_ingress_class,
    &admission_validating_policy,
    &admission_resource_quota,
};
static const int n_plugins = sizeof plugins / sizeof plugins[0];

/* Not an admission plugin in kube but its policy-based RBAC storage, which
 * checks after every mutating plugin and before validation. */
static const admission_plugin *const after_mutation[] = {
    &admission_rbac_escalation,
};

cJSON *admission_mutate(const admission_attrs *a)
{
    for (int i = 0; i < n_plugins; i++) {
        if (!plugins[i]->mutate) continue;
        cJSON *st = plugins[i]->mutate(a);
        if (st) return st;
    }
    for (size_t i = 0; i < sizeof after_mutation / sizeof after_mutation[0]; i++) {
        cJSON *st = after_mutation[i]->mutate(a);
        if (st) return st;
    }
    return NULL;
}

cJSON *admission_validate(const admission_attrs *a)
{
    for (int i = 0; i < n_plugins; i++) {
        if (!plugins[i]->validate) continue;
        cJSON *st = plugins[i]->validate(a);
        if (st) return st;
    }
    return NULL;
}

cJSON *admission_pod_forbidden(const char *name, const char *why)
{
    kapi_buf msg;
    kapi_buf_init(&msg);
    kapi_buf_printf(&msg, "pods \"%s\" is forbidden: %s", name, why);
    cJSON *st = status_new_details(KAPI_FORBIDDEN, msg.data, name, NULL, "pods");
    kapi_buf_free(&msg);
    return st;
}

void admission_warn(const admission_attrs *a, const char *text)
{
    if (a->req && a->resp) field_validation_warn(a->req, a->resp, text);
}

int admission_is(const admission_attrs *a, const char *group, const char *plural)
{
    return !strcmp(a->resource->group, group) && !strcmp(a->resource->plural, plural) && !a->subresource[0];
}

typedef struct class_search {
    const char *ann, *beta_ann;
    char *name, *created;    /* the best so far (malloc'd) */
} class_search;

static int consider_class(void *arg, const char *key, const char *value, int64_t rev)
{
    (void)key, (void)rev;
    class_search *cs = arg;
    cJSON *o = cJSON_Parse(value);
    const cJSON *meta = json_get(o, "metadata"), *ann = json_get(meta, "annotations");
    if (!strcmp(json_str(ann, cs->ann), "true") || (cs->beta_ann && !strcmp(json_str(ann, cs->beta_ann), "true"))) {
        const char *name = json_str(meta, "name"), *created = json_str(meta, "creationTimestamp");
        int c = cs->name ? strcmp(created, cs->created) : 1;
        if (c > 0 || (c == 0 && strcmp(name, cs->name) < 0)) {
            free(cs->name), free(cs->created);
            cs->name = kapi_xstrdup(name);
            cs->created = kapi_xstrdup(created);
        }
    }
    cJSON_Delete(o);
    return 0;
}

const char *admission_default_class(const admission_attrs *a, const char *prefix, const char *ann,
                                    const char *beta_ann)
{
    class_search cs = {.ann = ann, .beta_ann = beta_ann};
    int64_t rev;
    store_rc rc = store_list(a->ctx->store, prefix, NULL, 0, consider_class, &cs, &rev);
    const char *name = rc != STORE_OK ? NULL : kapi_pstrdup(a->pool, cs.name ? cs.name : "");
    free(cs.name), free(cs.created);
    return name;
}

/* podRequests / podLimits: the containers' sum, at least each init
 * container's (for resources some container names) */
cJSON *admission_pod_total(kapi_pool *p, const cJSON *spec, const char *which)
{
    cJSON *sum = kapi_pool_keep_json(p, cJSON_CreateObject());
    const cJSON *c, *e;
    cJSON_ArrayForEach(c, json_get(spec, "containers")) {
        cJSON_ArrayForEach(e, json_at(c, kapi_psprintf(p, "resources.%s", which))) {
            quantity add, have = {0};
            const char *err;
            if (quantity_from_json(e, &add, &err)) continue;
            const cJSON *cur = json_get(sum, e->string);
            if (cur) quantity_from_json(cur, &have, &err);
            quantity_add(&have, &add);
            char t[64];
            quantity_format_canonical(cur ? &have : &add, t, sizeof t);
            cJSON_DeleteItemFromObjectCaseSensitive(sum, e->string);
            cJSON_AddStringToObject(sum, e->string, t);
        }
    }
    cJSON_ArrayForEach(c, json_get(spec, "initContainers")) {
        cJSON_ArrayForEach(e, json_at(c, kapi_psprintf(p, "resources.%s", which))) {
            quantity v, have;
            const char *err;
            if (quantity_from_json(e, &v, &err)) continue;
            const cJSON *cur = json_get(sum, e->string);
            if (cur && !quantity_from_json(cur, &have, &err) && quantity_cmp(&have, &v) >= 0) continue;
            cJSON_DeleteItemFromObjectCaseSensitive(sum, e->string);
            cJSON_AddItemToObject(sum, e->string, cJSON_Duplicate(e, 1));
        }
    }
    return sum;
}


cJSON *admission_forbidden(const admission_attrs *a, const char *why)
{
    const char *name = a->name && *a->name ? a->name : json_str_at(a->obj, "metadata.generateName", "");
    if (!*name) name = "Unknown";
    const kapi_resource *r = a->resource;
    const char *qualified = r->group[0] ? kapi_psprintf(a->pool, "%s.%s", r->plural, r->group) : r->plural;
    return status_new_details(KAPI_FORBIDDEN, kapi_psprintf(a->pool, "%s \"%s\" is forbidden: %s", qualified, name, why),
                              name, r->group, r->plural);
}

cJSON *admission_set_default_class(const admission_attrs *a, const char *group, const char *plural, const char *field,
                                   const char *legacy_annotation, const char *prefix, const char *ann,
                                   const char *beta_ann, const char *kind)
{
    if (a->op != ADMIT_CREATE || !admission_is(a, group, plural) || !cJSON_IsObject(a->obj)) return NULL;
    cJSON *spec = json_object_member(a->obj, "spec");
    if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(spec, field))) return NULL;
    if (json_get(json_get(json_get(a->obj, "metadata"), "annotations"), legacy_annotation)) return NULL;
    const char *name = admission_default_class(a, prefix, ann, beta_ann);
    if (!name)
        return status_new(KAPI_FORBIDDEN, kapi_psprintf(a->pool, "error finding default %s: reading from storage failed", kind));
    if (*name) json_set_str(spec, field, name);
    return NULL;
}
