#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ntlm helper --protocol ntlmssp-client-1 (Samba ntlm_auth's client helper
# protocol), piped into a server helper by tests/cli/helper_pair.py: ours
# into our squid-2.5-ntlmssp, ours into Samba's ntlm_auth (an independent
# server), and Samba's client into ours. Asserts on the answer lines, the
# session keys (equal on both sides), the flags, the audit records, and our
# client policy refusing: RestrictSendingNTLMTraffic = 2 (with and without a
# ClientAllowedNTLMServers exception for --target), NtlmMinClientSec,
# LmCompatibilityLevel, SF SEAL required; then hostile requests and usage.
set -u
NTLM=${1:?usage: helper_client.sh /path/to/ntlm}
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
FAILS=0
CHECKS=0
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
contains() { CHECKS=$((CHECKS + 1)); grep -Fq -- "$2" <<<"$3" || fail "$1: no '$2' in: $3"; }
lacks() { CHECKS=$((CHECKS + 1)); ! grep -Fq -- "$2" <<<"$3" || fail "$1: unexpected '$2' in: $3"; }
PAIR=(/usr/bin/python3 "$HERE/helper_pair.py")
PW='S3cret!pw'
printf 'CORP:alice:%s\n' "$(printf '%s' "$PW" | "$NTLM" hash)" >"$TMP/accounts"
SERVER=("$NTLM" helper --protocol squid-2.5-ntlmssp --accounts "$TMP/accounts" --audit "$TMP/saudit")
client() { echo "$NTLM" helper --protocol ntlmssp-client-1 --username alice --domain CORP "$@"; }

# 1. Ours into ours: the password asked for (PW), SIGN and SEAL required.
out=$("${PAIR[@]}" --sf 'NTLMSSP_FEATURE_SIGN NTLMSSP_FEATURE_SEAL' --pw "$PW" \
	"$NTLM" helper --protocol ntlmssp-client-1 --username alice --domain CORP \
	--audit "$TMP/caudit" -- "${SERVER[@]}" 2>&1)
contains "SF answered" 'client: SF -> OK' "$out"
contains "the password asked for" 'client: YR -> PW' "$out"
contains "PW answered" 'client: PW -> OK' "$out"
contains "then the NEGOTIATE" 'client: .. -> YR TlRMTVNTUAABAAAA' "$out"
contains "the AUTHENTICATE is the last token" 'client: TT -> AF TlRMTVNTUAADAAAA' "$out"
contains "server AF" 'server: KK -> AF CORP\alice' "$out"
contains "client flags: SEAL (0x20) and SIGN (0x10)" 'client: GF -> GF 0xe2898235' "$out"
contains "server flags the same" 'server: GF -> GF 0xe2898235' "$out"
contains "same session key both sides" 'session keys: equal' "$out"
contains "exit 0 at EOF" 'exit: client 0 server 0' "$out"
contains "client audit: the exchange (9010)" '"event":9010' "$(cat "$TMP/caudit")"
contains "client audit: NTLMv2 sent" '"response_type":"NTLMv2"' "$(cat "$TMP/caudit")"
contains "server audit: success" '"event":9005' "$(cat "$TMP/saudit")"

# Two handshakes in a row on the same helpers (YR starts over).
out=$("${PAIR[@]}" --rounds 2 $(client --password "$PW") -- "${SERVER[@]}" 2>&1)
CHECKS=$((CHECKS + 1))
[ "$(grep -c 'server: KK -> AF CORP\\alice' <<<"$out")" = 2 ] || fail "two rounds: $out"

# A wrong password: the server says NA; the client has no way to know first.
out=$("${PAIR[@]}" $(client --password wrong) -- "${SERVER[@]}" 2>&1)
contains "wrong password: server NA" 'server: KK -> NA NTLM_E_LOGON_FAILURE' "$out"

# --target and --workstation reach the server (MsvAvTargetName, Workstation).
out=$("${PAIR[@]}" $(client --password "$PW" --target HTTP/web.corp.example --workstation WKS1) \
	-- "$NTLM" helper --protocol squid-2.5-ntlmssp --accounts "$TMP/accounts" \
	--audit "$TMP/taudit" 2>&1)
contains "--target: the server saw MsvAvTargetName" '"target_name":"HTTP/web.corp.example"' \
	"$(cat "$TMP/taudit")"
