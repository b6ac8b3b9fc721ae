#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make bench`, in two parts (docs/performance.md):
#  1. bench_ntlm: ntlmssp against gss-ntlmssp and the raw nettle limit, in
#     one run, one process per measurement, printed as one table
#     (BENCH_REPS repetitions of BENCH_MS ms each; BENCH_NTLM=0 skips it);
#  2. starts `ntlm httpd` (cis profile, built-in page, audit log in a
#     temporary directory) on a free port, runs bench_httpd against it, and
#     stops it. BENCH_CONNECTIONS (N) and BENCH_REQUESTS (M) set the load;
#     then the same load from bench_keepalive (no libcurl, BENCH_RAW_THREADS
#     threads, 1 by default), and both keep-alive rows side by side;
#  3. bench_handshake: handshakes/s and p50/p99 latency at BENCH_CLIENTS
#     clients (BENCH_HANDSHAKES each), local file and domain (winbind) rows,
#     closed loop, then open loop (bench_handshake --rate) at each rate of
#     BENCH_RATES (per client, or a share of the domain row's throughput, up
#     to saturation), domain and local file side by side, and a table of
#     what winbind adds at each rate; the same open loop again from the
#     light client (bench_keepalive --logons --rate, one epoll thread, no
#     libcurl) and its own table. BENCH_HS_THREADS=N runs every
#     ntlm httpd of this part with --threads N (a winbind validation blocks
#     its worker: docs/domain.md, "Throughput and latency"). Beside each
#     HTTP row, the winbind path alone: bench_validate (client and server
#     contexts in one process, no HTTP) with BENCH_CLIENTS threads, domain
#     and local file, closed loop and at each rate (BENCH_VALIDATE=0 skips),
#     and during each open-loop domain row of it the DC's own answer time,
#     from a capture between the member and the DC (tshark; BENCH_WIRE=0
#     skips it), and the time of each call into winbindd, in bench_validate
#     and in ntlm httpd (bench/wbc_clock.c, LD_PRELOAD; BENCH_CLOCK=0 skips
#     it): a last table of the three, hop by hop;
#  4. bench/vs_apache.sh: server CPU per NTLM logon, ntlm httpd against
#     Apache + mod_auth_gssapi + gss-ntlmssp (BENCH_LOGON_CLIENTS x
#     BENCH_LOGONS), and BENCH_HOLD authenticated connections held at once
#     (BENCH_APACHE=0 skips part 4); then bench/under_attack.sh: legitimate
#     clients' keep-alive requests/s and logons/s without and with the
#     slow-header attack (BENCH_ATTACK=0 skips it);
#  5. bench/bench_audit.sh: ntlm audit report / simulate records per second
#     (by the clock and of CPU) and peak RSS over BENCH_AUDIT_RECORDS synthetic
#     records, then over BENCH_AUDIT_TOTAL (10 million) (BENCH_AUDIT=0 skips
#     part 5).
# Exit status: 1 when bench_ntlm fails, or bench_httpd's (1 when a request
# or an audit event is missing), or bench_keepalive's.
set -euo pipefail
build=${1:-build}
N=${BENCH_CONNECTIONS:-64}
M=${BENCH_REQUESTS:-200}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

echo "== machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
if [ "${BENCH_NTLM:-1}" != 0 ]; then
	if [ -x "$build/bench_ntlm" ]; then
		"$build/bench_ntlm"
	else
		echo "bench: $build/bench_ntlm was not built (needs gss-ntlmssp-dev, libkrb5-dev)" >&2
		exit 1
	fi
fi

pw='Bench-Passw0rd!'
printf 'BENCH:user:%s\n' "$(printf '%s' "$pw" | "$build/ntlm" hash)" >"$tmp/accounts"
"$build/ntlm" httpd --listen 127.0.0.1:0 --accounts "$tmp/accounts" --profile cis \
	--audit "$tmp/audit.jsonl" --max-connections $((N + 16)) --max-per-ip 0 --quiet \
	>"$tmp/out" 2>"$tmp/err" &
