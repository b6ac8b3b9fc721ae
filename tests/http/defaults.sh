#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The installed defaults of ntlm-httpd (run as `ntlm httpd`): without
# --accounts it reads SYSCONFDIR/ntlmssp/accounts, the path --help shows;
# --help names the default policy file and the syslog audit default; `ntlm
# httpd` runs the separate ntlm-httpd program (the tool links no HTTP
# library), which has its own --version.
set -u
source "$(dirname "$0")/lib.bash"

help=$("$NTLM" httpd --help)
acc=$(sed -n 's|^ *\(/.*/ntlmssp/accounts\)$|\1|p' <<<"$help")
[ -n "$acc" ] || fail "--help names no default accounts file: $help"
contains "--help: default policy file" "${acc%/accounts}/ntlmssp.conf" "$help"
contains "--help: syslog by default" "syslog when neither --audit nor AuditLog" "$help"

# No --accounts: the default file (absent here, unless installed) is what it opens.
if [ ! -e "$acc" ]; then
	"$NTLM" httpd --listen 127.0.0.1:0 >"$TMP/d.out" 2>"$TMP/d.err"
	eq "no accounts file at the default path: exit" 2 "$?"
	contains "the error names the default path" "--accounts $acc: NTLM_E_ACCOUNTS_FILE" \
		"$(cat "$TMP/d.err")"
fi

# The policy's [ntlmssp] Accounts comes before the installed file.
printf '[ntlmssp]\nAccounts = file:%s\n' "$TMP/none.accounts" >"$TMP/acc.conf"
"$NTLM" httpd --listen 127.0.0.1:0 --config "$TMP/acc.conf" >"$TMP/p.out" 2>"$TMP/p.err"
eq "the policy's Accounts (absent): exit" 2 "$?"
contains "the policy's Accounts is what it opens" "$TMP/none.accounts" "$(cat "$TMP/p.err")"
lacks "not the installed file" "$acc" "$(cat "$TMP/p.err")"

# ntlm httpd runs ntlm-httpd, beside ntlm in the build tree.
httpd=$(dirname "$NTLM")/ntlm-httpd
[ -x "$httpd" ] || fail "no ntlm-httpd beside $NTLM"
eq "ntlm-httpd --version" "ntlm-httpd (ntlmssp) $("$NTLM" --version | sed 's/.* //')" \
	"$("$httpd" --version)"
eq "ntlm httpd --version runs it" "$("$httpd" --version)" "$("$NTLM" httpd --version)"
if ldd "$NTLM" | grep -qE 'libcurl|libmicrohttpd'; then fail "ntlm links an HTTP library"; fi
ldd "$httpd" | grep -q libmicrohttpd || fail "ntlm-httpd does not link libmicrohttpd"
# the server under the name `ntlm httpd` serves (pid stays: exec, not fork)
start_server defaults
code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/")
eq "served through ntlm httpd" 401 "$code"
eq "same pid (exec)" "$(readlink /proc/$SERVER_PID/exe)" "$(readlink -f "$httpd")"
finish
