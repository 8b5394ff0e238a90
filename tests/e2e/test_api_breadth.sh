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

# ---- one kind at a time: create from YAML, kube's columns, defaults, an
# invalid object refused with kube's message, delete.
# kind_case NAME RESOURCE YAML HEADER [NS]
apply_case() {
    printf '%s\n' "$3" > "$tmp/$1.yaml"
    expect_eq "create $2 $1" "$(kubectl apply -f "$tmp/$1.yaml" 2>&1)" "$4"
}

# apps/v1 DaemonSet
apply_case ds daemonset 'apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      nodeSelector: {disk: ssd}
      containers: [{name: agent, image: busybox}]' "daemonset.apps/agent created"
expect_eq "get ds: kube's columns" "$(header ds agent)" "NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE"
expect_eq "get ds: the row" "$(kubectl get ds agent --no-headers | awk '{print $1, $2, $3, $4, $5, $6, $7}')" "agent 0 0 0 0 0 disk=ssd"
expect_eq "daemonset defaults" "$(kubectl get ds agent -o jsonpath='{.spec.updateStrategy.type} {.spec.updateStrategy.rollingUpdate.maxUnavailable} {.spec.updateStrategy.rollingUpdate.maxSurge} {.spec.revisionHistoryLimit} {.metadata.labels.app}')" \
    "RollingUpdate 1 0 10 agent"
sed 's/labels: {app: agent}/labels: {app: other}/; s/name: agent}/name: bad}/' "$tmp/ds.yaml" > "$tmp/badds.yaml"
expect_eq "daemonset whose selector does not match refused" "$(kubectl apply -f "$tmp/badds.yaml" 2>&1)" \
    'The DaemonSet "bad" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`'
expect_eq "delete ds" "$(kubectl delete ds agent 2>&1)" 'daemonset.apps "agent" deleted'

# apps/v1 ControllerRevision
apply_case cr controllerrevision 'apiVersion: apps/v1
kind: ControllerRevision
metadata:
  name: web-1
  ownerReferences: [{apiVersion: apps/v1, kind: StatefulSet, name: web, uid: 8f3c2e2a-0000-4000-8000-000000000001, controller: true}]
data: {spec: {template: {}}}
revision: 1' "controllerrevision.apps/web-1 created"
expect_eq "get controllerrevision: kube's columns and row" "$(kubectl get controllerrevision web-1 2>&1 | awk '{print $1, $2, $3}')" \
    "NAME CONTROLLER REVISION
web-1 statefulset.apps/web 1"
printf 'apiVersion: apps/v1\nkind: ControllerRevision\nmetadata: {name: bad}\nrevision: -1\n' > "$tmp/badcr.yaml"
expect_eq "controllerrevision without data refused" "$(kubectl apply -f "$tmp/badcr.yaml" 2>&1)" \
    'The ControllerRevision "bad" is invalid: 
* data: Required value: data is mandatory
* revision: Invalid value: -1: must be greater than or equal to 0'
expect_eq "delete controllerrevision" "$(kubectl delete controllerrevision web-1 2>&1)" 'controllerrevision.apps "web-1" deleted'

# core/v1 PersistentVolumeClaim
apply_case pvc persistentvolumeclaim 'apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: fast
  resources: {requests: {storage: 1Gi}}' "persistentvolumeclaim/data created"
expect_eq "get pvc: kube's columns" "$(header pvc data)" "NAME STATUS VOLUME CAPACITY ACCESS MODES STORAGECLASS VOLUMEATTRIBUTESCLASS AGE"
expect_eq "get pvc: the row" "$(kubectl get pvc data --no-headers | awk '{print $1, $2, $3, $4}')" "data Pending fast <unset>"
expect_eq "pvc defaults" "$(kubectl get pvc data -o jsonpath='{.spec.volumeMode} {.status.phase}')" "Filesystem Pending"
printf 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: bad}\nspec: {resources: {requests: {storage: 1Gi}}}\n' > "$tmp/badpvc.yaml"
expect_eq "pvc without access modes refused" "$(kubectl apply -f "$tmp/badpvc.yaml" 2>&1)" \
    'The PersistentVolumeClaim "bad" is invalid: spec.accessModes: Required value: at least 1 access mode is required'
