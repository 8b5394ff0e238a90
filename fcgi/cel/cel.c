/* cel.c: the public face of fcgi/cel (cel.h): compiling (parse, then a
 * check that every identifier and function is known, as kube's type
 * checker rejects an undeclared reference at CRD-write time) and
 * evaluating against self/oldSelf with a cost budget. */
#include <stdlib.h>
#include <string.h>
#include "core/alloc.h"
#include "core/kapi.h"
#include "cel/cel.h"
#include "cel/cel_int.h"
#include "cel/regex.h"

static const char *const known_types[] = {
    "int", "uint", "double", "bool", "string", "bytes", "list", "map", "null_type", "type",
    "google.protobuf.Duration", "google.protobuf.Timestamp", "optional_type", NULL,
};

static const char *const known_functions[] = {
    "size", "int", "uint", "double", "string", "bool", "bytes", "dyn", "type", "duration", "timestamp",
    "matches", "contains", "startsWith", "endsWith", "charAt", "indexOf", "lastIndexOf", "lowerAscii",
    "upperAscii", "replace", "split", "substring", "trim", "join", "reverse", "format", "strings.quote",
    "getFullYear", "getMonth", "getDate", "getDayOfMonth", "getDayOfWeek", "getDayOfYear", "getHours",
    "getMinutes", "getSeconds", "getMilliseconds", "isSorted", "sum", "min", "max", "find", "findAll",
    "optional.of", "optional.none", "optional.ofNonZeroValue", "hasValue", "value", "orValue", "or",
    "sets.contains", "sets.equivalent", "sets.intersects",
    /* kube_types.c */
    "quantity", "isQuantity", "sign", "isInteger", "asInteger", "asApproximateFloat", "add", "sub", "compareTo",
    "isGreaterThan", "isLessThan", "url", "isURL", "getScheme", "getHost", "getHostname", "getPort",
    "getEscapedPath", "getQuery", "ip", "isIP", "ip.isCanonical", "family", "isUnspecified", "isLoopback",
    "isLinkLocalMulticast", "isLinkLocalUnicast", "isGlobalUnicast", "cidr", "isCIDR", "containsIP",
    "containsCIDR", "masked", "prefixLength",
    /* kube_format.c */
    "format.named", "format.dns1123Label", "format.dns1123Subdomain", "format.dns1035Label",
    "format.qualifiedName", "format.dns1123LabelPrefix", "format.dns1123SubdomainPrefix",
    "format.dns1035LabelPrefix", "format.labelValue", "format.uri", "format.uuid", "format.byte",
    "format.date", "format.datetime", "validate", "base64.encode", "base64.decode",
    NULL,
};

static bool listed(const char *const *list, const char *name)
{
    for (size_t i = 0; list[i]; i++)
        if (!strcmp(list[i], name)) return true;
    return false;
}

typedef struct {
    kapi_pool *pool;
    const char *src;
    const char *const *vars;
    size_t n_vars;
    const char *scopes[64];
    size_t n_scopes;
    bool lenient;        /* unknown names are left for run time (cel-spec's disable_check) */
    struct regex_entry *regexes;   /* literal patterns compiled so far */
    const char *err;
} checker;

static bool declared(checker *k, const char *name)
{
    for (size_t i = 0; i < k->n_scopes; i++)
        if (!strcmp(k->scopes[i], name)) return true;
    for (size_t i = 0; i < k->n_vars; i++)
        if (!strcmp(k->vars[i], name)) return true;
    return false;
}

static const char *dotted(kapi_pool *pool, const node *n)
{
    if (n->kind == N_IDENT) return n->name;
    if (n->kind != N_SELECT) return NULL;
    const char *left = dotted(pool, n->target);
    return left ? kapi_psprintf(pool, "%s.%s", left, n->name) : NULL;
}

static bool fail(checker *k, int pos, const char *msg)
{
    if (k->lenient) return true;
    if (!k->err) k->err = cel_format_error(k->pool, k->src, pos, msg);
    return false;
}

