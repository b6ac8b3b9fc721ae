#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The man pages render without a warning (groff -ww, and man -l as users
# read them), and say what the programs say: every command of `ntlm help`
# is in ntlm(1), every option of `ntlm httpd --help` in ntlm-httpd(8), every
# setting of `ntlm policy show` in ntlmssp.conf(5), every function of the
# public header in ntlmssp(3) or named there.
# usage: render.sh MAN_DIR NTLM_BINARY INCLUDE_DIR
set -euo pipefail
man_dir=$1 ntlm=$2 inc=$3
fail=0
bad() {
	echo "FAIL man: $*" >&2
	fail=1
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pages=("$man_dir"/*.[1-8])
[ ${#pages[@]} -ge 4 ] || bad "expected at least 4 pages, found ${#pages[@]}"
for p in "${pages[@]}"; do
	name=$(basename "$p")
	groff -ww -z -Tutf8 -man "$p" 2>"$tmp/groff" || bad "$name: groff failed"
	[ -s "$tmp/groff" ] && bad "$name: groff warnings: $(cat "$tmp/groff")"
	LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings=w -l "$p" >"$tmp/out" 2>"$tmp/man" ||
		bad "$name: man -l failed"
	[ -s "$tmp/man" ] && bad "$name: man -l warnings: $(cat "$tmp/man")"
	grep -q '^NAME' "$tmp/out" || bad "$name: no NAME section in the rendered page"
	grep -q '^SEE ALSO' "$tmp/out" || bad "$name: no SEE ALSO section"
	# the page's own title and section match its file name
	sec=${name##*.}
	title=$(sed -n 's/^\.TH \([^ ]*\) \([1-8]\) .*/\1 \2/p' "$p" | sed 's/\\//g')
	want="$(tr '[:lower:]' '[:upper:]' <<<"${name%.*}") $sec"
	[ "$title" = "$want" ] || bad "$name: .TH says '$title', want '$want'"
	# lines wider than 80 columns would be cut on a terminal
	long=$(awk 'length > 80' "$tmp/out" | head -3)
	[ -z "$long" ] || bad "$name: rendered lines over 80 columns: $long"
	echo "man: $name renders ($(wc -l <"$tmp/out") lines)"
done

render() { LC_ALL=C.UTF-8 MANWIDTH=200 man -l "$man_dir/$1" 2>/dev/null | sed 's/‐/-/g'; }

# ntlm(1): every command
render ntlm.1 >"$tmp/ntlm.txt"
for c in $("$ntlm" help | awk '/^commands:/ {on=1; next} on && /^  [a-z]/ {print $1}'); do
	[ "$c" = help ] && continue
	grep -q "ntlm $c" "$tmp/ntlm.txt" || bad "ntlm.1 does not describe 'ntlm $c'"
done

# ntlm(1): every option of every command but httpd (ntlm-httpd(8) has those)
for c in $("$ntlm" help | awk '/^commands:/ {on=1; next} on && /^  [a-z]/ {print $1}'); do
	case $c in help | httpd) continue ;; esac
	for o in $("$ntlm" "$c" --help 2>&1 | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u); do
		grep -qe "$o" "$tmp/ntlm.txt" || bad "ntlm.1 does not describe $c $o"
	done
done

# ntlm-httpd(8): every option
render ntlm-httpd.8 >"$tmp/httpd.txt"
for o in $("$ntlm" httpd --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
	grep -qe "$o" "$tmp/httpd.txt" || bad "ntlm-httpd.8 does not describe $o"
done

# ntlmssp.conf(5): every setting
render ntlmssp.conf.5 >"$tmp/conf.txt"
n=0
for s in $("$ntlm" policy show --profile cis --brief | sed -n 's/^\([A-Za-z]*\) = .*/\1/p'); do
	n=$((n + 1))
	grep -qE "^ +$s\$" "$tmp/conf.txt" || bad "ntlmssp.conf.5 has no entry for $s"
done
[ $n -ge 15 ] || bad "ntlm policy show listed only $n settings"

# ntlmssp(3): every stable function is named
render ntlmssp.3 >"$tmp/api.txt"
for f in $(grep -oE 'ntlm_[a-z0-9_]+\(' "$inc/ntlmssp.h" | tr -d '(' | sort -u); do
	grep -q "$f" "$tmp/api.txt" || bad "ntlmssp.3 does not name $f"
done

[ $fail -eq 0 ] && echo "man: ok"
exit $fail
