/* test_discovery.c: the discovery documents. Every resource of the resource
 * table appears in legacy and aggregated discovery with its short names,
 * categories, sorted verbs and subresources; shapes, field order and
 * kube's conventions (responseKind, creationTimestamp null, v2 vs v2beta1). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "http/discovery.h"

static char *print_json(const cJSON *j)
{
    char *s = cJSON_PrintUnformatted(j);
    assert_non_null(s);
    return s;
}

static void assert_json(const cJSON *j, const char *want)
{
    char *got = print_json(j);
    if (strcmp(got, want)) print_error("got  %s\nwant %s\n", got, want);
    assert_string_equal(got, want);
    free(got);
}

static void assert_keys(const cJSON *obj, const char *want)
{
    char keys[512] = "";
    for (const cJSON *f = obj ? obj->child : NULL; f; f = f->next) {
        if (keys[0]) strcat(keys, ",");
        strcat(keys, f->string);
    }
    assert_string_equal(keys, want);
}

static const cJSON *find_named(const cJSON *arr, const char *field, const char *value)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, arr) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, field);
        if (cJSON_IsString(v) && !strcmp(v->valuestring, value)) return e;
    }
    return NULL;
}

static void test_root_paths(void **state)
{
    (void)state;
    cJSON *doc = discovery_root_paths();
    assert_keys(doc, "paths");
    const cJSON *paths = cJSON_GetObjectItem(doc, "paths");
    assert_json(paths, "[\"/api\",\"/api/v1\",\"/apis\",\"/apis/\","
                       "\"/apis/admissionregistration.k8s.io\",\"/apis/admissionregistration.k8s.io/v1\","
                       "\"/apis/apiextensions.k8s.io\",\"/apis/apiextensions.k8s.io/v1\",\"/apis/apps\",\"/apis/apps/v1\","
                       "\"/apis/authentication.k8s.io\",\"/apis/authentication.k8s.io/v1\","
                       "\"/apis/authorization.k8s.io\",\"/apis/authorization.k8s.io/v1\","
                       "\"/apis/autoscaling\",\"/apis/autoscaling/v1\",\"/apis/autoscaling/v2\",\"/apis/batch\",\"/apis/batch/v1\","
                       "\"/apis/certificates.k8s.io\",\"/apis/certificates.k8s.io/v1\","
                       "\"/apis/coordination.k8s.io\",\"/apis/coordination.k8s.io/v1\","
                       "\"/apis/discovery.k8s.io\",\"/apis/discovery.k8s.io/v1\",\"/apis/events.k8s.io\",\"/apis/events.k8s.io/v1\","
                       "\"/apis/networking.k8s.io\",\"/apis/networking.k8s.io/v1\",\"/apis/node.k8s.io\",\"/apis/node.k8s.io/v1\","
                       "\"/apis/policy\",\"/apis/policy/v1\","
                       "\"/apis/rbac.authorization.k8s.io\",\"/apis/rbac.authorization.k8s.io/v1\",\"/apis/scheduling.k8s.io\",\"/apis/scheduling.k8s.io/v1\","
                       "\"/apis/storage.k8s.io\",\"/apis/storage.k8s.io/v1\","
                       "\"/healthz\",\"/livez\",\"/openapi/v2\",\"/openapi/v3\",\"/openapi/v3/\",\"/readyz\","
                       "\"/version\"]");
    /* byte order, every group of the table present */
    const cJSON *a = paths->child;
    for (const cJSON *b = a->next; b; a = b, b = b->next) assert_true(strcmp(a->valuestring, b->valuestring) < 0);
    for (int i = 0; i < kapi_n_groups; i++) {
        char p[200];
        if (!kapi_groups[i].name[0]) continue;
        snprintf(p, sizeof p, "/apis/%s/%s", kapi_groups[i].name, kapi_groups[i].version);
        const cJSON *e;
        int found = 0;
        cJSON_ArrayForEach(e, paths) found |= !strcmp(e->valuestring, p);
        assert_true(found);
    }
    cJSON_Delete(doc);
}

