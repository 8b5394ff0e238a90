#!/bin/bash
# test_stack.sh: the stack as a whole: nginx + the kapi-apiserver pool +
# scripts/kapi-stack and scripts/kapi-run. The seed's three curl cases with
# their exact bodies, kubectl get ns, identity that cannot be forged with
# headers, the 3 MiB body limit, worker respawn, and clean stops.
. "$(dirname "$0")/lib.sh"

kapi_start

# Processes of this stack: the two masters and their children.
stack_pids() {
    local m c
    for m in "$KAPI_STATE/run/apiserver.pid" "$KAPI_STATE/run/nginx.pid"; do
        [ -s "$m" ] || continue
        read -r m <"$m"
        echo "$m"
        for c in $(cat "/proc/$m/task/$m/children" 2>/dev/null); do echo "$c"; done
    done
}
# Live (non-zombie) processes among $@.
still_alive() {
    local p st
    for p in "$@"; do
        st=$(cat "/proc/$p/stat" 2>/dev/null) || continue
        st=${st##*) }
        [ "${st%% *}" = Z ] || echo "$p"
    done
}
# Processes whose command line names this state dir.
state_procs() {
    local d cmd
    for d in /proc/[0-9]*; do
        cmd=$(tr '\0' ' ' 2>/dev/null <"$d/cmdline") || continue
        [[ " $cmd " == *" $KAPI_STATE/"* || " $cmd " == *" $KAPI_STATE "* ]] && echo "${d#/proc/} $cmd"
    done
}
apiserver_workers() {
    local m
    read -r m 2>/dev/null <"$KAPI_STATE/run/apiserver.pid" || return 0
    cat "/proc/$m/task/$m/children" 2>/dev/null
}
all_ready() {   # N requests to /readyz, all 200
    local i code
    for ((i = 0; i < $1; i++)); do
        code=$(curl_anon /readyz -o /dev/null -w '%{http_code}')
        [ "$code" = 200 ] || { echo "request $i: $code"; return 1; }
    done
}

# ---- the seed, "API Server 역할 1": authentication and authorization

http curl_anon ""
expect_eq "no client certificate: 403" "$HTTP_CODE" 403
expect_eq "no client certificate: the seed's Status body, pretty-printed for curl" "$HTTP_BODY" '{
  "kind": "Status",
  "apiVersion": "v1",
  "metadata": {},
  "status": "Failure",
  "message": "forbidden: User \"system:anonymous\" cannot get path \"/\"",
  "reason": "Forbidden",
  "details": {},
  "code": 403
}'

http curl_cert apiserver ""
expect_eq "a certificate that fails verification (the server's own): 401" "$HTTP_CODE" 401
expect_eq "a certificate that fails verification: the seed's Status body" "$HTTP_BODY" '{
  "kind": "Status",
  "apiVersion": "v1",
  "metadata": {},
  "status": "Failure",
  "message": "Unauthorized",
  "reason": "Unauthorized",
  "code": 401
}'

http curl_admin ""
expect_eq "admin certificate: 200" "$HTTP_CODE" 200
expect_contains "admin certificate: the paths list names /api" "$HTTP_BODY" '"/api"'
expect_contains "admin certificate: the paths list names /apis" "$HTTP_BODY" '"/apis"'
expect_contains "admin certificate: a paths list" "$HTTP_BODY" '"paths"'

# The same over HTTP/1.1 (kubectl may use either).
http curl_anon "" --http1.1
expect_eq "no client certificate over HTTP/1.1: 403" "$HTTP_CODE" 403

# ---- kubectl

out=$(kubectl get ns 2>&1)
names=$(printf '%s\n' "$out" | awk 'NR > 1 { print $1 }' | sort | tr '\n' ' ')
if [ "$names" = "default kube-node-lease kube-public kube-system " ]; then
    ok "kubectl get ns lists the four bootstrap namespaces"
else
    not_ok "kubectl get ns lists the four bootstrap namespaces" \
        "expected: default kube-node-lease kube-public kube-system" "output:" "$out"
fi

# ---- identity comes from TLS only

http curl_anon "" -H 'X-Client-DN: CN=kubernetes-admin,O=system:masters' \
    -H 'KAPI-CLIENT-VERIFY: SUCCESS' -H 'KAPI-CLIENT-DN: CN=kubernetes-admin,O=system:masters' \
    -H 'KAPI-AUTHN-FAILED: x'
expect_eq "forged identity headers without a certificate: still 403" "$HTTP_CODE" 403
expect_contains "forged identity headers: still system:anonymous" "$HTTP_BODY" 'system:anonymous'

# ---- the 3 MiB body limit

big=$KAPI_STATE/big.json
{ printf '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"k":"'
  head -c $((3 * 1024 * 1024 + 100)) /dev/zero | tr '\0' a
  printf '"}}'; } >"$big"
http curl_admin "/api/v1/namespaces/default/configmaps?dryRun=All" -X POST \
    -H 'Content-Type: application/json' --data-binary @"$big"
expect_eq "a body over 3 MiB: 413" "$HTTP_CODE" 413
expect_contains "a body over 3 MiB: a Status" "$HTTP_BODY" '"kind":"Status"'
expect_contains "a body over 3 MiB: reason RequestEntityTooLarge" "$HTTP_BODY" '"reason":"RequestEntityTooLarge"'

http curl_admin "/api/v1/namespaces/default/configmaps?dryRun=All" -X POST \
    -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' --data-binary @"$big"
