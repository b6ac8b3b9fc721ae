#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Other real clients: python3-requests-ntlm (OEM, a MIC, SIGN|SEAL asked),
# raw NTLMSSP under the Negotiate scheme (the reply uses the client's scheme),
# and the connection binding: an AUTHENTICATE sent on a new connection
# (mid-handshake) is refused with 401 and an audit record saying why.
set -u
source "$(dirname "$0")/lib.bash"

jget() { $PY -c 'import json,sys; v=json.loads(sys.argv[1]); [v:=v[k] if not k.isdigit() else v[int(k)] for k in sys.argv[2].split(".")]; print(v)' "$1" "$2"; }

start_server clients --profile cis

# python3-requests-ntlm: 200, and its session keeps one connection: one
# handshake for four requests.
out=$($PY - "$BASE" "$DEMO_PW" <<'EOF'
import json, sys
import requests
from requests_ntlm import HttpNtlmAuth
base, pw = sys.argv[1], sys.argv[2]
s = requests.Session()
s.auth = HttpNtlmAuth("DEMO\\demo", pw)
r = s.get(base + "/?format=json", timeout=60)
codes = [r.status_code]
page = r.json()
for i in range(3):
    codes.append(s.get(base + "/x%d" % i, timeout=60).status_code)
bad = requests.get(base + "/", auth=HttpNtlmAuth("DEMO\\demo", "wrong"), timeout=60)
print(json.dumps({"codes": codes, "page": page, "bad": bad.status_code}))
EOF
)
eq "requests-ntlm statuses" "[200, 200, 200, 200]" "$(jget "$out" codes)"
eq "requests-ntlm user" demo "$(jget "$out" page.user)"
eq "requests-ntlm response type" NTLMv2 "$(jget "$out" page.response_type)"
contains "requests-ntlm negotiated SEAL" NTLMSSP_NEGOTIATE_SEAL "$(jget "$out" page.flag_names)"
eq "requests-ntlm key strength" 128 "$(jget "$out" page.key_strength)"
eq "requests-ntlm wrong password" 401 "$(jget "$out" bad)"
eq "one handshake for the session" 1 "$(count_events 9005)"

# Raw NTLMSSP in the Negotiate scheme: the CHALLENGE comes back as Negotiate.
before=$(count_events 9005)
out=$($PY "$HERE/ntlmclient.py" "$PORT" handshake --scheme Negotiate --then 2)
eq "Negotiate: NEGOTIATE -> 401" 401 "$(jget "$out" negotiate_status)"
eq "Negotiate: challenge scheme" Negotiate "$(jget "$out" challenge_scheme)"
eq "Negotiate: AUTHENTICATE -> 200" 200 "$(jget "$out" auth_status)"
eq "Negotiate: later requests" "[200, 200]" "$(jget "$out" then)"
eq "Negotiate: one handshake" $((before + 1)) "$(count_events 9005)"
out=$($PY "$HERE/ntlmclient.py" "$PORT" handshake --scheme NTLM)
eq "NTLM: challenge scheme" NTLM "$(jget "$out" challenge_scheme)"

# A SPNEGO token for Kerberos alone under Negotiate: not ours; 401 offering
# NTLM only (SPNEGO with NTLMSSP: tests/http/spnego.sh).
spnego=$($PY -c 'import base64; print(base64.b64encode(bytes.fromhex("602406062b0601050502a01a3018a00d300b06092a864886f712010202a20704056003060100")).decode())')
hdrs=$(curl -sS --max-time 60 -D - -o /dev/null -H "Authorization: Negotiate $spnego" "$BASE/")
contains "SPNEGO token: 401" "HTTP/1.1 401" "$hdrs"
contains "SPNEGO token: NTLM offered" "WWW-Authenticate: NTLM" "$hdrs"
lacks "SPNEGO token: Negotiate not offered again" "WWW-Authenticate: Negotiate" "$hdrs"
# A SPNEGO token cut short: malformed, 400.
code=$(curl -sS --max-time 60 -o /dev/null -w '%{http_code}' -H "Authorization: Negotiate YIIBKgYGKwYBBQUCoA==" "$BASE/")
eq "SPNEGO token cut short: 400" 400 "$code"

# The handshake is bound to its connection: an AUTHENTICATE on a new one is
# refused (401), audited with the reason, and nothing succeeds.
# The library audits the AUTHENTICATE that reaches a context with no
# CHALLENGE (event 9008); the first connection, closed with its CHALLENGE
# unanswered, is an abandoned handshake (9103, the front end's record).
before=$(count_events 9005)
lines=$(wc -l <"$AUDIT")
out=$($PY "$HERE/ntlmclient.py" "$PORT" handshake --split)
eq "split: NEGOTIATE -> 401" 401 "$(jget "$out" negotiate_status)"
eq "split: AUTHENTICATE on a new connection" 401 "$(jget "$out" auth_status)"
contains "split: invitation again" NTLM "$(jget "$out" auth_www_authenticate)"
eq "split: no success" "$before" "$(count_events 9005)"
for ((i = 0; i < 50; i++)); do
	[ "$(wc -l <"$AUDIT")" -ge $((lines + 2)) ] && break
	sleep 0.1
done
eq "split: two audit records" $((lines + 2)) "$(wc -l <"$AUDIT")"
last=$(tail -n 2 "$AUDIT" | grep '"event":9008')
contains "split: audited as a failure" '"outcome":"failed"' "$last"
contains "split: audit peer" '"peer":"127.0.0.1:' "$last"
contains "split: audit event" '"event":9008' "$last"
lacks "split: recorded by the library" '"source":"httpd"' "$last"
contains "split: audit reason" "never issued" "$last"
ab=$(tail -n 2 "$AUDIT" | grep '"event":9103')
contains "split: abandoned handshake" '"name":"handshake-abandoned"' "$ab"
contains "split: abandoned, why" 'without an AUTHENTICATE' "$ab"
# ... and the server serves the next client as usual.
code=$(curl_ntlm 'DEMO\demo:'"$DEMO_PW" -o /dev/null -w '%{http_code}' "$BASE/")
eq "after the split attempt" 200 "$code"

server_alive "after the clients"
finish
