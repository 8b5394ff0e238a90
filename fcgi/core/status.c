/* status.c: builds v1 Status objects (metav1.Status) in kube's field order. */
#include "core/status.h"

cJSON *status_new(kapi_rc rc, const char *message)
{
    cJSON *st = cJSON_CreateObject();
    cJSON_AddStringToObject(st, "kind", "Status");
    cJSON_AddStringToObject(st, "apiVersion", "v1");
    cJSON_AddObjectToObject(st, "metadata");
    cJSON_AddStringToObject(st, "status", "Failure");
    cJSON_AddStringToObject(st, "message", message ? message : "");
    cJSON_AddStringToObject(st, "reason", kapi_rc_reason(rc));
    cJSON_AddNumberToObject(st, "code", kapi_rc_http_status(rc));
    return st;
}

static void add_details(cJSON *st, const char *name, const char *group, const char *kind)
{
    cJSON *d = cJSON_AddObjectToObject(st, "details");
    if (name && *name) cJSON_AddStringToObject(d, "name", name);
    if (group && *group) cJSON_AddStringToObject(d, "group", group);
    if (kind && *kind) cJSON_AddStringToObject(d, "kind", kind);
}

cJSON *status_new_details(kapi_rc rc, const char *message, const char *name,
                          const char *group, const char *kind)
{
    cJSON *st = status_new(rc, message);
    add_details(st, name, group, kind);
    status_reorder_code_last(st);
    return st;
}

cJSON *status_success(const char *name, const char *group, const char *kind, const char *uid)
{
    cJSON *st = cJSON_CreateObject();
    cJSON_AddStringToObject(st, "kind", "Status");
    cJSON_AddStringToObject(st, "apiVersion", "v1");
    cJSON_AddObjectToObject(st, "metadata");
    cJSON_AddStringToObject(st, "status", "Success");
    cJSON *d = cJSON_AddObjectToObject(st, "details");
    if (name && *name) cJSON_AddStringToObject(d, "name", name);
    if (group && *group) cJSON_AddStringToObject(d, "group", group);
    if (kind && *kind) cJSON_AddStringToObject(d, "kind", kind);
    if (uid && *uid) cJSON_AddStringToObject(d, "uid", uid);
    return st;
}

void status_reorder_code_last(cJSON *st)
{
    cJSON *code = cJSON_DetachItemFromObjectCaseSensitive(st, "code");
    if (code) cJSON_AddItemToObject(st, "code", code);
}
