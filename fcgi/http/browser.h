/* browser.h: a browser that navigates to an API path is sent to the web
 * view (ui/, served by nginx at /ui/) instead of raw JSON. */
#ifndef KAPI_BROWSER_H
#define KAPI_BROWSER_H

#include "core/request.h"

/* When req is a GET whose Accept prefers text/html (a browser's navigation)
 * on "/", /api... or /apis..., answers 302 with a Location at the matching
 * page of the view (/api/v1/namespaces/default/pods ->
 * /ui/#/ns/default/pods) and returns 1; otherwise touches nothing and
 * returns 0. kubectl, client libraries, curl and the view's own fetch()
 * calls never ask for text/html, so they are never redirected. */
int browser_redirect(const kapi_request *req, const request_info *info, kapi_response *resp);

#endif