expect_eq "delete pvc" "$(kubectl delete pvc data 2>&1)" 'persistentvolumeclaim "data" deleted'

# core/v1 PersistentVolume
apply_case pv persistentvolume 'apiVersion: v1
kind: PersistentVolume
metadata: {name: pv1}
spec:
  capacity: {storage: 5Gi}
  accessModes: [ReadWriteOnce, ReadOnlyMany]
  hostPath: {path: /data/pv1}' "persistentvolume/pv1 created"
expect_eq "get pv: kube's columns" "$(header pv pv1)" "NAME CAPACITY ACCESS MODES RECLAIM POLICY STATUS CLAIM STORAGECLASS VOLUMEATTRIBUTESCLASS REASON AGE"
expect_eq "get pv: the row" "$(kubectl get pv pv1 --no-headers | awk '{print $1, $2, $3, $4, $5, $6}')" "pv1 5Gi RWO,ROX Retain Pending <unset>"
expect_eq "pv defaults" "$(kubectl get pv pv1 -o jsonpath='{.spec.persistentVolumeReclaimPolicy} {.spec.volumeMode} {.status.phase}')" "Retain Filesystem Pending"
printf 'apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: bad}\nspec: {capacity: {storage: 1Gi}, accessModes: [ReadWriteOnce]}\n' > "$tmp/badpv.yaml"
expect_eq "pv without a volume type refused" "$(kubectl apply -f "$tmp/badpv.yaml" 2>&1)" \
    'The PersistentVolume "bad" is invalid: spec: Required value: must specify a volume type'
expect_eq "delete pv" "$(kubectl delete pv pv1 2>&1)" 'persistentvolume "pv1" deleted'

# core/v1 Endpoints
apply_case ep endpoints 'apiVersion: v1
kind: Endpoints
metadata: {name: ext}
subsets:
- addresses: [{ip: 10.0.0.1}, {ip: 10.0.0.2}]
  ports: [{port: 443}]' "endpoints/ext created"
expect_eq "get ep: kube's columns and row" "$(kubectl get ep ext 2>&1 | awk '{print $1, $2}')" \
    "NAME ENDPOINTS
ext 10.0.0.1:443,10.0.0.2:443"
expect_eq "endpoints port protocol defaulted" "$(kubectl get ep ext -o jsonpath='{.subsets[0].ports[0].protocol}')" "TCP"
printf 'apiVersion: v1\nkind: Endpoints\nmetadata: {name: bad}\nsubsets: [{addresses: [{ip: not-an-ip}], ports: [{port: 80}]}]\n' > "$tmp/badep.yaml"
expect_eq "endpoints with a bad IP refused" "$(kubectl apply -f "$tmp/badep.yaml" 2>&1)" \
    'The Endpoints "bad" is invalid: subsets[0].addresses[0].ip: Invalid value: "not-an-ip": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'
expect_eq "delete ep" "$(kubectl delete ep ext 2>&1)" 'endpoints "ext" deleted'

# core/v1 PodTemplate
apply_case podtemplate podtemplate 'apiVersion: v1
kind: PodTemplate
metadata: {name: tpl}
template:
  metadata: {labels: {app: tpl}}
  spec:
    containers: [{name: c, image: nginx}]' "podtemplate/tpl created"
expect_eq "get podtemplate: kube's columns and row" "$(kubectl get podtemplate tpl 2>&1 | tr -s ' ')" \
    "NAME CONTAINERS IMAGES POD LABELS
