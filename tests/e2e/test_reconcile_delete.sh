#!/bin/bash
# test_reconcile_delete.sh: deletion end to end, with kubectl, curl and
# kapi-reconcile passes: finalizers and deletionTimestamp, the three
# propagation policies and the garbage collector, a namespace deleted with
# its contents; then the reconciler as one of several writers: the leader
# Lease, two runs at once, a run killed half way and repaired by the next.
export KAPI_RECONCILE=0
. "$(dirname "$0")/lib.sh"
kapi_start

reconcile() { "$BUILD/kapi-reconcile" --state "$KAPI_STATE" --once "$@"; }
count() { kubectl get "$@" -o name 2>/dev/null | grep -c .; }
delete_with() {   # path policy: DELETE with DeleteOptions
    http curl_admin "$1" -X DELETE -H 'Content-Type: application/json' --data "{\"propagationPolicy\":\"$2\"}"
}
DEPLOY=/apis/apps/v1/namespaces/default/deployments

# --- finalizers: an object with finalizers is marked, not removed
curl_admin /api/v1/namespaces/default/configmaps -o /dev/null -H 'Content-Type: application/json' \
    --data '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"kept","finalizers":["example.com/keep"]}}'
out=$(kubectl delete cm kept --wait=false 2>&1)
expect_eq "kubectl delete of an object with a finalizer" "$out" 'configmap "kept" deleted'
expect_eq "it is marked: deletionTimestamp, deletionGracePeriodSeconds 0, finalizer kept" \
    "$(kubectl get cm kept -o jsonpath='{.metadata.deletionGracePeriodSeconds} {.metadata.finalizers}') $(kubectl get cm kept -o jsonpath='{.metadata.deletionTimestamp}' | grep -c T)" \
    '0 ["example.com/keep"] 1'
out=$(kubectl patch cm kept --type merge -p '{"metadata":{"finalizers":["example.com/keep","example.com/more"]}}' 2>&1)
expect_contains "no new finalizer once deleting" "$out" 'no new finalizers can be added if the object is being deleted'
out=$(kubectl patch cm kept --type merge -p '{"metadata":{"finalizers":null}}' 2>&1)
expect_eq "removing the last finalizer" "$out" "configmap/kept patched"
http curl_admin /api/v1/namespaces/default/configmaps/kept
expect_eq "removes the object" "$HTTP_CODE" "404"
http curl_admin /api/v1/namespaces/default/configmaps/kept -X DELETE -H 'Content-Type: application/json' --data '{"propagationPolicy":"Sideways"}'
expect_eq "an unknown propagationPolicy is 422" "$HTTP_CODE" "422"
expect_contains "with kube's message" "$HTTP_BODY" 'DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"Sideways\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"'

# --- Background (kubectl's default): the Deployment goes at once, the GC takes the rest
kubectl create deployment bg --image nginx --replicas 3 >/dev/null
reconcile >/dev/null
expect_eq "bg: a ReplicaSet and 3 pods" "$(count rs -l app=bg) $(count pods -l app=bg)" "1 3"
out=$(kubectl delete deployment bg 2>&1)
expect_eq "kubectl delete deployment (Background)" "$out" 'deployment.apps "bg" deleted'
expect_eq "its ReplicaSet and pods wait for the garbage collector" "$(count rs -l app=bg) $(count pods -l app=bg)" "1 3"
reconcile >/dev/null
expect_eq "one pass: the ReplicaSet and pods are collected" "$(count rs -l app=bg) $(count pods -l app=bg)" "0 0"

# --- Foreground: the owner stays, marked, until the dependents that block it are gone
kubectl create deployment fg --image nginx --replicas 2 >/dev/null
reconcile >/dev/null
delete_with "$DEPLOY/fg" Foreground
expect_eq "DELETE with Foreground answers 200" "$HTTP_CODE" "200"
expect_contains "with the marked Deployment" "$HTTP_BODY" '"foregroundDeletion"'
expect_eq "the Deployment is still there, being deleted" \
    "$(kubectl get deploy fg -o jsonpath='{.metadata.finalizers} {.metadata.deletionGracePeriodSeconds}')" '["foregroundDeletion"] 0'
