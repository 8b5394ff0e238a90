/* pod_defaults.c: kube-apiserver's defaulting of a core/v1 Pod
 * (SetObjectDefaults_Pod in pkg/apis/core/v1/zz_generated.defaults.go and
 * the SetDefaults_* functions of defaults.go, as in 1.32), and what a trip
 * through the internal types does to the JSON (pod_normalize). */
#include <string.h>
#include "codec/quantity.h"
#include "codec/jsonpath.h"
#include "registry/kinds/pod_internal.h"
#include "schema/schema.h"
#include "schema/schema_normalize.h"

/* ---- image references (github.com/distribution/reference, enough to find
 * the tag as parsers.ParseImageName does) */

static int is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

/* A path component: [a-z0-9]+ separated by ".", "_", "__" or runs of "-". */
static int valid_component(const char *s, size_t n)
{
    if (!n || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1])) return 0;
    for (size_t i = 0; i < n; i++) {
        if (is_lower_alnum(s[i])) continue;
        if (s[i] == '-') continue;
        if (s[i] == '.' || s[i] == '_') {
            size_t run = 1;
            while (i + run < n && s[i + run] == s[i]) run++;
            if (s[i] == '.' && run > 1) return 0;
            if (s[i] == '_' && run > 2) return 0;
            if (!is_lower_alnum(s[i + run])) return 0;
            i += run - 1;
            continue;
        }
        return 0;
    }
    return 1;
}

static int valid_domain(const char *s, size_t n)
{
    if (!n) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == ':' || c == '[' || c == ']'))
            return 0;
    }
    return 1;
}

static int valid_tag(const char *s, size_t n)
{
    if (!n || n > 128) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (!word && (i == 0 || (c != '.' && c != '-'))) return 0;
    }
    return 1;
}

/* 1 and the tag ("" when none) for a reference that parses; 0 otherwise. */
static int image_tag(const char *image, char *tag, size_t taglen, int *has_digest)
{
    size_t len = strlen(image);
    *has_digest = 0;
    tag[0] = '\0';
    const char *at = memchr(image, '@', len);
    size_t name_end = len;
    if (at) {
        const char *colon = strchr(at + 1, ':');
        if (!colon || colon == at + 1 || !colon[1]) return 0;
        *has_digest = 1;
        name_end = (size_t)(at - image);
    }
    /* the tag: after the last ':' that follows the last '/' */
    size_t last_slash = 0;
    int has_slash = 0;
    for (size_t i = 0; i < name_end; i++) if (image[i] == '/') { last_slash = i; has_slash = 1; }
    size_t repo_end = name_end;
    for (size_t i = has_slash ? last_slash + 1 : 0; i < name_end; i++) {
        if (image[i] != ':') continue;
        size_t tl = name_end - i - 1;
        if (!valid_tag(image + i + 1, tl) || tl + 1 > taglen) return 0;
        memcpy(tag, image + i + 1, tl);
        tag[tl] = '\0';
        repo_end = i;
        break;
    }
    if (!repo_end) return 0;
    /* the name: [domain/]component(/component)* in lower case */
    size_t start = 0;
    const char *first_slash = memchr(image, '/', repo_end);
    if (first_slash) {
        size_t dl = (size_t)(first_slash - image);
        int is_domain = memchr(image, '.', dl) || memchr(image, ':', dl) || (dl == 9 && !memcmp(image, "localhost", 9));
        for (size_t i = 0; i < dl; i++) if (image[i] >= 'A' && image[i] <= 'Z') is_domain = 1;
        if (is_domain) {
            if (!valid_domain(image, dl)) return 0;
            start = dl + 1;
        }
    }
    while (start < repo_end) {
        const char *slash = memchr(image + start, '/', repo_end - start);
        size_t end = slash ? (size_t)(slash - image) : repo_end;
        if (!valid_component(image + start, end - start)) return 0;
        start = end + 1;
        if (slash && start >= repo_end) return 0;
    }
    return 1;
}

const char *pod_default_pull_policy(const char *image)
{
    char tag[160];
    int digest;
    if (!image || !image_tag(image, tag, sizeof tag, &digest)) return "IfNotPresent";
    if (!tag[0] && !digest) return "Always";   /* no tag: "latest" */
    return !strcmp(tag, "latest") ? "Always" : "IfNotPresent";
}

/* ---- the SetDefaults_* functions */

