#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ntlm: top-level help, version and dispatch errors.
set -u
source "$(dirname "$0")/lib.bash"

for args in "--help" "-h" "help"; do
	run $args
	expect_ok "ntlm $args"
	grep -q '^usage: ntlm <command>' <<<"$OUT" || fail "ntlm $args: no usage: $OUT"
	grep -q '^  hash ' <<<"$OUT" || fail "ntlm $args: hash not listed"
	grep -q '^  decode ' <<<"$OUT" || fail "ntlm $args: decode not listed"
done
for c in hash decode; do
	run help $c
	expect_ok "ntlm help $c"
	grep -q "^usage: ntlm $c" <<<"$OUT" || fail "ntlm help $c: $OUT"
	run $c --help
	expect_ok "ntlm $c --help"
	grep -q "^usage: ntlm $c" <<<"$OUT" || fail "ntlm $c --help: $OUT"
done
run --version
expect_ok "--version"
grep -Eq '^ntlm \(ntlmssp\) [0-9]+\.[0-9]+\.[0-9]+$' <<<"$OUT" || fail "--version: $OUT"

run
expect_usage "no command" "no command"
grep -q '^usage: ntlm' <<<"$ERR" || fail "no command: no usage on stderr"
run frobnicate
expect_usage "unknown command" "unknown command 'frobnicate'"
run $'bad\x1b[31m'
expect_usage "unknown command is echoed safely" "unknown command 'bad\?\[31m'"
run --frob
expect_usage "unknown option" "unknown option '--frob'"
run help frobnicate
expect_usage "help for an unknown command" "no command"
run help hash decode
expect_usage "help with two names"
run decode --frob
expect_usage "unknown decode option" "unknown option '--frob'"
grep -q '^usage: ntlm decode' <<<"$ERR" || fail "decode --frob: no usage on stderr"

finish
