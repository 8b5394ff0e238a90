/* impersonate.c: kube-apiserver's impersonation filter
 * (staging/src/k8s.io/apiserver/pkg/endpoints/filters/impersonation.go).
 * Each requested identity becomes one authorization check of the verb
 * `impersonate` for the requesting user: users (or serviceaccounts, for
 * "system:serviceaccount:<ns>:<name>"), groups, uids and userextras/<key>
 * (API group authentication.k8s.io). The impersonated user gets the
 * requested groups, or a service account's groups, and system:authenticated
 * (system:unauthenticated for system:anonymous) unless given. */
#include <stdio.h>
#include <string.h>
#include "codec/codec.h"
#include "auth/authz.h"
#include "auth/impersonate.h"
#include "auth/rbac.h"
#include "codec/validate_meta.h"
#include "core/escape.h"

#define MAX_REQUESTS 64
#define EXTRA_PREFIX "impersonate-extra-"

typedef enum { IMP_USER, IMP_SERVICE_ACCOUNT, IMP_GROUP, IMP_EXTRA, IMP_UID } imp_kind;

typedef struct imp_request {
    imp_kind kind;
    const char *ns, *name, *extra_key;
} imp_request;

/* serviceaccount.SplitUsername: "system:serviceaccount:<ns>:<name>" with a
 * valid namespace and name. */
static int split_service_account(kapi_pool *p, const char *user, const char **ns, const char **name)
{
    static const char prefix[] = "system:serviceaccount:";
    if (strncmp(user, prefix, sizeof prefix - 1)) return 0;
    const char *rest = user + sizeof prefix - 1, *colon = strchr(rest, ':');
    if (!colon || strchr(colon + 1, ':')) return 0;
    char *n = kapi_pstrndup(p, rest, (size_t)(colon - rest));
    validation_messages m = {0};
    is_dns1123_label(n, &m);
    if (m.n) return 0;
    is_dns1123_subdomain(colon + 1, &m);
    if (m.n) return 0;
    *ns = n;
    *name = kapi_pstrdup(p, colon + 1);
    return 1;
}

/* url.PathUnescape of an extra key; the key as given when malformed. */
static const char *unescape_key(kapi_pool *p, const char *key)
{
    const char *d = percent_decode(p, key, strlen(key), 0);
    return d ? d : key;
}

/* Go's %v of the []v1.ObjectReference the filter builds. */
static void describe_requests(kapi_buf *b, const imp_request *r, int n)
{
    kapi_buf_putc(b, '[');
    for (int i = 0; i < n; i++) {
        static const char *const kinds[] = {"User", "ServiceAccount", "Group", "UserExtra", "UID"};
        int extra = r[i].kind == IMP_EXTRA || r[i].kind == IMP_UID;
        kapi_buf_printf(b, "%s{%s %s %s  %s  %s}", i ? " " : "", kinds[r[i].kind], r[i].ns ? r[i].ns : "",
                        r[i].name, extra ? "authentication.k8s.io/v1" : "",
                        r[i].kind == IMP_EXTRA ? r[i].extra_key : "");
    }
    kapi_buf_putc(b, ']');
}

static int has_group(const kapi_user *u, const char *g)
{
    for (int i = 0; i < u->n_groups; i++)
        if (!strcmp(u->groups[i], g)) return 1;
    return 0;
}

static void add_group(kapi_user *u, const char *g)
{
    if (u->n_groups < KAPI_MAX_GROUPS) u->groups[u->n_groups++] = g;
}

/* An extra value, kept in key order (values of one key in header order). */
static void add_extra_sorted(kapi_user *u, const char *key, const char *value)
{
    if (u->n_extra >= KAPI_MAX_EXTRA) return;
    int at = u->n_extra;
    while (at > 0 && strcmp(u->extra_keys[at - 1], key) > 0) {
        u->extra_keys[at] = u->extra_keys[at - 1];
        u->extra_values[at] = u->extra_values[at - 1];
        at--;
    }
    u->extra_keys[at] = key;
    u->extra_values[at] = value;
    u->n_extra++;
}

