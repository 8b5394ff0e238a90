#!/bin/bash
# End to end: the admission plugins and allocators kube-apiserver runs by
# default, driven with kubectl as a user would:
#   $ kubectl drain n1 --force          (a PodDisruptionBudget holds it back)
#   error when evicting pods/"w1" -n "drain" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.
#   $ kubectl create service clusterip dns --tcp=53:53 --clusterip=10.96.0.10   (a second time)
#   error: failed to create ClusterIP service: Service "dns2" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is already allocated
. "$(dirname "$0")/lib.sh"
KAPI_RECONCILE=0 kapi_start
tmp=$(mktemp -d)
for ns in drain lr q ps st; do kubectl create namespace $ns >/dev/null; kubectl -n $ns create serviceaccount default >/dev/null; done

# ---- the kubernetes Service and ClusterIP / NodePort allocation
out=$(kubectl get svc kubernetes -o jsonpath='{.spec.clusterIP} {.spec.ports[0].name} {.spec.ports[0].port} {.spec.ports[0].targetPort} {.metadata.labels.component}')
expect_eq "kubectl get svc kubernetes: the range's first address, 443 to the API's port" "$out" "10.96.0.1 https 443 $KAPI_PORT apiserver"
out=$(kubectl get endpoints kubernetes -o jsonpath='{.subsets[0].ports[0].port}')
expect_eq "the kubernetes Endpoints point at the API's port" "$out" "$KAPI_PORT"

out=$(kubectl create service clusterip web --tcp=80:8080 2>&1)
expect_eq "kubectl create service clusterip" "$out" "service/web created"
ip=$(kubectl get svc web -o jsonpath='{.spec.clusterIP}')
check "the ClusterIP is in 10.96.0.0/12 ($ip)" python3 -c "import ipaddress,sys; sys.exit(0 if ipaddress.ip_address('$ip') in ipaddress.ip_network('10.96.0.0/12') and '$ip' != '10.96.0.1' else 1)"
out=$(kubectl get svc web -o jsonpath='{.spec.clusterIPs[0]} {.spec.ipFamilies} {.spec.ipFamilyPolicy} {.spec.sessionAffinity} {.spec.internalTrafficPolicy} {.spec.ports[0].protocol}')
expect_eq "kube's Service defaults" "$out" "$ip [\"IPv4\"] SingleStack None Cluster TCP"
out=$(kubectl create service clusterip dns --tcp=53:53 --clusterip=10.96.0.10 2>&1)
expect_eq "a requested ClusterIP" "$out" "service/dns created"
out=$(kubectl create service clusterip dns2 --tcp=53:53 --clusterip=10.96.0.10 2>&1)
expect_eq "an allocated ClusterIP is refused with kube's message" "$out" \
    'error: failed to create ClusterIP service: Service "dns2" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is already allocated'
out=$(kubectl create service clusterip far --tcp=53:53 --clusterip=10.200.0.10 2>&1)
expect_eq "a ClusterIP outside the range" "$out" \
    'error: failed to create ClusterIP service: Service "far" is invalid: spec.clusterIPs: Invalid value: []string{"10.200.0.10"}: failed to allocate IP 10.200.0.10: provided IP 10.200.0.10 is not in the valid range'
kubectl delete svc dns >/dev/null
out=$(kubectl create service clusterip dns2 --tcp=53:53 --clusterip=10.96.0.10 2>&1)
expect_eq "a deleted Service's ClusterIP is free again" "$out" "service/dns2 created"
out=$(kubectl create service clusterip headless --clusterip=None 2>&1; kubectl get svc headless -o jsonpath='{.spec.clusterIP}')
expect_eq "headless: None" "$out" "service/headless created
None"
out=$(kubectl patch svc web -p '{"spec":{"clusterIP":"10.96.0.99","clusterIPs":["10.96.0.99"]}}' 2>&1)
expect_contains "the ClusterIP may not change" "$out" 'spec.clusterIPs[0]: Invalid value: []string{"10.96.0.99"}: may not change once set'

