#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make bench`, part 4 (docs/performance.md "ntlm httpd against Apache"):
# the cost of an NTLM logon over HTTP, server side, in one run:
#   - ntlm httpd (event-driven workers, the default), --root DIR;
#   - ntlm httpd --threads 0 (a thread per connection, as before);
#   - Apache 2.4 (event MPM) + mod_auth_gssapi + gss-ntlmssp, the same file;
# all with their request log on and the same account, each driven by the
# same two clients, a new connection per logon:
#   1. bench_keepalive --logons (raw sockets, epoll, the library's client
#      context: "Authorization: NTLM", a NEGOTIATE with the VERSION field,
#      which Apache + gss-ntlmssp accepts), a client lighter than the
#      servers: it shares their two CPUs, and a heavy client's cache
#      pollution is charged to the server it measures;
#   2. bench_handshake --negotiate (libcurl -> MIT SPNEGO -> gss-ntlmssp),
#      the client of the earlier figures, about ten times the server's CPU.
# (Apache + gss-ntlmssp refuses curl's own 32-byte NTLM NEGOTIATE.) CPU per
# logon = the server processes' utime + stime (children reaped included) /
# logons; the client's, its own utime + stime / logons. One table per client,
# with the ratio to Apache in each; the load average before and after.
# Then 10,000 authenticated keep-alive connections held at once
# (bench_hold; BENCH_HOLD=N, 0 skips), the server under a raised descriptor
# limit (the product's default limit is left alone).
#   vs_apache.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:?usage: vs_apache.sh BUILD_DIR}" && pwd)
cd "$(dirname "$0")/.."
C=${BENCH_LOGON_CLIENTS:-8}
K=${BENCH_LOGONS:-250}
HOLD=${BENCH_HOLD:-10000}
GSSNTLMSSP=$(ls /usr/lib/*/gssntlmssp/gssntlmssp.so 2>/dev/null | head -n1 || true)
apache=/usr/sbin/apache2
mods=/usr/lib/apache2/modules
tmp=$(mktemp -d)
chmod 755 "$tmp"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

pw='Bench-Passw0rd!'
printf 'BENCH:user:%s\n' "$(printf '%s' "$pw" | "$build/ntlm" hash)" >"$tmp/accounts"
printf 'BENCH:user:%s\n' "$pw" >"$tmp/users"
mkdir -p "$tmp/www/private"
printf 'hello\n' >"$tmp/www/private/index.html"
printf 'gssntlmssp_v1 1.3.6.1.4.1.311.2.2.10 %s\n' "$GSSNTLMSSP" >"$tmp/gssntlmssp.conf"
chmod -R a+rX "$tmp"

ticks() { # PID: utime + stime + cutime + cstime of PID and its live children
	local t=0 p f
	for p in "$1" $(pgrep -P "$1" 2>/dev/null || true); do
		f=$(cat "/proc/$p/stat" 2>/dev/null) || continue
		f=${f##*) }
		set -- $f
		t=$((t + ${12} + ${13} + ${14} + ${15}))
	done
	echo "$t"
}
ktime() { # PID: stime (+ cstime) of PID and its live children
	local t=0 p f
	for p in "$1" $(pgrep -P "$1" 2>/dev/null || true); do
		f=$(cat "/proc/$p/stat" 2>/dev/null) || continue
		f=${f##*) }
		set -- $f
		t=$((t + ${13} + ${15}))
	done
	echo "$t"
}
hz=$(getconf CLK_TCK)

# Both clients: bench_keepalive --logons, and libcurl --negotiate.
gss=(env GSS_MECH_CONFIG="$tmp/gssntlmssp.conf" NTLM_USER_FILE="$tmp/users")
light() { # URL C K [bench_keepalive options]
	local url=$1 c=$2 k=$3
	shift 3
	"$build/bench_keepalive" --url "$url" --user 'BENCH\user' --password "$pw" \
		--connections "$c" --logons "$k" --body $'hello\n' "$@"
}
curlneg() { # URL C K
	"${gss[@]}" "$build/bench_handshake" --negotiate --url "$1" --clients "$2" --handshakes "$3"
}
load() { cut -d' ' -f1-3 /proc/loadavg; }
LIGHT=()
CURL=()

# row light|curl NAME PID URL [bench_keepalive options]: warm up, then C
# clients x K logons; adds the row to LIGHT or CURL and sets PER (server CPU
# per logon, us).
row() {
	local client=$1 name=$2 pid=$3 url=$4 t0 k0 t1 k1 n cli rate lat
	shift 4
	"$client" "$url" 2 10 "$@" >/dev/null
	t0=$(ticks "$pid")
	k0=$(ktime "$pid")
	if ! { time "$client" "$url" "$C" "$K" "$@" >"$tmp/row.out" 2>"$tmp/row.err"; } \
		2>"$tmp/row.time"; then
		cat "$tmp/row.out" "$tmp/row.err" >&2
		echo "bench: FAIL: $client row of $name" >&2
		exit 1
	fi
	t1=$(ticks "$pid")
	k1=$(ktime "$pid")
	n=$((C * K))
	PER=$(((t1 - t0) * 1000000 / hz / n))
	cli=$(awk -v n="$n" 'NF == 2 { printf "%d", ($1 + $2) * 1e6 / n }' "$tmp/row.time")
	if [ "$client" = light ]; then
		rate=$(sed -n 's/.* \([0-9.]* logons\/s\)$/\1/p' "$tmp/row.out")
		lat=$(sed -n 's/^logon time *p50 \([0-9.]*\) ms *p99 \([0-9.]*\) ms/\1 \/ \2 ms/p' \
			"$tmp/row.out")
	else
		rate=$(sed -n 's/.*: \([0-9.]* handshakes\/s\).*/\1/p' "$tmp/row.out")
		lat=$(sed -n 's/.*latency p50 \([0-9.]*\) ms, p99 \([0-9.]*\) ms.*/\1 \/ \2 ms/p' \
			"$tmp/row.out")
	fi
	local line
	line=$(printf '| %-44s | %6d | %7s us | %7s us | %7s us | %s | %s | %s |' "$name" "$n" \
		"$PER" "$(((k1 - k0) * 1000000 / hz / n))" "$cli" "$rate" "$lat" "$(load)")
	if [ "$client" = light ]; then LIGHT+=("$line"); else CURL+=("$line"); fi
}
TIMEFORMAT='%3U %3S'

