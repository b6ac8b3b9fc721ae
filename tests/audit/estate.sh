#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The synthetic estate (gen_estate.py) with its known answer: ntlm audit
# report must find every flow with its exact counts and first / last seen,
# simulate must give each flow the verdict and setting the estate was built
# with (newly denied: the programs that talk to unapproved servers, the
# NTLMv1 straggler, the anonymous kiosk), and the gzip copy the same.
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
done
[ "$fails" -eq 0 ] || exit 1
echo "estate: report and simulate recover the known answer (plain and gzip)"
