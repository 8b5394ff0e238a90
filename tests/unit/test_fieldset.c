/* test_fieldset.c: field path sets as server-side apply keeps them, over
 * the real field schema: kube's FieldsV1 encoding (examples from the
 * Kubernetes server-side apply documentation and kube-apiserver's own
 * managedFields of a `kubectl create deployment`), set operations, the
 * fields an object sets, the comparison an Update records, the apply merge
 * of list-maps (keys with defaults), sets and atomic lists, and removal. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "codec/json.h"
#include "codec/jsonpath.h"
#include "core/kapi.h"
#include "schema/fieldset.h"
#include "schema/protobuf.h"
#include "schema/schema.h"

static fieldset_schema deployment, configmap, pod;

static int setup(void **state)
{
    (void)state;
    if (schema_load() != 0) return -1;
    deployment.builtin = schema_kind("apps", "v1", "Deployment");
    configmap.builtin = schema_kind("", "v1", "ConfigMap");
    pod.builtin = schema_kind("", "v1", "Pod");
    return deployment.builtin && configmap.builtin && pod.builtin ? 0 : -1;
}

static void assert_json_text(const cJSON *got, const char *want)
{
    char *g = cJSON_PrintUnformatted(got);
    if (strcmp(g, want)) fail_msg("got  %s\nwant %s", g, want);
    free(g);
}

static cJSON *decode(const char *text)
{
    cJSON *j = cJSON_Parse(text);
    assert_non_null(j);
    char err[256] = "";
    cJSON *s = fieldset_decode(j, err, sizeof err);
    if (!s) fail_msg("decode: %s", err);
    cJSON_Delete(j);
    return s;
}

static void check_encoding(const char *in, const char *want)
{
    cJSON *s = decode(in);
    cJSON *e = fieldset_encode(s);
    assert_json_text(e, want);
    cJSON_Delete(e);
    cJSON_Delete(s);
}

/* the documentation's ConfigMap, and kube-apiserver's kubectl-create
 * entry of a Deployment: written back in kube's order whatever the input's */
static const char *kube_create_deployment_spec =
    "{\"f:spec\":{\"f:progressDeadlineSeconds\":{},\"f:replicas\":{},\"f:revisionHistoryLimit\":{},"
    "\"f:selector\":{},\"f:strategy\":{\"f:rollingUpdate\":{\".\":{},\"f:maxSurge\":{},\"f:maxUnavailable\":{}},"
    "\"f:type\":{}},\"f:template\":{\"f:metadata\":{\"f:labels\":{\".\":{},\"f:app\":{}}},\"f:spec\":{"
    "\"f:containers\":{\"k:{\\\"name\\\":\\\"nginx\\\"}\":{\".\":{},\"f:image\":{},\"f:imagePullPolicy\":{},"
    "\"f:name\":{},\"f:resources\":{},\"f:terminationMessagePath\":{},\"f:terminationMessagePolicy\":{}}},"
    "\"f:dnsPolicy\":{},\"f:restartPolicy\":{},\"f:schedulerName\":{},\"f:securityContext\":{},"
    "\"f:terminationGracePeriodSeconds\":{}}}}}";

static void test_encoding(void **state)
{
    (void)state;
    check_encoding("{\"f:metadata\":{\"f:labels\":{\"f:test-label\":{}}},\"f:data\":{\"f:key\":{}}}",
                   "{\"f:data\":{\"f:key\":{}},\"f:metadata\":{\"f:labels\":{\"f:test-label\":{}}}}");
    check_encoding(kube_create_deployment_spec, kube_create_deployment_spec);
    /* "." first; fields, then keys, values, indices; keys' names sorted */
    check_encoding("{\"f:ports\":{\"i:10\":{},\"i:9\":{},\"v:\\\"b\\\"\":{},\"v:\\\"a\\\"\":{},"
                   "\"k:{\\\"protocol\\\":\\\"TCP\\\",\\\"containerPort\\\":80}\":{\"f:name\":{},\".\":{}},"
                   "\"k:{\\\"containerPort\\\":443,\\\"protocol\\\":\\\"TCP\\\"}\":{},\"f:z\":{},\".\":{}}}",
                   "{\"f:ports\":{\".\":{},\"f:z\":{},\"k:{\\\"containerPort\\\":80,\\\"protocol\\\":\\\"TCP\\\"}\":"
                   "{\".\":{},\"f:name\":{}},\"k:{\\\"containerPort\\\":443,\\\"protocol\\\":\\\"TCP\\\"}\":{},"
                   "\"v:\\\"a\\\"\":{},\"v:\\\"b\\\"\":{},\"i:9\":{},\"i:10\":{}}}");
    const char *bad[] = {"{\"x:1\":{}}", "{\"f:a\":1}", "{\"k:{bad\":{}}", "[]", NULL};
    for (int i = 0; bad[i]; i++) {
        cJSON *j = cJSON_Parse(bad[i]);
        char err[128] = "";
        assert_null(fieldset_decode(j, err, sizeof err));
        assert_true(err[0]);
        cJSON_Delete(j);
    }
}

