#!/bin/bash
# End to end: CustomResourceDefinitions (apiextensions.k8s.io/v1) and the
# custom resources they define, driven with the real kubectl and curl as a
# user does (data: tests/e2e/data/crds/, see its README):
#   $ kubectl apply -f crontabs.yaml
#   $ kubectl wait --for=condition=Established crd/crontabs.stable.example.com
#   $ kubectl get ct
#   NAME   SPEC          REPLICAS   AGE
#   cron   * * * * */5   1          3s
. "$(dirname "$0")/lib.sh"
KAPI_RECONCILE=0 kapi_start
tmp=$(mktemp -d)
DATA=$(dirname "$0")/data/crds
CRD=crontabs.stable.example.com

# ---- the CRD
out=$(kubectl apply -f "$DATA/crontabs.yaml" 2>&1)
expect_eq "kubectl apply a CRD" "$out" "customresourcedefinition.apiextensions.k8s.io/$CRD created"
# the server sets Established as it writes the CRD, so the first look finds
# it (no controller delay to wait out; the timeout only guards a slow machine)
out=$(kubectl wait --for=condition=Established "crd/$CRD" --timeout=10s 2>&1)
expect_eq "kubectl wait --for=condition=Established" "$out" "customresourcedefinition.apiextensions.k8s.io/$CRD condition met"
out=$(kubectl get crd 2>&1)
expect_eq "kubectl get crd: kube's default columns" "$(echo "$out" | head -1 | tr -s ' ')" "NAME CREATED AT"
expect_eq "kubectl get crd: the row" "$(echo "$out" | sed -n 2p | awk '{print $1}')" "$CRD"
out=$(kubectl get crd "$CRD" -o jsonpath='{range .status.conditions[*]}{.type}={.status}/{.reason}/{.message};{end}')
expect_eq "conditions NamesAccepted and Established, kube's reasons" "$out" \
    "NamesAccepted=True/NoConflicts/no conflicts found;Established=True/InitialNamesAccepted/the initial names have been accepted;"
out=$(kubectl get crd "$CRD" -o jsonpath='{.status.acceptedNames.kind} {.status.acceptedNames.listKind} {.status.acceptedNames.singular} {.status.storedVersions}')
expect_eq "acceptedNames (defaults filled) and storedVersions" "$out" 'CronTab CronTabList crontab ["v1"]'
expect_eq "spec.conversion defaults to None" "$(kubectl get crd "$CRD" -o jsonpath='{.spec.conversion.strategy}')" "None"
check "kubectl api-resources lists crontabs" \
    bash -c "$(declare -f kubectl); KUBECTL=$KUBECTL KAPI_STATE=$KAPI_STATE; export KUBECONFIG=$KUBECONFIG; kubectl api-resources --api-group=stable.example.com | grep -E '^crontabs +ct +stable.example.com/v1 +true +CronTab$'"
check "kubectl api-resources lists customresourcedefinitions" \
    bash -c "$(declare -f kubectl); KUBECTL=$KUBECTL KAPI_STATE=$KAPI_STATE; export KUBECONFIG=$KUBECONFIG; kubectl api-resources --api-group=apiextensions.k8s.io | grep -E '^customresourcedefinitions +crd,crds +apiextensions.k8s.io/v1 +false +CustomResourceDefinition$'"
http curl_admin /apis/apiextensions.k8s.io/v1
expect_contains "discovery: crds short name and category" "$(echo "$HTTP_BODY" | tr -d ' \n')" '"shortNames":["crd","crds"],"categories":["api-extensions"]'
http curl_admin /apis -H 'Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList'
expect_contains "aggregated discovery has the new group" "$HTTP_BODY" '"name": "stable.example.com"'

# ---- custom resources
cat >"$tmp/cron.yaml" <<'YAML'
apiVersion: stable.example.com/v1
kind: CronTab
metadata:
  name: cron
spec:
  cronSpec: "* * * * */5"
  image: my-awesome-cron-image
  replicas: 1
YAML
out=$(kubectl apply -f "$tmp/cron.yaml" 2>&1)
expect_eq "kubectl apply a CronTab" "$out" "crontab.stable.example.com/cron created"
check "registry key /registry/stable.example.com/crontabs/default/cron" \
    "$BUILD/kapictl" get --state "$KAPI_STATE" /registry/stable.example.com/crontabs/default/cron
