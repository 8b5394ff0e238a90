#!/bin/bash
# End to end: real operators' CustomResourceDefinitions, as they ship them
# (tests/data/crds/, sources in its README): Prometheus Operator's
# ServiceMonitor, Flux's GitRepository, Gateway API's Gateway and HTTPRoute
# (with their CEL rules). What a user who installs them sees:
#   $ kubectl create -f monitoring.coreos.com_servicemonitors.yaml
#   customresourcedefinition.apiextensions.k8s.io/servicemonitors.monitoring.coreos.com created
#   $ kubectl get gateways
#   NAME   CLASS     ADDRESS   PROGRAMMED   AGE
#   gw     example                          1s
# (They are too large for client-side `kubectl apply`, whose annotation
# would pass 256 KiB, as against kube-apiserver: users create them.)
. "$(dirname "$0")/lib.sh"
KAPI_RECONCILE=0 kapi_start
D=$(dirname "$0")/../data/crds
D_TMP=$(mktemp -d)
trap 'rm -rf "$D_TMP"; kapi_stop' EXIT

for f in monitoring.coreos.com_servicemonitors source.toolkit.fluxcd.io_gitrepositories \
         gateway.networking.k8s.io_gateways gateway.networking.k8s.io_httproutes; do
    name=${f#*_}.${f%%_*}
    expect_eq "kubectl create -f $f.yaml" "$(kubectl create -f "$D/$f.yaml" 2>&1)" \
        "customresourcedefinition.apiextensions.k8s.io/$name created"
done
out=$(kubectl wait --for=condition=Established crd --all --timeout=30s 2>&1)
expect_eq "all four Established" "$(echo "$out" | grep -c 'condition met')" "4"

# ---- ServiceMonitor: an unknown field (kubectl's default --validate=strict
# refuses it, --validate=warn warns and prunes it), an enum
monitor() {
    cat <<'Y'
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  endpoints: [{port: http, interval: 30s, unknownField: 1}]
Y
}
out=$(monitor | kubectl apply -f - 2>&1)
expect_eq "an unknown field with fieldValidation Strict (kubectl's default): kube's 400" "$out" \
    'Error from server (BadRequest): error when creating "STDIN": ServiceMonitor in version "v1" cannot be handled as a ServiceMonitor: strict decoding error: unknown field "spec.endpoints[0].unknownField"'
out=$(monitor | kubectl apply --validate=warn -f - 2>&1)
expect_eq "with fieldValidation Warn: kube's warning, and the object is created" "$out" \
    'Warning: unknown field "spec.endpoints[0].unknownField"
servicemonitor.monitoring.coreos.com/web created'
expect_eq "kubectl get servicemonitors: NAME and AGE (no printer columns)" \
    "$(kubectl get servicemonitors | head -1 | tr -s ' ')" "NAME AGE"
expect_eq "the unknown field is pruned" "$(kubectl get servicemonitor web -o jsonpath='{.spec.endpoints[0]}')" \
    '{"interval":"30s","port":"http"}'
out=$(kubectl apply -f - 2>&1 <<'Y'
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: bad}
spec:
  selector: {matchLabels: {app: web}}
  endpoints: [{port: http, scheme: ftp}]
Y
)
expect_eq "an enum value refused with kube's message" "$out" \
    'The ServiceMonitor "bad" is invalid: spec.endpoints[0].scheme: Unsupported value: "ftp": supported values: "http", "https", "HTTP", "HTTPS"'
out=$(kubectl explain servicemonitor.spec.endpoints.scheme 2>&1)
expect_contains "kubectl explain reads the CRD's schema" "$out" "FIELD: scheme <string>"

# ---- Gateway: defaults, a CEL rule, printer columns, short name
out=$(kubectl apply -f - 2>&1 <<'Y'
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  gatewayClassName: example
  listeners:
  - {name: http, protocol: HTTP, port: 80}
Y
)
expect_eq "Gateway created" "$out" "gateway.gateway.networking.k8s.io/gw created"
expect_eq "the listener's defaults from the schema" "$(kubectl get gtw gw -o jsonpath='{.spec.listeners[0].allowedRoutes}')" \
    '{"namespaces":{"from":"Same"}}'
expect_eq "kubectl get gateways: the CRD's printer columns" "$(kubectl get gateways | head -1 | tr -s ' ')" \
    "NAME CLASS ADDRESS PROGRAMMED AGE"
out=$(kubectl apply -f - 2>&1 <<'Y'
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw-bad}
spec:
  gatewayClassName: example
  listeners:
  - name: http
    protocol: HTTP
    port: 80
    tls: {mode: Terminate, certificateRefs: [{name: c}]}
Y
)
expect_eq "a CEL rule violated: kube's message" "$out" \
    "The Gateway \"gw-bad\" is invalid: spec.listeners: Invalid value: \"array\": tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']"

