#!/bin/bash
# End to end: watches through nginx with the real kubectl and curl.
# `kubectl get -w` (Table events, --output-watch-events) sees pods and
# configmaps created, labelled and deleted by another client; a watch
# resumed from an old resourceVersion gets every later event and none
# before; once history is compacted the same watch gets 410 as an ERROR
# event of a 200 stream; label selectors turn updates into ADDED/DELETED;
# `kubectl get cm x -w` (one name); `kubectl rollout status` returns when
# the deployment's status says it is available; `kubectl wait`; keep-alive
# newlines between events do not bother kubectl; timeoutSeconds ends the
# stream cleanly. The stack keeps only 40 revisions of history
# (--max-history-revisions 40) so that compaction comes within a second,
# and writes a keep-alive after 1 s of silence.
. "$(dirname "$0")/lib.sh"
export KAPI_RECONCILE=0
export KAPI_WATCH_HEARTBEAT=1
export KAPI_APISERVER_ARGS="--max-history-revisions 40"
kapi_start

K="$KUBECTL --kubeconfig $KUBECONFIG --cache-dir $KAPI_STATE/kube-cache"
API=$KAPI_URL
tmp=$(mktemp -d)
acurl() { curl -sk --cert "$KAPI_STATE/pki/admin.crt" --key "$KAPI_STATE/pki/admin.key" "$@"; }
# a watch as a client library makes it, unbuffered, for at most $1 seconds
watch_for() { local secs=$1; shift; timeout "$secs" curl -Nsk --cert "$KAPI_STATE/pki/admin.crt" --key "$KAPI_STATE/pki/admin.key" "$@"; }
post() { acurl -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data "$2" "$API$1"; }
cm() { printf '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"%s"%s},"data":{"k":"v"}}' "$1" "${2:+,\"labels\":{$2\}}"; }
patch() { acurl -o /dev/null -w '%{http_code}' -X PATCH -H 'Content-Type: application/merge-patch+json' --data "$2" "$API$1"; }
rv_of() { acurl "$API$1" | sed -n 's/.*"resourceVersion": "\([0-9]*\)".*/\1/p' | head -1; }
list_rv() { rv_of "/api/v1/namespaces/default/configmaps?limit=1"; }   # the store's revision now
# "TYPE name" per event line of a watch stream file
events_of() { sed -n 's/^{"type":"\([A-Z]*\)","object":{.*"name":"\([^"]*\)".*/\1 \2/p' "$1"; }
wait_for_line() {   # file pattern seconds
    local i
    for ((i = 0; i < $3 * 10; i++)); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
    return 1
}

# --- kubectl get -w: Table events as another client writes
post /api/v1/namespaces/default/serviceaccounts '{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"default"}}' >/dev/null
$K get po -w --output-watch-events >"$tmp/getw" 2>&1 &
getw=$!
$K get cm -w >"$tmp/getcm" 2>&1 &
getcm=$!
sleep 2
pod='{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web"},"spec":{"containers":[{"name":"web","image":"nginx"}]}}'
expect_eq "a pod is created by curl" "$(post /api/v1/namespaces/default/pods "$pod")" "201"
sleep 1.5                     # quiet for longer than the keep-alive interval
out=$($K label pod web tier=front 2>&1)
expect_eq "another kubectl labels it" "$out" "pod/web labeled"
out=$($K delete pod web --wait=false 2>&1)
expect_contains "another kubectl deletes it" "$out" 'pod "web" deleted'
expect_eq "a configmap is created" "$(post /api/v1/namespaces/default/configmaps "$(cm seen)")" "201"
wait_for_line "$tmp/getw" "^DELETED" 10
wait_for_line "$tmp/getcm" "^seen " 10
kill "$getw" "$getcm" 2>/dev/null
wait "$getw" "$getcm" 2>/dev/null
expect_eq "get po -w: header and events" "$(awk '{print $1, $2}' "$tmp/getw" | sed -n '1,2p;$p')" $'EVENT NAME\nADDED web\nDELETED web'
grep -q '^MODIFIED *web' "$tmp/getw" && ok "get po -w: the label is a MODIFIED event" || not_ok "get po -w: the label is a MODIFIED event" "$(cat "$tmp/getw")"
expect_contains "get po -w prints the pod's columns" "$(head -1 "$tmp/getw")" "READY   STATUS"
expect_eq "get cm -w: the list, then the new one" "$(awk '$1 != "kube-root-ca.crt" {print $1}' "$tmp/getcm" | tr '\n' ' ')" "NAME seen "
grep -qi 'error\|unable to decode' "$tmp/getw" "$tmp/getcm" && not_ok "kubectl reads keep-alive newlines without complaint" "$(cat "$tmp/getw" "$tmp/getcm")" || ok "kubectl reads keep-alive newlines without complaint"

