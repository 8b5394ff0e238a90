/* fcgi-echo.c: the baseline FastCGI responder for `make bench`: the same
 * process shape as kapi-apiserver (a master forking --workers processes of
 * --threads threads, each looping FCGX_Accept_r on one shared unix socket)
 * but no work at all: every request gets 200 and a fixed JSON body of
 * --body-size bytes (default 512), so nginx -> this measures the ceiling of
 * the TLS + FastCGI path that kapi's GET is compared against.
 *
 *   fcgi-echo --socket PATH [--workers N] [--threads N] [--body-size BYTES]
 *             [--pidfile FILE]
 *
 * SIGTERM/SIGINT stop the master, which stops the workers and removes the
 * socket. The socket is made mode 0666 (a benchmark helper: nginx's workers
 * may run as another user). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcgiapp.h>

static int g_fd;
static char *g_resp;       /* header block + body, sent with one FCGX_PutStr */
static int g_resp_len;

static void *serve(void *arg)
{
    (void)arg;
    FCGX_Request r;
    if (FCGX_InitRequest(&r, g_fd, 0) != 0) return NULL;
    char buf[4096];
    while (FCGX_Accept_r(&r) >= 0) {
        while (FCGX_GetStr(buf, sizeof buf, r.in) > 0) {}   /* drain any body */
        FCGX_PutStr(g_resp, g_resp_len, r.out);
        FCGX_Finish_r(&r);
    }
    return NULL;
}

static int worker(int threads)
{
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    FCGX_Init();
    signal(SIGTERM, SIG_DFL);   /* libfcgi would only set a flag */
    signal(SIGINT, SIG_DFL);
    signal(SIGPIPE, SIG_IGN);
    pthread_t *t = calloc((size_t)threads, sizeof *t);
    for (int i = 0; i < threads; i++) pthread_create(&t[i], NULL, serve, NULL);
    for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
    return 0;
}

static volatile sig_atomic_t g_stop;
static void on_stop(int sig) { (void)sig; g_stop = 1; }

int main(int argc, char **argv)
{
    const char *sock = NULL, *pidfile = NULL;
    int workers = 2, threads = 16;
    long body = 512;
    static const struct option lo[] = {
        { "socket", required_argument, NULL, 's' }, { "workers", required_argument, NULL, 'w' },
        { "threads", required_argument, NULL, 't' }, { "body-size", required_argument, NULL, 'b' },
        { "pidfile", required_argument, NULL, 'p' }, { NULL, 0, NULL, 0 },
    };
    int c;
    while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        switch (c) {
        case 's': sock = optarg; break;
        case 'w': workers = atoi(optarg); break;
        case 't': threads = atoi(optarg); break;
        case 'b': body = atol(optarg); break;
        case 'p': pidfile = optarg; break;
        default: return 2;
        }
    }
    if (!sock || workers < 1 || threads < 1 || body < 2 || body > 1 << 20) {
        fprintf(stderr, "usage: fcgi-echo --socket PATH [--workers N] [--threads N] "
                        "[--body-size BYTES] [--pidfile FILE]\n");
        return 2;
    }

    /* {"kind":"Echo","pad":"xxxx...."} padded to exactly body bytes */
    char *b = malloc((size_t)body + 1);
    const char *head = "{\"kind\":\"Echo\",\"pad\":\"", *tail = "\"}";
    long fixed = (long)(strlen(head) + strlen(tail));
    if (body < fixed) { memset(b, ' ', (size_t)body); b[0] = '{'; b[body - 1] = '}'; }
    else {
        memcpy(b, head, strlen(head));
        memset(b + strlen(head), 'x', (size_t)(body - fixed));
        memcpy(b + body - (long)strlen(tail), tail, strlen(tail));
    }
    b[body] = 0;
    if (asprintf(&g_resp, "Status: 200 OK\r\nContent-Type: application/json\r\n"
                          "Content-Length: %ld\r\n\r\n%s", body, b) < 0) return 1;
    g_resp_len = (int)strlen(g_resp);
    free(b);

    unlink(sock);
    if (FCGX_Init() != 0) return 1;
    g_fd = FCGX_OpenSocket(sock, 1024);
    if (g_fd < 0) { fprintf(stderr, "fcgi-echo: cannot listen on %s\n", sock); return 1; }
    chmod(sock, 0666);
    if (pidfile) {
        FILE *f = fopen(pidfile, "w");
        if (f) { fprintf(f, "%d\n", (int)getpid()); fclose(f); }
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, &old);   /* no stop lost before sigsuspend */
    pid_t *kids = calloc((size_t)workers, sizeof *kids);
    for (int i = 0; i < workers; i++) {
        pid_t p = fork();
        if (p == 0) { sigprocmask(SIG_SETMASK, &old, NULL); _exit(worker(threads)); }
        kids[i] = p;
    }
    while (!g_stop) sigsuspend(&old);
    for (int i = 0; i < workers; i++) if (kids[i] > 0) kill(kids[i], SIGTERM);
    for (int i = 0; i < workers; i++) if (kids[i] > 0) waitpid(kids[i], NULL, 0);
    unlink(sock);
    if (pidfile) unlink(pidfile);
    return 0;
}
