/* openapi.c: generates the OpenAPI v3 documents from the field schema and
 * the resource table: components.schemas for every type a group-version's
 * kinds reach (with x-kubernetes-group-version-kind on the kinds and the
 * patch and list extensions on fields), and paths with their operations
 * (x-kubernetes-action, x-kubernetes-group-version-kind, the fieldValidation
 * parameter on writes) so that kubectl's validation, apply and explain work.
 * Documents are built once per kind set and kept with their SHA-512. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/sha.h>
#include "http/discovery.h"
#include "codec/json.h"
#include "http/openapi.h"
#include "kinds/resource.h"
#include "schema/schema.h"

#define REF_PREFIX "#/components/schemas/"

/* The documents of one kind set (kinds/kinds.h), built on first use and
 * freed with the set: a change to the kinds gives new documents (and new
 * hashes); an unchanged set keeps its own. */
typedef struct openapi_docs {
    openapi_doc index;
    openapi_doc *docs;
    char **paths;             /* "api/v1", "apis/apps/v1" */
    int n;
} openapi_docs;

/* ---- component schemas */

static const char *const builtin_types[][3] = {
    /* name, type, format: the scalar-like types every document may refer to */
    {"io.k8s.apimachinery.pkg.apis.meta.v1.Time", "string", "date-time"},
    {"io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime", "string", "date-time"},
    {"io.k8s.apimachinery.pkg.api.resource.Quantity", "string", NULL},
    {"io.k8s.apimachinery.pkg.util.intstr.IntOrString", "string", "int-or-string"},
    {"io.k8s.apimachinery.pkg.runtime.RawExtension", "object", NULL},
    {"io.k8s.apimachinery.pkg.apis.meta.v1.Patch", "object", NULL},
};
static const char *const builtin_descriptions[] = {
    "A point in time, serialized as an RFC 3339 string in UTC.",
    "A point in time with microsecond precision, serialized as RFC 3339.",
    "A fixed-point number with an optional SI or binary suffix, such as 100m or 1Gi.",
    "A value that is either an integer or a string.",
    "An embedded object whose fields are preserved as sent.",
    "A patch in one of the supported patch formats.",
};

static const char *builtin_for(schema_value_kind k)
{
    switch (k) {
    case SV_TIME: return builtin_types[0][0];
    case SV_MICROTIME: return builtin_types[1][0];
    case SV_QUANTITY: return builtin_types[2][0];
    case SV_INT_OR_STRING: return builtin_types[3][0];
    case SV_RAW: return builtin_types[4][0];
    default: return NULL;
    }
}

static cJSON *ref_to(const char *name)
{
    cJSON *o = cJSON_CreateObject();
    char ref[300];
    snprintf(ref, sizeof ref, REF_PREFIX "%s", name);
    cJSON_AddStringToObject(o, "$ref", ref);
    return o;
}

static cJSON *value_schema(const schema_value *v)
{
    cJSON *o;
    const char *b;
    switch (v->kind) {
    case SV_STRING: o = cJSON_CreateObject(); cJSON_AddStringToObject(o, "type", "string"); return o;
    case SV_BYTES:
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "format", "byte");
        cJSON_AddStringToObject(o, "type", "string");
        return o;
    case SV_BOOL: o = cJSON_CreateObject(); cJSON_AddStringToObject(o, "type", "boolean"); return o;
    case SV_INT32: case SV_INT64:
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "format", v->kind == SV_INT32 ? "int32" : "int64");
        cJSON_AddStringToObject(o, "type", "integer");
        return o;
    case SV_DOUBLE:
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "format", "double");
        cJSON_AddStringToObject(o, "type", "number");
        return o;
    case SV_DURATION: o = cJSON_CreateObject(); cJSON_AddStringToObject(o, "type", "string"); return o;
    case SV_OBJECT: return ref_to(v->type ? v->type->name : "io.k8s.apimachinery.pkg.runtime.RawExtension");
    case SV_ARRAY:
        o = cJSON_CreateObject();
        cJSON_AddItemToObject(o, "items", v->elem ? value_schema(v->elem) : cJSON_CreateObject());
        cJSON_AddStringToObject(o, "type", "array");
        return o;
    case SV_MAP:
        o = cJSON_CreateObject();
        cJSON_AddItemToObject(o, "additionalProperties", v->elem ? value_schema(v->elem) : cJSON_CreateObject());
        cJSON_AddStringToObject(o, "type", "object");
        return o;
    default:
        b = builtin_for(v->kind);
        return ref_to(b ? b : "io.k8s.apimachinery.pkg.runtime.RawExtension");
    }
}

