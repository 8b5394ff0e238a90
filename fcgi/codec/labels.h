/* labels.h: metav1.LabelSelector as the apps strategies and the controllers
 * use it: matching a set of labels (LabelSelectorAsSelector + Matches), the
 * selector's text (labels.Selector.String(), as a Scale's status.selector),
 * and Go's %#v of a selector or a label map, which kube prints as the bad
 * value of field errors. A selector is its JSON form ({"matchLabels":...,
 * "matchExpressions":[...]}); labels are a JSON object of strings. */
#ifndef KAPI_CONTROLLERS_LABELS_H
#define KAPI_CONTROLLERS_LABELS_H

#include <cjson/cJSON.h>
#include "core/kapi.h"

/* 1 when labels (an object, or NULL for none) satisfy selector. A missing
 * (NULL/null) selector selects nothing, an empty one everything, and one
 * that is malformed (an unknown operator, a value of the wrong type)
 * nothing. */
int label_selector_matches_labels(const cJSON *selector, const cJSON *labels);

/* 1 when the selector has no requirement at all (selects everything). */
int label_selector_is_empty(const cJSON *selector);

/* 0 and the selector's text in out ("app=test,tier in (a,b)", requirements
 * sorted by key; "" for an empty selector), or -1 if it is malformed. */
int label_selector_string(const cJSON *selector, kapi_buf *out);
/* The same after LabelSelectorAsSelector's checks (labels.NewRequirement:
 * qualified-name keys, valid label values, In/NotIn with values,
 * Exists/DoesNotExist without): -1 when one fails. What kubectl's
 * Selector column prints (a NULL selector prints as ""). */
int label_selector_as_selector_string(const cJSON *selector, kapi_buf *out);

/* Go's %#v of a *metav1.LabelSelector (dereferenced) and of a
 * map[string]string: `v1.LabelSelector{MatchLabels:map[string]string{"a":"b"},
 * MatchExpressions:[]v1.LabelSelectorRequirement(nil)}`. */
void label_selector_go_syntax(const cJSON *selector, kapi_buf *out);
void label_map_go_syntax(const cJSON *labels, kapi_buf *out);

/* Semantic equality of two JSON values as Go's apiequality sees decoded
 * objects: members that are null, empty objects or empty arrays count as
 * absent (omitempty), key order does not matter. */
int json_semantic_equal(const cJSON *a, const cJSON *b);

/* A copy of v with the members json_semantic_equal ignores removed and every
 * object's keys sorted: the canonical form hashed for pod-template-hash.
 * Caller frees; NULL when v is NULL or memory runs out. */
cJSON *json_canonical_copy(const cJSON *v);

#endif
