#!/bin/bash
# End to end: the audit log (kube's --audit-policy-file and --audit-log-*,
# here KAPI_AUDIT_*). With the example policy (conf/audit-policy.yaml):
# pods at RequestResponse (request and response bodies), Secrets at
# Metadata (no data in the log), discovery not logged, the rest at
# Metadata, no RequestReceived stage; each line is an audit.k8s.io/v1
# Event whose auditID is the Audit-Id the client got, with the user, the
# impersonated user, objectRef, responseStatus and the authorization
# annotations. Then a policy of our own: rules by user and group,
# RequestReceived and ResponseComplete, a watch's ResponseStarted,
# a failed authentication, omitManagedFields, rotation with
# KAPI_AUDIT_LOG_MAXSIZE / MAXBACKUP, and many concurrent writers giving
# only whole lines. A policy that does not load stops kapi-apiserver, and
# a log that cannot be written does not fail requests.
. "$(dirname "$0")/lib.sh"
AUDIT_DIR=$(mktemp -d /tmp/kapi-audit-XXXXXX)
chmod 755 "$AUDIT_DIR"
export KAPI_AUDIT_POLICY_FILE=$KAPI_ROOT/conf/audit-policy.yaml KAPI_AUDIT_LOG_PATH=$AUDIT_DIR/audit.log
# several worker processes write the log
export KAPI_APISERVER_ARGS="--workers 3"
KAPI_TOKEN_AUTH_FILE=$AUDIT_DIR/tokens.csv
export KAPI_TOKEN_AUTH_FILE
printf '%s\n' 'audtoken123,ann,uid-ann,"auditors"' > "$KAPI_TOKEN_AUTH_FILE"
kapi_start

LOG=$KAPI_AUDIT_LOG_PATH
# events_of AUDIT_ID: that request's events, one JSON line each
events_of() { python3 - "$LOG" "$1" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["auditID"] == sys.argv[2]:
        print(json.dumps(e, sort_keys=True))
PY
}
# field EVENT_JSON PYTHON_EXPR: a value of one event (e is the event)
field() { python3 -c 'import json,sys; e=json.loads(sys.argv[1]); v=eval(sys.argv[2]); print(v if isinstance(v,str) else json.dumps(v, sort_keys=True))' "$1" "$2"; }
audit_id() { sed -n 's/^[Aa]udit-[Ii]d: *\([^\r]*\)\r*$/\1/p' "$1"; }

# --- a pod: RequestResponse
POD='{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web"},"spec":{"containers":[{"name":"c","image":"nginx"}]}}'
http curl_admin /api/v1/namespaces/default/pods -D "$AUDIT_DIR/h1" -X POST -H 'Content-Type: application/json' -d "$POD"
expect_eq "create a pod" "$HTTP_CODE" 201
ID=$(audit_id "$AUDIT_DIR/h1")
check "the response carries an Audit-Id header" test -n "$ID"
EV=$(events_of "$ID")
expect_eq "one event for the pod's create: stage ResponseComplete (RequestReceived omitted)" \
    "$(field "$EV" 'e["stage"]')" "ResponseComplete"
expect_eq "kind, apiVersion and level" "$(field "$EV" '[e["kind"], e["apiVersion"], e["level"]]')" \
    '["Event", "audit.k8s.io/v1", "RequestResponse"]'
expect_eq "verb, requestURI" "$(field "$EV" '[e["verb"], e["requestURI"]]')" '["create", "/api/v1/namespaces/default/pods"]'
expect_eq "user: the admin certificate" "$(field "$EV" '[e["user"]["username"], e["user"]["groups"]]')" \
    '["kubernetes-admin", ["system:masters", "system:authenticated"]]'
expect_eq "objectRef" "$(field "$EV" 'e["objectRef"]')" \
    '{"apiVersion": "v1", "name": "web", "namespace": "default", "resource": "pods"}'
