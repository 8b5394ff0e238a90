/* pod_eviction.c: POST /api/v1/namespaces/<ns>/pods/<name>/eviction, the
 * policy/v1 Eviction `kubectl drain` sends (pkg/registry/core/pod/storage/
 * eviction.go). A pod that is Pending, finished or being deleted goes at
 * once; otherwise the one PodDisruptionBudget whose selector matches it
 * must allow a disruption: none allowed is kube's 429 TooManyRequests
 * "Cannot evict pod as it would violate the pod's disruption budget." with
 * a DisruptionBudget cause, two budgets a 500. An allowed eviction takes
 * one disruption from the budget's status (the pod goes into
 * status.disruptedPods, written with compare-and-swap on the budget's
 * resourceVersion, so concurrent evictions in any process cannot spend
 * the same disruption twice), then deletes the pod as DELETE does.
 *
 * kapi runs no disruption controller yet, so the budget's numbers are
 * computed here, on each eviction, from the pods its selector matches, as
 * that controller would: expectedPods is the number of matching pods (the
 * controller takes it from their controllers' scale when the budget uses
 * maxUnavailable or a percentage), currentHealthy those that are Ready,
 * not being deleted and not in disruptedPods (entries under 2 minutes old,
 * kube's DeletionTimeout; older ones are dropped), desiredHealthy from
 * minAvailable or maxUnavailable (percentages rounded up), and
 * disruptionsAllowed their difference. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "codec/conditions.h"
#include "codec/jsonpath.h"
#include "codec/labels.h"
#include "core/status.h"
#include "core/util.h"
#include "registry/kinds/pod_internal.h"
#include "registry/rest_internal.h"
#include "schema/decode.h"
#include "store/store.h"

#define EVICT_ATTEMPTS 10

typedef struct budget_scan {
    const cJSON *pod_labels;
    cJSON *matches;      /* the budgets that select the pod, with their revisions */
} budget_scan;

static int collect_budget(void *arg, const char *key, const char *value, int64_t rev)
{
    (void)key;
    budget_scan *b = arg;
    cJSON *pdb = cJSON_Parse(value);
    const cJSON *sel = json_get(json_get(pdb, "spec"), "selector");
    /* a budget with no selector or an empty one matches nothing */
    if (pdb && sel && !label_selector_is_empty(sel) && label_selector_matches_labels(sel, b->pod_labels) == 1) {
        cJSON_AddNumberToObject(pdb, "\x01rev", (double)rev);
        cJSON_AddItemToArray(b->matches, pdb);
    } else {
        cJSON_Delete(pdb);
    }
    return 0;
}

static int pod_ready(const cJSON *pod)
{
    const cJSON *cond = condition_find(json_get(pod, "status"), "Ready");
    return cond && !strcmp(json_str(cond, "status"), "True");
}

typedef struct pod_count {
    const cJSON *selector;
    const cJSON *disrupted;   /* status.disruptedPods of the budget */
    int expected, healthy;
} pod_count;

/* An eviction of the pod is under way: named in disruptedPods less than
 * kube's DeletionTimeout (2 minutes) ago. An older entry is stale: the
 * pod was not deleted after all, or is a new pod of the same name. */
#define DELETION_TIMEOUT 120

static int recently_disrupted(const cJSON *disrupted, const char *name)
{
    const cJSON *at = json_get(disrupted, name);
    if (!cJSON_IsString(at)) return 0;
    time_t t = time_parse_rfc3339(at->valuestring);
    return t > 0 && time(NULL) - t < DELETION_TIMEOUT;
}

static int count_pod(void *arg, const char *key, const char *value, int64_t rev)
{
    (void)key, (void)rev;
    pod_count *pc = arg;
    cJSON *pod = cJSON_Parse(value);
    const cJSON *meta = json_get(pod, "metadata");
    if (pod && label_selector_matches_labels(pc->selector, json_get(meta, "labels")) == 1) {
        pc->expected++;
        if (pod_ready(pod) && !json_get(meta, "deletionTimestamp") && !recently_disrupted(pc->disrupted, json_str(meta, "name")))
            pc->healthy++;
    }
    cJSON_Delete(pod);
    return 0;
}

