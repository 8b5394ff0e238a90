/* test_tables.c: server-side printing. kube's HumanDuration at its
 * boundaries, each kind's row for representative stored objects (compared
 * with what kube-apiserver 1.32 prints), the Table's shape and include
 * modes, and rows for missing or wrongly-typed fields (never a crash). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "kinds/resource.h"
#include "registry/tables.h"
#include "registry/tables_internal.h"

/* Every test reads the clock as 2024-05-01T12:00:00Z. */
static time_t test_now(void)
{
    kube_time t = kube_time_parse("2024-05-01T12:00:00Z");
    assert_true(t.set);
    return (time_t)t.sec;
}

static const kapi_resource *resource(const char *group, const char *plural)
{
    const kapi_resource *r = resource_find(group, "v1", plural);
    assert_non_null(r);
    return r;
}

/* The cells of def's row for obj_json, as compact JSON, compared with want. */
static void assert_row(const table_def *def, const char *obj_json, const char *want)
{
    cJSON *obj = cJSON_Parse(obj_json);
    assert_non_null(obj);
    cJSON *cells = cJSON_CreateArray();
    table_row(def, obj, cells, test_now());
    assert_int_equal(cJSON_GetArraySize(cells), def->n_columns);
    char *got = cJSON_PrintUnformatted(cells);
    if (strcmp(got, want)) print_error("got  %s\nwant %s\n", got, want);
    assert_string_equal(got, want);
    free(got);
    cJSON_Delete(cells);
    cJSON_Delete(obj);
}

static void assert_columns(const table_def *def, const char *want_names)
{
    char names[1024] = "";
    for (int i = 0; i < def->n_columns; i++) {
        if (i) strcat(names, ",");
        strcat(names, def->columns[i].name);
        if (def->columns[i].priority) strcat(names, "*");
        assert_non_null(def->columns[i].description);
        assert_true(strlen(def->columns[i].description) > 0);
    }
    assert_string_equal(names, want_names);
}

static const char *human(int64_t seconds)
{
    static char out[32];
    duration_human(seconds * 1000000000LL, out, sizeof out);
    return out;
}

static void test_human_duration_boundaries(void **state)
{
    (void)state;
    assert_string_equal(human(-3), "<invalid>");
    assert_string_equal(human(-2), "<invalid>");
    assert_string_equal(human(-1), "0s");
    assert_string_equal(human(0), "0s");
    assert_string_equal(human(5), "5s");
    assert_string_equal(human(119), "119s");
    assert_string_equal(human(120), "2m");
    assert_string_equal(human(125), "2m5s");
    assert_string_equal(human(599), "9m59s");
    assert_string_equal(human(600), "10m");
    assert_string_equal(human(179 * 60 + 59), "179m");
    assert_string_equal(human(3 * 3600), "3h");
    assert_string_equal(human(3 * 3600 + 30 * 60), "3h30m");
    assert_string_equal(human(7 * 3600 + 59 * 60 + 59), "7h59m");
    assert_string_equal(human(8 * 3600), "8h");
    assert_string_equal(human(47 * 3600 + 3599), "47h");
    assert_string_equal(human(48 * 3600), "2d");
    assert_string_equal(human(50 * 3600), "2d2h");
    assert_string_equal(human(191 * 3600), "7d23h");
    assert_string_equal(human(192 * 3600), "8d");
    assert_string_equal(human(729LL * 86400), "729d");
    assert_string_equal(human(730LL * 86400), "2y");
    assert_string_equal(human(731LL * 86400), "2y1d");
    assert_string_equal(human(8LL * 365 * 86400 - 86400), "7y364d");
    assert_string_equal(human(8LL * 365 * 86400), "8y");
    assert_string_equal(human(20LL * 365 * 86400), "20y");
    /* fractions: int(d.Seconds()) truncates toward zero */
    char out[32];
    duration_human(-1500000000LL, out, sizeof out);
    assert_string_equal(out, "0s");
    duration_human(119999999999LL, out, sizeof out);
    assert_string_equal(out, "119s");
}

static void age_of(const char *obj_json, char *out, size_t n)
{
    cJSON *obj = cJSON_Parse(obj_json);
    table_age(obj, test_now(), out, n);
    cJSON_Delete(obj);
}