static void test_set_operations(void **state)
{
    (void)state;
    cJSON *a = decode("{\"f:spec\":{\"f:replicas\":{},\"f:paused\":{}},\"f:data\":{\"f:a\":{}}}");
    cJSON *b = decode("{\"f:spec\":{\"f:replicas\":{}},\"f:metadata\":{\"f:labels\":{\"f:x\":{}}}}");
    cJSON *d = fieldset_difference(a, b), *i = fieldset_intersection(a, b), *e;
    assert_json_text(e = fieldset_encode(d), "{\"f:data\":{\"f:a\":{}},\"f:spec\":{\"f:paused\":{}}}");
    cJSON_Delete(e);
    assert_json_text(e = fieldset_encode(i), "{\"f:spec\":{\"f:replicas\":{}}}");
    cJSON_Delete(e);
    fieldset_union(a, b);
    assert_json_text(e = fieldset_encode(a), "{\"f:data\":{\"f:a\":{}},\"f:metadata\":{\"f:labels\":{\"f:x\":{}}},"
                                             "\"f:spec\":{\"f:paused\":{},\"f:replicas\":{}}}");
    cJSON_Delete(e);
    cJSON *none = fieldset_intersection(d, i);
    assert_true(fieldset_empty(none));
    cJSON_Delete(none); cJSON_Delete(a); cJSON_Delete(b); cJSON_Delete(d); cJSON_Delete(i);
}

static void test_fields_of_object(void **state)
{
    (void)state;
    /* the documentation's applied ConfigMap and the set kube records for it */
    cJSON *cm = cJSON_Parse("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"test-cm\","
                            "\"labels\":{\"test-label\":\"test\"}},\"data\":{\"key\":\"some value\"}}");
    cJSON *s = fieldset_of(cm, &configmap), *e = fieldset_encode(s);
    assert_json_text(e, "{\"f:apiVersion\":{},\"f:data\":{\"f:key\":{}},\"f:kind\":{},"
                        "\"f:metadata\":{\"f:labels\":{\"f:test-label\":{}},\"f:name\":{}}}");
    cJSON_Delete(e); cJSON_Delete(s); cJSON_Delete(cm);
    /* list-map keys (protocol from its default), a set, an atomic list, an atomic struct */
    cJSON *d = cJSON_Parse("{\"metadata\":{\"finalizers\":[\"a/b\"]},\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"x\"}},"
                           "\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"args\":[\"-v\"],"
                           "\"ports\":[{\"containerPort\":80}]}]}}}}");
    s = fieldset_of(d, &deployment);
    e = fieldset_encode(s);
    assert_json_text(e, "{\"f:metadata\":{\"f:finalizers\":{\"v:\\\"a/b\\\"\":{}}},\"f:spec\":{\"f:selector\":{},"
                        "\"f:template\":{\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"web\\\"}\":{\".\":{},"
                        "\"f:args\":{},\"f:name\":{},\"f:ports\":{\"k:{\\\"containerPort\\\":80,\\\"protocol\\\":\\\"TCP\\\"}\":"
                        "{\".\":{},\"f:containerPort\":{}}}}}}}}}");
    cJSON_Delete(e);
    /* Path.String() of each path, members before deeper paths */
    kapi_buf b;
    kapi_buf_init(&b);
    void append(void *arg, const char *path);
    fieldset_each_path(s, append, &b);
    assert_string_equal(b.data, ".metadata.finalizers[=\"a/b\"]|.spec.selector|"
                                ".spec.template.spec.containers[name=\"web\"]|"
                                ".spec.template.spec.containers[name=\"web\"].args|"
                                ".spec.template.spec.containers[name=\"web\"].name|"
                                ".spec.template.spec.containers[name=\"web\"].ports[containerPort=80,protocol=\"TCP\"]|"
                                ".spec.template.spec.containers[name=\"web\"].ports[containerPort=80,protocol=\"TCP\"].containerPort|");
    kapi_buf_free(&b);
    cJSON_Delete(s); cJSON_Delete(d);
}

void append(void *arg, const char *path)
{
    kapi_buf_printf(arg, "%s|", path);
}

