#!/bin/bash
# test_protobuf_bodies.sh: the bodies kubectl sends besides create, with
# kubectl 1.32 and 1.33, and DeleteOptions in every media type kube accepts.
# kubectl 1.32+ `drain` deletes a pod through the typed client, so its
# DeleteOptions come as protobuf ({v1, DeleteOptions}); `scale
# --current-replicas` PUTs a Scale without any Content-Type (JSON, as kube's
# NegotiateInputSerializer defaults it). Then handmade DeleteOptions with curl:
# protobuf in the resource's own group version and in meta.k8s.io/v1, YAML,
# preconditions, dryRun, DELETECOLLECTION, another kind, bad bytes.
export KAPI_RECONCILE=0
. "$(dirname "$0")/lib.sh"
kapi_start

K132="/usr/bin/kubectl --kubeconfig $KUBECONFIG --cache-dir $KAPI_STATE/kube-cache132"
K133="/usr/lib/google-cloud-sdk/bin/kubectl.1.33 --kubeconfig $KUBECONFIG --cache-dir $KAPI_STATE/kube-cache133"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; kapi_stop' EXIT
reconcile() { "$BUILD/kapi-reconcile" --state "$KAPI_STATE" --once >/dev/null; }
PB='Content-Type: application/vnd.kubernetes.protobuf'

# pb_delete_options API FIELD=VALUE...: a protobuf DeleteOptions body on
# stdout (grace=N, propagation=P, uid=U, rv=R, dryrun=All, orphan=true|false;
# kind=K for another kind in the envelope)
pb_delete_options() {
    python3 - "$@" <<'PY'
import sys
def varint(v):
    out = b""
    while True:
        b = v & 0x7f; v >>= 7
        out += bytes([b | (0x80 if v else 0)])
        if not v: return out
def ld(num, data): return varint(num << 3 | 2) + varint(len(data)) + data
api, kind, raw, pre = sys.argv[1].encode(), b"DeleteOptions", b"", b""
for a in sys.argv[2:]:
    k, v = a.split("=", 1)
    if k == "grace": raw += varint(1 << 3) + varint(int(v))
    elif k == "uid": pre += ld(1, v.encode())
    elif k == "rv": pre += ld(2, v.encode())
    elif k == "orphan": raw += varint(3 << 3) + varint(v == "true")
    elif k == "propagation": raw += ld(4, v.encode())
    elif k == "dryrun": raw += ld(5, v.encode())
    elif k == "kind": kind = v.encode()
if pre: raw += ld(2, pre)
sys.stdout.buffer.write(b"k8s\0" + ld(1, ld(1, api) + ld(2, kind)) + ld(2, raw) + ld(3, b"") + ld(4, b""))
PY
}
pb_delete() {   # PATH FILE: DELETE with a protobuf body
    http curl_admin "$1" -X DELETE -H "$PB" --data-binary "@$2"
}

for v in 132 133; do
    K=K$v
    K=${!K}
    ns=pbb-$v
    $K create ns $ns >/dev/null
    reconcile   # the namespace's default ServiceAccount

    # --- kubectl delete --grace-period=0 --force
    $K -n $ns run gone --image=nginx >/dev/null
    out=$($K -n $ns delete pod gone --grace-period=0 --force 2>&1)
    expect_contains "kubectl $v: delete pod --grace-period=0 --force" "$out" 'pod "gone" force deleted'
    expect_eq "kubectl $v:   the pod is gone" "$($K -n $ns get pods -o name 2>&1)" ""

    # --- drain: cordon, then the pods on the node deleted with protobuf DeleteOptions
    printf 'apiVersion: v1\nkind: Node\nmetadata:\n  name: node-%s\n' "$v" >"$tmp/node-$v.yaml"
    check "kubectl $v: create -f a Node" $K create -f "$tmp/node-$v.yaml"
    out=$($K drain node-$v --ignore-daemonsets --delete-emptydir-data --force 2>&1)
    expect_eq "kubectl $v: drain of a node without pods" "$out" "node/node-$v cordoned
