/* audit_policy.c: fuzzes kube's audit policy file (auth/audit_policy.c,
 * KAPI_AUDIT_POLICY_FILE): the YAML or JSON text is decoded and validated;
 * a policy that loads is then checked against a few fixed requests (a
 * resource, a subresource, a non-resource path, no user). */
#include "auth/audit_policy.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512];
    audit_policy *p = audit_policy_parse((const char *)data, size, err, sizeof err);
    if (!p) return 0;
    kapi_user u = {.name = "alice", .n_groups = 2, .groups = {"ops", "system:authenticated"}};
    const audit_attrs reqs[] = {
        {.user = &u, .verb = "get", .is_resource = 1, .group = "", .namespace_ = "default",
         .resource = "pods", .subresource = "", .name = "web"},
        {.user = &u, .verb = "update", .is_resource = 1, .group = "apps", .namespace_ = "kube-system",
         .resource = "deployments", .subresource = "status", .name = "d"},
        {.user = &u, .verb = "get", .is_resource = 0, .path = "/version"},
        {.user = NULL, .verb = "list", .is_resource = 1, .group = "", .namespace_ = "",
         .resource = "namespaces", .subresource = "", .name = ""},
    };
    for (size_t i = 0; i < sizeof reqs / sizeof *reqs; i++) {
        audit_decision d;
        audit_policy_check(p, &reqs[i], &d);
        if (d.level > AUDIT_LEVEL_REQUEST_RESPONSE) abort();
    }
    audit_policy_free(p);
    return 0;
}
