#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Interop run: ntlmssp against independent NTLM implementations (issue 6).

  /usr/bin/python3 tests/interop/run.py --ntlm build/ntlm --gss-driver build/gss_driver
                   [--doc docs/interop.md] [--only SUBSTRING]

Peers: gss-ntlmssp (through tests/interop/gss_driver), Samba ntlm_auth,
python3-ntlm-auth, python3-impacket (tests/interop/peers.py), curl --ntlm and
python3-requests-ntlm against `ntlm httpd`, and tshark on loopback captures
(tests/interop/tshark_check.py, tshark_dcerpc.py). Every case prints one line;
the run ends with `N passed, N failed` and exits 1 if anything failed,
including a peer that is not installed (never a silent skip). --doc writes the
matrix from this run.
"""
import argparse
import base64
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True      # no __pycache__ in the source tree
sys.path.insert(0, HERE)
import pair  # noqa: E402

PY = "/usr/bin/python3"            # Debian's python: the peer packages live there
DOMAIN, USER, PASSWORD = "INTEROP", "alice", "Interop-Pa55!"
ESS, SIGN, SEAL, N128, LM_KEY = 0x00080000, 0x10, 0x20, 0x20000000, 0x80

OPENSSL_CNF = """openssl_conf = openssl_init
[openssl_init]
providers = provider_sect
[provider_sect]
default = default_sect
legacy = legacy_sect
[default_sect]
activate = 1
[legacy_sect]
activate = 1
"""

CONFIGS = {
    # our server
    "srv-cis": "Profile = cis\n",
    "srv-legacy": "Profile = legacy-insecure\n",
    "srv-level5": "Profile = legacy-insecure\n[Lsa]\nLmCompatibilityLevel = 5\n",
    "srv-minseal": "Profile = legacy-insecure\n[MSV1_0]\nNtlmMinServerSec = 0x20\n",
    # our client
    "cli-cis": "Profile = cis\n",                       # NtlmMinClientSec = 0x20080000
    "cli-l0": "Profile = legacy-insecure\n[Lsa]\nLmCompatibilityLevel = 0\n",
    "cli-l2": "Profile = legacy-insecure\n[Lsa]\nLmCompatibilityLevel = 2\n",
    "cli-min": "Profile = cis\n[MSV1_0]\nNtlmMinClientSec = 0x20080000\n",
}

VARIANT_CLIENT_CONF = {"NTLMv1": "cli-l0", "NTLMv1-ESS": "cli-l2", "NTLMv2": "cli-cis"}
# gss-ntlmssp: its initiator's LM_COMPAT_LEVEL per variant (at 1 it asks for ESS
# only together with confidentiality, so NTLMv1-ESS uses 2); its acceptor refuses
# NTLMv1 at levels 3-5, so it runs at 2 for the NTLMv1 variants
GSS_INIT_LEVEL = {"NTLMv1": "0", "NTLMv1-ESS": "2", "NTLMv2": "3"}
GSS_ACC_LEVEL = {"NTLMv1": "2", "NTLMv1-ESS": "2", "NTLMv2": "3"}


class Run:
    def __init__(self, a):
        self.a = a
        self.ntlm = os.path.abspath(a.ntlm)
        self.gss = os.path.abspath(a.gss_driver)
        self.tmp = tempfile.mkdtemp(prefix="ntlm-interop-")
        self.rows = []
        self.passed = self.failed = 0
        self.n = 0
        self.env = dict(os.environ)
        for k in list(self.env):
            if k.lower().endswith("_proxy"):
                del self.env[k]
        self.env["OPENSSL_CONF"] = self.path("openssl.cnf")
        self.env.pop("LM_COMPAT_LEVEL", None)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def setup(self):
        with open(self.path("openssl.cnf"), "w") as f:
            f.write(OPENSSL_CNF)
        nt = subprocess.run([self.ntlm, "hash"], input=PASSWORD, capture_output=True,
                            text=True, check=True).stdout.strip()
        with open(self.path("accounts"), "w") as f:
            f.write(f"{DOMAIN}:{USER}:{nt}\n")
        fd = os.open(self.path("pw"), os.O_WRONLY | os.O_CREAT, 0o600)
        os.write(fd, (PASSWORD + "\n").encode())
        os.close(fd)
        with open(self.path("gss-users"), "w") as f:
            f.write(f"{DOMAIN}:{USER}:{PASSWORD}\n")
        for name, text in CONFIGS.items():
            with open(self.path(name + ".conf"), "w") as f:
                f.write(text)

    # ---- reporting ---------------------------------------------------------------

    def record(self, peer, direction, variant, protection, ok, result, detail=""):
        self.n += 1
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        self.rows.append((peer, direction, variant, protection, ok, result))
        line = (f"{'PASS' if ok else 'FAIL'} {self.n:2d} {peer} | {direction} | {variant} | "
                f"{protection} | {result}")
        print(line, flush=True)
        if not ok and detail:
            for d in detail.strip().splitlines()[-12:]:
                print("     " + d, flush=True)

    def wanted(self, *parts):
        return not self.a.only or any(self.a.only in p for p in parts)

    # ---- helpers -----------------------------------------------------------------

    def decode(self, line):
        if not line:
            return {}
        p = subprocess.run([self.ntlm, "decode", "--json", line], capture_output=True, text=True)
        try:
            return json.loads(p.stdout)
        except ValueError:
            return {}

    def our_server(self, conf, audit):
        return [self.ntlm, "server", "--stdio", "--accounts", self.path("accounts"),
                "--config", self.path(conf + ".conf"), "--audit", audit]

    def our_client(self, conf, prot, data, audit):
        argv = [self.ntlm, "client", "--stdio", "--config", self.path(conf + ".conf"),
                "--user", f"{DOMAIN}\\{USER}", "--password-file", self.path("pw"),
                "--data", str(data), "--audit", audit]
        if prot in ("sign", "seal"):
            argv.append("--" + prot)
        return argv

    def events(self, audit):
        try:
            with open(audit) as f:
                return [json.loads(x) for x in f if x.strip()]
        except OSError:
            return []

    def errs(self, name):
        out = []
        for side in ("server", "client"):
            try:
                with open(self.path(f"{name}.{side}.err")) as f:
                    out.append(f"{side}: " + f.read().strip())
            except OSError:
                pass
        return "\n".join(out)

    def run_pair(self, name, server_argv, client_argv, server_env=None, client_env=None):
        audit = self.path(name + ".audit")
        r = pair.pair(server_argv, client_argv, server_env=server_env or self.env,
                      client_env=client_env or self.env,
                      server_err=self.path(name + ".server.err"),
                      client_err=self.path(name + ".client.err"))
        r["auth"] = self.decode(r["authenticate"])
        r["events"] = self.events(audit)
        return r

    @staticmethod
    def describe(r):
        a = r["auth"]
        s = a.get("response_type") or "-"
        s += ", MIC" if a.get("mic_present") else ", no MIC"
        if r["authenticate_flags"] is not None:
            s += f", flags 0x{r['authenticate_flags']:08x}"
        return s

    def expect_session(self, name, peer, direction, variant, prot, r, rounds, note="",
                       mic=None):
        """A successful session of `variant` with `rounds` data rounds both ways;
        mic=True/False: the AUTHENTICATE must (not) carry a MIC."""
        why = []
        if mic is not None and bool(r["auth"].get("mic_present")) != mic:
            why.append("MIC " + ("missing" if mic else "unexpected"))
        if not (r["result"] or "").startswith("OK "):
            why.append(f"result {r['result']!r}")
        if r["auth"].get("response_type") != variant:
            why.append(f"response type {r['auth'].get('response_type')}, want {variant}")
        if r["requests"] != 2 * rounds:
            why.append(f"{r['requests']} requests, want {2 * rounds}")
        if r["errs"]:
            why.append(r["errs"][0][:160])
        flags = r["authenticate_flags"] or 0
        if prot == "seal" and not flags & SEAL:
            why.append("SEAL not negotiated")
        if prot == "sign" and not flags & SIGN:
            why.append("SIGN not negotiated")
        if r["server_rc"] != 0 or r["client_rc"] != 0:
            why.append(f"exit server {r['server_rc']} client {r['client_rc']}")
        if r["timed_out"]:
            why.append("timed out")
        ok = not why
        data = f"{2 * rounds} WRAP/MIC ok" if rounds else "handshake only"
        res = (f"ok: {self.describe(r)}; {data}{note}" if ok else "failed: " + "; ".join(why))
        self.record(peer, direction, variant, prot, ok, res, self.errs(name))

    # ---- gss-ntlmssp ---------------------------------------------------------------

    def gss_env(self, level):
        e = dict(self.env)
        e.update(NTLM_USER_FILE=self.path("gss-users"), NETBIOS_COMPUTER_NAME="GSSSRV",
                 NETBIOS_DOMAIN_NAME=DOMAIN, LM_COMPAT_LEVEL=level)
        return e

    def gss_cases(self):
        peer = "gss-ntlmssp"
        for variant in ("NTLMv1", "NTLMv1-ESS", "NTLMv2"):
            for prot in ("sign", "seal"):
                if not self.wanted(peer, variant):
                    continue
                # its initiator -> our server
                name = f"gss-in-{variant}-{prot}"
                conf = "srv-cis" if variant == "NTLMv2" else "srv-legacy"
                cli = [self.gss, "client", "--user", f"{DOMAIN}\\{USER}", "--password",
                       PASSWORD, "--" + prot, "--data", "5"]
                if variant == "NTLMv2":
                    cli.append("--mic")
                r = self.run_pair(name, self.our_server(conf, self.path(name + ".audit")), cli,
                                  client_env=self.gss_env(GSS_INIT_LEVEL[variant]))
                self.expect_session(name, peer, "its initiator -> our server", variant, prot,
                                    r, 5, f" (LM_COMPAT_LEVEL={GSS_INIT_LEVEL[variant]})",
                                    mic=variant == "NTLMv2")
                # our client -> its acceptor
                name = f"gss-out-{variant}-{prot}"
                r = self.run_pair(name, [self.gss, "server"],
                                  self.our_client(VARIANT_CLIENT_CONF[variant], prot, 5,
                                                  self.path(name + ".audit")),
                                  server_env=self.gss_env(GSS_ACC_LEVEL[variant]))
                self.expect_session(name, peer, "our client -> its acceptor", variant, prot,
                                    r, 5, f" (its LM_COMPAT_LEVEL={GSS_ACC_LEVEL[variant]})",
                                    mic=variant == "NTLMv2")

    # ---- the Python peers and Samba ------------------------------------------------------

    def peer_client(self, which, *args):
        return [PY, os.path.join(HERE, "peers.py"), which, "--user", f"{DOMAIN}\\{USER}",
                "--password", PASSWORD, *args]

    def samba_cases(self):
        peer = "Samba ntlm_auth"
        variants = {"NTLMv1": ["--v1", "--no-ess"], "NTLMv1-ESS": ["--v1"], "NTLMv2": []}
        for variant, args in variants.items():
            for prot in ("none", "seal"):
                if not self.wanted(peer, variant):
                    continue
                name = f"samba-{variant}-{prot}"
                conf = "srv-cis" if variant == "NTLMv2" else "srv-legacy"
                extra = ["--seal"] if prot == "seal" else []
                r = self.run_pair(name, self.our_server(conf, self.path(name + ".audit")),
                                  self.peer_client("samba", *args, *extra))
                self.expect_session(name, peer, "its client -> our server", variant,
                                    "seal (flags only)" if prot == "seal" else "none", r, 0,
                                    "; ntlm_auth has no sign/seal API")

    def python_cases(self):
        # python3-ntlm-auth: ntlm_compatibility 0 = NTLMv1 (+LM_KEY), 1 = NTLMv1-ESS, 3 = NTLMv2
        peer = "python3-ntlm-auth"
        for variant, level in (("NTLMv1", 0), ("NTLMv1-ESS", 1), ("NTLMv2", 3)):
            for prot in ("sign", "seal"):
                if not self.wanted(peer, variant):
                    continue
                conf = "srv-cis" if variant == "NTLMv2" else "srv-legacy"
                args = ["--level", str(level), "--" + prot, "--data", "5"]
                name = f"ntlmauth-{variant}-{prot}"
                if variant == "NTLMv1":
                    self.peer_bug_case(name, peer, variant, prot, conf,
                                       self.peer_client("ntlmauth", *args),
                                       "keeps two RC4 states and two sequence numbers "
                                       "without ESS")
                    continue
                r = self.run_pair(name, self.our_server(conf, self.path(name + ".audit")),
                                  self.peer_client("ntlmauth", *args))
                self.expect_session(name, peer, "its client -> our server", variant, prot, r, 5,
                                    mic=variant == "NTLMv2")
        peer = "python3-impacket"
        variants = {"NTLMv1": ["--v1", "--no-ess"], "NTLMv1-ESS": ["--v1"], "NTLMv2": []}
        for variant, vargs in variants.items():
            for prot in ("sign", "seal"):
                if not self.wanted(peer, variant):
                    continue
                conf = "srv-cis" if variant == "NTLMv2" else "srv-legacy"
                args = [*vargs, "--" + prot, "--data", "5"]
                name = f"impacket-{variant}-{prot}"
                if variant == "NTLMv1":
                    self.peer_bug_case(name, peer, variant, prot, conf,
                                       self.peer_client("impacket", *args),
                                       "weakens SealKey to 56 bits without LM_KEY")
                    continue
                r = self.run_pair(name, self.our_server(conf, self.path(name + ".audit")),
                                  self.peer_client("impacket", *args))
                self.expect_session(name, peer, "its client -> our server", variant, prot, r, 5,
                                    mic=False)

    def peer_bug_case(self, name, peer, variant, prot, conf, argv, bug):
        """A peer with a known NTLMv1 session-security divergence: the stock peer must
        authenticate and then fail its first data round; with --fix-peer (the
        divergence corrected in the harness) every round must pass."""
        r = self.run_pair(name, self.our_server(conf, self.path(name + ".audit")), argv)
        stock_ok = (r["result"] or "").startswith("OK ") and r["client_rc"] == 1 and \
            r["requests"] <= 2
        r2 = self.run_pair(name + "-fixed", self.our_server(conf, self.path(name + "-fixed.audit")),
                           argv + ["--fix-peer"])
        why = []
        if not stock_ok:
            why.append(f"stock peer: result {r['result']!r}, client exit {r['client_rc']}, "
                       f"{r['requests']} requests (want OK, then its first round failing)")
        if not (r2["result"] or "").startswith("OK ") or r2["requests"] != 10 or r2["errs"] \
                or r2["server_rc"] or r2["client_rc"] \
                or r2["auth"].get("response_type") != variant:
            why.append(f"corrected peer: result {r2['result']!r}, {r2['requests']} requests, "
                       f"exit {r2['server_rc']}/{r2['client_rc']}, "
                       f"{r2['auth'].get('response_type')}")
        ok = not why
        res = (f"auth ok ({self.describe(r)}); data: PEER BUG ({bug}): stock peer fails "
               f"round 1, corrected peer 10 WRAP/MIC ok" if ok else "; ".join(why))
        self.record(peer, "its client -> our server", variant, prot, ok, res,
                    self.errs(name) + "\n" + self.errs(name + "-fixed"))

    # ---- policy cases ------------------------------------------------------------------

    def v1_clients(self):
        return [
            ("gss-ntlmssp", [self.gss, "client", "--user", f"{DOMAIN}\\{USER}", "--password",
                             PASSWORD, "--seal"], self.gss_env("2")),
            ("Samba ntlm_auth", self.peer_client("samba", "--v1", "--seal"), None),
            ("python3-ntlm-auth", self.peer_client("ntlmauth", "--level", "1", "--seal"), None),
            ("python3-impacket", self.peer_client("impacket", "--v1", "--seal"), None),
        ]

    def mic_tamper_cases(self):
        """The peer's MIC, one bit flipped in flight: our server must refuse it (9002)."""
        clients = [
            ("gss-ntlmssp", [self.gss, "client", "--user", f"{DOMAIN}\\{USER}", "--password",
                             PASSWORD, "--seal", "--mic"], self.gss_env("3")),
            ("Samba ntlm_auth", self.peer_client("samba", "--seal"), None),
            ("python3-ntlm-auth", self.peer_client("ntlmauth", "--seal"), None),
        ]
        for peer, argv, env in clients:
            if not self.wanted(peer, "policy", "MIC"):
                continue
            name = "mic-" + peer.split()[0]
            seen = []

            def edit(kind, line, seen=seen):
                if kind == "request":
                    seen.append(line)
                    if len(seen) == 2:            # the AUTHENTICATE
                        b = bytearray(base64.b64decode(line))
                        b[72] ^= 0x01             # MIC field (MS-NLMP 2.2.1.3)
                        return base64.b64encode(bytes(b)).decode()
                return line
            audit = self.path(name + ".audit")
            r = pair.pair(self.our_server("srv-cis", audit), argv, server_env=self.env,
                          client_env=env or self.env,
                          server_err=self.path(name + ".server.err"),
                          client_err=self.path(name + ".client.err"), edit=edit)
            ev = [e for e in self.events(audit) if e.get("event") == 9002]
            ok = (r["result"] or "").startswith("FAIL NTLM_E_MIC_MISMATCH") and len(ev) == 1 \
                and r["server_rc"] == 1
            res = (f"refused: {r['result'][5:]}; audit 9002 outcome={ev[0].get('outcome')}"
                   if ok else f"want FAIL NTLM_E_MIC_MISMATCH + 9002: result {r['result']!r}, "
                   f"events {[e.get('event') for e in self.events(audit)]}")
            self.record(peer, "its client -> our server, its MIC altered in flight", "NTLMv2",
                        "seal", ok, res, self.errs(name))

    def noseal_clients(self):
        return [
            ("gss-ntlmssp", [self.gss, "client", "--user", f"{DOMAIN}\\{USER}", "--password",
                             PASSWORD, "--sign"], self.gss_env("3")),
            ("Samba ntlm_auth", self.peer_client("samba"), None),
            ("python3-ntlm-auth", self.peer_client("ntlmauth", "--sign"), None),
            ("python3-impacket", self.peer_client("impacket", "--sign"), None),
        ]

    def policy_cases(self):
        self.mic_tamper_cases()
        for peer, argv, env in self.v1_clients():
            if not self.wanted(peer, "policy"):
                continue
            name = "pol-l5-" + peer.split()[0]
            r = self.run_pair(name, self.our_server("srv-level5", self.path(name + ".audit")),
                              argv, client_env=env)
            ev = [e for e in r["events"] if e.get("event") == 9001]
            ok = (r["result"] or "").startswith("FAIL") and len(ev) == 1 and \
                ev[0].get("response_type") == "NTLMv1-ESS" and \
                ev[0].get("setting") == "LmCompatibilityLevel" and r["server_rc"] == 1
            res = (f"refused: {r['result'][5:90]}...; audit 9001 response_type="
                   f"{ev[0].get('response_type')}" if ok else
                   f"want FAIL + one 9001 NTLMv1-ESS: result {r['result']!r}, events "
                   f"{[e.get('event') for e in r['events']]}, server exit {r['server_rc']}")
            self.record(peer, "policy: its NTLMv1 client -> our server at LmCompatibilityLevel 5",
                        "NTLMv1-ESS", "seal", ok, res, self.errs(name))
        for peer, argv, env in self.noseal_clients():
            if not self.wanted(peer, "policy"):
                continue
            name = "pol-seal-" + peer.split()[0]
            r = self.run_pair(name, self.our_server("srv-minseal", self.path(name + ".audit")),
                              argv, client_env=env)
            ev = [e for e in r["events"] if e.get("event") == 4011]
            ok = (r["challenge"] or "").startswith("FAIL") and len(ev) == 1 and \
                ev[0].get("missing") == "0x00000020" and r["server_rc"] == 1
            offered = r["negotiate_flags"]
            res = (f"refused at the NEGOTIATE (offered 0x{offered:08x}); audit 4011 missing="
                   f"{ev[0].get('missing')}" if ok else
                   f"want FAIL at NEGOTIATE + 4011 missing 0x20: challenge "
                   f"{(r['challenge'] or '')[:80]!r}, events {[e.get('event') for e in r['events']]}")
            self.record(peer, "policy: its client without SEAL -> our server NtlmMinServerSec 0x20",
                        "any", "sign/none", ok, res, self.errs(name))
        # our client, NtlmMinClientSec = 0x20080000, against each server-side peer:
        # success exactly when the CHALLENGE's flags have ESS, and 128 unless neither
        # SIGN nor SEAL was negotiated (docs/policy.md, the 128-bit rule)
        servers = [("gss-ntlmssp", "LM_COMPAT_LEVEL=3", [self.gss, "server"], self.gss_env("3")),
                   ("gss-ntlmssp", "LM_COMPAT_LEVEL=0 (no ESS)", [self.gss, "server"],
                    self.gss_env("0")),
                   ("Samba ntlm_auth", "squid-2.5-ntlmssp",
                    [PY, os.path.join(HERE, "peers.py"), "samba-server", "--user",
                     f"{DOMAIN}\\{USER}", "--password", PASSWORD], None)]
        for peer, how, argv, env in servers:
            if not self.wanted(peer, "policy"):
                continue
            for prot in ("none", "seal"):
                name = f"pol-min-{peer.split()[0]}-{how.split()[0]}-{prot}"
                r = self.run_pair(name, argv,
                                  self.our_client("cli-min", prot,
                                                  5 if prot == "seal" and peer == "gss-ntlmssp"
                                                  else 0, self.path(name + ".audit")),
                                  server_env=env)
                cf = r["challenge_flags"]
                if cf is None:
                    self.record(peer, f"policy: our client NtlmMinClientSec 0x20080000 -> its "
                                f"server ({how})", "-", prot, False,
                                f"no CHALLENGE: {r['challenge']!r}", self.errs(name))
                    continue
                keyed = cf & (SIGN | SEAL)
                should = bool(cf & ESS) and (bool(cf & N128) or not keyed)
                ev = [e for e in r["events"] if e.get("event") == 4010]
                authed = (r["result"] or "").startswith("OK ") and r["client_rc"] == 0
                refused = r["authenticate"] is None and r["client_rc"] == 1 and len(ev) == 1
                ok = authed if should else refused
                variant = r["auth"].get("response_type") or "-"
                res = (f"CHALLENGE flags 0x{cf:08x} -> "
                       + ("should succeed: " if should else "should be refused: ")
                       + ("authenticated" if authed else
                          f"refused, audit 4010 missing={ev[0].get('missing')}" if refused else
                          f"result {r['result']!r}, client exit {r['client_rc']}, events "
                          f"{[e.get('event') for e in r['events']]}"))
                self.record(peer, f"policy: our client NtlmMinClientSec 0x20080000 -> its "
                            f"server ({how})", variant, prot, ok, res, self.errs(name))

    # ---- HTTP: curl and requests-ntlm against ntlm httpd ------------------------------------

    def http_cases(self):
        if not self.wanted("curl", "requests", "http"):
            return
        audit = self.path("httpd.audit")
        p = subprocess.Popen([self.ntlm, "httpd", "--listen", "127.0.0.1:0", "--accounts",
                              self.path("accounts"), "--config", self.path("srv-cis.conf"),
                              "--audit", audit], stdout=subprocess.PIPE,
                             stderr=open(self.path("httpd.err"), "w"), text=True, env=self.env)
        try:
            line = p.stdout.readline()
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            if not m:
                self.record("curl --ntlm", "its client -> ntlm httpd", "NTLMv2", "none", False,
                            "httpd did not start: " + line)
                return
            base = f"http://127.0.0.1:{m.group(1)}/?format=json"
            user = f"{DOMAIN}\\{USER}"
            c = subprocess.run(["curl", "-sS", "--max-time", "30", "--ntlm", "-u",
                                f"{user}:{PASSWORD}", "-w", "\n%{http_code}", base],
                               capture_output=True, text=True, env=self.env)
            self.http_row("curl --ntlm", c.returncode, c.stdout, c.stderr)
            code = ("import sys, requests\nfrom requests_ntlm import HttpNtlmAuth\n"
                    "r = requests.get(sys.argv[1], auth=HttpNtlmAuth(sys.argv[2], sys.argv[3]),"
                    " timeout=30)\nprint(r.text)\nprint(r.status_code)\n")
            c = subprocess.run([PY, "-c", code, base, user, PASSWORD], capture_output=True,
                               text=True, env=self.env)
            self.http_row("python3-requests-ntlm", c.returncode, c.stdout, c.stderr)
        finally:
            p.terminate()
            p.wait(timeout=30)

    def http_row(self, peer, rc, out, err):
        lines = out.strip().splitlines()
        try:
            page = json.loads("\n".join(lines[:-1]))
        except ValueError:
            page = {}
        ok = rc == 0 and lines and lines[-1] == "200" and page.get("user") == USER and \
            page.get("response_type") == "NTLMv2"
        res = (f"200, user {page.get('domain')}\\{page.get('user')}, {page.get('response_type')}"
               f", key strength {page.get('key_strength')}" if ok else
               f"rc {rc}, status {lines[-1] if lines else '-'}: {err.strip()[:200]}")
        self.record(peer, "its client -> ntlm httpd (cis)", "NTLMv2", "none (HTTP)", ok, res)

    # ---- tshark ----------------------------------------------------------------------------

    def tshark_cases(self):
        if not self.wanted("tshark"):
            return
        p = subprocess.run([PY, os.path.join(HERE, "tshark_check.py"), "--ntlm", self.ntlm,
                            "--workdir", self.path("tshark")], capture_output=True, text=True,
                           env=self.env, timeout=120)
        rows = [json.loads(x) for x in p.stdout.splitlines() if x.startswith("{")]
        if not rows:
            self.record("tshark", "dissects our client <-> our server (HTTP)", "NTLMv2", "seal",
                        False, f"tshark_check.py exit {p.returncode}: {p.stderr.strip()[-300:]}")
            return
        for row in rows:
            self.record("tshark", "dissects our client <-> our server (HTTP)", "NTLMv2",
                        row.get("protection", "seal"), row["ok"], row["result"],
                        p.stderr if not row["ok"] else "")
        # tshark itself decrypting our seal: the same exchange carried in DCE/RPC
        direction = "decrypts our sealed payload (DCE/RPC)"
        try:
            p = subprocess.run([PY, os.path.join(HERE, "tshark_dcerpc.py"), "--ntlm", self.ntlm,
                                "--workdir", self.path("tshark-dcerpc")], capture_output=True,
                               text=True, env=self.env, timeout=120)
        except subprocess.TimeoutExpired:
            self.record("tshark", direction, "NTLMv2", "seal", False,
                        "tshark_dcerpc.py did not finish within 120 s")
            return
        rows = [json.loads(x) for x in p.stdout.splitlines() if x.startswith("{")]
        if not rows:
            self.record("tshark", direction, "NTLMv2", "seal", False,
                        f"tshark_dcerpc.py exit {p.returncode}: {p.stderr.strip()[-300:]}")
        for row in rows:
            self.record("tshark", row.get("direction", direction), "NTLMv2",
                        row.get("protection", "seal"), row["ok"], row["result"],
                        p.stderr if not row["ok"] else "")

    # ---- installation -----------------------------------------------------------------------

    def check_installed(self):
        """A peer that is missing is a failure, never a skip."""
        checks = [
            ("gss-ntlmssp", os.path.exists(self.gss) and
             bool(glob.glob("/usr/lib/*/gssntlmssp/gssntlmssp.so")),
             "gss-ntlmssp, gss-ntlmssp-dev and libkrb5-dev, and build tests/interop/gss_driver"),
            ("Samba ntlm_auth", shutil.which("ntlm_auth") is not None, "winbind (ntlm_auth)"),
            ("python3-ntlm-auth", self.py_has("ntlm_auth.ntlm"), "python3-ntlm-auth"),
            ("python3-impacket", self.py_has("impacket.ntlm"), "python3-impacket"),
            ("python3-requests-ntlm", self.py_has("requests_ntlm"), "python3-requests-ntlm"),
            ("curl --ntlm", shutil.which("curl") is not None, "curl"),
            ("tshark", shutil.which("tshark") is not None, "tshark"),
        ]
        missing = []
        for peer, ok, pkg in checks:
            if not ok:
                missing.append(peer)
                self.record(peer, "installed", "-", "-", False,
                            f"NOT INSTALLED: install {pkg} (scripts/install-deps.sh)")
        return missing

    def py_has(self, mod):
        return subprocess.run([PY, "-c", f"import {mod}"], capture_output=True,
                              env=self.env).returncode == 0

    # ---- the matrix --------------------------------------------------------------------------

    def write_doc(self, path, seconds):
        gen = []
        gen.append("<!-- generated by tests/interop/run.py from an actual run; "
                   "do not edit between the markers -->")
        gen.append("")
        gen.append(f"Run of {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: "
                   f"**{self.passed} passed, {self.failed} failed** in {seconds:.0f} s.")
        gen.append("")
        gen.append("| # | peer | direction | variant | protection | result | outcome |")
        gen.append("|---|---|---|---|---|---|---|")
        for i, (peer, direction, variant, prot, ok, res) in enumerate(self.rows, 1):
            res = res.replace("|", "\\|").replace("\n", " ")
            gen.append(f"| {i} | {peer} | {direction} | {variant} | {prot} | "
                       f"{'pass' if ok else '**FAIL**'} | {res} |")
        text = "\n".join(gen) + "\n"
        begin, end = "<!-- BEGIN MATRIX -->", "<!-- END MATRIX -->"
        try:
            with open(path) as f:
                doc = f.read()
        except OSError:
            doc = f"# Interoperability\n\n{begin}\n{end}\n"
        if begin not in doc or end not in doc:
            doc = doc.rstrip("\n") + f"\n\n{begin}\n{end}\n"
        head, rest = doc.split(begin, 1)
        _, tail = rest.split(end, 1)
        with open(path, "w") as f:
            f.write(head + begin + "\n" + text + end + tail)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ntlm", required=True)
    ap.add_argument("--gss-driver", required=True)
    ap.add_argument("--doc")
    ap.add_argument("--only")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    a = ap.parse_args()
    t0 = time.monotonic()
    run = Run(a)
    try:
        run.setup()
        run.check_installed()
        run.gss_cases()
        run.samba_cases()
        run.python_cases()
        run.policy_cases()
        run.http_cases()
        run.tshark_cases()
    finally:
        if a.keep:
            print(f"work directory: {run.tmp}", file=sys.stderr)
        else:
            shutil.rmtree(run.tmp, ignore_errors=True)
    secs = time.monotonic() - t0
    if a.doc and not a.only:
        run.write_doc(a.doc, secs)
    print(f"{run.passed} passed, {run.failed} failed")
    sys.exit(1 if run.failed or run.n == 0 else 0)


if __name__ == "__main__":
    main()
