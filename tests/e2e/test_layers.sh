#!/bin/bash
# The layers of fcgi/ run one way (scripts/check-layers has the order):
#   $ scripts/check-layers
#   (nothing: no #include points up the order)
cd "$(dirname "$0")/../.." || exit 2
out=$(scripts/check-layers 2>&1); rc=$?
if [ $rc = 0 ]; then echo "ok - no #include under fcgi/ points up the layer order"
else echo "not ok - #includes that point up the layer order"; printf '%s\n' "$out" | sed 's/^/#   /'; fi
# every folder under fcgi/ is a layer the check knows
layers=$(scripts/check-layers --list | sort | tr '\n' ' ')
folders=$(cd fcgi && find . -mindepth 1 -maxdepth 1 -type d | sed 's|^\./||' | sort | tr '\n' ' ')
if [ "$layers" = "$folders" ]; then echo "ok - every folder under fcgi/ is a layer"
else echo "not ok - folders and layers differ"; echo "#   layers:  $layers"; echo "#   folders: $folders"; fi
# the check fails on an include that points up (it can fail)
copy=$(mktemp -d); trap 'rm -rf "$copy"' EXIT
cp -r fcgi/. "$copy"/
printf '#include "http/router.h"\n' >"$copy/core/zz_layer_probe.c"
if KAPI_LAYERS_ROOT=$copy scripts/check-layers >/dev/null 2>&1; then echo "not ok - check-layers missed an upward include"
else echo "ok - check-layers refuses an upward include (core -> http)"; fi
