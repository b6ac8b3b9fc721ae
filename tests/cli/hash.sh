#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ntlm hash: known hashes (MS-NLMP 4.2.1, the Windows 7 capture of
# docs/vectors.md §7), line handling, and the usage errors.
set -u
source "$(dirname "$0")/lib.bash"

IN=Password run hash
expect_ok "nt"
eq "nt hash of Password" a4f49c406510bdcab6824ee7c30fd852 "$OUT"
IN=Password run hash --lm
expect_ok "lm"
eq "lm hash of Password" e52cac67419a9a224a3b108f3fa6cb6d "$OUT"
IN=Password run hash --v2 --user User --domain Domain
expect_ok "v2"
eq "ntowfv2 User/Domain" 0c868a403bfd7a93a3001ef22ef02e3f "$OUT"
IN=Password run hash --v2 --user=User --domain=Domain
eq "ntowfv2 with --opt=value" 0c868a403bfd7a93a3001ef22ef02e3f "$OUT"
IN=Password run hash --domain Domain --v2 --user user
eq "ntowfv2 upper-cases the user" 0c868a403bfd7a93a3001ef22ef02e3f "$OUT"
IN=P@ssw0rd run hash --v2 --user Administrator --domain WS2008R2
eq "ntowfv2 Administrator/WS2008R2" 22fe5b1bc73d136282aef78e70c8dd58 "$OUT"
IN=P@ssw0rd run hash
eq "nt hash of P@ssw0rd" e19ccf75ee54e06b06a5907af13cef42 "$OUT"
IN=Password run hash --v2 --user User
expect_ok "v2 with the default empty domain"
[ ${#OUT} -eq 32 ] || fail "v2 without --domain: '$OUT'"

# Output is exactly 32 lowercase hex digits and a newline.
printf 'Password' | "$NTLM" hash >"$TMP/raw"
eq "output bytes" "a4f49c406510bdcab6824ee7c30fd852" "$(head -c 32 "$TMP/raw")"
eq "output size" 33 "$(wc -c <"$TMP/raw" | tr -d ' ')"

# One line; one trailing \n or \r\n is dropped.
IN=$'Password\n' run hash
eq "trailing LF" a4f49c406510bdcab6824ee7c30fd852 "$OUT"
IN=$'Password\r\n' run hash
eq "trailing CRLF" a4f49c406510bdcab6824ee7c30fd852 "$OUT"
IN=$'Password\nsecond line\n' run hash
eq "only the first line" a4f49c406510bdcab6824ee7c30fd852 "$OUT"
IN=$'Password\r' run hash
expect_ok "a lone CR is part of the password"
[ "$OUT" != a4f49c406510bdcab6824ee7c30fd852 ] || fail "a lone CR was stripped"
IN=$'\n' run hash
eq "empty password" 31d6cfe0d16ae931b73c59d7e0c089c0 "$OUT"
IN=$'\n' run hash --lm
eq "empty password, lm" aad3b435b51404eeaad3b435b51404ee "$OUT"

# The password never comes from argv.
IN=Password run hash --password hunter2
expect_usage "--password refused" "read from stdin"
grep -q hunter2 <<<"$ERR" && fail "the refused password was echoed: $ERR"
[ -z "$OUT" ] || fail "--password printed something: $OUT"
IN=Password run hash --password=hunter2
expect_usage "--password= refused" "read from stdin"
grep -q hunter2 <<<"$ERR" && fail "the refused password was echoed: $ERR"
IN=Password run hash -p hunter2
expect_usage "-p refused" "read from stdin"
IN=Password run hash hunter2
expect_usage "positional password refused" "read from stdin"
grep -q hunter2 <<<"$ERR" && fail "the positional password was echoed: $ERR"
IN=Password run hash --pass=hunter2
expect_usage "unknown option" "unknown option '--pass'"
grep -q hunter2 <<<"$ERR" && fail "an option value was echoed: $ERR"

# Option combinations.
IN=Password run hash --v2
expect_usage "--v2 needs --user" "needs --user"
IN=Password run hash --v2 --user
expect_usage "--user needs a value" "needs a value"
IN=Password run hash --lm --v2 --user u
expect_usage "--lm with --v2" "exclude"
IN=Password run hash --user u
expect_usage "--user without --v2" "go with --v2"

# Input problems: exit 2 with the status name.
IN=123456789012345 run hash --lm
expect_usage "15-byte password has no LM hash" "^ntlm hash: NTLM_E_UNREPRESENTABLE: "
IN=$'\xff\xfe' run hash
expect_usage "invalid UTF-8" "^ntlm hash: NTLM_E_BAD_STRING: "
IN= run hash
expect_usage "no input" "no password"
printf 'pass\0word\n' >"$TMP/nul"
run_file "$TMP/nul" hash
expect_usage "NUL byte" "NUL"
head -c 5000 /dev/zero | tr '\0' a >"$TMP/long"
run_file "$TMP/long" hash
expect_usage "too long" "longer than"
run_file /dev/null hash
expect_usage "/dev/null" "no password"

IN= run hash --help
expect_ok "hash --help"
grep -q '^usage: ntlm hash' <<<"$OUT" || fail "hash --help: $OUT"

finish
