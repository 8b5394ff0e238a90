/* batch.c: batch/v1 Job and CronJob, as kube-apiserver 1.32 serves them
 * (pkg/apis/batch/v1/defaults.go, pkg/registry/batch/job and cronjob
 * strategies, pkg/apis/batch/validation, printJob and printCronJob): the
 * defaults users see in -o yaml, the selector and labels kube generates for
 * a Job (batch.kubernetes.io/controller-uid, job-name and their legacy
 * forms), restartPolicy OnFailure or Never, immutable selector and template,
 * a CronJob's schedule checked as robfig/cron parses it. No controller runs
 * them here. */
#include <stdio.h>
#include <string.h>
#include "codec/jsonpath.h"
#include "codec/labels.h"
#include "registry/kinds/pod.h"
#include "registry/kinds/workload.h"
#include "registry/rest_internal.h"
#include "registry/strategies.h"
#include "registry/tables_internal.h"

static const char *const job_restart_policies[] = {"OnFailure", "Never", NULL};

/* ---- Job */

/* SetDefaults_Job. kube's obj.Labels = Spec.Template.Labels shares the map,
 * so the labels generated on create show on the Job too (see
 * job_prepare_for_create). */
static void job_set_defaults(cJSON *job)
{
    cJSON *spec = json_object_member(job, "spec");
    int has_completions = !!json_get(spec, "completions") && !cJSON_IsNull(json_get(spec, "completions"));
    int has_parallelism = !!json_get(spec, "parallelism") && !cJSON_IsNull(json_get(spec, "parallelism"));
    if (!has_completions && !has_parallelism) default_number(spec, "completions", 1);
    default_number(spec, "parallelism", 1);
    if (json_get(spec, "backoffLimitPerIndex") && !cJSON_IsNull(json_get(spec, "backoffLimitPerIndex")))
        default_number(spec, "backoffLimit", 2147483647);
    else default_number(spec, "backoffLimit", 6);
    default_string(spec, "completionMode", "NonIndexed");
    default_bool(spec, "suspend", 0);
    int has_pfp = cJSON_IsObject(json_get(spec, "podFailurePolicy"));
    default_string(spec, "podReplacementPolicy", has_pfp ? "Failed" : "TerminatingOrFailed");
    cJSON *template = json_object_member(spec, "template");
    pod_template_set_defaults(template);
    cJSON *meta = json_object_member(job, "metadata");
    const cJSON *labels = json_get(meta, "labels");
    const cJSON *tlabels = json_at(template, "metadata.labels");
    if (cJSON_GetArraySize(labels) == 0 && cJSON_IsObject(tlabels)) {
        cJSON_DeleteItemFromObjectCaseSensitive(meta, "labels");
        cJSON_AddItemToObject(meta, "labels", cJSON_Duplicate(tlabels, 1));
    }
    workload_normalize(job);
}

static void add_label_if_missing(cJSON *labels, const char *key, const char *value)
{
    if (!cJSON_HasObjectItem(labels, key)) cJSON_AddStringToObject(labels, key, value);
}

/* generateSelectorIfNeeded, with kube's shared label map: when the Job's
 * labels are its template's (defaulted from them), they get the same. */
static void job_prepare_for_create(cJSON *job)
{
    workload_clear_status(job);
    cJSON *spec = json_object_member(job, "spec");
    const cJSON *manual = json_get(spec, "manualSelector");
    if (!cJSON_IsBool(manual)) default_bool(spec, "manualSelector", 0);
    if (cJSON_IsTrue(manual)) return;
    cJSON *meta = json_object_member(job, "metadata");
    const char *name = json_str(meta, "name"), *uid = json_str(meta, "uid");
    cJSON *tmeta = json_object_member(json_object_member(spec, "template"), "metadata");
    cJSON *tlabels = json_object_member(tmeta, "labels");
    cJSON *labels = cJSON_GetObjectItemCaseSensitive(meta, "labels");
    int shared = cJSON_IsObject(labels) && json_semantic_equal(labels, tlabels);
    const char *const keys[] = {"batch.kubernetes.io/controller-uid", "batch.kubernetes.io/job-name",
                                "controller-uid", "job-name"};
    const char *const values[] = {uid, name, uid, name};
    /* kube's order: the job-name labels, then the controller-uid ones */
    const int order[] = {3, 1, 2, 0};
    for (int i = 0; i < 4; i++) {
        add_label_if_missing(tlabels, keys[order[i]], values[order[i]]);
        if (shared) add_label_if_missing(labels, keys[order[i]], values[order[i]]);
    }
    cJSON *sel = json_object_member(spec, "selector");
    cJSON *ml = json_object_member(sel, "matchLabels");
    add_label_if_missing(ml, "batch.kubernetes.io/controller-uid", uid);
    workload_normalize(job);
}

