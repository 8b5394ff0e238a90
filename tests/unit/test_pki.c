/* test_pki.c: unit tests of the PKI (fcgi/pki): what pki_init creates and
 * with which modes, the certificates' purposes, names and SANs as OpenSSL's
 * verifier sees them, that a second run changes nothing, port changes and
 * SAN additions, refusals, kubeconfigs and user certificates with groups.
 * Only pki functions are called: no database. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <yaml.h>

#include "core/kapi.h"
#include "pki/pki.h"

/* ------------------------------------------------------------- helpers */

typedef struct fixture {
    char dir[PATH_MAX];
    char *report;          /* what the last init printed */
    size_t report_len;
} fixture;

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    return remove(path);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    const char *tmp = getenv("TMPDIR");
    snprintf(f->dir, sizeof f->dir, "%s/test_pki.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(f->dir));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    nftw(f->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f->report);
    free(f);
    return 0;
}

static void path_in(char *out, const fixture *f, const char *name)
{
    if (snprintf(out, PATH_MAX, "%s/%s", f->dir, name) >= PATH_MAX)
        fail_msg("path too long");
}

/* Runs pki_init on the fixture's directory; the report lands in f->report. */
static int run_init(fixture *f, int port, const char *const *sans, size_t n_sans, char *err, size_t errlen)
{
    free(f->report);
    f->report = NULL;
    FILE *report = open_memstream(&f->report, &f->report_len);
    assert_non_null(report);
    pki_init_options o = {.state_dir = f->dir, .port = port, .extra_sans = sans,
                          .n_extra_sans = n_sans, .report = report};
    int rc = pki_init(&o, err, errlen);
    fclose(report);
    return rc;
}

static void init_ok(fixture *f, int port, const char *const *sans, size_t n_sans)
{
    char err[512] = "";
    int rc = run_init(f, port, sans, n_sans, err, sizeof err);
    if (rc != 0)
        fail_msg("pki_init: %s", err);
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; s && *s; s++)
        n += *s == '\n';
    return n;
}

/* The file's bytes (NUL-terminated); caller frees. */
static char *slurp(const fixture *f, const char *name, size_t *len)
{
    char path[PATH_MAX];
    path_in(path, f, name);
    kapi_buf b;
    kapi_buf_init(&b);
    if (kapi_buf_read_file(&b, path) != 0)
        fail_msg("cannot read %s: %s", path, strerror(errno));
    if (len)
        *len = b.len;
    return kapi_buf_steal(&b);
}

static mode_t mode_of(const fixture *f, const char *name)
{
    char path[PATH_MAX];
    struct stat st;
    path_in(path, f, name);
    if (stat(path, &st) != 0)
        fail_msg("%s is missing", path);
    return st.st_mode & 07777;
}

static X509 *cert_of(const fixture *f, const char *name)
{
    char path[PATH_MAX];
    path_in(path, f, name);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    X509 *x = PEM_read_X509(fp, NULL, NULL, NULL);
    fclose(fp);
    assert_non_null(x);
    return x;
}

static EVP_PKEY *key_of(const fixture *f, const char *name)
{
    char path[PATH_MAX];
    path_in(path, f, name);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    EVP_PKEY *k = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
    fclose(fp);
    assert_non_null(k);
    return k;
}

/* Verifies a certificate of the fixture against its CA for purpose
 * (X509_PURPOSE_SSL_SERVER / _CLIENT); returns the verifier's error code,
 * X509_V_OK when it verifies. */
static int verify_for(const fixture *f, const char *name, int purpose)
{
    X509 *ca = cert_of(f, "pki/ca.crt"), *leaf = cert_of(f, name);
    X509_STORE *store = X509_STORE_new();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    assert_true(X509_STORE_add_cert(store, ca));
    assert_true(X509_STORE_CTX_init(ctx, store, leaf, NULL));
    assert_true(X509_STORE_CTX_set_purpose(ctx, purpose));
    int ok = X509_verify_cert(ctx);
    int error = X509_STORE_CTX_get_error(ctx);
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    X509_free(ca);
    X509_free(leaf);
    return ok == 1 ? X509_V_OK : (error == X509_V_OK ? -1 : error);
}