static void test_version(void **state)
{
    (void)state;
    cJSON *v = discovery_version();
    assert_keys(v, "major,minor,gitVersion,gitCommit,gitTreeState,buildDate,goVersion,compiler,platform");
    assert_string_equal(cJSON_GetObjectItem(v, "major")->valuestring, "1");
    assert_string_equal(cJSON_GetObjectItem(v, "minor")->valuestring, "32");
    assert_string_equal(cJSON_GetObjectItem(v, "gitVersion")->valuestring, "v1.32.0");
    const char *date = cJSON_GetObjectItem(v, "buildDate")->valuestring;
    assert_int_equal(strlen(date), 20);   /* 2024-05-01T12:00:00Z */
    assert_int_equal(date[10], 'T');
    assert_int_equal(date[19], 'Z');
    assert_non_null(strstr(cJSON_GetObjectItem(v, "platform")->valuestring, "linux/"));
    cJSON_Delete(v);
}

static void test_legacy_roots(void **state)
{
    (void)state;
    unsetenv("KAPI_PORT");
    cJSON *doc = discovery_api_versions();
    assert_json(doc, "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":"
                     "[{\"clientCIDR\":\"0.0.0.0/0\",\"serverAddress\":\"127.0.0.1:6443\"}]}");
    cJSON_Delete(doc);
    setenv("KAPI_PORT", "16443", 1);
    doc = discovery_api_versions();
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "serverAddressByClientCIDRs"), 0),
                                            "serverAddress")->valuestring,
                        "127.0.0.1:16443");
    cJSON_Delete(doc);
    discovery_set_server_address("10.0.0.1:443");
    doc = discovery_api_versions();
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "serverAddressByClientCIDRs"), 0),
                                            "serverAddress")->valuestring,
                        "10.0.0.1:443");
    cJSON_Delete(doc);
    discovery_set_server_address("");
    unsetenv("KAPI_PORT");

    doc = discovery_api_group_list();
    assert_keys(doc, "kind,apiVersion,groups");
    const cJSON *groups = cJSON_GetObjectItem(doc, "groups");
    assert_int_equal(cJSON_GetArraySize(groups), kapi_n_groups - 1);   /* the core group is /api's */
    assert_json(cJSON_GetArrayItem(groups, 0),
                "{\"name\":\"apps\",\"versions\":[{\"groupVersion\":\"apps/v1\",\"version\":\"v1\"}],"
                "\"preferredVersion\":{\"groupVersion\":\"apps/v1\",\"version\":\"v1\"}}");
    assert_non_null(find_named(groups, "name", "rbac.authorization.k8s.io"));
    assert_non_null(find_named(groups, "name", "coordination.k8s.io"));
    cJSON_Delete(doc);

    doc = discovery_api_group("coordination.k8s.io");
    assert_json(doc, "{\"kind\":\"APIGroup\",\"apiVersion\":\"v1\",\"name\":\"coordination.k8s.io\","
                     "\"versions\":[{\"groupVersion\":\"coordination.k8s.io/v1\",\"version\":\"v1\"}],"
                     "\"preferredVersion\":{\"groupVersion\":\"coordination.k8s.io/v1\",\"version\":\"v1\"}}");
    cJSON_Delete(doc);
    assert_null(discovery_api_group("extensions"));
    assert_null(discovery_api_group(""));
    assert_null(discovery_api_group(NULL));
}

