#!/bin/bash
# test_subresource_patch.sh: the scale and status subresources take every
# patch type kube-apiserver takes there (JSON patch, merge patch and
# strategic merge patch; autoscaling/v1 Scale is a built-in type, so a
# strategic merge patch of deployments/scale works as in kube), through the
# same patch machinery as their parent kind: kubectl patch --subresource and
# the answers seen with curl (status codes, kinds, kube's messages).
# The stack runs without its reconciler loop, so status stays as patched.
export KAPI_RECONCILE=0
. "$(dirname "$0")/lib.sh"
kapi_start

D=/apis/apps/v1/namespaces/default/deployments/d
patch_as() {   # content-type path body
    http curl_admin "$2" -X PATCH -H "Content-Type: $1" --data "$3"
}
patch_is() {   # check-name http-code content-type path body: the PATCH answers http-code
    patch_as "$3" "$4" "$5"
    expect_eq "$1" "$HTTP_CODE" "$2"
}
field() { kubectl get "$1" -o jsonpath="{$2}"; }

out=$(kubectl create deployment d --image nginx --replicas 1 2>&1)
expect_eq "kubectl create deployment" "$out" "deployment.apps/d created"

# --- deployments/scale with kubectl patch --subresource=scale
out=$(kubectl patch deployment d --subresource=scale --type=strategic -p '{"spec":{"replicas":3}}' 2>&1)
expect_eq "scale: strategic merge patch (kubectl names the Scale it gets back)" "$out" "scale.autoscaling/d patched"
expect_eq "scale: spec.replicas after the strategic merge patch" "$(field deploy/d .spec.replicas)" "3"
out=$(kubectl patch deployment d --subresource=scale --type=merge -p '{"spec":{"replicas":4}}' 2>&1)
expect_eq "scale: merge patch" "$out" "scale.autoscaling/d patched"
expect_eq "scale: spec.replicas after the merge patch" "$(field deploy/d .spec.replicas)" "4"
out=$(kubectl patch deployment d --subresource=scale --type=json -p '[{"op":"replace","path":"/spec/replicas","value":5}]' 2>&1)
expect_eq "scale: JSON patch" "$out" "scale.autoscaling/d patched"
expect_eq "scale: spec.replicas after the JSON patch" "$(field deploy/d .spec.replicas)" "5"
out=$(kubectl patch deployment d --subresource=scale -p '{"spec":{"replicas":5}}' 2>&1)
expect_eq "scale: the same count again (kubectl's default type, strategic)" "$out" "scale.autoscaling/d patched (no change)"
expect_eq "scale: generation counts the three changes" "$(field deploy/d .metadata.generation)" "4"

# --- the answers, as curl sees them
patch_is "scale: strategic merge patch is 200" 200 application/strategic-merge-patch+json "$D/scale" '{"spec":{"replicas":2}}'
expect_contains "scale: the answer is a Scale" "$HTTP_BODY" '"kind": "Scale",
  "apiVersion": "autoscaling/v1",'
expect_contains "scale: with the new count" "$HTTP_BODY" '"spec": {
    "replicas": 2
  },'
rv=$(field deploy/d .metadata.resourceVersion)
expect_contains "scale: the answer carries the parent's new resourceVersion" "$HTTP_BODY" "\"resourceVersion\": \"$rv\""
patch_is "scale: a merge patch that changes nothing is 200" 200 application/merge-patch+json "$D/scale" '{"spec":{"replicas":2}}'
expect_eq "scale: and writes nothing" "$(field deploy/d .metadata.resourceVersion)" "$rv"
patch_is "scale: JSON patch with a test op is 200" 200 application/json-patch+json "$D/scale" '[{"op":"test","path":"/spec/replicas","value":2},{"op":"replace","path":"/spec/replicas","value":6}]'
expect_eq "scale: spec.replicas 6" "$(field deploy/d .spec.replicas)" "6"
patch_is "scale: a failing JSON patch test is 422" 422 application/json-patch+json "$D/scale" '[{"op":"test","path":"/spec/replicas","value":1}]'
patch_is "scale: a negative count by strategic merge patch is 422" 422 application/strategic-merge-patch+json "$D/scale" '{"spec":{"replicas":-1}}'
expect_contains "scale: its message" "$HTTP_BODY" 'Scale.autoscaling \"d\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0'
patch_is "scale: a stale resourceVersion is 409" 409 application/strategic-merge-patch+json "$D/scale" '{"metadata":{"resourceVersion":"1"},"spec":{"replicas":7}}'
expect_contains "scale: kube's conflict message" "$HTTP_BODY" '"message": "Operation cannot be fulfilled on deployments.apps \"d\": the object has been modified; please apply your changes to the latest version and try again"'
patch_is "scale: a patch that is not JSON is 400" 400 application/merge-patch+json "$D/scale" '{"spec":'
expect_contains "scale: its message" "$HTTP_BODY" '"message": "error decoding patch: '
patch_is "scale: a merge patch that is not an object is 400" 400 application/merge-patch+json "$D/scale" '[1]'
expect_contains "scale: its message" "$HTTP_BODY" 'error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}'
patch_is "scale: an unknown patch type is 415" 415 text/plain "$D/scale" '{}'
expect_contains "scale: the types it takes are the parent's" "$HTTP_BODY" 'accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json'
patch_is "scale: of a missing deployment is 404" 404 application/strategic-merge-patch+json /apis/apps/v1/namespaces/default/deployments/none/scale '{"spec":{"replicas":1}}'
expect_contains "scale: its message" "$HTTP_BODY" '"message": "deployments.apps \"none\" not found"'
http curl_admin "$D/scale?fieldValidation=Strict" -X PATCH -H 'Content-Type: application/strategic-merge-patch+json' --data '{"spec":{"replicas":2,"bogus":1}}'
expect_eq "scale: an unknown field with fieldValidation=Strict is 400" "$HTTP_CODE" "400"
expect_contains "scale: its message" "$HTTP_BODY" 'unknown field \"spec.bogus\"'
expect_eq "scale: and nothing changed" "$(field deploy/d .spec.replicas)" "6"
http curl_admin "$D/scale" -H 'Accept: application/yaml' -X PATCH -H 'Content-Type: application/strategic-merge-patch+json' --data '{"spec":{"replicas":2}}'
expect_contains "scale: the answer in YAML" "$HTTP_BODY" 'kind: Scale'

