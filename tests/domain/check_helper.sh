#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ntlm helper --protocol squid-2.5-ntlmssp with domain accounts (winbind),
# driven as Squid drives it: AF with the canonical names, NA naming the
# domain's verdict, and the audit of each.
set -u
source "$(dirname "$0")/lib.bash"

out=$($PY "$DHERE/../cli/helper_driver.py" 'TESTDOM\ALICE%Passw0rd1' 'TESTDOM\alice%WrongPass9' \
	'TESTDOM\carol%Carol-Passw0rd' 'TESTDOM\dave%Dave-Passw0rd' -- \
	bash "$DHERE/domain.sh" wb "$D" member "$NTLM" helper --protocol squid-2.5-ntlmssp \
	--accounts winbind --audit "$TMP/audit" 2>&1)
contains "AF canonical" 'TESTDOM\ALICE: AF TESTDOM\alice' "$out"
contains "GK after AF" 'TESTDOM\ALICE GK: GK' "$out"
contains "NA wrong password" 'TESTDOM\alice: NA NTLM_E_LOGON_FAILURE' "$out"
contains "NA disabled" 'TESTDOM\carol: NA NTLM_E_ACCOUNT_DISABLED' "$out"
contains "NA must change" 'TESTDOM\dave: NA NTLM_E_PASSWORD_MUST_CHANGE' "$out"
contains "exit 0" 'exit: 0' "$out"
ev=$(events "$TMP/audit")
contains "audit success" '9005 success TESTDOM\alice' "$ev"
contains "audit wrong password" 'NT_STATUS_WRONG_PASSWORD' "$ev"
contains "audit disabled" 'NT_STATUS_ACCOUNT_DISABLED' "$ev"

# ntlm helper --protocol ntlmssp-client-1 (ours) piped into a server helper
# on the member (tests/cli/helper_pair.py): our squid-2.5-ntlmssp with
# winbind, and Samba's own ntlm_auth (winbind behind it too): a domain
# account end to end, the same session key on both sides.
CLIENT=("$NTLM" helper --protocol ntlmssp-client-1 --username alice --domain TESTDOM)
out=$($PY "$DHERE/../cli/helper_pair.py" --sf 'NTLMSSP_FEATURE_SIGN NTLMSSP_FEATURE_SEAL' \
	"${CLIENT[@]}" --password Passw0rd1 --audit "$TMP/caudit" -- \
	bash "$DHERE/domain.sh" wb "$D" member "$NTLM" helper --protocol squid-2.5-ntlmssp \
	--accounts winbind --audit "$TMP/saudit" 2>&1)
contains "client helper into ours: AF canonical" 'server: KK -> AF TESTDOM\alice' "$out"
contains "client helper into ours: the DC's session key on both sides" 'session keys: equal' "$out"
contains "client helper into ours: SEAL" 'client: GF -> GF 0xe2' "$out"
contains "client audit 9010 names the member" '"server_nb_domain":"TESTDOM"' "$(cat "$TMP/caudit")"
ev=$(events "$TMP/saudit")
contains "server audit success" '9005 success TESTDOM\alice' "$ev"
out=$($PY "$DHERE/../cli/helper_pair.py" "${CLIENT[@]}" --password WrongPass9 -- \
	bash "$DHERE/domain.sh" wb "$D" member "$NTLM" helper --protocol squid-2.5-ntlmssp \
	--accounts winbind 2>&1)
contains "client helper, wrong password: the DC's verdict" 'server: KK -> NA NTLM_E_LOGON_FAILURE' "$out"
out=$($PY "$DHERE/../cli/helper_pair.py" "${CLIENT[@]}" --password Passw0rd1 -- \
	bash "$DHERE/domain.sh" wb "$D" member ntlm_auth "--configfile=$D/mem/smb.conf" \
	--helper-protocol=squid-2.5-ntlmssp 2>&1)
contains "client helper into Samba's ntlm_auth: AF" 'server: KK -> AF TESTDOM\alice' "$out"
contains "client helper into Samba's ntlm_auth: same key" 'session keys: equal' "$out"

# gss-spnego through the member: a real SPNEGO initiator (python3-gssapi,
# MIT SPNEGO over gss-ntlmssp) and a domain account; the DC's key signs
# the mechListMIC both ways.
so=$(ls /usr/lib/*/gssntlmssp/gssntlmssp.so 2>/dev/null | head -1)
if [ -n "$so" ] && $PY -c 'import gssapi' 2>/dev/null; then
	out=$($PY "$DHERE/../cli/helper_spnego.py" "$so" ok 'TESTDOM\alice' Passw0rd1 -- \
		bash "$DHERE/domain.sh" wb "$D" member "$NTLM" helper --protocol gss-spnego \
		--accounts winbind --audit "$TMP/spnego" 2>&1)
	contains "gss-spnego: AF canonical" ' TESTDOM\alice' "$out"
	contains "gss-spnego: the initiator checked our mechListMIC" 'ok: initiator complete: True' "$out"
	contains "gss-spnego: audit success" '9005 success TESTDOM\alice' "$(events "$TMP/spnego")"
	out=$($PY "$DHERE/../cli/helper_spnego.py" "$so" ok 'TESTDOM\dave' Dave-Passw0rd -- \
		bash "$DHERE/domain.sh" wb "$D" member "$NTLM" helper --protocol gss-spnego \
		--accounts winbind 2>&1)
	contains "gss-spnego: must change: NA" 'ok: NA * NTLM_E_PASSWORD_MUST_CHANGE' "$out"
else
	echo "SKIP (loudly): gss-spnego through the member needs gss-ntlmssp and python3-gssapi" >&2
fi
finish
