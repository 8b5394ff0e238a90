#!/bin/bash
# End to end: the web view (/ui/) in a real browser. Headless Chromium, with
# a user's client certificate imported into its NSS store (pk12util) and
# picked without a prompt by the AutoSelectCertificateForUrls policy, loads
# the view as the admin, as alice (a Role in one namespace only) and as a
# browser without a certificate; tests/e2e/cdp.py drives it through the
# DevTools protocol, so the page keeps running and its watches stay open:
#   - the admin sees every namespace, a namespace's Deployment with its
#     ReplicaSet and Pods, a Secret's name but not its value until Reveal,
#     a pod created (and its phase changed) during the test without reload,
#     any object's YAML, a custom resource's printer columns;
#   - alice does not see the namespace she may not read, gets a clear 403,
#     and may list Secrets but not read one;
#   - anonymous gets the how-to page;
#   - an API path opened by a browser (text/html) is redirected to the view,
#     kubectl and curl are not.
# Screenshots of the main pages go to $UI_SCREENSHOTS (default: the state
# directory's screenshots/; docs/ui/ holds copies for the README).
. "$(dirname "$0")/lib.sh"
CDP="python3 $(dirname "$0")/cdp.py"
CHROMIUM=${CHROMIUM:-chromium}
POLICY_DIR=/etc/chromium/policies/managed

for tool in "$CHROMIUM" pk12util certutil python3; do
    command -v "$tool" >/dev/null 2>&1 || { not_ok "$tool is installed (scripts/install-deps)"; exit 1; }
done
# Chromium reads policies only from /etc/chromium/policies/managed/ (no
# per-profile or command-line way exists): a file of our own there, named
# for this run, removed at exit.
if ! mkdir -p "$POLICY_DIR" 2>/dev/null || ! [ -w "$POLICY_DIR" ]; then
    not_ok "write Chromium's managed policy in $POLICY_DIR (run as root, as CI does)"
    exit 1
fi

kapi_start
BROWSERS=$(mktemp -d "${TMPDIR:-/tmp}/kapi-ui.XXXXXX") || exit 1
POLICY=$POLICY_DIR/kapi-test-$$.json
SHOTS=${UI_SCREENSHOTS:-$KAPI_STATE/screenshots}
mkdir -p "$SHOTS"
CHROME_PIDS=()
# Chromium's processes of this test: the ones it started, and any of their
# helpers (zygotes, crash handlers) whose command line names our directory.
our_chromium() {
    local d cmd
    for d in /proc/[0-9]*; do
        cmd=$(tr '\0' ' ' 2>/dev/null <"$d/cmdline") || continue
        [[ $cmd == *"$BROWSERS/"* ]] && echo "${d#/proc/}"
    done
}
ui_cleanup() {
    local p i
    for p in "${CHROME_PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${CHROME_PIDS[@]}"; do wait "$p" 2>/dev/null; done
    for ((i = 0; i < 20; i++)); do
        p=$(our_chromium)
        [ -z "$p" ] && break
        kill $p 2>/dev/null
        sleep 0.2
    done
    rm -f "$POLICY"
    rm -rf "$BROWSERS"
    kapi_stop
}
trap ui_cleanup EXIT

printf '{"AutoSelectCertificateForUrls": ["{\\"pattern\\":\\"%s\\",\\"filter\\":{}}"]}\n' "$KAPI_URL" >"$POLICY"

# browser NAME [P12]: a headless Chromium whose HOME has its own NSS store
# with the PKCS#12 bundle P12 in it (none: no certificate at all).
browser() {
    local name=$1 p12=${2:-} home=$BROWSERS/$1 i
    mkdir -p "$home/.pki/nssdb"
    certutil -N -d "sql:$home/.pki/nssdb" --empty-password || return 1
    if [ -n "$p12" ]; then
        pk12util -d "sql:$home/.pki/nssdb" -i "$p12" -W "" >/dev/null || return 1
    fi
    HOME=$home "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
        --ignore-certificate-errors --user-data-dir="$home/profile" --remote-debugging-port=0 \
        --window-size=1200,860 about:blank >"$home/chromium.log" 2>&1 &
    CHROME_PIDS+=($!)
    for ((i = 0; i < 300; i++)); do
        [ -s "$home/profile/DevToolsActivePort" ] && return 0
        sleep 0.1
    done
    return 1
}
# as NAME CMD ARGS: cdp.py on browser NAME
as() { local name=$1; shift; $CDP "$BROWSERS/$name/profile" "$@"; }
dom_has() { as "$1" eval "document.documentElement.outerHTML.includes($(printf '%s' "$2" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))'))"; }
shot() { as "$1" shot "$SHOTS/$2.png" 0.75 && ok "screenshot $2.png" || not_ok "screenshot $2.png"; }

