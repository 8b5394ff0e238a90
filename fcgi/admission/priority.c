/* priority.c: the Priority admission plugin (plugin/pkg/admission/priority)
 * for pods: on create, spec.priority and spec.preemptionPolicy come from the
 * pod's PriorityClass, or from the global default class, or are 0 and
 * PreemptLowerPriority when there is none; a pod may not state a priority or
 * policy that differs from its class's; on update they are kept from the
 * stored pod. The two classes every cluster has (system-cluster-critical,
 * system-node-critical) are built in; others are read from the store under
 * kube's key /registry/priorityclasses/<name> when kapi holds any. */
#include <stdio.h>
#include <string.h>
#include "admission/admission.h"
#include "admission/priority.h"
#include "codec/jsonpath.h"
#include "core/status.h"
#include "store/store.h"

const system_priority_class system_priority_classes[] = {
    {"system-node-critical", SYSTEM_CRITICAL_PRIORITY + 1000,
     "Used for system critical pods that must not be moved from their current node."},
    {"system-cluster-critical", SYSTEM_CRITICAL_PRIORITY,
     "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."},
    {NULL, 0, NULL}};

const system_priority_class *system_priority_class_find(const char *name)
{
    for (const system_priority_class *c = system_priority_classes; name && c->name; c++)
        if (!strcmp(c->name, name)) return c;
    return NULL;
}

typedef struct priority_class {
    double value;
    char policy[64];
    char name[256];
} priority_class;

static void from_object(const cJSON *pc, priority_class *out)
{
    const cJSON *v = json_get(pc, "value");
    out->value = cJSON_IsNumber(v) ? v->valuedouble : 0;
    const char *p = json_str(pc, "preemptionPolicy");
    snprintf(out->policy, sizeof out->policy, "%s", *p ? p : "PreemptLowerPriority");
    snprintf(out->name, sizeof out->name, "%s", json_str(json_get(pc, "metadata"), "name"));
}

/* 1 found, 0 missing, -1 storage error */
static int lookup_class(const admission_attrs *a, const char *name, priority_class *out)
{
    const system_priority_class *sys = system_priority_class_find(name);
    if (sys) {
        out->value = (double)sys->value;
        snprintf(out->policy, sizeof out->policy, "PreemptLowerPriority");
        snprintf(out->name, sizeof out->name, "%s", name);
        return 1;
    }
    store_kv kv;
    store_rc rc = store_get(a->ctx->store, kapi_psprintf(a->pool, "/registry/priorityclasses/%s", name), &kv);
    if (rc == STORE_NOT_FOUND) return 0;
    if (rc != STORE_OK) return -1;
    cJSON *pc = cJSON_Parse(kv.value);
    store_kv_free(&kv);
    from_object(pc, out);
    cJSON_Delete(pc);
    return 1;
}

typedef struct default_search { priority_class best; int found; } default_search;

static int consider_default(void *arg, const char *key, const char *value, int64_t rev)
{
    (void)key; (void)rev;
    default_search *d = arg;
    cJSON *pc = cJSON_Parse(value);
    if (cJSON_IsTrue(json_get(pc, "globalDefault"))) {
        priority_class c;
        from_object(pc, &c);
        if (!d->found || c.value < d->best.value) { d->best = c; d->found = 1; }
    }
    cJSON_Delete(pc);
    return 0;
}

static cJSON *forbidden(const admission_attrs *a, const char *why)
{
    const cJSON *meta = json_get(a->obj, "metadata");
    const char *name = a->name && *a->name ? a->name : *json_str(meta, "generateName") ? json_str(meta, "generateName") : "Unknown";
    return admission_pod_forbidden(name, why);
}

static void keep_from_old(cJSON *spec, const cJSON *old_spec, const char *key)
{
    if (json_get(spec, key) || !json_get(old_spec, key)) return;
    cJSON_DeleteItemFromObjectCaseSensitive(spec, key);
    cJSON_AddItemToObject(spec, key, cJSON_Duplicate(json_get(old_spec, key), 1));
}

static cJSON *priority_admit(const admission_attrs *a)
{
    if (a->resource->group[0] || strcmp(a->resource->plural, "pods") || a->subresource[0]) return NULL;
    if (!cJSON_IsObject(a->obj)) return NULL;
    cJSON *spec = cJSON_GetObjectItemCaseSensitive(a->obj, "spec");
    if (!cJSON_IsObject(spec)) return NULL;
    if (a->op == ADMIT_UPDATE) {
        const cJSON *old_spec = json_get(a->old, "spec");
        keep_from_old(spec, old_spec, "priority");
        keep_from_old(spec, old_spec, "preemptionPolicy");
        return NULL;
    }
    if (a->op != ADMIT_CREATE) return NULL;
    priority_class pc = {0, "PreemptLowerPriority", ""};
    const char *class_name = json_str(spec, "priorityClassName");
    char why[700];
    if (!*class_name) {
        default_search d = {0};
        int64_t rev;
        if (store_list(a->ctx->store, "/registry/priorityclasses/", NULL, 0, consider_default, &d, &rev) != STORE_OK)
            return status_new(KAPI_INTERNAL, "Internal error occurred: failed to get default priority class: reading from storage failed");
        if (d.found) {
            pc = d.best;
            cJSON_DeleteItemFromObjectCaseSensitive(spec, "priorityClassName");
            if (*pc.name) cJSON_AddStringToObject(spec, "priorityClassName", pc.name);
        }
    } else {
        int found = lookup_class(a, class_name, &pc);
        if (found < 0) {
            snprintf(why, sizeof why, "Internal error occurred: failed to get PriorityClass with name %.300s: reading from storage failed", class_name);
            return status_new(KAPI_INTERNAL, why);
        }
        if (!found) {
            snprintf(why, sizeof why, "no PriorityClass with name %.300s was found", class_name);
            return forbidden(a, why);
        }
    }
    const cJSON *given = json_get(spec, "priority");
    if (given && (!cJSON_IsNumber(given) || given->valuedouble != pc.value)) {
        snprintf(why, sizeof why,
                 "the integer value of priority (%lld) must not be provided in pod spec; priority admission controller computed %lld from the given PriorityClass name",
                 cJSON_IsNumber(given) ? (long long)given->valuedouble : 0LL, (long long)pc.value);
        return forbidden(a, why);
    }
    cJSON_DeleteItemFromObjectCaseSensitive(spec, "priority");
    cJSON_AddNumberToObject(spec, "priority", pc.value);
    const char *policy = json_str(spec, "preemptionPolicy");
    if (json_get(spec, "preemptionPolicy") && strcmp(policy, pc.policy)) {
        snprintf(why, sizeof why,
                 "the string value of PreemptionPolicy (%.100s) must not be provided in pod spec; priority admission controller computed %.100s from the given PriorityClass name",
                 policy, pc.policy);
        return forbidden(a, why);
    }
    cJSON_DeleteItemFromObjectCaseSensitive(spec, "preemptionPolicy");
    cJSON_AddStringToObject(spec, "preemptionPolicy", pc.policy);
    return NULL;
}

const admission_plugin admission_priority = {
    .name = "Priority",
    .mutate = priority_admit,
};
