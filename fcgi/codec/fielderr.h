/* fielderr.h: field errors as kube-apiserver's validation reports them
 * (k8s.io/apimachinery/pkg/util/validation/field): each has a type, a field
 * path and a detail; together they become a 422 Invalid Status whose message
 * is `<Kind> "<name>" is invalid: <aggregate>` and whose details.causes list
 * each error. */
#ifndef KAPI_FIELDERR_H
#define KAPI_FIELDERR_H

#include <stdint.h>
#include <cjson/cJSON.h>
#include "core/kapi.h"

typedef enum field_error_type {
    FIELD_NOT_FOUND,      /* "FieldValueNotFound"     "Not found" */
    FIELD_REQUIRED,       /* "FieldValueRequired"     "Required value" */
    FIELD_DUPLICATE,      /* "FieldValueDuplicate"    "Duplicate value" */
    FIELD_INVALID,        /* "FieldValueInvalid"      "Invalid value" */
    FIELD_NOT_SUPPORTED,  /* "FieldValueNotSupported" "Unsupported value" */
    FIELD_FORBIDDEN,      /* "FieldValueForbidden"    "Forbidden" */
    FIELD_TOO_LONG,       /* "FieldValueTooLong"      "Too long" */
    FIELD_TOO_MANY,       /* "FieldValueTooMany"      "Too many" */
    FIELD_INTERNAL,       /* "InternalError"          "Internal error" */
    FIELD_TYPE_INVALID    /* "FieldValueTypeInvalid"  "Invalid value" */
} field_error_type;

#define FIELD_ERRORS_MAX 64
#define FIELD_ERRORS_TEXT 32768   /* room for every error's text (a pod diff is long) */

typedef struct field_error {
    field_error_type type;
    char field[256];
    const char *body;     /* ErrorBody(): type text, bad value, detail (in errs->text) */
} field_error;

typedef struct field_errors {
    field_error e[FIELD_ERRORS_MAX];
    int n;
    char text[FIELD_ERRORS_TEXT];
    size_t used;
} field_errors;

/* bad_value: a JSON value printed the way Go's %q / %v prints it (strings
 * quoted, numbers and booleans bare); NULL to omit the value (as Required,
 * Forbidden, TooLong and Internal always do). detail may be NULL. */
void field_error_add(field_errors *errs, field_error_type type, const char *field,
                     const cJSON *bad_value, const char *detail);
/* The same with a string bad value (printed quoted). */
void field_error_add_str(field_errors *errs, field_error_type type, const char *field,
                         const char *bad_value, const char *detail);
/* The same with an integer bad value (printed bare, as Go's %v). */
void field_error_add_int(field_errors *errs, field_error_type type, const char *field, int64_t bad_value,
                         const char *detail);
/* NotSupported: detail is `supported values: "a", "b"`. */
void field_error_not_supported(field_errors *errs, const char *field, const char *bad_value,
                               const char *const *supported);

/* "spec.containers[0].image: Required value" */
void field_error_string(const field_error *e, char *out, size_t n);

/* The 422 Status object for kind (qualified: "Pod", "Deployment.apps") and name. */
cJSON *field_errors_status(const field_errors *errs, const char *group, const char *kind,
                           const char *name);

#endif
