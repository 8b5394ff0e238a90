/* validating_policy.c: kube's ValidatingAdmissionPolicy plugin, the part
 * kapi does: each ValidatingAdmissionPolicyBinding whose validationActions
 * include Deny, with its policy, is matched against the request
 * (matchConstraints.resourceRules and excludeResourceRules: operations,
 * apiGroups, apiVersions, resources, resourceNames; the binding's
 * matchResources narrow it), then the policy's validations are evaluated
 * with kapi's CEL (cel/cel.h) over object, oldObject and request. The first
 * validation that is false denies the request as kube does:
 * "ValidatingAdmissionPolicy 'P' with binding 'B' denied request: MSG",
 * with the validation's reason (Invalid, 422, by default). Not done:
 * params (paramKind/paramRef), variables, matchConditions,
 * messageExpression, auditAnnotations, namespace and object selectors,
 * Warn and Audit actions. An expression that does not compile or fails
 * follows the policy's failurePolicy (Fail denies). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "admission/admission.h"
#include "cel/cel.h"
#include "codec/jsonpath.h"
#include "core/status.h"
#include "store/store.h"

typedef struct collected {
    cJSON *items;   /* parsed objects */
} collected;

static int collect(void *arg, const char *key, const char *value, int64_t mod_rev)
{
    (void)key, (void)mod_rev;
    cJSON *obj = cJSON_Parse(value);
    if (obj) cJSON_AddItemToArray(((collected *)arg)->items, obj);
    return 0;
}

static int listed(const cJSON *list, const char *v)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, list)
        if (cJSON_IsString(e) && (!strcmp(e->valuestring, "*") || !strcmp(e->valuestring, v))) return 1;
    return 0;
}

static const char *operation_name(admission_op op)
{
    return op == ADMIT_CREATE ? "CREATE" : op == ADMIT_UPDATE ? "UPDATE" : op == ADMIT_DELETE ? "DELETE" : "CONNECT";
}

/* One NamedRuleWithOperations against the request. */
static int rule_matches(const cJSON *rule, const admission_attrs *a)
{
    char resource[300];
    snprintf(resource, sizeof resource, "%s%s%s", a->resource->plural, *a->subresource ? "/" : "",
             a->subresource);
    const cJSON *names = json_get(rule, "resourceNames");
    return listed(json_get(rule, "operations"), operation_name(a->op)) &&
           listed(json_get(rule, "apiGroups"), a->resource->group) &&
           listed(json_get(rule, "apiVersions"), a->resource->version) &&
           (listed(json_get(rule, "resources"), resource) ||
            (*a->subresource && listed(json_get(rule, "resources"), "*/*"))) &&
           (cJSON_GetArraySize(names) == 0 || listed(names, a->name));
}

static int any_rule(const cJSON *rules, const admission_attrs *a)
{
    const cJSON *r;
    cJSON_ArrayForEach(r, rules) if (rule_matches(r, a)) return 1;
    return 0;
}

static int resources_match(const cJSON *m, const admission_attrs *a)
{
    return any_rule(json_get(m, "resourceRules"), a) && !any_rule(json_get(m, "excludeResourceRules"), a);
}

static cJSON *request_of(const admission_attrs *a)
{
    cJSON *r = cJSON_CreateObject();
    cJSON *kind = cJSON_AddObjectToObject(r, "kind");
    cJSON_AddStringToObject(kind, "group", a->resource->group);
    cJSON_AddStringToObject(kind, "version", a->resource->version);
    cJSON_AddStringToObject(kind, "kind", a->resource->kind);
    cJSON *res = cJSON_AddObjectToObject(r, "resource");
    cJSON_AddStringToObject(res, "group", a->resource->group);
    cJSON_AddStringToObject(res, "version", a->resource->version);
    cJSON_AddStringToObject(res, "resource", a->resource->plural);
    if (*a->subresource) cJSON_AddStringToObject(r, "subResource", a->subresource);
    cJSON_AddStringToObject(r, "name", a->name);
    cJSON_AddStringToObject(r, "namespace", a->ns);
    cJSON_AddStringToObject(r, "operation", operation_name(a->op));
    cJSON *user = cJSON_AddObjectToObject(r, "userInfo");
    cJSON_AddStringToObject(user, "username", a->user && a->user->name ? a->user->name : "");
    cJSON *groups = cJSON_AddArrayToObject(user, "groups");
    for (int i = 0; a->user && i < a->user->n_groups; i++) cJSON_AddItemToArray(groups, cJSON_CreateString(a->user->groups[i]));
    cJSON_AddBoolToObject(r, "dryRun", a->dry_run != 0);
    return r;
}

/* reasonToCode */
static kapi_rc code_of(const char *reason)
{
    if (!strcmp(reason, "Forbidden")) return KAPI_FORBIDDEN;
    if (!strcmp(reason, "Unauthorized")) return KAPI_UNAUTHORIZED;
    if (!strcmp(reason, "RequestEntityTooLarge")) return KAPI_TOO_LARGE;
    return KAPI_INVALID;
}

