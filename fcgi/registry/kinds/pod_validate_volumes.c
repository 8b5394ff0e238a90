/* pod_validate_volumes.c: ValidateVolumes and validateVolumeSource for the
 * volume types kapi describes (hostPath, emptyDir, secret, nfs,
 * persistentVolumeClaim, downwardAPI, configMap, projected, csi); the other
 * plugins count as one volume type each and are not looked into. Image
 * volumes need the ImageVolume feature, off in 1.32: kube drops them, so
 * such a volume has no type left. */
#include <stdio.h>
#include <string.h>
#include "codec/jsonpath.h"
#include "registry/kinds/pod_internal.h"
#include "codec/quantity.h"
#include "codec/validate_meta.h"

#define FILE_MODE_ERROR "must be a number between 0 and 0777 (octal), both inclusive"

static void check_mode(const cJSON *holder, const char *key, const char *path, field_errors *errs)
{
    int64_t mode;
    if (!pj_is_int(json_get(holder, key), &mode) || (mode >= 0 && mode <= 0777)) return;
    char fp[400];
    pj_child(fp, sizeof fp, path, key);
    field_error_add_int(errs, FIELD_INVALID, fp, mode, FILE_MODE_ERROR);
}

static int has_backstep(const char *p)
{
    for (const char *s = p; *s;) {
        const char *slash = strchr(s, '/');
        size_t n = slash ? (size_t)(slash - s) : strlen(s);
        if (n == 2 && !strncmp(s, "..", 2)) return 1;
        if (!slash) break;
        s = slash + 1;
    }
    return 0;
}

/* ValidateLocalNonReservedPath */
static void check_local_path(const char *target, const char *path, field_errors *errs)
{
    pod_validate_local_descending_path(target, path, errs);
    if (!strncmp(target, "..", 2) && strncmp(target, "../", 3))
        field_error_add_str(errs, FIELD_INVALID, path, target, "must not start with '..'");
}

static void validate_key_to_path(const cJSON *kp, const char *path, field_errors *errs)
{
    char fp[400];
    pj_child(fp, sizeof fp, path, "key");
    if (!pj_has_str(kp, "key")) field_error_add(errs, FIELD_REQUIRED, fp, NULL, NULL);
    pj_child(fp, sizeof fp, path, "path");
    if (!pj_has_str(kp, "path")) field_error_add(errs, FIELD_REQUIRED, fp, NULL, NULL);
    check_local_path(json_str(kp, "path"), fp, errs);
    check_mode(kp, "mode", path, errs);
}

static void validate_items(const cJSON *src, const char *path, field_errors *errs)
{
    char items[360];
    pj_child(items, sizeof items, path, "items");
    int i = 0;
    const cJSON *kp;
    cJSON_ArrayForEach(kp, json_get(src, "items")) {
        char ip[400];
        pj_index(ip, sizeof ip, items, i++);
        validate_key_to_path(kp, ip, errs);
    }
}

static void validate_downward_items(const cJSON *items, const char *path, field_errors *errs)
{
    const cJSON *file;
    cJSON_ArrayForEach(file, items) {
        char fp[400];
        pj_child(fp, sizeof fp, path, "path");
        if (!pj_has_str(file, "path")) field_error_add(errs, FIELD_REQUIRED, fp, NULL, NULL);
        check_local_path(json_str(file, "path"), fp, errs);
        pod_validate_downward_file(file, path, errs);
        check_mode(file, "mode", path, errs);
    }
}

