#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""audit_html_check.py report|simulate|propose|diff DOM JSON

The DOM a browser built from `ntlm audit ... --html` against `--json` of the
same run, number by number and name by name; exits nonzero with the first
difference (tests/cli/audit_html.sh)."""
import json
import sys
from html.parser import HTMLParser

what, dom, js = sys.argv[1:4]
d = json.load(open(js))


class Page(HTMLParser):
    """Every element with its attributes, the chart it is in, and for table
    rows the text of their cells."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.els, self.svg, self.row, self.cur = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        a["_tag"], a["_svg"], a["_cells"], a["_text"] = tag, self.svg, [], ""
        self.els.append(a)
        self.cur = a
        if tag == "svg":
            self.svg = a.get("id")
        if tag == "tr":
            self.row = a
        if tag == "td" and self.row is not None:
            self.row["_cells"].append("")

    def handle_endtag(self, tag):
        self.cur = None
        if tag == "svg":
            self.svg = None
        if tag == "tr":
            self.row = None

    def handle_data(self, data):
        if self.cur is not None:
            self.cur["_text"] += data
        if self.row is not None and self.row["_cells"]:
            self.row["_cells"][-1] += data


p = Page()
p.feed(open(dom, encoding="utf-8").read())
els = p.els
by_id = {e["id"]: e for e in els if "id" in e}


def same(name, want, got):
    if want != got:
        sys.exit("%s:\n want %r\n got  %r" % (name, want, got))


def cls(e):
    return (e.get("class") or "").split()


def chart(i, tag):
    return [e for e in els if e["_tag"] == tag and e["_svg"] == i]


for bad in ("script", "img", "link", "iframe", "object", "embed", "image", "foreignobject"):
    same("no <%s> element" % bad, [], [e["_tag"] for e in els if e["_tag"] == bad])
same("no element links anywhere", [],
     [e for e in els if {"src", "href", "xlink:href", "action", "srcset"} & set(e)])
same("table #summary", "table", by_id.get("summary", {}).get("_tag"))
for k in ("records", "refused", "exchanges", "other_records"):
    same(k, str(d[k]), by_id[k]["_text"])
same("filters", (d["filters"]["anonymous"], d["filters"]["machine"]),
     (by_id["filters"]["data-anonymous"], by_id["filters"]["data-machine"]))

rows = [e for e in els if e["_tag"] == "tr" and "flow" in cls(e)]
F = ("direction", "client", "account", "target", "class")
N = ("exchanges", "success", "blocked", "failed")
HOSTILE = ('<script>alert("x")</script>', "a\"b'c&d<e>f", "</svg><img src=http://canary.invalid/x>",
           "tab\there\x01\x7f", "&amp; &lt;/td>")


def in_table(tid, klass):
    """The rows of class klass inside the table with id tid, in order."""
    out, inside = [], False
    for e in els:
        if e["_tag"] == "table":
            inside = e.get("id") == tid
        elif inside and e["_tag"] == "tr" and klass in cls(e):
            out.append(e)
    return out


def hostile_seen(names, where):
    for h in HOSTILE:
        if not any(h in n for n in names):
            sys.exit("hostile name %r not among the %s" % (h, where))


