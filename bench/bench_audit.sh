#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make bench`, part 5: ntlm audit report and simulate over the synthetic
# estate of tests/audit/gen_estate.py (BENCH_AUDIT_RECORDS records, default
# 1,000,000: about 1.4 GB of JSON Lines in a temporary directory; 10,000,000
# needs 14 GB and a long generation), plain and gzip: records per second and
# peak RSS (memory follows the flows, not the records). Usage: bench_audit.sh BUILD
set -euo pipefail
build=${1:-build}
n=${BENCH_AUDIT_RECORDS:-1000000}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v /usr/bin/time >/dev/null || { echo "bench_audit: needs /usr/bin/time (package time)" >&2; exit 1; }

echo "== ntlm audit over a synthetic estate of $n records"
python3 tests/audit/gen_estate.py --records "$n" --seed 5 "$tmp/e" >/dev/null
gzip -1 -c "$tmp/e/estate.jsonl" >"$tmp/e/estate.jsonl.gz"
size=$(stat -c %s "$tmp/e/estate.jsonl")
recs=$(wc -l <"$tmp/e/estate.jsonl")
row() { # NAME ARGS...: one timed run, then records/s and peak RSS
	local name=$1
	shift
	/usr/bin/time -f "%e %M" -o "$tmp/time" "$build/ntlm" audit "$@" >/dev/null
	read -r secs kb <"$tmp/time"
	awk -v n="$name" -v r="$recs" -v s="$secs" -v kb="$kb" -v b="$size" 'BEGIN {
		printf "%-22s %10d records %7.2f s %10.0f records/s %7.0f MB/s  peak RSS %6.1f MB\n",
			n, r, s, r / (s > 0 ? s : 0.001), b / 1e6 / (s > 0 ? s : 0.001), kb / 1024 }'
}
row "report" report --json "$tmp/e/estate.jsonl"
row "report (gzip)" report --json "$tmp/e/estate.jsonl.gz"
row "simulate" simulate --json --policy "$tmp/e/candidate.conf" "$tmp/e/estate.jsonl"
row "propose-exceptions" propose-exceptions --json "$tmp/e/estate.jsonl"