static bool check(checker *k, node *n)
{
    if (!n) return true;
    switch (n->kind) {
    case N_LIT: return true;
    case N_IDENT: {
        const char *name = n->name[0] == '.' ? n->name + 1 : n->name;
        if (declared(k, name) || listed(known_types, name)) return true;
        return fail(k, n->pos, kapi_psprintf(k->pool, "undeclared reference to '%s' (in container '')", name));
    }
    case N_SELECT: {
        /* a qualified name (google.protobuf.Timestamp, or a variable whose
         * name has dots): the longest declared one wins */
        const char *q = dotted(k->pool, n);
        const node *root = n;
        while (root->kind == N_SELECT) root = root->target;
        bool local = false;   /* a comprehension variable shadows a dotted name */
        for (size_t i = 0; root->kind == N_IDENT && i < k->n_scopes; i++)
            if (!strcmp(k->scopes[i], root->name)) local = true;
        if (q && !local) {
            if (q[0] == '.') q++;
            if (declared(k, q) || listed(known_types, q)) {
                n->kind = N_IDENT;
                n->name = q;
                n->target = NULL;
                return true;
            }
        }
        return check(k, n->target);
    }
    case N_OPT_SELECT: return check(k, n->target);
    case N_CALL:
        if (n->target) {
            /* a namespaced function (optional.of(x), ip.isCanonical(s)) unless
             * the receiver is a variable */
            const char *ns = dotted(k->pool, n->target);
            const node *root = n->target;
            while (root->kind == N_SELECT) root = root->target;
            if (ns && !declared(k, root->name)) {
                const char *full = kapi_psprintf(k->pool, "%s.%s", ns, n->name);
                if (listed(known_functions, full)) {
                    n->name = full;
                    n->target = NULL;
                }
            }
        }
        if (!listed(known_functions, n->name))
            return fail(k, n->pos, kapi_psprintf(k->pool, "undeclared reference to '%s' (in container '')", n->name));
        if (!strcmp(n->name, "matches") || !strcmp(n->name, "find") || !strcmp(n->name, "findAll")) {
            /* a literal pattern compiles once, and a bad one is a compile error */
            const node *pat = n->target ? (n->n_args ? n->args[0] : NULL) : (n->n_args == 2 ? n->args[1] : NULL);
            char err[300];
            if (pat && pat->kind == N_LIT && pat->lit.kind == CV_STRING &&
                cel_regex_precompile(k->pool, &k->regexes, pat->lit.u.s.p, pat->lit.u.s.len, err, sizeof err) &&
                !k->lenient) {
                return fail(k, pat->pos, err);
            }
        }
        if (n->target && !check(k, n->target)) return false;
        break;
    case N_STRUCT:
        return fail(k, n->pos, kapi_psprintf(k->pool, "undeclared reference to '%s' (in container '')", n->name));
    case N_MACRO:
        if (n->macro == M_HAS) return check(k, n->args[0]->target);
        if (!check(k, n->target)) return false;
        if (k->n_scopes >= 62) return fail(k, n->pos, "comprehension nesting too deep");
        k->scopes[k->n_scopes++] = n->name;
        if (n->name2) k->scopes[k->n_scopes++] = n->name2;
        for (size_t i = n->name2 ? 2 : 1; i < n->n_args; i++)
            if (!check(k, n->args[i])) return false;
        k->n_scopes -= n->name2 ? 2 : 1;
        return true;
    default: break;
    }
    for (size_t i = 0; i < n->n_args; i++)
        if (!check(k, n->args[i])) return false;
    return true;
}

int cel_compile_vars(const char *expr, const char *const *vars, size_t n_vars, bool lenient, cel_program **out,
                     char **err)
{
    kapi_pool *pool = kapi_pool_new();
    const char *perr = NULL;
    node *root = cel_parse(pool, expr, &perr);
    checker k = {.pool = pool, .src = expr, .vars = vars, .n_vars = n_vars, .lenient = lenient};
    if (root && !check(&k, root)) perr = k.err;
    if (perr) {
        *err = kapi_xstrdup(perr);
        kapi_pool_free(pool);
        *out = NULL;
        return -1;
    }
    cel_program *p = kapi_xcalloc(1, sizeof *p);
    p->pool = pool;
    p->root = root;
    p->regexes = k.regexes;
    *out = p;
    return 0;
}

int cel_compile(const char *expr, cel_program **out, char **err)
{
    static const char *const vars[] = {"self", "oldSelf"};
    return cel_compile_vars(expr, vars, 2, false, out, err);
}

/* An evaluation's value and cost into res. */
static void set_result(cel_ctx *c, cel_val *v, cel_result *res)
{
    res->cost = c->cost;
    res->cost_exceeded = c->exceeded;
    switch (v->kind) {
    case CV_BOOL: res->kind = CEL_RESULT_BOOL; res->value = v->u.b; break;
    case CV_STRING: res->kind = CEL_RESULT_STRING; res->text = kapi_xstrndup(v->u.s.p, v->u.s.len); break;
    case CV_ERROR: res->kind = CEL_RESULT_ERROR; res->text = kapi_xstrdup(v->u.err); break;
    default: res->kind = CEL_RESULT_OTHER; res->text = kapi_xstrdup(cel_format_value(c, v)); break;
    }
}

