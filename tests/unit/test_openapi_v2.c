/* test_openapi_v2.c: /openapi/v2. The protobuf encoder (swagger JSON ->
 * gnostic's openapi.v2.Document), read back with a small protobuf reader
 * of the test's own: field numbers, oneof choices, Any as YAML text,
 * proto3 zero values left out, map order; and the served document through
 * the pipeline: content negotiation as kube-openapi's handler, ETag and
 * 304, kube's shape (definitions, paths, extensions), every reference
 * resolving, and the protobuf form carrying the JSON's definitions and
 * paths. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "kapi_test.h"
#include "core/alloc.h"
#include "http/openapi_v2_pb.h"

/* ---- a small protobuf reader */

typedef struct pb {
    const unsigned char *p;
    size_t n;
} pb;

static int read_varint(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
    *v = 0;
    for (int shift = 0; *p < end && shift < 64; shift += 7) {
        unsigned char c = *(*p)++;
        *v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) return 0;
    }
    return -1;
}

/* Walks a message: calls back each field (number, wire type, varint value
 * or bytes). Returns the number of fields, or -1 on a malformed message. */
typedef struct pb_field {
    int num, wt;
    uint64_t v;
    pb bytes;
} pb_field;

static int pb_fields(pb m, pb_field *out, int max)
{
    const unsigned char *p = m.p, *end = m.p + m.n;
    int n = 0;
    while (p < end) {
        uint64_t key, v = 0;
        if (read_varint(&p, end, &key)) return -1;
        pb_field f = {.num = (int)(key >> 3), .wt = (int)(key & 7)};
        if (f.wt == 0) {
            if (read_varint(&p, end, &v)) return -1;
            f.v = v;
        } else if (f.wt == 1) {
            if (end - p < 8) return -1;
            f.bytes = (pb){p, 8};
            p += 8;
        } else if (f.wt == 2) {
            if (read_varint(&p, end, &v) || v > (uint64_t)(end - p)) return -1;
            f.bytes = (pb){p, (size_t)v};
            p += v;
        } else {
            return -1;
        }
        if (out && n < max) out[n] = f;
        n++;
    }
    return n;
}

/* The index-th occurrence of field num (length-delimited), or {NULL, 0}. */
static pb pb_get(pb m, int num, int index)
{
    static pb_field fs[200000];
    int n = pb_fields(m, fs, 200000);
    assert_true(n >= 0 && n <= 200000);
    for (int i = 0; i < n; i++)
        if (fs[i].num == num && index-- == 0) {
            assert_int_equal(fs[i].wt, 2);
            return fs[i].bytes;
        }
    return (pb){NULL, 0};
}

static int pb_count(pb m, int num)
{
    static pb_field fs[200000];
    int n = pb_fields(m, fs, 200000), c = 0;
    assert_true(n >= 0);
    for (int i = 0; i < n && i < 200000; i++) c += fs[i].num == num;
    return c;
}

/* The varint of field num, or -1 when absent. */
static int64_t pb_varint(pb m, int num)
{
    pb_field fs[64];
    int n = pb_fields(m, fs, 64);
    assert_true(n >= 0 && n <= 64);
    for (int i = 0; i < n; i++)
        if (fs[i].num == num) {
            assert_int_equal(fs[i].wt, 0);
            return (int64_t)fs[i].v;
        }
    return -1;
}

static void assert_pb_string(pb s, const char *want)
{
    assert_non_null(s.p);
    if (s.n != strlen(want) || memcmp(s.p, want, s.n))
        fail_msg("got \"%.*s\", want \"%s\"", (int)s.n, (const char *)s.p, want);
}

/* The value of the Named* pair called name in a repeated field num. */
static pb pb_named(pb m, int num, const char *name)
{
    for (int i = 0;; i++) {
        pb pair = pb_get(m, num, i);
        if (!pair.p) return pair;
        pb key = pb_get(pair, 1, 0);
        if (key.n == strlen(name) && !memcmp(key.p, name, key.n)) return pb_get(pair, 2, 0);
    }
}

static pb encode(const char *json, kapi_buf *out)
{
    cJSON *doc = cJSON_Parse(json);
    assert_non_null(doc);
    kapi_buf_init(out);
    openapi_v2_to_protobuf(doc, out);
    cJSON_Delete(doc);
    return (pb){(const unsigned char *)out->data, out->len};
}

/* ---- the encoder */

