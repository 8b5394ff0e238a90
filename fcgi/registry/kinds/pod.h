/* pod.h: what other kinds take from the Pod strategy: a pod template's
 * defaults and validation (Deployments and ReplicaSets embed one; kube's
 * SetObjectDefaults_Deployment recurses into it and ValidatePodTemplateSpec
 * validates it as a PodSpec). Everything else about Pods stays private to
 * registry/kinds/pod_*.c (pod_internal.h). */
#ifndef KAPI_POD_H
#define KAPI_POD_H

#include <cjson/cJSON.h>
#include "codec/fielderr.h"

/* Gives template (a PodTemplateSpec object; its spec is created when
 * absent) the PodSpec defaults, leaving out what only a Pod gets
 * (enableServiceLinks, requests copied from limits), and an empty
 * metadata when it has none. */
void pod_template_set_defaults(cJSON *template);

/* ValidatePodSpec of template's spec (with its metadata for the checks that
 * read annotations); errors are added under "<path>.spec..." (path is where
 * the template sits, e.g. "spec.template"). */
void pod_template_validate_spec(const cJSON *template, const char *path, field_errors *errs);

#endif
