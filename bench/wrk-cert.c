/* wrk-cert.c: an LD_PRELOAD library that gives wrk (which has no option for
 * it) a TLS client certificate. It hooks SSL_CTX_new: every context wrk
 * creates gets the certificate and key named by $WRK_CLIENT_CERT and
 * $WRK_CLIENT_KEY (PEM files).
 *
 *   gcc -shared -fPIC -O2 -o wrk-cert.so bench/wrk-cert.c -ldl -lssl
 *   WRK_CLIENT_CERT=admin.crt WRK_CLIENT_KEY=admin.key \
 *       LD_PRELOAD=./wrk-cert.so wrk https://127.0.0.1:6443/api
 *
 * A file that cannot be loaded is reported on stderr and the context is
 * returned without the certificate (the server then sees an anonymous
 * client), so a mistake shows up as 401/403 answers, not as a crash. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

SSL_CTX *SSL_CTX_new(const SSL_METHOD *method)
{
    static SSL_CTX *(*next)(const SSL_METHOD *);
    if (!next) next = (SSL_CTX *(*)(const SSL_METHOD *))dlsym(RTLD_NEXT, "SSL_CTX_new");
    if (!next) return NULL;
    SSL_CTX *ctx = next(method);
    const char *cert = getenv("WRK_CLIENT_CERT"), *key = getenv("WRK_CLIENT_KEY");
    if (!ctx || !cert || !*cert) return ctx;
    if (!key || !*key) key = cert;   /* a PEM with both */
    if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
        fprintf(stderr, "wrk-cert: loading %s / %s failed:\n", cert, key);
        ERR_print_errors_fp(stderr);
    }
    return ctx;
}
