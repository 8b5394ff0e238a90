#!/bin/bash
# End to end: kube's AuthenticationConfiguration (KAPI_AUTHENTICATION_CONFIG,
# kube's --authentication-config) with an identity provider made by the
# test: a CA and a server certificate from openssl, an ES256 key, and its
# discovery document and key set served over HTTPS by python3's
# http.server. kapi fetches the key set through the discovery document
# (trusting the issuer's certificateAuthority), maps claims by expression,
# claim and prefix, and extra, applies the claim and user validation
# rules, and fetches the key set again when a token names a new key.
# `kubectl auth whoami` shows the user.
. "$(dirname "$0")/lib.sh"
IDP=$(mktemp -d /tmp/kapi-idp-XXXXXX)
IDP_PORT=$(kapi_free_port)
ISS=https://127.0.0.1:$IDP_PORT
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

# the provider's TLS: a CA and a certificate for 127.0.0.1
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$IDP/ca.key" -out "$IDP/ca.crt" -subj /CN=idp-ca -days 2 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$IDP/tls.key" -out "$IDP/tls.csr" -subj /CN=127.0.0.1 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' > "$IDP/ext.cnf"
openssl x509 -req -in "$IDP/tls.csr" -CA "$IDP/ca.crt" -CAkey "$IDP/ca.key" -CAcreateserial -out "$IDP/tls.crt" \
    -days 2 -extfile "$IDP/ext.cnf" 2>/dev/null
# its signing keys: EC P-256; the JWK's x and y are the SPKI's last 64 bytes
jwk_of() {   # KEY KID
    local xy
    xy=$(openssl ec -in "$1" -pubout -outform DER 2>/dev/null | tail -c 64 | xxd -p | tr -d '\n')
    printf '{"kty":"EC","use":"sig","kid":"%s","crv":"P-256","x":"%s","y":"%s"}' "$2" \
        "$(printf '%s' "${xy:0:64}" | xxd -r -p | b64url)" "$(printf '%s' "${xy:64:64}" | xxd -r -p | b64url)"
}
openssl ecparam -name prime256v1 -genkey -noout -out "$IDP/k1.pem" 2>/dev/null
openssl ecparam -name prime256v1 -genkey -noout -out "$IDP/k2.pem" 2>/dev/null
mkdir -p "$IDP/www/.well-known"
printf '{"issuer":"%s","jwks_uri":"%s/jwks.json"}' "$ISS" "$ISS" > "$IDP/www/.well-known/openid-configuration"
printf '{"keys":[%s]}' "$(jwk_of "$IDP/k1.pem" k1)" > "$IDP/www/jwks.json"
(cd "$IDP/www" && exec python3 -c '
import http.server, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[2], sys.argv[3])
srv = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), http.server.SimpleHTTPRequestHandler)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.serve_forever()' "$IDP_PORT" "$IDP/tls.crt" "$IDP/tls.key" 2> "$IDP/access.log") &
IDP_PID=$!
# an ES256 token: openssl's DER signature turned into r || s
sign_es256() {   # KEY KID CLAIMS_JSON
    local h p
    h=$(printf '{"alg":"ES256","kid":"%s","typ":"JWT"}' "$2" | b64url)
    p=$(printf '%s' "$3" | b64url)
    printf '%s.%s.%s' "$h" "$p" "$(printf '%s.%s' "$h" "$p" | openssl dgst -sha256 -sign "$1" | python3 -c '
import sys, base64
d = sys.stdin.buffer.read()
def integer(b, i):
    assert b[i] == 2
    n = b[i + 1]
    return int.from_bytes(b[i + 2:i + 2 + n], "big"), i + 2 + n
i = 2 if d[1] < 0x80 else 3
r, i = integer(d, i)
s, _ = integer(d, i)
print(base64.urlsafe_b64encode(r.to_bytes(32, "big") + s.to_bytes(32, "big")).decode().rstrip("="))')"
}
NOW=$(date +%s)
claims() {   # SUB HD [EXTRA_JSON_MEMBERS]
    printf '{"iss":"%s","aud":"kapi","sub":"%s","hd":"%s","iat":%d,"exp":%d,"roles":["dev","ops"],"tenant":"t1"%s}' \
        "$ISS" "$1" "$2" "$NOW" $((NOW + 600)) "${3:-}"
}

cat > "$IDP/authn.yaml" <<YAML
apiVersion: apiserver.config.k8s.io/v1beta1
kind: AuthenticationConfiguration
jwt:
- issuer:
    url: $ISS
    audiences: [kapi]
    certificateAuthority: |
$(sed 's/^/      /' "$IDP/ca.crt")
  claimValidationRules:
  - claim: hd
    requiredValue: example.com
  claimMappings:
    username:
      expression: '"idp:" + claims.sub'
    groups:
      claim: roles
      prefix: "idp:"
    uid:
      claim: sub
    extra:
    - key: example.com/tenant
      valueExpression: claims.tenant
  userValidationRules:
  - expression: "!user.username.startsWith('idp:root')"
    message: root may not log in
