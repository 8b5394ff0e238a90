/* rbac.c: the RBAC authorizer (plugin/pkg/auth/authorizer/rbac/rbac.go)
 * and the rule resolver built on it: a request is allowed by the first rule
 * of a binding that names the user and matches the attributes, with kube's
 * reason "RBAC: allowed by ClusterRoleBinding ..."; a denial carries no
 * reason unless roleRefs failed to resolve. The policy comes from the
 * per-process cache (auth/rbac_cache.c); without a store (a context-less
 * call) the compiled-in bootstrap policy is used. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "auth/bootstrap_policy.h"
#include "auth/rbac.h"
#include "auth/rbac_policy.h"

/* ---- the bootstrap policy as a snapshot, for calls without a store */

static rbac_policy *static_policy;
static pthread_once_t static_once = PTHREAD_ONCE_INIT;

static void build_static_policy(void)
{
    rbac_policy *p = rbac_policy_new();
    cJSON *objs = bootstrap_policy_objects();
    const cJSON *o;
    cJSON_ArrayForEach(o, objs) {
        const cJSON *kind = cJSON_GetObjectItemCaseSensitive(o, "kind");
        if (cJSON_IsString(kind)) rbac_policy_add(p, kind->valuestring, o);
    }
    cJSON_Delete(objs);
    rbac_policy_finish(p);
    if (p) p->refs = 1;   /* never freed */
    static_policy = p;
}

static rbac_policy *policy_for(kapi_ctx *ctx)
{
    if (ctx && ctx->store) return rbac_policy_acquire(ctx);
    pthread_once(&static_once, build_static_policy);
    return static_policy;
}

static void policy_done(kapi_ctx *ctx, rbac_policy *p)
{
    if (ctx && ctx->store) rbac_policy_release(p);
}

/* ---- errors, aggregated as utilerrors.NewAggregate prints them */

typedef struct error_list {
    const char *msgs[16];
    int n;
} error_list;

static void error_add(error_list *l, const char *msg)
{
    for (int i = 0; i < l->n; i++)
        if (!strcmp(l->msgs[i], msg)) return;   /* the aggregate prints each once */
    if (l->n < (int)(sizeof l->msgs / sizeof l->msgs[0])) l->msgs[l->n++] = msg;
}

static const char *error_text(kapi_pool *p, const error_list *l)
{
    if (l->n == 0) return NULL;
    if (l->n == 1) return l->msgs[0];
    kapi_buf b;
    kapi_buf_init(&b);
    kapi_buf_putc(&b, '[');
    for (int i = 0; i < l->n; i++) kapi_buf_printf(&b, "%s%s", i ? ", " : "", l->msgs[i]);
    kapi_buf_putc(&b, ']');
    const char *s = kapi_pstrndup(p, b.data ? b.data : "", b.len);
    kapi_buf_free(&b);
    return s;
}

/* ---- the authorizer */

typedef struct authorizing {
    const rbac_attrs *a;
    kapi_pool *pool;
    int allowed;
    const char *reason;
    error_list errors;
} authorizing;

static int authorizing_visit(void *arg, const rbac_binding *b, const rbac_subject *s,
                             const rbac_rule *rule, const char *err)
{
    authorizing *v = arg;
    if (rule && rbac_rule_allows(rule, v->a)) {
        v->allowed = 1;
        v->reason = kapi_psprintf(v->pool, "RBAC: allowed by %s", rbac_describe_source(v->pool, b, s));
        return 0;
    }
    if (err) error_add(&v->errors, err);
    return 1;
}

int rbac_authorize(kapi_ctx *ctx, kapi_pool *p, const rbac_attrs *a, const char **reason)
{
    *reason = "";
    rbac_policy *pol = policy_for(ctx);
    if (!pol) {
        *reason = "RBAC: the policy could not be read from storage";
        return 0;
    }
    static const kapi_user nobody = {.name = ""};
    rbac_attrs attrs = *a;
    if (!attrs.user) attrs.user = &nobody;
    authorizing v = {.a = &attrs, .pool = p};
    rbac_visit_rules_for(pol, p, attrs.user, attrs.ns, 0, authorizing_visit, &v);
    policy_done(ctx, pol);
    if (v.allowed) {
        *reason = v.reason;
        return 1;
    }
    const char *errs = error_text(p, &v.errors);
    if (errs) *reason = kapi_psprintf(p, "RBAC: %s", errs);
    return 0;
}

