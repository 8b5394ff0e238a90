/* structural_compile.c: structural_compile and structural_free: an
 * openAPIV3Schema becomes a tree of snodes, with the checks
 * kube-apiserver makes when a CRD is written
 * (apiextensions/validation/validation.go's
 * ValidateCustomResourceDefinitionOpenAPISchema and
 * apiserver/schema/validation.go's ValidateStructural): forbidden
 * keywords, type on every node, items and list/map extensions, metadata
 * at the root, defaults that validate and are pruned, and CEL rules that
 * compile. */
#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/kapi.h"
#include "cel/regex.h"
#include "core/alloc.h"
#include "schema/structural_internal.h"

typedef struct compiler {
    field_errors *errs;
    int nodes;
    bool lenient;      /* compiling the int-or-string anyOf: its types are allowed */
    char *uncorrelatable; /* under the items of this list (not a list-map): oldSelf is refused */
    bool failed;
} compiler;

enum level { ROOT_LEVEL, ITEM_LEVEL, FIELD_LEVEL };

/* ---- paths ---- */

size_t spath_child(spath *p, const char *name)
{
    size_t old = p->n;
    int w = snprintf(p->s + p->n, sizeof p->s - p->n, "%s%s", p->n ? "." : "", name);
    if (w > 0) p->n = p->n + (size_t)w < sizeof p->s ? p->n + (size_t)w : sizeof p->s - 1;
    return old;
}

size_t spath_index(spath *p, int i)
{
    size_t old = p->n;
    int w = snprintf(p->s + p->n, sizeof p->s - p->n, "[%d]", i);
    if (w > 0) p->n = p->n + (size_t)w < sizeof p->s ? p->n + (size_t)w : sizeof p->s - 1;
    return old;
}

size_t spath_key(spath *p, const char *key)
{
    size_t old = p->n;
    int w = snprintf(p->s + p->n, sizeof p->s - p->n, "[%s]", key);
    if (w > 0) p->n = p->n + (size_t)w < sizeof p->s ? p->n + (size_t)w : sizeof p->s - 1;
    return old;
}

void spath_reset(spath *p, size_t n)
{
    assert(n <= p->n);
    p->n = n;
    p->s[n] = 0;
}

static void err_at(compiler *c, field_error_type t, spath *p, const char *child, const cJSON *bad, const char *detail)
{
    size_t old = child ? spath_child(p, child) : p->n;
    field_error_add(c->errs, t, p->s, bad, detail);
    spath_reset(p, old);
    c->failed = true;
}

static void err_str(compiler *c, field_error_type t, spath *p, const char *child, const char *bad, const char *detail)
{
    size_t old = child ? spath_child(p, child) : p->n;
    field_error_add_str(c->errs, t, p->s, bad, detail);
    spath_reset(p, old);
    c->failed = true;
}

/* ---- lookups ---- */

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

const snode *snode_property(const snode *n, const char *name)
{
    if (!n || !n->nprops) return NULL;
    char *const *hit = bsearch(&name, n->prop_names, (size_t)n->nprops, sizeof *n->prop_names, cmp_names);
    return hit ? n->props[hit - n->prop_names] : NULL;
}

static const char *str_of(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool true_of(const cJSON *o, const char *k)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, k));
}

static int64_t int_of(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0)) return -1;
    return v->valuedouble >= 9.2e18 ? INT64_MAX : (int64_t)v->valuedouble;
}

static bool num_of(const cJSON *o, const char *k, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (!cJSON_IsNumber(v)) return false;
    *out = v->valuedouble;
    return true;
}

/* ---- nodes ---- */

void snode_free(snode *n)
{
    if (!n) return;
    for (int i = 0; i < n->nprops; i++) snode_free(n->props[i]);
    free(n->props);
    free(n->prop_names);
    snode_free(n->items);
    snode_free(n->additional);
    for (int i = 0; i < n->nall; i++) snode_free(n->all_of[i]);
    for (int i = 0; i < n->nany; i++) snode_free(n->any_of[i]);
    for (int i = 0; i < n->none; i++) snode_free(n->one_of[i]);
    free(n->all_of);
    free(n->any_of);
    free(n->one_of);
    snode_free(n->not_);
    if (n->has_pattern) regfree(&n->pattern_re);
    for (int i = 0; i < n->nrules; i++) {
        srule *r = &n->rules[i];
        free(r->rule); free(r->message); free(r->message_expression); free(r->reason); free(r->field_path);
        cel_program_free(r->program);
        cel_program_free(r->message_program);
    }
    free(n->rules);
    free(n);
}

static snode *compile_node(compiler *c, const cJSON *raw, spath *p, enum level lvl, bool nested, int depth);

/* kube's two int-or-string exceptions: anyOf [{type: integer}, {type:
 * string}], alone or as allOf's first entry, may name their types. */
static bool is_int_or_string_any_of(const cJSON *any_of)
{
    if (cJSON_GetArraySize(any_of) != 2) return false;
    const cJSON *a = any_of->child, *b = a->next;
    return cJSON_GetArraySize(a) == 1 && cJSON_GetArraySize(b) == 1 && str_of(a, "type") &&
           !strcmp(str_of(a, "type"), "integer") && str_of(b, "type") && !strcmp(str_of(b, "type"), "string");
}