expect_eq "responseStatus" "$(field "$EV" 'e["responseStatus"]')" '{"code": 201, "metadata": {}}'
expect_eq "requestObject is the body sent" "$(field "$EV" 'e["requestObject"]["spec"]["containers"][0]["image"]')" nginx
expect_eq "responseObject is the pod created" "$(field "$EV" '[e["responseObject"]["kind"], e["responseObject"]["metadata"]["uid"] != ""]')" \
    '["Pod", true]'
expect_eq "annotations: the authorization decision" "$(field "$EV" 'e["annotations"]["authorization.k8s.io/decision"]')" allow
check "sourceIPs names the client" test "$(field "$EV" 'e["sourceIPs"][-1]')" = 127.0.0.1
expect_contains "userAgent" "$(field "$EV" 'e["userAgent"]')" curl/
check "timestamps in microseconds" python3 -c '
import json,sys,re; e=json.loads(sys.argv[1])
t=r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$"
assert re.match(t, e["requestReceivedTimestamp"]) and re.match(t, e["stageTimestamp"])
assert e["requestReceivedTimestamp"] <= e["stageTimestamp"]' "$EV"

# --- a Secret: Metadata only, its data never in the log
http curl_admin /api/v1/namespaces/default/secrets -D "$AUDIT_DIR/h2" -X POST -H 'Content-Type: application/json' \
    -d '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s1"},"stringData":{"password":"hunter2-sekrit"}}'
expect_eq "create a secret" "$HTTP_CODE" 201
EV=$(events_of "$(audit_id "$AUDIT_DIR/h2")")
expect_eq "the secret's event is at Metadata" "$(field "$EV" 'e["level"]')" Metadata
expect_eq "no request or response object at Metadata" "$(field "$EV" '["requestObject" in e, "responseObject" in e]')" '[false, false]'
expect_eq "objectRef names the secret (from the request's object)" "$(field "$EV" 'e["objectRef"]["name"]')" s1
check "the secret's data appears nowhere in the log" bash -c "! grep -q hunter2-sekrit '$LOG' && ! grep -q aHVudGVyMi1zZWtyaXQ '$LOG'"

# --- kubectl: its own Audit-Id is the one logged; errors carry their Status
kubectl get pod nope -v=8 > "$AUDIT_DIR/kv" 2>&1
ID=$(sed -n 's/.*Audit-Id: \([0-9a-f-]*\).*/\1/p' "$AUDIT_DIR/kv" | tail -1)
EV=$(events_of "$ID")
expect_eq "a 404 is logged with its Status" "$(field "$EV" 'e["responseStatus"]')" \
    '{"code": 404, "details": {"kind": "pods", "name": "nope"}, "message": "pods \"nope\" not found", "metadata": {}, "reason": "NotFound", "status": "Failure"}'
expect_eq "a get of a pod (RequestResponse) has no requestObject, and the 404 Status as responseObject" \
    "$(field "$EV" '["requestObject" in e, e["responseObject"]["reason"]]')" '[false, "NotFound"]'

# --- discovery is not logged (level None for authenticated /api*)
http curl_admin /api -D "$AUDIT_DIR/h3"
check "a discovery request has an Audit-Id too" test -n "$(audit_id "$AUDIT_DIR/h3")"
expect_eq "but no event" "$(events_of "$(audit_id "$AUDIT_DIR/h3")")" ""

# --- impersonation and a denial
http curl_admin /api/v1/namespaces/default/configmaps -D "$AUDIT_DIR/h4" -H 'Impersonate-User: jane' \
    -H 'Impersonate-Extra-Scopes: view' -H 'Impersonate-Extra-Scopes: edit'
expect_eq "jane may not list configmaps" "$HTTP_CODE" 403
EV=$(events_of "$(audit_id "$AUDIT_DIR/h4")")
expect_eq "user is who asked, impersonatedUser who acted" \
    "$(field "$EV" '[e["user"]["username"], e["impersonatedUser"]["username"], e["impersonatedUser"]["groups"], e["impersonatedUser"]["extra"]]')" \
    '["kubernetes-admin", "jane", ["system:authenticated"], {"scopes": ["view", "edit"]}]'
