# SPDX-License-Identifier: MIT
# Shared helpers for tests/http/*.sh (sourced; ctest runs only the *.sh).
# Each script takes the ntlm binary as $1, starts its own `ntlm httpd` on a
# free port (--listen 127.0.0.1:0; the server prints the port it got),
# stops it with SIGTERM, and exits nonzero on any failure. Nothing is
# installed here: scripts/install-deps.sh brings curl, python3-requests and
# python3-requests-ntlm.

NTLM=${1:?usage: bash $0 /path/to/ntlm}
[ -x "$NTLM" ] || { echo "not executable: $NTLM"; exit 1; }
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TMP=$(mktemp -d)
# Debian's python3 (python3-requests-ntlm lives there), whatever is first in PATH.
PY=/usr/bin/python3
# Generous: the machine may be slow and shared, and ASan is slower still.
START_TIMEOUT=${HTTPD_TEST_START_TIMEOUT:-60}
FAILS=0
CHECKS=0
SERVER_PID=
SERVER_NAME=
EXTRA_PIDS=()

DEMO_PW='Demo-Passw0rd!'
ALICE_PW='S3cret!pw'

# The MD4 that python3-ntlm-auth needs is in OpenSSL 3's legacy provider.
cat >"$TMP/openssl.cnf" <<'EOF'
openssl_conf = openssl_init
[openssl_init]
providers = provider_sect
[provider_sect]
default = default_sect
legacy = legacy_sect
[default_sect]
activate = 1
[legacy_sect]
activate = 1
EOF
export OPENSSL_CONF=$TMP/openssl.cnf
# Never go through a proxy from the environment.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

fail() {
	echo "FAIL: $*" >&2
	FAILS=$((FAILS + 1))
}

# eq NAME WANT GOT
eq() {
	CHECKS=$((CHECKS + 1))
	[ "$2" == "$3" ] || fail "$1: got '$3', want '$2'"
}

# contains NAME NEEDLE HAYSTACK
contains() {
	CHECKS=$((CHECKS + 1))
	grep -Fq -- "$2" <<<"$3" || fail "$1: no '$2' in: $(head -c 2000 <<<"$3")"
}

# lacks NAME NEEDLE HAYSTACK
lacks() {
	CHECKS=$((CHECKS + 1))
	! grep -Fq -- "$2" <<<"$3" || fail "$1: unexpected '$2' in: $(head -c 2000 <<<"$3")"
}

# Accounts: DEMO\demo, CORP\alice, and ":local" (any domain).
# took LABEL OUTPUT MIN MAX: an open-loop run's line ("... late) in S s:
# ...", bench_handshake's words) says it took from MIN to MAX seconds: the
# schedule's length, and not far past it.
took() {
	local secs
	secs=$(sed -n 's/.*late) in \([0-9.]*\) s: .*/\1/p' <<<"$2")
	CHECKS=$((CHECKS + 1))
	awk -v s="${secs:-x}" -v lo="$3" -v hi="$4" 'BEGIN { exit !(s ~ /^[0-9.]+$/ && s >= lo && s < hi) }' ||
		fail "$1: the run took ${secs:-?} s, not from $3 to $4 s"
}

make_accounts() {
	{
		echo "# test accounts"
		printf 'DEMO:demo:%s\n' "$(printf '%s' "$DEMO_PW" | "$NTLM" hash)"
		printf 'CORP:alice:%s\n' "$(printf '%s' "$ALICE_PW" | "$NTLM" hash)"
	} >"$TMP/accounts"
}

# wait_pid PID SECONDS: waits for a child; kills it after SECONDS. Sets RC.
wait_pid() {
	local pid=$1 secs=$2 sl done=
	# No EXIT trap in the forked child (it could be killed before its exec).
	trap - EXIT
	sleep "$secs" >/dev/null 2>&1 &
	sl=$!
	trap cleanup EXIT
	wait -n -p done "$pid" "$sl"
	RC=$?
	if [ "$done" = "$sl" ]; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid"
		RC=$?
	else
		kill "$sl" 2>/dev/null
		wait "$sl" 2>/dev/null
	fi
	return 0
}

