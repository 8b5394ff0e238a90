/* cel_int.h: what the files of fcgi/cel share and nothing outside uses:
 * the syntax tree the parser builds, the value model the evaluator works
 * on, and the evaluation context (arena, cost, variables). */
#ifndef KAPI_CEL_INT_H
#define KAPI_CEL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "core/kapi.h"
#include "cel/cel.h"

typedef struct cel_ctx cel_ctx;

/* ---- values. A value is small and passed by copy; what it points at
 * (strings, lists, maps) lives in the evaluation's arena and is never
 * changed after it is built. */
typedef enum {
    CV_NULL, CV_BOOL, CV_INT, CV_UINT, CV_DOUBLE, CV_STRING, CV_BYTES,
    CV_LIST, CV_MAP, CV_TYPE, CV_DURATION, CV_TIMESTAMP, CV_OPTIONAL,
    CV_OBJECT,   /* a Kubernetes library type: Quantity, URL, IP, CIDR (kube_types.c) */
    CV_ERROR,
} cel_kind;

typedef struct cel_list cel_list;
typedef struct cel_map cel_map;
typedef struct cel_val cel_val;

struct cel_val {
    cel_kind kind;
    union {
        bool b;
        int64_t i;
        uint64_t u;
        double d;
        struct { const char *p; size_t len; } s;   /* CV_STRING (UTF-8), CV_BYTES */
        cel_list *list;
        cel_map *map;
        const char *type;                          /* CV_TYPE: the type's name */
        int64_t dur;                               /* CV_DURATION: nanoseconds */
        struct { int64_t sec; int32_t nsec; } ts;  /* CV_TIMESTAMP: since the Unix epoch, UTC */
        cel_val *opt;                              /* CV_OPTIONAL: NULL for none */
        const char *err;                           /* CV_ERROR: the message */
        struct { const char *type; const void *data; } obj;   /* CV_OBJECT */
    } u;
};

struct cel_list { size_t n; cel_val *items; };
struct cel_map { size_t n; cel_val *keys, *vals; };

/* ---- syntax tree */
typedef enum {
    N_LIT, N_IDENT, N_SELECT, N_OPT_SELECT, N_INDEX, N_OPT_INDEX, N_CALL,
    N_LIST, N_MAP, N_STRUCT, N_UNARY, N_BINARY, N_AND, N_OR, N_COND, N_MACRO,
} node_kind;

typedef enum {
    OP_NOT, OP_NEG,
    OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD,
    OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IN,
} cel_op;

typedef enum {
    M_HAS, M_ALL, M_EXISTS, M_EXISTS_ONE, M_MAP, M_MAP3, M_FILTER,
    M_OPT_MAP, M_OPT_FLAT_MAP,
    /* two-variable comprehensions (cel-go ext.TwoVarComprehensions): name
     * is the index or key, name2 the element or value */
    M2_ALL, M2_EXISTS, M2_EXISTS_ONE, M2_TRANSFORM_LIST, M2_TRANSFORM_MAP,
} macro_kind;

typedef struct node node;
struct node {
    node_kind kind;
    int pos;                     /* byte offset in the expression */
    cel_val lit;                 /* N_LIT */
    const char *name;            /* N_IDENT, N_SELECT field, N_CALL function, N_STRUCT type, macro variable */
    const char *name2;           /* a two-variable macro's second variable */
    cel_op op;                   /* N_UNARY, N_BINARY */
    macro_kind macro;            /* N_MACRO */
    node *target;                /* N_SELECT/INDEX operand, N_CALL receiver (or NULL), macro range */
    node **args;                 /* N_CALL args, N_LIST items, N_MAP/N_STRUCT keys and values interleaved,
                                    binary/ternary operands, macro bodies */
    bool *optional;              /* N_LIST/N_MAP/N_STRUCT: element i is optional (?x / ?k: v) */
    size_t n_args;
};

/* Parses expr into a tree allocated from pool. Returns the root, or NULL
 * and *err (allocated from pool) in kube's compile-error wording. */
node *cel_parse(kapi_pool *pool, const char *expr, const char **err);
/* "ERROR: <input>:L:C: msg" with the source line and a caret under pos. */
const char *cel_format_error(kapi_pool *pool, const char *src, int pos, const char *msg);

/* A compiled expression (cel.c). */
struct cel_program {
    kapi_pool *pool;     /* the tree and its strings */
    node *root;
    struct regex_entry *regexes;   /* literal patterns, compiled once (read-only when evaluating) */
};
/* Compiles expr with the given variables declared (cel_compile declares
 * self and oldSelf). lenient: an undeclared name is an error only when it
 * is evaluated (cel-spec's disable_check tests). */
int cel_compile_vars(const char *expr, const char *const *vars, size_t n_vars, bool lenient, struct cel_program **out,
                     char **err);
