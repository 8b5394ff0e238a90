/* watch-clients.c: the load of bench/watch-fanout. Opens W watches (TLS
 * with the admin client certificate, HTTP/1.1, through nginx) on one
 * namespace's ConfigMaps, then creates N ConfigMaps from C keep-alive
 * connections, each carrying its send time (CLOCK_REALTIME, ns) in
 * data.t; every watch reads its stream on one epoll thread and records, for
 * each ADDED event, now - t. Prints one line of key=value results:
 * watchers, events delivered out of expected, watchers that got every event,
 * delivery latency p50/p99/max (ms), write rate and write latency p50/p99.
 *
 *   watch-clients --host 127.0.0.1 --port P --cert admin.crt --key admin.key
 *                 --namespace NS --watchers W --writes N --conns C
 *                 [--timeout SECONDS] [--prefix NAME-PREFIX]
 *                 [--idle SECONDS --pids "PID ..."]
 *
 * With --idle, the watches first sit idle that long while it reads the CPU
 * time and resident memory of the given processes (the kapi-apiserver
 * master and workers) from /proc: what idle watches cost the server.
 *
 * W may be 0 (the writes alone, for the baseline). Exits 1 if it could not
 * run at all; a watcher missing events is a result, not an error. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

static const char *g_host = "127.0.0.1", *g_cert, *g_key, *g_ns = "bench-watch", *g_prefix = "w";
static int g_port, g_watchers = 500, g_writes = 1000, g_conns = 16, g_timeout = 120, g_idle;
static const char *g_pids = "";
static SSL_CTX *g_ctx;

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ---------------------------------------------------------------- connections */

static SSL *connect_tls(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return NULL;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)g_port)};
    inet_pton(AF_INET, g_host, &sa.sin_addr);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return NULL;
    }
    SSL *ssl = SSL_new(g_ctx);
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) != 1) {
        SSL_free(ssl);
        close(fd);
        return NULL;
    }
    return ssl;
}

static void close_tls(SSL *ssl)
{
    if (!ssl) return;
    int fd = SSL_get_fd(ssl);
    SSL_free(ssl);
    close(fd);
}