out=$(kubectl get ct 2>&1)
expect_eq "kubectl get ct: NAME, the printer columns" "$(echo "$out" | head -1 | tr -s ' ')" "NAME SPEC REPLICAS AGE"
expect_eq "kubectl get ct: the row" "$(echo "$out" | sed -n 2p | awk '{print $1, $2, $3, $4, $5, $6, $7}')" "cron * * * * */5 1"
out=$(kubectl get crontabs -o wide 2>&1)
expect_eq "kubectl get -o wide: priority 1 columns" "$(echo "$out" | head -1 | tr -s ' ')" "NAME SPEC REPLICAS IMAGE AGE"
out=$(kubectl get crontab.stable.example.com cron -o jsonpath='{.kind} {.metadata.generation} {.spec.image}' 2>&1)
expect_eq "kubectl get by the qualified singular" "$out" "CronTab 1 my-awesome-cron-image"
out=$(kubectl get all 2>&1)
expect_contains "kubectl get all: the category all" "$out" "crontab.stable.example.com/cron"
out=$(kubectl explain crontabs.spec 2>&1)
expect_contains "kubectl explain crontabs.spec" "$out" "cronSpec	<string>"
expect_contains "kubectl explain: descriptions from the schema" "$out" "The cron schedule."

# patches: merge and JSON; strategic merge is kube's 415
out=$(kubectl patch ct cron --type=merge -p '{"spec":{"replicas":3}}' 2>&1)
expect_eq "merge patch" "$out" "crontab.stable.example.com/cron patched"
out=$(kubectl patch ct cron --type=json -p '[{"op":"replace","path":"/spec/image","value":"other"}]' 2>&1)
expect_eq "JSON patch" "$out" "crontab.stable.example.com/cron patched"
expect_eq "patched, generation bumped per spec change" \
    "$(kubectl get ct cron -o jsonpath='{.spec.replicas} {.spec.image} {.metadata.generation}')" "3 other 3"
http curl_admin /apis/stable.example.com/v1/namespaces/default/crontabs/cron -X PATCH \
    -H 'Content-Type: application/strategic-merge-patch+json' -d '{"spec":{"replicas":4}}'
expect_eq "strategic merge patch: 415" "$HTTP_CODE" "415"
expect_contains "strategic merge patch: kube's message" "$HTTP_BODY" \
    '"message": "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"'

# fieldValidation: the fields the schema prunes (and metadata's unknown
# ones) are reported as for built-in kinds, sorted as kube sorts them
fv_post() {   # DIRECTIVE NAME
    curl_admin "/apis/stable.example.com/v1/namespaces/default/crontabs?fieldValidation=$1" -X POST \
        -H 'Content-Type: application/json' -D "$tmp/headers" -o "$tmp/body" -w '%{http_code}' \
        -d '{"apiVersion":"stable.example.com/v1","kind":"CronTab","metadata":{"name":"'"$2"'","junk":1},"spec":{"cronSpec":"* * * * */5","zeta":1,"alpha":{"b":2}}}'
}
expect_eq "fieldValidation=Strict: 400" "$(fv_post Strict fv)" "400"
expect_eq "Strict: kube's message" "$(jq -r .message "$tmp/body")" \
    'CronTab in version "v1" cannot be handled as a CronTab: strict decoding error: unknown field "metadata.junk", unknown field "spec.alpha", unknown field "spec.zeta"'
expect_eq "fieldValidation=Warn: created" "$(fv_post Warn fv)" "201"
expect_eq "Warn: one Warning header per field" "$(grep -i '^Warning:' "$tmp/headers" | cut -d' ' -f2- | tr -d '\r')" \
    '299 - "unknown field \"metadata.junk\""
