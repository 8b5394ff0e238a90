/* test_structural.c: schema/structural.h, the structural schemas of
 * CustomResourceDefinitions: real CRDs (tests/data/crds, see its README)
 * compile and accept real objects; each kind of CRD-write error and of
 * value error comes with kube's message and path; pruning, defaulting,
 * list-map and set uniqueness, CEL rules (messages, reasons, fieldPath,
 * a transition rule); hostile schemas and objects stay bounded. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include "codec/yaml.h"
#include "schema/structural.h"

static cJSON *read_yaml(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)n + 1);
    assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
    text[n] = 0;
    fclose(f);
    char err[256];
    cJSON *doc = yaml_parse(text, (size_t)n, err, sizeof err);
    free(text);
    if (!doc) fail_msg("%s: %s", path, err);
    return doc;
}

/* Every error as "field: body", one per line. */
static void errors_text(const field_errors *errs, char *out, size_t n)
{
    size_t used = 0;
    out[0] = 0;
    for (int i = 0; i < errs->n && used < n; i++) {
        char line[4096];
        field_error_string(&errs->e[i], line, sizeof line);
        int w = snprintf(out + used, n - used, "%s\n", line);
        if (w < 0) break;
        used += (size_t)w;
    }
}

static structural_schema *compile_text(const char *json, field_errors *errs)
{
    cJSON *s = cJSON_Parse(json);
    if (!s) fail_msg("bad test JSON: %s", json);
    structural_schema *c = structural_compile(s, "spec.validation.openAPIV3Schema", errs);
    cJSON_Delete(s);
    return c;
}

static structural_schema *must_compile(const char *json)
{
    static field_errors errs;
    memset(&errs, 0, sizeof errs);
    structural_schema *c = compile_text(json, &errs);
    if (!c) {
        char text[8192];
        errors_text(&errs, text, sizeof text);
        fail_msg("schema does not compile:\n%s", text);
    }
    return c;
}

/* The schema does not compile and one error reads `want`. */
static void compile_fails_with(const char *json, const char *want)
{
    static field_errors errs;
    memset(&errs, 0, sizeof errs);
    structural_schema *c = compile_text(json, &errs);
    char text[16384];
    errors_text(&errs, text, sizeof text);
    if (c) fail_msg("schema compiled; wanted %s", want);
    if (!strstr(text, want)) fail_msg("wanted %s\ngot:\n%s", want, text);
}

/* Validating obj (with old, may be NULL) gives an error reading `want`
 * (NULL: no errors at all). */
static void validate_gives(structural_schema *s, const char *obj, const char *old, const char *want)
{
    static field_errors errs;
    memset(&errs, 0, sizeof errs);
    cJSON *o = cJSON_Parse(obj), *p = old ? cJSON_Parse(old) : NULL;
    assert_non_null(o);
    int n = structural_validate(s, o, p, &errs);
    char text[16384];
    errors_text(&errs, text, sizeof text);
    cJSON_Delete(o);
    cJSON_Delete(p);
    if (!want && n) fail_msg("%s: wanted no errors, got:\n%s", obj, text);
    if (want && !strstr(text, want)) fail_msg("%s: wanted %s\ngot:\n%s", obj, want, text);
}

/* ---- real CRDs ---- */

static const char *const real_crds[] = {
    "tests/data/crds/monitoring.coreos.com_servicemonitors.yaml",
    "tests/data/crds/source.toolkit.fluxcd.io_gitrepositories.yaml",
    "tests/data/crds/gateway.networking.k8s.io_gateways.yaml",
    "tests/data/crds/gateway.networking.k8s.io_httproutes.yaml",
};

static structural_schema *compile_real(const char *path, const char *version)
{
    cJSON *crd = read_yaml(path);
    const cJSON *versions = cJSON_GetObjectItem(cJSON_GetObjectItem(crd, "spec"), "versions");
    structural_schema *out = NULL;
    int i = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, versions) {
        const cJSON *schema = cJSON_GetObjectItem(cJSON_GetObjectItem(v, "schema"), "openAPIV3Schema");
        char at[128];
        snprintf(at, sizeof at, "spec.versions[%d].schema.openAPIV3Schema", i++);
        static field_errors errs;
        memset(&errs, 0, sizeof errs);
        structural_schema *s = structural_compile(schema, at, &errs);
        if (s && structural_check_costs(s, at, &errs)) {   /* kube accepts them: under its cost limits */
            char text[16384];
            errors_text(&errs, text, sizeof text);
            fail_msg("%s: the CEL cost estimate refuses it:\n%s", path, text);
        }
        if (!s) {
            char text[16384];
            errors_text(&errs, text, sizeof text);
            fail_msg("%s %s does not compile:\n%s", path, cJSON_GetObjectItem(v, "name")->valuestring, text);
        }
        if (version && !strcmp(cJSON_GetObjectItem(v, "name")->valuestring, version)) out = s;
        else structural_free(s);
    }
    cJSON_Delete(crd);
    return out;
}

