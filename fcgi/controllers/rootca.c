/* rootca.c: the root CA publisher (pkg/controller/certificates/
 * rootcacertpublisher/publisher.go): every active namespace has a ConfigMap
 * kube-root-ca.crt holding the cluster CA (the state directory's
 * pki/ca.crt) under the key ca.crt, described by the
 * kubernetes.io/description annotation. Pods mount it through their
 * projected service account volume. */
#include <stdio.h>
#include <string.h>
#include "controllers/controllers.h"
#include "codec/objmeta.h"

#define CONFIGMAP "kube-root-ca.crt"
#define DESCRIPTION_ANNOTATION "kubernetes.io/description"
#define DESCRIPTION "Contains a CA bundle that can be used to verify the kube-apiserver when using internal " \
    "endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across " \
    "distributions of Kubernetes clusters."

static int up_to_date(const cJSON *cm, const char *ca)
{
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(cm, "data");
    /* (keys with dots: not obj_str, which reads a dotted path) */
    const cJSON *have = cJSON_GetObjectItemCaseSensitive(data, "ca.crt");
    if (!cJSON_IsString(have) || strcmp(have->valuestring, ca) || cJSON_GetArraySize(data) != 1) return 0;
    const char *d = meta_annotation(cm, DESCRIPTION_ANNOTATION);
    return d && d[0];
}

static void set_data(cJSON *cm, const char *ca)
{
    cJSON_DeleteItemFromObjectCaseSensitive(cm, "data");
    cJSON_AddStringToObject(cJSON_AddObjectToObject(cm, "data"), "ca.crt", ca);
    meta_set_annotation(cm, DESCRIPTION_ANNOTATION, DESCRIPTION);
}

static void publish(pass *p, const kapi_resource *configmaps, const char *name, void *arg)
{
    obj_entry *cm = cache_get(p, configmaps, name, CONFIGMAP);
    if (!cm) {
        cJSON *obj = cJSON_CreateObject();
        cJSON_AddStringToObject(obj, "apiVersion", "v1");
        cJSON_AddStringToObject(obj, "kind", "ConfigMap");
        cJSON *meta = cJSON_AddObjectToObject(obj, "metadata");
        cJSON_AddStringToObject(meta, "name", CONFIGMAP);
        cJSON_AddStringToObject(meta, "namespace", name);
        set_data(obj, p->root_ca);
        api_result r = api_create(p, configmaps, name, obj, "the cluster CA for this namespace's pods");
        cJSON_Delete(obj);
        if (r.status == 409) api_get(p, configmaps, name, CONFIGMAP);
        return;
    }
    if (up_to_date(cm->obj, p->root_ca)) return;
    cJSON *copy = cJSON_Duplicate(cm->obj, 1);
    set_data(copy, p->root_ca);
    api_update(p, configmaps, copy, NULL, "the cluster CA changed");
    cJSON_Delete(copy);
}

void root_ca_publisher(pass *p)
{
    if (p->root_ca) each_active_namespace(p, resource_by_plural("", "configmaps"), publish, NULL);
}
