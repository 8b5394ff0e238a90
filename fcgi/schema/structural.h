/* structural.h: a CustomResourceDefinition version's openAPIV3Schema as
 * kube-apiserver applies it to custom resources
 * (k8s.io/apiextensions-apiserver/pkg/apiserver/schema and
 * .../apiserver/validation): the structural-schema rules checked when a CRD
 * is written, and on every write of a custom resource: pruning of unknown
 * fields, defaulting, and validation (OpenAPI v3 keywords, formats, the
 * x-kubernetes-* extensions, CEL rules from x-kubernetes-validations) with
 * kube's field errors (codec/fielderr.h).
 *
 * The contract the CRD registry code (registry/) calls; the implementation
 * lives in schema/structural*.c. */
#ifndef KAPI_STRUCTURAL_H
#define KAPI_STRUCTURAL_H

#include <cjson/cJSON.h>
#include "codec/fielderr.h"

typedef struct structural_schema structural_schema;

/* Compiles one version's schema (the cJSON of
 * spec.versions[i].schema.openAPIV3Schema). On errors (not structural,
 * invalid keywords or extensions, CEL rules that do not compile) adds
 * kube's field errors under `path` (e.g.
 * "spec.versions[0].schema.openAPIV3Schema") and returns NULL. The result
 * is immutable (safe to share between threads) and owns its own memory:
 * it does not point into `schema`. */
structural_schema *structural_compile(const cJSON *schema, const char *path, field_errors *errs);
void structural_free(structural_schema *s);
/* kube's static cost estimate of s's CEL rules at CRD write (cel.h's
 * cel_estimate_cost): a rule or messageExpression over
 * CEL_STATIC_COST_LIMIT, or all of them (each times how many values it may
 * run on) over CEL_STATIC_CRD_COST_LIMIT, is a Forbidden error with kube's
 * message under path (the openAPIV3Schema's). Returns 0, or -1 when it
 * added errors. */
int structural_check_costs(const structural_schema *s, const char *path, field_errors *errs);

/* Drops from obj every field the schema does not describe (outside
 * x-kubernetes-preserve-unknown-fields), as kube's pruning does.
 * apiVersion and kind at the root are kept; metadata at the root is the
 * caller's (kube prunes it to ObjectMeta's fields). Each dropped field's
 * path in kube's unknown-field form ("spec.foo", "spec.items[0].bar") goes
 * to on_unknown (may be NULL), for fieldValidation Strict and Warn. */
void structural_prune(const structural_schema *s, cJSON *obj,
                      void (*on_unknown)(void *arg, const char *path), void *arg);

/* Applies the schema's `default:` values where a field is absent (and
 * where it is null and not nullable), as kube does after pruning: on
 * create, on update and on reading an object stored before the default
 * was added. */
void structural_default(const structural_schema *s, cJSON *obj);

/* Validates obj against the schema and its CEL rules; old is the stored
 * object on update (for transition rules that use oldSelf), NULL on
 * create. Adds field errors with kube's paths and words; returns how many
 * it added. */
int structural_validate(const structural_schema *s, const cJSON *obj, const cJSON *old, field_errors *errs);

#endif
