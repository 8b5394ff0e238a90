#!/bin/bash
# End to end: /healthz, /livez and /readyz as kube-apiserver answers them
# (k8s.io/apiserver/pkg/server/healthz: handleRootHealth,
# adaptCheckToHandler; fcgi/http/health.c), compared line by line with the
# output kube's handlers write: "ok" for a plain probe, the checks with
# ?verbose and "<name> check passed", ?exclude= (repeatable) with
# "excluded: ok" and kube's warning for names that match nothing, the
# per-check paths, the headers, and who may read what: anonymous users the
# three roots (system:public-info-viewer), the per-check paths only with
# system:monitoring (kube's bootstrap policy) or more. The failing output
# ([-]etcd failed: reason withheld, 500, "readyz check failed") is
# test_full_disk.sh's; readyz's shutdown check failing is test_health's
# unit test.
. "$(dirname "$0")/lib.sh"
export KAPI_RECONCILE=0
kapi_start

tmp=$(mktemp -d)
header() { tr -d '\r' <"$1" | sed -n "s/^$2: //Ip" | head -1; }

# --- kube's checks, in kube's order: ping, log, etcd (every endpoint),
# etcd-readiness (readyz), the post-start hooks (every endpoint), shutdown
# (readyz). These are kube-apiserver 1.32's names for what kapi's bootstrap
# does (admission, informers, fairness, CRDs, system namespaces, the RBAC
# bootstrap roles, the system priority classes).
HOOKS=$KUBE_HEALTH_HOOKS   # lib.sh
READYZ="[+]ping ok
[+]log ok
[+]etcd ok
[+]etcd-readiness ok
$HOOKS
[+]shutdown ok
readyz check passed"
LIVEZ="[+]ping ok
[+]log ok
[+]etcd ok
$HOOKS
livez check passed"
HEALTHZ="${LIVEZ%livez check passed}healthz check passed"

# --- a plain probe: "ok", as anonymous, with Go's headers
for ep in healthz livez readyz; do
    http curl_anon "/$ep" -D "$tmp/h"
    expect_eq "anonymous GET /$ep: 200" "$HTTP_CODE" 200
    expect_eq "GET /$ep answers ok (no newline)" "$(curl_anon "/$ep" | od -An -c | tr -s ' ')" " o k"
    expect_eq "/$ep is text/plain; charset=utf-8" "$(header "$tmp/h" Content-Type)" "text/plain; charset=utf-8"
    expect_eq "/$ep has X-Content-Type-Options: nosniff" "$(header "$tmp/h" X-Content-Type-Options)" nosniff
done

# --- ?verbose: each check, then "<name> check passed" and a newline
http curl_anon '/readyz?verbose'
expect_eq "/readyz?verbose, line by line" "$HTTP_BODY" "$READYZ"
http curl_anon '/livez?verbose'
expect_eq "/livez?verbose, line by line (no etcd-readiness, no shutdown)" "$HTTP_BODY" "$LIVEZ"
http curl_anon '/healthz?verbose'
expect_eq "/healthz?verbose, line by line" "$HTTP_BODY" "$HEALTHZ"
expect_eq "?verbose output ends with a newline" "$(curl_anon '/readyz?verbose' | tail -c 1 | od -An -c | tr -d ' ')" '\n'
expect_eq "?verbose=false is verbose too (kube looks for the key)" \
    "$(curl_anon '/livez?verbose=false' | tail -1)" "livez check passed"
expect_eq "kubectl get --raw '/readyz?verbose'" "$(kubectl get --raw '/readyz?verbose')" "$READYZ"

# --- ?exclude=
http curl_anon '/readyz?verbose&exclude=etcd'
expect_eq "exclude=etcd: [+]etcd excluded: ok" "$HTTP_BODY" "${READYZ/\[+\]etcd ok/[+]etcd excluded: ok}"
http curl_anon '/readyz?verbose&exclude=shutdown&exclude=poststarthook/rbac/bootstrap-roles'
want=${READYZ/\[+\]shutdown ok/[+]shutdown excluded: ok}
want=${want/\[+\]poststarthook\/rbac\/bootstrap-roles ok/[+]poststarthook/rbac/bootstrap-roles excluded: ok}
expect_eq "two exclude parameters, each excluded" "$HTTP_BODY" "$want"
http curl_anon '/livez?verbose&exclude=zeta&exclude=ping&exclude=shutdown&exclude=alpha&exclude=zeta'
want="${LIVEZ/\[+\]ping ok/[+]ping excluded: ok}"
want="${want%livez check passed}warn: some health checks cannot be excluded: no matches for \"alpha\",\"shutdown\",\"zeta\"
livez check passed"
expect_eq "names that match nothing: kube's warning, sorted, quoted, once each" "$HTTP_BODY" "$want"
http curl_anon '/readyz?exclude=nope'
expect_eq "without verbose an unknown exclude still answers ok" "$HTTP_CODE $HTTP_BODY" "200 ok"

# --- per-check paths: "ok", for callers allowed /readyz/* (system:monitoring)
for p in /readyz/etcd /readyz/etcd-readiness /readyz/shutdown /livez/ping /livez/etcd /healthz/log \
         /livez/poststarthook/rbac/bootstrap-roles /readyz/poststarthook/crd-informer-synced; do
    http curl_admin "$p"
    expect_eq "GET $p: 200 ok" "$HTTP_CODE $HTTP_BODY" "200 ok"
done
http curl_admin /livez/shutdown
expect_eq "/livez/shutdown: 404 (readyz's check only)" "$HTTP_CODE" 404
http curl_admin /livez/etcd-readiness
expect_eq "/livez/etcd-readiness: 404 (readyz's check only)" "$HTTP_CODE" 404
http curl_admin /readyz/nope
expect_eq "/readyz/nope: 404" "$HTTP_CODE" 404

# --- who may read: anonymous the roots only (system:public-info-viewer);
# system:monitoring the per-check paths too
http curl_anon /readyz/etcd
expect_eq "anonymous GET /readyz/etcd: 403" "$HTTP_CODE" 403
expect_contains "with kube's message" "$HTTP_BODY" 'forbidden: User \"system:anonymous\" cannot get path \"/readyz/etcd\"'
"$BUILD/kapictl" --state "$KAPI_STATE" user add prom --group system:monitoring >/dev/null 2>&1
"$BUILD/kapictl" --state "$KAPI_STATE" user add carol >/dev/null 2>&1
curl_user() { local u=$1 p=$2; shift 2; curl -sk --cert "$KAPI_STATE/users/$u.crt" --key "$KAPI_STATE/users/$u.key" "$@" "$KAPI_URL$p"; }
http curl_user prom /readyz/etcd
expect_eq "a system:monitoring member: GET /readyz/etcd 200 ok" "$HTTP_CODE $HTTP_BODY" "200 ok"
http curl_user prom '/livez?verbose'
expect_eq "a system:monitoring member: /livez?verbose" "$HTTP_BODY" "$LIVEZ"
http curl_user carol '/healthz?verbose'
expect_eq "any authenticated user: /healthz?verbose" "$HTTP_BODY" "$HEALTHZ"
http curl_user carol /livez/ping
expect_eq "an authenticated user without system:monitoring: /livez/ping 403" "$HTTP_CODE" 403

rm -rf "$tmp"
