#!/bin/bash
# test_kapictl.sh: end-to-end tests of kapictl, the kubeadm/etcdctl of kapi:
# `init` creates the PKI, kubeconfigs and database (checked with the openssl
# CLI, as an administrator would), a second run changes nothing, --port and
# KAPI_SANS updates, `get` prints like etcdctl, `user add`, backup/restore,
# usage errors. Prints "ok - ..." / "not ok - ..." lines; exits 1 on failure.
cd "$(dirname "$0")/../.." || exit 2
BUILD=${BUILD:-build}
KAPICTL=$BUILD/kapictl
failures=0

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; shift; for line in "$@"; do echo "#   $line"; done; failures=$((failures + 1)); }
# check "what" command...: ok when the command succeeds
check() { local what=$1; shift; if "$@" >/dev/null 2>&1; then ok "$what"; else not_ok "$what" "command: $*"; fi; }
# check_fails "what" command...: ok when the command fails
check_fails() { local what=$1; shift; if "$@" >/dev/null 2>&1; then not_ok "$what" "succeeded: $*"; else ok "$what"; fi; }
# check_equal "what" got want
check_equal() { if [ "$2" == "$3" ]; then ok "$1"; else not_ok "$1" "got:  $(printf %q "$2")" "want: $(printf %q "$3")"; fi; }
mode_of() { stat -c %a "$1" 2>/dev/null; }

if [ ! -x "$KAPICTL" ]; then
    not_ok "$KAPICTL is built (run make)"
    exit 1
fi
if ! command -v openssl >/dev/null; then
    not_ok "the openssl command is installed"
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
state=$tmp/state
unset KAPI_SANS KAPI_STATE
export KAPI_PORT=6443

# ---- init creates everything
out=$("$KAPICTL" init --state "$state" 2>"$tmp/err")
rc=$?
check_equal "init exits 0" "$rc" 0
[ -s "$tmp/err" ] && echo "# init stderr: $(cat "$tmp/err")"
for f in pki/ca.crt pki/ca.key pki/apiserver.crt pki/apiserver.key pki/admin.crt pki/admin.key \
         pki/controller-manager.crt pki/controller-manager.key pki/sa.key pki/sa.pub \
         admin.conf controller-manager.conf kapi.db; do
    if grep -qx "created $state/$f" <<<"$out"; then ok "init reports created $f"; else not_ok "init reports created $f" "output: $out"; fi
done
for f in pki/ca.key pki/apiserver.key pki/admin.key pki/controller-manager.key pki/sa.key admin.conf controller-manager.conf kapi.db; do
    check_equal "$f is mode 600" "$(mode_of "$state/$f")" 600
done
for f in pki/ca.crt pki/apiserver.crt pki/admin.crt pki/controller-manager.crt pki/sa.pub; do
    check_equal "$f is mode 644" "$(mode_of "$state/$f")" 644
done

# ---- certificates as openssl sees them
pki=$state/pki
check "apiserver.crt verifies for sslserver" openssl verify -CAfile "$pki/ca.crt" -purpose sslserver "$pki/apiserver.crt"
check_fails "apiserver.crt fails verification for sslclient" openssl verify -CAfile "$pki/ca.crt" -purpose sslclient "$pki/apiserver.crt"
verify_out=$(openssl verify -CAfile "$pki/ca.crt" -purpose sslclient "$pki/apiserver.crt" 2>&1)
if grep -q "unsuitable certificate purpose" <<<"$verify_out"; then ok "apiserver.crt as a client: unsuitable certificate purpose"; else not_ok "apiserver.crt as a client: unsuitable certificate purpose" "$verify_out"; fi
check "admin.crt verifies for sslclient" openssl verify -CAfile "$pki/ca.crt" -purpose sslclient "$pki/admin.crt"
check_fails "admin.crt fails verification for sslserver" openssl verify -CAfile "$pki/ca.crt" -purpose sslserver "$pki/admin.crt"
check "controller-manager.crt verifies for sslclient" openssl verify -CAfile "$pki/ca.crt" -purpose sslclient "$pki/controller-manager.crt"
check_equal "ca.crt subject" "$(openssl x509 -in "$pki/ca.crt" -noout -subject -nameopt RFC2253)" "subject=CN=kubernetes"
check_equal "apiserver.crt subject" "$(openssl x509 -in "$pki/apiserver.crt" -noout -subject -nameopt RFC2253)" "subject=CN=kube-apiserver"
check_equal "admin.crt subject" "$(openssl x509 -in "$pki/admin.crt" -noout -subject -nameopt RFC2253)" "subject=CN=kubernetes-admin,O=system:masters"
check_equal "controller-manager.crt subject" "$(openssl x509 -in "$pki/controller-manager.crt" -noout -subject -nameopt RFC2253)" "subject=CN=system:kube-controller-manager"
sans=$(openssl x509 -in "$pki/apiserver.crt" -noout -ext subjectAltName | tail -n +2 | tr -d ' ')
check_equal "apiserver.crt SANs" "$sans" "DNS:test.kubernetes.local,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IPAddress:127.0.0.1,IPAddress:0:0:0:0:0:0:0:1"
ca_text=$(openssl x509 -in "$pki/ca.crt" -noout -text)
if grep -A1 "Basic Constraints: critical" <<<"$ca_text" | grep -q "CA:TRUE"; then ok "ca.crt is CA:TRUE critical"; else not_ok "ca.crt is CA:TRUE critical"; fi
if grep -A1 "Key Usage: critical" <<<"$ca_text" | grep -q "Digital Signature, Certificate Sign, CRL Sign"; then ok "ca.crt key usage"; else not_ok "ca.crt key usage"; fi
check "ca.crt is valid for 9 more years" openssl x509 -in "$pki/ca.crt" -noout -checkend $((9 * 365 * 86400))
check "apiserver.crt is valid for 360 more days" openssl x509 -in "$pki/apiserver.crt" -noout -checkend $((360 * 86400))
check_fails "apiserver.crt expires within 367 days" openssl x509 -in "$pki/apiserver.crt" -noout -checkend $((367 * 86400))
check_equal "certificate keys are EC P-256" "$(openssl pkey -in "$pki/admin.key" -noout -text 2>/dev/null | grep -c 'P-256')" 1
check "sa.key is RSA 2048" bash -c "openssl pkey -in '$pki/sa.key' -noout -text | grep -q 'Private-Key: (2048 bit'"
check_equal "sa.pub is the public half of sa.key" "$(openssl pkey -in "$pki/sa.key" -pubout)" "$(cat "$pki/sa.pub")"

