/* admission.c: the admission chains, in kube-apiserver's plugin order
 * (pkg/kubeapiserver/options/plugins.go: NamespaceLifecycle first). */
#include "admission/admission.h"

static const admission_plugin *const plugins[] = {
    &admission_namespace_lifecycle,
};
static const int n_plugins = sizeof plugins / sizeof plugins[0];

cJSON *admission_mutate(const admission_attrs *a)
{
    for (int i = 0; i < n_plugins; i++) {
        if (!plugins[i]->mutate) continue;
        cJSON *st = plugins[i]->mutate(a);
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