static void test_document_fields(void **state)
{
    (void)state;
    kapi_buf b;
    pb doc = encode("{\"definitions\":{\"io.k8s.B\":{\"type\":\"object\"},\"io.k8s.A\":{\"type\":\"string\"}},"
                    "\"info\":{\"title\":\"Kubernetes\",\"version\":\"v1.32.0\"},"
                    "\"security\":[{\"BearerToken\":[]}],"
                    "\"securityDefinitions\":{\"BearerToken\":{\"description\":\"Bearer Token authentication\","
                    "\"in\":\"header\",\"name\":\"authorization\",\"type\":\"apiKey\"}},"
                    "\"swagger\":\"2.0\"}", &b);
    /* fields in number order: swagger 1, info 2, definitions 9, security 12, securityDefinitions 13 */
    pb_field fs[8];
    assert_int_equal(pb_fields(doc, fs, 8), 5);
    int want[] = {1, 2, 9, 12, 13};
    for (int i = 0; i < 5; i++) assert_int_equal(fs[i].num, want[i]);
    assert_pb_string(pb_get(doc, 1, 0), "2.0");
    pb info = pb_get(doc, 2, 0);
    assert_pb_string(pb_get(info, 1, 0), "Kubernetes");
    assert_pb_string(pb_get(info, 2, 0), "v1.32.0");
    /* definitions keep the document's order */
    pb defs = pb_get(doc, 9, 0);
    assert_int_equal(pb_count(defs, 1), 2);
    assert_pb_string(pb_get(pb_get(defs, 1, 0), 1, 0), "io.k8s.B");
    assert_pb_string(pb_get(pb_get(defs, 1, 1), 1, 0), "io.k8s.A");
    /* type is a TypeItem {1 repeated value} */
    assert_pb_string(pb_get(pb_get(pb_named(defs, 1, "io.k8s.A"), 22, 0), 1, 0), "string");
    /* security: SecurityRequirement {1 NamedStringArray {1 name, 2 StringArray}} */
    pb req = pb_get(doc, 12, 0);
    pb pair = pb_get(req, 1, 0);
    assert_pb_string(pb_get(pair, 1, 0), "BearerToken");
    assert_non_null(pb_get(pair, 2, 0).p);
    assert_int_equal(pb_get(pair, 2, 0).n, 0);
    /* securityDefinitions: the apiKey choice (2) of SecurityDefinitionsItem */
    pb item = pb_named(pb_get(doc, 13, 0), 1, "BearerToken");
    pb key = pb_get(item, 2, 0);
    assert_pb_string(pb_get(key, 1, 0), "apiKey");
    assert_pb_string(pb_get(key, 2, 0), "authorization");
    assert_pb_string(pb_get(key, 3, 0), "header");
    assert_pb_string(pb_get(key, 4, 0), "Bearer Token authentication");
    kapi_buf_free(&b);
}

