#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The whole policy applies to ntlm httpd: NtlmMinServerSec (curl never offers
# SEAL: 401 and event 4011), RestrictReceivingNTLMTraffic (DenyAll: 401 at
# the NEGOTIATE; DenyDomainAccounts: 403 for a valid account, 4002),
# LmCompatibilityLevel (an NTLMv1 client: 403 and 9001 under cis; accepted
# with 9006 under windows-default), and the policy file formats (--config).
set -u
source "$(dirname "$0")/lib.bash"

# at_least NAME MIN GOT (curl tries a refused NEGOTIATE twice before it gives up)
at_least() {
	CHECKS=$((CHECKS + 1))
	[ "$3" -ge "$2" ] || fail "$1: got $3, want at least $2"
}

ev_field() { # ev_field FILE ID KEY: KEY of the last event ID
	$PY -c '
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{\"event\":%s," % sys.argv[2])]
print(evs[-1][sys.argv[3]] if evs else "")' "$1" "$2" "$3"
}

# NtlmMinServerSec = RequireConfidentiality: curl cannot meet it.
cat >"$TMP/seal.conf" <<'EOF'
Profile = cis
[MSV1_0]
NtlmMinServerSec = RequireConfidentiality | RequireNTLMv2SessionSecurity
EOF
start_server seal --config "$TMP/seal.conf"
code=$(curl_ntlm 'DEMO\demo:'"$DEMO_PW" -o /dev/null -w '%{http_code}' "$BASE/")
eq "NtlmMinServerSec 0x20: curl refused" 401 "$code"
at_least "event 4011" 1 "$(count_events 4011)"
eq "4011 missing bit" 0x00000020 "$(ev_field "$AUDIT" 4011 missing)"
eq "4011 setting" NtlmMinServerSec "$(ev_field "$AUDIT" 4011 setting)"
eq "no success" 0 "$(count_events 9005)"
# A client that does offer SEAL (python3-ntlm-auth asks for SIGN|SEAL) gets in.
out=$($PY "$HERE/ntlmclient.py" "$PORT" handshake)
eq "SEAL-capable client under 0x20" 200 "$($PY -c 'import json,sys; print(json.loads(sys.argv[1])["auth_status"])' "$out")"
contains "its key strength" '\"key_strength\":128' "$out"
stop_server

# RestrictReceivingNTLMTraffic = DenyAll: refused at the NEGOTIATE, 401, 4002.
cat >"$TMP/denyall.conf" <<'EOF'
[MSV1_0]
RestrictReceivingNTLMTraffic = DenyAll
EOF
start_server denyall --config "$TMP/denyall.conf"
code=$(curl_ntlm 'DEMO\demo:'"$DEMO_PW" -o /dev/null -w '%{http_code}' "$BASE/")
eq "DenyAll" 401 "$code"
at_least "event 4002" 1 "$(count_events 4002)"
eq "4002 setting" RestrictReceivingNTLMTraffic "$(ev_field "$AUDIT" 4002 setting)"
stop_server

# RestrictReceivingNTLMTraffic = DenyDomainAccounts: the right password of a
# domain account is refused by policy at the AUTHENTICATE: 403.
cat >"$TMP/denydomain.conf" <<'EOF'
[MSV1_0]
RestrictReceivingNTLMTraffic = DenyDomainAccounts
EOF
start_server denydomain --config "$TMP/denydomain.conf" --netbios-name WEBSRV
code=$(curl_ntlm 'DEMO\demo:'"$DEMO_PW" -o /dev/null -w '%{http_code}' "$BASE/")
eq "DenyDomainAccounts, valid account" 403 "$code"
eq "event 4002" 1 "$(count_events 4002)"
eq "4002 names the user" demo "$(ev_field "$AUDIT" 4002 user)"
eq "no success" 0 "$(count_events 9005)"
stop_server

# LmCompatibilityLevel 5 (cis): an NTLMv1 client is refused, 403 and 9001.
start_server lmcompat --profile cis
out=$($PY "$HERE/ntlmclient.py" "$PORT" handshake --compat 1)
eq "NTLMv1 under cis" 403 "$($PY -c 'import json,sys; print(json.loads(sys.argv[1])["auth_status"])' "$out")"
eq "event 9001" 1 "$(count_events 9001)"
eq "9001 setting" LmCompatibilityLevel "$(ev_field "$AUDIT" 9001 setting)"
stop_server

# windows-default (level 3) accepts it, and audits the insecure response.
start_server windefault --profile windows-default
out=$($PY "$HERE/ntlmclient.py" "$PORT" handshake --compat 1)
eq "NTLMv1 under windows-default" 200 "$($PY -c 'import json,sys; print(json.loads(sys.argv[1])["auth_status"])' "$out")"
contains "page says NTLMv1" '\"response_type\":\"NTLMv1' "$out"
eq "event 9006" 1 "$(count_events 9006)"
eq "event 9005" 1 "$(count_events 9005)"
stop_server

# A .reg export works as --config too.
cat >"$TMP/policy.reg" <<'EOF'
Windows Registry Editor Version 5.00

[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Lsa\MSV1_0]
"NtlmMinServerSec"=dword:20080030
EOF
start_server reg --config "$TMP/policy.reg"
code=$(curl_ntlm 'DEMO\demo:'"$DEMO_PW" -o /dev/null -w '%{http_code}' "$BASE/")
eq ".reg NtlmMinServerSec: curl refused" 401 "$code"
at_least ".reg: event 4011" 1 "$(count_events 4011)"
stop_server

# A broken policy file: the server does not start, exit 2, the error on stderr.
printf '[MSV1_0]\nNtlmMinServerSec = 0x7\n' >"$TMP/bad.conf"
"$NTLM" httpd --listen 127.0.0.1:0 --accounts "$TMP/accounts" --config "$TMP/bad.conf" \
	>"$TMP/bad.out" 2>"$TMP/bad.err"
eq "bad policy exit" 2 "$?"
contains "bad policy message" "bad.conf" "$(cat "$TMP/bad.err")"
# A missing accounts file too.
"$NTLM" httpd --listen 127.0.0.1:0 --accounts "$TMP/nope" >"$TMP/bad.out" 2>"$TMP/bad.err"
eq "missing accounts exit" 2 "$?"
contains "missing accounts message" "--accounts" "$(cat "$TMP/bad.err")"

finish