static cJSON *string_list(const char *const *v)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; v && v[i]; i++) cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
    return a;
}

static cJSON *gvk_object(const char *group, const char *version, const char *kind)
{
    cJSON *g = cJSON_CreateObject();
    cJSON_AddStringToObject(g, "group", group ? group : "");
    cJSON_AddStringToObject(g, "kind", kind);
    cJSON_AddStringToObject(g, "version", version);
    return g;
}

/* Adds a key keeping the object's keys sorted, as kube's documents are. */
static void add_sorted(cJSON *obj, const char *key, cJSON *value)
{
    cJSON *after = NULL;
    for (cJSON *c = obj->child; c; c = c->next)
        if (strcmp(c->string, key) < 0) after = c;
    cJSON_AddItemToObject(obj, key, value);
    /* move the new last item after `after` */
    cJSON *item = cJSON_DetachItemFromObjectCaseSensitive(obj, key);
    if (!item) return;
    if (!after) {
        item->next = obj->child;
        item->prev = obj->child ? obj->child->prev : item;
        if (obj->child) obj->child->prev = item;
        obj->child = item;
        if (!item->next) item->prev = item;
    } else {
        item->next = after->next;
        item->prev = after;
        if (after->next) after->next->prev = item;
        else obj->child->prev = item;
        after->next = item;
    }
}

static cJSON *field_schema(const schema_field *f)
{
    cJSON *o = value_schema(&f->value);
    if (f->value.kind == SV_OBJECT && !(f->flags & SF_POINTER)) add_sorted(o, "default", cJSON_CreateObject());
    if (f->description && *f->description) add_sorted(o, "description", cJSON_CreateString(f->description));
    if (f->enum_values) add_sorted(o, "enum", string_list(f->enum_values));
    if (f->list_type == LIST_ATOMIC) add_sorted(o, "x-kubernetes-list-type", cJSON_CreateString("atomic"));
    else if (f->list_type == LIST_SET) add_sorted(o, "x-kubernetes-list-type", cJSON_CreateString("set"));
    else if (f->list_type == LIST_MAP) {
        add_sorted(o, "x-kubernetes-list-map-keys", string_list(f->list_map_keys));
        add_sorted(o, "x-kubernetes-list-type", cJSON_CreateString("map"));
    }
    if (f->patch_merge_key) add_sorted(o, "x-kubernetes-patch-merge-key", cJSON_CreateString(f->patch_merge_key));
    if (f->patch_strategy) add_sorted(o, "x-kubernetes-patch-strategy", cJSON_CreateString(f->patch_strategy));
    return o;
}

