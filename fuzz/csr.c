/* csr.c: fuzzes what the server reads of a CertificateSigningRequest's
 * spec.request (pki/pki.c pki_csr_parse: the PEM block, the PKCS#10
 * request, its signature, subject and subjectAltNames), as a create or
 * update of certificates.k8s.io/v1 sends it (base64 in JSON, decoded). */
#include <string.h>
#include "pki/pki.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pki_csr_info info;
    char err[256];
    if (pki_csr_parse((const char *)data, size, &info, err, sizeof err) == 0) {
        /* what the signer reads: bounded, terminated */
        if (strlen(info.cn) >= sizeof info.cn || info.n_orgs > PKI_CSR_MAX_ORGS) __builtin_trap();
    } else if (!err[0]) {
        __builtin_trap();   /* every refusal says why */
    }
    return 0;
}
