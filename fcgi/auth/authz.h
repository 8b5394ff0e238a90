/* authz.h: authorization of a request's attributes for a user, and the
 * Forbidden Status kube-apiserver answers a denial with. */
#ifndef KAPI_AUTHZ_H
#define KAPI_AUTHZ_H

#include <cjson/cJSON.h>
#include "core/kapi.h"
#include "api/router.h"

/* 1 if user may do what info describes. *reason (may stay NULL) is the
 * authorizer's explanation for a denial, appended to kube's message. */
int authorize(kapi_ctx *ctx, const kapi_user *user, const request_info *info, const char **reason);

/* The 403 Status for a denial, worded as kube-apiserver's
 * responsewriters.ForbiddenStatusError. Caller frees. */
cJSON *forbidden_status(const kapi_user *user, const request_info *info, const char *reason);

#endif
