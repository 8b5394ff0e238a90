/* namespace_lifecycle.c: the NamespaceLifecycle plugin
 * (plugin/pkg/admission/namespace/lifecycle): nothing is created in a
 * namespace that does not exist or is terminating, and the namespaces the
 * cluster needs (default, kube-system, kube-public) cannot be deleted. */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include "admission/admission.h"
#include "core/status.h"
#include "store/store.h"

static const char *const immortal[] = {"default", "kube-system", "kube-public", NULL};

static const char *qualified(const admission_attrs *a)
{
    if (!a->resource->group[0]) return a->resource->plural;
    return kapi_psprintf(a->pool, "%s.%s", a->resource->plural, a->resource->group);
}

static cJSON *namespace_lifecycle_admit(const admission_attrs *a)
{
    const kapi_resource *r = a->resource;
    int is_namespaces = (r->flags & KIND_IS_NAMESPACE) != 0;
    if (is_namespaces && a->op == ADMIT_DELETE) {
        for (int i = 0; immortal[i]; i++) {
            if (strcmp(a->name, immortal[i])) continue;
            char msg[300];
            snprintf(msg, sizeof msg, "namespaces \"%s\" is forbidden: this namespace may not be deleted", a->name);
            return status_new_details(KAPI_FORBIDDEN, msg, a->name, NULL, "namespaces");
        }
        return NULL;
    }
    if (a->op != ADMIT_CREATE || !r->namespaced || !a->ns[0]) return NULL;
    store_kv kv;
    const kapi_resource *namespaces = kinds_find_flagged(kinds_current(), KIND_IS_NAMESPACE);
    assert(namespaces);
    char *key = resource_key(a->pool, namespaces, "", a->ns);
    store_rc rc = store_get(a->ctx->store, key, &kv);
    if (rc == STORE_NOT_FOUND) {
        char msg[400];
        snprintf(msg, sizeof msg, "namespaces \"%s\" not found", a->ns);
        return status_new_details(KAPI_NOT_FOUND, msg, a->ns, NULL, "namespaces");
    }
    if (rc != STORE_OK) return status_new(KAPI_INTERNAL, "Internal error occurred: reading the namespace failed");
    cJSON *ns = cJSON_Parse(kv.value);
    store_kv_free(&kv);
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(ns, "status");
    const cJSON *phase = cJSON_GetObjectItemCaseSensitive(status, "phase");
    int terminating = cJSON_IsString(phase) && !strcmp(phase->valuestring, "Terminating");
    cJSON_Delete(ns);
    if (!terminating) return NULL;
    char msg[800];
    snprintf(msg, sizeof msg,
             "%s \"%s\" is forbidden: unable to create new content in namespace %s because it is being terminated",
             qualified(a), a->name, a->ns);
    return status_new_details(KAPI_FORBIDDEN, msg, a->name, r->group, r->plural);
}

const admission_plugin admission_namespace_lifecycle = {
    .name = "NamespaceLifecycle",
    .mutate = namespace_lifecycle_admit,
};
