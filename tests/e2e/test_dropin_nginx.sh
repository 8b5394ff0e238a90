#!/bin/bash
# test_dropin_nginx.sh: kapi behind "your own" nginx, set up only from the
# files README.md's "Behind your nginx" section installs: conf/kapi-server.conf
# (the drop-in server block), conf/kapi-fastcgi-params, the commands of
# conf/kapi-apiserver.service (kapictl init, then the pool) and of
# conf/kapi-reconcile.cron. A second nginx, whose nginx.conf is a minimal
# `http { include .../kapi.conf; }`, gets the files with the paths
# substituted as a user would (/var/lib/kapi, /run/kapi, /var/log/nginx, the
# port). It serves the seed's three curl cases, kubectl, the 413 Status, and
# watches through the watch socket.
. "$(dirname "$0")/lib.sh"

CONF=$KAPI_ROOT/conf
T=$(mktemp -d "${TMPDIR:-/tmp}/kapi-dropin.XXXXXX") || exit 1
chmod 711 "$T"                       # nginx's workers (www-data) reach run/
STATE=$T/var-lib-kapi                # stands for /var/lib/kapi
RUN=$T/run-kapi                      # stands for /run/kapi
ETC=$T/etc-nginx                     # stands for /etc/nginx
LOGS=$T/var-log-nginx                # stands for /var/log/nginx
mkdir -p "$STATE" "$RUN" "$ETC/conf.d" "$ETC/snippets" "$LOGS" "$T/tmp"
chmod 755 "$RUN"
APISERVER=""
NGINX_PID=$T/nginx.pid

cleanup() {
    local p
    if [ -s "$NGINX_PID" ]; then
        read -r p <"$NGINX_PID"
        kill -TERM "$p" 2>/dev/null
    fi
    [ -n "$APISERVER" ] && kill -TERM "$APISERVER" 2>/dev/null
    sleep 0.3
    if [ "$KAPI_NOT_OK_COUNT" -gt 0 ]; then
        for p in "$STATE/apiserver.log" "$LOGS/kapi-error.log" "$T/error.log"; do
            [ -s "$p" ] && { echo "# --- $p"; tail -n 20 "$p" | sed 's/^/#   /'; }
        done
    fi
    rm -rf "$T"
}
trap cleanup EXIT

KAPI_PORT=$(kapi_free_port) || { not_ok "find a free TCP port"; exit 1; }
KAPI_STATE=$STATE                    # for lib.sh's curl helpers and kubectl
KAPI_URL=https://127.0.0.1:$KAPI_PORT
KUBECONFIG=$STATE/admin.conf
export KAPI_PORT KAPI_STATE KAPI_URL KUBECONFIG

# The paths of a Debian host, as the user replaces them.
localize() {
    sed -e "s|/usr/local/bin/|$BUILD/|g" \
        -e "s|/var/lib/kapi|$STATE|g" \
        -e "s|/run/kapi|$RUN|g" \
        -e "s|/var/log/nginx|$LOGS|g" \
        -e "s|/usr/local/share/kapi/ui/|$KAPI_ROOT/ui/|g" \
        -e "s|listen 6443 ssl|listen 127.0.0.1:$KAPI_PORT ssl|" "$@"
}
# A unit's Key= value, localized ("ExecStart", "ExecStartPre").
unit_cmd() { localize "$CONF/kapi-apiserver.service" | sed -n "s/^$1=//p"; }

# ---- the drop-in and the stack's template agree

# Directives that decide security and behaviour, normalized: both files
# must have the same set (paths, listen and logs may differ).
directives() {
    sed -e 's/#.*//' -e 's/^[[:space:]]*//' -e 's/[[:space:]]\{1,\}/ /g' -e 's/ *$//' "$1" |
        grep -E '^(error_page|recursive_error_pages|ssl_verify|ssl_protocols|client_max_body_size|client_body_buffer_size|large_client_header_buffers|set |return |internal|default_type application/json|location |map |"|default |fastcgi_(keep_conn|request_buffering|intercept_errors|buffering|buffer_size|buffers|connect_timeout|send_timeout|read_timeout)|if |include kapi-fastcgi-params|include snippets/kapi-fastcgi-params)' |
        sed 's|include snippets/kapi-fastcgi-params|include kapi-fastcgi-params|' | sort
}
expect_eq "kapi-server.conf and nginx.conf.in: same limits, error pages, locations, maps and FastCGI settings" \
    "$(directives "$CONF/kapi-server.conf")" "$(directives "$CONF/nginx.conf.in")"