static void test_age(void **state)
{
    (void)state;
    char age[32];
    age_of("{\"metadata\":{\"creationTimestamp\":\"2024-05-01T11:59:55Z\"}}", age, sizeof age);
    assert_string_equal(age, "5s");
    age_of("{\"metadata\":{\"creationTimestamp\":\"2024-04-29T10:00:00Z\"}}", age, sizeof age);
    assert_string_equal(age, "2d2h");
    age_of("{\"metadata\":{\"creationTimestamp\":\"2024-05-01T13:00:00+02:00\"}}", age, sizeof age);
    assert_string_equal(age, "60m");
    age_of("{\"metadata\":{\"creationTimestamp\":\"2024-05-01T11:59:54.5Z\"}}", age, sizeof age);
    assert_string_equal(age, "5s");
    age_of("{\"metadata\":{\"creationTimestamp\":\"2024-05-01T12:00:01Z\"}}", age, sizeof age);
    assert_string_equal(age, "0s");
    age_of("{\"metadata\":{\"creationTimestamp\":\"2024-05-01T12:00:10Z\"}}", age, sizeof age);
    assert_string_equal(age, "<invalid>");
    age_of("{\"metadata\":{}}", age, sizeof age);
    assert_string_equal(age, "<unknown>");
    age_of("{\"metadata\":{\"creationTimestamp\":null}}", age, sizeof age);
    assert_string_equal(age, "<unknown>");
    age_of("{\"metadata\":{\"creationTimestamp\":\"0001-01-01T00:00:00Z\"}}", age, sizeof age);
    assert_string_equal(age, "<unknown>");
    age_of("{\"metadata\":{\"creationTimestamp\":\"yesterday\"}}", age, sizeof age);
    assert_string_equal(age, "<unknown>");
    age_of("{\"metadata\":{\"creationTimestamp\":12}}", age, sizeof age);
    assert_string_equal(age, "<unknown>");
    age_of("[]", age, sizeof age);
    assert_string_equal(age, "<unknown>");
    table_age(NULL, test_now(), age, sizeof age);
    assert_string_equal(age, "<unknown>");
}

static void test_rfc3339(void **state)
{
    (void)state;
    char out[64];
    timestamp_rfc3339(kube_time_parse("2024-05-01T13:00:00.123+02:00"), out, sizeof out);
    assert_string_equal(out, "2024-05-01T11:00:00Z");
    timestamp_rfc3339(kube_time_parse(NULL), out, sizeof out);
    assert_string_equal(out, "0001-01-01T00:00:00Z");
    timestamp_rfc3339(kube_time_parse("1969-12-31T23:59:59Z"), out, sizeof out);
    assert_string_equal(out, "1969-12-31T23:59:59Z");
    assert_false(kube_time_parse("2024-13-01T00:00:00Z").set);
    assert_false(kube_time_parse("2024-05-01 12:00:00Z").set);
    assert_false(kube_time_parse("2024-05-01T12:00:00").set);
    assert_false(kube_time_parse("2024-05-01T12:00:00Zjunk").set);
}

#define CREATED_5S "\"creationTimestamp\":\"2024-05-01T11:59:55Z\""
#define CREATED_1H "\"creationTimestamp\":\"2024-05-01T11:00:00Z\""

