/* kube_types.c: the value types Kubernetes' CEL libraries add
 * (k8s.io/apiserver/pkg/cel/library): Quantity (quantity(), isQuantity,
 * sign, isInteger, asInteger, asApproximateFloat, add, sub, compareTo,
 * isGreaterThan, isLessThan; codec/quantity.h does the arithmetic), URL
 * (url(), isURL, getScheme, getHost, getHostname, getPort,
 * getEscapedPath, getQuery; parsed as Go's url.ParseRequestURI), IP
 * (ip(), isIP, family, isUnspecified, isLoopback, isLinkLocalMulticast,
 * isLinkLocalUnicast, isGlobalUnicast, string()) and CIDR (cidr(),
 * isCIDR, containsIP, containsCIDR, ip, masked, prefixLength, string()). */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/quantity.h"
#include "core/kapi.h"
#include "cel/cel_int.h"

#define T_QUANTITY "kubernetes.Quantity"
#define T_URL "kubernetes.URL"
#define T_IP "net.IP"
#define T_CIDR "net.CIDR"

typedef struct { int family; unsigned char addr[16]; } ip_addr;   /* family 4 uses addr[0..3] */
typedef struct { ip_addr ip; int prefix; } cidr_t;
typedef struct { const char *scheme, *host, *hostname, *port, *path, *query; } url_t;

static cel_val object(const char *type, const void *data)
{
    cel_val v = {.kind = CV_OBJECT};
    v.u.obj.type = type;
    v.u.obj.data = data;
    return v;
}

static bool is(const cel_val *v, const char *type) { return v->kind == CV_OBJECT && !strcmp(v->u.obj.type, type); }

static char *cstr(cel_ctx *c, const cel_val *s) { return kapi_pstrndup(c->pool, s->u.s.p, s->u.s.len); }

/* ---- IP and CIDR */

/* Go's netip.ParseAddr as kube's ip() uses it: dotted IPv4 without
 * leading zeros, IPv6; zones and IPv4-mapped IPv6 refused. */
static const char *parse_ip(const char *s, ip_addr *ip)
{
    memset(ip, 0, sizeof *ip);
    if (strchr(s, '%')) return "IP address with zone value is not allowed";
    if (strchr(s, ':')) {
        if (inet_pton(AF_INET6, s, ip->addr) != 1) return "ParseAddr: unable to parse IP";
        static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (!memcmp(ip->addr, mapped, 12)) return "IPv4-mapped IPv6 address is not allowed";
        ip->family = 6;
        return NULL;
    }
    if (inet_pton(AF_INET, s, ip->addr) != 1) return "ParseAddr: unable to parse IP";
    ip->family = 4;
    return NULL;
}

static const char *ip_text(cel_ctx *c, const ip_addr *ip)
{
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(ip->family == 4 ? AF_INET : AF_INET6, ip->addr, buf, sizeof buf);
    return kapi_pstrdup(c->pool, buf);
}

static const char *parse_cidr(const char *s, cidr_t *out)
{
    const char *slash = strchr(s, '/');
    if (!slash) return "network address parse error during conversion from string: no '/'";
    char addr[64];
    size_t n = (size_t)(slash - s);
    if (n >= sizeof addr) return "network address parse error during conversion from string";
    memcpy(addr, s, n);
    addr[n] = 0;
    const char *err = parse_ip(addr, &out->ip);
    if (err) return err;
    const char *p = slash + 1;
    if (!*p || (p[0] == '0' && p[1]) || strspn(p, "0123456789") != strlen(p) || strlen(p) > 3)
        return "network address parse error during conversion from string: bad bits after slash";
    out->prefix = atoi(p);
    if (out->prefix > (out->ip.family == 4 ? 32 : 128))
        return "network address parse error during conversion from string: prefix length out of range";
    return NULL;
}

static bool prefix_match(const ip_addr *a, const ip_addr *b, int bits)
{
    if (a->family != b->family) return false;
    for (int i = 0; i < bits; i++) {
        int byte = i / 8, bit = 7 - i % 8;
        if (((a->addr[byte] >> bit) & 1) != ((b->addr[byte] >> bit) & 1)) return false;
    }
    return true;
}

