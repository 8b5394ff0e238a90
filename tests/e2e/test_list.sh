#!/bin/bash
# End to end: LIST as kube-apiserver serves it, through nginx with curl and
# the real kubectl. 1,000 ConfigMaps paged with limit=100 while another
# client creates, changes and deletes ConfigMaps: every object of the first
# page's revision exactly once, every page at that revision, the remaining
# count going down; kubectl's own paging (--chunk-size); label and field
# selectors; resourceVersionMatch=Exact reading the past; deletecollection
# with a selector; once history is compacted (this stack keeps 300
# revisions) a saved continue token gets 410 and a token to go on with.
. "$(dirname "$0")/lib.sh"
export KAPI_RECONCILE=0
export KAPI_APISERVER_ARGS="--max-history-revisions 300"
kapi_start

K="$KUBECTL --kubeconfig $KUBECONFIG --cache-dir $KAPI_STATE/kube-cache"
API=$KAPI_URL
tmp=$(mktemp -d)
acurl() { curl -sk --cert "$KAPI_STATE/pki/admin.crt" --key "$KAPI_STATE/pki/admin.key" "$@"; }
cm() { printf '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"%s","labels":{"tier":"%s"}},"data":{"k":"v"}}' "$1" "$2"; }
field() { sed -n "s/.*\"$1\": \"\\([^\"]*\\)\".*/\\1/p" "$2" | head -1; }

