/* audit.c: audit.k8s.io/v1 Events for requests (see audit.h); kube's
 * staging/src/k8s.io/apiserver/pkg/audit (request.go, context.go) and
 * endpoints/filters/audit.go. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "auth/audit_policy.h"
#include "auth/authn.h"
#include "codec/json.h"
#include "codec/jsonpath.h"
#include "codec/yaml.h"
#include "core/alloc.h"
#include "core/gotime.h"
#include "core/util.h"
#include "http/audit.h"
#include "http/audit_log.h"

#define MAX_USER_AGENT 1024
#define MAX_AUDIT_ID 256

/* ---------------------------------------------------------------- settings */

static audit_policy *policy;
static audit_log_config log_config;
static char config_err[512];
static int config_rc;
static pthread_once_t config_once = PTHREAD_ONCE_INIT;

static long env_long(const char *name, long dflt, long max, int *bad)
{
    const char *v = getenv(name);
    if (!v || !*v) return dflt;
    char *end;
    long n = strtol(v, &end, 10);
    if (*end || n < 0 || n > max) { *bad = 1; return dflt; }
    return n;
}

static void load_config(void)
{
    const char *pf = getenv("KAPI_AUDIT_POLICY_FILE");
    const char *lp = getenv("KAPI_AUDIT_LOG_PATH");
    if (!pf || !*pf) return;   /* kube: no policy, no audit */
    int bad = 0;
    log_config.max_size_mb = env_long("KAPI_AUDIT_LOG_MAXSIZE", 0, 1 << 20, &bad);
    log_config.max_backups = (int)env_long("KAPI_AUDIT_LOG_MAXBACKUP", 0, 1 << 20, &bad);
    log_config.max_age_days = (int)env_long("KAPI_AUDIT_LOG_MAXAGE", 0, 1 << 20, &bad);
    if (bad) {
        snprintf(config_err, sizeof config_err, "KAPI_AUDIT_LOG_MAXSIZE, KAPI_AUDIT_LOG_MAXBACKUP and "
                 "KAPI_AUDIT_LOG_MAXAGE must be whole numbers, 0 or more");
        config_rc = -1;
        return;
    }
    kapi_buf b;
    kapi_buf_init(&b);
    if (kapi_buf_read_file(&b, pf) != 0) {
        snprintf(config_err, sizeof config_err, "failed to read file path \"%s\"", pf);
        kapi_buf_free(&b);
        config_rc = -1;
        return;
    }
    char err[400];
    audit_policy *p = audit_policy_parse(b.data ? b.data : "", b.len, err, sizeof err);
    kapi_buf_free(&b);
    if (!p) {
        snprintf(config_err, sizeof config_err, "%s: from file %s", err, pf);
        config_rc = -1;
        return;
    }
    /* kube's log backend runs only with a path; without one the policy has
     * nowhere to write */
    if (!lp || !*lp) { audit_policy_free(p); return; }
    log_config.path = kapi_xstrdup(lp);
    policy = p;   /* kept for the life of the process */
}

int audit_configure(char *err, size_t errlen)
{
    pthread_once(&config_once, load_config);
    if (config_rc) snprintf(err, errlen, "invalid audit policy: %s", config_err);
    return config_rc;
}

/* ---------------------------------------------------------------- events */

struct audit_event {
    kapi_request *req;
    kapi_response *resp;
    char id[MAX_AUDIT_ID + 1];
    struct timespec received;
    audit_decision d;
    int active;                     /* the policy logs this request */
    kapi_user user;
    int has_user;
    kapi_user imp;
    int has_imp;
    request_info info;
    int has_info;
    int has_authz, allowed;
    const char *reason;
    /* a watch: ResponseStarted when its first bytes go out */
    int (*stream_write)(void *ctx, const char *data, size_t n, int flush);
    void *stream_ctx;
    int response_started;
    int code;                       /* the status before the response has it */
};

/* utilnet.SourceIPs: X-Forwarded-For, then X-Real-Ip, then the peer, each
 * once. */
static void add_ip(cJSON *a, const char *ip, size_t n)
{
    while (n && (*ip == ' ' || *ip == '\t')) { ip++; n--; }
    while (n && (ip[n - 1] == ' ' || ip[n - 1] == '\t')) n--;
    if (!n) return;
    const cJSON *it;
    cJSON_ArrayForEach(it, a)
        if (strlen(it->valuestring) == n && !strncmp(it->valuestring, ip, n)) return;
    char *s = kapi_xstrndup(ip, n);
    cJSON_AddItemToArray(a, cJSON_CreateString(s));
    free(s);
}

