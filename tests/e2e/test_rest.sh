#!/bin/bash
# End to end: the generic REST verbs through nginx with kubectl and curl:
# configmaps and secrets created, listed, printed, updated and deleted;
# optimistic concurrency; YAML in and out; bad bodies answered with a clear
# Status and nothing stored; namespaces, generateName, kapictl get.
. "$(dirname "$0")/lib.sh"
KAPI_RECONCILE=0 kapi_start   # the API server alone, as in the seed

KUBECTL31=/usr/lib/google-cloud-sdk/bin/kubectl.1.31   # JSON bodies for the create generators
K="$KUBECTL --kubeconfig $KUBECONFIG --cache-dir $KAPI_STATE/kube-cache"
K31="$KUBECTL31 --kubeconfig $KUBECONFIG --cache-dir $KAPI_STATE/kube-cache31"
API=https://127.0.0.1:$KAPI_PORT
tmp=$(mktemp -d)
# curl as kubernetes-admin, arguments as curl takes them
acurl() { curl -sk --cert "$KAPI_STATE/pki/admin.crt" --key "$KAPI_STATE/pki/admin.key" "$@"; }

# --- configmaps with kubectl
out=$($K31 create configmap cfg --from-literal=a=1 --from-literal=b=2 2>&1)
expect_eq "kubectl create configmap" "$out" "configmap/cfg created"
out=$($K get cm cfg -o jsonpath='{.data.a}' 2>&1)
expect_eq "kubectl get cm -o jsonpath" "$out" "1"
out=$($K get cm 2>&1)
expect_eq "kubectl get cm prints NAME DATA AGE" "$(echo "$out" | head -1)" "NAME   DATA   AGE"
expect_contains "kubectl get cm prints the row" "$(echo "$out" | grep '^cfg ')" "cfg"
expect_eq "cfg has DATA 2" "$(echo "$out" | awk '$1=="cfg"{print $2}')" "2"
cat >"$tmp/cm.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  a: "1"
YAML
out=$($K create -f "$tmp/cm.yaml" --validate=false 2>&1)
expect_eq "create -f of an existing configmap" "$out" "Error from server (AlreadyExists): error when creating \"$tmp/cm.yaml\": configmaps \"cfg\" already exists"
out=$($K label cm cfg tier=web 2>&1)
expect_eq "kubectl label (merge patch)" "$out" "configmap/cfg labeled"
expect_eq "label stored" "$($K get cm cfg -o jsonpath='{.metadata.labels.tier}')" "web"

# --- optimistic concurrency: a stale resourceVersion gets 409
rv=$($K get cm cfg -o jsonpath='{.metadata.resourceVersion}')
body="{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cfg\",\"resourceVersion\":\"$rv\"},\"data\":{\"a\":\"2\"}}"
code=$(acurl -o "$tmp/out" -w '%{http_code}' -X PUT -H 'Content-Type: application/json' --data "$body" "$API/api/v1/namespaces/default/configmaps/cfg")
expect_eq "PUT with the current resourceVersion" "$code" "200"
code=$(acurl -o "$tmp/out" -w '%{http_code}' -X PUT -H 'Content-Type: application/json' --data "$body" "$API/api/v1/namespaces/default/configmaps/cfg")
expect_eq "PUT with a stale resourceVersion is 409" "$code" "409"
expect_contains "409 message" "$(cat "$tmp/out")" '"message": "Operation cannot be fulfilled on configmaps \"cfg\": the object has been modified; please apply your changes to the latest version and try again"'
expect_contains "409 reason" "$(cat "$tmp/out")" '"reason": "Conflict"'
sed "s/^  name: cfg/  name: cfg\n  resourceVersion: \"$rv\"/" "$tmp/cm.yaml" >"$tmp/cm-stale.yaml"
out=$($K replace -f "$tmp/cm-stale.yaml" --validate=false 2>&1)
expect_contains "kubectl replace with a stale resourceVersion" "$out" "Error from server (Conflict): error when replacing \"$tmp/cm-stale.yaml\": Operation cannot be fulfilled on configmaps \"cfg\""
out=$($K replace -f "$tmp/cm.yaml" --validate=false 2>&1)
expect_eq "kubectl replace" "$out" "configmap/cfg replaced"
expect_eq "replace stored the new data" "$($K get cm cfg -o jsonpath='{.data}')" '{"a":"1"}'

