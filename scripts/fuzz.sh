#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs the libFuzzer targets one after another (docs/security.md).
#   scripts/fuzz.sh BUILD_DIR SECONDS [TARGET...]
# BUILD_DIR is a clang build with -DNTLM_FUZZ=ON. Each target starts from its
# committed corpus (tests/fuzz/corpus/<target>, read only) and keeps what it
# finds in BUILD_DIR/fuzz-corpus/<target>; a crash leaves its input in
# BUILD_DIR/fuzz-artifacts/ and makes this script fail. With no TARGET, every
# tests/fuzz/fuzz_*.c is run.
set -euo pipefail

build=${1:?usage: fuzz.sh BUILD_DIR SECONDS [TARGET...]}
secs=${2:?usage: fuzz.sh BUILD_DIR SECONDS [TARGET...]}
shift 2
root=$(cd "$(dirname "$0")/.." && pwd)

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
	for f in "$root"/tests/fuzz/fuzz_*.c; do
		targets+=("$(basename "$f" .c)")
	done
fi

dict_for() {
	case "$1" in
	fuzz_policy_*) echo "$root/tests/fuzz/dict/policy.dict" ;;
	fuzz_http_*) echo "$root/tests/fuzz/dict/http.dict" ;;
	fuzz_accounts*) echo "$root/tests/fuzz/dict/accounts.dict" ;;
	fuzz_audit_windows*) echo "$root/tests/fuzz/dict/windows-xml.dict" ;;
	*) echo "$root/tests/fuzz/dict/ntlmssp.dict" ;;
	esac
}

mkdir -p "$build/fuzz-artifacts"
failed=()
for t in "${targets[@]}"; do
	bin="$build/$t"
	if [ ! -x "$bin" ]; then
		echo "fuzz: $bin not built" >&2
		failed+=("$t")
		continue
	fi
	work="$build/fuzz-corpus/$t"
	mkdir -p "$work"
	dict=$(dict_for "$t")
	args=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
	      -artifact_prefix="$build/fuzz-artifacts/$t-")
	[ -f "$dict" ] && args+=(-dict="$dict")
	echo "fuzz: $t for ${secs}s" >&2
	if ! ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
	     UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	     "$bin" "${args[@]}" "$work" "$root/tests/fuzz/corpus/$t" \
	     >"$build/fuzz-$t.log" 2>&1; then
		tail -n 60 "$build/fuzz-$t.log" >&2
		failed+=("$t")
		continue
	fi
	grep -E '^#[0-9]+.*(DONE|pulse)|stat::number_of_executed_units|cov:' "$build/fuzz-$t.log" |
		tail -n 2 >&2 || true
done
if [ ${#failed[@]} -ne 0 ]; then
	echo "fuzz: FAILED: ${failed[*]} (logs: $build/fuzz-<target>.log, inputs: $build/fuzz-artifacts/)" >&2
	exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${secs}s each, no crash" >&2
