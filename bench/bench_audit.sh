#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make bench`, part 5: ntlm audit report and simulate over the synthetic
# estate of tests/audit/gen_estate.py, plain and gzip: records per second
# (by the clock, and by the CPU time the run used, which the machine's other
# load does not inflate) and peak RSS (memory follows the flows, not the
# records). Usage: bench_audit.sh BUILD [OTHER_NTLM]
#   BENCH_AUDIT_RECORDS  records generated (default 1,000,000: about 1.4 GB
#                        of JSON Lines in a temporary directory)
#   BENCH_AUDIT_TOTAL    records of the large rows (default 10,000,000): the
#                        generated log given that many times over on one
#                        command line, plain and as .gz (no more disk: the
#                        estate's flows stay the same, so memory should too),
#                        then one plain file of that many records (the
#                        generated log written that many times over, 1.4 GB
#                        per million records: skipped with a message unless
#                        the temporary directory has that and 4 GB more
#                        free); 0: no large rows
#   BENCH_AUDIT_ONE_FILE 0: no large one-file rows (default 1)
#   BENCH_AUDIT_ROUNDS   rounds of the one-file rows (default 3): each round
#                        runs each row with --threads 1 then --threads 2, so
#                        that the two are timed under the same load; then the
#                        median of each, side by side
#   OTHER_NTLM           another ntlm binary (e.g. of an older commit): each
#                        row is run with it too, side by side (as it is: an
#                        older ntlm takes no --threads)
set -euo pipefail
build=${1:-build}
other=${2:-}
n=${BENCH_AUDIT_RECORDS:-1000000}
total=${BENCH_AUDIT_TOTAL:-10000000}
rounds=${BENCH_AUDIT_ROUNDS:-3}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v /usr/bin/time >/dev/null || { echo "bench_audit: needs /usr/bin/time (package time)" >&2; exit 1; }

echo "== ntlm audit over a synthetic estate of $n records"
python3 tests/audit/gen_estate.py --records "$n" --seed 5 "$tmp/e" >/dev/null
gzip -1 -c "$tmp/e/estate.jsonl" >"$tmp/e/estate.jsonl.gz"
size=$(stat -c %s "$tmp/e/estate.jsonl")
recs=$(wc -l <"$tmp/e/estate.jsonl")
bins=("$build/ntlm")
[ -n "$other" ] && bins+=("$other")
# timed NAME TIMES BINARY ARGS... (the files last): one timed run, then
# records/s by the clock and by CPU time, and peak RSS; the row also goes
# to $tmp/rows as "NAME<TAB>records/s<TAB>peak RSS MB"
timed() {
	local name=$1 times=$2 b=$3
	shift 3
	/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$b" audit "$@" >/dev/null
	read -r secs user sys kb <"$tmp/time"
	awk -v n="$name" -v r="$((recs * times))" -v s="$secs" -v u="$user" -v sy="$sys" \
		-v kb="$kb" -v b="$((size * times))" -v who="$([ "$b" = "$build/ntlm" ] || echo " [other]")" \
		-v load="$(cut -d' ' -f1 /proc/loadavg)" -v rows="$tmp/rows" 'BEGIN { c = u + sy
		n = n who
		printf "%-34s %11d records %7.2f s %9.0f rec/s %9.0f rec/s of CPU %6.0f MB/s  peak RSS %6.1f MB  load %s\n",
			n, r, s, r / (s > 0 ? s : 0.001), r / (c > 0 ? c : 0.001),
			b / 1e6 / (s > 0 ? s : 0.001), kb / 1024, load
		printf "%s\t%.0f\t%.1f\n", n, r / (s > 0 ? s : 0.001), kb / 1024 >>rows }'
}
# row NAME TIMES ARGS...: one run per binary
row() {
	local name=$1 times=$2 b
	shift 2
	for b in "${bins[@]}"; do
		timed "$name" "$times" "$b" "$@"
	done
}
# threads NAME ARGS...: one file, BENCH_AUDIT_ROUNDS rounds of --threads 1
# and --threads 2 in turn (and the other binary as it is)
threads() {
	local name=$1 i
	shift
	for ((i = 0; i < rounds; i++)); do
		timed "$name, 1 thread" 1 "$build/ntlm" "$1" --threads 1 "${@:2}"
		timed "$name, 2 threads" 1 "$build/ntlm" "$1" --threads 2 "${@:2}"
		[ -z "$other" ] || timed "$name" 1 "$other" "$@"
	done
}
: >"$tmp/rows"
echo "-- one file, $rounds rounds (each round: 1 thread, then 2)"
threads "report" report --json "$tmp/e/estate.jsonl"
threads "report (gzip)" report --json "$tmp/e/estate.jsonl.gz"
threads "simulate" simulate --json --policy "$tmp/e/candidate.conf" "$tmp/e/estate.jsonl"
threads "simulate (gzip)" simulate --json --policy "$tmp/e/candidate.conf" "$tmp/e/estate.jsonl.gz"
echo "-- medians of the rounds"
awk -F'\t' '{ v[$1] = v[$1] " " $2; m[$1] = $3 > m[$1] ? $3 : m[$1]; if (!($1 in seen)) { seen[$1] = 1; order[++k] = $1 } }
	END { for (i = 1; i <= k; i++) { n = split(v[order[i]], a, " ")
		for (x = 1; x <= n; x++) for (y = x + 1; y <= n; y++) if (a[y] + 0 < a[x] + 0) { t = a[x]; a[x] = a[y]; a[y] = t }
		med = n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
		printf "%-34s median %9.0f rec/s (%d runs)  peak RSS %6.1f MB\n", order[i], med, n, m[order[i]] } }' "$tmp/rows"
