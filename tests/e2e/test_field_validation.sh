#!/bin/bash
# End to end: fieldValidation=Strict|Warn|Ignore on create, update and patch.
# Unknown and duplicate fields are checked against the field schema: 400
# under Strict with kube-apiserver's "strict decoding error: ..." message,
# one "Warning: 299" header per problem under Warn (also the default),
# nothing under Ignore; wrong types get Go's unmarshal wording whatever the
# directive. Through curl (exact messages and headers) and kubectl 1.32.
. "$(dirname "$0")/lib.sh"
KAPI_RECONCILE=0 kapi_start

K="$KUBECTL --kubeconfig $KUBECONFIG --cache-dir $KAPI_STATE/kube-cache"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; kapi_stop' EXIT
CM=/api/v1/namespaces/default/configmaps
DEPLOY=/apis/apps/v1/namespaces/default/deployments

# send METHOD PATH CONTENT-TYPE BODY: sets HTTP_CODE, MESSAGE (the Status
# message, if any) and WARNINGS (the Warning header values, one a line).
send() {
    local out
    out=$(curl_admin "$2" -X "$1" -H "Content-Type: $3" --data-binary "$4" -D "$tmp/headers" -o "$tmp/body" -w '%{http_code}')
    HTTP_CODE=$out
    MESSAGE=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("message", ""))' "$tmp/body" 2>/dev/null)
    WARNINGS=$(tr -d '\r' <"$tmp/headers" | sed -n 's/^[Ww]arning: //p')
}
stored() { $K get "$1" "$2" -o jsonpath="$3"; }

bad_cm='{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"NAME","foo":1,"name":"NAME"},"spec":{"foo":1},"data":{"x":"y"}}'

# --- create: the three directives and the default
send POST "$CM?fieldValidation=Strict" application/json "${bad_cm//NAME/strict}"
expect_eq "Strict: unknown and duplicate fields are 400" "$HTTP_CODE" "400"
expect_eq "  every problem in document order" "$MESSAGE" \
    'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "metadata.foo", duplicate field "metadata.name", unknown field "spec"'

send POST "$CM?fieldValidation=Warn" application/json "${bad_cm//NAME/warn}"
expect_eq "Warn: created" "$HTTP_CODE" "201"
expect_eq "  with one Warning header per problem" "$WARNINGS" '299 - "unknown field \"metadata.foo\""
299 - "duplicate field \"metadata.name\""
299 - "unknown field \"spec\""'
expect_eq "  the unknown fields are not stored" "$(curl_admin "$CM/warn" | python3 -c 'import json,sys; o=json.load(sys.stdin); print(sorted(o), sorted(o["metadata"]))')" \
    "['apiVersion', 'data', 'kind', 'metadata'] ['creationTimestamp', 'managedFields', 'name', 'namespace', 'resourceVersion', 'uid']"

send POST "$CM" application/json "${bad_cm//NAME/default}"
expect_eq "no directive: created" "$HTTP_CODE" "201"
expect_contains "  and warned (kube's default is Warn)" "$WARNINGS" '299 - "unknown field \"spec\""'

send POST "$CM?fieldValidation=Ignore" application/json "${bad_cm//NAME/ignore}"
expect_eq "Ignore: created" "$HTTP_CODE" "201"
expect_eq "  without warnings" "$WARNINGS" ""

send POST "$CM?fieldValidation=Loud" application/json '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"loud"}}'
expect_eq "an unknown directive is 422" "$HTTP_CODE" "422"
expect_eq "  with kube's message" "$MESSAGE" \
    'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loud": supported values: "", "Ignore", "Strict", "Warn"'

# --- nested: inside lists of objects
send POST "$DEPLOY?fieldValidation=Strict" application/json \
    '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i","foo":1,"name":"c","ports":[{"containerPort":80,"bar":2}]}]}}}}'
expect_eq "unknown and duplicate fields inside lists" "$MESSAGE" \
    'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.containers[0].foo", duplicate field "spec.template.spec.containers[0].name", unknown field "spec.template.spec.containers[0].ports[0].bar"'

# --- wrong types: Go's wording, whatever the directive
send POST "$CM?fieldValidation=Ignore" application/json '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"t"},"data":{"a":1}}'
expect_eq "a number as a ConfigMap data value is 400" "$HTTP_CODE" "400"
expect_eq "  with Go's message" "$MESSAGE" \
    'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type string'
send POST "$DEPLOY" application/json '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"t"},"spec":{"replicas":"3"}}'
expect_eq "a string as replicas" "$MESSAGE" \
    'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32'
