#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ntlm audit on Windows events (docs/audit.md "Windows events"): the XML
# fixtures (wevtutil's one-event-per-line output, and a pretty-printed one
# with a BOM, a declaration and a root element) give exact flows, classes,
# outcomes and simulate's undecidable counts by fact; they are told apart
# from our JSON Lines without --format; .gz reads the same; a real .evtx
# (through evtxexport, no shell: names with shell syntax or a leading '-'
# are only names) gives its two NTLM logons; a missing converter and a
# failing one are clear errors; hostile XML (cut short, oversized event and
# token, a .gz bomb, DOCTYPE / entity bomb, undefined entity, invalid UTF-8,
# wrong nesting, an event inside an event, UTF-16, not events) is refused
# with file:line, reading what can be read, in bounded memory.
set -u
NTLM=${1:?usage: bash $0 /path/to/ntlm}
case $NTLM in /*) ;; *) NTLM=$PWD/$NTLM ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
FIX=$HERE/fixtures
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0

fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}
check() { # NAME RESULT: RESULT is OK or what went wrong
	[ "$2" = OK ] || fail "$1: $2"
}
# run NAME WANT_RC ARGS...: output in $TMP/out, stderr in $TMP/err
run() {
	local name=$1 want=$2
	shift 2
	"$NTLM" "$@" >"$TMP/out" 2>"$TMP/err"
	local rc=$?
	[ "$rc" = "$want" ] || fail "$name: exit $rc, want $want: $(head -c 400 "$TMP/err")"
}
err_has() { # NAME TEXT: stderr has TEXT
	grep -qF -- "$2" "$TMP/err" || fail "$1: stderr lacks '$2': $(head -c 400 "$TMP/err")"
}

# ---- the wevtutil fixture: report ---------------------------------------------
run "report xml" 0 audit report --json "$FIX/windows-wevtutil.xml"
cp "$TMP/out" "$TMP/report.json"
check "report xml" "$(python3 - "$TMP/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
key = lambda f: (f["direction"], f["client"], f["account"], f["target"], f["class"])
got = {key(f): (f["exchanges"], f["success"], f["audited"], f["blocked"], f["failed"]) for f in r["flows"]}
want = {
    ("incoming", "WKSTN7 (192.0.2.7)", "CORP\\alice", "FS01.corp.example", "NTLMv2"): (2, 2, 0, 0, 0),
    ("incoming", "OLDPC (192.0.2.20)", "CORP\\bob", "FS01.corp.example", "NTLMv1"): (1, 1, 0, 0, 0),
    ("incoming", "SCANNER1 (192.0.2.40)", "CORP\\svc-scan", "FS01.corp.example", "LM"): (1, 1, 0, 0, 0),
    ("incoming", "KIOSK (192.0.2.50)", "(anonymous)", "FS01.corp.example", "anonymous"): (1, 1, 0, 0, 0),
    ("incoming", "WKSTN7 (192.0.2.7)", "CORP\\WKSTN7$", "FS01.corp.example", "NTLMv2"): (1, 1, 0, 0, 0),
    ("incoming", "WKSTN8 (192.0.2.8)", "CORP\\dave", "FS01.corp.example", "none"): (1, 0, 0, 0, 1),
    ("incoming", "WKSTN9 (192.0.2.9)", "CORP\\erin", "FS01.corp.example", "none"): (1, 0, 0, 1, 0),
    ("incoming", "WKSTN10", "frank", "-", "none"): (2, 1, 0, 0, 1),
    ("outgoing", "C:\\Windows\\explorer.exe", "CORP\\alice", "cifs/files.corp.example", "none"): (2, 0, 2, 0, 0),
    ("outgoing", "C:\\Program Files\\App\\app.exe", "CORP\\alice", "HTTP/web.corp.example", "none"): (1, 0, 0, 1, 0),
    ("incoming", "-", "-", "FS01.corp.example", "none"): (1, 0, 1, 0, 0),
    ("incoming", "WKSTN11", "CORP\\gina", "FS01.corp.example", "none"): (1, 0, 1, 0, 0),
    ("incoming", "WKSTN12", "CORP\\hank", "FS01", "none"): (1, 0, 1, 0, 0),
    ("incoming", "WKSTN13", "CORP\\ivan", "FS01", "none"): (1, 0, 0, 1, 0),
}
classes = {"LM": 1, "NTLMv1": 1, "NTLMv1-ESS": 0, "NTLMv2": 3, "anonymous": 1, "none": 11, "unknown": 0}
alice = [f for f in r["flows"] if key(f) == list(want)[0]]
if (r["records"], r["exchanges"], r["refused"]) != (17, 17, 0):
    print("records/exchanges/refused %d/%d/%d, want 17/17/0" % (r["records"], r["exchanges"], r["refused"]))
elif got != want:
    print("flows differ: %s" % sorted(set(got.items()) ^ set(want.items()))[:4])
elif r["classes"] != classes:
    print("classes %s" % r["classes"])
elif (alice[0]["first_seen"], alice[0]["last_seen"]) != ("2026-11-02T08:00:01.1234567Z", "2026-11-02T09:30:00.0000000Z"):
    print("first/last seen %s %s" % (alice[0]["first_seen"], alice[0]["last_seen"]))
else:
    print("OK")
PY
)"

# machine and anonymous filters apply to Windows accounts too
run "report filters" 0 audit report --json --exclude-machine --exclude-anonymous "$FIX/windows-wevtutil.xml"
check "report filters" "$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print("OK" if (r["exchanges"], r["excluded"]) == (15, {"anonymous": 1, "machine": 1}) else "%s %s" % (r["exchanges"], r["excluded"]))
' "$TMP/out")"

# ---- simulate: decided where the events say enough, undecidable by fact ---------
printf '[Lsa]\nLmCompatibilityLevel = 5\n[MSV1_0]\nRestrictSendingNTLMTraffic = 2\nClientAllowedNTLMServers = files.corp.example\n' >"$TMP/cand.conf"
run "simulate xml" 0 audit simulate --json --policy "$TMP/cand.conf" "$FIX/windows-wevtutil.xml"
check "simulate xml" "$(python3 - "$TMP/out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
by = {k: (v["exchanges"], v["flows"]) for k, v in r["by_setting"].items()}
und = {k: (v["exchanges"], v["flows"]) for k, v in r["undecidable_by_fact"].items()}
deny = sorted((f["account"], f["class"], f["setting"]) for f in r["flows"] if f["candidate"] == "deny")
want_und = {"offered,flags,response_type,domain_account,channel_bindings,mic": (8, 7),
            "offered,flags,domain_account,channel_bindings,mic": (3, 2),
            "flags": (2, 1)}
if (r["newly_denied"], r["newly_denied_flows"]) != (3, 3):
    print("newly denied %d in %d flows, want 3 in 3" % (r["newly_denied"], r["newly_denied_flows"]))
elif by != {"AllowAnonymous": (1, 1), "LmCompatibilityLevel": (2, 2)}:
    print("by setting %s" % by)
elif deny != [("(anonymous)", "anonymous", "AllowAnonymous"),
              ("CORP\\alice", "none", "RestrictSendingNTLMTraffic"),
              ("CORP\\bob", "NTLMv1", "LmCompatibilityLevel"),
              ("CORP\\svc-scan", "LM", "LmCompatibilityLevel")]:
    print("denied flows %s" % deny)
elif (r["undecidable"], r["undecidable_flows"]) != (13, 10) or und != want_und:
    print("undecidable %d in %d flows, by fact %s" % (r["undecidable"], r["undecidable_flows"], und))
else:
    print("OK")
PY
)"

# ---- the NTLM/Operational events, one at a time (fixtures/README.md) -------------
# Each event of windows-ntlm-operational.xml alone gives one exchange whose
# flow says what the event's fields (the manifests' names) give; the rest is
# unknown ("-", class "none"), never guessed: 4010 / 4011 name no target and
# no account, 4020-4025 have no field whose name a source gives.
O=$FIX/windows-ntlm-operational.xml
run "operational" 0 audit report --json "$O"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit((r["records"], r["refused"], r["exchanges"]) != (14, 0, 14))' "$TMP/out" ||
	fail "operational: not 14 events read as 14 exchanges"
n=0
while IFS='|' read -r id want; do
	n=$((n + 1))
	sed -n "${n}p" "$O" >"$TMP/one.xml"
	grep -q "<EventID>$id</EventID>" "$TMP/one.xml" || fail "operational: line $n is not event $id"
	run "event $id" 0 audit report --json "$TMP/one.xml"
	got=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(";".join("%s,%s,%s,%s,%s,%s" % (f["direction"], f["client"], f["account"], f["target"], f["class"],
      "/".join(str(f[k]) for k in ("success", "audited", "blocked", "failed"))) for f in r["flows"]))' "$TMP/out")
	[ "$got" = "$want" ] || fail "event $id: flow '$got', want '$want'"
done <<'EOF_EVENTS'
8005|incoming,WKSTN21,CORP\carol,FS01,none,0/1/0/0
8006|incoming,WKSTN22,CORP\dan,FS01,none,0/1/0/0
4005|incoming,WKSTN23,CORP\erin,FS01,none,0/0/1/0
4006|incoming,WKSTN24,CORP\finn,FS01,none,0/0/1/0
4010|outgoing,C:\Windows\System32\svchost.exe,-,-,none,0/0/1/0
4011|incoming,-,-,FS01.corp.example,none,0/0/1/0
4012|outgoing,-,alice,-,none,0/1/0/0
4013|outgoing,C:\Windows\explorer.exe,CORP\bob,cifs/nas.corp.example,NTLMv1,0/0/1/0
4020|outgoing,-,-,-,none,0/1/0/0
4021|outgoing,-,-,-,none,0/1/0/0
4022|incoming,-,-,FS01.corp.example,none,0/1/0/0
4023|incoming,-,-,FS01.corp.example,none,0/1/0/0
4024|outgoing,-,-,-,none,0/1/0/0
4025|outgoing,-,-,-,none,0/0/1/0
EOF_EVENTS
[ "$n" = 14 ] || fail "operational: $n events checked, want 14"
# a candidate on the minimum session security: no event gives the negotiated
# flags (4010 / 4011 give flags that no source says are the NEGOTIATE flag
# word), so every verdict is undecidable, counted by the facts it lacks
printf '[MSV1_0]\nNtlmMinClientSec = 0x20080000\nNtlmMinServerSec = 0x20080000\n' >"$TMP/minsec.conf"
run "operational simulate" 0 audit simulate --json --policy "$TMP/minsec.conf" "$O"
check "operational simulate" "$(python3 - "$TMP/out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
und = {k: (v["exchanges"], v["flows"]) for k, v in r["undecidable_by_fact"].items()}
want = {"target,flags": (6, 3), "flags": (1, 1),
        "offered,flags,response_type,domain_account,channel_bindings,mic": (7, 5)}
print("OK" if (r["exchanges"], r["undecidable"], r["undecidable_flows"], r["newly_denied"], und) == (14, 14, 9, 0, want)
      else "exchanges %s undecidable %s by fact %s" % (r["exchanges"], r["undecidable"], und))
PY
)"

# ---- detection, --format, BOM + declaration + root, .gz ---------------------------
run "pretty" 0 audit report --json "$FIX/windows-events.xml"
check "pretty" "$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
c = r["classes"]
print("OK" if (r["records"], c["NTLMv2"], c["NTLMv1"], c["none"], len(r["flows"])) == (3, 1, 1, 1, 3) else "%s" % r)
' "$TMP/out")"
run "format named" 0 audit report --json --format windows-xml "$FIX/windows-wevtutil.xml"
cmp -s "$TMP/out" "$TMP/report.json" || fail "format named: not the detected report"
run "format wrong" 2 audit report --json --format ntlm-jsonl "$FIX/windows-wevtutil.xml"
err_has "format wrong" "windows-wevtutil.xml:1:"
gzip -c "$FIX/windows-wevtutil.xml" >"$TMP/w.xml.gz"
run "gz" 0 audit report --json "$TMP/w.xml.gz"
check "gz" "$(python3 -c '
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
a.pop("files"); b.pop("files")
print("OK" if a == b else "differs")
' "$TMP/out" "$TMP/report.json")"
# our JSON Lines and Windows XML in one run
printf '{"event":9005,"direction":"incoming","outcome":"success","time":"2026-11-02T10:00:00Z","user":"zed","domain":"CORP","workstation":"W1","target":"FS01.corp.example","response_type":"NTLMv2"}\n' >"$TMP/ours.jsonl"
run "mixed" 0 audit report --json "$TMP/ours.jsonl" "$FIX/windows-wevtutil.xml"
check "mixed" "$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print("OK" if (r["records"], r["classes"]["NTLMv2"]) == (18, 4) else "%s" % r["classes"])
' "$TMP/out")"

# ---- .evtx through evtxexport ------------------------------------------------------
if command -v evtxexport >/dev/null; then
	run "evtx" 0 audit report --json "$FIX/windows-security.evtx"
	cp "$TMP/out" "$TMP/evtx.json"
	check "evtx" "$(python3 - "$TMP/evtx.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
got = sorted((f["direction"], f["client"], f["account"], f["target"], f["class"], f["exchanges"], f["success"],
              f["first_seen"]) for f in r["flows"])
want = [("incoming", "-", "(anonymous)", "37L4247F27-25", "anonymous", 1, 1, "2016-07-08T18:12:55.269647100Z"),
        ("incoming", "-", "(anonymous)", "WIN-03DLIIOFRRA", "anonymous", 1, 1, "2016-07-08T18:15:45.853623400Z")]
print("OK" if (r["records"], r["refused"], got) == (2, 0, want) else "%d records, %d refused, %s" % (r["records"], r["refused"], got))
PY
)"
	gzip -c "$FIX/windows-security.evtx" >"$TMP/s.evtx.gz"
	run "evtx gz" 0 audit report --json "$TMP/s.evtx.gz"
	check "evtx gz" "$(python3 -c '
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
a.pop("files"); b.pop("files")
print("OK" if a == b else "differs")
' "$TMP/out" "$TMP/evtx.json")"
	# no shell between us and the converter: a name with shell syntax, and one
	# that looks like an option, are only names
	mkdir -p "$TMP/names" && cd "$TMP/names" || exit 1
	cp "$FIX/windows-security.evtx" 'x; touch pwned $(touch pwned2).evtx'
	cp "$FIX/windows-security.evtx" -- '-h.evtx'
	run "evtx names" 0 audit report --json -- 'x; touch pwned $(touch pwned2).evtx' -h.evtx
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(r["records"] != 4)' "$TMP/out" ||
		fail "evtx names: not 2 x 2 records"
	[ ! -e pwned ] && [ ! -e pwned2 ] || fail "evtx names: a shell ran the name"
	cd "$HERE" || exit 1
	# a broken .evtx: the converter's own message, then its exit status
	{ printf 'ElfFile\0'; head -c 5000 /dev/zero | tr '\0' 'x'; } >"$TMP/bad.evtx"
	run "evtx broken" 2 audit report "$TMP/bad.evtx"
	err_has "evtx broken" "bad.evtx: evtxexport exited with status 1"
	err_has "evtx broken" "unable to open"
else
	fail "evtxexport is not installed (Debian package libevtx-utils; scripts/install-deps.sh test)"
fi
mkdir -p "$TMP/nobin"
PATH=$TMP/nobin "$NTLM" audit report "$FIX/windows-security.evtx" >/dev/null 2>"$TMP/err"
[ $? = 2 ] || fail "no converter: exit status"
err_has "no converter" "windows-security.evtx: .evtx files are read through evtxexport, which is not installed (Debian package libevtx-utils)"

# ---- hostile XML ----------------------------------------------------------------------
W=$FIX/windows-wevtutil.xml
ev() { sed -n "${1}p" "$W"; } # one event of the fixture (a line each)

# cut short inside the last event: the events before it are read
{ head -n 3 "$W"; ev 4 | head -c 700; } >"$TMP/cut.xml"
run "cut" 2 audit report --json "$TMP/cut.xml"
err_has "cut" "cut.xml:4: XML: "
err_has "cut" "the stream ends inside the <Event> of line 4: cut short?"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(r["records"] != 3)' "$TMP/out" ||
	fail "cut: the 3 whole events not read"

# an event over 64 KiB is refused, the next ones are read; memory stays bounded
python3 - "$W" "$TMP/big.xml" "$TMP/token.xml" <<'PY'
import sys
lines = open(sys.argv[1], newline="").read().split("\r\n")
big = lines[0].replace('<Data Name=\'IpPort\'>49712</Data>', "<Data Name='IpPort'>" + "9" * (8 << 20) + "</Data>")
open(sys.argv[2], "w").write("\n".join([lines[1], big, lines[2]]) + "\n")
tok = lines[0].replace("<Data Name='IpPort'>", "<Data Name='IpPort' x='" + "y" * (8 << 20) + "'>")
open(sys.argv[3], "w").write("\n".join([lines[1], tok, lines[2]]) + "\n")
PY
rss() { # FILE: peak RSS of ntlm audit report on FILE, in KiB
	python3 -c '
import resource, subprocess, sys
subprocess.run([sys.argv[1], "audit", "report", sys.argv[2]], stdout=subprocess.DEVNULL, stderr=open(sys.argv[3], "w"))
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$NTLM" "$1" "$TMP/err"
}
kb=$(rss "$TMP/big.xml")
err_has "oversized event" "big.xml:2: event longer than 65536 bytes"
[ "$kb" -lt 65536 ] || fail "oversized event: peak RSS $kb KiB for an 8 MiB event"
run "oversized event" 2 audit report --json "$TMP/big.xml"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit((r["records"], r["refused"]) != (2, 1))' "$TMP/out" ||
	fail "oversized event: the events around it not read"
kb=$(rss "$TMP/token.xml")
err_has "oversized token" "token.xml:2: an XML token longer than 1048576 bytes"
[ "$kb" -lt 65536 ] || fail "oversized token: peak RSS $kb KiB for an 8 MiB attribute"

# a decompression bomb: an event, then 10 GiB (once inflated) of blanks in a
# 10 MB .gz; given up after 256 MiB with no event in them, in bounded memory
python3 - "$W" "$TMP/bomb.xml.gz" <<'PY'
import gzip, sys
first = open(sys.argv[1], newline="").read().split("\r\n")[0]
blanks = gzip.compress(b" " * (64 << 20), 9)  # gzip members follow one another
with open(sys.argv[2], "wb") as f:
    f.write(gzip.compress(("<Events>" + first + "\n").encode()))
    for _ in range(160):
        f.write(blanks)
PY
start=$(date +%s)
kb=$(rss "$TMP/bomb.xml.gz")
err_has "gz bomb" "bomb.xml.gz:2: 256 MiB read with no whole <Event> in them: giving up on this stream"
[ "$kb" -lt 65536 ] || fail "gz bomb: peak RSS $kb KiB"
[ $(($(date +%s) - start)) -lt 60 ] || fail "gz bomb: more than 60 s"

# no DTD: a billion laughs is refused at its declaration, nothing expanded
cat >"$TMP/lol.xml" <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE Events [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
]>
<Events><Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><EventID>4624</EventID></System><EventData><Data Name="TargetUserName">&f;</Data></EventData></Event></Events>
EOF
run "entity bomb" 2 audit report "$TMP/lol.xml"
err_has "entity bomb" "lol.xml:2: a document type or entity declaration is refused: no DTD is read and no entity is expanded"
{ ev 1 | sed "s/>alice</>\&lol;</"; } >"$TMP/ent.xml"
run "undefined entity" 2 audit report "$TMP/ent.xml"
err_has "undefined entity" "ent.xml:1: XML: undefined entity"

# invalid UTF-8, wrong nesting, an event inside an event
{ ev 1; ev 2 | sed 's/>alice</>al\xff\xfeice</'; ev 3; } >"$TMP/utf8.xml"
run "invalid utf-8" 2 audit report --json "$TMP/utf8.xml"
err_has "invalid utf-8" "utf8.xml:2: XML: not well-formed (invalid token) (in the <Event> of line 2)"
{ ev 1; ev 2 | sed 's#</System>#</EventData></System>#'; } >"$TMP/nest.xml"
run "wrong nesting" 2 audit report "$TMP/nest.xml"
err_has "wrong nesting" "nest.xml:2: XML: mismatched tag"
{ ev 1 | sed "s#<EventData>#<EventData>$(ev 3 | sed 's/[&#\\]/\\&/g')#"; ev 2; } >"$TMP/inner.xml"
run "event in event" 2 audit report --json "$TMP/inner.xml"
err_has "event in event" "inner.xml:1: an <Event> inside an <Event>"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit((r["records"], r["refused"]) != (1, 1))' "$TMP/out" ||
	fail "event in event: the next event not read"

# UTF-16 (PowerShell's redirection), and XML that is not events
printf '\xff\xfe<\0E\0v\0' >"$TMP/u16.xml"
run "utf-16" 2 audit report "$TMP/u16.xml"
err_has "utf-16" "u16.xml:1: UTF-16 text: ntlm audit reads the XML as UTF-8"
printf '<?xml version="1.0"?>\n\n<html><body/></html>\n' >"$TMP/html.xml"
run "not events" 2 audit report "$TMP/html.xml"
err_has "not events" "html.xml:3: <html>: not a Windows event"
printf '\n\n<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><EventID>4x</EventID></System></Event>\n' >"$TMP/id.xml"
run "bad id" 2 audit report "$TMP/id.xml"
err_has "bad id" "id.xml:3: <EventID>: not an event number"

[ "$fails" = 0 ] && echo "audit windows: all checks passed"
exit $((fails > 0))
