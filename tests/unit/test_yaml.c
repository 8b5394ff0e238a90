/* test_yaml.c: unit tests for the YAML codec (fcgi/api/yaml.c): go-yaml v2
 * scalar resolution, keys, anchors and merges, the billion-laughs bound,
 * depth, error messages, and output byte-for-byte as sigs.k8s.io/yaml's
 * JSONToYAML prints it, plus round trips and large inputs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/json.h"
#include "codec/yaml.h"

/* ---- helpers */

static cJSON *json_of(const char *text)
{
    char err[256];
    cJSON *v = json_parse_strict(text, strlen(text), err, sizeof err);
    if (!v) fail_msg("bad test JSON %s: %s", text, err);
    return v;
}

/* YAML text -> compact JSON text; caller frees. */
static char *yaml_to_json(const char *yaml)
{
    char err[512];
    cJSON *v = yaml_parse(yaml, strlen(yaml), err, sizeof err);
    if (!v) fail_msg("YAML rejected: %s\n---\n%s", err, yaml);
    char *s = json_print(v, 0);
    cJSON_Delete(v);
    assert_non_null(s);
    return s;
}

static void assert_yaml_reads_as(const char *yaml, const char *json)
{
    char *s = yaml_to_json(yaml);
    if (strcmp(s, json) != 0) fail_msg("YAML\n%s\nread as\n%s\nwanted\n%s", yaml, s, json);
    free(s);
}

static void assert_yaml_rejected(const char *yaml, const char *message)
{
    char err[512] = "unset";
    cJSON *v = yaml_parse(yaml, strlen(yaml), err, sizeof err);
    if (v) {
        char *s = json_print(v, 0);
        cJSON_Delete(v);
        fail_msg("accepted\n%s\nas %s", yaml, s ? s : "?");
    }
    if (strcmp(err, message) != 0) fail_msg("YAML\n%s\nfailed with\n%s\nwanted\n%s", yaml, err, message);
}

/* JSON text -> YAML text; caller frees. */
static char *json_to_yaml(const char *json)
{
    cJSON *v = json_of(json);
    kapi_buf b;
    kapi_buf_init(&b);
    assert_int_equal(yaml_write(&b, v), 0);
    cJSON_Delete(v);
    return kapi_buf_steal(&b);
}

static void assert_json_writes_as(const char *json, const char *yaml)
{
    char *s = json_to_yaml(json);
    if (strcmp(s, yaml) != 0) fail_msg("JSON %s\nwrote\n%s\nwanted\n%s", json, s, yaml);
    free(s);
}

/* yaml_parse(yaml_write(v)) must equal v. */
static void assert_round_trip(const cJSON *v)
{
    kapi_buf b;
    kapi_buf_init(&b);
    assert_int_equal(yaml_write(&b, v), 0);
    char err[512];
    cJSON *back = yaml_parse(b.data, b.len, err, sizeof err);
    if (!back) fail_msg("output does not read back: %s\n%s", err, b.data);
    if (!cJSON_Compare(v, back, 1)) {
        char *x = json_print(v, 0), *y = json_print(back, 0);
        fail_msg("round trip changed\n%s\ninto\n%s\nvia\n%s", x, y, b.data);
    }
    cJSON_Delete(back);
    kapi_buf_free(&b);
}

/* ---- writing */

static void test_write_kube_pod_like_kubectl(void **state)
{
    (void)state;
    assert_json_writes_as(
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"nginx\",\"labels\":{\"run\":\"nginx\"},"
        "\"creationTimestamp\":\"2023-02-22T05:04:17Z\"},\"spec\":{\"containers\":[{\"name\":\"nginx\","
        "\"image\":\"nginx\",\"resources\":{}}]},\"status\":{}}",
        "apiVersion: v1\n"
        "kind: Pod\n"
        "metadata:\n"
        "  creationTimestamp: \"2023-02-22T05:04:17Z\"\n"
        "  labels:\n"
        "    run: nginx\n"
        "  name: nginx\n"
        "spec:\n"
        "  containers:\n"
        "  - image: nginx\n"
        "    name: nginx\n"
        "    resources: {}\n"
        "status: {}\n");
}