echo "-- default threads"
row "propose-exceptions" 1 propose-exceptions --json "$tmp/e/estate.jsonl"
if [ "$total" -gt 0 ]; then
	times=$(((total + recs - 1) / recs))
	files=()
	for ((i = 0; i < times; i++)); do files+=("$tmp/e/estate.jsonl.gz"); done
	row "report ${times}x (gzip)" "$times" report --json "${files[@]}"
	row "simulate ${times}x (gzip)" "$times" simulate --json \
		--policy "$tmp/e/candidate.conf" "${files[@]}"
	# the target's format, plain JSON Lines: the same file given $times
	# times (read a file per thread), then one file of $times copies (cut
	# into ranges that the threads take in turn)
	plain=()
	for ((i = 0; i < times; i++)); do plain+=("$tmp/e/estate.jsonl"); done
	row "report ${times}x (plain)" "$times" report --json "${plain[@]}"
	row "simulate ${times}x (plain)" "$times" simulate --json \
		--policy "$tmp/e/candidate.conf" "${plain[@]}"
	need=$((size * times))
	avail=$(df -P -B1 "$tmp" | awk 'NR == 2 { print $4 }')
	if [ "${BENCH_AUDIT_ONE_FILE:-1}" = 0 ]; then
		echo "-- one plain file of $((recs * times)) records: skipped (BENCH_AUDIT_ONE_FILE=0)"
	elif [ "$avail" -lt $((need + (4 << 30))) ]; then
		echo "-- one plain file of $((recs * times)) records: skipped, it needs $((need >> 20)) MiB" \
			"and 4 GiB to spare in $tmp, which has $((avail >> 20)) MiB free"
	else
		for ((i = 0; i < times; i++)); do cat "$tmp/e/estate.jsonl"; done >"$tmp/e/big.jsonl"
		row "report, one file of ${times}x (plain)" "$times" report --json "$tmp/e/big.jsonl"
		row "simulate, one file of ${times}x (plain)" "$times" simulate --json \
			--policy "$tmp/e/candidate.conf" "$tmp/e/big.jsonl"
		rm -f "$tmp/e/big.jsonl"
	fi
fi
