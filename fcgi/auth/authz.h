/* authz.h: authorization of a request's attributes for a user (the
 * system:masters superuser group, then RBAC), and the Forbidden Status
 * kube-apiserver answers a denial with. */
#ifndef KAPI_AUTHZ_H
#define KAPI_AUTHZ_H

#include <cjson/cJSON.h>
#include "core/kapi.h"
#include "core/request.h"
#include "auth/rbac.h"

/* 1 if user may do what info describes. *reason (may stay NULL or "") is
 * the authorizer's explanation, appended to kube's message on a denial; it
 * stays valid until the next call on this thread. ctx NULL (or without a
 * store) evaluates the compiled-in bootstrap policy. */
int authorize(kapi_ctx *ctx, const kapi_user *user, const request_info *info, const char **reason);

/* The same for attributes built by hand (access reviews, impersonation,
 * escalation checks); the reason is in p. */
int authorize_attrs(kapi_ctx *ctx, kapi_pool *p, const rbac_attrs *a, const char **reason);

/* The attributes of a request (strings point into info). */
void rbac_attrs_from_info(const kapi_user *user, const request_info *info, rbac_attrs *a);

/* The 403 Status for a denial, worded as kube-apiserver's
 * responsewriters.Forbidden. Caller frees. */
cJSON *forbidden_status(const kapi_user *user, const request_info *info, const char *reason);
cJSON *forbidden_status_attrs(const rbac_attrs *a, const char *reason);

#endif
