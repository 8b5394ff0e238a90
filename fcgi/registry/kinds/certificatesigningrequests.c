/* certificatesigningrequests.c: certificates.k8s.io/v1
 * CertificateSigningRequest (pkg/registry/certificates and
 * pkg/apis/certificates/validation): the requester recorded from the
 * request's user, kube's validation with its messages (the PEM request, its
 * signature, usages, signerName, expirationSeconds, conditions), the
 * object's own updates keeping spec and status, /status keeping spec and
 * the approval conditions, /approval changing only the conditions, the
 * condition timestamps kube fills in, and the Table of kube's
 * printCertificateSigningRequest. Signing is the reconciler's
 * (controllers/csrsigning.c). */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "codec/conditions.h"
#include "codec/jsonpath.h"
#include "core/base64.h"
#include "core/gotime.h"
#include "pki/pki.h"
#include "registry/kinds/workload.h"
#include "registry/strategies.h"
#include "registry/tables_internal.h"

/* allValidUsages, sorted */
static const char *const usages_supported[] = {
    "any", "cert sign", "client auth", "code signing", "content commitment", "crl sign", "data encipherment",
    "decipher only", "digital signature", "email protection", "encipher only", "ipsec end system",
    "ipsec tunnel", "ipsec user", "key agreement", "key encipherment", "microsoft sgc", "netscape sgc",
    "ocsp signing", "s/mime", "server auth", "signing", "timestamping", NULL};

static void csr_prepare_for_create(cJSON *csr)
{
    cJSON_DeleteItemFromObjectCaseSensitive(csr, "status");
    workload_normalize(csr);
}

/* PrepareForCreate's user fields: who asked. */
static void csr_set_requester(cJSON *csr, const kapi_user *user)
{
    cJSON *spec = json_object_member(csr, "spec");
    static const char *const fields[] = {"username", "uid", "groups", "extra", NULL};
    for (int i = 0; fields[i]; i++) cJSON_DeleteItemFromObjectCaseSensitive(spec, fields[i]);
    if (user->name && *user->name) cJSON_AddStringToObject(spec, "username", user->name);
    if (user->uid && *user->uid) cJSON_AddStringToObject(spec, "uid", user->uid);
    if (user->n_groups > 0) {
        cJSON *g = cJSON_AddArrayToObject(spec, "groups");
        for (int i = 0; i < user->n_groups; i++) cJSON_AddItemToArray(g, cJSON_CreateString(user->groups[i]));
    }
    workload_normalize(csr);
}

/* The request's PEM bytes (spec.request is base64 in JSON) into out. */
static int request_pem(const cJSON *csr, kapi_buf *out)
{
    const char *b64 = json_str_at(csr, "spec.request", "");
    size_t bad;
    return base64_decode(b64, strlen(b64), out, &bad);
}

/* Go's %#v of a []byte, as field.Invalid prints spec.request. */
static cJSON *go_bytes_value(const kapi_buf *b)
{
    kapi_buf s;
    kapi_buf_init(&s);
    kapi_buf_puts(&s, "[]byte{");
    for (size_t i = 0; i < b->len; i++)
        kapi_buf_printf(&s, "%s0x%x", i ? ", " : "", (unsigned char)b->data[i]);
    kapi_buf_puts(&s, "}");
    kapi_buf_putc(&s, '\0');
    cJSON *v = cJSON_CreateRaw(s.data);
    kapi_buf_free(&s);
    return v;
}

static int is_true_only(const char *type)
{
    return !strcmp(type, "Approved") || !strcmp(type, "Denied");
}

static void validate_conditions(const cJSON *csr, field_errors *errs)
{
    static const char *const statuses[] = {"False", "True", "Unknown", NULL};
    static const char *const true_only[] = {"True", NULL};
    const cJSON *c, *prev;
    const cJSON *list = json_at(csr, "status.conditions");
    int i = 0, approved = 0, denied = 0;
    char field[96];
    cJSON_ArrayForEach(c, list) {
        const char *type = json_str(c, "type"), *status = json_str(c, "status");
        snprintf(field, sizeof field, "status.conditions[%d].type", i);
        if (!*type) field_error_add(errs, FIELD_REQUIRED, field, NULL, "");
        snprintf(field, sizeof field, "status.conditions[%d].status", i);
        int ok = !strcmp(status, "True") || (!is_true_only(type) && (!strcmp(status, "False") || !strcmp(status, "Unknown")));
        if (!*status) field_error_add(errs, FIELD_REQUIRED, field, NULL, "");
        else if (!ok) field_error_not_supported(errs, field, status, is_true_only(type) ? true_only : statuses);
        snprintf(field, sizeof field, "status.conditions[%d].type", i);
        if (!strcmp(type, "Approved")) approved = 1;
        if (!strcmp(type, "Denied")) denied = 1;
        if ((!strcmp(type, "Approved") && denied) || (!strcmp(type, "Denied") && approved))
            field_error_add_str(errs, FIELD_INVALID, field, type, "Approved and Denied conditions are mutually exclusive");
        for (prev = list->child; prev != c; prev = prev->next)
            if (!strcmp(json_str(prev, "type"), type)) {
                field_error_add_str(errs, FIELD_DUPLICATE, field, type, NULL);
                break;
            }
        i++;
    }
}

