/* componentstatuses.c: core/v1 ComponentStatus, answered, never stored, as
 * kube-apiserver 1.32 answers it (pkg/registry/core/componentstatus): GET
 * and LIST probe the control plane's components each time: the scheduler
 * and the controller manager at their secure health ports on 127.0.0.1
 * (10259, 10257; kapi's reconciler listens on none, so they answer as an
 * unreachable component does in kube, with Go's dial error), and the
 * store (etcd-0 in kube). Every answer carries kube's deprecation Warning. */
#include <stdio.h>
#include <string.h>
#include "registry/kinds/node_connect.h"
#include "registry/rest_internal.h"
#include "registry/strategies.h"
#include "registry/tables_internal.h"
#include "store/store.h"

static const struct component { const char *name; int port; } components[] = {
    {"controller-manager", 10257}, {"etcd-0", 0}, {"scheduler", 10259}};

static cJSON *probe(rest_call *c, const struct component *comp)
{
    const char *err = NULL;
    if (comp->port) {
        const char *dial = connect_dial_error(c->req->pool, "127.0.0.1", comp->port);
        if (dial) err = kapi_psprintf(c->req->pool, "Get \"https://127.0.0.1:%d/healthz\": %s", comp->port, dial);
    } else if (store_revision(c->ctx->store) < 0) {
        err = "the store does not answer";
    }
    cJSON *cs = cJSON_CreateObject();
    cJSON_AddStringToObject(cs, "kind", "ComponentStatus");
    cJSON_AddStringToObject(cs, "apiVersion", "v1");
    cJSON *meta = cJSON_AddObjectToObject(cs, "metadata");
    cJSON_AddStringToObject(meta, "name", comp->name);
    cJSON_AddNullToObject(meta, "creationTimestamp");
    cJSON *cond = cJSON_CreateObject();
    cJSON_AddStringToObject(cond, "type", "Healthy");
    cJSON_AddStringToObject(cond, "status", err ? "False" : "True");
    if (err) cJSON_AddStringToObject(cond, "error", err);
    else cJSON_AddStringToObject(cond, "message", "ok");
    cJSON_AddItemToArray(cJSON_AddArrayToObject(cs, "conditions"), cond);
    return kapi_pool_keep_json(c->req->pool, cs);
}

static rest_result componentstatus_get(rest_call *c, const char *name)
{
    for (size_t i = 0; i < sizeof components / sizeof components[0]; i++)
        if (!strcmp(components[i].name, name)) return rest_object(c, 200, probe(c, &components[i]), NULL);
    return rest_not_found(c, name);
}

static rest_result componentstatus_list(rest_call *c)
{
    cJSON *items = kapi_pool_keep_json(c->req->pool, cJSON_CreateArray());
    for (size_t i = 0; i < sizeof components / sizeof components[0]; i++) {
        cJSON *cs = cJSON_Duplicate(probe(c, &components[i]), 1);
        cJSON_DeleteItemFromObjectCaseSensitive(cs, "kind");
        cJSON_DeleteItemFromObjectCaseSensitive(cs, "apiVersion");
        cJSON_AddItemToArray(items, cs);
    }
    return rest_list_of(c, items, NULL, NULL, -1, 1);
}

const kapi_strategy strategy_componentstatuses = {
    .names = NAME_DNS1123_SUBDOMAIN, .serve_get = componentstatus_get, .serve_list = componentstatus_list,
    .warning = "v1 ComponentStatus is deprecated in v1.19+",
};

/* printComponentStatus */
static const table_column componentstatus_columns[] = {
    {NAME_CELL},
    {"Status", "string", "", "Status of the condition for a component. Valid values for \"Healthy\": \"True\", \"False\", or \"Unknown\".", 0},
    {"Message", "string", "", "Message about the condition for a component. For example, information about a health check.", 0},
    {"Error", "string", "", "Condition error code for a component. For example, a health check error code.", 0},
};

static void componentstatus_row(const cJSON *cs, cJSON *cells, time_t now)
{
    (void)now;
    const char *status = "Unknown", *message = "", *error = "";
    const cJSON *cond;
    cJSON_ArrayForEach(cond, json_get(cs, "conditions")) {
        if (strcmp(json_str(cond, "type"), "Healthy")) continue;
        status = !strcmp(json_str(cond, "status"), "True") ? "Healthy" : "Unhealthy";
        message = json_str(cond, "message");
        error = json_str(cond, "error");
        break;
    }
    cell_name(cells, cs);
    cell_string(cells, status);
    cell_string(cells, message);
    cell_string(cells, error);
}

const table_def table_componentstatuses = {componentstatus_columns, 4, componentstatus_row, NULL};
