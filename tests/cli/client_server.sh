#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ntlm client / ntlm server over TCP on loopback: success with --seal, --sign
# and neither; every kind of denial (policy on either side, bad password,
# unknown user) with its audit event; hostile clients (huge length, garbage,
# stalling, forged messages, too many connections) while good clients keep
# working; signals; malformed options and files (exit 2, one line).
set -u
source "$(dirname "$0")/lib.bash"
DRIVER="python3 $HERE/peer_driver.py"

# ---- servers in the background, stopped on exit ----------------------------
SERVERS=()
cleanup() {
	for pid in "${SERVERS[@]}"; do
		kill -KILL "$pid" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT

# count_lines FILE REGEX
count_lines() {
	local n
	n=$(grep -Ec -- "$2" "$1" 2>/dev/null)
	echo "${n:-0}"
}

# wait_count FILE REGEX N: polls until FILE has at least N matching lines.
wait_count() {
	local i
	for ((i = 0; i < 600; i++)); do
		[ "$(count_lines "$1" "$2")" -ge "$3" ] && return 0
		sleep 0.1
	done
	return 1
}

# start_server NAME [ARGS...]: sets PORT; the log is $TMP/NAME.out.
start_server() {
	local name=$1
	shift
	: >"$TMP/$name.out" # emptied now, not in the background: no stale line is read
	"$NTLM" server --listen 127.0.0.1:0 "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
	local pid=$!
	SERVERS+=("$pid")
	eval "PID_$name=$pid"
	if ! wait_for "$TMP/$name.out" '^listening on 127\.0\.0\.1:[0-9]+$' 60; then
		fail "$name: server did not start: $(cat "$TMP/$name.err")"
		finish
	fi
	PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$TMP/$name.out")
}

# stop_server NAME [SIGNAL]: the server exits 0 and says why.
stop_server() {
	local pid
	eval "pid=\$PID_$1"
	kill -"${2:-TERM}" "$pid"
	wait "$pid"
	local rc=$? keep=() p
	for p in "${SERVERS[@]}"; do # a reaped pid may be reused: never kill it later
		[ "$p" == "$pid" ] || keep+=("$p")
	done
	SERVERS=("${keep[@]}")
	eq "$1: exit status after SIG${2:-TERM}" 0 "$rc"
	grep -q "stopped by SIG${2:-TERM}" "$TMP/$1.err" || fail "$1: no 'stopped by' line"
}

# client [ARGS...]: runs ntlm client with stdin from $IN (as run does).
client() {
	run client "$@"
}

# one_line NAME: stderr of the last run is exactly one line matching REGEX.
one_line() {
	CHECKS=$((CHECKS + 1))
	local n
	n=$(printf '%s' "$ERR" | grep -c '')
	[ "$n" -eq 1 ] || fail "$1: stderr has $n lines, want 1: $ERR"
	[ $# -lt 2 ] || grep -Eq -- "$2" <<<"$ERR" || fail "$1: stderr does not match /$2/: $ERR"
}

expect_rc() { # NAME WANT
	CHECKS=$((CHECKS + 1))
	[ "$RC" -eq "$2" ] || fail "$1: exit $RC, want $2; stderr: $ERR"
}

# audit_has NAME FILE EVENT [REGEX]: FILE has an event with that id (and text).
audit_has() {
	CHECKS=$((CHECKS + 1))
	grep -q "\"event\":$3," "$2" 2>/dev/null || { fail "$1: no event $3 in $2"; return; }
	[ $# -lt 4 ] || grep "\"event\":$3," "$2" | grep -Eq -- "$4" ||
		fail "$1: event $3 does not match /$4/"
}

# ---- fixtures ----------------------------------------------------------------
PW='S3cret!pw'
HASH=$(printf '%s' "$PW" | "$NTLM" hash)
printf 'CORP:alice:%s\n:bob:%s\n' "$HASH" "$(printf 'other' | "$NTLM" hash)" >"$TMP/accounts"
printf '%s\n' "$PW" >"$TMP/pw"
printf 'wrong\n' >"$TMP/badpw"
printf 'other\r\n' >"$TMP/bobpw"
chmod 600 "$TMP/pw" "$TMP/badpw" "$TMP/bobpw"
ALICE=(--user 'CORP\alice' --password-file "$TMP/pw")
printf '[MSV1_0]\nNtlmMinServerSec = 0x20\n' >"$TMP/server-seal.conf"
printf '[Lsa]\nLmCompatibilityLevel = 5\n' >"$TMP/server-l5.conf"
printf '[MSV1_0]\nRestrictReceivingNTLMTraffic = DenyAll\n' >"$TMP/server-deny.conf"
printf '[Lsa]\nLmCompatibilityLevel = 2\n' >"$TMP/client-l2.conf"
printf '[MSV1_0]\nRestrictSendingNTLMTraffic = 2\n' >"$TMP/client-deny.conf"
printf '[MSV1_0]\nRestrictSendingNTLMTraffic = 2\nClientAllowedNTLMServers = host/127.0.0.1\n' \
	>"$TMP/client-allow.conf"

# ---- help --------------------------------------------------------------------
for c in client server; do
	run $c --help
	expect_ok "$c --help"
	grep -q "^usage: ntlm $c" <<<"$OUT" || fail "$c --help: no usage: $OUT"
	run help $c
	expect_ok "help $c"
	run --help
	grep -q "^  $c " <<<"$OUT" || fail "ntlm --help does not list $c"
done

# ---- success: sealed, signed, and neither --------------------------------------
start_server main --accounts "$TMP/accounts" --audit "$TMP/main.audit"
LINES=$'hello, server\n\nline with  spaces and \ttab\nZo\xc3\xab \xe2\x82\xac\nno newline at the end'
WANT=$'hello, server\n\nline with  spaces and \ttab\nZo\xc3\xab \xe2\x82\xac\nno newline at the end'
n=0
for mode in --seal --sign none; do
	args=("${ALICE[@]}")
	[ "$mode" == none ] || args+=("$mode")
	IN=$LINES client "${args[@]}" "127.0.0.1:$PORT"
	expect_ok "$mode: client"
	eq "$mode: echoed lines" "$WANT" "$OUT"
	n=$((n + 1))
	wait_count "$TMP/main.out" '^peer=' $n || fail "$mode: no server line"
	line=$(grep '^peer=' "$TMP/main.out" | sed -n "${n}p")
	CHECKS=$((CHECKS + 1))
	grep -Eq '^peer=127\.0\.0\.1:[0-9]+ user=CORP\\alice response=NTLMv2 flags=0x[0-9a-f]{8} ' \
		<<<"$line" || fail "$mode: server line: $line"
	CHECKS=$((CHECKS + 1))
	grep -q ' messages=5 outcome=authenticated$' <<<"$line" || fail "$mode: outcome: $line"
	case $mode in
	--seal)
		want=sealed
		grep -q 'NTLMSSP_NEGOTIATE_SEAL' <<<"$line" || fail "--seal: no SEAL in $line"
		[ -z "$ERR" ] || fail "--seal: stderr: $ERR"
		;;
	--sign)
		want=signed
		grep -q 'NTLMSSP_NEGOTIATE_SIGN' <<<"$line" || fail "--sign: no SIGN in $line"
		grep -q 'NTLMSSP_NEGOTIATE_SEAL' <<<"$line" && fail "--sign: SEAL in $line"
		;;
	none)
		want=unprotected
		grep -Eq 'NTLMSSP_NEGOTIATE_(SIGN|SEAL)\b' <<<"$line" && fail "none: SIGN/SEAL: $line"
		one_line "none: warns" 'warning: neither SIGN nor SEAL'
		;;
	esac
	grep -q " protection=$want " <<<"$line" || fail "$mode: not $want: $line"
	grep -q 'names=.*NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY' <<<"$line" ||
		fail "$mode: flag names: $line"
