/* openapi_schema.c: the schemas of the OpenAPI documents, written from the
 * field schema in kube's shape for v2 (swagger 2.0 definitions) and v3
 * (components.schemas): one schema per type with the kind's
 * x-kubernetes-group-version-kind, fields with their list, map and patch
 * extensions, references to the scalar-like types (Time, Quantity,
 * IntOrString, ...) as kube makes them, and <Kind>List schemas. kubectl's
 * explain prints a field's type from this shape: a reference to an object
 * by its type's name (<PodSpec>), to a typed scalar by its type (<string>
 * for Time), to an untyped one by its name (<IntOrString>, <Quantity>);
 * in v3 a field's reference sits in allOf beside its description, so
 * explain prints the field's description before its type's. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/sha.h>
#include "codec/json.h"
#include "core/alloc.h"
#include "http/openapi_schema.h"

cJSON *openapi_ref(openapi_dialect d, const char *name)
{
    cJSON *o = cJSON_CreateObject();
    char ref[300];
    snprintf(ref, sizeof ref, "%s%s", d == OPENAPI_V2 ? "#/definitions/" : "#/components/schemas/", name);
    cJSON_AddStringToObject(o, "$ref", ref);
    return o;
}

void openapi_add_sorted(cJSON *obj, const char *key, cJSON *value)
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

cJSON *openapi_gvk(const char *group, const char *version, const char *kind)
{
    cJSON *g = cJSON_CreateObject();
    cJSON_AddStringToObject(g, "group", group ? group : "");
    cJSON_AddStringToObject(g, "kind", kind);
    cJSON_AddStringToObject(g, "version", version);
    return g;
}

/* ---- the scalar-like types: kube's OpenAPI definitions of the Go types
 * with their own JSON form (OpenAPISchemaType, OpenAPIV3OneOfTypes). */

typedef struct builtin_type {
    const char *name;
    const char *description;
    const char *type;       /* v2's type, and v3's when oneof is NULL */
    const char *format;
    const char *oneof[2];   /* v3: oneOf these types, no type of its own */
} builtin_type;

static const builtin_type builtin_types[] = {
    {"io.k8s.apimachinery.pkg.apis.meta.v1.Time",
     "A point in time, serialized as an RFC 3339 string in UTC.", "string", "date-time", {NULL, NULL}},
    {"io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime",
     "A point in time with microsecond precision, serialized as RFC 3339.", "string", "date-time", {NULL, NULL}},
    {"io.k8s.apimachinery.pkg.api.resource.Quantity",
     "A fixed-point number with an optional SI or binary suffix, such as 100m or 1Gi.", "string", NULL,
     {"string", "number"}},
    {"io.k8s.apimachinery.pkg.util.intstr.IntOrString",
     "A value that is either an integer or a string.", "string", "int-or-string", {"integer", "string"}},
    {"io.k8s.apimachinery.pkg.runtime.RawExtension",
     "An embedded object whose fields are preserved as sent.", "object", NULL, {NULL, NULL}},
    {"io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1",
     "A set of fields, as a trie in JSON (the format of sigs.k8s.io/structured-merge-diff).", "object", NULL,
     {NULL, NULL}},
    {"io.k8s.apimachinery.pkg.apis.meta.v1.Patch",
     "A patch in one of the supported patch formats.", "object", NULL, {NULL, NULL}},
};

static cJSON *builtin_schema(const builtin_type *b, openapi_dialect d)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "description", b->description);
    if (b->format) cJSON_AddStringToObject(o, "format", b->format);
    if (d == OPENAPI_V3 && b->oneof[0]) {
        cJSON *one = cJSON_AddArrayToObject(o, "oneOf");
        for (int i = 0; i < 2; i++) {
            cJSON *t = cJSON_CreateObject();
            cJSON_AddStringToObject(t, "type", b->oneof[i]);
            cJSON_AddItemToArray(one, t);
        }
    } else {
        cJSON_AddStringToObject(o, "type", b->type);
    }
    return o;
}

/* ---- fields and types */

static cJSON *typed(const char *type, const char *format)
{
    cJSON *o = cJSON_CreateObject();
    if (format) cJSON_AddStringToObject(o, "format", format);
    cJSON_AddStringToObject(o, "type", type);
    return o;
}

static cJSON *value_schema(const schema_value *v, openapi_dialect d)
{
    cJSON *o;
    switch (v->kind) {
    case SV_STRING: case SV_DURATION: return typed("string", NULL);
    case SV_BYTES: return typed("string", "byte");
    case SV_BOOL: return typed("boolean", NULL);
    case SV_INT32: return typed("integer", "int32");
    case SV_INT64: return typed("integer", "int64");
    case SV_DOUBLE: return typed("number", "double");
    case SV_OBJECT: return openapi_ref(d, v->type ? v->type->name : "io.k8s.apimachinery.pkg.runtime.RawExtension");
    case SV_ARRAY:
        o = cJSON_CreateObject();
        cJSON_AddItemToObject(o, "items", v->elem ? value_schema(v->elem, d) : cJSON_CreateObject());
        cJSON_AddStringToObject(o, "type", "array");
        return o;
    case SV_MAP:
        o = cJSON_CreateObject();
        cJSON_AddItemToObject(o, "additionalProperties", v->elem ? value_schema(v->elem, d) : cJSON_CreateObject());
        cJSON_AddStringToObject(o, "type", "object");
        return o;
    default: {
        const char *b = schema_scalar_openapi_name(v->kind);
        return openapi_ref(d, b ? b : "io.k8s.apimachinery.pkg.runtime.RawExtension");
    }
    }
}

