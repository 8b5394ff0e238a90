/* podutil.c: what the Deployment and ReplicaSet controllers both ask of
 * pods and templates: readiness and availability (podutil.IsPodReady,
 * IsPodAvailable: the Ready condition, held for minReadySeconds), and the
 * pod-template-hash (controller.ComputeHash: FNV-32a of the template and
 * collisionCount, printed in decimal and mapped character by character into
 * rand.SafeEncodeString's alphabet). kube hashes a Go dump of its struct,
 * which cannot be reproduced here; the canonical JSON of the template is
 * hashed instead, stable across runs and key orders. Also the orphans
 * (objects no controller owns) both controllers adopt from. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "controllers/controllers.h"
#include "codec/conditions.h"
#include "codec/jsonpath.h"
#include "core/alloc.h"
#include "codec/labels.h"
#include "core/util.h"

static const cJSON *ready_condition(const cJSON *pod)
{
    return condition_find(json_get(pod, "status"), "Ready");
}

int pod_is_ready(const cJSON *pod)
{
    const char *status = obj_str(ready_condition(pod), "status");
    return status && !strcmp(status, "True");
}

int pod_is_available(const cJSON *pod, double min_ready, time_t now)
{
    if (!pod_is_ready(pod)) return 0;
    if (min_ready <= 0) return 1;
    const char *since = obj_str(ready_condition(pod), "lastTransitionTime");
    time_t t = since ? time_parse_rfc3339(since) : -1;
    /* kube: !LastTransitionTime.IsZero() && LastTransitionTime + minReadySeconds < now */
    return t > 0 && t + (time_t)min_ready < now;
}

static uint32_t fnv32a(uint32_t h, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) { h ^= p[i]; h *= 16777619u; }
    return h;
}

void pod_template_hash(const cJSON *template, const cJSON *collision_count, char out[16])
{
    static const char alphanums[] = "bcdfghjklmnpqrstvwxz2456789";
    uint32_t h = 2166136261u;
    cJSON *canonical = json_canonical_copy(template);
    char *text = canonical ? cJSON_PrintUnformatted(canonical) : NULL;
    if (text) h = fnv32a(h, (const unsigned char *)text, strlen(text));
    free(text);
    cJSON_Delete(canonical);
    if (cJSON_IsNumber(collision_count)) {
        /* binary.LittleEndian.PutUint32 into an 8-byte slice */
        uint32_t c = (uint32_t)collision_count->valuedouble;
        unsigned char b[8] = {(unsigned char)c, (unsigned char)(c >> 8), (unsigned char)(c >> 16),
                              (unsigned char)(c >> 24), 0, 0, 0, 0};
        h = fnv32a(h, b, sizeof b);
    }
    char dec[16];
    snprintf(dec, sizeof dec, "%u", h);
    size_t i;
    for (i = 0; dec[i] && i < 15; i++) out[i] = alphanums[(unsigned char)dec[i] % (sizeof alphanums - 1)];
    out[i] = '\0';
}

strmap *orphans_by_namespace(const kind_cache *k, int (*wanted)(const cJSON *obj))
{
    strmap *m = strmap_new();
    for (int i = 0; i < k->all.n; i++) {
        obj_entry *e = k->all.items[i];
        if (e->gone || owner_ref_controller(e->obj) || (wanted && !wanted(e->obj))) continue;
        obj_list *l = strmap_get(m, obj_namespace(e->obj));
        if (!l) {
            l = kapi_xcalloc(1, sizeof *l);
            strmap_put(m, obj_namespace(e->obj), l);
        }
        obj_list_add(l, e);
    }
    return m;
}

static void free_list(void *v)
{
    obj_list_free(v);
    free(v);
}

void orphans_free(strmap *orphans)
{
    strmap_free(orphans, free_list);
}
