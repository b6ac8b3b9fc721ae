#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A small run of the load programs: bench/run.sh (`make bench`) with 8
# connections x 20 requests, which must print the keep-alive rows of both
# clients (libcurl and raw) side by side; then bench_keepalive alone against
# its own server: every request answered 200, exactly one success event
# (9005) per connection, and a wrong password or a server that closes the
# connection makes the run fail (exit 1) with a message.
set -u
source "$(dirname "$0")/lib.bash"
build=$(dirname "$NTLM")
[ -x "$build/bench_httpd" ] || { echo "no $build/bench_httpd"; exit 1; }
[ -x "$build/bench_keepalive" ] || { echo "no $build/bench_keepalive"; exit 1; }
# bench_ntlm first, one short repetition: it checks that every row runs (our
# leaks count; those inside gss-ntlmssp and OpenSSL are suppressed, as in the
# interop tests).
export LSAN_OPTIONS="suppressions=$HERE/../interop/lsan.supp:print_suppressions=0"
BENCH_REPS=1 BENCH_MS=20 BENCH_CONNECTIONS=8 BENCH_REQUESTS=20 BENCH_CLIENTS=4 \
	BENCH_HANDSHAKES=3 BENCH_DOMAIN=0 BENCH_LOGON_CLIENTS=2 BENCH_LOGONS=3 BENCH_HOLD=50 \
	BENCH_ATTACK_ROUNDS=1 BENCH_ATTACK_REQUESTS=20 BENCH_ATTACK_LOGONS=3 BENCH_ATTACK_PER_ADDR=4 \
	BENCH_AUDIT_RECORDS=20000 BENCH_AUDIT_TOTAL=40000 BENCH_AUDIT_ROUNDS=1 \
	bash "$HERE/../../bench/run.sh" "$build" >"$TMP/run.out" 2>&1
rc=$?
cat "$TMP/run.out"
eq "make bench (small): exit status" 0 "$rc"
run=$(cat "$TMP/run.out")
contains "make bench: the raw client ran" "requests ok            160 of 160" \
	"$(sed -n '/^== bench_keepalive/,/^==/p' "$TMP/run.out")"
contains "make bench: the libcurl row" "bench_httpd (libcurl)" "$run"
contains "make bench: the raw row" "bench_keepalive (raw)" "$run"
contains "make bench: the load average" "load average" "$run"

# bench_keepalive alone: N connections x M requests over 2 threads.
N=4
M=10
start_server raw --profile cis --max-per-ip 0 --quiet
out=$("$build/bench_keepalive" --url "$BASE/" --user 'DEMO\demo' --password "$DEMO_PW" \
	--connections $N --requests $M --threads 2 --audit "$AUDIT" --server-pid "$SERVER_PID" 2>&1)
rc=$?
echo "$out"
eq "raw: exit status" 0 "$rc"
contains "raw: every request answered 200" "requests ok            $((N * M)) of $((N * M))" "$out"
contains "raw: its own audit count" "audit 9005 events      $N (want $N)" "$out"
contains "raw: CPU per request" "keep-alive CPU/request server" "$out"
eq "raw: one success event per connection" "$N" "$(count_events 9005)"
eq "raw: no logon failure" 0 "$(count_events 9004)"

out=$("$build/bench_keepalive" --url "$BASE/" --user 'DEMO\demo' --password 'Wrong-Passw0rd!' \
	--connections $N --requests $M --audit "$AUDIT" 2>&1)
rc=$?
eq "wrong password: the run fails" 1 "$rc"
contains "wrong password: why" "the AUTHENTICATE was answered 401 (wrong password?)" "$out"
contains "wrong password: nothing answered 200" "requests ok            0 of $((N * M))" "$out"
eq "wrong password: no success event" "$N" "$(count_events 9005)"
# The run stops at the first refusal: the other handshakes may be abandoned.
CHECKS=$((CHECKS + 1))
[ "$(count_events 9004)" -ge 1 ] || fail "wrong password: no logon failure (9004) audited"
server_alive "after the raw runs"
stop_server

# A server that closes each connection once it has read the NEGOTIATE.
$PY -c 'import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
print(s.getsockname()[1], flush=True)
for _ in range(2):
    c, _ = s.accept()
    c.recv(4096)
    c.close()' >"$TMP/closer.port" &
closer=$!
EXTRA_PIDS+=("$closer")
for ((i = 0; i < 200; i++)); do
	[ -s "$TMP/closer.port" ] && break
	sleep 0.05
done
out=$("$build/bench_keepalive" --url "http://127.0.0.1:$(cat "$TMP/closer.port")/" \
	--user 'DEMO\demo' --password "$DEMO_PW" --connections 2 --requests 3 2>&1)
rc=$?
eq "closed connection: the run fails" 1 "$rc"
contains "closed connection: why" "the server closed the connection" "$out"
finish
