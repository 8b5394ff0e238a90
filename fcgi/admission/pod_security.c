/* pod_security.c: the PodSecurity plugin (k8s.io/pod-security-admission)
 * with the Pod Security Standards' baseline and restricted checks.
 *
 * The namespace's labels pod-security.kubernetes.io/enforce, warn and
 * audit (each with -version, default "latest") name a level: privileged,
 * baseline or restricted (an unknown level is restricted, as kube
 * evaluates a bad label). A pod created in violation of the enforce level
 * is refused (403 `pods "x" is forbidden: violates PodSecurity
 * "restricted:latest": ...`); a violation of the warn level is a Warning
 * (`would violate PodSecurity "restricted:latest": ...`). The workload
 * kinds (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob,
 * ReplicationController, PodTemplate) are checked on their pod template
 * against the enforce and warn levels, with Warnings only. Each failed
 * check reads `reason (detail)` in kube's words, ordered by check id, as
 * kube joins them. Every version is judged by the latest checks; audit
 * (there is no audit log) and the AppArmor, SELinux and Windows
 * host-process checks are not done. */
#include <stdio.h>
#include <string.h>
#include "admission/admission.h"
#include "admission/pod_security.h"
#include "codec/jsonpath.h"
#include "store/store.h"

static const char *plural(const char *one, const char *many, int n) { return n == 1 ? one : many; }

/* a list of names as joinQuote writes it: "a", "b" */
typedef struct names { const char *v[64]; int n; } names;

static void names_add(names *l, const char *s)
{
    for (int i = 0; i < l->n; i++) if (!strcmp(l->v[i], s)) return;
    if (l->n < 64) l->v[l->n++] = s;
}

static void names_sort(names *l)
{
    for (int i = 1; i < l->n; i++)
        for (int k = i; k > 0 && strcmp(l->v[k - 1], l->v[k]) > 0; k--) {
            const char *t = l->v[k]; l->v[k] = l->v[k - 1]; l->v[k - 1] = t;
        }
}

static const char *join_quote(kapi_pool *p, const names *l)
{
    kapi_buf *b = kapi_pool_buf(p);
    for (int i = 0; i < l->n; i++) kapi_buf_printf(b, "%s\"%s\"", i ? ", " : "", l->v[i]);
    kapi_buf_putc(b, '\0');
    return b->data;
}

/* the containers in kube's VisitContainers order */
static int each_container(const cJSON *spec, int i, const cJSON **out)
{
    const char *const lists[] = {"initContainers", "containers", "ephemeralContainers"};
    for (int l = 0; l < 3; l++) {
        int n = cJSON_GetArraySize(json_get(spec, lists[l]));
        if (i < n) { *out = cJSON_GetArrayItem(json_get(spec, lists[l]), i); return 1; }
        i -= n;
    }
    return 0;
}
#define FOR_CONTAINERS(spec, c) for (int ci_ = 0; each_container(spec, ci_, &c); ci_++)

typedef struct result { kapi_buf *out; kapi_pool *pool; } result;

static void fail(result *r, const char *reason, const char *detail)
{
    if (r->out->len) kapi_buf_puts(r->out, ", ");
    if (detail && *detail) kapi_buf_printf(r->out, "%s (%s)", reason, detail);
    else kapi_buf_puts(r->out, reason);
}

static const cJSON *csc(const cJSON *c) { return json_get(c, "securityContext"); }

/* ---- the checks, one function each, called in check-id order */

static void allow_privilege_escalation(result *r, const cJSON *spec)
{
    names bad = {0};
    const cJSON *c;
    FOR_CONTAINERS(spec, c) if (!cJSON_IsFalse(json_get(csc(c), "allowPrivilegeEscalation"))) names_add(&bad, json_str(c, "name"));
    if (bad.n)
        fail(r, "allowPrivilegeEscalation != false", kapi_psprintf(r->pool, "%s %s must set securityContext.allowPrivilegeEscalation=false",
                                                                  plural("container", "containers", bad.n), join_quote(r->pool, &bad)));
}

