/* test_crd.c: CustomResourceDefinitions through the pipeline (in-process
 * client, a real store in a temporary directory): the CRD's defaults,
 * kube's validation messages, the server-set status (acceptedNames,
 * NamesAccepted, Established, storedVersions) and a name conflict; the
 * kinds provider serving the Established CRD's versions at once; custom
 * resources created, read in another version, patched (strategic merge
 * patch refused), with the status subresource; deletion taking the objects
 * and the kind away. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "core/kapi.h"
#include "http/client.h"
#include "registry/kinds/customresources.h"
#include "server/bootstrap.h"
#include "kapi_test.h"

static char dir[256];
static kapi_ctx ctx;

TEST_GROUP_STORE("crd")

#define CRDS "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
#define WIDGETS "/apis/toys.example.com/v1/namespaces/default/widgets"

/* A Widget CRD: v1 (storage, status subresource) and v1beta1. */
static const char *crd_json(const char *plural, const char *kind, const char *group, const char *scope,
                            const char *storage_v1)
{
    static char buf[2048];
    snprintf(buf, sizeof buf,
             "{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":\"CustomResourceDefinition\","
             "\"metadata\":{\"name\":\"%s.%s\"},\"spec\":{\"group\":\"%s\",\"scope\":\"%s\","
             "\"names\":{\"plural\":\"%s\",\"kind\":\"%s\",\"shortNames\":[\"%.2s\"]},"
             "\"versions\":[{\"name\":\"v1\",\"served\":true,\"storage\":%s,"
             "\"subresources\":{\"status\":{}},"
             "\"schema\":{\"openAPIV3Schema\":{\"type\":\"object\",\"properties\":{\"spec\":{\"type\":\"object\","
             "\"properties\":{\"size\":{\"type\":\"integer\"}}},\"status\":{\"type\":\"object\","
             "\"x-kubernetes-preserve-unknown-fields\":true}}}}},"
             "{\"name\":\"v1beta1\",\"served\":true,\"storage\":false}]}}",
             plural, group, group, scope, plural, kind, plural, storage_v1);
    return buf;
}

static test_result call(const char *method, const char *path, const char *body)
{
    return test_call(&ctx, (kapi_call_request){.method = method, .path = path, .body = body});
}

static test_result call_typed(const char *method, const char *path, const char *type, const char *body)
{
    return test_call(&ctx, (kapi_call_request){.method = method, .path = path, .body = body, .content_type = type});
}