tpl c nginx app=tpl"
expect_eq "podtemplate: the pod defaults" "$(kubectl get podtemplate tpl -o jsonpath='{.template.spec.restartPolicy} {.template.spec.containers[0].imagePullPolicy}')" "Always Always"
printf 'apiVersion: v1\nkind: PodTemplate\nmetadata: {name: bad}\ntemplate: {spec: {containers: [{name: c}]}}\n' > "$tmp/badpt.yaml"
expect_eq "podtemplate without an image refused" "$(kubectl apply -f "$tmp/badpt.yaml" 2>&1)" \
    'The PodTemplate "bad" is invalid: template.spec.containers[0].image: Required value'
expect_eq "delete podtemplate" "$(kubectl delete podtemplate tpl 2>&1)" 'podtemplate "tpl" deleted'

# core/v1 LimitRange (no printer in kube: the default Table)
apply_case limits limitrange 'apiVersion: v1
kind: LimitRange
metadata: {name: lr}
spec:
  limits: [{type: Container, default: {cpu: 500m}, defaultRequest: {cpu: 100m}}]' "limitrange/lr created"
expect_eq "get limits: the default Table" "$(header limits lr)" "NAME CREATED AT"
printf 'apiVersion: v1\nkind: LimitRange\nmetadata: {name: bad}\nspec: {limits: [{type: Container, max: {cpu: "-1"}}]}\n' > "$tmp/badlr.yaml"
# (a Container item's max is also its default limit and default request, as kube defaults them)
expect_eq "limitrange with a negative quantity refused" "$(kubectl apply -f "$tmp/badlr.yaml" 2>&1)" \
    'The LimitRange "bad" is invalid: 
* spec.limits[0].max[cpu]: Invalid value: "-1": must be greater than or equal to 0
* spec.limits[0].default[cpu]: Invalid value: "-1": must be greater than or equal to 0
* spec.limits[0].defaultRequest[cpu]: Invalid value: "-1": must be greater than or equal to 0'
expect_eq "delete limits" "$(kubectl delete limits lr 2>&1)" 'limitrange "lr" deleted'

# core/v1 ResourceQuota (stored and validated; no quota admission yet)
apply_case quota resourcequota 'apiVersion: v1
kind: ResourceQuota
metadata: {name: rq}
spec:
  hard: {pods: "10", requests.cpu: "4"}' "resourcequota/rq created"
expect_eq "get quota: kube's columns" "$(header quota rq)" "NAME REQUEST LIMIT AGE"
printf 'apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: bad}\nspec: {hard: {pods: "-1"}}\n' > "$tmp/badrq.yaml"
expect_eq "resourcequota with a negative quantity refused" "$(kubectl apply -f "$tmp/badrq.yaml" 2>&1)" \
    'The ResourceQuota "bad" is invalid: spec.hard[pods]: Invalid value: "-1": must be greater than or equal to 0'
expect_eq "delete quota" "$(kubectl delete quota rq 2>&1)" 'resourcequota "rq" deleted'

# policy/v1 PodDisruptionBudget
apply_case pdb poddisruptionbudget 'apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: budget}
spec:
  maxUnavailable: 25%
  selector: {matchLabels: {app: web}}' "poddisruptionbudget.policy/budget created"
expect_eq "get pdb: kube's columns and row" "$(kubectl get pdb budget 2>&1 | awk 'NR == 1 {print} NR == 2 {print $1, $2, $3, $4}' | tr -s ' ')" \
    "NAME MIN AVAILABLE MAX UNAVAILABLE ALLOWED DISRUPTIONS AGE
budget N/A 25% 0"
printf 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: bad}\nspec: {minAvailable: 120%%}\n' > "$tmp/badpdb.yaml"
expect_eq "pdb above 100% refused" "$(kubectl apply -f "$tmp/badpdb.yaml" 2>&1)" \
    'The PodDisruptionBudget "bad" is invalid: spec.minAvailable: Invalid value: "120%": must not be greater than 100%'