static snode **compile_list(compiler *c, const cJSON *arr, spath *p, const char *name, enum level lvl, int depth,
                            int *count)
{
    bool int_or_string = !strcmp(name, "anyOf") && is_int_or_string_any_of(arr);
    bool saved = c->lenient;
    if (int_or_string) c->lenient = true;
    *count = 0;
    if (!cJSON_IsArray(arr)) return NULL;
    int n = cJSON_GetArraySize(arr);
    snode **out = kapi_xcalloc((size_t)n + 1, sizeof *out);
    size_t old = spath_child(p, name);
    int i = 0;
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        size_t o2 = spath_index(p, i);
        c->lenient = int_or_string;
        out[i] = compile_node(c, it, p, lvl, true, depth + 1);
        spath_reset(p, o2);
    }
    spath_reset(p, old);
    c->lenient = saved;
    *count = n;
    return out;
}

/* kube's specStandardValidatorV3: keywords a CRD schema may not use. */
static void check_forbidden_keywords(compiler *c, const cJSON *raw, spath *p)
{
    if (cJSON_GetObjectItemCaseSensitive(raw, "id")) err_at(c, FIELD_FORBIDDEN, p, "id", NULL, "id is not supported");
    if (cJSON_GetObjectItemCaseSensitive(raw, "additionalItems"))
        err_at(c, FIELD_FORBIDDEN, p, "additionalItems", NULL, "additionalItems is not supported");
    if (cJSON_GetObjectItemCaseSensitive(raw, "patternProperties"))
        err_at(c, FIELD_FORBIDDEN, p, "patternProperties", NULL, "patternProperties is not supported");
    if (cJSON_GetObjectItemCaseSensitive(raw, "definitions"))
        err_at(c, FIELD_FORBIDDEN, p, "definitions", NULL, "definitions is not supported");
    if (cJSON_GetObjectItemCaseSensitive(raw, "dependencies"))
        err_at(c, FIELD_FORBIDDEN, p, "dependencies", NULL, "dependencies is not supported");
    if (cJSON_GetObjectItemCaseSensitive(raw, "$ref")) err_at(c, FIELD_FORBIDDEN, p, "$ref", NULL, "$ref is not supported");
    const char *type = str_of(raw, "type");
    if (type && !strcmp(type, "null"))
        err_at(c, FIELD_FORBIDDEN, p, "type", NULL, "type cannot be set to null, use nullable as an alternative");
    if (cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(raw, "items")))
        err_at(c, FIELD_FORBIDDEN, p, "items", NULL, "items must be a schema object and not an array");
    if (true_of(raw, "uniqueItems"))
        err_at(c, FIELD_FORBIDDEN, p, "uniqueItems", NULL,
               "uniqueItems cannot be set to true since the runtime complexity becomes quadratic");
    const cJSON *pu = cJSON_GetObjectItemCaseSensitive(raw, "x-kubernetes-preserve-unknown-fields");
    if (cJSON_IsFalse(pu)) err_at(c, FIELD_INVALID, p, "x-kubernetes-preserve-unknown-fields", pu, "must be true or undefined");
    if (type && *type && strcmp(type, "object") && strcmp(type, "array") && strcmp(type, "string") &&
        strcmp(type, "integer") && strcmp(type, "number") && strcmp(type, "boolean") && strcmp(type, "null")) {
        static const char *const types[] = {"array", "boolean", "integer", "number", "object", "string", NULL};
        size_t old = spath_child(p, "type");
        field_error_not_supported(c->errs, p->s, type, types);
        spath_reset(p, old);
        c->failed = true;
    }
}

/* A nested value validation (allOf/anyOf/oneOf/not) may not say what
 * only the structural part may (kube's validateNestedValueValidation). */
static void check_nested(compiler *c, const cJSON *raw, spath *p)
{
    if (str_of(raw, "type") && *str_of(raw, "type")) err_at(c, FIELD_FORBIDDEN, p, "type", NULL, "must be empty to be structural");
    if (cJSON_GetObjectItemCaseSensitive(raw, "additionalProperties"))
        err_at(c, FIELD_FORBIDDEN, p, "additionalProperties", NULL, "must be undefined to be structural");
    if (cJSON_GetObjectItemCaseSensitive(raw, "default"))
        err_at(c, FIELD_FORBIDDEN, p, "default", NULL, "must be undefined to be structural");
    if (str_of(raw, "title") && *str_of(raw, "title")) err_at(c, FIELD_FORBIDDEN, p, "title", NULL, "must be empty to be structural");
    if (str_of(raw, "description") && *str_of(raw, "description"))
        err_at(c, FIELD_FORBIDDEN, p, "description", NULL, "must be empty to be structural");
    if (true_of(raw, "nullable")) err_at(c, FIELD_FORBIDDEN, p, "nullable", NULL, "must be false to be structural");
    static const char *const flags[] = {"x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource",
                                        "x-kubernetes-int-or-string"};
    for (size_t i = 0; i < 3; i++)
        if (true_of(raw, flags[i])) err_at(c, FIELD_FORBIDDEN, p, flags[i], NULL, "must be false to be structural");
    if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(raw, "x-kubernetes-list-map-keys")) > 0)
        err_at(c, FIELD_FORBIDDEN, p, "x-kubernetes-list-map-keys", NULL, "must be empty to be structural");
    if (cJSON_GetObjectItemCaseSensitive(raw, "x-kubernetes-list-type"))
        err_at(c, FIELD_FORBIDDEN, p, "x-kubernetes-list-type", NULL, "must be undefined to be structural");
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(raw, "properties");
    if (cJSON_GetObjectItemCaseSensitive(props, "metadata")) {
        size_t old = spath_child(p, "properties");
        spath_key(p, "metadata");
        field_error_add(c->errs, FIELD_FORBIDDEN, p->s, NULL, "must not be specified in a nested context");
        spath_reset(p, old);
        c->failed = true;
    }
}

