#!/bin/bash
# End to end: protobuf request bodies. kubectl 1.32 sends every `create
# <kind>` as application/vnd.kubernetes.protobuf, kubectl 1.31 sends JSON:
# each generator runs once with each, into two namespaces (or under two
# names for cluster-scoped kinds), and the stored objects must be the same
# apart from what the server assigns. Then bodies kubectl never sends: bad
# magic, truncated envelope, wrong kind, unknown media type.
. "$(dirname "$0")/lib.sh"
KAPI_RECONCILE=0 kapi_start

K31="/usr/lib/google-cloud-sdk/bin/kubectl.1.31 --kubeconfig $KUBECONFIG --cache-dir $KAPI_STATE/kube-cache31"
K32="$KUBECTL --kubeconfig $KUBECONFIG --cache-dir $KAPI_STATE/kube-cache32"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; kapi_stop' EXIT

$K31 create ns pb-a >/dev/null && $K32 create ns pb-b >/dev/null

# Pairs to compare at the end, one line each: DESC KIND NAME_A NS_A NAME_B NS_B.
pairs=$tmp/pairs
: >"$pairs"
pair() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$pairs"; }

# both DESC KIND NAME ARGS...: a namespaced generator run by both kubectls
both() {
    local desc=$1 kind=$2 name=$3 out31 out32
    shift 3
    out31=$($K31 -n pb-a create "$@" 2>&1) || { not_ok "$desc with kubectl 1.31" "$out31"; return; }
    out32=$($K32 -n pb-b create "$@" 2>&1) || { not_ok "$desc with kubectl 1.32" "$out32"; return; }
    pair "$desc" "$kind" "$name" pb-a "$name" pb-b
}

# twice DESC KIND ARGS...: a cluster-scoped generator, NAME-a by 1.31 and NAME-b by 1.32
twice() {
    local desc=$1 kind=$2 res=$3 name=$4 out31 out32
    shift 4
    out31=$($K31 create "$res" "$name-a" "$@" 2>&1) || { not_ok "$desc with kubectl 1.31" "$out31"; return; }
    out32=$($K32 create "$res" "$name-b" "$@" 2>&1) || { not_ok "$desc with kubectl 1.32" "$out32"; return; }
    pair "$desc" "$kind" "$name-a" "" "$name-b" ""
}

# Does kubectl 1.32 really send protobuf? Its -v=8 log shows the header.
out=$($K32 -n pb-b create serviceaccount probe -v=8 2>&1)
expect_contains "kubectl 1.32 create sends a protobuf body" "$out" "Content-Type: application/vnd.kubernetes.protobuf"

both "create serviceaccount" ServiceAccount robot serviceaccount robot
both "create deployment" Deployment web deployment web --image=nginx:1.27 --replicas=3 --port=8080
both "create deployment, two images" Deployment duo deployment duo --image=nginx --image=busybox
both "create configmap --from-literal" ConfigMap settings configmap settings --from-literal=a=1 --from-literal=b=two
printf 'line1\nline2\n' >"$tmp/file.txt"
printf '\x00\x01\xff' >"$tmp/blob.bin"
both "create configmap --from-file (text and binary)" ConfigMap files configmap files --from-file="$tmp/file.txt" --from-file="$tmp/blob.bin"
both "create secret generic" Secret pw secret generic pw --from-literal=user=admin --from-literal=pass='s3cr=t' --type=Opaque
both "create secret tls" Secret tls secret tls tls --cert="$KAPI_STATE/pki/admin.crt" --key="$KAPI_STATE/pki/admin.key"
both "create secret docker-registry" Secret reg secret docker-registry reg --docker-server=r.example --docker-username=u --docker-password=p --docker-email=u@example.com
both "create service clusterip" Service cip service clusterip cip --tcp=80:8080 --tcp=443:8443
both "create service clusterip None" Service headless service clusterip headless --clusterip=None
both "create service nodeport" Service np service nodeport np --tcp=80:8080
both "create service loadbalancer" Service lb service loadbalancer lb --tcp=5678:8080
both "create service externalname" Service ext service externalname ext --external-name=db.example.com
both "create role" Role reader role reader --verb=get,list,watch --resource=pods,deployments.apps --resource-name=x
both "create role on a subresource" Role logs role logs --verb=get --resource=pods/log
both "create rolebinding" RoleBinding rb rolebinding rb --role=reader --user=bob --group=devs --serviceaccount=pb-a:robot
both "create rolebinding to a clusterrole" RoleBinding rbc rolebinding rbc --clusterrole=view --user=alice

# Namespaces and cluster-scoped kinds: the same generator under two names.
pair "create namespace" Namespace pb-a "" pb-b ""
twice "create clusterrole (non-resource URLs)" ClusterRole clusterrole pb-cr --verb=get --non-resource-url=/healthz --non-resource-url="/logs/*"
twice "create clusterrole --aggregation-rule" ClusterRole clusterrole pb-agg --aggregation-rule=rbac.example.com/aggregate=true
twice "create clusterrolebinding" ClusterRoleBinding clusterrolebinding pb-crb --clusterrole=view --user=bob --group=devs

# Compare: the stored objects without what the server assigns or what names them.
$K32 get sa,deploy,cm,secret,svc,role,rolebinding -n pb-a -o json >"$tmp/a.json"
$K32 get sa,deploy,cm,secret,svc,role,rolebinding -n pb-b -o json >"$tmp/b.json"
$K32 get ns,clusterrole,clusterrolebinding -o json >"$tmp/c.json"
python3 - "$pairs" "$tmp/a.json" "$tmp/b.json" "$tmp/c.json" <<'PY'
import difflib, json, sys
objs = {}
for f in sys.argv[2:]:
    for o in json.load(open(f))["items"]:
        m = o["metadata"]
        objs[(o["kind"], m["name"], m.get("namespace", ""))] = o