expect_eq "the denial's annotation and code" \
    "$(field "$EV" '[e["annotations"]["authorization.k8s.io/decision"], e["responseStatus"]["code"], e["responseStatus"]["reason"]]')" \
    '["forbid", 403, "Forbidden"]'

# ---------------------------------------------------------------- a policy of our own
cat > "$AUDIT_DIR/policy.yaml" <<'YAML'
apiVersion: audit.k8s.io/v1
kind: Policy
omitManagedFields: true
rules:
- level: None
  users: ["system:kube-controller-manager", "system:apiserver"]
- level: RequestResponse
  userGroups: ["auditors"]
- level: Request
  resources:
  - group: ""
    resources: ["configmaps"]
    resourceNames: ["big"]
  omitStages: ["RequestReceived"]
- level: Metadata
  resources:
  - group: ""
    resources: ["*/status"]
  omitStages: ["ResponseComplete"]
- level: None
  nonResourceURLs: ["/healthz*", "/readyz*", "/livez*"]
- level: Metadata
YAML
export KAPI_AUDIT_POLICY_FILE=$AUDIT_DIR/policy.yaml KAPI_AUDIT_LOG_MAXSIZE=1 KAPI_AUDIT_LOG_MAXBACKUP=2
check "kapi-apiserver restarts with the new policy" kapi_restart
# a new log from here (the old processes, with the old policy, are gone; a
# writer that finds the path gone opens a new file)
rm -f "$LOG"

# by group: a token user of the group auditors, every stage at RequestResponse
http curl_anon /api/v1/namespaces/default/configmaps -D "$AUDIT_DIR/h5" -H 'Authorization: Bearer audtoken123'
expect_eq "ann lists configmaps" "$HTTP_CODE" 403
EV=$(events_of "$(audit_id "$AUDIT_DIR/h5")")
expect_eq "RequestReceived, then ResponseComplete" "$(field "$(head -1 <<<"$EV")" 'e["stage"]'),$(field "$(tail -1 <<<"$EV")" 'e["stage"]')" \
    "RequestReceived,ResponseComplete"
expect_eq "the token's user with its uid and groups" "$(field "$(head -1 <<<"$EV")" 'e["user"]')" \
    '{"groups": ["auditors", "system:authenticated"], "uid": "uid-ann", "username": "ann"}'
expect_eq "RequestReceived has no responseStatus nor annotations yet" \
    "$(field "$(head -1 <<<"$EV")" '["responseStatus" in e, "annotations" in e]')" '[false, false]'
expect_contains "the denial's reason is its Status" "$(field "$(tail -1 <<<"$EV")" 'e["responseObject"]["message"]')" \
    'User "ann" cannot list resource "configmaps"'

# omitManagedFields: the request and the response have them, the log not
MF='"managedFields":[{"manager":"me","operation":"Update","apiVersion":"v1","time":"2024-01-01T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:a":{}}}}]'
http curl_anon /api/v1/namespaces/default/configmaps -X POST -H 'Content-Type: application/json' \
    -H 'Authorization: Bearer audtoken123' -D "$AUDIT_DIR/h6" \
    -d '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm0",'"$MF"'},"data":{"a":"b"}}'
expect_eq "ann may not create a configmap yet" "$HTTP_CODE" 403
kubectl create rolebinding ann-edit --clusterrole=edit --user=ann >/dev/null
http curl_anon /api/v1/namespaces/default/configmaps -X POST -H 'Content-Type: application/json' \
    -H 'Authorization: Bearer audtoken123' -D "$AUDIT_DIR/h6" \
    -d '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm1",'"$MF"'},"data":{"a":"b"}}'
expect_eq "ann creates a configmap once bound to edit" "$HTTP_CODE" 201
EV=$(events_of "$(audit_id "$AUDIT_DIR/h6")" | tail -1)
expect_eq "the logged request and response objects have no managedFields (omitManagedFields)" \
    "$(field "$EV" '[e["requestObject"]["metadata"]["name"], "managedFields" in e["requestObject"]["metadata"], e["responseObject"]["metadata"]["name"], "managedFields" in e["responseObject"]["metadata"]]')" \
    '["cm1", false, "cm1", false]'