static cel_val ip_method(cel_ctx *c, const char *fn, const ip_addr *ip)
{
    const unsigned char *a = ip->addr;
    bool v4 = ip->family == 4;
    static const unsigned char zero[16];
    bool unspecified = !memcmp(a, zero, v4 ? 4 : 16);
    bool loopback = v4 ? a[0] == 127 : (!memcmp(a, zero, 15) && a[15] == 1);
    bool multicast = v4 ? (a[0] & 0xF0) == 0xE0 : a[0] == 0xFF;
    bool ll_unicast = v4 ? (a[0] == 169 && a[1] == 254) : (a[0] == 0xFE && (a[1] & 0xC0) == 0x80);
    if (!strcmp(fn, "family")) return cel_int(v4 ? 4 : 6);
    if (!strcmp(fn, "isUnspecified")) return cel_bool(unspecified);
    if (!strcmp(fn, "isLoopback")) return cel_bool(loopback);
    if (!strcmp(fn, "isLinkLocalMulticast"))
        return cel_bool(v4 ? (a[0] == 224 && a[1] == 0 && a[2] == 0) : (a[0] == 0xFF && (a[1] & 0x0F) == 0x02));
    if (!strcmp(fn, "isLinkLocalUnicast")) return cel_bool(ll_unicast);
    if (!strcmp(fn, "isGlobalUnicast")) {
        bool broadcast = v4 && a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255;
        return cel_bool(!unspecified && !loopback && !multicast && !ll_unicast && !broadcast);
    }
    return cel_no_overload(c, fn);
}

static cel_val cidr_method(cel_ctx *c, const char *fn, const cidr_t *cidr, const cel_val *a, size_t n)
{
    if (n == 0 && !strcmp(fn, "prefixLength")) return cel_int(cidr->prefix);
    if (n == 0 && !strcmp(fn, "ip")) return object(T_IP, &cidr->ip);
    if (n == 0 && !strcmp(fn, "masked")) {
        cidr_t *m = kapi_palloc(c->pool, sizeof *m);
        *m = *cidr;
        for (int i = cidr->prefix; i < 128; i++) m->ip.addr[i / 8] &= (unsigned char)~(1u << (7 - i % 8));
        return object(T_CIDR, m);
    }
    if (n == 1 && !strcmp(fn, "containsIP")) {
        ip_addr ip;
        const ip_addr *p = &ip;
        if (is(&a[0], T_IP)) p = a[0].u.obj.data;
        else if (a[0].kind == CV_STRING) {
            const char *err = parse_ip(cstr(c, &a[0]), &ip);
            if (err) return cel_error(c, "IP Address %s parse error during conversion from string: %s", cstr(c, &a[0]), err);
        } else return cel_no_overload(c, fn);
        return cel_bool(prefix_match(&cidr->ip, p, cidr->prefix));
    }
    if (n == 1 && !strcmp(fn, "containsCIDR")) {
        cidr_t other;
        const cidr_t *p = &other;
        if (is(&a[0], T_CIDR)) p = a[0].u.obj.data;
        else if (a[0].kind == CV_STRING) {
            const char *err = parse_cidr(cstr(c, &a[0]), &other);
            if (err) return cel_error(c, "%s", err);
        } else return cel_no_overload(c, fn);
        return cel_bool(p->prefix >= cidr->prefix && prefix_match(&cidr->ip, &p->ip, cidr->prefix));
    }
    return cel_no_overload(c, fn);
}

/* ---- URL: Go's url.ParseRequestURI, the parts kube's url library reads */

static bool valid_escapes(const char *s)
{
    for (; *s; s++)
        if (*s == '%' && !(isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2]))) return false;
    return true;
}

