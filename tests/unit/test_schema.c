/* test_schema.c: the field schema (every served kind loads, with the facts
 * of the Kubernetes 1.32 API: numbers, pointers, list types, merge keys,
 * enums), the schema file parser's errors, Go's scalar forms (times,
 * quantities, durations, base64), the strict-decoding checker (unknown and
 * duplicate fields, type errors worded as Go's), pruning, and field
 * validation through the whole pipeline (kapi_handle over a real store),
 * and a mutation fuzzer for the checker. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "codec/json.h"
#include "core/base64.h"
#include "core/kapi.h"
#include "server/bootstrap.h"
#include "kinds/resource.h"
#include "schema/scalars.h"
#include "schema/schema.h"
#include "schema/schema_check.h"
#include "schema/schema_equal.h"
#include "schema/schema_internal.h"
#include "schema/schema_normalize.h"
#include "store/store.h"
#include "kapi_test.h"

static const schema_field *field(const char *type, const char *name)
{
    const schema_type *t = schema_type_named(type);
    assert_non_null(t);
    const schema_field *f = schema_field_named(t, name);
    if (!f) fail_msg("%s has no field %s", type, name);
    return f;
}

#define CORE "io.k8s.api.core.v1."
#define META "io.k8s.apimachinery.pkg.apis.meta.v1."

/* ---- loading and coverage */

static void test_loads_every_served_kind(void **state)
{
    (void)state;
    assert_int_equal(schema_load(), 0);
    for (int i = 0; i < kapi_n_resources; i++) {
        const kapi_resource *r = &kapi_resources[i];
        const schema_type *t = schema_kind(r->group, r->version, r->kind);
        if (!t) fail_msg("no schema for %s/%s %s", r->group, r->version, r->kind);
        assert_string_equal(t->kind, r->kind);
    }
    static const char *const more[][3] = {
        {"autoscaling", "v1", "Scale"}, {"", "v1", "Binding"}, {"", "v1", "DeleteOptions"},
        {"", "v1", "Status"}, {"authorization.k8s.io", "v1", "SelfSubjectAccessReview"},
        {"authorization.k8s.io", "v1", "SubjectAccessReview"},
        {"authorization.k8s.io", "v1", "LocalSubjectAccessReview"},
        {"authorization.k8s.io", "v1", "SelfSubjectRulesReview"},
        {"authentication.k8s.io", "v1", "SelfSubjectReview"}};
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
        if (!schema_kind(more[i][0], more[i][1], more[i][2])) fail_msg("no schema for %s", more[i][2]);
    assert_ptr_equal(schema_kind_named("Deployment"), schema_kind("apps", "v1", "Deployment"));
    assert_null(schema_kind("apps", "v2", "Deployment"));
    assert_null(schema_kind_named("NoSuchKind"));
}

/* Every reference resolves, every field and type is described, every kind
 * starts with TypeMeta and metadata. */
static void test_every_type_is_complete(void **state)
{
    (void)state;
    int n;
    const schema_type *const *all = schema_all_types(&n);
    assert_true(n > 200);
    int fields = 0;
    for (int i = 0; i < n; i++) {
        const schema_type *t = all[i];
        assert_true(t->description && t->description[0]);
        assert_non_null(strstr(t->name, t->short_name));
        for (int k = 0; k < t->n_fields; k++) {
            const schema_field *f = &t->fields[k];
            fields++;
            if (!f->description[0]) fail_msg("%s.%s has no description", t->name, f->name);
            const schema_value *v = &f->value;
            while (v->kind == SV_ARRAY || v->kind == SV_MAP) v = v->elem;
            if (v->kind == SV_OBJECT && !v->type) fail_msg("%s.%s is unresolved", t->name, f->name);
        }
        if (t->kind) {
            assert_true(t->fields[0].flags & SF_INLINE);
            assert_string_equal(t->fields[0].value.type->short_name, "TypeMeta");
            if (strcmp(t->kind, "Status") && strcmp(t->kind, "DeleteOptions"))
                assert_string_equal(t->fields[1].name, "metadata");
        }
    }
    assert_true(fields > 900);
}

/* ---- facts of the API */

static void test_pod_facts(void **state)
{
    (void)state;
    const schema_field *f = field(CORE "PodSpec", "containers");
    assert_int_equal(f->proto_number, 2);
    assert_int_equal(f->value.kind, SV_ARRAY);
    assert_string_equal(f->value.elem->type->short_name, "Container");
    assert_int_equal(f->list_type, LIST_MAP);
    assert_string_equal(f->list_map_keys[0], "name");
    assert_null(f->list_map_keys[1]);
    assert_string_equal(f->patch_strategy, "merge");
    assert_string_equal(f->patch_merge_key, "name");
    assert_true(f->flags & SF_REQUIRED);
    assert_false(f->flags & SF_OMITEMPTY);

    f = field(CORE "PodSpec", "volumes");
    assert_string_equal(f->patch_strategy, "merge,retainKeys");
    assert_string_equal(f->patch_merge_key, "name");
    f = field(CORE "PodSpec", "initContainers");
    assert_int_equal(f->proto_number, 20);
    assert_string_equal(f->patch_merge_key, "name");
    f = field(CORE "PodSpec", "ephemeralContainers");
    assert_int_equal(f->proto_number, 34);
    f = field(CORE "PodSpec", "tolerations");
    assert_int_equal(f->list_type, LIST_ATOMIC);
    assert_null(f->patch_strategy);
    f = field(CORE "PodSpec", "imagePullSecrets");
    assert_string_equal(f->patch_merge_key, "name");
    f = field(CORE "PodSpec", "hostAliases");
    assert_string_equal(f->patch_merge_key, "ip");
    f = field(CORE "PodSpec", "nodeSelector");
    assert_true(f->flags & SF_MAP_ATOMIC);
    f = field(CORE "PodSpec", "topologySpreadConstraints");
    assert_string_equal(f->list_map_keys[1], "whenUnsatisfiable");
    f = field(CORE "PodSpec", "resources");
    assert_int_equal(f->proto_number, 40);   /* PodLevelResources, 1.32 */
    f = field(CORE "PodSpec", "restartPolicy");
    assert_string_equal(f->go_type, "v1.RestartPolicy");
    assert_string_equal(f->enum_values[0], "Always");

    f = field(CORE "Container", "ports");
    assert_string_equal(f->patch_merge_key, "containerPort");
    assert_string_equal(f->list_map_keys[0], "containerPort");
    assert_string_equal(f->list_map_keys[1], "protocol");
    assert_string_equal(field(CORE "Container", "volumeMounts")->patch_merge_key, "mountPath");
    assert_string_equal(field(CORE "Container", "volumeDevices")->patch_merge_key, "devicePath");
    assert_string_equal(field(CORE "Container", "env")->patch_merge_key, "name");
    assert_int_equal(field(CORE "Container", "envFrom")->list_type, LIST_ATOMIC);
    assert_int_equal(field(CORE "Container", "envFrom")->proto_number, 19);
    f = field(CORE "Container", "resources");
    assert_int_equal(f->value.kind, SV_OBJECT);
    assert_false(f->flags & SF_POINTER);
    f = field(CORE "ContainerPort", "protocol");
    assert_string_equal(f->default_json, "\"TCP\"");
    f = field(CORE "PodStatus", "conditions");
    assert_string_equal(f->patch_merge_key, "type");
    f = field(CORE "PodSecurityContext", "supplementalGroups");
    assert_int_equal(f->value.elem->kind, SV_INT64);

    /* inlined structs: Volume embeds VolumeSource at 2, Probe its handler at 1 */
    const schema_type *vol = schema_type_named(CORE "Volume");
    assert_true(vol->fields[1].flags & SF_INLINE);
    assert_int_equal(vol->fields[1].proto_number, 2);
    assert_int_equal(field(CORE "Volume", "configMap")->proto_number, 19);
    assert_int_equal(field(CORE "Volume", "image")->proto_number, 30);
    assert_int_equal(field(CORE "Probe", "httpGet")->proto_number, 2);
    assert_int_equal(field(CORE "HTTPGetAction", "port")->value.kind, SV_INT_OR_STRING);
    assert_ptr_equal(schema_field_numbered(vol, 2), &vol->fields[1]);
    assert_null(schema_field_numbered(vol, 19));
}

