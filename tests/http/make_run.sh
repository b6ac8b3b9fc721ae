#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make run` (scripts/run.sh) as the README describes it, in a scratch copy
# of the repository's run script and policy: it creates demo/accounts for
# DEMO\demo, serves with the cis policy, writes ./audit.jsonl, and the
# README's curl command authenticates (curl asks for no SIGN, SEAL or 128:
# the cis NtlmMinServerSec 0x20080000 must still let it in).
set -u
source "$(dirname "$0")/lib.bash"

REPO=$(cd "$HERE/../.." && pwd)
BUILD=$(cd "$(dirname "$NTLM")" && pwd)
W=$TMP/repo
mkdir -p "$W/scripts" "$W/etc"
cp "$REPO/scripts/run.sh" "$W/scripts/"
cp "$REPO/etc/ntlmssp.conf" "$W/etc/"

: >"$TMP/run.out" # now, not in the background: no stale banner is read
LISTEN=127.0.0.1:0 bash "$W/scripts/run.sh" "$BUILD" >"$TMP/run.out" 2>"$TMP/run.err" &
SERVER_PID=$!
SERVER_NAME=run
for ((i = 0; i < START_TIMEOUT * 20; i++)); do
	grep -q 'listening on' "$TMP/run.out" && break
	kill -0 "$SERVER_PID" 2>/dev/null || break
	sleep 0.05
done
PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$TMP/run.out")
[ -n "$PORT" ] || { echo "FAIL: make run did not start" >&2; cat "$TMP/run.out" "$TMP/run.err" >&2; exit 1; }
AUDIT=$W/audit.jsonl

contains "demo account created" "DEMO:demo:" "$(cat "$W/demo/accounts")"
eq "demo/accounts mode" 600 "$(stat -c %a "$W/demo/accounts")"
contains "the banner shows the curl command" "curl --ntlm -u 'DEMO\\demo:Demo-Pass-1'" \
	"$(cat "$TMP/run.out")"

# The README's command.
out=$(curl --ntlm -u 'DEMO\demo:Demo-Pass-1' -sS --max-time 60 -w '\n%{http_code}' \
	"http://127.0.0.1:$PORT/")
eq "README curl command" 200 "$(tail -n1 <<<"$out")"
contains "the page names the user" 'DEMO\demo' "$out"
contains "NTLMv2" NTLMv2 "$out"
eq "audit log in the working directory" 1 "$(count_events 9005)"
code=$(curl --ntlm -u 'DEMO\demo:wrong' -sS --max-time 60 -o /dev/null -w '%{http_code}' \
	"http://127.0.0.1:$PORT/")
eq "wrong password" 401 "$code"

# A second run keeps the existing account file.
stop_server
before=$(cat "$W/demo/accounts")
: >"$TMP/run.out" # now, not in the background: no stale banner is read
DEMO_PASSWORD=other LISTEN=127.0.0.1:0 bash "$W/scripts/run.sh" "$BUILD" >"$TMP/run.out" \
	2>"$TMP/run.err" &
SERVER_PID=$!
for ((i = 0; i < START_TIMEOUT * 20; i++)); do
	grep -q 'listening on' "$TMP/run.out" && break
	kill -0 "$SERVER_PID" 2>/dev/null || break
	sleep 0.05
done
eq "accounts kept" "$before" "$(cat "$W/demo/accounts")"
stop_server

# The README's way to change the password: remove the file, run with DEMO_PASSWORD.
rm "$W/demo/accounts"
: >"$TMP/run.out" # now, not in the background: no stale banner is read
DEMO_PASSWORD='another secret' LISTEN=127.0.0.1:0 bash "$W/scripts/run.sh" "$BUILD" \
	>"$TMP/run.out" 2>"$TMP/run.err" &
SERVER_PID=$!
PORT=
for ((i = 0; i < START_TIMEOUT * 20; i++)); do
	PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$TMP/run.out")
	[ -n "$PORT" ] && break
	kill -0 "$SERVER_PID" 2>/dev/null || break
	sleep 0.05
done
code=$(curl --ntlm -u 'DEMO\demo:another secret' -sS --max-time 60 -o /dev/null \
	-w '%{http_code}' "http://127.0.0.1:$PORT/")
eq "the new demo password" 200 "$code"
code=$(curl --ntlm -u 'DEMO\demo:Demo-Pass-1' -sS --max-time 60 -o /dev/null \
	-w '%{http_code}' "http://127.0.0.1:$PORT/")
eq "the old one no longer" 401 "$code"
finish
