#!/bin/bash
# bench/reconcile.sh: one kapi-reconcile pass that brings up BENCH_DEPLOYMENTS
# Deployments of BENCH_REPLICAS replicas (default 1,000 x 10: 1,000
# ReplicaSets + 10,000 pods = 11,000 objects written, plus their events and
# status updates), on a fresh stack (scripts/kapi-stack, no reconciler loop).
# Reports the pass's time, the objects it wrote per second, all its writes
# per second, and, measured in the same run as the baseline, the raw store's
# write rate at the same durability (bench/load-objects.c: ConfigMaps through
# the store API with group commit, synchronous=FULL, into a separate
# database).
#
# Environment:
#   BUILD              build directory (default build)
#   BENCH_DEPLOYMENTS  Deployments (default 1000)
#   BENCH_REPLICAS     replicas each (default 10)
#   BENCH_WORKERS      kapi-reconcile --workers (default: its own, 16)
#   BENCH_OUT          results file (default bench/results/reconcile.txt)
#   BENCH_KEEP         1 keeps the state directory
# A benchmark, not a test: exits 0 unless something could not run.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
ROOT=$PWD
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
DEPLOYMENTS=${BENCH_DEPLOYMENTS:-1000}
REPLICAS=${BENCH_REPLICAS:-10}
OUT=${BENCH_OUT:-$ROOT/bench/results/reconcile.txt}
for v in DEPLOYMENTS REPLICAS; do
    [[ ${!v} =~ ^[0-9]+$ ]] && [ "${!v}" -ge 1 ] || { echo "bench/reconcile: BENCH_$v must be a number >= 1" >&2; exit 2; }
