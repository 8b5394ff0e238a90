/* issuer_discovery.h: ServiceAccount issuer discovery (kube's
 * pkg/routes/openidmetadata.go): /.well-known/openid-configuration and
 * /openid/v1/jwks, so a verifier outside the cluster can check kapi's
 * ServiceAccount tokens. Readable by system:service-account-issuer-discovery. */
#ifndef KAPI_ISSUER_DISCOVERY_H
#define KAPI_ISSUER_DISCOVERY_H

#include "core/kapi.h"

#define OIDC_CONFIGURATION_PATH "/.well-known/openid-configuration"
#define OIDC_JWKS_PATH "/openid/v1/jwks"

/* Answers GET of either path: 0 when req->path was one of them (resp
 * written), -1 otherwise. */
int issuer_discovery_serve(kapi_ctx *ctx, kapi_request *req, kapi_response *resp);

#endif