done
audit_has "success" "$TMP/main.audit" 9005 '"peer":"127\.0\.0\.1:[0-9]+".*"user":"alice"'
eq "three successes audited" 3 "$(grep -c '"event":9005,' "$TMP/main.audit")"

# An empty stdin: authenticate, nothing to send, exit 0.
IN= client "${ALICE[@]}" --seal "127.0.0.1:$PORT"
expect_ok "empty stdin"
eq "empty stdin: no output" "" "$OUT"
# Any-domain account (:bob:...), password file with CRLF, IPv4 name as target.
IN=$'x\n' client --user 'OTHERDOM\bob' --password-file "$TMP/bobpw" --sign "127.0.0.1:$PORT"
expect_ok "any-domain account, CRLF password file"
eq "bob's echo" x "$OUT"
# --password (test scripts), --target, --profile.
IN=$'y\n' client --user 'CORP\alice' --password "$PW" --target HTTP/web.example \
	--profile windows-default --seal "127.0.0.1:$PORT"
expect_ok "--password, --target, --profile"
eq "echo" y "$OUT"
# The longest line (64 KiB frame minus the signature), and one byte more.
long=$(head -c 65520 /dev/zero | tr '\0' 'a')
printf '%s\n' "$long" >"$TMP/long"
run_file "$TMP/long" client "${ALICE[@]}" --seal "127.0.0.1:$PORT"
expect_ok "65520-byte line"
eq "65520-byte line echoed" 65520 "${#OUT}"
printf '%sa\n' "$long" >"$TMP/toolong"
run_file "$TMP/toolong" client "${ALICE[@]}" --seal "127.0.0.1:$PORT"
expect_usage "65521-byte line"
one_line "65521-byte line" 'stdin line 1 is longer than 65520 bytes'

