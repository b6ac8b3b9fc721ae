#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""tshark against one of our exchanges: does an independent dissector read our
NTLMSSP messages as we meant them, and does the password decrypt our sealing?

`ntlm client --stdio --seal` and `ntlm server --stdio` are joined through an HTTP
bridge on loopback (the ntlm-lines/1 lines carried as HTTP NTLM authentication,
`Authorization: NTLM` / `WWW-Authenticate: NTLM`, and the WRAP tokens as POST
bodies), because tshark dissects NTLMSSP natively in HTTP and not in our own
4-byte-length TCP framing. tshark captures it (`tshark -i lo`, needs root or
CAP_NET_RAW), then reads the capture back with `-o ntlmssp.nt_password:PW` and
the fields are compared with the bytes our client sent.

tshark decrypts sealed payloads only inside protocols that carry GSS-wrapped
data it knows (DCE/RPC, SMB...), not an HTTP body (tshark_dcerpc.py has tshark
itself decrypt our seal, carried in DCE/RPC). So the sealing check here takes
the session key tshark derives from the password (its expert info), and with
it (SEALKEY/SIGNKEY, MS-NLMP 3.4.5) unseals the captured WRAP bodies of both
directions and recomputes their signatures.

  tshark_check.py --ntlm PATH --workdir DIR

