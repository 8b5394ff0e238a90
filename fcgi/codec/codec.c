/* codec.c: content negotiation (Accept, Content-Type) and encoding of
 * responses; the JSON and YAML texts themselves are parsed and written by
 * codec/json.c and codec/yaml.c. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "codec/codec.h"
#include "codec/json.h"
#include "codec/yaml.h"
#include "core/request.h"
#include "core/status.h"

#define MAX_MEDIA_PARAMS 8

typedef struct media_range {
    char type[64];
    struct { char key[32]; char value[64]; } params[MAX_MEDIA_PARAMS];
    int n_params;
} media_range;

static void trim_copy(char *dst, size_t n, const char *s, size_t len)
{
    while (len && isspace((unsigned char)*s)) { s++; len--; }
    while (len && isspace((unsigned char)s[len - 1])) len--;
    if (len >= n) len = n - 1;
    for (size_t i = 0; i < len; i++) dst[i] = (char)tolower((unsigned char)s[i]);
    dst[len] = '\0';
}

/* Parses one media range "type/sub;k=v;k=v" (bounded). */
static void media_range_parse(const char *s, size_t len, media_range *m)
{
    memset(m, 0, sizeof *m);
    const char *end = s + len;
    const char *semi = memchr(s, ';', len);
    trim_copy(m->type, sizeof m->type, s, (size_t)((semi ? semi : end) - s));
    while (semi && m->n_params < MAX_MEDIA_PARAMS) {
        const char *p = semi + 1;
        semi = memchr(p, ';', (size_t)(end - p));
        const char *pe = semi ? semi : end;
        const char *eq = memchr(p, '=', (size_t)(pe - p));
        if (!eq) continue;
        trim_copy(m->params[m->n_params].key, sizeof m->params[0].key, p, (size_t)(eq - p));
        /* values keep their case (Table, APIGroupDiscoveryList) but compare case-insensitively */
        trim_copy(m->params[m->n_params].value, sizeof m->params[0].value, eq + 1,
                  (size_t)(pe - eq - 1));
        m->n_params++;
    }
}

static const char *media_param(const media_range *m, const char *key)
{
    for (int i = 0; i < m->n_params; i++)
        if (!strcmp(m->params[i].key, key)) return m->params[i].value;
    return NULL;
}

/* An Accept range's q parameter is zero ("0", "0.0", "0.000"): the client
 * refuses that type. */
static int q_is_zero(const char *q)
{
    if (!q || *q != '0') return 0;
    for (q++; *q; q++)
        if (*q != '0' && *q != '.') return 0;
    return 1;
}

/* The next media range of an Accept header at *s that does not refuse
 * itself (q=0), advancing *s; 0 at the end. */
static int next_media_range(const char **s, media_range *m)
{
    while (**s) {
        const char *comma = strchr(*s, ',');
        size_t len = comma ? (size_t)(comma - *s) : strlen(*s);
        media_range_parse(*s, len, m);
        *s += len + (comma ? 1 : 0);
        if (!q_is_zero(media_param(m, "q"))) return 1;
    }
    return 0;
}

static int is_pretty(const kapi_request *req)
{
    const char *p = query_get(req, "pretty");
    if (p && *p) return !strcmp(p, "true") || !strcmp(p, "1") || !strcmp(p, "t") || !strcmp(p, "True") || !strcmp(p, "TRUE");
    const char *ua = req->user_agent;
    if (!ua) return 0;
    return !strncmp(ua, "curl", 4) || !strncmp(ua, "Wget", 4) || !strncmp(ua, "Mozilla/5.0", 11);
}