static void test_write_quotes_strings_only_when_needed(void **state)
{
    (void)state;
    static const struct { const char *json_string, *yaml_value; } cases[] = {
        {"plain", "plain"},
        {"two words", "two words"},
        {"true", "\"true\""}, {"True", "\"True\""}, {"yes", "\"yes\""}, {"on", "\"on\""},
        {"off", "\"off\""}, {"y", "\"y\""}, {"N", "\"N\""}, {"yEs", "yEs"},
        {"null", "\"null\""}, {"~", "\"~\""}, {"", "\"\""},
        {"123", "\"123\""}, {"-1", "\"-1\""}, {"1.5", "\"1.5\""}, {".5", "\".5\""},
        {"1e3", "\"1e3\""}, {"0x1F", "\"0x1F\""}, {"0o17", "\"0o17\""}, {"017", "\"017\""},
        {"08", "\"08\""}, {"0b101", "\"0b101\""}, {"1_000", "\"1_000\""},
        {"99999999999999999999999", "\"99999999999999999999999\""},
        {".inf", "\".inf\""}, {"-.Inf", "\"-.Inf\""}, {".NaN", "\".NaN\""},
        {"1e400", "1e400"}, {"0x", "0x"}, {"+", "+"}, {".", "."},
        {"1:20", "\"1:20\""}, {"-1:20:30.5", "\"-1:20:30.5\""}, {"1:99", "1:99"},
        {"2023-02-22T05:04:17Z", "\"2023-02-22T05:04:17Z\""},
        {"2023-02-22", "\"2023-02-22\""},
        {"2023-2-2 1:2:3", "\"2023-2-2 1:2:3\""},
        {"2023-02-22t05:04:17.123+01:00", "\"2023-02-22t05:04:17.123+01:00\""},
        {"2023-02-30", "2023-02-30"},
        {"2023-02-22T25:00:00Z", "2023-02-22T25:00:00Z"},
        {"- x", "'- x'"}, {"-x", "-x"}, {"a: b", "'a: b'"}, {"a:b", "a:b"}, {"a #b", "'a #b'"},
        {"a#b", "a#b"}, {"#c", "'#c'"}, {"@x", "'@x'"}, {"`x", "'`x'"}, {"*a", "'*a'"},
        {"&a", "'&a'"}, {"!a", "'!a'"}, {"%a", "'%a'"}, {"{a}", "'{a}'"}, {"[a]", "'[a]'"},
        {"a, b", "a, b"}, {"? x", "'? x'"}, {"|", "'|'"}, {">", "'>'"}, {"'q'", "'''q'''"},
        {"\\\"q\\\"", "'\"q\"'"}, {"<<", "<<"},
        {" lead", "' lead'"}, {"trail ", "'trail '"},
        {"tab\\there", "\"tab\\there\""}, {"bell\\u0007", "\"bell\\a\""},
        {"\xc3\xbcn\xc3\xaf" "c\xc3\xb6" "de", "\xc3\xbcn\xc3\xaf" "c\xc3\xb6" "de"},
        {"\xf0\x9f\x98\x80", "\"\\U0001F600\""},
        {"---", "'---'"}, {"...", "'...'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char json[256], yaml[256];
        snprintf(json, sizeof json, "{\"k\":\"%s\"}", cases[i].json_string);
        snprintf(yaml, sizeof yaml, "k: %s\n", cases[i].yaml_value);
        assert_json_writes_as(json, yaml);
    }
}

static void test_write_multiline_strings_as_block_scalars(void **state)
{
    (void)state;
    assert_json_writes_as("{\"a\":\"line1\\nline2\"}", "a: |-\n  line1\n  line2\n");
    assert_json_writes_as("{\"a\":\"line1\\nline2\\n\"}", "a: |\n  line1\n  line2\n");
    assert_json_writes_as("{\"a\":\"x\\n\\n\"}", "a: |+\n  x\n\n");
    assert_json_writes_as("{\"a\":\"  indented\\nnext\\n\"}", "a: |2\n    indented\n  next\n");
    /* a trailing space on a line rules the block style out */
    assert_json_writes_as("{\"a\":\"x \\ny\"}", "a: \"x \\ny\"\n");
    /* as kubectl shows last-applied-configuration */
    assert_json_writes_as("{\"metadata\":{\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":"
                          "\"{\\\"apiVersion\\\":\\\"v1\\\"}\\n\"}}}",
                          "metadata:\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: |\n"
                          "      {\"apiVersion\":\"v1\"}\n");
}

static void test_write_folds_long_lines_at_80_columns(void **state)
{
    (void)state;
    assert_json_writes_as(
        "{\"description\":\"APIVersion defines the versioned schema of this representation of an object. "
        "Servers should convert recognized schemas to the latest internal value, and may reject unrecognized "
        "values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources\"}",
        "description: 'APIVersion defines the versioned schema of this representation of an\n"
        "  object. Servers should convert recognized schemas to the latest internal value,\n"
        "  and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources'\n");
    /* the same text nested as in a CRD schema folds where controller-gen's
     * output (go-yaml v2) folds it */
    assert_json_writes_as(
        "{\"spec\":{\"versions\":[{\"schema\":{\"openAPIV3Schema\":{\"properties\":{\"apiVersion\":{\"description\":"
        "\"APIVersion defines the versioned schema of this representation of an object. "
        "Servers should convert recognized schemas to the latest internal value, and may reject unrecognized "
        "values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources\","
        "\"type\":\"string\"}}}}}]}}",
        "spec:\n"
        "  versions:\n"
        "  - schema:\n"
        "      openAPIV3Schema:\n"
        "        properties:\n"
        "          apiVersion:\n"
        "            description: 'APIVersion defines the versioned schema of this representation\n"
        "              of an object. Servers should convert recognized schemas to the latest\n"
        "              internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources'\n"
        "            type: string\n");
    assert_json_writes_as(
        "{\"long\":\"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
        "incididunt ut labore et dolore magna aliqua\"}",
        "long: Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor\n"
        "  incididunt ut labore et dolore magna aliqua\n");
    /* no spaces: never folded */
    char json[400], yaml[400];
    char word[201];
    memset(word, 'x', 200);
    word[200] = '\0';
    snprintf(json, sizeof json, "{\"k\":\"%s\"}", word);
    snprintf(yaml, sizeof yaml, "k: %s\n", word);
    assert_json_writes_as(json, yaml);
}

static void test_write_values_of_every_type(void **state)
{
    (void)state;
    assert_json_writes_as(
        "{\"b\":[true,false,null],\"e\":[[],{},[[1,2],[3]]],\"n\":[1,-1,0,-0.0,0.5,1e21,1e-7,1234567.5,"
        "100000000000000000000,18446744073709551615,-9223372036854775808,123456789]}",
        "b:\n- true\n- false\n- null\ne:\n- []\n- {}\n- - - 1\n    - 2\n  - - 3\n"
        "\"n\":\n- 1\n- -1\n- 0\n- 0\n- 0.5\n- 1e+21\n- 1e-07\n- 1.2345675e+06\n"
        "- 100000000000000000000\n- 18446744073709552000\n- -9.223372036854776e+18\n- 123456789\n");
    assert_json_writes_as("{}", "{}\n");
    assert_json_writes_as("[]", "[]\n");
    assert_json_writes_as("null", "null\n");
    assert_json_writes_as("\"abc\"", "abc\n");
    assert_json_writes_as("[{\"a\":[{\"b\":1}]}]", "- a:\n  - b: 1\n");
    assert_json_writes_as("{\"a\":{\"b\":{\"c\":[]}}}", "a:\n  b:\n    c: []\n");
}

static void test_write_sorts_keys_like_go_yaml(void **state)
{
    (void)state;
    assert_json_writes_as(
        "{\"z\":1,\"ab\":1,\"a10\":1,\"a9\":1,\"a_b\":1,\"A\":1,\"_\":1,\"a-b\":1,\"a.b\":1,\"a1\":1,"
        "\"a01\":1,\"a001\":1,\"~\":1,\"B\":1,\"b\":1,\" x\":1}",
        "' x': 1\n_: 1\n\"~\": 1\nA: 1\nB: 1\na-b: 1\na.b: 1\na_b: 1\na1: 1\na01: 1\na001: 1\na9: 1\n"
        "a10: 1\nab: 1\nb: 1\nz: 1\n");
    assert_json_writes_as("{\"item10\":1,\"item2\":1,\"item1\":1}", "item1: 1\nitem2: 1\nitem10: 1\n");
}

static void test_write_invalid_utf8_as_binary(void **state)
{
    (void)state;
    cJSON *v = cJSON_CreateObject();
    cJSON_AddStringToObject(v, "k", "\xff\xfe");
    kapi_buf b;
    kapi_buf_init(&b);
    assert_int_equal(yaml_write(&b, v), 0);
    assert_string_equal(b.data, "k: !!binary //4=\n");
    kapi_buf_free(&b);
    cJSON_Delete(v);
    assert_int_equal(yaml_write(&b, NULL), -1);
    kapi_buf_free(&b);
}

/* ---- reading */

static void test_read_scalars_with_go_yaml_v2_rules(void **state)
{
    (void)state;
    assert_yaml_reads_as("[yes, Yes, YES, no, No, NO, true, True, TRUE, false, False, FALSE, on, On, ON, off, Off, OFF, y, Y, n, N]",
                         "[true,true,true,false,false,false,true,true,true,false,false,false,true,true,true,false,false,false,true,true,false,false]");
    assert_yaml_reads_as("[yEs, tRUE, oN, nO]", "[\"yEs\",\"tRUE\",\"oN\",\"nO\"]");
    assert_yaml_reads_as("[null, Null, NULL, ~, '', \"\", nULL]", "[null,null,null,null,\"\",\"\",\"nULL\"]");
    assert_yaml_reads_as("a:\nb: ~\n", "{\"a\":null,\"b\":null}");
    assert_yaml_reads_as("[0, 12, -12, +12, 0x1F, 0X1f, 0o17, 017, 08, 0b101, -0b101, 1_000, -0, 0x, 0b]",
                         "[0,12,-12,12,31,31,15,15,8,5,-5,1000,0,\"0x\",\"0b\"]");
    assert_yaml_reads_as("[1.5, -1.5, 1e3, 1E-2, .5, -.5, +.5, 1., 0., -0.0, 1_0.5, 6.02e+23]",
                         "[1.5,-1.5,1000,0.01,0.5,-0.5,0.5,1,0,-0,10.5,6.02e+23]");
    assert_yaml_reads_as("[9223372036854775807, 18446744073709551615, 99999999999999999999999, 0x10000000000000000]",
                         "[9223372036854776000,18446744073709552000,1e+23,18446744073709552000]");
    assert_yaml_reads_as("[-0x10000000000000000, 1e400, 1:20, ., +, -, 0x1G, 1.2.3, 12abc]",
                         "[\"-0x10000000000000000\",\"1e400\",\"1:20\",\".\",\"+\",\"-\",\"0x1G\",\"1.2.3\",\"12abc\"]");
    assert_yaml_reads_as("[2023-01-01, 2023-02-22T05:04:17Z, 2001-12-14 21:59:43.10]",
                         "[\"2023-01-01\",\"2023-02-22T05:04:17Z\",\"2001-12-14 21:59:43.10\"]");
    assert_yaml_reads_as("['123', \"true\", 'null', \"1.5\", '~']", "[\"123\",\"true\",\"null\",\"1.5\",\"~\"]");
    assert_yaml_reads_as("[<<, a b, 'it''s', \"tab\\there\", \"\\u00e9\\x41\"]",
                         "[\"\\u003c\\u003c\",\"a b\",\"it's\",\"tab\\there\",\"\xc3\xa9" "A\"]");
}

static void test_read_tags(void **state)
{
    (void)state;
    assert_yaml_reads_as("[!!str 5, !!str true, !!int \"5\", !!float 5, !!bool yes, !!null '', ! 12, !custom 12]",
                         "[\"5\",\"true\",5,5,true,null,\"12\",\"12\"]");
    assert_yaml_reads_as("[!!timestamp 2023-01-01, !!binary aGVsbG8=, !!binary \"aGVs\\nbG8=\"]",
                         "[\"2023-01-01\",\"hello\",\"hello\"]");
    assert_yaml_rejected("a: !!int abc", "error converting YAML to JSON: yaml: cannot decode !!str `abc` as a !!int");
    assert_yaml_rejected("a: !!bool 1", "error converting YAML to JSON: yaml: cannot decode !!int `1` as a !!bool");
    assert_yaml_rejected("a: !!timestamp x", "error converting YAML to JSON: yaml: cannot decode !!str `x` as a !!timestamp");
    assert_yaml_rejected("a: !!binary \"bad!\"", "error converting YAML to JSON: yaml: !!binary value contains invalid base64 data");
}

static void test_read_block_scalars_and_collections(void **state)
{
    (void)state;
    assert_yaml_reads_as("s: |\n  line1\n  line2\nf: >\n  folded\n  text\n\n  para\nk: |-\n  nonl\n"
                         "keep: |+\n  x\n\nlist:\n- a\n- b: c\n  d: e\n- - n1\n  - n2\n",
                         "{\"s\":\"line1\\nline2\\n\",\"f\":\"folded text\\npara\\n\",\"k\":\"nonl\","
                         "\"keep\":\"x\\n\\n\",\"list\":[\"a\",{\"b\":\"c\",\"d\":\"e\"},[\"n1\",\"n2\"]]}");
    assert_yaml_reads_as("{a: [1, {b: c}], d: {}, e: []}", "{\"a\":[1,{\"b\":\"c\"}],\"d\":{},\"e\":[]}");
    assert_yaml_reads_as("plain multi\n  line scalar", "\"plain multi line scalar\"");
    /* JSON is YAML */
    assert_yaml_reads_as("{\"a\": [1, 2.5, \"x\", true, null], \"b\": {}}",
                         "{\"a\":[1,2.5,\"x\",true,null],\"b\":{}}");
    assert_yaml_reads_as("# comment\napiVersion: v1 # trailing\nkind: Pod\n",
                         "{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}");
}

static void test_read_non_string_keys_as_strings(void **state)
{
    (void)state;
    assert_yaml_reads_as("1: a\n1.5: b\ntrue: c\n0x10: d\n1e3: f\n3.14159265: g\n2023-01-01: h\n\"q\": i\n.inf: j\n"
                         "1e10: k\n-7: l\n",
                         "{\"1\":\"a\",\"1.5\":\"b\",\"true\":\"c\",\"16\":\"d\",\"1000\":\"f\",\"3.1415927\":\"g\","
                         "\"2023-01-01\":\"h\",\"q\":\"i\",\".inf\":\"j\",\"1e+10\":\"k\",\"-7\":\"l\"}");
    /* float keys print as float32, as sigs.k8s.io/yaml does */
    assert_yaml_reads_as("1e300: a\n-1e300: b\n0.1: c\n9223372036854775807: d\n",
                         "{\".inf\":\"a\",\"-.inf\":\"b\",\"0.1\":\"c\",\"9223372036854775807\":\"d\"}");
    assert_yaml_rejected("18446744073709551615: x",
                         "error converting YAML to JSON: unsupported map key of type: uint64, key: 18446744073709551615");
    /* YAML 1.1: y, n, on, off are booleans, keys too */
    assert_yaml_reads_as("y: 1\nn: 2\non: 3\n", "{\"true\":3,\"false\":2}");
    assert_yaml_rejected("~: 1", "error converting YAML to JSON: unsupported map key of type: %!s(<nil>), key: <nil>");
    assert_yaml_rejected("? [a]\n: b", "error converting YAML to JSON: yaml: invalid map key: a sequence cannot be a key");
    assert_yaml_rejected("? {a: 1}\n: b", "error converting YAML to JSON: yaml: invalid map key: a mapping cannot be a key");
}

static void test_read_duplicate_keys_keep_the_last(void **state)
{
    (void)state;
    assert_yaml_reads_as("a: 1\nb: 2\na: 3\nc: {x: 1, x: 2}", "{\"a\":3,\"b\":2,\"c\":{\"x\":2}}");
    char err[256], dup[256];
    const char *doc = "a: 1\nb:\n  c: 1\n  c: 2\na: 3\n";
    cJSON *v = yaml_parse_noting_duplicate(doc, strlen(doc), err, sizeof err, dup, sizeof dup);
    assert_non_null(v);
    assert_string_equal(dup, "line 4: key \"c\" already set in map");
    cJSON_Delete(v);
    doc = "\"a b\": 1\n1: x\n\"a b\": 2\n";
    v = yaml_parse_noting_duplicate(doc, strlen(doc), err, sizeof err, dup, sizeof dup);
    assert_non_null(v);
    assert_string_equal(dup, "line 3: key \"a b\" already set in map");
    cJSON_Delete(v);
    doc = "1: x\n0x1: y\n";
    v = yaml_parse_noting_duplicate(doc, strlen(doc), err, sizeof err, dup, sizeof dup);
    assert_non_null(v);
    assert_string_equal(dup, "line 2: key 1 already set in map");
    cJSON_Delete(v);
    doc = "a: 1\nb: {a: 2}\n";
    v = yaml_parse_noting_duplicate(doc, strlen(doc), err, sizeof err, dup, sizeof dup);
    assert_non_null(v);
    assert_string_equal(dup, "");
    cJSON_Delete(v);

    /* many keys: linear, and the last value wins */
    kapi_buf b;
    kapi_buf_init(&b);
    for (int i = 0; i < 100000; i++) kapi_buf_printf(&b, "key%d: %d\n", i, i);
    kapi_buf_puts(&b, "key5: again\n");
    v = yaml_parse(b.data, b.len, err, sizeof err);
    assert_non_null(v);
    assert_int_equal(cJSON_GetArraySize(v), 100000);
    assert_string_equal(cJSON_GetObjectItem(v, "key5")->valuestring, "again");
    assert_string_equal(cJSON_GetArrayItem(v, 5)->string, "key5");
    cJSON_Delete(v);
    kapi_buf_free(&b);
}

static void test_read_anchors_aliases_and_merges(void **state)
{
    (void)state;
    assert_yaml_reads_as("a: &x {k: v, l: [1, 2]}\nb: *x\nc: &s text\nd: *s\n",
                         "{\"a\":{\"k\":\"v\",\"l\":[1,2]},\"b\":{\"k\":\"v\",\"l\":[1,2]},\"c\":\"text\",\"d\":\"text\"}");
    assert_yaml_reads_as("base: &b\n  x: 1\n  z: 2\nother: &o {w: 3, x: 9}\n"
                         "m:\n  <<: *b\n  z: 20\n"
                         "mm:\n  <<: [*b, *o]\n"
                         "k:\n  x: 0\n  <<: *b\n",
                         "{\"base\":{\"x\":1,\"z\":2},\"other\":{\"w\":3,\"x\":9},\"m\":{\"x\":1,\"z\":20},"
                         "\"mm\":{\"w\":3,\"x\":1,\"z\":2},\"k\":{\"x\":1,\"z\":2}}");
    /* an anchored value that a later duplicate replaces stays usable */
    assert_yaml_reads_as("a: &x [1]\na: 2\nb: *x\n", "{\"a\":2,\"b\":[1]}");
    assert_yaml_reads_as("<<: &m {a: 1}\nb: *m\n", "{\"a\":1,\"b\":{\"a\":1}}");
    /* an anchor may be redefined; aliases see the latest */
    assert_yaml_reads_as("- &a 1\n- *a\n- &a 2\n- *a\n", "[1,1,2,2]");
    assert_yaml_reads_as("- &a [&a 1, *a]\n- *a\n", "[[1,1],1]");
    /* an anchored key, used later as key and as value */
    assert_yaml_reads_as("&k name: 1\n*k : 2\nv: *k\n", "{\"name\":2,\"v\":\"name\"}");
    assert_yaml_rejected("a: *x", "error converting YAML to JSON: yaml: unknown anchor 'x' referenced");
    assert_yaml_rejected("a: &x [*x]", "error converting YAML to JSON: yaml: anchor 'x' value contains itself");
    assert_yaml_rejected("a:\n  <<: 1\n", "error converting YAML to JSON: yaml: map merge requires map or sequence of maps as the value");
    assert_yaml_rejected("a:\n  <<: [{b: 1}, 2]\n", "error converting YAML to JSON: yaml: map merge requires map or sequence of maps as the value");
}

static void test_read_rejects_billion_laughs(void **state)
{
    (void)state;
    const char *lol =
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
        "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
        "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
        "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
        "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
        "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
        "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
    assert_yaml_rejected(lol, "error converting YAML to JSON: yaml: document contains excessive aliasing");
    /* a small expansion is fine */
    assert_yaml_reads_as("a: &a [1, 2]\nb: &b [*a, *a]\nc: [*b, *b]\n",
                         "{\"a\":[1,2],\"b\":[[1,2],[1,2]],\"c\":[[[1,2],[1,2]],[[1,2],[1,2]]]}");
}

static char *nested_flow(int depth)
{
    char *s = malloc((size_t)depth * 2 + 1);
    memset(s, '[', (size_t)depth);
    memset(s + depth, ']', (size_t)depth);
    s[depth * 2] = '\0';
    return s;
}

static void test_read_limits_depth(void **state)
{
    (void)state;
    char err[256];
    int ok_depths[] = {999, 1000};
    for (int i = 0; i < 2; i++) {
        char *doc = nested_flow(ok_depths[i]);
        cJSON *v = yaml_parse(doc, strlen(doc), err, sizeof err);
        if (!v) fail_msg("depth %d rejected: %s", ok_depths[i], err);
        cJSON_Delete(v);
        free(doc);
    }
    char *doc = nested_flow(1001);
    assert_yaml_rejected(doc, "error converting YAML to JSON: yaml: exceeded max depth of 1000");
    free(doc);
    /* block mappings count the same */
    kapi_buf b;
    kapi_buf_init(&b);
    for (int i = 0; i < 1001; i++) {
        for (int k = 0; k < i; k++) kapi_buf_putc(&b, ' ');
        kapi_buf_puts(&b, "a:\n");
    }
    assert_yaml_rejected(b.data, "error converting YAML to JSON: yaml: exceeded max depth of 1000");
    kapi_buf_free(&b);
    /* aliases cannot sneak past the limit */
    kapi_buf_init(&b);
    char *inner = nested_flow(600);
    kapi_buf_printf(&b, "a: &x %s\nb: %.*s*x%s\n", inner, 500, inner, inner + 1200 - 500);
    assert_yaml_rejected(b.data, "error converting YAML to JSON: yaml: exceeded max depth of 1000");
    free(inner);
    kapi_buf_free(&b);
}

static void test_read_errors_like_kube(void **state)
{
    (void)state;
    static const struct { const char *in, *msg; } cases[] = {
        {"a: b: c", "error converting YAML to JSON: yaml: mapping values are not allowed in this context"},
        {"a: 1\nb: 2\nc: d: e", "error converting YAML to JSON: yaml: line 3: mapping values are not allowed in this context"},
        {"a:\n  - b\n c: d", "error converting YAML to JSON: yaml: line 2: did not find expected key"},
        {"a: [1, 2", "error converting YAML to JSON: yaml: line 1: did not find expected ',' or ']'"},
        {"key: \"unterminated", "error converting YAML to JSON: yaml: found unexpected end of stream"},
        {"a: 1\n\tb: 2", "error converting YAML to JSON: yaml: line 2: found a tab character that violates indentation"},
        {"a: \xff", "error converting YAML to JSON: yaml: invalid leading UTF-8 octet"},
        {"a: \x01", "error converting YAML to JSON: yaml: control characters are not allowed"},
        {"a: 'x\n", "error converting YAML to JSON: yaml: line 2: found unexpected end of stream"},
        /* parser (not scanner) errors show the 0-based line, as go-yaml v2 does */
        {"- a\nb: c", "error converting YAML to JSON: yaml: line 1: did not find expected '-' indicator"},
        {"{a: 1", "error converting YAML to JSON: yaml: line 1: did not find expected ',' or '}'"},
        {"a: .inf", "error converting YAML to JSON: json: unsupported value: +Inf"},
        {"a: -.inf", "error converting YAML to JSON: json: unsupported value: -Inf"},
        {"a: .nan", "error converting YAML to JSON: json: unsupported value: NaN"},
        {"a: \"nul\\0\"", "error converting YAML to JSON: yaml: a NUL character in a string is not supported"},
        {"", "error converting YAML to JSON: empty YAML document"},
        {"# only a comment\n", "error converting YAML to JSON: empty YAML document"},
        {"---\n", "error converting YAML to JSON: empty YAML document"},
        {"---\n---\na: 1\n", "error converting YAML to JSON: empty YAML document"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_yaml_rejected(cases[i].in, cases[i].msg);
    /* NUL bytes in the input, error buffer optional */
    char err[256];
    assert_null(yaml_parse("a: b\0c", 6, err, sizeof err));
    assert_string_equal(err, "error converting YAML to JSON: yaml: control characters are not allowed");
    assert_null(yaml_parse("a: b: c", 7, NULL, 0));
    assert_null(yaml_parse(NULL, 0, err, sizeof err));
    char small[10];
    assert_null(yaml_parse("a: b: c", 7, small, sizeof small));
    assert_int_equal(strlen(small), sizeof small - 1);
}

static void test_read_only_the_first_document(void **state)
{
    (void)state;
    assert_yaml_reads_as("a: 1\n---\nb: 2\n", "{\"a\":1}");
    assert_yaml_reads_as("---\na: 1\n...\n---\nb: 2\n", "{\"a\":1}");
    assert_yaml_reads_as("a: 1\n---\n]: [\n", "{\"a\":1}");
    assert_yaml_reads_as("null", "null");
    assert_yaml_reads_as("~", "null");
    assert_yaml_reads_as("42", "42");
}

static void test_every_truncation_fails_or_reads(void **state)
{
    (void)state;
    const char *doc = "a: &x {k: [1, 'two', \"th\\u00e9\"]}\nb:\n- *x\n- |\n  text\nc: !!int 7\n";
    size_t len = strlen(doc);
    char err[512];
    for (size_t i = 0; i <= len; i++) {
        err[0] = '\0';
        cJSON *v = yaml_parse(doc, i, err, sizeof err);
        if (v) cJSON_Delete(v);
        else assert_true(strlen(err) > 0);
    }
    char *copy = strdup(doc);
    for (size_t i = 0; i < len; i++) {
        for (int c = 1; c < 256; c += 5) {
            memcpy(copy, doc, len);
            copy[i] = (char)c;
            err[0] = '\0';
            cJSON *v = yaml_parse(copy, len, err, sizeof err);
            if (v) cJSON_Delete(v);
            else assert_true(strlen(err) > 0);
        }
    }
    free(copy);
}

/* ---- both directions */

static void test_round_trips(void **state)
{
    (void)state;
    static const char *docs[] = {
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\",\"labels\":{\"app\":\"web\","
        "\"tier\":\"1\"},\"annotations\":{\"deployment.kubernetes.io/revision\":\"1\",\"note\":\"yes\"}},\"spec\":"
        "{\"replicas\":3,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"template\":{\"metadata\":{\"labels\":"
        "{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1.25\",\"args\":[\"--port\","
        "\"8080\",\"--verbose=true\"],\"env\":[{\"name\":\"A\",\"value\":\"\"},{\"name\":\"B\",\"value\":\"0x1F\"}],"
        "\"resources\":{\"limits\":{\"cpu\":\"500m\",\"memory\":\"128Mi\"}}}]}}},\"status\":{}}",
        "{\"strings\":[\"true\",\"false\",\"yes\",\"no\",\"on\",\"off\",\"y\",\"n\",\"null\",\"~\",\"\",\"123\",\"-1.5e3\","
        "\".5\",\"0o17\",\"1:20\",\"2023-02-22T05:04:17Z\",\"2023-01-01\",\"<<\",\" lead\",\"trail \",\"a: b\",\"a #b\","
        "\"#c\",\"- x\",\"[x]\",\"{x}\",\"*x\",\"&x\",\"!x\",\"%x\",\"@x\",\"`x\",\"'q'\",\"\\\"dq\\\"\",\"multi\\nline\","
        "\"trailing\\n\\n\",\"\\n\",\" \",\"tab\\tx\",\"\\u0001\",\"\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80\",\"---\",\"...\","
        "\"x\\r\\ny\",\"  two\\n  lines\\n\"]}",
        "{\"numbers\":[0,1,-1,42,1.5,-0.25,1e21,1e-7,123456.789,9007199254740992,3.141592653589793,1e300]}",
        "{\"nested\":[[],{},[[]],[{}],{\"a\":[]},{\"b\":{}},[[1,[2,[3]]]],{\"c\":{\"d\":{\"e\":null}}}],\"bools\":[true,false]}",
        "{\"true\":1,\"null\":2,\"123\":3,\"\":4,\" k\":5,\"a: b\":6,\"multi\\nline\":7,\"\xc3\xa9\":8,\"y\":9}",
        "[\"top\",\"level\",\"sequence\"]",
        "\"top-level string\"",
        "12",
    };
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
        cJSON *v = json_of(docs[i]);
        assert_round_trip(v);
        cJSON_Delete(v);
    }
    /* go-yaml v2 writes a "<<" key plain, and so reads it back as a merge
     * key: the same document fails the same way with kube-apiserver */
    assert_json_writes_as("{\"<<\":1}", "<<: 1\n");
    assert_yaml_rejected("<<: 1\n", "error converting YAML to JSON: yaml: map merge requires map or sequence of maps as the value");
    /* a long key (over 128 characters is not a simple key) */
    char key[300];
    memset(key, 'k', 299);
    key[299] = '\0';
    cJSON *v = cJSON_CreateObject();
    cJSON_AddStringToObject(v, key, "v");
    assert_round_trip(v);
    cJSON_Delete(v);
}

static void test_huge_string_round_trip(void **state)
{
    (void)state;
    size_t n = 3 * 1024 * 1024;
    char *s = malloc(n + 1);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++) s[i] = (i % 97 == 96) ? ' ' : (char)('a' + i % 26);
    s[n] = '\0';
    cJSON *v = cJSON_CreateObject();
    cJSON_AddStringToObject(v, "data", s);
    assert_round_trip(v);
    cJSON_Delete(v);
    /* and as a block scalar */
    for (size_t i = 80; i < n; i += 80) s[i] = '\n';
    v = cJSON_CreateObject();
    cJSON_AddStringToObject(v, "data", s);
    assert_round_trip(v);
    cJSON_Delete(v);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_kube_pod_like_kubectl),
        cmocka_unit_test(test_write_quotes_strings_only_when_needed),
        cmocka_unit_test(test_write_multiline_strings_as_block_scalars),
        cmocka_unit_test(test_write_folds_long_lines_at_80_columns),
        cmocka_unit_test(test_write_values_of_every_type),
        cmocka_unit_test(test_write_sorts_keys_like_go_yaml),
        cmocka_unit_test(test_write_invalid_utf8_as_binary),
        cmocka_unit_test(test_read_scalars_with_go_yaml_v2_rules),
        cmocka_unit_test(test_read_tags),
        cmocka_unit_test(test_read_block_scalars_and_collections),
        cmocka_unit_test(test_read_non_string_keys_as_strings),
        cmocka_unit_test(test_read_duplicate_keys_keep_the_last),
        cmocka_unit_test(test_read_anchors_aliases_and_merges),
        cmocka_unit_test(test_read_rejects_billion_laughs),
        cmocka_unit_test(test_read_limits_depth),
        cmocka_unit_test(test_read_errors_like_kube),
        cmocka_unit_test(test_read_only_the_first_document),
        cmocka_unit_test(test_every_truncation_fails_or_reads),
        cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_huge_string_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
