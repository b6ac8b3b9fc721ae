# SPDX-License-Identifier: MIT
# Helpers for tests/domain/check_*.sh (sourced). run.sh exports NTLM (the
# ntlm binary), BUILD (the build directory), D (the domain's state
# directory) and NS (its network namespace).
: "${D:?run by tests/domain/run.sh}" "${NS:?}" "${NTLM:?}" "${BUILD:?}"
DHERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TMP=$(mktemp -d "$D/check.XXXXXX")
PY=/usr/bin/python3
FAILS=0
CHECKS=0
REALM=TESTDOM.EXAMPLE
NBDOM=TESTDOM
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

fail() {
	echo "FAIL: $*" >&2
	FAILS=$((FAILS + 1))
}
eq() { # NAME WANT GOT
	CHECKS=$((CHECKS + 1))
	[ "$2" == "$3" ] || fail "$1: got '$3', want '$2'"
}
contains() { # NAME NEEDLE HAYSTACK
	CHECKS=$((CHECKS + 1))
	grep -Fq -- "$2" <<<"$3" || fail "$1: no '$2' in: $(head -c 2000 <<<"$3")"
}
lacks() { # NAME NEEDLE HAYSTACK
	CHECKS=$((CHECKS + 1))
	! grep -Fq -- "$2" <<<"$3" || fail "$1: unexpected '$2' in: $(head -c 2000 <<<"$3")"
}
# Runs a command as a client of the member's (or the DC's) winbindd.
wb_member() { bash "$DHERE/domain.sh" wb "$D" member "$@"; }
wb_dc() { bash "$DHERE/domain.sh" wb "$D" dc "$@"; }

finish() {
	echo "$(basename "$0" .sh): $CHECKS checks, $FAILS failed"
	[ "$FAILS" -eq 0 ]
}

# python3-ntlm-auth needs MD4: OpenSSL 3's legacy provider.
cat >"$TMP/openssl.cnf" <<'CNF'
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
CNF
export OPENSSL_CONF=$TMP/openssl.cnf

DAEMON_PIDS=()
# start_daemon NAME ntlm-args...: runs `ntlm ARGS` as a client of the
# member's winbindd (WB=dc: the DC's own), waits for its "listening on"
# line, sets PORT and LAST_PID.
start_daemon() {
	local name=$1 i
	shift
	# domain.sh execs unshare, which execs sh, which execs ntlm: $! is ntlm.
	bash "$DHERE/domain.sh" wb "$D" "${WB:-member}" "$NTLM" "$@" >"$TMP/$name.out" \
		2>"$TMP/$name.err" &
	DAEMON_PIDS+=($!)
	LAST_PID=$!
	PORT=
	for ((i = 0; i < 1200; i++)); do
		PORT=$(sed -n 's|.*listening on [a-z:/]*127\.0\.0\.1:\([0-9]*\).*|\1|p' "$TMP/$name.out" | head -1)
		[ -n "$PORT" ] && return 0
		kill -0 "$LAST_PID" 2>/dev/null || break
		sleep 0.05
	done
	fail "$name did not start: $(tail -5 "$TMP/$name.err")"
	return 1
}
# stop_daemon PID: SIGTERM, and it must exit 0.
stop_daemon() {
	kill -TERM "$1" 2>/dev/null
	wait "$1"
	eq "daemon $1 exit after SIGTERM" 0 "$?"
}
stop_all() {
	local p
	for p in "${DAEMON_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	DAEMON_PIDS=()
}
trap stop_all EXIT

# events FILE: one "ID OUTCOME DOMAIN\USER | REASON" line per audit record.
# (ntlm httpd writes its audit file every 100 ms: both wait for the records
# of what just happened)
events() {
	sleep "${AUDIT_SETTLE:-0.3}"
	[ -f "$1" ] || return 0
	$PY -c '
import json, sys
for l in open(sys.argv[1], encoding="utf-8"):
    e = json.loads(l)
    print("%d %s %s\\%s | %s" % (e["event"], e["outcome"], e["domain"], e["user"], e["reason"]))
' "$1"
}
# count_events FILE ID: records with this id.
count_events() {
	sleep "${AUDIT_SETTLE:-0.3}"
	[ -f "$1" ] || { echo 0; return; }
	grep -c "^{\"event\":$2," "$1"
}
# last_event FILE: the last record as an events line.
last_event() { events "$1" | tail -n 1; }

curl_ntlm() { # USER:PASS curl-args...
	local cred=$1
	shift
	curl -sS --max-time 60 --ntlm -u "$cred" "$@"
}
