/* test_validate_meta.c: name and object metadata validation give
 * kube-apiserver's messages and field paths, word for word (as
 * field_error_string() and the 422 Status message print them), and survive
 * metadata of the wrong JSON types. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include "codec/fielderr.h"
#include "codec/validate_meta.h"

#define SUBDOMAIN_MSG "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric " \
    "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. " \
    "'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]" \
    "([-a-z0-9]*[a-z0-9])?)*')"
#define LABEL_MSG "a lowercase RFC 1123 label must consist of lower case alphanumeric " \
    "characters or '-', and must start and end with an alphanumeric character (e.g. " \
    "'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
#define DNS1035_MSG "a DNS-1035 label must consist of lower case alphanumeric characters or " \
    "'-', start with an alphabetic character, and end with an alphanumeric character (e.g. " \
    "'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
#define QNAME_REGEX_MSG "must consist of alphanumeric characters, '-', '_' or '.', and must " \
    "start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or " \
    "'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
#define LABEL_VALUE_MSG "a valid label must be an empty string or consist of alphanumeric " \
    "characters, '-', '_' or '.', and must start and end with an alphanumeric character " \
    "(e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is " \
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"

/* ---- helpers ----------------------------------------------------------- */

static cJSON *parse(const char *json)
{
    cJSON *j = cJSON_Parse(json);
    assert_non_null(j);
    return j;
}

/* The field errors, one string each, are exactly want (NULL-terminated). */
static void assert_errors(const field_errors *errs, const char *const *want)
{
    int n = 0;
    while (want[n]) n++;
    char got[2048];
    for (int i = 0; i < errs->n; i++) {
        field_error_string(&errs->e[i], got, sizeof got);
        if (i >= n || strcmp(got, want[i]) != 0) {
            fprintf(stderr, "error %d:\n  got:  %s\n  want: %s\n", i, got, i < n ? want[i] : "(none)");
        }
    }
    assert_int_equal(errs->n, n);
    for (int i = 0; i < n; i++) {
        field_error_string(&errs->e[i], got, sizeof got);
        assert_string_equal(got, want[i]);
    }
}

/* Validates {"metadata": json} as a create and compares the errors. */
static void assert_meta_errors(const char *json, int namespaced, name_validator v,
                               const char *const *want)
{
    cJSON *meta = parse(json);
    field_errors errs = {.n = 0};
    validate_object_meta(meta, namespaced, v, &errs);
    assert_errors(&errs, want);
    cJSON_Delete(meta);
}

static void assert_update_errors(const char *new_json, const char *old_json,
                                 const char *const *want)
{
    cJSON *now = parse(new_json), *before = parse(old_json);
    field_errors errs = {.n = 0};
    validate_object_meta_update(now, before, &errs);
    assert_errors(&errs, want);
    cJSON_Delete(now);
    cJSON_Delete(before);
}

static const char *const none[] = {NULL};

static char *repeat(char c, size_t n)
{
    char *s = malloc(n + 1);
    assert_non_null(s);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

/* ---- names ------------------------------------------------------------- */

static void test_subdomain_name_with_underscore(void **state)
{
    (void)state;
    static const char *const want[] = {
        "metadata.name: Invalid value: \"Bad_Name\": " SUBDOMAIN_MSG, NULL};
    assert_meta_errors("{\"name\":\"Bad_Name\",\"namespace\":\"default\"}", 1,
                       name_is_dns1123_subdomain, want);
}

static void test_status_message_for_bad_configmap_name(void **state)
{
    (void)state;
    cJSON *meta = parse("{\"name\":\"Bad_Name\",\"namespace\":\"default\"}");
    field_errors errs = {.n = 0};
    validate_object_meta(meta, 1, name_is_dns1123_subdomain, &errs);
    cJSON *st = field_errors_status(&errs, "", "ConfigMap", "Bad_Name");
    cJSON *msg = cJSON_GetObjectItemCaseSensitive(st, "message");
    assert_string_equal(msg->valuestring,
                        "ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: "
                        "\"Bad_Name\": " SUBDOMAIN_MSG);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(st, "code")->valueint, 422);
    cJSON *cause = cJSON_GetArrayItem(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(st, "details"), "causes"), 0);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(cause, "reason")->valuestring,
                        "FieldValueInvalid");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(cause, "field")->valuestring,
                        "metadata.name");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(cause, "message")->valuestring,
                        "Invalid value: \"Bad_Name\": " SUBDOMAIN_MSG);
    cJSON_Delete(st);
    cJSON_Delete(meta);
}

