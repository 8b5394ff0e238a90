/* test_controllers.c: the reconciler in-process: label selectors, the
 * semantic equality and the pod-template-hash, then whole passes
 * (reconcile_pass over kapi_handle and a real store in a temporary
 * directory): a Deployment's ReplicaSet and pods, idempotence, the dry run,
 * the leader Lease, deletion with finalizers and propagation policies, the
 * garbage collector and the scale subresource. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "codec/labels.h"
#include "controllers/reconcile.h"
#include "codec/jsonpath.h"
#include "core/kapi.h"
#include "core/util.h"
#include "server/bootstrap.h"
#include "store/store.h"
#include "kapi_test.h"

/* pod_template_hash is private to the controllers; its prototype: */
void pod_template_hash(const cJSON *template, const cJSON *collision_count, char out[16]);

static char dir[256];
static kapi_ctx ctx;
static FILE *devnull;

/* A request as the admin; returns the HTTP status and the parsed body
 * (*body, caller frees; may be NULL). */
static int call(const char *method, const char *path, const char *ctype, const char *body, cJSON **out)
{
    test_result r = test_call(&ctx, (kapi_call_request){.method = method, .path = path,
                                                         .content_type = ctype, .body = body});
    if (out) *out = r.body;
    else cJSON_Delete(r.body);
    return r.status;
}

static int count_items(const char *path)
{
    cJSON *list = NULL;
    int n = call("GET", path, NULL, NULL, &list) == 200 ? cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(list, "items")) : -1;
    cJSON_Delete(list);
    return n;
}

static reconcile_result pass_once(reconcile_stats *stats, int dry_run)
{
    reconcile_options o = {.dry_run = dry_run, .out = devnull, .identity = "unit-test"};
    return reconcile_pass(&ctx, &o, stats);
}

