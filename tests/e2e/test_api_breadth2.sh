#!/bin/bash
# End to end: API breadth, second part (issue 14): autoscaling/v1
# HorizontalPodAutoscalers over the stored v2 objects (kubectl autoscale),
# events.k8s.io/v1 Events over core/v1 Events (kubectl events),
# EndpointSlices, the CSI kinds, ComponentStatus; each created from YAML
# with the real kubectl, listed with kube's Table columns, read back with
# kube's defaults and conversions, refused with kube's message when invalid.
. "$(dirname "$0")/lib.sh"
KAPI_RECONCILE=0 kapi_start
tmp=$(mktemp -d)

header() { kubectl get "$@" 2>&1 | head -1 | tr -s ' '; }
row() { kubectl get "$@" --no-headers 2>&1 | tr -s ' '; }

# ---- autoscaling/v1 HorizontalPodAutoscaler: kubectl autoscale posts v1
kubectl create deployment web --image=nginx >/dev/null 2>&1
expect_eq "kubectl autoscale (autoscaling/v1)" "$(kubectl autoscale deployment web --min 2 --max 5 --cpu-percent 80 2>&1)" \
    "horizontalpodautoscaler.autoscaling/web autoscaled"
expect_eq "get hpa: kube's columns" "$(header hpa web)" "NAME REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE"
expect_eq "get hpa: the row" "$(row hpa web | cut -d' ' -f1-7)" "web Deployment/web cpu: <unknown>/80% 2 5 0"
expect_eq "stored as v2: the cpu percentage is a Utilization metric" \
    "$(kubectl get hpa web -o jsonpath='{.apiVersion} {.spec.metrics[0].type} {.spec.metrics[0].resource.name} {.spec.metrics[0].resource.target.type} {.spec.metrics[0].resource.target.averageUtilization}')" \
    "autoscaling/v2 Resource cpu Utilization 80"
expect_eq "read as v1: targetCPUUtilizationPercentage" \
    "$(kubectl get horizontalpodautoscalers.v1.autoscaling web -o jsonpath='{.apiVersion} {.spec.targetCPUUtilizationPercentage} {.spec.minReplicas} {.spec.maxReplicas} {.spec.metrics}')" \
    "autoscaling/v1 80 2 5 "
expect_eq "v1 status keeps its required members" \
    "$(kubectl get --raw /apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/web | jq -c .status)" \
    '{"currentReplicas":0,"desiredReplicas":0}'
cat > "$tmp/hpa2.yaml" <<'Y'
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: multi}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 4
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}
  - type: Pods
    pods: {metric: {name: rps}, target: {type: AverageValue, averageValue: "10"}}
  behavior:
    scaleDown: {stabilizationWindowSeconds: 100, policies: [{type: Pods, value: 1, periodSeconds: 60}]}
Y
expect_eq "create a v2 hpa with two metrics and a behavior" "$(kubectl apply -f "$tmp/hpa2.yaml" 2>&1)" \
    "horizontalpodautoscaler.autoscaling/multi created"
v1=$(kubectl get --raw /apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/multi)
expect_eq "v1: the cpu target" "$(jq -r .spec.targetCPUUtilizationPercentage <<<"$v1")" "60"
expect_eq "v1: the other metrics in kube's annotation, in v1's form" \
    "$(jq -r '.metadata.annotations["autoscaling.alpha.kubernetes.io/metrics"]' <<<"$v1")" \
    '[{"type":"Pods","pods":{"metricName":"rps","targetAverageValue":"10"}}]'
expect_eq "v1: the behavior in kube's annotation, with Go's field names" \
    "$(jq -r '.metadata.annotations["autoscaling.alpha.kubernetes.io/behavior"]' <<<"$v1")" \
    '{"ScaleUp":null,"ScaleDown":{"StabilizationWindowSeconds":100,"SelectPolicy":null,"Policies":[{"Type":"Pods","Value":1,"PeriodSeconds":60}]}}'
# a v1 client writes the object back: nothing is lost, the annotations are not stored
jq '.spec.maxReplicas = 6' <<<"$v1" > "$tmp/v1.json"
expect_eq "PUT through autoscaling/v1" "$(kubectl replace -f "$tmp/v1.json" 2>&1)" "horizontalpodautoscaler.autoscaling/multi replaced"
expect_eq "v2 after the v1 write: both metrics and the behavior kept" \
    "$(kubectl get hpa multi -o jsonpath='{.spec.maxReplicas} {.spec.metrics[*].type} {.spec.behavior.scaleDown.stabilizationWindowSeconds}')" \
    "6 Pods Resource 100"
expect_eq "v2 after the v1 write: no round-trip annotation stored" \
    "$(kubectl get hpa multi -o json | jq -c '[.metadata.annotations // {} | keys[] | select(startswith("autoscaling.alpha"))]')" "[]"
