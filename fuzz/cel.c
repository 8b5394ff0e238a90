/* cel.c: fuzzes the CEL evaluator (fcgi/cel) as CRD validation rules will
 * reach it: a rule's text from a CustomResourceDefinition (any user who may
 * create CRDs writes it) compiled, then evaluated against a custom
 * resource's fields. The input is the rule, then optionally a NUL and a JSON
 * document used as self (and, a second time, as oldSelf); without one, self
 * is a small fixed object. Every evaluation must end within the cost budget
 * with a result or an error. */
#include <assert.h>
#include "cel/cel.h"
#include "codec/json.h"
#include "fuzz.h"

static const char fixed_self[] =
    "{\"replicas\":3,\"name\":\"web\",\"labels\":{\"app\":\"web\"},"
    "\"ports\":[80,443],\"ratio\":0.5,\"enabled\":true,\"items\":[{\"k\":\"a\"},{\"k\":\"b\"}]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *rule, *doc;
    fuzz_split(data, size, &rule, &doc);
    cel_program *p = NULL;
    char *err = NULL;
    if (cel_compile(rule, &p, &err) == 0) {
        char jerr[128];
        cJSON *self = NULL;
        if (doc) self = json_parse_strict(doc, strlen(doc), jerr, sizeof jerr);
        if (!self) self = cJSON_Parse(fixed_self);
        cel_result res;
        cel_eval(p, self, self, CEL_PER_CALL_LIMIT, &res);
        assert(res.kind != CEL_RESULT_ERROR || res.text);
        free(res.text);
        cel_eval_optional_old_self(p, self, NULL, CEL_PER_CALL_LIMIT, &res);
        free(res.text);
        cJSON_Delete(self);
        cel_program_free(p);
    } else {
        assert(err);
        free(err);
    }
    free(rule);
    free(doc);
    return 0;
}
