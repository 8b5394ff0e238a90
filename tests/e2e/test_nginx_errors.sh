#!/bin/bash
# test_nginx_errors.sh: what a client sees when nginx, not the pool, answers
# (issue 17): every error nginx produces itself is a v1 Status in JSON with
# the original code and kube's reason, never nginx's HTML page; TLS sessions
# do not fill a cache under churn (no alert in nginx's log, resumption still
# works); ConfigMap and Secret size errors read as kube's.
#
# Each case sends what a client would: curl, or a raw HTTP/1.1 request over
# openssl s_client for what curl cannot send (a bad request line or version,
# an unknown Transfer-Encoding). 408 and 499 have no case: nginx closes the
# connection without a response for both, so there is no page to map.
. "$(dirname "$0")/lib.sh"

kapi_start
T=$KAPI_STATE/errors-test
mkdir -p "$T"
ERRLOG=$KAPI_STATE/log/nginx-error.log

# status JSON CODE REASON MESSAGE [details]: the one-line body nginx returns.
status() {
    local details=""
    [ "${4:-}" = details ] && details='"details":{},'
    printf '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"%s","reason":"%s",%s"code":%s}' \
        "$3" "$2" "$details" "$1"
}

# fetch CURL-HELPER ARGS...: like lib.sh's http, and HTTP_CTYPE too.
fetch() {
    local out
    out=$("$@" -w '\n%{http_code} %{content_type}')
    local tail=${out##*$'\n'}
    HTTP_CODE=${tail%% *}
    HTTP_CTYPE=${tail#* }
    HTTP_BODY=${out%$'\n'*}
    [ "$HTTP_BODY" == "$out" ] && HTTP_BODY=""
    HTTP_BODY=${HTTP_BODY%$'\n'}
}

# raw REQUEST: sends REQUEST (printf format) over TLS with the admin
# certificate, as HTTP/1.1; sets HTTP_CODE, HTTP_CTYPE, HTTP_BODY.
raw() {
    local resp
    resp=$(printf "$1" | timeout 10 openssl s_client -quiet -connect "127.0.0.1:$KAPI_PORT" \
        -cert "$KAPI_STATE/pki/admin.crt" -key "$KAPI_STATE/pki/admin.key" 2>/dev/null | tr -d '\r')
    HTTP_CODE=$(awk 'NR == 1 { print $2 }' <<<"$resp")
    HTTP_CTYPE=$(sed -n 's/^[Cc]ontent-[Tt]ype: //p' <<<"$resp" | head -1)
    HTTP_BODY=$(sed '1,/^$/d' <<<"$resp")
}

# expect_status DESC CODE BODY: the last response is CODE, JSON, BODY.
expect_status() {
    expect_eq "$1: status $2" "$HTTP_CODE" "$2"
    expect_eq "$1: Content-Type application/json" "$HTTP_CTYPE" "application/json"
    expect_eq "$1: kube's Status body" "$HTTP_BODY" "$3"
}

# ---- the drop-in gets the same TLS session settings as the stack's template
# (test_dropin_nginx.sh compares the error pages, locations and limits).

sessions() { sed -n 's/^[[:space:]]*\(ssl_session_[a-z_]* [^;]*;\).*/\1/p' "$1" | sort; }
expect_eq "kapi-server.conf and nginx.conf.in: the same ssl_session_* settings" \
    "$(sessions "$KAPI_ROOT/conf/kapi-server.conf")" "$(sessions "$KAPI_ROOT/conf/nginx.conf.in")"

# ---- 405: TRACE (nginx refuses it before any location)

fetch curl_admin /api -X TRACE
expect_status "TRACE (HTTP/2)" 405 "$(status 405 MethodNotAllowed 'the server does not allow this method on the requested resource' details)"
raw 'TRACE /api/v1/namespaces HTTP/1.1\r\nHost: kapi\r\nConnection: close\r\n\r\n'
expect_status "TRACE (HTTP/1.1)" 405 "$(status 405 MethodNotAllowed 'the server does not allow this method on the requested resource' details)"

# ---- 501: a Transfer-Encoding nginx does not implement

raw 'POST /api/v1/namespaces HTTP/1.1\r\nHost: kapi\r\nTransfer-Encoding: gzip\r\nConnection: close\r\n\r\n'
expect_status "Transfer-Encoding: gzip" 501 "$(status 501 InternalError 'Unsupported transfer encoding')"

# ---- 505: an HTTP version nginx does not speak on an HTTP/1 request line

for v in 2.0 3.0; do
    raw "GET /api HTTP/$v\\r\\nHost: kapi\\r\\n\\r\\n"
    expect_status "request line GET /api HTTP/$v" 505 "$(status 505 InternalError 'unsupported protocol version')"
done

# ---- 400: requests nginx cannot parse

bad400=$(status 400 BadRequest 'the server rejected the request: malformed request')
raw 'GET /api HTTP/1.1 trailing-junk\r\nHost: kapi\r\n\r\n'
expect_status "a malformed request line" 400 "$bad400"
raw 'GET /api HTTP/1.1\r\nConnection: close\r\n\r\n'
expect_status "HTTP/1.1 without Host" 400 "$bad400"
raw 'GET /api HTTP/1.1\r\nHost: kapi\r\nBad Header: x\r\nConnection: close\r\n\r\n'
expect_status "a header name with a space" 400 "$bad400"

# ---- 494 (sent as 400) and 414: headers and URIs over large_client_header_buffers (16k)

long=$(head -c 20000 /dev/zero | tr '\0' a)
fetch curl_admin /api --http1.1 -H "X-Long: $long"
expect_status "a 20000-byte header line (494)" 400 \
    "$(status 400 BadRequest 'the server rejected the request: request header fields too large')"
fetch curl_admin "/api/v1/namespaces?labelSelector=$long" --http1.1
expect_status "a 20000-byte URI" 414 "$(status 414 BadRequest 'the request URI is too long')"

# ---- 497 (sent as 400): plain HTTP to the TLS port, Go's text as kube-apiserver answers it

fetch curl -s "http://127.0.0.1:$KAPI_PORT/api"
expect_status "plain HTTP on the TLS port (497)" 400 \
    "$(status 400 BadRequest 'Client sent an HTTP request to an HTTPS server.')"

# ---- 413: a body over 3 MiB, HTTP/2 and HTTP/1.1

head -c $((3 * 1024 * 1024 + 1)) /dev/zero | tr '\0' a >"$T/over3m"
for proto in --http2 --http1.1; do
    fetch curl_admin /api/v1/namespaces/default/configmaps "$proto" -X POST \
        -H 'Content-Type: application/json' --data-binary @"$T/over3m"
    expect_status "a body of 3 MiB + 1 byte ($proto)" 413 \
        "$(status 413 RequestEntityTooLarge 'Request entity too large: limit is 3145728')"
done

# ---- 495: a client certificate from another CA (ssl_verify_client optional,
# so no certificate is anonymous and 496 never happens): the worker's 401

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
    -subj "/CN=kubernetes-admin/O=system:masters" -keyout "$T/other.key" -out "$T/other.crt" 2>/dev/null
fetch curl -sk --cert "$T/other.crt" --key "$T/other.key" "$KAPI_URL/api/v1/namespaces"
expect_eq "a certificate from another CA (495): 401" "$HTTP_CODE" 401
expect_eq "a certificate from another CA (495): JSON" "$HTTP_CTYPE" application/json
expect_contains "a certificate from another CA (495): reason Unauthorized" "$HTTP_BODY" '"reason": "Unauthorized"'
fetch curl_anon /api/v1/namespaces
expect_eq "no client certificate (never 496): anonymous, 403" "$HTTP_CODE" 403
expect_eq "no client certificate: JSON" "$HTTP_CTYPE" application/json

# ---- 404 of nginx's own: the error locations are internal

fetch curl_admin /.kapi-error/505
expect_status "GET /.kapi-error/505 from outside" 404 \
    "$(status 404 NotFound 'the server could not find the requested resource' details)"

# ---- 500: nginx cannot buffer a body (over client_body_buffer_size, 1m) to its temp dir

head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' a >"$T/2m"
chmod 000 "$KAPI_STATE/nginx/tmp/body"
fetch curl_admin /api/v1/namespaces/default/configmaps -X POST \
    -H 'Content-Type: application/json' --data-binary @"$T/2m"
chmod 700 "$KAPI_STATE/nginx/tmp/body"
expect_status "a body nginx cannot write to its temp dir" 500 \
    "$(status 500 InternalError 'Internal error occurred: the server could not complete the request')"

# ---- TLS sessions under churn, while a request waits out the pool (504)
#
# The pool is stopped (SIGSTOP) so that one request waits fastcgi_read_timeout
# (60 s) for its 504; meanwhile, many fresh client-certificate handshakes:
# more sessions than the old 10m shared cache held (two tickets per TLS 1.3 handshake, each a session: about 4500 handshakes of the admin
# certificate's), then a certificate with a long subject, whose sessions are
# of another size. The old cache logged "could not allocate new session"
# alerts for every one of those.

pool=$(cat "$KAPI_STATE/run/apiserver.pid")
pool_procs() { echo "$pool"; cat /proc/"$pool"/task/*/children 2>/dev/null | tr ' ' '\n' | grep .; }
kill -STOP $(pool_procs)
curl_admin /api/v1/namespaces --max-time 90 -o "$T/504.body" \
    -w '%{http_code} %{content_type}' >"$T/504.code" 2>/dev/null &
waiter=$!

subj="/CN=a-user-with-a-rather-long-name$(for i in $(seq 1 20); do printf '/O=group-%02d-of-a-long-list-of-groups' "$i"; done)"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "$subj" \
    -keyout "$T/long.key" -out "$T/long.csr" 2>/dev/null &&
    printf 'extendedKeyUsage=clientAuth\n' >"$T/ext" &&
    openssl x509 -req -in "$T/long.csr" -CA "$KAPI_STATE/pki/ca.crt" -CAkey "$KAPI_STATE/pki/ca.key" \
        -CAcreateserial -days 1 -extfile "$T/ext" -out "$T/long.crt" 2>/dev/null
check "a client certificate with a long subject" test -s "$T/long.crt"

handshakes() {   # CERT KEY N [MAX_TLS]: N fresh handshakes; prints how many failed
    python3 - "$KAPI_PORT" "$@" <<'EOF'
import socket, ssl, sys
port, cert, key, n = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
ctx.load_cert_chain(cert, key)
if len(sys.argv) > 5:
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
failed = 0
for _ in range(n):
    try:
        with socket.create_connection(("127.0.0.1", port)) as s, ctx.wrap_socket(s):
            pass
    except OSError:
        failed += 1
print(failed)
EOF
}
alerts_before=$(grep -c 'alert\]' "$ERRLOG")
failed=$(handshakes "$KAPI_STATE/pki/admin.crt" "$KAPI_STATE/pki/admin.key" 5000)
failed=$((failed + $(handshakes "$KAPI_STATE/pki/admin.crt" "$KAPI_STATE/pki/admin.key" 500 1.2)))
failed=$((failed + $(handshakes "$T/long.crt" "$T/long.key" 300)))
expect_eq "5800 fresh client-certificate handshakes (TLS 1.3 and 1.2) all succeed" "$failed" 0
expect_eq "no alert in nginx's error log after them" "$(($(grep -c 'alert\]' "$ERRLOG") - alerts_before))" 0
expect_eq "no 'could not allocate new session' in nginx's error log" \
    "$(grep -c 'could not allocate new session' "$ERRLOG")" 0

# Resumption still works, from tickets: TLS 1.3 and 1.2.
for v in -tls1_3 -tls1_2; do
    rm -f "$T/sess"
    sleep 1 | timeout 10 openssl s_client "$v" -connect "127.0.0.1:$KAPI_PORT" -cert "$KAPI_STATE/pki/admin.crt" \
        -key "$KAPI_STATE/pki/admin.key" -sess_out "$T/sess" >/dev/null 2>&1
    out=$(sleep 1 | timeout 10 openssl s_client "$v" -connect "127.0.0.1:$KAPI_PORT" -cert "$KAPI_STATE/pki/admin.crt" \
        -key "$KAPI_STATE/pki/admin.key" -sess_in "$T/sess" 2>/dev/null | grep -E '^(New|Reused),')
    expect_contains "a session resumes ($v)" "$out" "Reused,"
done

wait "$waiter"
HTTP_CODE=$(cut -d' ' -f1 "$T/504.code") HTTP_CTYPE=$(cut -d' ' -f2 "$T/504.code") HTTP_BODY=$(cat "$T/504.body")
HTTP_BODY=${HTTP_BODY%$'\n'}
expect_status "the pool silent for 60 s (504, kube's request timeout)" 504 \
    "$(status 504 Timeout 'Timeout: request did not complete within requested timeout - context deadline exceeded' details)"
kill -CONT $(pool_procs)

# ---- ConfigMap and Secret over 1 MiB: kube's field path and wording,
# create and update

head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' a >"$T/1m1"
out=$(kubectl create configmap big --from-file=k="$T/1m1" 2>&1)
expect_contains "kubectl create configmap over 1 MiB: kube's message" "$out" \
    'ConfigMap "big" is invalid: []: Too long: may not be more than 1048576 bytes'
out=$(kubectl create secret generic big --from-file=k="$T/1m1" 2>&1)
expect_contains "kubectl create secret over 1 MiB: kube's message" "$out" \
    'Secret "big" is invalid: data: Too long: may not be more than 1048576 bytes'
check "a small ConfigMap" kubectl create configmap small --from-literal=k=v
check "a small Secret" kubectl create secret generic small --from-literal=k=v
kubectl create configmap small --from-file=k="$T/1m1" --dry-run=client -o json >"$T/cm.json"
out=$(kubectl replace -f "$T/cm.json" 2>&1)
expect_eq "kubectl replace of a ConfigMap with 1 MiB + 1: kube's message" "$out" \
    'The ConfigMap "small" is invalid: []: Too long: may not be more than 1048576 bytes'
kubectl create secret generic small --from-file=k="$T/1m1" --dry-run=client -o json >"$T/s.json"
out=$(kubectl replace -f "$T/s.json" 2>&1)
expect_eq "kubectl replace of a Secret with 1 MiB + 1: kube's message" "$out" \
    'The Secret "small" is invalid: data: Too long: may not be more than 1048576 bytes'
fetch curl_admin /api/v1/namespaces/default/configmaps -X POST -H 'Content-Type: application/json' \
    --data-binary @"$T/cm.json"
expect_eq "POST of a ConfigMap over 1 MiB: 422" "$HTTP_CODE" 422
expect_contains "POST of a ConfigMap over 1 MiB: the cause's field is []" "$(tr -d ' \n' <<<"$HTTP_BODY")" \
    '"causes":[{"reason":"FieldValueTooLong","message":"Toolong:maynotbemorethan1048576bytes","field":"[]"}]'

# ---- 502 (answered as 503): the pool is gone, nginx still runs

kill -TERM "$pool"
for ((i = 0; i < 100; i++)); do
    kill -0 "$pool" 2>/dev/null || break
    sleep 0.1
done
fetch curl_admin /api/v1/namespaces
expect_status "the pool stopped: nginx's 502 answered as 503" 503 \
    "$(status 503 ServiceUnavailable 'the server is currently unable to handle the request')"
fetch curl_admin "/api/v1/namespaces?watch=1"
expect_status "a watch with the pool stopped" 503 \
    "$(status 503 ServiceUnavailable 'the server is currently unable to handle the request')"