start_ntlm() { # NAME [options]: sets NPID and NPORT
	local name=$1 i
	shift
	: >"$tmp/$name.out" # created now: the server opens it in the background
	"$build/ntlm-httpd" --listen 127.0.0.1:0 --accounts "$tmp/accounts" --profile windows-default \
		--root "$tmp/www" --audit "$tmp/$name.jsonl" --max-connections $((HOLD + 100)) \
		--max-per-ip 0 "$@" >"$tmp/$name.out" 2>"$tmp/$name.log" &
	NPID=$!
	pids+=("$NPID")
	NPORT=
	for ((i = 0; i < 200; i++)); do
		NPORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$tmp/$name.out")
		[ -n "$NPORT" ] && return 0
		sleep 0.05
	done
	echo "bench: ntlm-httpd did not start" >&2
	cat "$tmp/$name.log" >&2
	exit 1
}
stop() { kill -TERM "$1"; wait "$1" || true; }

echo "== ntlm httpd against Apache + mod_auth_gssapi + gss-ntlmssp: server CPU per NTLM logon"
echo "   ($C clients x $K logons, a new connection each, every 200 and its body checked; load average $(load))"
[ -n "$GSSNTLMSSP" ] || { echo "bench: gss-ntlmssp is not installed" >&2; exit 1; }
url() { echo "http://127.0.0.1:$1/private/index.html"; }
start_ntlm ours
row light "ntlm httpd (epoll workers, one per CPU)" "$NPID" "$(url "$NPORT")" --audit "$tmp/ours.jsonl"
ours_light=$PER
row curlneg "ntlm httpd (epoll workers, one per CPU)" "$NPID" "$(url "$NPORT")"
ours_curl=$PER
stop "$NPID"
start_ntlm perconn --threads 0
row light "ntlm httpd --threads 0 (thread per connection)" "$NPID" "$(url "$NPORT")" \
	--audit "$tmp/perconn.jsonl"
row curlneg "ntlm httpd --threads 0 (thread per connection)" "$NPID" "$(url "$NPORT")"
stop "$NPID"