/* Evaluates p in c (its pool, budget and variables set by the caller). */
cel_val cel_run(cel_ctx *c, const struct cel_program *p);

/* ---- evaluation */
typedef struct cel_var { const char *name; cel_val value; } cel_var;

typedef struct cel_ctx {
    kapi_pool *pool;
    int64_t cost, budget;
    bool exceeded;               /* sticky: the budget ran out */
    const cel_var *vars; size_t n_vars;
    /* comprehension variables, innermost last */
    struct scope { const char *name; cel_val value; } scopes[64];
    size_t n_scopes;
    struct regex_entry *regexes;   /* compiled patterns (regex.c) */
    const struct regex_entry *program_regexes;   /* the program's literal patterns */
} cel_ctx;

cel_val cel_eval_node(cel_ctx *c, const node *n);

/* Adds to the cost; returns false (and sets c->exceeded) once the budget
 * is gone. */
bool cel_charge(cel_ctx *c, int64_t amount);

/* value helpers (value.c) */
cel_val cel_null(void);
cel_val cel_bool(bool b);
cel_val cel_int(int64_t i);
cel_val cel_uint(uint64_t u);
cel_val cel_double(double d);
cel_val cel_string(cel_ctx *c, const char *p, size_t len);    /* copies */
cel_val cel_string_ref(const char *p, size_t len);             /* borrows */
cel_val cel_bytes(cel_ctx *c, const char *p, size_t len);
cel_val cel_type(const char *name);
cel_val cel_error(cel_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
cel_val cel_no_overload(cel_ctx *c, const char *fn);
cel_val cel_map_new(cel_ctx *c, size_t n);                     /* room for n entries; the caller sets ->n */
cel_val cel_list_new(cel_ctx *c, size_t n);                    /* n items to fill in */
cel_val cel_optional(cel_ctx *c, const cel_val *v);            /* v NULL: optional.none() */
cel_val cel_from_json(cel_ctx *c, const cJSON *j);
/* j typed by its structural schema (schema_values.c); NULL schema: as cel_from_json. */
cel_val cel_from_json_schema(cel_ctx *c, const cJSON *j, const cJSON *schema);
const char *cel_type_name(const cel_val *v);
/* CEL equality: heterogeneous, numbers compare across int/uint/double. An
 * error when either side is an error. */
cel_val cel_equals(cel_ctx *c, const cel_val *a, const cel_val *b);
bool cel_equal_bool(const cel_val *a, const cel_val *b);
/* <0, 0, >0, or 2 when the two do not compare (NaN, different types). */
int cel_compare(const cel_val *a, const cel_val *b, bool *ok);
/* Looks key up in m; NULL when absent. */
const cel_val *cel_map_get(const cel_map *m, const cel_val *key);
/* The CEL form of v (for string() of lists and for results). */
char *cel_format_value(cel_ctx *c, const cel_val *v);
bool cel_utf8_valid(const char *p, size_t len);
size_t cel_utf8_count(const char *p, size_t len);

/* functions (functions.c, strings.c, time.c, kube.c) */
cel_val cel_call(cel_ctx *c, const char *fn, const cel_val *target, const cel_val *args, size_t n);
cel_val cel_call_string(cel_ctx *c, const char *fn, const cel_val *target, const cel_val *args, size_t n, bool *found);
cel_val cel_call_time(cel_ctx *c, const char *fn, const cel_val *target, const cel_val *args, size_t n, bool *found);
cel_val cel_call_kube(cel_ctx *c, const char *fn, const cel_val *target, const cel_val *args, size_t n, bool *found);
cel_val cel_binary(cel_ctx *c, cel_op op, const cel_val *a, const cel_val *b);
cel_val cel_call_kube_types(cel_ctx *c, const char *fn, const cel_val *target, const cel_val *args, size_t n, bool *found);
bool cel_object_equal(const cel_val *a, const cel_val *b);
cel_val cel_call_kube_format(cel_ctx *c, const char *fn, const cel_val *target, const cel_val *args, size_t n, bool *found);
/* Go's url.ParseRequestURI accepts s. */
bool cel_url_valid(const char *s);
/* string() of an IP or CIDR, or NULL. */
const char *cel_object_string(cel_ctx *c, const cel_val *v);
/* time helpers (time.c) */
int cel_parse_duration(const char *p, size_t len, int64_t *ns);
int cel_parse_timestamp(const char *p, size_t len, int64_t *sec, int32_t *nsec);
char *cel_format_duration(cel_ctx *c, int64_t ns);
char *cel_format_timestamp(cel_ctx *c, int64_t sec, int32_t nsec);
#define CEL_TS_MIN (-62135596800LL)   /* 0001-01-01T00:00:00Z */
#define CEL_TS_MAX (253402300799LL)   /* 9999-12-31T23:59:59Z */

#endif
