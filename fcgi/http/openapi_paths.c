/* openapi_paths.c: the paths of the OpenAPI documents: for each kind, the
 * collection, the object and (for namespaced kinds) the list across
 * namespaces, with kube's operations (operationId, x-kubernetes-action,
 * x-kubernetes-group-version-kind, the write parameters with
 * fieldValidation, which kubectl looks for before it leaves validation to
 * the server). The same operations in both dialects, written as each
 * dialect writes them: v3 with requestBody and content per media type and
 * parameter schemas; v2 (swagger 2.0) with a body parameter, consumes and
 * produces, schemes, and typed parameters. */
#include <stdio.h>
#include <string.h>
#include "http/openapi_paths.h"
#include "http/openapi_schema.h"

static const char *const media_types[] = {"application/json", "application/yaml", NULL};
static const char *const patch_types[] = {"application/apply-patch+yaml", "application/json-patch+json",
                                          "application/merge-patch+json",
                                          "application/strategic-merge-patch+json", NULL};

#define META "io.k8s.apimachinery.pkg.apis.meta.v1."

static cJSON *string_array(const char *const *v)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; v[i]; i++) cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
    return a;
}

/* A query or path parameter: v3 {description, in, name, required, schema:
 * {type, uniqueItems}}, v2 the same with type and uniqueItems in place of
 * the schema. */
static cJSON *param(openapi_dialect d, const char *name, const char *in, const char *type, const char *desc,
                    int required)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "description", desc);
    cJSON_AddStringToObject(p, "in", in);
    cJSON_AddStringToObject(p, "name", name);
    if (required) cJSON_AddTrueToObject(p, "required");
    cJSON *s = p;
    if (d == OPENAPI_V3) s = cJSON_AddObjectToObject(p, "schema");
    cJSON_AddStringToObject(s, "type", type);
    cJSON_AddTrueToObject(s, "uniqueItems");
    return p;
}

/* v2's body parameter: {in: body, name: body, required: true, schema: ref} */
static cJSON *body_param(const char *type_name)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "in", "body");
    cJSON_AddStringToObject(p, "name", "body");
    cJSON_AddTrueToObject(p, "required");
    cJSON_AddItemToObject(p, "schema", openapi_ref(OPENAPI_V2, type_name));
    return p;
}

static cJSON *content_of(const char *const *types, const char *type_name)
{
    cJSON *c = cJSON_CreateObject();
    for (int i = 0; types[i]; i++) {
        cJSON *m = cJSON_AddObjectToObject(c, types[i]);
        cJSON_AddItemToObject(m, "schema", openapi_ref(OPENAPI_V3, type_name));
    }
    return c;
}

static cJSON *responses(openapi_dialect d, int code1, int code2, const char *type_name)
{
    cJSON *r = cJSON_CreateObject();
    int codes[2] = {code1, code2};
    for (int i = 0; i < 2; i++) {
        if (!codes[i]) continue;
        char k[8];
        snprintf(k, sizeof k, "%d", codes[i]);
        cJSON *x = cJSON_AddObjectToObject(r, k);
        if (d == OPENAPI_V3) cJSON_AddItemToObject(x, "content", content_of(media_types, type_name));
        cJSON_AddStringToObject(x, "description", codes[i] == 200 ? "OK" : codes[i] == 201 ? "Created" : "Accepted");
        if (d == OPENAPI_V2) cJSON_AddItemToObject(x, "schema", openapi_ref(OPENAPI_V2, type_name));
    }
    return r;
}

/* The body an operation takes: v2 its first parameter, v3 its requestBody. */
static void add_body(openapi_dialect d, cJSON *op, cJSON *params, const char *const *types, const char *type_name)
{
    if (d == OPENAPI_V2) {
        cJSON_AddItemToArray(params, body_param(type_name));
        return;
    }
    cJSON *body = cJSON_CreateObject();
    cJSON_AddItemToObject(body, "content", content_of(types, type_name));
    openapi_add_sorted(op, "requestBody", body);
}

