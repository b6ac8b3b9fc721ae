#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ntlm audit reads one file on several threads (--threads; docs/audit.md
# "Speed"): a plain file cut into ranges at line starts, a gzip file
# inflated on a thread of its own. The output must be byte for byte that of
# one thread: every output format, every subcommand; refusals on stderr in
# the file's order with the file's line (errors in the second and third
# ranges), the 20-shown cap, an oversized line, a last line cut short; a
# plain file with 300 MiB of blank lines (given up as one reader gives up,
# read again whole) and a gzip bomb; several files read a file per thread
# say their refusals in the files' order, a missing file after them.
set -u
source "$(dirname "$0")/../cli/lib.bash"
HERE=$(cd "$(dirname "$0")" && pwd)

# same NAME ARGS...: the command (after `ntlm audit`) with --threads 1, 2
# and 3: the same stdout, stderr and exit status; the one-thread run's in
# $OUT, $ERR, $RC
same() {
	local name=$1 t
	shift
	for t in 1 2 3; do
		"$NTLM" audit "$@" --threads $t >"$TMP/out.$t" 2>"$TMP/err.$t"
		echo $? >"$TMP/rc.$t"
	done
	for t in 2 3; do
		CHECKS=$((CHECKS + 1))
		cmp -s "$TMP/out.1" "$TMP/out.$t" || fail "$name: stdout with $t threads differs"
		cmp -s "$TMP/err.1" "$TMP/err.$t" ||
			fail "$name: stderr with $t threads differs: $(diff "$TMP/err.1" "$TMP/err.$t" | head -5)"
		cmp -s "$TMP/rc.1" "$TMP/rc.$t" || fail "$name: exit status with $t threads differs"
	done
	OUT=$(cat "$TMP/out.1")
	ERR=$(cat "$TMP/err.1")
	RC=$(cat "$TMP/rc.1")
}

contains() {
	CHECKS=$((CHECKS + 1))
	[[ "$3" == *"$2"* ]] || fail "$1: '$2' not in: $3"
}

