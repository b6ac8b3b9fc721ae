#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ntlm server with domain accounts (--accounts winbind): `ntlm client` over
# TCP with sealed data both ways (the keys come from the DC's session key),
# the non-ASCII account, refusals; python3-ntlm-auth and impacket clients
# through ntlm-lines/1 with a data phase, NTLMv2 and NTLMv1-ESS (the DC
# allows NTLMv1 here: tests/domain/domain.sh provisions `ntlm auth = yes`).
set -u
source "$(dirname "$0")/lib.bash"

start_daemon srv server --listen 127.0.0.1:0 --accounts winbind --audit "$TMP/s.audit" ||
	{ finish; exit; }
SPID=$LAST_PID
A=$TMP/s.audit

client() { # USER PASSWORD [client args]: stdin lines are sent and echoed back
	local u=$1 p=$2
	shift 2
	"$NTLM" client --user "$u" --password "$p" "$@" "127.0.0.1:$PORT"
}
out=$(printf 'hello domain\nsecond line\n' | client 'TESTDOM\alice' Passw0rd1 --seal 2>&1)
eq "sealed echo alice" $'hello domain\nsecond line' "$out"
out=$(printf 'grüße\n' | client 'TESTDOM\jürgen' 'Grüße-Passw0rd' --seal 2>&1)
eq "sealed echo jürgen (non-ASCII name and password)" 'grüße' "$out"
out=$(printf 'signed\n' | client 'testdom.example\BOB' Secret-2 --sign 2>&1)
eq "signed echo BOB@testdom.example" 'signed' "$out"
log=$(cat "$TMP/srv.out")
contains "server line alice" 'user=TESTDOM\alice response=NTLMv2' "$log"
contains "server line alice sealed" 'protection=sealed messages=2 outcome=authenticated' "$log"
contains "server line jürgen" 'user=TESTDOM\jürgen response=NTLMv2' "$log"
contains "server line bob canonical" 'user=TESTDOM\bob response=NTLMv2' "$log"
contains "KEY_EXCH negotiated" 'NTLMSSP_NEGOTIATE_KEY_EXCH' "$log"

out=$(printf 'x\n' | client 'TESTDOM\alice' WrongPass9 --seal 2>&1)
eq "wrong password exit" 1 "$?"
contains "wrong password refused" 'NTLM_E_LOGON_FAILURE' "$out"
out=$(printf 'x\n' | client 'TESTDOM\erin' Erin-Passw0rd 2>&1)
contains "expired named" 'NTLM_E_ACCOUNT_EXPIRED: TESTDOM\erin: NT_STATUS_ACCOUNT_EXPIRED' "$out"
out=$(printf 'x\n' | client 'TESTDOM\grace' Grace-Passw0rd 2>&1)
contains "workstation named" 'NTLM_E_WORKSTATION_RESTRICTED' "$out"
ev=$(events "$A")
contains "audit wrong password" '9004 failed TESTDOM\alice | TESTDOM\alice: NT_STATUS_WRONG_PASSWORD' "$ev"
contains "audit expired" '9004 failed TESTDOM\erin | TESTDOM\erin: NT_STATUS_ACCOUNT_EXPIRED' "$ev"
contains "audit workstation" '9004 failed TESTDOM\grace | TESTDOM\grace: NT_STATUS_INVALID_WORKSTATION' "$ev"
eq "successes" 3 "$(count_events "$A" 9005)"
stop_daemon "$SPID"

# Through the DC's own winbindd (the DC-local path): the CHALLENGE names DC1.
WB=dc start_daemon dcsrv server --listen 127.0.0.1:0 --accounts winbind --audit "$TMP/dc.audit" ||
	{ finish; exit; }
DCPID=$LAST_PID
out=$(printf 'via the DC\n' | client 'TESTDOM\jürgen' 'Grüße-Passw0rd' --seal 2>&1)
eq "DC-local: sealed echo jürgen" 'via the DC' "$out"
contains "DC-local: audited" '9005 success TESTDOM\jürgen' "$(events "$TMP/dc.audit")"
out=$(printf 'x\n' | client 'TESTDOM\carol' Carol-Passw0rd 2>&1)
contains "DC-local: disabled" 'NTLM_E_ACCOUNT_DISABLED' "$out"
stop_daemon "$DCPID"

# Independent clients, each with a data phase (WRAP/MIC both ways), against
# `ntlm server --stdio` as a client of the member's winbindd.
printf '[Lsa]\nLmCompatibilityLevel = 2\n' >"$TMP/v1ok.conf"
pairrun() { # NAME SERVER-CONFIG-ARGS -- PEER ARGS...
	local name=$1
	shift
	local conf=()
	while [ "$1" != -- ]; do
		conf+=("$1")
		shift
	done
	shift
	$PY "$DHERE/../interop/pair.py" -- bash "$DHERE/domain.sh" wb "$D" member \
		"$NTLM" server --stdio --accounts winbind --audit "$TMP/$name.audit" "${conf[@]}" \
		-- $PY "$DHERE/../interop/peers.py" "$@" 2>"$TMP/$name.err"
}
r=$(pairrun ntlmauth-v2 --profile cis -- ntlmauth --user 'TESTDOM\alice' --password Passw0rd1 \
	--level 3 --seal --data 2)
contains "python3-ntlm-auth NTLMv2 sealed" '"requests": 4' "$r"
contains "python3-ntlm-auth NTLMv2 result" '"result": "OK' "$r"
contains "python3-ntlm-auth NTLMv2 no ERR" '"errs": []' "$r"
r=$(pairrun ntlmauth-ess --config "$TMP/v1ok.conf" -- ntlmauth --user 'TESTDOM\bob' \
	--password Secret-2 --level 1 --seal --data 2)
contains "python3-ntlm-auth NTLMv1-ESS through the DC" '"requests": 4' "$r"
contains "python3-ntlm-auth NTLMv1-ESS no ERR" '"errs": []' "$r"
contains "NTLMv1-ESS audited as such" '"response_type":"NTLMv1-ESS"' "$(cat "$TMP/ntlmauth-ess.audit")"
r=$(pairrun impacket --profile cis -- impacket --user 'TESTDOM\alice' --password Passw0rd1 \
	--seal --data 2)
contains "impacket NTLMv2 sealed" '"requests": 4' "$r"
contains "impacket no ERR" '"errs": []' "$r"
r=$(pairrun ntlmauth-bad --profile cis -- ntlmauth --user 'TESTDOM\carol' \
	--password Carol-Passw0rd --level 3)
contains "python3-ntlm-auth disabled refused" '"result": "FAIL' "$r"
contains "disabled audited" 'NT_STATUS_ACCOUNT_DISABLED' "$(events "$TMP/ntlmauth-bad.audit")"
finish
