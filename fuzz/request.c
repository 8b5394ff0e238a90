/* request.c: fuzzes what a request's head becomes before any handler runs:
 * the FastCGI params nginx passes (server/fcgi_adapter.c: REQUEST_URI split
 * into the percent-decoded path and the raw query, headers), the RequestInfo
 * derived from them (http/router.c request_info_parse) and the query
 * parameters the verbs read (core/request.c query_get/query_bool, Go's
 * url.Values decoding), and the redirect of a browser's navigation to the
 * web view (http/browser.c: Accept, the page's fragment). Input lines:
 * method, request URI, then
 * "NAME=value" params (HTTP_* headers, CONTENT_TYPE, ...). */
#include "core/request.h"
#include "fuzz.h"
#include "http/browser.h"
#include "http/router.h"
#include "server/fcgi_adapter.h"

#define MAX_LINES 32

static const char *const query_names[] = {
    "watch", "labelSelector", "fieldSelector", "limit", "continue", "resourceVersion",
    "resourceVersionMatch", "timeoutSeconds", "fieldValidation", "dryRun", "fieldManager",
    "force", "pretty", "propagationPolicy", "allowWatchBookmarks", "sendInitialEvents",
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
        }
        for (size_t i = 0; i < sizeof query_names / sizeof query_names[0]; i++) {
            query_get(&req, query_names[i]);
            query_bool(&req, query_names[i]);
        }
        request_header(&req, "content-type");
    }
    kapi_pool_free(p);
    free(text);
    return 0;
}
