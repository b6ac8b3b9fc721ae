#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Hostile and man-in-the-middle peers for tests/cli/client_server.sh and stdio.sh.

`ntlm client --stdio` serves as the NTLM engine where a test needs a real
handshake: its ntlm-lines/1 lines are relayed to the peer under test, and then
the driver misbehaves on its own. Every mode prints what it saw on stdout, one
`key: value` line each, and exits 0 unless the driver itself failed.

  raw PORT bytes HEX             send HEX and end our side, print the answer
                                 frame, wait for close
  raw PORT stall SECONDS         connect, send nothing, report when the server closes
  raw PORT busy N SECONDS        hold N connections open for SECONDS (cap tests)
  tcp-relay PORT ACTION -- CLIENT...
                                 handshake through CLIENT (ntlm client --stdio
                                 --data 0), then ACTION on the authenticated
                                 connection: badsig | huge | short | stall
  stdio-server ACTION -- SERVER... -- CLIENT...
                                 handshake SERVER (ntlm server --stdio) through
                                 CLIENT, then send ACTION's lines to SERVER
  stdio-mitm EDIT -- SERVER... -- CLIENT...
                                 relay CLIENT <-> SERVER, editing one line:
                                 strip-ess (clear ESS in the CHALLENGE) |
                                 strip-prot (clear SIGN, SEAL and 128 in it) |
                                 flip-wrap (flip a byte of the first WRAP answer)
