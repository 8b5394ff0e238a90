/* pod_util.c: small JSON and field-path helpers for the Pod strategy. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "codec/jsonpath.h"
#include "registry/kinds/pod_internal.h"

int pj_has_str(const cJSON *obj, const char *key) { return *json_str(obj, key) != '\0'; }

int pj_is_int(const cJSON *v, int64_t *out)
{
    if (!cJSON_IsNumber(v)) return 0;
    double d = v->valuedouble;
    if (d != floor(d) || d >= 9223372036854775808.0 || d < -9223372036854775808.0) return 0;
    if (out) *out = (int64_t)d;
    return 1;
}

void pj_set_num(cJSON *obj, const char *key, double value)
{
    cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
    cJSON_AddNumberToObject(obj, key, value);
}

void pj_child(char *out, size_t n, const char *path, const char *name)
{
    if (path && *path) snprintf(out, n, "%s.%s", path, name);
    else snprintf(out, n, "%s", name);
}

void pj_index(char *out, size_t n, const char *path, int i) { snprintf(out, n, "%s[%d]", path, i); }

void pj_key(char *out, size_t n, const char *path, const char *key) { snprintf(out, n, "%s[%s]", path, key); }