/* intstr.GetScaledValueFromIntOrPercent with roundUp */
static int scaled(const cJSON *v, int total)
{
    if (cJSON_IsNumber(v)) return (int)v->valuedouble;
    if (!cJSON_IsString(v)) return 0;
    int pct = atoi(v->valuestring);
    return (pct * total + 99) / 100;
}

static rest_result too_many(rest_call *c, const char *pdb, int desired, int healthy)
{
    cJSON *st = status_new_details(KAPI_TOO_MANY, "Cannot evict pod as it would violate the pod's disruption budget.",
                                   NULL, NULL, NULL);
    cJSON *causes = cJSON_AddArrayToObject(cJSON_GetObjectItemCaseSensitive(st, "details"), "causes");
    cJSON *cause = cJSON_CreateObject();
    cJSON_AddStringToObject(cause, "reason", "DisruptionBudget");
    cJSON_AddStringToObject(cause, "message", kapi_psprintf(c->req->pool,
                            "The disruption budget %s needs %d healthy pods and has %d currently", pdb, desired, healthy));
    cJSON_AddItemToArray(causes, cause);
    status_reorder_code_last(st);
    return rest_status(c, st, 0);
}

/* The pod deleted as a DELETE with default options deletes it. */
static rest_result evict(rest_call *c, cJSON *pod)
{
    cJSON *items = kapi_pool_keep_json(c->req->pool, cJSON_CreateArray());
    cJSON_AddItemToArray(items, cJSON_Duplicate(pod, 1));
    rest_result res = rest_delete_listed(c, items, rest_default_delete_options(c));
    if (res.answer != REST_NONE) return res;
    cJSON *st = status_success(NULL, NULL, NULL, NULL);
    cJSON_DeleteItemFromObjectCaseSensitive(st, "details");
    cJSON_AddNumberToObject(st, "code", 201);
    return rest_status(c, st, 201);
}

/* 0: the budget allows it (its status written); -1 with the answer in *res
 * (429, or a conflict when *retry is set). */
static int take_disruption(rest_call *c, cJSON *pdb, const char *pod_name, int pod_is_ready, int *retry,
                           int *skip_budget, rest_result *res)
{
    const char *pdb_name = json_str_at(pdb, "metadata.name", "");
    cJSON *status = json_object_member(pdb, "status");
    const cJSON *spec = json_get(pdb, "spec");
    pod_count pc = {.selector = json_get(spec, "selector"), .disrupted = json_get(status, "disruptedPods")};
    int64_t rev;
    if (store_list(c->ctx->store, kapi_psprintf(c->req->pool, "/registry/pods/%s/", c->ns), NULL, 0, count_pod, &pc,
                   &rev) != STORE_OK) {
        *res = rest_internal(c, "reading from storage failed");
        return -1;
    }
    int desired = json_get(spec, "maxUnavailable") ? pc.expected - scaled(json_get(spec, "maxUnavailable"), pc.expected)
                                                   : scaled(json_get(spec, "minAvailable"), pc.expected);
    if (desired < 0) desired = 0;
    int allowed = pc.healthy - desired;
    if (allowed < 0) allowed = 0;
    /* an unhealthy pod may go when the budget is met (IfHealthyBudget), or always (AlwaysAllow) */
    if (!pod_is_ready && (!strcmp(json_str(spec, "unhealthyPodEvictionPolicy"), "AlwaysAllow") || pc.healthy >= desired)) {
        *skip_budget = 1;
        return 0;
    }
    if (allowed <= 0) {
        *res = too_many(c, pdb_name, desired, pc.healthy);
        return -1;
    }
    const cJSON *gen = json_get(json_get(pdb, "metadata"), "generation");
    cJSON_DeleteItemFromObjectCaseSensitive(status, "observedGeneration");
    cJSON_AddNumberToObject(status, "observedGeneration", cJSON_IsNumber(gen) ? gen->valuedouble : 1);
    cJSON *dp = json_object_member(status, "disruptedPods");
    for (cJSON *e = dp->child, *next; e; e = next) {
        next = e->next;
        if (!recently_disrupted(dp, e->string)) cJSON_Delete(cJSON_DetachItemViaPointer(dp, e));
    }
    char now[21];
    time_rfc3339(time(NULL), now);
    cJSON_DeleteItemFromObjectCaseSensitive(dp, pod_name);
    cJSON_AddStringToObject(dp, pod_name, now);
    const char *const keys[] = {"disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods"};
    const int vals[] = {allowed - 1, pc.healthy, desired, pc.expected};
    for (int i = 0; i < 4; i++) {
        cJSON_DeleteItemFromObjectCaseSensitive(status, keys[i]);
        cJSON_AddNumberToObject(status, keys[i], vals[i]);
    }
    if (c->dry_run) return 0;
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(pdb, "\x01rev");
    int64_t expected_rev = (int64_t)r->valuedouble, nrev;
    cJSON_DeleteItemFromObjectCaseSensitive(pdb, "\x01rev");
    store_rc rc = store_update_if_revision(c->ctx->store,
                                           kapi_psprintf(c->req->pool, "/registry/poddisruptionbudgets/%s/%s", c->ns, pdb_name),
                                           pdb, expected_rev, &nrev);
    if (rc == STORE_OK) return 0;
    if (rc == STORE_CONFLICT || rc == STORE_NOT_FOUND) *retry = 1;
    else *res = rest_internal(c, "writing to storage failed");
    return -1;
}

