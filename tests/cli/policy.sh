#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ntlm policy: show (each profile; a file's values with file:line sources),
# check (good files; every error of a bad native, INF or .reg file with its
# file:line), import (INF and .reg fixtures -> native config that checks
# clean and shows the same settings), and malformed input and usage errors.
set -u
source "$(dirname "$0")/lib.bash"

FIX=$HERE/../policy
SNAP=$HERE/../snapshots
# Short paths in the sources: copies of the fixtures in $TMP.
for f in gpttmpl-cis.inf template-utf8.inf export-v5.reg export-regedit4.reg; do
	cp "$FIX/$f" "$TMP/$f"
done

# block NAME: the lines of setting NAME's block in $OUT.
block() {
	awk -v n="$1" '
		index($0, n " =") == 1 { on = 1 }
		on && $0 == "" { exit }
		on { print }' <<<"$OUT"
}
# in_block NAME LINE: NAME's block has this exact line.
in_block() {
	CHECKS=$((CHECKS + 1))
	block "$1" | grep -Fxq -- "$2" || fail "$1: no line '$2' in:
$(block "$1")"
}
# The settings without where they came from (for comparing two sources).
settings() { grep -v -e '^  source:' -e '^profile:' <<<"$OUT"; }

SETTINGS="LmCompatibilityLevel NtlmMinClientSec NtlmMinServerSec RestrictSendingNTLMTraffic
ClientAllowedNTLMServers RestrictReceivingNTLMTraffic AuditReceivingNTLMTraffic
RestrictNTLMInDomain AuditNTLMInDomain DCAllowedNTLMServers StrictMinSec RequireMIC
ChannelBindings MaxClockSkew AllowAnonymous"

# ---- help ------------------------------------------------------------------
for args in "policy --help" "policy -h" "help policy" "policy show --help" \
	"policy check --help" "policy import -h"; do
	run $args
	expect_ok "ntlm $args"
	grep -q '^usage: ntlm policy show' <<<"$OUT" || fail "ntlm $args: $OUT"
done

# ---- show: profiles ------------------------------------------------------------
run policy show
expect_ok "show (default)"
has_line "default is cis" "profile: cis"
has_line "cis is secure" "insecure: no"
eq "19 settings from the profile" 19 "$(grep -cFx '  source:   profile cis' <<<"$OUT")"
for s in $SETTINGS; do
	CHECKS=$((CHECKS + 1))
	[ "$(grep -c "^$s =" <<<"$OUT")" -eq 1 ] || fail "show: $s not shown exactly once"
	for k in windows registry meaning source; do
		CHECKS=$((CHECKS + 1))
		block "$s" | grep -q "^  $k: " || fail "show: $s has no $k line"
	done
done
in_block LmCompatibilityLevel "LmCompatibilityLevel = 5 (SendNTLMv2OnlyRefuseLMAndNTLM)"
in_block LmCompatibilityLevel "  windows:  Network security: LAN Manager authentication level = Send NTLMv2 response only. Refuse LM & NTLM"
in_block LmCompatibilityLevel '  registry: HKLM\SYSTEM\CurrentControlSet\Control\Lsa\LmCompatibilityLevel (REG_DWORD)'
in_block LmCompatibilityLevel "  meaning:  a client sends NTLMv2 responses only; a server accepts NTLMv2 only (LM and NTLMv1 refused)"
in_block NtlmMinServerSec "NtlmMinServerSec = 0x20080000 (RequireNTLMv2SessionSecurity|Require128)"
in_block NtlmMinServerSec "  windows:  Network security: Minimum session security for NTLM SSP based (including secure RPC) servers = Require NTLMv2 session security, Require 128-bit encryption"
CHECKS=$((CHECKS + 1))
block NtlmMinServerSec | grep -q '^  meaning:  a server fails the exchange (event 4011) unless .* (0x00080000 NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY) and 128-bit keys (0x20000000 NTLMSSP_NEGOTIATE_128)' ||
	fail "NtlmMinServerSec meaning: $(block NtlmMinServerSec)"
in_block RestrictSendingNTLMTraffic "RestrictSendingNTLMTraffic = 1 (Audit)"
in_block RestrictSendingNTLMTraffic "  windows:  Network security: Restrict NTLM: Outgoing NTLM traffic to remote servers = Audit all"
in_block ChannelBindings "ChannelBindings = Accept"
in_block ChannelBindings "  windows:  none (an ntlmssp setting, section [ntlmssp])"
in_block ChannelBindings "  registry: none"
in_block MaxClockSkew "MaxClockSkew = 300 (seconds)"