for p in KAPI_CLIENT_VERIFY KAPI_CLIENT_DN KAPI_AUTHN_FAILED; do
    expect_contains "kapi-fastcgi-params passes $p" "$(cat "$CONF/kapi-fastcgi-params")" "fastcgi_param $p "
done

# ---- the unit and the cron entry

if command -v systemd-analyze >/dev/null 2>&1; then
    localize "$CONF/kapi-apiserver.service" >"$T/kapi-apiserver.service"
    out=$(timeout 30 systemd-analyze verify --man=no "$T/kapi-apiserver.service" 2>&1 | grep -F "kapi-apiserver.service")
    expect_eq "systemd-analyze verify finds nothing to say about kapi-apiserver.service" "$out" ""
fi
unit=$(cat "$CONF/kapi-apiserver.service")
expect_contains "the unit runs the pool as kapi" "$unit" $'\nUser=kapi\n'
expect_contains "the unit keeps its state in /var/lib/kapi" "$unit" $'\nStateDirectory=kapi\n'

cron_line=$(grep -Ev '^[[:space:]]*(#|$)|^[A-Z_]+=' "$CONF/kapi-reconcile.cron")
read -r c_min c_hour c_dom c_mon c_dow c_user c_cmd <<<"$cron_line"
expect_eq "the cron entry runs every minute as kapi" "$c_min $c_hour $c_dom $c_mon $c_dow $c_user" "* * * * * kapi"
expect_eq "the cron entry runs kapi-reconcile --once on /var/lib/kapi" "$c_cmd" \
    "/usr/local/bin/kapi-reconcile --state /var/lib/kapi --once"

# ---- the steps: state, the pool as its unit says, nginx with the drop-in

read -r -a pre <<<"$(unit_cmd ExecStartPre)"
check "ExecStartPre (kapictl init) creates the state" "${pre[@]}"
read -r -a start <<<"$(unit_cmd ExecStart)"
if [ "$(id -u)" = 0 ]; then
    user_line="user www-data;"       # Debian's nginx.conf; the unit's socket group
