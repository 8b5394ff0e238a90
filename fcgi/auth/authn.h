/* authn.h: authentication. The TLS front end (nginx) verifies the client
 * certificate against the cluster CA and passes the verification result and
 * the subject DN as FastCGI params; this turns them into a user. */
#ifndef KAPI_AUTHN_H
#define KAPI_AUTHN_H

#include "core/kapi.h"

/* Parses an RFC 2253 DN as nginx's $ssl_client_s_dn gives it
 * ("CN=alice,O=ops,O=dev", most specific RDN first; escapes \c and \XX;
 * multi-valued RDNs joined with '+'). Calls fn(attr, value) for each
 * attribute in the order given. Returns 0, or -1 if the DN is malformed. */
typedef void (*dn_attr_fn)(void *arg, const char *type, const char *value);
int dn_parse(const char *dn, dn_attr_fn fn, void *arg);

/* Fills user from the request: the in-process user if set; a verified
 * certificate's CN (name) and O values (groups, in the certificate's order)
 * plus system:authenticated; system:anonymous with system:unauthenticated
 * when no certificate was sent. KAPI_UNAUTHORIZED when verification failed. */
kapi_rc authenticate(const kapi_request *req, kapi_user *user);

/* authenticate(), then, when that finds no credentials (anonymous), a
 * bearer token (req->authorization, "Bearer <token>", kube's bearertoken
 * authenticator): a ServiceAccount token (auth/token.h) is its user; any
 * other token is KAPI_UNAUTHORIZED, never anonymous. A header that is not
 * a bearer token, or an empty token, leaves the request anonymous, as kube. */
kapi_rc authenticate_request(kapi_ctx *ctx, const kapi_request *req, kapi_user *user);

/* A request's authentication, done once: the first call runs
 * authenticate_request and keeps its result in req->authn (pool memory);
 * later calls (the pipeline after the fairness gate) return it. So a
 * bearer token's signature and store reads are checked once per request. */
struct kapi_authn_result {
    kapi_rc rc;
    kapi_user user;
};
kapi_rc authenticate_request_once(kapi_ctx *ctx, kapi_request *req, kapi_user *user);

/* authentication/v1 UserInfo of a user: username, uid, groups, extra (a
 * key's values as a list), as SelfSubjectReview and audit events show it.
 * The caller owns the result. */
cJSON *user_info_json(const kapi_user *u);

#endif
