#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ntlm audit report / simulate on the audit logs of real exchanges (ntlm
# client and ntlm server over loopback): flows and counts in the table,
# --json and --csv; gzip input; the filters; a candidate policy as a native
# config, an INF and a .reg giving the same verdicts; undecidable records;
# the round trip: live connections under P2 fail where simulate predicted;
# hostile input (truncated, oversized, wrong types, deep JSON, invalid UTF-8,
# not a log, a cut gzip, gzip bombs) refused with file:line, never a crash.
set -u
source "$(dirname "$0")/lib.bash"

SERVER_PID=
cleanup() {
	[ -n "$SERVER_PID" ] && kill -KILL "$SERVER_PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

# contains NAME NEEDLE HAYSTACK
contains() {
	CHECKS=$((CHECKS + 1))
	[[ "$3" == *"$2"* ]] || fail "$1: '$2' not in: $3"
}

# json_get FILE EXPR: a Python expression over the document d.
json_get() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"
}

HASH=$(printf 'secret' | "$NTLM" hash)
printf 'CORP:alice:%s\nCORP:WS01$:%s\n' "$HASH" "$HASH" >"$TMP/accounts"
printf 'secret\n' >"$TMP/pw"
chmod 600 "$TMP/accounts" "$TMP/pw"
printf 'Profile = windows-default\n[MSV1_0]\nAuditReceivingNTLMTraffic = 2\n' >"$TMP/server.conf"
printf '[MSV1_0]\nRestrictSendingNTLMTraffic = 1\n' >"$TMP/client.conf"
printf 'Profile = legacy-insecure\n[Lsa]\nLmCompatibilityLevel = 1\n[MSV1_0]\nRestrictSendingNTLMTraffic = 1\n' \
	>"$TMP/legacy.conf"

"$NTLM" server --listen 127.0.0.1:0 --config "$TMP/server.conf" --accounts "$TMP/accounts" \
	--audit "$TMP/server.jsonl" >"$TMP/server.out" 2>"$TMP/server.err" &
SERVER_PID=$!
wait_for "$TMP/server.out" '^listening on 127\.0\.0\.1:[0-9]+$' 60 || {
	fail "server did not start: $(cat "$TMP/server.err")"
	finish
}
PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$TMP/server.out")
for i in 1 2 3; do
	echo hi | "$NTLM" client --config "$TMP/client.conf" --user 'CORP\alice' --password-file "$TMP/pw" \
		--target HTTP/web.corp.example --audit "$TMP/client.jsonl" "127.0.0.1:$PORT" >/dev/null 2>&1 ||
		fail "client $i"
done
echo hi | "$NTLM" client --config "$TMP/legacy.conf" --user 'CORP\WS01$' --password-file "$TMP/pw" \
	--target cifs/files.corp.example --audit "$TMP/client.jsonl" "127.0.0.1:$PORT" >/dev/null 2>&1 ||
	fail "legacy client"
# the server writes its records before it answers; give the last one a moment
wait_for "$TMP/server.jsonl" '"event":9005,.*WS01\$' 10 || fail "no record of the legacy logon"
kill "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
SERVER_PID=
LOGS=("$TMP/server.jsonl" "$TMP/client.jsonl")

# ---- report ------------------------------------------------------------------
run audit report "${LOGS[@]}"
expect_ok "report"
contains "report: totals" "18 records, 8 exchanges in 4 flows" "$OUT"
contains "report: classes" "NTLMv1-ESS 2 NTLMv2 6" "$OUT"
contains "report: filters stated" "anonymous logons included, machine accounts (NAME\$) included" "$OUT"
contains "report: the v1 flow" 'CORP\WS01$' "$OUT"

