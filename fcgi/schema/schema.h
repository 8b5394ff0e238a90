/* schema.h: one description of every kind's fields, as data: JSON names and
 * types, protobuf field numbers and wire types, pointer and omitempty rules,
 * required and read-only fields, enumerations, list semantics and patch
 * strategies, and a one-line description of each field. Protobuf decoding,
 * strict field validation, strategic merge patch and the OpenAPI documents
 * all read this one schema.
 *
 * The data lives in .schema text files under schema/ (see schema/README.md for the
 * format), compiled into the programs (schema_embed.c) and parsed once by
 * schema_load(). Everything returned here lives as long as the program and
 * is read-only: share it between threads freely.
 *
 * Conventions the readers rely on:
 *  - A type's fields are in Go struct order, which is the order Go's
 *    encoding/json writes them (and the order kubectl's JSON bodies have).
 *  - An inlined (embedded) struct is a field with SF_INLINE and name "":
 *    its fields appear flat in JSON. proto_number 0 means the struct is not
 *    in protobuf at all (TypeMeta: kind/apiVersion travel in the envelope);
 *    otherwise the struct is a sub-message at that number (Volume embeds
 *    VolumeSource at 2). schema_field_named() looks through inlined structs.
 *  - kube's internal types (pkg/apis/core, what semantic equality and the
 *    go-cmp diff of a forbidden update see) differ from v1 in a few structs:
 *    internal_fields lists them in the internal Go order.
 *  - The protobuf wire type follows from the value kind: varint for bool,
 *    int32, int64; fixed64 for double; length-delimited for everything else.
 *    Repeated scalars may come packed or not. Maps are repeated entries
 *    {1 key, 2 value} with string keys.
 */
#ifndef KAPI_SCHEMA_H
#define KAPI_SCHEMA_H

#include <stddef.h>

typedef enum schema_value_kind {
    SV_STRING,        /* JSON string; protobuf string */
    SV_BYTES,         /* []byte: JSON base64 string; protobuf bytes */
    SV_BOOL,          /* protobuf varint */
    SV_INT32,         /* JSON number; protobuf varint (int32, two's complement) */
    SV_INT64,         /* JSON number; protobuf varint */
    SV_DOUBLE,        /* JSON number; protobuf fixed64 */
    SV_OBJECT,        /* a message of type ->type */
    SV_ARRAY,         /* JSON array of ->elem; protobuf repeated */
    SV_MAP,           /* JSON object string -> ->elem; protobuf repeated entry {1 key, 2 value} */
    SV_TIME,          /* metav1.Time: RFC 3339 string in UTC, whole seconds, null when zero;
                       * protobuf {1 seconds, 2 nanos}, empty when zero */
    SV_MICROTIME,     /* metav1.MicroTime: RFC 3339 with 6 fraction digits; protobuf as Time */
    SV_DURATION,      /* metav1.Duration: Go duration string ("1m30s"); protobuf {1 nanoseconds} */
    SV_QUANTITY,      /* resource.Quantity: string (a JSON number is accepted); protobuf {1 string} */
    SV_INT_OR_STRING, /* intstr.IntOrString: number or string; protobuf {1 type, 2 intVal, 3 strVal} */
    SV_RAW,           /* runtime.RawExtension: any JSON, kept as is; protobuf {1 raw bytes} */
    SV_FIELDS_V1      /* metav1.FieldsV1: any JSON (a field set trie); protobuf {1 raw bytes} */
} schema_value_kind;

typedef enum schema_list_type { LIST_NONE = 0, LIST_ATOMIC, LIST_SET, LIST_MAP } schema_list_type;

enum schema_field_flags {
    SF_POINTER = 1 << 0,   /* Go pointer: present only when set (JSON null when unset and
                            * not omitempty); protobuf: written only when set */
    SF_OMITEMPTY = 1 << 1, /* json omitempty: an empty scalar, slice or map is left out
                            * (structs are never empty for Go) */
    SF_REQUIRED = 1 << 2,  /* required in the OpenAPI sense (no omitempty, no +optional) */
    SF_READONLY = 1 << 3,  /* set by the server only (status, metadata system fields) */
    SF_INLINE = 1 << 4,    /* embedded struct inlined into the parent (name ""); see above */
    SF_WRAPPED = 1 << 5,   /* protobuf: each list of this map's values travels as a message
                            * {1 repeated items} (authorization ExtraValue) */
    SF_MAP_ATOMIC = 1 << 6, /* +mapType=atomic: the map is replaced whole, never merged */
    SF_INTERNAL_ONLY = 1 << 7, /* a field of kube's internal type only (never in v1 JSON):
                                * listed in schema_type.internal_fields, not in .fields */
    SF_INTERNAL_VALUE = 1 << 8 /* a pointer in v1, a plain value in the internal type */
};

enum schema_type_flags {
    ST_ATOMIC = 1 << 0     /* +structType=atomic: replaced whole (x-kubernetes-map-type atomic) */
};

typedef struct schema_type schema_type;