/* kube's kubectl-create entry of a Deployment is the comparison of the
 * kind's empty object with the defaulted one */
static void test_compare_create(void **state)
{
    (void)state;
    cJSON *obj = cJSON_Parse(
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\",\"labels\":{\"app\":\"web\"}},"
        "\"spec\":{\"replicas\":1,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"template\":{\"metadata\":"
        "{\"creationTimestamp\":null,\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"nginx\","
        "\"image\":\"nginx\",\"resources\":{},\"terminationMessagePath\":\"/dev/termination-log\","
        "\"terminationMessagePolicy\":\"File\",\"imagePullPolicy\":\"Always\"}],\"restartPolicy\":\"Always\","
        "\"terminationGracePeriodSeconds\":30,\"dnsPolicy\":\"ClusterFirst\",\"securityContext\":{},"
        "\"schedulerName\":\"default-scheduler\"}},\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":"
        "{\"maxUnavailable\":\"25%\",\"maxSurge\":\"25%\"}},\"revisionHistoryLimit\":10,\"progressDeadlineSeconds\":600},"
        "\"status\":{}}");
    cJSON *zero = fieldset_zero(&deployment), *added, *removed, *modified;
    fieldset_compare(zero, obj, &deployment, &added, &removed, &modified);
    cJSON *spec = fieldset_new();
    cJSON_AddItemToObject(spec, "f:spec", cJSON_DetachItemFromObject(added, "f:spec"));
    cJSON *e = fieldset_encode(spec);
    assert_json_text(e, kube_create_deployment_spec);
    cJSON_Delete(e);
    /* a label added and the image changed: an Update's three sets */
    cJSON *next = cJSON_Duplicate(obj, 1);
    cJSON_AddStringToObject((cJSON *)json_at(next, "metadata.labels"), "tier", "front");
    cJSON *c0 = cJSON_GetArrayItem((cJSON *)json_at(next, "spec.template.spec.containers"), 0);
    cJSON_ReplaceItemInObject(c0, "image", cJSON_CreateString("nginx:2"));
        cJSON_DeleteItemFromObject(cJSON_GetObjectItem(next, "spec"), "progressDeadlineSeconds");
    cJSON *a2, *r2, *m2;
    fieldset_compare(obj, next, &deployment, &a2, &r2, &m2);
    assert_json_text(e = fieldset_encode(a2), "{\"f:metadata\":{\"f:labels\":{\"f:tier\":{}}}}");
    cJSON_Delete(e);
    assert_json_text(e = fieldset_encode(r2), "{\"f:spec\":{\"f:progressDeadlineSeconds\":{}}}");
    cJSON_Delete(e);
    assert_json_text(e = fieldset_encode(m2), "{\"f:spec\":{\"f:template\":{\"f:spec\":{\"f:containers\":"
                                              "{\"k:{\\\"name\\\":\\\"nginx\\\"}\":{\"f:image\":{}}}}}}}");
    cJSON_Delete(e);
    cJSON_Delete(a2); cJSON_Delete(r2); cJSON_Delete(m2); cJSON_Delete(next);
    cJSON_Delete(spec); cJSON_Delete(added); cJSON_Delete(removed); cJSON_Delete(modified);
    cJSON_Delete(zero); cJSON_Delete(obj);
}

static void check_merge(const fieldset_schema *sc, const char *live, const char *config, const char *want)
{
    cJSON *l = cJSON_Parse(live), *c = cJSON_Parse(config);
    cJSON *got = fieldset_merge(l, c, sc);
    assert_json_text(got, want);
    cJSON_Delete(got); cJSON_Delete(l); cJSON_Delete(c);
}

