/* test_rbac_api.c: RBAC through the whole pipeline in-process (kapi_handle
 * over a real store in a temporary directory): the bootstrap policy and
 * its aggregation, denials and grants by Role/RoleBinding, escalation
 * prevention, RBAC validation, access reviews, SelfSubjectReview and
 * impersonation, with kube's exact answers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "auth/rbac_policy.h"
#include "controllers/reconcile.h"
#include "core/kapi.h"
#include "server/bootstrap.h"
#include "store/store.h"
#include "kapi_test.h"

static char dir[256];
static kapi_ctx ctx;
static const kapi_user alice = {.name = "alice", .groups = {"dev", "system:authenticated"}, .n_groups = 2};

typedef test_result result;

static result call_h(const char *method, const char *path, const char *body, const kapi_user *user,
                     const kapi_header *headers, size_t n_headers)
{
    return test_call(&ctx, (kapi_call_request){.user = user, .method = method, .path = path, .body = body,
                                               .headers = headers, .n_headers = n_headers});
}

static result call(const char *method, const char *path, const char *body, const kapi_user *user)
{
    return call_h(method, path, body, user, NULL, 0);
}

static const char *get(const cJSON *o, const char *path)
{
    const cJSON *v = json_at(o, path);
    if (cJSON_IsString(v)) return v->valuestring;
    if (cJSON_IsTrue(v)) return "true";
    if (cJSON_IsFalse(v)) return "false";
    return v ? "<other>" : "<missing>";
}

static void expect(result r, int status, const char *field, const char *value)
{
    if (r.status != status) fprintf(stderr, "unexpected %d: %s\n", r.status, r.text);
    assert_int_equal(r.status, status);
    if (field) assert_string_equal(get(r.body, field), value);
    cJSON_Delete(r.body);
}

static int setup(void **state)
{
    (void)state;
    if (test_store_open(&ctx, dir, sizeof dir, "rbac")) return -1;
    rbac_cache_reset();
    return bootstrap_ensure(&ctx);
}

static int teardown(void **state)
{
    (void)state;
    rbac_cache_reset();
    return test_store_remove(&ctx, dir);
}

#define RBAC "/apis/rbac.authorization.k8s.io/v1"
#define AUTHZ "/apis/authorization.k8s.io/v1"

static void test_bootstrap_policy_in_store(void **state)
{
    (void)state;
    result r = call("GET", RBAC "/clusterroles/admin", NULL, &admin);
    assert_int_equal(r.status, 200);
    const cJSON *rules = cJSON_GetObjectItemCaseSensitive(r.body, "rules");
    assert_true(cJSON_GetArraySize(rules) > 20);   /* edit's (view's) and aggregate-to-admin's */
    assert_string_equal(get(r.body, "metadata.labels.kubernetes.io/bootstrapping"), "<missing>");
    cJSON_Delete(r.body);
    expect(call("GET", RBAC "/clusterrolebindings/system:public-info-viewer", NULL, &admin), 200,
           "roleRef.name", "system:public-info-viewer");
    /* running the bootstrap again changes nothing */
    int64_t rev = store_revision(ctx.store);
    assert_int_equal(bootstrap_ensure(&ctx), 0);
    assert_int_equal(store_revision(ctx.store), rev);
}

