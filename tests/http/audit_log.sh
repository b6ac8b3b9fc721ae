#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# AuditLog for ntlm-httpd (issue 12 item 4): without --audit, the events go
# to the policy's AuditLog destinations (here syslog:SOCKET, a datagram
# socket this test binds); a SIGHUP reload opens the new policy's ones.
set -u
source "$(dirname "$0")/lib.bash"

# receiver SOCKET OUT: each datagram appended to OUT as one line.
receiver() {
	$PY - "$1" "$2" <<'EOF' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
open(sys.argv[1] + ".ready", "w").close()
with open(sys.argv[2], "ab", buffering=0) as out:
    while True:
        out.write(s.recv(65536).replace(b"\n", b"\\n") + b"\n")
EOF
	EXTRA_PIDS+=($!)
	for ((i = 0; i < 300; i++)); do
		[ -e "$1.ready" ] && return 0
		sleep 0.1
	done
	fail "receiver $1 did not start"
}

receiver "$TMP/log1" "$TMP/log1.txt"
receiver "$TMP/log2" "$TMP/log2.txt"
printf '[ntlmssp]\nAuditLog = syslog:%s\n' "$TMP/log1" >"$TMP/policy.conf"
# start_server passes --audit; this one must not.
"$NTLM" httpd --listen 127.0.0.1:0 --accounts "$TMP/accounts" --config "$TMP/policy.conf" \
	>"$TMP/al.out" 2>"$TMP/al.err" &
SERVER_PID=$!
SERVER_NAME=al
for ((i = 0; i < START_TIMEOUT * 20; i++)); do
	grep -q 'listening on' "$TMP/al.out" && break
	sleep 0.05
done
PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$TMP/al.out")
[ -n "$PORT" ] || { cat "$TMP/al.err" >&2; exit 1; }
BASE=http://127.0.0.1:$PORT

code=$(curl_ntlm 'DEMO\demo:'"$DEMO_PW" -o /dev/null -w '%{http_code}' "$BASE/")
eq "logon" 200 "$code"
sleep 0.3
CHECKS=$((CHECKS + 1))
grep -Eq '^<86>.* ntlm-httpd\[[0-9]+\]: \{"event":9005,' "$TMP/log1.txt" ||
	fail "no 9005 on syslog: $(cat "$TMP/log1.txt")"

# SIGHUP with a policy naming another socket: the next events go there.
printf '[ntlmssp]\nAuditLog = syslog:%s\n' "$TMP/log2" >"$TMP/policy.conf"
kill -HUP "$SERVER_PID"
for ((i = 0; i < 100; i++)); do
	grep -q 'SIGHUP' "$TMP/al.err" && break
	sleep 0.1
done
n1=$(wc -l <"$TMP/log1.txt")
code=$(curl_ntlm 'DEMO\demo:'"$DEMO_PW" -o /dev/null -w '%{http_code}' "$BASE/")
eq "logon after the reload" 200 "$code"
sleep 0.3
CHECKS=$((CHECKS + 1))
grep -Eq '^<86>.* ntlm-httpd\[[0-9]+\]: \{"event":9005,' "$TMP/log2.txt" ||
	fail "no 9005 on the new socket: $(cat "$TMP/log2.txt")"
eq "nothing more on the old socket" "$n1" "$(wc -l <"$TMP/log1.txt")"
lacks "no loss reported" "lost so far" "$(cat "$TMP/al.err")"
finish
