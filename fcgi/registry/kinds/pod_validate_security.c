/* pod_validate_security.c: the security contexts of a Pod and of its
 * containers (validatePodSpecSecurityContext, ValidateSecurityContext):
 * user and group ids, sysctls, seccomp and AppArmor profiles, proc mount,
 * privilege escalation. Privileged containers are allowed (kube-apiserver
 * --allow-privileged=true, as kubeadm runs it). */
#include <stdio.h>
#include <string.h>
#include "codec/jsonpath.h"
#include "registry/kinds/pod_internal.h"

static void check_id(const cJSON *holder, const char *key, const char *path, field_errors *errs)
{
    int64_t id;
    if (!pj_is_int(json_get(holder, key), &id) || (id >= 0 && id <= 2147483647)) return;
    char fp[400];
    pj_child(fp, sizeof fp, path, key);
    field_error_add_int(errs, FIELD_INVALID, fp, id, "must be between 0 and 2147483647, inclusive");
}

static void validate_seccomp(const cJSON *sp, const char *path, field_errors *errs)
{
    if (!sp) return;
    char fp[400];
    const char *type = json_str(sp, "type");
    pj_child(fp, sizeof fp, path, "type");
    if (!*type) field_error_add(errs, FIELD_REQUIRED, fp, NULL, "type is required when seccompProfile is set");
    else if (strcmp(type, "Localhost") && strcmp(type, "RuntimeDefault") && strcmp(type, "Unconfined")) {
        static const char *const valid[] = {"Localhost", "RuntimeDefault", "Unconfined", NULL};
        field_error_not_supported(errs, fp, type, valid);
    }
    const cJSON *local = json_get(sp, "localhostProfile");
    pj_child(fp, sizeof fp, path, "localhostProfile");
    if (!strcmp(type, "Localhost")) {
        if (!local) field_error_add(errs, FIELD_REQUIRED, fp, NULL, "must be set when seccomp type is Localhost");
        else pod_validate_local_descending_path(cJSON_IsString(local) ? local->valuestring : "", fp, errs);
    } else if (local) {
        field_error_add(errs, FIELD_INVALID, fp, sp, "can only be set when seccomp type is Localhost");
    }
}

static void validate_apparmor(const cJSON *ap, const char *path, field_errors *errs)
{
    if (!ap) return;
    char fp[400];
    const char *type = json_str(ap, "type");
    pj_child(fp, sizeof fp, path, "type");
    if (!*type) field_error_add(errs, FIELD_REQUIRED, fp, NULL, "type is required when appArmorProfile is set");
    else if (strcmp(type, "Localhost") && strcmp(type, "RuntimeDefault") && strcmp(type, "Unconfined")) {
        static const char *const valid[] = {"Localhost", "RuntimeDefault", "Unconfined", NULL};
        field_error_not_supported(errs, fp, type, valid);
    }
    const cJSON *local = json_get(ap, "localhostProfile");
    pj_child(fp, sizeof fp, path, "localhostProfile");
    if (!strcmp(type, "Localhost")) {
        const char *lp = cJSON_IsString(local) ? local->valuestring : "";
        if (!local || !*lp) field_error_add(errs, FIELD_REQUIRED, fp, NULL, "must be set when AppArmor type is Localhost");
        else if (strlen(lp) > 4095) field_error_add(errs, FIELD_TOO_LONG, fp, NULL, "may not be longer than 4095");
    } else if (local) {
        field_error_add(errs, FIELD_INVALID, fp, ap, "can only be set when AppArmor type is Localhost");
    }
}

static int valid_sysctl_name(const char *s)
{
    size_t len = strlen(s);
    if (!len || len > 253) return 0;
    /* ([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])? */
    const char *seg = s;
    for (const char *p = s;; p++) {
        if (*p == '.' || *p == '/' || !*p) {
            size_t n = (size_t)(p - seg);
            if (!n) return 0;
            for (size_t i = 0; i < n; i++) {
                char c = seg[i];
                int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
                if (!alnum && (i == 0 || i == n - 1 || (c != '-' && c != '_'))) return 0;
            }
            if (!*p) return 1;
            seg = p + 1;
        }
    }
}

static int sysctl_in_ipc_namespace(const char *s)
{
    return !strcmp(s, "kernel.sem") || !strncmp(s, "kernel.shm", 10) || !strncmp(s, "kernel.msg", 10) ||
           !strncmp(s, "fs.mqueue.", 10) || !strncmp(s, "fs/mqueue/", 10);
}