expect_eq "delete pdb" "$(kubectl delete pdb budget 2>&1)" 'poddisruptionbudget.policy "budget" deleted'

# networking.k8s.io/v1 IngressClass, Ingress
apply_case ingclass ingressclass 'apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec: {controller: k8s.io/ingress-nginx}' "ingressclass.networking.k8s.io/nginx created"
expect_eq "get ingressclass: kube's columns and row" "$(kubectl get ingressclass nginx 2>&1 | awk '{print $1, $2, $3}')" \
    "NAME CONTROLLER PARAMETERS
nginx k8s.io/ingress-nginx <none>"
printf 'apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: bad}\nspec: {controller: nginx}\n' > "$tmp/badic.yaml"
expect_eq "ingressclass with a bare controller name refused" "$(kubectl apply -f "$tmp/badic.yaml" 2>&1)" \
    'The IngressClass "bad" is invalid: spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")'
apply_case ing ingress 'apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  ingressClassName: nginx
  tls: [{hosts: [a.example.com], secretName: tls}]
  rules:
  - host: a.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
  - host: b.example.com
    http: {paths: [{path: /api, pathType: Exact, backend: {service: {name: api, port: {name: http}}}}]}' "ingress.networking.k8s.io/web created"
expect_eq "get ing: kube's columns" "$(header ing web)" "NAME CLASS HOSTS ADDRESS PORTS AGE"
expect_eq "get ing: the row" "$(kubectl get ing web --no-headers | awk '{print $1, $2, $3, $4, $5}')" "web nginx a.example.com,b.example.com 80, 443"
printf 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: bad}\nspec: {rules: [{http: {paths: [{path: /, backend: {service: {name: web, port: {number: 80}}}}]}}]}\n' > "$tmp/badingress.yaml"
expect_eq "ingress path without pathType refused" "$(kubectl apply -f "$tmp/badingress.yaml" 2>&1)" \
    'The Ingress "bad" is invalid: spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified'
expect_eq "delete ing" "$(kubectl delete ing web 2>&1)" 'ingress.networking.k8s.io "web" deleted'
expect_eq "delete ingressclass" "$(kubectl delete ingressclass nginx 2>&1)" 'ingressclass.networking.k8s.io "nginx" deleted'

# networking.k8s.io/v1 NetworkPolicy
apply_case netpol networkpolicy 'apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny}
spec:
  podSelector: {matchLabels: {app: db}}
  egress: [{ports: [{port: 53, protocol: UDP}]}]' "networkpolicy.networking.k8s.io/deny created"
expect_eq "get netpol: kube's columns and row" "$(kubectl get netpol deny 2>&1 | awk '{print $1, $2}')" \
    "NAME POD-SELECTOR
deny app=db"
expect_eq "netpol defaults: policyTypes from the rules" "$(kubectl get netpol deny -o jsonpath='{.spec.policyTypes}')" '["Ingress","Egress"]'
printf 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: bad}\nspec: {podSelector: {}, policyTypes: [Inbound]}\n' > "$tmp/badnp.yaml"
expect_eq "netpol with an unknown policy type refused" "$(kubectl apply -f "$tmp/badnp.yaml" 2>&1)" \
    'The NetworkPolicy "bad" is invalid: spec.policyTypes[0]: Unsupported value: "Inbound": supported values: "Ingress", "Egress"'
expect_eq "delete netpol" "$(kubectl delete netpol deny 2>&1)" 'networkpolicy.networking.k8s.io "deny" deleted'