node/node-$v drained"
    $K uncordon node-$v >/dev/null
    $K -n $ns run onnode --image=nginx --overrides="{\"spec\":{\"nodeName\":\"node-$v\"}}" >/dev/null
    $K -n $ns run elsewhere --image=nginx >/dev/null
    # (--disable-eviction: drain deletes instead of evicting, with the DeleteOptions this checks)
    out=$($K drain node-$v --ignore-daemonsets --delete-emptydir-data --force --grace-period=5 --disable-eviction -v=8 2>&1)
    expect_contains "kubectl $v: drain deletes the node's pod with protobuf DeleteOptions" "$out" \
        "Content-Type: application/vnd.kubernetes.protobuf"
    expect_contains "kubectl $v:   and says it deleted it" "$out" "pod/onnode deleted"
    expect_contains "kubectl $v:   and that the node is drained" "$out" "node/node-$v drained"
    expect_eq "kubectl $v:   only the pod on the node went" "$($K -n $ns get pods -o name 2>&1)" "pod/elsewhere"
    expect_eq "kubectl $v:   the node is unschedulable" \
        "$($K get node node-$v -o jsonpath='{.spec.unschedulable}')" "true"

    # --- delete --cascade=orphan: the ReplicaSet stays
    $K -n $ns create deployment web --image=nginx --replicas=2 >/dev/null
    reconcile
    expect_eq "kubectl $v: the deployment has a ReplicaSet" "$($K -n $ns get rs -o name | grep -c .)" "1"
    $K -n $ns delete deployment web --cascade=orphan --wait=false >/dev/null
    reconcile
    expect_eq "kubectl $v: delete --cascade=orphan: the deployment is gone" \
        "$($K -n $ns get deploy -o name 2>&1)" ""
    expect_eq "kubectl $v:   the ReplicaSet stays, released by its owner" \
        "$($K -n $ns get rs -o jsonpath='{range .items[*]}{.metadata.ownerReferences}{"|"}{end}')" "|"

    # --- delete cm --all
    $K -n $ns create configmap a --from-literal=x=1 >/dev/null
    $K -n $ns create configmap b --from-literal=x=1 >/dev/null
    check "kubectl $v: delete cm --all" $K -n $ns delete cm --all
    expect_eq "kubectl $v:   none left" "$($K -n $ns get cm -o name 2>&1)" ""

    # --- scale, and scale --current-replicas (a Scale PUT without Content-Type)
    $K -n $ns create deployment sc --image=nginx --replicas=1 >/dev/null
    check "kubectl $v: scale" $K -n $ns scale deployment sc --replicas=2
    out=$($K -n $ns scale deployment sc --replicas=3 --current-replicas=2 2>&1)
    expect_eq "kubectl $v: scale --current-replicas" "$out" "deployment.apps/sc scaled"
    expect_eq "kubectl $v:   replicas" "$($K -n $ns get deploy sc -o jsonpath='{.spec.replicas}')" "3"
    out=$($K -n $ns scale deployment sc --replicas=4 --current-replicas=2 2>&1)
    expect_contains "kubectl $v: scale --current-replicas that does not hold" "$out" \
        "Expected replicas to be 2, was 3"

    # --- auth reconcile: POST, then PUT of a RoleBinding, both protobuf
    rb() {
        printf 'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb, namespace: %s}\n' "$ns"
        printf 'roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\n'
        printf 'subjects: [{kind: User, name: %s, apiGroup: rbac.authorization.k8s.io}]\n' "$1"
    }
    rb alice >"$tmp/rb.yaml"
    out=$($K auth reconcile -f "$tmp/rb.yaml" -v=8 2>&1)
    expect_contains "kubectl $v: auth reconcile creates with a protobuf body" "$out" \
        "Content-Type: application/vnd.kubernetes.protobuf"
    rb bob >"$tmp/rb.yaml"
    out=$($K auth reconcile -f "$tmp/rb.yaml" --remove-extra-subjects -v=8 2>&1)
    expect_contains "kubectl $v: auth reconcile updates (PUT, protobuf)" "$out" "rolebindings/rb"
    expect_eq "kubectl $v:   the binding now names bob" \
        "$($K -n $ns get rolebinding rb -o jsonpath='{.subjects[*].name}')" "bob"
    out=$($K auth can-i --list -n $ns 2>&1)
    expect_contains "kubectl $v: auth can-i --list (SelfSubjectRulesReview in protobuf)" "$out" "*.*"
done

# --- DeleteOptions handmade, every media type
NS=/api/v1/namespaces/default
mkcm() { curl_admin $NS/configmaps -o /dev/null -H 'Content-Type: application/json' \
    --data "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"$1\"}}"; }

mkcm pb1
pb_delete_options v1 grace=0 >"$tmp/do.pb"
pb_delete $NS/configmaps/pb1 "$tmp/do.pb"
expect_eq "protobuf DeleteOptions {v1}: 200" "$HTTP_CODE" "200"
expect_contains "  a Success Status" "$HTTP_BODY" '"status": "Success"'

mkcm pb2
pb_delete_options meta.k8s.io/v1 dryrun=All >"$tmp/do.pb"
pb_delete $NS/configmaps/pb2 "$tmp/do.pb"
expect_eq "protobuf DeleteOptions {meta.k8s.io/v1} with dryRun: 200" "$HTTP_CODE" "200"
http curl_admin $NS/configmaps/pb2
expect_eq "  dryRun honoured: the object is still there" "$HTTP_CODE" "200"

mkcm pb3
pb_delete_options v1 uid=not-the-uid >"$tmp/do.pb"
pb_delete $NS/configmaps/pb3 "$tmp/do.pb"
expect_eq "protobuf DeleteOptions with a UID precondition that fails: 409" "$HTTP_CODE" "409"
expect_contains "  kube's message" "$HTTP_BODY" "Precondition failed: UID in precondition: not-the-uid, UID in object meta: "

