/* tables_columns.c: Tables of kinds whose printer columns are data
 * (kinds/resource.h printer_column; a CRD's additionalPrinterColumns), as
 * kube's custom resource table convertor builds them
 * (apiextensions-apiserver tableconvertor): a Name column, then one per
 * column with the value at its simple JSON path (".spec.replicas",
 * ".status.conditions[0].type"); a missing value is null; "date" cells are
 * the age ("5m"), other typed cells keep their JSON type, string cells
 * print the value as text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/json.h"
#include "codec/jsonpath.h"
#include "registry/tables_internal.h"

int table_columns_count(const kapi_resource *r)
{
    int n = 1;   /* Name */
    for (const printer_column *c = r->columns; c && c->name; c++) n++;
    return n;
}

static cJSON *definition(const char *name, const char *type, const char *format,
                         const char *description, int priority)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "name", name ? name : "");
    cJSON_AddStringToObject(d, "type", type ? type : "");
    cJSON_AddStringToObject(d, "format", format ? format : "");
    cJSON_AddStringToObject(d, "description", description ? description : "");
    cJSON_AddNumberToObject(d, "priority", priority);
    return d;
}

void table_columns_definitions(const kapi_resource *r, cJSON *defs)
{
    cJSON_AddItemToArray(defs, definition("Name", "string", "name", DOC_OBJECTMETA_NAME, 0));
    for (const printer_column *c = r->columns; c && c->name; c++)
        cJSON_AddItemToArray(defs, definition(c->name, c->type, c->format, c->description, c->priority));
}

/* kube's cellForJSONValue, and the JSONPath printer for string columns. */
static cJSON *cell(const printer_column *c, const cJSON *v, time_t now)
{
    if (!v || cJSON_IsNull(v)) return cJSON_CreateNull();
    const char *type = c->type ? c->type : "string";
    if (!strcmp(type, "string")) {
        if (cJSON_IsString(v)) return cJSON_CreateString(v->valuestring);
        kapi_buf b;
        kapi_buf_init(&b);
        json_write(&b, v, 0);
        kapi_buf_putc(&b, '\0');
        cJSON *s = cJSON_CreateString(b.data ? b.data : "");
        kapi_buf_free(&b);
        return s;
    }
    if (!strcmp(type, "integer") && cJSON_IsNumber(v)) return cJSON_CreateNumber((double)(long long)v->valuedouble);
    if (!strcmp(type, "number") && cJSON_IsNumber(v)) return cJSON_CreateNumber(v->valuedouble);
    if (!strcmp(type, "boolean") && cJSON_IsBool(v)) return cJSON_CreateBool(cJSON_IsTrue(v));
    if (!strcmp(type, "date") && cJSON_IsString(v)) {
        kube_time t = kube_time_parse(v->valuestring);
        if (!t.set && *v->valuestring) return cJSON_CreateString("<invalid>");
        char age[32];
        timestamp_since(t, now, age, sizeof age);
        return cJSON_CreateString(age);
    }
    return cJSON_CreateNull();
}

void table_columns_row(const kapi_resource *r, const cJSON *obj, cJSON *cells, time_t now)
{
    cell_name(cells, obj);
    for (const printer_column *c = r->columns; c && c->name; c++)
        cJSON_AddItemToArray(cells, cell(c, c->json_path ? json_at_indexed(obj, c->json_path) : NULL, now));
}
