/* field_validation.c: the ?fieldValidation policy of create, update and
 * patch: reads the directive, runs schema_check on the body as sent (JSON
 * text, or YAML and its duplicate keys), and turns the problems into kube's
 * 400, 422 or Warning headers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/codec.h"
#include "codec/fielderr.h"
#include "codec/json.h"
#include "schema/protobuf.h"
#include "core/request.h"
#include "codec/yaml.h"
#include "core/goquote.h"
#include "core/status.h"
#include "schema/field_validation.h"
#include "schema/scalars.h"
#include "schema/schema.h"
#include "schema/schema_check.h"
#include "schema/structural.h"
#include "core/alloc.h"

/* kube's limits on warning headers (k8s.io/apiserver endpoints/filters). */
#define WARN_TOTAL_RUNES 4096
#define WARN_ITEM_RUNES 256
#define WARN_MAX_HEADERS 12

int field_validation_directive(const kapi_request *req, fv_verb verb, fv_directive *out, cJSON **status)
{
    const char *v = query_get(req, "fieldValidation");
    *status = NULL;
    *out = FV_WARN;
    if (!v || !*v) return 0;
    if (!strcmp(v, "Strict")) { *out = FV_STRICT; return 0; }
    if (!strcmp(v, "Warn")) { *out = FV_WARN; return 0; }
    if (!strcmp(v, "Ignore")) { *out = FV_IGNORE; return 0; }
    static const char *const allowed[] = {"", "Ignore", "Strict", "Warn", NULL};
    field_errors errs;
    memset(&errs, 0, sizeof errs);
    field_error_not_supported(&errs, "fieldValidation", v, allowed);
    const char *kind = verb == FV_CREATE ? "CreateOptions" : verb == FV_UPDATE ? "UpdateOptions" : "PatchOptions";
    *status = field_errors_status(&errs, "meta.k8s.io", kind, "");
    return -1;
}