pb_delete_options v1 propagation=Sideways >"$tmp/do.pb"
pb_delete $NS/configmaps/pb3 "$tmp/do.pb"
expect_eq "protobuf DeleteOptions with an unknown propagationPolicy: 422" "$HTTP_CODE" "422"
pb_delete_options v1 propagation=Orphan orphan=true >"$tmp/do.pb"
pb_delete $NS/configmaps/pb3 "$tmp/do.pb"
expect_eq "protobuf DeleteOptions with orphanDependents and propagationPolicy: 422" "$HTTP_CODE" "422"
expect_contains "  kube's message" "$HTTP_BODY" "orphanDependents and deletionPropagation cannot be both set"

kubectl create deployment orph --image=nginx >/dev/null
pb_delete_options apps/v1 propagation=Orphan >"$tmp/do.pb"
pb_delete /apis/apps/v1/namespaces/default/deployments/orph "$tmp/do.pb"
expect_eq "protobuf DeleteOptions {apps/v1} propagationPolicy Orphan: 200" "$HTTP_CODE" "200"
expect_eq "  the orphan finalizer is set" "$(kubectl get deploy orph -o jsonpath='{.metadata.finalizers}')" '["orphan"]'

pb_delete_options v1 kind=Pod >"$tmp/do.pb"
pb_delete $NS/configmaps/pb3 "$tmp/do.pb"
expect_eq "a protobuf body of another kind: 400" "$HTTP_CODE" "400"
expect_contains "  no such kind in the options' scheme" "$HTTP_BODY" 'no kind \"Pod\" is registered for version \"v1\"'
head -c 12 "$tmp/do.pb" >"$tmp/short.pb"
pb_delete $NS/configmaps/pb3 "$tmp/short.pb"
expect_eq "a truncated protobuf body: 400" "$HTTP_CODE" "400"
expect_contains "  unexpected EOF" "$HTTP_BODY" "unexpected EOF"
http curl_admin $NS/configmaps/pb3
expect_eq "  none of these deleted it" "$HTTP_CODE" "200"

http curl_admin $NS/configmaps/pb3 -X DELETE -H 'Content-Type: application/yaml' \
    --data-binary $'apiVersion: v1\nkind: DeleteOptions\npreconditions:\n  uid: nope\n'
expect_eq "YAML DeleteOptions with a failing precondition: 409" "$HTTP_CODE" "409"
http curl_admin $NS/configmaps/pb3 -X DELETE -H 'Content-Type: application/yaml' \
    --data-binary $'apiVersion: meta.k8s.io/v1\nkind: DeleteOptions\ngracePeriodSeconds: 0\n'
expect_eq "YAML DeleteOptions {meta.k8s.io/v1}: 200" "$HTTP_CODE" "200"

mkcm js1
http curl_admin $NS/configmaps/js1 -X DELETE -H 'Content-Type: application/json' \
    --data '{"apiVersion":"apps/v1","kind":"DeleteOptions","dryRun":["All"]}'
expect_eq "JSON DeleteOptions in another group version: 200" "$HTTP_CODE" "200"
http curl_admin $NS/configmaps/js1 -X DELETE -H 'Content-Type: application/json' \
    --data '{"apiVersion":"v1","kind":"ConfigMap"}'
expect_eq "JSON body of another kind: 400" "$HTTP_CODE" "400"
http curl_admin $NS/configmaps/js1 -X DELETE -H 'Content-Type:' --data-binary '{"gracePeriodSeconds":0}'
expect_eq "DeleteOptions without a Content-Type (JSON): 200" "$HTTP_CODE" "200"

# --- DELETECOLLECTION with a body
mkcm col1
mkcm col2
pb_delete_options v1 dryrun=All >"$tmp/do.pb"
http curl_admin "$NS/configmaps?labelSelector=" -X DELETE -H "$PB" --data-binary "@$tmp/do.pb"
expect_eq "DELETECOLLECTION with protobuf DeleteOptions (dryRun): 200" "$HTTP_CODE" "200"
expect_eq "  dryRun honoured: nothing deleted" \
    "$(kubectl get cm col1 col2 -o name 2>&1)" "configmap/col1
configmap/col2"
printf 'k8s\0\377' >"$tmp/bad.pb"
http curl_admin "$NS/configmaps" -X DELETE -H "$PB" --data-binary "@$tmp/bad.pb"
expect_eq "DELETECOLLECTION with a bad protobuf body: 400" "$HTTP_CODE" "400"
pb_delete_options v1 propagation=Sideways >"$tmp/do.pb"
http curl_admin "$NS/configmaps" -X DELETE -H "$PB" --data-binary "@$tmp/do.pb"
expect_eq "DELETECOLLECTION with an invalid propagationPolicy: 422" "$HTTP_CODE" "422"
expect_eq "  nothing deleted" "$(kubectl get cm col1 col2 -o name 2>&1 | grep -c .)" "2"
pb_delete_options v1 >"$tmp/do.pb"
http curl_admin "$NS/configmaps?fieldSelector=metadata.name%3Dcol1" -X DELETE -H "$PB" --data-binary "@$tmp/do.pb"
expect_eq "DELETECOLLECTION with protobuf DeleteOptions: 200" "$HTTP_CODE" "200"
expect_eq "  the selected one went" "$(kubectl get cm col1 col2 -o name 2>&1 | grep configmap/)" "configmap/col2"