static void check_list_extensions(compiler *c, snode *n, const cJSON *raw, spath *p)
{
    const char *type = n->type;
    const cJSON *mt = cJSON_GetObjectItemCaseSensitive(raw, "x-kubernetes-map-type");
    if (mt && strcmp(type, "object")) {
        if (!*type) err_at(c, FIELD_REQUIRED, p, "type", NULL, "must be object if x-kubernetes-map-type is specified");
        else err_str(c, FIELD_INVALID, p, "type", type, "must be object if x-kubernetes-map-type is specified");
    }
    if (mt && (!cJSON_IsString(mt) || (strcmp(mt->valuestring, "atomic") && strcmp(mt->valuestring, "granular")))) {
        static const char *const v[] = {"atomic", "granular", NULL};
        size_t old = spath_child(p, "x-kubernetes-map-type");
        field_error_not_supported(c->errs, p->s, cJSON_IsString(mt) ? mt->valuestring : "", v);
        spath_reset(p, old);
        c->failed = true;
    }
    const cJSON *lt = cJSON_GetObjectItemCaseSensitive(raw, "x-kubernetes-list-type");
    const char *lts = cJSON_IsString(lt) ? lt->valuestring : (lt ? "" : NULL);
    if (lts && strcmp(type, "array")) {
        if (!*type) err_at(c, FIELD_REQUIRED, p, "type", NULL, "must be array if x-kubernetes-list-type is specified");
        else err_str(c, FIELD_INVALID, p, "type", type, "must be array if x-kubernetes-list-type is specified");
    }
    if (lts && strcmp(lts, "atomic") && strcmp(lts, "set") && strcmp(lts, "map")) {
        static const char *const v[] = {"atomic", "set", "map", NULL};
        size_t old = spath_child(p, "x-kubernetes-list-type");
        field_error_not_supported(c->errs, p->s, lts, v);
        spath_reset(p, old);
        c->failed = true;
    }
    if (lts && !strcmp(lts, "set")) n->list_type = LIST_SET;
    if (lts && !strcmp(lts, "map")) n->list_type = LIST_MAP;
    const cJSON *keys = cJSON_GetObjectItemCaseSensitive(raw, "x-kubernetes-list-map-keys");
    if (cJSON_GetArraySize(keys) > 0) {
        if (!lts) err_at(c, FIELD_REQUIRED, p, "x-kubernetes-list-type", NULL, "must be map if x-kubernetes-list-map-keys is non-empty");
        else if (strcmp(lts, "map"))
            err_str(c, FIELD_INVALID, p, "x-kubernetes-list-type", lts, "must be map if x-kubernetes-list-map-keys is non-empty");
    }
    if (n->list_type != LIST_MAP) return;
    n->list_map_keys = keys;
    if (cJSON_GetArraySize(keys) == 0)
        err_at(c, FIELD_REQUIRED, p, "x-kubernetes-list-map-keys", NULL, "must not be empty if x-kubernetes-list-type is map");
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(raw, "items");
    if (!items) {
        err_at(c, FIELD_REQUIRED, p, "items", NULL, "must have a schema if x-kubernetes-list-type is map");
        return;
    }
    const char *it = str_of(items, "type");
    if (!it) it = "";
    if (strcmp(it, "object")) {
        size_t old = spath_child(p, "items");
        err_str(c, FIELD_INVALID, p, "type", it, "must be object if parent array's x-kubernetes-list-type is map");
        spath_reset(p, old);
        return;
    }
    const cJSON *iprops = cJSON_GetObjectItemCaseSensitive(items, "properties");
    int i = 0;
    for (const cJSON *k = cJSON_IsArray(keys) ? keys->child : NULL; k; k = k->next, i++) {
        const char *name = cJSON_IsString(k) ? k->valuestring : "";
        const cJSON *ks = cJSON_GetObjectItemCaseSensitive(iprops, name);
        if (ks) {
            const char *kt = str_of(ks, "type");
            if (kt && (!strcmp(kt, "array") || !strcmp(kt, "object"))) {
                size_t old = spath_child(p, "items");
                spath_child(p, "properties");
                spath_key(p, name);
                err_str(c, FIELD_INVALID, p, "type", it, "must be a scalar type if parent array's x-kubernetes-list-type is map");
                spath_reset(p, old);
            }
        } else {
            err_at(c, FIELD_INVALID, p, "x-kubernetes-list-map-keys", keys, "entries must all be names of item properties");
        }
        int j = 0;
        for (const cJSON *k2 = keys->child; k2 && j < i; k2 = k2->next, j++)
            if (cJSON_IsString(k2) && !strcmp(k2->valuestring, name)) {
                err_at(c, FIELD_INVALID, p, "x-kubernetes-list-map-keys", keys, "must not contain duplicate entries");
                break;
            }
    }
}

