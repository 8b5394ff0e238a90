#!/bin/bash
# End to end: the kinds a realistic set of manifests uses (issue 14, first
# part), each created from YAML with the real kubectl, listed with kube's
# Table columns, read back with kube's defaults, refused with kube's message
# when invalid, deleted; then a multi-document manifest applied twice
# (created, then unchanged).
. "$(dirname "$0")/lib.sh"
KAPI_RECONCILE=0 kapi_start
tmp=$(mktemp -d)

header() { kubectl get "$@" 2>&1 | head -1 | tr -s ' '; }

# ---- batch/v1 Job
cat > "$tmp/job.yaml" <<'Y'
apiVersion: batch/v1
kind: Job
metadata: {name: pi}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: pi, image: perl}]
Y
expect_eq "create job" "$(kubectl apply -f "$tmp/job.yaml" 2>&1)" "job.batch/pi created"
expect_eq "get job: kube's columns" "$(header job pi)" "NAME STATUS COMPLETIONS DURATION AGE"
expect_eq "get job: the row" "$(kubectl get job pi --no-headers 2>&1 | awk '{print $1, $2, $3}')" "pi Running 0/1"
expect_eq "job defaults" "$(kubectl get job pi -o jsonpath='{.spec.backoffLimit} {.spec.completions} {.spec.parallelism} {.spec.completionMode} {.spec.suspend} {.spec.podReplacementPolicy} {.spec.manualSelector}' 2>&1)" \
    "6 1 1 NonIndexed false TerminatingOrFailed false"
uid=$(kubectl get job pi -o jsonpath='{.metadata.uid}')
expect_eq "job selector generated" "$(kubectl get job pi -o jsonpath='{.spec.selector.matchLabels}')" \
    "{\"batch.kubernetes.io/controller-uid\":\"$uid\"}"
expect_eq "job template labels generated" \
    "$(kubectl get job pi -o jsonpath='{.spec.template.metadata.labels.job-name} {.spec.template.metadata.labels.controller-uid}')" "pi $uid"
sed 's/restartPolicy: Never/restartPolicy: Always/; s/name: pi}/name: bad}/' "$tmp/job.yaml" > "$tmp/badjob.yaml"
expect_eq "job with restartPolicy Always refused" "$(kubectl apply -f "$tmp/badjob.yaml" 2>&1)" \
    'The Job "bad" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"'
expect_eq "delete job" "$(kubectl delete job pi 2>&1)" 'job.batch "pi" deleted'

# ---- batch/v1 CronJob
cat > "$tmp/cj.yaml" <<'Y'
apiVersion: batch/v1
kind: CronJob
metadata: {name: hello}
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: hello, image: busybox}]
Y
expect_eq "create cronjob" "$(kubectl apply -f "$tmp/cj.yaml" 2>&1)" "cronjob.batch/hello created"
expect_eq "get cj: kube's columns" "$(header cj hello)" "NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE"
expect_eq "get cj: the row" "$(kubectl get cj hello --no-headers 2>&1 | awk '{print $1, $2, $3, $4, $5, $6, $7, $8, $9, $10}')" "hello */5 * * * * <none> False 0 <none>"
expect_eq "cronjob defaults" "$(kubectl get cj hello -o jsonpath='{.spec.concurrencyPolicy} {.spec.suspend} {.spec.successfulJobsHistoryLimit} {.spec.failedJobsHistoryLimit}' 2>&1)" \
    "Allow false 3 1"
sed 's#"\*/5 \* \* \* \*"#"every minute"#; s/name: hello}/name: badcj}/' "$tmp/cj.yaml" > "$tmp/badcj.yaml"
expect_eq "cronjob with a bad schedule refused" "$(kubectl apply -f "$tmp/badcj.yaml" 2>&1)" \
    'The CronJob "badcj" is invalid: spec.schedule: Invalid value: "every minute": expected exactly 5 fields, found 2: [every minute]'
expect_eq "delete cronjob" "$(kubectl delete cj hello 2>&1)" 'cronjob.batch "hello" deleted'

kapi_stop
rm -rf "$tmp"
finish
