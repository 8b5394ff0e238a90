/* openapi_crd.h: OpenAPI schemas of custom resources (the kinds
 * CustomResourceDefinitions define), from each version's openAPIV3Schema.
 * For http/openapi*.c. */
#ifndef KAPI_OPENAPI_CRD_H
#define KAPI_OPENAPI_CRD_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "http/openapi_paths.h"
#include "http/openapi_schema.h"

/* kube's definition name: "com.example.stable.v1.CronTab". */
void openapi_custom_resource_name(const kapi_resource *r, char *out, size_t n);
/* The kind's schema (the caller owns it), or NULL when r is not custom. */
cJSON *openapi_custom_resource_schema(const kapi_resource *r, openapi_dialect d);
/* Adds r's schema, its list schema and its paths; 1, or 0 when r is not a
 * custom resource. */
int openapi_add_custom_resource(cJSON *schemas, cJSON *paths, const kapi_resource *r, openapi_dialect d);

#endif
