/* selection.c: label and field selection of objects, with each kind's
 * selectable fields (see selection.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/jsonpath.h"
#include "registry/rest_internal.h"
#include "registry/selection.h"

/* The fields a kind can be selected by (kube's AddFieldLabelConversionFunc
 * per kind, as the kind's data: kinds/resource.h): metadata.name always;
 * metadata.namespace for namespaced kinds and for kinds without a list of
 * their own (kube's default conversion); then the kind's own fields. */
static int field_is_selectable(const kapi_resource *r, const char *field)
{
    if (!strcmp(field, "metadata.name")) return 1;
    if (!strcmp(field, "metadata.namespace"))
        return r->namespaced || !r->selectable_fields || !r->selectable_fields[0].name;
    return resource_selectable_field(r, field) != NULL;
}

int selection_parse(rest_call *c, selection *sel, rest_result *fail)
{
    char err[512];
    memset(sel, 0, sizeof *sel);
    sel->r = c->r;
    if (label_selector_parse(c->req->pool, query_get(c->req, "labelSelector"), &sel->labels, err,
                             sizeof err)) {
        *fail = rest_bad_request(c, err);
        return -1;
    }
    if (field_selector_parse(c->req->pool, query_get(c->req, "fieldSelector"), &sel->fields, err,
                             sizeof err)) {
        *fail = rest_bad_request(c, err);
        return -1;
    }
    for (int i = 0; i < sel->fields.n; i++) {
        sel_req *q = &sel->fields.reqs[i];
        const selectable_field *alias = resource_selectable_field(c->r, q->key);
        if (alias && alias->form == FIELD_ALIAS && alias->path) q->key = alias->path;   /* spec.host */
        if (!field_is_selectable(c->r, q->key)) {
            snprintf(err, sizeof err, "field label not supported: %s", q->key);
            *fail = rest_bad_request(c, err);
            return -1;
        }
        if (strcmp(q->key, "metadata.name") && strcmp(q->key, "metadata.namespace"))
            sel->changeable = 1;
    }
    if (sel->labels.n > 0) sel->changeable = 1;
    sel->empty = sel->labels.n == 0 && sel->fields.n == 0;
    return 0;
}

/* ---- field values as kube's GetAttrs give them */

/* A string field; "" when missing or not a string. */
static const char *string_at(const cJSON *obj, const char *path)
{
    const cJSON *v = json_at_indexed(obj, path);
    return cJSON_IsString(v) ? v->valuestring : "";
}

/* strconv.FormatBool of a boolean field, false when missing. */
static const char *bool_at(const cJSON *obj, const char *path)
{
    return cJSON_IsTrue(json_at_indexed(obj, path)) ? "true" : "false";
}

/* strconv.Itoa of an integer field, 0 when missing. */
static const char *int_at(const cJSON *obj, const char *path, char *buf, size_t n)
{
    const cJSON *v = json_at_indexed(obj, path);
    snprintf(buf, n, "%lld", cJSON_IsNumber(v) ? (long long)v->valuedouble : 0LL);
    return buf;
}

static const char *field_value(const kapi_resource *r, const cJSON *obj, const char *field,
                               char *buf, size_t n)
{
    const selectable_field *f = resource_selectable_field(r, field);
    if (!f) return string_at(obj, field);   /* metadata.name, metadata.namespace */
    const char *path = f->path ? f->path : f->name;
    if (f->fallback && !json_at_indexed(obj, path)) path = f->fallback;
    switch (f->form) {
    case FIELD_BOOL: return bool_at(obj, path);
    case FIELD_INT: return int_at(obj, path, buf, n);
    case FIELD_NO_VALUE: return "";
    case FIELD_ALIAS: /* renamed when parsed */
    case FIELD_STRING: break;
    }
    return string_at(obj, path);
}

int selection_matches(const selection *sel, const cJSON *obj)
{
    if (sel->empty) return 1;
    if (!cJSON_IsObject(obj)) return 0;
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    if (!label_selector_matches(&sel->labels, cJSON_GetObjectItemCaseSensitive(meta, "labels")))
        return 0;
    char buf[32];
    for (int i = 0; i < sel->fields.n; i++) {
        const sel_req *q = &sel->fields.reqs[i];
        int eq = !strcmp(field_value(sel->r, obj, q->key, buf, sizeof buf), q->values[0]);
        if ((q->op == SEL_EQ) != eq) return 0;
    }
    return 1;
}

const char *selection_pinned_name(const selection *sel)
{
    for (int i = 0; i < sel->fields.n; i++) {
        const sel_req *q = &sel->fields.reqs[i];
        if (q->op == SEL_EQ && !strcmp(q->key, "metadata.name")) return q->values[0];
    }
    return NULL;
}