static void test_pods(void **state)
{
    (void)state;
    assert_columns(&table_pods,
                   "Name,Ready,Status,Restarts,Age,IP*,Node*,Nominated Node*,Readiness Gates*");
    assert_string_equal(table_pods.columns[3].type, "string");
    assert_string_equal(table_pods.columns[0].format, "name");
    /* a Pending pod without container statuses */
    assert_row(&table_pods,
               "{\"metadata\":{\"name\":\"nginx\"," CREATED_5S "},"
               "\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx\"}]},"
               "\"status\":{\"phase\":\"Pending\"}}",
               "[\"nginx\",\"0/1\",\"Pending\",\"0\",\"5s\",\"<none>\",\"<none>\",\"<none>\",\"<none>\"]");
    /* running, ready, restarted five times (last 2m ago) */
    assert_row(&table_pods,
               "{\"metadata\":{\"name\":\"web\"," CREATED_1H "},"
               "\"spec\":{\"nodeName\":\"node-1\",\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"}]},"
               "\"status\":{\"phase\":\"Running\",\"podIP\":\"10.0.0.9\",\"podIPs\":[{\"ip\":\"10.0.0.7\"}],"
               "\"containerStatuses\":["
               "{\"name\":\"a\",\"ready\":true,\"restartCount\":5,\"state\":{\"running\":{}},"
               "\"lastState\":{\"terminated\":{\"exitCode\":1,\"finishedAt\":\"2024-05-01T11:58:00Z\"}}},"
               "{\"name\":\"b\",\"ready\":false,\"restartCount\":0,\"state\":{\"running\":{}}}]}}",
               "[\"web\",\"1/2\",\"Running\",\"5 (2m ago)\",\"60m\",\"10.0.0.7\",\"node-1\",\"<none>\",\"<none>\"]");
    /* a waiting container's reason wins */
    assert_row(&table_pods,
               "{\"metadata\":{\"name\":\"crash\"," CREATED_5S "},"
               "\"spec\":{\"containers\":[{\"name\":\"a\"}]},"
               "\"status\":{\"phase\":\"Running\",\"containerStatuses\":["
               "{\"name\":\"a\",\"restartCount\":3,\"state\":{\"waiting\":{\"reason\":\"CrashLoopBackOff\"}}}]}}",
               "[\"crash\",\"0/1\",\"CrashLoopBackOff\",\"3\",\"5s\",\"<none>\",\"<none>\",\"<none>\",\"<none>\"]");
    /* terminated without a reason: ExitCode / Signal */
    assert_row(&table_pods,
               "{\"metadata\":{\"name\":\"x\"},\"spec\":{\"containers\":[{\"name\":\"a\"}]},"
               "\"status\":{\"phase\":\"Failed\",\"containerStatuses\":["
               "{\"name\":\"a\",\"state\":{\"terminated\":{\"exitCode\":137,\"signal\":9}}}]}}",
               "[\"x\",\"0/1\",\"Signal:9\",\"0\",\"<unknown>\",\"<none>\",\"<none>\",\"<none>\",\"<none>\"]");
    assert_row(&table_pods,
               "{\"metadata\":{\"name\":\"x\"},\"spec\":{\"containers\":[{\"name\":\"a\"}]},"
               "\"status\":{\"phase\":\"Failed\",\"containerStatuses\":["
               "{\"name\":\"a\",\"state\":{\"terminated\":{\"exitCode\":2}}}]}}",
               "[\"x\",\"0/1\",\"ExitCode:2\",\"0\",\"<unknown>\",\"<none>\",\"<none>\",\"<none>\",\"<none>\"]");
    /* init containers still running: Init:0/2; a sidecar counts in READY's total */
    assert_row(&table_pods,
               "{\"metadata\":{\"name\":\"init\"," CREATED_5S "},"
               "\"spec\":{\"initContainers\":[{\"name\":\"i1\"},{\"name\":\"side\",\"restartPolicy\":\"Always\"}],"
               "\"containers\":[{\"name\":\"a\"}]},"
               "\"status\":{\"phase\":\"Pending\",\"initContainerStatuses\":["
               "{\"name\":\"i1\",\"state\":{\"running\":{}}},{\"name\":\"side\",\"state\":{\"waiting\":{}}}]}}",
               "[\"init\",\"0/2\",\"Init:0/2\",\"0\",\"5s\",\"<none>\",\"<none>\",\"<none>\",\"<none>\"]");
    /* failed init container */
    assert_row(&table_pods,
               "{\"metadata\":{\"name\":\"init\"},\"spec\":{\"initContainers\":[{\"name\":\"i1\"}],"
               "\"containers\":[{\"name\":\"a\"}]},"
               "\"status\":{\"phase\":\"Pending\",\"initContainerStatuses\":["
               "{\"name\":\"i1\",\"restartCount\":2,\"state\":{\"terminated\":{\"exitCode\":1,\"reason\":\"Error\"}}}]}}",
               "[\"init\",\"0/1\",\"Init:Error\",\"2\",\"<unknown>\",\"<none>\",\"<none>\",\"<none>\",\"<none>\"]");
    /* being deleted */
    assert_row(&table_pods,
               "{\"metadata\":{\"name\":\"bye\",\"deletionTimestamp\":\"2024-05-01T12:00:30Z\"},"
               "\"spec\":{\"containers\":[{\"name\":\"a\"}]},\"status\":{\"phase\":\"Running\"}}",
               "[\"bye\",\"0/1\",\"Terminating\",\"0\",\"<unknown>\",\"<none>\",\"<none>\",\"<none>\",\"<none>\"]");
    /* status.reason, readiness gates, nominated node */
    assert_row(&table_pods,
               "{\"metadata\":{\"name\":\"ev\"},\"spec\":{\"containers\":[],"
               "\"readinessGates\":[{\"conditionType\":\"a\"},{\"conditionType\":\"b\"}]},"
               "\"status\":{\"phase\":\"Failed\",\"reason\":\"Evicted\",\"nominatedNodeName\":\"n2\","
               "\"conditions\":[{\"type\":\"a\",\"status\":\"True\"},{\"type\":\"b\",\"status\":\"False\"}]}}",
               "[\"ev\",\"0/0\",\"Evicted\",\"0\",\"<unknown>\",\"<none>\",\"<none>\",\"n2\",\"1/2\"]");
    /* counters beyond int32 cannot be decoded by kube: read as absent */
    assert_row(&table_pods,
               "{\"metadata\":{\"name\":\"big\"},\"spec\":{\"containers\":[{\"name\":\"a\"}]},"
               "\"status\":{\"phase\":\"Running\",\"containerStatuses\":["
               "{\"name\":\"a\",\"restartCount\":1e19},{\"name\":\"b\",\"restartCount\":2.5},"
               "{\"name\":\"c\",\"restartCount\":2147483647}]}}",
               "[\"big\",\"0/1\",\"Running\",\"2147483647\",\"<unknown>\",\"<none>\",\"<none>\",\"<none>\",\"<none>\"]");
    /* Completed with a running container: Running or NotReady by the Ready condition */
    assert_row(&table_pods,
               "{\"metadata\":{\"name\":\"c\"},\"spec\":{\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"}]},"
               "\"status\":{\"phase\":\"Running\",\"containerStatuses\":["
               "{\"name\":\"a\",\"ready\":true,\"state\":{\"running\":{}}},"
               "{\"name\":\"b\",\"state\":{\"terminated\":{\"exitCode\":0,\"reason\":\"Completed\"}}}]}}",
               "[\"c\",\"1/2\",\"NotReady\",\"0\",\"<unknown>\",\"<none>\",\"<none>\",\"<none>\",\"<none>\"]");
}

