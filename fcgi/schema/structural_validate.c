/* structural_validate.c: structural_validate: a custom resource against
 * its compiled schema as kube-apiserver validates it (kube-openapi's
 * validate package through apiextensions' ValidateCustomResource, the
 * list-type checks of apiserver/schema/listtype, the embedded-resource
 * checks of apiserver/schema/objectmeta, then the CEL rules), with the
 * errors worded as kube converts kube-openapi's:
 *   spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"
 *   spec.mode: Unsupported value: "x": supported values: "a", "b"
 *   spec.name: Invalid value: "b": spec.name in body should match '^a'
 *   spec.name: Required value */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/alloc.h"
#include "schema/structural_internal.h"

typedef struct vctx {
    const char *prefix;   /* field path prefix (a CRD's default: the schema path + ".default") */
    field_errors *errs;
    int64_t *budget;
} vctx;

/* The field path of an error: prefix, then the body path. */
static void field_of(const vctx *c, const spath *body, char *out, size_t n)
{
    if (c->prefix && *c->prefix) snprintf(out, n, "%s%s%s", c->prefix, body->n ? "." : "", body->s);
    else snprintf(out, n, "%s", body->s);
}

/* kube-openapi's "<name> in body <detail>" */
static void add_body_error(const vctx *c, field_error_type t, const spath *body, const cJSON *bad, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void add_body_error(const vctx *c, field_error_type t, const spath *body, const cJSON *bad, const char *fmt, ...)
{
    char detail[768], field[STRUCTURAL_PATH_MAX + 256], msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    snprintf(msg, sizeof msg, "%s%sin body %s", body->s, body->n ? " " : "", detail);
    field_of(c, body, field, sizeof field);
    field_error_add(c->errs, t, field, bad, msg);
}

/* No libm: the few numeric helpers this file needs. */
static double abs_of(double d) { return d < 0 ? -d : d; }

static bool is_integral(double d)
{
    return d == d && abs_of(d) < 9.2e18 && d == (double)(long long)d;
}

static double round_of(double d)
{
    if (abs_of(d) >= 9.2e18 || d != d) return d;
    return (double)(long long)(d < 0 ? d - 0.5 : d + 0.5);
}

static const char *json_type_name(const cJSON *v)
{
    if (cJSON_IsNull(v)) return "null";
    if (cJSON_IsBool(v)) return "boolean";
    if (cJSON_IsString(v)) return "string";
    if (cJSON_IsArray(v)) return "array";
    if (cJSON_IsObject(v)) return "object";
    if (cJSON_IsNumber(v)) {
        return is_integral(v->valuedouble) ? "integer" : "number";
    }
    return "unknown";
}

static bool type_matches(const char *type, const cJSON *v)
{
    const char *have = json_type_name(v);
    if (!strcmp(type, have)) return true;
    return !strcmp(type, "number") && !strcmp(have, "integer");
}

/* Go's %v of a JSON value, quoted for NotSupported's list. */
static void add_enum_error(const vctx *c, const spath *body, const snode *n, const cJSON *v)
{
    char detail[2048] = "supported values: ";
    size_t used = strlen(detail);
    int count = 0;
    for (const cJSON *e = n->enum_values->child; e && used + 8 < sizeof detail; e = e->next, count++) {
        char *text;
        if (cJSON_IsString(e)) {
            cJSON *q = cJSON_CreateString(e->valuestring);
            text = cJSON_PrintUnformatted(q);
            cJSON_Delete(q);
        } else {
            char *raw = cJSON_PrintUnformatted(e);
            cJSON *q = cJSON_CreateString(raw ? raw : "");
            text = cJSON_PrintUnformatted(q);
            cJSON_Delete(q);
            free(raw);
        }
        int w = snprintf(detail + used, sizeof detail - used, "%s%s", count ? ", " : "", text ? text : "");
        free(text);
        if (w < 0 || (size_t)w >= sizeof detail - used) { used = sizeof detail - 1; break; }
        used += (size_t)w;
    }
    char field[STRUCTURAL_PATH_MAX + 256];
    field_of(c, body, field, sizeof field);
    field_error_add(c->errs, FIELD_NOT_SUPPORTED, field, v, detail);
}

static size_t utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) n++;
    return n;
}

