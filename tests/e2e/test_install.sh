#!/bin/bash
# test_install.sh: `make install DESTDIR=... PREFIX=...` lays out what a
# Debian user expects (programs in bin/, kapi's files in share/kapi/, man
# pages, the systemd unit), the installed programs answer --help, the unit
# and cron entry name the installed programs, the installed kapi-stack
# starts a stack from the installed files alone, and `make uninstall`
# removes everything.
. "$(dirname "$0")/lib.sh"

T=$(mktemp -d "${TMPDIR:-/tmp}/kapi-install.XXXXXX") || exit 1
chmod 711 "$T"
STATE=""
cleanup() {
    [ -n "$STATE" ] && KAPI_STATE=$STATE "$T/dest/usr/local/share/kapi/scripts/kapi-stack" stop >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT

run_make() {   # make in the repo, quietly; output kept for a failure
    # (not a sub-make of the `make test` that may be running us)
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
        make -s -C "$KAPI_ROOT" BUILD="$BUILD" "$@" >"$T/make.out" 2>&1
}

D=$T/dest
if run_make install DESTDIR="$D" PREFIX=/usr/local; then
    ok "make install DESTDIR=... PREFIX=/usr/local"
else
    not_ok "make install DESTDIR=... PREFIX=/usr/local" "$(tail -20 "$T/make.out")"
    exit 1
fi

expected="usr/local/bin/kapi-apiserver 755
usr/local/bin/kapi-reconcile 755
usr/local/bin/kapictl 755
usr/local/lib/systemd/system/kapi-apiserver.service 644
usr/local/share/kapi/conf/audit-policy.yaml 644
usr/local/share/kapi/conf/kapi-apiserver.service 644
usr/local/share/kapi/conf/kapi-fastcgi-params 644
usr/local/share/kapi/conf/kapi-reconcile.cron 644
usr/local/share/kapi/conf/kapi-server.conf 644
usr/local/share/kapi/conf/nginx.conf.in 644
usr/local/share/kapi/scripts/kapi-run 755
usr/local/share/kapi/scripts/kapi-stack 755
usr/local/share/kapi/sql/schema.sql 644
usr/local/share/man/man1/kapi-apiserver.1 644
usr/local/share/man/man1/kapi-reconcile.1 644
usr/local/share/man/man1/kapictl.1 644
$(cd "$KAPI_ROOT" && find ui -type f -printf 'usr/local/share/kapi/%p 644\n')"
# Every expected file with its mode (other files may come: more sql/).
actual=$(cd "$D" && find . -type f -printf '%P %m\n' | sort)
missing=$(comm -23 <(printf '%s\n' "$expected" | sort) <(printf '%s\n' "$actual"))
expect_eq "the installed files and their modes" "$missing" ""
extra=$(printf '%s\n' "$actual" | grep -v -e '^usr/local/share/kapi/sql/' | comm -13 <(printf '%s\n' "$expected" | sort) -)
expect_eq "nothing installed outside that layout" "$extra" ""
cmp -s "$D/usr/local/share/kapi/sql/schema.sql" "$KAPI_ROOT/sql/schema.sql" &&
    ok "share/kapi/sql/schema.sql is sql/schema.sql" || not_ok "share/kapi/sql/schema.sql is sql/schema.sql"

for p in kapi-apiserver kapi-reconcile kapictl; do
    out=$("$D/usr/local/bin/$p" --help 2>&1)
    rc=$?
    [ $rc = 0 ] && [[ $out == *[Uu]sage:*$p* ]] && ok "$p --help prints its usage" ||
        not_ok "$p --help prints its usage" "exit $rc" "$out"
done
if command -v man >/dev/null 2>&1; then
    for p in kapi-apiserver kapi-reconcile kapictl; do
        out=$(MANWIDTH=80 man --warnings -l "$D/usr/local/share/man/man1/$p.1" 2>&1 >/dev/null)
        page=$(MANWIDTH=80 man -l "$D/usr/local/share/man/man1/$p.1" 2>/dev/null)
        [ -z "$out" ] && [[ $page == *NAME*"$p"*SYNOPSIS* ]] && ok "man $p renders without warnings" ||
            not_ok "man $p renders without warnings" "$out"
    done
fi

unit=$(cat "$D/usr/local/lib/systemd/system/kapi-apiserver.service")
expect_contains "the unit starts the installed kapi-apiserver" "$unit" "ExecStart=/usr/local/bin/kapi-apiserver "
expect_contains "the cron entry runs the installed kapi-reconcile" \
    "$(cat "$D/usr/local/share/kapi/conf/kapi-reconcile.cron")" " kapi /usr/local/bin/kapi-reconcile --state /var/lib/kapi --once"

# PREFIX=/usr, as a package would: the unit and cron entry follow.
if run_make install DESTDIR="$T/dest-usr" PREFIX=/usr; then
    expect_contains "PREFIX=/usr: the unit names /usr/bin/kapi-apiserver" \
        "$(cat "$T/dest-usr/usr/lib/systemd/system/kapi-apiserver.service")" "ExecStart=/usr/bin/kapi-apiserver "
    expect_contains "PREFIX=/usr: the cron entry names /usr/bin/kapi-reconcile" \
        "$(cat "$T/dest-usr/usr/share/kapi/conf/kapi-reconcile.cron")" " /usr/bin/kapi-reconcile "
    [ -x "$T/dest-usr/usr/bin/kapictl" ] && ok "PREFIX=/usr: programs in /usr/bin" || not_ok "PREFIX=/usr: programs in /usr/bin"
    expect_contains "PREFIX=/usr: the nginx drop-in serves the view from /usr/share/kapi/ui" \
        "$(cat "$T/dest-usr/usr/share/kapi/conf/kapi-server.conf")" "alias /usr/share/kapi/ui/;"
    [ -s "$T/dest-usr/usr/share/kapi/ui/index.html" ] && ok "PREFIX=/usr: the view in /usr/share/kapi/ui" ||
        not_ok "PREFIX=/usr: the view in /usr/share/kapi/ui"
else
    not_ok "make install DESTDIR=... PREFIX=/usr" "$(tail -20 "$T/make.out")"
fi

# The installed files are enough to run: kapi-stack finds its nginx
# template and params under share/kapi, the programs in bin/.
STATE=$T/state
mkdir -m 711 "$STATE"
port=$(kapi_free_port)
if out=$(KAPI_STATE=$STATE KAPI_PORT=$port KAPI_RECONCILE=0 BUILD=$D/usr/local/bin \
        "$D/usr/local/share/kapi/scripts/kapi-stack" start 2>&1); then
    ok "the installed kapi-stack starts a stack from the installed files"
    code=$(curl -sk --cert "$STATE/pki/admin.crt" --key "$STATE/pki/admin.key" \
        -o /dev/null -w '%{http_code}' "https://127.0.0.1:$port/api/v1/namespaces")
    expect_eq "that stack serves the admin (200)" "$code" 200
    out=$(curl -sk "https://127.0.0.1:$port/ui/js/app.js")
    expect_eq "and the web view, from share/kapi/ui" "$out" "$(cat "$KAPI_ROOT/ui/js/app.js")"
    KAPI_STATE=$STATE "$D/usr/local/share/kapi/scripts/kapi-stack" stop
    STATE=""
else
    not_ok "the installed kapi-stack starts a stack from the installed files" "$out"
fi

if run_make uninstall DESTDIR="$D" PREFIX=/usr/local; then
    expect_eq "make uninstall removes every installed file" "$(find "$D" -type f)" ""
else
    not_ok "make uninstall" "$(tail -20 "$T/make.out")"
fi
