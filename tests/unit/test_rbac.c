/* test_rbac.c: RBAC on its own, without a store: rule matching (wildcards,
 * subresources, resourceNames, non-resource URLs), coverage and kube's
 * compact rule text (escalation messages), subjects (users, groups,
 * service accounts), source descriptions, aggregation of ClusterRoles,
 * and the compiled-in bootstrap policy as a context-less authorizer sees it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "auth/authz.h"
#include "auth/bootstrap_policy.h"
#include "auth/rbac.h"
#include "auth/rbac_policy.h"

#define L(...) ((const char *const[]){__VA_ARGS__, NULL})

static const kapi_user alice = {.name = "alice", .groups = {"dev", "system:authenticated"}, .n_groups = 2};

static rbac_attrs res(const char *verb, const char *group, const char *resource, const char *sub,
                      const char *ns, const char *name)
{
    rbac_attrs a = {.user = &alice, .verb = verb, .is_resource = 1, .api_group = group,
                    .resource = resource, .subresource = sub, .ns = ns, .name = name, .path = ""};
    return a;
}

static rbac_attrs url(const char *verb, const char *path)
{
    rbac_attrs a = {.user = &alice, .verb = verb, .api_group = "", .resource = "", .subresource = "",
                    .ns = "", .name = "", .path = path};
    return a;
}

static void test_rule_matching(void **state)
{
    (void)state;
    rbac_rule pods = {.verbs = L("get", "list"), .api_groups = L(""), .resources = L("pods")};
    rbac_attrs a = res("get", "", "pods", "", "default", "nginx");
    assert_true(rbac_rule_allows(&pods, &a));
    a = res("delete", "", "pods", "", "default", "nginx");
    assert_false(rbac_rule_allows(&pods, &a));
    a = res("get", "apps", "pods", "", "default", "");
    assert_false(rbac_rule_allows(&pods, &a));
    a = res("get", "", "pods", "log", "default", "nginx");      /* pods/log is another resource */
    assert_false(rbac_rule_allows(&pods, &a));

    rbac_rule all = {.verbs = L("*"), .api_groups = L("*"), .resources = L("*")};
    a = res("escalate", "rbac.authorization.k8s.io", "clusterroles", "", "", "x");
    assert_true(rbac_rule_allows(&all, &a));
    a = url("get", "/healthz");
    assert_false(rbac_rule_allows(&all, &a));                    /* resources never match paths */

    rbac_rule any_log = {.verbs = L("get"), .api_groups = L(""), .resources = L("*/log")};
    a = res("get", "", "pods", "log", "ns", "p");
    assert_true(rbac_rule_allows(&any_log, &a));
    a = res("get", "", "pods", "", "ns", "p");
    assert_false(rbac_rule_allows(&any_log, &a));
    a = res("get", "", "pods", "logs", "ns", "p");
    assert_false(rbac_rule_allows(&any_log, &a));

    rbac_rule sub = {.verbs = L("update"), .api_groups = L("apps"), .resources = L("deployments/scale")};
    a = res("update", "apps", "deployments", "scale", "ns", "web");
    assert_true(rbac_rule_allows(&sub, &a));

    rbac_rule named = {.verbs = L("get", "update"), .api_groups = L("coordination.k8s.io"),
                       .resources = L("leases"), .resource_names = L("kube-controller-manager")};
    a = res("get", "coordination.k8s.io", "leases", "", "kube-system", "kube-controller-manager");
    assert_true(rbac_rule_allows(&named, &a));
    a = res("get", "coordination.k8s.io", "leases", "", "kube-system", "other");
    assert_false(rbac_rule_allows(&named, &a));
    a = res("get", "coordination.k8s.io", "leases", "", "kube-system", "");   /* a list has no name */
    assert_false(rbac_rule_allows(&named, &a));

    rbac_rule urls = {.verbs = L("get"), .urls = L("/healthz", "/apis/*", "/version/")};
    a = url("get", "/healthz");
    assert_true(rbac_rule_allows(&urls, &a));
    a = url("get", "/healthz/etcd");
    assert_false(rbac_rule_allows(&urls, &a));
    a = url("get", "/apis/apps/v1");
    assert_true(rbac_rule_allows(&urls, &a));
    a = url("get", "/apis");
    assert_false(rbac_rule_allows(&urls, &a));
    a = url("post", "/healthz");
    assert_false(rbac_rule_allows(&urls, &a));
    rbac_rule star = {.verbs = L("*"), .urls = L("*")};
    a = url("delete", "/anything/at/all");
    assert_true(rbac_rule_allows(&star, &a));
    a = res("get", "", "pods", "", "ns", "");
    assert_false(rbac_rule_allows(&star, &a));
}