static void test_real_crds_compile(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof real_crds / sizeof *real_crds; i++) compile_real(real_crds[i], NULL);
}

static void test_real_objects_validate(void **state)
{
    (void)state;
    structural_schema *sm = compile_real(real_crds[0], "v1");
    assert_non_null(sm);
    validate_gives(sm,
                   "{\"apiVersion\":\"monitoring.coreos.com/v1\",\"kind\":\"ServiceMonitor\",\"metadata\":{\"name\":\"web\"},"
                   "\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"endpoints\":[{\"port\":\"http\",\"interval\":\"30s\","
                   "\"path\":\"/metrics\"}]}}",
                   NULL, NULL);
    validate_gives(sm,
                   "{\"apiVersion\":\"monitoring.coreos.com/v1\",\"kind\":\"ServiceMonitor\",\"metadata\":{\"name\":\"web\"},"
                   "\"spec\":{\"selector\":{},\"endpoints\":[{\"port\":\"http\",\"interval\":\"thirty\"}]}}",
                   NULL, "spec.endpoints[0].interval: Invalid value: \"thirty\": spec.endpoints[0].interval in body should match");
    structural_free(sm);

    structural_schema *gw = compile_real(real_crds[2], "v1");
    assert_non_null(gw);
    const char *gateway =
        "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"Gateway\",\"metadata\":{\"name\":\"gw\"},"
        "\"spec\":{\"gatewayClassName\":\"example\",\"listeners\":[{\"name\":\"http\",\"protocol\":\"HTTP\",\"port\":80}]}}";
    cJSON *g = cJSON_Parse(gateway);
    structural_default(gw, g);
    char *defaulted = cJSON_PrintUnformatted(g);
    /* allowedRoutes is defaulted from the schema */
    assert_non_null(strstr(defaulted, "\"allowedRoutes\""));
    validate_gives(gw, defaulted, NULL, NULL);
    free(defaulted);
    cJSON_Delete(g);
    /* the CEL rules on listeners: no tls on HTTP */
    const char *http_tls =
        "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"Gateway\",\"metadata\":{\"name\":\"gw\"},"
        "\"spec\":{\"gatewayClassName\":\"example\",\"listeners\":[{\"name\":\"web\",\"protocol\":\"HTTP\",\"port\":80,"
        "\"tls\":{\"mode\":\"Terminate\"}}]}}";
    validate_gives(gw, http_tls, NULL,
                   "spec.listeners: Invalid value: \"array\": tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']");
    /* list-map keys: two listeners with one name */
    const char *dup =
        "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"Gateway\",\"metadata\":{\"name\":\"gw\"},"
        "\"spec\":{\"gatewayClassName\":\"example\",\"listeners\":[{\"name\":\"a\",\"protocol\":\"HTTP\",\"port\":80},"
        "{\"name\":\"a\",\"protocol\":\"HTTP\",\"port\":81}]}}";
    validate_gives(gw, dup, NULL, "spec.listeners[1]: Duplicate value: map[string]interface {}{\"name\":\"a\"}");
    structural_free(gw);

    structural_schema *hr = compile_real(real_crds[3], "v1");
    assert_non_null(hr);
    const char *route =
        "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"r\"},"
        "\"spec\":{\"parentRefs\":[{\"name\":\"gw\"}],\"hostnames\":[\"example.com\"],\"rules\":[{\"matches\":[{\"path\":"
        "{\"type\":\"PathPrefix\",\"value\":\"/api\"}}],\"backendRefs\":[{\"name\":\"svc\",\"port\":8080}]}]}}";
    cJSON *r = cJSON_Parse(route);
    structural_default(hr, r);
    char *rd = cJSON_PrintUnformatted(r);
    validate_gives(hr, rd, NULL, NULL);
    free(rd);
    cJSON_Delete(r);
    const char *bad_path =
        "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"r\"},"
        "\"spec\":{\"rules\":[{\"matches\":[{\"path\":{\"type\":\"PathPrefix\",\"value\":\"api\"}}]}]}}";
    validate_gives(hr, bad_path, NULL, "value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']");
    structural_free(hr);

    structural_schema *git = compile_real(real_crds[1], "v1");
    assert_non_null(git);
    validate_gives(git,
                   "{\"apiVersion\":\"source.toolkit.fluxcd.io/v1\",\"kind\":\"GitRepository\",\"metadata\":{\"name\":\"g\"},"
                   "\"spec\":{\"url\":\"https://github.com/fluxcd/flux2\",\"interval\":\"1m\",\"ref\":{\"branch\":\"main\"}}}",
                   NULL, NULL);
    validate_gives(git,
                   "{\"apiVersion\":\"source.toolkit.fluxcd.io/v1\",\"kind\":\"GitRepository\",\"metadata\":{\"name\":\"g\"},"
                   "\"spec\":{\"interval\":\"1m\"}}",
                   NULL, "spec.url: Required value");
    structural_free(git);
}