rest_result pod_serve_eviction(rest_call *c, const char *name)
{
    if (strcmp(c->info->verb, "create")) return rest_method_not_allowed(c);
    cJSON *st = NULL;
    cJSON *ev = decode_body(c->req, "Eviction", &st);
    if (!ev) return rest_status(c, st, 0);
    if (!cJSON_IsObject(ev)) return rest_bad_request(c, "the object provided is unrecognized (must be of type Eviction)");
    rest_result fail;
    cJSON *m = obj_metadata(ev);
    if (rest_check_namespace(c, m, &fail)) return fail;
    if (strcmp(json_str(m, "name"), name)) return rest_bad_request(c, "name in URL does not match name in Eviction object");
    for (int attempt = 0; attempt < EVICT_ATTEMPTS; attempt++) {
        int64_t rev = 0;
        cJSON *pod = rest_load_current(c, name, &rev, &fail);
        if (!pod) return fail;
        const char *phase = json_str_at(pod, "status.phase", "");
        if (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed") || !strcmp(phase, "Pending") ||
            json_get(json_get(pod, "metadata"), "deletionTimestamp"))
            return evict(c, pod);   /* canIgnorePDB */
        budget_scan b = {.pod_labels = json_at(pod, "metadata.labels"),
                         .matches = kapi_pool_keep_json(c->req->pool, cJSON_CreateArray())};
        if (store_list(c->ctx->store, kapi_psprintf(c->req->pool, "/registry/poddisruptionbudgets/%s/", c->ns), NULL, 0,
                       collect_budget, &b, &rev) != STORE_OK)
            return rest_internal(c, "reading from storage failed");
        int n = cJSON_GetArraySize(b.matches);
        if (n == 0) return evict(c, pod);
        if (n > 1) {
            cJSON *e = status_new(KAPI_INTERNAL,
                                  "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
            cJSON_DeleteItemFromObjectCaseSensitive(e, "reason");
            return rest_status(c, e, 0);
        }
        int retry = 0, skip = 0;
        rest_result res;
        if (take_disruption(c, cJSON_GetArrayItem(b.matches, 0), name, pod_ready(pod), &retry, &skip, &res) == 0)
            return evict(c, pod);
        if (!retry) return res;
    }
    return rest_conflict(c, name, "the disruption budget was modified by other evictions; please retry");
}