static char *compact_text(kapi_pool *p, const rbac_rule *r)
{
    kapi_buf b;
    kapi_buf_init(&b);
    rbac_rule_compact_string(r, &b);
    char *s = kapi_pstrndup(p, b.data, b.len);
    kapi_buf_free(&b);
    return s;
}

static void test_covers_and_compact(void **state)
{
    (void)state;
    kapi_pool *p = kapi_pool_new();
    rbac_rule owner[] = {
        {.verbs = L("get", "list"), .api_groups = L(""), .resources = L("pods", "*/status")},
        {.verbs = L("get"), .urls = L("/apis/*")},
        {.verbs = L("update"), .api_groups = L(""), .resources = L("configmaps"), .resource_names = L("a")},
    };
    rbac_rule ok[] = {
        {.verbs = L("list"), .api_groups = L(""), .resources = L("pods", "deployments/status")},
        {.verbs = L("get"), .urls = L("/apis/apps")},
        {.verbs = L("update"), .api_groups = L(""), .resources = L("configmaps"), .resource_names = L("a")},
    };
    assert_true(rbac_covers(p, owner, 3, ok, 3, NULL, NULL));

    rbac_rule more[] = {
        {.verbs = L("get", "delete", "watch"), .api_groups = L(""), .resources = L("pods")},
        {.verbs = L("get"), .urls = L("/healthz")},
        {.verbs = L("update"), .api_groups = L(""), .resources = L("configmaps")},   /* all names */
    };
    rbac_rule *missing = NULL;
    int nm = 0;
    assert_false(rbac_covers(p, owner, 3, more, 3, &missing, &nm));
    assert_int_equal(nm, 4);
    assert_string_equal(compact_text(p, &missing[0]), "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"delete\"]}");
    assert_string_equal(compact_text(p, &missing[2]), "{NonResourceURLs:[\"/healthz\"], Verbs:[\"get\"]}");
    rbac_rule *compact = NULL;
    int nc = rbac_compact(p, missing, nm, &compact);
    assert_int_equal(nc, 3);
    assert_string_equal(compact_text(p, &compact[0]), "{NonResourceURLs:[\"/healthz\"], Verbs:[\"get\"]}");
    assert_string_equal(compact_text(p, &compact[1]),
                        "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"delete\" \"watch\"]}");
    rbac_rule named = {.verbs = L("get"), .api_groups = L("x"), .resources = L("y"),
                       .resource_names = L("q\"uote")};
    assert_string_equal(compact_text(p, &named),
                        "{APIGroups:[\"x\"], Resources:[\"y\"], ResourceNames:[\"q\\\"uote\"], Verbs:[\"get\"]}");

    rbac_rule full[] = {{.verbs = L("*"), .api_groups = L("*"), .resources = L("*")},
                        {.verbs = L("*"), .urls = L("*")}};
    assert_true(rbac_covers(p, full, 2, more, 3, NULL, NULL));
    assert_false(rbac_covers(p, more, 3, full, 2, NULL, NULL));
    kapi_pool_free(p);
}

static void test_rules_json(void **state)
{
    (void)state;
    kapi_pool *p = kapi_pool_new();
    cJSON *j = cJSON_Parse("[{\"apiGroups\":[\"\"],\"verbs\":[\"get\"],\"resources\":[\"pods\"]},5,"
                           "{\"nonResourceURLs\":[\"/x\"],\"verbs\":[\"get\",7]}]");
    rbac_rule *rules = NULL;
    int n = rbac_rules_from_json(p, j, &rules);
    assert_int_equal(n, 2);
    cJSON *back = rbac_rule_to_json(&rules[0]);
    char *text = cJSON_PrintUnformatted(back);
    assert_string_equal(text, "{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}");
    cJSON_free(text);
    cJSON_Delete(back);
    assert_int_equal(rbac_list_len(rules[1].verbs), 1);
    assert_int_equal(rbac_rules_from_json(p, NULL, &rules), 0);
    cJSON_Delete(j);
    kapi_pool_free(p);
}