static void test_status_message_lists_several_errors(void **state)
{
    (void)state;
    cJSON *meta = parse("{\"name\":\"Web\",\"labels\":{\"a\":\"-x\"}}");
    field_errors errs = {.n = 0};
    validate_object_meta(meta, 1, name_is_dns1123_subdomain, &errs);
    cJSON *st = field_errors_status(&errs, "apps", "Deployment", "Web");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(st, "message")->valuestring,
                        "Deployment.apps \"Web\" is invalid: [metadata.name: Invalid value: "
                        "\"Web\": " SUBDOMAIN_MSG ", metadata.namespace: Required value, "
                        "metadata.labels: Invalid value: \"-x\": " LABEL_VALUE_MSG "]");
    cJSON_Delete(st);
    cJSON_Delete(meta);
}

static void test_subdomain_length_boundary(void **state)
{
    (void)state;
    validation_messages m;
    char *s = repeat('a', 253);
    name_is_dns1123_subdomain(s, 0, &m);
    assert_int_equal(m.n, 0);
    free(s);
    s = repeat('a', 254);
    name_is_dns1123_subdomain(s, 0, &m);
    assert_int_equal(m.n, 1);
    assert_string_equal(m.text[0], "must be no more than 253 characters");
    free(s);
    /* too long and badly formed: two messages, two field errors */
    s = repeat('A', 254);
    name_is_dns1123_subdomain(s, 0, &m);
    assert_int_equal(m.n, 2);
    assert_string_equal(m.text[0], "must be no more than 253 characters");
    assert_string_equal(m.text[1], SUBDOMAIN_MSG);
    field_errors errs = {.n = 0};
    add_invalid_value_for_each_message(&errs, "metadata.name", s, &m);
    assert_int_equal(errs.n, 2);
    free(s);
    /* dotted names are subdomains; empty parts are not */
    name_is_dns1123_subdomain("a.b-c.d1", 0, &m);
    assert_int_equal(m.n, 0);
    name_is_dns1123_subdomain("a..b", 0, &m);
    assert_int_equal(m.n, 1);
    name_is_dns1123_subdomain("a.", 0, &m);
    assert_int_equal(m.n, 1);
    name_is_dns1123_subdomain("-a", 0, &m);
    assert_int_equal(m.n, 1);
}

static void test_label_length_boundary(void **state)
{
    (void)state;
    validation_messages m;
    char *s = repeat('a', 63);
    name_is_dns1123_label(s, 0, &m);
    assert_int_equal(m.n, 0);
    name_is_dns1035_label(s, 0, &m);
    assert_int_equal(m.n, 0);
    free(s);
    s = repeat('a', 64);
    name_is_dns1123_label(s, 0, &m);
    assert_int_equal(m.n, 1);
    assert_string_equal(m.text[0], "must be no more than 63 characters");
    name_is_dns1035_label(s, 0, &m);
    assert_int_equal(m.n, 1);
    assert_string_equal(m.text[0], "must be no more than 63 characters");
    free(s);
}

static void test_namespace_name_is_a_dns_label(void **state)
{
    (void)state;
    static const char *const want[] = {
        "metadata.name: Invalid value: \"foo.bar\": " LABEL_MSG, NULL};
    assert_meta_errors("{\"name\":\"foo.bar\"}", 0, name_is_dns1123_label, want);
    assert_meta_errors("{\"name\":\"123-abc\"}", 0, name_is_dns1123_label, none);
}

static void test_service_name_is_a_dns1035_label(void **state)
{
    (void)state;
    static const char *const want[] = {
        "metadata.name: Invalid value: \"1abc\": " DNS1035_MSG, NULL};
    assert_meta_errors("{\"name\":\"1abc\",\"namespace\":\"default\"}", 1, name_is_dns1035_label,
                       want);
    static const char *const upper[] = {
        "metadata.name: Invalid value: \"MySvc\": " DNS1035_MSG, NULL};
    assert_meta_errors("{\"name\":\"MySvc\",\"namespace\":\"default\"}", 1, name_is_dns1035_label,
                       upper);
    assert_meta_errors("{\"name\":\"my-svc\",\"namespace\":\"default\"}", 1, name_is_dns1035_label,
                       none);
}