/* The subject's entries of nid in order, joined with ','. */
static void subject_entries(X509 *x, int nid, char *out, size_t outlen)
{
    X509_NAME *name = X509_get_subject_name(x);
    out[0] = '\0';
    for (int i = -1; (i = X509_NAME_get_index_by_NID(name, nid, i)) >= 0;) {
        const ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
        size_t used = strlen(out);
        snprintf(out + used, outlen - used, "%s%.*s", used ? "," : "",
                 ASN1_STRING_length(s), (const char *)ASN1_STRING_get0_data(s));
    }
}

static const char *const every_file[] = {
    "pki/ca.crt", "pki/ca.key", "pki/apiserver.crt", "pki/apiserver.key",
    "pki/admin.crt", "pki/admin.key", "pki/controller-manager.crt",
    "pki/controller-manager.key", "pki/sa.key", "pki/sa.pub",
    "admin.conf", "controller-manager.conf",
};
#define N_FILES (sizeof every_file / sizeof every_file[0])

static int is_secret(const char *name)
{
    size_t n = strlen(name);
    return strcmp(name + n - 4, ".key") == 0 || strcmp(name + n - 5, ".conf") == 0;
}

/* Whether text parses as one YAML document (libyaml). */
static int is_valid_yaml(const char *text)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, strlen(text));
    int ok = yaml_parser_load(&parser, &doc);
    if (ok)
        yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    return ok;
}

/* base64 of a file of the fixture, as kubeconfigs embed it; caller frees. */
static char *base64_of(const fixture *f, const char *name)
{
    size_t len;
    char *data = slurp(f, name, &len);
    char *out = malloc(4 * ((len + 2) / 3) + 1);
    EVP_EncodeBlock((unsigned char *)out, (unsigned char *)data, (int)len);
    free(data);
    return out;
}

/* --------------------------------------------------------------- tests */

static void init_creates_every_file_with_private_modes(void **state)
{
    fixture *f = *state;
    mode_t old = umask(0);    /* even with a permissive umask */
    init_ok(f, 6443, NULL, 0);
    umask(old);
    for (size_t i = 0; i < N_FILES; i++) {
        mode_t want = is_secret(every_file[i]) ? 0600 : 0644;
        if (mode_of(f, every_file[i]) != want)
            fail_msg("%s has mode %o, want %o", every_file[i], mode_of(f, every_file[i]), want);
    }
    /* one line per file created, and nothing else left behind */
    assert_int_equal(count_lines(f->report), (int)N_FILES);
    assert_non_null(strstr(f->report, "created "));
    char pki[PATH_MAX];
    path_in(pki, f, "pki");
    DIR *dir = opendir(pki);
    assert_non_null(dir);
    struct dirent *e;
    int entries = 0;
    while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        entries++;
        if (strstr(e->d_name, ".tmp-"))
            fail_msg("temporary file %s left behind", e->d_name);
    }
    closedir(dir);
    assert_int_equal(entries, 10);
}

static void apiserver_cert_verifies_for_servers_only(void **state)
{
    fixture *f = *state;
    init_ok(f, 6443, NULL, 0);
    assert_int_equal(verify_for(f, "pki/apiserver.crt", X509_PURPOSE_SSL_SERVER), X509_V_OK);
    /* the seed's "server certificate used as a client certificate" */
    assert_int_equal(verify_for(f, "pki/apiserver.crt", X509_PURPOSE_SSL_CLIENT), X509_V_ERR_INVALID_PURPOSE);
    X509 *x = cert_of(f, "pki/apiserver.crt");
    char cn[128];
    subject_entries(x, NID_commonName, cn, sizeof cn);
    assert_string_equal(cn, "kube-apiserver");
    assert_true(X509_get_extended_key_usage(x) == XKU_SSL_SERVER);
    assert_true(X509_get_key_usage(x) == (KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT));
    assert_non_null(X509_get0_authority_key_id(x));
    X509_free(x);
}