expect_eq "the allow annotation carries RBAC's reason" "$(field "$EV" 'e["annotations"]["authorization.k8s.io/reason"]')" \
    'RBAC: allowed by RoleBinding "ann-edit/default" of ClusterRole "edit" to User "ann"'

# resourceNames, and Request: the request's body, not the response's. A
# create names no object in its URL, so resourceNames do not match it (as
# in kube); the update of the same object does.
http curl_admin /api/v1/namespaces/default/configmaps -X POST -H 'Content-Type: application/json' -D "$AUDIT_DIR/h7" \
    -d '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"k":"v"}}'
EV=$(events_of "$(audit_id "$AUDIT_DIR/h7")")
expect_eq "the create of configmap big falls to the last rule" "$(field "$(tail -1 <<<"$EV")" 'e["level"]')" Metadata
http curl_admin /api/v1/namespaces/default/configmaps/big -X PUT -H 'Content-Type: application/json' -D "$AUDIT_DIR/h7" \
    -d '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"k":"v2"}}'
EV=$(events_of "$(audit_id "$AUDIT_DIR/h7")")
expect_eq "its update: one event at Request with its requestObject only" \
    "$(field "$EV" '[e["stage"], e["level"], e["requestObject"]["data"], "responseObject" in e]')" \
    '["ResponseComplete", "Request", {"k": "v2"}, false]'
http curl_admin /api/v1/namespaces/default/configmaps/cm1 -D "$AUDIT_DIR/h8"
EV=$(events_of "$(audit_id "$AUDIT_DIR/h8")")
expect_eq "configmap cm1 falls to the last rule: Metadata, both stages" \
    "$(field "$(head -1 <<<"$EV")" 'e["level"]'),$(wc -l <<<"$EV")" "Metadata,2"

# */status: only RequestReceived (ResponseComplete omitted)
kubectl apply -f - >/dev/null <<'YAML'
apiVersion: v1
kind: Pod
metadata: {name: web2}
spec: {containers: [{name: c, image: nginx}]}
YAML
http curl_admin /api/v1/namespaces/default/pods/web2/status -D "$AUDIT_DIR/h9"
EV=$(events_of "$(audit_id "$AUDIT_DIR/h9")")
expect_eq "pods/status matches */status and omits ResponseComplete" \
    "$(field "$EV" '[e["stage"], e["objectRef"]["subresource"]]')" '["RequestReceived", "status"]'

# a watch: ResponseStarted when its headers go out, then ResponseComplete
http curl_admin '/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=1' -D "$AUDIT_DIR/h10"
EV=$(events_of "$(audit_id "$AUDIT_DIR/h10")")
expect_eq "a watch's stages" "$(python3 -c 'import json,sys; print(",".join(json.loads(l)["stage"] for l in sys.stdin))' <<<"$EV")" \
    "RequestReceived,ResponseStarted,ResponseComplete"
expect_eq "verb watch" "$(field "$(tail -1 <<<"$EV")" 'e["verb"]')" watch

# a failed authentication: one ResponseStarted event without a user
http curl_anon /api/v1/namespaces -H 'Authorization: Bearer not-a-token' -D "$AUDIT_DIR/h11"
expect_eq "a bad token is 401" "$HTTP_CODE" 401
EV=$(events_of "$(audit_id "$AUDIT_DIR/h11")")
expect_eq "its event (kube's failed-authentication audit)" \
    "$(field "$EV" '[e["stage"], e["user"], e["responseStatus"]]')" \
    '["ResponseStarted", {}, {"code": 401, "message": "Authentication failed, attempted: bearer", "metadata": {}}]'

# the reconciler (system:kube-controller-manager) is not logged: users None
check "no event of the users the first rule names" bash -c \
    "! grep -q '\"username\":\"system:kube-controller-manager\"' '$LOG'"

# many writers at once, records far larger than PIPE_BUF: whole lines only
BIGVAL=$(head -c 60000 /dev/zero | tr '\0' x)
for i in $(seq 1 24); do
    printf '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"k":"%s%s"}}' "$i" "$BIGVAL" > "$AUDIT_DIR/body$i"
