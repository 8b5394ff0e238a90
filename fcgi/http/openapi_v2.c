/* openapi_v2.c: /openapi/v2 as kube-apiserver serves it: one swagger 2.0
 * document with every kind's paths (http/openapi_paths.c) and the
 * definition of every type they reach (http/openapi_schema.c, with
 * x-kubernetes-group-version-kind, the patch and list extensions, kube's
 * io.k8s... names), the common security definition, built once per kind
 * set as JSON and as gnostic's protobuf message (http/openapi_v2_pb.c); and
 * the handler, with kube-openapi's content negotiation, ETag and 304. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "codec/codec.h"
#include "core/alloc.h"
#include "core/request.h"
#include "http/openapi_crd.h"
#include "http/openapi_paths.h"
#include "http/openapi_schema.h"
#include "http/openapi_v2.h"
#include "http/openapi_v2_pb.h"
#include "kinds/kinds.h"

#define PROTOBUF_SUBTYPE "com.github.proto-openapi.spec.v2.v1.0+protobuf"
#define PROTOBUF_SUBTYPE_DEPRECATED "com.github.proto-openapi.spec.v2@v1.0+protobuf"

/* ---- the document */

static cJSON *security_definitions(void)
{
    cJSON *defs = cJSON_CreateObject();
    cJSON *bearer = cJSON_AddObjectToObject(defs, "BearerToken");
    cJSON_AddStringToObject(bearer, "description", "Bearer Token authentication");
    cJSON_AddStringToObject(bearer, "in", "header");
    cJSON_AddStringToObject(bearer, "name", "authorization");
    cJSON_AddStringToObject(bearer, "type", "apiKey");
    return defs;
}

static cJSON *build_swagger(const kinds_set *kinds)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *definitions = cJSON_AddObjectToObject(root, "definitions");
    cJSON *info = cJSON_AddObjectToObject(root, "info");
    cJSON_AddStringToObject(info, "title", "Kubernetes");
    cJSON_AddStringToObject(info, "version", OPENAPI_KUBE_VERSION);
    cJSON *paths = cJSON_AddObjectToObject(root, "paths");
    cJSON *security = cJSON_AddArrayToObject(root, "security");
    cJSON *requirement = cJSON_CreateObject();
    cJSON_AddArrayToObject(requirement, "BearerToken");
    cJSON_AddItemToArray(security, requirement);
    cJSON_AddItemToObject(root, "securityDefinitions", security_definitions());
    cJSON_AddStringToObject(root, "swagger", "2.0");

    openapi_type_set *set = openapi_type_set_new();
    openapi_type_set_add_common(set);
    for (int i = 0; i < kinds->n; i++) {
        const kapi_resource *r = &kinds->kinds[i];
        const schema_type *t = openapi_kind_schema(r);
        if (!t && openapi_add_custom_resource(definitions, paths, r, OPENAPI_V2)) continue;
        if (!t) continue;
        openapi_type_set_add(set, t);
        char list_name[300];
        snprintf(list_name, sizeof list_name, "%sList", t->name);
        if (!cJSON_GetObjectItemCaseSensitive(definitions, list_name))
            openapi_add_sorted(definitions, list_name, openapi_list_schema(r, t, OPENAPI_V2));
        openapi_add_resource_paths(paths, r, OPENAPI_V2);
    }
    openapi_add_type_schemas(definitions, set, OPENAPI_V2);
    openapi_type_set_free(set);
    return root;
}

