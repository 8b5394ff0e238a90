#!/bin/bash
# End to end: ServiceAccount tokens. `kubectl create token` (default, with
# --duration, --audience, --bound-object-kind Pod), the token used with
# `kubectl --token` and with curl's Authorization header (forbidden until a
# RoleBinding names the ServiceAccount, then allowed), tokens that must be
# 401 and never anonymous (expired, wrong audience, signed with another key,
# for a deleted ServiceAccount, bound to a deleted pod, garbage), RBAC for
# ServiceAccounts (`auth can-i --as=system:serviceaccount:...`), legacy
# token Secrets filled in by the reconciler's token controller, and issuer
# discovery: the JWKS turned into a public key with openssl, which then
# verifies a token. Also kube's static token file and OIDC ID tokens from
# a test identity provider.
# `auth can-i` uses kubectl 1.31 (1.32 sends reviews as protobuf).
. "$(dirname "$0")/lib.sh"
# kube's --token-auth-file, read by kapi-apiserver from the environment
KAPI_TOKEN_AUTH_FILE=$(mktemp /tmp/kapi-token-file-XXXXXX)
export KAPI_TOKEN_AUTH_FILE
printf '%s\n' 'scripttoken123,script-bot,uid-42,"ops,auditors"' > "$KAPI_TOKEN_AUTH_FILE"
# OIDC: a test identity provider (its key made here, its JWKS in a file)
IDP_DIR=$(mktemp -d /tmp/kapi-idp-XXXXXX)
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$IDP_DIR/idp.key" 2>/dev/null
idp_n=$(openssl rsa -in "$IDP_DIR/idp.key" -noout -modulus 2>/dev/null | sed 's/^Modulus=//' | xxd -r -p |
    openssl base64 -A | tr '+/' '-_' | tr -d '=')
printf '{"keys":[{"kty":"RSA","use":"sig","kid":"idp-1","alg":"RS256","n":"%s","e":"AQAB"}]}' "$idp_n" > "$IDP_DIR/jwks.json"
export KAPI_OIDC_ISSUER_URL=https://idp.example KAPI_OIDC_CLIENT_ID=kapi KAPI_OIDC_JWKS_FILE=$IDP_DIR/jwks.json \
    KAPI_OIDC_GROUPS_CLAIM=groups KAPI_OIDC_GROUPS_PREFIX=oidc:
kapi_start