static bool has_newline(const char *s) { return s && (strchr(s, '\n') || strchr(s, '\r')); }

static char *trimmed(const char *s)
{
    if (!s) return NULL;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r')) n--;
    return kapi_xstrndup(s, n);
}

/* x-kubernetes-validations: each rule's fields, then the rule compiled. */
/* A rule whose CEL (rule or messageExpression, the child) did not compile:
 * kube's Invalid at <path>.<child> with the rule as its value, a Go struct
 * printed bare as %#v prints it, and "<what>: <err>"; frees err. */
static void rule_compile_error(compiler *c, spath *p, const cJSON *r, const char *child, const char *what, char *err)
{
    char *value = structural_rule_go_value(r);
    char *detail = kapi_xsprintf("%s: %s", what, err ? err : "");
    size_t old = spath_child(p, child);
    cJSON *raw_value = cJSON_CreateRaw(value);
    field_error_add(c->errs, FIELD_INVALID, p->s, raw_value, detail);
    cJSON_Delete(raw_value);
    spath_reset(p, old);
    c->failed = true;
    free(value);
    free(detail);
    free(err);
}

static void compile_rules(compiler *c, snode *n, const cJSON *rules, spath *p, bool any_errors)
{
    if (!cJSON_IsArray(rules)) return;
    n->nrules = cJSON_GetArraySize(rules);
    n->rules = kapi_xcalloc((size_t)n->nrules + 1, sizeof *n->rules);
    size_t base = spath_child(p, "x-kubernetes-validations");
    int i = 0;
    for (const cJSON *r = rules->child; r; r = r->next, i++) {
        srule *sr = &n->rules[i];
        size_t at = spath_index(p, i);
        const char *rule = str_of(r, "rule"), *msg = str_of(r, "message"), *mexpr = str_of(r, "messageExpression");
        const char *reason = str_of(r, "reason"), *fp = str_of(r, "fieldPath");
        sr->rule = trimmed(rule ? rule : "");
        sr->message = trimmed(msg);
        sr->message_expression = trimmed(mexpr);
        sr->reason = kapi_xstrdup(reason);
        sr->field_path = trimmed(fp);
        sr->optional_old_self = true_of(r, "optionalOldSelf");
        bool bad = false;
        if (!*sr->rule) { err_at(c, FIELD_REQUIRED, p, "rule", NULL, "rule is not specified"); bad = true; }
        else if (msg && *msg && !*sr->message) err_str(c, FIELD_INVALID, p, "message", msg, "message must be non-empty if specified");
        else if (has_newline(sr->message)) err_str(c, FIELD_INVALID, p, "message", msg, "message must not contain line breaks");
        else if (has_newline(sr->rule) && (!sr->message || !*sr->message))
            err_at(c, FIELD_REQUIRED, p, "message", NULL, "message must be specified if rule contains line breaks");
        if (mexpr && *mexpr && !*sr->message_expression)
            err_at(c, FIELD_REQUIRED, p, "messageExpression", NULL, "messageExpression must be non-empty if specified");
        if (reason && strcmp(reason, "FieldValueInvalid") && strcmp(reason, "FieldValueForbidden") &&
            strcmp(reason, "FieldValueRequired") && strcmp(reason, "FieldValueDuplicate")) {
            static const char *const v[] = {"FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid",
                                            "FieldValueRequired", NULL};
            size_t old = spath_child(p, "reason");
            field_error_not_supported(c->errs, p->s, reason, v);
            spath_reset(p, old);
            c->failed = true;
        }
        if (fp && *fp && !*sr->field_path) err_str(c, FIELD_INVALID, p, "fieldPath", fp, "fieldPath must be non-empty if specified");
        if (has_newline(fp)) err_str(c, FIELD_INVALID, p, "fieldPath", fp, "fieldPath must not contain line breaks");
        if (!bad && !any_errors && !c->failed) {
            char *err = NULL;
            if (cel_compile(sr->rule, &sr->program, &err)) {
                rule_compile_error(c, p, r, "rule", "compilation failed", err);
                sr->program = NULL;
            } else {
                sr->uses_old_self = strstr(sr->rule, "oldSelf") != NULL;
                if (sr->uses_old_self && c->uncorrelatable) {
                    char *detail = kapi_xsprintf("oldSelf cannot be used on the uncorrelatable portion of the schema within %s",
                                                 c->uncorrelatable);
                    err_str(c, FIELD_INVALID, p, "rule", sr->rule, detail);
                    free(detail);
                }
                if (!sr->uses_old_self && cJSON_GetObjectItemCaseSensitive(r, "optionalOldSelf"))
                    err_at(c, FIELD_INVALID, p, "optionalOldSelf", cJSON_GetObjectItemCaseSensitive(r, "optionalOldSelf"),
                           "may not be set if oldSelf is not used in rule");
            }
            if (sr->message_expression && *sr->message_expression) {
                err = NULL;
                if (cel_compile(sr->message_expression, &sr->message_program, &err)) {
                    rule_compile_error(c, p, r, "messageExpression", "messageExpression compilation failed", err);
                    sr->message_program = NULL;
                }
            }
        }
        spath_reset(p, at);
    }
    spath_reset(p, base);
}

