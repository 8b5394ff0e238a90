/* test_admission.c: the Service allocators (admission/service_alloc.c:
 * ranges, kube's range offsets, claims against a real store, dry run,
 * release, a small range running full) and the Pod Security Standards'
 * checks (admission/pod_security.c) with kube's texts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "kapi_test.h"
#include "admission/pod_security.h"
#include "admission/service_alloc.h"

static void test_ranges(void **state)
{
    (void)state;
    svc_range r;
    assert_int_equal(svc_parse_cidr("10.96.0.0/12", &r), 0);
    char ip[16];
    svc_ip_string(r.first, ip);
    assert_string_equal(ip, "10.96.0.1");
    assert_int_equal(r.size, (1u << 20) - 2);
    assert_string_equal(r.text, "10.96.0.0/12");
    assert_int_equal(svc_range_offset(&r, 0), 256);   /* kube's max */
    assert_int_equal(svc_parse_cidr("10.0.0.7/24", &r), 0);   /* host bits dropped */
    assert_string_equal(r.text, "10.0.0.0/24");
    assert_int_equal(svc_range_offset(&r, 0), 16);    /* 256 / 16 */
    assert_int_equal(svc_parse_cidr("10.0.0.0/8", &r), -1);   /* too large, as kube refuses it */
    assert_int_equal(svc_parse_cidr("10.0.0.0/31", &r), -1);
    assert_int_equal(svc_parse_cidr("10.0.0/24", &r), -1);
    assert_int_equal(svc_parse_cidr("010.0.0.0/24", &r), -1);
    assert_int_equal(svc_parse_cidr("10.0.0.0", &r), -1);
    assert_int_equal(svc_parse_port_range("30000-32767", &r), 0);
    assert_int_equal(r.first, 30000);
    assert_int_equal(r.size, 2768);
    assert_int_equal(svc_range_offset(&r, 1), 86);    /* 2768 / 32 */
    assert_int_equal(svc_parse_port_range("30000+100", &r), 0);
    assert_string_equal(r.text, "30000-30100");
    assert_int_equal(svc_parse_port_range("32767-30000", &r), -1);
    assert_int_equal(svc_parse_port_range("0-10", &r), -1);
    assert_int_equal(svc_parse_port_range("x", &r), -1);
    uint32_t v;
    assert_int_equal(svc_ip_parse("256.0.0.1", &v), -1);
    assert_int_equal(svc_ip_parse("1.2.3", &v), -1);
    assert_int_equal(svc_ip_parse("1.2.3.4", &v), 0);
    assert_int_equal(v, 0x01020304);
}

