#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ntlm helper --protocol gss-spnego (Samba ntlm_auth's SPNEGO acceptor
# protocol, Squid's `auth_param negotiate`) driven by a real SPNEGO
# initiator (tests/cli/helper_spnego.py: python3-gssapi, MIT krb5's SPNEGO,
# NTLM underneath from gss-ntlmssp and from our own GSSAPI module): the
# TT/AF/NA/BH lines with their tokens, the mechListMIC both ways (the
# initiator completes on our last token; one altered bit is refused), our
# NegTokenInit first (YR without a token), a Kerberos-only client, the
# policy (RestrictReceivingNTLMTraffic = 2), and the audit records; and
# Samba's own SPNEGO initiator (ntlm_auth --helper-protocol=gss-spnego-client)
# piped in by helper_pair.py --spnego.
set -u
NTLM=${1:?usage: helper_spnego.sh /path/to/ntlm}
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=$(cd "$(dirname "$NTLM")" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
FAILS=0
CHECKS=0
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
contains() { CHECKS=$((CHECKS + 1)); grep -Fq -- "$2" <<<"$3" || fail "$1: no '$2' in: $3"; }
lacks() { CHECKS=$((CHECKS + 1)); ! grep -Fq -- "$2" <<<"$3" || fail "$1: unexpected '$2' in: $3"; }
/usr/bin/python3 -c 'import gssapi' 2>/dev/null || {
	echo "skip: python3-gssapi is not installed"
	exit 77
}
PW='S3cret!pw'
printf 'CORP:alice:%s\n' "$(printf '%s' "$PW" | "$NTLM" hash)" >"$TMP/accounts"
events() { # the audit file's "ID outcome | reason" lines
	/usr/bin/python3 -c '
import json, sys
for l in open(sys.argv[1], encoding="utf-8"):
    e = json.loads(l)
    print("%d %s %s\\%s | %s" % (e["event"], e["outcome"], e["domain"], e["user"], e["reason"]))
' "$1" 2>/dev/null
}

MECHS=()
for so in /usr/lib/*/gssntlmssp/gssntlmssp.so; do
	[ -f "$so" ] && MECHS+=("gss-ntlmssp=$so")
done
[ ${#MECHS[@]} -gt 0 ] || echo "SKIP (loudly): gss-ntlmssp is not installed: no independent initiator" >&2
# Our module, unless this is a sanitizer build (python3 cannot load it then).
if [ -f "$BUILD/ntlmssp_gss.so" ] && ! ldd "$NTLM" 2>/dev/null | grep -q 'libasan'; then
	MECHS+=("ours=$BUILD/ntlmssp_gss.so")
fi
[ ${#MECHS[@]} -gt 0 ] || {
	echo "skip: no NTLM GSSAPI module for the initiator"
	exit 77
}

for m in "${MECHS[@]}"; do
	who=${m%%=*} so=${m#*=}
	run() { # CASE AUDIT [PASSWORD] [POLICY ARGS...]
		local c=$1 audit=$2 pw=${3:-$PW}
		shift 3 2>/dev/null || shift $#
		/usr/bin/python3 "$HERE/helper_spnego.py" "$so" "$c" 'CORP\alice' "$pw" -- \
			"$NTLM" helper --protocol gss-spnego --accounts "$TMP/accounts" \
			--audit "$audit" "$@" 2>&1
	}
	rm -f "$TMP"/a.*
	out=$(run ok "$TMP/a.ok")
	contains "$who: TT with a NegTokenResp, * as the argument" 'ok: TT oX0we6ADCgEBoQwGCisG... *' "$out"
	contains "$who: AF with our last token and the name" 'ok: AF oRswGaADCgEAoxIE' "$out"
	contains "$who: AF names the account" ' CORP\alice' "$out"
	contains "$who: the initiator checked our mechListMIC" 'ok: initiator complete: True' "$out"
	contains "$who: GF" 'ok GF: GF 0xe2' "$out"
	contains "$who: GK" 'ok GK: GK ' "$out"
	contains "$who: a second handshake" 'again: initiator complete: True' "$out"
	contains "$who: exit 0" 'exit: 0' "$out"
	ev=$(events "$TMP/a.ok")
	CHECKS=$((CHECKS + 1))
	[ "$(grep -c '^9005 success CORP\\alice' <<<"$ev")" = 2 ] || fail "$who: two 9005: $ev"

	out=$(run offer "$TMP/a.offer")
	contains "$who: YR alone: our NegTokenInit (NTLMSSP)" \
		'offer token: YBwGBisGAQUFAqASMBCgDjAMBgorBgEEAYI3AgIK' "$out"
	contains "$who: then the client's NegTokenInit in KK" 'offer then: initiator complete: True' "$out"

	out=$(run badmic "$TMP/a.badmic")
	contains "$who: altered mechListMIC: NA" 'badmic: NA * NTLM_E_MIC_MISMATCH' "$out"
	contains "$who: no key after NA" 'badmic GK: BH' "$out"
	ev=$(events "$TMP/a.badmic")
	contains "$who: audit 9002 names the mechListMIC" '9002 failed CORP\alice | SPNEGO: the mechListMIC does not verify' "$ev"
	lacks "$who: no 9005 for it" '9005' "$ev"

	out=$(run ok "$TMP/a.wrong" wrong-password)
	contains "$who: wrong password: NA" 'ok: NA * NTLM_E_LOGON_FAILURE' "$out"
	contains "$who: audit 9004" '9004 failed CORP\alice' "$(events "$TMP/a.wrong")"

	printf '[MSV1_0]\nRestrictReceivingNTLMTraffic = 2\n' >"$TMP/deny.conf"
	out=$(run ok "$TMP/a.deny" "$PW" --config "$TMP/deny.conf")
	contains "$who: RestrictReceivingNTLMTraffic = 2: NA" 'ok: NA * NTLM_E_POLICY_RECEIVE_BLOCKED' "$out"
	contains "$who: audit 4002" '4002 blocked' "$(events "$TMP/a.deny")"
done

# Samba's own SPNEGO initiator: ntlm_auth --helper-protocol=gss-spnego-client
# (a local smb.conf, no domain), piped in by helper_pair.py; with SIGN and
# SEAL it sends an NTLM MIC and a mechListMIC, and checks ours.
if command -v ntlm_auth >/dev/null 2>&1; then
	mkdir -p "$TMP/samba"
	{
		printf '[global]\n  workgroup = CORP\n  netbios name = SAMBAHOST\n'
		for d in lock state cache private ncalrpc; do mkdir -p "$TMP/samba/$d"; done
		printf '  lock dir = %s\n  state directory = %s\n  cache directory = %s\n' \
			"$TMP/samba/lock" "$TMP/samba/state" "$TMP/samba/cache"
		printf '  private dir = %s\n  ncalrpc dir = %s\n' "$TMP/samba/private" "$TMP/samba/ncalrpc"
	} >"$TMP/samba/smb.conf"
	for sf in '' 'NTLMSSP_FEATURE_SIGN NTLMSSP_FEATURE_SEAL'; do
		# accept-completed alone (oQcw...), or with our mechListMIC (oRsw...)
		args=(--spnego) final='server: KK -> AF oQcwBaADCgEA '
		[ -n "$sf" ] && args+=(--sf "$sf") final='server: KK -> AF oRswGaADCgEAoxIEEAEAAA'

		out=$(/usr/bin/python3 "$HERE/helper_pair.py" "${args[@]}" ntlm_auth \
			"--configfile=$TMP/samba/smb.conf" --helper-protocol=gss-spnego-client \
			--username=alice --domain=CORP "--password=$PW" -- \
			"$NTLM" helper --protocol gss-spnego --accounts "$TMP/accounts" \
			--audit "$TMP/a.samba" 2>&1)
		contains "Samba's SPNEGO client ($sf): AF" "$final" "$out"
		contains "Samba's SPNEGO client ($sf): names" ' CORP\alice' "$out"
		contains "Samba's SPNEGO client ($sf): takes our last token" 'client: AF -> AF' "$out"
	done
	contains "Samba's SPNEGO client: audited" '9005 success CORP\alice' "$(events "$TMP/a.samba")"
else
	echo "SKIP (loudly): Samba's ntlm_auth is not installed: no Samba SPNEGO client" >&2
fi

out=$(run krb5only "$TMP/a.krb5")
contains "a Kerberos-only NegTokenInit: NA" 'krb5only: NA * NTLM_E_NO_COMMON_MECH' "$out"
contains "audit 9104 lists what was offered" '9104 failed \ | gss-spnego: NTLM_E_NO_COMMON_MECH: SPNEGO: the NegTokenInit offers no NTLMSSP: Kerberos 5' "$(events "$TMP/a.krb5")"
out=$(run hostile "$TMP/a.hostile")
contains "KK first" 'kk-first: BH KK without a handshake' "$out"
contains "bad base64" 'bad-base64: BH NTLM_E_BAD_ENCODING' "$out"
contains "raw NTLM where SPNEGO belongs" 'not-der: BH NTLM_E_BAD_ENCODING: SPNEGO token' "$out"
contains "garbage" 'garbage: BH unknown request' "$out"
contains "audit 9104 for a YR that is not base64" '9104 failed \ | gss-spnego: NTLM_E_BAD_ENCODING: base64' "$(events "$TMP/a.hostile")"
contains "GK before AF" 'gk: BH no session key' "$out"
contains "KK without a token" 'kk-empty: BH KK needs a base64 SPNEGO token' "$out"
contains "exit 0" 'exit: 0' "$out"

if [ "$FAILS" -ne 0 ]; then
	echo "$FAILS of $CHECKS checks failed" >&2
	exit 1
fi
echo "all $CHECKS checks passed"
