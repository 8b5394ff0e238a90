#!/bin/bash
# End to end: /metrics scraped by a real Prometheus (Debian's prometheus
# package), started here on a free port with a scrape config that reaches
# kapi through nginx with the client certificate of a user in
# system:monitoring (kube's bootstrap policy grants that group
# nonResourceURL /metrics). Its HTTP API then says `up` is 1, and
# apiserver_request_total counts this test's own requests exactly, by kube's
# labels (verb, code, scope, resource...), summed over the worker pool:
# 7 GETs and 1 404 GET of a ConfigMap, 3 creates, 2 GET /livez. A worker
# killed and restarted by the master takes nothing from the counters. And
# with curl: a user without the grant gets kube's 403, the text format and
# OpenMetrics by the Accept header, and promtool (from the same package)
# finds the output well formed.
. "$(dirname "$0")/lib.sh"
export KAPI_RECONCILE=0
export KAPI_APISERVER_ARGS="--workers 2"
kapi_start

tmp=$(mktemp -d)
PROM_PID=""
stop_prometheus() { [ -n "$PROM_PID" ] && kill "$PROM_PID" 2>/dev/null && wait "$PROM_PID" 2>/dev/null; PROM_PID=""; }
trap 'stop_prometheus; rm -rf "$tmp"; kapi_stop' EXIT
header() { tr -d '\r' <"$1" | sed -n "s/^$2: //Ip" | head -1; }
CM=/api/v1/namespaces/default/configmaps

"$BUILD/kapictl" --state "$KAPI_STATE" user add prom --group system:monitoring >/dev/null 2>&1
"$BUILD/kapictl" --state "$KAPI_STATE" user add carol >/dev/null 2>&1
curl_user() { local u=$1 p=$2; shift 2; curl -sk --cert "$KAPI_STATE/users/$u.crt" --key "$KAPI_STATE/users/$u.key" "$@" "$KAPI_URL$p"; }

# --- who may read /metrics
http curl_user carol /metrics
expect_eq "a user without system:monitoring: GET /metrics 403" "$HTTP_CODE" 403
expect_contains "with kube's message" "$HTTP_BODY" 'forbidden: User \"carol\" cannot get path \"/metrics\"'
http curl_anon /metrics
expect_eq "anonymous: GET /metrics 403" "$HTTP_CODE" 403
curl_user prom /metrics -D "$tmp/h" -o "$tmp/metrics.txt"
expect_eq "a system:monitoring member: the text format 0.0.4" "$(header "$tmp/h" Content-Type)" \
    "text/plain; version=0.0.4; charset=utf-8"
expect_contains "kube's HELP and TYPE lines" "$(cat "$tmp/metrics.txt")" \
    "# HELP apiserver_request_total [STABLE] Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.
# TYPE apiserver_request_total counter"
expect_contains "apiserver_storage_objects counts the bootstrap's namespaces" "$(cat "$tmp/metrics.txt")" \
    'apiserver_storage_objects{resource="namespaces"} 4'
expect_eq "two workers running" "$(sed -n 's/^kapi_workers //p' "$tmp/metrics.txt")" 2
curl_user prom /metrics -H 'Accept: application/openmetrics-text;version=1.0.0,text/plain;q=0.5' \
    -D "$tmp/h" -o "$tmp/metrics.om"
expect_eq "Accept: application/openmetrics-text: OpenMetrics" "$(header "$tmp/h" Content-Type)" \
    "application/openmetrics-text; version=1.0.0; charset=utf-8"
expect_eq "OpenMetrics ends with # EOF" "$(tail -1 "$tmp/metrics.om")" "# EOF"
expect_contains "OpenMetrics names a counter's family without _total" "$(cat "$tmp/metrics.om")" \
    "# TYPE apiserver_request counter"
if command -v promtool >/dev/null; then
    out=$(promtool check metrics <"$tmp/metrics.txt" 2>&1) && ok "promtool check metrics: no problems" ||
        not_ok "promtool check metrics" "$out"
else
    not_ok "promtool (Debian's prometheus package) is installed"
