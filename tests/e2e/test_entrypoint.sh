#!/bin/bash
# test_entrypoint.sh: docker/entrypoint, the container's main program, run
# on the host (no container, seconds): on an empty state directory it
# creates the state and serves kubectl; SIGTERM stops every process within
# 10 s with exit 0; a restart keeps the objects and the CA; nginx dying for
# good makes it exit non-zero; arguments run instead of the stack.
. "$(dirname "$0")/lib.sh"

EP=$KAPI_ROOT/docker/entrypoint
T=$(mktemp -d "${TMPDIR:-/tmp}/kapi-entrypoint.XXXXXX") || exit 1
chmod 711 "$T"
STATE=$T/state
mkdir -m 711 "$STATE"                # empty, as a new volume
EP_PID=""

procs_of_state() {   # live processes whose command line names $STATE
    local d cmd st args
    for d in /proc/[0-9]*; do          # builtins only: fast on a busy machine
        mapfile -d '' -t args 2>/dev/null <"$d/cmdline" || continue
        cmd=" ${args[*]} "
        [[ $cmd == *" $STATE/"* || $cmd == *" $STATE "* ]] || continue
        read -r st 2>/dev/null <"$d/stat" || continue
        st=${st##*) }
        [ "${st%% *}" = Z ] || echo "${d#/proc/}$cmd"
    done
}

cleanup() {
    local p
    [ -n "$EP_PID" ] && kill -TERM "$EP_PID" 2>/dev/null && wait "$EP_PID" 2>/dev/null
    for p in $(procs_of_state | awk '{ print $1 }'); do kill -KILL "$p" 2>/dev/null; done
    if [ "$KAPI_NOT_OK_COUNT" -gt 0 ]; then
        for p in "$T"/out.* "$STATE/log/apiserver.log" "$STATE/log/nginx-error.log"; do
            [ -s "$p" ] && { echo "# --- $p"; tail -n 15 "$p" | sed 's/^/#   /'; }
        done
    fi
    rm -rf "$T"
}
trap cleanup EXIT

KAPI_PORT=$(kapi_free_port) || { not_ok "find a free TCP port"; exit 1; }
KAPI_STATE=$STATE
KAPI_URL=https://127.0.0.1:$KAPI_PORT
KUBECONFIG=$STATE/admin.conf
export KAPI_STATE KAPI_URL KUBECONFIG

# Starts the entrypoint in the background (output in $T/out.$1); sets EP_PID.
ep_start() {
    KAPI_PORT=$KAPI_PORT KAPI_LISTEN=127.0.0.1 KAPI_RECONCILE_INTERVAL=1 \
        "$EP" >"$T/out.$1" 2>&1 </dev/null &
    EP_PID=$!
}
# Waits until /readyz answers 200 (or the entrypoint exits); prints seconds.
ep_wait_ready() {
    local start=$EPOCHREALTIME i
    for ((i = 0; i < 200; i++)); do
        [ "$(curl_anon /readyz -o /dev/null -w '%{http_code}' --max-time 2)" = 200 ] && {
            awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'
            return 0
        }
        kill -0 "$EP_PID" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
# Sends SIGTERM and waits up to 15 s; sets STOP_SECS (until the entrypoint
# exited: it waits for every process of the stack) and STOP_RC.
ep_stop() {
    local start=$EPOCHREALTIME i rc timed_out=0
    kill -TERM "$EP_PID"
    for ((i = 0; i < 150; i++)); do
        kill -0 "$EP_PID" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$EP_PID" 2>/dev/null; then
        timed_out=1
        kill -KILL "$EP_PID"
    fi
    wait "$EP_PID"
    rc=$?
    STOP_RC=$rc
    STOP_SECS=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
    [ $timed_out = 1 ] && STOP_RC="still running after 15 s"
    EP_PID=""
}

# ---- first start on an empty directory

ep_start 1
if secs=$(ep_wait_ready); then
    ok "the entrypoint brings the stack up on an empty state directory (ready in ${secs}s)"
else
    not_ok "the entrypoint brings the stack up on an empty state directory" "$(cat "$T/out.1")"
    exit 1
fi
expect_contains "first start: it says it creates the state" "$(cat "$T/out.1")" "first start"
expect_contains "it says where the admin kubeconfig is" "$(cat "$T/out.1")" "$STATE/admin.conf"
expect_eq "private keys and kubeconfigs are mode 0600" \
    "$(stat -c '%a' "$STATE"/pki/*.key "$STATE/admin.conf" | sort -u)" "600"

out=$(kubectl get ns -o name 2>&1)
expect_eq "kubectl get ns: the four namespaces" "$(sort <<<"$out" | tr '\n' ' ')" \
    "namespace/default namespace/kube-node-lease namespace/kube-public namespace/kube-system "
cat >"$T/cm.yaml" <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: ep-kept
data:
  color: blue
EOF
check "kubectl create -f configmap.yaml" kubectl create -f "$T/cm.yaml" --validate=false
expect_contains "the reconciler runs in a loop (KAPI_RECONCILE_INTERVAL)" "$(procs_of_state)" \
    "kapi-reconcile --state $STATE --interval 1"
ca_before=$(sha256sum <"$STATE/pki/ca.crt")

n=$(procs_of_state | wc -l)
ep_stop
expect_eq "SIGTERM: the entrypoint exits 0" "$STOP_RC" 0
left=$(procs_of_state)
expect_eq "SIGTERM: no process of the stack is left ($n were running)" "$left" ""
if awk -v s="$STOP_SECS" 'BEGIN { exit !(s < 10) }'; then
    ok "SIGTERM: everything stopped within 10 s (${STOP_SECS}s)"
else
    not_ok "SIGTERM: everything stopped within 10 s" "took ${STOP_SECS}s"
fi

# ---- a later start keeps the state

ep_start 2
if secs=$(ep_wait_ready); then
    ok "a second start on the same state is ready (in ${secs}s)"
else
    not_ok "a second start on the same state is ready" "$(cat "$T/out.2")"
    exit 1
fi
if grep -q "first start" "$T/out.2"; then
    not_ok "a second start does not initialise again" "$(cat "$T/out.2")"
else
    ok "a second start does not initialise again"
fi
expect_eq "the cluster CA is kept" "$(sha256sum <"$STATE/pki/ca.crt")" "$ca_before"
expect_eq "the ConfigMap created before the restart is still there" \
    "$(kubectl get configmap ep-kept -o jsonpath='{.data.color}' 2>&1)" "blue"

# ---- a component that dies for good

read -r nginx_pid <"$STATE/run/nginx.pid"
kill -KILL "$nginx_pid"
for ((i = 0; i < 100; i++)); do
    kill -0 "$EP_PID" 2>/dev/null || break
    sleep 0.1
done
if kill -0 "$EP_PID" 2>/dev/null; then
    not_ok "nginx killed: the entrypoint exits" "still running after 10 s"
    ep_stop
else
    wait "$EP_PID"
    rc=$?
    EP_PID=""
    [ "$rc" != 0 ] && ok "nginx killed: the entrypoint stops the rest and exits non-zero ($rc)" ||
        not_ok "nginx killed: the entrypoint exits non-zero" "exit status 0"
    for ((i = 0; i < 100; i++)); do
        [ -z "$(procs_of_state)" ] && break
        sleep 0.1
    done
    expect_eq "nginx killed: no process of the stack is left" "$(procs_of_state)" ""
fi

# ---- other uses

check "arguments run instead of the stack" "$EP" "$BUILD/kapictl" --help
expect_contains "--help describes the entrypoint" "$("$EP" --help)" "KAPI_RECONCILE_INTERVAL"
out=$(KAPI_STATE=/proc/kapi-no-such-dir "$EP" 2>&1)
rc=$?
[ "$rc" != 0 ] && [[ $out == *"not writable"* ]] &&
    ok "a state directory it cannot write: a clear error, exit non-zero" ||
    not_ok "a state directory it cannot write: a clear error, exit non-zero" "exit $rc" "$out"