static int setup(void **state)
{
    (void)state;
    if (test_store_open(&ctx, dir, sizeof dir, "controllers")) return -1;
    char path[400];
    snprintf(path, sizeof path, "%s/pki", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/pki/ca.crt", dir);
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fputs("-----BEGIN CERTIFICATE-----\nTEST\n-----END CERTIFICATE-----\n", f);
    fclose(f);
    devnull = fopen("/dev/null", "w");
    if (!devnull) return -1;
    return bootstrap_ensure(&ctx);
}

static int teardown(void **state)
{
    (void)state;
    fclose(devnull);
    return test_store_remove(&ctx, dir);
}

/* ---- label selectors */

static void test_label_selectors(void **state)
{
    (void)state;
    cJSON *labels = cJSON_Parse("{\"app\":\"web\",\"tier\":\"front\"}");
    cJSON *sel = cJSON_Parse("{\"matchLabels\":{\"app\":\"web\"},\"matchExpressions\":["
                             "{\"key\":\"tier\",\"operator\":\"In\",\"values\":[\"front\",\"back\"]},"
                             "{\"key\":\"env\",\"operator\":\"DoesNotExist\"}]}");
    assert_true(label_selector_matches_labels(sel, labels));
    kapi_buf b;
    kapi_buf_init(&b);
    assert_int_equal(label_selector_string(sel, &b), 0);
    kapi_buf_putc(&b, '\0');
    assert_string_equal(b.data, "app=web,!env,tier in (back,front)");
    kapi_buf_free(&b);
    cJSON *other = cJSON_Parse("{\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"NotIn\",\"values\":[\"front\"]}]}");
    assert_false(label_selector_matches_labels(other, labels));
    cJSON *exists = cJSON_Parse("{\"matchExpressions\":[{\"key\":\"app\",\"operator\":\"Exists\"}]}");
    assert_true(label_selector_matches_labels(exists, labels));
    cJSON *empty = cJSON_Parse("{}");
    assert_true(label_selector_matches_labels(empty, labels));     /* everything */
    assert_true(label_selector_is_empty(empty));
    assert_false(label_selector_matches_labels(NULL, labels));     /* nothing */
    cJSON *bad = cJSON_Parse("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Near\"}]}");
    assert_false(label_selector_matches_labels(bad, labels));
    kapi_buf_init(&b);
    cJSON *two = cJSON_Parse("{\"matchLabels\":{\"b\":\"2\",\"a\":\"1\"}}");
    label_selector_go_syntax(two, &b);
    cJSON_Delete(two);
    kapi_buf_putc(&b, '\0');
    assert_string_equal(b.data, "v1.LabelSelector{MatchLabels:map[string]string{\"a\":\"1\", \"b\":\"2\"}, "
                                "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}");
    kapi_buf_free(&b);
    kapi_buf_init(&b);
    label_map_go_syntax(NULL, &b);
    kapi_buf_putc(&b, '\0');
    assert_string_equal(b.data, "map[string]string(nil)");
    kapi_buf_free(&b);
    cJSON_Delete(labels);
    cJSON_Delete(sel);
    cJSON_Delete(other);
    cJSON_Delete(exists);
    cJSON_Delete(empty);
    cJSON_Delete(bad);
}

/* ---- semantic equality, canonical form, pod-template-hash */

static void test_semantic_equality_and_hash(void **state)
{
    (void)state;
    cJSON *a = cJSON_Parse("{\"metadata\":{\"creationTimestamp\":null,\"labels\":{\"app\":\"x\"}},"
                           "\"spec\":{\"containers\":[{\"name\":\"n\",\"image\":\"nginx\",\"resources\":{}}]}}");
    cJSON *b = cJSON_Parse("{\"spec\":{\"containers\":[{\"image\":\"nginx\",\"name\":\"n\"}]},"
                           "\"metadata\":{\"labels\":{\"app\":\"x\"},\"annotations\":{}}}");
    cJSON *c = cJSON_Parse("{\"spec\":{\"containers\":[{\"image\":\"nginx:1.25\",\"name\":\"n\"}]},"
                           "\"metadata\":{\"labels\":{\"app\":\"x\"}}}");
    assert_true(json_semantic_equal(a, b));
    assert_false(json_semantic_equal(a, c));
    char ha[16], hb[16], hc[16], hd[16];
    pod_template_hash(a, NULL, ha);
    pod_template_hash(b, NULL, hb);
    pod_template_hash(c, NULL, hc);
    cJSON *one = cJSON_CreateNumber(1);
    pod_template_hash(a, one, hd);
    assert_string_equal(ha, hb);          /* key order and empty members do not count */
    assert_string_not_equal(ha, hc);
    assert_string_not_equal(ha, hd);      /* collisionCount does */
    assert_true(strlen(ha) >= 1 && strlen(ha) <= 10);
    /* printed in decimal, mapped into kube's alphabet: only 4-9, b, c, d, f */
    assert_int_equal(strspn(ha, "456789bcdf"), strlen(ha));
    cJSON *canon = json_canonical_copy(a);
    char *text = cJSON_PrintUnformatted(canon);
    assert_string_equal(text, "{\"metadata\":{\"labels\":{\"app\":\"x\"}},\"spec\":{\"containers\":[{\"image\":\"nginx\",\"name\":\"n\"}]}}");
    free(text);
    cJSON_Delete(canon);
    cJSON_Delete(one);
    cJSON_Delete(a);
    cJSON_Delete(b);
    cJSON_Delete(c);
}

/* ---- whole passes */

#define DEPLOYMENT(name, replicas) \
    "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"" name "\"}," \
    "\"spec\":{\"replicas\":" #replicas ",\"selector\":{\"matchLabels\":{\"app\":\"" name "\"}}," \
    "\"template\":{\"metadata\":{\"labels\":{\"app\":\"" name "\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}}}"

static void test_deployment_pass(void **state)
{
    (void)state;
    cJSON *d = NULL;
    assert_int_equal(call("POST", "/apis/apps/v1/namespaces/default/deployments", "application/json",
                          DEPLOYMENT("web", 3), &d), 201);
    assert_string_equal(json_str_at(d, "spec.strategy.rollingUpdate.maxSurge", ""), "25%");
    assert_int_equal((int)json_num_at(d, "spec.revisionHistoryLimit", -1), 10);
    cJSON_Delete(d);
    reconcile_stats stats;
    assert_int_equal(pass_once(&stats, 0), RECONCILE_DONE);
    assert_int_equal(stats.errors, 0);
    assert_int_equal(count_items("/apis/apps/v1/namespaces/default/replicasets"), 1);
    assert_int_equal(count_items("/api/v1/namespaces/default/pods"), 3);
    assert_int_equal(call("GET", "/apis/apps/v1/namespaces/default/deployments/web", NULL, NULL, &d), 200);
    assert_int_equal((int)json_num_at(d, "status.replicas", -1), 3);
    assert_int_equal((int)json_num_at(d, "status.updatedReplicas", -1), 3);
    assert_int_equal((int)json_num_at(d, "status.observedGeneration", -1), 1);
    cJSON *ann = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(d, "metadata"), "annotations");
    const cJSON *rev = cJSON_GetObjectItemCaseSensitive(ann, "deployment.kubernetes.io/revision");
    assert_true(cJSON_IsString(rev) && !strcmp(rev->valuestring, "1"));
    cJSON_Delete(d);

    /* a second pass writes nothing */
    assert_int_equal(pass_once(&stats, 0), RECONCILE_DONE);
    assert_int_equal(stats.creates + stats.updates + stats.deletes + stats.events, 0);

    /* the scale subresource */
    cJSON *scale = NULL;
    assert_int_equal(call("GET", "/apis/apps/v1/namespaces/default/deployments/web/scale", NULL, NULL, &scale), 200);
    assert_string_equal(json_str_at(scale, "kind", ""), "Scale");
    assert_string_equal(json_str_at(scale, "apiVersion", ""), "autoscaling/v1");
    assert_string_equal(json_str_at(scale, "status.selector", ""), "app=web");
    cJSON_Delete(scale);
    assert_int_equal(call("PATCH", "/apis/apps/v1/namespaces/default/deployments/web/scale",
                          "application/merge-patch+json", "{\"spec\":{\"replicas\":1}}", &scale), 200);
    assert_int_equal((int)json_num_at(scale, "spec.replicas", -1), 1);
    cJSON_Delete(scale);
    assert_int_equal(pass_once(&stats, 0), RECONCILE_DONE);
    assert_int_equal(count_items("/api/v1/namespaces/default/pods"), 1);
    assert_int_equal(stats.deletes, 2);
}