static rbac_policy *policy_of(const char *json)
{
    rbac_policy *p = rbac_policy_new();
    cJSON *all = cJSON_Parse(json), *o;
    assert_non_null(all);
    cJSON_ArrayForEach(o, all) {
        const cJSON *k = cJSON_GetObjectItemCaseSensitive(o, "kind");
        rbac_policy_add(p, k->valuestring, o);
    }
    cJSON_Delete(all);
    rbac_policy_finish(p);
    return p;
}

typedef struct found {
    kapi_pool *pool;
    int rules;
    const char *first_source, *first_error;
} found;

static int collect(void *arg, const rbac_binding *b, const rbac_subject *s, const rbac_rule *rule,
                   const char *err)
{
    found *f = arg;
    if (rule) {
        f->rules++;
        if (!f->first_source) f->first_source = rbac_describe_source(f->pool, b, s);
    }
    if (err && !f->first_error) f->first_error = err;
    return 1;
}

static void test_subjects_and_sources(void **state)
{
    (void)state;
    rbac_policy *p = policy_of(
        "[{\"kind\":\"ClusterRole\",\"metadata\":{\"name\":\"reader\"},"
        "  \"rules\":[{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}]},"
        " {\"kind\":\"Role\",\"metadata\":{\"name\":\"r\",\"namespace\":\"ns1\"},"
        "  \"rules\":[{\"verbs\":[\"list\"],\"apiGroups\":[\"\"],\"resources\":[\"secrets\"]}]},"
        " {\"kind\":\"RoleBinding\",\"metadata\":{\"name\":\"sa-local\",\"namespace\":\"ns1\"},"
        "  \"roleRef\":{\"kind\":\"Role\",\"name\":\"r\"},\"subjects\":[{\"kind\":\"ServiceAccount\",\"name\":\"bot\"}]},"
        " {\"kind\":\"RoleBinding\",\"metadata\":{\"name\":\"dangling\",\"namespace\":\"ns1\"},"
        "  \"roleRef\":{\"kind\":\"Role\",\"name\":\"gone\"},\"subjects\":[{\"kind\":\"Group\",\"name\":\"dev\"}]},"
        " {\"kind\":\"ClusterRoleBinding\",\"metadata\":{\"name\":\"devs\"},"
        "  \"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"reader\"},\"subjects\":[{\"kind\":\"User\",\"name\":\"bob\"},{\"kind\":\"Group\",\"name\":\"dev\"}]},"
        " {\"kind\":\"ClusterRoleBinding\",\"metadata\":{\"name\":\"sa\"},"
        "  \"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"reader\"},\"subjects\":[{\"kind\":\"ServiceAccount\",\"name\":\"bot\",\"namespace\":\"ns2\"}]}]");
    kapi_pool *pool = kapi_pool_new();

    found f = {.pool = pool};
    rbac_visit_rules_for(p, pool, &alice, "ns1", 0, collect, &f);
    assert_int_equal(f.rules, 1);
    assert_string_equal(f.first_source,
                        "ClusterRoleBinding \"devs\" of ClusterRole \"reader\" to Group \"dev\"");
    assert_string_equal(f.first_error, "role.rbac.authorization.k8s.io \"gone\" not found");
    f = (found){.pool = pool};
    rbac_visit_rules_for(p, pool, &alice, "ns1", 1, collect, &f);
    assert_string_equal(f.first_error, "roles.rbac.authorization.k8s.io \"gone\" not found");

    /* a service account: by its user name, in the binding's namespace or its own */
    kapi_user bot1 = {.name = "system:serviceaccount:ns1:bot",
                      .groups = {"system:serviceaccounts", "system:serviceaccounts:ns1"}, .n_groups = 2};
    f = (found){.pool = pool};
    rbac_visit_rules_for(p, pool, &bot1, "ns1", 0, collect, &f);
    assert_int_equal(f.rules, 1);
    assert_string_equal(f.first_source, "RoleBinding \"sa-local/ns1\" of Role \"r\" to ServiceAccount \"bot/ns1\"");
    kapi_user bot2 = {.name = "system:serviceaccount:ns2:bot", .n_groups = 0};
    f = (found){.pool = pool};
    rbac_visit_rules_for(p, pool, &bot2, "ns1", 0, collect, &f);
    assert_int_equal(f.rules, 1);
    assert_string_equal(f.first_source, "ClusterRoleBinding \"sa\" of ClusterRole \"reader\" to ServiceAccount \"bot/ns2\"");
    kapi_user fake = {.name = "system:serviceaccount:ns1:bo", .n_groups = 0};
    f = (found){.pool = pool};
    rbac_visit_rules_for(p, pool, &fake, "ns1", 0, collect, &f);
    assert_int_equal(f.rules, 0);

    rbac_subject sa = {.kind = "ServiceAccount", .api_group = "", .name = "bot", .ns = ""};
    assert_false(rbac_subject_applies(&sa, &bot1, ""));          /* no namespace to default to */
    assert_true(rbac_subject_applies(&sa, &bot1, "ns1"));
    rbac_subject other = {.kind = "Robot", .api_group = "", .name = "alice", .ns = ""};
    assert_false(rbac_subject_applies(&other, &alice, "ns1"));
    kapi_pool_free(pool);
    rbac_policy_free(p);
}

