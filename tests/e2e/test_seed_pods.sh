#!/bin/bash
# End to end: the seed's roles 2-4 (defaulting, validation, immutable
# fields) with the real kubectl 1.32 against a stack without the reconciler
# (the seed's control plane has no controller manager): the Forbidden line
# without a ServiceAccount, the server dry run field by field, the created
# pod, `get po`, the JSON patch of spec.nodeName refused with kube's diff;
# then what kube-scheduler and clients do around it: pods/binding, tagged
# images, init containers, automount off, validation messages, dry-run
# patch and delete, merge patch.
. "$(dirname "$0")/lib.sh"
export KAPI_RECONCILE=0
kapi_start

KUBECTL31=/usr/lib/google-cloud-sdk/bin/kubectl.1.31   # JSON bodies for the create generators
K="$KUBECTL --kubeconfig $KUBECONFIG --cache-dir $KAPI_STATE/kube-cache"
K31="$KUBECTL31 --kubeconfig $KUBECONFIG --cache-dir $KAPI_STATE/kube-cache31"
API=https://127.0.0.1:$KAPI_PORT
PODS=$API/api/v1/namespaces/default/pods
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; kapi_stop' EXIT
acurl() { curl -sk --cert "$KAPI_STATE/pki/admin.crt" --key "$KAPI_STATE/pki/admin.key" "$@"; }
# what differs between two runs: timestamps, uids, versions, the random suffix
volatile() { grep -Ev '^  (creationTimestamp|uid|resourceVersion):' | sed -E 's/kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}/kube-api-access-XXXXX/'; }
pod_keys() { "$BUILD/kapictl" --state "$KAPI_STATE" get --prefix /registry/pods/ --keys-only | grep -v '^$'; }

# --- role 2, client side: what kubectl itself builds
expected_client='apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: null
  labels:
    run: nginx
  name: nginx
spec:
  containers:
  - image: nginx
    name: nginx
    resources: {}
  dnsPolicy: ClusterFirst
  restartPolicy: Always
status: {}'
expect_eq "run --dry-run=client (the seed's output)" "$($K run nginx --image nginx -o yaml --dry-run=client 2>&1)" "$expected_client"

# --- role 3: no ServiceAccount "default" yet
out=$($K run nginx --image nginx 2>&1)
expect_eq "run without a default ServiceAccount: the seed's Forbidden line" "$out" \
    'Error from server (Forbidden): pods "nginx" is forbidden: error looking up service account default/default: serviceaccount "default" not found'
code=$(acurl -o "$tmp/out" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"nginx"},"spec":{"containers":[{"name":"nginx","image":"nginx"}]}}' "$PODS")
expect_eq "the Forbidden status code" "$code" "403"
expect_contains "Forbidden details {name, kind: pods}" "$(tr -d ' \n' <"$tmp/out")" '"details":{"name":"nginx","kind":"pods"}'
expect_eq "nothing stored after Forbidden" "$(pod_keys)" ""

expect_eq "kubectl.1.31 create sa default" "$($K31 create sa default 2>&1)" "serviceaccount/default created"

# --- role 2, server side: every default the server adds
expected_server='apiVersion: v1
kind: Pod
metadata:
  labels:
    run: nginx
  name: nginx
  namespace: default
spec:
  containers:
  - image: nginx
    imagePullPolicy: Always
    name: nginx
    resources: {}
    terminationMessagePath: /dev/termination-log
    terminationMessagePolicy: File
    volumeMounts:
    - mountPath: /var/run/secrets/kubernetes.io/serviceaccount
      name: kube-api-access-XXXXX
      readOnly: true
  dnsPolicy: ClusterFirst
  enableServiceLinks: true
  preemptionPolicy: PreemptLowerPriority
  priority: 0
  restartPolicy: Always
  schedulerName: default-scheduler
  securityContext: {}
  serviceAccount: default
  serviceAccountName: default
  terminationGracePeriodSeconds: 30
  tolerations:
  - effect: NoExecute
    key: node.kubernetes.io/not-ready
    operator: Exists
    tolerationSeconds: 300
  - effect: NoExecute
    key: node.kubernetes.io/unreachable
    operator: Exists
    tolerationSeconds: 300
  volumes:
  - name: kube-api-access-XXXXX
    projected:
      defaultMode: 420
      sources:
      - serviceAccountToken:
          expirationSeconds: 3607
          path: token
      - configMap:
          items:
          - key: ca.crt
            path: ca.crt
          name: kube-root-ca.crt
      - downwardAPI:
          items:
          - fieldRef:
              apiVersion: v1
              fieldPath: metadata.namespace
            path: namespace