static void admin_cert_verifies_for_clients_with_its_names(void **state)
{
    fixture *f = *state;
    init_ok(f, 6443, NULL, 0);
    assert_int_equal(verify_for(f, "pki/admin.crt", X509_PURPOSE_SSL_CLIENT), X509_V_OK);
    assert_int_equal(verify_for(f, "pki/admin.crt", X509_PURPOSE_SSL_SERVER), X509_V_ERR_INVALID_PURPOSE);
    assert_int_equal(verify_for(f, "pki/controller-manager.crt", X509_PURPOSE_SSL_CLIENT), X509_V_OK);

    X509 *x = cert_of(f, "pki/admin.crt");
    char cn[128], o[128];
    subject_entries(x, NID_commonName, cn, sizeof cn);
    subject_entries(x, NID_organizationName, o, sizeof o);
    assert_string_equal(cn, "kubernetes-admin");
    assert_string_equal(o, "system:masters");
    assert_true(X509_get_extended_key_usage(x) == XKU_SSL_CLIENT);
    X509_free(x);

    x = cert_of(f, "pki/controller-manager.crt");
    subject_entries(x, NID_commonName, cn, sizeof cn);
    subject_entries(x, NID_organizationName, o, sizeof o);
    assert_string_equal(cn, "system:kube-controller-manager");
    assert_string_equal(o, "");
    X509_free(x);
}

static void ca_is_a_ten_year_ca_and_leaves_last_a_year(void **state)
{
    fixture *f = *state;
    init_ok(f, 6443, NULL, 0);
    X509 *ca = cert_of(f, "pki/ca.crt"), *leaf = cert_of(f, "pki/admin.crt");
    assert_int_equal(X509_check_ca(ca), 1);
    assert_true(X509_get_key_usage(ca) == (KU_KEY_CERT_SIGN | KU_CRL_SIGN | KU_DIGITAL_SIGNATURE));
    int crit = 0;
    BASIC_CONSTRAINTS *bc = X509_get_ext_d2i(ca, NID_basic_constraints, &crit, NULL);
    assert_non_null(bc);
    assert_true(bc->ca);
    assert_int_equal(crit, 1);
    BASIC_CONSTRAINTS_free(bc);
    assert_non_null(X509_get0_subject_key_id(ca));
    char cn[64];
    subject_entries(ca, NID_commonName, cn, sizeof cn);
    assert_string_equal(cn, "kubernetes");

    int days, secs;
    assert_true(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(ca), X509_get0_notAfter(ca)));
    assert_in_range(days, 3649, 3651);
    assert_true(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(leaf), X509_get0_notAfter(leaf)));
    assert_in_range(days, 364, 366);

    /* random 128-bit serials: distinct, and far longer than a counter */
    BIGNUM *a = ASN1_INTEGER_to_BN(X509_get0_serialNumber(ca), NULL);
    BIGNUM *b = ASN1_INTEGER_to_BN(X509_get0_serialNumber(leaf), NULL);
    assert_in_range(BN_num_bits(a), 96, 128);
    assert_in_range(BN_num_bits(b), 96, 128);
    assert_int_not_equal(BN_cmp(a, b), 0);
    BN_free(a);
    BN_free(b);

    EVP_PKEY *k = key_of(f, "pki/ca.key");
    assert_true(EVP_PKEY_is_a(k, "EC"));
    assert_int_equal(EVP_PKEY_get_bits(k), 256);
    EVP_PKEY_free(k);
    X509_free(ca);
    X509_free(leaf);
}

static void server_cert_carries_default_and_extra_sans(void **state)
{
    fixture *f = *state;
    const char *const extra[] = {"api.example.com", "10.1.2.3", "fd00::1", "*.apps.example.com"};
    init_ok(f, 6443, extra, 4);
    X509 *x = cert_of(f, "pki/apiserver.crt");
    const char *const dns[] = {"test.kubernetes.local", "localhost", "kubernetes", "kubernetes.default",
                               "kubernetes.default.svc", "api.example.com", "x.apps.example.com"};
    for (size_t i = 0; i < sizeof dns / sizeof dns[0]; i++)
        if (X509_check_host(x, dns[i], 0, 0, NULL) != 1)
            fail_msg("apiserver.crt lacks DNS:%s", dns[i]);
    const char *const ips[] = {"127.0.0.1", "::1", "10.1.2.3", "fd00::1"};
    for (size_t i = 0; i < sizeof ips / sizeof ips[0]; i++)
        if (X509_check_ip_asc(x, ips[i], 0) != 1)
            fail_msg("apiserver.crt lacks IP:%s", ips[i]);
    assert_int_not_equal(X509_check_host(x, "evil.example.org", 0, 0, NULL), 1);
    X509_free(x);
}