/* ---- CRD-write errors ---- */

static void test_schema_errors(void **state)
{
    (void)state;
    compile_fails_with("{\"type\":\"object\",\"properties\":{\"spec\":{\"properties\":{\"a\":{\"type\":\"string\"}}}}}",
                       "spec.validation.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields");
    compile_fails_with("{\"type\":\"string\"}", "spec.validation.openAPIV3Schema.type: Invalid value: \"string\": must be object at the root");
    compile_fails_with("{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/x\"}}}",
                       "spec.validation.openAPIV3Schema.properties[a].$ref: Forbidden: $ref is not supported");
    compile_fails_with("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"array\",\"additionalItems\":false,\"items\":{\"type\":\"string\"}}}}",
                       "properties[a].additionalItems: Forbidden: additionalItems is not supported");
    compile_fails_with("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"object\",\"properties\":{\"b\":{\"type\":\"string\"}},"
                       "\"additionalProperties\":false}}}",
                       "properties[a].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive");
    compile_fails_with("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"array\"}}}",
                       "properties[a].items: Required value: must be specified");
    compile_fails_with("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"array\",\"x-kubernetes-list-type\":\"map\",\"items\":"
                       "{\"type\":\"object\",\"properties\":{\"k\":{\"type\":\"string\"}}}}}}",
                       "properties[a].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map");
    compile_fails_with("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"array\",\"x-kubernetes-list-type\":\"list\",\"items\":{\"type\":\"string\"}}}}",
                       "properties[a].x-kubernetes-list-type: Unsupported value: \"list\": supported values: \"atomic\", \"set\", \"map\"");
    compile_fails_with("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"x-kubernetes-list-type\":\"set\"}}}",
                       "properties[a].type: Invalid value: \"string\": must be array if x-kubernetes-list-type is specified");
    compile_fails_with("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"array\",\"x-kubernetes-list-type\":\"map\","
                       "\"x-kubernetes-list-map-keys\":[\"nope\"],\"items\":{\"type\":\"object\",\"properties\":{\"k\":{\"type\":\"string\"}}}}}}",
                       "properties[a].x-kubernetes-list-map-keys: Invalid value: [\"nope\"]: entries must all be names of item properties");
    compile_fails_with("{\"type\":\"object\",\"properties\":{\"metadata\":{\"type\":\"object\",\"properties\":{\"labels\":{\"type\":\"object\"}}}}}",
                       "properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified");
    compile_fails_with("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"x-kubernetes-preserve-unknown-fields\":false}}}",
                       "properties[a].x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined");
    compile_fails_with("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"array\",\"uniqueItems\":true,\"items\":{\"type\":\"string\"}}}}",
                       "uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic");
    compile_fails_with("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"anyOf\":[{\"type\":\"string\"}]}}}",
                       "properties[a].anyOf[0].type: Forbidden: must be empty to be structural");
    compile_fails_with("{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\"}}",
                       "spec.validation.openAPIV3Schema.additionalProperties: Forbidden: must not be used at the root");
    compile_fails_with("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"pattern\":\"(\"}}}",
                       "properties[a].pattern: Invalid value: \"(\": must be a valid regular expression, but isn't");
    compile_fails_with("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\",\"default\":\"x\"}}}",
                       "properties[a].default: Invalid value: \"string\": in body must be of type integer: \"string\"");
    compile_fails_with("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"object\",\"properties\":{\"b\":{\"type\":\"string\"}},"
                       "\"default\":{\"b\":\"x\",\"c\":1}}}}",
                       "properties[a].default: Invalid value: {\"b\":\"x\",\"c\":1}: must not have unknown fields");
    compile_fails_with("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"x-kubernetes-embedded-resource\":true}}}",
                       "properties[a].type: Invalid value: \"string\": must be object if x-kubernetes-embedded-resource is true");
    compile_fails_with("{\"type\":\"object\",\"properties\":{\"metadata\":{\"type\":\"object\",\"properties\":{\"name\":"
                       "{\"type\":\"string\",\"default\":\"x\"}}}}}",
                       "properties[metadata].properties[name].default: Forbidden: must not be set in top-level metadata");
    /* a CEL rule that does not compile: kube's message */
    compile_fails_with("{\"type\":\"object\",\"x-kubernetes-validations\":[{\"rule\":\"self.x +\"}]}",
                       "spec.validation.openAPIV3Schema.x-kubernetes-validations[0].rule: Invalid value: "
                       "apiextensions.ValidationRule{Rule:\"self.x +\", Message:\"\", MessageExpression:\"\", "
                       "Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:\"\", OptionalOldSelf:(*bool)(nil)}: "
                       "compilation failed: ERROR: <input>:1:9: Syntax error:");
    compile_fails_with("{\"type\":\"object\",\"x-kubernetes-validations\":[{\"rule\":\"  \"}]}",
                       "x-kubernetes-validations[0].rule: Required value: rule is not specified");
    compile_fails_with("{\"type\":\"object\",\"x-kubernetes-validations\":[{\"rule\":\"true\",\"reason\":\"Nope\"}]}",
                       "x-kubernetes-validations[0].reason: Unsupported value: \"Nope\"");
    compile_fails_with("{\"type\":\"object\",\"properties\":{\"l\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
                       "\"x-kubernetes-validations\":[{\"rule\":\"self == oldSelf\"}]}}}}",
                       "properties[l].items.x-kubernetes-validations[0].rule: Invalid value: \"self == oldSelf\": oldSelf cannot be used "
                       "on the uncorrelatable portion of the schema within spec.validation.openAPIV3Schema.properties[l]");
    /* int-or-string and preserve-unknown-fields need no type */
    structural_free(must_compile("{\"type\":\"object\",\"properties\":{\"p\":{\"x-kubernetes-int-or-string\":true,"
                                 "\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"string\"}]},\"q\":{\"x-kubernetes-preserve-unknown-fields\":true}}}"));
}