static int in_list(const char *s, const char *const *list)
{
    for (int i = 0; list[i]; i++) if (!strcmp(s, list[i])) return 1;
    return 0;
}

static void capabilities(result *r, const cJSON *spec, int restricted)
{
    static const char *const baseline_ok[] = {"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
                                             "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT", NULL};
    static const char *const restricted_ok[] = {"NET_BIND_SERVICE", NULL};
    names no_drop = {0}, adders = {0}, caps = {0};
    const cJSON *c, *e;
    FOR_CONTAINERS(spec, c) {
        const cJSON *cap = json_get(csc(c), "capabilities");
        int drops_all = 0;
        cJSON_ArrayForEach(e, json_get(cap, "drop")) if (cJSON_IsString(e) && !strcmp(e->valuestring, "ALL")) drops_all = 1;
        if (restricted && !drops_all) names_add(&no_drop, json_str(c, "name"));
        int bad = 0;
        cJSON_ArrayForEach(e, json_get(cap, "add")) {
            if (!cJSON_IsString(e) || in_list(e->valuestring, restricted ? restricted_ok : baseline_ok)) continue;
            names_add(&caps, e->valuestring);
            bad = 1;
        }
        if (bad) names_add(&adders, json_str(c, "name"));
    }
    names_sort(&caps);
    const char *add_detail = adders.n ? kapi_psprintf(r->pool, "%s %s must not include %s in securityContext.capabilities.add",
                                                      plural("container", "containers", adders.n), join_quote(r->pool, &adders),
                                                      join_quote(r->pool, &caps))
                                      : NULL;
    if (!restricted) {
        if (add_detail) fail(r, "non-default capabilities", add_detail);
        return;
    }
    if (!no_drop.n && !add_detail) return;
    const char *drop_detail = no_drop.n ? kapi_psprintf(r->pool, "%s %s must set securityContext.capabilities.drop=[\"ALL\"]",
                                                        plural("container", "containers", no_drop.n), join_quote(r->pool, &no_drop))
                                        : NULL;
    fail(r, "unrestricted capabilities",
         drop_detail && add_detail ? kapi_psprintf(r->pool, "%s; %s", drop_detail, add_detail) : drop_detail ? drop_detail : add_detail);
}

static void host_namespaces(result *r, const cJSON *spec)
{
    kapi_buf *b = kapi_pool_buf(r->pool);
    const char *const keys[] = {"hostNetwork", "hostPID", "hostIPC"};
    for (int i = 0; i < 3; i++)
        if (cJSON_IsTrue(json_get(spec, keys[i]))) kapi_buf_printf(b, "%s%s=true", b->len ? ", " : "", keys[i]);
    if (!b->len) return;
    kapi_buf_putc(b, '\0');
    fail(r, "host namespaces", b->data);
}

static void host_path_volumes(result *r, const cJSON *spec)
{
    names bad = {0};
    const cJSON *v;
    cJSON_ArrayForEach(v, json_get(spec, "volumes")) if (json_get(v, "hostPath")) names_add(&bad, json_str(v, "name"));
    if (bad.n)
        fail(r, "hostPath volumes", kapi_psprintf(r->pool, "%s %s", plural("volume", "volumes", bad.n), join_quote(r->pool, &bad)));
}

static void host_ports(result *r, const cJSON *spec)
{
    names bad = {0};
    kapi_buf *ports = kapi_pool_buf(r->pool);
    int n_ports = 0;
    const cJSON *c, *p;
    FOR_CONTAINERS(spec, c) {
        cJSON_ArrayForEach(p, json_get(c, "ports")) {
            const cJSON *hp = json_get(p, "hostPort");
            if (!cJSON_IsNumber(hp) || hp->valuedouble == 0) continue;
            names_add(&bad, json_str(c, "name"));
            kapi_buf_printf(ports, "%s%lld", n_ports++ ? ", " : "", (long long)hp->valuedouble);
        }
    }
    if (!bad.n) return;
    kapi_buf_putc(ports, '\0');
    fail(r, "hostPort", kapi_psprintf(r->pool, "%s %s %s %s %s", plural("container", "containers", bad.n), join_quote(r->pool, &bad),
                                      plural("uses", "use", bad.n), plural("hostPort", "hostPorts", n_ports), ports->data));
}