# --- resume from an old resourceVersion: every event after it, none before
expect_eq "create r1" "$(post /api/v1/namespaces/default/configmaps "$(cm r1)")" "201"
from=$(rv_of /api/v1/namespaces/default/configmaps/r1)
post /api/v1/namespaces/default/configmaps "$(cm r2)" >/dev/null
patch /api/v1/namespaces/default/configmaps/r1 '{"data":{"k":"w"}}' >/dev/null
acurl -o /dev/null -X DELETE "$API/api/v1/namespaces/default/configmaps/r2"
watch_for 5 "$API/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=$from&timeoutSeconds=2" >"$tmp/resume"
expect_eq "resumed watch: the events after the revision, in order" "$(events_of "$tmp/resume" | tr '\n' ',')" "ADDED r2,MODIFIED r1,DELETED r2,"
rvs=$(grep -o '"resourceVersion":"[0-9]*"' "$tmp/resume" | cut -d'"' -f4 | tr '\n' ' ')
sorted=$(echo $rvs | tr ' ' '\n' | sort -n | tr '\n' ' ')
expect_eq "resumed watch: resourceVersions increase" "$rvs" "$sorted"
watch_for 5 -D "$tmp/hdr" "$API/api/v1/watch/namespaces/default/configmaps?resourceVersion=$from&timeoutSeconds=1" >"$tmp/legacy"
expect_eq "legacy /watch/ path: the same events" "$(events_of "$tmp/legacy" | tr '\n' ',')" "ADDED r2,MODIFIED r1,DELETED r2,"
expect_contains "watch answers 200" "$(head -1 "$tmp/hdr")" "200"
expect_contains "watch Content-Type" "$(grep -i '^content-type' "$tmp/hdr")" "application/json"

# --- across namespaces, and the streaming-list form client-go's WatchList uses
post /api/v1/namespaces '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"other"}}' >/dev/null
now=$(list_rv)
( watch_for 3 "$API/api/v1/configmaps?watch=true&resourceVersion=$now" >"$tmp/all" ) &
allw=$!
sleep 0.7
post /api/v1/namespaces/other/configmaps "$(cm elsewhere)" >/dev/null
post /api/v1/namespaces/default/configmaps "$(cm here)" >/dev/null
wait $allw
expect_eq "a watch across namespaces sees both" "$(events_of "$tmp/all" | tr '\n' ',')" "ADDED elsewhere,ADDED here,"
watch_for 3 "$API/api/v1/namespaces/other/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1" >"$tmp/list"
expect_eq "sendInitialEvents: the state, then the end-of-initial-events bookmark" "$(sed -n 's/^{"type":"\([A-Z]*\)".*/\1/p' "$tmp/list" | tr '\n' ',')" "ADDED,BOOKMARK,"
expect_contains "the bookmark is annotated" "$(tail -1 "$tmp/list")" '"annotations":{"k8s.io/initial-events-end":"true"}'

# --- a watch ends cleanly at timeoutSeconds
start=$(date +%s)
watch_for 10 "$API/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=$from&timeoutSeconds=2" >/dev/null
rc=$?
took=$(( $(date +%s) - start ))
[ "$rc" = 0 ] && [ "$took" -ge 1 ] && [ "$took" -le 5 ] && ok "timeoutSeconds=2 ends the stream cleanly (${took}s)" || not_ok "timeoutSeconds=2 ends the stream cleanly" "rc $rc after ${took}s"

# --- compaction: the same resumed watch now gets 410 in a 200 stream
for i in $(seq 1 50); do post /api/v1/namespaces/default/configmaps "$(cm "churn-$i")" >/dev/null; done
sleep 2.5                     # the compactor looks every second
watch_for 5 -D "$tmp/hdr" "$API/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=$from" >"$tmp/expired"
expect_contains "compacted watch: HTTP 200" "$(head -1 "$tmp/hdr")" "200"
expect_contains "compacted watch: one ERROR event" "$(cat "$tmp/expired")" '{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: '"$from"' ('
expect_contains "compacted watch: 410 Expired" "$(cat "$tmp/expired")" '"reason":"Expired","code":410}}'
expect_eq "compacted watch: the stream ends after the error" "$(wc -l <"$tmp/expired")" "1"
out=$($K get cm --watch-only --request-timeout=3s -o name 2>&1 >/dev/null | head -1)
[ -z "$out" ] && ok "kubectl watch after compaction starts fine" || not_ok "kubectl watch after compaction starts fine" "$out"