static const char *parse_url(cel_ctx *c, const char *raw, url_t *u)
{
    memset(u, 0, sizeof *u);
    for (const char *p = raw; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f) return "net/url: invalid control character in URL";
    if (!*raw) return "empty url";
    const char *rest = raw;
    u->scheme = "";
    if (isalpha((unsigned char)raw[0])) {
        const char *p = raw;
        while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.') p++;
        if (*p == ':') {
            u->scheme = kapi_pstrndup(c->pool, raw, (size_t)(p - raw));
            for (char *s = (char *)u->scheme; *s; s++) *s = (char)tolower((unsigned char)*s);
            rest = p + 1;
        }
    } else if (raw[0] == ':') {
        return "missing protocol scheme";
    }
    const char *q = strchr(rest, '?');
    u->query = q ? kapi_pstrdup(c->pool, q + 1) : "";
    char *r = q ? kapi_pstrndup(c->pool, rest, (size_t)(q - rest)) : kapi_pstrdup(c->pool, rest);
    if (r[0] != '/') return "invalid URI for request";
    u->host = u->hostname = u->port = "";
    if (*u->scheme && r[1] == '/') {
        char *auth = r + 2, *slash = strchr(auth, '/');
        char *path = slash ? kapi_pstrdup(c->pool, slash) : "";
        if (slash) *slash = 0;
        char *at = strrchr(auth, '@');
        char *host = at ? at + 1 : auth;
        u->host = host;
        if (host[0] == '[') {
            char *end = strchr(host, ']');
            if (!end) return "missing ']' in host";
            u->hostname = kapi_pstrndup(c->pool, host + 1, (size_t)(end - host - 1));
            if (end[1] == ':') u->port = end + 2;
            else if (end[1]) return "invalid port after host";
        } else {
            char *colon = strrchr(host, ':');
            u->hostname = colon ? kapi_pstrndup(c->pool, host, (size_t)(colon - host)) : host;
            if (colon) u->port = colon + 1;
        }
        if (strspn(u->port, "0123456789") != strlen(u->port)) return "invalid port after host";
        r = path;
    }
    if (!valid_escapes(r)) return "invalid URL escape";
    u->path = r;
    return NULL;
}

static char *unescape_query(cel_ctx *c, const char *s, size_t n)
{
    char *out = kapi_palloc(c->pool, n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') out[k++] = ' ';
        else if (s[i] == '%' && i + 2 < n + 1 && isxdigit((unsigned char)s[i + 1]) && isxdigit((unsigned char)s[i + 2])) {
            char hex[3] = {s[i + 1], s[i + 2], 0};
            out[k++] = (char)strtol(hex, NULL, 16);
            i += 2;
        } else out[k++] = s[i];
    }
    out[k] = 0;
    return out;
}

/* url.Query(): every key to the list of its values, in order. */
static cel_val url_query(cel_ctx *c, const char *query)
{
    size_t cap = strlen(query) + 1;
    cel_val m = {.kind = CV_MAP};
    m.u.map = kapi_palloc(c->pool, sizeof(cel_map));
    m.u.map->keys = kapi_palloc(c->pool, cap * sizeof(cel_val));
    m.u.map->vals = kapi_palloc(c->pool, cap * sizeof(cel_val));
    const char *p = query;
    while (*p) {
        const char *end = p + strcspn(p, "&");
        const char *eq = memchr(p, '=', (size_t)(end - p));
        if (end > p && !memchr(p, ';', (size_t)(end - p))) {
            char *key = unescape_query(c, p, (size_t)((eq ? eq : end) - p));
            char *val = eq ? unescape_query(c, eq + 1, (size_t)(end - eq - 1)) : "";
            cel_val k = cel_string_ref(key, strlen(key)), v = cel_string_ref(val, strlen(val));
            cel_val *list = (cel_val *)cel_map_get(m.u.map, &k);
            if (!list) {
                m.u.map->keys[m.u.map->n] = k;
                m.u.map->vals[m.u.map->n] = cel_list_new(c, 0);
                list = &m.u.map->vals[m.u.map->n++];
            }
            cel_list *l = list->u.list;
            cel_val *items = kapi_palloc(c->pool, (l->n + 1) * sizeof *items);
            if (l->n) memcpy(items, l->items, l->n * sizeof *items);
            items[l->n] = v;
            l->items = items;
            l->n++;
        }
        p = *end ? end + 1 : end;
    }
    return m;
}

static cel_val str(const char *s) { return cel_string_ref(s, strlen(s)); }

