/* test_pods.c: Pods as kube-apiserver treats them, rule by rule: defaulting
 * (pod_defaults.c), the QoS class, Go's type errors, validation messages and
 * paths (pod_validate*.c), the update rules and the go-cmp diff (pod_update.c,
 * pod_diff.c), and through the whole pipeline in-process (kapi_handle): the
 * ServiceAccount, Priority and DefaultTolerationSeconds admission plugins,
 * pods/binding, pods/status, dry run, and bodies of every wrong JSON type. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "codec/fielderr.h"
#include "core/kapi.h"
#include "server/bootstrap.h"
#include "registry/kinds/pod_internal.h"
#include "schema/schema_check.h"
#include "store/store.h"
#include "kapi_test.h"

static char dir[256];
static kapi_ctx ctx;

typedef test_result result;

static result call(const char *method, const char *path, const char *query, const char *ctype,
                   const char *body)
{
    return test_call(&ctx, (kapi_call_request){.method = method, .path = path, .query = query,
                                               .content_type = ctype, .body = body});
}

static void done(result *r) { cJSON_Delete(r->body); r->body = NULL; }

#define PODS "/api/v1/namespaces/default/pods"
#define JSON "application/json"

/* A value inside an object by a dotted path ("spec.containers.0.image"). */
static int setup(void **state)
{
    (void)state;
    if (test_store_open(&ctx, dir, sizeof dir, "pods") || bootstrap_ensure(&ctx)) return -1;
    result r = call("POST", "/api/v1/namespaces/default/serviceaccounts", "", JSON,
                    "{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"default\"}}");
    int ok = r.status == 201 || r.status == 409;
    done(&r);
    return ok ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return test_store_remove(&ctx, dir);
}

/* ---- defaulting */

static cJSON *defaulted(const char *json)
{
    cJSON *pod = cJSON_Parse(json);
    assert_non_null(pod);
    pod_set_defaults(pod);
    return pod;
}

static void test_defaults_of_the_seed_pod(void **state)
{
    (void)state;
    cJSON *pod = defaulted("{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"nginx\"},"
                           "\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx\",\"resources\":{}}],"
                           "\"restartPolicy\":\"Always\",\"dnsPolicy\":\"ClusterFirst\"},\"status\":{}}");
    assert_string_equal(test_str_at(pod, "spec.containers[0].imagePullPolicy"), "Always");
    assert_string_equal(test_str_at(pod, "spec.containers[0].terminationMessagePath"), "/dev/termination-log");
    assert_string_equal(test_str_at(pod, "spec.containers[0].terminationMessagePolicy"), "File");
    assert_string_equal(test_str_at(pod, "spec.dnsPolicy"), "ClusterFirst");
    assert_string_equal(test_str_at(pod, "spec.restartPolicy"), "Always");
    assert_string_equal(test_str_at(pod, "spec.schedulerName"), "default-scheduler");
    assert_true(cJSON_IsTrue(json_at_indexed(pod, "spec.enableServiceLinks")));
    assert_true(test_num_at(pod, "spec.terminationGracePeriodSeconds", -12345) == 30);
    assert_true(cJSON_IsObject(json_at_indexed(pod, "spec.securityContext")) && !json_at_indexed(pod, "spec.securityContext")->child);
    assert_true(cJSON_IsObject(json_at_indexed(pod, "spec.containers[0].resources")));
    /* kube's v1 field order: the container's name first, spec before status */
    char *text = cJSON_PrintUnformatted(json_at_indexed(pod, "spec"));
    assert_non_null(strstr(text, "{\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx\",\"resources\":{},"
                                 "\"terminationMessagePath\":\"/dev/termination-log\",\"terminationMessagePolicy\":\"File\","
                                 "\"imagePullPolicy\":\"Always\"}],\"restartPolicy\":\"Always\","
                                 "\"terminationGracePeriodSeconds\":30,\"dnsPolicy\":\"ClusterFirst\","
                                 "\"securityContext\":{},\"schedulerName\":\"default-scheduler\",\"enableServiceLinks\":true}"));
    cJSON_free(text);
    cJSON_Delete(pod);
}

static void test_image_pull_policy(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"nginx", "Always"}, {"nginx:latest", "Always"}, {"nginx:1.25", "IfNotPresent"},
        {"docker.io/library/nginx:1.25", "IfNotPresent"}, {"localhost:5000/app", "Always"},
        {"registry.example.com:5000/team/app:v1", "IfNotPresent"},
        {"nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "IfNotPresent"},
        {"nginx:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "Always"},
        {"NGINX", "IfNotPresent"}, {"", "IfNotPresent"}, {"nginx:", "IfNotPresent"}, {"a//b", "IfNotPresent"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = pod_default_pull_policy(cases[i][0]);
        if (strcmp(got, cases[i][1])) fail_msg("%s: %s, want %s", cases[i][0], got, cases[i][1]);
    }
}

static void test_defaults_of_members(void **state)
{
    (void)state;
    cJSON *pod = defaulted(
        "{\"spec\":{\"hostNetwork\":true,\"serviceAccount\":\"robot\",\"nodeName\":\"\",\"unknownField\":1,"
        "\"initContainers\":[{\"name\":\"i\",\"image\":\"busybox:1\",\"ports\":[{\"containerPort\":53}]}],"
        "\"containers\":[{\"name\":\"c\",\"image\":\"c:1\",\"ports\":[{\"containerPort\":80,\"hostPort\":0}],"
        "\"env\":[{\"name\":\"N\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"metadata.name\"}}}],"
        "\"resources\":{\"limits\":{\"cpu\":\"0.0001\",\"memory\":\"1e3\"},\"requests\":{\"cpu\":0.5}},"
        "\"livenessProbe\":{\"httpGet\":{\"port\":80}},\"readinessProbe\":{\"grpc\":{\"port\":9000}}}],"
        "\"volumes\":[{\"name\":\"empty\"},{\"name\":\"s\",\"secret\":{\"secretName\":\"x\"}},"
        "{\"name\":\"h\",\"hostPath\":{\"path\":\"/tmp\"}},{\"name\":\"d\",\"downwardAPI\":{\"items\":[{\"path\":\"p\",\"fieldRef\":{\"fieldPath\":\"metadata.name\"}}]}}],"
        "\"overhead\":{\"cpu\":\"0.25\"}}}");
    assert_string_equal(test_str_at(pod, "spec.initContainers[0].imagePullPolicy"), "IfNotPresent");
    assert_string_equal(test_str_at(pod, "spec.initContainers[0].ports[0].protocol"), "TCP");
    assert_true(test_num_at(pod, "spec.initContainers[0].ports[0].hostPort", -12345) == 53);   /* hostNetwork */
    assert_true(test_num_at(pod, "spec.containers[0].ports[0].hostPort", -12345) == 80);
    assert_string_equal(test_str_at(pod, "spec.containers[0].env[0].valueFrom.fieldRef.apiVersion"), "v1");
    assert_string_equal(test_str_at(pod, "spec.containers[0].resources.limits.cpu"), "1m");      /* rounded up to milli */
    assert_string_equal(test_str_at(pod, "spec.containers[0].resources.limits.memory"), "1e3");  /* kept in its format */
    assert_string_equal(test_str_at(pod, "spec.containers[0].resources.requests.cpu"), "500m");
    assert_string_equal(test_str_at(pod, "spec.containers[0].resources.requests.memory"), "1e3"); /* from limits */
    assert_true(test_num_at(pod, "spec.containers[0].livenessProbe.timeoutSeconds", -12345) == 1);
    assert_true(test_num_at(pod, "spec.containers[0].livenessProbe.periodSeconds", -12345) == 10);
    assert_true(test_num_at(pod, "spec.containers[0].livenessProbe.successThreshold", -12345) == 1);
    assert_true(test_num_at(pod, "spec.containers[0].livenessProbe.failureThreshold", -12345) == 3);
    assert_string_equal(test_str_at(pod, "spec.containers[0].livenessProbe.httpGet.path"), "/");
    assert_string_equal(test_str_at(pod, "spec.containers[0].livenessProbe.httpGet.scheme"), "HTTP");
    assert_true(cJSON_IsString(json_at_indexed(pod, "spec.containers[0].readinessProbe.grpc.service")));
    assert_true(cJSON_IsObject(json_at_indexed(pod, "spec.volumes[0].emptyDir")));
    assert_true(test_num_at(pod, "spec.volumes[1].secret.defaultMode", -12345) == 420);
    assert_true(cJSON_IsString(json_at_indexed(pod, "spec.volumes[2].hostPath.type")));
    assert_true(test_num_at(pod, "spec.volumes[3].downwardAPI.defaultMode", -12345) == 420);
    assert_string_equal(test_str_at(pod, "spec.volumes[3].downwardAPI.items[0].fieldRef.apiVersion"), "v1");
    assert_string_equal(test_str_at(pod, "spec.overhead.cpu"), "250m");
    /* the deprecated alias becomes serviceAccountName and mirrors it */
    assert_string_equal(test_str_at(pod, "spec.serviceAccountName"), "robot");
    assert_string_equal(test_str_at(pod, "spec.serviceAccount"), "robot");
    /* a Go round trip: zero omitempty fields and unknown fields are gone */
    assert_null(json_at_indexed(pod, "spec.nodeName"));
    assert_null(json_at_indexed(pod, "spec.unknownField"));
    cJSON_Delete(pod);
}

/* ---- QoS */

static const char *qos_of(const char *containers_json)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "{\"spec\":%s}", containers_json);
    cJSON *pod = defaulted(buf);
    static char out[32];
    snprintf(out, sizeof out, "%s", pod_qos_class(pod));
    cJSON_Delete(pod);
    return out;
}

