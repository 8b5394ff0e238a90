/* schema_normalize.c: a Go round trip of a JSON object, driven by the
 * field schema (see schema_normalize.h). The rules are encoding/json's:
 * omitempty leaves out "", 0, false, nil and empty lists and maps, never a
 * struct; a pointer is written when set; resource.Quantity and metav1.Time
 * are structs with their own MarshalJSON. */
#include <string.h>
#include "codec/quantity.h"
#include "schema/schema_normalize.h"

static void normalize_value(const schema_value *v, cJSON *holder, cJSON *item);

static int is_zero_scalar(const cJSON *v)
{
    if (cJSON_IsString(v)) return !*v->valuestring;
    if (cJSON_IsBool(v)) return !cJSON_IsTrue(v);
    if (cJSON_IsNumber(v)) return v->valuedouble == 0;
    return 0;
}

/* Replaces holder's item (an object member or an array element) by repl. */
static cJSON *replace(cJSON *holder, cJSON *item, cJSON *repl)
{
    if (!repl) return item;
    if (item->string) cJSON_ReplaceItemInObjectCaseSensitive(holder, item->string, repl);
    else cJSON_ReplaceItemViaPointer(holder, item, repl);
    return repl;
}

static void set_member(cJSON *obj, const char *key, cJSON *value)
{
    if (!value) return;
    if (cJSON_GetObjectItemCaseSensitive(obj, key)) cJSON_ReplaceItemInObjectCaseSensitive(obj, key, value);
    else cJSON_AddItemToObject(obj, key, value);
}

static void canonical_quantity(cJSON *holder, cJSON *item)
{
    char text[64];
    if (quantity_canonical_json(item, text, sizeof text)) return;   /* not a quantity: left alone */
    if (!cJSON_IsString(item) || strcmp(item->valuestring, text)) replace(holder, item, cJSON_CreateString(text));
}

/* The zero value Go writes for a field that is absent or null and is not
 * left out, or NULL when it is left out. */
static cJSON *written_zero(const schema_field *f)
{
    int omit = f->flags & SF_OMITEMPTY;
    if (f->flags & SF_POINTER) return NULL;
    switch (f->value.kind) {
    case SV_OBJECT: return cJSON_CreateObject();
    case SV_QUANTITY: return cJSON_CreateString("0");
    case SV_TIME: case SV_MICROTIME: return cJSON_CreateNull();
    case SV_INT_OR_STRING: return omit ? NULL : cJSON_CreateNumber(0);
    case SV_STRING: case SV_BYTES: case SV_DURATION: return omit ? NULL : cJSON_CreateString("");
    case SV_BOOL: return omit ? NULL : cJSON_CreateFalse();
    case SV_INT32: case SV_INT64: case SV_DOUBLE: return omit ? NULL : cJSON_CreateNumber(0);
    default: return NULL;   /* lists and maps: absent stays absent */
    }
}

static void normalize_field(const schema_field *f, cJSON *obj)
{
    if (f->flags & SF_INLINE) {
        const schema_type *t = f->value.type;
        for (int i = 0; t && i < t->n_fields; i++) normalize_field(&t->fields[i], obj);
        return;
    }
    cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, f->name);
    int omit = f->flags & SF_OMITEMPTY, missing = !v || cJSON_IsNull(v);
    schema_value_kind k = f->value.kind;
    if (k == SV_RAW || k == SV_FIELDS_V1) {
        if (v && cJSON_IsNull(v) && omit) cJSON_DeleteItemFromObjectCaseSensitive(obj, f->name);
        return;
    }
    if (missing) {
        if (f->flags & SF_POINTER) {
            if (v && omit) cJSON_DeleteItemFromObjectCaseSensitive(obj, f->name);
            return;
        }
        if (k == SV_ARRAY || k == SV_MAP) {
            if (v && omit) cJSON_DeleteItemFromObjectCaseSensitive(obj, f->name);
            return;
        }
        cJSON *zero = written_zero(f);
        if (zero) set_member(obj, f->name, zero);
        else if (v) cJSON_DeleteItemFromObjectCaseSensitive(obj, f->name);
        if (!zero || k != SV_OBJECT) return;
        v = zero;
    }
    if (omit && !(f->flags & SF_POINTER)) {
        int empty = (k == SV_ARRAY && cJSON_IsArray(v) && !v->child) ||
                    (k == SV_MAP && cJSON_IsObject(v) && !v->child) ||
                    ((k == SV_STRING || k == SV_BOOL || k == SV_INT32 || k == SV_INT64 ||
                      k == SV_DOUBLE || k == SV_BYTES) && is_zero_scalar(v));
        if (empty) { cJSON_DeleteItemFromObjectCaseSensitive(obj, f->name); return; }
    }
    normalize_value(&f->value, obj, v);
}

