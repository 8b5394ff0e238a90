/* audit_policy.h: kube-apiserver's audit policy (audit.k8s.io/v1 Policy,
 * --audit-policy-file): parsing and validation as kube's
 * policy.LoadPolicyFromBytes and validation.ValidatePolicy do them, and the
 * rule matching of policy/checker.go (first matching rule wins; no match is
 * level None with the policy's omitStages). */
#ifndef KAPI_AUDIT_POLICY_H
#define KAPI_AUDIT_POLICY_H

#include <stddef.h>
#include "core/kapi.h"

typedef enum audit_level {
    AUDIT_LEVEL_NONE = 0,
    AUDIT_LEVEL_METADATA,
    AUDIT_LEVEL_REQUEST,
    AUDIT_LEVEL_REQUEST_RESPONSE
} audit_level;

/* Stages, as bits of a set. */
enum {
    AUDIT_STAGE_REQUEST_RECEIVED = 1,
    AUDIT_STAGE_RESPONSE_STARTED = 2,
    AUDIT_STAGE_RESPONSE_COMPLETE = 4,
    AUDIT_STAGE_PANIC = 8
};

const char *audit_level_name(audit_level l);
const char *audit_stage_name(unsigned stage);   /* one bit */

typedef struct audit_policy audit_policy;

/* Parses a policy file's text (YAML or JSON). NULL with kube's message in
 * err when it does not decode, names another group version, fails
 * validation or has no rules. Free with audit_policy_free. */
audit_policy *audit_policy_parse(const char *text, size_t len, char *err, size_t errlen);
void audit_policy_free(audit_policy *p);

/* What a rule is matched against (kube's authorizer.Attributes as the
 * audit filter builds them: the authenticated user, before impersonation). */
typedef struct audit_attrs {
    const kapi_user *user;        /* NULL: not authenticated */
    const char *verb;
    int is_resource;
    const char *path;             /* non-resource requests */
    const char *group, *namespace_, *resource, *subresource, *name;
} audit_attrs;

/* The decision for one request. */
typedef struct audit_decision {
    audit_level level;
    unsigned omit_stages;         /* AUDIT_STAGE_* bits */
    int omit_managed_fields;
} audit_decision;

void audit_policy_check(const audit_policy *p, const audit_attrs *a, audit_decision *d);

#endif