static void test_qos_class(void **state)
{
    (void)state;
    assert_string_equal(qos_of("{\"containers\":[{\"name\":\"a\",\"image\":\"i\"}]}"), "BestEffort");
    assert_string_equal(qos_of("{\"containers\":[{\"name\":\"a\",\"image\":\"i\",\"resources\":{\"requests\":{\"cpu\":\"0\"}}}]}"), "BestEffort");
    assert_string_equal(qos_of("{\"containers\":[{\"name\":\"a\",\"image\":\"i\",\"resources\":{\"requests\":{\"cpu\":\"100m\"}}}]}"), "Burstable");
    assert_string_equal(qos_of("{\"containers\":[{\"name\":\"a\",\"image\":\"i\",\"resources\":{\"limits\":{\"cpu\":\"1\",\"memory\":\"1Gi\"}}}]}"), "Guaranteed");
    assert_string_equal(qos_of("{\"containers\":[{\"name\":\"a\",\"image\":\"i\",\"resources\":{\"limits\":{\"cpu\":\"1\",\"memory\":\"1Gi\"},\"requests\":{\"cpu\":\"1000m\",\"memory\":\"1024Mi\"}}}]}"), "Guaranteed");
    assert_string_equal(qos_of("{\"containers\":[{\"name\":\"a\",\"image\":\"i\",\"resources\":{\"limits\":{\"cpu\":\"1\",\"memory\":\"1Gi\"},\"requests\":{\"cpu\":\"500m\"}}}]}"), "Burstable");
    assert_string_equal(qos_of("{\"containers\":[{\"name\":\"a\",\"image\":\"i\",\"resources\":{\"limits\":{\"cpu\":\"1\"}}}]}"), "Burstable");
    assert_string_equal(qos_of("{\"containers\":[{\"name\":\"a\",\"image\":\"i\",\"resources\":{\"limits\":{\"cpu\":\"1\",\"memory\":\"1Gi\"}}}],"
                               "\"initContainers\":[{\"name\":\"b\",\"image\":\"i\"}]}"), "Burstable");
    assert_string_equal(qos_of("{\"containers\":[{\"name\":\"a\",\"image\":\"i\",\"resources\":{\"limits\":{\"example.com/gpu\":\"1\"}}}]}"), "BestEffort");
}

/* ---- Go's type errors */

static void type_error_is(const char *pod_json, const char *want)
{
    cJSON *pod = cJSON_Parse(pod_json);
    assert_non_null(pod);
    schema_problems p;   /* Go's type errors come from the field schema */
    schema_check_tree(schema_kind("", "v1", "Pod"), pod, 0, &p);
    char err[1024];
    snprintf(err, sizeof err, "%s", p.decode_error);
    int rc = err[0] ? -1 : 0;
    schema_problems_free(&p);
    cJSON_Delete(pod);
    if (!want) { if (rc) fail_msg("%s: unexpected %s", pod_json, err); return; }
    if (!rc) fail_msg("%s: no error", pod_json);
    if (strcmp(err, want)) fail_msg("%s:\n got  %s\n want %s", pod_json, err, want);
}

