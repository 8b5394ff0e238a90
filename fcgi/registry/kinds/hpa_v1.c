/* hpa_v1.c: autoscaling/v1 HorizontalPodAutoscaler, served over the
 * stored autoscaling/v2 objects, converted as kube converts them
 * (pkg/apis/autoscaling/v1/conversion.go): targetCPUUtilizationPercentage
 * is the cpu Utilization metric; what v1 cannot hold travels in kube's
 * round-trip annotations: the other metrics (autoscaling.alpha.kubernetes.io/
 * metrics, in v1's MetricSpec form), the behavior (.../behavior, the
 * internal type marshalled by Go without json tags: field names with a
 * capital first letter), the current metrics (.../current-metrics) and the
 * conditions (.../conditions). Written to a v1 reader, read back from a v1
 * writer, and dropped from what is stored. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/jsonpath.h"
#include "codec/objmeta.h"
#include "registry/kinds/conversion.h"
#include "registry/kinds/workload.h"

#define METRICS_ANNOTATION "autoscaling.alpha.kubernetes.io/metrics"
#define CURRENT_METRICS_ANNOTATION "autoscaling.alpha.kubernetes.io/current-metrics"
#define CONDITIONS_ANNOTATION "autoscaling.alpha.kubernetes.io/conditions"
#define BEHAVIOR_ANNOTATION "autoscaling.alpha.kubernetes.io/behavior"

/* One metric source's fields: v1's path and v2's, in v1's field order. */
typedef struct field_pair { const char *v1, *v2; } field_pair;
typedef struct source_map {
    const char *member;          /* "resource", "pods", ... */
    const field_pair *fields;
} source_map;

#define PAIRS(...) ((const field_pair[]){__VA_ARGS__, {NULL, NULL}})
/* the spec's names; a status reads them through status_name */
static const source_map metric_sources[] = {
    {"object", PAIRS({"target", "describedObject"}, {"metricName", "metric.name"}, {"targetValue", "target.value"},
                     {"selector", "metric.selector"}, {"averageValue", "target.averageValue"})},
    {"pods", PAIRS({"metricName", "metric.name"}, {"targetAverageValue", "target.averageValue"},
                   {"selector", "metric.selector"})},
    {"resource", PAIRS({"name", "name"}, {"targetAverageUtilization", "target.averageUtilization"},
                       {"targetAverageValue", "target.averageValue"})},
    {"containerResource", PAIRS({"name", "name"}, {"targetAverageUtilization", "target.averageUtilization"},
                                {"targetAverageValue", "target.averageValue"}, {"container", "container"})},
    {"external", PAIRS({"metricName", "metric.name"}, {"metricSelector", "metric.selector"},
                       {"targetValue", "target.value"}, {"targetAverageValue", "target.averageValue"})},
    {NULL, NULL}};
/* A status metric's field: the spec's name with "target" read as
 * "current" (v1: targetAverageValue -> currentAverageValue; v2: target.value
 * -> current.value); the object's target reference keeps its name. */
static const char *status_name(const char *spec_name, char *buf, size_t n)
{
    if (strncmp(spec_name, "target", 6) || (spec_name[6] != '.' && !isupper((unsigned char)spec_name[6])))
        return spec_name;
    snprintf(buf, n, "current%s", spec_name + 6);
    return buf;
}

/* Sets a copy of v at a one- or two-part dotted path of obj. */
static void set_path(cJSON *obj, const char *path, const cJSON *v)
{
    const char *dot = strchr(path, '.');
    if (dot) {
        char first[64];
        snprintf(first, sizeof first, "%.*s", (int)(dot - path), path);
        obj = json_object_member(obj, first);
        path = dot + 1;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(obj, path);
    cJSON_AddItemToObject(obj, path, cJSON_Duplicate(v, 1));
}

/* One metric (spec or status) from one version's form to the other's. */
static cJSON *convert_metric(const cJSON *m, const source_map *maps, int to_v2, int is_status)
{
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "type", json_str(m, "type"));
    for (const source_map *s = maps; s->member; s++) {
        const cJSON *src = json_get(m, s->member);
        if (!cJSON_IsObject(src)) continue;
        cJSON *dst = cJSON_AddObjectToObject(out, s->member);
        for (const field_pair *f = s->fields; f->v1; f++) {
            char b1[64], b2[64];
            const char *v1 = is_status ? status_name(f->v1, b1, sizeof b1) : f->v1;
            const char *v2 = is_status ? status_name(f->v2, b2, sizeof b2) : f->v2;
            const cJSON *v = to_v2 ? json_get(src, v1) : json_at(src, v2);
            if (v && !cJSON_IsNull(v)) set_path(dst, to_v2 ? v2 : v1, v);
        }
        if (to_v2 && !is_status) {
            /* the target's type: what v1 set */
            cJSON *t = json_object_member(dst, "target");
            const char *type = json_get(t, "averageUtilization") ? "Utilization"
                             : json_get(t, "value") ? "Value" : "AverageValue";
            cJSON_AddStringToObject(t, "type", type);
        }
    }
    return out;
}

