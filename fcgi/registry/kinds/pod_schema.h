/* pod_schema.h: what a Pod's fields are, as data: each struct's fields in
 * the Go order of kube's internal types (pkg/apis/core), with their JSON
 * names (k8s.io/api/core/v1) and kinds. One description drives
 *   - type checking of request bodies as Go's decoder does it (400 errors),
 *   - kube's JSON field order for Pods,
 *   - semantic equality of specs (apiequality.Semantic.DeepEqual),
 *   - the go-cmp style diff in the 422 of a forbidden Pod update.
 * Structs kapi does not describe field by field (Affinity, most volume
 * plugins, container statuses) are "any object": checked to be objects and
 * compared and printed as plain JSON. */
#ifndef KAPI_POD_SCHEMA_H
#define KAPI_POD_SCHEMA_H

#include <stddef.h>
#include <cjson/cJSON.h>

typedef enum pod_kind {
    PK_STRING, PK_BOOL, PK_INT32, PK_INT64,
    PK_PSTRING, PK_PBOOL, PK_PINT32, PK_PINT64,   /* pointers: nil differs from zero */
    PK_STRUCT,        /* a struct value (JSON object) */
    PK_PSTRUCT,       /* a pointer to a struct */
    PK_INLINE,        /* an embedded struct whose fields sit in the parent's JSON object */
    PK_LIST_STRUCT, PK_LIST_STRING, PK_LIST_INT64,
    PK_MAP_STRING,    /* map[string]string */
    PK_RESOURCE_LIST, /* map[ResourceName]resource.Quantity */
    PK_QUANTITY, PK_PQUANTITY,
    PK_INT_OR_STRING,
    PK_TIME, PK_PTIME, /* metav1.Time (RFC 3339 string) */
    PK_ANY,           /* a struct kapi does not describe (value) */
    PK_PANY,          /* a pointer to such a struct */
    PK_LIST_ANY       /* a list of such structs */
} pod_kind;

enum {
    PF_V1_ONLY = 1,       /* exists in v1 JSON only (PodSpec.serviceAccount, hostNetwork, ...) */
    PF_INTERNAL_ONLY = 2, /* exists in the internal type only (PodSecurityContext.HostNetwork, ...) */
    PF_KEEP = 4           /* no omitempty: a zero value is still written */
};

struct pod_type;
typedef struct pod_field {
    const char *go;                 /* "TerminationGracePeriodSeconds" */
    const char *json;               /* "terminationGracePeriodSeconds" (NULL for PK_INLINE) */
    pod_kind kind;
    const struct pod_type *type;    /* struct and any kinds */
    const char *named;              /* a named Go string type ("RestartPolicy"), else NULL */
    int flags;
} pod_field;

typedef struct pod_type {
    const char *name;               /* "Container"; printed as v1.Container / core.Container */
    const pod_field *fields;        /* NULL for an undescribed ("any") struct */
    int n_fields;
} pod_type;

extern const pod_type pod_type_pod, pod_type_pod_spec, pod_type_pod_status, pod_type_container,
    pod_type_toleration, pod_type_volume;

/* The field of t whose JSON name is json (looking through inline structs),
 * or NULL; *owner gets the struct that declares it. */
const pod_field *pod_schema_field(const pod_type *t, const char *json, const pod_type **owner);

/* Go's encoding/json as kube decodes a Pod: returns 0, or -1 with Go's
 * message in err ("json: cannot unmarshal string into Go struct field
 * PodSpec.spec.containers of type []v1.Container", a Quantity's or a time's
 * parse error). */
int pod_check_types(const cJSON *pod, char *err, size_t errlen);

/* Reorders every described object inside pod into kube's JSON field order
 * (v1 struct order; unknown keys keep their order, after the known ones). */
void pod_order_fields(cJSON *pod);

/* What decoding into kube's Go types and encoding back does to the JSON:
 * unknown fields dropped, null and zero omitempty fields dropped, struct
 * values always present ("resources": {}), fields without omitempty written
 * even when zero, quantities in canonical form. */
void pod_to_go_values(cJSON *pod);

/* A copy of a v1 spec as the internal core.PodSpec holds it: serviceAccount
 * dropped (it mirrors serviceAccountName), hostNetwork, hostPID, hostIPC,
 * shareProcessNamespace and hostUsers moved into securityContext. Caller
 * frees. spec may be NULL (an empty spec). */
cJSON *pod_spec_internal_view(const cJSON *spec);

/* apiequality.Semantic.DeepEqual of two values of field f's kind: missing,
 * null and the zero value are one for value kinds, empty and nil lists and
 * maps are equal, quantities compare by value. */
int pod_values_equal(const pod_field *f, const cJSON *a, const cJSON *b);
/* The same for two objects of struct type t. */
int pod_structs_equal(const pod_type *t, const cJSON *a, const cJSON *b);

/* cmp.Diff(old, new) of two internal-view specs (see pod_diff.c), as a new
 * string the caller frees; NULL when out of memory. */
char *pod_spec_diff(const cJSON *old_spec, const cJSON *new_spec);

#endif
