#!/bin/bash
# test_concurrent_patch.sh: concurrent writes of one object all apply, as
# against kube-apiserver, whose storage layer (GuaranteedUpdate) retries a
# lost compare-and-swap against the latest object: a PATCH of every type is
# re-applied, a PUT without resourceVersion (an unconditional update) taken
# again. Only a request naming a stale resourceVersion gets kube's 409.
. "$(dirname "$0")/lib.sh"
kapi_start

N=24
OUT=$KAPI_STATE/concurrent
mkdir -p "$OUT"
CONFLICT='Operation cannot be fulfilled on configmaps \"c\": the object has been modified; please apply your changes to the latest version and try again'

# Runs "$@ i" for i in 1..N at once; each one's output in $OUT/i, its exit
# status in $OUT/i.rc.
run_at_once() {
    local i
    rm -f "$OUT"/*
    for i in $(seq 1 $N); do
        ( "$@" "$i" >"$OUT/$i" 2>&1; echo $? >"$OUT/$i.rc" ) &
    done
    wait
}
# "ok" when every one of the N exited 0, else what the others said.
all_succeeded() {
    local i bad=""
    for i in $(seq 1 $N); do
        [ "$(cat "$OUT/$i.rc" 2>/dev/null)" = 0 ] || bad="$bad
#$i: $(head -c 300 "$OUT/$i")"
    done
    echo "${bad:-ok}"
}
conflicts() { cat "$OUT"/* | grep -c -e '409' -e 'Conflict' -e 'has been modified'; }
# The keys k1..kN that $1 (a JSON object printed by kubectl) lacks.
missing_keys() {
    local i miss=""
    for i in $(seq 1 $N); do
        case $1 in *"\"k$i\":\"v$i\""*) ;; *) miss="$miss k$i" ;; esac
    done
    echo "${miss:-none}"
}

kubectl create configmap c --from-literal=seed=1 >/dev/null 2>&1
kubectl create configmap j --from-literal=seed=1 >/dev/null 2>&1
kubectl create deployment d --image nginx >/dev/null 2>&1
kubectl get configmap c >/dev/null   # the discovery cache, before the crowd

# --- merge patch
merge_patch() { kubectl patch configmap c --type=merge -p "{\"data\":{\"k$1\":\"v$1\"}}"; }
run_at_once merge_patch
expect_eq "$N concurrent merge patches all succeed" "$(all_succeeded)" "ok"
expect_eq "none of them got a 409" "$(conflicts)" "0"
expect_eq "every key they added is there" "$(missing_keys "$(kubectl get configmap c -o jsonpath='{.data}')")" "none"

# --- JSON patch
json_patch() { kubectl patch configmap j --type=json -p "[{\"op\":\"add\",\"path\":\"/data/k$1\",\"value\":\"v$1\"}]"; }
run_at_once json_patch
expect_eq "$N concurrent JSON patches (add) all succeed" "$(all_succeeded)" "ok"
expect_eq "none of them got a 409" "$(conflicts)" "0"
expect_eq "every key they added is there" "$(missing_keys "$(kubectl get configmap j -o jsonpath='{.data}')")" "none"

# --- strategic merge patch of a Deployment's labels
strategic_patch() { kubectl patch deployment d --type=strategic -p "{\"metadata\":{\"labels\":{\"k$1\":\"v$1\"}}}"; }
run_at_once strategic_patch
expect_eq "$N concurrent strategic merge patches of a Deployment all succeed" "$(all_succeeded)" "ok"
expect_eq "none of them got a 409" "$(conflicts)" "0"
expect_eq "every label they added is there" "$(missing_keys "$(kubectl get deployment d -o jsonpath='{.metadata.labels}')")" "none"

# --- the scale subresource writes its parent through the same retry
scale() { kubectl scale deployment d --replicas="$1"; }
run_at_once scale
expect_eq "$N concurrent kubectl scale of one Deployment all succeed" "$(all_succeeded)" "ok"
expect_eq "none of them got a 409" "$(conflicts)" "0"
scale_patch() { kubectl patch deployment d --subresource=scale --type=merge -p "{\"spec\":{\"replicas\":$1}}"; }
run_at_once scale_patch
expect_eq "$N concurrent merge patches of deployments/scale all succeed" "$(all_succeeded)" "ok"
expect_eq "none of them got a 409" "$(conflicts)" "0"
kubectl scale deployment d --replicas=0 >/dev/null

# --- PUT without resourceVersion: an unconditional update, each one whole
put_unconditional() {
    local code
    code=$(curl_admin /api/v1/namespaces/default/configmaps/c -X PUT -H 'Content-Type: application/json' \
        --data "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"},\"data\":{\"k$1\":\"v$1\"}}" \
        -o "$OUT/$1.body" -w '%{http_code}')
    echo "$code"
    [ "$code" = 200 ]
}
run_at_once put_unconditional
expect_eq "$N concurrent PUTs without resourceVersion all succeed (200)" "$(all_succeeded)" "ok"
expect_eq "none of them got a 409" "$(conflicts)" "0"
last=$(kubectl get configmap c -o jsonpath='{.data}')
case $last in
    '{"k'*'":"v'*'"}') ok "the object is the last PUT's, whole" ;;
    *) not_ok "the object is the last PUT's, whole" "$last" ;;
esac

# --- a named resourceVersion is a precondition: stale is kube's 409
C=/api/v1/namespaces/default/configmaps/c
rv=$(kubectl get configmap c -o jsonpath='{.metadata.resourceVersion}')
kubectl patch configmap c --type=merge -p '{"data":{"moved":"on"}}' >/dev/null
for type in application/merge-patch+json application/strategic-merge-patch+json; do
    http curl_admin "$C" -X PATCH -H "Content-Type: $type" --data "{\"metadata\":{\"resourceVersion\":\"$rv\"},\"data\":{\"stale\":\"1\"}}"
    expect_eq "a $type naming a stale resourceVersion is 409" "$HTTP_CODE" "409"
    expect_contains "with kube's message" "$HTTP_BODY" "\"message\": \"$CONFLICT\""
done
http curl_admin "$C" -X PATCH -H 'Content-Type: application/json-patch+json' \
    --data "[{\"op\":\"replace\",\"path\":\"/metadata/resourceVersion\",\"value\":\"$rv\"},{\"op\":\"add\",\"path\":\"/data/stale\",\"value\":\"1\"}]"
expect_eq "a JSON patch setting a stale resourceVersion is 409" "$HTTP_CODE" "409"
expect_contains "with kube's message" "$HTTP_BODY" "\"message\": \"$CONFLICT\""
out=$(kubectl patch configmap c --type=merge -p "{\"metadata\":{\"resourceVersion\":\"$rv\"},\"data\":{\"stale\":\"1\"}}" 2>&1)
expect_contains "kubectl patch naming a stale resourceVersion prints the conflict" "$out" "the object has been modified"
http curl_admin "$C" -X PUT -H 'Content-Type: application/json' \
    --data "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\",\"resourceVersion\":\"$rv\"},\"data\":{\"stale\":\"1\"}}"
expect_eq "a PUT with a stale resourceVersion is 409" "$HTTP_CODE" "409"
expect_contains "with kube's message" "$HTTP_BODY" "\"message\": \"$CONFLICT\""
expect_eq "none of the stale writes applied" "$(kubectl get configmap c -o jsonpath='{.data.stale}')" ""
rv=$(kubectl get configmap c -o jsonpath='{.metadata.resourceVersion}')
http curl_admin "$C" -X PATCH -H 'Content-Type: application/merge-patch+json' --data "{\"metadata\":{\"resourceVersion\":\"$rv\"},\"data\":{\"fresh\":\"1\"}}"
expect_eq "a patch naming the current resourceVersion applies" "$HTTP_CODE" "200"