expect_eq "a chunked body over 3 MiB: 413" "$HTTP_CODE" 413

# Between nginx's 1 MiB buffer and the limit: spooled to a temp file by nginx
# (as its unprivileged worker user), then passed to the pool whole.
mid=$KAPI_STATE/mid.json
{ printf '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"mid"},"data":{"k":"'
  head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' a
  printf '"}}'; } >"$mid"
http curl_admin "/api/v1/namespaces/default/configmaps?dryRun=All" -X POST \
    -H 'Content-Type: application/json' --data-binary @"$mid"
if [ "$HTTP_CODE" != 413 ] && [ "$HTTP_CODE" -lt 500 ] 2>/dev/null; then
    ok "a 2 MiB body reaches the apiserver (status $HTTP_CODE)"
else
    not_ok "a 2 MiB body reaches the apiserver" "status: $HTTP_CODE" "${HTTP_BODY:0:300}"
fi
rm -f "$big" "$mid"

# ---- nginx's own errors are Status objects too

http curl_admin "/api/v1/namespaces/%zz"
expect_eq "a malformed URI: 400" "$HTTP_CODE" 400
expect_contains "a malformed URI: a Status, not an HTML page" "$HTTP_BODY" '"kind":"Status"'

# ---- the worker pool

before=$(apiserver_workers | wc -w)
victim=$(apiserver_workers | awk '{ print $1 }')
if [ -z "$victim" ]; then
    not_ok "the apiserver master has workers"
else
    kill -9 "$victim"
    for ((i = 0; i < 50; i++)); do
        now=$(apiserver_workers)
        [ "$(echo $now | wc -w)" = "$before" ] && [[ " $now " != *" $victim "* ]] && break
        sleep 0.1
    done
    [[ " $now " != *" $victim "* ]] && [ "$(echo $now | wc -w)" = "$before" ] &&
        ok "a worker killed with SIGKILL is respawned" ||
        not_ok "a worker killed with SIGKILL is respawned" "workers before: $before; now: $now"
    check "requests succeed after a worker was killed" all_ready 20
fi

# SIGTERM to one worker stops that worker only (the listening sockets are
# shared; the others keep serving) and the master replaces it.
victim=$(apiserver_workers | awk '{ print $1 }')
if [ -n "$victim" ]; then
    kill -TERM "$victim"
    for ((i = 0; i < 50; i++)); do
        now=$(apiserver_workers)
        [ "$(echo $now | wc -w)" = "$before" ] && [[ " $now " != *" $victim "* ]] && break
        sleep 0.1
    done
    [[ " $now " != *" $victim "* ]] && ok "a worker stopped with SIGTERM is replaced" ||
        not_ok "a worker stopped with SIGTERM is replaced" "workers: $now"
    check "requests succeed after a worker was stopped" all_ready 20
fi

# ---- kapi-stack status / stop

check "kapi-stack status: running" "$KAPI_ROOT/scripts/kapi-stack" status
pids=$(stack_pids)
"$KAPI_ROOT/scripts/kapi-stack" stop
left=$(still_alive $pids)
expect_eq "kapi-stack stop: no apiserver or nginx process (masters and workers) left" "$left" ""
expect_eq "kapi-stack stop: no process names this state dir" "$(state_procs)" ""
"$KAPI_ROOT/scripts/kapi-stack" status >/dev/null
expect_eq "kapi-stack status after stop: not running (3)" "$?" 3
[ ! -e "$KAPI_STATE/run/api.sock" ] && [ ! -e "$KAPI_STATE/run/apiserver.pid" ] &&
    ok "kapi-stack stop: sockets and pidfile removed" ||
    not_ok "kapi-stack stop: sockets and pidfile removed" "$(ls -l "$KAPI_STATE/run")"

# ---- kapi-run (make run): foreground, clean exit on SIGTERM

"$KAPI_ROOT/scripts/kapi-run" >"$KAPI_STATE/kapi-run.out" 2>&1 &
runner=$!
for ((i = 0; i < 300; i++)); do
    grep -q 'Ctrl+C' "$KAPI_STATE/kapi-run.out" 2>/dev/null && break
    kill -0 "$runner" 2>/dev/null || break
    sleep 0.1
done
if grep -q 'Ctrl+C' "$KAPI_STATE/kapi-run.out"; then
    ok "kapi-run starts the stack"
    expect_contains "kapi-run says how to use it" "$(cat "$KAPI_STATE/kapi-run.out")" \
        "kubectl --kubeconfig $KAPI_STATE/admin.conf get ns"
    check "the stack of kapi-run answers" all_ready 3
    pids=$(stack_pids)
    kill -TERM "$runner"
    for ((i = 0; i < 200; i++)); do
        kill -0 "$runner" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$runner" 2>/dev/null; then
        not_ok "kapi-run exits on SIGTERM" "still running after 20 s"
        kill -KILL "$runner"
    fi
    wait "$runner"
    expect_eq "kapi-run exits 0 on SIGTERM" "$?" 0
    expect_eq "kapi-run leaves no process behind" "$(still_alive $pids)" ""
    expect_eq "kapi-run: no process names this state dir" "$(state_procs)" ""
else
    not_ok "kapi-run starts the stack" "$(cat "$KAPI_STATE/kapi-run.out")"
    kill -TERM "$runner" 2>/dev/null
    wait "$runner"
fi