static void test_meta_and_other_facts(void **state)
{
    (void)state;
    const schema_field *f = field(META "ObjectMeta", "ownerReferences");
    assert_int_equal(f->proto_number, 13);
    assert_int_equal(f->list_type, LIST_MAP);
    assert_string_equal(f->list_map_keys[0], "uid");
    assert_string_equal(f->patch_merge_key, "uid");
    f = field(META "ObjectMeta", "finalizers");
    assert_int_equal(f->list_type, LIST_SET);
    assert_string_equal(f->patch_strategy, "merge");
    assert_null(f->patch_merge_key);
    f = field(META "ObjectMeta", "creationTimestamp");
    assert_int_equal(f->value.kind, SV_TIME);
    assert_int_equal(f->proto_number, 8);
    assert_true(f->flags & SF_READONLY);
    assert_false(f->flags & SF_POINTER);
    assert_true(field(META "ObjectMeta", "deletionTimestamp")->flags & SF_POINTER);
    assert_int_equal(field(META "ObjectMeta", "managedFields")->proto_number, 17);
    assert_int_equal(field(META "ManagedFieldsEntry", "fieldsV1")->value.kind, SV_FIELDS_V1);
    assert_true(schema_type_named(META "LabelSelector")->flags & ST_ATOMIC);
    assert_true(schema_type_named(META "OwnerReference")->flags & ST_ATOMIC);

    f = field("io.k8s.api.apps.v1.DeploymentSpec", "replicas");
    assert_int_equal(f->value.kind, SV_INT32);
    assert_true(f->flags & SF_POINTER);
    assert_int_equal(f->proto_number, 1);
    assert_string_equal(field("io.k8s.api.apps.v1.DeploymentSpec", "strategy")->patch_strategy, "retainKeys");
    assert_int_equal(field("io.k8s.api.apps.v1.DeploymentSpec", "progressDeadlineSeconds")->proto_number, 9);
    assert_int_equal(field("io.k8s.api.apps.v1.RollingUpdateDeployment", "maxSurge")->value.kind,
                     SV_INT_OR_STRING);

    f = field(CORE "Secret", "data");
    assert_int_equal(f->value.kind, SV_MAP);
    assert_int_equal(f->value.elem->kind, SV_BYTES);
    assert_int_equal(field(CORE "Secret", "immutable")->proto_number, 5);
    assert_int_equal(field(CORE "ConfigMap", "binaryData")->value.elem->kind, SV_BYTES);
    assert_int_equal(field(CORE "ServicePort", "targetPort")->value.kind, SV_INT_OR_STRING);
    assert_string_equal(field(CORE "ServiceSpec", "ports")->list_map_keys[1], "protocol");
    assert_int_equal(field(CORE "Event", "eventTime")->value.kind, SV_MICROTIME);
    assert_int_equal(field(CORE "ResourceRequirements", "limits")->value.elem->kind, SV_QUANTITY);
    assert_int_equal(field(CORE "NodeStatus", "conditions")->proto_number, 4);
    assert_string_equal(field(CORE "DaemonEndpoint", "Port")->name, "Port");
    assert_int_equal(field("io.k8s.api.coordination.v1.LeaseSpec", "renewTime")->value.kind, SV_MICROTIME);
    assert_int_equal(field("io.k8s.api.rbac.v1.RoleBinding", "roleRef")->proto_number, 3);
    f = field("io.k8s.api.authorization.v1.SubjectAccessReviewSpec", "extra");
    assert_true(f->flags & SF_WRAPPED);
    assert_int_equal(f->value.elem->kind, SV_ARRAY);
    assert_int_equal(field("io.k8s.api.autoscaling.v1.ScaleStatus", "selector")->proto_number, 2);
    assert_int_equal(field(META "DeleteOptions", "propagationPolicy")->proto_number, 4);
    assert_string_equal(schema_scalar_openapi_name(SV_INT_OR_STRING),
                        "io.k8s.apimachinery.pkg.util.intstr.IntOrString");
    assert_null(schema_scalar_openapi_name(SV_STRING));
}

