/* validate_meta.c: kube-apiserver's name and object metadata validation
 * (Kubernetes 1.32), written from its rules: the regular expressions are
 * matched by hand, the messages are kube's word for word (including the double
 * space RegexError puts before " or "), and the field paths are kube's,
 * quirks included (owner reference errors carry no index, label errors point
 * at the whole map). Objects are cJSON trees straight from the request, so
 * every member may have the wrong JSON type: that is a field error, never a
 * crash. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/alloc.h"
#include "codec/jsonpath.h"
#include "codec/validate_meta.h"
#include "core/goquote.h"
#include "core/gotime.h"
#include "core/kapi.h"

#define DNS1123_LABEL_FMT "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
#define DNS1123_SUBDOMAIN_FMT DNS1123_LABEL_FMT "(\\." DNS1123_LABEL_FMT ")*"
#define DNS1035_LABEL_FMT "[a-z]([-a-z0-9]*[a-z0-9])?"
#define QUALIFIED_NAME_FMT "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
#define LABEL_VALUE_FMT "(" QUALIFIED_NAME_FMT ")?"

#define DNS1123_LABEL_MSG "a lowercase RFC 1123 label must consist of lower case alphanumeric " \
    "characters or '-', and must start and end with an alphanumeric character"
#define DNS1123_SUBDOMAIN_MSG "a lowercase RFC 1123 subdomain must consist of lower case " \
    "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
#define DNS1035_LABEL_MSG "a DNS-1035 label must consist of lower case alphanumeric characters " \
    "or '-', start with an alphabetic character, and end with an alphanumeric character"
#define QUALIFIED_NAME_MSG "must consist of alphanumeric characters, '-', '_' or '.', and must " \
    "start and end with an alphanumeric character"
#define LABEL_VALUE_MSG "a valid label must be an empty string or consist of alphanumeric " \
    "characters, '-', '_' or '.', and must start and end with an alphanumeric character"

enum {
    DNS1123_LABEL_MAX = 63,
    DNS1123_SUBDOMAIN_MAX = 253,
    DNS1035_LABEL_MAX = 63,
    QUALIFIED_NAME_MAX = 63,
    LABEL_VALUE_MAX = 63,
    ANNOTATIONS_TOTAL_MAX = 256 * 1024,
    FIELD_MANAGER_MAX = 128,
    SUBRESOURCE_NAME_MAX = 256,
};

/* ---- messages ---------------------------------------------------------- */

static void say(validation_messages *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(validation_messages *m, const char *fmt, ...)
{
    if (m->n >= VALIDATION_MESSAGES_MAX) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->text[m->n], sizeof m->text[m->n], fmt, ap);
    va_end(ap);
    m->n++;
}

/* util/validation.RegexError: `msg (e.g. 'a',  or 'b', regex used for
 * validation is 'fmt')`. examples is NULL-terminated. */
static void say_regex_error(validation_messages *m, const char *prefix, const char *msg,
                            const char *fmt, const char *const *examples)
{
    char text[VALIDATION_MESSAGE_LEN];
    size_t l = 0;
#define APPEND(...) do { \
        if (l < sizeof text) { \
            int w = snprintf(text + l, sizeof text - l, __VA_ARGS__); \
            if (w > 0) l += (size_t)w; \
        } \
    } while (0)
    APPEND("%s%s (e.g. ", prefix, msg);
    for (int i = 0; examples[i]; i++) APPEND("%s'%s', ", i ? " or " : "", examples[i]);
    APPEND("regex used for validation is '%s')", fmt);
#undef APPEND
    say(m, "%s", text);
}

static const char *const label_examples[] = {"my-name", "123-abc", NULL};
static const char *const subdomain_examples[] = {"example.com", NULL};
static const char *const dns1035_examples[] = {"my-name", "abc-123", NULL};
static const char *const qualified_name_examples[] = {"MyName", "my.name", "123-abc", NULL};
static const char *const label_value_examples[] = {"MyValue", "my_value", "12345", NULL};

/* ---- the regular expressions, by hand ---------------------------------- */

static int is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
static int is_alnum(char c) { return is_lower_alnum(c) || (c >= 'A' && c <= 'Z'); }

/* ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ */
static int matches_dns1123_label(const char *s, size_t len)
{
    if (len == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[len - 1])) return 0;
    for (size_t i = 0; i < len; i++)
        if (!is_lower_alnum(s[i]) && s[i] != '-') return 0;
    return 1;
}

/* ^label(\.label)*$ */
static int matches_dns1123_subdomain(const char *s, size_t len)
{
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || s[i] == '.') {
            if (!matches_dns1123_label(s + start, i - start)) return 0;
            start = i + 1;
        }
    }
    return 1;
}

/* ^[a-z]([-a-z0-9]*[a-z0-9])?$ */
static int matches_dns1035_label(const char *s, size_t len)
{
    return matches_dns1123_label(s, len) && s[0] >= 'a' && s[0] <= 'z';
}

/* ^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$ */
static int matches_qualified_name(const char *s, size_t len)
{
    if (len == 0 || !is_alnum(s[0]) || !is_alnum(s[len - 1])) return 0;
    for (size_t i = 0; i < len; i++)
        if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.') return 0;
    return 1;
}

