#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Slow-header denial of service (docs/httpd.md "Limits"): 4 source addresses
# hold every connection slot with connections that send one byte every 0.5 s
# (half of them after a complete NEGOTIATE round trip) and reconnect as soon
# as they are closed. The handshake deadline is absolute, so no such
# connection lives past --handshake-timeout, and a newcomer at
# --max-connections closes the oldest unauthenticated connection, so
# legitimate curl --ntlm clients are served all through the attack. The
# refusals, evictions and timeouts are audit events, rate limited with a
# count of what was left out.
set -u
source "$(dirname "$0")/lib.bash"

jget() { $PY -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

ATTACKERS=127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5
start_server slow --profile cis --handshake-timeout 2 --header-timeout 2 --max-connections 32 \
	--max-per-ip 8 --quiet

# One address cannot take more than --max-per-ip: the rest are refused,
# and the refusal is recorded.
before=$(count_events 9100)
$PY "$HERE/slowloris.py" "$PORT" --addrs 127.0.0.9 --per-addr 20 --interval 0.5 \
	--duration 1.5 >"$TMP/perip.json"
out=$(cat "$TMP/perip.json")
CHECKS=$((CHECKS + 1))
[ "$(jget "$out" closed_at_once)" -gt 0 ] || fail "20 connections from one address, none refused: $out"
CHECKS=$((CHECKS + 1))
[ "$(count_events 9100)" -gt "$before" ] || fail "no connection-refused event (9100)"
grep '^{"event":9100,' "$AUDIT" | tail -n 1 | grep -q -- '--max-per-ip' ||
	fail "the refusal does not name --max-per-ip"

sleep 10 # a new window of front-end events


# 4 addresses x 8 connections: every slot.
$PY "$HERE/slowloris.py" "$PORT" --addrs "$ATTACKERS" --per-addr 8 --interval 0.5 \
	--duration 24 --negotiate-first 4 >"$TMP/attack.json" &
ATTACK=$!
EXTRA_PIDS+=("$ATTACK")
sleep 3

# 37 legitimate clients, one after the other, while the attack runs.
ok=0
for ((i = 0; i < 37; i++)); do
	code=$(curl_ntlm 'DEMO\demo:'"$DEMO_PW" --max-time 10 -o /dev/null -w '%{http_code}' \
		"$BASE/" 2>/dev/null)
	[ "$code" = 200 ] && ok=$((ok + 1))
	sleep 0.3
done
echo "legitimate clients served during the attack: $ok of 37"
eq "every legitimate client served during the attack" 37 "$ok"

wait "$ATTACK"
out=$(cat "$TMP/attack.json")
echo "attack: $out"
CHECKS=$((CHECKS + 1))
$PY -c 'import json,sys; d=json.loads(sys.argv[1]); sys.exit(0 if d["longest_held"] <= 4.5 else 1)' \
	"$out" || fail "a slow connection outlived the 2 s handshake deadline: $out"
CHECKS=$((CHECKS + 1))
[ "$(jget "$out" negotiated)" -gt 0 ] || fail "no attacker completed a NEGOTIATE: $out"
CHECKS=$((CHECKS + 1))
[ "$(jget "$out" closed_by_server)" -gt 32 ] || fail "the server closed too few: $out"
server_alive "after the attack"

# What happened is in the audit file: timeouts, evictions, and (beyond 20
# front-end events in 10 s) a count of those left out.
CHECKS=$((CHECKS + 1))
[ "$(count_events 9102)" -gt 0 ] || fail "no handshake-timeout event (9102)"
CHECKS=$((CHECKS + 1))
[ "$(count_events 9101)" -gt 0 ] || fail "no connection-evicted event (9101)"
CHECKS=$((CHECKS + 1))
[ "$(count_events 9105)" -gt 0 ] || fail "no events-suppressed event (9105)"
sup=$(grep '^{"event":9105,' "$AUDIT" | head -n 1)
contains "suppressed count" 'front-end events left out in' "$sup"
contains "suppressed event name" '"name":"events-suppressed"' "$sup"
t=$(grep '^{"event":9102,' "$AUDIT" | head -n 1)
contains "timeout event names the deadline" '--handshake-timeout' "$t"
contains "timeout event has the peer" '"peer":"127.0.0.' "$t"
# At most 20 front-end events of one id in a 10 s window (plus the summary).
CHECKS=$((CHECKS + 1))
n=$(grep -cE '^\{"event":9102,' "$AUDIT")
[ "$n" -le $(((40 / 10 + 1) * 20)) ] || fail "$n timeout events: not rate limited"

code=$(curl_ntlm 'DEMO\demo:'"$DEMO_PW" -o /dev/null -w '%{http_code}' "$BASE/")
eq "served after the attack" 200 "$code"
finish
