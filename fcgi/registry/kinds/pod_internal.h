/* pod_internal.h: what the Pod strategy's files (registry/kinds/pod_*.c,
 * pods.c) share: defaulting, QoS, validation, update rules, the binding
 * subresource and small JSON helpers. */
#ifndef KAPI_POD_INTERNAL_H
#define KAPI_POD_INTERNAL_H

#include <stdint.h>
#include <cjson/cJSON.h>
#include "codec/fielderr.h"
#include "codec/jsonpath.h"

struct rest_call;
struct rest_result;

/* pod_defaults.c: SetObjectDefaults_Pod (pkg/apis/core/v1), then what a
 * trip through kube's internal types does to the JSON (serviceAccount
 * mirrors serviceAccountName, zero omitempty fields dropped, v1 order). */
void pod_set_defaults(cJSON *pod);
void pod_normalize(cJSON *pod);
/* "Always" when the image's tag is latest (or it has no tag and no digest),
 * "IfNotPresent" otherwise (parsers.ParseImageName). */
const char *pod_default_pull_policy(const char *image);

/* pod_qos.c: GetPodQOS / ComputePodQOS: "BestEffort", "Burstable" or
 * "Guaranteed" from the containers' and init containers' requests and limits. */
const char *pod_qos_class(const cJSON *pod);

/* pod_validate*.c: ValidatePodCreate's checks of spec and pod annotations
 * (metadata itself is validated by rest.c for every kind). */
void pod_validate(const cJSON *pod, field_errors *errs);
/* The same rules as an update checks them (all but create's own). */
void pod_validate_on_update(const cJSON *pod, field_errors *errs);
void pod_validate_spec(const cJSON *spec, const cJSON *meta, field_errors *errs);
/* The volumes that validate become the ones mounts may name. */
typedef struct pod_volume_set {
    const cJSON **items;   /* the valid volumes (objects with a name) */
    int n;
} pod_volume_set;
void pod_validate_volumes(const cJSON *volumes, const char *pod_name, field_errors *errs,
                          pod_volume_set *valid);
void pod_validate_containers(const cJSON *spec, const pod_volume_set *volumes, field_errors *errs);
void pod_validate_resources(const cJSON *resources, const char *path, int only_limits,
                            field_errors *errs);
void pod_validate_tolerations(const cJSON *tolerations, const char *path, field_errors *errs);
void pod_validate_security(const cJSON *spec, field_errors *errs);
void pod_validate_container_security(const cJSON *sc, const char *path, int host_users,
                                     field_errors *errs);
/* Shared by volume and container validation: a downwardAPI item, and
 * validateLocalDescendingPath (relative, no ".." element). */
void pod_validate_downward_file(const cJSON *file, const char *path, field_errors *errs);
void pod_validate_local_descending_path(const char *target, const char *path, field_errors *errs);

/* pod_update.c: ValidatePodUpdate's rules on top of pod_validate. */
void pod_validate_update(const cJSON *pod, const cJSON *old, field_errors *errs);
/* A copy of a v1 spec as the internal core.PodSpec holds it: serviceAccount
 * dropped (it mirrors serviceAccountName), hostNetwork, hostPID, hostIPC,
 * shareProcessNamespace and hostUsers moved into securityContext. Caller
 * frees. spec may be NULL (an empty spec). */
cJSON *pod_spec_internal_view(const cJSON *spec);

/* pod_diff.c: cmp.Diff(old, new) of two internal-view specs, as a new
 * string the caller frees; NULL when out of memory. */
char *pod_spec_diff(const cJSON *old_spec, const cJSON *new_spec);

/* pod_binding.c: POST pods/<name>/binding. */
struct rest_result pod_serve_binding(struct rest_call *c, const char *name);
/* breadth.c: after a pod's delete, the claims it named that wait for it. */
void pvc_release_after_pod(struct rest_call *c, const cJSON *pod);
/* pod_eviction.c: POST pods/<name>/eviction, honouring PodDisruptionBudgets. */
struct rest_result pod_serve_eviction(struct rest_call *c, const char *name);
/* pod_ephemeral.c: GET, PUT and PATCH pods/<name>/ephemeralcontainers. */
struct rest_result pod_serve_ephemeral_containers(struct rest_call *c, const char *name);
/* pod_connect.c: pods/<name>/log, exec, attach, portforward and proxy. */
struct rest_result pod_serve_connect(struct rest_call *c, const char *subresource, const char *name);

/* ---- JSON helpers (pod_util.c) */
int pj_has_str(const cJSON *obj, const char *key);           /* a non-empty string */
int pj_is_int(const cJSON *v, int64_t *out);                 /* an integral number */
void pj_set_num(cJSON *obj, const char *key, double value);
/* Field paths as kube's field.Path prints them. */
void pj_child(char *out, size_t n, const char *path, const char *name);
void pj_index(char *out, size_t n, const char *path, int i);
void pj_key(char *out, size_t n, const char *path, const char *key);

#endif