"""
import base64
import socket
import struct
import subprocess
import sys
import time

TIMEOUT = 60


def out(key, value):
    print(f"{key}: {value}", flush=True)


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def read_frame(s):
    hdr = recv_exact(s, 4)
    if hdr is None:
        return None
    (n,) = struct.unpack(">I", hdr)
    return recv_exact(s, n)


def send_frame(s, b):
    s.sendall(struct.pack(">I", len(b)) + b)


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    s.settimeout(TIMEOUT)
    return s


def show_frame(f):
    if f is None:
        out("frame", "closed")
    elif f[:5] in (b"FAIL ", b"OK ") or f[:3] == b"OK ":
        out("frame", f.decode("utf-8", "replace"))
    else:
        out("frame", f"{len(f)} bytes")


def wait_closed(s):
    t0 = time.monotonic()
    try:
        while s.recv(4096):
            pass
        out("closed", f"after {time.monotonic() - t0:.1f}s")
    except socket.timeout:
        out("closed", "no (timeout)")
    except ConnectionResetError:
        out("closed", "reset")


def raw(args):
    port = int(args[0])
    what = args[1]
    if what == "bytes":
        s = connect(port)
        s.sendall(bytes.fromhex(args[2]))
        s.shutdown(socket.SHUT_WR)
        try:
            show_frame(read_frame(s))
        except ConnectionResetError:
            out("frame", "reset")
        wait_closed(s)
    elif what == "stall":
        s = connect(port)
        out("connected", "yes")
        s.settimeout(float(args[2]))
        try:
            show_frame(read_frame(s))
        except socket.timeout:
            out("frame", "none (still open)")
        wait_closed(s)
    elif what == "busy":
        socks = [connect(port) for _ in range(int(args[2]))]
        out("connected", len(socks))
        time.sleep(float(args[3]))
        for s in socks:
            s.close()
    else:
        sys.exit(f"raw: unknown action {what}")


class Lines:
    """An ntlm-lines/1 child process."""

    def __init__(self, argv):
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def send(self, line):
        self.p.stdin.write(line.encode() + b"\n")
        self.p.stdin.flush()

    def recv(self):
        line = self.p.stdout.readline()
        if not line:
            return None
        return line.rstrip(b"\n").decode()

    def finish(self):
        try:
            self.p.stdin.close()
        except BrokenPipeError:
            pass
        return self.p.wait(timeout=TIMEOUT)


def split_argv(args):
    parts, cur = [], []
    for a in args:
        if a == "--":
            parts.append(cur)
            cur = []
        else:
            cur.append(a)
    parts.append(cur)
    return parts


def tcp_relay(args):
    head, client_argv = split_argv(args)
    port, action = int(head[0]), head[1]
    c = Lines(client_argv)
    s = connect(port)
    send_frame(s, base64.b64decode(c.recv()))           # NEGOTIATE
    c.send(base64.b64encode(read_frame(s)).decode())    # CHALLENGE
    send_frame(s, base64.b64decode(c.recv()))           # AUTHENTICATE
    result = read_frame(s).decode()
    out("result", result)
    c.send(result)                                      # OK ...
    assert c.recv() == "BYE"
    c.send("BYE")
    out("client", c.finish())
    if action == "badsig":
        send_frame(s, b"\x01\x00\x00\x00" + b"\x00" * 12 + b"forged")
    elif action == "huge":
        s.sendall(b"\x7f\xff\xff\xff")
    elif action == "short":
        send_frame(s, b"\x01\x00\x00")
    elif action == "stall":
        s.settimeout(TIMEOUT)
    else:
        sys.exit(f"tcp-relay: unknown action {action}")
    show_frame(read_frame(s))
    wait_closed(s)


def handshake(server, client):
    server.send(client.recv())         # NEGOTIATE
    client.send(server.recv())         # CHALLENGE
    server.send(client.recv())         # AUTHENTICATE
    result = server.recv()
    client.send(result)
    return result


def stdio_server(args):
    head, server_argv, client_argv = split_argv(args)
    action = head[0]
    srv, cli = Lines(server_argv), Lines(client_argv)
    out("result", handshake(srv, cli))
    assert cli.recv() == "BYE"
    cli.send("BYE")
    out("client", cli.finish())
    lines = {
        "garbage": ["WRAP !!!!", "FOO bar", "MIC Zm9v", "MIC Zm9v Zm9v", "WRAP Zm9v", "BYE"],
        "badsig": ["WRAP " + base64.b64encode(b"\x01" + b"\x00" * 15 + b"x").decode(),
                   "MIC Zm9v " + base64.b64encode(b"\x01" + b"\x00" * 15).decode(), "BYE"],
        "eof": [],
    }[action]
    for line in lines:
        srv.send(line)
        out("answer", srv.recv())
    out("server", srv.finish())


def stdio_mitm(args):
    head, server_argv, client_argv = split_argv(args)
    edit = head[0]
    srv, cli = Lines(server_argv), Lines(client_argv)
    srv.send(cli.recv())               # NEGOTIATE
    chal = srv.recv()
    clear = {"strip-ess": 0x00080000, "strip-prot": 0x20000030}.get(edit)
    if clear:
        b = bytearray(base64.b64decode(chal))
        flags = struct.unpack_from("<I", b, 20)[0] & ~clear
        struct.pack_into("<I", b, 20, flags)
        chal = base64.b64encode(bytes(b)).decode()
    cli.send(chal)
    line = cli.recv()
    if line is None:                   # the client refused the CHALLENGE
        out("client", cli.finish())
        out("server", srv.finish())
        return
    srv.send(line)                     # AUTHENTICATE
    cli.send(srv.recv())               # OK / FAIL
    edited = False
    while True:
        line = cli.recv()
        if line is None:
            break
        srv.send(line)
        answer = srv.recv()
        if edit == "flip-wrap" and not edited and answer and answer.startswith("WRAP "):
            b = bytearray(base64.b64decode(answer[5:]))
            b[-1] ^= 0x01
            answer = "WRAP " + base64.b64encode(bytes(b)).decode()
            edited = True
        if answer is None:
            break
        cli.send(answer)
    out("client", cli.finish())
    out("server", srv.finish())


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    {"raw": raw, "tcp-relay": tcp_relay, "stdio-server": stdio_server,
     "stdio-mitm": stdio_mitm}[mode](args)


if __name__ == "__main__":
    main()
