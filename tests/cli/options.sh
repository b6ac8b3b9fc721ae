#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Option parsing of every ntlm command (getopt_long): short options,
# --opt=value, options after operands, "--", whole long names only, and the
# usage errors (unknown option, missing value, extra argument): exit 2, one
# line naming the option.
set -u
source "$(dirname "$0")/lib.bash"

NEG=TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw==

# usage_is NAME REGEX ARGS...: exit 2 and the first stderr line matches REGEX.
usage_is() {
	local name=$1 re=$2
	shift 2
	run "$@"
	expect_usage "$name" "$re"
	CHECKS=$((CHECKS + 1))
	grep -Eq -- "$re" <<<"$(head -n 1 <<<"$ERR")" || fail "$name: first line: $ERR"
}

# -h / --help everywhere, ntlm itself included; -V.
for c in hash decode accounts policy client server helper audit; do
	for h in -h --help; do
		run $c $h
		expect_ok "$c $h"
		grep -q "^usage: ntlm $c" <<<"$OUT" || fail "$c $h: $OUT"
	done
done
run -h
expect_ok "ntlm -h"
grep -q '^usage: ntlm <command>' <<<"$OUT" || fail "ntlm -h: $OUT"
run -V
expect_ok "ntlm -V"
grep -Eq '^ntlm \(ntlmssp\) [0-9]+\.[0-9]+\.[0-9]+$' <<<"$OUT" || fail "ntlm -V: $OUT"
usage_is "ntlm --vers (no abbreviation)" "^ntlm: unknown option '--vers'$" --vers
usage_is "ntlm -x" "^ntlm: unknown option '-x'$" -x
usage_is "ntlm --version=1" "^ntlm: unknown option '--version'$" --version=1
# Options before the command are ntlm's; a command's are its own.
run -- hash --help
expect_ok "ntlm -- hash --help"

# hash: -u / -d and --opt=value give the same hash as the long forms.
IN=Password run hash --v2 --user User --domain Domain
expect_ok "hash long"
long=$OUT
eq "hash NTOWFv2 (MS-NLMP 4.2.4.1.1)" 0c868a403bfd7a93a3001ef22ef02e3f "$long"
IN=Password run hash --v2 -u User -d Domain
eq "hash -u -d" "$long" "$OUT"
IN=Password run hash --v2 --user=User --domain=Domain
eq "hash --user=" "$long" "$OUT"
IN=Password run hash -uUser --v2 -dDomain
eq "hash -uUser (value attached)" "$long" "$OUT"
usage_is "hash -u without a value" "^ntlm hash: -u needs a value$" hash --v2 -u
usage_is "hash --domain without a value" "^ntlm hash: --domain needs a value$" hash --v2 --user u --domain
usage_is "hash -x" "^ntlm hash: unknown option '-x'$" hash -x
usage_is "hash --us (no abbreviation)" "^ntlm hash: unknown option '--us'$" hash --v2 --us u
usage_is "hash --lm=1" "^ntlm hash: unknown option '--lm'$" hash --lm=1
usage_is "hash -p" "read from stdin" hash -p
usage_is "hash -psecret (grouped)" "read from stdin" hash -psecret
grep -q secret <<<"$ERR" && fail "hash -psecret echoed it: $ERR"
usage_is "hash --password=s" "read from stdin" hash --password=secret
grep -q secret <<<"$ERR" && fail "hash --password= echoed it: $ERR"

# decode: options after the token, "--".
run decode "$NEG" --json
expect_ok "decode TOKEN --json"
json=$OUT
run decode --json -- "$NEG"
expect_ok "decode --json -- TOKEN"
eq "decode: -- then the token" "$json" "$OUT"
usage_is "decode -j" "^ntlm decode: unknown option '-j'$" decode -j "$NEG"
usage_is "decode --js (no abbreviation)" "^ntlm decode: unknown option '--js'$" decode --js "$NEG"

# accounts: -f, --file=, options after the name, "--" before a name with '-'.
F=$TMP/acc
IN=$'pw1\n' run accounts add -f "$F" 'CORP\alice'
expect_ok "accounts add -f"
IN=$'pw2\n' run accounts add 'CORP\bob' --file="$F"
expect_ok "accounts add NAME --file="
IN=$'pw3\n' run accounts add --file "$F" -- -carol
expect_ok "accounts add -- -carol"
run accounts list -f "$F"
expect_ok "accounts list -f"
eq "accounts list" "$(printf -- '-carol\nCORP\\alice\nCORP\\bob' | LC_ALL=C sort)" "$(LC_ALL=C sort <<<"$OUT")"
usage_is "accounts -f without a value" "^ntlm accounts: -f needs a value$" accounts list -f
usage_is "accounts --fil (no abbreviation)" "^ntlm accounts: unknown option '--fil'$" accounts list --fil "$F"
usage_is "accounts -x" "^ntlm accounts: unknown option '-x'$" accounts list -f "$F" -x
usage_is "accounts -p" "never from the command line" accounts add -f "$F" -p x bob
usage_is "accounts two names" "more than one name" accounts add -f "$F" a b

