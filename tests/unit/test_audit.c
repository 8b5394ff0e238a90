/* test_audit.c: kube's audit policy (auth/audit_policy.c): decoding and
 * validation with kube's messages, and the checker's matching (users,
 * groups, verbs, namespaces, group resources with a star, star-slash-sub,
 * res-slash-star, resourceNames, non-resource URLs with a trailing '*', first rule
 * wins, omitStages unioned with the policy's, omitManagedFields); and the
 * audit log writer (http/audit_log.c): lumberjack's backup names, rotation
 * at the size limit, maxbackup. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "auth/audit_policy.h"
#include "http/audit_log.h"

static audit_policy *parse(const char *text)
{
    char err[512];
    audit_policy *p = audit_policy_parse(text, strlen(text), err, sizeof err);
    if (!p) fail_msg("policy does not load: %s", err);
    return p;
}

static void parse_fails(const char *text, const char *want)
{
    char err[512];
    audit_policy *p = audit_policy_parse(text, strlen(text), err, sizeof err);
    assert_null(p);
    assert_string_equal(err, want);
}

#define HEAD "apiVersion: audit.k8s.io/v1\nkind: Policy\n"

static void test_policy_errors(void **state)
{
    (void)state;
    parse_fails(HEAD "rules: []\n", "loaded illegal policy with 0 rules");
    parse_fails(HEAD "rules:\n- users: [a]\n", "rules[0].level: Required value");
    parse_fails(HEAD "rules:\n- level: All\n",
                "rules[0].level: Unsupported value: \"All\": supported values: \"None\", \"Metadata\", "
                "\"Request\", \"RequestResponse\"");
    parse_fails(HEAD "rules:\n- level: None\n  omitStages: [Done]\n",
                "rules[0].omitStages[0]: Invalid value: \"Done\": allowed stages are "
                "RequestReceived,ResponseStarted,ResponseComplete,Panic");
    parse_fails(HEAD "rules:\n- level: None\n  nonResourceURLs: [healthz]\n",
                "rules[0].nonResourceURLs[0]: Invalid value: \"healthz\": non-resource URL rules must "
                "begin with a '/' character");
    parse_fails(HEAD "rules:\n- level: None\n  nonResourceURLs: [\"/a*b\"]\n",
                "rules[0].nonResourceURLs[0]: Invalid value: \"/a*b\": non-resource URL wildcards '*' "
                "must be the final character of the rule");
    parse_fails(HEAD "rules:\n- level: None\n  nonResourceURLs: [\"/x\"]\n  namespaces: [a]\n",
                "rules[0].nonResourceURLs: Invalid value: []string{...}: rules cannot apply to both "
                "regular resources and non-resource URLs");
    /* two errors: kube's aggregate */
    parse_fails(HEAD "rules:\n- level: X\n- level: None\n  resources: [{group: \"\", resourceNames: [a]}]\n",
                "[rules[0].level: Unsupported value: \"X\": supported values: \"None\", \"Metadata\", "
                "\"Request\", \"RequestResponse\", rules[1].resources.resourceNames: Invalid value: "
                "[]string{...}: using resourceNames requires at least one resource]");
    parse_fails("apiVersion: audit.k8s.io/v1beta1\nkind: Policy\nrules: [{level: None}]\n",
                "failed decoding: no kind \"Policy\" is registered for version \"audit.k8s.io/v1beta1\" "
                "in scheme \"k8s.io/apiserver/pkg/audit/scheme.go:30\"");
    char err[512];
    const char *scalar = HEAD "rules:\n- level: None\n  users: a\n";
    assert_null(audit_policy_parse(scalar, strlen(scalar), err, sizeof err));
    assert_non_null(strstr(err, "failed decoding: json: cannot unmarshal"));
    assert_null(audit_policy_parse("rules: [", 8, err, sizeof err));
    assert_non_null(strstr(err, "failed decoding: "));
    /* the text quoted in a message stops at its length (no NUL needed) */
    const char nokind[] = "rules: []XXXX";
    assert_null(audit_policy_parse(nokind, 9, err, sizeof err));
    assert_string_equal(err, "failed decoding: Object 'Kind' is missing in 'rules: []'");
    assert_non_null(strstr(err, "failed decoding: "));
}

static kapi_user alice = {.name = "alice", .n_groups = 2, .groups = {"ops", "system:authenticated"}};