static void test_type_errors(void **state)
{
    (void)state;
    type_error_is("{\"spec\":{\"containers\":\"nginx\"}}",
                  "json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container");
    type_error_is("{\"spec\":{\"containers\":[\"nginx\"]}}",
                  "json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type v1.Container");
    type_error_is("{\"spec\":{\"containers\":[{\"image\":1}]}}",
                  "json: cannot unmarshal number into Go struct field Container.spec.containers.image of type string");
    type_error_is("{\"spec\":{\"containers\":[{\"ports\":[{\"containerPort\":1.5}]}]}}",
                  "json: cannot unmarshal number 1.5 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32");
    type_error_is("{\"spec\":{\"restartPolicy\":true}}",
                  "json: cannot unmarshal bool into Go struct field PodSpec.spec.restartPolicy of type v1.RestartPolicy");
    type_error_is("{\"spec\":{\"terminationGracePeriodSeconds\":\"30\"}}",
                  "json: cannot unmarshal string into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64");
    type_error_is("{\"spec\":{\"nodeSelector\":{\"a\":1}}}",
                  "json: cannot unmarshal number into Go struct field PodSpec.spec.nodeSelector of type string");
    type_error_is("{\"spec\":{\"volumes\":[{\"name\":\"v\",\"hostPath\":\"/tmp\"}]}}",
                  "json: cannot unmarshal string into Go struct field Volume.spec.volumes.hostPath of type v1.HostPathVolumeSource");
    type_error_is("{\"spec\":{\"containers\":[{\"resources\":{\"limits\":{\"cpu\":\"x\"}}}]}}",
                  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    type_error_is("{\"spec\":{\"affinity\":[]}}",
                  "json: cannot unmarshal array into Go struct field PodSpec.spec.affinity of type v1.Affinity");
    type_error_is("{\"status\":{\"conditions\":[{\"lastProbeTime\":5}]}}",
                  "json: cannot unmarshal number into Go struct field PodCondition.status.conditions.lastProbeTime of type string");
    type_error_is("{\"spec\":{\"containers\":[{\"livenessProbe\":{\"httpGet\":{\"port\":\"http\"}}}],\"unknown\":[1]},\"status\":null}", NULL);
}

/* ---- validation */

/* Defaults, validates and returns kube's aggregated message. */
static char *validation_message(const char *pod_json)
{
    cJSON *pod = defaulted(pod_json);
    field_errors *errs = calloc(1, sizeof *errs);
    assert_non_null(errs);
    pod_validate(pod, errs);
    cJSON *st = field_errors_status(errs, "", "Pod", "p");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(st, "message");
    char *out = strdup(errs->n ? m->valuestring : "");
    cJSON_Delete(st);
    cJSON_Delete(pod);
    free(errs);
    return out;
}

static void invalid(const char *spec_json, const char *want)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "{\"metadata\":{\"name\":\"p\"},\"spec\":%s}", spec_json);
    char *got = validation_message(buf);
    if (strcmp(got, want)) fail_msg("%s:\n got  %s\n want %s", spec_json, got, want);
    free(got);
}

#define C(extra) "{\"containers\":[{\"name\":\"c\",\"image\":\"i\"" extra "}]"

