#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ntlm audit on the other log formats (docs/audit.md "Inputs"): each fixture
# of tests/audit/fixtures (README there: where each comes from) through
# report --json and simulate --json, with exact numbers; auto-detection and
# --format; a gzip copy; hostile lines refused with file:line while the
# good ones are still read.
set -u
source "$(dirname "$0")/../cli/lib.bash"
FIX=$(cd "$(dirname "$0")" && pwd)/fixtures

# json_get FILE EXPR: a Python expression over the document d.
json_get() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"
}

contains() {
	CHECKS=$((CHECKS + 1))
	[[ "$3" == *"$2"* ]] || fail "$1: '$2' not in: $3"
}

# report NAME FILE [ARGS...]: report --json into $TMP/NAME.json, exit 0
report() {
	local name=$1 file=$2
	shift 2
	run audit report --json "$@" "$file"
	expect_ok "report $name"
	printf '%s' "$OUT" >"$TMP/$name.json"
}

# flows FILE: the flows of a report, one line each, sorted
flows() {
	json_get "$1" '"\n".join(sorted("%s|%s|%s|%s|%s|%d|%d|%d|%d|%s|%s" % (f["direction"], f["client"], f["account"], f["target"], f["class"], f["exchanges"], f["success"], f["blocked"], f["failed"], f["first_seen"], f["last_seen"]) for f in d["flows"]))'
}

# hostile LABEL KEY FILE FORMAT RECORDS REFUSED [ARGS...]: report --json of a file
# with hostile records (ARGS before it) exits 2, reads it as FORMAT, keeps its
# RECORDS good records and refuses REFUSED; the output in $TMP/KEY.json
hostile() {
	local label=$1 key=$2 file=$3 format=$4 records=$5 refused=$6
	shift 6
	run audit report --json "$@" "$file"
	eq "$label: exit 2" 2 "$RC"
	printf '%s' "$OUT" >"$TMP/$key.json"
	eq "$label: format" "['$format']" "$(json_get "$TMP/$key.json" 'd["formats"]')"
	eq "$label: good records still read" "$records" "$(json_get "$TMP/$key.json" 'd["records"]')"
	eq "$label: refused" "$refused" "$(json_get "$TMP/$key.json" 'd["refused"]')"
}

cat >"$TMP/cand.conf" <<'EOF'
[Lsa]
LmCompatibilityLevel = 5
[MSV1_0]
RestrictSendingNTLMTraffic = 2
ClientAllowedNTLMServers = web.corp.example
EOF

# ---- our records inside syslog and the journal --------------------------------
# The same 22 records (11 of ntlm server, 11 of its clients: 10 exchanges in
# 4 flows) as JSON Lines, as a syslog daemon and journalctl write them.
report jsonl "$FIX/ntlm.jsonl"
eq "jsonl: format" "['ntlm-jsonl']" "$(json_get "$TMP/jsonl.json" 'd["formats"]')"
eq "jsonl: exchanges" 10 "$(json_get "$TMP/jsonl.json" 'd["exchanges"]')"
eq "jsonl: classes" "{'LM': 0, 'NTLMv1': 0, 'NTLMv1-ESS': 2, 'NTLMv2': 8, 'anonymous': 0, 'none': 0, 'unknown': 0}" \
	"$(json_get "$TMP/jsonl.json" 'd["classes"]')"
want_flows=$(flows "$TMP/jsonl.json")
eq "jsonl: 4 flows" 4 "$(printf '%s\n' "$want_flows" | wc -l)"
contains "jsonl: the failed logon" "incoming|VM (127.0.0.1)|CORP\\alice|HTTP/web.corp.example|NTLMv2|4|3|0|1|" \
	"$want_flows"
run audit simulate --json --policy "$TMP/cand.conf" "$FIX/ntlm.jsonl"
expect_ok "simulate jsonl"
printf '%s' "$OUT" >"$TMP/jsonl.sim.json"
eq "jsonl: newly denied" 2 "$(json_get "$TMP/jsonl.sim.json" 'd["newly_denied"]')"
eq "jsonl: undecidable" 0 "$(json_get "$TMP/jsonl.sim.json" 'd["undecidable"]')"