static size_t utf8_runes(const char *s)
{
    size_t n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

void field_validation_warn(const kapi_request *req, kapi_response *resp, const char *text)
{
    size_t total = 0;
    int n_warn = 0;
    char value[WARN_ITEM_RUNES * 4 + 64];
    size_t o = (size_t)snprintf(value, sizeof value, "299 - \"");
    for (const char *s = text; *s && o + 4 < sizeof value; s++) {
        if (*s == '"' || *s == '\\') value[o++] = '\\';
        value[o++] = *s;
    }
    value[o++] = '"';
    value[o] = '\0';
    for (int i = 0; i < resp->n_headers; i++) {
        if (strcasecmp(resp->headers[i].name, "Warning")) continue;
        if (!strcmp(resp->headers[i].value, value)) return;   /* already said */
        total += utf8_runes(resp->headers[i].value);
        n_warn++;
    }
    if (n_warn >= WARN_MAX_HEADERS || total + utf8_runes(value) > WARN_TOTAL_RUNES) return;
    kapi_response_add_header(resp, req->pool, "Warning", value);
}

/* "<Kind> in version "<v>" cannot be handled as a <Kind>: <why>" */
static cJSON *cannot_handle(const char *kind, const char *version, const char *why)
{
    size_t n = strlen(why) + 2 * strlen(kind) + strlen(version) + 64;
    char *msg = kapi_xmalloc(n);
    if (!msg) return status_new(KAPI_INTERNAL, "out of memory");
    snprintf(msg, n, "%s in version \"%s\" cannot be handled as a %s: %s", kind, version, kind, why);
    cJSON *st = status_new_details(KAPI_BAD_REQUEST, msg, NULL, NULL, NULL);
    free(msg);
    return st;
}

/* Strict problems: the 400 (Strict) or Warning headers (Warn). */
static int report_strict(const kapi_request *req, kapi_response *resp, fv_directive d,
                         const schema_problems *p, const char *yaml_dup, const char *kind,
                         const char *version, int is_patch, cJSON **status)
{
    int n = p->n_strict + (yaml_dup && *yaml_dup);
    if (!n || d == FV_IGNORE) return 0;
    if (d == FV_WARN) {
        if (yaml_dup && *yaml_dup) field_validation_warn(req, resp, yaml_dup);
        for (int i = 0; i < p->n_strict; i++) field_validation_warn(req, resp, p->strict[i]);
        return 0;
    }
    size_t len = 64 + (yaml_dup ? strlen(yaml_dup) : 0);
    for (int i = 0; i < p->n_strict; i++) len += strlen(p->strict[i]) + 2;
    char *msg = kapi_xmalloc(len);
    if (!msg) { *status = status_new(KAPI_INTERNAL, "out of memory"); return -1; }
    schema_problems_strict_message(p, yaml_dup, msg, len);
    *status = is_patch ? status_new_details(KAPI_BAD_REQUEST, msg, NULL, NULL, NULL)
                       : cannot_handle(kind, version, msg);
    free(msg);
    return -1;
}

int field_validation_check_body(const kapi_request *req, kapi_response *resp, const char *group,
                                const char *version, const char *kind, fv_verb verb, cJSON *obj,
                                cJSON **status)
{
    fv_directive d;
    if (field_validation_directive(req, verb, &d, status)) return -1;
    const char *mt = request_media_type(req);
    if (!strcmp(mt, PROTOBUF_MEDIA_TYPE)) return 0;      /* no unknown fields to carry */
    const schema_type *t = schema_kind(group, version, kind);
    if (!t || !obj) return 0;
    schema_problems p;
    char dup[600] = "";
    int strict = d != FV_IGNORE;
    if (!strcmp(mt, "application/json")) {
        schema_check_json(t, req->body, req->body_len, strict, &p);
    } else {
        /* YAML: converted to JSON (duplicates resolved), and the duplicate
         * keys YAMLToJSONStrict would refuse reported first */
        if (strict && !strcmp(mt, "application/yaml") && req->body) {
            char err[512], first[400] = "";
            cJSON *again = yaml_parse_noting_duplicate(req->body, req->body_len, err, sizeof err, first,
                                                       sizeof first);
            cJSON_Delete(again);
            if (first[0]) snprintf(dup, sizeof dup, "yaml: unmarshal errors:\n  %s", first);
        }
        schema_check_tree(t, obj, strict, &p);
    }
    int rc = 0;
    if (p.decode_error[0]) {
        *status = cannot_handle(kind, version, p.decode_error);
        rc = -1;
    } else {
        rc = report_strict(req, resp, d, &p, dup, kind, version, 0, status);
    }
    schema_problems_free(&p);
    if (!rc) schema_prune_unknown(t, obj);
    return rc;
}

/* kube's 422 for a patch whose result does not decode:
 *  "" is invalid: patch: Invalid value: "<patched JSON>": <why> */
static cJSON *patch_invalid(const cJSON *patched, const char *why)
{
    char *text = json_print(patched, 0);
    field_errors errs;
    memset(&errs, 0, sizeof errs);
    field_error_add_str(&errs, FIELD_INVALID, "patch", text ? text : "", why);
    free(text);
    cJSON *st = field_errors_status(&errs, "", "", "");
    cJSON *details = cJSON_GetObjectItemCaseSensitive(st, "details");
    cJSON *k = cJSON_GetObjectItemCaseSensitive(details, "kind");
    if (cJSON_IsString(k) && !k->valuestring[0]) cJSON_DeleteItemFromObjectCaseSensitive(details, "kind");
    return st;
}

int field_validation_check_patch(const kapi_request *req, kapi_response *resp, const char *group,
                                 const char *version, const char *kind, cJSON *patched, cJSON **status)
{
    fv_directive d;
    if (field_validation_directive(req, FV_PATCH, &d, status)) return -1;
    const schema_type *t = schema_kind(group, version, kind);
    if (!t || !patched) return 0;
    int strict = d != FV_IGNORE;
    schema_problems body = {0};
    const char *mt = request_media_type(req);
    if (strict && req->body &&
        (!strcmp(mt, "application/merge-patch+json") || !strcmp(mt, "application/strategic-merge-patch+json"))) {
        /* duplicates in the patch itself (decoded into a map: only
         * duplicates can be found there) */
        char path[512];
        if (json_find_duplicate_key(req->body, req->body_len, path, sizeof path) == 1) {
            char msg[1200], quoted[1100];
            go_quote_to(quoted, sizeof quoted, path, strlen(path));
            snprintf(msg, sizeof msg, "duplicate field %s", quoted);
            body.strict[body.n_strict++] = kapi_xstrdup(msg);
            if (!body.strict[body.n_strict - 1]) body.n_strict--;
        }
    }
    schema_problems p;
    schema_check_tree(t, patched, strict, &p);
    int rc = 0;
    if (p.decode_error[0]) {
        *status = patch_invalid(patched, p.decode_error);
        rc = -1;
    } else {
        /* the patch's own problems first, then the patched object's */
        for (int i = 0; i < p.n_strict && body.n_strict < SCHEMA_MAX_STRICT; i++) {
            body.strict[body.n_strict++] = p.strict[i];
            p.strict[i] = NULL;
        }
        p.n_strict = 0;
        rc = report_strict(req, resp, d, &body, NULL, kind, version, 1, status);
    }
    schema_problems_free(&p);
    schema_problems_free(&body);
    if (!rc) schema_prune_unknown(t, patched);
    return rc;
}

/* ---- custom resources: the fields the structural schema prunes */

typedef struct pruned_paths {
    char *path[SCHEMA_MAX_STRICT];
    int n;
} pruned_paths;

static void note_pruned(void *arg, const char *path)
{
    pruned_paths *pp = arg;
    if (pp->n < SCHEMA_MAX_STRICT) pp->path[pp->n++] = kapi_xstrdup(path);
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_problem(schema_problems *p, const char *what, const char *path)
{
    if (p->n_strict >= SCHEMA_MAX_STRICT) return;
    char quoted[1200], msg[1300];
    go_quote_to(quoted, sizeof quoted, path, strlen(path));
    snprintf(msg, sizeof msg, "%s %s", what, quoted);
    p->strict[p->n_strict++] = kapi_xstrdup(msg);
}

int field_validation_check_custom(const kapi_request *req, kapi_response *resp, const structural_schema *s,
                                  const char *version, const char *kind, fv_verb verb, cJSON *obj,
                                  cJSON **status)
{
    fv_directive d;
    if (field_validation_directive(req, verb, &d, status)) return -1;
    if (!cJSON_IsObject(obj)) return 0;
    const schema_type *object_meta = schema_type_named("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
    cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    if (d == FV_IGNORE || !s) {
        /* pruned silently (the schema's fields by the strategy) */
        if (object_meta && cJSON_IsObject(meta)) schema_prune_unknown(object_meta, meta);
        return 0;
    }
    schema_problems p = {0};
    const char *mt = request_media_type(req);
    /* kube's order: the decoder's duplicate fields, metadata's unknown
     * fields, then the pruned paths, sorted */
    if (req->body && (!strcmp(mt, "application/json") || !strcmp(mt, "application/merge-patch+json"))) {
        char path[512];
        if (json_find_duplicate_key(req->body, req->body_len, path, sizeof path) == 1)
            add_problem(&p, "duplicate field", path);
    }
    if (object_meta && cJSON_IsObject(meta)) {
        schema_problems m;
        schema_check_tree_at(object_meta, meta, "metadata", 1, &m);
        for (int i = 0; i < m.n_strict && p.n_strict < SCHEMA_MAX_STRICT; i++) {
            p.strict[p.n_strict++] = m.strict[i];
            m.strict[i] = NULL;
        }
        m.n_strict = 0;
        schema_problems_free(&m);
    }
    pruned_paths pp = {.n = 0};
    structural_prune(s, obj, note_pruned, &pp);
    qsort(pp.path, (size_t)pp.n, sizeof pp.path[0], compare_strings);
    for (int i = 0; i < pp.n; i++) {
        add_problem(&p, "unknown field", pp.path[i]);
        free(pp.path[i]);
    }
    int rc = report_strict(req, resp, d, &p, NULL, kind, version, verb == FV_PATCH, status);
    schema_problems_free(&p);
    if (!rc && object_meta && cJSON_IsObject(meta)) schema_prune_unknown(object_meta, meta);
    return rc;
}