static void validate_projected(const cJSON *proj, const char *path, field_errors *errs)
{
    check_mode(proj, "defaultMode", path, errs);
    const char *seen[256];
    int n_seen = 0, i = 0;
    const cJSON *src;
    cJSON_ArrayForEach(src, json_get(proj, "sources")) {
        char sources_path[360], sp[360], pp[400];
        pj_child(sources_path, sizeof sources_path, path, "sources");
        pj_index(sp, sizeof sp, sources_path, i++);
        int sources = 0;
        static const char *const objects[] = {"secret", "configMap"};
        for (int k = 0; k < 2; k++) {
            const cJSON *o = json_get(src, objects[k]);
            if (!o) continue;
            sources++;
            char op[380];
            pj_child(op, sizeof op, sp, objects[k]);
            pj_child(pp, sizeof pp, op, "name");
            if (!pj_has_str(o, "name")) field_error_add(errs, FIELD_REQUIRED, pp, NULL, NULL);
            int j = 0;
            const cJSON *kp;
            cJSON_ArrayForEach(kp, json_get(o, "items")) {
                char items_path[400], ip[420];
                pj_child(items_path, sizeof items_path, op, "items");
                pj_index(ip, sizeof ip, items_path, j++);
                validate_key_to_path(kp, ip, errs);
                const char *p = json_str(kp, "path");
                if (!*p) continue;
                int dup = 0;
                for (int s = 0; s < n_seen; s++) if (!strcmp(seen[s], p)) dup = 1;
                if (dup) field_error_add_str(errs, FIELD_INVALID, path, json_str(o, "name"), "conflicting duplicate paths");
                else if (n_seen < 256) seen[n_seen++] = p;
            }
        }
        const cJSON *d = json_get(src, "downwardAPI");
        if (d) {
            sources++;
            char dp[380];
            pj_child(dp, sizeof dp, sp, "downwardAPI");
            validate_downward_items(json_get(d, "items"), dp, errs);
            const cJSON *file;
            cJSON_ArrayForEach(file, json_get(d, "items")) {
                const char *p = json_str(file, "path");
                if (!*p) continue;
                int dup = 0;
                for (int s = 0; s < n_seen; s++) if (!strcmp(seen[s], p)) dup = 1;
                if (dup) field_error_add_str(errs, FIELD_INVALID, path, p, "conflicting duplicate paths");
                else if (n_seen < 256) seen[n_seen++] = p;
            }
        }
        const cJSON *tok = json_get(src, "serviceAccountToken");
        if (tok) {
            sources++;
            char tp[380];
            pj_child(tp, sizeof tp, sp, "serviceAccountToken");
            int64_t exp = 0;
            pj_is_int(json_get(tok, "expirationSeconds"), &exp);
            pj_child(pp, sizeof pp, tp, "expirationSeconds");
            if (exp < 600) field_error_add_int(errs, FIELD_INVALID, pp, exp, "may not specify a duration less than 10 minutes");
            if (exp > (int64_t)1 << 32) field_error_add_int(errs, FIELD_INVALID, pp, exp, "may not specify a duration larger than 2^32 seconds");
            pj_child(pp, sizeof pp, path, "path");
            if (!pj_has_str(tok, "path")) field_error_add(errs, FIELD_REQUIRED, pp, NULL, NULL);
            else check_local_path(json_str(tok, "path"), pp, errs);
        }
        if (json_get(src, "clusterTrustBundle")) sources++;
        if (sources > 1) field_error_add(errs, FIELD_FORBIDDEN, sp, NULL, "may not specify more than 1 volume type per source");
    }
}

/* The volume types in the order validateVolumeSource checks them (image
 * volumes left out: ImageVolume is off in 1.32). */
static const char *const volume_types[] = {
    "emptyDir", "hostPath", "gitRepo", "gcePersistentDisk", "awsElasticBlockStore", "secret", "nfs",
    "iscsi", "glusterfs", "flocker", "persistentVolumeClaim", "rbd", "cinder", "cephfs", "quobyte",
    "downwardAPI", "fc", "flexVolume", "configMap", "azureFile", "vsphereVolume",
    "photonPersistentDisk", "portworxVolume", "azureDisk", "storageos", "projected", "scaleIO", "csi",
    "ephemeral", NULL};

