#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""ntlmssp's GSSAPI mechanism against gss-ntlmssp, through MIT mechglue.

Two gss_driver processes (tests/interop/gss_driver.c) speak ntlm-lines/1
through tests/interop/pair.py; each loads one mechanism for the NTLM OID with
GSS_MECH_CONFIG: `ours` (build/gss-mech.conf -> ntlmssp_gss.so) or `theirs`
(the gss-ntlmssp line of /etc/gss/mech.d). Both roles, NTLMv2 and NTLMv1-ESS,
sealing and signing with get_mic/wrap both ways and wrap_iov/unwrap_iov on our
side, a wrong password, and policy refusals whose display_status text names the
setting. Our side's audit records are checked too.

usage: gss_interop.py BUILD_DIR   (exit 0 = every case passed; 77 = skipped)
"""
import base64
import glob
import json
import os
import struct
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "interop"))
import pair  # noqa: E402

OID = "1.3.6.1.4.1.311.2.2.10"
ESS = 0x00080000
USER, PASSWORD, DOMAIN = "alice", "Alice-Pass-1", "TESTDOM"

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)
    return cond


def theirs_path():
    for f in sorted(glob.glob("/etc/gss/mech.d/*.conf")):
        for line in open(f):
            w = line.split()
            if len(w) >= 3 and not w[0].startswith("#") and w[1] == OID:
                if "gssntlmssp" in w[2] and os.path.exists(w[2]):
                    return w[2]
    return None


def nt_len(auth_line):
    b = base64.b64decode(auth_line)
    return struct.unpack_from("<H", b, 20)[0]


class Env:
    def __init__(self, build, tmp, theirs):
        self.build, self.tmp = build, tmp
        self.driver = os.path.join(build, "gss_driver")
        self.conf = {"ours": os.path.join(build, "gss-mech.conf"),
                     "theirs": os.path.join(tmp, "theirs.conf")}
        with open(self.conf["theirs"], "w") as f:
            f.write(f"gssntlmssp_v1 {OID} {theirs}\n")
        self.users = os.path.join(tmp, "users")
        with open(self.users, "w") as f:
            f.write(f"{DOMAIN}:{USER}:{PASSWORD}\n")
        self.n = 0

    def policy(self, text):
        self.n += 1
        p = os.path.join(self.tmp, f"policy{self.n}.conf")
        with open(p, "w") as f:
            f.write(text)
        return p

    def env(self, mech, extra):
        e = dict(os.environ)
        for k in ("NTLMSSP_CONF", "LM_COMPAT_LEVEL", "NTLM_USER_FILE", "NTLMSSP_ACCOUNTS"):
            e.pop(k, None)
        e["GSS_MECH_CONFIG"] = self.conf[mech]
        e.update(extra)
        return e

    def run(self, name, server, client, s_env=None, c_env=None, s_args=(), c_args=(),
            password=PASSWORD):
        self.n += 1
        audit = os.path.join(self.tmp, f"audit{self.n}.jsonl")
        se = {"NTLM_USER_FILE": self.users, "NTLMSSP_AUDIT_LOG": audit, **(s_env or {})}
        ce = {"NTLMSSP_AUDIT_LOG": audit, **(c_env or {})}
        s_err = os.path.join(self.tmp, f"s{self.n}.err")
        c_err = os.path.join(self.tmp, f"c{self.n}.err")
        r = pair.pair([self.driver, "server", *s_args],
                      [self.driver, "client", "--user", f"{DOMAIN}\\{USER}",
                       "--password", password, *c_args],
                      server_env=self.env(server, se), client_env=self.env(client, ce),
                      server_err=s_err, client_err=c_err, timeout=60)
        r["server_stderr"] = open(s_err).read()
        r["client_stderr"] = open(c_err).read()
        r["audit"] = [json.loads(line) for line in open(audit)] if os.path.exists(audit) else []
        r["name"] = name
        return r


def ok_case(env, name, server, client, **kw):
    r = env.run(name, server, client, **kw)
    good = (r["server_rc"] == 0 and r["client_rc"] == 0 and r["bye"] and not r["errs"]
            and r["result"] == f"OK {DOMAIN}\\{USER}")
    check(good, f"{name}: authenticated, {r['requests']} requests answered")
    if not good:
        print(json.dumps({k: r[k] for k in ("result", "errs", "server_rc", "client_rc",
                                              "server_stderr", "client_stderr")}, indent=1))
    return r


def main():
    build = sys.argv[1]
    theirs = theirs_path()
    if not theirs:
        print("skip: gss-ntlmssp is not registered in /etc/gss/mech.d")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        env = Env(build, tmp, theirs)
        seal = ["--seal", "--data", "10"]
        sign = ["--sign", "--data", "10"]

        # NTLMv2, both roles, sealing and signing, get_mic + wrap both ways.
        for s, c in (("ours", "theirs"), ("theirs", "ours"), ("ours", "ours")):
            for mode, args in (("seal", seal), ("sign", sign)):
                r = ok_case(env, f"NTLMv2 {mode}: server {s}, client {c}", s, c,
                            c_args=args + ["--mic"])
                if r["authenticate"]:
                    check(nt_len(r["authenticate"]) > 24, f"{r['name']}: NTLMv2 response")
                    check(r["authenticate_flags"] & ESS, f"{r['name']}: ESS negotiated")
                    conf = mode == "seal"
                    side = "acceptor" if s == "ours" else None
                    if side:
                        check(f"conf={int(conf)}" in r["server_stderr"],
                              f"{r['name']}: acceptor ret_flags CONF={int(conf)}")
                if s == "ours":
                    ids = [e["event"] for e in r["audit"] if e["direction"] == "incoming"]
                    check(9005 in ids, f"{r['name']}: our acceptor audited success (9005)")
                if c == "ours":
                    ids = [e["event"] for e in r["audit"] if e["direction"] == "outgoing"]
                    check(8001 in ids, f"{r['name']}: our initiator audited 8001 (cis)")

        # wrap_iov / unwrap_iov on our side, the peer using gss_wrap/gss_unwrap.
        for mode, args in (("seal", seal), ("sign", sign)):
            ok_case(env, f"IOV {mode}: server ours --iov, client theirs", "ours", "theirs",
                    s_args=["--iov"], c_args=args)
            ok_case(env, f"IOV {mode}: server theirs, client ours --iov", "theirs", "ours",
                    c_args=args + ["--iov"])

        # NTLMv1-ESS where the policy allows it.
        v1 = env.policy("Profile = cis\n[Lsa]\nLmCompatibilityLevel = 1\n")
        r = ok_case(env, "NTLMv1-ESS: server theirs (LM_COMPAT_LEVEL=2), client ours (level 1)",
                    "theirs", "ours", s_env={"LM_COMPAT_LEVEL": "2"},
                    c_env={"NTLMSSP_CONF": v1}, c_args=seal)
        if r["authenticate"]:
            check(nt_len(r["authenticate"]) == 24 and r["authenticate_flags"] & ESS,
                  "NTLMv1-ESS: our initiator sent a 24-byte NT response with ESS")
            check(any(e["event"] == 9006 for e in r["audit"]),
                  "NTLMv1-ESS: our initiator audited the insecure setting (9006)")
        accept_v1 = env.policy("Profile = cis\n[Lsa]\nLmCompatibilityLevel = 3\n")
        r = ok_case(env, "NTLMv1-ESS: server ours (level 3), client theirs (LM_COMPAT_LEVEL=1)",
                    "ours", "theirs", s_env={"NTLMSSP_CONF": accept_v1},
                    c_env={"LM_COMPAT_LEVEL": "1"}, c_args=seal)
        if r["authenticate"]:
            check(nt_len(r["authenticate"]) == 24, "NTLMv1-ESS: gss-ntlmssp sent NTLMv1")
        # gss-ntlmssp's variable on our side: LM_COMPAT_LEVEL=3 over the cis file.
        ok_case(env, "NTLMv1-ESS: server ours (LM_COMPAT_LEVEL=3), client theirs (level 1)",
                "ours", "theirs", s_env={"LM_COMPAT_LEVEL": "3"},
                c_env={"LM_COMPAT_LEVEL": "1"}, c_args=seal)

        # Refusals: the reason reaches display_status.
        r = env.run("cis refuses NTLMv1", "ours", "theirs", c_env={"LM_COMPAT_LEVEL": "1"},
                    c_args=seal)
        check(r["server_rc"] == 1 and (r["result"] or "").startswith("FAIL")
              and "LmCompatibilityLevel" in r["result"]
              and "NTLM_E_POLICY_RESPONSE_REFUSED" in r["result"],
              f"cis refuses NTLMv1: display_status names LmCompatibilityLevel: {r['result']}")
        check(any(e["event"] == 9001 for e in r["audit"]), "cis refuses NTLMv1: audit 9001")

        strict = env.policy("Profile = cis\n[MSV1_0]\nNtlmMinServerSec = 0x20080030\n")
        r = env.run("NtlmMinServerSec refuses a signing-only client", "ours", "theirs",
                    s_env={"NTLMSSP_CONF": strict}, c_args=["--sign"])
        # refused at the NEGOTIATE: the FAIL line answers it
        fail = r["challenge"] or ""
        check(fail.startswith("FAIL") and "NtlmMinServerSec" in fail and "0x" in fail
              and r["server_rc"] == 1,
              f"NtlmMinServerSec: display_status names the setting and bits: {fail}")
        check(any(e["event"] == 4011 for e in r["audit"]), "NtlmMinServerSec: audit 4011")

        deny = env.policy("Profile = cis\n[MSV1_0]\nRestrictSendingNTLMTraffic = Deny\n")
        r = env.run("RestrictSendingNTLMTraffic = Deny", "theirs", "ours",
                    c_env={"NTLMSSP_CONF": deny}, c_args=seal)
        check(r["client_rc"] == 1 and "RestrictSendingNTLMTraffic" in r["client_stderr"]
              and "NTLM_E_POLICY_SEND_BLOCKED" in r["client_stderr"] and not r["negotiate"],
              "RestrictSendingNTLMTraffic = Deny: nothing sent, display_status names it")
        check(any(e["event"] == 4001 for e in r["audit"]), "Deny: audit 4001")

        # Wrong password, both ways.
        r = env.run("wrong password: server ours", "ours", "theirs", password="wrong",
                    c_args=seal)
        check(r["server_rc"] == 1 and "NTLM_E_LOGON_FAILURE" in (r["result"] or ""),
              f"wrong password, our acceptor: {r['result']}")
        check(any(e["event"] == 9004 for e in r["audit"]), "wrong password: audit 9004")
        r = env.run("wrong password: server theirs", "theirs", "ours", password="wrong",
                    c_args=seal)
        check(r["client_rc"] == 1 and r["server_rc"] == 1 and
              (r["result"] or "").startswith("FAIL"),
              "wrong password, gss-ntlmssp acceptor refuses our initiator")

    print(f"gss_interop: {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
