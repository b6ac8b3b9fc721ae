# SPDX-License-Identifier: MIT
"""A scriptable NTLM-over-HTTP client for the tests of `ntlm httpd`.

Messages come from python3-ntlm-auth (an independent implementation; it needs
MD4, so OPENSSL_CONF must enable the legacy provider). The HTTP side is
http.client, so each step's connection is under the test's control.

  ntlmclient.py PORT handshake [--user D\\U] [--password P] [--scheme NTLM|Negotiate]
                [--compat N] [--split] [--then N] [--pause S] [--path P]
                [--wait-file F]   (after the CHALLENGE: touch F.challenged, wait for F)
                [--between P]     (after the CHALLENGE: GET P, no token, same connection)
  ntlmclient.py PORT raw --auth VALUE [--auth VALUE ...]     (one connection)
  ntlmclient.py PORT idle                                    (seconds until closed)
  ntlmclient.py PORT hold N                                  (N connections each answered once; then GET)
  ntlmclient.py PORT bigheader BYTES
  ntlmclient.py PORT fair --hold ADDR:N[,ADDR:N...] --new ADDR [--new ADDR ...]
                (holds N idle connections from each ADDR, then opens one from
                 each --new ADDR in turn: was it closed at once, and how many
                 of the held ones were closed meanwhile, and how: reset or eof)
  ntlmclient.py PORT retry N --secs S
                (N connections each answered once, then for S seconds a new
                 connection the moment the last one is closed: how many were
                 opened, how many got any byte, the longest one lived)

Prints one JSON object on stdout.
"""
import argparse
import base64
import http.client
import json
import os
import socket
import sys
import time


def conn(port, timeout=60):
    return http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)


def request(c, path, auth=None, method="GET"):
    headers = {}
    if auth is not None:
        headers["Authorization"] = auth
    c.request(method, path, headers=headers)
    r = c.getresponse()
    body = r.read()
    return r.status, r.getheaders(), body


def www_auth(headers):
    return [v for k, v in headers if k.lower() == "www-authenticate"]


def handshake(a):
    from ntlm_auth.ntlm import NtlmContext

    domain, _, user = a.user.rpartition("\\")
    ctx = NtlmContext(user, a.password, domain or None, "TESTWKS",
                      ntlm_compatibility=a.compat)
    out = {}
    c = conn(a.port)
    neg = base64.b64encode(ctx.step()).decode()
    status, headers, _ = request(c, a.path, "%s %s" % (a.scheme, neg))
    out["negotiate_status"] = status
    chal = None
    for v in www_auth(headers):
        scheme, _, tok = v.partition(" ")
        if tok:
            out["challenge_scheme"] = scheme
            chal = base64.b64decode(tok)
    if chal is None:
        out["www_authenticate"] = www_auth(headers)
        return out
    if a.wait_file:
        # Tell the test the CHALLENGE is in, then wait for its go.
        open(a.wait_file + ".challenged", "w").close()
        for _ in range(600):
            if os.path.exists(a.wait_file):
                break
            time.sleep(0.05)
    if a.between:
        out["between_status"], _, _ = request(c, a.between)
    auth = base64.b64encode(ctx.step(chal)).decode()
    if a.split:
        c.close()
        c = conn(a.port)
    status, headers, body = request(c, a.path, "%s %s" % (a.scheme, auth))
    out["auth_status"] = status
    out["auth_www_authenticate"] = www_auth(headers)
    out["body"] = body.decode("utf-8", "replace")
    out["then"] = []
    if a.pause:
        time.sleep(a.pause)
    for _ in range(a.then):
        status, _, body = request(c, a.path)
        out["then"].append(status)
        out["body"] = body.decode("utf-8", "replace")
    c.close()
    return out


def raw(a):
    c = conn(a.port)
    statuses = []
    for v in a.auth:
        try:
            status, headers, _ = request(c, a.path, v)
            closing = any(k.lower() == "connection" and val.lower() == "close"
                          for k, val in headers)
            statuses.append("%d+closed" % status if closing else status)
        except (http.client.HTTPException, OSError) as e:
            statuses.append("closed:" + type(e).__name__)
            c.close()
            c = conn(a.port)
    return {"statuses": statuses}


def idle(a):
    s = socket.create_connection(("127.0.0.1", a.port), timeout=120)
    t0 = time.monotonic()
    try:
        data = s.recv(1)
    except OSError:
        data = b""
    return {"closed_after": time.monotonic() - t0, "data": data.decode("latin-1")}