contains "--workstation: the server saw it" '"workstation":"WKS1"' "$(cat "$TMP/taudit")"

# --password-file (mode 0600), as the other commands read it.
printf '%s\n' "$PW" >"$TMP/pw"
chmod 600 "$TMP/pw"
out=$("${PAIR[@]}" $(client --password-file "$TMP/pw") -- "${SERVER[@]}" 2>&1)
contains "--password-file" 'server: KK -> AF CORP\alice' "$out"
lacks "no PW question with a password file" 'client: YR -> PW' "$out"

# 2. An independent peer: Samba's ntlm_auth, as a server (any user, its
# --password) and as a client, with a local smb.conf (no domain, no winbindd).
if command -v ntlm_auth >/dev/null 2>&1; then
	mkdir -p "$TMP/samba"
	{
		printf '[global]\n  workgroup = CORP\n  netbios name = SAMBAHOST\n'
		for d in lock state cache private ncalrpc; do
			mkdir -p "$TMP/samba/$d"
			printf '  %s = %s\n' "$(
				case $d in lock) echo 'lock dir' ;; state) echo 'state directory' ;;
				cache) echo 'cache directory' ;; private) echo 'private dir' ;;
				ncalrpc) echo 'ncalrpc dir' ;; esac
			)" "$TMP/samba/$d"
		done
	} >"$TMP/samba/smb.conf"
	SAMBA=(ntlm_auth "--configfile=$TMP/samba/smb.conf")
	out=$("${PAIR[@]}" --sf 'NTLMSSP_FEATURE_SIGN NTLMSSP_FEATURE_SEAL' \
		$(client --password "$PW" --audit "$TMP/caudit2") -- \
		"${SAMBA[@]}" --helper-protocol=squid-2.5-ntlmssp "--password=$PW" 2>&1)
	contains "Samba server: AF" 'server: KK -> AF CORP\alice' "$out"
	contains "Samba server: SEAL granted" 'server: GF -> GF 0xe2' "$out"
	contains "Samba server: same session key" 'session keys: equal' "$out"
	contains "client audit names Samba's host" '"server_nb_computer":"SAMBAHOST"' \
		"$(cat "$TMP/caudit2")"
	out=$("${PAIR[@]}" $(client --password wrong) -- \
		"${SAMBA[@]}" --helper-protocol=squid-2.5-ntlmssp "--password=$PW" 2>&1)
	contains "Samba server: wrong password" 'server: KK -> NA NT_STATUS_LOGON_FAILURE' "$out"
	out=$("${PAIR[@]}" "${SAMBA[@]}" --helper-protocol=ntlmssp-client-1 --username=alice \
		--domain=CORP "--password=$PW" -- "${SERVER[@]}" 2>&1)
	contains "Samba client into our server: AF" 'server: KK -> AF CORP\alice' "$out"
	contains "Samba client into our server: same key" 'session keys: equal' "$out"
else
	echo "SKIP (loudly): Samba's ntlm_auth is not installed: no independent peer here" >&2
fi

# 3. Our client policy.
printf '[MSV1_0]\nRestrictSendingNTLMTraffic = 2\nClientAllowedNTLMServers = web.corp.example\n' \
	>"$TMP/deny.conf"
out=$("${PAIR[@]}" $(client --password "$PW" --config "$TMP/deny.conf" \
	--target-service HTTP --target-hostname other.example --audit "$TMP/deny") -- \
	"${SERVER[@]}" 2>&1)
contains "RestrictSendingNTLMTraffic = 2: refused" 'client: YR -> NA NTLM_E_POLICY_SEND_BLOCKED' "$out"
contains "the setting named" 'RestrictSendingNTLMTraffic' "$out"
lacks "no NEGOTIATE reached the server" 'server:' "$out"
contains "audit 4001" '"event":4001' "$(cat "$TMP/deny")"
contains "audit 4001 names the target" 'other.example' "$(cat "$TMP/deny")"
out=$("${PAIR[@]}" $(client --password "$PW" --config "$TMP/deny.conf" \
	--target HTTP/web.corp.example) -- "${SERVER[@]}" 2>&1)
contains "an allowed server (ClientAllowedNTLMServers)" 'server: KK -> AF CORP\alice' "$out"