static audit_decision check(const audit_policy *p, const kapi_user *u, const char *verb, const char *group,
                            const char *ns, const char *res, const char *sub, const char *name)
{
    audit_attrs a = {.user = u, .verb = verb, .is_resource = 1, .group = group, .namespace_ = ns,
                     .resource = res, .subresource = sub, .name = name};
    audit_decision d;
    audit_policy_check(p, &a, &d);
    return d;
}

static audit_level level_of(const audit_policy *p, const char *verb, const char *group, const char *ns,
                            const char *res, const char *sub, const char *name)
{
    return check(p, &alice, verb, group, ns, res, sub, name).level;
}

static audit_level path_level(const audit_policy *p, const kapi_user *u, const char *path)
{
    audit_attrs a = {.user = u, .verb = "get", .is_resource = 0, .path = path};
    audit_decision d;
    audit_policy_check(p, &a, &d);
    return d.level;
}

static void test_policy_matching(void **state)
{
    (void)state;
    audit_policy *p = parse(HEAD
        "omitStages: [RequestReceived]\n"
        "rules:\n"
        "- level: None\n  users: [bob]\n"
        "- level: RequestResponse\n  userGroups: [auditors]\n"
        "- level: None\n  resources: [{group: \"\", resources: [configmaps], resourceNames: [leader]}]\n"
        "- level: Request\n  verbs: [create]\n  resources: [{group: apps}]\n"
        "- level: Metadata\n  resources: [{group: \"\", resources: [\"*/status\"]}]\n  omitStages: [Panic]\n"
        "- level: Request\n  resources: [{group: \"\", resources: [\"pods/*\", secrets]}]\n"
        "- level: RequestResponse\n  namespaces: [kube-system, \"\"]\n  omitManagedFields: true\n"
        "- level: None\n  nonResourceURLs: [\"/healthz*\", /version]\n"
        "- level: Metadata\n  resources: [{group: \"\", resources: [pods]}]\n");
    kapi_user bob = {.name = "bob", .n_groups = 1, .groups = {"auditors"}};
    kapi_user carol = {.name = "carol", .n_groups = 1, .groups = {"auditors"}};
    /* users before groups: the first matching rule wins */
    assert_int_equal(check(p, &bob, "get", "", "default", "pods", "", "x").level, AUDIT_LEVEL_NONE);
    assert_int_equal(check(p, &carol, "get", "", "default", "pods", "", "x").level, AUDIT_LEVEL_REQUEST_RESPONSE);
    /* resourceNames */
    assert_int_equal(level_of(p, "get", "", "default", "configmaps", "", "leader"), AUDIT_LEVEL_NONE);
    assert_int_equal(level_of(p, "get", "", "default", "configmaps", "", "other"), AUDIT_LEVEL_NONE);  /* no rule */
    /* a group with no resources: all of the group's; verbs */
    assert_int_equal(level_of(p, "create", "apps", "default", "deployments", "", ""), AUDIT_LEVEL_REQUEST);
    assert_int_equal(level_of(p, "get", "apps", "default", "deployments", "", "d"), AUDIT_LEVEL_NONE);
    /* star-slash-status and pods-slash-star */
    audit_decision d = check(p, &alice, "update", "", "default", "pods", "status", "x");
    assert_int_equal(d.level, AUDIT_LEVEL_METADATA);
    assert_int_equal(d.omit_stages, AUDIT_STAGE_PANIC | AUDIT_STAGE_REQUEST_RECEIVED);
    assert_int_equal(level_of(p, "get", "", "default", "pods", "log", "x"), AUDIT_LEVEL_REQUEST);
    assert_int_equal(level_of(p, "get", "", "default", "secrets", "", "s"), AUDIT_LEVEL_REQUEST);
    /* as in kube, pods-slash-star matches the pods themselves too */
    assert_int_equal(level_of(p, "get", "", "default", "pods", "", "x"), AUDIT_LEVEL_REQUEST);
    /* a plain resource is not its subresources */
    audit_policy *q = parse(HEAD "rules:\n- level: Request\n  resources: [{group: \"\", resources: [pods]}]\n");
    assert_int_equal(level_of(q, "get", "", "default", "pods", "log", "x"), AUDIT_LEVEL_NONE);
    assert_int_equal(level_of(q, "get", "", "default", "pods", "", "x"), AUDIT_LEVEL_REQUEST);
    audit_policy_free(q);
    /* namespaces: "" selects cluster-scoped resources */
    d = check(p, &alice, "list", "", "", "nodes", "", "");
    assert_int_equal(d.level, AUDIT_LEVEL_REQUEST_RESPONSE);
    assert_true(d.omit_managed_fields);
    assert_int_equal(level_of(p, "list", "", "kube-system", "services", "", ""), AUDIT_LEVEL_REQUEST_RESPONSE);
    assert_int_equal(level_of(p, "list", "", "default", "services", "", ""), AUDIT_LEVEL_NONE);
    /* non-resource URLs: a trailing '*' is a prefix; resource rules never
     * match them */
    assert_int_equal(path_level(p, &alice, "/healthz/etcd"), AUDIT_LEVEL_NONE);
    assert_int_equal(path_level(p, &alice, "/version"), AUDIT_LEVEL_NONE);
    assert_int_equal(path_level(p, &carol, "/version"), AUDIT_LEVEL_REQUEST_RESPONSE);
    /* no match: None with the policy's stages; no user matches no user rule */
    d = check(p, NULL, "get", "apps", "default", "deployments", "", "x");
    assert_int_equal(d.level, AUDIT_LEVEL_NONE);
    assert_int_equal(d.omit_stages, AUDIT_STAGE_REQUEST_RECEIVED);
    assert_false(d.omit_managed_fields);
    audit_policy_free(p);

    /* a policy's omitManagedFields, and a rule that turns it off */
    p = parse(HEAD "omitManagedFields: true\nrules:\n- level: Request\n  verbs: [get]\n  omitManagedFields: false\n"
                   "- level: Metadata\n  nonResourceURLs: [\"*\"]\n- level: Request\n");
    assert_false(check(p, &alice, "get", "", "a", "pods", "", "").omit_managed_fields);
    assert_true(check(p, &alice, "list", "", "a", "pods", "", "").omit_managed_fields);
    /* a rule of verbs only matches non-resource requests too */
    assert_int_equal(path_level(p, &alice, "/anything"), AUDIT_LEVEL_REQUEST);
    audit_policy_free(p);
}

