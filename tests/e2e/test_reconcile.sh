#!/bin/bash
# test_reconcile.sh: kapi-reconcile, the controller manager's job, end to end
# with the real kubectl: the seed's scenario (a Deployment the API server
# alone only stores; one pass makes its ReplicaSet and ten Pending pods),
# kubectl scale, a RollingUpdate within maxSurge/maxUnavailable as pods turn
# Ready through pods/status, rollout history and undo, pause and resume,
# restart, Recreate, revisionHistoryLimit, adoption and release of pods,
# events, the apps validation and scale subresource, --dry-run.
# The stack runs without its reconciler loop; each pass is run here.
export KAPI_RECONCILE=0
. "$(dirname "$0")/lib.sh"
kapi_start

reconcile() { "$BUILD/kapi-reconcile" --state "$KAPI_STATE" --once "$@"; }

# Marks a pod Ready (and Running) the way a kubelet would: PUT of the pod
# to pods/NAME/status with a Ready condition. The server writes status as
# the object's last member: it is cut off and a new one appended.
mark_ready() {   # pod [namespace]
    local ns=${2:-default} now body
    now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    body=$(curl_admin "/api/v1/namespaces/$ns/pods/$1" | sed '/^  "status": {/,$d')
    body="$body \"status\":{\"phase\":\"Running\",\"qosClass\":\"BestEffort\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"lastTransitionTime\":\"$now\"}]}}"
    curl_admin "/api/v1/namespaces/$ns/pods/$1/status" -o /dev/null -w '%{http_code}' -X PUT \
        -H 'Content-Type: application/json' --data "$body"
}
mark_all_ready() {   # label selector
    local p
    for p in $(curl_admin "/api/v1/namespaces/default/pods?labelSelector=$1" | sed -n 's/^        "name": "\(.*\)",$/\1/p'); do
        [ "$(mark_ready "$p")" = 200 ] || echo "marking $p Ready failed"
    done
}
pod_count() { kubectl get pods -l "$1" -o name 2>/dev/null | grep -c .; }

# --- the seed: the API server alone only stores a Deployment
out=$(kubectl create deployment test --image nginx --replicas 10 2>&1)
expect_eq "kubectl create deployment (a protobuf body)" "$out" "deployment.apps/test created"
out=$(kubectl get deployments.apps 2>&1)
expect_eq "get deployments.apps before any pass" "$(echo "$out" | awk '$1=="test"{print $2, $3, $4}')" "0/10 0 0"
expect_eq "no pods before any pass" "$(kubectl get po 2>&1)" "No resources found in default namespace."
expect_eq "the Deployment is defaulted as kube does" \
    "$(kubectl get deploy test -o jsonpath='{.spec.strategy.type} {.spec.strategy.rollingUpdate.maxSurge} {.spec.strategy.rollingUpdate.maxUnavailable} {.spec.revisionHistoryLimit} {.spec.progressDeadlineSeconds} {.metadata.generation}')" \
    "RollingUpdate 25% 25% 10 600 1"
expect_eq "the pod template is defaulted as kube does" \
    "$(kubectl get deploy test -o jsonpath='{.spec.template.spec.restartPolicy} {.spec.template.spec.containers[0].imagePullPolicy} {.spec.template.spec.terminationGracePeriodSeconds}')" \
    "Always Always 30"

check "one pass (kapi-reconcile --once)" reconcile
rs=$(kubectl get rs -l app=test -o jsonpath='{.items[*].metadata.name}')
[[ $rs =~ ^test-[bcdfghjklmnpqrstvwxz2456789]{1,10}$ ]] && ok "ReplicaSet test-<pod-template-hash>: $rs" ||
    not_ok "ReplicaSet test-<pod-template-hash>" "got: $rs"
