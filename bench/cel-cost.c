/* cel-cost.c: the cost of a CRD's CEL rules per object, for `make bench`.
 * Compiles the storage version's openAPIV3Schema of a CRD twice (as it is,
 * and with every x-kubernetes-validations removed) with libkapi.a's
 * structural-schema code, then validates the same object with each in
 * interleaved rounds and prints the median time per object of both, their
 * difference (the CEL rules' cost) and ratio, as one parsable line:
 *
 *   cel-cost CRD.yaml OBJECT.json [ROUNDS] [SECONDS_PER_ROUND]
 *   CEL crd=<name> rules=N with_us=X without_us=Y cel_us=X-Y ratio=X/Y
 *
 * The object is defaulted by the schema, as a write is, and must then be
 * valid (it is checked first), so every rule runs to the end, as it does
 * for a write kapi accepts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cjson/cJSON.h>

#include "codec/fielderr.h"
#include "codec/yaml.h"
#include "core/kapi.h"
#include "schema/structural.h"

static char *read_all(const char *path, size_t *len)
{
    kapi_buf b;
    kapi_buf_init(&b);
    if (kapi_buf_read_file(&b, path)) {
        kapi_buf_free(&b);
        return NULL;
    }
    *len = b.len;
    return kapi_buf_steal(&b);
}

/* Removes every x-kubernetes-validations below v; returns how many rules
 * they held. */
static int strip_rules(cJSON *v)
{
    int n = 0;
    if (!cJSON_IsObject(v) && !cJSON_IsArray(v)) return 0;
    cJSON *rules = cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, "x-kubernetes-validations") : NULL;
    if (rules) {
        n += cJSON_GetArraySize(rules);
        cJSON_DeleteItemFromObjectCaseSensitive(v, "x-kubernetes-validations");
    }
    cJSON *c;
    cJSON_ArrayForEach(c, v) n += strip_rules(c);
    return n;
}

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Microseconds per validation of obj with s, over about secs seconds. */
static double per_object_us(const structural_schema *s, const cJSON *obj, double secs)
{
    field_errors *errs = malloc(sizeof *errs);
    if (!errs) return -1;
    long n = 0;
    double t0 = now_us(), t = t0;
    while (t - t0 < secs * 1e6) {
        for (int i = 0; i < 20; i++, n++) {
            errs->n = 0;
            errs->used = 0;
            structural_validate(s, obj, NULL, errs);
        }
        t = now_us();
    }
    free(errs);
    return (t - t0) / (double)n;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, compare_doubles);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static structural_schema *compile_or_die(const cJSON *schema, const char *what)
{
    field_errors *errs = calloc(1, sizeof *errs);
    structural_schema *s = errs ? structural_compile(schema, "openAPIV3Schema", errs) : NULL;
    if (!s || errs->n) {
        char line[512];
        for (int i = 0; errs && i < errs->n; i++) {
            field_error_string(&errs->e[i], line, sizeof line);
            fprintf(stderr, "cel-cost: %s: %s\n", what, line);
        }
        fprintf(stderr, "cel-cost: %s does not compile\n", what);
        exit(1);
    }
    free(errs);
    return s;
}

static void valid_or_die(const structural_schema *s, const cJSON *obj, const char *what)
{
    field_errors *errs = calloc(1, sizeof *errs);
    if (!errs) exit(1);
    structural_validate(s, obj, NULL, errs);
    if (errs->n) {
        char line[512];
        for (int i = 0; i < errs->n; i++) {
            field_error_string(&errs->e[i], line, sizeof line);
            fprintf(stderr, "cel-cost: the object is invalid (%s): %s\n", what, line);
        }
        exit(1);
    }
    free(errs);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: cel-cost CRD.yaml OBJECT.json [ROUNDS] [SECONDS_PER_ROUND]\n");
        return 2;
    }
    int rounds = argc > 3 ? atoi(argv[3]) : 3;
    double secs = argc > 4 ? atof(argv[4]) : 0.5;
    if (rounds < 1 || rounds > 99 || secs <= 0) {
        fprintf(stderr, "cel-cost: bad ROUNDS or SECONDS\n");
        return 2;
    }
    size_t len;
    char err[256];
    char *text = read_all(argv[1], &len);
    cJSON *crd = text ? yaml_parse(text, len, err, sizeof err) : NULL;
    free(text);
    text = read_all(argv[2], &len);
    cJSON *obj = text ? cJSON_ParseWithLength(text, len) : NULL;
    free(text);
    if (!crd || !obj) {
        fprintf(stderr, "cel-cost: cannot read %s\n", !crd ? argv[1] : argv[2]);
        return 1;
    }
    const cJSON *versions = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(crd, "spec"), "versions");
    const cJSON *v, *schema = NULL;
    cJSON_ArrayForEach(v, versions)
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v, "storage")))
            schema = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(v, "schema"), "openAPIV3Schema");
    if (!schema) {
        fprintf(stderr, "cel-cost: %s has no storage version with a schema\n", argv[1]);
        return 1;
    }
    cJSON *bare = cJSON_Duplicate(schema, 1);
    int rules = strip_rules(bare);
    structural_schema *with = compile_or_die(schema, "the schema");
    structural_schema *without = compile_or_die(bare, "the schema without rules");
    structural_default(with, obj);   /* as a write is defaulted before it is validated */
    valid_or_die(with, obj, "with the rules");
    valid_or_die(without, obj, "without the rules");
    double w[100], wo[100];
    for (int r = 0; r < rounds; r++) {
        w[r] = per_object_us(with, obj, secs);
        wo[r] = per_object_us(without, obj, secs);
    }
    double mw = median(w, rounds), mwo = median(wo, rounds);
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(crd, "metadata"), "name"));
    printf("CEL crd=%s rules=%d with_us=%.1f without_us=%.1f cel_us=%.1f ratio=%.2f\n", name ? name : "?", rules, mw,
           mwo, mw - mwo, mwo > 0 ? mw / mwo : 0);
    structural_free(with);
    structural_free(without);
    cJSON_Delete(bare);
    cJSON_Delete(crd);
    cJSON_Delete(obj);
    return 0;
}
