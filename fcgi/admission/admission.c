/* admission.c: the admission chains, in kube-apiserver's plugin order
 * (pkg/kubeapiserver/options/plugins.go: NamespaceLifecycle first). */
#include "admission/admission.h"
#include "core/status.h"

static const admission_plugin *const plugins[] = {
    &admission_namespace_lifecycle,
    &admission_service_account,
    &admission_priority,
    &admission_default_toleration_seconds,
    &admission_validating_policy,
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
