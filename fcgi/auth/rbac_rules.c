/* rbac_rules.c: policy rules on their own: matching request attributes
 * (kube's RuleAllows and the rbacv1helpers matchers), coverage of one rule
 * set by another (validation.Covers, used against escalation), CompactRules
 * and CompactString for kube's messages, and rules to and from JSON. */
#include <stdio.h>
#include <string.h>
#include "auth/rbac.h"

int rbac_list_len(const char *const *list)
{
    int n = 0;
    while (list && list[n]) n++;
    return n;
}

int rbac_list_has(const char *const *list, const char *s)
{
    for (int i = 0; list && list[i]; i++)
        if (!strcmp(list[i], s)) return 1;
    return 0;
}

static int verb_matches(const rbac_rule *r, const char *verb)
{
    return rbac_list_has(r->verbs, "*") || rbac_list_has(r->verbs, verb);
}

static int group_matches(const rbac_rule *r, const char *group)
{
    return rbac_list_has(r->api_groups, "*") || rbac_list_has(r->api_groups, group);
}

static int resource_matches(const rbac_rule *r, const char *combined, const char *sub)
{
    size_t sl = strlen(sub);
    for (int i = 0; r->resources && r->resources[i]; i++) {
        const char *rr = r->resources[i];
        if (!strcmp(rr, "*") || !strcmp(rr, combined)) return 1;
        if (!sl) continue;
        /* "* /subresource" matches that subresource of any resource */
        if (strlen(rr) == sl + 2 && rr[0] == '*' && rr[1] == '/' && !strcmp(rr + 2, sub)) return 1;
    }
    return 0;
}

static int name_matches(const rbac_rule *r, const char *name)
{
    return !r->resource_names || !r->resource_names[0] || rbac_list_has(r->resource_names, name);
}

/* An owner URL covers a path: equal, or a prefix ending in '*'. */
static int url_covers(const char *rule_url, const char *path)
{
    if (!strcmp(rule_url, path)) return 1;
    size_t n = strlen(rule_url);
    if (!n || rule_url[n - 1] != '*') return 0;
    while (n && rule_url[n - 1] == '*') n--;   /* strings.TrimRight(url, "*") */
    return !strncmp(rule_url, path, n);
}

static int url_matches(const rbac_rule *r, const char *path)
{
    for (int i = 0; r->urls && r->urls[i]; i++)
        if (!strcmp(r->urls[i], "*") || url_covers(r->urls[i], path)) return 1;
    return 0;
}

int rbac_rule_allows(const rbac_rule *rule, const rbac_attrs *a)
{
    if (!verb_matches(rule, a->verb)) return 0;
    if (!a->is_resource) return url_matches(rule, a->path);
    char combined[512];
    if (a->subresource[0]) snprintf(combined, sizeof combined, "%s/%s", a->resource, a->subresource);
    else snprintf(combined, sizeof combined, "%s", a->resource);
    return group_matches(rule, a->api_group) && resource_matches(rule, combined, a->subresource) &&
           name_matches(rule, a->name);
}

int rbac_rules_allow(const rbac_rule *rules, int n, const rbac_attrs *a)
{
    for (int i = 0; i < n; i++)
        if (rbac_rule_allows(&rules[i], a)) return 1;
    return 0;
}

/* ---------------------------------------------------------------- covers */

static const char *const *one(kapi_pool *p, const char *s)
{
    const char **l = kapi_palloc(p, 2 * sizeof *l);
    l[0] = s;
    return l;
}

/* BreakdownRule: one verb, group, resource and name per subrule. Appends
 * to *out (capacity *cap), growing it in the pool. */
static void breakdown(kapi_pool *p, const rbac_rule *r, rbac_rule **out, int *n, int *cap)
{
    int ng = rbac_list_len(r->api_groups), nr = rbac_list_len(r->resources);
    int nv = rbac_list_len(r->verbs), nn = rbac_list_len(r->resource_names);
    int nu = rbac_list_len(r->urls);
    long need = (long)ng * nr * nv * (nn ? nn : 1) + (long)nu * nv;
    if (need > 100000) need = 100000;   /* bounds: a pathological role */
    if (*n + need > *cap) {
        int ncap = (int)(*n + need) * 2 + 8;
        rbac_rule *grown = kapi_palloc(p, (size_t)ncap * sizeof *grown);
        if (*n) memcpy(grown, *out, (size_t)*n * sizeof *grown);
        *out = grown;
        *cap = ncap;
    }
    for (int g = 0; g < ng; g++)
        for (int res = 0; res < nr; res++)
            for (int v = 0; v < nv; v++)
                for (int k = 0; k < (nn ? nn : 1); k++) {
                    if (*n >= *cap) return;
                    rbac_rule *s = &(*out)[(*n)++];
                    memset(s, 0, sizeof *s);
                    s->api_groups = one(p, r->api_groups[g]);
                    s->resources = one(p, r->resources[res]);
                    s->verbs = one(p, r->verbs[v]);
                    if (nn) s->resource_names = one(p, r->resource_names[k]);
                }
    for (int u = 0; u < nu; u++)
        for (int v = 0; v < nv; v++) {
            if (*n >= *cap) return;
            rbac_rule *s = &(*out)[(*n)++];
            memset(s, 0, sizeof *s);
            s->urls = one(p, r->urls[u]);
            s->verbs = one(p, r->verbs[v]);
        }
}