static void test_denied_then_granted(void **state)
{
    (void)state;
    expect(call("GET", "/api/v1/namespaces/default/pods", NULL, &alice), 403, "message",
           "pods is forbidden: User \"alice\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"");
    expect(call("GET", "/apis", NULL, &alice), 200, NULL, NULL);
    expect(call("POST", RBAC "/namespaces/default/roles",
                "{\"kind\":\"Role\",\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"metadata\":{\"name\":\"pod-reader\"},"
                "\"rules\":[{\"apiGroups\":[\"\"],\"resources\":[\"pods\"],\"verbs\":[\"get\",\"list\",\"watch\"]}]}",
                &admin), 201, NULL, NULL);
    expect(call("POST", RBAC "/namespaces/default/rolebindings",
                "{\"kind\":\"RoleBinding\",\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"metadata\":{\"name\":\"alice-reads\"},"
                "\"roleRef\":{\"kind\":\"Role\",\"name\":\"pod-reader\"},\"subjects\":[{\"kind\":\"User\",\"name\":\"alice\"}]}",
                &admin), 201, "roleRef.apiGroup", "rbac.authorization.k8s.io");
    expect(call("GET", "/api/v1/namespaces/default/pods", NULL, &alice), 200, "kind", "PodList");
    expect(call("GET", "/api/v1/namespaces/kube-system/pods", NULL, &alice), 403, "message",
           "pods is forbidden: User \"alice\" cannot list resource \"pods\" in API group \"\" in the namespace \"kube-system\"");
    expect(call("DELETE", "/api/v1/namespaces/default/pods/x", NULL, &alice), 403, "details.name", "x");
    expect(call("GET", "/api/v1/namespaces/default/secrets", NULL, &alice), 403, NULL, NULL);
    /* a binding to a role that does not exist: the reason says so */
    expect(call("POST", RBAC "/namespaces/default/rolebindings",
                "{\"metadata\":{\"name\":\"dangling\"},\"roleRef\":{\"kind\":\"Role\",\"name\":\"nope\"},"
                "\"subjects\":[{\"kind\":\"Group\",\"name\":\"dev\"}]}", &admin), 201, NULL, NULL);
    expect(call("GET", "/api/v1/namespaces/default/configmaps", NULL, &alice), 403, "message",
           "configmaps is forbidden: User \"alice\" cannot list resource \"configmaps\" in API group \"\" in the "
           "namespace \"default\": RBAC: role.rbac.authorization.k8s.io \"nope\" not found");
    expect(call("DELETE", RBAC "/namespaces/default/rolebindings/dangling", NULL, &admin), 200, NULL, NULL);
}

static void test_escalation(void **state)
{
    (void)state;
    /* alice administers ns "team" through the admin ClusterRole */
    expect(call("POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"team\"}}", &admin), 201, NULL, NULL);
    expect(call("POST", RBAC "/namespaces/team/rolebindings",
                "{\"metadata\":{\"name\":\"alice-admin\"},\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"admin\"},"
                "\"subjects\":[{\"kind\":\"User\",\"name\":\"alice\"}]}", &admin), 201, NULL, NULL);
    expect(call("POST", RBAC "/namespaces/team/rolebindings",
                "{\"metadata\":{\"name\":\"me\"},\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"cluster-admin\"},"
                "\"subjects\":[{\"kind\":\"User\",\"name\":\"alice\"}]}", &alice), 403, "message",
           "rolebindings.rbac.authorization.k8s.io \"me\" is forbidden: user \"alice\" (groups=[\"dev\" "
           "\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n"
           "{APIGroups:[\"*\"], Resources:[\"*\"], Verbs:[\"*\"]}\n{NonResourceURLs:[\"*\"], Verbs:[\"*\"]}");
    /* what she holds she may grant */
    expect(call("POST", RBAC "/namespaces/team/rolebindings",
                "{\"metadata\":{\"name\":\"view\"},\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"view\"},"
                "\"subjects\":[{\"kind\":\"Group\",\"name\":\"dev\"}]}", &alice), 201, NULL, NULL);
    expect(call("POST", RBAC "/namespaces/team/roles",
                "{\"metadata\":{\"name\":\"nodes\"},\"rules\":[{\"apiGroups\":[\"\"],\"resources\":[\"pods\",\"nodes\"],"
                "\"verbs\":[\"get\",\"delete\"]}]}", &alice), 403, "message",
           "roles.rbac.authorization.k8s.io \"nodes\" is forbidden: user \"alice\" (groups=[\"dev\" "
           "\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n"
           "{APIGroups:[\"\"], Resources:[\"nodes\"], Verbs:[\"get\" \"delete\"]}");
    expect(call("POST", RBAC "/namespaces/team/roles",
                "{\"metadata\":{\"name\":\"pods\"},\"rules\":[{\"apiGroups\":[\"\"],\"resources\":[\"pods\"],"
                "\"verbs\":[\"get\",\"delete\"]}]}", &alice), 201, NULL, NULL);
    /* a binding to a missing role: the registry's 404 */
    expect(call("POST", RBAC "/namespaces/team/rolebindings",
                "{\"metadata\":{\"name\":\"x\"},\"roleRef\":{\"kind\":\"Role\",\"name\":\"ghost\"},"
                "\"subjects\":[{\"kind\":\"Group\",\"name\":\"dev\"}]}", &alice), 404, "message",
           "roles.rbac.authorization.k8s.io \"ghost\" not found");
    /* the bind verb lets her bind what she does not hold */
    expect(call("POST", RBAC "/clusterroles",
                "{\"metadata\":{\"name\":\"binder\"},\"rules\":[{\"apiGroups\":[\"rbac.authorization.k8s.io\"],"
                "\"resources\":[\"clusterroles\"],\"verbs\":[\"bind\"],\"resourceNames\":[\"cluster-admin\"]}]}",
                &admin), 201, NULL, NULL);
    expect(call("POST", RBAC "/namespaces/team/rolebindings",
                "{\"metadata\":{\"name\":\"binder\"},\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"binder\"},"
                "\"subjects\":[{\"kind\":\"User\",\"name\":\"alice\"}]}", &admin), 201, NULL, NULL);
    expect(call("POST", RBAC "/namespaces/team/rolebindings",
                "{\"metadata\":{\"name\":\"me\"},\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"cluster-admin\"},"
                "\"subjects\":[{\"kind\":\"User\",\"name\":\"alice\"}]}", &alice), 201, NULL, NULL);
}

static void test_validation(void **state)
{
    (void)state;
    expect(call("POST", RBAC "/namespaces/default/roles",
                "{\"metadata\":{\"name\":\"bad\"},\"rules\":[{\"nonResourceURLs\":[\"/x\"],\"apiGroups\":[\"\"]},"
                "{\"verbs\":[\"get\"]}]}", &admin), 422, "message",
           "Role.rbac.authorization.k8s.io \"bad\" is invalid: [rules[0].verbs: Required value: verbs must contain "
           "at least one value, rules[0].nonResourceURLs: Invalid value: []string{\"/x\"}: namespaced rules cannot "
           "apply to non-resource URLs, rules[0].nonResourceURLs: Invalid value: []string{\"/x\"}: rules cannot "
           "apply to both regular resources and non-resource URLs, rules[1].apiGroups: Required value: resource "
           "rules must supply at least one api group, rules[1].resources: Required value: resource rules must "
           "supply at least one resource]");
    expect(call("POST", RBAC "/clusterrolebindings",
                "{\"metadata\":{\"name\":\"bad\"},\"roleRef\":{\"kind\":\"Role\",\"name\":\"x\"},"
                "\"subjects\":[{\"kind\":\"Robot\",\"name\":\"r\"},{\"kind\":\"ServiceAccount\",\"name\":\"Bad_Name\"}]}",
                &admin), 422, "message",
           "ClusterRoleBinding.rbac.authorization.k8s.io \"bad\" is invalid: [roleRef.kind: Unsupported value: "
           "\"Role\": supported values: \"ClusterRole\", subjects[0].kind: Unsupported value: \"Robot\": supported "
           "values: \"ServiceAccount\", \"User\", \"Group\", subjects[1].name: Invalid value: \"Bad_Name\": a "
           "lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
           "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
           "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'), subjects[1].namespace: Required value]");
    expect(call("POST", RBAC "/clusterrolebindings",
                "{\"metadata\":{\"name\":\"views\"},\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"view\"},"
                "\"subjects\":[{\"kind\":\"Group\",\"name\":\"dev\"}]}", &admin), 201, "subjects.0", "<missing>");
    expect(call("PUT", RBAC "/clusterrolebindings/views",
                "{\"metadata\":{\"name\":\"views\"},\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"edit\"},"
                "\"subjects\":[{\"kind\":\"Group\",\"name\":\"dev\"}]}", &admin), 422, "message",
           "ClusterRoleBinding.rbac.authorization.k8s.io \"views\" is invalid: roleRef: Invalid value: "
           "rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"ClusterRole\", Name:\"edit\"}: cannot change roleRef");
    expect(call("DELETE", RBAC "/clusterrolebindings/views", NULL, &admin), 200, NULL, NULL);
    expect(call("POST", RBAC "/clusterroles", "{\"metadata\":{\"name\":\"t\"},\"rules\":[{\"verbs\":\"get\"}]}", &admin),
           400, "message",
           "ClusterRole in version \"v1\" cannot be handled as a ClusterRole: json: cannot unmarshal string into Go "
           "struct field PolicyRule.rules.verbs of type []string");
    expect(call("POST", RBAC "/clusterroles", "{\"metadata\":{\"name\":\"agg\"},\"aggregationRule\":{}}", &admin),
           422, "message",
           "ClusterRole.rbac.authorization.k8s.io \"agg\" is invalid: aggregationRule.clusterRoleSelectors: "
           "Required value: at least one clusterRoleSelector required if aggregationRule is non-nil");
}

/* The authorizer only reads: a new ClusterRole labelled aggregate-to-edit
 * counts for the holders of edit at once, while nothing is written (the
 * stored edit role changes only when the aggregation controller runs). */
static void test_aggregation_counts_before_it_is_stored(void **state)
{
    (void)state;
    expect(call("POST", RBAC "/clusterroles",
                "{\"metadata\":{\"name\":\"gadgets-edit\",\"labels\":{\"rbac.authorization.k8s.io/aggregate-to-edit\":\"true\"}},"
                "\"rules\":[{\"apiGroups\":[\"example.com\"],\"resources\":[\"gadgets\"],\"verbs\":[\"list\"]}]}",
                &admin), 201, NULL, NULL);
    expect(call("POST", RBAC "/namespaces/default/rolebindings",
                "{\"metadata\":{\"name\":\"alice-edit\"},\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"edit\"},"
                "\"subjects\":[{\"kind\":\"User\",\"name\":\"alice\"}]}", &admin), 201, NULL, NULL);
    int64_t rev = store_revision(ctx.store);
    const char *ssar = "{\"kind\":\"SelfSubjectAccessReview\",\"apiVersion\":\"authorization.k8s.io/v1\","
                       "\"spec\":{\"resourceAttributes\":{\"namespace\":\"default\",\"verb\":\"list\","
                       "\"group\":\"example.com\",\"resource\":\"gadgets\"}}}";
    expect(call("POST", AUTHZ "/selfsubjectaccessreviews", ssar, &alice), 201, "status.allowed", "true");
    assert_int_equal(store_revision(ctx.store), rev);
    result r = call("GET", RBAC "/clusterroles/edit", NULL, &admin);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.text, "gadgets"));
    cJSON_Delete(r.body);
    expect(call("DELETE", RBAC "/namespaces/default/rolebindings/alice-edit", NULL, &admin), 200, NULL, NULL);
    expect(call("DELETE", RBAC "/clusterroles/gadgets-edit", NULL, &admin), 200, NULL, NULL);
}

