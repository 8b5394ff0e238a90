/* schema.c: the program's one schema, parsed on first use from the embedded
 * files, and the lookups every reader uses (kinds, types, fields by name or
 * protobuf number, Go type names for decoding errors). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "schema/schema_internal.h"

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static schema_set *the_set;
static int load_result = -1;

static void load_now(void)
{
    char err[600];
    the_set = schema_set_parse(schema_sources, schema_n_sources, err, sizeof err);
    if (!the_set) {
        fprintf(stderr, "kapi: schema: %s\n", err);
        load_result = -1;
        return;
    }
    load_result = 0;
}

int schema_load(void)
{
    pthread_once(&load_once, load_now);
    return load_result;
}

const schema_type *schema_kind(const char *group, const char *version, const char *kind)
{
    if (!group || !version || !kind || schema_load()) return NULL;
    return schema_set_kind(the_set, group, version, kind);
}

const schema_type *schema_kind_named(const char *kind)
{
    if (!kind || schema_load()) return NULL;
    return schema_set_kind(the_set, NULL, NULL, kind);
}

const schema_type *schema_type_named(const char *name)
{
    if (!name || schema_load()) return NULL;
    return schema_set_type(the_set, name);
}

const schema_type *const *schema_all_types(int *n)
{
    if (schema_load()) {
        *n = 0;
        return NULL;
    }
    return schema_set_types(the_set, n);
}

static const schema_field *field_named(const schema_type *t, const char *name, int depth)
{
    if (!t || depth > 8) return NULL;
    for (int i = 0; i < t->n_fields; i++) {
        const schema_field *f = &t->fields[i];
        if (f->flags & SF_INLINE) {
            const schema_field *g = field_named(f->value.type, name, depth + 1);
            if (g) return g;
        } else if (!strcmp(f->name, name)) {
            return f;
        }
    }
    return NULL;
}

const schema_field *schema_field_named(const schema_type *t, const char *name)
{
    return name ? field_named(t, name, 0) : NULL;
}

const schema_field *schema_field_numbered(const schema_type *t, int number)
{
    if (!t || number <= 0) return NULL;
    for (int i = 0; i < t->n_fields; i++)
        if (t->fields[i].proto_number == number) return &t->fields[i];
    return NULL;
}

const char *schema_scalar_openapi_name(schema_value_kind kind)
{
    switch (kind) {
    case SV_TIME: return "io.k8s.apimachinery.pkg.apis.meta.v1.Time";
    case SV_MICROTIME: return "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime";
    case SV_QUANTITY: return "io.k8s.apimachinery.pkg.api.resource.Quantity";
    case SV_INT_OR_STRING: return "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
    case SV_RAW: return "io.k8s.apimachinery.pkg.runtime.RawExtension";
    case SV_FIELDS_V1: return "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1";
    default: return NULL;
    }
}

const char *schema_go_type(const schema_field *f, const schema_value *v, char *buf, size_t n)
{
    if (!n) return buf;
    if (f && f->go_type) {
        snprintf(buf, n, "%s", f->go_type);
        return buf;
    }
    if (!v && f) v = &f->value;
    if (!v) {
        snprintf(buf, n, "interface {}");
        return buf;
    }
    char inner[256];
    switch (v->kind) {
    case SV_STRING: snprintf(buf, n, "string"); break;
    case SV_BYTES: snprintf(buf, n, "[]uint8"); break;
    case SV_BOOL: snprintf(buf, n, "bool"); break;
    case SV_INT32: snprintf(buf, n, "int32"); break;
    case SV_INT64: snprintf(buf, n, "int64"); break;
    case SV_DOUBLE: snprintf(buf, n, "float64"); break;
    case SV_OBJECT:
        snprintf(buf, n, "%s.%s", v->type ? v->type->go_package : "v1",
                 v->type ? v->type->short_name : "?");
        break;
    case SV_ARRAY:
        snprintf(buf, n, "[]%s", schema_go_type(NULL, v->elem, inner, sizeof inner));
        break;
    case SV_MAP:
        snprintf(buf, n, "map[string]%s", schema_go_type(NULL, v->elem, inner, sizeof inner));
        break;
    case SV_TIME: snprintf(buf, n, "v1.Time"); break;
    case SV_MICROTIME: snprintf(buf, n, "v1.MicroTime"); break;
    case SV_DURATION: snprintf(buf, n, "v1.Duration"); break;
    case SV_QUANTITY: snprintf(buf, n, "resource.Quantity"); break;
    case SV_INT_OR_STRING: snprintf(buf, n, "intstr.IntOrString"); break;
    case SV_RAW: snprintf(buf, n, "runtime.RawExtension"); break;
    case SV_FIELDS_V1: snprintf(buf, n, "v1.FieldsV1"); break;
    }
    return buf;
}
