/* pod_validate.c: ValidatePodCreate (pkg/apis/core/validation, 1.32): the
 * pod-specific annotations, ValidatePodSpec's checks in kube's order (the
 * volumes, containers and security contexts have files of their own), and
 * the checks only a Pod (not a template) gets. Messages and field paths are
 * kube's. Metadata itself is validated by rest.c for every kind. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec/jsonpath.h"
#include "registry/kinds/pod_internal.h"
#include "codec/validate_meta.h"
#include "core/alloc.h"

static void check_name(field_errors *errs, const char *path, const char *value,
                       void (*rule)(const char *, validation_messages *))
{
    validation_messages m = {0};
    rule(value, &m);
    add_invalid_value_for_each_message(errs, path, value, &m);
}

static void dns_subdomain(const char *v, validation_messages *m) { is_dns1123_subdomain(v, m); }
static void dns_label(const char *v, validation_messages *m) { is_dns1123_label(v, m); }
static void qualified_name(const char *v, validation_messages *m) { is_qualified_name(v, m); }

/* validation.IsValidIP (netutils.ParseIPSloppy accepts leading zeros). */
static int is_valid_ip(const char *s)
{
    unsigned char buf[16];
    if (inet_pton(AF_INET6, s, buf) == 1) return 1;
    /* dotted quad, each part 0-255, leading zeros allowed */
    int parts = 0;
    const char *p = s;
    while (*p) {
        int digits = 0, v = 0;
        while (*p >= '0' && *p <= '9') { v = v * 10 + (*p - '0'); if (v > 255) return 0; p++; digits++; }
        if (!digits || digits > 3) return 0;
        parts++;
        if (*p == '.') { p++; if (!*p) return 0; }
        else if (*p) return 0;
    }
    return parts == 4;
}