static void *build_doc(const kinds_set *kinds)
{
    if (schema_load() != 0) return NULL;
    openapi_v2_doc *d = kapi_xcalloc(1, sizeof *d);
    cJSON *root = build_swagger(kinds);
    kapi_buf pb;
    kapi_buf_init(&pb);
    openapi_v2_to_protobuf(root, &pb);
    d->pb_len = pb.len;
    d->pb = kapi_buf_steal(&pb);
    openapi_doc_finish(&d->json, root);   /* deletes root */
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(d->last_modified, sizeof d->last_modified, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return d;
}

static void free_doc(void *data)
{
    openapi_v2_doc *d = data;
    openapi_doc_release(&d->json);
    free((char *)d->pb);
    free(d);
}

static const kinds_derived_key doc_key = {build_doc, free_doc};

const openapi_v2_doc *openapi_v2_document(void)
{
    return kinds_derived(kinds_current(), &doc_key);
}

/* ---- content negotiation (goautoneg's, as kube-openapi uses it) */

typedef struct accept_clause {
    char type[64], subtype[128];
    double q;
} accept_clause;

/* Parses "type/subtype;q=0.5, ..." into at most max clauses, sorted as
 * goautoneg sorts them: higher q first, then a specific type before a
 * wildcard, then a specific subtype before a wildcard (stable otherwise). */
static int parse_accept(const char *h, accept_clause *out, int max)
{
    int n = 0;
    while (h && *h && n < max) {
        const char *end = strchr(h, ',');
        size_t len = end ? (size_t)(end - h) : strlen(h);
        char part[256];
        snprintf(part, sizeof part, "%.*s", (int)(len < sizeof part ? len : sizeof part - 1), h);
        h = end ? end + 1 : NULL;
        char *params = strchr(part, ';');
        if (params) *params++ = '\0';
        char *mt = part;
        while (*mt == ' ' || *mt == '\t') mt++;
        size_t ml = strlen(mt);
        while (ml && (mt[ml - 1] == ' ' || mt[ml - 1] == '\t')) mt[--ml] = '\0';
        char *slash = strchr(mt, '/');
        accept_clause c = {.q = 1};
        if (slash) {
            *slash = '\0';
            snprintf(c.type, sizeof c.type, "%s", mt);
            snprintf(c.subtype, sizeof c.subtype, "%s", slash + 1);
        } else if (!strcmp(mt, "*")) {
            snprintf(c.type, sizeof c.type, "*");
            snprintf(c.subtype, sizeof c.subtype, "*");
        } else {
            continue;
        }
        for (char *p = params; p && *p;) {
            char *next = strchr(p, ';');
            if (next) *next++ = '\0';
            while (*p == ' ') p++;
            if (!strncmp(p, "q=", 2)) c.q = strtod(p + 2, NULL);
            p = next;
        }
        /* insertion keeps equal clauses in their order */
        int at = n;
        while (at > 0) {
            const accept_clause *prev = &out[at - 1];
            int before = c.q > prev->q ||
                         (c.q == prev->q && strcmp(c.type, "*") && !strcmp(prev->type, "*")) ||
                         (c.q == prev->q && !strcmp(c.type, prev->type) && strcmp(c.subtype, "*") &&
                          !strcmp(prev->subtype, "*"));
            if (!before) break;
            out[at] = out[at - 1];
            at--;
        }
        out[at] = c;
        n++;
    }
    return n;
}

/* 1: JSON, 2: protobuf, 0: neither. kube-openapi tries JSON first for each
 * clause, so a wildcard gets JSON. */
static int negotiate(const char *accept)
{
    accept_clause clauses[16];
    int n = parse_accept(accept && *accept ? accept : "*/*", clauses, 16);
    for (int i = 0; i < n; i++) {
        const accept_clause *c = &clauses[i];
        if (strcmp(c->type, "application") && strcmp(c->type, "*")) continue;
        if (!strcmp(c->subtype, "*") || !strcmp(c->subtype, "json")) return 1;
        if (!strcmp(c->subtype, PROTOBUF_SUBTYPE) || !strcmp(c->subtype, PROTOBUF_SUBTYPE_DEPRECATED)) return 2;
    }
    return 0;
}

/* If-None-Match: "*" or a list of (possibly weak) entity tags, one of which
 * is etag, as Go's http.ServeContent reads it. */
static int none_match(const char *header, const char *etag)
{
    if (!header) return 0;
    size_t el = strlen(etag);
    for (const char *p = header; *p;) {
        while (*p == ' ' || *p == ',') p++;
        if (*p == '*') return 1;
        if (!strncmp(p, "W/", 2)) p += 2;
        if (!strncmp(p, etag, el)) return 1;
        while (*p && *p != ',') p++;
    }
    return 0;
}

void openapi_v2_serve(const kapi_request *req, kapi_response *resp)
{
    const openapi_v2_doc *d = openapi_v2_document();
    if (!d) { respond_not_found_path(req, resp); return; }
    kapi_response_add_header(resp, req->pool, "Vary", "Accept");
    int form = negotiate(req->accept);
    if (!form) {
        resp->status = 406;
        return;
    }
    char etag[160];
    snprintf(etag, sizeof etag, "\"%s\"", d->json.hash);
    kapi_response_add_header(resp, req->pool, "ETag", etag);
    kapi_response_add_header(resp, req->pool, "Last-Modified", d->last_modified);
    if (none_match(request_header(req, "if-none-match"), etag)) {
        resp->status = 304;
        return;
    }
    resp->status = 200;
    resp->content_type = form == 1 ? "application/json" : "application/" PROTOBUF_SUBTYPE;
    if (form == 1) kapi_buf_put(&resp->body, d->json.json, d->json.len);
    else kapi_buf_put(&resp->body, d->pb, d->pb_len);
}
