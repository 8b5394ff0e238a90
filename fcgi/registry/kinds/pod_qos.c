/* pod_qos.c: a Pod's quality of service class as kube computes it when the
 * Pod is created (pkg/apis/core/helper/qos ComputePodQOS): only cpu and
 * memory count; no positive request or limit anywhere is BestEffort; every
 * container (and init container) limiting both cpu and memory, with the
 * summed requests equal to the summed limits, is Guaranteed; anything else
 * is Burstable. */
#include <string.h>
#include "codec/jsonpath.h"
#include "registry/kinds/pod_internal.h"
#include "codec/quantity.h"

typedef struct totals {
    quantity cpu, memory;
    int has_cpu, has_memory;
} totals;

static int qos_resource(const char *name) { return !strcmp(name, "cpu") || !strcmp(name, "memory"); }

static void add_to(totals *t, const char *name, const quantity *q)
{
    quantity *acc = !strcmp(name, "cpu") ? &t->cpu : &t->memory;
    int *has = !strcmp(name, "cpu") ? &t->has_cpu : &t->has_memory;
    if (!*has) { *acc = *q; *has = 1; }
    else quantity_add(acc, q);
}

/* Adds the positive cpu and memory quantities of list into t; returns the
 * set of names found as bits (1 cpu, 2 memory). */
static int add_list(totals *t, const cJSON *list)
{
    int found = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, list) {
        if (!e->string || !qos_resource(e->string)) continue;
        quantity q;
        const char *err;
        if (quantity_from_json(e, &q, &err) || quantity_sign(&q) <= 0) continue;
        add_to(t, e->string, &q);
        found |= !strcmp(e->string, "cpu") ? 1 : 2;
    }
    return found;
}

static int same_total(int has_a, const quantity *a, int has_b, const quantity *b)
{
    if (!has_a) return 1;                 /* only resources with requests are checked */
    return has_b && quantity_cmp(a, b) == 0;
}

const char *pod_qos_class(const cJSON *pod)
{
    const cJSON *spec = json_get(pod, "spec");
    totals requests = {0}, limits = {0};
    int guaranteed = 1;
    const char *const lists[] = {"containers", "initContainers"};
    for (int l = 0; l < 2; l++) {
        const cJSON *c;
        cJSON_ArrayForEach(c, json_get(spec, lists[l])) {
            const cJSON *res = json_get(c, "resources");
            add_list(&requests, json_get(res, "requests"));
            if (add_list(&limits, json_get(res, "limits")) != 3) guaranteed = 0;
        }
    }
    if (!requests.has_cpu && !requests.has_memory && !limits.has_cpu && !limits.has_memory)
        return "BestEffort";
    if (guaranteed && same_total(requests.has_cpu, &requests.cpu, limits.has_cpu, &limits.cpu) &&
        same_total(requests.has_memory, &requests.memory, limits.has_memory, &limits.memory) &&
        requests.has_cpu + requests.has_memory == limits.has_cpu + limits.has_memory)
        return "Guaranteed";
    return "Burstable";
}