run policy show --profile windows-default
expect_ok "show windows-default"
has_line "windows-default" "profile: windows-default"
in_block LmCompatibilityLevel "LmCompatibilityLevel = 3 (SendNTLMv2Only)"
in_block NtlmMinClientSec "NtlmMinClientSec = 0x20000000 (Require128)"
in_block NtlmMinClientSec "  source:   profile windows-default"
in_block RestrictSendingNTLMTraffic "RestrictSendingNTLMTraffic = 0 (Allow)"
in_block ChannelBindings "ChannelBindings = Off"
run policy show --profile=strict
expect_ok "show strict"
in_block StrictMinSec "StrictMinSec = yes"
in_block RequireMIC "RequireMIC = yes"
in_block RequireMIC "  meaning:  a server refuses an AUTHENTICATE without a MIC (event 9002)"
in_block ChannelBindings "ChannelBindings = Require"
run policy show --profile LEGACY-INSECURE
expect_ok "show legacy-insecure (names are case-insensitive)"
has_line "legacy: insecure" "insecure: yes (LmCompatibilityLevel, AllowAnonymous)"
in_block LmCompatibilityLevel "LmCompatibilityLevel = 0 (SendLMAndNTLM)  INSECURE"
in_block AllowAnonymous "AllowAnonymous = yes  INSECURE"
in_block NtlmMinClientSec "  windows:  Network security: Minimum session security for NTLM SSP based (including secure RPC) clients = (no box checked)"

# --brief is the snapshot format, byte for byte.
for p in cis windows-default strict legacy-insecure; do
	"$NTLM" policy show --brief --profile "$p" >"$TMP/brief" 2>"$TMP/err"
	CHECKS=$((CHECKS + 1))
	cmp -s "$TMP/brief" "$SNAP/policy-$p.txt" || fail "show --brief --profile $p differs from the snapshot"
done

# ---- show: files, with file:line sources --------------------------------------
cat >"$TMP/t.conf" <<'EOF'
# a test policy
Profile = windows-default

[Lsa]
LmCompatibilityLevel = SendNTLMv2OnlyRefuseLM

[MSV1_0]
NtlmMinServerSec = RequireNTLMv2SessionSecurity | Require128
RestrictSendingNTLMTraffic = Deny
ClientAllowedNTLMServers = *.example.com, web*

[ntlmssp]
RequireMIC = yes
EOF
run policy show --config "$TMP/t.conf"
expect_ok "show --config native"
has_line "profile named by the file" "profile: windows-default (named at $TMP/t.conf:2)"
in_block LmCompatibilityLevel "LmCompatibilityLevel = 4 (SendNTLMv2OnlyRefuseLM)"
in_block LmCompatibilityLevel "  source:   $TMP/t.conf:5"
in_block NtlmMinServerSec "  source:   $TMP/t.conf:8"
in_block RestrictSendingNTLMTraffic "  source:   $TMP/t.conf:9"
in_block ClientAllowedNTLMServers "ClientAllowedNTLMServers = *.example.com, web*"
in_block ClientAllowedNTLMServers "  windows:  Network security: Restrict NTLM: Add remote server exceptions for NTLM authentication = *.example.com, web*"
in_block ClientAllowedNTLMServers "  source:   $TMP/t.conf:10"
in_block RequireMIC "  source:   $TMP/t.conf:13"
in_block NtlmMinClientSec "  source:   profile windows-default"

INF=$TMP/gpttmpl-cis.inf
run policy show --config "$INF"
expect_ok "show --config INF (UTF-16LE)"
in_block LmCompatibilityLevel "  source:   $INF:43"
in_block NtlmMinClientSec "  source:   $INF:53"
in_block RestrictSendingNTLMTraffic "  source:   $INF:56"
in_block ClientAllowedNTLMServers "ClientAllowedNTLMServers = server1, *.example.com"
in_block ClientAllowedNTLMServers "  source:   $INF:52"
in_block AuditNTLMInDomain "AuditNTLMInDomain = 7 (All)"
in_block AuditNTLMInDomain "  source:   $INF:74"
in_block RequireMIC "  source:   not defined (Windows default)"
has_line "an INF starts from windows-default" "profile: windows-default"
run policy show --config "$TMP/export-v5.reg"
expect_ok "show --config .reg v5"
CHECKS=$((CHECKS + 1))
grep -q "^  source:   $TMP/export-v5.reg:[0-9]*$" <<<"$OUT" || fail "no .reg file:line source: $OUT"