expect_eq "patch through autoscaling/v1" \
    "$(kubectl patch horizontalpodautoscalers.v1.autoscaling multi --type=merge -p '{"spec":{"targetCPUUtilizationPercentage":70}}' 2>&1)" \
    "horizontalpodautoscaler.autoscaling/multi patched"
expect_eq "the v1 patch changed the cpu metric only" \
    "$(kubectl get hpa multi -o jsonpath='{.spec.metrics[1].resource.target.averageUtilization} {.spec.metrics[0].pods.metric.name}')" "70 rps"
printf 'apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata: {name: bad}\nspec: {scaleTargetRef: {kind: Deployment, name: web}, minReplicas: 3, maxReplicas: 2, targetCPUUtilizationPercentage: 50}\n' > "$tmp/badhpa.yaml"
expect_eq "v1 hpa with max below min refused (internal field paths)" "$(kubectl apply -f "$tmp/badhpa.yaml" 2>&1)" \
    'The HorizontalPodAutoscaler "bad" is invalid: spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`'
expect_eq "watch through autoscaling/v1 sends v1 objects" \
    "$(kubectl get --raw '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers?watch=1&timeoutSeconds=1&fieldSelector=metadata.name=web' | jq -r '.object.apiVersion + " " + (.object.spec.targetCPUUtilizationPercentage|tostring)')" \
    "autoscaling/v1 80"
expect_eq "list through autoscaling/v1" \
    "$(kubectl get --raw /apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers | jq -r '[.apiVersion, (.items|length|tostring), (.items[0].apiVersion // "none")] | join(" ")')" \
    "autoscaling/v1 2 none"
kubectl get hpa multi -o json | jq '.status = {"currentReplicas":2,"desiredReplicas":2,"currentMetrics":[{"type":"Pods","pods":{"metric":{"name":"rps"},"current":{"averageValue":"7"}}},{"type":"Resource","resource":{"name":"cpu","current":{"averageUtilization":40}}}],"conditions":[{"type":"AbleToScale","status":"True","lastTransitionTime":"2026-01-01T00:00:00Z","reason":"Ready"}]}' \
    | kubectl replace --subresource=status -f - >/dev/null 2>&1
v1=$(kubectl get --raw /apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/multi)
expect_eq "v1 status: the cpu utilization, the current metrics and conditions in kube's annotations" \
    "$(jq -c '[.status, .metadata.annotations["autoscaling.alpha.kubernetes.io/current-metrics"], .metadata.annotations["autoscaling.alpha.kubernetes.io/conditions"]]' <<<"$v1")" \
    '[{"currentReplicas":2,"desiredReplicas":2,"currentCPUUtilizationPercentage":40},"[{\"type\":\"Pods\",\"pods\":{\"metricName\":\"rps\",\"currentAverageValue\":\"7\"}},{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"currentAverageUtilization\":40}}]","[{\"type\":\"AbleToScale\",\"status\":\"True\",\"lastTransitionTime\":\"2026-01-01T00:00:00Z\",\"reason\":\"Ready\"}]"]'
expect_contains "get hpa: the targets from the status (paired by position, as kube's printer)" "$(kubectl get hpa multi --no-headers 2>&1)" "7/10, cpu: 40%/70%"
expect_eq "delete hpa through v1" "$(kubectl delete horizontalpodautoscalers.v1.autoscaling web multi 2>&1)" \
    'horizontalpodautoscaler.autoscaling "web" deleted
horizontalpodautoscaler.autoscaling "multi" deleted'

# ---- events.k8s.io/v1 Event: the same stored events as core/v1, converted
cat > "$tmp/ev.yaml" <<'Y'
apiVersion: events.k8s.io/v1
kind: Event
metadata: {name: ev1}
eventTime: "2026-01-02T03:04:05.000000Z"
reportingController: example.com/ctl
reportingInstance: ctl-1
action: Testing
reason: Tested
regarding: {kind: Deployment, name: web, namespace: default, apiVersion: apps/v1}
note: a note
type: Normal
Y
expect_eq "create an events.k8s.io/v1 Event" "$(kubectl apply -f "$tmp/ev.yaml" 2>&1)" "event.events.k8s.io/ev1 created"
expect_eq "read as core/v1: regarding is involvedObject, note is message" \
    "$(kubectl get events.v1. ev1 -o jsonpath='{.apiVersion} {.involvedObject.kind}/{.involvedObject.name} {.message} {.reportingComponent} {.reportingInstance}' 2>&1)" \
    "v1 Deployment/web a note example.com/ctl ctl-1"
expect_eq "read as events.k8s.io/v1" \
    "$(kubectl get events.v1.events.k8s.io ev1 -o jsonpath='{.apiVersion} {.regarding.name} {.note} {.reportingController}')" \
    "events.k8s.io/v1 web a note example.com/ctl"