static void check_ip(field_errors *errs, const char *path, const char *value)
{
    if (!is_valid_ip(value))
        field_error_add_str(errs, FIELD_INVALID, path, value, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
}

/* ---- tolerations */

void pod_validate_tolerations(const cJSON *tolerations, const char *path, field_errors *errs)
{
    int i = 0;
    const cJSON *t;
    cJSON_ArrayForEach(t, tolerations) {
        char idx[300], p[340];
        pj_index(idx, sizeof idx, path, i++);
        const char *key = json_str(t, "key"), *op = json_str(t, "operator");
        const char *value = json_str(t, "value"), *effect = json_str(t, "effect");
        if (*key) {
            pj_child(p, sizeof p, idx, "key");
            check_name(errs, p, key, qualified_name);
        }
        pj_child(p, sizeof p, idx, "operator");
        if (!*key && strcmp(op, "Exists"))
            field_error_add_str(errs, FIELD_INVALID, p, op,
                                "operator must be Exists when `key` is empty, which means \"match all values and all keys\"");
        if (json_get(t, "tolerationSeconds") && strcmp(effect, "NoExecute")) {
            char ep[340];
            pj_child(ep, sizeof ep, idx, "effect");
            field_error_add_str(errs, FIELD_INVALID, ep, effect, "effect must be 'NoExecute' when `tolerationSeconds` is set");
        }
        if (!*op || !strcmp(op, "Equal")) {
            validation_messages m = {0};
            is_valid_label_value(value, &m);
            if (m.n) {
                char joined[VALIDATION_MESSAGES_MAX * VALIDATION_MESSAGE_LEN];
                joined[0] = '\0';
                for (int k = 0; k < m.n; k++) {
                    if (k) strncat(joined, ";", sizeof joined - strlen(joined) - 1);
                    strncat(joined, m.text[k], sizeof joined - strlen(joined) - 1);
                }
                field_error_add_str(errs, FIELD_INVALID, p, value, joined);
            }
        } else if (!strcmp(op, "Exists")) {
            if (*value) field_error_add_str(errs, FIELD_INVALID, p, value, "value must be empty when `operator` is 'Exists'");
        } else {
            static const char *const ops[] = {"Equal", "Exists", NULL};
            field_error_not_supported(errs, p, op, ops);
        }
        if (*effect && strcmp(effect, "NoSchedule") && strcmp(effect, "PreferNoSchedule") && strcmp(effect, "NoExecute")) {
            static const char *const effects[] = {"NoSchedule", "PreferNoSchedule", "NoExecute", NULL};
            pj_child(p, sizeof p, idx, "effect");
            field_error_not_supported(errs, p, effect, effects);
        }
    }
}

/* ---- smaller PodSpec members */

static void validate_dns_config(const cJSON *spec, field_errors *errs)
{
    const cJSON *cfg = json_get(spec, "dnsConfig");
    const char *policy = json_str(spec, "dnsPolicy");
    if (!strcmp(policy, "None")) {
        if (!cfg) {
            field_error_add(errs, FIELD_REQUIRED, "spec.dnsConfig", NULL, "must provide `dnsConfig` when `dnsPolicy` is None");
            return;
        }
        if (!cJSON_GetArraySize(json_get(cfg, "nameservers"))) {
            field_error_add(errs, FIELD_REQUIRED, "spec.dnsConfig.nameservers", NULL,
                            "must provide at least one DNS nameserver when `dnsPolicy` is None");
            return;
        }
    }
    if (!cfg) return;
    const cJSON *ns = json_get(cfg, "nameservers"), *e;
    if (cJSON_GetArraySize(ns) > 3)
        field_error_add(errs, FIELD_INVALID, "spec.dnsConfig.nameservers", ns, "must not have more than 3 nameservers");
    int i = 0;
    cJSON_ArrayForEach(e, ns) {
        char p[64];
        pj_index(p, sizeof p, "spec.dnsConfig.nameservers", i++);
        check_ip(errs, p, cJSON_IsString(e) ? e->valuestring : "");
    }
    const cJSON *searches = json_get(cfg, "searches");
    if (cJSON_GetArraySize(searches) > 32)
        field_error_add(errs, FIELD_INVALID, "spec.dnsConfig.searches", searches, "must not have more than 32 search paths");
    size_t total = 0;
    cJSON_ArrayForEach(e, searches) total += (cJSON_IsString(e) ? strlen(e->valuestring) : 0) + (total ? 1 : 0);
    if (total > 2048)
        field_error_add(errs, FIELD_INVALID, "spec.dnsConfig.searches", searches,
                        "must not have more than 2048 characters (including spaces) in the search list");
    i = 0;
    cJSON_ArrayForEach(e, searches) {
        char p[64], trimmed[300];
        pj_index(p, sizeof p, "spec.dnsConfig.searches", i++);
        snprintf(trimmed, sizeof trimmed, "%s", cJSON_IsString(e) ? e->valuestring : "");
        size_t l = strlen(trimmed);
        if (l && trimmed[l - 1] == '.') trimmed[l - 1] = '\0';
        check_name(errs, p, trimmed, dns_subdomain);
    }
    i = 0;
    cJSON_ArrayForEach(e, json_get(cfg, "options")) {
        char p[64];
        pj_index(p, sizeof p, "spec.dnsConfig.options", i++);
        if (!pj_has_str(e, "name")) field_error_add(errs, FIELD_REQUIRED, p, NULL, "must not be empty");
    }
}

static void validate_host_network_ports(const cJSON *spec, field_errors *errs)
{
    if (!cJSON_IsTrue(json_get(spec, "hostNetwork"))) return;
    int ci = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, json_get(spec, "containers")) {
        int pi = 0;
        const cJSON *port;
        cJSON_ArrayForEach(port, json_get(c, "ports")) {
            int64_t hp = 0, cp = 0;
            pj_is_int(json_get(port, "hostPort"), &hp);
            pj_is_int(json_get(port, "containerPort"), &cp);
            if (hp != cp) {
                char p[128];
                snprintf(p, sizeof p, "spec.containers[%d].ports[%d].hostPort", ci, pi);
                field_error_add_int(errs, FIELD_INVALID, p, hp, "must match `containerPort` when `hostNetwork` is true");
            }
            pi++;
        }
        ci++;
    }
}