static void test_dry_run_changes_nothing(void **state)
{
    (void)state;
    assert_int_equal(call("POST", "/apis/apps/v1/namespaces/default/deployments", "application/json",
                          DEPLOYMENT("dry", 2), NULL), 201);
    int64_t before = store_revision(ctx.store);
    reconcile_stats stats;
    assert_int_equal(pass_once(&stats, 1), RECONCILE_DONE);
    assert_int_equal(stats.creates, 3);     /* the ReplicaSet and its two pods, planned */
    assert_true(stats.events >= 3);
    assert_int_equal(store_revision(ctx.store), before);
    assert_int_equal(pass_once(&stats, 0), RECONCILE_DONE);
    assert_int_equal(stats.creates, 3);
}

static void test_lease_held_by_another_runner(void **state)
{
    (void)state;
    char now[40], secs[21];
    time_rfc3339(time(NULL), secs);
    snprintf(now, sizeof now, "%.19s.000000Z", secs);   /* a MicroTime */
    cJSON *lease = NULL;
    assert_int_equal(call("GET", "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kapi-reconcile", NULL, NULL, &lease), 200);
    cJSON *spec = cJSON_GetObjectItemCaseSensitive(lease, "spec");
    cJSON_ReplaceItemInObjectCaseSensitive(spec, "holderIdentity", cJSON_CreateString("someone-else"));
    cJSON_ReplaceItemInObjectCaseSensitive(spec, "leaseDurationSeconds", cJSON_CreateNumber(15));
    cJSON_ReplaceItemInObjectCaseSensitive(spec, "renewTime", cJSON_CreateString(now));
    char *text = cJSON_PrintUnformatted(lease);
    assert_int_equal(call("PUT", "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kapi-reconcile",
                          "application/json", text, NULL), 200);
    free(text);
    cJSON_Delete(lease);
    reconcile_stats stats;
    assert_int_equal(pass_once(&stats, 0), RECONCILE_NOT_LEADER);
    /* expired: taken over */
    assert_int_equal(call("GET", "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kapi-reconcile", NULL, NULL, &lease), 200);
    spec = cJSON_GetObjectItemCaseSensitive(lease, "spec");
    cJSON_ReplaceItemInObjectCaseSensitive(spec, "renewTime", cJSON_CreateString("2000-01-01T00:00:00.000000Z"));
    text = cJSON_PrintUnformatted(lease);
    assert_int_equal(call("PUT", "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kapi-reconcile",
                          "application/json", text, NULL), 200);
    free(text);
    cJSON_Delete(lease);
    assert_int_equal(pass_once(&stats, 0), RECONCILE_DONE);
}