static void test_workloads(void **state)
{
    (void)state;
    assert_columns(&table_deployments,
                   "Name,Ready,Up-to-date,Available,Age,Containers*,Images*,Selector*");
    /* kubectl create deployment test --image nginx --replicas 10, no status yet */
    assert_row(&table_deployments,
               "{\"metadata\":{\"name\":\"test\"," CREATED_5S "},"
               "\"spec\":{\"replicas\":10,\"selector\":{\"matchLabels\":{\"app\":\"test\"}},"
               "\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx\"}]}}}}",
               "[\"test\",\"0/10\",0,0,\"5s\",\"nginx\",\"nginx\",\"app=test\"]");
    assert_row(&table_deployments,
               "{\"metadata\":{\"name\":\"d\"},\"spec\":{\"replicas\":3,\"selector\":{"
               "\"matchLabels\":{\"tier\":\"web\",\"app\":\"a\"},"
               "\"matchExpressions\":[{\"key\":\"env\",\"operator\":\"In\",\"values\":[\"prod\",\"dev\"]},"
               "{\"key\":\"gone\",\"operator\":\"DoesNotExist\"}]},"
               "\"template\":{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"i:1\"},{\"name\":\"b\",\"image\":\"j:2\"}]}}},"
               "\"status\":{\"replicas\":3,\"readyReplicas\":2,\"updatedReplicas\":3,\"availableReplicas\":1}}",
               "[\"d\",\"2/3\",3,1,\"<unknown>\",\"a,b\",\"i:1,j:2\",\"app=a,env in (dev,prod),!gone,tier=web\"]");
    /* an invalid selector operator */
    assert_row(&table_deployments,
               "{\"metadata\":{\"name\":\"d\"},\"spec\":{\"selector\":{\"matchExpressions\":"
               "[{\"key\":\"a\",\"operator\":\"Near\"}]}}}",
               "[\"d\",\"0/1\",0,0,\"<unknown>\",\"\",\"\",\"<invalid>\"]");

    assert_columns(&table_replicasets, "Name,Desired,Current,Ready,Age,Containers*,Images*,Selector*");
    assert_string_equal(table_replicasets.columns[1].type, "integer");
    assert_row(&table_replicasets,
               "{\"metadata\":{\"name\":\"test-5d\"," CREATED_1H "},"
               "\"spec\":{\"replicas\":10,\"selector\":{\"matchLabels\":{\"app\":\"test\",\"pod-template-hash\":\"5d\"}},"
               "\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx\"}]}}},"
               "\"status\":{\"replicas\":10,\"readyReplicas\":7}}",
               "[\"test-5d\",10,10,7,\"60m\",\"nginx\",\"nginx\",\"app=test,pod-template-hash=5d\"]");
    assert_row(&table_replicasets, "{\"metadata\":{\"name\":\"r\"},\"spec\":{\"selector\":{}}}",
               "[\"r\",1,0,0,\"<unknown>\",\"\",\"\",\"<none>\"]");
    assert_row(&table_replicasets,
               "{\"metadata\":{\"name\":\"r\"},\"spec\":{\"selector\":{\"matchExpressions\":"
               "[{\"key\":\"a\",\"operator\":\"In\",\"values\":[]}]}}}",
               "[\"r\",1,0,0,\"<unknown>\",\"\",\"\",\"<error>\"]");
}

static void test_config_kinds(void **state)
{
    (void)state;
    assert_columns(&table_secrets, "Name,Type,Data,Age");
    assert_row(&table_secrets,
               "{\"metadata\":{\"name\":\"s\"," CREATED_5S "},\"type\":\"kubernetes.io/tls\","
               "\"data\":{\"tls.crt\":\"YQ==\",\"tls.key\":\"Yg==\"}}",
               "[\"s\",\"kubernetes.io/tls\",2,\"5s\"]");
    assert_row(&table_secrets, "{\"metadata\":{\"name\":\"s\"}}", "[\"s\",\"Opaque\",0,\"<unknown>\"]");
    assert_row(&table_secrets,
               "{\"metadata\":{\"name\":\"s\"},\"data\":{\"a\":\"YQ==\"},\"stringData\":{\"a\":\"x\",\"b\":\"y\"}}",
               "[\"s\",\"Opaque\",2,\"<unknown>\"]");

    assert_columns(&table_configmaps, "Name,Data,Age");
    assert_row(&table_configmaps,
               "{\"metadata\":{\"name\":\"cfg\"," CREATED_5S "},\"data\":{\"a\":\"1\",\"b\":\"2\"},"
               "\"binaryData\":{\"c\":\"AA==\"}}",
               "[\"cfg\",3,\"5s\"]");
    assert_row(&table_configmaps, "{\"metadata\":{\"name\":\"cfg\"},\"data\":\"oops\"}",
               "[\"cfg\",0,\"<unknown>\"]");

    assert_columns(&table_serviceaccounts, "Name,Secrets,Age");
    assert_row(&table_serviceaccounts,
               "{\"metadata\":{\"name\":\"default\"," CREATED_5S "},\"secrets\":[{\"name\":\"t\"}]}",
               "[\"default\",1,\"5s\"]");
    assert_row(&table_serviceaccounts, "{\"metadata\":{\"name\":\"default\"}}",
               "[\"default\",0,\"<unknown>\"]");

    assert_columns(&table_namespaces, "Name,Status,Age");
    assert_row(&table_namespaces,
               "{\"metadata\":{\"name\":\"default\"," CREATED_1H "},\"status\":{\"phase\":\"Active\"}}",
               "[\"default\",\"Active\",\"60m\"]");
    assert_row(&table_namespaces, "{\"metadata\":{\"name\":\"old\"},\"status\":{\"phase\":\"Terminating\"}}",
               "[\"old\",\"Terminating\",\"<unknown>\"]");
    assert_row(&table_namespaces, "{\"metadata\":{\"name\":\"new\"}}", "[\"new\",\"Active\",\"<unknown>\"]");
}