static void format_number(char *out, size_t n, double d)
{
    if (is_integral(d) && abs_of(d) < 1e21) snprintf(out, n, "%.0f", d);   /* Go's %v of a float64 */
    else snprintf(out, n, "%.15g", d);
}

static void validate_string(const vctx *c, const snode *n, const cJSON *v, const spath *body)
{
    const char *s = v->valuestring;
    if (n->format && !structural_format_ok(n->format, s)) {
        char field[STRUCTURAL_PATH_MAX + 256], msg[1024];
        cJSON *q = cJSON_CreateString(s);
        char *quoted = cJSON_PrintUnformatted(q);
        cJSON_Delete(q);
        snprintf(msg, sizeof msg, "%s%sin body must be of type %s: %s", body->s, body->n ? " " : "", n->format,
                 quoted ? quoted : "");
        free(quoted);
        field_of(c, body, field, sizeof field);
        field_error_add(c->errs, FIELD_TYPE_INVALID, field, v, msg);
    }
    size_t len = utf8_len(s);
    if (n->max_length >= 0 && (int64_t)len > n->max_length) {
        char field[STRUCTURAL_PATH_MAX + 256], detail[64];
        field_of(c, body, field, sizeof field);
        /* apimachinery's TooLongMaxLength, as apiextensions converts kube-openapi's TooLong */
        snprintf(detail, sizeof detail, "may not be longer than %lld", (long long)n->max_length);
        field_error_add(c->errs, FIELD_TOO_LONG, field, NULL, detail);
    }
    if (n->min_length >= 0 && (int64_t)len < n->min_length)
        add_body_error(c, FIELD_INVALID, body, v, "should be at least %lld chars long", (long long)n->min_length);
    if (n->has_pattern && regexec(&n->pattern_re, s, 0, NULL, 0) != 0)
        add_body_error(c, FIELD_INVALID, body, v, "should match '%s'", n->pattern);
}

static void validate_number(const vctx *c, const snode *n, const cJSON *v, const spath *body)
{
    double d = v->valuedouble;
    char b[64];
    if (n->has_multiple_of && n->multiple_of > 0) {
        double q = d / n->multiple_of;
        if (abs_of(q - round_of(q)) > 1e-9 * (abs_of(q) > 1 ? abs_of(q) : 1)) {
            format_number(b, sizeof b, n->multiple_of);
            add_body_error(c, FIELD_INVALID, body, v, "should be a multiple of %s", b);
        }
    }
    if (n->has_maximum && (n->exclusive_maximum ? d >= n->maximum : d > n->maximum)) {
        format_number(b, sizeof b, n->maximum);
        add_body_error(c, FIELD_INVALID, body, v, "should be less than %s%s", n->exclusive_maximum ? "" : "or equal to ", b);
    }
    if (n->has_minimum && (n->exclusive_minimum ? d <= n->minimum : d < n->minimum)) {
        format_number(b, sizeof b, n->minimum);
        add_body_error(c, FIELD_INVALID, body, v, "should be greater than %s%s", n->exclusive_minimum ? "" : "or equal to ", b);
    }
}

/* Go's %#v of the map of an item's list-map keys. */
static cJSON *map_key_value(const snode *n, const cJSON *item)
{
    char buf[1024] = "map[string]interface {}{";
    size_t used = strlen(buf);
    int i = 0;
    for (const cJSON *k = n->list_map_keys->child; k; k = k->next) {
        if (!cJSON_IsString(k)) continue;
        const cJSON *kv = cJSON_GetObjectItemCaseSensitive(item, k->valuestring);
        if (!kv) continue;
        cJSON *ks = cJSON_CreateString(k->valuestring);
        char *kq = cJSON_PrintUnformatted(ks);
        char *vq = cJSON_PrintUnformatted(kv);
        cJSON_Delete(ks);
        int w = snprintf(buf + used, sizeof buf - used, "%s%s:%s", i++ ? ", " : "", kq ? kq : "", vq ? vq : "");
        free(kq);
        free(vq);
        if (w < 0 || (size_t)w >= sizeof buf - used) break;
        used += (size_t)w;
    }
    if (used + 2 < sizeof buf) strcat(buf, "}");
    return cJSON_CreateRaw(buf);
}

