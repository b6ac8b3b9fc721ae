#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ntlm client --stdio / ntlm server --stdio (ntlm-lines/1): a full session
# through two fifos with WRAP and MIC requests of every size and BYE; FAIL
# paths (exit 1) on either side; malformed lines (ERR, exit 2); a tampered
# answer; usage errors.
set -u
source "$(dirname "$0")/lib.bash"
DRIVER="python3 $HERE/peer_driver.py"
KIDS=()
cleanup() {
	for pid in "${KIDS[@]}"; do
		kill -KILL "$pid" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT

expect_rc() { # NAME WANT GOT [CONTEXT]
	CHECKS=$((CHECKS + 1))
	[ "$3" -eq "$2" ] || fail "$1: exit $3, want $2${4:+; $4}"
}

one_line() { # NAME FILE REGEX: FILE is one line matching REGEX
	CHECKS=$((CHECKS + 1))
	local n
	n=$(grep -c '' "$2")
	[ "$n" -eq 1 ] || fail "$1: $n lines, want 1: $(cat "$2")"
	grep -Eq -- "$3" "$2" || fail "$1: does not match /$3/: $(cat "$2")"
}

# pair NAME SERVER_ARGS... -- CLIENT_ARGS...: runs both ends through fifos;
# sets SRC/CRC and leaves stderr in $TMP/NAME.{server,client}.err.
pair() {
	local name=$1 sargs=() cargs=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		sargs+=("$1")
		shift
	done
	shift
	cargs=("$@")
	rm -f "$TMP/c2s" "$TMP/s2c"
	mkfifo "$TMP/c2s" "$TMP/s2c"
	timeout 300 "$NTLM" server --stdio "${sargs[@]}" <"$TMP/c2s" >"$TMP/s2c" \
		2>"$TMP/$name.server.err" &
	KIDS=($!)
	timeout 300 "$NTLM" client --stdio "${cargs[@]}" >"$TMP/c2s" <"$TMP/s2c" \
		2>"$TMP/$name.client.err"
	CRC=$?
	wait "${KIDS[0]}"
	SRC=$?
	KIDS=()
}

PW='S3cret!pw'
printf 'CORP:alice:%s\n' "$(printf '%s' "$PW" | "$NTLM" hash)" >"$TMP/accounts"
printf '%s\n' "$PW" >"$TMP/pw"
chmod 600 "$TMP/pw"
SRV=(--accounts "$TMP/accounts" --audit "$TMP/audit")
ALICE=(--user 'CORP\alice' --password-file "$TMP/pw")
printf '[MSV1_0]\nNtlmMinServerSec = 0x20\n' >"$TMP/server-seal.conf"

# ---- full sessions ---------------------------------------------------------------
for mode in --seal --sign none; do
	args=("${ALICE[@]}" --data 6)
	[ "$mode" == none ] || args+=("$mode")
	pair "ok$mode" "${SRV[@]}" -- "${args[@]}"
	expect_rc "$mode: client" 0 "$CRC" "$(cat "$TMP/ok$mode.client.err")"
	expect_rc "$mode: server" 0 "$SRC" "$(cat "$TMP/ok$mode.server.err")"
	one_line "$mode: server summary" "$TMP/ok$mode.server.err" \
		'^ntlm server: peer=stdio user=CORP\\alice response=NTLMv2 .* messages=12 outcome=authenticated$'
done
grep -q 'protection=sealed' "$TMP/ok--seal.server.err" || fail "--seal: not sealed"
grep -q 'protection=signed' "$TMP/ok--sign.server.err" || fail "--sign: not signed"
grep -q 'protection=unprotected' "$TMP/oknone.server.err" || fail "none: $(cat "$TMP/oknone.server.err")"
eq "sessions audited" 3 "$(grep -c '"event":9005,.*"peer":"stdio"' "$TMP/audit")"
# --password and --data 0 (handshake and BYE only); --password-file=F form.
pair zero "${SRV[@]}" -- --user 'CORP\alice' --password "$PW" --seal
expect_rc "--data 0: client" 0 "$CRC" "$(cat "$TMP/zero.client.err")"
expect_rc "--data 0: server" 0 "$SRC"
grep -q 'messages=0 outcome=authenticated' "$TMP/zero.server.err" || fail "--data 0"
pair eqform --accounts="$TMP/accounts" -- --user='CORP\alice' --password-file="$TMP/pw" --data=1
expect_rc "--opt=value forms" 0 "$CRC" "$(cat "$TMP/eqform.client.err")"

# ---- FAIL paths: exit 1 on both sides -------------------------------------------
printf 'wrong\n' >"$TMP/badpw"
chmod 600 "$TMP/badpw"
pair badpw "${SRV[@]}" -- --user 'CORP\alice' --password-file "$TMP/badpw" --data 2
expect_rc "bad password: client" 1 "$CRC"
expect_rc "bad password: server" 1 "$SRC"
one_line "bad password: client" "$TMP/badpw.client.err" \
	'^ntlm client: the server refused the AUTHENTICATE: NTLM_E_LOGON_FAILURE: logon denied'
one_line "bad password: server" "$TMP/badpw.server.err" 'outcome=failed: NTLM_E_LOGON_FAILURE'
grep -q '"event":9004,' "$TMP/audit" || fail "bad password: no 9004"

pair unknown "${SRV[@]}" -- --user 'CORP\mallory' --password-file "$TMP/pw"
expect_rc "unknown user: client" 1 "$CRC"
expect_rc "unknown user: server" 1 "$SRC"
one_line "unknown user: server" "$TMP/unknown.server.err" 'outcome=failed: NTLM_E_NO_SUCH_USER'

pair minsec --config "$TMP/server-seal.conf" "${SRV[@]}" -- "${ALICE[@]}" --sign --data 1
expect_rc "NtlmMinServerSec: client" 1 "$CRC"
expect_rc "NtlmMinServerSec: server" 1 "$SRC"
one_line "NtlmMinServerSec: client" "$TMP/minsec.client.err" \
	'the server refused the NEGOTIATE: NTLM_E_POLICY_MIN_SEC: NtlmMinServerSec = 0x00000020'
grep -q '"event":4011,' "$TMP/audit" || fail "NtlmMinServerSec: no 4011"

# Client-side policy: a CHALLENGE without ESS (edited in flight) fails the
# client's NtlmMinClientSec (cis: 0x20080000) before any AUTHENTICATE.
run_driver() {
	$DRIVER "$@" >"$TMP/driver.out" 2>"$TMP/driver.err"
	DRC=$?
	DOUT=$(cat "$TMP/driver.out")
	expect_rc "driver $1 $2" 0 "$DRC" "$(cat "$TMP/driver.err")"
}
run_driver stdio-mitm strip-ess -- "$NTLM" server --stdio "${SRV[@]}" -- \
	"$NTLM" client --stdio "${ALICE[@]}" --audit "$TMP/client.audit" --data 1
grep -q '^client: 1$' <<<"$DOUT" || fail "strip-ess: client: $DOUT"
grep -q '^server: 2$' <<<"$DOUT" || fail "strip-ess: the server saw no AUTHENTICATE: $DOUT"
grep -q 'ntlm client: NTLM_E_POLICY_MIN_SEC: NtlmMinClientSec = 0x20080000 requires NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY' \
	"$TMP/driver.err" || fail "strip-ess: $(cat "$TMP/driver.err")"
grep -q '"event":4010,.*"missing":"0x00080000"' "$TMP/client.audit" || fail "strip-ess: no 4010"

# Issue 12 item 2: a level-2 client (NTLMv1: no MIC guards the transcript) asks
# for sealing; a man in the middle clears SIGN, SEAL and 128 in the CHALLENGE.
# --seal is a condition: the client refuses the CHALLENGE (exit 1) and the
# audit event says what was asked and what was granted. (Without it the data
# went out unprotected, with a warning, exit 0.)
printf '[Lsa]\nLmCompatibilityLevel = 2\n[MSV1_0]\nNtlmMinClientSec = 0\n' >"$TMP/client-v1.conf"
printf '[Lsa]\nLmCompatibilityLevel = 3\n[MSV1_0]\nNtlmMinServerSec = 0\n' >"$TMP/server-v1.conf"
run_driver stdio-mitm strip-prot -- "$NTLM" server --stdio --config "$TMP/server-v1.conf" \
	"${SRV[@]}" -- "$NTLM" client --stdio --config "$TMP/client-v1.conf" "${ALICE[@]}" \
	--audit "$TMP/prot.audit" --seal --data 1
grep -q '^client: 1$' <<<"$DOUT" || fail "strip-prot --seal: client: $DOUT"
grep -q 'ntlm client: NTLM_E_POLICY_PROTECTION: NTLMSSP_NEGOTIATE_SEAL required, not granted' \
	"$TMP/driver.err" || fail "strip-prot --seal: $(cat "$TMP/driver.err")"
grep -q '"event":9009,"name":"protection-refused",.*"missing":"0x00000020",.*"requested":"0x00000030","requested_names":\["NTLMSSP_NEGOTIATE_SIGN","NTLMSSP_NEGOTIATE_SEAL"\]' \
	"$TMP/prot.audit" || fail "strip-prot --seal: no 9009: $(cat "$TMP/prot.audit")"
grep -q '"event":9005,' "$TMP/prot.audit" && fail "strip-prot --seal: a success was audited"
# A server that requires sealing (--require seal) refuses a client that does not
# offer it, at the NEGOTIATE.
pair require --require seal "${SRV[@]}" -- "${ALICE[@]}" --data 1
expect_rc "--require seal: client" 1 "$CRC"
expect_rc "--require seal: server" 1 "$SRC"
grep -q 'outcome=denied: NTLM_E_POLICY_PROTECTION: NTLMSSP_NEGOTIATE_SEAL required' \
	"$TMP/require.server.err" || fail "--require seal: $(cat "$TMP/require.server.err")"

# Issue 12 item 5: the server's audit log is on a full disk (/dev/full). The
# client refused by policy learns the policy reason, never the server's audit
# path or disk error; the server logs the loss. AuditFailure = Deny refuses a
# logon whose record cannot be written.
if [ -w /dev/full ]; then
	pair fullaudit --require seal --accounts "$TMP/accounts" --audit /dev/full -- \
		"${ALICE[@]}" --data 1
	expect_rc "audit on /dev/full: client" 1 "$CRC"
	grep -q 'NTLM_E_POLICY_PROTECTION' "$TMP/fullaudit.client.err" ||
		fail "audit on /dev/full: $(cat "$TMP/fullaudit.client.err")"
	grep -q -e '/dev/full' -e 'No space' "$TMP/fullaudit.client.err" &&
		fail "audit on /dev/full: the client was told: $(cat "$TMP/fullaudit.client.err")"
	grep -q 'ntlm server: audit: [0-9]* records\{0,1\} lost so far; the last: audit log /dev/full: write: No space left on device' \
		"$TMP/fullaudit.server.err" || fail "audit loss not logged: $(cat "$TMP/fullaudit.server.err")"
	printf '[ntlmssp]\nAuditFailure = Deny\n' >"$TMP/audit-deny.conf"
	pair auditdeny --config "$TMP/audit-deny.conf" --accounts "$TMP/accounts" \
		--audit /dev/full -- "${ALICE[@]}" --data 1
	expect_rc "AuditFailure = Deny: client" 1 "$CRC"
	expect_rc "AuditFailure = Deny: server" 1 "$SRC"
	grep -q 'NTLM_E_POLICY_AUDIT_FAILED' "$TMP/auditdeny.server.err" ||
		fail "AuditFailure = Deny: $(cat "$TMP/auditdeny.server.err")"
	grep -q '/dev/full' "$TMP/auditdeny.client.err" &&
		fail "AuditFailure = Deny: the client was told: $(cat "$TMP/auditdeny.client.err")"
fi

# A WRAP answer altered in flight: the client's unseal fails, exit 1.
run_driver stdio-mitm flip-wrap -- "$NTLM" server --stdio "${SRV[@]}" -- \
	"$NTLM" client --stdio "${ALICE[@]}" --seal --data 3
grep -q '^client: 1$' <<<"$DOUT" || fail "flip-wrap: client: $DOUT"
grep -q '^server: 0$' <<<"$DOUT" || fail "flip-wrap: server: $DOUT"
grep -q 'ntlm client: NTLM_E_MESSAGE_ALTERED' "$TMP/driver.err" ||
	fail "flip-wrap: $(cat "$TMP/driver.err")"

# ---- the server and malformed or forged requests ---------------------------------
CLIENT=("$NTLM" client --stdio "${ALICE[@]}" --seal)
run_driver stdio-server garbage -- "$NTLM" server --stdio "${SRV[@]}" -- "${CLIENT[@]}"
grep -q '^result: OK CORP\\alice$' <<<"$DOUT" || fail "garbage: $DOUT"
eq "garbage: ERR answers" 5 "$(grep -c '^answer: ERR ' <<<"$DOUT")"
grep -q '^answer: ERR WRAP token: NTLM_E_BAD_ENCODING: ' <<<"$DOUT" || fail "garbage: $DOUT"
grep -q '^answer: ERR unknown request' <<<"$DOUT" || fail "garbage: unknown: $DOUT"
grep -q '^answer: ERR expected .MIC <base64 message> <base64 signature>' <<<"$DOUT" ||
	fail "garbage: MIC: $DOUT"
grep -q '^answer: ERR WRAP token of 3 bytes has no 16-byte signature' <<<"$DOUT" ||
	fail "garbage: short WRAP: $DOUT"
grep -q '^answer: BYE$' <<<"$DOUT" || fail "garbage: BYE: $DOUT"
grep -q '^server: 2$' <<<"$DOUT" || fail "garbage: server exit: $DOUT"

run_driver stdio-server badsig -- "$NTLM" server --stdio "${SRV[@]}" -- "${CLIENT[@]}"
grep -q '^answer: ERR NTLM_E_MESSAGE_ALTERED: ' <<<"$DOUT" || fail "badsig: WRAP: $DOUT"
eq "badsig: two refusals" 2 "$(grep -c '^answer: ERR NTLM_E_' <<<"$DOUT")"
grep -q '^server: 1$' <<<"$DOUT" || fail "badsig: server exit: $DOUT"

run_driver stdio-server eof -- "$NTLM" server --stdio "${SRV[@]}" -- "${CLIENT[@]}"
grep -q '^server: 2$' <<<"$DOUT" || fail "eof: server exit: $DOUT"
grep -q 'outcome=malformed: stdin ended without BYE' "$TMP/driver.err" ||
	fail "eof: $(cat "$TMP/driver.err")"

# Direct input to the server.
srv_in() { # NAME WANT_RC INPUT: runs server --stdio on INPUT
	IN=$3 run server --stdio "${SRV[@]}"
	expect_rc "$1" "$2" "$RC" "$ERR"
	CHECKS=$((CHECKS + 1))
	[ "$(printf '%s' "$ERR" | grep -c '')" -eq 1 ] || fail "$1: stderr: $ERR"
}
srv_in "server: not base64" 2 $'hello world\n'
eq "server: not base64: answer" "ERR token: NTLM_E_BAD_ENCODING: base64: whitespace at offset 5" "$OUT"
srv_in "server: base64, not NTLM" 2 $'aGVsbG8gd29ybGQ=\n'
grep -q '^FAIL NTLM_E_' <<<"$OUT" || fail "server: not NTLM: $OUT"
srv_in "server: a CHALLENGE first" 2 \
	"$(hex2b64 "$(vec msnlmp-4.2.4-ntlmv2 challenge_message)")"$'\n'
grep -q '^FAIL NTLM_E_BAD_MESSAGE_TYPE' <<<"$OUT" || fail "server: CHALLENGE first: $OUT"
srv_in "server: a token over 2888 bytes" 2 "$(head -c 3000 /dev/zero | base64 -w0)"$'\n'
grep -q '^ERR token: NTLM_E_TOKEN_TOO_LARGE' <<<"$OUT" || fail "server: big token: $OUT"
srv_in "server: BYE before authenticating" 1 $'BYE\n'
eq "server: BYE answer" BYE "$OUT"
srv_in "server: WRAP before authenticating" 2 $'WRAP AAAA\n'
srv_in "server: empty input" 2 ''
srv_in "server: empty line" 2 $'\n'
head -c $((200 * 1024)) /dev/zero | tr '\0' A >"$TMP/longline"
run_file "$TMP/longline" server --stdio "${SRV[@]}"
expect_rc "server: a line over 128 KiB" 2 "$RC" "$ERR"
grep -q '^ERR longer than 131072 bytes$' <<<"$OUT" || fail "server: long line: $OUT"
head -c 4096 /dev/urandom >"$TMP/random"
run_file "$TMP/random" server --stdio "${SRV[@]}"
expect_rc "server: random bytes" 2 "$RC" "$ERR"

# Direct input to the client: bad answers.
cli_in() { # NAME WANT_RC INPUT [ERR_REGEX]
	IN=$3 run client --stdio "${ALICE[@]}" --data 1
	expect_rc "$1" "$2" "$RC" "$ERR"
	CHECKS=$((CHECKS + 1))
	[ "$(printf '%s' "$ERR" | grep -c '')" -eq 1 ] || fail "$1: stderr: $ERR"
	[ $# -lt 4 ] || grep -Eq -- "$4" <<<"$ERR" || fail "$1: stderr: $ERR"
	CHECKS=$((CHECKS + 1))
	grep -q '^TlRMTVNTUAAB' <<<"$OUT" || fail "$1: no NEGOTIATE on stdout: $OUT"
}
cli_in "client: FAIL" 1 $'FAIL NtlmMinServerSec says no\n' 'the server refused the NEGOTIATE: NtlmMinServerSec says no'
cli_in "client: ERR" 1 $'ERR cannot\n' 'ERR cannot'
cli_in "client: garbage CHALLENGE" 2 $'garbage!\n' 'stdin line 1 \(CHALLENGE\): NTLM_E_BAD_ENCODING'
cli_in "client: a NEGOTIATE as CHALLENGE" 2 $'TlRMTVNTUAABAAAAB4IIAAAAAAAgAAAAAAAAACAAAAA=\n' 'NTLM_E_BAD_MESSAGE_TYPE'
cli_in "client: nothing" 2 '' 'stdin ended while waiting for the CHALLENGE'
cli_in "client: a CHALLENGE without ESS" 1 \
	"$(hex2b64 "$(vec msnlmp-4.2.2-ntlmv1 challenge_message)")"$'\n' \
	'NTLM_E_POLICY_MIN_SEC: NtlmMinClientSec = 0x20080000 requires NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY'
CHAL=$(hex2b64 "$(vec msnlmp-4.2.4-ntlmv2 challenge_message)")
# ... and with a permissive policy it answers, then wants OK or FAIL.
printf '[MSV1_0]\nNtlmMinClientSec = 0\n' >"$TMP/client-open.conf"
IN="$CHAL"$'\nWHAT\n' run client --stdio --config "$TMP/client-open.conf" "${ALICE[@]}"
expect_rc "client: neither OK nor FAIL" 2 "$RC" "$ERR"
grep -q "expected 'OK <DOMAIN.user>' or 'FAIL <reason>'" <<<"$ERR" || fail "client: WHAT: $ERR"
eq "client: two tokens sent" 2 "$(grep -c '^TlRMTVNTUA' <<<"$OUT")"

# ---- usage -------------------------------------------------------------------------
IN= run client --stdio "${ALICE[@]}" 127.0.0.1:1
expect_usage "client --stdio with an address" '--stdio takes no HOST:PORT'
IN= run client --stdio "${ALICE[@]}" --data x
expect_usage "client: bad --data" "--data: 'x' is not a number"
IN= run client --stdio "${ALICE[@]}" --data 99999999
expect_usage "client: --data too large" '--data'
IN= run client --stdio --user 'CORP\alice'
expect_usage "client: no password" '--password-file F'
IN= run server --stdio
expect_usage "server: no --accounts and none in the policy" 'no account backends: give --accounts'
IN= run server --stdio "${SRV[@]}" --timeout 3
expect_usage "server --stdio --timeout" '--stdio takes no'
IN= run server --stdio "${SRV[@]}" --max-connections 3
expect_usage "server --stdio --max-connections" '--stdio takes no'

finish