static void test_finalizers_and_propagation(void **state)
{
    (void)state;
    /* an object with a finalizer is marked, then removed with its last finalizer */
    assert_int_equal(call("POST", "/api/v1/namespaces/default/configmaps", "application/json",
                          "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"kept\",\"finalizers\":[\"example.com/f\"]}}", NULL), 201);
    cJSON *obj = NULL;
    assert_int_equal(call("DELETE", "/api/v1/namespaces/default/configmaps/kept", "application/json",
                          "{\"propagationPolicy\":\"Background\"}", &obj), 200);
    assert_string_equal(json_str_at(obj, "kind", ""), "ConfigMap");
    assert_true(*json_str_at(obj, "metadata.deletionTimestamp", ""));
    assert_int_equal((int)json_num_at(obj, "metadata.deletionGracePeriodSeconds", -1), 0);
    cJSON_Delete(obj);
    assert_int_equal(call("PATCH", "/api/v1/namespaces/default/configmaps/kept", "application/merge-patch+json",
                          "{\"metadata\":{\"finalizers\":null}}", NULL), 200);
    assert_int_equal(call("GET", "/api/v1/namespaces/default/configmaps/kept", NULL, NULL, NULL), 404);

    /* owner and dependent: Foreground marks the owner, the GC removes both */
    cJSON *owner = NULL;
    assert_int_equal(call("POST", "/api/v1/namespaces/default/configmaps", "application/json",
                          "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"owner\"}}", &owner), 201);
    char dep[600];
    snprintf(dep, sizeof dep, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"dep\",\"ownerReferences\":"
             "[{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"name\":\"owner\",\"uid\":\"%s\",\"blockOwnerDeletion\":true}]}}",
             json_str_at(owner, "metadata.uid", ""));
    cJSON_Delete(owner);
    assert_int_equal(call("POST", "/api/v1/namespaces/default/configmaps", "application/json", dep, NULL), 201);
    assert_int_equal(call("DELETE", "/api/v1/namespaces/default/configmaps/owner", "application/json",
                          "{\"propagationPolicy\":\"Foreground\"}", &obj), 200);
    const cJSON *fin = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(obj, "metadata"), "finalizers");
    assert_string_equal(cJSON_GetArrayItem(fin, 0)->valuestring, "foregroundDeletion");
    cJSON_Delete(obj);
    reconcile_stats stats;
    assert_int_equal(pass_once(&stats, 0), RECONCILE_DONE);
    assert_int_equal(call("GET", "/api/v1/namespaces/default/configmaps/dep", NULL, NULL, NULL), 404);
    assert_int_equal(call("GET", "/api/v1/namespaces/default/configmaps/owner", NULL, NULL, NULL), 404);

    /* Orphan: the dependent stays without its owner reference */
    assert_int_equal(call("POST", "/api/v1/namespaces/default/configmaps", "application/json",
                          "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"owner\"}}", &owner), 201);
    snprintf(dep, sizeof dep, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"dep\",\"ownerReferences\":"
             "[{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"name\":\"owner\",\"uid\":\"%s\"}]}}", json_str_at(owner, "metadata.uid", ""));
    cJSON_Delete(owner);
    assert_int_equal(call("POST", "/api/v1/namespaces/default/configmaps", "application/json", dep, NULL), 201);
    assert_int_equal(call("DELETE", "/api/v1/namespaces/default/configmaps/owner", "application/json",
                          "{\"propagationPolicy\":\"Orphan\"}", NULL), 200);
    assert_int_equal(pass_once(&stats, 0), RECONCILE_DONE);
    assert_int_equal(call("GET", "/api/v1/namespaces/default/configmaps/owner", NULL, NULL, NULL), 404);
    assert_int_equal(call("GET", "/api/v1/namespaces/default/configmaps/dep", NULL, NULL, &obj), 200);
    assert_null(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(obj, "metadata"), "ownerReferences"));
    cJSON_Delete(obj);

    /* Background: the owner goes at once, the dependent on the next pass */
    assert_int_equal(call("POST", "/api/v1/namespaces/default/configmaps", "application/json",
                          "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"owner2\"}}", &owner), 201);
    snprintf(dep, sizeof dep, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"dep2\",\"ownerReferences\":"
             "[{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"name\":\"owner2\",\"uid\":\"%s\"}]}}", json_str_at(owner, "metadata.uid", ""));
    cJSON_Delete(owner);
    assert_int_equal(call("POST", "/api/v1/namespaces/default/configmaps", "application/json", dep, NULL), 201);
    assert_int_equal(call("DELETE", "/api/v1/namespaces/default/configmaps/owner2", NULL, NULL, NULL), 200);
    assert_int_equal(call("GET", "/api/v1/namespaces/default/configmaps/owner2", NULL, NULL, NULL), 404);
    assert_int_equal(pass_once(&stats, 0), RECONCILE_DONE);
    assert_int_equal(call("GET", "/api/v1/namespaces/default/configmaps/dep2", NULL, NULL, NULL), 404);

    /* an unknown policy is refused as kube does */
    assert_int_equal(call("DELETE", "/api/v1/namespaces/default/configmaps/dep", "application/json",
                          "{\"propagationPolicy\":\"Sideways\"}", &obj), 422);
    assert_string_equal(json_str_at(obj, "message", ""), "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: "
                                              "Unsupported value: \"Sideways\": supported values: \"Foreground\", "
                                              "\"Background\", \"Orphan\", \"nil\"");
    cJSON_Delete(obj);
}

