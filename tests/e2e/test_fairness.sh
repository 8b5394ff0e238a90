#!/bin/bash
# End to end: kube's API Priority and Fairness, in behaviour
# (fcgi/server/fairness.c), on a deliberately small pool (1 worker,
# 3 seats: 2 read-only + 1 mutating, 3 watch seats). One user floods with
# slow lists while another user's kubectl get is answered in well under a
# second, and the admin (system:masters) and /readyz are exempt; beyond the
# limits the flood gets 429 with Retry-After and a v1 Status body, never a
# hang; answers carry kube's X-Kubernetes-PF-* headers; a watch beyond the
# watch capacity is refused 429 at once; and a watch whose client was
# killed frees its thread within seconds.
. "$(dirname "$0")/lib.sh"
export KAPI_RECONCILE=0
export KAPI_APISERVER_ARGS="--workers 1 --threads 3 --watch-threads 3 --sync normal"
kapi_start

tmp=$(mktemp -d)
CM=/api/v1/namespaces/default/configmaps
GLOBAL_DEFAULT_FS=910c7305-3fb3-56c9-87d6-cf916430c83a
GLOBAL_DEFAULT_PL=1b05fb1f-e072-52a6-93b0-7476aadb72fe
EXEMPT_FS=11e0a6c1-8765-5051-96e7-3f1a6e689dc9
EXEMPT_PL=3b378176-39b3-50f3-8926-eeb28ad431a7
PROBES_FS=7feb6e96-a22a-525b-af1c-b315c3f8e75e
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
header() { tr -d '\r' <"$1" | sed -n "s/^$2: //Ip" | head -1; }

# --- two users who may read configmaps in default, and enough of them that
# a list is slow-ish (150 objects of 8 KiB)
for u in mallory alice; do "$BUILD/kapictl" --state "$KAPI_STATE" user add "$u" >/dev/null 2>&1; done
cat >"$tmp/rbac.yaml" <<'EOF'
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: readers, namespace: default}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: mallory}
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: alice}
EOF
check "mallory and alice may read in default" kubectl apply -f "$tmp/rbac.yaml"
python3 - "$tmp/cms.json" <<'EOF'
import json, sys
items = [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm-%03d" % i},
          "data": {"blob": ("%03d" % i) * 2730}} for i in range(150)]
json.dump({"apiVersion": "v1", "kind": "List", "items": items}, open(sys.argv[1], "w"))
EOF
check "150 configmaps of 8 KiB are created" kubectl create -n default -f "$tmp/cms.json" -o name
ucurl() { local u=$1; shift; curl -sk --cert "$KAPI_STATE/users/$u.crt" --key "$KAPI_STATE/users/$u.key" "$@"; }
# a watch in the background, as its own process (so that killing it kills curl)
bg_watch() {   # $1 = user ("admin": the admin), $2 = output file
    local crt=$KAPI_STATE/users/$1.crt key=$KAPI_STATE/users/$1.key
    [ "$1" = admin ] && crt=$KAPI_STATE/pki/admin.crt key=$KAPI_STATE/pki/admin.key
    curl -sk -N -m 60 --cert "$crt" --key "$key" -o "$2" "$KAPI_URL$CM?watch=1&fieldSelector=metadata.name%3Dnone" &
}
AKUBE=("$KUBECTL" --kubeconfig "$KAPI_STATE/users/alice.conf" --cache-dir "$KAPI_STATE/kube-cache-alice")

# --- answers carry kube's PF headers: the UIDs of the flow schema and
# priority level the request was classified into
ucurl alice -o /dev/null -D "$tmp/h" "$KAPI_URL$CM/cm-001"
expect_eq "alice's get: X-Kubernetes-PF-FlowSchema-UID is global-default's" \
    "$(header "$tmp/h" X-Kubernetes-PF-FlowSchema-UID)" "$GLOBAL_DEFAULT_FS"
expect_eq "alice's get: X-Kubernetes-PF-PriorityLevel-UID is global-default's" \
    "$(header "$tmp/h" X-Kubernetes-PF-PriorityLevel-UID)" "$GLOBAL_DEFAULT_PL"