static cJSON *type_schema(const schema_type *t)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "description", t->description ? t->description : "");
    cJSON *props = cJSON_CreateObject();
    cJSON *req = cJSON_CreateArray();
    for (int i = 0; i < t->n_fields; i++) {
        const schema_field *f = &t->fields[i];
        if (f->flags & SF_INLINE) {
            /* an embedded struct (TypeMeta): its fields are the parent's */
            const schema_type *in = f->value.kind == SV_OBJECT ? f->value.type : NULL;
            for (int j = 0; in && j < in->n_fields; j++)
                add_sorted(props, in->fields[j].name, field_schema(&in->fields[j]));
            continue;
        }
        add_sorted(props, f->name, field_schema(f));
        if (f->flags & SF_REQUIRED) cJSON_AddItemToArray(req, cJSON_CreateString(f->name));
    }
    cJSON_AddItemToObject(o, "properties", props);
    if (cJSON_GetArraySize(req) > 0) cJSON_AddItemToObject(o, "required", req);
    else cJSON_Delete(req);
    cJSON_AddStringToObject(o, "type", "object");
    if (t->kind) {
        cJSON *gvks = cJSON_CreateArray();
        cJSON_AddItemToArray(gvks, gvk_object(t->group, t->version, t->kind));
        cJSON_AddItemToObject(o, "x-kubernetes-group-version-kind", gvks);
    }
    return o;
}

/* ---- reachability: the types a document needs */

typedef struct type_set {
    const schema_type *t[1024];
    int n;
} type_set;

static int set_has(const type_set *s, const schema_type *t)
{
    for (int i = 0; i < s->n; i++) if (s->t[i] == t) return 1;
    return 0;
}

static void collect_value(type_set *s, const schema_value *v);

static void collect_type(type_set *s, const schema_type *t)
{
    if (!t || set_has(s, t) || s->n >= (int)(sizeof s->t / sizeof s->t[0])) return;
    s->t[s->n++] = t;
    for (int i = 0; i < t->n_fields; i++) collect_value(s, &t->fields[i].value);
}

static void collect_value(type_set *s, const schema_value *v)
{
    if (!v) return;
    if (v->kind == SV_OBJECT) collect_type(s, v->type);
    else if (v->kind == SV_ARRAY || v->kind == SV_MAP) collect_value(s, v->elem);
}

/* A <Kind>List schema, which the field schema does not describe. */
static cJSON *list_schema(const kapi_resource *r, const schema_type *item)
{
    cJSON *o = cJSON_CreateObject();
    char d[200];
    snprintf(d, sizeof d, "A list of %s objects.", r->kind);
    cJSON_AddStringToObject(o, "description", d);
    cJSON *p = cJSON_AddObjectToObject(o, "properties");
    cJSON *s = cJSON_AddObjectToObject(p, "apiVersion");
    cJSON_AddStringToObject(s, "description", "The versioned schema of this representation of an object.");
    cJSON_AddStringToObject(s, "type", "string");
    cJSON *items = cJSON_AddObjectToObject(p, "items");
    cJSON_AddStringToObject(items, "description", "The objects of the list.");
    cJSON *ir = ref_to(item->name);
    cJSON_AddItemToObject(ir, "default", cJSON_CreateObject());
    cJSON_AddItemToObject(items, "items", ir);
    cJSON_AddStringToObject(items, "type", "array");
    s = cJSON_AddObjectToObject(p, "kind");
    cJSON_AddStringToObject(s, "description", "The kind of this object: a list.");
    cJSON_AddStringToObject(s, "type", "string");
    cJSON *m = ref_to("io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta");
    cJSON_AddItemToObject(m, "default", cJSON_CreateObject());
    cJSON_AddStringToObject(m, "description", "Standard list metadata.");
    cJSON_AddItemToObject(p, "metadata", m);
    cJSON *req = cJSON_AddArrayToObject(o, "required");
    cJSON_AddItemToArray(req, cJSON_CreateString("items"));
    cJSON_AddStringToObject(o, "type", "object");
    char kind[100];
    snprintf(kind, sizeof kind, "%sList", r->kind);
    cJSON *gvks = cJSON_AddArrayToObject(o, "x-kubernetes-group-version-kind");
    cJSON_AddItemToArray(gvks, gvk_object(r->group, r->version, kind));
    return o;
}

/* ---- paths */