/* ---- value errors ---- */

static const char value_schema[] =
    "{\"type\":\"object\",\"properties\":{\"spec\":{\"type\":\"object\",\"required\":[\"name\"],\"properties\":{"
    "\"name\":{\"type\":\"string\",\"pattern\":\"^a\",\"maxLength\":5,\"minLength\":2},"
    "\"replicas\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":10,\"multipleOf\":1},"
    "\"ratio\":{\"type\":\"number\",\"exclusiveMaximum\":true,\"maximum\":1},"
    "\"mode\":{\"type\":\"string\",\"enum\":[\"a\",\"b\"]},"
    "\"tags\":{\"type\":\"array\",\"maxItems\":2,\"minItems\":1,\"items\":{\"type\":\"string\"},\"x-kubernetes-list-type\":\"set\"},"
    "\"labels\":{\"type\":\"object\",\"maxProperties\":1,\"additionalProperties\":{\"type\":\"string\"}},"
    "\"ip\":{\"type\":\"string\",\"format\":\"ipv4\"},\"when\":{\"type\":\"string\",\"format\":\"date-time\"},"
    "\"data\":{\"type\":\"string\",\"format\":\"byte\"},\"id\":{\"type\":\"string\",\"format\":\"uuid\"},"
    "\"port\":{\"x-kubernetes-int-or-string\":true},"
    "\"opt\":{\"type\":\"string\",\"nullable\":true},"
    "\"template\":{\"type\":\"object\",\"x-kubernetes-embedded-resource\":true,\"x-kubernetes-preserve-unknown-fields\":true}"
    "}}}}";