static cJSON *convert_metrics(const cJSON *list, const source_map *maps, int to_v2, int is_status,
                              const char *skip_cpu_key)
{
    cJSON *out = cJSON_CreateArray();
    const cJSON *m;
    cJSON_ArrayForEach(m, list) {
        if (skip_cpu_key && !strcmp(json_str(m, "type"), "Resource") &&
            !strcmp(json_str_at(m, "resource.name", ""), "cpu") && json_at(m, skip_cpu_key))
            continue;
        cJSON_AddItemToArray(out, convert_metric(m, maps, to_v2, is_status));
    }
    return out;
}

/* The behavior's keys with their first letter changed (Go's field names
 * and the JSON names differ only there), recursively. */
static void recase_keys(cJSON *v, int upper)
{
    cJSON *c;
    cJSON_ArrayForEach(c, v) {
        if (c->string && c->string[0])
            c->string[0] = (char)(upper ? toupper((unsigned char)c->string[0]) : tolower((unsigned char)c->string[0]));
        if (cJSON_IsObject(c) || cJSON_IsArray(c)) recase_keys(c, upper);
    }
}

static void set_annotation_json(cJSON *obj, const char *key, const cJSON *v)
{
    char *text = cJSON_PrintUnformatted(v);
    meta_set_annotation(obj, key, text);
    free(text);
}

static void drop_annotation(cJSON *obj, const char *key)
{
    cJSON *ann = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(obj, "metadata"), "annotations");
    cJSON_DeleteItemFromObjectCaseSensitive(ann, key);
}

/* An annotation's JSON value, taken out of the object; NULL when absent or
 * not JSON. */
static cJSON *take_annotation_json(cJSON *obj, const char *key)
{
    const char *text = meta_annotation(obj, key);
    cJSON *v = text ? cJSON_Parse(text) : NULL;
    drop_annotation(obj, key);
    return v;
}

static void drop_empty_annotations(cJSON *obj)
{
    cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    const cJSON *ann = json_get(meta, "annotations");
    if (cJSON_IsObject(ann) && !ann->child) cJSON_DeleteItemFromObjectCaseSensitive(meta, "annotations");
}

static cJSON *cpu_metric(const char *member, const char *key, const cJSON *value)
{
    cJSON *m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "type", "Resource");
    cJSON *r = cJSON_AddObjectToObject(m, "resource");
    cJSON_AddStringToObject(r, "name", "cpu");
    cJSON *t = cJSON_AddObjectToObject(r, member);
    if (!strcmp(member, "target")) cJSON_AddStringToObject(t, "type", "Utilization");
    cJSON_AddItemToObject(t, key, cJSON_Duplicate(value, 1));
    return m;
}

void conversion_set_api_version(cJSON *obj, const char *api_version)
{
    if (cJSON_GetObjectItemCaseSensitive(obj, "apiVersion")) json_set_str(obj, "apiVersion", api_version);
}

void hpa_v1_to_storage(cJSON *hpa)
{
    conversion_set_api_version(hpa, "autoscaling/v2");
    cJSON *spec = json_object_member(hpa, "spec");
    /* the other metrics first, then the cpu target (kube's order) */
    cJSON *other = take_annotation_json(hpa, METRICS_ANNOTATION);
    cJSON *metrics = convert_metrics(cJSON_IsArray(other) ? other : NULL, metric_sources, 1, 0, NULL);
    cJSON_Delete(other);
    cJSON *cpu = cJSON_DetachItemFromObjectCaseSensitive(spec, "targetCPUUtilizationPercentage");
    if (cJSON_IsNumber(cpu)) cJSON_AddItemToArray(metrics, cpu_metric("target", "averageUtilization", cpu));
    cJSON_Delete(cpu);
    if (cJSON_GetArraySize(metrics)) cJSON_AddItemToObject(spec, "metrics", metrics);
    else cJSON_Delete(metrics);
    cJSON *behavior = take_annotation_json(hpa, BEHAVIOR_ANNOTATION);
    if (cJSON_IsObject(behavior) && behavior->child) {
        recase_keys(behavior, 0);
        cJSON *c = behavior->child, *next;
        for (; c; c = next) {   /* Go's nil pointers: absent */
            next = c->next;
            if (cJSON_IsNull(c)) cJSON_Delete(cJSON_DetachItemViaPointer(behavior, c));
        }
        cJSON_AddItemToObject(spec, "behavior", behavior);
    } else {
        cJSON_Delete(behavior);
    }
    cJSON *status = json_object_member(hpa, "status");
    cJSON *current = take_annotation_json(hpa, CURRENT_METRICS_ANNOTATION);
    cJSON *cur_cpu = cJSON_DetachItemFromObjectCaseSensitive(status, "currentCPUUtilizationPercentage");
    if (cJSON_IsArray(current)) {
        cJSON_AddItemToObject(status, "currentMetrics", convert_metrics(current, metric_sources, 1, 1, NULL));
    } else if (cJSON_IsNumber(cur_cpu)) {
        cJSON *list = cJSON_AddArrayToObject(status, "currentMetrics");
        cJSON_AddItemToArray(list, cpu_metric("current", "averageUtilization", cur_cpu));
    }
    cJSON_Delete(current);
    cJSON_Delete(cur_cpu);
    cJSON *conditions = take_annotation_json(hpa, CONDITIONS_ANNOTATION);
    if (cJSON_IsArray(conditions)) cJSON_AddItemToObject(status, "conditions", conditions);
    else cJSON_Delete(conditions);
    drop_empty_annotations(hpa);
}