/* ---- the rule resolver */

typedef struct accumulating {
    kapi_pool *pool;
    rbac_rule *rules;
    int n, cap;
    error_list errors;
} accumulating;

static int accumulating_visit(void *arg, const rbac_binding *b, const rbac_subject *s,
                              const rbac_rule *rule, const char *err)
{
    (void)b;
    (void)s;
    accumulating *v = arg;
    if (rule) {
        if (v->n == v->cap) {
            int ncap = v->cap ? v->cap * 2 : 32;
            rbac_rule *grown = kapi_palloc(v->pool, (size_t)ncap * sizeof *grown);
            if (v->n) memcpy(grown, v->rules, (size_t)v->n * sizeof *grown);
            v->rules = grown;
            v->cap = ncap;
        }
        v->rules[v->n++] = *rule;   /* the strings live in the policy: copied below */
    }
    if (err) error_add(&v->errors, err);
    return 1;
}

static const char *const *copy_list(kapi_pool *p, const char *const *l)
{
    int n = rbac_list_len(l);
    if (!n) return NULL;
    const char **c = kapi_palloc(p, (size_t)(n + 1) * sizeof *c);
    for (int i = 0; i < n; i++) c[i] = kapi_pstrdup(p, l[i]);
    return c;
}

static void copy_rule(kapi_pool *p, rbac_rule *r)
{
    r->verbs = copy_list(p, r->verbs);
    r->api_groups = copy_list(p, r->api_groups);
    r->resources = copy_list(p, r->resources);
    r->resource_names = copy_list(p, r->resource_names);
    r->urls = copy_list(p, r->urls);
}

int rbac_rules_for(kapi_ctx *ctx, kapi_pool *p, const kapi_user *user, const char *ns,
                   int registry_errors, rbac_rule **out, const char **errors)
{
    *out = NULL;
    if (errors) *errors = NULL;
    rbac_policy *pol = policy_for(ctx);
    if (!pol) return -1;
    accumulating v = {.pool = p};
    rbac_visit_rules_for(pol, p, user, ns ? ns : "", registry_errors, accumulating_visit, &v);
    /* the snapshot may be freed once released: the caller gets copies */
    for (int i = 0; i < v.n; i++) copy_rule(p, &v.rules[i]);
    policy_done(ctx, pol);
    *out = v.rules;
    if (errors) *errors = error_text(p, &v.errors);
    return v.n;
}

int rbac_role_ref_rules(kapi_ctx *ctx, kapi_pool *p, const char *kind, const char *name,
                        const char *ns, rbac_rule **out, const char **err, kapi_rc *err_rc)
{
    *out = NULL;
    *err = NULL;
    *err_rc = KAPI_OK;
    int cluster = !strcmp(kind, "ClusterRole");
    if (!cluster && strcmp(kind, "Role")) {
        kapi_buf b;
        kapi_buf_init(&b);
        kapi_buf_puts(&b, "unsupported role reference kind: ");
        go_quote(&b, kind);
        *err = kapi_pstrndup(p, b.data ? b.data : "", b.len);
        kapi_buf_free(&b);
        *err_rc = KAPI_INTERNAL;
        return -1;
    }
    rbac_policy *pol = policy_for(ctx);
    if (!pol) {
        *err = "reading the RBAC policy from storage failed";
        *err_rc = KAPI_INTERNAL;
        return -1;
    }
    const rbac_role *r = cluster ? rbac_find_cluster_role(pol, name) : rbac_find_role(pol, ns, name);
    int n = -1;
    if (r) {
        n = r->n_rules;
        rbac_rule *rules = n ? kapi_palloc(p, (size_t)n * sizeof *rules) : NULL;
        for (int i = 0; i < n; i++) {
            rules[i] = r->rules[i];
            copy_rule(p, &rules[i]);
        }
        *out = rules;
    } else {
        kapi_buf b;
        kapi_buf_init(&b);
        kapi_buf_printf(&b, "%s.rbac.authorization.k8s.io ", cluster ? "clusterroles" : "roles");
        go_quote(&b, name);
        kapi_buf_puts(&b, " not found");
        *err = kapi_pstrndup(p, b.data ? b.data : "", b.len);
        kapi_buf_free(&b);
        *err_rc = KAPI_NOT_FOUND;
    }
    policy_done(ctx, pol);
    return n;
}
