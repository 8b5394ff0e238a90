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
# (kube prints the versions with Go's %#v before the message; kapi leaves the value out)
out=$(bad 's/storage: true/storage: false/')
expect_contains "exactly one storage version" "$out" \
    'The CustomResourceDefinition "crontabs.stable.example.com" is invalid: spec.versions: Invalid value: '
expect_contains "exactly one storage version: the message" "$out" 'must have exactly one version marked as storage version'
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
expect_eq "read through v1: apiVersion rewritten" \
    "$(kubectl get widgets.v1.toys.example.com w -o jsonpath='{.apiVersion} {.spec.size}')" "toys.example.com/v1 2"
out=$(kubectl get widgets.v1beta1.toys.example.com w -o jsonpath='{.apiVersion}' 2>&1)
expect_eq "read through v1beta1" "$out" "Warning: toys.example.com/v1beta1 Widget is deprecated; use toys.example.com/v1 Widget
toys.example.com/v1beta1"
out=$(kubectl patch widgets.v1.toys.example.com w --type=merge -p '{"spec":{"size":3}}' 2>&1)
expect_eq "patch through v1 of an object written through v1beta1" "$out" "widget.toys.example.com/w patched"
http curl_admin /apis/toys.example.com/v1/widgets
expect_contains "list through v1" "$(echo "$HTTP_BODY" | tr -d ' \n')" '"kind":"WidgetList","apiVersion":"toys.example.com/v1"'
out=$(kubectl get widget w 2>&1)
expect_eq "a cluster-scoped custom resource, default columns NAME and AGE" "$(echo "$out" | head -1 | tr -s ' ')" "NAME AGE"
kubectl delete widget w >/dev/null 2>&1
kubectl delete crd widgets.toys.example.com >/dev/null 2>&1

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
kubectl patch ct kept --type=merge -p '{"metadata":{"finalizers":null}}' >/dev/null 2>&1
out=$(kubectl delete crd "$CRD" 2>&1)
expect_eq "kubectl delete crd" "$out" "customresourcedefinition.apiextensions.k8s.io \"$CRD\" deleted"
out=$(kubectl api-resources --api-group=stable.example.com 2>&1 | tail -n +2)
expect_eq "gone from discovery" "$out" ""
http curl_admin /apis/stable.example.com/v1/namespaces/default/crontabs
expect_eq "gone from routing" "$HTTP_CODE" "404"
rm -rf "$tmp"