/* validateVolumeSource: exactly one volume type. */
static void validate_source(const cJSON *vol, const char *path, field_errors *errs)
{
    int n = 0;
    for (int k = 0; volume_types[k]; k++) {
        const char *type = volume_types[k];
        const cJSON *src = json_get(vol, type);
        if (!src) continue;
        char sp[360], fp[400];
        pj_child(sp, sizeof sp, path, type);
        if (n++) {
            field_error_add(errs, FIELD_FORBIDDEN, !strcmp(type, "downwardAPI") ? (pj_child(fp, sizeof fp, path, "downwarAPI"), fp) : sp,
                            NULL, "may not specify more than 1 volume type");
            continue;
        }
        if (!strcmp(type, "emptyDir")) {
            quantity q;
            const char *err;
            const cJSON *limit = json_get(src, "sizeLimit");
            if (limit && !quantity_from_json(limit, &q, &err) && quantity_sign(&q) < 0) {
                pj_child(fp, sizeof fp, sp, "sizeLimit");
                field_error_add(errs, FIELD_FORBIDDEN, fp, NULL, "SizeLimit field must be a valid resource quantity");
            }
        } else if (!strcmp(type, "hostPath")) {
            pj_child(fp, sizeof fp, sp, "path");
            const char *p = json_str(src, "path");
            if (!*p) { field_error_add(errs, FIELD_REQUIRED, fp, NULL, NULL); continue; }
            if (has_backstep(p)) field_error_add_str(errs, FIELD_INVALID, fp, p, "must not contain '..'");
            const cJSON *type = json_get(src, "type");
            static const char *const types[] = {"", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate",
                                                "File", "FileOrCreate", "Socket", NULL};
            const char *t = cJSON_IsString(type) ? type->valuestring : "";
            int ok = 0;
            for (int j = 0; types[j]; j++) if (!strcmp(types[j], t)) ok = 1;
            if (type && !ok) {
                pj_child(fp, sizeof fp, sp, "type");
                field_error_not_supported(errs, fp, t, types);
            }
        } else if (!strcmp(type, "secret")) {
            pj_child(fp, sizeof fp, sp, "secretName");
            if (!pj_has_str(src, "secretName")) field_error_add(errs, FIELD_REQUIRED, fp, NULL, NULL);
            check_mode(src, "defaultMode", sp, errs);
            validate_items(src, sp, errs);
        } else if (!strcmp(type, "nfs")) {
            pj_child(fp, sizeof fp, sp, "server");
            if (!pj_has_str(src, "server")) field_error_add(errs, FIELD_REQUIRED, fp, NULL, NULL);
            pj_child(fp, sizeof fp, sp, "path");
            if (!pj_has_str(src, "path")) field_error_add(errs, FIELD_REQUIRED, fp, NULL, NULL);
            if (json_str(src, "path")[0] != '/') field_error_add_str(errs, FIELD_INVALID, fp, json_str(src, "path"), "must be an absolute path");
        } else if (!strcmp(type, "persistentVolumeClaim")) {
            pj_child(fp, sizeof fp, sp, "claimName");
            if (!pj_has_str(src, "claimName")) field_error_add(errs, FIELD_REQUIRED, fp, NULL, NULL);
        } else if (!strcmp(type, "downwardAPI")) {
            check_mode(src, "defaultMode", sp, errs);
            validate_downward_items(json_get(src, "items"), sp, errs);
        } else if (!strcmp(type, "configMap")) {
            pj_child(fp, sizeof fp, sp, "name");
            if (!pj_has_str(src, "name")) field_error_add(errs, FIELD_REQUIRED, fp, NULL, NULL);
            check_mode(src, "defaultMode", sp, errs);
            validate_items(src, sp, errs);
        } else if (!strcmp(type, "projected")) {
            validate_projected(src, sp, errs);
        } else if (!strcmp(type, "csi")) {
            pj_child(fp, sizeof fp, sp, "driver");
            if (!pj_has_str(src, "driver")) field_error_add(errs, FIELD_REQUIRED, fp, NULL, NULL);
            const cJSON *ref = json_get(src, "nodePublishSecretRef");
            if (ref && !pj_has_str(ref, "name")) {
                pj_child(fp, sizeof fp, sp, "nodePublishSecretRef.name");
                field_error_add(errs, FIELD_REQUIRED, fp, NULL, NULL);
            }
        }
    }
    if (!n) field_error_add(errs, FIELD_REQUIRED, path, NULL, "must specify a volume type");
}

void pod_validate_volumes(const cJSON *volumes, const char *pod_name, field_errors *errs,
                          pod_volume_set *valid)
{
    int i = 0;
    const cJSON *vol;
    cJSON_ArrayForEach(vol, volumes) {
        char path[64], name_path[96];
        pj_index(path, sizeof path, "spec.volumes", i);
        pj_child(name_path, sizeof name_path, path, "name");
        int before = errs->n;
        const char *name = json_str(vol, "name");
        validate_source(vol, path, errs);
        if (json_get(vol, "ephemeral") && pod_name && *pod_name && *name) {
            char pvc[600];
            snprintf(pvc, sizeof pvc, "%s-%s", pod_name, name);
            validation_messages m = {0};
            name_is_dns1123_subdomain(pvc, 0, &m);
            for (int k = 0; k < m.n; k++) {
                char msg[VALIDATION_MESSAGE_LEN + 700];
                snprintf(msg, sizeof msg, "PVC name \"%s\": %s", pvc, m.text[k]);
                field_error_add_str(errs, FIELD_INVALID, name_path, name, msg);
            }
        }
        if (!*name) field_error_add(errs, FIELD_REQUIRED, name_path, NULL, NULL);
        else {
            validation_messages m = {0};
            is_dns1123_label(name, &m);
            add_invalid_value_for_each_message(errs, name_path, name, &m);
        }
        for (int k = 0; valid && k < valid->n; k++) {
            if (!strcmp(json_str(valid->items[k], "name"), name)) {
                field_error_add_str(errs, FIELD_DUPLICATE, name_path, name, NULL);
                break;
            }
        }
        if (errs->n == before && valid) valid->items[valid->n++] = vol;
        i++;
    }
}
