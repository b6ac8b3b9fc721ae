#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Independent NTLM clients speaking ntlm-lines/1 (docs/cli.md, "--stdio")
as the client side, so that pair.py can put them in front of `ntlm server --stdio`.

  peers.py samba    --user DOM\\USER --password P [--v1] [--no-ess] [--seal]
      Samba's `ntlm_auth --helper-protocol=ntlmssp-client-1` (YR/TT/KK/AF).
      Handshake only: ntlm_auth exposes no sign/seal. --v1: `client ntlmv2 auth = no`;
      --no-ess: `ntlmssp_client:ntlm2 = no` as well; --seal: SF SIGN SEAL features.
  peers.py samba-server --user DOM\\USER --password P
      The server side: `ntlm_auth --helper-protocol=squid-2.5-ntlmssp` (no winbindd:
      any user with that password); handshake only, ERR to WRAP/MIC.
  peers.py ntlmauth --user DOM\\USER --password P --level N [--sign|--seal] [--data N]
      python3-ntlm-auth's NtlmContext at ntlm_compatibility N (0-2 NTLMv1, 3 NTLMv2).
  peers.py impacket --user DOM\\USER --password P [--v1] [--no-ess] [--sign|--seal]
      [--data N]   python3-impacket's getNTLMSSPType1/getNTLMSSPType3 and SIGN/SEAL.