kubectl create configmap cfg --from-literal=a=b >/dev/null 2>&1
cat > "$tmp/core-ev.yaml" <<'Y'
apiVersion: v1
kind: Event
metadata: {name: core1}
involvedObject: {kind: ConfigMap, name: cfg, namespace: default}
reason: Changed
message: from core
source: {component: tester}
firstTimestamp: "2026-01-02T03:04:05Z"
lastTimestamp: "2026-01-02T03:04:05Z"
count: 2
type: Warning
Y
expect_eq "create a core/v1 Event" "$(kubectl apply -f "$tmp/core-ev.yaml" 2>&1)" "event/core1 created"
expect_eq "a core event read through events.k8s.io: the deprecated fields" \
    "$(kubectl get events.v1.events.k8s.io core1 -o jsonpath='{.regarding.kind} {.note} {.deprecatedSource.component} {.deprecatedCount} {.deprecatedFirstTimestamp}')" \
    "ConfigMap from core tester 2 2026-01-02T03:04:05Z"
evs=$(kubectl events 2>&1)
expect_contains "kubectl events lists the events.k8s.io event" "$evs" "Tested    Deployment/web   a note"
expect_contains "kubectl events lists the core event" "$evs" "Changed   ConfigMap/cfg    from core"
expect_eq "get events.events.k8s.io: kube's event columns" "$(header events.events.k8s.io)" "LAST SEEN TYPE REASON OBJECT MESSAGE"
sed 's/type: Normal/type: Bogus/; s/name: ev1/name: ev2/; /action:/d' "$tmp/ev.yaml" > "$tmp/badev.yaml"
expect_eq "events.k8s.io create validated strictly, kube's messages" "$(kubectl apply -f "$tmp/badev.yaml" 2>&1)" \
    'The Event "ev2" is invalid: 
* action: Required value
* type: Invalid value: "": has invalid value: Bogus'
expect_eq "deleting through events.k8s.io deletes the core event" \
    "$(kubectl delete events.v1.events.k8s.io core1 2>&1; kubectl get events.v1. core1 2>&1)" \
    'event.events.k8s.io "core1" deleted
Error from server (NotFound): events "core1" not found'

# ---- discovery.k8s.io/v1 EndpointSlice
cat > "$tmp/es.yaml" <<'Y'
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-abc, labels: {kubernetes.io/service-name: web}}
addressType: IPv4
ports: [{name: http, port: 80}, {port: 443}, {name: x}, {port: 8080}]
endpoints:
- addresses: ["10.0.0.1"]
  conditions: {ready: true}
- addresses: ["10.0.0.2"]
- addresses: ["10.0.0.3"]
- addresses: ["10.0.0.4"]
Y
expect_eq "create endpointslice" "$(kubectl apply -f "$tmp/es.yaml" 2>&1)" "endpointslice.discovery.k8s.io/web-abc created"
expect_eq "get endpointslice: kube's columns and row (3 at most, + N more...)" "$(kubectl get endpointslices 2>&1 | awk '{$NF=""; print}' | tr -s ' ')" \
    "NAME ADDRESSTYPE PORTS ENDPOINTS 
web-abc IPv4 80,443,x + 1 more... 10.0.0.1,10.0.0.2,10.0.0.3 + 1 more... "
expect_eq "endpointslice port defaults: name \"\" and TCP" "$(kubectl get endpointslice web-abc -o jsonpath='{.ports[1]}')" \
    '{"name":"","port":443,"protocol":"TCP"}'
expect_contains "describe endpointslice" "$(kubectl describe endpointslice web-abc 2>&1)" "AddressType:  IPv4"
sed 's/10.0.0.2/10.0.0.300/; s/name: web-abc/name: bad/' "$tmp/es.yaml" > "$tmp/bades.yaml"
expect_eq "endpointslice with a bad IPv4 address refused" "$(kubectl apply -f "$tmp/bades.yaml" 2>&1)" \
    'The EndpointSlice "bad" is invalid: endpoints[1].addresses[0]: Invalid value: "10.0.0.300": must be a valid IPv4 address'
expect_eq "endpointslice addressType is immutable" "$(kubectl patch endpointslice web-abc --type=merge -p '{"addressType":"IPv6","endpoints":[{"addresses":["fd00::1"]}]}' 2>&1)" \
    'The EndpointSlice "web-abc" is invalid: addressType: Invalid value: "IPv6": field is immutable'

# ---- storage.k8s.io/v1 CSIDriver, CSINode, VolumeAttachment, CSIStorageCapacity
cat > "$tmp/csi.yaml" <<'Y'
apiVersion: storage.k8s.io/v1
kind: CSIDriver
metadata: {name: ebs.csi.aws.com}
spec: {tokenRequests: [{audience: sts.amazonaws.com}]}
---
apiVersion: storage.k8s.io/v1
kind: CSINode
metadata: {name: node-1}
spec:
  drivers: [{name: ebs.csi.aws.com, nodeID: i-123, topologyKeys: [topology.ebs.csi.aws.com/zone]}]
