/* request.h: a request's attributes as kube-apiserver's RequestInfo names
 * them (verb, group, version, namespace, resource, subresource, name), and
 * the accessors for its query parameters and headers. http/router.c fills
 * request_info; authorization, admission and the verbs read it. */
#ifndef KAPI_REQUEST_H
#define KAPI_REQUEST_H

#include "core/kapi.h"

typedef struct request_info {
    int is_resource;          /* resource request (under /api/v1 or /apis/g/v) */
    const char *verb;         /* get list watch create update patch delete deletecollection, or the method lower-cased */
    const char *api_prefix;   /* "api" or "apis" */
    const char *group;        /* "" for core */
    const char *version;
    const char *namespace_;   /* "" when none */
    const char *resource;
    const char *subresource;  /* "" when none */
    const char *name;         /* "" when none; for authorization also set from a
                                 fieldSelector=metadata.name=x on list/watch, as kube does */
    const char *url_name;     /* the name segment of the URL only: what dispatch uses */
    const char *path;         /* the request path */
    int n_parts;              /* parts after resource/name/subresource (unexpected extra segments) */
    int legacy_watch;         /* /api/v1/watch/... form */
} request_info;

/* The decoded value of query parameter name (last occurrence wins? no:
 * first, as Go's url.Values.Get), in the pool; NULL if absent. */
const char *query_get(const kapi_request *req, const char *name);
/* Every decoded value of query parameter name, in order (Go's
 * url.Values[name]), NULL-terminated in the pool; *n of them (NULL, 0:
 * none). A value that is not valid percent-encoding is left out. */
const char **query_get_all(const kapi_request *req, const char *name, int *n);
/* 1 if the parameter is "true"/"1" (Go's strconv.ParseBool truthy values). */
int query_bool(const kapi_request *req, const char *name);

/* The first request header with this lower-case name, or NULL. */
const char *request_header(const kapi_request *req, const char *name);

#endif
