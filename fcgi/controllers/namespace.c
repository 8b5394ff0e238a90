/* namespace.c: the namespace controller (pkg/controller/namespace/deletion/
 * namespaced_resources_deleter.go, status_condition_utils.go). A namespace
 * that is being deleted (Terminating) and still carries the `kubernetes`
 * finalizer has everything in it deleted, every namespaced kind of the
 * resource table, in the background; what remains (objects waiting for
 * their finalizers) is reported in the namespace's conditions. Once it is
 * empty the controller removes its finalizer through the finalize
 * subresource, and the API server removes the namespace. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/alloc.h"
#include "controllers/controllers.h"
#include "codec/conditions.h"
#include "codec/jsonpath.h"

#define FINALIZER "kubernetes"

static const char *const condition_types[] = {
    "NamespaceDeletionDiscoveryFailure", "NamespaceDeletionGroupVersionParsingFailure",
    "NamespaceDeletionContentFailure", "NamespaceContentRemaining", "NamespaceFinalizersRemaining", NULL};
static const char *const ok_reasons[] = {
    "ResourcesDiscovered", "ParsedGroupVersions", "ContentDeleted", "ContentRemoved", "ContentHasNoFinalizers"};
static const char *const ok_messages[] = {
    "All resources successfully discovered", "All legacy kube types successfully parsed",
    "All content successfully deleted, may be waiting on finalization", "All content successfully removed",
    "All content-preserving finalizers finished"};

static int has_spec_finalizer(const cJSON *ns)
{
    const cJSON *fin = json_at(ns, "spec.finalizers"), *f;
    cJSON_ArrayForEach(f, fin) if (cJSON_IsString(f) && !strcmp(f->valuestring, FINALIZER)) return 1;
    return 0;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "a, b, c" of the sorted strings; caller frees. */
static char *joined_sorted(char **items, int n)
{
    qsort(items, (size_t)n, sizeof *items, compare_strings);
    kapi_buf b;
    kapi_buf_init(&b);
    for (int i = 0; i < n; i++) {
        if (i) kapi_buf_puts(&b, ", ");
        kapi_buf_puts(&b, items[i]);
    }
    kapi_buf_putc(&b, '\0');
    return kapi_buf_steal(&b);
}

typedef struct finalizer_count { char *name; int n; } finalizer_count;

/* The namespace's conditions as kube's conditionUpdater leaves them: each
 * type either its failure or its "ok" state; unchanged ones keep their
 * lastTransitionTime. Returns 1 if they differ from what it has. */
static int set_conditions(cJSON *ns, const char *failures[5][2])
{
    cJSON *status = cJSON_GetObjectItemCaseSensitive(ns, "status");
    if (!cJSON_IsObject(status)) return 0;
    cJSON *conds = cJSON_CreateArray();
    int changed = 0;
    char now[21];
    time_now(now);
    for (int i = 0; condition_types[i]; i++) {
        const char *st = failures[i][0] ? "True" : "False";
        const char *reason = failures[i][0] ? failures[i][0] : ok_reasons[i];
        const char *message = failures[i][0] ? failures[i][1] : ok_messages[i];
        const cJSON *prev = condition_find(status, condition_types[i]);
        if (prev && !strcmp(json_str(prev, "status"), st) && !strcmp(json_str(prev, "reason"), reason) &&
            !strcmp(json_str(prev, "message"), message)) {
            cJSON_AddItemToArray(conds, cJSON_Duplicate(prev, 1));
            continue;
        }
        changed = 1;
        cJSON_AddItemToArray(conds, condition_new(condition_types[i], st, reason, message, now, 0));
    }
    cJSON_DeleteItemFromObjectCaseSensitive(status, "conditions");
    cJSON_AddItemToObject(status, "conditions", conds);
    return changed;
}