done
say() { printf 'bench/reconcile: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
[ -x "$BUILD/kapi-reconcile" ] && [ -f "$BUILD/libkapi.a" ] || die "$BUILD/kapi-reconcile not built; run make first"
command -v curl >/dev/null && command -v gcc >/dev/null || die "curl and gcc are needed"

BB=$BUILD/bench
mkdir -p "$BB" || die "cannot create $BB"
gcc -O2 -std=c11 -D_GNU_SOURCE -pthread -Ifcgi -o "$BB/load-objects" bench/load-objects.c "$BUILD/libkapi.a" \
    -lfcgi -lsqlite3 -lcjson -lyaml -lssl -lcrypto || die "building load-objects failed"

port() {
    local p i
    for ((i = 0; i < 500; i++)); do
        p=$((20000 + RANDOM % 40000))
        [ -z "$(ss -Htln "sport = :$p" 2>/dev/null)" ] && { echo "$p"; return 0; }
    done
    return 1
}
PORT=$(port) || die "no free port"
STATE=$(mktemp -d) || die "mktemp failed"
chmod 711 "$STATE"
STACK=(env KAPI_PORT="$PORT" KAPI_STATE="$STATE" KAPI_RECONCILE=0 BUILD="$BUILD" "$ROOT/scripts/kapi-stack")
cleanup() {
    "${STACK[@]}" stop >/dev/null 2>&1
    if [ "${BENCH_KEEP:-0}" = 1 ]; then say "state kept in $STATE"; else rm -rf "$STATE"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
"${STACK[@]}" start >"$STATE/stack-start.log" 2>&1 || { cat "$STATE/stack-start.log" >&2; die "the stack did not start"; }
API=https://127.0.0.1:$PORT

# The Deployments, POSTed through nginx (not measured), 100 per connection.
say "creating $DEPLOYMENTS Deployments of $REPLICAS replicas"
created=0
for ((start = 0; start < DEPLOYMENTS; start += 100)); do
    args=()
    for ((i = start; i < start + 100 && i < DEPLOYMENTS; i++)); do
        body="{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"bench-$i\"},\"spec\":{\"replicas\":$REPLICAS,\"selector\":{\"matchLabels\":{\"app\":\"bench-$i\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"bench-$i\"}},\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx\"}]}}}}"
        args+=(--next -sk --cert "$STATE/pki/admin.crt" --key "$STATE/pki/admin.key" -o /dev/null -w '%{http_code}\n'
               -H 'Content-Type: application/json' --data "$body" "$API/apis/apps/v1/namespaces/default/deployments")
    done
    created=$((created + $(curl --max-time 300 "${args[@]}" | grep -c '^201$')))
done
[ "$created" = "$DEPLOYMENTS" ] || die "only $created of $DEPLOYMENTS Deployments were created"

# The pass, timed by itself (--verbose ends with its counts and seconds).
say "one pass (kapi-reconcile --once)"
"$BUILD/kapi-reconcile" --state "$STATE" --once --verbose ${BENCH_WORKERS:+--workers "$BENCH_WORKERS"} \
    >"$STATE/pass.log" 2>&1 || { tail -5 "$STATE/pass.log" >&2; die "the pass failed"; }
summary=$(grep '^kapi-reconcile: [0-9]* creates' "$STATE/pass.log" | tail -1)
[ -n "$summary" ] || die "no summary in $STATE/pass.log"
read -r creates updates deletes events rounds seconds < <(
    sed -E 's/^kapi-reconcile: ([0-9]+) creates, ([0-9]+) updates, ([0-9]+) deletes, ([0-9]+) events in ([0-9]+) rounds? \(([0-9.]+)s\).*/\1 \2 \3 \4 \5 \6/' <<<"$summary")
rs=$(grep -c '^create  replicasets.apps ' "$STATE/pass.log")
pods=$(grep -c '^create  pods ' "$STATE/pass.log")
objects=$((rs + pods))

# Did it converge? A second pass must write nothing.
"$BUILD/kapi-reconcile" --state "$STATE" --once --verbose >"$STATE/pass2.log" 2>&1
converged=$(grep -c '0 creates, 0 updates, 0 deletes, 0 events' "$STATE/pass2.log")

# The raw store in the same run: as many ConfigMaps, group-committed, FULL sync.
say "the raw store's write rate (load-objects, $objects objects, synchronous=FULL)"
raw=$("$BB/load-objects" --db "$STATE/raw.db" --count "$objects" --namespaces 100 --threads 64 --sync full 2>&1)
raw_rate=$(sed -n 's/.* rate=\([0-9]*\)\/s.*/\1/p' <<<"$raw")

rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "?" }'; }
obj_rate=$(rate "$objects" "$seconds")
writes=$((creates + updates + deletes + events))
write_rate=$(rate "$writes" "$seconds")
share=$(awk -v a="$obj_rate" -v b="${raw_rate:-0}" 'BEGIN { if (b > 0) printf "%.0f%%", 100 * a / b; else print "?" }')
wshare=$(awk -v a="$write_rate" -v b="${raw_rate:-0}" 'BEGIN { if (b > 0) printf "%.0f%%", 100 * a / b; else print "?" }')
{
    echo "kapi-reconcile: one pass over $DEPLOYMENTS Deployments x $REPLICAS replicas ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
    printf '  %-44s %8s s  (%s rounds)\n' "time of the pass" "$seconds" "$rounds"
    printf '  %-44s %8s     (%s ReplicaSets + %s pods)\n' "objects written" "$objects" "$rs" "$pods"
    printf '  %-44s %8s /s  (%s of the raw store)\n' "objects written per second" "$obj_rate" "$share"
    printf '  %-44s %8s /s  (%s creates, %s updates, %s deletes, %s events; %s of the raw store)\n' \
        "all writes per second" "$write_rate" "$creates" "$updates" "$deletes" "$events" "$wshare"
    printf '  %-44s %8s /s  (%s)\n' "raw store writes per second (same run)" "${raw_rate:-?}" "${raw#load-objects: }"
    printf '  %-44s %8s\n' "a second pass writes nothing" "$([ "$converged" = 1 ] && echo yes || echo NO)"
} >"$STATE/report.txt"
mkdir -p "$(dirname "$OUT")" && cp "$STATE/report.txt" "$OUT"
cat "$STATE/report.txt"
