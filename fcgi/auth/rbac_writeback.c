/* rbac_writeback.c: the aggregation write-back and the in-process call
 * both it and the bootstrap policy use. A ClusterRole with an
 * aggregationRule gets the rules of the ClusterRoles its selectors pick, in
 * storage too, so `kubectl get clusterrole admin -o yaml` shows them, as
 * with kube's clusterrole-aggregation controller. */
#include <stdio.h>
#include <string.h>
#include "auth/rbac_writeback.h"
#include "store/store.h"

static const kapi_user apiserver_user = {
    .name = "system:apiserver",
    .groups = {"system:masters", "system:authenticated"},
    .n_groups = 2,
};

int rbac_internal_call(kapi_ctx *ctx, const char *method, const char *path, const cJSON *body,
                       cJSON **reply)
{
    if (reply) *reply = NULL;
    kapi_request req = {0};
    kapi_response resp;
    req.pool = kapi_pool_new();
    if (!req.pool) return 500;
    char *text = body ? cJSON_PrintUnformatted(body) : NULL;
    req.method = method;
    req.path = path;
    req.query = "";
    req.content_type = "application/json";
    req.accept = "application/json";
    req.body = text;
    req.body_len = text ? strlen(text) : 0;
    req.internal_user = &apiserver_user;
    kapi_response_init(&resp);
    kapi_handle(ctx, &req, &resp);
    int status = resp.status;
    if (reply && resp.body.data) *reply = cJSON_ParseWithLength(resp.body.data, resp.body.len);
    kapi_response_free(&resp);
    kapi_pool_free(req.pool);
    cJSON_free(text);
    return status;
}

static int write_one(kapi_ctx *ctx, const rbac_role *r)
{
    char key[600], path[700];
    snprintf(key, sizeof key, "/registry/clusterroles/%s", r->name);
    snprintf(path, sizeof path, "/apis/rbac.authorization.k8s.io/v1/clusterroles/%s", r->name);
    store_kv kv;
    if (store_get(ctx->store, key, &kv) != STORE_OK) return 0;
    cJSON *obj = cJSON_Parse(kv.value);
    store_kv_free(&kv);
    if (!obj) return 0;
    cJSON *rules = cJSON_CreateArray();
    for (int i = 0; i < r->n_rules; i++) cJSON_AddItemToArray(rules, rbac_rule_to_json(&r->rules[i]));
    if (r->n_rules == 0) {
        cJSON_Delete(rules);
        rules = cJSON_CreateNull();
    }
    cJSON_ReplaceItemInObjectCaseSensitive(obj, "rules", rules);
    if (!cJSON_GetObjectItemCaseSensitive(obj, "rules")) cJSON_AddItemToObject(obj, "rules", rules);
    int status = rbac_internal_call(ctx, "PUT", path, obj, NULL);
    cJSON_Delete(obj);
    if (status != 200 && status != 409)
        fprintf(stderr, "rbac: writing the aggregated rules of clusterrole %s: HTTP %d\n", r->name, status);
    return status == 200;
}

int rbac_write_aggregated_rules(kapi_ctx *ctx, const rbac_policy *p)
{
    int written = 0;
    for (int i = 0; i < p->n_cluster_roles; i++)
        if (p->cluster_roles[i].stale) written += write_one(ctx, &p->cluster_roles[i]);
    return written;
}