static void test_aggregation(void **state)
{
    (void)state;
    rbac_policy *p = policy_of(
        "[{\"kind\":\"ClusterRole\",\"metadata\":{\"name\":\"top\"},"
        "  \"aggregationRule\":{\"clusterRoleSelectors\":[{\"matchLabels\":{\"to-top\":\"true\"}}]}},"
        " {\"kind\":\"ClusterRole\",\"metadata\":{\"name\":\"mid\",\"labels\":{\"to-top\":\"true\"}},"
        "  \"aggregationRule\":{\"clusterRoleSelectors\":[{\"matchExpressions\":[{\"key\":\"to-mid\",\"operator\":\"Exists\"}]}]}},"
        " {\"kind\":\"ClusterRole\",\"metadata\":{\"name\":\"b-leaf\",\"labels\":{\"to-mid\":\"yes\"}},"
        "  \"rules\":[{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}]},"
        " {\"kind\":\"ClusterRole\",\"metadata\":{\"name\":\"a-leaf\",\"labels\":{\"to-mid\":\"x\",\"to-top\":\"true\"}},"
        "  \"rules\":[{\"verbs\":[\"list\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]},"
        "             {\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}]},"
        " {\"kind\":\"ClusterRole\",\"metadata\":{\"name\":\"other\"},"
        "  \"rules\":[{\"verbs\":[\"delete\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}]}]");
    const rbac_role *mid = rbac_find_cluster_role(p, "mid");
    assert_non_null(mid);
    /* by name: a-leaf's two rules, then b-leaf's rule already there */
    assert_int_equal(mid->n_rules, 2);
    assert_string_equal(mid->rules[0].verbs[0], "list");
    const rbac_role *top = rbac_find_cluster_role(p, "top");
    assert_int_equal(top->n_rules, 2);     /* a-leaf and mid (the same rules) */
    assert_true(top->stale && mid->stale);
    assert_int_equal(p->n_stale, 2);
    assert_false(rbac_find_cluster_role(p, "other")->stale);
    assert_null(rbac_find_cluster_role(p, "missing"));
    rbac_policy_free(p);
}