static void privileged(result *r, const cJSON *spec)
{
    names bad = {0};
    const cJSON *c;
    FOR_CONTAINERS(spec, c) if (cJSON_IsTrue(json_get(csc(c), "privileged"))) names_add(&bad, json_str(c, "name"));
    if (bad.n)
        fail(r, "privileged", kapi_psprintf(r->pool, "%s %s must not set securityContext.privileged=true",
                                            plural("container", "containers", bad.n), join_quote(r->pool, &bad)));
}

static void proc_mount(result *r, const cJSON *spec)
{
    names bad = {0}, values = {0};
    const cJSON *c;
    FOR_CONTAINERS(spec, c) {
        const char *pm = json_str(csc(c), "procMount");
        if (!*pm || !strcmp(pm, "Default")) continue;
        names_add(&bad, json_str(c, "name"));
        names_add(&values, pm);
    }
    if (bad.n)
        fail(r, "procMount", kapi_psprintf(r->pool, "%s %s must not set securityContext.procMount to %s",
                                           plural("container", "containers", bad.n), join_quote(r->pool, &bad), join_quote(r->pool, &values)));
}

static void restricted_volumes(result *r, const cJSON *spec)
{
    static const char *const allowed[] = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim",
                                          "projected", "secret", NULL};
    names bad = {0}, types = {0};
    const cJSON *v, *f;
    cJSON_ArrayForEach(v, json_get(spec, "volumes")) {
        cJSON_ArrayForEach(f, v) {
            if (!strcmp(f->string, "name") || in_list(f->string, allowed) || cJSON_IsNull(f)) continue;
            names_add(&bad, json_str(v, "name"));
            names_add(&types, f->string);
        }
    }
    if (!bad.n) return;
    names_sort(&types);
    fail(r, "restricted volume types", kapi_psprintf(r->pool, "%s %s %s %s %s", plural("volume", "volumes", bad.n), join_quote(r->pool, &bad),
                                                     plural("uses", "use", bad.n),
                                                     plural("restricted volume type", "restricted volume types", types.n),
                                                     join_quote(r->pool, &types)));
}

static void run_as_non_root(result *r, const cJSON *spec)
{
    const cJSON *pod = json_get(json_get(spec, "securityContext"), "runAsNonRoot");
    names set_false = {0}, unset = {0};
    const cJSON *c;
    FOR_CONTAINERS(spec, c) {
        const cJSON *v = json_get(csc(c), "runAsNonRoot");
        if (cJSON_IsFalse(v)) names_add(&set_false, json_str(c, "name"));
        else if (!cJSON_IsTrue(v) && !cJSON_IsTrue(pod)) names_add(&unset, json_str(c, "name"));
    }
    kapi_buf *b = kapi_pool_buf(r->pool);
    if (cJSON_IsFalse(pod)) kapi_buf_puts(b, "pod must not set securityContext.runAsNonRoot=false");
    if (set_false.n)
        kapi_buf_printf(b, "%s%s %s must not set securityContext.runAsNonRoot=false", b->len ? "; " : "",
                        plural("container", "containers", set_false.n), join_quote(r->pool, &set_false));
    if (unset.n && !cJSON_IsFalse(pod))
        kapi_buf_printf(b, "%spod or %s %s must set securityContext.runAsNonRoot=true", b->len ? "; " : "",
                        plural("container", "containers", unset.n), join_quote(r->pool, &unset));
    if (!b->len) return;
    kapi_buf_putc(b, '\0');
    fail(r, "runAsNonRoot != true", b->data);
}

