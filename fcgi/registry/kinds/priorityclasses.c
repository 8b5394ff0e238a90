/* priorityclasses.c: scheduling.k8s.io/v1 PriorityClass, as kube-apiserver
 * 1.32 serves it (pkg/apis/scheduling/v1 defaults, pkg/apis/scheduling/
 * validation, the printer's columns): preemptionPolicy defaults to
 * PreemptLowerPriority; names with the "system-" prefix are reserved for the
 * two system classes; a user class may not exceed 1000000000; value and
 * preemptionPolicy never change. */
#include <stdio.h>
#include <string.h>
#include "codec/fielderr.h"
#include "codec/jsonpath.h"
#include "registry/strategies.h"
#include "registry/tables_internal.h"

#define HIGHEST_USER_DEFINABLE_PRIORITY 1000000000LL
#define SYSTEM_CRITICAL_PRIORITY (2 * HIGHEST_USER_DEFINABLE_PRIORITY)

static const struct { const char *name; long long value; } system_classes[] = {
    {"system-node-critical", SYSTEM_CRITICAL_PRIORITY + 1000},
    {"system-cluster-critical", SYSTEM_CRITICAL_PRIORITY},
};

static void set_defaults(cJSON *pc)
{
    if (!cJSON_GetObjectItemCaseSensitive(pc, "preemptionPolicy"))
        cJSON_AddStringToObject(pc, "preemptionPolicy", "PreemptLowerPriority");
}

/* IsKnownSystemPriorityClass: NULL when name, value and globalDefault are
 * one of the system classes exactly, else the reason in buf. */
static const char *system_class_mismatch(const char *name, long long value, int global_default,
                                         char *buf, size_t n)
{
    for (size_t i = 0; i < sizeof system_classes / sizeof system_classes[0]; i++) {
        if (strcmp(system_classes[i].name, name)) continue;
        if (system_classes[i].value != value)
            snprintf(buf, n, "value of %s PriorityClass must be %lld", name, system_classes[i].value);
        else if (global_default)
            snprintf(buf, n, "globalDefault of %s PriorityClass must be false", name);
        else return NULL;
        return buf;
    }
    snprintf(buf, n, "%s is not a known system priority class", name);
    return buf;
}

static void validate_preemption_policy(const cJSON *pc, field_errors *errs)
{
    const cJSON *pp = cJSON_GetObjectItemCaseSensitive(pc, "preemptionPolicy");
    if (!cJSON_IsString(pp)) return;
    const char *v = pp->valuestring;
    static const char *const valid[] = {"PreemptLowerPriority", "Never", NULL};
    if (!*v) field_error_add(errs, FIELD_REQUIRED, "preemptionPolicy", NULL, NULL);
    else if (strcmp(v, valid[0]) && strcmp(v, valid[1]))
        field_error_not_supported(errs, "preemptionPolicy", v, valid);
}

static void validate(const cJSON *pc, field_errors *errs)
{
    const char *name = tj_str_or(pc, "metadata.name", "");
    long long value = tj_int(pc, "value", 0);
    if (!strncmp(name, "system-", 7)) {
        char why[160], msg[320];
        const char *e = system_class_mismatch(name, value, json_true_at(pc, "globalDefault"), why, sizeof why);
        if (e) {
            snprintf(msg, sizeof msg,
                     "priority class names with 'system-' prefix are reserved for system use only. "
                     "error: %s", e);
            field_error_add(errs, FIELD_FORBIDDEN, "metadata.name", NULL, msg);
        }
    } else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
        field_error_add(errs, FIELD_FORBIDDEN, "value", NULL,
                        "maximum allowed value of a user defined priority is 1000000000");
    }
    validate_preemption_policy(pc, errs);
}

static void validate_update(const cJSON *pc, const cJSON *old, field_errors *errs)
{
    if (tj_int(pc, "value", 0) != tj_int(old, "value", 0))
        field_error_add(errs, FIELD_FORBIDDEN, "value", NULL, "may not be changed in an update.");
    const char *now = json_str_at(pc, "preemptionPolicy", NULL), *was = json_str_at(old, "preemptionPolicy", NULL);
    if ((now == NULL) != (was == NULL) || (now && strcmp(now, was))) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(pc, "preemptionPolicy");
        field_error_add(errs, FIELD_INVALID, "preemptionPolicy", v, "field is immutable");
    }
}

const kapi_strategy strategy_priorityclasses = {
    .names = NAME_DNS1123_SUBDOMAIN,
    .set_defaults = set_defaults,
    .validate = validate,
    .validate_update = validate_update,
};

/* printPriorityClass: NAME, VALUE, GLOBAL-DEFAULT, AGE, PREEMPTIONPOLICY. */
static const table_column priorityclass_columns[] = {
    {NAME_CELL},
    {INT_CELL("Value", "integer", "value represents the integer value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec.", "value", 0)},
    {BOOL_CELL("Global-Default", "boolean", "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class. Only one PriorityClass can be marked as `globalDefault`. However, if more than one PriorityClasses exists with their `globalDefault` field set to true, the smallest value of such global default PriorityClasses will be used as the default priority.", "globalDefault")},
    {AGE_CELL},
    {TEXT_CELL("PreemptionPolicy", "preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset.", "preemptionPolicy", "")},
};

const table_def table_priorityclasses = TABLE_OF(priorityclass_columns);