static void add_write_params(openapi_dialect d, cJSON *params, int is_patch)
{
    cJSON_AddItemToArray(params, param(d, "dryRun", "query", "string",
        "When present, the request is processed but nothing is stored. Valid values: All.", 0));
    cJSON_AddItemToArray(params, param(d, "fieldManager", "query", "string",
        "The name of the actor making the change, for field ownership.", 0));
    cJSON_AddItemToArray(params, param(d, "fieldValidation", "query", "string",
        "How to treat unknown or duplicate fields in the request body: Ignore, Warn or Strict.", 0));
    if (is_patch)
        cJSON_AddItemToArray(params, param(d, "force", "query", "boolean",
            "Re-acquire fields owned by other managers on an apply patch.", 0));
}

typedef struct kind_ops {
    openapi_dialect d;
    const kapi_resource *r;
    char camel[80];           /* "AppsV1" */
    char tag[80];             /* "apps_v1" */
    const char *ns_part;      /* "Namespaced" or "" */
} kind_ops;

/* An operation with kube's fixed members; v2 adds consumes, produces and
 * schemes. verb_id + camel + ns_part + kind + suffix is the operationId. */
static cJSON *operation(const kind_ops *k, const char *action, const char *verb_desc, const char *verb_id,
                        const char *suffix, const char *const *consumes)
{
    const kapi_resource *r = k->r;
    cJSON *op = cJSON_CreateObject();
    char text[300];
    snprintf(text, sizeof text, "%s %s", verb_desc, r->kind);
    openapi_add_sorted(op, "description", cJSON_CreateString(text));
    snprintf(text, sizeof text, "%s%s%s%s%s", verb_id, k->camel, suffix ? "" : k->ns_part, r->kind,
             suffix ? suffix : "");
    openapi_add_sorted(op, "operationId", cJSON_CreateString(text));
    cJSON *tags = cJSON_CreateArray();
    cJSON_AddItemToArray(tags, cJSON_CreateString(k->tag));
    openapi_add_sorted(op, "tags", tags);
    openapi_add_sorted(op, "x-kubernetes-action", cJSON_CreateString(action));
    openapi_add_sorted(op, "x-kubernetes-group-version-kind", openapi_gvk(r->group, r->version, r->kind));
    if (k->d == OPENAPI_V2) {
        static const char *const any[] = {"*/*", NULL}, *const https[] = {"https", NULL};
        openapi_add_sorted(op, "consumes", string_array(consumes ? consumes : any));
        openapi_add_sorted(op, "produces", string_array(media_types));
        openapi_add_sorted(op, "schemes", string_array(https));
    }
    return op;
}

static cJSON *op_params(cJSON *op)
{
    cJSON *params = cJSON_CreateArray();
    openapi_add_sorted(op, "parameters", params);
    return params;
}

/* A writing operation, added to path under its action ("post", "put",
 * "patch"): the body (of body_type; a patch's in patch_types, else in the
 * usual media types), the write parameters, and kube's 200 and 201 with
 * answer_type. */
static void add_write_operation(const kind_ops *k, cJSON *path, const char *action, const char *verb_desc,
                                const char *verb_id, int is_patch, const char *body_type,
                                const char *answer_type)
{
    cJSON *op = operation(k, action, verb_desc, verb_id, NULL, is_patch ? patch_types : NULL);
    cJSON *params = op_params(op);
    add_body(k->d, op, params, is_patch ? patch_types : media_types, body_type);
    add_write_params(k->d, params, is_patch);
    openapi_add_sorted(op, "responses", responses(k->d, 200, 201, answer_type));
    openapi_add_sorted(path, action, op);
}

void openapi_add_resource_paths(cJSON *paths, const kapi_resource *r, openapi_dialect d)
{
    const schema_type *t = openapi_kind_schema(r);
    if (t) openapi_add_resource_paths_named(paths, r, d, t->name);
}