status:
  phase: Pending
  qosClass: BestEffort'
$K run nginx --image nginx -o yaml --dry-run=server >"$tmp/dry.yaml" 2>&1
expect_eq "run --dry-run=server matches the seed (uid, timestamps, suffix aside)" "$(volatile <"$tmp/dry.yaml")" "$expected_server"
grep -Eq '^  uid: [0-9a-f-]{36}$' "$tmp/dry.yaml" && grep -Eq '^  creationTimestamp: "' "$tmp/dry.yaml" \
    && ok "dry run shows a uid and a creationTimestamp" || not_ok "dry run shows a uid and a creationTimestamp" "$(cat "$tmp/dry.yaml")"
grep -q '^  resourceVersion:' "$tmp/dry.yaml" && not_ok "a dry run has no resourceVersion" || ok "a dry run has no resourceVersion"
expect_eq "--dry-run=server stores nothing (kapictl get)" "$(pod_keys)" ""

# --- role 3: created, listed, read back
expect_eq "kubectl run nginx" "$($K run nginx --image nginx 2>&1)" "pod/nginx created"
expect_eq "the registry key" "$(pod_keys)" "/registry/pods/default/nginx"
out=$($K get po 2>&1)
expect_eq "get po header" "$(echo "$out" | head -1 | tr -s ' ')" "NAME READY STATUS RESTARTS AGE"
expect_eq "get po row: nginx 0/1 Pending 0" "$(echo "$out" | awk '$1=="nginx"{print $1, $2, $3, $4}')" "nginx 0/1 Pending 0"
$K get po nginx -o yaml >"$tmp/get.yaml" 2>&1
expect_eq "get po nginx -o yaml matches the seed" "$(volatile <"$tmp/get.yaml")" "$expected_server"
grep -Eq '^  resourceVersion: "[0-9]+"$' "$tmp/get.yaml" && ok "stored pod has a resourceVersion" || not_ok "stored pod has a resourceVersion" "$(cat "$tmp/get.yaml")"

# --- role 4: spec.nodeName cannot be patched
$K patch pod nginx --type='json' -p='[{"op": "replace", "path": "/spec/nodeName", "value":"node-1"}]' >"$tmp/patch.out" 2>&1
rc=$?
expect_eq "patch of spec.nodeName fails" "$rc" "1"
expect_eq "the 422 head line (1.32 wording)" "$(head -1 "$tmp/patch.out")" \
    'The Pod "nginx" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)'
expected_diff=$(printf '%s\n' \
    '  core.PodSpec{' \
    $'  \t... // 9 identical fields' \
    $'  \tServiceAccountName:           "default",' \
    $'  \tAutomountServiceAccountToken: nil,' \
    $'- \tNodeName:                     "",' \
    $'+ \tNodeName:                     "node-1",' \
    $'  \tSecurityContext:              &{},' \
    $'  \tImagePullSecrets:             nil,' \
    $'  \t... // 20 identical fields' \
    '  }')
expect_eq "the diff of old and new spec" "$(sed -n '2,11p' "$tmp/patch.out")" "$expected_diff"
code=$(acurl -o "$tmp/out" -w '%{http_code}' -X PATCH -H 'Content-Type: application/json-patch+json' \
    --data '[{"op":"replace","path":"/spec/nodeName","value":"node-1"}]' "$PODS/nginx")
expect_eq "the same patch with curl is 422" "$code" "422"
expect_contains "cause field is spec" "$(tr -d ' \n' <"$tmp/out")" '"reason":"FieldValueForbidden"'
expect_eq "nodeName still empty" "$($K get po nginx -o jsonpath='{.spec.nodeName}')" ""