static int write_all(SSL *ssl, const char *s, size_t n)
{
    while (n > 0) {
        int w = SSL_write(ssl, s, (int)n);
        if (w <= 0) return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Reads one byte-exact HTTP response (Content-Length or chunked) on a
 * blocking keep-alive connection. Returns the status, or -1; the body (cut
 * to cap - 1 bytes, NUL-terminated) goes to body when given. */
typedef struct reader {
    SSL *ssl;
    char buf[16384];
    size_t pos, len;
} reader;

static int next_byte(reader *r)
{
    if (r->pos == r->len) {
        int n = SSL_read(r->ssl, r->buf, sizeof r->buf);
        if (n <= 0) return -1;
        r->pos = 0;
        r->len = (size_t)n;
    }
    return (unsigned char)r->buf[r->pos++];
}

static int read_line(reader *r, char *out, size_t cap)
{
    size_t n = 0;
    for (;;) {
        int c = next_byte(r);
        if (c < 0) return -1;
        if (c == '\n') break;
        if (c != '\r' && n + 1 < cap) out[n++] = (char)c;
    }
    out[n] = '\0';
    return (int)n;
}

static int read_response_body(reader *r, char *body, size_t cap)
{
    char line[1024];
    if (read_line(r, line, sizeof line) < 0) return -1;
    int status = atoi(line + 9);
    long length = -1;
    int chunked = 0;
    for (;;) {
        int n = read_line(r, line, sizeof line);
        if (n < 0) return -1;
        if (n == 0) break;
        if (!strncasecmp(line, "content-length:", 15)) length = atol(line + 15);
        if (!strncasecmp(line, "transfer-encoding:", 18) && strcasestr(line, "chunked")) chunked = 1;
    }
    size_t got = 0;
    for (;;) {
        long chunk = length;
        if (chunked) {
            if (read_line(r, line, sizeof line) < 0) return -1;
            chunk = strtol(line, NULL, 16);
        }
        for (long i = 0; i < chunk; i++) {
            int c = next_byte(r);
            if (c < 0) return -1;
            if (body && got + 1 < cap) body[got++] = (char)c;
        }
        if (!chunked) break;
        if (read_line(r, line, sizeof line) < 0) return -1;   /* the CRLF after the data */
        if (chunk == 0) break;
    }
    if (body && cap) body[got] = '\0';
    return status;
}

static int read_response(SSL *ssl)
{
    static __thread reader *r;
    if (!r && !(r = calloc(1, sizeof *r))) return -1;
    if (r->ssl != ssl) {
        r->ssl = ssl;
        r->pos = r->len = 0;
    }
    return read_response_body(r, NULL, 0);
}

/* ---------------------------------------------------------------- watchers */

typedef struct watcher {
    SSL *ssl;
    int fd;
    char line[65536];
    size_t line_len;
    /* chunked decoding */
    int in_chunk;              /* reading chunk data */
    long chunk_left;
    char size_line[32];
    size_t size_len;
    int crlf_left;             /* CRLF after a chunk's data */
    int events;
    int closed;
} watcher;

static watcher *g_w;
static long long *g_lat;       /* ns, one per delivered event */
static atomic_long g_delivered;
static atomic_int g_stop;

static void on_line(watcher *w, const char *line, size_t n)
{
    if (n < 20 || strncmp(line, "{\"type\":\"ADDED\"", 15)) return;
    const char *t = strstr(line, "\"t\":\"");
    if (!t) return;
    long long sent = atoll(t + 5);
    long i = atomic_fetch_add(&g_delivered, 1);
    if (i < (long)g_watchers * g_writes) g_lat[i] = now_ns() - sent;
    w->events++;
}

static void on_data(watcher *w, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (w->crlf_left > 0) { w->crlf_left--; continue; }
        if (!w->in_chunk) {
            if (c == '\n') {
                w->size_line[w->size_len] = '\0';
                w->chunk_left = strtol(w->size_line, NULL, 16);
                w->size_len = 0;
                if (w->chunk_left == 0) { w->closed = 1; return; }
                w->in_chunk = 1;
            } else if (c != '\r' && w->size_len < sizeof w->size_line - 1) {
                w->size_line[w->size_len++] = c;
            }
            continue;
        }
        if (c == '\n') {
            on_line(w, w->line, w->line_len);
            w->line_len = 0;
        } else if (w->line_len < sizeof w->line - 1) {
            w->line[w->line_len++] = c;
        }
        if (--w->chunk_left == 0) {
            w->in_chunk = 0;
            w->crlf_left = 2;
        }
    }
}

/* Connects watcher w and reads its response head (blocking). */
static int start_watch(watcher *w, const char *rv)
{
    w->ssl = connect_tls();
    if (!w->ssl) return -1;
    char req[512];
    int n = snprintf(req, sizeof req,
                     "GET /api/v1/namespaces/%s/configmaps?watch=true&resourceVersion=%s HTTP/1.1\r\n"
                     "Host: %s\r\nAccept: application/json\r\nUser-Agent: watch-clients\r\n\r\n",
                     g_ns, rv, g_host);
    if (write_all(w->ssl, req, (size_t)n)) return -1;
    char buf[4096];
    size_t len = 0;
    char *end = NULL;
    while (!end) {
        if (len == sizeof buf - 1) return -1;
        int r = SSL_read(w->ssl, buf + len, (int)(sizeof buf - 1 - len));
        if (r <= 0) return -1;
        len += (size_t)r;
        buf[len] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }
    if (atoi(buf + 9) != 200 || !strcasestr(buf, "transfer-encoding: chunked")) return -1;
    end += 4;
    on_data(w, end, len - (size_t)(end - buf));
    w->fd = SSL_get_fd(w->ssl);
    fcntl(w->fd, F_SETFL, fcntl(w->fd, F_GETFL) | O_NONBLOCK);
    return 0;
}

static void *read_watches(void *arg)
{
    int ep = *(int *)arg;
    struct epoll_event evs[256];
    char buf[65536];
    while (!atomic_load(&g_stop)) {
        int n = epoll_wait(ep, evs, 256, 100);
        for (int i = 0; i < n; i++) {
            watcher *w = evs[i].data.ptr;
            for (;;) {
                int r = SSL_read(w->ssl, buf, sizeof buf);
                if (r > 0) {
                    on_data(w, buf, (size_t)r);
                    continue;
                }
                int e = SSL_get_error(w->ssl, r);
                if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
                    w->closed = 1;
                    epoll_ctl(ep, EPOLL_CTL_DEL, w->fd, NULL);
                }
                break;
            }
        }
    }
    return NULL;
}

/* ---------------------------------------------------------------- writers */

static atomic_int g_next_write;
static long long *g_write_lat;
static atomic_int g_write_ok;