static void test_go_type_names(void **state)
{
    (void)state;
    char buf[128];
    assert_string_equal(schema_go_type(field(CORE "PodSpec", "containers"), NULL, buf, sizeof buf),
                        "[]v1.Container");
    assert_string_equal(schema_go_type(field(CORE "Pod", "spec"), NULL, buf, sizeof buf), "v1.PodSpec");
    assert_string_equal(schema_go_type(field(META "ObjectMeta", "labels"), NULL, buf, sizeof buf),
                        "map[string]string");
    assert_string_equal(schema_go_type(field(CORE "Secret", "data"), NULL, buf, sizeof buf),
                        "map[string][]uint8");
    assert_string_equal(schema_go_type(field(CORE "Container", "imagePullPolicy"), NULL, buf, sizeof buf),
                        "v1.PullPolicy");
    assert_string_equal(schema_go_type(field(META "ObjectMeta", "uid"), NULL, buf, sizeof buf), "types.UID");
}

/* ---- the parser's own errors */

static void expect_parse_error(const char *text, const char *want)
{
    schema_source src = {"test.schema", text};
    char err[600];
    schema_set *s = schema_set_parse(&src, 1, err, sizeof err);
    if (s) {
        schema_set_free(s);
        fail_msg("parsed, wanted error %s", want);
    }
    if (!strstr(err, want)) fail_msg("error '%s' lacks '%s'", err, want);
}

static void test_parser_errors(void **state)
{
    (void)state;
    const char *ok = "package a.b\ntype T kind=T apiVersion=x/v1 : A type.\n  f 1 string omitempty : F.\n"
                     "  g 2 []U list=map keys=k patch=merge mergekey=k : G.\ntype U atomic : U.\n"
                     "  k 1 int64 required : K.\n";
    schema_source src = {"ok.schema", ok};
    char err[600];
    schema_set *s = schema_set_parse(&src, 1, err, sizeof err);
    assert_non_null(s);
    const schema_type *t = schema_set_kind(s, "x", "v1", "T");
    assert_non_null(t);
    assert_ptr_equal(t->fields[1].value.elem->type, schema_set_type(s, "a.b.U"));
    schema_set_free(s);

    expect_parse_error("package a\ntype T : T.\n  f 1 Nope : F.\n", "test.schema:3: type a.Nope is not defined");
    expect_parse_error("package a\ntype T : T.\n  f 1 string : F.\n  f 2 string : F.\n",
                       "test.schema:4: field 'f' given twice");
    expect_parse_error("package a\ntype T : T.\n  f 1 string : F.\n  g 1 string : G.\n",
                       "protobuf number 1 given twice");
    expect_parse_error("package a\ntype T : T.\n  f 1 string bogus : F.\n", "unknown attribute 'bogus'");
    expect_parse_error("package a\ntype T : T.\n  f 1 []string list=map : F.\n", "list=map needs keys=");
    expect_parse_error("package a\ntype T : T.\n  f 1 string list=atomic : F.\n", "list= and keys= are for lists");
    expect_parse_error("package a\n  f 1 string : F.\n", "test.schema:2: field outside of a type");
    expect_parse_error("package a\ntype T : T.\n\tf 1 string : F.\n", "tab character");
    expect_parse_error("package a\ntype T : T.\n  f 1 string\n", "without ' : description'");
    expect_parse_error("package a\ntype T : T.\n  f x string : F.\n", "bad protobuf number 'x'");
    expect_parse_error("package a\ntype T : T.\n  f 1 m.U : F.\n", "unknown alias");
    expect_parse_error("package a\ntype T : T.\n  f 1 string default={ : F.\n", "default= is not valid JSON");
    expect_parse_error("package a\ntype T : T.\ntype T : T.\n", "type a.T defined twice");
    expect_parse_error("package a\ntype T : T.\n  f 1 string required omitempty : F.\n", "cannot be omitempty");
    expect_parse_error("type T : T.\n", "before any 'package' line");
    expect_parse_error("package a\ntype T : T.\n  * 1 string : F.\n", "must be a named type");
}

/* ---- kube's internal types: Go names and the internal field order */

static void test_internal_types(void **state)
{
    (void)state;
    const char *text =
        "package a.b\ntype T : T.\n"
        "  first 1 string internal=1 : F.\n"
        "  second 2 string internal=none : S.\n"
        "  tty 3 bool goname=TTY internal=0 : T.\n"
        "  hidden 0 bool internalonly internal=2 : H.\n";
    schema_source src = {"ok.schema", text};
    char err[600];
    schema_set *s = schema_set_parse(&src, 1, err, sizeof err);
    if (!s) fail_msg("%s", err);
    const schema_type *t = schema_set_type(s, "a.b.T");
    assert_int_equal(t->n_fields, 3);              /* the internal-only field is not a v1 field */
    assert_null(schema_field_named(t, "hidden"));
    assert_int_equal(t->n_internal, 3);
    assert_string_equal(t->internal_fields[0]->go_name, "TTY");
    assert_string_equal(t->internal_fields[1]->go_name, "First");
    assert_string_equal(t->internal_fields[2]->name, "hidden");
    assert_true(t->internal_fields[2]->flags & SF_INTERNAL_ONLY);
    schema_set_free(s);
    expect_parse_error("package a\ntype T : T.\n  f 1 string internal=0 : F.\n  g 2 string : G.\n",
                       "internal= on some fields but not all");
    expect_parse_error("package a\ntype T : T.\n  f 1 string internal=1 : F.\n", "internal positions must be 0..0");
    expect_parse_error("package a\ntype T : T.\n  f 0 string internalonly : F.\n", "needs internal=");
    expect_parse_error("package a\ntype T : T.\n  f 1 string internalvalue : F.\n", "internalvalue is for ptr");

    /* the built-in facts: core.PodSpec's order, and its host namespace flags
     * living in core.PodSecurityContext */
    const schema_type *spec = schema_type_named(CORE "PodSpec");
    assert_non_null(spec);
    assert_string_equal(spec->internal_fields[16]->go_name, "SetHostnameAsFQDN");
    assert_string_equal(spec->internal_fields[7]->go_name, "DNSPolicy");
    for (int i = 0; i < spec->n_internal; i++)
        assert_string_not_equal(spec->internal_fields[i]->name, "serviceAccount");
    assert_string_equal(field(CORE "PodSpec", "serviceAccount")->go_name, "DeprecatedServiceAccount");
    const schema_type *psc = schema_type_named(CORE "PodSecurityContext");
    assert_string_equal(psc->internal_fields[0]->go_name, "HostNetwork");
    assert_null(schema_field_named(psc, "hostNetwork"));
    assert_string_equal(field(CORE "Container", "tty")->go_name, "TTY");
    assert_string_equal(schema_type_named(CORE "Volume")->internal_fields[1]->go_name, "VolumeSource");
}

