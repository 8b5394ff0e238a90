/* openapi_schema.h: what the OpenAPI v2 (/openapi/v2, swagger 2.0) and v3
 * (/openapi/v3) documents share: the schema of every type, written from the
 * field schema (schema/) in either dialect, kube's <Kind>List schemas, the
 * names kube gives operations, and a document's text with its hash. The two
 * dialects differ only where kube's documents differ: where a reference
 * points (#/definitions/ or #/components/schemas/), field defaults (v3
 * only; kube prunes them from v2), and the scalar-like types that are one
 * of two JSON types (IntOrString, Quantity: oneOf in v3, a string in v2).
 * For internal use of http/openapi*.c. */
#ifndef KAPI_OPENAPI_SCHEMA_H
#define KAPI_OPENAPI_SCHEMA_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "http/openapi.h"
#include "kinds/resource.h"
#include "http/discovery.h"
#include "schema/schema.h"

/* info.version of the documents: the gitVersion /version reports. */
#define OPENAPI_KUBE_VERSION KAPI_KUBE_GIT_VERSION

typedef enum openapi_dialect { OPENAPI_V2, OPENAPI_V3 } openapi_dialect;

/* {"$ref": "#/definitions/<name>"} (v2) or "#/components/schemas/<name>" (v3). */
cJSON *openapi_ref(openapi_dialect d, const char *name);

/* Adds key to obj keeping obj's keys sorted, as kube's documents are. */
void openapi_add_sorted(cJSON *obj, const char *key, cJSON *value);

/* {"group": g, "kind": k, "version": v} */
cJSON *openapi_gvk(const char *group, const char *version, const char *kind);

/* The types a document describes: the ones its kinds reach, each once. */
typedef struct openapi_type_set openapi_type_set;
openapi_type_set *openapi_type_set_new(void);
void openapi_type_set_free(openapi_type_set *s);
/* Adds t and every type its fields reach. */
void openapi_type_set_add(openapi_type_set *s, const schema_type *t);
/* Adds the types of metav1 every document names (Status, DeleteOptions,
 * ListMeta, ObjectMeta). */
void openapi_type_set_add_common(openapi_type_set *s);

/* Adds to schemas (sorted) the schema of each type of the set and of the
 * scalar-like types fields refer to (Time, Quantity, IntOrString, ...). */
void openapi_add_type_schemas(cJSON *schemas, const openapi_type_set *s, openapi_dialect d);

/* The kind's schema type: the one its description names, else by group,
 * version and kind; NULL when the field schema has none. */
const schema_type *openapi_kind_schema(const kapi_resource *r);

/* kube's <Kind>List schema, which the field schema does not describe. */
cJSON *openapi_list_schema(const kapi_resource *r, const schema_type *item, openapi_dialect d);
/* The same for items of the type named item_name (a custom resource's). */
cJSON *openapi_list_schema_named(const kapi_resource *r, const char *item_name, openapi_dialect d);

/* "CoreV1", "AppsV1", "RbacAuthorizationV1": the infix of kube's operationIds */
void openapi_group_camel(const kapi_resource *r, char *out, size_t n);
/* "core_v1", "rbac_authorization_v1": kube's tag of a group-version */
void openapi_tag(const kapi_resource *r, char *out, size_t n);

/* Writes root (then deletes it) into d: its compact JSON text and the
 * upper-case hex SHA-512 of that text, which kube uses as ETag and hash. */
void openapi_doc_finish(openapi_doc *d, cJSON *root);
void openapi_doc_release(openapi_doc *d);

#endif