Prints one JSON object per check on stdout ({"ok", "result", "protection"}).
"""
import argparse
import base64
import hashlib
import hmac
import http.client
import http.server
import os
import re
import struct
import subprocess
import sys
import threading

from capture import Capture, make_fixture

DOMAIN, USER, PASSWORD = "INTEROP", "alice", "Interop-Pa55!"
ESS, SEAL, SIGN = 0x00080000, 0x20, 0x10


def emit(ok, result, protection="seal"):
    import json
    print(json.dumps({"ok": bool(ok), "result": result, "protection": protection}), flush=True)


class Lines:
    def __init__(self, argv, err):
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=open(err, "wb"))

    def send(self, line):
        self.p.stdin.write(line.encode() + b"\n")
        self.p.stdin.flush()

    def recv(self):
        line = self.p.stdout.readline()
        return line.rstrip(b"\r\n").decode() if line else None


def make_handler(server_lines):
    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def reply(self, code, body=b"", headers=()):
            self.send_response(code)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            auth = self.headers.get("Authorization", "")
            if not auth.startswith("NTLM "):
                return self.reply(401, headers=[("WWW-Authenticate", "NTLM")])
            server_lines.send(auth[5:])
            ans = server_lines.recv() or "FAIL closed"
            if ans.startswith("FAIL"):
                return self.reply(403, ans.encode())
            if ans.startswith("OK "):
                return self.reply(200, ans.encode())
            return self.reply(401, headers=[("WWW-Authenticate", "NTLM " + ans)])

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.path == "/wrap":
                server_lines.send("WRAP " + base64.b64encode(body).decode())
                ans = server_lines.recv() or ""
                if ans.startswith("WRAP "):
                    return self.reply(200, base64.b64decode(ans[5:]),
                                      [("Content-Type", "application/octet-stream")])
                return self.reply(500, ans.encode())
            server_lines.send(body.decode())
            return self.reply(200, (server_lines.recv() or "").encode())
    return H


def bridge(ntlm, work, port_cb):
    """Runs one sealed session through the HTTP bridge; returns what went by."""
    srv = Lines([ntlm, "server", "--stdio", "--accounts", os.path.join(work, "accounts"),
                 "--config", os.path.join(work, "cis.conf")], os.path.join(work, "server.err"))
    httpd = http.server.HTTPServer(("127.0.0.1", 0), make_handler(srv))
    port = httpd.server_address[1]
    port_cb(port)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    cli = Lines([ntlm, "client", "--stdio", "--config", os.path.join(work, "cis.conf"),
                 "--user", f"{DOMAIN}\\{USER}", "--password-file", os.path.join(work, "pw"),
                 "--seal", "--data", "1"], os.path.join(work, "client.err"))
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    seen = {"wraps": []}
    try:
        neg = cli.recv()
        c.request("GET", "/", headers={"Authorization": "NTLM " + neg})
        r = c.getresponse()
        r.read()
        chal = r.getheader("WWW-Authenticate", "")[5:]
        cli.send(chal)
        auth = cli.recv()
        seen["authenticate"] = base64.b64decode(auth)
        c.request("GET", "/", headers={"Authorization": "NTLM " + auth})
        r = c.getresponse()
        result = r.read().decode()
        seen["result"] = result
        cli.send(result)
        while True:
            line = cli.recv()
            if line is None:
                break
            if line.startswith("WRAP "):
                tok = base64.b64decode(line[5:])
                c.request("POST", "/wrap", body=tok,
                          headers={"Content-Type": "application/octet-stream"})
                r = c.getresponse()
                ans = r.read()
                seen["wraps"].append((tok, ans))
                cli.send("WRAP " + base64.b64encode(ans).decode())
            else:
                c.request("POST", "/line", body=line.encode())
                r = c.getresponse()
                cli.send(r.read().decode())
                if line == "BYE":
                    break
    finally:
        c.close()
        httpd.shutdown()
        cli.p.stdin.close()
        srv.p.stdin.close()
        seen["client_rc"] = cli.p.wait(timeout=30)
        seen["server_rc"] = srv.p.wait(timeout=30)
    return seen


def rc4(key, data):
    from Cryptodome.Cipher import ARC4
    return ARC4.new(key)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ntlm", required=True)
    ap.add_argument("--workdir", required=True)
    a = ap.parse_args()
    work = a.workdir
    make_fixture(a.ntlm, work, DOMAIN, USER, PASSWORD)
    cap = Capture(work)
    pcap = cap.pcap
    seen = bridge(a.ntlm, work, cap.start)
    why = cap.stop()
    if why:
        emit(False, why)
        return 1
    if seen["client_rc"] != 0 or seen["server_rc"] != 0 or not seen["wraps"]:
        emit(False, f"the bridged session failed: client {seen['client_rc']}, server "
             f"{seen['server_rc']}, {len(seen['wraps'])} WRAPs")
        return 1

    # ---- the AUTHENTICATE as tshark dissects it ---------------------------------------
    fields = ["ntlmssp.negotiateflags", "ntlmssp.auth.username", "ntlmssp.auth.domain",
              "ntlmssp.ntlmv2_response.ntproofstr", "ntlmssp.authenticate.mic",
              "ntlmssp.ntlmv2_response.flags"]
    argv = ["tshark", "-r", pcap, "-o", f"ntlmssp.nt_password:{PASSWORD}",
            "-Y", "ntlmssp.messagetype == 3", "-T", "fields", "-E", "separator=|"]
    for f in fields:
        argv += ["-e", f]
    out = subprocess.run(argv, capture_output=True, text=True).stdout.strip().splitlines()
    if len(out) != 1:
        emit(False, f"tshark found {len(out)} AUTHENTICATE messages, want 1")
        return 1
    got = dict(zip(fields, out[0].split("|")))
    m = seen["authenticate"]
    flags = struct.unpack_from("<I", m, 60)[0]

    def field(off):
        ln, _, o = struct.unpack_from("<HHI", m, off)
        return m[o:o + ln]
    nt_resp = field(20)
    want = {
        "ntlmssp.negotiateflags": f"0x{flags:08x}",
        "ntlmssp.auth.username": USER,
        "ntlmssp.auth.domain": DOMAIN,
        "ntlmssp.ntlmv2_response.ntproofstr": nt_resp[:16].hex(),
        "ntlmssp.authenticate.mic": m[72:88].hex(),
    }
    bad = [f"{k}: tshark {got.get(k)!r}, we sent {v!r}" for k, v in want.items()
           if (got.get(k) or "").lower() != v.lower()]
    av_flags = got.get("ntlmssp.ntlmv2_response.flags", "")
    if not av_flags or not int(av_flags, 16) & 0x2:
        bad.append(f"MsvAvFlags {av_flags!r} does not announce the MIC")
    emit(not bad, ("AUTHENTICATE dissected as sent: flags " + want["ntlmssp.negotiateflags"]
                   + f", user {USER}, domain {DOMAIN}, NTLMv2 NTProofStr, MIC present "
                   "(MsvAvFlags 0x2)") if not bad else "; ".join(bad), "seal")

    # ---- tshark with the password: authentication and session key --------------------
    v = subprocess.run(["tshark", "-r", pcap, "-o", f"ntlmssp.nt_password:{PASSWORD}", "-V",
                        "-Y", "ntlmssp.messagetype == 3"], capture_output=True, text=True).stdout
    keys = re.findall(r"NTLMSSP SessionKey \(([0-9a-f]{32})\)", v)
    if "NTLMv2 authenticated" not in v:
        emit(False, "tshark -o ntlmssp.nt_password: the password did not verify our NTLMv2 "
             "response (no 'NTLMv2 authenticated' expert info)")
        return 1
    if not keys:
        emit(False, "tshark -o ntlmssp.nt_password: no session key in its expert info "
             "(the password did not verify the NTLMv2 response?)")
        return 1
    # check which of the keys tshark prints is the exported session key: the one
    # whose SEALKEY unseals our first WRAP token with a valid signature
    # the first WRAP request and its answer, as captured (HTTP bodies: data.data)
    bodies = subprocess.run(["tshark", "-r", pcap, "-Y", 'http.request.uri == "/wrap" || '
                             'http.response_for.uri contains "/wrap"', "-T", "fields",
                             "-e", "data.data"], capture_output=True, text=True).stdout.split()
    if len(bodies) < 2:
        emit(False, f"tshark shows {len(bodies)} WRAP bodies in the capture, want 2 or more")
        return 1
    tok, ans = bytes.fromhex(bodies[0]), bytes.fromhex(bodies[1])
    if (tok, ans) != seen["wraps"][0]:
        emit(False, "the captured WRAP bodies differ from the ones the bridge carried")
        return 1
    done = None
    for k in dict.fromkeys(bytes.fromhex(x) for x in keys):
        c_seal = hashlib.md5(k + b"session key to client-to-server sealing key magic "
                             b"constant\0").digest()
        s_seal = hashlib.md5(k + b"session key to server-to-client sealing key magic "
                             b"constant\0").digest()
        c_sign = hashlib.md5(k + b"session key to client-to-server signing key magic "
                             b"constant\0").digest()
        s_sign = hashlib.md5(k + b"session key to server-to-client signing key magic "
                             b"constant\0").digest()
        ok = True
        plains = []
        for (t, seal, sign) in ((tok, c_seal, c_sign), (ans, s_seal, s_sign)):
            h = rc4(seal, None)
            plain = h.encrypt(t[16:])
            mac = hmac.new(sign, struct.pack("<I", 0) + plain, "md5").digest()[:8]
            sig = struct.pack("<I", 1) + h.encrypt(mac) + struct.pack("<I", 0)
            ok = ok and sig == t[:16]
            plains.append(plain)
        if ok and plains[1] == b"reply:" + plains[0]:
            done = (k, plains)
            break
    if done:
        emit(True, "with ntlmssp.nt_password tshark verifies our NTLMv2 response and derives "
             f"the session key {done[0].hex()[:8]}..."
             f"; with it both captured WRAP bodies unseal (client {len(done[1][0])} bytes, "
             "server 'reply:'+same) and their signatures verify; tshark itself does not "
             "decrypt HTTP bodies")
    else:
        emit(False, f"none of tshark's session keys {keys} unseals the captured WRAP bodies")
    return 0


if __name__ == "__main__":
    sys.exit(main())
