/* jsonpath.h: reading and writing cJSON objects by member name and by
 * dotted path ("metadata.name", "spec.template.metadata.labels"), the one
 * set of readers every layer above uses instead of chains of
 * cJSON_GetObjectItemCaseSensitive. A step through something that is not an
 * object finds nothing. Paths split at every '.', so a key that holds dots
 * (an annotation such as "deployment.kubernetes.io/revision") is read with
 * json_get on its parent. */
#ifndef KAPI_JSONPATH_H
#define KAPI_JSONPATH_H

#include <cjson/cJSON.h>

/* The value at path, or NULL when a step is missing; an explicit null is
 * returned as the null node. "" is obj itself. */
const cJSON *json_at(const cJSON *obj, const char *path);
/* The same with list indexes: "status.podIPs[0].ip" (kube's simple
 * JSONPath as printer columns and selectable fields use it; a leading '.'
 * and enclosing braces, "{.spec.replicas}", are allowed). NULL when a step
 * is missing or an index is out of range. */
const cJSON *json_at_indexed(const cJSON *obj, const char *path);
/* The string at path, or dflt (which may be NULL) when it is not a string. */
const char *json_str_at(const cJSON *obj, const char *path, const char *dflt);
/* The number at path, or dflt when it is not a number. */
double json_num_at(const cJSON *obj, const char *path, double dflt);
/* 1 when the value at path is true. */
int json_true_at(const cJSON *obj, const char *path);
/* The object or array at path, or NULL when it is something else. */
const cJSON *json_object_at(const cJSON *obj, const char *path);
const cJSON *json_array_at(const cJSON *obj, const char *path);

/* The member key of obj (no path: the key may hold dots), NULL when obj is
 * not an object or the member is missing or null (Go decodes null as
 * absent). */
const cJSON *json_get(const cJSON *obj, const char *key);
/* Its string, or "" when it is not a string (Go's zero value). */
const char *json_str(const cJSON *obj, const char *key);

/* The member key of obj as an object, put there (replacing any other
 * value) when it is not one. obj must be an object. */
cJSON *json_object_member(cJSON *obj, const char *key);
/* The same for an array: the member key of obj as an array, an empty one
 * put there (replacing any other value) when it is not one. */
cJSON *json_array_member(cJSON *obj, const char *key);
/* Sets obj[key] to the string value, in place of any existing member. */
void json_set_str(cJSON *obj, const char *key, const char *value);

#endif