static void test_services(void **state)
{
    (void)state;
    assert_columns(&table_services, "Name,Type,Cluster-IP,External-IP,Port(s),Age,Selector*");
    assert_row(&table_services,
               "{\"metadata\":{\"name\":\"web\"," CREATED_5S "},\"spec\":{\"type\":\"ClusterIP\","
               "\"clusterIP\":\"10.96.0.10\",\"clusterIPs\":[\"10.96.0.10\"],"
               "\"ports\":[{\"port\":80,\"protocol\":\"TCP\"},{\"port\":53,\"protocol\":\"UDP\"}],"
               "\"selector\":{\"run\":\"web\",\"app\":\"x\"}}}",
               "[\"web\",\"ClusterIP\",\"10.96.0.10\",\"<none>\",\"80/TCP,53/UDP\",\"5s\",\"app=x,run=web\"]");
    assert_row(&table_services,
               "{\"metadata\":{\"name\":\"np\"},\"spec\":{\"type\":\"NodePort\",\"clusterIP\":\"10.96.0.11\","
               "\"externalIPs\":[\"1.2.3.4\",\"5.6.7.8\"],\"ports\":[{\"port\":80,\"nodePort\":30080}]}}",
               "[\"np\",\"NodePort\",\"10.96.0.11\",\"1.2.3.4,5.6.7.8\",\"80:30080/TCP\",\"<unknown>\",\"<none>\"]");
    assert_row(&table_services,
               "{\"metadata\":{\"name\":\"lb\"},\"spec\":{\"type\":\"LoadBalancer\",\"clusterIPs\":[\"10.96.0.12\"],"
               "\"ports\":[{\"port\":443,\"protocol\":\"TCP\",\"nodePort\":31443}]}}",
               "[\"lb\",\"LoadBalancer\",\"10.96.0.12\",\"<pending>\",\"443:31443/TCP\",\"<unknown>\",\"<none>\"]");
    assert_row(&table_services,
               "{\"metadata\":{\"name\":\"lb\"},\"spec\":{\"type\":\"LoadBalancer\",\"externalIPs\":[\"9.9.9.9\"]},"
               "\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"2.2.2.2\"},{\"hostname\":\"a.example\"},{\"ip\":\"1.1.1.1\"}]}}}",
               "[\"lb\",\"LoadBalancer\",\"<none>\",\"1.1.1.1,2.2.2.2,a.example,9.9.9.9\",\"<none>\",\"<unknown>\",\"<none>\"]");
    assert_row(&table_services,
               "{\"metadata\":{\"name\":\"ext\"},\"spec\":{\"type\":\"ExternalName\",\"externalName\":\"db.example.com\"}}",
               "[\"ext\",\"ExternalName\",\"<none>\",\"db.example.com\",\"<none>\",\"<unknown>\",\"<none>\"]");
    assert_row(&table_services,
               "{\"metadata\":{\"name\":\"headless\"},\"spec\":{\"clusterIP\":\"None\",\"clusterIPs\":[\"None\"]}}",
               "[\"headless\",\"ClusterIP\",\"None\",\"<none>\",\"<none>\",\"<unknown>\",\"<none>\"]");
}

