/* cel.h: the Common Expression Language (CEL) as Kubernetes uses it for
 * CustomResourceDefinition validation rules (x-kubernetes-validations):
 * compile a rule once, evaluate it against each object.
 *
 * The variables a rule may use are self and oldSelf (cJSON trees: a custom
 * resource's fields). Typing is dynamic: kube type-checks a rule against the
 * structural schema at compile time; kapi checks types as it evaluates, so
 * a type error shows up as an evaluation error (see ARCHITECTURE.md, the
 * fcgi/cel section, for what differs). Nothing here allocates without the
 * core/alloc.h policy; a program is immutable after compiling and may be
 * evaluated from several threads at once. */
#ifndef KAPI_CEL_H
#define KAPI_CEL_H

#include <stdint.h>
#include <cjson/cJSON.h>

/* kube's limits (k8s.io/apiserver/pkg/apis/cel/config.go and cel-go's
 * parser defaults). */
#define CEL_PER_CALL_LIMIT 1000000       /* runtime cost of one evaluation */
/* What all the rules of one object may spend together (kube's
 * RuntimeCELCostBudget); past it kube stops with "validation failed due to
 * running out of cost budget, no further validation rules will be run".
 * The caller keeps that account with cel_result.cost. */
#define CEL_RUNTIME_COST_BUDGET 10000000
#define CEL_MAX_RECURSION_DEPTH 250      /* parser nesting (cel-go's default) */
#define CEL_MAX_EXPRESSION_SIZE 100000   /* code points (cel-go's default) */

typedef struct cel_program cel_program;

/* Compiles expr. Returns 0 and *out, or -1 and *err (malloc'd, the caller
 * frees it) worded as cel-go words compile errors, the text kube puts after
 * "compilation failed: " in the CRD's field error:
 *   "ERROR: <input>:1:9: Syntax error: mismatched input '<EOF>' expecting ...\n"
 *   " | self.x +\n"
 *   " | ........^"
 * Only the first error is reported (cel-go lists every error it finds). */
int cel_compile(const char *expr, cel_program **out, char **err);
void cel_program_free(cel_program *p);

/* As cel_compile, with the variables named in vars (kube's structured
 * authentication: claims, user). */
int cel_compile_with(const char *expr, const char *const *vars, size_t n_vars, cel_program **out, char **err);

/* The result of one evaluation. */
typedef enum {
    CEL_RESULT_BOOL,     /* the rule gave a bool: *value */
    CEL_RESULT_STRING,   /* the rule gave a string (messageExpression): text */
    CEL_RESULT_OTHER,    /* any other value: text is its CEL form */
    CEL_RESULT_ERROR,    /* an evaluation error: text is the message */
} cel_result_kind;

typedef struct {
    cel_result_kind kind;
    int value;           /* for CEL_RESULT_BOOL */
    char *text;          /* malloc'd (free it), or NULL */
    int64_t cost;        /* the actual cost the evaluation used */
    int cost_exceeded;   /* 1 when the budget ran out ("operation cancelled: actual cost limit exceeded") */
} cel_result;

/* Evaluates p with self and oldSelf (either may be NULL: then the variable
 * is not set, and using it is an error) within cost_budget (use
 * CEL_PER_CALL_LIMIT). Always fills *res; free res->text. */
void cel_eval(const cel_program *p, const cJSON *self, const cJSON *old_self,
              int64_t cost_budget, cel_result *res);

/* As cel_eval for a transition rule with optionalOldSelf: true: oldSelf is
 * optional.of(old_self), or optional.none() when old_self is NULL (a
 * create). */
void cel_eval_optional_old_self(const cel_program *p, const cJSON *self, const cJSON *old_self,
                                int64_t cost_budget, cel_result *res);

/* As cel_eval (optional_old_self as cel_eval_optional_old_self), with self
 * and oldSelf typed by schema, the structural schema (an OpenAPI v3 schema
 * object as the CRD has it) of the field the rule sits on: integer → int,
 * number → double, string formats byte/duration/date/date-time → bytes,
 * duration, timestamp, as kube's CEL sees a custom resource. */
void cel_eval_schema(const cel_program *p, const cJSON *self, const cJSON *old_self, const cJSON *schema,
                     int optional_old_self, int64_t cost_budget, cel_result *res);

/* kube's static estimate at CRD write: an upper bound of one evaluation's
 * cost of p on a value of schema (the OpenAPI v3 schema of the field the
 * rule sits on), with sizes from maxLength, maxItems and maxProperties or,
 * where unset, from the largest request (cost.c). */
double cel_estimate_cost(const cel_program *p, const cJSON *schema);
/* How many values of schema a request may hold at most (maxItems,
 * maxProperties, else the largest request over the smallest element). */
double cel_estimate_cardinality(const cJSON *schema);
/* kube's limits of the estimate (apiextensions validation):
 * StaticEstimatedCostLimit per rule, StaticEstimatedCRDCostLimit for the
 * whole schema (each rule's estimate times its cardinality). */
#define CEL_STATIC_COST_LIMIT 10000000.0
#define CEL_STATIC_CRD_COST_LIMIT 100000000.0

/* Evaluates a program of cel_compile_with with names[i] bound to
 * values[i] (JSON; NULL: null). When json is given, a result that is null, a bool, a
 * string, or a list of them is also returned there as JSON (the caller
 * deletes it; NULL otherwise). */
void cel_eval_with(const cel_program *p, const char *const *names, const cJSON *const *values, size_t n,
                   int64_t cost_budget, cel_result *res, cJSON **json);

#endif