static void test_value_errors(void **state)
{
    (void)state;
    structural_schema *s = must_compile(value_schema);
    validate_gives(s, "{\"spec\":{\"name\":\"abc\",\"replicas\":3,\"mode\":\"a\",\"tags\":[\"x\"],\"ip\":\"10.0.0.1\","
                      "\"when\":\"2024-01-02T03:04:05Z\",\"data\":\"aGk=\",\"id\":\"123e4567-e89b-12d3-a456-426614174000\","
                      "\"port\":\"http\",\"opt\":null,\"template\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}}}",
                   NULL, NULL);
    validate_gives(s, "{\"spec\":{\"name\":\"abc\",\"replicas\":\"3\"}}", NULL,
                   "spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"");
    validate_gives(s, "{\"spec\":{\"name\":\"abc\",\"replicas\":1.5}}", NULL,
                   "spec.replicas: Invalid value: \"number\": spec.replicas in body must be of type integer: \"number\"");
    validate_gives(s, "{\"spec\":{\"name\":\"abc\",\"mode\":\"x\"}}", NULL,
                   "spec.mode: Unsupported value: \"x\": supported values: \"a\", \"b\"");
    validate_gives(s, "{\"spec\":{\"name\":\"bcd\"}}", NULL, "spec.name: Invalid value: \"bcd\": spec.name in body should match '^a'");
    validate_gives(s, "{\"spec\":{\"name\":\"abcdef\"}}", NULL, "spec.name: Too long: may not be longer than 5");
    validate_gives(s, "{\"spec\":{\"name\":\"a\"}}", NULL, "spec.name: Invalid value: \"a\": spec.name in body should be at least 2 chars long");
    validate_gives(s, "{\"spec\":{}}", NULL, "spec.name: Required value");
    validate_gives(s, "{\"spec\":{\"name\":\"ab\",\"replicas\":0}}", NULL,
                   "spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1");
    validate_gives(s, "{\"spec\":{\"name\":\"ab\",\"replicas\":11}}", NULL,
                   "spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10");
    validate_gives(s, "{\"spec\":{\"name\":\"ab\",\"ratio\":1}}", NULL, "spec.ratio: Invalid value: 1: spec.ratio in body should be less than 1");
    validate_gives(s, "{\"spec\":{\"name\":\"ab\",\"tags\":[\"a\",\"b\",\"c\"]}}", NULL, "spec.tags: Too many: 3: must have at most 2 items");
    validate_gives(s, "{\"spec\":{\"name\":\"ab\",\"tags\":[]}}", NULL, "spec.tags: Invalid value: 0: spec.tags in body should have at least 1 items");
    validate_gives(s, "{\"spec\":{\"name\":\"ab\",\"tags\":[\"a\",\"a\"]}}", NULL, "spec.tags[1]: Duplicate value: \"a\"");
    validate_gives(s, "{\"spec\":{\"name\":\"ab\",\"labels\":{\"a\":\"1\",\"b\":\"2\"}}}", NULL, "spec.labels: Too many: 2: must have at most 1 items");
    validate_gives(s, "{\"spec\":{\"name\":\"ab\",\"labels\":{\"a\":1}}}", NULL,
                   "spec.labels.a: Invalid value: \"integer\": spec.labels.a in body must be of type string: \"integer\"");
    validate_gives(s, "{\"spec\":{\"name\":\"ab\",\"ip\":\"10.0.0\"}}", NULL,
                   "spec.ip: Invalid value: \"10.0.0\": spec.ip in body must be of type ipv4: \"10.0.0\"");
    validate_gives(s, "{\"spec\":{\"name\":\"ab\",\"when\":\"yesterday\"}}", NULL, "spec.when in body must be of type date-time: \"yesterday\"");
    validate_gives(s, "{\"spec\":{\"name\":\"ab\",\"data\":\"!!\"}}", NULL, "spec.data in body must be of type byte: \"!!\"");
    validate_gives(s, "{\"spec\":{\"name\":\"ab\",\"id\":\"nope\"}}", NULL, "spec.id in body must be of type uuid: \"nope\"");
    validate_gives(s, "{\"spec\":{\"name\":\"ab\",\"port\":true}}", NULL,
                   "spec.port: Invalid value: \"boolean\": spec.port in body must be of type integer,string: \"boolean\"");
    validate_gives(s, "{\"spec\":{\"name\":null}}", NULL, "spec.name: Invalid value: \"null\": spec.name in body must be of type string: \"null\"");
    validate_gives(s, "{\"spec\":{\"name\":\"ab\",\"template\":{\"kind\":\"Pod\"}}}", NULL, "spec.template.apiVersion: Required value: must not be empty");
    structural_free(s);
    s = must_compile("{\"type\":\"object\",\"properties\":{\"spec\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"},"
                     "\"b\":{\"type\":\"string\"}},\"oneOf\":[{\"required\":[\"a\"]},{\"required\":[\"b\"]}]}}}");
    validate_gives(s, "{\"spec\":{\"a\":\"x\"}}", NULL, NULL);
    validate_gives(s, "{\"spec\":{}}", NULL, "<nil>: Invalid value: \"\": \"spec\" must validate one and only one schema (oneOf). Found none valid");
    validate_gives(s, "{\"spec\":{\"a\":\"x\",\"b\":\"y\"}}", NULL, "(oneOf). Found 2 valid alternatives");
    structural_free(s);
    s = must_compile(value_schema);
    /* ratcheting: an unchanged invalid value passes on update, a changed one does not */
    validate_gives(s, "{\"spec\":{\"name\":\"bcd\",\"replicas\":3}}", "{\"spec\":{\"name\":\"bcd\",\"replicas\":2}}", NULL);
    validate_gives(s, "{\"spec\":{\"name\":\"bce\",\"replicas\":3}}", "{\"spec\":{\"name\":\"bcd\",\"replicas\":3}}",
                   "spec.name: Invalid value: \"bce\": spec.name in body should match '^a'");
    structural_free(s);
}

