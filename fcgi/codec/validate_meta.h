/* validate_meta.h: kube-apiserver's validation of names and object metadata
 * (k8s.io/apimachinery api/validation, util/validation, apis/meta/v1/validation
 * and api/validation/path, as in Kubernetes 1.32), with kube's exact messages
 * and field paths.
 *
 * Which name rule each kind uses (kube's strategy for that kind):
 *   name_is_dns1123_subdomain  Pod, ConfigMap, Secret, ServiceAccount, Node,
 *                              Endpoints, PersistentVolume(Claim), LimitRange,
 *                              ResourceQuota, ReplicationController,
 *                              Deployment, ReplicaSet, StatefulSet, DaemonSet,
 *                              Job, CronJob, Lease
 *   name_is_dns1123_label      Namespace (and metadata.namespace of any object)
 *   name_is_dns1035_label      Service
 *   name_is_rbac_name          Role, ClusterRole, RoleBinding, ClusterRoleBinding
 *   name_is_path_segment       every kind, after the kind's own rule (kube's
 *                              rest.BeforeCreate / BeforeUpdate run the generic
 *                              metadata validation again with this rule)
 */
#ifndef KAPI_VALIDATE_META_H
#define KAPI_VALIDATE_META_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "codec/fielderr.h"

#define VALIDATION_MESSAGES_MAX 4
#define VALIDATION_MESSAGE_LEN 512

/* What is wrong with one value. kube returns a list (a name can be both too
 * long and badly formed); each message becomes its own field error. n == 0
 * means the value is valid. */
typedef struct validation_messages {
    int n;
    char text[VALIDATION_MESSAGES_MAX][VALIDATION_MESSAGE_LEN];
} validation_messages;

/* kube's ValidateNameFunc: fills out with what is wrong with name (out->n = 0
 * when valid). prefix = 1 checks a generateName: kube masks a trailing '-'
 * first, since random characters will follow it. */
typedef void (*name_validator)(const char *name, int prefix, validation_messages *out);

void name_is_dns1123_subdomain(const char *name, int prefix, validation_messages *out);
void name_is_dns1123_label(const char *name, int prefix, validation_messages *out);
void name_is_dns1035_label(const char *name, int prefix, validation_messages *out);
/* path.ValidatePathSegmentName: not "." or "..", no '/' or '%' (a prefix
 * is only checked for '/' and '%'). */
void name_is_path_segment(const char *name, int prefix, validation_messages *out);
/* rbac ValidateRBACName: path.IsValidPathSegmentName, prefix or not. */
void name_is_rbac_name(const char *name, int prefix, validation_messages *out);

/* The string rules themselves (util/validation), for other fields too. */
void is_dns1123_label(const char *value, validation_messages *out);
void is_dns1123_subdomain(const char *value, validation_messages *out);
void is_dns1035_label(const char *value, validation_messages *out);
/* A label key, annotation key or finalizer: [prefix/]name. */
void is_qualified_name(const char *value, validation_messages *out);
void is_valid_label_value(const char *value, validation_messages *out);

/* Names that arrive in URLs (kube's registry key functions): returns 1 when
 * name can be a path segment of a storage key; otherwise 0, with kube's 400
 * BadRequest message in msg: "Name parameter required." or
 * `Name parameter invalid: "a/b": may not contain '/'`. */
int name_is_valid_path_segment(const char *name, char *msg, size_t n);

/* One "Invalid value" field error at field for each message. */
void add_invalid_value_for_each_message(field_errors *errs, const char *field,
                                        const char *value, const validation_messages *m);

/* ValidateLabels / ValidateAnnotations at field ("metadata.labels",
 * "spec.template.metadata.annotations", ...). NULL or JSON null is an empty
 * map; another type is a field error. */
void validate_labels(const cJSON *labels, const char *field, field_errors *errs);
void validate_annotations(const cJSON *annotations, const char *field, field_errors *errs);

/* ValidateLabelSelector at field ("spec.selector"): matchLabels as labels,
 * then each matchExpressions[i]'s operator, values and key. */
void label_selector_validate(const cJSON *selector, const char *field, field_errors *errs);

/* ValidateObjectMeta at "metadata" for a create (name generation already
 * done): name or generateName, namespace (required for namespaced kinds,
 * forbidden otherwise), generation, labels, annotations, ownerReferences,
 * finalizers, managedFields. metadata NULL counts as {}. */
void validate_object_meta(const cJSON *metadata, int namespaced, name_validator v,
                          field_errors *errs);
/* The same at another path ("spec.template.metadata"). */
void validate_object_meta_at(const cJSON *metadata, int namespaced, name_validator v,
                             const char *path, field_errors *errs);

/* ValidateObjectMetaUpdate at "metadata": resourceVersion given, generation
 * not decremented, name, namespace, uid, creationTimestamp, deletionTimestamp
 * and deletionGracePeriodSeconds unchanged, no new finalizers once deleting;
 * labels, annotations, ownerReferences and managedFields validated again. */
void validate_object_meta_update(const cJSON *new_meta, const cJSON *old_meta,
                                 field_errors *errs);

#endif