299 - "unknown field \"spec.alpha\""
299 - "unknown field \"spec.zeta\""'
expect_eq "Warn: the fields are pruned" "$(jq -c '[.metadata.junk, .spec.zeta, .spec.alpha]' "$tmp/body")" "[null,null,null]"
expect_eq "fieldValidation=Ignore: created" "$(fv_post Ignore fv2)" "201"
expect_eq "Ignore: no warning" "$(grep -ci '^Warning:' "$tmp/headers")" "0"
expect_eq "Ignore: pruned silently (replicas is the schema's default)" \
    "$(kubectl get ct fv2 -o jsonpath='{.metadata.junk} {.spec}')" ' {"cronSpec":"* * * * */5","replicas":1}'
http curl_admin "/apis/stable.example.com/v1/namespaces/default/crontabs/fv?fieldValidation=Strict" -X PATCH \
    -H 'Content-Type: application/merge-patch+json' -d '{"spec":{"bogus":1}}'
expect_eq "a patch with Strict: 400, kube's patch message" "$HTTP_CODE $(jq -r .message <<<"$HTTP_BODY")" \
    '400 strict decoding error: unknown field "spec.bogus"'
out=$(kubectl patch ct fv --type=merge -p '{"spec":{"bogus":1}}' 2>&1)
expect_eq "kubectl patch (Warn): the warning" "$out" 'Warning: unknown field "spec.bogus"
crontab.stable.example.com/fv patched (no change)'
kubectl delete ct fv fv2 >/dev/null 2>&1

# the status subresource: status ignored on the object, spec on /status
http curl_admin /apis/stable.example.com/v1/namespaces/default/crontabs/cron -X PATCH \
    -H 'Content-Type: application/merge-patch+json' -d '{"status":{"replicas":9}}'
expect_eq "status through the object: ignored" "$(kubectl get ct cron -o jsonpath='{.status.replicas}')" ""
http curl_admin /apis/stable.example.com/v1/namespaces/default/crontabs/cron/status -X PATCH \
    -H 'Content-Type: application/merge-patch+json' -d '{"status":{"replicas":2,"labelSelector":"app=cron"},"spec":{"replicas":7}}'
expect_eq "PATCH /status: 200" "$HTTP_CODE" "200"
expect_eq "status written, spec ignored, generation kept" \
    "$(kubectl get ct cron -o jsonpath='{.status.replicas} {.spec.replicas} {.metadata.generation}')" "2 3 3"
# the scale subresource, from the CRD's paths
out=$(kubectl scale ct cron --replicas=5 2>&1)
expect_eq "kubectl scale a CronTab" "$out" "crontab.stable.example.com/cron scaled"
expect_eq "scaled through specReplicasPath" "$(kubectl get ct cron -o jsonpath='{.spec.replicas} {.metadata.generation}')" "5 4"
http curl_admin /apis/stable.example.com/v1/namespaces/default/crontabs/cron/scale
expect_eq "GET /scale" "$(echo "$HTTP_BODY" | tr -d ' \n' | sed 's/"metadata":{[^}]*}/M/')" \
    '{"kind":"Scale","apiVersion":"autoscaling/v1",M,"spec":{"replicas":5},"status":{"replicas":2,"selector":"app=cron"}}'
http curl_admin /apis/stable.example.com/v1/namespaces/default/crontabs/cron/scale -X PATCH \
    -H 'Content-Type: application/merge-patch+json' -d '{"spec":{"replicas":1}}'
expect_eq "PATCH /scale" "$HTTP_CODE $(kubectl get ct cron -o jsonpath='{.spec.replicas}')" "200 1"
out=$(kubectl create -f "$tmp/cron.yaml" 2>&1)
expect_eq "create of an existing one" "$out" \
    'Error from server (AlreadyExists): error when creating "'"$tmp"'/cron.yaml": crontabs.stable.example.com "cron" already exists'

# watch
kubectl get ct --watch-only -o name >"$tmp/watch.out" 2>&1 &
watcher=$!
sleep 1.5
sed 's/name: cron/name: cron2/' "$tmp/cron.yaml" | kubectl create -f - >/dev/null 2>&1
for _ in $(seq 1 30); do grep -q cron2 "$tmp/watch.out" && break; sleep 0.2; done
kill "$watcher" 2>/dev/null; wait "$watcher" 2>/dev/null
expect_eq "kubectl get --watch-only sees the new one" "$(cat "$tmp/watch.out")" "crontab.stable.example.com/cron2"

