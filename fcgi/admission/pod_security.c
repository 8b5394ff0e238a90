/* pod_security.c: the PodSecurity plugin (placeholder) */
#include "admission/admission.h"
const admission_plugin admission_pod_security = {.name = "PodSecurity"};