static void test_validation_messages(void **state)
{
    (void)state;
    invalid(C("") "}", "");
    invalid("{}", "Pod \"p\" is invalid: spec.containers: Required value");
    invalid("{\"containers\":[{\"name\":\"c\"},{\"name\":\"c\",\"image\":\"i\"}]}",
            "Pod \"p\" is invalid: [spec.containers[0].image: Required value, spec.containers[1].name: Duplicate value: \"c\"]");
    invalid(C(",\"env\":[{\"name\":\"A=B\"},{\"name\":\"\"}]") "}",
            "Pod \"p\" is invalid: [spec.containers[0].env[0].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '=', "
            "spec.containers[0].env[1].name: Required value]");
    invalid(C(",\"ports\":[{\"name\":\"http\",\"containerPort\":80},{\"name\":\"http\",\"containerPort\":81,\"protocol\":\"ICMP\"}]") "}",
            "Pod \"p\" is invalid: [spec.containers[0].ports[1].name: Duplicate value: \"http\", "
            "spec.containers[0].ports[1].protocol: Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\"]");
    invalid(C(",\"ports\":[{\"name\":\"Way-Too-Long-Port-Name\",\"containerPort\":0}]") "}",
            "Pod \"p\" is invalid: [spec.containers[0].ports[0].name: Invalid value: \"Way-Too-Long-Port-Name\": must be no more than 15 characters, "
            "spec.containers[0].ports[0].name: Invalid value: \"Way-Too-Long-Port-Name\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-), "
            "spec.containers[0].ports[0].containerPort: Required value]");
    invalid(C(",\"volumeMounts\":[{\"name\":\"data\",\"mountPath\":\"/d\"}]") ",\"volumes\":[{\"name\":\"v\"},{\"name\":\"v\"}]}",
            "Pod \"p\" is invalid: [spec.volumes[1].name: Duplicate value: \"v\", spec.containers[0].volumeMounts[0].name: Not found: \"data\"]");
    invalid(C(",\"resources\":{\"limits\":{\"cpu\":\"1\"},\"requests\":{\"cpu\":\"2\",\"memory\":\"-1\"}}") "}",
            "Pod \"p\" is invalid: [spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1, "
            "spec.containers[0].resources.requests[memory]: Invalid value: \"-1\": must be greater than or equal to 0]");
    invalid(C(",\"resources\":{\"limits\":{\"example.com/gpu\":\"1500m\",\"shoes\":\"1\"}}") "}",
            "Pod \"p\" is invalid: [spec.containers[0].resources.limits[example.com/gpu]: Invalid value: \"1500m\": must be an integer, "
            "spec.containers[0].resources.limits[shoes]: Invalid value: \"shoes\": must be a standard resource for containers, "
            "spec.containers[0].resources.requests[example.com/gpu]: Invalid value: \"1500m\": must be an integer, "
            "spec.containers[0].resources.requests[shoes]: Invalid value: \"shoes\": must be a standard resource for containers]");
    invalid(C("") ",\"restartPolicy\":\"Sometimes\",\"dnsPolicy\":\"Local\"}",
            "Pod \"p\" is invalid: [spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\", "
            "spec.dnsPolicy: Unsupported value: \"Local\": supported values: \"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\"]");
    invalid(C("") ",\"nodeSelector\":{\"bad key!\":\"v\"}}",
            "Pod \"p\" is invalid: spec.nodeSelector: Invalid value: \"bad key!\": name part must consist of alphanumeric characters, '-', '_' or '.', "
            "and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
            "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
    invalid(C("") ",\"activeDeadlineSeconds\":0,\"nodeName\":\"Node_1\"}",
            "Pod \"p\" is invalid: [spec.nodeName: Invalid value: \"Node_1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
            "'-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
            "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'), "
            "spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive]");
    invalid(C("") ",\"tolerations\":[{\"operator\":\"Equal\",\"value\":\"x\"},{\"key\":\"k\",\"operator\":\"Maybe\",\"tolerationSeconds\":5}]}",
            "Pod \"p\" is invalid: [spec.tolerations[0].operator: Invalid value: \"Equal\": operator must be Exists when `key` is empty, which means \"match all values and all keys\", "
            "spec.tolerations[1].effect: Invalid value: \"\": effect must be 'NoExecute' when `tolerationSeconds` is set, "
            "spec.tolerations[1].operator: Unsupported value: \"Maybe\": supported values: \"Equal\", \"Exists\"]");
    invalid(C(",\"livenessProbe\":{\"exec\":{\"command\":[\"true\"]},\"successThreshold\":2},\"restartPolicy\":\"Always\"") "}",
            "Pod \"p\" is invalid: [spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1, "
            "spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers]");
    invalid("{\"containers\":[{\"name\":\"c\",\"image\":\" nginx\"}],\"ephemeralContainers\":[{\"name\":\"e\",\"image\":\"i\"}]}",
            "Pod \"p\" is invalid: [spec.containers[0].image: Invalid value: \" nginx\": must not have leading or trailing whitespace, "
            "spec.ephemeralContainers: Forbidden: cannot be set on create]");
    invalid(C("") ",\"initContainers\":[{\"name\":\"c\",\"image\":\"i\",\"livenessProbe\":{\"exec\":{\"command\":[\"x\"]}}}]}",
            "Pod \"p\" is invalid: [spec.initContainers[0].name: Duplicate value: \"c\", "
            "spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always]");
    invalid(C("") ",\"dnsPolicy\":\"None\"}",
            "Pod \"p\" is invalid: spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None");
    invalid(C("") ",\"volumes\":[{\"name\":\"s\",\"secret\":{\"defaultMode\":1000,\"items\":[{\"key\":\"k\",\"path\":\"../x\"}]}}]}",
            "Pod \"p\" is invalid: [spec.volumes[0].secret.secretName: Required value, "
            "spec.volumes[0].secret.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive, "
            "spec.volumes[0].secret.items[0].path: Invalid value: \"../x\": must not contain '..']");
    invalid(C("") ",\"volumes\":[{\"name\":\"two\",\"emptyDir\":{},\"hostPath\":{\"path\":\"/x\"}}]}",
            "Pod \"p\" is invalid: spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type");
    invalid(C(",\"env\":[{\"name\":\"A\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"spec.hostname\"}}}]") "}",
            "Pod \"p\" is invalid: spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Invalid value: \"spec.hostname\": "
            "error converting fieldPath: field label not supported: spec.hostname");
    invalid(C(",\"envFrom\":[{\"configMapRef\":{},\"secretRef\":{\"name\":\"s\"}},{}]") "}",
            "Pod \"p\" is invalid: [spec.containers[0].envFrom[0].configMapRef.name: Required value, "
            "spec.containers[0].envFrom: Invalid value: \"\": may not have more than one field specified at a time, "
            "spec.containers[0].envFrom: Invalid value: \"\": must specify one of: `configMapRef` or `secretRef`]");
    invalid(C(",\"env\":[{\"name\":\"A\",\"valueFrom\":{}}]") "}",
            "Pod \"p\" is invalid: spec.containers[0].env[0].valueFrom: Invalid value: \"\": "
            "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`");
    invalid(C("") ",\"securityContext\":{\"runAsUser\":-1,\"sysctls\":[{\"name\":\"Bad\"}]}}",
            "Pod \"p\" is invalid: [spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive, "
            "spec.securityContext.sysctls[0].name: Invalid value: \"Bad\": must have at most 253 characters and match regex "
            "^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$]");
    invalid(C("") ",\"os\":{\"name\":\"plan9\"}}",
            "Pod \"p\" is invalid: spec.os: Unsupported value: \"plan9\": supported values: \"linux\", \"windows\"");
}

/* ---- updates */

static cJSON *stored_pod(void)
{
    cJSON *pod = defaulted("{\"metadata\":{\"name\":\"p\"},\"spec\":{\"serviceAccountName\":\"default\","
                           "\"containers\":[{\"name\":\"c\",\"image\":\"nginx\",\"ports\":[{\"containerPort\":80}]}],"
                           "\"tolerations\":[{\"key\":\"a\",\"operator\":\"Exists\",\"effect\":\"NoExecute\",\"tolerationSeconds\":10}]},"
                           "\"status\":{\"phase\":\"Pending\",\"qosClass\":\"BestEffort\"}}");
    return pod;
}

/* Applies a change to a copy of the stored pod (a JSON merge of "patch" into
 * spec), defaults it and returns ValidatePodUpdate's messages. */
static char *update_message(const char *spec_patch)
{
    cJSON *old = stored_pod(), *pod = cJSON_Duplicate(old, 1);
    cJSON *patch = cJSON_Parse(spec_patch);
    assert_non_null(patch);
    cJSON *spec = cJSON_GetObjectItemCaseSensitive(pod, "spec");
    for (cJSON *p = patch->child; p; p = p->next) {
        cJSON_DeleteItemFromObjectCaseSensitive(spec, p->string);
        if (!cJSON_IsNull(p)) cJSON_AddItemToObject(spec, p->string, cJSON_Duplicate(p, 1));
    }
    pod_set_defaults(pod);
    field_errors *errs = calloc(1, sizeof *errs);
    pod_validate_update(pod, old, errs);
    kapi_buf b;
    kapi_buf_init(&b);
    for (int i = 0; i < errs->n; i++) {
        char one[2048];
        field_error_string(&errs->e[i], one, sizeof one);
        kapi_buf_printf(&b, "%s%s", i ? "\n|" : "", one);
    }
    char *out = strdup(b.data ? b.data : "");
    kapi_buf_free(&b);
    free(errs);
    cJSON_Delete(patch);
    cJSON_Delete(pod);
    cJSON_Delete(old);
    return out;
}

#define HEAD "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`," \
             "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations)," \
             "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n"

static void update_gives(const char *spec_patch, const char *want)
{
    char *got = update_message(spec_patch);
    if (strcmp(got, want)) fail_msg("%s:\n got  [%s]\n want [%s]", spec_patch, got, want);
    free(got);
}

static void test_update_rules(void **state)
{
    (void)state;
    /* allowed */
    update_gives("{\"containers\":[{\"name\":\"c\",\"image\":\"nginx:1.25\",\"imagePullPolicy\":\"Always\",\"ports\":[{\"containerPort\":80}]}]}", "");
    update_gives("{\"activeDeadlineSeconds\":100}", "");
    update_gives("{\"tolerations\":[{\"key\":\"a\",\"operator\":\"Exists\",\"effect\":\"NoExecute\",\"tolerationSeconds\":20},{\"key\":\"b\",\"operator\":\"Exists\"}]}", "");
    /* refused, each with kube's message */
    update_gives("{\"containers\":[{\"name\":\"c\",\"image\":\"\",\"imagePullPolicy\":\"Always\"}]}",
                 "spec.containers[0].image: Required value\n|" HEAD
                 "  core.PodSpec{\n"
                 "  \tVolumes:        nil,\n"
                 "  \tInitContainers: nil,\n"
                 "  \tContainers: []core.Container{\n"
                 "  \t\t{\n"
                 "  \t\t\t... // 3 identical fields\n"
                 "  \t\t\tArgs:       nil,\n"
                 "  \t\t\tWorkingDir: \"\",\n"
                 "- \t\t\tPorts:      []core.ContainerPort{{ContainerPort: 80, Protocol: \"TCP\"}},\n"
                 "+ \t\t\tPorts:      nil,\n"
                 "  \t\t\tEnvFrom:    nil,\n"
                 "  \t\t\tEnv:        nil,\n"
                 "  \t\t\t... // 16 identical fields\n"
                 "  \t\t},\n"
                 "  \t},\n"
                 "  \tEphemeralContainers: nil,\n"
                 "  \tRestartPolicy:       \"Always\",\n"
                 "  \t... // 29 identical fields\n"
                 "  }\n");
    update_gives("{\"containers\":[{\"name\":\"c\",\"image\":\"i\"},{\"name\":\"d\",\"image\":\"i\"}]}",
                 "spec.containers: Forbidden: pod updates may not add or remove containers");
    update_gives("{\"tolerations\":[]}",
                 "spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds");
    update_gives("{\"restartPolicy\":\"Never\"}",
                 HEAD "  core.PodSpec{\n"
                 "  \t... // 2 identical fields\n"
                 "  \tContainers:                    {{Name: \"c\", Image: \"nginx\", Ports: {{ContainerPort: 80, Protocol: \"TCP\"}}, TerminationMessagePath: \"/dev/termination-log\", ...}},\n"
                 "  \tEphemeralContainers:           nil,\n"
                 "- \tRestartPolicy:                 \"Always\",\n"
                 "+ \tRestartPolicy:                 \"Never\",\n"
                 "  \tTerminationGracePeriodSeconds: &30,\n"
                 "  \tActiveDeadlineSeconds:         nil,\n"
                 "  \t... // 27 identical fields\n"
                 "  }\n");
    update_gives("{\"nodeSelector\":{\"disk\":\"ssd\"}}",
                 HEAD "  core.PodSpec{\n"
                 "  \t... // 6 identical fields\n"
                 "  \tActiveDeadlineSeconds:        nil,\n"
                 "  \tDNSPolicy:                    \"ClusterFirst\",\n"
                 "- \tNodeSelector:                 nil,\n"
                 "+ \tNodeSelector:                 map[string]string{\"disk\": \"ssd\"},\n"
                 "  \tServiceAccountName:           \"default\",\n"
                 "  \tAutomountServiceAccountToken: nil,\n"
                 "  \t... // 23 identical fields\n"
                 "  }\n");
}

/* cmp.Diff itself, for a change deep inside a container (no length limit) */
static void test_diff_of_nested_changes(void **state)
{
    (void)state;
    cJSON *old = stored_pod(), *pod = cJSON_Duplicate(old, 1);
    cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(pod, "spec"), "containers"), 0);
    cJSON *port = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(c, "ports"), 0);
    cJSON_ReplaceItemInObjectCaseSensitive(port, "containerPort", cJSON_CreateNumber(8080));
    cJSON_AddItemToObject(c, "env", cJSON_Parse("[{\"name\":\"A\",\"value\":\"1\"}]"));
    cJSON *a = pod_spec_internal_view(cJSON_GetObjectItemCaseSensitive(old, "spec"));
    cJSON *b = pod_spec_internal_view(cJSON_GetObjectItemCaseSensitive(pod, "spec"));
    char *diff = pod_spec_diff(a, b);
    assert_string_equal(diff,
        "  core.PodSpec{\n"
        "  \tVolumes:        nil,\n"
        "  \tInitContainers: nil,\n"
        "  \tContainers: []core.Container{\n"
        "  \t\t{\n"
        "  \t\t\t... // 3 identical fields\n"
        "  \t\t\tArgs:       nil,\n"
        "  \t\t\tWorkingDir: \"\",\n"
        "  \t\t\tPorts: []core.ContainerPort{\n"
        "  \t\t\t\t{\n"
        "  \t\t\t\t\tName:          \"\",\n"
        "  \t\t\t\t\tHostPort:      0,\n"
        "- \t\t\t\t\tContainerPort: 80,\n"
        "+ \t\t\t\t\tContainerPort: 8080,\n"
        "  \t\t\t\t\tProtocol:      \"TCP\",\n"
        "  \t\t\t\t\tHostIP:        \"\",\n"
        "  \t\t\t\t},\n"
        "  \t\t\t},\n"
        "  \t\t\tEnvFrom:      nil,\n"
        "- \t\t\tEnv:          nil,\n"
        "+ \t\t\tEnv:          []core.EnvVar{{Name: \"A\", Value: \"1\"}},\n"
        "  \t\t\tResources:    {},\n"
        "  \t\t\tResizePolicy: nil,\n"
        "  \t\t\t... // 14 identical fields\n"
        "  \t\t},\n"
        "  \t},\n"
        "  \tEphemeralContainers: nil,\n"
        "  \tRestartPolicy:       \"Always\",\n"
        "  \t... // 29 identical fields\n"
        "  }\n");
    free(diff);
    /* lists of different lengths: a removed and an inserted element */
    cJSON *sa = cJSON_Parse("{\"tolerations\":[{\"key\":\"a\"},{\"key\":\"b\"}],\"securityContext\":{}}");
    cJSON *sb = cJSON_Parse("{\"tolerations\":[{\"key\":\"b\"},{\"key\":\"c\"},{\"key\":\"d\"}],\"securityContext\":{}}");
    diff = pod_spec_diff(sa, sb);
    assert_non_null(strstr(diff, "  \tTolerations: []core.Toleration{\n"
                                 "- \t\t{Key: \"a\"},\n"
                                 "  \t\t{Key: \"b\"},\n"
                                 "+ \t\t{Key: \"c\"},\n"
                                 "+ \t\t{Key: \"d\"},\n"
                                 "  \t},\n"));
    free(diff);
    cJSON_Delete(sa);
    cJSON_Delete(sb);
    cJSON_Delete(a);
    cJSON_Delete(b);
    cJSON_Delete(pod);
    cJSON_Delete(old);
}

