/* cost.c: the static estimate of a rule's cost that kube makes when a CRD
 * is written (cel-go's checker.Cost with apiextensions' size estimates),
 * in a simpler model: each node costs what cel-go charges for it (1 for an
 * identifier, a field selection, an operator or a call; list and map
 * literals 10 and 30; string and list traversals 0.1 per element), a
 * comprehension costs its range plus the range's largest size times its
 * body, and sizes come from the schema (maxLength, maxItems,
 * maxProperties), or, where the schema sets none, from the largest request
 * kube takes (3 MiB) divided by the smallest an element can be written in,
 * as kube's estimator derives them. It is an upper bound of one evaluation,
 * like kube's: an unbounded list iterated inside an unbounded list is far
 * over the limit, a bounded one (real CRDs' rules) far under. */
#include <math.h>
#include <string.h>
#include "cel/cel_int.h"

#define MAX_REQUEST_BYTES 3145728.0

typedef struct est {
    double cost;
    double size;            /* the value's largest size (string length, list or map count) */
    const cJSON *schema;    /* its schema, when known */
} est;

typedef struct scope_var {
    const char *name;
    const cJSON *schema;
    double size;
} scope_var;

typedef struct coster {
    const cJSON *self_schema;
    scope_var vars[32];
    int n_vars;
} coster;

static const cJSON *member(const cJSON *s, const char *k)
{
    return cJSON_IsObject(s) ? cJSON_GetObjectItemCaseSensitive(s, k) : NULL;
}

static const char *type_of(const cJSON *s)
{
    const cJSON *t = member(s, "type");
    return cJSON_IsString(t) ? t->valuestring : "";
}

/* The smallest a value of schema s can be written in (kube's
 * minimum-serialized-size estimate). */
static double min_size(const cJSON *s)
{
    const char *t = type_of(s);
    if (!strcmp(t, "string")) {
        const cJSON *ml = member(s, "minLength");
        return 2 + (cJSON_IsNumber(ml) ? ml->valuedouble : 0);
    }
    if (!strcmp(t, "boolean")) return 4;
    if (!strcmp(t, "integer") || !strcmp(t, "number")) return 1;
    return 2;   /* {} [] or anything */
}

static const cJSON *element_schema(const cJSON *s)
{
    const cJSON *it = member(s, "items");
    if (cJSON_IsObject(it)) return it;
    const cJSON *ap = member(s, "additionalProperties");
    return cJSON_IsObject(ap) ? ap : NULL;
}

/* The largest size of a value of schema s. */
static double max_size(const cJSON *s)
{
    if (!s) return 1;
    const char *t = type_of(s);
    const cJSON *bound = NULL;
    if (!strcmp(t, "string")) bound = member(s, "maxLength");
    else if (!strcmp(t, "array")) bound = member(s, "maxItems");
    else if (!strcmp(t, "object")) bound = member(s, "maxProperties");
    if (cJSON_IsNumber(bound)) return bound->valuedouble;
    const cJSON *en = member(s, "enum"), *e;
    if (!strcmp(t, "string") && cJSON_IsArray(en) && cJSON_GetArraySize(en) > 0) {
        double longest = 0;   /* an enum: its longest value */
        cJSON_ArrayForEach(e, en)
            if (cJSON_IsString(e) && strlen(e->valuestring) > longest) longest = (double)strlen(e->valuestring);
        return longest;
    }
    if (!strcmp(t, "string")) return MAX_REQUEST_BYTES - 2;
    if (!strcmp(t, "array")) return floor(MAX_REQUEST_BYTES / (min_size(element_schema(s)) + 1));
    if (!strcmp(t, "object") && element_schema(s))   /* a map: "k":v, at least 4 + the value */
        return floor(MAX_REQUEST_BYTES / (min_size(element_schema(s)) + 5));
    if (!strcmp(t, "object")) {
        const cJSON *props = member(s, "properties");
        return props ? cJSON_GetArraySize(props) : 1;
    }
    return 1;
}

static est of_schema(const cJSON *s, double cost)
{
    return (est){.cost = cost, .size = max_size(s), .schema = s};
}

static est cost_of(coster *c, const node *n, int depth);

static double traversal(double size) { return ceil(0.1 * size); }

static bool is_string_fn(const char *f)
{
    static const char *const fns[] = {"contains", "startsWith", "endsWith", "matches", "lowerAscii", "upperAscii",
                                      "split", "replace", "indexOf", "lastIndexOf", "find", "findAll", "trim",
                                      "join", "substring", "charAt", "reverse", "format", "isSorted", "sum", "min",
                                      "max", "url", "quantity", "ip", "cidr", "isURL", "isIP", "isCIDR",
                                      "isQuantity", "validate", NULL};
    for (int i = 0; fns[i]; i++)
        if (!strcmp(f, fns[i])) return true;
    return false;
}

