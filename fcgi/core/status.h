/* status.h: the v1 Status object every error reaches a client as. */
#ifndef KAPI_STATUS_H
#define KAPI_STATUS_H

#include <cjson/cJSON.h>
#include "core/kapi.h"

/* {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
 *  "message":msg,"reason":<rc's reason>,"code":<rc's status>} in Go's field
 * order; "details" is added by the caller when kube sends it. Caller frees. */
cJSON *status_new(kapi_rc rc, const char *message);
/* The same with details {name, group, kind} (each only when non-empty);
 * details is always present, possibly {}. */
cJSON *status_new_details(kapi_rc rc, const char *message, const char *name,
                          const char *group, const char *kind);
/* A success Status ({"status":"Success", details...}) as DELETE may return. */
cJSON *status_success(const char *name, const char *group, const char *kind, const char *uid);
/* Moves "code" to the end again after details were added. */
void status_reorder_code_last(cJSON *st);

#endif