static void test_merge(void **state)
{
    (void)state;
    /* containers by name, ports by containerPort and protocol (TCP by
     * default), args atomic, labels granular */
    check_merge(&pod,
                "{\"metadata\":{\"labels\":{\"a\":\"1\"}},\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"x\","
                "\"args\":[\"1\",\"2\"],\"ports\":[{\"containerPort\":80,\"protocol\":\"TCP\",\"name\":\"http\"}]},"
                "{\"name\":\"b\",\"image\":\"y\"}]}}",
                "{\"metadata\":{\"labels\":{\"b\":\"2\"}},\"spec\":{\"containers\":[{\"name\":\"a\",\"args\":[\"3\"],"
                "\"ports\":[{\"containerPort\":80,\"hostPort\":8080},{\"containerPort\":53,\"protocol\":\"UDP\"}]},"
                "{\"name\":\"c\",\"image\":\"z\"}]}}",
                "{\"metadata\":{\"labels\":{\"a\":\"1\",\"b\":\"2\"}},\"spec\":{\"containers\":[{\"name\":\"a\","
                "\"image\":\"x\",\"args\":[\"3\"],\"ports\":[{\"containerPort\":80,\"protocol\":\"TCP\",\"name\":\"http\","
                "\"hostPort\":8080},{\"containerPort\":53,\"protocol\":\"UDP\"}]},{\"name\":\"b\",\"image\":\"y\"},"
                "{\"name\":\"c\",\"image\":\"z\"}]}}");
    /* a set: the union; an atomic struct (selector): replaced */
    check_merge(&deployment,
                "{\"metadata\":{\"finalizers\":[\"x\",\"y\"]},\"spec\":{\"selector\":{\"matchLabels\":{\"a\":\"1\"}}}}",
                "{\"metadata\":{\"finalizers\":[\"z\",\"x\"]},\"spec\":{\"selector\":{\"matchLabels\":{\"b\":\"2\"}}}}",
                "{\"metadata\":{\"finalizers\":[\"z\",\"x\",\"y\"]},\"spec\":{\"selector\":{\"matchLabels\":{\"b\":\"2\"}}}}");
}

static void test_remove(void **state)
{
    (void)state;
    cJSON *obj = cJSON_Parse("{\"metadata\":{\"labels\":{\"a\":\"1\",\"b\":\"2\"}},\"data\":{\"x\":\"1\",\"y\":\"2\"}}");
    cJSON *rm = decode("{\"f:metadata\":{\"f:labels\":{\"f:a\":{},\"f:b\":{}}},\"f:data\":{\"f:x\":{},\"f:y\":{}}}");
    cJSON *owned = decode("{\"f:data\":{\"f:y\":{}}}");
    fieldset_remove(obj, rm, owned, &configmap);
    assert_json_text(obj, "{\"data\":{\"y\":\"2\"}}");   /* metadata emptied goes too */
    cJSON_Delete(obj); cJSON_Delete(rm); cJSON_Delete(owned);
}

/* managedFields in protobuf (ObjectMeta field 17, ManagedFieldsEntry with
 * FieldsV1 as raw JSON bytes) survive the round trip kubectl's bodies take */
static void test_protobuf_round_trip(void **state)
{
    (void)state;
    const char *text =
        "{\"metadata\":{\"name\":\"cfg\",\"managedFields\":[{\"manager\":\"kubectl\",\"operation\":\"Apply\","
        "\"apiVersion\":\"v1\",\"time\":\"2026-01-02T03:04:05Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":"
        "{\"f:data\":{\"f:a\":{}}}},{\"manager\":\"kube-controller-manager\",\"operation\":\"Update\","
        "\"apiVersion\":\"v1\",\"time\":\"2026-01-02T03:04:06Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":"
        "{\"f:status\":{\".\":{},\"f:x\":{}}},\"subresource\":\"status\"}]},\"data\":{\"a\":\"1\"}}";
    cJSON *obj = cJSON_Parse(text);
    kapi_buf b;
    kapi_buf_init(&b);
    char err[256] = "";
    if (protobuf_encode_message(configmap.builtin, obj, &b, err, sizeof err)) fail_msg("encode: %s", err);
    /* ObjectMeta is field 1; managedFields inside it field 17 (tag 0x8a 0x01) */
    assert_true(memmem(b.data, b.len, "\x8a\x01", 2) != NULL);
    cJSON *back = protobuf_decode_message(configmap.builtin, b.data, b.len, err, sizeof err);
    if (!back) fail_msg("decode: %s", err);
    assert_json_text(cJSON_GetObjectItem(back, "metadata"), "{\"name\":\"cfg\",\"creationTimestamp\":null,\"managedFields\":["
        "{\"manager\":\"kubectl\",\"operation\":\"Apply\",\"apiVersion\":\"v1\",\"time\":\"2026-01-02T03:04:05Z\","
        "\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:data\":{\"f:a\":{}}}},{\"manager\":\"kube-controller-manager\","
        "\"operation\":\"Update\",\"apiVersion\":\"v1\",\"time\":\"2026-01-02T03:04:06Z\",\"fieldsType\":\"FieldsV1\","
        "\"fieldsV1\":{\"f:status\":{\".\":{},\"f:x\":{}}},\"subresource\":\"status\"}]}");
    cJSON_Delete(back);
    kapi_buf_free(&b);
    cJSON_Delete(obj);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encoding),
        cmocka_unit_test(test_set_operations),
        cmocka_unit_test(test_fields_of_object),
        cmocka_unit_test(test_compare_create),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_remove),
        cmocka_unit_test(test_protobuf_round_trip),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