static void second_init_changes_nothing(void **state)
{
    fixture *f = *state;
    const char *const extra[] = {"api.example.com"};
    init_ok(f, 6443, extra, 1);
    char *before[N_FILES];
    size_t len[N_FILES];
    for (size_t i = 0; i < N_FILES; i++)
        before[i] = slurp(f, every_file[i], &len[i]);
    init_ok(f, 6443, extra, 1);
    assert_int_equal(count_lines(f->report), 0);
    for (size_t i = 0; i < N_FILES; i++) {
        size_t n;
        char *after = slurp(f, every_file[i], &n);
        if (n != len[i] || memcmp(after, before[i], n) != 0)
            fail_msg("%s changed on the second init", every_file[i]);
        free(after);
        free(before[i]);
    }
}

static void port_change_rewrites_only_the_kubeconfigs(void **state)
{
    fixture *f = *state;
    init_ok(f, 6443, NULL, 0);
    char *crt = slurp(f, "pki/admin.crt", NULL);
    init_ok(f, 7443, NULL, 0);
    assert_int_equal(count_lines(f->report), 2);
    char server[256], err[256], path[PATH_MAX];
    path_in(path, f, "admin.conf");
    assert_int_equal(pki_kubeconfig_server(path, server, sizeof server, err, sizeof err), 0);
    assert_string_equal(server, "https://127.0.0.1:7443");
    path_in(path, f, "controller-manager.conf");
    assert_int_equal(pki_kubeconfig_server(path, server, sizeof server, err, sizeof err), 0);
    assert_string_equal(server, "https://127.0.0.1:7443");
    assert_int_equal(mode_of(f, "admin.conf"), 0600);
    char *crt_after = slurp(f, "pki/admin.crt", NULL);
    assert_string_equal(crt, crt_after);
    free(crt);
    free(crt_after);
}

static void missing_san_reissues_the_server_cert_with_its_key(void **state)
{
    fixture *f = *state;
    const char *const first[] = {"one.example.com"};
    const char *const second[] = {"two.example.com", "192.168.7.7"};
    init_ok(f, 6443, first, 1);
    char *key = slurp(f, "pki/apiserver.key", NULL);
    char *crt = slurp(f, "pki/apiserver.crt", NULL);
    init_ok(f, 6443, second, 2);
    assert_int_equal(count_lines(f->report), 1);
    assert_non_null(strstr(f->report, "reissued"));
    char *key_after = slurp(f, "pki/apiserver.key", NULL);
    char *crt_after = slurp(f, "pki/apiserver.crt", NULL);
    assert_string_equal(key, key_after);
    assert_string_not_equal(crt, crt_after);
    X509 *x = cert_of(f, "pki/apiserver.crt");
    assert_int_equal(X509_check_host(x, "one.example.com", 0, 0, NULL), 1);   /* kept */
    assert_int_equal(X509_check_host(x, "two.example.com", 0, 0, NULL), 1);
    assert_int_equal(X509_check_ip_asc(x, "192.168.7.7", 0), 1);
    X509_free(x);
    assert_int_equal(verify_for(f, "pki/apiserver.crt", X509_PURPOSE_SSL_SERVER), X509_V_OK);
    free(key);
    free(crt);
    free(key_after);
    free(crt_after);
}