int impersonate(kapi_ctx *ctx, kapi_request *req, kapi_user *user, kapi_response *resp)
{
    imp_request reqs[MAX_REQUESTS];
    int n = 0, has_user = 0, groups_given = 0, others = 0;
    const char *requested_user = request_header(req, "impersonate-user");
    if (requested_user && requested_user[0]) {
        imp_request *r = &reqs[n++];
        memset(r, 0, sizeof *r);
        has_user = 1;
        if (split_service_account(req->pool, requested_user, &r->ns, &r->name)) {
            r->kind = IMP_SERVICE_ACCOUNT;
        } else {
            r->kind = IMP_USER;
            r->name = requested_user;
        }
    }
    for (size_t i = 0; i < req->n_headers && n < MAX_REQUESTS; i++) {
        const kapi_header *h = &req->headers[i];
        if (!h->name || !h->value) continue;
        if (!strcmp(h->name, "impersonate-group")) {
            reqs[n++] = (imp_request){.kind = IMP_GROUP, .name = h->value};
            groups_given = others = 1;
        } else if (!strncmp(h->name, EXTRA_PREFIX, sizeof EXTRA_PREFIX - 1)) {
            reqs[n++] = (imp_request){.kind = IMP_EXTRA, .name = h->value,
                                      .extra_key = unescape_key(req->pool, h->name + sizeof EXTRA_PREFIX - 1)};
            others = 1;
        }
    }
    const char *uid = request_header(req, "impersonate-uid");
    if (uid && uid[0] && n < MAX_REQUESTS) {
        reqs[n++] = (imp_request){.kind = IMP_UID, .name = uid};
        others = 1;
    }
    if (n == 0) return 0;
    if (others && !has_user) {
        kapi_buf b;
        kapi_buf_init(&b);
        kapi_buf_puts(&b, "Internal Server Error: ");
        const char *uri = req->query && req->query[0] ? kapi_psprintf(req->pool, "%s?%s", req->path, req->query)
                                                      : req->path;
        go_quote(&b, uri);
        kapi_buf_puts(&b, ": requested ");
        describe_requests(&b, reqs, n);
        kapi_buf_puts(&b, " without impersonating a user\n");
        kapi_buf_putc(&b, '\0');
        respond_text(resp, 500, b.data);
        kapi_buf_free(&b);
        return -1;
    }

    kapi_user *acting = kapi_palloc(req->pool, sizeof *acting);
    acting->name = "";
    for (int i = 0; i < n; i++) {
        imp_request *r = &reqs[i];
        rbac_attrs a = {.user = user, .verb = "impersonate", .is_resource = 1, .api_group = "",
                        .resource = "", .subresource = "", .ns = "", .name = r->name, .path = ""};
        switch (r->kind) {
        case IMP_SERVICE_ACCOUNT:
            a.resource = "serviceaccounts";
            a.ns = r->ns;
            acting->name = kapi_psprintf(req->pool, "system:serviceaccount:%s:%s", r->ns, r->name);
            if (!groups_given) {
                add_group(acting, "system:serviceaccounts");
                add_group(acting, kapi_psprintf(req->pool, "system:serviceaccounts:%s", r->ns));
            }
            break;
        case IMP_USER:
            a.resource = "users";
            acting->name = r->name;
            break;
        case IMP_GROUP:
            a.resource = "groups";
            add_group(acting, r->name);
            break;
        case IMP_EXTRA:
            a.api_group = "authentication.k8s.io";
            a.resource = "userextras";
            a.subresource = r->extra_key;
            add_extra_sorted(acting, r->extra_key, r->name);
            break;
        case IMP_UID:
            a.api_group = "authentication.k8s.io";
            a.resource = "uids";
            acting->uid = r->name;
            break;
        }
        const char *reason = "";
        if (!authorize_attrs(ctx, req->pool, &a, &reason)) {
            respond_status(req, resp, forbidden_status_attrs(&a, reason));
            return -1;
        }
    }
    if (strcmp(acting->name, "system:anonymous")) {
        if (!has_group(acting, "system:authenticated") && !has_group(acting, "system:unauthenticated"))
            add_group(acting, "system:authenticated");
    } else if (!has_group(acting, "system:unauthenticated")) {
        add_group(acting, "system:unauthenticated");
    }
    *user = *acting;
    return 0;
}