static void test_uppercase_names(void **state)
{
    (void)state;
    static const char *const want[] = {
        "metadata.name: Invalid value: \"MyPod\": " SUBDOMAIN_MSG, NULL};
    assert_meta_errors("{\"name\":\"MyPod\",\"namespace\":\"default\"}", 1,
                       name_is_dns1123_subdomain, want);
}

static void test_generate_name_with_trailing_dash(void **state)
{
    (void)state;
    validation_messages m;
    name_is_dns1123_subdomain("web-", 1, &m);
    assert_int_equal(m.n, 0);
    name_is_dns1123_subdomain("web-", 0, &m);     /* as a name it is not valid */
    assert_int_equal(m.n, 1);
    name_is_dns1123_label("-", 1, &m);
    assert_int_equal(m.n, 0);
    name_is_dns1035_label("web-", 1, &m);
    assert_int_equal(m.n, 0);
    /* kube masks the last two characters: "1-" is checked as "a" */
    name_is_dns1035_label("1-", 1, &m);
    assert_int_equal(m.n, 0);
    /* the 253 limit applies to the masked prefix: 254 with dash is 253 */
    char *s = repeat('a', 254);
    s[253] = '-';
    name_is_dns1123_subdomain(s, 1, &m);
    assert_int_equal(m.n, 0);
    free(s);

    /* a bad generateName and the name generated from it are both reported */
    static const char *const want[] = {
        "metadata.generateName: Invalid value: \"Web-\": " SUBDOMAIN_MSG,
        "metadata.name: Invalid value: \"Web-x1b2c\": " SUBDOMAIN_MSG, NULL};
    assert_meta_errors("{\"generateName\":\"Web-\",\"name\":\"Web-x1b2c\",\"namespace\":\"ns\"}", 1,
                       name_is_dns1123_subdomain, want);
    assert_meta_errors("{\"generateName\":\"web-\",\"name\":\"web-x1b2c\",\"namespace\":\"ns\"}", 1,
                       name_is_dns1123_subdomain, none);
}

static void test_name_or_generate_name_required(void **state)
{
    (void)state;
    static const char *const want[] = {
        "metadata.name: Required value: name or generateName is required", NULL};
    assert_meta_errors("{\"namespace\":\"default\"}", 1, name_is_dns1123_subdomain, want);
    assert_meta_errors("{\"name\":\"\",\"namespace\":\"default\"}", 1, name_is_dns1123_subdomain,
                       want);
    /* no metadata at all */
    static const char *const both[] = {
        "metadata.name: Required value: name or generateName is required",
        "metadata.namespace: Required value", NULL};
    field_errors errs = {.n = 0};
    validate_object_meta(NULL, 1, name_is_dns1123_subdomain, &errs);
    assert_errors(&errs, both);
}

static void test_namespace_required_forbidden_invalid(void **state)
{
    (void)state;
    static const char *const required[] = {"metadata.namespace: Required value", NULL};
    assert_meta_errors("{\"name\":\"a\"}", 1, name_is_dns1123_subdomain, required);
    static const char *const forbidden[] = {
        "metadata.namespace: Forbidden: not allowed on this type", NULL};
    assert_meta_errors("{\"name\":\"a\",\"namespace\":\"default\"}", 0, name_is_dns1123_subdomain,
                       forbidden);
    static const char *const invalid[] = {
        "metadata.namespace: Invalid value: \"Default\": " LABEL_MSG, NULL};
    assert_meta_errors("{\"name\":\"a\",\"namespace\":\"Default\"}", 1, name_is_dns1123_subdomain,
                       invalid);
}