# allowed updates: the image; and JSON patch errors
out=$($K patch pod nginx --type=json -p='[{"op":"replace","path":"/spec/containers/0/image","value":"nginx:1.25"}]' 2>&1)
expect_eq "patching the image is allowed" "$out" "pod/nginx patched"
expect_eq "image changed" "$($K get po nginx -o jsonpath='{.spec.containers[0].image}')" "nginx:1.25"
out=$($K patch pod nginx --type=json -p='[{"op":"remove","path":"/spec/nope"}]' 2>&1)
expect_eq "removing a missing member: kube's 422" "$out" "The request is invalid: the server rejected our request due to an error in our request"
out=$($K patch pod nginx --type=json -p='[{"op":"replace","path":"/spec/containers/5/image","value":"x"}]' 2>&1)
expect_eq "replacing a missing array index fails" "$out" "The request is invalid: the server rejected our request due to an error in our request"
out=$($K patch pod nginx --type=json -p='[{"op":"test","path":"/spec/nodeName","value":null}]' 2>&1)
expect_eq "test of a missing member against null passes (no change)" "$out" "pod/nginx patched (no change)"
code=$(acurl -o "$tmp/out" -w '%{http_code}' -X PATCH -H 'Content-Type: application/json-patch+json' --data '{"op":"add"}' "$PODS/nginx")
expect_eq "a JSON patch that is not a list is 400" "$code" "400"
expect_contains "its message" "$(cat "$tmp/out")" 'error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp'
out=$($K label pod nginx tier=web 2>&1)
expect_eq "merge patch (kubectl label)" "$out" "pod/nginx labeled"
out=$($K patch pod nginx --type=merge -p '{"metadata":{"labels":{"tier":null}}}' 2>&1)
expect_eq "merge patch removes a label" "$out" "pod/nginx patched"
expect_eq "label gone" "$($K get po nginx -o jsonpath='{.metadata.labels}')" '{"run":"nginx"}'
out=$($K patch pod nginx --type=merge -p '{"spec":{"activeDeadlineSeconds":600}}' --dry-run=server 2>&1)
expect_eq "dry-run patch" "$out" "pod/nginx patched"
expect_eq "dry-run patch stored nothing" "$($K get po nginx -o jsonpath='{.spec.activeDeadlineSeconds}')" ""

# --- pods/binding, as kube-scheduler calls it
uid=$($K get po nginx -o jsonpath='{.metadata.uid}')
bind() { acurl -o "$tmp/out" -w '%{http_code}' -H 'Content-Type: application/json' --data "$1" "$PODS/nginx/binding"; }
code=$(bind "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"nginx\",\"namespace\":\"default\",\"uid\":\"$uid\"},\"target\":{\"kind\":\"Node\",\"name\":\"node-1\"}}")
expect_eq "binding is 201" "$code" "201"
expect_eq "binding answers Status Success" "$(tr -d ' \n' <"$tmp/out")" '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","code":201}'
expect_eq "bound to node-1" "$($K get po nginx -o jsonpath='{.spec.nodeName}')" "node-1"
expect_eq "PodScheduled=True" "$($K get po nginx -o jsonpath='{.status.conditions[?(@.type=="PodScheduled")].status}')" "True"
code=$(bind '{"apiVersion":"v1","kind":"Binding","metadata":{"name":"nginx"},"target":{"kind":"Node","name":"node-2"}}')
expect_eq "binding a bound pod is 409" "$code" "409"
expect_contains "409 message" "$(cat "$tmp/out")" 'Operation cannot be fulfilled on pods/binding \"nginx\": pod nginx is already assigned to node \"node-1\"'
code=$(bind '{"apiVersion":"v1","kind":"Binding","metadata":{"name":"other"},"target":{"name":"node-2"}}')
expect_eq "binding another name is 400" "$code" "400"
expect_contains "400 message" "$(cat "$tmp/out")" 'name in URL does not match name in Binding object'

