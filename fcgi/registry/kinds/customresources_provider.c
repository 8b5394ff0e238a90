/* customresources_provider.c: the kinds provider of CustomResourceDefinitions
 * (kinds/kinds.h kinds_add_provider over kube's registry prefix
 * /registry/apiextensions.k8s.io/customresourcedefinitions/): every
 * Established CRD becomes one kind per served version, with its names,
 * short names, categories, scope, every verb, the status and scale
 * subresources it declares, its printer columns (kube's default Age column
 * when it declares none; Name comes first from registry/tables_columns.c),
 * the storage version, and kube's storage prefix /registry/<group>/<plural>/.
 * Every worker process runs it over the same store when a key under the
 * prefix changes, so discovery, routing and OpenAPI follow CRDs live in
 * every process. The version's schema is compiled and recorded for the
 * strategy (customresources.c). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/conditions.h"
#include "codec/jsonpath.h"
#include "core/alloc.h"
#include "kinds/kinds.h"
#include "registry/kinds/customresources.h"
#include "store/store.h"

#define MAX_COLUMNS 32
#define MAX_NAMES 32
#define STATUS_VERBS (VERB_GET | VERB_PATCH | VERB_UPDATE)

/* kube's swaggerMetadataDescriptions["creationTimestamp"], the description
 * of the default Age column. */
static const char CREATION_TIMESTAMP_DOC[] =
    "CreationTimestamp is a timestamp representing the server time when this object was created. "
    "It is not guaranteed to be set in happens-before order across separate operations. Clients may "
    "not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. "
    "Read-only. Null for lists. More info: "
    "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

static int is_established(const cJSON *crd)
{
    const cJSON *c = condition_find(json_get(crd, "status"), "Established");
    return c && !strcmp(json_str_at(c, "status", ""), "True");
}

/* A NULL-terminated list of the strings of a JSON array (borrowed). */
static const char **strings_of(const cJSON *list, const char **out, int max)
{
    int n = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, list)
        if (cJSON_IsString(e) && n + 1 < max) out[n++] = e->valuestring;
    out[n] = NULL;
    return out;
}

static void add_version(kinds_builder *b, const cJSON *crd, const cJSON *v, const char *storage)
{
    const cJSON *names = json_object_at(crd, "status.acceptedNames");
    if (!json_str_at(names, "plural", NULL) || !*json_str_at(names, "plural", ""))
        names = json_object_at(crd, "spec.names");
    const char *short_names[MAX_NAMES], *categories[MAX_NAMES];
    printer_column columns[MAX_COLUMNS + 1];
    int n = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, json_array_at(v, "additionalPrinterColumns")) {
        if (n >= MAX_COLUMNS) break;
        columns[n++] = (printer_column){
            .name = json_str_at(c, "name", ""), .type = json_str_at(c, "type", "string"),
            .format = json_str_at(c, "format", ""), .description = json_str_at(c, "description", ""),
            .priority = (int)json_num_at(c, "priority", 0), .json_path = json_str_at(c, "jsonPath", "")};
    }
    if (n == 0)
        columns[n++] = (printer_column){"Age", "date", "", CREATION_TIMESTAMP_DOC, 0, ".metadata.creationTimestamp"};
    columns[n] = (printer_column){0};
    kind_subresource subs[3];
    int ns = 0;
    int has_status = json_object_at(v, "subresources.status") != NULL;
    if (json_object_at(v, "subresources.scale"))
        subs[ns++] = (kind_subresource){"scale", STATUS_VERBS, "autoscaling", "v1", "Scale"};
    if (has_status) subs[ns++] = (kind_subresource){"status", STATUS_VERBS, NULL, NULL, NULL};
    subs[ns] = (kind_subresource){0};
    kapi_resource r = {
        .group = json_str_at(crd, "spec.group", ""),
        .version = json_str(v, "name"),
        .storage_version = storage,
        .kind = json_str_at(names, "kind", ""),
        .plural = json_str_at(names, "plural", ""),
        .singular = json_str_at(names, "singular", ""),
        .short_names = strings_of(json_array_at(names, "shortNames"), short_names, MAX_NAMES),
        .categories = strings_of(json_array_at(names, "categories"), categories, MAX_NAMES),
        .namespaced = !strcmp(json_str_at(crd, "spec.scope", ""), "Namespaced"),
        .verbs = VERBS_ALL,
        .subresources = subs,
        .columns = columns,
        .flags = KIND_IS_CUSTOM,
        .strategy = has_status ? &strategy_customresources_with_status : &strategy_customresources,
    };
    if (!r.version || !*r.group || !*r.kind || !*r.plural) return;
    if (!*r.singular) r.singular = r.plural;
    char stamp[200];
    snprintf(stamp, sizeof stamp, "%s/%s", json_str_at(crd, "metadata.uid", ""),
             json_str_at(crd, "metadata.resourceVersion", ""));
    crd_version_record(r.group, r.version, r.plural, stamp, v);
    kinds_builder_add(b, &r);
}

static int add_crd(void *arg, const char *key, const char *value, int64_t mod_rev)
{
    (void)key;
    kinds_builder *b = arg;
    cJSON *crd = cJSON_Parse(value);
    if (!crd) return 0;
    if (is_established(crd)) {
        /* the stamp needs the revision the object was written at */
        cJSON *meta = json_object_member(crd, "metadata");
        char rv[32];
        snprintf(rv, sizeof rv, "%lld", (long long)mod_rev);
        if (cJSON_IsObject(meta)) json_set_str(meta, "resourceVersion", rv);
        const char *storage = NULL;
        const cJSON *v;
        cJSON_ArrayForEach(v, json_array_at(crd, "spec.versions"))
            if (json_true_at(v, "storage")) storage = json_str(v, "name");
        cJSON_ArrayForEach(v, json_array_at(crd, "spec.versions"))
            if (json_true_at(v, "served")) add_version(b, crd, v, storage);
    }
    cJSON_Delete(crd);
    return 0;
}

static int crd_kinds(void *arg, kinds_builder *b)
{
    (void)arg;
    int64_t rev;
    return store_list(kinds_builder_store(b), CRD_KEY_PREFIX, NULL, 0, add_crd, b, &rev) == STORE_OK ? 0 : -1;
}

static pthread_mutex_t once_lock = PTHREAD_MUTEX_INITIALIZER;
static int registered;

void crd_kinds_provider_register(void)
{
    pthread_mutex_lock(&once_lock);
    if (!registered && kinds_add_provider(CRD_KEY_PREFIX, crd_kinds, NULL) == 0) registered = 1;
    pthread_mutex_unlock(&once_lock);
}

void crd_kinds_provider_unregister(void)
{
    pthread_mutex_lock(&once_lock);
    if (registered) kinds_remove_provider(crd_kinds, NULL);
    registered = 0;
    pthread_mutex_unlock(&once_lock);
}
