/* oidc.h: JWT authenticators of external identity providers, as
 * kube-apiserver configures them, either with its --oidc-* flags (one
 * issuer) or with an AuthenticationConfiguration file
 * (--authentication-config, apiserver.config.k8s.io v1, v1beta1 or
 * v1alpha1: jwt issuers with url, discoveryURL, certificateAuthority,
 * audiences and audienceMatchPolicy MatchAny; claimMappings username,
 * groups, uid (claim and prefix, or a CEL expression over `claims`) and
 * extra (key, valueExpression); claimValidationRules (claim and
 * requiredValue, or expression and message); userValidationRules
 * (expressions over `user`)). Tokens are verified as go-oidc does: the
 * issuer, a signature by a key of the provider's key set (RS256/384/512,
 * PS256/384/512, ES256/384/512; the flags allow --oidc-signing-algs,
 * default RS256), an audience, exp and nbf. The key set is fetched over
 * HTTPS from the issuer's discovery document on first use, and again when
 * a token names a key not held (auth/jwks.h); with the flags it may be a
 * file instead. Configured by kapi-apiserver's environment, read once per
 * process:
 *   KAPI_AUTHENTICATION_CONFIG  --authentication-config (excludes KAPI_OIDC_*)
 *   KAPI_OIDC_ISSUER_URL      --oidc-issuer-url (required to enable it)
 *   KAPI_OIDC_CLIENT_ID       --oidc-client-id (required)
 *   KAPI_OIDC_JWKS_FILE       the provider's key set, instead of fetching it
 *   KAPI_OIDC_CA_FILE         --oidc-ca-file (PEM the provider's certificate chains to)
 *   KAPI_OIDC_USERNAME_CLAIM  --oidc-username-claim (default "sub")
 *   KAPI_OIDC_USERNAME_PREFIX --oidc-username-prefix (default: "<issuer>#"
 *                             unless the claim is "email"; "-" for none)
 *   KAPI_OIDC_GROUPS_CLAIM    --oidc-groups-claim (default: no groups)
 *   KAPI_OIDC_GROUPS_PREFIX   --oidc-groups-prefix
 *   KAPI_OIDC_REQUIRED_CLAIM  --oidc-required-claim, as key=value[,key=value...]
 *   KAPI_OIDC_SIGNING_ALGS    --oidc-signing-algs (comma-separated) */
#ifndef KAPI_OIDC_H
#define KAPI_OIDC_H

#include <time.h>
#include "core/kapi.h"

typedef struct oidc_options {
    const char *issuer_url, *client_id;
    const char *jwks_json;             /* NULL: fetched from the provider */
    const char *ca_pem;                /* NULL: the system's roots */
    const char *username_claim, *username_prefix, *groups_claim, *groups_prefix;
    const char *required_claims;       /* "k=v,k2=v2" */
    const char *signing_algs;          /* "RS256,ES256"; NULL: RS256 */
} oidc_options;

/* Loads the configuration of the environment (KAPI_AUTHENTICATION_CONFIG
 * or KAPI_OIDC_*) now: 0, or -1 with the reason (no issuer is then
 * configured). kapi-apiserver calls it before it forks its workers, which
 * inherit it; kube refuses to start with a configuration that does not
 * load. Otherwise a process loads it at its first token. */
int oidc_load(char *err, size_t errlen);

/* Replaces the configuration with the flags' one issuer (NULL issuer:
 * OIDC off). 0, or -1 with a message (and no issuer) when the options or
 * the key set are not valid. */
int oidc_configure(const oidc_options *o, char *err, size_t errlen);

/* Replaces the configuration with an AuthenticationConfiguration's jwt
 * issuers (YAML or JSON text). 0, or -1 with kube's message for the first
 * error (and no issuer). */
int oidc_configure_authentication(const char *text, size_t len, char *err, size_t errlen);

/* Sets the key set of the configured issuer url (JSON text), as if
 * fetched: 0, or -1 when there is no such issuer or no key in the set.
 * For tests and for keys obtained otherwise. */
int oidc_set_issuer_keys(const char *url, const char *jwks_json);

/* 1: the token is a configured issuer's and valid, user filled in (pool
 * strings; system:authenticated added); 0: no configured issuer's token
 * (or none configured); -1: the issuer's token but invalid (*why says
 * why). */
int oidc_authenticate(kapi_pool *pool, const char *token, time_t now, kapi_user *user, const char **why);

#endif
