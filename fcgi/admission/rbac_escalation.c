/* rbac_escalation.c: RBAC's escalation prevention (kube's policy-based
 * storage for roles, clusterroles, rolebindings and clusterrolebindings,
 * pkg/registry/rbac/.../policybased and rbac/validation.ConfirmNoEscalation).
 * It runs where kube runs it: after mutating admission, before the kind's
 * validation. A user may write a Role or ClusterRole only with rules they
 * hold themselves (or the `escalate` verb on it), and bind a role only if
 * they hold its rules (or the `bind` verb on it); system:masters may do
 * anything. Setting an aggregationRule needs every permission. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "admission/admission.h"
#include "codec/jsonpath.h"
#include "auth/authz.h"
#include "auth/rbac.h"
#include "core/status.h"

#define RBAC_GROUP "rbac.authorization.k8s.io"

static const char *object_name(const admission_attrs *a)
{
    const char *n = json_str(cJSON_GetObjectItemCaseSensitive(a->obj, "metadata"), "name");
    return n[0] ? n : a->name;
}

/* apierrors.NewForbidden(rbac.Resource(plural), name, errors.New(msg)) */
static cJSON *forbidden(const admission_attrs *a, const char *msg)
{
    const char *name = object_name(a);
    kapi_buf m;
    kapi_buf_init(&m);
    kapi_buf_printf(&m, "%s.%s ", a->resource->plural, RBAC_GROUP);
    if (name[0]) {
        go_quote(&m, name);
        kapi_buf_putc(&m, ' ');
    }
    kapi_buf_printf(&m, "is forbidden: %s", msg);
    kapi_buf_putc(&m, '\0');
    cJSON *st = status_new_details(KAPI_FORBIDDEN, m.data, name, RBAC_GROUP, a->resource->plural);
    kapi_buf_free(&m);
    return st;
}

