/* structural.c: the first cut of schema/structural.h: a compiled schema is
 * a private copy of the openAPIV3Schema; pruning, defaulting and
 * validation read it. This cut only checks that the schema is an object
 * with type: object at the root; the full rules replace it. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/alloc.h"
#include "schema/structural.h"

struct structural_schema {
    cJSON *schema;   /* own copy */
};

structural_schema *structural_compile(const cJSON *schema, const char *path, field_errors *errs)
{
    assert(path && errs);
    const cJSON *type = cJSON_IsObject(schema) ? cJSON_GetObjectItemCaseSensitive(schema, "type") : NULL;
    if (!cJSON_IsString(type) || strcmp(type->valuestring, "object")) {
        char field[256];
        snprintf(field, sizeof field, "%s.type", path);
        field_error_add_str(errs, FIELD_INVALID, field, cJSON_IsString(type) ? type->valuestring : "",
                            "must be object at the root");
        return NULL;
    }
    structural_schema *s = kapi_xcalloc(1, sizeof *s);
    s->schema = cJSON_Duplicate(schema, 1);
    return s;
}

void structural_free(structural_schema *s)
{
    if (!s) return;
    cJSON_Delete(s->schema);
    free(s);
}

void structural_prune(const structural_schema *s, cJSON *obj, void (*on_unknown)(void *arg, const char *path),
                      void *arg)
{
    (void)s; (void)obj; (void)on_unknown; (void)arg;
}

void structural_default(const structural_schema *s, cJSON *obj)
{
    (void)s; (void)obj;
}

int structural_validate(const structural_schema *s, const cJSON *obj, const cJSON *old, field_errors *errs)
{
    (void)s; (void)obj; (void)old; (void)errs;
    return 0;
}