/* One pass of kapi-reconcile's controllers, as cron runs it. */
static void run_reconcile_pass(void)
{
    FILE *out = fopen("/dev/null", "w");
    assert_non_null(out);
    reconcile_options o = {.out = out, .identity = "unit-test"};
    reconcile_stats stats;
    assert_int_equal(reconcile_pass(&ctx, &o, &stats), RECONCILE_DONE);
    assert_int_equal(stats.errors, 0);
    fclose(out);
}

static void test_aggregation_write_back(void **state)
{
    (void)state;
    expect(call("POST", RBAC "/clusterroles",
                "{\"metadata\":{\"name\":\"widgets-view\",\"labels\":{\"rbac.authorization.k8s.io/aggregate-to-view\":\"true\"}},"
                "\"rules\":[{\"apiGroups\":[\"example.com\"],\"resources\":[\"widgets\"],\"verbs\":[\"get\"]}]}",
                &admin), 201, NULL, NULL);
    /* authorization uses the aggregated rules at once (its snapshot computes
     * them); storing them is the clusterrole-aggregation controller's job,
     * in the next reconcile pass */
    expect(call("GET", "/api/v1/namespaces/default/pods", NULL, &alice), 200, NULL, NULL);
    run_reconcile_pass();
    const char *const roles[] = {"view", "edit", "admin", NULL};
    for (int i = 0; roles[i]; i++) {
        char path[200];
        snprintf(path, sizeof path, RBAC "/clusterroles/%s", roles[i]);
        result r = call("GET", path, NULL, &admin);
        assert_int_equal(r.status, 200);
        assert_non_null(strstr(r.text, "widgets"));
        cJSON_Delete(r.body);
    }
    /* a non-admin may not set an aggregationRule */
    expect(call("POST", RBAC "/clusterroles",
                "{\"metadata\":{\"name\":\"cr-writer\"},\"rules\":[{\"apiGroups\":[\"rbac.authorization.k8s.io\"],"
                "\"resources\":[\"clusterroles\"],\"verbs\":[\"create\"]}]}", &admin), 201, NULL, NULL);
    expect(call("POST", RBAC "/clusterrolebindings",
                "{\"metadata\":{\"name\":\"alice-cr\"},\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"cr-writer\"},"
                "\"subjects\":[{\"kind\":\"User\",\"name\":\"alice\"}]}", &admin), 201, NULL, NULL);
    expect(call("POST", RBAC "/clusterroles",
                "{\"metadata\":{\"name\":\"grab\"},\"aggregationRule\":{\"clusterRoleSelectors\":[{\"matchLabels\":{\"a\":\"b\"}}]}}",
                &alice), 403, "message",
           "clusterroles.rbac.authorization.k8s.io \"grab\" is forbidden: must have cluster-admin privileges to "
           "use the aggregationRule");
    expect(call("DELETE", RBAC "/clusterrolebindings/alice-cr", NULL, &admin), 200, NULL, NULL);
}