void hpa_v1_from_storage(cJSON *hpa)
{
    conversion_set_api_version(hpa, "autoscaling/v1");
    const char *const round_trip[] = {METRICS_ANNOTATION, CURRENT_METRICS_ANNOTATION, CONDITIONS_ANNOTATION,
                                      BEHAVIOR_ANNOTATION, NULL};
    for (int i = 0; round_trip[i]; i++) drop_annotation(hpa, round_trip[i]);
    cJSON *spec = json_object_member(hpa, "spec");
    cJSON *metrics = cJSON_DetachItemFromObjectCaseSensitive(spec, "metrics");
    const cJSON *m;
    cJSON_ArrayForEach(m, metrics) {
        if (!strcmp(json_str(m, "type"), "Resource") && !strcmp(json_str_at(m, "resource.name", ""), "cpu")) {
            const cJSON *u = json_at(m, "resource.target.averageUtilization");
            if (cJSON_IsNumber(u)) cJSON_AddNumberToObject(spec, "targetCPUUtilizationPercentage", u->valuedouble);
            break;
        }
    }
    cJSON *other = convert_metrics(metrics, metric_sources, 0, 0, "resource.target.averageUtilization");
    if (cJSON_GetArraySize(other)) set_annotation_json(hpa, METRICS_ANNOTATION, other);
    cJSON_Delete(other);
    cJSON_Delete(metrics);
    cJSON *behavior = cJSON_DetachItemFromObjectCaseSensitive(spec, "behavior");
    if (cJSON_IsObject(behavior)) {
        /* every member of the internal type, nil pointers as null */
        static const char *const top[] = {"scaleUp", "scaleDown", NULL};
        static const char *const rules[] = {"stabilizationWindowSeconds", "selectPolicy", "policies", NULL};
        cJSON *b = cJSON_CreateObject();
        for (int i = 0; top[i]; i++) {
            const cJSON *r = json_get(behavior, top[i]);
            cJSON *out = cJSON_IsObject(r) ? cJSON_CreateObject() : cJSON_CreateNull();
            for (int k = 0; cJSON_IsObject(r) && rules[k]; k++) {
                const cJSON *v = json_get(r, rules[k]);
                cJSON_AddItemToObject(out, rules[k], v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull());
            }
            cJSON_AddItemToObject(b, top[i], out);
        }
        recase_keys(b, 1);
        set_annotation_json(hpa, BEHAVIOR_ANNOTATION, b);
        cJSON_Delete(b);
    }
    cJSON_Delete(behavior);
    cJSON *status = json_object_member(hpa, "status");
    cJSON *current = cJSON_DetachItemFromObjectCaseSensitive(status, "currentMetrics");
    cJSON_ArrayForEach(m, current) {
        if (!strcmp(json_str(m, "type"), "Resource") && !strcmp(json_str_at(m, "resource.name", ""), "cpu")) {
            const cJSON *u = json_at(m, "resource.current.averageUtilization");
            if (cJSON_IsNumber(u)) {
                cJSON_DeleteItemFromObjectCaseSensitive(status, "currentCPUUtilizationPercentage");
                cJSON_AddNumberToObject(status, "currentCPUUtilizationPercentage", u->valuedouble);
            }
        }
    }
    if (cJSON_GetArraySize(current)) {
        cJSON *conv = convert_metrics(current, metric_sources, 0, 1, NULL);
        set_annotation_json(hpa, CURRENT_METRICS_ANNOTATION, conv);
        cJSON_Delete(conv);
    }
    cJSON_Delete(current);
    cJSON *conditions = cJSON_DetachItemFromObjectCaseSensitive(status, "conditions");
    if (cJSON_GetArraySize(conditions)) set_annotation_json(hpa, CONDITIONS_ANNOTATION, conditions);
    cJSON_Delete(conditions);
    drop_empty_annotations(hpa);
    workload_normalize_as(hpa, "autoscaling", "v1", "HorizontalPodAutoscaler");
}
