/* fielderr.c: collects field errors and turns them into kube-apiserver's
 * 422 Invalid Status (apierrors.NewInvalid). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/fielderr.h"
#include "core/goquote.h"
#include "core/status.h"

static const char *const type_reason[] = {
    "FieldValueNotFound", "FieldValueRequired", "FieldValueDuplicate", "FieldValueInvalid",
    "FieldValueNotSupported", "FieldValueForbidden", "FieldValueTooLong", "FieldValueTooMany",
    "InternalError", "FieldValueTypeInvalid",
};
static const char *const type_text[] = {
    "Not found", "Required value", "Duplicate value", "Invalid value", "Unsupported value",
    "Forbidden", "Too long", "Too many", "Internal error", "Invalid value",
};

static void add(field_errors *errs, field_error_type type, const char *field,
                const char *value_text, const char *detail)
{
    if (errs->n >= FIELD_ERRORS_MAX) return;
    field_error *e = &errs->e[errs->n++];
    e->type = type;
    snprintf(e->field, sizeof e->field, "%s", field ? field : "");
    int omit = type == FIELD_REQUIRED || type == FIELD_FORBIDDEN || type == FIELD_TOO_LONG ||
               type == FIELD_INTERNAL || value_text == NULL;
    char *out = errs->text + errs->used;
    size_t room = sizeof errs->text - errs->used;
    int n;
    if (omit) n = snprintf(out, room, "%s", type_text[type]);
    else n = snprintf(out, room, "%s: %s", type_text[type], value_text);
    size_t l = n < 0 ? 0 : (size_t)n < room ? (size_t)n : room ? room - 1 : 0;
    if (detail && *detail && l + 1 < room) {
        n = snprintf(out + l, room - l, ": %s", detail);
        if (n > 0) l += (size_t)n < room - l ? (size_t)n : room - l - 1;
    }
    e->body = room ? out : "";
    errs->used += room ? l + 1 : 0;
}

void field_error_add_str(field_errors *errs, field_error_type type, const char *field,
                         const char *bad_value, const char *detail)
{
    char q[768];
    if (bad_value) go_quote_to(q, sizeof q, bad_value, strlen(bad_value));
    add(errs, type, field, bad_value ? q : NULL, detail);
}

void field_error_add_int(field_errors *errs, field_error_type type, const char *field, int64_t bad_value,
                         const char *detail)
{
    cJSON n = {0};
    n.type = cJSON_Number;
    n.valuedouble = (double)bad_value;
    n.valueint = (int)bad_value;
    field_error_add(errs, type, field, &n, detail);
}

void field_error_add(field_errors *errs, field_error_type type, const char *field,
                     const cJSON *bad_value, const char *detail)
{
    char v[768];
    const char *text = NULL;
    if (bad_value) {
        if (cJSON_IsString(bad_value)) { go_quote_to(v, sizeof v, bad_value->valuestring, strlen(bad_value->valuestring)); text = v; }
        else if (cJSON_IsBool(bad_value)) text = cJSON_IsTrue(bad_value) ? "true" : "false";
        else if (cJSON_IsNumber(bad_value)) {
            double d = bad_value->valuedouble;
            if (d == (double)(long long)d) snprintf(v, sizeof v, "%lld", (long long)d);
            else snprintf(v, sizeof v, "%g", d);
            text = v;
        } else if (cJSON_IsNull(bad_value)) text = "null";
        else if (cJSON_IsRaw(bad_value)) text = bad_value->valuestring;   /* printed already, whole */
        else {
            char *p = cJSON_PrintUnformatted(bad_value);
            snprintf(v, sizeof v, "%s", p ? p : "");
            cJSON_free(p);
            text = v;
        }
    }
    add(errs, type, field, text, detail);
}

void field_error_not_supported(field_errors *errs, const char *field, const char *bad_value,
                               const char *const *supported)
{
    char detail[512] = "supported values: ";
    size_t l = strlen(detail);
    for (int i = 0; supported && supported[i]; i++) {
        if (i) l += (size_t)snprintf(detail + l, l < sizeof detail ? sizeof detail - l : 0, ", ");
        if (l < sizeof detail) {
            go_quote_to(detail + l, sizeof detail - l, supported[i], strlen(supported[i]));
            l += strlen(detail + l);
        }
    }
    field_error_add_str(errs, FIELD_NOT_SUPPORTED, field, bad_value, detail);
}

void field_error_string(const field_error *e, char *out, size_t n)
{
    if (e->field[0]) snprintf(out, n, "%s: %s", e->field, e->body);
    else snprintf(out, n, "%s", e->body);
}

/* kube's ErrorList.ToAggregate() drops repeated messages; causes keep all. */
static int seen_before(const field_errors *errs, int i)
{
    for (int j = 0; j < i; j++)
        if (!strcmp(errs->e[j].field, errs->e[i].field) && !strcmp(errs->e[j].body, errs->e[i].body))
            return 1;
    return 0;
}

cJSON *field_errors_status(const field_errors *errs, const char *group, const char *kind,
                           const char *name)
{
    kapi_buf msg;
    kapi_buf_init(&msg);
    if (group && *group) kapi_buf_printf(&msg, "%s.%s ", kind, group);
    else kapi_buf_printf(&msg, "%s ", kind);
    char q[512];
    go_quote_to(q, sizeof q, name ? name : "", name ? strlen(name) : 0);
    kapi_buf_printf(&msg, "%s is invalid: ", q);
    int distinct = 0;
    for (int i = 0; i < errs->n; i++) distinct += !seen_before(errs, i);
    if (distinct > 1) kapi_buf_putc(&msg, '[');
    int first = 1;
    for (int i = 0; i < errs->n; i++) {
        if (seen_before(errs, i)) continue;
        if (!first) kapi_buf_puts(&msg, ", ");
        first = 0;
        if (errs->e[i].field[0]) kapi_buf_printf(&msg, "%s: ", errs->e[i].field);
        kapi_buf_puts(&msg, errs->e[i].body);
    }
    if (distinct > 1) kapi_buf_putc(&msg, ']');
    char *text = kapi_buf_steal(&msg);
    cJSON *st = status_new(KAPI_INVALID, text ? text : "invalid");
    free(text);
    cJSON *details = cJSON_AddObjectToObject(st, "details");
    if (name && *name) cJSON_AddStringToObject(details, "name", name);
    if (group && *group) cJSON_AddStringToObject(details, "group", group);
    cJSON_AddStringToObject(details, "kind", kind);
    cJSON *causes = cJSON_AddArrayToObject(details, "causes");
    for (int i = 0; i < errs->n; i++) {
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "reason", type_reason[errs->e[i].type]);
        cJSON_AddStringToObject(c, "message", errs->e[i].body);
        cJSON_AddStringToObject(c, "field", errs->e[i].field);
        cJSON_AddItemToArray(causes, c);
    }
    status_reorder_code_last(st);
    return st;
}
