/* jsonpath.c: member and dotted-path readers and writers of cJSON objects
 * (see jsonpath.h). */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "codec/jsonpath.h"

/* The member of obj named by the len bytes at key (no NUL needed). */
static const cJSON *member_n(const cJSON *obj, const char *key, size_t len)
{
    if (!cJSON_IsObject(obj)) return NULL;
    for (const cJSON *c = obj->child; c; c = c->next)
        if (c->string && !strncmp(c->string, key, len) && c->string[len] == '\0') return c;
    return NULL;
}

const cJSON *json_at(const cJSON *obj, const char *path)
{
    const cJSON *cur = obj;
    while (cur && path && *path) {
        const char *dot = strchr(path, '.');
        size_t len = dot ? (size_t)(dot - path) : strlen(path);
        cur = member_n(cur, path, len);
        path = dot ? dot + 1 : NULL;
    }
    return cur;
}

const cJSON *json_at_indexed(const cJSON *obj, const char *path)
{
    size_t end = path ? strlen(path) : 0;
    if (end >= 2 && path[0] == '{' && path[end - 1] == '}') {
        path++;
        end -= 2;
    }
    const char *p = path, *stop = path + end;
    if (p < stop && *p == '.') p++;
    const cJSON *cur = obj;
    while (cur && p < stop) {
        if (*p == '[') {
            char *close;
            long i = strtol(p + 1, &close, 10);
            if (close >= stop || *close != ']' || i < 0 || !cJSON_IsArray(cur)) return NULL;
            cur = cJSON_GetArrayItem(cur, (int)i);
            p = close + 1;
            if (p < stop && *p == '.') p++;
            continue;
        }
        size_t len = strcspn(p, ".[");
        if (p + len > stop) len = (size_t)(stop - p);
        cur = member_n(cur, p, len);
        p += len;
        if (p < stop && *p == '.') p++;
    }
    return cur;
}

const char *json_str_at(const cJSON *obj, const char *path, const char *dflt)
{
    const cJSON *v = json_at(obj, path);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : dflt;
}

double json_num_at(const cJSON *obj, const char *path, double dflt)
{
    const cJSON *v = json_at(obj, path);
    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

int json_true_at(const cJSON *obj, const char *path)
{
    return cJSON_IsTrue(json_at(obj, path));
}

const cJSON *json_object_at(const cJSON *obj, const char *path)
{
    const cJSON *v = json_at(obj, path);
    return cJSON_IsObject(v) ? v : NULL;
}

const cJSON *json_array_at(const cJSON *obj, const char *path)
{
    const cJSON *v = json_at(obj, path);
    return cJSON_IsArray(v) ? v : NULL;
}

const cJSON *json_get(const cJSON *obj, const char *key)
{
    if (!cJSON_IsObject(obj) || !key) return NULL;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return v && !cJSON_IsNull(v) ? v : NULL;
}

const char *json_str(const cJSON *obj, const char *key)
{
    const cJSON *v = json_get(obj, key);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : "";
}

cJSON *json_object_member(cJSON *obj, const char *key)
{
    assert(cJSON_IsObject(obj));
    cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (cJSON_IsObject(v)) return v;
    cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
    return cJSON_AddObjectToObject(obj, key);
}

cJSON *json_array_member(cJSON *obj, const char *key)
{
    assert(cJSON_IsObject(obj));   /* as json_object_member */
    cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (cJSON_IsArray(v)) return v;
    cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
    return cJSON_AddArrayToObject(obj, key);
}

void json_set_str(cJSON *obj, const char *key, const char *value)
{
    assert(cJSON_IsObject(obj));
    cJSON *v = cJSON_CreateString(value ? value : "");
    if (cJSON_GetObjectItemCaseSensitive(obj, key)) cJSON_ReplaceItemInObjectCaseSensitive(obj, key, v);
    else cJSON_AddItemToObject(obj, key, v);
}