static void test_path_segment_names(void **state)
{
    (void)state;
    validation_messages m;
    name_is_path_segment(".", 0, &m);
    assert_int_equal(m.n, 1);
    assert_string_equal(m.text[0], "may not be '.'");
    name_is_path_segment("..", 0, &m);
    assert_string_equal(m.text[0], "may not be '..'");
    name_is_path_segment("a/b%c", 0, &m);
    assert_int_equal(m.n, 2);
    assert_string_equal(m.text[0], "may not contain '/'");
    assert_string_equal(m.text[1], "may not contain '%'");
    name_is_path_segment("..", 1, &m);          /* a prefix may be ".." */
    assert_int_equal(m.n, 0);
    name_is_path_segment("system:controller:Foo_Bar", 0, &m);
    assert_int_equal(m.n, 0);
    name_is_rbac_name("system:kube-scheduler", 0, &m);
    assert_int_equal(m.n, 0);
    name_is_rbac_name(".", 1, &m);              /* RBAC ignores prefix */
    assert_int_equal(m.n, 1);

    static const char *const want[] = {
        "metadata.name: Invalid value: \"a/b\": may not contain '/'", NULL};
    assert_meta_errors("{\"name\":\"a/b\"}", 0, name_is_rbac_name, want);

    char msg[256];
    assert_int_equal(name_is_valid_path_segment("nginx", msg, sizeof msg), 1);
    assert_int_equal(name_is_valid_path_segment("a/b%", msg, sizeof msg), 0);
    assert_string_equal(msg, "Name parameter invalid: \"a/b%\": may not contain '/';may not contain '%'");
    assert_int_equal(name_is_valid_path_segment("..", msg, sizeof msg), 0);
    assert_string_equal(msg, "Name parameter invalid: \"..\": may not be '..'");
    assert_int_equal(name_is_valid_path_segment("", msg, sizeof msg), 0);
    assert_string_equal(msg, "Name parameter required.");
    char tiny[8];
    assert_int_equal(name_is_valid_path_segment("a/b", tiny, sizeof tiny), 0);
    assert_int_equal(strlen(tiny), sizeof tiny - 1);
}

/* ---- labels and annotations -------------------------------------------- */

static void test_label_keys_with_prefixes(void **state)
{
    (void)state;
    assert_meta_errors("{\"name\":\"a\",\"labels\":{\"app\":\"web\",\"example.com/app\":\"My.Value_1\","
                       "\"app.kubernetes.io/name\":\"\",\"K8s_App\":\"x\"}}",
                       0, name_is_dns1123_subdomain, none);
    static const char *const want[] = {
        "metadata.labels: Invalid value: \"Example.com/app\": prefix part " SUBDOMAIN_MSG,
        "metadata.labels: Invalid value: \"/app\": prefix part must be non-empty",
        "metadata.labels: Invalid value: \"app/\": name part must be non-empty",
        "metadata.labels: Invalid value: \"app/\": name part " QNAME_REGEX_MSG,
        "metadata.labels: Invalid value: \"a/b/c\": a qualified name " QNAME_REGEX_MSG
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
        "metadata.labels: Invalid value: \"-app\": name part " QNAME_REGEX_MSG,
        NULL};
    assert_meta_errors("{\"name\":\"a\",\"labels\":{\"Example.com/app\":\"v\",\"/app\":\"v\","
                       "\"app/\":\"v\",\"a/b/c\":\"v\",\"-app\":\"v\"}}",
                       0, name_is_dns1123_subdomain, want);
}

static void test_label_key_and_value_lengths(void **state)
{
    (void)state;
    char *name63 = repeat('k', 63), *name64 = repeat('k', 64);
    char *value63 = repeat('v', 63), *value64 = repeat('v', 64);
    char *prefix254 = repeat('p', 254);
    char json[2048];
    snprintf(json, sizeof json, "{\"name\":\"a\",\"labels\":{\"%s\":\"%s\"}}", name63, value63);
    assert_meta_errors(json, 0, name_is_dns1123_subdomain, none);

    char want_key[256], want_value[256], want_prefix[512];
    snprintf(want_key, sizeof want_key,
             "metadata.labels: Invalid value: \"%s\": name part must be no more than 63 characters",
             name64);
    snprintf(want_value, sizeof want_value,
             "metadata.labels: Invalid value: \"%s\": must be no more than 63 characters", value64);
    snprintf(want_prefix, sizeof want_prefix,
             "metadata.labels: Invalid value: \"%s/k\": prefix part must be no more than 253 characters",
             prefix254);
    const char *const want[] = {want_key, want_value, want_prefix, NULL};
    snprintf(json, sizeof json, "{\"name\":\"a\",\"labels\":{\"%s\":\"%s\",\"%s/k\":\"\"}}", name64,
             value64, prefix254);
    assert_meta_errors(json, 0, name_is_dns1123_subdomain, want);
    free(name63); free(name64); free(value63); free(value64); free(prefix254);
}