static cJSON *source_ips(const kapi_request *req)
{
    cJSON *a = cJSON_CreateArray();
    const char *xff = request_header(req, "x-forwarded-for");
    for (const char *p = xff; p && *p;) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        add_ip(a, p, n);
        p = c ? c + 1 : NULL;
    }
    const char *real = request_header(req, "x-real-ip");
    if (real) add_ip(a, real, strlen(real));
    if (req->remote_addr) add_ip(a, req->remote_addr, strlen(req->remote_addr));
    return a;
}

static int media_is(const char *ct, const char *want)
{
    size_t n = strlen(want);
    return ct && !strncasecmp(ct, want, n) && (!ct[n] || ct[n] == ';' || ct[n] == ' ');
}

/* A body as JSON: JSON as it is, YAML converted; NULL for protobuf or
 * what does not parse. */
static cJSON *body_json(kapi_pool *pool, const char *ct, const char *body, size_t len)
{
    if (!body || !len) return NULL;
    cJSON *j = NULL;
    if (media_is(ct, "application/yaml") || media_is(ct, "application/apply-patch+yaml")) {
        char err[128];
        j = yaml_parse(body, len, err, sizeof err);
    } else if (!ct || media_is(ct, "application/json") || media_is(ct, "application/json-patch+json") ||
               media_is(ct, "application/merge-patch+json") ||
               media_is(ct, "application/strategic-merge-patch+json")) {
        j = cJSON_ParseWithLength(body, len);
    }
    return j ? kapi_pool_keep_json(pool, j) : NULL;
}

static void drop_managed_fields(cJSON *obj)
{
    cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    if (cJSON_IsObject(meta)) cJSON_DeleteItemFromObjectCaseSensitive(meta, "managedFields");
}

/* kube's copyWithoutManagedFields: the object, a list's items, a Table's
 * rows' objects. */
static void omit_managed_fields(cJSON *obj)
{
    if (!cJSON_IsObject(obj)) return;
    drop_managed_fields(obj);
    cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(obj, "items")) drop_managed_fields(it);
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(obj, "rows"))
        drop_managed_fields(cJSON_GetObjectItemCaseSensitive(it, "object"));
}

/* metav1.Status as the audit filter records it: the code always; a Status
 * answer's status, message, reason and details. */
static cJSON *response_status(const audit_event *ev, const cJSON *body, const char *message)
{
    cJSON *s = cJSON_CreateObject();
    cJSON_AddItemToObject(s, "metadata", cJSON_CreateObject());
    const char *kind = json_str(body, "kind");
    if (kind && !strcmp(kind, "Status")) {
        static const char *const copy[] = { "status", "message", "reason", "details" };
        for (size_t i = 0; i < sizeof copy / sizeof *copy; i++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, copy[i]);
            if (v) cJSON_AddItemToObject(s, copy[i], cJSON_Duplicate(v, 1));
        }
    } else if (message) {
        cJSON_AddStringToObject(s, "message", message);
    }
    cJSON_AddNumberToObject(s, "code", ev->code ? ev->code : ev->resp->status ? ev->resp->status : 200);
    return s;
}

static void micro_time(const struct timespec *ts, char *out, size_t n)
{
    rfc3339_format((int64_t)ts->tv_sec, (int64_t)ts->tv_nsec, 1, out, n);
}