# Many clients at once.
pids=()
for i in $(seq 1 12); do
	printf 'client %d\n' "$i" | "$NTLM" client "${ALICE[@]}" --seal "127.0.0.1:$PORT" \
		>"$TMP/par.$i" 2>&1 &
	pids+=($!)
done
for i in $(seq 1 12); do
	wait "${pids[$((i - 1))]}"
	eq "parallel client $i: exit" 0 $?
	eq "parallel client $i: echo" "client $i" "$(cat "$TMP/par.$i")"
done

# ---- denials ------------------------------------------------------------------
# Unknown user and bad password: exit 1, the same answer to the client (no
# account enumeration); the server's line and the audit record tell them apart.
before=$(count_lines "$TMP/main.out" '^peer=')
IN=$'x\n' client --user 'CORP\alice' --password-file "$TMP/badpw" "127.0.0.1:$PORT"
expect_rc "bad password" 1
one_line "bad password" '^ntlm client: the server refused the AUTHENTICATE: NTLM_E_LOGON_FAILURE: logon denied'
bad_pw_err=$ERR
eq "bad password: nothing printed" "" "$OUT"
IN=$'x\n' client --user 'CORP\mallory' --password-file "$TMP/pw" "127.0.0.1:$PORT"
expect_rc "unknown user" 1
one_line "unknown user" 'NTLM_E_LOGON_FAILURE: logon denied'
eq "unknown user: same answer as a bad password" "$bad_pw_err" "$ERR"
wait_for "$TMP/main.out" 'user=CORP\\mallory .*outcome=failed: NTLM_E_NO_SUCH_USER' 30 ||
	fail "unknown user: server line"
wait_for "$TMP/main.out" 'user=CORP\\alice .*outcome=failed: NTLM_E_LOGON_FAILURE' 30 ||
	fail "bad password: server line"
audit_has "bad password" "$TMP/main.audit" 9004 '"user":"alice"'
audit_has "unknown user" "$TMP/main.audit" 9004 '"user":"mallory"'

# Client policy: RestrictSendingNTLMTraffic = 2 refuses before connecting.
before=$(count_lines "$TMP/main.out" '^peer=')
IN=$'x\n' client --config "$TMP/client-deny.conf" --audit "$TMP/client.audit" "${ALICE[@]}" \
	"127.0.0.1:$PORT"