static void test_label_values(void **state)
{
    (void)state;
    static const char *const want[] = {
        "metadata.labels: Invalid value: \"-bad\": " LABEL_VALUE_MSG,
        "metadata.labels: Invalid value: \"has space\": " LABEL_VALUE_MSG, NULL};
    assert_meta_errors("{\"name\":\"a\",\"labels\":{\"a\":\"-bad\",\"b\":\"has space\",\"c\":null}}",
                       0, name_is_dns1123_subdomain, want);
    /* the same rules at another path, for pod templates */
    cJSON *labels = parse("{\"app\":\"web_\"}");
    field_errors errs = {.n = 0};
    validate_labels(labels, "spec.template.metadata.labels", &errs);
    static const char *const at_template[] = {
        "spec.template.metadata.labels: Invalid value: \"web_\": " LABEL_VALUE_MSG, NULL};
    assert_errors(&errs, at_template);
    cJSON_Delete(labels);
}

static void test_annotations(void **state)
{
    (void)state;
    /* keys are qualified names, case aside */
    assert_meta_errors("{\"name\":\"a\",\"annotations\":{\"Example.COM/Some-Key\":\"anything at all\","
                       "\"kubectl.kubernetes.io/last-applied-configuration\":\"{}\"}}",
                       0, name_is_dns1123_subdomain, none);
    static const char *const want[] = {
        "metadata.annotations: Invalid value: \"bad key\": name part " QNAME_REGEX_MSG, NULL};
    assert_meta_errors("{\"name\":\"a\",\"annotations\":{\"bad key\":\"v\"}}", 0,
                       name_is_dns1123_subdomain, want);
}

static void test_annotation_size_limit(void **state)
{
    (void)state;
    /* key "k" + value: 262144 bytes in all is allowed, one more is not */
    char *value = repeat('x', 262143);
    cJSON *meta = cJSON_CreateObject();
    cJSON_AddStringToObject(meta, "name", "a");
    cJSON *annotations = cJSON_AddObjectToObject(meta, "annotations");
    cJSON_AddStringToObject(annotations, "k", value);
    field_errors errs = {.n = 0};
    validate_object_meta(meta, 0, name_is_dns1123_subdomain, &errs);
    assert_errors(&errs, none);

    cJSON_AddStringToObject(annotations, "l", "");
    errs.n = 0;
    validate_object_meta(meta, 0, name_is_dns1123_subdomain, &errs);
    static const char *const want[] = {
        "metadata.annotations: Too long: may not be more than 262144 bytes", NULL};
    assert_errors(&errs, want);
    assert_int_equal(errs.e[0].type, FIELD_TOO_LONG);
    cJSON_Delete(meta);
    free(value);
}

/* ---- the rest of ObjectMeta -------------------------------------------- */

static void test_negative_generation(void **state)
{
    (void)state;
    static const char *const want[] = {
        "metadata.generation: Invalid value: -1: must be greater than or equal to 0", NULL};
    assert_meta_errors("{\"name\":\"a\",\"generation\":-1}", 0, name_is_dns1123_subdomain, want);
    assert_meta_errors("{\"name\":\"a\",\"generation\":0}", 0, name_is_dns1123_subdomain, none);
}

static void test_owner_references(void **state)
{
    (void)state;
    assert_meta_errors("{\"name\":\"a\",\"ownerReferences\":[{\"apiVersion\":\"apps/v1\","
                       "\"kind\":\"ReplicaSet\",\"name\":\"rs\",\"uid\":\"u1\",\"controller\":true}]}",
                       0, name_is_dns1123_subdomain, none);
    static const char *const missing[] = {
        "metadata.ownerReferences.apiVersion: Invalid value: \"\": version must not be empty",
        "metadata.ownerReferences.kind: Invalid value: \"\": must not be empty",
        "metadata.ownerReferences.name: Invalid value: \"\": must not be empty",
        "metadata.ownerReferences.uid: Invalid value: \"\": must not be empty",
        "metadata.ownerReferences.apiVersion: Invalid value: \"apps/\": version must not be empty",
        NULL};
    assert_meta_errors("{\"name\":\"a\",\"ownerReferences\":[{},"
                       "{\"apiVersion\":\"apps/\",\"kind\":\"K\",\"name\":\"n\",\"uid\":\"u\"}]}",
                       0, name_is_dns1123_subdomain, missing);
    static const char *const two_controllers[] = {
        "metadata.ownerReferences: Invalid value: [{\"apiVersion\":\"v1\",\"kind\":\"A\","
        "\"name\":\"x\",\"uid\":\"1\",\"controller\":true},{\"apiVersion\":\"v1\",\"kind\":\"B\","
        "\"name\":\"y\",\"uid\":\"2\",\"controller\":true}]: Only one reference can have "
        "Controller set to true. Found \"true\" in references for A/x and B/y",
        NULL};
    assert_meta_errors("{\"name\":\"a\",\"ownerReferences\":["
                       "{\"apiVersion\":\"v1\",\"kind\":\"A\",\"name\":\"x\",\"uid\":\"1\",\"controller\":true},"
                       "{\"apiVersion\":\"v1\",\"kind\":\"B\",\"name\":\"y\",\"uid\":\"2\",\"controller\":true}]}",
                       0, name_is_dns1123_subdomain, two_controllers);
    static const char *const event[] = {
        "metadata.ownerReferences: Invalid value: {\"apiVersion\":\"v1\",\"kind\":\"Event\","
        "\"name\":\"e\",\"uid\":\"1\"}: /v1, Kind=Event is disallowed from being an owner",
        NULL};
    assert_meta_errors("{\"name\":\"a\",\"ownerReferences\":[{\"apiVersion\":\"v1\",\"kind\":\"Event\","
                       "\"name\":\"e\",\"uid\":\"1\"}]}",
                       0, name_is_dns1123_subdomain, event);
}