def normalize(o):
    o = json.loads(json.dumps(o))
    m = o["metadata"]
    for k in ("uid", "creationTimestamp", "resourceVersion", "namespace", "name"):
        m.pop(k, None)
    for e in m.get("managedFields", []):
        e.pop("time", None)
    m.get("labels", {}).pop("kubernetes.io/metadata.name", None)
    s = o.get("spec", {})
    if o["kind"] == "Service":
        s.pop("clusterIP", None); s.pop("clusterIPs", None)
        for p in s.get("ports", []):
            p.pop("nodePort", None)
    return json.dumps(o, indent=1, sort_keys=True).splitlines()
for line in open(sys.argv[1]):
    desc, kind, na, nsa, nb, nsb = line.rstrip("\n").split("\t")
    a, b = objs.get((kind, na, nsa)), objs.get((kind, nb, nsb))
    title = desc + ": protobuf (1.32) and JSON (1.31) bodies store the same object"
    if a is None or b is None:
        print("not ok - " + title + "\n#   missing: " + repr((kind, na if a is None else nb)))
        continue
    ja, jb = normalize(a), normalize(b)
    if ja == jb:
        print("ok - " + title)
    else:
        print("not ok - " + title)
        for d in list(difflib.unified_diff(ja, jb, "json", "protobuf", lineterm=""))[:40]:
            print("#   " + d)
PY
[ "$(grep -c . "$pairs")" -ge 20 ] && ok "at least 20 generators compared" || not_ok "at least 20 generators compared"

# Requests that ride on protobuf too.
out=$($K32 auth can-i create pods -n pb-b 2>&1)
expect_eq "auth can-i (SelfSubjectAccessReview in protobuf)" "$out" "yes"
out=$($K32 auth whoami -o jsonpath='{.status.userInfo.username}' 2>&1)
expect_eq "auth whoami (SelfSubjectReview in protobuf)" "$out" "kubernetes-admin"
out=$($K32 -n pb-b create serviceaccount robot 2>&1)
expect_eq "a second protobuf create gets AlreadyExists" "$out" \
    'error: failed to create serviceaccount: serviceaccounts "robot" already exists'

# Handcrafted bodies with curl. The 57 bytes of `kubectl create sa default`
# (kubectl-contract §4), here named "hexsa".
pb() {   # PATH FILE [CURL ARGS...]
    local path=$1 file=$2
    shift 2
    curl_admin "$path" -X POST -H 'Content-Type: application/vnd.kubernetes.protobuf' --data-binary "@$file" "$@"
}
printf '6b 38 73 00 0a 14 0a 02 76 31 12 0e 53 65 72 76 69 63 65 41 63 63 6f 75 6e 74 12 19 0a 17 0a 05 68 65 78 73 61 12 00 1a 00 22 00 2a 00 32 00 38 00 42 00 7a 00 1a 00 22 00' |
    xxd -r -p >"$tmp/sa.pb"
expect_eq "the handcrafted body is 57 bytes" "$(stat -c %s "$tmp/sa.pb")" "57"
http pb /api/v1/namespaces/pb-b/serviceaccounts "$tmp/sa.pb"
expect_eq "POST a protobuf ServiceAccount" "$HTTP_CODE" "201"
expect_contains "the reply is JSON" "$HTTP_BODY" '"name": "hexsa"'

head -c 20 "$tmp/sa.pb" >"$tmp/short.pb"
http pb /api/v1/namespaces/pb-b/serviceaccounts "$tmp/short.pb"
expect_eq "a truncated envelope is 400" "$HTTP_CODE" "400"
expect_contains "  with kube's message" "$HTTP_BODY" \
    'the object provided is unrecognized (must be of type ServiceAccount): unexpected EOF'

printf 'k8s\001garbage' >"$tmp/magic.pb"
http pb /api/v1/namespaces/pb-b/serviceaccounts "$tmp/magic.pb"
expect_eq "a body without the k8s\\0 magic is 400" "$HTTP_CODE" "400"
expect_contains "  and says what prefix it expected" "$HTTP_BODY" "expected prefix [107 56 115 0]"

http pb /api/v1/namespaces/pb-b/configmaps "$tmp/sa.pb"
expect_eq "a ServiceAccount body POSTed to configmaps is 400" "$HTTP_CODE" "400"
expect_contains "  naming both kinds" "$HTTP_BODY" "ServiceAccount"

# Random bytes after the magic: every one refused with a 4xx, none crashes.
bad=""
for i in $(seq 1 30); do
    { printf 'k8s\0'; head -c $((RANDOM % 200 + 1)) /dev/urandom; } >"$tmp/rand.pb"
    code=$(pb /api/v1/namespaces/pb-b/configmaps "$tmp/rand.pb" -o /dev/null -w '%{http_code}')
    case $code in 4??) ;; *) bad="$bad $code" ;; esac
done
expect_eq "30 random protobuf bodies are all refused with 4xx" "$bad" ""

http curl_admin /api/v1/namespaces/pb-b/configmaps -X POST -H 'Content-Type: application/x-thrift' --data-binary 'x'
expect_eq "an unknown media type is 415" "$HTTP_CODE" "415"
expect_contains "  and lists protobuf among the supported ones" "$HTTP_BODY" \
    'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf'

out=$(curl_admin /api/v1/namespaces/pb-b/configmaps -X POST -H 'Content-Type: application/vnd.kubernetes.protobuf' --data-binary 'k8s' -w '%{http_code}' -o /dev/null)
expect_eq "a body of just 'k8s' is 400" "$out" "400"
check "the server still answers" $K32 get ns pb-b
