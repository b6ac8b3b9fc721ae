#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The audit file of `ntlm httpd` is buffered (issue 17): under AuditFailure =
# continue a logon's records are written many at a time (every 100 ms, when
# the buffer is full), not with a write(2) each, and none is lost on a clean
# stop (SIGTERM) or on a reload (SIGHUP, the file renamed first, as logrotate
# does): every logon's 9005 is in the file, exactly once, in the file that
# was open when it happened. Under AuditFailure = deny each record is written
# before its logon succeeds (tests/unit/test_context.c checks that part).
set -u
source "$(dirname "$0")/lib.bash"

N=20
logons() { # COUNT: that many logons, each on a new connection; prints how many got 200
	local ok=0 i code
	for ((i = 0; i < $1; i++)); do
		code=$(curl_ntlm 'DEMO\demo:'"$DEMO_PW" -o /dev/null -w '%{http_code}' "$BASE/")
		[ "$code" = 200 ] && ok=$((ok + 1))
	done
	echo "$ok"
}

# 1. SIGTERM right after the last logon: every record is in the file.
start_server stop --profile cis --quiet
eq "logons before SIGTERM" "$N" "$(logons "$N")"
stop_server
eq "9005 records after SIGTERM" "$N" "$(count_events 9005)"
# Every line whole.
CHECKS=$((CHECKS + 1))
$PY -c 'import json,sys
for l in open(sys.argv[1]): json.loads(l)' "$AUDIT" || fail "a line of the audit file is not JSON"

# 2. Fewer write(2)s to the audit file than records (strace, when it can
#    attach to the server here).
start_server writes --profile cis --quiet
fd=$(for f in /proc/"$SERVER_PID"/fd/*; do
	[ "$(readlink "$f")" = "$AUDIT" ] && basename "$f"
done | head -n 1)
if command -v strace >/dev/null && [ -n "$fd" ]; then
	strace -f -qq -e trace=write,writev,pwrite64 -o "$TMP/strace" -p "$SERVER_PID" \
		2>"$TMP/strace.err" &
	ST=$!
	EXTRA_PIDS+=("$ST")
	sleep 1 # attached
	if kill -0 "$ST" 2>/dev/null; then
		logons "$N" >/dev/null
		sleep 0.5 # the last flush (100 ms)
		kill -INT "$ST" 2>/dev/null
		wait "$ST" 2>/dev/null
		records=$(grep -c '' "$AUDIT")
		writes=$(grep -cE "(write|writev|pwrite64)\($fd," "$TMP/strace")
		echo "audit file: $records records in $writes write(2)s"
		CHECKS=$((CHECKS + 1))
		[ "$records" -ge "$N" ] || fail "only $records records for $N logons"
		CHECKS=$((CHECKS + 1))
		[ "$writes" -ge 1 ] && [ "$writes" -lt "$records" ] ||
			fail "$writes writes for $records records: not buffered"
	else
		echo "strace could not attach (ptrace not allowed here): write count not checked"
		cat "$TMP/strace.err"
	fi
else
	echo "no strace, or the audit descriptor not found: write count not checked"
fi
stop_server

# 3. SIGHUP after the file was renamed: the records before it are all in the
#    renamed file, those after it in the new one; none lost, none twice.
start_server hup --profile cis --quiet
eq "logons before SIGHUP" 10 "$(logons 10)"
mv "$AUDIT" "$AUDIT.1"
kill -HUP "$SERVER_PID"
for ((i = 0; i < 200; i++)); do
	grep -q 'SIGHUP: policy, accounts and audit file reloaded' "$TMP/hup.err" && break
	sleep 0.05
done
contains "reloaded" 'reloaded' "$(cat "$TMP/hup.err")"
eq "9005 records in the renamed file at the reload" 10 "$(count_events 9005 "$AUDIT.1")"
eq "logons after SIGHUP" 15 "$(logons 15)"
stop_server
eq "9005 records in the renamed file" 10 "$(count_events 9005 "$AUDIT.1")"
eq "9005 records in the new file" 15 "$(count_events 9005 "$AUDIT")"
finish