static void check_metadata_at_root(compiler *c, const cJSON *meta, spath *p)
{
    /* only name and generateName may be restricted, and only by value
     * validations; type: object is allowed (it is dropped before kube's
     * comparison), as are description and default (checked elsewhere) */
    bool ok = true;
    for (const cJSON *k = meta->child; k; k = k->next) {
        const char *s = k->string;
        if (!strcmp(s, "type") || !strcmp(s, "description") || !strcmp(s, "default") || !strcmp(s, "title") ||
            !strcmp(s, "example") || !strcmp(s, "externalDocs"))
            continue;
        if (!strcmp(s, "properties")) {
            for (const cJSON *q = k->child; q; q = q->next)
                if (strcmp(q->string, "name") && strcmp(q->string, "generateName")) ok = false;
            continue;
        }
        ok = false;
    }
    if (!ok) {
        size_t old = spath_child(p, "properties");
        spath_key(p, "metadata");
        field_error_add(c->errs, FIELD_FORBIDDEN, p->s, NULL,
                        "must not specify anything other than name and generateName, but metadata is implicitly specified");
        spath_reset(p, old);
        c->failed = true;
    }
}

static snode *compile_node(compiler *c, const cJSON *raw, spath *p, enum level lvl, bool nested, int depth)
{
    snode *n = kapi_xcalloc(1, sizeof *n);
    n->raw = raw;
    n->type = "";
    n->nested = nested;
    n->min_length = n->max_length = n->min_items = n->max_items = n->min_properties = n->max_properties = -1;
    if (++c->nodes > STRUCTURAL_MAX_NODES || depth > STRUCTURAL_MAX_DEPTH) {
        if (!c->failed) err_at(c, FIELD_FORBIDDEN, p, NULL, NULL, "schema is nested too deeply or too large");
        return n;
    }
    if (!cJSON_IsObject(raw)) {
        err_at(c, FIELD_INVALID, p, NULL, raw, "must be a schema object");
        return n;
    }
    int errors_before = c->errs->n;
    bool failed_before = c->failed;
    c->failed = false;
    check_forbidden_keywords(c, raw, p);
    bool lenient = c->lenient;
    c->lenient = false;
    if (nested && !lenient) check_nested(c, raw, p);
    const char *type = str_of(raw, "type");
    n->type = type ? type : "";
    n->format = str_of(raw, "format");
    n->nullable = true_of(raw, "nullable");
    n->preserve_unknown = true_of(raw, "x-kubernetes-preserve-unknown-fields");
    n->int_or_string = true_of(raw, "x-kubernetes-int-or-string");
    n->embedded = true_of(raw, "x-kubernetes-embedded-resource");
    n->def = cJSON_GetObjectItemCaseSensitive(raw, "default");
    n->enum_values = cJSON_GetObjectItemCaseSensitive(raw, "enum");
    if (!cJSON_IsArray(n->enum_values)) n->enum_values = NULL;
    n->required = cJSON_GetObjectItemCaseSensitive(raw, "required");
    if (!cJSON_IsArray(n->required)) n->required = NULL;
    n->has_minimum = num_of(raw, "minimum", &n->minimum);
    n->has_maximum = num_of(raw, "maximum", &n->maximum);
    n->exclusive_minimum = true_of(raw, "exclusiveMinimum");
    n->exclusive_maximum = true_of(raw, "exclusiveMaximum");
    n->has_multiple_of = num_of(raw, "multipleOf", &n->multiple_of);
    n->min_length = int_of(raw, "minLength");
    n->max_length = int_of(raw, "maxLength");
    n->min_items = int_of(raw, "minItems");
    n->max_items = int_of(raw, "maxItems");
    n->min_properties = int_of(raw, "minProperties");
    n->max_properties = int_of(raw, "maxProperties");
    n->pattern = str_of(raw, "pattern");
    if (n->pattern) {
        char err[256];
        int rc = cel_regex_compile(&n->pattern_re, n->pattern, strlen(n->pattern), true, err, sizeof err);
        if (rc == 0)
            n->has_pattern = true;
        else {
            char *detail = kapi_xsprintf("must be a valid regular expression, but isn't: %s", err);
            err_str(c, FIELD_INVALID, p, "pattern", n->pattern, detail);
            free(detail);
        }
    }

    /* properties, items, additionalProperties */
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(raw, "properties");
    if (cJSON_IsObject(props)) {
        int np = cJSON_GetArraySize(props);
        n->prop_names = kapi_xcalloc((size_t)np + 1, sizeof *n->prop_names);
        n->props = kapi_xcalloc((size_t)np + 1, sizeof *n->props);
        /* sort the names, then compile each in sorted order */
        int i = 0;
        for (const cJSON *q = props->child; q; q = q->next) n->prop_names[i++] = q->string;
        qsort(n->prop_names, (size_t)np, sizeof *n->prop_names, cmp_names);
        n->nprops = np;
        size_t old = spath_child(p, "properties");
        for (i = 0; i < np; i++) {
            size_t o2 = spath_key(p, n->prop_names[i]);
            n->props[i] = compile_node(c, cJSON_GetObjectItemCaseSensitive(props, n->prop_names[i]), p, FIELD_LEVEL,
                                       nested, depth + 1);
            spath_reset(p, o2);
        }
        spath_reset(p, old);
    }
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(raw, "items");
    if (cJSON_IsObject(items)) {
        /* only list-map items correlate with the old object's (kube's
         * withForbidOldSelfValidations) */
        const char *lt = str_of(raw, "x-kubernetes-list-type");
        bool set_here = !nested && !c->uncorrelatable && !(lt && !strcmp(lt, "map"));
        if (set_here) c->uncorrelatable = kapi_xstrdup(p->s);
        size_t old = spath_child(p, "items");
        n->items = compile_node(c, items, p, ITEM_LEVEL, nested, depth + 1);
        spath_reset(p, old);
        if (set_here) {
            free(c->uncorrelatable);
            c->uncorrelatable = NULL;
        }
    } else if (!nested && !strcmp(n->type, "array") && !items) {
        err_at(c, FIELD_REQUIRED, p, "items", NULL, "must be specified");
    }
    const cJSON *ap = cJSON_GetObjectItemCaseSensitive(raw, "additionalProperties");
    if (ap) {
        if (n->nprops && (cJSON_IsFalse(ap) || cJSON_IsObject(ap)))
            err_at(c, FIELD_FORBIDDEN, p, "additionalProperties", NULL, "additionalProperties and properties are mutual exclusive");
        if (!nested && lvl == ROOT_LEVEL) err_at(c, FIELD_FORBIDDEN, p, "additionalProperties", NULL, "must not be used at the root");
        if (n->embedded) err_at(c, FIELD_FORBIDDEN, p, "additionalProperties", NULL, "must not be used if x-kubernetes-embedded-resource is set");
        if (cJSON_IsObject(ap)) {
            size_t old = spath_child(p, "additionalProperties");
            n->additional = compile_node(c, ap, p, FIELD_LEVEL, nested, depth + 1);
            spath_reset(p, old);
        } else if (cJSON_IsTrue(ap)) {
            n->additional_any = true;
        }
    }
    n->all_of = compile_list(c, cJSON_GetObjectItemCaseSensitive(raw, "allOf"), p, "allOf", lvl, depth, &n->nall);
    n->any_of = compile_list(c, cJSON_GetObjectItemCaseSensitive(raw, "anyOf"), p, "anyOf", lvl, depth, &n->nany);
    n->one_of = compile_list(c, cJSON_GetObjectItemCaseSensitive(raw, "oneOf"), p, "oneOf", lvl, depth, &n->none);
    const cJSON *not_ = cJSON_GetObjectItemCaseSensitive(raw, "not");
    if (cJSON_IsObject(not_)) {
        size_t old = spath_child(p, "not");
        n->not_ = compile_node(c, not_, p, lvl, true, depth + 1);
        spath_reset(p, old);
    }

    /* the structural invariants (ValidateStructural) */
    if (!nested) {
        if (n->int_or_string && n->preserve_unknown)
            err_at(c, FIELD_INVALID, p, "x-kubernetes-preserve-unknown-fields", cJSON_GetObjectItemCaseSensitive(raw, "x-kubernetes-preserve-unknown-fields"),
                   "must be false if x-kubernetes-int-or-string is true");
        if (n->int_or_string && n->embedded)
            err_at(c, FIELD_INVALID, p, "x-kubernetes-embedded-resource", cJSON_GetObjectItemCaseSensitive(raw, "x-kubernetes-embedded-resource"),
                   "must be false if x-kubernetes-int-or-string is true");
        if (n->embedded && strcmp(n->type, "object")) {
            if (!*n->type) err_at(c, FIELD_REQUIRED, p, "type", NULL, "must be object if x-kubernetes-embedded-resource is true");
            else err_str(c, FIELD_INVALID, p, "type", n->type, "must be object if x-kubernetes-embedded-resource is true");
        } else if (!*n->type && !n->int_or_string && !n->preserve_unknown) {
            err_at(c, FIELD_REQUIRED, p, "type", NULL,
                   lvl == ROOT_LEVEL ? "must not be empty at the root"
                   : lvl == ITEM_LEVEL ? "must not be empty for specified array items"
                                       : "must not be empty for specified object fields");
        }
        if (lvl == ROOT_LEVEL && *n->type && strcmp(n->type, "object"))
            err_str(c, FIELD_INVALID, p, "type", n->type, "must be object at the root");
        bool check_meta = lvl == ROOT_LEVEL || n->embedded;
        static const char *const meta_names[] = {"kind", "apiVersion", "metadata"};
        for (int i = 0; i < 3 && check_meta; i++) {
            const snode *m = snode_property(n, meta_names[i]);
            const char *want = i == 2 ? "object" : "string";
            if (m && strcmp(m->type, want)) {
                size_t old = spath_child(p, "properties");
                spath_key(p, meta_names[i]);
                err_str(c, FIELD_INVALID, p, "type", m->type, i == 2 ? "must be object" : "must be string");
                spath_reset(p, old);
            }
        }
        const cJSON *meta = cJSON_GetObjectItemCaseSensitive(props, "metadata");
        if (lvl == ROOT_LEVEL && cJSON_IsObject(meta)) check_metadata_at_root(c, meta, p);
        if (n->embedded && !n->preserve_unknown && n->nprops == 0)
            err_at(c, FIELD_REQUIRED, p, "properties", NULL,
                   "must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields");
        check_list_extensions(c, n, raw, p);
    }
    bool here_failed = c->failed;
    compile_rules(c, n, cJSON_GetObjectItemCaseSensitive(raw, "x-kubernetes-validations"), p,
                  here_failed || c->errs->n > errors_before);
    c->failed = c->failed || failed_before;
    return n;
}

