#!/bin/bash
# End to end: /openapi/v2 as kube-apiserver serves it (JSON and gnostic's
# protobuf, ETag and 304), kubectl 1.27 and 1.28 (which read v2 before
# they validate, apply or explain) with validation on, and explain's types
# as kube prints them (<IntOrString>, <map[string]Quantity>, <[]Container>,
# <map[string]string>) with kubectl 1.27 and 1.32.
. "$(dirname "$0")/lib.sh"
KAPI_RECONCILE=0 kapi_start

BIN=/usr/lib/google-cloud-sdk/bin
K27="$BIN/kubectl.1.27 --kubeconfig $KUBECONFIG --cache-dir $KAPI_STATE/kube-cache27"
K28="$BIN/kubectl.1.28 --kubeconfig $KUBECONFIG --cache-dir $KAPI_STATE/kube-cache28"
K32="$BIN/kubectl.1.32 --kubeconfig $KUBECONFIG --cache-dir $KAPI_STATE/kube-cache32"
PB=application/com.github.proto-openapi.spec.v2@v1.0+protobuf
tmp=$(mktemp -d)

# --- the document: JSON, protobuf, ETag, 304
hdr=$(curl_admin /openapi/v2 -o "$tmp/v2.json" -D - | tr -d '\r')
expect_contains "GET /openapi/v2 answers JSON" "$(echo "$hdr" | tr 'A-Z' 'a-z')" "content-type: application/json"
check "the JSON is valid" python3 -m json.tool "$tmp/v2.json"
python3 - "$tmp/v2.json" <<'PY' && ok "swagger 2.0 in kube's shape" || not_ok "swagger 2.0 in kube's shape"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["swagger"] == "2.0"
assert d["info"] == {"title": "Kubernetes", "version": "v1.32.0"}
defs = d["definitions"]
assert defs["io.k8s.api.apps.v1.Deployment"]["x-kubernetes-group-version-kind"] == [{"group": "apps", "kind": "Deployment", "version": "v1"}]
assert defs["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]["format"] == "int-or-string"
c = defs["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"]
assert c["x-kubernetes-patch-merge-key"] == "name" and c["x-kubernetes-patch-strategy"] == "merge"
assert c["items"] == {"$ref": "#/definitions/io.k8s.api.core.v1.Container"}
op = d["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments"]["post"]
assert op["x-kubernetes-action"] == "post" and op["operationId"] == "createAppsV1NamespacedDeployment"
assert op["parameters"][0] == {"in": "body", "name": "body", "required": True, "schema": {"$ref": "#/definitions/io.k8s.api.apps.v1.Deployment"}}
assert any(p["name"] == "fieldValidation" for p in op["parameters"])
def refs(v, in_properties=False):
    if isinstance(v, dict):
        for k, x in v.items():
            # a property may be named $ref (apiextensions' JSONSchemaProps)
            if k == "$ref" and not in_properties: yield x
            else: yield from refs(x, k == "properties" and not in_properties)
    elif isinstance(v, list):
        for x in v: yield from refs(x)
for r in refs(d):
    assert r.startswith("#/definitions/") and r[14:] in defs, r
PY
etag=$(echo "$hdr" | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')
expect_contains "the ETag is the quoted SHA-512" "$etag" '"'
hdr=$(curl_admin /openapi/v2 -H "Accept: $PB" -o "$tmp/v2.pb" -D - | tr -d '\r' | tr 'A-Z' 'a-z')
expect_contains "the protobuf answer's content type" "$hdr" "content-type: application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
expect_contains "the protobuf answer has the same ETag" "$hdr" "etag: $(echo "$etag" | tr 'A-Z' 'a-z')"
expect_eq "the protobuf starts with swagger: \"2.0\" (field 1)" "$(head -c 5 "$tmp/v2.pb" | od -An -c | tr -s ' ')" " \n 003 2 . 0"
code=$(curl_admin /openapi/v2 -o /dev/null -w '%{http_code}' -H "Accept: $PB" -H "If-None-Match: $etag")
expect_eq "If-None-Match with the ETag gives 304" "$code" "304"
code=$(curl_admin /openapi/v2 -o /dev/null -w '%{http_code}' -H "Accept: application/yaml")
expect_eq "an unacceptable type gives 406" "$code" "406"

# --- kubectl 1.27 and 1.28 with validation on: create, apply, an unknown field
cat >"$tmp/dep.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  strategy:
    rollingUpdate: {maxSurge: 1, maxUnavailable: "25%"}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        resources:
          limits: {cpu: 500m, memory: 128Mi}
YAML
cat >"$tmp/bad.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: bad
data:
  a: b
spec:
  foo: 1
YAML
for v in 27 28; do
    K=K$v
    K=${!K}
    out=$($K create -f "$tmp/dep.yaml" 2>&1)
    expect_eq "kubectl 1.$v create -f" "$out" "deployment.apps/web created"
    sed 's/replicas: 1/replicas: 2/' "$tmp/dep.yaml" >"$tmp/dep2.yaml"
    out=$($K apply -f "$tmp/dep2.yaml" 2>&1)
    expect_contains "kubectl 1.$v apply -f" "$out" "deployment.apps/web configured"
    expect_eq "kubectl 1.$v apply changed the object" "$($K get deploy web -o jsonpath='{.spec.replicas}')" "2"
    # kubectl 1.27 and 1.28 find fieldValidation in the OpenAPI documents
    # and leave validation to the server, as against kube-apiserver 1.32
    out=$($K create -f "$tmp/bad.yaml" 2>&1)
    expect_eq "kubectl 1.$v create -f with an unknown field" "$out" "Error from server (BadRequest): error when creating \"$tmp/bad.yaml\": ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"spec\""
    out=$($K apply -f "$tmp/bad.yaml" 2>&1)
    expect_contains "kubectl 1.$v apply -f with an unknown field" "$out" "strict decoding error: unknown field \"spec\""
    $K delete deploy web >/dev/null 2>&1
done

# --- explain: kube's types, kubectl 1.27 (reads v2 first) and 1.32
for v in 27 32; do
    K=K$v
    K=${!K}
    out=$($K explain deployment.spec.strategy.rollingUpdate 2>&1)
    expect_contains "kubectl 1.$v explain: maxSurge <IntOrString>" "$out" "maxSurge	<IntOrString>"
    out=$($K explain pod.spec.containers 2>&1)
    expect_contains "kubectl 1.$v explain pod.spec.containers" "$out" "FIELD: containers <[]Container>"
    expect_contains "kubectl 1.$v explain: resources <ResourceRequirements>" "$out" "resources	<ResourceRequirements>"
    expect_contains "kubectl 1.$v explain: ports <[]ContainerPort>" "$out" "ports	<[]ContainerPort>"
    out=$($K explain pod.spec.containers.resources 2>&1)
    expect_contains "kubectl 1.$v explain: limits <map[string]Quantity>" "$out" "limits	<map[string]Quantity>"
    out=$($K explain deployment.spec --recursive 2>&1)
    expect_contains "kubectl 1.$v explain --recursive: labels <map[string]string>" "$out" "labels	<map[string]string>"
    expect_contains "kubectl 1.$v explain --recursive: creationTimestamp <string> (Time)" "$out" "creationTimestamp	<string>"
    expect_contains "kubectl 1.$v explain --recursive: containers <[]Container>" "$out" "containers	<[]Container> -required-"
    grep -v 'enum:' <<<"$out" | grep -v '^$' >"$tmp/recursive-$v.txt"
done
check "kubectl 1.27 and 1.32 print the same fields and types for deployment.spec --recursive" \
    diff "$tmp/recursive-27.txt" "$tmp/recursive-32.txt"
out=$($K27 explain deployment.spec.strategy.rollingUpdate --output=plaintext-openapiv2 2>&1)
expect_contains "kubectl 1.27 explain from v2 (plaintext-openapiv2)" "$out" "maxSurge	<string>"

rm -rf "$tmp"
