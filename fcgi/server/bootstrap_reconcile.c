/* bootstrap_reconcile.c: puts the bootstrap RBAC policy in place at every
 * start, as kube-apiserver's rbac/bootstrap-roles post-start hook does with
 * pkg/registry/rbac/reconciliation in its union mode: a missing object is
 * created; an existing one (unless annotated autoupdate "false") gets back
 * what is missing of the expected labels, annotations, rules (as the
 * broken-down rules Covers reports), aggregation selectors and subjects,
 * and keeps what was added to it; a binding whose roleRef changed is
 * deleted and created again. Every write is an in-process call
 * (http/client.h) as system:apiserver. (It lives with the apiserver's
 * bootstrap, not in auth/: the authorizer only reads.) */
#include <stdio.h>
#include <string.h>
#include "codec/jsonpath.h"
#include "auth/bootstrap_policy.h"
#include "auth/rbac.h"
#include "http/client.h"
#include "kinds/resource.h"
#include "server/bootstrap.h"
#include "store/store.h"

#define GROUP_PATH "/apis/rbac.authorization.k8s.io/v1/"

static cJSON *meta_of(cJSON *obj)
{
    cJSON *m = json_object_member(obj, "metadata");
    return m;
}

/* merge(expected, existing): keys the existing map lacks are added (the
 * existing values win). Returns 1 if anything was added. */
static int merge_map(cJSON *existing_meta, const cJSON *expected_meta, const char *field)
{
    const cJSON *want = cJSON_GetObjectItemCaseSensitive(expected_meta, field);
    if (!cJSON_IsObject(want) || !want->child) return 0;
    cJSON *have = cJSON_GetObjectItemCaseSensitive(existing_meta, field);
    if (!cJSON_IsObject(have)) {
        cJSON_DeleteItemFromObjectCaseSensitive(existing_meta, field);
        have = cJSON_AddObjectToObject(existing_meta, field);
    }
    int changed = 0;
    const cJSON *kv;
    cJSON_ArrayForEach(kv, want) {
        if (cJSON_GetObjectItemCaseSensitive(have, kv->string)) continue;
        cJSON_AddItemToObject(have, kv->string, cJSON_Duplicate(kv, 1));
        changed = 1;
    }
    return changed;
}

static int protected_from_update(const cJSON *obj)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(m, "annotations");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(a, "rbac.authorization.kubernetes.io/autoupdate");
    return cJSON_IsString(v) && !strcmp(v->valuestring, "false");
}

/* Missing rules and aggregation selectors added to a ClusterRole. */
static int reconcile_role(kapi_pool *p, cJSON *have, const cJSON *want)
{
    int changed = 0;
    rbac_rule *have_rules = NULL, *want_rules = NULL, *missing = NULL;
    int nh = rbac_rules_from_json(p, cJSON_GetObjectItemCaseSensitive(have, "rules"), &have_rules);
    int nw = rbac_rules_from_json(p, cJSON_GetObjectItemCaseSensitive(want, "rules"), &want_rules);
    int nm = 0;
    rbac_covers(p, have_rules, nh, want_rules, nw, &missing, &nm);
    if (nm > 0) {
        cJSON *rules = json_array_member(have, "rules");
        for (int i = 0; i < nm; i++) cJSON_AddItemToArray(rules, rbac_rule_to_json(&missing[i]));
        changed = 1;
    }
    const cJSON *want_agg = cJSON_GetObjectItemCaseSensitive(want, "aggregationRule");
    cJSON *have_agg = cJSON_GetObjectItemCaseSensitive(have, "aggregationRule");
    if (!cJSON_IsObject(want_agg)) {
        if (have_agg && !cJSON_IsNull(have_agg)) {
            cJSON_DeleteItemFromObjectCaseSensitive(have, "aggregationRule");
            changed = 1;
        }
        return changed;
    }
    if (!cJSON_IsObject(have_agg)) {
        cJSON_DeleteItemFromObjectCaseSensitive(have, "aggregationRule");
        have_agg = cJSON_AddObjectToObject(have, "aggregationRule");
    }
    cJSON *have_sels = json_array_member(have_agg, "clusterRoleSelectors");
    const cJSON *sel;
    cJSON_ArrayForEach(sel, cJSON_GetObjectItemCaseSensitive(want_agg, "clusterRoleSelectors")) {
        int found = 0;
        const cJSON *h;
        cJSON_ArrayForEach(h, have_sels) found |= cJSON_Compare(h, sel, 1);
        if (found) continue;
        cJSON_AddItemToArray(have_sels, cJSON_Duplicate(sel, 1));
        changed = 1;
    }
    return changed;
}

