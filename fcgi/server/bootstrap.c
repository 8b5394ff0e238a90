/* bootstrap.c: the objects a new cluster starts with. They are created
 * through the in-process client (http/client.h) as system:apiserver (group
 * system:masters), so they get the same defaults and validation as any
 * object a client creates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "admission/priority.h"
#include "controllers/clusterrole_aggregation.h"
#include "core/alloc.h"
#include "http/client.h"
#include "server/bootstrap.h"

const kapi_user apiserver_user = {
    .name = "system:apiserver",
    .groups = {"system:masters", "system:authenticated"},
    .n_groups = 2,
};

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
    if (bootstrap_policy_ensure(ctx)) rc = -1;   /* the RBAC bootstrap policy */
    if (ensure_aggregated_rules(ctx)) rc = -1;
    return rc;
}