static void run_as_user(result *r, const cJSON *spec)
{
    kapi_buf *b = kapi_pool_buf(r->pool);
    const cJSON *u = json_get(json_get(spec, "securityContext"), "runAsUser");
    if (cJSON_IsNumber(u) && u->valuedouble == 0) kapi_buf_puts(b, "pod must not set runAsUser=0");
    names bad = {0};
    const cJSON *c;
    FOR_CONTAINERS(spec, c) {
        const cJSON *v = json_get(csc(c), "runAsUser");
        if (cJSON_IsNumber(v) && v->valuedouble == 0) names_add(&bad, json_str(c, "name"));
    }
    if (bad.n)
        kapi_buf_printf(b, "%s%s %s must not set runAsUser=0", b->len ? "; " : "", plural("container", "containers", bad.n),
                        join_quote(r->pool, &bad));
    if (!b->len) return;
    kapi_buf_putc(b, '\0');
    fail(r, "runAsUser=0", b->data);
}

static void seccomp(result *r, const cJSON *spec, int restricted)
{
    const char *pod = json_str(json_get(json_get(spec, "securityContext"), "seccompProfile"), "type");
    int pod_ok = !strcmp(pod, "RuntimeDefault") || !strcmp(pod, "Localhost");
    names bad = {0}, bad_types = {0}, unset = {0};
    const cJSON *c;
    FOR_CONTAINERS(spec, c) {
        const char *t = json_str(json_get(csc(c), "seccompProfile"), "type");
        if (!*t) { if (!pod_ok) names_add(&unset, json_str(c, "name")); continue; }
        if (!strcmp(t, "RuntimeDefault") || !strcmp(t, "Localhost") || (!restricted && strcmp(t, "Unconfined"))) continue;
        names_add(&bad, json_str(c, "name"));
        names_add(&bad_types, t);
    }
    kapi_buf *b = kapi_pool_buf(r->pool);
    if (*pod && !pod_ok && (restricted || !strcmp(pod, "Unconfined")))
        kapi_buf_printf(b, "pod must not set securityContext.seccompProfile.type to \"%s\"", pod);
    if (bad.n)
        kapi_buf_printf(b, "%s%s %s must not set securityContext.seccompProfile.type to %s", b->len ? "; " : "",
                        plural("container", "containers", bad.n), join_quote(r->pool, &bad), join_quote(r->pool, &bad_types));
    if (restricted && unset.n)
        kapi_buf_printf(b, "%spod or %s %s must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"",
                        b->len ? "; " : "", plural("container", "containers", unset.n), join_quote(r->pool, &unset));
    if (!b->len) return;
    kapi_buf_putc(b, '\0');
    fail(r, "seccompProfile", b->data);
}

static void sysctls(result *r, const cJSON *spec)
{
    static const char *const allowed[] = {"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
                                          "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies",
                                          "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
                                          "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
                                          "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", NULL};
    kapi_buf *b = kapi_pool_buf(r->pool);
    const cJSON *s;
    cJSON_ArrayForEach(s, json_get(json_get(spec, "securityContext"), "sysctls")) {
        const char *n = json_str(s, "name");
        if (!in_list(n, allowed)) kapi_buf_printf(b, "%s%s", b->len ? ", " : "", n);
    }
    if (!b->len) return;
    kapi_buf_putc(b, '\0');
    fail(r, "forbidden sysctls", b->data);
}

const char *pod_security_check(kapi_pool *p, const cJSON *spec, pod_security_level level)
{
    result r = {kapi_pool_buf(p), p};
    if (level == PSS_PRIVILEGED) return "";
    int restricted = level == PSS_RESTRICTED;
    /* in check-id order: allowPrivilegeEscalation, capabilities_*,
     * hostNamespaces, hostPathVolumes (restrictedVolumes overrides it),
     * hostPorts, privileged, procMount, restrictedVolumes, runAsNonRoot,
     * runAsUser, seccompProfile_*, sysctls */
    if (restricted) allow_privilege_escalation(&r, spec);
    capabilities(&r, spec, restricted);
    host_namespaces(&r, spec);
    if (!restricted) host_path_volumes(&r, spec);
    host_ports(&r, spec);
    privileged(&r, spec);
    proc_mount(&r, spec);
    if (restricted) {
        restricted_volumes(&r, spec);
        run_as_non_root(&r, spec);
        run_as_user(&r, spec);
    }
    seccomp(&r, spec, restricted);
    sysctls(&r, spec);
    kapi_buf_putc(r.out, '\0');
    return r.out->data;
}

