# shellcheck shell=bash disable=SC2034
# lib.sh: what every end-to-end test sources. Starts a private stack (its
# own port and state directory, stopped and removed at exit), and gives the
# TAP-like output tests/run counts: "ok - ..." / "not ok - ..." lines.
#
#   . "$(dirname "$0")/lib.sh"
#   kapi_start                      # KAPI_PORT, KAPI_STATE, KAPI_URL, KUBECONFIG
#   check "kubectl works" kubectl get ns
#   http curl_admin /api/v1/namespaces      # sets HTTP_CODE, HTTP_BODY
#   expect_eq "status" "$HTTP_CODE" 200
#
# Helpers:
#   ok DESC / not_ok DESC [DETAIL...]     one result line (details as "# " lines)
#   check DESC CMD...                     ok if CMD exits 0, else not_ok with its output
#   expect_eq DESC ACTUAL EXPECTED        exact comparison; prints both (a diff) on failure
#   expect_contains DESC HAYSTACK NEEDLE
#   curl_admin PATH [CURL ARGS...]        as kubernetes-admin (system:masters)
#   curl_anon PATH [CURL ARGS...]         without a client certificate
#   curl_cert NAME PATH [CURL ARGS...]    with pki/NAME.crt and pki/NAME.key
#       PATH is appended to $KAPI_URL unless it is a full https:// URL.
#   http CMD ARGS...                      runs a curl helper, sets HTTP_CODE and
#                                         HTTP_BODY (one trailing newline removed)
#   kubectl ARGS...                       $KUBECTL with this run's kubeconfig and
#                                         a private discovery cache
#   kapi_start / kapi_stop                kapi_stop runs at exit by itself;
#                                         KAPI_KEEP_STATE=1 keeps the state dir
#   kapi_restart                          stops and starts the stack again on the
#                                         same state dir and port
# Environment: BUILD (default build), KUBECTL (default /usr/bin/kubectl).

KAPI_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$KAPI_ROOT/$BUILD ;; esac
export BUILD
KUBECTL=${KUBECTL:-/usr/bin/kubectl}
KAPI_STATE=""
KAPI_OK_COUNT=0
KAPI_NOT_OK_COUNT=0
HTTP_CODE=""
HTTP_BODY=""

# ---------------------------------------------------------------- results

ok() {
    KAPI_OK_COUNT=$((KAPI_OK_COUNT + 1))
    echo "ok - $1"
}

