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
expect_eq "delete hpa through v1" "$(kubectl delete horizontalpodautoscalers.v1.autoscaling web multi 2>&1)" \
    'horizontalpodautoscaler.autoscaling "web" deleted
horizontalpodautoscaler.autoscaling "multi" deleted'
