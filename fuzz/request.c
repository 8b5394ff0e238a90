/* request.c: fuzzes what a request's head becomes before any handler runs:
 * the FastCGI params nginx passes (server/fcgi_adapter.c: REQUEST_URI split
 * into the percent-decoded path and the raw query, headers), the RequestInfo
 * derived from them (http/router.c request_info_parse) and the query
 * parameters the verbs read (core/request.c query_get/query_bool and
 * query_get_all, Go's url.Values decoding), the redirect of a browser's
 * navigation to the web view (http/browser.c: Accept, the page's fragment),
 * the labels /metrics records from them (http/metrics.c: kube's scope, verb
 * and dry_run), and the Accept negotiation of /metrics (codec/codec.c
 * negotiate_media). Input lines: method, request URI, then
 * "NAME=value" params (HTTP_* headers, CONTENT_TYPE, ...). */
#include "codec/codec.h"
#include "core/request.h"
#include "fuzz.h"
#include "http/browser.h"
#include "http/metrics.h"
#include "http/router.h"
#include "server/fcgi_adapter.h"

#define MAX_LINES 32

static const char *const query_names[] = {
    "watch", "labelSelector", "fieldSelector", "limit", "continue", "resourceVersion",
    "resourceVersionMatch", "timeoutSeconds", "fieldValidation", "dryRun", "fieldManager",
    "force", "pretty", "propagationPolicy", "allowWatchBookmarks", "sendInitialEvents",
    "exclude", "verbose",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstring(data, size);
    kapi_pool *p = kapi_pool_new();
    char *envp[MAX_LINES + 1];
    int n = 0;
    char *line = text;
    for (int i = 0; line && n < MAX_LINES; i++) {
        char *nl = strchr(line, '\n');
        if (nl) *nl = 0;
        envp[n++] = i == 0 ? kapi_psprintf(p, "REQUEST_METHOD=%s", line)
                  : i == 1 ? kapi_psprintf(p, "REQUEST_URI=%s", line)
                           : line;
        line = nl ? nl + 1 : NULL;
    }
    envp[n] = NULL;
    kapi_request req = {0};
    size_t content_length;
    fcgi_parse_error perr;
    if (fcgi_parse_params(p, envp, &req, &content_length, &perr) == 0) {
        request_info info;
        if (request_info_parse(&req, &info) == KAPI_OK) {
            kapi_response resp;
            kapi_response_init(&resp);
            browser_redirect(&req, &info, &resp);
            kapi_response_free(&resp);
            const char *scope = metrics_scope(&info);
            metrics_verb(&req, &info, scope);
        }
        metrics_dry_run(&req);
        static const char *const offered[] = {"text/plain", "application/openmetrics-text", NULL};
        const char *media = negotiate_media(&req, offered);
        if (media && media != offered[0] && media != offered[1]) abort();
        for (size_t i = 0; i < sizeof query_names / sizeof query_names[0]; i++) {
            query_get(&req, query_names[i]);
            query_bool(&req, query_names[i]);
            int n;
            const char **all = query_get_all(&req, query_names[i], &n);
            for (int k = 0; k < n; k++)
                if (!all[k]) abort();          /* n values, each decoded */
            if (all && all[n]) abort();        /* NULL-terminated */
        }
        request_header(&req, "content-type");
    }
    kapi_pool_free(p);
    free(text);
    return 0;
}