if what == "propose":
    same("code #config", d["config"], by_id["config"]["_text"])
    same("entries count", str(len(d["entries"])), by_id["entries-count"]["_text"])
    same("wildcards", "true" if d["wildcards"] else "false", by_id["wildcards"]["data-value"])
    same("svg #chart-entries", "svg", by_id.get("chart-entries", {}).get("_tag"))
    if len(d["entries"]) < 3:
        sys.exit("propose: %d entries, want a few" % len(d["entries"]))
    top = sorted(d["entries"], key=lambda x: (-x["exchanges"], x["entry"]))[:20]
    same("entries chart", [(x["entry"], x["exchanges"]) for x in top],
         [(e["data-entry"], int(e["data-n"])) for e in chart("chart-entries", "g")])
    erows = in_table("entries", "entry")
    same("entries",
         [(x["entry"], x["wildcard"], x["flows"], x["exchanges"], x["last_seen"]) for x in d["entries"]],
         [(r["data-entry"], r["data-wildcard"] == "true", int(r["data-flows"]),
           int(r["data-exchanges"]), r["data-last-seen"]) for r in erows])
    same("entry cells", [x["entry"] for x in d["entries"]], [r["_cells"][0] for r in erows])
    lis = [e for e in els if e["_tag"] == "li" and "target" in cls(e)]
    same("entries' targets", [t for x in d["entries"] for t in x["targets"]], [e["_text"] for e in lis])
    nl = in_table("not-listed", "not-listed")
    same("not listed", [(x["target"], x["why"]) for x in d["not_listed"]],
         [(r["data-target"], r["data-why"]) for r in nl])
    same("not listed cells", [[x["target"], x["why"]] for x in d["not_listed"]], [r["_cells"] for r in nl])
    dn = in_table("denied", "denied")
    same("denied", d["denied"], [r["data-target"] for r in dn])
    same("denied cells", [[t] for t in d["denied"]], [r["_cells"] for r in dn])
    cfg = by_id["snippet-config"]["_text"]
    if "ClientAllowedNTLMServers = " + d["config"] + "\n" not in cfg:
        sys.exit("snippet-config does not hold the list: %r" % cfg)
    inf = by_id["snippet-inf"]["_text"]
    if "ClientAllowedNTLMServers=7," + ",".join(x["entry"] for x in d["entries"]) + "\n" not in inf:
        sys.exit("snippet-inf does not hold the list: %r" % inf)
    reg = by_id["snippet-reg"]["_text"]
    hexs = ",".join("%02x,00" % c for x in d["entries"] for c in x["entry"].encode() + b"\0") + ",00,00"
    if '"ClientAllowedNTLMServers"=hex(7):' + hexs + "\n" not in reg:
        sys.exit("snippet-reg does not hold the list: %r" % reg)
    hostile_seen([x["target"] for x in d["not_listed"]] + d["denied"] +
                 [t for x in d["entries"] for t in x["targets"]], "targets")
    print("ok: %d entries, %d not listed, %d denied" % (len(erows), len(nl), len(dn)))
    sys.exit(0)
if what == "diff":
    o = d["old"]
    for k in ("records", "refused", "exchanges", "flows"):
        same("old " + k, str(o[k]), by_id["old-" + k]["_text"])
    of = [e for e in els if e["_tag"] == "span" and "old-file" in cls(e)]
    same("old files", list(zip(o["files"], o["formats"])), [(e["_text"], e["data-format"] or None) for e in of])
    keys = ("new_clients", "new_legacy_flows", "new_flows", "gone_flows")
    same("changes chart", [(k, len(d[k])) for k in keys],
         [(e["data-kind"], int(e["data-n"])) for e in chart("chart-changes", "g")])
    names = []
    for k in keys:
        tr = in_table(k, "flow")
        same(k, [tuple(f[x] for x in F) + (f["exchanges"], f["last_seen"]) for f in d[k]],
             [tuple(r["data-" + x] for x in F) + (int(r["data-exchanges"]), r["data-last-seen"]) for r in tr])
        same(k + " cells", [[f[x] for x in F[1:]] for f in d[k]], [r["_cells"][1:5] for r in tr])
        names += [f["account"] for f in d[k]]
    if not all(d[k] for k in keys):
        sys.exit("diff: want flows of every kind: %r" % [(k, len(d[k])) for k in keys])
    hostile_seen(names, "accounts")
    print("ok: %d flows" % len(rows))
    sys.exit(0)