static void test_finalizers(void **state)
{
    (void)state;
    assert_meta_errors("{\"name\":\"a\",\"finalizers\":[\"kubernetes.io/pv-protection\",\"orphan\"]}",
                       0, name_is_dns1123_subdomain, none);
    static const char *const want[] = {
        "metadata.finalizers: Invalid value: \"bad finalizer\": name part " QNAME_REGEX_MSG,
        "metadata.finalizers: Invalid value: []string{\"orphan\", \"foregroundDeletion\", "
        "\"bad finalizer\"}: finalizer orphan and foregroundDeletion cannot be both set",
        NULL};
    assert_meta_errors("{\"name\":\"a\",\"finalizers\":[\"orphan\",\"foregroundDeletion\","
                       "\"bad finalizer\"]}",
                       0, name_is_dns1123_subdomain, want);
}

static void test_managed_fields(void **state)
{
    (void)state;
    assert_meta_errors("{\"name\":\"a\",\"managedFields\":[{\"manager\":\"kubectl\","
                       "\"operation\":\"Update\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{}}]}",
                       0, name_is_dns1123_subdomain, none);
    static const char *const want[] = {
        "metadata.managedFields[0].operation: Invalid value: \"Patch\": must be `Apply` or `Update`",
        "metadata.managedFields[0].fieldsType: Invalid value: \"FieldsV2\": must be `FieldsV1`",
        "metadata.managedFields[0].manager: Invalid value: \"a\\tb\": invalid character U+0009 "
        "(at position 1)",
        NULL};
    assert_meta_errors("{\"name\":\"a\",\"managedFields\":[{\"manager\":\"a\\tb\","
                       "\"operation\":\"Patch\",\"fieldsType\":\"FieldsV2\"}]}",
                       0, name_is_dns1123_subdomain, want);
}

/* ---- wrong JSON types -------------------------------------------------- */