# list as JSON, deletecollection
out=$(kubectl get ct -o jsonpath='{.kind} {.apiVersion} {range .items[*]}{.metadata.name} {end}')
expect_eq "list" "$out" "List v1 cron cron2 "
http curl_admin /apis/stable.example.com/v1/namespaces/default/crontabs
expect_contains "the list's kind" "$HTTP_BODY" '"kind": "CronTabList"'
out=$(kubectl delete ct cron 2>&1)
expect_eq "kubectl delete ct" "$out" 'crontab.stable.example.com "cron" deleted'
out=$(kubectl delete ct --all 2>&1)
expect_eq "kubectl delete ct --all" "$out" 'crontab.stable.example.com "cron2" deleted'
out=$(kubectl get ct 2>&1)
expect_eq "none left" "$out" "No resources found in default namespace."

# ---- names that clash: NamesAccepted False, not Established, not served
sed 's/crontabs/crontabz/g; s/plural: crontabz/plural: crontabz/; s/singular: crontab/singular: crontabz/; s/- ct/- ctz/' \
    "$DATA/crontabs.yaml" >"$tmp/clash.yaml"
out=$(kubectl apply -f "$tmp/clash.yaml" 2>&1)
expect_eq "a CRD whose kind another CRD of the group has" "$out" \
    "customresourcedefinition.apiextensions.k8s.io/crontabz.stable.example.com created"
out=$(kubectl get crd crontabz.stable.example.com -o jsonpath='{range .status.conditions[*]}{.type}={.status}/{.reason}/{.message};{end}')
expect_eq "NamesAccepted False (kube's reason of the last name refused), not Established" "$out" \
    'NamesAccepted=False/ListKindConflict/"CronTabList" is already in use;Established=False/NotAccepted/not all names are accepted;'
expect_eq "acceptedNames: the names not refused" \
    "$(kubectl get crd crontabz.stable.example.com -o jsonpath='{.status.acceptedNames.plural}/{.status.acceptedNames.kind}/{.status.acceptedNames.listKind}')" "crontabz//"
http curl_admin /apis/stable.example.com/v1/crontabz
expect_eq "a CRD that is not Established is not served" "$HTTP_CODE" "404"
kubectl delete crd crontabz.stable.example.com >/dev/null 2>&1

# ---- a refused CRD is checked again when the CRD that held its names goes
# (kube's naming controller): NamesAccepted True, then Established
gizmo_crd() {   # PLURAL KIND
    cat <<YAML
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: $1.clash.example.com
spec:
  group: clash.example.com
  scope: Namespaced
  names: {plural: $1, kind: $2}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
YAML
}
gizmo_crd gizmos Gizmo | kubectl apply -f - >/dev/null 2>&1
gizmo_crd gadgets Gizmo | kubectl apply -f - >/dev/null 2>&1
expect_eq "a second CRD of the group with the same kind is refused (the last name refused is the list kind)" \
    "$(kubectl get crd gadgets.clash.example.com -o jsonpath='{.status.conditions[?(@.type=="NamesAccepted")].reason}')" "ListKindConflict"
out=$(kubectl delete crd gizmos.clash.example.com 2>&1)
expect_eq "the CRD holding the kind is deleted" "$out" 'customresourcedefinition.apiextensions.k8s.io "gizmos.clash.example.com" deleted'
out=$(kubectl get crd gadgets.clash.example.com -o jsonpath='{range .status.conditions[*]}{.type}={.status}/{.reason};{end} {.status.acceptedNames.kind}')
expect_eq "the refused one is accepted and Established, without being written again" "$out" \
    "NamesAccepted=True/NoConflicts;Established=True/InitialNamesAccepted; Gizmo"
check "kubectl wait --for=condition=Established" kubectl wait --for=condition=Established crd/gadgets.clash.example.com --timeout=10s
echo '{"apiVersion":"clash.example.com/v1","kind":"Gizmo","metadata":{"name":"g"}}' | kubectl create -f - >/dev/null 2>&1
expect_eq "and its kind is served" "$(kubectl get gadgets -o name 2>&1)" "gizmo.clash.example.com/g"
kubectl delete crd gadgets.clash.example.com >/dev/null 2>&1

