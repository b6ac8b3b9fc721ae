#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ntlm httpd under Negotiate with SPNEGO (RFC 4178): curl --negotiate -u :
# through MIT SPNEGO with gss-ntlmssp as the NTLM mechanism, and with ours
# (ntlmssp_gss.so, GSS_MECH_CONFIG); the final NegTokenResp (accept-completed
# and our mechListMIC) on the 200; a browser's mechanism list (Kerberos first);
# a bad or missing mechListMIC (401, 9002, no 9005); a token for Kerberos
# alone (401 inviting NTLM, 9104); malformed DER (400, 9104); and raw NTLMSSP
# under Negotiate still accepted.
set -u
source "$(dirname "$0")/lib.bash"

BUILD=$(dirname "$NTLM")
GSSNTLMSSP=/usr/lib/x86_64-linux-gnu/gssntlmssp/gssntlmssp.so
[ -f "$GSSNTLMSSP" ] || { echo "skip: gss-ntlmssp not installed"; exit 77; }
printf 'gssntlmssp_v1 1.3.6.1.4.1.311.2.2.10 %s\n' "$GSSNTLMSSP" >"$TMP/gssntlmssp.conf"
printf 'DEMO:demo:%s\n' "$DEMO_PW" >"$TMP/users"
make_accounts
start_server spnego --profile cis --netbios-name WEBSRV --netbios-domain WEBSRV

# negotiate_curl MECH_CONF: curl --negotiate -u : with that mechanism.
negotiate_curl() {
	GSS_MECH_CONFIG=$1 NTLM_USER_FILE="$TMP/users" NTLMSSP_AUDIT_LOG=none \
		curl -sS --max-time 60 --negotiate -u : -D "$TMP/headers" -o "$TMP/body" \
		-w '%{http_code}' "$BASE/?format=json"
}
json_field() { $PY -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$@"; }

mechs=("$TMP/gssntlmssp.conf")
# Our mechanism goes into curl unless it was built with the sanitizers
# (their runtime must be loaded first, which curl does not do).
if [ -f "$BUILD/gss-mech.conf" ] && [ -f "$BUILD/ntlmssp_gss.so" ] &&
	! nm -D "$BUILD/ntlmssp_gss.so" 2>/dev/null | grep -q __asan_init; then
	mechs+=("$BUILD/gss-mech.conf")
else
	echo "note: ntlmssp_gss.so not usable in curl here (not built, or sanitized)"
fi
for conf in "${mechs[@]}"; do
	what="curl --negotiate ($(basename "$conf"))"
	before=$(count_events 9005)
	eq "$what: 200" 200 "$(negotiate_curl "$conf")"
	eq "$what: the user" demo "$(json_field "$TMP/body" user)"
	eq "$what: NTLMv2" NTLMv2 "$(json_field "$TMP/body" response_type)"
	# the final NegTokenResp: accept-completed (a0030a0100) and a 16-byte mechListMIC
	final=$(sed -n 's/^WWW-Authenticate: Negotiate \([^[:space:]]*\).*/\1/p' "$TMP/headers" | tail -n1)
	eq "$what: final NegTokenResp" "a11b3019a0030a0100a3120410" \
		"$(printf '%s' "$final" | base64 -d | head -c 13 | od -An -tx1 | tr -d ' \n')"
	eq "$what: one 9005" $((before + 1)) "$(count_events 9005)"
done

# spnego MODE: tests/http/spnegoclient.py through gss-ntlmssp.
spnego() {
	GSS_MECH_CONFIG="$TMP/gssntlmssp.conf" NTLM_USER_FILE="$TMP/users" \
		$PY "$HERE/spnegoclient.py" "$PORT" "$1" 2>"$TMP/client.err" ||
		{ fail "spnegoclient $1: $(tail -3 "$TMP/client.err")"; echo '{"steps":[]}'; }
}
pick() { $PY -c 'import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2], {}, {"d": d}))' "$1" "$2"; }

out=$(spnego ntlm-first)
eq "ntlm-first: statuses" "[401, 200]" "$(pick "$out" '[s["status"] for s in d["steps"]]')"
eq "ntlm-first: our mechListMIC verified by the client" True "$(pick "$out" 'd.get("server_mic_verified")')"

out=$(spnego not-first)
eq "browser list (Kerberos first): statuses" "[401, 401, 200]" \
	"$(pick "$out" '[s["status"] for s in d["steps"]]')"
eq "browser list: request-mic, then accept-incomplete, then accept-completed" "[3, 1, 0]" \
	"$(pick "$out" '[s["negState"] for s in d["steps"]]')"
eq "browser list: our mechListMIC verified" True "$(pick "$out" 'd.get("server_mic_verified")')"

out=$(spnego plain)
eq "no NTLM MIC, NTLMSSP first, no mechListMIC: accepted" "[401, 200]" \
	"$(pick "$out" '[s["status"] for s in d["steps"]]')"
eq "... and none sent back" 0 "$(pick "$out" 'd["steps"][-1]["mic"]')"

before9005=$(count_events 9005)
before9002=$(count_events 9002)
out=$(spnego bad-mic)
eq "bad mechListMIC: 401" 401 "$(pick "$out" 'd["steps"][-1]["status"]')"
eq "bad mechListMIC: 9002" $((before9002 + 1)) "$(count_events 9002)"
contains "9002 says why" "the mechListMIC does not verify over the client's mechTypes" \
	"$(grep '"event":9002' "$AUDIT" | tail -n1)"
out=$(spnego no-mic)
eq "missing mechListMIC (NTLMSSP not first): 401" 401 "$(pick "$out" 'd["steps"][-1]["status"]')"
eq "missing mechListMIC: 9002" $((before9002 + 2)) "$(count_events 9002)"
contains "9002 says why" "no mechListMIC, required because NTLMSSP was not the client's first" \
	"$(grep '"event":9002' "$AUDIT" | tail -n1)"
eq "no 9005 for either" "$before9005" "$(count_events 9005)"

before=$(count_events 9104)
out=$(spnego krb5-only)
eq "Kerberos alone: 401" 401 "$(pick "$out" 'd["steps"][0]["status"]')"
eq "Kerberos alone: NTLM offered instead" "['NTLM']" "$(pick "$out" 'd["steps"][0]["www_authenticate"]')"
contains "Kerberos alone: 9104 names what was offered" \
	"offers no NTLMSSP: Kerberos 5 (1.2.840.113554.1.2.2)" "$(last_record 9104)"
out=$(spnego garbage)
eq "malformed DER: 400" 400 "$(pick "$out" 'd["steps"][0]["status"]')"
contains "malformed DER: 9104" "indefinite length" "$(last_record 9104)"
eq "two 9104" $((before + 2)) "$(count_events 9104)"

# Raw NTLMSSP under Negotiate (what IE and older clients send) still works.
out=$($PY "$HERE/ntlmclient.py" "$PORT" handshake --user 'DEMO\demo' --password "$DEMO_PW" \
	--scheme Negotiate)
eq "raw NTLMSSP under Negotiate: 200" 200 "$(pick "$out" 'd["auth_status"]')"
eq "raw NTLMSSP under Negotiate: the CHALLENGE under Negotiate" Negotiate \
	"$(pick "$out" 'd["challenge_scheme"]')"
server_alive "after the SPNEGO runs"

finish