# --- more defaults and admission
out=$($K run web --image nginx:1.25 --dry-run=server -o jsonpath='{.spec.containers[0].imagePullPolicy}' 2>&1)
expect_eq "a tagged image gets IfNotPresent" "$out" "IfNotPresent"
out=$($K run web --image nginx:latest --dry-run=server -o jsonpath='{.spec.containers[0].imagePullPolicy}' 2>&1)
expect_eq "the latest tag gets Always" "$out" "Always"
cat >"$tmp/init.json" <<'JSON'
{"apiVersion":"v1","kind":"Pod","metadata":{"name":"withinit"},
 "spec":{"initContainers":[{"name":"setup","image":"busybox:1.36","ports":[{"containerPort":53,"protocol":"UDP"}]}],
         "containers":[{"name":"app","image":"nginx","ports":[{"containerPort":80}],
                        "resources":{"limits":{"cpu":"0.5","memory":"128Mi"}}}]}}
JSON
code=$(acurl -o "$tmp/out" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @"$tmp/init.json" "$PODS")
expect_eq "pod with an init container created" "$code" "201"
expect_eq "the init container mounts the token" "$($K get po withinit -o jsonpath='{.spec.initContainers[0].volumeMounts[0].mountPath}')" \
    "/var/run/secrets/kubernetes.io/serviceaccount"
expect_eq "a port's protocol defaults to TCP" "$($K get po withinit -o jsonpath='{.spec.containers[0].ports[0].protocol}')" "TCP"
expect_eq "requests default to limits, in canonical form" "$($K get po withinit -o jsonpath='{.spec.containers[0].resources.requests}')" \
    '{"cpu":"500m","memory":"128Mi"}'
expect_eq "an init container without limits: Burstable" "$($K get po withinit -o jsonpath='{.status.qosClass}')" "Burstable"
code=$(acurl -o "$tmp/out" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"nomount"},"spec":{"automountServiceAccountToken":false,"containers":[{"name":"c","image":"nginx","resources":{"limits":{"cpu":"1","memory":"1Gi"}}}]}}' "$PODS")
expect_eq "automountServiceAccountToken=false is created" "$code" "201"
expect_eq "no token volume then" "$($K get po nomount -o jsonpath='{.spec.volumes}')" ""
expect_eq "requests equal limits: Guaranteed" "$($K get po nomount -o jsonpath='{.status.qosClass}')" "Guaranteed"
out=$($K run pc --image nginx --dry-run=server --overrides='{"spec":{"priorityClassName":"gold"}}' 2>&1)
expect_eq "a missing PriorityClass" "$out" 'Error from server (Forbidden): pods "pc" is forbidden: no PriorityClass with name gold was found'

# --- validation, with kube's messages
cat >"$tmp/bad.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: bad
spec:
  restartPolicy: Sometimes
  containers:
  - name: Web
    ports:
    - containerPort: 70000
YAML
out=$($K create -f "$tmp/bad.yaml" --validate=false 2>&1)
expected_bad='The Pod "bad" is invalid: 
* spec.containers[0].name: Invalid value: "Web": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '"'"'-'"'"', and must start and end with an alphanumeric character (e.g. '"'"'my-name'"'"',  or '"'"'123-abc'"'"', regex used for validation is '"'"'[a-z0-9]([-a-z0-9]*[a-z0-9])?'"'"')
* spec.containers[0].image: Required value
* spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive
* spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'
expect_eq "an invalid pod: kube's causes in kube's order" "$out" "$expected_bad"
code=$(acurl -o "$tmp/out" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"t"},"spec":{"containers":"nginx"}}' "$PODS")
expect_eq "a wrong JSON type is 400" "$code" "400"
expect_contains "Go's type error" "$(cat "$tmp/out")" 'Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container'
code=$(acurl -o "$tmp/out" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"q"},"spec":{"containers":[{"name":"c","image":"i","resources":{"limits":{"cpu":"lots"}}}]}}' "$PODS")
expect_eq "a bad quantity is 400" "$code" "400"
expect_contains "the quantity message" "$(cat "$tmp/out")" "quantities must match the regular expression"
acurl -o /dev/null "$API/healthz" && ok "the server is still up" || not_ok "the server is still up"

# --- delete, dry run first
out=$($K delete pod nomount --dry-run=server 2>&1)
expect_eq "dry-run delete" "$out" 'pod "nomount" deleted (server dry run)'
expect_eq "still there after a dry-run delete" "$($K get po nomount -o jsonpath='{.metadata.name}')" "nomount"
out=$($K delete pod nomount 2>&1)
expect_eq "delete an unscheduled pod" "$out" 'pod "nomount" deleted'
