#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ntlm httpd never makes a connection wait for someone else's domain logon
# (http/validate.c). One worker (--threads 1) and one domain thread, the
# member's winbindd frozen (SIGSTOP) with a domain logon in flight: a local
# logon on the same server, and /healthz, are answered at once; the domain
# logon completes once winbindd runs again. Then the stop with winbindd
# frozen, one domain logon being checked and one queued: SIGTERM answers the
# queued one 503 (audited as abandoned), waits 5 s for the other, and the
# server exits 0.
set -u
source "$(dirname "$0")/lib.bash"

WBPID=$(cat "$D/mem/run/winbindd.pid")
# Whatever happens, winbindd runs again (the other checks need it).
trap 'kill -CONT "$WBPID" 2>/dev/null; stop_all' EXIT

hash() { printf '%s' "$1" | "$NTLM" hash; }
printf 'MEM1:localuser:%s\n' "$(hash Local-Passw0rd)" >"$TMP/local"
chmod 600 "$TMP/local"

serve() { # NAME
	start_daemon "$1" httpd --listen 127.0.0.1:0 --accounts "file:$TMP/local, winbind" \
		--threads 1 --domain-threads 1 --audit "$TMP/$1.audit"
}
now_ms() { date +%s%3N; }
domain_logon() { # OUT-FILE: the status code of a domain logon, in the background
	curl_ntlm 'TESTDOM\alice:Passw0rd1' -o /dev/null -w '%{http_code}' \
		"http://127.0.0.1:$PORT/" >"$1" 2>/dev/null &
}
# Waits until the server's log has N lines with a 401 (the CHALLENGEs sent).
challenges() { # NAME N
	local i
	for ((i = 0; i < 200; i++)); do
		[ "$(grep -c '" 401' "$TMP/$1.err")" -ge "$2" ] && return 0
		sleep 0.05
	done
	fail "$1: no CHALLENGE number $2"
}

serve web || { finish; exit; }
A=$TMP/web.audit
eq "domain logon" 200 "$(curl_ntlm 'TESTDOM\alice:Passw0rd1' -o /dev/null -w '%{http_code}' \
	"http://127.0.0.1:$PORT/")"
eq "local logon" 200 "$(curl_ntlm 'MEM1\localuser:Local-Passw0rd' -o /dev/null \
	-w '%{http_code}' "http://127.0.0.1:$PORT/")"

# winbindd frozen, a domain logon in flight.
kill -STOP "$WBPID"
domain_logon "$TMP/d1.code"
DPID=$!
challenges web 3
sleep 0.3 # its AUTHENTICATE is with the domain thread now
t0=$(now_ms)
code=$(curl -sS --max-time 10 --ntlm -u 'MEM1\localuser:Local-Passw0rd' -o /dev/null \
	-w '%{http_code}' "http://127.0.0.1:$PORT/")
t1=$(now_ms)
eq "local logon while the domain is asked" 200 "$code"
echo "check_async: local logon beside a frozen winbindd: $((t1 - t0)) ms"
[ $((t1 - t0)) -lt 5000 ] || fail "local logon took $((t1 - t0)) ms"
eq "healthz while the domain is asked" 200 \
	"$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz")"
eq "domain logon still waiting" "" "$(cat "$TMP/d1.code")"
kill -CONT "$WBPID"
wait "$DPID"
eq "domain logon once winbindd runs" 200 "$(cat "$TMP/d1.code")"
# The local logon's record comes before the domain logon's that began first.
ev=$(events "$A" | grep '^9005 ' | tail -n 2 | cut -d' ' -f3)
eq "order of the successes" "$(printf '%s\n' 'MEM1\localuser' 'TESTDOM\alice')" "$ev"
eq "successes" 4 "$(count_events "$A" 9005)"

# The stop, winbindd frozen: one logon with the domain thread, one queued.
kill -STOP "$WBPID"
domain_logon "$TMP/d2.code"
P2=$!
challenges web 5
sleep 0.3
domain_logon "$TMP/d3.code"
P3=$!
challenges web 6
sleep 0.3
t0=$(now_ms)
kill -TERM "$LAST_PID"
wait "$LAST_PID"
rc=$?
t1=$(now_ms)
eq "exit status of the stop" 0 "$rc"
echo "check_async: stopped in $((t1 - t0)) ms with a logon stuck in winbind"
[ $((t1 - t0)) -lt 15000 ] || fail "the stop took $((t1 - t0)) ms"
wait "$P2" "$P3"
eq "the queued logon is told the server stops" 503 "$(cat "$TMP/d3.code")"
[ "$(cat "$TMP/d2.code")" != 200 ] || fail "the stuck logon succeeded"
contains "the stop is logged" '1 domain logon still waiting on winbind after 5000 ms' \
	"$(cat "$TMP/web.err")"
contains "the queued logon is audited" 'the server stopped before the AUTHENTICATE was checked' \
	"$(grep '"event":9103' "$A")"
eq "no success while stopping" 4 "$(count_events "$A" 9005)"
kill -CONT "$WBPID"
# winbindd answers again.
eq "winbindd back" 0 "$(wb_member wbinfo -p >/dev/null 2>&1; echo $?)"
finish