else
    # An unprivileged nginx runs as ourselves: no other group to give.
    user_line=""
    for ((i = 0; i < ${#start[@]}; i++)); do
        [ "${start[i]}" = --socket-group ] && unset 'start[i]' 'start[i+1]'
    done
    start=("${start[@]}")
fi
setsid "${start[@]}" >>"$STATE/apiserver.log" 2>&1 </dev/null &
APISERVER=$!
for ((i = 0; i < 50; i++)); do
    [ -S "$RUN/api.sock" ] && [ -S "$RUN/watch.sock" ] && break
    sleep 0.1
done
[ -S "$RUN/api.sock" ] && [ -S "$RUN/watch.sock" ] &&
    ok "ExecStart (kapi-apiserver) listens on /run/kapi/api.sock and watch.sock" ||
    not_ok "ExecStart (kapi-apiserver) listens on /run/kapi/api.sock and watch.sock" "$(ls -l "$RUN")"
if [ "$(id -u)" = 0 ]; then
    expect_eq "the sockets belong to group www-data, mode 0660" \
        "$(stat -c '%G %a' "$RUN/api.sock") $(stat -c '%G %a' "$RUN/watch.sock")" "www-data 660 www-data 660"
fi

cp "$CONF/kapi-fastcgi-params" "$ETC/snippets/kapi-fastcgi-params"
localize "$CONF/kapi-server.conf" >"$ETC/conf.d/kapi.conf"
cat >"$ETC/nginx.conf" <<EOF
$user_line
pid $NGINX_PID;
error_log $T/error.log;
events { worker_connections 256; }
http {
    client_body_temp_path $T/tmp/body;
    fastcgi_temp_path     $T/tmp/fastcgi;
    proxy_temp_path       $T/tmp/proxy;
    uwsgi_temp_path       $T/tmp/uwsgi;
    scgi_temp_path        $T/tmp/scgi;
    include $ETC/conf.d/kapi.conf;
}
EOF
check "nginx -t accepts the drop-in" /usr/sbin/nginx -t -q -p "$ETC/" -c "$ETC/nginx.conf" -e "$T/error.log"
if ! /usr/sbin/nginx -p "$ETC/" -c "$ETC/nginx.conf" -e "$T/error.log"; then
    not_ok "nginx starts with the drop-in" "$(tail -5 "$T/error.log")"
    exit 1
fi
for ((i = 0; i < 50; i++)); do
    [ "$(curl_anon /readyz -o /dev/null -w '%{http_code}')" = 200 ] && break
    sleep 0.1
done
ok "nginx starts with the drop-in"

# ---- the seed, "API Server 역할 1", through the host's nginx

http curl_anon ""
expect_eq "no client certificate: 403" "$HTTP_CODE" 403
expect_eq "no client certificate: the seed's Status body" "$HTTP_BODY" '{
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
expect_eq "the server's own certificate as a client certificate: 401" "$HTTP_CODE" 401
expect_eq "the server's own certificate: the seed's Status body" "$HTTP_BODY" '{
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
expect_contains "admin certificate: the paths list" "$HTTP_BODY" '"/api"'

http curl_anon "" -H 'KAPI-CLIENT-VERIFY: SUCCESS' -H 'KAPI-CLIENT-DN: CN=kubernetes-admin,O=system:masters'
expect_eq "forged identity headers without a certificate: still 403" "$HTTP_CODE" 403

out=$(kubectl get ns -o name 2>&1)
expect_eq "kubectl get ns through the drop-in: the four namespaces" "$(sort <<<"$out" | tr '\n' ' ')" \
    "namespace/default namespace/kube-node-lease namespace/kube-public namespace/kube-system "

big=$T/big.json
{ printf '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"k":"'
  head -c $((3 * 1024 * 1024 + 100)) /dev/zero | tr '\0' a
  printf '"}}'; } >"$big"
http curl_admin "/api/v1/namespaces/default/configmaps" -X POST \
    -H 'Content-Type: application/json' --data-binary @"$big"
expect_eq "a body over 3 MiB: 413" "$HTTP_CODE" 413
expect_contains "a body over 3 MiB: a Status with reason RequestEntityTooLarge" "$HTTP_BODY" '"reason":"RequestEntityTooLarge"'
rm -f "$big"

# nginx's own errors through the drop-in: Status JSON, not nginx's HTML
# (tests/e2e/test_nginx_errors.sh has every code against the stack's nginx).
http curl_admin "/api" -X TRACE
expect_eq "TRACE through the drop-in: 405" "$HTTP_CODE" 405
expect_contains "TRACE through the drop-in: reason MethodNotAllowed" "$HTTP_BODY" '"reason":"MethodNotAllowed"'
http curl -s "http://127.0.0.1:$KAPI_PORT/api"
expect_eq "plain HTTP to the drop-in's TLS port: 400" "$HTTP_CODE" 400
expect_contains "plain HTTP to the drop-in's TLS port: a Status" "$HTTP_BODY" '"message":"Client sent an HTTP request to an HTTPS server."'

# A watch is routed to watch.sock: a wrong socket there would be nginx's 503.
http curl_admin "/api/v1/namespaces?watch=1&timeoutSeconds=1" --max-time 10
if [ -n "$HTTP_CODE" ] && [ "$HTTP_CODE" -lt 500 ] 2>/dev/null; then
    ok "a watch request reaches the pool through the watch socket (status $HTTP_CODE)"
else
    not_ok "a watch request reaches the pool through the watch socket" "status: $HTTP_CODE" "${HTTP_BODY:0:300}"
fi
# The web view, from the files the drop-in names.
http curl_anon /ui/
expect_eq "the drop-in serves the web view at /ui/" "$HTTP_CODE $HTTP_BODY" "200 $(cat "$KAPI_ROOT/ui/index.html")"
grep -q 'watch=1' "$LOGS/kapi-access.log" 2>/dev/null &&
    ok "the drop-in logs to /var/log/nginx/kapi-access.log" ||
    not_ok "the drop-in logs to /var/log/nginx/kapi-access.log" "$(ls -l "$LOGS")"

# ---- the reconciler, as cron runs it

read -r -a cron_cmd <<<"$(localize <<<"$c_cmd")"
check "the cron entry's command succeeds" "${cron_cmd[@]}"
