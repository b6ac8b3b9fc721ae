#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ntlm httpd with domain accounts (--accounts winbind, through the member):
# curl --ntlm and python3-requests-ntlm; the page and X-Remote-User show the
# canonical names; each refusal is a 401 with an audit record that names the
# domain's NT status; the CHALLENGE names the member as winbind reports it.
set -u
source "$(dirname "$0")/lib.bash"

$PY "$DHERE/../http/backend.py" "$TMP/backend.port" >"$TMP/backend.log" 2>&1 &
DAEMON_PIDS+=($!)
for ((i = 0; i < 200; i++)); do
	[ -s "$TMP/backend.port" ] && break
	sleep 0.05
done
BPORT=$(cat "$TMP/backend.port")

start_daemon httpd httpd --listen 127.0.0.1:0 --accounts winbind --audit "$TMP/h.audit" \
	--proxy "http://127.0.0.1:$BPORT" || { finish; exit; }
HPID=$LAST_PID
BASE=http://127.0.0.1:$PORT
A=$TMP/h.audit

# The CHALLENGE carries the member's names (MEM1 / TESTDOM), from winbind.
neg=TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAKAGFKAAAADw==
hdr=$(curl -sS -D - -o /dev/null -H "Authorization: NTLM $neg" "$BASE/" | tr -d '\r' |
	sed -n 's/^WWW-Authenticate: NTLM //p')
desc=$("$NTLM" decode --json "NTLM $hdr")
contains "CHALLENGE NbComputerName" '"name":"MsvAvNbComputerName","value":"MEM1"' "$desc"
contains "CHALLENGE NbDomainName" '"name":"MsvAvNbDomainName","value":"TESTDOM"' "$desc"
contains "CHALLENGE DnsDomainName" '"name":"MsvAvDnsDomainName","value":"testdom.example"' "$desc"

# Success: 200 through the proxy; the backend sees the canonical name even
# when the client typed it in upper case.
out=$(curl_ntlm 'TESTDOM\ALICE:Passw0rd1' -w '\n%{http_code}' "$BASE/app")
eq "curl ALICE status" 200 "$(tail -n1 <<<"$out")"
contains "X-Remote-User canonical" '["X-Remote-User", "TESTDOM\\alice"]' "$out"
contains "success audited" "9005 success TESTDOM\\alice | authenticated" "$(events "$A")"

# The built-in page too (a second server without --proxy).
start_daemon page httpd --listen 127.0.0.1:0 --accounts winbind --audit "$TMP/p.audit" ||
	{ finish; exit; }
PBASE=http://127.0.0.1:$PORT
json=$(curl_ntlm 'testdom\bob:Secret-2' "$PBASE/?format=json")
contains "page user" '"user":"bob"' "$json"
contains "page domain" '"domain":"TESTDOM"' "$json"
contains "page response type" '"response_type":"NTLMv2"' "$json"
html=$(curl_ntlm 'TESTDOM\alice:Passw0rd1' "$PBASE/")
contains "html names" 'TESTDOM\alice' "$html"

# python3-requests-ntlm (python3-ntlm-auth underneath: a MIC, OEM names).
pyout=$($PY - "$PBASE" <<'PY' 2>&1
import sys, requests
from requests_ntlm import HttpNtlmAuth
r = requests.get(sys.argv[1] + "/?format=json", auth=HttpNtlmAuth("TESTDOM\\alice", "Passw0rd1"), timeout=60)
print(r.status_code, r.text)
r = requests.get(sys.argv[1] + "/", auth=HttpNtlmAuth("TESTDOM\\alice", "WrongPass9"), timeout=60)
print(r.status_code)
PY
)
contains "requests-ntlm alice" '200 {"user":"alice","domain":"TESTDOM"' "$pyout"
contains "requests-ntlm wrong password" $'\n401' "$pyout"

# Refusals: 401, and an audit record naming the domain's verdict.
refused() { # NAME USER PASSWORD NT_STATUS_NAME
	local code
	code=$(curl_ntlm "TESTDOM\\$2:$3" -o /dev/null -w '%{http_code}' "$BASE/app")
	eq "$1 status" 401 "$code"
	contains "$1 audited" "9004 failed TESTDOM\\$2 | TESTDOM\\$2: $4" "$(last_event "$A")"
}
refused "wrong password" alice WrongPass9 NT_STATUS_WRONG_PASSWORD
refused "unknown user" nobody Any-Passw0rd NT_STATUS_NO_SUCH_USER
refused "disabled" carol Carol-Passw0rd NT_STATUS_ACCOUNT_DISABLED
refused "must change" dave Dave-Passw0rd NT_STATUS_PASSWORD_MUST_CHANGE
refused "expired" erin Erin-Passw0rd NT_STATUS_ACCOUNT_EXPIRED
refused "logon hours" frank Frank-Passw0rd NT_STATUS_INVALID_LOGON_HOURS
refused "locked out" heidi Heidi-Passw0rd NT_STATUS_ACCOUNT_LOCKED_OUT
eq "one success on the proxy server" 1 "$(count_events "$A" 9005)"
# The backend never saw a refused request.
eq "backend requests" 1 "$(grep -c 'GET /app' "$TMP/backend.log" || true)"

stop_daemon "$HPID"
finish
