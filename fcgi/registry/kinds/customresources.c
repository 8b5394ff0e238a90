/* customresources.c: the strategy of custom resources (kube's
 * apiextensions-apiserver pkg/registry/customresource strategy): every
 * write is pruned to the version's structural schema, defaulted and
 * validated (schema/structural.h); with the status subresource, a create
 * drops status, an update of the object keeps the stored status and one of
 * /status keeps everything else (registry/rest.c's has_status), and
 * metadata.generation starts at 1 and moves when spec changes.
 * The compiled schemas are recorded here by the provider
 * (customresources_provider.c), per group, version and plural, stamped
 * with the CRD's uid and resourceVersion so a changed CRD is compiled once
 * per process. Replaced schemas are kept (a request may still use one):
 * they cost memory only when a CRD changes. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/fielderr.h"
#include "codec/jsonpath.h"
#include "core/alloc.h"
#include "core/hashmap.h"
#include "kinds/kinds.h"
#include "registry/rest_internal.h"
#include "schema/field_validation.h"
#include "registry/kinds/customresources.h"

typedef struct recorded_schema {
    char *stamp;
    structural_schema *schema;   /* NULL: the version has none */
    cJSON *openapi;              /* the openAPIV3Schema as written, for OpenAPI; NULL: none */
    cJSON *scale;                /* subresources.scale (the paths); NULL: none */
    char *warning;               /* the Warning of a deprecated version; NULL: none */
} recorded_schema;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static strmap *schemas;          /* "group/version/plural" -> recorded_schema */

static void key_of(char *key, size_t n, const char *group, const char *version, const char *plural)
{
    snprintf(key, n, "%s/%s/%s", group, version, plural);
}

/* kube's default: "<group>/<version> <Kind> is deprecated", and "; use
 * <group>/<newer> <Kind>" when a newer served version exists. */
static char *deprecation_warning(const char *group, const char *version, const char *kind, const char *newer)
{
    if (newer && *newer && strcmp(newer, version))
        return kapi_xsprintf("%s/%s %s is deprecated; use %s/%s %s", group, version, kind, group, newer, kind);
    return kapi_xsprintf("%s/%s %s is deprecated", group, version, kind);
}

void crd_version_record(const char *group, const char *version, const char *plural, const char *kind,
                        const char *newer_version, const char *stamp, const cJSON *crd_version)
{
    const cJSON *openapi_schema = json_object_at(crd_version, "schema.openAPIV3Schema");
    const cJSON *scale = json_object_at(crd_version, "subresources.scale");
    char key[700];
    key_of(key, sizeof key, group, version, plural);
    pthread_mutex_lock(&lock);
    if (!schemas) schemas = strmap_new();
    recorded_schema *old = strmap_get(schemas, key);
    if (!old || strcmp(old->stamp, stamp)) {
        recorded_schema *r = kapi_xcalloc(1, sizeof *r);
        r->stamp = kapi_xstrdup(stamp);
        if (scale) r->scale = cJSON_Duplicate(scale, 1);
        if (json_true_at(crd_version, "deprecated")) {
            const char *w = json_str_at(crd_version, "deprecationWarning", NULL);
            r->warning = w ? kapi_xstrdup(w) : deprecation_warning(group, version, kind, newer_version);
        }
        if (openapi_schema) {
            r->openapi = cJSON_Duplicate(openapi_schema, 1);
            field_errors *errs = kapi_xcalloc(1, sizeof *errs);
            r->schema = structural_compile(openapi_schema, "openAPIV3Schema", errs);
            free(errs);
        }
        strmap_put(schemas, key, r);   /* the old one stays allocated: see above */
    }
    pthread_mutex_unlock(&lock);
}

/* The record of a kind's schema, or NULL. Records are never freed (see
 * above), so the pointer stays good after the lock is let go. */
static const recorded_schema *recorded_of(const char *group, const char *version, const char *plural)
{
    char key[700];
    key_of(key, sizeof key, group, version, plural);
    pthread_mutex_lock(&lock);
    const recorded_schema *r = schemas ? strmap_get(schemas, key) : NULL;
    pthread_mutex_unlock(&lock);
    return r;
}

const structural_schema *crd_schema_of(const char *group, const char *version, const char *plural)
{
    const recorded_schema *r = recorded_of(group, version, plural);
    return r ? r->schema : NULL;
}

const cJSON *crd_openapi_schema_of(const char *group, const char *version, const char *plural)
{
    const recorded_schema *r = recorded_of(group, version, plural);
    return r ? r->openapi : NULL;
}

const cJSON *crd_scale_of(const char *group, const char *version, const char *plural)
{
    const recorded_schema *r = recorded_of(group, version, plural);
    return r ? r->scale : NULL;
}

void customresource_read(const kapi_resource *r, cJSON *obj)
{
    if (!cJSON_IsObject(obj)) return;
    const char *api_version = resource_api_version(r);
    const char *was = json_str(obj, "apiVersion");
    if (was && strcmp(was, api_version)) json_set_str(obj, "apiVersion", api_version);
    const structural_schema *s = crd_schema_of(r->group, r->version, r->plural);
    if (s) structural_default(s, obj);
}

void customresource_warnings(rest_call *c)
{
    const recorded_schema *r = recorded_of(c->r->group, c->r->version, c->r->plural);
    if (r && r->warning) field_validation_warn(c->req, c->resp, r->warning);
}

int crd_is_list_kind_of(const kapi_resource *r, const char *kind)
{
    size_t n = strlen(r->kind);
    return !strncmp(kind, r->kind, n) && !strcmp(kind + n, "List");
}

/* The schema of obj's kind in the request's set. */
static const structural_schema *schema_of_object(const cJSON *obj)
{
    const char *api_version = json_str(obj, "apiVersion"), *kind = json_str(obj, "kind");
    if (!api_version || !kind) return NULL;
    const kapi_resource *r = kinds_find_kind(kinds_current(), api_version, kind);
    if (!r || !(r->flags & KIND_IS_CUSTOM)) return NULL;
    return crd_schema_of(r->group, r->version, r->plural);
}

/* Pruning then defaulting, on every decoded body (create, update, patch). */
static void set_defaults(cJSON *obj)
{
    const structural_schema *s = schema_of_object(obj);
    if (!s) return;
    structural_prune(s, obj, NULL, NULL);
    structural_default(s, obj);
}

static void validate_create(const cJSON *obj, field_errors *errs)
{
    const structural_schema *s = schema_of_object(obj);
    if (s) structural_validate(s, obj, NULL, errs);
}

static void validate_update(const cJSON *obj, const cJSON *old, field_errors *errs)
{
    const structural_schema *s = schema_of_object(obj);
    if (s) structural_validate(s, obj, old, errs);
}

static void drop_status(cJSON *obj)
{
    cJSON_DeleteItemFromObjectCaseSensitive(obj, "status");
}

/* What the two strategies of custom resources share; the one for kinds
 * with a status subresource keeps status apart. */
#define CUSTOM_RESOURCE_STRATEGY                                                     \
    .names = NAME_DNS1123_SUBDOMAIN, .has_generation = 1, .set_defaults = set_defaults, \
    .serve_subresource = customresource_serve_subresource, .validate_create = validate_create, \
    .validate_update = validate_update

const kapi_strategy strategy_customresources = {CUSTOM_RESOURCE_STRATEGY};

const kapi_strategy strategy_customresources_with_status = {
    CUSTOM_RESOURCE_STRATEGY, .has_status = 1, .prepare_for_create = drop_status,
};