static cJSON *param(const char *name, const char *in, const char *type, const char *desc, int required)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "description", desc);
    cJSON_AddStringToObject(p, "in", in);
    cJSON_AddStringToObject(p, "name", name);
    if (required) cJSON_AddTrueToObject(p, "required");
    cJSON *s = cJSON_AddObjectToObject(p, "schema");
    cJSON_AddStringToObject(s, "type", type);
    cJSON_AddTrueToObject(s, "uniqueItems");
    return p;
}

static const char *const media_types[] = {"application/json", "application/yaml", NULL};

static cJSON *content_of(const char *type_name)
{
    cJSON *c = cJSON_CreateObject();
    for (int i = 0; media_types[i]; i++) {
        cJSON *m = cJSON_AddObjectToObject(c, media_types[i]);
        cJSON_AddItemToObject(m, "schema", ref_to(type_name));
    }
    return c;
}

static cJSON *responses(int code1, int code2, const char *type_name)
{
    cJSON *r = cJSON_CreateObject();
    int codes[2] = {code1, code2};
    for (int i = 0; i < 2; i++) {
        if (!codes[i]) continue;
        char k[8];
        snprintf(k, sizeof k, "%d", codes[i]);
        cJSON *x = cJSON_AddObjectToObject(r, k);
        cJSON_AddItemToObject(x, "content", content_of(type_name));
        cJSON_AddStringToObject(x, "description", codes[i] == 200 ? "OK" : codes[i] == 201 ? "Created" : "Accepted");
    }
    return r;
}

static void add_write_params(cJSON *params, int is_patch)
{
    cJSON_AddItemToArray(params, param("dryRun", "query", "string",
        "When present, the request is processed but nothing is stored. Valid values: All.", 0));
    cJSON_AddItemToArray(params, param("fieldManager", "query", "string",
        "The name of the actor making the change, for field ownership.", 0));
    cJSON_AddItemToArray(params, param("fieldValidation", "query", "string",
        "How to treat unknown or duplicate fields in the request body: Ignore, Warn or Strict.", 0));
    if (is_patch)
        cJSON_AddItemToArray(params, param("force", "query", "boolean",
            "Re-acquire fields owned by other managers on an apply patch.", 0));
}

static cJSON *operation(const kapi_resource *r, const char *action, const char *verb_desc,
                        const char *op_id, const char *tag)
{
    cJSON *op = cJSON_CreateObject();
    char d[200];
    snprintf(d, sizeof d, "%s %s", verb_desc, r->kind);
    cJSON_AddStringToObject(op, "description", d);
    cJSON_AddStringToObject(op, "operationId", op_id);
    cJSON *tags = cJSON_CreateArray();
    cJSON_AddItemToArray(tags, cJSON_CreateString(tag));
    cJSON_AddItemToObject(op, "tags", tags);
    cJSON_AddStringToObject(op, "x-kubernetes-action", action);
    cJSON_AddItemToObject(op, "x-kubernetes-group-version-kind", gvk_object(r->group, r->version, r->kind));
    return op;
}

/* "CoreV1", "AppsV1", "RbacAuthorizationV1": kube's operationId infix */
static void group_camel(const kapi_resource *r, char *out, size_t n)
{
    const char *g = r->group[0] ? r->group : "core";
    size_t o = 0;
    int up = 1;
    for (const char *c = g; *c && o + 1 < n; c++) {
        if (*c == '.') {
            /* kube drops the domain: rbac.authorization.k8s.io -> RbacAuthorization */
            if (!strcmp(c, ".k8s.io")) break;
            up = 1;
            continue;
        }
        out[o++] = up && *c >= 'a' && *c <= 'z' ? (char)(*c - 32) : *c;
        up = 0;
    }
    snprintf(out + o, n - o, "%c%s", r->version[0] - 32, r->version + 1);
}

/* The kind's schema type: the one its description names, else by group,
 * version and kind. */
static const schema_type *kind_schema(const kapi_resource *r)
{
    return r->schema_type ? schema_type_named(r->schema_type) : schema_kind(r->group, r->version, r->kind);
}