static void test_resource_lists(void **state)
{
    (void)state;
    cJSON *core = discovery_resource_list("", "v1");
    assert_keys(core, "kind,apiVersion,groupVersion,resources");
    assert_string_equal(cJSON_GetObjectItem(core, "groupVersion")->valuestring, "v1");
    const cJSON *res = cJSON_GetObjectItem(core, "resources");
    assert_json(find_named(res, "name", "pods"),
                "{\"name\":\"pods\",\"singularName\":\"pod\",\"namespaced\":true,\"kind\":\"Pod\","
                "\"verbs\":[\"create\",\"delete\",\"deletecollection\",\"get\",\"list\",\"patch\",\"update\",\"watch\"],"
                "\"shortNames\":[\"po\"],\"categories\":[\"all\"]}");
    assert_json(find_named(res, "name", "pods/status"),
                "{\"name\":\"pods/status\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\"Pod\","
                "\"verbs\":[\"get\",\"patch\",\"update\"]}");
    assert_json(find_named(res, "name", "pods/binding"),
                "{\"name\":\"pods/binding\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\"Binding\","
                "\"verbs\":[\"create\"]}");
    assert_json(find_named(res, "name", "namespaces"),
                "{\"name\":\"namespaces\",\"singularName\":\"namespace\",\"namespaced\":false,\"kind\":\"Namespace\","
                "\"verbs\":[\"create\",\"delete\",\"get\",\"list\",\"patch\",\"update\",\"watch\"],\"shortNames\":[\"ns\"]}");
    assert_json(find_named(res, "name", "namespaces/finalize"),
                "{\"name\":\"namespaces/finalize\",\"singularName\":\"\",\"namespaced\":false,\"kind\":\"Namespace\","
                "\"verbs\":[\"update\"]}");
    assert_json(find_named(res, "name", "secrets"),
                "{\"name\":\"secrets\",\"singularName\":\"secret\",\"namespaced\":true,\"kind\":\"Secret\","
                "\"verbs\":[\"create\",\"delete\",\"deletecollection\",\"get\",\"list\",\"patch\",\"update\",\"watch\"]}");
    assert_non_null(find_named(res, "name", "nodes/status"));
    assert_non_null(find_named(res, "name", "services/status"));
    assert_non_null(find_named(res, "name", "namespaces/status"));
    assert_null(find_named(res, "name", "deployments"));
    /* sorted by path, each resource followed by its subresources */
    const cJSON *a = res->child;
    for (const cJSON *b = a->next; b; a = b, b = b->next)
        assert_true(strcmp(cJSON_GetObjectItem(a, "name")->valuestring,
                           cJSON_GetObjectItem(b, "name")->valuestring) < 0);
    cJSON_Delete(core);

    cJSON *apps = discovery_resource_list("apps", "v1");
    assert_string_equal(cJSON_GetObjectItem(apps, "groupVersion")->valuestring, "apps/v1");
    res = cJSON_GetObjectItem(apps, "resources");
    assert_json(find_named(res, "name", "deployments/scale"),
                "{\"name\":\"deployments/scale\",\"singularName\":\"\",\"namespaced\":true,\"group\":\"autoscaling\","
                "\"version\":\"v1\",\"kind\":\"Scale\",\"verbs\":[\"get\",\"patch\",\"update\"]}");
    assert_non_null(find_named(res, "name", "replicasets/scale"));
    assert_non_null(find_named(res, "name", "replicasets/status"));
    const cJSON *deploy = find_named(res, "name", "deployments");
    assert_json(cJSON_GetObjectItem(deploy, "shortNames"), "[\"deploy\"]");
    assert_null(cJSON_GetObjectItem(deploy, "group"));
    cJSON_Delete(apps);

    assert_null(discovery_resource_list("apps", "v2"));
    assert_null(discovery_resource_list("extensions", "v1beta1"));
    assert_null(discovery_resource_list(NULL, "v1"));
    assert_null(discovery_resource_list("", NULL));
}

/* Every resource of the table, in its group's legacy list and in aggregated
 * discovery, with the table's short names and categories. */
static void test_every_resource_discovered(void **state)
{
    (void)state;
    cJSON *core = discovery_aggregated(1, "apidiscovery.k8s.io/v2");
    cJSON *named = discovery_aggregated(0, "apidiscovery.k8s.io/v2");
    for (int i = 0; i < kapi_n_resources; i++) {
        const kapi_resource *r = &kapi_resources[i];
        cJSON *list = discovery_resource_list(r->group, r->version);
        assert_non_null(list);
        const cJSON *legacy = find_named(cJSON_GetObjectItem(list, "resources"), "name", r->plural);
        assert_non_null(legacy);
        assert_string_equal(cJSON_GetObjectItem(legacy, "kind")->valuestring, r->kind);
        assert_string_equal(cJSON_GetObjectItem(legacy, "singularName")->valuestring, r->singular);
        assert_int_equal(cJSON_IsTrue(cJSON_GetObjectItem(legacy, "namespaced")), r->namespaced != 0);

        const cJSON *items = cJSON_GetObjectItem(r->group[0] ? named : core, "items"), *item, *found = NULL;
        cJSON_ArrayForEach(item, items) {
            const cJSON *name = cJSON_GetObjectItem(cJSON_GetObjectItem(item, "metadata"), "name");
            if (r->group[0] ? (name && !strcmp(name->valuestring, r->group)) : !name) {
                const cJSON *v = cJSON_GetArrayItem(cJSON_GetObjectItem(item, "versions"), 0);
                found = find_named(cJSON_GetObjectItem(v, "resources"), "resource", r->plural);
            }
        }
        assert_non_null(found);
        assert_string_equal(cJSON_GetObjectItem(found, "singularResource")->valuestring, r->singular);
        assert_string_equal(cJSON_GetObjectItem(found, "scope")->valuestring,
                            r->namespaced ? "Namespaced" : "Cluster");
        assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(found, "responseKind"), "kind")->valuestring,
                            r->kind);
        char *legacy_verbs = print_json(cJSON_GetObjectItem(legacy, "verbs"));
        const cJSON *both[2] = {legacy, found};
        for (int k = 0; k < 2; k++) {
            const cJSON *shorts = cJSON_GetObjectItem(both[k], "shortNames");
            const cJSON *cats = cJSON_GetObjectItem(both[k], "categories");
            int n_short = 0, n_cat = 0;
            while (n_short < 4 && r->short_names[n_short]) {
                assert_string_equal(cJSON_GetArrayItem(shorts, n_short)->valuestring, r->short_names[n_short]);
                n_short++;
            }
            while (n_cat < 2 && r->categories[n_cat]) {
                assert_string_equal(cJSON_GetArrayItem(cats, n_cat)->valuestring, r->categories[n_cat]);
                n_cat++;
            }
            assert_int_equal(shorts ? cJSON_GetArraySize(shorts) : 0, n_short);
            assert_int_equal(cats ? cJSON_GetArraySize(cats) : 0, n_cat);
            assert_json(cJSON_GetObjectItem(both[k], "verbs"), legacy_verbs);
        }
        free(legacy_verbs);
        cJSON_Delete(list);
    }
    cJSON_Delete(core);
    cJSON_Delete(named);
}

