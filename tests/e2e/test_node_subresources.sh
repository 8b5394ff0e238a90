#!/bin/bash
# test_node_subresources.sh: the subresources a kubelet serves, answered as
# kube-apiserver answers them on a control plane with no kubelet: pods/log
# (empty for a pod with no node), exec, attach, port-forward and cp (400
# `pod x does not have a host assigned`), a pod on a node whose kubelet
# cannot be reached, pods/ephemeralcontainers (kubectl debug), nodes/proxy
# and services/proxy, discovery listing them, and a Node created with a
# status keeping it. Real kubectl, through nginx (HTTP/1.1 upgrades
# included: SPDY and WebSocket requests get an ordinary HTTP answer).
export KAPI_RECONCILE=0
. "$(dirname "$0")/lib.sh"
kapi_start

P=/api/v1/namespaces/default/pods
check "kubectl create serviceaccount default (no reconciler here to make it)" kubectl create serviceaccount default
check "kubectl run" kubectl run p --image=busybox --restart=Never -- sleep 3600
kubectl run two --image=busybox --restart=Never --overrides='{"spec":{"containers":[{"name":"a","image":"busybox"},{"name":"b","image":"busybox"}]}}' >/dev/null 2>&1

# --- discovery
HTTP_BODY=$(kubectl get --raw /api/v1)
for sub in pods/attach pods/ephemeralcontainers pods/exec pods/log pods/portforward pods/proxy nodes/proxy services/proxy; do
    expect_contains "discovery lists $sub" "$HTTP_BODY" "\"name\":\"$sub\""
done
expect_contains "pods/exec: create and get, kind PodExecOptions" "$HTTP_BODY" '"name":"pods/exec","singularName":"","namespaced":true,"kind":"PodExecOptions","verbs":["create","get"]'
expect_contains "pods/ephemeralcontainers: get, patch, update" "$HTTP_BODY" '"name":"pods/ephemeralcontainers","singularName":"","namespaced":true,"kind":"Pod","verbs":["get","patch","update"]'

# --- pods/log
out=$(kubectl logs p 2>&1); rc=$?
expect_eq "kubectl logs of a pod with no node: nothing" "$out" ""
expect_eq "kubectl logs of a pod with no node: exit 0" "$rc" "0"
http curl_admin "$P/p/log"
expect_eq "pods/log with no node: 204" "$HTTP_CODE" "204"
out=$(kubectl logs two 2>&1)
expect_eq "kubectl logs of a two-container pod" "$out" 'Defaulted container "a" out of: a, b'
http curl_admin "$P/two/log"
expect_eq "pods/log without a container: 400" "$HTTP_CODE" "400"
expect_contains "kube's message" "$HTTP_BODY" '"message": "a container name must be specified for pod two, choose one of: [a b]"'
out=$(kubectl logs p -c nope 2>&1)
expect_eq "kubectl logs -c of a container the pod lacks" "$out" 'error: container nope is not valid for pod p'
http curl_admin "$P/nope/log"
expect_eq "pods/log of a missing pod: 404" "$HTTP_CODE" "404"
expect_contains "its message" "$HTTP_BODY" '"message": "pods \"nope\" not found"'

# --- exec, attach, port-forward, cp
out=$(kubectl exec p -- ls 2>&1)
expect_eq "kubectl exec" "$out" 'Error from server (BadRequest): pod p does not have a host assigned'
out=$(timeout 20 kubectl attach p 2>&1)
expect_contains "kubectl attach" "$out" 'pod p does not have a host assigned'
out=$(timeout 20 kubectl port-forward pod/p 18080:80 2>&1)
expect_eq "kubectl port-forward (kubectl's own check of the phase, as against kube)" "$out" 'error: unable to forward port because pod is not running. Current status=Pending'
http curl_admin "$P/p/portforward?ports=80" -X POST -H 'Connection: Upgrade' -H 'Upgrade: SPDY/3.1' -H 'X-Stream-Protocol-Version: portforward.k8s.io'
expect_eq "pods/portforward with no node: 400" "$HTTP_CODE" "400"
expect_contains "kube's message" "$HTTP_BODY" '"message": "pod p does not have a host assigned"'
http curl_admin "$P/p/attach?stdout=1" -X POST
expect_eq "pods/attach with no node: 400" "$HTTP_CODE" "400"
expect_contains "kube's message" "$HTTP_BODY" '"message": "pod p does not have a host assigned"'
echo hi > "$KAPI_STATE/cpfile"
out=$(timeout 20 kubectl cp "$KAPI_STATE/cpfile" p:/tmp/x 2>&1)
expect_contains "kubectl cp" "$out" 'pod p does not have a host assigned'
http curl_admin "$P/p/exec?command=ls&stdout=1" -X POST -H 'Connection: Upgrade' -H 'Upgrade: SPDY/3.1' -H 'X-Stream-Protocol-Version: v4.channel.k8s.io'
expect_eq "an SPDY upgrade gets an ordinary 400" "$HTTP_CODE" "400"
http curl_admin "$P/p/exec?command=ls&stdout=1" -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' -H 'Sec-WebSocket-Protocol: v5.channel.k8s.io'
expect_eq "a WebSocket upgrade gets an ordinary 400" "$HTTP_CODE" "400"
expect_contains "with kube's message" "$HTTP_BODY" '"message": "pod p does not have a host assigned"'
http curl_admin "$P/p/exec" -X PUT
expect_eq "exec takes no PUT: 405" "$HTTP_CODE" "405"

