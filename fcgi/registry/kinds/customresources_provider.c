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
#define MAX_VERSIONS 32
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

/* kube's version priority (apimachinery version.CompareKubeAwareVersionStrings):
 * kube-like versions ("v2", "v1beta1", "v1alpha2") above others; GA above
 * beta above alpha, then the higher major, then the higher minor. stability:
 * 3 GA, 2 beta, 1 alpha, 0 not kube-like. */
static void kube_version(const char *v, int *stability, long *major, long *minor)
{
    *stability = 0, *major = 0, *minor = 0;
    if (v[0] != 'v' || v[1] < '0' || v[1] > '9') return;
    char *end;
    *major = strtol(v + 1, &end, 10);
    if (!*end) { *stability = 3; return; }
    int s = !strncmp(end, "beta", 4) ? 2 : !strncmp(end, "alpha", 5) ? 1 : 0;
    if (!s) return;
    const char *m = end + (s == 2 ? 4 : 5);
    if (*m < '0' || *m > '9') return;
    *minor = strtol(m, &end, 10);
    if (!*end) *stability = s;
}

/* 1 when version a sorts above b. */
static int version_above(const char *a, const char *b)
{
    int sa, sb;
    long ma, mb, na, nb;
    kube_version(a, &sa, &ma, &na);
    kube_version(b, &sb, &mb, &nb);
    if (sa != sb) return sa > sb;
    if (sa == 0) return strcmp(a, b) < 0;
    if (ma != mb) return ma > mb;
    return na > nb;
}

/* The version kube's default deprecation warning recommends for v: the
 * highest served version above it of equal or greater stability. */
static const char *newer_version(const cJSON *crd, const char *v)
{
    int sv;
    long ma, mi;
    kube_version(v, &sv, &ma, &mi);
    const char *best = NULL;
    const cJSON *e;
    cJSON_ArrayForEach(e, json_array_at(crd, "spec.versions")) {
        const char *name = json_str(e, "name");
        if (!name || !json_true_at(e, "served") || !strcmp(name, v)) continue;
        int s;
        kube_version(name, &s, &ma, &mi);
        if (s < sv || !version_above(name, v)) continue;
        if (!best || version_above(name, best)) best = name;
    }
    return best;
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
    if (!*r.version || !*r.group || !*r.kind || !*r.plural) return;
    if (!*r.singular) r.singular = r.plural;
    char stamp[200];
    snprintf(stamp, sizeof stamp, "%s/%s", json_str_at(crd, "metadata.uid", ""),
             json_str_at(crd, "metadata.resourceVersion", ""));
    crd_version_record(r.group, r.version, r.plural, r.kind, newer_version(crd, r.version), stamp, v);
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
        /* served versions by kube's priority: the group's preferred first */
        const cJSON *served[MAX_VERSIONS];
        int n = 0;
        cJSON_ArrayForEach(v, json_array_at(crd, "spec.versions"))
            if (json_true_at(v, "served") && json_str(v, "name") && n < MAX_VERSIONS) served[n++] = v;
        for (int i = 1; i < n; i++)
            for (int j = i; j > 0 && version_above(json_str(served[j], "name"), json_str(served[j - 1], "name")); j--) {
                const cJSON *t = served[j];
                served[j] = served[j - 1];
                served[j - 1] = t;
            }
        for (int i = 0; i < n; i++) add_version(b, crd, served[i], storage);
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