out=$(kubectl create service nodeport np --tcp=80:8080 --node-port=30080 2>&1; kubectl get svc np -o jsonpath='{.spec.ports[0].nodePort} {.spec.externalTrafficPolicy}')
expect_eq "a requested NodePort" "$out" "service/np created
30080 Cluster"
out=$(kubectl create service nodeport np2 --tcp=80:8080 --node-port=30080 2>&1)
expect_eq "an allocated NodePort is refused" "$out" \
    'error: failed to create NodePort service: Service "np2" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated'
out=$(kubectl create service nodeport np3 --tcp=80:8080 --node-port=20080 2>&1)
expect_eq "a NodePort outside the range" "$out" \
    'error: failed to create NodePort service: Service "np3" is invalid: spec.ports[0].nodePort: Invalid value: 20080: provided port is not in the valid range. The range of valid ports is 30000-32767'
kubectl create service loadbalancer lb --tcp=80:8080 >/dev/null
port=$(kubectl get svc lb -o jsonpath='{.spec.ports[0].nodePort}')
check "a LoadBalancer Service gets a NodePort in 30000-32767 ($port)" test "${port:-0}" -ge 30000 -a "${port:-0}" -le 32767
kubectl patch svc lb -p '{"spec":{"type":"ClusterIP"}}' >/dev/null
out=$(kubectl get svc lb -o jsonpath='{.spec.type} {.spec.ports[0].nodePort}')
expect_eq "a type change to ClusterIP drops the NodePort" "$out" "ClusterIP "
out=$(kubectl create service nodeport again --tcp=80:8080 --node-port="$port" 2>&1)
expect_eq "and releases it" "$out" "service/again created"