/* ---- the Go round trip (schema_normalize) */

static void normalizes_to(const char *type, const char *in, const char *want)
{
    cJSON *obj = cJSON_Parse(in);
    assert_non_null(obj);
    schema_normalize(schema_type_named(type), obj);
    char *got = cJSON_PrintUnformatted(obj);
    if (strcmp(got, want)) fail_msg("%s:\n got  %s\n want %s", in, got, want);
    cJSON_free(got);
    cJSON_Delete(obj);
}

static void test_normalize(void **state)
{
    (void)state;
    /* unknown fields dropped, zero omitempty values dropped, a scalar
     * without omitempty written when absent, struct values always there,
     * Go struct order */
    normalizes_to(CORE "Container", "{\"image\":\"nginx\",\"bogus\":1,\"workingDir\":\"\",\"stdin\":false,\"name\":\"c\"}",
                  "{\"name\":\"c\",\"image\":\"nginx\",\"resources\":{}}");
    normalizes_to(CORE "Container", "{\"image\":\"i\"}", "{\"name\":\"\",\"image\":\"i\",\"resources\":{}}");
    /* canonical quantities, in maps and in pointers; null map values */
    normalizes_to(CORE "ResourceRequirements", "{\"requests\":{\"memory\":\"1024Mi\",\"cpu\":\"1000m\"},\"limits\":{\"cpu\":null}}",
                  "{\"limits\":{\"cpu\":\"0\"},\"requests\":{\"memory\":\"1Gi\",\"cpu\":\"1\"}}");
    normalizes_to(CORE "EmptyDirVolumeSource", "{\"sizeLimit\":\"2000Mi\",\"medium\":\"\"}", "{\"sizeLimit\":\"2000Mi\"}");
    normalizes_to(CORE "EmptyDirVolumeSource", "{\"sizeLimit\":\"0.5Gi\"}", "{\"sizeLimit\":\"512Mi\"}");
    /* null pointers and empty lists and maps dropped; null list elements of
     * struct type become zero structs */
    normalizes_to(CORE "PodSpec", "{\"containers\":[null],\"nodeSelector\":{},\"volumes\":[],\"priority\":null}",
                  "{\"containers\":[{\"name\":\"\",\"resources\":{}}]}");
    /* a required list stays, even empty; a non-pointer time is null when zero */
    normalizes_to(CORE "PodSpec", "{\"containers\":[]}", "{\"containers\":[]}");
    normalizes_to(CORE "PodCondition", "{\"status\":\"True\",\"type\":\"Ready\"}",
                  "{\"type\":\"Ready\",\"status\":\"True\",\"lastProbeTime\":null,\"lastTransitionTime\":null}");
    /* inlined structs keep their place; int-or-strings as they are */
    normalizes_to(CORE "Probe", "{\"periodSeconds\":3,\"httpGet\":{\"port\":\"http\",\"path\":\"/\"}}",
                  "{\"httpGet\":{\"path\":\"/\",\"port\":\"http\"},\"periodSeconds\":3}");
    /* another kind entirely: the same rules */
    normalizes_to("io.k8s.api.apps.v1.DeploymentSpec", "{\"replicas\":0,\"paused\":false,\"minReadySeconds\":0}",
                  "{\"replicas\":0,\"template\":{\"metadata\":{\"creationTimestamp\":null},\"spec\":{}},\"strategy\":{}}");
}

/* ---- semantic equality (schema_equal) */

static int equal_as(const char *type, const char *a, const char *b)
{
    cJSON *x = cJSON_Parse(a), *y = cJSON_Parse(b);
    assert_non_null(x);
    assert_non_null(y);
    int eq = schema_objects_equal(schema_type_named(type), x, y);
    assert_int_equal(eq, schema_objects_equal(schema_type_named(type), y, x));   /* symmetric */
    cJSON_Delete(x);
    cJSON_Delete(y);
    return eq;
}

static void test_semantic_equality(void **state)
{
    (void)state;
    /* missing, null and zero are one for values; nil and empty lists and maps too */
    assert_true(equal_as(CORE "Container", "{\"name\":\"c\"}", "{\"name\":\"c\",\"image\":\"\",\"stdin\":false,\"args\":[],\"env\":null}"));
    assert_true(equal_as(CORE "PodSpec", "{}", "{\"nodeSelector\":{},\"containers\":[]}"));
    /* a nil pointer is not a pointer to zero */
    assert_false(equal_as(CORE "PodSpec", "{}", "{\"priority\":0}"));
    assert_false(equal_as(CORE "PodSpec", "{}", "{\"automountServiceAccountToken\":false}"));
    assert_true(equal_as(CORE "PodSpec", "{\"priority\":null}", "{}"));
    /* quantities by value */
    assert_true(equal_as(CORE "ResourceRequirements", "{\"limits\":{\"cpu\":\"1\"}}", "{\"limits\":{\"cpu\":\"1000m\"}}"));
    assert_false(equal_as(CORE "ResourceRequirements", "{\"limits\":{\"cpu\":\"1\"}}", "{\"limits\":{\"cpu\":\"2\"}}"));
    assert_false(equal_as(CORE "ResourceRequirements", "{\"limits\":{\"cpu\":\"1\"}}", "{\"limits\":{\"memory\":\"1\"}}"));
    /* int-or-string: 80 and "80" differ */
    assert_false(equal_as(CORE "HTTPGetAction", "{\"port\":80}", "{\"port\":\"80\"}"));
    assert_true(equal_as(CORE "HTTPGetAction", "{\"port\":80,\"scheme\":\"\"}", "{\"port\":80}"));
    /* lists element by element, in order */
    assert_false(equal_as(CORE "PodSpec", "{\"tolerations\":[{\"key\":\"a\"},{\"key\":\"b\"}]}",
                          "{\"tolerations\":[{\"key\":\"b\"},{\"key\":\"a\"}]}"));
    assert_true(equal_as(CORE "PodSpec", "{\"tolerations\":[{\"key\":\"a\",\"value\":\"\"}]}", "{\"tolerations\":[{\"key\":\"a\"}]}"));
    /* the internal type decides: serviceAccount is v1 only, hostNetwork
     * counts inside the security context */
    assert_true(equal_as(CORE "PodSpec", "{\"serviceAccount\":\"x\"}", "{}"));
    assert_false(equal_as(CORE "PodSpec", "{\"securityContext\":{\"hostNetwork\":true}}", "{\"securityContext\":{}}"));
    /* inlined structs: a volume's source */
    assert_false(equal_as(CORE "Volume", "{\"name\":\"v\",\"emptyDir\":{}}", "{\"name\":\"v\"}"));
    assert_true(equal_as(CORE "Volume", "{\"name\":\"v\",\"emptyDir\":{\"medium\":\"\"}}", "{\"name\":\"v\",\"emptyDir\":{}}"));
}