kapi_rc negotiate_output(const kapi_request *req, unsigned allow, output_format *out)
{
    memset(out, 0, sizeof *out);
    out->kind = OUTPUT_JSON;
    out->pretty = is_pretty(req);
    const char *accept = req->accept;
    if (!accept || !*accept) return KAPI_OK;
    const char *s = accept;
    media_range m;
    while (next_media_range(&s, &m)) {
        const char *as = media_param(&m, "as");
        const char *g = media_param(&m, "g");
        const char *v = media_param(&m, "v");
        if (!strcmp(m.type, "application/json")) {
            if (!as) { out->kind = OUTPUT_JSON; return KAPI_OK; }
            if ((allow & ALLOW_TABLE) && !strcmp(as, "table") && g && !strcmp(g, "meta.k8s.io") &&
                v && (!strcmp(v, "v1") || !strcmp(v, "v1beta1"))) {
                out->kind = OUTPUT_TABLE;
                out->version = !strcmp(v, "v1") ? "v1" : "v1beta1";
                return KAPI_OK;
            }
            if ((allow & ALLOW_DISCOVERY) && !strcmp(as, "apigroupdiscoverylist") && g &&
                !strcmp(g, "apidiscovery.k8s.io") && v &&
                (!strcmp(v, "v2") || !strcmp(v, "v2beta1"))) {
                out->kind = OUTPUT_DISCOVERY;
                out->version = !strcmp(v, "v2") ? "v2" : "v2beta1";
                return KAPI_OK;
            }
            continue;
        }
        if (!strcmp(m.type, "application/yaml")) {
            if (as) continue;
            out->kind = OUTPUT_YAML;
            return KAPI_OK;
        }
        if (!strcmp(m.type, "*/*") || !strcmp(m.type, "application/*")) {
            out->kind = OUTPUT_JSON;
            return KAPI_OK;
        }
    }
    return KAPI_NOT_ACCEPTABLE;
}

int accept_prefers_html(const kapi_request *req)
{
    const char *s = req->accept;
    if (!s) return 0;
    media_range m;
    while (next_media_range(&s, &m)) {
        if (!strcmp(m.type, "application/json")) return 0;
        if (!strcmp(m.type, "text/html")) return 1;
    }
    return 0;
}

const char *negotiate_media(const kapi_request *req, const char *const *offered)
{
    const char *s = req->accept;
    if (!s) return NULL;
    media_range m;
    while (next_media_range(&s, &m)) {
        if (!strcmp(m.type, "*/*")) return offered[0];
        for (int i = 0; offered[i]; i++)
            if (!strcmp(m.type, offered[i])) return offered[i];
    }
    return NULL;
}

void error_format(const kapi_request *req, output_format *fmt)
{
    if (negotiate_output(req, 0, fmt) != KAPI_OK) {
        fmt->kind = OUTPUT_JSON;
        fmt->pretty = is_pretty(req);
    }
}

const char *request_media_type(const kapi_request *req)
{
    if (!req->content_type) return "";
    media_range m;
    media_range_parse(req->content_type, strlen(req->content_type), &m);
    return kapi_pstrdup(req->pool, m.type);
}

static void set_body(kapi_response *resp, kapi_buf *b)
{
    kapi_buf_free(&resp->body);
    resp->body = *b;
}

void respond_object(const kapi_request *req, kapi_response *resp, int http_status,
                    const cJSON *obj, const output_format *fmt)
{
    kapi_buf b;
    kapi_buf_init(&b);
    resp->status = http_status;
    if (fmt->kind == OUTPUT_YAML) {
        yaml_write(&b, obj);
        resp->content_type = "application/yaml";
    } else {
        json_write(&b, obj, fmt->pretty);
        if (fmt->pretty) kapi_buf_putc(&b, '\n');
        if (fmt->kind == OUTPUT_TABLE)
            resp->content_type = kapi_psprintf(req->pool, "application/json;as=Table;v=%s;g=meta.k8s.io", fmt->version);
        else if (fmt->kind == OUTPUT_DISCOVERY)
            resp->content_type = kapi_psprintf(req->pool,
                "application/json;g=apidiscovery.k8s.io;v=%s;as=APIGroupDiscoveryList", fmt->version);
        else
            resp->content_type = "application/json";
    }
    set_body(resp, &b);
}

void respond_status(const kapi_request *req, kapi_response *resp, cJSON *status)
{
    output_format fmt;
    error_format(req, &fmt);
    cJSON *code = cJSON_GetObjectItemCaseSensitive(status, "code");
    int http = cJSON_IsNumber(code) ? code->valueint : 500;
    respond_object(req, resp, http, status, &fmt);
    cJSON_Delete(status);
}

void respond_error(const kapi_request *req, kapi_response *resp, kapi_rc rc, const char *message)
{
    respond_status(req, resp, status_new(rc, message));
}

void respond_not_found_path(const kapi_request *req, kapi_response *resp)
{
    respond_status(req, resp, status_new_details(KAPI_NOT_FOUND,
                   "the server could not find the requested resource", NULL, NULL, NULL));
}

void respond_text(kapi_response *resp, int http_status, const char *text)
{
    kapi_buf b;
    kapi_buf_init(&b);
    kapi_buf_puts(&b, text);
    resp->status = http_status;
    resp->content_type = "text/plain; charset=utf-8";
    set_body(resp, &b);
}
