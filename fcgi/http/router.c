/* router.c: turns a request's path, method and query into request_info, the
 * attributes authorization and dispatch work on. Mirrors kube-apiserver's
 * RequestInfoFactory.NewRequestInfo (staging/src/k8s.io/apiserver/pkg/
 * endpoints/request/requestinfo.go). */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include "http/router.h"

#define MAX_PARTS 16

/* Splits path on '/' skipping empty segments, into pool strings. */
static int split_path(kapi_pool *p, const char *path, const char **parts, int max)
{
    int n = 0;
    const char *s = path;
    while (*s) {
        while (*s == '/') s++;
        if (!*s) break;
        const char *e = strchr(s, '/');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if (n == max) return -1;
        parts[n++] = kapi_pstrndup(p, s, len);
        s += len;
    }
    return n;
}

static const char *verb_from_method(const char *m)
{
    if (!strcmp(m, "POST")) return "create";
    if (!strcmp(m, "GET") || !strcmp(m, "HEAD")) return "get";
    if (!strcmp(m, "PUT")) return "update";
    if (!strcmp(m, "PATCH")) return "patch";
    if (!strcmp(m, "DELETE")) return "delete";
    return "";
}

kapi_rc request_info_parse(const kapi_request *req, request_info *info)
{
    memset(info, 0, sizeof *info);
    info->path = req->path;
    info->group = info->version = info->namespace_ = info->resource = "";
    info->subresource = info->name = info->url_name = info->api_prefix = "";
    /* non-resource verb: the method, lower-cased */
    char *lm = kapi_pstrdup(req->pool, req->method);
    for (char *c = lm; *c; c++) *c = (char)tolower((unsigned char)*c);
    info->verb = lm;

    const char *parts[MAX_PARTS];
    int n = split_path(req->pool, req->path, parts, MAX_PARTS);
    if (n < 0) return KAPI_NOT_FOUND;
    if (n < 3) return KAPI_OK;
    int i = 0;
    if (!strcmp(parts[0], "api")) info->api_prefix = "api";
    else if (!strcmp(parts[0], "apis")) info->api_prefix = "apis";
    else return KAPI_OK;
    i = 1;
    if (!strcmp(info->api_prefix, "apis")) {
        if (n - i < 3) return KAPI_OK;
        info->group = parts[i++];
    }
    info->is_resource = 1;
    info->version = parts[i++];
    if (!strcmp(parts[i], "watch") || !strcmp(parts[i], "proxy")) {
        if (n - i < 2) return KAPI_NOT_FOUND;
        info->verb = parts[i];
        info->legacy_watch = !strcmp(parts[i], "watch");
        i++;
    } else {
        info->verb = verb_from_method(req->method);
    }
    if (!strcmp(parts[i], "namespaces")) {
        if (n - i > 1) {
            info->namespace_ = parts[i + 1];
            if (n - i > 2 && strcmp(parts[i + 2], "status") && strcmp(parts[i + 2], "finalize"))
                i += 2;
        }
    }
    int rest = n - i;
    int special_no_sub = !strcmp(info->verb, "proxy");
    if (rest >= 3 && !special_no_sub) info->subresource = parts[i + 2];
    if (rest >= 2) info->name = parts[i + 1];
    if (rest >= 1) info->resource = parts[i];
    info->n_parts = rest > 3 ? rest - 3 : 0;
    info->url_name = info->name;

    if (!info->name[0] && !strcmp(info->verb, "get")) {
        /* kube's bool parameters: present and not "0" or "false" (any case) is
         * true, even "?watch" or "watch=" (as nginx routes them) */
        const char *wv = query_get(req, "watch");
        info->verb = wv && strcmp(wv, "0") && strcasecmp(wv, "false") ? "watch" : "list";
        /* a field selector naming exactly one object makes it a named request */
        const char *fs = query_get(req, "fieldSelector");
        if (fs && !strncmp(fs, "metadata.name=", 14) && !strchr(fs, ',')) {
            const char *v = fs + 14;
            if (*v == '=') v++;
            if (*v && !strchr(v, '/') && !strchr(v, '%') && strcmp(v, ".") && strcmp(v, ".."))
                info->name = v;
        }
    }
    if (info->legacy_watch && !info->name[0]) info->verb = "watch";
    if (!info->name[0] && !strcmp(info->verb, "delete")) info->verb = "deletecollection";
    return KAPI_OK;
}
