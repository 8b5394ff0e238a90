/* field_validation.h: kube-apiserver's server-side field validation
 * (?fieldValidation=Strict|Warn|Ignore, Warn when absent) for create,
 * update and patch bodies, on top of schema_check.h.
 *
 *  - Strict: unknown or duplicate fields fail the request: 400 BadRequest
 *    `<Kind> in version "<v>" cannot be handled as a <Kind>: strict decoding
 *    error: unknown field "spec.foo", duplicate field "metadata.name"`
 *    (a patch says only `strict decoding error: ...`).
 *  - Warn: each problem becomes a `Warning: 299 - "unknown field \"spec.foo\""`
 *    response header; the request goes on.
 *  - Ignore: nothing is reported.
 * In every mode a value of the wrong type is a 400 (`<Kind> in version "v1"
 * cannot be handled as a <Kind>: json: cannot unmarshal ...`; a patch gets
 * kube's 422 on field "patch"), and unknown fields are dropped from the
 * object, as Go's decoder drops them. Protobuf bodies carry no unknown
 * fields; only the parameter is checked for them. A bad parameter value is
 * kube's 422 on CreateOptions/UpdateOptions/PatchOptions. */
#ifndef KAPI_FIELD_VALIDATION_H
#define KAPI_FIELD_VALIDATION_H

#include <cjson/cJSON.h>
#include "core/kapi.h"

typedef enum fv_directive { FV_IGNORE, FV_WARN, FV_STRICT } fv_directive;
typedef enum fv_verb { FV_CREATE, FV_UPDATE, FV_PATCH } fv_verb;

/* Reads ?fieldValidation. Returns 0 with the directive (Warn when absent or
 * empty), or -1 with *status set to the 422 for a bad value. */
int field_validation_directive(const kapi_request *req, fv_verb verb, fv_directive *out, cJSON **status);

/* Create and update (PUT): obj was just decoded from req's body (JSON, YAML
 * or protobuf) and has kind/apiVersion of group/version/kind. Adds Warning
 * headers to resp as needed and prunes unknown fields from obj. Returns 0
 * to go on, or -1 with *status set (the caller answers with it). A kind
 * without a schema passes unchecked. */
int field_validation_check_body(const kapi_request *req, kapi_response *resp, const char *group,
                                const char *version, const char *kind, fv_verb verb, cJSON *obj,
                                cJSON **status);

/* Patch: patched is the object the patch produced. For a merge patch the
 * body itself is checked for duplicate fields too (as kube does). Same
 * contract as above. */
int field_validation_check_patch(const kapi_request *req, kapi_response *resp, const char *group,
                                 const char *version, const char *kind, cJSON *patched,
                                 cJSON **status);

/* Custom resources (a body or a patched object): the fields the
 * structural schema s prunes, metadata's unknown fields and a JSON body's
 * duplicate fields are reported as for built-in kinds (Strict: the 400,
 * Warn: a Warning each; Ignore: silently pruned). The unknown fields are
 * pruned from obj. Same contract as above. */
struct structural_schema;
int field_validation_check_custom(const kapi_request *req, kapi_response *resp,
                                  const struct structural_schema *s, const char *version, const char *kind,
                                  fv_verb verb, cJSON *obj, cJSON **status);

/* Adds one `Warning: 299 - "<text>"` header (deduplicated, within kube's
 * limits on warning count and size). */
void field_validation_warn(const kapi_request *req, kapi_response *resp, const char *text);

#endif
