/* schema_values.c: a custom resource's JSON as kube's CEL sees it through
 * the structural schema (k8s.io/apiserver/pkg/cel/common/values.go): a
 * number is an int where the schema says integer and a double where it
 * says number, a string with format byte is bytes, duration a duration,
 * date and date-time a timestamp; x-kubernetes-int-or-string is an int or
 * a string as it comes. Where the schema says nothing (or the value does
 * not fit it: schema validation reports that, not CEL) the dynamic
 * conversion applies (value.c). */
#include <math.h>
#include <string.h>
#include "core/base64.h"
#include "core/kapi.h"
#include "cel/cel_int.h"

static const char *schema_string(const cJSON *schema, const char *key)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(schema, key));
}

static cel_val from_string(cel_ctx *c, const cJSON *j, const char *format)
{
    const char *s = j->valuestring;
    size_t n = strlen(s);
    if (format && !strcmp(format, "byte")) {
        kapi_buf *out = kapi_pool_buf(c->pool);
        if (!base64_decode(s, n, out, NULL)) return cel_bytes(c, out->data ? out->data : "", out->len);
    } else if (format && !strcmp(format, "duration")) {
        cel_val v = {.kind = CV_DURATION};
        if (!cel_parse_duration(s, n, &v.u.dur)) return v;
    } else if (format && (!strcmp(format, "date-time") || !strcmp(format, "datetime"))) {
        cel_val v = {.kind = CV_TIMESTAMP};
        if (!cel_parse_timestamp(s, n, &v.u.ts.sec, &v.u.ts.nsec)) return v;
    } else if (format && !strcmp(format, "date") && n == 10) {
        cel_val v = {.kind = CV_TIMESTAMP};
        char full[32];
        memcpy(full, s, 10);
        strcpy(full + 10, "T00:00:00Z");
        if (!cel_parse_timestamp(full, strlen(full), &v.u.ts.sec, &v.u.ts.nsec)) return v;
    }
    return cel_string_ref(s, n);
}

cel_val cel_from_json_schema(cel_ctx *c, const cJSON *j, const cJSON *schema)
{
    if (!schema || !cJSON_IsObject(schema) || !j) return cel_from_json(c, j);
    const char *type = schema_string(schema, "type");
    if (cJSON_IsNumber(j)) {
        if (type && !strcmp(type, "number")) return cel_double(j->valuedouble);
        if (type && !strcmp(type, "integer") && j->valuedouble == floor(j->valuedouble) &&
            fabs(j->valuedouble) < 9223372036854775808.0)
            return cel_int((int64_t)j->valuedouble);
        return cel_from_json(c, j);
    }
    if (cJSON_IsString(j)) {
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(schema, "x-kubernetes-int-or-string"))) return cel_from_json(c, j);
        return from_string(c, j, schema_string(schema, "format"));
    }
    if (cJSON_IsArray(j)) {
        const cJSON *items = cJSON_GetObjectItemCaseSensitive(schema, "items");
        cel_val v = cel_list_new(c, (size_t)cJSON_GetArraySize(j));
        size_t i = 0;
        for (const cJSON *e = j->child; e; e = e->next) v.u.list->items[i++] = cel_from_json_schema(c, e, items);
        return v;
    }
    if (cJSON_IsObject(j)) {
        const cJSON *props = cJSON_GetObjectItemCaseSensitive(schema, "properties");
        const cJSON *extra = cJSON_GetObjectItemCaseSensitive(schema, "additionalProperties");
        size_t n = (size_t)cJSON_GetArraySize(j);
        cel_val v = cel_map_new(c, n);
        size_t i = 0;
        for (const cJSON *e = j->child; e; e = e->next, i++) {
            const cJSON *sub = props ? cJSON_GetObjectItemCaseSensitive(props, e->string) : NULL;
            if (!sub && cJSON_IsObject(extra)) sub = extra;
            v.u.map->keys[i] = cel_string_ref(e->string, strlen(e->string));
            v.u.map->vals[i] = cel_from_json_schema(c, e, sub);
        }
        v.u.map->n = i;
        return v;
    }
    return cel_from_json(c, j);
}