static bool same_map_keys(const snode *n, const cJSON *a, const cJSON *b)
{
    for (const cJSON *k = n->list_map_keys->child; k; k = k->next) {
        if (!cJSON_IsString(k)) continue;
        const cJSON *x = cJSON_GetObjectItemCaseSensitive(a, k->valuestring);
        const cJSON *y = cJSON_GetObjectItemCaseSensitive(b, k->valuestring);
        if (!x != !y) return false;
        if (x && !cJSON_Compare(x, y, 1)) return false;
    }
    return true;
}

/* The old item a list-map item correlates with, or NULL. */
static const cJSON *old_list_map_item(const snode *n, const cJSON *old, const cJSON *item)
{
    if (!cJSON_IsArray(old) || !cJSON_IsObject(item)) return NULL;
    for (const cJSON *o = old->child; o; o = o->next)
        if (cJSON_IsObject(o) && same_map_keys(n, o, item)) return o;
    return NULL;
}

#define LIST_UNIQUENESS_MAX 10000   /* items compared pairwise at most (kube's lists are bounded by request size) */

static void validate_list_type(const vctx *c, const snode *n, const cJSON *v, spath *body)
{
    if (n->list_type == LIST_ATOMIC) return;
    int size = cJSON_GetArraySize(v);
    if (size > LIST_UNIQUENESS_MAX) return;
    int i = 0;
    for (const cJSON *it = v->child; it; it = it->next, i++) {
        if (n->list_type == LIST_MAP && cJSON_IsObject(it) && cJSON_IsArray(n->list_map_keys)) {
            for (const cJSON *k = n->list_map_keys->child; k; k = k->next) {
                if (!cJSON_IsString(k)) continue;
                const snode *ks = snode_property(n->items, k->valuestring);
                if (!cJSON_GetObjectItemCaseSensitive(it, k->valuestring) && !(ks && ks->def)) {
                    size_t old = spath_index(body, i);
                    spath_child(body, k->valuestring);
                    char field[STRUCTURAL_PATH_MAX + 256];
                    field_of(c, body, field, sizeof field);
                    field_error_add(c->errs, FIELD_REQUIRED, field, NULL, NULL);
                    spath_reset(body, old);
                }
            }
        }
        for (const cJSON *prev = v->child; prev != it; prev = prev->next) {
            bool dup = n->list_type == LIST_SET ? cJSON_Compare(prev, it, 1)
                       : (cJSON_IsObject(prev) && cJSON_IsObject(it) && cJSON_IsArray(n->list_map_keys) &&
                          same_map_keys(n, prev, it));
            if (!dup) continue;
            size_t old = spath_index(body, i);
            char field[STRUCTURAL_PATH_MAX + 256];
            field_of(c, body, field, sizeof field);
            if (n->list_type == LIST_SET) {
                field_error_add(c->errs, FIELD_DUPLICATE, field, it, NULL);
            } else {
                cJSON *kv = map_key_value(n, it);
                field_error_add(c->errs, FIELD_DUPLICATE, field, kv, NULL);
                cJSON_Delete(kv);
            }
            spath_reset(body, old);
            break;
        }
    }
}

/* kube's objectmeta validateEmbeddedResource: apiVersion and kind. */
static void validate_embedded(const vctx *c, const cJSON *v, spath *body)
{
    static const char *const names[] = {"apiVersion", "kind"};
    for (int i = 0; i < 2; i++) {
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(v, names[i]);
        size_t old = spath_child(body, names[i]);
        char field[STRUCTURAL_PATH_MAX + 256];
        field_of(c, body, field, sizeof field);
        if (!f) field_error_add(c->errs, FIELD_REQUIRED, field, NULL, "must not be empty");
        else if (!cJSON_IsString(f)) field_error_add(c->errs, FIELD_INVALID, field, f, "must be a string");
        else if (!*f->valuestring) field_error_add(c->errs, FIELD_INVALID, field, f, "must not be empty");
        else if (i == 0) {
            const char *slash = strchr(f->valuestring, '/');
            if (slash && (strchr(slash + 1, '/') || slash == f->valuestring)) {
                char detail[512];
                snprintf(detail, sizeof detail, "unexpected GroupVersion string: %s", f->valuestring);
                field_error_add(c->errs, FIELD_INVALID, field, f, detail);
            }
        }
        spath_reset(body, old);
    }
}

