/* structural.c: fuzzes the structural-schema validator (schema/structural*.c)
 * as CustomResourceDefinitions reach it: an openAPIV3Schema (any user who
 * may create CRDs writes it) compiled with kube's CRD-write checks, its
 * CEL rules and their static cost estimate, then a custom resource pruned, defaulted and validated
 * against it, with itself as the old object (transition rules run). The
 * input is the schema's JSON, a NUL, then the object's JSON; without a
 * second part the object is a small fixed one. Every step must end, with
 * errors or without, inside the bounds the validator keeps. */
#include <assert.h>
#include "codec/json.h"
#include "schema/structural.h"
#include "fuzz.h"

static const char fixed_object[] =
    "{\"apiVersion\":\"x.io/v1\",\"kind\":\"X\",\"metadata\":{\"name\":\"a\"},"
    "\"spec\":{\"replicas\":3,\"name\":\"web\",\"ports\":[{\"name\":\"http\",\"port\":80}],\"tags\":[\"a\",\"b\"]}}";

static void ignore(void *arg, const char *path)
{
    (void)arg;
    assert(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *schema_text, *object_text;
    fuzz_split(data, size, &schema_text, &object_text);
    char jerr[128];
    cJSON *schema = json_parse_strict(schema_text, strlen(schema_text), jerr, sizeof jerr);
    if (schema) {
        field_errors *errs = kapi_xcalloc(1, sizeof *errs);
        structural_schema *s = structural_compile(schema, "spec.versions[0].schema.openAPIV3Schema", errs);
        assert(s || errs->n > 0);
        if (s) structural_check_costs(s, "spec.versions[0].schema.openAPIV3Schema", errs);
        if (s) {
            cJSON *obj = NULL;
            if (object_text) obj = json_parse_strict(object_text, strlen(object_text), jerr, sizeof jerr);
            if (!obj) obj = cJSON_Parse(fixed_object);
            structural_prune(s, obj, ignore, NULL);
            structural_default(s, obj);
            cJSON *old = cJSON_Duplicate(obj, 1);
            memset(errs, 0, sizeof *errs);
            structural_validate(s, obj, NULL, errs);
            memset(errs, 0, sizeof *errs);
            structural_validate(s, obj, old, errs);
            cJSON_Delete(old);
            cJSON_Delete(obj);
            structural_free(s);
        }
        free(errs);
        cJSON_Delete(schema);
    }
    free(schema_text);
    free(object_text);
    return 0;
}