# ---- kubeconfigs
conf=$state/admin.conf
check_equal "admin.conf server" "$(grep '^    server:' "$conf")" "    server: https://127.0.0.1:6443"
check_equal "admin.conf current-context" "$(grep '^current-context:' "$conf")" "current-context: kubernetes-admin@kubernetes"
check_equal "admin.conf embeds ca.crt" "$(sed -n 's/^    certificate-authority-data: //p' "$conf" | base64 -d)" "$(cat "$pki/ca.crt")"
check_equal "admin.conf embeds admin.crt" "$(sed -n 's/^    client-certificate-data: //p' "$conf" | base64 -d)" "$(cat "$pki/admin.crt")"
check_equal "admin.conf embeds admin.key" "$(sed -n 's/^    client-key-data: //p' "$conf" | base64 -d)" "$(cat "$pki/admin.key")"
check_equal "controller-manager.conf current-context" "$(grep '^current-context:' "$state/controller-manager.conf")" \
    "current-context: system:kube-controller-manager@kubernetes"
if command -v kubectl >/dev/null; then
    check_equal "kubectl reads admin.conf" \
        "$(kubectl --kubeconfig "$conf" config view --raw -o jsonpath='{.clusters[0].name} {.users[0].name} {.clusters[0].cluster.server}' 2>&1)" \
        "kubernetes kubernetes-admin https://127.0.0.1:6443"
else
    ok "kubectl reads admin.conf # SKIP kubectl not installed"
fi