# ---- invalid CRDs, kube's messages
bad() {   # a copy of the CronTab CRD with sed expression $1
    sed "$1" "$DATA/crontabs.yaml" >"$tmp/bad.yaml"
    kubectl create -f "$tmp/bad.yaml" 2>&1
}
out=$(bad 's/name: crontabs.stable.example.com/name: crons.stable.example.com/')
expect_eq "metadata.name must be plural.group" "$out" \
    'The CustomResourceDefinition "crons.stable.example.com" is invalid: metadata.name: Invalid value: "crons.stable.example.com": must be spec.names.plural+"."+spec.group'
out=$(bad 's/crontabs.stable.example.com/crontabs.stable/; s/group: stable.example.com/group: stable/')
expect_eq "a group needs a dot" "$out" \
    'The CustomResourceDefinition "crontabs.stable" is invalid: spec.group: Invalid value: "stable": should be a domain with at least one dot'
out=$(bad 's/scope: Namespaced/scope: Galaxy/')
expect_eq "scope Namespaced or Cluster" "$out" \
    'The CustomResourceDefinition "crontabs.stable.example.com" is invalid: spec.scope: Unsupported value: "Galaxy": supported values: "Cluster", "Namespaced"'
# kube prints the versions with Go's %#v before the message (pointers as addresses)
out=$(bad 's/storage: true/storage: false/')
expect_contains "exactly one storage version: the versions as Go prints them" "$out" \
    'The CustomResourceDefinition "crontabs.stable.example.com" is invalid: spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{apiextensions.CustomResourceDefinitionVersion{Name:"v1", Served:true, Storage:false, Deprecated:false, DeprecationWarning:(*string)(nil), Schema:(*apiextensions.CustomResourceValidation)(0x'
expect_contains "exactly one storage version: the message" "$out" 'must have exactly one version marked as storage version'
# kube's static CEL cost estimate: a loop inside a loop over a list without
# maxItems is refused; with maxItems and maxLength it is accepted
loops_crd() {   # EXTRA-LIST-FIELDS
    cat <<YAML
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: loops.stable.example.com}
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: loops, kind: Loop}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              names:
                type: array
                $1
                items: {type: string$2}
                x-kubernetes-validations:
                - rule: self.all(x, self.exists_one(y, x == y))
                  message: names must be unique
YAML
}
out=$(loops_crd "" "" | kubectl create -f - 2>&1)
expect_eq "an unbounded nested loop: kube's cost errors" "$out" \
    'The CustomResourceDefinition "loops.stable.example.com" is invalid: 
* spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[names].x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget by factor of more than 100x (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)
* spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[names].x-kubernetes-validations[0].rule: Forbidden: contributed to estimated rule & messageExpression cost total exceeding cost limit for entire OpenAPIv3 schema
* spec.versions[0].schema.openAPIV3Schema: Forbidden: x-kubernetes-validations estimated rule & messageExpression cost total for entire OpenAPIv3 schema exceeds budget by factor of more than 100x (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)'
out=$(loops_crd "maxItems: 50" ", maxLength: 63" | kubectl create -f - 2>&1)
expect_eq "the same loop over a bounded list is accepted" "$out" \
    "customresourcedefinition.apiextensions.k8s.io/loops.stable.example.com created"
kubectl delete crd loops.stable.example.com >/dev/null 2>&1
out=$(bad 's/- name: v1/- name: V1/')
expect_contains "version names are DNS-1035 labels" "$out" \
    'spec.versions[0].name: Invalid value: "V1": a DNS-1035 label must consist of lower case alphanumeric characters'

# ---- two versions, conversion None; a deprecated one warns; cluster-scoped
kubectl apply -f "$DATA/widgets.yaml" >/dev/null 2>&1
kubectl wait --for=condition=Established crd/widgets.toys.example.com --timeout=10s >/dev/null 2>&1
http curl_admin /apis/toys.example.com
expect_contains "the preferred version is v1 (kube's version priority)" "$(echo "$HTTP_BODY" | tr -d ' \n')" \
    '"preferredVersion":{"groupVersion":"toys.example.com/v1","version":"v1"}'
