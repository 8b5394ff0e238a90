/* handle.h: the one request pipeline, the top of fcgi/http/. Callers are
 * the FastCGI adapter (server/fcgi_adapter.c), for requests from nginx, and
 * the in-process client (http/client.h), for everything kapi asks itself. */
#ifndef KAPI_HTTP_HANDLE_H
#define KAPI_HTTP_HANDLE_H

#include "core/kapi.h"

/* The one pipeline: authenticate, authorize, route and decode, mutate,
 * validate, admit, store, encode. Always fills resp. */
void kapi_handle(kapi_ctx *ctx, kapi_request *req, kapi_response *resp);

#endif
