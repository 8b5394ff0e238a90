/* pod_validate_containers.c: kube's validation of a Pod's containers and
 * init containers (validateContainers, validateInitContainers,
 * validateContainerCommon and what they call: ports, env, envFrom, volume
 * mounts and devices, pull policy, resources, resize policy, probes,
 * lifecycle handlers, host port conflicts), with kube's messages and paths. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/jsonpath.h"
#include "registry/kinds/pod_internal.h"
#include "codec/quantity.h"
#include "codec/validate_meta.h"
#include "core/alloc.h"

static void sub(char *out, size_t n, const char *path, const char *name) { pj_child(out, n, path, name); }

/* ---- string rules (k8s.io/apimachinery/pkg/util/validation) */

static int port_name_messages(const char *s, const char **msgs)
{
    int n = 0, letter = 0, charset = 1;
    size_t len = strlen(s);
    if (len > 15) msgs[n++] = "must be no more than 15 characters";
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c >= 'a' && c <= 'z') letter = 1;
        else if (!(c >= '0' && c <= '9') && c != '-') charset = 0;
    }
    if (!len || !charset) msgs[n++] = "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)";
    if (!letter) msgs[n++] = "must contain at least one letter (a-z)";
    if (strstr(s, "--")) msgs[n++] = "must not contain consecutive hyphens";
    if (len && (s[0] == '-' || s[len - 1] == '-')) msgs[n++] = "must not begin or end with a hyphen";
    return n;
}

static void check_port_name(field_errors *errs, const char *path, const char *name)
{
    const char *msgs[5];
    int n = port_name_messages(name, msgs);
    for (int i = 0; i < n; i++) field_error_add_str(errs, FIELD_INVALID, path, name, msgs[i]);
}

static void check_port_number(field_errors *errs, const char *path, int64_t port)
{
    if (port < 1 || port > 65535) field_error_add_int(errs, FIELD_INVALID, path, port, "must be between 1 and 65535, inclusive");
}

/* IsRelaxedEnvVarName (RelaxedEnvironmentVariableValidation is on in 1.32) */
static void check_env_name(field_errors *errs, const char *path, const char *name)
{
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (*p > 126 || *p < 32 || *p == '=') {
            field_error_add_str(errs, FIELD_INVALID, path, name,
                                "a valid environment variable name must consist only of printable ASCII characters other than '='");
            return;
        }
    }
}

