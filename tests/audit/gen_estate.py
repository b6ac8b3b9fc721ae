#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A synthetic estate's audit log, with its known answer, for `ntlm audit`.

The estate: file, web, intranet and ERP servers (ntlmssp servers writing
incoming records), workstations whose users log on to them, programs on the
workstations (ntlmssp clients writing outgoing records), a few NTLMv1
stragglers (an old ERP client and the ERP server that accepts it), machine
accounts, anonymous logons, wrong passwords, and noise (front-end events,
the audit records that come before an exchange's last one).

Every record has the form of docs/audit-events.md (schema 1.0). The answer
is known by construction, not computed with the policy code: each flow is
made with a role that says what the candidate policy (candidate.conf: cis,
LmCompatibilityLevel 5, outgoing NTLM denied but to the approved servers,
no anonymous logons, every incoming logon audited) does to it.

    gen_estate.py --records N [--seed S] [--gzip] OUTDIR

writes OUTDIR/estate.jsonl (or .jsonl.gz), OUTDIR/candidate.conf and
OUTDIR/expected.json: for each flow (direction, client, account, target,
class) its exchanges, successes, refusals, failures, first and last seen,
and its verdict under the candidate (allow, audit, deny and the setting).
"""
import argparse
import gzip
import json
import os
import random
import sys

FLAG_NAMES = {
    0x1: "NTLMSSP_NEGOTIATE_UNICODE", 0x2: "NTLM_NEGOTIATE_OEM", 0x4: "NTLMSSP_REQUEST_TARGET",
    0x10: "NTLMSSP_NEGOTIATE_SIGN", 0x20: "NTLMSSP_NEGOTIATE_SEAL", 0x200: "NTLMSSP_NEGOTIATE_NTLM",
    0x8000: "NTLMSSP_NEGOTIATE_ALWAYS_SIGN", 0x10000: "NTLMSSP_TARGET_TYPE_DOMAIN",
    0x80000: "NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY",
    0x800000: "NTLMSSP_NEGOTIATE_TARGET_INFO", 0x2000000: "NTLMSSP_NEGOTIATE_VERSION",
    0x20000000: "NTLMSSP_NEGOTIATE_128", 0x40000000: "NTLMSSP_NEGOTIATE_KEY_EXCH",
    0x80000000: "NTLMSSP_NEGOTIATE_56",
}
OFFERED_V2 = 0xe20882b7  # a cis client that seals
FINAL_V2 = 0xe2898235
OFFERED_PLAIN = 0xa2088207  # no SIGN / SEAL
FINAL_PLAIN = 0xa2898205
OFFERED_V1 = 0xa2088207
FINAL_V1 = 0xa2898205

APPROVED = ["HTTP/web.corp.example", "cifs/files.corp.example"]  # ClientAllowedNTLMServers
SERVERS = {  # target -> (NetBIOS name, DNS name)
    "HTTP/web.corp.example": ("WEB", "web.corp.example"),
    "cifs/files.corp.example": ("FILES", "files.corp.example"),
    "HTTP/intranet.corp.example": ("INTRANET", "intranet.corp.example"),
    "HTTP/erp.corp.example": ("ERP", "erp.corp.example"),
}
HOSTS = {"HTTP/web.corp.example": "web.corp.example",
         "cifs/files.corp.example": "files.corp.example",
         "HTTP/intranet.corp.example": "intranet.corp.example",
         "HTTP/erp.corp.example": "erp.corp.example"}


def names(flags):
    return [FLAG_NAMES.get(1 << b, "0x%08x" % (1 << b)) for b in range(32) if flags >> b & 1]


def stamp(t):
    # t: seconds since 2026-11-01T00:00:00Z, in microseconds resolution
    day, rest = divmod(int(t), 86400)
    h, rest = divmod(rest, 3600)
    m, s = divmod(rest, 60)
    us = int((t - int(t)) * 1e6)
    return "2026-11-%02dT%02d:%02d:%02d.%06dZ" % (1 + day, h, m, s, us)


def record(ev, name, t, incoming, outcome, target, peer="", ws="", user="", domain="",
           flags=0, resp=None, setting="", reason="", offered=None, mic=None, cb=None,
           tname=None, exe=None, account_type=None, domain_account=None, server=None):
    sev = {"success": "info", "audited": "notice"}.get(outcome, "warning")
    o = {
        "event": ev, "name": name, "time": stamp(t), "pid": 4242, "severity": sev,
        "direction": "incoming" if incoming else "outgoing", "outcome": outcome,
        "target": target, "peer": peer, "workstation": ws, "user": user, "domain": domain,
        "flags": "0x%08x" % flags, "flag_names": names(flags), "response_type": resp,
        "setting": setting, "reason": reason, "missing": "0x00000000", "missing_names": [],
        "requested": "0x00000000", "requested_names": [], "insecure": False, "schema": "1.0",
    }
    given = tname if incoming and tname else target
    svc, _, host = given.partition("/")
    nb, dns = server if server else (None, None)
    o.update({
        "target_service": svc if host else "", "target_host": (host or given).lower(),
        "server_nb_computer": nb, "server_nb_domain": "CORP" if nb else None,
        "server_dns_computer": dns, "server_dns_domain": "corp.example" if dns else None,
        "account_type": account_type, "domain_account": domain_account,
        "process_uid": None if incoming else 1000, "process_exe": None if incoming else exe,
        "offered": None if offered is None else "0x%08x" % offered,
        "offered_names": None if offered is None else names(offered),
        "mic": mic, "channel_bindings": cb, "target_name_sent": None if tname is None else bool(tname),
        "target_name": tname or None, "policy_hash": "00000000deadbeef",
        "policy_source": "profile cis, /etc/ntlmssp/ntlmssp.conf",
    })
    return json.dumps(o, separators=(",", ":"))


class Estate:
    def __init__(self, seed):
        self.rnd = random.Random(seed)
        self.flows = {}
        self.lines = []
        self.t = 0.0

    def flow(self, key, verdict, setting=""):
        f = self.flows.setdefault(key, {"direction": key[0], "client": key[1], "account": key[2],
                                        "target": key[3], "class": key[4], "exchanges": 0,
                                        "success": 0, "blocked": 0, "failed": 0,
                                        "first_seen": None, "last_seen": None,
                                        "candidate": verdict, "setting": setting})
        return f

    def count(self, f, outcome, t):
        f["exchanges"] += 1
        f[outcome if outcome != "audited" else "success"] += 1
        s = stamp(t)
        f["first_seen"] = s if f["first_seen"] is None or s < f["first_seen"] else f["first_seen"]
        f["last_seen"] = s if f["last_seen"] is None or s > f["last_seen"] else f["last_seen"]

    def tick(self):
        self.t += self.rnd.uniform(0.0001, 0.02)
        return self.t


def build(n, seed):
    e = Estate(seed)
    rnd = e.rnd
    workstations = ["WS%03d" % i for i in range(1, 41)]
    users = ["user%02d" % i for i in range(1, 31)]
    apps = [("/usr/bin/backup-agent", "cifs/files.corp.example", "svc_backup", "allow"),
            ("/usr/bin/wiki-sync", "HTTP/web.corp.example", "svc_wiki", "allow"),
            ("/opt/report/bin/report", "HTTP/intranet.corp.example", "svc_report", "deny"),
            ("/opt/erp/bin/erp-client", "HTTP/erp.corp.example", "svc_erp", "deny")]
    out = []
    while len(out) < n:
        t = e.tick()
        kind = rnd.random()
        if kind < 0.45:  # a user logs on to a server with NTLMv2
            ws = rnd.choice(workstations)
            ip = "10.0.%d.%d" % (workstations.index(ws) // 200, workstations.index(ws) % 200 + 10)
            target = rnd.choice(["HTTP/web.corp.example", "cifs/files.corp.example",
                                 "HTTP/intranet.corp.example"])
            user = rnd.choice(users)
            key = ("incoming", "%s (%s)" % (ws, ip), "CORP\\" + user, target, "NTLMv2")
            f = e.flow(key, "audit", "AuditReceivingNTLMTraffic")
            srv = SERVERS[target]
            out.append(record(9005, "success", t, True, "success", srv[0], ip + ":50000", ws,
                              user, "CORP", FINAL_PLAIN, "NTLMv2", "", "authenticated",
                              OFFERED_PLAIN, True, False, target, account_type="user",
                              domain_account=True, server=srv))
            e.count(f, "success", t)
        elif kind < 0.70:  # a program on a workstation: audited (8001), then answered (9010)
            exe, target, acct, verdict = rnd.choice(apps[:3])
            key = ("outgoing", exe, "CORP\\" + acct, target, "NTLMv2")
            f = e.flow(key, verdict, "RestrictSendingNTLMTraffic" if verdict == "deny" else "")
            srv = SERVERS[target]
            out.append(record(8001, "outgoing-audit", t, False, "audited", target, user=acct,
                              domain="CORP", setting="RestrictSendingNTLMTraffic",
                              reason="RestrictSendingNTLMTraffic = 1 (Audit)", exe=exe,
                              account_type="user"))
            t = e.tick()
            out.append(record(9010, "outgoing-authenticate", t, False, "success", target,
                              user=acct, domain="CORP", flags=FINAL_V2, resp="NTLMv2",
                              reason="AUTHENTICATE (NTLMv2) sent", offered=OFFERED_V2,
                              mic=True, cb=False, tname=target, exe=exe, account_type="user",
                              server=srv))
            e.count(f, "success", t)
        elif kind < 0.74:  # the NTLMv1 straggler: the ERP client and the ERP server
            exe, target, acct, _ = apps[3]
            srv = SERVERS[target]
            kf = ("outgoing", exe, "CORP\\" + acct, target, "NTLMv1-ESS")
            f = e.flow(kf, "deny", "RestrictSendingNTLMTraffic")
            out.append(record(9010, "outgoing-authenticate", t, False, "success", target,
                              user=acct, domain="CORP", flags=FINAL_V1, resp="NTLMv1-ESS",
                              reason="AUTHENTICATE (NTLMv1-ESS) sent", offered=OFFERED_V1,
                              mic=False, cb=False, tname="", exe=exe, account_type="user",
                              server=srv))
            e.count(f, "success", t)
            t = e.tick()
            ki = ("incoming", "ERPCLT (10.0.9.9)", "CORP\\" + acct, "ERP", "NTLMv1-ESS")
            f = e.flow(ki, "deny", "LmCompatibilityLevel")
            out.append(record(9006, "insecure-policy", t, True, "audited", "ERP", "10.0.9.9:40000",
                              "ERPCLT", acct, "CORP", FINAL_V1, "NTLMv1-ESS",
                              "LmCompatibilityLevel", "accepts an NTLMv1-ESS response",
                              OFFERED_V1, False, False, "", account_type="user",
                              domain_account=True, server=srv))
            t = e.tick()
            out.append(record(9005, "success", t, True, "success", "ERP", "10.0.9.9:40000",
                              "ERPCLT", acct, "CORP", FINAL_V1, "NTLMv1-ESS", "",
                              "authenticated", OFFERED_V1, False, False, "",
                              account_type="user", domain_account=True, server=srv))
            e.count(f, "success", t)
        elif kind < 0.80:  # machine accounts to the file server
            ws = rnd.choice(workstations)
            ip = "10.0.%d.%d" % (workstations.index(ws) // 200, workstations.index(ws) % 200 + 10)
            key = ("incoming", "%s (%s)" % (ws, ip), "CORP\\%s$" % ws, "cifs/files.corp.example",
                   "NTLMv2")
            f = e.flow(key, "audit", "AuditReceivingNTLMTraffic")
            srv = SERVERS["cifs/files.corp.example"]
            out.append(record(9005, "success", t, True, "success", srv[0], ip + ":445", ws,
                              ws + "$", "CORP", FINAL_PLAIN, "NTLMv2", "", "authenticated",
                              OFFERED_PLAIN, True, False, "cifs/files.corp.example",
                              account_type="machine", domain_account=True, server=srv))
            e.count(f, "success", t)
        elif kind < 0.83:  # anonymous logons to the intranet (legacy-insecure there)
            key = ("incoming", "KIOSK (10.0.8.8)", "(anonymous)", "INTRANET", "anonymous")
            f = e.flow(key, "deny", "AllowAnonymous")
            srv = SERVERS["HTTP/intranet.corp.example"]
            out.append(record(9005, "success", t, True, "success", srv[0], "10.0.8.8:1234",
                              "KIOSK", "", "", 0xa2898205 & ~0x30, "anonymous", "",
                              "authenticated", OFFERED_PLAIN, False, False, "",
                              account_type="anonymous", domain_account=False, server=srv))
            e.count(f, "success", t)
        elif kind < 0.90:  # wrong passwords: failed now, and under any policy
            ws = rnd.choice(workstations)
            ip = "10.0.%d.%d" % (workstations.index(ws) // 200, workstations.index(ws) % 200 + 10)
            user = rnd.choice(users)
            key = ("incoming", "%s (%s)" % (ws, ip), "CORP\\" + user, "HTTP/web.corp.example",
                   "NTLMv2")
            f = e.flow(key, "audit", "AuditReceivingNTLMTraffic")
            srv = SERVERS["HTTP/web.corp.example"]
            out.append(record(9004, "logon-failure", t, True, "failed", srv[0], ip + ":50001",
                              ws, user, "CORP", FINAL_PLAIN, "NTLMv2", "",
                              "the NTLMv2 response does not match", OFFERED_PLAIN, True, False,
                              "HTTP/web.corp.example", account_type="user",
                              domain_account=True, server=srv))
            e.count(f, "failed", t)
        elif kind < 0.92:  # programs on two app servers under *.apps.corp.example
            host = rnd.choice(["a.apps.corp.example", "b.apps.corp.example"])
            target = "HTTP/" + host
            exe = "/usr/bin/app-sync"
            key = ("outgoing", exe, "CORP\\svc_app", target, "NTLMv2")
            f = e.flow(key, "deny", "RestrictSendingNTLMTraffic")
            out.append(record(9010, "outgoing-authenticate", t, False, "success", target,
                              user="svc_app", domain="CORP", flags=FINAL_V2, resp="NTLMv2",
                              reason="AUTHENTICATE (NTLMv2) sent", offered=OFFERED_V2,
                              mic=True, cb=False, tname=target, exe=exe, account_type="user",
                              server=(host.split(".")[0].upper(), host)))
            e.count(f, "success", t)
        elif kind < 0.94:  # a client already under Deny, refused: these stay out
            target = rnd.choice(["HTTP/gamesrv.corp.example", "cifs/web.corp.example"])
            exe = "/usr/bin/curious"
            key = ("outgoing", exe, "CORP\\guest7", target, "none")
            f = e.flow(key, "deny", "RestrictSendingNTLMTraffic")
            out.append(record(4001, "outgoing-blocked", t, False, "blocked", target,
                              user="guest7", domain="CORP",
                              setting="RestrictSendingNTLMTraffic",
                              reason="RestrictSendingNTLMTraffic = 2 (Deny): blocked", exe=exe,
                              account_type="user"))
            e.count(f, "blocked", t)
        else:  # noise: front-end events, not exchanges
            out.append(record(rnd.choice([9100, 9102, 9104]), "connection-refused", t, True,
                              "failed", "WEB", "198.51.100.%d:1" % rnd.randint(1, 250),
                              reason="noise"))
    return e, out  # the last exchange may add a record or two past n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, required=True)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--gzip", action="store_true")
    ap.add_argument("outdir")
    a = ap.parse_args()
    e, lines = build(a.records, a.seed)
    os.makedirs(a.outdir, exist_ok=True)
    path = os.path.join(a.outdir, "estate.jsonl" + (".gz" if a.gzip else ""))
    opener = gzip.open if a.gzip else open
    with opener(path, "wt") as fh:
        for l in lines:
            fh.write(l + "\n")
    with open(os.path.join(a.outdir, "candidate.conf"), "w") as fh:
        fh.write("[Lsa]\nLmCompatibilityLevel = 5\n[MSV1_0]\nRestrictSendingNTLMTraffic = 2\n"
                 "ClientAllowedNTLMServers = %s\n[ntlmssp]\nAllowAnonymous = no\n"
                 % ", ".join(APPROVED))
    exp = sorted(e.flows.values(), key=lambda f: (f["direction"], f["client"], f["account"],
                                                 f["target"], f["class"]))
    # propose-exceptions: every outgoing target seen working, none seen denied;
    # web's host alone would admit the denied cifs/web, *.corp.example gamesrv
    exact = ["HTTP/web.corp.example", "files.corp.example", "intranet.corp.example",
             "erp.corp.example", "a.apps.corp.example", "b.apps.corp.example"]
    wild = ["HTTP/web.corp.example", "files.corp.example", "intranet.corp.example",
            "erp.corp.example", "*.apps.corp.example"]
    denied = ["HTTP/gamesrv.corp.example", "cifs/web.corp.example"]
    with open(os.path.join(a.outdir, "expected.json"), "w") as fh:
        json.dump({"records": len(lines), "flows": exp,
                   "exceptions": {"exact": exact, "wildcards": wild, "denied": denied}},
                  fh, indent=1)


if __name__ == "__main__":
    sys.exit(main())
