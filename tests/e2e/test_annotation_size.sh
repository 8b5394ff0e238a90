#!/bin/bash
# End to end: metadata.annotations over 256 KiB (keys and values together)
# are refused with kube 1.32's field.TooLong wording, "may not be more than
# 262144 bytes", through kubectl 1.32 on create and replace; exactly at the
# limit they are accepted.
. "$(dirname "$0")/lib.sh"
KAPI_RECONCILE=0 kapi_start

K="$KUBECTL --kubeconfig $KUBECONFIG --cache-dir $KAPI_STATE/kube-cache"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; kapi_stop' EXIT

# configmap NAME VALUE-BYTES: a ConfigMap whose one annotation "k" has a
# value of VALUE-BYTES bytes (the total is that plus 1, the key).
configmap() {
    python3 - "$1" "$2" <<'PY'
import json, sys
name, n = sys.argv[1], int(sys.argv[2])
print(json.dumps({"apiVersion": "v1", "kind": "ConfigMap",
                  "metadata": {"name": name, "annotations": {"k": "a" * n}}}))
PY
}

configmap at-limit $((262144 - 1)) >"$tmp/at.json"
check "annotations of exactly 262144 bytes are accepted" $K create -f "$tmp/at.json"

configmap over-limit 262144 >"$tmp/over.json"
out=$($K create -f "$tmp/over.json" 2>&1)
expect_contains "kubectl create -f with annotations of 262145 bytes: kube's message" "$out" \
    'ConfigMap "over-limit" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes'

configmap at-limit 262144 >"$tmp/at-over.json"
out=$($K replace -f "$tmp/at-over.json" 2>&1)
expect_eq "kubectl replace growing the annotations past 256 KiB: kube's message" "$out" \
    'The ConfigMap "at-limit" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes'
