/* list_options.h: the query parameters of LIST, WATCH and DELETECOLLECTION
 * (kube's metainternalversion.ListOptions), decoded the way kube's parameter
 * codec does it, defaulted (SetListOptionsDefaults, with the WatchList
 * feature on as in 1.32) and validated (ValidateListOptions) with kube's
 * messages; plus the answers kube gives about resource versions that are
 * too large. */
#ifndef KAPI_LIST_OPTIONS_H
#define KAPI_LIST_OPTIONS_H

#include <stdint.h>
#include <cjson/cJSON.h>

struct rest_call;
struct rest_result;

typedef struct list_options {
    int watch;
    const char *rv_text;         /* resourceVersion as given; "" when absent */
    int64_t rv;                  /* its value (0 for "" and "0") */
    int rv_ok;                   /* it parsed (strconv.ParseUint) */
    char rv_error[256];          /* else: `resourceVersion: Invalid value: "x": strconv...` */
    const char *match;           /* resourceVersionMatch; "" when absent */
    int send_initial;            /* sendInitialEvents: -1 absent, else 0 or 1 */
    int bookmarks;               /* allowWatchBookmarks */
    int has_timeout;
    long long timeout_seconds;   /* timeoutSeconds */
    long long limit;             /* 0 when absent */
    const char *cont;            /* continue; "" when absent */
} list_options;

/* Decodes, defaults and validates the request's options for a list
 * (watch = 0), a watch (1) or a deletecollection (0). Returns 0, or -1 with
 * 400 (a value that does not decode) or 422 (ListOptions.meta.k8s.io "" is
 * invalid) in *fail. */
int list_options_parse(struct rest_call *c, int watch, list_options *o, struct rest_result *fail);

/* kube's values of a boolean query parameter: present and not "0" or
 * "false" (any case) is true, even when empty. */
int list_option_flag(const char *value);

/* kube's 504 for a resource version the store has not reached: "Timeout:
 * Too large resource version: X, current: Y", reason Timeout,
 * details.causes [ResourceVersionTooLarge], retryAfterSeconds when > 0; an
 * answer, or a watch's ERROR event (caller frees). */
cJSON *list_too_large_status(int64_t wanted, int64_t current, int retry_seconds);

/* Waits up to 3 seconds (kube's watch cache blockTimeout) for the store to
 * reach revision wanted. Returns the store's revision (>= wanted on
 * success), or -1 when it cannot be read. */
int64_t list_wait_for_revision(struct rest_call *c, int64_t wanted);

#endif
