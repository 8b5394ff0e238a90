/* pod_security.h: the Pod Security Standards' checks (pod_security.c),
 * apart from the plugin so tests can call them. */
#ifndef KAPI_POD_SECURITY_H
#define KAPI_POD_SECURITY_H

#include <cjson/cJSON.h>
#include "core/kapi.h"

typedef enum pod_security_level { PSS_PRIVILEGED, PSS_BASELINE, PSS_RESTRICTED } pod_security_level;

/* "privileged", "baseline"; anything else is restricted (kube evaluates a
 * label it cannot parse as restricted); NULL is privileged. */
pod_security_level pod_security_parse_level(const char *s);
/* The checks of level over a pod spec: "" when it passes, else kube's
 * text of the failures, `reason (detail), reason (detail)` in check-id
 * order (the pool's). */
const char *pod_security_check(kapi_pool *p, const cJSON *spec, pod_security_level level);

#endif