if [ -x "$apache" ] && [ -f "$mods/mod_auth_gssapi.so" ]; then
	port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	run_as=()
	if [ "$(id -u)" -eq 0 ]; then
		run_as=(setpriv --reuid=www-data --regid=www-data --clear-groups)
		chown -R www-data:www-data "$tmp"
	fi
	cat >"$tmp/httpd.conf" <<CONF
ServerRoot "$tmp"
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile "$tmp/httpd.pid"
ErrorLog "$tmp/error.log"
LogLevel warn
LoadModule mpm_event_module $mods/mod_mpm_event.so
LoadModule authn_core_module $mods/mod_authn_core.so
LoadModule authz_core_module $mods/mod_authz_core.so
LoadModule authz_user_module $mods/mod_authz_user.so
LoadModule auth_gssapi_module $mods/mod_auth_gssapi.so
LogFormat "%h %l %u %t \"%r\" %>s %b" common
CustomLog "$tmp/access.log" common
StartServers 2
ServerLimit 2
ThreadsPerChild 32
MaxRequestWorkers 64
MinSpareThreads 1
MaxSpareThreads 64
MaxConnectionsPerChild 0
DocumentRoot "$tmp/www"
<Location "/private">
    AuthType GSSAPI
    AuthName "ntlmssp"
    GssapiConnectionBound On
    GssapiBasicAuth Off
    Require valid-user
</Location>
CONF
	GSS_MECH_CONFIG="$tmp/gssntlmssp.conf" NTLM_USER_FILE="$tmp/users" \
		"${run_as[@]}" "$apache" -f "$tmp/httpd.conf" -DFOREGROUND &
	apid=$!
	pids+=("$apid")
	for ((i = 0; i < 100; i++)); do
		curl -s -o /dev/null "http://127.0.0.1:$port/" && break
		sleep 0.1
	done
	row light "Apache 2.4 event + mod_auth_gssapi + gss-ntlmssp" "$apid" "$(url "$port")"
	theirs_light=$PER
	row curlneg "Apache 2.4 event + mod_auth_gssapi + gss-ntlmssp" "$apid" "$(url "$port")"
	theirs_curl=$PER
	stop "$apid"
else
	echo "Apache + mod_auth_gssapi: skipped (apache2 / libapache2-mod-auth-gssapi not installed)"
fi
header() {
	printf '| %-44s | %6s | %10s | %10s | %10s | %s | %s | %s |\n' server logons "CPU/logon" \
		"of it kernel" "client CPU" rate "p50 / p99" "load average"
	echo "|---|---:|---:|---:|---:|---:|---:|---|"
}
ratio() { # APACHE OURS
	[ -n "$1" ] || return 0
	awk -v a="$1" -v o="$2" 'BEGIN { if (o > 0) printf "ntlm httpd costs %.1fx less CPU per logon than Apache + gss-ntlmssp\n", a / o }'
}
echo "-- client: bench_keepalive --logons (raw sockets + epoll + the library's client,"
echo "   Authorization: NTLM with the VERSION field; lighter than the servers, which share its"
echo "   2 CPUs: a real client runs on another machine)"
header
printf '%s\n' "${LIGHT[@]}"
ratio "${theirs_light:-}" "$ours_light"
echo "-- client: bench_handshake --negotiate (libcurl -> MIT SPNEGO -> gss-ntlmssp; heavier than"
echo "   the servers: its cache pollution on the shared CPUs is charged to them)"
header
printf '%s\n' "${CURL[@]}"
ratio "${theirs_curl:-}" "$ours_curl"

if [ "$HOLD" -gt 0 ]; then
	echo "== $HOLD authenticated keep-alive connections held at once (bench_hold)"
	if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt $((HOLD + 200)) ]; then
		echo "skipped: the descriptor hard limit $(ulimit -Hn) is under $((HOLD + 200))"
	else
		ulimit -n $((HOLD + 200))
		start_ntlm hold --quiet
		"$build/bench_hold" --url "http://127.0.0.1:$NPORT/private/index.html" --user 'BENCH\user' \
			--password "$pw" --connections "$HOLD" --server-pid "$NPID"
		stop "$NPID" # (the audit file is complete once the server stopped)
		got=$(grep -c '"event":9005' "$tmp/hold.jsonl" || true)
		echo "audit: $got logon events (want $HOLD, one per connection)"
		[ "$got" = "$HOLD" ] || { echo "bench: FAIL: logons not audited exactly once" >&2; exit 1; }
	fi
fi
