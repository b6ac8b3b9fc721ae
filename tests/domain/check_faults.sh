#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Faults (run last by run.sh: it stops and restarts the domain's daemons).
# winbindd stopped mid-run, then the DC stopped: each logon fails with the
# cause named and audited, never a success; once they are back the same
# servers (never restarted) authenticate again.
set -u
source "$(dirname "$0")/lib.bash"

DOM="$DHERE/domain.sh"
start_daemon srv server --listen 127.0.0.1:0 --accounts winbind --audit "$TMP/s.audit" ||
	{ finish; exit; }
SPID=$LAST_PID
SPORT=$PORT
start_daemon web httpd --listen 127.0.0.1:0 --accounts winbind --audit "$TMP/h.audit" ||
	{ finish; exit; }
HPID=$LAST_PID
HPORT=$PORT
A=$TMP/s.audit

login() { # prints what the client prints
	printf 'ping\n' | "$NTLM" client --user 'TESTDOM\alice' --password Passw0rd1 --sign \
		"127.0.0.1:$SPORT" 2>&1
}
web() { curl_ntlm 'TESTDOM\alice:Passw0rd1' -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HPORT/"; }

eq "before: server" ping "$(login)"
eq "before: httpd" 200 "$(web)"

# 1. The member's winbindd stops.
bash "$DOM" stop-member "$D" "$NS"
out=$(login)
lacks "winbindd down: no success" ping "$out"
lacks "winbindd down: not authenticated" 'outcome=authenticated' "$(tail -n 1 "$TMP/srv.out")"
contains "winbindd down: audited with the cause" \
	'NTLM_E_BACKEND_UNAVAILABLE' "$(tail -n 1 "$TMP/srv.out")"
contains "winbindd down: 9004 names winbindd" 'winbindd is not running' "$(last_event "$A")"
code=$(web)
[ "$code" != 200 ] || fail "winbindd down: httpd said 200"
contains "winbindd down: httpd audited" 'winbindd is not running' "$(last_event "$TMP/h.audit")"
eq "winbindd down: server still up" 0 "$(kill -0 "$SPID" 2>/dev/null; echo $?)"

bash "$DOM" start-member "$D" "$NS"
eq "winbindd back: server recovers" ping "$(login)"
eq "winbindd back: httpd recovers" 200 "$(web)"

# 2. The DC stops (the member's winbindd keeps running).
bash "$DOM" stop-dc "$D" "$NS"
t0=$(date +%s%3N)
out=$(login)
t1=$(date +%s%3N)
lacks "DC down: no success" ping "$out"
ev=$(last_event "$A")
contains "DC down: audited as unreachable" 'NT_STATUS_NO_LOGON_SERVERS' "$ev"
echo "check_faults: DC down answered in $((t1 - t0)) ms"
[ "$(web)" != 200 ] || fail "DC down: httpd said 200"

# Back: the DC, then the member's winbindd (its reconnect back-off would
# otherwise refuse for about 20 s more).
bash "$DOM" start-dc "$D" "$NS"
bash "$DOM" stop-member "$D" "$NS"
bash "$DOM" start-member "$D" "$NS"
eq "DC back: server recovers" ping "$(login)"
eq "DC back: httpd recovers" 200 "$(web)"

# Never a success while anything was down: exactly the three above.
eq "successes (server)" 3 "$(count_events "$A" 9005)"
eq "successes (httpd)" 3 "$(count_events "$TMP/h.audit" 9005)"
stop_daemon "$SPID"
stop_daemon "$HPID"
finish
