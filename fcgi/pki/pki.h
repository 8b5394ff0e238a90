/* pki.h: the cluster's certificate authority and everything made from it,
 * what kubeadm's "init phase certs" and "init phase kubeconfig" create under
 * /etc/kubernetes, here under a state directory DIR:
 *
 *   DIR/pki/ca.crt, ca.key                  the CA (CN=kubernetes, 10 years)
 *   DIR/pki/apiserver.crt, .key             nginx's server certificate (serverAuth only)
 *   DIR/pki/admin.crt, .key                 CN=kubernetes-admin, O=system:masters
 *   DIR/pki/controller-manager.crt, .key    CN=system:kube-controller-manager
 *   DIR/pki/sa.key, sa.pub                  RSA 2048 service-account signing keys
 *   DIR/admin.conf, controller-manager.conf kubeconfigs with embedded credentials
 *
 * Certificate keys are EC P-256 (ECDSA with SHA-256 signatures); the
 * service-account key is RSA 2048 (tokens are RS256). Private keys and
 * kubeconfigs are written mode 0600 (created 0600 with O_EXCL, never
 * readable by others even briefly), certificates 0644; every file is written
 * to a temporary name and renamed into place, so a crash leaves either the
 * old file or the new one.
 *
 * Every function returns 0 on success or -1 with a one-line message in err.
 * Functions that take a FILE *report print one line there for each file they
 * create or change ("created DIR/pki/ca.crt"); NULL keeps them quiet. */
#ifndef KAPI_PKI_H
#define KAPI_PKI_H

#include <stddef.h>
#include <stdio.h>

#define PKI_DEFAULT_PORT 6443
#define PKI_CA_DAYS      3650
#define PKI_LEAF_DAYS    365

/* The names every API server certificate carries; extra ones are added. */
extern const char *const pki_default_server_sans[];
extern const size_t pki_n_default_server_sans;

typedef struct pki_init_options {
    const char *state_dir;
    int port;                        /* for the kubeconfigs' server URL */
    const char *const *extra_sans;   /* DNS names or IP addresses; may be NULL */
    size_t n_extra_sans;
    FILE *report;                    /* one line per file created or changed; may be NULL */
    int state_dir_locked;            /* the caller holds pki_lock_state_dir() */
} pki_init_options;

/* Creates state_dir if needed and takes an exclusive lock on it, waiting for
 * another holder (another kapictl init) to finish. Returns the descriptor to
 * give pki_unlock_state_dir, or -1 with a message. */
int pki_lock_state_dir(const char *state_dir, char *err, size_t errlen);
void pki_unlock_state_dir(int lock_fd);

/* Creates whatever of the list above is missing and keeps what exists (it is
 * run at every start). Also: reissues apiserver.crt with its existing key when
 * a wanted SAN is missing from it (keeping the names it had); rewrites the
 * server line of existing kubeconfigs (admin.conf, controller-manager.conf,
 * users/ *.conf) when their port differs from o->port; refuses a leaf
 * certificate that the CA did not sign. Holds pki_lock_state_dir() while it
 * works (unless the caller does), so concurrent runs do not race. */
int pki_init(const pki_init_options *o, char *err, size_t errlen);

/* The steps pki_init is made of. *created (may be NULL) is set to 1 when the
 * step wrote a new certificate or key. */
int pki_ensure_ca(const char *state_dir, FILE *report, int *created, char *err, size_t errlen);
int pki_ensure_server_cert(const char *state_dir, const char *const *extra_sans, size_t n_extra_sans,
                           FILE *report, int *created, char *err, size_t errlen);
/* DIR/pki/<file_base>.crt and .key for cn and orgs (clientAuth), if missing. */
int pki_ensure_client_cert(const char *state_dir, const char *file_base, const char *cn,
                           const char *const *orgs, int n_orgs,
                           FILE *report, int *created, char *err, size_t errlen);
int pki_ensure_service_account_keys(const char *state_dir, FILE *report, int *created,
                                    char *err, size_t errlen);

/* Issues a new client certificate (clientAuth, CN=cn, one O=... RDN per
 * group, 1 year) with a fresh key, signed by DIR/pki/ca.{crt,key}; writes
 * crt_path (0644) and key_path (0600), replacing what was there. */
int pki_issue_client_cert(const char *state_dir, const char *cn, const char *const *orgs, int n_orgs,
                          const char *crt_path, const char *key_path, char *err, size_t errlen);

/* Writes a kubeconfig (0600) like kubeadm's: cluster "kubernetes" with the
 * CA of DIR/pki/ca.crt and the given server URL, user `user` with the
 * certificate and key of crt_path and key_path embedded, context
 * "<user>@kubernetes", current-context set. */
int pki_write_kubeconfig(const char *state_dir, const char *path, const char *user,
                         const char *crt_path, const char *key_path, const char *server,
                         char *err, size_t errlen);

/* Reads the first "server:" value of a kubeconfig into out. Returns 0, or -1
 * when the file cannot be read or has no server line. */
int pki_kubeconfig_server(const char *path, char *out, size_t outlen, char *err, size_t errlen);

/* Sets the port of every server URL in a kubeconfig, keeping scheme and host.
 * *changed (may be NULL) is 1 when the file was rewritten. */
int pki_kubeconfig_set_port(const char *path, int port, int *changed, char *err, size_t errlen);

/* Writes a PKCS#12 bundle (0600, empty password) of the certificate and key,
 * with the CA certificate of DIR/pki/ca.crt as its chain. */
int pki_write_pkcs12(const char *state_dir, const char *crt_path, const char *key_path,
                     const char *p12_path, const char *friendly_name, char *err, size_t errlen);

/* 0 if san is a usable subjectAltName (an IPv4/IPv6 address or a DNS name,
 * "*." wildcard allowed), else -1 with a message. */
int pki_check_san(const char *san, char *err, size_t errlen);

/* A PEM certificate signing request (PKCS#10, its signature checked): its
 * subject's common name and organizations and how many subjectAltNames of
 * each kind it asks for. 0, or -1 with Go's error text in err ("PEM block
 * type must be CERTIFICATE REQUEST", ...). */
#define PKI_CSR_MAX_ORGS 8
typedef struct pki_csr_info {
    char cn[256];
    char orgs[PKI_CSR_MAX_ORGS][128];
    int n_orgs;
    int n_dns, n_email, n_ip, n_uri;
} pki_csr_info;
int pki_csr_parse(const char *pem, size_t len, pki_csr_info *out, char *err, size_t errlen);

/* Signs a PEM certificate signing request with DIR/pki/ca.{crt,key} as
 * kube-controller-manager's local signer does: the request's subject, key
 * and subjectAltNames, the key usages and extended key usages named by
 * kube's usage strings, CA:FALSE, valid from five minutes ago for seconds
 * (never past the CA). Returns the PEM certificate (malloc), or NULL with a
 * message. */
char *pki_csr_sign(const char *state_dir, const char *pem, size_t len, const char *const *usages, int n_usages,
                   long seconds, char *err, size_t errlen);

/* "https://127.0.0.1:PORT" into out. */
void pki_default_server_url(int port, char *out, size_t outlen);

#endif