# ---- the cluster the pages show
kubectl create namespace team-a >/dev/null
kubectl create namespace secret-ns >/dev/null
kubectl -n team-a create deployment web --image=nginx --replicas=2 >/dev/null
kubectl -n team-a create secret generic db-pass --from-literal=password=s3cr3t-value-42 >/dev/null
kubectl -n team-a create configmap app-config --from-literal=mode=demo >/dev/null
kubectl -n team-a create service clusterip web --tcp=80:80 >/dev/null
kubectl -n secret-ns create configmap hidden-config --from-literal=x=y >/dev/null
kubectl apply -f "$(dirname "$0")/data/crds/crontabs.yaml" >/dev/null
kubectl wait --for=condition=Established crd/crontabs.stable.example.com --timeout=30s >/dev/null
kubectl apply -f - >/dev/null <<'EOF'
apiVersion: stable.example.com/v1
kind: CronTab
metadata: {name: nightly, namespace: team-a}
spec: {cronSpec: "0 3 * * *", replicas: 2, image: backup:1}
EOF
# the reconciler makes the Deployment's ReplicaSet and Pods
for ((i = 0; i < 300; i++)); do
    [ "$(kubectl -n team-a get pods -l app=web -o name 2>/dev/null | wc -l)" -ge 2 ] && break
    sleep 0.2
done
"$BUILD/kapictl" --state "$KAPI_STATE" user add alice --group dev >/dev/null 2>&1
kubectl -n team-a create role viewer --verb=get,list,watch \
    --resource=pods,services,configmaps,events,deployments.apps,replicasets.apps >/dev/null
kubectl -n team-a create role secret-lister --verb=list,watch --resource=secrets >/dev/null
kubectl -n team-a create rolebinding alice-viewer --role=viewer --user=alice >/dev/null
kubectl -n team-a create rolebinding alice-secrets --role=secret-lister --user=alice >/dev/null
# a namespace her rules name (get on it, by name), which she cannot list
kubectl create namespace team-b >/dev/null
kubectl create clusterrole team-b-reader --verb=get --resource=namespaces --resource-name=team-b >/dev/null
kubectl create clusterrolebinding alice-team-b --clusterrole=team-b-reader --user=alice >/dev/null
openssl pkcs12 -export -in "$KAPI_STATE/pki/admin.crt" -inkey "$KAPI_STATE/pki/admin.key" \
    -out "$BROWSERS/admin.p12" -passout pass: 2>/dev/null

# ---- the admin
started() { if browser "$@"; then ok "$START_DESC"; else not_ok "$START_DESC"; exit 1; fi; }
START_DESC="Chromium starts with the admin's certificate in its NSS store" started admin "$BROWSERS/admin.p12"
check "the admin opens /ui/" as admin goto "$KAPI_URL/ui/"
out=$(as admin wait "document.getElementById('username') && document.getElementById('username').textContent")
expect_eq "the view says who you are (SelfSubjectReview)" "$out" "kubernetes-admin"
out=$(as admin eval "[...document.querySelectorAll('#namespaces tr[data-name]')].map(r => r.dataset.name).join(' ')")
expect_eq "the namespaces page lists every namespace (Table rows)" "$out" \
    "default kube-node-lease kube-public kube-system secret-ns team-a team-b"
out=$(as admin eval "[...document.querySelectorAll('#namespaces th')].map(t => t.textContent).join(',')")
expect_eq "with the server's Table columns" "$out" "Name,Status,Age"
shot admin namespaces