curl_admin "$CM/cm-001" -o /dev/null -D "$tmp/h"
expect_eq "the admin's get is classified exempt (flow schema)" "$(header "$tmp/h" X-Kubernetes-PF-FlowSchema-UID)" "$EXEMPT_FS"
expect_eq "the admin's get is classified exempt (priority level)" "$(header "$tmp/h" X-Kubernetes-PF-PriorityLevel-UID)" "$EXEMPT_PL"
curl_anon /readyz -o /dev/null -D "$tmp/h"
expect_eq "GET /readyz is classified as probes" "$(header "$tmp/h" X-Kubernetes-PF-FlowSchema-UID)" "$PROBES_FS"
ucurl alice -o /dev/null -D "$tmp/h" "$KAPI_URL$CM?watch=1&timeoutSeconds=1"
expect_eq "a watch carries the PF headers too" "$(header "$tmp/h" X-Kubernetes-PF-FlowSchema-UID)" "$GLOBAL_DEFAULT_FS"

# --- alice's get before the flood, for comparison
t0=$(ucurl alice -o /dev/null -w '%{time_total}' "$KAPI_URL$CM/cm-002")

# --- mallory floods: rounds of 40 parallel lists of 1.2 MB over one HTTP/2
# connection (one curl), for 8 s; each answer (headers and body) in a file
mkdir -p "$tmp/flood"
flood() {
    local end=$(($(date +%s) + 8)) round=0
    while [ "$(date +%s)" -lt "$end" ]; do
        round=$((round + 1))
        ucurl mallory -Z --parallel-max 40 --http2 -i -m 30 -w '%{http_code} %{time_total}\n' \
            -o "$tmp/flood/$round-#1" "$KAPI_URL$CM?n=[1-40]" >>"$tmp/codes" 2>/dev/null
    done
}
flood & flood_pid=$!
sleep 2
slow="" times=""
for ((i = 0; i < 5; i++)); do
    out=$(ucurl alice -o /dev/null -m 20 -w '%{http_code} %{time_total}' "$KAPI_URL$CM/cm-00$i")
    read -r c s <<<"$out"
    times="$times $s"
    { [ "$c" = 200 ] && lt "$s" 1; } || slow="$slow attempt $i: code $c in ${s}s;"
    sleep 0.3
done
[ -z "$slow" ] && ok "alice's gets are answered in under a second while mallory floods (before: ${t0}s; during:$times)" ||
    not_ok "alice's gets are answered in under a second while mallory floods" "before: ${t0}s;$slow"
start=$(date +%s.%N)
out=$("${AKUBE[@]}" get configmap cm-007 -n default -o name 2>&1)
kt=$(since "$start")
{ [ "$out" = configmap/cm-007 ] && lt "$kt" 3; } && ok "alice's kubectl get works during the flood (${kt}s)" ||
    not_ok "alice's kubectl get works during the flood" "${kt}s: $out"
out=$(curl_admin /api/v1/namespaces -o /dev/null -m 20 -w '%{http_code} %{time_total}')
read -r c s <<<"$out"
{ [ "$c" = 200 ] && lt "$s" 1; } && ok "the admin (exempt) lists namespaces in under a second during the flood (${s}s)" ||
    not_ok "the admin (exempt) lists namespaces during the flood" "code $c in ${s}s"
out=$(curl_anon /readyz -o /dev/null -m 20 -w '%{http_code} %{time_total}')
read -r c s <<<"$out"
{ [ "$c" = 200 ] && lt "$s" 1; } && ok "/readyz (exempt) answers ok in under a second during the flood (${s}s)" ||
    not_ok "/readyz answers during the flood" "code $c in ${s}s"
wait "$flood_pid"

total=$(wc -l <"$tmp/codes")
n200=$(grep -c '^200 ' "$tmp/codes")
n429=$(grep -c '^429 ' "$tmp/codes")
other=$((total - n200 - n429))
avg=$(awk '$1 == 200 { s += $2; n++ } END { if (n) printf "%.2f", s / n }' "$tmp/codes")
{ [ "$n200" -gt 0 ] && [ "$n429" -gt 0 ] && [ "$other" = 0 ]; } &&
    ok "mallory's flood: $n200 answered (in ${avg}s on average), $n429 refused with 429, nothing else (no hang, no 5xx)" ||
    not_ok "mallory's flood gets 200s and 429s only" "$n200 x 200, $n429 x 429, $other others: $(sort "$tmp/codes" | uniq -c | tr '\n' ' ')"
# every 429 is in /metrics, as kube's RecordDroppedRequest counts it
m429=$(curl_admin /metrics | awk '/^apiserver_request_total\{code="429",.*resource="configmaps",scope="namespace",.*verb="LIST"/ { n += $2 } END { print n + 0 }')
expect_eq "apiserver_request_total{code=429,verb=LIST,resource=configmaps} counts the $n429 refusals" "$m429" "$n429"
# alice waited less than mallory's own requests took: she did not queue behind them
median_alice=$(echo "$times" | tr ' ' '\n' | grep . | sort -g | sed -n 3p)
lt "$median_alice" "$avg" && ok "alice's median get (${median_alice}s) beat mallory's average list (${avg}s)" ||
    not_ok "alice's median get beats mallory's average list" "alice: $times; mallory: ${avg}s"

