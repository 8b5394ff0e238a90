/* resource.h: the description of a kind (kapi_resource), as data: names,
 * scope, verbs, subresources, storage prefix, selectable fields, printer
 * columns, schema type, plus the optional C hooks (strategy, Table rows).
 * The run-time registry of descriptions is kinds.h. */
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

/* Server-side printing (meta.k8s.io/v1 Table): the kind's columns, each
 * saying as data how its cell is read from the object, or a function that
 * fills a whole row's cells. */
typedef enum table_cell {
    CELL_BY_ROW = 0,  /* written by the table's row function */
    CELL_NAME,        /* metadata.name */
    CELL_AGE,         /* translateTimestampSince(metadata.creationTimestamp) */
    CELL_TEXT,        /* the string at path; text when absent or empty */
    CELL_OPTIONAL,    /* the string at path, even empty; text when absent (a *string) */
    CELL_INT,         /* the int32 at path; number when absent */
    CELL_BOOL,        /* true when the value at path is true, else false */
    CELL_COUNT,       /* how many members the array or object at path has */
    CELL_LABELS,      /* labels.FormatLabels of the map at path ("<none>") */
    CELL_SELECTOR,    /* metav1.FormatLabelSelector of the selector at path */
    CELL_CONTAINERS,  /* the names of the containers at path, ","-joined */
    CELL_IMAGES,      /* their images, ","-joined */
    CELL_JOINED,      /* the array at path ","-joined: its strings, or each
                         item's member; text when empty */
    CELL_FN           /* fn appends the cell */
} table_cell;

typedef struct table_column {
    const char *name;         /* "Name", "Ready", ... (kubectl upper-cases) */
    const char *type;         /* "string", "integer", "date", ... */
    const char *format;       /* "name" for the Name column, else "" */
    const char *description;
    int priority;             /* 0 always shown, 1 with -o wide */
    /* the cell, when the table has no row function: */
    table_cell cell;
    const char *path;         /* dotted path read ("status.readyReplicas") */
    const char *text;         /* CELL_TEXT's and CELL_OPTIONAL's default */
    long long number;         /* CELL_INT's default */
    const char *member;       /* CELL_JOINED: the items' member joined (NULL: the items) */
    /* CELL_FN: appends the cell (column gives it path, text and number) */
    void (*fn)(cJSON *cells, const cJSON *obj, const struct table_column *column, time_t now);
} table_column;

