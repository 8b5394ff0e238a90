/* default_toleration_seconds.c: the DefaultTolerationSeconds admission
 * plugin (plugin/pkg/admission/defaulttolerationseconds): a pod created or
 * updated without a toleration for the node.kubernetes.io/not-ready or
 * node.kubernetes.io/unreachable NoExecute taints gets one for 300 seconds
 * (kube-apiserver's --default-not-ready-toleration-seconds and
 * --default-unreachable-toleration-seconds defaults). A toleration with an
 * empty key or an empty effect already tolerates them. */
#include <string.h>
#include "admission/admission.h"
#include "codec/jsonpath.h"

#define TOLERATION_SECONDS 300

static int tolerates(const cJSON *tolerations, const char *taint)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, tolerations) {
        const char *key = json_str(t, "key"), *effect = json_str(t, "effect");
        if ((!strcmp(key, taint) || !*key) && (!strcmp(effect, "NoExecute") || !*effect)) return 1;
    }
    return 0;
}

static cJSON *toleration(const char *taint)
{
    cJSON *t = cJSON_CreateObject();
    cJSON_AddStringToObject(t, "key", taint);
    cJSON_AddStringToObject(t, "operator", "Exists");
    cJSON_AddStringToObject(t, "effect", "NoExecute");
    cJSON_AddNumberToObject(t, "tolerationSeconds", TOLERATION_SECONDS);
    return t;
}

static cJSON *default_toleration_seconds_admit(const admission_attrs *a)
{
    if (a->resource->group[0] || strcmp(a->resource->plural, "pods") || a->subresource[0]) return NULL;
    if ((a->op != ADMIT_CREATE && a->op != ADMIT_UPDATE) || !cJSON_IsObject(a->obj)) return NULL;
    cJSON *spec = cJSON_GetObjectItemCaseSensitive(a->obj, "spec");
    if (!cJSON_IsObject(spec)) return NULL;
    static const char *const taints[] = {"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"};
    for (int i = 0; i < 2; i++) {
        cJSON *list = cJSON_GetObjectItemCaseSensitive(spec, "tolerations");
        if (tolerates(cJSON_IsArray(list) ? list : NULL, taints[i])) continue;
        if (!cJSON_IsArray(list)) {
            cJSON_DeleteItemFromObjectCaseSensitive(spec, "tolerations");
            list = cJSON_AddArrayToObject(spec, "tolerations");
        }
        cJSON_AddItemToArray(list, toleration(taints[i]));
    }
    return NULL;
}

const admission_plugin admission_default_toleration_seconds = {
    .name = "DefaultTolerationSeconds",
    .mutate = default_toleration_seconds_admit,
};