static void test_wrong_types_are_field_errors(void **state)
{
    (void)state;
    static const char *const want[] = {
        "metadata.name: Invalid value: 5: must be of type string",
        "metadata.name: Required value: name or generateName is required",
        "metadata.namespace: Invalid value: true: must be of type string",
        "metadata.namespace: Required value",
        "metadata.generation: Invalid value: \"1\": must be of type integer",
        "metadata.labels: Invalid value: \"app=web\": must be of type object",
        "metadata.annotations[n]: Invalid value: 3: must be of type string",
        "metadata.ownerReferences: Invalid value: {}: must be of type array",
        "metadata.finalizers[0]: Invalid value: 7: must be of type string",
        "metadata.managedFields[0]: Invalid value: \"x\": must be of type object",
        NULL};
    assert_meta_errors("{\"name\":5,\"namespace\":true,\"generation\":\"1\",\"labels\":\"app=web\","
                       "\"annotations\":{\"n\":3},\"ownerReferences\":{},\"finalizers\":[7],"
                       "\"managedFields\":[\"x\"]}",
                       1, name_is_dns1123_subdomain, want);

    static const char *const value_types[] = {
        "metadata.labels[a]: Invalid value: 1: must be of type string",
        "metadata.labels[b]: Invalid value: {\"c\":\"d\"}: must be of type string",
        "metadata.ownerReferences[0]: Invalid value: \"x\": must be of type object",
        "metadata.ownerReferences[1].name: Invalid value: [1]: must be of type string",
        "metadata.ownerReferences.name: Invalid value: \"\": must not be empty",
        "metadata.ownerReferences[1].controller: Invalid value: \"yes\": must be of type boolean",
        NULL};
    assert_meta_errors("{\"name\":\"a\",\"labels\":{\"a\":1,\"b\":{\"c\":\"d\"}},\"ownerReferences\":"
                       "[\"x\",{\"apiVersion\":\"v1\",\"kind\":\"K\",\"name\":[1],\"uid\":\"u\","
                       "\"controller\":\"yes\"}]}",
                       0, name_is_dns1123_subdomain, value_types);

    static const char *const not_object[] = {
        "metadata: Invalid value: [1,2]: must be of type object", NULL};
    assert_meta_errors("[1,2]", 0, name_is_dns1123_subdomain, not_object);
    cJSON *s = cJSON_CreateString("x");
    field_errors errs = {.n = 0};
    validate_object_meta_update(s, s, &errs);
    static const char *const update_not_object[] = {
        "metadata: Invalid value: \"x\": must be of type object", NULL};
    assert_errors(&errs, update_not_object);
    cJSON_Delete(s);
    /* null members are absent, as Go decodes them */
    assert_meta_errors("{\"name\":\"a\",\"namespace\":null,\"labels\":null,\"annotations\":null,"
                       "\"ownerReferences\":null,\"finalizers\":null,\"generation\":null}",
                       0, name_is_dns1123_subdomain, none);
}

/* ---- updates ----------------------------------------------------------- */

#define OLD_META "{\"name\":\"web\",\"namespace\":\"default\",\"uid\":\"u-1\"," \
    "\"resourceVersion\":\"5\",\"generation\":3,\"creationTimestamp\":\"2024-01-02T03:04:05Z\"}"

static void test_update_unchanged_is_valid(void **state)
{
    (void)state;
    assert_update_errors(OLD_META, OLD_META, none);
    /* the same instant written with an offset is the same time */
    assert_update_errors("{\"name\":\"web\",\"namespace\":\"default\",\"uid\":\"u-1\","
                         "\"resourceVersion\":\"5\",\"generation\":4,"
                         "\"creationTimestamp\":\"2024-01-02T05:04:05+02:00\",\"labels\":{\"a\":\"b\"}}",
                         OLD_META, none);
}

static void test_update_immutable_fields(void **state)
{
    (void)state;
    static const char *const want[] = {
        "metadata.generation: Invalid value: 2: must not be decremented",
        "metadata.name: Invalid value: \"web2\": field is immutable",
        "metadata.namespace: Invalid value: \"other\": field is immutable",
        "metadata.uid: Invalid value: \"u-2\": field is immutable",
        "metadata.creationTimestamp: Invalid value: 2025-06-07 08:09:10 +0000 UTC: field is immutable",
        "metadata.deletionTimestamp: Invalid value: 2025-01-01 00:00:00.5 +0000 UTC: field is immutable",
        "metadata.deletionGracePeriodSeconds: Invalid value: 30: field is immutable",
        NULL};
    assert_update_errors("{\"name\":\"web2\",\"namespace\":\"other\",\"uid\":\"u-2\","
                         "\"resourceVersion\":\"5\",\"generation\":2,"
                         "\"creationTimestamp\":\"2025-06-07T08:09:10Z\","
                         "\"deletionTimestamp\":\"2025-01-01T00:00:00.500Z\","
                         "\"deletionGracePeriodSeconds\":30}",
                         OLD_META, want);
}

static void test_update_removed_fields(void **state)
{
    (void)state;
    static const char *const want[] = {
        "metadata.resourceVersion: Invalid value: \"\": must be specified for an update",
        "metadata.name: Invalid value: \"\": field is immutable",
        "metadata.creationTimestamp: Invalid value: 0001-01-01 00:00:00 +0000 UTC: field is immutable",
        "metadata.deletionTimestamp: Invalid value: null: field is immutable",
        "metadata.deletionGracePeriodSeconds: Invalid value: null: field is immutable",
        NULL};
    assert_update_errors("{\"namespace\":\"default\",\"uid\":\"u-1\",\"generation\":3,"
                         "\"finalizers\":[\"a.io/x\"]}",
                         "{\"name\":\"web\",\"namespace\":\"default\",\"uid\":\"u-1\","
                         "\"resourceVersion\":\"5\",\"generation\":3,\"finalizers\":[\"a.io/x\"],"
                         "\"creationTimestamp\":\"2024-01-02T03:04:05Z\","
                         "\"deletionTimestamp\":\"2024-02-02T00:00:00Z\","
                         "\"deletionGracePeriodSeconds\":0}",
                         want);
}

