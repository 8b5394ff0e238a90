/* list_options.c: decoding, defaulting and validation of ListOptions (see
 * list_options.h), following apimachinery's parameter conversions
 * (Convert_Slice_string_To_bool and friends), internalversion's
 * SetListOptionsDefaults and validation.ValidateListOptions. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "codec/fielderr.h"
#include "core/status.h"
#include "registry/list_options.h"
#include "registry/rest_internal.h"
#include "store/store.h"

#define TOO_LARGE_WAIT_MS 3000

int list_option_flag(const char *value)
{
    if (!value) return 0;
    return strcmp(value, "0") && strcasecmp(value, "false");
}

/* strconv.ParseInt(s, 10, 64); 0, or -1 with Go's error text in err. */
static int parse_int64(const char *s, long long *out, char *err, size_t errlen)
{
    const char *p = s;
    if (*p == '+' || *p == '-') p++;
    int digits = *p != '\0';
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9') digits = 0;
    if (!digits) {
        snprintf(err, errlen, "strconv.ParseInt: parsing \"%.100s\": invalid syntax", s);
        return -1;
    }
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    if (errno == ERANGE) {
        snprintf(err, errlen, "strconv.ParseInt: parsing \"%.100s\": value out of range", s);
        return -1;
    }
    *out = v;
    return 0;
}

/* The storage versioner's ParseResourceVersion: "" is 0, else
 * strconv.ParseUint (no sign), wrapped as a field error. */
static void parse_resource_version(list_options *o)
{
    o->rv = 0;
    o->rv_ok = 1;
    const char *s = o->rv_text;
    if (!*s) return;
    const char *why = NULL;
    for (const char *q = s; *q; q++)
        if (*q < '0' || *q > '9') why = "invalid syntax";
    unsigned long long v = 0;
    if (!why) {
        errno = 0;
        v = strtoull(s, NULL, 10);
        if (errno == ERANGE || v > (unsigned long long)INT64_MAX) why = "value out of range";
    }
    if (why) {
        o->rv_ok = 0;
        snprintf(o->rv_error, sizeof o->rv_error,
                 "resourceVersion: Invalid value: \"%.60s\": strconv.ParseUint: parsing \"%.60s\": %s",
                 s, s, why);
        return;
    }
    o->rv = (int64_t)v;
}

