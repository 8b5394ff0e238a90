/* admission.h: admission control, the stage between decoding and storage
 * where plugins see every write with who makes it. Mutating plugins run
 * first (before the kind's validation), validating plugins last (just
 * before the store), each chain in kube-apiserver's order. */
#ifndef KAPI_ADMISSION_H
#define KAPI_ADMISSION_H

#include <cjson/cJSON.h>
#include "core/kapi.h"
#include "kinds/resource.h"

typedef enum admission_op { ADMIT_CREATE, ADMIT_UPDATE, ADMIT_DELETE, ADMIT_CONNECT } admission_op;

typedef struct admission_attrs {
    kapi_ctx *ctx;
    kapi_pool *pool;
    const kapi_user *user;
    const kapi_resource *resource;
    const char *subresource;   /* "" for the main resource */
    const char *ns;            /* "" for cluster-scoped */
    const char *name;          /* may be "" on create with generateName */
    admission_op op;
    cJSON *obj;                /* the new object (NULL on delete); mutating plugins change it */
    const cJSON *old;          /* the stored object on update and delete */
    int dry_run;
    const kapi_request *req;   /* for Warning headers (NULL: none can be sent) */
    kapi_response *resp;
} admission_attrs;

/* A plugin returns NULL to admit, or a Status object (caller frees) to
 * reject the request with. */
typedef cJSON *(*admission_fn)(const admission_attrs *a);

typedef struct admission_plugin {
    const char *name;
    admission_fn mutate;       /* may be NULL */
    admission_fn validate;     /* may be NULL */
} admission_plugin;

/* Run every plugin's mutate (then validate) hook in order; the first
 * rejection wins. */
cJSON *admission_mutate(const admission_attrs *a);
cJSON *admission_validate(const admission_attrs *a);

/* admission.NewForbidden for a pod: a Forbidden Status "pods \"name\" is
 * forbidden: why" with details {name, kind: pods}. */
cJSON *admission_pod_forbidden(const char *name, const char *why);

/* A Warning header on the response (kube's admission warnings), when
 * the request has one. */
void admission_warn(const admission_attrs *a, const char *text);
/* The request is for the main resource group/plural (no subresource). */
int admission_is(const admission_attrs *a, const char *group, const char *plural);
/* The default class among the objects under prefix (StorageClasses,
 * IngressClasses): the one annotated ann (or beta_ann, may be NULL) "true";
 * of several, the newest, then the first by name (kube's
 * GetDefaultClass). Returns its name (the pool's), "" when there is none,
 * NULL when the store could not be read. */
const char *admission_default_class(const admission_attrs *a, const char *prefix, const char *ann,
                                    const char *beta_ann);

/* The default-class plugins' rule: a create of group/plural whose
 * spec.<field> is absent and which has no legacy_annotation gets the
 * default class (admission_default_class) named there, if there is one. */
cJSON *admission_set_default_class(const admission_attrs *a, const char *group, const char *plural, const char *field,
                                   const char *legacy_annotation, const char *prefix, const char *ann,
                                   const char *beta_ann, const char *kind);
/* admission.NewForbidden: 403 `<resource>[.<group>] "<name>" is forbidden:
 * why` with details {name, group, kind}; the name is generateName, else
 * "Unknown", when the object has none yet. */
cJSON *admission_forbidden(const admission_attrs *a, const char *why);
/* A pod's total requests or limits (which: "requests" | "limits") as kube's
 * PodRequests / PodLimits: the containers' sum, raised to any init
 * container's; a ResourceList object (the pool's) of canonical texts. */
cJSON *admission_pod_total(kapi_pool *p, const cJSON *spec, const char *which);

/* The plugins, one file each under admission/. */
extern const admission_plugin admission_namespace_lifecycle;
extern const admission_plugin admission_service_account;            /* serviceaccount.c */
extern const admission_plugin admission_priority;                   /* priority.c */
extern const admission_plugin admission_default_toleration_seconds; /* default_toleration_seconds.c */
extern const admission_plugin admission_validating_policy;          /* validating_policy.c */
extern const admission_plugin admission_limit_ranger;               /* limit_ranger.c */
extern const admission_plugin admission_pod_security;               /* pod_security.c */
extern const admission_plugin admission_default_storage_class;      /* default_storage_class.c */
extern const admission_plugin admission_storage_object_in_use_protection; /* storage_protection.c */
extern const admission_plugin admission_default_ingress_class;      /* default_ingress_class.c */
extern const admission_plugin admission_resource_quota;             /* resource_quota.c */
/* RBAC escalation prevention (admission/rbac_escalation.c): runs after the
 * mutating plugins, as kube's policy-based RBAC storage does. */
extern const admission_plugin admission_rbac_escalation;

#endif