/* ---- Quantity */

static const char *parse_quantity(cel_ctx *c, const cel_val *s, quantity *q)
{
    const char *err = NULL;
    return quantity_parse(cstr(c, s), q, &err) ? (err ? err : "invalid quantity") : NULL;
}

static bool quantity_arg(cel_ctx *c, const cel_val *a, quantity *q)
{
    if (is(a, T_QUANTITY)) { *q = *(const quantity *)a->u.obj.data; return true; }
    if (a->kind == CV_INT) { q->mant = a->u.i; q->scale = 0; q->format = QUANTITY_DECIMAL_SI; return true; }
    return false;
}

static cel_val quantity_method(cel_ctx *c, const char *fn, const quantity *q, const cel_val *a, size_t n)
{
    if (n == 0 && !strcmp(fn, "sign")) return cel_int(quantity_sign(q));
    if (n == 0 && (!strcmp(fn, "isInteger") || !strcmp(fn, "asInteger"))) {
        /* an integer when the value has no fraction and fits int64 */
        int64_t v = q->mant;
        bool ok = true;
        if (q->scale < 0) {
            int64_t div = 1;
            for (int i = 0; i < -q->scale && ok; i++) { if (div > INT64_MAX / 10) ok = false; else div *= 10; }
            ok = ok && v % div == 0;
            if (ok) v /= div;
        } else {
            for (int i = 0; i < q->scale && ok; i++) ok = !__builtin_mul_overflow(v, 10, &v);
        }
        if (fn[0] == 'i') return cel_bool(ok);
        if (!ok) return cel_error(c, "cannot convert value to integer");
        return cel_int(v);
    }
    if (n == 0 && !strcmp(fn, "asApproximateFloat")) {
        double d = (double)q->mant;
        for (int i = 0; i < q->scale; i++) d *= 10;
        for (int i = 0; i > q->scale; i--) d /= 10;
        return cel_double(d);
    }
    quantity other;
    if (n == 1 && quantity_arg(c, &a[0], &other)) {
        if (!strcmp(fn, "add") || !strcmp(fn, "sub")) {
            quantity *r = kapi_palloc(c->pool, sizeof *r);
            *r = *q;
            if (fn[0] == 's') {
                if (other.mant == INT64_MIN) return cel_error(c, "integer overflow");
                other.mant = -other.mant;
            }
            quantity_add(r, &other);
            return object(T_QUANTITY, r);
        }
        if (!is(&a[0], T_QUANTITY)) return cel_no_overload(c, fn);
        int cmp = quantity_cmp(q, &other);
        if (!strcmp(fn, "compareTo")) return cel_int(cmp);
        if (!strcmp(fn, "isGreaterThan")) return cel_bool(cmp > 0);
        if (!strcmp(fn, "isLessThan")) return cel_bool(cmp < 0);
    }
    return cel_no_overload(c, fn);
}