fi

# --- Prometheus, scraping through nginx with prom's certificate
PROM_PORT=$(kapi_free_port)
cat >"$tmp/prometheus.yml" <<EOF
global: {scrape_interval: 2s, scrape_timeout: 2s}
scrape_configs:
- job_name: kapi
  scheme: https
  metrics_path: /metrics
  tls_config:
    ca_file: $KAPI_STATE/pki/ca.crt
    cert_file: $KAPI_STATE/users/prom.crt
    key_file: $KAPI_STATE/users/prom.key
  static_configs:
  - targets: ['127.0.0.1:$KAPI_PORT']
EOF
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/tsdb" \
    --web.listen-address="127.0.0.1:$PROM_PORT" >"$tmp/prometheus.log" 2>&1 &
PROM_PID=$!
# The value of PromQL expression $1 ("" when it has no sample).
promql() {
    curl -s "http://127.0.0.1:$PROM_PORT/api/v1/query" --data-urlencode "query=$1" |
        jq -r '.data.result[0].value[1] // ""' 2>/dev/null
}
# Waits (up to 60 s) until Prometheus holds a successful scrape that started
# after now (a scrape that timed out on a busy machine only delays it).
wait_for_scrape() {
    local since i
    since=$(date +%s.%N)
    for ((i = 0; i < 300; i++)); do
        # (timestamp() of a selector is its sample's time; of anything else,
        # the query's: so the selector alone, and up == 1 beside it)
        [ "$(promql "timestamp(up{job=\"kapi\"}) > $since and up{job=\"kapi\"} == 1")" != "" ] && return 0
        sleep 0.2
    done
    return 1
}
wait_for_scrape && ok "Prometheus scrapes kapi" ||
    not_ok "Prometheus scrapes kapi" "$(tail -20 "$tmp/prometheus.log")"
expect_eq "up is 1" "$(promql 'up{job="kapi"}')" 1

# kube's label sets for this test's requests
GET200='apiserver_request_total{job="kapi",code="200",component="apiserver",dry_run="",group="",resource="configmaps",scope="resource",subresource="",verb="GET",version="v1"}'
GET404=${GET200/code=\"200\"/code=\"404\"}
POST201='apiserver_request_total{job="kapi",code="201",component="apiserver",dry_run="",group="",resource="configmaps",scope="resource",subresource="",verb="POST",version="v1"}'
LIVEZ='apiserver_request_total{job="kapi",code="200",component="",dry_run="",group="",resource="",scope="",subresource="/livez",verb="GET",version=""}'
value() { local v; v=$(promql "$1"); echo "${v:-0}"; }
before_get=$(value "$GET200") before_404=$(value "$GET404") before_post=$(value "$POST201") before_livez=$(value "$LIVEZ")

for i in 1 2 3; do
    curl_admin "$CM" -o /dev/null -H 'Content-Type: application/json' \
        -d "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"m$i\"}}"
done
for i in 1 2 3 4 5 6 7; do curl_admin "$CM/m$(( (i % 3) + 1 ))" -o /dev/null; done
http curl_admin "$CM/missing"
expect_eq "a GET of a missing ConfigMap is 404" "$HTTP_CODE" 404
curl_anon /livez -o /dev/null
curl_anon /livez -o /dev/null

wait_for_scrape || not_ok "Prometheus scrapes again" "$(tail -20 "$tmp/prometheus.log")"
expect_eq "apiserver_request_total{verb=GET,code=200,resource=configmaps,scope=resource} +7" \
    "$(($(value "$GET200") - before_get))" 7
expect_eq "apiserver_request_total{verb=GET,code=404,...} +1" "$(($(value "$GET404") - before_404))" 1
expect_eq "apiserver_request_total{verb=POST,code=201,...} +3" "$(($(value "$POST201") - before_post))" 3
expect_eq "apiserver_request_total{verb=GET,subresource=/livez,code=200} +2" \
    "$(($(value "$LIVEZ") - before_livez))" 2
expect_eq "apiserver_request_duration_seconds counts the same GETs" \
    "$(value 'apiserver_request_duration_seconds_count{job="kapi",resource="configmaps",verb="GET",scope="resource"}')" \
    "$(value "sum(apiserver_request_total{job=\"kapi\",resource=\"configmaps\",verb=\"GET\",scope=\"resource\"})")"
expect_eq "apiserver_storage_objects{resource=configmaps} is 3" \
    "$(value 'apiserver_storage_objects{job="kapi",resource="configmaps"}')" 3
expect_eq "etcd_request_duration_seconds has the creates" \
    "$(value 'etcd_request_duration_seconds_count{job="kapi",operation="create",type="configmaps"}')" 3
[ "$(value 'sum(kapi_store_commit_batch_size_count{job="kapi"})')" -ge 3 ] &&
    ok "kapi_store_commit_batch_size counts the transactions" ||
    not_ok "kapi_store_commit_batch_size counts the transactions"
[ "$(value 'kapi_sqlite_db_bytes{job="kapi"}')" -gt 0 ] && ok "kapi_sqlite_db_bytes" || not_ok "kapi_sqlite_db_bytes"

# --- a watch: the registered-watchers gauge, the long-running gauge and
# the events sent (kubectl lists, then watches from the list's revision: a
# ConfigMap created meanwhile is one ADDED event)
kubectl get cm -w --output-watch-events -o name >"$tmp/watch.out" 2>&1 &
watch_pid=$!
for ((i = 0; i < 100; i++)); do [ "$(wc -l <"$tmp/watch.out")" -ge 3 ] && break; sleep 0.1; done
events_before=$(value 'apiserver_watch_events_total{job="kapi",kind="ConfigMap"}')
curl_admin "$CM" -o /dev/null -H 'Content-Type: application/json' \
    -d '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"m4"}}'
for ((i = 0; i < 100; i++)); do grep -q m4 "$tmp/watch.out" && break; sleep 0.1; done
wait_for_scrape
expect_eq "apiserver_registered_watchers{kind=ConfigMap} is 1 during the watch" \
    "$(value 'sum(apiserver_registered_watchers{job="kapi",group="",kind="ConfigMap",version="v1"})')" 1
expect_eq "apiserver_longrunning_requests{verb=WATCH,resource=configmaps} is 1" \
    "$(value 'sum(apiserver_longrunning_requests{job="kapi",verb="WATCH",resource="configmaps"})')" 1
expect_eq "apiserver_watch_events_total{kind=ConfigMap}: +1, the event sent" \
    "$(($(value 'apiserver_watch_events_total{job="kapi",group="",kind="ConfigMap",version="v1"}') - events_before))" 1
kill "$watch_pid" 2>/dev/null
wait "$watch_pid" 2>/dev/null

# --- a worker killed: the master starts another; counters do not go back
cpu_before=$(value 'process_cpu_seconds_total{job="kapi"}')
get_before=$(value "$GET200")
master=$(cat "$KAPI_STATE/run/apiserver.pid")
victim=$(pgrep -P "$master" | head -1)
kill -KILL "$victim"
for ((i = 0; i < 100; i++)); do
    [ "$(pgrep -P "$master" | grep -vx "$victim" | wc -l)" -ge 2 ] && break
    sleep 0.1
done
curl_admin "$CM/m1" -o /dev/null
wait_for_scrape
expect_eq "after a worker was killed and restarted: the GET count goes on (+1)" \
    "$(($(value "$GET200") - get_before))" 1
awk -v a="$(value 'process_cpu_seconds_total{job="kapi"}')" -v b="$cpu_before" 'BEGIN { exit !(a >= b) }' &&
    ok "process_cpu_seconds_total does not go back (the dead worker's time is kept)" ||
    not_ok "process_cpu_seconds_total does not go back" "before $cpu_before"
expect_eq "Prometheus saw no counter reset" \
    "$(value "resets(apiserver_request_total{job=\"kapi\",resource=\"configmaps\",verb=\"GET\",code=\"200\"}[5m])")" 0
expect_eq "two workers again" "$(value 'kapi_workers{job="kapi"}')" 2
