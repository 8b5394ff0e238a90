#!/bin/bash
# End to end: a watch's response head reaches the client at once over HTTP/2
# as over HTTP/1.1, so that the real kubectl's `wait`, `rollout status` and
# `get --watch` return as soon as their condition holds and their timeouts
# fire on time. (nginx 1.22 kept an HTTP/2 HEADERS frame in its TLS buffer
# until the first DATA frame: kubectl waited for the first event or the 30 s
# keep-alive; the pool now sends its first keep-alive after 1 s of silence:
# see "Watches over HTTP/2" in ARCHITECTURE.md.)
#
# Not a timing assertion: every command runs over HTTP/2 (kubectl's default)
# and over HTTP/1.1 (DISABLE_HTTP2=1, client-go's switch) in the same run,
# and fails only when HTTP/2 is more than SLACK seconds slower. The
# keep-alive stays at its default 30 s, so a held head would show.
. "$(dirname "$0")/lib.sh"
export KAPI_RECONCILE_INTERVAL=1
unset KAPI_WATCH_HEARTBEAT
kapi_start

SLACK=5
tmp=$(mktemp -d)
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
slower_by() { awk -v h2="$1" -v h1="$2" 'BEGIN { printf "%.2f", h2 - h1 }'; }
h1() { DISABLE_HTTP2=1 "$@"; }   # client-go then speaks HTTP/1.1
h2() { "$@"; }

# Runs "$@" over HTTP/2 and over HTTP/1.1, each with a 60 s bound; sets
# T_h2 / T_h1 (seconds) and OUT_h2 / OUT_h1 / RC_h2 / RC_h1.
both() {
    local p t0 out rc
    for p in h2 h1; do
        t0=$(now)
        out=$($p timeout 60 "$@" 2>&1)
        rc=$?
        printf -v "OUT_$p" '%s' "$out"
        printf -v "RC_$p" '%s' "$rc"
        printf -v "T_$p" '%s' "$(elapsed "$t0")"
    done
}

# desc: compares the last both() run; expect_rc is the exit status wanted.
compare() {
    local desc=$1 expect_rc=$2 d
    if [ "$RC_h2" != "$expect_rc" ] || [ "$RC_h1" != "$expect_rc" ]; then
        not_ok "$desc: exits $expect_rc over both protocols" \
            "HTTP/2 rc=$RC_h2 in ${T_h2}s: $OUT_h2" "HTTP/1.1 rc=$RC_h1 in ${T_h1}s: $OUT_h1"
        return
    fi
    d=$(slower_by "$T_h2" "$T_h1")
    if awk -v d="$d" -v s="$SLACK" 'BEGIN { exit !(d > s) }'; then
        not_ok "$desc: HTTP/2 (${T_h2}s) within ${SLACK}s of HTTP/1.1 (${T_h1}s)" "$OUT_h2"
    else
        ok "$desc: HTTP/2 ${T_h2}s, HTTP/1.1 ${T_h1}s"
    fi
}

# --- the two protocols are what they say (nginx's access log)
kubectl get ns default >/dev/null 2>&1
expect_contains "kubectl speaks HTTP/2 by default" "$(tail -n 1 "$KAPI_STATE/log/nginx-access.log")" 'HTTP/2.0"'
DISABLE_HTTP2=1 kubectl get ns default >/dev/null 2>&1
expect_contains "DISABLE_HTTP2=1 makes kubectl speak HTTP/1.1" "$(tail -n 1 "$KAPI_STATE/log/nginx-access.log")" 'HTTP/1.1"'

# --- curl: the head of a watch with no event comes at once
acurl() { curl -sk --cert "$KAPI_STATE/pki/admin.crt" --key "$KAPI_STATE/pki/admin.key" "$@"; }
for p in --http2 --http1.1; do
    code=$(acurl -N "$p" -m 4 -o "$tmp/head" -D "$tmp/headers" -w '%{http_code} %{time_starttransfer}' \
        "$KAPI_URL/api/v1/namespaces/empty/configmaps?watch=1")
    read -r status ttfb <<<"$code"
    expect_eq "curl $p: an idle watch answers 200" "$status" "200"
    if awk -v t="$ttfb" 'BEGIN { exit !(t > 0 && t < 3) }'; then
        ok "curl $p: the head of an idle watch arrives at once (${ttfb}s)"
    else
        not_ok "curl $p: the head of an idle watch arrives at once" "time to first byte: $ttfb" "$(cat "$tmp/headers")"
    fi
