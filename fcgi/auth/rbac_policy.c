/* rbac_policy.c: the stored Roles, ClusterRoles and bindings compiled into
 * a policy snapshot: parsing, sorting for lookups, the aggregation of
 * ClusterRoles by label selectors (kube's clusterrole-aggregation
 * controller), and the rule visitor of kube's DefaultRuleResolver
 * (pkg/registry/rbac/validation/rule.go) with its subject matching and
 * source descriptions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "auth/rbac_policy.h"
#include "codec/labels.h"
#include "core/alloc.h"

#define MAX_AGGREGATION_PASSES 16

rbac_policy *rbac_policy_new(void)
{
    rbac_policy *p = kapi_xcalloc(1, sizeof *p);
    if (!p) return NULL;
    p->pool = kapi_pool_new();
    if (!p->pool) { free(p); return NULL; }
    return p;
}

void rbac_policy_free(rbac_policy *p)
{
    if (!p) return;
    kapi_pool_free(p->pool);
    free(p);
}

/* Appends one zeroed element to a pool array, doubling as needed. */
static void *grow(kapi_pool *pool, void *arr, int n, size_t size)
{
    /* capacity: 8, then doubled whenever n reaches a power of two */
    int full = n == 0 || (n >= 8 && (n & (n - 1)) == 0);
    if (!full) return arr;
    size_t cap = n ? (size_t)n * 2 : 8;
    void *na = kapi_palloc(pool, cap * size);
    if (n) memcpy(na, arr, (size_t)n * size);
    return na;
}

static const char *str_of(kapi_pool *pool, const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return kapi_pstrdup(pool, cJSON_IsString(v) ? v->valuestring : "");
}

static void add_role(rbac_policy *p, const cJSON *obj, int cluster)
{
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    rbac_role **arr = cluster ? &p->cluster_roles : &p->roles;
    int *n = cluster ? &p->n_cluster_roles : &p->n_roles;
    *arr = grow(p->pool, *arr, *n, sizeof **arr);
    rbac_role *r = &(*arr)[(*n)++];
    memset(r, 0, sizeof *r);
    r->ns = cluster ? "" : str_of(p->pool, meta, "namespace");
    r->name = str_of(p->pool, meta, "name");
    r->resource_version = str_of(p->pool, meta, "resourceVersion");
    r->n_rules = rbac_rules_from_json(p->pool, cJSON_GetObjectItemCaseSensitive(obj, "rules"), &r->rules);
    r->stored_rules = r->rules;
    r->n_stored_rules = r->n_rules;
    const cJSON *labels = cJSON_GetObjectItemCaseSensitive(meta, "labels");
    if (cJSON_IsObject(labels)) r->labels = kapi_pool_keep_json(p->pool, cJSON_Duplicate(labels, 1));
    const cJSON *agg = cJSON_GetObjectItemCaseSensitive(obj, "aggregationRule");
    if (cluster && cJSON_IsObject(agg)) {
        r->aggregated = 1;
        const cJSON *sels = cJSON_GetObjectItemCaseSensitive(agg, "clusterRoleSelectors");
        if (cJSON_IsArray(sels)) r->selectors = kapi_pool_keep_json(p->pool, cJSON_Duplicate(sels, 1));
    }
}

static void add_binding(rbac_policy *p, const cJSON *obj, int cluster)
{
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    rbac_binding **arr = cluster ? &p->cluster_bindings : &p->bindings;
    int *n = cluster ? &p->n_cluster_bindings : &p->n_bindings;
    *arr = grow(p->pool, *arr, *n, sizeof **arr);
    rbac_binding *b = &(*arr)[(*n)++];
    memset(b, 0, sizeof *b);
    b->ns = cluster ? "" : str_of(p->pool, meta, "namespace");
    b->name = str_of(p->pool, meta, "name");
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(obj, "roleRef");
    b->role_kind = str_of(p->pool, ref, "kind");
    b->role_name = str_of(p->pool, ref, "name");
    const cJSON *subs = cJSON_GetObjectItemCaseSensitive(obj, "subjects");
    int ns = cJSON_IsArray(subs) ? cJSON_GetArraySize(subs) : 0;
    if (ns <= 0) return;
    b->subjects = kapi_palloc(p->pool, (size_t)ns * sizeof *b->subjects);
    const cJSON *s;
    cJSON_ArrayForEach(s, subs) {
        if (b->n_subjects >= ns || !cJSON_IsObject(s)) continue;
        rbac_subject *d = &b->subjects[b->n_subjects++];
        d->kind = str_of(p->pool, s, "kind");
        d->api_group = str_of(p->pool, s, "apiGroup");
        d->name = str_of(p->pool, s, "name");
        d->ns = str_of(p->pool, s, "namespace");
    }
}