pod_security_level pod_security_parse_level(const char *s)
{
    if (!s) return PSS_PRIVILEGED;
    if (!strcmp(s, "privileged")) return PSS_PRIVILEGED;
    if (!strcmp(s, "baseline")) return PSS_BASELINE;
    return PSS_RESTRICTED;   /* restricted, or a label kube cannot parse */
}

/* ---- the plugin */

static const char *const level_names[] = {"privileged", "baseline", "restricted"};

typedef struct ns_policy { pod_security_level level; const char *version; int set; } ns_policy;

static ns_policy policy_of(kapi_pool *p, const cJSON *labels, const char *mode)
{
    const cJSON *l = json_get(labels, kapi_psprintf(p, "pod-security.kubernetes.io/%s", mode));
    const cJSON *v = json_get(labels, kapi_psprintf(p, "pod-security.kubernetes.io/%s-version", mode));
    ns_policy np = {PSS_PRIVILEGED, "latest", 0};
    if (!cJSON_IsString(l)) return np;
    np.set = 1;
    np.level = pod_security_parse_level(l->valuestring);
    if (cJSON_IsString(v) && *v->valuestring) np.version = v->valuestring;
    return np;
}

static int is_workload(const admission_attrs *a, const char **template_path)
{
    static const struct { const char *group, *plural, *path; } kinds[] = {
        {"apps", "deployments", "spec.template.spec"}, {"apps", "replicasets", "spec.template.spec"},
        {"apps", "statefulsets", "spec.template.spec"}, {"apps", "daemonsets", "spec.template.spec"},
        {"batch", "jobs", "spec.template.spec"}, {"batch", "cronjobs", "spec.jobTemplate.spec.template.spec"},
        {"", "replicationcontrollers", "spec.template.spec"}, {"", "podtemplates", "template.spec"}};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (admission_is(a, kinds[i].group, kinds[i].plural)) { *template_path = kinds[i].path; return 1; }
    return 0;
}

static cJSON *pod_security_validate(const admission_attrs *a)
{
    const char *path = "spec";
    int pod = admission_is(a, "", "pods");
    if (!a->ns[0] || !cJSON_IsObject(a->obj)) return NULL;
    if (pod ? a->op != ADMIT_CREATE : (!is_workload(a, &path) || (a->op != ADMIT_CREATE && a->op != ADMIT_UPDATE)))
        return NULL;
    const cJSON *spec = json_at(a->obj, path);
    if (!spec) return NULL;
    store_kv kv;
    if (store_get(a->ctx->store, kapi_psprintf(a->pool, "/registry/namespaces/%s", a->ns), &kv) != STORE_OK) return NULL;
    cJSON *nsobj = kapi_pool_keep_json(a->pool, cJSON_Parse(kv.value));
    store_kv_free(&kv);
    const cJSON *labels = json_at(nsobj, "metadata.labels");
    ns_policy enforce = policy_of(a->pool, labels, "enforce"), warn = policy_of(a->pool, labels, "warn");
    /* the warn level's Warning (for a workload also the enforce level's) */
    const ns_policy *warned[] = {&warn, pod ? NULL : &enforce};
    for (int i = 0; i < 2; i++) {
        if (!warned[i] || !warned[i]->set) continue;
        const char *v = pod_security_check(a->pool, spec, warned[i]->level);
        if (*v)
            admission_warn(a, kapi_psprintf(a->pool, "would violate PodSecurity \"%s:%s\": %s", level_names[warned[i]->level],
                                            warned[i]->version, v));
    }
    if (!pod || !enforce.set) return NULL;
    const char *v = pod_security_check(a->pool, spec, enforce.level);
    if (!*v) return NULL;
    return admission_forbidden(a, kapi_psprintf(a->pool, "violates PodSecurity \"%s:%s\": %s", level_names[enforce.level],
                                                enforce.version, v));
}

const admission_plugin admission_pod_security = {
    .name = "PodSecurity",
    .validate = pod_security_validate,
};
