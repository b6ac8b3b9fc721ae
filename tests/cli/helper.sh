#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ntlm helper --protocol squid-2.5-ntlmssp with a file store, driven as Squid
# drives it (tests/cli/helper_driver.py, python3-ntlm-auth as the browser):
# AF with the names, NA for a wrong password (audited), GF/GK after AF, BH
# for out-of-order and malformed requests, usage errors.
set -u
NTLM=${1:?usage: helper.sh /path/to/ntlm}
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
FAILS=0
CHECKS=0
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
contains() { CHECKS=$((CHECKS + 1)); grep -Fq -- "$2" <<<"$3" || fail "$1: no '$2' in: $3"; }
lacks() { CHECKS=$((CHECKS + 1)); ! grep -Fq -- "$2" <<<"$3" || fail "$1: unexpected '$2' in: $3"; }
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
printf 'CORP:alice:%s\n' "$(printf 'S3cret!pw' | "$NTLM" hash)" >"$TMP/accounts"

out=$(/usr/bin/python3 "$HERE/helper_driver.py" 'CORP\alice%S3cret!pw' 'CORP\alice%wrong' \
	'CORP\nobody%x' -- "$NTLM" helper --protocol squid-2.5-ntlmssp \
	--accounts "$TMP/accounts" --audit "$TMP/audit" 2>&1)
contains "AF" 'CORP\alice: AF CORP\alice' "$out"
contains "GF after AF (0x, as ntlm_auth)" 'CORP\alice GF: GF 0xe' "$out"
contains "GK after AF" 'CORP\alice GK: GK' "$out"
contains "NA wrong password" 'CORP\alice: NA NTLM_E_LOGON_FAILURE' "$out"
lacks "NA without the detail" 'NTProofStr' "$out"
contains "NA unknown user" 'CORP\nobody: NA NTLM_E_NO_SUCH_USER' "$out"
contains "KK first" 'kk-first: BH KK without a handshake' "$out"
contains "garbage" 'garbage: BH unknown request' "$out"
contains "bad base64" 'bad-base64: BH NTLM_E_BAD_ENCODING' "$out"
contains "empty YR" 'empty-yr: BH' "$out"
contains "exit 0 at EOF" 'exit: 0' "$out"
audit=$(cat "$TMP/audit")
contains "audit success" '"event":9005' "$audit"
contains "audit failure names the check" 'NTProofStr does not match' "$audit"

# The backends from the policy file ([ntlmssp] Accounts) when --accounts is absent.
printf 'Profile = cis\n[ntlmssp]\nAccounts = file:%s\n' "$TMP/accounts" >"$TMP/acc.conf"
out=$(/usr/bin/python3 "$HERE/helper_driver.py" 'CORP\alice%S3cret!pw' -- "$NTLM" helper \
	--protocol squid-2.5-ntlmssp --config "$TMP/acc.conf" 2>&1)
contains "Accounts from the policy" 'CORP\alice: AF CORP\alice' "$out"
shown=$("$NTLM" policy show --brief --config "$TMP/acc.conf" 2>&1)
contains "policy show lists Accounts" "Accounts = file:$TMP/accounts" "$shown"
printf '[ntlmssp]\nAccounts = ldap:x, winbind\n' >"$TMP/badacc.conf"
checked=$("$NTLM" policy check "$TMP/badacc.conf" 2>&1)
contains "a bad Accounts entry is a config error" "Accounts entry 'ldap:x': not an account backend" "$checked"
"$NTLM" helper --protocol squid-2.5-ntlmssp </dev/null >"$TMP/o" 2>&1
contains "no backends at all: exit 2" 2 "$?"
contains "no backends named" 'no account backends' "$(cat "$TMP/o")"

# Usage errors.
"$NTLM" helper --accounts "$TMP/accounts" </dev/null >/dev/null 2>&1
contains "no --protocol: exit 2" 2 "$?"
"$NTLM" helper --protocol ntlm-server-1 --accounts "$TMP/accounts" </dev/null >/dev/null 2>&1
contains "unknown protocol: exit 2" 2 "$?"
"$NTLM" helper --protocol squid-2.5-ntlmssp --accounts "ldap:x, winbind" </dev/null >"$TMP/o" 2>&1
contains "bad --accounts: exit 2" 2 "$?"
contains "bad --accounts named" "unknown backend 'ldap:x'" "$(cat "$TMP/o")"

if [ "$FAILS" -ne 0 ]; then
	echo "$FAILS of $CHECKS checks failed" >&2
	exit 1
fi
echo "all $CHECKS checks passed"