reconcile >/dev/null
expect_eq "one pass: pods, ReplicaSet and then the Deployment are gone" \
    "$(count deploy fg) $(count rs -l app=fg) $(count pods -l app=fg)" "0 0 0"

# --- Orphan: the dependents stay and lose their owner reference
kubectl create deployment or --image nginx --replicas 2 >/dev/null
reconcile >/dev/null
out=$(kubectl delete deployment or --cascade=orphan --wait=false 2>&1)
expect_eq "kubectl delete --cascade=orphan" "$out" 'deployment.apps "or" deleted'
expect_eq "the Deployment waits with the orphan finalizer" "$(kubectl get deploy or -o jsonpath='{.metadata.finalizers}')" '["orphan"]'
reconcile >/dev/null
expect_eq "one pass: the Deployment is gone" "$(count deploy or)" "0"
expect_eq "its ReplicaSet and pods stay" "$(count rs -l app=or) $(count pods -l app=or)" "1 2"
expect_eq "the ReplicaSet has no owner any more" "$(kubectl get rs -l app=or -o jsonpath='{.items[0].metadata.ownerReferences}')" ""
expect_eq "its pods still belong to it" \
    "$(kubectl get pods -l app=or -o jsonpath='{range .items[*]}{.metadata.ownerReferences[0].kind}{"\n"}{end}' | sort -u)" "ReplicaSet"

# --- a namespace deleted with its contents
kubectl create ns doomed >/dev/null
kubectl create deployment web --image nginx --replicas 2 -n doomed >/dev/null
kubectl create configmap cfg -n doomed --from-literal=a=1 >/dev/null
reconcile >/dev/null
expect_eq "doomed: default ServiceAccount, root CA, a ReplicaSet and 2 pods" \
    "$(count sa -n doomed) $(count cm -n doomed) $(count rs -n doomed) $(count pods -n doomed)" "1 2 1 2"
out=$(kubectl delete ns doomed --wait=false 2>&1)
expect_eq "kubectl delete ns" "$out" 'namespace "doomed" deleted'
expect_eq "the namespace is Terminating, with its kubernetes finalizer" \
    "$(kubectl get ns doomed -o jsonpath='{.status.phase} {.spec.finalizers}') $(kubectl get ns doomed -o jsonpath='{.metadata.deletionTimestamp}' | grep -c T)" \
    'Terminating ["kubernetes"] 1'
out=$(kubectl create configmap late -n doomed --from-literal=a=1 2>&1)
expect_contains "nothing new in a terminating namespace" "$out" "because it is being terminated"
reconcile >/dev/null
http curl_admin /api/v1/namespaces/doomed
expect_eq "one pass: the namespace and everything in it are gone" "$HTTP_CODE $(count pods,rs,deploy,cm,sa -n doomed)" "404 0"
expect_eq "kubectl get ns doomed" "$(kubectl get ns doomed 2>&1)" 'Error from server (NotFound): namespaces "doomed" not found'

# --- namespace deletion waits for content with finalizers
kubectl create ns slow >/dev/null
curl_admin /api/v1/namespaces/slow/configmaps -o /dev/null -H 'Content-Type: application/json' \
    --data '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"held","finalizers":["example.com/hold"]}}'
kubectl delete ns slow --wait=false >/dev/null
reconcile >/dev/null
expect_eq "content with a finalizer keeps the namespace" "$(kubectl get ns slow -o jsonpath='{.status.phase}')" "Terminating"
expect_eq "whose conditions say why" \
    "$(kubectl get ns slow -o jsonpath='{.status.conditions[?(@.type=="NamespaceContentRemaining")].message} / {.status.conditions[?(@.type=="NamespaceFinalizersRemaining")].message}')" \
    "Some resources are remaining: configmaps. has 1 resource instances / Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances"
