/* openapi_paths.h: the paths and operations of one kind in an OpenAPI
 * document (v2 or v3), in kube's shape. For internal use of
 * http/openapi*.c. */
#ifndef KAPI_OPENAPI_PATHS_H
#define KAPI_OPENAPI_PATHS_H

#include <cjson/cJSON.h>
#include "http/openapi_schema.h"
#include "kinds/resource.h"

/* Adds to paths (kept sorted) the kind's collection, object and, for a
 * namespaced kind, all-namespaces paths; nothing when the field schema does
 * not describe the kind. */
void openapi_add_resource_paths(cJSON *paths, const kapi_resource *r, openapi_dialect d);
/* The same for a kind whose schema is named type_name (a custom resource's,
 * which the field schema does not describe: http/openapi_crd.c). */
void openapi_add_resource_paths_named(cJSON *paths, const kapi_resource *r, openapi_dialect d,
                                      const char *type_name);

#endif
