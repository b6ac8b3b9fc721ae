#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make bench`, part 4b (docs/performance.md "Under the slow-header attack"):
# what legitimate clients get from `ntlm httpd` with and without the
# slow-header attack of tests/http/slowloris.sh running, in one run.
#
# The server runs with the product's default limits (--max-connections
# 256, --max-per-ip 64, --handshake-timeout 15, --header-timeout 10), the
# windows-default profile, a static file under --root, the audit file on.
# The attacker (tests/http/slowloris.py) holds --max-per-ip connections from
# each of BENCH_ATTACK_ADDRS (4 loopback addresses: every slot), half of
# them after a complete NEGOTIATE round trip, each trickling one byte every
# 0.5 s, and reconnects each one the moment the server closes it. It runs
# under `nice -n BENCH_ATTACK_NICE` (10): on this one machine its own Python
# would otherwise take CPU from the legitimate client as much as from the
# server (a real attacker's CPU is its own); BENCH_ATTACK_NICE=0 shows that.
#
# Legitimate clients, from 127.0.0.1, measured the same way without and
# then with the attack, BENCH_ATTACK_ROUNDS times interleaved:
#   - keep-alive: bench_httpd, 16 connections x BENCH_ATTACK_REQUESTS
#     requests (one NTLM handshake each, then requests on the authenticated
#     connection): requests/s of the keep-alive phase;
#   - logons: bench_handshake, 8 clients x BENCH_ATTACK_LOGONS (1000) logons, each
#     on a new connection (at the limit, each evicts an attacker's).
# Prints the medians of each and the ratio attacked / unattacked (target:
# >= 0.90), the server's and the attacker's CPU, and fails when a legitimate
# request was refused or an attacker's connection outlived the deadline.
#   under_attack.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:?usage: under_attack.sh BUILD_DIR}" && pwd)
cd "$(dirname "$0")/.."
ROUNDS=${BENCH_ATTACK_ROUNDS:-3}
REQ=${BENCH_ATTACK_REQUESTS:-2000}
LOGONS=${BENCH_ATTACK_LOGONS:-1000}
ADDRS=${BENCH_ATTACK_ADDRS:-127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5}
PER=${BENCH_ATTACK_PER_ADDR:-64}
NICE=${BENCH_ATTACK_NICE:-10}
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