static void test_update_deadlines_and_grace(void **state)
{
    (void)state;
    cJSON *old = stored_pod();
    cJSON *spec = cJSON_GetObjectItemCaseSensitive(old, "spec");
    cJSON_AddNumberToObject(spec, "activeDeadlineSeconds", 100);
    cJSON_ReplaceItemInObjectCaseSensitive(spec, "terminationGracePeriodSeconds", cJSON_CreateNumber(-1));
    cJSON *pod = cJSON_Duplicate(old, 1);
    cJSON *nspec = cJSON_GetObjectItemCaseSensitive(pod, "spec");
    cJSON_ReplaceItemInObjectCaseSensitive(nspec, "activeDeadlineSeconds", cJSON_CreateNumber(200));
    field_errors *errs = calloc(1, sizeof *errs);
    pod_validate_update(pod, old, errs);
    assert_int_equal(errs->n, 1);
    char one[1024];
    field_error_string(&errs->e[0], one, sizeof one);
    assert_string_equal(one, "spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous value");
    /* lowering the deadline and the grace period from negative to 1 are fine */
    cJSON_ReplaceItemInObjectCaseSensitive(nspec, "activeDeadlineSeconds", cJSON_CreateNumber(50));
    cJSON_ReplaceItemInObjectCaseSensitive(nspec, "terminationGracePeriodSeconds", cJSON_CreateNumber(1));
    memset(errs, 0, sizeof *errs);
    pod_validate_update(pod, old, errs);
    assert_int_equal(errs->n, 0);
    /* removing the deadline is not */
    cJSON_DeleteItemFromObjectCaseSensitive(nspec, "activeDeadlineSeconds");
    pod_validate_update(pod, old, errs);
    assert_true(errs->n >= 1);
    field_error_string(&errs->e[0], one, sizeof one);
    assert_string_equal(one, "spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer to nil value");
    free(errs);
    cJSON_Delete(pod);
    cJSON_Delete(old);
}

/* ---- the pipeline: admission, binding, status, dry run */

static const char *pod_body(const char *name, const char *spec_extra)
{
    static char buf[2048];
    snprintf(buf, sizeof buf,
             "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"%s\"},"
             "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]%s}}",
             name, spec_extra);
    return buf;
}

