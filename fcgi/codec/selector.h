/* selector.h: label selectors (labels.Parse: =, ==, !=, in, notin, exists,
 * !exists, gt, lt) and field selectors (fields.ParseSelector: =, ==, !=),
 * parsed once per request and matched against objects. */
#ifndef KAPI_SELECTOR_H
#define KAPI_SELECTOR_H

#include <cjson/cJSON.h>
#include "core/kapi.h"

#define SELECTOR_MAX_REQS 32
#define SELECTOR_MAX_VALUES 16

typedef enum sel_op { SEL_EQ, SEL_NEQ, SEL_IN, SEL_NOTIN, SEL_EXISTS, SEL_NOT_EXISTS, SEL_GT, SEL_LT } sel_op;

typedef struct sel_req {
    const char *key;
    sel_op op;
    const char *values[SELECTOR_MAX_VALUES];
    int n_values;
} sel_req;

typedef struct selector {
    sel_req reqs[SELECTOR_MAX_REQS];
    int n;
} selector;

/* Parses a label selector into sel (strings in the pool). Returns 0, or -1
 * with kube's error text in err. An empty string selects everything. */
int label_selector_parse(kapi_pool *p, const char *text, selector *sel, char *err, size_t errlen);
/* Parses a field selector (only =, ==, !=). */
int field_selector_parse(kapi_pool *p, const char *text, selector *sel, char *err, size_t errlen);

/* 1 if labels (a JSON object or NULL) satisfy every requirement. */
int label_selector_matches(const selector *sel, const cJSON *labels);

/* 1 if the object satisfies every field requirement. Field values come from
 * the object by dotted path ("metadata.name", "spec.nodeName",
 * "status.phase"); a missing field is "". */
int field_selector_matches(const selector *sel, const cJSON *obj);

#endif
