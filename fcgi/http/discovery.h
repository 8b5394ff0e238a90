/* discovery.h: the documents that tell clients what the server serves, built
 * from the kind registry (kinds/kinds.h) in kube-apiserver's shapes
 * and Go field order: the root path list (/), /version, legacy discovery
 * (/api, /apis, /apis/<group>, /api/v1, /apis/<group>/<version>) and
 * aggregated discovery (apidiscovery.k8s.io v2 and v2beta1, which kubectl
 * 1.27+ asks for). Every function returns a new cJSON document the caller
 * frees, or NULL for a group or version kapi does not serve. */
#ifndef KAPI_DISCOVERY_H
#define KAPI_DISCOVERY_H

#include <cjson/cJSON.h>
#include "kinds/resource.h"

/* A subresource a kind serves (pods/status, deployments/scale, ...), as
 * discovery lists it: the kind's data (kinds/resource.h). */
typedef kind_subresource discovery_subresource;

/* The subresource name of resource r, or NULL when discovery does not list it. */
const discovery_subresource *discovery_subresource_find(const kapi_resource *r, const char *name);

/* Every document is built from the calling thread's current kind set
 * (kinds/kinds.h: the request's snapshot). */

/* GET /: {"paths":[...]}, sorted by byte order as kube sorts them. */
cJSON *discovery_root_paths(void);

/* The Kubernetes version kapi answers as: /version's gitVersion and the
 * OpenAPI documents' info.version. */
#define KAPI_KUBE_MAJOR "1"
#define KAPI_KUBE_MINOR "32"
#define KAPI_KUBE_GIT_VERSION "v" KAPI_KUBE_MAJOR "." KAPI_KUBE_MINOR ".0"

/* GET /version: version.Info of Kubernetes 1.32 (major "1", minor "32",
 * gitVersion "v1.32.0", ...). */
cJSON *discovery_version(void);

/* The address /api advertises in serverAddressByClientCIDRs ("host:port").
 * Set it once at start-up, before any thread serves; the default is
 * 127.0.0.1:$KAPI_PORT, or 127.0.0.1:6443. */
void discovery_set_server_address(const char *host_port);

/* GET /api (legacy): {"kind":"APIVersions","versions":["v1"],
 * "serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":...}]}. */
cJSON *discovery_api_versions(void);

/* GET /apis (legacy): APIGroupList of every named group. */
cJSON *discovery_api_group_list(void);

/* GET /apis/<group>: APIGroup, NULL if kapi does not serve group. */
cJSON *discovery_api_group(const char *group);

/* GET /api/v1 or /apis/<group>/<version>: APIResourceList with each
 * resource and its subresources; NULL if unknown. */
cJSON *discovery_resource_list(const char *group, const char *version);

/* GET /api (core = 1) or /apis (core = 0) as aggregated discovery:
 * APIGroupDiscoveryList; api_version is "apidiscovery.k8s.io/v2" or
 * "apidiscovery.k8s.io/v2beta1" (the same document otherwise). */
cJSON *discovery_aggregated(int core, const char *api_version);

#endif
