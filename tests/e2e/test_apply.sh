#!/bin/bash
# End to end: what rides on the field schema: OpenAPI v3 (kubectl's
# validation, explain), strategic merge patch (apply on an existing object,
# edit, set image, diff) and client-side apply's bookkeeping, with kubectl
# 1.32 and 1.33; kubectl 1.27 (OpenAPI v2 only) with --validate=false.
. "$(dirname "$0")/lib.sh"
KAPI_RECONCILE=0 kapi_start

K="$KUBECTL --kubeconfig $KUBECONFIG --cache-dir $KAPI_STATE/kube-cache"
K33="/usr/lib/google-cloud-sdk/bin/kubectl.1.33 --kubeconfig $KUBECONFIG --cache-dir $KAPI_STATE/kube-cache33"
K27="/usr/lib/google-cloud-sdk/bin/kubectl.1.27 --kubeconfig $KUBECONFIG --cache-dir $KAPI_STATE/kube-cache27"
tmp=$(mktemp -d)
jp() { $K get "$1" "$2" -o jsonpath="$3"; }

# --- OpenAPI v3: index, documents, cache headers
http curl_admin /openapi/v3
expect_eq "GET /openapi/v3" "$HTTP_CODE" "200"
url=$(echo "$HTTP_BODY" | python3 -c 'import json,sys; print(json.load(sys.stdin)["paths"]["apis/apps/v1"]["serverRelativeURL"])')
expect_contains "the index names apps/v1 with a hash" "$url" "/openapi/v3/apis/apps/v1?hash="
hdr=$(curl_admin "$url" -o "$tmp/apps.json" -D - | tr -d '\r' | tr 'A-Z' 'a-z')
expect_contains "a document asked for by hash is immutable" "$hdr" "cache-control: public, immutable"
etag=$(curl_admin "$url" -o /dev/null -D - | tr -d '\r' | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')
code=$(curl_admin "/openapi/v3/apis/apps/v1" -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag")
expect_eq "If-None-Match with the ETag gives 304" "$code" "304"
python3 - "$tmp/apps.json" <<'PY' && ok "apps/v1 document: PATCH of Deployment carries its GVK and fieldValidation" || not_ok "apps/v1 document: PATCH of Deployment carries its GVK and fieldValidation"
import json, sys
d = json.load(open(sys.argv[1]))
p = d["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
assert p["x-kubernetes-group-version-kind"] == {"group": "apps", "kind": "Deployment", "version": "v1"}
assert any(x["name"] == "fieldValidation" for x in p["parameters"])
c = d["components"]["schemas"]["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"]
assert c["x-kubernetes-patch-merge-key"] == "name" and c["x-kubernetes-patch-strategy"] == "merge"
PY
code=$(curl_admin /openapi/v3/apis/nope/v1 -o /dev/null -w '%{http_code}')
expect_eq "an unknown group-version is 404" "$code" "404"
code=$(curl_admin /openapi/v2 -o /dev/null -w '%{http_code}')
expect_eq "/openapi/v2 is served (kubectl 1.27 and 1.28 read it; tests/e2e/test_openapi_v2.sh)" "$code" "200"

# --- explain
out=$($K explain deployment.spec.strategy 2>&1)
expect_contains "explain deployment.spec.strategy" "$out" "FIELD: strategy <DeploymentStrategy>"
out=$($K explain pod.spec --recursive 2>&1)
expect_contains "explain --recursive lists nested fields" "$out" "containerPort"
out=$($K33 explain configmap.data 2>&1)
expect_contains "explain with kubectl 1.33" "$out" "FIELD: data <map[string]string>"

# --- create -f: validation against the schema
cat >"$tmp/bad.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: bad
spec:
  foo: 1
YAML
out=$($K create -f "$tmp/bad.yaml" 2>&1)
expect_eq "create -f with an unknown field" "$out" "Error from server (BadRequest): error when creating \"$tmp/bad.yaml\": ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"spec\""
out=$($K create -f "$tmp/bad.yaml" --validate=false 2>&1)
expect_eq "create -f --validate=false drops the unknown field" "$out" "configmap/bad created"
expect_eq "the unknown field is not stored" "$(jp cm bad '{.spec}')" ""

# --- apply: create, unchanged, configured, field by field
cat >"$tmp/dep.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, tier: frontend}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.24
        env:
        - {name: A, value: "1"}
        - {name: B, value: "2"}
        - {name: C, value: "3"}
        ports:
        - {containerPort: 80}
YAML
expect_eq "apply creates" "$($K apply -f "$tmp/dep.yaml" 2>&1)" "deployment.apps/web created"
expect_contains "last-applied-configuration is kept" "$(jp deploy web '{.metadata.annotations}')" "kubectl.kubernetes.io/last-applied-configuration"
expect_eq "apply again: unchanged" "$($K apply -f "$tmp/dep.yaml" 2>&1)" "deployment.apps/web unchanged"
gen=$(jp deploy web '{.metadata.generation}')
sed -i 's/replicas: 2/replicas: 5/; s/, tier: frontend//; s/nginx:1.24/nginx:1.25/; /name: A/d; s/name: C, value: "3"/name: D, value: "3"/' "$tmp/dep.yaml"
expect_eq "apply changed: configured" "$($K apply -f "$tmp/dep.yaml" 2>&1)" "deployment.apps/web configured"
expect_eq "replicas changed" "$(jp deploy web '{.spec.replicas}')" "5"
expect_eq "removed label is gone" "$(jp deploy web '{.metadata.labels}')" '{"app":"web"}'
expect_eq "image changed" "$(jp deploy web '{.spec.template.spec.containers[0].image}')" "nginx:1.25"
expect_eq "env: removed and renamed entries, order kept" "$(jp deploy web '{.spec.template.spec.containers[0].env[*].name}')" "B D"
expect_eq "ports kept" "$(jp deploy web '{.spec.template.spec.containers[0].ports[0].containerPort}')" "80"
expect_eq "generation bumped by a spec change" "$(jp deploy web '{.metadata.generation}')" "$((gen + 1))"
expect_eq "apply with kubectl 1.33: unchanged" "$($K33 apply -f "$tmp/dep.yaml" 2>&1)" "deployment.apps/web unchanged"

# configmaps: a removed key goes
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: "1"\n  b: "2"\n' >"$tmp/cm.yaml"
expect_eq "apply a ConfigMap" "$($K apply -f "$tmp/cm.yaml" 2>&1)" "configmap/cfg created"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: "9"\n' >"$tmp/cm.yaml"
expect_eq "apply a changed ConfigMap" "$($K apply -f "$tmp/cm.yaml" 2>&1)" "configmap/cfg configured"
expect_eq "removed key is gone, changed key changed" "$(jp cm cfg '{.data}')" '{"a":"9"}'

# --- set image, edit, diff, patch (no change)
expect_eq "set image" "$($K set image deployment/web web=nginx:1.26 2>&1)" "deployment.apps/web image updated"
expect_eq "set image stored" "$(jp deploy web '{.spec.template.spec.containers[0].image}')" "nginx:1.26"
out=$(EDITOR="sed -i s/tier-none/tier-none/" $K edit deployment web 2>&1)
expect_eq "edit without a change" "$out" "Edit cancelled, no changes made."
out=$(EDITOR="sed -i 's/^  replicas: 5/  replicas: 6/'" $K edit deployment web 2>&1)
expect_eq "edit with a scripted editor" "$out" "deployment.apps/web edited"
expect_eq "edit stored" "$(jp deploy web '{.spec.replicas}')" "6"
sed -i 's/replicas: 5/replicas: 7/' "$tmp/dep.yaml"
$K diff -f "$tmp/dep.yaml" >"$tmp/diff" 2>&1
rc=$?
expect_eq "diff finds a difference (exit 1)" "$rc" "1"
expect_contains "diff shows the replicas line" "$(cat "$tmp/diff")" "+  replicas: 7"
expect_eq "diff changed nothing" "$(jp deploy web '{.spec.replicas}')" "6"
rv=$(jp deploy web '{.metadata.resourceVersion}')
out=$($K patch deployment web -p '{"spec":{"replicas":6}}' 2>&1)
expect_eq "a strategic patch that changes nothing" "$out" "deployment.apps/web patched (no change)"
expect_eq "no new resourceVersion" "$(jp deploy web '{.metadata.resourceVersion}')" "$rv"
out=$($K patch deployment web -p '{"spec":{"template":{"spec":{"containers":[{"name":"side","image":"busybox"}]}}}}' 2>&1)
expect_eq "a strategic patch adds a container by name" "$out" "deployment.apps/web patched"
expect_eq "containers merged by name" "$(jp deploy web '{.spec.template.spec.containers[*].name}')" "web side"
out=$($K patch deployment web -p '{"spec":{"template":{"spec":{"containers":[{"name":"side","$patch":"delete"}]}}}}' 2>&1)
expect_eq "\$patch: delete removes a container" "$(jp deploy web '{.spec.template.spec.containers[*].name}')" "web"

# --- replace with a stale resourceVersion
$K get cm cfg -o yaml >"$tmp/cfg-live.yaml"
$K label cm cfg bump=1 >/dev/null
out=$($K replace -f "$tmp/cfg-live.yaml" 2>&1)
expect_contains "replace with a stale resourceVersion" "$out" "Error from server (Conflict): error when replacing \"$tmp/cfg-live.yaml\": Operation cannot be fulfilled on configmaps \"cfg\": the object has been modified"

# --- kubectl 1.27: OpenAPI v2 only
out=$($K27 apply -f "$tmp/cm.yaml" --validate=false 2>&1)
expect_contains "kubectl 1.27 apply with --validate=false" "$out" "configmap/cfg"

rm -rf "$tmp"