static void test_bootstrap_policy_without_store(void **state)
{
    (void)state;
    kapi_pool *p = kapi_pool_new();
    kapi_user anon = {.name = "system:anonymous", .groups = {"system:unauthenticated"}, .n_groups = 1};
    kapi_user kcm = {.name = "system:kube-controller-manager", .groups = {"system:authenticated"}, .n_groups = 1};
    const char *reason = "";
    rbac_attrs a = url("get", "/version");
    a.user = &anon;
    assert_true(authorize_attrs(NULL, p, &a, &reason));
    assert_string_equal(reason, "RBAC: allowed by ClusterRoleBinding \"system:public-info-viewer\" of "
                                "ClusterRole \"system:public-info-viewer\" to Group \"system:unauthenticated\"");
    a = url("get", "/apis");
    a.user = &anon;
    assert_false(authorize_attrs(NULL, p, &a, &reason));
    assert_string_equal(reason, "");
    a = url("get", "/apis/apps/v1");
    assert_true(authorize_attrs(NULL, p, &a, &reason));
    a = res("create", "authorization.k8s.io", "selfsubjectaccessreviews", "", "", "");
    assert_true(authorize_attrs(NULL, p, &a, &reason));
    a = res("list", "", "pods", "", "default", "");
    assert_false(authorize_attrs(NULL, p, &a, &reason));
    /* the reconciler's identity: its controllers' verbs */
    a = res("create", "apps", "replicasets", "", "default", "");
    a.user = &kcm;
    assert_true(authorize_attrs(NULL, p, &a, &reason));
    a = res("delete", "", "pods", "", "default", "x");
    a.user = &kcm;
    assert_true(authorize_attrs(NULL, p, &a, &reason));
    a = res("create", "", "secrets", "", "default", "");   /* kube's own rule */
    a.user = &kcm;
    assert_true(authorize_attrs(NULL, p, &a, &reason));
    a = res("create", "rbac.authorization.k8s.io", "clusterrolebindings", "", "", "");
    a.user = &kcm;
    assert_false(authorize_attrs(NULL, p, &a, &reason));

    /* the policy's objects: labelled, annotated, admin/edit/view aggregated */
    cJSON *objs = bootstrap_policy_objects(), *o;
    int roles = 0, bindings = 0, aggregated = 0;
    cJSON_ArrayForEach(o, objs) {
        const char *kind = cJSON_GetObjectItemCaseSensitive(o, "kind")->valuestring;
        cJSON *meta = cJSON_GetObjectItemCaseSensitive(o, "metadata");
        cJSON *labels = cJSON_GetObjectItemCaseSensitive(meta, "labels");
        assert_string_equal(cJSON_GetObjectItemCaseSensitive(labels, "kubernetes.io/bootstrapping")->valuestring,
                            "rbac-defaults");
        cJSON *ann = cJSON_GetObjectItemCaseSensitive(meta, "annotations");
        assert_string_equal(cJSON_GetObjectItemCaseSensitive(ann, "rbac.authorization.kubernetes.io/autoupdate")->valuestring,
                            "true");
        if (!strcmp(kind, "ClusterRole")) roles++;
        else bindings++;
        if (cJSON_GetObjectItemCaseSensitive(o, "aggregationRule")) aggregated++;
    }
    assert_true(roles >= 20);
    assert_int_equal(bindings, 12);
    assert_int_equal(aggregated, 3);
    cJSON_Delete(objs);
    kapi_pool_free(p);
}

static void test_forbidden_wording(void **state)
{
    (void)state;
    rbac_attrs a = res("impersonate", "", "users", "", "", "bob");
    cJSON *st = forbidden_status_attrs(&a, "");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(st, "message")->valuestring,
                        "users \"bob\" is forbidden: User \"alice\" cannot impersonate resource \"users\" "
                        "in API group \"\" at the cluster scope");
    cJSON_Delete(st);
    a = res("impersonate", "authentication.k8s.io", "userextras", "scopes", "", "<x>");
    st = forbidden_status_attrs(&a, "RBAC: role.rbac.authorization.k8s.io \"r\" not found");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(st, "message")->valuestring,
                        "userextras.authentication.k8s.io \"<x>\" is forbidden: User \"alice\" cannot impersonate "
                        "resource \"userextras/scopes\" in API group \"authentication.k8s.io\" at the cluster "
                        "scope: RBAC: role.rbac.authorization.k8s.io \"r\" not found");
    cJSON_Delete(st);
    kapi_user odd = {.name = "a\"<b>", .n_groups = 0};
    a = url("get", "/x");
    a.user = &odd;
    st = forbidden_status_attrs(&a, NULL);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(st, "message")->valuestring,
                        "forbidden: User \"a\\\"&lt;b&gt;\" cannot get path \"/x\"");
    cJSON_Delete(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule_matching),
        cmocka_unit_test(test_covers_and_compact),
        cmocka_unit_test(test_rules_json),
        cmocka_unit_test(test_subjects_and_sources),
        cmocka_unit_test(test_aggregation),
        cmocka_unit_test(test_bootstrap_policy_without_store),
        cmocka_unit_test(test_forbidden_wording),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
