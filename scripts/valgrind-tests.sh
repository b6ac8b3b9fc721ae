#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs the vector tests (label "vectors") and the unit tests under valgrind
# memcheck; any error or leak fails.
set -euo pipefail
build=${1:-build}
fail=0
for t in "$build"/test_*; do
	[ -x "$t" ] || continue
	# interop tests run peer libraries whose own leaks are not ours
	case "$(basename "$t")" in test_interop_*) continue ;; esac
	# test_winbind needs the live test domain: the `domain` ctest suite runs it there
	case "$(basename "$t")" in test_winbind) continue ;; esac
	# MIT mechglue's own lasting allocations (tests/gss/valgrind.supp), not ours
	if ! valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--suppressions="$(dirname "$0")/../tests/gss/valgrind.supp" \
		"$t" >"$t.valgrind.log" 2>&1; then
		echo "valgrind: $(basename "$t") FAILED"; tail -40 "$t.valgrind.log"; fail=1
	else
		echo "valgrind: $(basename "$t") ok"
	fi
done
# ntlm audit's reading threads (one file cut into ranges, a gzip file
# inflated apart, several files at once) under helgrind and memcheck: no
# race, no error, no leak; the same output as one thread.
if [ -x "$build/ntlm" ]; then
	tmp=$(mktemp -d)
	python3 "$(dirname "$0")/../tests/audit/gen_estate.py" --records 7000 --seed 3 "$tmp/e" >/dev/null
	gzip -1 -c "$tmp/e/estate.jsonl" >"$tmp/e/estate.jsonl.gz"
	"$build/ntlm" audit report --json --threads 1 "$tmp/e/estate.jsonl" >"$tmp/one.json"
	for args in "report --json --threads 2 $tmp/e/estate.jsonl" \
		"report --json --threads 2 $tmp/e/estate.jsonl.gz" \
		"simulate --json --policy $tmp/e/candidate.conf --threads 3 $tmp/e/estate.jsonl $tmp/e/estate.jsonl.gz $tmp/e/estate.jsonl"; do
		for tool in "--tool=helgrind" "--leak-check=full --errors-for-leak-kinds=definite,indirect"; do
			# shellcheck disable=SC2086
			if ! valgrind -q --error-exitcode=99 $tool "$build/ntlm" audit $args \
				>"$tmp/out.json" 2>"$tmp/valgrind.log"; then
				echo "valgrind: ntlm audit $args ($tool) FAILED"; tail -40 "$tmp/valgrind.log"; fail=1
			fi
		done
		case "$args" in
		report*.jsonl)
			if ! cmp -s "$tmp/one.json" "$tmp/out.json"; then
				echo "valgrind: ntlm audit $args: not the output of one thread"; fail=1
			fi ;;
		esac
	done
	[ "$fail" -ne 0 ] || echo "valgrind: ntlm audit threads ok"
	rm -rf "$tmp"
fi
exit $fail