# --- a pod on a node whose kubelet does not answer
kubectl apply -f - >/dev/null <<'YAML'
apiVersion: v1
kind: Node
metadata: {name: n1}
status:
  addresses: [{type: InternalIP, address: 127.0.0.1}]
  daemonEndpoints: {kubeletEndpoint: {Port: 1}}
  capacity: {cpu: "4", memory: 8Gi, pods: "110"}
  conditions:
  - {type: Ready, status: "True", reason: KubeletReady, message: kubelet is posting ready status, lastHeartbeatTime: "2026-01-01T00:00:00Z", lastTransitionTime: "2026-01-01T00:00:00Z"}
YAML
expect_eq "a Node created with a status keeps its capacity" "$(kubectl get node n1 -o jsonpath='{.status.capacity.cpu}/{.status.capacity.pods}')" "4/110"
expect_eq "and its conditions" "$(kubectl get node n1 -o jsonpath='{.status.conditions[0].reason}')" "KubeletReady"
expect_eq "kubectl get node shows it Ready" "$(kubectl get node n1 --no-headers | awk '{print $2}')" "Ready"
kubectl create node bare 2>/dev/null || kubectl apply -f - >/dev/null <<'YAML'
apiVersion: v1
kind: Node
metadata: {name: bare}
YAML
kubectl run onnode --image=busybox --restart=Never --overrides='{"spec":{"nodeName":"n1"}}' >/dev/null 2>&1
kubectl run onbare --image=busybox --restart=Never --overrides='{"spec":{"nodeName":"bare"}}' >/dev/null 2>&1
kubectl run onghost --image=busybox --restart=Never --overrides='{"spec":{"nodeName":"ghost"}}' >/dev/null 2>&1
out=$(kubectl logs onnode 2>&1)
expect_eq "kubectl logs of a pod whose kubelet is unreachable" "$out" 'Error from server: Get "https://127.0.0.1:1/containerLogs/default/onnode/onnode": dial tcp 127.0.0.1:1: connect: connection refused'
out=$(kubectl logs onbare 2>&1)
expect_eq "kubectl logs of a pod on a node without addresses" "$out" 'Error from server: no preferred addresses found; known addresses: []'
out=$(kubectl logs onghost 2>&1)
expect_eq "kubectl logs of a pod on a missing node" "$out" 'Error from server (NotFound): nodes "ghost" not found'
out=$(timeout 20 kubectl exec onnode -- ls 2>&1)
expect_eq "kubectl exec on a node whose kubelet is unreachable" "$out" 'Error from server: error dialing backend: dial tcp 127.0.0.1:1: connect: connection refused'
http curl_admin "$P/onnode/exec?command=ls" -X POST
expect_eq "exec that is not an upgrade: 400" "$HTTP_CODE" "400"
expect_contains "Upgrade request required" "$HTTP_BODY" '"message": "Upgrade request required"'