/* admission.NewForbidden's Status with the decision's reason and code and
 * the message as a cause (kube's dispatcher) */
static cJSON *denied(const admission_attrs *a, const char *policy, const char *binding, const char *msg,
                     const char *reason)
{
    char text[1500], full[2000], resource[300];
    snprintf(text, sizeof text, "ValidatingAdmissionPolicy '%s' with binding '%s' denied request: %s", policy, binding, msg);
    snprintf(resource, sizeof resource, "%s%s%s", a->resource->plural, *a->resource->group ? "." : "", a->resource->group);
    const char *name = *a->name ? a->name : json_str_at(a->obj, "metadata.name", "");
    snprintf(full, sizeof full, "%s \"%s\" is forbidden: %s", resource, name, text);
    cJSON *st = status_new_details(code_of(reason), full, name, *a->resource->group ? a->resource->group : NULL,
                                   a->resource->plural);
    cJSON_ReplaceItemInObjectCaseSensitive(st, "reason", cJSON_CreateString(reason));
    cJSON *details = cJSON_GetObjectItemCaseSensitive(st, "details");
    cJSON *cause = cJSON_CreateObject();
    cJSON_AddStringToObject(cause, "message", text);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(details, "causes"), cause);
    return st;
}

/* The policy's validations for one binding: a Status to deny, or NULL. */
static cJSON *evaluate(const admission_attrs *a, const cJSON *policy, const cJSON *binding, const cJSON *request)
{
    static const char *const names[] = {"object", "oldObject", "request", "params", "namespaceObject"};
    const cJSON *values[] = {a->obj, a->old, request, NULL, NULL};
    const char *pname = json_str_at(policy, "metadata.name", ""), *bname = json_str_at(binding, "metadata.name", "");
    int fail_closed = strcmp(json_str_at(policy, "spec.failurePolicy", "Fail"), "Ignore") != 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, json_at(policy, "spec.validations")) {
        const char *expr = json_str(v, "expression");
        cel_program *prog = NULL;
        char *err = NULL;
        cel_result res = {0};
        char msg[1200];
        if (cel_compile_with(expr, names, 5, &prog, &err) == 0) {
            cel_eval_with(prog, names, values, 5, CEL_PER_CALL_LIMIT, &res, NULL);
            cel_program_free(prog);
        } else {
            res.kind = CEL_RESULT_ERROR;
            res.text = err;
        }
        cJSON *st = NULL;
        if (res.kind == CEL_RESULT_BOOL && !res.value) {
            const char *m = json_str(v, "message");
            if (*m) snprintf(msg, sizeof msg, "%s", m);
            else snprintf(msg, sizeof msg, "failed expression: %s", expr);
            st = denied(a, pname, bname, msg, *json_str(v, "reason") ? json_str(v, "reason") : "Invalid");
        } else if (res.kind != CEL_RESULT_BOOL && fail_closed) {
            snprintf(msg, sizeof msg, "expression '%s' resulted in error: %s", expr,
                     res.text ? res.text : "no such overload");
            st = denied(a, pname, bname, msg, "Invalid");
        }
        free(res.text);
        if (st) return st;
    }
    return NULL;
}

static cJSON *validate(const admission_attrs *a)
{
    if (a->op == ADMIT_CONNECT || !a->ctx || !a->ctx->store) return NULL;
    collected bindings = {cJSON_CreateArray()};
    int64_t rev;
    if (store_list(a->ctx->store, "/registry/validatingadmissionpolicybindings/", NULL, 0, collect, &bindings, &rev) != STORE_OK ||
        !bindings.items->child) {
        cJSON_Delete(bindings.items);
        return NULL;
    }
    cJSON *request = request_of(a);
    cJSON *st = NULL;
    const cJSON *b;
    cJSON_ArrayForEach(b, bindings.items) {
        int deny = 0;
        const cJSON *action;
        cJSON_ArrayForEach(action, json_at(b, "spec.validationActions"))
            deny |= cJSON_IsString(action) && !strcmp(action->valuestring, "Deny");
        if (!deny) continue;
        const char *pname = json_str_at(b, "spec.policyName", "");
        store_kv kv;
        if (!*pname || store_get(a->ctx->store, kapi_psprintf(a->pool, "/registry/validatingadmissionpolicies/%s", pname), &kv) != STORE_OK)
            continue;
        cJSON *policy = cJSON_Parse(kv.value);
        store_kv_free(&kv);
        const cJSON *mc = json_at(policy, "spec.matchConstraints"), *bm = json_at(b, "spec.matchResources");
        if (policy && cJSON_IsObject(mc) && resources_match(mc, a) && (!cJSON_IsObject(bm) || !json_get(bm, "resourceRules") || resources_match(bm, a)))
            st = evaluate(a, policy, b, request);
        cJSON_Delete(policy);
        if (st) break;
    }
    cJSON_Delete(request);
    cJSON_Delete(bindings.items);
    return st;
}

const admission_plugin admission_validating_policy = {"ValidatingAdmissionPolicy", NULL, validate};
