/* workload.h: what the strategies of the kinds added for API breadth share
 * (batch.c, statefulsets.c, daemonsets.c, storage.c, networking.c, ...):
 * defaulting a missing member, kube's selector-and-template validation with
 * the restart policies a kind allows, an immutable field's error, and the
 * status-kept-apart strategy hooks. */
#ifndef KAPI_WORKLOAD_H
#define KAPI_WORKLOAD_H

#include <cjson/cJSON.h>
#include "codec/fielderr.h"

/* Sets parent[key] when it is missing or null. */
void default_number(cJSON *parent, const char *key, double v);
void default_string(cJSON *parent, const char *key, const char *v);
void default_bool(cJSON *parent, const char *key, int v);

/* spec.selector required, valid, not empty, matching the template's labels;
 * the template validated as a pod template whose restartPolicy is one of
 * restart_policies (kube's NotSupported otherwise). prefix: "spec" or
 * "spec.jobTemplate.spec". what: the word of the empty-selector message. */
void validate_workload_selector_and_template(const cJSON *spec, const char *prefix, const char *what,
                                             const char *const *restart_policies, field_errors *errs);
/* The pod template alone (ValidatePodTemplateSpec plus the restart policy). */
void validate_workload_template(const cJSON *template, const char *path,
                                const char *const *restart_policies, field_errors *errs);
/* "field is immutable" at path when the values at path of obj and old differ
 * (ValidateImmutableField). path is relative to the object, dotted. */
void validate_immutable(const cJSON *obj, const cJSON *old, const char *path, field_errors *errs);
/* spec.selector never changes; the value as Go's %#v of the pointer
 * (&v1.LabelSelector{...}), as kube's ValidateImmutableField prints it. */
void validate_selector_immutable(const cJSON *obj, const cJSON *old, field_errors *errs);
/* The same with the choices spelled out: presence_counts 0 takes an absent
 * selector as equal to an empty one (apps/v1's semantic equality); nil_value
 * is the text of an absent new selector ("null" in apps/v1). */
void validate_selector_unchanged(const cJSON *obj, const cJSON *old, int presence_counts,
                                 const char *nil_value, field_errors *errs);
/* Whether obj's and old's specs are semantically equal once the
 * mutable_fields (top-level spec members, NULL-ended) are left out: kube's
 * "spec is immutable except ..." updates (PVCs, StatefulSets). */
int spec_equal_except(const cJSON *obj, const cJSON *old, const char *const *mutable_fields);
/* A number at key of parent, when present, must be >= 0. */
void validate_nonnegative(const cJSON *parent, const char *key, const char *field, field_errors *errs);

/* "Required value" at field when parent[key] is missing or "" (detail may be NULL). */
void validate_required_string(const cJSON *parent, const char *key, const char *field, const char *detail,
                              field_errors *errs);

/* 1 when v is one of the NULL-terminated supported values. */
int value_supported(const char *v, const char *const *supported);
/* Each string of list one of supported, else kube's "Unsupported value"
 * at field[i]. */
void validate_each_supported(const cJSON *list, const char *field, const char *const *supported, field_errors *errs);

/* spec and status as a Go round trip leaves them (schema_normalize of the
 * kind's type, read from the object's apiVersion and kind): both always
 * there when the type has them, zero values written, Go's field order. */
void workload_normalize(cJSON *obj);
/* The same for a given kind (a list's items carry no apiVersion). */
void workload_normalize_as(cJSON *obj, const char *group, const char *version, const char *kind);

/* PrepareForCreate of kinds with a status: status reset (to its zero
 * value, normalized). */
void workload_clear_status(cJSON *obj);
/* Status strategy: spec as stored. */
void workload_keep_spec(cJSON *obj, const cJSON *old);

#endif
