#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Threads (--threads, docs/httpd.md): by default a few workers serve every
# connection, so 40 authenticated keep-alive connections held at once cost
# no thread each; --threads 0 is one thread per connection. Either way each
# connection stays authenticated (its next request is served without a new
# handshake) and each logon is audited once.
set -u
source "$(dirname "$0")/lib.bash"
N=40

threads_of() { sed -n 's/^Threads:[[:space:]]*//p' "/proc/$1/status"; }

# hold NAME: N logons held open; sets HELD (the server's thread count while
# they are held) and OUT (many.py's report).
hold() {
	rm -f "$TMP/$1.go" "$TMP/$1.go.held"
	$PY "$HERE/many.py" "$PORT" "$N" 'DEMO\demo' "$DEMO_PW" "$TMP/$1.go" >"$TMP/$1.json" &
	local pid=$! i
	for ((i = 0; i < 1200; i++)); do
		[ -e "$TMP/$1.go.held" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	HELD=$(threads_of "$SERVER_PID")
	touch "$TMP/$1.go"
	wait_pid "$pid" 120
	OUT=$(cat "$TMP/$1.json")
}

make_accounts
start_server workers --profile cis --threads 2 --max-per-ip 0 --quiet
hold workers
eq "workers: $N handshakes" "{\"after\": {\"200\": $N}, \"handshakes\": {\"200\": $N}}" "$OUT"
CHECKS=$((CHECKS + 1))
[ "$HELD" -le 6 ] || fail "--threads 2: $HELD threads with $N connections held (want <= 6)"
eq "workers: one success event per logon" "$N" "$(count_events 9005 "$AUDIT")"
# One listening socket per worker (SO_REUSEPORT), so that a connection wakes
# one worker; a second server on the same port is still refused.
listening() { # PORT: listening TCP sockets on 127.0.0.1:PORT
	$PY -c 'import sys
port = int(sys.argv[1])
n = 0
for line in open("/proc/net/tcp").readlines()[1:]:
    f = line.split()
    if f[3] == "0A" and f[1] == "0100007F:%04X" % port:
        n += 1
print(n)' "$1"
}
eq "--threads 2: a listening socket per worker" 2 "$(listening "$PORT")"
"$NTLM" httpd --listen "127.0.0.1:$PORT" --accounts "$TMP/accounts" --profile cis --threads 2 \
	>"$TMP/second.out" 2>"$TMP/second.err" &
second=$!
wait_pid "$second" 30
eq "a second server on the port: refused" 0 "$(grep -c 'listening on' "$TMP/second.out")"
contains "a second server on the port: why" "in use" "$(cat "$TMP/second.err")"
eq "still a listening socket per worker" 2 "$(listening "$PORT")"
stop_server

start_server perconn --profile cis --threads 0 --max-per-ip 0 --quiet
hold perconn
eq "per connection: $N handshakes" "{\"after\": {\"200\": $N}, \"handshakes\": {\"200\": $N}}" "$OUT"
CHECKS=$((CHECKS + 1))
[ "$HELD" -ge "$N" ] || fail "--threads 0: $HELD threads with $N connections held (want >= $N)"
stop_server

# The default is one worker per CPU.
start_server default --profile cis --max-per-ip 0 --quiet
hold default
eq "default: $N handshakes" "{\"after\": {\"200\": $N}, \"handshakes\": {\"200\": $N}}" "$OUT"
CHECKS=$((CHECKS + 1))
[ "$HELD" -le $(($(nproc) + 4)) ] || fail "default: $HELD threads for $(nproc) CPUs"
stop_server

# Churn at the default limits (--max-per-ip 64): 60 clients from one address,
# each making its requests on new connections and closing them. A closed
# connection its worker has not cleaned up yet must not count against the
# newcomer (guard.c reclaim_closed): every handshake gets its 200.
BENCH=$(dirname "$NTLM")/bench_handshake
if [ -x "$BENCH" ]; then
	start_server churn --profile cis --quiet
	out=$("$BENCH" --url "$BASE/" --user 'DEMO\demo' --password "$DEMO_PW" --clients 60 \
		--handshakes 20 2>&1)
	contains "churn: no handshake refused" "handshakes 1200 (0 failed)" "$out"
	eq "churn: one success event per logon" 1200 "$(count_events 9005 "$AUDIT")"
	stop_server
	# The same at --max-connections with no per-address limit (bench/run.sh
	# part 3): the newcomer's own address holds every slot, some of them
	# closed by the client and not yet cleaned up; they give way, nothing
	# live is evicted and no one is refused.
	start_server churn-max --profile cis --quiet --max-connections 48 --max-per-ip 0
	out=$("$BENCH" --url "$BASE/" --user 'DEMO\demo' --password "$DEMO_PW" --clients 32 \
		--handshakes 50 2>&1)
	contains "churn at --max-connections: no handshake refused" "handshakes 1600 (0 failed)" "$out"
	eq "churn at --max-connections: one success event per logon" 1600 \
		"$(count_events 9005 "$AUDIT")"
	eq "churn at --max-connections: no refusal" 0 "$(count_events 9100 "$AUDIT")"
	# The open-loop mode of the benchmark (bench_handshake --rate, bench/run.sh
	# part 3): 40 handshakes at 100/s start on schedule, so the run lasts
	# at least 0.39 s, and the row says so.
	out=$("$BENCH" --url "$BASE/" --user 'DEMO\demo' --password "$DEMO_PW" --clients 4 \
		--handshakes 10 --rate 100 2>&1)
	contains "open loop: the row" "clients 4, offered 100.0/s, handshakes 40 (0 failed" "$out"
	contains "open loop: service time apart" "(service alone: p50" "$out"
	secs=$(sed -n 's/.* in \([0-9.]*\) s: .*/\1/p' <<<"$out")
	CHECKS=$((CHECKS + 1))
	awk -v s="$secs" 'BEGIN { exit !(s >= 0.385 && s < 5) }' ||
		fail "open loop: 40 handshakes at 100/s took '$secs' s"
	stop_server
fi

out=$("$NTLM" httpd --threads 300 2>&1)
contains "--threads bounded" "--threads wants a number from 0 to 256" "$out"
finish
