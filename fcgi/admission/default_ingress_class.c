/* default_ingress_class.c: the DefaultIngressClass plugin
 * (plugin/pkg/admission/network/defaultingressclass): an Ingress created
 * without spec.ingressClassName and without the kubernetes.io/ingress.class
 * annotation gets the default IngressClass, the one annotated
 * ingressclass.kubernetes.io/is-default-class=true; of several, the
 * newest. No default: nothing changes. */
#include "admission/admission.h"

static cJSON *set_default_class(const admission_attrs *a)
{
    return admission_set_default_class(a, "networking.k8s.io", "ingresses", "ingressClassName",
                                       "kubernetes.io/ingress.class", "/registry/ingressclasses/",
                                       "ingressclass.kubernetes.io/is-default-class", NULL, "IngressClass");
}

const admission_plugin admission_default_ingress_class = {
    .name = "DefaultIngressClass",
    .mutate = set_default_class,
};