static void validate_pod_resource_claims(const cJSON *claims, field_errors *errs)
{
    int i = 0;
    const cJSON *c, *d;
    cJSON_ArrayForEach(c, claims) {
        char idx[64], p[96];
        pj_index(idx, sizeof idx, "spec.resourceClaims", i);
        pj_child(p, sizeof p, idx, "name");
        const char *name = json_str(c, "name");
        int dup = 0, j = 0;
        cJSON_ArrayForEach(d, claims) { if (j++ < i && !strcmp(json_str(d, "name"), name)) dup = 1; }
        if (!*name) field_error_add(errs, FIELD_REQUIRED, p, NULL, NULL);
        else if (dup) field_error_add_str(errs, FIELD_DUPLICATE, p, name, NULL);
        else check_name(errs, p, name, dns_label);
        int has_claim = json_get(c, "resourceClaimName") != NULL, has_tmpl = json_get(c, "resourceClaimTemplateName") != NULL;
        if (has_claim && has_tmpl)
            field_error_add(errs, FIELD_INVALID, idx, c, "at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified");
        if (!has_claim && !has_tmpl)
            field_error_add(errs, FIELD_INVALID, idx, c, "must specify one of: `resourceClaimName`, `resourceClaimTemplateName`");
        i++;
    }
}

static void validate_os(const cJSON *spec, field_errors *errs)
{
    const cJSON *os = json_get(spec, "os");
    if (!os) return;
    const char *name = json_str(os, "name");
    if (!*name) { field_error_add(errs, FIELD_REQUIRED, "spec.os.name", NULL, "cannot be empty"); return; }
    if (strcmp(name, "linux") && strcmp(name, "windows")) {
        static const char *const valid[] = {"linux", "windows", NULL};
        field_error_not_supported(errs, "spec.os", name, valid);
        return;
    }
    const cJSON *sc = json_get(spec, "securityContext");
    if (!strcmp(name, "linux")) {
        if (json_get(sc, "windowsOptions"))
            field_error_add(errs, FIELD_FORBIDDEN, "spec.securityContext.windowsOptions", NULL, "windows options cannot be set for a linux pod");
        return;
    }
    static const struct { const char *key, *path; } pod_level[] = {
        {"appArmorProfile", "spec.securityContext.appArmorProfile"}, {"seLinuxOptions", "spec.securityContext.seLinuxOptions"},
        {"seccompProfile", "spec.securityContext.seccompProfile"}, {"fsGroup", "spec.securityContext.fsGroup"},
        {"fsGroupChangePolicy", "spec.securityContext.fsGroupChangePolicy"}, {"sysctls", "spec.securityContext.sysctls"},
        {"runAsUser", "spec.securityContext.runAsUser"}, {"runAsGroup", "spec.securityContext.runAsGroup"},
        {"supplementalGroups", "spec.securityContext.supplementalGroups"},
        {"supplementalGroupsPolicy", "spec.securityContext.supplementalGroupsPolicy"}};
    if (json_get(spec, "hostUsers")) field_error_add(errs, FIELD_FORBIDDEN, "spec.hostUsers", NULL, "cannot be set for a windows pod");
    if (cJSON_IsTrue(json_get(spec, "hostPID"))) field_error_add(errs, FIELD_FORBIDDEN, "spec.hostPID", NULL, "cannot be set for a windows pod");
    if (cJSON_IsTrue(json_get(spec, "hostIPC"))) field_error_add(errs, FIELD_FORBIDDEN, "spec.hostIPC", NULL, "cannot be set for a windows pod");
    if (json_get(spec, "shareProcessNamespace")) field_error_add(errs, FIELD_FORBIDDEN, "spec.shareProcessNamespace", NULL, "cannot be set for a windows pod");
    for (size_t i = 0; i < sizeof pod_level / sizeof pod_level[0]; i++)
        if (json_get(sc, pod_level[i].key)) field_error_add(errs, FIELD_FORBIDDEN, pod_level[i].path, NULL, "cannot be set for a windows pod");
}

