/* serviceaccount.c: the ServiceAccount admission plugin
 * (plugin/pkg/admission/serviceaccount), for pods being created: the pod
 * runs as serviceAccountName (default "default"), which must exist in its
 * namespace (403 otherwise; kube looks "default" up ten times, 100-200 ms
 * apart, since the controller may be about to create it); unless the pod or
 * the account turns automounting off, every container and init container
 * mounts the projected kube-api-access-<random> volume (token, the cluster
 * CA, the namespace) read-only at /var/run/secrets/kubernetes.io/serviceaccount;
 * a pod without image pull secrets gets the account's. Mirror pods may not
 * use accounts or secrets at all. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "admission/admission.h"
#include "codec/jsonpath.h"
#include "core/status.h"
#include "core/util.h"
#include "store/store.h"

#define DEFAULT_ACCOUNT "default"
#define TOKEN_VOLUME_PREFIX "kube-api-access-"
#define TOKEN_MOUNT_PATH "/var/run/secrets/kubernetes.io/serviceaccount"
#define MIRROR_ANNOTATION "kubernetes.io/config.mirror"
#define ENFORCE_MOUNTABLE_SECRETS "kubernetes.io/enforce-mountable-secrets"

static int applies(const admission_attrs *a)
{
    return a->op == ADMIT_CREATE && !a->resource->group[0] && !strcmp(a->resource->plural, "pods") &&
           !a->subresource[0] && cJSON_IsObject(a->obj);
}

/* admission.NewForbidden: the name is the pod's, or its generateName before
 * a name is generated. */
static cJSON *forbidden(const admission_attrs *a, const char *why)
{
    const cJSON *meta = json_get(a->obj, "metadata");
    const char *name = a->name && *a->name ? a->name : *json_str(meta, "name") ? json_str(meta, "name")
                       : *json_str(meta, "generateName") ? json_str(meta, "generateName") : "Unknown";
    return admission_pod_forbidden(name, why);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* The account, parsed (caller frees), or NULL with *missing set when it
 * does not exist. */
static cJSON *load_account(const admission_attrs *a, const char *name, int *missing)
{
    const kapi_resource *accounts = kinds_find_plural(kinds_current(), "", "serviceaccounts");
    assert(accounts);
    char *key = resource_key(a->pool, accounts, a->ns, name);
    int attempts = strcmp(name, DEFAULT_ACCOUNT) ? 1 : 10;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long interval = 100 + (long)(now.tv_nsec % 100);   /* 100-200 ms, as kube */
    *missing = 0;
    for (int i = 0; i < attempts; i++) {
        if (i) sleep_ms(interval);
        store_kv kv;
        store_rc rc = store_get(a->ctx->store, key, &kv);
        if (rc == STORE_OK) {
            cJSON *sa = cJSON_Parse(kv.value);
            store_kv_free(&kv);
            return sa ? sa : cJSON_CreateObject();
        }
        if (rc != STORE_NOT_FOUND) return NULL;
    }
    *missing = 1;
    return NULL;
}

static int should_automount(const cJSON *spec, const cJSON *sa)
{
    const cJSON *p = json_get(spec, "automountServiceAccountToken");
    if (cJSON_IsBool(p)) return cJSON_IsTrue(p);
    const cJSON *s = json_get(sa, "automountServiceAccountToken");
    if (cJSON_IsBool(s)) return cJSON_IsTrue(s);
    return 1;
}

static cJSON *token_volume(const char *name)
{
    cJSON *vol = cJSON_CreateObject();
    cJSON_AddStringToObject(vol, "name", name);
    cJSON *proj = cJSON_AddObjectToObject(vol, "projected");
    cJSON *sources = cJSON_AddArrayToObject(proj, "sources");
    cJSON *s = cJSON_CreateObject();
    cJSON *tok = cJSON_AddObjectToObject(s, "serviceAccountToken");
    cJSON_AddNumberToObject(tok, "expirationSeconds", 3607);
    cJSON_AddStringToObject(tok, "path", "token");
    cJSON_AddItemToArray(sources, s);
    s = cJSON_CreateObject();
    cJSON *cm = cJSON_AddObjectToObject(s, "configMap");
    cJSON_AddStringToObject(cm, "name", "kube-root-ca.crt");
    cJSON *items = cJSON_AddArrayToObject(cm, "items");
    cJSON *item = cJSON_CreateObject();
    cJSON_AddStringToObject(item, "key", "ca.crt");
    cJSON_AddStringToObject(item, "path", "ca.crt");
    cJSON_AddItemToArray(items, item);
    cJSON_AddItemToArray(sources, s);
    s = cJSON_CreateObject();
    cJSON *dapi = cJSON_AddObjectToObject(s, "downwardAPI");
    items = cJSON_AddArrayToObject(dapi, "items");
    item = cJSON_CreateObject();
    cJSON_AddStringToObject(item, "path", "namespace");
    cJSON *fr = cJSON_AddObjectToObject(item, "fieldRef");
    cJSON_AddStringToObject(fr, "apiVersion", "v1");
    cJSON_AddStringToObject(fr, "fieldPath", "metadata.namespace");
    cJSON_AddItemToArray(items, item);
    cJSON_AddItemToArray(sources, s);
    cJSON_AddNumberToObject(proj, "defaultMode", 420);
    return vol;
}

static cJSON *list_member(cJSON *obj, const char *key)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (cJSON_IsArray(v)) return v;
    cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
    return cJSON_AddArrayToObject(obj, key);
}

