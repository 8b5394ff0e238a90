/* service_alloc.h: kube-apiserver's Service allocators (pkg/registry/core/
 * service/ipallocator, portallocator): cluster IPs from the service CIDR
 * (KAPI_SERVICE_CLUSTER_IP_RANGE, kube's --service-cluster-ip-range,
 * default 10.96.0.0/12) and node ports from the node port range
 * (KAPI_SERVICE_NODE_PORT_RANGE, --service-node-port-range, default
 * 30000-32767).
 *
 * Each allocated value is one store key, created with the store's
 * create-if-absent: /registry/ipaddresses/<ip> (an IPAddress object as
 * kube's IPAddress allocator writes it, parentRef naming the Service) and
 * /registry/ranges/servicenodeports/<port>. A create either wins or finds
 * the key taken, in one transaction, so workers of every process allocate
 * consistently without a shared in-memory bitmap and without rewriting a
 * 128 KiB bitmap object (kube's RangeAllocation for a /12) on each
 * Service write. */
#ifndef KAPI_SERVICE_ALLOC_H
#define KAPI_SERVICE_ALLOC_H

#include <stdint.h>
#include "core/kapi.h"
#include "store/store.h"

typedef struct svc_range {
    uint32_t first;   /* the first value handed out (network + 1 for IPs) */
    uint32_t size;    /* how many values */
    char text[64];    /* "10.96.0.0/12", "30000-32767" */
} svc_range;

/* Parses an IPv4 CIDR as kube's service range (prefix 12..30 as kube's
 * "too large" check; network and broadcast addresses excluded): 0 or -1. */
int svc_parse_cidr(const char *text, svc_range *out);
/* Parses "LOW-HIGH" (or "LOW+SIZE") as kube's PortRange: 0 or -1. */
int svc_parse_port_range(const char *text, svc_range *out);
/* The configured ranges (read once from the environment; defaults when
 * unset or malformed). */
const svc_range *svc_cluster_ip_range(void);
const svc_range *svc_node_port_range(void);
/* kube's calculateRangeOffset: values below it are kept for static
 * requests; dynamic allocation starts above (ipallocator: 16..256 in steps
 * of size/16; portallocator: 16..128, size/32). */
uint32_t svc_range_offset(const svc_range *r, int is_ports);
/* Dotted quad of an address; parses one (0 or -1). */
void svc_ip_string(uint32_t ip, char out[16]);
int svc_ip_parse(const char *s, uint32_t *out);

typedef enum svc_alloc_rc {
    SVC_ALLOC_OK,
    SVC_ALLOC_TAKEN,         /* "provided IP is already allocated" */
    SVC_ALLOC_NOT_IN_RANGE,  /* "provided IP 1.2.3.4 is not in the valid range" */
    SVC_ALLOC_FULL,          /* "range is full" */
    SVC_ALLOC_ERROR          /* the store failed */
} svc_alloc_rc;

/* kube's allocator error text for rc about value (an IP or a port). */
const char *svc_alloc_error(kapi_pool *p, svc_alloc_rc rc, int is_ports, const char *value);

/* Claims ip (or, when ip is "", the next free one, written to out) for
 * the Service ns/name. dry_run checks without claiming. */
svc_alloc_rc svc_ip_claim(store *s, kapi_pool *p, const char *ip, const char *ns, const char *name,
                          int dry_run, char out[16]);
void svc_ip_release(store *s, kapi_pool *p, const char *ip);
/* The same for a node port (port 0: the next free one, written to *out). */
svc_alloc_rc svc_port_claim(store *s, kapi_pool *p, int port, const char *ns, const char *name,
                            int dry_run, int *out);
void svc_port_release(store *s, kapi_pool *p, int port);

#endif
