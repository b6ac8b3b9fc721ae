#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ntlm audit report / simulate / propose-exceptions / diff --html, read by a real
# headless browser
# (Debian's chromium): the page renders (its tables and SVG charts are in the
# DOM the browser built), every number in it is the one --json gives for the
# same input, hostile account and target names stay text (no element of
# theirs appears, they read back exactly), and the browser makes no network
# request for the page (checked in its net log, with a page that does fetch
# as the control). Skips (77), loudly, only when the browser cannot start.
set -u
source "$(dirname "$0")/lib.bash"

BROWSER=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$BROWSER" ]; then
	echo "SKIP: no chromium (scripts/install-deps.sh test installs it)" >&2
	exit 77
fi

# browse NAME PAGE [ARGS...]: the DOM after load on stdout ($TMP/NAME.dom),
# the net log in $TMP/NAME.net. As root the sandbox cannot start: --no-sandbox.
# Requests nowhere: a proxy on a closed port, every host name unresolvable,
# the browser's own background traffic off.
browse() {
	local name=$1 page=$2
	shift 2
	timeout 120 "$BROWSER" --headless --no-sandbox --disable-gpu --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--disable-default-apps --disable-extensions --user-data-dir="$TMP/profile-$name" \
		--proxy-server=http://127.0.0.1:9 --host-resolver-rules='MAP * ~NOTFOUND' \
		--log-net-log="$TMP/$name.net" "$@" "file://$page" >"$TMP/$name.dom" 2>"$TMP/$name.err"
}

# page_requests NAME: the URLs the page asked for (not the browser's own:
# those have no initiator), one a line.
page_requests() {
	python3 - "$TMP/$1.net" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
names = {v: k for k, v in d["constants"]["logEventTypes"].items()}
for e in d["events"]:
    p = e.get("params") or {}
    if (names.get(e["type"]) == "URL_REQUEST_START_JOB" and p.get("url")
            and p.get("initiator") != "not an origin"):
        print(p.get("url"))
EOF
}

# ---- an estate over five days, with hostile names -------------------------
python3 "$HERE/../audit/gen_estate.py" --records 4000 --seed 7 "$TMP/e" >/dev/null ||
	{ fail "gen_estate"; finish; }
python3 - "$TMP/e/estate.jsonl" "$TMP/log.jsonl" <<'EOF'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
out = open(sys.argv[2], "w")
hostile = ['<script>alert("x")</script>', "a\"b'c&d<e>f", "&amp; &lt;/td>", "\u2028\u00e9\u4e2d\U0001F600",
           "tab\there\x01\x7f", "</svg><img src=http://canary.invalid/x>"]
for i, l in enumerate(lines):
    r = json.loads(l)
    # spread the records over five days, keep their order
    day = 1 + i * 5 // len(lines)
    r["time"] = "2026-11-%02d%s" % (day, r["time"][10:])
    out.write(json.dumps(r, separators=(",", ":")) + "\n")
    if r["event"] in (9005, 9010) and i % 97 == 0:
        h = hostile[(i // 97) % len(hostile)]
        r["user"] = h
        r["target_name" if r["direction"] == "incoming" else "target"] = "HTTP/" + h
        r["workstation"] = h
        r["process_exe"] = "/opt/" + h
        out.write(json.dumps(r, separators=(",", ":")) + "\n")
EOF
LOG=$TMP/log.jsonl
CAND=$TMP/e/candidate.conf

# diff: the first three days against the last three (new flows of every kind, flows gone)
python3 - "$LOG" "$TMP/old.jsonl" "$TMP/new.jsonl" <<'EOF'
import json, sys
old, new = open(sys.argv[2], "w"), open(sys.argv[3], "w")
for l in open(sys.argv[1]):
    day = int(json.loads(l)["time"][8:10])
    if day <= 3:
        old.write(l)
    if day >= 3:
        new.write(l)
EOF

for what in report simulate propose diff; do
	args=("$LOG")
	[ $what = simulate ] && args=(--policy "$CAND" "$LOG")
	[ $what = diff ] && args=("$TMP/old.jsonl" "$TMP/new.jsonl")
	sub=$what
	[ $what = propose ] && sub=propose-exceptions
	run audit $sub --json "${args[@]}"
	expect_ok "$what --json"
	printf '%s' "$OUT" >"$TMP/$what.json"
	run audit $sub --html "${args[@]}"
	expect_ok "$what --html"
	printf '%s\n' "$OUT" >"$TMP/$what.html"
	CHECKS=$((CHECKS + 1))
	grep -qi '<script' "$TMP/$what.html" && fail "$what: a <script in the page: $(grep -oi '.\{40\}<script.\{40\}' "$TMP/$what.html" | head -3)"
done
contains() {
	CHECKS=$((CHECKS + 1))
	[[ "$3" == *"$2"* ]] || fail "$1: '$2' not in: $3"
}
contains "report --json: the time series (schema 1.1, now 1.2)" '"schema":"ntlm-audit-report/1.2"' "$(cat "$TMP/report.json")"

# ---- the browser: does it start at all? -----------------------------------
printf '<!DOCTYPE html><html><head><link rel="stylesheet" href="http://canary.example/x.css">
</head><body><img src="https://canary2.example/x.png"><p id="control">control</p></body></html>\n' \
	>"$TMP/control.html"
browse control "$TMP/control.html" --dump-dom
if ! grep -q 'id="control"' "$TMP/control.dom"; then
	echo "SKIP: chromium does not start here: $(tail -3 "$TMP/control.err")" >&2
	exit 77
fi
# the control page's fetches are seen in the net log: the check below can see one
eq "control: the page's requests are in the net log" \
	"http://canary.example/x.css https://canary2.example/x.png" \
	"$(page_requests control | sort | xargs)"

for what in report simulate propose diff; do
	browse $what "$TMP/$what.html" --dump-dom
	CHECKS=$((CHECKS + 1))
	[ -s "$TMP/$what.dom" ] || fail "$what: no DOM from the browser: $(tail -3 "$TMP/$what.err")"
	eq "$what: no request made for the page" "" "$(page_requests $what)"
	# the DOM the browser built against --json, number by number
	CHECKS=$((CHECKS + 1))
	python3 "$HERE/audit_html_check.py" "$what" "$TMP/$what.dom" "$TMP/$what.json" \
		>"$TMP/$what.check" 2>&1 || fail "$what: the page and --json differ: $(cat "$TMP/$what.check")"
done

browse shot "$TMP/report.html" --screenshot="$TMP/report.png" --window-size=1000,1400
CHECKS=$((CHECKS + 1))
python3 - "$TMP/report.png" <<'EOF' || fail "report: the screenshot is not a drawn page"
import struct, sys, zlib
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", b[16:24])
assert (w, h) == (1000, 1400), (w, h)
# decode the IDAT and count distinct pixel bytes: a blank page has one or two
data, i = b"", 8
while i < len(b):
    n, = struct.unpack(">I", b[i:i + 4]); t = b[i + 4:i + 8]
    if t == b"IDAT": data += b[i + 8:i + 8 + n]
    i += 12 + n
raw = zlib.decompress(data)
assert len(set(raw[::97])) > 8, "a blank page"
EOF

finish
