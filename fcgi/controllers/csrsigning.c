/* csrsigning.c: kube-controller-manager's csrsigning controller
 * (pkg/controller/certificates/signer) for the two client signers,
 * kubernetes.io/kube-apiserver-client and
 * kubernetes.io/kube-apiserver-client-kubelet: an approved request (not
 * denied, not failed, no certificate yet) whose usages (and, for the
 * kubelet signer, subject) the signer accepts gets a certificate from the
 * cluster CA (DIR/pki/ca.{crt,key}, pki_csr_sign) in status.certificate,
 * valid for spec.expirationSeconds or the cluster signing duration (one
 * year, kube's --cluster-signing-duration default), whichever is shorter;
 * a request the signer refuses gets a Failed condition with reason
 * SignerValidationFailure and the signer's message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/conditions.h"
#include "controllers/controllers.h"
#include "core/base64.h"
#include "pki/pki.h"

#define CLIENT_SIGNER "kubernetes.io/kube-apiserver-client"
#define KUBELET_SIGNER "kubernetes.io/kube-apiserver-client-kubelet"
#define SIGNING_SECONDS (8760L * 3600)

static int has_true(const cJSON *csr, const char *type)
{
    const cJSON *c = condition_find(cJSON_GetObjectItemCaseSensitive(csr, "status"), type);
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(c, "status");
    return cJSON_IsString(s) && !strcmp(s->valuestring, "True");
}

static int has_usage(const cJSON *usages, const char *u)
{
    const cJSON *v;
    cJSON_ArrayForEach(v, usages) if (cJSON_IsString(v) && !strcmp(v->valuestring, u)) return 1;
    return 0;
}

/* validAPIServerClientUsages */
static int client_usages(const cJSON *usages, char *err, size_t n)
{
    const cJSON *v;
    cJSON_ArrayForEach(v, usages) {
        const char *u = cJSON_IsString(v) ? v->valuestring : "";
        if (strcmp(u, "digital signature") && strcmp(u, "key encipherment") && strcmp(u, "client auth")) {
            snprintf(err, n, "invalid usage for client certificate: %s", u);
            return -1;
        }
    }
    if (!has_usage(usages, "client auth")) {
        snprintf(err, n, "missing required usage for client certificate: client auth");
        return -1;
    }
    return 0;
}

/* ValidateKubeletClientCSR */
static int kubelet_client(const pki_csr_info *info, const cJSON *usages, char *err, size_t n)
{
    const char *e = NULL;
    if (info->n_orgs != 1 || strcmp(info->orgs[0], "system:nodes")) e = "subject organization is not system:nodes";
    else if (strncmp(info->cn, "system:node:", 12)) e = "subject common name does not begin with system:node:";
    else if (info->n_dns) e = "DNS subjectAltNames are not allowed";
    else if (info->n_email) e = "Email subjectAltNames are not allowed";
    else if (info->n_ip) e = "IP subjectAltNames are not allowed";
    else if (info->n_uri) e = "URI subjectAltNames are not allowed";
    if (e) {
        snprintf(err, n, "%s", e);
        return -1;
    }
    /* exactly {client auth, digital signature[, key encipherment]} */
    int n_usages = cJSON_GetArraySize(usages), ke = has_usage(usages, "key encipherment");
    if (!has_usage(usages, "client auth") || !has_usage(usages, "digital signature") || n_usages != 2 + ke) {
        snprintf(err, n, "usages did not match [client auth digital signature key encipherment]");
        return -1;
    }
    return 0;
}

static void sync_csr(pass *p, const kapi_resource *csrs, obj_entry *e)
{
    const cJSON *csr = e->obj;
    const char *signer = obj_str(csr, "spec.signerName");
    if (!signer || (strcmp(signer, CLIENT_SIGNER) && strcmp(signer, KUBELET_SIGNER))) return;
    const char *cert = obj_str(csr, "status.certificate");
    if (!has_true(csr, "Approved") || has_true(csr, "Denied") || has_true(csr, "Failed") || (cert && *cert)) return;
    const char *b64 = obj_str(csr, "spec.request");
    kapi_buf pem;
    kapi_buf_init(&pem);
    size_t bad;
    char err[300] = "";
    const cJSON *usages = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(csr, "spec"), "usages");
    pki_csr_info info;
    int refused = !b64 || base64_decode(b64, strlen(b64), &pem, &bad) ||
                  pki_csr_parse(pem.data, pem.len, &info, err, sizeof err) ||
                  (!strcmp(signer, CLIENT_SIGNER) ? client_usages(usages, err, sizeof err)
                                                  : kubelet_client(&info, usages, err, sizeof err));
    cJSON *copy = cJSON_Duplicate(csr, 1);
    cJSON *status = cJSON_GetObjectItemCaseSensitive(copy, "status");
    if (!cJSON_IsObject(status)) {
        cJSON_DeleteItemFromObjectCaseSensitive(copy, "status");
        status = cJSON_AddObjectToObject(copy, "status");
    }
    if (refused) {
        char now[21];
        time_now(now);
        cJSON *conds = cJSON_GetObjectItemCaseSensitive(status, "conditions");
        if (!cJSON_IsArray(conds)) conds = cJSON_AddArrayToObject(status, "conditions");
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "type", "Failed");
        cJSON_AddStringToObject(c, "status", "True");
        cJSON_AddStringToObject(c, "reason", "SignerValidationFailure");
        cJSON_AddStringToObject(c, "message", *err ? err : "the request could not be read");
        cJSON_AddStringToObject(c, "lastUpdateTime", now);
        cJSON_AddItemToArray(conds, c);
        api_update(p, csrs, copy, "status", "the signer refuses the request");
    } else {
        const char *const *names = NULL;
        const char *list[32];
        int n = 0;
        const cJSON *u;
        cJSON_ArrayForEach(u, usages) if (cJSON_IsString(u) && n < 32) list[n++] = u->valuestring;
        names = list;
        long seconds = SIGNING_SECONDS;
        const cJSON *exp = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(csr, "spec"), "expirationSeconds");
        if (cJSON_IsNumber(exp) && exp->valuedouble < seconds) seconds = (long)exp->valuedouble;
        char *signed_pem = pki_csr_sign(p->ctx->state_dir, pem.data, pem.len, names, n, seconds, err, sizeof err);
        if (signed_pem) {
            char *out = base64_encode(signed_pem, strlen(signed_pem));
            cJSON_DeleteItemFromObjectCaseSensitive(status, "certificate");
            cJSON_AddStringToObject(status, "certificate", out);
            free(out);
            free(signed_pem);
            api_update(p, csrs, copy, "status", "issue the approved certificate");
        } else {
            fprintf(stderr, "kapi-reconcile: signing certificatesigningrequest %s: %s\n", obj_name(csr), err);
        }
    }
    cJSON_Delete(copy);
    kapi_buf_free(&pem);
}

void csr_signing_controller(pass *p)
{
    const kapi_resource *csrs = resource_by_plural("certificates.k8s.io", "certificatesigningrequests");
    kind_cache *kc = csrs ? cache_kind(p, csrs) : NULL;
    if (!kc || !p->ctx->state_dir) return;
    for (int i = 0; i < kc->all.n && pass_may_write(p); i++) {
        obj_entry *e = kc->all.items[i];
        if (!e->gone) sync_csr(p, csrs, e);
    }
}