static void test_reviews(void **state)
{
    (void)state;
    const char *ssar = "{\"kind\":\"SelfSubjectAccessReview\",\"apiVersion\":\"authorization.k8s.io/v1\","
                       "\"metadata\":{\"creationTimestamp\":null},\"spec\":{\"resourceAttributes\":"
                       "{\"namespace\":\"default\",\"verb\":\"list\",\"resource\":\"pods\"}},\"status\":{\"allowed\":false}}";
    result r = call("POST", AUTHZ "/selfsubjectaccessreviews", ssar, &alice);
    assert_int_equal(r.status, 201);
    assert_string_equal(r.text,
        "{\"kind\":\"SelfSubjectAccessReview\",\"apiVersion\":\"authorization.k8s.io/v1\",\"metadata\":"
        "{\"creationTimestamp\":null},\"spec\":{\"resourceAttributes\":{\"namespace\":\"default\",\"verb\":\"list\","
        "\"resource\":\"pods\"}},\"status\":{\"allowed\":true,\"reason\":\"RBAC: allowed by RoleBinding "
        "\\\"alice-reads/default\\\" of Role \\\"pod-reader\\\" to User \\\"alice\\\"\"}}");
    cJSON_Delete(r.body);
    expect(call("POST", AUTHZ "/selfsubjectaccessreviews",
                "{\"spec\":{\"resourceAttributes\":{\"namespace\":\"default\",\"verb\":\"delete\",\"resource\":\"pods\"}}}",
                &alice), 201, "status.allowed", "false");
    expect(call("POST", AUTHZ "/selfsubjectaccessreviews", "{\"spec\":{}}", &alice), 422, "message",
           "SelfSubjectAccessReview.authorization.k8s.io \"\" is invalid: spec.resourceAttributes: Invalid value: "
           "\"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified");
    expect(call("POST", AUTHZ "/selfsubjectaccessreviews",
                "{\"spec\":{\"nonResourceAttributes\":{\"path\":\"/healthz\",\"verb\":\"get\"}}}", &alice), 201,
           "status.reason", "RBAC: allowed by ClusterRoleBinding \"system:discovery\" of ClusterRole "
                            "\"system:discovery\" to Group \"system:authenticated\"");
    /* system:masters: allowed with no reason, as kube's privileged-group authorizer */
    expect(call("POST", AUTHZ "/selfsubjectaccessreviews",
                "{\"spec\":{\"resourceAttributes\":{\"verb\":\"*\",\"resource\":\"*\",\"group\":\"*\"}}}", &admin),
           201, "status.reason", "<missing>");
    /* SubjectAccessReview: only with create on subjectaccessreviews */
    const char *sar = "{\"spec\":{\"user\":\"alice\",\"groups\":[\"dev\"],\"resourceAttributes\":"
                      "{\"namespace\":\"default\",\"verb\":\"get\",\"resource\":\"pods\"}}}";
    expect(call("POST", AUTHZ "/subjectaccessreviews", sar, &alice), 403, NULL, NULL);
    expect(call("POST", AUTHZ "/subjectaccessreviews", sar, &admin), 201, "status.allowed", "true");
    expect(call("POST", AUTHZ "/subjectaccessreviews",
                "{\"spec\":{\"resourceAttributes\":{\"verb\":\"get\",\"resource\":\"pods\"}}}", &admin), 422, "message",
           "SubjectAccessReview.authorization.k8s.io \"\" is invalid: spec.user: Invalid value: \"\": at least one "
           "of user or group must be specified");
    expect(call("POST", AUTHZ "/namespaces/default/localsubjectaccessreviews",
                "{\"spec\":{\"user\":\"alice\",\"resourceAttributes\":{\"namespace\":\"other\",\"verb\":\"get\","
                "\"resource\":\"pods\"}}}", &admin), 422, "message",
           "LocalSubjectAccessReview.authorization.k8s.io \"\" is invalid: spec.resourceAttributes.namespace: "
           "Invalid value: \"other\": must match metadata.namespace");
    expect(call("POST", AUTHZ "/namespaces/default/localsubjectaccessreviews",
                "{\"spec\":{\"user\":\"alice\",\"resourceAttributes\":{\"namespace\":\"default\",\"verb\":\"get\","
                "\"resource\":\"pods\"}}}", &admin), 201, "metadata.namespace", "default");
    expect(call("GET", AUTHZ "/selfsubjectaccessreviews", NULL, &admin), 405, NULL, NULL);

    /* SelfSubjectRulesReview */
    r = call("POST", AUTHZ "/selfsubjectrulesreviews", "{\"spec\":{\"namespace\":\"default\"}}", &alice);
    assert_int_equal(r.status, 201);
    assert_non_null(strstr(r.text, "{\"verbs\":[\"get\",\"list\",\"watch\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}"));
    assert_non_null(strstr(r.text, "\"nonResourceRules\":[{\"verbs\":[\"get\"],\"nonResourceURLs\":[\"/api\",\"/api/*\""));
    assert_non_null(strstr(r.text, "\"incomplete\":false}}"));
    cJSON_Delete(r.body);
    expect(call("POST", AUTHZ "/selfsubjectrulesreviews", "{\"spec\":{}}", &alice), 400, "message",
           "no namespace on request");

    /* SelfSubjectReview */
    r = call("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews",
             "{\"kind\":\"SelfSubjectReview\",\"apiVersion\":\"authentication.k8s.io/v1\"}", &alice);
    assert_int_equal(r.status, 201);
    assert_non_null(strstr(r.text, "\"status\":{\"userInfo\":{\"username\":\"alice\",\"groups\":[\"dev\",\"system:authenticated\"]}}}"));
    cJSON_Delete(r.body);
}