check "the admin opens namespace team-a" as admin goto "$KAPI_URL/ui/#/ns/team-a"
out=$(as admin wait "document.querySelectorAll('section.deployment[data-name=web] tr[data-phase]').length >= 2 && 'pods'" 30)
expect_eq "Deployment web shows its ReplicaSet's two Pods" "$out" "pods"
out=$(as admin eval "document.querySelector('section.deployment[data-name=web] .ready').textContent")
expect_eq "with its ready count" "$out" "0/2"
out=$(as admin eval "document.querySelector('section.deployment[data-name=web]').textContent")
expect_contains "and its conditions" "$out" "Progressing=True"
out=$(as admin eval "['#services', '#configmaps', '#secrets'].map(s => [...document.querySelectorAll(s + ' tr[data-name]')].map(r => r.dataset.name).filter(n => n !== 'kube-root-ca.crt').join(' ')).join(', ')")
expect_eq "Services, ConfigMaps and Secrets by name" "$out" "web, app-config, db-pass"
out=$(as admin eval "document.querySelector('#events').textContent")
expect_contains "Events, newest first" "$out" "Scaled up replica set"
out=$(dom_has admin "s3cr3t-value-42")$(dom_has admin "$(printf s3cr3t-value-42 | base64)")
expect_eq "a Secret's value is not in the page" "$out" "falsefalse"
shot admin namespace

# a pod created now appears, and its phase changes, without a reload
as admin eval "window.kapiNoReload = 'same page'" >/dev/null
kubectl -n team-a run live-pod --image=nginx >/dev/null
out=$(as admin wait "(r => r && r.dataset.phase)(document.querySelector('#workloads tr[data-name=live-pod]'))" 30)
expect_eq "a pod created during the test appears (watch)" "$out" "Pending"
http curl_admin /api/v1/namespaces/team-a/pods/live-pod/status -X PATCH \
    -H 'Content-Type: application/merge-patch+json' -d '{"status":{"phase":"Running"}}' -o /dev/null
out=$(as admin wait "(r => r && r.dataset.phase === 'Running' && r.textContent.includes('Running'))(document.querySelector('#workloads tr[data-name=live-pod]'))" 30)
expect_eq "its row shows the new phase" "$out" "true"
expect_eq "without a reload" "$(as admin eval "window.kapiNoReload")" "same page"

as admin eval "document.querySelector('button[data-secret=db-pass]').click()" >/dev/null
out=$(as admin wait "document.querySelector('#secrets dl.secret') && document.querySelector('#secrets dl.secret').textContent" 20)
expect_eq "Reveal shows the Secret's value to a user who may get it" "$out" "passwords3cr3t-value-42"

check "the admin opens a Secret's YAML" as admin goto "$KAPI_URL/ui/#/ns/team-a/secrets/db-pass"
out=$(as admin eval "document.getElementById('yaml').textContent")
expect_contains "the YAML hides its values" "$out" $'data:\n  password: (hidden)\n'
expect_eq "nowhere in the page" "$(dom_has admin "$(printf s3cr3t-value-42 | base64)")" "false"
as admin eval "document.getElementById('reveal').click()" >/dev/null
expect_contains "until Reveal" "$(as admin eval "document.getElementById('yaml').textContent")" \
    "password: $(printf s3cr3t-value-42 | base64)"

check "the admin opens a Pod's YAML" as admin goto "$KAPI_URL/ui/#/ns/team-a/pods/live-pod"
out=$(as admin eval "document.getElementById('yaml').textContent")
expect_contains "an object's YAML, keys sorted as kubectl prints them" "$out" $'apiVersion: v1\nkind: Pod\nmetadata:'
expect_contains "its fields" "$out" $'  containers:\n  - image: nginx\n'
expect_eq "without managedFields, as kubectl prints it" "$(dom_has admin managedFields)" "false"
shot admin pod-yaml

check "the admin opens the kinds page" as admin goto "$KAPI_URL/ui/#/kinds"
out=$(as admin eval "[...document.querySelectorAll('tr[data-name]')].map(r => r.dataset.name).filter(n => /^(pods|deployments.v1.apps|crontabs.v1.stable.example.com)$/.test(n)).sort().join(' ')")
expect_eq "discovery's kinds, the custom resource included" "$out" \
    "crontabs.v1.stable.example.com deployments.v1.apps pods"