static void test_claims(void **state)
{
    (void)state;
    kapi_ctx ctx = {0};
    char dir[128];
    assert_int_equal(test_store_open(&ctx, dir, sizeof dir, "alloc"), 0);
    kapi_pool *p = kapi_pool_new();
    char ip[16];
    /* a requested address: claimed once */
    assert_int_equal(svc_ip_claim(ctx.store, p, "10.96.0.10", "default", "dns", 0, ip), SVC_ALLOC_OK);
    assert_string_equal(ip, "10.96.0.10");
    assert_int_equal(svc_ip_claim(ctx.store, p, "10.96.0.10", "default", "other", 0, ip), SVC_ALLOC_TAKEN);
    assert_int_equal(svc_ip_claim(ctx.store, p, "10.96.0.10", "default", "other", 1, ip), SVC_ALLOC_TAKEN);
    assert_int_equal(svc_ip_claim(ctx.store, p, "10.112.0.1", "default", "other", 0, ip), SVC_ALLOC_NOT_IN_RANGE);
    assert_int_equal(svc_ip_claim(ctx.store, p, "10.96.0.0", "default", "other", 0, ip), SVC_ALLOC_NOT_IN_RANGE);
    assert_string_equal(svc_alloc_error(p, SVC_ALLOC_NOT_IN_RANGE, 0, "10.112.0.1"), "provided IP 10.112.0.1 is not in the valid range");
    /* the claim is kube's IPAddress object naming the Service */
    store_kv kv;
    assert_int_equal(store_get(ctx.store, "/registry/ipaddresses/10.96.0.10", &kv), STORE_OK);
    cJSON *o = cJSON_Parse(kv.value);
    store_kv_free(&kv);
    assert_string_equal(test_str_at(o, "kind"), "IPAddress");
    assert_string_equal(test_str_at(o, "spec.parentRef.name"), "dns");
    cJSON_Delete(o);
    /* a dry run claims nothing */
    assert_int_equal(svc_ip_claim(ctx.store, p, "10.96.0.11", "default", "x", 1, ip), SVC_ALLOC_OK);
    assert_int_equal(store_get(ctx.store, "/registry/ipaddresses/10.96.0.11", &kv), STORE_NOT_FOUND);
    /* the next free address comes from above the offset */
    assert_int_equal(svc_ip_claim(ctx.store, p, "", "default", "web", 0, ip), SVC_ALLOC_OK);
    uint32_t got;
    assert_int_equal(svc_ip_parse(ip, &got), 0);
    assert_true(got >= svc_cluster_ip_range()->first + 256 - 1);
    /* released, it can be claimed again */
    svc_ip_release(ctx.store, p, "10.96.0.10");
    assert_int_equal(svc_ip_claim(ctx.store, p, "10.96.0.10", "default", "dns2", 0, ip), SVC_ALLOC_OK);
    /* node ports */
    int port;
    assert_int_equal(svc_port_claim(ctx.store, p, 30080, "default", "np", 0, &port), SVC_ALLOC_OK);
    assert_int_equal(svc_port_claim(ctx.store, p, 30080, "default", "np2", 0, &port), SVC_ALLOC_TAKEN);
    assert_int_equal(svc_port_claim(ctx.store, p, 20080, "default", "np2", 0, &port), SVC_ALLOC_NOT_IN_RANGE);
    assert_string_equal(svc_alloc_error(p, SVC_ALLOC_NOT_IN_RANGE, 1, ""),
                        "provided port is not in the valid range. The range of valid ports is 30000-32767");
    /* every dynamic port distinct, until the range is full */
    int seen[2768] = {0}, n = 0;
    for (;;) {
        svc_alloc_rc rc = svc_port_claim(ctx.store, p, 0, "default", "many", 0, &port);
        if (rc == SVC_ALLOC_FULL) break;
        assert_int_equal(rc, SVC_ALLOC_OK);
        assert_true(port >= 30000 && port <= 32767);
        assert_int_equal(seen[port - 30000]++, 0);
        n++;
    }
    assert_int_equal(n, 2768 - 1);   /* all but 30080 */
    svc_port_release(ctx.store, p, 31000);
    assert_int_equal(svc_port_claim(ctx.store, p, 0, "default", "last", 0, &port), SVC_ALLOC_OK);
    assert_int_equal(port, 31000);
    kapi_pool_free(p);
    assert_int_equal(test_store_remove(&ctx, dir), 0);
}

static const char *check(kapi_pool *p, const char *spec_json, pod_security_level level)
{
    cJSON *spec = kapi_pool_keep_json(p, cJSON_Parse(spec_json));
    assert_non_null(spec);
    return pod_security_check(p, spec, level);
}