static void add_resource_paths(cJSON *paths, const kapi_resource *r, const char *prefix)
{
    char gc[80], tag[80], id[200], p[400];
    group_camel(r, gc, sizeof gc);
    snprintf(tag, sizeof tag, "%s_%s", r->group[0] ? r->group : "core", r->version);
    for (char *c = tag; *c; c++) if (*c == '.') *c = '_';
    const char *ns_part = r->namespaced ? "Namespaced" : "";
    char list_type[120];
    snprintf(list_type, sizeof list_type, "%s", r->kind);
    const schema_type *t = kind_schema(r);
    if (!t) return;
    char list_name[300];
    snprintf(list_name, sizeof list_name, "%sList", t->name);

    /* the collection */
    if (r->namespaced) snprintf(p, sizeof p, "/%s/namespaces/{namespace}/%s", prefix, r->plural);
    else snprintf(p, sizeof p, "/%s/%s", prefix, r->plural);
    cJSON *coll = cJSON_AddObjectToObject(paths, p);
    snprintf(id, sizeof id, "list%s%s%s", gc, ns_part, r->kind);
    cJSON *op = operation(r, "list", "list or watch objects of kind", id, tag);
    cJSON_AddItemToObject(op, "responses", responses(200, 0, list_name));
    cJSON_AddItemToObject(coll, "get", op);
    snprintf(id, sizeof id, "create%s%s%s", gc, ns_part, r->kind);
    op = operation(r, "post", "create a", id, tag);
    cJSON *params = cJSON_AddArrayToObject(op, "parameters");
    add_write_params(params, 0);
    cJSON *body = cJSON_AddObjectToObject(op, "requestBody");
    cJSON_AddItemToObject(body, "content", content_of(t->name));
    cJSON_AddItemToObject(op, "responses", responses(200, 201, t->name));
    cJSON_AddItemToObject(coll, "post", op);
    if (r->verbs & VERB_DELETECOLLECTION) {
        snprintf(id, sizeof id, "deletecollection%s%s%s", gc, ns_part, r->kind);
        op = operation(r, "deletecollection", "delete collection of", id, tag);
        cJSON_AddItemToObject(op, "responses", responses(200, 0, "io.k8s.apimachinery.pkg.apis.meta.v1.Status"));
        cJSON_AddItemToObject(coll, "delete", op);
    }
    cJSON *cparams = cJSON_AddArrayToObject(coll, "parameters");
    if (r->namespaced)
        cJSON_AddItemToArray(cparams, param("namespace", "path", "string", "The namespace of the objects.", 1));
    cJSON_AddItemToArray(cparams, param("pretty", "query", "string", "If 'true', the output is pretty printed.", 0));

    /* one object */
    if (r->namespaced) snprintf(p, sizeof p, "/%s/namespaces/{namespace}/%s/{name}", prefix, r->plural);
    else snprintf(p, sizeof p, "/%s/%s/{name}", prefix, r->plural);
    cJSON *one = cJSON_AddObjectToObject(paths, p);
    snprintf(id, sizeof id, "read%s%s%s", gc, ns_part, r->kind);
    op = operation(r, "get", "read the specified", id, tag);
    cJSON_AddItemToObject(op, "responses", responses(200, 0, t->name));
    cJSON_AddItemToObject(one, "get", op);
    snprintf(id, sizeof id, "replace%s%s%s", gc, ns_part, r->kind);
    op = operation(r, "put", "replace the specified", id, tag);
    params = cJSON_AddArrayToObject(op, "parameters");
    add_write_params(params, 0);
    body = cJSON_AddObjectToObject(op, "requestBody");
    cJSON_AddItemToObject(body, "content", content_of(t->name));
    cJSON_AddItemToObject(op, "responses", responses(200, 201, t->name));
    cJSON_AddItemToObject(one, "put", op);
    snprintf(id, sizeof id, "patch%s%s%s", gc, ns_part, r->kind);
    op = operation(r, "patch", "partially update the specified", id, tag);
    params = cJSON_AddArrayToObject(op, "parameters");
    add_write_params(params, 1);
    body = cJSON_AddObjectToObject(op, "requestBody");
    cJSON *pc = cJSON_AddObjectToObject(body, "content");
    const char *patch_types[] = {"application/apply-patch+yaml", "application/json-patch+json",
                                 "application/merge-patch+json", "application/strategic-merge-patch+json", NULL};
    for (int i = 0; patch_types[i]; i++) {
        cJSON *m = cJSON_AddObjectToObject(pc, patch_types[i]);
        cJSON_AddItemToObject(m, "schema", ref_to("io.k8s.apimachinery.pkg.apis.meta.v1.Patch"));
    }
    cJSON_AddItemToObject(op, "responses", responses(200, 201, t->name));
    cJSON_AddItemToObject(one, "patch", op);
    snprintf(id, sizeof id, "delete%s%s%s", gc, ns_part, r->kind);
    op = operation(r, "delete", "delete a", id, tag);
    params = cJSON_AddArrayToObject(op, "parameters");
    cJSON_AddItemToArray(params, param("dryRun", "query", "string", "When present, nothing is deleted. Valid values: All.", 0));
    cJSON_AddItemToArray(params, param("gracePeriodSeconds", "query", "integer", "Seconds before the object is deleted.", 0));
    cJSON_AddItemToArray(params, param("propagationPolicy", "query", "string", "How dependents are garbage collected: Orphan, Background or Foreground.", 0));
    body = cJSON_AddObjectToObject(op, "requestBody");
    cJSON_AddItemToObject(body, "content", content_of("io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions"));
    cJSON_AddItemToObject(op, "responses", responses(200, 202, "io.k8s.apimachinery.pkg.apis.meta.v1.Status"));
    cJSON_AddItemToObject(one, "delete", op);
    cJSON *oparams = cJSON_AddArrayToObject(one, "parameters");
    cJSON_AddItemToArray(oparams, param("name", "path", "string", "The name of the object.", 1));
    if (r->namespaced)
        cJSON_AddItemToArray(oparams, param("namespace", "path", "string", "The namespace of the object.", 1));
    cJSON_AddItemToArray(oparams, param("pretty", "query", "string", "If 'true', the output is pretty printed.", 0));

    /* across namespaces */
    if (r->namespaced) {
        snprintf(p, sizeof p, "/%s/%s", prefix, r->plural);
        cJSON *all = cJSON_AddObjectToObject(paths, p);
        snprintf(id, sizeof id, "list%s%sForAllNamespaces", gc, r->kind);
        op = operation(r, "list", "list or watch objects of kind", id, tag);
        cJSON_AddItemToObject(op, "responses", responses(200, 0, list_name));
        cJSON_AddItemToObject(all, "get", op);
    }
}