cel_val cel_call_kube_types(cel_ctx *c, const char *fn, const cel_val *t, const cel_val *a, size_t n, bool *found)
{
    *found = true;
    if (!t && n == 1 && a[0].kind == CV_STRING) {
        char *s = cstr(c, &a[0]);
        if (!strcmp(fn, "quantity") || !strcmp(fn, "isQuantity")) {
            quantity *q = kapi_palloc(c->pool, sizeof *q);
            const char *err = parse_quantity(c, &a[0], q);
            if (fn[0] == 'i') return cel_bool(!err);
            return err ? cel_error(c, "%s", err) : object(T_QUANTITY, q);
        }
        if (!strcmp(fn, "url") || !strcmp(fn, "isURL")) {
            url_t *u = kapi_palloc(c->pool, sizeof *u);
            const char *err = parse_url(c, s, u);
            if (fn[0] == 'i') return cel_bool(!err);
            return err ? cel_error(c, "URL parse error during conversion from string: parse \"%s\": %s", s, err)
                       : object(T_URL, u);
        }
        if (!strcmp(fn, "ip") || !strcmp(fn, "isIP")) {
            ip_addr *ip = kapi_palloc(c->pool, sizeof *ip);
            const char *err = parse_ip(s, ip);
            if (fn[0] == 'i' && fn[1] == 's') return cel_bool(!err);
            return err ? cel_error(c, "IP Address \"%s\" parse error during conversion from string: %s", s, err)
                       : object(T_IP, ip);
        }
        if (!strcmp(fn, "cidr") || !strcmp(fn, "isCIDR")) {
            cidr_t *cidr = kapi_palloc(c->pool, sizeof *cidr);
            const char *err = parse_cidr(s, cidr);
            if (fn[0] == 'i') return cel_bool(!err);
            return err ? cel_error(c, "%s", err) : object(T_CIDR, cidr);
        }
    }
    if (!strcmp(fn, "ip.isCanonical") && !t && n == 1 && a[0].kind == CV_STRING) {
        ip_addr ip;
        char *s = cstr(c, &a[0]);
        if (parse_ip(s, &ip)) return cel_error(c, "IP Address \"%s\" parse error during conversion from string", s);
        return cel_bool(!strcmp(ip_text(c, &ip), s));
    }
    if (t && (is(t, T_QUANTITY) || is(t, T_IP) || is(t, T_CIDR) || is(t, T_URL))) {
        const char *type = t->u.obj.type;
        if (!strcmp(type, T_QUANTITY)) return quantity_method(c, fn, t->u.obj.data, a, n);
        if (!strcmp(type, T_IP) && n == 0) return ip_method(c, fn, t->u.obj.data);
        if (!strcmp(type, T_CIDR)) return cidr_method(c, fn, t->u.obj.data, a, n);
        if (!strcmp(type, T_URL) && n == 0) {
            const url_t *u = t->u.obj.data;
            if (!strcmp(fn, "getScheme")) return str(u->scheme);
            if (!strcmp(fn, "getHost")) return str(u->host);
            if (!strcmp(fn, "getHostname")) return str(u->hostname);
            if (!strcmp(fn, "getPort")) return str(u->port);
            if (!strcmp(fn, "getEscapedPath")) return str(u->path);
            if (!strcmp(fn, "getQuery")) return url_query(c, u->query);
        }
        return cel_no_overload(c, fn);
    }
    *found = false;
    return cel_null();
}

bool cel_object_equal(const cel_val *a, const cel_val *b)
{
    if (strcmp(a->u.obj.type, b->u.obj.type)) return false;
    const char *type = a->u.obj.type;
    if (!strcmp(type, "kubernetes.NamedFormat")) return a->u.obj.data == b->u.obj.data;
    if (!strcmp(type, T_QUANTITY)) return quantity_cmp(a->u.obj.data, b->u.obj.data) == 0;
    if (!strcmp(type, T_IP)) return !memcmp(a->u.obj.data, b->u.obj.data, sizeof(ip_addr));
    if (!strcmp(type, T_CIDR)) {
        const cidr_t *x = a->u.obj.data, *y = b->u.obj.data;
        return x->prefix == y->prefix && !memcmp(&x->ip, &y->ip, sizeof x->ip);
    }
    const url_t *x = a->u.obj.data, *y = b->u.obj.data;
    return !strcmp(x->scheme, y->scheme) && !strcmp(x->host, y->host) && !strcmp(x->path, y->path) &&
           !strcmp(x->query, y->query);
}

const char *cel_object_string(cel_ctx *c, const cel_val *v)
{
    if (is(v, T_IP)) return ip_text(c, v->u.obj.data);
    if (is(v, T_CIDR)) {
        const cidr_t *x = v->u.obj.data;
        return kapi_psprintf(c->pool, "%s/%d", ip_text(c, &x->ip), x->prefix);
    }
    if (is(v, T_QUANTITY)) {
        char buf[64];
        quantity_format_canonical(v->u.obj.data, buf, sizeof buf);
        return kapi_pstrdup(c->pool, buf);
    }
    return NULL;
}

bool cel_url_valid(const char *s)
{
    cel_ctx c = {.pool = kapi_pool_new()};
    url_t u;
    bool ok = parse_url(&c, s, &u) == NULL;
    kapi_pool_free(c.pool);
    return ok;
}