out=$(echo '{"apiVersion":"toys.example.com/v1beta1","kind":"Widget","metadata":{"name":"w"},"spec":{"size":2}}' | kubectl create -f - 2>&1)
expect_eq "create through the deprecated version: kube's warning" "$out" \
    "Warning: toys.example.com/v1beta1 Widget is deprecated; use toys.example.com/v1 Widget
widget.toys.example.com/w created"
stored() { "$BUILD/kapictl" get --state "$KAPI_STATE" "$1" | tail -n 1; }
expect_eq "stored in the storage version v1 (conversion None rewrites apiVersion)" \
    "$(stored /registry/toys.example.com/widgets/w | jq -r '.apiVersion + " " + (.spec.size|tostring)')" "toys.example.com/v1 2"
expect_eq "read through v1: apiVersion rewritten" \
    "$(kubectl get widgets.v1.toys.example.com w -o jsonpath='{.apiVersion} {.spec.size}')" "toys.example.com/v1 2"
out=$(kubectl get widgets.v1beta1.toys.example.com w -o jsonpath='{.apiVersion}' 2>&1)
expect_eq "read through v1beta1" "$out" "Warning: toys.example.com/v1beta1 Widget is deprecated; use toys.example.com/v1 Widget
toys.example.com/v1beta1"
out=$(kubectl patch widgets.v1.toys.example.com w --type=merge -p '{"spec":{"size":3}}' 2>&1)
expect_eq "patch through v1 of an object written through v1beta1" "$out" "widget.toys.example.com/w patched"
http curl_admin /apis/toys.example.com/v1beta1/widgets/w -X PUT -H 'Content-Type: application/json' \
    -d "$(curl_admin /apis/toys.example.com/v1beta1/widgets/w -s | jq -c '.spec.size = 4')"
expect_eq "PUT through v1beta1 answers in v1beta1" "$(echo "$HTTP_BODY" | jq -r '.apiVersion + " " + (.spec.size|tostring)')" \
    "toys.example.com/v1beta1 4"
expect_eq "and is stored in v1" "$(stored /registry/toys.example.com/widgets/w | jq -r .apiVersion)" "toys.example.com/v1"
expect_eq "storedVersions: the storage version" \
    "$(kubectl get crd widgets.toys.example.com -o jsonpath='{.status.storedVersions}')" '["v1"]'
http curl_admin /apis/toys.example.com/v1/widgets
expect_contains "list through v1" "$(echo "$HTTP_BODY" | tr -d ' \n')" '"kind":"WidgetList","apiVersion":"toys.example.com/v1"'
out=$(kubectl get widget w 2>&1)
expect_eq "a cluster-scoped custom resource, default columns NAME and AGE" "$(echo "$out" | head -1 | tr -s ' ')" "NAME AGE"
kubectl delete widget w >/dev/null 2>&1
kubectl delete crd widgets.toys.example.com >/dev/null 2>&1

# ---- RBAC: custom resources authorized as built-ins; the aggregated
# roles admin, edit and view pick up a CRD's rules by label
kubectl create namespace team >/dev/null 2>&1
kubectl create rolebinding carol-edit -n team --clusterrole=edit --user=carol >/dev/null 2>&1
kubectl create rolebinding dave-view -n team --clusterrole=view --user=dave >/dev/null 2>&1
out=$(kubectl --as carol -n team create -f "$tmp/cron.yaml" 2>&1)
expect_eq "edit does not cover crontabs before a role is aggregated into it" "$out" \
    "Error from server (Forbidden): error when creating \"$tmp/cron.yaml\": crontabs.stable.example.com is forbidden: User \"carol\" cannot create resource \"crontabs\" in API group \"stable.example.com\" in the namespace \"team\""
cat >"$tmp/aggregate.yaml" <<'YAML'
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: aggregate-cron-tabs-edit
  labels:
    rbac.authorization.k8s.io/aggregate-to-admin: "true"
    rbac.authorization.k8s.io/aggregate-to-edit: "true"