int cel_compile_with(const char *expr, const char *const *vars, size_t n_vars, cel_program **out, char **err)
{
    return cel_compile_vars(expr, vars, n_vars, false, out, err);
}

/* A result's value as JSON when it is one a caller can take: null, bool,
 * string, a list or map of those. */
static cJSON *value_json(const cel_val *v)
{
    switch (v->kind) {
    case CV_NULL: return cJSON_CreateNull();
    case CV_BOOL: return cJSON_CreateBool(v->u.b);
    case CV_STRING: {
        char *s = kapi_xstrndup(v->u.s.p, v->u.s.len);
        cJSON *j = cJSON_CreateString(s);
        free(s);
        return j;
    }
    case CV_LIST: {
        cJSON *a = cJSON_CreateArray();
        for (size_t i = 0; i < v->u.list->n; i++) {
            cJSON *item = value_json(&v->u.list->items[i]);
            if (!item) { cJSON_Delete(a); return NULL; }
            cJSON_AddItemToArray(a, item);
        }
        return a;
    }
    default: return NULL;
    }
}

void cel_eval_with(const cel_program *p, const char *const *names, const cJSON *const *values, size_t n,
                   int64_t cost_budget, cel_result *res, cJSON **json)
{
    memset(res, 0, sizeof *res);
    if (json) *json = NULL;
    cel_ctx c = {.pool = kapi_pool_new(), .budget = cost_budget};
    cel_var *vars = kapi_palloc(c.pool, (n ? n : 1) * sizeof *vars);
    for (size_t i = 0; i < n; i++)
        vars[i] = (cel_var){names[i], values[i] ? cel_from_json_schema(&c, values[i], NULL) : cel_null()};
    c.vars = vars;
    c.n_vars = n;
    cel_val v = cel_run(&c, p);
    set_result(&c, &v, res);
    if (json && v.kind != CV_ERROR) *json = value_json(&v);
    kapi_pool_free(c.pool);
}

void cel_program_free(cel_program *p)
{
    if (!p) return;
    kapi_pool_free(p->pool);
    free(p);
}

cel_val cel_run(cel_ctx *c, const cel_program *p)
{
    c->program_regexes = p->regexes;
    cel_val v = cel_eval_node(c, p->root);
    if (c->exceeded) return cel_error(c, "operation cancelled: actual cost limit exceeded");
    return v;
}

static void evaluate(const cel_program *p, const cJSON *self, const cJSON *old_self, const cJSON *schema,
                     bool optional_old_self, int64_t cost_budget, cel_result *res)
{
    memset(res, 0, sizeof *res);
    cel_ctx c = {.pool = kapi_pool_new(), .budget = cost_budget};
    cel_var vars[2];
    size_t n = 0;
    if (self) vars[n++] = (cel_var){"self", cel_from_json_schema(&c, self, schema)};
    if (optional_old_self) {
        cel_val old = old_self ? cel_from_json_schema(&c, old_self, schema) : cel_null();
        vars[n++] = (cel_var){"oldSelf", cel_optional(&c, old_self ? &old : NULL)};
    } else if (old_self) {
        vars[n++] = (cel_var){"oldSelf", cel_from_json_schema(&c, old_self, schema)};
    }
    c.vars = vars;
    c.n_vars = n;
    cel_val v = cel_run(&c, p);
    set_result(&c, &v, res);
    kapi_pool_free(c.pool);
}

void cel_eval(const cel_program *p, const cJSON *self, const cJSON *old_self, int64_t cost_budget, cel_result *res)
{
    evaluate(p, self, old_self, NULL, false, cost_budget, res);
}

void cel_eval_optional_old_self(const cel_program *p, const cJSON *self, const cJSON *old_self, int64_t cost_budget,
                                cel_result *res)
{
    evaluate(p, self, old_self, NULL, true, cost_budget, res);
}

void cel_eval_schema(const cel_program *p, const cJSON *self, const cJSON *old_self, const cJSON *schema,
                     int optional_old_self, int64_t cost_budget, cel_result *res)
{
    evaluate(p, self, old_self, schema, optional_old_self != 0, cost_budget, res);
}