static void test_events_nodes(void **state)
{
    (void)state;
    assert_columns(&table_events,
                   "Last Seen,Type,Reason,Object,Subobject*,Source*,Message,First Seen*,Count*,Name*");
    assert_string_equal(table_events.columns[9].format, "name");
    assert_row(&table_events,
               "{\"metadata\":{\"name\":\"nginx.17a\"},\"type\":\"Normal\",\"reason\":\"Scheduled\","
               "\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"nginx\",\"fieldPath\":\"spec.containers{nginx}\"},"
               "\"source\":{\"component\":\"default-scheduler\"},\"message\":\"  Successfully assigned \\n\","
               "\"firstTimestamp\":\"2024-05-01T11:00:00Z\",\"lastTimestamp\":\"2024-05-01T11:59:55Z\",\"count\":4}",
               "[\"5s\",\"Normal\",\"Scheduled\",\"pod/nginx\",\"spec.containers{nginx}\",\"default-scheduler\","
               "\"Successfully assigned\",\"60m\",4,\"nginx.17a\"]");
    /* new-style event: eventTime, reporting controller, series */
    assert_row(&table_events,
               "{\"metadata\":{\"name\":\"e\"},\"type\":\"Warning\",\"reason\":\"R\",\"involvedObject\":{\"kind\":\"Node\"},"
               "\"eventTime\":\"2024-05-01T11:59:00.000001Z\",\"reportingComponent\":\"kapi\",\"reportingInstance\":\"host-1\","
               "\"series\":{\"count\":7,\"lastObservedTime\":\"2024-05-01T11:59:50.5Z\"}}",
               "[\"9s\",\"Warning\",\"R\",\"node\",\"\",\"kapi, host-1\",\"\",\"59s\",7,\"e\"]");
    assert_row(&table_events, "{}", "[\"<unknown>\",\"\",\"\",\"\",\"\",\"\",\"\",\"<unknown>\",1,\"\"]");

    assert_columns(&table_nodes,
                   "Name,Status,Roles,Age,Version,Internal-IP*,External-IP*,OS-Image*,Kernel-Version*,"
                   "Container-Runtime*");
    assert_row(&table_nodes,
               "{\"metadata\":{\"name\":\"n1\"," CREATED_1H ",\"labels\":{\"node-role.kubernetes.io/control-plane\":\"\","
               "\"kubernetes.io/role\":\"worker\",\"node-role.kubernetes.io/\":\"x\"}},"
               "\"spec\":{\"unschedulable\":true},"
               "\"status\":{\"conditions\":[{\"type\":\"MemoryPressure\",\"status\":\"False\"},{\"type\":\"Ready\",\"status\":\"True\"}],"
               "\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"192.168.1.5\"}],"
               "\"nodeInfo\":{\"kubeletVersion\":\"v1.32.0\",\"osImage\":\"Debian\"}}}",
               "[\"n1\",\"Ready,SchedulingDisabled\",\"control-plane,worker\",\"60m\",\"v1.32.0\",\"192.168.1.5\","
               "\"<none>\",\"Debian\",\"<unknown>\",\"<unknown>\"]");
    assert_row(&table_nodes,
               "{\"metadata\":{\"name\":\"n2\"},\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"Unknown\"}]}}",
               "[\"n2\",\"NotReady\",\"<none>\",\"<unknown>\",\"\",\"<none>\",\"<none>\",\"<unknown>\",\"<unknown>\",\"<unknown>\"]");
    assert_row(&table_nodes, "{\"metadata\":{\"name\":\"n3\"}}",
               "[\"n3\",\"Unknown\",\"<none>\",\"<unknown>\",\"\",\"<none>\",\"<none>\",\"<unknown>\",\"<unknown>\",\"<unknown>\"]");
}

static void test_rbac_and_leases(void **state)
{
    (void)state;
    assert_columns(&table_roles, "Name,Created At");
    assert_string_equal(table_roles.columns[1].type, "date");
    assert_row(&table_roles, "{\"metadata\":{\"name\":\"reader\",\"creationTimestamp\":\"2024-05-01T11:00:00Z\"}}",
               "[\"reader\",\"2024-05-01T11:00:00Z\"]");
    assert_row(&table_clusterroles, "{\"metadata\":{\"name\":\"admin\"}}", "[\"admin\",\"0001-01-01T00:00:00Z\"]");
    assert_row(&table_default, "{\"metadata\":{\"name\":\"x\"}}", "[\"x\",\"0001-01-01T00:00:00Z\"]");

    assert_columns(&table_rolebindings, "Name,Role,Age,Users*,Groups*,ServiceAccounts*");
    assert_row(&table_rolebindings,
               "{\"metadata\":{\"name\":\"rb\"," CREATED_5S "},\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"view\"},"
               "\"subjects\":[{\"kind\":\"User\",\"name\":\"alice\"},{\"kind\":\"User\",\"name\":\"bob\"},"
               "{\"kind\":\"Group\",\"name\":\"devs\"},{\"kind\":\"ServiceAccount\",\"name\":\"sa\",\"namespace\":\"ns\"},"
               "{\"kind\":\"Robot\",\"name\":\"r2\"}]}",
               "[\"rb\",\"ClusterRole/view\",\"5s\",\"alice, bob\",\"devs\",\"ns/sa\"]");
    assert_row(&table_clusterrolebindings,
               "{\"metadata\":{\"name\":\"cluster-admin\"},\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"cluster-admin\"},"
               "\"subjects\":[{\"kind\":\"Group\",\"name\":\"system:masters\"}]}",
               "[\"cluster-admin\",\"ClusterRole/cluster-admin\",\"<unknown>\",\"\",\"system:masters\",\"\"]");

    assert_columns(&table_leases, "Name,Holder,Age");
    assert_row(&table_leases, "{\"metadata\":{\"name\":\"l\"," CREATED_5S "},\"spec\":{\"holderIdentity\":\"kapi-1\"}}",
               "[\"l\",\"kapi-1\",\"5s\"]");
    assert_row(&table_leases, "{\"metadata\":{\"name\":\"l\"},\"spec\":{\"holderIdentity\":7}}",
               "[\"l\",\"\",\"<unknown>\"]");
}

