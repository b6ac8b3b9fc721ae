#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""tshark decrypts our sealed payload: our messages carried in DCE/RPC.

tshark (Wireshark 4.0) decrypts NTLMSSP-sealed data only where a dissector hands
it the sealed bytes and the signature separately; connection-oriented DCE/RPC
with auth_type 10 (NTLMSSP) and auth_level 6 (PKT_PRIVACY) does. So this bridge
wraps what `ntlm client --stdio --seal --data 1` and `ntlm server --stdio` say
(ntlm-lines/1) into DCE/RPC PDUs on a real loopback TCP connection:

  client NEGOTIATE     -> BIND      (auth_value = NEGOTIATE)
  server CHALLENGE     -> BIND_ACK  (auth_value = CHALLENGE)
  client AUTHENTICATE  -> AUTH3     (auth_value = AUTHENTICATE)
  client WRAP token    -> REQUEST   (stub = the sealed bytes, auth_value = the signature)
  server WRAP answer   -> RESPONSE  (likewise)

Everything else (the server's `OK` result line, the MIC request and answer, BYE)
is relayed between the two processes directly, outside the capture: DCE/RPC has
no PDU for them, and tshark needs none. The stub is padded (auth_pad_length) to
a multiple of 16 bytes, as Windows does (tshark 4.0 marks a shorter one
malformed and shows no decrypted stub); the bridge strips the padding again
before handing the token to our server. Wireshark 4.0 decrypts stub + padding with
the RC4 stream, which is why only the first sealed message of each direction
is checked: after it, tshark's keystream is ahead of ours by the padding (and
the MIC request between rounds is not in the capture at all).

The session is captured with `tshark -i lo` (root or CAP_NET_RAW), then read
back with `-o ntlmssp.nt_password:PW -d tcp.port==N,dcerpc`: tshark's
`dcerpc.decrypted_stub_data` of the RESPONSE must be ASCII `reply:` followed by
its decryption of the REQUEST, and without the password there must be no
decrypted stub at all.

  tshark_dcerpc.py --ntlm PATH --workdir DIR