pid=$!
port=
for ((i = 0; i < 600; i++)); do
	port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$tmp/out")
	[ -n "$port" ] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.05
done
[ -n "$port" ] || { echo "bench: the server did not start" >&2; cat "$tmp/err" >&2; exit 1; }

echo "== bench_httpd --connections $N --requests $M (ntlm httpd, cis profile, built-in page)"
rc=0
"$build/bench_httpd" --url "http://127.0.0.1:$port/" --user 'BENCH\user' --password "$pw" \
	--connections "$N" --requests "$M" --audit "$tmp/audit.jsonl" --server-pid "$pid" |
	tee "$tmp/curl.out" || rc=$?
# The same load from bench_keepalive (plain sockets and epoll, no libcurl,
# BENCH_RAW_THREADS threads): libcurl costs more CPU per request than the
# server, and both share the machine's CPUs.
RT=${BENCH_RAW_THREADS:-1}
echo "== bench_keepalive --connections $N --requests $M --threads $RT (the same load, no libcurl)"
"$build/bench_keepalive" --url "http://127.0.0.1:$port/" --user 'BENCH\user' --password "$pw" \
	--connections "$N" --requests "$M" --threads "$RT" --audit "$tmp/audit.jsonl" \
	--server-pid "$pid" | tee "$tmp/raw.out" || rc=$?
ka_row() { # LABEL OUTPUT-FILE: keep-alive requests/s and CPU per request of one client
	local rps srv cli
	rps=$(sed -n 's/^keep-alive phase .* \([0-9.]*\) requests\/s/\1/p' "$2")
	srv=$(sed -n 's/^keep-alive CPU\/request server \([0-9.]*\) us.*/\1/p' "$2")
	cli=$(sed -n 's/^keep-alive CPU\/request server .*, client \([0-9.]*\) us/\1/p' "$2")
	printf '%-22s %14s %18s %18s\n' "$1" "${rps:--}" "${srv:--}" "${cli:--}"
}
echo "== keep-alive phase side by side ($N connections x $((M - 1)) requests; load average $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-22s %14s %18s %18s\n' client requests/s "server us/request" "client us/request"
ka_row "bench_httpd (libcurl)" "$tmp/curl.out"
ka_row "bench_keepalive (raw)" "$tmp/raw.out"
kill -TERM "$pid"
wait "$pid" || { echo "bench: the server did not stop cleanly" >&2; rc=1; }
pid=

