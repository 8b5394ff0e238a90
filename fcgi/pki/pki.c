/* pki.c: the cluster's CA, certificates, service-account keys and
 * kubeconfigs (see pki.h), made with OpenSSL 3's C API.
 *
 * Layout of this file: errors and files first, then keys and certificates,
 * then the "ensure" steps pki_init runs, then kubeconfigs and PKCS#12. */
#include "pki/pki.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core/alloc.h"
#include "core/base64.h"

const char *const pki_default_server_sans[] = {
    "test.kubernetes.local", "localhost", "kubernetes", "kubernetes.default",
    "kubernetes.default.svc", "127.0.0.1", "::1",
};
const size_t pki_n_default_server_sans =
    sizeof pki_default_server_sans / sizeof pki_default_server_sans[0];

#define MAX_FILE_BYTES (1 << 20)    /* PEM files and kubeconfigs are a few KiB */
#define EXPIRY_WARNING_DAYS 30

/* ------------------------------------------------------------------ errors */

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Like fail(), with OpenSSL's earliest queued error appended; clears the queue. */
static int fail_ssl(char *err, size_t errlen, const char *what)
{
    unsigned long e = ERR_peek_error();
    char reason[256] = "unknown OpenSSL error";
    if (e)
        ERR_error_string_n(e, reason, sizeof reason);
    ERR_clear_error();
    return fail(err, errlen, "%s: %s", what, reason);
}

static void report_line(FILE *report, const char *verb, const char *path, const char *detail)
{
    if (!report)
        return;
    if (detail)
        fprintf(report, "%s %s (%s)\n", verb, path, detail);
    else
        fprintf(report, "%s %s\n", verb, path);
}

/* ------------------------------------------------------------------- files */