static void test_service_account_admission(void **state)
{
    (void)state;
    result r = call("POST", PODS, "", JSON, pod_body("sa1", ""));
    assert_int_equal(r.status, 201);
    assert_string_equal(test_str_at(r.body, "spec.serviceAccountName"), "default");
    assert_string_equal(test_str_at(r.body, "spec.serviceAccount"), "default");
    const char *vol = test_str_at(r.body, "spec.volumes[0].name");
    assert_int_equal(strncmp(vol, "kube-api-access-", 16), 0);
    assert_int_equal((int)strlen(vol), 21);
    assert_string_equal(test_str_at(r.body, "spec.containers[0].volumeMounts[0].name"), vol);
    assert_true(cJSON_IsTrue(json_at_indexed(r.body, "spec.containers[0].volumeMounts[0].readOnly")));
    assert_true(test_num_at(r.body, "spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds", -12345) == 3607);
    assert_string_equal(test_str_at(r.body, "spec.volumes[0].projected.sources[1].configMap.name"), "kube-root-ca.crt");
    assert_string_equal(test_str_at(r.body, "spec.volumes[0].projected.sources[2].downwardAPI.items[0].fieldRef.fieldPath"), "metadata.namespace");
    assert_true(test_num_at(r.body, "spec.volumes[0].projected.defaultMode", -12345) == 420);
    done(&r);
    /* a mount at the token path already: nothing added */
    r = call("POST", PODS, "", JSON,
             "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"sa2\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\","
             "\"volumeMounts\":[{\"name\":\"mine\",\"mountPath\":\"/var/run/secrets/kubernetes.io/serviceaccount\"}]}],"
             "\"volumes\":[{\"name\":\"mine\",\"emptyDir\":{}}]}}");
    assert_int_equal(r.status, 201);
    assert_int_equal(cJSON_GetArraySize(json_at_indexed(r.body, "spec.volumes")), 1);
    done(&r);
    /* an account that turns automounting off, and a pod that turns it back on */
    r = call("POST", "/api/v1/namespaces/default/serviceaccounts", "", JSON,
             "{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"quiet\"},\"automountServiceAccountToken\":false,"
             "\"imagePullSecrets\":[{\"name\":\"regcred\"}]}");
    assert_int_equal(r.status, 201);
    done(&r);
    r = call("POST", PODS, "", JSON, pod_body("sa3", ",\"serviceAccountName\":\"quiet\""));
    assert_int_equal(r.status, 201);
    assert_null(json_at_indexed(r.body, "spec.volumes"));
    assert_string_equal(test_str_at(r.body, "spec.imagePullSecrets[0].name"), "regcred");
    done(&r);
    r = call("POST", PODS, "", JSON, pod_body("sa4", ",\"serviceAccountName\":\"quiet\",\"automountServiceAccountToken\":true"));
    assert_int_equal(r.status, 201);
    assert_int_equal(cJSON_GetArraySize(json_at_indexed(r.body, "spec.volumes")), 1);
    done(&r);
    /* a missing account (not "default": one lookup) */
    r = call("POST", PODS, "", JSON, pod_body("sa5", ",\"serviceAccountName\":\"ghost\""));
    assert_int_equal(r.status, 403);
    assert_string_equal(test_str_at(r.body, "message"),
                        "pods \"sa5\" is forbidden: error looking up service account default/ghost: serviceaccount \"ghost\" not found");
    assert_string_equal(test_str_at(r.body, "details.name"), "sa5");
    assert_string_equal(test_str_at(r.body, "details.kind"), "pods");
    done(&r);
    /* generateName: the prefix stands for the name */
    r = call("POST", PODS, "", JSON,
             "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"generateName\":\"web-\"},"
             "\"spec\":{\"serviceAccountName\":\"ghost\",\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}");
    assert_int_equal(r.status, 403);
    assert_string_equal(test_str_at(r.body, "message"),
                        "pods \"web-\" is forbidden: error looking up service account default/ghost: serviceaccount \"ghost\" not found");
    done(&r);
    /* mirror pods may not use accounts */
    r = call("POST", PODS, "", JSON,
             "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"m\",\"annotations\":{\"kubernetes.io/config.mirror\":\"x\"}},"
             "\"spec\":{\"nodeName\":\"n1\",\"serviceAccountName\":\"default\",\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}");
    assert_int_equal(r.status, 403);
    assert_string_equal(test_str_at(r.body, "message"), "pods \"m\" is forbidden: a mirror pod may not reference service accounts");
    done(&r);
}

static void test_default_account_missing(void **state)
{
    (void)state;
    result r = call("POST", "/api/v1/namespaces", "", JSON, "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"empty\"}}");
    assert_int_equal(r.status, 201);
    done(&r);
    r = call("POST", "/api/v1/namespaces/empty/pods", "", JSON, pod_body("nginx", ""));
    assert_int_equal(r.status, 403);
    assert_string_equal(test_str_at(r.body, "message"),
                        "pods \"nginx\" is forbidden: error looking up service account empty/default: serviceaccount \"default\" not found");
    assert_string_equal(test_str_at(r.body, "reason"), "Forbidden");
    done(&r);
    r = call("GET", "/api/v1/namespaces/empty/pods/nginx", "", NULL, NULL);
    assert_int_equal(r.status, 404);
    done(&r);
}

static void test_tolerations_and_priority(void **state)
{
    (void)state;
    result r = call("POST", PODS, "", JSON, pod_body("t1", ",\"tolerations\":[{\"operator\":\"Exists\"}]"));
    assert_int_equal(r.status, 201);
    assert_int_equal(cJSON_GetArraySize(json_at_indexed(r.body, "spec.tolerations")), 1);   /* tolerates everything */
    assert_true(test_num_at(r.body, "spec.priority", -12345) == 0);
    assert_string_equal(test_str_at(r.body, "spec.preemptionPolicy"), "PreemptLowerPriority");
    done(&r);
    r = call("POST", PODS, "", JSON,
             pod_body("t2", ",\"tolerations\":[{\"key\":\"node.kubernetes.io/not-ready\",\"operator\":\"Exists\",\"effect\":\"NoSchedule\"},"
                            "{\"key\":\"node.kubernetes.io/unreachable\",\"operator\":\"Exists\",\"effect\":\"NoExecute\",\"tolerationSeconds\":60}]"));
    assert_int_equal(r.status, 201);
    assert_int_equal(cJSON_GetArraySize(json_at_indexed(r.body, "spec.tolerations")), 3);
    assert_string_equal(test_str_at(r.body, "spec.tolerations[2].key"), "node.kubernetes.io/not-ready");
    assert_true(test_num_at(r.body, "spec.tolerations[2].tolerationSeconds", -12345) == 300);
    assert_true(test_num_at(r.body, "spec.tolerations[1].tolerationSeconds", -12345) == 60);
    done(&r);
    r = call("POST", PODS, "", JSON, pod_body("t3", ",\"priorityClassName\":\"system-cluster-critical\""));
    assert_int_equal(r.status, 201);
    assert_true(test_num_at(r.body, "spec.priority", -12345) == 2000000000);
    done(&r);
    r = call("POST", PODS, "", JSON, pod_body("t4", ",\"priorityClassName\":\"gold\""));
    assert_int_equal(r.status, 403);
    assert_string_equal(test_str_at(r.body, "message"), "pods \"t4\" is forbidden: no PriorityClass with name gold was found");
    done(&r);
    r = call("POST", PODS, "", JSON, pod_body("t5", ",\"priority\":7"));
    assert_int_equal(r.status, 403);
    assert_string_equal(test_str_at(r.body, "message"),
                        "pods \"t5\" is forbidden: the integer value of priority (7) must not be provided in pod spec; "
                        "priority admission controller computed 0 from the given PriorityClass name");
    done(&r);
}