---
apiVersion: storage.k8s.io/v1
kind: VolumeAttachment
metadata: {name: va-1}
spec: {attacher: ebs.csi.aws.com, nodeName: node-1, source: {persistentVolumeName: pv-1}}
---
apiVersion: storage.k8s.io/v1
kind: CSIStorageCapacity
metadata: {name: cap-1}
storageClassName: fast
capacity: 10Gi
Y
expect_eq "create the CSI kinds" "$(kubectl apply -f "$tmp/csi.yaml" 2>&1)" \
    "csidriver.storage.k8s.io/ebs.csi.aws.com created
csinode.storage.k8s.io/node-1 created
volumeattachment.storage.k8s.io/va-1 created
csistoragecapacity.storage.k8s.io/cap-1 created"
expect_eq "get csidriver: kube's columns and row" "$(kubectl get csidriver 2>&1 | awk '{$NF=""; print}' | tr -s ' ')" \
    "NAME ATTACHREQUIRED PODINFOONMOUNT STORAGECAPACITY TOKENREQUESTS REQUIRESREPUBLISH MODES 
ebs.csi.aws.com true false false sts.amazonaws.com false Persistent "
expect_eq "csidriver defaults" "$(kubectl get csidriver ebs.csi.aws.com -o jsonpath='{.spec.attachRequired} {.spec.fsGroupPolicy} {.spec.volumeLifecycleModes} {.spec.seLinuxMount}')" \
    'true ReadWriteOnceWithFSType ["Persistent"] false'
expect_eq "get csinode: kube's columns and row" "$(kubectl get csinode 2>&1 | awk '{$NF=""; print}' | tr -s ' ')" "NAME DRIVERS 
node-1 1 "
expect_eq "get volumeattachment: kube's columns and row" "$(kubectl get volumeattachment 2>&1 | awk '{$NF=""; print}' | tr -s ' ')" \
    "NAME ATTACHER PV NODE ATTACHED 
va-1 ebs.csi.aws.com pv-1 node-1 false "
expect_eq "volumeattachment status: attached false" "$(kubectl get volumeattachment va-1 -o json | jq -c .status)" '{"attached":false}'
expect_eq "get csistoragecapacity: kube's columns and row" "$(kubectl get csistoragecapacity 2>&1 | awk '{$NF=""; print}' | tr -s ' ')" \
    "NAME STORAGECLASSNAME CAPACITY 
cap-1 fast 10Gi "
printf 'apiVersion: storage.k8s.io/v1\nkind: VolumeAttachment\nmetadata: {name: va-bad}\nspec: {attacher: ebs.csi.aws.com, nodeName: node-1, source: {}}\n' > "$tmp/badva.yaml"
expect_eq "volumeattachment without a source refused" "$(kubectl apply -f "$tmp/badva.yaml" 2>&1)" \
    'The VolumeAttachment "va-bad" is invalid: spec.source: Required value: must specify exactly one of inlineVolumeSpec and persistentVolumeName'
printf 'apiVersion: storage.k8s.io/v1\nkind: CSIDriver\nmetadata: {name: d2}\nspec: {fsGroupPolicy: Sometimes, volumeLifecycleModes: [Forever]}\n' > "$tmp/badcsi.yaml"
expect_eq "csidriver with unknown policy and mode refused" "$(kubectl apply -f "$tmp/badcsi.yaml" 2>&1)" \
    'The CSIDriver "d2" is invalid: 
* spec.fsGroupPolicy: Unsupported value: "Sometimes": supported values: "File", "None", "ReadWriteOnceWithFSType"
* spec.volumeLifecycleModes[0]: Unsupported value: "Forever": supported values: "Ephemeral", "Persistent"'
expect_eq "csidriver attachRequired is immutable" "$(kubectl patch csidriver ebs.csi.aws.com --type=merge -p '{"spec":{"attachRequired":false}}' 2>&1)" \
    'The CSIDriver "ebs.csi.aws.com" is invalid: spec.attachRequired: Invalid value: false: field is immutable'
expect_eq "delete the CSI kinds" "$(kubectl delete -f "$tmp/csi.yaml" 2>&1 | wc -l)" "4"

# ---- core/v1 ComponentStatus: answered from probes, deprecated
cs=$(kubectl get componentstatuses 2>&1)
expect_contains "get componentstatuses: kube's deprecation Warning" "$cs" "Warning: v1 ComponentStatus is deprecated in v1.19+"
expect_eq "get componentstatuses: kube's columns, the store healthy" "$(grep -v '^Warning' <<<"$cs" | awk '{print $1, $2, $3}')" \
    "NAME STATUS MESSAGE