expect_rc "RestrictSendingNTLMTraffic = 2" 1
one_line "RestrictSendingNTLMTraffic = 2" \
	'^ntlm client: NTLM_E_POLICY_SEND_BLOCKED: RestrictSendingNTLMTraffic = 2'
audit_has "RestrictSendingNTLMTraffic = 2" "$TMP/client.audit" 4001 "host/127\.0\.0\.1"
# --config twice: both files apply, later wins (before, only the last one did and
# this client, with RestrictSendingNTLMTraffic = 1 from cis, connected).
printf '[Lsa]\nLmCompatibilityLevel = 5\n' >"$TMP/client-l5.conf"
: >"$TMP/client2.audit"
IN=$'x\n' client --config "$TMP/client-deny.conf" --config "$TMP/client-l5.conf" \
	--audit "$TMP/client2.audit" "${ALICE[@]}" "127.0.0.1:$PORT"
expect_rc "--config twice" 1
one_line "--config twice" '^ntlm client: NTLM_E_POLICY_SEND_BLOCKED: RestrictSendingNTLMTraffic = 2'
audit_has "--config twice" "$TMP/client2.audit" 4001
# ... unless the target is an allowed server.
IN=$'x\n' client --config "$TMP/client-allow.conf" "${ALICE[@]}" "127.0.0.1:$PORT"
expect_ok "ClientAllowedNTLMServers exception"
wait_count "$TMP/main.out" '^peer=' $((before + 1))
eq "the blocked client never connected" $((before + 1)) "$(count_lines "$TMP/main.out" '^peer=')"
# The exception list matches the target's host only (docs/policy.md "Exception
# lists"): hostile targets that merely contain a listed name are refused, audited
# as 4001, and never connect.
printf '[MSV1_0]\nRestrictSendingNTLMTraffic = 2\nClientAllowedNTLMServers = *.corp.example, host\n' \
	>"$TMP/client-review.conf"
for t in 'HTTP/evil.net/x.corp.example' 'HTTP@evil.net@x.corp.example' 'host/host.evil.example' \
	'HTTP/host.attacker.net:443'; do
	: >"$TMP/review.audit"
	IN=$'x\n' client --config "$TMP/client-review.conf" --audit "$TMP/review.audit" \
		"${ALICE[@]}" --target "$t" "127.0.0.1:$PORT"
	expect_rc "exception list vs $t" 1
	one_line "exception list vs $t" \
		'^ntlm client: NTLM_E_POLICY_SEND_BLOCKED: RestrictSendingNTLMTraffic = 2'
	audit_has "exception list vs $t" "$TMP/review.audit" 4001 "\"outcome\":\"blocked\""
done
eq "the hostile targets never connected" $((before + 1)) "$(count_lines "$TMP/main.out" '^peer=')"
stop_server main

# Server policy: NtlmMinServerSec = 0x20 needs SEAL; refused at the NEGOTIATE.
start_server seal --config "$TMP/server-seal.conf" --accounts "$TMP/accounts" \
	--audit "$TMP/seal.audit"
IN=$'x\n' client "${ALICE[@]}" --sign "127.0.0.1:$PORT"
expect_rc "NtlmMinServerSec without --seal" 1
one_line "NtlmMinServerSec" \
	'the server refused the NEGOTIATE: NTLM_E_POLICY_MIN_SEC: NtlmMinServerSec = 0x00000020 requires NTLMSSP_NEGOTIATE_SEAL'
audit_has "NtlmMinServerSec" "$TMP/seal.audit" 4011 '"missing":"0x00000020"'
wait_for "$TMP/seal.out" 'outcome=denied: NTLM_E_POLICY_MIN_SEC' 30 ||
	fail "NtlmMinServerSec: server line"
IN=$'sealed\n' client "${ALICE[@]}" --seal "127.0.0.1:$PORT"
expect_ok "NtlmMinServerSec with --seal"
eq "NtlmMinServerSec with --seal: echo" sealed "$OUT"
stop_server seal INT