static void test_binding(void **state)
{
    (void)state;
    result r = call("POST", PODS, "", JSON, pod_body("b1", ""));
    assert_int_equal(r.status, 201);
    done(&r);
    r = call("POST", PODS "/b1/binding", "", JSON,
             "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"b1\",\"annotations\":{\"scheduled-by\":\"test\"}},"
             "\"target\":{\"kind\":\"Node\",\"name\":\"node-1\"}}");
    assert_int_equal(r.status, 201);
    assert_string_equal(test_str_at(r.body, "status"), "Success");
    assert_true(test_num_at(r.body, "code", -12345) == 201);
    done(&r);
    r = call("GET", PODS "/b1", "", NULL, NULL);
    assert_string_equal(test_str_at(r.body, "spec.nodeName"), "node-1");
    assert_string_equal(test_str_at(r.body, "metadata.annotations.scheduled-by"), "test");
    assert_string_equal(test_str_at(r.body, "status.conditions[0].type"), "PodScheduled");
    assert_string_equal(test_str_at(r.body, "status.conditions[0].status"), "True");
    assert_true(cJSON_IsNull(json_at_indexed(r.body, "status.conditions[0].lastProbeTime")));
    done(&r);
    r = call("POST", PODS "/b1/binding", "", JSON, "{\"metadata\":{\"name\":\"b1\"},\"target\":{\"name\":\"node-2\"}}");
    assert_int_equal(r.status, 409);
    assert_string_equal(test_str_at(r.body, "message"),
                        "Operation cannot be fulfilled on pods/binding \"b1\": pod b1 is already assigned to node \"node-1\"");
    assert_string_equal(test_str_at(r.body, "details.kind"), "pods/binding");
    done(&r);
    r = call("POST", PODS "/b1/binding", "", JSON, "{\"metadata\":{\"name\":\"b1\"},\"target\":{\"kind\":\"Pod\"}}");
    assert_int_equal(r.status, 500);
    assert_string_equal(test_str_at(r.body, "message"),
                        "[target.kind: Unsupported value: \"Pod\": supported values: \"Node\", \"<empty>\", target.name: Required value]");
    assert_null(json_at_indexed(r.body, "reason"));
    done(&r);
    r = call("POST", PODS "/ghost/binding", "", JSON, "{\"metadata\":{\"name\":\"ghost\"},\"target\":{\"name\":\"n\"}}");
    assert_int_equal(r.status, 404);
    assert_string_equal(test_str_at(r.body, "message"), "pods \"ghost\" not found");
    done(&r);
    r = call("GET", PODS "/b1/binding", "", NULL, NULL);
    assert_int_equal(r.status, 405);
    done(&r);
    /* a gated pod cannot be bound */
    r = call("POST", PODS, "", JSON, pod_body("gated", ",\"schedulingGates\":[{\"name\":\"example.com/wait\"}]"));
    assert_int_equal(r.status, 201);
    assert_string_equal(test_str_at(r.body, "status.conditions[0].reason"), "SchedulingGated");
    done(&r);
    r = call("POST", PODS "/gated/binding", "", JSON, "{\"metadata\":{\"name\":\"gated\"},\"target\":{\"name\":\"n\"}}");
    assert_int_equal(r.status, 409);
    assert_string_equal(test_str_at(r.body, "message"),
                        "Operation cannot be fulfilled on pods/binding \"gated\": pod gated has non-empty .spec.schedulingGates");
    done(&r);
    /* binding with a stale uid precondition */
    r = call("POST", PODS, "", JSON, pod_body("b2", ""));
    done(&r);
    r = call("POST", PODS "/b2/binding", "", JSON, "{\"metadata\":{\"name\":\"b2\",\"uid\":\"nope\"},\"target\":{\"name\":\"n\"}}");
    assert_int_equal(r.status, 409);
    assert_non_null(strstr(test_str_at(r.body, "message"), "Precondition failed: UID in precondition: nope, UID in object meta: "));
    done(&r);
}

static void test_status_subresource(void **state)
{
    (void)state;
    result r = call("POST", PODS, "", JSON, pod_body("st", ""));
    assert_int_equal(r.status, 201);
    cJSON *pod = cJSON_Duplicate(r.body, 1);
    done(&r);
    cJSON *status = cJSON_GetObjectItemCaseSensitive(pod, "status");
    cJSON_ReplaceItemInObjectCaseSensitive(status, "phase", cJSON_CreateString("Running"));
    cJSON_DeleteItemFromObjectCaseSensitive(status, "qosClass");
    cJSON *spec = cJSON_GetObjectItemCaseSensitive(pod, "spec");
    cJSON_ReplaceItemInObjectCaseSensitive(spec, "restartPolicy", cJSON_CreateString("Never"));
    cJSON_AddItemToObject(cJSON_GetObjectItemCaseSensitive(pod, "metadata"), "labels", cJSON_Parse("{\"via\":\"status\"}"));
    char *body = cJSON_PrintUnformatted(pod);
    r = call("PUT", PODS "/st/status", "", JSON, body);
    assert_int_equal(r.status, 200);
    assert_string_equal(test_str_at(r.body, "status.phase"), "Running");
    assert_string_equal(test_str_at(r.body, "status.qosClass"), "BestEffort");      /* kept */
    assert_string_equal(test_str_at(r.body, "spec.restartPolicy"), "Always");       /* spec is not the status's */
    assert_string_equal(test_str_at(r.body, "metadata.labels.via"), "status");     /* labels may change */
    done(&r);
    cJSON_free(body);
    r = call("PATCH", PODS "/st/status", "", "application/merge-patch+json", "{\"status\":{\"qosClass\":\"Guaranteed\"}}");
    assert_int_equal(r.status, 422);
    assert_non_null(strstr(test_str_at(r.body, "message"), "status.qosClass: Invalid value: \"Guaranteed\": field is immutable"));
    done(&r);
    /* the main resource ignores status */
    r = call("PATCH", PODS "/st", "", "application/merge-patch+json", "{\"status\":{\"phase\":\"Failed\"}}");
    assert_int_equal(r.status, 200);
    assert_string_equal(test_str_at(r.body, "status.phase"), "Running");
    done(&r);
    cJSON_Delete(pod);
}

