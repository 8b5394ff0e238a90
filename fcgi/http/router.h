/* router.h: request attributes from the URL and method, as kube-apiserver's
 * RequestInfoFactory derives them (verb, API group and version, namespace,
 * resource, name, subresource, or a non-resource path), and query
 * parameters. Authorization works on these; so does dispatch. */
#ifndef KAPI_ROUTER_H
#define KAPI_ROUTER_H

#include "core/request.h"

/* Fills info from req. Returns KAPI_OK or KAPI_NOT_FOUND for shapes that
 * cannot name anything (e.g. "/api/v1/watch" alone). */
kapi_rc request_info_parse(const kapi_request *req, request_info *info);

#endif