/* ---- pruning ---- */

static void collect(void *arg, const char *path)
{
    char *out = arg;
    strcat(out, path);
    strcat(out, ";");
}

static void test_prune(void **state)
{
    (void)state;
    structural_schema *s = must_compile(
        "{\"type\":\"object\",\"properties\":{\"spec\":{\"type\":\"object\",\"properties\":{"
        "\"a\":{\"type\":\"string\"},\"items\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"k\":{\"type\":\"string\"}}}},"
        "\"free\":{\"type\":\"object\",\"x-kubernetes-preserve-unknown-fields\":true,\"properties\":{\"inner\":{\"type\":\"object\",\"properties\":{}}}},"
        "\"map\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"object\",\"properties\":{\"v\":{\"type\":\"string\"}}}}}}}}");
    cJSON *o = cJSON_Parse("{\"apiVersion\":\"x/v1\",\"kind\":\"X\",\"metadata\":{\"name\":\"n\"},\"extra\":1,"
                           "\"spec\":{\"a\":\"1\",\"b\":2,\"items\":[{\"k\":\"x\",\"z\":1}],"
                           "\"free\":{\"anything\":{\"deep\":1},\"inner\":{\"gone\":1}},\"map\":{\"m\":{\"v\":\"1\",\"w\":2}}}}");
    char unknown[1024] = "";
    structural_prune(s, o, collect, unknown);
    assert_string_equal(unknown, "extra;spec.b;spec.items[0].z;spec.free.inner.gone;spec.map.m.w;");
    char *text = cJSON_PrintUnformatted(o);
    assert_string_equal(text, "{\"apiVersion\":\"x/v1\",\"kind\":\"X\",\"metadata\":{\"name\":\"n\"},\"spec\":{\"a\":\"1\","
                              "\"items\":[{\"k\":\"x\"}],\"free\":{\"anything\":{\"deep\":1},\"inner\":{}},\"map\":{\"m\":{\"v\":\"1\"}}}}");
    free(text);
    cJSON_Delete(o);
    structural_free(s);
}

/* ---- defaulting ---- */

static void test_default(void **state)
{
    (void)state;
    structural_schema *s = must_compile(
        "{\"type\":\"object\",\"properties\":{\"spec\":{\"type\":\"object\",\"default\":{},\"properties\":{"
        "\"replicas\":{\"type\":\"integer\",\"default\":1},"
        "\"mode\":{\"type\":\"string\",\"default\":\"auto\"},"
        "\"nullable\":{\"type\":\"string\",\"nullable\":true,\"default\":\"d\"},"
        "\"gone\":{\"type\":\"string\"},"
        "\"ports\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"protocol\":{\"type\":\"string\",\"default\":\"TCP\"},"
        "\"port\":{\"type\":\"integer\"}}}},"
        "\"nested\":{\"type\":\"object\",\"default\":{\"inner\":{}},\"properties\":{\"inner\":{\"type\":\"object\",\"properties\":{"
        "\"x\":{\"type\":\"string\",\"default\":\"y\"}}}}}}}}}");
    cJSON *o = cJSON_Parse("{}");
    structural_default(s, o);
    char *text = cJSON_PrintUnformatted(o);
    assert_string_equal(text, "{\"spec\":{\"mode\":\"auto\",\"nested\":{\"inner\":{\"x\":\"y\"}},\"nullable\":\"d\",\"replicas\":1}}");
    free(text);
    cJSON_Delete(o);
    o = cJSON_Parse("{\"spec\":{\"replicas\":null,\"mode\":\"manual\",\"nullable\":null,\"gone\":null,\"ports\":[{\"port\":80}]}}");
    structural_default(s, o);
    text = cJSON_PrintUnformatted(o);
    assert_string_equal(text, "{\"spec\":{\"replicas\":1,\"mode\":\"manual\",\"nullable\":null,\"ports\":[{\"port\":80,"
                              "\"protocol\":\"TCP\"}],\"nested\":{\"inner\":{\"x\":\"y\"}}}}");
    free(text);
    cJSON_Delete(o);
    structural_free(s);
}

/* ---- list maps ---- */