# ---- cordon and drain honouring a PodDisruptionBudget
kubectl apply -f - >/dev/null <<'EOF'
apiVersion: v1
kind: Node
metadata: {name: n1}
---
apiVersion: v1
kind: Pod
metadata: {name: w1, namespace: drain, labels: {app: web}}
spec: {nodeName: n1, containers: [{name: c, image: nginx}]}
---
apiVersion: v1
kind: Pod
metadata: {name: w2, namespace: drain, labels: {app: web}}
spec: {nodeName: n1, containers: [{name: c, image: nginx}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: drain}
spec: {minAvailable: 2, selector: {matchLabels: {app: web}}}
EOF
for p in w1 w2; do
    kubectl -n drain patch pod $p --subresource=status --type=merge \
        -p '{"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}' >/dev/null
done
out=$(kubectl cordon n1 2>&1; kubectl get node n1 -o jsonpath='{.spec.unschedulable}')
expect_eq "kubectl cordon" "$out" "node/n1 cordoned
true"
out=$(curl_admin /api/v1/namespaces/drain/pods/w1/eviction -X POST -H 'Content-Type: application/json' \
      -d '{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"w1","namespace":"drain"}}')
expect_eq "an eviction the budget forbids: kube's 429" \
    "$(echo "$out" | python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["code"], s["reason"], s["message"], s["details"]["causes"][0]["reason"], s["details"]["causes"][0]["message"])')" \
    "429 TooManyRequests Cannot evict pod as it would violate the pod's disruption budget. DisruptionBudget The disruption budget web needs 2 healthy pods and has 2 currently"
out=$(kubectl drain n1 --force --timeout=6s 2>&1)
expect_contains "kubectl drain is held back by the budget" "$out" \
    "Cannot evict pod as it would violate the pod's disruption budget."
expect_eq "both pods are still there" "$(kubectl -n drain get pods -o name | sort | tr '\n' ' ')" "pod/w1 pod/w2 "
kubectl -n drain patch pdb web --type=merge -p '{"spec":{"minAvailable":0}}' >/dev/null
out=$(kubectl drain n1 --force --timeout=30s 2>&1)
expect_contains "kubectl drain evicts once the budget allows it" "$out" "node/n1 drained"
expect_eq "the pods are gone" "$(kubectl -n drain get pods 2>&1)" "No resources found in drain namespace."
out=$(kubectl -n drain get pdb web -o jsonpath='{.status.expectedPods}')
check "the budget's status was written by the evictions" test -n "$out"

# ---- LimitRanger
kubectl apply -f - >/dev/null <<'EOF'
apiVersion: v1
kind: LimitRange
metadata: {name: limits, namespace: lr}
spec:
  limits:
  - type: Container
    max: {cpu: "1"}
    default: {cpu: 500m, memory: 128Mi}
    defaultRequest: {cpu: 100m}
EOF
out=$(kubectl -n lr get limitrange limits -o jsonpath='{.spec.limits[0].defaultRequest.memory}')
expect_eq "a LimitRange's default request defaults to its default limit" "$out" "128Mi"
kubectl -n lr run p --image=nginx >/dev/null
kubectl -n lr get pod p -o yaml >"$tmp/p.yaml"
expect_contains "LimitRange defaults in kubectl get pod -o yaml: limits" "$(grep -A3 'limits:' "$tmp/p.yaml")" "cpu: 500m"
expect_contains "LimitRange defaults in kubectl get pod -o yaml: requests" "$(grep -A3 'requests:' "$tmp/p.yaml")" "cpu: 100m"
expect_eq "the limit-ranger annotation" "$(kubectl -n lr get pod p -o jsonpath='{.metadata.annotations.kubernetes\.io/limit-ranger}')" \
    "LimitRanger plugin set: cpu, memory request for container p; cpu, memory limit for container p"
expect_eq "the QoS class follows the defaults" "$(kubectl -n lr get pod p -o jsonpath='{.status.qosClass}')" "Burstable"
out=$(kubectl -n lr run big --image=nginx --overrides='{"spec":{"containers":[{"name":"big","image":"nginx","resources":{"limits":{"cpu":"2"}}}]}}' 2>&1)
expect_eq "a limit above the max is refused" "$out" \
    'Error from server (Forbidden): pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2'

# ---- ResourceQuota
out=$(kubectl -n q create quota q --hard=count/configmaps=1,pods=1,requests.cpu=1,limits.cpu=1 2>&1)
expect_eq "kubectl create quota" "$out" "resourcequota/q created"
expect_eq "status.hard copied, status.used counted" "$(kubectl -n q get quota q -o jsonpath='{.status.hard.pods} {.status.used.pods}')" "1 0"
kubectl -n q create configmap a --from-literal=k=v >/dev/null
out=$(kubectl -n q create configmap b --from-literal=k=v 2>&1)
expect_eq "quota exceeded: kube's message" "$out" \
    'error: failed to create configmap: configmaps "b" is forbidden: exceeded quota: q, requested: count/configmaps=1, used: count/configmaps=1, limited: count/configmaps=1'
out=$(kubectl -n q run bare --image=nginx 2>&1)
expect_eq "a quota on cpu needs each container to state it" "$out" \
    'Error from server (Forbidden): pods "bare" is forbidden: failed quota: q: must specify limits.cpu for: bare; requests.cpu for: bare'
res='{"spec":{"containers":[{"name":"c","image":"nginx","resources":{"limits":{"cpu":"600m"},"requests":{"cpu":"600m"}}}]}}'
out=$(kubectl -n q run c1 --image=nginx --overrides="$res" 2>&1)
expect_eq "a pod within the quota" "$out" "pod/c1 created"
expect_eq "status.used follows" "$(kubectl -n q get quota q -o jsonpath='{.status.used.pods} {.status.used.requests\.cpu}')" "1 600m"
kubectl -n q delete pod c1 >/dev/null
kubectl -n q delete configmap a >/dev/null
expect_eq "deletes are recounted in status.used" \
    "$(kubectl -n q get quota q -o jsonpath='{.status.used.pods} {.status.used.requests\.cpu} {.status.used.count/configmaps}')" "0 0 0"
out=$(kubectl -n q create configmap b --from-literal=k=v 2>&1)
expect_eq "deleted objects no longer count" "$out" "configmap/b created"

# ---- PodSecurity
kubectl label ns ps pod-security.kubernetes.io/enforce=baseline pod-security.kubernetes.io/warn=restricted >/dev/null
out=$(kubectl -n ps run plain --image=nginx 2>&1)
expect_eq "the warn level's Warning, the pod created" "$out" \
    'Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "plain" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "plain" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "plain" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "plain" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")
pod/plain created'
out=$(kubectl -n ps run priv --image=nginx --overrides='{"spec":{"containers":[{"name":"priv","image":"nginx","securityContext":{"privileged":true}}]}}' 2>&1 | grep -v ^Warning)
expect_eq "the enforce level refuses a privileged pod" "$out" \
    'Error from server (Forbidden): pods "priv" is forbidden: violates PodSecurity "baseline:latest": privileged (container "priv" must not set securityContext.privileged=true)'
kubectl label ns ps pod-security.kubernetes.io/enforce=restricted --overwrite >/dev/null
out=$(kubectl -n ps run good --image=nginx --overrides='{"spec":{"securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}},"containers":[{"name":"good","image":"nginx","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}]}}' 2>&1)
expect_eq "a restricted pod passes without warnings" "$out" "pod/good created"
out=$(kubectl -n ps create deployment d --image=nginx 2>&1)
expect_contains "a Deployment's template is warned about, not refused" "$out" \
    'Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "nginx"'
expect_contains "and created" "$out" "deployment.apps/d created"

# ---- StorageObjectInUseProtection, DefaultStorageClass, DefaultIngressClass
kubectl apply -f - >/dev/null <<'EOF'
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: old-default, annotations: {storageclass.kubernetes.io/is-default-class: "true"}}
provisioner: example.com/x
EOF
sleep 1   # creationTimestamp has a resolution of one second: the next class is newer
kubectl apply -f - >/dev/null <<'EOF'
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: standard, annotations: {storageclass.kubernetes.io/is-default-class: "true"}}
provisioner: example.com/x
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: st}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: none, namespace: st}
spec: {storageClassName: "", accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv1}
spec: {capacity: {storage: 1Gi}, accessModes: [ReadWriteOnce], hostPath: {path: /tmp/pv1}}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx, annotations: {ingressclass.kubernetes.io/is-default-class: "true"}}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: st}
spec: {defaultBackend: {service: {name: web, port: {number: 80}}}}
EOF
expect_eq "a PVC gets the pvc-protection finalizer and the newest default class" \
    "$(kubectl -n st get pvc data -o jsonpath='{.metadata.finalizers} {.spec.storageClassName}')" '["kubernetes.io/pvc-protection"] standard'