static void default_str(cJSON *obj, const char *key, const char *value)
{
    if (!pj_has_str(obj, key)) json_set_str(obj, key, value);
}

static void default_num(cJSON *obj, const char *key, double value)
{
    if (!json_get(obj, key)) pj_set_num(obj, key, value);
}

/* SetDefaults_ResourceList: every quantity rounded up to milli units. */
static void default_resource_list(cJSON *list)
{
    if (!cJSON_IsObject(list)) return;
    for (int i = 0;; i++) {
        cJSON *e = cJSON_GetArrayItem(list, i);
        if (!e) break;
        quantity q;
        const char *err;
        if (cJSON_IsNull(e) || quantity_from_json(e, &q, &err)) continue;
        quantity_round_up(&q, -3);
        char text[64];
        quantity_format_canonical(&q, text, sizeof text);
        cJSON *s = cJSON_CreateString(text);
        if (s) cJSON_ReplaceItemInObjectCaseSensitive(list, e->string, s);
    }
}

static void default_field_ref(cJSON *holder)
{
    cJSON *fr = cJSON_GetObjectItemCaseSensitive(holder, "fieldRef");
    if (cJSON_IsObject(fr)) default_str(fr, "apiVersion", "v1");
}

static void default_http_get(cJSON *holder)
{
    cJSON *h = cJSON_GetObjectItemCaseSensitive(holder, "httpGet");
    if (!cJSON_IsObject(h)) return;
    default_str(h, "path", "/");
    default_str(h, "scheme", "HTTP");
}

static void default_probe(cJSON *probe)
{
    if (!cJSON_IsObject(probe)) return;
    static const struct { const char *key; double value; } d[] = {
        {"timeoutSeconds", 1}, {"periodSeconds", 10}, {"successThreshold", 1}, {"failureThreshold", 3}};
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++) {
        const cJSON *v = json_get(probe, d[i].key);
        if (!v || (cJSON_IsNumber(v) && v->valuedouble == 0)) pj_set_num(probe, d[i].key, d[i].value);
    }
    default_http_get(probe);
    cJSON *grpc = cJSON_GetObjectItemCaseSensitive(probe, "grpc");
    if (cJSON_IsObject(grpc) && !json_get(grpc, "service")) json_set_str(grpc, "service", "");
}

/* SetDefaults_Container and the generated defaults of its members. */
static void default_container(cJSON *c)
{
    if (!cJSON_IsObject(c)) return;
    if (!pj_has_str(c, "imagePullPolicy")) json_set_str(c, "imagePullPolicy", pod_default_pull_policy(json_str(c, "image")));
    default_str(c, "terminationMessagePath", "/dev/termination-log");
    default_str(c, "terminationMessagePolicy", "File");
    cJSON *ports = cJSON_GetObjectItemCaseSensitive(c, "ports"), *p;
    cJSON_ArrayForEach(p, ports) if (cJSON_IsObject(p)) default_str(p, "protocol", "TCP");
    cJSON *env = cJSON_GetObjectItemCaseSensitive(c, "env"), *e;
    cJSON_ArrayForEach(e, env) {
        cJSON *vf = cJSON_GetObjectItemCaseSensitive(e, "valueFrom");
        if (cJSON_IsObject(vf)) default_field_ref(vf);
    }
    cJSON *res = cJSON_GetObjectItemCaseSensitive(c, "resources");
    if (cJSON_IsObject(res)) {
        default_resource_list(cJSON_GetObjectItemCaseSensitive(res, "limits"));
        default_resource_list(cJSON_GetObjectItemCaseSensitive(res, "requests"));
    }
    default_probe(cJSON_GetObjectItemCaseSensitive(c, "livenessProbe"));
    default_probe(cJSON_GetObjectItemCaseSensitive(c, "readinessProbe"));
    default_probe(cJSON_GetObjectItemCaseSensitive(c, "startupProbe"));
    cJSON *lc = cJSON_GetObjectItemCaseSensitive(c, "lifecycle");
    if (cJSON_IsObject(lc)) {
        cJSON *h = cJSON_GetObjectItemCaseSensitive(lc, "postStart");
        if (cJSON_IsObject(h)) default_http_get(h);
        h = cJSON_GetObjectItemCaseSensitive(lc, "preStop");
        if (cJSON_IsObject(h)) default_http_get(h);
    }
}

/* SetDefaults_Pod: requests default to limits (containers and init
 * containers), enableServiceLinks, host ports under hostNetwork. */