/* ---- util/validation --------------------------------------------------- */

static void check_dns1123_label(const char *s, size_t len, validation_messages *out)
{
    if (len > DNS1123_LABEL_MAX) say(out, "must be no more than %d characters", DNS1123_LABEL_MAX);
    if (!matches_dns1123_label(s, len))
        say_regex_error(out, "", DNS1123_LABEL_MSG, DNS1123_LABEL_FMT, label_examples);
}

static void check_dns1123_subdomain(const char *s, size_t len, const char *prefix,
                                    validation_messages *out)
{
    if (len > DNS1123_SUBDOMAIN_MAX)
        say(out, "%smust be no more than %d characters", prefix, DNS1123_SUBDOMAIN_MAX);
    if (!matches_dns1123_subdomain(s, len))
        say_regex_error(out, prefix, DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT,
                        subdomain_examples);
}

static void check_dns1035_label(const char *s, size_t len, validation_messages *out)
{
    if (len > DNS1035_LABEL_MAX) say(out, "must be no more than %d characters", DNS1035_LABEL_MAX);
    if (!matches_dns1035_label(s, len))
        say_regex_error(out, "", DNS1035_LABEL_MSG, DNS1035_LABEL_FMT, dns1035_examples);
}

void is_dns1123_label(const char *value, validation_messages *out)
{
    out->n = 0;
    if (!value) value = "";
    check_dns1123_label(value, strlen(value), out);
}

void is_dns1123_subdomain(const char *value, validation_messages *out)
{
    out->n = 0;
    if (!value) value = "";
    check_dns1123_subdomain(value, strlen(value), "", out);
}

void is_dns1035_label(const char *value, validation_messages *out)
{
    out->n = 0;
    if (!value) value = "";
    check_dns1035_label(value, strlen(value), out);
}

void is_qualified_name(const char *value, validation_messages *out)
{
    out->n = 0;
    if (!value) value = "";
    const char *slash = strchr(value, '/');
    const char *name = value;
    if (slash && strchr(slash + 1, '/')) {
        char regex_msg[VALIDATION_MESSAGE_LEN];
        validation_messages one = {0};
        say_regex_error(&one, "", QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, qualified_name_examples);
        snprintf(regex_msg, sizeof regex_msg, "%s", one.text[0]);
        say(out, "a qualified name %s with an optional DNS subdomain prefix and '/' "
                 "(e.g. 'example.com/MyName')", regex_msg);
        return;
    }
    if (slash) {
        size_t prefix_len = (size_t)(slash - value);
        if (prefix_len == 0) say(out, "prefix part must be non-empty");
        else check_dns1123_subdomain(value, prefix_len, "prefix part ", out);
        name = slash + 1;
    }
    size_t len = strlen(name);
    if (len == 0) say(out, "name part must be non-empty");
    else if (len > QUALIFIED_NAME_MAX)
        say(out, "name part must be no more than %d characters", QUALIFIED_NAME_MAX);
    if (!matches_qualified_name(name, len))
        say_regex_error(out, "name part ", QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT,
                        qualified_name_examples);
}

void is_valid_label_value(const char *value, validation_messages *out)
{
    out->n = 0;
    if (!value) value = "";
    size_t len = strlen(value);
    if (len > LABEL_VALUE_MAX) say(out, "must be no more than %d characters", LABEL_VALUE_MAX);
    if (len != 0 && !matches_qualified_name(value, len))
        say_regex_error(out, "", LABEL_VALUE_MSG, LABEL_VALUE_FMT, label_value_examples);
}

/* ---- name validators (api/validation/generic.go, path/name.go) --------- */

/* Runs check on name, masked first when it is a generateName (prefix) that
 * ends in '-'. kube's maskTrailingDash replaces the last TWO characters with
 * "a" (name[:len-2] + "a"): "web-" is checked as "wea". For "-" alone kube
 * panics (a 500); we check "a". */
static void check_masked(const char *name, int prefix,
                         void (*check)(const char *, size_t, validation_messages *),
                         validation_messages *out)
{
    out->n = 0;
    if (!name) name = "";
    size_t len = strlen(name);
    if (!prefix || len == 0 || name[len - 1] != '-') {
        check(name, len, out);
        return;
    }
    size_t keep = len >= 2 ? len - 2 : 0;
    char *masked = kapi_xmalloc(keep + 2);
    memcpy(masked, name, keep);
    masked[keep] = 'a';
    masked[keep + 1] = '\0';
    check(masked, keep + 1, out);
    free(masked);
}

static void check_subdomain_plain(const char *s, size_t len, validation_messages *out)
{
    check_dns1123_subdomain(s, len, "", out);
}

void name_is_dns1123_subdomain(const char *name, int prefix, validation_messages *out)
{
    check_masked(name, prefix, check_subdomain_plain, out);
}

void name_is_dns1123_label(const char *name, int prefix, validation_messages *out)
{
    check_masked(name, prefix, check_dns1123_label, out);
}

void name_is_dns1035_label(const char *name, int prefix, validation_messages *out)
{
    check_masked(name, prefix, check_dns1035_label, out);
}