expect_eq "storageClassName \"\" is kept" "$(kubectl -n st get pvc none -o jsonpath='{.spec.storageClassName}')" ""
expect_eq "a PV gets the pv-protection finalizer" "$(kubectl get pv pv1 -o jsonpath='{.metadata.finalizers}')" '["kubernetes.io/pv-protection"]'
expect_eq "an Ingress gets the default IngressClass" "$(kubectl -n st get ingress web -o jsonpath='{.spec.ingressClassName}')" "nginx"

out=$(timeout 30 kubectl -n st delete pvc none 2>&1)
expect_eq "a claim no pod uses is deleted at once (its protection finalizer taken)" "$out" 'persistentvolumeclaim "none" deleted'
kubectl -n st run user --image=nginx --overrides='{"spec":{"containers":[{"name":"user","image":"nginx"}],"volumes":[{"name":"d","persistentVolumeClaim":{"claimName":"data"}}]}}' >/dev/null 2>&1
kubectl -n st delete pvc data --wait=false >/dev/null
expect_eq "a claim a pod uses stays, marked, with its finalizer" \
    "$(kubectl -n st get pvc data -o jsonpath='{.metadata.finalizers}' 2>&1) $(kubectl -n st get pvc data -o jsonpath='{.metadata.deletionTimestamp}' | grep -c .)" \
    '["kubernetes.io/pvc-protection"] 1'
kubectl -n st delete pod user >/dev/null
expect_eq "the claim goes with the last pod that used it" "$(kubectl -n st get pvc data 2>&1)" \
    'Error from server (NotFound): persistentvolumeclaims "data" not found'
out=$(timeout 30 kubectl delete pv pv1 2>&1)
expect_eq "an unbound volume is deleted at once" "$out" 'persistentvolume "pv1" deleted'

rm -rf "$tmp"
kapi_stop
