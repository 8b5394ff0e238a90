/* bootstrap.c: the objects a new cluster starts with. They are created
 * through the in-process client (http/client.h) as system:apiserver (group
 * system:masters), so they get the same defaults and validation as any
 * object a client creates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "admission/priority.h"
#include "admission/service_alloc.h"
#include "controllers/clusterrole_aggregation.h"
#include "core/alloc.h"
#include "core/metrics.h"
#include "http/client.h"
#include "server/bootstrap.h"

#define CLUSTER_ROLES "/apis/rbac.authorization.k8s.io/v1/clusterroles"

/* POSTs body to path; 201 and 409 (already there) both count as done. */
static int ensure_object(kapi_ctx *ctx, const char *path, const char *body)
{
    kapi_call_request rq = {.user = &apiserver_user, .method = "POST", .path = path, .body = body};
    kapi_reply reply;
    int status = kapi_call(ctx, &rq, &reply);
    int ok = status == 201 || status == 409;
    if (!ok) fprintf(stderr, "bootstrap: POST %s: %d %s\n", path, status, reply.text);
    kapi_reply_free(&reply);
    return ok ? 0 : -1;
}

/* The clusterrole-aggregation controller's sync, once, at start: every
 * ClusterRole with an aggregationRule whose stored rules differ from the
 * aggregation gets them (a conflict is left to the reconciler). */
static int ensure_aggregated_rules(kapi_ctx *ctx)
{
    int status = 0;
    cJSON *list = kapi_call_json(ctx, &apiserver_user, "GET", CLUSTER_ROLES, NULL, &status);
    if (status != 200) {
        fprintf(stderr, "bootstrap: listing clusterroles: HTTP %d\n", status);
        cJSON_Delete(list);
        return -1;
    }
    cJSON *stale = aggregated_cluster_roles_to_write(cJSON_GetObjectItemCaseSensitive(list, "items"));
    cJSON_Delete(list);
    if (!stale) return -1;
    int rc = 0;
    const cJSON *role;
    cJSON_ArrayForEach(role, stale) {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(role, "metadata"), "name");
        if (!cJSON_IsString(name)) continue;
        char path[512];
        snprintf(path, sizeof path, CLUSTER_ROLES "/%s", name->valuestring);
        cJSON_Delete(kapi_call_json(ctx, &apiserver_user, "PUT", path, role, &status));
        if (status == 200 || status == 409) continue;
        fprintf(stderr, "bootstrap: writing the aggregated rules of clusterrole %s: HTTP %d\n",
                name->valuestring, status);
        rc = -1;
    }
    cJSON_Delete(stale);
    return rc;
}

/* The address the API server advertises (kube's --advertise-address):
 * KAPI_ADVERTISE_ADDRESS, else the IPv4 address nginx listens on, else
 * 127.0.0.1. */
static const char *advertise_address(void)
{
    const char *a = getenv("KAPI_ADVERTISE_ADDRESS");
    uint32_t ip;
    if (a && !svc_ip_parse(a, &ip)) return a;
    a = getenv("KAPI_LISTEN");
    if (a && !svc_ip_parse(a, &ip) && ip != 0) return a;
    return "127.0.0.1";
}

/* kube's "kubernetes" Service in default (the controlplane controller,
 * pkg/controlplane/controller/kubernetesservice): the first address of the
 * service range, port 443 (https) to the API's port; and its Endpoints,
 * the advertised address, rewritten at every start (kube's endpoint
 * reconciler keeps it current). */
static int ensure_kubernetes_service(kapi_ctx *ctx)
{
    const char *port_env = getenv("KAPI_PORT");
    int port = port_env && atoi(port_env) > 0 && atoi(port_env) < 65536 ? atoi(port_env) : 6443;
    char ip[16], body[1024];
    svc_ip_string(svc_cluster_ip_range()->first, ip);
    snprintf(body, sizeof body,
             "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"kubernetes\","
             "\"namespace\":\"default\",\"labels\":{\"component\":\"apiserver\",\"provider\":\"kubernetes\"}},"
             "\"spec\":{\"type\":\"ClusterIP\",\"clusterIP\":\"%s\",\"sessionAffinity\":\"None\","
             "\"ports\":[{\"name\":\"https\",\"protocol\":\"TCP\",\"port\":443,\"targetPort\":%d}]}}",
             ip, port);
    int rc = 0, status = 0;
    /* looked up first: a create of it again would find its address taken */
    cJSON_Delete(kapi_call_json(ctx, &apiserver_user, "GET", "/api/v1/namespaces/default/services/kubernetes",
                                NULL, &status));
    if (status != 200 && ensure_object(ctx, "/api/v1/namespaces/default/services", body)) rc = -1;
    snprintf(body, sizeof body,
             "{\"apiVersion\":\"v1\",\"kind\":\"Endpoints\",\"metadata\":{\"name\":\"kubernetes\","
             "\"namespace\":\"default\",\"labels\":{\"endpointslice.kubernetes.io/skip-mirror\":\"true\"}},"
             "\"subsets\":[{\"addresses\":[{\"ip\":\"%s\"}],"
             "\"ports\":[{\"name\":\"https\",\"port\":%d,\"protocol\":\"TCP\"}]}]}",
             advertise_address(), port);
    kapi_call_request rq = {.user = &apiserver_user, .method = "PUT",
                            .path = "/api/v1/namespaces/default/endpoints/kubernetes", .body = body};
    kapi_reply reply;
    status = kapi_call(ctx, &rq, &reply);
    if (status != 200 && status != 201) {
        fprintf(stderr, "bootstrap: PUT endpoints default/kubernetes: %d %s\n", status, reply.text);
        rc = -1;
    }
    kapi_reply_free(&reply);
    return rc;
}

int bootstrap_ensure(kapi_ctx *ctx)
{
    static const char *const namespaces[] = {"default", "kube-system", "kube-public",
                                             "kube-node-lease", NULL};
    int rc = 0;
    for (int i = 0; namespaces[i]; i++) {
        char body[256];
        snprintf(body, sizeof body,
                 "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"%s\"}}",
                 namespaces[i]);
        if (ensure_object(ctx, "/api/v1/namespaces", body)) rc = -1;
    }
    /* kube's post-start hook scheduling/bootstrap-system-priority-classes */
    for (const system_priority_class *c = system_priority_classes; c->name; c++) {
        char *body = kapi_xsprintf(
            "{\"apiVersion\":\"scheduling.k8s.io/v1\",\"kind\":\"PriorityClass\","
            "\"metadata\":{\"name\":\"%s\"},\"value\":%lld,\"description\":\"%s\"}",
            c->name, c->value, c->description);
        if (ensure_object(ctx, "/apis/scheduling.k8s.io/v1/priorityclasses", body)) rc = -1;
        free(body);
    }
    if (ensure_kubernetes_service(ctx)) rc = -1;
    if (bootstrap_policy_ensure(ctx)) rc = -1;   /* the RBAC bootstrap policy */
    if (ensure_aggregated_rules(ctx)) rc = -1;
    if (rc == 0) metrics_flag_set(METRICS_BOOTSTRAPPED);     /* /readyz's poststarthook checks */
    return rc;
}
