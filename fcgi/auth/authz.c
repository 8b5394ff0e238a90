/* authz.c: the authorizer chain of kube-apiserver: the privileged group
 * system:masters may do everything (authorizerfactory.NewPrivilegedGroups,
 * no reason), then RBAC over the stored roles and bindings (auth/rbac.c).
 * A denial is answered with responsewriters.Forbidden's message. */
#include <stdio.h>
#include <string.h>
#include "auth/authz.h"
#include "auth/rbac.h"
#include "core/status.h"

#define REASON_MAX 2048

/* The denial reason lives until the next authorization on this thread:
 * handle.c turns it into the Forbidden Status at once. */
static _Thread_local char reason_buf[REASON_MAX];

void rbac_attrs_from_info(const kapi_user *user, const request_info *info, rbac_attrs *a)
{
    memset(a, 0, sizeof *a);
    a->user = user;
    a->verb = info->verb ? info->verb : "";
    a->is_resource = info->is_resource;
    a->api_group = info->group ? info->group : "";
    a->resource = info->resource ? info->resource : "";
    a->subresource = info->subresource ? info->subresource : "";
    a->ns = info->namespace_ ? info->namespace_ : "";
    a->name = info->name ? info->name : "";
    a->path = info->path ? info->path : "";
}

int authorize_attrs(kapi_ctx *ctx, kapi_pool *p, const rbac_attrs *a, const char **reason)
{
    *reason = "";
    if (a->user && user_in_group(a->user, "system:masters")) return 1;
    return rbac_authorize(ctx, p, a, reason);
}

int authorize(kapi_ctx *ctx, const kapi_user *user, const request_info *info, const char **reason)
{
    *reason = NULL;
    if (user_in_group(user, "system:masters")) return 1;
    rbac_attrs a;
    rbac_attrs_from_info(user, info, &a);
    kapi_pool *p = kapi_pool_new();
    if (!p) return 0;
    const char *r = "";
    int allowed = rbac_authorize(ctx, p, &a, &r);
    snprintf(reason_buf, sizeof reason_buf, "%s", r ? r : "");
    kapi_pool_free(p);
    *reason = reason_buf;
    return allowed;
}

/* responsewriters' sanitizer: nothing in the message may look like HTML. */
static void put_sanitized(kapi_buf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '&') kapi_buf_puts(out, "&amp;");
        else if (s[i] == '<') kapi_buf_puts(out, "&lt;");
        else if (s[i] == '>') kapi_buf_puts(out, "&gt;");
        else kapi_buf_putc(out, s[i]);
    }
}

cJSON *forbidden_status_attrs(const rbac_attrs *a, const char *reason)
{
    kapi_buf m, full;
    kapi_buf_init(&m);
    kapi_buf_init(&full);
    kapi_buf_puts(&m, "User ");
    go_quote(&m, a->user && a->user->name ? a->user->name : "");
    kapi_buf_printf(&m, " cannot %s ", a->verb);
    if (!a->is_resource) {
        kapi_buf_puts(&m, "path ");
        go_quote(&m, a->path);
    } else {
        kapi_buf_puts(&m, "resource ");
        if (a->subresource[0]) {
            char res[600];
            snprintf(res, sizeof res, "%s/%s", a->resource, a->subresource);
            go_quote(&m, res);
        } else {
            go_quote(&m, a->resource);
        }
        kapi_buf_puts(&m, " in API group ");
        go_quote(&m, a->api_group);
        if (a->ns[0]) {
            kapi_buf_puts(&m, " in the namespace ");
            go_quote(&m, a->ns);
        } else {
            kapi_buf_puts(&m, " at the cluster scope");
        }
    }
    /* NewForbidden(groupResource, name, err) */
    if (!a->is_resource && !a->name[0]) {
        kapi_buf_puts(&full, "forbidden: ");
    } else {
        if (a->api_group[0]) kapi_buf_printf(&full, "%s.%s", a->resource, a->api_group);
        else kapi_buf_puts(&full, a->resource);
        if (a->name[0]) {
            kapi_buf_putc(&full, ' ');
            go_quote(&full, a->name);
        }
        kapi_buf_puts(&full, " is forbidden: ");
    }
    put_sanitized(&full, m.data ? m.data : "", m.len);
    if (reason && *reason) kapi_buf_printf(&full, ": %s", reason);
    kapi_buf_putc(&full, '\0');
    cJSON *st = a->is_resource
                    ? status_new_details(KAPI_FORBIDDEN, full.data, a->name, a->api_group, a->resource)
                    : status_new_details(KAPI_FORBIDDEN, full.data, NULL, NULL, NULL);
    kapi_buf_free(&m);
    kapi_buf_free(&full);
    return st;
}

cJSON *forbidden_status(const kapi_user *user, const request_info *info, const char *reason)
{
    rbac_attrs a;
    rbac_attrs_from_info(user, info, &a);
    return forbidden_status_attrs(&a, reason);
}
