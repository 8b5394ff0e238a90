/* test_cel_conformance.c: google/cel-spec's conformance tests (the core
 * language) run against fcgi/cel. The tests come from
 * tests/unit/data/cel-spec/NAME.json (made by scripts/cel-spec-to-json, see
 * the README there); each file prints how many of its tests pass, and
 * fails only when that count drops below the floor recorded here, so a
 * regression shows while work on the rest goes on. Raise a floor when
 * more tests pass. Set CEL_CONFORMANCE_VERBOSE=1 to list the failures. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include "core/alloc.h"
#include "core/kapi.h"
#include "cel/cel.h"
#include "cel/cel_int.h"

/* Same kinds all the way down and equal values (NaN equals NaN here). */
static bool strictly_equal(const cel_val *a, const cel_val *b)
{
    if (a->kind != b->kind) return false;
    switch (a->kind) {
    case CV_DOUBLE: return (isnan(a->u.d) && isnan(b->u.d)) || a->u.d == b->u.d;
    case CV_LIST:
        if (a->u.list->n != b->u.list->n) return false;
        for (size_t i = 0; i < a->u.list->n; i++)
            if (!strictly_equal(&a->u.list->items[i], &b->u.list->items[i])) return false;
        return true;
    case CV_MAP:
        if (a->u.map->n != b->u.map->n) return false;
        for (size_t i = 0; i < a->u.map->n; i++) {
            bool found = false;
            for (size_t j = 0; j < b->u.map->n && !found; j++)
                if (strictly_equal(&a->u.map->keys[i], &b->u.map->keys[j])) {
                    if (!strictly_equal(&a->u.map->vals[i], &b->u.map->vals[j])) return false;
                    found = true;
                }
            if (!found) return false;
        }
        return true;
    case CV_OPTIONAL:
        if (!a->u.opt || !b->u.opt) return !a->u.opt && !b->u.opt;
        return strictly_equal(a->u.opt, b->u.opt);
    default: return cel_equal_bool(a, b);
    }
}

/* Compiles and runs one expression with vars; *err set for a compile error. */
static cel_val run(cel_ctx *c, const char *expr, const char *const *names, size_t n, bool lenient, char **err)
{
    cel_program *p;
    if (cel_compile_vars(expr, names, n, lenient, &p, err)) return cel_error(c, "compile error");
    cel_val v = cel_run(c, p);
    /* the values may point into the program's literals: keep it until the
     * pool ends */
    kapi_pool_on_cleanup(c->pool, (void (*)(void *))cel_program_free, p);
    return v;
}

static bool run_one(const cJSON *t, char *why, size_t whylen)
{
    const char *expr = cJSON_GetStringValue(cJSON_GetObjectItem(t, "expr"));
    if (cJSON_GetObjectItem(t, "skip")) {
        snprintf(why, whylen, "not convertible: %s", cJSON_GetStringValue(cJSON_GetObjectItem(t, "skip")));
        return false;
    }
    cel_ctx c = {.pool = kapi_pool_new(), .budget = INT64_MAX / 2};
    const cJSON *vars = cJSON_GetObjectItem(t, "vars"), *bindings = cJSON_GetObjectItem(t, "bindings");
    size_t n = (size_t)cJSON_GetArraySize(vars);
    const char **names = kapi_palloc(c.pool, (n + 1) * sizeof *names);
    cel_var *values = kapi_palloc(c.pool, (n + 1) * sizeof *values);
    size_t n_values = 0;
    for (size_t i = 0; i < n; i++) names[i] = cJSON_GetArrayItem(vars, (int)i)->valuestring;
    bool ok = false;
    char *err = NULL;
    for (const cJSON *b = bindings ? bindings->child : NULL; b; b = b->next) {
        cel_val v = run(&c, b->valuestring, NULL, 0, false, &err);
        if (err || v.kind == CV_ERROR) {
            snprintf(why, whylen, "binding %s = %s: %s", b->string, b->valuestring, err ? err : v.u.err);
            goto out;
        }
        values[n_values++] = (cel_var){b->string, v};
    }
    c.vars = values;
    c.n_vars = n_values;
    cel_val got = run(&c, expr, names, n, cJSON_IsTrue(cJSON_GetObjectItem(t, "disable_check")), &err);
    bool want_error = cJSON_IsTrue(cJSON_GetObjectItem(t, "error"));
    if (want_error) {
        ok = err || got.kind == CV_ERROR;
        if (!ok) snprintf(why, whylen, "want an error, got %s", cel_format_value(&c, &got));
        goto out;
    }
    if (err) { snprintf(why, whylen, "%s", err); goto out; }
    const char *expect = cJSON_GetStringValue(cJSON_GetObjectItem(t, "expect"));
    c.n_vars = 0;
    cel_val want = run(&c, expect, NULL, 0, false, &err);
    if (err || want.kind == CV_ERROR) { snprintf(why, whylen, "expected value %s: %s", expect, err ? err : want.u.err); goto out; }
    ok = strictly_equal(&got, &want);
    if (!ok) snprintf(why, whylen, "got %s (%s), want %s", cel_format_value(&c, &got), cel_type_name(&got), expect);
out:
    free(err);
    kapi_pool_free(c.pool);
    return ok;
}

static void run_file(const char *name, int floor)
{
    char path[256];
    snprintf(path, sizeof path, "tests/unit/data/cel-spec/%s.json", name);
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = kapi_xmalloc((size_t)size + 1);
    size_t got = fread(text, 1, (size_t)size, f);
    text[got] = 0;
    fclose(f);
    cJSON *doc = cJSON_Parse(text);
    free(text);
    assert_non_null(doc);
    const cJSON *tests = cJSON_GetObjectItem(doc, "tests");
    int total = 0, passed = 0;
    bool verbose = getenv("CEL_CONFORMANCE_VERBOSE") != NULL;
    for (const cJSON *t = tests->child; t; t = t->next) {
        char why[1024] = "";
        total++;
        if (run_one(t, why, sizeof why)) passed++;
        else if (verbose)
            printf("  FAIL %s/%s/%s: %s\n    %s\n", name, cJSON_GetStringValue(cJSON_GetObjectItem(t, "section")),
                   cJSON_GetStringValue(cJSON_GetObjectItem(t, "name")), cJSON_GetStringValue(cJSON_GetObjectItem(t, "expr")), why);
    }
    printf("cel-spec %-16s %4d of %4d pass (floor %d)\n", name, passed, total, floor);
    cJSON_Delete(doc);
    if (passed < floor) fail_msg("%s: %d tests pass, below the floor of %d", name, passed, floor);
}

/* One test per file, with its floor. */
#define CONFORMANCE(file, floor) \
    static void test_##file(void **state) { (void)state; run_file(#file, floor); }
#define CONFORMANCE_FILES(X) \
    X(basic, 43) X(comparisons, 325) X(conversions, 109) X(fields, 60) X(fp_math, 30) X(integer_math, 64) \
    X(lists, 39) X(logic, 30) X(macros, 44) X(macros2, 46) X(parse, 193) X(plumbing, 5) X(string, 51) \
    X(string_ext, 216) X(timestamps, 78) X(optionals, 59) X(dynamic, 18) X(type_deduction, 12) X(namespace, 3)
CONFORMANCE_FILES(CONFORMANCE)

int main(void)
{
    kapi_alloc_init();
#define ENTRY(file, floor) cmocka_unit_test(test_##file),
    const struct CMUnitTest tests[] = {CONFORMANCE_FILES(ENTRY)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
