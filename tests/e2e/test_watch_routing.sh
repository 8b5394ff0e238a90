#!/bin/bash
# End to end: whether a request is a watch is decided once, by the worker,
# from the decoded request, and nginx's routing cannot overrule it. nginx
# sends a request to the watch socket by a regex over the raw query; a watch
# it does not recognise (a percent-encoded parameter name such as
# ?%77atch=1) reaches the ordinary socket, whose threads must never be held,
# and the worker refuses it there at once (400 BadRequest Status) instead of
# serving it. Every form honest clients send (watch=1, watch=true, watch,
# watch=, repeated parameters, legacy /watch/ paths) still streams, via the
# watch socket; nginx and the worker agree that the first of repeated
# parameters counts (Go's url.Values.Get). And a user holding 40 encoded
# watches open cannot slow another user's ordinary request.
. "$(dirname "$0")/lib.sh"
kapi_start

tmp=$(mktemp -d)
CM=/api/v1/namespaces/default/configmaps
LOG=$KAPI_STATE/log/nginx-access.log
n=0

# probe QUERY-OR-PATH: one request with a user agent of its own, for at most
# 3 s; sets CODE, TIME (seconds to the end of the answer or the cut), BODY,
# SOCKET ("api", "watch" or "" as nginx's access log names the upstream).
probe() {
    local target=$1 out i line
    n=$((n + 1))
    : >"$tmp/body"
    out=$(curl -sk -N --http2 -m 3 -A "routing-probe-$n" \
        --cert "$KAPI_STATE/pki/admin.crt" --key "$KAPI_STATE/pki/admin.key" \
        -o "$tmp/body" -w '%{http_code} %{time_total}' "$KAPI_URL$target")
    read -r CODE TIME <<<"$out"
    BODY=$(cat "$tmp/body")
    SOCKET=""
    for ((i = 0; i < 30; i++)); do   # nginx logs once it has seen the end
        line=$(grep "\"routing-probe-$n\"" "$LOG")
        [ -n "$line" ] && break
        sleep 0.1
    done
    case $line in *watch.sock*) SOCKET=watch ;; *api.sock*) SOCKET=api ;; esac
}
quick() { awk -v t="$1" 'BEGIN { exit !(t < 2) }'; }

# A watch: 200, streamed until curl's cut, through the watch socket.
expect_watch() {
    local desc=$1 target=$2
    probe "$target"
    if [ "$CODE" = 200 ] && [ "$SOCKET" = watch ] && [[ $BODY != *'"kind":"ConfigMapList"'* ]]; then
        ok "$desc streams a watch via the watch socket"
    else
        not_ok "$desc streams a watch via the watch socket" "code=$CODE socket=$SOCKET time=$TIME" "$BODY"
    fi
}

# A list: 200 ConfigMapList at once (any socket may serve a short request).
expect_list() {
    local desc=$1 target=$2
    probe "$target"
    if [ "$CODE" = 200 ] && [[ $BODY == *'"kind": "ConfigMapList"'* || $BODY == *'"kind":"ConfigMapList"'* ]] && quick "$TIME"; then
        ok "$desc is a list, answered at once (${TIME}s, $SOCKET socket)"
    else
        not_ok "$desc is a list, answered at once" "code=$CODE socket=$SOCKET time=$TIME" "$BODY"
    fi
}

# A watch nginx did not route: refused at once on the ordinary socket.
expect_refused() {
    local desc=$1 target=$2
    probe "$target"
    if [ "$CODE" = 400 ] && [ "$SOCKET" = api ] && quick "$TIME" &&
        [[ $BODY == *'"reason":"BadRequest"'* && $BODY == *'watch requests must'* ]]; then
        ok "$desc is refused at once on the ordinary socket (${TIME}s)"
    else
        not_ok "$desc is refused at once on the ordinary socket" "code=$CODE socket=$SOCKET time=$TIME" "$BODY"
    fi
}