controller-manager Unhealthy Get
etcd-0 Healthy ok
scheduler Unhealthy Get"
expect_contains "an unreachable component: Go's dial error" "$(kubectl get cs scheduler -o jsonpath='{.conditions[0].error}' 2>/dev/null)" \
    'Get "https://127.0.0.1:10259/healthz": dial tcp 127.0.0.1:10259'
expect_eq "componentstatuses cannot be created" "$(kubectl create -f - 2>&1 <<<'{"apiVersion":"v1","kind":"ComponentStatus","metadata":{"name":"x"}}' | grep -v '^Warning')" \
    'Error from server (MethodNotAllowed): error when creating "STDIN": the server does not allow this method on the requested resource'
expect_eq "an unknown component is not found" "$(kubectl get cs nope 2>&1 | grep -v '^Warning')" \
    'Error from server (NotFound): componentstatuses "nope" not found'

# ---- certificates.k8s.io/v1 CertificateSigningRequest: a client
# certificate the Kubernetes way (openssl req -> CSR -> approve -> issued by
# the reconciler's signer -> kubectl with it)
reconcile() { "$BUILD/kapi-reconcile" --state "$KAPI_STATE" --once >/dev/null 2>&1; }
csr_yaml() {   # NAME KEYFILE SUBJECT SIGNER USAGES [EXPIRATION]
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$tmp/$2" \
        -subj "$3" -out "$tmp/$1.csr" 2>/dev/null
    printf 'apiVersion: certificates.k8s.io/v1\nkind: CertificateSigningRequest\nmetadata: {name: %s}\nspec:\n  request: %s\n  signerName: %s\n  usages: %s\n' \
        "$1" "$(base64 -w0 "$tmp/$1.csr")" "$4" "$5"
    [ -n "$6" ] && printf '  expirationSeconds: %s\n' "$6"
}
csr_yaml alice alice.key "/CN=alice/O=devs" kubernetes.io/kube-apiserver-client "[client auth, digital signature]" 86400 > "$tmp/alice.yaml"
expect_eq "create csr" "$(kubectl apply -f "$tmp/alice.yaml" 2>&1)" "certificatesigningrequest.certificates.k8s.io/alice created"
expect_eq "get csr: kube's columns, Pending, the requester recorded" "$(kubectl get csr alice 2>&1 | awk '{$2=""; print}' | tr -s ' ')" \
    "NAME SIGNERNAME REQUESTOR REQUESTEDDURATION CONDITION
alice kubernetes.io/kube-apiserver-client kubernetes-admin 24h Pending"
expect_eq "the requester's groups" "$(kubectl get csr alice -o jsonpath='{.spec.groups}')" '["system:masters","system:authenticated"]'
expect_eq "kubectl certificate approve" "$(kubectl certificate approve alice 2>&1)" "certificatesigningrequest.certificates.k8s.io/alice approved"
expect_eq "the approval condition, with kube's timestamps" \
    "$(kubectl get csr alice -o jsonpath='{.status.conditions[0].type} {.status.conditions[0].reason} {.status.conditions[0].status} '; kubectl get csr alice -o json | jq -r '.status.conditions[0].lastTransitionTime | test("^[0-9]{4}-")')" \
    "Approved KubectlApprove True true"
check "the reconciler signs the approved request" reconcile
expect_eq "get csr: Approved,Issued" "$(kubectl get csr alice --no-headers | awk '{print $NF}')" "Approved,Issued"
kubectl get csr alice -o jsonpath='{.status.certificate}' | base64 -d > "$tmp/alice.crt"
expect_eq "the certificate: the request's subject, issued by the cluster CA" \
    "$(openssl x509 -in "$tmp/alice.crt" -noout -subject -issuer 2>&1)" "subject=CN = alice, O = devs
issuer=CN = kubernetes"
check "the certificate verifies against the cluster CA" openssl verify -CAfile "$KAPI_STATE/pki/ca.crt" "$tmp/alice.crt"
expect_contains "the certificate is for client auth" "$(openssl x509 -in "$tmp/alice.crt" -noout -ext extendedKeyUsage 2>&1)" "TLS Web Client Authentication"
expect_eq "the certificate lives expirationSeconds (24h)" \
    "$(( $(date -d "$(openssl x509 -in "$tmp/alice.crt" -noout -enddate | cut -d= -f2)" +%s) - $(date -d "$(openssl x509 -in "$tmp/alice.crt" -noout -startdate | cut -d= -f2)" +%s) ))" \
    "$((86400 + 300))"
cp "$KUBECONFIG" "$tmp/alice.conf"
KUBECONFIG=$tmp/alice.conf kubectl config set-credentials alice --client-certificate="$tmp/alice.crt" --client-key="$tmp/alice.key" --embed-certs >/dev/null
KUBECONFIG=$tmp/alice.conf kubectl config set-context alice --cluster=kubernetes --user=alice >/dev/null
expect_eq "kubectl with the issued certificate: kapi knows alice" \
    "$(KUBECONFIG=$tmp/alice.conf kubectl --context alice auth whoami -o jsonpath='{.status.userInfo.username} {.status.userInfo.groups}' 2>&1)" \
    'alice ["devs","system:authenticated"]'
