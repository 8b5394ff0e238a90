/* token.h: ServiceAccount tokens, kube's bound tokens (pkg/serviceaccount):
 * issuing one for a TokenRequest (registry/kinds/serviceaccount_token.c),
 * and authenticating one presented as "Authorization: Bearer" (auth/authn.c).
 * Tokens are JWTs signed RS256 with DIR/pki/sa.key (auth/jwt.h). */
#ifndef KAPI_TOKEN_H
#define KAPI_TOKEN_H

#include <stdint.h>
#include <time.h>
#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include "core/kapi.h"

/* kube-apiserver's --service-account-issuer as kubeadm sets it; the API
 * audiences (--api-audiences) default to the issuer. */
#define SA_TOKEN_DEFAULT_ISSUER "https://kubernetes.default.svc.cluster.local"
/* $KAPI_SERVICE_ACCOUNT_ISSUER when set, else the default. */
const char *sa_token_issuer(void);

/* kube's leeway on exp, nbf and iat (go-jose's jwt.DefaultLeeway). */
#define SA_TOKEN_LEEWAY_SECONDS 60
/* kube's projected-token transition (pkg/serviceaccount/claims.go): a
 * pod-bound token asked for 3607 s lives a year, warning after 3607 s. */
#define SA_TOKEN_WARN_ONLY_SECONDS (60 * 60 + 7)
#define SA_TOKEN_EXTENDED_SECONDS (24LL * 365 * 60 * 60)

/* The signing key of a state directory, loaded once per process and kept;
 * NULL (with a message in err) when DIR/pki/sa.key cannot be read. */
typedef struct sa_signing_key {
    EVP_PKEY *key;
    char kid[64];          /* kube's key id (pki/sa_key.h) */
} sa_signing_key;
const sa_signing_key *sa_token_signing_key(const char *state_dir, char *err, size_t errlen);

/* What a token says (kube's Claims()). Objects are the stored ones. */
typedef struct sa_token_claims {
    const cJSON *service_account;
    const cJSON *pod, *secret, *node;   /* the bound object (pod: and its node), or NULL */
    const cJSON *audiences;             /* an array of strings */
    int64_t expiration_seconds;
    int64_t warn_after_seconds;         /* 0: no kubernetes.io.warnafter */
    time_t now;
} sa_token_claims;

/* The claims object, keys in the order kube's tokens carry them (go-jose
 * marshals a map: sorted). The caller deletes it. */
cJSON *sa_token_claims_json(const sa_token_claims *c, const char *jti);

/* Signs the claims with the state directory's key: a malloc'd token, or
 * NULL with a message in err. */
char *sa_token_issue(const char *state_dir, const sa_token_claims *c, char *err, size_t errlen);

/* A legacy token (kube's LegacyClaims, pkg/serviceaccount/legacy.go) for
 * the ServiceAccount sa kept in the Secret secret_name: issuer
 * "kubernetes/serviceaccount", no expiry and no audience. It is valid as
 * long as that Secret holds exactly it and the ServiceAccount exists with
 * its uid. A malloc'd token, or NULL with a message in err. */
#define SA_TOKEN_LEGACY_ISSUER "kubernetes/serviceaccount"
char *sa_token_issue_legacy(const char *state_dir, const cJSON *sa, const char *secret_name, char *err,
                            size_t errlen);

/* Authenticates a bearer token: signature with the service-account key,
 * issuer, exp/nbf/iat with kube's leeway, an audience shared with the API's,
 * the ServiceAccount (and the bound Secret, Pod or Node) still stored with
 * the uid the token names and not deleted. KAPI_OK with user filled in
 * (system:serviceaccount:NS:NAME, its uid, groups system:serviceaccounts,
 * system:serviceaccounts:NS, system:authenticated; strings in the pool), or
 * KAPI_UNAUTHORIZED, with the reason in *why for logs (static text). now is
 * the clock to check against. A legacy token (sa_token_issue_legacy) is
 * checked as kube's legacy validator does: its Secret still holds it, the
 * subject names its ServiceAccount, which still exists with its uid. */
kapi_rc sa_token_authenticate(kapi_ctx *ctx, kapi_pool *pool, const char *token, time_t now,
                              kapi_user *user, const char **why);

/* The extras of a ServiceAccount token's user (kube's
 * pkg/serviceaccount): "JTI=<jti>", and the bound pod and its node. */
#define SA_EXTRA_CREDENTIAL_ID "authentication.kubernetes.io/credential-id"
#define SA_EXTRA_NODE_NAME "authentication.kubernetes.io/node-name"
#define SA_EXTRA_NODE_UID "authentication.kubernetes.io/node-uid"
#define SA_EXTRA_POD_NAME "authentication.kubernetes.io/pod-name"
#define SA_EXTRA_POD_UID "authentication.kubernetes.io/pod-uid"

/* kube's legacy token tracking (pkg/serviceaccount/legacy.go): the labels
 * of a legacy token's Secret. A Secret with the invalid-since label no
 * longer authenticates its token. */
#define SA_LEGACY_LAST_USED_LABEL "kubernetes.io/legacy-token-last-used"
#define SA_LEGACY_INVALID_SINCE_LABEL "kubernetes.io/legacy-token-invalid-since"
/* Called when a legacy token's Secret was found holding the token
 * presented, with the Secret's last-used label ("" when none): the layer
 * above writes the label (http/handle.c patches the Secret as kube's
 * validator does). Set once at start. */
typedef void (*sa_legacy_used_fn)(kapi_ctx *ctx, const char *ns, const char *secret_name, const char *secret_uid,
                                  const char *last_used);
void sa_token_on_legacy_use(sa_legacy_used_fn fn);

#endif
