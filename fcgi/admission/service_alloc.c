/* service_alloc.c: the Service allocators (see service_alloc.h). A free
 * value is found as kube's allocateRandomWithOffset finds one: from a
 * random point of the upper band (above the range offset) forward, then
 * the lower band; the taken values are read once per allocation with a
 * prefix list into a bitmap, and the claim itself is the store's create,
 * so a value another process took meanwhile is skipped and the next one
 * tried. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include "admission/service_alloc.h"

#define IP_PREFIX "/registry/ipaddresses/"
#define PORT_PREFIX "/registry/ranges/servicenodeports/"
#define DEFAULT_CIDR "10.96.0.0/12"
#define DEFAULT_PORTS "30000-32767"

void svc_ip_string(uint32_t ip, char out[16])
{
    snprintf(out, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

int svc_ip_parse(const char *s, uint32_t *out)
{
    uint32_t v = 0;
    for (int part = 0; part < 4; part++) {
        if (part && *s++ != '.') return -1;
        if (*s < '0' || *s > '9') return -1;
        unsigned n = 0;
        int digits = 0;
        while (*s >= '0' && *s <= '9') {
            if (digits && n == 0) return -1;   /* a leading zero: Go's ParseIP refuses it */
            n = n * 10 + (unsigned)(*s++ - '0');
            if (++digits > 3 || n > 255) return -1;
        }
        v = v << 8 | n;
    }
    if (*s) return -1;
    *out = v;
    return 0;
}

int svc_parse_cidr(const char *text, svc_range *out)
{
    char addr[32];
    const char *slash = strchr(text, '/');
    if (!slash || (size_t)(slash - text) >= sizeof addr) return -1;
    memcpy(addr, text, (size_t)(slash - text));
    addr[slash - text] = '\0';
    uint32_t ip;
    char *end;
    long prefix = strtol(slash + 1, &end, 10);
    if (svc_ip_parse(addr, &ip) || *end || end == slash + 1 || prefix < 12 || prefix > 30) return -1;
    uint32_t mask = prefix ? 0xffffffffu << (32 - prefix) : 0;
    ip &= mask;
    out->first = ip + 1;
    out->size = (uint32_t)((1ull << (32 - prefix)) - 2);
    char net[16];
    svc_ip_string(ip, net);
    snprintf(out->text, sizeof out->text, "%s/%ld", net, prefix);
    return 0;
}

int svc_parse_port_range(const char *text, svc_range *out)
{
    char *end;
    long lo = strtol(text, &end, 10), hi;
    if (end == text || (*end != '-' && *end != '+')) return -1;
    char sep = *end;
    const char *rest = end + 1;
    long v = strtol(rest, &end, 10);
    if (end == rest || *end || v < 0 || v > 65535 || lo > 65535) return -1;
    hi = sep == '-' ? v : lo + v;
    if (lo < 1 || hi > 65535 || hi < lo) return -1;
    out->first = (uint32_t)lo;
    out->size = (uint32_t)(hi - lo + 1);
    snprintf(out->text, sizeof out->text, "%ld-%ld", lo, hi);
    return 0;
}

/* A range from the environment, parsed once (the default when unset or
 * malformed). */
static const svc_range *range_from_env(svc_range *r, int *done, const char *env,
                                       int (*parse)(const char *, svc_range *), const char *dflt)
{
    if (!__atomic_load_n(done, __ATOMIC_ACQUIRE)) {
        svc_range t;
        const char *v = getenv(env);
        if (!v || !*v || parse(v, &t)) parse(dflt, &t);
        *r = t;
        __atomic_store_n(done, 1, __ATOMIC_RELEASE);
    }
    return r;
}

const svc_range *svc_cluster_ip_range(void)
{
    static svc_range r;
    static int done;
    return range_from_env(&r, &done, "KAPI_SERVICE_CLUSTER_IP_RANGE", svc_parse_cidr, DEFAULT_CIDR);
}

const svc_range *svc_node_port_range(void)
{
    static svc_range r;
    static int done;
    return range_from_env(&r, &done, "KAPI_SERVICE_NODE_PORT_RANGE", svc_parse_port_range, DEFAULT_PORTS);
}

uint32_t svc_range_offset(const svc_range *r, int is_ports)
{
    /* ipallocator: the range size counts network and broadcast; min 16,
     * max 256, step 16. portallocator: min 16, max 128, step 32. */
    uint64_t size = is_ports ? r->size : (uint64_t)r->size + 2;
    uint64_t lo = 16, hi = is_ports ? 128 : 256, step = is_ports ? 32 : 16;
    if (size < lo) return 0;
    uint64_t off = size / step;
    if (off < lo) off = lo;
    if (off > hi) off = hi;
    return (uint32_t)off;
}