/* Every kind prints exactly its columns for empty, odd and wrongly-typed
 * objects. */
static void test_odd_objects_never_crash(void **state)
{
    (void)state;
    static const char *const odd[] = {
        "{}",
        "{\"metadata\":5,\"spec\":\"x\",\"status\":[]}",
        "{\"metadata\":{\"name\":7,\"labels\":[1],\"creationTimestamp\":{}},\"spec\":{\"containers\":{},"
        "\"initContainers\":[1,\"a\",null],\"ports\":[null,{\"port\":\"80\"}],\"selector\":[1],"
        "\"replicas\":\"10\",\"readinessGates\":[{}],\"template\":{\"spec\":{\"containers\":[7]}}},"
        "\"status\":{\"containerStatuses\":[7,{\"state\":[]},{\"state\":{\"terminated\":5}}],"
        "\"initContainerStatuses\":[{\"state\":{\"terminated\":{\"exitCode\":\"x\"}}}],\"conditions\":{},"
        "\"podIPs\":[5],\"loadBalancer\":{\"ingress\":[7,{}]},\"addresses\":{}},"
        "\"subjects\":[5,{\"kind\":3}],\"roleRef\":\"x\",\"data\":[1,2],\"secrets\":{},"
        "\"series\":{\"count\":\"x\"},\"involvedObject\":[]}",
        "{\"spec\":{\"selector\":{\"matchLabels\":{\"bad key!\":\"v\"},\"matchExpressions\":7}}}",
        "{\"spec\":{\"selector\":{\"matchExpressions\":[5,{\"key\":\"a\",\"operator\":\"Exists\",\"values\":[\"x\"]}]}}}",
    };
    for (int i = 0; i < kapi_n_resources; i++) {
        const table_def *def = kapi_resources[i].table;
        assert_non_null(def);
        for (size_t k = 0; k < sizeof odd / sizeof odd[0]; k++) {
            cJSON *obj = cJSON_Parse(odd[k]);
            assert_non_null(obj);
            cJSON *cells = cJSON_CreateArray();
            table_row(def, obj, cells, test_now());
            assert_int_equal(cJSON_GetArraySize(cells), def->n_columns);
            cJSON_Delete(cells);
            cJSON_Delete(obj);
        }
    }
}

static char *print_json(const cJSON *j)
{
    char *s = cJSON_PrintUnformatted(j);
    assert_non_null(s);
    return s;
}

