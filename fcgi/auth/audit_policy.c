/* audit_policy.c: kube's audit policy file and its checker (see
 * audit_policy.h; kube's staging/src/k8s.io/apiserver/pkg/audit/policy and
 * pkg/apis/audit/validation). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "auth/audit_policy.h"
#include "codec/json.h"
#include "codec/yaml.h"
#include "codec/validate_meta.h"
#include "core/alloc.h"

typedef struct strlist {
    char **v;
    int n;
} strlist;

typedef struct group_resources {
    char *group;
    strlist resources, names;
} group_resources;

typedef struct policy_rule {
    audit_level level;
    strlist users, groups, verbs, namespaces, urls;
    group_resources *resources;
    int n_resources;
    unsigned omit_stages;
    int omit_managed_fields;     /* -1: not set, the policy's applies */
} policy_rule;

struct audit_policy {
    policy_rule *rules;
    int n_rules;
    unsigned omit_stages;
    int omit_managed_fields;
};

static const char *const level_names[] = { "None", "Metadata", "Request", "RequestResponse" };
static const char *const stage_names[] = { "RequestReceived", "ResponseStarted", "ResponseComplete", "Panic" };

const char *audit_level_name(audit_level l)
{
    return (unsigned)l < 4 ? level_names[l] : "None";
}

const char *audit_stage_name(unsigned stage)
{
    for (int i = 0; i < 4; i++)
        if (stage == (1u << i)) return stage_names[i];
    return "";
}

static void strlist_free(strlist *l)
{
    for (int i = 0; i < l->n; i++) free(l->v[i]);
    free(l->v);
}

void audit_policy_free(audit_policy *p)
{
    if (!p) return;
    for (int i = 0; i < p->n_rules; i++) {
        policy_rule *r = &p->rules[i];
        strlist_free(&r->users);
        strlist_free(&r->groups);
        strlist_free(&r->verbs);
        strlist_free(&r->namespaces);
        strlist_free(&r->urls);
        for (int j = 0; j < r->n_resources; j++) {
            free(r->resources[j].group);
            strlist_free(&r->resources[j].resources);
            strlist_free(&r->resources[j].names);
        }
        free(r->resources);
    }
    free(p->rules);
    free(p);
}

/* ---------------------------------------------------------------- decoding */

typedef struct perr {
    char *buf;
    size_t len;
    int n;                          /* errors written */
} perr;