eq "report: quiet on stderr when it is not a terminal" "" "$ERR"
run audit report --json "${LOGS[@]}"
expect_ok "report --json"
printf '%s' "$OUT" >"$TMP/report.json"
eq "json schema" "ntlm-audit-report/1.2" "$(json_get "$TMP/report.json" 'd["schema"]')"
eq "json exchanges" 8 "$(json_get "$TMP/report.json" 'd["exchanges"]')"
eq "json flows" 4 "$(json_get "$TMP/report.json" 'len(d["flows"])')"
eq "json alice in" 3 "$(json_get "$TMP/report.json" '[f["success"] for f in d["flows"] if f["direction"]=="incoming" and f["account"]=="CORP\\alice"][0]')"
eq "json v1 out target" "cifs/files.corp.example" "$(json_get "$TMP/report.json" '[f["target"] for f in d["flows"] if f["direction"]=="outgoing" and f["class"]=="NTLMv1-ESS"][0]')"
eq "json first <= last" True "$(json_get "$TMP/report.json" 'all(f["first_seen"] <= f["last_seen"] for f in d["flows"])')"

run audit report --csv "${LOGS[@]}"
expect_ok "report --csv"
eq "csv rows" 5 "$(printf '%s\n' "$OUT" | wc -l)"
contains "csv header" "direction,client,account,target,class,exchanges" "$OUT"

# gzip, and several files in one go, give the same answer
gzip -c "$TMP/server.jsonl" >"$TMP/server.jsonl.gz"
run audit report --json "$TMP/server.jsonl.gz" "$TMP/client.jsonl"
eq "gzip: same flows" "$(json_get "$TMP/report.json" 'd["flows"]')" \
	"$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["flows"])')"

run audit report --exclude-machine "${LOGS[@]}"
contains "filter: machine" "machine accounts (NAME\$) excluded (2 exchanges left out)" "$OUT"
contains "filter: totals" "6 exchanges in 2 flows" "$OUT"
run audit report --exclude-anonymous --json "${LOGS[@]}"
contains "filter: anonymous stated" '"filters":{"anonymous":"excluded","machine":"included"}' "$OUT"

# ---- simulate ------------------------------------------------------------------
cat >"$TMP/cand.conf" <<'EOF'
[Lsa]
LmCompatibilityLevel = 5
[MSV1_0]
RestrictSendingNTLMTraffic = 2
ClientAllowedNTLMServers = web.corp.example
EOF
cat >"$TMP/cand.inf" <<'EOF'
[Unicode]
Unicode=yes
[Version]
signature="$CHICAGO$"
Revision=1
[Registry Values]
MACHINE\System\CurrentControlSet\Control\Lsa\LmCompatibilityLevel=4,5
MACHINE\System\CurrentControlSet\Control\Lsa\MSV1_0\RestrictSendingNTLMTraffic=4,2
MACHINE\System\CurrentControlSet\Control\Lsa\MSV1_0\ClientAllowedNTLMServers=7,web.corp.example
EOF
cat >"$TMP/cand.reg" <<'EOF'
Windows Registry Editor Version 5.00

[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Lsa]
"LmCompatibilityLevel"=dword:00000005

[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Lsa\MSV1_0]
"RestrictSendingNTLMTraffic"=dword:00000002
"ClientAllowedNTLMServers"=hex(7):77,00,65,00,62,00,2e,00,63,00,6f,00,72,00,70,00,2e,00,65,00,78,00,61,00,6d,00,70,00,6c,00,65,00,00,00,00,00
EOF
run audit simulate --policy "$TMP/cand.conf" "${LOGS[@]}"
expect_ok "simulate"
contains "simulate: newly denied" "newly denied: 2 exchanges in 2 flows" "$OUT"
contains "simulate: by LmCompat" "by LmCompatibilityLevel: 1 exchanges in 1 flows" "$OUT"
contains "simulate: by RestrictSending" "by RestrictSendingNTLMTraffic: 1 exchanges in 1 flows" "$OUT"
contains "simulate: nothing undecidable" "undecidable: 0 exchanges in 0 flows" "$OUT"
for c in conf inf reg; do
	run audit simulate --json --policy "$TMP/cand.$c" "${LOGS[@]}"
	expect_ok "simulate $c"
	printf '%s' "$OUT" >"$TMP/sim.$c.json"
	eq "simulate $c: newly denied" 2 "$(json_get "$TMP/sim.$c.json" 'd["newly_denied"]')"
	eq "simulate $c: schema" "ntlm-audit-simulate/1.1" "$(json_get "$TMP/sim.$c.json" 'd["schema"]')"
	# (the INF and the .reg start from windows-default, the config from cis:
	# they differ in what they audit, not in what they deny)
	eq "simulate $c: denied flows" \
		"[('incoming', 'NTLMv1-ESS', 'LmCompatibilityLevel', 1), ('outgoing', 'NTLMv1-ESS', 'RestrictSendingNTLMTraffic', 1)]" \
		"$(json_get "$TMP/sim.$c.json" 'sorted((f["direction"], f["class"], f["setting"], f["newly_denied"]) for f in d["flows"] if f["candidate"] == "deny")')"