Prints one JSON object on stdout ({"ok", "result", "protection", "direction"}).
"""
import argparse
import base64
import json
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import uuid

from capture import Capture, make_fixture

sys.dont_write_bytecode = True

DOMAIN, USER, PASSWORD = "INTEROP", "alice", "Interop-Pa55!"
DIRECTION = "decrypts our sealed payload (DCE/RPC)"
DEADLINE = 60                       # seconds for the whole check

BIND, BIND_ACK, AUTH3, REQUEST, RESPONSE = 11, 12, 16, 0, 2
AUTH_NTLMSSP, PKT_PRIVACY = 10, 6
NDR = uuid.UUID("8a885d04-1ceb-11c9-9fe8-08002b104860").bytes_le + struct.pack("<I", 2)
# an interface tshark does not know, so that it shows the stub as data
IFACE = uuid.UUID("6e746c6d-7373-7000-8000-696e7465726f").bytes_le + struct.pack("<HH", 1, 0)


def emit(ok, result):
    print(json.dumps({"ok": bool(ok), "result": result, "protection": "seal",
                      "direction": DIRECTION}), flush=True)


class Failed(Exception):
    pass


class Lines:
    """One of our processes speaking ntlm-lines/1 on its stdin/stdout."""

    def __init__(self, name, argv, err):
        self.name = name
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=open(err, "wb"))

    def send(self, line):
        try:
            self.p.stdin.write(line.encode() + b"\n")
            self.p.stdin.flush()
        except BrokenPipeError:
            raise Failed(f"ntlm {self.name} closed its stdin")

    def recv(self, what):
        r, _, _ = select.select([self.p.stdout], [], [], 15)
        if not r:
            raise Failed(f"ntlm {self.name}: no {what} within 15 s")
        line = self.p.stdout.readline()
        if not line:
            raise Failed(f"ntlm {self.name} ended before its {what} "
                         f"(exit {self.p.poll()})")
        return line.rstrip(b"\r\n").decode()

    def close(self):
        try:
            self.p.stdin.close()
        except OSError:
            pass
        try:
            return self.p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            return None


# ---- DCE/RPC connection-oriented PDUs (C706 chapter 12, MS-RPCE 2.2.2) --------------------

def pdu(ptype, call_id, body, auth, stub_at=None):
    """A PDU whose sec_trailer carries `auth`; for REQUEST/RESPONSE the stub from
    body[stub_at:] is padded to a multiple of 16 (auth_pad_length)."""
    pad = 0
    if stub_at is not None:
        pad = -(len(body) - stub_at) % 16
        body += b"\0" * pad
    trailer = struct.pack("<BBBBI", AUTH_NTLMSSP, PKT_PRIVACY, pad, 0, 0) + auth
    n = 16 + len(body) + len(trailer)
    return struct.pack("<BBBB4sHHI", 5, 0, ptype, 3, b"\x10\0\0\0", n, len(auth),
                       call_id) + body + trailer


def recv_pdu(sock, want, stub_at=0):
    """(body without padding, auth_value) of the next PDU, which must be `want`."""
    def exact(n):
        b = b""
        while len(b) < n:
            c = sock.recv(n - len(b))
            if not c:
                raise Failed("the DCE/RPC connection closed early")
            b += c
        return b
    h = exact(16)
    ver, _, ptype, _, _, n, alen, _ = struct.unpack("<BBBB4sHHI", h)
    p = h + exact(n - 16)
    if ver != 5 or ptype != want or alen == 0 or n < 16 + 8 + alen:
        raise Failed(f"bridge: PDU type {ptype}, want {want}")
    trailer = n - alen - 8
    pad = p[trailer + 2]
    return p[16 + stub_at:trailer - pad], p[n - alen:]


def bind_body():
    ctx = struct.pack("<BBH", 1, 0, 0) + struct.pack("<HBB", 0, 1, 0) + IFACE + NDR
    return struct.pack("<HHI", 5840, 5840, 0) + ctx


def bind_ack_body(port):
    sec_addr = str(port).encode() + b"\0"
    b = struct.pack("<HHI", 5840, 5840, 0x12345) + struct.pack("<H", len(sec_addr)) + sec_addr
    b += b"\0" * (-(16 + len(b)) % 4)
    return b + struct.pack("<BBH", 1, 0, 0) + struct.pack("<HH", 0, 0) + NDR


def bridge(ntlm, work, port_cb):
    """One sealed session through DCE/RPC on loopback; returns what went by."""
    seen = {"wraps": []}
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(15)
    port = listener.getsockname()[1]
    seen["port"] = port
    port_cb(port)
    srv = Lines("server", [ntlm, "server", "--stdio", "--accounts",
                           os.path.join(work, "accounts"), "--config",
                           os.path.join(work, "cis.conf")], os.path.join(work, "server.err"))
    cli = Lines("client", [ntlm, "client", "--stdio", "--config", os.path.join(work, "cis.conf"),
                           "--user", f"{DOMAIN}\\{USER}", "--password-file",
                           os.path.join(work, "pw"), "--seal", "--data", "1"],
                os.path.join(work, "client.err"))
    c = a = None
    try:
        c = socket.create_connection(("127.0.0.1", port), timeout=15)
        a, _ = listener.accept()
        a.settimeout(15)
        # BIND / BIND_ACK / AUTH3
        c.sendall(pdu(BIND, 1, bind_body(), base64.b64decode(cli.recv("NEGOTIATE"))))
        _, neg = recv_pdu(a, BIND)
        srv.send(base64.b64encode(neg).decode())
        chal = srv.recv("CHALLENGE")
        if chal.startswith("FAIL"):
            raise Failed(f"our server refused the NEGOTIATE: {chal}")
        a.sendall(pdu(BIND_ACK, 1, bind_ack_body(port), base64.b64decode(chal)))
        _, chal = recv_pdu(c, BIND_ACK)
        cli.send(base64.b64encode(chal).decode())
        auth = cli.recv("AUTHENTICATE")
        c.sendall(pdu(AUTH3, 1, b"\0" * 4, base64.b64decode(auth)))
        _, auth = recv_pdu(a, AUTH3)
        srv.send(base64.b64encode(auth).decode())
        result = srv.recv("result")
        seen["result"] = result
        cli.send(result)                  # no DCE/RPC PDU for it: relayed directly
        if not result.startswith("OK "):
            raise Failed(f"our server did not authenticate our client: {result}")
        call = 2
        while True:
            line = cli.recv("request")
            if line.startswith("WRAP "):
                tok = base64.b64decode(line[5:])
                c.sendall(pdu(REQUEST, call, struct.pack("<IHH", len(tok) - 16, 0, 0)
                              + tok[16:], tok[:16], stub_at=8))
                stub, verf = recv_pdu(a, REQUEST, 8)
                srv.send("WRAP " + base64.b64encode(verf + stub).decode())
                ans = srv.recv("WRAP answer")
                if not ans.startswith("WRAP "):
                    raise Failed(f"our server answered the WRAP with: {ans[:200]}")
                ans = base64.b64decode(ans[5:])
                a.sendall(pdu(RESPONSE, call, struct.pack("<IHBB", len(ans) - 16, 0, 0, 0)
                              + ans[16:], ans[:16], stub_at=8))
                stub, verf = recv_pdu(c, RESPONSE, 8)
                cli.send("WRAP " + base64.b64encode(verf + stub).decode())
                seen["wraps"].append((tok, ans))
                call += 1
            else:                          # MIC and BYE: outside the capture
                srv.send(line)
                cli.send(srv.recv("answer"))
                if line == "BYE":
                    break
    finally:
        for s in (c, a, listener):
            if s is not None:
                s.close()
        seen["client_rc"] = cli.close()
        seen["server_rc"] = srv.close()
    return seen


def tshark(*args):
    return subprocess.run(["tshark", *args], capture_output=True, text=True,
                          timeout=60).stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ntlm", required=True)
    ap.add_argument("--workdir", required=True)
    a = ap.parse_args()
    work = a.workdir
    os.makedirs(work, exist_ok=True)

    def on_alarm(*_):
        raise Failed(f"the check took longer than {DEADLINE} s")
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(DEADLINE)

    make_fixture(a.ntlm, work, DOMAIN, USER, PASSWORD)
    cap = Capture(work)
    pcap = cap.pcap

    try:
        try:
            seen = bridge(a.ntlm, work, cap.start)
        finally:
            why = cap.stop()
        if why:
            raise Failed(why)
        if seen["client_rc"] != 0 or seen["server_rc"] != 0 or len(seen["wraps"]) != 1:
            raise Failed(f"the bridged session failed: client exit {seen['client_rc']}, "
                         f"server exit {seen['server_rc']}, {len(seen['wraps'])} WRAPs")

        port = seen["port"]
        base = ["-r", pcap, "-d", f"tcp.port=={port},dcerpc"]
        pw_opt = ["-o", f"ntlmssp.nt_password:{PASSWORD}"]
        fields = ["frame.number", "dcerpc.pkt_type", "dcerpc.auth_level", "dcerpc.auth_pad_len",
                  "dcerpc.encrypted_stub_data", "dcerpc.decrypted_stub_data",
                  "ntlmssp.verf.body"]
        fargs = ["-Y", "dcerpc.pkt_type == 0 || dcerpc.pkt_type == 2", "-T", "fields",
                 "-E", "separator=|", "-E", "occurrence=f"]
        for f in fields:
            fargs += ["-e", f]
        rows = [dict(zip(fields, x.split("|"))) for x in
                tshark(*base, *pw_opt, *fargs).splitlines()]
        if [r["dcerpc.pkt_type"] for r in rows] != ["0", "2"]:
            raise Failed(f"tshark shows {len(rows)} DCE/RPC REQUEST/RESPONSE PDUs "
                         f"({[r['dcerpc.pkt_type'] for r in rows]}), want one of each")
        v = tshark(*base, *pw_opt, "-V", "-Y", "dcerpc.pkt_type == 16")
        if "NTLMv2 authenticated" not in v:
            raise Failed("tshark -o ntlmssp.nt_password: the password did not verify our "
                         "NTLMv2 response in the AUTH3 (no 'NTLMv2 authenticated')")
        req, resp = rows
        # no malformed PDU, and no expert info of warning level or above (6291456):
        # tshark does not check the verifier, and says nothing about it
        bad = [f"tshark: frame {x.replace(chr(9), ': ')}" for x in tshark(
            *base, *pw_opt, "-Y", "(dcerpc.pkt_type == 0 || dcerpc.pkt_type == 2) && "
            "(_ws.malformed || _ws.expert.severity >= 6291456)", "-T", "fields",
            "-e", "frame.number", "-e", "_ws.expert.message").splitlines()]
        tok, ans = seen["wraps"][0]
        plain_req = bytes.fromhex(req["dcerpc.decrypted_stub_data"] or "")
        plain_resp = bytes.fromhex(resp["dcerpc.decrypted_stub_data"] or "")
        if not plain_req or not plain_resp:
            bad.append("tshark shows no dcerpc.decrypted_stub_data with the password "
                       f"(request {req['dcerpc.decrypted_stub_data']!r}, "
                       f"response {resp['dcerpc.decrypted_stub_data']!r})")
        else:
            if len(plain_req) != len(tok) - 16 or len(plain_resp) != len(ans) - 16:
                bad.append(f"decrypted stub lengths {len(plain_req)}/{len(plain_resp)}, the "
                           f"sealed bytes were {len(tok) - 16}/{len(ans) - 16}")
            if plain_resp != b"reply:" + plain_req:
                bad.append(f"tshark decrypted the RESPONSE to {plain_resp!r}, want 'reply:' + "
                           f"its decrypted REQUEST {plain_req!r}")
            if b"reply:" in ans:
                bad.append("the server's sealed bytes contain 'reply:' in clear")
        # without the password: the stub stays encrypted
        nopw = [dict(zip(fields, x.split("|"))) for x in tshark(*base, *fargs).splitlines()]
        if any(r["dcerpc.decrypted_stub_data"] for r in nopw) or \
                not all(r["dcerpc.encrypted_stub_data"] for r in nopw):
            bad.append("without ntlmssp.nt_password tshark still shows a decrypted stub")
        if bad:
            raise Failed("; ".join(bad))
        emit(True, "with ntlmssp.nt_password tshark decrypts our sealed DCE/RPC stubs "
             f"(auth_level 6): REQUEST {plain_req.hex()} ({len(plain_req)} byte), RESPONSE "
             f"'{plain_resp[:6].decode()}'+{plain_resp[6:].hex()} = 'reply:' + the request; "
             "without the password both stay encrypted")
        return 0
    except Failed as e:
        emit(False, str(e))
        return 1
    finally:
        signal.alarm(0)


if __name__ == "__main__":
    sys.exit(main())