not_ok() {
    local desc=$1
    shift
    KAPI_NOT_OK_COUNT=$((KAPI_NOT_OK_COUNT + 1))
    echo "not ok - $desc"
    if [ $# -gt 0 ]; then printf '%s\n' "$@" | sed 's/^/#   /'; fi
}

check() {
    local desc=$1 out rc
    shift
    out=$("$@" 2>&1)
    rc=$?
    if [ $rc -eq 0 ]; then ok "$desc"; else not_ok "$desc" "command: $*" "exit status: $rc" "$out"; fi
}

expect_eq() {
    local desc=$1 actual=$2 expected=$3
    if [ "$actual" == "$expected" ]; then
        ok "$desc"
    elif [[ $actual != *$'\n'* && $expected != *$'\n'* ]]; then
        not_ok "$desc" "expected: $expected" "actual:   $actual"
    else
        not_ok "$desc" "diff expected actual:" \
            "$(diff <(printf '%s\n' "$expected") <(printf '%s\n' "$actual"))"
    fi
}

expect_contains() {
    local desc=$1 haystack=$2 needle=$3
    if [[ $haystack == *"$needle"* ]]; then
        ok "$desc"
    else
        not_ok "$desc" "expected to contain: $needle" "actual: $haystack"
    fi
}

# ---------------------------------------------------------------- health

# The ?verbose lines of kube's post-start hooks whose work kapi's bootstrap
# does (fcgi/http/health.c), in kube's order: every health endpoint lists
# them, after ping, log, etcd (and readyz's etcd-readiness).
KUBE_HEALTH_HOOKS='[+]poststarthook/start-apiserver-admission-initializer ok
[+]poststarthook/generic-apiserver-start-informers ok
[+]poststarthook/priority-and-fairness-filter ok
[+]poststarthook/start-apiextensions-informers ok
[+]poststarthook/start-apiextensions-controllers ok
[+]poststarthook/crd-informer-synced ok
[+]poststarthook/start-system-namespaces-controller ok
[+]poststarthook/rbac/bootstrap-roles ok
[+]poststarthook/scheduling/bootstrap-system-priority-classes ok'

# ---------------------------------------------------------------- clients

kapi_url_of() {   # PATH or full URL -> URL
    case $1 in https://*|http://*) printf '%s' "$1" ;; *) printf '%s%s' "$KAPI_URL" "$1" ;; esac
}

curl_admin() {
    local url
    url=$(kapi_url_of "$1"); shift
    curl -sk --cert "$KAPI_STATE/pki/admin.crt" --key "$KAPI_STATE/pki/admin.key" "$@" "$url"
}

curl_anon() {
    local url
    url=$(kapi_url_of "$1"); shift
    curl -sk "$@" "$url"
}

curl_cert() {
    local name=$1 url
    url=$(kapi_url_of "$2"); shift 2
    curl -sk --cert "$KAPI_STATE/pki/$name.crt" --key "$KAPI_STATE/pki/$name.key" "$@" "$url"
}

http() {
    local out
    out=$("$@" -w '\n%{http_code}')
    HTTP_CODE=${out##*$'\n'}
    HTTP_BODY=${out%$'\n'*}
    [ "$HTTP_BODY" == "$out" ] && HTTP_BODY=""
    HTTP_BODY=${HTTP_BODY%$'\n'}
}

kubectl() {
    "$KUBECTL" --cache-dir "$KAPI_STATE/kube-cache" "$@"
}

# ---------------------------------------------------------------- the stack

kapi_free_port() {
    local p i
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null && return 0
    fi
    for ((i = 0; i < 50; i++)); do
        p=$((20000 + RANDOM % 40000))
        ss -ltnH "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return 0; }
    done
    return 1
}

kapi_dump_logs() {
    local f
    for f in "$KAPI_STATE/log/apiserver.log" "$KAPI_STATE/log/nginx-error.log" "$KAPI_STATE/log/kapictl.log"; do
        [ -s "$f" ] || continue
        echo "# --- last lines of $f"
        tail -n 20 "$f" | sed 's/^/#   /'
    done
}

kapi_start() {
    local attempt out
    trap kapi_stop EXIT
    trap 'exit 143' TERM
    trap 'exit 130' INT
    for attempt in 1 2 3; do
        KAPI_PORT=$(kapi_free_port) || { not_ok "find a free TCP port"; exit 1; }
        KAPI_STATE=$(mktemp -d "${TMPDIR:-/tmp}/kapi-e2e.XXXXXX") || { not_ok "mktemp"; exit 1; }
        # nginx's workers (www-data when run as root) must reach run/*.sock.
        chmod 711 "$KAPI_STATE"
        KAPI_URL=https://127.0.0.1:$KAPI_PORT
        KUBECONFIG=$KAPI_STATE/admin.conf
        KUBECACHEDIR=$KAPI_STATE/kube-cache
        export KAPI_PORT KAPI_STATE KAPI_URL KUBECONFIG KUBECACHEDIR
        if out=$("$KAPI_ROOT/scripts/kapi-stack" start 2>&1); then
            return 0
        fi
        # Someone took the port between our probe and nginx's bind: retry.
        if grep -q 'Address already in use' "$KAPI_STATE/log/nginx-error.log" 2>/dev/null && [ $attempt -lt 3 ]; then
            "$KAPI_ROOT/scripts/kapi-stack" stop >/dev/null 2>&1
            rm -rf "$KAPI_STATE"
            continue
        fi
        break
    done
    not_ok "the stack starts (scripts/kapi-stack start)" "$out"
    exit 1
}

kapi_restart() {
    "$KAPI_ROOT/scripts/kapi-stack" stop && "$KAPI_ROOT/scripts/kapi-stack" start
}

kapi_stop() {
    [ -n "$KAPI_STATE" ] && [ -d "$KAPI_STATE" ] || return 0
    "$KAPI_ROOT/scripts/kapi-stack" stop
    [ "$KAPI_NOT_OK_COUNT" -gt 0 ] && kapi_dump_logs
    if [ "${KAPI_KEEP_STATE:-0}" = 1 ]; then
        echo "# state kept in $KAPI_STATE"
    else
        rm -rf "$KAPI_STATE"
    fi
    KAPI_STATE=""
}