static est cost_macro(coster *c, const node *n, int depth)
{
    if (n->macro == M_HAS) {
        est a = n->n_args ? cost_of(c, n->args[0], depth + 1) : (est){0};
        return (est){.cost = a.cost, .size = 1};
    }
    est range = n->target ? cost_of(c, n->target, depth + 1) : (est){.size = 1};
    const cJSON *elem = element_schema(range.schema);
    int saved = c->n_vars;
    /* one variable: the element (a list's item); two: the index or key, then the element or value */
    if (n->name2 && c->n_vars < 31) {
        c->vars[c->n_vars++] = (scope_var){n->name, NULL, 1};
        c->vars[c->n_vars++] = (scope_var){n->name2, elem, max_size(elem)};
    } else if (n->name && c->n_vars < 32) {
        c->vars[c->n_vars++] = (scope_var){n->name, elem, max_size(elem)};
    }
    double body = 0;
    size_t first = n->name2 ? 2 : 1;
    for (size_t i = first; i < n->n_args; i++) body += cost_of(c, n->args[i], depth + 1).cost;
    c->n_vars = saved;
    est r = {.cost = range.cost + range.size * (body + 1), .size = 1};
    if (n->macro == M_MAP || n->macro == M_MAP3 || n->macro == M_FILTER || n->macro == M2_TRANSFORM_LIST ||
        n->macro == M2_TRANSFORM_MAP)
        r.size = range.size;
    return r;
}

static est cost_of(coster *c, const node *n, int depth)
{
    if (!n || depth > CEL_MAX_RECURSION_DEPTH + 10) return (est){.cost = 0, .size = 1};
    switch (n->kind) {
    case N_LIT:
        return (est){.cost = 0, .size = n->lit.kind == CV_STRING ? (double)n->lit.u.s.len : 1};
    case N_IDENT:
        for (int i = c->n_vars - 1; i >= 0; i--)
            if (!strcmp(c->vars[i].name, n->name)) return (est){.cost = 1, .size = c->vars[i].size, .schema = c->vars[i].schema};
        if (!strcmp(n->name, "self") || !strcmp(n->name, "oldSelf")) return of_schema(c->self_schema, 1);
        return (est){.cost = 1, .size = 1};
    case N_SELECT:
    case N_OPT_SELECT: {
        est t = cost_of(c, n->target, depth + 1);
        const cJSON *props = member(t.schema, "properties");
        const cJSON *child = props ? member(props, n->name) : NULL;
        if (!child) child = element_schema(t.schema);   /* a map's value */
        return of_schema(child, t.cost + 1);
    }
    case N_INDEX:
    case N_OPT_INDEX: {
        est t = cost_of(c, n->target, depth + 1);
        double cost = t.cost + 1;
        for (size_t i = 0; i < n->n_args; i++) cost += cost_of(c, n->args[i], depth + 1).cost;
        return of_schema(element_schema(t.schema), cost);
    }
    case N_CALL: {
        est recv = n->target ? cost_of(c, n->target, depth + 1) : (est){.size = 1};
        double cost = recv.cost + 1, size = 1;
        double arg_size = 1;
        for (size_t i = 0; i < n->n_args; i++) {
            est a = cost_of(c, n->args[i], depth + 1);
            cost += a.cost;
            if (a.size > arg_size) arg_size = a.size;
        }
        if (!strcmp(n->name, "size")) return (est){.cost = cost, .size = 1};
        if (is_string_fn(n->name)) {
            double subject = n->target ? recv.size : arg_size;
            cost += traversal(subject);
            size = subject;
        }
        return (est){.cost = cost, .size = size};
    }
    case N_LIST:
    case N_MAP:
    case N_STRUCT: {
        double cost = n->kind == N_MAP ? 30 : 10;
        for (size_t i = 0; i < n->n_args; i++) cost += cost_of(c, n->args[i], depth + 1).cost;
        return (est){.cost = cost, .size = (double)(n->kind == N_LIST ? n->n_args : n->n_args / 2)};
    }
    case N_UNARY: {
        est a = n->n_args ? cost_of(c, n->args[0], depth + 1) : (est){0};
        return (est){.cost = a.cost + 1, .size = 1};
    }
    case N_BINARY: {
        est a = cost_of(c, n->args[0], depth + 1), b = cost_of(c, n->args[1], depth + 1);
        double cost = a.cost + b.cost + 1, size = 1;
        double smaller = a.size < b.size ? a.size : b.size;
        /* comparing stops at the shorter operand; `in` walks the list */
        if (n->op == OP_EQ || n->op == OP_NE || n->op == OP_LT || n->op == OP_LE || n->op == OP_GT ||
            n->op == OP_GE)
            cost += traversal(smaller);
        if (n->op == OP_IN) cost += b.size;
        if (n->op == OP_ADD) {
            cost += traversal(a.size + b.size);
            size = a.size + b.size;
        }
        return (est){.cost = cost, .size = size};
    }
    case N_AND:
    case N_OR:
    case N_COND: {
        double cost = 0, size = 1;
        for (size_t i = 0; i < n->n_args; i++) {
            est a = cost_of(c, n->args[i], depth + 1);
            cost += a.cost;
            if (a.size > size) size = a.size;
        }
        return (est){.cost = cost, .size = size};
    }
    case N_MACRO:
        return cost_macro(c, n, depth);
    }
    return (est){.cost = 0, .size = 1};
}

double cel_estimate_cost(const cel_program *p, const cJSON *schema)
{
    if (!p || !p->root) return 0;
    coster c = {.self_schema = schema};
    return cost_of(&c, p->root, 0).cost;
}

double cel_estimate_cardinality(const cJSON *schema)
{
    return max_size(schema);
}