# LmCompatibilityLevel: client 2 sends NTLMv1-ESS, server 5 refuses it.
start_server l5 --config "$TMP/server-l5.conf" --accounts "$TMP/accounts" --audit "$TMP/l5.audit"
IN=$'x\n' client --config "$TMP/client-l2.conf" "${ALICE[@]}" "127.0.0.1:$PORT"
expect_rc "LmCompatibilityLevel 2 vs 5" 1
one_line "LmCompatibilityLevel" \
	'NTLM_E_POLICY_RESPONSE_REFUSED: LmCompatibilityLevel = 5 .*NTLMv1-ESS'
audit_has "LmCompatibilityLevel" "$TMP/l5.audit" 9001 '"response_type":"NTLMv1-ESS"'
wait_for "$TMP/l5.out" 'response=NTLMv1-ESS .*outcome=denied: NTLM_E_POLICY_RESPONSE_REFUSED' 30 ||
	fail "LmCompatibilityLevel: server line"
stop_server l5

# RestrictReceivingNTLMTraffic = DenyAll.
start_server rr --config "$TMP/server-deny.conf" --accounts "$TMP/accounts" --audit "$TMP/rr.audit"
IN=$'x\n' client "${ALICE[@]}" "127.0.0.1:$PORT"
expect_rc "RestrictReceivingNTLMTraffic" 1
one_line "RestrictReceivingNTLMTraffic" 'NTLM_E_POLICY_RECEIVE_BLOCKED: .*RestrictReceivingNTLMTraffic'
audit_has "RestrictReceivingNTLMTraffic" "$TMP/rr.audit" 4002
stop_server rr

# ---- hostile clients ------------------------------------------------------------
start_server tough --accounts "$TMP/accounts" --timeout 8
good_client() { # NAME: a good client still authenticates
	IN=$'still fine\n' client "${ALICE[@]}" --seal "127.0.0.1:$PORT"
	expect_ok "$1: a good client"
	eq "$1: a good client's echo" "still fine" "$OUT"
}
# A length of 0xffffffff: refused before anything is allocated.
run_driver() {
	$DRIVER "$@" >"$TMP/driver.out" 2>"$TMP/driver.err"
	DRC=$?
	DOUT=$(cat "$TMP/driver.out")
	CHECKS=$((CHECKS + 1))
	[ "$DRC" -eq 0 ] || fail "driver $*: exit $DRC: $(cat "$TMP/driver.err")"
}
run_driver raw "$PORT" bytes ffffffff
grep -q '^frame: FAIL NTLM_E_TOKEN_TOO_LARGE: NEGOTIATE: frame of 4294967295 bytes; the limit is 2888$' \
	<<<"$DOUT" || fail "huge length: $DOUT"
grep -q '^closed: ' <<<"$DOUT" || fail "huge length: not closed: $DOUT"
# Garbage of a plausible length.
run_driver raw "$PORT" bytes 0000000a6e6f742d6e746c6d2121
grep -q '^frame: FAIL NTLM_E_' <<<"$DOUT" || fail "garbage: $DOUT"
# A frame cut short, then the peer leaves.
run_driver raw "$PORT" bytes 000000644e544c4d
grep -q '^frame: closed' <<<"$DOUT" || fail "short frame: $DOUT"
# Nothing at all: connect and close.
run_driver raw "$PORT" bytes ""
good_client "after the garbage"
wait_for "$TMP/tough.out" 'outcome=malformed: NTLM_E_TOKEN_TOO_LARGE' 30 || fail "huge: server line"
wait_for "$TMP/tough.out" 'outcome=error: reading the NEGOTIATE: the peer closed the connection inside a frame' 30 ||
	fail "short frame: server line"
wait_for "$TMP/tough.out" 'outcome=closed: before the NEGOTIATE' 30 || fail "empty: server line"