def hold(a):
    # Each held connection is answered once (a 401, kept alive) so the server
    # has surely accepted and counted it: with a listening socket per worker a
    # connection merely connected may still wait in another worker's queue
    # when the extra one is taken.
    socks = []
    held = []
    for _ in range(a.n):
        c = conn(a.port, timeout=60)
        status, _, _ = request(c, "/")
        held.append(status)
        socks.append(c)
    # One more connection beyond the limit: refused or closed without a reply.
    extra = {}
    try:
        c = conn(a.port, timeout=30)
        status, _, _ = request(c, "/")
        extra["status"] = status
    except (http.client.HTTPException, OSError) as e:
        extra["error"] = type(e).__name__
    for s in socks:
        s.close()
    return {"held": held, "extra": extra}


def closed_how(s, secs):
    """How the server closed s within secs: "eof", "reset", or None."""
    end = time.monotonic() + secs
    while time.monotonic() < end:
        s.settimeout(max(0.01, end - time.monotonic()))
        try:
            if s.recv(4096) == b"":
                return "eof"
        except socket.timeout:
            return None
        except OSError:
            return "reset"
    return None


def closed_within(s, secs):
    """Has the server closed s (EOF or reset) within secs?"""
    return closed_how(s, secs) is not None


def retry(a):
    socks = []
    for _ in range(a.n):
        c = conn(a.port, timeout=60)
        request(c, "/")
        socks.append(c)
    opened = answered = 0
    longest = 0.0
    end = time.monotonic() + a.secs
    while time.monotonic() < end:
        s = socket.create_connection(("127.0.0.1", a.port))
        t0 = time.monotonic()
        opened += 1
        s.settimeout(5)
        try:
            while True:
                b = s.recv(4096)
                if not b:
                    break
                answered += 1
        except OSError:
            pass
        longest = max(longest, time.monotonic() - t0)
        s.close()
    for c in socks:
        c.close()
    return {"opened": opened, "answered": answered, "longest": round(longest, 3)}


def fair(a):
    held = []
    for spec in a.hold.split(","):
        addr, n = spec.split(":")
        for _ in range(int(n)):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((addr, 0))
            s.connect(("127.0.0.1", a.port))
            held.append((addr, s))
    time.sleep(0.3)  # every one accepted and counted
    out = {"new": []}
    gone = set()
    for addr in a.new:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((addr, 0))
        s.connect(("127.0.0.1", a.port))
        refused = closed_within(s, 0.5)
        evicted = []
        how = []
        for i, (haddr, h) in enumerate(held):
            if i in gone:
                continue
            k = closed_how(h, 0.05)
            if k:
                gone.add(i)
                evicted.append(haddr)
                how.append(k)
        out["new"].append({"addr": addr, "refused": refused, "evicted": evicted,
                           "how": how})
        if refused:
            s.close()
        else:
            held.append((addr, s))
    for _, s in held:
        s.close()
    return out


def bigheader(a):
    c = conn(a.port)
    try:
        c.putrequest("GET", "/")
        c.putheader("X-Big", "a" * a.n)
        c.endheaders()
        r = c.getresponse()
        r.read()
        return {"status": r.status}
    except (http.client.HTTPException, OSError) as e:
        return {"error": type(e).__name__}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("port", type=int)
    sub = p.add_subparsers(dest="cmd", required=True)
    h = sub.add_parser("handshake")
    h.add_argument("--user", default="DEMO\\demo")
    h.add_argument("--password", default="Demo-Passw0rd!")
    h.add_argument("--scheme", default="NTLM")
    h.add_argument("--compat", type=int, default=3)
    h.add_argument("--split", action="store_true")
    h.add_argument("--then", type=int, default=0)
    h.add_argument("--pause", type=float, default=0)
    h.add_argument("--wait-file", default=None)
    h.add_argument("--between", default=None)
    h.add_argument("--path", default="/?format=json")
    r = sub.add_parser("raw")
    r.add_argument("--auth", action="append", default=[])
    r.add_argument("--path", default="/")
    sub.add_parser("idle")
    ho = sub.add_parser("hold")
    ho.add_argument("n", type=int)
    f = sub.add_parser("fair")
    f.add_argument("--hold", required=True)
    f.add_argument("--new", action="append", default=[])
    rt = sub.add_parser("retry")
    rt.add_argument("n", type=int)
    rt.add_argument("--secs", type=float, default=1.0)
    b = sub.add_parser("bigheader")
    b.add_argument("n", type=int)
    a = p.parse_args()
    fn = {"handshake": handshake, "raw": raw, "idle": idle, "hold": hold,
          "bigheader": bigheader, "fair": fair, "retry": retry}[a.cmd]
    print(json.dumps(fn(a)))


if __name__ == "__main__":
    sys.exit(main())