void pod_validate_security(const cJSON *spec, field_errors *errs)
{
    const cJSON *sc = json_get(spec, "securityContext");
    if (!sc) return;
    const char *path = "spec.securityContext";
    check_id(sc, "fsGroup", path, errs);
    check_id(sc, "runAsUser", path, errs);
    check_id(sc, "runAsGroup", path, errs);
    int i = 0;
    const cJSON *g;
    cJSON_ArrayForEach(g, json_get(sc, "supplementalGroups")) {
        int64_t id;
        if (pj_is_int(g, &id) && (id < 0 || id > 2147483647)) {
            char fp[96];
            snprintf(fp, sizeof fp, "%s.supplementalGroups[%d]", path, i);
            field_error_add_int(errs, FIELD_INVALID, fp, id, "must be between 0 and 2147483647, inclusive");
        }
        i++;
    }
    if (cJSON_IsTrue(json_get(spec, "shareProcessNamespace")) && cJSON_IsTrue(json_get(spec, "hostPID"))) {
        cJSON t = {0};
        t.type = cJSON_True;
        field_error_add(errs, FIELD_INVALID, "spec.securityContext.shareProcessNamespace", &t,
                        "ShareProcessNamespace and HostPID cannot both be enabled");
    }
    i = 0;
    const cJSON *s, *prev;
    const cJSON *sysctls = json_get(sc, "sysctls");
    cJSON_ArrayForEach(s, sysctls) {
        char fp[96];
        snprintf(fp, sizeof fp, "%s.sysctls[%d].name", path, i);
        const char *name = json_str(s, "name");
        int j = 0, dup = 0;
        cJSON_ArrayForEach(prev, sysctls) { if (j++ < i && !strcmp(json_str(prev, "name"), name)) dup = 1; }
        if (!*name) field_error_add(errs, FIELD_REQUIRED, fp, NULL, NULL);
        else if (!valid_sysctl_name(name))
            field_error_add_str(errs, FIELD_INVALID, fp, name,
                                "must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$");
        else if (dup) field_error_add_str(errs, FIELD_DUPLICATE, fp, name, NULL);
        if (cJSON_IsTrue(json_get(spec, "hostNetwork")) && (!strncmp(name, "net.", 4) || !strncmp(name, "net/", 4)))
            field_error_add_str(errs, FIELD_INVALID, fp, name, "may not be specified when 'hostNetwork' is true");
        else if (cJSON_IsTrue(json_get(spec, "hostIPC")) && sysctl_in_ipc_namespace(name))
            field_error_add_str(errs, FIELD_INVALID, fp, name, "may not be specified when 'hostIPC' is true");
        i++;
    }
    const cJSON *fcp = json_get(sc, "fsGroupChangePolicy");
    if (fcp) {
        const char *v = cJSON_IsString(fcp) ? fcp->valuestring : "";
        if (strcmp(v, "OnRootMismatch") && strcmp(v, "Always")) {
            static const char *const valid[] = {"Always", "OnRootMismatch", NULL};
            field_error_not_supported(errs, "spec.securityContext.fsGroupChangePolicy", v, valid);
        }
    }
    validate_seccomp(json_get(sc, "seccompProfile"), "spec.securityContext.seccompProfile", errs);
    validate_apparmor(json_get(sc, "appArmorProfile"), "spec.securityContext.appArmorProfile", errs);
    const cJSON *sgp = json_get(sc, "supplementalGroupsPolicy");
    if (sgp) {
        const char *v = cJSON_IsString(sgp) ? sgp->valuestring : "";
        if (strcmp(v, "Merge") && strcmp(v, "Strict")) {
            static const char *const valid[] = {"Merge", "Strict", NULL};
            field_error_not_supported(errs, "spec.securityContext.supplementalGroupsPolicy", v, valid);
        }
    }
}

void pod_validate_container_security(const cJSON *sc, const char *path, int host_users,
                                     field_errors *errs)
{
    if (!sc) return;
    check_id(sc, "runAsUser", path, errs);
    check_id(sc, "runAsGroup", path, errs);
    const cJSON *pm = json_get(sc, "procMount");
    if (pm) {
        char fp[400];
        pj_child(fp, sizeof fp, path, "procMount");
        const char *v = cJSON_IsString(pm) ? pm->valuestring : "";
        if (strcmp(v, "Default") && strcmp(v, "Unmasked")) {
            static const char *const valid[] = {"Default", "Unmasked", NULL};
            field_error_not_supported(errs, fp, v, valid);
        }
        if (host_users && !strcmp(v, "Unmasked"))
            field_error_add_str(errs, FIELD_INVALID, fp, v, "`hostUsers` must be false to use `Unmasked`");
    }
    char fp[400];
    pj_child(fp, sizeof fp, path, "seccompProfile");
    validate_seccomp(json_get(sc, "seccompProfile"), fp, errs);
    if (cJSON_IsFalse(json_get(sc, "allowPrivilegeEscalation"))) {
        if (cJSON_IsTrue(json_get(sc, "privileged")))
            field_error_add(errs, FIELD_INVALID, path, sc, "cannot set `allowPrivilegeEscalation` to false and `privileged` to true");
        const cJSON *cap;
        cJSON_ArrayForEach(cap, json_get(json_get(sc, "capabilities"), "add")) {
            if (cJSON_IsString(cap) && !strcmp(cap->valuestring, "CAP_SYS_ADMIN"))
                field_error_add(errs, FIELD_INVALID, path, sc, "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN");
        }
    }
    pj_child(fp, sizeof fp, path, "appArmorProfile");
    validate_apparmor(json_get(sc, "appArmorProfile"), fp, errs);
}