done

# the round trip: the same connections replayed live under the candidate fail
# exactly where simulate said (client side: the client's own config, then the
# candidate's client settings; server side: the server's, then the candidate's)
printf '[MSV1_0]\nRestrictSendingNTLMTraffic = 2\nClientAllowedNTLMServers = web.corp.example\n' \
	>"$TMP/p2-client.conf"
printf '[Lsa]\nLmCompatibilityLevel = 5\n' >"$TMP/p2-server.conf"
"$NTLM" server --listen 127.0.0.1:0 --config "$TMP/server.conf" --config "$TMP/p2-server.conf" \
	--accounts "$TMP/accounts" >"$TMP/server2.out" 2>"$TMP/server2.err" &
SERVER_PID=$!
wait_for "$TMP/server2.out" '^listening on 127\.0\.0\.1:[0-9]+$' 60 || fail "P2 server did not start"
PORT2=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$TMP/server2.out")
live=()
for c in "client.conf CORP\\alice HTTP/web.corp.example" "legacy.conf CORP\\WS01\$ cifs/files.corp.example"; do
	set -- $c
	echo hi | "$NTLM" client --config "$TMP/$1" --config "$TMP/p2-client.conf" --user "$2" \
		--password-file "$TMP/pw" --target "$3" "127.0.0.1:$PORT2" >/dev/null 2>&1
	live+=("$2 $3 $([ $? -eq 0 ] && echo ok || echo fails)")
done
kill "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
SERVER_PID=
cat "$TMP/p2-client.conf" "$TMP/p2-server.conf" >"$TMP/p2.conf"
run audit simulate --json --policy "$TMP/p2.conf" "$TMP/client.jsonl"
printf '%s' "$OUT" >"$TMP/p2.sim.json"
for l in "${live[@]}"; do
	set -- $l
	predicted=$(json_get "$TMP/p2.sim.json" '"fails" if any(f["candidate"] == "deny" for f in d["flows"] if f["account"] == sys.argv[3] and f["target"] == sys.argv[4]) else "ok"' "$1" "$2")
	eq "round trip: $1 to $2" "$3" "$predicted"
done

# records without the facts (before schema 1.0): undecidable, said so, never guessed
sed -E 's/,"schema":"1\.0".*\}$/}/' "$TMP/server.jsonl" >"$TMP/old.jsonl"
printf '[MSV1_0]\nNtlmMinServerSec = 0x20080000\n' >"$TMP/minsec.conf"
run audit simulate --json --policy "$TMP/minsec.conf" "$TMP/old.jsonl"
expect_ok "simulate old records"
printf '%s' "$OUT" >"$TMP/old.json"
# the NTLMv2 logons lack the offered flags; the NTLMv1-ESS one is refused
# (cis: LmCompatibilityLevel 5) whatever it offered
eq "old: undecidable" 3 "$(json_get "$TMP/old.json" 'd["undecidable"]')"
eq "old: decided" "[('NTLMv1-ESS', 'deny', 'LmCompatibilityLevel')]" \
	"$(json_get "$TMP/old.json" '[(f["class"], f["candidate"], f["setting"]) for f in d["flows"] if f["candidate"] != "undecidable"]')"