hash=${rs#test-}
pods=$(kubectl get po -o jsonpath='{range .items[*]}{.metadata.name} {.status.phase}{"\n"}{end}')
expect_eq "ten pods" "$(echo "$pods" | grep -c .)" "10"
expect_eq "every pod is test-<hash>-<5 chars>, Pending" \
    "$(echo "$pods" | grep -Ec "^$rs-[bcdfghjklmnpqrstvwxz2456789]{5} Pending$")" "10"
expect_eq "kubectl get rs: 10 10 0" "$(kubectl get rs "$rs" | awk 'NR==2{print $2, $3, $4}')" "10 10 0"
expect_eq "kubectl get deployments.apps after one pass" \
    "$(kubectl get deployments.apps | awk '$1=="test"{print $2, $3, $4}')" "0/10 10 0"
uid=$(kubectl get deploy test -o jsonpath='{.metadata.uid}')
expect_eq "ReplicaSet owned by the Deployment (controller, blockOwnerDeletion)" \
    "$(kubectl get rs "$rs" -o jsonpath='{.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name} {.metadata.ownerReferences[0].uid} {.metadata.ownerReferences[0].controller} {.metadata.ownerReferences[0].blockOwnerDeletion}')" \
    "Deployment/test $uid true true"
expect_eq "pod-template-hash on the selector, template and pods" \
    "$(kubectl get rs "$rs" -o jsonpath='{.spec.selector.matchLabels.pod-template-hash} {.spec.template.metadata.labels.pod-template-hash}') $(kubectl get pods -l pod-template-hash="$hash" -o name | grep -c .)" \
    "$hash $hash 10"
expect_eq "revision annotations on the ReplicaSet" \
    "$(kubectl get rs "$rs" -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision} {.metadata.annotations.deployment\.kubernetes\.io/desired-replicas} {.metadata.annotations.deployment\.kubernetes\.io/max-replicas}')" \
    "1 10 13"
expect_eq "pods owned by the ReplicaSet, generateName <rs>-" \
    "$(kubectl get pods -o jsonpath='{range .items[*]}{.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name} {.metadata.generateName}{"\n"}{end}' | sort -u)" \
    "ReplicaSet/$rs $rs-"
expect_eq "Deployment status" \
    "$(kubectl get deploy test -o jsonpath='{.status.observedGeneration} {.status.replicas} {.status.updatedReplicas} {.status.unavailableReplicas} {.metadata.annotations.deployment\.kubernetes\.io/revision}')" \
    "1 10 10 10 1"
expect_eq "Available condition" \
    "$(kubectl get deploy test -o jsonpath='{.status.conditions[?(@.type=="Available")].status} {.status.conditions[?(@.type=="Available")].reason} {.status.conditions[?(@.type=="Available")].message}')" \
    "False MinimumReplicasUnavailable Deployment does not have minimum availability."
expect_eq "Progressing condition" \
    "$(kubectl get deploy test -o jsonpath='{.status.conditions[?(@.type=="Progressing")].status} {.status.conditions[?(@.type=="Progressing")].reason}')" \
    "True ReplicaSetUpdated"
expect_eq "the ServiceAccount controller made default in every namespace" \
    "$(kubectl get sa -A -o jsonpath='{range .items[?(@.metadata.name=="default")]}{.metadata.namespace}{" "}{end}')" \
    "default kube-node-lease kube-public kube-system "
expect_eq "the root CA publisher made kube-root-ca.crt with the cluster CA" \
    "$(kubectl get cm kube-root-ca.crt -o jsonpath='{.data.ca\.crt}')" "$(cat "$KAPI_STATE/pki/ca.crt")"
expect_contains "kube-root-ca.crt is described as kube does" \
    "$(kubectl get cm kube-root-ca.crt -o jsonpath='{.metadata.annotations.kubernetes\.io/description}')" \
    "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints"

# --- events, as kube's controllers record them
events=$(kubectl get events 2>&1)
echo "$events" | grep -Eq "Normal +ScalingReplicaSet +deployment/test +Scaled up replica set $rs from 0 to 10" &&
    ok "ScalingReplicaSet event on deployment/test" || not_ok "ScalingReplicaSet event on deployment/test" "$events"
expect_contains "its message" "$events" "Scaled up replica set $rs from 0 to 10"
expect_eq "one SuccessfulCreate event per pod" "$(echo "$events" | grep -Ec "Normal +SuccessfulCreate +replicaset/$rs +Created pod: $rs-")" "10"
expect_eq "event fields (source, count, involvedObject)" \
    "$(kubectl get events --field-selector reason=ScalingReplicaSet -o jsonpath='{.items[0].source.component} {.items[0].count} {.items[0].type} {.items[0].involvedObject.kind} {.items[0].involvedObject.apiVersion} {.items[0].reportingComponent}')" \
    "deployment-controller 1 Normal Deployment apps/v1 deployment-controller"
desc=$(kubectl describe deployment test 2>&1)
expect_contains "kubectl describe deployment lists its events" "$desc" "ScalingReplicaSet  "
expect_contains "kubectl describe deployment names the new ReplicaSet" "$desc" "NewReplicaSet:   $rs (10/10 replicas created)"

# --- a second pass changes nothing
out=$(reconcile --verbose 2>&1)
expect_eq "a second pass writes nothing" "$out" "$(echo "$out" | grep -E '^kapi-reconcile: 0 creates, 0 updates, 0 deletes, 0 events in 1 round ')"
expect_eq "still ten pods" "$(pod_count app=test)" "10"

# --- kubectl scale (merge patch of deployments/test/scale)
out=$(kubectl scale deployment test --replicas 3 2>&1)
expect_eq "kubectl scale --replicas 3" "$out" "deployment.apps/test scaled"
reconcile >/dev/null
expect_eq "3 pods after a pass" "$(pod_count app=test)" "3"
expect_eq "ReplicaSet 3 3 0" "$(kubectl get rs "$rs" | awk 'NR==2{print $2, $3, $4}')" "3 3 0"
expect_contains "Scaled down event" "$(kubectl get events --field-selector involvedObject.name=test 2>&1)" "Scaled down replica set $rs from 10 to 3"
expect_eq "SuccessfulDelete events" "$(kubectl get events --field-selector reason=SuccessfulDelete -o name | grep -c .)" "7"
kubectl scale deployment test --replicas 5 >/dev/null
reconcile >/dev/null
expect_eq "5 pods after scaling up again" "$(pod_count app=test)" "5"
http curl_admin /apis/apps/v1/namespaces/default/deployments/test/scale
expect_eq "GET deployments/test/scale" "$(echo "$HTTP_BODY" | tr -d ' \n' | sed 's/"uid":"[^"]*",//; s/"resourceVersion":"[^"]*",//; s/"creationTimestamp":"[^"]*"//')" \
    '{"kind":"Scale","apiVersion":"autoscaling/v1","metadata":{"name":"test","namespace":"default",},"spec":{"replicas":5},"status":{"replicas":5,"selector":"app=test"}}'
http curl_admin /apis/apps/v1/namespaces/default/deployments/test/scale -X PATCH -H 'Content-Type: application/merge-patch+json' --data '{"spec":{"replicas":-1}}'
expect_eq "a negative scale is 422" "$HTTP_CODE" "422"
expect_contains "its message" "$HTTP_BODY" 'Scale.autoscaling \"test\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0'
http curl_admin "/apis/apps/v1/namespaces/default/replicasets/$rs/scale"
expect_contains "GET replicasets/NAME/scale" "$HTTP_BODY" "\"selector\": \"app=test,pod-template-hash=$hash\""

# --- apps validation
out=$(kubectl patch deploy test --type merge -p '{"spec":{"selector":{"matchLabels":{"app":"other"}}}}' 2>&1)
expect_contains "the selector is immutable" "$out" 'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"other"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable'
expect_contains "and must match the template's labels" "$out" 'spec.template.metadata.labels: Invalid value: map[string]string{"app":"test"}: `selector` does not match template `labels`'
http curl_admin /apis/apps/v1/namespaces/default/deployments -H 'Content-Type: application/json' --data '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"nosel"},"spec":{"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}'
expect_eq "a Deployment without a selector is 422" "$HTTP_CODE" "422"
expect_contains "spec.selector: Required value" "$HTTP_BODY" '"message": "Deployment.apps \"nosel\" is invalid: spec.selector: Required value"'

# --- a RollingUpdate: new image, pods turning Ready, within maxSurge 2 / maxUnavailable 1 of 5
mark_all_ready app=test
reconcile >/dev/null
expect_eq "5/5 available with Ready pods" "$(kubectl get deploy test | awk 'NR==2{print $2, $3, $4}')" "5/5 5 5"
expect_eq "Available and Progressing complete" \
    "$(kubectl get deploy test -o jsonpath='{.status.conditions[?(@.type=="Available")].reason} {.status.conditions[?(@.type=="Progressing")].reason} {.status.conditions[?(@.type=="Progressing")].message}')" \
    "MinimumReplicasAvailable NewReplicaSetAvailable ReplicaSet \"$rs\" has successfully progressed."
# (kubectl prints its verdict at once, then waits for its watch to end: cut short)
out=$(timeout 2 "$KUBECTL" --cache-dir "$KAPI_STATE/kube-cache" rollout status deployment test 2>&1)
expect_eq "kubectl rollout status" "$out" 'deployment "test" successfully rolled out'
out=$(kubectl set image deployment/test nginx=nginx:1.25 2>&1)
expect_eq "kubectl set image" "$out" "deployment.apps/test image updated"
max_total=0 steps=0
while [ $steps -lt 12 ]; do
    reconcile >/dev/null
    state=$(kubectl get deploy,rs -l app=test -o jsonpath='{range .items[*]}{.kind} {.spec.replicas} {.status.updatedReplicas}/{.status.replicas}/{.status.availableReplicas}{"\n"}{end}')
    total=$(echo "$state" | awk '$1=="ReplicaSet"{s+=$2} END{print s}')
    [ "$total" -gt "$max_total" ] && max_total=$total
    avail=$(echo "$state" | awk '$1=="Deployment"{split($3, a, "/"); print a[3]}')
    [ "${avail:-0}" -lt 4 ] && not_ok "availability stays >= replicas - maxUnavailable (4)" "got $avail at step $steps"
    echo "$state" | grep -q '^Deployment 5 5/5/5$' && break
    mark_all_ready app=test
    steps=$((steps + 1))
done
expect_eq "the rollout finished" "$(kubectl get deploy test | awk 'NR==2{print $2, $3, $4}')" "5/5 5 5"
[ "$max_total" -le 7 ] && ok "never more than replicas + maxSurge (7) pods wanted: $max_total" ||
    not_ok "never more than replicas + maxSurge (7) pods wanted" "got $max_total"
new_rs=$(kubectl get rs -l app=test -o jsonpath='{range .items[?(@.spec.replicas==5)]}{.metadata.name}{end}')
expect_eq "the new ReplicaSet runs nginx:1.25, revision 2" \
    "$(kubectl get rs "$new_rs" -o jsonpath='{.spec.template.spec.containers[0].image} {.metadata.annotations.deployment\.kubernetes\.io/revision}')" "nginx:1.25 2"
expect_eq "the old one is scaled to 0" "$(kubectl get rs "$rs" -o jsonpath='{.spec.replicas} {.status.replicas}')" "0 0"
expect_eq "the Deployment's revision follows" "$(kubectl get deploy test -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}')" "2"
expect_eq "pods all run the new template" "$(kubectl get pods -l pod-template-hash="${new_rs#test-}" -o name | grep -c .)" "5"

# --- rollout history and undo (kubectl's JSON patch of the template)
hist=$(kubectl rollout history deployment test 2>&1)
expect_eq "kubectl rollout history" "$(echo "$hist" | awk 'NR>2 && NF{print $1}' | tr '\n' ' ')" "1 2 "
out=$(kubectl rollout undo deployment test 2>&1)
expect_eq "kubectl rollout undo" "$out" "deployment.apps/test rolled back"
for i in 1 2 3 4 5 6; do
    reconcile >/dev/null
    [ "$(kubectl get rs "$rs" -o jsonpath='{.status.availableReplicas}')" = 5 ] && [ "$(kubectl get rs "$new_rs" -o jsonpath='{.spec.replicas}')" = 0 ] && break
    mark_all_ready app=test
done
expect_eq "undo re-uses the old ReplicaSet with revision 3" \
    "$(kubectl get rs "$rs" -o jsonpath='{.spec.replicas} {.metadata.annotations.deployment\.kubernetes\.io/revision} {.metadata.annotations.deployment\.kubernetes\.io/revision-history}')" "5 3 1"
expect_eq "no third ReplicaSet" "$(kubectl get rs -l app=test -o name | grep -c .)" "2"
expect_eq "history after undo" "$(kubectl rollout history deployment test | awk 'NR>2 && NF{print $1}' | tr '\n' ' ')" "2 3 "
expect_eq "image back to nginx" "$(kubectl get deploy test -o jsonpath='{.spec.template.spec.containers[0].image} {.metadata.annotations.deployment\.kubernetes\.io/revision}')" "nginx 3"

# --- pause, resume, restart
expect_eq "kubectl rollout pause" "$(kubectl rollout pause deployment test 2>&1)" "deployment.apps/test paused"
reconcile >/dev/null
expect_eq "paused: Progressing Unknown DeploymentPaused" \
    "$(kubectl get deploy test -o jsonpath='{.status.conditions[?(@.type=="Progressing")].status} {.status.conditions[?(@.type=="Progressing")].reason} {.status.conditions[?(@.type=="Progressing")].message}')" \
    "Unknown DeploymentPaused Deployment is paused"
kubectl set image deployment/test nginx=nginx:1.26 >/dev/null
reconcile >/dev/null
expect_eq "a paused Deployment gets no new ReplicaSet" "$(kubectl get rs -l app=test -o name | grep -c .)" "2"
kubectl scale deploy test --replicas 4 >/dev/null
reconcile >/dev/null
expect_eq "but it still scales" "$(kubectl get rs "$rs" -o jsonpath='{.spec.replicas}')" "4"
expect_eq "kubectl rollout resume" "$(kubectl rollout resume deployment test 2>&1)" "deployment.apps/test resumed"
reconcile >/dev/null
expect_eq "resumed: Progressing DeploymentResumed, then the rollout" \
    "$(kubectl get rs -l app=test -o name | grep -c .) $(kubectl get rs -l app=test -o jsonpath='{range .items[*]}{.spec.template.spec.containers[0].image}{"\n"}{end}' | grep -c 'nginx:1.26')" "3 1"
expect_eq "kubectl rollout restart" "$(kubectl rollout restart deployment test 2>&1)" "deployment.apps/test restarted"
reconcile >/dev/null
expect_eq "the restart makes a new ReplicaSet whose template carries restartedAt" \
    "$(kubectl get rs -l app=test -o name | grep -c .) $(kubectl get rs -l app=test -o jsonpath='{range .items[*]}{.spec.template.metadata.annotations.kubectl\.kubernetes\.io/restartedAt}{"\n"}{end}' | grep -c T)" "4 1"

# --- Recreate: the old pods go before the new ones come
kubectl create deployment rec --image nginx --replicas 2 >/dev/null
kubectl patch deploy rec --type merge -p '{"spec":{"strategy":{"type":"Recreate","rollingUpdate":null}}}' >/dev/null
reconcile >/dev/null
old=$(kubectl get rs -l app=rec -o jsonpath='{.items[0].metadata.name}')
kubectl set image deployment/rec nginx=nginx:1.25 >/dev/null
out=$(reconcile --verbose 2>&1)
scale_down=$(echo "$out" | grep -n "update  replicasets.apps default/$old  # scale to 0" | cut -d: -f1)
create_new=$(echo "$out" | grep -n "create  replicasets.apps default/rec-" | cut -d: -f1)
[ -n "$scale_down" ] && [ -n "$create_new" ] && [ "$scale_down" -lt "$create_new" ] &&
    ok "Recreate: the old ReplicaSet is scaled to 0 before the new one is created" ||
    not_ok "Recreate: the old ReplicaSet is scaled to 0 before the new one is created" "$out"
expect_eq "Recreate: two pods of the new template" "$(kubectl get pods -l app=rec -o jsonpath='{range .items[*]}{.metadata.ownerReferences[0].name}{"\n"}{end}' | grep -vc "^$old$")" "2"

# --- revisionHistoryLimit
kubectl create deployment hist --image nginx --replicas 0 >/dev/null
kubectl patch deploy hist --type merge -p '{"spec":{"revisionHistoryLimit":1}}' >/dev/null
for img in nginx:1.23 nginx:1.24 nginx:1.25; do
    reconcile >/dev/null
    kubectl set image deployment/hist "nginx=$img" >/dev/null
done
reconcile >/dev/null
expect_eq "revisionHistoryLimit 1 keeps the new and one old ReplicaSet" \
    "$(kubectl get rs -l app=hist -o jsonpath='{range .items[*]}{.metadata.annotations.deployment\.kubernetes\.io/revision}{"\n"}{end}' | sort -n | tr '\n' ' ')" "3 4 "

# --- adoption and release
kubectl create deployment ad --image nginx --replicas 2 >/dev/null
reconcile >/dev/null
ad_rs=$(kubectl get rs -l app=ad -o jsonpath='{.items[0].metadata.name}')
ad_hash=${ad_rs#ad-}
victim=$(kubectl get pods -l app=ad -o jsonpath='{.items[0].metadata.name}')
kubectl label pod "$victim" app=gone --overwrite >/dev/null
reconcile >/dev/null
expect_eq "a pod that stops matching is released" "$(kubectl get pod "$victim" -o jsonpath='{.metadata.ownerReferences}')" ""
expect_eq "and replaced" "$(pod_count app=ad)" "2"
curl_admin /api/v1/namespaces/default/pods -o /dev/null -H 'Content-Type: application/json' --data "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"stray\",\"labels\":{\"app\":\"ad\",\"pod-template-hash\":\"$ad_hash\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}"
reconcile >/dev/null
expect_eq "an orphan that matches is adopted, and the surplus deleted" "$(pod_count app=ad)" "2"
expect_eq "every ad pod is the ReplicaSet's" \
    "$(kubectl get pods -l app=ad -o jsonpath='{range .items[*]}{.metadata.ownerReferences[0].name}{"\n"}{end}' | sort -u)" "$ad_rs"

# --- --dry-run: the plan, and nothing changed
kubectl create deployment dry --image nginx --replicas 3 >/dev/null
before=$(kubectl get rs,pods -o name | sort)
out=$(reconcile --dry-run 2>&1)
expect_contains "the plan says it changes nothing" "$out" "kapi-reconcile --dry-run: what one pass would do (nothing is changed):"
expect_contains "the plan creates the ReplicaSet" "$out" "create  replicasets.apps default/dry-"
expect_eq "and its three pods" "$(echo "$out" | grep -c '^create  pods default/dry-')" "3"
expect_contains "with their events" "$out" "event   Normal ScalingReplicaSet deployments.apps default/dry: Scaled up replica set dry-"
expect_contains "and a summary" "$out" "; nothing was changed"
expect_eq "nothing changed" "$(kubectl get rs,pods -o name | sort)" "$before"
expect_eq "no Deployment status written" "$(kubectl get deploy dry -o jsonpath='{.status}')" "{}"