static void check_path_segment(const char *name, int whole_name, validation_messages *out)
{
    out->n = 0;
    if (!name) name = "";
    if (whole_name) {
        if (strcmp(name, ".") == 0) { say(out, "may not be '.'"); return; }
        if (strcmp(name, "..") == 0) { say(out, "may not be '..'"); return; }
    }
    if (strchr(name, '/')) say(out, "may not contain '/'");
    if (strchr(name, '%')) say(out, "may not contain '%%'");
}

void name_is_path_segment(const char *name, int prefix, validation_messages *out)
{
    check_path_segment(name, !prefix, out);
}

void name_is_rbac_name(const char *name, int prefix, validation_messages *out)
{
    (void)prefix;
    check_path_segment(name, 1, out);
}

int name_is_valid_path_segment(const char *name, char *msg, size_t n)
{
    if (msg && n) msg[0] = '\0';
    if (!name || !*name) {
        if (msg && n) snprintf(msg, n, "Name parameter required.");
        return 0;
    }
    validation_messages m;
    check_path_segment(name, 1, &m);
    if (m.n == 0) return 1;
    if (msg && n) {
        kapi_buf b;
        kapi_buf_init(&b);
        kapi_buf_puts(&b, "Name parameter invalid: ");
        go_quote(&b, name);
        kapi_buf_puts(&b, ": ");
        for (int i = 0; i < m.n; i++) {
            if (i) kapi_buf_putc(&b, ';');
            kapi_buf_puts(&b, m.text[i]);
        }
        snprintf(msg, n, "%s", b.data ? b.data : "Name parameter invalid");
        kapi_buf_free(&b);
    }
    return 0;
}

/* ---- reading members robustly ------------------------------------------ */

/* Field paths and details are built into fixed buffers; text too long for
 * one is cut (the field error keeps what fits). */
static void bounded_printf(char *out, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void bounded_printf(char *out, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(out, n, fmt, ap);
    va_end(ap);
    if (w < 0 && n) out[0] = '\0';
}

/* "path.name" (or "name" at the root) into out. */
static void child_path(char *out, size_t n, const char *path, const char *name)
{
    if (path && *path) bounded_printf(out, n, "%s.%s", path, name);
    else bounded_printf(out, n, "%s", name);
}

static void index_path(char *out, size_t n, const char *path, int i)
{
    bounded_printf(out, n, "%s[%d]", path, i);
}

static void key_path(char *out, size_t n, const char *path, const char *key)
{
    bounded_printf(out, n, "%s[%s]", path, key ? key : "");
}

static void add_type_error(field_errors *errs, const char *field, const cJSON *value,
                           const char *type)
{
    char detail[64];
    snprintf(detail, sizeof detail, "must be of type %s", type);
    field_error_add(errs, FIELD_TYPE_INVALID, field, value, detail);
}

/* A string member: "" when absent or null (as Go decodes it); a field error
 * at path.key and "" when it is another type. */
static const char *string_member(const cJSON *obj, const char *key, const char *path,
                                 field_errors *errs)
{
    const cJSON *v = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
    if (!v || cJSON_IsNull(v)) return "";
    if (cJSON_IsString(v) && v->valuestring) return v->valuestring;
    char field[256];
    child_path(field, sizeof field, path, key);
    add_type_error(errs, field, v, "string");
    return "";
}

/* An integer member: 1 and *out when present; 0 when absent or null; a field
 * error (and 0) when it is not an integer. */
static int integer_member(const cJSON *obj, const char *key, const char *path,
                          field_errors *errs, long long *out)
{
    const cJSON *v = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
    *out = 0;
    if (!v || cJSON_IsNull(v)) return 0;
    if (cJSON_IsNumber(v) && v->valuedouble >= -9.2e18 && v->valuedouble <= 9.2e18 &&
        v->valuedouble == (double)(long long)v->valuedouble) {
        *out = (long long)v->valuedouble;
        return 1;
    }
    char field[256];
    child_path(field, sizeof field, path, key);
    add_type_error(errs, field, v, "integer");
    return 0;
}

/* A member that should be an object or array: NULL when absent or null; a
 * field error and NULL when it is another type. */
static const cJSON *typed_member(const cJSON *obj, const char *key, const char *path,
                                 int want_array, field_errors *errs)
{
    const cJSON *v = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
    if (!v || cJSON_IsNull(v)) return NULL;
    if (want_array ? cJSON_IsArray(v) : cJSON_IsObject(v)) return v;
    char field[256];
    child_path(field, sizeof field, path, key);
    add_type_error(errs, field, v, want_array ? "array" : "object");
    return NULL;
}

void add_invalid_value_for_each_message(field_errors *errs, const char *field,
                                        const char *value, const validation_messages *m)
{
    for (int i = 0; i < m->n; i++)
        field_error_add_str(errs, FIELD_INVALID, field, value, m->text[i]);
}

/* An Invalid field error whose bad value is already printed (Go's %#v of a
 * slice, a time): a raw cJSON item prints verbatim. */
static void add_invalid_printed(field_errors *errs, field_error_type type, const char *field,
                                const char *printed, const char *detail)
{
    cJSON *raw = cJSON_CreateRaw(printed ? printed : "");
    field_error_add(errs, type, field, raw, detail);
    cJSON_Delete(raw);
}

/* Go's %#v of a []string: []string{"a", "b"}. */
static void append_go_string_slice(kapi_buf *b, const char *const *items, int n)
{
    kapi_buf_puts(b, "[]string{");
    for (int i = 0; i < n; i++) {
        if (i) kapi_buf_puts(b, ", ");
        go_quote(b, items[i]);
    }
    kapi_buf_putc(b, '}');
}

/* ---- labels, annotations ----------------------------------------------- */

void validate_labels(const cJSON *labels, const char *field, field_errors *errs)
{
    if (!labels || cJSON_IsNull(labels)) return;
    if (!cJSON_IsObject(labels)) {
        add_type_error(errs, field, labels, "object");
        return;
    }
    validation_messages m;
    const cJSON *item;
    cJSON_ArrayForEach(item, labels) {
        const char *key = item->string ? item->string : "";
        is_qualified_name(key, &m);
        add_invalid_value_for_each_message(errs, field, key, &m);
        const char *value = "";
        if (cJSON_IsString(item) && item->valuestring) value = item->valuestring;
        else if (!cJSON_IsNull(item)) {
            char at[256];
            key_path(at, sizeof at, field, key);
            add_type_error(errs, at, item, "string");
            continue;
        }
        is_valid_label_value(value, &m);
        add_invalid_value_for_each_message(errs, field, value, &m);
    }
}

void validate_annotations(const cJSON *annotations, const char *field, field_errors *errs)
{
    if (!annotations || cJSON_IsNull(annotations)) return;
    if (!cJSON_IsObject(annotations)) {
        add_type_error(errs, field, annotations, "object");
        return;
    }
    validation_messages m;
    unsigned long long total = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, annotations) {
        const char *key = item->string ? item->string : "";
        size_t key_len = strlen(key);
        /* The rule is a qualified name, except that case does not matter. */
        char *lower = kapi_xmalloc(key_len + 1);
        if (lower) {
            for (size_t i = 0; i <= key_len; i++)
                lower[i] = (key[i] >= 'A' && key[i] <= 'Z') ? (char)(key[i] - 'A' + 'a') : key[i];
            is_qualified_name(lower, &m);
            free(lower);
        } else {
            is_qualified_name(key, &m);
        }
        add_invalid_value_for_each_message(errs, field, key, &m);
        total += key_len;
        if (cJSON_IsString(item) && item->valuestring) total += strlen(item->valuestring);
        else if (!cJSON_IsNull(item)) {
            char at[256];
            key_path(at, sizeof at, field, key);
            add_type_error(errs, at, item, "string");
        }
    }
    if (total > (unsigned long long)ANNOTATIONS_TOTAL_MAX) {
        /* kube 1.32: field.TooLong(fldPath, "", TotalAnnotationSizeLimitB),
         * whose detail is "may not be more than N bytes" (as ConfigMap's
         * size limit in registry/kinds/configdata.c). */
        char detail[64];
        snprintf(detail, sizeof detail, "may not be more than %d bytes", ANNOTATIONS_TOTAL_MAX);
        field_error_add_str(errs, FIELD_TOO_LONG, field, "", detail);
    }
}