static void bad_sans_and_ports_are_refused(void **state)
{
    fixture *f = *state;
    char err[256];
    const char *const bad[] = {"", "bad name", "-x.example.com", "x..example.com", "*.com",
                               "a*.example.com", "[::1]", "exa$mple.com"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (pki_check_san(bad[i], err, sizeof err) == 0)
            fail_msg("\"%s\" was accepted as a SAN", bad[i]);
    const char *const good[] = {"example.com", "localhost", "*.apps.example.com", "10.0.0.1", "::1",
                                "2001:db8::5", "my_host.local"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (pki_check_san(good[i], err, sizeof err) != 0)
            fail_msg("\"%s\" was refused: %s", good[i], err);

    const char *const one_bad[] = {"ok.example.com", "not ok"};
    assert_int_equal(run_init(f, 6443, one_bad, 2, err, sizeof err), -1);
    assert_non_null(strstr(err, "not ok"));
    char path[PATH_MAX];
    path_in(path, f, "pki/ca.crt");
    assert_int_not_equal(access(path, F_OK), 0);    /* refused before writing anything */
    assert_int_equal(run_init(f, 0, NULL, 0, err, sizeof err), -1);
    assert_int_equal(run_init(f, 65536, NULL, 0, err, sizeof err), -1);
}

static void service_account_keys_are_a_matching_rsa_2048_pair(void **state)
{
    fixture *f = *state;
    init_ok(f, 6443, NULL, 0);
    EVP_PKEY *priv = key_of(f, "pki/sa.key");
    assert_true(EVP_PKEY_is_a(priv, "RSA"));
    assert_int_equal(EVP_PKEY_get_bits(priv), 2048);
    char path[PATH_MAX];
    path_in(path, f, "pki/sa.pub");
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    EVP_PKEY *pub = PEM_read_PUBKEY(fp, NULL, NULL, NULL);
    fclose(fp);
    assert_non_null(pub);
    assert_int_equal(EVP_PKEY_eq(priv, pub), 1);
    EVP_PKEY_free(priv);
    EVP_PKEY_free(pub);

    /* a lost sa.pub is derived again from sa.key */
    assert_int_equal(unlink(path), 0);
    init_ok(f, 6443, NULL, 0);
    assert_int_equal(count_lines(f->report), 1);
    assert_int_equal(mode_of(f, "pki/sa.pub"), 0644);
}

static void kubeconfig_embeds_the_credentials(void **state)
{
    fixture *f = *state;
    init_ok(f, 6443, NULL, 0);
    char *conf = slurp(f, "admin.conf", NULL);
    char *ca = base64_of(f, "pki/ca.crt");
    char *crt = base64_of(f, "pki/admin.crt");
    char *key = base64_of(f, "pki/admin.key");
    char line[8192];
    assert_true(is_valid_yaml(conf));
    snprintf(line, sizeof line, "    certificate-authority-data: %s\n", ca);
    assert_non_null(strstr(conf, line));
    snprintf(line, sizeof line, "    client-certificate-data: %s\n", crt);
    assert_non_null(strstr(conf, line));
    snprintf(line, sizeof line, "    client-key-data: %s\n", key);
    assert_non_null(strstr(conf, line));
    assert_non_null(strstr(conf, "    server: https://127.0.0.1:6443\n"));
    assert_non_null(strstr(conf, "\n  name: kubernetes\n"));
    assert_non_null(strstr(conf, "\n- name: kubernetes-admin\n"));
    assert_non_null(strstr(conf, "\n  name: kubernetes-admin@kubernetes\n"));
    assert_non_null(strstr(conf, "\ncurrent-context: kubernetes-admin@kubernetes\n"));
    free(conf);
    conf = slurp(f, "controller-manager.conf", NULL);
    assert_true(is_valid_yaml(conf));
    assert_non_null(strstr(conf, "\ncurrent-context: system:kube-controller-manager@kubernetes\n"));
    free(conf);
    free(ca);
    free(crt);
    free(key);
}

static void user_cert_carries_two_groups(void **state)
{
    fixture *f = *state;
    init_ok(f, 6443, NULL, 0);
    char users[PATH_MAX], crt[PATH_MAX], key[PATH_MAX], conf[PATH_MAX], p12[PATH_MAX], err[512];
    path_in(users, f, "users");
    assert_int_equal(mkdir(users, 0700), 0);
    path_in(crt, f, "users/alice.crt");
    path_in(key, f, "users/alice.key");
    path_in(conf, f, "users/alice.conf");
    path_in(p12, f, "users/alice.p12");
    const char *const groups[] = {"dev", "ops"};
    if (pki_issue_client_cert(f->dir, "alice", groups, 2, crt, key, err, sizeof err) != 0)
        fail_msg("pki_issue_client_cert: %s", err);
    assert_int_equal(mode_of(f, "users/alice.key"), 0600);
    assert_int_equal(mode_of(f, "users/alice.crt"), 0644);
    assert_int_equal(verify_for(f, "users/alice.crt", X509_PURPOSE_SSL_CLIENT), X509_V_OK);
    assert_int_equal(verify_for(f, "users/alice.crt", X509_PURPOSE_SSL_SERVER), X509_V_ERR_INVALID_PURPOSE);

    X509 *x = cert_of(f, "users/alice.crt");
    char cn[64], o[128];
    subject_entries(x, NID_commonName, cn, sizeof cn);
    subject_entries(x, NID_organizationName, o, sizeof o);
    assert_string_equal(cn, "alice");
    assert_string_equal(o, "dev,ops");
    /* RFC 2253 as nginx passes it: most specific first, one RDN per O */
    BIO *bio = BIO_new(BIO_s_mem());
    X509_NAME_print_ex(bio, X509_get_subject_name(x), 0, XN_FLAG_RFC2253);
    char dn[256] = "";
    int n = BIO_read(bio, dn, sizeof dn - 1);
    dn[n > 0 ? n : 0] = '\0';
    BIO_free(bio);
    assert_string_equal(dn, "CN=alice,O=ops,O=dev");

    if (pki_write_kubeconfig(f->dir, conf, "alice", crt, key, "https://127.0.0.1:6443", err, sizeof err) != 0)
        fail_msg("pki_write_kubeconfig: %s", err);
    assert_int_equal(mode_of(f, "users/alice.conf"), 0600);
    char *text = slurp(f, "users/alice.conf", NULL);
    assert_true(is_valid_yaml(text));
    assert_non_null(strstr(text, "\ncurrent-context: alice@kubernetes\n"));
    free(text);

    if (pki_write_pkcs12(f->dir, crt, key, p12, "alice", err, sizeof err) != 0)
        fail_msg("pki_write_pkcs12: %s", err);
    assert_int_equal(mode_of(f, "users/alice.p12"), 0600);
    FILE *fp = fopen(p12, "rb");
    assert_non_null(fp);
    PKCS12 *bundle = d2i_PKCS12_fp(fp, NULL);
    fclose(fp);
    assert_non_null(bundle);
    EVP_PKEY *pkey = NULL;
    X509 *cert = NULL;
    STACK_OF(X509) *chain = NULL;
    assert_int_equal(PKCS12_parse(bundle, "", &pkey, &cert, &chain), 1);
    assert_int_equal(X509_cmp(cert, x), 0);
    assert_int_equal(X509_check_private_key(cert, pkey), 1);
    assert_int_equal(sk_X509_num(chain), 1);
    EVP_PKEY_free(pkey);
    X509_free(cert);
    sk_X509_pop_free(chain, X509_free);
    PKCS12_free(bundle);
    X509_free(x);
}

static void user_kubeconfig_ports_follow_init(void **state)
{
    fixture *f = *state;
    init_ok(f, 6443, NULL, 0);
    char users[PATH_MAX], crt[PATH_MAX], key[PATH_MAX], conf[PATH_MAX], err[256], server[128];
    path_in(users, f, "users");
    assert_int_equal(mkdir(users, 0700), 0);
    path_in(crt, f, "users/bob.crt");
    path_in(key, f, "users/bob.key");
    path_in(conf, f, "users/bob.conf");
    assert_int_equal(pki_issue_client_cert(f->dir, "bob", NULL, 0, crt, key, err, sizeof err), 0);
    assert_int_equal(pki_write_kubeconfig(f->dir, conf, "bob", crt, key, "https://127.0.0.1:6443",
                                          err, sizeof err), 0);
    init_ok(f, 9443, NULL, 0);
    assert_int_equal(count_lines(f->report), 3);
    assert_int_equal(pki_kubeconfig_server(conf, server, sizeof server, err, sizeof err), 0);
    assert_string_equal(server, "https://127.0.0.1:9443");
}

static void odd_user_names_are_quoted_in_kubeconfigs(void **state)
{
    fixture *f = *state;
    init_ok(f, 6443, NULL, 0);
    char crt[PATH_MAX], key[PATH_MAX], conf[PATH_MAX], err[256];
    path_in(crt, f, "pki/admin.crt");
    path_in(key, f, "pki/admin.key");
    path_in(conf, f, "odd.conf");
    const char *const names[] = {"yes", "123", "@home", "a: b", "quote\"d"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        assert_int_equal(pki_write_kubeconfig(f->dir, conf, names[i], crt, key, "https://[::1]:6443",
                                              err, sizeof err), 0);
        char *text = slurp(f, "odd.conf", NULL);
        if (!is_valid_yaml(text))
            fail_msg("kubeconfig for user \"%s\" is not valid YAML", names[i]);
        assert_non_null(strstr(text, "- name: \""));
        free(text);
    }
    assert_int_equal(pki_kubeconfig_set_port(conf, 7000, NULL, err, sizeof err), 0);
    char server[128];
    assert_int_equal(pki_kubeconfig_server(conf, server, sizeof server, err, sizeof err), 0);
    assert_string_equal(server, "https://[::1]:7000");
}

static void leaf_from_another_ca_is_refused(void **state)
{
    fixture *f = *state;
    init_ok(f, 6443, NULL, 0);
    fixture other;
    memset(&other, 0, sizeof other);
    path_in(other.dir, f, "other");
    init_ok(&other, 6443, NULL, 0);
    free(other.report);
    char from[PATH_MAX], to[PATH_MAX], err[512];
    path_in(from, &other, "pki/admin.crt");
    path_in(to, f, "pki/admin.crt");
    assert_int_equal(rename(from, to), 0);
    path_in(from, &other, "pki/admin.key");
    path_in(to, f, "pki/admin.key");
    assert_int_equal(rename(from, to), 0);
    assert_int_equal(run_init(f, 6443, NULL, 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "not signed by the cluster CA"));
}

static void lost_certificate_is_reissued_with_a_new_key(void **state)
{
    fixture *f = *state;
    init_ok(f, 6443, NULL, 0);
    char *conf = slurp(f, "admin.conf", NULL);
    char path[PATH_MAX], err[256];
    path_in(path, f, "pki/admin.crt");
    assert_int_equal(unlink(path), 0);
    init_ok(f, 6443, NULL, 0);
    assert_int_equal(count_lines(f->report), 3);        /* key, cert, admin.conf */
    assert_int_equal(verify_for(f, "pki/admin.crt", X509_PURPOSE_SSL_CLIENT), X509_V_OK);
    char *conf_after = slurp(f, "admin.conf", NULL);
    assert_string_not_equal(conf, conf_after);          /* carries the new credentials */
    free(conf);
    free(conf_after);

    /* a certificate without its key is an error, not silently replaced */
    path_in(path, f, "pki/admin.key");
    assert_int_equal(unlink(path), 0);
    assert_int_equal(run_init(f, 6443, NULL, 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "admin.key is missing"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(init_creates_every_file_with_private_modes, setup, teardown),
        cmocka_unit_test_setup_teardown(apiserver_cert_verifies_for_servers_only, setup, teardown),
        cmocka_unit_test_setup_teardown(admin_cert_verifies_for_clients_with_its_names, setup, teardown),
        cmocka_unit_test_setup_teardown(ca_is_a_ten_year_ca_and_leaves_last_a_year, setup, teardown),
        cmocka_unit_test_setup_teardown(server_cert_carries_default_and_extra_sans, setup, teardown),
        cmocka_unit_test_setup_teardown(second_init_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(port_change_rewrites_only_the_kubeconfigs, setup, teardown),
        cmocka_unit_test_setup_teardown(missing_san_reissues_the_server_cert_with_its_key, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_sans_and_ports_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(service_account_keys_are_a_matching_rsa_2048_pair, setup, teardown),
        cmocka_unit_test_setup_teardown(kubeconfig_embeds_the_credentials, setup, teardown),
        cmocka_unit_test_setup_teardown(user_cert_carries_two_groups, setup, teardown),
        cmocka_unit_test_setup_teardown(user_kubeconfig_ports_follow_init, setup, teardown),
        cmocka_unit_test_setup_teardown(odd_user_names_are_quoted_in_kubeconfigs, setup, teardown),
        cmocka_unit_test_setup_teardown(leaf_from_another_ca_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(lost_certificate_is_reissued_with_a_new_key, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