# --- the 429 itself: Retry-After and a v1 Status
f=$(grep -l '^HTTP/2 429' "$tmp"/flood/* | head -1)
if [ -n "$f" ]; then
    tr -d '\r' <"$f" | sed '/^$/q' >"$tmp/a429.h"
    tr -d '\r' <"$f" | sed '1,/^$/d' >"$tmp/a429.b"
    expect_eq "a 429 has Retry-After: 1" "$(header "$tmp/a429.h" Retry-After)" "1"
    expect_eq "a 429 carries the PF flow schema" "$(header "$tmp/a429.h" X-Kubernetes-PF-FlowSchema-UID)" "$GLOBAL_DEFAULT_FS"
    expect_eq "a 429's body is a v1 Status" "$(jq -c . "$tmp/a429.b")" \
        '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Too many requests, please try again later.","reason":"TooManyRequests","details":{"retryAfterSeconds":1},"code":429}'
else
    not_ok "a 429 was caught with its headers during the flood"
fi

# --- watches: 3 seats; one more is refused at once
wpids=()
for ((i = 0; i < 3; i++)); do
    bg_watch admin "$tmp/w$i.out"
    wpids+=($!)
done
sleep 2                          # each has its stream open (the first keep-alive after 1 s)
n=0; for f in "$tmp"/w?.out; do [ -s "$f" ] && n=$((n + 1)); done
expect_eq "three watches stream" "$n" 3
out=$(curl_admin "$CM?watch=1" -N -m 5 -D "$tmp/wh" -o "$tmp/wb" -w '%{http_code} %{time_total}')
read -r c s <<<"$out"
{ [ "$c" = 429 ] && lt "$s" 1; } && ok "a fourth watch is refused 429 at once (${s}s)" ||
    not_ok "a fourth watch is refused 429 at once" "code $c in ${s}s"
expect_eq "the refused watch has Retry-After: 1" "$(header "$tmp/wh" Retry-After)" "1"
expect_contains "the refused watch's body is a TooManyRequests Status" "$(cat "$tmp/wb")" '"reason":"TooManyRequests"'
out=$(curl_admin "$CM/cm-003" -o /dev/null -m 5 -w '%{http_code}')
expect_eq "ordinary requests go on while the watch seats are full" "$out" 200

# --- a killed watch client frees its seat within seconds (not at the 30 s keep-alive)
kill -9 "${wpids[0]}"
t_kill=$(date +%s.%N)
freed=""
for ((i = 0; i < 40; i++)); do
    c=$(curl_admin "$CM?watch=1&timeoutSeconds=1" -N -m 5 -o /dev/null -w '%{http_code}')
    if [ "$c" = 200 ]; then freed=$(since "$t_kill"); break; fi
    sleep 0.2
done
{ [ -n "$freed" ] && lt "$freed" 5; } && ok "a killed watch client's seat is free again after ${freed}s" ||
    not_ok "a killed watch client's seat is free again within 5 s" "freed after: ${freed:-never (8 s)}"
kill "${wpids[@]}" 2>/dev/null
wait "${wpids[@]}" 2>/dev/null

# --- watch seats are shared fairly: one user holds at most her share
sleep 2   # the killed watches' seats come back
bg_watch mallory "$tmp/m1.out"; m1=$!
sleep 1.5
c=$(ucurl mallory "$KAPI_URL$CM?watch=1" -N -m 5 -o /dev/null -w '%{http_code}')
expect_eq "mallory's second watch is beyond her share: 429" "$c" 429
c=$(ucurl alice "$KAPI_URL$CM?watch=1&timeoutSeconds=1" -N -m 5 -o /dev/null -w '%{http_code}')
expect_eq "alice still gets a watch" "$c" 200
kill "$m1" 2>/dev/null
wait "$m1" 2>/dev/null

grep -q 'per worker: 2 read-only + 1 mutating requests at once' "$KAPI_STATE/log/apiserver.log" &&
    ok "the apiserver logs its limits" || not_ok "the apiserver logs its limits" "$(grep 'per worker' "$KAPI_STATE/log/apiserver.log")"
rm -rf "$tmp"