static void validate_csr(const cJSON *csr, field_errors *errs)
{
    kapi_buf pem;
    kapi_buf_init(&pem);
    char err[256];
    pki_csr_info info;
    if (request_pem(csr, &pem) || pki_csr_parse(pem.data, pem.len, &info, err, sizeof err)) {
        if (!pem.data) snprintf(err, sizeof err, "PEM block type must be CERTIFICATE REQUEST");
        cJSON *v = go_bytes_value(&pem);
        field_error_add(errs, FIELD_INVALID, "spec.request", v, err);
        cJSON_Delete(v);
    }
    kapi_buf_free(&pem);
    const cJSON *usages = json_at(csr, "spec.usages"), *u, *prev;
    if (cJSON_GetArraySize(usages) == 0) field_error_add(errs, FIELD_REQUIRED, "spec.usages", NULL, "");
    validate_each_supported(usages, "spec.usages", usages_supported, errs);
    int i = 0;
    char field[64];
    cJSON_ArrayForEach(u, usages) {
        snprintf(field, sizeof field, "spec.usages[%d]", i++);
        for (prev = usages->child; prev != u; prev = prev->next)
            if (cJSON_IsString(u) && cJSON_IsString(prev) && !strcmp(u->valuestring, prev->valuestring)) {
                field_error_add_str(errs, FIELD_DUPLICATE, field, u->valuestring, NULL);
                break;
            }
    }
    const char *signer = json_str_at(csr, "spec.signerName", "");
    if (!strcmp(signer, "kubernetes.io/legacy-unknown"))
        field_error_add_str(errs, FIELD_INVALID, "spec.signerName", signer,
                            "the legacy signerName is not allowed via this API version");
    else if (!*signer) field_error_add(errs, FIELD_REQUIRED, "spec.signerName", NULL, "");
    else if (!strchr(signer, '/') || signer[0] == '/' || !strchr(signer, '.'))
        field_error_add_str(errs, FIELD_INVALID, "spec.signerName", signer,
                            "must be a fully qualified domain and path of the form 'example.com/signer-name'");
    const cJSON *exp = json_at(csr, "spec.expirationSeconds");
    if (cJSON_IsNumber(exp) && exp->valuedouble < 600)
        field_error_add(errs, FIELD_INVALID, "spec.expirationSeconds", exp,
                        "may not specify a duration less than 600 seconds (10 minutes)");
    validate_conditions(csr, errs);
}

static void keep_member(cJSON *obj, const cJSON *old, const char *key)
{
    cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
    const cJSON *v = json_get(old, key);
    if (v) cJSON_AddItemToObject(obj, key, cJSON_Duplicate(v, 1));
}

/* populateConditionTimestamps: lastUpdateTime now when unset;
 * lastTransitionTime kept from the old condition of the same type and
 * status, else now. */
static void condition_timestamps(cJSON *csr, const cJSON *old)
{
    char now[21];
    time_rfc3339(time(NULL), now);
    cJSON *c;
    cJSON_ArrayForEach(c, json_at(csr, "status.conditions")) {
        if (!*json_str(c, "lastUpdateTime")) json_set_str(c, "lastUpdateTime", now);
        if (*json_str(c, "lastTransitionTime")) continue;
        const cJSON *o = condition_find(json_get(old, "status"), json_str(c, "type"));
        const char *ot = o && !strcmp(json_str(o, "status"), json_str(c, "status")) ? json_str(o, "lastTransitionTime") : "";
        json_set_str(c, "lastTransitionTime", *ot ? ot : now);
    }
}