typedef struct table_def {
    const table_column *columns;
    int n_columns;
    /* Appends exactly n_columns cells for obj to the cells array. now is the
     * server's clock, for AGE. NULL: each column's cell as data says. */
    void (*row)(const cJSON *obj, cJSON *cells, time_t now);
    /* Optional: the row's conditions (printPod's row.Conditions for finished
     * pods); NULL when the row has none. The caller owns the result. */
    cJSON *(*row_conditions)(const cJSON *obj);
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
    int requires_resource_version; /* a PUT must name metadata.resourceVersion (kube's
                                    * AllowUnconditionalUpdate() false: Lease) */
    int allows_create_on_update;   /* a PUT of a missing object creates it (kube's
                                    * AllowCreateOnUpdate(): Leases, Events, Endpoints,
                                    * LimitRanges, the RBAC kinds) */
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
    /* The kind's validation of an object, on create and update ... */
    void (*validate)(const cJSON *obj, struct field_errors *errs);
    /* ... unless set: what a create checks instead (ValidatePodCreate has
     * rules an update does not re-check). */
    void (*validate_create)(const cJSON *obj, struct field_errors *errs);
    /* Rules an update checks on top, with the stored object. */
    void (*validate_update)(const cJSON *obj, const cJSON *old, struct field_errors *errs);
    /* Fields that never change once created (dotted paths, NULL-ended):
     * each is checked after validate_update as kube's ValidateImmutableField
     * ("field is immutable"); see registry/kinds/workload.h. */
    const char *const *immutable_fields;
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
    /* Serves DELETE of one object itself (a CRD deletes its custom
     * resources first); NULL: the generic delete. */
    struct rest_result (*serve_delete)(struct rest_call *c, const char *name);
    /* A kind served in a version or group other than the one its objects
     * are stored in (autoscaling/v1 HorizontalPodAutoscalers over the
     * stored autoscaling/v2, events.k8s.io/v1 Events over core/v1): the
     * conversion of an object, in place, from the served form to the
     * stored one (a request's body, as it is decoded) and back (what a
     * client is sent). Every other hook, the Table and the selectable
     * fields see the stored form, as kube's see the internal version. */
    void (*to_storage)(cJSON *obj);
    void (*from_storage)(cJSON *obj);
    /* Serve GET of one object and LIST themselves instead of the store
     * (kinds answered, never stored: ComponentStatus). */
    struct rest_result (*serve_get)(struct rest_call *c, const char *name);
    struct rest_result (*serve_list)(struct rest_call *c);
    /* Subresources that write the object as /status does, kind's own rules
     * (certificatesigningrequests/approval and /status): when set, these
     * replace prepare_for_status_update and validate_update, and learn which
     * subresource writes ("" for the object itself). */
    void (*prepare_for_subresource_update)(const char *subresource, cJSON *obj, const cJSON *old);
    void (*validate_subresource_update)(const char *subresource, const cJSON *obj, const cJSON *old,
                                        struct field_errors *errs);
    /* On create, after prepare_for_create: what the object records of the
     * user asking (a CSR's spec.username, uid, groups). */
    void (*set_requester)(cJSON *obj, const kapi_user *user);
    /* A Warning sent with every answer of the kind (kube's deprecated
     * APIs: "v1 ComponentStatus is deprecated in v1.19+"); NULL: none. */
    const char *warning;
    /* What an object holds outside itself (a Service's cluster IPs and node
     * ports; kube's BeginCreate / BeginUpdate of the service registry):
     * claimed before validation on create (old NULL) and update; 0, or -1
     * with the failure in *fail (having released what it claimed). */
    int (*begin_write)(struct rest_call *c, cJSON *obj, const cJSON *old, struct rest_result *fail);
    /* Releases what held holds and keep (may be NULL) does not: after a
     * delete (keep NULL), after a failed create or update (the new object's
     * claims), after an update (the old object's claims it dropped). */
    void (*release_held)(struct rest_call *c, const cJSON *held, const cJSON *keep);
    /* On DELETE, before the object is marked or removed: takes away the
     * finalizers the server's own protection controllers would take at
     * once (a claim's kubernetes.io/pvc-protection when no pod uses it). */
    void (*release_finalizers)(struct rest_call *c, cJSON *obj);
} kapi_strategy;

/* A subresource the kind serves (pods/status, deployments/scale, ...), as
 * discovery lists it; the kind's strategy serves it (status is generic). */
typedef struct kind_subresource {
    const char *name;           /* "status", "scale", "binding", "finalize" */
    unsigned verbs;             /* VERB_* */
    const char *kind_group;     /* the response kind's group/version when it is */
    const char *kind_version;   /*   of another group (Scale: autoscaling/v1), else NULL */
    const char *kind;           /* NULL: the parent's kind */
} kind_subresource;

/* How a selectable field's value is read from an object (kube's
 * <Kind>ToSelectableFields): the JSON value at path, as text. */
typedef enum field_form {
    FIELD_STRING = 0,           /* the string, "" when missing */
    FIELD_BOOL,                 /* strconv.FormatBool, "false" when missing */
    FIELD_INT,                  /* strconv.Itoa, "0" when missing */
    FIELD_NO_VALUE,             /* accepted by the selector, never a value: "" */
    FIELD_ALIAS                 /* a legacy label renamed to the field at path */
} field_form;

/* A field a field selector may name, beyond metadata.name (always) and
 * metadata.namespace (namespaced kinds, and kinds without a list of their
 * own: kube's default field label conversion). */
typedef struct selectable_field {
    const char *name;           /* "spec.nodeName" */
    field_form form;
    const char *path;           /* dotted path read, "a.b[0].c" allowed; NULL: name.
                                   FIELD_ALIAS: the field name it stands for */
    const char *fallback;       /* path read when path holds nothing; NULL: none */
} selectable_field;

/* A printer column as data (a CRD's additionalPrinterColumns): the cell is
 * the value at json_path (".spec.replicas"). Kinds whose rows need code
 * keep a table_def instead. */
typedef struct printer_column {
    const char *name;           /* "Replicas" */
    const char *type;           /* "string", "integer", "number", "boolean", "date" */
    const char *format;         /* "" or an OpenAPI format */
    const char *description;
    int priority;               /* 0 always shown, 1 with -o wide */
    const char *json_path;      /* ".spec.replicas" */
} printer_column;