# name records other format
for t in "syslog-rfc3164 22 syslog" "syslog-rfc5424 22 syslog" "journal-short-iso 22 syslog" \
	"journal 23 journal-json" "journal-export 23 journal-export"; do
	set -- $t
	f=$(ls "$FIX/$1".*)
	report "$1" "$f"
	eq "$1: format" "['$3']" "$(json_get "$TMP/$1.json" 'd["formats"]')"
	eq "$1: records" "$2" "$(json_get "$TMP/$1.json" 'd["records"]')"
	eq "$1: nothing refused" 0 "$(json_get "$TMP/$1.json" 'd["refused"]')"
	eq "$1: exchanges" 10 "$(json_get "$TMP/$1.json" 'd["exchanges"]')"
	eq "$1: the same flows as the JSON Lines" "$want_flows" "$(flows "$TMP/$1.json")"
	run audit simulate --json --policy "$TMP/cand.conf" "$f"
	expect_ok "simulate $1"
	printf '%s' "$OUT" >"$TMP/$1.sim.json"
	eq "$1: simulate as the JSON Lines" \
		"$(json_get "$TMP/jsonl.sim.json" '(d["newly_denied"], d["newly_denied_flows"], d["undecidable"], d["by_setting"])')" \
		"$(json_get "$TMP/$1.sim.json" '(d["newly_denied"], d["newly_denied_flows"], d["undecidable"], d["by_setting"])')"
	# named instead of detected: the same; named wrong: every line refused
	report "$1-named" "$f" --format "$3"
	eq "$1: --format $3" "$want_flows" "$(flows "$TMP/$1-named.json")"
	run audit report --json --format ntlm-jsonl "$f"
	eq "$1: --format ntlm-jsonl: exit 2" 2 "$RC"
	eq "$1: --format ntlm-jsonl: no records" 0 "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["records"])')"
done
# the journal's entry that came through the syslog socket (no NTLM_EVENT_ID)
eq "journal: 13 records not an exchange's last (one came through the syslog socket)" 13 \
	"$(json_get "$TMP/journal.json" 'd["other_records"]')"
eq "journal-export: the same 13" 13 "$(json_get "$TMP/journal-export.json" 'd["other_records"]')"

# gzip: the same
gzip -c "$FIX/syslog-rfc3164.log" >"$TMP/syslog.log.gz"
report syslog-gz "$TMP/syslog.log.gz"
eq "syslog gzip: format" "['syslog']" "$(json_get "$TMP/syslog-gz.json" 'd["formats"]')"
eq "syslog gzip: same flows" "$want_flows" "$(flows "$TMP/syslog-gz.json")"
gzip -c "$FIX/journal.json" >"$TMP/journal.json.gz"
report journal-gz "$TMP/journal.json.gz"
eq "journal gzip: same flows" "$want_flows" "$(flows "$TMP/journal-gz.json")"
gzip -c "$FIX/journal-export.txt" >"$TMP/journal-export.gz"
report journal-export-gz "$TMP/journal-export.gz"
eq "journal export gzip: format" "['journal-export']" "$(json_get "$TMP/journal-export-gz.json" 'd["formats"]')"
eq "journal export gzip: same flows" "$want_flows" "$(flows "$TMP/journal-export-gz.json")"