/* Defaults must validate against their own field's schema and carry no
 * field pruning would drop (kube's defaulting/validation.go). */
/* meta: "apiVersion", "kind" or "metadata" under one of the root's fields
 * of that name, where kube forbids defaults; else NULL. */
static void check_defaults(compiler *c, const snode *n, spath *p, const char *meta, int depth)
{
    if (!n || depth > STRUCTURAL_MAX_DEPTH) return;
    if (n->def && !n->nested) {
        size_t old = spath_child(p, "default");
        if (meta) {
            char detail[64];
            snprintf(detail, sizeof detail, "must not be set in top-level %s", meta);
            field_error_add(c->errs, FIELD_FORBIDDEN, p->s, NULL, detail);
            c->failed = true;
        } else {
            cJSON *copy = cJSON_Duplicate(n->def, 1);
            spath body = {.n = 0};
            body.s[0] = 0;
            int64_t budget = CEL_RUNTIME_COST_BUDGET;
            int before = c->errs->n;
            if (!(cJSON_IsNull(copy) && n->nullable))
                structural_validate_value(n, copy, NULL, false, &body, p->s, c->errs, &budget, false);
            spath pp = {.n = 0};
            pp.s[0] = 0;
            if (structural_prune_node(n, copy, &pp, NULL, NULL, false))
                field_error_add(c->errs, FIELD_INVALID, p->s, n->def, "must not have unknown fields");
            if (c->errs->n > before) c->failed = true;
            cJSON_Delete(copy);
        }
        spath_reset(p, old);
    }
    if (n->nprops) {
        size_t old = spath_child(p, "properties");
        for (int i = 0; i < n->nprops; i++) {
            size_t o2 = spath_key(p, n->prop_names[i]);
            const char *name = n->prop_names[i];
            const char *child_meta = meta;
            if (depth == 0 && (!strcmp(name, "metadata") || !strcmp(name, "apiVersion") || !strcmp(name, "kind")))
                child_meta = name;
            check_defaults(c, n->props[i], p, child_meta, depth + 1);
            spath_reset(p, o2);
        }
        spath_reset(p, old);
    }
    if (n->items) {
        size_t old = spath_child(p, "items");
        check_defaults(c, n->items, p, meta, depth + 1);
        spath_reset(p, old);
    }
    if (n->additional) {
        size_t old = spath_child(p, "additionalProperties");
        check_defaults(c, n->additional, p, meta, depth + 1);
        spath_reset(p, old);
    }
}