void label_selector_validate(const cJSON *sel, const char *field, field_errors *errs)
{
    char path[256];
    snprintf(path, sizeof path, "%s.matchLabels", field);
    validate_labels(json_get(sel, "matchLabels"), path, errs);
    const cJSON *e;
    int i = 0;
    cJSON_ArrayForEach(e, json_array_at(sel, "matchExpressions")) {
        const char *op = json_str_at(e, "operator", NULL), *key = json_str(e, "key");
        const cJSON *vals = json_array_at(e, "values");
        int n = vals ? cJSON_GetArraySize(vals) : 0;
        snprintf(path, sizeof path, "%s.matchExpressions[%d].values", field, i);
        if (op && (!strcmp(op, "In") || !strcmp(op, "NotIn"))) {
            if (n == 0)
                field_error_add_str(errs, FIELD_REQUIRED, path, NULL,
                                    "must be specified when `operator` is 'In' or 'NotIn'");
        } else if (op && (!strcmp(op, "Exists") || !strcmp(op, "DoesNotExist"))) {
            if (n > 0)
                field_error_add_str(errs, FIELD_FORBIDDEN, path, NULL,
                                    "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
        } else {
            snprintf(path, sizeof path, "%s.matchExpressions[%d].operator", field, i);
            field_error_add_str(errs, FIELD_INVALID, path, op ? op : "", "not a valid selector operator");
        }
        snprintf(path, sizeof path, "%s.matchExpressions[%d].key", field, i);
        validation_messages m = {0};
        is_qualified_name(key, &m);
        add_invalid_value_for_each_message(errs, path, key, &m);
        i++;
    }
}

/* ---- ownerReferences, finalizers, managedFields ------------------------ */

/* schema.FromAPIVersionAndKind: is the version part empty? Sets *core_v1
 * when group is "" and version "v1". */
static int api_version_has_no_version(const char *api_version, int *core_v1)
{
    *core_v1 = 0;
    if (!*api_version || strcmp(api_version, "/") == 0) return 1;
    const char *slash = strchr(api_version, '/');
    if (!slash) {
        *core_v1 = strcmp(api_version, "v1") == 0;
        return 0;
    }
    if (strchr(slash + 1, '/')) return 1;   /* not a group/version: no version */
    *core_v1 = slash == api_version && strcmp(slash + 1, "v1") == 0;
    return slash[1] == '\0';
}

static void validate_owner_references(const cJSON *meta, const char *path, field_errors *errs)
{
    char field[256];
    child_path(field, sizeof field, path, "ownerReferences");
    const cJSON *refs = typed_member(meta, "ownerReferences", path, 1, errs);
    if (!refs) return;
    char first_controller[512] = "";
    int have_controller = 0;
    int i = 0;
    const cJSON *ref;
    cJSON_ArrayForEach(ref, refs) {
        char at[256], child[256];
        index_path(at, sizeof at, field, i++);
        if (!cJSON_IsObject(ref)) {
            add_type_error(errs, at, ref, "object");
            continue;
        }
        const char *api_version = string_member(ref, "apiVersion", at, errs);
        const char *kind = string_member(ref, "kind", at, errs);
        const char *name = string_member(ref, "name", at, errs);
        const char *uid = string_member(ref, "uid", at, errs);
        int core_v1;
        /* kube's paths here carry no index: metadata.ownerReferences.kind */
        if (api_version_has_no_version(api_version, &core_v1)) {
            child_path(child, sizeof child, field, "apiVersion");
            field_error_add_str(errs, FIELD_INVALID, child, api_version, "version must not be empty");
        }
        if (!*kind) {
            child_path(child, sizeof child, field, "kind");
            field_error_add_str(errs, FIELD_INVALID, child, kind, "must not be empty");
        }
        if (!*name) {
            child_path(child, sizeof child, field, "name");
            field_error_add_str(errs, FIELD_INVALID, child, name, "must not be empty");
        }
        if (!*uid) {
            child_path(child, sizeof child, field, "uid");
            field_error_add_str(errs, FIELD_INVALID, child, uid, "must not be empty");
        }
        if (core_v1 && strcmp(kind, "Event") == 0)
            field_error_add(errs, FIELD_INVALID, field, ref,
                            "/v1, Kind=Event is disallowed from being an owner");
        const cJSON *controller = cJSON_GetObjectItemCaseSensitive(ref, "controller");
        if (controller && !cJSON_IsNull(controller) && !cJSON_IsBool(controller)) {
            child_path(child, sizeof child, at, "controller");
            add_type_error(errs, child, controller, "boolean");
        }
        const cJSON *block = cJSON_GetObjectItemCaseSensitive(ref, "blockOwnerDeletion");
        if (block && !cJSON_IsNull(block) && !cJSON_IsBool(block)) {
            child_path(child, sizeof child, at, "blockOwnerDeletion");
            add_type_error(errs, child, block, "boolean");
        }
        if (cJSON_IsTrue(controller)) {
            char current[512];
            bounded_printf(current, sizeof current, "%s/%s", kind, name);
            if (have_controller) {
                char detail[1100];
                bounded_printf(detail, sizeof detail,
                         "Only one reference can have Controller set to true. Found \"true\" "
                         "in references for %s and %s", first_controller, current);
                field_error_add(errs, FIELD_INVALID, field, refs, detail);
            } else {
                bounded_printf(first_controller, sizeof first_controller, "%s", current);
                have_controller = 1;
            }
        }
    }
}

/* The strings of a JSON array of strings (others skipped), into a pool-less
 * malloc'd array the caller frees; *n set. */
static const char **strings_of_array(const cJSON *array, int *n)
{
    *n = 0;
    int size = cJSON_IsArray(array) ? cJSON_GetArraySize(array) : 0;
    const char **out = kapi_xcalloc((size_t)(size > 0 ? size : 1), sizeof *out);
    const cJSON *item;
    cJSON_ArrayForEach(item, array) {
        if (*n >= size) break;
        if (cJSON_IsString(item) && item->valuestring) out[(*n)++] = item->valuestring;
        else if (cJSON_IsNull(item)) out[(*n)++] = "";
    }
    return out;
}

static void validate_finalizers(const cJSON *meta, const char *path, field_errors *errs)
{
    char field[256];
    child_path(field, sizeof field, path, "finalizers");
    const cJSON *finalizers = typed_member(meta, "finalizers", path, 1, errs);
    if (!finalizers) return;
    int orphan = 0, foreground = 0, i = 0;
    validation_messages m;
    const cJSON *item;
    cJSON_ArrayForEach(item, finalizers) {
        char at[256];
        index_path(at, sizeof at, field, i++);
        const char *value = "";
        if (cJSON_IsString(item) && item->valuestring) value = item->valuestring;
        else if (!cJSON_IsNull(item)) {
            add_type_error(errs, at, item, "string");
            continue;
        }
        is_qualified_name(value, &m);
        add_invalid_value_for_each_message(errs, field, value, &m);
        if (strcmp(value, "orphan") == 0) orphan = 1;
        if (strcmp(value, "foregroundDeletion") == 0) foreground = 1;
    }
    if (orphan && foreground) {
        int n;
        const char **all = strings_of_array(finalizers, &n);
        kapi_buf b;
        kapi_buf_init(&b);
        if (all) append_go_string_slice(&b, all, n);
        add_invalid_printed(errs, FIELD_INVALID, field, b.data ? b.data : "[]string{}",
                            "finalizer orphan and foregroundDeletion cannot be both set");
        kapi_buf_free(&b);
        free(all);
    }
}

/* Decodes one UTF-8 character at s (len bytes left); returns its length
 * (1 for a bad byte, which Go reads as U+FFFD) and the code point. */
static size_t next_rune(const unsigned char *s, size_t len, unsigned *rune)
{
    unsigned c = s[0];
    size_t need = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 :
                  (c & 0xf8) == 0xf0 ? 4 : 0;
    if (need == 0 || need > len) { *rune = 0xfffd; return 1; }
    unsigned r = need == 1 ? c : need == 2 ? (c & 0x1f) : need == 3 ? (c & 0x0f) : (c & 0x07);
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xc0) != 0x80) { *rune = 0xfffd; return 1; }
        r = (r << 6) | (s[i] & 0x3f);
    }
    static const unsigned min_for[] = {0, 0, 0x80, 0x800, 0x10000};
    if (r < min_for[need] || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) { *rune = 0xfffd; return 1; }
    *rune = r;
    return need;
}