static void test_schema_fields(void **state)
{
    (void)state;
    kapi_buf b;
    pb doc = encode("{\"definitions\":{\"io.k8s.T\":{"
                    "\"description\":\"A type.\","
                    "\"properties\":{"
                    "  \"spec\":{\"$ref\":\"#/definitions/io.k8s.S\",\"description\":\"The spec.\"},"
                    "  \"items\":{\"items\":{\"$ref\":\"#/definitions/io.k8s.S\"},\"type\":\"array\","
                    "            \"x-kubernetes-list-map-keys\":[\"name\"],\"x-kubernetes-list-type\":\"map\","
                    "            \"x-kubernetes-patch-merge-key\":\"name\",\"x-kubernetes-patch-strategy\":\"merge\"},"
                    "  \"labels\":{\"additionalProperties\":{\"type\":\"string\"},\"type\":\"object\"},"
                    "  \"closed\":{\"additionalProperties\":false,\"type\":\"object\"},"
                    "  \"mode\":{\"enum\":[\"A\",\"B\"],\"type\":\"string\"},"
                    "  \"n\":{\"format\":\"int32\",\"maximum\":1.5,\"minLength\":0,\"type\":\"integer\","
                    "        \"uniqueItems\":false,\"default\":{}}"
                    "},"
                    "\"required\":[\"spec\",\"items\"],"
                    "\"type\":\"object\","
                    "\"x-kubernetes-group-version-kind\":[{\"group\":\"apps\",\"kind\":\"T\",\"version\":\"v1\"}]}}}",
                    &b);
    pb t = pb_named(pb_get(doc, 9, 0), 1, "io.k8s.T");
    assert_pb_string(pb_get(t, 4, 0), "A type.");
    assert_int_equal(pb_count(t, 19), 2);
    assert_pb_string(pb_get(t, 19, 1), "items");
    /* vendor extensions: NamedAny {1 name, 2 Any {2 yaml}} */
    pb ext = pb_get(t, 31, 0);
    assert_pb_string(pb_get(ext, 1, 0), "x-kubernetes-group-version-kind");
    assert_pb_string(pb_get(pb_get(ext, 2, 0), 2, 0), "[{\"group\":\"apps\",\"kind\":\"T\",\"version\":\"v1\"}]\n");
    pb props = pb_get(t, 25, 0);
    assert_int_equal(pb_count(props, 1), 6);
    /* a reference with its description */
    pb spec = pb_named(props, 1, "spec");
    assert_pb_string(pb_get(spec, 1, 0), "#/definitions/io.k8s.S");
    assert_pb_string(pb_get(spec, 4, 0), "The spec.");
    /* items: ItemsItem {1 Schema}; four extensions in the document's order */
    pb items = pb_named(props, 1, "items");
    assert_pb_string(pb_get(pb_get(pb_get(items, 23, 0), 1, 0), 1, 0), "#/definitions/io.k8s.S");
    assert_int_equal(pb_count(items, 31), 4);
    assert_pb_string(pb_get(pb_get(items, 31, 0), 1, 0), "x-kubernetes-list-map-keys");
    assert_pb_string(pb_get(pb_get(pb_get(items, 31, 0), 2, 0), 2, 0), "[\"name\"]\n");
    assert_pb_string(pb_get(pb_get(pb_get(items, 31, 3), 2, 0), 2, 0), "\"merge\"\n");
    /* additionalProperties: the schema choice, and false as the boolean choice, written */
    pb labels = pb_named(props, 1, "labels");
    assert_pb_string(pb_get(pb_get(pb_get(pb_get(labels, 21, 0), 1, 0), 22, 0), 1, 0), "string");
    pb closed = pb_get(pb_named(props, 1, "closed"), 21, 0);
    assert_int_equal(pb_varint(closed, 2), 0);
    assert_null(pb_get(closed, 1, 0).p);
    /* enum: repeated Any */
    pb mode = pb_named(props, 1, "mode");
    assert_int_equal(pb_count(mode, 20), 2);
    assert_pb_string(pb_get(pb_get(mode, 20, 1), 2, 0), "\"B\"\n");
    /* proto3 zero values left out (minLength 0, uniqueItems false); a
     * double as fixed64; default as Any */
    pb n = pb_named(props, 1, "n");
    assert_int_equal(pb_count(n, 12), 0);
    assert_int_equal(pb_count(n, 16), 0);
    pb_field fs[16];
    int nf = pb_fields(n, fs, 16);
    int found = 0;
    for (int i = 0; i < nf; i++)
        if (fs[i].num == 7) {
            assert_int_equal(fs[i].wt, 1);
            double d;
            uint64_t bits = 0;
            for (int k = 0; k < 8; k++) bits |= (uint64_t)fs[i].bytes.p[k] << (8 * k);
            memcpy(&d, &bits, sizeof d);
            assert_true(d == 1.5);
            found = 1;
        }
    assert_true(found);
    assert_pb_string(pb_get(pb_get(n, 5, 0), 2, 0), "{}\n");
    kapi_buf_free(&b);
}

