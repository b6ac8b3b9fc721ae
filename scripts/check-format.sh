#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every C file in the tree is formatted as .clang-format says (the house style:
# kernel-like, tabs, function braces on their own line, 100 columns).
# `scripts/check-format.sh --fix` rewrites the files instead of reporting them.
set -u
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "check-format: clang-format is not installed"; exit 1; }
fix=0
[ "${1:-}" = "--fix" ] && fix=1
bad=()
while IFS= read -r -d '' f; do
	[ -f "$f" ] || continue
	if [ $fix -eq 1 ]; then
		clang-format --style=file -i "$f"
	elif ! clang-format --style=file "$f" | cmp -s - "$f"; then
		bad+=("$f")
	fi
done < <(git ls-files -z --cached --others --exclude-standard -- '*.c' '*.h')
if [ ${#bad[@]} -gt 0 ]; then
	echo "check-format: not formatted as .clang-format says (run scripts/check-format.sh --fix):"
	printf '  %s\n' "${bad[@]}"
	exit 1
fi
echo "check-format: ok"