/* Fields of features off by default in 1.32 are dropped on create. */
static void test_disabled_features_dropped(void **state)
{
    (void)state;
    result r = call("POST", PODS, "dryRun=All", JSON,
                    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"feat\"},\"spec\":{"
                    "\"resources\":{\"limits\":{\"cpu\":\"1\"}},\"securityContext\":{\"supplementalGroupsPolicy\":\"Strict\"},"
                    "\"containers\":[{\"name\":\"c\",\"image\":\"nginx\",\"resizePolicy\":[{\"resourceName\":\"cpu\",\"restartPolicy\":\"NotRequired\"}]}]}}");
    assert_int_equal(r.status, 201);
    assert_null(json_at_indexed(r.body, "spec.resources"));
    assert_null(json_at_indexed(r.body, "spec.containers[0].resizePolicy"));
    assert_null(json_at_indexed(r.body, "spec.securityContext.supplementalGroupsPolicy"));
    done(&r);
}

static void test_dry_run(void **state)
{
    (void)state;
    result r = call("POST", PODS, "dryRun=All", JSON, pod_body("dry", ""));
    assert_int_equal(r.status, 201);
    assert_string_equal(test_str_at(r.body, "status.phase"), "Pending");
    done(&r);
    r = call("GET", PODS "/dry", "", NULL, NULL);
    assert_int_equal(r.status, 404);
    done(&r);
    r = call("POST", PODS, "", JSON, pod_body("dry2", ""));
    done(&r);
    r = call("PATCH", PODS "/dry2", "dryRun=All", "application/json-patch+json",
             "[{\"op\":\"replace\",\"path\":\"/spec/containers/0/image\",\"value\":\"nginx:2\"}]");
    assert_int_equal(r.status, 200);
    assert_string_equal(test_str_at(r.body, "spec.containers[0].image"), "nginx:2");
    done(&r);
    r = call("DELETE", PODS "/dry2", "dryRun=All", NULL, NULL);
    assert_int_equal(r.status, 200);
    done(&r);
    r = call("GET", PODS "/dry2", "", NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(test_str_at(r.body, "spec.containers[0].image"), "nginx");
    done(&r);
    r = call("POST", PODS "/dry2/binding", "dryRun=All", JSON, "{\"metadata\":{\"name\":\"dry2\"},\"target\":{\"name\":\"n\"}}");
    assert_int_equal(r.status, 201);
    done(&r);
    r = call("GET", PODS "/dry2", "", NULL, NULL);
    assert_null(json_at_indexed(r.body, "spec.nodeName"));
    done(&r);
}

/* Every field of a pod replaced by every JSON type: always a Status, never a
 * crash or a 500, and the worker keeps answering. */
static void test_wrong_types_everywhere(void **state)
{
    (void)state;
    static const char *const fields[] = {
        "metadata", "spec", "status", "spec.containers", "spec.containers[0]", "spec.containers[0].name",
        "spec.containers[0].image", "spec.containers[0].ports", "spec.containers[0].ports[0]",
        "spec.containers[0].ports[0].containerPort", "spec.containers[0].env", "spec.containers[0].env[0].valueFrom",
        "spec.containers[0].resources", "spec.containers[0].resources.limits", "spec.containers[0].resources.limits.cpu",
        "spec.containers[0].volumeMounts", "spec.containers[0].livenessProbe", "spec.containers[0].livenessProbe.httpGet.port",
        "spec.containers[0].securityContext", "spec.volumes", "spec.volumes[0]", "spec.volumes[0].projected.sources",
        "spec.tolerations", "spec.tolerations[0].tolerationSeconds", "spec.nodeSelector", "spec.securityContext",
        "spec.serviceAccountName", "spec.automountServiceAccountToken", "spec.priority", "spec.dnsConfig",
        "spec.initContainers", "spec.schedulingGates", "spec.overhead", "spec.affinity", "spec.os",
    };
    static const char *const values[] = {"1", "-7.5", "\"x\"", "true", "[]", "{}", "null", "[{}]", "[null]", "{\"a\":[1]}"};
    const char *base =
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"w\"},\"spec\":{"
        "\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"ports\":[{\"containerPort\":80}],\"env\":[{\"name\":\"e\",\"valueFrom\":{}}],"
        "\"resources\":{\"limits\":{\"cpu\":\"1\"}},\"volumeMounts\":[],\"livenessProbe\":{\"httpGet\":{\"port\":80}},\"securityContext\":{}}],"
        "\"volumes\":[{\"name\":\"v\",\"projected\":{\"sources\":[]}}],\"tolerations\":[{\"operator\":\"Exists\",\"tolerationSeconds\":1}],"
        "\"nodeSelector\":{},\"securityContext\":{},\"serviceAccountName\":\"default\",\"automountServiceAccountToken\":true,"
        "\"dnsConfig\":{},\"initContainers\":[],\"schedulingGates\":[],\"overhead\":{},\"affinity\":{},\"os\":{\"name\":\"linux\"}}}";
    for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
        for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
            cJSON *pod = cJSON_Parse(base);
            assert_non_null(pod);
            /* walk to the parent of the field (a member after '.', an
             * element after '[') and replace it */
            char path[200];
            snprintf(path, sizeof path, "%s", fields[f]);
            char *last = path + strlen(path);
            while (last > path && *last != '.' && *last != '[') last--;
            cJSON *parent = pod;
            if (last > path) { *last = '\0'; parent = (cJSON *)json_at_indexed(pod, path); last++; }
            assert_non_null(parent);
            cJSON *nv = cJSON_Parse(values[v]);
            if (cJSON_IsArray(parent)) cJSON_ReplaceItemInArray(parent, atoi(last), nv);
            else if (cJSON_GetObjectItemCaseSensitive(parent, last)) cJSON_ReplaceItemInObjectCaseSensitive(parent, last, nv);
            else cJSON_AddItemToObject(parent, last, nv);
            char *body = cJSON_PrintUnformatted(pod);
            result r = call("POST", PODS, "dryRun=All", JSON, body);
            if (r.status != 201 && r.status != 400 && r.status != 403 && r.status != 422)
                fail_msg("%s=%s: %d %s", fields[f], values[v], r.status, r.text);
            if (r.status != 201 && strcmp(test_str_at(r.body, "kind"), "Status")) fail_msg("%s=%s: not a Status: %s", fields[f], values[v], r.text);
            done(&r);
            cJSON_free(body);
            cJSON_Delete(pod);
        }
    }
    result r = call("GET", "/healthz", "", NULL, NULL);
    assert_int_equal(r.status, 200);
    done(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_of_the_seed_pod),
        cmocka_unit_test(test_image_pull_policy),
        cmocka_unit_test(test_defaults_of_members),
        cmocka_unit_test(test_qos_class),
        cmocka_unit_test(test_type_errors),
        cmocka_unit_test(test_validation_messages),
        cmocka_unit_test(test_update_rules),
        cmocka_unit_test(test_diff_of_nested_changes),
        cmocka_unit_test(test_update_deadlines_and_grace),
        cmocka_unit_test(test_service_account_admission),
        cmocka_unit_test(test_default_account_missing),
        cmocka_unit_test(test_tolerations_and_priority),
        cmocka_unit_test(test_binding),
        cmocka_unit_test(test_status_subresource),
        cmocka_unit_test(test_disabled_features_dropped),
        cmocka_unit_test(test_dry_run),
        cmocka_unit_test(test_wrong_types_everywhere),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