contains "old: the missing fact" '"undecidable_by_fact":{"offered' "$OUT"
run audit simulate --policy "$TMP/minsec.conf" "$TMP/old.jsonl"
contains "old: explained" "the records lack a fact the decision needs; not guessed" "$OUT"
# ... while the same candidate on records with the facts decides
run audit simulate --json --policy "$TMP/minsec.conf" "$TMP/server.jsonl"
eq "facts: decidable" 0 "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["undecidable"])')"

# ---- propose-exceptions ---------------------------------------------------------
run audit propose-exceptions "${LOGS[@]}"
expect_ok "propose-exceptions"
contains "propose: entries" "2 entries for the outgoing targets seen working" "$OUT"
contains "propose: config" "ClientAllowedNTLMServers = web.corp.example, files.corp.example" "$OUT"
# the .reg and INF lines load back, through the policy loaders, to that list
printf '%s\n' "$OUT" | sed -n '/^Windows Registry Editor/,$p' >"$TMP/prop.reg"
{
	printf '[Unicode]\nUnicode=yes\n[Version]\nsignature="$CHICAGO$"\nRevision=1\n[Registry Values]\n'
	printf '%s\n' "$OUT" | grep '^MACHINE'
} >"$TMP/prop.inf"
for f in prop.reg prop.inf; do
	run policy show --brief --config "$TMP/$f"
	expect_ok "propose: $f loads"
	contains "propose: $f list" "ClientAllowedNTLMServers = web.corp.example, files.corp.example" "$OUT"
	contains "propose: $f deny" "RestrictSendingNTLMTraffic = 2" "$OUT"
done
run audit propose-exceptions --json "${LOGS[@]}"
expect_ok "propose-exceptions --json"
printf '%s' "$OUT" >"$TMP/prop.json"
eq "propose --json: schema" "ntlm-audit-exceptions/1.1" "$(json_get "$TMP/prop.json" 'd["schema"]')"
eq "propose --json: formats (1.1)" "['ntlm-jsonl', 'ntlm-jsonl']" "$(json_get "$TMP/prop.json" 'd["formats"]')"
eq "propose --json: entries" "['web.corp.example', 'files.corp.example']" "$(json_get "$TMP/prop.json" '[e["entry"] for e in d["entries"]]')"
run audit propose-exceptions --csv "${LOGS[@]}"
eq "propose --csv: exit 2" 2 "$RC"

# ---- diff ---------------------------------------------------------------------
grep -v 'WS01' "$TMP/client.jsonl" >"$TMP/old.period.jsonl"
cat "$TMP/client.jsonl" "$TMP/server.jsonl" >"$TMP/new.period.jsonl"
run audit diff --json "$TMP/old.period.jsonl" "$TMP/new.period.jsonl"
expect_ok "diff"
printf '%s' "$OUT" >"$TMP/diff.json"
eq "diff: schema" "ntlm-audit-diff/1.1" "$(json_get "$TMP/diff.json" 'd["schema"]')"
eq "diff: formats (1.1)" "['ntlm-jsonl']" "$(json_get "$TMP/diff.json" 'd["formats"]')"
eq "diff: old's files, formats and refused (1.1)" "(['$TMP/old.period.jsonl'], ['ntlm-jsonl'], 0)" \
	"$(json_get "$TMP/diff.json" '(d["old"]["files"], d["old"]["formats"], d["old"]["refused"])')"
eq "diff: new NTLMv1" "[('incoming', 'WS01\$'), ('outgoing', 'WS01\$')]" \
	"$(json_get "$TMP/diff.json" 'sorted((f["direction"], f["account"][5:]) for f in d["new_legacy_flows"])')"