pw='Bench-Passw0rd!'
printf 'BENCH:user:%s\n' "$(printf '%s' "$pw" | "$build/ntlm" hash)" >"$tmp/accounts"
mkdir -p "$tmp/www/private"
printf 'hello\n' >"$tmp/www/private/index.html"
hz=$(getconf CLK_TCK)
ticks() { # PID...: utime + stime (+ reaped children) of these processes
	local t=0 p f
	for p in "$@"; do
		f=$(cat "/proc/$p/stat" 2>/dev/null) || continue
		f=${f##*) }
		set -- $f
		t=$((t + ${12} + ${13} + ${14} + ${15}))
	done
	echo "$t"
}

: >"$tmp/out" # created now: the server opens it in the background
"$build/ntlm-httpd" --listen 127.0.0.1:0 --accounts "$tmp/accounts" --profile windows-default \
	--root "$tmp/www" --audit "$tmp/audit.jsonl" --quiet >"$tmp/out" 2>"$tmp/err" &
spid=$!
pids+=("$spid")
port=
for ((i = 0; i < 200; i++)); do
	port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$tmp/out")
	[ -n "$port" ] && break
	sleep 0.05
done
[ -n "$port" ] || { echo "bench: ntlm-httpd did not start" >&2; cat "$tmp/err" >&2; exit 1; }
url="http://127.0.0.1:$port/private/index.html"

# keepalive OUT / logons OUT: one measurement, the rate on stdout
keepalive() {
	"$build/bench_httpd" --url "$url" --user 'BENCH\user' --password "$pw" --connections 16 \
		--requests "$REQ" >"$1" || { cat "$1" >&2; return 1; }
	sed -n 's/^keep-alive phase.* \([0-9.]*\) requests\/s/\1/p' "$1"
}
logons() {
	"$build/bench_handshake" --url "$url" --user 'BENCH\user' --password "$pw" --clients 8 \
		--handshakes "$LOGONS" >"$1" || { cat "$1" >&2; return 1; }
	sed -n 's/.*: \([0-9.]*\) handshakes\/s.*/\1/p' "$1"
}
attack_start() {
	nice -n "$NICE" /usr/bin/python3 tests/http/slowloris.py "$port" --addrs "$ADDRS" --per-addr "$PER" \
		--interval 0.5 --duration 3600 --negotiate-first $((PER / 2)) >"$tmp/attack.json" &
	apid=$!
	pids+=("$apid")
	sleep 4 # every slot taken, the NEGOTIATEs answered
}
attack_stop() {
	kill -TERM "$apid" 2>/dev/null || true
	wait "$apid" 2>/dev/null || true
}

echo "== legitimate clients with and without the slow-header attack (ntlm httpd, default limits)"
echo "   attacker: $PER connections from each of $ADDRS, one byte / 0.5 s, reconnecting (nice $NICE)"
echo "   $ROUNDS rounds; keep-alive: 16 x $REQ requests (bench_httpd); logons: 8 x $LOGONS (bench_handshake)"
echo "   load before: $(cut -d' ' -f1-3 /proc/loadavg)"
ka0=() ka1=() lo0=() lo1=()
srv0=0 srv1=0 att=0 n0=0 n1=0
for ((r = 1; r <= ROUNDS; r++)); do
	t0=$(ticks "$spid")
	ka0+=("$(keepalive "$tmp/k0")")
	lo0+=("$(logons "$tmp/l0")")
	t1=$(ticks "$spid")
	srv0=$((srv0 + t1 - t0))
	attack_start
	a0=$(ticks "$apid")
	t0=$(ticks "$spid")
	ka1+=("$(keepalive "$tmp/k1")")
	lo1+=("$(logons "$tmp/l1")")
	t1=$(ticks "$spid")
	a1=$(ticks "$apid")
	srv1=$((srv1 + t1 - t0))
	att=$((att + a1 - a0))
	live=$(ls "/proc/$spid/fd" | wc -l)
	attack_stop
	printf 'round %d: keep-alive %s -> %s req/s, logons %s -> %s /s (server fds under attack %s)\n' \
		"$r" "${ka0[-1]}" "${ka1[-1]}" "${lo0[-1]}" "${lo1[-1]}" "$live"
done
echo "   load after: $(cut -d' ' -f1-3 /proc/loadavg)"
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
m_ka0=$(median "${ka0[@]}")
m_ka1=$(median "${ka1[@]}")
m_lo0=$(median "${lo0[@]}")
m_lo1=$(median "${lo1[@]}")
echo "| legitimate clients (median of $ROUNDS) | unattacked | under attack | ratio |"
echo "|---|---:|---:|---:|"
awk -v a="$m_ka0" -v b="$m_ka1" 'BEGIN { printf "| keep-alive requests/s (16 connections) | %.0f | %.0f | %.2f |\n", a, b, b / a }'
awk -v a="$m_lo0" -v b="$m_lo1" 'BEGIN { printf "| NTLM logons/s (8 clients, new connection each) | %.0f | %.0f | %.2f |\n", a, b, b / a }'
echo "server CPU for the same legitimate work: $((srv0 * 1000 / hz)) ms unattacked," \
	"$((srv1 * 1000 / hz)) ms under attack; the attacker's own CPU (python): $((att * 1000 / hz)) ms"
echo "attack (last round): $(cat "$tmp/attack.json" 2>/dev/null)"
kill -TERM "$spid"
wait "$spid" || { echo "bench: ntlm-httpd did not stop cleanly" >&2; exit 1; }
pids=()