/* Go's unicode.IsPrint, for the characters a field manager could hold:
 * controls, format characters, separators other than ' ', private use and
 * non-characters are not printable. */
static int rune_is_printable(unsigned r)
{
    if (r < 0x20 || (r >= 0x7f && r <= 0xa0) || r == 0xad) return 0;
    if (r == 0x061c || r == 0x180e || (r >= 0x2000 && r <= 0x200f) ||
        (r >= 0x2028 && r <= 0x202f) || (r >= 0x205f && r <= 0x206f) || r == 0x3000 ||
        r == 0x1680 || r == 0xfeff || (r >= 0xfff9 && r <= 0xfffb))
        return 0;
    if ((r >= 0xe000 && r <= 0xf8ff) || r >= 0xf0000) return 0;
    if ((r & 0xfffe) == 0xfffe || (r >= 0xfdd0 && r <= 0xfdef)) return 0;
    return 1;
}

static void validate_field_manager(const char *manager, const char *field, field_errors *errs)
{
    size_t len = strlen(manager);
    if (len > FIELD_MANAGER_MAX) {
        char detail[64];
        snprintf(detail, sizeof detail, "must have at most %d bytes", FIELD_MANAGER_MAX);
        field_error_add_str(errs, FIELD_TOO_LONG, field, manager, detail);
    }
    const unsigned char *s = (const unsigned char *)manager;
    for (size_t i = 0; i < len;) {
        unsigned r;
        size_t w = next_rune(s + i, len - i, &r);
        if (!rune_is_printable(r)) {
            char detail[96];
            snprintf(detail, sizeof detail, "invalid character U+%04X (at position %zu)", r, i);
            field_error_add_str(errs, FIELD_INVALID, field, manager, detail);
        }
        i += w;
    }
}