static void normalize_value(const schema_value *v, cJSON *holder, cJSON *item)
{
    switch (v->kind) {
    case SV_OBJECT:
        if (cJSON_IsObject(item) && v->type) schema_normalize(v->type, item);
        return;
    case SV_QUANTITY:
        canonical_quantity(holder, item);
        return;
    case SV_ARRAY:
        if (!cJSON_IsArray(item)) return;
        for (cJSON *e = item->child, *next; e; e = next) {
            next = e->next;   /* e may be replaced */
            if (cJSON_IsNull(e)) {   /* a null element decodes to the element's zero value */
                if (v->elem->kind == SV_OBJECT) e = replace(item, e, cJSON_CreateObject());
                else if (v->elem->kind == SV_STRING) e = replace(item, e, cJSON_CreateString(""));
                else continue;
            }
            normalize_value(v->elem, item, e);
        }
        return;
    case SV_MAP:
        if (!cJSON_IsObject(item)) return;
        for (cJSON *e = item->child, *next; e; e = next) {
            next = e->next;   /* e may be replaced */
            if (cJSON_IsNull(e)) {
                if (v->elem->kind == SV_QUANTITY) e = replace(item, e, cJSON_CreateString("0"));
                else if (v->elem->kind == SV_STRING) e = replace(item, e, cJSON_CreateString(""));
                else if (v->elem->kind == SV_OBJECT) e = replace(item, e, cJSON_CreateObject());
                else continue;
            }
            normalize_value(v->elem, item, e);
        }
        return;
    default:
        return;
    }
}

static const schema_field *declared(const schema_type *t, const char *name)
{
    const schema_field *f = schema_field_named(t, name);
    return f && !(f->flags & SF_INTERNAL_ONLY) ? f : NULL;
}

/* Moves obj's members into Go struct order (inlined structs in place). */
static void collect_in_order(const schema_type *t, cJSON *from, cJSON *to)
{
    for (int i = 0; i < t->n_fields; i++) {
        const schema_field *f = &t->fields[i];
        if (f->flags & SF_INLINE) {
            if (f->value.type) collect_in_order(f->value.type, from, to);
            continue;
        }
        cJSON *item = cJSON_DetachItemFromObjectCaseSensitive(from, f->name);
        if (item) cJSON_AddItemToObject(to, item->string, item);
    }
}

void schema_normalize(const schema_type *t, cJSON *obj)
{
    if (!t || !cJSON_IsObject(obj)) return;
    for (cJSON *item = obj->child; item;) {   /* what the Go struct does not declare */
        cJSON *next = item->next;
        if (!item->string || !declared(t, item->string)) cJSON_Delete(cJSON_DetachItemViaPointer(obj, item));
        item = next;
    }
    for (int i = 0; i < t->n_fields; i++) normalize_field(&t->fields[i], obj);
    cJSON ordered = {0};   /* a scratch object holding the members in order */
    ordered.type = cJSON_Object;
    collect_in_order(t, obj, &ordered);
    while (obj->child) {   /* none are left (unknown ones were dropped); kept if ever */
        cJSON *item = cJSON_DetachItemViaPointer(obj, obj->child);
        cJSON_AddItemToObject(&ordered, item->string, item);
    }
    obj->child = ordered.child;
}
