#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ntlm-httpd's option parsing (getopt_long): the short options (-h, -V, -q,
# -l, -c, -u) do what their long forms do, --name=value and unambiguous
# abbreviations work, and a wrong command line exits 2 with one clear line:
# an unknown option (long or short), a missing value (long or short), an
# ambiguous abbreviation, an operand.
set -u
source "$(dirname "$0")/lib.bash"

HTTPD=$(dirname "$NTLM")/ntlm-httpd
# usage_line ARGS...: exit status and the first stderr line of a failing run
usage_line() {
	"$HTTPD" "$@" >"$TMP/u.out" 2>"$TMP/u.err"
	echo "$? $(head -n 1 "$TMP/u.err")"
}

help=$("$HTTPD" -h)
eq "-h is --help" "$("$HTTPD" --help)" "$help"
for o in "-l, --listen HOST:PORT" "-c, --config FILE" "-q, --quiet" "-u, --user NAME" \
	"-h, --help" "-V, --version"; do
	contains "--help lists $o" "$o" "$help"
done
eq "-V is --version" "$("$HTTPD" --version)" "$("$HTTPD" -V)"
eq "-V among other options" "$("$HTTPD" --version)" "$("$HTTPD" -q -V)"

eq "unknown long option" "2 ntlm httpd: unknown option '--frob'" "$(usage_line --frob)"
eq "unknown long option with a value" "2 ntlm httpd: unknown option '--frob'" \
	"$(usage_line --frob=secret)"
eq "unknown short option" "2 ntlm httpd: unknown option '-x'" "$(usage_line -x)"
eq "unknown short option in a cluster" "2 ntlm httpd: unknown option '-x'" "$(usage_line -qx)"
eq "missing value (long)" "2 ntlm httpd: --listen needs a value" "$(usage_line --listen)"
eq "missing value (short)" "2 ntlm httpd: -c needs a value" "$(usage_line -q -c)"
eq "missing value (-u)" "2 ntlm httpd: -u needs a value" "$(usage_line -u)"
eq "ambiguous abbreviation" "2 ntlm httpd: ambiguous option '--max' (4 options start so)" \
	"$(usage_line --max 3)"
eq "an operand" "2 ntlm httpd: unexpected argument 'extra'" "$(usage_line -q extra)"
eq "a bad value still checked" \
	"2 ntlm httpd: --max-connections wants a number from 1 to 65536, not '0'" \
	"$(usage_line --max-conn=0)"
contains "the usage follows the error" "usage: ntlm-httpd" "$(cat "$TMP/u.err")"

# The short forms serve: -l, -c (twice: later wins), -q; an abbreviation
# (--acc) and --name=value on the way.
printf '[Lsa]\nLmCompatibilityLevel = 3\n' >"$TMP/a.conf"
printf '[Lsa]\nLmCompatibilityLevel = 5\n' >"$TMP/b.conf"
"$HTTPD" -q -l 127.0.0.1:0 -c "$TMP/a.conf" -c "$TMP/b.conf" --acc="$TMP/accounts" \
	--audit "$TMP/short.audit" >"$TMP/short.out" 2>"$TMP/short.err" &
SERVER_PID=$!
SERVER_NAME=short
for ((i = 0; i < START_TIMEOUT * 20; i++)); do
	grep -q 'listening on' "$TMP/short.out" && break
	kill -0 "$SERVER_PID" 2>/dev/null || break
	sleep 0.05
done
PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$TMP/short.out")
[ -n "$PORT" ] || { fail "short options: did not start: $(cat "$TMP/short.err")"; finish; }
BASE=http://127.0.0.1:$PORT
eq "short options: NTLMv2 logon" 200 \
	"$(curl_ntlm "DEMO\\demo:$DEMO_PW" -o /dev/null -w '%{http_code}' "$BASE/")"
# -c twice: the later file's level 5 refuses NTLMv1 (403)
out=$($PY "$HERE/ntlmclient.py" "$PORT" handshake --compat 1)
eq "-c given twice: the later wins" 403 \
	"$($PY -c 'import json,sys; print(json.loads(sys.argv[1])["auth_status"])' "$out")"
eq "-q: no request log" "" "$(grep '" [0-9][0-9][0-9]' "$TMP/short.err")"
finish