static void test_paths_and_parameters(void **state)
{
    (void)state;
    kapi_buf b;
    pb doc = encode("{\"paths\":{\"/api/v1/namespaces/{namespace}/pods\":{"
                    "\"parameters\":[{\"description\":\"ns\",\"in\":\"path\",\"name\":\"namespace\",\"required\":true,"
                    "                 \"type\":\"string\",\"uniqueItems\":true},"
                    "                {\"$ref\":\"#/parameters/pretty\"}],"
                    "\"post\":{\"consumes\":[\"*/*\"],\"operationId\":\"createCoreV1NamespacedPod\","
                    "  \"parameters\":[{\"in\":\"body\",\"name\":\"body\",\"required\":true,"
                    "                   \"schema\":{\"$ref\":\"#/definitions/io.k8s.api.core.v1.Pod\"}},"
                    "                  {\"in\":\"query\",\"name\":\"fieldValidation\",\"type\":\"string\",\"uniqueItems\":true}],"
                    "  \"responses\":{\"200\":{\"description\":\"OK\",\"schema\":{\"$ref\":\"#/definitions/io.k8s.api.core.v1.Pod\"}},"
                    "                \"401\":{\"description\":\"Unauthorized\"}},"
                    "  \"schemes\":[\"https\"],\"tags\":[\"core_v1\"],\"x-kubernetes-action\":\"post\","
                    "  \"x-kubernetes-group-version-kind\":{\"group\":\"\",\"kind\":\"Pod\",\"version\":\"v1\"}}}},"
                    "\"swagger\":\"2.0\"}", &b);
    pb item = pb_named(pb_get(doc, 8, 0), 2, "/api/v1/namespaces/{namespace}/pods");
    assert_non_null(item.p);
    /* PathItem.parameters 9: a path parameter (NonBodyParameter choice 4)
     * and a reference (ParametersItem choice 2) */
    pb path = pb_get(pb_get(pb_get(pb_get(item, 9, 0), 1, 0), 2, 0), 4, 0);
    assert_int_equal(pb_varint(path, 1), 1);
    assert_pb_string(pb_get(path, 2, 0), "path");
    assert_pb_string(pb_get(path, 4, 0), "namespace");
    assert_pb_string(pb_get(path, 5, 0), "string");
    assert_int_equal(pb_varint(path, 19), 1);
    assert_pb_string(pb_get(pb_get(pb_get(item, 9, 1), 2, 0), 1, 0), "#/parameters/pretty");
    /* post is PathItem field 4 */
    pb post = pb_get(item, 4, 0);
    assert_pb_string(pb_get(post, 1, 0), "core_v1");
    assert_pb_string(pb_get(post, 5, 0), "createCoreV1NamespacedPod");
    assert_pb_string(pb_get(post, 7, 0), "*/*");
    assert_pb_string(pb_get(post, 10, 0), "https");
    /* the body parameter: Parameter choice 1, BodyParameter {.. 5 schema} */
    pb body = pb_get(pb_get(pb_get(post, 8, 0), 1, 0), 1, 0);
    assert_pb_string(pb_get(body, 2, 0), "body");
    assert_pb_string(pb_get(body, 3, 0), "body");
    assert_int_equal(pb_varint(body, 4), 1);
    assert_pb_string(pb_get(pb_get(body, 5, 0), 1, 0), "#/definitions/io.k8s.api.core.v1.Pod");
    /* a query parameter: NonBodyParameter choice 3, type at 6, uniqueItems at 20 */
    pb query = pb_get(pb_get(pb_get(pb_get(post, 8, 1), 1, 0), 2, 0), 3, 0);
    assert_pb_string(pb_get(query, 4, 0), "fieldValidation");
    assert_pb_string(pb_get(query, 6, 0), "string");
    assert_int_equal(pb_varint(query, 20), 1);
    /* responses: NamedResponseValue {1 code, 2 ResponseValue {1 Response {1 description, 2 SchemaItem {1 Schema}}}} */
    pb ok = pb_named(pb_get(post, 9, 0), 1, "200");
    pb response = pb_get(ok, 1, 0);
    assert_pb_string(pb_get(response, 1, 0), "OK");
    assert_pb_string(pb_get(pb_get(pb_get(response, 2, 0), 1, 0), 1, 0), "#/definitions/io.k8s.api.core.v1.Pod");
    assert_pb_string(pb_get(pb_get(pb_named(pb_get(post, 9, 0), 1, "401"), 1, 0), 1, 0), "Unauthorized");
    /* the operation's extensions (13), the GVK as one mapping */
    pb gvk = pb_get(post, 13, 1);
    assert_pb_string(pb_get(gvk, 1, 0), "x-kubernetes-group-version-kind");
    assert_pb_string(pb_get(pb_get(gvk, 2, 0), 2, 0), "{\"group\":\"\",\"kind\":\"Pod\",\"version\":\"v1\"}\n");
    kapi_buf_free(&b);
}

/* ---- the served document */

static kapi_ctx ctx;
static char dir[256];

static int setup(void **state)
{
    (void)state;
    return test_store_open(&ctx, dir, sizeof dir, "openapi-v2");
}

static int teardown(void **state)
{
    (void)state;
    return test_store_remove(&ctx, dir);
}

static kapi_reply get_v2(const char *accept, const char *if_none_match)
{
    kapi_header h = {.name = "if-none-match", .value = if_none_match};
    kapi_call_request rq = {.user = &admin, .method = "GET", .path = "/openapi/v2", .accept = accept,
                            .headers = if_none_match ? &h : NULL, .n_headers = if_none_match ? 1 : 0};
    kapi_reply r;
    kapi_call(&ctx, &rq, &r);
    return r;
}