YAML
export KAPI_AUTHENTICATION_CONFIG=$IDP/authn.yaml
kapi_start

AS_TOKEN() {
    local token=$1
    shift
    "$KUBECTL" --kubeconfig /dev/null --server "$KAPI_URL" --certificate-authority "$KAPI_STATE/pki/ca.crt" \
        --cache-dir "$KAPI_STATE/kube-cache-token" --token "$token" "$@"
}
TOK=$(sign_es256 "$IDP/k1.pem" k1 "$(claims ann example.com)")
expect_eq "whoami with the provider's ES256 token: user, uid, groups and extra as the configuration maps them" \
    "$(AS_TOKEN "$TOK" auth whoami -o json | jq -c .status.userInfo)" \
    '{"username":"idp:ann","uid":"ann","groups":["idp:dev","idp:ops","system:authenticated"],"extra":{"example.com/tenant":["t1"]}}'
check "kapi fetched the discovery document and the key set" \
    bash -c "grep -q 'GET /.well-known/openid-configuration' '$IDP/access.log' && grep -q 'GET /jwks.json' '$IDP/access.log'"
http curl_anon /api/v1/namespaces/default/pods -H "Authorization: Bearer $(sign_es256 "$IDP/k1.pem" k1 "$(claims ann evil.com)")"
expect_eq "a token failing a claim validation rule: 401" "$HTTP_CODE $(jq -r .message <<<"$HTTP_BODY")" "401 Unauthorized"
http curl_anon /api/v1/namespaces/default/pods -H "Authorization: Bearer $(sign_es256 "$IDP/k1.pem" k1 "$(claims root example.com)")"
expect_eq "a user failing a user validation rule: 401" "$HTTP_CODE $(jq -r .message <<<"$HTTP_BODY")" "401 Unauthorized"
http curl_anon /api/v1/namespaces/default/pods -H "Authorization: Bearer $(sign_es256 "$IDP/k2.pem" k1 "$(claims ann example.com)")"
expect_eq "a token signed by another key under the same kid: 401" "$HTTP_CODE $(jq -r .message <<<"$HTTP_BODY")" "401 Unauthorized"
out=$(AS_TOKEN "$TOK" get pods 2>&1)
expect_eq "RBAC applies to the mapped user" "$out" \
    'Error from server (Forbidden): pods is forbidden: User "idp:ann" cannot list resource "pods" in API group "" in the namespace "default"'
check "bind the mapped group to view" kubectl create rolebinding idp-view --clusterrole=view --group=idp:dev
check "the group's binding lets ann list pods" AS_TOKEN "$TOK" get pods

# the provider rotates to a new key: a token naming it makes kapi fetch the
# set again (at most every 10 s, go-oidc's refetch on an unknown kid)
FETCHES=$(grep -c 'GET /jwks.json' "$IDP/access.log")
printf '{"keys":[%s,%s]}' "$(jwk_of "$IDP/k1.pem" k1)" "$(jwk_of "$IDP/k2.pem" k2)" > "$IDP/www/jwks.json"
TOK2=$(sign_es256 "$IDP/k2.pem" k2 "$(claims ann example.com)")
sleep 11
check "a token of the new key is accepted once the set is fetched again" AS_TOKEN "$TOK2" get pods
check "the key set was fetched again" test "$(grep -c 'GET /jwks.json' "$IDP/access.log")" -gt "$FETCHES"

# a configuration that does not load stops kapi-apiserver, as kube's
printf 'apiVersion: apiserver.config.k8s.io/v1beta1\nkind: AuthenticationConfiguration\njwt:\n- issuer: {url: "http://idp", audiences: [a]}\n  claimMappings: {username: {claim: sub, prefix: ""}}\n' > "$IDP/bad.yaml"
OUT=$(KAPI_AUTHENTICATION_CONFIG=$IDP/bad.yaml "$BUILD/kapi-apiserver" --state "$KAPI_STATE" --socket "$IDP/x.sock" \
    --watch-socket "$IDP/y.sock" 2>&1)
expect_eq "a bad AuthenticationConfiguration: kapi-apiserver does not start" "$OUT" \
    "kapi-apiserver: KAPI_AUTHENTICATION_CONFIG $IDP/bad.yaml: jwt[0].issuer.url: Invalid value: \"http://idp\": URL scheme must be https"
OUT=$(KAPI_OIDC_ISSUER_URL=https://x KAPI_OIDC_CLIENT_ID=a "$BUILD/kapi-apiserver" --state "$KAPI_STATE" \
    --socket "$IDP/x.sock" --watch-socket "$IDP/y.sock" 2>&1)
expect_eq "with KAPI_OIDC_* as well: refused" "$OUT" \
    "kapi-apiserver: authentication-config file and oidc-* flags are mutually exclusive: KAPI_AUTHENTICATION_CONFIG and KAPI_OIDC_*"

kapi_stop
kill "$IDP_PID" 2>/dev/null
wait "$IDP_PID" 2>/dev/null
rm -rf "$IDP"
