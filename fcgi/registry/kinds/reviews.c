/* reviews.c: the create-only kinds that are answered, never stored:
 * authorization.k8s.io/v1 SelfSubjectAccessReview, SubjectAccessReview,
 * LocalSubjectAccessReview and SelfSubjectRulesReview (kubectl auth can-i,
 * with --list), and authentication.k8s.io/v1 SelfSubjectReview (kubectl
 * auth whoami), as pkg/registry/authorization/... and
 * pkg/registry/authentication/selfsubjectreview answer them: validation of
 * pkg/apis/authorization/validation, then the authorizer's decision or the
 * user's rules, 201 with the object and its status. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "auth/authn.h"
#include "auth/authz.h"
#include "codec/jsonpath.h"
#include "codec/labels.h"
#include "auth/rbac.h"
#include "core/goquote.h"
#include "core/util.h"
#include "registry/rest_internal.h"
#include "registry/strategies.h"
#include "schema/decode.h"

/* The answer: 201 with the review and its status (JSON or YAML). */
static rest_result created(rest_call *c, cJSON *obj)
{
    return rest_plain_object(c, 201, obj);
}

/* Decodes the body as the resource's kind; NULL with the failure in *fail. */
static cJSON *decode(rest_call *c, rest_result *fail)
{
    cJSON *st = NULL;
    cJSON *obj = decode_body(c->req, c->r->kind, &st);
    if (!obj) { *fail = rest_status(c, st, 0); return NULL; }
    if (rest_check_type_meta(c, obj, fail)) return NULL;
    cJSON *meta = obj_metadata(obj);
    if (rest_check_namespace(c, meta, fail)) return NULL;
    return obj;
}

/* ---------------------------------------------------------------- Go's %#v */

static void go_time(kapi_buf *b, const char *ts)
{
    int y = 1, mo = 1, d = 1, h = 0, mi = 0, s = 0;
    static const char *const months[] = {"January", "February", "March", "April", "May", "June", "July",
                                         "August", "September", "October", "November", "December"};
    if (ts && *ts) sscanf(ts, "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &s);
    if (mo < 1 || mo > 12) mo = 1;
    kapi_buf_printf(b, "v1.Time{Time:time.Date(%d, time.%s, %d, %d, %d, %d, 0, time.UTC)}", y,
                    months[mo - 1], d, h, mi, s);
}

/* The ObjectMeta a review's metadata decodes to, as Go's %#v prints it. */
static void go_object_meta(kapi_buf *b, const cJSON *m)
{
    static const char *const strings[][2] = {{"Name", "name"}, {"GenerateName", "generateName"},
                                             {"Namespace", "namespace"}, {"SelfLink", "selfLink"},
                                             {"UID", "uid"}, {"ResourceVersion", "resourceVersion"}};
    kapi_buf_puts(b, "v1.ObjectMeta{");
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
        kapi_buf_printf(b, "%s%s:", i ? ", " : "", strings[i][0]);
        go_quote(b, json_str(m, strings[i][1]));
    }
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(m, "generation");
    kapi_buf_printf(b, ", Generation:%lld, CreationTimestamp:", cJSON_IsNumber(g) ? (long long)g->valuedouble : 0LL);
    go_time(b, json_str(m, "creationTimestamp"));
    kapi_buf_puts(b, ", DeletionTimestamp:<nil>, DeletionGracePeriodSeconds:(*int64)(nil), Labels:");
    label_map_go_syntax(cJSON_GetObjectItemCaseSensitive(m, "labels"), b);
    kapi_buf_puts(b, ", Annotations:");
    label_map_go_syntax(cJSON_GetObjectItemCaseSensitive(m, "annotations"), b);
    kapi_buf_puts(b, ", OwnerReferences:[]v1.OwnerReference(nil), Finalizers:");
    go_quote_json_strings(b, cJSON_GetObjectItemCaseSensitive(m, "finalizers"));
    kapi_buf_puts(b, ", ManagedFields:[]v1.ManagedFieldsEntry(nil)}");
}

/* Is metadata empty (but for namespace when allowed, and managedFields)? */
static int meta_is_empty(const cJSON *m, int allow_namespace)
{
    const cJSON *kv;
    cJSON_ArrayForEach(kv, m) {
        if (!strcmp(kv->string, "managedFields")) continue;
        if (allow_namespace && !strcmp(kv->string, "namespace")) continue;
        if (cJSON_IsNull(kv)) continue;
        if (cJSON_IsString(kv) && !kv->valuestring[0]) continue;
        if (cJSON_IsNumber(kv) && kv->valuedouble == 0) continue;
        if ((cJSON_IsObject(kv) || cJSON_IsArray(kv)) && !kv->child) continue;
        return 0;
    }
    return 1;
}

