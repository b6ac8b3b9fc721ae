#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ntlm server under a slow-connection flood, and while it runs: a handshake
# deadline that is absolute (--handshake-timeout), a per-address limit
# (--max-per-ip) and room made at --max-connections (an unauthenticated
# connection of the address that holds the most gives way), so good clients
# are served all through; every refusal, eviction and timeout is an audit
# event (rate limited, with a count of those left out). Then SIGHUP: the
# policy and the accounts are reloaded, a broken policy keeps the old one
# and says why, and a renamed audit file is created anew.
set -u
source "$(dirname "$0")/lib.bash"
PY=/usr/bin/python3
SLOW=$HERE/../http/slowloris.py

SERVER_PID=
cleanup() {
	[ -n "$SERVER_PID" ] && kill -KILL "$SERVER_PID" 2>/dev/null
	[ -n "${ATTACK:-}" ] && kill -KILL "$ATTACK" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

count() { # FILE EVENT
	local n
	n=$(grep -c "^{\"event\":$2," "$1" 2>/dev/null)
	echo "${n:-0}"
}
jget() { $PY -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

PW='S3cret!pw'
printf 'CORP:alice:%s\n' "$(printf '%s' "$PW" | "$NTLM" hash)" >"$TMP/accounts"
printf '%s\n' "$PW" >"$TMP/pw"
chmod 600 "$TMP/pw"
ALICE=(--user 'CORP\alice' --password-file "$TMP/pw")
printf '[MSV1_0]\nRestrictReceivingNTLMTraffic = Allow\n' >"$TMP/policy.conf"

"$NTLM" server --listen 127.0.0.1:0 --accounts "$TMP/accounts" --config "$TMP/policy.conf" \
	--audit "$TMP/audit" --max-connections 16 --max-per-ip 4 --handshake-timeout 2 \
	>"$TMP/server.out" 2>"$TMP/server.err" &
SERVER_PID=$!
wait_for "$TMP/server.out" '^listening on 127\.0\.0\.1:[0-9]+$' 60 || {
	echo "the server did not start: $(cat "$TMP/server.err")"
	exit 1
}
PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$TMP/server.out")
good() { # NAME: a good client authenticates and gets its echo
	IN=$'still fine\n' run client "${ALICE[@]}" --seal "127.0.0.1:$PORT"
	[ "$RC" -eq 0 ] && [ "$OUT" = "still fine" ]
}

# ---- the flood: 4 addresses x 8 reconnecting connections, one byte a
# second (a frame that never ends; 2 of each after a NEGOTIATE) ------------
$PY "$SLOW" "$PORT" --mode frames --addrs 127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5 \
	--per-addr 8 --interval 1 --duration 14 --negotiate-first 2 >"$TMP/attack.json" &
ATTACK=$!
sleep 3
ok=0
for ((i = 0; i < 20; i++)); do
	good && ok=$((ok + 1))
	sleep 0.3
done
echo "good clients served during the flood: $ok of 20"
eq "every good client served during the flood" 20 "$ok"
wait "$ATTACK"
ATTACK=
out=$(cat "$TMP/attack.json")
echo "flood: $out"
CHECKS=$((CHECKS + 1))
$PY -c 'import json,sys; d=json.loads(sys.argv[1]); sys.exit(0 if d["longest_held"] <= 4.5 else 1)' \
	"$out" || fail "a slow connection outlived the 2 s handshake deadline: $out"
CHECKS=$((CHECKS + 1))
[ "$(jget "$out" negotiated)" -gt 0 ] || fail "no flood connection completed a NEGOTIATE: $out"
CHECKS=$((CHECKS + 1))
[ "$(jget "$out" closed_at_once)" -gt 0 ] || fail "--max-per-ip refused nothing: $out"
wait_for "$TMP/server.out" 'outcome=refused: server busy \(4 connections from this address\)' 5 ||
	fail "no per-address refusal line"
wait_for "$TMP/server.out" 'outcome=timeout: waiting for the' 5 || fail "no timeout line"
CHECKS=$((CHECKS + 1))
[ "$(count "$TMP/audit" 9100)" -gt 0 ] || fail "no connection-refused event (9100)"
CHECKS=$((CHECKS + 1))
[ "$(count "$TMP/audit" 9102)" -gt 0 ] || fail "no handshake-timeout event (9102)"
grep '^{"event":9102,' "$TMP/audit" | head -n 1 | grep -q -- '--handshake-timeout' ||
	fail "the timeout event does not name --handshake-timeout"
# Rate limited: the flood made far more than 20 such events in 10 s; the
# count of those left out comes when the window ends.
wait_for "$TMP/audit" '^\{"event":9105,' 15 || fail "no events-suppressed event (9105)"
grep '^{"event":9105,' "$TMP/audit" | head -n 1 | grep -q 'front-end events left out in' ||
	fail "9105 without its count"

# ---- SIGHUP ------------------------------------------------------------------
hups=0
hup() {
	hups=$((hups + 1))
	kill -HUP "$SERVER_PID"
	wait_for "$TMP/server.err" "SIGHUP" 5 &&
		for ((i = 0; i < 50; i++)); do
			[ "$(grep -c SIGHUP "$TMP/server.err")" -ge "$hups" ] && return 0
			sleep 0.1
		done
	fail "no reload line after SIGHUP $hups"
}
printf '[MSV1_0]\nRestrictReceivingNTLMTraffic = DenyAll\n' >"$TMP/policy.conf"
hup
grep -q 'SIGHUP: policy, accounts and audit file reloaded' "$TMP/server.err" || fail "reload line"
CHECKS=$((CHECKS + 1))
kill -0 "$SERVER_PID" 2>/dev/null || fail "SIGHUP stopped the server"
before=$(count "$TMP/audit" 4002)
IN=$'x\n' run client "${ALICE[@]}" "127.0.0.1:$PORT"
eq "denied after the reload: exit" 1 "$RC"
eq "denied after the reload: 4002" $((before + 1)) "$(count "$TMP/audit" 4002)"

printf '[MSV1_0]\nNtlmMinServerSec = 0x7\n' >"$TMP/policy.conf"
hup
line=$(grep SIGHUP "$TMP/server.err" | tail -n 1)
grep -q 'reload failed, keeping the old one' <<<"$line" || fail "failed reload: $line"
grep -q 'policy.conf' <<<"$line" || fail "failed reload names no file: $line"
IN=$'x\n' run client "${ALICE[@]}" "127.0.0.1:$PORT"
eq "still the old (deny) policy after a failed reload" 1 "$RC"

printf '[MSV1_0]\nRestrictReceivingNTLMTraffic = Allow\n' >"$TMP/policy.conf"
mv "$TMP/audit" "$TMP/audit.1"
hup
n1=$(wc -l <"$TMP/audit.1")
CHECKS=$((CHECKS + 1))
good || fail "allowed again after the reload: $RC $ERR"
eq "the new audit file gets the success" 1 "$(count "$TMP/audit" 9005)"
eq "nothing more in the renamed file" "$n1" "$(wc -l <"$TMP/audit.1")"

kill -TERM "$SERVER_PID"
wait "$SERVER_PID"
eq "exit after SIGTERM" 0 "$?"
SERVER_PID=
finish