/* ---- Go's scalars */

static void test_time_forms(void **state)
{
    (void)state;
    char buf[64], err[300];
    assert_string_equal(scalar_format_time(0, 0, 0, buf, sizeof buf), "1970-01-01T00:00:00Z");
    assert_string_equal(scalar_format_time(1700000000, 123456789, 1, buf, sizeof buf),
                        "2023-11-14T22:13:20.123456Z");
    assert_string_equal(scalar_format_time(-1, 0, 0, buf, sizeof buf), "1969-12-31T23:59:59Z");
    assert_string_equal(scalar_format_time(GO_ZERO_TIME_UNIX_SECONDS, 0, 0, buf, sizeof buf),
                        "0001-01-01T00:00:00Z");
    assert_string_equal(scalar_format_time(253402300800LL, 0, 0, buf, sizeof buf), "10000-01-01T00:00:00Z");

    int64_t sec, nsec;
    assert_true(scalar_parse_time("2023-11-14T23:13:20+01:00", 25, 0, &sec, &nsec, err, sizeof err));
    assert_int_equal(sec, 1700000000);
    assert_true(scalar_parse_time("2023-11-14T22:13:20.5Z", 22, 0, &sec, &nsec, err, sizeof err));
    assert_int_equal(nsec, 500000000);
    assert_true(scalar_check_time("2024-02-29T00:00:00Z", 20, 0, err, sizeof err));
    assert_false(scalar_check_time("x", 1, 0, err, sizeof err));
    assert_string_equal(err, "parsing time \"x\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"x\" as \"2006\"");
    assert_false(scalar_check_time("2023-13-01T00:00:00Z", 20, 0, err, sizeof err));
    assert_string_equal(err, "parsing time \"2023-13-01T00:00:00Z\": month out of range");
    assert_false(scalar_check_time("2023-02-30T00:00:00Z", 20, 0, err, sizeof err));
    assert_string_equal(err, "parsing time \"2023-02-30T00:00:00Z\": day out of range");
    assert_false(scalar_check_time("2023-01-01", 10, 0, err, sizeof err));
    assert_string_equal(err, "parsing time \"2023-01-01\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"\" as \"T\"");
    assert_false(scalar_check_time("2023-01-01T00:00:00Zjunk", 24, 0, err, sizeof err));
    assert_string_equal(err, "parsing time \"2023-01-01T00:00:00Zjunk\": extra text: \"junk\"");
    assert_false(scalar_check_time("2023-01-01T00:00:00Z", 20, 1, err, sizeof err));
    assert_string_equal(err, "parsing time \"2023-01-01T00:00:00Z\" as \"2006-01-02T15:04:05.000000Z07:00\": "
                             "cannot parse \"Z\" as \".000000\"");
    assert_true(scalar_check_time("2023-01-01T00:00:00.000001Z", 27, 1, err, sizeof err));
}