static void invalid_raw(field_errors *errs, const char *field, const char *value, const char *detail)
{
    char d[1000];
    snprintf(d, sizeof d, "%s: %s", value, detail);
    field_error_add(errs, FIELD_INVALID, field, NULL, d);
}

static void check_meta(const cJSON *obj, int allow_namespace, field_errors *errs)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    if (meta_is_empty(m, allow_namespace)) return;
    kapi_buf v;
    kapi_buf_init(&v);
    go_object_meta(&v, m);
    kapi_buf_putc(&v, '\0');
    invalid_raw(errs, "metadata", v.data,
                allow_namespace ? "must be empty except for namespace" : "must be empty");
    kapi_buf_free(&v);
}

static void go_non_resource_attributes(kapi_buf *b, const cJSON *n)
{
    kapi_buf_puts(b, "authorization.NonResourceAttributes{Path:");
    go_quote(b, json_str(n, "path"));
    kapi_buf_puts(b, ", Verb:");
    go_quote(b, json_str(n, "verb"));
    kapi_buf_putc(b, '}');
}

/* ValidateSubjectAccessReviewSpec / ValidateSelfSubjectAccessReviewSpec */
static void check_spec(const cJSON *spec, int needs_subject, field_errors *errs)
{
    const cJSON *ra = cJSON_GetObjectItemCaseSensitive(spec, "resourceAttributes");
    const cJSON *na = cJSON_GetObjectItemCaseSensitive(spec, "nonResourceAttributes");
    int has_ra = cJSON_IsObject(ra), has_na = cJSON_IsObject(na);
    if (has_ra && has_na) {
        kapi_buf v;
        kapi_buf_init(&v);
        go_non_resource_attributes(&v, na);
        kapi_buf_putc(&v, '\0');
        invalid_raw(errs, "spec.nonResourceAttributes", v.data,
                    "cannot be specified in combination with resourceAttributes");
        kapi_buf_free(&v);
    }
    if (!has_ra && !has_na)
        field_error_add_str(errs, FIELD_INVALID, "spec.resourceAttributes", "null",
                            "exactly one of nonResourceAttributes or resourceAttributes must be specified");
    if (needs_subject) {
        const cJSON *groups = cJSON_GetObjectItemCaseSensitive(spec, "groups");
        int ng = cJSON_IsArray(groups) ? cJSON_GetArraySize(groups) : 0;
        if (!json_str(spec, "user")[0] && ng == 0)
            field_error_add_str(errs, FIELD_INVALID, "spec.user", "",
                                "at least one of user or group must be specified");
    }
}

/* ---------------------------------------------------------------- access reviews */

static void copy_fields(cJSON *to, const cJSON *from, const char *const *keys)
{
    for (int i = 0; keys[i]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(from, keys[i]);
        if (!v || cJSON_IsNull(v)) continue;
        if (cJSON_IsString(v) && !v->valuestring[0]) continue;     /* omitempty */
        if ((cJSON_IsArray(v) || cJSON_IsObject(v)) && !v->child) continue;
        cJSON_AddItemToObject(to, keys[i], cJSON_Duplicate(v, 1));
    }
}

/* The spec as kube encodes it back: its fields in Go's order, empty ones omitted. */
static cJSON *canonical_spec(const cJSON *spec, int with_subject)
{
    static const char *const ra_keys[] = {"namespace", "verb", "group", "version", "resource",
                                          "subresource", "name", "fieldSelector", "labelSelector",
                                          NULL};
    static const char *const na_keys[] = {"path", "verb", NULL};
    static const char *const subject_keys[] = {"user", "groups", "extra", "uid", NULL};
    cJSON *out = cJSON_CreateObject();
    const cJSON *ra = cJSON_GetObjectItemCaseSensitive(spec, "resourceAttributes");
    const cJSON *na = cJSON_GetObjectItemCaseSensitive(spec, "nonResourceAttributes");
    if (cJSON_IsObject(ra)) copy_fields(cJSON_AddObjectToObject(out, "resourceAttributes"), ra, ra_keys);
    if (cJSON_IsObject(na)) copy_fields(cJSON_AddObjectToObject(out, "nonResourceAttributes"), na, na_keys);
    if (with_subject) copy_fields(out, spec, subject_keys);
    return out;
}