# a syslog file with 300 MiB of other programs' lines before our record is a log,
# not a bomb: read to its end (the 256 MiB limit counts lines refused or blank)
python3 - "$TMP/big-syslog.log.gz" "$(sed -n 10p "$FIX/syslog-rfc3164.log")" <<'PY'
import gzip, sys
line = b"Dec  3 14:16:20 vm sshd[812]: Accepted publickey for admin from 192.0.2.50 port 50522 ssh2\n"
chunk = line * (1 << 16)
with gzip.open(sys.argv[1], "wb", compresslevel=1) as f:
    for _ in range((300 << 20) // len(chunk) + 1):
        f.write(chunk)
    f.write(sys.argv[2].encode() + b"\n")
PY
run audit report --json "$TMP/big-syslog.log.gz"
expect_ok "300 MiB of other lines, then ours"
eq "300 MiB of other lines: our record read" 1 "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["records"])')"
rm -f "$TMP/big-syslog.log.gz"

# several formats in one run
run audit report --json "$FIX/syslog-rfc5424.log" "$FIX/journal.json" "$FIX/ntlm.jsonl"
expect_ok "mixed formats"
printf '%s' "$OUT" >"$TMP/mixed.json"
eq "mixed: formats" "['syslog', 'journal-json', 'ntlm-jsonl']" "$(json_get "$TMP/mixed.json" 'd["formats"]')"
eq "mixed: exchanges" 30 "$(json_get "$TMP/mixed.json" 'd["exchanges"]')"
eq "mixed: flows" 4 "$(json_get "$TMP/mixed.json" 'len(d["flows"])')"

# ---- hostile syslog lines ---------------------------------------------------------
REC=$(sed -n 2p "$FIX/ntlm.jsonl") # a 9005
{
	printf 'Dec  3 14:16:25 vm ntlm-server[1]: %s\n' "$REC"                         # 1 good
	printf 'Dec  3 14:16:25 vm ntlm-server[1]: %s\n' "${REC:0:300}"                  # 2 cut
	printf 'Dec  3 14:16:25 vm ntlm-server[1]: %s\n' "${REC/\"event\":9005/\"event\":\"9005\"}" # 3 type
	printf 'Dec  3 14:16:25 vm ntlm-server[1]: {"event":9005,"user":"\xc3\x28"}\n'   # 4 UTF-8
	printf 'not a syslog line at all\n'                                              # 5
	python3 -c 'print("Dec  3 14:16:25 vm ntlm-server[1]: {\"event\":9005,\"user\":\"" + "a" * 70000 + "\"}")' # 6 oversized
	printf '<999>1 2026-12-03T14:16:25Z vm x - - - {"event":1}\n'                   # 7 bad PRI
	printf '<13>1 2026-12-03T14:16:25Z vm ntlm 1 - [unclosed x="]" %s\n' "$REC"       # 8 bad SD
	printf 'Dec  3 14:16:25 vm ntlm-server[1]: %s\n' "$REC"                         # 9 good
	printf 'Dec  3 14:16:25 vm sshd[2]: {"event" but not JSON\n'                      # 10 cut, ours by its start
} >"$TMP/hostile.log"
hostile "hostile syslog" hostile "$TMP/hostile.log" syslog 2 8 --format syslog
contains "hostile syslog: cut" "hostile.log:2: column 336:" "$ERR"
contains "hostile syslog: type" 'hostile.log:3: the record (from column 36): "event": expected an event id' "$ERR"
contains "hostile syslog: UTF-8" "hostile.log:4: column" "$ERR"
contains "hostile syslog: not syslog" "hostile.log:5: not a syslog line" "$ERR"
contains "hostile syslog: oversized" "hostile.log:6: line longer than" "$ERR"
contains "hostile syslog: PRI" "hostile.log:7: not a syslog line" "$ERR"
contains "hostile syslog: SD" "hostile.log:8: not a syslog line" "$ERR"
contains "hostile syslog: cut, ours" "hostile.log:10: column" "$ERR"

# ---- hostile journal entries --------------------------------------------------------
python3 - "$FIX/journal.json" >"$TMP/hostile-journal.json" <<'PY'
import json, sys
ours = [json.loads(l) for l in open(sys.argv[1]) if '"NTLM_EVENT_ID"' in l]
good = ours[1]                          # a 9005
rec = good["MESSAGE"]
def line(d): print(json.dumps(d, separators=(",", ":")))
line(good)                              # 1 good
d = dict(good); d["MESSAGE"] = list(rec.encode()); line(d)           # 2 bytes: good
d = dict(good); d["MESSAGE"] = None; line(d)                          # 3 null (over 4096)
d = dict(good); d["MESSAGE"] = list(rec[:200].encode()); line(d)      # 4 bytes, cut
d = dict(good); d["NTLM_EVENT_ID"] = "9004"; line(d)                  # 5 id mismatch
d = dict(good); d["NTLM_EVENT_ID"] = 9005; line(d)                    # 6 wrong type
d = dict(good); d["MESSAGE"] = [300, 1]; line(d)                      # 7 not bytes
print(json.dumps(good)[:500])                                         # 8 cut
d = dict(good); d["MESSAGE"] = list(rec.replace('"user":"alice"', '"user":"\xff"').encode("latin-1")); line(d)  # 9 invalid UTF-8
d = {"__CURSOR": "x", "MESSAGE": [104, 105], "SYSLOG_IDENTIFIER": "other"}; line(d)  # 10 not ours: skipped
d = {"__CURSOR": "x", "MESSAGE": ["a", "b"]}; line(d)                 # 11 repeated field, not ours: skipped
PY
hostile "hostile journal" hj "$TMP/hostile-journal.json" journal-json 2 7
contains "hostile journal: null" 'hostile-journal.json:3: "MESSAGE" is null: journalctl writes a field longer than 4096 bytes as null unless given --all' "$ERR"
contains "hostile journal: cut bytes" 'hostile-journal.json:4: the record in "MESSAGE": column' "$ERR"
contains "hostile journal: mismatch" 'hostile-journal.json:5: "NTLM_EVENT_ID" 9004 is not the record'"'"'s event 9010' "$ERR"
contains "hostile journal: type" 'hostile-journal.json:6: "NTLM_EVENT_ID": expected a string' "$ERR"
contains "hostile journal: not bytes" 'hostile-journal.json:7: "MESSAGE": expected a string or an array of bytes' "$ERR"
contains "hostile journal: cut" "hostile-journal.json:8: column" "$ERR"
contains "hostile journal: UTF-8" 'hostile-journal.json:9: the record in "MESSAGE": column' "$ERR"

# ---- hostile journal export entries ---------------------------------------------------
# The generator writes the file and, per refused entry, "LINE|the error's start".
python3 - "$FIX/journal-export.txt" "$TMP/hostile-export.txt" >"$TMP/hostile-export.want" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
ours = [e for e in data.split(b"\n\n") if b"\nNTLM_EVENT_ID=9005\n" in e]
good = ours[0] + b"\n\n"                  # a 9005, every field text
rec = [l for l in ours[0].split(b"\n") if l.startswith(b"MESSAGE=")][0][8:]
out = bytearray()
want = []
def line():                               # the line the next byte is on
    return out.count(b"\n") + 1
def binary(k, v, n=None):
    return k + b"\n" + struct.pack("<Q", len(v) if n is None else n) + v + b"\n"
def entry(*fields, err=None, at=0):
    if err:
        want.append("%d|%s" % (line() + at, err))
    for f in fields:
        out.extend(f if f.endswith(b"\n") else f + b"\n")
    out.extend(b"\n")
head = b"__CURSOR=s=1;i=1\n__REALTIME_TIMESTAMP=1796307408975650\nSYSLOG_IDENTIFIER=ntlm-server"
out.extend(good)                                                    # good
entry(head, binary(b"MESSAGE", rec), b"NTLM_EVENT_ID=9005")          # good: binary MESSAGE
entry(head, b"NTLM_EVENT_ID=9005", err='"MESSAGE": missing')         # no MESSAGE
entry(head, b"MESSAGE=" + rec, b"NTLM_EVENT_ID=9004", at=3,
      err='"NTLM_EVENT_ID" 9004 is not the record\'s event 9005')    # mismatch
entry(head, binary(b"MESSAGE", rec[:200]), b"NTLM_EVENT_ID=9005", at=3,
      err='the record in "MESSAGE": column')                       # cut record
entry(head, binary(b"MESSAGE", b"xy", 1 << 62), b"NTLM_EVENT_ID=9005", at=3,
      err="binary field MESSAGE: a length of 4611686018427387904 bytes")  # huge length
entry(head, binary(b"MESSAGE", rec, len(rec) - 5), b"NTLM_EVENT_ID=9005", at=3,
      err="binary field MESSAGE: no newline after its")            # wrong length
entry(head, b"lower=case", b"MESSAGE=" + rec, at=3,
      err="not a field of a journal export")                       # bad name
entry(head, b"BIG=" + b"x" * 70000, b"MESSAGE=" + rec, at=3,
      err="line longer than")                                      # oversized field
entry(head, binary(b"MESSAGE", b"two\nlines\n\nand a blank one"),
      b"SYSLOG_IDENTIFIER=other")                                   # not ours: skipped
entry(head, b"MESSAGE=" + rec, b"MESSAGE=" + rec, b"NTLM_EVENT_ID=9005", at=4,
      err='"MESSAGE" given more than once')                        # twice
entry(head, b"MESSAGE=" + rec, b"NTLM_EVENT_ID=9005", b"NTLM_EVENT_ID=9005", at=3,
      err='"NTLM_EVENT_ID" given more than once')
out.extend(good)                                                    # good
want.append("%d|%s" % (line() + 3, "binary field MESSAGE cut short: 1000 bytes announced"))
out.extend(head + b"\n" + b"MESSAGE\n" + struct.pack("<Q", 1000) + rec[:100])  # cut at the end
open(sys.argv[2], "wb").write(out)
print("\n".join(want))
PY
hostile "hostile export" he "$TMP/hostile-export.txt" journal-export 3 10
while IFS='|' read -r l msg; do
	contains "hostile export: line $l" "hostile-export.txt:$l: $msg" "$ERR"
done <"$TMP/hostile-export.want"

# ---- Zeek ntlm.log ---------------------------------------------------------------
# 7 exchanges (tests/audit/fixtures/README.md): alice 2 ok + 1 failed, WS01$ ok, an
# LDAP logon with no result (as Zeek's own baseline), a NEGOTIATE alone, an anonymous-
# looking one over IPv6. Zeek has no class: "unknown" (or "none" with no AUTHENTICATE).
zeek_flows='incoming|192.0.2.12|CORP.EXAMPLE\User1|192.0.2.6|unknown|1|0|0|0|2026-12-03T12:17:20.000001Z|2026-12-03T12:17:20.000001Z
incoming|192.0.2.13|-|files.corp.example|none|1|0|0|0|2026-12-03T12:18:20.750000Z|2026-12-03T12:18:20.750000Z
incoming|KIOSK (2001:db8::14)|-|files.corp.example|unknown|1|1|0|0|2026-12-03T12:19:20.500000Z|2026-12-03T12:19:20.500000Z
incoming|WKSTN7 (192.0.2.10)|CORP\alice|files.corp.example|unknown|3|2|0|1|2026-12-03T12:13:20.123456Z|2026-12-03T12:15:20.250000Z
incoming|WS01 (192.0.2.11)|CORP\WS01$|files.corp.example|unknown|1|1|0|0|2026-12-03T12:16:20.000000Z|2026-12-03T12:16:20.000000Z'
printf '[MSV1_0]\nRestrictReceivingNTLMTraffic = 2\n' >"$TMP/denyin.conf"
for t in "zeek-ntlm.log zeek-ntlm" "zeek-ntlm.json zeek-ntlm-json"; do
	set -- $t
	report "$2" "$FIX/$1"
	eq "$2: format" "['$2']" "$(json_get "$TMP/$2.json" 'd["formats"]')"
	eq "$2: records" 7 "$(json_get "$TMP/$2.json" 'd["records"]')"
	eq "$2: nothing refused" 0 "$(json_get "$TMP/$2.json" 'd["refused"]')"
	eq "$2: flows" "$zeek_flows" "$(flows "$TMP/$2.json")"
	eq "$2: classes" "{'LM': 0, 'NTLMv1': 0, 'NTLMv1-ESS': 0, 'NTLMv2': 0, 'anonymous': 0, 'none': 1, 'unknown': 6}" \
		"$(json_get "$TMP/$2.json" 'd["classes"]')"
	eq "$2: outcome unknown" "[1, 1]" "$(json_get "$TMP/$2.json" 'sorted(f["outcome_unknown"] for f in d["flows"] if "outcome_unknown" in f)')"
	report "$2-named" "$FIX/$1" --format "$2"
	eq "$2: --format" "$zeek_flows" "$(flows "$TMP/$2-named.json")"
	# no class, flags, MIC, bindings or account kind: every verdict undecidable
	run audit simulate --json --policy "$TMP/cand.conf" "$FIX/$1"
	expect_ok "$2: simulate"
	printf '%s' "$OUT" >"$TMP/$2.sim.json"
	eq "$2: simulate undecidable" "7 5 0" "$(json_get "$TMP/$2.sim.json" '"%d %d %d" % (d["undecidable"], d["undecidable_flows"], d["newly_denied"])')"
	eq "$2: the missing facts" "['offered,flags,response_type,domain_account,channel_bindings,mic']" \
		"$(json_get "$TMP/$2.sim.json" 'list(d["undecidable_by_fact"])')"
	# refusing all incoming NTLM decides them: what worked is newly denied, what
	# had no known outcome is undecidable (fact "outcome")
	run audit simulate --json --policy "$TMP/denyin.conf" "$FIX/$1"
	expect_ok "$2: simulate deny all"
	printf '%s' "$OUT" >"$TMP/$2.deny.json"
	eq "$2: deny all: newly denied" "4 3" "$(json_get "$TMP/$2.deny.json" '"%d %d" % (d["newly_denied"], d["newly_denied_flows"])')"
	eq "$2: deny all: by setting" "{'RestrictReceivingNTLMTraffic': {'exchanges': 4, 'flows': 3}}" \
		"$(json_get "$TMP/$2.deny.json" 'd["by_setting"]')"
	eq "$2: deny all: undecidable" "{'outcome': {'exchanges': 2, 'flows': 2}}" \
		"$(json_get "$TMP/$2.deny.json" 'd["undecidable_by_fact"]')"
done
gzip -c "$FIX/zeek-ntlm.log" >"$TMP/ntlm.log.gz"
report zeek-gz "$TMP/ntlm.log.gz"
eq "zeek gzip: same flows" "$zeek_flows" "$(flows "$TMP/zeek-gz.json")"

# hostile TSV lines
{
	printf '#separator \\x09\n'
	printf '1796300000.1\tC1\t192.0.2.1\tbob\tT\n'        # 2 before #fields
	printf '#fields\tts\tuid\tid.orig_h\tusername\tsuccess\n'
	printf '1796300000.1\tC1\t192.0.2.1\tbob\tT\n'        # 4 good
	printf '1796300000.1\tC1\t192.0.2.1\tbob\n'           # 5 a field short
	printf 'notatime\tC1\t192.0.2.1\tbob\tT\n'            # 6 ts
	printf '1796300000.1\tC1\t192.0.2.1\tbob\tX\n'        # 7 success
	printf '1796300000.1\tC1\t192.0.2.1\tb\\x00b\tT\n'    # 8 NUL
	printf '1796300000.1\tC1\t-\tbob\tT\n'                # 9 no client
	printf '1796300000.1\tC1\t192.0.2.1\tbob\tT\textra\n' # 10 a field too many
	python3 -c 'print("1796300000.1\tC1\t192.0.2.1\t" + "b" * 70000 + "\tT")' # 11 oversized
	printf '1796300001.1\tC2\t192.0.2.1\tbob\tF\n'        # 12 good
	printf '#path\tconn\n'                                # 13 another log
	printf '1796300000.1\tC1\t192.0.2.1\tbob\tT\n'        # 14 skipped
} >"$TMP/hostile-zeek.log"
hostile "hostile zeek" hz "$TMP/hostile-zeek.log" zeek-ntlm 2 9
contains "hostile zeek: before #fields" "hostile-zeek.log:2: a record before the #fields header" "$ERR"
contains "hostile zeek: short" "hostile-zeek.log:5: 4 fields, #fields names 5" "$ERR"
contains "hostile zeek: ts" 'hostile-zeek.log:6: ts: expected seconds since 1970 ("notatime")' "$ERR"
contains "hostile zeek: success" "hostile-zeek.log:7: success: expected T, F or -" "$ERR"
contains "hostile zeek: NUL" "hostile-zeek.log:8: username: holds a NUL byte" "$ERR"
contains "hostile zeek: client" "hostile-zeek.log:9: id.orig_h: missing" "$ERR"
contains "hostile zeek: extra" "hostile-zeek.log:10: more fields than #fields names (5)" "$ERR"
contains "hostile zeek: oversized" "hostile-zeek.log:11: line longer than" "$ERR"
contains "hostile zeek: another log" "hostile-zeek.log:13: #path conn: a Zeek log of another kind" "$ERR"

# hostile JSON lines
{
	sed -n 1p "$FIX/zeek-ntlm.json"                                                  # 1 good
	printf '{"ts":1796300000.1,"uid":"C1","id.orig_h":"192.0.2.1","id.orig_p":"x","username":"a"}\n' # 2 port
	printf '{"ts":1796300000.1,"uid":"C1","id.orig_h":"192.0.2.1","success":"yes"}\n'             # 3 success
	printf '{"ts":"yesterday","uid":"C1","id.orig_h":"192.0.2.1","success":true}\n'               # 4 ts
	printf '{"ts":1796300000.1,"uid":"C1","id.orig_h":"192.0.2.1","username":"\xff"}\n'           # 5 UTF-8
	printf '{"ts":1796300000.1,"uid":"C1","id.orig_h":"192.0.2.1","username":["a"]}\n'            # 6 type
	printf '{"ts":1796300000.1,"uid":"C1","id.orig_h":"192.0.2.1","username":"a"\n'               # 7 cut
	printf '{"ts":1796300000.1,"uid":"C1","success":true}\n'                                       # 8 no client
} >"$TMP/hostile-zeek.json"
hostile "hostile zeek json" hzj "$TMP/hostile-zeek.json" zeek-ntlm-json 1 7
contains "hostile zeek json: port" 'hostile-zeek.json:2: "id.orig_p": expected a port number' "$ERR"
contains "hostile zeek json: success" 'hostile-zeek.json:3: "success": expected true, false or null' "$ERR"
contains "hostile zeek json: ts" 'hostile-zeek.json:4: "ts": expected seconds since 1970 or an ISO 8601 time' "$ERR"
contains "hostile zeek json: UTF-8" "hostile-zeek.json:5: column" "$ERR"
contains "hostile zeek json: type" 'hostile-zeek.json:6: "username": expected a string' "$ERR"
contains "hostile zeek json: cut" "hostile-zeek.json:7: column" "$ERR"
contains "hostile zeek json: no client" 'hostile-zeek.json:8: "id.orig_h": missing' "$ERR"

# ---- Samba's JSON authentication audit ---------------------------------------------
# A real Samba AD DC's log (tests/audit/fixtures/README.md): 14 JSON lines among its
# debug lines; 7 are NETLOGON's interactive checks (Supplied-NT-Hash: skipped), 7 are
# NTLM logons passed on by the member MEM1.
samba_flows='incoming|MEM1 (127.0.0.1)|TESTDOM\alice|SamLogon/MEM1|NTLMv2|3|2|0|1|2026-12-03T14:40:03.102167Z|2026-12-03T14:40:04.219052Z
incoming|MEM1 (127.0.0.1)|TESTDOM\bob|SamLogon/MEM1|NTLMv1|1|1|0|0|2026-12-03T14:40:04.693988Z|2026-12-03T14:40:04.693988Z
incoming|MEM1 (127.0.0.1)|TESTDOM\carol|SamLogon/MEM1|NTLMv2|1|0|0|1|2026-12-03T14:40:05.100272Z|2026-12-03T14:40:05.100272Z
incoming|MEM1 (127.0.0.1)|TESTDOM\erin|SamLogon/MEM1|NTLMv2|1|0|0|1|2026-12-03T14:39:53.080808Z|2026-12-03T14:39:53.080808Z
incoming|MEM1 (127.0.0.1)|TESTDOM\heidi|SamLogon/MEM1|NTLMv1|1|0|0|1|2026-12-03T14:39:53.641543Z|2026-12-03T14:39:53.641543Z'
report samba "$FIX/samba-auth.log"
eq "samba: format" "['samba-json']" "$(json_get "$TMP/samba.json" 'd["formats"]')"
eq "samba: records" 7 "$(json_get "$TMP/samba.json" 'd["records"]')"
eq "samba: nothing refused" 0 "$(json_get "$TMP/samba.json" 'd["refused"]')"
eq "samba: flows" "$samba_flows" "$(flows "$TMP/samba.json")"
eq "samba: classes" "{'LM': 0, 'NTLMv1': 2, 'NTLMv1-ESS': 0, 'NTLMv2': 5, 'anonymous': 0, 'none': 0, 'unknown': 0}" \
	"$(json_get "$TMP/samba.json" 'd["classes"]')"
report samba-named "$FIX/samba-auth.log" --format samba-json
eq "samba: --format" "$samba_flows" "$(flows "$TMP/samba-named.json")"
gzip -c "$FIX/samba-auth.log" >"$TMP/samba.log.gz"
report samba-gz "$TMP/samba.log.gz"
eq "samba gzip: same flows" "$samba_flows" "$(flows "$TMP/samba-gz.json")"
# the class decides LmCompatibilityLevel = 5: bob's NTLMv1 logon is newly denied;
# the NTLMv2 ones lack the flags, MIC, bindings and account kind: undecidable
run audit simulate --json --policy "$TMP/cand.conf" "$FIX/samba-auth.log"
expect_ok "samba: simulate"
printf '%s' "$OUT" >"$TMP/samba.sim.json"
eq "samba: newly denied" "1 1" "$(json_get "$TMP/samba.sim.json" '"%d %d" % (d["newly_denied"], d["newly_denied_flows"])')"
eq "samba: by setting" "{'LmCompatibilityLevel': {'exchanges': 1, 'flows': 1}}" "$(json_get "$TMP/samba.sim.json" 'd["by_setting"]')"
eq "samba: undecidable" "{'offered,flags,domain_account,channel_bindings,mic': {'exchanges': 5, 'flows': 3}}" \
	"$(json_get "$TMP/samba.sim.json" 'd["undecidable_by_fact"]')"

# Samba 4.7's prefix, IPv6, anonymous, blocked, and hostile lines
A='"version": {"major": 1, "minor": 2}, "serviceDescription": "SMB2", "authDescription": "NTLMSSP", "localAddress": "ipv6:2001:db8::1:445", "remoteAddress": "ipv6:2001:db8::5:50123"'
{
	printf '[2026/12/03 15:00:00.000000,  3] ../../auth/auth_log.c:635(log_authentication_event_json)\n'
	printf '  JSON Authentication: {"timestamp": "2026-12-03T16:00:00.5+0100", "type": "Authentication", "Authentication": {%s, "status": "NT_STATUS_OK", "clientDomain": "", "clientAccount": "", "workstation": "KIOSK", "passwordType": "No-Password"}}\n' "$A" # 2 anonymous
	printf '  {"timestamp": "2026-12-03T15:00:01.000000+0000", "type": "Authentication", "Authentication": {%s, "status": "NT_STATUS_NTLM_BLOCKED", "clientDomain": "CORP", "clientAccount": "old", "workstation": "W95", "passwordType": "LANMan"}}\n' "$A" # 3 blocked LM
	printf '  {"timestamp": "2026-12-03T15:00:02Z", "type": "Authorization", "Authorization": {"version": {"major": 1, "minor": 1}}}\n' # 4 skipped
	printf '  {"timestamp": "2026-12-03T15:00:03Z", "type": "Authentication", "Authentication": {%s, "status": "NT_STATUS_OK", "passwordType": "Kerberos"}}\n' "$A" # 5 skipped
	printf '  {"timestamp": "2026-12-03T15:00:04Z", "type": "Authentication", "Authentication": {"version": {"major": 2, "minor": 0}, "status": "NT_STATUS_OK", "passwordType": "NTLMv2"}}\n' # 6 version
	printf '  {"timestamp": "2026-12-03T15:00:05Z", "type": "Authentication", "Authentication": {%s, "status": "NT_STATUS_OK", "clientAccount": 7, "passwordType": "NTLMv2"}}\n' "$A" # 7 type
	printf '  {"timestamp": "yesterday", "type": "Authentication", "Authentication": {%s, "status": "NT_STATUS_OK", "passwordType": "NTLMv2"}}\n' "$A" # 8 time
	printf '  {"timestamp": "2026-12-03T15:00:06Z", "type": "Authentication", "Authentication": {%s, "status": "NT_STATUS_OK", "clientAccount": "\xc3", "passwordType": "NTLMv2"}}\n' "$A" # 9 UTF-8
	printf '  {"timestamp": "2026-12-03T15:00:07Z", "type": "Authentication", "Authentication": {%s, "status": "NT_ST\n' "$A" # 10 cut
	printf '  {"timestamp": "2026-12-03T15:00:08Z", "type": "Authentication", "Authentication": "NTLMv2"}\n' # 11 not an object
	printf '  {"timestamp": "2026-12-03T15:00:09Z", "type": "Authentication", "Authentication": {%s, "passwordType": "NTLMv2"}}\n' "$A" # 12 no status
} >"$TMP/hostile-samba.log"
hostile "hostile samba" hs "$TMP/hostile-samba.log" samba-json 2 7
eq "hostile samba: flows" 'incoming|KIOSK (2001:db8::5)|(anonymous)|SMB2/2001:db8::1|anonymous|1|1|0|0|2026-12-03T15:00:00.500000Z|2026-12-03T15:00:00.500000Z
incoming|W95 (2001:db8::5)|CORP\old|SMB2/2001:db8::1|LM|1|0|1|0|2026-12-03T15:00:01.000000Z|2026-12-03T15:00:01.000000Z' "$(flows "$TMP/hs.json")"
contains "hostile samba: version" 'hostile-samba.log:6: "Authentication"."version": not a version this tool reads (major 1)' "$ERR"
contains "hostile samba: type" 'hostile-samba.log:7: "clientAccount": expected a string' "$ERR"
contains "hostile samba: time" 'hostile-samba.log:8: "timestamp": expected an ISO 8601 time' "$ERR"
contains "hostile samba: UTF-8" "hostile-samba.log:9: column" "$ERR"
contains "hostile samba: cut" "hostile-samba.log:10: column" "$ERR"
contains "hostile samba: not an object" 'hostile-samba.log:11: "Authentication": expected an object' "$ERR"
contains "hostile samba: no status" 'hostile-samba.log:12: "Authentication"."status": missing' "$ERR"
run audit report --exclude-anonymous --json "$TMP/hostile-samba.log"
eq "hostile samba: anonymous excluded" 1 "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["excluded"]["anonymous"])')"

finish