static void test_namespace_deletion(void **state)
{
    (void)state;
    assert_int_equal(call("POST", "/api/v1/namespaces", "application/json",
                          "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"gone\"}}", NULL), 201);
    assert_int_equal(call("POST", "/apis/apps/v1/namespaces/gone/deployments", "application/json",
                          DEPLOYMENT("app", 2), NULL), 201);
    reconcile_stats stats;
    assert_int_equal(pass_once(&stats, 0), RECONCILE_DONE);
    assert_int_equal(count_items("/api/v1/namespaces/gone/pods"), 2);
    cJSON *ns = NULL;
    assert_int_equal(call("DELETE", "/api/v1/namespaces/gone", NULL, NULL, &ns), 200);
    assert_string_equal(json_str_at(ns, "status.phase", ""), "Terminating");
    assert_true(*json_str_at(ns, "metadata.deletionTimestamp", ""));
    cJSON_Delete(ns);
    assert_int_equal(pass_once(&stats, 0), RECONCILE_DONE);
    assert_int_equal(call("GET", "/api/v1/namespaces/gone", NULL, NULL, NULL), 404);
    assert_int_equal(count_items("/api/v1/namespaces/gone/pods"), 0);
    assert_int_equal(count_items("/apis/apps/v1/namespaces/gone/replicasets"), 0);
}