send POST /api/v1/namespaces/default/pods application/json '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"t"},"spec":{"containers":[{"name":"c","image":5}]}}'
expect_eq "a number as a container image" "$MESSAGE" \
    'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field Container.spec.containers.image of type string'
send POST "$CM" application/json '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"t","creationTimestamp":"yesterday"}}'
expect_eq "a timestamp that is not RFC 3339" "$MESSAGE" \
    'ConfigMap in version "v1" cannot be handled as a ConfigMap: parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"'
send POST "$CM" application/json '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"t"},"binaryData":{"q":"!!"}}'
expect_eq "binaryData that is not base64" "$MESSAGE" \
    'ConfigMap in version "v1" cannot be handled as a ConfigMap: illegal base64 data at input byte 0'

# --- YAML bodies: duplicate keys found by the strict YAML reader
send POST "$CM?fieldValidation=Strict" application/yaml $'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: yaml1\n  name: yaml1\n'
expect_eq "YAML: a duplicate key under Strict" "$MESSAGE" \
    $'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: yaml: unmarshal errors:\n  line 5: key "name" already set in map'
send POST "$CM?fieldValidation=Warn" application/yaml $'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: yaml2\nspec:\n  foo: 1\n'
expect_eq "YAML: an unknown field under Warn" "$HTTP_CODE $WARNINGS" '201 299 - "unknown field \"spec\""'

# --- update
send PUT "$CM/warn?fieldValidation=Strict" application/json '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"warn"},"data":{"x":"z"},"spec":{"foo":1}}'
expect_eq "update under Strict: 400" "$HTTP_CODE" "400"
expect_eq "  with the strict message" "$MESSAGE" \
    'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "spec"'
send PUT "$CM/warn?fieldValidation=Warn" application/json '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"warn"},"data":{"x":"z"},"spec":{"foo":1}}'
expect_eq "update under Warn: 200 and a warning" "$HTTP_CODE $WARNINGS" '200 299 - "unknown field \"spec\""'
expect_eq "  the update is stored" "$(stored cm warn '{.data.x}')" "z"

# --- patch: every patch type checks the patched object
for type in merge-patch+json strategic-merge-patch+json; do
    send PATCH "$CM/warn?fieldValidation=Strict" "application/$type" '{"data":{"x":"p"},"spec":{"foo":1}}'
    expect_eq "$type under Strict" "$HTTP_CODE $MESSAGE" '400 strict decoding error: unknown field "spec"'
done
send PATCH "$CM/warn?fieldValidation=Strict" application/merge-patch+json '{"data":{"x":"p","x":"q"}}'
expect_eq "a duplicate field in a merge patch" "$MESSAGE" 'strict decoding error: duplicate field "data.x"'
send PATCH "$CM/warn?fieldValidation=Strict" application/json-patch+json '[{"op":"add","path":"/spec","value":{"foo":1}}]'
expect_eq "a JSON patch adding an unknown field" "$HTTP_CODE $MESSAGE" '400 strict decoding error: unknown field "spec"'
send PATCH "$CM/warn?fieldValidation=Warn" application/merge-patch+json '{"data":{"x":"w"},"spec":{"foo":1}}'
expect_eq "merge patch under Warn: 200 and a warning" "$HTTP_CODE $WARNINGS" '200 299 - "unknown field \"spec\""'
expect_eq "  the patch is applied" "$(stored cm warn '{.data.x}')" "w"
send PATCH "$CM/warn?fieldValidation=Ignore" application/merge-patch+json '{"data":{"x":"i"},"spec":{"foo":1}}'
expect_eq "merge patch under Ignore: 200, no warning" "$HTTP_CODE $WARNINGS" '200 '

# --- kubectl 1.32: --validate=strict (its default), warn, ignore
cat >"$tmp/deploy.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: kd
spec:
  selector:
    matchLabels: {app: kd}
  template:
    metadata:
      labels: {app: kd}
    spec:
      containers:
      - name: c
        image: nginx
        imagePullPolcy: Always
YAML
out=$($K create -f "$tmp/deploy.yaml" 2>&1)
expect_eq "kubectl create -f with a misspelt field" "$out" \
    "Error from server (BadRequest): error when creating \"$tmp/deploy.yaml\": Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.template.spec.containers[0].imagePullPolcy\""
out=$($K create -f "$tmp/deploy.yaml" --validate=warn 2>&1)
expect_eq "kubectl create -f --validate=warn" "$out" \
    'Warning: unknown field "spec.template.spec.containers[0].imagePullPolcy"
deployment.apps/kd created'
$K delete deploy kd >/dev/null 2>&1
out=$($K create -f "$tmp/deploy.yaml" --validate=ignore 2>&1)
expect_eq "kubectl create -f --validate=ignore" "$out" "deployment.apps/kd created"