static void csr_prepare_for_subresource_update(const char *sub, cJSON *csr, const cJSON *old)
{
    keep_member(csr, old, "spec");
    if (!*sub) {   /* the object itself: only metadata changes */
        keep_member(csr, old, "status");
        return;
    }
    if (!strcmp(sub, "approval")) {   /* only the conditions change */
        cJSON *conds = cJSON_DetachItemFromObjectCaseSensitive(json_object_member(csr, "status"), "conditions");
        keep_member(csr, old, "status");
        cJSON *st = json_object_member(csr, "status");
        cJSON_DeleteItemFromObjectCaseSensitive(st, "conditions");
        if (conds) cJSON_AddItemToObject(st, "conditions", conds);
    }
    condition_timestamps(csr, old);
    workload_normalize(csr);
}

static int has_condition(const cJSON *csr, const char *type)
{
    return condition_find(json_get(csr, "status"), type) != NULL;
}

static void validate_csr_subresource_update(const char *sub, const cJSON *csr, const cJSON *old, field_errors *errs)
{
    validate_csr(csr, errs);
    const char *old_cert = json_str_at(old, "status.certificate", "");
    if (*old_cert && strcmp(old_cert, json_str_at(csr, "status.certificate", "")))
        field_error_add(errs, FIELD_FORBIDDEN, "status.certificate", NULL, "updates may not modify existing certificate content");
    static const char *const approval[] = {"Approved", "Denied", NULL};
    char msg[96];
    for (int i = 0; approval[i]; i++) {
        int had = has_condition(old, approval[i]), has = has_condition(csr, approval[i]);
        if (had && !has) {
            snprintf(msg, sizeof msg, "updates may not remove a condition of type \"%s\"", approval[i]);
            field_error_add(errs, FIELD_FORBIDDEN, "status.conditions", NULL, msg);
        } else if (!had && has && strcmp(sub, "approval")) {
            snprintf(msg, sizeof msg, "updates may not add a condition of type \"%s\"", approval[i]);
            field_error_add(errs, FIELD_FORBIDDEN, "status.conditions", NULL, msg);
        }
    }
}

const kapi_strategy strategy_certificatesigningrequests = {
    .names = NAME_DNS1123_SUBDOMAIN, .has_status = 1,
    .prepare_for_create = csr_prepare_for_create, .set_requester = csr_set_requester,
    .validate = validate_csr,
    .prepare_for_subresource_update = csr_prepare_for_subresource_update,
    .validate_subresource_update = validate_csr_subresource_update,
};

/* ---- printCertificateSigningRequest */

static const table_column csr_columns[] = {
    {NAME_CELL},
    {AGE_CELL},
    {"SignerName", "string", "", "Requested signer for the request. It is a qualified name in the form: `scope-hostname.io/name`. If empty, it will be defaulted: 1. If it's a kubelet client certificate, it is assigned \"kubernetes.io/kube-apiserver-client-kubelet\". 2. If it's a kubelet serving certificate, it is assigned \"kubernetes.io/kubelet-serving\". 3. Otherwise, it is assigned \"kubernetes.io/legacy-unknown\". Distribution of trust for signers happens out of band. You can select on this field using `spec.signerName`.", 0},
    {"Requestor", "string", "", "Base64-encoded PKCS#10 CSR data", 0},
    {"RequestedDuration", "string", "", "expirationSeconds is the requested duration of validity of the issued certificate. The certificate signer may issue a certificate with a different validity duration so a client must check the delta between the notBefore and and notAfter fields in the issued certificate to determine the actual duration.", 0},
    {"Condition", "string", "", "Conditions applied to the request, such as approval or denial.", 0},
};

/* extractCSRStatus */
static void csr_row(const cJSON *csr, cJSON *cells, time_t now)
{
    const cJSON *status = json_get(csr, "status");
    char cond[64];
    snprintf(cond, sizeof cond, "%s%s%s",
             condition_find(status, "Denied") ? "Denied" : condition_find(status, "Approved") ? "Approved" : "Pending",
             condition_find(status, "Failed") ? ",Failed" : "", *json_str(status, "certificate") ? ",Issued" : "");
    char duration[32] = "<none>";
    const cJSON *exp = json_at(csr, "spec.expirationSeconds");
    if (cJSON_IsNumber(exp)) duration_human((int64_t)exp->valuedouble * 1000000000LL, duration, sizeof duration);
    cell_name(cells, csr);
    cell_age(cells, csr, now);
    cell_string(cells, tj_str_or(csr, "spec.signerName", ""));
    cell_string(cells, tj_str_or(csr, "spec.username", ""));
    cell_string(cells, duration);
    cell_string(cells, cond);
}

const table_def table_certificatesigningrequests = {csr_columns, 6, csr_row, NULL};
