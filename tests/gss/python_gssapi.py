#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""python3-gssapi as initiator and acceptor over ntlmssp's mechanism.

GSS_MECH_CONFIG (set before the first GSSAPI call) names only our module;
both roles run in this process through python-gssapi's high-level API:
credentials from a password and from the cred store (an ntlmssp account
store), the handshake, wrap/unwrap and get_mic/verify_mic both ways, the
session key, and a wrong password that fails with our reason text.

usage: python_gssapi.py BUILD_DIR   (exit 0 = pass, 77 = python3-gssapi missing)
NTLM_GSS_MECH_CONFIG, when set, is the mech file instead of BUILD_DIR's (the
installed one: tests/install/staged.sh gss), and the module it names must be
the one this process loaded.
"""
import os
import sys
import tempfile

build = sys.argv[1]
mech_conf = os.environ.get("NTLM_GSS_MECH_CONFIG") or os.path.join(build, "gss-mech.conf")
os.environ["GSS_MECH_CONFIG"] = mech_conf
os.environ["NTLMSSP_AUDIT_LOG"] = "none"
for k in ("NTLMSSP_CONF", "NTLM_USER_FILE", "LM_COMPAT_LEVEL"):
    os.environ.pop(k, None)
try:
    import gssapi
    import gssapi.raw
except ImportError:
    print("skip: python3-gssapi is not installed")
    sys.exit(77)

NTLM = gssapi.OID.from_int_seq("1.3.6.1.4.1.311.2.2.10")
PW = b"Alice-Pass-1"
# NT hash of Alice-Pass-1 comes from `ntlm hash`; computed here with the tool.
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def nt_hash(pw):
    import subprocess
    out = subprocess.run([os.path.join(build, "ntlm"), "hash"], input=pw,
                         capture_output=True, check=True)
    return out.stdout.decode().strip()


def run(tmp, password):
    accounts = os.path.join(tmp, "accounts")
    with open(accounts, "w") as f:
        f.write(f"CORP:alice:{nt_hash(PW)}\n")
    user = gssapi.Name("CORP\\alice", gssapi.NameType.user)
    icred = gssapi.raw.acquire_cred_with_password(user, password, usage="initiate",
                                                  mechs=[NTLM]).creds
    acred = gssapi.Credentials(usage="accept", mechs=[NTLM],
                               store={b"accounts": accounts.encode()})
    target = gssapi.Name("HTTP@web.example.com", gssapi.NameType.hostbased_service)
    flags = (gssapi.RequirementFlag.confidentiality | gssapi.RequirementFlag.integrity)
    ic = gssapi.SecurityContext(name=target, creds=icred, mech=NTLM, usage="initiate",
                                flags=flags)
    ac = gssapi.SecurityContext(creds=acred, usage="accept")
    tok = ic.step()
    while not (ic.complete and ac.complete):
        tok = ac.step(tok)
        if tok and not ic.complete:
            tok = ic.step(tok)
    return ic, ac


with tempfile.TemporaryDirectory() as tmp:
    ic, ac = run(tmp, PW)
    check(ic.complete and ac.complete, "handshake complete on both sides")
    check(str(ac.initiator_name) == "CORP\\alice", f"acceptor sees {ac.initiator_name}")
    check(gssapi.RequirementFlag.confidentiality in ac.actual_flags, "CONF granted")
    check(gssapi.RequirementFlag.mutual_authentication not in ic.actual_flags, "no MUTUAL")
    w = ic.wrap(b"hello from python", True)
    check(w.encrypted and b"hello" not in w.message, "wrap seals")
    u = ac.unwrap(w.message)
    check(u.message == b"hello from python", "unwrap on the acceptor")
    back = ic.unwrap(ac.wrap(b"and back", True).message)
    check(back.message == b"and back", "wrap/unwrap the other way")
    mic = ac.get_signature(b"signed")
    ic.verify_signature(b"signed", mic)
    check(len(mic) == 16, "get_mic / verify_mic")
    try:
        ic.verify_signature(b"signed!", ac.get_signature(b"signed"))
        check(False, "an altered message is refused")
    except gssapi.exceptions.GSSError as e:
        check("NTLM_E_MESSAGE_ALTERED" in str(e), f"an altered message is refused: {e}")
    ik = gssapi.raw.inquire_sec_context_by_oid(ic, gssapi.raw.OID.from_int_seq(
        "1.2.840.113554.1.2.2.5.5"))
    ak = gssapi.raw.inquire_sec_context_by_oid(ac, gssapi.raw.OID.from_int_seq(
        "1.2.840.113554.1.2.2.5.5"))
    check(len(ik[0]) == 16 and ik == ak, "the same session key on both sides")
    try:
        run(tmp, b"wrong password")
        check(False, "a wrong password fails")
    except gssapi.exceptions.GSSError as e:
        check("NTLM_E_LOGON_FAILURE" in str(e), f"a wrong password fails: {e}")

# The module mech_conf names is the one in this process.
with open(mech_conf) as f:
    module = [ln.split()[2] for ln in f if ln.strip() and not ln.startswith("#")][0]
with open("/proc/self/maps") as f:
    loaded = {ln.split()[-1] for ln in f if ln.rstrip().endswith("ntlmssp_gss.so")}
check(loaded == {module}, f"the module loaded is {module} (maps: {sorted(loaded)})")

print(f"python_gssapi: {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