static int has_all(const char *const *set, const char *const *contains)
{
    for (int i = 0; contains && contains[i]; i++)
        if (!rbac_list_has(set, contains[i])) return 0;
    return 1;
}

static int resources_cover_all(const char *const *set, const char *const *covers)
{
    if (rbac_list_has(set, "*") || has_all(set, covers)) return 1;
    for (int i = 0; covers && covers[i]; i++) {
        if (rbac_list_has(set, covers[i])) continue;
        const char *slash = strchr(covers[i], '/');
        if (!slash) return 0;
        char any[512];
        snprintf(any, sizeof any, "*%s", slash);
        if (!rbac_list_has(set, any)) return 0;
    }
    return 1;
}

static int urls_cover_all(const char *const *set, const char *const *covers)
{
    for (int i = 0; covers && covers[i]; i++) {
        int covered = 0;
        for (int k = 0; set && set[k] && !covered; k++) covered = url_covers(set[k], covers[i]);
        if (!covered) return 0;
    }
    return 1;
}

/* ruleCovers: owner (any shape) covers an atomic subrule. */
static int rule_covers(const rbac_rule *owner, const rbac_rule *sub)
{
    int verbs = rbac_list_has(owner->verbs, "*") || has_all(owner->verbs, sub->verbs);
    int groups = rbac_list_has(owner->api_groups, "*") || has_all(owner->api_groups, sub->api_groups);
    int resources = resources_cover_all(owner->resources, sub->resources);
    int urls = urls_cover_all(owner->urls, sub->urls);
    int owner_names = rbac_list_len(owner->resource_names);
    int names = rbac_list_len(sub->resource_names) == 0
                    ? owner_names == 0
                    : owner_names == 0 || has_all(owner->resource_names, sub->resource_names);
    return verbs && groups && resources && urls && names;
}

int rbac_covers(kapi_pool *p, const rbac_rule *owner, int n_owner, const rbac_rule *servant,
                int n_servant, rbac_rule **missing, int *n_missing)
{
    rbac_rule *subs = NULL;
    int n = 0, cap = 0;
    for (int i = 0; i < n_servant; i++) breakdown(p, &servant[i], &subs, &n, &cap);
    rbac_rule *miss = n ? kapi_palloc(p, (size_t)n * sizeof *miss) : NULL;
    int nm = 0;
    for (int i = 0; i < n; i++) {
        int covered = 0;
        for (int k = 0; k < n_owner && !covered; k++) covered = rule_covers(&owner[k], &subs[i]);
        if (!covered) miss[nm++] = subs[i];
    }
    if (missing) *missing = miss;
    if (n_missing) *n_missing = nm;
    return nm == 0;
}

/* ---------------------------------------------------------------- compact */

static int is_simple(const rbac_rule *r)
{
    return rbac_list_len(r->resource_names) == 0 && rbac_list_len(r->urls) == 0 &&
           rbac_list_len(r->api_groups) == 1 && rbac_list_len(r->resources) == 1;
}

int rbac_compact(kapi_pool *p, const rbac_rule *in, int n, rbac_rule **out)
{
    rbac_rule *res = kapi_palloc(p, (size_t)(n ? n : 1) * sizeof *res);
    int nr = 0;
    /* complex rules keep their order, then the merged simple ones */
    for (int i = 0; i < n; i++)
        if (!is_simple(&in[i])) res[nr++] = in[i];
    int first_simple = nr;
    for (int i = 0; i < n; i++) {
        if (!is_simple(&in[i])) continue;
        int found = -1;
        for (int k = first_simple; k < nr && found < 0; k++)
            if (!strcmp(res[k].api_groups[0], in[i].api_groups[0]) &&
                !strcmp(res[k].resources[0], in[i].resources[0]))
                found = k;
        if (found < 0) { res[nr++] = in[i]; continue; }
        int a = rbac_list_len(res[found].verbs), b = rbac_list_len(in[i].verbs);
        const char **verbs = kapi_palloc(p, (size_t)(a + b + 1) * sizeof *verbs);
        for (int k = 0; k < a; k++) verbs[k] = res[found].verbs[k];
        for (int k = 0; k < b; k++) verbs[a + k] = in[i].verbs[k];
        res[found].verbs = verbs;
    }
    *out = res;
    return nr;
}