/* ---- documents */

static void finish_doc(openapi_doc *d, cJSON *root)
{
    kapi_buf b;
    kapi_buf_init(&b);
    json_write(&b, root, 0);
    cJSON_Delete(root);
    unsigned char md[SHA512_DIGEST_LENGTH];
    SHA512((const unsigned char *)b.data, b.len, md);
    char *hex = malloc(SHA512_DIGEST_LENGTH * 2 + 1);
    if (!hex) abort();
    for (int i = 0; i < SHA512_DIGEST_LENGTH; i++) snprintf(hex + 2 * i, 3, "%02X", md[i]);
    d->len = b.len;
    d->json = kapi_buf_steal(&b);
    d->hash = hex;
}

static cJSON *build_gv_document(const kinds_set *kinds, const kapi_group *g, const char *version)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *components = cJSON_AddObjectToObject(root, "components");
    cJSON *schemas = cJSON_AddObjectToObject(components, "schemas");
    cJSON *info = cJSON_AddObjectToObject(root, "info");
    cJSON_AddStringToObject(info, "title", "Kubernetes");
    cJSON_AddStringToObject(info, "version", "v1.32.0");
    cJSON_AddStringToObject(root, "openapi", "3.0.0");
    cJSON *paths = cJSON_AddObjectToObject(root, "paths");
    char prefix[128];
    if (g->name[0]) snprintf(prefix, sizeof prefix, "apis/%s/%s", g->name, version);
    else snprintf(prefix, sizeof prefix, "api/%s", version);

    type_set *set = calloc(1, sizeof *set);
    if (!set) abort();
    static const char *const common[] = {
        "io.k8s.apimachinery.pkg.apis.meta.v1.Status", "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions",
        "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta", "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", NULL};
    for (int i = 0; common[i]; i++) collect_type(set, schema_type_named(common[i]));
    for (int i = 0; i < kinds->n; i++) {
        const kapi_resource *r = &kinds->kinds[i];
        if (strcmp(r->group, g->name) || strcmp(r->version, version)) continue;
        const schema_type *t = kind_schema(r);
        if (!t) continue;
        collect_type(set, t);
        char list_name[300];
        snprintf(list_name, sizeof list_name, "%sList", t->name);
        add_sorted(schemas, list_name, list_schema(r, t));
        add_resource_paths(paths, r, prefix);
    }
    for (int i = 0; i < set->n; i++) add_sorted(schemas, set->t[i]->name, type_schema(set->t[i]));
    for (size_t i = 0; i < sizeof builtin_types / sizeof builtin_types[0]; i++) {
        cJSON *b = cJSON_CreateObject();
        cJSON_AddStringToObject(b, "description", builtin_descriptions[i]);
        if (builtin_types[i][2]) cJSON_AddStringToObject(b, "format", builtin_types[i][2]);
        cJSON_AddStringToObject(b, "type", builtin_types[i][1]);
        add_sorted(schemas, builtin_types[i][0], b);
    }
    free(set);
    return root;
}

