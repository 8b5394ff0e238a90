/* node_connect.c: the addresses kube-apiserver would reach for the
 * node-facing subresources, and the TCP dial it would make, with Go's error
 * texts (see node_connect.h). Facts: pkg/kubelet/client/kubelet_client.go
 * (GetConnectionInfo), pkg/util/node GetPreferredNodeAddress,
 * apimachinery's util/net SplitSchemeNamePort, pkg/registry/core/node
 * isProxyableHostname. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "core/goquote.h"
#include "core/status.h"
#include "registry/kinds/node_connect.h"
#include "registry/kinds/pod_internal.h"

#define DIAL_TIMEOUT_MS 3000
#define KUBELET_DEFAULT_PORT 10250

cJSON *connect_load(rest_call *c, const char *plural, const char *ns, const char *name, rest_result *fail)
{
    const kapi_resource *r = resource_find("", "v1", plural);
    assert(r);
    return rest_load_object(c, r, ns, name, NULL, fail);
}

rest_result connect_plain_error(rest_call *c, int http, const char *msg)
{
    cJSON *st = status_new(KAPI_INTERNAL, msg);
    cJSON_DeleteItemFromObjectCaseSensitive(st, "reason");
    cJSON_ReplaceItemInObjectCaseSensitive(st, "code", cJSON_CreateNumber(http));
    return rest_status(c, st, http);
}

/* Go's %v of []v1.NodeAddress: [{InternalIP 10.0.0.1} {Hostname n1}] */
static const char *addresses_text(kapi_pool *p, const cJSON *addresses)
{
    kapi_buf b;
    kapi_buf_init(&b);
    kapi_buf_putc(&b, '[');
    int i = 0;
    const cJSON *a;
    cJSON_ArrayForEach(a, addresses) {
        kapi_buf_printf(&b, "%s{%s %s}", i++ ? " " : "", json_str(a, "type"), json_str(a, "address"));
    }
    kapi_buf_putc(&b, ']');
    char *s = kapi_pstrndup(p, b.data, b.len);
    kapi_buf_free(&b);
    return s;
}

int node_connection_info(rest_call *c, const char *node, const char **host, int *port, rest_result *fail)
{
    cJSON *obj = connect_load(c, "nodes", "", node, fail);
    if (!obj) return -1;
    const cJSON *status = json_get(obj, "status");
    const cJSON *addresses = json_get(status, "addresses");
    static const char *const preferred[] = {"Hostname", "InternalDNS", "InternalIP", "ExternalDNS", "ExternalIP"};
    *host = NULL;
    for (size_t t = 0; t < sizeof preferred / sizeof preferred[0] && !*host; t++) {
        const cJSON *a;
        cJSON_ArrayForEach(a, addresses) {
            if (!strcmp(json_str(a, "type"), preferred[t])) { *host = json_str(a, "address"); break; }
        }
    }
    if (!*host) {
        const char *msg = kapi_psprintf(c->req->pool, "no preferred addresses found; known addresses: %s",
                                        addresses_text(c->req->pool, addresses));
        *fail = connect_plain_error(c, 500, msg);
        return -1;
    }
    int64_t p = 0;
    const cJSON *kp = json_get(json_get(json_get(status, "daemonEndpoints"), "kubeletEndpoint"), "Port");
    *port = pj_is_int(kp, &p) && p > 0 && p < 65536 ? (int)p : KUBELET_DEFAULT_PORT;
    return 0;
}

const char *connect_join_host_port(kapi_pool *p, const char *host, const char *port)
{
    return kapi_psprintf(p, strchr(host, ':') ? "[%s]:%s" : "%s:%s", host, port);
}

int connect_split_scheme_name_port(kapi_pool *p, const char *id, const char **scheme, const char **name,
                                   const char **port)
{
    const char *parts[3];
    int n = 0;
    const char *s = id;
    for (;;) {
        const char *e = strchr(s, ':');
        if (n == 3) return -1;
        parts[n++] = e ? kapi_pstrndup(p, s, (size_t)(e - s)) : s;
        if (!e) break;
        s = e + 1;
    }
    *scheme = n == 3 ? parts[0] : "";
    *name = n == 3 ? parts[1] : parts[0];
    *port = n == 1 ? "" : parts[n - 1];
    if (!**name) return -1;
    if (**scheme && strcmp(*scheme, "http") && strcmp(*scheme, "https")) return -1;
    return 0;
}

int connect_split_proxy_id(rest_call *c, const char *kind, const char *id, const char **scheme,
                           const char **name, const char **port, rest_result *fail)
{
    if (!connect_split_scheme_name_port(c->req->pool, id, scheme, name, port)) return 0;
    *fail = rest_bad_request(c, kapi_psprintf(c->req->pool, "invalid %s request %s", kind,
                                              connect_quote(c->req->pool, id)));
    return -1;
}