/* The type of a value: a scalar kind, or an object/array/map of something. */
/* A raw value that protobuf carries as one of apiextensions' Go unions
 * (JSON carries either shape as is): JSONSchemaPropsOrArray {1 schema,
 * 2 repeated jSONSchemas}, JSONSchemaPropsOrBool {1 allows, 2 schema},
 * JSONSchemaPropsOrStringArray {1 schema, 2 repeated property}. */
typedef enum schema_raw_union { RAW_PLAIN = 0, RAW_OR_ARRAY, RAW_OR_BOOL, RAW_OR_STRING_ARRAY } schema_raw_union;
#define SCHEMA_JSON_SCHEMA_PROPS "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps"

typedef struct schema_value {
    schema_value_kind kind;
    const schema_type *type;          /* SV_OBJECT */
    const struct schema_value *elem;  /* SV_ARRAY, SV_MAP */
    schema_raw_union raw_union;       /* SV_RAW (union=): its protobuf message */
} schema_value;

typedef struct schema_field {
    const char *name;                 /* JSON name; "" for an inlined struct */
    int proto_number;                 /* protobuf field number; 0: not in protobuf */
    schema_value value;
    unsigned flags;                   /* SF_* */
    const char *const *enum_values;   /* NULL-terminated; NULL when free-form */
    schema_list_type list_type;       /* for arrays: x-kubernetes-list-type */
    const char *const *list_map_keys; /* for LIST_MAP: x-kubernetes-list-map-keys, NULL-terminated */
    const char *patch_strategy;       /* "merge", "replace", "retainKeys", "merge,retainKeys" or NULL */
    const char *patch_merge_key;      /* for patch_strategy merge on lists of objects */
    const char *default_json;         /* +default value as JSON text ("\"TCP\"", "false"), or NULL */
    const char *go_type;              /* Go type as reflect prints it when it is a named type
                                       * ("v1.PullPolicy", "[]v1.Capability"), or NULL: derive it
                                       * with schema_go_type() */
    const char *description;          /* one line, our own words */
    const char *go_name;              /* the Go field name ("TTY", "DeprecatedServiceAccount"):
                                       * goname=, else the JSON name with its first letter
                                       * upper-cased; an inlined struct's type name */
    int internal_index;               /* position in kube's internal struct; -1: v1 only */
} schema_field;

struct schema_type {
    const char *name;                 /* OpenAPI name: "io.k8s.api.core.v1.PodSpec" */
    const char *short_name;           /* Go struct name: "PodSpec" */
    const char *go_package;           /* Go package name: "v1" */
    const char *description;
    const schema_field *fields;
    int n_fields;
    unsigned flags;                   /* ST_* */
    /* The fields of kube's internal Go type (pkg/apis/<group>) in its order:
     * v1 fields (minus those it does not have) and internal-only fields
     * (SF_INTERNAL_ONLY). The same fields as .fields, in the same order,
     * unless the schema file says otherwise (internal=, internalonly). */
    const schema_field *const *internal_fields;
    int n_internal;
    /* Top-level kinds: their group ("" for core), version and kind (NULL otherwise). */
    const char *group, *version, *kind;
};

/* Parses the built-in schema files once; safe to call from several threads
 * (the first call does the work, the others wait for it). Returns 0, or -1
 * with a message naming the file and line on stderr (every later call
 * returns -1 too). */
int schema_load(void);

/* The type of a kind ("", "v1", "Pod"), or NULL. Loads the schema if needed. */
const schema_type *schema_kind(const char *group, const char *version, const char *kind);
/* The first kind of that name in any group ("Pod", "Scale"), or NULL. */
const schema_type *schema_kind_named(const char *kind);
/* A type by OpenAPI name, or NULL. */
const schema_type *schema_type_named(const char *name);
/* A field of a type by JSON name, looking through inlined structs, or NULL. */
const schema_field *schema_field_named(const schema_type *t, const char *name);
/* A direct field of a type (an inlined struct counts as one field) by
 * protobuf number, or NULL. */
const schema_field *schema_field_numbered(const schema_type *t, int number);
/* All types, for the OpenAPI generator: *n gets the count. */
const schema_type *const *schema_all_types(int *n);

/* The OpenAPI definition name of a special scalar (SV_TIME ->
 * "io.k8s.apimachinery.pkg.apis.meta.v1.Time", SV_QUANTITY, SV_INT_OR_STRING,
 * SV_RAW, SV_FIELDS_V1, SV_MICROTIME), or NULL for plain scalars and
 * containers. */
const char *schema_scalar_openapi_name(schema_value_kind kind);

/* The Go type of a value as reflect prints it in decoding errors
 * ("string", "int32", "[]uint8", "v1.PodSpec", "[]v1.Container",
 * "map[string]string", "resource.Quantity"), honouring a field's go_type.
 * f may be NULL (then v alone decides). Writes into buf; returns buf. */
const char *schema_go_type(const schema_field *f, const schema_value *v, char *buf, size_t n);

#endif
