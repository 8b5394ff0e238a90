/* resource.h: the resource table. One entry per kind drives routing,
 * discovery, storage keys, server-side printing and the kind's strategy. */
#ifndef KAPI_RESOURCE_H
#define KAPI_RESOURCE_H

#include <time.h>
#include <cjson/cJSON.h>
#include "core/kapi.h"

enum {
    VERB_GET = 1 << 0, VERB_LIST = 1 << 1, VERB_WATCH = 1 << 2, VERB_CREATE = 1 << 3,
    VERB_UPDATE = 1 << 4, VERB_PATCH = 1 << 5, VERB_DELETE = 1 << 6,
    VERB_DELETECOLLECTION = 1 << 7,
    VERBS_ALL = 0xff
};

/* Server-side printing (meta.k8s.io/v1 Table): the kind's columns and a
 * function that fills one row's cells. */
typedef struct table_column {
    const char *name;         /* "Name", "Ready", ... (kubectl upper-cases) */
    const char *type;         /* "string", "integer", "date", ... */
    const char *format;       /* "name" for the Name column, else "" */
    const char *description;
    int priority;             /* 0 always shown, 1 with -o wide */
} table_column;

typedef struct table_def {
    const table_column *columns;
    int n_columns;
    /* Appends exactly n_columns cells for obj to the cells array. now is the
     * server's clock, for AGE. */
    void (*row)(const cJSON *obj, cJSON *cells, time_t now);
} table_def;

/* A kind's rules, in one place (kube-apiserver's strategy). Every callback
 * is optional. Messages added to *errs are field errors; see codec/fielderr.h. */
struct field_errors;
struct rest_call;
struct rest_result;
typedef enum name_rule {
    NAME_DNS1123_SUBDOMAIN = 0, /* most kinds */
    NAME_DNS1123_LABEL,         /* namespaces */
    NAME_DNS1035_LABEL,         /* services */
    NAME_PATH_SEGMENT           /* RBAC kinds */
} name_rule;

typedef struct kapi_strategy {
    name_rule names;
    int has_status;            /* a status kept apart from spec (status subresource) */
    int has_generation;        /* metadata.generation set to 1, bumped when spec changes */
    int return_deleted_object; /* DELETE answers with the object, not a Status */
    /* Type errors a Go decoder would reject (400), e.g. invalid base64 in a
     * Secret's data: returns 0 or -1 with a message. */
    int (*check_types)(const cJSON *obj, char *err, size_t errlen);
    /* kube's SetDefaults_* for the kind, applied to every decoded body
     * (create, update, patch result) before admission. */
    void (*set_defaults)(cJSON *obj);
    /* Clear fields a create may not set (status); PrepareForCreate. */
    void (*prepare_for_create)(cJSON *obj);
    /* Keep fields an update may not change (status on the main resource). */
    void (*prepare_for_update)(cJSON *obj, const cJSON *old);
    void (*validate)(const cJSON *obj, struct field_errors *errs);
    void (*validate_update)(const cJSON *obj, const cJSON *old, struct field_errors *errs);
    /* Serves the kind's own subresources (pods/binding, deployments/scale,
     * ...; "status" is generic): returns the answer, kube's 404 for a
     * subresource the kind does not have. See registry/rest_internal.h. */
    struct rest_result (*serve_subresource)(struct rest_call *c, const char *subresource, const char *name);
    /* Serves create itself instead of the generic verb: kinds that are
     * answered, never stored (access reviews). Returns the answer. */
    struct rest_result (*serve_create)(struct rest_call *c);
    /* The kind's status strategy (PrepareForUpdate of its StatusStrategy):
     * given the new object of a /status update, put back from old what
     * /status may not change (spec, labels, ...). NULL: only status
     * changes. Generation never changes through /status. */
    void (*prepare_for_status_update)(cJSON *obj, const cJSON *old);
} kapi_strategy;

typedef struct kapi_resource {
    const char *group;         /* "" for the core group */
    const char *version;       /* "v1" */
    const char *kind;          /* "Pod" */
    const char *plural;        /* "pods" */
    const char *singular;      /* "pod" */
    const char *key_prefix;    /* under /registry/: "pods", "services/specs", "minions" */
    const char *short_names[4];/* NULL-terminated */
    const char *categories[2]; /* NULL-terminated: "all" */
    int namespaced;
    unsigned verbs;
    const table_def *table;
    const kapi_strategy *strategy;
} kapi_resource;

extern const kapi_resource kapi_resources[];
extern const int kapi_n_resources;

/* The API groups kapi serves, in discovery order ("" first). */
typedef struct kapi_group {
    const char *name;          /* "" for core, "apps", ... */
    const char *version;       /* the one (preferred) version */
} kapi_group;
extern const kapi_group kapi_groups[];
extern const int kapi_n_groups;

/* Looks a resource up by group, version and plural name; NULL if none. */
const kapi_resource *resource_find(const char *group, const char *version, const char *plural);
/* "apps/v1" or "v1" */
const char *resource_api_version(const kapi_resource *r);
/* Writes the registry key of namespace/name ("/registry/pods/ns/name") into
 * the pool; namespace ignored for cluster-scoped kinds. name NULL gives the
 * prefix for a list ("/registry/pods/ns/" or "/registry/pods/"). */
char *resource_key(kapi_pool *p, const kapi_resource *r, const char *ns, const char *name);

#endif