expect_eq "alice is authorized by RBAC like any user" "$(KUBECONFIG=$tmp/alice.conf kubectl --context alice get pods 2>&1)" \
    'Error from server (Forbidden): pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"'
csr_yaml bob bob.key "/CN=bob" kubernetes.io/kube-apiserver-client "[server auth]" > "$tmp/bob.yaml"
kubectl apply -f "$tmp/bob.yaml" >/dev/null 2>&1; kubectl certificate approve bob >/dev/null 2>&1; reconcile
expect_eq "a usage the signer refuses: Failed, kube's reason and message" \
    "$(kubectl get csr bob -o jsonpath='{.status.conditions[1].type} {.status.conditions[1].reason}: {.status.conditions[1].message}') $(kubectl get csr bob --no-headers | awk '{print $NF}')" \
    "Failed SignerValidationFailure: invalid usage for client certificate: server auth Approved,Failed"
csr_yaml node1 node1.key "/CN=system:node:n1/O=system:nodes" kubernetes.io/kube-apiserver-client-kubelet "[digital signature, client auth]" > "$tmp/node1.yaml"
kubectl apply -f "$tmp/node1.yaml" >/dev/null 2>&1; kubectl certificate approve node1 >/dev/null 2>&1; reconcile
expect_eq "the kubelet client signer issues a node's certificate" "$(kubectl get csr node1 --no-headers | awk '{print $NF}')" "Approved,Issued"
csr_yaml node2 node2.key "/CN=n2/O=system:nodes" kubernetes.io/kube-apiserver-client-kubelet "[digital signature, client auth]" > "$tmp/node2.yaml"
kubectl apply -f "$tmp/node2.yaml" >/dev/null 2>&1; kubectl certificate approve node2 >/dev/null 2>&1; reconcile
expect_eq "the kubelet client signer refuses another subject" "$(kubectl get csr node2 -o jsonpath='{.status.conditions[1].message}')" \
    "subject common name does not begin with system:node:"
csr_yaml carol carol.key "/CN=carol" kubernetes.io/kube-apiserver-client "[client auth]" > "$tmp/carol.yaml"
kubectl apply -f "$tmp/carol.yaml" >/dev/null 2>&1
expect_eq "kubectl certificate deny" "$(kubectl certificate deny carol 2>&1)" "certificatesigningrequest.certificates.k8s.io/carol denied"
reconcile
expect_eq "a denied request is never signed" "$(kubectl get csr carol --no-headers | awk '{print $NF}') $(kubectl get csr carol -o jsonpath='{.status.certificate}')" "Denied "
expect_eq "/status may not add an approval" \
    "$(kubectl get csr carol -o json | jq '.status.conditions = [{"type":"Approved","status":"True"}]' | kubectl replace --raw /apis/certificates.k8s.io/v1/certificatesigningrequests/carol/status -f - 2>&1)" \
    'The CertificateSigningRequest "carol" is invalid: 
* status.conditions: Forbidden: updates may not add a condition of type "Approved"
* status.conditions: Forbidden: updates may not remove a condition of type "Denied"'
# kube's field manager records the patch (kubectl-patch's entry in
# managedFields) before the strategy puts the old spec back: "patched"
expect_eq "the spec never changes on update" \
    "$(kubectl patch csr carol --type=merge -p '{"spec":{"signerName":"example.com/other"}}' 2>&1; kubectl get csr carol -o jsonpath='{.spec.signerName}')" \
    "certificatesigningrequest.certificates.k8s.io/carol patched
kubernetes.io/kube-apiserver-client"
printf 'apiVersion: certificates.k8s.io/v1\nkind: CertificateSigningRequest\nmetadata: {name: bad}\nspec:\n  request: aGVsbG8=\n  signerName: example\n  expirationSeconds: 100\n  usages: [client auth, flying]\n' > "$tmp/badcsr.yaml"
expect_eq "an invalid csr refused with kube's messages" "$(kubectl apply -f "$tmp/badcsr.yaml" 2>&1)" \
    'The CertificateSigningRequest "bad" is invalid: 
* spec.request: Invalid value: []byte{0x68, 0x65, 0x6c, 0x6c, 0x6f}: PEM block type must be CERTIFICATE REQUEST
* spec.usages[1]: Unsupported value: "flying": supported values: "any", "cert sign", "client auth", "code signing", "content commitment", "crl sign", "data encipherment", "decipher only", "digital signature", "email protection", "encipher only", "ipsec end system", "ipsec tunnel", "ipsec user", "key agreement", "key encipherment", "microsoft sgc", "netscape sgc", "ocsp signing", "s/mime", "server auth", "signing", "timestamping"
* spec.signerName: Invalid value: "example": must be a fully qualified domain and path of the form '"'"'example.com/signer-name'"'"'
* spec.expirationSeconds: Invalid value: 100: may not specify a duration less than 600 seconds (10 minutes)'
expect_eq "csr field selector spec.signerName" "$(kubectl get csr --field-selector spec.signerName=kubernetes.io/kube-apiserver-client-kubelet -o name 2>&1 | tr '\n' ' ')" \
    "certificatesigningrequest.certificates.k8s.io/node1 certificatesigningrequest.certificates.k8s.io/node2 "

