#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The synthetic estate (gen_estate.py) with its known answer: ntlm audit
# report must find every flow with its exact counts and first / last seen,
# simulate must give each flow the verdict and setting the estate was built
# with (newly denied: the programs that talk to unapproved servers, the
# NTLMv1 straggler, the anonymous kiosk), propose-exceptions the exact list
# (and with --wildcards the one wildcard that admits no denied target), and
# the gzip copy the same; the proposed list, simulated, breaks no outgoing flow.
set -u
NTLM=${1:?usage: bash $0 /path/to/ntlm}
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0

python3 "$HERE/gen_estate.py" --records 30000 --seed 7 "$TMP/plain" || exit 1
python3 "$HERE/gen_estate.py" --records 30000 --seed 7 --gzip "$TMP/gz" || exit 1

check() { # NAME: the python check below printed OK
	if [ "$2" != OK ]; then
		echo "FAIL: $1: $2" >&2
		fails=$((fails + 1))
	fi
}

for d in plain gz; do
	f=$(ls "$TMP/$d"/estate.jsonl*)
	"$NTLM" audit report --json "$f" >"$TMP/$d.report.json" || { echo "FAIL: report $d" >&2; exit 1; }
	"$NTLM" audit simulate --json --policy "$TMP/$d/candidate.conf" "$f" >"$TMP/$d.sim.json" ||
		{ echo "FAIL: simulate $d" >&2; exit 1; }
	check "report $d" "$(python3 - "$TMP/$d/expected.json" "$TMP/$d.report.json" <<'PY'
import json, sys
exp = json.load(open(sys.argv[1])); got = json.load(open(sys.argv[2]))
key = lambda f: (f["direction"], f["client"], f["account"], f["target"], f["class"])
fields = ("exchanges", "success", "blocked", "failed", "first_seen", "last_seen")
e = {key(f): tuple(f[x] for x in fields) for f in exp["flows"]}
g = {key(f): tuple(f[x] for x in fields) for f in got["flows"]}
if got["records"] != exp["records"]:
    print("records %d, want %d" % (got["records"], exp["records"]))
elif e != g:
    diff = sorted(set(e.items()) ^ set(g.items()))[:4]
    print("%d flows, want %d; first differences: %s" % (len(g), len(e), diff))
elif got["refused"] != 0:
    print("refused %d" % got["refused"])
else:
    print("OK")
PY
)"
	check "simulate $d" "$(python3 - "$TMP/$d/expected.json" "$TMP/$d.sim.json" <<'PY'
import json, sys
exp = json.load(open(sys.argv[1])); got = json.load(open(sys.argv[2]))
key = lambda f: (f["direction"], f["client"], f["account"], f["target"], f["class"])
e = {key(f): (f["candidate"], f["setting"]) for f in exp["flows"]}
g = {key(f): (f["candidate"], f["setting"]) for f in got["flows"]}
newly = sum(f["success"] for f in exp["flows"] if f["candidate"] == "deny")
if e != g:
    print("verdicts differ: %s" % sorted(set(e.items()) ^ set(g.items()))[:4])
elif got["newly_denied"] != newly:
    print("newly denied %d, want %d" % (got["newly_denied"], newly))
elif got["undecidable"] != 0:
    print("undecidable %d" % got["undecidable"])
else:
    print("OK")
PY
)"
	for w in "" --wildcards; do
		"$NTLM" audit propose-exceptions --json $w "$f" >"$TMP/$d.prop$w.json" ||
			{ echo "FAIL: propose-exceptions $d $w" >&2; exit 1; }
		check "propose-exceptions $d $w" "$(python3 - "$TMP/$d/expected.json" "$TMP/$d.prop$w.json" "$w" <<'PY'
import json, sys
exp = json.load(open(sys.argv[1]))["exceptions"]; got = json.load(open(sys.argv[2]))
want = sorted(exp["wildcards" if sys.argv[3] else "exact"])
entries = sorted(e["entry"] for e in got["entries"])
if entries != want:
    print("entries %s, want %s" % (entries, want))
elif sorted(got["denied"]) != sorted(exp["denied"]):
    print("denied %s, want %s" % (got["denied"], exp["denied"]))
elif got["not_listed"]:
    print("not listed: %s" % got["not_listed"])
else:
    print("OK")
PY
)"
	done
done
# the proposed list, as a candidate, denies nothing that worked outgoing
python3 - "$TMP/plain.prop.json" >"$TMP/list.conf" <<'PY'
import json, sys
print("[MSV1_0]\nRestrictSendingNTLMTraffic = 2\nClientAllowedNTLMServers = %s" % json.load(open(sys.argv[1]))["config"])
PY
"$NTLM" audit simulate --json --policy "$TMP/list.conf" "$TMP/plain/estate.jsonl" >"$TMP/list.sim.json"
check "the list keeps every outgoing flow" "$(python3 - "$TMP/list.sim.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
bad = [f["target"] for f in d["flows"] if f["direction"] == "outgoing" and f["newly_denied"]]
print("OK" if not bad else "newly denied: %s" % bad)
PY
)"
[ "$fails" -eq 0 ] || exit 1
echo "estate: report, simulate and propose-exceptions recover the known answer (plain and gzip)"
