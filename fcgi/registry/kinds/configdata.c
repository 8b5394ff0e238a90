/* configdata.c: the ConfigMap and Secret strategies (pkg/apis/core/
 * validation: ValidateConfigMap, ValidateSecret): valid config keys, no key
 * in both data and binaryData, 1 MiB in all; stringData is folded into
 * data, and the type defaults to Opaque. Value types (strings, base64 for
 * a Secret's data) are the field schema's check (schema/field_validation.c),
 * as a Go decoder's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/jsonpath.h"
#include "codec/fielderr.h"
#include "core/base64.h"
#include "registry/strategies.h"

#define MAX_CONFIG_SIZE (1024 * 1024)

static const char config_key_msg[] =
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. "
    "'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

static void validate_config_key(const char *bag, const char *key, field_errors *errs)
{
    char field[300];
    snprintf(field, sizeof field, "%s[%s]", bag, key);
    size_t n = strlen(key);
    if (n > 253) field_error_add_str(errs, FIELD_INVALID, field, key, "must be no more than 253 characters");
    int ok = n > 0;
    for (size_t i = 0; i < n; i++) {
        char c = key[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '_'))
            ok = 0;
    }
    if (!ok) field_error_add_str(errs, FIELD_INVALID, field, key, config_key_msg);
    if (!strcmp(key, ".")) field_error_add_str(errs, FIELD_INVALID, field, key, "must not be '.'");
    else if (!strcmp(key, "..")) field_error_add_str(errs, FIELD_INVALID, field, key, "must not be '..'");
    else if (!strncmp(key, "..", 2)) field_error_add_str(errs, FIELD_INVALID, field, key, "must not start with '..'");
}

static void validate_config_data(const cJSON *obj, field_errors *errs, int is_secret)
{
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(obj, "data");
    const cJSON *bin = is_secret ? NULL : cJSON_GetObjectItemCaseSensitive(obj, "binaryData");
    size_t total = 0;
    const cJSON *e;
    if (cJSON_IsObject(data))
        cJSON_ArrayForEach(e, data) {
            validate_config_key("data", e->string, errs);
            if (bin && cJSON_GetObjectItemCaseSensitive(bin, e->string)) {
                char field[300];
                snprintf(field, sizeof field, "data[%s]", e->string);
                field_error_add_str(errs, FIELD_INVALID, field, e->string, "duplicate of key present in binaryData");
            }
            if (cJSON_IsString(e))
                total += is_secret ? base64_decoded_len(e->valuestring) : strlen(e->valuestring);
        }
    if (cJSON_IsObject(bin))
        cJSON_ArrayForEach(e, bin) {
            validate_config_key("binaryData", e->string, errs);
            if (cJSON_IsObject(data) && cJSON_GetObjectItemCaseSensitive(data, e->string)) {
                char field[300];
                snprintf(field, sizeof field, "binaryData[%s]", e->string);
                field_error_add_str(errs, FIELD_INVALID, field, e->string, "duplicate of key present in data");
            }
            if (cJSON_IsString(e)) total += base64_decoded_len(e->valuestring);
        }
    /* kube: field.TooLong(dataPath, "", MaxSecretSize) for a Secret; for a
     * ConfigMap field.TooLong(field.NewPath(""), cfg, MaxSecretSize), whose
     * path, one element with neither name nor index, prints as "[]": the
     * Status says `ConfigMap "x" is invalid: []: Too long: ...`, the cause's
     * field is "[]". */
    if (total > MAX_CONFIG_SIZE) {
        char detail[80];
        snprintf(detail, sizeof detail, "may not be more than %d bytes", MAX_CONFIG_SIZE);
        field_error_add(errs, FIELD_TOO_LONG, is_secret ? "data" : "[]", NULL, detail);
    }
}

static void validate_configmap(const cJSON *obj, field_errors *errs)
{
    validate_config_data(obj, errs, 0);
}

static void validate_secret(const cJSON *obj, field_errors *errs)
{
    validate_config_data(obj, errs, 1);
}

/* stringData is write-only: its entries overwrite data's, base64-encoded;
 * an absent type is Opaque. */
static void secret_normalize(cJSON *obj)
{
    cJSON *sd = cJSON_DetachItemFromObjectCaseSensitive(obj, "stringData");
    if (cJSON_IsObject(sd) && sd->child) {
        cJSON *data = json_object_member(obj, "data");
        const cJSON *e;
        cJSON_ArrayForEach(e, sd) {
            if (!cJSON_IsString(e)) continue;
            char *enc = base64_encode(e->valuestring, strlen(e->valuestring));
            if (!enc) continue;
            cJSON_DeleteItemFromObjectCaseSensitive(data, e->string);
            cJSON_AddStringToObject(data, e->string, enc);
            free(enc);
        }
    }
    cJSON_Delete(sd);
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(obj, "type");
    if (!cJSON_IsString(type) || !type->valuestring[0]) {
        cJSON_DeleteItemFromObjectCaseSensitive(obj, "type");
        cJSON_AddStringToObject(obj, "type", "Opaque");
    }
}

static void secret_prepare_for_update(cJSON *obj, const cJSON *old)
{
    (void)old;
    secret_normalize(obj);
}

static void validate_secret_update(const cJSON *obj, const cJSON *old, field_errors *errs)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(obj, "type");
    const cJSON *ot = cJSON_GetObjectItemCaseSensitive(old, "type");
    if (cJSON_IsString(t) && cJSON_IsString(ot) && strcmp(t->valuestring, ot->valuestring))
        field_error_add(errs, FIELD_INVALID, "type", t, "field is immutable");
    const cJSON *im = cJSON_GetObjectItemCaseSensitive(old, "immutable");
    if (cJSON_IsTrue(im)) {
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(obj, "data");
        const cJSON *od = cJSON_GetObjectItemCaseSensitive(old, "data");
        if (!cJSON_Compare(d, od, 1))
            field_error_add(errs, FIELD_FORBIDDEN, "data", NULL, "field is immutable when `immutable` is set");
    }
}

static void validate_configmap_update(const cJSON *obj, const cJSON *old, field_errors *errs)
{
    const cJSON *im = cJSON_GetObjectItemCaseSensitive(old, "immutable");
    if (cJSON_IsTrue(im)) {
        const char *const bags[] = {"data", "binaryData"};
        for (int i = 0; i < 2; i++) {
            const cJSON *d = cJSON_GetObjectItemCaseSensitive(obj, bags[i]);
            const cJSON *od = cJSON_GetObjectItemCaseSensitive(old, bags[i]);
            if (!cJSON_Compare(d, od, 1))
                field_error_add(errs, FIELD_FORBIDDEN, bags[i], NULL, "field is immutable when `immutable` is set");
        }
    }
}

const kapi_strategy strategy_configmaps = {
    .names = NAME_DNS1123_SUBDOMAIN,
    .validate = validate_configmap, .validate_update = validate_configmap_update,
};

const kapi_strategy strategy_secrets = {
    .names = NAME_DNS1123_SUBDOMAIN,
    .prepare_for_create = secret_normalize, .prepare_for_update = secret_prepare_for_update,
    .validate = validate_secret, .validate_update = validate_secret_update,
};
