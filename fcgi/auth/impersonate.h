/* impersonate.h: user impersonation (kube's WithImpersonation filter): the
 * Impersonate-User, Impersonate-Group, Impersonate-Uid and
 * Impersonate-Extra-<key> headers let an authorized user act as another
 * one (`kubectl --as`, `--as-group`). */
#ifndef KAPI_IMPERSONATE_H
#define KAPI_IMPERSONATE_H

#include "core/kapi.h"

/* Runs between authentication and authorization. Without impersonation
 * headers it does nothing. Otherwise every requested identity is checked
 * with the `impersonate` verb (users, groups, serviceaccounts, uids,
 * userextras/<key>) for *user; when all are allowed *user becomes the
 * impersonated user (strings in req->pool) and 0 is returned. On a denial
 * (403, kube's message) or a malformed request (500, as kube) it answers
 * resp and returns -1. Impersonate-Extra-<key> values become the user's
 * extras. */
int impersonate(kapi_ctx *ctx, kapi_request *req, kapi_user *user, kapi_response *resp);

#endif