/* mountServiceAccountToken */
static void mount_token(cJSON *spec)
{
    char name[64] = "";
    int has_volume = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, json_get(spec, "volumes")) {
        if (!strncmp(json_str(v, "name"), TOKEN_VOLUME_PREFIX, strlen(TOKEN_VOLUME_PREFIX))) {
            snprintf(name, sizeof name, "%s", json_str(v, "name"));
            has_volume = 1;
            break;
        }
    }
    if (!name[0]) {
        char suffix[6];
        random_suffix(suffix, 5);
        snprintf(name, sizeof name, "%s%s", TOKEN_VOLUME_PREFIX, suffix);
    }
    int needed = 0;
    static const char *const lists[] = {"initContainers", "containers"};
    for (int l = 0; l < 2; l++) {
        cJSON *c, *containers = cJSON_GetObjectItemCaseSensitive(spec, lists[l]);
        cJSON_ArrayForEach(c, containers) {
            if (!cJSON_IsObject(c)) continue;
            int mounted = 0;
            const cJSON *m;
            cJSON_ArrayForEach(m, json_get(c, "volumeMounts")) if (!strcmp(json_str(m, "mountPath"), TOKEN_MOUNT_PATH)) mounted = 1;
            if (mounted) continue;
            cJSON *mount = cJSON_CreateObject();
            cJSON_AddStringToObject(mount, "name", name);
            cJSON_AddTrueToObject(mount, "readOnly");
            cJSON_AddStringToObject(mount, "mountPath", TOKEN_MOUNT_PATH);
            cJSON_AddItemToArray(list_member(c, "volumeMounts"), mount);
            needed = 1;
        }
    }
    if (!has_volume && needed) cJSON_AddItemToArray(list_member(spec, "volumes"), token_volume(name));
}

/* VisitPodSecretNames, enough to tell whether a pod names any secret. */
static int references_secrets(const cJSON *spec)
{
    const cJSON *v, *c, *e, *s;
    if (cJSON_GetArraySize(json_get(spec, "imagePullSecrets"))) return 1;
    cJSON_ArrayForEach(v, json_get(spec, "volumes")) {
        if (json_get(v, "secret")) return 1;
        cJSON_ArrayForEach(s, json_get(json_get(v, "projected"), "sources")) if (json_get(s, "secret")) return 1;
        static const char *const with_ref[] = {"azureFile", "cephfs", "cinder", "flexVolume", "iscsi", "rbd",
                                               "scaleIO", "storageos", "csi"};
        for (size_t i = 0; i < sizeof with_ref / sizeof with_ref[0]; i++) {
            const cJSON *src = json_get(v, with_ref[i]);
            if (src && (json_get(src, "secretRef") || json_get(src, "secretName") || json_get(src, "nodePublishSecretRef"))) return 1;
        }
    }
    static const char *const lists[] = {"initContainers", "containers", "ephemeralContainers"};
    for (int l = 0; l < 3; l++) {
        cJSON_ArrayForEach(c, json_get(spec, lists[l])) {
            cJSON_ArrayForEach(e, json_get(c, "env")) if (json_get(json_get(e, "valueFrom"), "secretKeyRef")) return 1;
            cJSON_ArrayForEach(e, json_get(c, "envFrom")) if (json_get(e, "secretRef")) return 1;
        }
    }
    return 0;
}

static int names_contain(const cJSON *list, const char *name)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, list) if (!strcmp(json_str(e, "name"), name)) return 1;
    return 0;
}