/* Builds and writes the event for one stage. */
static void emit(audit_event *ev, unsigned stage, const char *status_message)
{
    if (!ev->active || (ev->d.omit_stages & stage)) return;
    kapi_request *req = ev->req;
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "kind", "Event");
    cJSON_AddStringToObject(e, "apiVersion", "audit.k8s.io/v1");
    cJSON_AddStringToObject(e, "level", audit_level_name(ev->d.level));
    cJSON_AddStringToObject(e, "auditID", ev->id);
    cJSON_AddStringToObject(e, "stage", audit_stage_name(stage));
    const char *uri = req->request_uri;
    if (!uri) uri = req->query && *req->query ? kapi_psprintf(req->pool, "%s?%s", req->path, req->query) : req->path;
    cJSON_AddStringToObject(e, "requestURI", uri ? uri : "");
    const char *verb = ev->has_info ? ev->info.verb : "";
    if (!ev->has_info && req->method) {
        char *v = kapi_pstrdup(req->pool, req->method);
        for (char *c = v; *c; c++) if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
        verb = v;
    }
    cJSON_AddStringToObject(e, "verb", verb);
    cJSON_AddItemToObject(e, "user", ev->has_user ? user_info_json(&ev->user) : cJSON_CreateObject());
    if (ev->has_imp) cJSON_AddItemToObject(e, "impersonatedUser", user_info_json(&ev->imp));
    cJSON_AddItemToObject(e, "sourceIPs", source_ips(req));
    if (req->user_agent) {
        size_t n = strlen(req->user_agent);
        if (n > MAX_USER_AGENT)
            cJSON_AddStringToObject(e, "userAgent",
                                    kapi_psprintf(req->pool, "%.*s...TRUNCATED", MAX_USER_AGENT, req->user_agent));
        else
            cJSON_AddStringToObject(e, "userAgent", req->user_agent);
    }

    /* the request's object: its metadata complete the reference (kube's
     * LogRequestObject, for the verbs that decode one); its body at level
     * Request and above */
    const request_info *info = &ev->info;
    cJSON *reqobj = NULL;
    if (ev->has_info && info->is_resource && stage != AUDIT_STAGE_REQUEST_RECEIVED)
        reqobj = body_json(req->pool, req->content_type, req->body, req->body_len);
    if (ev->has_info && info->is_resource) {
        const cJSON *meta = NULL;
        if (reqobj && (!strcmp(info->verb, "create") || !strcmp(info->verb, "update")))
            meta = cJSON_GetObjectItemCaseSensitive(reqobj, "metadata");
        const char *ns = *info->namespace_ ? info->namespace_ : json_str(meta, "namespace");
        const char *name = *info->name ? info->name : json_str(meta, "name");
        cJSON *ref = cJSON_AddObjectToObject(e, "objectRef");
        cJSON_AddStringToObject(ref, "resource", info->resource);
        if (ns && *ns) cJSON_AddStringToObject(ref, "namespace", ns);
        if (name && *name) cJSON_AddStringToObject(ref, "name", name);
        const char *uid = json_str(meta, "uid"), *rv = json_str(meta, "resourceVersion");
        if (uid && *uid) cJSON_AddStringToObject(ref, "uid", uid);
        if (*info->group) cJSON_AddStringToObject(ref, "apiGroup", info->group);
        cJSON_AddStringToObject(ref, "apiVersion", info->version);
        if (rv && *rv) cJSON_AddStringToObject(ref, "resourceVersion", rv);
        if (*info->subresource) cJSON_AddStringToObject(ref, "subresource", info->subresource);
    }
    cJSON *respbody = NULL;
    if (stage == AUDIT_STAGE_RESPONSE_COMPLETE && !ev->resp->streamed &&
        (media_is(ev->resp->content_type, "application/json") || media_is(ev->resp->content_type, "application/yaml")))
        respbody = body_json(req->pool, ev->resp->content_type, ev->resp->body.data, ev->resp->body.len);
    if (stage != AUDIT_STAGE_REQUEST_RECEIVED)
        cJSON_AddItemToObject(e, "responseStatus", response_status(ev, respbody, status_message));
    if (reqobj && ev->d.level >= AUDIT_LEVEL_REQUEST) {
        cJSON *copy = cJSON_Duplicate(reqobj, 1);
        if (ev->d.omit_managed_fields) omit_managed_fields(copy);
        cJSON_AddItemToObject(e, "requestObject", copy);
    }
    if (respbody && ev->d.level >= AUDIT_LEVEL_REQUEST_RESPONSE) {
        cJSON *copy = cJSON_Duplicate(respbody, 1);
        if (ev->d.omit_managed_fields) omit_managed_fields(copy);
        cJSON_AddItemToObject(e, "responseObject", copy);
    }
    char ts[48];
    micro_time(&ev->received, ts, sizeof ts);
    cJSON_AddStringToObject(e, "requestReceivedTimestamp", ts);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    micro_time(&now, ts, sizeof ts);
    cJSON_AddStringToObject(e, "stageTimestamp", ts);
    if (ev->has_authz && stage != AUDIT_STAGE_REQUEST_RECEIVED) {
        cJSON *a = cJSON_AddObjectToObject(e, "annotations");
        cJSON_AddStringToObject(a, "authorization.k8s.io/decision", ev->allowed ? "allow" : "forbid");
        cJSON_AddStringToObject(a, "authorization.k8s.io/reason", ev->reason ? ev->reason : "");
    }
    char *line = cJSON_PrintUnformatted(e);
    cJSON_Delete(e);
    size_t n = strlen(line);
    line = kapi_xrealloc(line, n + 2);
    line[n] = '\n';
    line[n + 1] = '\0';
    audit_log_append(&log_config, line, n + 1);
    free(line);
}