# ---- admissionregistration.k8s.io/v1: webhook configurations and
# ValidatingAdmissionPolicies, stored and validated; policies evaluated
# (webhooks are not called)
adm=$KAPI_ROOT/tests/e2e/data/admission-kinds.yaml
expect_eq "create the admission kinds" "$(kubectl apply -f "$adm" 2>&1)" \
    "validatingwebhookconfiguration.admissionregistration.k8s.io/policy.example.com created
mutatingwebhookconfiguration.admissionregistration.k8s.io/inject.example.com created
validatingadmissionpolicy.admissionregistration.k8s.io/replica-limit created
validatingadmissionpolicybinding.admissionregistration.k8s.io/replica-limit-binding created"
expect_eq "get validatingwebhookconfigurations: kube's columns" "$(kubectl get validatingwebhookconfigurations 2>&1 | awk '{print $1, $2}')" \
    "NAME WEBHOOKS
policy.example.com 1"
expect_eq "get mutatingwebhookconfigurations: kube's columns" "$(kubectl get mutatingwebhookconfigurations 2>&1 | awk '{print $1, $2}')" \
    "NAME WEBHOOKS
inject.example.com 1"
expect_eq "get validatingadmissionpolicies: kube's columns" "$(kubectl get validatingadmissionpolicies 2>&1 | awk '{print $1, $2, $3}')" \
    "NAME VALIDATIONS PARAMKIND
replica-limit 1 <unset>"
expect_eq "get validatingadmissionpolicybindings: kube's columns" "$(kubectl get validatingadmissionpolicybindings 2>&1 | awk '{print $1, $2, $3}')" \
    "NAME POLICYNAME PARAMREF
replica-limit-binding replica-limit <unset>"
expect_eq "webhook defaults" \
    "$(kubectl get validatingwebhookconfiguration policy.example.com -o jsonpath='{.webhooks[0].failurePolicy} {.webhooks[0].matchPolicy} {.webhooks[0].timeoutSeconds} {.webhooks[0].namespaceSelector} {.webhooks[0].clientConfig.service.port} {.webhooks[0].rules[0].scope}')" \
    "Fail Equivalent 10 {} 443 *"
expect_eq "mutating webhook default reinvocationPolicy" \
    "$(kubectl get mutatingwebhookconfiguration inject.example.com -o jsonpath='{.webhooks[0].reinvocationPolicy}')" "Never"
expect_eq "policy defaults" \
    "$(kubectl get validatingadmissionpolicy replica-limit -o jsonpath='{.spec.failurePolicy} {.spec.matchConstraints.matchPolicy} {.spec.matchConstraints.resourceRules[0].scope}')" \
    "Fail Equivalent *"
expect_eq "the admission kinds are in the api-extensions category" \
    "$(kubectl api-resources --categories=api-extensions -o name 2>&1 | sort | tr '\n' ' ')" \
    "customresourcedefinitions.apiextensions.k8s.io mutatingwebhookconfigurations.admissionregistration.k8s.io validatingadmissionpolicies.admissionregistration.k8s.io validatingadmissionpolicybindings.admissionregistration.k8s.io validatingwebhookconfigurations.admissionregistration.k8s.io "
printf 'apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata: {name: bad}\nwebhooks:\n- name: short\n  clientConfig: {url: "http://x"}\n  timeoutSeconds: 31\n  admissionReviewVersions: []\n' > "$tmp/badwh.yaml"
expect_eq "an invalid webhook refused with kube's messages" "$(kubectl apply -f "$tmp/badwh.yaml" 2>&1)" \
    "The ValidatingWebhookConfiguration \"bad\" is invalid: 
* webhooks[0].name: Invalid value: \"short\": should be a domain with at least three segments separated by dots
* webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun
* webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds
* webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1
* webhooks[0].clientConfig.url: Invalid value: \"http://x\": 'https' is the only allowed URL scheme"
printf 'apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicyBinding\nmetadata: {name: bad}\nspec: {validationActions: [Deny, Warn]}\n' > "$tmp/badvapb.yaml"
expect_eq "an invalid binding refused with kube's messages" "$(kubectl apply -f "$tmp/badvapb.yaml" 2>&1)" \
    'The ValidatingAdmissionPolicyBinding "bad" is invalid: 