/* Adds one error of kube's aggregate: "[a, b]" when there are several. */
static void add_err(perr *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_err(perr *e, const char *fmt, ...)
{
    char one[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(one, sizeof one, fmt, ap);
    va_end(ap);
    size_t used = strlen(e->buf);
    if (e->n == 0) snprintf(e->buf, e->len, "%s", one);
    else if (e->n == 1) {
        char *first = kapi_xstrdup(e->buf);
        snprintf(e->buf, e->len, "[%s, %s]", first, one);
        free(first);
    } else if (used > 0 && used < e->len) {
        e->buf[used - 1] = '\0';   /* drop the ']' */
        snprintf(e->buf + used - 1, e->len - used + 1, ", %s]", one);
    }
    e->n++;
}

/* encoding/json's UnmarshalTypeError for v at a Go struct field. */
static int type_error(perr *e, const cJSON *v, const char *field, const char *go_type)
{
    add_err(e, "failed decoding: json: cannot unmarshal %s into Go struct field %s of type %s",
            json_go_type_name(v), field, go_type);
    return -1;
}

/* A list of strings; 0, or -1 (with the error) when v is not one. */
static int take_strings(const cJSON *v, const char *what, strlist *out, perr *e)
{
    if (!v || cJSON_IsNull(v)) return 0;
    if (!cJSON_IsArray(v)) return type_error(e, v, what, "[]string");
    int n = cJSON_GetArraySize(v);
    out->v = n ? kapi_xcalloc((size_t)n, sizeof *out->v) : NULL;
    const cJSON *it;
    cJSON_ArrayForEach(it, v) {
        if (!cJSON_IsString(it)) return type_error(e, it, what, "string");
        out->v[out->n++] = kapi_xstrdup(it->valuestring);
    }
    return 0;
}

static int has(const strlist *l, const char *s)
{
    for (int i = 0; i < l->n; i++)
        if (!strcmp(l->v[i], s ? s : "")) return 1;
    return 0;
}

/* omitStages: each a valid stage (kube's validateOmitStages). */
static int take_stages(const cJSON *v, const char *path, const char *what, unsigned *out, perr *e)
{
    strlist l = {0};
    if (take_strings(v, what, &l, e)) { strlist_free(&l); return -1; }
    for (int i = 0; i < l.n; i++) {
        int found = 0;
        for (int s = 0; s < 4; s++)
            if (!strcmp(l.v[i], stage_names[s])) { *out |= 1u << s; found = 1; }
        if (!found)
            add_err(e, "%s[%d]: Invalid value: \"%s\": allowed stages are "
                    "RequestReceived,ResponseStarted,ResponseComplete,Panic", path, i, l.v[i]);
    }
    strlist_free(&l);
    return 0;
}

static int take_bool(const cJSON *v, const char *what, int *out, perr *e)
{
    if (!v || cJSON_IsNull(v)) return 0;
    if (!cJSON_IsBool(v)) return type_error(e, v, what, "bool");
    *out = cJSON_IsTrue(v);
    return 0;
}

static int take_resources(const cJSON *v, int ri, policy_rule *r, perr *e)
{
    if (!v || cJSON_IsNull(v)) return 0;
    if (!cJSON_IsArray(v)) return type_error(e, v, "PolicyRule.rules.resources", "[]v1.GroupResources");
    int n = cJSON_GetArraySize(v);
    r->resources = n ? kapi_xcalloc((size_t)n, sizeof *r->resources) : NULL;
    const cJSON *it;
    cJSON_ArrayForEach(it, v) {
        if (!cJSON_IsObject(it)) return type_error(e, it, "PolicyRule.rules.resources", "v1.GroupResources");
        group_resources *g = &r->resources[r->n_resources++];
        const cJSON *grp = cJSON_GetObjectItemCaseSensitive(it, "group");
        if (grp && !cJSON_IsNull(grp) && !cJSON_IsString(grp))
            return type_error(e, grp, "GroupResources.rules.resources.group", "string");
        g->group = kapi_xstrdup(cJSON_IsString(grp) ? grp->valuestring : "");
        if (take_strings(cJSON_GetObjectItemCaseSensitive(it, "resources"),
                         "GroupResources.rules.resources.resources", &g->resources, e) ||
            take_strings(cJSON_GetObjectItemCaseSensitive(it, "resourceNames"),
                         "GroupResources.rules.resources.resourceNames", &g->names, e))
            return -1;
        /* kube's validateResources */
        if (*g->group) {
            validation_messages m;
            name_is_dns1123_subdomain(g->group, 0, &m);
            if (m.n)
                add_err(e, "rules[%d].resources.group: Invalid value: \"%s\": %s", ri, g->group, m.text[0]);
        }
        if (g->names.n && !g->resources.n)
            add_err(e, "rules[%d].resources.resourceNames: Invalid value: []string{...}: "
                    "using resourceNames requires at least one resource", ri);
    }
    return 0;
}

static int take_rule(const cJSON *v, int i, policy_rule *r, perr *e)
{
    r->omit_managed_fields = -1;
    if (!cJSON_IsObject(v)) return type_error(e, v, "Policy.rules", "v1.PolicyRule");
    char path[64];
    snprintf(path, sizeof path, "rules[%d]", i);
    const cJSON *lv = cJSON_GetObjectItemCaseSensitive(v, "level");
    if (lv && !cJSON_IsNull(lv) && !cJSON_IsString(lv)) return type_error(e, lv, "PolicyRule.rules.level", "v1.Level");
    const char *level = cJSON_IsString(lv) ? lv->valuestring : "";
    int found = 0;
    for (int l = 0; l < 4; l++)
        if (!strcmp(level, level_names[l])) { r->level = (audit_level)l; found = 1; }
    if (!*level) add_err(e, "%s.level: Required value", path);
    else if (!found)
        add_err(e, "%s.level: Unsupported value: \"%s\": supported values: \"None\", \"Metadata\", "
                "\"Request\", \"RequestResponse\"", path, level);
    if (take_strings(cJSON_GetObjectItemCaseSensitive(v, "users"), "PolicyRule.rules.users", &r->users, e) ||
        take_strings(cJSON_GetObjectItemCaseSensitive(v, "userGroups"), "PolicyRule.rules.userGroups", &r->groups, e) ||
        take_strings(cJSON_GetObjectItemCaseSensitive(v, "verbs"), "PolicyRule.rules.verbs", &r->verbs, e) ||
        take_strings(cJSON_GetObjectItemCaseSensitive(v, "namespaces"), "PolicyRule.rules.namespaces", &r->namespaces, e) ||
        take_strings(cJSON_GetObjectItemCaseSensitive(v, "nonResourceURLs"), "PolicyRule.rules.nonResourceURLs", &r->urls, e) ||
        take_resources(cJSON_GetObjectItemCaseSensitive(v, "resources"), i, r, e))
        return -1;
    char sp[80];
    snprintf(sp, sizeof sp, "%s.omitStages", path);
    if (take_stages(cJSON_GetObjectItemCaseSensitive(v, "omitStages"), sp, "PolicyRule.rules.omitStages",
                    &r->omit_stages, e))
        return -1;
    const cJSON *omf = cJSON_GetObjectItemCaseSensitive(v, "omitManagedFields");
    if (omf && !cJSON_IsNull(omf) &&
        take_bool(omf, "PolicyRule.rules.omitManagedFields", &r->omit_managed_fields, e))
        return -1;
    /* kube's validateNonResourceURLs */
    for (int u = 0; u < r->urls.n; u++) {
        const char *url = r->urls.v[u];
        if (!strcmp(url, "*")) continue;
        if (url[0] != '/')
            add_err(e, "%s.nonResourceURLs[%d]: Invalid value: \"%s\": non-resource URL rules must begin "
                    "with a '/' character", path, u, url);
        size_t n = strlen(url);
        if (n && memchr(url, '*', n - 1))
            add_err(e, "%s.nonResourceURLs[%d]: Invalid value: \"%s\": non-resource URL wildcards '*' "
                    "must be the final character of the rule", path, u, url);
    }
    if (r->urls.n && (r->n_resources || r->namespaces.n))
        add_err(e, "%s.nonResourceURLs: Invalid value: []string{...}: rules cannot apply to both regular "
                "resources and non-resource URLs", path);
    return 0;
}

audit_policy *audit_policy_parse(const char *text, size_t len, char *err, size_t errlen)
{
    char yerr[512] = "";
    perr e = { err, errlen, 0 };
    if (errlen) err[0] = '\0';
    cJSON *doc = yaml_parse(text, len, yerr, sizeof yerr);
    if (!doc) {
        snprintf(err, errlen, "failed decoding: %s", yerr);
        return NULL;
    }
    if (!cJSON_IsObject(doc)) {
        snprintf(err, errlen, "failed decoding: couldn't get version/kind; json parse error: "
                 "json: cannot unmarshal %s into Go value of type struct { APIVersion string "
                 "\"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }",
                 json_go_type_name(doc));
        cJSON_Delete(doc);
        return NULL;
    }
    const cJSON *av = cJSON_GetObjectItemCaseSensitive(doc, "apiVersion");
    const cJSON *kv = cJSON_GetObjectItemCaseSensitive(doc, "kind");
    const char *api = cJSON_IsString(av) ? av->valuestring : "";
    const char *kind = cJSON_IsString(kv) ? kv->valuestring : "";
    if (!*kind) {
        snprintf(err, errlen, "failed decoding: Object 'Kind' is missing in '%.*s'", (int)(len < 200 ? len : 200),
                 text);
        cJSON_Delete(doc);
        return NULL;
    }
    if (strcmp(api, "audit.k8s.io/v1") || strcmp(kind, "Policy")) {
        snprintf(err, errlen, "failed decoding: no kind \"%.100s\" is registered for version \"%.100s\" "
                 "in scheme \"k8s.io/apiserver/pkg/audit/scheme.go:30\"", kind, api);
        cJSON_Delete(doc);
        return NULL;
    }
    audit_policy *p = kapi_xcalloc(1, sizeof *p);
    const cJSON *rules = cJSON_GetObjectItemCaseSensitive(doc, "rules");
    int bad = 0;
    if (rules && !cJSON_IsNull(rules) && !cJSON_IsArray(rules)) {
        bad = type_error(&e, rules, "Policy.rules", "[]v1.PolicyRule");
    } else if (cJSON_IsArray(rules)) {
        int n = cJSON_GetArraySize(rules);
        p->rules = n ? kapi_xcalloc((size_t)n, sizeof *p->rules) : NULL;
        const cJSON *it;
        cJSON_ArrayForEach(it, rules) {
            if (take_rule(it, p->n_rules, &p->rules[p->n_rules], &e)) { p->n_rules++; bad = 1; break; }
            p->n_rules++;
        }
    }
    if (!bad && take_stages(cJSON_GetObjectItemCaseSensitive(doc, "omitStages"), "omitStages",
                            "Policy.omitStages", &p->omit_stages, &e))
        bad = 1;
    if (!bad && take_bool(cJSON_GetObjectItemCaseSensitive(doc, "omitManagedFields"),
                          "Policy.omitManagedFields", &p->omit_managed_fields, &e))
        bad = 1;
    cJSON_Delete(doc);
    if (bad || e.n) { audit_policy_free(p); return NULL; }
    if (p->n_rules == 0) {
        snprintf(err, errlen, "loaded illegal policy with 0 rules");
        audit_policy_free(p);
        return NULL;
    }
    /* kube's NewChecker: each rule's stages are the union with the policy's */
    for (int i = 0; i < p->n_rules; i++) p->rules[i].omit_stages |= p->omit_stages;
    return p;
}

/* ---------------------------------------------------------------- checking */

static int path_matches(const char *path, const char *spec)
{
    if (!strcmp(spec, "*") || !strcmp(spec, path)) return 1;
    size_t n = strlen(spec);
    if (n && spec[n - 1] == '*') {
        while (n && spec[n - 1] == '*') n--;   /* strings.TrimRight(spec, "*") */
        return !strncmp(path, spec, n);
    }
    return 0;
}

static int matches_resource(const policy_rule *r, const audit_attrs *a)
{
    if (!a->is_resource) return 0;
    if (r->namespaces.n && !has(&r->namespaces, a->namespace_)) return 0;
    if (!r->n_resources) return 1;
    const char *res = a->resource ? a->resource : "", *sub = a->subresource ? a->subresource : "";
    size_t rl = strlen(res);
    for (int i = 0; i < r->n_resources; i++) {
        const group_resources *g = &r->resources[i];
        if (strcmp(g->group, a->group ? a->group : "")) continue;
        if (!g->resources.n) return 1;
        if (g->names.n && !has(&g->names, a->name)) continue;
        for (int j = 0; j < g->resources.n; j++) {
            const char *spec = g->resources.v[j];
            if (!strcmp(spec, "*")) return 1;
            size_t sl = strlen(spec);
            /* "resource" or "resource/subresource" */
            if (!*sub ? !strcmp(spec, res)
                      : (sl == rl + 1 + strlen(sub) && !strncmp(spec, res, rl) && spec[rl] == '/' &&
                         !strcmp(spec + rl + 1, sub)))
                return 1;
            if (*sub && !strncmp(spec, "*/", 2) && !strcmp(spec + 2, sub)) return 1;
            if (sl >= 2 && !strcmp(spec + sl - 2, "/*") && sl - 2 == rl && !strncmp(spec, res, rl)) return 1;
        }
    }
    return 0;
}

static int rule_matches(const policy_rule *r, const audit_attrs *a)
{
    if (r->users.n && (!a->user || !has(&r->users, a->user->name))) return 0;
    if (r->groups.n) {
        if (!a->user) return 0;
        int m = 0;
        for (int i = 0; i < a->user->n_groups && !m; i++) m = has(&r->groups, a->user->groups[i]);
        if (!m) return 0;
    }
    if (r->verbs.n && !has(&r->verbs, a->verb)) return 0;
    if (r->namespaces.n || r->n_resources) return matches_resource(r, a);
    if (r->urls.n) {
        if (a->is_resource) return 0;
        for (int i = 0; i < r->urls.n; i++)
            if (path_matches(a->path ? a->path : "", r->urls.v[i])) return 1;
        return 0;
    }
    return 1;
}

void audit_policy_check(const audit_policy *p, const audit_attrs *a, audit_decision *d)
{
    memset(d, 0, sizeof *d);
    if (!p) return;
    d->omit_stages = p->omit_stages;
    d->omit_managed_fields = p->omit_managed_fields;
    for (int i = 0; i < p->n_rules; i++) {
        const policy_rule *r = &p->rules[i];
        if (!rule_matches(r, a)) continue;
        d->level = r->level;
        d->omit_stages = r->omit_stages;
        if (r->omit_managed_fields >= 0) d->omit_managed_fields = r->omit_managed_fields;
        return;
    }
}