static void default_requests_from_limits(cJSON *containers)
{
    cJSON *c;
    cJSON_ArrayForEach(c, containers) {
        cJSON *res = cJSON_GetObjectItemCaseSensitive(c, "resources");
        const cJSON *limits = json_get(res, "limits");
        if (!cJSON_IsObject(limits)) continue;
        cJSON *requests = json_object_member(res, "requests");
        const cJSON *l;
        cJSON_ArrayForEach(l, limits) {
            if (!cJSON_GetObjectItemCaseSensitive(requests, l->string))
                cJSON_AddItemToObject(requests, l->string, cJSON_Duplicate(l, 1));
        }
    }
}

static void default_host_ports(cJSON *containers)
{
    cJSON *c;
    cJSON_ArrayForEach(c, containers) {
        cJSON *ports = cJSON_GetObjectItemCaseSensitive(c, "ports"), *p;
        cJSON_ArrayForEach(p, ports) {
            int64_t hp = 0, cp = 0;
            pj_is_int(json_get(p, "hostPort"), &hp);
            if (hp == 0 && pj_is_int(json_get(p, "containerPort"), &cp)) pj_set_num(p, "hostPort", (double)cp);
        }
    }
}

static int has_volume_source(const cJSON *vol)
{
    const schema_type *volume = schema_type_named("io.k8s.api.core.v1.Volume");
    const cJSON *item;
    cJSON_ArrayForEach(item, vol) {
        if (cJSON_IsNull(item) || !strcmp(item->string, "name")) continue;
        if (schema_field_named(volume, item->string)) return 1;
    }
    return 0;
}

static void default_mode(cJSON *src) { if (cJSON_IsObject(src)) default_num(src, "defaultMode", 420); }

static void default_volume(cJSON *vol)
{
    if (!cJSON_IsObject(vol)) return;
    if (!has_volume_source(vol)) json_object_member(vol, "emptyDir");   /* SetDefaults_Volume */
    cJSON *s;
    if (cJSON_IsObject(s = cJSON_GetObjectItemCaseSensitive(vol, "hostPath")) && !json_get(s, "type"))
        json_set_str(s, "type", "");
    default_mode(cJSON_GetObjectItemCaseSensitive(vol, "secret"));
    default_mode(cJSON_GetObjectItemCaseSensitive(vol, "configMap"));
    if (cJSON_IsObject(s = cJSON_GetObjectItemCaseSensitive(vol, "downwardAPI"))) {
        default_mode(s);
        cJSON *it, *items = cJSON_GetObjectItemCaseSensitive(s, "items");
        cJSON_ArrayForEach(it, items) default_field_ref(it);
    }
    if (cJSON_IsObject(s = cJSON_GetObjectItemCaseSensitive(vol, "projected"))) {
        default_mode(s);
        cJSON *src, *sources = cJSON_GetObjectItemCaseSensitive(s, "sources");
        cJSON_ArrayForEach(src, sources) {
            cJSON *d = cJSON_GetObjectItemCaseSensitive(src, "downwardAPI");
            cJSON *it, *items = cJSON_GetObjectItemCaseSensitive(d, "items");
            cJSON_ArrayForEach(it, items) default_field_ref(it);
            cJSON *tok = cJSON_GetObjectItemCaseSensitive(src, "serviceAccountToken");
            if (cJSON_IsObject(tok)) default_num(tok, "expirationSeconds", 3600);
        }
    }
    if (cJSON_IsObject(s = cJSON_GetObjectItemCaseSensitive(vol, "iscsi"))) default_str(s, "iscsiInterface", "default");
    if (cJSON_IsObject(s = cJSON_GetObjectItemCaseSensitive(vol, "rbd"))) {
        default_str(s, "pool", "rbd");
        default_str(s, "user", "admin");
        default_str(s, "keyring", "/etc/ceph/keyring");
    }
    if (cJSON_IsObject(s = cJSON_GetObjectItemCaseSensitive(vol, "azureDisk"))) {
        default_str(s, "cachingMode", "ReadWrite");
        default_str(s, "fsType", "ext4");
        if (!json_get(s, "readOnly")) {
            cJSON_DeleteItemFromObjectCaseSensitive(s, "readOnly");
            cJSON_AddFalseToObject(s, "readOnly");
        }
        default_str(s, "kind", "Shared");
    }
    if (cJSON_IsObject(s = cJSON_GetObjectItemCaseSensitive(vol, "scaleIO"))) {
        default_str(s, "storageMode", "ThinProvisioned");
        default_str(s, "fsType", "xfs");
    }
    if (cJSON_IsObject(s = cJSON_GetObjectItemCaseSensitive(vol, "ephemeral"))) {
        cJSON *tmpl = cJSON_GetObjectItemCaseSensitive(s, "volumeClaimTemplate");
        cJSON *spec = cJSON_GetObjectItemCaseSensitive(tmpl, "spec");
        if (cJSON_IsObject(spec)) {
            default_str(spec, "volumeMode", "Filesystem");
            cJSON *res = cJSON_GetObjectItemCaseSensitive(spec, "resources");
            default_resource_list(cJSON_GetObjectItemCaseSensitive(res, "limits"));
            default_resource_list(cJSON_GetObjectItemCaseSensitive(res, "requests"));
        }
    }
}

