#!/bin/bash
# End to end: server-side apply and managedFields with the real kubectl, as a
# user sees them:
#   $ kubectl apply --server-side -f cm.yaml
#   configmap/cfg serverside-applied
#   $ kubectl patch cm cfg -p '{"data":{"a":"x"}}'; kubectl apply --server-side -f cm.yaml
#   error: Apply failed with 1 conflict: conflict with "kubectl-patch" using v1: .data.a
# on a ConfigMap, a Deployment (containers and ports as list-maps), a
# Service and a custom resource; the migration from client-side apply,
# --dry-run=server, --show-managed-fields, and the API's own answers
# (fieldManager required, CBOR refused, kube's 409 Status).
. "$(dirname "$0")/lib.sh"
KAPI_RECONCILE=0 kapi_start
tmp=$(mktemp -d)
K="$KUBECTL --kubeconfig $KUBECONFIG --cache-dir $KAPI_STATE/kube-cache"
mf() { $K get "$1" "$2" -o go-template='{{range .metadata.managedFields}}{{.manager}}/{{.operation}}/{{.apiVersion}}{{if .subresource}}/{{.subresource}}{{end}};{{end}}'; }
fields() { $K get "$1" "$2" -o json --show-managed-fields | python3 -c '
import json, sys
o = json.load(sys.stdin)
for e in o["metadata"].get("managedFields", []):
    if e["manager"] == sys.argv[1] and e["operation"] == sys.argv[2]:
        print(json.dumps(e["fieldsV1"], separators=(",", ":")))' "$3" "$4"; }
rv() { $K get "$1" "$2" -o jsonpath='{.metadata.resourceVersion}'; }

# ---- a ConfigMap: first apply, the same again, a conflict, force
cat >"$tmp/cm.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
  labels:
    test-label: test
data:
  a: "1"
  b: "2"
YAML
out=$($K apply --server-side -f "$tmp/cm.yaml" 2>&1)
expect_eq "apply --server-side creates" "$out" "configmap/cfg serverside-applied"
expect_eq "one Apply entry for kubectl" "$(mf cm cfg)" "kubectl/Apply/v1;"
expect_eq "its fields in kube's FieldsV1" "$(fields cm cfg kubectl Apply)" \
    '{"f:data":{"f:a":{},"f:b":{}},"f:metadata":{"f:labels":{"f:test-label":{}}}}'
t=$($K get cm cfg -o jsonpath='{.metadata.managedFields[0].time} {.metadata.managedFields[0].fieldsType}')
expect_contains "time and fieldsType FieldsV1" "$t" "Z FieldsV1"
rv1=$(rv cm cfg)
out=$($K apply --server-side -f "$tmp/cm.yaml" 2>&1)
expect_eq "the same apply again" "$out" "configmap/cfg serverside-applied"
expect_eq "an unchanged apply writes nothing (same resourceVersion)" "$(rv cm cfg)" "$rv1"
out=$($K get cm cfg -o yaml)
[[ $out != *managedFields* ]] && ok "kubectl get -o yaml hides managedFields" || not_ok "kubectl get -o yaml hides managedFields" "$out"
out=$($K get cm cfg -o yaml --show-managed-fields)
expect_contains "--show-managed-fields prints them" "$out" "    manager: kubectl
    operation: Apply"
$K patch cm cfg -p '{"data":{"a":"x"}}' >/dev/null
expect_eq "a merge patch is an Update by kubectl-patch" "$(mf cm cfg)" "kubectl/Apply/v1;kubectl-patch/Update/v1;"
expect_eq "the patch took .data.a from the applier" "$(fields cm cfg kubectl Apply)" \
    '{"f:data":{"f:b":{}},"f:metadata":{"f:labels":{"f:test-label":{}}}}'
out=$($K apply --server-side -f "$tmp/cm.yaml" 2>&1)
expect_eq "apply over another manager's change: kube's conflict" "$(echo "$out" | head -1)" \
    'error: Apply failed with 1 conflict: conflict with "kubectl-patch" using v1: .data.a'
http curl_admin "/api/v1/namespaces/default/configmaps/cfg?fieldManager=kubectl" -X PATCH \
    -H 'Content-Type: application/apply-patch+yaml' --data-binary @"$tmp/cm.yaml"
expect_eq "the conflict is a 409" "$HTTP_CODE" "409"
st=$(echo "$HTTP_BODY" | python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["reason"], json.dumps(s["details"], separators=(",",":")))')
expect_eq "reason Conflict, a FieldManagerConflict cause per field" "$st" \
    'Conflict {"causes":[{"reason":"FieldManagerConflict","message":"conflict with \"kubectl-patch\" using v1","field":".data.a"}]}'
out=$($K apply --server-side --force-conflicts -f "$tmp/cm.yaml" 2>&1)
expect_eq "--force-conflicts" "$out" "configmap/cfg serverside-applied"
expect_eq "force took .data.a back (kubectl-patch owned nothing else)" "$(mf cm cfg)" "kubectl/Apply/v1;"
expect_eq "the value applied" "$($K get cm cfg -o jsonpath='{.data.a}')" "1"
# two managers, two fields: the multi-line message
$K patch cm cfg -p '{"data":{"a":"y","b":"y"}}' >/dev/null
out=$($K apply --server-side -f "$tmp/cm.yaml" 2>&1)
expect_eq "two conflicts: kube's list form" "$(echo "$out" | head -3)" \
    'error: Apply failed with 2 conflicts: conflicts with "kubectl-patch" using v1:
- .data.a
- .data.b'
$K apply --server-side --force-conflicts -f "$tmp/cm.yaml" >/dev/null
# a field dropped from the configuration goes when nobody else owns it
sed -i '/  b: "2"/d' "$tmp/cm.yaml"
$K apply --server-side -f "$tmp/cm.yaml" >/dev/null
expect_eq "a field no longer applied is removed" "$($K get cm cfg -o jsonpath='{.data}')" '{"a":"1"}'
# shared ownership: another applier with the same value, then one leaves
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: "1"\n' >"$tmp/cm2.yaml"
$K apply --server-side --field-manager=other -f "$tmp/cm2.yaml" >/dev/null 2>&1
# (an apply that changes nothing records no time; kube sorts a missing time first)
expect_eq "the same value applied by a second manager: no conflict, shared" "$(mf cm cfg)" "other/Apply/v1;kubectl/Apply/v1;"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  labels:\n    test-label: test\n' >"$tmp/cm3.yaml"
$K apply --server-side -f "$tmp/cm3.yaml" >/dev/null
expect_eq "a field still owned by another manager stays" "$($K get cm cfg -o jsonpath='{.data.a}')" "1"
# --dry-run=server
out=$(sed 's/test-label: test/test-label: dry/' "$tmp/cm3.yaml" | $K apply --server-side --dry-run=server -f - 2>&1)
expect_eq "--dry-run=server" "$out" "configmap/cfg serverside-applied (server dry run)"
expect_eq "a dry run changes nothing" "$($K get cm cfg -o jsonpath='{.metadata.labels.test-label}')" "test"
# kubectl diff --server-side: a dry-run apply
$K diff --server-side -f "$tmp/cm3.yaml" >/dev/null 2>&1
expect_eq "diff --server-side: no difference, exit 0" "$?" "0"
out=$(sed 's/test-label: test/test-label: other/' "$tmp/cm3.yaml" | $K diff --server-side -f - 2>&1)
expect_contains "diff --server-side shows the change" "$out" "+    test-label: other"
# managedFields reset: [{}] clears, [] keeps
$K patch cm cfg --type=merge -p '{"metadata":{"managedFields":[]}}' >/dev/null
expect_eq "a write with managedFields [] keeps them" "$(mf cm cfg)" "other/Apply/v1;kubectl/Apply/v1;"
$K patch cm cfg --type=merge -p '{"metadata":{"managedFields":[{}]}}' >/dev/null
expect_eq "a write with managedFields [{}] clears them" "$(mf cm cfg)" ""
$K label cm cfg more=yes >/dev/null
expect_eq "an Update of an object without managers records nothing" "$(mf cm cfg)" ""
$K apply --server-side -f "$tmp/cm3.yaml" >/dev/null
expect_eq "the first apply gives what was there to before-first-apply" "$(mf cm cfg)" \
    "kubectl/Apply/v1;before-first-apply/Update/v1;"

expect_eq "what the apiserver creates itself is kube-apiserver's" "$(mf clusterrole cluster-admin)" "kube-apiserver/Update/rbac.authorization.k8s.io/v1;"
expect_eq "a namespace's defaulted label belongs to its creator" "$(fields namespace default kube-apiserver Update)" '{"f:metadata":{"f:labels":{".":{},"f:kubernetes.io/metadata.name":{}}}}'

# ---- the API's answers
http curl_admin "/api/v1/namespaces/default/configmaps/cfg" -X PATCH \
    -H 'Content-Type: application/apply-patch+yaml' --data-binary @"$tmp/cm.yaml"
expect_eq "apply without fieldManager: 422" "$HTTP_CODE" "422"
expect_eq "kube's message" "$(echo "$HTTP_BODY" | python3 -c 'import json,sys; print(json.load(sys.stdin)["message"])')" \
    'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch'
http curl_admin "/api/v1/namespaces/default/configmaps/cfg?fieldManager=x" -X PATCH \
    -H 'Content-Type: application/apply-patch+cbor' --data-binary @"$tmp/cm.yaml"
expect_eq "apply-patch+cbor: 415 (1.32 without the CBOR gate)" "$HTTP_CODE" "415"
expect_contains "415 lists the patch types" "$HTTP_BODY" \
    "application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml"
http curl_admin "/api/v1/namespaces/default/configmaps/cfg?force=true" -X PATCH \
    -H 'Content-Type: application/merge-patch+json' -d '{}'
expect_eq "force on a merge patch: 422" "$HTTP_CODE" "422"
expect_contains "kube's message" "$HTTP_BODY" 'force: Forbidden: may not be specified for non-apply patch'
http curl_admin "/api/v1/namespaces/default/configmaps/cfg?fieldManager=x" -X PATCH \
    -H 'Content-Type: application/apply-patch+yaml' -d '{"apiVersion":"v2","kind":"ConfigMap","metadata":{"name":"cfg"}}'
expect_eq "an apply of another version: 400" "$HTTP_CODE" "400"
expect_contains "kube's message" "$HTTP_BODY" "Incorrect version specified in apply patch. Specified patch version: v2, expected: v1"
http curl_admin "/api/v1/namespaces/default/configmaps/json?fieldManager=curl" -X PATCH \
    -H 'Content-Type: application/apply-patch+yaml' -d '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"json"},"data":{"k":"v"}}'
expect_eq "a JSON body is YAML: created (201)" "$HTTP_CODE" "201"

# ---- a Deployment: list-maps by name and by containerPort+protocol
cat >"$tmp/deploy.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        ports:
        - containerPort: 80
YAML
out=$($K apply --server-side -f "$tmp/deploy.yaml" 2>&1)
expect_eq "apply a Deployment" "$out" "deployment.apps/web serverside-applied"
expect_eq "the applier owns what it applied, keys with the protocol default" "$(fields deployment web kubectl Apply)" \
    '{"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:name":{},"f:ports":{"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}}}}}}}}}'
expect_eq "defaults are filled in" "$($K get deployment web -o jsonpath='{.spec.template.spec.containers[0].ports[0].protocol} {.spec.strategy.type}')" "TCP RollingUpdate"
rv1=$(rv deployment web)
$K apply --server-side -f "$tmp/deploy.yaml" >/dev/null
expect_eq "the Deployment applied again: same resourceVersion" "$(rv deployment web)" "$rv1"
$K set image deployment/web nginx=nginx:1.26 >/dev/null
out=$($K apply --server-side -f "$tmp/deploy.yaml" 2>&1)
expect_eq "set image, then apply: conflict on the container's image" "$(echo "$out" | head -1)" \
    'error: Apply failed with 1 conflict: conflict with "kubectl-set" using apps/v1: .spec.template.spec.containers[name="nginx"].image'
$K scale deployment web --replicas=3 >/dev/null
out=$($K apply --server-side -f "$tmp/deploy.yaml" 2>&1)
expect_contains "scale is an Update through the scale subresource" "$out" \
    'conflicts with "kubectl" with subresource "scale" using apps/v1:
- .spec.replicas'
out=$($K apply --server-side --force-conflicts -f "$tmp/deploy.yaml" 2>&1)
expect_eq "forced" "$out" "deployment.apps/web serverside-applied"
expect_eq "image and replicas back" "$($K get deployment web -o jsonpath='{.spec.replicas} {.spec.template.spec.containers[0].image}')" "2 nginx:1.25"
# a second container and port merge by key
sed -i 's/        - containerPort: 80/        - containerPort: 80\n        - containerPort: 53\n          protocol: UDP\n      - name: side\n        image: busybox/' "$tmp/deploy.yaml"
$K apply --server-side -f "$tmp/deploy.yaml" >/dev/null
expect_eq "containers and ports merged by their keys" \
    "$($K get deployment web -o jsonpath='{range .spec.template.spec.containers[*]}{.name}:{range .ports[*]}{.containerPort}/{.protocol},{end};{end}')" \
    "nginx:80/TCP,53/UDP,;side:;"

# the scale subresource takes an apply of an autoscaling/v1 Scale
http curl_admin "/apis/apps/v1/namespaces/default/deployments/web/scale?fieldManager=hpa" -X PATCH \
    -H 'Content-Type: application/apply-patch+yaml' -d '{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"web"},"spec":{"replicas":4}}'
expect_eq "apply of deployments/scale" "$HTTP_CODE $($K get deployment web -o jsonpath='{.spec.replicas}')" "200 4"
expect_contains "recorded through the scale subresource" "$(mf deployment web)" "hpa/Update/apps/v1/scale;"

# ---- migration from client-side apply (kubectl's csaupgrade)
cat >"$tmp/svc.yaml" <<'YAML'
apiVersion: v1
kind: Service
metadata:
  name: front
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 8080
YAML
$K apply -f "$tmp/svc.yaml" >/dev/null
expect_eq "client-side apply: an Update by kubectl-client-side-apply" "$(mf service front)" "kubectl-client-side-apply/Update/v1;"
out=$($K apply --server-side -f "$tmp/svc.yaml" 2>&1)
expect_eq "then server-side apply: no conflict" "$out" "service/front serverside-applied"
# (kubectl-last-applied has no time: sorted first)
expect_eq "kubectl moved the client-side entry to its Apply entries (kubectl-last-applied owns the annotation)" \
    "$(mf service front)" "kubectl-last-applied/Apply/v1;kubectl/Apply/v1;"
expect_contains "the Service's ports by port and protocol" "$(fields service front kubectl Apply)" \
    '"f:ports":{"k:{\"port\":80,\"protocol\":\"TCP\"}":{".":{},"f:port":{},"f:targetPort":{}}}'

expect_eq "kubectl's server-side apply keeps the client-side annotation in step (keys sorted)" \
    "$($K get service front -o jsonpath='{.metadata.annotations.kubectl\.kubernetes\.io/last-applied-configuration}')" \
    '{"apiVersion":"v1","kind":"Service","metadata":{"name":"front","namespace":"default"},"spec":{"ports":[{"port":80,"targetPort":8080}],"selector":{"app":"web"}}}'

# ---- a custom resource
kubectl apply -f "$(dirname "$0")/data/crds/crontabs.yaml" >/dev/null
kubectl wait --for=condition=Established crd/crontabs.stable.example.com --timeout=10s >/dev/null
printf 'apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata: {name: nightly}\nspec: {cronSpec: "0 3 * * *", image: backup}\n' \
    >"$tmp/cron.yaml"
out=$($K apply --server-side -f "$tmp/cron.yaml" 2>&1)
expect_eq "apply a custom resource" "$out" "crontab.stable.example.com/nightly serverside-applied"
expect_eq "its fields from the CRD's schema" "$(fields crontab nightly kubectl Apply)" \
    '{"f:spec":{"f:cronSpec":{},"f:image":{}}}'
$K patch crontab nightly --type=merge -p '{"spec":{"image":"other"}}' >/dev/null
out=$($K apply --server-side -f "$tmp/cron.yaml" 2>&1)
expect_eq "a custom resource's conflict" "$(echo "$out" | head -1)" \
    'error: Apply failed with 1 conflict: conflict with "kubectl-patch" using stable.example.com/v1: .spec.image'

rm -rf "$tmp"