# --- replicasets/scale
cat >"$KAPI_STATE/rs.yaml" <<'EOF'
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: rs
spec:
  replicas: 1
  selector:
    matchLabels: {app: rs}
  template:
    metadata:
      labels: {app: rs}
    spec:
      containers:
      - name: c
        image: nginx
EOF
check "kubectl create a ReplicaSet" kubectl create -f "$KAPI_STATE/rs.yaml"
out=$(kubectl patch rs rs --subresource=scale --type=strategic -p '{"spec":{"replicas":2}}' 2>&1)
expect_eq "replicasets/scale: strategic merge patch" "$out" "scale.autoscaling/rs patched"
out=$(kubectl patch rs rs --subresource=scale --type=merge -p '{"spec":{"replicas":3}}' 2>&1)
expect_eq "replicasets/scale: merge patch" "$out" "scale.autoscaling/rs patched"
out=$(kubectl patch rs rs --subresource=scale --type=json -p '[{"op":"replace","path":"/spec/replicas","value":4}]' 2>&1)
expect_eq "replicasets/scale: JSON patch" "$out" "scale.autoscaling/rs patched"
expect_eq "replicasets/scale: spec.replicas 4" "$(field rs/rs .spec.replicas)" "4"

# --- deployments/status: the patch is of the whole Deployment; only status is kept
out=$(kubectl patch deployment d --subresource=status --type=merge \
    -p '{"status":{"conditions":[{"type":"Available","status":"True","reason":"A"},{"type":"Progressing","status":"True","reason":"P"}]}}' 2>&1)
expect_eq "status: merge patch" "$out" "deployment.apps/d patched"
expect_eq "status: two conditions" "$(field deploy/d '.status.conditions[*].type')" "Available Progressing"
out=$(kubectl patch deployment d --subresource=status --type=strategic \
    -p '{"status":{"conditions":[{"type":"Available","status":"False","reason":"B"}]}}' 2>&1)
expect_eq "status: strategic merge patch" "$out" "deployment.apps/d patched"
expect_eq "status: the conditions merge by type" \
    "$(field deploy/d '.status.conditions[*].type'):$(field deploy/d '.status.conditions[*].status')" \
    "Available Progressing:False True"
out=$(kubectl patch deployment d --subresource=status --type=json \
    -p '[{"op":"replace","path":"/status/conditions/1/reason","value":"Q"}]' 2>&1)
expect_eq "status: JSON patch" "$out" "deployment.apps/d patched"
expect_eq "status: the second condition's reason" "$(field deploy/d '.status.conditions[1].reason')" "Q"
out=$(kubectl patch deployment d --subresource=status --type=merge -p '{"status":{"conditions":[{"type":"Progressing","status":"False"}]}}' 2>&1)
expect_eq "status: a merge patch replaces the list" "$(field deploy/d '.status.conditions[*].type')" "Progressing"
gen=$(field deploy/d .metadata.generation)
patch_is "status: a strategic merge patch touching spec is 200" 200 application/strategic-merge-patch+json "$D/status" '{"spec":{"replicas":9},"status":{"observedGeneration":1}}'
expect_contains "status: the answer is the Deployment" "$HTTP_BODY" '"kind": "Deployment"'
expect_eq "status: spec is not changed through status" "$(field deploy/d .spec.replicas)" "2"
expect_eq "status: nor the generation" "$(field deploy/d .metadata.generation)" "$gen"
expect_eq "status: status is" "$(field deploy/d .status.observedGeneration)" "1"
patch_is "status: an unknown patch type is 415" 415 text/plain "$D/status" '{}'
patch_is "status: a patch that is not JSON is 400" 400 application/strategic-merge-patch+json "$D/status" '{"status":'

# --- pods/binding takes no patch (kube's BindingREST only creates)
check "kubectl create serviceaccount default (no reconciler here to make it)" kubectl create serviceaccount default
check "kubectl run" kubectl run p --image nginx
patch_is "pods/binding: PATCH is 405" 405 application/strategic-merge-patch+json /api/v1/namespaces/default/pods/p/binding '{}'
http curl_admin /api/v1/namespaces/default/pods/p/binding -H 'Content-Type: application/json' \
    --data '{"apiVersion":"v1","kind":"Binding","metadata":{"name":"p"},"target":{"kind":"Node","name":"n1"}}'
expect_eq "pods/binding: POST is 201" "$HTTP_CODE" "201"
expect_contains "pods/binding: a Status Success" "$HTTP_BODY" '"status": "Success"'
expect_eq "pods/binding: the pod is bound" "$(field pod/p .spec.nodeName)" "n1"
http curl_admin /api/v1/namespaces/default/pods/p/binding -H 'Content-Type: application/json' \
    --data '{"apiVersion":"v1","kind":"Binding","metadata":{"name":"p"},"target":{"kind":"Node","name":"n2"}}'
expect_eq "pods/binding: binding again is 409" "$HTTP_CODE" "409"
expect_contains "pods/binding: kube's message" "$HTTP_BODY" 'Operation cannot be fulfilled on pods/binding \"p\": pod p is already assigned to node \"n1\"'
