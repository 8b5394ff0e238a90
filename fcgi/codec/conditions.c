/* conditions.c: status.conditions lists (see conditions.h). */
#include <assert.h>
#include <string.h>
#include "codec/conditions.h"
#include "codec/jsonpath.h"

static int has_type(const cJSON *c, const char *type)
{
    const char *t = json_str_at(c, "type", NULL);
    return t && type && !strcmp(t, type);
}

cJSON *condition_find(const cJSON *status, const char *type)
{
    cJSON *c;
    cJSON_ArrayForEach(c, (cJSON *)json_array_at(status, "conditions"))
        if (has_type(c, type)) return c;
    return NULL;
}

void condition_remove(cJSON *status, const char *type)
{
    cJSON *conds = cJSON_GetObjectItemCaseSensitive(status, "conditions");
    cJSON *c = cJSON_IsArray(conds) ? conds->child : NULL;
    while (c) {
        cJSON *next = c->next;
        if (has_type(c, type)) cJSON_Delete(cJSON_DetachItemViaPointer(conds, c));
        c = next;
    }
    if (conds && !conds->child) cJSON_DeleteItemFromObjectCaseSensitive(status, "conditions");
}

cJSON *condition_new(const char *type, const char *status, const char *reason, const char *message,
                     const char *now, int update_time)
{
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "type", type);
    cJSON_AddStringToObject(c, "status", status);
    if (update_time) cJSON_AddStringToObject(c, "lastUpdateTime", now);
    cJSON_AddStringToObject(c, "lastTransitionTime", now);
    cJSON_AddStringToObject(c, "reason", reason);
    cJSON_AddStringToObject(c, "message", message);
    return c;
}

void condition_set(cJSON *status, cJSON *cond)
{
    assert(cJSON_IsObject(status) && cJSON_IsObject(cond));
    const char *type = json_str_at(cond, "type", "");
    const cJSON *cur = condition_find(status, type);
    int same_status = cur && !strcmp(json_str_at(cur, "status", ""), json_str_at(cond, "status", ""));
    if (same_status && !strcmp(json_str_at(cur, "reason", ""), json_str_at(cond, "reason", ""))) {
        cJSON_Delete(cond);
        return;
    }
    if (same_status) {
        const char *ltt = json_str_at(cur, "lastTransitionTime", NULL);
        if (ltt) cJSON_ReplaceItemInObjectCaseSensitive(cond, "lastTransitionTime", cJSON_CreateString(ltt));
    }
    condition_remove(status, type);
    cJSON *conds = json_array_member(status, "conditions");
    cJSON_AddItemToArray(conds, cond);
}