static void test_table_shape(void **state)
{
    (void)state;
    const kapi_resource *pods = resource("", "pods");
    cJSON *items = cJSON_Parse(
        "[{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"nginx\",\"namespace\":\"default\","
        "\"labels\":{\"run\":\"nginx\"}," CREATED_5S "},\"spec\":{\"containers\":[{\"name\":\"nginx\"}]},"
        "\"status\":{\"phase\":\"Pending\"}},"
        "{\"metadata\":{\"name\":\"done\"},\"spec\":{\"containers\":[]},\"status\":{\"phase\":\"Succeeded\"}},"
        "7]");
    cJSON *t = table_build(pods, items, INCLUDE_METADATA, "meta.k8s.io/v1", "1025", NULL, test_now());
    assert_non_null(t);
    /* Go's field order */
    const char *order[] = {"kind", "apiVersion", "metadata", "columnDefinitions", "rows"};
    const cJSON *f = t->child;
    for (int i = 0; i < 5; i++, f = f->next) assert_string_equal(f->string, order[i]);
    assert_null(f);
    char *s = print_json(cJSON_GetObjectItem(t, "metadata"));
    assert_string_equal(s, "{\"resourceVersion\":\"1025\"}");
    free(s);
    const cJSON *col = cJSON_GetArrayItem(cJSON_GetObjectItem(t, "columnDefinitions"), 1);
    const char *col_order[] = {"name", "type", "format", "description", "priority"};
    f = col->child;
    for (int i = 0; i < 5; i++, f = f->next) assert_string_equal(f->string, col_order[i]);
    assert_string_equal(cJSON_GetObjectItem(col, "name")->valuestring, "Ready");
    assert_string_equal(cJSON_GetObjectItem(col, "format")->valuestring, "");

    const cJSON *rows = cJSON_GetObjectItem(t, "rows");
    assert_int_equal(cJSON_GetArraySize(rows), 2);   /* the non-object item is skipped */
    const cJSON *row = cJSON_GetArrayItem(rows, 0);
    s = print_json(row);
    assert_string_equal(
        s, "{\"cells\":[\"nginx\",\"0/1\",\"Pending\",\"0\",\"5s\",\"<none>\",\"<none>\",\"<none>\",\"<none>\"],"
           "\"object\":{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":"
           "{\"name\":\"nginx\",\"namespace\":\"default\",\"labels\":{\"run\":\"nginx\"}," CREATED_5S "}}}");
    free(s);
    /* a finished pod's row carries the Completed condition */
    s = print_json(cJSON_GetObjectItem(cJSON_GetArrayItem(rows, 1), "conditions"));
    assert_string_equal(s, "[{\"type\":\"Completed\",\"status\":\"True\",\"reason\":\"Succeeded\","
                           "\"message\":\"The pod has completed successfully.\"}]");
    free(s);
    cJSON_Delete(t);

    /* v1beta1, continue token, whole objects (kind and apiVersion first) */
    t = table_build(pods, items, INCLUDE_OBJECT, "meta.k8s.io/v1beta1", "9", "abc", test_now());
    assert_string_equal(cJSON_GetObjectItem(t, "apiVersion")->valuestring, "meta.k8s.io/v1beta1");
    s = print_json(cJSON_GetObjectItem(t, "metadata"));
    assert_string_equal(s, "{\"resourceVersion\":\"9\",\"continue\":\"abc\"}");
    free(s);
    const cJSON *obj = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(t, "rows"), 1), "object");
    assert_string_equal(obj->child->string, "kind");
    assert_string_equal(obj->child->valuestring, "Pod");
    assert_string_equal(obj->child->next->valuestring, "v1");
    assert_non_null(cJSON_GetObjectItem(obj, "status"));
    cJSON_Delete(t);

    /* metadata of v1beta1 rows; no object at all with None (kube sends null) */
    t = table_build(pods, items, INCLUDE_METADATA, "meta.k8s.io/v1beta1", "", NULL, test_now());
    obj = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(t, "rows"), 0), "object");
    assert_string_equal(cJSON_GetObjectItem(obj, "apiVersion")->valuestring, "meta.k8s.io/v1beta1");
    s = print_json(cJSON_GetObjectItem(t, "metadata"));
    assert_string_equal(s, "{}");
    free(s);
    cJSON_Delete(t);
    t = table_build(pods, items, INCLUDE_NONE, NULL, "5", NULL, test_now());
    assert_string_equal(cJSON_GetObjectItem(t, "apiVersion")->valuestring, "meta.k8s.io/v1");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(t, "rows"), 0), "object")));
    cJSON_Delete(t);
    cJSON_Delete(items);

    /* no items: an empty rows array; a single object: one row; no resource: the default table */
    t = table_build(pods, NULL, INCLUDE_METADATA, "meta.k8s.io/v1", "3", NULL, test_now());
    s = print_json(cJSON_GetObjectItem(t, "rows"));
    assert_string_equal(s, "[]");
    free(s);
    cJSON_Delete(t);
    cJSON *one = cJSON_Parse("{\"metadata\":{\"name\":\"x\"}}");
    t = table_build(NULL, one, INCLUDE_METADATA, "meta.k8s.io/v1", "3", NULL, test_now());
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(t, "columnDefinitions")), 2);
    s = print_json(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(t, "rows"), 0), "cells"));
    assert_string_equal(s, "[\"x\",\"0001-01-01T00:00:00Z\"]");
    free(s);
    cJSON_Delete(t);
    cJSON_Delete(one);
}

/* The table each kind of the resource table uses. */
static void test_resource_tables(void **state)
{
    (void)state;
    assert_ptr_equal(resource("", "pods")->table, &table_pods);
    assert_ptr_equal(resource("apps", "deployments")->table, &table_deployments);
    assert_ptr_equal(resource("rbac.authorization.k8s.io", "roles")->table, &table_roles);
    cJSON *items = cJSON_Parse("[{\"metadata\":{\"name\":\"a\"}}]");
    for (int i = 0; i < kapi_n_resources; i++) {
        cJSON *t = table_build(&kapi_resources[i], items, INCLUDE_METADATA, "meta.k8s.io/v1", "1", NULL,
                               test_now());
        const cJSON *cols = cJSON_GetObjectItem(t, "columnDefinitions");
        const cJSON *cells = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(t, "rows"), 0), "cells");
        assert_int_equal(cJSON_GetArraySize(cols), cJSON_GetArraySize(cells));
        assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cols, 0), "format")->valuestring,
                            !strcmp(kapi_resources[i].plural, "events") ? "" : "name");
        cJSON_Delete(t);
    }
    cJSON_Delete(items);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_human_duration_boundaries),
        cmocka_unit_test(test_age),
        cmocka_unit_test(test_rfc3339),
        cmocka_unit_test(test_pods),
        cmocka_unit_test(test_workloads),
        cmocka_unit_test(test_config_kinds),
        cmocka_unit_test(test_services),
        cmocka_unit_test(test_events_nodes),
        cmocka_unit_test(test_rbac_and_leases),
        cmocka_unit_test(test_odd_objects_never_crash),
        cmocka_unit_test(test_table_shape),
        cmocka_unit_test(test_resource_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