eq "diff: new client" "['alice']" "$(json_get "$TMP/diff.json" '[f["account"][5:] for f in d["new_clients"]]')"
eq "diff: nothing gone" 0 "$(json_get "$TMP/diff.json" 'len(d["gone_flows"])')"
run audit diff --json "$TMP/new.period.jsonl" "$TMP/old.period.jsonl"
eq "diff reversed: gone" 3 "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["gone_flows"]))')"
run audit diff "$TMP/old.period.jsonl" "$TMP/new.period.jsonl"
contains "diff: text" "new: 1 clients, 2 NTLMv1 / LM flows, 0 other flows; gone: 0 flows" "$OUT"
run audit diff "$TMP/old.period.jsonl"
eq "diff: one file: exit 2" 2 "$RC"

# ---- hostile input ------------------------------------------------------------
good=$(head -n 1 "$TMP/server.jsonl")
{
	echo "$good"
	echo '{"event":9005,"direction":"incoming","outcome":"success","user":"x'     # cut short
	echo '{"event":"9005","direction":"incoming","outcome":"success"}'           # wrong type
	python3 -c 'print("{\"event\":9005,\"x\":" + "[" * 5000 + "]" * 5000 + "}")' # deep
	printf '{"event":9005,"direction":"incoming","outcome":"success","user":"\xc3\x28"}\n'
	python3 -c 'print("{\"event\":9005,\"user\":\"" + "a" * 100000 + "\"}")' # oversized
	echo '{"event":9005,"direction":"sideways","outcome":"success"}'
	echo '{"event":9005,"direction":"incoming","outcome":"success","flags":"0xzz"}'
	echo '{"event":9005,"direction":"incoming","outcome":"success"} trailing'
	echo '{"schema":"2.0","event":9005,"direction":"incoming","outcome":"success"}'
	echo "$good"
	printf '{"event":9005,"direction":"incoming","outcome":"succ' # no newline at the end
} >"$TMP/hostile.jsonl"
run audit report --json "$TMP/hostile.jsonl"
eq "hostile: exit 2" 2 "$RC"
eq "hostile: good records still read" 2 "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["records"])')"
eq "hostile: refused" 10 "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["refused"])')"
contains "hostile: cut" "hostile.jsonl:2: column" "$ERR"
contains "hostile: type" 'hostile.jsonl:3: "event": expected an event id' "$ERR"
contains "hostile: deep" "hostile.jsonl:4: column 50: nested deeper than 32 levels" "$ERR"
contains "hostile: utf-8" "hostile.jsonl:5: column 66: invalid UTF-8 in a string" "$ERR"
contains "hostile: oversized" "hostile.jsonl:6: line longer than 65536 bytes" "$ERR"
contains "hostile: direction" 'hostile.jsonl:7: "direction": expected' "$ERR"
contains "hostile: flags" 'hostile.jsonl:8: "flags": expected flags' "$ERR"
contains "hostile: trailing" "hostile.jsonl:9: column 59: bytes after the object" "$ERR"
contains "hostile: schema" 'hostile.jsonl:10: "schema": not a version this tool reads (1.x)' "$ERR"
contains "hostile: last line" "hostile.jsonl:12: column 53: unterminated string (the last line: cut short?)" "$ERR"

# 10 GB-looking .gz bombs (160 gzip members of 64 MiB each, 10 MB on disk):
# one line that never ends after a good record, zeros, blank lines. Each is
# given up after 256 MiB with no record (file:line said), in seconds and in
# a few MB, never inflated whole.
python3 - "$TMP" "$good" <<'EOF'
import gzip, sys
d, good = sys.argv[1], sys.argv[2]
for name, first, fill in (("bomb-line", good + '\n{"event":9005,"user":"', b"a"),
                          ("bomb-zeros", "", b"\0"), ("bomb-blank", "", b"\n")):
    member = gzip.compress(fill * (64 << 20), 9)
    with open("%s/%s.gz" % (d, name), "wb") as f:
        f.write(gzip.compress(first.encode()) + member * 160)
