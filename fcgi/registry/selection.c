/* selection.c: label and field selection of objects, with each kind's
 * selectable fields (see selection.h). */
#include <stdio.h>
#include <string.h>
#include "registry/rest_internal.h"
#include "registry/selection.h"

/* The fields a kind can be selected by (kube's AddFieldLabelConversionFunc
 * per kind; kinds without one accept metadata.name and metadata.namespace). */
typedef struct kind_fields {
    const char *group, *plural;
    const char *fields[16];
} kind_fields;

static const kind_fields selectable[] = {
    {"", "pods", {"metadata.name", "metadata.namespace", "spec.nodeName", "spec.restartPolicy",
                  "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork",
                  "status.phase", "status.podIP", "status.podIPs", "status.nominatedNodeName",
                  NULL}},
    {"", "nodes", {"metadata.name", "spec.unschedulable", NULL}},
    {"", "namespaces", {"status.phase", "metadata.name", NULL}},
    {"", "secrets", {"type", "metadata.namespace", "metadata.name", NULL}},
    {"", "services", {"metadata.namespace", "metadata.name", "spec.clusterIP", "spec.type", NULL}},
    {"", "events", {"involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
                    "involvedObject.uid", "involvedObject.apiVersion",
                    "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason",
                    "reportingComponent", "source", "type", "metadata.namespace",
                    "metadata.name", NULL}},
    {"apps", "replicasets", {"metadata.name", "metadata.namespace", "status.replicas", NULL}},
};

static const kind_fields *fields_of(const kapi_resource *r)
{
    for (size_t i = 0; i < sizeof selectable / sizeof selectable[0]; i++)
        if (!strcmp(selectable[i].group, r->group) && !strcmp(selectable[i].plural, r->plural))
            return &selectable[i];
    return NULL;
}

static int field_is_selectable(const kapi_resource *r, const char *field)
{
    const kind_fields *k = fields_of(r);
    if (!k) return !strcmp(field, "metadata.name") || !strcmp(field, "metadata.namespace");
    for (int j = 0; j < 16 && k->fields[j]; j++)
        if (!strcmp(k->fields[j], field)) return 1;
    return 0;
}

static int is_pods(const kapi_resource *r)
{
    return !r->group[0] && !strcmp(r->plural, "pods");
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
        if (is_pods(c->r) && !strcmp(q->key, "spec.host")) q->key = "spec.nodeName";
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

static const cJSON *at_path(const cJSON *obj, const char *path)
{
    char part[128];
    const cJSON *cur = obj;
    while (*path && cur) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);
        if (n >= sizeof part) return NULL;
        memcpy(part, path, n);
        part[n] = '\0';
        cur = cJSON_IsObject(cur) ? cJSON_GetObjectItemCaseSensitive(cur, part) : NULL;
        path += n + (dot ? 1 : 0);
    }
    return cur;
}

/* A string field; "" when missing or not a string. */
static const char *string_at(const cJSON *obj, const char *path)
{
    const cJSON *v = at_path(obj, path);
    return cJSON_IsString(v) ? v->valuestring : "";
}

/* strconv.FormatBool of a boolean field, false when missing. */
static const char *bool_at(const cJSON *obj, const char *path)
{
    return cJSON_IsTrue(at_path(obj, path)) ? "true" : "false";
}

/* strconv.Itoa of an integer field, 0 when missing. */
static const char *int_at(const cJSON *obj, const char *path, char *buf, size_t n)
{
    const cJSON *v = at_path(obj, path);
    snprintf(buf, n, "%lld", cJSON_IsNumber(v) ? (long long)v->valuedouble : 0LL);
    return buf;
}

static const char *field_value(const kapi_resource *r, const cJSON *obj, const char *field,
                               char *buf, size_t n)
{
    if (is_pods(r)) {
        if (!strcmp(field, "spec.hostNetwork")) return bool_at(obj, field);
        if (!strcmp(field, "status.podIP")) {
            const cJSON *ips = at_path(obj, "status.podIPs");
            const cJSON *first = cJSON_IsArray(ips) ? cJSON_GetArrayItem(ips, 0) : NULL;
            if (first) return string_at(first, "ip");
            return string_at(obj, "status.podIP");
        }
        if (!strcmp(field, "status.podIPs")) return "";   /* accepted, but not a selectable value */
    }
    if (!r->group[0] && !strcmp(r->plural, "nodes") && !strcmp(field, "spec.unschedulable"))
        return bool_at(obj, field);
    if (!r->group[0] && !strcmp(r->plural, "events") && !strcmp(field, "source"))
        return string_at(obj, "source.component");
    if (!strcmp(r->plural, "replicasets") && !strcmp(field, "status.replicas"))
        return int_at(obj, field, buf, n);
    return string_at(obj, field);
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