done
for i in $(seq 1 24); do
    curl_admin /api/v1/namespaces/default/configmaps/big -X PUT -H 'Content-Type: application/json' \
        --data-binary "@$AUDIT_DIR/body$i" -D "$AUDIT_DIR/hc$i" -o /dev/null &
    curl_admin /api/v1/namespaces/default/configmaps -o /dev/null &
done
wait
check "every line of the log and its backups is one whole Event" python3 - "$AUDIT_DIR" <<'PY'
import glob, json, sys
n = 0
for f in glob.glob(sys.argv[1] + "/audit*.log"):
    for line in open(f):
        e = json.loads(line)
        assert e["kind"] == "Event", e
        n += 1
assert n > 48, n
PY
check "each of the 24 large PUTs is logged once, its requestObject whole" python3 - "$AUDIT_DIR" <<'PY'
import glob, json, sys
ids = {}
for i in range(1, 25):
    for l in open("%s/hc%d" % (sys.argv[1], i)):
        if l.lower().startswith("audit-id:"):
            ids[l.split(":", 1)[1].strip()] = str(i)
seen = {}
for f in glob.glob(sys.argv[1] + "/audit*.log"):
    for line in open(f):
        e = json.loads(line)
        if e["auditID"] in ids:
            v = e["requestObject"]["data"]["k"]
            assert v.startswith(ids[e["auditID"]]) and len(v) == 60000 + len(ids[e["auditID"]])
            seen[e["auditID"]] = seen.get(e["auditID"], 0) + 1
assert len(ids) == 24 and all(seen.get(i) == 1 for i in ids), (len(ids), seen)
PY

# rotation: past 1 MB the file is renamed audit-<time>.log; 2 backups kept
BIG2=$(head -c 300000 /dev/zero | tr '\0' y)
printf '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"k":"%s"}}' "$BIG2" > "$AUDIT_DIR/body-big"
for i in $(seq 1 12); do
    curl_admin /api/v1/namespaces/default/configmaps/big -X PUT -H 'Content-Type: application/json' \
        --data-binary "@$AUDIT_DIR/body-big" -o /dev/null
done
BACKUPS=$(cd "$AUDIT_DIR" && ls | grep -E '^audit-[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}-[0-9]{2}-[0-9]{2}\.[0-9]{3}\.log$' | wc -l)
expect_eq "two backups named as lumberjack names them (maxbackup 2)" "$BACKUPS" 2
check "the current file is within maxsize" test "$(stat -c %s "$LOG")" -le 1048576
check "every backup is within maxsize" bash -c "for f in '$AUDIT_DIR'/audit-*.log; do test \$(stat -c %s \"\$f\") -le 1048576 || exit 1; done"

# a log that cannot be written (a full disk) does not fail requests
export KAPI_AUDIT_LOG_PATH=/dev/full
check "kapi-apiserver restarts with its log on /dev/full" kapi_restart
http curl_admin /api/v1/namespaces/default/configmaps/cm1
expect_eq "requests still succeed" "$HTTP_CODE" 200
expect_contains "the failure is reported in the server's log" "$(cat "$KAPI_STATE/log/apiserver.log")" \
    "audit log /dev/full: write: No space left on device"

# a policy that does not load stops kapi-apiserver, with kube's message
printf 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Everything\n' > "$AUDIT_DIR/bad.yaml"
OUT=$(KAPI_AUDIT_POLICY_FILE=$AUDIT_DIR/bad.yaml "$BUILD/kapi-apiserver" --state "$KAPI_STATE" --socket "$AUDIT_DIR/x.sock" \
    --watch-socket "$AUDIT_DIR/y.sock" 2>&1)
expect_eq "a bad policy: kapi-apiserver does not start" "$OUT" \
    "kapi-apiserver: invalid audit policy: rules[0].level: Unsupported value: \"Everything\": supported values: \"None\", \"Metadata\", \"Request\", \"RequestResponse\": from file $AUDIT_DIR/bad.yaml"

kapi_stop
rm -rf "$AUDIT_DIR"