static void test_quantity_duration_base64(void **state)
{
    (void)state;
    char err[300], buf[64];
    const char *good[] = {"0", "1", "100m", "1.5Gi", "1e3", "-2", "+3k", "0.5", ".5", "5.", "1E-3", "007", "1Ki"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (!scalar_check_quantity(good[i], strlen(good[i]), err, sizeof err)) fail_msg("%s: %s", good[i], err);
    assert_false(scalar_check_quantity("abc", 3, err, sizeof err));
    assert_string_equal(err, "quantities must match the regular expression "
                             "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    assert_false(scalar_check_quantity("1Ki2", 4, err, sizeof err));
    assert_string_equal(err, "unable to parse quantity's suffix");
    assert_false(scalar_check_quantity("1x", 2, err, sizeof err));
    assert_false(scalar_check_quantity("", 0, err, sizeof err));
    assert_false(scalar_check_quantity(".", 1, err, sizeof err));
    assert_string_equal(err, "unable to parse numeric part of quantity");

    assert_string_equal(scalar_format_duration(0, buf, sizeof buf), "0s");
    assert_string_equal(scalar_format_duration(1500000000LL, buf, sizeof buf), "1.5s");
    assert_string_equal(scalar_format_duration(3723000000000LL, buf, sizeof buf), "1h2m3s");
    assert_string_equal(scalar_format_duration(350000000LL, buf, sizeof buf), "350ms");
    assert_string_equal(scalar_format_duration(-1500, buf, sizeof buf), "-1.5\xc2\xb5s");
    assert_true(scalar_check_duration("1h30m", 5, err, sizeof err));
    assert_false(scalar_check_duration("1", 1, err, sizeof err));
    assert_string_equal(err, "time: missing unit in duration \"1\"");

    char *b = base64_encode("hunter2", 7);
    assert_string_equal(b, "aHVudGVyMg==");
    free(b);
    assert_int_equal(base64_error_offset("aHVudGVyMg==", 12), -1);
    assert_int_equal(base64_error_offset("not base64!", 11), 3);
    assert_int_equal(base64_error_offset("aGk", 3), 0);
    assert_int_equal(base64_error_offset("aGk=\n", 5), -1);
    assert_int_equal(base64_error_offset("aG=k", 4), 2);
}

/* ---- the strict checker */

static void check(const char *kind, const char *json, int strict, schema_problems *p)
{
    const schema_type *t = schema_kind_named(kind);
    assert_non_null(t);
    schema_check_json(t, json, strlen(json), strict, p);
}

static void expect_strict(const char *kind, const char *json, const char *want)
{
    schema_problems p;
    check(kind, json, 1, &p);
    if (p.decode_error[0]) fail_msg("decode error: %s", p.decode_error);
    char msg[4096];
    schema_problems_strict_message(&p, NULL, msg, sizeof msg);
    schema_problems_free(&p);
    if (strcmp(msg, want)) fail_msg("got  %s\nwant %s", msg, want);
}

static void expect_decode_error(const char *kind, const char *json, const char *want)
{
    schema_problems p;
    check(kind, json, 1, &p);
    schema_problems_free(&p);
    if (strcmp(p.decode_error, want)) fail_msg("got  %s\nwant %s", p.decode_error, want);
}

static void test_unknown_and_duplicate_fields(void **state)
{
    (void)state;
    expect_strict("ConfigMap",
                  "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\",\"name\":\"y\",\"foo\":1},"
                  "\"data\":{\"a\":\"1\",\"a\":\"2\"},\"spec\":{}}",
                  "strict decoding error: duplicate field \"metadata.name\", unknown field \"metadata.foo\", "
                  "duplicate field \"data.a\", unknown field \"spec\"");
    expect_strict("Pod",
                  "{\"spec\":{\"containers\":[{\"name\":\"a\"},{\"name\":\"b\",\"foo\":{\"x\":[1]},"
                  "\"ports\":[{\"containerPort\":80,\"bar\":1}]}],\"volumes\":[{\"name\":\"v\",\"configMap\":"
                  "{\"name\":\"c\",\"nope\":true}}]}}",
                  "strict decoding error: unknown field \"spec.containers[1].foo\", unknown field "
                  "\"spec.containers[1].ports[0].bar\", unknown field \"spec.volumes[0].configMap.nope\"");
    expect_strict("Deployment",
                  "{\"spec\":{\"template\":{\"metadata\":{\"labels\":{\"a\":\"b\"},\"lables\":{}},"
                  "\"spec\":{\"containers\":[{\"name\":\"n\",\"resources\":{\"limits\":{\"cpu\":\"1\",\"cpu\":\"2\"}}}]}}}}",
                  "strict decoding error: unknown field \"spec.template.metadata.lables\", duplicate field "
                  "\"spec.template.spec.containers[0].resources.limits.cpu\"");
    /* the same problem twice is reported once; raw values are not looked into */
    expect_strict("Pod", "{\"foo\":1,\"foo\":2,\"metadata\":{\"managedFields\":[{\"fieldsV1\":{\"f:x\":{}}}]}}",
                  "strict decoding error: unknown field \"foo\"");
    /* paths are quoted as Go's strconv.Quote does */
    expect_strict("ConfigMap", "{\"a\\\"b\\n\":1}", "strict decoding error: unknown field \"a\\\"b\\n\"");
    /* clean documents */
    expect_strict("Service", "{\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":\"http\"}],\"type\":\"NodePort\"}}",
                  "strict decoding error: ");
    /* non-strict: no strict errors */
    schema_problems p;
    check("ConfigMap", "{\"foo\":1,\"data\":{\"a\":\"1\",\"a\":\"1\"}}", 0, &p);
    assert_int_equal(p.n_strict, 0);
    assert_string_equal(p.decode_error, "");
    schema_problems_free(&p);
}

static void test_strict_errors_are_capped(void **state)
{
    (void)state;
    kapi_buf b;
    kapi_buf_init(&b);
    kapi_buf_puts(&b, "{");
    for (int i = 0; i < 150; i++) kapi_buf_printf(&b, "%s\"u%d\":%d", i ? "," : "", i, i);
    kapi_buf_puts(&b, "}");
    schema_problems p;
    check("ConfigMap", b.data, 1, &p);
    assert_int_equal(p.n_strict, SCHEMA_MAX_STRICT);
    assert_string_equal(p.strict[99], "unknown field \"u99\"");
    schema_problems_free(&p);
    kapi_buf_free(&b);
}

static void test_type_errors_worded_as_go(void **state)
{
    (void)state;
    expect_decode_error("Pod", "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":5}]}}",
                        "json: cannot unmarshal number into Go struct field Container.spec.containers.image of type string");
    expect_decode_error("Pod", "{\"spec\":{\"restartPolicy\":true}}",
                        "json: cannot unmarshal bool into Go struct field PodSpec.spec.restartPolicy of type v1.RestartPolicy");
    expect_decode_error("Pod", "{\"spec\":5}",
                        "json: cannot unmarshal number into Go struct field Pod.spec of type v1.PodSpec");
    expect_decode_error("Pod", "{\"spec\":{\"containers\":{}}}",
                        "json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container");
    expect_decode_error("Pod", "{\"spec\":{\"containers\":[{\"command\":\"ls\"}]}}",
                        "json: cannot unmarshal string into Go struct field Container.spec.containers.command of type []string");
    expect_decode_error("Pod", "{\"spec\":{\"containers\":[{\"securityContext\":{\"capabilities\":{\"add\":[5]}}}]}}",
                        "json: cannot unmarshal number into Go struct field Capabilities.spec.containers.securityContext."
                        "capabilities.add of type v1.Capability");
    expect_decode_error("Pod", "{\"spec\":{\"volumes\":[{\"name\":\"v\",\"hostPath\":5}]}}",
                        "json: cannot unmarshal number into Go struct field Volume.spec.volumes.hostPath of type "
                        "v1.HostPathVolumeSource");
    expect_decode_error("ConfigMap", "{\"data\":{\"a\":1}}",
                        "json: cannot unmarshal number into Go struct field ConfigMap.data of type string");
    expect_decode_error("ConfigMap", "{\"metadata\":{\"labels\":{\"a\":true}}}",
                        "json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string");
    expect_decode_error("Deployment", "{\"spec\":{\"replicas\":\"3\"}}",
                        "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32");
    expect_decode_error("Deployment", "{\"spec\":{\"replicas\":1.5}}",
                        "json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32");
    expect_decode_error("Deployment", "{\"spec\":{\"replicas\":3000000000}}",
                        "json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas "
                        "of type int32");
    expect_decode_error("Pod", "{\"metadata\":{\"creationTimestamp\":\"x\"}}",
                        "parsing time \"x\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"x\" as \"2006\"");
    expect_decode_error("Pod", "{\"metadata\":{\"creationTimestamp\":5}}",
                        "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp "
                        "of type string");
    expect_decode_error("Service", "{\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":true}]}}",
                        "json: cannot unmarshal bool into Go struct field ServicePort.spec.ports.targetPort of type int32");
    expect_decode_error("Service", "{\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":1.5}]}}",
                        "json: cannot unmarshal number 1.5 into Go struct field ServicePort.spec.ports.targetPort "
                        "of type int32");
    expect_decode_error("Pod", "{\"spec\":{\"containers\":[{\"resources\":{\"limits\":{\"cpu\":\"abc\"}}}]}}",
                        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    expect_decode_error("Secret", "{\"data\":{\"k\":\"not base64!\"}}", "illegal base64 data at input byte 3");
    expect_decode_error("Lease", "{\"spec\":{\"renewTime\":\"2023-01-01T00:00:00Z\"}}",
                        "parsing time \"2023-01-01T00:00:00Z\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse "
                        "\"Z\" as \".000000\"");
    /* the first saved error wins, but an UnmarshalJSON error ends decoding and wins */
    expect_decode_error("Pod", "{\"metadata\":{\"labels\":{\"a\":1},\"annotations\":{\"b\":2}}}",
                        "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string");
    expect_decode_error("Pod", "{\"metadata\":{\"labels\":{\"a\":1},\"creationTimestamp\":\"bad\"}}",
                        "parsing time \"bad\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"bad\" as \"2006\"");
    /* null is no value, everywhere */
    expect_decode_error("Pod", "{\"metadata\":null,\"spec\":{\"containers\":null,\"priority\":null,"
                        "\"overhead\":{\"cpu\":null}},\"status\":{\"startTime\":null}}", "");
    /* a decoding error hides the strict errors */
    schema_problems p;
    check("Pod", "{\"foo\":1,\"spec\":5}", 1, &p);
    assert_true(p.decode_error[0] != '\0');
    schema_problems_free(&p);
}

