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
http curl_admin /api/v1/namespaces/default/configmaps -D "$AUDIT_DIR/h4" -H 'Impersonate-User: jane'
expect_eq "jane may not list configmaps" "$HTTP_CODE" 403
EV=$(events_of "$(audit_id "$AUDIT_DIR/h4")")
expect_eq "user is who asked, impersonatedUser who acted" \
    "$(field "$EV" '[e["user"]["username"], e["impersonatedUser"]["username"], e["impersonatedUser"]["groups"]]')" \
    '["kubernetes-admin", "jane", ["system:authenticated"]]'
expect_eq "the denial's annotation and code" \
    "$(field "$EV" '[e["annotations"]["authorization.k8s.io/decision"], e["responseStatus"]["code"], e["responseStatus"]["reason"]]')" \
    '["forbid", 403, "Forbidden"]'

kapi_stop