void pod_validate_spec(const cJSON *spec, const cJSON *meta, field_errors *errs)
{
    if (!json_get(spec, "terminationGracePeriodSeconds"))
        field_error_add(errs, FIELD_REQUIRED, "spec.terminationGracePeriodSeconds", NULL, NULL);
    const cJSON *volumes = json_get(spec, "volumes");
    pod_volume_set valid = {kapi_xcalloc((size_t)cJSON_GetArraySize(volumes) + 1, sizeof(const cJSON *)), 0};
    pod_validate_volumes(volumes, json_str(meta, "name"), errs, &valid);
    validate_pod_resource_claims(json_get(spec, "resourceClaims"), errs);
    pod_validate_containers(spec, &valid, errs);
    free(valid.items);
    validate_host_network_ports(spec, errs);
    const char *restart = json_str(spec, "restartPolicy");
    if (!*restart) field_error_add(errs, FIELD_REQUIRED, "spec.restartPolicy", NULL, NULL);
    else if (strcmp(restart, "Always") && strcmp(restart, "OnFailure") && strcmp(restart, "Never")) {
        static const char *const valid[] = {"Always", "OnFailure", "Never", NULL};
        field_error_not_supported(errs, "spec.restartPolicy", restart, valid);
    }
    const char *dns = json_str(spec, "dnsPolicy");
    if (!*dns) field_error_add(errs, FIELD_REQUIRED, "spec.dnsPolicy", NULL, NULL);
    else if (strcmp(dns, "ClusterFirstWithHostNet") && strcmp(dns, "ClusterFirst") && strcmp(dns, "Default") && strcmp(dns, "None")) {
        static const char *const valid[] = {"ClusterFirstWithHostNet", "ClusterFirst", "Default", "None", NULL};
        field_error_not_supported(errs, "spec.dnsPolicy", dns, valid);
    }
    validate_labels(json_get(spec, "nodeSelector"), "spec.nodeSelector", errs);
    pod_validate_security(spec, errs);
    validate_dns_config(spec, errs);
    int i = 0;
    const cJSON *e, *d;
    cJSON_ArrayForEach(e, json_get(spec, "readinessGates")) {
        char p[96];
        snprintf(p, sizeof p, "spec.readinessGates[%d].conditionType", i++);
        check_name(errs, p, json_str(e, "conditionType"), qualified_name);
    }
    i = 0;
    const cJSON *gates = json_get(spec, "schedulingGates");
    cJSON_ArrayForEach(e, gates) {
        char p[64];
        pj_index(p, sizeof p, "spec.schedulingGates", i);
        const char *name = json_str(e, "name");
        check_name(errs, p, name, qualified_name);
        int j = 0, dup = 0;
        cJSON_ArrayForEach(d, gates) { if (j++ < i && !strcmp(json_str(d, "name"), name)) dup = 1; }
        if (dup) field_error_add_str(errs, FIELD_DUPLICATE, p, name, NULL);
        i++;
    }
    if (cJSON_IsFalse(json_get(spec, "hostUsers"))) {
        if (cJSON_IsTrue(json_get(spec, "hostNetwork")))
            field_error_add(errs, FIELD_FORBIDDEN, "spec.hostNetwork", NULL, "when `pod.Spec.HostUsers` is false");
        if (cJSON_IsTrue(json_get(spec, "hostPID")))
            field_error_add(errs, FIELD_FORBIDDEN, "spec.HostPID", NULL, "when `pod.Spec.HostUsers` is false");
        if (cJSON_IsTrue(json_get(spec, "hostIPC")))
            field_error_add(errs, FIELD_FORBIDDEN, "spec.HostIPC", NULL, "when `pod.Spec.HostUsers` is false");
    }
    if (pj_has_str(spec, "serviceAccountName")) {
        validation_messages m = {0};
        name_is_dns1123_subdomain(json_str(spec, "serviceAccountName"), 0, &m);
        add_invalid_value_for_each_message(errs, "spec.serviceAccountName", json_str(spec, "serviceAccountName"), &m);
    }
    if (pj_has_str(spec, "nodeName")) {
        validation_messages m = {0};
        name_is_dns1123_subdomain(json_str(spec, "nodeName"), 0, &m);
        add_invalid_value_for_each_message(errs, "spec.nodeName", json_str(spec, "nodeName"), &m);
    }
    int64_t ads;
    if (pj_is_int(json_get(spec, "activeDeadlineSeconds"), &ads) && (ads < 1 || ads > 2147483647))
        field_error_add_int(errs, FIELD_INVALID, "spec.activeDeadlineSeconds", ads, "must be between 1 and 2147483647, inclusive");
    if (pj_has_str(spec, "hostname")) check_name(errs, "spec.hostname", json_str(spec, "hostname"), dns_label);
    if (pj_has_str(spec, "subdomain")) check_name(errs, "spec.subdomain", json_str(spec, "subdomain"), dns_label);
    pod_validate_tolerations(json_get(spec, "tolerations"), "spec.tolerations", errs);
    i = 0;
    cJSON_ArrayForEach(e, json_get(spec, "hostAliases")) {
        char idx[64], p[96];
        pj_index(idx, sizeof idx, "spec.hostAliases", i++);
        pj_child(p, sizeof p, idx, "ip");
        check_ip(errs, p, json_str(e, "ip"));
        int j = 0;
        cJSON_ArrayForEach(d, json_get(e, "hostnames")) {
            char hp[128];
            snprintf(hp, sizeof hp, "%s.hostnames[%d]", idx, j++);
            check_name(errs, hp, cJSON_IsString(d) ? d->valuestring : "", dns_subdomain);
        }
    }
    if (pj_has_str(spec, "priorityClassName")) {
        validation_messages m = {0};
        name_is_dns1123_subdomain(json_str(spec, "priorityClassName"), 0, &m);
        add_invalid_value_for_each_message(errs, "spec.priorityClassName", json_str(spec, "priorityClassName"), &m);
    }
    const cJSON *rc = json_get(spec, "runtimeClassName");
    if (rc) {
        validation_messages m = {0};
        name_is_dns1123_subdomain(cJSON_IsString(rc) ? rc->valuestring : "", 0, &m);
        add_invalid_value_for_each_message(errs, "spec.runtimeClassName", cJSON_IsString(rc) ? rc->valuestring : "", &m);
    }
    const cJSON *pp = json_get(spec, "preemptionPolicy");
    if (pp) {
        const char *v = cJSON_IsString(pp) ? pp->valuestring : "";
        if (!*v) field_error_add(errs, FIELD_REQUIRED, "spec.preemptionPolicy", NULL, NULL);
        else if (strcmp(v, "PreemptLowerPriority") && strcmp(v, "Never")) {
            static const char *const valid[] = {"PreemptLowerPriority", "Never", NULL};
            field_error_not_supported(errs, "spec.preemptionPolicy", v, valid);
        }
    }
    const cJSON *overhead = json_get(spec, "overhead");
    if (overhead) {
        cJSON *wrap = cJSON_CreateObject();
        if (wrap) {
            cJSON_AddItemReferenceToObject(wrap, "limits", (cJSON *)overhead);
            pod_validate_resources(wrap, "spec.overhead", 1, errs);
            cJSON_Delete(wrap);
        }
    }
    validate_os(spec, errs);
}

