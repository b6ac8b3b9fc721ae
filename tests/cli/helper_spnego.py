#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Drives `ntlm helper --protocol gss-spnego` as Squid's `auth_param
negotiate` would, with a real SPNEGO initiator: python3-gssapi over MIT
krb5's SPNEGO, the NTLM mechanism underneath being gss-ntlmssp (an
independent implementation) or ours (BUILD/gss-mech.conf). Each case prints
"name: answer" lines, the tokens cut short.

  helper_spnego.py MECH_SO CASE USER PASSWORD -- HELPER ARGV...

MECH_SO: the NTLM GSSAPI module for the initiator. CASE:
  ok         YR <NegTokenInit> ... AF; then GF and GK; the initiator must
             complete (it checks our mechListMIC)
  offer      YR without a token first: our NegTokenInit, then the client's
  badmic     the last KK's mechListMIC altered by one bit
  krb5only   a NegTokenInit offering Kerberos alone
  hostile    out-of-order and malformed lines
Exit 77 when python3-gssapi is missing.
"""
import base64
import os
import subprocess
import sys
import tempfile

so, case, user, password = sys.argv[1:5]
helper = sys.argv[sys.argv.index("--") + 1:]
tmp = tempfile.mkdtemp()
with open(os.path.join(tmp, "mech.conf"), "w") as f:
    f.write(f"ntlm_test 1.3.6.1.4.1.311.2.2.10 {so}\n")
os.environ["GSS_MECH_CONFIG"] = os.path.join(tmp, "mech.conf")
os.environ["NTLMSSP_AUDIT_LOG"] = "none"
for k in ("NTLM_USER_FILE", "NTLMSSP_CONF", "LM_COMPAT_LEVEL", "KRB5CCNAME"):
    os.environ.pop(k, None)
os.environ["KRB5CCNAME"] = "FILE:" + os.path.join(tmp, "no-ccache")
try:
    import gssapi
    import gssapi.raw
except ImportError:
    print("skip: python3-gssapi is not installed")
    sys.exit(77)

SPNEGO = gssapi.OID.from_int_seq("1.3.6.1.5.5.2")
p = subprocess.Popen(helper, stdin=subprocess.PIPE, stdout=subprocess.PIPE)


def ask(name, line):
    p.stdin.write(line.encode() + b"\n")
    p.stdin.flush()
    ans = p.stdout.readline().decode("utf-8", "replace").rstrip("\n")
    parts = ans.split(" ", 2)
    shown = " ".join(x if len(x) < 60 or i == 2 else x[:20] + "..."
                     for i, x in enumerate(parts))
    print(f"{name}: {shown}")
    return parts


def b64(t):
    return base64.b64encode(t).decode()


def initiator():
    name = gssapi.Name(user, gssapi.NameType.user)
    cred = gssapi.raw.acquire_cred_with_password(name, password.encode(), usage="initiate",
                                                 mechs=[SPNEGO]).creds
    target = gssapi.Name("HTTP@proxy.corp.example", gssapi.NameType.hostbased_service)
    return gssapi.SecurityContext(name=target, creds=cred, mech=SPNEGO, usage="initiate",
                                  flags=gssapi.RequirementFlag.integrity
                                  | gssapi.RequirementFlag.confidentiality)


def handshake(name, first, alter_last=False):
    """Runs the exchange; returns the initiator context."""
    ctx = initiator()
    tok = ctx.step()
    parts = ask(name, first + " " + b64(tok)) if first == "YR" else None
    if first == "KK":
        parts = ask(name, "KK " + b64(tok))
    while parts[0] == "TT":
        tok = ctx.step(base64.b64decode(parts[1]))
        if alter_last and len(tok) > 40:
            tok = tok[:-1] + bytes([tok[-1] ^ 1])
        parts = ask(name, "KK " + b64(tok))
    if parts[0] == "AF" and parts[1] != "*":
        try:
            ctx.step(base64.b64decode(parts[1]))
        except gssapi.exceptions.GSSError as e:
            print(f"{name}: initiator refused our last token: {e}")
    print(f"{name}: initiator complete: {ctx.complete}")
    return ctx


def der(tag, body):
    n = len(body)
    if n < 128:
        return bytes([tag, n]) + body
    return bytes([tag, 0x82, n >> 8, n & 0xff]) + body


if case == "ok":
    handshake("ok", "YR")
    ask("ok GF", "GF")
    ask("ok GK", "GK")
    handshake("again", "YR")
elif case == "offer":
    parts = ask("offer", "YR")
    print("offer token: " + parts[1])
    handshake("offer then", "KK")
elif case == "badmic":
    handshake("badmic", "YR", alter_last=True)
    ask("badmic GK", "GK")
elif case == "krb5only":
    krb5 = der(0x06, bytes.fromhex("2a864886f712010202"))
    init = der(0x30, der(0xa0, der(0x30, krb5)))
    tok = der(0x60, der(0x06, bytes.fromhex("2b0601050502")) + der(0xa0, init))
    ask("krb5only", "YR " + b64(tok))
elif case == "hostile":
    ask("kk-first", "KK " + b64(b"\xa1\x03\x30\x01\x00"))
    ask("bad-base64", "YR !!!")
    ask("not-der", "YR " + b64(b"NTLMSSP\0\1\0\0\0" + b"\0" * 24))
    ask("garbage", "XX hello")
    ask("gk", "GK")
    ask("kk-empty", "KK")
p.stdin.close()
print(f"exit: {p.wait()}")
