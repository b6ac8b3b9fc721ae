#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Policy with real domain accounts, and the lookup order of --accounts:
#   RestrictReceivingNTLMTraffic = 1 refuses domain accounts (also one that
#     claims no domain: the domain's answer decides) and admits a local one;
#   AuditReceivingNTLMTraffic = 1 audits exactly the domain accounts;
#   LmCompatibilityLevel 5 refuses NTLMv1 before the DC is asked (the same
#     response passes at level 2: the DC would have accepted it);
#   "file:F, winbind": the file decides for the names it has (a wrong
#     password there is final); "winbind, file:F": the domain first, the file
#     for the names the domain does not know.
set -u
source "$(dirname "$0")/lib.bash"

hash() { printf '%s' "$1" | "$NTLM" hash; }
# MEM1 is the member's own name: an account of this machine, not of a domain.
printf 'MEM1:localuser:%s\n' "$(hash Local-Passw0rd)" >"$TMP/local"
printf 'TESTDOM:alice:%s\n' "$(hash Shadow-Passw0rd)" >"$TMP/shadow"
printf 'TESTDOM:localonly:%s\n' "$(hash Only-Passw0rd)" >"$TMP/extra"
chmod 600 "$TMP/local" "$TMP/shadow" "$TMP/extra"

serve() { # NAME ACCOUNTS CONFIG-LINES...: a server with that policy
	local name=$1 acc=$2
	shift 2
	printf '%s\n' "$@" >"$TMP/$name.conf"
	start_daemon "$name" server --listen 127.0.0.1:0 --config "$TMP/$name.conf" \
		--accounts "$acc" --audit "$TMP/$name.audit"
}
login() { # USER PASSWORD [client args]: prints the outcome, exit status kept
	local u=$1 p=$2 prot=--sign
	shift 2
	[[ " $* " == *" --seal "* ]] && prot=
	printf 'ping\n' | "$NTLM" client --user "$u" --password "$p" $prot "$@" "127.0.0.1:$PORT" 2>&1
}

# RestrictReceivingNTLMTraffic = 1.
serve deny "file:$TMP/local, winbind" 'Profile = cis' '[MSV1_0]' 'RestrictReceivingNTLMTraffic = 1'
A=$TMP/deny.audit
out=$(login 'TESTDOM\alice' Passw0rd1)
contains "deny: domain account refused" 'NTLM_E_POLICY_RECEIVE_BLOCKED' "$out"
contains "deny: 4002 blocked" '4002 blocked TESTDOM\alice' "$(events "$A")"
out=$(login 'MEM1\localuser' Local-Passw0rd)
eq "deny: local account admitted" ping "$out"
out=$(login 'alice' Passw0rd1)
contains "deny: no domain claimed, the domain's account refused" 'NTLM_E_POLICY_RECEIVE_BLOCKED' "$out"
ev=$(events "$A")
eq "deny: two refusals" 2 "$(count_events "$A" 4002)"
eq "deny: one success" 1 "$(count_events "$A" 9005)"
contains "deny: the success is the local one" '9005 success MEM1\localuser' "$ev"
lacks "deny: no domain success" '9005 success TESTDOM' "$ev"

# AuditReceivingNTLMTraffic = 1: exactly the domain accounts.
serve audit "file:$TMP/local, winbind" 'Profile = cis' '[MSV1_0]' \
	'RestrictReceivingNTLMTraffic = 0' 'AuditReceivingNTLMTraffic = 1'
A=$TMP/audit.audit
eq "audit: alice" ping "$(login 'TESTDOM\alice' Passw0rd1)"
eq "audit: localuser" ping "$(login 'MEM1\localuser' Local-Passw0rd)"
eq "audit: alice without a domain" ping "$(login alice Passw0rd1)"
eq "audit: three successes" 3 "$(count_events "$A" 9005)"
eq "audit: two 8002 (the domain logons)" 2 "$(count_events "$A" 8002)"
ev=$(events "$A")
contains "audit: 8002 for TESTDOM\\alice" '8002 audited TESTDOM\alice' "$ev"
lacks "audit: none for the local account" '8002 audited MEM1\localuser' "$ev"
contains "audit: canonical names after the domain answered" '9005 success TESTDOM\alice' "$ev"

# LmCompatibilityLevel 5 refuses NTLMv1 without asking the DC.
printf '[Lsa]\nLmCompatibilityLevel = 1\n' >"$TMP/v1client.conf"
serve lm5 winbind 'Profile = cis' '[Lsa]' 'LmCompatibilityLevel = 5'
out=$(login 'TESTDOM\alice' Passw0rd1 --config "$TMP/v1client.conf")
contains "lm5: NTLMv1 refused by policy" 'NTLM_E_POLICY_RESPONSE_REFUSED' "$out"
ev=$(events "$TMP/lm5.audit")
contains "lm5: 9001" '9001 blocked TESTDOM\alice' "$ev"
lacks "lm5: no verdict from the DC" '9004' "$ev"
serve lm2 winbind 'Profile = cis' '[Lsa]' 'LmCompatibilityLevel = 2'
eq "lm2: the same NTLMv1 passes through the DC" ping \
	"$(login 'TESTDOM\alice' Passw0rd1 --config "$TMP/v1client.conf" --seal)"
contains "lm2: NTLMv1 audited" '"response_type":"NTLMv1' "$(cat "$TMP/lm2.audit")"

# The backends from the policy file alone ([ntlmssp] Accounts, no --accounts).
printf '%s\n' 'Profile = cis' '[ntlmssp]' "Accounts = file:$TMP/local, winbind" >"$TMP/acc.conf"
start_daemon fromconf server --listen 127.0.0.1:0 --config "$TMP/acc.conf" \
	--audit "$TMP/fromconf.audit"
eq "Accounts from the policy: domain" ping "$(login 'TESTDOM\alice' Passw0rd1)"
eq "Accounts from the policy: local" ping "$(login 'MEM1\localuser' Local-Passw0rd)"

# Lookup order.
serve filefirst "file:$TMP/shadow, winbind" 'Profile = cis'
out=$(login 'TESTDOM\alice' Passw0rd1)
contains "file first: the file's alice decides (domain password refused)" \
	'NTLM_E_LOGON_FAILURE' "$out"
eq "file first: the file's password" ping "$(login 'TESTDOM\alice' Shadow-Passw0rd)"
eq "file first: bob is not in the file: the domain" ping "$(login 'TESTDOM\bob' Secret-2)"
serve wbfirst "winbind, file:$TMP/extra" 'Profile = cis'
eq "winbind first: alice from the domain" ping "$(login 'TESTDOM\alice' Passw0rd1)"
eq "winbind first: a name the domain lacks, from the file" ping \
	"$(login 'TESTDOM\localonly' Only-Passw0rd)"
out=$(login 'TESTDOM\carol' Carol-Passw0rd)
contains "winbind first: the domain's refusal is final" 'NTLM_E_ACCOUNT_DISABLED' "$out"
finish