static cJSON *string_list(const char *const *v)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; v && v[i]; i++) cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
    return a;
}

/* v3: a reference with anything beside it (a default, a description) goes
 * into allOf, as kube-openapi writes it: JSON Schema ignores a $ref's
 * siblings, and kubectl's explain prints a field's description (then its
 * type's) from them. v2 keeps the siblings next to the $ref, as kube's
 * swagger does. */
static void wrap_reference(cJSON *o, openapi_dialect d)
{
    cJSON *ref = cJSON_GetObjectItemCaseSensitive(o, "$ref");
    if (d != OPENAPI_V3 || !ref || cJSON_GetArraySize(o) < 2) return;
    cJSON *target = cJSON_CreateObject();
    cJSON_AddItemToObject(target, "$ref", cJSON_DetachItemViaPointer(o, ref));
    cJSON *all = cJSON_CreateArray();
    cJSON_AddItemToArray(all, target);
    openapi_add_sorted(o, "allOf", all);
}

static cJSON *field_schema(const schema_field *f, openapi_dialect d)
{
    cJSON *o = value_schema(&f->value, d);
    if (d == OPENAPI_V3 && f->value.kind == SV_OBJECT && !(f->flags & SF_POINTER))
        openapi_add_sorted(o, "default", cJSON_CreateObject());
    if (f->description && *f->description) openapi_add_sorted(o, "description", cJSON_CreateString(f->description));
    if (f->enum_values) openapi_add_sorted(o, "enum", string_list(f->enum_values));
    if (f->list_type == LIST_ATOMIC) openapi_add_sorted(o, "x-kubernetes-list-type", cJSON_CreateString("atomic"));
    else if (f->list_type == LIST_SET) openapi_add_sorted(o, "x-kubernetes-list-type", cJSON_CreateString("set"));
    else if (f->list_type == LIST_MAP) {
        openapi_add_sorted(o, "x-kubernetes-list-map-keys", string_list(f->list_map_keys));
        openapi_add_sorted(o, "x-kubernetes-list-type", cJSON_CreateString("map"));
    }
    if (f->flags & SF_MAP_ATOMIC) openapi_add_sorted(o, "x-kubernetes-map-type", cJSON_CreateString("atomic"));
    if (f->patch_merge_key) openapi_add_sorted(o, "x-kubernetes-patch-merge-key", cJSON_CreateString(f->patch_merge_key));
    if (f->patch_strategy) openapi_add_sorted(o, "x-kubernetes-patch-strategy", cJSON_CreateString(f->patch_strategy));
    wrap_reference(o, d);
    return o;
}

static cJSON *type_schema(const schema_type *t, openapi_dialect d)
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
                openapi_add_sorted(props, in->fields[j].name, field_schema(&in->fields[j], d));
            continue;
        }
        openapi_add_sorted(props, f->name, field_schema(f, d));
        if (f->flags & SF_REQUIRED) cJSON_AddItemToArray(req, cJSON_CreateString(f->name));
    }
    cJSON_AddItemToObject(o, "properties", props);
    if (cJSON_GetArraySize(req) > 0) cJSON_AddItemToObject(o, "required", req);
    else cJSON_Delete(req);
    cJSON_AddStringToObject(o, "type", "object");
    if (t->kind) {
        cJSON *gvks = cJSON_CreateArray();
        cJSON_AddItemToArray(gvks, openapi_gvk(t->group, t->version, t->kind));
        cJSON_AddItemToObject(o, "x-kubernetes-group-version-kind", gvks);
    }
    if (t->flags & ST_ATOMIC) cJSON_AddStringToObject(o, "x-kubernetes-map-type", "atomic");
    return o;
}

/* ---- reachability: the types a document needs */

struct openapi_type_set {
    const schema_type *t[1024];
    int n;
};

openapi_type_set *openapi_type_set_new(void) { return kapi_xcalloc(1, sizeof(openapi_type_set)); }
void openapi_type_set_free(openapi_type_set *s) { free(s); }

static int set_has(const openapi_type_set *s, const schema_type *t)
{
    for (int i = 0; i < s->n; i++) if (s->t[i] == t) return 1;
    return 0;
}

static void collect_value(openapi_type_set *s, const schema_value *v);