printf '[MSV1_0]\nNtlmMinClientSec = 0x20080000\n' >"$TMP/min.conf"
out=$("${PAIR[@]}" --strip 80000 $(client --password "$PW" --config "$TMP/min.conf" \
	--audit "$TMP/min") -- "${SERVER[@]}" 2>&1)
contains "NtlmMinClientSec: a CHALLENGE without ESS" 'client: TT -> NA NTLM_E_POLICY_MIN_SEC' "$out"
contains "NtlmMinClientSec named" 'NtlmMinClientSec' "$out"
contains "audit 4010" '"event":4010' "$(cat "$TMP/min")"

printf 'Profile = legacy-insecure\n[Lsa]\nLmCompatibilityLevel = 1\n' >"$TMP/v1.conf"
out=$("${PAIR[@]}" $(client --password "$PW" --config "$TMP/v1.conf" --audit "$TMP/v1") -- \
	"${SERVER[@]}" 2>&1)
contains "LmCompatibilityLevel 1: NTLMv1 sent, our server (cis) refuses it" \
	'server: KK -> NA NTLM_E_POLICY_RESPONSE_REFUSED' "$out"
contains "client audit: NTLMv1 sent" '"response_type":"NTLMv1' "$(cat "$TMP/v1")"
contains "client audit: 9006 insecure" '"event":9006' "$(cat "$TMP/v1")"

out=$("${PAIR[@]}" --sf NTLMSSP_FEATURE_SEAL --strip 20 $(client --password "$PW" \
	--audit "$TMP/seal") -- "${SERVER[@]}" 2>&1)
contains "SF SEAL required, not granted" 'client: TT -> NA NTLM_E_POLICY_PROTECTION' "$out"
contains "audit 9009" '"event":9009' "$(cat "$TMP/seal")"

# 4. Hostile and out-of-order requests: BH, and the helper lives on.
out=$(printf '%s\n' 'TT TlRMTVNTUAACAAAA' GK GF 'SF NTLMSSP_FEATURE_CCACHE' 'PW !!' \
	'YR TlRMTVNTUAABAAAA' 'XX hello' OK YR 'TT !!!' GF YR 'TT TlRMTVNTUAABAAAAAAAAAA==' |
	$(client --password "$PW") 2>&1; echo "exit $?")
contains "TT first" 'BH TT without a handshake' "$out"
contains "GK before AF" 'BH no session key' "$out"
contains "GF before YR" 'BH no handshake' "$out"
contains "unknown feature" "BH unknown feature 'NTLMSSP_FEATURE_CCACHE'" "$out"
contains "bad PW" 'BH PW needs the password in base64' "$out"
contains "YR with a token" 'BH YR takes no token' "$out"
contains "unknown request" 'BH unknown request' "$out"
contains "bad base64" 'BH NTLM_E_BAD_ENCODING' "$out"
contains "a NEGOTIATE where the CHALLENGE belongs" 'BH NTLM_E_BAD_MESSAGE_TYPE' "$out"
contains "GF after YR" 'GF 0x' "$out"
contains "exit 0 at EOF" 'exit 0' "$out"
out=$(printf 'YR\nnot a password\n' | $(client) 2>&1)
contains "PW asked, something else answered" 'BH expected a password' "$out"

# Usage errors.
"$NTLM" helper --protocol ntlmssp-client-1 </dev/null >"$TMP/o" 2>&1
contains "no --username: exit 2" 2 "$?"
contains "no --username named" 'needs --username' "$(cat "$TMP/o")"
"$NTLM" helper --protocol ntlmssp-client-1 --username a --accounts "$TMP/accounts" </dev/null \
	>/dev/null 2>&1
contains "--accounts with the client: exit 2" 2 "$?"
"$NTLM" helper --protocol squid-2.5-ntlmssp --accounts "$TMP/accounts" --username a \
	</dev/null >/dev/null 2>&1
contains "--username with a server: exit 2" 2 "$?"
"$NTLM" helper --protocol ntlmssp-client-1 --username a --password x --password-file "$TMP/pw" \
	</dev/null >/dev/null 2>&1
contains "--password and --password-file: exit 2" 2 "$?"

if [ "$FAILS" -ne 0 ]; then
	echo "$FAILS of $CHECKS checks failed" >&2
	exit 1
fi
echo "all $CHECKS checks passed"
