/* node_connect.h: how kube-apiserver reaches what lives on nodes, for the
 * node-facing subresources (pods/log, exec, attach, portforward, proxy;
 * nodes/proxy; services/proxy). kapi has no kubelet client: it finds the
 * address kube would use (kube's NodeConnectionInfoGetter), tries a TCP
 * connection to it as kube would, and answers with the error kube gives
 * when that fails. */
#ifndef KAPI_NODE_CONNECT_H
#define KAPI_NODE_CONNECT_H

#include <cjson/cJSON.h>
#include "registry/rest_internal.h"

/* The stored object plural/name (namespace ns, "" when cluster-scoped) of
 * the core group, or NULL when there is none (*fail then holds kube's 404
 * `<plural> "<name>" not found`, or a 500). */
cJSON *connect_load(rest_call *c, const char *plural, const char *ns, const char *name, rest_result *fail);

/* kube's NodeConnectionInfoGetter.GetConnectionInfo: the node's first
 * address by --kubelet-preferred-address-types (Hostname, InternalDNS,
 * InternalIP, ExternalDNS, ExternalIP) and its kubelet port (10250 unless
 * status.daemonEndpoints says). -1 with kube's answer in *fail: 404 for a
 * missing node, 500 `no preferred addresses found; known addresses: [...]`. */
int node_connection_info(rest_call *c, const char *node, const char **host, int *port, rest_result *fail);

/* Dials host:port over TCP (a few seconds at most) as Go's net.Dial would:
 * NULL when something answered (the connection is closed at once), else
 * Go's error text: `dial tcp 10.0.0.1:10250: connect: connection refused`,
 * `... i/o timeout`, `dial tcp: lookup node-1: no such host`. */
const char *connect_dial_error(kapi_pool *p, const char *host, int port);

/* net.JoinHostPort: "h:p", "[v6]:p". */
const char *connect_join_host_port(kapi_pool *p, const char *host, const char *port);

/* utilnet.SplitSchemeNamePort of "name", "name:port" or "scheme:name:port"
 * (scheme http, https or empty): 0, or -1 when it is not of that form. */
int connect_split_scheme_name_port(kapi_pool *p, const char *id, const char **scheme, const char **name,
                                   const char **port);

/* The proxy id of a kind's object (pods, nodes, services: "name",
 * "name:port" or "scheme:name:port") split as above: 0, or -1 with kube's
 * 400 "invalid <kind> request <id>" in *fail. */
int connect_split_proxy_id(rest_call *c, const char *kind, const char *id, const char **scheme,
                           const char **name, const char **port, rest_result *fail);

/* Is host an IP (or a name resolving only to IPs) that Go's IsGlobalUnicast
 * accepts? 0 yes; -1 with kube's reason ("address not allowed", or the
 * lookup's error) in *why. */
int connect_proxyable_host(kapi_pool *p, const char *host, const char **why);

/* A failure kube's handler could not map to a Status: its HTTP code, the
 * error text as message, no reason (apierrors' non-status errors). */
rest_result connect_plain_error(rest_call *c, int http, const char *msg);

/* httpstream.IsUpgradeRequest: a Connection header naming "upgrade". */
int connect_is_upgrade(rest_call *c);

/* Go's %q of s, in the pool. */
const char *connect_quote(kapi_pool *p, const char *s);

/* The part of the path after ".../<name>/proxy" ("" or "/a/b/"). */
const char *connect_proxy_subpath(rest_call *c);
/* A proxied request whose target is host:port: GET or HEAD of an empty
 * path is redirected to "<path>/" (kube's proxyRedirectsforRootPath), an
 * upgrade is "error dialing backend" (500), anything else kube's proxy
 * transport's 503 "error trying to reach service: <dial error>". */
rest_result connect_proxy_to(rest_call *c, const char *host, const char *port);

#endif