/* ---- the Pod */

static void validate_pod_annotations(const cJSON *meta, const cJSON *spec, field_errors *errs)
{
    const cJSON *ann = json_get(meta, "annotations");
    const cJSON *mirror = json_get(ann, "kubernetes.io/config.mirror");
    if (mirror && !pj_has_str(spec, "nodeName"))
        field_error_add(errs, FIELD_INVALID, "metadata.annotations[kubernetes.io/config.mirror]", mirror,
                        "must set spec.nodeName if mirror pod annotation is set");
    const cJSON *cost = json_get(ann, "controller.kubernetes.io/pod-deletion-cost");
    if (cost) {
        const char *s = cJSON_IsString(cost) ? cost->valuestring : "";
        char *end = NULL;
        long long v = strtoll(s, &end, 10);
        if (!*s || *end || v < -2147483648LL || v > 2147483647LL)
            field_error_add(errs, FIELD_INVALID, "metadata.annotations[controller.kubernetes.io/pod-deletion-cost]", cost,
                            "must be a 32bit integer");
    }
}

/* The pod's own rules; creating: ValidatePodCreate's, which an update
 * (of a pod pods/ephemeralcontainers may have added to) does not check. */
static void validate_pod(const cJSON *pod, int creating, field_errors *errs)
{
    const cJSON *meta = json_get(pod, "metadata");
    const cJSON *spec = json_get(pod, "spec");
    validate_pod_annotations(meta, spec, errs);
    pod_validate_spec(spec, meta, errs);
    if (!pj_has_str(spec, "serviceAccountName")) {
        int vi = 0;
        const cJSON *vol;
        cJSON_ArrayForEach(vol, json_get(spec, "volumes")) {
            int si = 0;
            const cJSON *src;
            cJSON_ArrayForEach(src, json_get(json_get(vol, "projected"), "sources")) {
                if (json_get(src, "serviceAccountToken")) {
                    char p[128];
                    snprintf(p, sizeof p, "spec.volumes[%d].projected.sources[%d].serviceAccountToken", vi, si);
                    field_error_add(errs, FIELD_FORBIDDEN, p, NULL, "must not be specified when serviceAccountName is not set");
                }
                si++;
            }
            vi++;
        }
    }
    static const char *const lists[] = {"containers", "initContainers"};
    for (int l = 0; l < 2; l++) {
        int i = 0;
        const cJSON *c;
        cJSON_ArrayForEach(c, json_get(spec, lists[l])) {
            const char *image = json_str(c, "image");
            size_t n = strlen(image);
            if (n && (image[0] == ' ' || image[0] == '\t' || image[0] == '\n' || image[0] == '\r' ||
                      image[n - 1] == ' ' || image[n - 1] == '\t' || image[n - 1] == '\n' || image[n - 1] == '\r')) {
                char p[96];
                snprintf(p, sizeof p, "spec.%s[%d].image", lists[l], i);
                field_error_add_str(errs, FIELD_INVALID, p, image, "must not have leading or trailing whitespace");
            }
            i++;
        }
    }
    /* ValidatePodCreate only: an update keeps the ephemeral containers that
     * pods/ephemeralcontainers added */
    if (creating && cJSON_GetArraySize(json_get(spec, "ephemeralContainers")) > 0)
        field_error_add(errs, FIELD_FORBIDDEN, "spec.ephemeralContainers", NULL, "cannot be set on create");
    if (pj_has_str(spec, "nodeName") && cJSON_GetArraySize(json_get(spec, "schedulingGates")) > 0)
        field_error_add(errs, FIELD_FORBIDDEN, "spec.nodeName", NULL, "cannot be set until all schedulingGates have been cleared");
}

void pod_validate(const cJSON *pod, field_errors *errs)
{
    validate_pod(pod, 1, errs);
}

void pod_validate_on_update(const cJSON *pod, field_errors *errs)
{
    validate_pod(pod, 0, errs);
}
