#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Cyrus SASL GSS-SPNEGO over ntlmssp's mechanism: sasl-sample-server and
sasl-sample-client (package sasl2-bin; the GSS-SPNEGO plugin is in
libsasl2-modules-gssapi-mit), both loading ntlmssp_gss.so through MIT's
SPNEGO (GSS_MECH_CONFIG), their "S: " / "C: " lines relayed between them.
Checks: both sides complete as CORP\\alice, the SASL security layer
carries a sealed message each way (SSF 64), our acceptor audits the success
(9005); a wrong password fails on the server with our reason (9004).

usage: sasl.py BUILD_DIR   (exit 0 = pass, 1 = fail, 77 = packages missing)
"""
import os
import shutil
import subprocess
import sys
import tempfile
import threading

build = sys.argv[1]
SERVER, CLIENT = "/usr/sbin/sasl-sample-server", "/usr/bin/sasl-sample-client"
PLUGIN = "/usr/lib/x86_64-linux-gnu/sasl2/libgssapiv2.so"
if not (os.path.exists(SERVER) and os.path.exists(CLIENT) and os.path.exists(PLUGIN)):
    print("skip: sasl2-bin / libsasl2-modules-gssapi-mit not installed")
    sys.exit(77)
so = os.path.join(build, "ntlmssp_gss.so")
nm = subprocess.run(["nm", "-D", so], capture_output=True, text=True).stdout
if "__asan_init" in nm:
    print("skip: ntlmssp_gss.so is built with the sanitizers (not loadable by these programs)")
    sys.exit(77)
failures = []


def check(what, cond):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def run(tmp, password):
    """Relays the two programs' lines; returns (server lines, client lines)."""
    users = os.path.join(tmp, "users")
    with open(users, "w") as f:
        f.write("CORP:alice:%s\n" % password)
    env = dict(os.environ, GSS_MECH_CONFIG=os.path.join(build, "gss-mech.conf"),
               NTLMSSP_AUDIT_LOG=os.path.join(tmp, "audit.jsonl"))
    env.pop("NTLMSSP_CONF", None)
    senv = dict(env, NTLMSSP_ACCOUNTS=os.path.join(tmp, "accounts"))
    senv.pop("NTLM_USER_FILE", None)
    cenv = dict(env, NTLM_USER_FILE=users)
    cenv.pop("NTLMSSP_ACCOUNTS", None)
    stdbuf = shutil.which("stdbuf")
    pre = [stdbuf, "-oL"] if stdbuf else []
    common = ["-m", "GSS-SPNEGO", "-s", "host"]
    srv = subprocess.Popen(pre + [SERVER] + common, stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=senv)
    cli = subprocess.Popen(pre + [CLIENT] + common + ["-n", "localhost"], stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=cenv)
    out = {"srv": [], "cli": []}

    def pump(src, dst, name, prefix):
        for raw in src.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            out[name].append(line)
            if line.startswith(prefix):
                try:
                    dst.stdin.write((line + "\n").encode())
                    dst.stdin.flush()
                except (BrokenPipeError, ValueError):
                    pass

    ts = [threading.Thread(target=pump, args=(srv, cli, "srv", "S: "), daemon=True),
          threading.Thread(target=pump, args=(cli, srv, "cli", "C: "), daemon=True)]
    for t in ts:
        t.start()
    for p in (cli, srv):
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
    for t in ts:
        t.join(timeout=5)
    return out["srv"], out["cli"]


with tempfile.TemporaryDirectory() as tmp:
    nt = subprocess.run([os.path.join(build, "ntlm"), "hash"], input=b"Alice-Pass-1",
                        capture_output=True, check=True).stdout.decode().strip()
    with open(os.path.join(tmp, "accounts"), "w") as f:
        f.write("CORP:alice:%s\n" % nt)
    srv, cli = run(tmp, "Alice-Pass-1")
    check("client: negotiation complete", "Negotiation complete" in cli)
    check("client: Username CORP\\alice", "Username: CORP\\alice" in cli)
    check("server: Username CORP\\alice", "Username: CORP\\alice" in srv)
    check("server: SSF 64 (sealed security layer)", "SSF: 64" in srv)
    check("client: unsealed the server's message",
          "recieved decoded message 'srv message 1'" in cli)
    check("server: unsealed the client's message",
          "recieved decoded message 'client message 1'" in srv)
    audit = open(os.path.join(tmp, "audit.jsonl")).read()
    check("audit: our acceptor's 9005 for alice",
          '"event":9005' in audit and '"user":"alice","domain":"CORP"' in audit)
    # "GSS-SPNEGO\0" then the InitialContextToken (0x60 ...) of MIT's SPNEGO
    check("the client's first message is a SPNEGO NegTokenInit",
          any(l.startswith("C: R1NTLVNQTkVHTwBg") for l in cli))
    if failures:
        print("\n".join("srv| " + l for l in srv[-20:]))
        print("\n".join("cli| " + l for l in cli[-20:]))

    os.remove(os.path.join(tmp, "audit.jsonl"))
    srv, cli = run(tmp, "wrong-password")
    check("wrong password: the client does not complete", "Negotiation complete" not in cli)
    check("wrong password: the server says why (our minor status)",
          any("NTLM_E_LOGON_FAILURE" in l for l in srv))
    audit = open(os.path.join(tmp, "audit.jsonl")).read()
    check("wrong password: 9004 audited", '"event":9004' in audit)
    if failures:
        print("\n".join("srv| " + l for l in srv[-20:]))

sys.exit(1 if failures else 0)