/* Behaviour generic code needs to know of a kind, which it must not infer
 * from the kind's name. */
enum {
    KIND_IS_NAMESPACE = 1 << 0, /* the Namespace kind: its URL name is the
                                   namespace segment, delete marks it
                                   Terminating, spec.finalizers hold it */
    KIND_IS_EVENT = 1 << 1,     /* the Event kind (the reconciler's recorder) */
    KIND_IS_CUSTOM = 1 << 2     /* a custom resource (a CRD's kind): no strategic
                                   merge patch, kube's 415 for it */
};

/* One kind as data: everything routing, discovery, OpenAPI, storage keys,
 * field selectors, Tables and the reconciler need, plus the optional C hooks
 * (strategy, table rows) for what data cannot say. Lists are
 * NULL-terminated (subresources, selectable fields and columns end with an
 * entry whose name is NULL) and may be NULL. Built-in kinds are a table in
 * registry/builtin_kinds.c; run-time kinds come from providers (kinds.h).
 * A description inside a kinds_set (kinds.h) is complete: key_prefix and
 * api_version are filled, short_names and categories are never NULL, and
 * its strings live as long as the set. */
typedef struct kapi_resource {
    const char *group;         /* "" for the core group */
    const char *version;       /* a served version: "v1" (every kind has one today) */
    const char *storage_version; /* the version objects are stored in; NULL: version */
    const char *kind;          /* "Pod" */
    const char *plural;        /* "pods" */
    const char *singular;      /* "pod" */
    const char *key_prefix;    /* under /registry/: "pods", "services/specs",
                                  "minions"; NULL: "<group>/<plural>" for named
                                  groups' run-time kinds, else the plural */
    const char *const *short_names; /* "po" */
    const char *const *categories;  /* "all" */
    int namespaced;
    unsigned verbs;
    const kind_subresource *subresources;
    const selectable_field *selectable_fields;
    const printer_column *columns;  /* generic printer columns (no table_def) */
    const char *schema_type;   /* the schema's type name; NULL: by group, version, kind */
    unsigned flags;            /* KIND_* */
    const table_def *table;    /* hook: Table rows in C; NULL: columns or the default */
    const kapi_strategy *strategy; /* hook: the kind's rules; NULL: the generic ones */
    /* filled when a set is built (kinds.h): */
    const char *api_version;   /* "apps/v1" or "v1" */
    int index;                 /* position in its set */
} kapi_resource;

/* An API group kapi serves, derived from the registered kinds. */
typedef struct kapi_group {
    const char *name;          /* "" for core, "apps", ... */
    const char *version;       /* the preferred version: its first kind's */
    const char *const *versions; /* every served version, preferred first,
                                    then in order of first use (NULL-terminated) */
} kapi_group;

/* "apps/v1" or "v1" */
const char *resource_api_version(const kapi_resource *r);
/* Writes the registry key of namespace/name ("/registry/pods/ns/name") into
 * the pool; namespace ignored for cluster-scoped kinds. name NULL gives the
 * prefix for a list ("/registry/pods/ns/" or "/registry/pods/"). The one
 * place keys are built. */
char *resource_key(kapi_pool *p, const kapi_resource *r, const char *ns, const char *name);
/* The subresource name of r, or NULL when r has none of that name. */
const kind_subresource *resource_subresource(const kapi_resource *r, const char *name);
/* The selectable field name of r (beyond metadata.name/namespace), or NULL. */
const selectable_field *resource_selectable_field(const kapi_resource *r, const char *name);

/* Looks a resource up by group, version and plural name in the calling
 * thread's current set (kinds.h: the request's snapshot); NULL if none.
 * Defined next to the built-in table (registry/builtin_kinds.c) so that
 * every program that looks kinds up links it. */
const kapi_resource *resource_find(const char *group, const char *version, const char *plural);

/* The current set's kinds and groups as arrays (for loops over every kind):
 * kapi_resources[i], i < kapi_n_resources; kapi_groups likewise. */
#include "kinds/kinds.h"
#define kapi_resources (kinds_current()->kinds)
#define kapi_n_resources (kinds_current()->n)
#define kapi_groups (kinds_current()->groups)
#define kapi_n_groups (kinds_current()->n_groups)

#endif