static void *writer(void *arg)
{
    (void)arg;
    SSL *ssl = connect_tls();
    if (!ssl) return NULL;
    for (;;) {
        int i = atomic_fetch_add(&g_next_write, 1);
        if (i >= g_writes) break;
        char body[512], req[1024];
        long long t0 = now_ns();
        int bl = snprintf(body, sizeof body,
                          "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"%s-%d\"},"
                          "\"data\":{\"t\":\"%lld\",\"i\":\"%d\"}}", g_prefix, i, t0, i);
        int n = snprintf(req, sizeof req,
                         "POST /api/v1/namespaces/%s/configmaps HTTP/1.1\r\nHost: %s\r\n"
                         "Content-Type: application/json\r\nContent-Length: %d\r\nUser-Agent: watch-clients\r\n\r\n%s",
                         g_ns, g_host, bl, body);
        if (write_all(ssl, req, (size_t)n)) break;
        int st = read_response(ssl);
        g_write_lat[i] = now_ns() - t0;
        if (st == 201) atomic_fetch_add(&g_write_ok, 1);
        else if (st < 0) break;
    }
    close_tls(ssl);
    return NULL;
}

/* The namespace's list resourceVersion, to watch from. */
static int list_rv(char *rv, size_t n)
{
    SSL *ssl = connect_tls();
    if (!ssl) return -1;
    char req[512];
    int l = snprintf(req, sizeof req,
                     "GET /api/v1/namespaces/%s/configmaps?limit=1 HTTP/1.1\r\nHost: %s\r\n"
                     "Accept: application/json\r\n\r\n", g_ns, g_host);
    static reader r;
    r.ssl = ssl;
    char body[16384];
    int rc = -1;
    if (!write_all(ssl, req, (size_t)l) && read_response_body(&r, body, sizeof body) == 200) {
        const char *p = strstr(body, "\"resourceVersion\":");
        if (p) {
            p = strchr(p + 18, '"');
            if (p && sscanf(p + 1, "%31[0-9]", rv) == 1 && strlen(rv) < n) rc = 0;
        }
    }
    close_tls(ssl);
    return rc;
}

