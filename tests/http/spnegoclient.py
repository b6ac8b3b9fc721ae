# SPDX-License-Identifier: MIT
"""A SPNEGO client for the tests of `ntlm httpd` that shapes what a GSSAPI
library would not: the NTLM messages and the mechListMIC come from the NTLM
mechanism through python3-gssapi (whichever mechanism GSS_MECH_CONFIG
loads, gss-ntlmssp in the tests), the SPNEGO DER around them is built here.

  spnegoclient.py PORT MODE
    ntlm-first   NegTokenInit {NTLMSSP} + NEGOTIATE, then AUTHENTICATE + mechListMIC
    not-first    NegTokenInit {Kerberos 5, NTLMSSP} + a Kerberos-looking token
                 (a browser's list): NTLMSSP is chosen, then as above
    bad-mic      as ntlm-first, the mechListMIC with one bit flipped
    no-mic       as not-first, no mechListMIC (which RFC 4178 then requires)
    plain        as ntlm-first, no mechListMIC (optional there when the
                 AUTHENTICATE carries no NTLM MIC)
    krb5-only    NegTokenInit {Kerberos 5} alone
    garbage      a NegTokenResp with an indefinite length

Prints one JSON object: each step's status and WWW-Authenticate values, and
what the final NegTokenResp held.
"""
import base64
import http.client
import json
import sys

import gssapi

SPNEGO = "1.3.6.1.5.5.2"
NTLM = "1.3.6.1.4.1.311.2.2.10"
KRB5 = "1.2.840.113554.1.2.2"


def tlv(tag, body):
    n = len(body)
    if n < 0x80:
        ln = bytes([n])
    elif n < 0x100:
        ln = bytes([0x81, n])
    else:
        ln = bytes([0x82, n >> 8, n & 0xFF])
    return bytes([tag]) + ln + body


def oid(dotted):
    arcs = [int(x) for x in dotted.split(".")]
    out = bytes([arcs[0] * 40 + arcs[1]])
    for a in arcs[2:]:
        enc = [a & 0x7F]
        a >>= 7
        while a:
            enc.insert(0, 0x80 | (a & 0x7F))
            a >>= 7
        out += bytes(enc)
    return tlv(0x06, out)


def neg_token_init(mechs, token):
    types = tlv(0x30, b"".join(oid(m) for m in mechs))
    body = tlv(0xA0, types) + tlv(0xA2, tlv(0x04, token))
    return tlv(0x60, oid(SPNEGO) + tlv(0xA0, tlv(0x30, body))), types


def neg_token_resp(token, mic=None):
    body = tlv(0xA2, tlv(0x04, token))
    if mic is not None:
        body += tlv(0xA3, tlv(0x04, mic))
    return tlv(0xA1, tlv(0x30, body))


def read_tlv(b, i):
    tag, n = b[i], b[i + 1]
    i += 2
    if n & 0x80:
        k = n & 0x7F
        n = int.from_bytes(b[i:i + k], "big")
        i += k
    return tag, b[i:i + n], i + n


def parse_resp(b):
    tag, seq, _ = read_tlv(b, 0)
    assert tag == 0xA1, hex(tag)
    tag, fields, _ = read_tlv(seq, 0)
    assert tag == 0x30
    out, i = {}, 0
    while i < len(fields):
        tag, val, i = read_tlv(fields, i)
        _, inner, _ = read_tlv(val, 0)
        key = {0xA0: "negState", 0xA1: "supportedMech", 0xA2: "responseToken",
               0xA3: "mechListMIC"}[tag]
        out[key] = inner[0] if key == "negState" else inner
    return out


def negotiate_values(headers):
    return [v for k, v in headers if k.lower() == "www-authenticate"]


def send(c, token):
    c.request("GET", "/?format=json",
              headers={"Authorization": "Negotiate " + base64.b64encode(token).decode()})
    r = c.getresponse()
    body = r.read()
    vals = negotiate_values(r.getheaders())
    resp = None
    for v in vals:
        scheme, _, tok = v.partition(" ")
        if scheme == "Negotiate" and tok:
            resp = parse_resp(base64.b64decode(tok))
    return r.status, vals, resp, body


def main():
    port, mode = int(sys.argv[1]), sys.argv[2]
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    out = {"steps": []}

    def step(token):
        status, vals, resp, body = send(c, token)
        out["steps"].append({"status": status, "www_authenticate": vals,
                             "negState": resp.get("negState") if resp else None,
                             "mic": len(resp.get("mechListMIC", b"")) if resp else 0})
        return status, resp, body

    if mode == "garbage":
        step(bytes.fromhex("a180300000"))
        print(json.dumps(out))
        return
    if mode == "krb5-only":
        step(neg_token_init([KRB5], b"\x60\x03\x06\x01\x00")[0])
        print(json.dumps(out))
        return

    name = gssapi.Name("HTTP@127.0.0.1", gssapi.NameType.hostbased_service)
    ctx = gssapi.SecurityContext(name=name, mech=gssapi.OID.from_int_seq(NTLM),
                                 usage="initiate",
                                 flags=gssapi.RequirementFlag.integrity)
    if mode in ("not-first", "no-mic"):
        init, types = neg_token_init([KRB5, NTLM], b"\x60\x03\x06\x01\x00")
        status, resp, _ = step(init)
        assert status == 401 and resp and "responseToken" not in resp, resp
        status, resp, _ = step(neg_token_resp(ctx.step()))
    else:
        init, types = neg_token_init([NTLM], ctx.step())
        status, resp, _ = step(init)
    assert status == 401 and resp and "responseToken" in resp, (status, resp)
    auth = ctx.step(resp["responseToken"])
    mic = bytearray(ctx.get_signature(types))
    if mode == "bad-mic":
        mic[-1] ^= 1
    status, resp, body = step(neg_token_resp(auth, None if mode in ("no-mic", "plain") else bytes(mic)))
    if status == 200 and "mechListMIC" in resp:
        out["user"] = json.loads(body)["user"]
        # our mechListMIC, checked by the client's mechanism
        ctx.verify_signature(types, resp["mechListMIC"])
        out["server_mic_verified"] = True
    elif status == 200:
        out["user"] = json.loads(body)["user"]
    print(json.dumps(out))


main()