audit_event *audit_begin(kapi_request *req, kapi_response *resp)
{
    pthread_once(&config_once, load_config);
    audit_event *ev = kapi_palloc(req->pool, sizeof *ev);
    ev->req = req;
    ev->resp = resp;
    clock_gettime(CLOCK_REALTIME, &ev->received);
    /* kube's WithAuditInit: the client's Audit-ID, else a new UUID */
    const char *given = request_header(req, "audit-id");
    if (given && *given && strlen(given) <= MAX_AUDIT_ID) snprintf(ev->id, sizeof ev->id, "%s", given);
    else uuid_v4(ev->id);
    kapi_response_add_header(resp, req->pool, "Audit-Id", ev->id);
    return ev;
}

static void decide(audit_event *ev, const kapi_user *user, const request_info *info)
{
    if (!policy) return;
    if (info) { ev->info = *info; ev->has_info = 1; }
    if (user) { ev->user = *user; ev->has_user = 1; }
    audit_attrs a = {
        .user = user,
        .verb = info ? info->verb : "",
        .is_resource = info && info->is_resource,
        .path = ev->req->path,
    };
    if (info && info->is_resource) {
        a.group = info->group;
        a.namespace_ = info->namespace_;
        a.resource = info->resource;
        a.subresource = info->subresource;
        a.name = info->name;
    }
    audit_policy_check(policy, &a, &ev->d);
    ev->active = ev->d.level > AUDIT_LEVEL_NONE;
}

/* kube's getAuthMethods */
static const char *auth_methods(const kapi_request *req)
{
    int bearer = 0, x509 = req->client_verify && strcmp(req->client_verify, "NONE");
    if (req->authorization) {
        const char *a = req->authorization;
        while (*a == ' ') a++;
        bearer = !strncasecmp(a, "bearer ", 7);
    }
    if (bearer && x509) return "Authentication failed, attempted: bearer, x509";
    if (bearer) return "Authentication failed, attempted: bearer";
    if (x509) return "Authentication failed, attempted: x509";
    return "Authentication failed, no credentials provided";
}

void audit_unauthenticated(audit_event *ev, const request_info *info)
{
    if (!ev) return;
    decide(ev, NULL, info);
    if (!ev->active) return;
    ev->code = 401;
    emit(ev, AUDIT_STAGE_RESPONSE_STARTED, auth_methods(ev->req));
    ev->active = 0;   /* kube logs a failed authentication once */
}

static int audited_stream_write(void *ctx, const char *data, size_t n, int flush)
{
    audit_event *ev = ctx;
    if (!ev->response_started) {
        ev->response_started = 1;
        emit(ev, AUDIT_STAGE_RESPONSE_STARTED, NULL);
    }
    return ev->stream_write(ev->stream_ctx, data, n, flush);
}

void audit_start(audit_event *ev, const kapi_user *user, const request_info *info)
{
    if (!ev) return;
    decide(ev, user, info);
    if (!ev->active) return;
    emit(ev, AUDIT_STAGE_REQUEST_RECEIVED, NULL);
    /* a long-running request (a watch) logs ResponseStarted as its headers
     * are sent */
    if (info && !strcmp(info->verb, "watch") && ev->resp->stream_write) {
        ev->stream_write = ev->resp->stream_write;
        ev->stream_ctx = ev->resp->stream_ctx;
        ev->resp->stream_write = audited_stream_write;
        ev->resp->stream_ctx = ev;
    }
}

void audit_impersonated(audit_event *ev, const kapi_user *user)
{
    if (!ev || !ev->active) return;
    ev->imp = *user;
    ev->has_imp = 1;
}

void audit_authorized(audit_event *ev, int allowed, const char *reason)
{
    if (!ev || !ev->active) return;
    ev->has_authz = 1;
    ev->allowed = allowed;
    ev->reason = reason ? kapi_pstrdup(ev->req->pool, reason) : "";
}

void audit_finish(audit_event *ev)
{
    if (!ev || !ev->active) return;
    emit(ev, AUDIT_STAGE_RESPONSE_COMPLETE, NULL);
}