/* ---- kube's static cost estimate of the rules (apiextensions
 * validation: each rule under StaticEstimatedCostLimit, all of them, each
 * times how many values it may run on, under StaticEstimatedCRDCostLimit) */

typedef struct rule_cost {
    double cost;
    char path[STRUCTURAL_PATH_MAX + 64];
} rule_cost;

typedef struct cost_walk {
    field_errors *errs;
    double total;
    rule_cost top[4];   /* the most expensive, each at least 1% of the limit */
    int ntop;
} cost_walk;

/* kube's getCostErrorMessage */
static char *cost_error(const char *what, double cost, double limit)
{
    double factor = cost / limit;
    char f[64];
    if (factor > 100.0) snprintf(f, sizeof f, "more than 100x");
    else if (factor < 1.5) snprintf(f, sizeof f, "%fx", factor);
    else snprintf(f, sizeof f, "%.1fx", factor);
    return kapi_xsprintf("%s exceeds budget by factor of %s (try simplifying the rule, or adding maxItems, "
                         "maxProperties, and maxLength where arrays, maps, and strings are declared)",
                         what, f);
}

static void observe(cost_walk *w, double cost, const char *path)
{
    w->total += cost;
    if (cost < CEL_STATIC_CRD_COST_LIMIT / 100) return;
    int at;
    if (w->ntop < 4) at = w->ntop++;
    else if (cost > w->top[3].cost) at = 3;
    else return;
    w->top[at].cost = cost;
    snprintf(w->top[at].path, sizeof w->top[at].path, "%s", path);
    for (int i = at; i > 0 && w->top[i].cost > w->top[i - 1].cost; i--) {
        rule_cost t = w->top[i];
        w->top[i] = w->top[i - 1];
        w->top[i - 1] = t;
    }
}

static void rule_over_limit(cost_walk *w, spath *p, const char *member, const char *what, double cost)
{
    if (cost <= CEL_STATIC_COST_LIMIT) return;
    size_t old = spath_child(p, member);
    char *msg = cost_error(what, cost, CEL_STATIC_COST_LIMIT);
    field_error_add(w->errs, FIELD_FORBIDDEN, p->s, NULL, msg);
    free(msg);
    spath_reset(p, old);
}

