#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make bench`, part 4 (docs/performance.md "ntlm httpd against Apache"):
# the cost of an NTLM logon over HTTP, server side, in one run:
#   - ntlm httpd (event-driven workers, the default), --root DIR;
#   - ntlm httpd --threads 0 (a thread per connection, as before);
#   - Apache 2.4 (event MPM) + mod_auth_gssapi + gss-ntlmssp, the same file;
# all with their request log on and the same account, driven by the same
# client: bench_handshake --negotiate (libcurl -> MIT SPNEGO -> gss-ntlmssp,
# which both servers accept; Apache + gss-ntlmssp refuses curl's own 32-byte
# NTLM NEGOTIATE), a new connection per logon. CPU per logon = the server
# processes' utime + stime (children reaped included) / logons.
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

# row NAME PID URL: warm up, then C clients x K logons; prints the row and
# sets PER (CPU per logon, us).
row() {
	local name=$1 pid=$2 url=$3 t0 k0 t1 k1 out n
	GSS_MECH_CONFIG="$tmp/gssntlmssp.conf" NTLM_USER_FILE="$tmp/users" \
		"$build/bench_handshake" --negotiate --url "$url" --clients 2 --handshakes 10 >/dev/null
	t0=$(ticks "$pid")
	k0=$(ktime "$pid")
	out=$(GSS_MECH_CONFIG="$tmp/gssntlmssp.conf" NTLM_USER_FILE="$tmp/users" \
		"$build/bench_handshake" --negotiate --url "$url" --clients "$C" --handshakes "$K")
	t1=$(ticks "$pid")
	k1=$(ktime "$pid")
	n=$((C * K))
	PER=$(((t1 - t0) * 1000000 / hz / n))
	printf '| %-44s | %6d | %7s us | %7s us | %s |\n' "$name" "$n" "$PER" \
		"$(((k1 - k0) * 1000000 / hz / n))" \
		"$(sed -n 's/.*: \([0-9.]* handshakes\/s\).*/\1/p' <<<"$out")"
}

start_ntlm() { # NAME [options]: sets NPID and NPORT
	local name=$1 i
	shift
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
echo "   ($C clients x $K logons, a new connection each; client: libcurl --negotiate over gss-ntlmssp)"
printf '| %-44s | %6s | %10s | %10s | %s |\n' server logons "CPU/logon" "of it kernel" "rate"
echo "|---|---:|---:|---:|---|"
[ -n "$GSSNTLMSSP" ] || { echo "bench: gss-ntlmssp is not installed" >&2; exit 1; }
start_ntlm ours
row "ntlm httpd (epoll workers, one per CPU)" "$NPID" "http://127.0.0.1:$NPORT/private/index.html"
ours=$PER
stop "$NPID"
start_ntlm perconn --threads 0
row "ntlm httpd --threads 0 (thread per connection)" "$NPID" "http://127.0.0.1:$NPORT/private/index.html"
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
	row "Apache 2.4 event + mod_auth_gssapi + gss-ntlmssp" "$apid" \
		"http://127.0.0.1:$port/private/index.html"
	theirs=$PER
	stop "$apid"
	awk -v a="$theirs" -v o="$ours" 'BEGIN { if (o > 0) printf "ntlm httpd costs %.1fx less CPU per logon than Apache + gss-ntlmssp\n", a / o }'
else
	echo "Apache + mod_auth_gssapi: skipped (apache2 / libapache2-mod-auth-gssapi not installed)"
fi

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
