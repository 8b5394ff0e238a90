/* schema.h: one description of every kind's fields, as data: JSON names and
 * types, protobuf field numbers and wire types, pointer and omitempty rules,
 * required and read-only fields, enumerations, list semantics and patch
 * strategies, and a one-line description of each field. Protobuf decoding,
 * strict field validation, strategic merge patch and the OpenAPI documents
 * all read this one schema.
 *
 * The data lives in text files under schema/ (one per API group) (see schema/README.md for the
 * format), compiled into the programs and parsed once at start-up by
 * schema_load(). */
#ifndef KAPI_SCHEMA_H
#define KAPI_SCHEMA_H

#include <stddef.h>

typedef enum schema_value_kind {
    SV_STRING,        /* JSON string, protobuf bytes (wire type 2) */
    SV_BYTES,         /* []byte: JSON base64 string, protobuf bytes */
    SV_BOOL,          /* protobuf varint */
    SV_INT32,         /* JSON number, protobuf varint */
    SV_INT64,         /* JSON number, protobuf varint */
    SV_DOUBLE,        /* JSON number, protobuf fixed64 */
    SV_OBJECT,        /* a message of type ->type */
    SV_ARRAY,         /* JSON array of ->elem, protobuf repeated */
    SV_MAP,           /* JSON object string -> ->elem, protobuf repeated map entry {1 key, 2 value} */
    SV_TIME,          /* metav1.Time: RFC 3339 string; protobuf {1 seconds, 2 nanos} */
    SV_MICROTIME,     /* metav1.MicroTime: RFC 3339 with microseconds */
    SV_DURATION,      /* metav1.Duration: Go duration string; protobuf {1 duration int64 ns} */
    SV_QUANTITY,      /* resource.Quantity: string (or number in JSON); protobuf {1 string} */
    SV_INT_OR_STRING, /* intstr.IntOrString: number or string; protobuf {1 type, 2 intVal, 3 strVal} */
    SV_RAW            /* runtime.RawExtension / arbitrary JSON: preserved as is */
} schema_value_kind;

typedef enum schema_list_type { LIST_NONE = 0, LIST_ATOMIC, LIST_SET, LIST_MAP } schema_list_type;

enum schema_field_flags {
    SF_POINTER = 1 << 0,   /* Go pointer: present only when set (JSON and protobuf) */
    SF_OMITEMPTY = 1 << 1, /* json omitempty: an empty value is left out */
    SF_REQUIRED = 1 << 2,  /* required in the OpenAPI sense */
    SF_READONLY = 1 << 3,  /* set by the server only (status, metadata system fields) */
    SF_INLINE = 1 << 4     /* embedded struct inlined into the parent (TypeMeta) */
};

typedef struct schema_type schema_type;

/* The type of a value: a scalar kind, or an object/array/map of something. */
typedef struct schema_value {
    schema_value_kind kind;
    const schema_type *type;          /* SV_OBJECT */
    const struct schema_value *elem;  /* SV_ARRAY, SV_MAP */
} schema_value;

typedef struct schema_field {
    const char *name;                 /* JSON name */
    int proto_number;                 /* protobuf field number; 0: not in protobuf */
    schema_value value;
    unsigned flags;                   /* SF_* */
    const char *const *enum_values;   /* NULL-terminated; NULL when free-form */
    schema_list_type list_type;       /* for arrays: x-kubernetes-list-type */
    const char *const *list_map_keys; /* for LIST_MAP: x-kubernetes-list-map-keys */
    const char *patch_strategy;       /* "merge", "replace", "retainKeys", "merge,retainKeys" or NULL */
    const char *patch_merge_key;      /* for patch_strategy merge on lists of objects */
    const char *description;          /* one line, our own words */
} schema_field;

struct schema_type {
    const char *name;                 /* OpenAPI name: "io.k8s.api.core.v1.PodSpec" */
    const char *description;
    const schema_field *fields;
    int n_fields;
    /* Top-level kinds: their group, version and kind (NULL otherwise). */
    const char *group, *version, *kind;
};

/* Parses the built-in schema files once; safe to call from several threads
 * (the first call does the work). Returns 0, or -1 with a message on stderr. */
int schema_load(void);

/* The type of a kind ("", "v1", "Pod"), or NULL. */
const schema_type *schema_kind(const char *group, const char *version, const char *kind);
/* A type by OpenAPI name, or NULL. */
const schema_type *schema_type_named(const char *name);
/* A field of a type by JSON name, or NULL. */
const schema_field *schema_field_named(const schema_type *t, const char *name);
/* All types, for the OpenAPI generator: *n gets the count. */
const schema_type *const *schema_all_types(int *n);

#endif