static int compare_strings(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* ConfirmNoEscalation: NULL if the user's rules in ns cover rules, else the
 * error text "user \"alice\" (groups=[...]) is attempting to grant ...". */
static const char *confirm_no_escalation(const admission_attrs *a, const rbac_rule *rules, int n)
{
    kapi_pool *p = a->pool;
    rbac_rule *owner = NULL, *missing = NULL;
    const char *errors = NULL;
    int no = rbac_rules_for(a->ctx, p, a->user, a->ns, 1, &owner, &errors);
    if (no < 0) no = 0;
    int nm = 0;
    if (rbac_covers(p, owner, no, rules, n, &missing, &nm)) return NULL;
    rbac_rule *compact = NULL;
    int nc = rbac_compact(p, missing, nm, &compact);
    /* sets.NewString(...).List(): sorted, each once */
    const char **lines = kapi_palloc(p, (size_t)(nc ? nc : 1) * sizeof *lines);
    for (int i = 0; i < nc; i++) {
        kapi_buf b;
        kapi_buf_init(&b);
        rbac_rule_compact_string(&compact[i], &b);
        lines[i] = kapi_pstrndup(p, b.data ? b.data : "", b.len);
        kapi_buf_free(&b);
    }
    qsort(lines, (size_t)nc, sizeof *lines, compare_strings);
    kapi_buf m;
    kapi_buf_init(&m);
    kapi_buf_puts(&m, "user ");
    go_quote(&m, a->user->name ? a->user->name : "");
    kapi_buf_puts(&m, " (groups=");
    const char *groups[KAPI_MAX_GROUPS + 1] = {0};
    for (int i = 0; i < a->user->n_groups && i < KAPI_MAX_GROUPS; i++) groups[i] = a->user->groups[i];
    go_quote_list(&m, groups);
    kapi_buf_puts(&m, ") is attempting to grant RBAC permissions not currently held:\n");
    for (int i = 0; i < nc; i++) {
        if (i && !strcmp(lines[i], lines[i - 1])) continue;
        kapi_buf_printf(&m, "%s%s", i ? "\n" : "", lines[i]);
    }
    if (errors) kapi_buf_printf(&m, "; resolution errors: [%s]", errors);
    const char *msg = kapi_pstrndup(p, m.data ? m.data : "", m.len);
    kapi_buf_free(&m);
    return msg;
}

/* The user may `verb` the given RBAC resource (escalate, bind). */
static int may(const admission_attrs *a, const char *verb, const char *group, const char *resource,
               const char *name, const char *ns)
{
    rbac_attrs attrs = {.user = a->user, .verb = verb, .is_resource = 1, .api_group = group,
                        .resource = resource, .subresource = "", .ns = ns, .name = name, .path = ""};
    const char *reason = "";
    return authorize_attrs(a->ctx, a->pool, &attrs, &reason);
}

/* IsOnlyMutatingGCFields: nothing but ownerReferences, finalizers and the
 * fields the server keeps changes. */
static int only_gc_fields_change(const admission_attrs *a)
{
    if (!a->old) return 0;
    static const char *const ignored[] = {"ownerReferences", "finalizers", "selfLink", "managedFields",
                                          "resourceVersion", "uid", "creationTimestamp", "generation",
                                          "deletionTimestamp", "deletionGracePeriodSeconds", NULL};
    cJSON *x = cJSON_Duplicate(a->obj, 1), *y = cJSON_Duplicate(a->old, 1);
    int same = 0;
    if (x && y) {
        cJSON *mx = cJSON_GetObjectItemCaseSensitive(x, "metadata");
        cJSON *my = cJSON_GetObjectItemCaseSensitive(y, "metadata");
        for (int i = 0; ignored[i]; i++) {
            cJSON_DeleteItemFromObjectCaseSensitive(mx, ignored[i]);
            cJSON_DeleteItemFromObjectCaseSensitive(my, ignored[i]);
        }
        same = cJSON_Compare(x, y, 1);
    }
    cJSON_Delete(x);
    cJSON_Delete(y);
    return same;
}

static const char *const any[] = {"*", NULL};
static const rbac_rule full_authority[] = {
    {.verbs = any, .api_groups = any, .resources = any},
    {.verbs = any, .urls = any},
};

static int has_aggregation_rule(const cJSON *obj)
{
    const cJSON *agg = cJSON_GetObjectItemCaseSensitive(obj, "aggregationRule");
    const cJSON *sels = cJSON_GetObjectItemCaseSensitive(agg, "clusterRoleSelectors");
    return cJSON_IsArray(sels) && cJSON_GetArraySize(sels) > 0;
}

static cJSON *check_role(const admission_attrs *a, int cluster)
{
    if (may(a, "escalate", RBAC_GROUP, a->resource->plural, a->name, a->ns)) return NULL;
    if (a->op == ADMIT_UPDATE && only_gc_fields_change(a)) return NULL;
    rbac_rule *rules = NULL;
    int n = rbac_rules_from_json(a->pool, cJSON_GetObjectItemCaseSensitive(a->obj, "rules"), &rules);
    const char *err = confirm_no_escalation(a, rules, n);
    if (err) return forbidden(a, err);
    if (cluster && (has_aggregation_rule(a->obj) || (a->old && has_aggregation_rule(a->old)))) {
        if (confirm_no_escalation(a, full_authority, 2))
            return forbidden(a, "must have cluster-admin privileges to use the aggregationRule");
    }
    return NULL;
}

static cJSON *check_binding(const admission_attrs *a)
{
    if (a->op == ADMIT_UPDATE && only_gc_fields_change(a)) return NULL;
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(a->obj, "roleRef");
    const char *kind = json_str(ref, "kind"), *name = json_str(ref, "name");
    /* BindingAuthorized: `bind` on the role, in the binding's namespace */
    const char *resource = !strcmp(kind, "ClusterRole") ? "clusterroles" : !strcmp(kind, "Role") ? "roles" : NULL;
    if (resource && may(a, "bind", json_str(ref, "apiGroup"), resource, name, a->ns)) return NULL;
    rbac_rule *rules = NULL;
    const char *err = NULL;
    kapi_rc rc = KAPI_OK;
    int n = rbac_role_ref_rules(a->ctx, a->pool, kind, name, a->ns, &rules, &err, &rc);
    if (n < 0) {
        if (rc == KAPI_NOT_FOUND)
            return status_new_details(KAPI_NOT_FOUND, err, name, RBAC_GROUP,
                                      !strcmp(kind, "Role") ? "roles" : "clusterroles");
        char msg[700];
        snprintf(msg, sizeof msg, "Internal error occurred: %s", err ? err : "");
        return status_new_details(KAPI_INTERNAL, msg, NULL, NULL, NULL);
    }
    const char *msg = confirm_no_escalation(a, rules, n);
    return msg ? forbidden(a, msg) : NULL;
}

static cJSON *rbac_escalation_check(const admission_attrs *a)
{
    const kapi_resource *r = a->resource;
    if (!r || strcmp(r->group, RBAC_GROUP) || (a->op != ADMIT_CREATE && a->op != ADMIT_UPDATE)) return NULL;
    if (a->subresource && a->subresource[0]) return NULL;
    if (!a->user || !a->obj || user_in_group(a->user, "system:masters")) return NULL;  /* EscalationAllowed */
    if (!strcmp(r->plural, "roles")) return check_role(a, 0);
    if (!strcmp(r->plural, "clusterroles")) return check_role(a, 1);
    if (!strcmp(r->plural, "rolebindings") || !strcmp(r->plural, "clusterrolebindings"))
        return check_binding(a);
    return NULL;
}

const admission_plugin admission_rbac_escalation = {
    .name = "RBACEscalation",
    .mutate = rbac_escalation_check,
};