/* Counts how many errors validating v against n would give (for anyOf,
 * oneOf, not), without keeping them. */
static int count_errors(const snode *n, const cJSON *v, const spath *body, int64_t *budget)
{
    field_errors *scratch = kapi_xcalloc(1, sizeof *scratch);
    spath b = *body;
    structural_validate_value(n, v, NULL, false, &b, "", scratch, budget, false);
    int k = scratch->n;
    free(scratch);
    return k;
}

/* kube-openapi reports anyOf/oneOf/not as composite errors, which
 * apiextensions puts at the validator's root path (nil for a custom
 * resource: "<nil>") with an empty value:
 *   <nil>: Invalid value: "": "spec.x" must validate at least one schema (anyOf) */
static void add_composite_error(const vctx *c, const spath *body, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void add_composite_error(const vctx *c, const spath *body, const char *fmt, ...)
{
    char detail[512], msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    cJSON *q = cJSON_CreateString(body->s);
    char *quoted = cJSON_PrintUnformatted(q);
    cJSON_Delete(q);
    snprintf(msg, sizeof msg, "%s %s", quoted ? quoted : "\"\"", detail);
    free(quoted);
    field_error_add_str(c->errs, FIELD_INVALID, c->prefix && *c->prefix ? c->prefix : "<nil>", "", msg);
}

static void validate_junctors(const vctx *c, const snode *n, const cJSON *v, spath *body)
{
    for (int i = 0; i < n->nall; i++)
        structural_validate_value(n->all_of[i], v, NULL, false, body, c->prefix, c->errs, c->budget, false);
    if (n->nany) {
        bool ok = false;
        for (int i = 0; i < n->nany && !ok; i++) ok = count_errors(n->any_of[i], v, body, c->budget) == 0;
        if (!ok) add_composite_error(c, body, "must validate at least one schema (anyOf)");
    }
    if (n->none) {
        int matched = 0;
        for (int i = 0; i < n->none; i++) matched += count_errors(n->one_of[i], v, body, c->budget) == 0;
        if (matched == 0) add_composite_error(c, body, "must validate one and only one schema (oneOf). Found none valid");
        else if (matched > 1)
            add_composite_error(c, body, "must validate one and only one schema (oneOf). Found %d valid alternatives", matched);
    }
    if (n->not_ && count_errors(n->not_, v, body, c->budget) == 0)
        add_composite_error(c, body, "must not validate the schema (not)");
}

/* maxItems/minItems, maxProperties/minProperties (-1: unset): kube's
 * TooMany "must have at most N items" (its word for both) and Invalid
 * "should have at least N <what>". */
static void validate_size(const vctx *c, spath *body, int size, long long max, long long min, const char *what)
{
    if (max >= 0 && size > max) {
        char field[STRUCTURAL_PATH_MAX + 256], detail[64];
        field_of(c, body, field, sizeof field);
        snprintf(detail, sizeof detail, "must have at most %lld items", max);
        field_error_add_int(c->errs, FIELD_TOO_MANY, field, size, detail);
    }
    if (min >= 0 && size < min) {
        cJSON *sz = cJSON_CreateNumber(size);
        add_body_error(c, FIELD_INVALID, body, sz, "should have at least %lld %s", min, what);
        cJSON_Delete(sz);
    }
}

static void validate(const vctx *c, const snode *n, const cJSON *v, const cJSON *old, bool has_old, spath *body,
                     bool root, int depth)
{
    if (!n || depth > 2 * STRUCTURAL_MAX_DEPTH + 100) return;
    /* kube's validation ratcheting (CRDValidationRatcheting, on by default
     * since 1.30): on update a value equal to its correlated old value is
     * not validated again, so a schema that tightened does not lock
     * existing objects. Transition rules on it would compare a value with
     * itself. */
    if (has_old && !root && cJSON_Compare(v, old, 1)) return;
    if (cJSON_IsNull(v) && n->nullable) return;
    const char *type = n->type;
    if (n->int_or_string) {
        if (!cJSON_IsString(v) && strcmp(json_type_name(v), "integer")) {
            cJSON *tn = cJSON_CreateString(json_type_name(v));
            add_body_error(c, FIELD_TYPE_INVALID, body, tn, "must be of type integer,string: \"%s\"", json_type_name(v));
            cJSON_Delete(tn);
            return;
        }
    } else if (*type && !type_matches(type, v)) {
        cJSON *tn = cJSON_CreateString(json_type_name(v));
        add_body_error(c, FIELD_TYPE_INVALID, body, tn, "must be of type %s: \"%s\"", type, json_type_name(v));
        cJSON_Delete(tn);
        return;
    }
    if (n->enum_values) {
        bool found = false;
        for (const cJSON *e = n->enum_values->child; e && !found; e = e->next) found = cJSON_Compare(e, v, 1);
        if (!found) add_enum_error(c, body, n, v);
    }
    if (cJSON_IsString(v)) validate_string(c, n, v, body);
    else if (cJSON_IsNumber(v)) validate_number(c, n, v, body);
    else if (cJSON_IsArray(v)) {
        validate_size(c, body, cJSON_GetArraySize(v), n->max_items, n->min_items, "items");
        validate_list_type(c, n, v, body);
        int i = 0;
        for (const cJSON *it = v->child; it; it = it->next, i++) {
            size_t o = spath_index(body, i);
            const cJSON *old_item = NULL;
            if (has_old && n->list_type == LIST_MAP && n->list_map_keys) old_item = old_list_map_item(n, old, it);
            validate(c, n->items, it, old_item, old_item != NULL, body, false, depth + 1);
            spath_reset(body, o);
        }
    } else if (cJSON_IsObject(v)) {
        validate_size(c, body, cJSON_GetArraySize(v), n->max_properties, n->min_properties, "properties");
        for (const cJSON *r = n->required ? n->required->child : NULL; r; r = r->next) {
            if (!cJSON_IsString(r) || cJSON_GetObjectItemCaseSensitive(v, r->valuestring)) continue;
            size_t o = spath_child(body, r->valuestring);
            char field[STRUCTURAL_PATH_MAX + 256];
            field_of(c, body, field, sizeof field);
            field_error_add(c->errs, FIELD_REQUIRED, field, NULL, NULL);
            spath_reset(body, o);
        }
        for (const cJSON *f = v->child; f; f = f->next) {
            if (root && !strcmp(f->string, "metadata")) continue; /* the caller validates ObjectMeta */
            const snode *p = snode_property(n, f->string);
            if (!p) p = n->additional;
            if (!p) continue;
            const cJSON *of = has_old && cJSON_IsObject(old) ? cJSON_GetObjectItemCaseSensitive(old, f->string) : NULL;
            size_t o = spath_child(body, f->string);
            validate(c, p, f, of, of != NULL, body, false, depth + 1);
            spath_reset(body, o);
        }
        if (n->embedded) validate_embedded(c, v, body);
    }
    validate_junctors(c, n, v, body);
    if (n->nrules && !n->nested) {
        char field[STRUCTURAL_PATH_MAX + 256];
        field_of(c, body, field, sizeof field);
        structural_validate_rules(n, v, old, has_old, field, c->errs, c->budget);
    }
}

void structural_validate_value(const snode *n, const cJSON *v, const cJSON *old, bool has_old, spath *body,
                               const char *prefix, field_errors *errs, int64_t *budget, bool root)
{
    vctx c = {.prefix = prefix, .errs = errs, .budget = budget};
    validate(&c, n, v, old, has_old, body, root, 0);
}

int structural_validate(const structural_schema *s, const cJSON *obj, const cJSON *old, field_errors *errs)
{
    assert(s && errs);
    int before = errs->n;
    spath body = {.n = 0};
    body.s[0] = 0;
    int64_t budget = CEL_RUNTIME_COST_BUDGET;
    structural_validate_value(s->root, obj, old, old != NULL, &body, "", errs, &budget, true);
    return errs->n - before;
}