static void validate_managed_fields(const cJSON *meta, const char *path, field_errors *errs)
{
    char field[256];
    child_path(field, sizeof field, path, "managedFields");
    const cJSON *entries = typed_member(meta, "managedFields", path, 1, errs);
    if (!entries) return;
    int i = 0;
    const cJSON *entry;
    cJSON_ArrayForEach(entry, entries) {
        char at[256], child[300];
        index_path(at, sizeof at, field, i++);
        if (!cJSON_IsObject(entry)) {
            add_type_error(errs, at, entry, "object");
            continue;
        }
        const char *operation = string_member(entry, "operation", at, errs);
        if (strcmp(operation, "Apply") != 0 && strcmp(operation, "Update") != 0) {
            child_path(child, sizeof child, at, "operation");
            field_error_add_str(errs, FIELD_INVALID, child, operation, "must be `Apply` or `Update`");
        }
        const char *fields_type = string_member(entry, "fieldsType", at, errs);
        if (*fields_type && strcmp(fields_type, "FieldsV1") != 0) {
            child_path(child, sizeof child, at, "fieldsType");
            field_error_add_str(errs, FIELD_INVALID, child, fields_type, "must be `FieldsV1`");
        }
        const char *manager = string_member(entry, "manager", at, errs);
        child_path(child, sizeof child, at, "manager");
        validate_field_manager(manager, child, errs);
        const char *subresource = string_member(entry, "subresource", at, errs);
        if (strlen(subresource) > SUBRESOURCE_NAME_MAX) {
            char detail[64];
            snprintf(detail, sizeof detail, "must have at most %d bytes", SUBRESOURCE_NAME_MAX);
            child_path(child, sizeof child, at, "subresource");
            field_error_add_str(errs, FIELD_TOO_LONG, child, subresource, detail);
        }
    }
}

/* ---- ObjectMeta -------------------------------------------------------- */