void rbac_policy_add(rbac_policy *p, const char *kind, const cJSON *obj)
{
    if (!p || !cJSON_IsObject(obj)) return;
    if (!strcmp(kind, "ClusterRole")) add_role(p, obj, 1);
    else if (!strcmp(kind, "Role")) add_role(p, obj, 0);
    else if (!strcmp(kind, "ClusterRoleBinding")) add_binding(p, obj, 1);
    else if (!strcmp(kind, "RoleBinding")) add_binding(p, obj, 0);
}

static int compare_roles(const void *a, const void *b)
{
    const rbac_role *x = a, *y = b;
    int c = strcmp(x->ns, y->ns);
    return c ? c : strcmp(x->name, y->name);
}

static int compare_bindings(const void *a, const void *b)
{
    const rbac_binding *x = a, *y = b;
    int c = strcmp(x->ns, y->ns);
    return c ? c : strcmp(x->name, y->name);
}

/* ---------------------------------------------------------------- aggregation */

static int rule_in(const rbac_rule *rules, int n, const rbac_rule *r)
{
    for (int i = 0; i < n; i++)
        if (rbac_rule_equal(&rules[i], r)) return 1;
    return 0;
}

static int rules_equal(const rbac_rule *a, int na, const rbac_rule *b, int nb)
{
    if (na != nb) return 0;
    for (int i = 0; i < na; i++)
        if (!rbac_rule_equal(&a[i], &b[i])) return 0;
    return 1;
}

/* syncClusterRole: the rules of the ClusterRoles each selector picks (by
 * name, itself excluded), each rule once. Returns 1 if r's rules changed. */
static int aggregate_one(rbac_policy *p, rbac_role *r)
{
    int cap = 0, n = 0;
    for (int i = 0; i < p->n_cluster_roles; i++) cap += p->cluster_roles[i].n_rules;
    rbac_rule *acc = cap ? kapi_palloc(p->pool, (size_t)cap * sizeof *acc) : NULL;
    const cJSON *sel;
    cJSON_ArrayForEach(sel, r->selectors)   /* codec/labels: LabelSelectorAsSelector + Matches */
        for (int i = 0; i < p->n_cluster_roles; i++) {
            const rbac_role *src = &p->cluster_roles[i];
            if (src == r || !label_selector_matches_labels(sel, src->labels)) continue;
            for (int k = 0; k < src->n_rules && n < cap; k++)
                if (!rule_in(acc, n, &src->rules[k])) acc[n++] = src->rules[k];
        }
    if (rules_equal(acc, n, r->rules, r->n_rules)) return 0;
    r->rules = acc;
    r->n_rules = n;
    return 1;
}

void rbac_policy_finish(rbac_policy *p)
{
    if (!p) return;
    if (p->n_cluster_roles)
        qsort(p->cluster_roles, (size_t)p->n_cluster_roles, sizeof *p->cluster_roles, compare_roles);
    if (p->n_roles) qsort(p->roles, (size_t)p->n_roles, sizeof *p->roles, compare_roles);
    if (p->n_bindings)
        qsort(p->bindings, (size_t)p->n_bindings, sizeof *p->bindings, compare_bindings);
    /* aggregated roles may pick other aggregated roles (admin picks edit,
     * edit picks view): repeat until nothing changes, as the controller's
     * requeues do */
    for (int pass = 0; pass < MAX_AGGREGATION_PASSES; pass++) {
        int changed = 0;
        for (int i = 0; i < p->n_cluster_roles; i++)
            if (p->cluster_roles[i].aggregated) changed |= aggregate_one(p, &p->cluster_roles[i]);
        if (!changed) break;
    }
    p->n_stale = 0;
    for (int i = 0; i < p->n_cluster_roles; i++) {
        rbac_role *r = &p->cluster_roles[i];
        r->stale = r->aggregated &&
                   !rules_equal(r->rules, r->n_rules, r->stored_rules, r->n_stored_rules);
        p->n_stale += r->stale;
    }
}