# autoscaling/v2 HorizontalPodAutoscaler (autoscaling/v1 and kubectl
# autoscale: test_api_breadth2.sh)
apply_case hpa horizontalpodautoscaler 'apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: plain}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 3' "horizontalpodautoscaler.autoscaling/plain created"
expect_eq "get hpa: kube's columns" "$(header hpa plain)" "NAME REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE"
expect_eq "get hpa: the row" "$(kubectl get hpa plain --no-headers | awk '{print $1, $2, $3, $4, $5, $6, $7}')" "plain Deployment/web cpu: <unknown>/80% 1 3 0"
expect_eq "hpa defaults: minReplicas 1, cpu at 80%" "$(kubectl get hpa plain -o jsonpath='{.spec.minReplicas} {.spec.metrics[0].resource.name} {.spec.metrics[0].resource.target.averageUtilization}')" "1 cpu 80"
printf 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: bad}\nspec: {scaleTargetRef: {kind: Deployment, name: web}, minReplicas: 4, maxReplicas: 2}\n' > "$tmp/badhpa.yaml"
expect_eq "hpa with max below min refused" "$(kubectl apply -f "$tmp/badhpa.yaml" 2>&1)" \
    'The HorizontalPodAutoscaler "bad" is invalid: spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`'
expect_eq "delete hpa" "$(kubectl delete hpa plain 2>&1)" 'horizontalpodautoscaler.autoscaling "plain" deleted'

# storage.k8s.io/v1 StorageClass
apply_case sc storageclass 'apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: fast
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: example.com/fast' "storageclass.storage.k8s.io/fast created"
expect_eq "get sc: kube's columns and row" "$(kubectl get sc fast 2>&1 | awk 'NR == 1 {print} NR == 2 {print $1, $2, $3, $4, $5, $6}' | tr -s ' ')" \
    "NAME PROVISIONER RECLAIMPOLICY VOLUMEBINDINGMODE ALLOWVOLUMEEXPANSION AGE
fast (default) example.com/fast Delete Immediate false"
expect_eq "storageclass defaults" "$(kubectl get sc fast -o jsonpath='{.reclaimPolicy} {.volumeBindingMode}')" "Delete Immediate"
expect_eq "storageclass provisioner is immutable" "$(kubectl patch sc fast --type=merge -p '{"provisioner":"other.io/x"}' 2>&1)" \
    'The StorageClass "fast" is invalid: provisioner: Forbidden: updates to provisioner are forbidden.'
printf 'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: bad}\nprovisioner: ""\n' > "$tmp/badsc.yaml"
expect_eq "storageclass without a provisioner refused" "$(kubectl apply -f "$tmp/badsc.yaml" 2>&1)" \
    'The StorageClass "bad" is invalid: provisioner: Required value'
expect_eq "delete sc" "$(kubectl delete sc fast 2>&1)" 'storageclass.storage.k8s.io "fast" deleted'

# node.k8s.io/v1 RuntimeClass
apply_case rc runtimeclass 'apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata: {name: gvisor}
handler: runsc' "runtimeclass.node.k8s.io/gvisor created"
expect_eq "get runtimeclass: kube's columns and row" "$(kubectl get runtimeclass gvisor 2>&1 | awk '{print $1, $2}')" \
    "NAME HANDLER
gvisor runsc"
printf 'apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata: {name: bad}\nhandler: Run_SC\n' > "$tmp/badrc.yaml"
expect_eq "runtimeclass with a bad handler refused" "$(kubectl apply -f "$tmp/badrc.yaml" 2>&1)" \
    "The RuntimeClass \"bad\" is invalid: handler: Invalid value: \"Run_SC\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
expect_eq "delete runtimeclass" "$(kubectl delete runtimeclass gvisor 2>&1)" 'runtimeclass.node.k8s.io "gvisor" deleted'