static void validate_job_spec(const cJSON *spec, const char *prefix, int is_template, field_errors *errs)
{
    char field[200];
    static const char *const counters[] = {"parallelism", "completions", "activeDeadlineSeconds",
                                           "backoffLimit", "ttlSecondsAfterFinished", NULL};
    for (int i = 0; counters[i]; i++) {
        snprintf(field, sizeof field, "%s.%s", prefix, counters[i]);
        validate_nonnegative(spec, counters[i], field, errs);
    }
    const char *mode = json_str(spec, "completionMode");
    if (*mode && strcmp(mode, "NonIndexed") && strcmp(mode, "Indexed")) {
        static const char *const modes[] = {"NonIndexed", "Indexed", NULL};
        snprintf(field, sizeof field, "%s.completionMode", prefix);
        field_error_not_supported(errs, field, mode, modes);
    }
    if (!strcmp(mode, "Indexed") && !cJSON_IsNumber(json_get(spec, "completions"))) {
        snprintf(field, sizeof field, "%s.completions", prefix);
        field_error_add(errs, FIELD_REQUIRED, field, NULL, "when completion mode is Indexed");
    }
    snprintf(field, sizeof field, "%s.template", prefix);
    if (is_template) {
        validate_workload_template(json_get(spec, "template"), field, job_restart_policies, errs);
        return;
    }
    validate_workload_selector_and_template(spec, prefix, "job", job_restart_policies, errs);
}

static void validate_job(const cJSON *job, field_errors *errs)
{
    validate_job_spec(json_get(job, "spec"), "spec", 0, errs);
}

static void validate_job_update(const cJSON *job, const cJSON *old, field_errors *errs)
{
    validate_selector_immutable(job, old, errs);
    validate_immutable(job, old, "spec.completionMode", errs);
    /* the template may change only while the job is suspended (kube allows
     * some scheduling fields then); here: never. */
    if (!json_semantic_equal(json_at(job, "spec.template"), json_at(old, "spec.template")) &&
        !json_true_at(old, "spec.suspend"))
        field_error_add(errs, FIELD_INVALID, "spec.template", json_at(job, "spec.template"), "field is immutable");
}

const kapi_strategy strategy_jobs = {
    .names = NAME_DNS1123_SUBDOMAIN, .has_status = 1, .has_generation = 1,
    .set_defaults = job_set_defaults, .prepare_for_create = job_prepare_for_create,
    .validate = validate_job, .validate_update = validate_job_update,
    .prepare_for_status_update = workload_keep_spec,
};

/* ---- CronJob */

/* SetDefaults_CronJob; the job template's pod template through the pod
 * defaults (SetDefaults_Job is for Jobs, not templates). */
static void cronjob_set_defaults(cJSON *cj)
{
    cJSON *spec = json_object_member(cj, "spec");
    default_string(spec, "concurrencyPolicy", "Allow");
    default_bool(spec, "suspend", 0);
    default_number(spec, "successfulJobsHistoryLimit", 3);
    default_number(spec, "failedJobsHistoryLimit", 1);
    cJSON *jt = json_object_member(spec, "jobTemplate");
    json_object_member(jt, "metadata");
    pod_template_set_defaults(json_object_member(json_object_member(jt, "spec"), "template"));
    workload_normalize(cj);
}

