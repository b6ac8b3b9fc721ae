#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The request log is buffered (http/log.c: no write(2) per request), yet no
# line is lost or split: each request's line is on stderr within a second
# (the guard's flush), every line of a burst is there after SIGHUP and after
# SIGTERM, each whole, and the reload and stop lines come right away.
set -u
source "$(dirname "$0")/lib.bash"

reqlines() { grep -c '^ntlm httpd: 127\.0\.0\.1:[0-9]* "GET /' "$TMP/reqlog.err"; }

start_server reqlog --profile cis --max-per-ip 0
code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/")
eq "unauthenticated" 401 "$code"
n=0
for ((i = 0; i < 40; i++)); do
	n=$(reqlines)
	[ "$n" -ge 1 ] && break
	sleep 0.05
done
eq "a request's line is out without a stop" 1 "$n"

# A burst of 300 requests on 3 connections (401s, no audit), then SIGHUP.
for c in 1 2 3; do
	curl -s -o /dev/null $(for ((i = 0; i < 100; i++)); do printf '%s ' "$BASE/r$c-$i"; done) &
	EXTRA_PIDS+=($!)
done
wait "${EXTRA_PIDS[@]}"
EXTRA_PIDS=()
kill -HUP "$SERVER_PID"
for ((i = 0; i < 100; i++)); do
	grep -q 'SIGHUP: policy, accounts and audit file reloaded' "$TMP/reqlog.err" && break
	sleep 0.05
done
eq "after SIGHUP: every line of the burst" 301 "$(reqlines)"
for c in 1 2 3; do
	eq "connection $c: its 100 lines, whole" 100 \
		"$(grep -cE "^ntlm httpd: 127\.0\.0\.1:[0-9]+ \"GET /r$c-[0-9]+\" 401\$" "$TMP/reqlog.err")"
done

# A last burst, then SIGTERM at once: the lines are out before the exit.
curl -s -o /dev/null $(for ((i = 0; i < 50; i++)); do printf '%s ' "$BASE/z$i"; done)
stop_server
eq "after SIGTERM: every line" 351 "$(reqlines)"
contains "stop line" "SIGTERM, shutting down" "$(tail -n 1 "$TMP/reqlog.err")"
finish