const char *svc_alloc_error(kapi_pool *p, svc_alloc_rc rc, int is_ports, const char *value)
{
    switch (rc) {
    case SVC_ALLOC_TAKEN: return is_ports ? "provided port is already allocated" : "provided IP is already allocated";
    case SVC_ALLOC_NOT_IN_RANGE:
        return is_ports ? kapi_psprintf(p, "provided port is not in the valid range. The range of valid ports is %s",
                                        svc_node_port_range()->text)
                        : kapi_psprintf(p, "provided IP %s is not in the valid range", value);
    case SVC_ALLOC_FULL: return "range is full";
    default: return "storage error";
    }
}

/* ---- taken values: one prefix list into a bitmap */

typedef struct taken_map {
    const svc_range *r;
    const char *prefix;
    int is_ports;
    unsigned char *bits;
} taken_map;

static int value_of_key(const taken_map *m, const char *key, uint32_t *v)
{
    const char *rest = key + strlen(m->prefix);
    if (m->is_ports) {
        char *end;
        long n = strtol(rest, &end, 10);
        if (end == rest || *end || n < 0) return -1;
        *v = (uint32_t)n;
        return 0;
    }
    return svc_ip_parse(rest, v);
}

static int mark_taken(void *arg, const char *key, const char *value, int64_t rev)
{
    (void)value, (void)rev;
    taken_map *m = arg;
    uint32_t v;
    if (value_of_key(m, key, &v) || v < m->r->first || v - m->r->first >= m->r->size) return 0;
    uint32_t i = v - m->r->first;
    m->bits[i / 8] |= (unsigned char)(1u << (i % 8));
    return 0;
}

static int is_taken(const taken_map *m, uint32_t i) { return m->bits[i / 8] >> (i % 8) & 1; }

static uint32_t random_below(uint32_t n)
{
    uint32_t r = 0;
    if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r) r = (uint32_t)rand();
    return n ? r % n : 0;
}

/* The index of a free value from a random start in [lo, hi), scanning
 * forward with wrap; UINT32_MAX when that band is full. */
static uint32_t free_in_band(const taken_map *m, uint32_t lo, uint32_t hi)
{
    if (hi <= lo) return UINT32_MAX;
    uint32_t n = hi - lo, start = random_below(n);
    for (uint32_t k = 0; k < n; k++) {
        uint32_t i = lo + (start + k) % n;
        if (!is_taken(m, i)) return i;
    }
    return UINT32_MAX;
}

/* Creates the claim's key (dry run: only looks). */
static svc_alloc_rc claim_key(store *s, const char *key, cJSON *claim, int dry_run)
{
    if (dry_run) {
        store_kv kv;
        store_rc rc = store_get(s, key, &kv);
        if (rc == STORE_OK) { store_kv_free(&kv); return SVC_ALLOC_TAKEN; }
        return rc == STORE_NOT_FOUND ? SVC_ALLOC_OK : SVC_ALLOC_ERROR;
    }
    int64_t rev;
    store_rc rc = store_create(s, key, claim, &rev);
    if (rc == STORE_OK) return SVC_ALLOC_OK;
    return rc == STORE_EXISTS ? SVC_ALLOC_TAKEN : SVC_ALLOC_ERROR;
}

typedef cJSON *(*claim_fn)(kapi_pool *p, uint32_t v, const char *ns, const char *name);

