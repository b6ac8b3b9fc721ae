# SPDX-License-Identifier: MIT
"""Holds many authenticated keep-alive connections to `ntlm httpd` at once.

  many.py PORT N USER PASSWORD HOLD_FILE

Authenticates N connections (NTLM, python3-ntlm-auth), keeps them all open,
creates HOLD_FILE.held, waits until HOLD_FILE exists, then makes one more
request on each connection. Prints one JSON object: the status counts of
the handshakes and of the requests after the hold.
"""
import base64
import http.client
import json
import os
import sys
import time

from ntlm_auth.ntlm import NtlmContext


def request(c, auth=None):
    c.request("GET", "/", headers={"Authorization": auth} if auth else {})
    r = c.getresponse()
    r.read()
    return r.status, r.getheaders()


def login(port, user, password):
    domain, _, name = user.rpartition("\\")
    ctx = NtlmContext(name, password, domain or None, "TESTWKS", ntlm_compatibility=3)
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    _, headers = request(c, "NTLM " + base64.b64encode(ctx.step()).decode())
    chal = None
    for k, v in headers:
        if k.lower() == "www-authenticate" and v.startswith("NTLM "):
            chal = base64.b64decode(v[5:])
    if chal is None:
        return c, 0
    status, _ = request(c, "NTLM " + base64.b64encode(ctx.step(chal)).decode())
    return c, status


def main():
    port, n, user, password, hold = int(sys.argv[1]), int(sys.argv[2]), *sys.argv[3:6]
    conns, first, after = [], {}, {}
    for _ in range(n):
        c, st = login(port, user, password)
        conns.append(c)
        first[st] = first.get(st, 0) + 1
    open(hold + ".held", "w").close()
    for _ in range(1200):
        if os.path.exists(hold):
            break
        time.sleep(0.05)
    for c in conns:
        try:
            st, _ = request(c)
        except (OSError, http.client.HTTPException):
            st = 0
        after[st] = after.get(st, 0) + 1
        c.close()
    print(json.dumps({"handshakes": first, "after": after}, sort_keys=True))


main()