static int path_join(char *out, size_t outlen, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int path_join(char *out, size_t outlen, char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, outlen, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= outlen)
        return fail(err, errlen, "path too long: %s...", out);
    return 0;
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* mkdir -p; existing directories are left as they are. */
static int make_directories(const char *path, mode_t mode, char *err, size_t errlen)
{
    char buf[PATH_MAX];
    if (path_join(buf, sizeof buf, err, errlen, "%s", path) != 0)
        return -1;
    for (char *p = buf + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(buf, mode) != 0 && errno != EEXIST)
            return fail(err, errlen, "cannot create directory %s: %s", buf, strerror(errno));
        *p = c;
        if (c == '\0')
            break;
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return fail(err, errlen, "%s is not a directory", path);
    return 0;
}

/* Reads a whole file into a NUL-terminated buffer the caller frees (with
 * free_secret when it held a key). */
static char *read_file(const char *path, size_t *len_out, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fail(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        fail(err, errlen, "cannot read %s: %s", path, strerror(errno));
        close(fd);
        return NULL;
    }
    if (st.st_size > MAX_FILE_BYTES) {
        fail(err, errlen, "cannot read %s: larger than %d bytes", path, MAX_FILE_BYTES);
        close(fd);
        return NULL;
    }
    size_t cap = (size_t)st.st_size + 1, len = 0;
    char *buf = kapi_xmalloc(cap);
    for (;;) {
        if (len + 1 >= cap)   /* read its stat size (a file growing meanwhile is cut there) */
            break;
        ssize_t n = read(fd, buf + len, cap - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fail(err, errlen, "cannot read %s: %s", path, strerror(errno));
            OPENSSL_clear_free(buf, cap);
            close(fd);
            return NULL;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    buf[len] = '\0';
    if (len_out)
        *len_out = len;
    return buf;
}

static void free_secret(char *buf)
{
    if (buf)
        OPENSSL_clear_free(buf, strlen(buf));
}

static void sync_parent_directory(const char *path)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == dir)
        slash[1] = '\0';
    else if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

/* Writes data to path through a temporary file created 0600 with O_EXCL
 * (mkstemp), chmod'ed to mode, fsync'ed and renamed over path: readers see
 * the old file or the whole new one, and a secret is never readable by
 * others, even briefly. */
static int write_file_atomically(const char *path, const void *data, size_t len, mode_t mode,
                                 char *err, size_t errlen)
{
    char tmp[PATH_MAX];
    if (path_join(tmp, sizeof tmp, err, errlen, "%s.tmp-XXXXXX", path) != 0)
        return -1;
    int fd = mkstemp(tmp);
    if (fd < 0)
        return fail(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
    const char *p = data;
    size_t left = len;
    int rc = 0;
    if (fchmod(fd, mode) != 0)
        rc = fail(err, errlen, "cannot chmod %s: %s", tmp, strerror(errno));
    while (rc == 0 && left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            rc = fail(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        else {
            p += n;
            left -= (size_t)n;
        }
    }
    if (rc == 0 && fsync(fd) != 0)
        rc = fail(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
    if (close(fd) != 0 && rc == 0)
        rc = fail(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
    if (rc == 0 && rename(tmp, path) != 0)
        rc = fail(err, errlen, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
    if (rc != 0) {
        unlink(tmp);
        return -1;
    }
    sync_parent_directory(path);
    return 0;
}

/* Writes what a memory BIO holds to path. */
static int write_bio_atomically(const char *path, BIO *bio, mode_t mode, char *err, size_t errlen)
{
    char *data = NULL;
    long n = BIO_get_mem_data(bio, &data);
    if (n <= 0)
        return fail(err, errlen, "nothing to write to %s", path);
    return write_file_atomically(path, data, (size_t)n, mode, err, errlen);
}

/* ------------------------------------------------------ keys and their files */

static int refuse_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf; (void)size; (void)rwflag; (void)u;
    return -1;   /* never prompt on a terminal for an encrypted key */
}

/* A fresh EC P-256 key; caller frees. */
static EVP_PKEY *generate_certificate_key(char *err, size_t errlen)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    if (!key)
        fail_ssl(err, errlen, "cannot generate an EC P-256 key");
    return key;
}

static int encode_private_key(BIO *bio, void *key)
{
    return PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL);
}

static int encode_public_key(BIO *bio, void *key)
{
    return PEM_write_bio_PUBKEY(bio, key);
}

static int encode_certificate(BIO *bio, void *cert)
{
    return PEM_write_bio_X509(bio, cert);
}

/* what, PEM-encoded by encode, written atomically to path with mode; a
 * secret passes through memory that is cleansed when freed. what_name
 * names it in the error ("cannot encode <what_name>"). */
static int write_pem(const char *path, int (*encode)(BIO *, void *), void *what, const char *what_name,
                     int secret, char *err, size_t errlen)
{
    BIO *bio = BIO_new(secret ? BIO_s_secmem() : BIO_s_mem());
    if (!bio)
        return fail_ssl(err, errlen, "out of memory");
    int rc;
    if (!encode(bio, what)) {
        char msg[64];
        snprintf(msg, sizeof msg, "cannot encode %s", what_name);
        rc = fail_ssl(err, errlen, msg);
    } else {
        rc = write_bio_atomically(path, bio, secret ? 0600 : 0644, err, errlen);
    }
    BIO_free(bio);
    return rc;
}

static int write_private_key(const char *path, EVP_PKEY *key, char *err, size_t errlen)
{
    return write_pem(path, encode_private_key, key, "private key", 1, err, errlen);
}

static int write_public_key(const char *path, EVP_PKEY *key, char *err, size_t errlen)
{
    return write_pem(path, encode_public_key, key, "public key", 0, err, errlen);
}

static int write_certificate(const char *path, X509 *cert, char *err, size_t errlen)
{
    return write_pem(path, encode_certificate, cert, "certificate", 0, err, errlen);
}

static void *decode_private_key(BIO *bio)
{
    return PEM_read_bio_PrivateKey(bio, NULL, refuse_passphrase, NULL);
}

static void *decode_certificate(BIO *bio)
{
    return PEM_read_bio_X509(bio, NULL, NULL, NULL);
}

/* What decode reads from the PEM file at path (caller frees), or NULL with
 * the error ("cannot load <what_name> <path>: ..."). */
static void *read_pem(const char *path, void *(*decode)(BIO *), const char *what_name, char *err,
                      size_t errlen)
{
    BIO *bio = BIO_new_file(path, "r");
    if (!bio) {
        fail_ssl(err, errlen, path);
        return NULL;
    }
    void *what = decode(bio);
    BIO_free(bio);
    if (!what) {
        char msg[PATH_MAX + 32];
        snprintf(msg, sizeof msg, "cannot load %s %s", what_name, path);
        fail_ssl(err, errlen, msg);
    }
    return what;
}

/* Caller frees. */
static EVP_PKEY *load_private_key(const char *path, char *err, size_t errlen)
{
    return read_pem(path, decode_private_key, "private key", err, errlen);
}

/* Caller frees. */
static X509 *load_certificate(const char *path, char *err, size_t errlen)
{
    return read_pem(path, decode_certificate, "certificate", err, errlen);
}

/* ------------------------------------------------------------ certificates */

static int set_random_serial(X509 *cert, char *err, size_t errlen)
{
    unsigned char bytes[16];
    BIGNUM *bn = NULL;
    do {
        if (RAND_bytes(bytes, sizeof bytes) != 1)
            return fail_ssl(err, errlen, "cannot draw a random serial number");
        BN_free(bn);
        bn = BN_bin2bn(bytes, sizeof bytes, NULL);
        if (!bn)
            return fail_ssl(err, errlen, "out of memory");
    } while (BN_is_zero(bn));
    ASN1_INTEGER *serial = BN_to_ASN1_INTEGER(bn, NULL);
    BN_free(bn);
    int ok = serial && X509_set_serialNumber(cert, serial);
    ASN1_INTEGER_free(serial);
    return ok ? 0 : fail_ssl(err, errlen, "cannot set serial number");
}

/* A subject with one O= RDN per org (in the order given) followed by CN=cn,
 * as Go's crypto/x509 writes them; caller frees. */
static X509_NAME *subject_of(const char *cn, const char *const *orgs, int n_orgs, char *err, size_t errlen)
{
    X509_NAME *name = X509_NAME_new();
    if (!name) {
        fail_ssl(err, errlen, "out of memory");
        return NULL;
    }
    for (int i = 0; i < n_orgs; i++) {
        if (!X509_NAME_add_entry_by_NID(name, NID_organizationName, MBSTRING_UTF8,
                                        (const unsigned char *)orgs[i], -1, -1, 0)) {
            char what[128];
            snprintf(what, sizeof what, "bad organization (group) \"%.64s\"", orgs[i]);
            fail_ssl(err, errlen, what);
            X509_NAME_free(name);
            return NULL;
        }
    }
    if (!X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8,
                                    (const unsigned char *)cn, -1, -1, 0)) {
        char what[128];
        snprintf(what, sizeof what, "bad common name \"%.64s\"", cn);
        fail_ssl(err, errlen, what);
        X509_NAME_free(name);
        return NULL;
    }
    return name;
}

/* A version-3 certificate for subject and key, valid from five minutes ago
 * (clock skew, as kubeadm backdates) for days days; caller frees. */
static X509 *new_certificate(const X509_NAME *subject, EVP_PKEY *key, int days, char *err, size_t errlen)
{
    X509 *cert = X509_new();
    if (!cert) {
        fail_ssl(err, errlen, "out of memory");
        return NULL;
    }
    if (!X509_set_version(cert, X509_VERSION_3) ||
        set_random_serial(cert, err, errlen) != 0 ||
        !X509_gmtime_adj(X509_getm_notBefore(cert), -5 * 60) ||
        !X509_time_adj_ex(X509_getm_notAfter(cert), days, 0, NULL) ||
        !X509_set_subject_name(cert, subject) ||
        !X509_set_pubkey(cert, key)) {
        if (ERR_peek_error())
            fail_ssl(err, errlen, "cannot build certificate");
        X509_free(cert);
        return NULL;
    }
    return cert;
}

/* Adds an extension from OpenSSL's config syntax (value is always one of
 * this file's constant strings, never user input). */
static int add_extension(X509 *cert, X509 *issuer, int nid, const char *value, char *err, size_t errlen)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (!ext) {
        char what[128];
        snprintf(what, sizeof what, "cannot add extension %s = %s", OBJ_nid2sn(nid), value);
        return fail_ssl(err, errlen, what);
    }
    int ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    return ok ? 0 : fail_ssl(err, errlen, "cannot add extension");
}

static int sign_certificate(X509 *cert, EVP_PKEY *signer, char *err, size_t errlen)
{
    int id = EVP_PKEY_get_id(signer);
    const EVP_MD *md = (id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448) ? NULL : EVP_sha256();
    if (X509_sign(cert, signer, md) <= 0)
        return fail_ssl(err, errlen, "cannot sign certificate");
    return 0;
}

/* The self-signed cluster CA and its key; caller frees both. */
static int issue_ca(X509 **cert_out, EVP_PKEY **key_out, char *err, size_t errlen)
{
    EVP_PKEY *key = generate_certificate_key(err, errlen);
    if (!key)
        return -1;
    X509_NAME *name = subject_of("kubernetes", NULL, 0, err, errlen);
    X509 *cert = name ? new_certificate(name, key, PKI_CA_DAYS, err, errlen) : NULL;
    int rc = -1;
    if (cert &&
        X509_set_issuer_name(cert, name) &&
        add_extension(cert, cert, NID_basic_constraints, "critical,CA:TRUE", err, errlen) == 0 &&
        add_extension(cert, cert, NID_key_usage, "critical,digitalSignature,keyCertSign,cRLSign", err, errlen) == 0 &&
        add_extension(cert, cert, NID_subject_key_identifier, "hash", err, errlen) == 0 &&
        sign_certificate(cert, key, err, errlen) == 0)
        rc = 0;
    X509_NAME_free(name);
    if (rc != 0) {
        X509_free(cert);
        EVP_PKEY_free(key);
        return -1;
    }
    *cert_out = cert;
    *key_out = key;
    return 0;
}

/* A leaf certificate for key signed by the CA: serverAuth with the given
 * SANs when server, else clientAuth. Caller frees. */
static X509 *issue_leaf(X509 *ca, EVP_PKEY *ca_key, const X509_NAME *subject, EVP_PKEY *key,
                        int server, GENERAL_NAMES *sans, char *err, size_t errlen)
{
    X509 *cert = new_certificate(subject, key, PKI_LEAF_DAYS, err, errlen);
    if (!cert)
        return NULL;
    /* Never outlive the CA. */
    if (ASN1_TIME_compare(X509_get0_notAfter(cert), X509_get0_notAfter(ca)) > 0 &&
        !X509_set1_notAfter(cert, X509_get0_notAfter(ca))) {
        fail_ssl(err, errlen, "cannot set validity");
        X509_free(cert);
        return NULL;
    }
    if (!X509_set_issuer_name(cert, X509_get_subject_name(ca)) ||
        add_extension(cert, ca, NID_basic_constraints, "critical,CA:FALSE", err, errlen) != 0 ||
        add_extension(cert, ca, NID_key_usage, "critical,digitalSignature,keyEncipherment", err, errlen) != 0 ||
        add_extension(cert, ca, NID_ext_key_usage, server ? "serverAuth" : "clientAuth", err, errlen) != 0 ||
        add_extension(cert, ca, NID_authority_key_identifier, "keyid", err, errlen) != 0 ||
        (sans && !X509_add1_ext_i2d(cert, NID_subject_alt_name, sans, 0, X509V3_ADD_APPEND)) ||
        sign_certificate(cert, ca_key, err, errlen) != 0) {
        if (ERR_peek_error())
            fail_ssl(err, errlen, "cannot issue certificate");
        X509_free(cert);
        return NULL;
    }
    return cert;
}

/* Loads DIR/pki/ca.crt and ca.key; caller frees both. */
static int load_ca(const char *state_dir, X509 **ca_out, EVP_PKEY **key_out, char *err, size_t errlen)
{
    char crt_path[PATH_MAX], key_path[PATH_MAX];
    if (path_join(crt_path, sizeof crt_path, err, errlen, "%s/pki/ca.crt", state_dir) != 0 ||
        path_join(key_path, sizeof key_path, err, errlen, "%s/pki/ca.key", state_dir) != 0)
        return -1;
    if (!file_exists(crt_path))
        return fail(err, errlen, "no CA certificate %s (run kapictl init first)", crt_path);
    X509 *ca = load_certificate(crt_path, err, errlen);
    if (!ca)
        return -1;
    EVP_PKEY *key = load_private_key(key_path, err, errlen);
    if (!key) {
        X509_free(ca);
        return -1;
    }
    if (X509_check_private_key(ca, key) != 1) {
        ERR_clear_error();
        X509_free(ca);
        EVP_PKEY_free(key);
        return fail(err, errlen, "%s does not belong to %s", key_path, crt_path);
    }
    *ca_out = ca;
    *key_out = key;
    return 0;
}

static void warn_if_expiring(const char *path, X509 *cert)
{
    time_t soon = time(NULL) + (time_t)EXPIRY_WARNING_DAYS * 24 * 3600;
    if (X509_cmp_time(X509_get0_notAfter(cert), &soon) < 0) {
        BIO *bio = BIO_new(BIO_s_mem());
        char when[64] = "soon";
        if (bio && ASN1_TIME_print(bio, X509_get0_notAfter(cert))) {
            int n = BIO_read(bio, when, sizeof when - 1);
            when[n > 0 ? n : 0] = '\0';
        }
        BIO_free(bio);
        fprintf(stderr, "warning: %s expires %s; remove it and its key and run kapictl init to reissue it\n",
                path, when);
    }
}

/* Checks an existing leaf certificate: its key is there and matches it, the
 * CA signed it. Returns the certificate (caller frees) and, if key_out, the
 * key (caller frees). */
static X509 *load_existing_leaf(const char *crt_path, const char *key_path, X509 *ca,
                                EVP_PKEY **key_out, char *err, size_t errlen)
{
    if (!file_exists(key_path)) {
        fail(err, errlen, "%s exists but %s is missing; remove %s to issue a new pair",
             crt_path, key_path, crt_path);
        return NULL;
    }
    X509 *cert = load_certificate(crt_path, err, errlen);
    if (!cert)
        return NULL;
    EVP_PKEY *key = load_private_key(key_path, err, errlen);
    if (!key) {
        X509_free(cert);
        return NULL;
    }
    const char *problem = NULL;
    if (X509_check_private_key(cert, key) != 1)
        problem = "does not match its key";
    else if (X509_verify(cert, X509_get0_pubkey(ca)) != 1)
        problem = "is not signed by the cluster CA";
    ERR_clear_error();
    if (problem) {
        fail(err, errlen, "%s %s; remove it and %s to issue a new pair", crt_path, problem, key_path);
        X509_free(cert);
        EVP_PKEY_free(key);
        return NULL;
    }
    warn_if_expiring(crt_path, cert);
    if (key_out)
        *key_out = key;
    else
        EVP_PKEY_free(key);
    return cert;
}

/* ------------------------------------------------------ subjectAltNames */

static int is_dns_label_char(unsigned char c)
{
    return isalnum(c) || c == '-' || c == '_';
}

int pki_check_san(const char *san, char *err, size_t errlen)
{
    unsigned char ip[16];
    if (!san || !*san)
        return fail(err, errlen, "empty subjectAltName");
    if (inet_pton(AF_INET, san, ip) == 1 || inet_pton(AF_INET6, san, ip) == 1)
        return 0;
    size_t len = strlen(san);
    if (len > 253)
        return fail(err, errlen, "\"%.40s...\": DNS name longer than 253 characters", san);
    const char *label = san;
    int n_labels = 0;
    for (const char *p = san;; p++) {
        if (*p != '.' && *p != '\0') {
            if (!is_dns_label_char((unsigned char)*p) && !(*p == '*' && p == san))
                return fail(err, errlen, "\"%s\" is neither an IP address nor a DNS name", san);
            continue;
        }
        size_t n = (size_t)(p - label);
        if (n == 0 || n > 63)
            return fail(err, errlen, "\"%s\" is not a valid DNS name (empty or over-long label)", san);
        if (label[0] == '-' || label[n - 1] == '-')
            return fail(err, errlen, "\"%s\" is not a valid DNS name (label starts or ends with '-')", san);
        if (label == san && label[0] == '*' && n != 1)
            return fail(err, errlen, "\"%s\": a wildcard must be a whole label (*.example.com)", san);
        n_labels++;
        if (*p == '\0')
            break;
        label = p + 1;
    }
    if (san[0] == '*' && n_labels < 3)
        return fail(err, errlen, "\"%s\": a wildcard needs at least two labels after it", san);
    return 0;
}

/* A GENERAL_NAME for an IP address or (lower-cased) DNS name; caller frees. */
static GENERAL_NAME *general_name_of(const char *san, char *err, size_t errlen)
{
    if (pki_check_san(san, err, errlen) != 0)
        return NULL;
    GENERAL_NAME *gn = GENERAL_NAME_new();
    if (!gn) {
        fail_ssl(err, errlen, "out of memory");
        return NULL;
    }
    unsigned char ip[16];
    int ip_len = inet_pton(AF_INET, san, ip) == 1 ? 4 : inet_pton(AF_INET6, san, ip) == 1 ? 16 : 0;
    if (ip_len) {
        ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
        if (!os || !ASN1_OCTET_STRING_set(os, ip, ip_len)) {
            ASN1_OCTET_STRING_free(os);
            GENERAL_NAME_free(gn);
            fail_ssl(err, errlen, "out of memory");
            return NULL;
        }
        GENERAL_NAME_set0_value(gn, GEN_IPADD, os);
        return gn;
    }
    char lower[256];
    size_t i;
    for (i = 0; san[i] && i < sizeof lower - 1; i++)
        lower[i] = (char)tolower((unsigned char)san[i]);
    lower[i] = '\0';
    ASN1_IA5STRING *dns = ASN1_IA5STRING_new();
    if (!dns || !ASN1_STRING_set(dns, lower, -1)) {
        ASN1_IA5STRING_free(dns);
        GENERAL_NAME_free(gn);
        fail_ssl(err, errlen, "out of memory");
        return NULL;
    }
    GENERAL_NAME_set0_value(gn, GEN_DNS, dns);
    return gn;
}

static int names_contain(const GENERAL_NAMES *names, const GENERAL_NAME *gn)
{
    for (int i = 0; names && i < sk_GENERAL_NAME_num(names); i++)
        if (GENERAL_NAME_cmp(sk_GENERAL_NAME_value(names, i), (GENERAL_NAME *)gn) == 0)
            return 1;
    return 0;
}

/* Appends to names each of sans that it lacks; with added (may be NULL),
 * also lists those names, comma separated. */
static int add_missing_names(GENERAL_NAMES *names, const char *const *sans, size_t n,
                             char *added, size_t addedlen, char *err, size_t errlen)
{
    for (size_t i = 0; i < n; i++) {
        GENERAL_NAME *gn = general_name_of(sans[i], err, errlen);
        if (!gn)
            return -1;
        if (names_contain(names, gn)) {
            GENERAL_NAME_free(gn);
            continue;
        }
        if (!sk_GENERAL_NAME_push(names, gn)) {
            GENERAL_NAME_free(gn);
            return fail_ssl(err, errlen, "out of memory");
        }
        if (added) {
            size_t used = strlen(added);
            snprintf(added + used, addedlen - used, "%s%s", used ? ", " : "", sans[i]);
        }
    }
    return 0;
}

/* ------------------------------------------------------------ ensure steps */

int pki_ensure_ca(const char *state_dir, FILE *report, int *created, char *err, size_t errlen)
{
    char crt_path[PATH_MAX], key_path[PATH_MAX];
    if (created)
        *created = 0;
    if (path_join(crt_path, sizeof crt_path, err, errlen, "%s/pki/ca.crt", state_dir) != 0 ||
        path_join(key_path, sizeof key_path, err, errlen, "%s/pki/ca.key", state_dir) != 0)
        return -1;
    if (file_exists(crt_path)) {
        X509 *ca = NULL;
        EVP_PKEY *key = NULL;
        if (load_ca(state_dir, &ca, &key, err, errlen) != 0)
            return -1;
        int is_ca = X509_check_ca(ca);
        warn_if_expiring(crt_path, ca);
        X509_free(ca);
        EVP_PKEY_free(key);
        if (is_ca < 1)
            return fail(err, errlen, "%s is not a CA certificate", crt_path);
        return 0;
    }
    /* A key without its certificate is what a run killed between the two
     * renames leaves: nothing was signed with it yet, so replace it. */
    X509 *ca = NULL;
    EVP_PKEY *key = NULL;
    if (issue_ca(&ca, &key, err, errlen) != 0)
        return -1;
    int rc = -1;
    if (write_private_key(key_path, key, err, errlen) == 0 &&
        write_certificate(crt_path, ca, err, errlen) == 0) {
        report_line(report, "created", key_path, NULL);
        report_line(report, "created", crt_path, NULL);
        if (created)
            *created = 1;
        rc = 0;
    }
    X509_free(ca);
    EVP_PKEY_free(key);
    return rc;
}

int pki_ensure_server_cert(const char *state_dir, const char *const *extra_sans, size_t n_extra_sans,
                           FILE *report, int *created, char *err, size_t errlen)
{
    char crt_path[PATH_MAX], key_path[PATH_MAX];
    if (created)
        *created = 0;
    if (path_join(crt_path, sizeof crt_path, err, errlen, "%s/pki/apiserver.crt", state_dir) != 0 ||
        path_join(key_path, sizeof key_path, err, errlen, "%s/pki/apiserver.key", state_dir) != 0)
        return -1;
    X509 *ca = NULL, *cert = NULL, *fresh = NULL;
    EVP_PKEY *ca_key = NULL, *key = NULL;
    X509_NAME *subject = NULL;
    GENERAL_NAMES *names = NULL;
    char added[1024] = "";
    int rc = -1, reissue = 0;

    if (load_ca(state_dir, &ca, &ca_key, err, errlen) != 0)
        goto out;
    if (file_exists(crt_path)) {
        cert = load_existing_leaf(crt_path, key_path, ca, &key, err, errlen);
        if (!cert)
            goto out;
        /* Keep every name it has; add the wanted ones it lacks. */
        names = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
        if (!names && !(names = sk_GENERAL_NAME_new_null())) {
            fail_ssl(err, errlen, "out of memory");
            goto out;
        }
        if (add_missing_names(names, pki_default_server_sans, pki_n_default_server_sans,
                              added, sizeof added, err, errlen) != 0 ||
            add_missing_names(names, extra_sans, n_extra_sans, added, sizeof added, err, errlen) != 0)
            goto out;
        if (!added[0]) {
            rc = 0;
            goto out;
        }
        reissue = 1;
        subject = X509_NAME_dup(X509_get_subject_name(cert));
    } else {
        if (!(names = sk_GENERAL_NAME_new_null())) {
            fail_ssl(err, errlen, "out of memory");
            goto out;
        }
        if (add_missing_names(names, pki_default_server_sans, pki_n_default_server_sans,
                              NULL, 0, err, errlen) != 0 ||
            add_missing_names(names, extra_sans, n_extra_sans, NULL, 0, err, errlen) != 0)
            goto out;
        if (!(key = generate_certificate_key(err, errlen)))
            goto out;
        subject = subject_of("kube-apiserver", NULL, 0, err, errlen);
    }
    if (!subject) {
        if (reissue)
            fail_ssl(err, errlen, "out of memory");
        goto out;
    }
    fresh = issue_leaf(ca, ca_key, subject, key, 1, names, err, errlen);
    if (!fresh)
        goto out;
    if (!reissue) {
        if (write_private_key(key_path, key, err, errlen) != 0)
            goto out;
        report_line(report, "created", key_path, NULL);
    }
    if (write_certificate(crt_path, fresh, err, errlen) != 0)
        goto out;
    if (reissue) {
        char detail[1100];
        snprintf(detail, sizeof detail, "added SANs: %s", added);
        report_line(report, "reissued", crt_path, detail);
    } else {
        report_line(report, "created", crt_path, NULL);
    }
    if (created)
        *created = 1;
    rc = 0;
out:
    GENERAL_NAMES_free(names);
    X509_NAME_free(subject);
    X509_free(fresh);
    X509_free(cert);
    X509_free(ca);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(key);
    return rc;
}

int pki_issue_client_cert(const char *state_dir, const char *cn, const char *const *orgs, int n_orgs,
                          const char *crt_path, const char *key_path, char *err, size_t errlen)
{
    X509 *ca = NULL, *cert = NULL;
    EVP_PKEY *ca_key = NULL, *key = NULL;
    X509_NAME *subject = NULL;
    int rc = -1;
    if (!cn || !*cn)
        return fail(err, errlen, "a client certificate needs a common name (the user name)");
    if (load_ca(state_dir, &ca, &ca_key, err, errlen) != 0)
        goto out;
    if (!(subject = subject_of(cn, orgs, n_orgs, err, errlen)) ||
        !(key = generate_certificate_key(err, errlen)) ||
        !(cert = issue_leaf(ca, ca_key, subject, key, 0, NULL, err, errlen)))
        goto out;
    if (write_private_key(key_path, key, err, errlen) != 0 ||
        write_certificate(crt_path, cert, err, errlen) != 0)
        goto out;
    rc = 0;
out:
    X509_NAME_free(subject);
    X509_free(cert);
    X509_free(ca);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(key);
    return rc;
}

int pki_ensure_client_cert(const char *state_dir, const char *file_base, const char *cn,
                           const char *const *orgs, int n_orgs,
                           FILE *report, int *created, char *err, size_t errlen)
{
    char crt_path[PATH_MAX], key_path[PATH_MAX];
    if (created)
        *created = 0;
    if (path_join(crt_path, sizeof crt_path, err, errlen, "%s/pki/%s.crt", state_dir, file_base) != 0 ||
        path_join(key_path, sizeof key_path, err, errlen, "%s/pki/%s.key", state_dir, file_base) != 0)
        return -1;
    if (file_exists(crt_path)) {
        X509 *ca = NULL;
        EVP_PKEY *ca_key = NULL;
        if (load_ca(state_dir, &ca, &ca_key, err, errlen) != 0)
            return -1;
        X509 *cert = load_existing_leaf(crt_path, key_path, ca, NULL, err, errlen);
        X509_free(ca);
        EVP_PKEY_free(ca_key);
        if (!cert)
            return -1;
        X509_free(cert);
        return 0;
    }
    if (pki_issue_client_cert(state_dir, cn, orgs, n_orgs, crt_path, key_path, err, errlen) != 0)
        return -1;
    report_line(report, "created", key_path, NULL);
    report_line(report, "created", crt_path, NULL);
    if (created)
        *created = 1;
    return 0;
}

int pki_ensure_service_account_keys(const char *state_dir, FILE *report, int *created,
                                    char *err, size_t errlen)
{
    char key_path[PATH_MAX], pub_path[PATH_MAX];
    if (created)
        *created = 0;
    if (path_join(key_path, sizeof key_path, err, errlen, "%s/pki/sa.key", state_dir) != 0 ||
        path_join(pub_path, sizeof pub_path, err, errlen, "%s/pki/sa.pub", state_dir) != 0)
        return -1;
    EVP_PKEY *key = NULL;
    int rc = -1;
    if (file_exists(key_path)) {
        if (file_exists(pub_path))
            return 0;
        /* The public half is derived from the private one. */
        if (!(key = load_private_key(key_path, err, errlen)))
            return -1;
        if (write_public_key(pub_path, key, err, errlen) == 0) {
            report_line(report, "created", pub_path, NULL);
            rc = 0;
        }
        EVP_PKEY_free(key);
        return rc;
    }
    if (!(key = EVP_RSA_gen(2048)))
        return fail_ssl(err, errlen, "cannot generate an RSA 2048 key");
    if (write_private_key(key_path, key, err, errlen) == 0 &&
        write_public_key(pub_path, key, err, errlen) == 0) {
        report_line(report, "created", key_path, NULL);
        report_line(report, "created", pub_path, NULL);
        if (created)
            *created = 1;
        rc = 0;
    }
    EVP_PKEY_free(key);
    return rc;
}

/* ------------------------------------------------------------- kubeconfig */

void pki_default_server_url(int port, char *out, size_t outlen)
{
    snprintf(out, outlen, "https://127.0.0.1:%d", port);
}

static int is_yaml_reserved_word(const char *s)
{
    static const char *const words[] = {
        "y", "n", "yes", "no", "on", "off", "true", "false", "null",
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcasecmp(s, words[i]) == 0)
            return 1;
    return 0;
}

/* Writes s as a YAML scalar: plain when that is unambiguous (as kubeadm
 * writes "system:kube-controller-manager"), double-quoted otherwise. */
static void put_yaml_scalar(FILE *f, const char *s)
{
    int plain = isalpha((unsigned char)s[0]) && !is_yaml_reserved_word(s);
    for (const char *p = s; plain && *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("._@:+/[]-", *p))
            plain = 0;
    size_t len = strlen(s);
    if (plain && s[len - 1] == ':')
        plain = 0;
    if (plain) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            fprintf(f, "\\x%02x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* base64 (one line) of a file's bytes; caller frees with free_secret. */
static char *base64_of_file(const char *path, char *err, size_t errlen)
{
    size_t len = 0;
    char *data = read_file(path, &len, err, errlen);
    if (!data)
        return NULL;
    char *out = base64_encode(data, len);
    OPENSSL_clear_free(data, len + 1);
    return out;
}

int pki_write_kubeconfig(const char *state_dir, const char *path, const char *user,
                         const char *crt_path, const char *key_path, const char *server,
                         char *err, size_t errlen)
{
    char ca_path[PATH_MAX], context[512];
    if (path_join(ca_path, sizeof ca_path, err, errlen, "%s/pki/ca.crt", state_dir) != 0)
        return -1;
    if (!user || !*user)
        return fail(err, errlen, "a kubeconfig needs a user name");
    if ((size_t)snprintf(context, sizeof context, "%s@kubernetes", user) >= sizeof context)
        return fail(err, errlen, "user name too long");
    char *ca = base64_of_file(ca_path, err, errlen);
    char *crt = ca ? base64_of_file(crt_path, err, errlen) : NULL;
    char *key = crt ? base64_of_file(key_path, err, errlen) : NULL;
    char *text = NULL;
    size_t text_len = 0;
    int rc = -1;
    if (!key)
        goto out;
    FILE *f = open_memstream(&text, &text_len);
    if (!f) {
        fail(err, errlen, "out of memory");
        goto out;
    }
    fprintf(f, "apiVersion: v1\n"
               "clusters:\n"
               "- cluster:\n"
               "    certificate-authority-data: %s\n"
               "    server: ", ca);
    put_yaml_scalar(f, server);
    fputs("\n  name: kubernetes\n"
          "contexts:\n"
          "- context:\n"
          "    cluster: kubernetes\n"
          "    user: ", f);
    put_yaml_scalar(f, user);
    fputs("\n  name: ", f);
    put_yaml_scalar(f, context);
    fputs("\ncurrent-context: ", f);
    put_yaml_scalar(f, context);
    fputs("\nkind: Config\n"
          "preferences: {}\n"
          "users:\n"
          "- name: ", f);
    put_yaml_scalar(f, user);
    fprintf(f, "\n  user:\n"
               "    client-certificate-data: %s\n"
               "    client-key-data: %s\n", crt, key);
    if (fclose(f) != 0) {
        fail(err, errlen, "out of memory");
        goto out;
    }
    rc = write_file_atomically(path, text, text_len, 0600, err, errlen);
out:
    if (text)
        OPENSSL_clear_free(text, text_len);
    free(ca);
    free(crt);
    free_secret(key);
    return rc;
}

/* The value of a "server:" line (after the key, trimmed, unquoted) into out. */
static void server_value_of(const char *value, char *out, size_t outlen)
{
    while (*value == ' ' || *value == '\t')
        value++;
    size_t n = strcspn(value, "\r\n");
    while (n > 0 && (value[n - 1] == ' ' || value[n - 1] == '\t'))
        n--;
    size_t o = 0;
    if (n >= 2 && (value[0] == '"' || value[0] == '\'') && value[n - 1] == value[0]) {
        for (size_t i = 1; i + 1 < n && o + 1 < outlen; i++) {
            if (value[0] == '"' && value[i] == '\\' && i + 2 < n)
                i++;
            out[o++] = value[i];
        }
    } else {
        for (size_t i = 0; i < n && o + 1 < outlen; i++)
            out[o++] = value[i];
    }
    out[o] = '\0';
}

/* If line (up to its newline) is "<indent>server: ...", returns where the
 * value starts, else NULL. */
static const char *server_line_value(const char *line)
{
    const char *p = line;
    while (*p == ' ' || *p == '\t')
        p++;
    if (strncmp(p, "server:", 7) != 0)
        return NULL;
    return p + 7;
}

int pki_kubeconfig_server(const char *path, char *out, size_t outlen, char *err, size_t errlen)
{
    char *text = read_file(path, NULL, err, errlen);
    if (!text)
        return -1;
    int rc = fail(err, errlen, "%s has no server line", path);
    for (const char *line = text; *line;) {
        const char *value = server_line_value(line);
        if (value) {
            server_value_of(value, out, outlen);
            rc = 0;
            break;
        }
        const char *nl = strchr(line, '\n');
        if (!nl)
            break;
        line = nl + 1;
    }
    free_secret(text);
    return rc;
}

/* url with its port replaced: scheme://host:port/rest; -1 if it does not
 * look like a URL. */
static int url_with_port(const char *url, int port, char *out, size_t outlen)
{
    const char *host = strstr(url, "://");
    if (!host)
        return -1;
    host += 3;
    const char *end = host + strcspn(host, "/?#");
    const char *host_end;
    if (*host == '[') {
        const char *bracket = memchr(host, ']', (size_t)(end - host));
        if (!bracket)
            return -1;
        host_end = bracket + 1;
    } else {
        host_end = memchr(host, ':', (size_t)(end - host));
        if (!host_end)
            host_end = end;
    }
    if (host_end == host)
        return -1;
    int n = snprintf(out, outlen, "%.*s:%d%s", (int)(host_end - url), url, port, end);
    return (n < 0 || (size_t)n >= outlen) ? -1 : 0;
}

int pki_kubeconfig_set_port(const char *path, int port, int *changed, char *err, size_t errlen)
{
    if (changed)
        *changed = 0;
    size_t len = 0;
    char *text = read_file(path, &len, err, errlen);
    if (!text)
        return -1;
    char *out = NULL;
    size_t out_len = 0;
    FILE *f = open_memstream(&out, &out_len);
    if (!f) {
        free_secret(text);
        return fail(err, errlen, "out of memory");
    }
    int n_changed = 0;
    for (const char *line = text; *line;) {
        const char *nl = strchr(line, '\n');
        size_t line_len = nl ? (size_t)(nl - line) + 1 : strlen(line);
        const char *value = server_line_value(line);
        char old_url[1024], new_url[1100];
        if (value) {
            server_value_of(value, old_url, sizeof old_url);
            if (url_with_port(old_url, port, new_url, sizeof new_url) == 0 &&
                strcmp(old_url, new_url) != 0) {
                fprintf(f, "%.*sserver: ", (int)(value - 7 - line), line);
                put_yaml_scalar(f, new_url);
                fputc('\n', f);
                n_changed++;
                line += line_len;
                continue;
            }
        }
        fwrite(line, 1, line_len, f);
        line += line_len;
    }
    int rc = 0;
    if (fclose(f) != 0)
        rc = fail(err, errlen, "out of memory");
    else if (n_changed > 0)
        rc = write_file_atomically(path, out, out_len, 0600, err, errlen);
    if (rc == 0 && changed)
        *changed = n_changed > 0;
    if (out)
        OPENSSL_clear_free(out, out_len);
    OPENSSL_clear_free(text, len + 1);
    return rc;
}

/* Writes DIR/<conf_name> for user unless it exists; rewrites it when force
 * (its credentials were just reissued); else only fixes its port. */
static int ensure_kubeconfig(const char *state_dir, const char *conf_name, const char *user,
                             const char *file_base, int port, int force, FILE *report,
                             char *err, size_t errlen)
{
    char path[PATH_MAX], crt_path[PATH_MAX], key_path[PATH_MAX], server[64];
    if (path_join(path, sizeof path, err, errlen, "%s/%s", state_dir, conf_name) != 0 ||
        path_join(crt_path, sizeof crt_path, err, errlen, "%s/pki/%s.crt", state_dir, file_base) != 0 ||
        path_join(key_path, sizeof key_path, err, errlen, "%s/pki/%s.key", state_dir, file_base) != 0)
        return -1;
    int existed = file_exists(path);
    if (existed && !force) {
        int changed = 0;
        if (pki_kubeconfig_set_port(path, port, &changed, err, errlen) != 0)
            return -1;
        if (changed) {
            char detail[64];
            snprintf(detail, sizeof detail, "server port %d", port);
            report_line(report, "updated", path, detail);
        }
        return 0;
    }
    pki_default_server_url(port, server, sizeof server);
    if (pki_write_kubeconfig(state_dir, path, user, crt_path, key_path, server, err, errlen) != 0)
        return -1;
    report_line(report, existed ? "updated" : "created", path, existed ? "new credentials" : NULL);
    return 0;
}

/* Fixes the port of every DIR/users/ *.conf. */
static int update_user_kubeconfig_ports(const char *state_dir, int port, FILE *report,
                                        char *err, size_t errlen)
{
    char dir_path[PATH_MAX];
    if (path_join(dir_path, sizeof dir_path, err, errlen, "%s/users", state_dir) != 0)
        return -1;
    DIR *dir = opendir(dir_path);
    if (!dir)
        return 0;
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(dir)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 6 || strcmp(e->d_name + n - 5, ".conf") != 0 || e->d_name[0] == '.')
            continue;
        char path[PATH_MAX];
        int changed = 0;
        if (path_join(path, sizeof path, err, errlen, "%s/%s", dir_path, e->d_name) != 0 ||
            pki_kubeconfig_set_port(path, port, &changed, err, errlen) != 0) {
            rc = -1;
            break;
        }
        if (changed) {
            char detail[64];
            snprintf(detail, sizeof detail, "server port %d", port);
            report_line(report, "updated", path, detail);
        }
    }
    closedir(dir);
    return rc;
}

int pki_lock_state_dir(const char *state_dir, char *err, size_t errlen)
{
    if (make_directories(state_dir, 0755, err, errlen) != 0)
        return -1;
    int fd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return fail(err, errlen, "cannot open %s: %s", state_dir, strerror(errno));
    while (flock(fd, LOCK_EX) != 0) {
        if (errno == EINTR)
            continue;
        fail(err, errlen, "cannot lock %s: %s", state_dir, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

void pki_unlock_state_dir(int lock_fd)
{
    if (lock_fd >= 0)
        close(lock_fd);   /* releases the flock */
}

int pki_init(const pki_init_options *o, char *err, size_t errlen)
{
    if (!o || !o->state_dir || !*o->state_dir)
        return fail(err, errlen, "no state directory");
    if (o->port < 1 || o->port > 65535)
        return fail(err, errlen, "port %d is out of range 1-65535", o->port);
    for (size_t i = 0; i < o->n_extra_sans; i++)
        if (pki_check_san(o->extra_sans[i], err, errlen) != 0)
            return -1;

    const char *dir = o->state_dir;
    char pki_dir[PATH_MAX];
    if (path_join(pki_dir, sizeof pki_dir, err, errlen, "%s/pki", dir) != 0)
        return -1;
    int lock_fd = -1;
    if (!o->state_dir_locked && (lock_fd = pki_lock_state_dir(dir, err, errlen)) < 0)
        return -1;

    static const char *const masters[] = {"system:masters"};
    int ca_new = 0, admin_new = 0, cm_new = 0;
    int rc = -1;
    if (make_directories(pki_dir, 0755, err, errlen) == 0 &&
        pki_ensure_ca(dir, o->report, &ca_new, err, errlen) == 0 &&
        pki_ensure_server_cert(dir, o->extra_sans, o->n_extra_sans, o->report, NULL, err, errlen) == 0 &&
        pki_ensure_client_cert(dir, "admin", "kubernetes-admin", masters, 1,
                               o->report, &admin_new, err, errlen) == 0 &&
        pki_ensure_client_cert(dir, "controller-manager", "system:kube-controller-manager", NULL, 0,
                               o->report, &cm_new, err, errlen) == 0 &&
        pki_ensure_service_account_keys(dir, o->report, NULL, err, errlen) == 0 &&
        ensure_kubeconfig(dir, "admin.conf", "kubernetes-admin", "admin", o->port,
                          ca_new || admin_new, o->report, err, errlen) == 0 &&
        ensure_kubeconfig(dir, "controller-manager.conf", "system:kube-controller-manager",
                          "controller-manager", o->port, ca_new || cm_new, o->report, err, errlen) == 0 &&
        update_user_kubeconfig_ports(dir, o->port, o->report, err, errlen) == 0)
        rc = 0;
    pki_unlock_state_dir(lock_fd);
    return rc;
}

/* ---------------------------------------------------------------- PKCS#12 */

int pki_write_pkcs12(const char *state_dir, const char *crt_path, const char *key_path,
                     const char *p12_path, const char *friendly_name, char *err, size_t errlen)
{
    char ca_path[PATH_MAX];
    if (path_join(ca_path, sizeof ca_path, err, errlen, "%s/pki/ca.crt", state_dir) != 0)
        return -1;
    X509 *ca = NULL, *cert = NULL;
    EVP_PKEY *key = NULL;
    STACK_OF(X509) *chain = NULL;
    PKCS12 *p12 = NULL;
    BIO *bio = NULL;
    int rc = -1;
    if (!(ca = load_certificate(ca_path, err, errlen)) ||
        !(cert = load_certificate(crt_path, err, errlen)) ||
        !(key = load_private_key(key_path, err, errlen)))
        goto out;
    if (!(chain = sk_X509_new_null()) || !sk_X509_push(chain, ca)) {
        fail_ssl(err, errlen, "out of memory");
        goto out;
    }
    /* OpenSSL 3 defaults: AES-256-CBC with PBKDF2, HMAC-SHA256 MAC. */
    p12 = PKCS12_create("", friendly_name, key, cert, chain, 0, 0, 0, 0, 0);
    if (!p12) {
        fail_ssl(err, errlen, "cannot build PKCS#12 bundle");
        goto out;
    }
    if (!(bio = BIO_new(BIO_s_secmem())) || !i2d_PKCS12_bio(bio, p12)) {
        fail_ssl(err, errlen, "cannot encode PKCS#12 bundle");
        goto out;
    }
    rc = write_bio_atomically(p12_path, bio, 0600, err, errlen);
out:
    BIO_free(bio);
    PKCS12_free(p12);
    sk_X509_free(chain);   /* the stack only; ca is freed below */
    X509_free(ca);
    X509_free(cert);
    EVP_PKEY_free(key);
    return rc;
}

/* ---- certificate signing requests (certificates.k8s.io) */

/* The request of a PEM block, signature checked; NULL with Go's words. */
static X509_REQ *read_request(const char *pem, size_t len, char *err, size_t errlen)
{
    if (!pem || len < 11 || !memmem(pem, len, "-----BEGIN CERTIFICATE REQUEST-----", 35)) {
        fail(err, errlen, "PEM block type must be CERTIFICATE REQUEST");
        return NULL;
    }
    BIO *bio = BIO_new_mem_buf(pem, (int)(len > INT_MAX ? INT_MAX : len));
    X509_REQ *req = bio ? PEM_read_bio_X509_REQ(bio, NULL, refuse_passphrase, NULL) : NULL;
    BIO_free(bio);
    ERR_clear_error();
    if (!req) {
        fail(err, errlen, "x509: malformed certificate request");
        return NULL;
    }
    EVP_PKEY *pub = X509_REQ_get0_pubkey(req);
    if (!pub || X509_REQ_verify(req, pub) != 1) {
        ERR_clear_error();
        X509_REQ_free(req);
        fail(err, errlen, "x509: %s verification failure",
             pub && EVP_PKEY_get_id(pub) == EVP_PKEY_RSA ? "RSA" : "ECDSA");
        return NULL;
    }
    return req;
}

int pki_csr_parse(const char *pem, size_t len, pki_csr_info *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    X509_REQ *req = read_request(pem, len, err, errlen);
    if (!req)
        return -1;
    const X509_NAME *name = X509_REQ_get_subject_name(req);
    for (int i = 0; i < X509_NAME_entry_count(name); i++) {
        const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);
        int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
        const ASN1_STRING *v = X509_NAME_ENTRY_get_data(e);
        const char *text = (const char *)ASN1_STRING_get0_data(v);
        int n = ASN1_STRING_length(v);
        if (nid == NID_commonName)
            snprintf(out->cn, sizeof out->cn, "%.*s", n, text);
        else if (nid == NID_organizationName && out->n_orgs < PKI_CSR_MAX_ORGS)
            snprintf(out->orgs[out->n_orgs++], sizeof out->orgs[0], "%.*s", n, text);
    }
    STACK_OF(X509_EXTENSION) *exts = X509_REQ_get_extensions(req);
    GENERAL_NAMES *sans = exts ? X509V3_get_d2i(exts, NID_subject_alt_name, NULL, NULL) : NULL;
    for (int i = 0; sans && i < sk_GENERAL_NAME_num(sans); i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(sans, i);
        if (g->type == GEN_DNS) out->n_dns++;
        else if (g->type == GEN_EMAIL) out->n_email++;
        else if (g->type == GEN_IPADD) out->n_ip++;
        else if (g->type == GEN_URI) out->n_uri++;
    }
    GENERAL_NAMES_free(sans);
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
    X509_REQ_free(req);
    return 0;
}

/* The extension value (OpenSSL's config syntax) of kube's usages. */
static void usage_extensions(const char *const *usages, int n, char *ku, size_t kun, char *eku, size_t ekun)
{
    static const struct { const char *kube, *ossl; int ext; } map[] = {
        {"signing", "digitalSignature", 0}, {"digital signature", "digitalSignature", 0},
        {"content commitment", "nonRepudiation", 0}, {"key encipherment", "keyEncipherment", 0},
        {"key agreement", "keyAgreement", 0}, {"data encipherment", "dataEncipherment", 0},
        {"cert sign", "keyCertSign", 0}, {"crl sign", "cRLSign", 0}, {"encipher only", "encipherOnly", 0},
        {"decipher only", "decipherOnly", 0}, {"server auth", "serverAuth", 1}, {"client auth", "clientAuth", 1},
        {"code signing", "codeSigning", 1}, {"email protection", "emailProtection", 1},
        {"s/mime", "emailProtection", 1}, {"timestamping", "timeStamping", 1}, {"ocsp signing", "OCSPSigning", 1}};
    ku[0] = eku[0] = 0;
    for (int i = 0; i < n; i++)
        for (size_t k = 0; k < sizeof map / sizeof map[0]; k++) {
            if (strcmp(usages[i], map[k].kube)) continue;
            char *dst = map[k].ext ? eku : ku;
            size_t cap = map[k].ext ? ekun : kun;
            if (!strstr(dst, map[k].ossl))
                snprintf(dst + strlen(dst), cap - strlen(dst), "%s%s", *dst ? "," : "", map[k].ossl);
            break;
        }
}

char *pki_csr_sign(const char *state_dir, const char *pem, size_t len, const char *const *usages, int n_usages,
                   long seconds, char *err, size_t errlen)
{
    X509 *ca = NULL, *cert = NULL;
    EVP_PKEY *ca_key = NULL;
    X509_REQ *req = read_request(pem, len, err, errlen);
    STACK_OF(X509_EXTENSION) *exts = NULL;
    char *out = NULL;
    if (!req || load_ca(state_dir, &ca, &ca_key, err, errlen) != 0)
        goto done;
    if (!(cert = new_certificate(X509_REQ_get_subject_name(req), X509_REQ_get0_pubkey(req), 0, err, errlen)))
        goto done;
    char ku[256], eku[256];
    usage_extensions(usages, n_usages, ku, sizeof ku, eku, sizeof eku);
    /* valid from five minutes ago (kube's signer backdates) for seconds,
     * never past the CA */
    if (!X509_gmtime_adj(X509_getm_notAfter(cert), seconds) ||
        (ASN1_TIME_compare(X509_get0_notAfter(cert), X509_get0_notAfter(ca)) > 0 &&
         !X509_set1_notAfter(cert, X509_get0_notAfter(ca))) ||
        !X509_set_issuer_name(cert, X509_get_subject_name(ca))) {
        fail_ssl(err, errlen, "cannot set validity");
        goto done;
    }
    char kuv[300];
    snprintf(kuv, sizeof kuv, "critical,%s", ku);
    if (add_extension(cert, ca, NID_basic_constraints, "critical,CA:FALSE", err, errlen) != 0 ||
        (*ku && add_extension(cert, ca, NID_key_usage, kuv, err, errlen) != 0) ||
        (*eku && add_extension(cert, ca, NID_ext_key_usage, eku, err, errlen) != 0) ||
        add_extension(cert, ca, NID_authority_key_identifier, "keyid", err, errlen) != 0)
        goto done;
    exts = X509_REQ_get_extensions(req);
    GENERAL_NAMES *sans = exts ? X509V3_get_d2i(exts, NID_subject_alt_name, NULL, NULL) : NULL;
    int sans_ok = !sans || X509_add1_ext_i2d(cert, NID_subject_alt_name, sans, 0, X509V3_ADD_APPEND);
    GENERAL_NAMES_free(sans);
    if (!sans_ok || sign_certificate(cert, ca_key, err, errlen) != 0) {
        if (!sans_ok) fail_ssl(err, errlen, "cannot copy subjectAltNames");
        goto done;
    }
    BIO *bio = BIO_new(BIO_s_mem());
    if (bio && PEM_write_bio_X509(bio, cert)) {
        char *data;
        long n = BIO_get_mem_data(bio, &data);
        out = kapi_xstrndup(data, (size_t)n);
    } else {
        fail_ssl(err, errlen, "cannot encode certificate");
    }
    BIO_free(bio);
done:
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
    X509_REQ_free(req);
    X509_free(cert);
    X509_free(ca);
    EVP_PKEY_free(ca_key);
    return out;
}