EOF
# measure ARGS...: runs ntlm; "EXIT SECONDS PEAK_RSS_KB" on stdout, its stderr in $TMP/err
measure() {
	python3 - "$NTLM" "$@" 2>"$TMP/err" <<'EOF'
import resource, subprocess, sys, time
t = time.monotonic()
p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=sys.stderr)
print(p.returncode, "%.1f" % (time.monotonic() - t),
      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
EOF
}
for b in line zeros blank; do
	fmt=()
	[ $b = zeros ] && fmt=(--format ntlm-jsonl) # else refused at once: not a log
	read -r rc secs kb < <(measure audit report --json "${fmt[@]}" "$TMP/bomb-$b.gz")
	ERR=$(cat "$TMP/err")
	echo "gz bomb ($b): exit $rc, $secs s, peak RSS $((kb / 1024)) MB" >&2
	eq "gz bomb ($b): exit 2" 2 "$rc"
	contains "gz bomb ($b): given up" "256 MiB read with no record in them" "$ERR"
	CHECKS=$((CHECKS + 2))
	[ "$kb" -lt 65536 ] || fail "gz bomb ($b): peak RSS $kb kB, want < 64 MB"
	awk -v s="$secs" 'BEGIN { exit !(s < 60) }' || fail "gz bomb ($b): $secs s, want < 60 s"
done
read -r rc secs kb < <(measure audit report "$TMP/bomb-line.gz")
contains "gz bomb (line): file:line of the line" "bomb-line.gz:2: 256 MiB read" "$(cat "$TMP/err")"
read -r rc secs kb < <(measure audit report "$TMP/bomb-zeros.gz")
contains "gz bomb (zeros): not a log, at once" 'bomb-zeros.gz:1: not a format ntlm audit reads (it starts "\x00' "$(cat "$TMP/err")"
eq "gz bomb (zeros): at once" 1 "$(awk -v s="$secs" 'BEGIN { print (s < 10) }')"

printf 'this is not an audit log\n' >"$TMP/text.log"
run audit report "$TMP/text.log"
eq "not a log: exit 2" 2 "$RC"
contains "not a log" "text.log:1: not a format ntlm audit reads" "$ERR"
contains "not a log: its first bytes shown" 'it starts "this is not an audit log"' "$ERR"
printf '\n\n{"timestamp":"x"}\n' >"$TMP/other.json"
run audit report "$TMP/other.json"
eq "other JSON: exit 2" 2 "$RC"
contains "other JSON: the line after the blank ones" 'other.json:3: not a format ntlm audit reads (it starts "{"timestamp"' "$ERR"
# --format names the format: the same file is then read record by record.
run audit report --json --format ntlm-jsonl "$TMP/other.json"
eq "--format ntlm-jsonl: exit 2 (the record is refused)" 2 "$RC"
contains "--format ntlm-jsonl: record refused" "other.json:3: " "$ERR"
run audit report --json --format ntlm-jsonl "${LOGS[@]}"
eq "--format ntlm-jsonl on our logs: exit 0" 0 "$RC"
run audit report --format zeek-nonsense "${LOGS[@]}"
eq "unknown --format: exit 2" 2 "$RC"
contains "unknown --format named" "unknown --format 'zeek-nonsense'" "$ERR"
head -c 300 "$TMP/server.jsonl.gz" >"$TMP/cut.gz"
run audit report "$TMP/cut.gz"
eq "cut gzip: exit 2" 2 "$RC"
contains "cut gzip: file:line" "cut.gz:" "$ERR"
run audit report "$TMP/does-not-exist"
eq "missing file: exit 2" 2 "$RC"
contains "missing file" "does-not-exist: No such file or directory" "$ERR"
run audit report
eq "no file: exit 2" 2 "$RC"
run audit simulate "${LOGS[@]}"
eq "simulate without --policy: exit 2" 2 "$RC"
run audit simulate --policy "$TMP/text.log" "${LOGS[@]}"
eq "bad candidate: exit 2" 2 "$RC"
contains "bad candidate named" "text.log" "$ERR"

finish
