/* schema_equal.c: semantic equality of JSON values by their schema type
 * (see schema_equal.h). It follows the forked reflect.DeepEqual kube uses
 * (third_party/forked/golang/reflect) with the Quantity equality
 * apiequality registers: nil and empty slices and maps are equal, a JSON
 * field left out is the Go zero value. */
#include <string.h>
#include "codec/quantity.h"
#include "schema/schema_equal.h"

static const cJSON *present(const cJSON *v) { return v && !cJSON_IsNull(v) ? v : NULL; }

static int empty_container(const cJSON *v)
{
    return !present(v) || ((cJSON_IsArray(v) || cJSON_IsObject(v)) && !v->child);
}

static int quantities_equal(const cJSON *a, const cJSON *b)
{
    quantity qa, qb;
    const char *err;
    if (quantity_from_json(a, &qa, &err) || quantity_from_json(b, &qb, &err)) return cJSON_Compare(a, b, 1);
    return quantity_cmp(&qa, &qb) == 0;
}

static int is_zero_quantity(const cJSON *v)
{
    quantity q;
    const char *err;
    return !quantity_from_json(v, &q, &err) && quantity_sign(&q) == 0;
}

static int int_or_string_equal(const cJSON *a, const cJSON *b)
{
    int sa = cJSON_IsString(a), sb = cJSON_IsString(b);
    if (sa != sb) return 0;
    if (sa) return !strcmp(a->valuestring, b->valuestring);
    double da = cJSON_IsNumber(a) ? a->valuedouble : 0, db = cJSON_IsNumber(b) ? b->valuedouble : 0;
    return da == db;
}

/* A value (not a pointer): the zero value stands for missing. */
static int values_equal(const schema_value *v, const cJSON *a, const cJSON *b)
{
    switch (v->kind) {
    case SV_STRING: case SV_BYTES: case SV_TIME: case SV_MICROTIME: case SV_DURATION: {
        const char *sa = cJSON_IsString(a) ? a->valuestring : "", *sb = cJSON_IsString(b) ? b->valuestring : "";
        return !strcmp(sa, sb);
    }
    case SV_BOOL:
        return cJSON_IsTrue(a) == cJSON_IsTrue(b);
    case SV_INT32: case SV_INT64: case SV_DOUBLE: {
        double da = cJSON_IsNumber(a) ? a->valuedouble : 0, db = cJSON_IsNumber(b) ? b->valuedouble : 0;
        return da == db;
    }
    case SV_OBJECT:
        return schema_objects_equal(v->type, a, b);
    case SV_ARRAY: {
        if (empty_container(a) || empty_container(b)) return empty_container(a) && empty_container(b);
        if (!cJSON_IsArray(a) || !cJSON_IsArray(b)) return cJSON_Compare(a, b, 1);
        const cJSON *x = a->child, *y = b->child;
        for (; x && y; x = x->next, y = y->next)
            if (!schema_equal(v->elem, 0, x, y)) return 0;
        return !x && !y;
    }
    case SV_MAP: {
        if (empty_container(a) || empty_container(b)) return empty_container(a) && empty_container(b);
        if (!cJSON_IsObject(a) || !cJSON_IsObject(b)) return cJSON_Compare(a, b, 1);
        if (cJSON_GetArraySize(a) != cJSON_GetArraySize(b)) return 0;
        const cJSON *x;
        cJSON_ArrayForEach(x, a) {
            const cJSON *y = cJSON_GetObjectItemCaseSensitive(b, x->string);
            if (!y || !schema_equal(v->elem, 0, x, y)) return 0;
        }
        return 1;
    }
    case SV_QUANTITY:
        if (!a || !b) return (!a || is_zero_quantity(a)) && (!b || is_zero_quantity(b));
        return quantities_equal(a, b);
    case SV_INT_OR_STRING:
        return int_or_string_equal(a, b);
    case SV_RAW: case SV_FIELDS_V1:
        if (!a || !b) return !a && !b;
        return cJSON_Compare(a, b, 1);
    }
    return cJSON_Compare(a, b, 1);
}

int schema_equal(const schema_value *v, unsigned flags, const cJSON *a, const cJSON *b)
{
    if (flags & SF_INLINE) return schema_objects_equal(v->type, a, b);
    a = present(a);
    b = present(b);
    if ((flags & SF_POINTER) && !(flags & SF_INTERNAL_VALUE)) {
        if (!a || !b) return !a && !b;
        if (v->kind == SV_OBJECT || v->kind == SV_QUANTITY) return values_equal(v, a, b);
        return cJSON_Compare(a, b, 1);
    }
    return values_equal(v, a, b);
}

int schema_objects_equal(const schema_type *t, const cJSON *a, const cJSON *b)
{
    if (!t) return cJSON_Compare(a, b, 1);
    a = cJSON_IsObject(a) ? a : NULL;
    b = cJSON_IsObject(b) ? b : NULL;
    for (int i = 0; i < t->n_internal; i++) {
        const schema_field *f = t->internal_fields[i];
        const cJSON *x = f->flags & SF_INLINE ? a : cJSON_GetObjectItemCaseSensitive(a, f->name);
        const cJSON *y = f->flags & SF_INLINE ? b : cJSON_GetObjectItemCaseSensitive(b, f->name);
        if (!schema_equal(&f->value, f->flags, x, y)) return 0;
    }
    return 1;
}