static void test_prune_unknown(void **state)
{
    (void)state;
    const char *in = "{\"kind\":\"Pod\",\"foo\":1,\"metadata\":{\"name\":\"p\",\"bar\":2,\"managedFields\":"
                     "[{\"fieldsV1\":{\"f:keep\":{}}}]},\"spec\":{\"containers\":[{\"name\":\"c\",\"zzz\":1}],"
                     "\"overhead\":{\"cpu\":\"1\"},\"volumes\":[{\"name\":\"v\",\"configMap\":{\"name\":\"x\",\"q\":1}}]}}";
    cJSON *o = cJSON_Parse(in);
    schema_prune_unknown(schema_kind("", "v1", "Pod"), o);
    char *out = json_print(o, 0);
    assert_string_equal(out, "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"managedFields\":[{\"fieldsV1\":"
                             "{\"f:keep\":{}}}]},\"spec\":{\"containers\":[{\"name\":\"c\"}],\"overhead\":{\"cpu\":"
                             "\"1\"},\"volumes\":[{\"name\":\"v\",\"configMap\":{\"name\":\"x\"}}]}}");
    free(out);
    cJSON_Delete(o);
    /* a []byte written as numbers is kept as Go writes it back: base64 */
    o = cJSON_Parse("{\"data\":{\"k\":[104,105]}}");
    schema_prune_unknown(schema_kind("", "v1", "Secret"), o);
    out = json_print(o, 0);
    assert_string_equal(out, "{\"data\":{\"k\":\"aGk=\"}}");
    free(out);
    cJSON_Delete(o);
}

/* ---- field validation through the pipeline */

static char dir[256];
static kapi_ctx ctx;

typedef test_result result;

static result call(const char *method, const char *path, const char *query, const char *ctype,
                   const char *body)
{
    result r = test_call(&ctx, (kapi_call_request){.method = method, .path = path, .query = query,
                                                   .content_type = ctype, .body = body});
    cJSON_Delete(r.body);   /* these tests read the text */
    r.body = NULL;
    return r;
}

static const char *message(const result *r, char *buf, size_t n)
{
    cJSON *b = cJSON_Parse(r->text);
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(b, "message");
    snprintf(buf, n, "%s", cJSON_IsString(m) ? m->valuestring : "");
    cJSON_Delete(b);
    return buf;
}

TEST_GROUP_STORE("schema")

#define CMS "/api/v1/namespaces/default/configmaps"
#define JSON "application/json"