static void test_update_no_new_finalizers_while_deleting(void **state)
{
    (void)state;
    static const char *const want[] = {
        "metadata.finalizers: Forbidden: no new finalizers can be added if the object is being "
        "deleted, found new finalizers []string{\"a.io/y\", \"b.io/z\"}",
        NULL};
    assert_update_errors("{\"name\":\"web\",\"resourceVersion\":\"6\",\"finalizers\":"
                         "[\"b.io/z\",\"a.io/x\",\"a.io/y\",\"b.io/z\"],"
                         "\"deletionTimestamp\":\"2024-02-02T00:00:00Z\"}",
                         "{\"name\":\"web\",\"resourceVersion\":\"5\",\"finalizers\":[\"a.io/x\"],"
                         "\"deletionTimestamp\":\"2024-02-02T00:00:00Z\"}",
                         want);
    /* removing finalizers while deleting is how deletion proceeds */
    assert_update_errors("{\"name\":\"web\",\"resourceVersion\":\"6\",\"finalizers\":[],"
                         "\"deletionTimestamp\":\"2024-02-02T00:00:00Z\"}",
                         "{\"name\":\"web\",\"resourceVersion\":\"5\",\"finalizers\":[\"a.io/x\"],"
                         "\"deletionTimestamp\":\"2024-02-02T00:00:00Z\"}",
                         none);
    /* before deletion, finalizers may be added */
    assert_update_errors("{\"name\":\"web\",\"resourceVersion\":\"6\",\"finalizers\":[\"a.io/y\"]}",
                         "{\"name\":\"web\",\"resourceVersion\":\"5\"}", none);
}

static void test_update_revalidates_labels_and_annotations(void **state)
{
    (void)state;
    static const char *const want[] = {
        "metadata.labels: Invalid value: \"-x\": " LABEL_VALUE_MSG,
        "metadata.annotations: Invalid value: \"a b\": name part " QNAME_REGEX_MSG,
        "metadata.ownerReferences.uid: Invalid value: \"\": must not be empty",
        NULL};
    assert_update_errors("{\"name\":\"web\",\"resourceVersion\":\"5\",\"labels\":{\"a\":\"-x\"},"
                         "\"annotations\":{\"a b\":\"\"},\"ownerReferences\":[{\"apiVersion\":\"v1\","
                         "\"kind\":\"K\",\"name\":\"n\"}]}",
                         "{\"name\":\"web\",\"resourceVersion\":\"5\"}", want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_subdomain_name_with_underscore),
        cmocka_unit_test(test_status_message_for_bad_configmap_name),
        cmocka_unit_test(test_status_message_lists_several_errors),
        cmocka_unit_test(test_subdomain_length_boundary),
        cmocka_unit_test(test_label_length_boundary),
        cmocka_unit_test(test_namespace_name_is_a_dns_label),
        cmocka_unit_test(test_service_name_is_a_dns1035_label),
        cmocka_unit_test(test_uppercase_names),
        cmocka_unit_test(test_generate_name_with_trailing_dash),
        cmocka_unit_test(test_name_or_generate_name_required),
        cmocka_unit_test(test_namespace_required_forbidden_invalid),
        cmocka_unit_test(test_path_segment_names),
        cmocka_unit_test(test_label_keys_with_prefixes),
        cmocka_unit_test(test_label_key_and_value_lengths),
        cmocka_unit_test(test_label_values),
        cmocka_unit_test(test_annotations),
        cmocka_unit_test(test_annotation_size_limit),
        cmocka_unit_test(test_negative_generation),
        cmocka_unit_test(test_owner_references),
        cmocka_unit_test(test_finalizers),
        cmocka_unit_test(test_managed_fields),
        cmocka_unit_test(test_wrong_types_are_field_errors),
        cmocka_unit_test(test_update_unchanged_is_valid),
        cmocka_unit_test(test_update_immutable_fields),
        cmocka_unit_test(test_update_removed_fields),
        cmocka_unit_test(test_update_no_new_finalizers_while_deleting),
        cmocka_unit_test(test_update_revalidates_labels_and_annotations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