/* Claims the value v, or (want_next) the next free one into *got. */
static svc_alloc_rc claim(store *s, kapi_pool *p, const svc_range *r, const char *prefix, int is_ports,
                          int want_next, uint32_t v, claim_fn make, const char *ns, const char *name,
                          int dry_run, uint32_t *got)
{
    char key[128];
    if (!want_next) {
        if (v < r->first || v - r->first >= r->size) return SVC_ALLOC_NOT_IN_RANGE;
        if (is_ports) snprintf(key, sizeof key, "%s%u", prefix, v);
        else { char ip[16]; svc_ip_string(v, ip); snprintf(key, sizeof key, "%s%s", prefix, ip); }
        *got = v;
        return claim_key(s, key, kapi_pool_keep_json(p, make(p, v, ns, name)), dry_run);
    }
    taken_map m = {.r = r, .prefix = prefix, .is_ports = is_ports};
    m.bits = kapi_palloc(p, r->size / 8 + 1);
    int64_t rev;
    if (store_list(s, prefix, NULL, 0, mark_taken, &m, &rev) != STORE_OK) return SVC_ALLOC_ERROR;
    uint32_t offset = svc_range_offset(r, is_ports);
    if (offset > r->size) offset = 0;
    for (int tries = 0; tries < 64; tries++) {
        uint32_t i = free_in_band(&m, offset, r->size);
        if (i == UINT32_MAX) i = free_in_band(&m, 0, offset);
        if (i == UINT32_MAX) return SVC_ALLOC_FULL;
        svc_alloc_rc rc = claim(s, p, r, prefix, is_ports, 0, r->first + i, make, ns, name, dry_run, got);
        if (rc != SVC_ALLOC_TAKEN) return rc;
        m.bits[i / 8] |= (unsigned char)(1u << (i % 8));   /* taken meanwhile: the next */
    }
    return SVC_ALLOC_FULL;
}

/* kube's IPAddress object (networking.k8s.io, the IPAddress allocator's) */
static cJSON *ip_claim_object(kapi_pool *p, uint32_t v, const char *ns, const char *name)
{
    (void)p;
    char ip[16];
    svc_ip_string(v, ip);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", "IPAddress");
    cJSON_AddStringToObject(o, "apiVersion", "networking.k8s.io/v1beta1");
    cJSON *meta = cJSON_AddObjectToObject(o, "metadata");
    cJSON_AddStringToObject(meta, "name", ip);
    cJSON *labels = cJSON_AddObjectToObject(meta, "labels");
    cJSON_AddStringToObject(labels, "ipaddress.kubernetes.io/ip-family", "IPv4");
    cJSON_AddStringToObject(labels, "ipaddress.kubernetes.io/managed-by", "ipallocator.k8s.io");
    cJSON *ref = cJSON_AddObjectToObject(cJSON_AddObjectToObject(o, "spec"), "parentRef");
    cJSON_AddStringToObject(ref, "group", "");
    cJSON_AddStringToObject(ref, "resource", "services");
    cJSON_AddStringToObject(ref, "namespace", ns);
    cJSON_AddStringToObject(ref, "name", name);
    return o;
}

static cJSON *port_claim_object(kapi_pool *p, uint32_t v, const char *ns, const char *name)
{
    (void)p;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "port", v);
    cJSON *ref = cJSON_AddObjectToObject(o, "parentRef");
    cJSON_AddStringToObject(ref, "resource", "services");
    cJSON_AddStringToObject(ref, "namespace", ns);
    cJSON_AddStringToObject(ref, "name", name);
    return o;
}

svc_alloc_rc svc_ip_claim(store *s, kapi_pool *p, const char *ip, const char *ns, const char *name,
                          int dry_run, char out[16])
{
    uint32_t v = 0, got = 0;
    int next = !ip || !*ip;
    if (!next && svc_ip_parse(ip, &v)) return SVC_ALLOC_NOT_IN_RANGE;
    svc_alloc_rc rc = claim(s, p, svc_cluster_ip_range(), IP_PREFIX, 0, next, v, ip_claim_object, ns, name,
                            dry_run, &got);
    if (rc == SVC_ALLOC_OK) svc_ip_string(got, out);
    return rc;
}

svc_alloc_rc svc_port_claim(store *s, kapi_pool *p, int port, const char *ns, const char *name, int dry_run,
                            int *out)
{
    uint32_t got = 0;
    if (port < 0) return SVC_ALLOC_NOT_IN_RANGE;
    svc_alloc_rc rc = claim(s, p, svc_node_port_range(), PORT_PREFIX, 1, port == 0, (uint32_t)port,
                            port_claim_object, ns, name, dry_run, &got);
    if (rc == SVC_ALLOC_OK) *out = (int)got;
    return rc;
}

void svc_ip_release(store *s, kapi_pool *p, const char *ip)
{
    uint32_t v;
    if (!ip || svc_ip_parse(ip, &v)) return;
    int64_t rev;
    store_delete_if_revision(s, kapi_psprintf(p, IP_PREFIX "%s", ip), 0, NULL, &rev);
}

void svc_port_release(store *s, kapi_pool *p, int port)
{
    if (port <= 0) return;
    int64_t rev;
    store_delete_if_revision(s, kapi_psprintf(p, PORT_PREFIX "%d", port), 0, NULL, &rev);
}