static void check_config_map_key(field_errors *errs, const char *path, const char *key)
{
    size_t len = strlen(key);
    if (len > 253) field_error_add_str(errs, FIELD_INVALID, path, key, "must be no more than 253 characters");
    int ok = len > 0;
    for (size_t i = 0; i < len; i++) {
        char c = key[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')) ok = 0;
    }
    if (!ok)
        field_error_add_str(errs, FIELD_INVALID, path, key,
                            "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
    if (!strcmp(key, ".")) field_error_add_str(errs, FIELD_INVALID, path, key, "must not be '.'");
    else if (!strcmp(key, "..")) field_error_add_str(errs, FIELD_INVALID, path, key, "must not be '..'");
    else if (!strncmp(key, "..", 2)) field_error_add_str(errs, FIELD_INVALID, path, key, "must not start with '..'");
}

static void check_subdomain_name(field_errors *errs, const char *path, const char *name, int prefix)
{
    validation_messages m = {0};
    name_is_dns1123_subdomain(name, prefix, &m);
    add_invalid_value_for_each_message(errs, path, name, &m);
}

/* ---- ports */

static void validate_ports(const cJSON *ports, const char *path, field_errors *errs)
{
    int i = 0;
    const cJSON *p, *q;
    cJSON_ArrayForEach(p, ports) {
        char idx[300], fp[340];
        pj_index(idx, sizeof idx, path, i);
        const char *name = json_str(p, "name");
        if (*name) {
            sub(fp, sizeof fp, idx, "name");
            const char *msgs[5];
            int dup = 0, j = 0;
            cJSON_ArrayForEach(q, ports) {
                if (j >= i) break;
                const char *m2[5];
                if (!strcmp(json_str(q, "name"), name) && !port_name_messages(name, m2)) dup = 1;
                j++;
            }
            if (port_name_messages(name, msgs)) check_port_name(errs, fp, name);
            else if (dup) field_error_add_str(errs, FIELD_DUPLICATE, fp, name, NULL);
        }
        int64_t cp = 0, hp = 0;
        pj_is_int(json_get(p, "containerPort"), &cp);
        sub(fp, sizeof fp, idx, "containerPort");
        if (cp == 0) field_error_add(errs, FIELD_REQUIRED, fp, NULL, NULL);
        else check_port_number(errs, fp, cp);
        pj_is_int(json_get(p, "hostPort"), &hp);
        if (hp != 0) {
            sub(fp, sizeof fp, idx, "hostPort");
            check_port_number(errs, fp, hp);
        }
        const char *proto = json_str(p, "protocol");
        sub(fp, sizeof fp, idx, "protocol");
        if (!*proto) field_error_add(errs, FIELD_REQUIRED, fp, NULL, NULL);
        else if (strcmp(proto, "TCP") && strcmp(proto, "UDP") && strcmp(proto, "SCTP")) {
            static const char *const valid[] = {"SCTP", "TCP", "UDP", NULL};
            field_error_not_supported(errs, fp, proto, valid);
        }
        i++;
    }
}

/* AccumulateUniqueHostPorts over the given containers. */
static void check_host_port_conflicts(const cJSON **containers, int n, const int *index,
                                      const char *path, field_errors *errs)
{
    char seen[64][300];
    int n_seen = 0;
    for (int ci = 0; ci < n; ci++) {
        int pi = 0;
        const cJSON *p;
        cJSON_ArrayForEach(p, json_get(containers[ci], "ports")) {
            int64_t hp = 0;
            pj_is_int(json_get(p, "hostPort"), &hp);
            if (hp != 0) {
                char key[300];
                snprintf(key, sizeof key, "%s/%s/%lld", json_str(p, "protocol"), json_str(p, "hostIP"), (long long)hp);
                int dup = 0;
                for (int k = 0; k < n_seen; k++) if (!strcmp(seen[k], key)) dup = 1;
                if (dup) {
                    char fp[340];
                    snprintf(fp, sizeof fp, "%s[%d].ports[%d].hostPort", path, index[ci], pi);
                    field_error_add_str(errs, FIELD_DUPLICATE, fp, key, NULL);
                } else if (n_seen < 64) {
                    snprintf(seen[n_seen++], sizeof seen[0], "%s", key);
                }
            }
            pi++;
        }
    }
}

/* ---- env */

static const char *const env_field_paths[] = {
    "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName",
    "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs", NULL};
static const char *const volume_field_paths[] = {
    "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid", NULL};
static const char *const resource_field_paths[] = {
    "limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu",
    "requests.ephemeral-storage", "requests.memory", NULL};

static int in_list(const char *s, const char *const *list)
{
    for (int i = 0; list[i]; i++) if (!strcmp(list[i], s)) return 1;
    return 0;
}

/* validateObjectFieldSelector */
static void validate_field_selector(const cJSON *fs, const char *const *expressions, const char *path,
                                    field_errors *errs)
{
    char fp[400];
    if (!pj_has_str(fs, "apiVersion")) { sub(fp, sizeof fp, path, "apiVersion"); field_error_add(errs, FIELD_REQUIRED, fp, NULL, NULL); return; }
    if (!pj_has_str(fs, "fieldPath")) { sub(fp, sizeof fp, path, "fieldPath"); field_error_add(errs, FIELD_REQUIRED, fp, NULL, NULL); return; }
    const char *version = json_str(fs, "apiVersion"), *label = json_str(fs, "fieldPath");
    sub(fp, sizeof fp, path, "fieldPath");
    char msg[600];
    /* ConvertDownwardAPIFieldLabel */
    static const char *const supported[] = {
        "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid",
        "spec.nodeName", "spec.restartPolicy", "spec.serviceAccountName", "spec.schedulerName",
        "status.phase", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs", NULL};
    const char *sub_open = strstr(label, "['");
    size_t ll = strlen(label);
    int subscripted = sub_open && ll >= 2 && !strcmp(label + ll - 2, "']") && sub_open + 2 <= label + ll - 2;
    char base[300] = "", subscript[300] = "";
    if (subscripted) {
        snprintf(base, sizeof base, "%.*s", (int)(sub_open - label), label);
        snprintf(subscript, sizeof subscript, "%.*s", (int)(label + ll - 2 - (sub_open + 2)), sub_open + 2);
    }
    if (strcmp(version, "v1")) {
        snprintf(msg, sizeof msg, "error converting fieldPath: unsupported pod version: %.200s", version);
        field_error_add_str(errs, FIELD_INVALID, fp, label, msg);
        return;
    }
    if (subscripted) {
        if (strcmp(base, "metadata.annotations") && strcmp(base, "metadata.labels")) {
            snprintf(msg, sizeof msg, "error converting fieldPath: field label does not support subscript: %.300s", label);
            field_error_add_str(errs, FIELD_INVALID, fp, label, msg);
            return;
        }
        validation_messages m = {0};
        if (!strcmp(base, "metadata.annotations")) {
            for (char *c = subscript; *c; c++) if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
        }
        is_qualified_name(subscript, &m);
        add_invalid_value_for_each_message(errs, path, subscript, &m);
        return;
    }
    if (!in_list(label, supported) && strcmp(label, "spec.host")) {
        snprintf(msg, sizeof msg, "error converting fieldPath: field label not supported: %.300s", label);
        field_error_add_str(errs, FIELD_INVALID, fp, label, msg);
        return;
    }
    const char *internal = !strcmp(label, "spec.host") ? "spec.nodeName" : label;
    if (!in_list(internal, expressions)) field_error_not_supported(errs, fp, internal, expressions);
}

static void validate_resource_field_selector(const cJSON *fs, const char *path, int volume,
                                             field_errors *errs)
{
    char fp[400];
    const char *resource = json_str(fs, "resource");
    if (volume && !pj_has_str(fs, "containerName")) {
        sub(fp, sizeof fp, path, "containerName");
        field_error_add(errs, FIELD_REQUIRED, fp, NULL, NULL);
    } else if (!*resource) {
        sub(fp, sizeof fp, path, "resource");
        field_error_add(errs, FIELD_REQUIRED, fp, NULL, NULL);
    } else if (!in_list(resource, resource_field_paths) && strncmp(resource, "requests.hugepages-", 19) &&
               strncmp(resource, "limits.hugepages-", 17)) {
        sub(fp, sizeof fp, path, "resource");
        field_error_not_supported(errs, fp, resource, resource_field_paths);
    }
    const cJSON *divisor = json_get(fs, "divisor");
    quantity q;
    const char *err;
    if (!divisor || quantity_from_json(divisor, &q, &err) || quantity_sign(&q) == 0) return;
    char text[64];
    quantity_format_canonical(&q, text, sizeof text);
    static const char *const cpu[] = {"1m", "1", NULL};
    static const char *const bytes[] = {"1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei", NULL};
    sub(fp, sizeof fp, path, "divisor");
    if ((!strcmp(resource, "limits.cpu") || !strcmp(resource, "requests.cpu")) && !in_list(text, cpu))
        field_error_add_str(errs, FIELD_INVALID, fp, resource, "only divisor's values 1m and 1 are supported with the cpu resource");
    if ((!strcmp(resource, "limits.memory") || !strcmp(resource, "requests.memory")) && !in_list(text, bytes))
        field_error_add_str(errs, FIELD_INVALID, fp, resource,
                            "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the memory resource");
    if ((!strcmp(resource, "limits.ephemeral-storage") || !strcmp(resource, "requests.ephemeral-storage")) && !in_list(text, bytes))
        field_error_add_str(errs, FIELD_INVALID, fp, resource,
                            "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the local ephemeral storage resource");
}

void pod_validate_downward_file(const cJSON *file, const char *path, field_errors *errs)
{
    char fp[400];
    if (json_get(file, "fieldRef")) {
        sub(fp, sizeof fp, path, "fieldRef");
        validate_field_selector(json_get(file, "fieldRef"), volume_field_paths, fp, errs);
        if (json_get(file, "resourceFieldRef"))
            field_error_add_str(errs, FIELD_INVALID, path, "resource", "fieldRef and resourceFieldRef can not be specified simultaneously");
    } else if (json_get(file, "resourceFieldRef")) {
        sub(fp, sizeof fp, path, "resourceFieldRef");
        validate_resource_field_selector(json_get(file, "resourceFieldRef"), fp, 1, errs);
    } else {
        field_error_add(errs, FIELD_REQUIRED, path, NULL, "one of fieldRef and resourceFieldRef is required");
    }
}

static void validate_key_selector(const cJSON *s, const char *path, field_errors *errs)
{
    char fp[400];
    sub(fp, sizeof fp, path, "name");
    check_subdomain_name(errs, fp, json_str(s, "name"), 0);
    sub(fp, sizeof fp, path, "key");
    if (!pj_has_str(s, "key")) field_error_add(errs, FIELD_REQUIRED, fp, NULL, NULL);
    else check_config_map_key(errs, fp, json_str(s, "key"));
}

static void validate_env_field_ref(const cJSON *s, const char *path, field_errors *errs)
{
    validate_field_selector(s, env_field_paths, path, errs);
}

static void validate_env_resource_field_ref(const cJSON *s, const char *path, field_errors *errs)
{
    validate_resource_field_selector(s, path, 0, errs);
}

/* One member of a one-of group (an env var's valueFrom, an envFrom entry)
 * and how a present one is validated at its own path. */
typedef struct one_of_source {
    const char *name;
    void (*validate)(const cJSON *source, const char *path, field_errors *errs);
} one_of_source;

/* Validates each of the n sources present in parent at path.<name>, in the
 * table's order (kube's order of checking); returns how many are present,
 * for the caller's "must specify one of" / "more than one" errors. */
static int validate_one_of_sources(const cJSON *parent, const char *path, const one_of_source *sources, size_t n,
                                   field_errors *errs)
{
    int present = 0;
    for (size_t k = 0; k < n; k++) {
        const cJSON *source = json_get(parent, sources[k].name);
        if (!source) continue;
        present++;
        char sp[400];
        sub(sp, sizeof sp, path, sources[k].name);
        sources[k].validate(source, sp, errs);
    }
    return present;
}

/* An env var's valueFrom sources, in kube's order of checking. */
static const one_of_source env_sources[] = {
    {"fieldRef", validate_env_field_ref},
    {"resourceFieldRef", validate_env_resource_field_ref},
    {"configMapKeyRef", validate_key_selector},
    {"secretKeyRef", validate_key_selector},
};

static void validate_env(const cJSON *env, const char *path, field_errors *errs)
{
    int i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, env) {
        char idx[300], fp[340];
        pj_index(idx, sizeof idx, path, i++);
        sub(fp, sizeof fp, idx, "name");
        const char *name = json_str(e, "name");
        if (!*name) field_error_add(errs, FIELD_REQUIRED, fp, NULL, NULL);
        else check_env_name(errs, fp, name);
        const cJSON *vf = json_get(e, "valueFrom");
        if (!vf) continue;
        char vp[360];
        sub(vp, sizeof vp, idx, "valueFrom");
        int sources = validate_one_of_sources(vf, vp, env_sources, sizeof env_sources / sizeof env_sources[0], errs);
        if (!sources)
            field_error_add_str(errs, FIELD_INVALID, vp, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`");
        else if (pj_has_str(e, "value"))
            field_error_add_str(errs, FIELD_INVALID, vp, "", "may not be specified when `value` is not empty");
        else if (sources > 1)
            field_error_add_str(errs, FIELD_INVALID, vp, "", "may not have more than one field specified at a time");
    }
}

/* An envFrom entry's configMapRef or secretRef: a name, a DNS subdomain. */
static void validate_env_from_ref(const cJSON *ref, const char *path, field_errors *errs)
{
    char fp[440];
    sub(fp, sizeof fp, path, "name");
    if (!pj_has_str(ref, "name")) field_error_add(errs, FIELD_REQUIRED, fp, NULL, NULL);
    else check_subdomain_name(errs, fp, json_str(ref, "name"), 1);
}

/* An envFrom entry's sources, in kube's order of checking. */
static const one_of_source env_from_sources[] = {
    {"configMapRef", validate_env_from_ref},
    {"secretRef", validate_env_from_ref},
};

static void validate_env_from(const cJSON *list, const char *path, field_errors *errs)
{
    int i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, list) {
        char idx[300], fp[340];
        pj_index(idx, sizeof idx, path, i++);
        if (pj_has_str(e, "prefix")) {
            sub(fp, sizeof fp, idx, "prefix");
            check_env_name(errs, fp, json_str(e, "prefix"));
        }
        int sources = validate_one_of_sources(e, idx, env_from_sources,
                                              sizeof env_from_sources / sizeof env_from_sources[0], errs);
        if (!sources) field_error_add_str(errs, FIELD_INVALID, path, "", "must specify one of: `configMapRef` or `secretRef`");
        else if (sources > 1) field_error_add_str(errs, FIELD_INVALID, path, "", "may not have more than one field specified at a time");
    }
}

/* ---- volume mounts and devices */

/* 1 when an element of list has the string value at key. */
static int list_has(const cJSON *list, const char *key, const char *value)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, list)
        if (!strcmp(json_str(e, key), value)) return 1;
    return 0;
}

static const cJSON *find_volume(const pod_volume_set *vols, const char *name)
{
    for (int i = 0; vols && i < vols->n; i++)
        if (!strcmp(json_str(vols->items[i], "name"), name)) return vols->items[i];
    return NULL;
}

static int has_backsteps(const char *path)
{
    const char *p = path;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (n == 2 && p[0] == '.' && p[1] == '.') return 1;
        if (!slash) break;
        p = slash + 1;
    }
    return 0;
}

void pod_validate_local_descending_path(const char *target, const char *path, field_errors *errs)
{
    if (target[0] == '/') field_error_add_str(errs, FIELD_INVALID, path, target, "must be a relative path");
    if (has_backsteps(target)) field_error_add_str(errs, FIELD_INVALID, path, target, "must not contain '..'");
}

static void validate_mounts(const cJSON *c, const char *cpath, const pod_volume_set *vols, field_errors *errs)
{
    char path[300];
    sub(path, sizeof path, cpath, "volumeMounts");
    const cJSON *mounts = json_get(c, "volumeMounts"), *devices = json_get(c, "volumeDevices");
    int i = 0;
    const cJSON *m, *d, *prev;
    cJSON_ArrayForEach(m, mounts) {
        char idx[340], fp[380];
        pj_index(idx, sizeof idx, path, i);
        const char *name = json_str(m, "name"), *mount_path = json_str(m, "mountPath");
        sub(fp, sizeof fp, idx, "name");
        if (!*name) field_error_add(errs, FIELD_REQUIRED, fp, NULL, NULL);
        const cJSON *vol = find_volume(vols, name);
        if (!vol) field_error_add_str(errs, FIELD_NOT_FOUND, fp, name, NULL);
        sub(fp, sizeof fp, idx, "mountPath");
        if (!*mount_path) field_error_add(errs, FIELD_REQUIRED, fp, NULL, NULL);
        int j = 0, dup = 0;
        cJSON_ArrayForEach(prev, mounts) { if (j++ < i && !strcmp(json_str(prev, "mountPath"), mount_path)) dup = 1; }
        if (dup) field_error_add_str(errs, FIELD_INVALID, fp, mount_path, "must be unique");
        if (list_has(devices, "name", name)) {
            sub(fp, sizeof fp, idx, "name");
            field_error_add_str(errs, FIELD_INVALID, fp, name, "must not already exist in volumeDevices");
        }
        if (list_has(devices, "devicePath", mount_path)) {
            sub(fp, sizeof fp, idx, "mountPath");
            field_error_add_str(errs, FIELD_INVALID, fp, mount_path, "must not already exist as a path in volumeDevices");
        }
        const char *sub_path = json_str(m, "subPath"), *sub_expr = json_str(m, "subPathExpr");
        if (*sub_path) {
            sub(fp, sizeof fp, path, "subPath");   /* kube's path here has no index */
            pod_validate_local_descending_path(sub_path, fp, errs);
        }
        if (*sub_expr) {
            if (*sub_path) {
                sub(fp, sizeof fp, idx, "subPathExpr");
                field_error_add_str(errs, FIELD_INVALID, fp, sub_expr, "subPathExpr and subPath are mutually exclusive");
            }
            sub(fp, sizeof fp, path, "subPathExpr");
            pod_validate_local_descending_path(sub_expr, fp, errs);
        }
        const cJSON *prop = json_get(m, "mountPropagation");
        if (prop) {
            const char *v = cJSON_IsString(prop) ? prop->valuestring : "";
            sub(fp, sizeof fp, path, "mountPropagation");
            if (strcmp(v, "Bidirectional") && strcmp(v, "HostToContainer") && strcmp(v, "None")) {
                static const char *const valid[] = {"Bidirectional", "HostToContainer", "None", NULL};
                field_error_not_supported(errs, fp, v, valid);
            }
            const cJSON *sc = json_get(c, "securityContext");
            if (!strcmp(v, "Bidirectional") && !cJSON_IsTrue(json_get(sc, "privileged")))
                field_error_add(errs, FIELD_FORBIDDEN, fp, NULL, "Bidirectional mount propagation is available only to privileged containers");
        }
        const cJSON *rro = json_get(m, "recursiveReadOnly");
        if (rro) {
            const char *v = cJSON_IsString(rro) ? rro->valuestring : "";
            sub(fp, sizeof fp, path, "recursiveReadOnly");
            if (!strcmp(v, "Enabled") || !strcmp(v, "IfPossible")) {
                if (!cJSON_IsTrue(json_get(m, "readOnly")))
                    field_error_add(errs, FIELD_FORBIDDEN, fp, NULL, "may only be specified when readOnly is true");
                if (prop && strcmp(cJSON_IsString(prop) ? prop->valuestring : "", "None"))
                    field_error_add(errs, FIELD_FORBIDDEN, fp, NULL, "may only be specified when mountPropagation is None or not specified");
            } else if (strcmp(v, "Disabled")) {
                static const char *const valid[] = {"Disabled", "Enabled", "IfPossible", NULL};
                field_error_not_supported(errs, fp, v, valid);
            }
        }
        i++;
    }
    sub(path, sizeof path, cpath, "volumeDevices");
    i = 0;
    cJSON_ArrayForEach(d, devices) {
        char idx[340], fp[380];
        pj_index(idx, sizeof idx, path, i);
        const char *name = json_str(d, "name"), *dev_path = json_str(d, "devicePath");
        const cJSON *vol = find_volume(vols, name);
        int is_pvc = vol && (json_get(vol, "persistentVolumeClaim") || json_get(vol, "ephemeral"));
        sub(fp, sizeof fp, idx, "name");
        if (!*name) field_error_add(errs, FIELD_REQUIRED, fp, NULL, NULL);
        int j = 0, dup_name = 0, dup_path = 0;
        cJSON_ArrayForEach(prev, devices) {
            if (j++ >= i) break;
            if (!strcmp(json_str(prev, "name"), name) && *name) dup_name = 1;
            if (!strcmp(json_str(prev, "devicePath"), dev_path) && !has_backsteps(dev_path)) dup_path = 1;
        }
        if (dup_name) field_error_add_str(errs, FIELD_INVALID, fp, name, "must be unique");
        if (vol && !is_pvc)
            field_error_add_str(errs, FIELD_INVALID, fp, name, "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode");
        if (!vol) field_error_add_str(errs, FIELD_NOT_FOUND, fp, name, NULL);
        sub(fp, sizeof fp, idx, "devicePath");
        if (!*dev_path) field_error_add(errs, FIELD_REQUIRED, fp, NULL, NULL);
        if (dup_path) field_error_add_str(errs, FIELD_INVALID, fp, dev_path, "must be unique");
        if (*dev_path && has_backsteps(dev_path))
            field_error_add_str(errs, FIELD_INVALID, fp, dev_path, "can not contain backsteps ('..')");
        if (list_has(mounts, "name", name)) {
            sub(fp, sizeof fp, idx, "name");
            field_error_add_str(errs, FIELD_INVALID, fp, name, "must not already exist in volumeMounts");
        }
        if (list_has(mounts, "mountPath", dev_path)) {
            sub(fp, sizeof fp, idx, "devicePath");
            field_error_add_str(errs, FIELD_INVALID, fp, dev_path, "must not already exist as a path in volumeMounts");
        }
        i++;
    }
}

/* ---- resources (ValidateContainerResourceRequirements) */

static int is_standard_container_resource(const char *name)
{
    return !strcmp(name, "cpu") || !strcmp(name, "memory") || !strcmp(name, "ephemeral-storage") ||
           !strncmp(name, "hugepages-", 10);
}

static int is_native_resource(const char *name)
{
    return !strchr(name, '/') || strstr(name, "kubernetes.io/") != NULL;
}

static int is_hugepages(const char *name) { return !strncmp(name, "hugepages-", 10); }

static int overcommit_allowed(const char *name)
{
    return is_native_resource(name) && !is_hugepages(name);
}

static void validate_resource_name(const char *name, const char *path, field_errors *errs)
{
    validation_messages m = {0};
    is_qualified_name(name, &m);
    if (m.n) { add_invalid_value_for_each_message(errs, path, name, &m); return; }
    if (!strchr(name, '/')) {
        if (!is_standard_container_resource(name))
            field_error_add_str(errs, FIELD_INVALID, path, name, "must be a standard resource for containers");
    } else if (!is_native_resource(name)) {
        /* IsExtendedResourceName: not requests.-prefixed and the quota name a qualified name */
        char quota[600];
        snprintf(quota, sizeof quota, "requests.%s", name);
        validation_messages q = {0};
        is_qualified_name(quota, &q);
        if (!strncmp(name, "requests.", 9) || q.n)
            field_error_add_str(errs, FIELD_INVALID, path, name, "doesn't follow extended resource name standard");
    }
}

static void sorted_keys(const cJSON *obj, const char **keys, int *n)
{
    *n = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, obj) keys[(*n)++] = e->string;
    for (int i = 1; i < *n; i++)
        for (int j = i; j > 0 && strcmp(keys[j - 1], keys[j]) > 0; j--) {
            const char *t = keys[j]; keys[j] = keys[j - 1]; keys[j - 1] = t;
        }
}

static void validate_quantity_value(const char *name, const quantity *q, const char *path, field_errors *errs)
{
    char text[64];
    quantity_format_canonical(q, text, sizeof text);
    if (quantity_sign(q) < 0) field_error_add_str(errs, FIELD_INVALID, path, text, "must be greater than or equal to 0");
    if (!is_native_resource(name) && quantity_milli_value(q) % 1000 != 0)
        field_error_add_str(errs, FIELD_INVALID, path, text, "must be an integer");
}

void pod_validate_resources(const cJSON *resources, const char *path, int only_limits, field_errors *errs)
{
    const cJSON *limits = json_get(resources, "limits"), *requests = only_limits ? NULL : json_get(resources, "requests");
    char lim_path[300], req_path[300];
    sub(lim_path, sizeof lim_path, path, "limits");
    sub(req_path, sizeof req_path, path, "requests");
    int nl = cJSON_GetArraySize(limits), nr = cJSON_GetArraySize(requests);
    const char **keys = kapi_xcalloc((size_t)(nl > nr ? nl : nr) + 1, sizeof *keys);
    if (!keys) return;
    int n, lim_cpu_mem = 0, req_cpu_mem = 0, lim_huge = 0, req_huge = 0;
    sorted_keys(limits, keys, &n);
    for (int i = 0; i < n; i++) {
        char fp[400];
        pj_key(fp, sizeof fp, lim_path, keys[i]);
        validate_resource_name(keys[i], fp, errs);
        quantity q;
        const char *err;
        if (!quantity_from_json(cJSON_GetObjectItemCaseSensitive(limits, keys[i]), &q, &err))
            validate_quantity_value(keys[i], &q, fp, errs);
        if (is_hugepages(keys[i])) lim_huge = 1;
        if (!strcmp(keys[i], "cpu") || !strcmp(keys[i], "memory")) lim_cpu_mem = 1;
    }
    sorted_keys(requests, keys, &n);
    for (int i = 0; i < n; i++) {
        char fp[400];
        pj_key(fp, sizeof fp, req_path, keys[i]);
        validate_resource_name(keys[i], fp, errs);
        quantity q, l;
        const char *err;
        if (quantity_from_json(cJSON_GetObjectItemCaseSensitive(requests, keys[i]), &q, &err)) continue;
        validate_quantity_value(keys[i], &q, fp, errs);
        const cJSON *lim = cJSON_GetObjectItemCaseSensitive(limits, keys[i]);
        char qtext[64], ltext[64], msg[300];
        quantity_format_canonical(&q, qtext, sizeof qtext);
        if (lim && !quantity_from_json(lim, &l, &err)) {
            quantity_format_canonical(&l, ltext, sizeof ltext);
            if (quantity_cmp(&q, &l) != 0 && !overcommit_allowed(keys[i])) {
                snprintf(msg, sizeof msg, "must be equal to %s limit of %s", keys[i], ltext);
                field_error_add_str(errs, FIELD_INVALID, req_path, qtext, msg);
            } else if (quantity_cmp(&q, &l) > 0) {
                snprintf(msg, sizeof msg, "must be less than or equal to %s limit of %s", keys[i], ltext);
                field_error_add_str(errs, FIELD_INVALID, req_path, qtext, msg);
            }
        } else if (!overcommit_allowed(keys[i])) {
            field_error_add(errs, FIELD_REQUIRED, lim_path, NULL, "Limit must be set for non overcommitable resources");
        }
        if (is_hugepages(keys[i])) req_huge = 1;
        if (!strcmp(keys[i], "cpu") || !strcmp(keys[i], "memory")) req_cpu_mem = 1;
    }
    free(keys);
    if (!lim_cpu_mem && !req_cpu_mem && (lim_huge || req_huge))
        field_error_add(errs, FIELD_FORBIDDEN, path, NULL, "HugePages require cpu or memory");
}

/* ---- probes and lifecycle handlers */

static void validate_port_or_name(const cJSON *port, const char *path, field_errors *errs)
{
    if (cJSON_IsString(port)) check_port_name(errs, path, port->valuestring);
    else {
        int64_t p = 0;
        pj_is_int(port, &p);
        check_port_number(errs, path, p);
    }
}

static void validate_handler(const cJSON *h, const char *path, int lifecycle, const cJSON *grace,
                             field_errors *errs)
{
    static const char *const kinds[] = {"exec", "httpGet", "tcpSocket", "grpc", "sleep"};
    int handlers = 0;
    for (int k = 0; k < 5; k++) {
        if ((lifecycle && k == 3) || (!lifecycle && k == 4)) continue;
        const cJSON *v = json_get(h, kinds[k]);
        if (!v) continue;
        char fp[400], sp[440];
        sub(fp, sizeof fp, path, kinds[k]);
        if (handlers++) { field_error_add(errs, FIELD_FORBIDDEN, fp, NULL, "may not specify more than 1 handler type"); continue; }
        if (k == 0) {
            sub(sp, sizeof sp, fp, "command");
            if (!cJSON_GetArraySize(json_get(v, "command"))) field_error_add(errs, FIELD_REQUIRED, sp, NULL, NULL);
        } else if (k == 1) {
            sub(sp, sizeof sp, fp, "path");
            if (!pj_has_str(v, "path")) field_error_add(errs, FIELD_REQUIRED, sp, NULL, NULL);
            sub(sp, sizeof sp, fp, "port");
            validate_port_or_name(json_get(v, "port"), sp, errs);
            const char *scheme = json_str(v, "scheme");
            if (strcmp(scheme, "HTTP") && strcmp(scheme, "HTTPS")) {
                static const char *const valid[] = {"HTTP", "HTTPS", NULL};
                sub(sp, sizeof sp, fp, "scheme");
                field_error_not_supported(errs, sp, scheme, valid);
            }
            const cJSON *hdr;
            cJSON_ArrayForEach(hdr, json_get(v, "httpHeaders")) {
                const char *name = json_str(hdr, "name");
                int ok = *name != '\0';
                for (const char *c = name; *c; c++)
                    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '-')) ok = 0;
                if (!ok) {
                    sub(sp, sizeof sp, fp, "httpHeaders");
                    field_error_add_str(errs, FIELD_INVALID, sp, name,
                                        "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')");
                }
            }
        } else if (k == 2 || k == 3) {
            sub(sp, sizeof sp, fp, "port");
            validate_port_or_name(json_get(v, "port"), sp, errs);
        } else {
            int64_t secs = 0, g;
            pj_is_int(json_get(v, "seconds"), &secs);
            if (pj_is_int(grace, &g) && (secs <= 0 || secs > g)) {
                char msg[300];
                snprintf(msg, sizeof msg,
                         "must be greater than 0 and less than terminationGracePeriodSeconds (%lld). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.",
                         (long long)g);
                field_error_add_int(errs, FIELD_INVALID, fp, secs, msg);
            }
        }
    }
    if (!handlers) field_error_add(errs, FIELD_REQUIRED, path, NULL, "must specify a handler type");
}

static void validate_probe(const cJSON *probe, const char *path, int kind, const cJSON *grace,
                           field_errors *errs)
{
    if (!probe) return;
    validate_handler(probe, path, 0, grace, errs);
    static const char *const nonneg[] = {"initialDelaySeconds", "timeoutSeconds", "periodSeconds",
                                         "successThreshold", "failureThreshold"};
    char fp[400];
    for (int i = 0; i < 5; i++) {
        int64_t v = 0;
        pj_is_int(json_get(probe, nonneg[i]), &v);
        if (v < 0) { sub(fp, sizeof fp, path, nonneg[i]); field_error_add_int(errs, FIELD_INVALID, fp, v, "must be greater than or equal to 0"); }
    }
    int64_t tg;
    if (pj_is_int(json_get(probe, "terminationGracePeriodSeconds"), &tg) && tg <= 0) {
        sub(fp, sizeof fp, path, "terminationGracePeriodSeconds");
        field_error_add_int(errs, FIELD_INVALID, fp, tg, "must be greater than 0");
    }
    int64_t st = 0;
    pj_is_int(json_get(probe, "successThreshold"), &st);
    if (kind != 1 && st != 1) {   /* liveness and startup */
        sub(fp, sizeof fp, path, "successThreshold");
        field_error_add_int(errs, FIELD_INVALID, fp, st, "must be 1");
    }
    if (kind == 1 && json_get(probe, "terminationGracePeriodSeconds")) {
        sub(fp, sizeof fp, path, "terminationGracePeriodSeconds");
        field_error_add(errs, FIELD_INVALID, fp, json_get(probe, "terminationGracePeriodSeconds"), "must not be set for readinessProbes");
    }
}

static void validate_lifecycle(const cJSON *lc, const char *path, const cJSON *grace, field_errors *errs)
{
    char fp[400];
    if (json_get(lc, "postStart")) { sub(fp, sizeof fp, path, "postStart"); validate_handler(json_get(lc, "postStart"), fp, 1, grace, errs); }
    if (json_get(lc, "preStop")) { sub(fp, sizeof fp, path, "preStop"); validate_handler(json_get(lc, "preStop"), fp, 1, grace, errs); }
}

/* ---- the common part of every container */

static void validate_container_common(const cJSON *c, const char *path, const pod_volume_set *vols,
                                      const cJSON *spec, field_errors *errs)
{
    char fp[400];
    const char *name = json_str(c, "name");
    sub(fp, sizeof fp, path, "name");
    if (!*name) field_error_add(errs, FIELD_REQUIRED, fp, NULL, NULL);
    else {
        validation_messages m = {0};
        is_dns1123_label(name, &m);
        add_invalid_value_for_each_message(errs, fp, name, &m);
    }
    sub(fp, sizeof fp, path, "image");
    if (!pj_has_str(c, "image")) field_error_add(errs, FIELD_REQUIRED, fp, NULL, NULL);
    const char *tmp = json_str(c, "terminationMessagePolicy");
    sub(fp, sizeof fp, path, "terminationMessagePolicy");
    if (!*tmp) field_error_add(errs, FIELD_REQUIRED, fp, NULL, NULL);
    else if (strcmp(tmp, "File") && strcmp(tmp, "FallbackToLogsOnError")) {
        static const char *const valid[] = {"File", "FallbackToLogsOnError", NULL};
        field_error_not_supported(errs, fp, tmp, valid);
    }
    sub(fp, sizeof fp, path, "ports");
    validate_ports(json_get(c, "ports"), fp, errs);
    sub(fp, sizeof fp, path, "env");
    validate_env(json_get(c, "env"), fp, errs);
    sub(fp, sizeof fp, path, "envFrom");
    validate_env_from(json_get(c, "envFrom"), fp, errs);
    validate_mounts(c, path, vols, errs);
    const char *pull = json_str(c, "imagePullPolicy");
    sub(fp, sizeof fp, path, "imagePullPolicy");
    if (!*pull) field_error_add(errs, FIELD_REQUIRED, fp, NULL, NULL);
    else if (strcmp(pull, "Always") && strcmp(pull, "IfNotPresent") && strcmp(pull, "Never")) {
        static const char *const valid[] = {"Always", "IfNotPresent", "Never", NULL};
        field_error_not_supported(errs, fp, pull, valid);
    }
    sub(fp, sizeof fp, path, "resources");
    pod_validate_resources(json_get(c, "resources"), fp, 0, errs);
    sub(fp, sizeof fp, path, "resizePolicy");
    int i = 0;
    const cJSON *p, *q;
    const cJSON *policies = json_get(c, "resizePolicy");
    cJSON_ArrayForEach(p, policies) {
        const char *res = json_str(p, "resourceName"), *rp = json_str(p, "restartPolicy");
        int j = 0, dup = 0;
        cJSON_ArrayForEach(q, policies) { if (j++ < i && !strcmp(json_str(q, "resourceName"), res)) dup = 1; }
        if (dup) { char ip[440]; pj_index(ip, sizeof ip, fp, i); field_error_add_str(errs, FIELD_DUPLICATE, ip, res, NULL); }
        if (!*res) field_error_add(errs, FIELD_REQUIRED, fp, NULL, NULL);
        else if (strcmp(res, "cpu") && strcmp(res, "memory")) {
            static const char *const valid[] = {"cpu", "memory", NULL};
            field_error_not_supported(errs, fp, res, valid);
        }
        if (!*rp) field_error_add(errs, FIELD_REQUIRED, fp, NULL, NULL);
        else if (strcmp(rp, "NotRequired") && strcmp(rp, "RestartContainer")) {
            static const char *const valid[] = {"NotRequired", "RestartContainer", NULL};
            field_error_not_supported(errs, fp, rp, valid);
        }
        i++;
    }
    const cJSON *hu = json_get(spec, "hostUsers");
    sub(fp, sizeof fp, path, "securityContext");
    pod_validate_container_security(json_get(c, "securityContext"), fp, !cJSON_IsFalse(hu), errs);
}

void pod_validate_containers(const cJSON *spec, const pod_volume_set *vols, field_errors *errs)
{
    const cJSON *containers = json_get(spec, "containers"), *inits = json_get(spec, "initContainers");
    const cJSON *grace = json_get(spec, "terminationGracePeriodSeconds");
    int n = cJSON_GetArraySize(containers), ni = cJSON_GetArraySize(inits);
    if (n == 0) field_error_add(errs, FIELD_REQUIRED, "spec.containers", NULL, NULL);
    const cJSON **all = kapi_xcalloc((size_t)(n + ni) + 1, sizeof *all);
    int *index = kapi_xcalloc((size_t)(n + ni) + 1, sizeof *index);
    if (!all || !index) { free(all); free(index); return; }
    int i = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, containers) {
        char path[64], fp[128];
        pj_index(path, sizeof path, "spec.containers", i);
        validate_container_common(c, path, vols, spec, errs);
        const char *name = json_str(c, "name");
        for (int j = 0; j < i; j++) {
            if (!strcmp(json_str(all[j], "name"), name)) {
                sub(fp, sizeof fp, path, "name");
                field_error_add_str(errs, FIELD_DUPLICATE, fp, name, NULL);
                break;
            }
        }
        if (json_get(c, "lifecycle")) { sub(fp, sizeof fp, path, "lifecycle"); validate_lifecycle(json_get(c, "lifecycle"), fp, grace, errs); }
        sub(fp, sizeof fp, path, "livenessProbe");
        validate_probe(json_get(c, "livenessProbe"), fp, 0, grace, errs);
        sub(fp, sizeof fp, path, "readinessProbe");
        validate_probe(json_get(c, "readinessProbe"), fp, 1, grace, errs);
        sub(fp, sizeof fp, path, "startupProbe");
        validate_probe(json_get(c, "startupProbe"), fp, 2, grace, errs);
        if (json_get(c, "restartPolicy")) {
            sub(fp, sizeof fp, path, "restartPolicy");
            field_error_add(errs, FIELD_FORBIDDEN, fp, NULL, "may not be set for non-init containers");
        }
        index[i] = i;
        all[i++] = c;
    }
    check_host_port_conflicts(all, n, index, "spec.containers", errs);
    int k = 0;
    cJSON_ArrayForEach(c, inits) {
        char path[64], fp[128];
        pj_index(path, sizeof path, "spec.initContainers", k);
        validate_container_common(c, path, vols, spec, errs);
        const cJSON *rp = json_get(c, "restartPolicy");
        int always = 0;
        if (rp) {
            const char *v = cJSON_IsString(rp) ? rp->valuestring : "";
            always = !strcmp(v, "Always");
            if (!always) {
                static const char *const valid[] = {"Always", NULL};
                sub(fp, sizeof fp, path, "restartPolicy");
                field_error_not_supported(errs, fp, v, valid);
            }
        }
        const char *name = json_str(c, "name");
        int dup = 0;
        for (int j = 0; j < n + k; j++) if (*name && !strcmp(json_str(all[j], "name"), name)) dup = 1;
        if (dup) { sub(fp, sizeof fp, path, "name"); field_error_add_str(errs, FIELD_DUPLICATE, fp, name, NULL); }
        int one_index = k;
        check_host_port_conflicts(&c, 1, &one_index, "spec.initContainers", errs);
        static const char *const probes[] = {"livenessProbe", "readinessProbe", "startupProbe"};
        if (always) {
            if (json_get(c, "lifecycle")) { sub(fp, sizeof fp, path, "lifecycle"); validate_lifecycle(json_get(c, "lifecycle"), fp, grace, errs); }
            for (int pr = 0; pr < 3; pr++) { sub(fp, sizeof fp, path, probes[pr]); validate_probe(json_get(c, probes[pr]), fp, pr, grace, errs); }
        } else {
            if (json_get(c, "lifecycle")) {
                sub(fp, sizeof fp, path, "lifecycle");
                field_error_add(errs, FIELD_FORBIDDEN, fp, NULL, "may not be set for init containers without restartPolicy=Always");
            }
            for (int pr = 0; pr < 3; pr++) {
                if (!json_get(c, probes[pr])) continue;
                sub(fp, sizeof fp, path, probes[pr]);
                field_error_add(errs, FIELD_FORBIDDEN, fp, NULL, "may not be set for init containers without restartPolicy=Always");
            }
        }
        if (cJSON_GetArraySize(json_get(c, "resizePolicy")) > 0) {
            sub(fp, sizeof fp, path, "resizePolicy");
            field_error_add(errs, FIELD_INVALID, fp, json_get(c, "resizePolicy"), "must not be set for init containers");
        }
        all[n + k] = c;
        k++;
    }
    free(all);
    free(index);
}
