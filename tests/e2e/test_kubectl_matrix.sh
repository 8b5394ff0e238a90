#!/bin/bash
# test_kubectl_matrix.sh: the kubectl commands a user reaches for, run by
# kubectl 1.27, 1.29, 1.31, 1.32 and 1.33 against one stack (each version in
# its own namespace, with its own Node and discovery cache), each checked
# against what kubectl prints when kube-apiserver on a control plane with no
# nodes answers it: the exit status and the key lines of its output (never
# timing). get, describe, create, apply, diff, replace, patch, edit, label,
# annotate, delete; Deployments: scale, rollout status/history/undo/restart/
# pause/resume, wait; Pods with no node: logs, exec, cp, debug; Nodes:
# cordon, uncordon, drain, taint; events, auth (can-i, whoami, reconcile),
# explain, api-resources, api-versions, proxy (curl through it).
# The answers come from the Kubernetes source (messages quoted at each
# check); where kapi still differs, README.md's "kubectl commands that
# differ from kube-apiserver" says how, and nothing here hides it.
#   KAPI_MATRIX_VERSIONS="1.32 1.33" tests/run test_kubectl_matrix   # a subset
#   KAPI_MATRIX_JOBS=1      versions one after another (default 3 at a time)
#   KAPI_MATRIX_TIMING=1    print each command's time ("# 0.21 s: get ...")
export KAPI_RECONCILE_INTERVAL=1   # the Deployment controller's work within a second
. "$(dirname "$0")/lib.sh"
kapi_start

DATA=$KAPI_ROOT/tests/e2e/matrix
SDK=${KAPI_KUBECTL_DIR:-/usr/lib/google-cloud-sdk/bin}
VERSIONS=${KAPI_MATRIX_VERSIONS:-1.27 1.29 1.31 1.32 1.33}
V="" KC="" NS="" OUT="" RC=0

# kv ARGS...: this version's kubectl in this version's namespace.
kv() {
    "$KC" --cache-dir "$KAPI_STATE/kube-cache-$V" -n "$NS" "$@"
}

# run ARGS...: kv, its output (stdout and stderr) in OUT, its status in RC.
run() {
    local t0=$EPOCHREALTIME
    OUT=$(kv "$@" 2>&1)
    RC=$?
    [ -n "${KAPI_MATRIX_TIMING:-}" ] && awk -v a="$t0" -v b="$EPOCHREALTIME" -v c="$*" 'BEGIN { printf "# %.2f s: %s\n", b - a, c }'
    return 0
}

# runc ARGS...: the same without -n, for cluster-scoped objects (kubectl
# warns when -n is given for them).
runc() {
    OUT=$("$KC" --cache-dir "$KAPI_STATE/kube-cache-$V" "$@" 2>&1)
    RC=$?
}

# the output with runs of blanks squeezed to one space, leading and
# trailing blanks gone: table columns are as wide as their widest cell,
# which differs between versions and runs.
squeezed() {
    printf '%s\n' "$OUT" | tr -s ' \t' '  ' | sed 's/^ //; s/ $//'
}

# is DESC RC EXPECTED: the last run exited RC and printed exactly EXPECTED.
is() {
    expect_eq "$V: $1" "exit $RC"$'\n'"$OUT" "exit $2"$'\n'"$3"
}