static void test_negotiation(void **state)
{
    (void)state;
    static const struct {
        const char *accept;
        int status;
        const char *type;
    } cases[] = {
        {"application/json", 200, "application/json"},
        {"*/*", 200, "application/json"},
        {"application/*", 200, "application/json"},
        {"application/com.github.proto-openapi.spec.v2@v1.0+protobuf", 200,
         "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"},
        {"application/com.github.proto-openapi.spec.v2.v1.0+protobuf", 200,
         "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"},
        {"application/json;q=0.5, application/com.github.proto-openapi.spec.v2@v1.0+protobuf", 200,
         "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"},
        {"text/html, application/json;q=0.9", 200, "application/json"},
        {"application/yaml", 406, ""},
        {"text/plain", 406, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kapi_reply r = get_v2(cases[i].accept, NULL);
        if (r.status != cases[i].status || strcmp(r.content_type, cases[i].type))
            fail_msg("Accept %s: got %d %s", cases[i].accept, r.status, r.content_type);
        assert_string_equal(kapi_reply_header(&r, "Vary"), "Accept");
        kapi_reply_free(&r);
    }
}

static void test_etag_and_304(void **state)
{
    (void)state;
    kapi_reply j = get_v2("application/json", NULL);
    kapi_reply p = get_v2("application/com.github.proto-openapi.spec.v2@v1.0+protobuf", NULL);
    const char *etag = kapi_reply_header(&j, "ETag");
    assert_non_null(etag);
    /* quoted upper-case hex SHA-512 of the JSON, the same for both forms */
    assert_int_equal(strlen(etag), 130);
    assert_int_equal(etag[0], '"');
    assert_string_equal(etag, kapi_reply_header(&p, "ETag"));
    assert_non_null(kapi_reply_header(&j, "Last-Modified"));
    kapi_reply again = get_v2("application/com.github.proto-openapi.spec.v2@v1.0+protobuf", etag);
    assert_int_equal(again.status, 304);
    assert_int_equal(again.len, 0);
    kapi_reply_free(&again);
    char weak[200];
    snprintf(weak, sizeof weak, "\"other\", W/%s", etag);
    again = get_v2("application/json", weak);
    assert_int_equal(again.status, 304);
    kapi_reply_free(&again);
    again = get_v2("application/json", "\"other\"");
    assert_int_equal(again.status, 200);
    kapi_reply_free(&again);
    kapi_reply_free(&j);
    kapi_reply_free(&p);
}

/* Every "$ref" under v names a definition. */
static void assert_refs_resolve(const cJSON *v, const cJSON *defs)
{
    if (cJSON_IsString(v) && v->string && !strcmp(v->string, "$ref")) {
        assert_true(!strncmp(v->valuestring, "#/definitions/", 14));
        if (!cJSON_GetObjectItemCaseSensitive(defs, v->valuestring + 14)) fail_msg("dangling %s", v->valuestring);
    }
    for (const cJSON *c = v->child; c; c = c->next) assert_refs_resolve(c, defs);
}

static void test_document_shape(void **state)
{
    (void)state;
    kapi_reply r = get_v2("application/json", NULL);
    assert_int_equal(r.status, 200);
    cJSON *doc = r.json;
    assert_non_null(doc);
    assert_string_equal(cJSON_GetObjectItem(doc, "swagger")->valuestring, "2.0");
    const cJSON *info = cJSON_GetObjectItem(doc, "info");
    assert_string_equal(cJSON_GetObjectItem(info, "title")->valuestring, "Kubernetes");
    assert_string_equal(cJSON_GetObjectItem(info, "version")->valuestring, "v1.32.0");
    const cJSON *defs = cJSON_GetObjectItem(doc, "definitions");
    assert_refs_resolve(doc, defs);
    /* kinds carry their GVK; lists too */
    const cJSON *dep = cJSON_GetObjectItem(defs, "io.k8s.api.apps.v1.Deployment");
    char *gvk = cJSON_PrintUnformatted(cJSON_GetObjectItem(dep, "x-kubernetes-group-version-kind"));
    assert_string_equal(gvk, "[{\"group\":\"apps\",\"kind\":\"Deployment\",\"version\":\"v1\"}]");
    free(gvk);
    assert_non_null(cJSON_GetObjectItem(defs, "io.k8s.api.apps.v1.DeploymentList"));
    /* v2's shape of the scalar-like types: IntOrString a string with its
     * format, Quantity a string, Time a date-time string; no defaults */
    char *s = cJSON_PrintUnformatted(cJSON_GetObjectItem(defs, "io.k8s.apimachinery.pkg.util.intstr.IntOrString"));
    assert_non_null(strstr(s, "\"format\":\"int-or-string\",\"type\":\"string\""));
    free(s);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(defs, "io.k8s.apimachinery.pkg.api.resource.Quantity"),
                                            "type")->valuestring, "string");
    assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(defs, "io.k8s.apimachinery.pkg.api.resource.Quantity"), "oneOf"));
    const cJSON *spec = cJSON_GetObjectItem(cJSON_GetObjectItem(dep, "properties"), "spec");
    assert_string_equal(cJSON_GetObjectItem(spec, "$ref")->valuestring, "#/definitions/io.k8s.api.apps.v1.DeploymentSpec");
    assert_null(cJSON_GetObjectItem(spec, "default"));
    /* patch and list extensions */
    const cJSON *containers = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(defs, "io.k8s.api.core.v1.PodSpec"), "properties"), "containers");
    assert_string_equal(cJSON_GetObjectItem(containers, "x-kubernetes-patch-merge-key")->valuestring, "name");
    assert_string_equal(cJSON_GetObjectItem(containers, "x-kubernetes-patch-strategy")->valuestring, "merge");
    /* paths: operations with action and GVK, a body parameter and fieldValidation */
    const cJSON *paths = cJSON_GetObjectItem(doc, "paths");
    const cJSON *patch = cJSON_GetObjectItem(
        cJSON_GetObjectItem(paths, "/apis/apps/v1/namespaces/{namespace}/deployments/{name}"), "patch");
    assert_non_null(patch);
    assert_string_equal(cJSON_GetObjectItem(patch, "x-kubernetes-action")->valuestring, "patch");
    assert_string_equal(cJSON_GetObjectItem(patch, "operationId")->valuestring, "patchAppsV1NamespacedDeployment");
    const cJSON *params = cJSON_GetObjectItem(patch, "parameters");
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(params, 0), "in")->valuestring, "body");
    int has_fv = 0;
    const cJSON *p;
    cJSON_ArrayForEach(p, params) has_fv |= !strcmp(cJSON_GetObjectItem(p, "name")->valuestring, "fieldValidation");
    assert_true(has_fv);
    assert_non_null(cJSON_GetObjectItem(paths, "/api/v1/namespaces/{namespace}/pods"));
    assert_non_null(cJSON_GetObjectItem(paths, "/api/v1/pods"));
    assert_non_null(cJSON_GetObjectItem(paths, "/apis/rbac.authorization.k8s.io/v1/clusterroles/{name}"));

    /* the protobuf form carries the same definitions and paths, in order */
    kapi_reply pr = get_v2("application/com.github.proto-openapi.spec.v2@v1.0+protobuf", NULL);
    pb m = {(const unsigned char *)pr.text, pr.len};
    assert_pb_string(pb_get(m, 1, 0), "2.0");
    pb pdefs = pb_get(m, 9, 0);
    assert_int_equal(pb_count(pdefs, 1), cJSON_GetArraySize(defs));
    int i = 0;
    const cJSON *d;
    cJSON_ArrayForEach(d, defs) assert_pb_string(pb_get(pb_get(pdefs, 1, i++), 1, 0), d->string);
    pb ppaths = pb_get(m, 8, 0);
    assert_int_equal(pb_count(ppaths, 2), cJSON_GetArraySize(paths));
    pb pdep = pb_named(pdefs, 1, "io.k8s.api.apps.v1.Deployment");
    pb pext = pb_get(pdep, 31, 0);
    assert_pb_string(pb_get(pext, 1, 0), "x-kubernetes-group-version-kind");
    assert_pb_string(pb_get(pb_get(pext, 2, 0), 2, 0), "[{\"group\":\"apps\",\"kind\":\"Deployment\",\"version\":\"v1\"}]\n");
    kapi_reply_free(&pr);
    kapi_reply_free(&r);
}

int main(void)
{
    kapi_alloc_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_document_fields),
        cmocka_unit_test(test_schema_fields),
        cmocka_unit_test(test_paths_and_parameters),
        cmocka_unit_test_setup_teardown(test_negotiation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_etag_and_304, setup, teardown),
        cmocka_unit_test_setup_teardown(test_document_shape, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
