#!/bin/bash
# End to end: scheduling.k8s.io/v1 PriorityClass, the kind added in three
# places (schema/scheduling_v1.schema, its entry in registry/builtin_kinds.c,
# registry/kinds/priorityclasses.c), served as kube-apiserver 1.32 does:
#   $ kubectl create priorityclass high --value=1000 --description="for batch"
#   priorityclass.scheduling.k8s.io/high created
#   $ kubectl get pc high
#   NAME   VALUE   GLOBAL-DEFAULT   AGE   PREEMPTIONPOLICY
#   high   1000    false            0s    PreemptLowerPriority
. "$(dirname "$0")/lib.sh"
KAPI_RECONCILE=0 kapi_start
tmp=$(mktemp -d)

check "kubectl api-resources lists priorityclasses" \
    bash -c "$(declare -f kubectl); KUBECTL=$KUBECTL KUBECONFIG=$KUBECONFIG KAPI_STATE=$KAPI_STATE; kubectl api-resources --api-group=scheduling.k8s.io | grep -E '^priorityclasses +pc +scheduling.k8s.io/v1 +false +PriorityClass$'"

# the two system classes a new cluster has (kube's post-start hook)
out=$(kubectl get pc 2>&1)
expect_eq "kubectl get pc: the system classes of a new cluster" \
    "$(echo "$out" | awk 'NR > 1 {print $1, $2, $3, $5}')" \
    "system-cluster-critical 2000000000 false PreemptLowerPriority
system-node-critical 2000001000 false PreemptLowerPriority"
expect_eq "system-node-critical's description" "$(kubectl get pc system-node-critical -o jsonpath='{.description}')" \
    "Used for system critical pods that must not be moved from their current node."

out=$(kubectl create priorityclass high --value=1000 --description="for batch" 2>&1)
expect_eq "kubectl create priorityclass" "$out" "priorityclass.scheduling.k8s.io/high created"
out=$(kubectl get pc high 2>&1)
expect_eq "kubectl get pc: kube's columns" "$(echo "$out" | head -1 | tr -s ' ')" "NAME VALUE GLOBAL-DEFAULT AGE PREEMPTIONPOLICY"
expect_eq "kubectl get pc: the row" "$(echo "$out" | sed -n 2p | awk '{print $1, $2, $3, $5}')" "high 1000 false PreemptLowerPriority"
out=$(kubectl get pc high -o jsonpath='{.preemptionPolicy} {.value} {.description}' 2>&1)
expect_eq "preemptionPolicy defaulted" "$out" "PreemptLowerPriority 1000 for batch"
check "registry key /registry/priorityclasses/high" \
    "$BUILD/kapictl" get --state "$KAPI_STATE" /registry/priorityclasses/high

out=$(kubectl create priorityclass too-high --value=1000000001 2>&1)
expect_eq "a user class above 1000000000 is refused" "$out" \
    'error: failed to create priorityclass: PriorityClass.scheduling.k8s.io "too-high" is invalid: value: Forbidden: maximum allowed value of a user defined priority is 1000000000'
out=$(kubectl create priorityclass system-mine --value=10 2>&1)
expect_eq "the system- prefix is reserved" "$out" \
    "error: failed to create priorityclass: PriorityClass.scheduling.k8s.io \"system-mine\" is invalid: metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class"
out=$(kubectl create priorityclass system-node-critical --value=10 2>&1)
expect_eq "a system class must have its value" "$out" \
    "error: failed to create priorityclass: PriorityClass.scheduling.k8s.io \"system-node-critical\" is invalid: metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: value of system-node-critical PriorityClass must be 2000001000"
cat >"$tmp/bad.yaml" <<'YAML'
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata:
  name: sideways
value: 5
preemptionPolicy: Sideways
YAML
out=$(kubectl create -f "$tmp/bad.yaml" 2>&1)
expect_eq "preemptionPolicy must be a known value" "$out" \
    'The PriorityClass "sideways" is invalid: preemptionPolicy: Unsupported value: "Sideways": supported values: "PreemptLowerPriority", "Never"'

out=$(kubectl patch pc high --type=merge -p '{"value":2000}' 2>&1)
expect_eq "value may not change" "$out" \
    'The PriorityClass "high" is invalid: value: Forbidden: may not be changed in an update.'
out=$(kubectl patch pc high --type=merge -p '{"description":"changed"}' 2>&1)
expect_eq "the description may change" "$out" "priorityclass.scheduling.k8s.io/high patched"

# The Priority admission plugin reads the stored class (no reconciler here,
# so the namespace's default ServiceAccount is made by hand).
kubectl create serviceaccount default >/dev/null 2>&1
out=$(kubectl run p --image=nginx --overrides='{"spec":{"priorityClassName":"high"}}' --dry-run=server -o jsonpath='{.spec.priority}' 2>&1)
expect_eq "a pod of class high gets priority 1000" "$out" "1000"

out=$(kubectl delete pc high 2>&1)
expect_eq "kubectl delete pc" "$out" 'priorityclass.scheduling.k8s.io "high" deleted'
out=$(kubectl get pc high 2>&1)
expect_eq "gone" "$out" 'Error from server (NotFound): priorityclasses.scheduling.k8s.io "high" not found'
rm -rf "$tmp"
