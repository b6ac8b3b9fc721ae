#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Drives `ntlm helper --protocol squid-2.5-ntlmssp` as Squid would, with
python3-ntlm-auth as the browser: for each DOMAIN\\USER%PASSWORD argument,
YR <negotiate> -> TT <challenge>, KK <authenticate> -> AF/NA/BH, then GF and
GK; then a few hostile lines. Prints every answer line as "name: answer".

  helper_driver.py [--level N] CREDENTIAL... -- HELPER ARGV...

Run with Debian's /usr/bin/python3 and an OPENSSL_CONF that enables MD4.
"""
import base64
import subprocess
import sys

from ntlm_auth.ntlm import NtlmContext


def main():
    args = sys.argv[1:]
    level = 3
    if args[:1] == ["--level"]:
        level = int(args[1])
        args = args[2:]
    sep = args.index("--")
    creds, helper = args[:sep], args[sep + 1:]
    p = subprocess.Popen(helper, stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def ask(line):
        p.stdin.write(line.encode() + b"\n")
        p.stdin.flush()
        return p.stdout.readline().decode("utf-8", "replace").rstrip("\n")

    for cred in creds:
        who, pw = cred.split("%", 1)
        dom, user = who.split("\\", 1)
        ctx = NtlmContext(user, pw, domain=dom, workstation="BROWSER", ntlm_compatibility=level)
        neg = ctx.step()
        tt = ask("YR " + base64.b64encode(neg).decode())
        print(f"{who}: {tt[:2]}")
        if not tt.startswith("TT "):
            continue
        auth = ctx.step(base64.b64decode(tt[3:]))
        print(f"{who}: {ask('KK ' + base64.b64encode(auth).decode())}")
        print(f"{who} GF: {ask('GF')}")
        print(f"{who} GK: {ask('GK')[:2]}")
    # Hostile or out-of-order requests: each gets BH, the helper lives on.
    print("kk-first: " + ask("KK " + base64.b64encode(b"NTLMSSP\0\3\0\0\0" + b"\0" * 56).decode()))
    print("garbage: " + ask("XX hello"))
    print("bad-base64: " + ask("YR !!!"))
    print("empty-yr: " + ask("YR"))
    p.stdin.close()
    print(f"exit: {p.wait()}")


if __name__ == "__main__":
    main()