static void test_list_map(void **state)
{
    (void)state;
    structural_schema *s = must_compile(
        "{\"type\":\"object\",\"properties\":{\"ports\":{\"type\":\"array\",\"x-kubernetes-list-type\":\"map\","
        "\"x-kubernetes-list-map-keys\":[\"port\",\"protocol\"],\"items\":{\"type\":\"object\",\"required\":[\"port\"],"
        "\"properties\":{\"port\":{\"type\":\"integer\"},\"protocol\":{\"type\":\"string\",\"default\":\"TCP\"}}}}}}");
    validate_gives(s, "{\"ports\":[{\"port\":80,\"protocol\":\"TCP\"},{\"port\":80,\"protocol\":\"UDP\"}]}", NULL, NULL);
    validate_gives(s, "{\"ports\":[{\"port\":80,\"protocol\":\"TCP\"},{\"port\":80,\"protocol\":\"TCP\"}]}", NULL,
                   "ports[1]: Duplicate value: map[string]interface {}{\"port\":80, \"protocol\":\"TCP\"}");
    structural_free(s);
}

/* ---- CEL rules ---- */

static void test_cel_rules(void **state)
{
    (void)state;
    structural_schema *s = must_compile(
        "{\"type\":\"object\",\"properties\":{\"spec\":{\"type\":\"object\",\"x-kubernetes-validations\":["
        "{\"rule\":\"self.min <= self.max\"},"
        "{\"rule\":\"self.min != 7\",\"message\":\"seven is not allowed\",\"reason\":\"FieldValueForbidden\",\"fieldPath\":\".min\"},"
        "{\"rule\":\"self.max < 100\",\"messageExpression\":\"'max is ' + string(self.max)\"},"
        "{\"rule\":\"self.max >= oldSelf.max\",\"message\":\"max may not decrease\"}],"
        "\"properties\":{\"min\":{\"type\":\"integer\"},\"max\":{\"type\":\"integer\"},"
        "\"name\":{\"type\":\"string\",\"x-kubernetes-validations\":[{\"rule\":\"self == oldSelf\",\"message\":\"name is immutable\"}]},"
        "\"loop\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"x-kubernetes-validations\":["
        "{\"rule\":\"self.all(x, self.all(y, self.all(z, x + y + z >= 0)))\"}]}}}}}");
    validate_gives(s, "{\"spec\":{\"min\":1,\"max\":5}}", NULL, NULL);
    validate_gives(s, "{\"spec\":{\"min\":6,\"max\":5}}", NULL, "spec: Invalid value: \"object\": failed rule: self.min <= self.max");
    validate_gives(s, "{\"spec\":{\"min\":7,\"max\":8}}", NULL, "spec.min: Forbidden: seven is not allowed");
    validate_gives(s, "{\"spec\":{\"min\":1,\"max\":200}}", NULL, "spec: Invalid value: \"object\": max is 200");
    /* transition rules: not on create, and only where the old value existed */
    validate_gives(s, "{\"spec\":{\"min\":1,\"max\":5,\"name\":\"a\"}}", NULL, NULL);
    validate_gives(s, "{\"spec\":{\"min\":1,\"max\":4}}", "{\"spec\":{\"min\":1,\"max\":5}}",
                   "spec: Invalid value: \"object\": max may not decrease");
    validate_gives(s, "{\"spec\":{\"min\":1,\"max\":5,\"name\":\"b\"}}", "{\"spec\":{\"min\":1,\"max\":5,\"name\":\"a\"}}",
                   "spec.name: Invalid value: \"string\": name is immutable");
    validate_gives(s, "{\"spec\":{\"min\":1,\"max\":5,\"name\":\"b\"}}", "{\"spec\":{\"min\":1,\"max\":5}}", NULL);
    /* the per-call cost limit stops a quadratic rule on a long list */
    char big[40000] = "{\"spec\":{\"min\":1,\"max\":5,\"loop\":[";
    for (int i = 0; i < 2000; i++) strcat(big, i ? ",1" : "1");
    strcat(big, "]}}");
    validate_gives(s, big, NULL, "no further validation rules will be run due to call cost exceeds limit for rule");
    structural_free(s);
}

/* ---- hostile inputs ---- */

/* kube's static cost estimate at CRD write: a loop over an unbounded list
 * inside another is refused, the same loop over bounded lists passes. */
static void costs_give(const char *json, const char *want)
{
    static field_errors errs;
    memset(&errs, 0, sizeof errs);
    structural_schema *s = compile_text(json, &errs);
    assert_non_null(s);
    int rc = structural_check_costs(s, "spec.validation.openAPIV3Schema", &errs);
    char text[8192];
    errors_text(&errs, text, sizeof text);
    assert_string_equal(text, want);
    assert_int_equal(rc, *want ? -1 : 0);
    structural_free(s);
}