done
expect_contains "the head says the protocol was HTTP/2" "$(acurl --http2 -N -m 2 -D - -o /dev/null "$KAPI_URL/api/v1/namespaces/empty/configmaps?watch=1")" "HTTP/2 200"

# --- kubectl wait: a condition that already holds
kubectl create configmap x --from-literal=k=v >/dev/null 2>&1
both kubectl wait --for=jsonpath='{.metadata.name}'=x configmap/x --timeout=50s
compare "wait --for=jsonpath of a condition that holds" 0
expect_contains "wait says the condition is met" "$OUT_h2" "condition met"

# --- kubectl wait --timeout: a condition that never holds times out on time
both kubectl wait --for=jsonpath='{.data.k}'=never configmap/x --timeout=5s
compare "wait --timeout=5s of a condition that never holds" 1
expect_contains "wait says it timed out" "$OUT_h2" "timed out"
if awk -v t="$T_h2" 'BEGIN { exit !(t < 5 + 5) }'; then
    ok "wait --timeout=5s over HTTP/2 returns after about 5 s (${T_h2}s)"
else
    not_ok "wait --timeout=5s over HTTP/2 returns after about 5 s" "took ${T_h2}s"
fi

# --- kubectl wait --for=delete of an object deleted during the wait
for p in h2 h1; do
    kubectl create configmap "gone-$p" >/dev/null 2>&1
    t0=$(now)
    ( sleep 1; kubectl delete configmap "gone-$p" --wait=false >/dev/null 2>&1 ) &
    out=$($p timeout 60 kubectl wait --for=delete "configmap/gone-$p" --timeout=50s 2>&1)
    rc=$?
    printf -v "RC_$p" '%s' "$rc"
    printf -v "OUT_$p" '%s' "$out"
    printf -v "T_$p" '%s' "$(elapsed "$t0")"
    wait
done
compare "wait --for=delete of an object deleted during the wait" 0

# --- kubectl rollout status of a deployment that is complete (0 replicas)
cat >"$tmp/d0.yaml" <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata: {name: d0}
spec:
  replicas: 0
  selector: {matchLabels: {app: d0}}
  template:
    metadata: {labels: {app: d0}}
    spec: {containers: [{name: c, image: busybox}]}
EOF
kubectl apply -f "$tmp/d0.yaml" >/dev/null 2>&1
for ((i = 0; i < 100; i++)); do   # the reconciler writes its status
    [ -n "$(kubectl get deploy d0 -o jsonpath='{.status.observedGeneration}' 2>/dev/null)" ] && break
    sleep 0.2
done
both kubectl rollout status deployment/d0 --timeout=50s
compare "rollout status of a complete rollout" 0
expect_contains "rollout status says it rolled out" "$OUT_h2" 'successfully rolled out'

# --- kubectl get --watch: the time to the first event after a write
for p in h2 h1; do
    : >"$tmp/w-$p"
    $p kubectl get configmaps --watch-only -o name >"$tmp/w-$p" 2>/dev/null &
    wpid=$!
    sleep 1
    t0=$(now)
    kubectl create configmap "seen-$p" >/dev/null 2>&1
    for ((i = 0; i < 400; i++)); do grep -q "seen-$p" "$tmp/w-$p" && break; sleep 0.1; done
    printf -v "T_$p" '%s' "$(elapsed "$t0")"
    if grep -q "seen-$p" "$tmp/w-$p"; then printf -v "RC_$p" 0; else printf -v "RC_$p" 1; fi
    printf -v "OUT_$p" '%s' "$(cat "$tmp/w-$p")"
    kill "$wpid" 2>/dev/null
    wait "$wpid" 2>/dev/null
done
compare "get --watch-only sees a new configmap" 0

rm -rf "$tmp"