# --- ephemeral containers: kubectl debug
out=$(kubectl debug p --image=busybox --target=p -c dbg 2>&1)
expect_eq "kubectl debug adds the container" "$(kubectl get pod p -o jsonpath='{.spec.ephemeralContainers[0].name}/{.spec.ephemeralContainers[0].targetContainerName}')" "dbg/p"
expect_eq "with its defaults" "$(kubectl get pod p -o jsonpath='{.spec.ephemeralContainers[0].imagePullPolicy}')" "Always"
timeout 8 kubectl debug -it p --image=busybox -c dbg2 -- sh >/dev/null 2>&1
expect_eq "kubectl debug -it waits for the container to start, as on a nodeless cluster" "$?" "124"
expect_eq "the second ephemeral container is there" "$(kubectl get pod p -o jsonpath='{.spec.ephemeralContainers[1].name}')" "dbg2"
http curl_admin "$P/p/ephemeralcontainers"
expect_eq "GET pods/ephemeralcontainers: 200" "$HTTP_CODE" "200"
expect_contains "the answer is the Pod" "$HTTP_BODY" '"kind": "Pod"'
http curl_admin "$P/p/ephemeralcontainers" -X PATCH -H 'Content-Type: application/json-patch+json' --data '[{"op":"remove","path":"/spec/ephemeralContainers/0"}]'
expect_eq "removing an ephemeral container: 422" "$HTTP_CODE" "422"
expect_contains "kube's message" "$HTTP_BODY" 'existing ephemeral containers \"dbg\" may not be removed'
http curl_admin "$P/p/ephemeralcontainers" -X PATCH -H 'Content-Type: application/strategic-merge-patch+json' --data '{"metadata":{"labels":{"x":"y"}},"spec":{"ephemeralContainers":[{"name":"dbg3","image":"busybox"}]}}'
expect_eq "a strategic merge patch adding one: 200" "$HTTP_CODE" "200"
expect_eq "only spec.ephemeralContainers changes" "$(kubectl get pod p -o jsonpath='{.metadata.labels.x}|{.spec.ephemeralContainers[2].name}')" "|dbg3"
out=$(kubectl label pod p a=b 2>&1)
expect_eq "the pod with ephemeral containers still takes updates" "$out" "pod/p labeled"

# --- nodes/proxy and services/proxy
http curl_admin /api/v1/nodes/n1/proxy/healthz
expect_eq "nodes/proxy to a loopback address: 400" "$HTTP_CODE" "400"
expect_contains "address not allowed" "$HTTP_BODY" '"message": "address not allowed"'
http curl_admin /api/v1/nodes/bare/proxy/
expect_eq "nodes/proxy to a node without addresses: 500" "$HTTP_CODE" "500"
http curl_admin /api/v1/nodes/ghost/proxy/
expect_eq "nodes/proxy to a missing node: 404" "$HTTP_CODE" "404"
http curl_admin /api/v1/nodes/a:b:c:d/proxy/
expect_eq "nodes/proxy with a malformed name: 400" "$HTTP_CODE" "400"
expect_contains "its message" "$HTTP_BODY" 'invalid node request \"a:b:c:d\"'
kubectl create service clusterip web --tcp=80:8080 >/dev/null
kubectl create service clusterip nosel --clusterip=None >/dev/null 2>&1 || true
http curl_admin /api/v1/namespaces/default/services/web/proxy/
expect_eq "services/proxy with no ready endpoint: 503" "$HTTP_CODE" "503"
expect_contains "kube's message" "$HTTP_BODY" '"message": "no endpoints available for service \"web\""'
http curl_admin /api/v1/namespaces/default/services/web:81/proxy/
expect_eq "services/proxy to a port the service lacks: 503" "$HTTP_CODE" "503"
expect_contains "its message" "$HTTP_BODY" '"message": "no service port 81 found for service \"web\""'
http curl_admin /api/v1/namespaces/default/services/none:80/proxy/
expect_eq "services/proxy of a missing service: 404" "$HTTP_CODE" "404"
expect_contains "services \"none\" not found" "$HTTP_BODY" 'services \"none\" not found'
# kubectl proxy in front
port=$(kapi_free_port)
"$KUBECTL" --cache-dir "$KAPI_STATE/kube-cache" proxy --port "$port" >/dev/null 2>&1 &   # kubectl itself: $! must be its pid
proxy_pid=$!
for _ in $(seq 50); do curl -s "http://127.0.0.1:$port/version" >/dev/null && break; sleep 0.1; done
out=$(curl -s "http://127.0.0.1:$port/api/v1/namespaces/default/services/web/proxy/")
expect_contains "kubectl proxy: services/proxy" "$out" 'no endpoints available for service \"web\"'
out=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/v1/nodes/n1/proxy/")
expect_eq "kubectl proxy: nodes/proxy" "$out" "400"
kill "$proxy_pid"
wait "$proxy_pid" 2>/dev/null
out=$(kubectl get --raw /api/v1/namespaces/default/services/web/proxy/ 2>&1)
expect_eq "kubectl get --raw services/proxy" "$out" 'Error from server (ServiceUnavailable): no endpoints available for service "web"'