# --- secrets
out=$($K31 create secret generic s --from-literal=password=hunter2 2>&1)
expect_eq "kubectl create secret" "$out" "secret/s created"
expect_eq "secret data is base64" "$($K get secret s -o jsonpath='{.data.password}')" "aHVudGVyMg=="
out=$($K get secrets 2>&1)
expect_contains "kubectl get secrets prints NAME TYPE DATA AGE" "$out" "NAME   TYPE     DATA   AGE"
expect_eq "secret row" "$(echo "$out" | awk '$1=="s"{print $2, $3}')" "Opaque 1"
code=$(acurl -o "$tmp/out" -w '%{http_code}' -H 'Content-Type: application/json' --data '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"bad64"},"data":{"k":"not base64!"}}' "$API/api/v1/namespaces/default/secrets")
expect_eq "secret with invalid base64 is 400" "$code" "400"
expect_contains "invalid base64 message" "$(cat "$tmp/out")" 'illegal base64 data at input byte'
out=$($K delete secret s 2>&1)
expect_eq "kubectl delete secret" "$out" 'secret "s" deleted'

# --- YAML in and out
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  key: value\n' >"$tmp/y.yaml"
code=$(acurl -o "$tmp/out" -w '%{http_code}' -H 'Content-Type: application/yaml' --data-binary @"$tmp/y.yaml" "$API/api/v1/namespaces/default/configmaps")
expect_eq "POST application/yaml" "$code" "201"
out=$(acurl -H 'Accept: application/yaml' "$API/api/v1/namespaces/default/configmaps/from-yaml")
expect_contains "GET Accept: application/yaml" "$out" "kind: ConfigMap"
expect_contains "YAML body data" "$out" "  key: value"
code=$(acurl -o "$tmp/out" -w '%{http_code}' -H 'Accept: application/vnd.kubernetes.protobuf' "$API/api/v1/namespaces/default/configmaps/from-yaml")
expect_eq "unsupported Accept is 406" "$code" "406"

# --- bad input: a clear Status, nothing stored
post_cm() { acurl -o "$tmp/out" -w '%{http_code}' -H "Content-Type: ${2:-application/json}" --data-binary "$1" "$API/api/v1/namespaces/default/configmaps"; }
expect_eq "malformed JSON is 400" "$(post_cm '{"apiVersion":"v1","kind":')" "400"
expect_contains "malformed JSON message" "$(cat "$tmp/out")" '"reason": "BadRequest"'
expect_eq "malformed YAML is 400" "$(post_cm $'a: b\n c: : d\n- x' application/yaml)" "400"
expect_eq "kind mismatch is 400" "$(post_cm '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x1"}}')" "400"
expect_eq "apiVersion mismatch is 400" "$(post_cm '{"apiVersion":"apps/v1","kind":"ConfigMap","metadata":{"name":"x2"}}')" "400"
expect_eq "invalid name is 422" "$(post_cm '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"Bad_Name"}}')" "422"
expect_contains "invalid name message" "$(cat "$tmp/out")" 'ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain'
expect_eq "missing name is 422" "$(post_cm '{"apiVersion":"v1","kind":"ConfigMap","metadata":{}}')" "422"
expect_eq "invalid UTF-8 is 400" "$(post_cm $'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"u\xff"}}')" "400"
deep=$(printf '{"a":%.0s' $(seq 1 5000))x$(printf '}%.0s' $(seq 1 5000))
expect_eq "deeply nested body is 400" "$(post_cm "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"deep\"},\"data\":$deep}")" "400"
expect_eq "a JSON array body is 400" "$(post_cm '[1,2]')" "400"
expect_eq "unknown Content-Type is 415" "$(post_cm 'x=1' text/plain)" "415"
expect_contains "415 message" "$(cat "$tmp/out")" 'the body of the request was in an unknown format'
expect_eq "wrong data type is 400" "$(post_cm '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x3"},"data":{"a":1}}')" "400"
body='{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"other"},"data":{}}'
code=$(acurl -o "$tmp/out" -w '%{http_code}' -X PUT -H 'Content-Type: application/json' --data "$body" "$API/api/v1/namespaces/default/configmaps/cfg")
expect_eq "name in body differs from URL: 400" "$code" "400"
expect_contains "name mismatch message" "$(cat "$tmp/out")" 'the name of the object (other) does not match the name on the URL (cfg)'
keys=$("$BUILD/kapictl" --state "$KAPI_STATE" get --prefix /registry/configmaps/default/ --keys-only | grep -v '^$')
expect_eq "nothing partial stored" "$keys" $'/registry/configmaps/default/cfg\n/registry/configmaps/default/from-yaml'
acurl -o /dev/null "$API/healthz" && ok "worker still up after bad input" || not_ok "worker still up after bad input"

