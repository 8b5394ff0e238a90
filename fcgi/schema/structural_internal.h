/* structural_internal.h: what the schema/structural*.c files share: the
 * compiled tree of a CRD version's openAPIV3Schema (one snode per schema
 * object, children by property name, items and additionalProperties), the
 * CEL rules attached to a node, and the path buffer the walkers build field
 * paths in. Nothing here is seen outside schema/structural*.c. */
#ifndef KAPI_STRUCTURAL_INTERNAL_H
#define KAPI_STRUCTURAL_INTERNAL_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "cel/cel.h"
#include "codec/fielderr.h"
#include "schema/structural.h"

/* Bounds that keep a hostile schema or object from costing without limit. */
#define STRUCTURAL_MAX_DEPTH 64        /* schema nesting (kube has none; objects are 100 deep at most in JSON) */
#define STRUCTURAL_MAX_NODES 100000    /* schema objects in one version's schema */
#define STRUCTURAL_PATH_MAX 512

enum list_type { LIST_ATOMIC, LIST_SET, LIST_MAP };

typedef struct srule {
    char *rule, *message, *message_expression, *reason, *field_path;
    cel_program *program;       /* the rule */
    cel_program *message_program; /* messageExpression, or NULL */
    bool uses_old_self;         /* a transition rule */
    bool optional_old_self;
} srule;

typedef struct snode snode;
struct snode {
    const cJSON *raw;           /* this schema object in the structural_schema's own copy */
    const char *type;           /* "" when unset */
    const char *format;         /* NULL when unset */
    bool nullable, preserve_unknown, int_or_string, embedded;
    int nprops;
    char **prop_names;          /* sorted, for bsearch */
    snode **props;
    snode *items;
    snode *additional;          /* additionalProperties as a schema */
    bool additional_any;        /* additionalProperties: true */
    const cJSON *def;           /* default (in raw), or NULL */
    const cJSON *enum_values;   /* enum array (in raw), or NULL */
    const char *pattern;
    regex_t pattern_re;
    bool has_pattern;
    bool has_minimum, has_maximum, exclusive_minimum, exclusive_maximum, has_multiple_of;
    double minimum, maximum, multiple_of;
    int64_t min_length, max_length, min_items, max_items, min_properties, max_properties; /* -1: unset */
    const cJSON *required;      /* array of names (in raw), or NULL */
    enum list_type list_type;
    const cJSON *list_map_keys; /* array (in raw), or NULL */
    /* allOf/anyOf/oneOf/not: value validations only (kube's NestedValueValidation) */
    int nall, nany, none;
    snode **all_of, **any_of, **one_of;
    snode *not_;
    int nrules;
    srule *rules;
    bool nested;                /* under allOf/anyOf/oneOf/not: value validation only */
};

struct structural_schema {
    cJSON *copy;                /* the schema as given (every raw points into it) */
    snode *root;
};

/* A field path under construction ("spec.items[0].name"). */
typedef struct spath {
    char s[STRUCTURAL_PATH_MAX];
    size_t n;
} spath;

size_t spath_child(spath *p, const char *name);   /* appends ".name" (or "name" at the start); returns the old length */
size_t spath_index(spath *p, int i);              /* appends "[i]" */
size_t spath_key(spath *p, const char *key);      /* appends "[key]" (schema paths: properties[spec]) */
void spath_reset(spath *p, size_t n);

const snode *snode_property(const snode *n, const char *name);
void snode_free(snode *n);

/* Validation of one value (structural_validate.c): errors go under
 * prefix + body path; the message names the body path as kube-openapi does
 * ("spec.x in body must be of type integer"). */
void structural_validate_value(const snode *n, const cJSON *v, const cJSON *old, bool has_old, spath *body,
                               const char *prefix, field_errors *errs, int64_t *budget, bool root);
/* The format checks of kube-openapi's strfmt registry; true when s is
 * valid (or the format is unknown). */
bool structural_format_ok(const char *format, const char *s);
/* CEL rules of n against v (structural_cel.c). */
void structural_validate_rules(const snode *n, const cJSON *v, const cJSON *old, bool has_old, const char *field,
                               field_errors *errs, int64_t *budget);
/* Pruning (structural_prune.c) reporting nothing: used on defaults. */
bool structural_prune_node(const snode *n, cJSON *v, spath *path, void (*on_unknown)(void *, const char *),
                           void *arg, bool root);
/* The Go-%#v form of a ValidationRule, as kube prints a compile error's value. */
char *structural_rule_go_value(const cJSON *rule);

#endif