# A stalling client does not delay a good one, and is cut off by --timeout.
$DRIVER raw "$PORT" stall 60 >"$TMP/stall.out" 2>&1 &
stall_pid=$!
wait_for "$TMP/stall.out" '^connected: yes' 30 || fail "stall: did not connect"
t0=$SECONDS
good_client "while one stalls"
CHECKS=$((CHECKS + 1))
[ $((SECONDS - t0)) -lt 5 ] || fail "the good client waited for the staller ($((SECONDS - t0))s)"
wait "$stall_pid"
grep -q '^frame: FAIL timeout' "$TMP/stall.out" || fail "stall: $(cat "$TMP/stall.out")"
wait_for "$TMP/tough.out" 'outcome=timeout: waiting for the NEGOTIATE' 30 || fail "stall: server line"

# After authentication: a forged message, a huge length, a short one, silence.
relay() {
	run_driver tcp-relay "$PORT" "$1" -- "$NTLM" client --stdio "${ALICE[@]}" --seal
	grep -q '^result: OK CORP\\alice$' <<<"$DOUT" || fail "relay $1: $DOUT"
	grep -q '^client: 0$' <<<"$DOUT" || fail "relay $1: the stdio client failed: $DOUT"
}
relay badsig
grep -q '^frame: FAIL message 1: NTLM_E_MESSAGE_ALTERED' <<<"$DOUT" || fail "forged: $DOUT"
relay huge
grep -q '^frame: FAIL NTLM_E_TOKEN_TOO_LARGE: message 1: frame of 2147483647 bytes; the limit is 65536$' \
	<<<"$DOUT" || fail "huge message: $DOUT"
relay short
grep -q '^frame: FAIL NTLM_E_TRUNCATED: message 1 of 3 bytes' <<<"$DOUT" || fail "short: $DOUT"
relay stall
grep -q '^frame: FAIL timeout' <<<"$DOUT" || fail "idle: $DOUT"
wait_for "$TMP/tough.out" 'outcome=failed: message 1: NTLM_E_MESSAGE_ALTERED' 30 ||
	fail "forged: server line"
wait_for "$TMP/tough.out" 'messages=0 outcome=timeout: waiting for the message 1' 30 ||
	fail "idle: server line"

