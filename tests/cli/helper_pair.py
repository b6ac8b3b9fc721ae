#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Pipes an ntlm_auth-style client helper (ntlmssp-client-1) into a server
helper (squid-2.5-ntlmssp), as a program that lets helpers make and check
its tokens would: client YR -> server YR <negotiate> -> client TT
<challenge> -> server KK <authenticate>, then GF and GK on both sides.
Prints every exchange as "side: request-code -> answer" (tokens cut to
their first 20 characters) and, at the end, whether the two session keys
are equal.

  helper_pair.py [--sf FEATURES] [--pw PASSWORD] [--strip HEXFLAGS] [--rounds N] [--spnego]
                 CLIENT ARGV... -- SERVER ARGV...

--sf: an SF line for the client first. --pw: answer the client's "PW"
question (or, with no question, send PW first). --strip: clear these
NegotiateFlags bits in the CHALLENGE the client gets (a server, or a man in
the middle, that grants less). --rounds: handshakes in a row on the same
two helpers. --spnego: the pair speaks SPNEGO (a gss-spnego-client into a
gss-spnego server): the server's answers carry "TOKEN ARG", the client
gets TT with each server token until the server's AF, whose token it
gets last ("AF <token>": a client that accepts our final token, and its
mechListMIC, answers AF).
"""
import base64
import struct
import subprocess
import sys


def main():
    args = sys.argv[1:]
    sf = pw = None
    strip = 0
    rounds = 1
    spnego = False
    while args and args[0].startswith("--"):
        if args[0] == "--spnego":
            spnego = True
            args = args[1:]
            continue
        opt, val = args[0], args[1]
        args = args[2:]
        if opt == "--sf":
            sf = val
        elif opt == "--pw":
            pw = val
        elif opt == "--strip":
            strip = int(val, 16)
        elif opt == "--rounds":
            rounds = int(val)
        else:
            sys.exit(f"unknown option {opt}")
    sep = args.index("--")
    cargv, sargv = args[:sep], args[sep + 1:]
    cli = subprocess.Popen(cargv, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    srv = subprocess.Popen(sargv, stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def ask(p, side, line, show=True):
        p.stdin.write(line.encode() + b"\n")
        p.stdin.flush()
        ans = p.stdout.readline().decode("utf-8", "replace").rstrip("\n")
        if show:
            print(f"{side}: {line[:2]} -> {ans if len(ans) < 200 else ans[:23] + '...'}")
        return ans

    def more(p, side):
        ans = p.stdout.readline().decode("utf-8", "replace").rstrip("\n")
        print(f"{side}: .. -> {ans if len(ans) < 200 else ans[:23] + '...'}")
        return ans

    if sf is not None:
        ask(cli, "client", "SF " + sf)
    pw_line = None
    if pw is not None:
        pw_line = "PW " + base64.b64encode(pw.encode()).decode()
    keys = {}
    for _ in range(rounds):
        yr = ask(cli, "client", "YR")
        if yr == "PW" and pw_line:
            ask(cli, "client", pw_line)
            yr = more(cli, "client")
        if not yr.startswith("YR "):
            break
        if spnego:
            ans = ask(srv, "server", "YR " + yr[3:])
            while ans.startswith("TT "):
                kk = ask(cli, "client", "TT " + ans.split(" ")[1])
                if kk[:3] not in ("KK ", "AF "):
                    break
                ans = ask(srv, "server", "KK " + kk[3:])
            if ans.startswith("AF "):
                tok = ans.split(" ")[1]
                if tok != "*":
                    ask(cli, "client", "AF " + tok)
            continue
        tt = ask(srv, "server", "YR " + yr[3:])
        if not tt.startswith("TT "):
            break
        chal = base64.b64decode(tt[3:])
        if strip:
            flags = struct.unpack_from("<I", chal, 20)[0] & ~strip
            chal = chal[:20] + struct.pack("<I", flags) + chal[24:]
        af = ask(cli, "client", "TT " + base64.b64encode(chal).decode())
        if af[:3] not in ("AF ", "KK "):
            break
        ask(srv, "server", "KK " + af[3:])
        ask(cli, "client", "GF")
        ask(srv, "server", "GF")
        keys["client"] = ask(cli, "client", "GK", show=False)
        keys["server"] = ask(srv, "server", "GK", show=False)
        print(f"client: GK -> {keys['client'][:2]}")
        print(f"server: GK -> {keys['server'][:2]}")
        same = keys["client"].startswith("GK ") and keys["client"] == keys["server"]
        print(f"session keys: {'equal' if same else 'differ'}")
    for p in (cli, srv):
        p.stdin.close()
    print(f"exit: client {cli.wait()} server {srv.wait()}")


if __name__ == "__main__":
    main()