# policy: -p / -c same as --profile / --config; import -p; check has neither.
run policy show --profile strict --brief
expect_ok "policy show --profile"
strict=$OUT
run policy show -p strict --brief
eq "policy show -p" "$strict" "$OUT"
run policy show --brief --profile=strict
eq "policy show --profile=" "$strict" "$OUT"
printf '[MSV1_0]\nNtlmMinServerSec = 0x20080000\n' >"$TMP/p.conf"
run policy show --config "$TMP/p.conf" --brief
expect_ok "policy show --config"
conf=$OUT
run policy show -c "$TMP/p.conf" --brief
eq "policy show -c" "$conf" "$OUT"
run policy import -p legacy-insecure "$TMP/p.conf"
expect_ok "policy import -p"
imp=$OUT
run policy import "$TMP/p.conf" --profile legacy-insecure
eq "policy import FILE --profile" "$imp" "$OUT"
usage_is "policy show -p without a value" "^ntlm policy: -p needs a value$" policy show -p
usage_is "policy show --prof (no abbreviation)" "^ntlm policy: unknown option '--prof'$" policy show --prof strict
usage_is "policy check -p (not an option of check)" "^ntlm policy: unknown option '-p'$" policy check -p strict "$TMP/p.conf"
usage_is "policy check --profile" "^ntlm policy: unknown option '--profile'$" policy check --profile strict "$TMP/p.conf"
usage_is "policy show operand" "show takes no operand" policy show extra

# client: -u, -c, -p map to their long options.
usage_is "client -c with -p" "--config and --profile exclude each other" \
	client -c "$TMP/p.conf" -p strict -u 'CORP\u' --password x 127.0.0.1:1
usage_is "client -u without a value" "^ntlm client: -u needs a value$" client -u
usage_is "client --pass (no abbreviation)" "^ntlm client: unknown option '--pass'$" client -u u --pass=x 127.0.0.1:1
usage_is "client --password-f (no abbreviation)" "^ntlm client: unknown option '--password-f'$" client -u u --password-f x 127.0.0.1:1
usage_is "client two addresses" "unexpected argument '127.0.0.1:2'" client -u u --password x 127.0.0.1:1 127.0.0.1:2
usage_is "client -p unknown profile" "unknown profile 'nope'" client -p nope -u 'CORP\u' --password x 127.0.0.1:1

# server: -l, -p.
usage_is "server -l -p nope" "unknown profile 'nope'" server -l 127.0.0.1:0 -p nope
usage_is "server --listen=ADDR -p nope" "unknown profile 'nope'" server --listen=127.0.0.1:0 --profile=nope
usage_is "server -l without a value" "^ntlm server: -l needs a value$" server -l
usage_is "server --max-conn (no abbreviation)" "^ntlm server: unknown option '--max-conn'$" server -l 127.0.0.1:0 --max-conn 3
usage_is "server --require=x" "--require: 'x' is not sign or seal" server -l 127.0.0.1:0 --require=x

# helper: -p, --protocol=.
usage_is "helper -p nope" "unknown profile 'nope'" helper --protocol=squid-2.5-ntlmssp -p nope
usage_is "helper --stdio (not a helper option)" "^ntlm helper: unknown option '--stdio'$" helper --protocol squid-2.5-ntlmssp --stdio
usage_is "helper --protocol without a value" "^ntlm helper: --protocol needs a value$" helper --protocol
usage_is "helper operand" "unknown argument 'extra'" helper --protocol squid-2.5-ntlmssp extra

# audit: per subcommand options.
usage_is "audit report --policy" "^ntlm audit: unknown option '--policy'$" audit report --policy x log
usage_is "audit simulate --policy without a value" "^ntlm audit: --policy needs a value$" audit simulate log --policy
usage_is "audit report --wildcards" "^ntlm audit: unknown option '--wildcards'$" audit report --wildcards log
usage_is "audit report -x" "^ntlm audit: unknown option '-x'$" audit report -x log
usage_is "audit report --js (no abbreviation)" "^ntlm audit: unknown option '--js'$" audit report --js log

finish