static void test_apps_validation(void **state)
{
    (void)state;
    cJSON *st = NULL;
    assert_int_equal(call("POST", "/apis/apps/v1/namespaces/default/deployments", "application/json",
                          "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"bad\"},"
                          "\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"a\"}},\"template\":{\"metadata\":"
                          "{\"labels\":{\"app\":\"b\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}}}", &st), 422);
    assert_string_equal(json_str_at(st, "message", ""), "Deployment.apps \"bad\" is invalid: spec.template.metadata.labels: "
                                             "Invalid value: map[string]string{\"app\":\"b\"}: `selector` does not match template `labels`");
    cJSON_Delete(st);
    /* the template's pod spec is validated as a pod's, under spec.template */
    assert_int_equal(call("POST", "/apis/apps/v1/namespaces/default/deployments", "application/json",
                          "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"noimage\"},"
                          "\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"a\"}},\"template\":{\"metadata\":"
                          "{\"labels\":{\"app\":\"a\"}},\"spec\":{\"containers\":[{\"name\":\"c\"}]}}}}", &st), 422);
    assert_string_equal(json_str_at(st, "message", ""), "Deployment.apps \"noimage\" is invalid: spec.template.spec.containers[0].image: Required value");
    cJSON_Delete(st);
    assert_int_equal(call("PATCH", "/apis/apps/v1/namespaces/default/deployments/web", "application/merge-patch+json",
                          "{\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"web\",\"x\":\"y\"}},\"template\":{\"metadata\":{\"labels\":{\"x\":\"y\"}}}}}", &st), 422);
    assert_string_equal(json_str_at(st, "message", ""), "Deployment.apps \"web\" is invalid: spec.selector: Invalid value: "
                                             "v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web\", \"x\":\"y\"}, "
                                             "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable");
    cJSON_Delete(st);
}

/* 1 when the stored ClusterRole name has a rule on widgets. */
static int role_has_widgets(const char *name)
{
    char path[200];
    snprintf(path, sizeof path, "/apis/rbac.authorization.k8s.io/v1/clusterroles/%s", name);
    cJSON *role = NULL;
    assert_int_equal(call("GET", path, NULL, NULL, &role), 200);
    char *text = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(role, "rules"));
    int has = text && strstr(text, "\"widgets\"") != NULL;
    cJSON_free(text);
    cJSON_Delete(role);
    return has;
}

/* The clusterrole-aggregation controller: a ClusterRole labelled
 * aggregate-to-view reaches view, edit and admin, one write each (planned
 * only, in a dry run); a second pass writes nothing; deleting it takes its
 * rules away again. */
static void test_clusterrole_aggregation(void **state)
{
    (void)state;
    reconcile_stats stats;
    assert_int_equal(pass_once(&stats, 0), RECONCILE_DONE);   /* what earlier tests left */
    assert_int_equal(call("POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles", "application/json",
                          "{\"metadata\":{\"name\":\"widgets-view\",\"labels\":"
                          "{\"rbac.authorization.k8s.io/aggregate-to-view\":\"true\"}},"
                          "\"rules\":[{\"apiGroups\":[\"example.com\"],\"resources\":[\"widgets\"],"
                          "\"verbs\":[\"get\"]}]}", NULL), 201);
    int64_t before = store_revision(ctx.store);
    assert_int_equal(pass_once(&stats, 1), RECONCILE_DONE);
    assert_int_equal(stats.updates, 3);
    assert_int_equal(store_revision(ctx.store), before);
    assert_false(role_has_widgets("view"));

    assert_int_equal(pass_once(&stats, 0), RECONCILE_DONE);
    assert_int_equal(stats.errors, 0);
    assert_int_equal(stats.updates, 3);
    assert_true(role_has_widgets("view"));
    assert_true(role_has_widgets("edit"));
    assert_true(role_has_widgets("admin"));
    assert_int_equal(pass_once(&stats, 0), RECONCILE_DONE);
    assert_int_equal(stats.updates, 0);

    assert_int_equal(call("DELETE", "/apis/rbac.authorization.k8s.io/v1/clusterroles/widgets-view", NULL, NULL,
                          NULL), 200);
    assert_int_equal(pass_once(&stats, 0), RECONCILE_DONE);
    assert_int_equal(stats.updates, 3);
    assert_false(role_has_widgets("view"));
    assert_false(role_has_widgets("admin"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_label_selectors),
        cmocka_unit_test(test_semantic_equality_and_hash),
        cmocka_unit_test(test_deployment_pass),
        cmocka_unit_test(test_dry_run_changes_nothing),
        cmocka_unit_test(test_lease_held_by_another_runner),
        cmocka_unit_test(test_finalizers_and_propagation),
        cmocka_unit_test(test_namespace_deletion),
        cmocka_unit_test(test_apps_validation),
        cmocka_unit_test(test_clusterrole_aggregation),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