same("table #flows", "table", by_id.get("flows", {}).get("_tag"))
if what == "report":
    same("table #classes", "table", by_id.get("classes", {}).get("_tag"))
    for c, n in d["classes"].items():
        same("class " + c, (str(n), str(n)), (by_id["class-" + c]["data-n"], by_id["class-" + c]["_text"]))
    same("svg #chart-time", "svg", by_id.get("chart-time", {}).get("_tag"))
    same("svg #chart-targets", "svg", by_id.get("chart-targets", {}).get("_tag"))
    same("flows",
         [tuple(f[k] for k in F) + tuple(f[k] for k in N) + (f["first_seen"], f["last_seen"])
          for f in d["flows"]],
         [tuple(r["data-" + k] for k in F) + tuple(int(r["data-" + k]) for k in N) +
          (r["data-first-seen"], r["data-last-seen"]) for r in rows])
    s = d["series"]
    same("bucket", s["bucket"], by_id["chart-time"]["data-bucket"])
    same("untimed", str(s["untimed"]), by_id["chart-time"]["data-untimed"])
    same("dropped", str(s["dropped"]), by_id["chart-time"]["data-dropped"])
    want = {(pt["t"], c): pt[c] for pt in s["points"] for c in d["classes"] if pt[c]}
    got = {(e["data-t"], e["data-class"]): int(e["data-n"]) for e in chart("chart-time", "rect")
           if "seg" in cls(e)}
    same("series", want, got)
    if len(want) < 10:
        sys.exit("series: %d segments, want a few days' worth" % len(want))
    tot = {}
    for f in d["flows"]:
        tot[f["target"]] = tot.get(f["target"], 0) + f["exchanges"]
    same("top targets", sorted(tot.items(), key=lambda kv: (-kv[1], kv[0]))[:15],
         [(e["data-target"], int(e["data-n"])) for e in chart("chart-targets", "g")])
else:
    same("svg #chart-settings", "svg", by_id.get("chart-settings", {}).get("_tag"))
    same("svg #chart-flows", "svg", by_id.get("chart-flows", {}).get("_tag"))
    same("candidate", d["candidate"], by_id["candidate"]["_text"])
    for k in ("newly_denied", "newly_denied_flows", "undecidable", "undecidable_flows"):
        same(k, str(d[k]), by_id[k]["_text"])
    same("by setting", [(k, v["exchanges"], v["flows"]) for k, v in d["by_setting"].items()],
         [(e["data-setting"], int(e["data-n"]), int(e["data-flows"]))
          for e in chart("chart-settings", "g")])
    if not d["by_setting"]:
        sys.exit("the candidate breaks nothing here: pick one that does")
    broken = sorted((f for f in d["flows"] if f["newly_denied"]), key=lambda f: -f["newly_denied"])
    same("broken flows",
         [tuple(f[k] for k in F) + (f["newly_denied"], f["setting"]) for f in broken[:20]],
         [tuple(e["data-" + k] for k in F) + (int(e["data-n"]), e["data-setting"])
          for e in chart("chart-flows", "g")])
    same("undecidable by fact",
         [(k, v["exchanges"], v["flows"]) for k, v in d["undecidable_by_fact"].items()],
         [(e["data-fact"], int(e["data-exchanges"]), int(e["data-flows"])) for e in els
          if e["_tag"] == "tr" and "fact" in cls(e)])
    same("flows",
         [tuple(f[k] for k in F) + tuple(f["exchanges"] if k == "exchanges" else f["observed"][k]
                                         for k in N) +
          (f["candidate"], f["newly_denied"], f["newly_allowed"], f["undecidable"], f["setting"],
           f["reason"], f["last_seen"]) for f in d["flows"]],
         [tuple(r["data-" + k] for k in F) + tuple(int(r["data-" + k]) for k in N) +
          (r["data-candidate"],) +
          tuple(int(r["data-" + k]) for k in ("newly-denied", "newly-allowed", "undecidable")) +
          (r["data-setting"], r["data-reason"], r["data-last-seen"]) for r in rows])
# the cells read as the names themselves (the hostile ones too)
same("flow cells", [[f[k] for k in F[1:]] for f in d["flows"]], [r["_cells"][1:5] for r in rows])
hostile_seen([f["account"] for f in d["flows"]], "accounts")
print("ok: %d flows" % len(rows))