# --- what honest clients send
expect_watch "?watch=1" "$CM?watch=1"
expect_watch "?watch=true" "$CM?watch=true"
expect_watch "?watch (no value)" "$CM?watch"
expect_watch "?watch= (empty value)" "$CM?watch="
expect_watch "client-go's query" "$CM?allowWatchBookmarks=true&resourceVersion=1&timeoutSeconds=300&watch=true"
expect_watch "?watch=%31 (an encoded value)" "$CM?watch=%31"
expect_watch "a legacy /api/v1/watch/ path" "/api/v1/watch/namespaces/default/configmaps"
expect_watch "a legacy /apis/g/v/watch/ path" "/apis/apps/v1/watch/namespaces/default/deployments"
expect_watch "a legacy watch of one name" "/api/v1/watch/namespaces/default/configmaps/x"
expect_list "?watch=0" "$CM?watch=0"
expect_list "?watch=false" "$CM?watch=false"
expect_list "?watch=FALSE" "$CM?watch=FALSE"

# --- repeated parameters: the first one counts, for nginx and the worker
expect_list "?watch=0&watch=1" "$CM?watch=0&watch=1"
expect_list "?watch=false&watch=true" "$CM?watch=false&watch=true"
expect_watch "?watch=1&watch=0" "$CM?watch=1&watch=0"
expect_list "?watch=0&%77atch=1" "$CM?watch=0&%77atch=1"

# --- percent-encoded names: never a watch held on the ordinary socket
expect_refused "?%77atch=1" "$CM?%77atch=1"
expect_refused "?w%61tch=1" "$CM?w%61tch=1"
expect_refused "?watc%68=1" "$CM?watc%68=1"
expect_refused "?%77%61%74%63%68=true" "$CM?%77%61%74%63%68=true"
expect_refused "?%77atch (no value)" "$CM?%77atch"
expect_refused "?w%61tch= (empty value)" "$CM?w%61tch="
expect_refused "?%77atch=1&watch=0 (the encoded one is first)" "$CM?%77atch=1&watch=0"
expect_refused "?limit=1&%77atch=1" "$CM?limit=1&%77atch=1"
expect_refused "an encoded name with a field selector" "$CM?fieldSelector=metadata.name%3Dx&%77atch=1"
# Go's query keys are case-sensitive: %57 is "W", and "Watch" is no watch
expect_list "?%57atch=1" "$CM?%57atch=1"
expect_list "?Watch=1" "$CM?Watch=1"

# --- another user's flood of encoded watches starves nobody
"$BUILD/kapictl" --state "$KAPI_STATE" user add mallory >/dev/null 2>&1
cat >"$tmp/rbac.yaml" <<'EOF'
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: cm-reader, namespace: default}
rules:
- apiGroups: [""]
  resources: [configmaps]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: mallory-cm-reader, namespace: default}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: cm-reader}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: mallory}
EOF
check "mallory may get, list and watch configmaps in default" kubectl apply -f "$tmp/rbac.yaml"
mcurl() { curl -sk -N -m 20 --cert "$KAPI_STATE/users/mallory.crt" --key "$KAPI_STATE/users/mallory.key" "$@"; }
code=$(mcurl -o /dev/null -w '%{http_code}' "$KAPI_URL$CM?%77atch=1")
expect_eq "mallory's encoded watch is refused" "$code" "400"
pids=()
for ((i = 0; i < 40; i++)); do
    for form in '%77atch=1' 'w%61tch=1' 'watc%68=1' 'watch=1'; do
        mcurl -o /dev/null "$KAPI_URL$CM?$form" &
        pids+=($!)
    done
done
sleep 1
slow=""
for ((i = 0; i < 5; i++)); do
    t=$(curl -sk -o /dev/null -m 10 -w '%{http_code} %{time_total}' \
        --cert "$KAPI_STATE/pki/admin.crt" --key "$KAPI_STATE/pki/admin.key" "$KAPI_URL/api/v1/namespaces")
    read -r c s <<<"$t"
    { [ "$c" = 200 ] && quick "$s"; } || slow="$slow attempt $i: code $c in ${s}s;"
    sleep 0.2
done
[ -z "$slow" ] && ok "the admin's list of namespaces is answered within a second while mallory floods (160 requests, 40 plain watches)" ||
    not_ok "the admin's list of namespaces is answered within a second while mallory floods" "$slow"
t=$(curl -sk -o /dev/null -m 10 -w '%{http_code} %{time_total}' "$KAPI_URL/readyz")
read -r c s <<<"$t"
{ [ "$c" = 200 ] && quick "$s"; } && ok "/readyz answers ok within a second during the flood" ||
    not_ok "/readyz answers ok within a second during the flood" "code $c in ${s}s"
kill "${pids[@]}" 2>/dev/null
wait 2>/dev/null

rm -rf "$tmp"
