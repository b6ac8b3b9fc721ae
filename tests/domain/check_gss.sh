#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The GSSAPI mechanism (ntlmssp_gss.so) on domain accounts: python3-gssapi
# as initiator and acceptor in one process, a client of the member's
# winbindd; the acceptor's only configuration is a policy file with
# `[ntlmssp] Accounts = winbind` (cred store ntlmssp_conf). Success names
# the canonical user; a wrong password and a disabled account fail with the
# domain's verdict in the minor status's text.
set -u
source "$(dirname "$0")/lib.bash"

so=$BUILD/ntlmssp_gss.so
if [ ! -f "$so" ] || nm -D "$so" 2>/dev/null | grep -q __asan_init ||
	! $PY -c 'import gssapi' 2>/dev/null; then
	echo "check_gss: skipped (no ntlmssp_gss.so usable by python3, or no python3-gssapi)"
	exit 0
fi
printf '[ntlmssp]\nAccounts = winbind\n' >"$TMP/gss-winbind.conf"
cat >"$TMP/gss_domain.py" <<'PY'
import os, sys
import gssapi, gssapi.raw
NTLM = gssapi.OID.from_int_seq("1.3.6.1.4.1.311.2.2.10")
conf = sys.argv[1].encode()

def logon(user, pw):
    icred = gssapi.raw.acquire_cred_with_password(
        gssapi.Name(user, gssapi.NameType.user), pw.encode(), usage="initiate",
        mechs=[NTLM]).creds
    acred = gssapi.Credentials(usage="accept", mechs=[NTLM], store={b"ntlmssp_conf": conf})
    target = gssapi.Name("HTTP@mem1.testdom.example", gssapi.NameType.hostbased_service)
    ic = gssapi.SecurityContext(name=target, creds=icred, mech=NTLM, usage="initiate")
    ac = gssapi.SecurityContext(creds=acred, usage="accept")
    try:
        tok = ic.step()
        while not ac.complete:
            tok = ac.step(tok)
            if tok and not ic.complete:
                tok = ic.step(tok)
        return "ok " + str(ac.initiator_name)
    except gssapi.exceptions.GSSError as e:
        return "error " + str(e).replace("\n", " ")

print("alice:", logon("TESTDOM\\ALICE", "Passw0rd1"))
print("wrong:", logon("TESTDOM\\alice", "WrongPass9"))
print("carol:", logon("TESTDOM\\carol", "Carol-Passw0rd"))
PY
out=$(GSS_MECH_CONFIG=$BUILD/gss-mech.conf NTLMSSP_AUDIT_LOG="$TMP/gss.audit" \
	bash "$DHERE/domain.sh" wb "$D" member $PY "$TMP/gss_domain.py" "$TMP/gss-winbind.conf" 2>&1)
contains "gss acceptor, Accounts = winbind: alice authenticated, canonical name" \
	'alice: ok TESTDOM\alice' "$out"
contains "gss acceptor: wrong password refused by the domain" 'wrong: error' "$out"
contains "gss acceptor: the minor status names the verdict" 'NTLM_E_LOGON_FAILURE' "$out"
contains "gss acceptor: disabled account" 'NTLM_E_ACCOUNT_DISABLED' "$out"
ev=$(events "$TMP/gss.audit")
contains "gss audit: success" '9005 success TESTDOM\alice' "$ev"
contains "gss audit: the domain's NT status" 'NT_STATUS_WRONG_PASSWORD' "$ev"
finish