--fix-peer: correct the peer's known NTLMv1 (no ESS) session-security divergence
(see the classes below) so that the rest of its data phase is still checked.
--data N: N rounds of one WRAP and one MIC request, payloads of 1, 16, 100, 1500
and 65536 bytes in turn, every answer checked; then BYE. A last line
`peers: ... outcome=...` goes to stderr. Exit 0 success, 1 refused or a data
failure, 2 usage or a broken peer.
Run with Debian's /usr/bin/python3 (the Debian packages live there).
"""
import argparse
import base64
import os
import random
import subprocess
import sys
import tempfile

SIZES = (1, 16, 100, 1500, 65536)


def log(msg):
    print("peers: " + msg, file=sys.stderr, flush=True)


def put(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def get():
    line = sys.stdin.readline()
    if not line:
        return None
    return line.rstrip("\r\n")


def b64(b):
    return base64.b64encode(b).decode()


def unb64(s):
    return base64.b64decode(s, validate=True)


class Done(Exception):
    def __init__(self, rc, msg):
        super().__init__(msg)
        self.rc = rc


def handshake(negotiate, authenticate):
    """negotiate() -> bytes; authenticate(challenge bytes) -> bytes."""
    put(b64(negotiate()))
    line = get()
    if line is None:
        raise Done(2, "end of stdin before the CHALLENGE")
    if line.startswith("FAIL"):
        raise Done(1, "refused at the NEGOTIATE: " + line)
    put(b64(authenticate(unb64(line))))
    line = get()
    if line is None:
        raise Done(2, "end of stdin before the result")
    if line.startswith("FAIL"):
        raise Done(1, "refused at the AUTHENTICATE: " + line)
    if not line.startswith("OK "):
        raise Done(2, "result line: " + line)
    return line


def data_rounds(sess, rounds):
    """sess: wrap(b)->token, unwrap(token)->b, mic(b)->sig, verify(b, sig)->bool."""
    rng = random.Random(1)
    for r in range(rounds):
        p = bytes(rng.getrandbits(8) for _ in range(SIZES[r % len(SIZES)]))
        put("WRAP " + b64(sess.wrap(p)))
        a = get() or ""
        if not a.startswith("WRAP "):
            raise Done(1, f"round {r}: WRAP answer: {a[:200]}")
        if sess.unwrap(unb64(a[5:])) != b"reply:" + p:
            raise Done(1, f"round {r}: WRAP answer does not unwrap to reply:+payload")
        put("MIC " + b64(p) + " " + b64(sess.mic(p)))
        a = (get() or "").split(" ")
        if len(a) != 3 or a[0] != "MIC":
            raise Done(1, f"round {r}: MIC answer: {' '.join(a)[:200]}")
        m = unb64(a[1])
        if m != b"reply:" + p or not sess.verify(m, unb64(a[2])):
            raise Done(1, f"round {r}: MIC answer does not verify")


def bye():
    put("BYE")
    if get() != "BYE":
        raise Done(1, "no BYE answer")


def split_user(u):
    d, _, n = u.rpartition("\\")
    return d, n


# ---- Samba ntlm_auth ---------------------------------------------------------------

def samba(a):
    domain, user = split_user(a.user)
    conf = tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False)
    conf.write("[global]\n  workgroup = %s\n  client ntlmv2 auth = %s\n"
               "  client lanman auth = no\n" % (domain or "WORKGROUP", "no" if a.v1 else "yes"))
    if a.no_ess:
        conf.write("  ntlmssp_client:ntlm2 = no\n")
    conf.close()
    p = subprocess.Popen(["ntlm_auth", "--configfile=" + conf.name,
                          "--helper-protocol=ntlmssp-client-1", "--username=" + user,
                          "--domain=" + domain, "--password=" + a.password],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def ask(cmd):
        p.stdin.write(cmd + "\n")
        p.stdin.flush()
        return p.stdout.readline().rstrip("\n")

    try:
        if a.seal:
            r = ask("SF NTLMSSP_FEATURE_SIGN NTLMSSP_FEATURE_SEAL")
            if r != "OK":
                raise Done(2, "SF: " + r)

        def neg():
            r = ask("YR")
            if not r.startswith("YR "):
                raise Done(2, "ntlm_auth YR: " + r)
            return unb64(r[3:])

        def auth(chal):
            r = ask("TT " + b64(chal))     # the last token comes as AF (or KK)
            if not (r.startswith("KK ") or r.startswith("AF ")) or len(r) < 10:
                raise Done(1, "ntlm_auth refused the CHALLENGE: " + r)
            return unb64(r[3:])

        res = handshake(neg, auth)
        bye()
        return res
    finally:
        p.stdin.close()
        p.wait()
        os.unlink(conf.name)


def samba_server(a):
    """ntlm-lines/1 server side on `ntlm_auth --helper-protocol=squid-2.5-ntlmssp`
    (no winbindd: any user, with --password). Handshake only."""
    domain, _ = split_user(a.user)
    conf = tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False)
    conf.write("[global]\n  workgroup = %s\n" % (domain or "WORKGROUP"))
    conf.close()
    p = subprocess.Popen(["ntlm_auth", "--configfile=" + conf.name,
                          "--helper-protocol=squid-2.5-ntlmssp", "--password=" + a.password],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def ask(cmd):
        p.stdin.write(cmd + "\n")
        p.stdin.flush()
        return p.stdout.readline().rstrip("\n")

    try:
        line = get()
        if line is None:
            raise Done(2, "end of stdin before the NEGOTIATE")
        r = ask("YR " + line)
        if not r.startswith("TT "):
            put("FAIL ntlm_auth: " + r)
            raise Done(1, "NEGOTIATE refused: " + r)
        put(r[3:])
        line = get()
        if line is None:
            raise Done(2, "end of stdin before the AUTHENTICATE")
        r = ask("KK " + line)
        if not r.startswith("AF "):
            put("FAIL ntlm_auth: " + r)
            raise Done(1, "AUTHENTICATE refused: " + r)
        put("OK " + r[3:])
        while True:
            line = get()
            if line is None:
                raise Done(2, "end of stdin without BYE")
            if line == "BYE":
                put("BYE")
                return "OK " + r[3:]
            put("ERR ntlm_auth exposes no sign/seal")
    finally:
        p.stdin.close()
        p.wait()
        os.unlink(conf.name)


# ---- python3-ntlm-auth ---------------------------------------------------------------

class NtlmAuthSession:
    def __init__(self, ctx, fix):
        from ntlm_auth.constants import NegotiateFlags as F
        self.s = ctx._session_security
        # Without ESS, each side has one RC4 state and one sequence number for
        # both directions (gss-ntlmssp, Samba and we do so); ntlm-auth keeps two
        # of each. --fix-peer makes it share them, to show that this is the only
        # difference.
        self.shared = fix and not (self.s.negotiate_flags &
                                   F.NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY)
        if self.shared:
            self.s.incoming_handle = self.s.outgoing_handle
        self.seq = 0

    def _out(self, fn, *args):
        if self.shared:
            self.s.outgoing_seq_num = self.seq
        r = fn(*args)
        self.seq = self.s.outgoing_seq_num
        return r

    def _in(self, fn, *args):
        if self.shared:
            self.s.incoming_seq_num = self.seq
        r = fn(*args)
        self.seq = self.s.incoming_seq_num if self.shared else self.seq
        return r

    def wrap(self, b):
        msg, sig = self._out(self.s.wrap, b)
        return sig + msg

    def unwrap(self, t):
        try:
            return self._in(self.s.unwrap, t[16:], t[:16])
        except Exception as e:
            raise Done(1, f"unwrap: {e}")

    def mic(self, b):
        return self._out(self.s._get_signature, b)   # no public sign(): a private helper

    def verify(self, b, sig):
        try:
            self._in(self.s._verify_signature, b, sig)
            return True
        except Exception:
            return False


def ntlmauth(a):
    from ntlm_auth.constants import NegotiateFlags as F
    from ntlm_auth.ntlm import NtlmContext
    domain, user = split_user(a.user)
    ctx = NtlmContext(user, a.password, domain=domain, workstation="PYNTLM",
                      ntlm_compatibility=a.level)
    # It always asks for SIGN and SEAL; the variants take bits away.
    if not a.seal:
        ctx.negotiate_flags &= ~F.NTLMSSP_NEGOTIATE_SEAL
    if not a.seal and not a.sign:
        ctx.negotiate_flags &= ~(F.NTLMSSP_NEGOTIATE_SIGN | F.NTLMSSP_NEGOTIATE_KEY_EXCH)
    res = handshake(lambda: ctx.step(), lambda c: ctx.step(c))
    if a.data:
        if ctx._session_security is None:
            raise Done(1, "no session security negotiated")
        data_rounds(NtlmAuthSession(ctx, a.fix_peer), a.data)
    bye()
    return res


# ---- python3-impacket ---------------------------------------------------------------

class ImpacketSession:
    def __init__(self, ntlm, flags, key, fix):
        from Cryptodome.Cipher import ARC4
        self.ntlm, self.flags = ntlm, flags
        self.sign_out = ntlm.SIGNKEY(flags, key, "Client")
        self.sign_in = ntlm.SIGNKEY(flags, key, "Server")
        seal_out = ntlm.SEALKEY(flags, key, "Client")
        seal_in = ntlm.SEALKEY(flags, key, "Server")
        ess = flags & ntlm.NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY
        # Without ESS, impacket weakens the seal key to 56 (or 40) bits whenever
        # NEGOTIATE_56 is set; MS-NLMP 3.4.5.3 does so only with LM_KEY, else
        # SealKey = the session key. --fix-peer uses the MS-NLMP key.
        if fix and not ess and not flags & ntlm.NTLMSSP_NEGOTIATE_LM_KEY:
            seal_out = seal_in = key
        self.h_out = ARC4.new(seal_out).encrypt
        # without ESS both directions share one RC4 stream
        self.h_in = ARC4.new(seal_in).encrypt if ess else self.h_out
        self.seq_out = self.seq_in = 0
        self.seal = bool(flags & ntlm.NTLMSSP_NEGOTIATE_SEAL)
        # without ESS, one sequence number for both directions as well
        self.shared = not ess

    def _next_out(self):
        n = self.seq_out
        self.seq_out += 1
        if self.shared:
            self.seq_in = self.seq_out
        return n

    def _next_in(self):
        n = self.seq_in
        self.seq_in += 1
        if self.shared:
            self.seq_out = self.seq_in
        return n

    def _sig_out(self, b):
        return self.ntlm.SIGN(self.flags, self.sign_out, b, self._next_out(),
                              self.h_out).getData()

    def wrap(self, b):
        if self.seal:
            sealed, sig = self.ntlm.SEAL(self.flags, self.sign_out, None, b, b,
                                         self._next_out(), self.h_out)
            return sig.getData() + sealed
        return self._sig_out(b) + b

    def unwrap(self, t):
        sig, body = t[:16], t[16:]
        plain = self.h_in(body) if self.seal else body
        want = self.ntlm.SIGN(self.flags, self.sign_in, plain, self._next_in(),
                              self.h_in).getData()
        return plain if want == sig else None

    def mic(self, b):
        return self._sig_out(b)

    def verify(self, b, sig):
        want = self.ntlm.SIGN(self.flags, self.sign_in, b, self._next_in(),
                              self.h_in).getData()
        return want == sig


def impacket(a):
    from impacket import ntlm
    domain, user = split_user(a.user)
    t1 = ntlm.getNTLMSSPType1("IMPACKET", domain, signingRequired=a.sign or a.seal,
                              use_ntlmv2=not a.v1)
    if a.sign and not a.seal:
        t1["flags"] &= ~ntlm.NTLMSSP_NEGOTIATE_SEAL
    if a.no_ess:
        t1["flags"] &= ~ntlm.NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY
    state = {}

    def auth(chal):
        t3, key = ntlm.getNTLMSSPType3(t1, chal, user, a.password, domain,
                                       use_ntlmv2=not a.v1)
        state["flags"], state["key"] = t3["flags"], key
        return t3.getData()

    res = handshake(t1.getData, auth)
    if a.data:
        data_rounds(ImpacketSession(ntlm, state["flags"], state["key"], a.fix_peer), a.data)
    bye()
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("peer", choices=["samba", "samba-server", "ntlmauth", "impacket"])
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--level", type=int, default=3)
    ap.add_argument("--v1", action="store_true")
    ap.add_argument("--no-ess", action="store_true")
    ap.add_argument("--sign", action="store_true")
    ap.add_argument("--seal", action="store_true")
    ap.add_argument("--data", type=int, default=0)
    ap.add_argument("--fix-peer", action="store_true")
    a = ap.parse_args()
    try:
        res = {"samba": samba, "samba-server": samba_server, "ntlmauth": ntlmauth,
               "impacket": impacket}[a.peer](a)
        log(f"{a.peer}: {res} rounds={a.data} outcome=authenticated")
        return 0
    except Done as e:
        log(f"{a.peer}: outcome=failed: {e}")
        return e.rc
    except ImportError as e:
        log(f"{a.peer}: cannot import the peer library: {e}")
        return 2


if __name__ == "__main__":
    sys.exit(main())