static void test_backup_name(void **state)
{
    (void)state;
    char out[256];
    audit_log_backup_name("/var/log/audit.log", 1700000000, 7, out, sizeof out);
    assert_string_equal(out, "/var/log/audit-2023-11-14T22-13-20.007.log");
    audit_log_backup_name("/var/log/audit", 1700000000, 123, out, sizeof out);
    assert_string_equal(out, "/var/log/audit-2023-11-14T22-13-20.123");
    audit_log_backup_name("/var/my.d/audit.json.log", 0, 0, out, sizeof out);
    assert_string_equal(out, "/var/my.d/audit.json-1970-01-01T00-00-00.000.log");
}

static int count_backups(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        if (!strncmp(de->d_name, "a-", 2)) n++;
    closedir(d);
    return n;
}

static void test_rotation(void **state)
{
    (void)state;
    char dir[] = "/tmp/kapi-test-audit-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/a.log", dir);
    audit_log_config c = {.path = path, .max_size_mb = 1, .max_backups = 2};
    size_t n = 300 * 1024;
    char *rec = malloc(n);
    memset(rec, 'r', n - 1);
    rec[n - 1] = '\n';
    /* three records fit in 1 MB; the fourth starts a new file */
    for (int i = 0; i < 3; i++) assert_int_equal(audit_log_append(&c, rec, n), 0);
    assert_int_equal(count_backups(dir), 0);
    assert_int_equal(audit_log_append(&c, rec, n), 0);
    assert_int_equal(count_backups(dir), 1);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, (off_t)n);
    /* more rotations keep two backups */
    for (int i = 0; i < 9; i++) {
        assert_int_equal(audit_log_append(&c, rec, n), 0);
        usleep(2000);   /* backups a millisecond apart have names of their own */
    }
    assert_int_equal(count_backups(dir), 2);
    /* a record larger than the limit is refused (lumberjack) */
    char *huge = malloc(2 << 20);
    memset(huge, 'h', 2 << 20);
    c.max_backups = 0;
    assert_int_equal(audit_log_append(&c, huge, 2 << 20), -1);
    free(huge);
    free(rec);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy_errors),
        cmocka_unit_test(test_policy_matching),
        cmocka_unit_test(test_backup_name),
        cmocka_unit_test(test_rotation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