/* ---------------------------------------------------------------- loading */

typedef struct load_ctx {
    rbac_policy *p;
    const char *kind;
} load_ctx;

static int load_one(void *arg, const char *key, const char *value, int64_t mod_rev)
{
    (void)key;
    (void)mod_rev;
    load_ctx *l = arg;
    cJSON *obj = cJSON_Parse(value);
    if (obj) rbac_policy_add(l->p, l->kind, obj);
    cJSON_Delete(obj);
    return 0;
}

rbac_policy *rbac_policy_load(store *s)
{
    static const struct { const char *prefix, *kind; } kinds[] = {
        {"/registry/clusterroles/", "ClusterRole"},
        {"/registry/roles/", "Role"},
        {"/registry/clusterrolebindings/", "ClusterRoleBinding"},
        {"/registry/rolebindings/", "RoleBinding"},
    };
    int64_t rev = store_revision(s);
    if (rev < 0) return NULL;
    rbac_policy *p = rbac_policy_new();
    if (!p) return NULL;
    p->revision = rev;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        load_ctx l = {p, kinds[i].kind};
        int64_t lrev = 0;
        if (store_list(s, kinds[i].prefix, NULL, 0, load_one, &l, &lrev) != STORE_OK) {
            rbac_policy_free(p);
            return NULL;
        }
    }
    rbac_policy_finish(p);
    return p;
}

/* ---------------------------------------------------------------- lookups */

static const rbac_role *find_in(const rbac_role *arr, int n, const char *ns, const char *name)
{
    rbac_role key = {.ns = ns, .name = name};
    if (!n) return NULL;
    return bsearch(&key, arr, (size_t)n, sizeof *arr, compare_roles);
}

const rbac_role *rbac_find_cluster_role(const rbac_policy *p, const char *name)
{
    return find_in(p->cluster_roles, p->n_cluster_roles, "", name);
}

const rbac_role *rbac_find_role(const rbac_policy *p, const char *ns, const char *name)
{
    return find_in(p->roles, p->n_roles, ns, name);
}

/* ---------------------------------------------------------------- visiting */

int user_in_group(const kapi_user *u, const char *g)
{
    for (int i = 0; i < u->n_groups && i < KAPI_MAX_GROUPS; i++)
        if (u->groups[i] && !strcmp(u->groups[i], g)) return 1;
    return 0;
}

int rbac_subject_applies(const rbac_subject *s, const kapi_user *user, const char *ns)
{
    const char *uname = user->name ? user->name : "";
    if (!strcmp(s->kind, "User")) return !strcmp(uname, s->name);
    if (!strcmp(s->kind, "Group")) return user_in_group(user, s->name);
    if (!strcmp(s->kind, "ServiceAccount")) {
        const char *sa_ns = s->ns[0] ? s->ns : ns;
        if (!sa_ns[0]) return 0;
        /* serviceaccount.MatchesUsername: "system:serviceaccount:<ns>:<name>" */
        static const char prefix[] = "system:serviceaccount:";
        size_t pl = sizeof prefix - 1, nl = strlen(sa_ns);
        if (strncmp(uname, prefix, pl)) return 0;
        const char *rest = uname + pl;
        return !strncmp(rest, sa_ns, nl) && rest[nl] == ':' && !strcmp(rest + nl + 1, s->name);
    }
    return 0;
}

static const rbac_subject *applies_to(const rbac_binding *b, const kapi_user *user, const char *ns)
{
    for (int i = 0; i < b->n_subjects; i++)
        if (rbac_subject_applies(&b->subjects[i], user, ns)) return &b->subjects[i];
    return NULL;
}