/* Validate: mirror pods, and the account's mountable secrets when it asks. */
static cJSON *check_pod(const admission_attrs *a, const cJSON *spec, const cJSON *sa)
{
    const cJSON *annotations = json_get(json_get(a->obj, "metadata"), "annotations");
    if (json_get(annotations, MIRROR_ANNOTATION)) {
        if (*json_str(spec, "serviceAccountName")) return forbidden(a, "a mirror pod may not reference service accounts");
        if (references_secrets(spec)) return forbidden(a, "a mirror pod may not reference secrets");
        const cJSON *v, *s;
        cJSON_ArrayForEach(v, json_get(spec, "volumes"))
            cJSON_ArrayForEach(s, json_get(json_get(v, "projected"), "sources"))
                if (json_get(s, "serviceAccountToken")) return forbidden(a, "a mirror pod may not use ServiceAccountToken volume projections");
        return NULL;
    }
    const char *enforce = json_str(json_get(json_get(sa, "metadata"), "annotations"), ENFORCE_MOUNTABLE_SECRETS);
    if (strcmp(enforce, "true") && strcmp(enforce, "1") && strcmp(enforce, "t") && strcmp(enforce, "T") &&
        strcmp(enforce, "TRUE") && strcmp(enforce, "True"))
        return NULL;
    const char *account = json_str(json_get(sa, "metadata"), "name");
    const cJSON *secrets = json_get(sa, "secrets"), *pulls = json_get(sa, "imagePullSecrets");
    char why[1200];
    const cJSON *v, *c, *e;
    cJSON_ArrayForEach(v, json_get(spec, "volumes")) {
        const cJSON *sec = json_get(v, "secret");
        if (sec && !names_contain(secrets, json_str(sec, "secretName"))) {
            snprintf(why, sizeof why, "volume with secret.secretName=\"%.200s\" is not allowed because service account %.200s does not reference that secret",
                     json_str(sec, "secretName"), account);
            return forbidden(a, why);
        }
    }
    static const char *const lists[] = {"initContainers", "containers"};
    static const char *const what[] = {"init container", "container"};
    for (int l = 0; l < 2; l++) {
        cJSON_ArrayForEach(c, json_get(spec, lists[l])) {
            cJSON_ArrayForEach(e, json_get(c, "env")) {
                const cJSON *ref = json_get(json_get(e, "valueFrom"), "secretKeyRef");
                if (ref && !names_contain(secrets, json_str(ref, "name"))) {
                    snprintf(why, sizeof why,
                             "%s %.200s with envVar %.200s referencing secret.secretName=\"%.200s\" is not allowed because service account %.200s does not reference that secret",
                             what[l], json_str(c, "name"), json_str(e, "name"), json_str(ref, "name"), account);
                    return forbidden(a, why);
                }
            }
        }
    }
    int i = 0;
    cJSON_ArrayForEach(v, json_get(spec, "imagePullSecrets")) {
        if (!names_contain(pulls, json_str(v, "name"))) {
            snprintf(why, sizeof why,
                     "imagePullSecrets[%d].name=\"%.200s\" is not allowed because service account %.200s does not reference that imagePullSecret",
                     i, json_str(v, "name"), account);
            return forbidden(a, why);
        }
        i++;
    }
    return NULL;
}

static cJSON *serviceaccount_admit(const admission_attrs *a)
{
    if (!applies(a)) return NULL;
    cJSON *spec = cJSON_GetObjectItemCaseSensitive(a->obj, "spec");
    if (!cJSON_IsObject(spec)) return NULL;
    const cJSON *annotations = json_get(json_get(a->obj, "metadata"), "annotations");
    if (json_get(annotations, MIRROR_ANNOTATION)) return check_pod(a, spec, NULL);
    if (!*json_str(spec, "serviceAccountName")) {
        cJSON_DeleteItemFromObjectCaseSensitive(spec, "serviceAccountName");
        cJSON_AddStringToObject(spec, "serviceAccountName", DEFAULT_ACCOUNT);
    }
    /* the deprecated alias follows (Convert_core_PodSpec_To_v1_PodSpec) */
    cJSON_DeleteItemFromObjectCaseSensitive(spec, "serviceAccount");
    cJSON_AddStringToObject(spec, "serviceAccount", json_str(spec, "serviceAccountName"));
    const char *account = json_str(spec, "serviceAccountName");
    int missing = 0;
    cJSON *sa = load_account(a, account, &missing);
    if (!sa) {
        char why[1000];
        if (missing)
            snprintf(why, sizeof why, "error looking up service account %.250s/%.250s: serviceaccount \"%.250s\" not found",
                     a->ns, account, account);
        else
            snprintf(why, sizeof why, "error looking up service account %.250s/%.250s: reading from storage failed",
                     a->ns, account);
        return forbidden(a, why);
    }
    if (should_automount(spec, sa)) mount_token(spec);
    if (!cJSON_GetArraySize(json_get(spec, "imagePullSecrets"))) {
        const cJSON *pulls = json_get(sa, "imagePullSecrets"), *p;
        if (cJSON_GetArraySize(pulls) > 0) {
            cJSON *list = list_member(spec, "imagePullSecrets");
            cJSON_ArrayForEach(p, pulls) {
                cJSON *ref = cJSON_CreateObject();
                cJSON_AddStringToObject(ref, "name", json_str(p, "name"));
                cJSON_AddItemToArray(list, ref);
            }
        }
    }
    cJSON *st = check_pod(a, spec, sa);
    cJSON_Delete(sa);
    return st;
}

const admission_plugin admission_service_account = {
    .name = "ServiceAccount",
    .mutate = serviceaccount_admit,
};