# ---- a second init changes nothing
sums_before=$(cd "$state" && sha256sum pki/* admin.conf controller-manager.conf)
out=$("$KAPICTL" init --state "$state" 2>&1)
check_equal "second init prints nothing" "$out" ""
check_equal "second init changes no file" "$(cd "$state" && sha256sum pki/* admin.conf controller-manager.conf)" "$sums_before"

# ---- get, as etcdctl prints
keys=$("$KAPICTL" --state "$state" get --prefix /registry/namespaces/ --keys-only)
check_equal "get --prefix --keys-only lists the four namespaces, each followed by an empty line" "$keys" \
    "$(printf '/registry/namespaces/default\n\n/registry/namespaces/kube-node-lease\n\n/registry/namespaces/kube-public\n\n/registry/namespaces/kube-system\n')"
all=$("$KAPICTL" --state "$state" get --prefix "" --keys-only | grep -c '^/registry/namespaces/')
check_equal "get --prefix \"\" lists everything" "$all" 4
one=$("$KAPICTL" --state "$state" get /registry/namespaces/default)
check_equal "get KEY prints the key on the first line" "$(head -1 <<<"$one")" "/registry/namespaces/default"
check_equal "get KEY prints the value on one line" "$(wc -l <<<"$one" | tr -d ' ')" 2
if sed -n 2p <<<"$one" | grep -q '"kind":"Namespace"'; then ok "get KEY value is the stored JSON"; else not_ok "get KEY value is the stored JSON" "$one"; fi
out=$("$KAPICTL" --state "$state" get /registry/namespaces/nope); rc=$?
check_equal "get of a missing key prints nothing" "$out" ""
check_equal "get of a missing key exits 0" "$rc" 0
check_equal "get --print-value-only --limit 1" "$("$KAPICTL" --state "$state" get --prefix /registry/namespaces/ --print-value-only --limit 1)" \
    "$(sed -n 2p <<<"$one")"

# ---- another port and more SANs
crt_before=$(sha256sum <"$pki/admin.crt")
out=$(KAPI_SANS="api.example.com, 10.9.8.7" "$KAPICTL" init --state "$state" --port 7443 2>&1)
check_equal "init --port 7443 rewrites admin.conf" "$(grep '^    server:' "$conf")" "    server: https://127.0.0.1:7443"
check_equal "init --port 7443 rewrites controller-manager.conf" "$(grep '^    server:' "$state/controller-manager.conf")" "    server: https://127.0.0.1:7443"
check_equal "init --port keeps the certificates" "$(sha256sum <"$pki/admin.crt")" "$crt_before"
sans=$(openssl x509 -in "$pki/apiserver.crt" -noout -ext subjectAltName | tail -n +2 | tr -d ' ')
if [[ $sans == *DNS:api.example.com* && $sans == *IPAddress:10.9.8.7* && $sans == *DNS:test.kubernetes.local* ]]; then
    ok "KAPI_SANS adds names to the server certificate"
else
    not_ok "KAPI_SANS adds names to the server certificate" "$sans" "init said: $out"
fi
check "reissued apiserver.crt verifies for sslserver" openssl verify -CAfile "$pki/ca.crt" -purpose sslserver "$pki/apiserver.crt"
check_equal "reissued apiserver.crt keeps its key" "$(openssl x509 -in "$pki/apiserver.crt" -noout -pubkey)" "$(openssl pkey -in "$pki/apiserver.key" -pubout)"
check_fails "init refuses a bad SAN" "$KAPICTL" init --state "$state" --sans "not a name"

# ---- user add
out=$("$KAPICTL" --state "$state" user add alice --group dev 2>&1); rc=$?
check_equal "user add exits 0" "$rc" 0
check_equal "user add reports the four files" "$out" \
    "$(printf 'created %s\n' "$state/users/alice.key" "$state/users/alice.crt" "$state/users/alice.conf" "$state/users/alice.p12")"
check_equal "alice.crt subject" "$(openssl x509 -in "$state/users/alice.crt" -noout -subject -nameopt RFC2253)" "subject=CN=alice,O=dev"
check "alice.crt verifies for sslclient" openssl verify -CAfile "$pki/ca.crt" -purpose sslclient "$state/users/alice.crt"
check_equal "alice.key is mode 600" "$(mode_of "$state/users/alice.key")" 600
check_equal "alice.conf is mode 600" "$(mode_of "$state/users/alice.conf")" 600
check_equal "alice.p12 is mode 600" "$(mode_of "$state/users/alice.p12")" 600
check_equal "alice.conf current-context" "$(grep '^current-context:' "$state/users/alice.conf")" "current-context: alice@kubernetes"
check_equal "alice.conf uses the admin's server" "$(grep '^    server:' "$state/users/alice.conf")" "    server: https://127.0.0.1:7443"
check_equal "alice.p12 opens with an empty password" \
    "$(openssl pkcs12 -in "$state/users/alice.p12" -passin pass: -clcerts -nokeys 2>/dev/null | openssl x509 -noout -subject -nameopt RFC2253)" \
    "subject=CN=alice,O=dev"
check_fails "user add refuses an existing user" "$KAPICTL" --state "$state" user add alice
check_fails "user add refuses a name with a slash" "$KAPICTL" --state "$state" user add ../evil

# ---- backup and restore
out=$("$KAPICTL" --state "$state" backup "$tmp/backup.db" 2>&1); rc=$?
check_equal "backup exits 0" "$rc" 0
check_equal "backup is mode 600" "$(mode_of "$tmp/backup.db")" 600
out=$("$KAPICTL" --state "$tmp/restored" restore "$tmp/backup.db" 2>&1); rc=$?
check_equal "restore into a new state directory exits 0" "$rc" 0
check_equal "restored database has the same keys" "$("$KAPICTL" --state "$tmp/restored" get --prefix "" --keys-only)" \
    "$("$KAPICTL" --state "$state" get --prefix "" --keys-only)"
check_fails "restore refuses a file that is not a kapi database" "$KAPICTL" --state "$tmp/restored" restore "$pki/ca.crt"

# ---- usage
"$KAPICTL" frobnicate >"$tmp/out" 2>"$tmp/err"; rc=$?
check_equal "unknown command exits 2" "$rc" 2
if [ ! -s "$tmp/out" ] && grep -q "Usage:" "$tmp/err"; then ok "unknown command prints usage on stderr"; else not_ok "unknown command prints usage on stderr"; fi
check "--help exits 0" "$KAPICTL" --help
for cmd in init get backup restore user; do
    if "$KAPICTL" "$cmd" --help 2>/dev/null | grep -q "^Usage: kapictl"; then ok "$cmd --help"; else not_ok "$cmd --help"; fi
done
if "$KAPICTL" restore --help | grep -qi "stop the server"; then ok "restore --help says to stop the server"; else not_ok "restore --help says to stop the server"; fi

[ "$failures" = 0 ]