# ---- check ------------------------------------------------------------------------
for f in "$TMP/t.conf" "$INF" "$TMP/template-utf8.inf" "$TMP/export-v5.reg" "$TMP/export-regedit4.reg"; do
	run policy check "$f"
	expect_ok "check $(basename "$f")"
	eq "check $(basename "$f") output" "$f: ok" "$OUT"
	eq "check $(basename "$f") is quiet on stderr" "" "$ERR"
done

cat >"$TMP/bad.conf" <<'EOF'
[Lsa]
LmCompatibilityLevel = 7
Bogus = 1
[MSV1_0]
NtlmMinClientSec = 0x20080001
RestrictSendingNTLMTraffic = Block
LmCompatibilityLevel = 3
[Nope]
x = 1
[ntlmssp]
MaxClockSkew = 0
MaxClockSkew = 5
EOF
run policy check "$TMP/bad.conf"
expect_usage "check of a file with errors"
eq "no output on stdout" "" "$OUT"
B=$TMP/bad.conf
eq "every error, in file order, with file:line" \
"$B:2: LmCompatibilityLevel = 7: out of range (0..5)
$B:3: unknown setting 'Bogus' in [Lsa]
$B:5: NtlmMinClientSec = 0x20080001: bits 0x00000001 are not allowed (allowed: 0x00000010, 0x00000020, 0x00080000, 0x20000000)
$B:6: RestrictSendingNTLMTraffic = 'Block': not a number or one of Allow, Audit, Deny
$B:7: LmCompatibilityLevel belongs in [Lsa], not [MSV1_0]
$B:8: unknown section [Nope] (known: [MSV1_0], [Lsa], [Netlogon], [ntlmssp])
$B:11: MaxClockSkew = 0: out of range (1..86400 seconds)
$B:12: MaxClockSkew set twice (first at line 11)" "$ERR"

# An INF and a .reg with errors (UTF-8 INF; REGEDIT4).
cat >"$TMP/bad.inf" <<'EOF'
[Unicode]
Unicode=yes
[Registry Values]
MACHINE\System\CurrentControlSet\Control\Lsa\LmCompatibilityLevel=4,9
MACHINE\System\CurrentControlSet\Control\Lsa\MSV1_0\NTLMMinClientSec=1,537395200
MACHINE\System\CurrentControlSet\Control\Lsa\RestrictSendingNTLMTraffic=4,2
MACHINE\Software\Whatever\RestrictSendingNTLMTraffic=4,2
MACHINE\System\CurrentControlSet\Control\Lsa\MSV1_0\AuditReceivingNTLMTraffic=4,0x2
EOF
run policy check "$TMP/bad.inf"
expect_usage "check of a bad INF"
eq "INF: three errors" 3 "$(grep -c . <<<"$ERR")"
CHECKS=$((CHECKS + 3))
grep -q "^$TMP/bad.inf:4: LmCompatibilityLevel = 9: out of range" <<<"$ERR" || fail "INF line 4: $ERR"
grep -q "^$TMP/bad.inf:5: NtlmMinClientSec: registry type 1 (REG_SZ), expected 4 (REG_DWORD)" <<<"$ERR" || fail "INF line 5: $ERR"
grep -q "^$TMP/bad.inf:6: RestrictSendingNTLMTraffic is under " <<<"$ERR" || fail "INF line 6: $ERR"
printf 'REGEDIT4\n\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Lsa]\n"LmCompatibilityLevel"=dword:00000009\n"Other"=dword:1\n\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Lsa\\MSV1_0]\n"NtlmMinServerSec"=hex(4):01,02,03\n"RestrictSendingNTLMTraffic"=-\n' >"$TMP/bad.reg"
run policy check "$TMP/bad.reg"
expect_usage "check of a bad .reg"
eq ".reg: two errors (a deletion is no error)" 2 "$(grep -c . <<<"$ERR")"
CHECKS=$((CHECKS + 2))
grep -q "^$TMP/bad.reg:4: LmCompatibilityLevel = 9" <<<"$ERR" || fail ".reg line 4: $ERR"
grep -q "^$TMP/bad.reg:8: .*hex(4) data has 3 bytes" <<<"$ERR" || fail ".reg line 8: $ERR"