* spec.policyName: Required value
* spec.validationActions: Invalid value: []admissionregistration.ValidationAction{"Deny", "Warn"}: must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)'
printf 'apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata: {name: bad}\nspec: {}\n' > "$tmp/badvap.yaml"
expect_eq "an empty policy refused with kube's messages" "$(kubectl apply -f "$tmp/badvap.yaml" 2>&1)" \
    'The ValidatingAdmissionPolicy "bad" is invalid: 
* spec.matchConstraints: Required value
* spec.validations: Required value: validations or auditAnnotations must contain at least one item'
# the policy is evaluated (kapi's CEL) by the ValidatingAdmissionPolicy admission step
printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: big}\nspec:\n  replicas: 7\n  selector: {matchLabels: {app: big}}\n  template:\n    metadata: {labels: {app: big}}\n    spec: {containers: [{name: c, image: nginx}]}\n' > "$tmp/big.yaml"
expect_eq "a deployment the policy forbids is denied with kube's message" "$(kubectl apply -f "$tmp/big.yaml" 2>&1)" \
    "The deployments \"big\" is invalid: : ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit-binding' denied request: replicas must be no greater than 5"
http curl_admin /apis/apps/v1/namespaces/default/deployments -X POST -H 'Content-Type: application/json' \
    --data-binary "$(kubectl create -f "$tmp/big.yaml" --dry-run=client -o json)"
expect_eq "the denial: 422 Invalid, admission.NewForbidden's message and details" \
    "$HTTP_CODE $(jq -c '[.reason, .message, .details.kind, .details.group, .details.name]' <<<"$HTTP_BODY")" \
    "422 [\"Invalid\",\"deployments.apps \\\"big\\\" is forbidden: ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit-binding' denied request: replicas must be no greater than 5\",\"deployments\",\"apps\",\"big\"]"
sed 's/replicas: 7/replicas: 3/' "$tmp/big.yaml" > "$tmp/small.yaml"
expect_eq "a deployment the policy allows is created" "$(kubectl apply -f "$tmp/small.yaml" 2>&1)" "deployment.apps/big created"
expect_eq "an update the policy forbids is denied" "$(kubectl patch deployment big --type=merge -p '{"spec":{"replicas":6}}' 2>&1)" \
    "The deployments \"big\" is invalid: : ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit-binding' denied request: replicas must be no greater than 5"
kubectl patch validatingadmissionpolicy replica-limit --type=json -p '[{"op":"remove","path":"/spec/validations/0/message"}]' >/dev/null 2>&1
expect_eq "without a message: kube's failed expression" "$(kubectl patch deployment big --type=merge -p '{"spec":{"replicas":6}}' 2>&1)" \
    "The deployments \"big\" is invalid: : ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit-binding' denied request: failed expression: object.spec.replicas <= 5"
kubectl patch validatingadmissionpolicybinding replica-limit-binding --type=merge -p '{"spec":{"validationActions":["Audit"]}}' >/dev/null 2>&1
expect_eq "a binding without Deny does not deny" "$(kubectl patch deployment big --type=merge -p '{"spec":{"replicas":6}}' 2>&1)" "deployment.apps/big patched"
kubectl delete deployment big >/dev/null 2>&1
expect_eq "delete the admission kinds" "$(kubectl delete -f "$adm" 2>&1 | wc -l)" "4"

# ---- kubectl api-resources against kube-apiserver 1.32's list: every line
# kapi serves matches kube's exactly (name, short names, apiVersion, scope,
# kind); each kube resource is served or named as left out in README.md
kube_list=$KAPI_ROOT/tests/e2e/data/kube-1.32-api-resources.txt
served=$(kubectl api-resources --no-headers 2>&1 | tr -s ' ' | sed 's/ $//')
missing=()
while read -r line; do
    case $line in '#'*|'') continue ;; esac
    set -- $line
    name=$1 apiversion=${@: -3:1}
    if grep -qx -- "$line" <<<"$served"; then
        ok "api-resources: $line"
    elif grep -qF -- "- \`$name\` ($apiversion)" "$KAPI_ROOT/README.md"; then
        ok "api-resources: $name ($apiversion) not served, named in README.md # left out"
        missing+=("$name.$apiversion")
        if awk -v n="$name" -v a="$apiversion" '$1 == n && $(NF-2) == a' <<<"$served" | grep -q .; then
            not_ok "api-resources: $name ($apiversion) is served but differs from kube's line" "$(grep "^$name " <<<"$served")"
        fi
    else
        not_ok "api-resources: $line" "kapi: $(awk -v n="$name" '$1 == n' <<<"$served")"
    fi
done < "$kube_list"
echo "# kube 1.32 resources kapi does not serve (${#missing[@]}): ${missing[*]}"
extra=$(grep -vxF -f <(grep -v '^#' "$kube_list") <<<"$served")
expect_eq "kapi serves no resource kube 1.32 lacks, nor one on another line" "$extra" ""
