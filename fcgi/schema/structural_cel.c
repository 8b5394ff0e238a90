/* structural_cel.c: the CEL rules of x-kubernetes-validations evaluated
 * on a value as kube-apiserver does (apiserver/schema/cel/validation.go):
 * each rule with self (and oldSelf for a transition rule, only when the
 * value existed in the old object, unless optionalOldSelf), within the
 * per-call limit and the object's runtime budget, with kube's messages:
 *   Invalid value: "object": <message>        (or "failed rule: <rule>")
 *   <error> evaluating rule: <rule>
 *   '<error>': no further validation rules will be run due to call cost exceeds limit for rule: <rule>
 *   validation failed due to running out of cost budget, no further validation rules will be run
 * messageExpression, reason (the error type) and fieldPath (the error's
 * path) as kube applies them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/alloc.h"
#include "schema/structural_internal.h"

/* kube's ruleErrorString: the message when set, else the rule. */
static const char *rule_error_string(const srule *r)
{
    return r->message && *r->message ? r->message : r->rule;
}

static void add_rule_error(const srule *r, const snode *n, const char *field, const char *detail, field_errors *errs)
{
    char path[STRUCTURAL_PATH_MAX + 256];
    const char *fp = r->field_path;
    if (fp && *fp) snprintf(path, sizeof path, "%s%s%s", field, (*fp == '.' || *fp == '[') ? "" : ".", fp);
    else snprintf(path, sizeof path, "%s", field);
    const char *reason = r->reason;
    if (reason && !strcmp(reason, "FieldValueRequired")) field_error_add(errs, FIELD_REQUIRED, path, NULL, detail);
    else if (reason && !strcmp(reason, "FieldValueForbidden")) field_error_add(errs, FIELD_FORBIDDEN, path, NULL, detail);
    else if (reason && !strcmp(reason, "FieldValueDuplicate")) field_error_add_str(errs, FIELD_DUPLICATE, path, n->type, detail);
    else field_error_add_str(errs, FIELD_INVALID, path, n->type, detail);
}

static bool has_line_break(const char *s) { return strchr(s, '\n') || strchr(s, '\r'); }

void structural_validate_rules(const snode *n, const cJSON *v, const cJSON *old, bool has_old, const char *field,
                               field_errors *errs, int64_t *budget)
{
    for (int i = 0; i < n->nrules; i++) {
        const srule *r = &n->rules[i];
        if (!r->program) continue;
        if (r->uses_old_self && !has_old && !r->optional_old_self) continue;   /* a transition rule on create */
        if (*budget <= 0) {
            field_error_add_str(errs, FIELD_INVALID, field, n->type,
                                "validation failed due to running out of cost budget, no further validation rules will be run");
            return;
        }
        int64_t limit = *budget < CEL_PER_CALL_LIMIT ? *budget : CEL_PER_CALL_LIMIT;
        cel_result res;
        cel_eval_schema(r->program, v, has_old ? old : NULL, n->raw, r->optional_old_self, limit, &res);
        *budget -= res.cost;
        if (res.kind == CEL_RESULT_ERROR || res.cost_exceeded) {
            const char *text = res.text ? res.text : "";
            char *detail;
            bool stop = false;
            if (res.cost_exceeded || !strncmp(text, "operation cancelled: actual cost limit exceeded", 47)) {
                detail = kapi_xsprintf("'%s': no further validation rules will be run due to call cost exceeds limit for rule: %s",
                                       *text ? text : "operation cancelled: actual cost limit exceeded", rule_error_string(r));
                stop = true;
            } else if (!strncmp(text, "no such overload", 16)) {
                detail = kapi_xsprintf("'%s': call arguments did not match a supported operator, function or macro signature for rule: %s",
                                       text, rule_error_string(r));
            } else {
                detail = kapi_xsprintf("%s evaluating rule: %s", text, rule_error_string(r));
            }
            field_error_add_str(errs, FIELD_INVALID, field, n->type, detail);
            free(detail);
            free(res.text);
            if (stop) { *budget = 0; return; }
            continue;
        }
        if (res.kind != CEL_RESULT_BOOL) {
            char *detail = kapi_xsprintf("rule result type must be bool evaluating rule: %s", rule_error_string(r));
            field_error_add_str(errs, FIELD_INVALID, field, n->type, detail);
            free(detail);
            free(res.text);
            continue;
        }
        free(res.text);
        if (res.value) continue;
        /* the rule failed: its message */
        char *message = NULL;
        if (r->message_program && *budget > 0) {
            cel_result m;
            int64_t mlimit = *budget < CEL_PER_CALL_LIMIT ? *budget : CEL_PER_CALL_LIMIT;
            cel_eval_schema(r->message_program, v, has_old ? old : NULL, n->raw, r->optional_old_self, mlimit, &m);
            *budget -= m.cost;
            if (m.kind == CEL_RESULT_STRING && m.text) {
                char *t = m.text;
                while (*t == ' ' || *t == '\t') t++;
                if (*t && !has_line_break(t)) message = kapi_xstrdup(m.text);
            }
            free(m.text);
        }
        if (!message) {
            if (r->message && *r->message) message = kapi_xstrdup(r->message);
            else message = kapi_xsprintf("failed rule: %s", r->rule);
        }
        add_rule_error(r, n, field, message, errs);
        free(message);
    }
}
