/* rest.h: the generic REST verbs every kind gets (get, list, create,
 * update, patch, delete, deletecollection, and the status subresource),
 * driven by the resource table and each kind's strategy. */
#ifndef KAPI_REST_H
#define KAPI_REST_H

#include "core/kapi.h"
#include "core/request.h"

void rest_handle(kapi_ctx *ctx, kapi_request *req, const request_info *info,
                 const kapi_user *user, kapi_response *resp);

#endif