static void test_impersonation(void **state)
{
    (void)state;
    kapi_header as_alice[] = {{"impersonate-user", "alice"}};
    expect(call_h("GET", "/api/v1/namespaces/kube-system/pods", NULL, &admin, as_alice, 1), 403, "message",
           "pods is forbidden: User \"alice\" cannot list resource \"pods\" in API group \"\" in the namespace \"kube-system\"");
    result r = call_h("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", "{}", &admin, as_alice, 1);
    assert_non_null(strstr(r.text, "{\"username\":\"alice\",\"groups\":[\"system:authenticated\"]}"));
    cJSON_Delete(r.body);
    kapi_header as_groups[] = {{"impersonate-user", "alice"}, {"impersonate-group", "dev"},
                               {"impersonate-group", "qa"}, {"impersonate-uid", "u-1"}};
    r = call_h("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", "{}", &admin, as_groups, 4);
    assert_non_null(strstr(r.text, "{\"username\":\"alice\",\"uid\":\"u-1\",\"groups\":[\"dev\",\"qa\",\"system:authenticated\"]}"));
    cJSON_Delete(r.body);
    kapi_header as_sa[] = {{"impersonate-user", "system:serviceaccount:default:builder"}};
    r = call_h("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", "{}", &admin, as_sa, 1);
    assert_non_null(strstr(r.text, "\"groups\":[\"system:serviceaccounts\",\"system:serviceaccounts:default\","
                                   "\"system:authenticated\"]"));
    cJSON_Delete(r.body);

    kapi_header as_bob[] = {{"impersonate-user", "bob"}};
    expect(call_h("GET", "/api/v1/namespaces/default/pods", NULL, &alice, as_bob, 1), 403, "message",
           "users \"bob\" is forbidden: User \"alice\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope");
    expect(call_h("GET", "/api/v1/namespaces/default/pods", NULL, &alice, as_sa, 1), 403, "message",
           "serviceaccounts \"builder\" is forbidden: User \"alice\" cannot impersonate resource \"serviceaccounts\" "
           "in API group \"\" in the namespace \"default\"");
    kapi_header group_only[] = {{"impersonate-group", "system:masters"}};
    r = call_h("GET", "/api/v1/namespaces/default/pods", NULL, &admin, group_only, 1);
    assert_int_equal(r.status, 500);
    assert_string_equal(r.text, "Internal Server Error: \"/api/v1/namespaces/default/pods\": requested "
                                "[{Group  system:masters    }] without impersonating a user\n");
    /* alice may impersonate service accounts in "team" (edit's rule): not the group she asks for */
    kapi_header sa_team[] = {{"impersonate-user", "system:serviceaccount:team:ci"}, {"impersonate-group", "system:masters"}};
    expect(call_h("GET", "/api/v1/namespaces/team/pods", NULL, &alice, sa_team, 2), 403, "message",
           "groups \"system:masters\" is forbidden: User \"alice\" cannot impersonate resource \"groups\" in API "
           "group \"\" at the cluster scope");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bootstrap_policy_in_store),
        cmocka_unit_test(test_denied_then_granted),
        cmocka_unit_test(test_escalation),
        cmocka_unit_test(test_validation),
        cmocka_unit_test(test_aggregation_counts_before_it_is_stored),
        cmocka_unit_test(test_aggregation_write_back),
        cmocka_unit_test(test_reviews),
        cmocka_unit_test(test_impersonation),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
