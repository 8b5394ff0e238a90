#!/bin/sh
# docker/install-runtime.sh: the runtime stage of docker/Dockerfile, run as
# root on Debian 12 slim: nginx, the libraries the programs link, openssl
# (the health check and kapi-stack's readiness probe, as curl is not here)
# and tini (PID 1: forwards signals, reaps orphans); the unprivileged user
# kapi (uid/gid 10001) that runs everything; the state directory
# /var/lib/kapi (the volume) owned by it.
#
# No cron: Debian's cron daemon must run as root, and nothing here does; the
# reconciler runs in a loop instead (KAPI_RECONCILE_INTERVAL).
set -eu
KAPI_UID=${KAPI_UID:-10001}

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
    nginx libfcgi0ldbl libsqlite3-0 libcjson1 libyaml-0-2 libcurl4 libssl3 openssl tini
apt-get clean
rm -rf /var/lib/apt/lists/* /var/cache/debconf/*-old /var/log/apt/* /var/log/dpkg.log
# Debian's site and its logs are not used: kapi's nginx has its own config,
# prefix and log directory under the state directory.
rm -f /etc/nginx/sites-enabled/default

groupadd --system --gid "$KAPI_UID" kapi
useradd --system --uid "$KAPI_UID" --gid kapi --home-dir /var/lib/kapi \
    --no-create-home --shell /usr/sbin/nologin kapi
install -d -o kapi -g kapi -m 0750 /var/lib/kapi