shot admin kinds
check "the admin opens the CronTabs of team-a" as admin goto "$KAPI_URL/ui/#/ns/team-a/crontabs.v1.stable.example.com"
out=$(as admin eval "[...document.querySelectorAll('#list th')].map(t => t.textContent).join(',')")
expect_eq "a custom resource through its printer columns (Table)" "$out" "Name,Spec,Replicas,Age"
out=$(as admin eval "[...document.querySelectorAll('#list tr[data-name=nightly] td')].slice(0, 3).map(t => t.textContent).join(',')")
expect_eq "its row" "$out" "nightly,0 3 * * *,2"

# ---- alice: a Role in team-a only
START_DESC="Chromium starts with alice's certificate" started alice "$KAPI_STATE/users/alice.p12"
check "alice opens /ui/" as alice goto "$KAPI_URL/ui/"
expect_eq "the view says alice" "$(as alice eval "document.getElementById('username').textContent")" "alice"
out=$(as alice eval "document.getElementById('namespaces').textContent")
expect_contains "alice may not list namespaces: the page says so" "$out" "You may not list the cluster's namespaces"
expect_eq "and shows no namespace she may not read" "$(dom_has alice secret-ns)" "false"
out=$(as alice eval "[...document.querySelectorAll('#namespaces li[data-name]')].map(l => l.dataset.name).join(' ')")
expect_eq "but the one her rules name (SelfSubjectRulesReview)" "$out" "team-b"
check "alice opens team-a" as alice goto "$KAPI_URL/ui/#/ns/team-a"
out=$(as alice wait "document.querySelector('#workloads tr[data-name=live-pod]') && 'seen'" 30)
expect_eq "alice sees team-a's pods" "$out" "seen"
out=$(as alice eval "document.querySelector('#secrets tr[data-name=db-pass]') ? 'listed' : 'missing'")
expect_eq "and the Secret's name" "$out" "listed"
as alice eval "document.querySelector('button[data-secret=db-pass]').click()" >/dev/null
out=$(as alice wait "document.querySelector('#secrets .error') && document.querySelector('#secrets .error').textContent" 20)
expect_contains "Reveal without get on secrets: a clear 403" "$out" \
    'Forbidden (get secret db-pass): secrets "db-pass" is forbidden: User "alice" cannot get resource "secrets"'
expect_eq "and no value in the page" "$(dom_has alice s3cr3t-value-42)$(dom_has alice "$(printf s3cr3t-value-42 | base64)")" "falsefalse"
check "alice opens a namespace she may not read" as alice goto "$KAPI_URL/ui/#/ns/secret-ns"
out=$(as alice eval "document.querySelector('#configmaps').textContent")
expect_contains "a 403 says what was refused" "$out" \
    'Forbidden (list configmaps): configmaps is forbidden: User "alice" cannot list resource "configmaps" in API group "" in the namespace "secret-ns"'
expect_eq "nothing of it is shown" "$(dom_has alice hidden-config)" "false"
shot alice forbidden
check "alice goes back to /ui/" as alice goto "$KAPI_URL/ui/#/namespaces"
out=$(as alice eval "[...document.querySelectorAll('#namespaces li[data-name]')].map(l => l.dataset.name).join(' ')")
expect_eq "and now the namespace she opened, not the forbidden one" "$out" "team-a team-b"

# ---- a browser opening an API path lands on the matching page
check "alice opens /api/v1/namespaces/team-a/pods" as alice goto "$KAPI_URL/api/v1/namespaces/team-a/pods"
expect_eq "the browser is redirected to the view" "$(as alice eval "location.hash")" "#/ns/team-a/pods"
out=$(as alice wait "document.querySelector('#list tr[data-name=live-pod]') && 'listed'" 30)
expect_eq "which lists the pods through their Table" "$out" "listed"

# ---- anonymous
START_DESC="Chromium starts without a certificate" started anon
check "anonymous opens /ui/" as anon goto "$KAPI_URL/ui/"
out=$(as anon eval "document.getElementById('anonymous') ? document.getElementById('main').textContent : 'no how-to page'")
expect_contains "anonymous gets the how-to page, not a bare 403" "$out" "Sign in with a client certificate"
expect_contains "which names kapictl user add" "$out" "kapictl --state var user add alice --group dev"
shot anon anonymous

