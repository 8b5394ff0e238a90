/* readyz.h: /readyz, answered as kube-apiserver's healthz handler answers it. */
#ifndef KAPI_READYZ_H
#define KAPI_READYZ_H

#include "core/kapi.h"

/* GET /readyz: "ok" while every check passes (the list of checks and
 * "readyz check passed" with ?verbose); 500 with the list, the failed check
 * as "[-]etcd failed: reason withheld", and "readyz check failed" when one
 * fails. The etcd check fails while the store cannot be read, and while it
 * refuses writes for space (store_space: the quota reached or the disk
 * full), as etcd's NOSPACE alarm would. ?exclude=NAME skips a check.
 * /readyz/NAME: that check alone, "ok" or 500 "internal server error:
 * <reason>". Returns -1 (nothing answered) for an unknown NAME. */
int readyz_serve(kapi_ctx *ctx, kapi_request *req, kapi_response *resp);

#endif