# --- namespaces, generateName, unknown paths, methods
code=$(acurl -o "$tmp/out" -w '%{http_code}' -H 'Content-Type: application/json' --data '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}' "$API/api/v1/namespaces/nope/configmaps")
expect_eq "create in a missing namespace is 404" "$code" "404"
expect_contains "missing namespace message" "$(cat "$tmp/out")" '"message": "namespaces \"nope\" not found"'
code=$(acurl -o "$tmp/out" -w '%{http_code}' -H 'Content-Type: application/json' --data '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"generateName":"gen-"}}' "$API/api/v1/namespaces/default/configmaps")
expect_eq "generateName create" "$code" "201"
grep -Eq '"name": "gen-[bcdfghjklmnpqrstvwxz2456789]{5}"' "$tmp/out" && ok "generated name has 5 random characters" || not_ok "generated name has 5 random characters" "$(cat "$tmp/out")"
code=$(acurl -o "$tmp/out" -w '%{http_code}' "$API/api/v1/namespaces/default/widgets")
expect_eq "unknown resource is 404" "$code" "404"
expect_contains "unknown resource message" "$(cat "$tmp/out")" 'the server could not find the requested resource'
code=$(acurl -o "$tmp/out" -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data '{}' "$API/api/v1/namespaces/default/configmaps/cfg")
expect_eq "POST to a named resource is 405" "$code" "405"
$K create namespace scratch >/dev/null 2>&1 || $K31 create namespace scratch >/dev/null 2>&1
out=$($K get ns scratch 2>&1)
expect_contains "new namespace is Active" "$out" "Active"
expect_eq "namespace label" "$($K get ns scratch -o jsonpath='{.metadata.labels.kubernetes\.io/metadata\.name}')" "scratch"
out=$($K delete ns default 2>&1)
expect_contains "default namespace may not be deleted" "$out" 'namespaces "default" is forbidden: this namespace may not be deleted'

# --- deployments: stored, printed
out=$($K31 create deployment test --image nginx --replicas 10 2>&1)
expect_eq "kubectl create deployment" "$out" "deployment.apps/test created"
out=$($K get deployments.apps 2>&1)
expect_contains "get deployments header" "$out" "NAME   READY   UP-TO-DATE   AVAILABLE   AGE"
expect_eq "deployment row" "$(echo "$out" | awk '$1=="test"{print $2, $3, $4}')" "0/10 0 0"
expect_eq "deployment generation" "$($K get deploy test -o jsonpath='{.metadata.generation}')" "1"
out=$($K get po 2>&1)
expect_eq "no pods without the reconciler" "$out" "No resources found in default namespace."

# --- delete, then not found; kapictl sees the keys
out=$($K delete cm cfg 2>&1)
expect_eq "kubectl delete cm" "$out" 'configmap "cfg" deleted'
out=$($K get cm cfg 2>&1)
expect_eq "deleted configmap is NotFound" "$out" 'Error from server (NotFound): configmaps "cfg" not found'
out=$("$BUILD/kapictl" --state "$KAPI_STATE" get /registry/configmaps/default/from-yaml)
expect_eq "kapictl get prints the key" "$(echo "$out" | head -1)" "/registry/configmaps/default/from-yaml"
expect_contains "kapictl get prints the value" "$(echo "$out" | sed -n 2p)" '"name":"from-yaml"'
out=$("$BUILD/kapictl" --state "$KAPI_STATE" get --prefix "" --keys-only | grep deployments)
expect_eq "kapictl get --prefix '' --keys-only | grep" "$out" "/registry/deployments/default/test"

