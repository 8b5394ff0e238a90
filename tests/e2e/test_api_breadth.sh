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

# ---- apps/v1 StatefulSet with volumeClaimTemplates
cat > "$tmp/sts.yaml" <<'Y'
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: web
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: nginx}]
  volumeClaimTemplates:
  - metadata: {name: www}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
Y
expect_eq "create statefulset" "$(kubectl apply -f "$tmp/sts.yaml" 2>&1)" "statefulset.apps/web created"
expect_eq "get sts: kube's columns" "$(header sts web)" "NAME READY AGE"
expect_eq "statefulset defaults" "$(kubectl get sts web -o jsonpath='{.spec.replicas} {.spec.podManagementPolicy} {.spec.updateStrategy.type} {.spec.updateStrategy.rollingUpdate.partition} {.spec.revisionHistoryLimit} {.spec.persistentVolumeClaimRetentionPolicy.whenDeleted} {.spec.persistentVolumeClaimRetentionPolicy.whenScaled} {.spec.volumeClaimTemplates[0].spec.volumeMode}' 2>&1)" \
    "1 OrderedReady RollingUpdate 0 10 Retain Retain Filesystem"
expect_eq "scale statefulset" "$(kubectl scale sts web --replicas=2 2>&1)" "statefulset.apps/web scaled"
expect_eq "delete sts" "$(kubectl delete sts web 2>&1)" 'statefulset.apps "web" deleted'

# ---- a realistic multi-document manifest, applied twice
cat > "$tmp/app.yaml" <<'Y'
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: shop, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: shop}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get, list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects: [{kind: ServiceAccount, name: shop, namespace: shop}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
data: {mode: production}
---
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: shop}
data: {password: czNjcmV0}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: frontend, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: frontend}}
  template:
    metadata: {labels: {app: frontend}}
    spec:
      serviceAccountName: shop
      containers:
      - name: web
        image: nginx:1.27
        ports: [{containerPort: 80}]
        resources: {requests: {cpu: 100m}}
---
apiVersion: v1
kind: Service
metadata: {name: frontend, namespace: shop}
spec:
  selector: {app: frontend}
  ports: [{port: 80, targetPort: 80}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: frontend, namespace: shop}
spec:
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: frontend, port: {number: 80}}}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: frontend, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: frontend}
  minReplicas: 2
  maxReplicas: 10
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: frontend, namespace: shop}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: frontend}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: frontend, namespace: shop}
spec:
  podSelector: {matchLabels: {app: frontend}}
  ingress: [{ports: [{port: 80, protocol: TCP}]}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: shop}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: report, image: busybox, command: [echo, hi]}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
      - name: postgres
        image: postgres:16
        volumeMounts: [{name: data, mountPath: /var/lib/postgresql/data}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 5Gi}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: uploads, namespace: shop}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 2Gi}}
Y
expect_eq "kubectl apply of the manifest: created" "$(kubectl apply -f "$tmp/app.yaml" 2>&1)" \
"namespace/shop created
serviceaccount/shop created
role.rbac.authorization.k8s.io/reader created
rolebinding.rbac.authorization.k8s.io/reader created
configmap/settings created
secret/creds created
deployment.apps/frontend created
service/frontend created
ingress.networking.k8s.io/frontend created
horizontalpodautoscaler.autoscaling/frontend created
poddisruptionbudget.policy/frontend created
networkpolicy.networking.k8s.io/frontend created
cronjob.batch/report created
statefulset.apps/db created
persistentvolumeclaim/uploads created"
# Two lines say "configured" against kube-apiserver too, by kubectl's own
# patch computation: a PodDisruptionBudget's selector has patchStrategy
# replace, so the patch kubectl computes always carries it; a StatefulSet's
# volumeClaimTemplates is a list without a merge key, replaced whenever the
# live list differs from the manifest's, and the live claims carry their
# defaults (volumeMode Filesystem, status.phase Pending).
expect_eq "kubectl apply of the manifest again: unchanged" "$(kubectl apply -f "$tmp/app.yaml" 2>&1)" \
"namespace/shop unchanged
serviceaccount/shop unchanged
role.rbac.authorization.k8s.io/reader unchanged
rolebinding.rbac.authorization.k8s.io/reader unchanged
configmap/settings unchanged
secret/creds unchanged
deployment.apps/frontend unchanged
service/frontend unchanged
ingress.networking.k8s.io/frontend unchanged
horizontalpodautoscaler.autoscaling/frontend unchanged
poddisruptionbudget.policy/frontend configured
networkpolicy.networking.k8s.io/frontend unchanged
cronjob.batch/report unchanged
statefulset.apps/db configured
persistentvolumeclaim/uploads unchanged"
expect_eq "pvc defaults" "$(kubectl -n shop get pvc uploads -o jsonpath='{.spec.volumeMode} {.status.phase}' 2>&1)" "Filesystem Pending"
expect_eq "netpol defaults" "$(kubectl -n shop get netpol frontend -o jsonpath='{.spec.policyTypes} {.spec.ingress[0].ports[0].protocol}' 2>&1)" '["Ingress"] TCP'

kapi_stop
rm -rf "$tmp"
finish