# SIGTERM with a connection open: it is closed, the server exits 0 promptly.
$DRIVER raw "$PORT" stall 60 >"$TMP/stall2.out" 2>&1 &
stall_pid=$!
wait_for "$TMP/stall2.out" '^connected: yes' 30
kill -0 "$PID_tough" 2>/dev/null || fail "the server died"
t0=$SECONDS
stop_server tough
CHECKS=$((CHECKS + 1))
[ $((SECONDS - t0)) -lt 5 ] || fail "SIGTERM took $((SECONDS - t0))s with a connection open"
wait "$stall_pid"
grep -q '^frame: closed' "$TMP/stall2.out" || fail "SIGTERM: $(cat "$TMP/stall2.out")"
CHECKS=$((CHECKS + 1))
grep -Eq 'AddressSanitizer|runtime error' "$TMP"/*.err && fail "sanitizer report: $(cat "$TMP"/*.err)"

# More connections than --max-connections: the extra one is told and closed,
# and the slots come back as the holders leave.
start_server cap --accounts "$TMP/accounts" --max-connections 3 --timeout 120
$DRIVER raw "$PORT" busy 3 120 >"$TMP/busy.out" 2>&1 &
busy_pid=$!
wait_for "$TMP/busy.out" '^connected: 3' 30 || fail "busy: $(cat "$TMP/busy.out")"
for ((i = 0; i < 600; i++)); do # until the server has taken all three
	run_driver raw "$PORT" bytes ""
	[ "$(count_lines "$TMP/cap.out" 'outcome=refused: server busy')" -gt 0 ] && break
	sleep 0.1
done
grep -q '^frame: FAIL server busy: too many connections$' <<<"$DOUT" || fail "busy frame: $DOUT"
IN=$'x\n' client "${ALICE[@]}" "127.0.0.1:$PORT"
expect_rc "over the cap" 1
one_line "over the cap" 'the server refused the NEGOTIATE: server busy'
kill "$busy_pid" 2>/dev/null
wait "$busy_pid" 2>/dev/null
wait_for "$TMP/cap.out" 'outcome=refused: server busy \(3 connections\)' 30 || fail "busy line"
wait_count "$TMP/cap.out" 'outcome=closed: before the NEGOTIATE' 3 || fail "holders' lines"
good_client "after the cap"
stop_server cap

# ---- usage errors and bad files: exit 2 ------------------------------------------
usage() { # NAME REGEX ARGS...
	local name=$1 re=$2
	shift 2
	IN=$'x\n' run "$@"
	expect_usage "$name" "$re"
}
A=(--user 'CORP\alice' --password-file "$TMP/pw")
usage "client: no address" 'HOST:PORT is required' client "${A[@]}"
usage "client: no --user" '--user DOMAIN\\USER is required' client --password-file "$TMP/pw" 127.0.0.1:1
usage "client: empty user" 'the user name is empty' client --user 'CORP\' --password-file "$TMP/pw" 127.0.0.1:1
usage "client: no password" '--password-file F' client --user 'CORP\alice' 127.0.0.1:1
usage "client: two passwords" 'exclude each other' client "${A[@]}" --password x 127.0.0.1:1
usage "client: --sign --seal" '--sign and --seal exclude' client "${A[@]}" --sign --seal 127.0.0.1:1
usage "client: --config --profile" 'exclude each other' client "${A[@]}" --config x --profile cis 127.0.0.1:1
usage "client: --data without --stdio" '--data goes with --stdio' client "${A[@]}" --data 1 127.0.0.1:1
usage "client: unknown option" "unknown option '--frob'" client "${A[@]}" --frob 127.0.0.1:1
usage "client: unknown option with a value" "unknown option '--pass'$" client "${A[@]}" --pass=secret 127.0.0.1:1
usage "client: missing value" '--user needs a value' client --user
usage "client: two addresses" 'one HOST:PORT only' client "${A[@]}" 127.0.0.1:1 127.0.0.1:2
for bad in 127.0.0.1 127.0.0.1: :80 127.0.0.1:0 127.0.0.1:65536 127.0.0.1:-1 127.0.0.1:8x \
	127.0.0.1:+80 '127.0.0.1: 80' ::1:80 '[::1]' '[::1]80' 'a b:80' $'h\x01:80' 127.0.0.1:0000080; do
	usage "client: bad address '$bad'" 'bad address' client "${A[@]}" "$bad"
done
usage "client: bad --timeout" '--timeout' client "${A[@]}" --timeout 0 127.0.0.1:1
usage "client: bad --timeout 2" '--timeout' client "${A[@]}" --timeout 5s 127.0.0.1:1
usage "client: --timeout with --stdio" 'TCP, not --stdio' client "${A[@]}" --stdio --timeout 5
# Files: one line naming the file (and its line for a config).
IN=x run client --user 'CORP\alice' --password-file "$TMP/nope" 127.0.0.1:1
expect_usage "client: missing password file"
one_line "client: missing password file" "password file .*/nope: No such file"
chmod 640 "$TMP/badpw"
IN=x run client --user 'CORP\alice' --password-file "$TMP/badpw" 127.0.0.1:1
expect_usage "client: group-readable password file"
one_line "client: group-readable password file" 'mode 0640 lets group or others use it; chmod 600'
: >"$TMP/emptypw"
chmod 600 "$TMP/emptypw"
IN=x run client --user 'CORP\alice' --password-file "$TMP/emptypw" 127.0.0.1:1
expect_usage "client: empty password file"
one_line "client: empty password file" 'is empty'
IN=x run client --user 'CORP\alice' --password-file "$TMP" 127.0.0.1:1
expect_usage "client: password file is a directory"
one_line "client: password file is a directory" 'not a regular file'
mkfifo "$TMP/pwfifo"
IN=x run client --user 'CORP\alice' --password-file "$TMP/pwfifo" 127.0.0.1:1
expect_usage "client: password file is a fifo (no hang)"
one_line "client: password file is a fifo" 'not a regular file'
IN=x run client --config "$TMP/nope.conf" "${A[@]}" 127.0.0.1:1
expect_usage "client: missing config"
one_line "client: missing config" 'nope\.conf'
printf '[Lsa]\nLmCompatibilityLevel = 9\n' >"$TMP/bad.conf"
IN=x run client --config "$TMP/bad.conf" "${A[@]}" 127.0.0.1:1
expect_usage "client: bad config"
one_line "client: bad config" 'NTLM_E_CONFIG: .*bad\.conf:2: LmCompatibilityLevel = 9'
IN=x run client --profile nope "${A[@]}" 127.0.0.1:1
expect_usage "client: unknown profile"
one_line "client: unknown profile" "unknown profile 'nope'"
IN=x run client "${A[@]}" --audit "$TMP/nodir/audit" 127.0.0.1:1
expect_usage "client: audit file in a missing directory"
one_line "client: audit file" 'nodir/audit'
# Nobody listening: an I/O error, exit 2, one line.
start_server gone --accounts "$TMP/accounts"
gone_port=$PORT
stop_server gone
IN=x run client "${A[@]}" "127.0.0.1:$gone_port"
expect_usage "client: connection refused"
one_line "client: connection refused" "cannot connect to 127\.0\.0\.1:$gone_port: Connection refused"
IN=x run client "${A[@]}" "no-such-host.invalid:80"
expect_usage "client: unknown host"
one_line "client: unknown host" 'cannot resolve no-such-host\.invalid'

