/* health.h: /healthz, /livez and /readyz, answered as kube-apiserver's
 * healthz handlers answer them. */
#ifndef KAPI_HEALTH_H
#define KAPI_HEALTH_H

#include "core/kapi.h"

/* GET /healthz, /livez, /readyz (and each check's own path, /readyz/etcd):
 * "ok" while every check passes (the list of checks and "readyz check
 * passed" with ?verbose); 500 with the list, a failed check as
 * "[-]etcd failed: reason withheld", and "readyz check failed" when one
 * fails. The etcd checks fail while the store cannot be read, and while it
 * refuses writes for space (store_space: the quota reached or the disk
 * full), as etcd's NOSPACE alarm would; the poststarthook checks until the
 * bootstrap is done; readyz's shutdown check once the master is stopping.
 * ?exclude=NAME (repeatable) skips a check. /readyz/NAME: that check alone,
 * "ok" or 500 "internal server error: <reason>". Returns -1 (nothing
 * answered) for a path that is none of these. */
int health_serve(kapi_ctx *ctx, kapi_request *req, kapi_response *resp);

#endif