/* robfig/cron's standard parser: a descriptor (@hourly, @every 1h, ...) or
 * exactly five fields ("expected exactly 5 fields, found N: [f1 f2]"),
 * optionally after TZ= or CRON_TZ=. Field contents are not checked here. */
static int cron_schedule_error(const char *s, char *msg, size_t n)
{
    if (!*s) { snprintf(msg, n, "empty spec string"); return 1; }
    if (!strncmp(s, "TZ=", 3) || !strncmp(s, "CRON_TZ=", 8)) {
        const char *sp = strchr(s, ' ');
        s = sp ? sp + 1 : s + strlen(s);
    }
    while (*s == ' ') s++;
    if (*s == '@') return 0;
    int fields = 0;
    char list[200] = "";
    size_t used = 0;
    for (const char *p = s; *p;) {
        while (*p == ' ' || *p == '\t') p++;
        if (!*p) break;
        const char *start = p;
        while (*p && *p != ' ' && *p != '\t') p++;
        used += (size_t)snprintf(list + used, used < sizeof list ? sizeof list - used : 0, "%s%.*s",
                                 fields ? " " : "", (int)(p - start), start);
        if (used >= sizeof list) used = sizeof list - 1;
        fields++;
    }
    if (fields == 5) return 0;
    snprintf(msg, n, "expected exactly 5 fields, found %d: [%s]", fields, list);
    return 1;
}

static void validate_cronjob(const cJSON *cj, field_errors *errs)
{
    const cJSON *spec = json_get(cj, "spec");
    const cJSON *schedule = json_get(spec, "schedule");
    char msg[300];
    if (!cJSON_IsString(schedule) || !schedule->valuestring[0])
        field_error_add(errs, FIELD_REQUIRED, "spec.schedule", NULL, NULL);
    else if (cron_schedule_error(schedule->valuestring, msg, sizeof msg))
        field_error_add(errs, FIELD_INVALID, "spec.schedule", schedule, msg);
    const char *cp = json_str(spec, "concurrencyPolicy");
    static const char *const policies[] = {"Allow", "Forbid", "Replace", NULL};
    if (strcmp(cp, "Allow") && strcmp(cp, "Forbid") && strcmp(cp, "Replace")) {
        if (!*cp) field_error_add(errs, FIELD_REQUIRED, "spec.concurrencyPolicy", NULL, NULL);
        else field_error_not_supported(errs, "spec.concurrencyPolicy", cp, policies);
    }
    validate_nonnegative(spec, "startingDeadlineSeconds", "spec.startingDeadlineSeconds", errs);
    validate_nonnegative(spec, "successfulJobsHistoryLimit", "spec.successfulJobsHistoryLimit", errs);
    validate_nonnegative(spec, "failedJobsHistoryLimit", "spec.failedJobsHistoryLimit", errs);
    validate_job_spec(json_at(spec, "jobTemplate.spec"), "spec.jobTemplate.spec", 1, errs);
}

const kapi_strategy strategy_cronjobs = {
    .names = NAME_DNS1123_SUBDOMAIN, .has_status = 1, .has_generation = 1,
    .set_defaults = cronjob_set_defaults, .prepare_for_create = workload_clear_status,
    .validate = validate_cronjob, .prepare_for_status_update = workload_keep_spec,
};

/* ---- Tables: printJob and printCronJob (Kubernetes 1.32) */


static int has_condition(const cJSON *obj, const char *type)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, json_at(obj, "status.conditions"))
        if (!strcmp(json_str(c, "type"), type) && !strcmp(json_str(c, "status"), "True")) return 1;
    return 0;
}

static const char *job_status(const cJSON *job)
{
    if (has_condition(job, "Complete")) return "Complete";
    if (has_condition(job, "Failed")) return "Failed";
    if (json_at(job, "metadata.deletionTimestamp")) return "Terminating";
    if (has_condition(job, "Suspended")) return "Suspended";
    if (has_condition(job, "FailureTarget")) return "FailureTarget";
    if (has_condition(job, "SuccessCriteriaMet")) return "SuccessCriteriaMet";
    return "Running";
}