static void test_cel_costs(void **state)
{
    (void)state;
    costs_give("{\"type\":\"object\",\"properties\":{\"spec\":{\"type\":\"object\",\"properties\":{\"names\":"
               "{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"x-kubernetes-validations\":"
               "[{\"rule\":\"self.all(x, self.all(y, x == y))\"}]}}}}}",
               "spec.validation.openAPIV3Schema.properties[spec].properties[names].x-kubernetes-validations[0].rule: "
               "Forbidden: estimated rule cost exceeds budget by factor of more than 100x (try simplifying the rule, "
               "or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)\n"
               "spec.validation.openAPIV3Schema.properties[spec].properties[names].x-kubernetes-validations[0].rule: "
               "Forbidden: contributed to estimated rule & messageExpression cost total exceeding cost limit for "
               "entire OpenAPIv3 schema\n"
               "spec.validation.openAPIV3Schema: Forbidden: x-kubernetes-validations estimated rule & "
               "messageExpression cost total for entire OpenAPIv3 schema exceeds budget by factor of more than 100x "
               "(try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and "
               "strings are declared)\n");
    /* bounded by maxItems and maxLength: accepted */
    costs_give("{\"type\":\"object\",\"properties\":{\"spec\":{\"type\":\"object\",\"properties\":{\"names\":"
               "{\"type\":\"array\",\"maxItems\":100,\"items\":{\"type\":\"string\",\"maxLength\":64},"
               "\"x-kubernetes-validations\":[{\"rule\":\"self.all(x, self.all(y, x == y))\"}]}}}}}",
               "");
    /* a cheap rule on every item of an unbounded list of unbounded lists
     * adds up past the schema's total */
    costs_give("{\"type\":\"object\",\"properties\":{\"m\":{\"type\":\"array\",\"items\":{\"type\":\"array\","
               "\"items\":{\"type\":\"string\",\"maxLength\":10,\"x-kubernetes-validations\":"
               "[{\"rule\":\"self.startsWith('a')\"}]}}}}}",
               "spec.validation.openAPIV3Schema.properties[m].items.items.x-kubernetes-validations[0].rule: "
               "Forbidden: contributed to estimated rule & messageExpression cost total exceeding cost limit for "
               "entire OpenAPIv3 schema\n"
               "spec.validation.openAPIV3Schema: Forbidden: x-kubernetes-validations estimated rule & "
               "messageExpression cost total for entire OpenAPIv3 schema exceeds budget by factor of more than 100x "
               "(try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and "
               "strings are declared)\n");
}

static void test_hostile(void **state)
{
    (void)state;
    /* a schema nested 500 deep is refused, not recursed into without end */
    size_t cap = 64 * 1024;
    char *deep = malloc(cap);
    strcpy(deep, "{\"type\":\"object\",\"properties\":{\"a\":");
    for (int i = 0; i < 500; i++) strcat(deep, "{\"type\":\"object\",\"properties\":{\"a\":");
    strcat(deep, "{\"type\":\"string\"}");
    for (int i = 0; i < 501; i++) strcat(deep, "}}");
    strcat(deep, "}");
    field_errors *errs = calloc(1, sizeof *errs);
    cJSON *j = cJSON_Parse(deep);
    if (j) {
        structural_schema *c = structural_compile(j, "s", errs);
        assert_null(c);
        cJSON_Delete(j);
    }
    free(deep);
    /* bounds past int64 (fuzz/structural found the cast) */
    structural_schema *big = must_compile("{\"type\":\"object\",\"properties\":{\"s\":{\"type\":\"string\",\"maxLength\":1e90},"
                                          "\"a\":{\"type\":\"array\",\"items\":{\"type\":\"integer\",\"multipleOf\":1e-300},\"maxItems\":1e300}}}");
    validate_gives(big, "{\"s\":\"x\",\"a\":[1,2]}", NULL, NULL);
    structural_free(big);
    /* a huge enum compiles and validates */
    char *e = malloc(200000);
    strcpy(e, "{\"type\":\"object\",\"properties\":{\"v\":{\"type\":\"string\",\"enum\":[");
    for (int i = 0; i < 10000; i++) sprintf(e + strlen(e), "%s\"v%d\"", i ? "," : "", i);
    strcat(e, "]}}}");
    structural_schema *s = must_compile(e);
    validate_gives(s, "{\"v\":\"v9999\"}", NULL, NULL);
    validate_gives(s, "{\"v\":\"nope\"}", NULL, "v: Unsupported value: \"nope\": supported values: \"v0\", \"v1\"");
    structural_free(s);
    free(e);
    free(errs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_crds_compile),
        cmocka_unit_test(test_real_objects_validate),
        cmocka_unit_test(test_schema_errors),
        cmocka_unit_test(test_value_errors),
        cmocka_unit_test(test_prune),
        cmocka_unit_test(test_default),
        cmocka_unit_test(test_list_map),
        cmocka_unit_test(test_cel_rules),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_cel_costs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
