/* audit.h: kube-apiserver's audit events (audit.k8s.io/v1 Event) for each
 * request, written as JSON lines to the audit log (http/audit_log.h) at the
 * level the audit policy (auth/audit_policy.h) gives the request.
 *
 * Settings, read once per process from the environment (kube's flags):
 *   KAPI_AUDIT_POLICY_FILE    --audit-policy-file (no policy: no audit log)
 *   KAPI_AUDIT_LOG_PATH       --audit-log-path ("-": standard output)
 *   KAPI_AUDIT_LOG_MAXSIZE    --audit-log-maxsize (MB)
 *   KAPI_AUDIT_LOG_MAXBACKUP  --audit-log-maxbackup
 *   KAPI_AUDIT_LOG_MAXAGE     --audit-log-maxage (days)
 *
 * The pipeline (http/handle.c) calls, per request: audit_begin first (the
 * audit ID, also the Audit-Id response header), audit_start once the user
 * and the request's attributes are known (the policy decides the level;
 * stage RequestReceived), audit_impersonated / audit_authorized as those
 * steps finish, and audit_finish when the response is done (stage
 * ResponseComplete; a watch also logs ResponseStarted when its headers go
 * out). A request that fails authentication gets audit_unauthenticated
 * (one ResponseStarted event, as kube's WithFailedAuthenticationAudit). */
#ifndef KAPI_AUDIT_H
#define KAPI_AUDIT_H

#include "core/kapi.h"
#include "core/request.h"

typedef struct audit_event audit_event;

/* Checks the settings: 0, or -1 with the reason in err (kube refuses to
 * start with a policy file that does not load). kapi-apiserver calls it
 * before it forks its workers. */
int audit_configure(char *err, size_t errlen);

audit_event *audit_begin(kapi_request *req, kapi_response *resp);
void audit_unauthenticated(audit_event *ev, const request_info *info);
void audit_start(audit_event *ev, const kapi_user *user, const request_info *info);
void audit_impersonated(audit_event *ev, const kapi_user *user);
void audit_authorized(audit_event *ev, int allowed, const char *reason);
void audit_finish(audit_event *ev);

#endif