static void validate_list(const list_options *o, field_errors *errs)
{
    if (*o->match) {
        if (!*o->rv_text)
            field_error_add(errs, FIELD_FORBIDDEN, "resourceVersionMatch", NULL,
                            "resourceVersionMatch is forbidden unless resourceVersion is provided");
        if (*o->cont)
            field_error_add(errs, FIELD_FORBIDDEN, "resourceVersionMatch", NULL,
                            "resourceVersionMatch is forbidden when continue is provided");
        if (strcmp(o->match, "Exact") && strcmp(o->match, "NotOlderThan")) {
            static const char *const supported[] = {"Exact", "NotOlderThan", "", NULL};
            field_error_not_supported(errs, "resourceVersionMatch", o->match, supported);
        }
        if (!strcmp(o->match, "Exact") && !strcmp(o->rv_text, "0"))
            field_error_add(errs, FIELD_FORBIDDEN, "resourceVersionMatch", NULL,
                            "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"");
    }
    if (o->send_initial >= 0)
        field_error_add(errs, FIELD_FORBIDDEN, "sendInitialEvents", NULL,
                        "sendInitialEvents is forbidden for list");
}

static void validate_watch(const list_options *o, field_errors *errs)
{
    if (o->send_initial >= 0 && strcmp(o->match, "NotOlderThan"))
        field_error_add(errs, FIELD_FORBIDDEN, "resourceVersionMatch", NULL,
                        "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan");
    if (*o->match) {
        if (o->send_initial < 0)
            field_error_add(errs, FIELD_FORBIDDEN, "resourceVersionMatch", NULL,
                            "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided");
        if (strcmp(o->match, "NotOlderThan")) {
            static const char *const supported[] = {"NotOlderThan", NULL};
            field_error_not_supported(errs, "resourceVersionMatch", o->match, supported);
        }
        if (*o->cont)
            field_error_add(errs, FIELD_FORBIDDEN, "resourceVersionMatch", NULL,
                            "resourceVersionMatch is forbidden when continue is provided");
    }
}

int list_options_parse(rest_call *c, int watch, list_options *o, rest_result *fail)
{
    memset(o, 0, sizeof *o);
    o->watch = watch;
    const char *v;
    o->rv_text = (v = query_get(c->req, "resourceVersion")) ? v : "";
    o->match = (v = query_get(c->req, "resourceVersionMatch")) ? v : "";
    o->cont = (v = query_get(c->req, "continue")) ? v : "";
    o->send_initial = (v = query_get(c->req, "sendInitialEvents")) ? list_option_flag(v) : -1;
    o->bookmarks = list_option_flag(query_get(c->req, "allowWatchBookmarks"));
    char err[200];
    if ((v = query_get(c->req, "limit")) && parse_int64(v, &o->limit, err, sizeof err)) {
        *fail = rest_bad_request(c, err);
        return -1;
    }
    if ((v = query_get(c->req, "timeoutSeconds"))) {
        if (parse_int64(v, &o->timeout_seconds, err, sizeof err)) {
            *fail = rest_bad_request(c, err);
            return -1;
        }
        o->has_timeout = 1;
    }
    /* SetListOptionsDefaults: a watch from "" or "0" sends the initial state
     * as initial events (WatchList is on by default in 1.32). */
    if (watch && o->send_initial < 0 && !*o->match &&
        (!*o->rv_text || !strcmp(o->rv_text, "0"))) {
        o->send_initial = 1;
        o->match = "NotOlderThan";
    }
    field_errors *errs = kapi_palloc(c->req->pool, sizeof *errs);
    if (watch) validate_watch(o, errs);
    else validate_list(o, errs);
    if (errs->n) {
        *fail = rest_status(c, field_errors_status(errs, "meta.k8s.io", "ListOptions", ""), 0);
        return -1;
    }
    parse_resource_version(o);
    return 0;
}

cJSON *list_too_large_status(int64_t wanted, int64_t current, int retry_seconds)
{
    char msg[200];
    snprintf(msg, sizeof msg, "Timeout: Too large resource version: %lld, current: %lld",
             (long long)wanted, (long long)current);
    cJSON *st = status_new(KAPI_UNAVAILABLE, msg);
    cJSON_ReplaceItemInObjectCaseSensitive(st, "reason", cJSON_CreateString("Timeout"));
    cJSON_ReplaceItemInObjectCaseSensitive(st, "code", cJSON_CreateNumber(504));
    cJSON *details = cJSON_AddObjectToObject(st, "details");
    cJSON *causes = cJSON_AddArrayToObject(details, "causes");
    cJSON *cause = cJSON_CreateObject();
    cJSON_AddStringToObject(cause, "reason", "ResourceVersionTooLarge");
    cJSON_AddStringToObject(cause, "message", "Too large resource version");
    cJSON_AddItemToArray(causes, cause);
    if (retry_seconds > 0) cJSON_AddNumberToObject(details, "retryAfterSeconds", retry_seconds);
    status_reorder_code_last(st);
    return st;
}

int64_t list_wait_for_revision(rest_call *c, int64_t wanted)
{
    store *s = c->ctx->store;
    long long waited = 0;
    for (;;) {
        uint32_t seen = store_change_counter(s);
        int64_t current = store_revision(s);
        if (current < 0 || current >= wanted || waited >= TOO_LARGE_WAIT_MS) return current;
        store_wait_for_change(s, seen, 100);
        waited += 100;
    }
}

int rest_check_get_resource_version(rest_call *c, rest_result *fail)
{
    list_options o;
    memset(&o, 0, sizeof o);
    const char *v = query_get(c->req, "resourceVersion");
    o.rv_text = v ? v : "";
    parse_resource_version(&o);
    if (!o.rv_ok) {
        /* kube's watch cache returns the parse error as is: a 500 without a reason */
        cJSON *st = status_new(KAPI_INTERNAL, o.rv_error);
        cJSON_DeleteItemFromObjectCaseSensitive(st, "reason");
        *fail = rest_status(c, st, 0);
        return -1;
    }
    if (o.rv == 0) return 0;                        /* unset: the latest; "0": any */
    int64_t current = list_wait_for_revision(c, o.rv);
    if (current < 0) {
        *fail = rest_internal(c, "reading from storage failed");
        return -1;
    }
    if (current < o.rv) {
        *fail = rest_status(c, list_too_large_status(o.rv, current, 1), 0);
        return -1;
    }
    return 0;
}