KUBECTL31=/usr/lib/google-cloud-sdk/bin/kubectl.1.31
ADMIN31() { "$KUBECTL31" --kubeconfig "$KUBECONFIG" --cache-dir "$KAPI_STATE/kube-cache31" "$@"; }
# kubectl with a token only: no client certificate in its configuration
AS_TOKEN() {
    local token=$1
    shift
    "$KUBECTL" --kubeconfig /dev/null --server "$KAPI_URL" --certificate-authority "$KAPI_STATE/pki/ca.crt" \
        --cache-dir "$KAPI_STATE/kube-cache-token" --token "$token" "$@"
}
curl_bearer() {   # TOKEN PATH [CURL ARGS...]
    local token=$1 path=$2
    shift 2
    curl -sk -H "Authorization: Bearer $token" "$@" "$(kapi_url_of "$path")"
}
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
b64url_decode() {
    local s
    s=$(tr -- '-_' '+/')
    while [ $(( ${#s} % 4 )) -ne 0 ]; do s="$s="; done
    printf '%s' "$s" | openssl base64 -d -A
}
claims_of() { cut -d. -f2 <<<"$1" | b64url_decode; }
# A token with the given header and claims, signed RS256 with KEY.
sign_token() {   # KEY HEADER_JSON CLAIMS_JSON
    local key=$1 h p
    h=$(printf '%s' "$2" | b64url)
    p=$(printf '%s' "$3" | b64url)
    printf '%s.%s.%s' "$h" "$p" "$(printf '%s.%s' "$h" "$p" | openssl dgst -sha256 -sign "$key" | b64url)"
}
UNAUTHORIZED='{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}'
expect_unauthorized() {   # DESC TOKEN
    http curl_bearer "$2" /api/v1/namespaces/default/pods
    expect_eq "$1: 401" "$HTTP_CODE" 401
    expect_eq "$1: kube's Status" "$(jq -c . <<<"$HTTP_BODY")" "$UNAUTHORIZED"
}
ISSUER=https://kubernetes.default.svc.cluster.local
# One reconciler pass, then up to 15 s for CMD to succeed (the stack's own
# reconciler loop may hold the lease when the pass asks for it).
reconcile_until() {
    "$BUILD/kapi-reconcile" --state "$KAPI_STATE" --once >/dev/null 2>&1
    for _ in $(seq 30); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
    return 1
}
has_token() { test -n "$(kubectl get secret "$1" -o jsonpath='{.data.token}')"; }
secret_gone() { kubectl get secret "$1" 2>&1 | grep -q NotFound; }

# --- pki/sa.key is made by kapictl init
check "pki/sa.key exists" test -s "$KAPI_STATE/pki/sa.key"

# --- kubectl create token default
tok=$(kubectl create token default 2>&1)
check "kubectl create token default" test "$(grep -o '\.' <<<"$tok" | wc -l)" -eq 2
c=$(claims_of "$tok")
expect_eq "iss" "$(jq -r .iss <<<"$c")" "$ISSUER"
expect_eq "sub" "$(jq -r .sub <<<"$c")" "system:serviceaccount:default:default"
expect_eq "aud defaults to the API's" "$(jq -c .aud <<<"$c")" "[\"$ISSUER\"]"
expect_eq "one hour by default" "$(jq '.exp - .iat' <<<"$c")" 3600
expect_eq "nbf is iat" "$(jq '.nbf == .iat' <<<"$c")" true
check "jti is a UUID" grep -Eq '^[0-9a-f-]{36}$' <<<"$(jq -r .jti <<<"$c")"
sa_uid=$(kubectl get sa default -o jsonpath='{.metadata.uid}')
expect_eq "kubernetes.io claim" "$(jq -c '."kubernetes.io"' <<<"$c")" \
    "{\"namespace\":\"default\",\"serviceaccount\":{\"name\":\"default\",\"uid\":\"$sa_uid\"}}"
expect_eq "claims in kube's order" "$(jq -c 'keys_unsorted' <<<"$c")" \
    '["aud","exp","iat","iss","jti","kubernetes.io","nbf","sub"]'
hdr=$(cut -d. -f1 <<<"$tok" | b64url_decode)
expect_eq "header: RS256 with a key id" "$(jq -r .alg <<<"$hdr")" RS256
kid=$(openssl pkey -in "$KAPI_STATE/pki/sa.key" -pubout -outform DER 2>/dev/null | openssl dgst -sha256 -binary | b64url)
expect_eq "kid is kube's key id of sa.key" "$(jq -r .kid <<<"$hdr")" "$kid"

# --- the token authenticates: forbidden until a RoleBinding grants it
out=$(AS_TOKEN "$tok" get pods 2>&1)
expect_eq "kubectl --token: the ServiceAccount is forbidden" "$out" \
    'Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:default:default" cannot list resource "pods" in API group "" in the namespace "default"'
http curl_bearer "$tok" /apis/authentication.k8s.io/v1/selfsubjectreviews -X POST -H 'Content-Type: application/json' \
    -d '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}'
expect_eq "selfsubjectreview as the token: 201" "$HTTP_CODE" 201
expect_eq "the token's user, with its credential id (JTI) as kube's extra" "$(jq -c .status.userInfo <<<"$HTTP_BODY")" \
    "{\"username\":\"system:serviceaccount:default:default\",\"uid\":\"$sa_uid\",\"groups\":[\"system:serviceaccounts\",\"system:serviceaccounts:default\",\"system:authenticated\"],\"extra\":{\"authentication.kubernetes.io/credential-id\":[\"JTI=$(claims_of "$tok" | jq -r .jti)\"]}}"

check "create serviceaccount reader" kubectl create serviceaccount reader
check "rolebinding view for the ServiceAccount" kubectl create rolebinding reader-view --clusterrole=view --serviceaccount=default:reader
rtok=$(kubectl create token reader 2>&1)
check "kubectl --token get pods: allowed once bound" AS_TOKEN "$rtok" get pods
http curl_bearer "$rtok" /api/v1/namespaces/default/pods
expect_eq "curl with the bearer header: 200" "$HTTP_CODE" 200
expect_eq "curl with the bearer header: a PodList" "$(jq -r .kind <<<"$HTTP_BODY")" PodList
http curl_bearer "$rtok" /api/v1/namespaces/kube-system/pods
expect_eq "another namespace: 403" "$HTTP_CODE" 403
out=$(AS_TOKEN "$rtok" create configmap x 2>&1)
expect_contains "view does not create" "$out" 'User "system:serviceaccount:default:reader" cannot create resource "configmaps"'
# a certificate wins over a token, as in kube (x509 runs first)
http curl_admin /api/v1/namespaces/kube-system/pods -H "Authorization: Bearer $rtok"
expect_eq "certificate and token: the certificate's user" "$HTTP_CODE" 200
# the Authorization header never reaches the worker as a plain header
http curl_anon /api/v1/namespaces/default/pods -H "Authorization: Basic YWRtaW46YWRtaW4="
expect_eq "a Basic header is no credential (anonymous: 403)" "$HTTP_CODE" 403

# --- the static token file
http curl_bearer scripttoken123 /apis/authentication.k8s.io/v1/selfsubjectreviews -X POST \
    -H 'Content-Type: application/json' -d '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}'
expect_eq "a token of the token file: its user, uid and groups" "$(jq -c .status.userInfo <<<"$HTTP_BODY")" \
    '{"username":"script-bot","uid":"uid-42","groups":["ops","auditors","system:authenticated"]}'
expect_unauthorized "a token in neither the file nor signed" "scripttoken124"

# --- OIDC: ID tokens of the test's identity provider
now=$(date +%s)
idp_header='{"alg":"RS256","kid":"idp-1","typ":"JWT"}'
idtok=$(sign_token "$IDP_DIR/idp.key" "$idp_header" \
    "{\"iss\":\"https://idp.example\",\"aud\":\"kapi\",\"sub\":\"alice\",\"groups\":[\"dev\"],\"iat\":$now,\"exp\":$((now + 600))}")
http curl_bearer "$idtok" /apis/authentication.k8s.io/v1/selfsubjectreviews -X POST \
    -H 'Content-Type: application/json' -d '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}'
expect_eq "an OIDC ID token: the user with kube's default prefix, prefixed groups" \
    "$(jq -c .status.userInfo <<<"$HTTP_BODY")" \
    '{"username":"https://idp.example#alice","groups":["oidc:dev","system:authenticated"]}'
check "RBAC for the OIDC group" kubectl create rolebinding oidc-dev-view --clusterrole=view --group=oidc:dev
http curl_bearer "$idtok" /api/v1/namespaces/default/pods
expect_eq "the OIDC user lists pods once its group is bound" "$HTTP_CODE" 200
expect_unauthorized "an expired OIDC token" "$(sign_token "$IDP_DIR/idp.key" "$idp_header" \
    "{\"iss\":\"https://idp.example\",\"aud\":\"kapi\",\"sub\":\"alice\",\"exp\":$((now - 10))}")"
expect_unauthorized "an OIDC token for another client" "$(sign_token "$IDP_DIR/idp.key" "$idp_header" \
    "{\"iss\":\"https://idp.example\",\"aud\":\"other\",\"sub\":\"alice\",\"exp\":$((now + 600))}")"
expect_unauthorized "an OIDC token signed with sa.key" "$(sign_token "$KAPI_STATE/pki/sa.key" "$idp_header" \
    "{\"iss\":\"https://idp.example\",\"aud\":\"kapi\",\"sub\":\"alice\",\"exp\":$((now + 600))}")"

# --- RBAC for ServiceAccounts
out=$(ADMIN31 auth can-i list pods --as=system:serviceaccount:default:reader 2>&1)
expect_eq "auth can-i list pods --as the bound ServiceAccount" "$out" yes
out=$(ADMIN31 auth can-i list pods --as=system:serviceaccount:default:x 2>&1)
expect_eq "auth can-i list pods --as an unbound ServiceAccount" "$out" no
check "rolebinding edit for default:x by subject" kubectl create rolebinding x-edit --clusterrole=edit --serviceaccount=default:x
out=$(ADMIN31 auth can-i create configmaps --as=system:serviceaccount:default:x 2>&1)
expect_eq "auth can-i --as=system:serviceaccount:default:x after its binding" "$out" yes

# --- --duration and --audience
tok2h=$(kubectl create token reader --duration 2h 2>&1)
expect_eq "--duration 2h" "$(claims_of "$tok2h" | jq '.exp - .iat')" 7200
out=$(kubectl create token reader --duration 5m 2>&1)
expect_eq "--duration under 10 minutes: kube's 422" "$out" \
    'error: failed to create token: TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes'
atok=$(kubectl create token reader --audience https://vault.example 2>&1)
expect_eq "--audience" "$(claims_of "$atok" | jq -c .aud)" '["https://vault.example"]'
expect_unauthorized "a token for another audience" "$atok"
out=$(kubectl create token nosuch 2>&1)
expect_eq "token for a missing ServiceAccount" "$out" \
    'error: failed to create token: serviceaccounts "nosuch" not found'
http curl_admin /api/v1/namespaces/default/serviceaccounts/reader/token -X POST -H 'Content-Type: application/json' \
    -d '{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{}}'
expect_eq "POST serviceaccounts/token: 201" "$HTTP_CODE" 201
expect_eq "the TokenRequest answered" "$(jq -c '[.kind, .apiVersion, .spec.expirationSeconds, .spec.audiences, (.status.token | length > 100), (.status.expirationTimestamp | test("Z$"))]' <<<"$HTTP_BODY")" \
    "[\"TokenRequest\",\"authentication.k8s.io/v1\",3600,[\"$ISSUER\"],true,true]"

# --- tokens that are 401, never anonymous
expect_unauthorized "garbage" "not-a-jwt"
expect_unauthorized "a JWT with alg none" "$(printf '{"alg":"none"}' | b64url).$(claims_of "$rtok" | b64url)."
now=$(date +%s)
claims=$(claims_of "$rtok" | jq -c --argjson now "$now" '.iat = $now - 7200 | .nbf = $now - 7200 | .exp = $now - 3600')
header="{\"alg\":\"RS256\",\"kid\":\"$kid\"}"
expect_unauthorized "an expired token (signed with sa.key)" "$(sign_token "$KAPI_STATE/pki/sa.key" "$header" "$claims")"
fresh=$(claims_of "$rtok" | jq -c --argjson now "$now" '.iat = $now | .nbf = $now | .exp = $now + 600')
ftok=$(sign_token "$KAPI_STATE/pki/sa.key" "$header" "$fresh")
http curl_bearer "$ftok" /api/v1/namespaces/default/pods
expect_eq "the same claims, not expired, signed by the test with sa.key: 200" "$HTTP_CODE" 200
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$KAPI_STATE/other.key" 2>/dev/null
expect_unauthorized "a token signed with another key" "$(sign_token "$KAPI_STATE/other.key" "$header" "$fresh")"
sig_flipped="${rtok%.*}.$(cut -d. -f3 <<<"$rtok" | tr 'A-Za-z' 'B-ZAb-za')"
expect_unauthorized "a token with a tampered signature" "$sig_flipped"
expect_unauthorized "claims changed after signing" \
    "$(cut -d. -f1 <<<"$rtok").$(claims_of "$rtok" | jq -c '.sub = "system:serviceaccount:kube-system:admin"' | b64url).$(cut -d. -f3 <<<"$rtok")"
wrong_iss=$(jq -c '.iss = "https://evil.example"' <<<"$fresh")
expect_unauthorized "another issuer" "$(sign_token "$KAPI_STATE/pki/sa.key" "$header" "$wrong_iss")"

check "create serviceaccount gone" kubectl create serviceaccount gone
gtok=$(kubectl create token gone 2>&1)
http curl_bearer "$gtok" /apis/authentication.k8s.io/v1/selfsubjectreviews -X POST -H 'Content-Type: application/json' \
    -d '{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}'
expect_eq "the ServiceAccount's token works while it exists" "$HTTP_CODE" 201
check "delete serviceaccount gone" kubectl delete serviceaccount gone
expect_unauthorized "a token for a deleted ServiceAccount" "$gtok"
check "create serviceaccount gone again" kubectl create serviceaccount gone
expect_unauthorized "a token for a ServiceAccount deleted and recreated (another uid)" "$gtok"

# --- tokens bound to a pod
check "create a pod running as reader" kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Pod
metadata: {name: boundpod}
spec:
  serviceAccountName: reader
  containers: [{name: c, image: busybox}]
YAML
ptok=$(kubectl create token reader --bound-object-kind Pod --bound-object-name boundpod 2>&1)
pod_uid=$(kubectl get pod boundpod -o jsonpath='{.metadata.uid}')
expect_eq "the pod-bound token names the pod" "$(claims_of "$ptok" | jq -c '."kubernetes.io".pod')" \
    "{\"name\":\"boundpod\",\"uid\":\"$pod_uid\"}"
http curl_bearer "$ptok" /api/v1/namespaces/default/pods
expect_eq "the pod-bound token works while the pod exists" "$HTTP_CODE" 200
expect_eq "whoami with the pod-bound token: kube's extras (its JTI, the pod)" \
    "$(AS_TOKEN "$ptok" auth whoami -o json | jq -c .status.userInfo.extra)" \
    "{\"authentication.kubernetes.io/credential-id\":[\"JTI=$(claims_of "$ptok" | jq -r .jti)\"],\"authentication.kubernetes.io/pod-name\":[\"boundpod\"],\"authentication.kubernetes.io/pod-uid\":[\"$pod_uid\"]}"
out=$(kubectl create token default --bound-object-kind Pod --bound-object-name boundpod 2>&1)
expect_eq "binding to a pod of another ServiceAccount: 400" "$out" \
    'error: failed to create token: cannot bind token for serviceaccount "default" to pod running with different serviceaccount name.'
out=$(kubectl create token reader --bound-object-kind Pod --bound-object-name nopod 2>&1)
expect_eq "binding to a missing pod: 404" "$out" 'error: failed to create token: pods "nopod" not found'
http curl_admin /api/v1/namespaces/default/serviceaccounts/reader/token -X POST -H 'Content-Type: application/json' \
    -d '{"spec":{"boundObjectRef":{"kind":"Pod","apiVersion":"v1","name":"boundpod","uid":"0000"}}}'
expect_eq "a bound uid that does not match: 409" "$HTTP_CODE" 409
expect_eq "... with kube's message" "$(jq -r .message <<<"$HTTP_BODY")" \
    'Operation cannot be fulfilled on Pod "boundpod": the UID in the bound object reference (0000) does not match the UID in record. The object might have been deleted and then recreated'
http curl_admin /api/v1/namespaces/default/serviceaccounts/reader/token -X POST -H 'Content-Type: application/json' \
    -d '{"spec":{"boundObjectRef":{"kind":"ConfigMap","apiVersion":"v1","name":"x"}}}'
expect_eq "binding to a ConfigMap: kube's 400" "$HTTP_CODE $(jq -r .message <<<"$HTTP_BODY")" \
    "400 cannot bind token to object of type /v1, Kind=ConfigMap"
check "delete the bound pod" kubectl delete pod boundpod --grace-period=0 --force
expect_unauthorized "a token bound to a deleted pod" "$ptok"

# --- a token bound to a Secret, and to a Node
check "create a secret to bind to" kubectl create secret generic bindme --from-literal=a=b
stok=$(kubectl create token reader --bound-object-kind Secret --bound-object-name bindme 2>&1)
expect_eq "the secret-bound token names the secret" "$(claims_of "$stok" | jq -c '."kubernetes.io".secret.name')" '"bindme"'
http curl_bearer "$stok" /api/v1/namespaces/default/pods
expect_eq "the secret-bound token works while the secret exists" "$HTTP_CODE" 200
check "delete the bound secret" kubectl delete secret bindme
expect_unauthorized "a token bound to a deleted secret" "$stok"
check "create a node" kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Node
metadata: {name: tok-node}
YAML
ntok=$(kubectl create token reader --bound-object-kind Node --bound-object-name tok-node 2>&1)
expect_eq "the node-bound token names the node" "$(claims_of "$ntok" | jq -c '."kubernetes.io".node.name')" '"tok-node"'
http curl_bearer "$ntok" /api/v1/namespaces/default/pods
expect_eq "the node-bound token works while the node exists" "$HTTP_CODE" 200
expect_eq "whoami with the node-bound token: its JTI and the node" \
    "$(AS_TOKEN "$ntok" auth whoami -o json | jq -c '.status.userInfo.extra | [keys, .["authentication.kubernetes.io/node-name"], (.["authentication.kubernetes.io/node-uid"][0] == "'"$(kubectl get node tok-node -o jsonpath='{.metadata.uid}')"'")]')" \
    '[["authentication.kubernetes.io/credential-id","authentication.kubernetes.io/node-name","authentication.kubernetes.io/node-uid"],["tok-node"],true]'
check "delete the node" kubectl delete node tok-node
expect_unauthorized "a token bound to a deleted node" "$ntok"

# --- legacy token Secrets, filled in by the reconciler's token controller
check "create a service-account-token Secret for reader" kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Secret
metadata:
  name: reader-token
  annotations: {kubernetes.io/service-account.name: reader}
type: kubernetes.io/service-account-token
YAML
check "the reconciler fills in the token Secret" reconcile_until has_token reader-token
ltok=$(kubectl get secret reader-token -o jsonpath='{.data.token}' | openssl base64 -d -A)
expect_eq "the token controller filled in the Secret" \
    "$(kubectl get secret reader-token -o json | jq -c '[(.data | keys), .metadata.annotations["kubernetes.io/service-account.uid"] == "'"$(kubectl get sa reader -o jsonpath='{.metadata.uid}')"'", (.data.namespace | @base64d)]')" \
    '[["ca.crt","namespace","token"],true,"default"]'
expect_eq "ca.crt is the cluster CA" "$(kubectl get secret reader-token -o jsonpath='{.data.ca\.crt}' | openssl base64 -d -A)" \
    "$(cat "$KAPI_STATE/pki/ca.crt")"
expect_eq "legacy claims" "$(claims_of "$ltok" | jq -c .)" \
    "{\"iss\":\"kubernetes/serviceaccount\",\"kubernetes.io/serviceaccount/namespace\":\"default\",\"kubernetes.io/serviceaccount/secret.name\":\"reader-token\",\"kubernetes.io/serviceaccount/service-account.name\":\"reader\",\"kubernetes.io/serviceaccount/service-account.uid\":\"$(kubectl get sa reader -o jsonpath='{.metadata.uid}')\",\"sub\":\"system:serviceaccount:default:reader\"}"
http curl_bearer "$ltok" /api/v1/namespaces/default/pods
expect_eq "the legacy token authenticates" "$HTTP_CODE" 200
expect_eq "its Secret is labelled with the day it was used (UTC)" \
    "$(kubectl get secret reader-token -o jsonpath='{.metadata.labels.kubernetes\.io/legacy-token-last-used}')" "$(date -u +%F)"
expect_eq "a legacy token's user has no extras" "$(AS_TOKEN "$ltok" auth whoami -o json | jq -c .status.userInfo.extra)" null
check "label the Secret invalid" kubectl label secret reader-token kubernetes.io/legacy-token-invalid-since=2024-01-01
expect_unauthorized "a legacy token whose Secret is labelled invalid" "$ltok"
check "remove the invalid label" kubectl label secret reader-token kubernetes.io/legacy-token-invalid-since-
http curl_bearer "$ltok" /api/v1/namespaces/default/pods
expect_eq "the legacy token authenticates again" "$HTTP_CODE" 200
check "delete the token Secret" kubectl delete secret reader-token
expect_unauthorized "a legacy token whose Secret is deleted" "$ltok"
check "create serviceaccount shortlived" kubectl create serviceaccount shortlived
check "create its token Secret" kubectl apply -f - <<'YAML'
apiVersion: v1
kind: Secret
metadata:
  name: shortlived-token
  annotations: {kubernetes.io/service-account.name: shortlived}
type: kubernetes.io/service-account-token
YAML
check "its token was filled in" reconcile_until has_token shortlived-token
check "delete serviceaccount shortlived" kubectl delete serviceaccount shortlived
reconcile_until secret_gone shortlived-token
out=$(kubectl get secret shortlived-token 2>&1)
expect_eq "the token Secret of a deleted ServiceAccount is deleted" "$out" \
    'Error from server (NotFound): secrets "shortlived-token" not found'

# --- issuer discovery
http curl_admin /.well-known/openid-configuration
expect_eq "openid-configuration: 200" "$HTTP_CODE" 200
expect_eq "openid-configuration: kube's document" "$(jq -c 'del(.jwks_uri)' <<<"$HTTP_BODY")" \
    "{\"issuer\":\"$ISSUER\",\"response_types_supported\":[\"id_token\"],\"subject_types_supported\":[\"public\"],\"id_token_signing_alg_values_supported\":[\"RS256\"]}"
expect_eq "jwks_uri" "$(jq -r .jwks_uri <<<"$HTTP_BODY")" "https://127.0.0.1:$KAPI_PORT/openid/v1/jwks"
http curl_bearer "$rtok" /openid/v1/jwks
expect_eq "jwks: readable by any ServiceAccount (system:service-account-issuer-discovery)" "$HTTP_CODE" 200
jwks=$HTTP_BODY
expect_eq "jwks: one RS256 signing key with kube's key id" "$(jq -c '.keys[] | [.use, .kty, .kid, .alg, .e]' <<<"$jwks")" \
    "[\"sig\",\"RSA\",\"$kid\",\"RS256\",\"AQAB\"]"
http curl_anon /openid/v1/jwks
expect_eq "jwks: anonymous is forbidden (no binding for it)" "$HTTP_CODE" 403
hdrs=$(curl_admin /openid/v1/jwks -o /dev/null -D - | tr -d '\r')
expect_contains "jwks: content type" "$hdrs" "content-type: application/jwk-set+json"
expect_contains "jwks: cache control" "$hdrs" "cache-control: public, max-age=3600"
# the JWK made into a public key by openssl alone, which verifies a token
n_hex=$(jq -r '.keys[0].n' <<<"$jwks" | b64url_decode | xxd -p | tr -d '\n')
cat > "$KAPI_STATE/jwk.cnf" <<CNF
asn1=SEQUENCE:pubkeyinfo
[pubkeyinfo]
algorithm=SEQUENCE:rsa_alg
pubkey=BITWRAP,SEQUENCE:rsapubkey
[rsa_alg]
algorithm=OID:rsaEncryption
parameter=NULL
[rsapubkey]
n=INTEGER:0x$n_hex
e=INTEGER:0x010001
CNF
openssl asn1parse -genconf "$KAPI_STATE/jwk.cnf" -out "$KAPI_STATE/jwk.der" -noout >/dev/null 2>&1
openssl pkey -pubin -inform DER -in "$KAPI_STATE/jwk.der" -out "$KAPI_STATE/jwk.pem" 2>/dev/null
printf '%s' "${tok%.*}" > "$KAPI_STATE/tok.signed"
cut -d. -f3 <<<"$tok" | b64url_decode > "$KAPI_STATE/tok.sig"
out=$(openssl dgst -sha256 -verify "$KAPI_STATE/jwk.pem" -signature "$KAPI_STATE/tok.sig" "$KAPI_STATE/tok.signed" 2>&1)
expect_eq "openssl verifies a token with the key from the JWKS" "$out" "Verified OK"
printf '%s' "${ftok%.*}x" > "$KAPI_STATE/tok.signed"
out=$(openssl dgst -sha256 -verify "$KAPI_STATE/jwk.pem" -signature "$KAPI_STATE/tok.sig" "$KAPI_STATE/tok.signed" 2>&1)
expect_contains "... and refuses other content" "$out" "Verification failure"

rm -rf "$KAPI_TOKEN_AUTH_FILE" "$IDP_DIR"
echo "# $KAPI_OK_COUNT ok, $KAPI_NOT_OK_COUNT not ok"
