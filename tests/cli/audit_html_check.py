#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""audit_html_check.py report|simulate DOM JSON

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
for t in ("summary", "flows"):
    same("table #" + t, "table", by_id.get(t, {}).get("_tag"))
for k in ("records", "refused", "exchanges", "other_records"):
    same(k, str(d[k]), by_id[k]["_text"])
same("filters", (d["filters"]["anonymous"], d["filters"]["machine"]),
     (by_id["filters"]["data-anonymous"], by_id["filters"]["data-machine"]))

rows = [e for e in els if e["_tag"] == "tr" and "flow" in cls(e)]
F = ("direction", "client", "account", "target", "class")
N = ("exchanges", "success", "blocked", "failed")
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
accounts = [f["account"] for f in d["flows"]]
for h in ('<script>alert("x")</script>', "a\"b'c&d<e>f", "</svg><img src=http://canary.invalid/x>",
          "tab\there\x01\x7f", "&amp; &lt;/td>"):
    if not any(h in a for a in accounts):
        sys.exit("hostile name %r not among the accounts" % h)
print("ok: %d flows" % len(rows))
