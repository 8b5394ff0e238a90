/* events_v1.c: events.k8s.io/v1 Event, served over the stored core/v1
 * Events (kube stores both as one), converted as kube converts them
 * (pkg/apis/events/v1/conversion.go): regarding is involvedObject, note is
 * message, reportingController is reportingComponent, deprecatedSource,
 * deprecatedFirstTimestamp, deprecatedLastTimestamp and deprecatedCount are
 * source, firstTimestamp, lastTimestamp and count. A create through this
 * group is validated strictly (ValidateEventCreate for events.k8s.io/v1:
 * eventTime, type, reportingController, reportingInstance, action and
 * reason required, the deprecated fields unset); field paths are the
 * internal (core) ones, as kube's. */
#include <stdio.h>
#include <string.h>
#include "codec/jsonpath.h"
#include "codec/validate_meta.h"
#include "registry/kinds/conversion.h"
#include "registry/strategies.h"

/* events.k8s.io/v1 name, core/v1 name */
static const char *const renames[][2] = {
    {"regarding", "involvedObject"},
    {"note", "message"},
    {"reportingController", "reportingComponent"},
    {"deprecatedSource", "source"},
    {"deprecatedFirstTimestamp", "firstTimestamp"},
    {"deprecatedLastTimestamp", "lastTimestamp"},
    {"deprecatedCount", "count"},
};

static void rename_members(cJSON *obj, int to_core)
{
    for (size_t i = 0; i < sizeof renames / sizeof renames[0]; i++) {
        const char *from = renames[i][to_core ? 0 : 1], *to = renames[i][to_core ? 1 : 0];
        cJSON *v = cJSON_DetachItemFromObjectCaseSensitive(obj, from);
        cJSON_DeleteItemFromObjectCaseSensitive(obj, to);
        if (v) cJSON_AddItemToObject(obj, to, v);
    }
}

void event_v1_to_storage(cJSON *ev)
{
    conversion_set_api_version(ev, "v1");
    rename_members(ev, 1);
}

void event_v1_from_storage(cJSON *ev)
{
    conversion_set_api_version(ev, "events.k8s.io/v1");
    rename_members(ev, 0);
}

static void too_long(const cJSON *ev, const char *key, const char *field, size_t limit, field_errors *errs)
{
    if (strlen(json_str(ev, key)) <= limit) return;
    char msg[64];
    snprintf(msg, sizeof msg, "can have at most %zu characters", limit);
    field_error_add_str(errs, FIELD_INVALID, field, "", msg);
}

static int time_set(const cJSON *ev, const char *key)
{
    const char *t = json_str(ev, key);
    return *t && strncmp(t, "0001-01-01T00:00:00", 19);
}

/* legacyValidateEvent, as for an events.k8s.io request */
static void validate_event_legacy(const cJSON *ev, field_errors *errs)
{
    const char *ns = json_str_at(ev, "metadata.namespace", "");
    const char *ins = json_str_at(ev, "involvedObject.namespace", "");
    if (!time_set(ev, "eventTime")) {
        if (*ins && strcmp(ins, ns))
            field_error_add_str(errs, FIELD_INVALID, "involvedObject.namespace", ins, "does not match event.namespace");
        return;
    }
    if (!*ins && strcmp(ns, "default") && strcmp(ns, "kube-system"))
        field_error_add_str(errs, FIELD_INVALID, "involvedObject.namespace", ins, "does not match event.namespace");
    const char *rc = json_str(ev, "reportingComponent");
    if (!*rc) field_error_add(errs, FIELD_REQUIRED, "reportingController", NULL, "");
    validation_messages m = {0};
    is_qualified_name(rc, &m);
    add_invalid_value_for_each_message(errs, "reportingController", rc, &m);
    static const struct { const char *key, *field; size_t limit; } limited[] = {
        {"reportingInstance", "reportingInstance", 128}, {"action", "action", 128}, {"reason", "reason", 128}};
    for (size_t i = 0; i < sizeof limited / sizeof limited[0]; i++) {
        if (!*json_str(ev, limited[i].key)) field_error_add(errs, FIELD_REQUIRED, limited[i].field, NULL, "");
        too_long(ev, limited[i].key, limited[i].field, limited[i].limit, errs);
    }
    too_long(ev, "message", "message", 1024, errs);
}

/* ValidateEventCreate for events.k8s.io/v1 */
static void validate_event_create(const cJSON *ev, field_errors *errs)
{
    validate_event_legacy(ev, errs);
    const cJSON *series = json_get(ev, "series");
    if (cJSON_IsObject(series)) {
        if (json_num_at(series, "count", 0) < 2)
            field_error_add_str(errs, FIELD_INVALID, "series.count", "", "should be at least 2");
        if (!time_set(series, "lastObservedTime")) field_error_add(errs, FIELD_REQUIRED, "series.lastObservedTime", NULL, "");
    }
    if (!time_set(ev, "eventTime")) field_error_add(errs, FIELD_REQUIRED, "eventTime", NULL, "");
    const char *type = json_str(ev, "type");
    if (strcmp(type, "Normal") && strcmp(type, "Warning")) {
        char msg[300];
        snprintf(msg, sizeof msg, "has invalid value: %.200s", type);
        field_error_add_str(errs, FIELD_INVALID, "type", "", msg);
    }
    static const char *const unset[] = {"firstTimestamp", "lastTimestamp", NULL};
    for (int i = 0; unset[i]; i++)
        if (time_set(ev, unset[i])) field_error_add_str(errs, FIELD_INVALID, unset[i], "", "needs to be unset");
    if (json_num_at(ev, "count", 0) != 0) field_error_add_str(errs, FIELD_INVALID, "count", "", "needs to be unset");
    if (*json_str_at(ev, "source.component", "") || *json_str_at(ev, "source.host", ""))
        field_error_add_str(errs, FIELD_INVALID, "source", "", "needs to be unset");
}

const kapi_strategy strategy_events_v1 = {
    .names = NAME_DNS1123_SUBDOMAIN, .allows_create_on_update = 1,
    .validate = validate_event_legacy, .validate_create = validate_event_create,
    .to_storage = event_v1_to_storage, .from_storage = event_v1_from_storage,
};