# --- selectors: an object that stops matching is DELETED, then ADDED back
post /api/v1/namespaces/default/configmaps "$(cm sel '"app":"web"')" >/dev/null
now=$(rv_of /api/v1/namespaces/default/configmaps/sel)
( watch_for 4 "$API/api/v1/namespaces/default/configmaps?watch=true&labelSelector=app%3Dweb&resourceVersion=$now" >"$tmp/sel" ) &
sel=$!
sleep 0.7
patch /api/v1/namespaces/default/configmaps/sel '{"metadata":{"labels":{"app":"db"}}}' >/dev/null
patch /api/v1/namespaces/default/configmaps/sel '{"data":{"k":"unseen"}}' >/dev/null
patch /api/v1/namespaces/default/configmaps/sel '{"metadata":{"labels":{"app":"web"}}}' >/dev/null
post /api/v1/namespaces/default/configmaps "$(cm other '"app":"db"')" >/dev/null
wait $sel
expect_eq "label selector watch: leaves as DELETED, returns as ADDED" "$(events_of "$tmp/sel" | tr '\n' ',')" "DELETED sel,ADDED sel,"
expect_contains "the DELETED event carries the object as it last matched" "$(head -1 "$tmp/sel")" '"labels":{"app":"web"}'

# --- kubectl get cm NAME -w: one object (fieldSelector metadata.name, resourceVersion=0)
$K get cm sel -w -o name >"$tmp/one" 2>&1 &
one=$!
sleep 1.5
patch /api/v1/namespaces/default/configmaps/other '{"data":{"k":"x"}}' >/dev/null
patch /api/v1/namespaces/default/configmaps/sel '{"data":{"k":"seen"}}' >/dev/null
sleep 1.5
kill $one 2>/dev/null; wait $one 2>/dev/null
expect_eq "get cm sel -w: the object, then its change, nothing of others" "$(sort -u "$tmp/one")" "configmap/sel"
expect_eq "get cm sel -w: two lines" "$(wc -l <"$tmp/one")" "2"

# --- kubectl wait: a watch on one object until a condition holds
( $K wait --for=jsonpath='{.data.k}'=done cm/sel --timeout=15s >"$tmp/wait" 2>&1; echo "rc=$?" >>"$tmp/wait" ) &
waiter=$!
sleep 1.5
patch /api/v1/namespaces/default/configmaps/sel '{"data":{"k":"done"}}' >/dev/null
wait $waiter
expect_eq "kubectl wait --for=jsonpath returns once it holds" "$(cat "$tmp/wait")" $'configmap/sel condition met\nrc=0'

# --- kubectl rollout status follows the deployment's status
dep='{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"x"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"x"}},"template":{"metadata":{"labels":{"app":"x"}},"spec":{"containers":[{"name":"x","image":"nginx"}]}}}}'
expect_eq "deployment created" "$(post /apis/apps/v1/namespaces/default/deployments "$dep")" "201"
( $K rollout status deployment/x --timeout=20s >"$tmp/rollout" 2>&1; echo "rc=$?" >>"$tmp/rollout" ) &
roll=$!
sleep 2
grep -q "rc=" "$tmp/rollout" && not_ok "rollout status waits while the deployment is not available" "$(cat "$tmp/rollout")" || ok "rollout status waits while the deployment is not available"
gen=$(acurl "$API/apis/apps/v1/namespaces/default/deployments/x" | sed -n 's/.*"generation": \([0-9]*\).*/\1/p' | head -1)
status="{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"x\"},\"status\":{\"observedGeneration\":$gen,\"replicas\":2,\"updatedReplicas\":2,\"readyReplicas\":2,\"availableReplicas\":2,\"conditions\":[{\"type\":\"Available\",\"status\":\"True\",\"reason\":\"MinimumReplicasAvailable\",\"message\":\"ok\"},{\"type\":\"Progressing\",\"status\":\"True\",\"reason\":\"NewReplicaSetAvailable\",\"message\":\"ok\"}]}}"
code=$(acurl -o "$tmp/status" -w '%{http_code}' -X PUT -H 'Content-Type: application/json' --data "$status" "$API/apis/apps/v1/namespaces/default/deployments/x/status")
expect_eq "PUT deployments/x/status" "$code" "200"
wait $roll
expect_contains "rollout status returns when the deployment is available" "$(cat "$tmp/rollout")" 'deployment "x" successfully rolled out'
expect_contains "rollout status exits 0" "$(cat "$tmp/rollout")" "rc=0"

# --- watch errors are ordinary answers before the stream starts
code=$(acurl -o "$tmp/out" -w '%{http_code}' "$API/api/v1/namespaces/default/configmaps?watch=true&resourceVersionMatch=Exact&resourceVersion=1")
expect_eq "an invalid watch is 422" "$code" "422"
expect_contains "422 message" "$(cat "$tmp/out")" 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'

rm -rf "$tmp"
