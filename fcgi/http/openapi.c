/* openapi.c: the OpenAPI v3 documents (/openapi/v3): one per
 * group-version, with components.schemas for every type its kinds reach
 * and paths with their operations (http/openapi_schema.c,
 * http/openapi_paths.c), and the index naming each with its hash, so that
 * kubectl's validation, apply and explain work. Documents are built once
 * per kind set and kept with their SHA-512. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/alloc.h"
#include "http/openapi_crd.h"
#include "http/openapi.h"
#include "http/openapi_paths.h"
#include "http/openapi_schema.h"
#include "kinds/kinds.h"

/* The documents of one kind set (kinds/kinds.h), built on first use and
 * freed with the set: a change to the kinds gives new documents (and new
 * hashes); an unchanged set keeps its own. */
typedef struct openapi_docs {
    openapi_doc index;
    openapi_doc *docs;
    char **paths;             /* "api/v1", "apis/apps/v1" */
    int n;
} openapi_docs;

/* ---- documents */

static cJSON *build_gv_document(const kinds_set *kinds, const kapi_group *g, const char *version)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *components = cJSON_AddObjectToObject(root, "components");
    cJSON *schemas = cJSON_AddObjectToObject(components, "schemas");
    cJSON *info = cJSON_AddObjectToObject(root, "info");
    cJSON_AddStringToObject(info, "title", "Kubernetes");
    cJSON_AddStringToObject(info, "version", OPENAPI_KUBE_VERSION);
    cJSON_AddStringToObject(root, "openapi", "3.0.0");
    cJSON *paths = cJSON_AddObjectToObject(root, "paths");

    openapi_type_set *set = openapi_type_set_new();
    openapi_type_set_add_common(set);
    for (int i = 0; i < kinds->n; i++) {
        const kapi_resource *r = &kinds->kinds[i];
        if (strcmp(r->group, g->name) || strcmp(r->version, version)) continue;
        const schema_type *t = openapi_kind_schema(r);
        if (!t && openapi_add_custom_resource(schemas, paths, r, OPENAPI_V3)) continue;
        if (!t) continue;
        openapi_type_set_add(set, t);
        char list_name[300];
        snprintf(list_name, sizeof list_name, "%sList", t->name);
        openapi_add_sorted(schemas, list_name, openapi_list_schema(r, t, OPENAPI_V3));
        openapi_add_resource_paths(paths, r, OPENAPI_V3);
    }
    openapi_add_type_schemas(schemas, set, OPENAPI_V3);
    openapi_type_set_free(set);
    return root;
}

static void free_docs(void *data)
{
    openapi_docs *d = data;
    for (int i = 0; i < d->n; i++) {
        openapi_doc_release(&d->docs[i]);
        free(d->paths[i]);
    }
    openapi_doc_release(&d->index);
    free(d->docs);
    free(d->paths);
    free(d);
}

static void *build_docs(const kinds_set *kinds)
{
    if (schema_load() != 0) return NULL;
    openapi_docs *d = kapi_xcalloc(1, sizeof *d);
    /* one document per group-version; at most one per kind */
    d->docs = kapi_xcalloc((size_t)kinds->n + 1, sizeof *d->docs);
    d->paths = kapi_xcalloc((size_t)kinds->n + 1, sizeof *d->paths);
    cJSON *index = cJSON_CreateObject();
    cJSON *ipaths = cJSON_AddObjectToObject(index, "paths");
    for (int i = 0; i < kinds->n_groups; i++) {
        for (int v = 0; kinds->groups[i].versions[v]; v++) {
            const kapi_group *g = &kinds->groups[i];
            const char *version = g->versions[v];
            char path[400];
            if (g->name[0]) snprintf(path, sizeof path, "apis/%s/%s", g->name, version);
            else snprintf(path, sizeof path, "api/%s", version);
            d->paths[d->n] = kapi_xstrdup(path);
            openapi_doc_finish(&d->docs[d->n], build_gv_document(kinds, g, version));
            cJSON *e = cJSON_CreateObject();
            char url[600];
            snprintf(url, sizeof url, "/openapi/v3/%s?hash=%s", path, d->docs[d->n].hash);
            cJSON_AddStringToObject(e, "serverRelativeURL", url);
            openapi_add_sorted(ipaths, path, e);
            d->n++;
        }
    }
    openapi_doc_finish(&d->index, index);
    return d;
}

static const kinds_derived_key docs_key = {build_docs, free_docs};

const openapi_doc *openapi_v3_index(void)
{
    const openapi_docs *d = kinds_derived(kinds_current(), &docs_key);
    return d && d->index.json ? &d->index : NULL;
}

const openapi_doc *openapi_v3_document(const char *gv_path)
{
    const openapi_docs *d = kinds_derived(kinds_current(), &docs_key);
    for (int i = 0; d && i < d->n; i++)
        if (!strcmp(d->paths[i], gv_path)) return &d->docs[i];
    return NULL;
}