void pod_set_defaults(cJSON *pod)
{
    if (!cJSON_IsObject(pod)) return;
    cJSON *spec = json_object_member(pod, "spec");
    if (!spec) return;
    cJSON *containers = cJSON_GetObjectItemCaseSensitive(spec, "containers");
    cJSON *inits = cJSON_GetObjectItemCaseSensitive(spec, "initContainers");
    cJSON *ephemeral = cJSON_GetObjectItemCaseSensitive(spec, "ephemeralContainers");
    /* SetDefaults_Pod */
    default_requests_from_limits(containers);
    default_requests_from_limits(inits);
    if (!json_get(spec, "enableServiceLinks")) {
        cJSON_DeleteItemFromObjectCaseSensitive(spec, "enableServiceLinks");
        cJSON_AddTrueToObject(spec, "enableServiceLinks");
    }
    if (cJSON_IsTrue(json_get(spec, "hostNetwork"))) {
        default_host_ports(containers);
        default_host_ports(inits);
    }
    /* SetDefaults_PodSpec */
    default_str(spec, "dnsPolicy", "ClusterFirst");
    default_str(spec, "restartPolicy", "Always");
    if (!json_get(spec, "securityContext")) json_object_member(spec, "securityContext");
    default_num(spec, "terminationGracePeriodSeconds", 30);
    default_str(spec, "schedulerName", "default-scheduler");
    /* the members' generated defaults */
    cJSON *v, *volumes = cJSON_GetObjectItemCaseSensitive(spec, "volumes");
    cJSON_ArrayForEach(v, volumes) default_volume(v);
    cJSON *c;
    cJSON_ArrayForEach(c, inits) default_container(c);
    cJSON_ArrayForEach(c, containers) default_container(c);
    cJSON_ArrayForEach(c, ephemeral) default_container(c);
    default_resource_list(cJSON_GetObjectItemCaseSensitive(spec, "overhead"));
    pod_normalize(pod);
}

/* What Convert_v1_PodSpec_To_core_PodSpec and back do: serviceAccount is an
 * alias of serviceAccountName (which wins) and is written back as its copy;
 * the host namespace flags travel through the security context. */
void pod_normalize(cJSON *pod)
{
    cJSON *spec = cJSON_GetObjectItemCaseSensitive(pod, "spec");
    if (cJSON_IsObject(spec)) {
        if (!pj_has_str(spec, "serviceAccountName") && pj_has_str(spec, "serviceAccount"))
            json_set_str(spec, "serviceAccountName", json_str(spec, "serviceAccount"));
        if (pj_has_str(spec, "serviceAccountName")) json_set_str(spec, "serviceAccount", json_str(spec, "serviceAccountName"));
        else cJSON_DeleteItemFromObjectCaseSensitive(spec, "serviceAccount");
    }
    /* spec and status as a Go round trip leaves them (both always there) */
    const schema_type *pod_type = schema_kind("", "v1", "Pod");
    static const char *const parts[] = {"spec", "status"};
    for (int i = 0; i < 2; i++) {
        const schema_field *f = schema_field_named(pod_type, parts[i]);
        cJSON *v = cJSON_GetObjectItemCaseSensitive(pod, parts[i]);
        if (!f) continue;
        if (!cJSON_IsObject(v)) {
            cJSON_DeleteItemFromObjectCaseSensitive(pod, parts[i]);
            v = cJSON_AddObjectToObject(pod, parts[i]);
        }
        schema_normalize(f->value.type, v);
    }
}
