/* customresources.h: custom resources, the kinds CustomResourceDefinitions
 * define: the kinds provider that turns every Established CRD into kinds
 * (customresources_provider.c), the strategy their objects are written with
 * (customresources.c: the structural schema's pruning, defaulting and
 * validation; the status subresource), and what the CRD strategy
 * (customresourcedefinitions.c) asks of them. */
#ifndef KAPI_CUSTOMRESOURCES_H
#define KAPI_CUSTOMRESOURCES_H

#include <cjson/cJSON.h>
#include "kinds/resource.h"
#include "schema/structural.h"

/* kube's registry prefix of CustomResourceDefinitions. */
#define CRD_KEY_PREFIX "/registry/apiextensions.k8s.io/customresourcedefinitions/"

/* Registers the kinds provider (kinds/kinds.h) over CRD_KEY_PREFIX: every
 * process that serves custom resources calls it once at start (the
 * apiserver, the reconciler; tests that need CRDs). Idempotent. */
void crd_kinds_provider_register(void);
void crd_kinds_provider_unregister(void);

/* The strategies of custom resources: without and with the status
 * subresource. */
extern const kapi_strategy strategy_customresources, strategy_customresources_with_status;

/* The compiled schema of a served custom resource version, recorded by the
 * provider (kept for the process's life: a request may hold it); NULL when
 * the version has none. */
const structural_schema *crd_schema_of(const char *group, const char *version, const char *plural);
/* Records a served version (the CRD's spec.versions[i]) of the CRD whose
 * uid and resourceVersion make stamp: its schema compiled, its
 * openAPIV3Schema, scale paths and deprecation warning kept (newer_version:
 * the version kube's default warning recommends, NULL: none). Done again
 * only when stamp changes. */
void crd_version_record(const char *group, const char *version, const char *plural, const char *kind,
                        const char *newer_version, const char *stamp, const cJSON *crd_version);
/* The version's subresources.scale (specReplicasPath, ...), or NULL. */
const cJSON *crd_scale_of(const char *group, const char *version, const char *plural);

/* The version's openAPIV3Schema as the CRD has it (read-only, kept for the
 * process's life), or NULL. */
const cJSON *crd_openapi_schema_of(const char *group, const char *version, const char *plural);

/* The subresources of a custom resource beyond status: scale
 * (customresource_scale.c). */
struct rest_call;
struct rest_result customresource_serve_subresource(struct rest_call *c, const char *subresource,
                                                   const char *name);

/* An object of r read from the store (stored in whichever version wrote
 * it): its apiVersion made r's (conversion None) and the schema's defaults
 * applied, as kube does when it reads a custom resource. */
void customresource_read(const kapi_resource *r, cJSON *obj);
/* A custom resource of c's kind was removed from the store: when its CRD
 * is being deleted (marked by a DELETE that found objects kept by their
 * finalizers) and this was the last one, the CRD is finished as kube's
 * finalizing controller does (customresourcedefinitions.c). */
void crd_custom_resource_removed(struct rest_call *c);
/* kube's Warning header for a request to a deprecated version. */
void customresource_warnings(struct rest_call *c);

/* 1 when kind is r's list kind (<Kind>List). */
int crd_is_list_kind_of(const kapi_resource *r, const char *kind);

#endif