/* validateObjectMetaAccessorWithOptsCommon: everything but the name. */
static void validate_meta_common(const cJSON *meta, int namespaced, const char *path,
                                 field_errors *errs)
{
    char field[256];
    validation_messages m;
    const char *ns = string_member(meta, "namespace", path, errs);
    child_path(field, sizeof field, path, "namespace");
    if (namespaced) {
        if (!*ns) {
            field_error_add_str(errs, FIELD_REQUIRED, field, NULL, NULL);
        } else {
            name_is_dns1123_label(ns, 0, &m);
            add_invalid_value_for_each_message(errs, field, ns, &m);
        }
    } else if (*ns) {
        field_error_add_str(errs, FIELD_FORBIDDEN, field, NULL, "not allowed on this type");
    }

    long long generation;
    if (integer_member(meta, "generation", path, errs, &generation) && generation < 0) {
        child_path(field, sizeof field, path, "generation");
        field_error_add(errs, FIELD_INVALID, field,
                        cJSON_GetObjectItemCaseSensitive(meta, "generation"),
                        "must be greater than or equal to 0");
    }

    child_path(field, sizeof field, path, "labels");
    validate_labels(cJSON_IsObject(meta) ? cJSON_GetObjectItemCaseSensitive(meta, "labels") : NULL,
                    field, errs);
    child_path(field, sizeof field, path, "annotations");
    validate_annotations(cJSON_IsObject(meta) ? cJSON_GetObjectItemCaseSensitive(meta, "annotations")
                                              : NULL,
                         field, errs);
    validate_owner_references(meta, path, errs);
    validate_finalizers(meta, path, errs);
    validate_managed_fields(meta, path, errs);
}

/* metadata must be an object (or absent / null, read as {}): 1 when it can be
 * read, else 0 after a field error. */
static int metadata_is_readable(const cJSON *metadata, const char *path, field_errors *errs)
{
    if (!metadata || cJSON_IsNull(metadata) || cJSON_IsObject(metadata)) return 1;
    add_type_error(errs, path, metadata, "object");
    return 0;
}

void validate_object_meta_at(const cJSON *metadata, int namespaced, name_validator v,
                             const char *path, field_errors *errs)
{
    if (!path) path = "metadata";
    if (!metadata_is_readable(metadata, path, errs)) return;
    if (!v) v = name_is_dns1123_subdomain;
    char field[256];
    validation_messages m;
    const char *generate_name = string_member(metadata, "generateName", path, errs);
    const char *name = string_member(metadata, "name", path, errs);
    if (*generate_name) {
        v(generate_name, 1, &m);
        child_path(field, sizeof field, path, "generateName");
        add_invalid_value_for_each_message(errs, field, generate_name, &m);
    }
    child_path(field, sizeof field, path, "name");
    if (!*name) {
        field_error_add_str(errs, FIELD_REQUIRED, field, NULL, "name or generateName is required");
    } else {
        v(name, 0, &m);
        add_invalid_value_for_each_message(errs, field, name, &m);
    }
    validate_meta_common(metadata, namespaced, path, errs);
}

void validate_object_meta(const cJSON *metadata, int namespaced, name_validator v,
                          field_errors *errs)
{
    validate_object_meta_at(metadata, namespaced, v, "metadata", errs);
}

/* ---- timestamps, as metav1.Time decodes and Go prints them -------------- */

typedef struct meta_time {
    int present;      /* the member is there and not null */
    int parsed;       /* RFC 3339 understood: seconds/nanos valid */
    int64_t seconds;  /* since 1970-01-01T00:00:00Z */
    int64_t nanos;
    const char *text; /* as sent */
} meta_time;

static meta_time time_member(const cJSON *meta, const char *key)
{
    meta_time t = {0};
    const cJSON *v = cJSON_IsObject(meta) ? cJSON_GetObjectItemCaseSensitive(meta, key) : NULL;
    if (!v || cJSON_IsNull(v)) return t;
    t.present = 1;
    t.text = cJSON_IsString(v) && v->valuestring ? v->valuestring : "";
    t.parsed = rfc3339_parse(t.text, strlen(t.text), 0, &t.seconds, &t.nanos, NULL, 0);
    return t;
}

static int times_are_equal(const meta_time *a, const meta_time *b)
{
    if (a->present != b->present) return 0;
    if (!a->present) return 1;
    if (a->parsed && b->parsed) return a->seconds == b->seconds && a->nanos == b->nanos;
    return a->parsed == b->parsed && strcmp(a->text, b->text) == 0;
}

/* Go's Time.String() in a UTC server: "2024-01-02 03:04:05 +0000 UTC",
 * fractions with trailing zeros trimmed. The zero time when absent. */
static void format_go_time(const meta_time *t, char *out, size_t n)
{
    if (t->present && t->parsed) go_time_string(t->seconds, t->nanos, out, n);
    else go_time_string(GO_ZERO_TIME_UNIX_SECONDS, 0, out, n);
}

/* ValidateImmutableField for a time (value printed with Time.String()). */
static void validate_time_unchanged(const cJSON *new_meta, const cJSON *old_meta,
                                    const char *key, int pointer, field_errors *errs)
{
    meta_time now = time_member(new_meta, key), before = time_member(old_meta, key);
    if (times_are_equal(&now, &before)) return;
    char field[128], printed[96];
    child_path(field, sizeof field, "metadata", key);
    if (pointer && !now.present) {
        add_invalid_printed(errs, FIELD_INVALID, field, "null", "field is immutable");
    } else if (now.present && !now.parsed) {
        field_error_add_str(errs, FIELD_INVALID, field, now.text, "field is immutable");
    } else {
        format_go_time(&now, printed, sizeof printed);
        add_invalid_printed(errs, FIELD_INVALID, field, printed, "field is immutable");
    }
}

