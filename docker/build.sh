#!/bin/sh
# docker/build.sh: the build stage of docker/Dockerfile, one step per
# argument, readable and runnable on its own in a Debian 12 container:
#   build.sh deps      install what compiling needs (the -dev packages)
#   build.sh build     compile (make, not the tests) and install into $OUT
# Environment: SRC (default /src), OUT (default /out), PREFIX (/usr/local).
set -eu
SRC=${SRC:-/src}
OUT=${OUT:-/out}
PREFIX=${PREFIX:-/usr/local}
BUILD_DIR=/tmp/kapi-build

case ${1:-} in
deps)
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends \
        gcc make libc6-dev binutils \
        libfcgi-dev libsqlite3-dev libcjson-dev libyaml-dev libcurl4-openssl-dev libssl-dev
    rm -rf /var/lib/apt/lists/*
    ;;
build)
    cd "$SRC"
    # The Makefile installs missing packages (scripts/install-deps, which
    # also wants the test tools) once per build tree, remembered by a
    # stamp; `deps` above installed what compiling needs, so say so.
    mkdir -p "$BUILD_DIR"
    touch "$BUILD_DIR/.deps-installed"
    make -j"$(nproc)" BUILD="$BUILD_DIR" all
    make BUILD="$BUILD_DIR" PREFIX="$PREFIX" DESTDIR="$OUT" install
    # The container's own programs, beside the installed ones.
    install -m 0755 docker/entrypoint "$OUT$PREFIX/bin/kapi-entrypoint"
    install -m 0755 docker/healthcheck "$OUT$PREFIX/bin/kapi-healthcheck"
    # Debug symbols stay in the build stage; the image gets lean binaries.
    strip --strip-unneeded "$OUT$PREFIX/bin/kapi-apiserver" \
        "$OUT$PREFIX/bin/kapi-reconcile" "$OUT$PREFIX/bin/kapictl"
    # A container has no systemd: the unit stays in share/kapi/conf only.
    rm -rf "$OUT$PREFIX/lib/systemd"
    ;;
*)
    echo "usage: build.sh deps|build" >&2
    exit 2
    ;;
esac
