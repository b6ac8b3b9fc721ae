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
exit $fail
