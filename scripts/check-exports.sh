#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The shared library exports exactly the NTLM_API functions of the public
# headers: nothing internal leaks, nothing declared is missing. The static
# library (second argument) defines no global symbol without the ntlm_
# prefix: internal functions with external linkage are ntlm_<layer>_..., the
# rest is static.
set -u
cd "$(dirname "$0")/.."
lib=${1:-build/libntlmssp.so}
archive=${2:-build/libntlmssp.a}
[ -f "$lib" ] || { echo "check-exports: $lib not built"; exit 1; }
# A library older than the sources says nothing about them (a build dir left
# behind by a pull reports the new API as "not exported"): rebuild first.
newer=$(find include src -name '*.[ch]' -newer "$(readlink -f "$lib")" -print -quit)
[ -z "$newer" ] || {
	echo "check-exports: $lib is older than $newer: rebuild it (cmake --build $(dirname "$lib")) and run again"
	exit 1
}
declared=$(cat include/ntlmssp.h include/ntlmssp/*.h | tr '\n' ' ' | sed 's/;/;\n/g' |
	grep 'NTLM_API' | sed -nE 's/.*[^a-z0-9_](ntlm_[a-z0-9_]+)[[:space:]]*\(.*/\1/p' | sort -u)
exported=$(nm -D --defined-only "$lib" | awk '$2 ~ /[TDBR]/ {print $3}' | sed 's/@.*//' |
	grep -v '^NTLMSSP_' | sort -u)
extra=$(comm -13 <(echo "$declared") <(echo "$exported"))
missing=$(comm -23 <(echo "$declared") <(echo "$exported"))
fail=0
[ -n "$extra" ] && { echo "check-exports: exported but not in the public headers:"; echo "$extra"; fail=1; }
[ -n "$missing" ] && { echo "check-exports: declared but not exported:"; echo "$missing"; fail=1; }
if [ -f "$archive" ]; then
	unprefixed=$(nm -g --defined-only "$archive" 2>/dev/null | awk 'NF == 3 && $2 ~ /[A-Z]/ {print $3}' |
		grep -v '^ntlm_' | sort -u)
	[ -n "$unprefixed" ] && {
		echo "check-exports: global symbols without the ntlm_ prefix in $archive:"
		echo "$unprefixed"
		fail=1
	}
else
	echo "check-exports: $archive not built"
	fail=1
fi
[ $fail -eq 0 ] && echo "check-exports: ok ($(echo "$exported" | wc -l) symbols; $archive all ntlm_)"
exit $fail