static void job_completions(cJSON *cells, const cJSON *job, const table_column *col, time_t now)
{
    char completions[64];
    long long succeeded = tj_int(job, "status.succeeded", 0);
    if (cJSON_IsNumber(json_at(job, "spec.completions")))
        snprintf(completions, sizeof completions, "%lld/%lld", succeeded, tj_int(job, "spec.completions", 0));
    else if (tj_int(job, "spec.parallelism", 0) > 1)
        snprintf(completions, sizeof completions, "%lld/1 of %lld", succeeded, tj_int(job, "spec.parallelism", 0));
    else snprintf(completions, sizeof completions, "%lld/1", succeeded);
    cell_string(cells, completions);
}

static void job_duration(cJSON *cells, const cJSON *job, const table_column *col, time_t now)
{
    char dur[32] = "";
    kube_time start = kube_time_at(job, "status.startTime"), done = kube_time_at(job, "status.completionTime");
    if (start.set && !done.set) timestamp_since(start, now, dur, sizeof dur);
    else if (start.set) timestamp_since(start, (time_t)done.sec, dur, sizeof dur);
    cell_string(cells, dur);
}

static void job_status_cell(cJSON *cells, const cJSON *job, const table_column *col, time_t now)
{
    cell_string(cells, job_status(job));
}

static const table_column job_columns[] = {
    {NAME_CELL},
    {FN_CELL("Status", "string", "Status of the job.", job_status_cell)},
    {FN_CELL("Completions", "string", "The number of pods which reached phase Succeeded. The value increases monotonically for a given spec. However, it may decrease in reaction to scale down of elastic indexed jobs.", job_completions)},
    {FN_CELL("Duration", "string", "Time required to complete the job.", job_duration)},
    {AGE_CELL},
    WIDE_CONTAINER_CELLS("spec.template.spec.containers"),
    {SELECTOR_CELL("Selector", "A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors", "spec.selector"), WIDE},
};

const table_def table_jobs = TABLE_OF(job_columns);


static void cronjob_suspend(cJSON *cells, const cJSON *cj, const table_column *col, time_t now)
{
    const cJSON *suspend = json_at(cj, "spec.suspend");
    cell_string(cells, !cJSON_IsBool(suspend) ? "<unset>" : cJSON_IsTrue(suspend) ? "True" : "False");
}

static void cronjob_last_schedule(cJSON *cells, const cJSON *cj, const table_column *col, time_t now)
{
    char last[32] = "<none>";
    kube_time t = kube_time_at(cj, "status.lastScheduleTime");
    if (t.set) timestamp_since(t, now, last, sizeof last);
    cell_string(cells, last);
}

static const table_column cronjob_columns[] = {
    {NAME_CELL},
    {TEXT_CELL("Schedule", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.", "spec.schedule", "")},
    {OPTIONAL_CELL("Timezone", "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will default to the time zone of the kube-controller-manager process. The set of valid time zone names and the time zone offset is loaded from the system-wide time zone database by the API server during CronJob validation and the controller manager during execution. If no system-wide time zone database can be found a bundled version of the database is used instead. If the time zone name becomes invalid during the lifetime of a CronJob or due to a change in host configuration, the controller will stop creating new new Jobs and will create a system event with the reason UnknownTimeZone. More information can be found in https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones", "spec.timeZone", "<none>")},
    {FN_CELL("Suspend", "boolean", "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false.", cronjob_suspend)},
    {COUNT_CELL("Active", "integer", "A list of pointers to currently running jobs.", "status.active")},
    {FN_CELL("Last Schedule", "string", "Information when was the last time the job was successfully scheduled.", cronjob_last_schedule)},
    {AGE_CELL},
    WIDE_CONTAINER_CELLS("spec.jobTemplate.spec.template.spec.containers"),
    {SELECTOR_CELL("Selector", "A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors", "spec.jobTemplate.spec.selector"), WIDE},
};

const table_def table_cronjobs = TABLE_OF(cronjob_columns);