void openapi_type_set_add(openapi_type_set *s, const schema_type *t)
{
    if (!t || set_has(s, t)) return;
    /* more types than any document has: the field schema grew; say so loudly */
    assert(s->n < (int)(sizeof s->t / sizeof s->t[0]));
    s->t[s->n++] = t;
    for (int i = 0; i < t->n_fields; i++) collect_value(s, &t->fields[i].value);
}

static void collect_value(openapi_type_set *s, const schema_value *v)
{
    if (!v) return;
    if (v->kind == SV_OBJECT) openapi_type_set_add(s, v->type);
    else if (v->kind == SV_ARRAY || v->kind == SV_MAP) collect_value(s, v->elem);
}

void openapi_type_set_add_common(openapi_type_set *s)
{
    static const char *const common[] = {
        "io.k8s.apimachinery.pkg.apis.meta.v1.Status", "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions",
        "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta", "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", NULL};
    for (int i = 0; common[i]; i++) openapi_type_set_add(s, schema_type_named(common[i]));
}

void openapi_add_type_schemas(cJSON *schemas, const openapi_type_set *s, openapi_dialect d)
{
    for (int i = 0; i < s->n; i++) openapi_add_sorted(schemas, s->t[i]->name, type_schema(s->t[i], d));
    for (size_t i = 0; i < sizeof builtin_types / sizeof builtin_types[0]; i++)
        openapi_add_sorted(schemas, builtin_types[i].name, builtin_schema(&builtin_types[i], d));
}

const schema_type *openapi_kind_schema(const kapi_resource *r)
{
    return r->schema_type ? schema_type_named(r->schema_type) : schema_kind(r->group, r->version, r->kind);
}

cJSON *openapi_list_schema(const kapi_resource *r, const schema_type *item, openapi_dialect d)
{
    return openapi_list_schema_named(r, item->name, d);
}

cJSON *openapi_list_schema_named(const kapi_resource *r, const char *item_name, openapi_dialect d)
{
    cJSON *o = cJSON_CreateObject();
    char text[200];
    snprintf(text, sizeof text, "A list of %s objects.", r->kind);
    cJSON_AddStringToObject(o, "description", text);
    cJSON *p = cJSON_AddObjectToObject(o, "properties");
    cJSON *s = cJSON_AddObjectToObject(p, "apiVersion");
    cJSON_AddStringToObject(s, "description", "The versioned schema of this representation of an object.");
    cJSON_AddStringToObject(s, "type", "string");
    cJSON *items = cJSON_AddObjectToObject(p, "items");
    cJSON_AddStringToObject(items, "description", "The objects of the list.");
    cJSON *ir = openapi_ref(d, item_name);
    if (d == OPENAPI_V3) cJSON_AddItemToObject(ir, "default", cJSON_CreateObject());
    cJSON_AddItemToObject(items, "items", ir);
    cJSON_AddStringToObject(items, "type", "array");
    s = cJSON_AddObjectToObject(p, "kind");
    cJSON_AddStringToObject(s, "description", "The kind of this object: a list.");
    cJSON_AddStringToObject(s, "type", "string");
    cJSON *m = openapi_ref(d, "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta");
    if (d == OPENAPI_V3) cJSON_AddItemToObject(m, "default", cJSON_CreateObject());
    cJSON_AddStringToObject(m, "description", "Standard list metadata.");
    cJSON_AddItemToObject(p, "metadata", m);
    cJSON *req = cJSON_AddArrayToObject(o, "required");
    cJSON_AddItemToArray(req, cJSON_CreateString("items"));
    cJSON_AddStringToObject(o, "type", "object");
    char kind[100];
    snprintf(kind, sizeof kind, "%sList", r->kind);
    cJSON *gvks = cJSON_AddArrayToObject(o, "x-kubernetes-group-version-kind");
    cJSON_AddItemToArray(gvks, openapi_gvk(r->group, r->version, kind));
    return o;
}

void openapi_group_camel(const kapi_resource *r, char *out, size_t n)
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

void openapi_tag(const kapi_resource *r, char *out, size_t n)
{
    snprintf(out, n, "%s_%s", r->group[0] ? r->group : "core", r->version);
    for (char *c = out; *c; c++) if (*c == '.') *c = '_';
}

void openapi_doc_finish(openapi_doc *d, cJSON *root)
{
    kapi_buf b;
    kapi_buf_init(&b);
    json_write(&b, root, 0);
    cJSON_Delete(root);
    unsigned char md[SHA512_DIGEST_LENGTH];
    SHA512((const unsigned char *)b.data, b.len, md);
    char *hex = kapi_xmalloc(SHA512_DIGEST_LENGTH * 2 + 1);
    for (int i = 0; i < SHA512_DIGEST_LENGTH; i++) snprintf(hex + 2 * i, 3, "%02X", md[i]);
    d->len = b.len;
    d->json = kapi_buf_steal(&b);
    d->hash = hex;
}

void openapi_doc_release(openapi_doc *d)
{
    free((char *)d->json);
    free((char *)d->hash);
    d->json = d->hash = NULL;
    d->len = 0;
}