# --- 1,000 objects, created by one curl with 16 transfers at a time
acurl -o /dev/null -H 'Content-Type: application/json' --data '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"pg"}}' "$API/api/v1/namespaces"
quote() { local s=${1//\\/\\\\}; printf '"%s"' "${s//\"/\\\"}"; }   # curl config string
{
    for i in $(seq -w 0 999); do
        [ "$i" != 000 ] && echo next
        printf 'url = "%s/api/v1/namespaces/pg/configmaps"\n' "$API"
        printf 'header = "Content-Type: application/json"\n'
        printf 'data = %s\n' "$(quote "$(cm "cm-$i" $((10#$i % 2)))")"
        printf 'output = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n'
        printf 'cert = "%s"\nkey = "%s"\ninsecure\nsilent\n' "$KAPI_STATE/pki/admin.crt" "$KAPI_STATE/pki/admin.key"
    done
} >"$tmp/create.cfg"
codes=$(curl --parallel --parallel-max 16 -K "$tmp/create.cfg" | sort | uniq -c | awk '{print $2 ":" $1}')
expect_eq "1,000 ConfigMaps created" "$codes" "201:1000"

# --- paging with limit=100 while another client writes (it starts once
# the first page is read, so the snapshot is exactly the 1,000)
start_writer() (
    for i in $(seq 1 60); do
        acurl -o /dev/null -H 'Content-Type: application/json' --data "$(cm "new-$i" 0)" "$API/api/v1/namespaces/pg/configmaps"
        acurl -o /dev/null -X DELETE "$API/api/v1/namespaces/pg/configmaps/cm-$(printf %03d $((i * 7)))"
        acurl -o /dev/null -X PATCH -H 'Content-Type: application/merge-patch+json' --data '{"data":{"k":"w"}}' "$API/api/v1/namespaces/pg/configmaps/cm-$(printf %03d $((i * 11)))"
    done
)
writer=""
cont="" pages=0 rv="" same_rv=1 remaining=""
: >"$tmp/names"
while :; do
    url="$API/api/v1/namespaces/pg/configmaps?limit=100"
    [ -n "$cont" ] && url="$url&continue=$cont"
    acurl "$url" >"$tmp/page"
    pages=$((pages + 1))
    if [ -z "$writer" ]; then start_writer & writer=$!; fi
    grep -o '"name": "[^"]*"' "$tmp/page" | cut -d'"' -f4 >>"$tmp/names"
    prv=$(field resourceVersion "$tmp/page")
    [ -z "$rv" ] && rv=$prv
    [ "$prv" = "$rv" ] || same_rv=0
    remaining="$remaining $(sed -n 's/.*"remainingItemCount": \([0-9]*\).*/\1/p' "$tmp/page")"
    cont=$(field continue "$tmp/page")
    [ -z "$cont" ] || [ "$pages" -ge 20 ] && break
    sleep 0.05
done
wait $writer
expect_eq "10 pages of 100" "$pages" "10"
expect_eq "each of the 1,000 objects exactly once" "$(sort "$tmp/names" | uniq -c | awk '$1 != 1' | wc -l) $(sort -u "$tmp/names" | grep -c '^cm-')" "0 1000"
expect_eq "no object written after the first page" "$(grep -c '^new-' "$tmp/names")" "0"
expect_eq "every page at the first page's resourceVersion" "$same_rv" "1"
expect_eq "remainingItemCount goes down" "$(echo $remaining)" "900 800 700 600 500 400 300 200 100"
now=$(acurl "$API/api/v1/namespaces/pg/configmaps?limit=1" | sed -n 's/.*"resourceVersion": "\([0-9]*\)".*/\1/p' | head -1)
[ "$now" -gt "$rv" ] && ok "the writes went on meanwhile ($rv -> $now)" || not_ok "the writes went on meanwhile" "$rv -> $now"

# --- kubectl pages by itself (limit + continue)
all=$(acurl "$API/api/v1/namespaces/pg/configmaps" | grep -c '"name": ')
out=$($K get cm -n pg --chunk-size=100 -o name 2>&1)
expect_eq "kubectl get --chunk-size=100 sees every object" "$(echo "$out" | grep -c '^configmap/')" "$all"
out=$($K get cm -n pg --chunk-size=150 2>&1 | tail -n +2 | wc -l)
expect_eq "kubectl get (Table pages) sees every object" "$out" "$all"

# --- Exact: the state at the first page's revision, as a whole
acurl "$API/api/v1/namespaces/pg/configmaps?resourceVersion=$rv&resourceVersionMatch=Exact" >"$tmp/exact"
expect_eq "resourceVersionMatch=Exact lists the past" "$(grep -c '"name": "cm-' "$tmp/exact") $(grep -c '"name": "new-' "$tmp/exact")" "1000 0"
expect_eq "and says so" "$(field resourceVersion "$tmp/exact")" "$rv"

# --- selectors
expect_eq "label selector" "$($K get cm -n pg -l tier=1 -o name | grep -c cm-)" "$(grep -c '"tier": "1"' <(acurl "$API/api/v1/namespaces/pg/configmaps"))"
expect_eq "field selector metadata.name" "$($K get cm -n pg --field-selector metadata.name=cm-001 -o name)" "configmap/cm-001"
out=$($K get cm -n pg --field-selector data.k=v 2>&1)
expect_contains "unsupported field selector" "$out" 'field label not supported: data.k'

# --- deletecollection with a label selector
code=$(acurl -o "$tmp/dc" -w '%{http_code}' -X DELETE "$API/api/v1/namespaces/pg/configmaps?labelSelector=tier%3D0")
expect_eq "deletecollection with a selector" "$code" "200"
expect_contains "it answers with the list it deleted" "$(head -c 300 "$tmp/dc")" '"kind": "ConfigMapList"'
expect_eq "only the selected objects are gone" "$(acurl "$API/api/v1/namespaces/pg/configmaps?labelSelector=tier%3D0" | grep -c '"name": ')" "0"
[ "$($K get cm -n pg -o name | grep -c cm-)" -gt 400 ] && ok "the others stay" || not_ok "the others stay"

# --- deletecollection deletes each object as DELETE would: one with a
# finalizer is only marked (deletionTimestamp), and dryRun removes nothing
for n in keep-1 go-1 go-2; do
    fin=''
    [ "$n" = keep-1 ] && fin=',"finalizers":["example.com/hold"]'
    acurl -o /dev/null -H 'Content-Type: application/json' --data "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"$n\",\"labels\":{\"batch\":\"dc\"}$fin}}" "$API/api/v1/namespaces/pg/configmaps"
done
code=$(acurl -o /dev/null -w '%{http_code}' -X DELETE "$API/api/v1/namespaces/pg/configmaps?labelSelector=batch%3Ddc&dryRun=All")
expect_eq "deletecollection dryRun: 200" "$code" "200"
expect_eq "deletecollection dryRun: nothing removed or marked" "$($K get cm -n pg -l batch=dc -o jsonpath='{range .items[*]}{.metadata.name}:{.metadata.deletionTimestamp};{end}')" "go-1:;go-2:;keep-1:;"
code=$(acurl -o /dev/null -w '%{http_code}' -X DELETE "$API/api/v1/namespaces/pg/configmaps?labelSelector=batch%3Ddc")
expect_eq "deletecollection of objects with and without finalizers: 200" "$code" "200"
expect_eq "the objects without finalizers are gone, the one with a finalizer is marked" \
    "$($K get cm -n pg -l batch=dc -o jsonpath='{range .items[*]}{.metadata.name}:{.metadata.finalizers[0]}:{.metadata.deletionTimestamp};{end}' | sed 's/:20[0-9T:-]*Z;/:marked;/')" \
    "keep-1:example.com/hold:marked;"
acurl -o /dev/null -X PATCH -H 'Content-Type: application/merge-patch+json' --data '{"metadata":{"finalizers":null}}' "$API/api/v1/namespaces/pg/configmaps/keep-1"
expect_eq "taking its finalizer away removes it" "$($K get cm -n pg -l batch=dc -o name)" ""

# --- a saved continue token once history is compacted
acurl "$API/api/v1/namespaces/pg/configmaps?limit=50" >"$tmp/first"
saved=$(field continue "$tmp/first")
for i in $(seq 1 40); do acurl -o /dev/null -X PATCH -H 'Content-Type: application/merge-patch+json' --data "{\"data\":{\"k\":\"$i\"}}" "$API/api/v1/namespaces/pg/configmaps/cm-001"; done
code=$(acurl -o "$tmp/still" -w '%{http_code}' "$API/api/v1/namespaces/pg/configmaps?limit=50&continue=$saved")
expect_eq "a token within history still works" "$code" "200"
{
    for i in $(seq 0 399); do
        [ "$i" != 0 ] && echo next
        printf 'url = "%s/api/v1/namespaces/pg/configmaps/cm-%03d"\nrequest = "PATCH"\n' "$API" $((2 * i + 1))
        printf 'header = "Content-Type: application/merge-patch+json"\ndata = "{\\"data\\":{\\"k\\":\\"%s\\"}}"\n' "$i"
        printf 'output = "/dev/null"\ncert = "%s"\nkey = "%s"\ninsecure\nsilent\n' "$KAPI_STATE/pki/admin.crt" "$KAPI_STATE/pki/admin.key"
    done
} >"$tmp/churn.cfg"
curl --parallel --parallel-max 8 -K "$tmp/churn.cfg"   # 400 objects, one write each
sleep 2.5                     # the compactor looks every second
code=$(acurl -o "$tmp/gone" -w '%{http_code}' "$API/api/v1/namespaces/pg/configmaps?limit=50&continue=$saved")
expect_eq "a compacted continue token is 410" "$code" "410"
expect_contains "410 Expired" "$(cat "$tmp/gone")" '"reason": "Expired"'
expect_contains "kube's message" "$(cat "$tmp/gone")" 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results.'
fresh=$(field continue "$tmp/gone")
[ -n "$fresh" ] && [ "$fresh" != "$saved" ] && ok "410 carries a token to go on with" || not_ok "410 carries a token to go on with" "$(cat "$tmp/gone")"
code=$(acurl -o "$tmp/on" -w '%{http_code}' "$API/api/v1/namespaces/pg/configmaps?limit=50&continue=$fresh")
expect_eq "that token lists the rest at the latest revision" "$code" "200"
expect_eq "from where the saved one stopped" "$(grep -o '"name": "[^"]*"' "$tmp/on" | head -1)" "$(grep -o '"name": "[^"]*"' "$tmp/still" | head -1)"

rm -rf "$tmp"
