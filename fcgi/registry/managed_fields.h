/* managed_fields.h: metadata.managedFields on every write, and server-side
 * apply, as kube-apiserver's field manager keeps them
 * (k8s.io/apimachinery/pkg/util/managedfields/internal): one entry per
 * manager, operation (Apply or Update), API version (Update only) and
 * subresource, each with the fields it owns (schema/fieldset.h). */
#ifndef KAPI_MANAGED_FIELDS_H
#define KAPI_MANAGED_FIELDS_H

#include <cjson/cJSON.h>
#include "registry/rest_internal.h"

/* An Update's manager: ?fieldManager, else the User-Agent up to its first
 * '/' (printable runes, at most 128 bytes), as kube's managerOrUserAgent. */
const char *managed_fields_manager(rest_call *c);

/* Records in obj's metadata.managedFields the change of an Update from old
 * (NULL: a create) to obj, after the request's own managedFields: [{}]
 * clears them, an empty list or none keeps old's. */
void managed_fields_update(rest_call *c, const cJSON *old, cJSON *obj);

/* Server-side apply of config (the decoded apply patch) by manager to live
 * (NULL: the object does not exist yet): the new object with its
 * managedFields (the pool's), or NULL with the failure in *fail (400 for a
 * bad configuration, 409 for conflicts unless force). */
cJSON *managed_fields_apply(rest_call *c, const cJSON *live, const cJSON *config, const char *manager, int force,
                            rest_result *fail);

#endif