static void test_crd_status_and_kinds(void **state)
{
    (void)state;
    test_result r = call("POST", CRDS, crd_json("widgets", "Widget", "toys.example.com", "Namespaced", "true"));
    assert_int_equal(r.status, 201);
    assert_string_equal(test_str_at(r.body, "spec.names.singular"), "widget");
    assert_string_equal(test_str_at(r.body, "spec.names.listKind"), "WidgetList");
    assert_string_equal(test_str_at(r.body, "spec.conversion.strategy"), "None");
    assert_string_equal(test_str_at(r.body, "status.conditions[0].type"), "NamesAccepted");
    assert_string_equal(test_str_at(r.body, "status.conditions[0].reason"), "NoConflicts");
    assert_string_equal(test_str_at(r.body, "status.conditions[0].message"), "no conflicts found");
    assert_string_equal(test_str_at(r.body, "status.conditions[1].type"), "Established");
    assert_string_equal(test_str_at(r.body, "status.conditions[1].status"), "True");
    assert_string_equal(test_str_at(r.body, "status.conditions[1].reason"), "InitialNamesAccepted");
    assert_string_equal(test_str_at(r.body, "status.acceptedNames.kind"), "Widget");
    assert_string_equal(test_str_at(r.body, "status.storedVersions[0]"), "v1");
    cJSON_Delete(r.body);

    /* served at once: discovery (v1 preferred), the kind */
    r = call("GET", "/apis/toys.example.com", NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(test_str_at(r.body, "preferredVersion.version"), "v1");
    cJSON_Delete(r.body);
    r = call("GET", "/apis/toys.example.com/v1", NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(test_str_at(r.body, "resources[0].name"), "widgets");
    assert_string_equal(test_str_at(r.body, "resources[0].shortNames[0]"), "wi");
    cJSON_Delete(r.body);

    /* the same kind in the group under another plural: a name conflict */
    r = call("POST", CRDS, crd_json("gadgets", "Widget", "toys.example.com", "Namespaced", "true"));
    assert_int_equal(r.status, 201);
    assert_string_equal(test_str_at(r.body, "status.conditions[0].status"), "False");
    /* singular, kind and list kind are taken: the last one's reason */
    assert_string_equal(test_str_at(r.body, "status.conditions[0].reason"), "ListKindConflict");
    assert_string_equal(test_str_at(r.body, "status.conditions[0].message"), "\"WidgetList\" is already in use");
    assert_string_equal(test_str_at(r.body, "status.acceptedNames.plural"), "gadgets");
    assert_string_equal(test_str_at(r.body, "status.acceptedNames.singular"), "");
    assert_string_equal(test_str_at(r.body, "status.acceptedNames.kind"), "");
    assert_string_equal(test_str_at(r.body, "status.conditions[1].reason"), "NotAccepted");
    cJSON_Delete(r.body);
    r = call("GET", "/apis/toys.example.com/v1/gadgets", NULL);
    assert_int_equal(r.status, 404);
    cJSON_Delete(r.body);
}

static void test_crd_validation(void **state)
{
    (void)state;
    test_result r = call("POST", CRDS, crd_json("things", "Thing", "toys", "Galaxy", "false"));
    assert_int_equal(r.status, 422);
    assert_non_null(strstr(r.text, "spec.group: Invalid value: \\\"toys\\\": should be a domain with at least one dot"));
    assert_non_null(strstr(r.text, "spec.scope: Unsupported value: \\\"Galaxy\\\": supported values: \\\"Cluster\\\", \\\"Namespaced\\\""));
    assert_non_null(strstr(r.text, "must have exactly one version marked as storage version"));
    /* the versions as Go's %#v prints kube's internal type (pointers as addresses) */
    assert_non_null(strstr(r.text, "spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{"
                                   "apiextensions.CustomResourceDefinitionVersion{Name:\\\"v1\\\", Served:true, "
                                   "Storage:false, Deprecated:false, DeprecationWarning:(*string)(nil), "
                                   "Schema:(*apiextensions.CustomResourceValidation)(0x"));
    assert_non_null(strstr(r.text, "AdditionalPrinterColumns:[]apiextensions.CustomResourceColumnDefinition(nil), "
                                   "SelectableFields:[]apiextensions.SelectableField(nil)}, "
                                   "apiextensions.CustomResourceDefinitionVersion{Name:\\\"v1beta1\\\", Served:true, "
                                   "Storage:false, Deprecated:false, DeprecationWarning:(*string)(nil), "
                                   "Schema:(*apiextensions.CustomResourceValidation)(nil), "
                                   "Subresources:(*apiextensions.CustomResourceSubresources)(nil), "
                                   "AdditionalPrinterColumns:[]apiextensions.CustomResourceColumnDefinition(nil), "
                                   "SelectableFields:[]apiextensions.SelectableField(nil)}}: "
                                   "must have exactly one version marked as storage version"));
    cJSON_Delete(r.body);
    /* a version's printer columns, printed whole */
    r = call("POST", CRDS,
             "{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":\"CustomResourceDefinition\","
             "\"metadata\":{\"name\":\"cols.toys.example.com\"},\"spec\":{\"group\":\"toys.example.com\","
             "\"scope\":\"Cluster\",\"names\":{\"plural\":\"cols\",\"kind\":\"Col\"},\"versions\":[{\"name\":"
             "\"v1\",\"served\":true,\"storage\":false,\"additionalPrinterColumns\":[{\"name\":\"Size\","
             "\"type\":\"integer\",\"jsonPath\":\".spec.size\",\"priority\":1}]}]}}");
    assert_int_equal(r.status, 422);
    assert_non_null(strstr(r.text, "Subresources:(*apiextensions.CustomResourceSubresources)(nil), "
                                   "AdditionalPrinterColumns:[]apiextensions.CustomResourceColumnDefinition{"
                                   "apiextensions.CustomResourceColumnDefinition{Name:\\\"Size\\\", "
                                   "Type:\\\"integer\\\", Format:\\\"\\\", Description:\\\"\\\", Priority:1, "
                                   "JSONPath:\\\".spec.size\\\"}}, SelectableFields:[]apiextensions.SelectableField(nil)}}: "
                                   "must have exactly one version marked as storage version"));
    cJSON_Delete(r.body);
    char body[2048];
    snprintf(body, sizeof body, "%s", crd_json("things", "Thing", "toys.example.com", "Cluster", "true"));
    char *name = strstr(body, "things.toys.example.com");
    memcpy(name, "thingz", 6);
    r = call("POST", CRDS, body);
    assert_int_equal(r.status, 422);
    assert_non_null(strstr(r.text, "metadata.name: Invalid value: \\\"thingz.toys.example.com\\\": "
                                   "must be spec.names.plural+\\\".\\\"+spec.group"));
    cJSON_Delete(r.body);
}

static void test_custom_resources(void **state)
{
    (void)state;
    test_result r = call("POST", WIDGETS,
                         "{\"apiVersion\":\"toys.example.com/v1beta1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\"}}");
    assert_int_equal(r.status, 400);   /* the body's version is not the URL's */
    cJSON_Delete(r.body);
    r = call("POST", WIDGETS,
             "{\"apiVersion\":\"toys.example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\"},"
             "\"spec\":{\"size\":1},\"status\":{\"ready\":true}}");
    assert_int_equal(r.status, 201);
    assert_int_equal(test_num_at(r.body, "metadata.generation", 0), 1);
    assert_null(json_at(r.body, "status"));   /* the status subresource: create drops it */
    cJSON_Delete(r.body);
    /* read in the other version: conversion None */
    r = call("GET", "/apis/toys.example.com/v1beta1/namespaces/default/widgets/w", NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(test_str_at(r.body, "apiVersion"), "toys.example.com/v1beta1");
    cJSON_Delete(r.body);
    /* strategic merge patch: kube's 415 */
    r = call_typed("PATCH", WIDGETS "/w", "application/strategic-merge-patch+json", "{\"spec\":{\"size\":2}}");
    assert_int_equal(r.status, 415);
    assert_string_equal(test_str_at(r.body, "message"),
                        "the body of the request was in an unknown format - accepted media types include: "
                        "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
    cJSON_Delete(r.body);
    r = call_typed("PATCH", WIDGETS "/w", "application/merge-patch+json", "{\"spec\":{\"size\":2}}");
    assert_int_equal(r.status, 200);
    assert_int_equal(test_num_at(r.body, "metadata.generation", 0), 2);
    cJSON_Delete(r.body);
    r = call_typed("PATCH", WIDGETS "/w/status", "application/merge-patch+json",
                   "{\"status\":{\"ready\":true},\"spec\":{\"size\":9}}");
    assert_int_equal(r.status, 200);
    assert_int_equal(test_num_at(r.body, "spec.size", 0), 2);
    assert_int_equal(test_num_at(r.body, "metadata.generation", 0), 2);
    assert_true(cJSON_IsTrue(json_at(r.body, "status.ready")));
    cJSON_Delete(r.body);

    /* deleting the CRD: the objects, then the kind */
    r = call("DELETE", CRDS "/widgets.toys.example.com", NULL);
    assert_int_equal(r.status, 200);
    cJSON_Delete(r.body);
    store_kv kv;
    assert_int_equal(store_get(ctx.store, "/registry/toys.example.com/widgets/default/w", &kv), STORE_NOT_FOUND);
    r = call("GET", WIDGETS "/w", NULL);
    assert_int_equal(r.status, 404);
    cJSON_Delete(r.body);
    /* gadgets, refused for widgets' kind, is checked again (kube's naming
     * controller) and now holds the group's v1 */
    r = call("GET", CRDS "/gadgets.toys.example.com", NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(test_str_at(r.body, "status.conditions[0].type"), "NamesAccepted");
    assert_string_equal(test_str_at(r.body, "status.conditions[0].reason"), "NoConflicts");
    assert_string_equal(test_str_at(r.body, "status.conditions[1].reason"), "InitialNamesAccepted");
    assert_string_equal(test_str_at(r.body, "status.acceptedNames.kind"), "Widget");
    cJSON_Delete(r.body);
    r = call("GET", "/apis/toys.example.com/v1", NULL);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.text, "\"name\":\"gadgets\""));
    cJSON_Delete(r.body);
    r = call("DELETE", CRDS "/gadgets.toys.example.com", NULL);
    assert_int_equal(r.status, 200);
    cJSON_Delete(r.body);
    r = call("GET", "/apis/toys.example.com/v1", NULL);
    assert_int_equal(r.status, 404);
    cJSON_Delete(r.body);
}

int main(void)
{
    crd_kinds_provider_register();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crd_status_and_kinds),
        cmocka_unit_test(test_crd_validation),
        cmocka_unit_test(test_custom_resources),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
