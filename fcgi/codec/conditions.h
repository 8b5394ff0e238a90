/* conditions.h: status.conditions lists as kube's controllers keep them
 * (GetCondition, RemoveCondition, SetCondition of the deployment util
 * package): a condition is an object with type, status, reason, message
 * and times; a list holds at most one condition of each type. */
#ifndef KAPI_CONDITIONS_H
#define KAPI_CONDITIONS_H

#include <cjson/cJSON.h>

/* The condition of type in status.conditions (status is the status
 * object), or NULL. */
cJSON *condition_find(const cJSON *status, const char *type);
/* Removes every condition of type; drops the list when it ends up empty. */
void condition_remove(cJSON *status, const char *type);

/* {"type","status","lastTransitionTime":now,"reason","message"}; with
 * update_time also "lastUpdateTime":now before lastTransitionTime (the
 * Deployment's form). */
cJSON *condition_new(const char *type, const char *status, const char *reason, const char *message,
                     const char *now, int update_time);

/* SetDeploymentCondition (consumes cond): nothing when a condition of its
 * type has the same status and reason; otherwise it replaces that one at
 * the end of the list, keeping its lastTransitionTime when only the reason
 * changed. */
void condition_set(cJSON *status, cJSON *cond);

#endif
