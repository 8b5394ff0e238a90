/* default_ingress_class.c: the DefaultIngressClass plugin
 * (plugin/pkg/admission/network/defaultingressclass): an Ingress created
 * without spec.ingressClassName and without the kubernetes.io/ingress.class
 * annotation gets the default IngressClass, the one annotated
 * ingressclass.kubernetes.io/is-default-class=true; of several, the
 * newest. No default: nothing changes. */
#include <string.h>
#include "admission/admission.h"
#include "codec/jsonpath.h"
#include "codec/objmeta.h"
#include "core/status.h"

static cJSON *set_default_class(const admission_attrs *a)
{
    if (a->op != ADMIT_CREATE || !admission_is(a, "networking.k8s.io", "ingresses") || !cJSON_IsObject(a->obj))
        return NULL;
    cJSON *spec = json_object_member(a->obj, "spec");
    if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(spec, "ingressClassName"))) return NULL;
    if (meta_annotation(a->obj, "kubernetes.io/ingress.class")) return NULL;
    const char *name = admission_default_class(a, "/registry/ingressclasses/", "ingressclass.kubernetes.io/is-default-class",
                                               NULL);
    if (!name) return status_new(KAPI_FORBIDDEN, "error finding default IngressClass: reading from storage failed");
    if (*name) json_set_str(spec, "ingressClassName", name);
    return NULL;
}

const admission_plugin admission_default_ingress_class = {
    .name = "DefaultIngressClass",
    .mutate = set_default_class,
};