# Hundreds of errors: all reported, none left out.
{ echo '[ntlmssp]'; for i in $(seq 1 500); do echo "Unknown$i = 1"; done; } >"$TMP/many.conf"
run policy check "$TMP/many.conf"
expect_usage "500 errors"
eq "500 error lines" 500 "$(grep -c "^$TMP/many.conf:[0-9]*: unknown setting" <<<"$ERR")"
CHECKS=$((CHECKS + 1))
grep -q '\.\.\. and' <<<"$ERR" && fail "errors were left out"

# show and import of a bad file print the same errors.
run policy show --config "$TMP/bad.conf"
expect_usage "show --config of a bad file" "^$TMP/bad.conf:2: LmCompatibilityLevel = 7"
eq "show: every error" 8 "$(grep -c . <<<"$ERR")"
eq "show: nothing on stdout" "" "$OUT"
run policy import "$TMP/bad.inf"
expect_usage "import of a bad INF" "^$TMP/bad.inf:4: "
eq "import: nothing on stdout" "" "$OUT"

# ---- import -----------------------------------------------------------------------
for f in gpttmpl-cis.inf template-utf8.inf export-v5.reg export-regedit4.reg; do
	run policy import "$TMP/$f"
	expect_ok "import $f"
	printf '%s\n' "$OUT" >"$TMP/$f.conf"
	has_line "import $f: a header comment" "# Imported by 'ntlm policy import' from $TMP/$f"
	has_line "import $f: sections" "[MSV1_0]"
	run policy check "$TMP/$f.conf"
	expect_ok "the import of $f checks clean"
	run policy show --config "$TMP/$f"
	orig=$(settings)
	run policy show --config "$TMP/$f.conf"
	eq "import of $f shows the same settings" "$orig" "$(settings)"
	run policy show --brief --config "$TMP/$f"
	orig=$(sed 's/; [^;]*$//; s/  # .*$//' <<<"$OUT")
	run policy show --brief --config "$TMP/$f.conf"
	eq "import of $f: same values (--brief)" "$orig" "$(sed 's/; [^;]*$//; s/  # .*$//' <<<"$OUT")"
done
run policy import "$INF"
has_line "INF import: the exceptions" "ClientAllowedNTLMServers = server1, *.example.com"
has_line "INF import: Netlogon" "AuditNTLMInDomain = 7  # All"
# A native file imports too (normalised), and a hostile name cannot break the comment.
cp "$TMP/t.conf" "$TMP/evil"$'\n'"x"
run policy import "$TMP/evil"$'\n'"x"
expect_ok "import of a file whose name has a newline"
has_line "the name is shown printable" "# Imported by 'ntlm policy import' from $TMP/evil?x"
printf '%s\n' "$OUT" >"$TMP/evil.conf"
run policy check "$TMP/evil.conf"
expect_ok "its output checks clean"

# ---- malformed and missing input ---------------------------------------------------
for action in check import; do
	run policy $action "$TMP/nonexistent"
	expect_usage "$action of a missing file" "^$TMP/nonexistent: cannot open: No such file or directory$"
	eq "$action of a missing file: one line" 1 "$(wc -l <<<"$ERR" | tr -d ' ')"
	run policy $action "$TMP"
	expect_usage "$action of a directory"
	eq "$action of a directory: one line" 1 "$(wc -l <<<"$ERR" | tr -d ' ')"
done
run policy show --config "$TMP/nonexistent"
expect_usage "show --config of a missing file" "cannot open"
head -c 4000 /dev/urandom >"$TMP/junk"
run policy check "$TMP/junk"
expect_usage "random bytes"
printf '\xff\xfe[\x00L\x00S' >"$TMP/odd16"
run policy check "$TMP/odd16"
expect_usage "truncated UTF-16" "UTF-16"
printf '[Lsa]\nLmCompatibility\x1b[31mLevel = 5\n' >"$TMP/esc.conf"
run policy check "$TMP/esc.conf"
expect_usage "escape sequence in a setting name" 'x1b'
CHECKS=$((CHECKS + 1))
grep -q $'\x1b' <<<"$ERR" && fail "an escape byte reached the terminal"
: >"$TMP/empty.conf"
run policy check "$TMP/empty.conf"
expect_ok "an empty file is the cis profile"
head -c $((5 * 1024 * 1024)) /dev/zero | tr '\0' '#' >"$TMP/huge.conf"
run policy check "$TMP/huge.conf"
expect_usage "a file over 4 MiB" "too large"