# ---- the redirect, with curl as a browser would ask, and without
BROWSER_ACCEPT='text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8'
redirect() { curl_admin "$1" -H "Accept: ${2:-$BROWSER_ACCEPT}" -o /dev/null -w '%{http_code} %{redirect_url}' "${@:3}"; }
expect_eq "a browser's GET of a namespaced list: 302 to its page" \
    "$(redirect /api/v1/namespaces/default/pods)" "302 $KAPI_URL/ui/#/ns/default/pods"
expect_eq "an object of a group: plural.version.group and name" \
    "$(redirect /apis/apps/v1/namespaces/team-a/deployments/web)" "302 $KAPI_URL/ui/#/ns/team-a/deployments.v1.apps/web"
expect_eq "a cluster-wide list" "$(redirect /apis/apps/v1/deployments)" "302 $KAPI_URL/ui/#/cluster/deployments.v1.apps"
expect_eq "a namespace" "$(redirect /api/v1/namespaces/team-a)" "302 $KAPI_URL/ui/#/ns/team-a"
expect_eq "a subresource: its object's page" "$(redirect /api/v1/namespaces/team-a/pods/live-pod/status)" \
    "302 $KAPI_URL/ui/#/ns/team-a/pods/live-pod"
expect_eq "discovery: the kinds page" "$(redirect /apis)" "302 $KAPI_URL/ui/#/kinds"
expect_eq "the root: the view" "$(redirect /)" "302 $KAPI_URL/ui/#/"
expect_eq "application/json before text/html: no redirect" \
    "$(redirect /api/v1/namespaces/default/pods 'application/json,text/html')" "200 "
expect_eq "text/html;q=0: no redirect" "$(redirect /api/v1/namespaces/default/pods 'text/html;q=0,*/*')" "200 "
expect_eq "not a GET: no redirect" "$(redirect /api/v1/namespaces/default/configmaps "$BROWSER_ACCEPT" -X POST \
    -H 'Content-Type: application/json' -d '{"metadata":{"name":"from-a-form"}}')" "201 "
expect_eq "anonymous is redirected too (the view explains)" \
    "$(curl_anon /api/v1/namespaces -H "Accept: $BROWSER_ACCEPT" -o /dev/null -w '%{http_code} %{redirect_url}')" \
    "302 $KAPI_URL/ui/#/namespaces"
expect_eq "a non-API path (/version): no redirect" "$(redirect /version)" "200 "
expect_eq "curl as it comes (Accept: */*): no redirect" \
    "$(curl_admin /api/v1/namespaces/team-a/pods/live-pod -o /dev/null -w '%{http_code}')" "200"
out=$(kubectl -n team-a get pods live-pod -o jsonpath='{.status.phase}' 2>&1)
expect_eq "kubectl: unaffected" "$out" "Running"
out=$(kubectl -n team-a get crontabs 2>&1 | head -1 | tr -s ' ')
expect_eq "kubectl's Tables: unaffected" "$out" "NAME SPEC REPLICAS AGE"

# ---- the files as nginx serves them
http curl_anon /ui/ -D - -o /dev/null
expect_contains "/ui/ is served to anyone, with a Content-Security-Policy" "$HTTP_BODY" \
    "content-security-policy: default-src 'none'; script-src 'self'"
expect_eq "/ui/ is 200" "$HTTP_CODE" "200"
expect_eq "/ui redirects to /ui/" "$(curl_anon /ui -o /dev/null -w '%{http_code} %{redirect_url}')" "301 $KAPI_URL/ui/"
out=$(grep -l -E 'https?://' "$KAPI_ROOT"/ui/*.html "$KAPI_ROOT"/ui/*.css "$KAPI_ROOT"/ui/js/*.js)
expect_eq "nothing from another origin in ui/" "$out" ""
out=$(grep -n -E '\.innerHTML|\.outerHTML *=|insertAdjacentHTML|document\.write' "$KAPI_ROOT"/ui/js/*.js)
expect_eq "no markup built from strings in ui/js" "$out" ""
echo "# screenshots in $SHOTS"