void openapi_add_resource_paths_named(cJSON *paths, const kapi_resource *r, openapi_dialect d,
                                      const char *type_name)
{
    kind_ops k = {.d = d, .r = r, .ns_part = r->namespaced ? "Namespaced" : ""};
    openapi_group_camel(r, k.camel, sizeof k.camel);
    openapi_tag(r, k.tag, sizeof k.tag);
    char prefix[200], p[400], list_name[300];
    if (r->group[0]) snprintf(prefix, sizeof prefix, "apis/%s/%s", r->group, r->version);
    else snprintf(prefix, sizeof prefix, "api/%s", r->version);
    snprintf(list_name, sizeof list_name, "%sList", type_name);

    /* the collection */
    if (r->namespaced) snprintf(p, sizeof p, "/%s/namespaces/{namespace}/%s", prefix, r->plural);
    else snprintf(p, sizeof p, "/%s/%s", prefix, r->plural);
    cJSON *coll = cJSON_CreateObject();
    openapi_add_sorted(paths, p, coll);
    cJSON *op = operation(&k, "list", "list or watch objects of kind", "list", NULL, NULL);
    openapi_add_sorted(op, "responses", responses(d, 200, 0, list_name));
    openapi_add_sorted(coll, "get", op);
    add_write_operation(&k, coll, "post", "create a", "create", 0, type_name, type_name);
    if (r->verbs & VERB_DELETECOLLECTION) {
        op = operation(&k, "deletecollection", "delete collection of", "deletecollection", NULL, NULL);
        openapi_add_sorted(op, "responses", responses(d, 200, 0, META "Status"));
        openapi_add_sorted(coll, "delete", op);
    }
    cJSON *coll_params = cJSON_CreateArray();
    openapi_add_sorted(coll, "parameters", coll_params);
    if (r->namespaced)
        cJSON_AddItemToArray(coll_params, param(d, "namespace", "path", "string", "The namespace of the objects.", 1));
    cJSON_AddItemToArray(coll_params, param(d, "pretty", "query", "string", "If 'true', the output is pretty printed.", 0));

    /* one object */
    if (r->namespaced) snprintf(p, sizeof p, "/%s/namespaces/{namespace}/%s/{name}", prefix, r->plural);
    else snprintf(p, sizeof p, "/%s/%s/{name}", prefix, r->plural);
    cJSON *one = cJSON_CreateObject();
    openapi_add_sorted(paths, p, one);
    op = operation(&k, "get", "read the specified", "read", NULL, NULL);
    openapi_add_sorted(op, "responses", responses(d, 200, 0, type_name));
    openapi_add_sorted(one, "get", op);
    add_write_operation(&k, one, "put", "replace the specified", "replace", 0, type_name, type_name);
    add_write_operation(&k, one, "patch", "partially update the specified", "patch", 1, META "Patch", type_name);
    op = operation(&k, "delete", "delete a", "delete", NULL, NULL);
    cJSON *params = op_params(op);
    add_body(d, op, params, media_types, META "DeleteOptions");
    cJSON_AddItemToArray(params, param(d, "dryRun", "query", "string", "When present, nothing is deleted. Valid values: All.", 0));
    cJSON_AddItemToArray(params, param(d, "gracePeriodSeconds", "query", "integer", "Seconds before the object is deleted.", 0));
    cJSON_AddItemToArray(params, param(d, "propagationPolicy", "query", "string", "How dependents are garbage collected: Orphan, Background or Foreground.", 0));
    openapi_add_sorted(op, "responses", responses(d, 200, 202, META "Status"));
    openapi_add_sorted(one, "delete", op);
    params = cJSON_CreateArray();
    openapi_add_sorted(one, "parameters", params);
    cJSON_AddItemToArray(params, param(d, "name", "path", "string", "The name of the object.", 1));
    if (r->namespaced)
        cJSON_AddItemToArray(params, param(d, "namespace", "path", "string", "The namespace of the object.", 1));
    cJSON_AddItemToArray(params, param(d, "pretty", "query", "string", "If 'true', the output is pretty printed.", 0));

    /* across namespaces */
    if (r->namespaced) {
        snprintf(p, sizeof p, "/%s/%s", prefix, r->plural);
        cJSON *all = cJSON_CreateObject();
        openapi_add_sorted(paths, p, all);
        op = operation(&k, "list", "list or watch objects of kind", "list", "ForAllNamespaces", NULL);
        openapi_add_sorted(op, "responses", responses(d, 200, 0, list_name));
        openapi_add_sorted(all, "get", op);
    }
}