/* ---------------------------------------------------------------- text */

void rbac_rule_compact_string(const rbac_rule *r, kapi_buf *out)
{
    static const char *const names[] = {"APIGroups", "Resources", "NonResourceURLs",
                                        "ResourceNames", "Verbs"};
    const char *const *lists[] = {r->api_groups, r->resources, r->urls, r->resource_names,
                                  r->verbs};
    int first = 1;
    kapi_buf_putc(out, '{');
    for (int i = 0; i < 5; i++) {
        if (!rbac_list_len(lists[i])) continue;
        if (!first) kapi_buf_puts(out, ", ");
        first = 0;
        kapi_buf_printf(out, "%s:", names[i]);
        go_quote_list(out, lists[i]);
    }
    kapi_buf_putc(out, '}');
}

static int lists_equal(const char *const *a, const char *const *b)
{
    int n = rbac_list_len(a);
    if (n != rbac_list_len(b)) return 0;
    for (int i = 0; i < n; i++)
        if (strcmp(a[i], b[i])) return 0;
    return 1;
}

int rbac_rule_equal(const rbac_rule *a, const rbac_rule *b)
{
    return lists_equal(a->verbs, b->verbs) && lists_equal(a->api_groups, b->api_groups) &&
           lists_equal(a->resources, b->resources) &&
           lists_equal(a->resource_names, b->resource_names) && lists_equal(a->urls, b->urls);
}

/* ---------------------------------------------------------------- JSON */

static const char *const *strings_from(kapi_pool *p, const cJSON *arr)
{
    if (!cJSON_IsArray(arr)) return NULL;
    int n = cJSON_GetArraySize(arr);
    if (n <= 0) return NULL;
    const char **l = kapi_palloc(p, (size_t)(n + 1) * sizeof *l);
    int k = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, arr)
        if (cJSON_IsString(e) && k < n) l[k++] = kapi_pstrdup(p, e->valuestring);
    return k ? l : NULL;
}

int rbac_rule_from_json(kapi_pool *p, const cJSON *obj, rbac_rule *r)
{
    memset(r, 0, sizeof *r);
    if (!cJSON_IsObject(obj)) return -1;
    r->verbs = strings_from(p, cJSON_GetObjectItemCaseSensitive(obj, "verbs"));
    r->api_groups = strings_from(p, cJSON_GetObjectItemCaseSensitive(obj, "apiGroups"));
    r->resources = strings_from(p, cJSON_GetObjectItemCaseSensitive(obj, "resources"));
    r->resource_names = strings_from(p, cJSON_GetObjectItemCaseSensitive(obj, "resourceNames"));
    r->urls = strings_from(p, cJSON_GetObjectItemCaseSensitive(obj, "nonResourceURLs"));
    return 0;
}

int rbac_rules_from_json(kapi_pool *p, const cJSON *rules, rbac_rule **out)
{
    *out = NULL;
    if (!cJSON_IsArray(rules)) return 0;
    int n = cJSON_GetArraySize(rules), k = 0;
    if (n <= 0) return 0;
    rbac_rule *rs = kapi_palloc(p, (size_t)n * sizeof *rs);
    const cJSON *e;
    cJSON_ArrayForEach(e, rules)
        if (k < n && rbac_rule_from_json(p, e, &rs[k]) == 0) k++;
    *out = rs;
    return k;
}

static void add_list(cJSON *o, const char *key, const char *const *list, int always)
{
    if (!rbac_list_len(list)) {
        if (always) cJSON_AddNullToObject(o, key);
        return;
    }
    cJSON *a = cJSON_AddArrayToObject(o, key);
    for (int i = 0; list[i]; i++) cJSON_AddItemToArray(a, cJSON_CreateString(list[i]));
}

cJSON *rbac_rule_to_json(const rbac_rule *r)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    add_list(o, "verbs", r->verbs, 1);
    add_list(o, "apiGroups", r->api_groups, 0);
    add_list(o, "resources", r->resources, 0);
    add_list(o, "resourceNames", r->resource_names, 0);
    add_list(o, "nonResourceURLs", r->urls, 0);
    return o;
}
