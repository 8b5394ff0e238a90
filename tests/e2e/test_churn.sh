#!/bin/bash
# End to end: constant churn leaves the database and its WAL bounded (the
# commonest complaint about SQLite-backed Kubernetes). 100 ConfigMaps of
# about 1 KiB each get CHURN_UPDATES updates through nginx from 20
# concurrent clients (5,000 in make test; `make churn` runs 50,000), with
# the stack keeping 5 s of history and at most a tenth of the updates in
# revisions (--etcd-compaction-interval 5s --max-history-revisions N, N at
# least 1,000; --sync normal: durability is not what this measures).
# Without compaction the history alone would hold every update (over
# 50 MB at full size). The files are sampled every half second during the
# churn and again once it is over; each must stay under CHURN_MAX_MB
# (default 24). A watch running throughout sees every update once, in
# order.
. "$(dirname "$0")/lib.sh"
UPDATES=${CHURN_UPDATES:-5000}
MAX_MB=${CHURN_MAX_MB:-24}
CLIENTS=20
OBJECTS=100
export KAPI_RECONCILE=0
HISTORY=$((UPDATES / 10 > 1000 ? UPDATES / 10 : 1000))
export KAPI_APISERVER_ARGS="--etcd-compaction-interval 5s --max-history-revisions $HISTORY --sync normal"
kapi_start

API=$KAPI_URL
tmp=$(mktemp -d)
acurl() { curl -sk --cert "$KAPI_STATE/pki/admin.crt" --key "$KAPI_STATE/pki/admin.key" "$@"; }
pad=$(head -c 900 /dev/zero | tr '\0' 'x')
body() { printf '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"obj-%s"},"data":{"n":"%s","pad":"%s"}}' "$1" "$2" "$pad"; }
size_of() { stat -c %s "$1" 2>/dev/null || echo 0; }

for i in $(seq 0 $((OBJECTS - 1))); do
    acurl -o /dev/null -H 'Content-Type: application/json' --data "$(body "$i" 0)" "$API/api/v1/namespaces/default/configmaps"
done
start_rv=$(acurl "$API/api/v1/namespaces/default/configmaps?limit=1" | sed -n 's/.*"resourceVersion": "\([0-9]*\)".*/\1/p' | head -1)

# One curl per client, each updating its own objects in turn (PUT without a
# resourceVersion: unconditional, so clients never conflict). Every
# operation of a curl config names its certificate: options do not carry
# over `next`.
per=$((UPDATES / CLIENTS))
for c in $(seq 0 $((CLIENTS - 1))); do
    {
        for j in $(seq 1 $per); do
            o=$(( c * (OBJECTS / CLIENTS) + j % (OBJECTS / CLIENTS) ))
            [ "$j" != 1 ] && echo next
            printf 'url = "%s/api/v1/namespaces/default/configmaps/obj-%s"\nrequest = "PUT"\n' "$API" "$o"
            printf 'header = "Content-Type: application/json"\n'
            printf 'data = "{\\"apiVersion\\":\\"v1\\",\\"kind\\":\\"ConfigMap\\",\\"metadata\\":{\\"name\\":\\"obj-%s\\"},\\"data\\":{\\"n\\":\\"%s\\",\\"pad\\":\\"%s\\"}}"\n' "$o" "$j" "$pad"
            printf 'output = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n'
            printf 'cert = "%s"\nkey = "%s"\ninsecure\nsilent\n' "$KAPI_STATE/pki/admin.crt" "$KAPI_STATE/pki/admin.key"
        done
    } >"$tmp/client-$c.cfg"
done

# a watch over the whole churn, from before it
timeout 600 curl -Nsk --cert "$KAPI_STATE/pki/admin.crt" --key "$KAPI_STATE/pki/admin.key" \
    "$API/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=$start_rv" >"$tmp/watch" &
watcher=$!

begin=$(date +%s.%N)
pids=()
for c in $(seq 0 $((CLIENTS - 1))); do
    curl -K "$tmp/client-$c.cfg" >"$tmp/codes-$c" &
    pids+=($!)
done
max_db=0 max_wal=0
while kill -0 "${pids[@]}" 2>/dev/null; do
    db=$(size_of "$KAPI_STATE/kapi.db"); wal=$(size_of "$KAPI_STATE/kapi.db-wal")
    [ "$db" -gt "$max_db" ] && max_db=$db
    [ "$wal" -gt "$max_wal" ] && max_wal=$wal
    sleep 0.5
done
wait "${pids[@]}"
end=$(date +%s.%N)
done_updates=$(cat "$tmp"/codes-* | grep -c '^200$')
rate=$(awk -v n="$done_updates" -v a="$begin" -v b="$end" 'BEGIN {printf "%.0f", n / (b - a)}')
expect_eq "$UPDATES updates answered 200" "$done_updates" "$((per * CLIENTS))"
echo "# $done_updates updates in $(awk -v a="$begin" -v b="$end" 'BEGIN {printf "%.1f", b - a}') s ($rate/s)"

sleep 7                               # one more compaction interval, and a checkpoint
db=$(size_of "$KAPI_STATE/kapi.db"); wal=$(size_of "$KAPI_STATE/kapi.db-wal")
[ "$db" -gt "$max_db" ] && max_db=$db
[ "$wal" -gt "$max_wal" ] && max_wal=$wal
mb() { awk -v b="$1" 'BEGIN {printf "%.1f", b / 1048576}'; }
echo "# largest during the churn and after: database $(mb $max_db) MiB, WAL $(mb $max_wal) MiB; after: $(mb "$db") MiB and $(mb "$wal") MiB"
limit=$((MAX_MB * 1048576))
[ "$max_db" -le "$limit" ] && ok "database stays under $MAX_MB MiB ($(mb $max_db) MiB at most)" || not_ok "database stays under $MAX_MB MiB" "$(mb $max_db) MiB"
[ "$max_wal" -le "$limit" ] && ok "WAL stays under $MAX_MB MiB ($(mb $max_wal) MiB at most)" || not_ok "WAL stays under $MAX_MB MiB" "$(mb $max_wal) MiB"
rows=$(sqlite3 "file:$KAPI_STATE/kapi.db?mode=ro" "SELECT count(*) FROM log" 2>/dev/null)
[ -n "$rows" ] && [ "$rows" -le $((HISTORY + HISTORY / 10 + OBJECTS)) ] && ok "history holds at most the revisions it should ($rows rows)" || not_ok "history holds at most the revisions it should" "$rows rows"

kill "$watcher" 2>/dev/null; wait "$watcher" 2>/dev/null
seen=$(grep -c '"type":"MODIFIED"' "$tmp/watch")
expect_eq "a watch through the churn saw every update" "$seen" "$done_updates"
rvs=$(grep -o '"resourceVersion":"[0-9]*"' "$tmp/watch" | cut -d'"' -f4)
expect_eq "each once, in order" "$(echo "$rvs" | sort -n | uniq | wc -l) $(echo "$rvs" | sort -n -c 2>&1 | wc -l)" "$done_updates 0"
rm -rf "$tmp"