rules:
- apiGroups: ["stable.example.com"]
  resources: ["crontabs"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: aggregate-cron-tabs-view
  labels:
    rbac.authorization.k8s.io/aggregate-to-view: "true"
rules:
- apiGroups: ["stable.example.com"]
  resources: ["crontabs"]
  verbs: ["get", "list", "watch"]
YAML
out=$(kubectl apply -f "$tmp/aggregate.yaml" 2>&1)
expect_eq "the aggregated-to roles for crontabs (kube's documented example)" "$out" \
    "clusterrole.rbac.authorization.k8s.io/aggregate-cron-tabs-edit created
clusterrole.rbac.authorization.k8s.io/aggregate-cron-tabs-view created"
out=$(kubectl --as carol -n team create -f "$tmp/cron.yaml" 2>&1)
expect_eq "a user bound to edit in a namespace creates a CronTab" "$out" "crontab.stable.example.com/cron created"
expect_eq "a user bound to view lists them" "$(kubectl --as dave -n team get ct -o name 2>&1)" "crontab.stable.example.com/cron"
out=$(kubectl --as dave -n team delete ct cron 2>&1)
expect_eq "and may not delete one" "$out" \
    'Error from server (Forbidden): crontabs.stable.example.com "cron" is forbidden: User "dave" cannot delete resource "crontabs" in API group "stable.example.com" in the namespace "team"'
expect_eq "edit does not reach another namespace" "$(kubectl --as carol -n other auth can-i create crontabs.stable.example.com 2>&1)" "no"
check "the clusterrole-aggregation controller's pass (kapi-reconcile --once)" \
    "$BUILD/kapi-reconcile" --state "$KAPI_STATE" --once
for role in admin edit view; do
    expect_contains "kubectl get clusterrole $role shows the crontabs rule" \
        "$(kubectl get clusterrole $role -o jsonpath='{range .rules[*]}{.apiGroups} {.resources}{"\n"}{end}')" \
        '["stable.example.com"] ["crontabs"]'
done
kubectl delete ct cron -n team >/dev/null 2>&1

# ---- deleting the CRD takes the kind away, and its objects first
kubectl create namespace other >/dev/null 2>&1
kubectl apply -f "$tmp/cron.yaml" >/dev/null 2>&1
kubectl apply -n other -f "$tmp/cron.yaml" >/dev/null 2>&1
sed 's/name: cron/name: kept\n  finalizers: ["example.com\/keep"]/' "$tmp/cron.yaml" | kubectl apply -f - >/dev/null 2>&1
out=$(kubectl delete crd "$CRD" --wait=false 2>&1)
expect_eq "kubectl delete crd (an object held by a finalizer)" "$out" "customresourcedefinition.apiextensions.k8s.io \"$CRD\" deleted"
out=$(kubectl get crd "$CRD" -o jsonpath='{.metadata.finalizers} {.status.conditions[?(@.type=="Terminating")].reason}' 2>&1)
expect_eq "the CRD waits, marked: kube's finalizer and Terminating condition" "$out" \
    '["customresourcecleanup.apiextensions.k8s.io"] InstanceDeletionInProgress'
expect_eq "the objects without finalizers are gone" "$(kubectl get ct -A -o jsonpath='{range .items[*]}{.metadata.namespace}/{.metadata.name} {end}')" "default/kept "
expect_eq "the one with a finalizer is marked" "$(kubectl get ct kept -o jsonpath='{.metadata.deletionTimestamp}' | cut -c1-2)" "20"
out=$(kubectl patch ct kept --type=merge -p '{"metadata":{"finalizers":null}}' 2>&1)
expect_eq "the last finalizer of the last object is removed" "$out" "crontab.stable.example.com/kept patched"
out=$(kubectl get crd "$CRD" 2>&1)
expect_eq "the CRD finishes deleting with its last object (no second DELETE)" "$out" \
    "Error from server (NotFound): customresourcedefinitions.apiextensions.k8s.io \"$CRD\" not found"
out=$(kubectl api-resources --api-group=stable.example.com 2>&1 | tail -n +2)
expect_eq "gone from discovery" "$out" ""
http curl_admin /apis/stable.example.com/v1/namespaces/default/crontabs
expect_eq "gone from routing" "$HTTP_CODE" "404"
rm -rf "$tmp"