# 3. Handshakes (a new connection per request) at BENCH_CLIENTS concurrent
#    clients: the local file row, and the domain row (--accounts winbind
#    through a joined member, tests/domain/domain.sh; root and a network
#    namespace needed; BENCH_DOMAIN=0 skips it), with the CPU each side used.
C=${BENCH_CLIENTS:-32}
K=${BENCH_HANDSHAKES:-50}
cpu_snap() { # PID...: "pid comm ticks" lines, one per live process
	local p f
	for p in "$@"; do
		f=$(cat "/proc/$p/stat" 2>/dev/null) || continue
		local comm=${f#*(}
		comm=${comm%)*} # the last ')': a name may hold one ("rpc(2)")
		comm=${comm// /_}
		f=${f##*) }
		set -- $f
		echo "$p $comm $((${12} + ${13}))"
	done
}
cpu_ticks() { # PID...: utime + stime of these processes, in clock ticks
	local t=0 p f
	for p in "$@"; do
		f=$(cat "/proc/$p/stat" 2>/dev/null) || continue
		f=${f##*) }
		set -- $f
		t=$((t + ${12} + ${13}))
	done
	echo "$t"
}
start_httpd() { # ACCOUNTS [wrapper...]: sets pid and port
	local acc=$1
	shift
	: >"$tmp/hs.out" # created now: the server opens it in the background
	"$@" "$build/ntlm" httpd --listen 127.0.0.1:0 --accounts "$acc" --profile cis \
		--audit "$tmp/hs.jsonl" --max-connections $((C + 16)) --max-per-ip 0 --quiet \
		${BENCH_HS_THREADS:+--threads "$BENCH_HS_THREADS"} >"$tmp/hs.out" 2>"$tmp/hs.err" &
	pid=$!
	port=
	for ((i = 0; i < 600; i++)); do
		port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$tmp/hs.out")
		[ -n "$port" ] && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	echo "bench: the server did not start" >&2
	cat "$tmp/hs.err" >&2
	return 1
}
stop_httpd() {
	kill -TERM "$pid"
	wait "$pid" || { echo "bench: the server did not stop cleanly" >&2; rc=1; }
	pid=
}
echo "== bench_handshake --clients $C --handshakes $K (a new connection, so a handshake, per request;" \
	"ntlm httpd --threads ${BENCH_HS_THREADS:-default: one worker per CPU})"
# p99 NAME OUTPUT-FILE: the p99 latency (ms) bench_handshake printed
p99() { sed -n 's/.*latency p50 [0-9.]* ms, p99 \([0-9.]*\) ms.*/\1/p' "$2"; }
p50() { sed -n 's/.*latency p50 \([0-9.]*\) ms.*/\1/p' "$1"; }
# thr OUTPUT-FILE: the handshakes/s bench_handshake printed
thr() { sed -n 's/.*: \([0-9.]*\) handshakes\/s.*/\1/p' "$1"; }
hs() { # LABEL USER PASSWORD CLIENTS HANDSHAKES OUT [--rate R]: one row, printed and kept
	printf '%-13s' "$1"
	"$build/bench_handshake" --url "http://127.0.0.1:$port/" --user "$2" --password "$3" \
		--clients "$4" --handshakes "$5" "${@:7}" | tee "$6" || rc=$?
}
kh() { # LABEL USER PASSWORD CLIENTS LOGONS RATE OUT: one open-loop row of the light
	# client (bench_keepalive --logons --rate: one epoll thread, no libcurl),
	# its line in bench_handshake's words printed and kept
	printf '%-13s' "$1"
	"$build/bench_keepalive" --url "http://127.0.0.1:$port/" --user "$2" --password "$3" \
		--connections "$4" --logons "$5" --rate "$6" >"$7.all" 2>&1 || rc=1
	grep '^clients .*offered' "$7.all" | tee "$7" || { echo "bench_keepalive failed:"; cat "$7.all"; }
}
by_process() { # SNAP0 SNAP1 [N]: CPU per process name between two cpu_snap files
	# (and per handshake, given the N handshakes made in between)
	awk -v hz="$(getconf CLK_TCK)" -v n="${3:-0}" 'NR == FNR { t0[$1] = $3; next }
		{ by[$2] += $3 - t0[$1] }
		END { printf "  by process:"; for (c in by) if (by[c] > 0) {
			printf " %s %d ms", c, by[c] * 1000 / hz
			if (n > 0) printf " (%.2f ms/handshake)", by[c] * 1000 / hz / n }
			printf "\n" }' "$1" "$2"
}
# sweep_table TITLE FILE: the open-loop rows of FILE ("spec rate local-p50
# local-p99 domain-p50 domain-p99 late done/s" lines) as a table of what
# winbind adds at each rate, and the highest rate below 3 ms added at p99.
sweep_table() {
	awk -v title="$1" -v c="$C" '
		BEGIN { printf "%s: offered/s  local p50/p99 ms  domain p50/p99 ms" \
			"  winbind adds p50/p99 ms  domain late, done/s\n", title; ok = "" }
	{ a50 = $5 - $3; a99 = $6 - $4
	  printf "  %-6s %8s/s  %6.2f / %-7.2f  %6.2f / %-8.2f  %6.2f / %-8.2f  %5d, %s/s%s\n",
		$1, $2, $3, $4, $5, $6, a50, a99, $7, $8,
		a99 < 0 ? "  (local p99 over domain p99: the machine is loaded)" : ""
	  # a negative difference is noise, not a figure: it ends the claim too
	  if (a99 >= 0 && a99 < 3 && !bad) ok = $2; else bad = 1 }
	END { if (ok != "") printf "winbind adds under 3 ms p99 up to %s handshakes/s offered" \
		" at %d clients\n", ok, c
	  else printf "winbind adds under 3 ms p99 at none of these rates from the lowest" \
		" up (or the machine was too loaded to tell)\n" }' "$2"
}
# sweep_row FILE SPEC RATE LOCAL-OUT DOMAIN-OUT: one line of a sweep_table
# file, from the two rows' outputs (bench_handshake's line, or its like).
sweep_row() {
	echo "$2 $3 $(p50 "$4") $(p99 x "$4") $(p50 "$5") $(p99 x "$5")" \
		"$(sed -n 's/.*failed, \([0-9]*\) late.*/\1/p' "$5")" \
		"$(sed -n 's/.*late) in [0-9.]* s: \([0-9.]*\) handshakes.*/\1/p' "$5")" >>"$1"
}
# ranks P...: the numbers on stdin as "n pP... max over-3" (their count, each
# P-th percentile by nearest rank as bench_util.h's rank_pct, the largest,
# and how many are over 3); nothing for no numbers.
ranks() {
	sort -g | awk -v ps="$*" 'BEGIN { np = split(ps, P, " ") }
		{ a[NR] = $1; if ($1 > 3) o++ }
		END { if (!NR) exit
			printf "%d", NR
			for (i = 1; i <= np; i++) printf " %.2f", a[int((NR * P[i] + 99) / 100)]
			printf " %.2f %d\n", a[NR], o }'
}
# wire_start / wire_stop OUT: the DC's own answer time. A capture (tshark,
# in the domain's namespace, of everything but the DC talking to itself at
# 127.0.0.10, tests/domain/domain.sh's DC address) while a row runs; then
# each NETLOGON answer's time from its request (by connection and call id),
# as seen on the wire between the member and the DC: neither winbindd nor
# our code is in it. wire_stop OUT SKIP: the first SKIP requests are left
# out (bench_validate's warm-up: one, then one per thread at once, a burst
# that is not the row's schedule). OUT gets "n p50 p90 p99 max over-3-ms".
# No tshark: no capture, and OUT is left empty.
wpid=
wire_start() {
	wpid=
	command -v tshark >/dev/null || return 0
	ip netns exec "$ns" tshark -i lo -w "$tmp/wire.pcapng" \
		-f 'not (src host 127.0.0.10 and dst host 127.0.0.10)' >/dev/null 2>"$tmp/wire.err" &
	wpid=$!
	local i
	for ((i = 0; i < 300; i++)); do
		grep -q "Capturing on" "$tmp/wire.err" && return 0
		sleep 0.05
	done
	echo "  (tshark did not start capturing: no wire figures)"
	kill -INT "$wpid" 2>/dev/null || true
	wait "$wpid" 2>/dev/null || true
	wpid=
}
wire_stop() {
	: >"$1"
	[ -n "$wpid" ] || return 0
	sleep 0.3 # the last answer reaches the capture
	kill -INT "$wpid" 2>/dev/null || true
	wait "$wpid" 2>/dev/null || true
	wpid=
	tshark -r "$tmp/wire.pcapng" -Y 'dcerpc.pkt_type == 0 || dcerpc.pkt_type == 2' -T fields \
		-e dcerpc.pkt_type -e frame.time_relative -e tcp.stream -e dcerpc.cn_call_id \
		2>/dev/null | awk -v skip="${2:-0}" '$1 == 0 { rq[$3 " " $4] = $2; nth[$3 " " $4] = ++n }
			$1 == 2 && (($3 " " $4) in rq) && nth[$3 " " $4] > skip {
				print ($2 - rq[$3 " " $4]) * 1000 }' | ranks 50 90 99 >"$1"
	rm -f "$tmp/wire.pcapng"
	[ ! -s "$1" ] || awk '{ printf "  the DC alone (its NETLOGON answers on the wire): %d," \
		" p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms, %d over 3 ms\n",
		$1, $2, $3, $4, $5, $6 }' "$1"
}
# The clock around each call into winbindd (bench/wbc_clock.c, loaded with
# LD_PRELOAD; BENCH_CLOCK=0 or no such library: not used). clock_env LOG:
# the env words that load it, logging to LOG (none when not used).
# clock_stats LOG FROM SKIP: the calls logged after line FROM, the first
# SKIP of them left out (warm-ups), as "p50 p99" (ms, nearest rank).
clock_lib=$(realpath -m "$build/libbench_wbc_clock.so")
clock_env() {
	[ "${BENCH_CLOCK:-1}" != 0 ] && [ -f "$clock_lib" ] || return 0
	echo env LD_PRELOAD="$clock_lib" NTLM_BENCH_WBC_LOG="$1"
}
lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }
clock_stats() {
	[ -s "$1" ] || return 0
	tail -n +$(($2 + $3 + 1)) "$1" | cut -d' ' -f1 | ranks 50 99 | cut -d' ' -f2,3
}
# bv LABEL ACCOUNTS USER PASSWORD OUT [--snap PREFIX] [bench_validate options]:
# one row of bench_validate (the winbind path alone), C threads; through the
# member's winbindd for ACCOUNTS winbind. OUT gets its main line (p50 and
# p99 as bench_handshake prints them); the CPU line is printed below it,
# and with --snap the CPU of each domain process during the row, per
# handshake (PREFIX.0 and PREFIX.1 get the cpu_snap files).
bv() {
	local label=$1 acc=$2 user=$3 password=$4 out=$5 snap= n
	shift 5
	if [ "${1:-}" = --snap ]; then
		snap=$2
		shift 2
	fi
	local wrap=()
	# shellcheck disable=SC2046 # (clock_env's words)
	[ "$acc" = winbind ] &&
		wrap=(bash tests/domain/domain.sh wb "$dom" member $(clock_env "$tmp/vcalls"))
	[ -z "$snap" ] || cpu_snap $(ip netns pids "$ns") >"$snap.0"
	"${wrap[@]}" "$build/bench_validate" --accounts "$acc" --user "$user" --password "$password" \
		--threads "$C" "$@" >"$out.all" 2>&1 || rc=1
	[ -z "$snap" ] || cpu_snap $(ip netns pids "$ns") >"$snap.1"
	printf '%-13s' "$label"
	if ! grep '^accounts ' "$out.all" | tee "$out"; then
		echo "bench_validate failed:"
		cat "$out.all"
		return
	fi
	sed -n 's/^\(cpu per handshake: .*\)/  bench_validate \1/p; s/^\(first failure: .*\)/  \1/p' \
		"$out.all"
	n=$(sed -n 's/^ok \([0-9]*\) of .*/\1/p' "$out.all")
	[ -z "$snap" ] || by_process "$snap.0" "$snap.1" "${n:-0}"
}
H1=$((K * 4))
start_httpd "$tmp/accounts" || exit 1
hs 'local file' 'BENCH\user' "$pw" 1 "$H1" "$tmp/l1"
hs 'local file' 'BENCH\user' "$pw" "$C" "$K" "$tmp/lc"
stop_httpd
if [ "${BENCH_DOMAIN:-1}" != 0 ] && bash tests/domain/domain.sh check 2>/dev/null; then
	dom=$(mktemp -d /tmp/ntlmdom.XXXXXX)
	ns="ntlmdom-bench-$$"
	trap 'cleanup; bash tests/domain/domain.sh down "$dom" "$ns"; rm -rf "$dom"' EXIT
	bash tests/domain/domain.sh up "$dom" "$ns" 2>"$tmp/domain.log" ||
		{ cat "$tmp/domain.log" >&2; exit 1; }
	# shellcheck disable=SC2046 # (clock_env's words)
	start_httpd winbind bash tests/domain/domain.sh wb "$dom" member $(clock_env "$tmp/hcalls") ||
		exit 1
	# warm up (winbindd's connection to the DC, our context pool)
	"$build/bench_handshake" --url "http://127.0.0.1:$port/" --user 'TESTDOM\alice' \
		--password Passw0rd1 --clients 2 --handshakes 5 >/dev/null || rc=1
	# and bench_validate's: a wrong password must be refused through the
	# member (once, here: a DC does more for a wrong password, and the next
	# success resets the account's count)
	if [ "${BENCH_VALIDATE:-1}" != 0 ]; then
		bash tests/domain/domain.sh wb "$dom" member "$build/bench_validate" --self-check \
			--accounts winbind --user 'TESTDOM\alice' --password Passw0rd1 --threads 2 \
			--handshakes 5 >"$tmp/selfcheck" 2>&1 || { cat "$tmp/selfcheck"; rc=1; }
	fi
	nspids=$(ip netns pids "$ns")
	hs domain 'TESTDOM\alice' Passw0rd1 1 "$H1" "$tmp/d1"
	h0=$(cpu_ticks "$pid")
	d0=$(cpu_ticks $nspids)
	cpu_snap $nspids >"$tmp/snap0"
	hs domain 'TESTDOM\alice' Passw0rd1 "$C" "$K" "$tmp/dc"
	h1=$(cpu_ticks "$pid")
	nspids=$(ip netns pids "$ns")
	d1=$(cpu_ticks $nspids)
	cpu_snap $nspids >"$tmp/snap1"
	hz=$(getconf CLK_TCK)
	echo "cpu during the domain row: ntlm httpd $(((h1 - h0) * 1000 / hz)) ms," \
		"DC + member (samba, smbd, winbindd) $(((d1 - d0) * 1000 / hz)) ms"
	# the same, by process name (the profile of where the domain row's time goes)
	by_process "$tmp/snap0" "$tmp/snap1" $((C * K))
	awk -v l1="$(p99 x "$tmp/l1")" -v d1="$(p99 x "$tmp/d1")" \
		-v lc="$(p99 x "$tmp/lc")" -v dc="$(p99 x "$tmp/dc")" -v c="$C" 'BEGIN {
		printf "winbind adds to p99: %.2f ms at 1 client, %.2f ms at %d clients (closed loop)\n",
			d1 - l1, dc - lc, c }'
	if [ "${BENCH_VALIDATE:-1}" != 0 ]; then
		# The winbind path alone: the same handshakes in one process, client
		# and server contexts (bench_validate: no HTTP, no socket of ours),
		# C threads in a closed loop, through the member and against the
		# file, with the CPU each process used during the domain row.
		echo "== the winbind path alone: bench_validate --threads $C (one process, no HTTP)"
		bv 'domain' winbind 'TESTDOM\alice' Passw0rd1 "$tmp/vd" --snap "$tmp/vsnap" \
			--handshakes "$K"
		bv 'local file' "file:$tmp/accounts" 'BENCH\user' "$pw" "$tmp/vl" --handshakes "$K"
		awk -v h="$(thr "$tmp/dc")" -v v="$(thr "$tmp/vd")" -v c="$C" 'BEGIN {
			printf "closed loop, %d clients, domain: %.1f handshakes/s through ntlm httpd," \
				" %.1f in one process (httpd / in-process %.2f)\n", c, h, v, (v > 0 ? h / v : 0) }'
	fi
	# Open loop: the closed-loop rows above keep every client busy, so at
	# C clients they measure the queue at the slowest stage (the DC, on a
	# machine whose cores it shares). Here the same C clients start
	# handshakes on a fixed schedule (latency counts from each scheduled
	# start), at each rate of BENCH_RATES: "N/c" is N handshakes/s per
	# client, "P%" is P % of the domain row's closed-loop throughput just
	# measured, a plain number is handshakes/s in all. Each rate runs for
	# BENCH_PACED_SECONDS (6) s and at least BENCH_PACED_MIN (1000: the
	# p99 is then the 10th worst, not the 4th of 320) handshakes, through
	# the member and then against the local file (a second ntlm httpd,
	# started now), one right after the other, so a drift of the machine's
	# load touches both rows of a rate; then the same rate in one process
	# (bench_validate, no HTTP), domain then file. Below the DC's capacity
	# the p99 difference is what winbind adds per handshake; the last rates
	# show where the domain saturates.
	dpid=$pid dport=$port
	# (each step || true: under set -e a failing step would end the trap
	# and leave the domain running)
	trap '[ -z "$dpid" ] || kill -TERM "$dpid" 2>/dev/null || true
		[ -z "$wpid" ] || kill -INT "$wpid" 2>/dev/null || true; cleanup || true
		bash tests/domain/domain.sh down "$dom" "$ns" || true; rm -rf "$dom"' EXIT
	start_httpd "$tmp/accounts" || exit 1
	lpid=$pid lport=$port
	T=$(thr "$tmp/dc")
	echo "== open loop: $C clients, rates ${BENCH_RATES:-1/c 25% 50% 75% 100%} (of $T/s closed loop)," \
		"${BENCH_PACED_SECONDS:-6} s and ${BENCH_PACED_MIN:-1000} handshakes at least each"
	nspids=$(ip netns pids "$ns")
	h0=$(cpu_ticks "$dpid")
	cpu_snap $nspids >"$tmp/snap0"
	nd=0 nv=0
	: >"$tmp/sweep"
	: >"$tmp/vsweep"
	: >"$tmp/ksweep"
	: >"$tmp/hopsweep"
	for spec in ${BENCH_RATES:-1/c 25% 50% 75% 100%}; do
		R=$(awk -v s="$spec" -v t="$T" -v c="$C" 'BEGIN {
			if (s ~ /\/c$/) r = (s + 0) * c; else if (s ~ /%$/) r = t * (s + 0) / 100
			else r = s + 0
			if (r < 1) r = 1; printf "%.1f", r }')
		PK=$(awk -v r="$R" -v s="${BENCH_PACED_SECONDS:-6}" -v m="${BENCH_PACED_MIN:-1000}" \
			-v c="$C" 'BEGIN { n = r * s; if (n < m) n = m; k = int(n / c + 0.999)
			if (k < 2) k = 2; print k }')
		nd=$((nd + C * PK))
		port=$dport
		hs "domain $spec" 'TESTDOM\alice' Passw0rd1 "$C" "$PK" "$tmp/dp" --rate "$R"
		port=$lport
		hs "local $spec" 'BENCH\user' "$pw" "$C" "$PK" "$tmp/lp" --rate "$R"
		sweep_row "$tmp/sweep" "$spec" "$R" "$tmp/lp" "$tmp/dp"
		# the same rate from the light client (bench_keepalive: one thread,
		# no libcurl, so less of the client on the two CPUs), domain then file
		port=$dport
		c0=$(lines "$tmp/hcalls")
		kh "light d $spec" 'TESTDOM\alice' Passw0rd1 "$C" "$PK" "$R" "$tmp/kdp"
		kcall=$(clock_stats "$tmp/hcalls" "$c0" 0)
		port=$lport
		kh "light l $spec" 'BENCH\user' "$pw" "$C" "$PK" "$R" "$tmp/klp"
		sweep_row "$tmp/ksweep" "$spec" "$R" "$tmp/klp" "$tmp/kdp"
		nd=$((nd + C * PK))
		if [ "${BENCH_VALIDATE:-1}" != 0 ]; then
			[ "${BENCH_WIRE:-1}" = 0 ] || wire_start
			c0=$(lines "$tmp/vcalls")
			bv "alone d $spec" winbind 'TESTDOM\alice' Passw0rd1 "$tmp/vdp" \
				--handshakes "$PK" --rate "$R"
			vcall=$(clock_stats "$tmp/vcalls" "$c0" $((C + 1)))
			[ "${BENCH_WIRE:-1}" = 0 ] || wire_stop "$tmp/wire" $((C + 1))
			[ -z "$vcall" ] ||
				echo "  the call into winbindd (bench/wbc_clock.c): p50 / p99 ms $vcall"
			# hop by hop: "spec rate dc-p50 dc-p99 call-p50 call-p99 hs-p50
			# hs-p99 (alone) call-p50 call-p99 hs-p50 hs-p99 (httpd, light)",
			# "-" where not measured
			w=$(awk '{ print $2, $4 }' "$tmp/wire" 2>/dev/null)
			echo "$spec $R ${w:-- -} ${vcall:-- -} $(p50 "$tmp/vdp") $(p99 x "$tmp/vdp")" \
				"${kcall:-- -} $(p50 "$tmp/kdp") $(p99 x "$tmp/kdp")" >>"$tmp/hopsweep"
			bv "alone l $spec" "file:$tmp/accounts" 'BENCH\user' "$pw" "$tmp/vlp" \
				--handshakes "$PK" --rate "$R"
			sweep_row "$tmp/vsweep" "$spec" "$R" "$tmp/vlp" "$tmp/vdp"
			nv=$((nv + C * PK))
		fi
	done
	h1=$(cpu_ticks "$dpid")
	cpu_snap $(ip netns pids "$ns") >"$tmp/snap1"
	echo "  cpu during the open-loop domain rows ($nd handshakes through ntlm httpd," \
		"$nv in one process): ntlm httpd $(((h1 - h0) * 1000 / hz)) ms" \
		"($(awk -v t=$((h1 - h0)) -v hz="$hz" -v n="$nd" 'BEGIN { printf "%.2f", n ? t * 1000 / hz / n : 0 }') ms/handshake)"
	by_process "$tmp/snap0" "$tmp/snap1" $((nd + nv))
	pid=$lpid
	stop_httpd
	pid=$dpid
	stop_httpd
	dpid=
	sweep_table "open loop, $C clients, through ntlm httpd" "$tmp/sweep"
	sweep_table "open loop, $C clients, through ntlm httpd, light client (bench_keepalive)" \
		"$tmp/ksweep"
	[ ! -s "$tmp/vsweep" ] ||
		sweep_table "the winbind path alone (bench_validate, $C threads, no HTTP)" "$tmp/vsweep"
	# hop by hop: the DC's answer on the wire, the call into winbindd around
	# it, the handshake around that, at each rate (docs/domain.md)
	[ ! -s "$tmp/hopsweep" ] || awk 'BEGIN {
		print "hop by hop, domain logons, p50 / p99 ms: the DC'"'"'s answer on the wire," \
			" the call into winbindd, the handshake; in one process, then through" \
			" ntlm httpd (light client)"
		printf "  %-6s %10s  %-15s %-15s %-15s %-15s %-15s\n", "", "offered", "DC (wire)",
			"call (alone)", "handshake", "call (httpd)", "handshake" }
		{ printf "  %-6s %8s/s  %5s / %-7s %5s / %-7s %5s / %-7s %5s / %-7s %5s / %-7s\n",
			$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 }' "$tmp/hopsweep"
	echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min; this machine has $(nproc) CPUs)"
else
	echo "domain      skipped (needs root and a network namespace; BENCH_DOMAIN=0 skips)"
fi
if [ "${BENCH_APACHE:-1}" != 0 ]; then
	bash bench/vs_apache.sh "$build" || rc=1
fi
if [ "${BENCH_ATTACK:-1}" != 0 ]; then
	bash bench/under_attack.sh "$build" || rc=1
fi
if [ "${BENCH_AUDIT:-1}" != 0 ]; then
	bash bench/bench_audit.sh "$build" || rc=1
fi
exit $rc
