#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A small run of the load programs: bench/run.sh (`make bench`) with 8
# connections x 20 requests, which must print the keep-alive rows of both
# clients (libcurl and raw) side by side; then bench_keepalive alone against
# its own server: every request answered 200, exactly one success event
# (9005) per connection, and a wrong password or a server that closes the
# connection makes the run fail (exit 1) with a message; then bench_keepalive
# --logons (a new connection per logon): N x K logons, N x K success events,
# every 200's body checked, and a wrong password or a wrong body fails; and
# --logons --rate (an open loop): the same, on schedule, with the late count.
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
contains "make bench part 4: the light client's table" \
	"client: bench_keepalive --logons" "$run"
contains "make bench part 4: the libcurl client's table" \
	"client: bench_handshake --negotiate" "$run"
contains "make bench part 4: our row, light client" "| ntlm httpd (epoll workers, one per CPU)      |      6 |" \
	"$(sed -n '/client: bench_keepalive --logons/,/client: bench_handshake/p' "$TMP/run.out")"

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

# wrong_password LABEL OK-LINE URL [bench_keepalive options]: a run with a
# wrong password fails at the first refusal, with no success event more and
# at least one failure (9004) audited (the other handshakes may be abandoned).
wrong_password() {
	local label=$1 okline=$2 url=$3 before
	shift 3
	before=$(count_events 9005)
	out=$("$build/bench_keepalive" --url "$url" --user 'DEMO\demo' --password 'Wrong-Passw0rd!' \
		--connections $N --audit "$AUDIT" "$@" 2>&1)
	eq "$label: the run fails" 1 "$?"
	contains "$label: why" "the AUTHENTICATE was answered 401 (wrong password?)" "$out"
	contains "$label: nothing answered 200" "$okline" "$out"
	eq "$label: no success event" "$before" "$(count_events 9005)"
	CHECKS=$((CHECKS + 1))
	[ "$(count_events 9004)" -ge 1 ] || fail "$label: no logon failure (9004) audited"
	server_alive "after: $label"
}
wrong_password "wrong password" "requests ok            0 of $((N * M))" "$BASE/" --requests $M
stop_server

# bench_keepalive --logons: N clients x K logons, each on a new connection,
# against a static file (its body checked byte for byte).
K=15
mkdir -p "$TMP/www"
printf 'logon page\n' >"$TMP/www/page.html"
start_server logons --profile windows-default --root "$TMP/www" --max-per-ip 0 --quiet
out=$("$build/bench_keepalive" --url "$BASE/page.html" --user 'DEMO\demo' --password "$DEMO_PW" \
	--connections $N --logons $K --threads 2 --body $'logon page\n' --audit "$AUDIT" \
	--server-pid "$SERVER_PID" 2>&1)
rc=$?
echo "$out"
eq "logons: exit status" 0 "$rc"
contains "logons: every logon answered 200" "logons ok              $((N * K)) of $((N * K))" "$out"
contains "logons: a new connection per logon" "a new connection per logon" "$out"
contains "logons: its own audit count" "audit 9005 events      $((N * K)) (want $((N * K)))" "$out"
contains "logons: the rate" "logons/s" "$out"
contains "logons: p50 and p99" "logon time             p50 " "$out"
contains "logons: CPU per logon" "CPU/logon              server " "$out"
eq "logons: one success event per logon" "$((N * K))" "$(count_events 9005)"
eq "logons: no logon failure" 0 "$(count_events 9004)"

out=$("$build/bench_keepalive" --url "$BASE/page.html" --user 'DEMO\demo' --password "$DEMO_PW" \
	--connections $N --logons $K --body $'another page\n' 2>&1)
rc=$?
eq "logons, wrong body: the run fails" 1 "$rc"
contains "logons, wrong body: why" "a 200 of 11 bytes, not the 13 of --body" "$out"
out=$("$build/bench_keepalive" --url "$BASE/page.html" --user 'DEMO\demo' --password "$DEMO_PW" \
	--connections $N --logons $K --body $'logon Page\n' 2>&1)
rc=$?
eq "logons, other body of the same length: the run fails" 1 "$rc"
contains "logons, other body: why" "the body of a 200 is not --body's" "$out"

# --rate: the same N x K logons in an open loop at 400/s (each due at
# s / 400 s): all answered, the offered rate and the late count printed in
# bench_handshake's line, latency counted from when each was due, and its own
# success events; the elapsed time is at least the schedule's (N*K-1)/400 s.
before=$(count_events 9005)
out=$("$build/bench_keepalive" --url "$BASE/page.html" --user 'DEMO\demo' --password "$DEMO_PW" \
	--connections $N --logons $K --rate 400 --threads 2 --body $'logon page\n' --audit "$AUDIT" 2>&1)
rc=$?
echo "$out"
eq "rate: exit status" 0 "$rc"
contains "rate: every logon answered 200" "logons ok              $((N * K)) of $((N * K))" "$out"
contains "rate: its own audit count" "audit 9005 events      $((N * K)) (want $((N * K)))" "$out"
contains "rate: latency from when due" "(from when each was due)" "$out"
contains "rate: the offered line" "clients $N, offered 400.0/s, handshakes $((N * K)) (0 failed, " "$out"
contains "rate: service time beside" "(service alone: p50 " "$out"
eq "rate: one success event per logon" "$((before + N * K))" "$(count_events 9005)"
# the last of the N * K logons is due (N * K - 1) / 400 s after the first
took "rate: the schedule" "$out" "$(awk -v n=$((N * K)) 'BEGIN { print (n - 1) / 400 }')" 5
out=$("$build/bench_keepalive" --url "$BASE/page.html" --user 'DEMO\demo' --password "$DEMO_PW" \
	--connections $N --requests 2 --rate 400 2>&1)
eq "rate without --logons: refused" 2 "$?"
contains "rate without --logons: why" "bench_keepalive: --rate needs --logons" "$out"
for bad in 0 -5 abc 1e99 nan inf ''; do
	out=$("$build/bench_keepalive" --url "$BASE/page.html" --user 'DEMO\demo' \
		--password "$DEMO_PW" --connections $N --logons $K --rate "$bad" 2>&1)
	eq "rate $bad: refused" 2 "$?"
	contains "rate $bad: why" "bench_keepalive: --rate" "$out"
done

wrong_password "logons, wrong password" "logons ok              0 of $((N * K))" \
	"$BASE/page.html" --logons $K
wrong_password "rate, wrong password" "logons ok              0 of $((N * K))" \
	"$BASE/page.html" --logons $K --rate 400
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