/* Sum of utime + stime (clock ticks) and VmRSS (kB) over pids. */
static void proc_usage(long long *ticks, long long *rss_kb)
{
    *ticks = *rss_kb = 0;
    char list[4096];
    snprintf(list, sizeof list, "%s", g_pids);
    for (char *tok = strtok(list, " "); tok; tok = strtok(NULL, " ")) {
        char path[64], buf[4096];
        snprintf(path, sizeof path, "/proc/%s/stat", tok);
        FILE *f = fopen(path, "r");
        if (f) {
            size_t n = fread(buf, 1, sizeof buf - 1, f);
            buf[n] = '\0';
            fclose(f);
            const char *p = strrchr(buf, ')');
            long long ut = 0, st = 0;
            if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lld %lld", &ut, &st) == 2)
                *ticks += ut + st;
        }
        snprintf(path, sizeof path, "/proc/%s/status", tok);
        f = fopen(path, "r");
        if (f) {
            while (fgets(buf, sizeof buf, f))
                if (!strncmp(buf, "VmRSS:", 6)) *rss_kb += atoll(buf + 6);
            fclose(f);
        }
    }
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

static double pct_ms(long long *v, long n, double p)
{
    if (n <= 0) return 0;
    long i = (long)(p * (double)(n - 1) + 0.5);
    return (double)v[i] / 1e6;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"host", 1, 0, 'h'}, {"port", 1, 0, 'p'}, {"cert", 1, 0, 'c'}, {"key", 1, 0, 'k'},
        {"namespace", 1, 0, 'n'}, {"watchers", 1, 0, 'w'}, {"writes", 1, 0, 'N'},
        {"conns", 1, 0, 'C'}, {"timeout", 1, 0, 't'}, {"prefix", 1, 0, 'P'}, {"idle", 1, 0, 'i'},
        {"pids", 1, 0, 'I'}, {0, 0, 0, 0}};
    int o;
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (o) {
        case 'h': g_host = optarg; break;
        case 'p': g_port = atoi(optarg); break;
        case 'c': g_cert = optarg; break;
        case 'k': g_key = optarg; break;
        case 'n': g_ns = optarg; break;
        case 'w': g_watchers = atoi(optarg); break;
        case 'N': g_writes = atoi(optarg); break;
        case 'C': g_conns = atoi(optarg); break;
        case 't': g_timeout = atoi(optarg); break;
        case 'P': g_prefix = optarg; break;
        case 'i': g_idle = atoi(optarg); break;
        case 'I': g_pids = optarg; break;
        default: return 2;
        }
    }
    if (!g_port || !g_cert || !g_key || g_watchers < 0 || g_writes < 1 || g_conns < 1) {
        fprintf(stderr, "usage: watch-clients --port P --cert C --key K [--watchers W --writes N --conns C]\n");
        return 2;
    }
    g_ctx = SSL_CTX_new(TLS_client_method());
    if (!g_ctx || SSL_CTX_use_certificate_file(g_ctx, g_cert, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_use_PrivateKey_file(g_ctx, g_key, SSL_FILETYPE_PEM) != 1) {
        fprintf(stderr, "watch-clients: cannot load the client certificate\n");
        return 1;
    }
    SSL_CTX_set_verify(g_ctx, SSL_VERIFY_NONE, NULL);
    char rv[32];
    if (list_rv(rv, sizeof rv)) {
        fprintf(stderr, "watch-clients: cannot list %s\n", g_ns);
        return 1;
    }
    g_w = calloc((size_t)g_watchers + 1, sizeof *g_w);
    g_lat = calloc((size_t)g_watchers * (size_t)g_writes + 1, sizeof *g_lat);
    g_write_lat = calloc((size_t)g_writes, sizeof *g_write_lat);
    if (!g_w || !g_lat || !g_write_lat) return 1;
    int ep = epoll_create1(0);
    int connected = 0;
    for (int i = 0; i < g_watchers; i++) {
        if (start_watch(&g_w[i], rv) != 0) {
            fprintf(stderr, "watch-clients: watch %d did not start\n", i);
            continue;
        }
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &g_w[i]};
        epoll_ctl(ep, EPOLL_CTL_ADD, g_w[i].fd, &ev);
        connected++;
    }
    pthread_t reader;
    pthread_create(&reader, NULL, read_watches, &ep);
    usleep(300000);                                  /* every watch subscribed */
    long long idle_ticks = 0, idle_rss = 0, rss_before = 0, ticks_before = 0;
    if (g_idle > 0) {
        proc_usage(&ticks_before, &rss_before);
        sleep((unsigned)g_idle);
        proc_usage(&idle_ticks, &idle_rss);
        idle_ticks -= ticks_before;
    }

    long long t0 = now_ns();
    pthread_t *wt = calloc((size_t)g_conns, sizeof *wt);
    for (int i = 0; i < g_conns; i++) pthread_create(&wt[i], NULL, writer, NULL);
    for (int i = 0; i < g_conns; i++) pthread_join(wt[i], NULL);
    long long t1 = now_ns();
    long expected = (long)connected * g_writes;
    long long deadline = t1 + (long long)g_timeout * 1000000000LL;
    while (atomic_load(&g_delivered) < expected && now_ns() < deadline) usleep(10000);
    long long t2 = now_ns();
    atomic_store(&g_stop, 1);
    pthread_join(reader, NULL);

    long delivered = atomic_load(&g_delivered);
    int complete = 0;
    for (int i = 0; i < g_watchers; i++) complete += g_w[i].events >= g_writes;
    long nl = delivered < expected ? delivered : expected;
    qsort(g_lat, (size_t)nl, sizeof *g_lat, cmp_ll);
    qsort(g_write_lat, (size_t)g_writes, sizeof *g_write_lat, cmp_ll);
    int ok = atomic_load(&g_write_ok);
    printf("watchers=%d connected=%d writes=%d written=%d write_rate=%.0f write_p50_ms=%.2f write_p99_ms=%.2f "
           "delivered=%ld expected=%ld complete=%d lat_p50_ms=%.2f lat_p99_ms=%.2f lat_max_ms=%.2f "
           "drain_ms=%.0f idle_s=%d idle_cpu_ms=%lld idle_rss_kb=%lld\n",
           g_watchers, connected, g_writes, ok, ok / ((double)(t1 - t0) / 1e9),
           pct_ms(g_write_lat, g_writes, 0.5), pct_ms(g_write_lat, g_writes, 0.99),
           delivered, expected, complete, pct_ms(g_lat, nl, 0.5), pct_ms(g_lat, nl, 0.99),
           nl ? (double)g_lat[nl - 1] / 1e6 : 0.0, (double)(t2 - t1) / 1e6, g_idle,
           idle_ticks * 1000 / sysconf(_SC_CLK_TCK), idle_rss);
    for (int i = 0; i < g_watchers; i++) close_tls(g_w[i].ssl);
    SSL_CTX_free(g_ctx);
    free(g_w);
    free(g_lat);
    free(g_write_lat);
    free(wt);
    close(ep);
    return 0;
}