# discovery: short names and categories as kube lists them
out=$(kubectl api-resources --no-headers 2>&1 | tr -s ' ')
for row in "cronjobs cj batch/v1 true CronJob" "jobs batch/v1 true Job" "statefulsets sts apps/v1 true StatefulSet" \
    "daemonsets ds apps/v1 true DaemonSet" "controllerrevisions apps/v1 true ControllerRevision" \
    "persistentvolumeclaims pvc v1 true PersistentVolumeClaim" "persistentvolumes pv v1 false PersistentVolume" \
    "endpoints ep v1 true Endpoints" "podtemplates v1 true PodTemplate" "limitranges limits v1 true LimitRange" \
    "resourcequotas quota v1 true ResourceQuota" "poddisruptionbudgets pdb policy/v1 true PodDisruptionBudget" \
    "ingresses ing networking.k8s.io/v1 true Ingress" "ingressclasses networking.k8s.io/v1 false IngressClass" \
    "networkpolicies netpol networking.k8s.io/v1 true NetworkPolicy" \
    "horizontalpodautoscalers hpa autoscaling/v2 true HorizontalPodAutoscaler" \
    "storageclasses sc storage.k8s.io/v1 false StorageClass" "runtimeclasses node.k8s.io/v1 false RuntimeClass"; do
    check "api-resources lists: $row" grep -qx "$row" <<<"$out"
done
expect_eq "kubectl get all lists the new workload kinds (category all)" \
    "$(kubectl api-resources --categories=all -o name 2>&1 | sort | tr '\n' ' ')" \
    "cronjobs.batch daemonsets.apps deployments.apps horizontalpodautoscalers.autoscaling jobs.batch pods replicasets.apps services statefulsets.apps "

# ---- kubectl create <kind> (protobuf bodies from kubectl 1.32) and explain
expect_eq "kubectl create job" "$(kubectl create job j1 --image=busybox -- echo hi 2>&1)" "job.batch/j1 created"
expect_eq "the job's command and defaults" "$(kubectl get job j1 -o jsonpath='{.spec.template.spec.containers[0].command} {.spec.backoffLimit} {.spec.template.spec.restartPolicy}')" '["echo","hi"] 6 Never'
expect_eq "kubectl create cronjob" "$(kubectl create cronjob c1 --image=busybox --schedule='*/1 * * * *' -- echo hi 2>&1)" "cronjob.batch/c1 created"
expect_eq "kubectl create job --from=cronjob" "$(kubectl create job j2 --from=cronjob/c1 2>&1)" "job.batch/j2 created"
expect_eq "the job made from the cronjob" "$(kubectl get job j2 -o jsonpath='{.metadata.annotations.cronjob\.kubernetes\.io/instantiate} {.metadata.ownerReferences[0].kind}')" "manual CronJob"
expect_eq "kubectl create ingress" "$(kubectl create ingress simple --rule='foo.com/bar=svc1:8080,tls=my-cert' 2>&1)" "ingress.networking.k8s.io/simple created"
expect_eq "the ingress row" "$(kubectl get ing simple --no-headers | awk '{print $1, $2, $3, $4, $5}')" "simple <none> foo.com 80, 443"
expect_eq "kubectl create poddisruptionbudget" "$(kubectl create poddisruptionbudget my-pdb --selector=app=rails --min-available=1 2>&1)" "poddisruptionbudget.policy/my-pdb created"
expect_eq "the pdb row" "$(kubectl get pdb my-pdb --no-headers | awk '{print $1, $2, $3, $4}')" "my-pdb 1 N/A 0"
expect_eq "kubectl get all shows jobs and cronjobs" "$(kubectl get all -o name 2>&1 | grep -E '^(job|cronjob)' | sort | tr '\n' ' ')" \
    "cronjob.batch/c1 job.batch/j1 job.batch/j2 "
expect_contains "kubectl explain hpa (autoscaling/v2)" "$(kubectl explain hpa.spec.maxReplicas 2>&1)" "VERSION:    v2"
expect_contains "kubectl explain cronjob" "$(kubectl explain cronjob.spec.schedule 2>&1)" "FIELD: schedule <string>"
kubectl delete job j1 j2 >/dev/null 2>&1; kubectl delete cj/c1 ing/simple pdb/my-pdb >/dev/null 2>&1

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

rm -rf "$tmp"