static void attrs_from_spec(const cJSON *spec, const kapi_user *user, rbac_attrs *a)
{
    memset(a, 0, sizeof *a);
    a->user = user;
    const cJSON *ra = cJSON_GetObjectItemCaseSensitive(spec, "resourceAttributes");
    if (cJSON_IsObject(ra)) {
        a->is_resource = 1;
        a->verb = json_str(ra, "verb");
        a->ns = json_str(ra, "namespace");
        a->api_group = json_str(ra, "group");
        a->resource = json_str(ra, "resource");
        a->subresource = json_str(ra, "subresource");
        a->name = json_str(ra, "name");
        a->path = "";
    } else {
        const cJSON *na = cJSON_GetObjectItemCaseSensitive(spec, "nonResourceAttributes");
        a->verb = json_str(na, "verb");
        a->path = json_str(na, "path");
        a->api_group = a->resource = a->subresource = a->ns = a->name = "";
    }
}

/* The reply: the review with its status. */
static rest_result answer_access_review(rest_call *c, const cJSON *obj, int with_subject,
                                        const kapi_user *user)
{
    const cJSON *spec = cJSON_GetObjectItemCaseSensitive(obj, "spec");
    rbac_attrs a;
    attrs_from_spec(spec, user, &a);
    const char *reason = "";
    int allowed = authorize_attrs(c->ctx, c->req->pool, &a, &reason);

    cJSON *out = kapi_pool_keep_json(c->req->pool, cJSON_CreateObject());
    cJSON_AddStringToObject(out, "kind", c->r->kind);
    cJSON_AddStringToObject(out, "apiVersion", resource_api_version(c->r));
    cJSON *meta = cJSON_AddObjectToObject(out, "metadata");
    const char *ns = json_str(cJSON_GetObjectItemCaseSensitive(obj, "metadata"), "namespace");
    if (c->r->namespaced && ns[0]) cJSON_AddStringToObject(meta, "namespace", ns);
    cJSON_AddNullToObject(meta, "creationTimestamp");
    cJSON_AddItemToObject(out, "spec", canonical_spec(spec, with_subject));
    cJSON *st = cJSON_AddObjectToObject(out, "status");
    cJSON_AddBoolToObject(st, "allowed", allowed);
    if (reason && reason[0]) cJSON_AddStringToObject(st, "reason", reason);
    return created(c, out);
}

static rest_result serve_self_subject_access_review(rest_call *c)
{
    rest_result fail;
    cJSON *obj = decode(c, &fail);
    if (!obj) return fail;
    field_errors *errs = kapi_palloc(c->req->pool, sizeof *errs);
    check_spec(cJSON_GetObjectItemCaseSensitive(obj, "spec"), 0, errs);
    check_meta(obj, 0, errs);
    if (errs->n) return rest_invalid(c, errs, "");
    return answer_access_review(c, obj, 0, c->user);
}

/* The user a SubjectAccessReview asks about. */
static void user_from_spec(kapi_pool *p, const cJSON *spec, kapi_user *u)
{
    memset(u, 0, sizeof *u);
    u->name = kapi_pstrdup(p, json_str(spec, "user"));
    u->uid = kapi_pstrdup(p, json_str(spec, "uid"));
    const cJSON *groups = cJSON_GetObjectItemCaseSensitive(spec, "groups"), *g;
    if (cJSON_IsArray(groups))
        cJSON_ArrayForEach(g, groups)
            if (cJSON_IsString(g) && u->n_groups < KAPI_MAX_GROUPS)
                u->groups[u->n_groups++] = kapi_pstrdup(p, g->valuestring);
}

/* LocalSubjectAccessReview's own rules: its resourceAttributes are in its
 * namespace, and it has no nonResourceAttributes. */
static void check_local_review(const cJSON *spec, const char *ns, field_errors *errs)
{
    const cJSON *ra = cJSON_GetObjectItemCaseSensitive(spec, "resourceAttributes");
    if (cJSON_IsObject(ra) && strcmp(json_str(ra, "namespace"), ns))
        field_error_add_str(errs, FIELD_INVALID, "spec.resourceAttributes.namespace",
                            json_str(ra, "namespace"), "must match metadata.namespace");
    const cJSON *na = cJSON_GetObjectItemCaseSensitive(spec, "nonResourceAttributes");
    if (cJSON_IsObject(na)) {
        kapi_buf v;
        kapi_buf_init(&v);
        go_non_resource_attributes(&v, na);
        kapi_buf_putc(&v, '\0');
        invalid_raw(errs, "spec.nonResourceAttributes", v.data, "disallowed on this kind of request");
        kapi_buf_free(&v);
    }
}

/* A SubjectAccessReview, or (local) a LocalSubjectAccessReview: the
 * question is asked for the user the spec names. */