static void test_pipeline_strict_warn_ignore(void **state)
{
    (void)state;
    char m[2048];
    const char *bad = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"%s\",\"name\":\"%s\"},"
                      "\"data\":{\"a\":\"1\"},\"spec\":{\"x\":1}}";
    char body[512];
    snprintf(body, sizeof body, bad, "s1", "s1");
    result r = call("POST", CMS, "fieldValidation=Strict", JSON, body);
    assert_int_equal(r.status, 400);
    assert_string_equal(message(&r, m, sizeof m),
                        "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: "
                        "duplicate field \"metadata.name\", unknown field \"spec\"");
    assert_non_null(strstr(r.text, "\"reason\":\"BadRequest\""));
    r = call("GET", CMS "/s1", NULL, NULL, NULL);
    assert_int_equal(r.status, 404);

    /* Warn, and Warn by default: headers, and the unknown field is dropped */
    snprintf(body, sizeof body, bad, "w1", "w1");
    r = call("POST", CMS, "fieldValidation=Warn", JSON, body);
    assert_int_equal(r.status, 201);
    assert_string_equal(r.warnings, "299 - \"duplicate field \\\"metadata.name\\\"\"\n"
                                    "299 - \"unknown field \\\"spec\\\"\"\n");
    assert_null(strstr(r.text, "\"spec\""));
    snprintf(body, sizeof body, bad, "w2", "w2");
    r = call("POST", CMS, NULL, JSON, body);
    assert_int_equal(r.status, 201);
    assert_int_equal(r.n_warnings, 2);
    r = call("GET", CMS "/w2", NULL, NULL, NULL);
    assert_null(strstr(r.text, "\"spec\""));

    /* Ignore: nothing said, still dropped */
    snprintf(body, sizeof body, bad, "i1", "i1");
    r = call("POST", CMS, "fieldValidation=Ignore", JSON, body);
    assert_int_equal(r.status, 201);
    assert_int_equal(r.n_warnings, 0);
    assert_null(strstr(r.text, "\"spec\""));

    /* a bad directive */
    r = call("POST", CMS, "fieldValidation=Loud", JSON, body);
    assert_int_equal(r.status, 422);
    assert_string_equal(message(&r, m, sizeof m),
                        "CreateOptions.meta.k8s.io \"\" is invalid: fieldValidation: Unsupported value: \"Loud\": "
                        "supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"");

    /* type errors are refused in every mode */
    r = call("POST", CMS, "fieldValidation=Ignore", JSON,
             "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"t1\"},\"data\":{\"a\":1}}");
    assert_int_equal(r.status, 400);
    assert_string_equal(message(&r, m, sizeof m),
                        "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal number "
                        "into Go struct field ConfigMap.data of type string");
}

static void test_pipeline_update_patch_yaml(void **state)
{
    (void)state;
    char m[2048];
    result r = call("POST", CMS, NULL, JSON,
                    "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"u1\"},\"data\":{\"a\":\"1\"}}");
    assert_int_equal(r.status, 201);
    r = call("PUT", CMS "/u1", "fieldValidation=Strict", JSON,
             "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"u1\",\"bogus\":1},\"data\":{}}");
    assert_int_equal(r.status, 400);
    assert_string_equal(message(&r, m, sizeof m),
                        "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: "
                        "unknown field \"metadata.bogus\"");
    /* merge patch: the patched object and the patch's own duplicates */
    r = call("PATCH", CMS "/u1", "fieldValidation=Strict", "application/merge-patch+json",
             "{\"data\":{\"b\":\"2\",\"b\":\"3\"},\"extra\":true}");
    assert_int_equal(r.status, 400);
    assert_string_equal(message(&r, m, sizeof m),
                        "strict decoding error: duplicate field \"data.b\", unknown field \"extra\"");
    r = call("PATCH", CMS "/u1", NULL, "application/merge-patch+json", "{\"data\":{\"b\":\"2\"},\"extra\":true}");
    assert_int_equal(r.status, 200);
    assert_string_equal(r.warnings, "299 - \"unknown field \\\"extra\\\"\"\n");
    assert_null(strstr(r.text, "extra"));
    r = call("PATCH", CMS "/u1", NULL, "application/merge-patch+json", "{\"data\":{\"b\":2}}");
    assert_int_equal(r.status, 422);
    assert_non_null(strstr(message(&r, m, sizeof m), "\"\" is invalid: patch: Invalid value: "));
    assert_non_null(strstr(m, "json: cannot unmarshal number into Go struct field ConfigMap.data of type string"));
    /* YAML: the duplicate key as go-yaml words it, then unknown fields */
    r = call("POST", CMS, "fieldValidation=Strict", "application/yaml",
             "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y1\n  name: y2\ndata:\n  a: \"1\"\nfoo: 1\n");
    assert_int_equal(r.status, 400);
    assert_string_equal(message(&r, m, sizeof m),
                        "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: "
                        "yaml: unmarshal errors:\n  line 5: key \"name\" already set in map, unknown field \"foo\"");
}

/* ---- the checker never crashes: byte mutations of a rich Pod that still
 * parse as JSON are checked (strict and not) and pruned. */

static uint64_t fuzz_state = 0x2545F4914F6CDD1DULL;

static uint64_t fuzz_next(void)
{
    fuzz_state ^= fuzz_state << 13;
    fuzz_state ^= fuzz_state >> 7;
    fuzz_state ^= fuzz_state << 17;
    return fuzz_state;
}

static void test_checker_fuzz(void **state)
{
    (void)state;
    static const char seed[] =
        "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"p\",\"labels\":{\"a\":\"b\"},"
        "\"creationTimestamp\":\"2024-01-01T00:00:00Z\",\"ownerReferences\":[{\"uid\":\"u\",\"controller\":true}],"
        "\"managedFields\":[{\"fieldsV1\":{\"f:a\":{}}}]},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\","
        "\"ports\":[{\"containerPort\":80}],\"resources\":{\"limits\":{\"cpu\":\"1\"}},\"livenessProbe\":"
        "{\"httpGet\":{\"port\":8080}}}],\"securityContext\":{\"supplementalGroups\":[1,2]},\"overhead\":{\"cpu\":\"1m\"},"
        "\"volumes\":[{\"name\":\"v\",\"secret\":{\"secretName\":\"s\",\"defaultMode\":420}}]},"
        "\"status\":{\"startTime\":\"2024-01-01T00:00:00Z\",\"phase\":\"Running\"}}";
    static const char alphabet[] = "{}[]\":,0123456789.eE-+ntfalsrue\\ux";
    const schema_type *pod = schema_kind_named("Pod");
    assert_non_null(pod);
    size_t len = sizeof seed - 1;
    char *buf = malloc(len + 64);
    assert_non_null(buf);
    int parsed = 0;
    for (int r = 0; r < 20000; r++) {
        size_t n = len;
        memcpy(buf, seed, len);
        int edits = 1 + (int)(fuzz_next() % 3);
        for (int e = 0; e < edits; e++) {
            size_t at = fuzz_next() % n;
            switch (fuzz_next() % 3) {
            case 0: buf[at] = alphabet[fuzz_next() % (sizeof alphabet - 1)]; break;
            case 1:
                if (n < len + 60) {
                    memmove(buf + at + 1, buf + at, n - at);
                    buf[at] = alphabet[fuzz_next() % (sizeof alphabet - 1)];
                    n++;
                }
                break;
            case 2: if (n > 2) { memmove(buf + at, buf + at + 1, n - at - 1); n--; } break;
            }
        }
        buf[n] = '\0';
        cJSON *o = cJSON_ParseWithLength(buf, n);
        if (!o) continue;
        parsed++;
        schema_problems p;
        schema_check_json(pod, buf, n, r & 1, &p);
        char msg[8192];
        schema_problems_strict_message(&p, NULL, msg, sizeof msg);
        schema_problems_free(&p);
        schema_check_tree(pod, o, 1, &p);
        schema_problems_free(&p);
        schema_prune_unknown(pod, o);
        cJSON_Delete(o);
    }
    assert_true(parsed > 1000);   /* the mutations did reach the checker */
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loads_every_served_kind),
        cmocka_unit_test(test_every_type_is_complete),
        cmocka_unit_test(test_pod_facts),
        cmocka_unit_test(test_meta_and_other_facts),
        cmocka_unit_test(test_go_type_names),
        cmocka_unit_test(test_parser_errors),
        cmocka_unit_test(test_time_forms),
        cmocka_unit_test(test_quantity_duration_base64),
        cmocka_unit_test(test_unknown_and_duplicate_fields),
        cmocka_unit_test(test_strict_errors_are_capped),
        cmocka_unit_test(test_type_errors_worded_as_go),
        cmocka_unit_test(test_prune_unknown),
        cmocka_unit_test(test_internal_types),
        cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_semantic_equality),
        cmocka_unit_test(test_checker_fuzz),
        cmocka_unit_test_setup_teardown(test_pipeline_strict_warn_ignore, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pipeline_update_patch_yaml, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