static int same_subject(const cJSON *a, const cJSON *b)
{
    static const char *const keys[] = {"kind", "apiGroup", "name", "namespace", NULL};
    for (int i = 0; keys[i]; i++) {
        const cJSON *x = cJSON_GetObjectItemCaseSensitive(a, keys[i]);
        const cJSON *y = cJSON_GetObjectItemCaseSensitive(b, keys[i]);
        const char *xs = cJSON_IsString(x) ? x->valuestring : "";
        const char *ys = cJSON_IsString(y) ? y->valuestring : "";
        if (strcmp(xs, ys)) return 0;
    }
    return 1;
}

static int reconcile_subjects(cJSON *have, const cJSON *want)
{
    int changed = 0;
    cJSON *subs = cJSON_GetObjectItemCaseSensitive(have, "subjects");
    const cJSON *s;
    cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(want, "subjects")) {
        int found = 0;
        const cJSON *h;
        if (cJSON_IsArray(subs)) cJSON_ArrayForEach(h, subs) found |= same_subject(h, s);
        if (found) continue;
        if (!cJSON_IsArray(subs)) {
            cJSON_DeleteItemFromObjectCaseSensitive(have, "subjects");
            subs = cJSON_CreateArray();
            cJSON_AddItemToObject(have, "subjects", subs);
        }
        cJSON_AddItemToArray(subs, cJSON_Duplicate(s, 1));
        changed = 1;
    }
    return changed;
}

/* One write as system:apiserver; returns the HTTP status. */
static int write_as_apiserver(kapi_ctx *ctx, const char *method, const char *path, const cJSON *body)
{
    int status = 0;
    cJSON_Delete(kapi_call_json(ctx, &apiserver_user, method, path, body, &status));
    return status;
}

static int ensure_one(kapi_ctx *ctx, kapi_pool *p, const cJSON *want)
{
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(want, "kind");
    const cJSON *wmeta = cJSON_GetObjectItemCaseSensitive(want, "metadata");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(wmeta, "name");
    if (!cJSON_IsString(kind) || !cJSON_IsString(name)) return -1;
    int is_role = !strcmp(kind->valuestring, "ClusterRole");
    const char *plural = is_role ? "clusterroles" : "clusterrolebindings";
    const kapi_resource *res = kinds_find_plural(kinds_current(), "rbac.authorization.k8s.io", plural);
    if (!res) return -1;
    char *key = resource_key(p, res, "", name->valuestring);
    char *list_path = kapi_psprintf(p, GROUP_PATH "%s", plural);
    char *path = kapi_psprintf(p, GROUP_PATH "%s/%s", plural, name->valuestring);

    store_kv kv;
    store_rc rc = store_get(ctx->store, key, &kv);
    if (rc == STORE_NOT_FOUND) {
        int st = write_as_apiserver(ctx, "POST", list_path, want);
        if (st == 201 || st == 409) return 0;
        fprintf(stderr, "bootstrap: creating %s %s: HTTP %d\n", plural, name->valuestring, st);
        return -1;
    }
    if (rc != STORE_OK) return -1;
    cJSON *have = kapi_pool_keep_json(p, cJSON_Parse(kv.value));
    store_kv_free(&kv);
    if (!cJSON_IsObject(have) || protected_from_update(have)) return 0;

    if (!is_role) {
        const cJSON *want_ref = cJSON_GetObjectItemCaseSensitive(want, "roleRef");
        const cJSON *have_ref = cJSON_GetObjectItemCaseSensitive(have, "roleRef");
        if (!cJSON_Compare(want_ref, have_ref, 1)) {
            /* ReconcileRecreate */
            write_as_apiserver(ctx, "DELETE", path, NULL);
            int st = write_as_apiserver(ctx, "POST", list_path, want);
            if (st == 201) return 0;
            fprintf(stderr, "bootstrap: recreating %s %s: HTTP %d\n", plural, name->valuestring, st);
            return -1;
        }
    }
    cJSON *hmeta = meta_of(have);
    int changed = merge_map(hmeta, wmeta, "annotations");
    changed |= merge_map(hmeta, wmeta, "labels");
    changed |= is_role ? reconcile_role(p, have, want) : reconcile_subjects(have, want);
    if (!changed) return 0;
    int st = write_as_apiserver(ctx, "PUT", path, have);
    if (st == 200 || st == 409) return 0;   /* 409: changed meanwhile; the next start retries */
    fprintf(stderr, "bootstrap: updating %s %s: HTTP %d\n", plural, name->valuestring, st);
    return -1;
}

int bootstrap_policy_ensure(kapi_ctx *ctx)
{
    cJSON *objs = bootstrap_policy_objects();
    if (!objs) return -1;
    kapi_pool *p = kapi_pool_new();
    if (!p) {
        cJSON_Delete(objs);
        return -1;
    }
    int rc = 0;
    const cJSON *o;
    cJSON_ArrayForEach(o, objs)
        if (ensure_one(ctx, p, o)) rc = -1;
    cJSON_Delete(objs);
    kapi_pool_free(p);
    return rc;
}