# 30,000 records: 42 MB, cut into 2 or 3 ranges (at least 4 MiB each)
python3 "$HERE/gen_estate.py" --records 30000 --seed 11 "$TMP/e" >/dev/null || exit 1
E=$TMP/e/estate.jsonl
gzip -1 -c "$E" >"$E.gz"
for f in "$E" "$E.gz"; do
	b=${f##*/}
	same "report $b" report "$f"
	expect_ok "report $b"
	same "report --json $b" report --json "$f"
	eq "report --json $b: records" "$(wc -l <"$E")" "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["records"])')"
	same "report --csv $b" report --csv "$f"
	same "report --html $b" report --html "$f"
	same "report --exclude-machine $b" report --json --exclude-machine "$f"
	same "simulate $b" simulate --policy "$TMP/e/candidate.conf" "$f"
	same "simulate --json $b" simulate --json --policy "$TMP/e/candidate.conf" "$f"
	same "simulate --html $b" simulate --html --policy "$TMP/e/candidate.conf" "$f"
	same "propose-exceptions $b" propose-exceptions --json "$f"
done
same "diff" diff --json "$E.gz" "$E"
# several files: a file each, and the single-file ranges when one is left
same "two files" report --json "$E" "$E.gz"

# Several files with refusals, read a file per thread: each file's refusals
# are said in the files' order, as one thread says them (a small file read
# by a second thread while the first file's refusals, near its end, are still
# to come waits for them); the 20-shown cap counts in that order; a file
# that cannot be opened is said after the refusals of the files before it.
python3 - "$E" "$TMP/sev" <<'PY'
import sys
lines = open(sys.argv[1]).read().split("\n")[:-1]
n = len(lines)
def write(name, ls, bad):
    for i in bad:
        ls[i] = '{"event":9005,"direction":"file %s, line %d"}' % (name, i + 1)
    open(sys.argv[2] + "." + name + ".jsonl", "w").write("\n".join(ls) + "\n")
write("a", list(lines), [n - 1500 + 100 * k for k in range(15)])
write("b", lines[:2000], [10 + 100 * k for k in range(10)])
write("c", lines[:500], [20, 30, 40])
with open(sys.argv[2] + ".want", "w") as f:
    for k in range(15):
        print("sev.a.jsonl:%d:" % (n - 1500 + 100 * k + 1), file=f)
    for k in range(5):
        print("sev.b.jsonl:%d:" % (10 + 100 * k + 1), file=f)
PY
S=$TMP/sev
same "several files: refusals in file order" report --json "$S.a.jsonl" "$S.b.jsonl" "$S.c.jsonl"
eq "several files: exit 2" 2 "$RC"
eq "several files: refused" 28 "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["refused"])')"
CHECKS=$((CHECKS + 1))
want=$(cat "$S.want")
got=$(printf '%s\n' "$ERR" | head -20 | sed 's/^ntlm audit: .*\/\(sev\.[abc]\.jsonl:[0-9]*:\).*/\1/')
[ "$got" = "$want" ] || fail "several files: refusals not in file order: $(diff <(echo "$want") <(echo "$got") | head -6)"
contains "several files: the cap" "ntlm audit: 8 more records refused" "$ERR"
same "several files: a missing file last" report --json "$S.a.jsonl" "$S.b.jsonl" "$S.c.jsonl" "$TMP/none.jsonl"
CHECKS=$((CHECKS + 1))
[[ "$(printf '%s\n' "$ERR" | tail -1)" == *none.jsonl* ]] || fail "several files: the missing file not said last: $(printf '%s\n' "$ERR" | tail -2)"
eq "several files: a missing file last: 21 lines" 21 "$(printf '%s\n' "$ERR" | wc -l)"

# A flow's first facts are those of its first record in the file, whichever
# thread read it: the first record to HTTP/erp.corp.example, past the
# middle, has no target_host (later ones have), which propose-exceptions
# --wildcards shows (the ranges are taken in turn: several runs)
python3 - "$E" "$TMP/born.jsonl" <<'PY'
import sys
t = '"target":"HTTP/erp.corp.example"'
lines = open(sys.argv[1]).read().split("\n")[:-1]
out, first = [], True
for i, l in enumerate(lines):
    if t in l:
        if i < len(lines) * 0.45:
            continue
        if first and '"target_host":"erp.corp.example",' in l:
            l = l.replace('"target_host":"erp.corp.example",', "")
            first = False
    out.append(l)
open(sys.argv[2], "w").write("\n".join(out) + "\n")
PY
for i in 1 2 3; do
	same "first facts of a flow ($i)" propose-exceptions --wildcards "$TMP/born.jsonl"
done
contains "first facts of a flow: no erp entry" "4 entries for the outgoing targets seen working" "$OUT"

# Refusals all over the file (line numbers chosen after the cut points),
# blank lines, an oversized line, a last line cut short.
python3 - "$E" "$TMP/bad.jsonl" <<'PY'
import sys
lines = open(sys.argv[1]).read().split("\n")[:-1]
n = len(lines)
bad = {}
for i in (100, 200):                         # first range
    bad[i] = '{"event":9005,"direction":"sideways"}'
for k in range(12):                          # second and third ranges
    bad[n // 2 + 50 + 300 * k] = '{"event":"x"}'
    bad[n * 3 // 4 + 50 + 200 * k] = '{"event":9005,"flags":"0xzz","direction":"incoming"}'
bad[n // 2 + 40] = '{"event":9005,"user":"' + "a" * 100000 + '"}'
out = []
for i, l in enumerate(lines):
    out.append(bad.get(i, l))
    if i % 1000 == 7:
        out.append("   ")
with open(sys.argv[2], "w") as f:
    f.write("\n".join(out) + '\n{"event":9005,"direction":"incoming","outcome":"succ')
# the file's line of the first refusal past the middle, and of the oversized one
def line_of(i):
    return i + 1 + sum(1 for j in range(i) if j % 1000 == 7)
print(line_of(n // 2 + 40), line_of(n // 2 + 50), len(out) + 1, file=open(sys.argv[2] + ".lines", "w"))
PY
read -r big second last <"$TMP/bad.jsonl.lines"
gzip -1 -c "$TMP/bad.jsonl" >"$TMP/bad.jsonl.gz"
for f in "$TMP/bad.jsonl" "$TMP/bad.jsonl.gz"; do
	b=${f##*/}
	same "refusals $b" report --json "$f"
	eq "refusals $b: exit 2" 2 "$RC"
	eq "refusals $b: refused" 28 "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["refused"])')"
	contains "refusals $b: oversized, second range" "$b:$big: line longer than 65536 bytes" "$ERR"
	contains "refusals $b: second range" "$b:$second: \"event\": expected an event id" "$ERR"
	contains "refusals $b: 20 shown" "ntlm audit: 8 more records refused" "$ERR"
	eq "refusals $b: lines on stderr" 21 "$(printf '%s\n' "$ERR" | wc -l)"
done
# the last line, the tail of the third range: shown with fewer refusals
python3 - "$TMP/bad.jsonl" "$TMP/tail.jsonl" <<'PY'
import sys
ls = open(sys.argv[1]).read().split("\n")
keep = [l for l in ls if '"event":"x"' not in l and '"0xzz"' not in l and "sideways" not in l]
open(sys.argv[2], "w").write("\n".join(keep))
PY
same "last line" report --json "$TMP/tail.jsonl"
contains "last line: cut short" "(the last line: cut short?)" "$ERR"
eq "last line: 2 refused" 2 "$(printf '%s\n' "$ERR" | wc -l)"

# 300 MiB of blank lines between refusals and a good record: one reader
# gives up at 256 MiB; the ranges see 150 MiB each, so the file is read
# again by one reader, the refusals said once.
python3 - "$TMP/barren.jsonl" "$(head -1 "$E")" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write(sys.argv[2] + "\n" + '{"event":"x"}\n' * 3)
    blank = " " * 1023 + "\n"
    for _ in range(300 * 1024):
        f.write(blank)
    f.write(sys.argv[2] + "\n")
PY
same "barren" report --json "$TMP/barren.jsonl"
eq "barren: exit 2" 2 "$RC"
contains "barren: given up" "256 MiB read with no record in them" "$ERR"
eq "barren: refusals said once" 3 "$(grep -c 'expected an event id' <<<"$ERR")"
rm -f "$TMP/barren.jsonl"

# a gzip bomb (10 GB-looking, 10 MB on disk): given up at 256 MiB on the
# inflating thread too, in a few MB
python3 - "$TMP/bomb.gz" "$(head -1 "$E")" <<'PY'
import gzip, sys
member = gzip.compress(b"a" * (64 << 20), 9)
with open(sys.argv[1], "wb") as f:
    f.write(gzip.compress((sys.argv[2] + '\n{"event":9005,"user":"').encode()) + member * 160)
PY
same "gz bomb" report --json "$TMP/bomb.gz"
contains "gz bomb: given up" "bomb.gz:2: 256 MiB read with no record in them" "$ERR"
/usr/bin/time -f %M -o "$TMP/kb" "$NTLM" audit report --threads 2 "$TMP/bomb.gz" >/dev/null 2>&1
kb=$(tail -1 "$TMP/kb")
CHECKS=$((CHECKS + 1))
[ "$kb" -lt 65536 ] || fail "gz bomb: peak RSS $kb kB with 2 threads"

# --threads: 1 to 64
run audit report --threads 0 "$E"
expect_usage "--threads 0" "--threads takes 1 to 64"
run audit report --threads 2x "$E"
expect_usage "--threads 2x" "--threads takes 1 to 64"

# no progress line when stderr is not a terminal
"$NTLM" audit report --threads 2 "$E" 2>"$TMP/piped" >/dev/null
eq "progress: quiet when piped" "" "$(cat "$TMP/piped")"

echo "threads: $CHECKS checks, $FAILS failed" >&2
[ "$FAILS" -eq 0 ]