static rest_result serve_access_review_for_subject(rest_call *c, int local)
{
    rest_result fail;
    cJSON *obj = decode(c, &fail);
    if (!obj) return fail;
    const cJSON *spec = cJSON_GetObjectItemCaseSensitive(obj, "spec");
    field_errors *errs = kapi_palloc(c->req->pool, sizeof *errs);
    check_spec(spec, 1, errs);
    check_meta(obj, local, errs);
    if (local) check_local_review(spec, json_str(cJSON_GetObjectItemCaseSensitive(obj, "metadata"), "namespace"), errs);
    if (errs->n) return rest_invalid(c, errs, "");
    kapi_user *u = kapi_palloc(c->req->pool, sizeof *u);
    user_from_spec(c->req->pool, spec, u);
    return answer_access_review(c, obj, 1, u);
}

static rest_result serve_subject_access_review(rest_call *c)
{
    return serve_access_review_for_subject(c, 0);
}

static rest_result serve_local_subject_access_review(rest_call *c)
{
    return serve_access_review_for_subject(c, 1);
}

/* ---------------------------------------------------------------- rules review */

static rest_result serve_self_subject_rules_review(rest_call *c)
{
    rest_result fail;
    cJSON *obj = decode(c, &fail);
    if (!obj) return fail;
    const char *ns = json_str(cJSON_GetObjectItemCaseSensitive(obj, "spec"), "namespace");
    if (!ns[0]) return rest_bad_request(c, "no namespace on request");
    rbac_rule *rules = NULL;
    const char *errors = NULL;
    int n = rbac_rules_for(c->ctx, c->req->pool, c->user, ns, 0, &rules, &errors);
    if (n < 0) return rest_internal(c, "reading the RBAC policy failed");

    cJSON *out = kapi_pool_keep_json(c->req->pool, cJSON_CreateObject());
    cJSON_AddStringToObject(out, "kind", c->r->kind);
    cJSON_AddStringToObject(out, "apiVersion", resource_api_version(c->r));
    cJSON_AddNullToObject(cJSON_AddObjectToObject(out, "metadata"), "creationTimestamp");
    cJSON_AddObjectToObject(out, "spec");
    cJSON *st = cJSON_AddObjectToObject(out, "status");
    cJSON *rr = cJSON_AddArrayToObject(st, "resourceRules");
    cJSON *nr = cJSON_AddArrayToObject(st, "nonResourceRules");
    for (int i = 0; i < n; i++) {
        const rbac_rule *r = &rules[i];
        /* a rule's resource part and its non-resource part (a valid rule
         * has one of them), each as the PolicyRule JSON */
        const rbac_rule resource_part = {r->verbs, r->api_groups, r->resources, r->resource_names, NULL};
        const rbac_rule url_part = {.verbs = r->verbs, .urls = r->urls};
        if (rbac_list_len(r->resources)) cJSON_AddItemToArray(rr, rbac_rule_to_json(&resource_part));
        if (rbac_list_len(r->urls)) cJSON_AddItemToArray(nr, rbac_rule_to_json(&url_part));
    }
    cJSON_AddBoolToObject(st, "incomplete", 0);
    if (errors && errors[0]) cJSON_AddStringToObject(st, "evaluationError", errors);
    return created(c, out);
}

/* ---------------------------------------------------------------- whoami */

static rest_result serve_self_subject_review(rest_call *c)
{
    rest_result fail;
    cJSON *obj = decode(c, &fail);
    if (!obj) return fail;
    const kapi_user *u = c->user;
    char ts[21];
    time_rfc3339(time(NULL), ts);
    cJSON *out = kapi_pool_keep_json(c->req->pool, cJSON_CreateObject());
    cJSON_AddStringToObject(out, "kind", c->r->kind);
    cJSON_AddStringToObject(out, "apiVersion", resource_api_version(c->r));
    cJSON_AddStringToObject(cJSON_AddObjectToObject(out, "metadata"), "creationTimestamp", ts);
    cJSON_AddItemToObject(cJSON_AddObjectToObject(out, "status"), "userInfo", user_info_json(u));
    return created(c, out);
}

const kapi_strategy strategy_selfsubjectaccessreviews = {.serve_create = serve_self_subject_access_review};
const kapi_strategy strategy_subjectaccessreviews = {.serve_create = serve_subject_access_review};
const kapi_strategy strategy_localsubjectaccessreviews = {.serve_create = serve_local_subject_access_review};
const kapi_strategy strategy_selfsubjectrulesreviews = {.serve_create = serve_self_subject_rules_review};
const kapi_strategy strategy_selfsubjectreviews = {.serve_create = serve_self_subject_review};