/* ValidateImmutableField for a string member (absent reads as ""). */
static void validate_string_unchanged(const cJSON *new_meta, const cJSON *old_meta,
                                      const char *key, field_errors *errs)
{
    field_errors ignored = {.n = 0};
    const char *now = string_member(new_meta, key, "metadata", errs);
    const char *before = string_member(old_meta, key, "metadata", &ignored);
    if (strcmp(now, before) == 0) return;
    char field[128];
    child_path(field, sizeof field, "metadata", key);
    field_error_add_str(errs, FIELD_INVALID, field, now, "field is immutable");
}

static int string_is_in(const char *s, const char *const *list, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0) return 1;
    return 0;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ValidateNoNewFinalizers: while deleting, no finalizer may be added. */
static void validate_no_new_finalizers(const cJSON *new_meta, const cJSON *old_meta,
                                       field_errors *errs)
{
    int n_new, n_old;
    const cJSON *new_list = cJSON_IsObject(new_meta)
        ? cJSON_GetObjectItemCaseSensitive(new_meta, "finalizers") : NULL;
    const cJSON *old_list = cJSON_IsObject(old_meta)
        ? cJSON_GetObjectItemCaseSensitive(old_meta, "finalizers") : NULL;
    const char **now = strings_of_array(new_list, &n_new);
    const char **before = strings_of_array(old_list, &n_old);
    const char **extra = kapi_xcalloc((size_t)(n_new > 0 ? n_new : 1), sizeof *extra);
    int n_extra = 0;
    if (now && before) {
        for (int i = 0; i < n_new; i++)
            if (!string_is_in(now[i], before, n_old) && !string_is_in(now[i], extra, n_extra))
                extra[n_extra++] = now[i];
    }
    if (n_extra) {
        qsort(extra, (size_t)n_extra, sizeof *extra, compare_strings);
        kapi_buf b;
        kapi_buf_init(&b);
        kapi_buf_puts(&b, "no new finalizers can be added if the object is being deleted, "
                          "found new finalizers ");
        append_go_string_slice(&b, extra, n_extra);
        field_error_add_str(errs, FIELD_FORBIDDEN, "metadata.finalizers", NULL, b.data);
        kapi_buf_free(&b);
    }
    free(now);
    free(before);
    free(extra);
}

void validate_object_meta_update(const cJSON *new_meta, const cJSON *old_meta,
                                 field_errors *errs)
{
    const char *path = "metadata";
    if (!metadata_is_readable(new_meta, path, errs)) return;
    if (!cJSON_IsObject(old_meta)) old_meta = NULL;   /* the stored object: trusted */

    meta_time deleting = time_member(old_meta, "deletionTimestamp");
    if (deleting.present) validate_no_new_finalizers(new_meta, old_meta, errs);

    const char *resource_version = string_member(new_meta, "resourceVersion", path, errs);
    if (!*resource_version)
        field_error_add_str(errs, FIELD_INVALID, "metadata.resourceVersion", "",
                            "must be specified for an update");

    field_errors ignored = {.n = 0};
    long long new_generation, old_generation;
    integer_member(new_meta, "generation", path, errs, &new_generation);
    integer_member(old_meta, "generation", path, &ignored, &old_generation);
    if (new_generation < old_generation) {
        cJSON *value = cJSON_CreateNumber((double)new_generation);
        field_error_add(errs, FIELD_INVALID, "metadata.generation", value, "must not be decremented");
        cJSON_Delete(value);
    }

    validate_string_unchanged(new_meta, old_meta, "name", errs);
    validate_string_unchanged(new_meta, old_meta, "namespace", errs);
    validate_string_unchanged(new_meta, old_meta, "uid", errs);
    validate_time_unchanged(new_meta, old_meta, "creationTimestamp", 0, errs);
    validate_time_unchanged(new_meta, old_meta, "deletionTimestamp", 1, errs);

    long long new_grace, old_grace;
    int has_new_grace = integer_member(new_meta, "deletionGracePeriodSeconds", path, errs, &new_grace);
    int has_old_grace = integer_member(old_meta, "deletionGracePeriodSeconds", path, &ignored,
                                       &old_grace);
    if (has_new_grace != has_old_grace || (has_new_grace && new_grace != old_grace)) {
        cJSON *value = has_new_grace ? cJSON_CreateNumber((double)new_grace) : cJSON_CreateNull();
        field_error_add(errs, FIELD_INVALID, "metadata.deletionGracePeriodSeconds", value,
                        "field is immutable");
        cJSON_Delete(value);
    }

    validate_labels(cJSON_IsObject(new_meta) ? cJSON_GetObjectItemCaseSensitive(new_meta, "labels")
                                             : NULL,
                    "metadata.labels", errs);
    validate_annotations(cJSON_IsObject(new_meta)
                             ? cJSON_GetObjectItemCaseSensitive(new_meta, "annotations") : NULL,
                         "metadata.annotations", errs);
    validate_owner_references(new_meta, path, errs);
    validate_managed_fields(new_meta, path, errs);
}