S=(--accounts "$TMP/accounts")
usage "server: no --listen" '--listen HOST:PORT is required' server "${S[@]}"
usage "server: no --accounts and none in the policy" 'no account backends: give --accounts' server --listen 127.0.0.1:0
usage "server: unknown option" "unknown option '--frob'" server "${S[@]}" --listen 127.0.0.1:0 --frob
usage "server: extra argument" "unexpected argument 'extra'" server "${S[@]}" --listen 127.0.0.1:0 extra
usage "server: --config --profile" 'exclude each other' server "${S[@]}" --listen 127.0.0.1:0 --config x --profile cis
usage "server: missing value" '--listen needs a value' server "${S[@]}" --listen
for bad in 127.0.0.1 :0 127.0.0.1:65536 127.0.0.1:x '[::1]0'; do
	usage "server: bad --listen '$bad'" 'bad --listen address' server "${S[@]}" --listen "$bad"
done
usage "server: bad --timeout" '--timeout' server "${S[@]}" --listen 127.0.0.1:0 --timeout 99999
usage "server: bad --max-connections" '--max-connections' server "${S[@]}" --listen 127.0.0.1:0 --max-connections 0
usage "server: --stdio with --listen" '--stdio takes no --listen' server "${S[@]}" --stdio --listen 127.0.0.1:0
IN= run server --listen 127.0.0.1:0 --accounts "$TMP/nope"
expect_usage "server: missing accounts file"
one_line "server: missing accounts file" 'nope'
printf 'CORP:alice:nothex\n' >"$TMP/bad.accounts"
IN= run server --listen 127.0.0.1:0 --accounts "$TMP/bad.accounts"
expect_usage "server: malformed accounts file"
one_line "server: malformed accounts file" 'NTLM_E_ACCOUNTS_FILE: .*bad\.accounts:1'
IN= run server --listen 127.0.0.1:0 --accounts "$TMP/accounts" --config "$TMP/bad.conf"
expect_usage "server: bad config"
one_line "server: bad config" 'bad\.conf:2'
IN= run server --listen 127.0.0.1:0 --accounts "$TMP/accounts" --profile nope
expect_usage "server: unknown profile"
one_line "server: unknown profile" "unknown profile 'nope'"
# The port is taken.
start_server busyport --accounts "$TMP/accounts"
IN= run server --listen "127.0.0.1:$PORT" --accounts "$TMP/accounts"
expect_usage "server: port in use"
one_line "server: port in use" "cannot listen on 127\.0\.0\.1:$PORT: Address already in use"
stop_server busyport

finish