# ---- several files, later wins (docs/policy.md "Several files") ----------------------
printf 'Profile = strict\n[Lsa]\nLmCompatibilityLevel = 4\n[MSV1_0]\nRestrictSendingNTLMTraffic = Deny\n' \
	>"$TMP/local.conf"
printf '[Unicode]\r\nUnicode=yes\r\n[Registry Values]\r\nMACHINE\\System\\CurrentControlSet\\Control\\Lsa\\LmCompatibilityLevel=4,5\r\n' \
	>"$TMP/gpo.inf"
run policy show --config "$TMP/local.conf" --config "$TMP/gpo.inf"
expect_ok "show with --config twice"
in_block LmCompatibilityLevel "  source:   $TMP/gpo.inf:4"
in_block RestrictSendingNTLMTraffic "  source:   $TMP/local.conf:5"
in_block RequireMIC "  source:   profile strict"
run policy show --config "$TMP/gpo.inf" --config "$TMP/local.conf"
expect_usage "a later file may not name a profile" "local.conf:1: Profile: only the first file"
# An INF alone: what it does not set is not defined (the Windows default).
run policy show --config "$TMP/gpo.inf"
expect_ok "show an INF"
in_block RestrictSendingNTLMTraffic "  source:   not defined (Windows default)"
in_block RestrictSendingNTLMTraffic "RestrictSendingNTLMTraffic = 0 (Allow)"
# --profile with --config: the starting point.
run policy show --profile cis --config "$TMP/gpo.inf"
expect_ok "show --profile cis --config an INF"
in_block RestrictSendingNTLMTraffic "  source:   profile cis"
in_block RestrictSendingNTLMTraffic "RestrictSendingNTLMTraffic = 1 (Audit)"
run policy import --profile cis "$TMP/gpo.inf"
expect_ok "import --profile cis"
has_line "import --profile: the profile" "Profile = cis"
has_line "import --profile: the INF's value" "LmCompatibilityLevel = 5  # SendNTLMv2OnlyRefuseLMAndNTLM"
run policy import "$TMP/gpo.inf"
has_line "import starts from windows-default" "Profile = windows-default"
has_line "import: not defined is the Windows default" "RestrictSendingNTLMTraffic = 0  # Allow"
# A near miss of a setting name in an INF is an error with file:line.
printf '[Unicode]\r\nUnicode=yes\r\n[Registry Values]\r\nMACHINE\\System\\CurrentControlSet\\Control\\Lsa\\MSV1_0\\RestrictSendingNTLMTrafic=4,2\r\n' \
	>"$TMP/typo.inf"
run policy check "$TMP/typo.inf"
expect_usage "a misspelt INF value" "^$TMP/typo.inf:4: unknown setting 'RestrictSendingNTLMTrafic'.*did you mean RestrictSendingNTLMTraffic"

# ---- usage errors --------------------------------------------------------------------
run policy
expect_usage "no action" "no action given"
run policy frob
expect_usage "unknown action" "unknown action 'frob'"
run policy show --frob
expect_usage "unknown show option" "unknown option '--frob'"
grep -q '^usage: ntlm policy' <<<"$ERR" || fail "usage not shown on stderr: $ERR"
run policy show --profile nope
expect_usage "unknown profile" "^ntlm policy: NTLM_E_CONFIG: unknown profile 'nope'"
eq "unknown profile: one line" 1 "$(wc -l <<<"$ERR" | tr -d ' ')"
run policy show --config
expect_usage "--config without a value" "needs a value"
run policy show --config=
expect_usage "--config with an empty value" "needs a file name"
run policy show extra
expect_usage "show with an operand" "no operand"
run policy check
expect_usage "check without a file" "needs a file"
run policy check a b
expect_usage "check with two files" "one file"
run policy check --frob "$TMP/t.conf"
expect_usage "unknown check option" "unknown option '--frob'"
run policy import
expect_usage "import without a file" "needs a file"
run policy check -- "$TMP/t.conf"
expect_ok "check after --"

finish