static void test_aggregated(void **state)
{
    (void)state;
    cJSON *core = discovery_aggregated(1, "apidiscovery.k8s.io/v2");
    assert_keys(core, "kind,apiVersion,metadata,items");
    assert_string_equal(cJSON_GetObjectItem(core, "apiVersion")->valuestring, "apidiscovery.k8s.io/v2");
    assert_json(cJSON_GetObjectItem(core, "metadata"), "{}");
    const cJSON *items = cJSON_GetObjectItem(core, "items");
    assert_int_equal(cJSON_GetArraySize(items), 1);
    const cJSON *item = cJSON_GetArrayItem(items, 0);
    assert_keys(item, "metadata,versions");
    assert_json(cJSON_GetObjectItem(item, "metadata"), "{\"creationTimestamp\":null}");
    const cJSON *v1 = cJSON_GetArrayItem(cJSON_GetObjectItem(item, "versions"), 0);
    assert_keys(v1, "version,resources,freshness");
    assert_string_equal(cJSON_GetObjectItem(v1, "freshness")->valuestring, "Current");
    const cJSON *res = cJSON_GetObjectItem(v1, "resources");
    assert_json(find_named(res, "resource", "pods"),
                "{\"resource\":\"pods\",\"responseKind\":{\"group\":\"\",\"version\":\"\",\"kind\":\"Pod\"},"
                "\"scope\":\"Namespaced\",\"singularResource\":\"pod\","
                "\"verbs\":[\"create\",\"delete\",\"deletecollection\",\"get\",\"list\",\"patch\",\"update\",\"watch\"],"
                "\"shortNames\":[\"po\"],\"categories\":[\"all\"],\"subresources\":["
                "{\"subresource\":\"attach\",\"responseKind\":{\"group\":\"\",\"version\":\"\",\"kind\":\"PodAttachOptions\"},"
                "\"verbs\":[\"create\",\"get\"]},"
                "{\"subresource\":\"binding\",\"responseKind\":{\"group\":\"\",\"version\":\"\",\"kind\":\"Binding\"},"
                "\"verbs\":[\"create\"]},"
                "{\"subresource\":\"ephemeralcontainers\",\"responseKind\":{\"group\":\"\",\"version\":\"\",\"kind\":\"Pod\"},"
                "\"verbs\":[\"get\",\"patch\",\"update\"]},"
                "{\"subresource\":\"eviction\",\"responseKind\":{\"group\":\"policy\",\"version\":\"v1\",\"kind\":\"Eviction\"},"
                "\"verbs\":[\"create\"]},"
                "{\"subresource\":\"exec\",\"responseKind\":{\"group\":\"\",\"version\":\"\",\"kind\":\"PodExecOptions\"},"
                "\"verbs\":[\"create\",\"get\"]},"
                "{\"subresource\":\"log\",\"responseKind\":{\"group\":\"\",\"version\":\"\",\"kind\":\"Pod\"},"
                "\"verbs\":[\"get\"]},"
                "{\"subresource\":\"portforward\",\"responseKind\":{\"group\":\"\",\"version\":\"\",\"kind\":\"PodPortForwardOptions\"},"
                "\"verbs\":[\"create\",\"get\"]},"
                "{\"subresource\":\"proxy\",\"responseKind\":{\"group\":\"\",\"version\":\"\",\"kind\":\"PodProxyOptions\"},"
                "\"verbs\":[\"create\",\"delete\",\"get\",\"patch\",\"update\"]},"
                "{\"subresource\":\"status\",\"responseKind\":{\"group\":\"\",\"version\":\"\",\"kind\":\"Pod\"},"
                "\"verbs\":[\"get\",\"patch\",\"update\"]}]}");
    assert_json(find_named(res, "resource", "configmaps"),
                "{\"resource\":\"configmaps\",\"responseKind\":{\"group\":\"\",\"version\":\"\",\"kind\":\"ConfigMap\"},"
                "\"scope\":\"Namespaced\",\"singularResource\":\"configmap\","
                "\"verbs\":[\"create\",\"delete\",\"deletecollection\",\"get\",\"list\",\"patch\",\"update\",\"watch\"],"
                "\"shortNames\":[\"cm\"]}");
    assert_string_equal(cJSON_GetObjectItem(find_named(res, "resource", "nodes"), "scope")->valuestring, "Cluster");
    cJSON_Delete(core);

    cJSON *named = discovery_aggregated(0, "apidiscovery.k8s.io/v2beta1");
    assert_string_equal(cJSON_GetObjectItem(named, "apiVersion")->valuestring, "apidiscovery.k8s.io/v2beta1");
    items = cJSON_GetObjectItem(named, "items");
    assert_int_equal(cJSON_GetArraySize(items), kapi_n_groups - 1);
    int k = 0;
    for (int i = 0; i < kapi_n_groups; i++) {   /* the table's group order */
        if (!kapi_groups[i].name[0]) continue;
        item = cJSON_GetArrayItem(items, k++);
        assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(item, "metadata"), "name")->valuestring,
                            kapi_groups[i].name);
    }
    item = cJSON_GetArrayItem(items, 0);
    assert_json(cJSON_GetObjectItem(item, "metadata"), "{\"name\":\"apps\",\"creationTimestamp\":null}");
    res = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(item, "versions"), 0), "resources");
    assert_json(cJSON_GetObjectItem(find_named(res, "resource", "deployments"), "subresources"),
                "[{\"subresource\":\"scale\",\"responseKind\":{\"group\":\"autoscaling\",\"version\":\"v1\",\"kind\":\"Scale\"},"
                "\"verbs\":[\"get\",\"patch\",\"update\"]},"
                "{\"subresource\":\"status\",\"responseKind\":{\"group\":\"\",\"version\":\"\",\"kind\":\"Deployment\"},"
                "\"verbs\":[\"get\",\"patch\",\"update\"]}]");
    cJSON_Delete(named);

    /* the same document for v2 and v2beta1, but for apiVersion */
    cJSON *a = discovery_aggregated(0, "apidiscovery.k8s.io/v2");
    cJSON *b = discovery_aggregated(0, "apidiscovery.k8s.io/v2beta1");
    cJSON_DeleteItemFromObject(a, "apiVersion");
    cJSON_DeleteItemFromObject(b, "apiVersion");
    char *sa = print_json(a), *sb = print_json(b);
    assert_string_equal(sa, sb);
    free(sa);
    free(sb);
    cJSON_Delete(a);
    cJSON_Delete(b);
    a = discovery_aggregated(0, NULL);
    assert_string_equal(cJSON_GetObjectItem(a, "apiVersion")->valuestring, "apidiscovery.k8s.io/v2");
    cJSON_Delete(a);
}

static void test_subresource_lookup(void **state)
{
    (void)state;
    const kapi_resource *deploy = resource_find("apps", "v1", "deployments");
    const discovery_subresource *s = discovery_subresource_find(deploy, "scale");
    assert_non_null(s);
    assert_string_equal(s->kind, "Scale");
    assert_string_equal(s->kind_group, "autoscaling");
    assert_non_null(discovery_subresource_find(deploy, "status"));
    assert_null(discovery_subresource_find(deploy, "binding"));
    assert_null(discovery_subresource_find(resource_find("", "v1", "configmaps"), "status"));
    assert_null(discovery_subresource_find(NULL, "status"));
    assert_null(discovery_subresource_find(deploy, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_root_paths),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_legacy_roots),
        cmocka_unit_test(test_resource_lists),
        cmocka_unit_test(test_every_resource_discovered),
        cmocka_unit_test(test_aggregated),
        cmocka_unit_test(test_subresource_lookup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