# --- list pagination
for i in $(seq 1 7); do acurl -o /dev/null -H 'Content-Type: application/json' --data "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"page-$i\"}}" "$API/api/v1/namespaces/default/configmaps"; done
names=""; cont=""
for page in 1 2 3 4 5; do
    url="$API/api/v1/namespaces/default/configmaps?limit=3"
    [ -n "$cont" ] && url="$url&continue=$cont"
    acurl "$url" >"$tmp/page"
    names="$names $(grep -o '"name": "page-[0-9]*"' "$tmp/page" | cut -d'"' -f4 | tr '\n' ' ')"
    cont=$(sed -n 's/.*"continue": "\([^"]*\)".*/\1/p' "$tmp/page")
    [ -z "$cont" ] && break
done
expect_eq "limit/continue visits each object once" "$(echo $names)" "page-1 page-2 page-3 page-4 page-5 page-6 page-7"

# --- a Lease refuses an update that names no resourceVersion (kube's lease
# strategy: AllowUnconditionalUpdate false); one that names it goes through
L=$API/apis/coordination.k8s.io/v1/namespaces/default/leases
acurl -o /dev/null -H 'Content-Type: application/json' --data '{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"lock"},"spec":{"holderIdentity":"a"}}' "$L"
http acurl -X PUT -H 'Content-Type: application/json' --data '{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"lock"},"spec":{"holderIdentity":"b"}}' "$L/lock"
expect_eq "Lease PUT without resourceVersion: 422" "$HTTP_CODE" "422"
expect_contains "Lease PUT without resourceVersion: kube's message" "$HTTP_BODY" '"message": "leases.coordination.k8s.io \"lock\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update"'
expect_contains "Lease PUT without resourceVersion: details.kind is the resource" "$HTTP_BODY" '"kind": "leases"'
rv=$(acurl "$L/lock" | sed -n 's/.*"resourceVersion": "\([0-9]*\)".*/\1/p')
code=$(acurl -o /dev/null -w '%{http_code}' -X PUT -H 'Content-Type: application/json' --data "{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\",\"metadata\":{\"name\":\"lock\",\"resourceVersion\":\"$rv\"},\"spec\":{\"holderIdentity\":\"b\"}}" "$L/lock")
expect_eq "Lease PUT with its resourceVersion: 200" "$code" "200"

# --- a PUT of an object that does not exist creates it where kube's
# strategy allows create on update (Leases, Events, the RBAC kinds), and is
# 404 elsewhere (ConfigMaps)
http acurl -X PUT -H 'Content-Type: application/json' --data '{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"fresh"},"spec":{"holderIdentity":"a"}}' "$L/fresh"
expect_eq "Lease PUT of a missing lease: 201 Created" "$HTTP_CODE" "201"
expect_contains "Lease PUT of a missing lease: the stored lease" "$(acurl "$L/fresh")" '"holderIdentity": "a"'
http acurl -X PUT -H 'Content-Type: application/json' --data '{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"fresh"},"spec":{"holderIdentity":"b"}}' "$L/fresh"
expect_eq "Lease PUT again without resourceVersion: 422 (it exists now)" "$HTTP_CODE" "422"
http acurl -X PUT -H 'Content-Type: application/json' --data '{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"made-by-put"},"rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]}' "$API/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles/made-by-put"
expect_eq "Role PUT of a missing role: 201" "$HTTP_CODE" "201"
expect_eq "kubectl get role made-by-put" "$(kubectl get role made-by-put -o jsonpath='{.rules[0].verbs[0]}')" "get"
http acurl -X PUT -H 'Content-Type: application/json' --data '{"apiVersion":"v1","kind":"Event","metadata":{"name":"ev-put"},"involvedObject":{"kind":"Pod","name":"p","namespace":"default"},"reason":"Test","message":"made by PUT"}' "$API/api/v1/namespaces/default/events/ev-put"
expect_eq "Event PUT of a missing event: 201" "$HTTP_CODE" "201"
http acurl -X PUT -H 'Content-Type: application/json' --data '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"no-such-cm"}}' "$API/api/v1/namespaces/default/configmaps/no-such-cm"
expect_eq "ConfigMap PUT of a missing one: 404" "$HTTP_CODE" "404"
expect_contains "ConfigMap PUT of a missing one: kube's message" "$HTTP_BODY" '"message": "configmaps \"no-such-cm\" not found"'

rm -rf "$tmp"