static void free_docs(void *data)
{
    openapi_docs *d = data;
    for (int i = 0; i < d->n; i++) {
        free((char *)d->docs[i].json);
        free((char *)d->docs[i].hash);
        free(d->paths[i]);
    }
    free((char *)d->index.json);
    free((char *)d->index.hash);
    free(d->docs);
    free(d->paths);
    free(d);
}

static void *build_docs(const kinds_set *kinds)
{
    if (schema_load() != 0) return NULL;
    openapi_docs *d = calloc(1, sizeof *d);
    if (!d) abort();
    /* one document per group-version; at most one per kind */
    d->docs = calloc((size_t)kinds->n + 1, sizeof *d->docs);
    d->paths = calloc((size_t)kinds->n + 1, sizeof *d->paths);
    if (!d->docs || !d->paths) abort();
    cJSON *index = cJSON_CreateObject();
    cJSON *ipaths = cJSON_AddObjectToObject(index, "paths");
    for (int i = 0; i < kinds->n_groups; i++) {
        for (int v = 0; kinds->groups[i].versions[v]; v++) {
            const kapi_group *g = &kinds->groups[i];
            const char *version = g->versions[v];
            char path[400];
            if (g->name[0]) snprintf(path, sizeof path, "apis/%s/%s", g->name, version);
            else snprintf(path, sizeof path, "api/%s", version);
            d->paths[d->n] = strdup(path);
            if (!d->paths[d->n]) abort();
            finish_doc(&d->docs[d->n], build_gv_document(kinds, g, version));
            cJSON *e = cJSON_CreateObject();
            char url[600];
            snprintf(url, sizeof url, "/openapi/v3/%s?hash=%s", path, d->docs[d->n].hash);
            cJSON_AddStringToObject(e, "serverRelativeURL", url);
            add_sorted(ipaths, path, e);
            d->n++;
        }
    }
    finish_doc(&d->index, index);
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
