# SPDX-License-Identifier: MIT
"""A slow-header attacker for the tests of `ntlm httpd` and `ntlm server`.

  slowloris.py PORT --addrs A,B,... --per-addr N [--interval S] [--duration S]
               [--negotiate-first K] [--mode http|frames]

Keeps N connections open from each source address (127.0.0.x: every
loopback address is local), each sending one byte every S seconds, and
reconnects each one as soon as the server closes it. With --negotiate-first
K, K connections of each address first do a complete NEGOTIATE round trip
(http: a request with an NTLM NEGOTIATE, whose 401 it reads) and only then
trickle the next request. --mode frames speaks the length-prefixed framing
of `ntlm server` instead of HTTP (a frame of 100 bytes, one byte at a time).

Prints one JSON object (also when stopped early by SIGTERM or SIGINT):
connections opened, refused (connect failed, or no
answer to the NEGOTIATE), closed by the server (closed_at_once: within 0.2 s
of opening, as a refusal looks), and the longest time the server let one
connection live.
"""
import argparse
import base64
import json
import select
import signal
import socket
import struct
import time

# An NTLM NEGOTIATE (MS-NLMP 2.2.1.1): UNICODE, OEM, REQUEST_TARGET, NTLM,
# ALWAYS_SIGN, EXTENDED_SESSIONSECURITY, VERSION, 128, 56.
NEGOTIATE = (b"NTLMSSP\x00" + struct.pack("<I", 1) + struct.pack("<I", 0xA2088207) +
             b"\x00" * 16 + b"\x0a\x00\x61\x4a\x00\x00\x00\x0f")


class Conn:
    def __init__(self, addr, negotiate):
        self.addr = addr
        self.negotiate = negotiate
        self.sock = None
        self.opened = 0.0


def read_response(s, timeout):
    """Reads one HTTP response head and its body (Content-Length)."""
    s.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            raise OSError("closed")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v.strip())
    while len(body) < length:
        chunk = s.recv(4096)
        if not chunk:
            raise OSError("closed")
        body += chunk
    return head


def open_conn(c, port, mode, stats):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind((c.addr, 0))
        s.connect(("127.0.0.1", port))
        if c.negotiate and mode == "http":
            tok = base64.b64encode(NEGOTIATE).decode()
            s.sendall(("GET / HTTP/1.1\r\nHost: x\r\nAuthorization: NTLM %s\r\n\r\n" %
                       tok).encode())
            head = read_response(s, 5)
            if b" 401 " not in head.split(b"\r\n")[0] + b" ":
                raise OSError("no 401 to the NEGOTIATE")
            stats["negotiated"] += 1
        elif c.negotiate and mode == "frames":
            s.sendall(struct.pack(">I", len(NEGOTIATE)) + NEGOTIATE)
            s.settimeout(5)
            hdr = s.recv(4)
            if len(hdr) < 4:
                raise OSError("closed")
            n = struct.unpack(">I", hdr)[0]
            got = b""
            while len(got) < n:
                chunk = s.recv(n - len(got))
                if not chunk:
                    raise OSError("closed")
                got += chunk
            if got.startswith(b"FAIL"):
                raise OSError("refused")
            stats["negotiated"] += 1
        s.setblocking(False)
        # The first byte of the next request (or the header of a frame whose
        # 100 bytes then trickle in).
        s.send(b"G" if mode == "http" else struct.pack(">I", 100))
    except OSError:
        s.close()
        stats["refused"] += 1
        return False
    c.sock = s
    c.opened = time.monotonic()
    stats["opened"] += 1
    return True


def attack(a, conns, stats, end):
    next_byte = time.monotonic()
    while time.monotonic() < end:
        for c in conns:
            if c.sock is None:
                open_conn(c, a.port, a.mode, stats)
        now = time.monotonic()
        live = [c for c in conns if c.sock is not None]
        r, _, _ = select.select([c.sock for c in live], [], [], 0.05)
        for c in live:
            gone = False
            if c.sock in r:
                try:
                    gone = c.sock.recv(4096) == b""
                except BlockingIOError:
                    pass
                except OSError:
                    gone = True
            if not gone and now >= next_byte:
                try:
                    c.sock.send(b"x")
                except (BlockingIOError, InterruptedError):
                    pass
                except OSError:
                    gone = True
            if gone:
                stats["closed_by_server"] += 1
                if now - c.opened < 0.2:
                    stats["closed_at_once"] += 1
                stats["longest_held"] = max(stats["longest_held"], now - c.opened)
                c.sock.close()
                c.sock = None
        if now >= next_byte:
            next_byte = now + a.interval


def stop(signum, frame):
    raise KeyboardInterrupt


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("--addrs", required=True)
    ap.add_argument("--per-addr", type=int, required=True)
    ap.add_argument("--interval", type=float, default=1.0)
    ap.add_argument("--duration", type=float, default=20.0)
    ap.add_argument("--negotiate-first", type=int, default=0)
    ap.add_argument("--mode", choices=["http", "frames"], default="http")
    a = ap.parse_args()

    stats = {"opened": 0, "refused": 0, "closed_by_server": 0, "closed_at_once": 0,
             "negotiated": 0, "longest_held": 0.0}
    conns = [Conn(addr, i < a.negotiate_first)
             for addr in a.addrs.split(",") for i in range(a.per_addr)]
    end = time.monotonic() + a.duration
    signal.signal(signal.SIGTERM, stop)
    try:
        attack(a, conns, stats, end)
    except KeyboardInterrupt:  # SIGINT or SIGTERM: stop early, still report
        pass
    now = time.monotonic()
    for c in conns:
        if c.sock is not None:
            stats["longest_held"] = max(stats["longest_held"], now - c.opened)
            c.sock.close()
    stats["longest_held"] = round(stats["longest_held"], 2)
    print(json.dumps(stats))


if __name__ == "__main__":
    main()
