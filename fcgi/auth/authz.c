/* authz.c: the authorizer. Until RBAC is stored and evaluated, it applies the
 * parts of kube-apiserver's bootstrap policy that matter before any role is
 * created: system:masters may do everything (cluster-admin), everyone may get
 * the public-info paths (system:public-info-viewer), and authenticated users
 * may read discovery and OpenAPI (system:discovery). Everything else is
 * denied with kube's exact message. */
#include <stdio.h>
#include <string.h>
#include "auth/authz.h"
#include "core/status.h"

static int user_in_group(const kapi_user *u, const char *g)
{
    for (int i = 0; i < u->n_groups; i++)
        if (u->groups[i] && !strcmp(u->groups[i], g)) return 1;
    return 0;
}

/* nonResourceURLs matching: exact, or a trailing '*' prefix match. */
static int path_matches(const char *rule, const char *path)
{
    size_t n = strlen(rule);
    if (n && rule[n - 1] == '*') return !strncmp(rule, path, n - 1);
    return !strcmp(rule, path);
}

static const char *const public_info_paths[] = {"/livez", "/readyz", "/healthz", "/version",
                                                "/version/", NULL};
static const char *const discovery_paths[] = {"/livez", "/readyz", "/healthz", "/version",
                                              "/version/", "/openapi", "/openapi/*", "/api",
                                              "/api/*", "/apis", "/apis/*", NULL};

static int any_path_matches(const char *const *rules, const char *path)
{
    for (int i = 0; rules[i]; i++)
        if (path_matches(rules[i], path)) return 1;
    return 0;
}

int authorize(kapi_ctx *ctx, const kapi_user *user, const request_info *info, const char **reason)
{
    (void)ctx;
    *reason = NULL;
    if (user_in_group(user, "system:masters")) return 1;
    if (!info->is_resource && !strcmp(info->verb, "get")) {
        if ((user_in_group(user, "system:authenticated") ||
             user_in_group(user, "system:unauthenticated")) &&
            any_path_matches(public_info_paths, info->path))
            return 1;
        if (user_in_group(user, "system:authenticated") &&
            any_path_matches(discovery_paths, info->path))
            return 1;
    }
    return 0;
}

cJSON *forbidden_status(const kapi_user *user, const request_info *info, const char *reason)
{
    char msg[2048], full[2600];
    const char *name = user->name ? user->name : "";
    if (!info->is_resource) {
        snprintf(msg, sizeof msg, "User \"%s\" cannot %s path \"%s\"", name, info->verb,
                 info->path);
    } else {
        char res[256];
        if (info->subresource[0])
            snprintf(res, sizeof res, "%s/%s", info->resource, info->subresource);
        else
            snprintf(res, sizeof res, "%s", info->resource);
        if (info->namespace_[0])
            snprintf(msg, sizeof msg,
                     "User \"%s\" cannot %s resource \"%s\" in API group \"%s\" in the namespace \"%s\"",
                     name, info->verb, res, info->group, info->namespace_);
        else
            snprintf(msg, sizeof msg,
                     "User \"%s\" cannot %s resource \"%s\" in API group \"%s\" at the cluster scope",
                     name, info->verb, res, info->group);
    }
    if (reason && *reason) {
        size_t l = strlen(msg);
        snprintf(msg + l, sizeof msg - l, ": %s", reason);
    }
    if (!info->is_resource) {
        snprintf(full, sizeof full, "forbidden: %s", msg);
        return status_new_details(KAPI_FORBIDDEN, full, NULL, NULL, NULL);
    }
    /* the qualified resource without the subresource: "pods", "deployments.apps" */
    char qres[300];
    if (info->group[0]) snprintf(qres, sizeof qres, "%s.%s", info->resource, info->group);
    else snprintf(qres, sizeof qres, "%s", info->resource);
    if (info->name[0])
        snprintf(full, sizeof full, "%s \"%s\" is forbidden: %s", qres, info->name, msg);
    else
        snprintf(full, sizeof full, "%s is forbidden: %s", qres, msg);
    const char *kind = info->resource;
    return status_new_details(KAPI_FORBIDDEN, full, info->name, info->group, kind);
}
