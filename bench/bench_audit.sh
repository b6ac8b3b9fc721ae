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
#                        command line, as .gz (1.4 GB per million records
#                        would not fit a small disk; the estate's flows stay
#                        the same, so memory should too); 0: no large rows
#   OTHER_NTLM           another ntlm binary (e.g. of an older commit): each
#                        row is run with it too, side by side
set -euo pipefail
build=${1:-build}
other=${2:-}
n=${BENCH_AUDIT_RECORDS:-1000000}
total=${BENCH_AUDIT_TOTAL:-10000000}
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
# row NAME TIMES ARGS... (the files last): one timed run per binary, then
# records/s by the clock and by CPU time, and peak RSS
row() {
	local name=$1 times=$2 b
	shift 2
	for b in "${bins[@]}"; do
		/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$b" audit "$@" >/dev/null
		read -r secs user sys kb <"$tmp/time"
		awk -v n="$name" -v r="$((recs * times))" -v s="$secs" -v u="$user" -v sy="$sys" \
			-v kb="$kb" -v b="$((size * times))" -v who="$([ "$b" = "$build/ntlm" ] || echo " [other]")" \
			-v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN { c = u + sy
			printf "%-24s %11d records %7.2f s %9.0f rec/s %9.0f rec/s of CPU %6.0f MB/s  peak RSS %6.1f MB  load %s%s\n",
				n, r, s, r / (s > 0 ? s : 0.001), r / (c > 0 ? c : 0.001),
				b / 1e6 / (s > 0 ? s : 0.001), kb / 1024, load, who }'
	done
}
row "report" 1 report --json "$tmp/e/estate.jsonl"
row "report (gzip)" 1 report --json "$tmp/e/estate.jsonl.gz"
row "simulate" 1 simulate --json --policy "$tmp/e/candidate.conf" "$tmp/e/estate.jsonl"
row "propose-exceptions" 1 propose-exceptions --json "$tmp/e/estate.jsonl"
if [ "$total" -gt 0 ]; then
	times=$(((total + recs - 1) / recs))
	files=()
	for ((i = 0; i < times; i++)); do files+=("$tmp/e/estate.jsonl.gz"); done
	row "report ${times}x (gzip)" "$times" report --json "${files[@]}"
	row "simulate ${times}x (gzip)" "$times" simulate --json \
		--policy "$tmp/e/candidate.conf" "${files[@]}"
fi