/* GetRoleReferenceRules against the snapshot; NULL role with *err. */
static const rbac_role *resolve(const rbac_policy *p, kapi_pool *pool, const rbac_binding *b,
                                int registry_errors, const char **err)
{
    kapi_buf m;
    kapi_buf_init(&m);
    const rbac_role *r = NULL;
    if (!strcmp(b->role_kind, "Role")) {
        r = rbac_find_role(p, b->ns, b->role_name);
        if (!r) kapi_buf_puts(&m, registry_errors ? "roles" : "role");
    } else if (!strcmp(b->role_kind, "ClusterRole")) {
        r = rbac_find_cluster_role(p, b->role_name);
        if (!r) kapi_buf_puts(&m, registry_errors ? "clusterroles" : "clusterrole");
    } else {
        kapi_buf_puts(&m, "unsupported role reference kind: ");
        go_quote(&m, b->role_kind);
        *err = kapi_pstrndup(pool, m.data ? m.data : "", m.len);
        kapi_buf_free(&m);
        return NULL;
    }
    if (!r) {
        kapi_buf_puts(&m, ".rbac.authorization.k8s.io ");
        go_quote(&m, b->role_name);
        kapi_buf_puts(&m, " not found");
        *err = kapi_pstrndup(pool, m.data ? m.data : "", m.len);
    }
    kapi_buf_free(&m);
    return r;
}

static int visit_bindings(const rbac_policy *p, kapi_pool *pool, const rbac_binding *arr, int n,
                          const kapi_user *user, const char *ns, int registry_errors,
                          rbac_visit_fn visit, void *arg)
{
    for (int i = 0; i < n; i++) {
        const rbac_binding *b = &arr[i];
        if (strcmp(b->ns, ns)) continue;
        const rbac_subject *s = applies_to(b, user, ns);
        if (!s) continue;
        const char *err = NULL;
        const rbac_role *r = resolve(p, pool, b, registry_errors, &err);
        if (!r) {
            if (!visit(arg, b, s, NULL, err)) return 0;
            continue;
        }
        for (int k = 0; k < r->n_rules; k++)
            if (!visit(arg, b, s, &r->rules[k], NULL)) return 0;
    }
    return 1;
}

void rbac_visit_rules_for(const rbac_policy *p, kapi_pool *pool, const kapi_user *user,
                          const char *ns, int registry_errors, rbac_visit_fn visit, void *arg)
{
    if (!visit_bindings(p, pool, p->cluster_bindings, p->n_cluster_bindings, user, "",
                        registry_errors, visit, arg))
        return;
    if (!ns || !ns[0] || !p->n_bindings) return;
    /* the RoleBindings of ns: a contiguous run of the sorted array */
    int lo = 0, hi = p->n_bindings;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (strcmp(p->bindings[mid].ns, ns) < 0) lo = mid + 1;
        else hi = mid;
    }
    int end = lo;
    while (end < p->n_bindings && !strcmp(p->bindings[end].ns, ns)) end++;
    visit_bindings(p, pool, p->bindings + lo, end - lo, user, ns, registry_errors, visit, arg);
}

static void describe_subject(kapi_buf *m, const rbac_subject *s, const char *binding_ns)
{
    kapi_buf_printf(m, "%s ", s->kind);
    if (!strcmp(s->kind, "ServiceAccount")) {
        char *both = NULL;
        size_t n = strlen(s->name) + strlen(binding_ns) + strlen(s->ns) + 2;
        both = kapi_xmalloc(n);
        if (!both) return;
        snprintf(both, n, "%s/%s", s->name, s->ns[0] ? s->ns : binding_ns);
        go_quote(m, both);
        free(both);
        return;
    }
    go_quote(m, s->name);
}

const char *rbac_describe_source(kapi_pool *pool, const rbac_binding *b, const rbac_subject *s)
{
    kapi_buf m;
    kapi_buf_init(&m);
    if (b->ns[0]) {
        kapi_buf_puts(&m, "RoleBinding ");
        char *both = kapi_psprintf(pool, "%s/%s", b->name, b->ns);
        go_quote(&m, both);
    } else {
        kapi_buf_puts(&m, "ClusterRoleBinding ");
        go_quote(&m, b->name);
    }
    kapi_buf_printf(&m, " of %s ", b->role_kind);
    go_quote(&m, b->role_name);
    kapi_buf_puts(&m, " to ");
    describe_subject(&m, s, b->ns);
    const char *out = kapi_pstrndup(pool, m.data ? m.data : "", m.len);
    kapi_buf_free(&m);
    return out;
}