/* deleteAllContent, then the conditions, then finalize when empty. */
static void finalize_namespace(pass *p, obj_entry *nse)
{
    const char *name = obj_name(nse->obj);
    char nsname[256];
    snprintf(nsname, sizeof nsname, "%s", name);
    int remaining_total = 0, delete_failed = 0;
    char *remaining[64];
    int n_remaining = 0;
    finalizer_count fins[32];
    int n_fins = 0;
    char first_error[600] = "";
    for (int k = 0; k < kapi_n_resources && pass_may_write(p); k++) {
        const kapi_resource *res = &kapi_resources[k];
        if (!res->namespaced || !(res->verbs & VERB_LIST) || !(res->verbs & VERB_DELETE)) continue;
        kind_cache *kc = cache_kind(p, res);
        if (!kc) { delete_failed = 1; continue; }
        int left = 0;
        for (int i = 0; i < kc->all.n && pass_may_write(p); i++) {
            obj_entry *e = kc->all.items[i];
            if (e->gone || strcmp(obj_namespace(e->obj), nsname)) continue;
            if (!obj_being_deleted(e->obj)) {
                char item[300];
                snprintf(item, sizeof item, "%s", obj_name(e->obj));
                char why[300];
                snprintf(why, sizeof why, "namespace %s is being deleted", nsname);
                api_result r = api_delete(p, res, nsname, item, "Background", NULL, why);
                if (r.status != 200 && r.status != 202 && r.status != 404) {
                    delete_failed = 1;
                    if (!first_error[0]) snprintf(first_error, sizeof first_error, "%s", r.message);
                }
            }
            if (e->gone) continue;
            left++;
            const cJSON *list = cJSON_GetObjectItemCaseSensitive(obj_meta(e->obj), "finalizers"), *f;
            cJSON_ArrayForEach(f, list) {
                if (!cJSON_IsString(f)) continue;
                int j;
                for (j = 0; j < n_fins && strcmp(fins[j].name, f->valuestring); j++) {}
                if (j == n_fins && n_fins < 32) fins[n_fins++] = (finalizer_count){kapi_xstrdup(f->valuestring), 0};
                if (j < n_fins) fins[j].n++;
            }
        }
        if (left && n_remaining < 64) {
            char buf[200];
            /* kube prints "<resource>.<group>", so core kinds read "pods." */
            snprintf(buf, sizeof buf, "%s.%s has %d resource instances", res->plural, res->group, left);
            remaining[n_remaining++] = kapi_xstrdup(buf);
        }
        remaining_total += left;
    }
    /* the conditions */
    const char *failures[5][2] = {{0}};
    char *content_msg = NULL, *fin_msg = NULL, *joined = NULL, *fjoined = NULL;
    if (delete_failed) { failures[2][0] = "ContentDeletionFailed"; failures[2][1] = first_error; }
    if (n_remaining) {
        joined = joined_sorted(remaining, n_remaining);
        size_t len = strlen(joined ? joined : "") + 64;
        content_msg = kapi_xmalloc(len);
        snprintf(content_msg, len, "Some resources are remaining: %s", joined ? joined : "");
        failures[3][0] = "SomeResourcesRemain";
        failures[3][1] = content_msg ? content_msg : "";
    }
    if (n_fins) {
        char *items[32];
        for (int j = 0; j < n_fins; j++) {
            char buf[300];
            snprintf(buf, sizeof buf, "%s in %d resource instances", fins[j].name, fins[j].n);
            items[j] = kapi_xstrdup(buf);
        }
        fjoined = joined_sorted(items, n_fins);
        for (int j = 0; j < n_fins; j++) free(items[j]);
        size_t len = strlen(fjoined ? fjoined : "") + 80;
        fin_msg = kapi_xmalloc(len);
        if (fin_msg) snprintf(fin_msg, len, "Some content in the namespace has finalizers remaining: %s", fjoined ? fjoined : "");
        failures[4][0] = "SomeFinalizersRemain";
        failures[4][1] = fin_msg ? fin_msg : "";
    }
    obj_entry *cur = cache_get(p, resource_by_plural("", "namespaces"), "", nsname);
    if (cur && pass_may_write(p)) {
        cJSON *copy = cJSON_Duplicate(cur->obj, 1);
        if (set_conditions(copy, failures))
            api_update(p, resource_by_plural("", "namespaces"), copy, "status", "deletion progress of the namespace");
        cJSON_Delete(copy);
    }
    cur = cache_get(p, resource_by_plural("", "namespaces"), "", nsname);
    if (cur && remaining_total == 0 && !delete_failed && pass_may_write(p)) {
        /* empty: our finalizer goes (finalizeNamespace) */
        cJSON *copy = cJSON_Duplicate(cur->obj, 1);
        cJSON *spec = cJSON_GetObjectItemCaseSensitive(copy, "spec");
        cJSON *fin = cJSON_GetObjectItemCaseSensitive(spec, "finalizers");
        cJSON *kept = cJSON_CreateArray();
        const cJSON *f;
        cJSON_ArrayForEach(f, fin)
            if (!cJSON_IsString(f) || strcmp(f->valuestring, FINALIZER)) cJSON_AddItemToArray(kept, cJSON_Duplicate(f, 1));
        cJSON_DeleteItemFromObjectCaseSensitive(spec, "finalizers");
        if (kept->child) cJSON_AddItemToObject(spec, "finalizers", kept);
        else cJSON_Delete(kept);
        api_update(p, resource_by_plural("", "namespaces"), copy, "finalize", "the namespace is empty");
        cJSON_Delete(copy);
    }
    for (int i = 0; i < n_remaining; i++) free(remaining[i]);
    for (int j = 0; j < n_fins; j++) free(fins[j].name);
    free(content_msg);
    free(fin_msg);
    free(joined);
    free(fjoined);
}

void namespace_controller(pass *p)
{
    kind_cache *ns = cache_kind(p, resource_by_plural("", "namespaces"));
    if (!ns) return;
    for (int i = 0; i < ns->all.n && pass_may_write(p); i++) {
        obj_entry *e = ns->all.items[i];
        if (e->gone || !obj_being_deleted(e->obj) || !has_spec_finalizer(e->obj)) continue;
        finalize_namespace(p, e);
    }
}