/* Go's net.IP.IsGlobalUnicast */
static int global_unicast(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) {
        uint32_t a = ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr);
        if (a == 0 || a == 0xffffffffu) return 0;
        if ((a >> 24) == 127) return 0;                 /* loopback */
        if ((a >> 16) == 0xa9fe) return 0;              /* 169.254/16 link-local */
        if ((a >> 28) == 0xe) return 0;                 /* multicast */
        return 1;
    }
    if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        if (IN6_IS_ADDR_UNSPECIFIED(a) || IN6_IS_ADDR_LOOPBACK(a) || IN6_IS_ADDR_LINKLOCAL(a) ||
            IN6_IS_ADDR_MULTICAST(a))
            return 0;
        if (IN6_IS_ADDR_V4MAPPED(a)) {
            struct sockaddr_in v4 = {.sin_family = AF_INET};
            memcpy(&v4.sin_addr, a->s6_addr + 12, 4);
            return global_unicast((const struct sockaddr *)&v4);
        }
        return 1;
    }
    return 0;
}

/* Go's lookup error: "lookup <host>: no such host" */
static const char *lookup_error(kapi_pool *p, const char *host, int gai)
{
    if (gai == EAI_NONAME || gai == EAI_NODATA || gai == EAI_FAIL)
        return kapi_psprintf(p, "lookup %s: no such host", host);
    return kapi_psprintf(p, "lookup %s: %s", host, gai_strerror(gai));
}

int connect_proxyable_host(kapi_pool *p, const char *host, const char **why)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
    int gai = getaddrinfo(host, NULL, &hints, &res);
    if (gai) { *why = lookup_error(p, host, gai); return -1; }
    int ok = res != NULL;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next)
        if (!global_unicast(ai->ai_addr)) ok = 0;
    if (!res) *why = "no addresses for hostname";
    else if (!ok) *why = "address not allowed";
    freeaddrinfo(res);
    return ok ? 0 : -1;
}

/* Go's syscall.Errno text for a failed connect */
static const char *connect_errno_text(int e)
{
    switch (e) {
    case ECONNREFUSED: return "connect: connection refused";
    case EHOSTUNREACH: return "connect: no route to host";
    case ENETUNREACH: return "connect: network is unreachable";
    case ETIMEDOUT: return "i/o timeout";
    default: return NULL;
    }
}

const char *connect_dial_error(kapi_pool *p, const char *host, int port)
{
    char ps[16];
    snprintf(ps, sizeof ps, "%d", port);
    const char *hp = connect_join_host_port(p, host, ps);
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
    int gai = getaddrinfo(host, ps, &hints, &res);
    if (gai) return kapi_psprintf(p, "dial tcp: %s", lookup_error(p, host, gai));
    const char *err = NULL;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        char ip[INET6_ADDRSTRLEN] = "";
        const void *src = ai->ai_family == AF_INET ? (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr
                                                    : (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
        inet_ntop(ai->ai_family, src, ip, sizeof ip);
        const char *target = connect_join_host_port(p, ip, ps);
        int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            if (!err) err = kapi_psprintf(p, "dial tcp %s: socket: %s", target, strerror(errno));
            continue;
        }
        int e = 0;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
            e = errno;
            if (e == EINPROGRESS) {
                struct pollfd pfd = {.fd = fd, .events = POLLOUT};
                int n = poll(&pfd, 1, DIAL_TIMEOUT_MS);
                socklen_t len = sizeof e;
                if (n == 0) e = ETIMEDOUT;
                else if (n < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0) e = errno;
            }
        }
        close(fd);
        if (!e) { freeaddrinfo(res); return NULL; }
        const char *t = connect_errno_text(e);
        if (!err)   /* Go's dialSerial reports the first address's error */
            err = kapi_psprintf(p, "dial tcp %s: %s", target, t ? t : kapi_psprintf(p, "connect: %s", strerror(e)));
    }
    freeaddrinfo(res);
    (void)hp;
    return err ? err : kapi_psprintf(p, "dial tcp %s: no addresses", hp);
}

int connect_is_upgrade(rest_call *c)
{
    const char *conn = request_header(c->req, "connection");
    if (!conn) return 0;
    for (const char *s = conn; *s;) {
        while (*s == ' ' || *s == ',' || *s == '\t') s++;
        size_t n = strcspn(s, ", \t");
        if (n == 7 && !strncasecmp(s, "upgrade", 7)) return 1;
        s += n;
    }
    return 0;
}

const char *connect_quote(kapi_pool *p, const char *s)
{
    kapi_buf b;
    kapi_buf_init(&b);
    go_quote(&b, s);
    char *out = kapi_pstrndup(p, b.data, b.len);
    kapi_buf_free(&b);
    return out;
}