# ---- HTTPRoute: nested defaults
out=$(kubectl apply -f - 2>&1 <<'Y'
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r}
spec:
  parentRefs: [{name: gw}]
  rules: [{matches: [{path: {type: PathPrefix, value: /api}}], backendRefs: [{name: svc, port: 8080}]}]
Y
)
expect_eq "HTTPRoute created" "$out" "httproute.gateway.networking.k8s.io/r created"
expect_eq "backendRefs defaults (group, kind, weight)" "$(kubectl get httproute r -o jsonpath='{.spec.rules[0].backendRefs[0]}')" \
    '{"group":"","kind":"Service","name":"svc","port":8080,"weight":1}'

# ---- GitRepository: printer columns with a JSONPath into status
out=$(kubectl apply -f - 2>&1 <<'Y'
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: podinfo}
spec: {url: https://github.com/stefanprodan/podinfo, interval: 1m, ref: {branch: master}}
Y
)
expect_eq "GitRepository created" "$out" "gitrepository.source.toolkit.fluxcd.io/podinfo created"
expect_eq "kubectl get gitrepositories" "$(kubectl get gitrepositories | awk '{print $1, $2}')" \
    "NAME URL
podinfo https://github.com/stefanprodan/podinfo"

# ---- protobuf: a CRD sent as protobuf (as a Go client of the
# apiextensions clientset may send it): JSONSchemaProps' unions travel as
# kube's union messages (items: JSONSchemaPropsOrArray, additionalProperties:
# JSONSchemaPropsOrBool)
pb_crd() {
    python3 - <<'PY'
import sys
def varint(v):
    out = b""
    while True:
        b = v & 0x7f; v >>= 7
        out += bytes([b | (0x80 if v else 0)])
        if not v: return out
def ld(num, data): return varint(num << 3 | 2) + varint(len(data)) + data
def vi(num, v): return varint(num << 3) + varint(v)
def s(num, text): return ld(num, text.encode())
def prop(name, schema): return ld(29, s(1, name) + ld(2, schema))   # properties: map entry
string = s(5, "string")
labels = s(5, "object") + ld(30, vi(1, 1) + ld(2, string))          # OrBool {allows, schema}
tags = s(5, "array") + ld(24, ld(1, string))                        # OrArray {schema}
spec = s(5, "object") + prop("labels", labels) + prop("tags", tags)
root = s(5, "object") + prop("spec", spec)
version = s(1, "v1") + vi(2, 1) + vi(3, 1) + ld(4, ld(1, root))
crd = (ld(1, s(1, "pbthings.example.com")) +
       ld(2, s(1, "example.com") + ld(3, s(1, "pbthings") + s(4, "PbThing")) + s(4, "Namespaced") + ld(7, version)))
typemeta = s(1, "apiextensions.k8s.io/v1") + s(2, "CustomResourceDefinition")
sys.stdout.buffer.write(b"k8s\x00" + ld(1, typemeta) + ld(2, crd))
PY
}
pb_crd >"$D_TMP/crd.pb"
http curl_admin /apis/apiextensions.k8s.io/v1/customresourcedefinitions -X POST \
    -H 'Content-Type: application/vnd.kubernetes.protobuf' --data-binary @"$D_TMP/crd.pb"
expect_eq "a CRD created from a protobuf body: 201" "$HTTP_CODE" "201"
expect_eq "its additionalProperties and items schemas, as JSON" \
    "$(jq -c '.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties | [.labels.additionalProperties, .tags.items]' <<<"$HTTP_BODY")" \
    '[{"type":"string"},{"type":"string"}]'
kubectl wait --for=condition=Established crd/pbthings.example.com --timeout=10s >/dev/null 2>&1
out=$(kubectl create -f - -o jsonpath='{.spec}' 2>&1 <<'Y'
apiVersion: example.com/v1
kind: PbThing
metadata: {name: one}
spec: {labels: {a: x, b: z}, tags: [p, q]}
Y
)
expect_eq "its schema serves objects (a map and a list kept)" "$out" '{"labels":{"a":"x","b":"z"},"tags":["p","q"]}'
kubectl delete crd pbthings.example.com >/dev/null 2>&1

# ---- deleting a CRD takes its objects and its kind with it
expect_eq "kubectl delete crd" "$(kubectl delete crd servicemonitors.monitoring.coreos.com 2>&1)" \
    'customresourcedefinition.apiextensions.k8s.io "servicemonitors.monitoring.coreos.com" deleted'
expect_eq "the kind is gone from discovery" "$(kubectl api-resources --api-group=monitoring.coreos.com --no-headers 2>&1)" ""
http curl_admin /apis/monitoring.coreos.com/v1/namespaces/default/servicemonitors
expect_eq "and from routing" "$HTTP_CODE" "404"
expect_eq "the other CRDs' kinds stay" "$(kubectl api-resources --api-group=gateway.networking.k8s.io --no-headers | awk '{print $1}' | tr '\n' ' ')" \
    "gateways httproutes "
