#!/bin/bash
# test_durability.sh: every acknowledged write survives kill -9 (issue 17).
# Eight writers create ConfigMaps through the real stack (nginx, the pool,
# the store with --sync full) and note each create answered 201; meanwhile
# the processes are killed with SIGKILL in rounds: the workers alone (the
# master respawns them), then the master, its workers and nginx together
# (the stack is started again on the same state). After the last round
# every acknowledged create must be there, each exactly once in a list.
. "$(dirname "$0")/lib.sh"

export KAPI_RECONCILE=0
kapi_start

CM=/api/v1/namespaces/default/configmaps
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kapi-durability.XXXXXX")
STOP=$WORK/stop
WRITERS=8

# Writer $1: creates w$1-1, w$1-2, ... until $STOP exists; each 201 goes to
# $WORK/acked.$1 (after the answer: a create acknowledged is on disk).
writer() {
    local i=$1 n=0 code
    while [ ! -e "$STOP" ]; do
        n=$((n + 1))
        code=$(curl -sk --max-time 5 --cert "$KAPI_STATE/pki/admin.crt" --key "$KAPI_STATE/pki/admin.key" \
            -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
            -d "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w$i-$n\"},\"data\":{\"n\":\"$n\"}}" \
            "$KAPI_URL$CM" 2>/dev/null)
        if [ "$code" = 201 ]; then echo "w$i-$n" >>"$WORK/acked.$i"; fi
        # down: do not spin while the stack restarts
        if [ "$code" = 000 ] || [ "$code" = 502 ]; then sleep 0.1; fi
    done
}

# The pids of the apiserver master (or nginx master) and its children.
tree_of() {
    local pid
    pid=$(cat "$1" 2>/dev/null) || return 0
    [ -n "$pid" ] || return 0
    echo "$pid"
    pgrep -P "$pid"
}

acked_count() { cat "$WORK"/acked.* 2>/dev/null | wc -l; }

# Waits up to 20 s for the number of acknowledged creates to grow by $1.
wait_for_progress() {
    local from i
    from=$(acked_count)
    for ((i = 0; i < 100; i++)); do
        [ "$(acked_count)" -ge $((from + $1)) ] && return 0
        sleep 0.2
    done
    return 1
}

pids=()
for ((w = 1; w <= WRITERS; w++)); do
    writer "$w" &
    pids+=($!)
done
wait_for_progress 60 && ok "eight writers create through the stack" ||
    not_ok "eight writers create through the stack" "acknowledged: $(acked_count)"

# Round 1: the workers alone; the master respawns them.
workers=$(pgrep -P "$(cat "$KAPI_STATE/run/apiserver.pid")")
kill -KILL $workers 2>/dev/null
wait_for_progress 40 && ok "round 1 (kill -9 of the workers): writes go on after the respawn" ||
    not_ok "round 1 (kill -9 of the workers): writes go on after the respawn" "acknowledged: $(acked_count)"

# Rounds 2 and 3: the whole stack, then a start on the same state.
for round in 2 3; do
    victims=$(tree_of "$KAPI_STATE/run/apiserver.pid"; tree_of "$KAPI_STATE/run/nginx.pid")
    kill -KILL $victims 2>/dev/null
    for p in $victims; do while kill -0 "$p" 2>/dev/null; do sleep 0.05; done; done
    if out=$("$KAPI_ROOT/scripts/kapi-stack" start 2>&1); then
        ok "round $round (kill -9 of master, workers and nginx): the stack starts again"
    else
        not_ok "round $round (kill -9 of master, workers and nginx): the stack starts again" "$out"
    fi
    wait_for_progress 40 && ok "round $round: writes go on" ||
        not_ok "round $round: writes go on" "acknowledged: $(acked_count)"
done

touch "$STOP"
wait "${pids[@]}"

sort "$WORK"/acked.* >"$WORK/acked"
http curl_admin "$CM"
expect_eq "the list answers" "$HTTP_CODE" 200
grep -o '"name": "w[0-9]*-[0-9]*"' <<<"$HTTP_BODY" | sed 's/.*"\(w[^"]*\)"/\1/' | sort >"$WORK/listed"
missing=$(comm -23 "$WORK/acked" "$WORK/listed" | wc -l)
expect_eq "every acknowledged create ($(wc -l <"$WORK/acked")) is there after three kill -9 rounds" "$missing" 0
expect_eq "each object is listed once" "$(uniq -d "$WORK/listed" | wc -l)" 0
rm -rf "$WORK"