kubectl patch cm held -n slow --type merge -p '{"metadata":{"finalizers":null}}' >/dev/null
reconcile >/dev/null
expect_eq "once it is gone, so is the namespace" "$(count ns slow)" "0"

# --- the leader Lease
reconcile >/dev/null
expect_eq "the lease is released after a pass" \
    "$(kubectl get lease kapi-reconcile -n kube-system -o jsonpath='{.spec.holderIdentity}|{.spec.leaseDurationSeconds}')" "|1"
transitions=$(kubectl get lease kapi-reconcile -n kube-system -o jsonpath='{.spec.leaseTransitions}')
now=$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)
kubectl patch lease kapi-reconcile -n kube-system --type merge \
    -p "{\"spec\":{\"holderIdentity\":\"other-runner\",\"leaseDurationSeconds\":15,\"renewTime\":\"$now\"}}" >/dev/null
kubectl create deployment led --image nginx --replicas 2 >/dev/null
out=$(reconcile 2>&1)
expect_contains "a second runner while the lease is held does nothing and says so" "$out" \
    "the lease kube-system/kapi-reconcile is held by other-runner until"
expect_eq "and did nothing" "$(count rs -l app=led)" "0"
past=$(date -u -d '-1 min' +%Y-%m-%dT%H:%M:%S.000000Z)
kubectl patch lease kapi-reconcile -n kube-system --type merge -p "{\"spec\":{\"renewTime\":\"$past\"}}" >/dev/null
reconcile >/dev/null
expect_eq "an expired lease is taken over" "$(count pods -l app=led)" "2"
expect_eq "with one more leaseTransition" "$(kubectl get lease kapi-reconcile -n kube-system -o jsonpath='{.spec.leaseTransitions}')" "$((transitions + 1))"

# --- two runs at once end with exactly the right pods
kubectl create deployment conc --image nginx --replicas 20 >/dev/null
reconcile --identity one >"$KAPI_STATE/one.out" 2>&1 &
reconcile --identity two >"$KAPI_STATE/two.out" 2>&1 &
wait
reconcile >/dev/null
expect_eq "two concurrent runs: exactly 20 pods, one ReplicaSet" "$(count pods -l app=conc) $(count rs -l app=conc)" "20 1"
expect_eq "and 20 SuccessfulCreate events" \
    "$(kubectl get events --field-selector reason=SuccessfulCreate -o jsonpath='{range .items[*]}{.message}{"\n"}{end}' | grep -c "Created pod: conc-")" "20"

# --- a run killed half way is repaired by the next
kubectl create deployment big --image nginx --replicas 300 >/dev/null
"$BUILD/kapi-reconcile" --state "$KAPI_STATE" --once --lease-seconds 2 --identity killed >/dev/null 2>&1 &
runner=$!
for _ in $(seq 1 100); do
    [ "$(count pods -l app=big)" -ge 20 ] && break
    sleep 0.05
done
kill -9 "$runner" 2>/dev/null
wait "$runner" 2>/dev/null
partial=$(count pods -l app=big)
[ "$partial" -lt 300 ] && ok "the killed run made part of the pods ($partial)" || ok "the run finished before the kill ($partial pods)"
out=$(reconcile 2>&1)
if [ "$partial" -lt 300 ]; then
    expect_contains "its lease is still held right after" "$out" "held by killed"
fi
sleep 2
reconcile >/dev/null
expect_eq "after the lease expired, the next run repairs: exactly 300 pods" "$(count pods -l app=big) $(count rs -l app=big)" "300 1"
expect_eq "and the status says so" "$(kubectl get deploy big -o jsonpath='{.status.replicas} {.status.updatedReplicas}')" "300 300"