static void walk_costs(cost_walk *w, const snode *n, spath *p, double cardinality, int depth)
{
    if (!n || depth > STRUCTURAL_MAX_DEPTH) return;
    if (n->nrules) {
        size_t base = spath_child(p, "x-kubernetes-validations");
        for (int i = 0; i < n->nrules; i++) {
            const srule *r = &n->rules[i];
            if (!r->program) continue;
            size_t at = spath_index(p, i);
            double cost = cel_estimate_cost(r->program, n->raw);
            double mcost = r->message_program ? cel_estimate_cost(r->message_program, n->raw) : 0;
            rule_over_limit(w, p, "rule", "estimated rule cost", cost);
            rule_over_limit(w, p, "messageExpression", "estimated messageExpression cost", mcost);
            size_t old = spath_child(p, "rule");
            observe(w, (cost + mcost) * cardinality, p->s);
            spath_reset(p, old);
            spath_reset(p, at);
        }
        spath_reset(p, base);
    }
    for (int i = 0; i < n->nprops; i++) {
        size_t old = spath_child(p, "properties");
        spath_key(p, n->prop_names[i]);
        walk_costs(w, n->props[i], p, cardinality, depth + 1);
        spath_reset(p, old);
    }
    /* a list's items and a map's values run as often as they may appear */
    const snode *const many_of[2] = {n->items, n->additional};
    static const char *const member[2] = {"items", "additionalProperties"};
    double many = cardinality * cel_estimate_cardinality(n->raw);
    for (int k = 0; k < 2; k++) {
        if (!many_of[k]) continue;
        size_t old = spath_child(p, member[k]);
        walk_costs(w, many_of[k], p, many, depth + 1);
        spath_reset(p, old);
    }
}

int structural_check_costs(const structural_schema *s, const char *path, field_errors *errs)
{
    if (!s || !s->root) return 0;
    int before = errs->n;
    cost_walk w = {.errs = errs};
    spath p;
    snprintf(p.s, sizeof p.s, "%s", path);
    p.n = strlen(p.s);
    walk_costs(&w, s->root, &p, 1, 0);
    if (w.total > CEL_STATIC_CRD_COST_LIMIT) {
        for (int i = 0; i < w.ntop; i++)
            field_error_add(errs, FIELD_FORBIDDEN, w.top[i].path, NULL,
                            "contributed to estimated rule & messageExpression cost total exceeding cost limit "
                            "for entire OpenAPIv3 schema");
        char *msg = cost_error("x-kubernetes-validations estimated rule & messageExpression cost total for entire "
                               "OpenAPIv3 schema", w.total, CEL_STATIC_CRD_COST_LIMIT);
        field_error_add(errs, FIELD_FORBIDDEN, path, NULL, msg);
        free(msg);
    }
    return errs->n > before ? -1 : 0;
}

structural_schema *structural_compile(const cJSON *schema, const char *path, field_errors *errs)
{
    assert(path && errs);
    structural_schema *s = kapi_xcalloc(1, sizeof *s);
    s->copy = cJSON_Duplicate(schema, 1);
    compiler c = {.errs = errs};
    spath p;
    snprintf(p.s, sizeof p.s, "%s", path);
    p.n = strlen(p.s);
    if (!cJSON_IsObject(s->copy)) {
        field_error_add(errs, FIELD_REQUIRED, p.s, NULL, "must not be empty");
        structural_free(s);
        return NULL;
    }
    s->root = compile_node(&c, s->copy, &p, ROOT_LEVEL, false, 0);
    if (!c.failed) check_defaults(&c, s->root, &p, NULL, 0);
    if (c.failed) {
        structural_free(s);
        return NULL;
    }
    return s;
}

void structural_free(structural_schema *s)
{
    if (!s) return;
    snode_free(s->root);
    cJSON_Delete(s->copy);
    free(s);
}

/* apiextensions.ValidationRule as Go's %#v prints it. */
char *structural_rule_go_value(const cJSON *rule)
{
    char *parts[6];
    static const char *const keys[] = {"rule", "message", "messageExpression", "reason", "fieldPath", "optionalOldSelf"};
    for (int i = 0; i < 6; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(rule, keys[i]);
        if (i < 3 || i == 4) {
            cJSON *q = cJSON_CreateString(cJSON_IsString(v) ? v->valuestring : "");
            parts[i] = cJSON_PrintUnformatted(q);
            cJSON_Delete(q);
        } else if (i == 3) {
            if (cJSON_IsString(v)) {
                cJSON *q = cJSON_CreateString(v->valuestring);
                char *t = cJSON_PrintUnformatted(q);
                parts[i] = kapi_xsprintf("(*apiextensions.FieldValueErrorReason)(%s)", t);
                free(t);
                cJSON_Delete(q);
            } else {
                parts[i] = kapi_xstrdup("(*apiextensions.FieldValueErrorReason)(nil)");
            }
        } else {
            parts[i] = kapi_xstrdup(cJSON_IsBool(v) ? (cJSON_IsTrue(v) ? "(*bool)(true)" : "(*bool)(false)") : "(*bool)(nil)");
        }
    }
    char *out = kapi_xsprintf("apiextensions.ValidationRule{Rule:%s, Message:%s, MessageExpression:%s, Reason:%s, "
                              "FieldPath:%s, OptionalOldSelf:%s}",
                              parts[0], parts[1], parts[2], parts[3], parts[4], parts[5]);
    for (int i = 0; i < 6; i++) free(parts[i]);
    return out;
}