static void test_pod_security(void **state)
{
    (void)state;
    kapi_pool *p = kapi_pool_new();
    const char *plain = "{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}";
    assert_string_equal(check(p, plain, PSS_PRIVILEGED), "");
    assert_string_equal(check(p, plain, PSS_BASELINE), "");
    assert_string_equal(check(p, plain, PSS_RESTRICTED),
        "allowPrivilegeEscalation != false (container \"c\" must set securityContext.allowPrivilegeEscalation=false), "
        "unrestricted capabilities (container \"c\" must set securityContext.capabilities.drop=[\"ALL\"]), "
        "runAsNonRoot != true (pod or container \"c\" must set securityContext.runAsNonRoot=true), "
        "seccompProfile (pod or container \"c\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")");
    const char *good = "{\"securityContext\":{\"runAsNonRoot\":true,\"seccompProfile\":{\"type\":\"RuntimeDefault\"}},"
                       "\"containers\":[{\"name\":\"c\",\"securityContext\":{\"allowPrivilegeEscalation\":false,"
                       "\"capabilities\":{\"drop\":[\"ALL\"],\"add\":[\"NET_BIND_SERVICE\"]}}}],"
                       "\"volumes\":[{\"name\":\"v\",\"configMap\":{\"name\":\"x\"}}]}";
    assert_string_equal(check(p, good, PSS_RESTRICTED), "");
    const char *bad = "{\"hostNetwork\":true,\"hostIPC\":true,"
                      "\"securityContext\":{\"sysctls\":[{\"name\":\"kernel.msgmax\",\"value\":\"1\"}]},"
                      "\"initContainers\":[{\"name\":\"i\",\"securityContext\":{\"privileged\":true}}],"
                      "\"containers\":[{\"name\":\"a\",\"securityContext\":{\"privileged\":true,\"capabilities\":{\"add\":[\"SYS_ADMIN\",\"NET_ADMIN\"]}},"
                      "\"ports\":[{\"containerPort\":80,\"hostPort\":80}]},"
                      "{\"name\":\"b\",\"securityContext\":{\"procMount\":\"Unmasked\",\"seccompProfile\":{\"type\":\"Unconfined\"}}}],"
                      "\"volumes\":[{\"name\":\"h1\",\"hostPath\":{\"path\":\"/\"}},{\"name\":\"h2\",\"hostPath\":{\"path\":\"/x\"}}]}";
    assert_string_equal(check(p, bad, PSS_BASELINE),
        "non-default capabilities (container \"a\" must not include \"NET_ADMIN\", \"SYS_ADMIN\" in securityContext.capabilities.add), "
        "host namespaces (hostNetwork=true, hostIPC=true), "
        "hostPath volumes (volumes \"h1\", \"h2\"), "
        "hostPort (container \"a\" uses hostPort 80), "
        "privileged (containers \"i\", \"a\" must not set securityContext.privileged=true), "
        "procMount (container \"b\" must not set securityContext.procMount to \"Unmasked\"), "
        "seccompProfile (container \"b\" must not set securityContext.seccompProfile.type to \"Unconfined\"), "
        "forbidden sysctls (kernel.msgmax)");
    const char *root = "{\"securityContext\":{\"runAsNonRoot\":true,\"runAsUser\":0,\"seccompProfile\":{\"type\":\"Localhost\"}},"
                       "\"containers\":[{\"name\":\"c\",\"securityContext\":{\"allowPrivilegeEscalation\":false,\"runAsNonRoot\":false,"
                       "\"capabilities\":{\"drop\":[\"ALL\"]}}}],"
                       "\"volumes\":[{\"name\":\"g\",\"gitRepo\":{\"repository\":\"x\"}}]}";
    assert_string_equal(check(p, root, PSS_RESTRICTED),
        "restricted volume types (volume \"g\" uses restricted volume type \"gitRepo\"), "
        "runAsNonRoot != true (container \"c\" must not set securityContext.runAsNonRoot=false), "
        "runAsUser=0 (pod must not set runAsUser=0)");
    assert_int_equal(pod_security_parse_level("baseline"), PSS_BASELINE);
    assert_int_equal(pod_security_parse_level("privileged"), PSS_PRIVILEGED);
    assert_int_equal(pod_security_parse_level("nonsense"), PSS_RESTRICTED);
    kapi_pool_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_claims),
        cmocka_unit_test(test_pod_security),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