# start_server NAME [httpd options...]: starts `ntlm httpd` with the test
# accounts and $TMP/NAME.audit, waits until it listens, sets PORT and BASE.
start_server() {
	local name=$1 i
	shift
	SERVER_NAME=$name
	: >"$TMP/$name.out"
	"$NTLM" httpd --listen 127.0.0.1:0 --accounts "$TMP/accounts" \
		--audit "$TMP/$name.audit" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
	SERVER_PID=$!
	for ((i = 0; i < START_TIMEOUT * 20; i++)); do
		grep -q 'listening on' "$TMP/$name.out" && break
		if ! kill -0 "$SERVER_PID" 2>/dev/null; then
			break
		fi
		sleep 0.05
	done
	PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$TMP/$name.out")
	if [ -z "$PORT" ]; then
		echo "FAIL: server $name did not start:" >&2
		cat "$TMP/$name.err" >&2
		exit 1
	fi
	BASE=http://127.0.0.1:$PORT
	AUDIT=$TMP/$name.audit
}

# stop_server: SIGTERM, then the exit status must be 0 (a clean shutdown;
# under ASan also no leak).
stop_server() {
	[ -n "$SERVER_PID" ] || return 0
	kill -TERM "$SERVER_PID" 2>/dev/null
	wait_pid "$SERVER_PID" 60
	CHECKS=$((CHECKS + 1))
	if [ "$RC" -ne 0 ]; then
		fail "server $SERVER_NAME exited $RC after SIGTERM; stderr:"
		tail -n 40 "$TMP/$SERVER_NAME.err" >&2
	fi
	grep -q 'ERROR: AddressSanitizer\|runtime error:' "$TMP/$SERVER_NAME.err" &&
		fail "sanitizer report in server $SERVER_NAME stderr" &&
		grep -A30 'ERROR: AddressSanitizer\|runtime error:' "$TMP/$SERVER_NAME.err" >&2
	SERVER_PID=
}

# server_alive NAME: the server still runs (no crash).
server_alive() {
	CHECKS=$((CHECKS + 1))
	kill -0 "$SERVER_PID" 2>/dev/null || fail "$1: the server is gone; stderr: $(tail -n 20 "$TMP/$SERVER_NAME.err")"
}

# count_events ID [FILE]: audit records with this event id.
# The server writes its audit file every 100 ms (buffered, docs/httpd.md
# "Audit"), so this first waits for the records of what just happened.
count_events() {
	local f=${2:-$AUDIT}
	sleep "${AUDIT_SETTLE:-0.3}"
	[ -f "$f" ] || { echo 0; return; }
	grep -c "^{\"event\":$1," "$f"
}

# last_record ID [FILE]: the newest audit record with this event id, once the
# records of what just happened are written (as count_events).
last_record() {
	local f=${2:-$AUDIT}
	sleep "${AUDIT_SETTLE:-0.3}"
	[ -f "$f" ] || return 0
	grep "^{\"event\":$1," "$f" | tail -n 1
}

# curl_ntlm USER:PASS [curl args...]: prints "HTTP_CODE" on the last line.
curl_ntlm() {
	local cred=$1
	shift
	curl -sS --max-time 60 --ntlm -u "$cred" "$@"
}

MAIN_PID=$BASHPID
cleanup() {
	# Only the test's own shell cleans up, never a subshell that inherited the trap.
	[ "$BASHPID" = "$MAIN_PID" ] || return 0
	if [ -n "$SERVER_PID" ]; then
		kill -TERM "$SERVER_PID" 2>/dev/null
		wait_pid "$SERVER_PID" 30
	fi
	for p in "${EXTRA_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT

finish() {
	stop_server
	if [ "$FAILS" -ne 0 ]; then
		echo "$FAILS of $CHECKS checks failed" >&2
		exit 1
	fi
	echo "all $CHECKS checks passed"
	exit 0
}

make_accounts
