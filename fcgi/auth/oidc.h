/* oidc.h: OpenID Connect ID tokens from an external identity provider, as
 * kube-apiserver's --oidc-* flags verify them: the issuer, the client id
 * among the audiences, RS256 signatures by a key of the provider's JWKS
 * (here read from a file, not fetched), exp and nbf, the username and
 * groups claims with their prefixes. Configured by kapi-apiserver's
 * environment, read once per process:
 *   KAPI_OIDC_ISSUER_URL      --oidc-issuer-url (required to enable it)
 *   KAPI_OIDC_CLIENT_ID       --oidc-client-id (required)
 *   KAPI_OIDC_JWKS_FILE       the provider's key set (JSON Web Key Set)
 *   KAPI_OIDC_USERNAME_CLAIM  --oidc-username-claim (default "sub")
 *   KAPI_OIDC_USERNAME_PREFIX --oidc-username-prefix (default: "<issuer>#"
 *                             unless the claim is "email"; "-" for none)
 *   KAPI_OIDC_GROUPS_CLAIM    --oidc-groups-claim (default: no groups)
 *   KAPI_OIDC_GROUPS_PREFIX   --oidc-groups-prefix */
#ifndef KAPI_OIDC_H
#define KAPI_OIDC_H

#include <time.h>
#include "core/kapi.h"

typedef struct oidc_options {
    const char *issuer_url, *client_id, *jwks_json;
    const char *username_claim, *username_prefix, *groups_claim, *groups_prefix;
} oidc_options;

/* Replaces the configuration (NULL issuer: OIDC off). 0, or -1 with a
 * message when the key set is not a JWKS with an RSA key. */
int oidc_configure(const oidc_options *o, char *err, size_t errlen);

/* 1: the token is the configured issuer's and valid, user filled in (pool
 * strings; system:authenticated added); 0: not this issuer's token (or OIDC
 * off); -1: the issuer's token but invalid (*why says why). */
int oidc_authenticate(kapi_pool *pool, const char *token, time_t now, kapi_user *user, const char **why);

#endif