# has DESC RC LINE...: the last run exited RC and each LINE is one of its
# output lines (blanks squeezed).
has() {
    local desc="$V: $1" rc=$2 line missing=() out
    shift 2
    out=$(squeezed)
    for line in "$@"; do
        grep -qxF -- "$line" <<<"$out" || missing+=("$line")
    done
    if [ "$RC" = "$rc" ] && [ ${#missing[@]} = 0 ]; then
        ok "$desc"
    else
        not_ok "$desc" "expected exit $rc, got $RC" "${missing[@]/#/missing line: }" "output:" "$OUT"
    fi
}

# matches DESC RC REGEX: the last run exited RC and a line matches REGEX
# (extended, blanks squeezed).
matches() {
    if [ "$RC" = "$2" ] && squeezed | grep -qE -- "$3"; then
        ok "$V: $1"
    else
        not_ok "$V: $1" "expected exit $2, got $RC" "expected a line matching: $3" "output:" "$OUT"
    fi
}

# edit_with SED-SCRIPT ARGS...: kubectl edit, the editor being sed -i with
# the script (KUBE_EDITOR is split on blanks, so the script goes in a file);
# the copy kubectl keeps of a refused edit goes to the state directory.
edit_with() {
    local script=$KAPI_STATE/edit-$V.sed
    printf '%s\n' "$1" >"$script"
    shift
    OUT=$(TMPDIR=$KAPI_STATE KUBE_EDITOR="sed -i -f $script" kv edit "$@" 2>&1)
    RC=$?
}

# ------------------------------------------------------------------ objects

objects() {
    run create namespace "$NS"
    is "create namespace" 0 "namespace/$NS created"
    run get namespace "$NS" -o jsonpath='{.status.phase}'
    is "get namespace: Active" 0 "Active"

    run create configmap cm1 --from-literal=a=1
    is "create configmap" 0 "configmap/cm1 created"
    # kubectl's "failed to create configmap: %v" around kube's AlreadyExists
    run create configmap cm1 --from-literal=a=1
    is "create an existing configmap" 1 'error: failed to create configmap: configmaps "cm1" already exists'
    run get configmap nope
    is "get a missing object" 1 'Error from server (NotFound): configmaps "nope" not found'
    run get configmap cm1 -o jsonpath='{.data.a}'
    is "get -o jsonpath" 0 "1"
    run get configmap cm1
    matches "get: the Table kube prints" 0 '^cm1 1 [0-9]+s$'
    run get configmap cm1 -o name
    is "get -o name" 0 "configmap/cm1"
    run describe configmap cm1
    has "describe configmap" 0 "Name: cm1" "Namespace: $NS" "Labels: <none>" "Data" "a:" "1" "Events: <none>"
    run describe configmap nope
    is "describe a missing object" 1 'Error from server (NotFound): configmaps "nope" not found'

    run apply -f "$DATA/configmap.yaml"
    is "apply creates" 0 "configmap/cma created"
    run apply -f "$DATA/configmap.yaml"
    is "apply again: unchanged" 0 "configmap/cma unchanged"
    # kubectl diff: exit 1 when there are differences, 0 when none
    run diff -f "$DATA/configmap-changed.yaml"
    has "diff of a change: exit 1 and the change" 1 '- a: "1"' '+ a: "2"'
    run diff -f "$DATA/configmap.yaml"
    is "diff of what is there: exit 0, nothing" 0 ""
    run replace -f "$DATA/configmap-changed.yaml"
    is "replace" 0 "configmap/cma replaced"
    run get configmap cma -o jsonpath='{.data.a}'
    is "replace wrote it" 0 "2"
    run replace -f "$DATA/configmap-missing.yaml"
    is "replace of a missing object" 1 "Error from server (NotFound): error when replacing \"$DATA/configmap-missing.yaml\": configmaps \"missing\" not found"
    # strict field validation (kubectl's default --validate=strict)
    run create -f "$DATA/deployment-unknown-field.yaml"
    is "create -f with an unknown field" 1 "Error from server (BadRequest): error when creating \"$DATA/deployment-unknown-field.yaml\": Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.bogus\""

    run patch configmap cma -p '{"data":{"b":"3"}}'
    is "patch (strategic merge)" 0 "configmap/cma patched"
    run patch configmap cma -p '{"data":{"b":"3"}}'
    is "the same patch again" 0 "configmap/cma patched (no change)"
    run patch configmap cma --type=merge -p '{"data":{"c":"4"}}'
    is "patch --type=merge" 0 "configmap/cma patched"
    run patch configmap cma --type=json -p '[{"op":"replace","path":"/data/c","value":"5"}]'
    is "patch --type=json" 0 "configmap/cma patched"
    run get configmap cma -o jsonpath='{.data}'
    is "the patches applied" 0 '{"a":"2","b":"3","c":"5"}'
    # a JSON patch that does not apply: kube's 422 with its generic message
    run patch configmap cma --type=json -p '[{"op":"test","path":"/data/a","value":"9"}]'
    is "a JSON patch whose test fails" 1 "The request is invalid: the server rejected our request due to an error in our request"
    run patch configmap nope -p '{"data":{"b":"3"}}'
    is "patch of a missing object" 1 'Error from server (NotFound): configmaps "nope" not found'

    edit_with 's/^  a: "2"$/  a: "7"/' configmap cma
    is "edit" 0 "configmap/cma edited"
    run get configmap cma -o jsonpath='{.data.a}'
    is "edit wrote it" 0 "7"
    edit_with '' configmap cma
    is "edit without a change" 0 "Edit cancelled, no changes made."
    # a label value kube's validation refuses: kubectl keeps the file
    edit_with 's/^  name: cma$/  name: cma\n  labels: {x: -bad-}/' configmap cma
    matches "edit refused by validation: kube's 422" 1 '^error: configmaps "cma" is invalid$'
    matches "and kubectl keeps a copy" 1 '^A copy of your changes has been stored to ".*"$'

    run label configmap cma x=y
    is "label" 0 "configmap/cma labeled"
    run label configmap cma x=z
    is "label without --overwrite" 1 "error: 'x' already has a value (y), and --overwrite is false"
    run label configmap cma x=z --overwrite
    is "label --overwrite" 0 "configmap/cma labeled"
    run get configmap -l x=z -o name
    is "get -l finds it" 0 "configmap/cma"
    run label configmap cma x-
    is "label x-" 0 "configmap/cma unlabeled"
    run annotate configmap cma note=one
    matches "annotate" 0 '^configmap/cma annotated?$'   # 1.27 prints "annotate"
    run annotate configmap cma note=two
    is "annotate without --overwrite" 1 "error: --overwrite is false but found the following declared annotation(s): 'note' already has a value (one)"
    run get configmap cma -o jsonpath='{.metadata.annotations.note}'
    is "the annotation" 0 "one"

    run delete configmap cma
    is "delete" 0 'configmap "cma" deleted'
    run delete configmap cma
    is "delete of a missing object" 1 'Error from server (NotFound): configmaps "cma" not found'
    run delete configmap cma --ignore-not-found
    is "delete --ignore-not-found" 0 ""

    run create serviceaccount robot
    is "create serviceaccount" 0 "serviceaccount/robot created"
    run create service clusterip web --tcp=80:8080
    is "create service" 0 "service/web created"
    run get service web -o jsonpath='{.spec.ports[0].targetPort}'
    is "the service's targetPort" 0 "8080"
}

# ------------------------------------------------------------- deployments

deployments() {
    run create deployment web --image=nginx --replicas=0
    is "create deployment" 0 "deployment.apps/web created"
    run rollout status deployment/web --timeout=20s
    has "rollout status of a Deployment with no replicas" 0 'deployment "web" successfully rolled out'
    run wait --for=condition=Available deployment/web --timeout=20s
    is "wait --for=condition=Available" 0 "deployment.apps/web condition met"

    run scale deployment web --replicas=2
    is "scale" 0 "deployment.apps/web scaled"
    run scale deployment web --replicas=3 --current-replicas=5
    is "scale --current-replicas that does not hold" 1 "error: Expected replicas to be 5, was 2"
    run wait --for=jsonpath='{.status.replicas}'=2 deployment/web --timeout=20s
    is "wait --for=jsonpath: the ReplicaSet made two pods" 0 "deployment.apps/web condition met"
    # no node: the pods stay Pending, so the Deployment is not Available
    # (MinimumReplicasUnavailable) and a rollout never finishes
    run wait --for=condition=Available deployment/web --timeout=2s
    is "wait for a condition that does not come: timeout" 1 "error: timed out waiting for the condition on deployments/web"
    run wait --for=condition=Available=False deployment/web --timeout=20s
    is "wait --for=condition=Available=False" 0 "deployment.apps/web condition met"
    run rollout status deployment/web --timeout=2s
    has "rollout status with Pending pods: timeout" 1 'Waiting for deployment "web" rollout to finish: 0 of 2 updated replicas are available...' "error: timed out waiting for the condition"
    run get pods -l app=web -o jsonpath='{range .items[*]}{.status.phase} {.spec.nodeName}|{end}'
    is "the pods: Pending, no node" 0 "Pending |Pending |"
    # logs of a Deployment: its first pod, which has no node: nothing
    run logs deployment/web
    matches "logs deployment/: kubectl picks a pod" 0 '^Found 2 pods, using pod/web-[a-z0-9]+-[a-z0-9]+$'

    run scale deployment web --replicas=0
    is "scale to 0" 0 "deployment.apps/web scaled"
    run set image deployment/web nginx=nginx:2
    is "set image" 0 "deployment.apps/web image updated"
    run rollout status deployment/web --timeout=20s
    has "rollout status of the new revision" 0 'deployment "web" successfully rolled out'
    run rollout history deployment/web
    has "rollout history" 0 "deployment.apps/web" "REVISION CHANGE-CAUSE" "1 <none>" "2 <none>"
    run rollout history deployment/web --revision=2
    has "rollout history --revision" 0 "deployment.apps/web with revision #2" "Image: nginx:2"
    run rollout undo deployment/web
    is "rollout undo" 0 "deployment.apps/web rolled back"
    run get deployment web -o jsonpath='{.spec.template.spec.containers[0].image}'
    is "undo put the first image back" 0 "nginx"
    run rollout undo deployment/web --to-revision=9
    is "rollout undo to a revision that is not there" 1 "error: unable to find specified revision 9 in history"
    run rollout restart deployment/web
    is "rollout restart" 0 "deployment.apps/web restarted"
    run get deployment web -o jsonpath='{.spec.template.metadata.annotations}'
    matches "restart annotates the template" 0 'kubectl.kubernetes.io/restartedAt'
    run rollout pause deployment/web
    is "rollout pause" 0 "deployment.apps/web paused"
    run rollout pause deployment/web
    is "rollout pause again" 1 'error: deployments.apps "web" is already paused'
    run rollout resume deployment/web
    is "rollout resume" 0 "deployment.apps/web resumed"
    run rollout resume deployment/web
    is "rollout resume again" 1 'error: deployments.apps "web" is not paused'
    run rollout status deployment/web --timeout=20s
    has "rollout status after resume" 0 'deployment "web" successfully rolled out'
    run rollout status deployment/nope --timeout=2s
    is "rollout status of a missing Deployment" 1 'Error from server (NotFound): deployments.apps "nope" not found'

    # wait --for=delete of an object that is not there: kubectl ignores the 404
    run wait --for=delete configmap/nope --timeout=2s
    is "wait --for=delete of a missing object" 0 ""
    run create configmap doomed
    (sleep 1; kv delete configmap doomed >/dev/null 2>&1) &
    run wait --for=delete configmap/doomed --timeout=20s
    is "wait --for=delete" 0 "configmap/doomed condition met"
    wait

    run events
    matches "events: the Deployment controller's" 0 '^[0-9]+s Normal ScalingReplicaSet Deployment/web Scaled up replica set web-[a-z0-9]+ (from 0 )?to 2$'
    run events --for deployment/web
    matches "events --for" 0 '^[0-9]+s Normal ScalingReplicaSet Deployment/web Scaled down replica set web-[a-z0-9]+ (from 2 )?to 0$'
    run get events --field-selector reason=SuccessfulCreate
    matches "get events --field-selector" 0 '^[0-9]+s Normal SuccessfulCreate replicaset/web-[a-z0-9]+ Created pod: web-'
}

# ------------------------------------------------------------ pods, no node

pods() {
    run run p --image=busybox --restart=Never -- sleep 3600
    is "run" 0 "pod/p created"
    run get pod p
    matches "get pod: Pending" 0 '^p 0/1 Pending 0 [0-9]+s$'
    run describe pod p
    has "describe pod" 0 "Name: p" "Namespace: $NS" "Node: <none>" "Status: Pending"
    # pods/log of a pod with no node: an empty answer
    run logs p
    is "logs of a pod with no node" 0 ""
    run logs p --tail=5 --timestamps
    is "logs --tail --timestamps" 0 ""
    run logs p -c nope
    is "logs of a container the pod lacks" 1 "error: container nope is not valid for pod p"
    # (1.31 on add "in namespace" to the same 404)
    run logs nope
    matches "logs of a missing pod" 1 "^(error: )?[Ee]rror from server \\(NotFound\\): pods \"nope\" not found( in namespace \"$NS\")?\$"
    # pods/exec: 400 "pod %s does not have a host assigned" (kube's
    # pkg/registry/core/pod/strategy.go)
    run exec p -- ls
    is "exec" 1 "Error from server (BadRequest): pod p does not have a host assigned"
    run exec nope -- ls
    is "exec in a missing pod" 1 'Error from server (NotFound): pods "nope" not found'
    # cp runs tar through exec
    run cp "$DATA/configmap.yaml" p:/tmp/x
    has "cp to the pod" 1 "Error from server (BadRequest): pod p does not have a host assigned"
    run cp p:/tmp/x "$KAPI_STATE/cp-$V"
    has "cp from the pod" 1 "Error from server (BadRequest): pod p does not have a host assigned"
    # debug: an ephemeral container through pods/ephemeralcontainers
    run debug p --image=busybox -c dbg
    OUT=$(grep -v '^--profile=legacy is deprecated' <<<"$OUT")   # kubectl's own warning (1.31 on)
    is "debug" 0 ""
    run get pod p -o jsonpath='{.spec.ephemeralContainers[*].name}'
    is "debug added the ephemeral container" 0 "dbg"
    run debug nope --image=busybox
    has "debug of a missing pod" 1 'Error from server (NotFound): pods "nope" not found'
    run delete pod p
    is "delete pod (no node: at once)" 0 'pod "p" deleted'
    run get pod p
    is "the pod is gone" 1 'Error from server (NotFound): pods "p" not found'
}

# ------------------------------------------------------------------- nodes

nodes() {
    local node=mnode-${V//./-}
    OUT=$("$KC" --cache-dir "$KAPI_STATE/kube-cache-$V" apply -f - 2>&1 <<YAML
apiVersion: v1
kind: Node
metadata:
  name: $node
  labels: {kubernetes.io/hostname: $node}
YAML
)
    RC=$?
    is "apply a Node" 0 "node/$node created"
    # no Ready condition (no kubelet): STATUS Unknown
    runc get node "$node"
    matches "get node: Unknown" 0 "^$node Unknown <none> [0-9]+s\$"
    runc cordon "$node"
    is "cordon" 0 "node/$node cordoned"
    runc cordon "$node"
    is "cordon again" 0 "node/$node already cordoned"
    runc get node "$node"
    matches "get node: SchedulingDisabled" 0 "^$node Unknown,SchedulingDisabled <none> [0-9]+s\$"
    runc uncordon "$node"
    is "uncordon" 0 "node/$node uncordoned"
    runc cordon nonode
    is "cordon a missing node" 1 'Error from server (NotFound): nodes "nonode" not found'
    # drain of a node with no pods: cordon, nothing to evict
    runc drain "$node" --ignore-daemonsets --timeout=20s
    is "drain a node with no pods" 0 "node/$node cordoned"$'\n'"node/$node drained"
    runc uncordon "$node"
    is "uncordon after drain" 0 "node/$node uncordoned"
    # a pod bound to the node with no controller: drain refuses without --force
    kv run bound --image=busybox --restart=Never --overrides="{\"spec\":{\"nodeName\":\"$node\"}}" >/dev/null 2>&1
    runc drain "$node" --timeout=5s
    has "drain refuses an unmanaged pod" 1 "There are pending nodes to be drained:" "$node"
    # (kubectl's wording of it changed between versions)
    matches "naming the pod" 1 "^cannot delete (cannot delete )?Pods (that )?declare no controller \\(use --force to override\\): $NS/bound\$"
    run delete pod bound --grace-period=0 --force
    has "delete --force of a pod on a node" 0 'pod "bound" force deleted'
    runc uncordon "$node"
    is "uncordon" 0 "node/$node uncordoned"

    runc taint node "$node" k=v:NoSchedule
    is "taint" 0 "node/$node tainted"
    runc taint node "$node" k=v:NoSchedule
    is "taint again" 1 "error: node $node already has k taint(s) with same effect(s) and --overwrite is false"
    runc get node "$node" -o jsonpath='{.spec.taints}'
    is "the taint" 0 '[{"effect":"NoSchedule","key":"k","value":"v"}]'
    runc taint node "$node" k:NoSchedule-
    is "untaint" 0 "node/$node untainted"
    runc taint node "$node" k:NoSchedule-
    is "untaint again" 1 'error: taint "k:NoSchedule" not found'
    runc describe node "$node"
    has "describe node" 0 "Name: $node" "Taints: <none>" "Unschedulable: false" "Non-terminated Pods: (0 in total)"
    runc label node "$node" role=test
    is "label node" 0 "node/$node labeled"
    runc delete node "$node"
    is "delete node" 0 "node \"$node\" deleted"
}

# ----------------------------------------------------- auth and discovery

auth_and_discovery() {
    run auth can-i create pods
    is "auth can-i (system:masters)" 0 "yes"
    run auth can-i create pods --as="system:serviceaccount:$NS:robot"
    is "auth can-i as a service account" 1 "no"
    # reconcile takes the namespace from the objects, not from -n: without
    # one it GETs /apis/rbac.authorization.k8s.io/v1/roles/<name>, a path
    # kube has no route for (404), then fails on the empty namespace itself
    # (the clients of 1.27 and 1.29 refuse the GET before sending it)
    run auth reconcile -f "$DATA/rbac.yaml"
    if [ "$V" = 1.27 ] || [ "$V" = 1.29 ]; then
        is "auth reconcile of objects without a namespace" 1 "an empty namespace may not be set when a resource name is provided"$'\n'"an empty namespace may not be set when a resource name is provided"
    else
        is "auth reconcile of objects without a namespace" 1 "resource name may not be empty"$'\n'"resource name may not be empty"
    fi
    run get --raw /apis/rbac.authorization.k8s.io/v1/roles/cm-reader
    is "a name under a namespaced resource's cross-namespace path: 404" 1 "Error from server (NotFound): the server could not find the requested resource"
    sed "s/^  name: cm-reader$/  name: cm-reader\n  namespace: $NS/" "$DATA/rbac.yaml" >"$KAPI_STATE/rbac-$V.yaml"
    run auth reconcile -f "$KAPI_STATE/rbac-$V.yaml"
    has "auth reconcile creates" 0 "role.rbac.authorization.k8s.io/cm-reader reconciled" "rolebinding.rbac.authorization.k8s.io/cm-reader reconciled" "reconciliation required create"
    run auth reconcile -f "$KAPI_STATE/rbac-$V.yaml"
    is "auth reconcile again: nothing to do" 0 "role.rbac.authorization.k8s.io/cm-reader reconciled"$'\n'"rolebinding.rbac.authorization.k8s.io/cm-reader reconciled"
    run auth can-i get configmaps --as=alice
    is "auth can-i through the reconciled binding" 0 "yes"
    run auth can-i list configmaps --as=alice
    is "auth can-i of a verb the role lacks" 1 "no"
    run auth can-i --list
    has "auth can-i --list" 0 "Resources Non-Resource URLs Resource Names Verbs" "*.* [] [] [*]"
    run auth whoami
    if [ "$V" = 1.27 ]; then
        # 1.27 asks authentication.k8s.io/v1beta1 and v1alpha1, which
        # kube-apiserver 1.32 does not serve by default
        is "auth whoami (1.27: no v1beta1 or v1alpha1)" 1 "error: the selfsubjectreviews API is not enabled in the cluster"$'\n'"enable APISelfSubjectReview feature gate and authentication.k8s.io/v1alpha1 or authentication.k8s.io/v1beta1 API"
    else
        has "auth whoami" 0 "ATTRIBUTE VALUE" "Username kubernetes-admin" "Groups [system:masters system:authenticated]"
    fi

    run explain pods
    has "explain pods" 0 "KIND: Pod" "VERSION: v1"
    run explain deployment.spec.strategy.rollingUpdate.maxSurge
    has "explain: IntOrString, the field's description then its type's" 0 "FIELD: maxSurge <IntOrString>" \
        "How many pods (or what percentage) may exist above the desired number (25%" \
        "A value that is either an integer or a string."
    run explain nope
    is "explain of a resource that is not there" 1 "the server doesn't have a resource type \"nope\""
    run api-resources
    has "api-resources" 0 "NAME SHORTNAMES APIVERSION NAMESPACED KIND" "pods po v1 true Pod" \
        "configmaps cm v1 true ConfigMap" "nodes no v1 false Node" "deployments deploy apps/v1 true Deployment" \
        "serviceaccounts sa v1 true ServiceAccount" "services svc v1 true Service"
    run api-resources --api-group=apps -o name
    has "api-resources --api-group -o name" 0 "deployments.apps" "replicasets.apps"
    run api-versions
    has "api-versions" 0 "v1" "apps/v1" "rbac.authorization.k8s.io/v1" "authentication.k8s.io/v1"
}

# ------------------------------------------------------------------ proxy

proxy() {
    local log=$KAPI_STATE/proxy-$V.log pid port="" i
    # kubectl itself in the background (not through kv, a function: $! would
    # be the subshell, and killing it would leave kubectl proxy running)
    "$KC" --cache-dir "$KAPI_STATE/kube-cache-$V" -n "$NS" proxy --port=0 >"$log" 2>&1 &
    pid=$!
    for ((i = 0; i < 100; i++)); do
        port=$(sed -n 's/^Starting to serve on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$log")
        [ -n "$port" ] && break
        sleep 0.1
    done
    if [ -z "$port" ]; then
        not_ok "$V: kubectl proxy starts" "$(cat "$log")"
        kill "$pid" 2>/dev/null
        return
    fi
    ok "$V: kubectl proxy starts"
    OUT=$(curl -s "http://127.0.0.1:$port/api/v1/namespaces/$NS/configmaps/cm1")
    RC=$?
    has "proxy: GET a ConfigMap" 0 '"name": "cm1",' "\"namespace\": \"$NS\","
    OUT=$(curl -s -w '\n%{http_code}' "http://127.0.0.1:$port/api/v1/namespaces/$NS/services/web/proxy/")
    RC=$?
    has "proxy: services/proxy with no endpoints: 503" 0 "503" "\"message\": \"no endpoints available for service \\\"web\\\"\","
    OUT=$(curl -s -w '\n%{http_code}' "http://127.0.0.1:$port/api/v1/namespaces/$NS/configmaps/nope")
    RC=$?
    has "proxy: a 404 passes through" 0 "404" "\"message\": \"configmaps \\\"nope\\\" not found\","
    kill "$pid"
    wait "$pid" 2>/dev/null
}

# one version's checks, in its own namespace
matrix_for_version() {
    KC=$SDK/kubectl.$V
    NS=matrix-${V//./-}
    if [ ! -x "$KC" ]; then
        not_ok "$V: $KC is installed"
        return
    fi
    objects
    deployments
    pods
    nodes
    auth_and_discovery
    proxy
}

# The versions run side by side (KAPI_MATRIX_JOBS at a time), each into its
# own file, printed in order once all are done: much of a version's time is
# kubectl starting up and the controller's passes, which overlap well.
JOBS=${KAPI_MATRIX_JOBS:-3}
for V in $VERSIONS; do
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
    matrix_for_version >"$KAPI_STATE/matrix-$V.out" 2>&1 &
done
wait
for V in $VERSIONS; do
    out=$KAPI_STATE/matrix-$V.out
    cat "$out"
    # (grep -c exits 1 when it counts 0)
    KAPI_OK_COUNT=$((KAPI_OK_COUNT + $(grep -c '^ok - ' "$out" || true)))
    KAPI_NOT_OK_COUNT=$((KAPI_NOT_OK_COUNT + $(grep -c '^not ok - ' "$out" || true)))
done
